//! What a load did: its progress while it runs, then the summary and the ledger (one
//! line per file, problems first).

use std::rc::Rc;

use yew::prelude::*;

use crate::display;
use crate::ingest::FileReport;
use crate::protocol::Summary;
use crate::web::page::state::LoadState;
use crate::web::shared::Shared;

#[derive(Properties, PartialEq)]
pub struct LoadStatusProps {
    pub load: LoadState,
    pub files_done: u32,
    pub files_total: u32,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub events: u32,
    /// Files read (when done: all files in the ledger).
    pub files: u32,
    pub skipped: u32,
    pub cancelled: bool,
    pub interrupted: Option<(u32, u32)>,
    pub on_cancel: Callback<MouseEvent>,
}

#[function_component(LoadStatus)]
pub fn load_status(props: &LoadStatusProps) -> Html {
    let s = props;
    let (files, errors) = (s.files, s.skipped);
    let fraction = if s.bytes_total > 0 {
        s.bytes_done as f64 / s.bytes_total as f64
    } else if s.files_total > 0 {
        f64::from(s.files_done) / f64::from(s.files_total)
    } else {
        0.0
    };
    html! {
        <section class="load-status" data-testid="load-status" data-state={s.load.as_str()}
                 data-files={files.to_string()} data-events={s.events.to_string()}
                 data-errors={errors.to_string()} data-interrupted={s.interrupted.is_some().to_string()}>
            if let (LoadState::Done, Some((read, picked))) = (s.load, s.interrupted) {
                <div class="interrupted" data-testid="load-interrupted" role="status">
                    <b>{"Load cancelled: "}</b>
                    {format!("{} of {} files were read; the rest are not loaded. To finish, load the same files again: what is already loaded is recognised and counted once.",
                        display::count(read), display::count(picked))}
                </div>
            }
            if s.load == LoadState::Loading {
                <progress max="1" value={fraction.to_string()} />
                <span>
                    {format!("{} / {} files · {} / {} · {} events",
                        display::count(s.files_done), display::count(s.files_total),
                        display::bytes(s.bytes_done), display::bytes(s.bytes_total),
                        display::count(s.events))}
                </span>
                <button class="button" data-testid="cancel" onclick={props.on_cancel.clone()} disabled={s.cancelled}>
                    { if s.cancelled { "Stopping…" } else { "Cancel" } }
                </button>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub summary: Rc<Summary>,
}

#[function_component(SummaryView)]
pub fn summary_view(props: &SummaryProps) -> Html {
    let s = &props.summary;
    let st = &s.stats;
    let top = |list: &[(String, u32)]| -> String {
        let mut names: Vec<String> = list
            .iter()
            .take(4)
            .map(|(k, v)| format!("{k} ({})", display::count(*v)))
            .collect();
        if list.len() > 4 {
            names.push(format!("+{} more", list.len() - 4));
        }
        names.join(", ")
    };
    html! {
        <section class="summary" data-testid="summary">
            <div class="stat"><b>{display::count(s.files)}</b>{" files read"}</div>
            <div class="stat"><b>{display::count(st.events)}</b>{" events"}</div>
            <div class="stat" data-testid="time-span">
                {display::time(st.first_time)}{" → "}{display::time(st.last_time)}{" UTC"}
            </div>
            <div class="stat" title={top(&st.accounts)}><b>{st.accounts.len()}</b>{" accounts"}</div>
            <div class="stat" title={top(&st.regions)}><b>{st.regions.len()}</b>{" regions"}</div>
            if s.filtered > 0 {
                <div class="stat" data-testid="filtered-count" data-count={s.filtered.to_string()}
                     title="Good records the load filter left out">
                    <b>{display::count(s.filtered)}</b>{" left out by the load filter"}
                </div>
            }
            if s.duplicates > 0 {
                <div class="stat" title="The same event (eventID, time, name and source) delivered more than once (overlapping trails or files): counted once. Records that reuse an eventID but differ are kept apart.">
                    <b>{display::count(s.duplicates)}</b>{" duplicates merged"}
                </div>
            }
            if s.skipped > 0 {
                <div class="stat warn"><b>{display::count(s.skipped)}</b>{" skipped (see files below)"}</div>
            }
            if st.with_error > 0 {
                <div class="stat"><b>{display::count(st.with_error)}</b>{" with errorCode"}</div>
            }
            if st.summary_only > 0 {
                <div class="stat" title="From the console's CSV export: no request or response details">
                    <b>{display::count(st.summary_only)}</b>{" summary only"}
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LedgerProps {
    pub reports: Shared<Vec<FileReport>>,
}

/// Most ledger rows drawn at once; the rest are counted (tens of thousands of clean files
/// would only bury the few with problems).
const LEDGER_ROWS: usize = 1000;

#[function_component(Ledger)]
pub fn ledger(props: &LedgerProps) -> Html {
    let mut rows: Vec<&FileReport> = props.reports.iter().collect();
    // Problems first, then in load order.
    rows.sort_by_key(|r| r.issues.is_empty());
    let troubled = rows.iter().filter(|r| !r.issues.is_empty()).count();
    let hidden = rows.len().saturating_sub(LEDGER_ROWS);
    html! {
        <details class="ledger" open={troubled > 0}>
            <summary>
                {format!("Files ({})", display::count(props.reports.len() as u32))}
                if troubled > 0 { <span class="warn">{format!(" · {troubled} with problems")}</span> }
            </summary>
            <table>
                <thead><tr><th>{"File"}</th><th>{"Format"}</th><th>{"Events"}</th><th>{"Duplicates"}</th><th>{"Skipped"}</th><th>{"Notes"}</th></tr></thead>
                <tbody>
                { for rows.iter().take(LEDGER_ROWS).map(|r| html! {
                    <tr data-testid="ledger-row" data-file={r.path.clone()} data-format={r.format.as_str()}
                        data-events={r.kept.to_string()} data-skipped={r.skipped.to_string()}
                        class={classes!((!r.issues.is_empty()).then_some("has-issues"))}>
                        <td class="path">{&r.path}</td>
                        <td title={r.format.describe()}>{r.format.as_str()}{ if r.compressed { " (gz)" } else { "" } }</td>
                        <td class="num">{display::count(r.kept)}</td>
                        <td class="num">{display::count(r.duplicates)}</td>
                        <td class="num">{display::count(r.skipped)}</td>
                        <td class="reasons">
                            { for r.issues.iter().map(|i| html! { <div class="issue">{i.to_string()}</div> }) }
                            { for r.notes.iter().map(|n| html! { <div class="note">{n}</div> }) }
                        </td>
                    </tr>
                }) }
                </tbody>
            </table>
            if hidden > 0 {
                <p class="more">{format!("… and {} more files without problems", display::count(hidden as u32))}</p>
            }
        </details>
    }
}
