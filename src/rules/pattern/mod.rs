//! Pattern text → validated, compiled [`Pattern`].
//!
//! Compilation runs in passes over the syntax tree: validate every member in text order
//! (so the first error reported is the one event-ruler, and therefore AWS, reports), check
//! the `$or` combination count before expanding anything, expand to disjunctive normal form
//! (later paths override earlier ones, in text order, also across `$or`), then apply the
//! per-combination and wildcard-complexity limits.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;

use super::complexity;
use super::envelope::{place_of, Place};
use super::error::{ErrorKind, PatternError, TextPosition};
use super::ip::{looks_like_ip, parse_ip, Block};
use super::matcher::{Cond, Matcher};
use super::number::comparable;
use super::syntax::{self, Member, Node, NodeKind};
use super::text::Glob;

mod operators;

/// Limits applied while compiling. [`Limits::default`] is EventBridge's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum pattern length in characters: EventBridge's default "Event pattern size"
    /// quota (adjustable per account on AWS, hence configurable here).
    pub max_pattern_chars: usize,
    /// Maximum number of combinations the `$or`s expand to (EventBridge: 1000).
    pub max_or_combinations: usize,
    /// Maximum number of paths in one combination (event-ruler: 256).
    pub max_paths_per_combination: usize,
    /// Maximum wildcard complexity per path (EventBridge's "Rule is too complex" check).
    pub max_wildcard_complexity: usize,
    /// Maximum JSON nesting depth; not an AWS limit but a guard for the recursive parser.
    pub max_nesting_depth: usize,
}

impl Limits {
    pub const EVENTBRIDGE: Limits = Limits {
        max_pattern_chars: 2048,
        max_or_combinations: 1000,
        max_paths_per_combination: 256,
        max_wildcard_complexity: 10,
        max_nesting_depth: 128,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::EVENTBRIDGE
    }
}

/// Something about a valid pattern worth telling the user: event-ruler behaviour that
/// EventBridge does not document or was not verified against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternNote {
    /// JSON path inside the pattern the note is about.
    pub path: String,
    pub message: String,
}

/// A compiled event pattern. Compile once with [`compile`], then evaluate with
/// [`Pattern::matches`] or [`Pattern::matches_record`].
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Distinct flattened paths, sorted in event-ruler's order (UTF-16 code units).
    pub(crate) paths: Vec<PathSpec>,
    pub(crate) conds: Vec<Cond>,
    /// One entry per `$or` combination: `(path index, cond index)` sorted by path.
    pub(crate) subs: Vec<Vec<(usize, usize)>>,
    pub(crate) notes: Vec<PatternNote>,
}

#[derive(Debug, Clone)]
pub(crate) struct PathSpec {
    pub(crate) text: String,
    /// Where the path lands in a CloudTrail record wrapped as an EventBridge event.
    pub(crate) place: Place,
}

impl Pattern {
    /// The distinct field paths the pattern reads, e.g. `detail.eventName`, in
    /// event-ruler's order.
    pub fn field_paths(&self) -> Vec<&str> {
        self.paths.iter().map(|p| p.text.as_str()).collect()
    }

    /// How many `$or` combinations the pattern expands to (1 without `$or`).
    pub fn combinations(&self) -> usize {
        self.subs.len()
    }

    /// Caveats about this pattern (event-ruler behaviour EventBridge may not share).
    pub fn notes(&self) -> &[PatternNote] {
        &self.notes
    }
}

/// Compiles pattern text with EventBridge's limits.
pub fn compile(pattern_json: &str) -> Result<Pattern, PatternError> {
    compile_with_limits(pattern_json, &Limits::EVENTBRIDGE)
}

/// Compiles a pattern given as a `serde_json::Value`. A `Value` has already lost what the
/// text had: key order (serde_json sorts keys), duplicate keys and number spelling, so
/// prefer [`compile`] on the user's text; errors carry a path but no text position.
pub fn compile_value(pattern: &Value) -> Result<Pattern, PatternError> {
    let text = serde_json::to_string(pattern)
        .map_err(|e| PatternError::new(ErrorKind::Syntax, e.to_string()))?;
    compile(&text).map_err(PatternError::without_position)
}

