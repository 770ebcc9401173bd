//! The rule list: one row per rule, with its switch, match count, sparkline and
//! actions.

use yew::prelude::*;

use crate::display;
use crate::protocol::{RuleResult, RuleSpec};

/// Sparkline drawing height, in SVG units.
const SPARK_HEIGHT: f64 = 16.0;

/// One rule's row: the rule, what the worker and the validator say about it, and where
/// its buttons go.
pub(super) struct RuleItem<'a> {
    pub(super) rule: &'a RuleSpec,
    pub(super) result: Option<&'a RuleResult>,
    pub(super) error: Option<String>,
    pub(super) description: Option<&'a str>,
    pub(super) editing: bool,
    pub(super) on_show: &'a Callback<String>,
    pub(super) on_toggle: &'a Callback<String>,
    pub(super) on_edit: &'a Callback<RuleSpec>,
    pub(super) on_delete: &'a Callback<String>,
}

pub(super) fn rule_item(item: RuleItem<'_>) -> Html {
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
