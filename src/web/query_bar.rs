//! The search box: the timeline's query language, checked as you type (errors shown with
//! their position, in the page, no worker round trip) and sent to the worker once valid.
//!
//! Controlled: the app owns the query ([`QueryBarProps::query`]); the box keeps a draft
//! while the user types and takes the app's query whenever that changes from elsewhere
//! (the detail pane's filter and context actions).

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::display;
use crate::query;

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
}

#[function_component(QueryBar)]
pub fn query_bar(props: &QueryBarProps) -> Html {
    let text = use_state(|| props.query.clone());
    let error = use_state(|| None::<String>);
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
    let on_input = {
        let (text, run) = (text.clone(), run.clone());
        Callback::from(move |e: InputEvent| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            text.set(value.clone());
            run(value, DEBOUNCE_MS);
        })
    };
    let on_key = {
        let text = text.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                run((*text).clone(), 0);
            }
        })
    };
    html! {
        <div class="query-bar">
            <input type="search" data-testid="query" placeholder="Query: eventName:Create* AND NOT errorCode:* · _exists_:errorCode · eventTime:[2024-01-01 TO 2024-01-02] · free text"
                   value={(*text).clone()} oninput={on_input} onkeydown={on_key} spellcheck="false"
                   class={classes!(error.is_some().then_some("invalid"))} />
            <span class="match-count" data-testid="match-count" data-count={props.total.to_string()}>
                {format!("{} events", display::count(props.total))}
            </span>
            if let Some(message) = &*error {
                <div class="query-error" data-testid="query-error">{message}</div>
            }
        </div>
    }
}
