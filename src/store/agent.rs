//! User agents grouped into families ("Terraform", "AWS CLI", "Browser"…): the timeline's
//! facet over them, where raw user agents are long and mostly unique (versions, OS
//! strings, Terraform run ids).
//!
//! Entry point: [`family`].

/// The family of a CloudTrail `userAgent`: a short, stable name, `None` for an empty one.
///
/// Tools that embed an SDK are named for the tool (Terraform wraps the Go SDK, the SSM
/// agent too), so tool markers are tested before SDK markers. Anything unknown is named
/// by its first word, so a custom tool still forms one group.
pub fn family(user_agent: &str) -> Option<&str> {
    let ua = user_agent.trim().trim_start_matches('[').trim();
    if ua.is_empty() {
        return None;
    }
    let lower = ua.to_ascii_lowercase();
    let has = |marker: &str| lower.contains(marker);
    let named = if lower == "aws internal" {
        "AWS Internal"
    } else if lower == "console.amazonaws.com"
        || lower == "signin.amazonaws.com"
        || has("s3console")
        || has("console.aws.amazon.com")
    {
        "AWS Console"
    } else if !lower.contains(' ') && lower.ends_with(".amazonaws.com") {
        "AWS service"
    } else if has("terraform") {
        "Terraform"
    } else if has("pulumi") {
        "Pulumi"
    } else if has("aws-cdk") {
        "AWS CDK"
    } else if has("cloudformation") {
        "CloudFormation"
    } else if has("amazon-ssm-agent") {
        "SSM Agent"
    } else if lower.starts_with("aws-cli/") || has(" aws-cli/") {
        "AWS CLI"
    } else if has("powershell") {
        "AWS Tools for PowerShell"
    } else if has("boto3") {
        "Boto3 (Python)"
    } else if has("botocore") {
        "Botocore (Python)"
    } else if has("aws-sdk-go") {
        "AWS SDK for Go"
    } else if has("aws-sdk-java") {
        "AWS SDK for Java"
    } else if has("aws-sdk-js") || has("aws-sdk-nodejs") {
        "AWS SDK for JavaScript"
    } else if has("aws-sdk-dotnet") {
        "AWS SDK for .NET"
    } else if has("aws-sdk-ruby") {
        "AWS SDK for Ruby"
    } else if has("aws-sdk-php") {
        "AWS SDK for PHP"
    } else if has("aws-sdk-rust") {
        "AWS SDK for Rust"
    } else if has("aws-sdk-cpp") {
        "AWS SDK for C++"
    } else if lower.starts_with("mozilla/") {
        "Browser"
    } else {
        let end = ua
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '_' | '(' | ',' | ']'))
            .unwrap_or(ua.len());
        let first = &ua[..end];
        // At most 40 bytes, cut on a character boundary.
        let cut = (0..=first.len().min(40))
            .rev()
            .find(|&i| first.is_char_boundary(i))
            .unwrap_or(0);
        return Some(&first[..cut]).filter(|s| !s.is_empty());
    };
    Some(named)
}

#[cfg(test)]
mod tests {
    use super::family;

    #[test]
    fn real_user_agents_fall_into_families() {
        let cases = [
            ("AWS Internal", "AWS Internal"),
            ("console.amazonaws.com", "AWS Console"),
            ("[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.10]", "AWS Console"),
            ("secretsmanager.amazonaws.com", "AWS service"),
            ("APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 aws-sdk-go/1.44.157", "Terraform"),
            ("aws-sdk-go/1.41.4 (go1.18.3; linux; amd64) amazon-ssm-agent/", "SSM Agent"),
            ("aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.1.79", "AWS CLI"),
            ("[Boto3/1.26.165 Python/3.10.6 Linux/5.19.0-46-generic Botocore/1.29.165]", "Boto3 (Python)"),
            ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/129.0.0.0", "Browser"),
            ("stratus-red-team_ea782787-a65d-4fc4-9fca-1c97869a9a25", "stratus-red-team"),
            ("userAgent1", "userAgent1"),
        ];
        for (ua, want) in cases {
            assert_eq!(family(ua), Some(want), "{ua}");
        }
        assert_eq!(family(""), None);
        assert_eq!(family(" [ "), None);
        // Unknown agents are named by their first word, cut on a character boundary.
        let long = "é".repeat(30);
        assert!(family(&long).unwrap().len() <= 40);
        assert_eq!(family("/x"), None);
    }
}
