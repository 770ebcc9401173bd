//! The Rules panel: EventBridge event patterns evaluated over the loaded history.
//!
//! A user pastes the event pattern of an alert rule and sees which past events it would
//! have fired on. The panel owns the rule set (a list of [`RuleSpec`]s) and:
//! - validates patterns live with [`rules::compile`] (pure and cheap, so it runs in the
//!   page, not the worker), with AWS's wording and the position of the problem;
//! - sends the whole set to the worker ([`Request::SetRules`]) whenever it or the loaded
//!   data changes, and draws the answer: match counts and sparklines;
//! - keeps the set in localStorage, in the page address (`#…&rules=…`, so a link shares
//!   it), and in JSON files (export/import) whose patterns paste into AWS unchanged.
//!
//! Pattern text is kept byte for byte: a pattern's meaning can depend on its key order,
//! duplicate keys and number spelling, which parsing into a `serde_json::Value` would
//! lose. Files and links carry the pattern as a JSON object (the text itself, re-laid
//! out token by token), never re-serialised.

use std::collections::HashMap;
use std::rc::Rc;

use serde::Deserialize;
use serde_json::value::RawValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::address::{hash_items, write_hash_items};
use super::engine::Engine;
use crate::display;
use crate::json_layout::{relayout, JsonLayout};
use crate::protocol::{Request, Response, RuleResult, RuleSpec};
use crate::rules::{self, PatternError};

/// localStorage key of the rule set: a JSON array of `{name, pattern, enabled}`.
const STORAGE_KEY: &str = "trailglass.rules.v1";
/// The page address's hash key for the rule set.
const HASH_KEY: &str = "rules";
/// Largest rules file read on import (a rules file is a few KiB; this stops a log file
/// picked by mistake from being read whole).
const MAX_IMPORT_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Sparkline drawing height, in SVG units.
const SPARK_HEIGHT: f64 = 16.0;
const EXAMPLE: &str = r#"{
  "source": ["aws.organizations"],
  "detail": {
    "eventName": ["LeaveOrganization"]
  }
}"#;

#[derive(Properties, PartialEq)]
pub struct RulesViewProps {
    pub engine: Engine,
    /// The loaded data's generation.
    pub generation: u32,
    /// Show this rule's matches in the Events tab.
    pub on_show_rule: Callback<String>,
    /// The worker applied a rule set: rows (their badges) changed as of this generation.
    #[prop_or_default]
    pub on_applied: Callback<u32>,
}

// ---------------------------------------------------------------------------------------
// The rule set and its changes.

#[derive(Clone, Debug, PartialEq)]
struct RuleSet {
    rules: Vec<RuleSpec>,
    /// The set came from the page address and differs from the saved one: the saved one
    /// is not overwritten until the user changes something.
    from_link: bool,
    /// The set before the last delete, reset, import or switch (one level of undo).
    undo: Option<Vec<RuleSpec>>,
    notice: Option<Notice>,
}

#[derive(Clone, Debug, PartialEq)]
struct Notice {
    text: String,
    error: bool,
}

impl Notice {
    fn info(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            error: false,
        })
    }

    fn error(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            error: true,
        })
    }
}

enum Change {
    /// Adds a rule, or replaces the one named `original` (else the one named `name`).
    Save {
        original: Option<String>,
        name: String,
        pattern: String,
    },
    Toggle(String),
    Delete(String),
    Reset,
    Import {
        rules: Vec<ParsedRule>,
        file: String,
    },
    Undo,
    UseSaved(Vec<RuleSpec>),
    Notify(Option<Notice>),
}

