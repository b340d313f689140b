//! The what-if REPL as a library: a loaded policy and case, a scenario of changes on top of them, and one input at a time answered as text.
//!
//! [`Repl::handle`] takes a line (an expression, or a `:` command) and returns
//! a [`Reply`]: text for stdout and rendered diagnostics for stderr. Nothing
//! typed makes it panic or stop; a change that would leave the case invalid
//! (or the evaluation failing) is refused and the scenario stays as it was.
//! The line editor ([`frontend`]) is a thin layer over this type.
//!
//! ```text
//!  commands   `:` lines parsed         scenario / scenario_file   changes, applied in order; their JSON file
//!  resolve    what `:set X = V` names  records / removal          editing a case's records (references kept whole)
//!  actions    changes, undo, :diff     files                      :save, :load, :reload, :policy, :load-case
//!  inspect    expressions, :why, …     complete / frontend        completion, hints, multi-line; rustyline
//! ```

mod actions;
pub mod commands;
pub mod complete;
mod files;
pub mod frontend;
mod inspect;
mod records;
mod removal;
mod resolve;
pub mod scenario;
pub mod scenario_file;
mod show;

use crate::diagnostic::{Diagnostic, SourceId, SourceMap};
use crate::diff::{self, Cell, Key};
use crate::eval::engine::Evaluator;
use crate::eval::results::Row;
use crate::render;
use crate::session::{self, CheckedPolicy};
use commands::Command;
use scenario::{Applied, Change, State};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The answer to one input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// For stdout.
    pub out: String,
    /// Rendered diagnostics (errors and warnings), for stderr.
    pub err: String,
    /// The input was refused or failed.
    pub failed: bool,
    /// The input asked to leave.
    pub quit: bool,
}

/// Why the REPL could not start: the diagnostics, the sources they point into, and the exit code.
pub struct StartError {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
    pub code: i32,
}

impl StartError {
    pub fn render(&self, color: bool) -> String {
        render::render_all(&self.diagnostics, &self.sources, color)
    }
}

/// A policy and (perhaps) a case, with the baseline's results.
struct Loaded {
    sources: SourceMap,
    policy: CheckedPolicy,
    base: Option<Base>,
    warnings: Vec<Diagnostic>,
}

struct Base {
    state: State,
    case_path: PathBuf,
    case_source: SourceId,
    rows: Vec<Row>,
    /// The rows keyed for `diff::compare`, built when first needed.
    keyed: Option<BTreeMap<Key, Cell>>,
}

/// One change of the scenario and what it did.
struct Entry {
    change: Change,
    applied: Applied,
}

/// The scenario evaluated: its case and parameters, its rows and how they differ from the baseline.
struct Current {
    state: State,
    diff: Vec<diff::Change>,
}

/// The result of a command before rendering.
#[derive(Default)]
struct Out {
    text: String,
    warnings: Vec<Diagnostic>,
    quit: bool,
}

impl Out {
    fn text(text: impl Into<String>) -> Out {
        Out {
            text: text.into(),
            ..Out::default()
        }
    }
}

/// Why a command failed: diagnostics, or text already rendered (against sources that were then dropped).
enum Fail {
    Diags(Vec<Diagnostic>),
    Rendered(String),
}

impl From<Vec<Diagnostic>> for Fail {
    fn from(d: Vec<Diagnostic>) -> Fail {
        Fail::Diags(d)
    }
}

impl From<Diagnostic> for Fail {
    fn from(d: Diagnostic) -> Fail {
        Fail::Diags(vec![d])
    }
}

type Answer = Result<Out, Fail>;

/// The REPL: policy files, a case file, the baseline and the scenario.
pub struct Repl {
    color: bool,
    policy_paths: Vec<PathBuf>,
    loaded: Option<Loaded>,
    entries: Vec<Entry>,
    current: Option<Current>,
    index: Arc<complete::Index>,
}

