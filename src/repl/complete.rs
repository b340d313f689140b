//! What the line editor needs from the REPL, without the editor: completions,
//! hints, and whether an input is finished or continues on the next line.

use super::commands::COMMANDS;
use crate::check::ir::Program;
use crate::eval::case::Case;
use crate::eval::num::RoundingMode;
use std::collections::BTreeSet;

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "let", "in", "match", "for", "where", "when", "and", "or", "not", "true",
    "false", "none", "param",
];
/// Named options of builtins (rounding modes, tie-breaks), completed with the builtins.
const OPTIONS: &[&str] = &["ascending_key", "descending_key", "input_order"];

/// One entity's names: its records' ids, its fields, its definitions.
#[derive(Clone, Debug, Default)]
struct EntityNames {
    name: String,
    ids: Vec<String>,
    fields: Vec<String>,
    defs: Vec<String>,
}

/// Every name the REPL can complete, taken from the policy and the scenario's case.
#[derive(Clone, Debug, Default)]
pub struct Index {
    words: Vec<String>,
    members: Vec<String>,
    entities: Vec<EntityNames>,
    periods: Vec<String>,
}

fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl Index {
    pub fn new(prog: Option<&Program>, case: Option<&Case>) -> Index {
        let Some(prog) = prog else {
            return Index::default();
        };
        let mut words: Vec<String> = KEYWORDS
            .iter()
            .chain(crate::check::BUILTIN_NAMES)
            .chain(OPTIONS)
            .map(|s| s.to_string())
            .chain(RoundingMode::ALL.iter().map(|m| m.name().to_string()))
            .collect();
        words.extend(prog.params.iter().map(|p| p.name.clone()));
        words.extend(
            prog.defs
                .iter()
                .filter(|d| d.entity.is_none())
                .map(|d| d.name.clone()),
        );
        words.extend(prog.entities.iter().map(|e| e.name.clone()));
        words.extend(prog.case_fields.iter().map(|f| f.name.clone()));
        words.extend(prog.enums.iter().flat_map(|e| e.variants.iter().cloned()));
        let entities: Vec<EntityNames> = prog
            .entities
            .iter()
            .enumerate()
            .map(|(i, e)| EntityNames {
                name: e.name.clone(),
                ids: case
                    .and_then(|c| c.table(i as u32))
                    .map(|t| t.ids.iter().map(|s| s.to_string()).collect())
                    .unwrap_or_default(),
                fields: e.fields.iter().map(|f| f.name.clone()).collect(),
                defs: prog
                    .defs
                    .iter()
                    .filter(|d| d.entity == Some(i as u32))
                    .map(|d| d.name.clone())
                    .collect(),
            })
            .collect();
        let members = sorted(
            entities
                .iter()
                .flat_map(|e| e.fields.iter().chain(&e.defs).cloned()),
        );
        let periods = case
            .map(|c| {
                let y = c.year;
                let mut p = vec![y.to_string()];
                p.extend(y.quarters().iter().map(|q| q.to_string()));
                p.extend(y.months().iter().map(|m| m.to_string()));
                p
            })
            .unwrap_or_default();
        Index {
            words: sorted(words),
            members,
            entities,
            periods,
        }
    }

    fn entity(&self, name: &str) -> Option<&EntityNames> {
        self.entities.iter().find(|e| e.name == name)
    }

    /// Where the word being completed starts, and the candidates for it.
    pub fn complete(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let mut pos = pos.min(line.len());
        while !line.is_char_boundary(pos) {
            pos -= 1;
        }
        let before = line.get(..pos).unwrap_or("");
        if let Some(body) = before.trim_start().strip_prefix(':') {
            let offset = before.len() - body.len();
            if !body.contains(char::is_whitespace) {
                let names = COMMANDS.iter().map(|s| format!(":{}", s.name));
                return (offset - 1, starting(names, &format!(":{body}")));
            }
            return self.command_args(before, body, offset);
        }
        self.expression(before)
    }

    fn command_args(&self, before: &str, body: &str, offset: usize) -> (usize, Vec<String>) {
        let words: Vec<&str> = body.split_whitespace().collect();
        let cmd = words.first().copied().unwrap_or("");
        if cmd == "set" {
            return self.expression(before);
        }
        let start = before.rfind(char::is_whitespace).map_or(offset, |i| i + 1);
        let current = before.get(start..).unwrap_or("");
        let n = words.len() - 1 - usize::from(!current.is_empty());
        let entity = words.get(1).and_then(|e| self.entity(e));
        let entities = || {
            self.entities
                .iter()
                .map(|e| e.name.clone())
                .collect::<Vec<_>>()
        };
        let ids = || entity.map(|e| e.ids.clone()).unwrap_or_default();
        let options: Vec<String> = match (cmd, n) {
            ("why" | "remove" | "show" | "add" | "field", 0) => entities(),
            ("why" | "remove" | "show" | "field", 1) => ids(),
            ("why", 2) => self.periods.clone(),
            ("why", 3) => entity.map(|e| e.defs.clone()).unwrap_or_default(),
            ("field", 2) => entity.map(|e| e.fields.clone()).unwrap_or_default(),
            ("help", 0) => COMMANDS.iter().map(|s| s.name.to_string()).collect(),
            ("diff", _) => {
                let mut o = entities();
                o.extend(self.periods.iter().cloned());
                o.extend(self.members.iter().cloned());
                o
            }
            _ => Vec::new(),
        };
        (start, starting(options, current))
    }

    fn expression(&self, before: &str) -> (usize, Vec<String>) {
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
            .last()
            .map_or(before.len(), |(i, _)| i);
        let word = before.get(start..).unwrap_or("");
        let head = before.get(..start).unwrap_or("");
        // Inside `干部("…`: the entity's ids.
        if let Some(h) = head.strip_suffix("(\"") {
            let name_start = h
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
                .last()
                .map_or(h.len(), |(i, _)| i);
            if let Some(e) = h.get(name_start..).and_then(|n| self.entity(n)) {
                return (start, starting(e.ids.iter().cloned(), word));
            }
        }
        if head.ends_with('.') {
            return (start, starting(self.members.iter().cloned(), word));
        }
        if word.is_empty() {
            return (start, Vec::new());
        }
        (start, starting(self.words.iter().cloned(), word))
    }

    /// The rest of the only completion, or what a command takes, shown after the cursor.
    pub fn hint(&self, line: &str, pos: usize) -> Option<String> {
        if pos < line.len() || line.trim().is_empty() {
            return None;
        }
        let body = line.strip_prefix(':');
        if let Some(name) = body
            .and_then(|b| b.strip_suffix(' '))
            .filter(|n| !n.contains(' '))
        {
            return COMMANDS
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.args.to_string());
        }
        let (start, options) = self.complete(line, pos);
        let typed = line.get(start..).unwrap_or("");
        // A one-letter name or a keyword is more likely finished than the start of a longer word.
        if body.is_none() && (typed.chars().count() < 2 || KEYWORDS.contains(&typed)) {
            return None;
        }
        match options.as_slice() {
            [only] => {
                let rest = only.strip_prefix(typed)?;
                let args =
                    body.and_then(|_| COMMANDS.iter().find(|s| format!(":{}", s.name) == *only));
                match args {
                    Some(s) if !s.args.is_empty() => Some(format!("{rest} {}", s.args)),
                    _ => (!rest.is_empty()).then(|| rest.to_string()),
                }
            }
            _ => None,
        }
    }
}

