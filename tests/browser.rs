//! The core and the browser glue in real headless Chromium (wasm-bindgen-test).
//! Run with scripts/test (it sets the runner and CHROMEDRIVER).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests and tools may fail loudly
#![cfg(target_arch = "wasm32")]

use trailglass::ingest::{ingest_file, Format, Limits};
use trailglass::json_layout::{relayout, JsonLayout};
use trailglass::protocol::{InputFile, Request, Response};
use trailglass::session::Session;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GZ: &[u8] = include_bytes!("fixtures/real/loki/cloudtrail-log-file.json.gz");
const TRUNCATED: &[u8] = include_bytes!("fixtures/damaged/truncated.json.gz");
const CSV: &[u8] = include_bytes!("fixtures/real/gi11rl-CloudGoat/event_history.csv");

#[wasm_bindgen_test]
fn gzip_and_csv_ingest_in_wasm() {
    let gz = ingest_file("a.json.gz", GZ, &Limits::default());
    assert_eq!(gz.report.format, Format::CloudTrailRecords);
    assert_eq!(gz.records.len(), 2);
    let cut = ingest_file("t.json.gz", TRUNCATED, &Limits::default());
    assert_eq!(cut.records.len(), 5);
    assert_eq!(cut.report.skipped, 2);
    let csv = ingest_file("e.csv", CSV, &Limits::default());
    assert_eq!(csv.records.len(), 157);
}