/// Compiles pattern text with the given limits.
pub fn compile_with_limits(pattern_json: &str, limits: &Limits) -> Result<Pattern, PatternError> {
    let chars = pattern_json.chars().count();
    if chars > limits.max_pattern_chars {
        return Err(PatternError::new(
            ErrorKind::Limit,
            format!(
                "Event pattern is {chars} characters long; EventBridge allows {} (the \"Event pattern size\" quota)",
                limits.max_pattern_chars
            ),
        ));
    }
    let root = syntax::parse(pattern_json, limits.max_nesting_depth)?;
    let mut c = Compiler {
        text: pattern_json,
        paths: Vec::new(),
        path_ids: HashMap::new(),
        conds: Vec::new(),
        notes: Vec::new(),
    };
    let mut jp = JsonPath::default();
    let NodeKind::Object(members) = &root.kind else {
        return Err(c.error(
            ErrorKind::Invalid,
            "Filter is not an object",
            &jp,
            root.offset,
        ));
    };
    let items = c.object(members, None, &mut jp, false, root.offset)?;

    let combinations = count(&items);
    if combinations > limits.max_or_combinations {
        let shown = if combinations == usize::MAX {
            format!("more than {}", limits.max_or_combinations)
        } else {
            combinations.to_string()
        };
        return Err(PatternError::new(
            ErrorKind::Limit,
            format!(
                "Event pattern is too complex: its $or lists expand to {shown} combinations; EventBridge allows {}",
                limits.max_or_combinations
            ),
        ));
    }

    let mut rules: Vec<Vec<(usize, usize)>> = vec![Vec::new()];
    let mut overridden: Vec<usize> = Vec::new();
    expand(&items, &mut rules, &mut overridden);
    for path in overridden {
        let cond_path = c.paths.get(path).cloned().unwrap_or_default();
        c.notes.push(PatternNote {
            path: cond_path,
            message: "This path is given more than once: the later occurrence replaces the earlier one \
                      (documented by EventBridge for plain duplicates; inside $or it follows event-ruler's \
                      text order, not verified on EventBridge)"
                .to_owned(),
        });
    }

    for rule in &rules {
        if rule.len() > limits.max_paths_per_combination {
            return Err(PatternError::new(
                ErrorKind::Invalid,
                format!(
                    "Size of rule exceeds max value of {}",
                    limits.max_paths_per_combination
                ),
            ));
        }
    }

    c.check_complexity(&rules, limits)?;
    Ok(c.finish(rules))
}

/// Number of combinations `items` expand to, saturating.
fn count(items: &[Item]) -> usize {
    let mut n: usize = 1;
    for item in items {
        if let Item::Or(branches) = item {
            let sum = branches
                .iter()
                .fold(0usize, |acc, b| acc.saturating_add(count(b)));
            n = n.saturating_mul(sum);
        }
    }
    n
}

/// Applies `items` to every rule: a leaf sets (or overrides) its path, an `$or` forks each
/// rule once per branch. This is event-ruler's single pass over the text, so "later" means
/// later in the text.
fn expand(items: &[Item], rules: &mut Vec<Vec<(usize, usize)>>, overridden: &mut Vec<usize>) {
    for item in items {
        match item {
            Item::Leaf { path, cond } => {
                for rule in rules.iter_mut() {
                    if let Some(entry) = rule.iter_mut().find(|(p, _)| p == path) {
                        if entry.1 != *cond && !overridden.contains(path) {
                            overridden.push(*path);
                        }
                        entry.1 = *cond;
                    } else {
                        rule.push((*path, *cond));
                    }
                }
            }
            Item::Or(branches) => {
                let current = std::mem::take(rules);
                for branch in branches {
                    let mut forked = current.clone();
                    expand(branch, &mut forked, overridden);
                    rules.extend(forked);
                }
            }
        }
    }
}

/// The members of an object, flattened: nested objects only prefix paths.
enum Item {
    Leaf { path: usize, cond: usize },
    Or(Vec<Vec<Item>>),
}

/// A JSON path inside the pattern, for messages: `detail.eventName[2]`, `$or[1].source`.
#[derive(Default)]
struct JsonPath(Vec<Segment>);

enum Segment {
    Key(String),
    Index(usize),
}

impl JsonPath {
    fn key(&mut self, k: &str) {
        self.0.push(Segment::Key(k.to_owned()));
    }

    fn index(&mut self, i: usize) {
        self.0.push(Segment::Index(i));
    }

    fn pop(&mut self) {
        self.0.pop();
    }

    fn render(&self) -> String {
        let mut out = String::new();
        for seg in &self.0 {
            match seg {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }
}

/// Operator names that cannot be field names inside `$or` (event-ruler's reserved list).
const RESERVED_IN_OR: &[&str] = &[
    "exactly",
    "equals-ignore-case",
    "prefix",
    "suffix",
    "anything-but",
    "exists",
    "wildcard",
    "numeric",
    "cidr",
    "=",
    "<",
    "<=",
    ">",
    ">=",
    "regex",
    "not-wildcard",
    "not-equals-ignore-case",
    "date-after",
    "date-on-or-after",
    "date-before",
    "date-on-or-before",
    "in-date-range",
    "ip-address-in-range",
    "ip-address-not-in-range",
];

const ONE_KEY: &str = "Only one key allowed in match expression";
const TOO_MANY_ELEMENTS: &str = "Too many elements in numeric expression";

/// What a matcher object compiles to.
enum Element {
    String(String),
    Matcher(Matcher),
    Absent,
}

struct CondSource {
    json_path: String,
    offset: usize,
    globs: Vec<Glob>,
}

struct Compiler<'t> {
    text: &'t str,
    paths: Vec<String>,
    path_ids: HashMap<String, usize>,
    conds: Vec<(Cond, CondSource)>,
    notes: Vec<PatternNote>,
}

impl Compiler<'_> {
    fn error(
        &self,
        kind: ErrorKind,
        message: impl Into<String>,
        jp: &JsonPath,
        offset: usize,
    ) -> PatternError {
        PatternError::new(kind, message)
            .at(jp.render(), Some(TextPosition::locate(self.text, offset)))
    }

