//! Syntax errors in the user's words: pest rule names become "expected A, B or C".

use super::parser::Rule;
use crate::diagnostic::{Diagnostic, SourceId, Span};
use pest::error::{ErrorVariant, InputLocation};

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
        _ => return None,
    })
}

/// "A, B or C" in a stable order without repeats.
fn one_of(mut words: Vec<&'static str>) -> String {
    words.sort();
    words.dedup();
    // Expressions subsume their pieces; say the short thing.
    if words.contains(&"an expression") {
        words.retain(|w| {
            !matches!(
                *w,
                "a name"
                    | "a number"
                    | "a date"
                    | "a month"
                    | "a quarter"
                    | "a string in double quotes"
                    | "`if`"
                    | "`let`"
                    | "`match`"
                    | "`not`"
                    | "`true` or `false`"
                    | "`none`"
                    | "`param`"
            )
        });
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn found_at(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some(c) if c.is_whitespace() => "a space".to_string(),
        Some(_) => {
            let token: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace())
                .take(12)
                .collect();
            format!("`{token}`")
        }
    }
}

pub fn translate_pest_error(
    source: SourceId,
    text: &str,
    err: pest::error::Error<Rule>,
) -> Diagnostic {
    let offset = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let end = text
        .get(offset..)
        .and_then(|r| r.chars().next())
        .map(|c| offset + c.len_utf8())
        .unwrap_or(offset);
    let span = Span::new(source, offset, end);
    let found = found_at(text, offset);
    let (message, label) = match &err.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let expected: Vec<&'static str> =
                positives.iter().filter_map(|r| describe(*r)).collect();
            if expected.is_empty() && !negatives.is_empty() {
                (
                    format!("unexpected {found}"),
                    "a keyword cannot be used as a name here".to_string(),
                )
            } else {
                let list = one_of(expected);
                (
                    format!("expected {list}, found {found}"),
                    format!("expected {list}"),
                )
            }
        }
        ErrorVariant::CustomError { message } => (message.clone(), "here".to_string()),
    };
    let mut diag = Diagnostic::error("E0001", message).with_label(span, label);
    if let Some(help) = syntax_hint(text, offset) {
        diag = diag.with_help(help);
    }
    diag
}

/// A hint for the common slips, judged from the text at the error.
fn syntax_hint(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..).unwrap_or("");
    let before = text.get(..offset).unwrap_or("").trim_end();
    let c = rest.chars().next();
    if c.is_none() {
        return Some("the file ends too early: is a bracket or an `else` missing?".into());
    }
    if let Some(c) = c {
        if "（）：，“”【】；".contains(c) {
            return Some(format!(
                "`{c}` is a full-width character; write the ASCII one instead (( ) : , \" [ ] ;)"
            ));
        }
        if c == '=' && !rest.starts_with("==") && !rest.starts_with("=>") {
            return Some("comparison is written `==`".into());
        }
        if c == '"' && before.ends_with(['元', '分']) {
            return Some("is a comma missing between two values?".into());
        }
    }
    if before.ends_with("if") || before.contains(" if ") && !rest.contains("then") {
        return Some("an `if` needs both `then` and `else`".into());
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
