//! The timeline's histogram: events per time bucket as bars (reads grey, writes blue,
//! errors red), with a brush to pick a time range (by pointer, or by keyboard: ← → move a
//! one-bar cursor, Shift extends, Enter applies, Escape cancels), zoom buttons, and notes
//! for the events left beside the chart (outside the range, outliers, or without a time).
//!
//! It only draws a [`Histogram`] and reports ranges through `on_range`; the arithmetic
//! (labels, ticks, snapping, the keyboard brush, zooming) is [`crate::present::axis`],
//! tested natively.

use std::rc::Rc;

use web_sys::{Element, KeyboardEvent, PointerEvent};
use yew::prelude::*;

use crate::display;
use crate::present::axis::{self, BrushKey, KeyBrush, Side};
use crate::timeline::{Bucket, Histogram};

/// The chart's height in viewBox units (bars are scaled to it; the width is one unit
/// per bucket and the SVG stretches to fill its box).
const HEIGHT: f64 = 100.0;
/// Axis labels at most.
const MAX_TICKS: usize = 6;
/// The smallest bar drawn for a non-zero count, in viewBox units, so one event among
/// millions still shows.
const MIN_BAR: f64 = 1.5;

#[derive(Properties, PartialEq)]
pub struct HistogramProps {
    pub histogram: Rc<Histogram>,
    /// The current time filter [from, to) in ms, if any (the chart then shows exactly that range).
    pub range: Option<(i64, i64)>,
    /// Set (Some) or clear (None) the time filter.
    pub on_range: Callback<Option<(i64, i64)>>,
}

/// A brush in progress: where it started and where the pointer is, as fractions of the
/// chart's width.
#[derive(Clone, Copy)]
struct Drag {
    anchor: f64,
    at: f64,
}

