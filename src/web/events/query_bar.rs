//! The search box: the timeline's query language, checked as you type (errors shown with
//! their position and underlined in the box, no worker round trip) and sent to the
//! worker once valid.
//!
//! Controlled: the app owns the query ([`QueryBarProps::query`]); the box keeps a draft
//! while the user types and takes the app's query whenever that changes from elsewhere
//! (facet clicks, the detail pane's actions, Back and Forward).
//!
//! The box never changes what the user typed unless they accept a suggestion: Enter runs
//! the text as it is (at once, no typing pause), Tab or a click takes the active
//! suggestion, Escape closes the list and leaves the text alone.
//!
//! Autocomplete: the word at the cursor ([`query::complete::at_cursor`]) is a field name
//! or a field's value; the worker suggests names present in the data and frequent
//! values ([`crate::web::worker::engine::Engine::suggest`]). The list opens while a word is typed (or on ArrowDown),
//! never over an empty box, and closes when the box loses focus.

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::display;
use crate::query::{self, complete::Completion, QueryError, QueryNote};
use crate::web::worker::engine::Engine;

/// Quiet time after the last keystroke before a valid query runs.
/// - Good (longer): fewer scans of a million events while typing.
/// - Bad (longer): the table lags behind the box.
const DEBOUNCE_MS: u32 = 250;

/// What the box holds, against what the table answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draft {
    /// The box shows the query the table answers.
    Current,
    /// A valid query is typed but not run yet.
    Pending,
    /// The text does not parse: no table answers it.
    Invalid,
}

#[derive(Properties, PartialEq)]
pub struct QueryBarProps {
    /// Events matching the last query run; `None` while the box holds an invalid one.
    pub total: Option<u32>,
    /// The app's query: the box shows it whenever it changes.
    #[prop_or_default]
    pub query: String,
    /// Run this query (an empty string shows everything).
    pub on_query: Callback<String>,
    /// Whether the box's text is what the table answers.
    #[prop_or_default]
    pub on_draft: Callback<Draft>,
    /// Asked for autocomplete suggestions.
    pub engine: Engine,
    /// The worker's word on the query the table answers, when the box found nothing
    /// wrong (a drill-down clause out of place), with its span.
    #[prop_or_default]
    pub error: Option<QueryError>,
    /// Words of the query the data does not answer (unknown fields), from the worker.
    #[prop_or_default]
    pub warnings: Rc<Vec<QueryNote>>,
}

/// Open suggestions: what they complete and the choices, one of them active.
#[derive(Clone, PartialEq)]
struct Suggestions {
    completion: Completion,
    items: Vec<(String, u32)>,
    active: usize,
}

/// What is wrong with the text, where.
#[derive(Clone, Debug, PartialEq)]
struct Problem {
    span: Range<usize>,
    word: String,
    message: String,
    /// An error (nothing runs) rather than a warning (the query runs, finds nothing).
    error: bool,
}

/// The byte offset of a UTF-16 offset (what the DOM's selection reports).
fn byte_offset(text: &str, utf16: u32) -> usize {
    let mut n = 0;
    for (i, c) in text.char_indices() {
        if n >= utf16 as usize {
            return i;
        }
        n += c.len_utf16();
    }
    text.len()
}

/// The box's text and the cursor in it, as a byte offset.
fn text_and_cursor(el: &HtmlInputElement) -> (String, usize) {
    let value = el.value();
    let cursor = el
        .selection_start()
        .ok()
        .flatten()
        .map_or(value.len(), |c| byte_offset(&value, c));
    (value, cursor)
}

/// An error in `text`, where it is (the box's own or the worker's: one kind of problem).
fn error_problem(text: &str, e: &QueryError) -> Problem {
    let span = e.span.start.min(text.len())..e.span.end.min(text.len());
    let word = text.get(span.clone()).unwrap_or("").to_owned();
    Problem {
        span,
        word,
        message: e.to_string(),
        error: true,
    }
}

/// The first syntax error of `text`, positioned.
fn syntax_problem(text: &str) -> Option<Problem> {
    let e = query::parse(text).err()?;
    Some(error_problem(text, &e))
}

