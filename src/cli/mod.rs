//! The command line: argument parsing and the commands, each writing to the given streams.

mod check_cmd;
mod eval_cmd;
mod explain_cmd;
pub mod table;

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
    },
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
        } => eval_cmd::run(
            &eval_cmd::EvalArgs {
                policy,
                case,
                format,
                period,
                sets,
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
            },
            io,
        ),
    }
}
