//! The search box: the timeline's query language, checked as you type (errors shown with
//! their position, in the page, no worker round trip) and sent to the worker once valid.
//!
//! Controlled: the app owns the query ([`QueryBarProps::query`]); the box keeps a draft
//! while the user types and takes the app's query whenever that changes from elsewhere
//! (the detail pane's filter and context actions).
//!
//! Autocomplete: the word at the cursor ([`query::complete::at_cursor`]) is a field name
//! or a field's value; the worker suggests names present in the data and frequent
//! values ([`Request::Suggest`]). Arrows move, Enter or Tab takes, Escape closes.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use wasm_bindgen_futures::spawn_local;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::engine::Engine;
use crate::display;
use crate::protocol::{Request, Response};
use crate::query::{self, complete::Completion};

/// Quiet time after the last keystroke before a valid query runs.
/// - Good (longer): fewer scans of a million events while typing.
/// - Bad (longer): the table lags behind the box.
const DEBOUNCE_MS: u32 = 250;

#[derive(Properties, PartialEq)]
pub struct QueryBarProps {
    /// Events matching the current view.
    pub total: u32,
    /// The app's query: the box shows it whenever it changes.
    #[prop_or_default]
    pub query: String,
    /// Run this query (an empty string shows everything).
    pub on_query: Callback<String>,
    /// Asked for autocomplete suggestions.
    pub engine: Engine,
    /// The worker's word on the query, when the box found nothing wrong.
    #[prop_or_default]
    pub error: Option<String>,
}

/// Open suggestions: what they complete and the choices, one of them active.
#[derive(Clone, PartialEq)]
struct Suggestions {
    completion: Completion,
    items: Vec<(String, u32)>,
    active: usize,
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

#[function_component(QueryBar)]
pub fn query_bar(props: &QueryBarProps) -> Html {
    let text = use_state(|| props.query.clone());
    let error = use_state(|| None::<String>);
    let input = use_node_ref();
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
        let (text, error, pending, sent) = (
            text.clone(),
            error.clone(),
            Rc::clone(&pending),
            Rc::clone(&sent),
        );
        use_effect_with(props.query.clone(), move |query| {
            if sent.borrow().as_ref() != Some(query) {
                pending.borrow_mut().take();
                *sent.borrow_mut() = None;
                error.set(query::parse(query).err().map(|e| e.to_string()));
                text.set(query.clone());
            }
        });
    }

    let run = {
        let (on_query, error, pending, sent) = (
            props.on_query.clone(),
            error.clone(),
            Rc::clone(&pending),
            Rc::clone(&sent),
        );
        move |q: String, delay: u32| {
            // Replacing the timeout cancels the previous one.
            pending.borrow_mut().take();
            match query::parse(&q) {
                Ok(_) => {
                    error.set(None);
                    let (on_query, sent) = (on_query.clone(), Rc::clone(&sent));
                    *pending.borrow_mut() = Some(Timeout::new(delay, move || {
                        *sent.borrow_mut() = Some(q.clone());
                        on_query.emit(q);
                    }));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        }
    };
    // Ask for suggestions for the word at `cursor` (bytes) of `value`.
    let suggest = {
        let (engine, suggestions, asked) =
            (props.engine.clone(), suggestions.clone(), Rc::clone(&asked));
        move |value: &str, cursor: usize| {
            let n = {
                let mut a = asked.borrow_mut();
                *a += 1;
                *a
            };
            let Some(completion) = query::complete::at_cursor(value, cursor) else {
                suggestions.set(None);
                return;
            };
            let (engine, suggestions, asked) =
                (engine.clone(), suggestions.clone(), Rc::clone(&asked));
            spawn_local(async move {
                let request = Request::Suggest {
                    field: completion.field.clone(),
                    prefix: completion.prefix.clone(),
                };
                if let Some(Response::Suggest { items }) = engine.ask(request).await {
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
    // Put the active suggestion in the text.
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
            suggest(&value, cursor);
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
    let on_input = {
        let (text, run, suggest, suggestions) = (
            text.clone(),
            run.clone(),
            suggest.clone(),
            suggestions.clone(),
        );
        Callback::from(move |e: InputEvent| {
            let el = e.target_unchecked_into::<HtmlInputElement>();
            let value = el.value();
            let cursor = el
                .selection_start()
                .ok()
                .flatten()
                .map_or(value.len(), |c| byte_offset(&value, c));
            text.set(value.clone());
            // Until the worker answers, narrow the open list to what still fits, so a
            // quick Enter never takes a suggestion for an older word.
            if let Some(open) = &*suggestions {
                let now = query::complete::at_cursor(&value, cursor);
                suggestions.set(now.filter(|c| c.field == open.completion.field).and_then(
                    |completion| {
                        let fits = |item: &str| {
                            item.len() > completion.prefix.len()
                                && item.is_char_boundary(completion.prefix.len())
                                && item[..completion.prefix.len()]
                                    .eq_ignore_ascii_case(&completion.prefix)
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
            suggest(&value, cursor);
            run(value, DEBOUNCE_MS);
        })
    };
    let on_key = {
        let (text, suggestions, take) = (text.clone(), suggestions.clone(), take.clone());
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
                match key.as_str() {
                    "Enter" | "Tab" => {
                        e.prevent_default();
                        let open = open.clone();
                        suggestions.set(None);
                        take(&open, open.active);
                        return;
                    }
                    "Escape" => {
                        suggestions.set(None);
                        return;
                    }
                    _ => {}
                }
            }
            if key == "Enter" {
                run((*text).clone(), 0);
            }
        })
    };
    let on_blur = {
        let suggestions = suggestions.clone();
        Callback::from(move |_: FocusEvent| suggestions.set(None))
    };
    let list = suggestions.as_ref().map(|open| {
        html! {
            <ul class="suggestions" data-testid="suggestions" role="listbox">
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
                        data-text={item.clone()} role="option" onmousedown={pick}>
                        <span>{item}</span>
                        if *count > 0 { <span class="count">{display::count(*count)}</span> }
                    </li>
                }
            }) }
            </ul>
        }
    });
    let shown_error = (*error).clone().or_else(|| props.error.clone());
    html! {
        <div class="query-bar">
            <input type="search" data-testid="query" ref={input} onblur={on_blur} autocomplete="off" placeholder="Query: eventName:Create* AND NOT errorCode:* · _exists_:errorCode · eventTime:[2024-01-01 TO 2024-01-02] · free text"
                   value={(*text).clone()} oninput={on_input} onkeydown={on_key} spellcheck="false"
                   class={classes!(shown_error.is_some().then_some("invalid"))} />
            <span class="match-count" data-testid="match-count" data-count={props.total.to_string()}>
                {format!("{} events", display::count(props.total))}
            </span>
            if let Some(message) = &shown_error {
                <div class="query-error" data-testid="query-error">{message}</div>
            }
            // Last, so that opening the list never moves (and re-creates) the input.
            { list.unwrap_or_default() }
        </div>
    }
}
