//! The browser layers: a Web Worker that owns a [`crate::session::Session`], and a Yew UI
//! that is only a client of it. Nothing here parses or indexes; it moves bytes and
//! [`crate::protocol`] messages, and draws what comes back.
//!
//! - [`worker`]: the worker's side, and the page's one typed handle on it ([`worker::engine`]).
//! - [`page`]: the frame: toolbar, tabs, loading, the page's state, theme, offline.
//! - [`events`]: the Events tab: query bar, facets, histogram, table, detail, SQL.
//! - [`orgs`], [`rules`], [`integrity_view`]: the other three tabs.
//! - [`browser`]: browser services the views share: the address, files, downloads;
//!   [`shared`]: props compared by identity.

pub mod browser;
pub mod events;
pub mod integrity_view;
pub mod orgs;
pub mod page;
pub mod rules;
pub mod shared;
pub mod worker;