fn no_policy() -> Fail {
    Fail::Diags(vec![
        Diagnostic::error("E0803", "no policy is loaded")
            .with_help("start with `kaohe repl POLICY CASE`, or load one with `:policy FILE`"),
    ])
}

/// Evaluates every output of the program on a state.
fn evaluate(prog: &crate::check::ir::Program, state: &State) -> Result<Vec<Row>, Vec<Diagnostic>> {
    let mut ev = Evaluator::with_params(prog, &state.case, state.params.clone());
    ev.outputs().map_err(|d| vec![*d])
}

/// Reads and checks policy files and loads a case file against them, with the baseline's results.
fn load(policy_paths: &[PathBuf], case_path: Option<&Path>) -> Result<Loaded, StartError> {
    let mut sources = SourceMap::new();
    if policy_paths.is_empty() {
        return Err(StartError {
            diagnostics: vec![Diagnostic::error("E0803", "no policy file given")],
            sources,
            code: 1,
        });
    }
    let paths: Vec<&Path> = policy_paths.iter().map(PathBuf::as_path).collect();
    let policy = match session::load_policy(&paths, &mut sources) {
        Ok(p) => p,
        Err(f) => {
            return Err(StartError {
                code: f.exit_code(),
                diagnostics: f.diagnostics,
                sources,
            });
        }
    };
    let mut warnings = policy.warnings.clone();
    let base = match case_path {
        None => None,
        Some(path) => {
            let (case_source, l) =
                match session::load_case_file(&policy.program, path, &mut sources) {
                    Ok(c) => c,
                    Err(f) => {
                        return Err(StartError {
                            code: f.exit_code(),
                            diagnostics: f.diagnostics,
                            sources,
                        });
                    }
                };
            warnings.extend(l.warnings);
            let state = State::baseline(&policy.program, l.case);
            let rows = match evaluate(&policy.program, &state) {
                Ok(r) => r,
                Err(diagnostics) => {
                    return Err(StartError {
                        diagnostics,
                        sources,
                        code: 3,
                    });
                }
            };
            Some(Base {
                state,
                case_path: path.to_path_buf(),
                case_source,
                rows,
                keyed: None,
            })
        }
    };
    Ok(Loaded {
        sources,
        policy,
        base,
        warnings,
    })
}

impl Repl {
    /// A REPL on policy files and (optionally) a case file.
    pub fn new(policy_paths: &[PathBuf], case: Option<&Path>) -> Result<Repl, StartError> {
        let loaded = load(policy_paths, case)?;
        let mut repl = Repl {
            policy_paths: policy_paths.to_vec(),
            loaded: Some(loaded),
            ..Repl::empty()
        };
        repl.reindex();
        Ok(repl)
    }

    /// A REPL with nothing loaded (`:policy FILE` loads a policy).
    pub fn empty() -> Repl {
        Repl {
            color: false,
            policy_paths: Vec::new(),
            loaded: None,
            entries: Vec::new(),
            current: None,
            index: Arc::new(complete::Index::default()),
        }
    }

    /// Whether rendered diagnostics carry ANSI colours.
    pub fn set_color(&mut self, color: bool) {
        self.color = color;
    }

    /// The prompt: `kaohe> `, or `kaohe[2]> ` with two changes in the scenario.
    pub fn prompt(&self) -> String {
        match self.entries.len() {
            0 => "kaohe> ".into(),
            n => format!("kaohe[{n}]> "),
        }
    }

    /// Completion candidates for the word ending at the end of `prefix`.
    pub fn completions(&self, prefix: &str) -> Vec<String> {
        self.index.complete(prefix, prefix.len()).1
    }

    /// The names completion draws on (shared with the line editor).
    pub fn index(&self) -> Arc<complete::Index> {
        self.index.clone()
    }

    fn reindex(&mut self) {
        let prog = self.loaded.as_ref().map(|l| &l.policy.program);
        let case = self.state().map(|s| &s.case);
        self.index = Arc::new(complete::Index::new(prog, case));
    }

