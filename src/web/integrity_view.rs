//! The Integrity tab: offline digest validation ([`crate::integrity`]) of everything
//! loaded, and the coverage map.
//!
//! Test hooks: `integrity-view` (`data-state` loading | ready | empty), `integrity-summary`
//! (`data-digests-valid`, `-invalid`, `-unverifiable`, `data-logs-valid`, `-invalid`,
//! `-not-loaded`, `-unvouched`), `integrity-digest` and `integrity-log` rows (`data-file`
//! from `AWSLogs/`, `data-status`), `chain-note` (`data-kind` gap | restart),
//! `coverage-row` (`data-account`, `data-region`, `data-cells`: one character an hour,
//! `.` nothing known, `e` a digest proves it empty, `f` files loaded, `m` a listed file is
//! missing), `coverage-gap` (`data-account`, `data-region`, `data-from`, `data-to`),
//! `integrity-note`.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

use crate::integrity::{CoverageRow, DigestStatus, LogStatus, Report};
use crate::time::{format_iso, HOUR};
use crate::web::worker::engine::Engine;

/// Pixels per hour on the coverage map.
const CELL_PX: u32 = 6;
/// Most digest (and log) rows drawn, problems first; the rest are counted (a day of a big
/// organization is ~10,000 digests, nearly all valid).
const ROWS: usize = 500;

/// Rows whose status is not `valid` first, at most [`ROWS`]; and how many are left out.
fn problems_first<T>(rows: &[T], valid: impl Fn(&T) -> bool) -> (Vec<&T>, usize) {
    let mut sorted: Vec<&T> = rows.iter().collect();
    sorted.sort_by_key(|r| valid(r));
    let hidden = sorted.len().saturating_sub(ROWS);
    sorted.truncate(ROWS);
    (sorted, hidden)
}

#[derive(Properties, PartialEq)]
pub struct IntegrityProps {
    pub engine: Engine,
    /// The loaded data's generation: a new one (files, keys or head-object files added)
    /// asks again.
    pub generation: u32,
}

#[function_component(IntegrityView)]
pub fn integrity_view(props: &IntegrityProps) -> Html {
    let report = use_state(|| None::<(u32, Rc<Report>)>);
    {
        let (engine, report) = (props.engine.clone(), report.clone());
        use_effect_with(props.generation, move |&generation| {
            spawn_local(async move {
                if let Ok(r) = engine.integrity().await {
                    report.set(Some((generation, Rc::new(r))));
                }
            });
        });
    }
    let Some((generation, r)) = &*report else {
        return html! { <section class="integrity" data-testid="integrity-view" data-state="loading">{"Validating…"}</section> };
    };
    let state = if *generation != props.generation {
        "loading"
    } else if r.digests.is_empty() {
        "empty"
    } else {
        "ready"
    };
    let s = &r.summary;
    let (digests, digests_hidden) = problems_first(&r.digests, |d| d.status == DigestStatus::Valid);
    let (logs, logs_hidden) = problems_first(&r.logs, |l| l.status == LogStatus::Valid);
    let more = |n: usize| {
        (n > 0).then(|| html! { <p class="muted more">{format!("… and {n} more, all valid")}</p> })
    };
    html! {
        <section class="integrity" data-testid="integrity-view" data-state={state}>
            <div class="integrity-summary" data-testid="integrity-summary"
                 data-digests-valid={s.digests_valid.to_string()} data-digests-invalid={s.digests_invalid.to_string()}
                 data-digests-unverifiable={s.digests_unverifiable.to_string()}
                 data-logs-valid={s.logs_valid.to_string()} data-logs-invalid={s.logs_invalid.to_string()}
                 data-logs-not-loaded={s.logs_not_loaded.to_string()} data-logs-unvouched={s.logs_unvouched.to_string()}>
                <span><b>{"Digests: "}</b>{format!("{} valid · {} invalid · {} unverifiable", s.digests_valid, s.digests_invalid, s.digests_unverifiable)}</span>
                <span><b>{"Log files: "}</b>{format!("{} valid · {} invalid · {} not loaded · {} not vouched for by any loaded digest", s.logs_valid, s.logs_invalid, s.logs_not_loaded, s.logs_unvouched)}</span>
                <span class="muted">{format!("{} public key(s) loaded", s.keys)}</span>
            </div>
            if r.digests.is_empty() {
                <Help />
            }
            { for r.notes.iter().map(|n| html! { <p class="warn" data-testid="integrity-note">{n}</p> }) }
            { for r.chain.iter().map(|c| html! {
                <p class={classes!("chain-note", c.kind.clone())} data-testid="chain-note" data-kind={c.kind.clone()}
                   data-account={c.account.clone()} data-region={c.region.clone()}>{format!("{} {}: {}", c.account, c.region, c.text)}</p>
            }) }
            <CoverageMap report={Rc::clone(r)} />
            if !r.digests.is_empty() {
                <h3>{format!("Digests ({})", r.digests.len())}</h3>
                <div class="table-wrap"><table class="integrity-table">
                    <thead><tr><th>{"Status"}</th><th>{"Digest"}</th><th>{"Account"}</th><th>{"Region"}</th><th>{"Covers (UTC)"}</th><th>{"Logs"}</th><th>{"Why"}</th></tr></thead>
                    <tbody>
                    { for digests.iter().map(|d| html! {
                        <tr data-testid="integrity-digest" data-file={d.file.clone()} data-status={d.status.as_str()}>
                            <td><span class={classes!("status", d.status.as_str())}>{d.status.as_str()}</span></td>
                            <td class="path">{&d.file}</td><td>{&d.account}</td><td>{&d.region}</td>
                            <td>{format!("{} → {}", d.start, d.end)}</td><td class="num">{d.logs}</td>
                            <td class="muted">{&d.reason}</td>
                        </tr>
                    }) }
                    </tbody>
                </table></div>
                { for more(digests_hidden) }
                <h3>{format!("Log files listed by digests ({})", r.logs.len())}</h3>
                <div class="table-wrap"><table class="integrity-table">
                    <thead><tr><th>{"Status"}</th><th>{"Log file"}</th><th>{"Listed by"}</th></tr></thead>
                    <tbody>
                    { for logs.iter().map(|l| html! {
                        <tr data-testid="integrity-log" data-file={l.file.clone()} data-status={l.status.as_str()}>
                            <td><span class={classes!("status", l.status.as_str())}>{l.status.as_str()}</span></td>
                            <td class="path">{&l.file}</td><td class="path muted">{&l.digest}</td>
                        </tr>
                    }) }
                    </tbody>
                </table></div>
                { for more(logs_hidden) }
            }
        </section>
    }
}

