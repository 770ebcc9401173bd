use super::*;

fn sql(query: &str, dialect: Dialect) -> String {
    match translate(query, None, dialect, &Options::default()) {
        Ok(t) => t.sql,
        Err(e) => panic!("{query}: {e}"),
    }
}

#[test]
fn not_keeps_rows_where_the_field_is_missing() {
    let s = sql("-errorCode:AccessDenied", Dialect::Athena);
    assert!(
        s.contains("(errorcode IS NULL OR NOT lower(errorcode) = 'accessdenied')"),
        "{s}"
    );
    // Under a NOT, compound conditions are made two-valued leaf by leaf.
    let s = sql("NOT (errorCode:x OR eventName:y)", Dialect::Lake);
    assert!(s.contains("NOT ((errorCode IS NOT NULL AND lower(errorCode) = 'x') OR (eventName IS NOT NULL AND lower(eventName) = 'y'))"), "{s}");
}

#[test]
fn wildcards_escape_like_characters() {
    let s = sql(r"eventName:Get_100%*", Dialect::DuckDb);
    assert!(
        s.contains(r"lower((rec ->> '$.eventName')) LIKE 'get\_100\%%' ESCAPE '\'"),
        "{s}"
    );
    let s = sql(r"userAgent:it\'s\*", Dialect::Athena);
    assert!(s.contains("lower(useragent) = 'it''s*'"), "{s}");
}

#[test]
fn paths_follow_each_dialect_schema() {
    let s = sql("requestParameters.bucketName:logs*", Dialect::Athena);
    assert!(
        s.contains("json_extract_scalar(requestparameters, '$.bucketName')"),
        "{s}"
    );
    let s = sql("requestParameters.bucketName:logs*", Dialect::Lake);
    assert!(
        s.contains("element_at(requestParameters, 'bucketName')"),
        "{s}"
    );
    let s = sql(
        "userIdentity.sessionContext.sessionIssuer.userName:admin",
        Dialect::Athena,
    );
    assert!(
        s.contains("useridentity.sessioncontext.sessionissuer.username"),
        "{s}"
    );
    let s = sql("resources.ARN:*bucket*", Dialect::Athena);
    assert!(
        s.contains(
            "cardinality(filter(resources, r -> lower(r.arn) LIKE '%bucket%' ESCAPE '\\')) > 0"
        ),
        "{s}"
    );
    let s = sql("requestParameters.bucketName:x", Dialect::DuckDb);
    assert!(s.contains("= '$.requestparameters.bucketname'"), "{s}");
}

#[test]
fn refusals_name_the_part_and_why() {
    let e = translate(
        "eventName:X principal:alice",
        None,
        Dialect::Athena,
        &Options::default(),
    )
    .err();
    let e = e.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with("`principal:alice` has no SQL equivalent: the principal"),
        "{e}"
    );
    let e = translate(
        "userIdentity.nope:1",
        None,
        Dialect::Athena,
        &Options::default(),
    )
    .err()
    .map(|e| e.reason)
    .unwrap_or_default();
    assert!(e.contains("userIdentity.nope is not a column"), "{e}");
    let e = translate("eventName:(", None, Dialect::DuckDb, &Options::default()).err();
    assert!(e.is_some());
}

#[test]
fn athena_partitions_widen_the_time_range_by_a_day() {
    let s = sql(
        "eventTime:[2024-03-01 TO 2024-03-02] eventName:X",
        Dialect::Athena,
    );
    assert!(
        s.contains("\"timestamp\" >= '2024/02/29' AND \"timestamp\" <= '2024/03/04'"),
        "{s}"
    );
    let t = translate("eventName:X", None, Dialect::Athena, &Options::default());
    assert!(t.is_ok_and(|t| t.notes.iter().any(|n| n.contains("every day"))));
}

#[test]
fn duckdb_reads_loaded_files_relative_to_the_picked_folder() {
    let file = |path: &str, format, complete| SourceFile {
        path: path.into(),
        format,
        decoded_bytes: 40 << 20,
        complete,
    };
    let options = Options {
        files: vec![
            file(
                "dl/AWSLogs/1/CloudTrail/r/2024/01/01/a.json.gz",
                Format::CloudTrailRecords,
                true,
            ),
            file("dl/x.ndjson", Format::RecordLines, true),
            file(
                "dl/AWSLogs/1/CloudTrail-Digest/d.json.gz",
                Format::CloudTrailDigest,
                true,
            ),
            file("dl/export.csv", Format::ConsoleCsv, true),
            file("dl/cut.json", Format::CloudTrailRecords, false),
        ],
        ..Options::default()
    };
    let t = translate("*", None, Dialect::DuckDb, &options).unwrap_or_default();
    assert!(t.sql.contains("read_json_objects(['AWSLogs/1/CloudTrail/r/2024/01/01/a.json.gz'], format = 'auto', maximum_object_size = 42991616, filename = true)"), "{}", t.sql);
    assert!(t.sql.contains("['x.ndjson'], format = 'newline_delimited'"));
    assert!(!t.sql.contains("Digest"));
    assert!(t.sql.contains("run from inside the folder dl"));
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("left out 2 file(s)") && n.contains("dl/export.csv, dl/cut.json")));
}

#[test]
fn account_creations_join_request_and_result_on_the_car_id() {
    let athena = account_creations(Dialect::Athena, &Options::default()).sql;
    assert!(
        athena.contains(
            "json_extract_scalar(responseelements, '$.createAccountStatus.id') AS request_id"
        ),
        "{athena}"
    );
    assert!(athena.contains("useridentity.arn AS requester"), "{athena}");
    assert!(athena.contains("FULL OUTER JOIN results AS r ON q.request_id = r.request_id"));
    let lake = account_creations(Dialect::Lake, &Options::default()).sql;
    assert!(lake.contains("json_extract_scalar(element_at(serviceEventDetails, 'createAccountStatus'), '$.state')"), "{lake}");
    let duck = account_creations(Dialect::DuckDb, &Options::default()).sql;
    assert!(
        duck.contains(
            "(rec ->> '$.serviceEventDetails.createAccountStatus.accountId') AS account_id"
        ),
        "{duck}"
    );
}
