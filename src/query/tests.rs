//! Parser tables (valid queries → trees, invalid ones → error kind and span), bounds,
//! printing round trips, and the no-panic property over arbitrary text.

use proptest::prelude::*;

use super::*;

// --- builders

fn field(path: &str) -> Field {
    Field::new(path.split('.'))
}

fn term(f: &str, v: &str) -> Ast {
    Ast::Term {
        field: field(f),
        value: Value::Text(v.into()),
    }
}

fn pat(f: &str, p: &str) -> Ast {
    Ast::Term {
        field: field(f),
        value: Value::Pattern(p.into()),
    }
}

fn text(v: &str) -> Ast {
    Ast::Text {
        value: Value::Text(v.into()),
    }
}

fn text_pat(p: &str) -> Ast {
    Ast::Text {
        value: Value::Pattern(p.into()),
    }
}

fn exists(f: &str) -> Ast {
    Ast::Exists { field: field(f) }
}

fn and(items: Vec<Ast>) -> Ast {
    Ast::And(items)
}

fn or(items: Vec<Ast>) -> Ast {
    Ast::Or(items)
}

fn not(a: Ast) -> Ast {
    Ast::Not(Box::new(a))
}

fn range(f: &str, lower: Bound, upper: Bound) -> Ast {
    Ast::Range {
        field: field(f),
        lower,
        upper,
    }
}

fn inc(s: &str) -> Bound {
    Bound::Included(s.into())
}

fn exc(s: &str) -> Bound {
    Bound::Excluded(s.into())
}

const OPEN: Bound = Bound::Unbounded;

/// `syntax!(name, query, tree)`: parses to `tree`, and `tree` prints to text that parses
/// back to it.
macro_rules! syntax {
    ($name:ident, $src:expr, $ast:expr) => {
        #[test]
        fn $name() {
            let expected: Ast = $ast;
            assert_eq!(parse($src), Ok(expected.clone()), "query: {:?}", $src);
            let printed = expected.to_string();
            assert_eq!(parse(&printed), Ok(expected), "printed: {printed:?}");
        }
    };
}

/// `syntaxerr!(name, query, kind pattern, span)`: the first error is `kind` at `span`.
macro_rules! syntaxerr {
    ($name:ident, $src:expr, $kind:pat, $span:expr) => {
        #[test]
        fn $name() {
            let err = parse($src).expect_err($src);
            assert!(matches!(err.kind, $kind), "query {:?}: {err:?}", $src);
            assert_eq!(err.span, $span, "query {:?}: {err}", $src);
            let shown = err.to_string();
            assert!(shown.contains(": "), "no hint in {shown:?}");
        }
    };
}

// --- valid

