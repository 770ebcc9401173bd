//! The per-account swimlanes of the Organization tab, as geometry-free data plus the axis
//! maths that places them: one [`Lane`] per account seen in a lifecycle, with marks
//! (requests, joins, departures, moves) and spans (creation latency, open invitations,
//! membership), all on one time axis.
//!
//! Entry points: [`Lanes::new`] (report → lanes) and [`Axis`] (time → percent of the plot's
//! width, linear or evenly spaced; tick times). Pure, so it is tested natively;
//! `crate::web::orgs` only draws it.

use std::collections::BTreeMap;

use super::record::is_account_id;
use super::sections::{handshake_badge, human_duration, membership_badge};
use super::{ChangeKind, ChangeOutcome, HandshakeState, MembershipKind, OrgReport};
use crate::display;
use crate::time::EpochMillis;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Dot,
    Ring,
    Square,
    Cross,
}

/// Something that happened at one time; `what` is its tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub t: EpochMillis,
    pub shape: Shape,
    pub class: &'static str,
    pub what: String,
}

/// Something that lasted; `label` is drawn on it, `what` is its tooltip.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    /// `None`: from the start of the axis (before the loaded data).
    pub from: Option<EpochMillis>,
    /// `None`: to the end of the axis (still so at the end of the data).
    pub to: Option<EpochMillis>,
    pub class: &'static str,
    pub label: Option<String>,
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lane {
    pub account: String,
    pub name: Option<String>,
    pub marks: Vec<Mark>,
    pub spans: Vec<Span>,
    /// Latencies in words ("created in 1 min 35 s"), shown by the lane's name.
    pub latencies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Lanes {
    /// By the time of their first mark or span, then by account id.
    pub lanes: Vec<Lane>,
    /// Every time drawn, sorted and distinct (with the end of the data).
    pub times: Vec<EpochMillis>,
}

/// Where a time goes on a lane, in percent of the plot's width (a 2% margin at each end
/// keeps end marks whole). Linear in time, or evenly spaced by distinct time ("even"),
/// which keeps events minutes apart distinguishable on an axis of months.
#[derive(Clone, Copy, Debug)]
pub struct Axis<'a> {
    /// Sorted and distinct ([`Lanes::times`]).
    pub times: &'a [EpochMillis],
    pub even: bool,
}

impl Axis<'_> {
    pub fn min(&self) -> EpochMillis {
        self.times.first().copied().unwrap_or(0)
    }

    pub fn max(&self) -> EpochMillis {
        self.times.last().copied().unwrap_or(0)
    }

    pub fn x(&self, t: EpochMillis) -> f64 {
        let n = self.times.len();
        if self.even {
            if n < 2 {
                return 50.0;
            }
            let rank = self.times.partition_point(|x| *x < t).min(n - 1);
            return 2.0 + 96.0 * rank as f64 / (n - 1) as f64;
        }
        let span = self.max().saturating_sub(self.min());
        if span <= 0 {
            50.0
        } else {
            2.0 + 96.0 * t.saturating_sub(self.min()) as f64 / span as f64
        }
    }

    /// A span's (left, width) in percent; an open end reaches the axis's end.
    pub fn extent(&self, span: &Span) -> (f64, f64) {
        let a = self.x(span.from.unwrap_or(self.min()));
        let b = self.x(span.to.unwrap_or(self.max()));
        (a, (b - a).max(0.0))
    }

    /// Up to five labelled times.
    pub fn ticks(&self) -> Vec<EpochMillis> {
        let (n, min, max) = (self.times.len(), self.min(), self.max());
        if n == 0 {
            Vec::new()
        } else if max <= min {
            vec![min]
        } else if self.even {
            let mut ticks: Vec<EpochMillis> = (0..5).map(|k| self.times[k * (n - 1) / 4]).collect();
            ticks.dedup();
            ticks
        } else {
            (0..=4).map(|k| min + (max - min) / 4 * k).collect()
        }
    }
}

