//! Syntax errors in the user's words: pest rule names become "expected A, B or C".

use super::parser::{KaoheParser, Rule, content_len};
use crate::diagnostic::{Diagnostic, SourceId, Span};
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use std::sync::Mutex;

/// What the user should read for a grammar rule, or `None` to leave it out.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule::*;
    Some(match rule {
        EOI => "end of file",
        ident => "a name",
        string | string_inner => "a string in double quotes",
        expr | expr_noin | postfix_expr | paren | call | list_lit | map_lit => "an expression",
        number_lit | digits => "a number",
        unit => "a unit (元, 万元, 亿元 or 分)",
        date_lit => "a date",
        month_lit => "a month",
        quarter_lit => "a quarter",
        type_expr | type_atom | list_type | map_type => "a type",
        clause => "a clause label such as 三㈢3①",
        header => "`policy \"name\"`",
        op_coalesce | op_eq | op_ne | op_le | op_ge | op_lt | op_gt | op_add | op_sub | op_mul
        | op_div | op_and | op_or | op_in => "an operator",
        op_not | op_neg => "an expression",
        member => "`.`",
        index => "`[`",
        field_decl => "a field `name: type`",
        require_clause | require_decl => "`require`",
        enum_decl => "`enum`",
        entity_decl => "`entity`",
        case_decl => "`case`",
        param_decl => "`param`",
        def_decl | output_mark => "`def`",
        rule_decl => "`rule`",
        test_decl => "`test`",
        provenance | cite => "`cite`",
        assumption => "`assumption`",
        consequence | deduct => "`deduct`",
        withhold => "`withhold`",
        revoke => "`revoke`",
        when_clause => "`when`",
        rule_where | domain | comp_where => "`where`",
        rule_let | let_expr => "`let`",
        generator | filter_form => "`NAME in …`",
        comprehension => "an expression",
        per_period => "`per`",
        optional_mark => "`?`",
        at_field => "`at`",
        key_clause => "`key`",
        period_param => "`[q: quarter]`",
        dated_value => "`from DATE = …`",
        table_lit => "`table { … }`",
        if_expr => "`if`",
        match_expr => "`match`",
        match_arm | pattern => "a match arm `NAME => …`",
        wildcard => "`_`",
        test_case => "`case`",
        test_set => "`set`",
        test_expect => "`expect`",
        json_object => "a JSON object `{ … }`",
        kw_with => "`with`",
        bool_lit => "`true` or `false`",
        none_lit => "`none`",
        kw_policy => "`policy`",
        kw_version => "`version`",
        kw_source => "`source`",
        kw_enum => "`enum`",
        kw_entity => "`entity`",
        kw_key => "`key`",
        kw_case => "`case`",
        kw_require => "`require`",
        kw_else => "`else`",
        kw_at => "`at`",
        kw_map => "`map`",
        kw_of => "`of`",
        kw_per => "`per`",
        kw_param => "`param`",
        kw_table => "`table`",
        kw_from => "`from`",
        kw_cite => "`cite`",
        kw_assumption => "`assumption`",
        kw_output => "`output`",
        kw_def => "`def`",
        kw_where => "`where`",
        kw_rule => "`rule`",
        kw_for => "`for`",
        kw_in => "`in`",
        kw_let => "`let`",
        kw_deduct => "`deduct`",
        kw_withhold => "`withhold`",
        kw_revoke => "`revoke`",
        kw_when => "`when`",
        kw_test => "`test`",
        kw_set => "`set`",
        kw_expect => "`expect`",
        kw_not => "`not`",
        kw_and => "`and`",
        kw_or => "`or`",
        kw_if => "`if`",
        kw_then => "`then`",
        kw_match => "`match`",
        kw_true => "`true`",
        kw_false => "`false`",
        kw_none => "`none`",
        kw_include | include_decl => "`include`",
        kw_unique | unique_clause => "`unique`",
        _ => return None,
    })
}

