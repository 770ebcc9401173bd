//! The query's conditions as one SQL boolean expression, per dialect.
//!
//! Entry point: [`Where::node`].
//!
//! SQL's three-valued logic is the trap: `NOT (errorcode = 'x')` drops the rows where
//! `errorcode` is NULL, while the viewer's `-errorCode:x` keeps them. Each leaf knows
//! when it can be NULL ([`Null`]); under `AND`/`OR` alone a NULL acts as false, as the
//! viewer's "no value" does, and under `NOT` every leaf is made two-valued (the
//! `IS NULL OR` branch).

use crate::query::{parse_number, Ast, Bound, Field, Value};
use crate::query::{range_kind, resolve, time_range, RangeKind, Target};
use crate::store::Column;
use crate::time::{format_iso, EpochMillis, DAY};

use super::{Dialect, SqlError};
use crate::event::schema::{self, Col, Ty};

/// When a leaf's SQL is NULL.
enum Null {
    Never,
    /// Exactly when this expression is NULL.
    When(String),
    /// Sometimes, for no single reason.
    Maybe,
}

struct Leaf {
    sql: String,
    null: Null,
}

impl Leaf {
    fn never(sql: impl Into<String>) -> Leaf {
        Leaf {
            sql: sql.into(),
            null: Null::Never,
        }
    }

    /// The leaf as a two-valued condition (for use under `NOT`).
    fn strict(self) -> String {
        match self.null {
            Null::Never => self.sql,
            Null::When(e) => format!("({e} IS NOT NULL AND {})", self.sql),
            Null::Maybe => format!("COALESCE({}, FALSE)", self.sql),
        }
    }

    /// `NOT` of the leaf, true where the value is missing.
    fn negated(self) -> String {
        match self.null {
            Null::Never => format!("NOT {}", self.sql),
            Null::When(e) => format!("({e} IS NULL OR NOT {})", self.sql),
            Null::Maybe => format!("NOT COALESCE({}, FALSE)", self.sql),
        }
    }
}

/// A test on one value.
enum Test<'a> {
    /// Not missing, not null, not "".
    Exists,
    Match(&'a Value),
    /// Bounds: (value, included).
    Number(Option<(f64, bool)>, Option<(f64, bool)>),
    Time(EpochMillis, EpochMillis),
}

/// A SQL string literal.
pub(super) fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A term's value as a `LIKE` pattern (ASCII lower-cased, `%`, `_`, `\` escaped with
/// `\`), or `None` when it has no wildcard and compares with `=` (the text, lowered).
fn like(value: &Value, within: bool) -> (Option<String>, String) {
    let mut out = String::new();
    let mut wild = within;
    let lit = |out: &mut String, c: char| {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c.to_ascii_lowercase());
    };
    match value {
        Value::Text(t) => t.chars().for_each(|c| lit(&mut out, c)),
        Value::Pattern(p) => {
            let mut chars = p.chars();
            while let Some(c) = chars.next() {
                match c {
                    '*' => {
                        wild = true;
                        out.push('%');
                    }
                    '?' => {
                        wild = true;
                        out.push('_');
                    }
                    '\\' => {
                        if let Some(n) = chars.next() {
                            lit(&mut out, n);
                        }
                    }
                    c => lit(&mut out, c),
                }
            }
        }
    }
    if within {
        out = format!("%{out}%");
    }
    if wild {
        (Some(out), String::new())
    } else {
        let plain = match value {
            Value::Text(t) => t.to_ascii_lowercase(),
            Value::Pattern(_) => String::new(),
        };
        (None, plain)
    }
}

/// The longest run of literal characters in a value, ASCII lower-cased.
fn longest_literal(value: &Value) -> Option<String> {
    let mut runs = vec![String::new()];
    match value {
        Value::Text(t) => runs[0].push_str(t),
        Value::Pattern(p) => {
            let mut chars = p.chars();
            while let Some(c) = chars.next() {
                match c {
                    '*' | '?' => runs.push(String::new()),
                    c => {
                        let c = if c == '\\' { chars.next() } else { Some(c) };
                        if let (Some(c), Some(run)) = (c, runs.last_mut()) {
                            run.push(c);
                        }
                    }
                }
            }
        }
    }
    let best = runs.into_iter().max_by_key(String::len)?;
    Some(best.to_ascii_lowercase())
}

