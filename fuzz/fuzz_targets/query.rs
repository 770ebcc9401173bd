//! The timeline's query language: parsing never panics, every error's span lies in the
//! query, and a query that parses compiles and runs over a small store.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailglass::event::Record;
use trailglass::store::{FileId, Store};

fn store() -> Store {
    let mut store = Store::default();
    for (i, text) in [
        r#"{"eventVersion":"1.08","eventID":"a","eventTime":"2024-01-01T00:00:00Z","eventName":"CreateAccount","eventSource":"organizations.amazonaws.com","awsRegion":"us-east-1","userIdentity":{"type":"Root","accountId":"111122223333"},"requestParameters":{"accountName":"x","n":3}}"#,
        r#"{"eventVersion":"1.08","eventID":"b","eventTime":"2024-01-02T00:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","errorCode":"AccessDenied","readOnly":true,"sourceIPAddress":"10.0.0.1"}"#,
    ]
    .into_iter()
    .enumerate()
    {
        if let Ok(r) = Record::from_json(text) {
            store.add(r, FileId(i as u32));
        }
    }
    store.finish();
    store
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let (_, errors) = trailglass::query::parse_lenient(query);
    for e in &errors {
        assert!(e.span.start <= e.span.end && e.span.end <= query.len(), "{e:?}");
        assert!(query.is_char_boundary(e.span.start) && query.is_char_boundary(e.span.end));
        assert!(!e.to_string().is_empty());
    }
    if let Ok(ast) = trailglass::query::parse(query) {
        let store = store();
        let plan = trailglass::query::compile(&ast, &store);
        let hits = trailglass::query::filter(&store, &plan);
        assert!(hits.len() <= store.len());
    }
});
