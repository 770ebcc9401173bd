//! "Run this elsewhere": the Events tab's query and time range as Athena, CloudTrail Lake
//! and DuckDB SQL, each with a copy button, and Athena's `CREATE EXTERNAL TABLE` for the
//! trail whose files are loaded. Computed in the page ([`crate::sql`] is pure and fast):
//! only the query text, the brush and the ledger's paths and formats are needed.

use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::ingest::FileReport;
use crate::sql::{self, Dialect, Options, SourceFile, TrailLayout, Translation};
use crate::time::EpochMillis;
use crate::web::events::detail::clipboard;
use crate::web::shared::Shared;

#[derive(Properties, PartialEq)]
pub struct SqlPanelProps {
    pub query: String,
    pub time: Option<(EpochMillis, EpochMillis)>,
    pub ledger: Shared<Vec<FileReport>>,
}

#[function_component(SqlPanel)]
pub fn sql_panel(props: &SqlPanelProps) -> Html {
    let open = use_state(|| false);
    let bucket = use_state(String::new);
    let store = use_state(String::new);
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            let details: web_sys::Element = e.target_unchecked_into();
            open.set(details.has_attribute("open"));
        })
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlInputElement = e.target_unchecked_into();
            state.set(el.value());
        })
    };
    // Translated only while open: a closed panel costs nothing per keystroke.
    let body = if *open {
        let files: Vec<SourceFile> = props.ledger.0.iter().map(SourceFile::from_report).collect();
        let mut options = Options {
            files,
            ..Options::default()
        };
        if !store.trim().is_empty() {
            options.lake_store = store.trim().to_owned();
        }
        let layout = TrailLayout::from_paths(props.ledger.0.iter().map(|r| r.path.as_str()));
        let ddl = sql::create_table(&layout, &bucket, &options.athena_table);
        let one = |d: Dialect, id: &'static str, title: &'static str| {
            let t = sql::translate(&props.query, props.time, d, &options);
            html! { <SqlBlock id={id} title={title} result={Rc::new(t.map_err(|e| e.to_string()))} /> }
        };
        html! {
            <div class="sql-body">
                <p class="muted">{"The query, time range and facet choices as SQL for where the rest of the trail lives. \
                    Each result loads back here: Athena's CSV, DuckDB's NDJSON."}</p>
                { one(Dialect::Athena, "sql-athena", "Athena (cloudtrail_logs_pp, partition projection)") }
                <div class="sql-inputs">
                    <label>{"S3 bucket "}<input data-testid="sql-bucket" placeholder="amzn-s3-demo-bucket"
                        value={(*bucket).clone()} oninput={input(&bucket)} /></label>
                </div>
                <SqlBlock id="sql-ddl" title="Athena CREATE TABLE for the loaded trail"
                          result={Rc::new(Ok::<Translation, String>(ddl))} />
                { one(Dialect::Lake, "sql-lake", "CloudTrail Lake") }
                <div class="sql-inputs">
                    <label>{"Event data store id "}<input data-testid="sql-store" placeholder="EVENT_DATA_STORE_ID"
                        value={(*store).clone()} oninput={input(&store)} /></label>
                </div>
                { one(Dialect::DuckDb, "sql-duckdb", "DuckDB over the loaded folder") }
            </div>
        }
    } else {
        Html::default()
    };
    html! {
        <details class="sql-panel" data-testid="sql-panel" ontoggle={on_toggle}>
            <summary data-testid="sql-open">{"Run this elsewhere (SQL)"}</summary>
            { body }
        </details>
    }
}

#[derive(Properties, PartialEq)]
struct SqlBlockProps {
    id: &'static str,
    title: &'static str,
    result: Rc<Result<Translation, String>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Copied {
    Idle,
    Done,
    Failed,
}

/// One SQL text with its notes and copy button, or why the query has no SQL.
#[function_component(SqlBlock)]
fn sql_block(props: &SqlBlockProps) -> Html {
    let copied = use_state(|| Copied::Idle);
    match &*props.result {
        Err(reason) => html! {
            <section class="sql-block">
                <h3>{props.title}</h3>
                <p class="error" data-testid={format!("{}-error", props.id)}>{reason}</p>
            </section>
        },
        Ok(t) => {
            let on_copy = {
                let (text, copied) = (t.sql.clone(), copied.clone());
                Callback::from(move |_: MouseEvent| {
                    let (text, copied) = (text.clone(), copied.clone());
                    spawn_local(async move {
                        let ok = match clipboard() {
                            Some(c) => JsFuture::from(c.write_text(&text)).await.is_ok(),
                            None => false,
                        };
                        copied.set(if ok { Copied::Done } else { Copied::Failed });
                        TimeoutFuture::new(2_000).await;
                        copied.set(Copied::Idle);
                    });
                })
            };
            let (label, state) = match *copied {
                Copied::Idle => ("Copy", "idle"),
                Copied::Done => ("Copied", "copied"),
                Copied::Failed => ("Copy failed (clipboard unavailable)", "failed"),
            };
            html! {
                <section class="sql-block">
                    <h3>{props.title}
                        <button class="button small" data-testid={format!("copy-{}", props.id)}
                                data-state={state} onclick={on_copy}>{label}</button></h3>
                    <pre class="sql" data-testid={props.id}>{&t.sql}</pre>
                    if !t.notes.is_empty() {
                        <ul class="sql-notes muted">
                            { for t.notes.iter().map(|n| html! { <li>{n}</li> }) }
                        </ul>
                    }
                </section>
            }
        }
    }
}