/// Whether a word is being typed at `cursor`, so the list has something to narrow: an
/// empty box (or a cursor after a space) opens nothing unless asked.
fn worth_suggesting(c: &Completion) -> bool {
    c.field.is_some() || !c.prefix.is_empty()
}

#[function_component(QueryBar)]
pub fn query_bar(props: &QueryBarProps) -> Html {
    let text = use_state(|| props.query.clone());
    let problem = use_state(|| syntax_problem(&props.query));
    let input = use_node_ref();
    let mirror = use_node_ref();
    let suggestions = use_state(|| None::<Suggestions>);
    // Numbers suggestion requests: an answer to an older one is dropped.
    let asked = use_mut_ref(|| 0u32);
    // Where the cursor goes once the text a suggestion wrote is drawn (UTF-16 offset).
    let place_cursor = use_mut_ref(|| None::<u32>);
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    // The query this box last sent: coming back as the prop, it is not news.
    let sent: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);

    // A query set from elsewhere replaces the draft (and any pending run of it).
    {
        let (text, problem, pending, sent, suggestions) = (
            text.clone(),
            problem.clone(),
            Rc::clone(&pending),
            Rc::clone(&sent),
            suggestions.clone(),
        );
        use_effect_with(props.query.clone(), move |query| {
            if sent.borrow().as_ref() != Some(query) {
                pending.borrow_mut().take();
                *sent.borrow_mut() = None;
                problem.set(syntax_problem(query));
                suggestions.set(None);
                text.set(query.clone());
            }
        });
    }

    // Tell the view whether the table answers the box.
    {
        let draft = if problem.is_some() {
            Draft::Invalid
        } else if *text != props.query {
            Draft::Pending
        } else {
            Draft::Current
        };
        let on_draft = props.on_draft.clone();
        use_effect_with(draft, move |d| on_draft.emit(*d));
    }

    let run = {
        let (on_query, problem, pending, sent) = (
            props.on_query.clone(),
            problem.clone(),
            Rc::clone(&pending),
            Rc::clone(&sent),
        );
        move |q: String, delay: u32| {
            // Replacing the timeout cancels the previous one.
            pending.borrow_mut().take();
            match syntax_problem(&q) {
                None => {
                    problem.set(None);
                    let (on_query, sent) = (on_query.clone(), Rc::clone(&sent));
                    let go = move || {
                        *sent.borrow_mut() = Some(q.clone());
                        on_query.emit(q);
                    };
                    if delay == 0 {
                        go();
                    } else {
                        *pending.borrow_mut() = Some(Timeout::new(delay, go));
                    }
                }
                Some(p) => problem.set(Some(p)),
            }
        }
    };
    // Ask for suggestions for the word at `cursor` (bytes) of `value`; `force` opens the
    // list on an empty word too (ArrowDown).
    let suggest = {
        let (engine, suggestions, asked) =
            (props.engine.clone(), suggestions.clone(), Rc::clone(&asked));
        move |value: &str, cursor: usize, force: bool| {
            let n = {
                let mut a = asked.borrow_mut();
                *a += 1;
                *a
            };
            let Some(completion) =
                query::complete::at_cursor(value, cursor).filter(|c| force || worth_suggesting(c))
            else {
                suggestions.set(None);
                return;
            };
            let (engine, suggestions, asked) =
                (engine.clone(), suggestions.clone(), Rc::clone(&asked));
            spawn_local(async move {
                let answer = engine
                    .suggest(completion.field.clone(), completion.prefix.clone())
                    .await;
                if let Ok(items) = answer {
                    if *asked.borrow() == n {
                        suggestions.set((!items.is_empty()).then_some(Suggestions {
                            completion,
                            items,
                            active: 0,
                        }));
                    }
                }
            });
        }
    };
    // Put the chosen suggestion in the text.
    let take = {
        let (text, run, suggest, place_cursor) = (
            text.clone(),
            run.clone(),
            suggest.clone(),
            Rc::clone(&place_cursor),
        );
        move |open: &Suggestions, index: usize| {
            let Some((choice, _)) = open.items.get(index) else {
                return;
            };
            let (value, cursor) = open.completion.apply(&text, choice);
            *place_cursor.borrow_mut() = Some(value[..cursor].encode_utf16().count() as u32);
            text.set(value.clone());
            run(value.clone(), DEBOUNCE_MS);
            // A field name is followed by its values.
            suggest(&value, cursor, false);
        }
    };
    {
        let (input, place_cursor) = (input.clone(), Rc::clone(&place_cursor));
        use_effect_with((*text).clone(), move |_| {
            if let (Some(at), Some(el)) = (
                place_cursor.borrow_mut().take(),
                input.cast::<HtmlInputElement>(),
            ) {
                let _ = el.focus();
                let _ = el.set_selection_range(at, at);
            }
        });
    }
    // The underline sits in a copy of the text behind the box: keep it scrolled with it.
    let sync_mirror = {
        let (input, mirror) = (input.clone(), mirror.clone());
        move || {
            if let (Some(i), Some(m)) = (
                input.cast::<HtmlInputElement>(),
                mirror.cast::<web_sys::Element>(),
            ) {
                m.set_scroll_left(i.scroll_left());
            }
        }
    };
    let on_input = {
        let (text, run, suggest, suggestions, sync_mirror) = (
            text.clone(),
            run.clone(),
            suggest.clone(),
            suggestions.clone(),
            sync_mirror.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let el = e.target_unchecked_into::<HtmlInputElement>();
            let (value, cursor) = text_and_cursor(&el);
            text.set(value.clone());
            // Until the worker answers, narrow the open list to what still fits, so a
            // quick Tab never takes a suggestion for an older word.
            if let Some(open) = &*suggestions {
                let now = query::complete::at_cursor(&value, cursor);
                suggestions.set(now.filter(|c| c.field == open.completion.field).and_then(
                    |completion| {
                        let fits = |item: &str| {
                            item.len() > completion.prefix.len()
                                && query::complete::has_prefix(item, &completion.prefix)
                        };
                        let items: Vec<(String, u32)> = open
                            .items
                            .iter()
                            .filter(|(i, _)| fits(i))
                            .cloned()
                            .collect();
                        (!items.is_empty()).then_some(Suggestions {
                            completion,
                            items,
                            active: 0,
                        })
                    },
                ));
            }
            suggest(&value, cursor, false);
            run(value, DEBOUNCE_MS);
            sync_mirror();
        })
    };
    // Closing the list also drops the answer still on its way, so a list asked for by
    // the last keystroke never reopens after Escape, Enter or leaving the box.
    let close = {
        let (suggestions, asked) = (suggestions.clone(), Rc::clone(&asked));
        move || {
            *asked.borrow_mut() += 1;
            suggestions.set(None);
        }
    };
    let on_key = {
        let (text, suggestions, take, run, suggest, input, close) = (
            text.clone(),
            suggestions.clone(),
            take.clone(),
            run.clone(),
            suggest.clone(),
            input.clone(),
            close.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if let Some(open) = &*suggestions {
                let n = open.items.len();
                let moved = match key.as_str() {
                    "ArrowDown" => Some((open.active + 1) % n),
                    "ArrowUp" => Some((open.active + n - 1) % n),
                    _ => None,
                };
                if let Some(active) = moved {
                    e.prevent_default();
                    suggestions.set(Some(Suggestions {
                        active,
                        ..open.clone()
                    }));
                    return;
                }
                if key == "Tab" && !e.shift_key() {
                    e.prevent_default();
                    let open = open.clone();
                    suggestions.set(None);
                    take(&open, open.active);
                    return;
                }
            }
            match key.as_str() {
                // Never the browser's clearing of the box: only the list closes.
                "Escape" => {
                    e.prevent_default();
                    close();
                }
                // What is typed runs, as typed, at once.
                "Enter" => {
                    e.prevent_default();
                    close();
                    run((*text).clone(), 0);
                }
                "ArrowDown" if suggestions.is_none() => {
                    if let Some(el) = input.cast::<HtmlInputElement>() {
                        e.prevent_default();
                        let (value, cursor) = text_and_cursor(&el);
                        suggest(&value, cursor, true);
                    }
                }
                _ => {}
            }
        })
    };
    let on_blur = {
        let close = close.clone();
        Callback::from(move |_: FocusEvent| close())
    };
    let list_id = "query-suggestions";
    let list = suggestions.as_ref().map(|open| {
        html! {
            <ul class="suggestions" data-testid="suggestions" role="listbox" id={list_id} aria-label="Suggestions">
            { for open.items.iter().enumerate().map(|(i, (item, count))| {
                let (take, open2, suggestions) = (take.clone(), open.clone(), suggestions.clone());
                // mousedown, not click: it comes before the box loses focus.
                let pick = Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    suggestions.set(None);
                    take(&open2, i);
                });
                html! {
                    <li class={classes!((i == open.active).then_some("active"))} data-testid="suggestion"
                        id={format!("query-suggestion-{i}")} aria-selected={(i == open.active).to_string()}
                        data-text={item.clone()} role="option" onmousedown={pick}>
                        <span>{item}</span>
                        if *count > 0 { <span class="count">{display::count(*count)}</span> }
                    </li>
                }
            }) }
            </ul>
        }
    });
    // The box's own error first, then the worker's (a drill-down clause out of place)
    // and its warnings (words nothing in the data answers): those are about the query
    // that ran, so only while the box still shows it.
    let answers_box = *text == props.query;
    let shown: Option<Problem> = (*problem)
        .clone()
        .or_else(|| {
            let error = props.error.as_ref().filter(|_| answers_box)?;
            Some(error_problem(&text, error))
        })
        .or_else(|| {
            answers_box
                .then(|| props.warnings.first())
                .flatten()
                .map(|n| Problem {
                    span: n.span.clone(),
                    word: n.word.clone(),
                    message: n.message.clone(),
                    error: false,
                })
        });
    let underline = shown.as_ref().and_then(|p| {
        let (start, end) = (p.span.start.min(text.len()), p.span.end.min(text.len()));
        // An error at the very end (a missing value) marks the last character.
        let start = if start == end && start > 0 {
            text[..start].char_indices().next_back().map_or(start, |(i, _)| i)
        } else {
            start
        };
        (start < end && text.is_char_boundary(start) && text.is_char_boundary(end)).then(|| {
            html! {
                <div class="query-mirror" ref={mirror.clone()} aria-hidden="true">
                    <span class="before">{&text[..start]}</span>
                    <mark class={classes!(if p.error { "error" } else { "warning" })} data-testid="query-underline"
                          data-start={start.to_string()} data-end={end.to_string()}>{&text[start..end]}</mark>
                </div>
            }
        })
    });
    let active = suggestions
        .as_ref()
        .map(|o| format!("query-suggestion-{}", o.active));
    html! {
        <div class="query-bar" role="search">
            <div class="query-box">
                { underline.unwrap_or_default() }
                <input type="text" id="query" data-testid="query" ref={input} onblur={on_blur} autocomplete="off"
                       placeholder="Query: eventName:Create* AND NOT errorCode:* · _exists_:errorCode · eventTime:[2024-01-01 TO 2024-01-02] · free text"
                       aria-label="Query" role="combobox" aria-autocomplete="list"
                       aria-expanded={suggestions.is_some().to_string()} aria-controls={list_id}
                       aria-activedescendant={active}
                       aria-invalid={shown.as_ref().is_some_and(|p| p.error).to_string()}
                       aria-describedby={shown.as_ref().map(|_| "query-error")}
                       value={(*text).clone()} oninput={on_input} onkeydown={on_key} spellcheck="false"
                       onscroll={let s = sync_mirror.clone(); move |_: Event| s()}
                       class={classes!(shown.as_ref().map(|p| if p.error { "invalid" } else { "warned" }))} />
            </div>
            <span class="match-count" data-testid="match-count"
                  data-count={props.total.map(|t| t.to_string()).unwrap_or_default()}>
                { match props.total {
                    Some(t) => format!("{} events", display::count(t)),
                    None => "… events".to_owned(),
                } }
            </span>
            if let Some(p) = &shown {
                <div class={classes!("query-error", (!p.error).then_some("warning"))} data-testid="query-error"
                     id="query-error" data-word={p.word.clone()} data-kind={if p.error { "error" } else { "warning" }}
                     aria-live="polite">{&p.message}</div>
            }
            // Last, so that opening the list never moves (and re-creates) the input.
            { list.unwrap_or_default() }
        </div>
    }
}
