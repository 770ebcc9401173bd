//! The worker's scheduler (src/session/schedule.rs) on real fixtures: long requests cut
//! into the smallest slices answer exactly what they answer in one go, interactive
//! requests pass the long one under way, and nothing passes a change of data.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::path::Path;

use trailglass::protocol::{InputFile, Request, Response, RuleSpec, ViewFilter};
use trailglass::session::{Scheduler, Session};
use trailglass::timeline::TimelineQuery;

#[path = "support/fixtures.rs"]
mod support;

fn files(dir: &Path) -> Vec<InputFile> {
    support::all_files(dir)
        .into_iter()
        .map(|p| InputFile {
            path: p.strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&p).unwrap(),
            read_error: None,
        })
        .collect()
}

/// A session with `dirs` (under tests/fixtures) and the sample loaded.
fn load(dirs: &[&str]) -> Session {
    let mut session = Session::default();
    for dir in dirs {
        session.handle(Request::AddFiles(files(&support::fixtures().join(dir))));
    }
    session.handle(Request::sample());
    session.handle(Request::Finish);
    session
}

fn json(response: &Response) -> String {
    serde_json::to_string(response).unwrap()
}

/// Steps `scheduler` until it is idle, one unit of work per step: the answers in the order
/// made, by asker, and how many steps it took.
fn drain(
    scheduler: &mut Scheduler<usize>,
    session: &mut Session,
) -> (Vec<(usize, Response)>, usize) {
    let (mut answers, mut steps) = (Vec::new(), 0);
    while !scheduler.is_idle() {
        steps += 1;
        answers.extend(scheduler.step(session, &mut || false, &|_| None));
    }
    (answers, steps)
}

/// Each request asked alone through the scheduler (the smallest slices) and in one go on
/// a twin session: the same answers, and how many steps the sliced ones took.
fn same_sliced(dirs: &[&str], requests: &[Request]) -> usize {
    let (mut sliced, mut whole) = (load(dirs), load(dirs));
    let mut scheduler = Scheduler::default();
    let mut total = 0;
    for (i, request) in requests.iter().enumerate() {
        scheduler.push(i, request.clone());
        let (answers, steps) = drain(&mut scheduler, &mut sliced);
        assert_eq!(answers.len(), 1, "one answer to {}", request.name());
        let expected = whole.handle(request.clone());
        same(&json(&answers[0].1), &json(&expected));
        total += steps;
    }
    total
}

/// Equal texts; else a panic showing where they part (answers are long).
fn same(a: &str, b: &str) {
    if let Some(at) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) {
        let from = at.saturating_sub(300);
        panic!(
            "differ at {at}: {} | {}",
            &a[from..at + 50],
            &b[from..at + 50]
        );
    }
    assert_eq!(a.len(), b.len());
}

fn timeline(query: &str) -> Request {
    Request::Timeline {
        scope: ViewFilter::All,
        query: TimelineQuery {
            query: query.to_owned(),
            ..TimelineQuery::default()
        },
        rows: 100,
    }
}

/// The starter rules, one that reads the envelope, one that does not compile.
fn rules() -> Vec<RuleSpec> {
    let mut rules = RuleSpec::starters();
    rules.push(RuleSpec {
        name: "API calls".to_owned(),
        pattern: r#"{"detail-type": ["AWS API Call via CloudTrail"]}"#.to_owned(),
        enabled: true,
    });
    rules.push(RuleSpec {
        name: "broken".to_owned(),
        pattern: "{".to_owned(),
        enabled: true,
    });
    rules
}

#[test]
fn sliced_validation_answers_as_in_one_go_for_every_signed_case() {
    let cases = support::all_files(&support::fixtures().join("integrity"));
    let mut names: Vec<String> = cases
        .iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(support::fixtures().join("integrity")).ok()?;
            Some(
                rel.components()
                    .next()?
                    .as_os_str()
                    .to_string_lossy()
                    .into_owned(),
            )
        })
        .collect();
    names.dedup();
    assert!(names.len() >= 10, "{names:?}");
    for name in names {
        let dir = format!("integrity/{name}");
        let requests = [
            Request::Validate,
            Request::Integrity,
            Request::Rows { offset: 0, len: 50 },
            timeline("integrity:vouched"),
            Request::Suggest {
                field: Some("integrity".to_owned()),
                prefix: String::new(),
            },
        ];
        let steps = same_sliced(&[&dir], &requests);
        if name == "trail" {
            // Seven digests: a step each, beyond the four answers.
            assert!(steps >= 4 + 7, "{steps} steps");
        }
    }
}

#[test]
fn sliced_rules_and_org_report_answer_as_in_one_go() {
    let mut changed = rules();
    changed[0].enabled = false;
    changed[1].pattern = r#"{"source": ["aws.organizations"]}"#.to_owned();
    changed.swap(2, 3);
    let requests = [
        Request::SetRules(rules()),
        Request::Rows {
            offset: 0,
            len: 200,
        },
        Request::SetRules(changed),
        timeline("rule:\"Account created\""),
        Request::SetRules(rules()),
        Request::Orgs,
        timeline("eventSource:organizations.amazonaws.com"),
        Request::Orgs,
    ];
    let steps = same_sliced(&["real", "orgs"], &requests);
    assert!(steps > 150, "{steps} steps: the rules ran 64 events a step");
}