/// The word, number or operator at `offset`, as the user wrote it (at most 24 characters).
fn token_at(text: &str, offset: usize) -> &str {
    let rest = text.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "";
    };
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.' && first.is_ascii_digit();
    let end = if first.is_alphanumeric() || first == '_' {
        rest.char_indices()
            .take(24)
            .find(|(_, c)| !word(*c))
            .map_or_else(
                || rest.char_indices().nth(24).map_or(rest.len(), |(i, _)| i),
                |(i, _)| i,
            )
    } else if ["==", "!=", "<=", ">=", "??", "=>"]
        .iter()
        .any(|op| rest.starts_with(op))
    {
        2
    } else {
        first.len_utf8()
    };
    rest.get(..end).unwrap_or("")
}

/// What the parser met, for "found …".
fn found_at(text: &str, offset: usize) -> String {
    match text.get(offset..).and_then(|r| r.chars().next()) {
        None => "the end of the file".to_string(),
        Some('\n' | '\r') => "the end of the line".to_string(),
        Some(c) if c.is_whitespace() => "a space".to_string(),
        Some(_) => format!("`{}`", token_at(text, offset)),
    }
}

/// The span of the token at `offset` (one character at least, nothing at the end).
fn token_span(source: SourceId, text: &str, offset: usize) -> Span {
    let len = token_at(text, offset).len();
    let len = if len == 0 {
        text.get(offset..)
            .and_then(|r| r.chars().next())
            .map_or(0, char::len_utf8)
    } else {
        len
    };
    Span::new(source, offset, offset + len)
}

/// The last token of the source before `offset`, past spaces and comments,
/// if a line break separates it from `offset`: a missing piece belongs after it.
fn end_of_previous_line(source: SourceId, text: &str, offset: usize) -> Option<Span> {
    let before = text.get(..offset)?;
    let end = content_len(before);
    if !before.get(end..)?.contains('\n') {
        return None;
    }
    previous_token(source, text, offset)
}

/// The last token of the source before `offset`, past spaces and comments.
fn previous_token(source: SourceId, text: &str, offset: usize) -> Option<Span> {
    let before = text.get(..offset)?;
    let end = content_len(before);
    let content = before.get(..end)?;
    if content.trim().is_empty() {
        return None;
    }
    let (last, c) = content.char_indices().last()?;
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = if is_word(c) {
        content
            .char_indices()
            .rev()
            .take(24)
            .take_while(|(_, c)| is_word(*c))
            .last()
            .map_or(last, |(i, _)| i)
    } else {
        last
    };
    Some(Span::new(source, start, end))
}

/// Full-width punctuation a Chinese input method produces, and the ASCII it stands for.
const FULL_WIDTH: &[(char, &str)] = &[
    ('（', "("),
    ('）', ")"),
    ('：', ":"),
    ('，', ","),
    ('、', ","),
    ('“', "\""),
    ('”', "\""),
    ('【', "["),
    ('】', "]"),
    ('［', "["),
    ('］', "]"),
    ('｛', "{"),
    ('｝', "}"),
    ('＝', "="),
    ('＜', "<"),
    ('＞', ">"),
    ('？', "?"),
    ('＋', "+"),
    ('－', "-"),
    ('＊', "*"),
    ('／', "/"),
    ('．', "."),
];

/// A full-width character at one of `offsets` or in the word that starts there.
fn full_width_near(text: &str, offsets: &[usize]) -> Option<(usize, char, &'static str)> {
    for &offset in offsets {
        let rest = text.get(offset..).unwrap_or("");
        for (i, c) in rest.char_indices().take(32) {
            if c.is_whitespace() || c == '"' || c == '#' {
                break;
            }
            if let Some((_, ascii)) = FULL_WIDTH.iter().find(|(f, _)| *f == c) {
                return Some((offset + i, c, ascii));
            }
        }
    }
    None
}

/// Characters that belong to no token of the grammar, outside strings and comments.
const FOREIGN: &[char] = &['@', '$', '%', '^', '&', '~', '`', ';', '\\', '\''];

/// A foreign character at one of `offsets` or in the word that starts there.
fn foreign_near(text: &str, offsets: &[usize]) -> Option<(usize, char)> {
    for &offset in offsets {
        let rest = text.get(offset..).unwrap_or("");
        for (i, c) in rest.char_indices().take(32) {
            if c.is_whitespace() || c == '"' || c == '#' {
                break;
            }
            if FOREIGN.contains(&c) {
                return Some((offset + i, c));
            }
        }
    }
    None
}

