//! trailglass: a CloudTrail log viewer that runs entirely in the browser.
//!
//! The pipeline, in one line:
//! `bytes → ingest (detect, decode, split, parse) → store (dedupe, intern, sort) → views
//! (rows, summary, orgs lifecycles, rules)`.
//!
//! Everything outside `web` is the pure core: no browser types, no clocks, no threads.
//! It builds and is tested natively; the `web` feature adds the Yew UI and the Web Worker,
//! thin layers that only move [`protocol`] messages to and from a [`session::Session`].

// In pipeline order: bytes → records → the store → questions asked of it → the façade.
pub mod event;

pub mod ingest;

pub mod store;

pub mod integrity;
pub mod orgs;
pub mod query;
pub mod rules;
pub mod sql;
pub mod timeline;

pub mod present;

pub mod protocol;
pub mod session;

// Shared by every layer: bitsets, times, numbers and sizes in words, JSON re-layout, the generated
// sample and benchmark data, one compiled sort, time parsing and printing.
pub mod bits;
pub mod display;
pub mod json_layout;
pub mod sample;
pub mod sort;
pub mod time;

#[cfg(feature = "web")]
pub mod web;