syntax!(empty, "", Ast::All);
syntax!(blank, "  \t ", Ast::All);
syntax!(star_alone, "*", Ast::All);
syntax!(
    one_term,
    "eventName:ConsoleLogin",
    term("eventName", "ConsoleLogin")
);
syntax!(
    space_after_colon,
    "eventName: ConsoleLogin",
    term("eventName", "ConsoleLogin")
);
syntax!(
    phrase_value,
    r#"errorMessage:"access denied""#,
    term("errorMessage", "access denied")
);
syntax!(
    phrase_escapes,
    r#"x:"a \"b\" \\c""#,
    term("x", r#"a "b" \c"#)
);
syntax!(
    wildcard_value,
    "eventName:Create*",
    pat("eventName", "Create*")
);
syntax!(
    question_mark,
    "eventName:Get?bject",
    pat("eventName", "Get?bject")
);
syntax!(
    escaped_star_is_text,
    r"eventName:a\*b",
    term("eventName", "a*b")
);
syntax!(
    escaped_star_in_pattern,
    r"eventName:a\*b*",
    pat("eventName", r"a\*b*")
);
syntax!(field_star_is_exists, "errorCode:*", exists("errorCode"));
syntax!(exists_, "_exists_:errorCode", exists("errorCode"));
syntax!(
    exists_path,
    "_EXISTS_:requestParameters.bucketName",
    exists("requestParameters.bucketName")
);
syntax!(
    dotted_path,
    "userIdentity.sessionContext.sessionIssuer.userName:Admin",
    term(
        "userIdentity.sessionContext.sessionIssuer.userName",
        "Admin"
    )
);
syntax!(
    colons_in_value,
    "userIdentity.arn:arn:aws:iam::123456789012:root",
    term("userIdentity.arn", "arn:aws:iam::123456789012:root")
);
syntax!(
    escaped_dot_in_key,
    r"tags.a\.b:x",
    Ast::Term {
        field: Field::new(["tags", "a.b"]),
        value: Value::Text("x".into())
    }
);
syntax!(escaped_colon_free_text, r"arn\:aws", text("arn:aws"));
syntax!(hyphens_inside_words, "us-east-1", text("us-east-1"));
syntax!(
    bare_words_and,
    "access denied",
    and(vec![text("access"), text("denied")])
);
syntax!(bare_pattern, "Create*User", text_pat("Create*User"));
syntax!(bare_phrase, r#""access denied""#, text("access denied"));
syntax!(non_ascii, "é*", text_pat("é*"));
syntax!(quoted_keyword, r#""and""#, text("and"));
syntax!(escaped_keyword, r"\not", text("not"));
syntax!(keyword_as_value, "eventName:AND", term("eventName", "AND"));
syntax!(
    to_outside_range,
    "a TO b",
    and(vec![text("a"), text("TO"), text("b")])
);
syntax!(
    precedence,
    "a AND b OR c",
    or(vec![and(vec![text("a"), text("b")]), text("c")])
);
syntax!(
    implicit_and_binds_tighter,
    "a OR b c",
    or(vec![text("a"), and(vec![text("b"), text("c")])])
);
syntax!(
    lowercase_keywords,
    "a or b and not c",
    or(vec![text("a"), and(vec![text("b"), not(text("c"))])])
);
syntax!(minus, "a -b", and(vec![text("a"), not(text("b"))]));
syntax!(
    minus_field,
    "-region:us-east-1",
    not(term("region", "us-east-1"))
);
syntax!(minus_value_is_literal, "x:-5", term("x", "-5"));
syntax!(double_not, "NOT -a", not(not(text("a"))));
syntax!(
    groups,
    "(a OR b) -(c OR d)",
    and(vec![
        or(vec![text("a"), text("b")]),
        not(or(vec![text("c"), text("d")]))
    ])
);
syntax!(
    nested_group_kept,
    "a AND (b AND c)",
    and(vec![text("a"), and(vec![text("b"), text("c")])])
);
syntax!(
    field_group,
    "eventName:(CreateUser OR Delete* -DeleteBucket)",
    or(vec![
        term("eventName", "CreateUser"),
        and(vec![
            pat("eventName", "Delete*"),
            not(term("eventName", "DeleteBucket"))
        ])
    ])
);
syntax!(
    time_range,
    "eventTime:[2020-09-16T00:00 TO 2020-09-17]",
    range("eventTime", inc("2020-09-16T00:00"), inc("2020-09-17"))
);
syntax!(
    mixed_brackets_open_end,
    "time:{2020 TO *]",
    range("time", exc("2020"), OPEN)
);
syntax!(
    month_name_bound,
    r#"eventTime:[* TO "Sep 16, 2020 9:20:50 PM"}"#,
    range("eventTime", OPEN, exc("Sep 16, 2020 9:20:50 PM"))
);
syntax!(
    lowercase_to,
    "eventTime:[2020 to 2021]",
    range("eventTime", inc("2020"), inc("2021"))
);
syntax!(
    greater,
    "eventTime:>2020-09-16",
    range("eventTime", exc("2020-09-16"), OPEN)
);
syntax!(
    at_most,
    "eventTime:<=2020-09-16T21",
    range("eventTime", OPEN, inc("2020-09-16T21"))
);
syntax!(
    number_range,
    "requestParameters.maxResults:[10 TO 100}",
    range("requestParameters.maxResults", inc("10"), exc("100"))
);
syntax!(any_range_is_kept, "x:[* TO *]", range("x", OPEN, OPEN));
syntax!(
    time_term,
    "eventTime:2020-09-16",
    term("eventTime", "2020-09-16")
);
syntax!(
    ranges_in_field_group,
    "eventTime:([2020-01 TO 2020-02] OR >=2021)",
    or(vec![
        range("eventTime", inc("2020-01"), inc("2020-02")),
        range("eventTime", inc("2021"), OPEN)
    ])
);

// --- invalid, with spans

syntaxerr!(
    unclosed_quote,
    r#"eventName:"Create"#,
    QueryErrorKind::UnclosedQuote,
    10..17
);
syntaxerr!(
    unclosed_paren,
    "(a OR b",
    QueryErrorKind::UnclosedParen,
    0..1
);
syntaxerr!(
    unmatched_paren,
    "a) b",
    QueryErrorKind::UnmatchedParen,
    1..2
);
syntaxerr!(empty_group, "a ()", QueryErrorKind::EmptyGroup, 2..4);
syntaxerr!(
    trailing_and,
    "a AND",
    QueryErrorKind::DanglingOperator { .. },
    2..5
);
syntaxerr!(
    leading_or,
    "OR b",
    QueryErrorKind::DanglingOperator { .. },
    0..2
);
syntaxerr!(
    lone_not,
    "NOT",
    QueryErrorKind::DanglingOperator { .. },
    0..3
);
syntaxerr!(
    not_before_paren_close,
    "(a NOT)",
    QueryErrorKind::DanglingOperator { .. },
    3..6
);
syntaxerr!(
    lone_minus,
    "a - b",
    QueryErrorKind::DanglingOperator { .. },
    2..3
);
syntaxerr!(
    and_or,
    "a AND OR b",
    QueryErrorKind::DanglingOperator { .. },
    2..5
);
syntaxerr!(
    missing_field,
    ":ConsoleLogin",
    QueryErrorKind::MissingField,
    0..1
);
syntaxerr!(
    missing_value_end,
    "eventName:",
    QueryErrorKind::MissingValue,
    0..10
);
syntaxerr!(
    missing_value_keyword,
    "eventName: AND x",
    QueryErrorKind::MissingValue,
    0..10
);
syntaxerr!(
    missing_value_paren,
    "(eventName:)",
    QueryErrorKind::MissingValue,
    1..11
);
syntaxerr!(
    empty_segment,
    "a..b:x",
    QueryErrorKind::EmptyPathSegment,
    2..3
);
syntaxerr!(leading_dot, ".a:x", QueryErrorKind::EmptyPathSegment, 0..1);
syntaxerr!(trailing_dot, "a.:x", QueryErrorKind::EmptyPathSegment, 1..2);
syntaxerr!(
    wildcard_field,
    "event*:x",
    QueryErrorKind::WildcardInField,
    5..6
);
syntaxerr!(
    wildcard_exists,
    "_exists_:error*",
    QueryErrorKind::WildcardInField,
    14..15
);
syntaxerr!(
    exists_phrase,
    r#"_exists_:"a b""#,
    QueryErrorKind::ExistsNeedsField,
    0..14
);
syntaxerr!(
    trailing_escape,
    r"AccessDenied\",
    QueryErrorKind::TrailingEscape,
    12..13
);
syntaxerr!(
    unclosed_range,
    "eventTime:[2020 TO 2021",
    QueryErrorKind::UnclosedRange,
    10..23
);
syntaxerr!(
    range_without_to,
    "eventTime:[2020 2021]",
    QueryErrorKind::BadRange,
    10..21
);
syntaxerr!(
    range_missing_bound,
    "eventTime:[2020 TO]",
    QueryErrorKind::BadRange,
    10..19
);
syntaxerr!(
    range_wildcard_bound,
    "x:[1* TO 2]",
    QueryErrorKind::BadRange,
    3..5
);
syntaxerr!(
    bad_time_term,
    "eventTime:yesterday",
    QueryErrorKind::BadTimestamp,
    10..19
);
syntaxerr!(
    time_pattern,
    "eventTime:2020*",
    QueryErrorKind::BadTimestamp,
    10..15
);
syntaxerr!(
    bad_time_bound,
    "time:[2020 TO tomorrow]",
    QueryErrorKind::BadTimestamp,
    14..22
);
syntaxerr!(bad_bound, "x:[ten TO 20]", QueryErrorKind::BadBound, 3..6);
syntaxerr!(bad_comparison, "x:>ten", QueryErrorKind::BadBound, 3..6);
syntaxerr!(
    empty_phrase_value,
    r#"eventName:"""#,
    QueryErrorKind::EmptyPhrase,
    10..12
);
syntaxerr!(
    empty_phrase_free,
    r#"a """#,
    QueryErrorKind::EmptyPhrase,
    2..4
);
syntaxerr!(
    range_without_field,
    "[a TO b]",
    QueryErrorKind::Unexpected { .. },
    0..1
);
syntaxerr!(
    brace_without_field,
    "a {1 TO 2}",
    QueryErrorKind::Unexpected { .. },
    2..3
);

#[test]
fn too_deep() {
    let q = format!("{}a{}", "(".repeat(100), ")".repeat(100));
    let (_, errors) = parse_lenient(&q);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].kind, QueryErrorKind::TooDeep);
    let nots = "NOT ".repeat(MAX_DEPTH + 1) + "a";
    assert!(matches!(
        parse(&nots),
        Err(QueryError {
            kind: QueryErrorKind::TooDeep,
            ..
        })
    ));
    let ok = "NOT ".repeat(MAX_DEPTH) + "a";
    assert!(parse(&ok).is_ok());
}

#[test]
fn lenient_keeps_what_it_can_read() {
    let (ast, errors) = parse_lenient(r#"(eventName:X OR "b"#);
    assert_eq!(ast, or(vec![term("eventName", "X"), text("b")]));
    let kinds: Vec<_> = errors
        .iter()
        .map(|e| (e.kind.clone(), e.span.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            (QueryErrorKind::UnclosedParen, 0..1),
            (QueryErrorKind::UnclosedQuote, 16..18)
        ]
    );

    let (ast, errors) = parse_lenient("eventName:X AND AND y eventTime:never z)");
    assert_eq!(ast, and(vec![term("eventName", "X"), text("y"), text("z")]));
    assert_eq!(errors.len(), 3, "{errors:?}");

    // A bad field name does not leak its value into free text.
    let (ast, errors) = parse_lenient("a..b:secret other");
    assert_eq!(ast, text("other"));
    assert_eq!(errors.len(), 1);
}

#[test]
fn display_hints() {
    let err = parse("eventName:").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no value after ':' (at 0): write field:value; field:* matches any value"
    );
}

#[test]
fn serializes_as_a_plain_tree() {
    let ast = parse("eventName:Create* -requestParameters.a\\.b:x eventTime:>2020").unwrap();
    let json = serde_json::to_value(&ast).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"and": [
            {"term": {"field": "eventName", "value": {"pattern": "Create*"}}},
            {"not": {"term": {"field": "requestParameters.a\\.b", "value": {"text": "x"}}}},
            {"range": {"field": "eventTime", "lower": {"excluded": "2020"}, "upper": "unbounded"}}
        ]})
    );
}