    fn invalid(&self, message: impl Into<String>, jp: &JsonPath, node: &Node) -> PatternError {
        self.error(ErrorKind::Invalid, message, jp, node.offset)
    }

    fn note(&mut self, jp: &JsonPath, message: &str) {
        let path = jp.render();
        if !self
            .notes
            .iter()
            .any(|n| n.path == path && n.message == message)
        {
            self.notes.push(PatternNote {
                path,
                message: message.to_owned(),
            });
        }
    }

    fn path_id(&mut self, path: String) -> usize {
        if let Some(&id) = self.path_ids.get(&path) {
            return id;
        }
        let id = self.paths.len();
        self.paths.push(path.clone());
        self.path_ids.insert(path, id);
        id
    }

    fn object(
        &mut self,
        members: &[Member],
        prefix: Option<&str>,
        jp: &mut JsonPath,
        in_or: bool,
        offset: usize,
    ) -> Result<Vec<Item>, PatternError> {
        if members.is_empty() {
            return Err(self.error(
                ErrorKind::Invalid,
                "Empty objects are not allowed",
                jp,
                offset,
            ));
        }
        let mut items = Vec::new();
        for m in members {
            jp.key(&m.key);
            if m.key == "$or" {
                items.push(self.or(&m.value, prefix, jp)?);
                jp.pop();
                continue;
            }
            if in_or && RESERVED_IN_OR.contains(&m.key.as_str()) {
                return Err(self.invalid(
                    format!(
                        "{} is Ruler reserved fieldName which cannot be used inside $or.",
                        m.key
                    ),
                    jp,
                    &m.value,
                ));
            }
            let path = match prefix {
                Some(p) => format!("{p}.{}", m.key),
                None => m.key.clone(),
            };
            match &m.value.kind {
                NodeKind::Object(inner) => {
                    let nested = self.object(inner, Some(&path), jp, in_or, m.value.offset)?;
                    items.extend(nested);
                }
                NodeKind::Array(values) => {
                    items.push(self.leaf(path, values, jp, m.value.offset)?)
                }
                _ => {
                    return Err(self.invalid(
                        format!("\"{}\" must be an object or an array", m.key),
                        jp,
                        &m.value,
                    ));
                }
            }
            jp.pop();
        }
        Ok(items)
    }

    fn or(
        &mut self,
        value: &Node,
        prefix: Option<&str>,
        jp: &mut JsonPath,
    ) -> Result<Item, PatternError> {
        let NodeKind::Array(elements) = &value.kind else {
            return Err(self.invalid("It must be an Array followed with $or.", jp, value));
        };
        let mut branches = Vec::new();
        for (i, element) in elements.iter().enumerate() {
            jp.index(i);
            let NodeKind::Object(members) = &element.kind else {
                return Err(self.invalid(
                    "Only JSON object is allowed in array of $or relationship.",
                    jp,
                    element,
                ));
            };
            branches.push(self.object(members, prefix, jp, true, element.offset)?);
            jp.pop();
        }
        if branches.len() < 2 {
            return Err(self.invalid(
                "There must have at least 2 Objects in $or relationship.",
                jp,
                value,
            ));
        }
        Ok(Item::Or(branches))
    }