impl Reducible for RuleSet {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        let mut s = (*self).clone();
        let before = s.rules.clone();
        let find = |rules: &[RuleSpec], name: &str| rules.iter().position(|r| r.name == name);
        match change {
            Change::Notify(notice) => {
                s.notice = notice;
                return Rc::new(s);
            }
            Change::Save {
                original,
                name,
                pattern,
            } => {
                let at = original
                    .and_then(|o| find(&s.rules, &o))
                    .or_else(|| find(&s.rules, &name));
                match at {
                    Some(i) => {
                        // An edit keeps the rule's place and its on/off state.
                        s.rules[i].name = name.clone();
                        s.rules[i].pattern = pattern;
                        let mut j = 0;
                        s.rules.retain(|r| {
                            j += 1;
                            j - 1 == i || r.name != name
                        });
                    }
                    None => s.rules.push(RuleSpec {
                        name: name.clone(),
                        pattern,
                        enabled: true,
                    }),
                }
                s.undo = None;
                s.notice = Notice::info(format!("Saved “{name}”."));
            }
            Change::Toggle(name) => {
                if let Some(i) = find(&s.rules, &name) {
                    s.rules[i].enabled = !s.rules[i].enabled;
                }
                s.undo = None;
            }
            Change::Delete(name) => {
                s.rules.retain(|r| r.name != name);
                s.undo = Some(before);
                s.notice = Notice::info(format!("Deleted “{name}”."));
            }
            Change::Reset => {
                s.rules = RuleSpec::starters();
                s.undo = Some(before);
                s.notice = Notice::info(format!("Starter rules restored ({}).", s.rules.len()));
            }
            Change::Import { rules, file } => {
                let incoming = name_rules(rules, &s.rules);
                let replaced = incoming
                    .iter()
                    .filter(|r| find(&s.rules, &r.name).is_some())
                    .count();
                let count = incoming.len();
                for rule in incoming {
                    match find(&s.rules, &rule.name) {
                        Some(i) => s.rules[i] = rule,
                        None => s.rules.push(rule),
                    }
                }
                s.undo = Some(before);
                s.notice = Notice::info(format!(
                    "Imported {count} rule{} from {file}{}.",
                    plural(count),
                    if replaced > 0 {
                        format!(" ({replaced} replaced rules of the same name)")
                    } else {
                        String::new()
                    }
                ));
            }
            Change::Undo => {
                if let Some(previous) = s.undo.take() {
                    s.rules = previous;
                    s.notice = Notice::info("Undone.");
                }
            }
            Change::UseSaved(saved) => {
                s.rules = saved;
                s.undo = Some(before);
                s.notice = Notice::info("Showing your saved rules.");
            }
        }
        // Any change makes the set the user's own: it is saved from now on.
        s.from_link = false;
        Rc::new(s)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The set when the panel opens: the page address's wins over the saved one, which wins
/// over the starter set (first use).
fn initial_rules() -> RuleSet {
    let saved = load_saved();
    let mut notice = None;
    let set = |rules, from_link| RuleSet {
        rules,
        from_link,
        undo: None,
        notice: None,
    };
    let fallback = match saved.clone() {
        Some(Ok(rules)) => rules,
        Some(Err(e)) => {
            notice = Notice::error(format!(
                "The rules saved in this browser could not be read ({e}); the starter rules are shown instead."
            ));
            RuleSpec::starters()
        }
        None => RuleSpec::starters(),
    };
    let mut state = match rules_from_hash() {
        Some(Ok(rules)) => {
            // Only hold back saving when that would overwrite something different.
            let differs = matches!(&saved, Some(Ok(s)) if *s != rules);
            set(rules, differs)
        }
        Some(Err(e)) => {
            notice = Notice::error(format!("The rules in the link could not be read: {e}"));
            set(fallback, false)
        }
        None => set(fallback, false),
    };
    state.notice = notice;
    state
}

// ---------------------------------------------------------------------------------------
// Rule arrays as JSON: localStorage, the page address and files share one format.

/// A rule read from JSON; unnamed ones (bare patterns) are named on import.
#[derive(Clone, Debug, PartialEq)]
struct ParsedRule {
    name: Option<String>,
    pattern: String,
    enabled: bool,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    pattern: Box<RawValue>,
    #[serde(default = "enabled_by_default")]
    enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// Reads an array of rules (`{"name", "pattern", "enabled"}`, the pattern an object or
/// its text as a string) or of bare pattern objects, or one of either.
fn parse_rules(text: &str) -> Result<Vec<ParsedRule>, String> {
    let text = text.trim_start_matches('\u{feff}').trim();
    let top: Box<RawValue> = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let items: Vec<Box<RawValue>> = if top.get().starts_with('[') {
        serde_json::from_str(top.get()).map_err(|e| e.to_string())?
    } else if top.get().starts_with('{') {
        vec![top]
    } else {
        return Err("expected a JSON array of rules or of event patterns".to_owned());
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let raw = item.get().trim();
            if let Ok(entry) = serde_json::from_str::<Entry>(raw) {
                let pattern = entry.pattern.get().trim();
                let pattern = if pattern.starts_with('"') {
                    serde_json::from_str::<String>(pattern).map_err(|e| e.to_string())?
                } else {
                    pattern.to_owned()
                };
                let name = entry.name.trim();
                Ok(ParsedRule {
                    name: (!name.is_empty()).then(|| name.to_owned()),
                    pattern,
                    enabled: entry.enabled,
                })
            } else if raw.starts_with('{') {
                Ok(ParsedRule {
                    name: None,
                    pattern: relayout(raw, JsonLayout::pattern(0)),
                    enabled: true,
                })
            } else {
                Err(format!(
                    "item {} is neither a rule ({{\"name\", \"pattern\", \"enabled\"}}) nor an event pattern object",
                    i + 1
                ))
            }
        })
        .collect()
}

/// Names unnamed rules "imported 1", "imported 2", … avoiding the names in `taken` and
/// in the list itself; within the list a later rule replaces an earlier one of its name.
fn name_rules(parsed: Vec<ParsedRule>, taken: &[RuleSpec]) -> Vec<RuleSpec> {
    let mut used: Vec<String> = taken
        .iter()
        .map(|r| r.name.clone())
        .chain(parsed.iter().filter_map(|p| p.name.clone()))
        .collect();
    let mut next = 1;
    let mut out: Vec<RuleSpec> = Vec::new();
    for p in parsed {
        let name = p.name.unwrap_or_else(|| {
            while used.contains(&format!("imported {next}")) {
                next += 1;
            }
            let name = format!("imported {next}");
            used.push(name.clone());
            name
        });
        let rule = RuleSpec {
            name,
            pattern: p.pattern,
            enabled: p.enabled,
        };
        match out.iter().position(|r| r.name == rule.name) {
            Some(i) => out[i] = rule,
            None => out.push(rule),
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    /// Patterns exactly as written (localStorage).
    Verbatim,
    /// No whitespace outside strings (the page address).
    Compact,
    /// Indented, for people and for pasting into AWS (exported files).
    Pretty,
}

/// The rule array as JSON; patterns that are JSON objects are written as objects.
fn rules_json(rules: &[RuleSpec], layout: Layout) -> String {
    let mut out = String::from("[");
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let name = json_string(&r.name);
        let pattern = pattern_json(&r.pattern, layout);
        if layout == Layout::Pretty {
            out.push_str(&format!(
                "\n  {{\n    \"name\": {name},\n    \"pattern\": {pattern},\n    \"enabled\": {}\n  }}",
                r.enabled
            ));
        } else {
            out.push_str(&format!(
                "{{\"name\":{name},\"pattern\":{pattern},\"enabled\":{}}}",
                r.enabled
            ));
        }
    }
    if layout == Layout::Pretty && !rules.is_empty() {
        out.push('\n');
    }
    out.push(']');
    out
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A pattern for a rule array: its text when that is a JSON object, else a JSON string
/// holding the text (an invalid pattern survives the round trip as it was).
fn pattern_json(text: &str, layout: Layout) -> String {
    let text = text.trim();
    let is_object = text.starts_with('{') && serde_json::from_str::<Box<RawValue>>(text).is_ok();
    if !is_object {
        return json_string(text);
    }
    match layout {
        Layout::Verbatim => text.to_owned(),
        Layout::Compact => relayout(text, JsonLayout::Compact),
        Layout::Pretty => relayout(text, JsonLayout::pattern(2)),
    }
}

// ---------------------------------------------------------------------------------------
// Browser storage, the page address, downloads.

pub(super) fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved set: `None` when nothing is saved.
fn load_saved() -> Option<Result<Vec<RuleSpec>, String>> {
    let text = local_storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Some(parse_rules(&text).map(|p| name_rules(p, &[])))
}

fn save(rules: &[RuleSpec]) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser does not allow local storage")?;
    storage
        .set_item(STORAGE_KEY, &rules_json(rules, Layout::Verbatim))
        .map_err(|_| "the browser's storage is full or disabled".to_owned())
}

/// The set in the page address: `None` when there is none.
fn rules_from_hash() -> Option<Result<Vec<RuleSpec>, String>> {
    let prefix = format!("{HASH_KEY}=");
    let items = hash_items();
    let value = items.iter().find_map(|k| k.strip_prefix(&prefix))?;
    let text = js_sys::decode_uri_component(value)
        .map(String::from)
        .map_err(|_| "it is not correctly URL-encoded".to_owned());
    Some(
        text.and_then(|t| parse_rules(&t))
            .map(|p| name_rules(p, &[])),
    )
}

/// Puts the set in the page address, keeping every other hash item as it was; the
/// starter set (what a browser with nothing saved has anyway) writes nothing, so a plain
/// view has a short address.
fn write_hash(rules: &[RuleSpec]) {
    let prefix = format!("{HASH_KEY}=");
    let mut items = hash_items();
    let at = items.iter().position(|k| k.starts_with(&prefix));
    if rules == RuleSpec::starters().as_slice() {
        if let Some(i) = at {
            items.remove(i);
            write_hash_items(&items, true);
        }
        return;
    }
    let value = String::from(js_sys::encode_uri_component(&rules_json(
        rules,
        Layout::Compact,
    )));
    let item = format!("{prefix}{value}");
    match at {
        Some(i) => items[i] = item,
        None => items.push(item),
    }
    // In place: the address follows the rules without adding history entries.
    write_hash_items(&items, true);
}

// ---------------------------------------------------------------------------------------
// The panel.

/// The worker's answer for one rule set at one data generation.
#[derive(PartialEq)]
struct Evaluated {
    generation: u32,
    specs: Vec<RuleSpec>,
    results: Vec<RuleResult>,
}

impl Evaluated {
    /// The result for `spec` if it was evaluated as it is now.
    fn result(&self, spec: &RuleSpec, generation: u32) -> Option<&RuleResult> {
        if self.generation != generation {
            return None;
        }
        let i = self.specs.iter().position(|s| s == spec)?;
        self.results.get(i)
    }
}

#[function_component(RulesView)]
pub fn rules_view(props: &RulesViewProps) -> Html {
    let set = use_reducer(initial_rules);
    let evaluated = use_state(|| None::<Rc<Evaluated>>);
    let asked = use_mut_ref(|| 0u32);
    let name = use_state(String::new);
    let pattern = use_state(String::new);
    let editing = use_state(|| None::<String>);
    let pattern_ref = use_node_ref();
    let descriptions = use_memo((), |_| {
        rules::starter_rules()
            .into_iter()
            .map(|r| (r.name, r.description))
            .collect::<HashMap<String, String>>()
    });
    // Each rule's own validation error (what the worker will say too, without waiting).
    let errors = use_memo(set.rules.clone(), |rules| {
        rules
            .iter()
            .map(|r| rules::compile(&r.pattern).err().map(|e| e.to_string()))
            .collect::<Vec<_>>()
    });
    let check = use_memo((*pattern).clone(), |text| {
        (!text.trim().is_empty()).then(|| rules::compile(text).map(|p| p.notes().to_vec()))
    });

    // The worker evaluates the set whenever it or the loaded data changes.
    {
        let (engine, evaluated, asked) = (props.engine.clone(), evaluated.clone(), asked.clone());
        let on_applied = props.on_applied.clone();
        use_effect_with(
            (set.rules.clone(), props.generation),
            move |(rules, generation)| {
                let (rules, generation) = (rules.clone(), *generation);
                *asked.borrow_mut() += 1;
                let ticket = *asked.borrow();
                spawn_local(async move {
                    let answer = engine.ask(Request::SetRules(rules.clone())).await;
                    // Only the latest question's answer is drawn.
                    if let Some(Response::Rules {
                        results,
                        generation: rows_generation,
                    }) = answer
                    {
                        on_applied.emit(rows_generation);
                        if *asked.borrow() == ticket {
                            evaluated.set(Some(Rc::new(Evaluated {
                                generation,
                                specs: rules,
                                results,
                            })));
                        }
                    }
                });
            },
        );
    }

    // Saved in this browser and in the page address whenever it changes.
    {
        let dispatcher = set.dispatcher();
        use_effect_with(
            (set.rules.clone(), set.from_link),
            move |(rules, from_link)| {
                write_hash(rules);
                if !*from_link {
                    if let Err(e) = save(rules) {
                        dispatcher.dispatch(Change::Notify(Notice::error(format!(
                            "The rules could not be saved: {e}."
                        ))));
                    }
                }
            },
        );
    }

    let clear_editor = {
        let (name, pattern, editing) = (name.clone(), pattern.clone(), editing.clone());
        Callback::from(move |()| {
            name.set(String::new());
            pattern.set(String::new());
            editing.set(None);
        })
    };

    let trimmed_name = name.trim().to_owned();
    let exists = set.rules.iter().any(|r| r.name == trimmed_name);
    let name_problem = if trimmed_name.is_empty() {
        (!pattern.trim().is_empty()).then(|| "Give the rule a name.".to_owned())
    } else if exists && editing.as_deref().is_some_and(|o| o != trimmed_name) {
        Some(format!("Another rule is already named “{trimmed_name}”."))
    } else {
        None
    };
    let pattern_ok = matches!(&*check, Some(Ok(_)));
    let can_save = pattern_ok && name_problem.is_none() && !trimmed_name.is_empty();
    let replaces = exists && editing.is_none();

    let on_save = {
        let (dispatcher, clear_editor) = (set.dispatcher(), clear_editor.clone());
        let (name, pattern, original) =
            (trimmed_name.clone(), (*pattern).clone(), (*editing).clone());
        Callback::from(move |()| {
            // Refused while the name or the pattern is not valid.
            if !can_save {
                return;
            }
            dispatcher.dispatch(Change::Save {
                original: original.clone(),
                name: name.clone(),
                pattern: pattern.clone(),
            });
            clear_editor.emit(());
        })
    };

    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            name.set(input.value());
        })
    };
    let on_pattern = {
        let pattern = pattern.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            pattern.set(area.value());
        })
    };
    let on_pattern_key = {
        let on_save = on_save.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_save.emit(());
            }
        })
    };
    let on_format = {
        let pattern = pattern.clone();
        Callback::from(move |_| {
            if serde_json::from_str::<Box<RawValue>>(&pattern).is_ok() {
                pattern.set(relayout(pattern.trim(), JsonLayout::pattern(0)));
            }
        })
    };

    let on_edit = {
        let (name, pattern, editing, pattern_ref) = (
            name.clone(),
            pattern.clone(),
            editing.clone(),
            pattern_ref.clone(),
        );
        Callback::from(move |rule: RuleSpec| {
            name.set(rule.name.clone());
            pattern.set(rule.pattern);
            editing.set(Some(rule.name));
            if let Some(area) = pattern_ref.cast::<HtmlTextAreaElement>() {
                let _ = area.focus();
            }
        })
    };
    let on_toggle = {
        let dispatcher = set.dispatcher();
        Callback::from(move |name: String| dispatcher.dispatch(Change::Toggle(name)))
    };
    let on_delete = {
        let (dispatcher, editing, clear_editor) =
            (set.dispatcher(), editing.clone(), clear_editor.clone());
        Callback::from(move |name: String| {
            if editing.as_deref() == Some(name.as_str()) {
                clear_editor.emit(());
            }
            dispatcher.dispatch(Change::Delete(name));
        })
    };

    let on_export = {
        let (dispatcher, rules) = (set.dispatcher(), set.rules.clone());
        Callback::from(move |_| {
            if super::download::download(
                "trailglass-rules.json",
                "application/json",
                rules_json(&rules, Layout::Pretty).as_bytes(),
            )
            .is_err()
            {
                dispatcher.dispatch(Change::Notify(Notice::error(
                    "This browser refused the download.",
                )));
            }
        })
    };
    let on_import = {
        let dispatcher = set.dispatcher();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|list| list.get(0));
            // Let the same file be picked again later.
            input.set_value("");
            let Some(file) = file else { return };
            let file_name = file.name();
            if file.size() > MAX_IMPORT_BYTES {
                dispatcher.dispatch(Change::Notify(Notice::error(format!(
                    "{file_name} is too large for a rules file ({}).",
                    display::bytes(file.size() as u64)
                ))));
                return;
            }
            let dispatcher = dispatcher.clone();
            spawn_local(async move {
                let file = gloo::file::File::from(file);
                let change = match gloo::file::futures::read_as_text(&file).await {
                    Err(e) => {
                        Change::Notify(Notice::error(format!("{file_name} could not be read: {e}")))
                    }
                    Ok(text) => match parse_rules(&text) {
                        Ok(rules) if rules.is_empty() => {
                            Change::Notify(Notice::error(format!("{file_name} holds no rules.")))
                        }
                        Ok(rules) => Change::Import {
                            rules,
                            file: file_name,
                        },
                        Err(e) => Change::Notify(Notice::error(format!(
                            "{file_name} is not a rules file: {e}"
                        ))),
                    },
                };
                dispatcher.dispatch(change);
            });
        })
    };
    let on_reset = {
        let dispatcher = set.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(Change::Reset))
    };

    let generation = props.generation;
    let current = evaluated
        .as_ref()
        .filter(|e| e.generation == generation && e.specs == set.rules);
    let enabled = set.rules.iter().filter(|r| r.enabled).count();

    let items = set.rules.iter().enumerate().map(|(i, rule)| {
        let result = evaluated.as_ref().and_then(|e| e.result(rule, generation));
        rule_item(RuleItem {
            rule,
            result,
            error: errors.get(i).cloned().flatten(),
            description: descriptions.get(&rule.name).map(String::as_str),
            editing: editing.as_deref() == Some(rule.name.as_str()),
            on_show: &props.on_show_rule,
            on_toggle: &on_toggle,
            on_edit: &on_edit,
            on_delete: &on_delete,
        })
    });

    html! {
        <section class="rules" data-testid="rules-view" data-generation={generation.to_string()}
                 data-evaluated={current.map(|e| e.generation.to_string()).unwrap_or_default()}
                 data-count={set.rules.len().to_string()}>
            <div class="rules-main">
                <header class="rules-header">
                    <h2>{"Watch rules"}</h2>
                    <span class="muted">{format!("{} of {} on · matched over every loaded event", enabled, set.rules.len())}</span>
                    <span class="rules-tools">
                        <button class="button small" data-testid="rules-export" onclick={on_export}
                                title="Download the rules as JSON; each pattern pastes into EventBridge unchanged">{"Export"}</button>
                        <label class="button small" title="A file exported here, or a JSON array of event patterns">
                            {"Import"}
                            <input type="file" accept=".json,application/json" class="hidden-input"
                                   data-testid="rule-import" onchange={on_import} />
                        </label>
                        <button class="button small" data-testid="rules-reset" onclick={on_reset}>{"Reset to starter rules"}</button>
                    </span>
                </header>
                if set.from_link {
                    <div class="rules-banner" data-testid="rules-from-link">
                        {"These rules come from the link you opened. Your own saved rules are kept until you change these."}
                        <button class="button small" data-testid="rules-use-saved" onclick={
                            let dispatcher = set.dispatcher();
                            move |_| {
                                if let Some(Ok(saved)) = load_saved() {
                                    dispatcher.dispatch(Change::UseSaved(saved));
                                }
                            }
                        }>{"Use my saved rules"}</button>
                    </div>
                }
                if let Some(notice) = &set.notice {
                    <div class={classes!("rules-notice", notice.error.then_some("error"))} data-testid="rules-notice"
                         role={if notice.error { "alert" } else { "status" }}>
                        <span>{&notice.text}</span>
                        if set.undo.is_some() {
                            <button class="button small" data-testid="rules-undo"
                                    onclick={let d = set.dispatcher(); move |_| d.dispatch(Change::Undo)}>{"Undo"}</button>
                        }
                        <button class="link dismiss" title="Dismiss" aria-label="Dismiss"
                                onclick={let d = set.dispatcher(); move |_| d.dispatch(Change::Notify(None))}>{"×"}</button>
                    </div>
                }
                if set.rules.is_empty() {
                    <p class="rules-empty muted">{"No rules. Write one on the right, import a file, or reset to the starter rules."}</p>
                } else {
                    <ul class="rule-list">{ for items }</ul>
                }
            </div>
            <section class="rules-side" aria-label="Rule editor">
                { editor(Editor {
                    name: &name,
                    pattern: &pattern,
                    editing: editing.as_deref(),
                    check: (*check).as_ref(),
                    name_problem: name_problem.as_deref(),
                    replaces,
                    can_save,
                    pattern_ref: &pattern_ref,
                    on_name,
                    on_pattern,
                    on_pattern_key,
                    on_format,
                    on_save,
                    on_cancel: clear_editor,
                }) }
                <section class="rules-about">
                    <h3>{"How events are matched"}</h3>
                    <p>{"Each CloudTrail record is matched inside the envelope EventBridge puts around it: "}
                       <code>{"\"source\": \"aws.<service>\""}</code>{", "}
                       <code>{"\"detail-type\": \"AWS API Call via CloudTrail\""}</code>
                       {" (or Service Event, Console Signin…), and the record itself as "}<code>{"\"detail\""}</code>
                       {". One event (eventID, time, name and source) counts once, however many files delivered it."}</p>
                    <p>{"Rules are saved in this browser and in the page address: share the link to share them."}</p>
                    <details class="rules-differences" data-testid="rules-differences">
                        <summary>{"We follow EventBridge. Where it and event-ruler differ:"}</summary>
                        <ul>{ for rules::EVENTBRIDGE_DIFFERENCES.iter().map(|d| html! { <li>{*d}</li> }) }</ul>
                    </details>
                </section>
            </section>
        </section>
    }
}