/// Whether the string opening at `offset` runs to the end of its line unclosed.
fn unclosed_string(text: &str, offset: usize) -> bool {
    let Some(rest) = text.get(offset..).and_then(|r| r.strip_prefix('"')) else {
        return false;
    };
    let mut escaped = false;
    for c in rest.chars() {
        match (escaped, c) {
            (_, '\n') => return true,
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return false,
            _ => {}
        }
    }
    true
}

/// The first bracket that does not pair up, outside strings and comments.
enum Bracket {
    /// An opening bracket never closed (the innermost one).
    Unclosed(usize, char),
    /// A closing bracket with nothing open.
    Stray(usize, char),
    /// A closing bracket of the wrong kind for the one open.
    Mismatch((usize, char), (usize, char)),
}

fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

fn bracket_problem(text: &str) -> Option<Bracket> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"' | '\n') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | '{' => stack.push((i, c)),
            ')' | ']' | '}' => match stack.pop() {
                None => return Some(Bracket::Stray(i, c)),
                Some((o, open)) if closer(open) != c => {
                    return Some(Bracket::Mismatch((o, open), (i, c)));
                }
                Some(_) => {}
            },
            _ => {}
        }
    }
    stack.pop().map(|(o, c)| Bracket::Unclosed(o, c))
}

/// A diagnostic for a bracket that does not pair up, if the parser got as far as it.
fn bracket_error(source: SourceId, text: &str, at: usize, reach: usize) -> Option<Diagnostic> {
    let line = |offset: usize| text.get(..offset).unwrap_or("").matches('\n').count() + 1;
    let one = |offset: usize, c: char| Span::new(source, offset, offset + c.len_utf8());
    match bracket_problem(text)? {
        Bracket::Unclosed(o, open) if o < reach => {
            let close = closer(open);
            // Where the parser stopped, if that is past the bracket.
            let at = if at > o { at } else { reach };
            let at_end = text.get(at..).is_none_or(|r| r.trim().is_empty());
            let (span, label) = match end_of_previous_line(source, text, at) {
                Some(s) => (s, format!("expected `{close}` after this")),
                None => match previous_token(source, text, at).filter(|_| at_end) {
                    Some(s) => (s, format!("expected `{close}` after this")),
                    None => (
                        token_span(source, text, at),
                        format!("expected `{close}` before this"),
                    ),
                },
            };
            // The bracket first: it comes first in the text, and names the mistake.
            Some(
                Diagnostic::error(
                    "E0001",
                    format!("the `{open}` on line {} is never closed", line(o)),
                )
                .with_label(one(o, open), format!("this `{open}` has no `{close}`"))
                .with_label(span, label),
            )
        }
        Bracket::Stray(c, close) if c <= reach => Some(
            Diagnostic::error("E0001", format!("`{close}` closes nothing"))
                .with_label(one(c, close), "no bracket is open here")
                .with_help("remove it, or add the opening bracket it should close"),
        ),
        Bracket::Mismatch((o, open), (c, close)) if c <= reach => Some(
            Diagnostic::error(
                "E0001",
                format!("`{close}` cannot close the `{open}` on line {}", line(o)),
            )
            .with_label(one(c, close), format!("expected `{}` here", closer(open)))
            .with_label(one(o, open), format!("this `{open}`")),
        ),
        _ => None,
    }
}

/// Whether the keyword at `at` stands where a name is being given or read
/// (`source: text`, `let in = …`, `e.case`).
fn used_as_name(text: &str, at: usize, word: &str) -> bool {
    let after = text
        .get(at + word.len()..)
        .unwrap_or("")
        .trim_start_matches([' ', '\t']);
    let declares = after.starts_with(':')
        || after.starts_with('=') && !after.starts_with("==") && !after.starts_with("=>");
    let before = text.get(..at).unwrap_or("").trim_end();
    let prev_word = before
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    declares
        || before.ends_with('.')
        || matches!(
            prev_word,
            "let"
                | "for"
                | "param"
                | "def"
                | "entity"
                | "enum"
                | "rule"
                | "key"
                | "withhold"
                | "revoke"
                | "set"
        )
}

/// Whether `word` is one of the grammar's keywords.
fn is_keyword(word: &str) -> bool {
    !word.is_empty()
        && KaoheParser::parse(Rule::keyword, word).is_ok_and(|p| p.as_str().len() == word.len())
}

