//! EventBridge event patterns: compile a rule's `EventPattern` once, then ask which
//! CloudTrail records it would have matched.
//!
//! This module owns the whole pattern language (exact values, arrays, `$or`, `prefix`,
//! `suffix`, `equals-ignore-case`, `wildcard`, `anything-but`, `numeric`, `exists`, `cidr`,
//! null and empty-string semantics), its validation rules and limits with AWS's error
//! wording, the CloudTrail → EventBridge envelope, a starter rule set, and rule sets as
//! users keep them (their file format and edits). It is pure: no browser types, no I/O.
//! The reference is `tests/fixtures/eventbridge/spec.md`; the conformance vectors next to
//! it are checked by `tests/rules_conformance.rs`.
//!
//! Entry points:
//! - [`compile`] / [`compile_value`] / [`compile_with_limits`]: pattern → [`Pattern`] or a
//!   [`PatternError`] (message, JSON path inside the pattern, text position).
//! - [`Pattern::matches`]: against an EventBridge event as a `serde_json::Value`.
//! - [`Pattern::matches_record`]: against a CloudTrail record's raw JSON text plus its
//!   [`EnvelopeFields`] — the fast path, same answers as `matches(&wrap(&record))`.
//! - [`wrap`], [`EnvelopeFields`]: the envelope EventBridge puts around a record.
//! - [`candidates`]: the events of a store each pattern may match, from its columns alone.
//! - [`starter_rules`]: built-in rules for AWS Organizations monitoring.
//! - [`parse_file`] / [`print_file`]: rule sets as JSON text (browser storage, links and
//!   rules files), with [`name_rules`] naming bare patterns; errors are [`FileError`]s.
//! - [`RuleSet`]: the Rules panel's list and how each user [`Change`] alters it.
//! - [`EVENTBRIDGE_DIFFERENCES`]: where EventBridge and event-ruler differ, and our choice.
//!
//! Speed: over a store, first narrow each pattern to its [`candidates`] (a pass over a few
//! columns, each distinct value judged once), then build the [`EnvelopeFields`] of each
//! candidate with [`EnvelopeFields::from_record_json`] (a few µs) and ask `matches_record`,
//! which decides most conditions from the envelope and reads the record text, in one pass,
//! only for fields it does not hold.

mod complexity;
mod envelope;
mod error;
mod file;
mod ip;
mod leaves;
mod match_event;
mod matcher;
mod number;
mod pattern;
mod prefilter;
mod set;
mod spec;
mod starter;
mod syntax;
mod text;

#[cfg(test)]
mod tests;

pub use envelope::{detail_type, source, wrap, EnvelopeFields, EnvelopeParts};
pub use error::{ErrorKind, PatternError, TextPosition};
pub use file::{
    name_rules, parse_file, print_file, FileError, FileErrorKind, FileLayout, ParsedRule,
};
pub use pattern::{compile, compile_value, compile_with_limits, Limits, Pattern, PatternNote};
pub use prefilter::{candidates, is_plain, Candidates};
pub use set::{Change, Notice, RuleSet};
pub use spec::RuleSpec;
pub use starter::{starter_rules, StarterRule};

/// Where Amazon EventBridge and the open-source event-ruler library (which EventBridge runs
/// and whose error messages it returns) are known to differ, and what this module does.
/// Written for users: the UI can show these next to a rule.
pub const EVENTBRIDGE_DIFFERENCES: &[&str] = &[
    "Pattern size: EventBridge rejects patterns longer than its \"Event pattern size\" quota \
     (2,048 characters by default; adjustable per account). event-ruler has no limit. We apply \
     EventBridge's default; Limits::max_pattern_chars changes it.",
    "$or combinations: EventBridge rejects a pattern whose $or lists expand to more than 1,000 \
     combinations. event-ruler has no limit. We reject like EventBridge.",
    "Wildcard complexity: EventBridge rejects wildcards that keep too many partial matches alive \
     (\"Rule is too complex - try using fewer wildcard characters...\"). event-ruler only measures \
     this. The threshold is undocumented; we reject above 10 on event-ruler's measure, which \
     separates the patterns AWS is known to accept from the one it is known to reject.",
    "Error messages: EventBridge says \"Event pattern is not valid. Reason: \" followed by \
     event-ruler's message and a location. We report event-ruler's message \
     (PatternError::message) and give AWS's full form in PatternError::aws_message.",
    "Events: EventBridge's TestEventPattern requires the envelope fields (id, account, source, \
     time, region, detail-type); event-ruler accepts any JSON object. Records are matched inside \
     the envelope EventBridge would build for them, so the difference does not arise.",
    "Invalid $or: event-ruler retries a rejected $or pattern with its legacy compiler, which \
     treats \"$or\" as a field name. EventBridge reports the $or error; so do we.",
    "`exactly`: an event-ruler operator (same as a plain string) that EventBridge does not \
     document. We accept it and flag it.",
    "Plain IP addresses: event-ruler matches a plain value such as \"2001:db8::1\" against other \
     spellings of the same address. Not verified on EventBridge; we follow event-ruler and flag it.",
    "cidr /32 and /128: event-ruler rejects them (\"IPv4 mask bits must be < 32\"); not verified \
     on EventBridge. We reject; write the plain address instead.",
    "Duplicate paths inside $or: the later occurrence in the text wins, also across $or \
     (event-ruler's single-pass compiler). Not verified on EventBridge; we follow event-ruler and flag it.",
    "exists:false next to other fields under one array of objects: event-ruler checks absence \
     against the array elements chosen for the paths that sort before it, so key order can \
     change the result. Not verified on EventBridge; we follow event-ruler.",
    "Ignore-case matching of characters outside the Basic Multilingual Plane (emoji, some CJK): \
     event-ruler mishandles them; EventBridge unverified. We match them correctly and flag the pattern.",
];