struct RuleItem<'a> {
    rule: &'a RuleSpec,
    result: Option<&'a RuleResult>,
    error: Option<String>,
    description: Option<&'a str>,
    editing: bool,
    on_show: &'a Callback<String>,
    on_toggle: &'a Callback<String>,
    on_edit: &'a Callback<RuleSpec>,
    on_delete: &'a Callback<String>,
}

fn rule_item(item: RuleItem<'_>) -> Html {
    let RuleItem {
        rule,
        result,
        error,
        description,
        editing,
        ..
    } = item;
    let name = rule.name.clone();
    let matches = result.map(|r| r.matches);
    let (count, count_title) = match (rule.enabled, &error, matches) {
        (_, Some(_), _) => ("invalid".to_owned(), "The pattern is not valid"),
        (false, _, _) => ("off".to_owned(), "Turned off: not evaluated"),
        (true, None, None) => ("…".to_owned(), "Evaluating"),
        (true, None, Some(n)) => (
            format!(
                "{} match{}",
                display::count(n),
                if n == 1 { "" } else { "es" }
            ),
            "Unique events matched (one event counts once, however many files delivered it)",
        ),
    };
    let can_show = rule.enabled && error.is_none() && matches.is_some_and(|n| n > 0);
    let on_show = {
        let (cb, name) = (item.on_show.clone(), name.clone());
        Callback::from(move |_| cb.emit(name.clone()))
    };
    let on_toggle = {
        let (cb, name) = (item.on_toggle.clone(), name.clone());
        Callback::from(move |_| cb.emit(name.clone()))
    };
    let on_edit = {
        let (cb, rule) = (item.on_edit.clone(), rule.clone());
        Callback::from(move |_| cb.emit(rule.clone()))
    };
    let on_delete = {
        let (cb, name) = (item.on_delete.clone(), name.clone());
        Callback::from(move |_| cb.emit(name.clone()))
    };
    html! {
        <li key={rule.name.clone()} data-testid="rule" data-name={rule.name.clone()}
            data-enabled={rule.enabled.to_string()}
            data-matches={matches.map(|n| n.to_string()).unwrap_or_default()}
            data-valid={error.is_none().to_string()}
            class={classes!("rule", (!rule.enabled).then_some("off"), error.is_some().then_some("invalid"),
                            editing.then_some("editing"))}>
            <label class="rule-switch" title={if rule.enabled { "On: click to turn off" } else { "Off: click to turn on" }}>
                <input type="checkbox" data-testid="rule-toggle" checked={rule.enabled} onchange={on_toggle}
                       aria-label={format!("Rule “{}” on", rule.name)} />
                <span class="track"></span>
            </label>
            <div class="rule-text">
                <div class="rule-name">{&rule.name}</div>
                if let Some(d) = description { <div class="rule-desc">{d}</div> }
                if let Some(e) = &error { <div class="rule-invalid" data-testid="rule-invalid">{e}</div> }
            </div>
            <div class={classes!("rule-count", (matches == Some(0)).then_some("zero"))} data-testid="rule-count" title={count_title}>{count}</div>
            <div class="rule-spark">
                { match result { Some(r) if rule.enabled && r.matches > 0 => sparkline(&r.sparkline), _ => html! {} } }
            </div>
            <div class="rule-actions">
                <button class="button small" data-testid="rule-show" onclick={on_show} disabled={!can_show}
                        title="Show the matching events in the Events tab">{"show matches"}</button>
                <button class="button small" data-testid="rule-edit" onclick={on_edit}>{"edit"}</button>
                <button class="button small danger" data-testid="rule-delete" onclick={on_delete}>{"delete"}</button>
            </div>
        </li>
    }
}

