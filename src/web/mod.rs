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
pub mod load;
pub mod offline;
pub mod orgs;
pub mod query_bar;
pub mod rules;
pub mod sql_view;
pub mod state;
pub mod summary;
pub mod table;
pub mod theme;
pub mod timeline_view;
pub mod worker;