/// What to load for validation, and the two commands that save it.
#[function_component(Help)]
fn help() -> Html {
    html! {
        <div class="integrity-help">
            <p>{"Drop the AWSLogs/ folder with its CloudTrail-Digest/ folders to validate the logs offline. Also drop:"}</p>
            <ul>
                <li>{"the public keys, per region: "}<code>{"aws cloudtrail list-public-keys --region REGION --start-time 2026-01-01T00:00:00Z --end-time 2026-02-01T00:00:00Z > keys-REGION.json"}</code></li>
                <li>{"for the newest digest (its signature is only in S3 metadata): "}<code>{"aws s3api head-object --bucket BUCKET --key AWSLogs/…/DIGEST.json.gz > DIGEST.json.gz.head-object.json"}</code></li>
            </ul>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CoverageProps {
    report: Rc<Report>,
}

/// Account × region × hour: runs of the same state drawn as one bar each (a month is 720
/// hours a row).
#[function_component(CoverageMap)]
fn coverage_map(props: &CoverageProps) -> Html {
    let c = &props.report.coverage;
    if c.rows.is_empty() {
        return html! {};
    }
    let end = c.start + i64::from(c.hours) * HOUR;
    html! {
        <div class="coverage" data-testid="coverage">
            <h3>{"Coverage (UTC hours)"}</h3>
            <p class="muted">{format!("{} → {}", format_iso(c.start), format_iso(end))}
                { if c.cut { " (the latest hours only)" } else { "" } }</p>
            <p class="legend">
                <span class="cell f" />{" files loaded "}<span class="cell e" />{" nothing delivered (a digest says) "}
                <span class="cell m" />{" listed by a digest, not loaded "}<span class="cell none" />{" no evidence"}
            </p>
            <table class="coverage-map"><tbody>
            { for c.rows.iter().map(|row| html! {
                <tr data-testid="coverage-row" data-account={row.account.clone()} data-region={row.region.clone()}
                    data-cells={row.cells.clone()}>
                    <th>{format!("{} {}", row.account, row.region)}</th>
                    <td class="cells">{ runs(row, c.start) }</td>
                </tr>
            }) }
            </tbody></table>
            if !c.gaps.is_empty() {
                <h4>{"Gaps inside a delivery stream"}</h4>
                <ul class="gaps">
                { for c.gaps.iter().map(|g| html! {
                    <li data-testid="coverage-gap" data-account={g.account.clone()} data-region={g.region.clone()}
                        data-from={g.from.clone()} data-to={g.to.clone()}>
                        {format!("{} {}: no log file and no digest from {} to {}", g.account, g.region, g.from, g.to)}
                    </li>
                }) }
                </ul>
            }
        </div>
    }
}

fn runs(row: &CoverageRow, start: i64) -> Html {
    let cells = row.cells.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let mut j = i;
        while j < cells.len() && cells[j] == cells[i] {
            j += 1;
        }
        let (class, words) = match cells[i] {
            b'f' => ("f", "files loaded"),
            b'e' => ("e", "nothing delivered (a digest says)"),
            b'm' => ("m", "listed by a digest, not loaded"),
            _ => ("none", "no evidence"),
        };
        let title = format!(
            "{} → {}: {words}",
            format_iso(start + i as i64 * HOUR),
            format_iso(start + j as i64 * HOUR)
        );
        let style = format!("width:{}px", (j - i) as u32 * CELL_PX);
        out.push(html! { <span class={classes!("cell", class)} style={style} title={title} /> });
        i = j;
    }
    out.into_iter().collect()
}