/// DuckDB's `json_tree` input for a leaf: the record, or an empty object when the
/// record's text cannot hold `anchor`, which every match needs (the viewer's prefilter:
/// walking the JSON is the cost, a substring test is not). Only anchors that JSON
/// writes as they are (ASCII, no quote, backslash, slash or control character) are
/// used, and a `\u` escape anywhere keeps the record.
fn tree_input(anchor: Option<String>) -> String {
    let safe = |a: &String| {
        !a.is_empty()
            && a.bytes()
                .all(|c| c.is_ascii() && !c.is_ascii_control() && !matches!(c, b'"' | b'\\' | b'/'))
    };
    match anchor.filter(safe) {
        Some(a) => format!(
            "CASE WHEN strpos(lower(CAST(rec AS VARCHAR)), {}) > 0 OR strpos(CAST(rec AS VARCHAR), '\\u') > 0 THEN rec ELSE '{{}}' END",
            quote(&a)
        ),
        None => "rec".into(),
    }
}

/// Whether a `LIKE` pattern is only `%`: any non-empty value.
fn only_percent(p: &str) -> bool {
    p.chars().all(|c| c == '%')
}

fn iso(ms: EpochMillis) -> String {
    // Milliseconds always, so every literal has one shape.
    let s = format_iso(ms);
    if s.contains('.') {
        s
    } else {
        s.replacen('Z', ".000Z", 1)
    }
}

/// `yyyy/MM/dd`, the partition's format.
pub(super) fn day_folder(ms: EpochMillis) -> String {
    format_iso(ms.div_euclid(DAY) * DAY)
        .get(..10)
        .unwrap_or("1970-01-01")
        .replace('-', "/")
}

/// Builds the condition for one dialect; notes say where the SQL is not exactly the
/// viewer's meaning.
pub(super) struct Where<'n> {
    pub dialect: Dialect,
    pub notes: &'n mut Vec<String>,
}

