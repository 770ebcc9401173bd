//! Tokens → [`Ast`], recovering from every error: the tree holds what could be read, and
//! each problem is reported once with its span.
//!
//! Entry point: [`parse_lenient`]. Precedence, loosest first: `OR`, then `AND` (explicit
//! or implied by juxtaposition), then `NOT`/`-`.

use std::ops::Range;

use super::ast::{Ast, Bound, Field, Value};
use super::error::{QueryError, QueryErrorKind, MAX_DEPTH};
use super::field::{self, range_kind};
use super::lex::{lex, Cmp, Tok, Token};

/// Parses as much of `src` as can be read; errors are sorted by position.
pub(crate) fn parse_lenient(src: &str) -> (Ast, Vec<QueryError>) {
    let (tokens, mut errors) = lex(src);
    let mut p = Parser {
        src,
        toks: tokens,
        i: 0,
        errors: Vec::new(),
        depth: 0,
        abandoned: false,
    };
    let ast = p.top();
    errors.append(&mut p.errors);
    crate::sort::sort_by_key(&mut errors, |e| (e.span.start, e.span.end));
    (ast, errors)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    errors: Vec<QueryError>,
    depth: usize,
    /// Set when nesting went too deep and the rest of the input was dropped.
    abandoned: bool,
}

fn starts_term(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Open { .. }
            | Tok::Not
            | Tok::Minus
            | Tok::Field(_)
            | Tok::Word { .. }
            | Tok::Phrase(_)
            | Tok::RangeOpen { .. }
            | Tok::Cmp(_)
    )
}

fn combine(items: Vec<Ast>, make: fn(Vec<Ast>) -> Ast) -> Option<Ast> {
    match items.len() {
        0 => None,
        1 => items.into_iter().next(),
        _ => Some(make(items)),
    }
}

