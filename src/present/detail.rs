//! The event detail pane's pure parts: the record as an ordered tree to draw, and the
//! query clauses its actions build. The pane itself is `web::detail`.
//!
//! Entry points: [`Node::parse`] (record text → tree, `None` for text the tree can't
//! show), [`value_clause`] (filter by a value, or exclude it), [`around_clause`] (±5 min
//! around an event, same principal or account) and [`add_clause`] (a clause ANDed to the
//! query in the box).
//!
//! Implementation notes:
//! - The tree keeps keys in record order and duplicate keys as written: serde_json's
//!   `Map` would sort them (its `preserve_order` feature is off, and turning it on would
//!   change every map in the worker for a few hundred bytes of this one view).
//! - Every clause is built as a [`crate::query::Ast`] and printed by it, then parsed back:
//!   an action is offered only when the printed text means exactly that clause.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::query::{self, Ast, Bound, Field, Value};
use crate::time::{format_iso, EpochMillis};

/// Containers deeper than this (the record is depth 0) start closed.
/// - Good (deeper): more of the record readable without a click.
/// - Bad (deeper): the first screen fills with `sessionContext.attributes` detail.
pub const OPEN_DEPTH: usize = 2;
/// Containers with more children than this start closed, at any depth but the top.
pub const LARGE: usize = 30;
/// Children rows all default-open containers together may show, in record order; later
/// containers start closed once it is spent (a record of many mid-sized lists).
pub const OPEN_BUDGET: usize = 400;
/// Children drawn per "show more" step of an open container.
pub const CHILDREN_PAGE: usize = 200;
/// Strings longer than this (in characters) are shown cut, with a "show all".
pub const LONG_TEXT: usize = 2_000;
/// Values longer than this (in characters) get no filter action: nobody filters on a
/// whole policy document, and the query box is not the place for one.
pub const MAX_FILTER_VALUE: usize = 1_000;
/// The context window on either side of an event, in milliseconds.
pub const AROUND_MS: EpochMillis = 5 * 60 * 1000;

/// One JSON value and where it sits in the record.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Position in the record in pre-order (the record is 0): stable for a given text,
    /// so the page keys open/closed state on it.
    pub id: u32,
    /// Nodes below this one, for the ids of its later siblings.
    pub descendants: u32,
    /// Containers: shown open until the reader toggles it.
    pub open_by_default: bool,
    pub value: Json,
}

/// A JSON value with object keys in record order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// As serde_json prints it (`50`, `2.5`): what the query language compares.
    Number(String),
    Str(String),
    Array(Vec<Node>),
    /// Keys in record order, duplicates kept.
    Object(Vec<(String, Node)>),
}

impl Node {
    /// The record as a tree; `None` when the text is not JSON or nests deeper than
    /// serde_json's recursion limit (the pane then shows the text instead).
    pub fn parse(text: &str) -> Option<Node> {
        let value: Json = serde_json::from_str(text).ok()?;
        let mut root = Node {
            id: 0,
            descendants: 0,
            open_by_default: true,
            value,
        };
        let mut next = 0;
        let mut budget = OPEN_BUDGET;
        number(&mut root, 0, &mut next, &mut budget);
        Some(root)
    }

    /// Children with their keys (`None` for array items), in record order.
    pub fn children(&self) -> Box<dyn Iterator<Item = (Option<&str>, &Node)> + '_> {
        match &self.value {
            Json::Array(items) => Box::new(items.iter().map(|n| (None, n))),
            Json::Object(entries) => Box::new(entries.iter().map(|(k, n)| (Some(k.as_str()), n))),
            _ => Box::new(std::iter::empty()),
        }
    }

    /// How many children a container has (0 for a scalar).
    pub fn child_count(&self) -> usize {
        match &self.value {
            Json::Array(items) => items.len(),
            Json::Object(entries) => entries.len(),
            _ => 0,
        }
    }

    pub fn is_container(&self) -> bool {
        matches!(self.value, Json::Array(_) | Json::Object(_))
    }
}

