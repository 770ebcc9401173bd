//! Unit tests for the rules module: parser and error positions, every operator's edge
//! cases from the spec, limits, the envelope, and (with proptest) that the record fast path
//! agrees with the `Value` path on random records and that no input panics.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::complexity;
use super::ip::{parse_ip, Block};
use super::number::comparable;
use super::text::{Folded, Glob};
use super::*;

fn pattern(text: &str) -> Pattern {
    compile(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn error(text: &str) -> PatternError {
    match compile(text) {
        Ok(_) => panic!("{text}: compiled, expected an error"),
        Err(e) => e,
    }
}

fn matches(pattern_text: &str, event: Value) -> bool {
    pattern(pattern_text).matches(&event)
}

// ---------------------------------------------------------------- syntax and positions

#[test]
fn malformed_json_reports_jackson_wording_and_position() {
    let e = error("{\n  'a': [1]\n}");
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert_eq!(
        e.message(),
        "Unexpected character (''' (code 39)): was expecting double-quote to start field name"
    );
    let p = e.position().expect("position");
    assert_eq!((p.line, p.column, p.offset), (2, 3, 4));

    assert!(error(r#"{"a": [1,]}"#)
        .message()
        .starts_with("Unexpected character (']' (code 93))"));
    assert_eq!(
        error(r#"{"a": [1"#).message(),
        "Unexpected end-of-input: expected close marker for Array"
    );
    assert_eq!(error(r#"{"a" [1]}"#).message(), "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value");
    assert_eq!(
        error(r#"{"a": [01]}"#).message(),
        "Invalid numeric value: Leading zeroes not allowed"
    );
    assert!(error(r#"{"a": [nul]}"#)
        .message()
        .starts_with("Unrecognized token 'nul'"));
    assert_eq!(error("").message(), "No content to map due to end-of-input");
    assert!(error(r#"{"a": ["x"]} {"#)
        .message()
        .contains("expected end of input"));
    // Columns count characters, not bytes.
    let e = error("{\"é\": ?}");
    assert_eq!(e.position().map(|p| (p.column, p.offset)), Some((7, 7)));
}

#[test]
fn semantic_errors_carry_the_json_path() {
    let e = error(r#"{"detail": {"eventName": ["a", "b", {"prefix": 5}]}}"#);
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert_eq!(e.message(), "prefix match pattern must be a string");
    assert_eq!(e.path(), "detail.eventName[2].prefix");
    assert_eq!(e.position().map(|p| p.offset), Some(47));
    assert_eq!(
        e.aws_message(),
        "Event pattern is not valid. Reason: prefix match pattern must be a string"
    );
    assert_eq!(
        e.to_string(),
        "prefix match pattern must be a string (at detail.eventName[2].prefix, line 1, column 48)"
    );

    let e = error(r#"{"source": ["x"], "$or": [{"a": ["1"]}, {"b": {"numeric": ["1"]}}]}"#);
    assert_eq!(e.path(), "$or[1].b.numeric");
    assert_eq!(
        e.message(),
        "numeric is Ruler reserved fieldName which cannot be used inside $or."
    );
}

#[test]
fn compile_value_has_paths_but_no_positions() {
    let e = compile_value(&json!({"a": {"b": "c"}})).expect_err("invalid");
    assert_eq!(e.message(), "\"b\" must be an object or an array");
    assert_eq!(e.path(), "a.b");
    assert_eq!(e.position(), None);
    assert!(compile_value(&json!({"a": ["x"]})).is_ok());
}

#[test]
fn error_is_a_std_error() {
    let e: Box<dyn std::error::Error> = Box::new(error("[]"));
    assert_eq!(e.to_string(), "Filter is not an object (line 1, column 1)");
}

// ---------------------------------------------------------------- structure

#[test]
fn structural_validation_messages() {
    let cases = [
        ("{}", "Empty objects are not allowed"),
        (r#"{"a": {}}"#, "Empty objects are not allowed"),
        (r#"{"a": []}"#, "Empty arrays are not allowed"),
        (r#"{"a": "x"}"#, "\"a\" must be an object or an array"),
        (r#"{"a": 5}"#, "\"a\" must be an object or an array"),
        (
            r#"{"a": [["x"]]}"#,
            "Match value must be String, number, true, false, or null",
        ),
        (r#"{"a": [{}]}"#, "Match expression name not found"),
        (
            r#"{"a": [{"prefix": "x", "suffix": "y"}]}"#,
            "Only one key allowed in match expression",
        ),
        (
            r#"{"a": [{"Prefix": "x"}]}"#,
            "Unrecognized match type Prefix",
        ),
        (
            r#"{"a": [{"exactly": 1}]}"#,
            "exact match pattern must be a string",
        ),
        (
            r#"{"a": [{"exists": null}]}"#,
            "exists match pattern must be either true or false.",
        ),
        (
            r#"{"$or": {"a": ["x"]}}"#,
            "It must be an Array followed with $or.",
        ),
        (
            r#"{"$or": [{"a": ["x"]}, "b"]}"#,
            "Only JSON object is allowed in array of $or relationship.",
        ),
        (
            r#"{"$or": []}"#,
            "There must have at least 2 Objects in $or relationship.",
        ),
        (
            r#"{"$or": [{"a": ["x"]}, {}]}"#,
            "Empty objects are not allowed",
        ),
        (
            r#"{"$or": [{"x": {"exists": ["x"]}}, {"a": ["x"]}]}"#,
            "exists is Ruler reserved fieldName which cannot be used inside $or.",
        ),
        (r#""str""#, "Filter is not an object"),
    ];
    for (text, message) in cases {
        assert_eq!(error(text).message(), message, "{text}");
    }
}

#[test]
fn reserved_names_are_fine_outside_or() {
    assert!(matches(r#"{"prefix": ["a"]}"#, json!({"prefix": "a"})));
}

#[test]
fn dotted_keys_join_like_nested_keys() {
    let nested = json!({"a": {"b": "x"}});
    let dotted = json!({"a.b": "x"});
    for p in [r#"{"a": {"b": ["x"]}}"#, r#"{"a.b": ["x"]}"#] {
        assert!(matches(p, nested.clone()), "{p}");
        assert!(matches(p, dotted.clone()), "{p}");
    }
    // An empty key is a real segment: `a.` is key "a" then key "".
    assert!(matches(r#"{"a": {"": ["x"]}}"#, json!({"a": {"": "x"}})));
    assert!(!matches(r#"{"a": {"": ["x"]}}"#, json!({"a": "x"})));
}

#[test]
fn later_duplicate_path_wins_in_text_order() {
    // Plain duplicate keys: the last one is the rule (EventBridge docs, "complex example").
    assert!(matches(r#"{"a": ["x"], "a": ["y"]}"#, json!({"a": "y"})));
    assert!(!matches(r#"{"a": ["x"], "a": ["y"]}"#, json!({"a": "x"})));
    // Across $or: text order decides which occurrence wins (spec §6).
    let inside_later = pattern(
        r#"{"name": ["a", "b"], "$or": [{"name": [{"anything-but": "a"}]}, {"c": ["x"]}]}"#,
    );
    assert!(inside_later.matches(&json!({"name": "c"})));
    assert!(!inside_later.notes().is_empty());
    let outside_later = pattern(
        r#"{"$or": [{"name": [{"anything-but": "a"}]}, {"c": ["x"]}], "name": ["a", "b"]}"#,
    );
    assert!(!outside_later.matches(&json!({"name": "c"})));
    assert!(outside_later.matches(&json!({"name": "b"})));
}

#[test]
fn or_expands_to_disjunctive_normal_form() {
    let p = pattern(
        r#"{"s": ["1"], "$or": [{"a": ["1"]}, {"b": ["1"], "$or": [{"c": ["1"]}, {"d": ["1"]}]}], "e": {"$or": [{"f": ["1"]}, {"g": ["1"]}]}}"#,
    );
    assert_eq!(p.combinations(), 6);
    assert_eq!(p.field_paths(), vec!["a", "b", "c", "d", "e.f", "e.g", "s"]);
    assert!(p.matches(&json!({"s": "1", "b": "1", "d": "1", "e": {"g": "1"}})));
    assert!(!p.matches(&json!({"s": "1", "b": "1", "e": {"g": "1"}})));
}

// ---------------------------------------------------------------- values

#[test]
fn exact_values_are_type_strict() {
    assert!(matches(r#"{"v": ["300"]}"#, json!({"v": "300"})));
    assert!(!matches(r#"{"v": ["300"]}"#, json!({"v": 300})));
    assert!(!matches(r#"{"v": [300]}"#, json!({"v": "300"})));
    assert!(!matches(r#"{"v": [true]}"#, json!({"v": "true"})));
    assert!(!matches(r#"{"v": [null]}"#, json!({"v": "null"})));
    assert!(!matches(r#"{"v": [null]}"#, json!({"v": []})));
    assert!(!matches(r#"{"v": [null]}"#, json!({})));
    assert!(!matches(r#"{"v": [""]}"#, json!({"v": null})));
    assert!(matches(r#"{"v": [""]}"#, json!({"v": ""})));
    assert!(matches(r#"{"v": ["*"]}"#, json!({"v": "*"})));
    assert!(!matches(r#"{"v": ["*"]}"#, json!({"v": "x"})));
}

#[test]
fn numbers_compare_numerically_when_comparable() {
    let event: Value =
        serde_json::from_str(r#"{"a": 300.0, "b": 3.0e2, "c": -0.0, "d": 123456789012345678}"#)
            .expect("json");
    assert!(matches(r#"{"a": [300]}"#, event.clone()));
    assert!(matches(r#"{"b": [300]}"#, event.clone()));
    assert!(matches(r#"{"b": [3e2]}"#, event.clone()));
    assert!(matches(r#"{"c": [0]}"#, event.clone()));
    assert!(matches(r#"{"d": [123456789012345678]}"#, event.clone()));
    assert!(!matches(r#"{"d": [123456789012345679]}"#, event));
    for text in ["0.1", "301.8", "1e-320", "6e12", "-0", "-0.0", "5", "1E2"] {
        assert!(comparable(text).is_some(), "{text} should be comparable");
    }
    for text in [
        "123456789012345678",
        "1.00000000000000001",
        "1E309",
        "1E-325",
        "9007199254740993",
    ] {
        assert!(
            comparable(text).is_none(),
            "{text} should not be comparable"
        );
    }
}

#[test]
fn numeric_ranges_and_their_errors() {
    assert!(matches(
        r#"{"n": [{"numeric": [">", 0, "<=", 5]}]}"#,
        json!({"n": 5})
    ));
    assert!(!matches(
        r#"{"n": [{"numeric": [">", 0, "<=", 5]}]}"#,
        json!({"n": 0})
    ));
    assert!(matches(
        r#"{"n": [{"numeric": [">=", 0, "<", 5]}]}"#,
        json!({"n": 0})
    ));
    assert!(matches(
        r#"{"n": [{"numeric": ["=", 3.018e2]}]}"#,
        json!({"n": 301.8})
    ));
    assert!(!matches(
        r#"{"n": [{"numeric": ["<", 10]}]}"#,
        json!({"n": "5"})
    ));
    assert!(!matches(
        r#"{"n": [{"numeric": ["<", 10]}]}"#,
        json!({"n": null})
    ));
    assert!(matches(
        r#"{"n": [{"numeric": ["<", 10]}]}"#,
        json!({"n": [20, 5]})
    ));
    assert!(!matches(
        r#"{"n": [{"numeric": ["=", 37.8078]}]}"#,
        json!({"n": 37.807_807})
    ));
    let cases = [
        (
            r#"{"n": [{"numeric": 5}]}"#,
            "Value of numeric must be an array.",
        ),
        (
            r#"{"n": [{"numeric": []}]}"#,
            "Invalid member in numeric match: ]",
        ),
        (
            r#"{"n": [{"numeric": [5]}]}"#,
            "Invalid member in numeric match: 5",
        ),
        (
            r#"{"n": [{"numeric": [["<"]]}]}"#,
            "Invalid member in numeric match: [",
        ),
        (
            r#"{"n": [{"numeric": ["!", 5]}]}"#,
            "Unrecognized numeric range operator: !",
        ),
        (
            r#"{"n": [{"numeric": ["=", "5"]}]}"#,
            "Value of equals must be numeric",
        ),
        (
            r#"{"n": [{"numeric": [">=", null]}]}"#,
            "Value of >= must be numeric",
        ),
        (
            r#"{"n": [{"numeric": ["<", 1, 2]}]}"#,
            "Too many elements in numeric expression",
        ),
        (
            r#"{"n": [{"numeric": ["=", 1, 2]}]}"#,
            "Too many elements in numeric expression",
        ),
        (
            r#"{"n": [{"numeric": [">", 1, 2]}]}"#,
            "Bad value in numeric range: 2",
        ),
        (
            r#"{"n": [{"numeric": [">", 1, ">=", 2]}]}"#,
            "Bad numeric range operator: >=",
        ),
        (
            r#"{"n": [{"numeric": [">", 1, "<", "2"]}]}"#,
            "Value of < must be numeric",
        ),
        (
            r#"{"n": [{"numeric": [">", 1, "<", 2, 3]}]}"#,
            "Too many terms in numeric range expression",
        ),
        (
            r#"{"n": [{"numeric": [">", 2, "<", 2]}]}"#,
            "Bottom must be less than top",
        ),
        (
            r#"{"n": [{"numeric": [">", 123456789012345678]}]}"#,
            "Cannot compare number : 123456789012345678",
        ),
        (
            r#"{"n": [{"numeric": ["<", 1], "x": 1}]}"#,
            "Too many elements in numeric expression",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(error(text).message(), message, "{text}");
    }
}

#[test]
fn string_operators() {
    assert!(matches(
        r#"{"v": [{"prefix": ""}]}"#,
        json!({"v": "anything"})
    ));
    assert!(!matches(r#"{"v": [{"prefix": ""}]}"#, json!({"v": 5})));
    assert!(matches(
        r#"{"v": [{"suffix": ".png"}]}"#,
        json!({"v": "a.png"})
    ));
    assert!(!matches(
        r#"{"v": [{"suffix": ".png"}]}"#,
        json!({"v": "a.PNG"})
    ));
    assert!(matches(
        r#"{"v": [{"suffix": {"equals-ignore-case": ".png"}}]}"#,
        json!({"v": "a.PNG"})
    ));
    assert!(matches(
        r#"{"v": [{"prefix": {"equals-ignore-case": "ORG"}}]}"#,
        json!({"v": "organizations"})
    ));
    assert_eq!(
        error(r#"{"v": [{"prefix": {"x": "a"}}]}"#).message(),
        "Unsupported prefix pattern: x"
    );
    assert_eq!(
        error(r#"{"v": [{"suffix": {}}]}"#).message(),
        "Suffix expression name not found"
    );
    assert_eq!(
        error(r#"{"v": [{"suffix": {"equals-ignore-case": "a", "b": 1}}]}"#).message(),
        "Only one key allowed in match expression"
    );
}

#[test]
fn equals_ignore_case_uses_per_character_case_mapping() {
    assert!(Folded::new("ÉCOLE").equals("école"));
    assert!(Folded::new("straße").equals("STRASSE"));
    assert!(Folded::new("straße").equals("straße"));
    assert!(!Folded::new("abc").equals("abcd"));
    assert!(Folded::new("").equals(""));
    assert!(!Folded::new("").equals("x"));
    assert!(Folded::new("İ").equals("i\u{307}"));
    assert!(Folded::new("ÉC").is_prefix_of("écOLE"));
    assert!(Folded::new("LE").is_suffix_of("école"));
    assert!(Folded::new("ße").is_suffix_of("STRASSE"));
    assert!(!Folded::new("k").equals("\u{212a}")); // Kelvin sign is neither 'k' nor 'K'
    assert!(matches(
        r#"{"v": [{"equals-ignore-case": "a🚀"}]}"#,
        json!({"v": "A🚀"})
    ));
    assert!(!pattern(r#"{"v": [{"equals-ignore-case": "a🚀"}]}"#)
        .notes()
        .is_empty());
}

#[test]
fn wildcard_syntax_and_matching() {
    let g = |p: &str| Glob::parse(p).expect("valid");
    assert!(g("*").matches(""));
    assert!(g("xy*").matches("xy"));
    assert!(g("a*b*c").matches("abc"));
    assert!(g("a*b*c").matches("aXbYbZc"));
    assert!(!g("a*b*c").matches("acb"));
    assert!(!g("ab*ba").matches("aba"));
    assert!(g("a\\*b").matches("a*b"));
    assert!(!g("a\\*b").matches("axb"));
    assert!(g("a\\\\b").matches("a\\b"));
    assert!(g("").matches(""));
    assert!(!g("").matches("x"));
    assert!(g("é*ü").matches("éxxü"));
    assert_eq!(
        Glob::parse("ab**").map(|_| ()),
        Err("Consecutive wildcard characters at pos 3".to_owned())
    );
    assert_eq!(
        Glob::parse("a\\b").map(|_| ()),
        Err("Invalid escape character at pos 2".to_owned())
    );
    assert_eq!(
        Glob::parse("é\\").map(|_| ()),
        Err("Invalid escape character at pos 3".to_owned())
    );
    assert!(!matches(r#"{"v": [{"wildcard": "*"}]}"#, json!({"v": 5})));
}

#[test]
fn wildcard_complexity_matches_event_ruler_measure() {
    // Values from event-ruler's MachineComplexityEvaluatorTest (unquoted patterns).
    let cases = [
        ("*", 1),
        ("*ab", 2),
        ("*aa", 3),
        ("a*b", 2),
        ("aa*", 2),
        ("a*bbb", 4),
        ("*ab*ad", 4),
        ("*aba*", 4),
        ("a*b*bb", 5),
        ("ab*b*", 3),
        ("*ab*b*b*", 7),
        ("*a*a*a*a*a*a*a*a*", 17),
    ];
    for (p, expected) in cases {
        let tokens = Glob::parse(p).expect("valid").tokens();
        assert_eq!(complexity::evaluate(&[tokens], 100), expected, "{p}");
    }
    let two = [
        Glob::parse("a*aaa").expect("valid").tokens(),
        Glob::parse("aa*aa").expect("valid").tokens(),
    ];
    assert_eq!(complexity::evaluate(&two, 100), 7);

    let e = error(r#"{"EventBusArn": [{"wildcard": "*:*:*:*:*:event-bus/*"}]}"#);
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().starts_with("Rule is too complex"));
    assert_eq!(e.path(), "EventBusArn");
    pattern(r#"{"f": [{"wildcard": "/Users/*/dir/dir/dir/dir/dir/doc.txt"}]}"#);
    pattern(r#"{"f": [{"wildcard": "arn:aws:events:us-east-1:*:event-bus/*"}]}"#);
}

#[test]
fn anything_but_forms() {
    let p = r#"{"v": [{"anything-but": ["stopped", "overloaded"]}]}"#;
    assert!(matches(p, json!({"v": "running"})));
    assert!(!matches(p, json!({"v": "stopped"})));
    assert!(matches(p, json!({"v": null})));
    assert!(matches(p, json!({"v": 5})));
    assert!(!matches(p, json!({})));
    assert!(!matches(p, json!({"v": []})));
    assert!(matches(p, json!({"v": ["stopped", "pending"]})));
    assert!(!matches(p, json!({"v": ["stopped"]})));
    assert!(!matches(
        r#"{"v": [{"anything-but": [100, 200]}]}"#,
        json!({"v": 100.0})
    ));
    assert!(matches(
        r#"{"v": [{"anything-but": [100, 200]}]}"#,
        json!({"v": "100"})
    ));
    assert!(!matches(
        r#"{"v": [{"anything-but": {"prefix": ["Get", "List"]}}]}"#,
        json!({"v": "ListRoles"})
    ));
    assert!(matches(
        r#"{"v": [{"anything-but": {"suffix": "x"}}]}"#,
        json!({"v": "xa"})
    ));
    assert!(!matches(
        r#"{"v": [{"anything-but": {"equals-ignore-case": "ABC"}}]}"#,
        json!({"v": "abc"})
    ));
    assert!(!matches(
        r#"{"v": [{"anything-but": {"wildcard": "*/init/*"}}]}"#,
        json!({"v": "a/init/b"})
    ));
    assert!(matches(
        r#"{"v": [{"anything-but": {"wildcard": ""}}]}"#,
        json!({"v": "a"})
    ));
    assert!(matches(
        r#"{"v": [{"anything-but": "x"}, {"exists": false}]}"#,
        json!({})
    ));
    let cases = [
        (r#"{"v": [{"anything-but": {}}]}"#, "Anything-But expression name not found"),
        (r#"{"v": [{"anything-but": {"exists": true}}]}"#, "Unsupported anything-but pattern: exists"),
        (r#"{"v": [{"anything-but": ["a", 1]}]}"#, "Inside anything but list, either all values are number or string, mixed type is not supported"),
        (r#"{"v": [{"anything-but": [true]}]}"#, "Inside anything but list, start|null|boolean is not supported."),
        (r#"{"v": [{"anything-but": [{"a": 1}]}]}"#, "Inside anything but list, start|null|boolean is not supported."),
        (r#"{"v": [{"anything-but": [123456789012345678]}]}"#, "Cannot compare number : 123456789012345678"),
        (r#"{"v": [{"anything-but": {"wildcard": ["a", 1]}}]}"#, "wildcard match pattern must be a string"),
        (r#"{"v": [{"anything-but": {"wildcard": ["a**"]}}]}"#, "Consecutive wildcard characters at pos 2"),
        (r#"{"v": [{"anything-but": {"equals-ignore-case": [null]}}]}"#, "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."),
        (r#"{"v": [{"anything-but": "a", "b": 1}]}"#, "Too many elements in numeric expression"),
        (r#"{"v": [{"anything-but": {"prefix": "a", "b": 1}}]}"#, "Too many elements in numeric expression"),
    ];
    for (text, message) in cases {
        assert_eq!(error(text).message(), message, "{text}");
    }
}

#[test]
fn exists_semantics() {
    let t = r#"{"a": [{"exists": true}]}"#;
    let f = r#"{"a": [{"exists": false}]}"#;
    assert!(matches(t, json!({"a": null})));
    assert!(!matches(f, json!({"a": null})));
    assert!(!matches(t, json!({"a": {"b": 1}})));
    assert!(matches(f, json!({"a": {"b": 1}})));
    assert!(!matches(t, json!({"a": []})));
    assert!(matches(f, json!({"a": []})));
    assert!(matches(
        r#"{"a": {"b": {"c": [{"exists": false}]}}}"#,
        json!({"a": "string"})
    ));
}

#[test]
fn cidr_and_addresses() {
    let v4 = Block::parse_cidr("10.0.0.77/24").expect("valid");
    assert!(v4.contains_text("10.0.0.1"));
    assert!(v4.contains_text("10.0.0.255"));
    assert!(!v4.contains_text("10.0.1.0"));
    assert!(!v4.contains_text("10.0.0.256"));
    assert!(!v4.contains_text("010.0.0.1"));
    // Java turns IPv4-mapped IPv6 into IPv4 when it can parse it; dotted forms fail the regex.
    assert!(v4.contains_text("::ffff:a00:1"));
    assert!(!v4.contains_text("::ffff:10.0.0.1"));
    let v6 = Block::parse_cidr("2001:db8:1234:1a00::/64").expect("valid");
    assert!(v6.contains_text("2001:DB8:1234:1A00::1"));
    assert!(v6.contains_text("2001:0db8:1234:1a00:0000:0000:0000:0001"));
    assert!(!v6.contains_text("2001:db8:1234:1a01::"));
    assert!(parse_ip("2001:db8:00001::1").is_some()); // Java limits group value, not digits
    assert!(parse_ip("1::2::3").is_none());
    assert!(parse_ip("1:2:3:4:5:6:7:8:9").is_none());
    assert!(parse_ip("1:").is_none());
    let messages = [
        ("10.0.0.0", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/", "Malformed CIDR, one '/' required"),
        ("10.0.0.0/a", "Malformed CIDR, mask bits must be an integer"),
        (
            "10.0.0.0/-1",
            "Malformed CIDR, mask bits must not be negative",
        ),
        ("10.0.0.256/8", "Invalid IP address: 10.0.0.256"),
        ("host/8", "Nonstandard IP address: host"),
        ("10.0.0.1/32", "IPv4 mask bits must be < 32"),
        ("::1/128", "IPv6 mask bits must be < 128"),
    ];
    for (text, message) in messages {
        assert_eq!(
            Block::parse_cidr(text).map(|_| ()),
            Err(message.to_owned()),
            "{text}"
        );
    }
    assert_eq!(
        error(r#"{"ip": [{"cidr": 5}]}"#).message(),
        "prefix match pattern must be a string"
    );
    // A plain address also matches other spellings (event-ruler), and is flagged.
    let p = pattern(r#"{"b": ["2001:db8::1"]}"#);
    assert!(p.matches(&json!({"b": "2001:0db8:0:0:0:0:0:1"})));
    assert!(!p.notes().is_empty());
}

// ---------------------------------------------------------------- arrays

#[test]
fn array_consistency() {
    let event = json!({"employees": [
        [{"firstName": "John", "lastName": "Doe"}, {"firstName": "Anna", "lastName": "Smith"}],
        [{"firstName": "Peter", "lastName": "Jones"}]
    ]});
    assert!(!matches(
        r#"{"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}}"#,
        event.clone()
    ));
    assert!(matches(
        r#"{"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}}"#,
        event.clone()
    ));
    assert!(matches(r#"{"employees": {"firstName": ["Anna"]}}"#, event));
    // Scalars of one array are not "different elements".
    assert!(matches(
        r#"{"a": ["x"], "b": ["y"]}"#,
        json!({"a": ["x", "z"], "b": ["w", "y"]})
    ));
}

#[test]
fn exists_false_follows_event_ruler_path_order() {
    // Spec §7: absence is checked against the elements chosen for earlier-sorting paths.
    let event =
        |k: &str| json!({"employees": [{"firstName": "John", k: 1}, {"firstName": "Anna"}]});
    assert!(matches(
        r#"{"employees": {"firstName": ["Anna"], "zzz": [{"exists": false}]}}"#,
        event("zzz")
    ));
    assert!(!matches(
        r#"{"employees": {"firstName": ["Anna"], "aaa": [{"exists": false}]}}"#,
        event("aaa")
    ));
}

#[test]
fn many_arrays_stay_fast() {
    // 40 paths, each in its own array of 2 objects, then a path that cannot match: a naive
    // backtracking walk would try 2^40 combinations.
    let mut event = serde_json::Map::new();
    let mut pattern_obj = serde_json::Map::new();
    for i in 0..40 {
        event.insert(format!("k{i:02}"), json!([{"v": 1}, {"v": 1}]));
        pattern_obj.insert(format!("k{i:02}"), json!({"v": [1]}));
    }
    event.insert("z".into(), json!([{"v": 1}]));
    pattern_obj.insert("z".into(), json!({"v": [2]}));
    let p = compile_value(&Value::Object(pattern_obj)).expect("valid");
    assert!(!p.matches(&Value::Object(event)));
}

// ---------------------------------------------------------------- limits and hostile input

#[test]
fn limits() {
    let long = format!(r#"{{"a": ["{}"]}}"#, "x".repeat(2100));
    let e = error(&long);
    assert_eq!(e.kind(), ErrorKind::Limit);
    let raised = Limits {
        max_pattern_chars: 10_000,
        ..Limits::default()
    };
    assert!(compile_with_limits(&long, &raised).is_ok());

    let or = |n: usize| {
        let branches: Vec<String> = (0..n).map(|i| format!(r#"{{"b{i}": ["v"]}}"#)).collect();
        format!(r#"{{"$or": [{}]}}"#, branches.join(","))
    };
    let groups: Vec<String> = (0..4).map(|g| format!(r#""g{g}": {}"#, or(6))).collect();
    let e = error(&format!("{{{}}}", groups.join(",")));
    assert_eq!(e.kind(), ErrorKind::Limit);
    assert!(e.message().contains("1296"), "{}", e.message());

    let paths: Vec<String> = (0..300).map(|i| format!(r#""p{i}": [1]"#)).collect();
    let text = format!("{{{}}}", paths.join(","));
    let big = Limits {
        max_pattern_chars: 100_000,
        ..Limits::default()
    };
    assert_eq!(
        compile_with_limits(&text, &big)
            .map(|_| ())
            .map_err(|e| e.message().to_owned()),
        Err("Size of rule exceeds max value of 256".to_owned())
    );

    let deep = format!("{}[1]{}", r#"{"a":"#.repeat(5000), "}".repeat(5000));
    let e = compile_with_limits(
        &deep,
        &Limits {
            max_pattern_chars: usize::MAX,
            ..Limits::default()
        },
    )
    .expect_err("too deep");
    assert_eq!(e.kind(), ErrorKind::Syntax);
    assert!(e.message().contains("deeper than"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Arbitrary text never panics the compiler.
    #[test]
    fn compile_never_panics(text in "\\PC{0,300}") {
        let _ = compile(&text);
    }

    /// Pattern-shaped text built from the language's own pieces never panics either, and
    /// when it compiles, evaluation never panics.
    #[test]
    fn pattern_like_text_never_panics(parts in prop::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", "\"a\"", "\"$or\"", "\"prefix\"", "\"numeric\"", "\"anything-but\"",
        "\"wildcard\"", "\"cidr\"", "\"exists\"", "\"equals-ignore-case\"", "\"10.0.0.0/8\"", "\"*x*\"",
        "\"<\"", "\">=\"", "1", "-0.5", "1e400", "true", "null", "\"\"",
    ]), 0..40)) {
        let text = parts.concat();
        if let Ok(p) = compile(&text) {
            let _ = p.matches(&json!({"a": [1, "x", {"a": null}], "b": "10.1.2.3"}));
            let _ = p.matches_record("{\"a\": 1}", &EnvelopeFields::from_record(&json!({"a": 1})));
        }
    }

    /// matches_record never panics on arbitrary record text.
    #[test]
    fn matches_record_never_panics(text in "\\PC{0,200}") {
        let p = pattern(r#"{"detail": {"a": [{"exists": false}], "b": ["x"]}}"#);
        let envelope = EnvelopeFields::from_record(&json!({}));
        let _ = p.matches_record(&text, &envelope);
    }
}

// ---------------------------------------------------------------- envelope

fn org_record() -> Value {
    json!({
        "eventVersion": "1.09",
        "userIdentity": {"type": "AssumedRole", "accountId": "111122223333", "arn": "arn:aws:sts::111122223333:assumed-role/Admin/a"},
        "eventTime": "2024-03-05T14:22:31Z",
        "eventSource": "organizations.amazonaws.com",
        "eventName": "CreateAccount",
        "awsRegion": "us-east-1",
        "eventID": "0f1e2d3c-bbbb-4ccc-8ddd-0123456789ab",
        "eventType": "AwsApiCall",
        "recipientAccountId": "111122223333",
        "responseElements": {"createAccountStatus": {"state": "IN_PROGRESS"}}
    })
}

#[test]
fn wrap_builds_the_eventbridge_envelope() {
    let record = org_record();
    assert_eq!(
        wrap(&record),
        json!({
            "version": "0",
            "id": "0f1e2d3c-bbbb-4ccc-8ddd-0123456789ab",
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.organizations",
            "account": "111122223333",
            "time": "2024-03-05T14:22:31Z",
            "region": "us-east-1",
            "resources": [],
            "detail": record,
        })
    );
}

#[test]
fn envelope_mappings() {
    assert_eq!(
        detail_type("AwsServiceEvent"),
        Some("AWS Service Event via CloudTrail")
    );
    assert_eq!(
        detail_type("AwsConsoleSignIn"),
        Some("AWS Console Signin via CloudTrail")
    );
    assert_eq!(
        detail_type("AwsConsoleAction"),
        Some("AWS Console Action via CloudTrail")
    );
    assert_eq!(
        detail_type("AwsCloudTrailInsight"),
        Some("AWS Insight via CloudTrail")
    );
    assert_eq!(detail_type("Other"), None);
    assert_eq!(
        source("signin.amazonaws.com").as_deref(),
        Some("aws.signin")
    );
    assert_eq!(
        source("monitoring.amazonaws.com").as_deref(),
        Some("aws.cloudwatch")
    );
    assert_eq!(source("sts.amazonaws.com.cn").as_deref(), Some("aws.sts"));
    assert_eq!(source(""), None);

    // No recipientAccountId: the caller's account; no eventID: a stable UUIDv8.
    let mut record = org_record();
    let obj = record.as_object_mut().expect("object");
    obj.remove("recipientAccountId");
    obj.remove("eventID");
    obj.remove("awsRegion");
    let env = EnvelopeFields::from_record(&record);
    assert_eq!(env.account(), Some("111122223333"));
    assert_eq!(env.region(), None);
    let id = env.id().to_owned();
    assert_eq!(id.len(), 36);
    assert_eq!(id.as_bytes()[14], b'8');
    assert!(matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
    assert_eq!(EnvelopeFields::from_record(&record).id(), id);
    assert!(wrap(&record).get("region").is_none());
}

#[test]
fn envelope_fields_stay_compact() {
    // One is kept per record; keep it small (plus one buffer of its strings).
    assert!(
        std::mem::size_of::<EnvelopeFields>() <= 256,
        "{}",
        std::mem::size_of::<EnvelopeFields>()
    );
}

#[test]
fn envelope_from_parts_agrees_with_the_record() {
    let record = org_record();
    let text = record.to_string();
    let parts = EnvelopeParts {
        event_id: Some("0f1e2d3c-bbbb-4ccc-8ddd-0123456789ab"),
        event_type: Some("AwsApiCall"),
        event_source: Some("organizations.amazonaws.com"),
        event_name: Some("CreateAccount"),
        event_time: Some("2024-03-05T14:22:31Z"),
        aws_region: Some("us-east-1"),
        recipient_account_id: Some("111122223333"),
        user_identity_account_id: Some("111122223333"),
    };
    let typed = EnvelopeFields::new(&parts);
    let exact = EnvelopeFields::from_record_json(&text).expect("json");
    assert_eq!(typed.to_event(&record), exact.to_event(&record));
    for rule in starter_rules() {
        let p = pattern(&rule.pattern_json);
        let expected = p.matches(&wrap(&record));
        assert_eq!(p.matches_record(&text, &typed), expected, "{}", rule.name);
        assert_eq!(p.matches_record(&text, &exact), expected, "{}", rule.name);
    }
}

#[test]
fn duplicate_keys_in_record_text_last_one_wins() {
    let text =
        r#"{"eventName": "A", "x": {"k": "1"}, "eventName": "B", "x": {"k": "2"}, "x.k": "3"}"#;
    let value: Value = serde_json::from_str(text).expect("json");
    let env = EnvelopeFields::from_record_json(text).expect("json");
    assert_eq!(env, EnvelopeFields::from_record(&value));
    for p in [
        r#"{"detail": {"eventName": ["A"]}}"#,
        r#"{"detail": {"eventName": ["B"]}}"#,
        r#"{"detail": {"x": {"k": ["1"]}}}"#,
        r#"{"detail": {"x": {"k": ["2"]}}}"#,
        r#"{"detail": {"x.k": ["3"]}}"#,
    ] {
        let p = pattern(p);
        assert_eq!(p.matches_record(text, &env), p.matches(&wrap(&value)));
    }
    assert!(pattern(r#"{"detail": {"x": {"k": ["2"]}}}"#).matches_record(text, &env));
    assert!(!pattern(r#"{"detail": {"x": {"k": ["1"]}}}"#).matches_record(text, &env));
}

#[test]
fn record_text_is_fetched_only_when_the_envelope_does_not_settle_it() {
    let text = r#"{"eventSource": "s3.amazonaws.com", "eventName": "GetObject", "x": {"k": "1"}}"#;
    let env = EnvelopeFields::from_record_json(text).expect("json");
    let fetches = std::cell::Cell::new(0);
    let fetch = || {
        fetches.set(fetches.get() + 1);
        Some(text)
    };
    assert!(pattern(r#"{"source": ["aws.s3"]}"#).matches_record_with(fetch, &env));
    assert!(
        !pattern(r#"{"source": ["aws.iam"], "detail": {"x": {"k": ["1"]}}}"#)
            .matches_record_with(fetch, &env)
    );
    assert_eq!(fetches.get(), 0);
    assert!(pattern(r#"{"detail": {"x": {"k": ["1"]}}}"#).matches_record_with(fetch, &env));
    assert_eq!(fetches.get(), 1);
    // No text where one is needed: as text that is not JSON.
    let none = || None::<&str>;
    assert!(!pattern(r#"{"detail": {"x": {"k": ["1"]}}}"#).matches_record_with(none, &env));
}

// ---------------------------------------------------------------- starter rules

#[test]
fn starter_rules_match_what_they_say() {
    let rules = starter_rules();
    let find = |name: &str| {
        let rule = rules
            .iter()
            .find(|r| r.name.starts_with(name))
            .unwrap_or_else(|| panic!("{name}"));
        pattern(&rule.pattern_json)
    };
    let with = |changes: Value| {
        let mut r = org_record();
        if let (Some(obj), Some(changes)) = (r.as_object_mut(), changes.as_object()) {
            for (k, v) in changes {
                obj.insert(k.clone(), v.clone());
            }
        }
        wrap(&r)
    };
    assert!(find("Account created").matches(&with(json!({}))));
    assert!(find("Account created").matches(&with(
        json!({"eventName": "CreateAccountResult", "eventType": "AwsServiceEvent"})
    )));
    assert!(find("Account left").matches(&with(
        json!({"eventName": "LeaveOrganization", "errorCode": "AccessDenied"})
    )));
    assert!(find("AWS Organizations changes").matches(&with(json!({"eventName": "MoveAccount"}))));
    assert!(!find("AWS Organizations changes").matches(&with(json!({"eventName": "ListAccounts"}))));
    let root = json!({"userIdentity": {"type": "Root", "accountId": "1"}, "eventSource": "s3.amazonaws.com", "eventName": "GetObject"});
    assert!(find("Root user activity").matches(&with(root.clone())));
    let by_service = json!({"userIdentity": {"type": "Root", "invokedBy": "config.amazonaws.com"}});
    assert!(!find("Root user activity").matches(&with(by_service)));
    assert!(find("Failed Organizations").matches(&with(json!({"errorCode": "AccessDenied"}))));
    assert!(!find("Failed Organizations").matches(&with(json!({}))));
}

// ---------------------------------------------------------------- fast path = Value path

/// Patterns over the fields the random records below vary.
const PROPERTY_PATTERNS: &[&str] = &[
    r#"{"source": ["aws.organizations"], "detail": {"eventName": ["CreateAccount", "LeaveOrganization"]}}"#,
    r#"{"detail-type": ["AWS API Call via CloudTrail"], "detail": {"errorCode": [{"exists": false}]}}"#,
    r#"{"detail": {"errorCode": [{"exists": true}], "userIdentity": {"type": ["Root"]}}}"#,
    r#"{"detail": {"userIdentity": {"type": ["Root"], "invokedBy": [{"exists": false}]}, "eventType": [{"anything-but": "AwsServiceEvent"}]}}"#,
    r#"{"account": ["111122223333"], "region": [{"prefix": "us-"}], "time": [{"wildcard": "2024-*Z"}]}"#,
    r#"{"detail": {"extra": {"a": ["x"], "b": ["y"]}}}"#,
    r#"{"detail": {"extra": {"a": ["x"], "type": [{"exists": false}]}}}"#,
    r#"{"detail": {"extra": {"a.b": ["x", 1, null, true]}}}"#,
    r#"{"detail": {"extra": {"id": [{"numeric": [">", 0, "<=", 3]}]}}}"#,
    r#"{"detail": {"extra": {"type": [{"anything-but": ["x", "y"]}]}}}"#,
    r#"{"detail": {"extra": [{"exists": false}]}}"#,
    r#"{"detail": {"extra": {"a": [{"exists": true}], "id": [{"anything-but": 1}]}}}"#,
    r#"{"detail": {"$or": [{"extra": {"a": ["x"]}}, {"eventName": [{"suffix": "Account"}]}], "sourceIPAddress": [{"cidr": "10.0.0.0/8"}, "x"]}}"#,
    r#"{"detail": {"responseElements": {"parties": {"id": ["1"], "type": ["ACCOUNT"]}}}}"#,
    r#"{"detail": {"responseElements": [null]}}"#,
    r#"{"detail": {"recipientAccountId": [{"exists": false}], "userIdentity": {"accountId": ["111122223333"]}}}"#,
    r#"{"detail": {"readOnly": [false], "eventID": [{"exists": true}]}}"#,
    r#"{"detail": {"userIdentity.type": [{"equals-ignore-case": "root"}]}}"#,
    r#"{"id": [{"prefix": "0"}], "detail": [{"exists": false}]}"#,
];

fn arb_scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-3i64..4).prop_map(Value::from),
        prop::sample::select(vec![0.5f64, 1.0, 2.5, 300.0]).prop_map(Value::from),
        prop::sample::select(vec!["x", "y", "Root", "ACCOUNT", "1", "10.1.2.3", ""])
            .prop_map(Value::from),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    arb_scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["a", "b", "a.b", "type", "id"]),
                    inner
                ),
                0..4
            )
            .prop_map(|members| Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect()
            )),
        ]
    })
}

/// Arrays of small objects: what array consistency and `exists: false` are about.
fn arb_elements() -> impl Strategy<Value = Value> {
    let element = (
        optional(prop::sample::select(vec!["x", "y"])),
        optional(prop::sample::select(vec!["x", "y"])),
        optional(prop::sample::select(vec!["t", "x"])),
        optional(0i64..4),
    )
        .prop_map(|(a, b, t, id)| {
            let mut m = serde_json::Map::new();
            let fields = [
                ("a", a.map(Value::from)),
                ("b", b.map(Value::from)),
                ("type", t.map(Value::from)),
                ("id", id.map(Value::from)),
            ];
            for (k, v) in fields {
                if let Some(v) = v {
                    m.insert(k.to_owned(), v);
                }
            }
            Value::Object(m)
        });
    prop::collection::vec(element, 0..4).prop_map(Value::Array)
}

fn optional<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<T>> {
    prop::option::of(s)
}

fn arb_record() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "CreateAccount",
        "LeaveOrganization",
        "InviteAccount",
        "GetObject",
    ]);
    let types = prop::sample::select(vec![
        "AwsApiCall",
        "AwsServiceEvent",
        "AwsConsoleSignIn",
        "Odd",
    ]);
    let sources = prop::sample::select(vec![
        "organizations.amazonaws.com",
        "s3.amazonaws.com",
        "monitoring.amazonaws.com",
    ]);
    let identity = (
        optional(prop::sample::select(vec!["Root", "IAMUser", "AssumedRole"])),
        optional(prop::sample::select(vec!["111122223333", "444455556666"])),
        optional(arb_scalar()),
    );
    let parties = prop::collection::vec(
        (
            prop::sample::select(vec!["1", "2"]),
            prop::sample::select(vec!["ACCOUNT", "ORGANIZATION"]),
        ),
        0..3,
    );
    (
        (
            optional(names),
            optional(types),
            optional(sources),
            optional(arb_scalar()),
        ),
        identity,
        (
            optional(prop_oneof![arb_json(), arb_elements()]),
            optional(arb_scalar()),
            parties,
            any::<bool>(),
            optional(prop::sample::select(vec!["10.1.2.3", "x", "2001:db8::1"])),
        ),
        (
            any::<(bool, bool)>(),
            optional(prop::sample::select(vec![
                "2024-03-05T14:22:31Z",
                "2023-01-01",
            ])),
            optional(prop::sample::select(vec!["us-east-1", "eu-west-1"])),
        ),
    )
        .prop_map(
            |(
                (name, ty, src, error),
                (id_type, id_account, invoked),
                (extra, response, parties, dotted, ip),
                ((with_id, read_only), time, region),
            )| {
                let mut r = serde_json::Map::new();
                let mut put = |k: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        r.insert(k.to_owned(), v);
                    }
                };
                put("eventName", name.map(Value::from));
                put("eventType", ty.map(Value::from));
                put("eventSource", src.map(Value::from));
                put("errorCode", error);
                put("extra", extra);
                put("sourceIPAddress", ip.map(Value::from));
                put("eventTime", time.map(Value::from));
                put("awsRegion", region.map(Value::from));
                put("readOnly", Some(Value::Bool(read_only)));
                if with_id {
                    put("eventID", Some(Value::from("0f1e")));
                    put("recipientAccountId", Some(Value::from("111122223333")));
                }
                let mut identity = serde_json::Map::new();
                if let Some(t) = id_type {
                    identity.insert("type".into(), Value::from(t));
                }
                if let Some(a) = id_account {
                    identity.insert("accountId".into(), Value::from(a));
                }
                if let Some(i) = invoked {
                    identity.insert("invokedBy".into(), i);
                }
                put("userIdentity", Some(Value::Object(identity)));
                if dotted {
                    put("userIdentity.type", Some(Value::from("root")));
                }
                let parties: Vec<Value> = parties
                    .into_iter()
                    .map(|(id, t)| json!({"id": id, "type": t}))
                    .collect();
                put(
                    "responseElements",
                    Some(match response {
                        Some(Value::Null) => Value::Null,
                        _ => json!({"parties": parties}),
                    }),
                );
                Value::Object(r)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// `matches_record` (envelope + single pass over the text) gives exactly the answer of
    /// `matches` on the wrapped `Value`, for every property pattern.
    #[test]
    fn fast_path_equals_value_path(record in arb_record()) {
        let text = serde_json::to_string(&record).expect("serializable");
        let from_text = EnvelopeFields::from_record_json(&text).expect("valid JSON");
        let from_value = EnvelopeFields::from_record(&record);
        prop_assert_eq!(&from_text, &from_value);
        let event = wrap(&record);
        for p in PROPERTY_PATTERNS {
            let compiled = pattern(p);
            let slow = compiled.matches(&event);
            prop_assert_eq!(compiled.matches_record(&text, &from_text), slow, "pattern {}\nrecord {}", p, text);
        }
    }

    /// Same for every valid vector pattern against random records: the vectors exercise
    /// every operator, the records every shape.
    #[test]
    fn fast_path_equals_value_path_for_vector_patterns(record in arb_record(), index in 0usize..1000) {
        let patterns = vector_patterns();
        let p = &patterns[index % patterns.len()];
        let text = serde_json::to_string(&record).expect("serializable");
        let envelope = EnvelopeFields::from_record_json(&text).expect("valid JSON");
        prop_assert_eq!(p.matches_record(&text, &envelope), p.matches(&wrap(&record)));
    }
}

/// Every valid pattern of the conformance vectors, with `detail.` put in front of paths
/// that do not start at an envelope field so they reach into the random records.
fn vector_patterns() -> &'static [Pattern] {
    static PATTERNS: std::sync::OnceLock<Vec<Pattern>> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(load_vector_patterns)
}

fn load_vector_patterns() -> Vec<Pattern> {
    let text = include_str!("../../tests/fixtures/eventbridge/vectors.json");
    let vectors: Vec<Value> = serde_json::from_str(text).expect("vectors");
    let mut out = Vec::new();
    for v in vectors {
        let Some(p) = v.get("pattern") else { continue };
        if let Ok(compiled) = compile_value(p) {
            out.push(compiled);
        }
        if let Some(obj) = p.as_object() {
            if !obj.contains_key("detail") {
                if let Ok(compiled) = compile_value(&json!({ "detail": p })) {
                    out.push(compiled);
                }
            }
        }
    }
    out
}
