//! The command line: argument parsing and the commands, each writing to the given streams.

mod check_cmd;
mod diff_cmd;
mod eval_cmd;
mod explain_cmd;
mod inputs;
mod repl_cmd;
pub mod table;
mod test_cmd;

use crate::diagnostic::{Diagnostic, SourceMap};
use crate::render;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "kaohe",
    version,
    about = "考核: a policy language for assessment scores and bonuses"
)]
pub struct Cli {
    /// Colour in diagnostics: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check policy files and print every problem found.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Treat warnings as errors (exit 1 when there are any).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Evaluate a policy against a case and print the results.
    Eval {
        policy: PathBuf,
        case: PathBuf,
        /// Output format (default: table on a terminal, jsonl otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Only values of this period (2022, 2022-Q1 or 2022-01).
        #[arg(long)]
        period: Option<String>,
        /// Override a parameter for this run: --set 季度效能奖月额=800元
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
        /// Apply a what-if scenario saved in the REPL (`:save FILE`) first; --set still wins.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
    },
    /// Explain one result: the rules, clauses, parameters and case records behind it.
    Explain {
        policy: PathBuf,
        case: PathBuf,
        /// The entity, as in an eval row (e.g. 干部).
        entity: String,
        /// The record's id (e.g. S003).
        id: String,
        /// The period: 2022, 2022-Q1 or 2022-01.
        period: String,
        /// The value's name (e.g. 季度效能奖).
        name: String,
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
        /// How many levels of the derivation to show.
        #[arg(long, default_value_t = 6)]
        depth: usize,
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
        /// Apply a what-if scenario saved in the REPL (`:save FILE`) first; --set still wins.
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
    },
    /// Run the `test` blocks of policy files and print `N passed, M failed` (exit 1 on a failure).
    Test {
        /// Policy files or directories (searched for .kaohe files); default: policies/ if it exists, else the current directory
        paths: Vec<PathBuf>,
        /// Only the tests whose name contains this text.
        #[arg(long)]
        filter: Option<String>,
        /// Also report which cited clauses the tests exercised and which rules never fired
        /// (exit 1 unless every clause is exercised and every rule fired).
        #[arg(long)]
        coverage: bool,
    },
    /// Show every output value that differs between two policies (or a --set what-if) on cases.
    Diff {
        /// The policy as it is.
        old: PathBuf,
        /// The edited policy (may be the same file, with --set).
        new: PathBuf,
        /// Case files to evaluate both on.
        #[arg(required = true)]
        cases: Vec<PathBuf>,
        /// A table for people, or JSON for machines.
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
        /// Override a parameter of the new policy: --set 季度效能奖月额=700元
        #[arg(long = "set", value_name = "NAME=VALUE")]
        sets: Vec<String>,
    },
    /// What if: evaluate expressions and try changes to parameters and case data interactively.
    Repl {
        /// The policy file.
        policy: Option<PathBuf>,
        /// The case file.
        case: Option<PathBuf>,
        /// Start with a scenario saved before (`:save FILE`).
        #[arg(long, value_name = "FILE")]
        scenario: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Json,
}

/// Where a command writes, and whether it may colour.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub color: bool,
    /// Whether stdout is a terminal (chooses the default format).
    pub out_is_terminal: bool,
}

impl Io<'_> {
    pub fn diagnostics(&mut self, diags: &[Diagnostic], sources: &SourceMap) {
        if diags.is_empty() {
            return;
        }
        let text = render::render_all(diags, sources, self.color);
        let _ = self.err.write_all(text.as_bytes());
    }

    /// Writes a command's whole output and flushes it; a failure (a full disk,
    /// a closed pipe) is reported as E0700 and gives exit code 1.
    pub fn print(&mut self, text: &str) -> Result<(), i32> {
        let written = self
            .out
            .write_all(text.as_bytes())
            .and_then(|_| self.out.flush());
        written.map_err(|e| {
            self.diagnostics(&[*write_failed(e)], &SourceMap::new());
            1
        })
    }
}

/// The results could not be written.
pub fn write_failed(e: std::io::Error) -> Box<Diagnostic> {
    Box::new(Diagnostic::error(
        "E0700",
        format!("cannot write the results: {e}"),
    ))
}

/// Whether to colour diagnostics on stderr.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli, io: &mut Io<'_>) -> i32 {
    match cli.command {
        Command::Check {
            files,
            deny_warnings,
        } => check_cmd::run(&files, deny_warnings, io),
        Command::Eval {
            policy,
            case,
            format,
            period,
            sets,
            scenario,
        } => eval_cmd::run(
            &eval_cmd::EvalArgs {
                policy,
                case,
                format,
                period,
                sets,
                scenario,
            },
            io,
        ),
        Command::Explain {
            policy,
            case,
            entity,
            id,
            period,
            name,
            format,
            depth,
            sets,
            scenario,
        } => explain_cmd::run(
            &explain_cmd::ExplainArgs {
                policy,
                case,
                entity,
                id,
                period,
                name,
                json: format == ExplainFormat::Json,
                depth,
                sets,
                scenario,
            },
            io,
        ),
        Command::Test {
            paths,
            filter,
            coverage,
        } => test_cmd::run(
            &test_cmd::TestArgs {
                paths,
                filter,
                coverage,
            },
            io,
        ),
        Command::Diff {
            old,
            new,
            cases,
            format,
            sets,
        } => diff_cmd::run(
            &diff_cmd::DiffArgs {
                old,
                new,
                cases,
                json: format == DiffFormat::Json,
                sets,
            },
            io,
        ),
        Command::Repl {
            policy,
            case,
            scenario,
        } => repl_cmd::run(
            &repl_cmd::ReplArgs {
                policy,
                case,
                scenario,
            },
            io,
        ),
    }
}
