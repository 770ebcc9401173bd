//! [`RuleSet`]: the Rules panel's rule list and how each user action changes it.
//!
//! Pure state transitions (no browser types), so the UI's reducer is one line and the
//! wording users see after each action is tested natively. Entry points:
//! [`RuleSet::open`] (the set a panel starts with) and [`RuleSet::apply`] a [`Change`].

use super::file::{name_rules, ParsedRule};
use super::RuleSpec;

/// The rules the user works on, with what the panel says about the last change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    pub rules: Vec<RuleSpec>,
    /// The set came from the page address and differs from the saved one: the saved one
    /// is not overwritten until the user changes something.
    pub from_link: bool,
    /// The set before the last delete, reset, import or switch (one level of undo).
    pub undo: Option<Vec<RuleSpec>>,
    pub notice: Option<Notice>,
}

/// A message about the last change, or about a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            error: false,
        })
    }

    pub fn error(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            text: text.into(),
            error: true,
        })
    }
}

/// A user action on the set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Adds a rule, or replaces the one named `original` (else the one named `name`).
    Save {
        original: Option<String>,
        name: String,
        pattern: String,
    },
    Toggle(String),
    Delete(String),
    Reset,
    Import {
        rules: Vec<ParsedRule>,
        file: String,
    },
    Undo,
    UseSaved(Vec<RuleSpec>),
    /// Shows (or with `None` dismisses) a notice; the rules stay as they are.
    Notify(Option<Notice>),
}

impl RuleSet {
    /// The set when the panel opens: the page address's (`linked`) wins over the saved
    /// one, which wins over the starter set (first use). `None` is "there is none";
    /// an `Err` holds why it could not be read.
    pub fn open(
        saved: Option<Result<Vec<RuleSpec>, String>>,
        linked: Option<Result<Vec<RuleSpec>, String>>,
    ) -> RuleSet {
        let mut notice = None;
        let set = |rules, from_link| RuleSet {
            rules,
            from_link,
            undo: None,
            notice: None,
        };
        let fallback = match saved.clone() {
            Some(Ok(rules)) => rules,
            Some(Err(e)) => {
                notice = Notice::error(format!(
                    "The rules saved in this browser could not be read ({e}); the starter rules are shown instead."
                ));
                RuleSpec::starters()
            }
            None => RuleSpec::starters(),
        };
        let mut state = match linked {
            Some(Ok(rules)) => {
                // Only hold back saving when that would overwrite something different.
                let differs = matches!(&saved, Some(Ok(s)) if *s != rules);
                set(rules, differs)
            }
            Some(Err(e)) => {
                notice = Notice::error(format!("The rules in the link could not be read: {e}"));
                set(fallback, false)
            }
            None => set(fallback, false),
        };
        state.notice = notice;
        state
    }

    /// The set after `change`.
    pub fn apply(&self, change: Change) -> RuleSet {
        let mut s = self.clone();
        let before = s.rules.clone();
        let find = |rules: &[RuleSpec], name: &str| rules.iter().position(|r| r.name == name);
        match change {
            Change::Notify(notice) => {
                s.notice = notice;
                return s;
            }
            Change::Save {
                original,
                name,
                pattern,
            } => {
                let at = original
                    .and_then(|o| find(&s.rules, &o))
                    .or_else(|| find(&s.rules, &name));
                match at {
                    Some(i) => {
                        // An edit keeps the rule's place and its on/off state.
                        s.rules[i].name = name.clone();
                        s.rules[i].pattern = pattern;
                        let mut j = 0;
                        s.rules.retain(|r| {
                            j += 1;
                            j - 1 == i || r.name != name
                        });
                    }
                    None => s.rules.push(RuleSpec {
                        name: name.clone(),
                        pattern,
                        enabled: true,
                    }),
                }
                s.undo = None;
                s.notice = Notice::info(format!("Saved “{name}”."));
            }
            Change::Toggle(name) => {
                if let Some(i) = find(&s.rules, &name) {
                    s.rules[i].enabled = !s.rules[i].enabled;
                }
                s.undo = None;
            }
            Change::Delete(name) => {
                s.rules.retain(|r| r.name != name);
                s.undo = Some(before);
                s.notice = Notice::info(format!("Deleted “{name}”."));
            }
            Change::Reset => {
                s.rules = RuleSpec::starters();
                s.undo = Some(before);
                s.notice = Notice::info(format!("Starter rules restored ({}).", s.rules.len()));
            }
            Change::Import { rules, file } => {
                let incoming = name_rules(rules, &s.rules);
                let replaced = incoming
                    .iter()
                    .filter(|r| find(&s.rules, &r.name).is_some())
                    .count();
                let count = incoming.len();
                for rule in incoming {
                    match find(&s.rules, &rule.name) {
                        Some(i) => s.rules[i] = rule,
                        None => s.rules.push(rule),
                    }
                }
                s.undo = Some(before);
                s.notice = Notice::info(format!(
                    "Imported {count} rule{} from {file}{}.",
                    plural(count),
                    if replaced > 0 {
                        format!(" ({replaced} replaced rules of the same name)")
                    } else {
                        String::new()
                    }
                ));
            }
            Change::Undo => {
                if let Some(previous) = s.undo.take() {
                    s.rules = previous;
                    s.notice = Notice::info("Undone.");
                }
            }
            Change::UseSaved(saved) => {
                s.rules = saved;
                s.undo = Some(before);
                s.notice = Notice::info("Showing your saved rules.");
            }
        }
        // Any change makes the set the user's own: it is saved from now on.
        s.from_link = false;
        s
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, pattern: &str, enabled: bool) -> RuleSpec {
        RuleSpec {
            name: name.to_owned(),
            pattern: pattern.to_owned(),
            enabled,
        }
    }

