//! The house rules, checked on the source tree itself (issue #16), so a change that
//! breaks them fails `cargo test` rather than waiting for a reviewer:
//! - no import circle between sibling modules, at any level of the tree;
//! - the core's top-level modules depend only on those before them in the pipeline
//!   (the order `lib.rs` declares them in, in stages);
//! - no core file names a browser crate (the `web` feature already makes that a compile
//!   error natively; this also covers `#[cfg]`-gated code);
//! - no source file outside tests is over 800 lines.
//!
//! Edges come from `crate::`, `super::` and `self::` paths in code (comments, `pub use`
//! re-exports and test modules are left out: a façade re-exporting its children is not
//! a dependency on them).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may fail loudly

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Module = Vec<String>;

/// The core's stages in pipeline order; a module may use its own stage and those before.
const STAGES: &[&[&str]] = &[
    &["bits", "display", "json_layout", "sample", "sort", "time"],
    &["event"],
    &["ingest"],
    &["store"],
    &["integrity", "orgs", "query", "rules", "sql", "timeline"],
    &["present"],
    &["protocol", "session"],
    &["web"],
];

const MAX_LINES: usize = 800;

fn sources() -> BTreeMap<Module, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Module = rel.iter().map(|p| p.to_string_lossy().into()).collect();
            if module.first().is_some_and(|m| m == "bin") {
                return None;
            }
            if matches!(module.last().map(String::as_str), Some("mod" | "lib")) {
                module.pop();
            }
            Some((module, path))
        })
        .collect()
}

/// The code of a file without its comments and its `#[cfg(test)] mod tests { … }`.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests {").next().unwrap();
    text.lines()
        .map(|l| l.trim())
        .filter(|l| !l.starts_with("//") && !l.starts_with("pub use "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b`, `super::x`, `self::y` path in `code`, resolved to the deepest
/// module of the tree it names.
fn uses(module: &Module, code: &str, modules: &BTreeMap<Module, PathBuf>) -> BTreeSet<Module> {
    let mut out = BTreeSet::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(found) = code[from..].find(start) {
            let at = from + found;
            from = at + start.len();
            if at > 0
                && (bytes[at - 1].is_ascii_alphanumeric()
                    || bytes[at - 1] == b'_'
                    || bytes[at - 1] == b':')
            {
                continue;
            }
            let end = code[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            let mut parts = code[at..end].split("::").filter(|p| !p.is_empty());
            let mut base: Module = match parts.next() {
                Some("crate") => Vec::new(),
                Some("self") => module.clone(),
                _ => {
                    let mut b = module.clone();
                    b.pop();
                    b
                }
            };
            let mut rest: Vec<&str> = parts.collect();
            while rest.first() == Some(&"super") {
                base.pop();
                rest.remove(0);
            }
            for part in rest {
                base.push(part.to_owned());
                if !modules.contains_key(&base) {
                    base.pop();
                    break;
                }
            }
            out.insert(base);
        }
    }
    out
}

/// Both ends lifted to the children of their closest common ancestor (a parent using its
/// own child counts as the parent's own file using it).
fn sibling_edge(a: &Module, b: &Module) -> Option<(Module, Module)> {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let lift = |m: &Module| m[..(common + 1).min(m.len())].to_vec();
    let (a, b) = (lift(a), lift(b));
    (a != b).then_some((a, b))
}

fn graph() -> (BTreeMap<Module, PathBuf>, BTreeSet<(Module, Module)>) {
    let modules = sources();
    let mut edges = BTreeSet::new();
    for (module, path) in &modules {
        let code = code(&fs::read_to_string(path).unwrap());
        for used in uses(module, &code, &modules) {
            if let Some(edge) = sibling_edge(module, &used) {
                edges.insert(edge);
            }
        }
    }
    (modules, edges)
}

fn name(m: &Module) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

#[test]
fn no_import_circle() {
    let (_, edges) = graph();
    // A circle through `a -> b` exists when `a` is reachable from `b`.
    let mut circles = Vec::new();
    for (a, b) in &edges {
        let mut seen = BTreeSet::from([b.clone()]);
        let mut todo = vec![b.clone()];
        while let Some(m) = todo.pop() {
            for (x, y) in &edges {
                if x == &m && seen.insert(y.clone()) {
                    todo.push(y.clone());
                }
            }
        }
        if seen.contains(a) {
            circles.push(format!("{} -> {}", name(a), name(b)));
        }
    }
    assert!(
        circles.is_empty(),
        "edges on an import circle: {circles:#?}"
    );
    assert!(
        edges.len() > 50,
        "the graph looks empty: {} edges",
        edges.len()
    );
}

#[test]
fn core_follows_the_pipeline() {
    let (modules, edges) = graph();
    let stage = |m: &Module| STAGES.iter().position(|s| s.contains(&m[0].as_str()));
    for top in modules.keys().filter(|m| m.len() == 1) {
        assert!(
            stage(top).is_some(),
            "{} is in no stage of STAGES",
            name(top)
        );
    }
    let upward: Vec<String> = edges
        .iter()
        .filter(|(a, b)| a.len() == 1 && b.len() == 1 && stage(b) > stage(a))
        .map(|(a, b)| format!("{} -> {}", name(a), name(b)))
        .collect();
    assert!(
        upward.is_empty(),
        "core modules using later stages: {upward:#?}"
    );
}

#[test]
fn core_names_no_browser_crate() {
    for (module, path) in sources() {
        if module.first().is_some_and(|m| m == "web") {
            continue;
        }
        let code = code(&fs::read_to_string(&path).unwrap());
        for krate in ["yew::", "web_sys::", "gloo::", "js_sys::", "wasm_bindgen"] {
            assert!(!code.contains(krate), "{} names {krate}", path.display());
        }
    }
}

#[test]
fn no_source_file_over_800_lines() {
    let long: Vec<String> = sources()
        .into_values()
        .filter(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            stem != "tests" && !stem.ends_with("_tests")
        })
        .filter_map(|p| {
            let n = fs::read_to_string(&p).unwrap().lines().count();
            (n > MAX_LINES).then(|| format!("{}: {n}", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "split these by job: {long:#?}");
}
