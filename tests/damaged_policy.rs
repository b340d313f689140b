//! Damaged copies of the bureau's policy (`policies/efficiency.kaohe`): cut short,
//! lines swapped or doubled, names misspelt, stray characters typed in. The
//! checker must answer every one (no panic, no hang) and quickly; for a misspelt
//! name it must name the misspelling at the right line and column.
//!
//! The copies are made deterministically from the policy's text, so a failure
//! names an input that can be made again.

use kaohe::diagnostic::{Diagnostic, SourceMap};
use kaohe::render::render_all;
use kaohe::session::check_text;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one check may take.
const LIMIT: Duration = Duration::from_secs(2);
/// How long to wait before calling a check hung.
const HUNG: Duration = Duration::from_secs(60);

fn policy() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/efficiency.kaohe");
    std::fs::read_to_string(path).expect("read policies/efficiency.kaohe")
}

/// One damaged copy: what was done to it, and its text.
struct Damaged {
    what: String,
    text: String,
}

/// What checking a copy gave: its diagnostics and the source map they point into.
struct Outcome {
    diagnostics: Vec<Diagnostic>,
    sources: SourceMap,
}

const NAME: &str = "policies/efficiency.kaohe";

/// Checks a copy as the binary does: on a thread with a deep stack, rendering
/// what it finds. A panic or a hang is an `Err` naming the copy.
fn check(d: &Damaged) -> Result<Outcome, String> {
    let text = d.text.clone();
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("damaged-check".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let started = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| {
                let mut sources = SourceMap::new();
                let diagnostics = match check_text(NAME, &text, &mut sources) {
                    Ok(policy) => policy.warnings,
                    Err(failure) => failure.diagnostics,
                };
                // Drawing them is part of answering: spans at odd places must not break it.
                let _ = render_all(&diagnostics, &sources, false);
                Outcome {
                    diagnostics,
                    sources,
                }
            }));
            let _ = tx.send((result, started.elapsed()));
        });
    if let Err(e) = spawned {
        return Err(format!("{}: could not start a thread: {e}", d.what));
    }
    match rx.recv_timeout(HUNG) {
        Err(_) => Err(format!("{}: no answer after {HUNG:?} (hangs?)", d.what)),
        Ok((Err(panic), _)) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("{}: panicked: {msg}", d.what))
        }
        Ok((Ok(_), took)) if took > LIMIT => Err(format!("{}: took {took:?}", d.what)),
        Ok((Ok(outcome), _)) => Ok(outcome),
    }
}

/// Checks every copy; all must be answered, and a copy that no longer checks must say why.
fn check_all(copies: &[Damaged]) -> Vec<Result<Outcome, String>> {
    copies.iter().map(check).collect()
}