#[function_component(HistogramView)]
pub fn histogram_view(props: &HistogramProps) -> Html {
    let chart = use_node_ref();
    // The brush lives in a RefCell, not in state: pointer events can arrive faster than
    // renders, and pointerup must see the latest move.
    let drag = use_mut_ref(|| None::<Drag>);
    // The keyboard brush, in a RefCell for the same reason (held keys repeat fast).
    let keys = use_mut_ref(|| None::<KeyBrush>);
    let redraw = use_force_update();
    // Folded, only the head line shows: room for the table at 200% zoom or on a phone.
    let folded = use_state(|| false);
    let fold = {
        let folded = folded.clone();
        Callback::from(move |_: MouseEvent| folded.set(!*folded))
    };
    let h = &*props.histogram;
    let n = h.buckets.len();

    let on_down = {
        let (chart, drag, redraw) = (chart.clone(), Rc::clone(&drag), redraw.clone());
        let keys = Rc::clone(&keys);
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 || n == 0 {
                return;
            }
            keys.borrow_mut().take();
            let Some(svg) = chart.cast::<Element>() else {
                return;
            };
            e.prevent_default();
            // Keeps the moves and the release coming when the pointer leaves the chart.
            // Synthetic events have no active pointer to capture: that failure is fine.
            let _ = svg.set_pointer_capture(e.pointer_id());
            let x = fraction(&svg, &e);
            *drag.borrow_mut() = Some(Drag { anchor: x, at: x });
            redraw.force_update();
        })
    };
    let on_move = {
        let (chart, drag, redraw) = (chart.clone(), Rc::clone(&drag), redraw.clone());
        Callback::from(move |e: PointerEvent| {
            let Some(svg) = chart.cast::<Element>() else {
                return;
            };
            let mut slot = drag.borrow_mut();
            let Some(d) = slot.as_mut() else {
                return;
            };
            let before = axis::snap_buckets(n, d.anchor, d.at);
            d.at = fraction(&svg, &e);
            let changed = axis::snap_buckets(n, d.anchor, d.at) != before;
            drop(slot);
            if changed {
                redraw.force_update();
            }
        })
    };
    let on_up = {
        let (chart, drag, redraw) = (chart.clone(), Rc::clone(&drag), redraw.clone());
        let (on_range, start, bucket_ms) = (props.on_range.clone(), h.start, h.bucket_ms);
        Callback::from(move |e: PointerEvent| {
            let Some(mut d) = drag.borrow_mut().take() else {
                return;
            };
            if let Some(svg) = chart.cast::<Element>() {
                d.at = fraction(&svg, &e);
            }
            redraw.force_update();
            if let Some(range) = axis::snap(start, bucket_ms, n, d.anchor, d.at) {
                on_range.emit(Some(range));
            }
        })
    };
    let on_cancel = {
        let (drag, redraw) = (Rc::clone(&drag), redraw.clone());
        Callback::from(move |_: PointerEvent| {
            if drag.borrow_mut().take().is_some() {
                redraw.force_update();
            }
        })
    };

    let on_key = {
        let (keys, redraw) = (Rc::clone(&keys), redraw.clone());
        let (on_range, start, bucket_ms) = (props.on_range.clone(), h.start, h.bucket_ms);
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let key = e.key();
            if let Some(k) = BrushKey::from_key(&key) {
                e.prevent_default();
                let mut slot = keys.borrow_mut();
                let next = axis::move_brush(*slot, n, k, e.shift_key());
                if next != *slot {
                    *slot = next;
                    drop(slot);
                    redraw.force_update();
                }
                return;
            }
            match key.as_str() {
                "Enter" => {
                    let Some(b) = keys.borrow_mut().take() else {
                        return;
                    };
                    e.prevent_default();
                    redraw.force_update();
                    if let Some((lo, hi)) = b.buckets(n) {
                        on_range.emit(Some(axis::bucket_edges(start, bucket_ms, lo, hi)));
                    }
                }
                // Only the brush: not the detail pane too.
                "Escape" if keys.borrow_mut().take().is_some() => {
                    e.prevent_default();
                    e.stop_propagation();
                    redraw.force_update();
                }
                _ => {}
            }
        })
    };
    // Leaving the chart drops an unapplied keyboard brush.
    let on_leave = {
        let (keys, redraw) = (Rc::clone(&keys), redraw.clone());
        Callback::from(move |_: FocusEvent| {
            if keys.borrow_mut().take().is_some() {
                redraw.force_update();
            }
        })
    };
    let key_brush = (*keys.borrow()).and_then(|b| Some((b.buckets(n)?, b.cursor_in(n)?)));
    let key_text = key_brush.map(|(sel, _)| {
        let events: u64 = h
            .buckets
            .get(sel.0..sel.1)
            .unwrap_or_default()
            .iter()
            .map(|b| u64::from(b.total))
            .sum();
        axis::brush_text(h.start, h.bucket_ms, sel, events)
    });

    let range = props.range;
    let zoom_out = {
        let on_range = props.on_range.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(r) = range {
                on_range.emit(Some(axis::zoom_out(r)));
            }
        })
    };
    let reset = {
        let on_range = props.on_range.clone();
        Callback::from(move |_: MouseEvent| on_range.emit(None))
    };
    let widen = |side: Side| {
        let (on_range, span) = (props.on_range.clone(), h.span);
        Callback::from(move |_: MouseEvent| {
            if let Some(span) = span {
                on_range.emit(Some(axis::widen(range, span, side)));
            }
        })
    };

    let total: u64 = h.buckets.iter().map(|b| u64::from(b.total)).sum();
    let before = (h.before > 0).then(|| {
        let label = format!("← {}", events(h.before, "earlier"));
        html! {
            <button class="histogram-note before" data-testid="histogram-before" data-count={h.before.to_string()}
                    disabled={h.span.is_none()} onclick={widen(Side::Before)}
                    title="Widen the time range to include them">{label}</button>
        }
    });
    let after = (h.after > 0).then(|| {
        let label = format!("{} →", events(h.after, "later"));
        html! {
            <button class="histogram-note after" data-testid="histogram-after" data-count={h.after.to_string()}
                    disabled={h.span.is_none()} onclick={widen(Side::After)}
                    title="Widen the time range to include them">{label}</button>
        }
    });
    let timeless = (h.timeless > 0).then(|| {
        html! {
            <span class="histogram-timeless" data-testid="histogram-timeless" data-count={h.timeless.to_string()}
                  title="Events without a usable eventTime are never in a time range">
                {format!("{} without time", display::count(h.timeless))}
            </span>
        }
    });
    let caption = (n > 0).then(|| {
        format!(
            "{} · {} per bar",
            axis::range_label(h.start, h.end(), h.bucket_ms),
            axis::duration_label(h.bucket_ms.max(1))
        )
    });

    let body = if n == 0 {
        html! { <p class="histogram-empty" data-testid="histogram-empty">{"No events in this range"}</p> }
    } else {
        let brush = *drag.borrow();
        let top = peak(h);
        html! {
            <div class="histogram-plot">
                { y_axis(h) }
                <div class="histogram-area">
                    // A slider over the bars: screen readers hear the cursor's bar (its time
                    // span and count) as the value, and pass the arrow keys through.
                    <svg class="histogram-chart" data-testid="histogram-chart" ref={chart}
                         viewBox={format!("0 0 {n} {HEIGHT}")} preserveAspectRatio="none"
                         width="100%" height="96" tabindex="0" role="slider"
                         aria-label="Events over time: ← → choose a bar, Shift with ← → selects several, \
                                     Home and End go to the first and last, Enter shows that time range, \
                                     Escape cancels; or drag across the bars"
                         aria-valuemin="0" aria-valuemax={(n - 1).to_string()}
                         aria-valuenow={key_brush.map_or(0, |(_, c)| c).to_string()}
                         aria-valuetext={key_text.clone().unwrap_or_else(|| "No bar chosen: press → to choose one".into())}
                         onpointerdown={on_down} onpointermove={on_move} onpointerup={on_up}
                         onpointercancel={on_cancel} onkeydown={on_key} onfocusout={on_leave}>
                        { grid(h) }
                        { for h.buckets.iter().enumerate().map(|(i, &b)| bar(h, i, b, top)) }
                        { brush.map(|d| brush_rect(h, d)).unwrap_or_default() }
                        { key_brush.map(|(sel, cursor)| key_rects(h, sel, cursor)).unwrap_or_default() }
                    </svg>
                    { x_axis(h) }
                    if total == 0 {
                        <p class="histogram-empty overlay" data-testid="histogram-empty">{"No events in this range"}</p>
                    }
                </div>
            </div>
        }
    };

    html! {
        <div class="histogram" data-testid="histogram" data-buckets={n.to_string()}
             data-start={h.start.to_string()} data-bucket-ms={h.bucket_ms.to_string()}
             data-total={total.to_string()}>
            <div class="histogram-head">
                if let Some(caption) = caption {
                    <span class="histogram-caption" data-testid="histogram-caption">{caption}</span>
                }
                <span class="histogram-legend">
                    <span class="key reads">{"reads"}</span>
                    <span class="key writes">{"writes"}</span>
                    <span class="key errors">{"errors"}</span>
                </span>
                { timeless.unwrap_or_default() }
                if let Some(text) = key_text {
                    // Seen, not heard: the chart's value already says it.
                    <span class="histogram-keys" data-testid="histogram-keys" aria-hidden="true">
                        {format!("{text} · Enter: show · Esc: cancel")}
                    </span>
                }
                <span class="histogram-tools">
                    <button class="button small" data-testid="zoom-out" disabled={range.is_none()}
                            title="Double the time range around its centre" onclick={zoom_out}>{"Zoom out"}</button>
                    <button class="button small" data-testid="zoom-reset" disabled={range.is_none()}
                            title="Clear the time range" onclick={reset}>{"Reset"}</button>
                    <button class="button small" data-testid="histogram-fold" aria-expanded={(!*folded).to_string()}
                            onclick={fold}>{ if *folded { "Show chart" } else { "Hide chart" } }</button>
                </span>
            </div>
            if !*folded {
                <div class="histogram-body">
                    { before.unwrap_or_default() }
                    { body }
                    { after.unwrap_or_default() }
                </div>
            }
        </div>
    }
}

