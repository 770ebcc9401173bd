//! What the page shows, computed natively: an event's record as an ordered tree and the
//! query clauses its actions build ([`detail`]), the histogram's axis and brush arithmetic
//! ([`axis`]), and the Events tab's state as a link ([`link`]). Pure, so tested natively;
//! the `web` views only draw.

pub mod axis;
pub mod detail;
pub mod link;
