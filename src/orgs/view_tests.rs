//! The Organization tab's view models ([`super::sections`], [`super::swimlane`]) over the
//! real fixtures in `tests/fixtures/orgs/`, and the swimlane axis on hand-made times.

use serde_json::Value;

use super::sections::*;
use super::swimlane::*;
use super::*;
use crate::time::parse_timestamp;

/// The report of a `{"Records":[...]}` fixture, as the session builds it.
fn report(name: &str) -> OrgReport {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/orgs")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let records = file["Records"].as_array().unwrap();
    let org = records.iter().filter(|r| {
        is_org_event(
            r["eventSource"].as_str().unwrap_or(""),
            r["eventName"].as_str().unwrap_or(""),
        )
    });
    reconstruct(org, &OrgContext::from_records(records))
}

fn t(iso: &str) -> i64 {
    parse_timestamp(iso).unwrap()
}

fn creation<'a>(report: &'a OrgReport, car_prefix: &str) -> &'a AccountCreation {
    report
        .creations
        .iter()
        .find(|c| {
            c.request_id
                .as_deref()
                .is_some_and(|id| id.starts_with(car_prefix))
        })
        .unwrap()
}

fn handshake<'a>(report: &'a OrgReport, id: &str) -> &'a Handshake {
    report
        .handshakes
        .iter()
        .find(|h| h.handshake_id.as_deref() == Some(id))
        .unwrap()
}

fn lane<'a>(lanes: &'a Lanes, account: &str) -> &'a Lane {
    lanes.lanes.iter().find(|l| l.account == account).unwrap()
}

// --- sections

#[test]
fn nav_counts_the_four_tables() {
    let r = report("creations.json");
    let nav = nav(&r);
    let names: Vec<(&str, &str, Option<usize>)> =
        nav.iter().map(|(s, n)| (s.id, s.nav, *n)).collect();
    assert_eq!(
        names,
        vec![
            ("org-creations", "Account creations", Some(8)),
            ("org-handshakes", "Handshakes", Some(0)),
            ("org-membership", "Membership", Some(3)),
            ("org-changes", "Structure and policy", Some(r.changes.len())),
            ("org-tree", "Tree", None),
            ("org-swimlanes", "Swimlanes", None),
        ]
    );
    for (section, _) in nav {
        assert!(!section.empty.is_empty(), "{}", section.id);
    }
    assert_eq!(CREATIONS.columns.len(), 8);
    assert_eq!(HANDSHAKES.columns.len(), 7);
    assert_eq!(MEMBERSHIP.columns.len(), 5);
    assert_eq!(CHANGES.columns.len(), 6);
}

#[test]
fn creation_rows_from_the_fixture() {
    let r = report("creations.json");
    let ok = creation(&r, "car-sandbox");
    assert_eq!(
        creation_badge(ok.state),
        Badge {
            attr: "SUCCEEDED",
            text: "SUCCEEDED",
            class: "ok"
        }
    );
    assert_eq!(
        creation_label(ok),
        "account creation car-sandbox0000000000000000000000000 (SUCCEEDED)"
    );
    assert_eq!(creation_failure(ok), "");
    assert_eq!(
        creation_failure(creation(&r, "car-dupemail")),
        "EMAIL_ALREADY_EXISTS"
    );
    let pending = creation(&r, "car-pending");
    assert_eq!(creation_badge(pending.state).attr, "IN_PROGRESS");
    assert!(creation_label(pending).ends_with("(IN PROGRESS)"));

    // A refused call has no car- id: its label names the account and the error instead.
    let refused = r.creations.iter().find(|c| c.request_id.is_none()).unwrap();
    assert_eq!(creation_badge(refused.state).attr, "FAILED");
    assert_eq!(creation_badge(refused.state).text, "failed call");
    assert_eq!(
        creation_label(refused),
        "account creation call for shadow-it (FAILED CALL: AccessDeniedException)"
    );
    assert_eq!(creation_failure(refused), "AccessDeniedException");
}

