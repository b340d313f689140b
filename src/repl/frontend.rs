//! The line editor over [`Repl`]: rustyline with history, completion, hints,
//! highlighting and multi-line input. Everything it knows comes from the
//! library REPL ([`super::complete`]); this file only wires it to a terminal.

use super::Repl;
use super::complete::{self, Index};
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor};
use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// Where history is kept: `$KAOHE_HISTORY`, else `~/.kaohe_history`.
pub fn history_path() -> Option<PathBuf> {
    match std::env::var_os("KAOHE_HISTORY") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(|h| PathBuf::from(h).join(".kaohe_history")),
    }
}

/// The editor's helper: completion, hints, highlighting, and when input continues on the next line.
pub struct Helper {
    index: Arc<Index>,
    files: FilenameCompleter,
    color: bool,
}

/// Commands whose argument is a file name.
fn wants_file(line: &str) -> bool {
    [":save ", ":load ", ":load-case ", ":policy "]
        .iter()
        .any(|c| line.trim_start().starts_with(c))
}

impl Completer for Helper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if wants_file(line) {
            return self.files.complete(line, pos, ctx);
        }
        let (start, options) = self.index.complete(line, pos);
        let pairs = options
            .into_iter()
            .map(|s| Pair {
                display: s.clone(),
                replacement: s,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for Helper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<String> {
        if wants_file(line) {
            return None;
        }
        self.index.hint(line, pos)
    }
}

impl Validator for Helper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if complete::is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

const KEYWORDS: &[&str] = &[
    "if", "then", "else", "let", "in", "match", "for", "where", "when", "and", "or", "not", "true",
    "false", "none", "param",
];

/// ANSI colours: commands cyan, keywords bold, strings green, numbers yellow.
fn colorize(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut end = i + c.len_utf8();
        let color = if c == '"' {
            while let Some((j, d)) = chars.next() {
                end = j + d.len_utf8();
                if d == '"' {
                    break;
                }
                if d == '\\'
                    && let Some((k, e)) = chars.next()
                {
                    end = k + e.len_utf8();
                }
            }
            Some("32")
        } else if c == ':' && line.get(..i).is_some_and(|b| b.trim().is_empty()) {
            while let Some((j, d)) = chars.next_if(|(_, d)| !d.is_whitespace()) {
                end = j + d.len_utf8();
            }
            Some("36")
        } else if c.is_alphanumeric() || c == '_' {
            while let Some((j, d)) =
                chars.next_if(|(_, d)| d.is_alphanumeric() || *d == '_' || *d == '.')
            {
                end = j + d.len_utf8();
            }
            let word = line.get(i..end).unwrap_or("");
            if c.is_ascii_digit() {
                Some("33")
            } else if KEYWORDS.contains(&word) {
                Some("1")
            } else {
                None
            }
        } else {
            None
        };
        let text = line.get(i..end).unwrap_or("");
        match color {
            Some(code) => out.push_str(&format!("\x1b[{code}m{text}\x1b[0m")),
            None => out.push_str(text),
        }
    }
    out
}

impl Highlighter for Helper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(colorize(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.color {
            Cow::Owned(format!("\x1b[1;34m{prompt}\x1b[0m"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, kind: CmdKind) -> bool {
        self.color && kind != CmdKind::MoveCursor
    }
}

impl rustyline::Helper for Helper {}

/// Runs the REPL on a terminal until `:quit` or Ctrl-D; history is loaded and saved (failures ignored).
pub fn run(repl: &mut Repl, out: &mut dyn Write, err: &mut dyn Write, color: bool) -> i32 {
    let config = Config::builder()
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .color_mode(if color {
            ColorMode::Enabled
        } else {
            ColorMode::Disabled
        })
        .max_history_size(5000)
        .unwrap_or_default()
        .build();
    let mut editor: Editor<Helper, DefaultHistory> = match Editor::with_config(config) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(err, "error: cannot start the line editor: {e}");
            return 1;
        }
    };
    editor.set_helper(Some(Helper {
        index: repl.index(),
        files: FilenameCompleter::new(),
        color,
    }));
    let history = history_path();
    if let Some(p) = &history {
        let _ = editor.load_history(p);
    }
    loop {
        let line = match editor.readline(&repl.prompt()) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => {
                let _ = writeln!(err, "error: cannot read the input: {e}");
                break;
            }
        };
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(line.as_str());
        }
        let reply = repl.handle(&line);
        let _ = out.write_all(reply.out.as_bytes());
        let _ = out.flush();
        let _ = err.write_all(reply.err.as_bytes());
        let _ = err.flush();
        if let Some(h) = editor.helper_mut() {
            h.index = repl.index();
        }
        if reply.quit {
            break;
        }
    }
    if let Some(p) = &history {
        let _ = editor.save_history(p);
    }
    0
}