// --- bounds

#[test]
fn time_spans_follow_precision() {
    let t = |s: &str| crate::time::parse_timestamp(s).unwrap();
    let span = |s: &str| time_span(s).unwrap();
    assert_eq!(span("2020"), (t("2020-01-01"), t("2021-01-01")));
    assert_eq!(span("2020-02"), (t("2020-02-01"), t("2020-03-01")));
    assert_eq!(span("2020-12"), (t("2020-12-01"), t("2021-01-01")));
    assert_eq!(span("2020-09-16"), (t("2020-09-16"), t("2020-09-17")));
    assert_eq!(
        span("2020-09-16T21"),
        (t("2020-09-16T21:00"), t("2020-09-16T22:00"))
    );
    assert_eq!(
        span("2020-09-16 21:20"),
        (t("2020-09-16T21:20"), t("2020-09-16T21:21"))
    );
    assert_eq!(
        span("2020-09-16T21:20:50Z"),
        (t("2020-09-16T21:20:50Z"), t("2020-09-16T21:20:51Z"))
    );
    assert_eq!(
        span("2020-09-16T21:20:50.5Z").1 - span("2020-09-16T21:20:50.5Z").0,
        100
    );
    assert_eq!(
        span("2020-09-16T21:20:50.123Z").1 - span("2020-09-16T21:20:50.123Z").0,
        1
    );
    assert_eq!(span("2020-09-17T08:20+11:00").0, t("2020-09-16T21:20Z"));
    assert_eq!(
        span("Sep 16, 2020 9:20:50 PM"),
        (t("2020-09-16T21:20:50Z"), t("2020-09-16T21:20:50Z") + 1)
    );
    assert_eq!(span("1600291250").0, t("2020-09-16T21:20:50Z"));
    for bad in [
        "",
        "x",
        "2020-13",
        "2020-09-32",
        "2020-09-16T24",
        "-5",
        "20201-01",
    ] {
        assert_eq!(time_span(bad), None, "{bad}");
    }
    assert!(time_span("9999").is_some());
}