#[test]
fn handshake_rows_from_the_fixture() {
    let r = report("handshakes.json");
    let accepted = handshake(&r, "h-accepted000001");
    assert_eq!(
        handshake_label(accepted),
        "handshake h-accepted000001 INVITE → 222222222222 (ACCEPTED)"
    );
    assert_eq!(
        handshake_resolution(accepted).as_deref(),
        Some("by root (222222222222) at 2021-01-11 08:00:00 UTC")
    );
    assert_eq!(
        handshake_wait(accepted).as_deref(),
        Some("answered after 23 h 0 min")
    );
    assert_eq!(invited_loaded(accepted), "true");
    assert_eq!(
        invited_not_loaded_note(accepted),
        "The invited account's events are not loaded."
    );

    let expired = handshake(&r, "h-expired0000001");
    assert_eq!(
        handshake_resolution(expired).as_deref(),
        Some("at 2021-01-31 09:00:00 UTC, unanswered")
    );
    assert_eq!(handshake_wait(expired), None);
    assert_eq!(invited_loaded(expired), "false");
    assert!(invited_not_loaded_note(expired).contains("would not be visible here"));

    let open = handshake(&r, "h-open0000000001");
    assert_eq!(invited_loaded(open), "unknown");
    assert_eq!(
        handshake_resolution(open).as_deref(),
        Some("unanswered; expires 2021-03-07 10:00:00 UTC")
    );
    let unknown = handshake(&r, "h-unknown0000001");
    assert_eq!(handshake_badge(unknown.state).attr, "UNKNOWN");
    assert_eq!(handshake_resolution(unknown), None);

    let refused = r
        .handshakes
        .iter()
        .find(|h| h.handshake_id.is_none())
        .unwrap();
    assert_eq!(
        handshake_badge(refused.state),
        Badge {
            attr: "UNKNOWN",
            text: "failed call",
            class: "bad"
        }
    );
    assert_eq!(
        handshake_label(refused),
        "failed call InviteAccountToOrganization (DuplicateHandshakeException) → 222222222222"
    );
}

#[test]
fn membership_and_change_labels_from_the_fixture() {
    let r = report("membership.json");
    let labels: Vec<String> = r.membership.iter().take(2).map(membership_label).collect();
    assert_eq!(
        labels,
        vec![
            "membership change LEFT 222222222222 at 2022-03-01 10:00:00 UTC",
            "membership change LEFT_DENIED 444455556666 at 2022-03-02 08:00:00 UTC",
        ]
    );
    assert_eq!(membership_badge(r.membership[1].kind).class, "warn-badge");
    assert_eq!(outcome_words(r.membership[4].outcome).0, "PENDING");
    assert_eq!(
        change_label(&r.changes[0]),
        "RemoveAccountFromOrganization (failed) at 2022-03-09 09:00:00 UTC"
    );
}

#[test]
fn every_linked_event_gets_links_that_query_its_rows() {
    let r = report("creations.json");
    for (event_id, refs) in &r.event_links {
        let links = lifecycle_links(&r, event_id);
        assert_eq!(links.len(), refs.len(), "{event_id}");
        for link in &links {
            assert!(link.event_ids.contains(event_id), "{event_id}");
        }
    }
    let links = lifecycle_links(&r, "c0000000-0000-4000-8000-000000000001");
    let kinds: Vec<&str> = links.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, vec!["creation", "membership"]);
    // A row with a lifecycle id is shown by it; one without, by its eventIDs.
    assert_eq!(
        links[0].query,
        "lifecycle:car-sandbox0000000000000000000000000"
    );
    assert_eq!(
        links[1].query,
        "eventID:c0000000-0000-4000-8000-000000000001 OR eventID:c0000000-0000-4000-8000-000000000002"
    );
    assert!(lifecycle_links(&r, "not-an-org-event").is_empty());
}

