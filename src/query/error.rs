//! The query language's one error type: where ([`QueryError::span`], byte offsets into the
//! query text) and what ([`QueryErrorKind`]), with a fix hint in every message.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A syntax error in a query, positioned so the search box can underline it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryError {
    /// Byte range in the query text (always on char boundaries; may be empty at the end).
    pub span: Range<usize>,
    pub kind: QueryErrorKind,
}

/// What is wrong. Each variant's doc shows a query that triggers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QueryErrorKind {
    /// `eventName:"Create` — a phrase without its closing quote.
    UnclosedQuote,
    /// `(eventName:A OR eventName:B` — a group without its `)`.
    UnclosedParen,
    /// `eventName:A)` — a `)` with no `(` before it.
    UnmatchedParen,
    /// `()` — nothing between the parentheses.
    EmptyGroup,
    /// `eventName:A AND`, `OR b`, `NOT`, `a - b` — an operator without its operand.
    DanglingOperator { operator: String },
    /// `:ConsoleLogin` — a colon with no field name before it.
    MissingField,
    /// `eventName:` — a field with no value after the colon.
    MissingValue,
    /// `requestParameters..bucketName:x` — an empty part in a dotted field path.
    EmptyPathSegment,
    /// `event*:ConsoleLogin` — wildcards are for values, not field names.
    WildcardInField,
    /// `_exists_:"a b"` — `_exists_` takes a field path.
    ExistsNeedsField,
    /// `AccessDenied\` — a backslash with nothing after it.
    TrailingEscape,
    /// `eventTime:[2020-09-16 TO 2020-09-17` — a range without `]` or `}`.
    UnclosedRange,
    /// `eventTime:[2020-09-16 2020-09-17]` — a range that is not `[lower TO upper]`.
    BadRange,
    /// `eventTime:yesterday` — a time field's value or bound that is not a timestamp.
    BadTimestamp,
    /// `requestParameters.maxResults:[ten TO 20]` — range bounds that are neither both
    /// numbers nor both timestamps.
    BadBound,
    /// `eventName:""` — an empty phrase.
    EmptyPhrase,
    /// `[a TO b]` without a field, a stray `TO` or `]` — a token that cannot stand here.
    Unexpected { found: String },
    /// `((((…` more than [`MAX_DEPTH`] groups and `NOT`s deep.
    TooDeep,
    /// `eventName:/Delete.*/` — a regular expression (not part of the language).
    Regex,
    /// `lifecycle:car-1 rule:x` — more than one drill-down condition
    /// ([`crate::timeline::drill`]).
    DrillTwice,
    /// `lifecycle:car-1 OR eventName:X` — a drill-down condition anywhere but joined
    /// with AND at the top level.
    DrillMisplaced,
}

/// How deeply groups and `NOT`s may nest (keeps every recursive pass far from the stack
/// limit, which in a wasm worker is small).
pub const MAX_DEPTH: usize = 64;

impl QueryError {
    pub fn new(span: Range<usize>, kind: QueryErrorKind) -> Self {
        QueryError { span, kind }
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use QueryErrorKind as K;
        let at = self.span.start;
        let (what, hint): (String, &str) = match &self.kind {
            K::UnclosedQuote => (
                "unclosed quote".into(),
                r#"add a closing ", or write \" for a literal quote"#,
            ),
            K::UnclosedParen => ("unclosed '('".into(), "add a closing ')'"),
            K::UnmatchedParen => (
                "')' without a matching '('".into(),
                r"remove it, or write \) to search for it",
            ),
            K::EmptyGroup => (
                "empty parentheses".into(),
                "put a condition inside, or remove them",
            ),
            K::DanglingOperator { operator } => (
                format!("{operator} has nothing to apply to"),
                "add a condition after it, or quote the word to search for it",
            ),
            K::MissingField => (
                "no field name before ':'".into(),
                r"write field:value, or \: to search for a colon",
            ),
            K::MissingValue => (
                "no value after ':'".into(),
                "write field:value; field:* matches any value",
            ),
            K::EmptyPathSegment => (
                "empty part in a field path".into(),
                r"write paths as a.b.c, with \. for a dot inside a key",
            ),
            K::WildcardInField => (
                "wildcard in a field name".into(),
                r"wildcards work in values only; write \* for a literal star",
            ),
            K::ExistsNeedsField => (
                "_exists_ needs a field".into(),
                "write _exists_:errorCode or _exists_:requestParameters.bucketName",
            ),
            K::TrailingEscape => (
                "backslash at the end".into(),
                r"remove it, or write \\ for a literal backslash",
            ),
            K::UnclosedRange => (
                "unclosed range".into(),
                "end it with ] (inclusive) or } (exclusive)",
            ),
            K::BadRange => (
                "malformed range".into(),
                "write [lower TO upper]; * leaves an end open",
            ),
            K::BadTimestamp => (
                "not a timestamp".into(),
                "write e.g. 2020-09-16, 2020-09-16T21:20 or 2020-09-16T21:20:50Z",
            ),
            K::BadBound => (
                "range bounds must be numbers or timestamps".into(),
                "write e.g. [10 TO 100] or [2020-09-16 TO 2020-09-17]",
            ),
            K::EmptyPhrase => (
                "empty phrase".into(),
                "to find events without a field, write NOT _exists_:field",
            ),
            K::Unexpected { found } => (
                format!("unexpected {found}"),
                r#"quote the value ("…") or escape the character with \"#,
            ),
            K::TooDeep => (
                format!("nested more than {MAX_DEPTH} levels deep"),
                "simplify the query",
            ),
            K::Regex => (
                "regular expressions are not supported".into(),
                "use wildcards: * for any run of characters, ? for one (Delete*), or quote the value to search for it",
            ),
            K::DrillTwice => (
                "one lifecycle: or rule: condition at a time".into(),
                "remove the others",
            ),
            K::DrillMisplaced => (
                "lifecycle: and rule: take one exact value and stand on their own".into(),
                "join them to the rest with AND (not in OR, NOT or a wildcard)",
            ),
        };
        write!(f, "{what} (at {at}): {hint}")
    }
}

impl std::error::Error for QueryError {}
