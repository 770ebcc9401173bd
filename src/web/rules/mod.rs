//! The Rules panel: EventBridge event patterns evaluated over the loaded history.
//!
//! A user pastes the event pattern of an alert rule and sees which past events it would
//! have fired on. The panel owns the rule set (a list of [`RuleSpec`]s) and:
//! - validates patterns live with [`rules::compile`] (pure and cheap, so it runs in the
//!   page, not the worker), with AWS's wording and the position of the problem;
//! - sends the whole set to the worker ([`crate::protocol::Request::SetRules`]) whenever it or the loaded
//!   data changes, and draws the answer: match counts and sparklines;
//! - keeps the set in localStorage, in the page address (`#…&rules=…`, so a link shares
//!   it), and in JSON files (export/import) whose patterns paste into AWS unchanged.
//!
//! Pattern text is kept byte for byte: a pattern's meaning can depend on its key order,
//! duplicate keys and number spelling, which parsing into a `serde_json::Value` would
//! lose. Files and links carry the pattern as a JSON object (the text itself, re-laid
//! out token by token), never re-serialised.
//!
//! The rule set's transitions ([`RuleSet`]) and the file format ([`rules::parse_file`],
//! [`rules::print_file`]) are pure and live in the core. Here: this component and its
//! state (`mod.rs`), the rule list (`list.rs`), the editor (`editor.rs`), and browser
//! storage and the page address (`storage.rs`).

mod editor;
mod list;
mod storage;

use std::collections::HashMap;
use std::rc::Rc;

use serde_json::value::RawValue;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use self::editor::{editor, Editor};
use self::list::{rule_item, RuleItem};
pub(super) use self::storage::local_storage;
use self::storage::{load_saved, rules_from_hash, save, write_hash};
use crate::display;
use crate::json_layout::{relayout, JsonLayout};
use crate::protocol::{RuleResult, RuleSpec};
use crate::rules::{self, Change, FileLayout, Notice, RuleSet};
use crate::web::worker::engine::Engine;

/// Largest rules file read on import (a rules file is a few KiB; this stops a log file
/// picked by mistake from being read whole).
const MAX_IMPORT_BYTES: f64 = 4.0 * 1024.0 * 1024.0;

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

/// The pure transitions live in the core ([`RuleSet::apply`]); this only hands them to Yew.
impl Reducible for RuleSet {
    type Action = Change;

    fn reduce(self: Rc<Self>, change: Change) -> Rc<Self> {
        Rc::new(self.apply(change))
    }
}

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
    let set = use_reducer(|| RuleSet::open(load_saved(), rules_from_hash()));
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
                    // A wrong or missing answer has been logged by the engine.
                    if let Ok((rows_generation, results)) = engine.set_rules(rules.clone()).await {
                        on_applied.emit(rows_generation);
                        // Only the latest question's answer is drawn.
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
            if crate::web::browser::download::download(
                "trailglass-rules.json",
                "application/json",
                rules::print_file(&rules, FileLayout::Pretty).as_bytes(),
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
                    Ok(text) => match rules::parse_file(&text) {
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