/// Matches per time bucket as bars, oldest on the left.
fn sparkline(buckets: &[u32]) -> Html {
    let peak = buckets.iter().copied().max().unwrap_or(0).max(1);
    let bars = buckets.iter().enumerate().filter(|(_, &v)| v > 0).map(|(i, &v)| {
        let h = (f64::from(v) / f64::from(peak) * SPARK_HEIGHT).max(1.5);
        html! {
            <rect x={i.to_string()} y={format!("{:.2}", SPARK_HEIGHT - h)} width="0.8" height={format!("{:.2}", h)} />
        }
    });
    let title = format!(
        "Matches over the loaded time span, oldest on the left ({} buckets; busiest: {})",
        buckets.len(),
        display::count(peak)
    );
    html! {
        <svg class="sparkline" data-testid="rule-sparkline" viewBox={format!("0 0 {} {}", buckets.len().max(1), SPARK_HEIGHT)}
             preserveAspectRatio="none" role="img" aria-label={title.clone()}>
            <title>{title}</title>
            <line class="base" x1="0" x2={buckets.len().to_string()} y1={SPARK_HEIGHT.to_string()} y2={SPARK_HEIGHT.to_string()} />
            { for bars }
        </svg>
    }
}

struct Editor<'a> {
    name: &'a str,
    pattern: &'a str,
    editing: Option<&'a str>,
    /// `None` while the pattern is empty; else whether it compiles, and its notes.
    check: Option<&'a Result<Vec<rules::PatternNote>, PatternError>>,
    name_problem: Option<&'a str>,
    replaces: bool,
    can_save: bool,
    pattern_ref: &'a NodeRef,
    on_name: Callback<InputEvent>,
    on_pattern: Callback<InputEvent>,
    on_pattern_key: Callback<KeyboardEvent>,
    on_format: Callback<MouseEvent>,
    on_save: Callback<()>,
    on_cancel: Callback<()>,
}

