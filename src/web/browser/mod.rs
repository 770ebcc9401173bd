//! Browser services the views share: the page address (history, links), files picked or
//! dropped (folders too), downloads.

pub mod address;
pub mod download;
pub mod files;