#[test]
fn an_interactive_request_passes_the_rules_under_way_with_the_new_rules_badges() {
    let (mut session, mut twin) = (load(&["real", "orgs"]), load(&["real", "orgs"]));
    let requests = [
        Request::SetRules(rules()),
        timeline(""),
        Request::Rows {
            offset: 100,
            len: 300,
        },
        Request::Detail {
            id: trailglass::store::EventId(3),
        },
    ];
    let mut scheduler = Scheduler::default();
    for (i, r) in requests.iter().enumerate() {
        scheduler.push(i, r.clone());
    }
    let (answers, _) = drain(&mut scheduler, &mut session);
    let order: Vec<usize> = answers.iter().map(|(i, _)| *i).collect();
    assert_eq!(order, [1, 2, 3, 0]);
    // Asked in order, one by one, on the twin: the same answers; the rules' answer
    // carries the generation it was made at (the query's view came since).
    let expected: Vec<Response> = requests.iter().map(|r| twin.handle(r.clone())).collect();
    for (i, response) in answers {
        match (response, expected[i].clone()) {
            (Response::Rules { results, .. }, Response::Rules { results: e, .. }) => {
                assert_eq!(results, e)
            }
            (response, expected) => same(&json(&response), &json(&expected)),
        }
    }
    // Some rows do carry badges (the overtaking answers were not empty of them).
    let badged = twin
        .rows(0, 1000)
        .iter()
        .filter(|r| !r.rules.is_empty())
        .count();
    assert!(badged > 10, "{badged}");
}

#[test]
fn a_query_passing_a_validation_is_answered_as_if_asked_before_it() {
    let (mut session, mut twin) = (load(&["integrity/trail"]), load(&["integrity/trail"]));
    let mut scheduler = Scheduler::default();
    scheduler.push(0, Request::Validate);
    scheduler.push(1, timeline(""));
    scheduler.push(2, Request::Rows { offset: 0, len: 50 });
    scheduler.push(3, timeline(""));
    let names = Request::Suggest {
        field: Some("eventName".to_owned()),
        prefix: String::new(),
    };
    scheduler.push(4, names.clone());
    let (answers, steps) = drain(&mut scheduler, &mut session);
    let order: Vec<usize> = answers.iter().map(|(i, _)| *i).collect();
    assert_eq!(order, [1, 2, 3, 4, 0]);
    // None of them made the seven signature checks for it: the validation did, a step each.
    assert!(steps >= 1 + 4 + 7, "{steps} steps");
    let expected = [
        twin.handle(timeline("")),
        twin.handle(Request::Rows { offset: 0, len: 50 }),
        twin.handle(timeline("")),
        twin.handle(names),
        twin.handle(Request::Validate),
    ];
    for ((_, response), expected) in answers.iter().zip(&expected) {
        assert_eq!(json(response), json(expected));
    }
    let Response::Timeline { answer, .. } = &answers[0].1 else {
        panic!("a timeline");
    };
    assert!(
        !answer.pending.is_empty(),
        "the integrity facet is still pending"
    );
}

#[test]
fn nothing_passes_a_change_of_data_or_rules() {
    let (mut session, mut twin) = (load(&["integrity/trail"]), load(&["integrity/trail"]));
    let more = files(&support::fixtures().join("orgs"));
    let requests = [
        Request::Validate,
        Request::AddFiles(more),
        Request::Finish,
        timeline(""),
        Request::SetRules(rules()),
        Request::SetRules(RuleSpec::starters()),
        Request::Rows {
            offset: 0,
            len: 400,
        },
        Request::Integrity,
        timeline("integrity:vouched"),
        Request::Orgs,
        Request::Reset,
        Request::Rows { offset: 0, len: 10 },
    ];
    let mut scheduler = Scheduler::default();
    for (i, r) in requests.iter().enumerate() {
        scheduler.push(i, r.clone());
    }
    let (answers, _) = drain(&mut scheduler, &mut session);
    let order: Vec<usize> = answers.iter().map(|(i, _)| *i).collect();
    // Only the rows pass the second rule set under way, and the query too, with the
    // validation queued before it; nothing passes a change.
    assert_eq!(order, [0, 1, 2, 3, 4, 6, 8, 5, 7, 9, 10, 11]);
    let expected: Vec<Response> = requests.iter().map(|r| twin.handle(r.clone())).collect();
    for (i, response) in answers {
        match (response, expected[i].clone()) {
            // Answered after the query that passed them: a generation apart.
            (Response::Integrity { report, .. }, Response::Integrity { report: e, .. }) => {
                assert_eq!(report, e)
            }
            (Response::Rules { results, .. }, Response::Rules { results: e, .. }) => {
                assert_eq!(results, e)
            }
            (response, expected) => same(&json(&response), &json(&expected)),
        }
    }
}

#[test]
fn a_query_passes_the_validation_and_report_queued_behind_the_rules_under_way() {
    let (mut session, mut twin) = (load(&["integrity/trail"]), load(&["integrity/trail"]));
    let requests = [
        Request::SetRules(rules()),
        Request::Validate,
        Request::Orgs,
        timeline("eventName:ListBuckets"),
        Request::SetRules(RuleSpec::starters()),
        timeline(""),
    ];
    let mut scheduler = Scheduler::default();
    for (i, r) in requests.iter().enumerate() {
        scheduler.push(i, r.clone());
    }
    let (answers, _) = drain(&mut scheduler, &mut session);
    let order: Vec<usize> = answers.iter().map(|(i, _)| *i).collect();
    // The second rule set is a change: the query after it waits for it to start.
    assert_eq!(order, [3, 0, 1, 2, 5, 4]);
    // As if asked in that order, each long one started in its turn.
    for &i in &[0, 3, 1, 2, 4, 5] {
        let expected = twin.handle(requests[i].clone());
        let response = &answers.iter().find(|(a, _)| *a == i).unwrap().1;
        match (response, expected) {
            (Response::Rules { results, .. }, Response::Rules { results: e, .. }) => {
                assert_eq!(results, &e)
            }
            (response, expected) => same(&json(response), &json(&expected)),
        }
    }
}
