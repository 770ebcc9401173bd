//! A watch rule as the user keeps it: a name, its pattern text, on or off.

use serde::{Deserialize, Serialize};

/// A watch rule: an EventBridge event pattern with a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub name: String,
    /// The pattern's JSON text, exactly as the user wrote it.
    pub pattern: String,
    pub enabled: bool,
}

impl RuleSpec {
    /// The built-in starter rules ([`super::starter_rules`]), all enabled.
    pub fn starters() -> Vec<RuleSpec> {
        super::starter_rules()
            .into_iter()
            .map(|r| RuleSpec {
                name: r.name,
                pattern: r.pattern_json,
                enabled: true,
            })
            .collect()
    }
}