const ITEM_KEYWORDS: &[&str] = &[
    "case", "def", "entity", "enum", "include", "output", "param", "require", "rule", "test",
];

/// Tokens that only continue an expression (`.`, `[`, operators): noise in "expected …".
const CONTINUATIONS: &[&str] = &[
    "!=", "*", "+", "-", "/", "<", "<=", "==", ">", ">=", "??", ".", "[", "and", "or",
];

/// Tokens that may start an expression.
const EXPRESSION_STARTS: &[&str] = &[
    "(", "[", "{", "-", "\"", "_", "if", "let", "match", "not", "param", "true", "false", "none",
];

/// What the parser expected, in the user's words.
struct Expected {
    words: Vec<String>,
    /// Some token would have continued the expression before.
    continues: bool,
    /// Rules the parser was inside when it stopped (`kw_in`, `def_decl`, …).
    deepest: Vec<String>,
}

impl Expected {
    fn has(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word)
    }
}

fn expected(
    text: &str,
    at: usize,
    positives: &[Rule],
    detail: Option<&(usize, Vec<String>, Vec<String>)>,
) -> Expected {
    let deepest: Vec<String> = detail.map(|d| d.2.clone()).unwrap_or_default();
    let structural_in = deepest.iter().any(|d| d == "kw_in");
    // `(` right after a name would make it a call: a continuation, unless the name touches it.
    let call_adjacent = text
        .get(..at)
        .and_then(|b| b.chars().next_back())
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut words: Vec<String> = Vec::new();
    let mut continues = false;
    let mut starts_expr = false;
    let mut add_token = |t: &str, words: &mut Vec<String>| {
        if t.chars().all(|c| c.is_whitespace() || c == '\u{FEFF}')
            || t == "#"
            || t == "BUILTIN_RULE"
            // Part of a name (`_x`) or the wildcard: "a name" says it.
            || t == "_"
            || t.len() > 1 && t.contains("..")
        {
            return;
        }
        if CONTINUATIONS.contains(&t) || t == "in" && !structural_in || t == "(" && !call_adjacent {
            continues = true;
            if t == "(" || t == "[" || t == "-" {
                starts_expr = true;
            }
            return;
        }
        if EXPRESSION_STARTS.contains(&t) {
            starts_expr = true;
        }
        words.push(format!("`{t}`"));
    };
    // Tokens and rules the parser tried exactly here (the caller passes only those).
    if let Some((_, tokens, _)) = detail.filter(|d| d.0 == at) {
        for t in tokens {
            add_token(t, &mut words);
        }
    }
    {
        for r in positives {
            match describe(*r) {
                Some("an operator" | "`.`" | "`[`" | "`and`" | "`or`") => continues = true,
                Some("`in`") if !structural_in => continues = true,
                Some(w) => words.push(w.to_string()),
                None => {}
            }
        }
    }
    // An expression could start here: say so once, not token by token.
    let expr_words = ["`if`", "`match`", "`not`"];
    if starts_expr && expr_words.iter().any(|w| words.iter().any(|x| x == w)) {
        words.retain(|w| !EXPRESSION_STARTS.iter().any(|s| *w == format!("`{s}`")));
        words.push("an expression".to_string());
    }
    // Every declaration keyword: "a declaration" is what is meant.
    let items = ITEM_KEYWORDS
        .iter()
        .filter(|k| words.iter().any(|w| *w == format!("`{k}`")))
        .count();
    if items >= 3 {
        words.retain(|w| {
            !ITEM_KEYWORDS.iter().any(|k| *w == format!("`{k}`")) && w != "end of file"
        });
        words.push("a declaration (`def`, `rule`, `param`, …)".to_string());
    }
    // The general word subsumes its pieces.
    if words.iter().any(|w| w == "an expression") {
        words.retain(|w| {
            !matches!(
                w.as_str(),
                "a name"
                    | "a number"
                    | "a date"
                    | "a month"
                    | "a quarter"
                    | "a string in double quotes"
                    | "`true` or `false`"
            ) && !EXPRESSION_STARTS.iter().any(|s| *w == format!("`{s}`"))
        });
    }
    if words.iter().any(|w| w == "a type") {
        words.retain(|w| w != "`map`");
    }
    if words.iter().any(|w| w.starts_with("a unit")) {
        words.retain(|w| !["`元`", "`万元`", "`亿元`", "`分`"].contains(&w.as_str()));
    }
    words.sort();
    words.dedup();
    Expected {
        words,
        continues,
        deepest,
    }
}

