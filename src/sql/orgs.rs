//! The Organizations reconstructions that SQL can express: account creations with their
//! results, the `CreateAccount` call joined to its `CreateAccountResult` by the `car-`
//! request id, so the Organization tab's report runs over a year in Athena.
//!
//! Entry point: [`account_creations`].

use super::{duck_events, Dialect, Options, Translation};
use crate::event::schema::{self, Ty};

/// A scalar at `path` under top-level `column` (CloudTrail's names), in `dialect`: a
/// struct field, or a value inside a JSON column.
fn at(dialect: Dialect, column: &str, path: &[&str]) -> String {
    let json =
        |col: &str, path: &[&str]| format!("json_extract_scalar({col}, '$.{}')", path.join("."));
    let is_struct = matches!(
        schema::find(schema::COLUMNS, column).map(|c| c.ty),
        Some(Ty::Struct(_))
    );
    let dotted = |name: String| {
        std::iter::once(name)
            .chain(path.iter().map(|p| p.to_string()))
            .collect::<Vec<_>>()
            .join(".")
    };
    match dialect {
        Dialect::DuckDb => format!("(rec ->> '$.{}')", dotted(column.into())),
        Dialect::Athena if path.is_empty() || is_struct => {
            dotted(column.into()).to_ascii_lowercase()
        }
        Dialect::Athena => json(&column.to_ascii_lowercase(), path),
        Dialect::Lake if path.is_empty() || is_struct => dotted(column.into()),
        Dialect::Lake => match path.split_first() {
            Some((first, [])) => format!("element_at({column}, '{first}')"),
            Some((first, rest)) => json(&format!("element_at({column}, '{first}')"), rest),
            None => column.into(),
        },
    }
}

/// Account creations: one row per `car-` request (and per failed call, without one), its
/// request and result side by side; a request still running has no result columns.
pub fn account_creations(dialect: Dialect, options: &Options) -> Translation {
    let mut notes = Vec::new();
    let (with, from) = match dialect {
        Dialect::DuckDb => {
            let (events, _) = duck_events(&options.files, &mut notes);
            (format!("{events},\n"), "events".to_owned())
        }
        Dialect::Athena => ("WITH ".into(), options.athena_table.clone()),
        Dialect::Lake => ("WITH ".into(), options.lake_store.clone()),
    };
    let a = |column: &str, path: &[&str]| at(dialect, column, path);
    let status = |field: &str| a("serviceEventDetails", &["createAccountStatus", field]);
    let sql = format!(
        "-- trailglass: account creations with their results (CreateAccount ⋈ CreateAccountResult on the car- id)\n\
         {with}requests AS (\n\
         \x20 SELECT {} AS request_id, {} AS account_name, {} AS requested, {} AS requester, {} AS error_code\n\
         \x20 FROM {from}\n\
         \x20 WHERE {} = 'organizations.amazonaws.com' AND {} IN ('CreateAccount', 'CreateGovCloudAccount')\n\
         ),\n\
         -- the first result of a request counts, as in the Organization tab (a later,\n\
         -- different one is a conflict it reports)\n\
         results AS (\n\
         \x20 SELECT request_id, result_state, account_id, failure_reason, completed FROM (\n\
         \x20   SELECT {} AS request_id, {} AS result_state, {} AS account_id, {} AS failure_reason, {} AS completed,\n\
         \x20     row_number() OVER (PARTITION BY coalesce({}, {}) ORDER BY {}) AS nth\n\
         \x20   FROM {from}\n\
         \x20   WHERE {} = 'CreateAccountResult'\n\
         \x20 ) AS ordered WHERE nth = 1\n\
         )\n\
         SELECT coalesce(q.request_id, r.request_id) AS request_id, q.account_name, q.requested, q.requester,\n\
         \x20 q.error_code, r.result_state, r.account_id, r.failure_reason, r.completed\n\
         FROM requests AS q\n\
         FULL OUTER JOIN results AS r ON q.request_id = r.request_id\n\
         ORDER BY coalesce(q.requested, r.completed), 1;",
        a("responseElements", &["createAccountStatus", "id"]),
        a("requestParameters", &["accountName"]),
        a("eventTime", &[]),
        a("userIdentity", &["arn"]),
        a("errorCode", &[]),
        a("eventSource", &[]),
        a("eventName", &[]),
        status("id"),
        status("state"),
        status("accountId"),
        status("failureReason"),
        a("eventTime", &[]),
        status("id"),
        a("eventID", &[]),
        a("eventTime", &[]),
        a("eventName", &[]),
    );
    Translation { sql, notes }
}