fn editor(e: Editor<'_>) -> Html {
    let status = match e.check {
        None => html! {
            <p class="rule-hint">{"Paste the event pattern of an EventBridge rule (Ctrl+Enter saves)."}</p>
        },
        Some(Err(err)) => {
            let at = match (err.path(), err.position()) {
                ("", None) => String::new(),
                (path, None) => format!("at {path}"),
                ("", Some(p)) => format!("line {}, column {}", p.line, p.column),
                (path, Some(p)) => format!("at {path} · line {}, column {}", p.line, p.column),
            };
            // Clicking the position selects it in the pattern.
            let jump = err.position().map(|p| {
                let (area, text) = (e.pattern_ref.clone(), e.pattern.to_owned());
                Callback::from(move |_| select_at(&area, &text, p.offset))
            });
            html! {
                <div class="rule-error" data-testid="rule-error" role="alert">
                    <div>{err.aws_message()}</div>
                    if !at.is_empty() {
                        <button class="link at" data-testid="rule-error-at" onclick={jump} title="Show in the pattern">{at}</button>
                    }
                </div>
            }
        }
        Some(Ok(notes)) => html! {
            <>
                <div class="rule-ok" data-testid="rule-ok">{"✓ Valid EventBridge event pattern"}</div>
                { for notes.iter().map(|n| html! {
                    <div class="rule-note" data-testid="rule-note">
                        if !n.path.is_empty() { <code>{&n.path}</code>{": "} }{&n.message}
                    </div>
                }) }
            </>
        },
    };
    let on_save = e.on_save.reform(|_: MouseEvent| ());
    let on_cancel = e.on_cancel.reform(|_: MouseEvent| ());
    let save_label = match (e.editing, e.replaces) {
        (Some(_), _) => "Save changes",
        (None, true) => "Replace rule",
        (None, false) => "Add rule",
    };
    html! {
        <section class="rule-editor" data-testid="rule-editor">
            <h3>{ match e.editing { Some(n) => format!("Edit “{n}”"), None => "New rule".to_owned() } }</h3>
            <label class="field">
                <span>{"Name"}</span>
                <input type="text" data-testid="rule-name" value={e.name.to_owned()} oninput={e.on_name}
                       placeholder="e.g. Account left the organization" spellcheck="false" />
            </label>
            if let Some(problem) = e.name_problem {
                <div class="rule-name-error" data-testid="rule-name-error">{problem}</div>
            } else if e.replaces {
                <div class="rule-hint">{format!("Saving replaces the rule “{}”.", e.name.trim())}</div>
            }
            <label class="field">
                <span>{"Event pattern (JSON)"}</span>
                <textarea data-testid="rule-pattern" ref={e.pattern_ref.clone()} value={e.pattern.to_owned()}
                          oninput={e.on_pattern} onkeydown={e.on_pattern_key} rows="12" spellcheck="false"
                          placeholder={EXAMPLE} />
            </label>
            { status }
            <div class="rule-editor-actions">
                <button class="button primary" data-testid="rule-save" onclick={on_save} disabled={!e.can_save}
                        title="Ctrl+Enter">{save_label}</button>
                <button class="button" data-testid="rule-format" onclick={e.on_format}
                        disabled={!matches!(e.check, Some(Ok(_)))}>{"Format"}</button>
                if e.editing.is_some() || !e.name.is_empty() || !e.pattern.is_empty() {
                    <button class="button" data-testid="rule-cancel" onclick={on_cancel}>
                        { if e.editing.is_some() { "Cancel" } else { "Clear" } }
                    </button>
                }
            </div>
        </section>
    }
}

