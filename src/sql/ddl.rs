//! Athena's `CREATE EXTERNAL TABLE` for the trail whose files are loaded: the documented
//! CloudTrail table with partition projection, its location read from the S3 layout of
//! the file paths (`AWSLogs/[o-…/]<account>/CloudTrail/<region>/YYYY/MM/DD/…`).
//!
//! Entry point: [`create_table`].

use std::collections::BTreeSet;

use super::Translation;
use crate::event::schema::{hive_type, COLUMNS};

/// What the loaded paths say about the trail.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TrailLayout {
    /// `o-…` when the files are an organization trail's.
    pub org: Option<String>,
    pub accounts: BTreeSet<String>,
    pub regions: BTreeSet<String>,
    /// The earliest `YYYY/MM/DD` folder.
    pub first_day: Option<String>,
}

impl TrailLayout {
    /// Reads every path that has the S3 layout; the others are ignored.
    pub fn from_paths<'a>(paths: impl IntoIterator<Item = &'a str>) -> TrailLayout {
        let mut layout = TrailLayout::default();
        for path in paths {
            let parts: Vec<&str> = path.split(['/', '\\']).collect();
            let Some(at) = parts.iter().position(|p| *p == "AWSLogs") else {
                continue;
            };
            let mut rest = &parts[at + 1..];
            let mut org = None;
            if rest.first().is_some_and(|p| p.starts_with("o-")) {
                org = rest.first().map(|p| p.to_string());
                rest = &rest[1..];
            }
            let [account, "CloudTrail", region, y, m, d, ..] = rest else {
                continue;
            };
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            if !(digits(account, 12) && digits(y, 4) && digits(m, 2) && digits(d, 2)) {
                continue;
            }
            if org.is_some() {
                layout.org = org;
            }
            layout.accounts.insert(account.to_string());
            layout.regions.insert(region.to_string());
            let day = format!("{y}/{m}/{d}");
            if layout.first_day.as_ref().is_none_or(|f| day < *f) {
                layout.first_day = Some(day);
            }
        }
        layout
    }

    /// Partitioned by account and region too (an organization trail, or several).
    pub fn is_org(&self) -> bool {
        self.org.is_some() || self.accounts.len() > 1 || self.regions.len() > 1
    }
}

/// The DDL for `table` over `s3://{bucket}/…`, shaped by `layout`.
pub fn create_table(layout: &TrailLayout, bucket: &str, table: &str) -> Translation {
    let mut notes = Vec::new();
    let bucket = bucket
        .trim()
        .trim_start_matches("s3://")
        .trim_end_matches('/');
    let bucket = if bucket.is_empty() {
        notes.push("no bucket given: replace amzn-s3-demo-bucket with the trail's bucket".into());
        "amzn-s3-demo-bucket"
    } else {
        bucket
    };
    let columns = COLUMNS
        .iter()
        .map(|c| format!("  {} {}", c.name.to_ascii_lowercase(), hive_type(c.ty)))
        .collect::<Vec<_>>()
        .join(",\n");
    let first = layout.first_day.clone().unwrap_or_else(|| {
        notes.push(
            "no loaded path has the S3 layout (AWSLogs/…/CloudTrail/<region>/YYYY/MM/DD): the location is a placeholder".into(),
        );
        "2020/01/01".into()
    });
    notes.push(
        "if the trail writes under an S3 key prefix, put it between the bucket and AWSLogs/".into(),
    );
    let enum_values = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(",");
    let one = |set: &BTreeSet<String>, placeholder: &str| {
        set.iter()
            .next()
            .cloned()
            .unwrap_or_else(|| placeholder.into())
    };
    let (partitions, location, projection) = if layout.is_org() {
        let org = layout
            .org
            .as_ref()
            .map(|o| format!("{o}/"))
            .unwrap_or_default();
        let base = format!("s3://{bucket}/AWSLogs/{org}");
        (
            "`account` string, `region` string, `timestamp` string",
            base.clone(),
            format!(
                "  'projection.account.type'='enum',\n  'projection.account.values'='{}',\n  'projection.region.type'='enum',\n  'projection.region.values'='{}',\n",
                enum_values(&layout.accounts),
                enum_values(&layout.regions)
            ) + &format!(
                "  'storage.location.template'='{base}${{account}}/CloudTrail/${{region}}/${{timestamp}}'"
            ),
        )
    } else {
        let base = format!(
            "s3://{bucket}/AWSLogs/{}/CloudTrail/{}",
            one(&layout.accounts, "111122223333"),
            one(&layout.regions, "us-east-1")
        );
        (
            "`timestamp` string",
            base.clone(),
            format!("  'storage.location.template'='{base}/${{timestamp}}'"),
        )
    };
    let sql = format!(
        "CREATE EXTERNAL TABLE {table} (\n{columns}\n)\n\
         PARTITIONED BY ({partitions})\n\
         ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'\n\
         STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'\n\
         OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n\
         LOCATION '{location}'\n\
         TBLPROPERTIES (\n\
         \x20 'projection.enabled'='true',\n\
         \x20 'projection.timestamp.type'='date',\n\
         \x20 'projection.timestamp.format'='yyyy/MM/dd',\n\
         \x20 'projection.timestamp.interval'='1',\n\
         \x20 'projection.timestamp.interval.unit'='DAYS',\n\
         \x20 'projection.timestamp.range'='{first},NOW',\n\
         {projection}\n);\n"
    );
    Translation { sql, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_reads_org_accounts_regions_and_first_day() {
        let l = TrailLayout::from_paths([
            "dl/AWSLogs/o-abc123/111111111111/CloudTrail/us-east-1/2024/03/02/x.json.gz",
            "dl/AWSLogs/o-abc123/222222222222/CloudTrail/eu-west-1/2024/02/29/y.json.gz",
            "notes.txt",
            "AWSLogs/111111111111/CloudTrail-Digest/us-east-1/2024/03/02/d.json.gz",
        ]);
        assert_eq!(l.org.as_deref(), Some("o-abc123"));
        assert_eq!(l.accounts.len(), 2);
        assert_eq!(l.first_day.as_deref(), Some("2024/02/29"));
        let ddl = create_table(&l, "s3://trail-bucket/", "cloudtrail_logs_pp").sql;
        assert!(ddl.contains("'projection.account.values'='111111111111,222222222222'"));
        assert!(ddl.contains(
            "s3://trail-bucket/AWSLogs/o-abc123/${account}/CloudTrail/${region}/${timestamp}"
        ));
        assert!(ddl.contains("useridentity STRUCT<type: STRING"));
    }

    #[test]
    fn one_account_and_region_is_the_documented_single_location_table() {
        let l = TrailLayout::from_paths([
            "AWSLogs/111111111111/CloudTrail/us-east-1/2024/03/02/x.json.gz",
        ]);
        assert!(!l.is_org());
        let t = create_table(&l, "", "cloudtrail_logs_pp");
        assert!(t.sql.contains("PARTITIONED BY (`timestamp` string)"));
        assert!(t.sql.contains(
            "LOCATION 's3://amzn-s3-demo-bucket/AWSLogs/111111111111/CloudTrail/us-east-1'"
        ));
        assert!(t.notes.iter().any(|n| n.contains("no bucket")));
    }
}
