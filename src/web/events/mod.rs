//! The Events tab: the query bar, facets, histogram, the events table and its detail pane,
//! and "Run this elsewhere" (SQL).

pub mod detail;
pub mod facets;
pub mod histogram;
pub mod query_bar;
pub mod sql_view;
pub mod table;
pub mod timeline_view;
