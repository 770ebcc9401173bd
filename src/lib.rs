//! trailglass: a CloudTrail log viewer that runs entirely in the browser.
//!
//! The pipeline, in one line:
//! `bytes → ingest (detect, decode, split, parse) → store (dedupe, intern, sort) → views
//! (rows, summary, orgs lifecycles, rules)`.
//!
//! Everything outside [`web`] is the pure core: no browser types, no clocks, no threads.
//! It builds and is tested natively; the `web` feature adds the Yew UI and the Web Worker,
//! thin layers that only move [`protocol`] messages to and from a [`session::Session`].

pub mod agent;
pub mod detail;
pub mod display;
pub mod event;
pub mod ingest;
pub mod integrity;
pub mod intern;
pub mod json_layout;
pub mod orgs;
pub mod protocol;
pub mod query;
pub mod rules;
pub mod sample;
pub mod session;
pub mod sort;
pub mod sql;
pub mod store;
pub mod time;
pub mod timeline;

#[cfg(feature = "web")]
pub mod web;