fn starting(options: impl IntoIterator<Item = String>, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = options
        .into_iter()
        .filter(|o| o.starts_with(prefix) && o != prefix)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether the input is finished: no bracket left open and no operator at its
/// end. An empty last line finishes any input (to get out of an open bracket).
pub fn is_complete(input: &str) -> bool {
    if input.contains('\n')
        && input
            .rsplit('\n')
            .next()
            .is_none_or(|l| l.trim().is_empty())
    {
        return true;
    }
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    let mut code = String::with_capacity(input.len());
    for line in input.lines() {
        in_string = false;
        for c in line.chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '#' => break,
                '"' => in_string = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                _ => {}
            }
            code.push(c);
        }
        code.push('\n');
    }
    if in_string || depth < 0 {
        return true; // an error the parser will show
    }
    if depth > 0 {
        return false;
    }
    let text = code.trim_end();
    let command = text.trim_start().strip_prefix(':');
    if let Some(c) = command {
        let name = c.split_whitespace().next().unwrap_or("");
        if name != "set" && name != "field" {
            return true;
        }
    }
    const TRAILING: &[&str] = &["+", "-", "*", "/", "??", "=", "<", ">", ","];
    const WORDS: &[&str] = &[
        "and", "or", "not", "in", "if", "then", "else", "let", "where", "for", "when", "match",
    ];
    if TRAILING.iter().any(|t| text.ends_with(t)) {
        return false;
    }
    let last = text
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let before_last = text.get(..text.len() - last.len()).unwrap_or("");
    !(WORDS.contains(&last) && !before_last.ends_with('.') && command.is_none())
}