#[test]
fn drill_queries() {
    let ids = ["a".to_owned(), "b".to_owned()];
    assert_eq!(drill_query(Some("h-1"), &ids), "lifecycle:h-1");
    assert_eq!(drill_query(None, &ids[..1]), "eventID:a");
    assert_eq!(drill_query(None, &ids), "eventID:a OR eventID:b");
}

#[test]
fn human_durations() {
    assert_eq!(human_duration(-5), "0 ms");
    assert_eq!(human_duration(999), "999 ms");
    assert_eq!(human_duration(95_000), "1 min 35 s");
    assert_eq!(human_duration(7_500_000), "2 h 5 min");
    assert_eq!(human_duration(273_600_000), "3 d 4 h");
}

#[test]
fn tree_stops_from_the_fixture() {
    let r = report("structure.json");
    let stops = TreeStops::new(&r);
    assert!(stops.0.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
    assert_eq!(stops.0.len(), 17);
    assert_eq!(stops.last(), r.reference_time);
    assert_eq!(stops.last(), Some(t("2020-02-10T00:00:00Z")));

    // On a stop: the neighbours are the stops either side.
    let moved = t("2020-01-06T00:00:00Z");
    assert_eq!(stops.index(moved), 6);
    assert_eq!(stops.previous(moved), Some(t("2020-01-05T00:01:00Z")));
    assert_eq!(stops.next(moved), Some(t("2020-02-01T00:00:00Z")));
    assert_eq!(
        tree_changes_at(&r, moved),
        vec!["account 444455556666 moved from r-exmp to ou-exmp-dev11111"]
    );
    // Between stops (a typed time): "◀" goes back to the slider's own stop.
    let between = t("2020-01-20T00:00:00Z");
    assert_eq!(stops.index(between), 6);
    assert_eq!(stops.previous(between), Some(moved));
    assert!(tree_changes_at(&r, between).is_empty());
    // Before the first and at the last.
    let first = stops.0[0];
    assert_eq!(stops.index(first - 1), 0);
    assert_eq!(stops.previous(first), None);
    assert_eq!(stops.next(t("2020-02-10T00:00:00Z")), None);
    assert_eq!(
        tree_changes_at(&r, first),
        vec!["organization o-exampleorgid created"]
    );
}

// --- swimlanes

#[test]
fn creation_lanes_from_the_fixture() {
    let r = report("creations.json");
    let lanes = Lanes::new(&r);
    let accounts: Vec<&str> = lanes.lanes.iter().map(|l| l.account.as_str()).collect();
    assert_eq!(
        accounts,
        vec!["444455556666", "777700001111", "888800001111"],
        "by first time"
    );
    assert!(
        lanes.times.windows(2).all(|w| w[0] < w[1]),
        "sorted, distinct"
    );
    assert_eq!(
        lanes.times.last().copied(),
        r.reference_time,
        "the axis runs to the end of the data"
    );

    let sandbox = lane(&lanes, "444455556666");
    assert_eq!(sandbox.name.as_deref(), Some("sandbox"));
    assert_eq!(sandbox.latencies, vec!["created in 3 s"]);
    let shapes: Vec<(Shape, &str)> = sandbox.marks.iter().map(|m| (m.shape, m.class)).collect();
    assert_eq!(
        shapes,
        vec![(Shape::Ring, "m-request"), (Shape::Dot, "m-ok")]
    );
    let spans: Vec<(&str, Option<&str>, bool)> = sandbox
        .spans
        .iter()
        .map(|s| (s.class, s.label.as_deref(), s.to.is_none()))
        .collect();
    assert_eq!(
        spans,
        vec![("s-creating", Some("3 s"), false), ("s-member", None, true)]
    );
    assert_eq!(sandbox.spans[0].from, Some(t("2020-09-16T21:20:50Z")));
}

#[test]
fn invitation_lanes_from_the_fixture() {
    let r = report("handshakes.json");
    let lanes = Lanes::new(&r);
    // An email target has no lane; an account id target does.
    assert!(lanes.lanes.iter().all(|l| l.account != "bob@example.com"));
    let declined = lane(&lanes, "333333333333");
    assert_eq!(
        declined.latencies,
        vec!["invitation declined after 1 d 3 h"]
    );
    assert_eq!(declined.marks.last().map(|m| m.class), Some("m-bad"));
    // An acceptance is drawn by the join, not by a second mark of the invitation.
    let accepted = lane(&lanes, "222222222222");
    assert!(accepted
        .marks
        .iter()
        .all(|m| m.class != "m-ok" || m.what.starts_with("joined")));
    let open = lane(&lanes, "111111111111");
    assert_eq!(open.spans[0].class, "s-open");
    assert_eq!(open.spans[0].to, None);
}

#[test]
fn departure_lanes_from_the_fixture() {
    let r = report("membership.json");
    let lanes = Lanes::new(&r);
    let left = lane(&lanes, "222222222222");
    assert_eq!(left.spans[0].class, "s-member-before", "no join loaded");
    assert_eq!(left.spans[0].from, None);
    assert_eq!(left.spans[0].to, Some(t("2022-03-01T10:00:00Z")));
    let denied = lane(&lanes, "444455556666");
    assert_eq!(denied.marks[0].shape, Shape::Cross);
    assert!(denied.spans.is_empty(), "a denied leave keeps no band");
    let moved = Lanes::new(&report("structure.json"));
    let squares: Vec<&str> = lane(&moved, "444455556666")
        .marks
        .iter()
        .filter(|m| m.shape == Shape::Square)
        .map(|m| m.what.split(" by ").next().unwrap_or(""))
        .collect();
    assert_eq!(squares, vec!["moved to Dev", "moved to Prod"]);
}

#[test]
fn linear_axis_places_times_proportionally_within_margins() {
    let times = [1_000, 2_000, 5_000];
    let axis = Axis {
        times: &times,
        even: false,
    };
    assert_eq!((axis.min(), axis.max()), (1_000, 5_000));
    assert_eq!(axis.x(1_000), 2.0);
    assert_eq!(axis.x(3_000), 50.0);
    assert_eq!(axis.x(5_000), 98.0);
    assert_eq!(axis.ticks(), vec![1_000, 2_000, 3_000, 4_000, 5_000]);
    let open = Span {
        from: None,
        to: None,
        class: "s-member",
        label: None,
        what: String::new(),
    };
    assert_eq!(
        axis.extent(&open),
        (2.0, 96.0),
        "open ends reach the axis's ends"
    );
    let backwards = Span {
        from: Some(5_000),
        to: Some(1_000),
        ..open
    };
    assert_eq!(
        axis.extent(&backwards),
        (98.0, 0.0),
        "never a negative width"
    );
}

#[test]
fn even_axis_spaces_distinct_times_evenly() {
    let times = [0, 60_000, 86_400_000 * 90];
    let axis = Axis {
        times: &times,
        even: true,
    };
    assert_eq!(axis.x(0), 2.0);
    assert_eq!(
        axis.x(60_000),
        50.0,
        "a minute in is half way on an axis of months"
    );
    assert_eq!(axis.x(86_400_000 * 90), 98.0);
    assert_eq!(axis.x(30_000), 50.0, "between times: the next one's place");
    assert_eq!(
        axis.ticks(),
        vec![0, 60_000, 86_400_000 * 90],
        "deduplicated"
    );
}

#[test]
fn degenerate_axes_center_or_stay_empty() {
    for even in [false, true] {
        let one = [42];
        let axis = Axis { times: &one, even };
        assert_eq!(axis.x(42), 50.0);
        assert_eq!(axis.ticks(), vec![42]);
        let none = Axis { times: &[], even };
        assert_eq!(none.x(7), 50.0);
        assert!(none.ticks().is_empty());
    }
    assert_eq!(tick_anchor(0, 1), "middle");
    let anchors: Vec<&str> = (0..3).map(|i| tick_anchor(i, 3)).collect();
    assert_eq!(anchors, vec!["start", "middle", "end"]);
}
