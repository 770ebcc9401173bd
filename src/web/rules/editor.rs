//! The rule editor: name and pattern boxes, the live check of the pattern with the
//! position of its problem, and the save / format / cancel buttons.

use web_sys::{HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::rules::{PatternError, PatternNote};

/// The empty pattern box's placeholder: the shape of a pattern.
const EXAMPLE: &str = r#"{
  "source": ["aws.organizations"],
  "detail": {
    "eventName": ["LeaveOrganization"]
  }
}"#;

/// What the editor shows, and where its input goes.
pub(super) struct Editor<'a> {
    pub(super) name: &'a str,
    pub(super) pattern: &'a str,
    pub(super) editing: Option<&'a str>,
    /// `None` while the pattern is empty; else whether it compiles, and its notes.
    pub(super) check: Option<&'a Result<Vec<PatternNote>, PatternError>>,
    pub(super) name_problem: Option<&'a str>,
    pub(super) replaces: bool,
    pub(super) can_save: bool,
    pub(super) pattern_ref: &'a NodeRef,
    pub(super) on_name: Callback<InputEvent>,
    pub(super) on_pattern: Callback<InputEvent>,
    pub(super) on_pattern_key: Callback<KeyboardEvent>,
    pub(super) on_format: Callback<MouseEvent>,
    pub(super) on_save: Callback<()>,
    pub(super) on_cancel: Callback<()>,
}

pub(super) fn editor(e: Editor<'_>) -> Html {
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