    fn leaf(
        &mut self,
        path: String,
        values: &[Node],
        jp: &mut JsonPath,
        offset: usize,
    ) -> Result<Item, PatternError> {
        let mut strings = Vec::new();
        let mut matchers = Vec::new();
        let mut absent_ok = false;
        let mut globs = Vec::new();
        for (i, v) in values.iter().enumerate() {
            jp.index(i);
            match &v.kind {
                NodeKind::String(s) => {
                    // event-ruler turns an address-looking string into a one-address range.
                    match looks_like_ip(s).then(|| parse_ip(s)).flatten() {
                        Some(addr) => {
                            self.note(
                                jp,
                                "An IP address given as a plain value also matches other spellings of the \
                                 same address (event-ruler behaviour, not verified on EventBridge)",
                            );
                            matchers.push(Matcher::Address {
                                text: s.clone(),
                                block: Block::single(addr),
                            });
                        }
                        None => strings.push(s.clone()),
                    }
                }
                NodeKind::Number(raw) => matchers.push(Matcher::Number {
                    raw: raw.clone(),
                    value: comparable(raw),
                }),
                NodeKind::Bool(b) => matchers.push(Matcher::Bool(*b)),
                NodeKind::Null => matchers.push(Matcher::Null),
                NodeKind::Array(_) => {
                    return Err(self.invalid(
                        "Match value must be String, number, true, false, or null",
                        jp,
                        v,
                    ));
                }
                NodeKind::Object(members) => match self.element(members, jp, v)? {
                    Element::String(s) => strings.push(s),
                    Element::Matcher(m) => {
                        if let Matcher::Wildcard(g) = &m {
                            globs.push(g.clone());
                        }
                        matchers.push(m);
                    }
                    Element::Absent => absent_ok = true,
                },
            }
            jp.pop();
        }
        if values.is_empty() {
            return Err(self.error(
                ErrorKind::Invalid,
                "Empty arrays are not allowed",
                jp,
                offset,
            ));
        }
        let path = self.path_id(path);
        let cond = self.conds.len();
        self.conds.push((
            Cond::new(strings, matchers, absent_ok),
            CondSource {
                json_path: jp.render(),
                offset,
                globs,
            },
        ));
        Ok(Item::Leaf { path, cond })
    }

    /// EventBridge's "Rule is too complex" check, per path over the wildcards in use.
    fn check_complexity(
        &self,
        rules: &[Vec<(usize, usize)>],
        limits: &Limits,
    ) -> Result<(), PatternError> {
        let mut by_path: Vec<(usize, Vec<usize>)> = Vec::new();
        for rule in rules {
            for &(path, cond) in rule {
                if self
                    .conds
                    .get(cond)
                    .is_none_or(|(_, src)| src.globs.is_empty())
                {
                    continue;
                }
                match by_path.iter_mut().find(|(p, _)| *p == path) {
                    Some((_, conds)) if conds.contains(&cond) => {}
                    Some((_, conds)) => conds.push(cond),
                    None => by_path.push((path, vec![cond])),
                }
            }
        }
        for (_, conds) in by_path {
            let mut patterns: Vec<Vec<Option<u8>>> = Vec::new();
            for &cond in &conds {
                if let Some((_, src)) = self.conds.get(cond) {
                    for g in &src.globs {
                        // event-ruler matches the quoted value: `"` + pattern + `"`.
                        let mut tokens = vec![Some(b'"')];
                        tokens.extend(g.tokens());
                        tokens.push(Some(b'"'));
                        if !patterns.contains(&tokens) {
                            patterns.push(tokens);
                        }
                    }
                }
            }
            if complexity::evaluate(&patterns, limits.max_wildcard_complexity)
                > limits.max_wildcard_complexity
            {
                let (json_path, offset) = conds
                    .first()
                    .and_then(|&c| self.conds.get(c))
                    .map_or((String::new(), 0), |(_, src)| {
                        (src.json_path.clone(), src.offset)
                    });
                return Err(PatternError::new(
                    ErrorKind::Limit,
                    "Rule is too complex - try using fewer wildcard characters or fewer repeating character \
                     sequences after a wildcard character",
                )
                .at(json_path, Some(TextPosition::locate(self.text, offset))));
            }
        }
        Ok(())
    }

    fn finish(self, rules: Vec<Vec<(usize, usize)>>) -> Pattern {
        // Keep the paths in use, sorted the way event-ruler walks them.
        let mut used: Vec<usize> = rules.iter().flatten().map(|&(p, _)| p).collect();
        crate::sort::sort(&mut used);
        used.dedup();
        crate::sort::sort_by(&mut used, |&a, &b| {
            utf16_cmp(&self.paths[a], &self.paths[b])
        });
        let mut remap = vec![usize::MAX; self.paths.len()];
        for (new, &old) in used.iter().enumerate() {
            remap[old] = new;
        }
        let paths = used
            .iter()
            .map(|&old| {
                let text = self.paths[old].clone();
                let place = place_of(&text);
                PathSpec { text, place }
            })
            .collect();
        let subs = rules
            .into_iter()
            .map(|rule| {
                let mut sub: Vec<(usize, usize)> =
                    rule.into_iter().map(|(p, c)| (remap[p], c)).collect();
                crate::sort::sort(&mut sub);
                sub
            })
            .collect();
        Pattern {
            paths,
            conds: self.conds.into_iter().map(|(c, _)| c).collect(),
            subs,
            notes: self.notes,
        }
    }
}

/// Java's `String.compareTo`: UTF-16 code unit order.
fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}
