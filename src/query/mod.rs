//! The timeline's query language: what the search box takes, evaluated over the store.
//!
//! Entry points: [`parse()`] / [`parse_lenient()`] (text → [`Ast`], strings only),
//! [`compile`] (an `Ast` bound to a [`Store`](crate::store::Store) → [`Plan`]), [`filter`]
//! (the matching [`EventId`](crate::store::EventId)s in time order) and
//! [`Plan::matches`] (one event). While the user types, [`Ast::narrows`] and
//! [`filter_within`] rescan only the previous hits when the new query is narrower;
//! [`fields_in`] and [`top_values`] feed autocomplete.
//!
//! ```text
//! eventName:ConsoleLogin errorCode:AccessDenied*
//! (eventSource:iam.amazonaws.com OR source:sts*) AND NOT readOnly:true
//! eventTime:[2020-09-16T00:00 TO 2020-09-17] -region:us-east-1
//! requestParameters.accountId:1111* _exists_:errorCode "access denied"
//! ```
//!
//! # Grammar
//!
//! ```text
//! query      = or?
//! or         = and ("OR" and)*
//! and        = unary (("AND")? unary)*         juxtaposition is AND
//! unary      = ("NOT" | "-") unary | primary    `-` directly before its operand
//! primary    = "(" or ")"
//!            | "_exists_:" path
//!            | path ":" value
//!            | word | phrase                    free text
//! value      = word | phrase
//!            | "(" or ")"                       field group: bare terms take the field
//!            | ("[" | "{") bound "TO" bound ("]" | "}")
//!            | (">" | ">=" | "<" | "<=") bound
//! bound      = "*" | word | phrase
//! path       = segment ("." segment)*
//! ```
//!
//! - Keywords `AND`, `OR`, `NOT` (and `TO` inside a range) are recognised in any case;
//!   quote or escape them (`"and"`, `\and`) to search for the word. `NOT` binds tighter
//!   than `AND`, which binds tighter than `OR`: `a OR b c` is `a OR (b AND c)`.
//! - A word runs to whitespace, `(`, `)` or `"`; `\` escapes any character. After
//!   `field:` the value may contain colons (`userIdentity.arn:arn:aws:iam::1:root`); a
//!   space after the colon is allowed (`eventName: ConsoleLogin`).
//! - Phrases `"…"` are literal (no wildcards); `\"` and `\\` inside.
//! - In words, `*` matches any run of characters and `?` exactly one; `\*`, `\?` are
//!   literal. `field:*` is `_exists_:field`; a bare `*` matches everything.
//! - Ranges: `[ ]` inclusive, `{ }` exclusive, mixable, `*` open; `field:>x` is
//!   `field:{x TO *]` and so on.
//!
//! # Fields
//!
//! Field names match ignoring ASCII case. These names are aliases read from the store's
//! columns (fast); any other name or dotted path reads the record's JSON:
//!
//! | alias | value |
//! |---|---|
//! | `eventTime`, `time` | the parsed eventTime (ranges, or a timestamp naming a span) |
//! | `eventName` | |
//! | `eventSource`, `source` | |
//! | `awsRegion`, `region` | |
//! | `errorCode` | |
//! | `principal` | the readable principal ([`crate::event::Identity::principal`]) |
//! | `account` | recipientAccountId, else userIdentity.accountId |
//! | `identityType`, `userIdentity.type` | |
//! | `sourceIPAddress`, `ip` | |
//! | `userAgent` | |
//! | `userAgentFamily`, `agent` | the user agent's family ([`crate::store::agent::family`]: `Terraform`, `AWS CLI`…) |
//! | `readOnly` | `true` / `false` (a boolean, or the strings, as CloudTrail writes it) |
//! | `eventType` | |
//! | `eventID` | |
//!
//! A dotted path (`requestParameters.bucketName`,
//! `userIdentity.sessionContext.sessionIssuer.userName`) names every value reached by
//! following, at each step, every key equal to the segment ignoring ASCII case, walking
//! through arrays (`resources.ARN` tests each resource). A condition holds if it holds
//! for any value reached; a key written twice in a record counts twice. Write `\.` for a
//! dot inside a key. An alias always means its column: `eventName` reads the store's
//! typed field, not the JSON key (they differ only for odd values such as an array).
//!
//! # Values
//!
//! - **Case.** Every comparison ignores ASCII case, ids included: CloudTrail's ids are hex
//!   or digits, where folding case cannot confuse two real values, while names
//!   (`ConsoleLogin`, `AccessDenied`) are where people misremember case. Non-ASCII
//!   characters must match exactly.
//! - **Terms** match the whole value: `eventName:Create*` is a prefix test,
//!   `eventName:CreateUser` equality. Strings are tested as they are, numbers as
//!   serde_json prints them (`50`, `2.5`), booleans as `true`/`false`. `null` and `""`
//!   are no value: they match no term, and `NOT` (or `-`) matches them.
//! - **`_exists_:f`** (and `f:*`, `f:[* TO *]`) holds when `f` has a value: for a path,
//!   anything but `null` and `""`, objects included (`_exists_:requestParameters`); for
//!   an alias, a non-empty column value.
//! - **Ranges** on `eventTime` take timestamps in every dialect
//!   [`crate::time::parse_timestamp`] reads, plus partial ISO (`2020`, `2020-09`,
//!   `2020-09-16T21`). A partial timestamp names the whole span it covers (see
//!   [`time_span`]): `eventTime:[2020-09-16 TO 2020-09-17]` runs from the 16th 00:00 to
//!   the end of the 17th, `eventTime:{* TO 2020-09-17}` stops before the 17th, and
//!   `eventTime:2020-09-16` is that day; a time field's value must be a timestamp (no
//!   wildcards). Events without a time never match. On other
//!   fields, bounds that are both numbers compare numbers (JSON numbers, or strings that
//!   hold one); otherwise both must be timestamps, compared with the value read as one.
//! - **Free text** (a bare word or phrase) matches when it occurs, ignoring ASCII case, in
//!   some string value of the record's JSON, at any depth, after JSON escapes are
//!   decoded: object keys, numbers, booleans and `null` are not searched. Wildcards work
//!   within a value: `Create*User` finds `CreateUser` and `xCreateAUserx`. Every string in
//!   the text counts, duplicate keys included.
//!
//! # Errors
//!
//! [`parse_lenient`] never fails: it returns the tree it could read and every
//! [`QueryError`] with its span, for underlining while the user types. [`parse()`] returns
//! the first error. Nothing here panics on any input; nesting deeper than
//! [`MAX_DEPTH`] is an error.
//!
//! # Speed
//!
//! Column conditions become sets of accepted symbols when compiling (a wildcard on
//! `eventName` is matched once per distinct name), so [`filter`] tests an integer per
//! event, 64 events per word of a bitset. Only paths and free text read JSON, and only for
//! events the cheaper conditions left undecided; a literal part of the value is searched
//! in the raw text first, and most records are rejected without parsing.

mod ast;
mod check;
pub mod complete;
mod error;
mod eval;
mod field;
mod json;
pub(crate) mod lex;
mod matcher;
mod parse;
mod plan;
mod suggest;

#[cfg(test)]
mod tests;

pub use ast::{Ast, Bound, Field, Value};
pub use check::{names_column, unknown_fields, QueryNote};
pub use error::{QueryError, QueryErrorKind, MAX_DEPTH};
pub use eval::{filter, filter_into, filter_within, filter_within_into, retain_matching};
pub use field::{aliases, parse_number, time_span};
pub(crate) use field::{range_kind, resolve, time_range, RangeKind, Target};
pub use plan::{compile, Plan};
pub use suggest::{fields_in, top_values, top_values_with, FieldInfo};

/// Parses a query; the first error (by position) if there is any.
pub fn parse(query: &str) -> Result<Ast, QueryError> {
    let (ast, errors) = parse_lenient(query);
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(ast),
    }
}

/// Parses what it can and reports every error with its span: for showing errors inline
/// while the user types. The tree leaves out the parts in error.
pub fn parse_lenient(query: &str) -> (Ast, Vec<QueryError>) {
    parse::parse_lenient(query)
}
