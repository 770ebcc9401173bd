//! The operator objects of a matcher list (`prefix`, `suffix`, `*-ignore-case`,
//! `wildcard`, `numeric`, `anything-but`, `exists`, `cidr`): each validated with AWS's
//! wording and compiled to a [`Matcher`]. Part of the pattern [`Compiler`].

use super::{Compiler, Element, JsonPath, ONE_KEY, TOO_MANY_ELEMENTS};
use crate::rules::error::PatternError;
use crate::rules::ip::Block;
use crate::rules::matcher::{AnythingBut, Matcher, Range};
use crate::rules::number::comparable;
use crate::rules::syntax::{Member, Node, NodeKind};
use crate::rules::text::{Folded, Glob};

impl Compiler<'_> {
    /// One `{operator: value}` object of a matcher list.
    pub(super) fn element(
        &mut self,
        members: &[Member],
        jp: &mut JsonPath,
        node: &Node,
    ) -> Result<Element, PatternError> {
        let Some(op) = members.first() else {
            return Err(self.invalid("Match expression name not found", jp, node));
        };
        let extra = members.len() > 1;
        jp.key(&op.key);
        let v = &op.value;
        let element = match op.key.as_str() {
            "exactly" => {
                let NodeKind::String(s) = &v.kind else {
                    return Err(self.invalid("exact match pattern must be a string", jp, v));
                };
                self.note(
                    jp,
                    "`exactly` is an event-ruler operator that EventBridge does not document",
                );
                Element::String(s.clone())
            }
            "prefix" | "suffix" => {
                let is_prefix = op.key == "prefix";
                match &v.kind {
                    NodeKind::Object(inner) => {
                        let folded = self.affix_ignore_case(inner, is_prefix, jp, v)?;
                        Element::Matcher(if is_prefix {
                            Matcher::PrefixIgnoreCase(folded)
                        } else {
                            Matcher::SuffixIgnoreCase(folded)
                        })
                    }
                    NodeKind::String(s) => Element::Matcher(if is_prefix {
                        Matcher::Prefix(s.clone())
                    } else {
                        Matcher::Suffix(s.clone())
                    }),
                    _ => {
                        return Err(self.invalid(
                            format!("{} match pattern must be a string", op.key),
                            jp,
                            v,
                        ))
                    }
                }
            }
            "numeric" => {
                let NodeKind::Array(items) = &v.kind else {
                    return Err(self.invalid("Value of numeric must be an array.", jp, v));
                };
                let range = self.numeric(items, jp, v)?;
                if extra {
                    return Err(self.invalid(TOO_MANY_ELEMENTS, jp, node));
                }
                Element::Matcher(Matcher::Numeric(range))
            }
            "anything-but" => {
                let a = self.anything_but(v, extra, jp, node)?;
                Element::Matcher(Matcher::AnythingBut(a))
            }
            "exists" => match v.kind {
                NodeKind::Bool(true) => Element::Matcher(Matcher::Exists),
                NodeKind::Bool(false) => Element::Absent,
                _ => {
                    return Err(self.invalid(
                        "exists match pattern must be either true or false.",
                        jp,
                        v,
                    ))
                }
            },
            "cidr" => {
                let NodeKind::String(s) = &v.kind else {
                    // sic: event-ruler's (and AWS's) message names prefix here.
                    return Err(self.invalid("prefix match pattern must be a string", jp, v));
                };
                let block = Block::parse_cidr(s).map_err(|m| self.invalid(m, jp, v))?;
                Element::Matcher(Matcher::Cidr(block))
            }
            "equals-ignore-case" => {
                let NodeKind::String(s) = &v.kind else {
                    return Err(self.invalid(
                        "equals-ignore-case match pattern must be a string",
                        jp,
                        v,
                    ));
                };
                let folded = self.folded(s, jp);
                Element::Matcher(Matcher::EqualsIgnoreCase(folded))
            }
            "wildcard" => {
                let NodeKind::String(s) = &v.kind else {
                    return Err(self.invalid("wildcard match pattern must be a string", jp, v));
                };
                let glob = Glob::parse(s).map_err(|m| self.invalid(m, jp, v))?;
                Element::Matcher(Matcher::Wildcard(glob))
            }
            other => {
                return Err(self.invalid(format!("Unrecognized match type {other}"), jp, node));
            }
        };
        // `numeric` and `anything-but` checked their extra keys themselves (other wording).
        if extra && !matches!(op.key.as_str(), "numeric" | "anything-but") {
            return Err(self.invalid(ONE_KEY, jp, node));
        }
        jp.pop();
        Ok(element)
    }

    fn folded(&mut self, s: &str, jp: &JsonPath) -> Folded {
        let folded = Folded::new(s);
        if folded.has_non_bmp() {
            self.note(
                jp,
                "Case-insensitive matching of characters outside the Basic Multilingual Plane (emoji, some CJK) \
                 is unreliable in event-ruler; EventBridge's behaviour is uncertain",
            );
        }
        folded
    }

    /// `{"prefix": {"equals-ignore-case": "..."}}` and the suffix form.
    fn affix_ignore_case(
        &mut self,
        inner: &[Member],
        is_prefix: bool,
        jp: &mut JsonPath,
        node: &Node,
    ) -> Result<Folded, PatternError> {
        let (cap, low) = if is_prefix {
            ("Prefix", "prefix")
        } else {
            ("Suffix", "suffix")
        };
        let Some(first) = inner.first() else {
            return Err(self.invalid(format!("{cap} expression name not found"), jp, node));
        };
        if first.key != "equals-ignore-case" {
            return Err(self.invalid(
                format!("Unsupported {low} pattern: {}", first.key),
                jp,
                node,
            ));
        }
        jp.key(&first.key);
        let NodeKind::String(s) = &first.value.kind else {
            return Err(self.invalid(
                "equals-ignore-case match pattern must be a string",
                jp,
                &first.value,
            ));
        };
        let folded = self.folded(s, jp);
        jp.pop();
        if inner.len() > 1 {
            return Err(self.invalid(ONE_KEY, jp, node));
        }
        Ok(folded)
    }

    fn comparable_or_err(
        &self,
        raw: &str,
        jp: &JsonPath,
        node: &Node,
    ) -> Result<f64, PatternError> {
        comparable(raw)
            .ok_or_else(|| self.invalid(format!("Cannot compare number : {raw}"), jp, node))
    }

    /// `[op, value]` or `[">"|">=", low, "<"|"<=", high]`, checked in event-ruler's order.
    fn numeric(
        &mut self,
        items: &[Node],
        jp: &mut JsonPath,
        node: &Node,
    ) -> Result<Range, PatternError> {
        let op = match items.first() {
            None => return Err(self.invalid("Invalid member in numeric match: ]", jp, node)),
            Some(Node {
                kind: NodeKind::String(s),
                ..
            }) => s.as_str(),
            Some(other) => {
                return Err(self.invalid(
                    format!("Invalid member in numeric match: {}", other.token_text()),
                    jp,
                    other,
                ))
            }
        };
        let number_at = |i: usize| match items.get(i) {
            Some(Node {
                kind: NodeKind::Number(raw),
                ..
            }) => Some(raw.as_str()),
            _ => None,
        };
        let at = |i: usize| items.get(i).unwrap_or(node);
        match op {
            "=" => {
                let Some(raw) = number_at(1) else {
                    return Err(self.invalid("Value of equals must be numeric", jp, at(1)));
                };
                if items.len() > 2 {
                    return Err(self.invalid(TOO_MANY_ELEMENTS, jp, at(2)));
                }
                let v = self.comparable_or_err(raw, jp, at(1))?;
                Ok(Range {
                    low: Some((v, false)),
                    high: Some((v, false)),
                })
            }
            ">" | ">=" => {
                let Some(raw_low) = number_at(1) else {
                    return Err(self.invalid(format!("Value of {op} must be numeric"), jp, at(1)));
                };
                let open_low = op == ">";
                let Some(second) = items.get(2) else {
                    let low = self.comparable_or_err(raw_low, jp, at(1))?;
                    return Ok(Range {
                        low: Some((low, open_low)),
                        high: None,
                    });
                };
                let NodeKind::String(op2) = &second.kind else {
                    return Err(self.invalid(
                        format!("Bad value in numeric range: {}", second.token_text()),
                        jp,
                        second,
                    ));
                };
                if op2 != "<" && op2 != "<=" {
                    return Err(self.invalid(
                        format!("Bad numeric range operator: {op2}"),
                        jp,
                        second,
                    ));
                }
                let Some(raw_high) = number_at(3) else {
                    return Err(self.invalid(format!("Value of {op2} must be numeric"), jp, at(3)));
                };
                if items.len() > 4 {
                    return Err(self.invalid(
                        "Too many terms in numeric range expression",
                        jp,
                        at(4),
                    ));
                }
                let low = self.comparable_or_err(raw_low, jp, at(1))?;
                let high = self.comparable_or_err(raw_high, jp, at(3))?;
                if low >= high {
                    return Err(self.invalid("Bottom must be less than top", jp, node));
                }
                Ok(Range {
                    low: Some((low, open_low)),
                    high: Some((high, op2 == "<")),
                })
            }
            "<" | "<=" => {
                let Some(raw) = number_at(1) else {
                    return Err(self.invalid(format!("Value of {op} must be numeric"), jp, at(1)));
                };
                if items.len() > 2 {
                    return Err(self.invalid(TOO_MANY_ELEMENTS, jp, at(2)));
                }
                let high = self.comparable_or_err(raw, jp, at(1))?;
                Ok(Range {
                    low: None,
                    high: Some((high, op == "<")),
                })
            }
            other => Err(self.invalid(
                format!("Unrecognized numeric range operator: {other}"),
                jp,
                at(0),
            )),
        }
    }

    fn anything_but(
        &mut self,
        value: &Node,
        extra: bool,
        jp: &mut JsonPath,
        node: &Node,
    ) -> Result<AnythingBut, PatternError> {
        #[derive(PartialEq, Clone, Copy)]
        enum Form {
            Plain,
            IgnoreCase,
            Prefix,
            Suffix,
            Wildcard,
        }
        let (form, operand, inner_extra) = match &value.kind {
            NodeKind::Object(inner) => {
                let Some(first) = inner.first() else {
                    return Err(self.invalid("Anything-But expression name not found", jp, value));
                };
                let form = match first.key.as_str() {
                    "equals-ignore-case" => Form::IgnoreCase,
                    "prefix" => Form::Prefix,
                    "suffix" => Form::Suffix,
                    "wildcard" => Form::Wildcard,
                    other => {
                        return Err(self.invalid(
                            format!("Unsupported anything-but pattern: {other}"),
                            jp,
                            value,
                        ))
                    }
                };
                jp.key(&first.key);
                (form, &first.value, inner.len() > 1)
            }
            _ => (Form::Plain, value, false),
        };
        let nested = form != Form::Plain;
        if !matches!(
            operand.kind,
            NodeKind::Array(_) | NodeKind::String(_) | NodeKind::Number(_)
        ) {
            return Err(self.invalid(
                "Value of anything-but must be an array or single string/number value.",
                jp,
                operand,
            ));
        }
        let items = match &operand.kind {
            NodeKind::Array(items) => items.as_slice(),
            _ => std::slice::from_ref(operand),
        };
        let result = if form == Form::Plain {
            let mut strings = Vec::new();
            let mut numbers = Vec::new();
            for item in items {
                match &item.kind {
                    NodeKind::String(s) => strings.push(s.clone()),
                    NodeKind::Number(raw) => numbers.push(self.comparable_or_err(raw, jp, item)?),
                    _ => {
                        return Err(self.invalid(
                            "Inside anything but list, start|null|boolean is not supported.",
                            jp,
                            item,
                        ))
                    }
                }
            }
            if strings.is_empty() == numbers.is_empty() {
                return Err(self.invalid(
                    "Inside anything but list, either all values are number or string, mixed type is not supported",
                    jp,
                    operand,
                ));
            }
            if numbers.is_empty() {
                AnythingBut::Strings(strings)
            } else {
                AnythingBut::Numbers(numbers)
            }
        } else {
            let mut texts = Vec::new();
            for item in items {
                let NodeKind::String(s) = &item.kind else {
                    let message = match form {
                        Form::IgnoreCase => {
                            "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported."
                        }
                        Form::Wildcard => "wildcard match pattern must be a string",
                        _ => "prefix/suffix match pattern must be a string",
                    };
                    return Err(self.invalid(message, jp, item));
                };
                if matches!(form, Form::Prefix | Form::Suffix) && s.is_empty() {
                    return Err(self.invalid("Null prefix/suffix not allowed", jp, item));
                }
                texts.push((s.clone(), item));
            }
            match form {
                Form::Prefix => AnythingBut::Prefixes(texts.into_iter().map(|(s, _)| s).collect()),
                Form::Suffix => AnythingBut::Suffixes(texts.into_iter().map(|(s, _)| s).collect()),
                Form::IgnoreCase => {
                    let mut list = Vec::new();
                    for (s, _) in texts {
                        list.push(self.folded(&s, jp));
                    }
                    AnythingBut::IgnoreCase(list)
                }
                _ => {
                    // event-ruler checks wildcard syntax after reading the whole list.
                    let mut list = Vec::new();
                    for (s, item) in texts {
                        list.push(Glob::parse(&s).map_err(|m| self.invalid(m, jp, item))?);
                    }
                    AnythingBut::Wildcards(list)
                }
            }
        };
        if inner_extra || extra {
            return Err(self.invalid(TOO_MANY_ELEMENTS, jp, node));
        }
        if nested {
            jp.pop();
        }
        Ok(result)
    }
}