/// Selects the character at byte `offset` of `text` in the pattern box.
fn select_at(area: &NodeRef, text: &str, offset: usize) {
    let Some(area) = area.cast::<HtmlTextAreaElement>() else {
        return;
    };
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    // The DOM counts UTF-16 code units.
    let start = text[..offset].encode_utf16().count() as u32;
    let end = start
        + text[offset..]
            .chars()
            .next()
            .map_or(0, |c| c.len_utf16() as u32);
    let _ = area.focus();
    let _ = area.set_selection_range(start, end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, pattern: &str, enabled: bool) -> RuleSpec {
        RuleSpec {
            name: name.to_owned(),
            pattern: pattern.to_owned(),
            enabled,
        }
    }

    #[test]
    fn rule_arrays_round_trip_in_every_layout() {
        let rules = vec![
            spec(
                "a",
                "{\n  \"b\": [1.50, \"x y\"],\n  \"b\": [\"dup\"]\n}",
                true,
            ),
            spec("broken", "{\"a\":", false),
            spec(
                "quote \" and & = #",
                "{\"c\":[{\"prefix\":\"\\\"\"}]}",
                true,
            ),
        ];
        for layout in [Layout::Verbatim, Layout::Compact, Layout::Pretty] {
            let text = rules_json(&rules, layout);
            let back = name_rules(parse_rules(&text).unwrap(), &[]);
            assert_eq!(back.len(), 3);
            for (a, b) in rules.iter().zip(&back) {
                assert_eq!(a.name, b.name);
                assert_eq!(a.enabled, b.enabled);
                // Same tokens: key order, duplicates and number spelling kept.
                assert_eq!(
                    relayout(&a.pattern, JsonLayout::Compact),
                    relayout(&b.pattern, JsonLayout::Compact)
                );
            }
            if layout == Layout::Verbatim {
                assert_eq!(back, rules);
            }
        }
        // Patterns are objects in files (pastable into AWS), strings only when invalid.
        let v: serde_json::Value =
            serde_json::from_str(&rules_json(&rules, Layout::Pretty)).unwrap();
        assert!(v[0]["pattern"].is_object());
        assert!(v[1]["pattern"].is_string());
    }

    #[test]
    fn bare_patterns_are_named_imported_n() {
        let parsed = parse_rules(r#"[{"source":["aws.s3"]}, {"detail":{"x":[1]}}]"#).unwrap();
        let named = name_rules(parsed, &[spec("imported 1", "{}", true)]);
        let names: Vec<_> = named.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["imported 2", "imported 3"]);
        assert!(parse_rules("[1]").is_err());
        assert!(parse_rules("nope").is_err());
        assert_eq!(parse_rules(r#"{"source":["aws.s3"]}"#).unwrap().len(), 1);
    }
}