    fn set(rules: Vec<RuleSpec>) -> RuleSet {
        RuleSet::open(Some(Ok(rules)), None)
    }

    fn names(s: &RuleSet) -> Vec<&str> {
        s.rules.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn opens_with_the_link_then_the_saved_then_the_starters() {
        let mine = vec![spec("mine", "{}", true)];
        let linked = vec![spec("linked", "{}", true)];
        let starters = RuleSpec::starters();
        assert_eq!(RuleSet::open(None, None).rules, starters);
        assert_eq!(set(mine.clone()).rules, mine);

        let s = RuleSet::open(Some(Ok(mine.clone())), Some(Ok(linked.clone())));
        assert_eq!((s.rules.clone(), s.from_link), (linked.clone(), true));
        // The same set as the saved one overwrites nothing, so it is the user's own.
        assert!(!RuleSet::open(Some(Ok(linked.clone())), Some(Ok(linked.clone()))).from_link);
        assert!(!RuleSet::open(None, Some(Ok(linked))).from_link);

        let s = RuleSet::open(Some(Err("bad".into())), None);
        assert_eq!(s.rules, starters);
        assert_eq!(
            s.notice.unwrap().text,
            "The rules saved in this browser could not be read (bad); the starter rules are shown instead."
        );
        let s = RuleSet::open(Some(Ok(mine.clone())), Some(Err("torn".into())));
        assert_eq!((s.rules, s.from_link), (mine, false));
        assert_eq!(
            s.notice,
            Notice::error("The rules in the link could not be read: torn")
        );
    }

    #[test]
    fn saving_adds_or_edits_in_place() {
        let s = set(vec![spec("a", "1", false), spec("b", "2", true)]);
        let save = |s: &RuleSet, original: Option<&str>, name: &str| {
            s.apply(Change::Save {
                original: original.map(str::to_owned),
                name: name.to_owned(),
                pattern: "new".to_owned(),
            })
        };
        let added = save(&s, None, "c");
        assert_eq!(names(&added), ["a", "b", "c"]);
        assert_eq!(added.notice, Notice::info("Saved “c”."));
        // Renaming "a" keeps its place and its off state.
        let renamed = save(&s, Some("a"), "z");
        assert_eq!(renamed.rules[0], spec("z", "new", false));
        assert_eq!(names(&renamed), ["z", "b"]);
        // Renaming onto another rule's name replaces that rule.
        assert_eq!(names(&save(&s, Some("a"), "b")), ["b"]);
        // A new rule under a taken name replaces that rule.
        assert_eq!(save(&s, None, "b").rules[1], spec("b", "new", true));
    }

    #[test]
    fn delete_reset_import_and_use_saved_can_be_undone() {
        let s = set(vec![spec("a", "1", true), spec("imported 1", "2", true)]);
        let deleted = s.apply(Change::Delete("a".into()));
        assert_eq!(names(&deleted), ["imported 1"]);
        assert_eq!(deleted.notice, Notice::info("Deleted “a”."));
        let undone = deleted.apply(Change::Undo);
        assert_eq!(undone.rules, s.rules);
        assert_eq!(undone.notice, Notice::info("Undone."));
        assert_eq!(undone.undo, None);

        let reset = s.apply(Change::Reset);
        assert_eq!(reset.rules, RuleSpec::starters());
        assert_eq!(reset.undo.as_ref(), Some(&s.rules));

        let parsed = |name: Option<&str>| ParsedRule {
            name: name.map(str::to_owned),
            pattern: "{}".into(),
            enabled: true,
        };
        let imported = s.apply(Change::Import {
            rules: vec![parsed(Some("a")), parsed(None)],
            file: "r.json".into(),
        });
        assert_eq!(names(&imported), ["a", "imported 1", "imported 2"]);
        assert_eq!(
            imported.notice,
            Notice::info("Imported 2 rules from r.json (1 replaced rules of the same name).")
        );
        let one = s.apply(Change::Import {
            rules: vec![parsed(None)],
            file: "r.json".into(),
        });
        assert_eq!(one.notice, Notice::info("Imported 1 rule from r.json."));

        let saved = s.apply(Change::UseSaved(vec![spec("x", "{}", true)]));
        assert_eq!(names(&saved), ["x"]);
        assert_eq!(saved.apply(Change::Undo).rules, s.rules);
    }

    #[test]
    fn toggling_clears_undo_and_any_change_ends_from_link() {
        let s = RuleSet::open(
            Some(Ok(vec![spec("mine", "{}", true)])),
            Some(Ok(vec![spec("a", "{}", true)])),
        );
        assert!(s.from_link);
        // A notice is not a change of the rules.
        let noticed = s.apply(Change::Notify(Notice::error("oops")));
        assert!(noticed.from_link);
        assert_eq!(noticed.apply(Change::Notify(None)).notice, None);

        let deleted = s.apply(Change::Delete("nothing".into()));
        assert!(!deleted.from_link);
        let toggled = deleted.apply(Change::Toggle("a".into()));
        assert!(!toggled.rules[0].enabled);
        assert_eq!(toggled.undo, None);
        // Nothing to undo: nothing changes, not even the notice.
        assert_eq!(toggled.apply(Change::Undo).notice, toggled.notice);
    }
}
