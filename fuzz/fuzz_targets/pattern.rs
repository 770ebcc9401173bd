//! EventBridge event patterns: compiling never panics, and a pattern that compiles
//! matches (or not) a few events without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(pattern) = trailglass::rules::compile(text) else {
        return;
    };
    for event in [
        r#"{"source":"aws.organizations","detail-type":"AWS API Call via CloudTrail","account":"111122223333","region":"us-east-1","detail":{"eventName":"CreateAccount","eventSource":"organizations.amazonaws.com","requestParameters":{"n":1.5,"ip":"10.0.0.1","list":[1,"a",null,true]}}}"#,
        r#"{"source":"aws.s3","detail":{"eventName":"GetObject","errorCode":"AccessDenied","x":{"y":{"z":"w"}}}}"#,
        r#"{}"#,
    ] {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(event) {
            let _ = pattern.matches(&value);
        }
    }
    // The pattern as text the event itself: patterns are JSON objects too.
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let _ = pattern.matches(&value);
    }
});
