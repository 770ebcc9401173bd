//! Query text → tokens with byte spans. Never fails: problems become [`QueryError`]s next
//! to the tokens, and lexing carries on.
//!
//! Entry point: [`lex`].
//!
//! The lexer is context-sensitive in three small ways, all about what follows `field:`:
//! - a value word may hold colons (`userIdentity.arn:arn:aws:iam::1:root`) and is never a
//!   keyword;
//! - `[`/`{` open a range, `>`, `>=`, `<`, `<=` a comparison; inside a range, words end at
//!   `]`/`}` and `TO` is a keyword;
//! - a `(` right after `field:` opens a field group, inside which `[`, `{`, `>`… also
//!   start ranges and comparisons (`eventTime:([a TO b] OR >c)`).

use std::ops::Range;

use super::error::{QueryError, QueryErrorKind};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// `(`; `field_group` when it directly follows `field:`.
    Open {
        field_group: bool,
    },
    Close,
    And,
    Or,
    Not,
    /// A `-` directly before a term.
    Minus,
    /// `name:` — the raw name text, escapes still in (the parser splits the path).
    Field(String),
    /// A word: `text` unescaped; `pattern` set when it has an unescaped `*` or `?`, holding
    /// the pattern form (see [`super::ast::Value::Pattern`]).
    Word {
        text: String,
        pattern: Option<String>,
    },
    /// `"…"`, unescaped.
    Phrase(String),
    RangeOpen {
        inclusive: bool,
    },
    RangeClose {
        inclusive: bool,
    },
    To,
    /// `>`, `>=`, `<`, `<=` after `field:`.
    Cmp(Cmp),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    tokens: Vec<Token>,
    errors: Vec<QueryError>,
    /// The next token is a field's value (right after `name:` or a comparison).
    value_next: bool,
    /// Inside `[ … ]` / `{ … }`.
    in_range: bool,
    /// One entry per open `(`: is it a field group?
    groups: Vec<bool>,
}