#[test]
fn numbers_are_json_numbers() {
    for (s, n) in [("10", 10.0), ("-1.5", -1.5), ("1e3", 1000.0), ("2E-1", 0.2)] {
        assert_eq!(parse_number(s), Some(n), "{s}");
    }
    for s in ["", "-", "1.", ".5", "inf", "NaN", "1e", "+1", "1x", "0x10"] {
        assert_eq!(parse_number(s), None, "{s}");
    }
}

/// Colons need no backslash in a field's value or a range bound (the lexer reads them as
/// text there), but do in free text and field names, where they would start a field.
#[test]
fn printed_colons_are_escaped_only_where_they_would_start_a_field() {
    let cases = [
        (
            term("userIdentity.arn", "arn:aws:iam::1:root"),
            "userIdentity.arn:arn:aws:iam::1:root",
        ),
        (
            pat("userIdentity.arn", "arn:aws:*"),
            "userIdentity.arn:arn:aws:*",
        ),
        (
            range(
                "eventTime",
                inc("2020-09-16T21:15:50Z"),
                exc("2020-09-16T21:25:50Z"),
            ),
            "eventTime:[2020-09-16T21:15:50Z TO 2020-09-16T21:25:50Z}",
        ),
        (text("a:b"), "a\\:b"),
        (
            Ast::Term {
                field: Field::new(["we:ird", "key"]),
                value: Value::Text("v".into()),
            },
            "we\\:ird.key:v",
        ),
    ];
    for (ast, printed) in cases {
        assert_eq!(ast.to_string(), printed);
        assert_eq!(parse(printed), Ok(ast), "{printed}");
    }
}

