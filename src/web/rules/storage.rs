//! Where the rule set is kept in the browser: localStorage and the page address
//! (`#…&rules=…`, so a link shares it), both in the rules-file format
//! ([`rules::print_file`]).

use crate::protocol::RuleSpec;
use crate::rules::{self, FileLayout};
use crate::web::browser::address::{hash_items, write_hash_items};

/// localStorage key of the rule set: a JSON array of `{name, pattern, enabled}`.
const STORAGE_KEY: &str = "trailglass.rules.v1";
/// The page address's hash key for the rule set.
const HASH_KEY: &str = "rules";

pub(in crate::web) fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved set: `None` when nothing is saved.
pub(super) fn load_saved() -> Option<Result<Vec<RuleSpec>, String>> {
    let text = local_storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    Some(
        rules::parse_file(&text)
            .map(|p| rules::name_rules(p, &[]))
            .map_err(|e| e.to_string()),
    )
}

pub(super) fn save(rules: &[RuleSpec]) -> Result<(), String> {
    let storage = local_storage().ok_or("this browser does not allow local storage")?;
    storage
        .set_item(STORAGE_KEY, &rules::print_file(rules, FileLayout::Verbatim))
        .map_err(|_| "the browser's storage is full or disabled".to_owned())
}

/// The set in the page address: `None` when there is none.
pub(super) fn rules_from_hash() -> Option<Result<Vec<RuleSpec>, String>> {
    let prefix = format!("{HASH_KEY}=");
    let items = hash_items();
    let value = items.iter().find_map(|k| k.strip_prefix(&prefix))?;
    let text = js_sys::decode_uri_component(value)
        .map(String::from)
        .map_err(|_| "it is not correctly URL-encoded".to_owned());
    Some(
        text.and_then(|t| rules::parse_file(&t).map_err(|e| e.to_string()))
            .map(|p| rules::name_rules(p, &[])),
    )
}

/// Puts the set in the page address, keeping every other hash item as it was; the
/// starter set (what a browser with nothing saved has anyway) writes nothing, so a plain
/// view has a short address.
pub(super) fn write_hash(rules: &[RuleSpec]) {
    let prefix = format!("{HASH_KEY}=");
    let mut items = hash_items();
    let at = items.iter().position(|k| k.starts_with(&prefix));
    if rules == RuleSpec::starters().as_slice() {
        if let Some(i) = at {
            items.remove(i);
            write_hash_items(&items, true);
        }
        return;
    }
    let value = String::from(js_sys::encode_uri_component(&rules::print_file(
        rules,
        FileLayout::Compact,
    )));
    let item = format!("{prefix}{value}");
    match at {
        Some(i) => items[i] = item,
        None => items.push(item),
    }
    // In place: the address follows the rules without adding history entries.
    write_hash_items(&items, true);
}
