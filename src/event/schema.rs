//! The CloudTrail table's columns, once: the Athena DDL is printed from it, paths resolve
//! against it in Athena (lower-case names) and CloudTrail Lake (CloudTrail's camelCase),
//! and the Athena result reader restores CloudTrail's key names from it.
//!
//! Entry points: [`COLUMNS`], [`Ty`], [`find`].

/// A column's (or struct field's) type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A scalar read as a string.
    Str,
    /// A JSON object kept as its text in Athena (`json_extract_scalar`), a
    /// `map<string,string>` in CloudTrail Lake (`element_at`).
    Json,
    /// Named fields.
    Struct(&'static [Col]),
    /// An array of structs (`resources`).
    Array(&'static [Col]),
}

/// A column or struct field under its CloudTrail name (Athena lower-cases it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col {
    pub name: &'static str,
    pub ty: Ty,
}

const fn col(name: &'static str, ty: Ty) -> Col {
    Col { name, ty }
}

const S: Ty = Ty::Str;

const SESSION_ISSUER: &[Col] = &[
    col("type", S),
    col("principalId", S),
    col("arn", S),
    col("accountId", S),
    col("userName", S),
];

const SESSION_CONTEXT: &[Col] = &[
    col(
        "attributes",
        Ty::Struct(&[col("mfaAuthenticated", S), col("creationDate", S)]),
    ),
    col("sessionIssuer", Ty::Struct(SESSION_ISSUER)),
    col("ec2RoleDelivery", S),
    col(
        "webIdFederationData",
        Ty::Struct(&[col("federatedProvider", S), col("attributes", Ty::Json)]),
    ),
    col("sourceIdentity", S),
];

const USER_IDENTITY: &[Col] = &[
    col("type", S),
    col("principalId", S),
    col("arn", S),
    col("accountId", S),
    col("invokedBy", S),
    col("accessKeyId", S),
    col("userName", S),
    col(
        "onBehalfOf",
        Ty::Struct(&[col("userId", S), col("identityStoreArn", S)]),
    ),
    col("sessionContext", Ty::Struct(SESSION_CONTEXT)),
    col("identityProvider", S),
];

/// The documented CloudTrail table (Athena's `cloudtrail_logs_pp`), in record order.
pub const COLUMNS: &[Col] = &[
    col("eventVersion", S),
    col("userIdentity", Ty::Struct(USER_IDENTITY)),
    col("eventTime", S),
    col("eventSource", S),
    col("eventName", S),
    col("awsRegion", S),
    col("sourceIPAddress", S),
    col("userAgent", S),
    col("errorCode", S),
    col("errorMessage", S),
    col("requestParameters", Ty::Json),
    col("responseElements", Ty::Json),
    col("additionalEventData", Ty::Json),
    col("requestID", S),
    col("eventID", S),
    col("readOnly", S),
    col(
        "resources",
        Ty::Array(&[col("ARN", S), col("accountId", S), col("type", S)]),
    ),
    col("eventType", S),
    col("apiVersion", S),
    col("managementEvent", S),
    col("recipientAccountId", S),
    col("serviceEventDetails", Ty::Json),
    col("sharedEventID", S),
    col("vpcEndpointId", S),
    col("vpcEndpointAccountId", S),
    col("eventCategory", S),
    col(
        "addendum",
        Ty::Struct(&[
            col("reason", S),
            col("updatedFields", S),
            col("originalRequestID", S),
            col("originalEventID", S),
        ]),
    ),
    col("sessionCredentialFromConsole", S),
    col("edgeDeviceDetails", Ty::Json),
    col(
        "tlsDetails",
        Ty::Struct(&[
            col("tlsVersion", S),
            col("cipherSuite", S),
            col("clientProvidedHostHeader", S),
        ]),
    ),
];

/// The field named `name` (ignoring ASCII case, as Athena and the query language do).
pub fn find(cols: &'static [Col], name: &str) -> Option<&'static Col> {
    cols.iter().find(|c| c.name.eq_ignore_ascii_case(name))
}

/// Hive's spelling of a type, for the DDL (`STRUCT<a: STRING, …>`).
pub fn hive_type(ty: Ty) -> String {
    let fields = |cols: &[Col]| {
        cols.iter()
            .map(|c| format!("{}: {}", c.name.to_ascii_lowercase(), hive_type(c.ty)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match ty {
        Ty::Str | Ty::Json => "STRING".into(),
        Ty::Struct(cols) => format!("STRUCT<{}>", fields(cols)),
        Ty::Array(cols) => format!("ARRAY<STRUCT<{}>>", fields(cols)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_ignoring_case_and_types_print_as_hive() {
        let ui = find(COLUMNS, "useridentity").map(|c| c.ty);
        assert!(matches!(ui, Some(Ty::Struct(_))));
        const RES: &[Col] = &[col("ARN", S), col("type", S)];
        assert_eq!(
            hive_type(Ty::Array(RES)),
            "ARRAY<STRUCT<arn: STRING, type: STRING>>"
        );
        assert!(find(COLUMNS, "nope").is_none());
    }
}
