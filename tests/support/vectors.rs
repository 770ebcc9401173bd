//! The EventBridge conformance check, shared by the native test (tests/rules_conformance.rs)
//! and the browser build's test (tests/browser.rs): every vector gives its expected outcome,
//! and the record fast path agrees with the reference path.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use trailglass::rules::{compile, wrap, EnvelopeFields, Pattern};

#[derive(Deserialize)]
struct Vector<'a> {
    name: String,
    /// Kept as raw text: key order and number spelling are part of the pattern's meaning.
    #[serde(borrow)]
    pattern: &'a RawValue,
    #[serde(borrow, default)]
    event: Option<&'a RawValue>,
    #[serde(default)]
    matches: Option<bool>,
    #[serde(default)]
    invalid: bool,
    #[serde(default)]
    error: Option<String>,
}

/// What a run over the vectors found.
pub struct Report {
    pub vectors: usize,
    /// Vectors whose event is exactly our wrapping of a record, checked through the fast path.
    pub fast_checked: usize,
    pub failures: Vec<String>,
}

/// Checks every vector in `text` (the format of tests/fixtures/eventbridge/vectors.json).
pub fn check(text: &str) -> Report {
    let vectors: Vec<Vector<'_>> =
        serde_json::from_str(text).expect("vectors.json is an array of vectors");
    let mut failures = Vec::new();
    let mut fast_checked = 0;
    for (i, v) in vectors.iter().enumerate() {
        let label = format!("#{i} {:?}", v.name);
        let compiled = compile(v.pattern.get());
        if v.invalid {
            match (&compiled, &v.error) {
                (Ok(_), _) => failures.push(format!(
                    "{label}: expected invalid pattern, but it compiled"
                )),
                (Err(e), Some(expected)) if e.message() != expected => failures.push(format!(
                    "{label}: wrong error\n    expected: {expected}\n    got:      {}",
                    e.message()
                )),
                _ => {}
            }
            continue;
        }
        let pattern = match compiled {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{label}: expected a valid pattern, got error: {e}"));
                continue;
            }
        };
        let Some(expected) = v.matches else {
            failures.push(format!(
                "{label}: vector has neither `matches` nor `invalid`"
            ));
            continue;
        };
        let event: Value = match v.event.map(|raw| serde_json::from_str(raw.get())) {
            Some(Ok(event)) => event,
            Some(Err(e)) => {
                failures.push(format!("{label}: event is not JSON: {e}"));
                continue;
            }
            None => {
                failures.push(format!("{label}: vector has no event"));
                continue;
            }
        };
        let got = pattern.matches(&event);
        if got != expected {
            failures.push(format!(
                "{label}: expected {}, got {}\n    pattern: {}",
                if expected { "match" } else { "no match" },
                if got { "match" } else { "no match" },
                v.pattern.get()
            ));
        }
        // The fast path must agree with the slow one on every record; where the vector's
        // event is exactly our wrapping of its detail, it must also give the expected answer.
        if let Some(detail) = event.get("detail") {
            match fast_path_agrees(&pattern, detail) {
                Ok(fast) => {
                    // The vectors' envelope ids are not the records' eventIDs; compare the rest.
                    let mut ours = wrap(detail);
                    if let (Some(id), Some(slot)) = (event.get("id"), ours.get_mut("id")) {
                        *slot = id.clone();
                    }
                    if ours == event {
                        fast_checked += 1;
                        if fast != expected {
                            failures.push(format!(
                                "{label}: fast path gave {fast}, expected {expected}"
                            ));
                        }
                    }
                }
                Err(why) => failures.push(format!("{label}: fast path: {why}")),
            }
        }
    }
    Report {
        vectors: vectors.len(),
        fast_checked,
        failures,
    }
}

/// The record fast path on the vector's `detail`, wrapped as EventBridge would wrap it.
fn fast_path_agrees(pattern: &Pattern, detail: &Value) -> Result<bool, String> {
    let text = serde_json::to_string(detail).map_err(|e| e.to_string())?;
    let envelope = EnvelopeFields::from_record_json(&text).map_err(|e| e.to_string())?;
    if envelope != EnvelopeFields::from_record(detail) {
        return Err("EnvelopeFields::from_record_json differs from from_record".to_owned());
    }
    let slow = pattern.matches(&wrap(detail));
    let fast = pattern.matches_record(&text, &envelope);
    if slow != fast {
        return Err(format!(
            "matches(wrap(detail)) = {slow} but matches_record = {fast}"
        ));
    }
    Ok(fast)
}