/// Gives ids in pre-order and decides what starts open.
fn number(node: &mut Node, depth: usize, next: &mut u32, budget: &mut usize) {
    node.id = *next;
    *next += 1;
    let len = node.child_count();
    node.open_by_default = node.is_container()
        && (depth == 0 || (depth <= OPEN_DEPTH && len <= LARGE && len <= *budget));
    if node.open_by_default {
        *budget = budget.saturating_sub(len);
    }
    let children: Box<dyn Iterator<Item = &mut Node>> = match &mut node.value {
        Json::Array(items) => Box::new(items.iter_mut()),
        Json::Object(entries) => Box::new(entries.iter_mut().map(|(_, n)| n)),
        _ => Box::new(std::iter::empty()),
    };
    for child in children {
        number(child, depth + 1, next, budget);
    }
    node.descendants = *next - node.id - 1;
}

/// A string as a JSON literal, quotes and escapes included.
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

// --- reading (order-preserving, recursion limit from serde_json)

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

fn leaf(value: Json) -> Node {
    Node {
        id: 0,
        descendants: 0,
        open_by_default: false,
        value,
    }
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        // serde_json's own printing (`2.5`, `1e300`), as the query language tests numbers.
        Ok(Json::Number(
            serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string()),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(value) = seq.next_element::<Json>()? {
            items.push(leaf(value));
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            entries.push((key, leaf(value)));
        }
        Ok(Json::Object(entries))
    }
}

// --- clauses

/// A scalar as the query language compares it: strings as they are, numbers as
/// serde_json prints them, booleans as `true`/`false`. `None` for `null` and `""` (no
/// value: they match no term), containers, and values too long to filter on.
pub fn value_text(value: &Json) -> Option<String> {
    let text = match value {
        Json::Str(s) if !s.is_empty() => s.clone(),
        Json::Number(n) => n.clone(),
        Json::Bool(b) => b.to_string(),
        _ => return None,
    };
    (text.chars().count() <= MAX_FILTER_VALUE).then_some(text)
}

/// Aliases that are also the CloudTrail key of the same name (`eventName` the column is
/// `eventName` the key); other aliases (`principal`, `time`…) would read a column, not
/// the record's key, so a record key spelled like one gets no action.
const KEY_ALIASES: &[&str] = &[
    "eventTime",
    "eventName",
    "eventSource",
    "awsRegion",
    "errorCode",
    "userIdentity.type",
    "sourceIPAddress",
    "userAgent",
    "readOnly",
    "eventType",
    "eventID",
];

/// The query field for a value at `path` (object keys from the record down; array
/// indices left out, as the language walks arrays). `None` when the path can't be
/// written as a field that reads that key.
fn path_field(path: &[String]) -> Option<Field> {
    if path.is_empty() || path.iter().any(String::is_empty) {
        return None;
    }
    let joined = path.join(".");
    let is_alias = query::aliases().any(|a| a.eq_ignore_ascii_case(&joined));
    if is_alias && !KEY_ALIASES.contains(&joined.as_str()) {
        return None;
    }
    Some(Field::new(path.iter().cloned()))
}

/// `path:value`, or `NOT path:value` with `exclude`, as query text; `None` when the value
/// has no filter (see [`value_text`]) or the path can't be a field.
///
/// ```
/// use trailglass::present::detail::{value_clause, Json};
/// let path = ["resources".to_owned(), "ARN".to_owned()];
/// let arn = Json::Str("arn:aws:s3:::my bucket".into());
/// assert_eq!(value_clause(&path, &arn, false).as_deref(), Some(r#"resources.ARN:"arn:aws:s3:::my bucket""#));
/// assert_eq!(value_clause(&path, &arn, true).as_deref(), Some(r#"NOT resources.ARN:"arn:aws:s3:::my bucket""#));
/// ```
pub fn value_clause(path: &[String], value: &Json, exclude: bool) -> Option<String> {
    let term = Ast::Term {
        field: path_field(path)?,
        value: Value::Text(value_text(value)?),
    };
    let ast = if exclude {
        Ast::Not(Box::new(term))
    } else {
        term
    };
    printed(&ast)
}