#[wasm_bindgen_test]
fn hostile_nesting_does_not_overflow_the_wasm_stack() {
    // wasm's stack is far smaller than a native thread's: nothing may recurse per level.
    let deep = format!(
        "{{\"Records\":[{{\"eventID\":\"d\",\"x\":{}{}}}]}}",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let got = ingest_file("deep.json", deep.as_bytes(), &Limits::default());
    assert_eq!(got.records.len(), 1);
    let pretty = relayout(&got.records[0].raw, JsonLayout::EXPANDED);
    assert!(pretty.len() > 100_000);
}

#[wasm_bindgen_test]
fn the_session_answers_through_the_protocol() {
    let mut session = Session::default();
    let files = vec![InputFile {
        path: "a.json.gz".into(),
        bytes: GZ.to_vec(),
        read_error: None,
    }];
    let Response::Added { events, .. } = session.handle(Request::AddFiles(files)) else {
        panic!()
    };
    assert_eq!(events, 2);
    session.handle(Request::sample());
    let Response::Loaded(summary) = session.handle(Request::Finish) else {
        panic!()
    };
    assert!(summary.stats.events > 400);
    let Response::Orgs { report, .. } = session.handle(Request::Orgs) else {
        panic!()
    };
    assert!(report.creations.len() >= 4);
}

#[wasm_bindgen_test]
async fn a_browser_file_is_read_back_byte_for_byte() {
    let file = gloo::file::File::new("x.json.gz", GZ);
    let bytes = gloo::file::futures::read_as_bytes(&file).await.unwrap();
    assert_eq!(bytes, GZ);
}

#[path = "support/vectors.rs"]
mod vectors;

#[wasm_bindgen_test]
fn every_eventbridge_vector_passes_in_the_browser_build() {
    let report = vectors::check(include_str!("fixtures/eventbridge/vectors.json"));
    assert!(report.vectors > 200, "{} vectors", report.vectors);
    assert!(report.failures.is_empty(), "{:#?}", report.failures);
    assert!(
        report.fast_checked > 0,
        "the record fast path was never checked"
    );
}

/// The histogram component mounted on its own, driven by synthetic pointer and mouse
/// events as a person's would arrive.
mod histogram_view {
    use std::cell::RefCell;
    use std::rc::Rc;

    use gloo::timers::future::TimeoutFuture;
    use trailglass::timeline::{Bucket, Histogram};
    use trailglass::web::events::histogram::{HistogramProps, HistogramView};
    use wasm_bindgen_test::*;
    use web_sys::{Element, MouseEvent, MouseEventInit, PointerEvent, PointerEventInit};
    use yew::{AppHandle, Callback, Renderer};

    const HOUR: i64 = 3_600_000;
    /// 2020-09-16T00:00:00Z
    const START: i64 = 1_600_214_400_000;

    type Range = Option<(i64, i64)>;

    struct Mounted {
        root: Element,
        got: Rc<RefCell<Vec<Range>>>,
        handle: AppHandle<HistogramView>,
    }

    impl Mounted {
        async fn new(histogram: Histogram, range: Range) -> Self {
            let document = gloo::utils::document();
            let root = document.create_element("div").unwrap();
            root.set_attribute("style", "width: 800px").unwrap();
            document.body().unwrap().append_child(&root).unwrap();
            let got = Rc::new(RefCell::new(Vec::new()));
            let sink = Rc::clone(&got);
            let props = HistogramProps {
                histogram: Rc::new(histogram),
                range,
                on_range: Callback::from(move |r: Range| sink.borrow_mut().push(r)),
            };
            let handle =
                Renderer::<HistogramView>::with_root_and_props(root.clone(), props).render();
            settle().await;
            Mounted { root, got, handle }
        }

        fn find(&self, selector: &str) -> Element {
            self.root
                .query_selector(selector)
                .unwrap()
                .unwrap_or_else(|| panic!("no {selector} in {}", self.root.inner_html()))
        }

        fn all(&self, selector: &str) -> Vec<Element> {
            let list = self.root.query_selector_all(selector).unwrap();
            (0..list.length())
                .filter_map(|i| list.item(i))
                .map(|n| wasm_bindgen::JsCast::dyn_into::<Element>(n).unwrap())
                .collect()
        }

        fn attr(&self, selector: &str, name: &str) -> String {
            self.find(selector).get_attribute(name).unwrap_or_default()
        }

        /// Client coordinates of `buckets` bucket widths into the chart, halfway down.
        fn at(&self, buckets: f64, n: f64) -> (i32, i32) {
            let rect = self
                .find("[data-testid=histogram-chart]")
                .get_bounding_client_rect();
            assert!(
                rect.width() > 100.0,
                "the chart has no width: {}",
                rect.width()
            );
            (
                (rect.left() + rect.width() * buckets / n).round() as i32,
                (rect.top() + rect.height() / 2.0).round() as i32,
            )
        }

        fn pointer(&self, kind: &str, (x, y): (i32, i32)) {
            let init = PointerEventInit::new();
            init.set_bubbles(true);
            init.set_cancelable(true);
            init.set_client_x(x);
            init.set_client_y(y);
            init.set_pointer_id(1);
            init.set_pointer_type("mouse");
            init.set_is_primary(true);
            init.set_button(if kind == "pointermove" { -1 } else { 0 });
            init.set_buttons(u16::from(kind != "pointerup"));
            let event = PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
            self.find("[data-testid=histogram-chart]")
                .dispatch_event(&event)
                .unwrap();
        }

        fn click(&self, selector: &str) {
            let init = MouseEventInit::new();
            init.set_bubbles(true);
            init.set_cancelable(true);
            let event = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
            self.find(selector).dispatch_event(&event).unwrap();
        }

        fn take(&self) -> Vec<Range> {
            std::mem::take(&mut *self.got.borrow_mut())
        }

        fn unmount(self) {
            self.handle.destroy();
            self.root.remove();
        }
    }

    /// Lets Yew render (it schedules renders rather than drawing in the event handler).
    async fn settle() {
        TimeoutFuture::new(0).await;
        TimeoutFuture::new(0).await;
    }

    /// Ten hourly buckets from START with 1..=10 events, some errors and writes.
    fn hours() -> Histogram {
        Histogram {
            start: START,
            bucket_ms: HOUR,
            buckets: (1..=10)
                .map(|i| Bucket {
                    total: i,
                    errors: i / 3,
                    writes: i / 2,
                })
                .collect(),
            span: Some((START, START + 10 * HOUR - 1)),
            ..Histogram::default()
        }
    }

    #[wasm_bindgen_test]
    async fn draws_every_bucket_with_its_hooks_and_labels() {
        let m = Mounted::new(hours(), None).await;
        assert_eq!(m.attr("[data-testid=histogram]", "data-buckets"), "10");
        assert_eq!(
            m.attr("[data-testid=histogram]", "data-start"),
            START.to_string()
        );
        assert_eq!(
            m.attr("[data-testid=histogram]", "data-bucket-ms"),
            HOUR.to_string()
        );
        assert_eq!(m.attr("[data-testid=histogram]", "data-total"), "55");
        let bars = m.all("[data-testid=histogram-bar]");
        assert_eq!(bars.len(), 10);
        let third = &bars[2];
        assert_eq!(
            third.get_attribute("data-from").unwrap(),
            (START + 2 * HOUR).to_string()
        );
        assert_eq!(
            third.get_attribute("data-to").unwrap(),
            (START + 3 * HOUR).to_string()
        );
        assert_eq!(third.get_attribute("data-count").unwrap(), "3");
        let tip = third
            .query_selector("title")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap();
        assert!(tip.contains("2020-09-16 02:00 – 03:00 UTC"), "{tip}");
        assert!(tip.contains("3 events · 1 errors · 1 writes"), "{tip}");
        // Errors and writes are drawn apart from the reads.
        assert_eq!(third.query_selector_all("rect.errors").unwrap().length(), 1);
        assert_eq!(third.query_selector_all("rect.writes").unwrap().length(), 1);
        assert_eq!(
            m.find("[data-testid=histogram-max]")
                .text_content()
                .unwrap(),
            "10"
        );
        let axis = m.find("[data-testid=histogram-x]").text_content().unwrap();
        assert!(axis.starts_with("09-16 00:00"), "{axis}");
        // No range: nothing to zoom out of or reset, and no notes.
        assert!(m.find("[data-testid=zoom-out]").has_attribute("disabled"));
        assert!(m.find("[data-testid=zoom-reset]").has_attribute("disabled"));
        assert!(m
            .all("[data-testid=histogram-before], [data-testid=histogram-after]")
            .is_empty());
        m.unmount();
    }

    #[wasm_bindgen_test]
    async fn a_brush_emits_the_range_snapped_to_bucket_edges() {
        let m = Mounted::new(hours(), None).await;
        m.pointer("pointerdown", m.at(1.5, 10.0));
        m.pointer("pointermove", m.at(2.5, 10.0));
        m.pointer("pointermove", m.at(3.4, 10.0));
        settle().await;
        // The brush is drawn over the buckets it will select.
        assert_eq!(
            m.attr("[data-testid=histogram-brush]", "data-from"),
            (START + HOUR).to_string()
        );
        assert_eq!(
            m.attr("[data-testid=histogram-brush]", "data-to"),
            (START + 4 * HOUR).to_string()
        );
        assert!(m.take().is_empty(), "nothing is emitted before the release");
        m.pointer("pointerup", m.at(3.4, 10.0));
        settle().await;
        assert_eq!(m.take(), vec![Some((START + HOUR, START + 4 * HOUR))]);
        assert!(m.all("[data-testid=histogram-brush]").is_empty());

        // Right to left, released past the chart's right... and left edges.
        m.pointer("pointerdown", m.at(8.2, 10.0));
        m.pointer("pointermove", m.at(12.0, 10.0));
        m.pointer("pointerup", m.at(-3.0, 10.0));
        settle().await;
        assert_eq!(m.take(), vec![Some((START, START + 9 * HOUR))]);

        // A click without a drag: its one bucket.
        m.pointer("pointerdown", m.at(6.5, 10.0));
        m.pointer("pointerup", m.at(6.5, 10.0));
        settle().await;
        assert_eq!(m.take(), vec![Some((START + 6 * HOUR, START + 7 * HOUR))]);

        // A move or a release without a press does nothing.
        m.pointer("pointermove", m.at(2.5, 10.0));
        m.pointer("pointerup", m.at(2.5, 10.0));
        settle().await;
        assert!(m.take().is_empty());
        m.unmount();
    }

    #[wasm_bindgen_test]
    async fn outlier_notes_widen_the_range_to_the_span() {
        let span = (START - 100 * HOUR, START + 50 * HOUR);
        let outliers = Histogram {
            before: 3,
            after: 1,
            timeless: 2,
            span: Some(span),
            ..hours()
        };
        // No range yet: either note selects the whole span.
        let m = Mounted::new(outliers.clone(), None).await;
        let before = m
            .find("[data-testid=histogram-before]")
            .text_content()
            .unwrap();
        assert_eq!(before, "← 3 earlier events");
        let after = m
            .find("[data-testid=histogram-after]")
            .text_content()
            .unwrap();
        assert_eq!(after, "1 later event →");
        let timeless = m
            .find("[data-testid=histogram-timeless]")
            .text_content()
            .unwrap();
        assert_eq!(timeless, "2 without time");
        m.click("[data-testid=histogram-before]");
        m.click("[data-testid=histogram-after]");
        assert_eq!(m.take(), vec![Some((span.0, span.1 + 1)); 2]);
        m.unmount();

        // A range: each note stretches its own end of it.
        let range = (START, START + 10 * HOUR);
        let m = Mounted::new(outliers, Some(range)).await;
        m.click("[data-testid=histogram-before]");
        m.click("[data-testid=histogram-after]");
        assert_eq!(
            m.take(),
            vec![Some((span.0, range.1)), Some((range.0, span.1 + 1))]
        );
        m.unmount();
    }

    #[wasm_bindgen_test]
    async fn zoom_out_doubles_the_range_and_reset_clears_it() {
        let m = Mounted::new(hours(), Some((START, START + 10 * HOUR))).await;
        assert!(!m.find("[data-testid=zoom-out]").has_attribute("disabled"));
        m.click("[data-testid=zoom-out]");
        m.click("[data-testid=zoom-reset]");
        assert_eq!(
            m.take(),
            vec![Some((START - 5 * HOUR, START + 15 * HOUR)), None]
        );
        m.unmount();
    }

    #[wasm_bindgen_test]
    async fn empty_and_extreme_histograms_render() {
        let m = Mounted::new(Histogram::default(), None).await;
        assert_eq!(m.attr("[data-testid=histogram]", "data-buckets"), "0");
        assert_eq!(m.attr("[data-testid=histogram]", "data-total"), "0");
        let text = m
            .find("[data-testid=histogram-empty]")
            .text_content()
            .unwrap();
        assert_eq!(text, "No events in this range");
        assert!(m.all("[data-testid=histogram-bar]").is_empty());
        m.unmount();

        // An empty range that still has events outside it: the way back stays.
        let outside = Histogram {
            start: START,
            bucket_ms: HOUR,
            buckets: vec![Bucket::default(); 4],
            after: 7,
            span: Some((START + 9 * HOUR, START + 20 * HOUR)),
            ..Histogram::default()
        };
        let m = Mounted::new(outside, Some((START, START + 4 * HOUR))).await;
        m.find("[data-testid=histogram-empty]");
        m.click("[data-testid=histogram-after]");
        m.click("[data-testid=zoom-reset]");
        assert_eq!(m.take(), vec![Some((START, START + 20 * HOUR + 1)), None]);
        m.unmount();

        // One bucket with the largest count.
        let huge = Histogram {
            start: START,
            bucket_ms: 365 * 24 * HOUR,
            buckets: vec![Bucket {
                total: u32::MAX,
                errors: u32::MAX,
                writes: 1,
            }],
            ..Histogram::default()
        };
        let m = Mounted::new(huge, None).await;
        assert_eq!(
            m.attr("[data-testid=histogram]", "data-total"),
            u32::MAX.to_string()
        );
        assert_eq!(
            m.find("[data-testid=histogram-max]")
                .text_content()
                .unwrap(),
            "4,294,967,295"
        );
        assert_eq!(m.all("[data-testid=histogram-bar]").len(), 1);
        // The one event of writes still shows.
        let writes = m.find("rect.writes");
        assert!(
            writes
                .get_attribute("height")
                .unwrap()
                .parse::<f64>()
                .unwrap()
                > 1.0
        );
        m.pointer("pointerdown", m.at(0.3, 1.0));
        m.pointer("pointerup", m.at(0.9, 1.0));
        assert_eq!(m.take(), vec![Some((START, START + 365 * 24 * HOUR))]);
        m.unmount();
    }
}