/// The SVG `text-anchor` of tick label `i` of `n`: the ends hang inwards so they stay whole.
pub fn tick_anchor(i: usize, n: usize) -> &'static str {
    if n == 1 {
        "middle"
    } else if i == 0 {
        "start"
    } else if i + 1 == n {
        "end"
    } else {
        "middle"
    }
}

fn when(t: EpochMillis) -> String {
    format!("{} UTC", display::time(Some(t)))
}

fn lane<'a>(lanes: &'a mut BTreeMap<String, Lane>, id: &str) -> &'a mut Lane {
    lanes.entry(id.to_owned()).or_insert_with(|| Lane {
        account: id.to_owned(),
        ..Lane::default()
    })
}

impl Lanes {
    /// One lane per account id seen in a lifecycle, on one time axis.
    pub fn new(r: &OrgReport) -> Self {
        let mut lanes: BTreeMap<String, Lane> = BTreeMap::new();
        creations(r, &mut lanes);
        handshakes(r, &mut lanes);
        membership(r, &mut lanes);
        moves(r, &mut lanes);
        let mut lanes: Vec<Lane> = lanes.into_values().collect();
        let first = |l: &Lane| {
            l.marks
                .iter()
                .map(|m| m.t)
                .chain(l.spans.iter().filter_map(|s| s.from))
                .min()
        };
        lanes.sort_by(|a, b| {
            (first(a).unwrap_or(i64::MAX), &a.account)
                .cmp(&(first(b).unwrap_or(i64::MAX), &b.account))
        });
        let mut times: Vec<EpochMillis> = lanes
            .iter()
            .flat_map(|l| {
                l.marks
                    .iter()
                    .map(|m| m.t)
                    .chain(l.spans.iter().flat_map(|s| s.from.into_iter().chain(s.to)))
            })
            .collect();
        if !times.is_empty() {
            times.extend(r.reference_time);
        }
        times.sort_unstable();
        times.dedup();
        Lanes { lanes, times }
    }
}

/// Requests, and request → result latency.
fn creations(r: &OrgReport, lanes: &mut BTreeMap<String, Lane>) {
    for c in &r.creations {
        let Some(account) = c.account_id.as_deref() else {
            continue;
        };
        let l = lane(lanes, account);
        if l.name.is_none() {
            l.name = c.account_name.clone();
        }
        if let Some(t) = c.requested_time {
            l.marks.push(Mark {
                t,
                shape: Shape::Ring,
                class: "m-request",
                what: format!(
                    "CreateAccount requested by {} at {}",
                    c.requester.as_deref().unwrap_or("unknown"),
                    when(t)
                ),
            });
        }
        if let (Some(a), Some(b)) = (c.requested_time, c.completed_time) {
            if b >= a {
                let took = human_duration(b - a);
                l.latencies.push(format!("created in {took}"));
                l.spans.push(Span {
                    from: Some(a),
                    to: Some(b),
                    class: "s-creating",
                    label: Some(took.clone()),
                    what: format!("creation: request → result in {took}"),
                });
            }
        }
    }
}

