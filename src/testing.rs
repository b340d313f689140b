//! The policy test runner: finds `test` blocks, runs each on its case, and reports failures and clause coverage.
//!
//! A file's own tests run against the policy it forms with its `include`s; a test's case
//! path is relative to the file it is written in. See `policies/README.md` §10.

pub mod case_json;
pub mod coverage;
mod files;
mod text;

pub use files::{find_files, has_tests, tidy};
pub use text::{plural, to_text};

use crate::check::ir::{BinOp, ExprKind, Program, RuleId, TestDef};
use crate::check::types::Type;
use crate::diagnostic::{Diagnostic, SourceMap, Span};
use crate::eval::engine::{Evaluator, param_values};
use crate::eval::load::Loaded;
use crate::eval::results::value_text;
use crate::eval::value::Value;
use crate::render;
use crate::session::{self, Failure};
use coverage::Coverage;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Case files loaded once per policy: the case, or why it cannot be used.
type Cache = HashMap<PathBuf, Result<Rc<Loaded>, String>>;

/// What to run and how to show it.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only tests whose name contains this text.
    pub filter: Option<String>,
    /// Colour in the diagnostics drawn inside failures.
    pub color: bool,
}

/// One test's result.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub file: String,
    pub line: usize,
    pub name: String,
    /// Why it failed, as text; `None` when it passed.
    pub failure: Option<String>,
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Per file with tests, in order: its name and its tests' outcomes.
    pub files: Vec<(String, Vec<Outcome>)>,
    /// Files that could not be run (they do not check): name, count of failed tests, diagnostics.
    pub broken: Vec<(String, usize, String)>,
    pub filtered_out: usize,
    pub coverage: Coverage,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.outcomes().filter(|o| o.failure.is_none()).count()
    }

    pub fn failed(&self) -> usize {
        self.outcomes().filter(|o| o.failure.is_some()).count()
            + self.broken.iter().map(|b| b.1).sum::<usize>()
    }

    pub fn outcomes(&self) -> impl Iterator<Item = &Outcome> {
        self.files.iter().flat_map(|(_, o)| o.iter())
    }
}

/// Runs the tests of every file given (see [`find_files`]); `all_files` also loads the files
/// without tests so their rules and clauses count in the coverage.
pub fn run(files: &[PathBuf], opts: &Options, all_files: bool) -> Report {
    let mut report = Report::default();
    for path in files {
        let tests = has_tests(path);
        if tests || all_files {
            run_file(path, opts, tests, &mut report);
        }
    }
    report
}

fn run_file(path: &Path, opts: &Options, run_tests: bool, report: &mut Report) {
    let name = tidy(path);
    let mut sources = SourceMap::new();
    let policy = match session::load_policy(&[path], &mut sources) {
        Ok(p) => p,
        Err(f) => {
            let count = files::count_tests(path).max(1);
            let text = render::render_all(&f.diagnostics, &sources, opts.color);
            report.broken.push((name, count, text));
            return;
        }
    };
    let prog = &policy.program;
    let root = policy.files.first().copied().unwrap_or_default();
    let file_of = |s: Span| {
        let (line, _) = sources.line_col(s.source, s.start);
        (tidy(Path::new(sources.name(s.source))), line)
    };
    report.coverage.register(prog, &file_of);
    if !run_tests {
        return;
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut cache: Cache = HashMap::new();
    let mut outcomes = Vec::new();
    for t in prog.tests.iter().filter(|t| t.span.source == root) {
        if opts
            .filter
            .as_ref()
            .is_some_and(|f| !t.name.contains(f.as_str()))
        {
            report.filtered_out += 1;
            continue;
        }
        let (line, _) = sources.line_col(root, t.span.start);
        let mut run = TestRun {
            prog,
            test: t,
            sources: &mut sources,
            color: opts.color,
            fired: BTreeSet::new(),
        };
        let failure = run.run(&dir, &mut cache).err();
        let fired_rules = std::mem::take(&mut run.fired);
        let fired: BTreeSet<(String, String)> = fired_rules
            .iter()
            .filter_map(|r| prog.rules.get(*r as usize))
            .map(|r| (file_of_span(&sources, r.span), r.name.clone()))
            .collect();
        let (mut defs, mut params) = (BTreeSet::new(), BTreeSet::new());
        for e in &t.expects {
            coverage::reads(prog, e, &mut defs, &mut params);
        }
        for r in fired_rules
            .iter()
            .filter_map(|r| prog.rules.get(*r as usize))
        {
            coverage::rule_reads(prog, r, &mut defs, &mut params);
        }
        report.coverage.record(prog, &fired, &defs, &params);
        outcomes.push(Outcome {
            file: name.clone(),
            line,
            name: t.name.clone(),
            failure,
        });
    }
    if !outcomes.is_empty() || prog.tests.iter().any(|t| t.span.source == root) {
        report.files.push((name, outcomes));
    }
}

fn file_of_span(sources: &SourceMap, s: Span) -> String {
    tidy(Path::new(sources.name(s.source)))
}

struct TestRun<'a> {
    prog: &'a Program,
    test: &'a TestDef,
    sources: &'a mut SourceMap,
    color: bool,
    fired: BTreeSet<RuleId>,
}