/// Which events the context action keeps besides the time window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Around {
    Principal,
    Account,
}

/// `eventTime:[t-5min TO t+5min] AND principal:<value>` (or `account:`), as query
/// text: the events around `time` by the same caller or in the same account. Bounds are
/// whole seconds, widened so the event itself is inside. `None` for an empty value.
pub fn around_clause(time: EpochMillis, by: Around, value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    let second = |t: EpochMillis| format_iso(t.div_euclid(1000) * 1000);
    let window = Ast::Range {
        field: Field::new(["eventTime"]),
        lower: Bound::Included(second(time.saturating_sub(AROUND_MS))),
        upper: Bound::Included(second(time.saturating_add(AROUND_MS))),
    };
    let field = match by {
        Around::Principal => "principal",
        Around::Account => "account",
    };
    let same = Ast::Term {
        field: Field::new([field]),
        value: Value::Text(value.to_owned()),
    };
    printed(&Ast::And(vec![window, same]))
}

/// The tree's text, if it parses back to the same tree.
fn printed(ast: &Ast) -> Option<String> {
    let text = ast.to_string();
    (query::parse(&text).as_ref() == Ok(ast)).then_some(text)
}

/// The query with `clause` ANDed on, keeping the query's text: side by side (which is
/// AND), in parentheses when the query is an `OR` at the top (`a OR b c` would read
/// `a OR (b AND c)`), unchanged when the query already requires the clause.
pub fn add_clause(query: &str, clause: &str) -> String {
    let trimmed = query.trim();
    if trimmed.is_empty() {
        return clause.to_owned();
    }
    let (Ok(current), Ok(added)) = (query::parse(trimmed), query::parse(clause)) else {
        return format!("{trimmed} {clause}");
    };
    match current {
        Ast::All => clause.to_owned(),
        _ if current.narrows(&added) => trimmed.to_owned(),
        Ast::Or(_) => format!("({trimmed}) {clause}"),
        _ => format!("{trimmed} {clause}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_owned).collect()
    }

    fn keys(node: &Node) -> Vec<&str> {
        node.children().filter_map(|(k, _)| k).collect()
    }

    fn child<'a>(node: &'a Node, key: &str) -> &'a Node {
        node.children()
            .find(|(k, _)| *k == Some(key))
            .map(|(_, n)| n)
            .unwrap_or_else(|| panic!("no key {key}"))
    }

    #[test]
    fn keeps_record_order_and_duplicate_keys() {
        let root = Node::parse(r#"{"z": 1, "a": {"y": true, "b": null}, "z": "again"}"#).unwrap();
        assert_eq!(keys(&root), ["z", "a", "z"]);
        assert_eq!(keys(child(&root, "a")), ["y", "b"]);
        let values: Vec<&Json> = root.children().map(|(_, n)| &n.value).collect();
        assert_eq!(values[0], &Json::Number("1".into()));
        assert_eq!(values[2], &Json::Str("again".into()));
    }

    #[test]
    fn ids_are_preorder_and_count_descendants() {
        let root = Node::parse(r#"{"a": [1, [2, 3]], "b": {"c": 4}}"#).unwrap();
        let a = child(&root, "a");
        let b = child(&root, "b");
        assert_eq!((root.id, root.descendants), (0, 7));
        assert_eq!((a.id, a.descendants), (1, 4));
        // The later sibling's id is found from the earlier one's descendants.
        assert_eq!(b.id, a.id + a.descendants + 1);
        assert_eq!((child(b, "c").id, b.descendants), (7, 1));
    }

    #[test]
    fn opens_shallow_small_containers_only() {
        let big: Vec<u32> = (0..=LARGE as u32).collect();
        let text = serde_json::json!({
            "userIdentity": {"sessionContext": {"sessionIssuer": {"arn": "x"}}},
            "resources": big,
            "small": [1, 2],
        })
        .to_string();
        let root = Node::parse(&text).unwrap();
        let identity = child(&root, "userIdentity");
        let context = child(identity, "sessionContext");
        assert!(root.open_by_default);
        assert!(identity.open_by_default && context.open_by_default);
        assert!(
            !child(context, "sessionIssuer").open_by_default,
            "depth 3 starts closed"
        );
        assert!(
            !child(&root, "resources").open_by_default,
            "a large list starts closed"
        );
        assert!(child(&root, "small").open_by_default);
        assert!(
            !child(child(context, "sessionIssuer"), "arn").open_by_default,
            "scalars never open"
        );
        // The top level opens whatever its size.
        let wide: serde_json::Map<String, serde_json::Value> =
            (0..100).map(|i| (format!("k{i}"), i.into())).collect();
        assert!(
            Node::parse(&serde_json::Value::Object(wide).to_string())
                .unwrap()
                .open_by_default
        );
    }

    #[test]
    fn open_budget_is_spent_in_record_order() {
        let lists: Vec<Vec<u32>> = (0..OPEN_BUDGET / LARGE + 2)
            .map(|_| vec![0; LARGE])
            .collect();
        let root = Node::parse(&serde_json::json!({ "lists": lists }).to_string()).unwrap();
        let lists = child(&root, "lists");
        // `lists` itself is small enough; its items share the rest of the budget.
        let open: Vec<bool> = lists.children().map(|(_, n)| n.open_by_default).collect();
        let opened = open.iter().filter(|o| **o).count();
        assert!(open.starts_with(&vec![true; opened]), "{open:?}");
        assert!(opened * LARGE + lists.child_count() <= OPEN_BUDGET);
        assert!(opened < open.len(), "the budget ran out");
    }

    #[test]
    fn hostile_text_gives_none_not_a_panic() {
        assert_eq!(Node::parse("not json"), None);
        assert_eq!(Node::parse(r#"{"a": 1"#), None);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(Node::parse(&deep), None);
        // serde_json's limit is 128 levels: just under it still reads.
        let ok = format!("{}{}", "[".repeat(120), "]".repeat(120));
        assert!(Node::parse(&ok).is_some());
    }

    #[test]
    fn value_clauses_quote_and_escape_through_the_printer() {
        let cases = [
            (
                "eventName",
                Json::Str("CreateUser".into()),
                "eventName:CreateUser",
            ),
            (
                "resources.ARN",
                Json::Str("arn:aws:iam::1:role/x".into()),
                "resources.ARN:arn:aws:iam::1:role/x",
            ),
            (
                "requestParameters.key",
                Json::Str("a b\"c".into()),
                r#"requestParameters.key:"a b\"c""#,
            ),
            (
                "requestParameters.prefix",
                Json::Str("logs/*".into()),
                r"requestParameters.prefix:logs/\*",
            ),
            (
                "requestParameters.word",
                Json::Str("OR".into()),
                r"requestParameters.word:\OR",
            ),
            (
                "requestParameters.count",
                Json::Number("-5".into()),
                r"requestParameters.count:\-5",
            ),
            ("readOnly", Json::Bool(true), "readOnly:true"),
            (
                "eventTime",
                Json::Str("2023-11-14T22:13:20Z".into()),
                "eventTime:2023-11-14T22:13:20Z",
            ),
            (
                "userIdentity.type",
                Json::Str("Root".into()),
                "userIdentity.type:Root",
            ),
        ];
        for (p, value, expected) in cases {
            let clause = value_clause(&path(p), &value, false);
            assert_eq!(clause.as_deref(), Some(expected), "{p}");
            assert_eq!(
                value_clause(&path(p), &value, true),
                Some(format!("NOT {expected}"))
            );
        }
        // A dot inside a key is escaped, not a path step.
        let dotted = vec!["tags".to_owned(), "aws:cloudformation.stack".to_owned()];
        let clause = value_clause(&dotted, &Json::Str("s".into()), false).unwrap();
        assert_eq!(clause, r"tags.aws\:cloudformation\.stack:s");
        assert_eq!(
            query::parse(&clause).unwrap(),
            Ast::Term {
                field: Field::new(dotted),
                value: Value::Text("s".into())
            }
        );
    }

    #[test]
    fn no_clause_for_no_value_or_an_unreadable_path() {
        let p = path("requestParameters.x");
        for value in [
            Json::Null,
            Json::Str(String::new()),
            Json::Array(vec![]),
            Json::Object(vec![]),
        ] {
            assert_eq!(value_clause(&p, &value, false), None, "{value:?}");
        }
        let long = Json::Str("x".repeat(MAX_FILTER_VALUE + 1));
        assert_eq!(value_clause(&p, &long, false), None);
        assert!(value_clause(&p, &Json::Str("x".repeat(MAX_FILTER_VALUE)), false).is_some());
        let s = Json::Str("v".into());
        assert_eq!(value_clause(&[], &s, false), None);
        assert_eq!(value_clause(&path("a..b"), &s, false), None);
        // Keys spelled like an alias that reads a column, not that key.
        for alias in ["principal", "account", "time", "Source", "ip"] {
            assert_eq!(value_clause(&path(alias), &s, false), None, "{alias}");
        }
        // Nested, they are plain paths.
        assert_eq!(
            value_clause(&path("requestParameters.account"), &s, false).as_deref(),
            Some("requestParameters.account:v")
        );
    }

    #[test]
    fn around_clauses_are_ten_minutes_of_one_caller() {
        let t = 1_700_000_000_123; // 2023-11-14T22:13:20.123Z
        assert_eq!(
            around_clause(t, Around::Principal, "alice").as_deref(),
            Some("eventTime:[2023-11-14T22:08:20Z TO 2023-11-14T22:18:20Z] AND principal:alice")
        );
        assert_eq!(
            around_clause(t, Around::Principal, "Admin/alice@example.com via cloudformation.amazonaws.com").as_deref(),
            Some("eventTime:[2023-11-14T22:08:20Z TO 2023-11-14T22:18:20Z] AND principal:\"Admin/alice@example.com via cloudformation.amazonaws.com\"")
        );
        assert_eq!(
            around_clause(t, Around::Account, "111122223333").as_deref(),
            Some(
                "eventTime:[2023-11-14T22:08:20Z TO 2023-11-14T22:18:20Z] AND account:111122223333"
            )
        );
        assert_eq!(around_clause(t, Around::Account, ""), None);
    }

    #[test]
    fn clauses_are_anded_onto_the_query_text() {
        assert_eq!(add_clause("", "eventName:X"), "eventName:X");
        assert_eq!(add_clause("  ", "eventName:X"), "eventName:X");
        assert_eq!(add_clause("*", "eventName:X"), "eventName:X");
        assert_eq!(
            add_clause("region:us-east-1", "eventName:X"),
            "region:us-east-1 eventName:X"
        );
        assert_eq!(
            add_clause("a OR b", "NOT eventName:X"),
            "(a OR b) NOT eventName:X"
        );
        assert_eq!(
            add_clause("(a OR b) c", "eventName:X"),
            "(a OR b) c eventName:X"
        );
        // Already required: unchanged.
        assert_eq!(
            add_clause("eventName:X region:y", "eventName:X"),
            "eventName:X region:y"
        );
        // A query in error keeps its text; the box shows where it is wrong.
        assert_eq!(
            add_clause("eventName:(", "eventName:X"),
            "eventName:( eventName:X"
        );
        // What comes out means query AND clause.
        for (q, c) in [
            ("a OR b", "c:d"),
            ("NOT a OR b", "NOT c:d"),
            ("a -b", "c:d"),
        ] {
            let both = query::parse(&add_clause(q, c)).unwrap();
            let expected = Ast::And(vec![query::parse(q).unwrap(), query::parse(c).unwrap()]);
            let flat = |a: Ast| match a {
                Ast::And(items) => items
                    .into_iter()
                    .flat_map(|i| match i {
                        Ast::And(inner) => inner,
                        other => vec![other],
                    })
                    .collect::<Vec<_>>(),
                other => vec![other],
            };
            assert_eq!(flat(both), flat(expected), "{q} + {c}");
        }
    }
}
