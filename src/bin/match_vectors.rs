//! `match-vectors FILE`: runs event-pattern vectors through `trailglass::rules`.
//!
//! FILE is a JSON array of objects with `name`, `pattern` and `event` (other keys are
//! ignored). `pattern` is the pattern itself as JSON, read as raw text so key order and
//! number spelling survive; a missing `event` counts as `null`, which matches nothing.
//!
//! Output: one JSON line per vector, in order:
//! `{"name": <name or null>, "result": "match" | "no-match" | "invalid", "error": "<reason>"}`
//! where `error` is present only when `result` is `"invalid"` (AWS's reason text, as in
//! event-ruler's `InvalidEventPatternException`).
//!
//! Exit status: 0 whenever the file was read and is a JSON array (whatever the vectors
//! say); 1 with a message on stderr when it cannot be read or is not a JSON array; 2 for
//! wrong usage.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use serde_json::value::RawValue;
use serde_json::Value;
use trailglass::rules::compile;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path] = args.as_slice() else {
        eprintln!("usage: match-vectors <vectors.json>");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("match-vectors: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let vectors: Vec<&RawValue> = match serde_json::from_str(&text) {
        Ok(vectors) => vectors,
        Err(e) => {
            eprintln!("match-vectors: {path} is not a JSON array: {e}");
            return ExitCode::from(1);
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    for raw in vectors {
        let line = run(raw);
        if let Err(e) = writeln!(out, "{line}") {
            eprintln!("match-vectors: cannot write output: {e}");
            return ExitCode::from(1);
        }
    }
    if let Err(e) = out.flush() {
        eprintln!("match-vectors: cannot write output: {e}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// One vector → its output line (written by hand so `name` comes first).
fn run(raw: &RawValue) -> String {
    let Ok(fields) = serde_json::from_str::<BTreeMap<String, &RawValue>>(raw.get()) else {
        return invalid(Value::Null, "vector is not a JSON object");
    };
    let name = fields
        .get("name")
        .and_then(|n| serde_json::from_str::<Value>(n.get()).ok())
        .unwrap_or(Value::Null);
    let Some(pattern_text) = fields.get("pattern") else {
        return invalid(name, "vector has no pattern");
    };
    let pattern = match compile(pattern_text.get()) {
        Ok(p) => p,
        Err(e) => return invalid(name, e.message()),
    };
    let event = fields
        .get("event")
        .and_then(|e| serde_json::from_str::<Value>(e.get()).ok())
        .unwrap_or(Value::Null);
    let result = if pattern.matches(&event) {
        "match"
    } else {
        "no-match"
    };
    format!(r#"{{"name":{name},"result":"{result}"}}"#)
}

fn invalid(name: Value, error: &str) -> String {
    format!(
        r#"{{"name":{name},"result":"invalid","error":{}}}"#,
        Value::from(error)
    )
}