/// Reparses with pest's token tracking on, for the tokens expected where parsing stopped.
/// The setting is process-wide, so reparses take turns; plain parses are unaffected
/// but for speed.
fn detailed_attempts(rule: Rule, text: &str) -> Option<(usize, Vec<String>, Vec<String>)> {
    static TURN: Mutex<()> = Mutex::new(());
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    pest::set_error_detail(true);
    let result = KaoheParser::parse(rule, text);
    pest::set_error_detail(false);
    let attempts = result.err()?.parse_attempts()?;
    let tokens = attempts
        .expected_tokens()
        .iter()
        .map(ToString::to_string)
        .collect();
    let deepest = attempts
        .call_stacks()
        .iter()
        .map(|s| {
            let d = format!("{:?}", s.deepest);
            d.strip_prefix("Rule(")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap_or(&d)
                .to_string()
        })
        .collect();
    Some((attempts.max_position, tokens, deepest))
}

pub fn translate_pest_error(
    source: SourceId,
    text: &str,
    rule: Rule,
    err: pest::error::Error<Rule>,
) -> Diagnostic {
    let pest_at = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let (positives, negatives) = match &err.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => (positives.clone(), negatives.clone()),
        ErrorVariant::CustomError { message } => {
            return Diagnostic::error(
                "E0002",
                format!("the policy is too deeply nested to read ({message})"),
            )
            .with_label(token_span(source, text, pest_at), "here")
            .with_help("split the expression into named definitions or `let`s");
        }
    };
    let detail = detailed_attempts(rule, text).filter(|d| d.0 >= pest_at && d.0 <= text.len());
    let detail_at = detail.as_ref().map_or(pest_at, |d| d.0);

    if let Some((at, c, ascii)) = full_width_near(text, &[detail_at, pest_at]) {
        return Diagnostic::error("E0001", format!("full-width `{c}` where `{ascii}` is meant"))
            .with_label(Span::new(source, at, at + c.len_utf8()), format!("write `{ascii}` here"))
            .with_help("outside strings and comments a policy uses ASCII punctuation: switch the input method to half-width (半角)");
    }
    if let Some((at, c)) = foreign_near(text, &[detail_at, pest_at]) {
        let help = match c {
            '\'' => "strings are written in double quotes: \"…\"",
            ';' => "declarations need no `;` between them",
            _ => "it may appear only inside a string or a comment",
        };
        return Diagnostic::error("E0001", format!("`{c}` has no meaning in a policy"))
            .with_label(
                Span::new(source, at, at + c.len_utf8()),
                "remove or replace this",
            )
            .with_help(help);
    }
    if unclosed_string(text, pest_at) {
        return Diagnostic::error("E0001", "this string is not closed")
            .with_label(
                token_span(source, text, pest_at),
                "the string starts here and runs to the end of the line",
            )
            .with_help(
                "end it with `\"` on the same line (write `\\n` for a line break inside a string)",
            );
    }
    if let Some(d) = bracket_error(source, text, pest_at, detail_at.max(pest_at)) {
        return d;
    }
    let word = token_at(text, pest_at);
    if positives.contains(&Rule::ident) && is_keyword(word) && used_as_name(text, pest_at, word) {
        return Diagnostic::error("E0001", format!("`{word}` is a keyword, not a name"))
            .with_label(token_span(source, text, pest_at), "a name is expected here")
            .with_help(format!(
                "keywords are reserved: rename it, e.g. with a Chinese name instead of `{word}`"
            ));
    }

    // Where to point: the furthest place the parser tried, when it says what it wanted there.
    let mut at = pest_at;
    let here = detail.as_ref().filter(|d| d.0 == pest_at);
    let mut exp = expected(text, at, &positives, here);
    if detail_at > pest_at {
        let further = expected(text, detail_at, &[], detail.as_ref());
        if !further.words.is_empty() {
            at = detail_at;
            exp = further;
        }
    }
    let at_end = text.get(at..).is_none_or(|r| r.trim().is_empty());
    let found = if at_end {
        "the end of the file".to_string()
    } else {
        found_at(text, at)
    };
    let token = token_at(text, at);
    if matches!(token, "else" | "then") && !exp.has(&format!("`{token}`")) {
        return Diagnostic::error("E0001", format!("`{token}` without its `if`"))
            .with_label(
                token_span(source, text, at),
                "nothing before it opens an `if` or a `require`",
            )
            .with_help("is the line with its `if` (or `require`) missing, or moved below it?");
    }
    if exp.continues && token == "=" {
        return Diagnostic::error("E0001", "`=` where `==` is meant")
            .with_label(token_span(source, text, at), "write `==` to compare")
            .with_help("`=` gives a value (`param`, `def`, `let`, `set`); `==` compares two");
    }
    let (message, what) = if exp.words.is_empty() && exp.continues {
        let w = "an operator".to_string();
        (format!("expected {w}, found {found}"), w)
    } else if exp.words.is_empty() {
        let label = if negatives.is_empty() {
            "not allowed here"
        } else {
            "a keyword cannot be used as a name here"
        };
        (format!("unexpected {found}"), label.to_string())
    } else {
        let list = one_of_words(&exp.words);
        (format!("expected {list}, found {found}"), list)
    };
    let mut diag = Diagnostic::error("E0001", message);
    let nothing_expected = exp.words.is_empty() && !exp.continues;
    // At the end of the file there is nothing to point at: point at what comes last.
    let before = end_of_previous_line(source, text, at)
        .or_else(|| previous_token(source, text, at).filter(|_| at_end));
    diag = match before.filter(|_| !nothing_expected) {
        Some(prev) => {
            let next = if ITEM_KEYWORDS.contains(&token_at(text, at)) {
                "the next declaration starts here"
            } else {
                "found here"
            };
            let d = diag.with_label(prev, format!("expected {what} after this"));
            if !at_end {
                d.with_label(token_span(source, text, at), next)
            } else {
                d
            }
        }
        None if what == "not allowed here" || what.starts_with("a keyword") => {
            diag.with_label(token_span(source, text, at), what)
        }
        None => diag.with_label(token_span(source, text, at), format!("expected {what}")),
    };
    if let Some(help) = syntax_hint(text, at, &exp) {
        diag = diag.with_help(help);
    }
    diag
}