/// A token as the user would name it, for "unexpected …" messages.
fn describe(t: &Tok) -> String {
    match t {
        Tok::Open { .. } => "'('".into(),
        Tok::Close => "')'".into(),
        Tok::And => "AND".into(),
        Tok::Or => "OR".into(),
        Tok::Not => "NOT".into(),
        Tok::Minus => "'-'".into(),
        Tok::Field(name) => format!("field '{name}:'"),
        Tok::Word { text, .. } => format!("'{text}'"),
        Tok::Phrase(_) => "a phrase".into(),
        Tok::RangeOpen { inclusive: true } => "'['".into(),
        Tok::RangeOpen { inclusive: false } => "'{'".into(),
        Tok::RangeClose { inclusive: true } => "']'".into(),
        Tok::RangeClose { inclusive: false } => "'}'".into(),
        Tok::To => "TO".into(),
        Tok::Cmp(_) => "a comparison".into(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i).map(|t| &t.kind)
    }

    fn bump(&mut self) -> Option<Token> {
        let t = self.toks.get(self.i).cloned();
        if t.is_some() {
            self.i += 1;
        }
        t
    }

    fn error(&mut self, span: Range<usize>, kind: QueryErrorKind) {
        self.errors.push(QueryError::new(span, kind));
    }

    fn next_starts_term(&self) -> bool {
        self.peek().is_some_and(starts_term)
    }

    /// Enters one nesting level; past [`MAX_DEPTH`], reports and abandons the rest.
    fn enter(&mut self, span: Range<usize>) -> bool {
        if self.depth >= MAX_DEPTH {
            self.error(span, QueryErrorKind::TooDeep);
            self.i = self.toks.len();
            self.abandoned = true;
            return false;
        }
        self.depth += 1;
        true
    }

    fn top(&mut self) -> Ast {
        let mut items = Vec::new();
        loop {
            items.extend(self.or(None));
            let Some(t) = self.bump() else { break };
            if t.kind == Tok::Close {
                self.error(t.span, QueryErrorKind::UnmatchedParen);
            } else {
                // `or` stops only at `)` or the end; anything else is a bug, not input.
                self.error(
                    t.span,
                    QueryErrorKind::Unexpected {
                        found: describe(&t.kind),
                    },
                );
            }
        }
        combine(items, Ast::And).unwrap_or(Ast::All)
    }

    fn or(&mut self, field: Option<&Field>) -> Option<Ast> {
        let mut items = Vec::new();
        items.extend(self.and(field));
        while self.peek() == Some(&Tok::Or) {
            let Some(op) = self.bump() else { break };
            if items.is_empty() || !self.next_starts_term() {
                self.dangling(op.span, "OR");
                continue;
            }
            items.extend(self.and(field));
        }
        combine(items, Ast::Or)
    }

    fn dangling(&mut self, span: Range<usize>, operator: &str) {
        self.error(
            span,
            QueryErrorKind::DanglingOperator {
                operator: operator.into(),
            },
        );
    }

    fn and(&mut self, field: Option<&Field>) -> Option<Ast> {
        let mut items = Vec::new();
        let mut after_error = false;
        loop {
            match self.peek() {
                None | Some(Tok::Or | Tok::Close) => break,
                Some(Tok::And) => {
                    let Some(op) = self.bump() else { break };
                    if (items.is_empty() && !after_error) || !self.next_starts_term() {
                        self.dangling(op.span, "AND");
                    }
                }
                Some(t) if starts_term(t) => {
                    let before = self.errors.len();
                    match self.unary(field) {
                        Some(ast) => items.push(ast),
                        None => after_error = self.errors.len() > before,
                    }
                }
                Some(_) => {
                    if let Some(t) = self.bump() {
                        self.error(
                            t.span,
                            QueryErrorKind::Unexpected {
                                found: describe(&t.kind),
                            },
                        );
                    }
                }
            }
        }
        combine(items, Ast::And)
    }

    fn unary(&mut self, field: Option<&Field>) -> Option<Ast> {
        if !matches!(self.peek(), Some(Tok::Not | Tok::Minus)) {
            return self.primary(field);
        }
        let op = self.bump()?;
        if !self.next_starts_term() {
            let name = if op.kind == Tok::Not { "NOT" } else { "-" };
            self.dangling(op.span, name);
            return None;
        }
        if !self.enter(op.span) {
            return None;
        }
        let inner = self.unary(field);
        self.depth -= 1;
        inner.map(|a| Ast::Not(Box::new(a)))
    }

    fn primary(&mut self, field: Option<&Field>) -> Option<Ast> {
        let tok = self.bump()?;
        match tok.kind {
            Tok::Open { .. } => self.group(tok.span, field),
            Tok::Field(raw) => self.field_term(tok.span, &raw),
            Tok::Word { text, pattern } => {
                let value = match pattern {
                    Some(p) => Value::Pattern(p),
                    None => Value::Text(text),
                };
                self.bare(field, value, tok.span)
            }
            Tok::Phrase(text) => {
                if text.is_empty() {
                    self.error(tok.span, QueryErrorKind::EmptyPhrase);
                    return None;
                }
                self.bare(field, Value::Text(text), tok.span)
            }
            Tok::RangeOpen { inclusive } => match field {
                Some(f) => self.range(f, inclusive, tok.span),
                None => {
                    self.error(
                        tok.span,
                        QueryErrorKind::Unexpected {
                            found: describe(&Tok::RangeOpen { inclusive }),
                        },
                    );
                    self.skip_range();
                    None
                }
            },
            Tok::Cmp(cmp) => match field {
                Some(f) => self.comparison(f, cmp, tok.span),
                None => {
                    self.error(
                        tok.span,
                        QueryErrorKind::Unexpected {
                            found: describe(&Tok::Cmp(cmp)),
                        },
                    );
                    None
                }
            },
            other => {
                self.error(
                    tok.span,
                    QueryErrorKind::Unexpected {
                        found: describe(&other),
                    },
                );
                None
            }
        }
    }

    fn group(&mut self, open: Range<usize>, field: Option<&Field>) -> Option<Ast> {
        if let Some(Token {
            kind: Tok::Close,
            span,
        }) = self.toks.get(self.i)
        {
            let span = open.start..span.end;
            self.i += 1;
            self.error(span, QueryErrorKind::EmptyGroup);
            return None;
        }
        if !self.enter(open.clone()) {
            return None;
        }
        let inner = self.or(field);
        self.depth -= 1;
        if self.peek() == Some(&Tok::Close) {
            self.i += 1;
        } else if !self.abandoned {
            self.error(open, QueryErrorKind::UnclosedParen);
        }
        inner
    }

    /// A word or phrase: free text, or inside `field:( … )` a term on that field.
    /// `/…/` with a regular-expression operator inside, typed as a bare word: a regex the
    /// user expects to work (`/aws/lambda/` and quoted phrases are plain text).
    fn is_regex(&self, span: &Range<usize>) -> bool {
        let raw = self.src.get(span.clone()).unwrap_or("");
        raw.len() >= 3
            && raw.starts_with('/')
            && raw.ends_with('/')
            && raw[1..raw.len() - 1].bytes().any(|b| {
                matches!(
                    b,
                    b'.' | b'*' | b'+' | b'?' | b'[' | b'|' | b'^' | b'$' | b'\\'
                )
            })
    }

    fn bare(&mut self, field: Option<&Field>, value: Value, span: Range<usize>) -> Option<Ast> {
        if field.is_none() && self.is_regex(&span) {
            self.error(span, QueryErrorKind::Regex);
            return None;
        }
        match field {
            Some(f) => self.term(f.clone(), value, span),
            None if is_all_stars(&value) => Some(Ast::All),
            None => Some(Ast::Text { value }),
        }
    }

    fn term(&mut self, field: Field, value: Value, span: Range<usize>) -> Option<Ast> {
        if self.is_regex(&span) {
            self.error(span, QueryErrorKind::Regex);
            return None;
        }
        if is_all_stars(&value) {
            return Some(Ast::Exists { field });
        }
        if field::is_time(&field) {
            let ok = matches!(&value, Value::Text(t) if field::time_span(t).is_some());
            if !ok {
                self.error(span, QueryErrorKind::BadTimestamp);
                return None;
            }
        }
        Some(Ast::Term { field, value })
    }

    fn field_term(&mut self, span: Range<usize>, raw: &str) -> Option<Ast> {
        let path = match split_path(raw, span.start) {
            Ok(path) => path,
            Err((at, kind)) => {
                self.error(at, kind);
                self.skip_value();
                return None;
            }
        };
        let exists = path.len() == 1 && path[0].eq_ignore_ascii_case("_exists_");
        let field = Field(path);
        let Some(next) = self.toks.get(self.i).cloned() else {
            self.error(span, QueryErrorKind::MissingValue);
            return None;
        };
        match next.kind {
            Tok::Word { .. } if exists => {
                self.i += 1;
                let raw = self.src.get(next.span.clone()).unwrap_or("");
                match split_path(raw, next.span.start) {
                    Ok(path) => Some(Ast::Exists { field: Field(path) }),
                    Err((at, kind)) => {
                        self.error(at, kind);
                        None
                    }
                }
            }
            Tok::Phrase(_) | Tok::Open { .. } | Tok::RangeOpen { .. } | Tok::Cmp(_) if exists => {
                self.error(span.start..next.span.end, QueryErrorKind::ExistsNeedsField);
                self.skip_value();
                None
            }
            Tok::Word { text, pattern } => {
                self.i += 1;
                let value = match pattern {
                    Some(p) => Value::Pattern(p),
                    None => Value::Text(text),
                };
                self.term(field, value, next.span)
            }
            Tok::Phrase(text) => {
                self.i += 1;
                if text.is_empty() {
                    self.error(next.span, QueryErrorKind::EmptyPhrase);
                    return None;
                }
                self.term(field, Value::Text(text), next.span)
            }
            Tok::Open { field_group: true } => {
                self.i += 1;
                self.group(next.span, Some(&field))
            }
            Tok::RangeOpen { inclusive } => {
                self.i += 1;
                self.range(&field, inclusive, next.span)
            }
            Tok::Cmp(cmp) => {
                self.i += 1;
                self.comparison(&field, cmp, next.span)
            }
            _ => {
                self.error(span, QueryErrorKind::MissingValue);
                None
            }
        }
    }

    /// Skips a field's value after an error in its name, so it is not read as free text.
    fn skip_value(&mut self) {
        match self.peek() {
            Some(Tok::Word { .. } | Tok::Phrase(_)) => self.i += 1,
            Some(Tok::Cmp(_)) => {
                self.i += 1;
                if matches!(self.peek(), Some(Tok::Word { .. } | Tok::Phrase(_))) {
                    self.i += 1;
                }
            }
            Some(Tok::RangeOpen { .. }) => {
                self.i += 1;
                self.skip_range();
            }
            Some(Tok::Open { field_group: true }) => {
                let mut depth = 0usize;
                while let Some(t) = self.bump() {
                    match t.kind {
                        Tok::Open { .. } => depth += 1,
                        Tok::Close => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn skip_range(&mut self) {
        while let Some(t) = self.peek() {
            match t {
                Tok::RangeClose { .. } => {
                    self.i += 1;
                    return;
                }
                Tok::Word { .. } | Tok::Phrase(_) | Tok::To => self.i += 1,
                _ => return,
            }
        }
    }

    /// After `field:[` or `field:{`: `lower TO upper` then `]` or `}`.
    fn range(&mut self, field: &Field, inclusive: bool, open: Range<usize>) -> Option<Ast> {
        let mut parts: Vec<Token> = Vec::new();
        let mut close = None;
        while let Some(t) = self.toks.get(self.i) {
            match t.kind {
                Tok::RangeClose { inclusive } => {
                    close = Some((inclusive, t.span.end));
                    self.i += 1;
                    break;
                }
                Tok::Word { .. } | Tok::Phrase(_) | Tok::To => {
                    parts.push(t.clone());
                    self.i += 1;
                }
                _ => break,
            }
        }
        let Some((close_inclusive, end)) = close else {
            let end = parts.last().map_or(open.end, |t| t.span.end);
            self.error(open.start..end, QueryErrorKind::UnclosedRange);
            return None;
        };
        let [lo, Token { kind: Tok::To, .. }, hi] = parts.as_slice() else {
            self.error(open.start..end, QueryErrorKind::BadRange);
            return None;
        };
        let lower = self.bound(lo, inclusive)?;
        let upper = self.bound(hi, close_inclusive)?;
        self.checked_range(
            field.clone(),
            lower,
            upper,
            [lo.span.clone(), hi.span.clone()],
        )
    }

    fn bound(&mut self, t: &Token, inclusive: bool) -> Option<Bound> {
        let text = match &t.kind {
            Tok::Word {
                pattern: Some(p), ..
            } if p.chars().all(|c| c == '*') => return Some(Bound::Unbounded),
            Tok::Word {
                pattern: Some(_), ..
            } => {
                self.error(t.span.clone(), QueryErrorKind::BadRange);
                return None;
            }
            Tok::Word { text, .. } | Tok::Phrase(text) => text.clone(),
            _ => {
                self.error(t.span.clone(), QueryErrorKind::BadRange);
                return None;
            }
        };
        Some(if inclusive {
            Bound::Included(text)
        } else {
            Bound::Excluded(text)
        })
    }

    fn checked_range(
        &mut self,
        field: Field,
        lower: Bound,
        upper: Bound,
        spans: [Range<usize>; 2],
    ) -> Option<Ast> {
        if let Err((which, kind)) = range_kind(&field, &lower, &upper) {
            let span = spans.get(which).cloned().unwrap_or_default();
            self.error(span, kind);
            return None;
        }
        Some(Ast::Range {
            field,
            lower,
            upper,
        })
    }

    /// After `field:>` and friends: one bound.
    fn comparison(&mut self, field: &Field, cmp: Cmp, at: Range<usize>) -> Option<Ast> {
        let Some(t) = self.toks.get(self.i).cloned() else {
            self.error(at, QueryErrorKind::MissingValue);
            return None;
        };
        if !matches!(t.kind, Tok::Word { .. } | Tok::Phrase(_)) {
            self.error(at, QueryErrorKind::MissingValue);
            return None;
        }
        self.i += 1;
        let inclusive = matches!(cmp, Cmp::Ge | Cmp::Le);
        let bound = self.bound(&t, inclusive)?;
        let (lower, upper) = match cmp {
            Cmp::Gt | Cmp::Ge => (bound, Bound::Unbounded),
            Cmp::Lt | Cmp::Le => (Bound::Unbounded, bound),
        };
        self.checked_range(field.clone(), lower, upper, [t.span.clone(), t.span])
    }
}

fn is_all_stars(value: &Value) -> bool {
    matches!(value, Value::Pattern(p) if p.chars().all(|c| c == '*'))
}

impl Field {
    /// A field path as written in a query (`requestParameters.bucketName`, escapes in);
    /// `None` when it is not one (an empty part, a wildcard, a trailing `\`).
    pub fn parse(raw: &str) -> Option<Field> {
        let path = split_path(raw, 0).ok()?;
        path.iter().all(|s| !s.is_empty()).then_some(Field(path))
    }
}

/// Splits a field's raw text (escapes in) at unescaped dots; `offset` is where `raw`
/// starts in the query, for error spans.
fn split_path(raw: &str, offset: usize) -> Result<Vec<String>, (Range<usize>, QueryErrorKind)> {
    let mut segments = vec![String::new()];
    let mut seg_start = 0;
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, n)) => segments.last_mut().map_or((), |s| s.push(n)),
                None => {
                    return Err((
                        offset + i..offset + raw.len(),
                        QueryErrorKind::TrailingEscape,
                    ))
                }
            },
            '.' => {
                if segments.last().is_some_and(String::is_empty) {
                    return Err((
                        offset + seg_start..offset + i + 1,
                        QueryErrorKind::EmptyPathSegment,
                    ));
                }
                segments.push(String::new());
                seg_start = i + 1;
            }
            '*' | '?' => {
                return Err((offset + i..offset + i + 1, QueryErrorKind::WildcardInField));
            }
            c => segments.last_mut().map_or((), |s| s.push(c)),
        }
    }
    if segments.last().is_some_and(String::is_empty) {
        let at = offset + raw.len();
        return Err((at.saturating_sub(1)..at, QueryErrorKind::EmptyPathSegment));
    }
    Ok(segments)
}
