//! The browser layers: a Web Worker that owns a [`crate::session::Session`], and a Yew UI
//! that is only a client of it. Nothing here parses or indexes; it moves bytes and
//! [`crate::protocol`] messages, and draws what comes back.

pub mod address;
pub mod app;
pub mod detail;
pub mod download;
pub mod engine;
pub mod facets;
pub mod files;
pub mod histogram;
pub mod integrity_view;
pub mod offline;
pub mod orgs;
pub mod query_bar;
pub mod rules_view;
pub mod sql_view;
pub mod table;
pub mod theme;
pub mod timeline_view;
pub mod worker;

// TODO(orgs-split): the old path, for table.rs and timeline_view.rs (edited in parallel
// elsewhere); drop once they import `orgs`.
pub use self::orgs as orgs_view;