/// Which of `words` occurs last in `text` as a whole word.
fn nearest_word<'w>(text: &str, words: &[&'w str]) -> Option<&'w str> {
    text.rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find_map(|w| words.iter().find(|x| **x == w).copied())
}

/// "A, B or C" of words already in the user's terms.
fn one_of_words(words: &[String]) -> String {
    match words {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// A hint for the common slips, judged from what was expected and the text at the error.
fn syntax_hint(text: &str, offset: usize, exp: &Expected) -> Option<String> {
    let rest = text.get(offset..).unwrap_or("");
    let before = text.get(..offset).unwrap_or("").trim_end();
    let Some(c) = rest.chars().next() else {
        return Some(if exp.has("`else`") {
            "the file ends inside an `if`: it needs `then … else …`".into()
        } else {
            "the file ends too early: is something missing at the end?".into()
        });
    };
    if c == '=' && !rest.starts_with("==") && !rest.starts_with("=>") && exp.continues {
        return Some("comparison is written `==`".into());
    }
    if c == '"' && before.ends_with(['元', '分']) {
        return Some("is a comma missing between two values?".into());
    }
    if exp.words.iter().any(|w| w.starts_with("a unit")) {
        return Some("money is written in 元, 万元 or 亿元 (`600元`), points in 分 (`5分`)".into());
    }
    if exp.has("`else`") && nearest_word(before, &["if", "require"]) == Some("require") {
        return Some(
            "a `require` gives the message to show: `require CONDITION else \"message\"`".into(),
        );
    }
    if exp.has("`else`") || exp.has("`then`") {
        return Some("an `if` needs both `then` and `else`: `if … then … else …`".into());
    }
    if exp.has("`deduct`") {
        return Some("a rule ends with its consequences: `deduct … from … in …`, `withhold … of … in …` or `revoke … of … in …`".into());
    }
    if exp.has("`in`") && exp.deepest.iter().any(|d| d == "kw_in") {
        return Some(
            "say which period it counts in: `… in q`, `in quarter(e.日期)` or `in year(e.日期)`"
                .into(),
        );
    }
    if exp.has("`:`") && exp.deepest.iter().any(|d| d == "def_decl") {
        return Some("a definition states its type: `def 员工.得分[q: quarter]: score = …`".into());
    }
    if exp.has("`,`")
        && before.len() < offset
        && text
            .get(before.len()..offset)
            .is_some_and(|s| s.contains('\n'))
    {
        return Some("is a `,` missing at the end of the line before?".into());
    }
    None
}

/// Rejects sources nested deeper than `limit` before pest (which recurses) sees them.
pub fn nesting_error(source: SourceId, text: &str, limit: usize) -> Option<Diagnostic> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') | (false, '\n') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_string = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > limit {
                    return Some(
                        Diagnostic::error(
                            "E0002",
                            format!("brackets nested more than {limit} deep"),
                        )
                        .with_label(Span::new(source, i, i + 1), "too deep here")
                        .with_help("split the expression into named definitions or `let`s"),
                    );
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if let Some(d) = chain_error(source, text, limit) {
        return Some(d);
    }
    // `if`/`let`/`match` nest without brackets; pest recurses on them too.
    let keywords = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| matches!(*w, "if" | "let" | "match"))
        .count();
    if keywords > limit * 64 {
        return Some(
            Diagnostic::error(
                "E0002",
                format!(
                    "more than {} `if`, `let` and `match` in one policy",
                    limit * 64
                ),
            )
            .with_label(Span::new(source, 0, 0), "in this file"),
        );
    }
    None
}