// --- properties

/// Text made mostly of the characters the lexer treats specially.
fn queryish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("AND".to_owned()),
            Just("or".to_owned()),
            Just("NOT".to_owned()),
            Just("TO".to_owned()),
            Just("_exists_".to_owned()),
            Just("eventTime".to_owned()),
            Just("2020-09-16".to_owned()),
            "[a-c]{1,3}",
            "[ :.*?\"()\\[\\]{}<>=\\-\\\\é0-9\t]",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

fn check_errors(src: &str, errors: &[QueryError]) {
    for e in errors {
        assert!(
            e.span.start <= e.span.end && e.span.end <= src.len(),
            "{e:?} in {src:?}"
        );
        assert!(src.is_char_boundary(e.span.start) && src.is_char_boundary(e.span.end));
        assert!(!e.to_string().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_queryish_text(src in queryish()) {
        let (ast, errors) = parse_lenient(&src);
        check_errors(&src, &errors);
        // Every tree, even one read past errors, prints to text that parses back to it.
        let printed = ast.to_string();
        prop_assert_eq!(parse(&printed), Ok(ast), "printed {:?}", printed);
    }

    #[test]
    fn never_panics_on_any_text(src in any::<String>()) {
        let (_, errors) = parse_lenient(&src);
        check_errors(&src, &errors);
    }
}

#[test]
fn a_field_path_parses_as_in_a_query() {
    let path = |raw: &str| Field::parse(raw).map(|f| f.segments().to_vec());
    assert_eq!(path("eventName"), Some(vec!["eventName".to_owned()]));
    assert_eq!(
        path(r"requestParameters.a\.b"),
        Some(vec!["requestParameters".to_owned(), "a.b".to_owned()])
    );
    for bad in ["", "a..b", "a.", "event*", r"a\"] {
        assert_eq!(path(bad), None, "{bad}");
    }
}