fn assert_answered(kind: &str, copies: &[Damaged], min: usize) {
    assert!(copies.len() >= min, "{kind}: only {} copies", copies.len());
    let mut problems = Vec::new();
    for (d, r) in copies.iter().zip(check_all(copies)) {
        match r {
            Err(e) => problems.push(e),
            Ok(o) => {
                for diag in &o.diagnostics {
                    if diag.labels.is_empty() && diag.is_error() {
                        problems.push(format!("{}: `{diag}` points nowhere", d.what));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{kind}: {} of {} copies failed:\n{}",
        problems.len(),
        copies.len(),
        problems.join("\n")
    );
}

/// The byte offsets of the text's character boundaries.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut sources = SourceMap::new();
    let id = sources.add(NAME, text);
    sources.line_col(id, offset as u32)
}

#[test]
fn policy_is_clean_to_start_with() {
    let original = Damaged {
        what: "the policy as it is".into(),
        text: policy(),
    };
    let outcome = check(&original).unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "the policy itself has errors: {errors:?}"
    );
}

#[test]
fn cut_short() {
    let text = policy();
    let all = boundaries(&text);
    let mut cuts: Vec<usize> = Vec::new();
    // Evenly over the whole file…
    let step = (all.len() / 150).max(1);
    cuts.extend(all.iter().step_by(step).copied());
    // …and right before and after multibyte characters (a name cut in half).
    let multibyte: Vec<(usize, char)> = text
        .char_indices()
        .filter(|(_, c)| c.len_utf8() > 1)
        .collect();
    let mstep = (multibyte.len() / 40).max(1);
    for (i, c) in multibyte.iter().step_by(mstep) {
        cuts.push(*i);
        cuts.push(i + c.len_utf8());
    }
    cuts.sort_unstable();
    cuts.dedup();
    let copies: Vec<Damaged> = cuts
        .into_iter()
        .map(|at| {
            let (line, col) = line_col(&text, at);
            Damaged {
                what: format!("cut at byte {at} (line {line}, column {col})"),
                text: text.get(..at).unwrap_or("").to_string(),
            }
        })
        .collect();
    assert_answered("cut short", &copies, 150);
}

/// The policy's lines, each with its line ending.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

#[test]
fn lines_swapped() {
    let text = policy();
    let ls = lines(&text);
    let n = ls.len();
    let mut copies = Vec::new();
    for k in 0..70 {
        // Neighbours, and lines further apart.
        let i = (k * 7) % n.saturating_sub(1).max(1);
        let j = if k % 2 == 0 { i + 1 } else { (i + 13 + k) % n };
        if i == j || j >= n {
            continue;
        }
        let mut swapped = ls.clone();
        swapped.swap(i, j);
        copies.push(Damaged {
            what: format!("lines {} and {} swapped", i + 1, j + 1),
            text: swapped.concat(),
        });
    }
    assert_answered("lines swapped", &copies, 60);
}

#[test]
fn lines_doubled() {
    let text = policy();
    let ls = lines(&text);
    let n = ls.len();
    let mut copies = Vec::new();
    for k in 0..50 {
        let i = (k * 11 + 3) % n;
        let mut doubled = ls.clone();
        doubled.insert(i, ls[i]);
        copies.push(Damaged {
            what: format!("line {} doubled", i + 1),
            text: doubled.concat(),
        });
    }
    assert_answered("lines doubled", &copies, 50);
}

#[test]
fn stray_characters() {
    let text = policy();
    let all = boundaries(&text);
    let strays = ['）', '@', '"', '{', '(', '，', '#', '：'];
    let mut copies = Vec::new();
    let step = (all.len() / 30).max(1);
    for (k, &at) in all.iter().step_by(step).enumerate() {
        for (s, stray) in strays.iter().enumerate() {
            // Each place gets a few of the strays, each stray many places.
            if (k + s) % 2 != 0 {
                continue;
            }
            let mut t = text.clone();
            t.insert(at, *stray);
            let (line, col) = line_col(&text, at);
            copies.push(Damaged {
                what: format!("`{stray}` inserted at line {line}, column {col}"),
                text: t,
            });
        }
    }
    assert_answered("stray characters", &copies, 100);
}

/// A word of the policy's code (not in a comment, a string or a `cite`).
struct Word {
    start: usize,
    text: String,
}

/// The words and punctuation of the policy's code, in order.
fn words(text: &str) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut in_cite = false;
    while let Some((i, c)) = chars.next() {
        if c == '#' {
            while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                chars.next();
            }
            continue;
        }
        if c == '"' {
            while let Some((_, d)) = chars.next() {
                if d == '"' || d == '\n' {
                    break;
                }
                if d == '\\' {
                    chars.next();
                }
            }
            continue;
        }
        if c.is_whitespace() {
            continue;
        }
        if in_cite {
            // A clause label (`三㈢3①`) runs to a space or a comma.
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_whitespace() || d == ',' {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let _ = end;
            // Another clause follows a comma.
            let mut rest = chars.clone();
            while rest.peek().is_some_and(|(_, d)| *d == ' ') {
                rest.next();
            }
            in_cite = rest.peek().is_some_and(|(_, d)| *d == ',');
            if in_cite {
                chars = rest;
                chars.next();
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !(d.is_alphanumeric() || d == '_') {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let w = text.get(i..end).unwrap_or("").to_string();
            in_cite = w == "cite";
            out.push(Word { start: i, text: w });
        } else {
            let two = text.get(i..).unwrap_or("");
            let op = ["==", "!=", "<=", ">=", "??", "=>"]
                .iter()
                .find(|op| two.starts_with(**op));
            if let Some(op) = op {
                chars.next();
                out.push(Word {
                    start: i,
                    text: op.to_string(),
                });
            } else {
                out.push(Word {
                    start: i,
                    text: c.to_string(),
                });
            }
        }
    }
    out
}

/// Whether the word at `k` declares a name rather than using one.
fn declares(ws: &[Word], k: usize, in_enum: bool) -> bool {
    let at = |i: Option<usize>| {
        i.and_then(|i| ws.get(i))
            .map(|w| w.text.as_str())
            .unwrap_or("")
    };
    let prev = at(k.checked_sub(1));
    let next = at(Some(k + 1));
    in_enum
        || matches!(
            prev,
            "param" | "def" | "entity" | "enum" | "rule" | "key" | "let" | "for" | "policy"
        )
        // `def 单位.必报项`
        || prev == "." && at(k.checked_sub(3)) == "def"
        || matches!(next, ":" | "=" | "in")
        // `let a = …, b = …`
        || prev == "," && next == "="
}

/// Uses of Chinese names in the policy's code: (byte offset, name).
fn name_uses(text: &str) -> Vec<(usize, String)> {
    let ws = words(text);
    let mut out = Vec::new();
    let mut in_enum = false;
    let mut after_enum = 0;
    for k in 0..ws.len() {
        let w = &ws[k];
        if w.text == "enum" {
            after_enum = 1;
        } else if after_enum > 0 && w.text == "{" {
            in_enum = true;
            after_enum = 0;
            continue;
        } else if in_enum && w.text == "}" {
            in_enum = false;
        }
        // Numbers with a unit (`100分`) are not names.
        let chinese = !w.text.starts_with(|c: char| c.is_ascii_digit())
            && w.text.chars().any(|c| c.is_alphabetic() && !c.is_ascii());
        if chinese && !declares(&ws, k, in_enum) {
            out.push((w.start, w.text.clone()));
        }
    }
    out
}

#[test]
fn misspelt_names_are_named_where_they_are() {
    let text = policy();
    let uses = name_uses(&text);
    assert!(uses.len() > 100, "only {} uses of names found", uses.len());
    // A character no name of the policy has, so a misspelling names nothing.
    let odd = '龘';
    assert!(!text.contains(odd));
    let step = (uses.len() / 70).max(1);
    let mut copies = Vec::new();
    let mut expected = Vec::new();
    for (k, (start, name)) in uses.iter().step_by(step).enumerate() {
        // Replace one character of the name: the first, a middle one or the last.
        let chars: Vec<char> = name.chars().collect();
        let pick = match k % 3 {
            0 => 0,
            1 => chars.len() / 2,
            _ => chars.len() - 1,
        };
        let misspelt: String = chars
            .iter()
            .enumerate()
            .map(|(i, c)| if i == pick { odd } else { *c })
            .collect();
        let mut t = String::with_capacity(text.len() + 4);
        t.push_str(text.get(..*start).unwrap_or(""));
        t.push_str(&misspelt);
        t.push_str(text.get(start + name.len()..).unwrap_or(""));
        let (line, col) = line_col(&t, *start);
        copies.push(Damaged {
            what: format!("`{name}` misspelt `{misspelt}` at line {line}, column {col}"),
            text: t,
        });
        expected.push((misspelt, line, col));
    }
    assert!(copies.len() >= 60, "only {} misspellings", copies.len());
    let mut problems = Vec::new();
    for ((d, r), (misspelt, line, col)) in copies.iter().zip(check_all(&copies)).zip(expected) {
        let o = match r {
            Ok(o) => o,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let naming: Vec<&Diagnostic> = o
            .diagnostics
            .iter()
            // `unknown name `X``, `` `干部` has no field `X` ``, `` `at X`: no such field ``.
            .filter(|x| x.is_error() && x.message.contains(misspelt.as_str()))
            .collect();
        let Some(first) = naming.first() else {
            let said: Vec<String> = o.diagnostics.iter().map(|x| x.to_string()).collect();
            problems.push(format!("{}: no error names it; got {said:?}", d.what));
            continue;
        };
        let at = first
            .primary_span()
            .map(|s| o.sources.line_col(s.source, s.start));
        if at != Some((line, col)) {
            problems.push(format!(
                "{}: `{first}` points at {at:?}, not ({line}, {col})",
                d.what
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} misspellings not reported right:\n{}",
        problems.len(),
        copies.len(),
        problems.join("\n")
    );
}