/// Operators chain without brackets, and each link is a level of recursion when the
/// expression is lowered and checked: bounds a run of prefix operators (`- - x`,
/// `not not x`) to `limit` and the operators of one declaration to `limit * 16`.
fn chain_error(source: SourceId, text: &str, limit: usize) -> Option<Diagnostic> {
    let ops_limit = limit * 16;
    let mut run = 0usize;
    let mut ops = 0usize;
    let mut decl = (0usize, 0usize);
    let mut line_start = true;
    let mut in_string = false;
    let mut in_comment = false;
    let mut escaped = false;
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            line_start = true;
        }
        if in_comment {
            in_comment = c != '\n';
            continue;
        }
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"' | '\n') => in_string = false,
                _ => {}
            }
            continue;
        }
        if c.is_whitespace() || c == '\u{FEFF}' {
            continue;
        }
        if is_word(c) {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_word(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let word = text.get(i..end).unwrap_or("");
            if line_start && (ITEM_KEYWORDS.contains(&word) || word == "policy") {
                ops = 0;
                decl = (i, end);
            }
            match word {
                "not" => {
                    run += 1;
                    ops += 1;
                }
                "and" | "or" | "in" => {
                    run = 0;
                    ops += 1;
                }
                _ => run = 0,
            }
        } else {
            // A `-` right after a digit is a date's (2022-01-05), not an operator.
            let after_digit = text
                .get(..i)
                .and_then(|b| b.chars().next_back())
                .is_some_and(|p| p.is_ascii_digit());
            match c {
                '#' => in_comment = true,
                '"' => {
                    in_string = true;
                    run = 0;
                }
                '-' if !after_digit => {
                    run += 1;
                    ops += 1;
                }
                '+' | '-' | '*' | '/' | '<' | '>' | '?' => {
                    run = 0;
                    ops += 1;
                }
                _ => run = 0,
            }
        }
        line_start = false;
        if run > limit {
            return Some(
                Diagnostic::error("E0002", format!("more than {limit} `-` or `not` in a row"))
                    .with_label(token_span(source, text, i), "too many here")
                    .with_help("two of them cancel out: remove them in pairs"),
            );
        }
        if ops > ops_limit {
            return Some(
                Diagnostic::error(
                    "E0002",
                    format!("more than {ops_limit} operators in one declaration"),
                )
                .with_label(
                    Span::new(source, decl.0, decl.1),
                    "this declaration is too long to check",
                )
                .with_help("split the formula into named definitions"),
            );
        }
    }
    None
}