impl Where<'_> {
    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    /// The condition for `ast`; `strict` under a `NOT`.
    pub(super) fn node(&mut self, ast: &Ast, strict: bool) -> Result<String, SqlError> {
        let join = |w: &mut Self, items: &[Ast], op: &str| -> Result<String, SqlError> {
            let parts = items
                .iter()
                .map(|i| w.node(i, strict))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("({})", parts.join(op)))
        };
        match ast {
            Ast::All => Ok("TRUE".into()),
            Ast::And(items) => join(self, items, " AND "),
            Ast::Or(items) => join(self, items, " OR "),
            Ast::Not(inner) => match self.leaf(inner)? {
                Some(leaf) => Ok(leaf.negated()),
                None => Ok(format!("NOT {}", self.node(inner, true)?)),
            },
            leaf => {
                let leaf = self.leaf(leaf)?.unwrap_or_else(|| Leaf::never("TRUE"));
                Ok(if strict { leaf.strict() } else { leaf.sql })
            }
        }
    }

    /// A leaf's SQL; `None` for `AND`, `OR`, `NOT` and `*`.
    fn leaf(&mut self, ast: &Ast) -> Result<Option<Leaf>, SqlError> {
        let refuse = |reason: String| SqlError {
            part: ast.to_string(),
            reason,
        };
        let leaf = match ast {
            Ast::All | Ast::And(_) | Ast::Or(_) | Ast::Not(_) => return Ok(None),
            Ast::Term { field, value } => match (resolve(field), value) {
                (Target::Time, Value::Text(t)) => match crate::query::time_span(t) {
                    Some((lo, hi)) => self.time(lo, hi),
                    None => Leaf::never("FALSE"),
                },
                (Target::Time, Value::Pattern(_)) => Leaf::never("FALSE"),
                _ => self.field(field, &Test::Match(value)).map_err(refuse)?,
            },
            Ast::Range {
                field,
                lower,
                upper,
            } => match range_kind(field, lower, upper) {
                Err(_) => Leaf::never("FALSE"),
                Ok(RangeKind::Any) => self.field(field, &Test::Exists).map_err(refuse)?,
                Ok(RangeKind::Time) => {
                    let (lo, hi) = time_range(lower, upper);
                    if resolve(field) == Target::Time {
                        self.time(lo, hi)
                    } else {
                        self.field(field, &Test::Time(lo, hi)).map_err(refuse)?
                    }
                }
                Ok(RangeKind::Number) => {
                    let end = |b: &Bound| match b {
                        Bound::Unbounded => None,
                        Bound::Included(t) => parse_number(t).map(|n| (n, true)),
                        Bound::Excluded(t) => parse_number(t).map(|n| (n, false)),
                    };
                    let test = Test::Number(end(lower), end(upper));
                    self.field(field, &test).map_err(refuse)?
                }
            },
            Ast::Exists { field } => match resolve(field) {
                Target::Time => self.time(i64::MIN, i64::MAX),
                _ => self.field(field, &Test::Exists).map_err(refuse)?,
            },
            Ast::Text { value } => self.text(value),
        };
        Ok(Some(leaf))
    }

    /// The parsed eventTime as a timestamp (NULL when it does not parse).
    pub(super) fn event_time(&self) -> &'static str {
        match self.dialect {
            Dialect::Athena => "try(from_iso8601_timestamp(eventtime))",
            Dialect::Lake => "eventTime",
            Dialect::DuckDb => "TRY_CAST(rec ->> '$.eventTime' AS TIMESTAMPTZ)",
        }
    }

    fn timestamp(&self, ms: EpochMillis) -> String {
        match self.dialect {
            Dialect::Athena => format!("from_iso8601_timestamp('{}')", iso(ms)),
            Dialect::Lake => format!(
                "timestamp '{}'",
                iso(ms).replace('T', " ").trim_end_matches('Z')
            ),
            Dialect::DuckDb => format!("TIMESTAMPTZ '{}'", iso(ms)),
        }
    }

    /// `lo <= t < hi` on expression `t`; open ends are left out.
    fn between(&self, t: &str, lo: EpochMillis, hi: EpochMillis) -> String {
        let mut parts = Vec::new();
        if lo != i64::MIN {
            parts.push(format!("{t} >= {}", self.timestamp(lo)));
        }
        if hi != i64::MAX {
            parts.push(format!("{t} < {}", self.timestamp(hi)));
        }
        if parts.is_empty() {
            parts.push(format!("{t} IS NOT NULL"));
        }
        parts.join(" AND ")
    }

    fn time(&self, lo: EpochMillis, hi: EpochMillis) -> Leaf {
        if lo >= hi {
            return Leaf::never("FALSE");
        }
        let t = self.event_time();
        Leaf {
            sql: format!("({})", self.between(t, lo, hi)),
            null: Null::When(t.into()),
        }
    }

    /// A test on a string expression `e` (NULL when the value is missing).
    fn test_str(&mut self, e: &str, test: &Test) -> Leaf {
        match test {
            Test::Exists => Leaf {
                sql: format!("{e} <> ''"),
                null: Null::When(e.into()),
            },
            Test::Match(value) => match like(value, false) {
                (Some(p), _) if only_percent(&p) => Leaf {
                    sql: format!("{e} <> ''"),
                    null: Null::When(e.into()),
                },
                (Some(p), _) => Leaf {
                    sql: format!("lower({e}) LIKE {} ESCAPE '\\'", quote(&p)),
                    null: Null::When(e.into()),
                },
                (None, t) if t.is_empty() => Leaf::never("FALSE"),
                (None, t) => Leaf {
                    sql: format!("lower({e}) = {}", quote(&t)),
                    null: Null::When(e.into()),
                },
            },
            Test::Number(lo, hi) => {
                let n = format!("TRY_CAST({e} AS DOUBLE)");
                let mut parts = Vec::new();
                if let Some((b, inc)) = lo {
                    parts.push(format!("{n} {} {b}", if *inc { ">=" } else { ">" }));
                }
                if let Some((b, inc)) = hi {
                    parts.push(format!("{n} {} {b}", if *inc { "<=" } else { "<" }));
                }
                Leaf {
                    sql: format!("({})", parts.join(" AND ")),
                    null: Null::When(n),
                }
            }
            Test::Time(lo, hi) => {
                self.note(
                    "a time range on a field other than eventTime reads ISO timestamps only in SQL (the viewer also reads epoch numbers and other dialects)".into(),
                );
                let t = match self.dialect {
                    Dialect::DuckDb => format!("TRY_CAST({e} AS TIMESTAMPTZ)"),
                    Dialect::Athena | Dialect::Lake => format!("try(from_iso8601_timestamp({e}))"),
                };
                if lo >= hi {
                    return Leaf::never("FALSE");
                }
                Leaf {
                    sql: format!("({})", self.between(&t, *lo, *hi)),
                    null: Null::When(t),
                }
            }
        }
    }

    /// A field (alias or path) tested.
    fn field(&mut self, field: &Field, test: &Test) -> Result<Leaf, String> {
        if let [one] = field.segments() {
            if crate::timeline::drill::FIELDS
                .iter()
                .any(|f| f.eq_ignore_ascii_case(one))
            {
                return Err(format!(
                    "{one}: names what this page reconstructed (an Organizations lifecycle, a watch rule's matches), which SQL does not compute; for a lifecycle, filter on its events' eventID or its requestParameters instead"
                ));
            }
        }
        match resolve(field) {
            Target::Column(column) => {
                let e = self.column(column)?;
                Ok(self.test_str(&e, test))
            }
            Target::Time => Ok(self.time(i64::MIN, i64::MAX)),
            Target::Path => match self.dialect {
                Dialect::DuckDb => self.duck_path(field, test),
                Dialect::Athena | Dialect::Lake => self.table_path(field, test),
            },
        }
    }

    /// An alias's column as a string expression.
    fn column(&self, column: Column) -> Result<String, String> {
        let name = match column {
            Column::EventId => "eventID",
            Column::EventName => "eventName",
            Column::EventSource => "eventSource",
            Column::Region => "awsRegion",
            Column::ErrorCode => "errorCode",
            Column::EventType => "eventType",
            Column::SourceIp => "sourceIPAddress",
            Column::UserAgent => "userAgent",
            Column::ReadOnly => "readOnly",
            Column::IdentityType => "userIdentity.type",
            Column::Account => {
                return Ok(format!(
                    "coalesce({}, {})",
                    self.scalar("recipientAccountId"),
                    self.scalar("userIdentity.accountId")
                ))
            }
            Column::Principal => {
                return Err("the principal is the viewer's reading of userIdentity (user name, role/session, service…), which SQL does not compute; filter on userIdentity.arn, userIdentity.userName or userIdentity.sessionContext.sessionIssuer.userName instead".into())
            }
            Column::Integrity => {
                return Err("integrity is this page's validation of the loaded digests, which SQL does not compute; run aws cloudtrail validate-logs over the bucket instead".into())
            }
            Column::AgentFamily => {
                return Err("the user-agent family is the viewer's classification of userAgent, which SQL does not compute; filter on userAgent with a wildcard (userAgent:*terraform*) instead".into())
            }
        };
        if column == Column::ReadOnly && self.dialect == Dialect::Lake {
            // A boolean in CloudTrail Lake.
            return Ok("CAST(readOnly AS varchar)".into());
        }
        Ok(self.scalar(name))
    }

    /// A documented scalar by its CloudTrail path (`userIdentity.accountId`).
    fn scalar(&self, path: &str) -> String {
        match self.dialect {
            Dialect::Athena => path.to_ascii_lowercase(),
            Dialect::Lake => path.into(),
            Dialect::DuckDb => format!("(rec ->> {})", quote(&format!("$.{path}"))),
        }
    }

    /// DuckDB: every value reached by the path, as the viewer walks it: keys ignoring
    /// case, through arrays at every step.
    fn duck_path(&mut self, field: &Field, test: &Test) -> Result<Leaf, String> {
        let mut key = String::from("$");
        for s in field.segments() {
            if s.is_empty() || s.contains(['.', '[', ']']) {
                return Err(format!(
                    "the key {s:?} has '.', '[' or ']' (or is empty), which DuckDB's JSON paths cannot tell apart from path syntax"
                ));
            }
            key.push('.');
            key.push_str(&s.to_ascii_lowercase());
        }
        let v = "json_extract_string(t.value, '$')";
        let node = match test {
            Test::Exists => format!("t.type <> 'NULL' AND NOT (t.type = 'VARCHAR' AND {v} = '')"),
            other => format!(
                "t.type NOT IN ('OBJECT', 'NULL') AND {}",
                self.test_str(v, other).sql
            ),
        };
        let last = field.segments().last().map(|s| s.to_ascii_lowercase());
        Ok(Leaf::never(format!(
            "EXISTS (SELECT 1 FROM json_tree({}) AS t WHERE t.type <> 'ARRAY' AND lower(regexp_replace(t.fullkey, '\\[[0-9]+\\]', '', 'g')) = {} AND {node})",
            tree_input(last),
            quote(&key)
        )))
    }

    fn name(&self, col: &Col) -> String {
        match self.dialect {
            Dialect::Athena => col.name.to_ascii_lowercase(),
            _ => col.name.into(),
        }
    }

    /// Athena and Lake: the path resolved against the table's schema.
    fn table_path(&mut self, field: &Field, test: &Test) -> Result<Leaf, String> {
        let segments = field.segments();
        let engine = if self.dialect == Dialect::Athena {
            "Athena's CloudTrail table"
        } else {
            "CloudTrail Lake"
        };
        let mut cols = schema::COLUMNS;
        let mut expr = String::new();
        for (i, seg) in segments.iter().enumerate() {
            let Some(col) = schema::find(cols, seg) else {
                return Err(format!(
                    "{} is not a column of {engine}",
                    segments[..=i].join(".")
                ));
            };
            let name = self.name(col);
            expr = if expr.is_empty() {
                name
            } else {
                format!("{expr}.{name}")
            };
            let rest = &segments[i + 1..];
            match col.ty {
                Ty::Str if rest.is_empty() => return Ok(self.test_str(&expr, test)),
                Ty::Str => {
                    return Err(format!(
                        "{} is text in {engine}, with no field {}",
                        segments[..=i].join("."),
                        rest.join(".")
                    ))
                }
                Ty::Struct(fields) if !rest.is_empty() => cols = fields,
                Ty::Json if !rest.is_empty() => return Ok(self.json_path(&expr, rest, test)),
                Ty::Array(fields) if rest.len() == 1 => {
                    let Some(f) = schema::find(fields, &rest[0]) else {
                        return Err(format!(
                            "{} is not a column of {engine}",
                            segments.join(".")
                        ));
                    };
                    let inner = self.test_str(&format!("r.{}", self.name(f)), test).sql;
                    return Ok(Leaf {
                        sql: format!("cardinality(filter({expr}, r -> {inner})) > 0"),
                        null: Null::When(expr),
                    });
                }
                Ty::Array(_) if !rest.is_empty() => {
                    return Err(format!(
                        "{} is not a column of {engine}",
                        segments.join(".")
                    ))
                }
                // The path ends on an object (or an array of objects).
                _ => {
                    // Athena's JSON columns are text: an empty or null value is no value.
                    let text = col.ty == Ty::Json && self.dialect == Dialect::Athena;
                    return match test {
                        Test::Exists if text => Ok(Leaf {
                            sql: format!("{expr} NOT IN ('', '\"\"', 'null')"),
                            null: Null::When(expr),
                        }),
                        Test::Exists => Ok(Leaf {
                            sql: format!("{expr} IS NOT NULL"),
                            null: Null::Never,
                        }),
                        _ => Err(format!(
                            "{} is an object, which matches no value; name a field inside it",
                            segments.join(".")
                        )),
                    };
                }
            }
        }
        Err("an empty field name".into())
    }

    /// A path inside a JSON column (Athena: its text; Lake: a map of strings).
    fn json_path(&mut self, column: &str, rest: &[String], test: &Test) -> Leaf {
        let path = |segs: &[String]| {
            let mut p = String::from("$");
            for s in segs {
                if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    p.push('.');
                    p.push_str(s);
                } else {
                    p.push_str(&format!("[\"{}\"]", s.replace('"', "\\\"")));
                }
            }
            quote(&p)
        };
        self.note(format!(
            "{column}.{}: SQL reads the one value at this path, matching keys' case exactly; the viewer ignores case and also walks arrays on the way",
            rest.join(".")
        ));
        let (value, object) = match self.dialect {
            Dialect::Lake => {
                let first = format!("element_at({column}, {})", quote(&rest[0]));
                if rest.len() == 1 {
                    (first.clone(), first)
                } else {
                    (
                        format!("json_extract_scalar({first}, {})", path(&rest[1..])),
                        format!("json_extract({first}, {})", path(&rest[1..])),
                    )
                }
            }
            _ => (
                format!("json_extract_scalar({column}, {})", path(rest)),
                format!("json_extract({column}, {})", path(rest)),
            ),
        };
        match test {
            // Objects exist too: test the JSON, not the scalar.
            Test::Exists if self.dialect == Dialect::Athena => Leaf {
                sql: format!("json_format({object}) NOT IN ('null', '\"\"')"),
                null: Null::When(object),
            },
            other => self.test_str(&value, other),
        }
    }

    /// Free text: some string value contains it.
    fn text(&mut self, value: &Value) -> Leaf {
        let (p, t) = like(value, true);
        let p = p.unwrap_or(t);
        if only_percent(&p) {
            return Leaf::never("TRUE");
        }
        let test = |e: &str| format!("lower({e}) LIKE {} ESCAPE '\\'", quote(&p));
        match self.dialect {
            Dialect::DuckDb => {
                self.note("free text reads every string of every record (no index)".into());
                Leaf::never(format!(
                    "EXISTS (SELECT 1 FROM json_tree({}) AS t WHERE t.type = 'VARCHAR' AND {})",
                    tree_input(longest_literal(value)),
                    test("json_extract_string(t.value, '$')")
                ))
            }
            Dialect::Athena | Dialect::Lake => {
                self.note("free text scans every column of every row (no index); inside requestParameters, responseElements and the other JSON columns it also matches keys and escaped text".into());
                let mut parts = Vec::new();
                self.text_columns(schema::COLUMNS, "", &test, &mut parts);
                Leaf {
                    sql: format!("({})", parts.join(" OR ")),
                    null: Null::Maybe,
                }
            }
        }
    }

    fn text_columns(
        &self,
        cols: &'static [Col],
        prefix: &str,
        test: &dyn Fn(&str) -> String,
        out: &mut Vec<String>,
    ) {
        for col in cols {
            let e = format!("{prefix}{}", self.name(col));
            match col.ty {
                Ty::Str => out.push(test(&e)),
                Ty::Json if self.dialect == Dialect::Lake => {
                    out.push(format!("any_match(map_values({e}), v -> {})", test("v")))
                }
                Ty::Json => out.push(test(&e)),
                Ty::Struct(fields) => self.text_columns(fields, &format!("{e}."), test, out),
                Ty::Array(fields) => {
                    let mut inner = Vec::new();
                    self.text_columns(fields, "r.", test, &mut inner);
                    out.push(format!(
                        "cardinality(filter({e}, r -> {})) > 0",
                        inner.join(" OR ")
                    ));
                }
            }
        }
    }
}
