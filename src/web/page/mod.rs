//! The frame around the tabs: the app component, its state and actions, loading files into
//! the worker, the load summary and ledger, the theme, offline use.

pub mod app;
pub mod load;
pub mod offline;
pub mod state;
pub mod summary;
pub mod theme;