pub(crate) fn lex(src: &str) -> (Vec<Token>, Vec<QueryError>) {
    let mut lx = Lexer {
        src,
        pos: 0,
        tokens: Vec::new(),
        errors: Vec::new(),
        value_next: false,
        in_range: false,
        groups: Vec::new(),
    };
    lx.run();
    (lx.tokens, lx.errors)
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    fn push(&mut self, kind: Tok, start: usize) {
        self.tokens.push(Token {
            kind,
            span: start..self.pos,
        });
    }

    /// A word; nothing when it is empty (a lone trailing backslash, already reported).
    fn push_word(&mut self, text: String, pattern: Option<String>, start: usize) {
        if !text.is_empty() {
            self.push(Tok::Word { text, pattern }, start);
        }
    }

    fn error(&mut self, span: Range<usize>, kind: QueryErrorKind) {
        self.errors.push(QueryError::new(span, kind));
    }

    /// At the start of a term where a range or comparison may begin.
    fn value_context(&self) -> bool {
        self.value_next || (!self.in_range && self.groups.last() == Some(&true))
    }

    fn run(&mut self) {
        loop {
            let before = self.pos;
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += self.peek().map_or(1, char::len_utf8);
            }
            let skipped_space = self.pos > before;
            let Some(c) = self.peek() else { break };
            let start = self.pos;
            if self.in_range {
                self.range_token(c, start);
                continue;
            }
            match c {
                '(' => {
                    self.pos += 1;
                    let field_group = self.value_next;
                    self.value_next = false;
                    self.groups.push(field_group);
                    self.push(Tok::Open { field_group }, start);
                }
                ')' => {
                    self.pos += 1;
                    self.value_next = false;
                    self.groups.pop();
                    self.push(Tok::Close, start);
                }
                '"' => {
                    self.value_next = false;
                    self.phrase(start);
                }
                '[' | '{' if self.value_context() => {
                    self.pos += 1;
                    self.value_next = false;
                    self.in_range = true;
                    self.push(
                        Tok::RangeOpen {
                            inclusive: c == '[',
                        },
                        start,
                    );
                }
                '>' | '<' if self.value_context() => {
                    self.pos += 1;
                    let eq = self.peek() == Some('=');
                    if eq {
                        self.pos += 1;
                    }
                    let cmp = match (c, eq) {
                        ('>', false) => Cmp::Gt,
                        ('>', true) => Cmp::Ge,
                        ('<', false) => Cmp::Lt,
                        _ => Cmp::Le,
                    };
                    self.push(Tok::Cmp(cmp), start);
                    // The bound follows, read as a value (no keywords, no fields).
                    self.value_next = true;
                }
                '-' if !self.value_next => {
                    self.pos += 1;
                    match self.peek() {
                        Some(n) if !n.is_whitespace() && n != ')' => self.push(Tok::Minus, start),
                        _ => self.error(
                            start..self.pos,
                            QueryErrorKind::DanglingOperator {
                                operator: "-".into(),
                            },
                        ),
                    }
                }
                _ => self.word(start, skipped_space),
            }
        }
        // An unclosed range is reported by the parser, which knows where it began.
    }

    fn range_token(&mut self, c: char, start: usize) {
        match c {
            ']' | '}' => {
                self.pos += 1;
                self.in_range = false;
                self.push(
                    Tok::RangeClose {
                        inclusive: c == ']',
                    },
                    start,
                );
            }
            ')' => {
                // A range cut short by a group's end: leave the `)` to the normal path.
                self.in_range = false;
            }
            '(' => {
                self.pos += 1;
                self.error(
                    start..self.pos,
                    QueryErrorKind::Unexpected {
                        found: "'('".into(),
                    },
                );
            }
            '"' => self.phrase(start),
            _ => {
                let (text, pattern) = self.scan_word(true);
                if self
                    .src
                    .get(start..self.pos)
                    .is_some_and(|r| r.eq_ignore_ascii_case("to"))
                {
                    self.push(Tok::To, start);
                } else {
                    self.push_word(text, pattern, start);
                }
            }
        }
    }

    fn phrase(&mut self, start: usize) {
        self.pos += 1;
        let mut text = String::new();
        loop {
            let Some(c) = self.peek() else {
                self.error(start..self.pos, QueryErrorKind::UnclosedQuote);
                break;
            };
            self.pos += c.len_utf8();
            match c {
                '"' => break,
                '\\' => match self.peek() {
                    Some(n) => {
                        self.pos += n.len_utf8();
                        text.push(n);
                    }
                    None => {
                        self.error(start..self.pos, QueryErrorKind::UnclosedQuote);
                        break;
                    }
                },
                c => text.push(c),
            }
        }
        self.push(Tok::Phrase(text), start);
    }

    /// Scans a word from `self.pos`: returns its unescaped text, and its pattern form if it
    /// has wildcards. Stops before whitespace, `(`, `)`, `"` (and `]`, `}` in a range).
    fn scan_word(&mut self, in_range: bool) -> (String, Option<String>) {
        let mut text = String::new();
        let mut pattern = String::new();
        let mut wild = false;
        while let Some(c) = self.peek() {
            if ends_word(c) || (in_range && matches!(c, ']' | '}')) {
                break;
            }
            let at = self.pos;
            self.pos += c.len_utf8();
            match c {
                '\\' => match self.peek() {
                    Some(n) => {
                        self.pos += n.len_utf8();
                        text.push(n);
                        if matches!(n, '*' | '?' | '\\') {
                            pattern.push('\\');
                        }
                        pattern.push(n);
                    }
                    None => self.error(at..self.pos, QueryErrorKind::TrailingEscape),
                },
                '*' | '?' => {
                    wild = true;
                    text.push(c);
                    pattern.push(c);
                }
                c => {
                    text.push(c);
                    pattern.push(c);
                }
            }
        }
        (text, wild.then_some(pattern))
    }

    /// Where the word starting at `self.pos` has its first unescaped `:`, if it has one.
    fn field_colon(&self) -> Option<usize> {
        let rest = self.src.get(self.pos..)?;
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                ':' => return Some(self.pos + i),
                '\\' => {
                    chars.next();
                }
                c if ends_word(c) => return None,
                _ => {}
            }
        }
        None
    }

    fn word(&mut self, start: usize, skipped_space: bool) {
        if self.value_next {
            self.value_next = false;
            // After `field: ` (with a space) a keyword keeps its meaning, so that
            // `eventName: AND x` reports the missing value rather than searching "AND".
            if !(skipped_space && self.keyword().is_some()) {
                let (text, pattern) = self.scan_word(false);
                self.push_word(text, pattern, start);
                return;
            }
        }
        if matches!(self.peek(), Some('[' | '{')) {
            // A range with no field before it.
            self.pos += 1;
            self.error(
                start..self.pos,
                QueryErrorKind::Unexpected {
                    found: format!("'{}'", self.src.get(start..self.pos).unwrap_or("")),
                },
            );
            return;
        }
        if let Some(colon) = self.field_colon() {
            let raw = self.src.get(start..colon).unwrap_or("").to_owned();
            self.pos = colon + 1;
            if raw.is_empty() {
                // What follows is read as a plain word.
                self.error(start..self.pos, QueryErrorKind::MissingField);
            } else {
                self.push(Tok::Field(raw), start);
                self.value_next = true;
            }
            return;
        }
        if let Some((tok, len)) = self.keyword() {
            self.pos += len;
            self.push(tok, start);
            return;
        }
        let (text, pattern) = self.scan_word(false);
        self.push_word(text, pattern, start);
    }

    /// The keyword (`AND`, `OR`, `NOT`, any case, unescaped) at `self.pos`, and its length.
    fn keyword(&self) -> Option<(Tok, usize)> {
        let rest = self.src.get(self.pos..)?;
        let end = rest.find(ends_word).unwrap_or(rest.len());
        let raw = rest.get(..end)?;
        [("and", Tok::And), ("or", Tok::Or), ("not", Tok::Not)]
            .into_iter()
            .find(|(k, _)| raw.eq_ignore_ascii_case(k))
            .map(|(k, t)| (t, k.len()))
    }
}

/// Characters that end a word (unless escaped).
fn ends_word(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '"')
}