impl TestRun<'_> {
    fn diagnostics(&self, d: &[Diagnostic]) -> String {
        indent(&render::render_all(d, self.sources, self.color))
    }

    /// Loads the test's case: from its file (once per file), written inline, or a file with changes.
    fn case(&mut self, dir: &Path, cache: &mut Cache) -> Result<Rc<Loaded>, String> {
        let t = self.test;
        let failed = |me: &Self, f: &Failure| {
            format!(
                "  the test's case cannot be used:\n{}",
                me.diagnostics(&f.diagnostics)
            )
        };
        let label = format!("the case of test \"{}\"", t.name);
        match (&t.case, &t.case_json) {
            (None, None) => {
                Err("  this test has no case: write `case \"FILE.json\"` or `case { … }`\n".into())
            }
            (None, Some((_, span))) => {
                let text = case_json::in_place(self.sources.text(span.source), span.range());
                let name = format!("{} ({label})", self.sources.name(span.source));
                session::load_case_text(self.prog, &name, &text, self.sources)
                    .map(Rc::new)
                    .map_err(|f| failed(self, &f))
            }
            (Some((file, _)), None) => {
                let path = dir.join(file);
                let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if let Some(hit) = cache.get(&key) {
                    return hit.clone();
                }
                let loaded =
                    session::load_case_file(self.prog, Path::new(&tidy(&path)), self.sources)
                        .map(|(_, l)| Rc::new(l))
                        .map_err(|f| failed(self, &f));
                cache.insert(key, loaded.clone());
                loaded
            }
            (Some((file, _)), Some((changes, _))) => {
                let path = dir.join(file);
                let base = std::fs::read_to_string(&path)
                    .map_err(|e| format!("  cannot read {}: {e}\n", tidy(&path)))?;
                let text = case_json::apply_changes(self.prog, &base, changes).map_err(|e| {
                    format!("  the changes to {} cannot be made: {e}\n", tidy(&path))
                })?;
                let name = format!("{} with the changes of test \"{}\"", tidy(&path), t.name);
                session::load_case_text(self.prog, &name, &text, self.sources)
                    .map(Rc::new)
                    .map_err(|f| failed(self, &f))
            }
        }
    }

    /// Runs the test: `Err` holds the failure report.
    fn run(&mut self, dir: &Path, cache: &mut Cache) -> Result<(), String> {
        let (t, prog) = (self.test, self.prog);
        let loaded = self.case(dir, cache)?;
        let case = &loaded.case;
        let mut params: Vec<_> = prog.params.iter().map(param_values).collect();
        for (p, e) in &t.sets {
            let value = match constant(e) {
                Some(v) => v,
                None => Evaluator::new(prog, case)
                    .eval_standalone(e, t.frame_size, None)
                    .map_err(|d| format!("  `set` failed:\n{}", self.diagnostics(&[*d])))?,
            };
            if let Some(slot) = params.get_mut(*p as usize) {
                slot.values = vec![(None, value)];
            }
        }
        let mut ev = Evaluator::with_params(prog, case, params);
        let fired = ev.fire_rules();
        self.fired = ev
            .ledgers
            .iter()
            .flat_map(|l| l.entries.iter().map(|e| e.rule))
            .collect();
        if let Err(d) = fired {
            return Err(format!("  a rule failed:\n{}", self.diagnostics(&[*d])));
        }
        if t.expects.is_empty() {
            return Err("  this test has no `expect`: it checks nothing\n".into());
        }
        let mut out = String::new();
        for (i, e) in t.expects.iter().enumerate() {
            let shown = self.expect_text(e.span);
            match ev.eval_standalone(e, t.frame_size, None) {
                Ok(Value::Bool(true)) => continue,
                Ok(_) => {
                    out.push_str(&shown);
                    if let Some(Some(m)) = t.expect_messages.get(i) {
                        out.push_str(&format!("    {m}\n"));
                    }
                    out.push_str(&self.why_false(&mut ev, e));
                }
                Err(d) => {
                    out.push_str(&shown);
                    out.push_str(&self.diagnostics(&[*d]));
                }
            }
        }
        if out.is_empty() { Ok(()) } else { Err(out) }
    }

    /// `  expect SOURCE   (line N)`, the source on one line.
    fn expect_text(&self, span: Span) -> String {
        let text = self
            .sources
            .text(span.source)
            .get(span.range())
            .unwrap_or("");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let (line, _) = self.sources.line_col(span.source, span.start);
        format!("  expect {text}   (line {line})\n")
    }

    /// The values behind a false expect: both sides of a comparison, the false part of an `and`.
    fn why_false<'p>(&self, ev: &mut Evaluator<'p>, e: &'p crate::check::ir::Expr) -> String {
        let t = self.test;
        let show = |ev: &mut Evaluator<'p>, x: &'p crate::check::ir::Expr| -> String {
            match ev.eval_standalone(x, t.frame_size, None) {
                Ok(v) => shown_value(self.prog, ev, &x.ty, &v),
                Err(d) => format!("error {}: {}", d.code, d.message),
            }
        };
        match &e.kind {
            ExprKind::And(a, b) => {
                let first_false = !matches!(
                    ev.eval_standalone(a, t.frame_size, None),
                    Ok(Value::Bool(true))
                );
                let part = if first_false { a } else { b };
                let src = self
                    .expect_text(part.span)
                    .replacen("  expect ", "    false: ", 1);
                format!("{src}{}", self.why_false(ev, part))
            }
            ExprKind::Binary(op, a, b) => {
                let (l, r) = (show(ev, a), show(ev, b));
                match op {
                    BinOp::Eq => format!("    actual:   {l}\n    expected: {r}\n"),
                    BinOp::Ne => format!("    both sides are {l}\n"),
                    _ => format!("    left:  {l}\n    right: {r}\n"),
                }
            }
            _ => "    is false\n".into(),
        }
    }
}

/// A value as the policy would write it: money with 元, points with 分.
fn shown_value(prog: &Program, ev: &Evaluator<'_>, ty: &Type, v: &Value) -> String {
    let text = value_text(prog, ev.case, ty, v);
    match (ty.unwrap_optional(), v) {
        (Type::Money, Value::Num(_)) => format!("{text}元"),
        (Type::Score, Value::Num(_)) => format!("{text}分"),
        _ => text,
    }
}

/// A literal `set` value without running anything.
fn constant(e: &crate::check::ir::Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Const(v) => Some(v.clone()),
        ExprKind::Neg(x) => match constant(x)? {
            Value::Num(n) => Some(Value::Num(-n)),
            _ => None,
        },
        ExprKind::List(items) => items
            .iter()
            .map(|(x, when)| if when.is_none() { constant(x) } else { None })
            .collect::<Option<Vec<_>>>()
            .map(Value::list),
        _ => None,
    }
}

/// Each line indented by four spaces.
fn indent(text: &str) -> String {
    text.lines().map(|l| format!("    {l}\n")).collect()
}
