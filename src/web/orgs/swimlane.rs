//! Per-account swimlanes: the [`Lanes`] of a report drawn as SVG on one [`Axis`], linear or
//! evenly spaced (the user's choice).

use yew::prelude::*;

use super::sections::{more_button, section, SectionProps, PAGE_ROWS};
use crate::display;
use crate::orgs::sections::SWIMLANES;
use crate::orgs::swimlane::{tick_anchor, Axis, Lane, Lanes, Shape};

/// An SVG length in percent of the plot's width.
fn pct(v: f64) -> String {
    format!("{v:.3}%")
}

/// Hooks: `[data-testid=swimlane]`, and `[data-testid=lane]` with `data-account-id`.
#[function_component(Swimlanes)]
pub fn swimlanes(props: &SectionProps) -> Html {
    let lanes = use_memo(props.report.clone(), |r| Lanes::new(r));
    let limit = use_state(|| PAGE_ROWS);
    let even = use_state(|| false);
    let axis = Axis {
        times: &lanes.times,
        even: *even,
    };
    let body = if lanes.lanes.is_empty() {
        html! { <p class="muted">{SWIMLANES.empty}</p> }
    } else {
        let ticks = axis.ticks();
        let scale_button = |label: &str, value: bool, title: &str| {
            let even = even.clone();
            html! {
                <button class={classes!("button", "small", (*even == value).then_some("active"))}
                        data-testid="axis-mode" data-even={value.to_string()} title={title.to_owned()}
                        onclick={Callback::from(move |_: MouseEvent| even.set(value))}>{label}</button>
            }
        };
        let controls = html! {
            <div class="axis-controls">
                <span class="muted small">{"Time axis:"}</span>
                { scale_button("linear", false, "Positions proportional to time") }
                { scale_button("even spacing", true, "Each distinct time one step apart: events minutes apart stay distinguishable on an axis of months") }
            </div>
        };
        let axis_row = html! {
            <div class="lane axis">
                <div class="lane-label muted">{"Account"}</div>
                <svg class="lane-plot" width="100%" height="22" aria-hidden="true">
                    { for ticks.iter().enumerate().map(|(i, t)| html! {
                        <>
                        <line class="tick" x1={pct(axis.x(*t))} x2={pct(axis.x(*t))} y1="16" y2="22" />
                        <text class="tick-label" x={pct(axis.x(*t))} y="12" text-anchor={tick_anchor(i, ticks.len())}>{display::time(Some(*t))}</text>
                        </>
                    }) }
                </svg>
            </div>
        };
        html! {
            <>
            {controls}
            <div class="swimlane" data-testid="swimlane" data-accounts={lanes.lanes.len().to_string()}>
                {axis_row}
                { for lanes.lanes.iter().take(*limit).map(|l| lane(l, &axis)) }
            </div>
            { more_button(&limit, lanes.lanes.len()) }
            <p class="legend muted small">
                <span class="key k-ring">{"○"}</span>{" requested / invited  "}
                <span class="key k-ok">{"●"}</span>{" created / joined  "}
                <span class="key k-bad">{"●"}</span>{" left / removed / closed / declined  "}
                <span class="key k-warn">{"✕"}</span>{" leave denied  "}
                <span class="key k-move">{"■"}</span>{" moved  "}
                <span class="key k-member">{"▬"}</span>{" member  "}
                <span class="key k-creating">{"▬"}</span>{" request → result (latency)  "}
                <span class="key k-invite">{"▬"}</span>{" invitation → answer"}
            </p>
            </>
        }
    };
    section(&SWIMLANES, Some(lanes.lanes.len()), body)
}

fn lane(l: &Lane, axis: &Axis) -> Html {
    html! {
        <div class="lane" data-testid="lane" data-account-id={l.account.clone()}>
            <div class="lane-label" title={l.latencies.join("; ")}>
                <span class="id">{&l.account}</span>
                if let Some(name) = &l.name { <span class="muted">{format!(" {name}")}</span> }
                if !l.latencies.is_empty() { <div class="latency">{l.latencies.join(" · ")}</div> }
            </div>
            <svg class="lane-plot" width="100%" height="30" role="img" aria-label={format!("lifecycle of account {}", l.account)}>
                <line class="lane-base" x1="0%" x2="100%" y1="15" y2="15" />
                { for l.spans.iter().map(|s| {
                    let (x, width) = axis.extent(s);
                    html! {
                        <g class={classes!("span", s.class)}>
                            <rect x={pct(x)} width={pct(width)} y="11" height="8" rx="2"><title>{&s.what}</title></rect>
                            if let Some(label) = &s.label {
                                <text class="span-label" x={pct(x)} dx="6" y="8">{label}</text>
                            }
                        </g>
                    }
                }) }
                { for l.marks.iter().map(|m| {
                    let cx = pct(axis.x(m.t));
                    match m.shape {
                        Shape::Dot => html! { <circle class={classes!("mark", m.class)} cx={cx} cy="15" r="5"><title>{&m.what}</title></circle> },
                        Shape::Ring => html! { <circle class={classes!("mark", "ring", m.class)} cx={cx} cy="15" r="4.5"><title>{&m.what}</title></circle> },
                        Shape::Square => html! { <rect class={classes!("mark", m.class)} x={cx} y="11" width="8" height="8" transform="translate(-4 0)"><title>{&m.what}</title></rect> },
                        Shape::Cross => html! { <text class={classes!("mark", "cross", m.class)} x={cx} y="20" text-anchor="middle"><title>{&m.what}</title>{"✕"}</text> },
                    }
                }) }
            </svg>
        </div>
    }
}