/// Invitations on the invited account's lane, and how long they waited for an answer.
fn handshakes(r: &OrgReport, lanes: &mut BTreeMap<String, Lane>) {
    for h in &r.handshakes {
        let account = h
            .target
            .as_deref()
            .filter(|t| is_account_id(t))
            .or(match h.state {
                HandshakeState::Accepted | HandshakeState::Declined => {
                    h.resolved_account_id.as_deref()
                }
                _ => None,
            });
        let Some(account) = account else { continue };
        let Some(asked) = h.requested_time else {
            continue;
        };
        let state = handshake_badge(h.state).text;
        let l = lane(lanes, account);
        l.marks.push(Mark {
            t: asked,
            shape: Shape::Ring,
            class: "m-invite",
            what: format!(
                "{} requested by {} at {}",
                h.action.as_deref().unwrap_or("handshake"),
                h.requester.as_deref().unwrap_or("unknown"),
                when(asked)
            ),
        });
        let (end, class) = match h.state {
            HandshakeState::Accepted => (h.resolved_time, "m-ok"),
            HandshakeState::Declined => (h.resolved_time, "m-bad"),
            HandshakeState::Canceled => (h.resolved_time, "m-muted"),
            HandshakeState::Expired => (h.expiration_time, "m-muted"),
            HandshakeState::Open => (None, "m-open"),
            HandshakeState::Unknown | HandshakeState::FailedCall => continue,
        };
        match end {
            Some(end) if end >= asked => {
                let took = human_duration(end - asked);
                l.latencies
                    .push(format!("invitation {} after {took}", state.to_lowercase()));
                l.spans.push(Span {
                    from: Some(asked),
                    to: Some(end),
                    class: "s-invite",
                    label: Some(took.clone()),
                    what: format!("invitation {state} after {took}"),
                });
                if h.state != HandshakeState::Accepted {
                    // An acceptance is drawn by the join (membership).
                    l.marks.push(Mark {
                        t: end,
                        shape: Shape::Dot,
                        class,
                        what: format!("invitation {state} at {}", when(end)),
                    });
                }
            }
            _ => l.spans.push(Span {
                from: Some(asked),
                to: None,
                class: "s-open",
                label: None,
                what: format!(
                    "invitation {state}: unanswered at the end of the data (expires {} UTC)",
                    display::time(h.expiration_time)
                ),
            }),
        }
    }
}

/// Membership, in time order: joins open a member band, departures close it.
fn membership(r: &OrgReport, lanes: &mut BTreeMap<String, Lane>) {
    let mut open: BTreeMap<String, Option<EpochMillis>> = BTreeMap::new();
    for m in &r.membership {
        let Some(account) = m.account_id.as_deref() else {
            continue;
        };
        let words = membership_badge(m.kind).text;
        let l = lane(lanes, account);
        if l.name.is_none() {
            l.name = m.account_name.clone();
        }
        let done = m.outcome != ChangeOutcome::Failed;
        if let Some(t) = m.time {
            let (shape, class) = match m.kind {
                MembershipKind::Created | MembershipKind::InvitedJoined => (Shape::Dot, "m-ok"),
                MembershipKind::LeftDenied => (Shape::Cross, "m-warn"),
                MembershipKind::Left | MembershipKind::Removed | MembershipKind::Closed => {
                    (Shape::Dot, "m-bad")
                }
            };
            let by = m
                .actor
                .as_deref()
                .map(|a| format!(" by {a}"))
                .unwrap_or_default();
            l.marks.push(Mark {
                t,
                shape,
                class,
                what: format!("{words}{by} at {}", when(t)),
            });
        }
        match m.kind {
            MembershipKind::Created | MembershipKind::InvitedJoined if done => {
                open.entry(account.to_owned()).or_insert(m.time);
            }
            MembershipKind::Left | MembershipKind::Removed | MembershipKind::Closed if done => {
                // A departure with no join loaded: a member since before the data.
                let from = open.remove(account).flatten();
                l.spans.push(Span {
                    from,
                    to: m.time,
                    class: if from.is_none() {
                        "s-member-before"
                    } else {
                        "s-member"
                    },
                    label: None,
                    what: format!("member until {words}"),
                });
            }
            _ => {}
        }
    }
    for (account, from) in open {
        lane(lanes, &account).spans.push(Span {
            from,
            to: None,
            class: "s-member",
            label: None,
            what: "member at the end of the data".to_owned(),
        });
    }
}

/// Successful moves between OUs, on each moved account's lane.
fn moves(r: &OrgReport, lanes: &mut BTreeMap<String, Lane>) {
    for c in &r.changes {
        if c.kind != ChangeKind::MoveAccount || !c.succeeded {
            continue;
        }
        let Some(t) = c.time else { continue };
        let destination = c
            .targets
            .iter()
            .find(|x| x.role == "destination")
            .map(|x| x.name.clone().unwrap_or_else(|| x.id.clone()))
            .unwrap_or_else(|| "?".to_owned());
        for target in c.targets.iter().filter(|x| x.role == "account") {
            lane(lanes, &target.id).marks.push(Mark {
                t,
                shape: Shape::Square,
                class: "m-move",
                what: format!("moved to {destination} by {} at {}", c.actor, when(t)),
            });
        }
    }
}