    fn render(&self, diags: &[Diagnostic]) -> String {
        match &self.loaded {
            Some(l) => render::render_all(diags, &l.sources, self.color),
            None => render::render_all(diags, &SourceMap::new(), self.color),
        }
    }

    /// The scenario's case and parameters: the baseline's while there are no changes.
    fn state(&self) -> Option<&State> {
        match &self.current {
            Some(c) => Some(&c.state),
            None => self.loaded.as_ref()?.base.as_ref().map(|b| &b.state),
        }
    }

    /// Answers one input: an expression, or a `:` command. Never panics.
    pub fn handle(&mut self, input: &str) -> Reply {
        let input = input.trim();
        if input.is_empty() {
            return Reply::default();
        }
        let answer =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.dispatch(input)))
                .unwrap_or_else(|_| {
                    Err(Fail::Diags(vec![
                        Diagnostic::error("E0699", "internal error: kaohe failed on this input")
                            .with_help("please report it with the input; the session goes on"),
                    ]))
                });
        let reply = match answer {
            Ok(out) => Reply {
                err: self.render(&out.warnings),
                out: out.text,
                failed: false,
                quit: out.quit,
            },
            Err(Fail::Diags(d)) => Reply {
                err: self.render(&d),
                failed: true,
                ..Reply::default()
            },
            Err(Fail::Rendered(s)) => Reply {
                err: s,
                failed: true,
                ..Reply::default()
            },
        };
        // Names to complete change only with the policy or the case's records.
        let reads_only = matches!(
            commands::parse(input),
            Ok(Command::Help(_)
                | Command::Quit
                | Command::Diff { .. }
                | Command::Changes
                | Command::Why { .. }
                | Command::Params
                | Command::Show { .. }
                | Command::Save(_))
        );
        if input.starts_with(':') && !reads_only && !reply.failed {
            self.reindex();
        }
        reply
    }

    fn dispatch(&mut self, input: &str) -> Answer {
        if !input.starts_with(':') {
            return self.expression(input);
        }
        match commands::parse(input)? {
            Command::Help(topic) => Ok(Out::text(commands::help(topic.as_deref())?)),
            Command::Quit => Ok(Out {
                quit: true,
                ..Out::default()
            }),
            Command::Set { target, value } => {
                let l = self.loaded.as_mut().ok_or_else(no_policy)?;
                let state = match &self.current {
                    Some(c) => Some(&c.state),
                    None => l.base.as_ref().map(|b| &b.state),
                };
                let change =
                    resolve::set_target(&l.policy.program, &mut l.sources, state, &target, &value)?;
                self.change(change)
            }
            Command::Field {
                entity,
                id,
                field,
                period,
                value,
            } => self.change(Change::SetField {
                entity,
                id,
                field,
                period,
                value,
            }),
            Command::Add { entity, json } => self.add(entity, &json),
            Command::Remove { entity, id } => self.change(Change::RemoveRecord { entity, id }),
            Command::Diff { json, filters } => self.diff(json, &filters),
            Command::Undo => self.undo(),
            Command::Reset => self.reset(),
            Command::Changes => self.list_changes(),
            Command::Save(path) => self.save(Path::new(&path)),
            Command::Load(path) => self.load_scenario(Path::new(&path)),
            Command::Why {
                entity,
                id,
                period,
                name,
            } => self.why(&entity, &id, &period, &name),
            Command::Reload => self.reopen(self.policy_paths.clone(), self.case_path()),
            Command::Policy(paths) => {
                let case = self.case_path();
                self.reopen(paths.into_iter().map(PathBuf::from).collect(), case)
            }
            Command::LoadCase(path) => {
                self.reopen(self.policy_paths.clone(), Some(PathBuf::from(path)))
            }
            Command::Params => self.params(),
            Command::Show { entity, id } => self.show(&entity, &id),
        }
    }

    fn case_path(&self) -> Option<PathBuf> {
        self.loaded
            .as_ref()?
            .base
            .as_ref()
            .map(|b| b.case_path.clone())
    }
}