/// `3 earlier events`, `1 later event`.
fn events(n: u32, which: &str) -> String {
    let noun = if n == 1 { "event" } else { "events" };
    format!("{} {which} {noun}", display::count(n))
}

/// Where the pointer is across the chart, from 0 (left edge) to 1 (right edge).
fn fraction(svg: &Element, e: &PointerEvent) -> f64 {
    let rect = svg.get_bounding_client_rect();
    if rect.width() > 0.0 {
        ((f64::from(e.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

fn peak(h: &Histogram) -> u32 {
    h.buckets.iter().map(|b| b.total).max().unwrap_or(0)
}

/// Height in viewBox units of `count` on a chart whose tallest bar is `peak`.
fn height(count: u32, peak: u32) -> f64 {
    if count == 0 || peak == 0 {
        0.0
    } else {
        (f64::from(count) / f64::from(peak) * HEIGHT).max(MIN_BAR)
    }
}

/// One bucket: its whole column as the hover target with the tooltip, then the total
/// (reads), the writes and, narrower and on top, the errors, all from the baseline.
fn bar(h: &Histogram, i: usize, b: Bucket, top: u32) -> Html {
    let (from, to) = axis::bucket_edges(h.start, h.bucket_ms, i, i + 1);
    let title = format!(
        "{}\n{} events · {} errors · {} writes",
        axis::range_label(from, to, h.bucket_ms),
        display::count(b.total),
        display::count(b.errors),
        display::count(b.writes)
    );
    let rect = |class: &'static str, count: u32, inset: f64| {
        let hh = height(count, top);
        (hh > 0.0).then(|| {
            html! {
                <rect class={class} x={format!("{:.3}", i as f64 + inset)} width={format!("{:.3}", 1.0 - 2.0 * inset)}
                      y={format!("{:.3}", HEIGHT - hh)} height={format!("{hh:.3}")} />
            }
        })
    };
    html! {
        <g class="histogram-bar" data-testid="histogram-bar" data-from={from.to_string()} data-to={to.to_string()}
           data-count={b.total.to_string()} data-errors={b.errors.to_string()} data-writes={b.writes.to_string()}>
            <title>{title}</title>
            <rect class="hit" x={i.to_string()} width="1" y="0" height={HEIGHT.to_string()} />
            { rect("reads", b.total, 0.08).unwrap_or_default() }
            { rect("writes", b.writes, 0.08).unwrap_or_default() }
            { rect("errors", b.errors, 0.28).unwrap_or_default() }
        </g>
    }
}

/// Vertical lines at the labelled times, and the baseline.
fn grid(h: &Histogram) -> Html {
    let n = h.buckets.len();
    let size = h.bucket_ms.max(1) as f64;
    let lines = axis::ticks(h.start, h.bucket_ms, n, MAX_TICKS)
        .into_iter()
        .map(|t| {
            let x = format!("{:.3}", (t.saturating_sub(h.start)) as f64 / size);
            html! { <line class="grid" x1={x.clone()} x2={x} y1="0" y2={HEIGHT.to_string()} /> }
        });
    html! {
        <>
            { for lines }
            <line class="base" x1="0" x2={n.to_string()} y1={HEIGHT.to_string()} y2={HEIGHT.to_string()} />
        </>
    }
}

fn y_axis(h: &Histogram) -> Html {
    html! {
        <div class="histogram-y" title="Events in the busiest bar">
            <span data-testid="histogram-max">{display::count(peak(h))}</span>
            <span>{"0"}</span>
        </div>
    }
}

/// Time labels (UTC) under the chart, each starting at its tick.
fn x_axis(h: &Histogram) -> Html {
    let n = h.buckets.len();
    let width = (h.bucket_ms.max(1) as f64) * n as f64;
    let ticks = axis::ticks(h.start, h.bucket_ms, n, MAX_TICKS)
        .into_iter()
        .map(|t| {
            let left = (t.saturating_sub(h.start)) as f64 / width * 100.0;
            html! {
                <span class="histogram-tick" style={format!("left:{left:.3}%")} data-time={t.to_string()}>
                    {axis::tick_label(t, h.bucket_ms)}
                </span>
            }
        });
    html! { <div class="histogram-x" data-testid="histogram-x">{ for ticks }</div> }
}

/// The brushed buckets while dragging.
fn brush_rect(h: &Histogram, d: Drag) -> Html {
    let Some((lo, hi)) = axis::snap_buckets(h.buckets.len(), d.anchor, d.at) else {
        return Html::default();
    };
    let (from, to) = axis::bucket_edges(h.start, h.bucket_ms, lo, hi);
    html! {
        <rect class="brush" data-testid="histogram-brush" data-from={from.to_string()} data-to={to.to_string()}
              x={lo.to_string()} width={(hi - lo).to_string()} y="0" height={HEIGHT.to_string()} />
    }
}

/// The keyboard brush: the buckets selected `lo..hi` (shaded) and the cursor's bucket
/// (outlined), each with its edges and count for tests.
fn key_rects(h: &Histogram, (lo, hi): (usize, usize), cursor: usize) -> Html {
    let (from, to) = axis::bucket_edges(h.start, h.bucket_ms, lo, hi);
    let count: u64 = h
        .buckets
        .get(lo..hi)
        .unwrap_or_default()
        .iter()
        .map(|b| u64::from(b.total))
        .sum();
    let (cfrom, cto) = axis::bucket_edges(h.start, h.bucket_ms, cursor, cursor + 1);
    html! {
        <>
            <rect class="key-brush" data-testid="histogram-selection" data-from={from.to_string()}
                  data-to={to.to_string()} data-count={count.to_string()}
                  x={lo.to_string()} width={(hi - lo).to_string()} y="0" height={HEIGHT.to_string()} />
            <rect class="key-cursor" data-testid="histogram-cursor" data-index={cursor.to_string()}
                  data-from={cfrom.to_string()} data-to={cto.to_string()}
                  data-count={h.buckets.get(cursor).map_or(0, |b| b.total).to_string()}
                  x={cursor.to_string()} width="1" y="0" height={HEIGHT.to_string()} />
        </>
    }
}
