//! Loading from files: a policy parsed and checked, a case loaded against it, one source map for both.

use crate::check::{self, ir::Program};
use crate::diagnostic::{Diagnostic, SourceId, SourceMap};
use crate::eval::load::{self, Loaded};
use crate::syntax;
use std::path::Path;

/// A checked policy with the sources its diagnostics point into.
pub struct CheckedPolicy {
    pub program: Program,
    pub files: Vec<SourceId>,
    pub warnings: Vec<Diagnostic>,
}

/// Why a load failed: the diagnostics, and whether the policy or the case was at fault.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    pub stage: Stage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Io,
    Policy,
    Case,
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self.stage {
            Stage::Policy | Stage::Io => 1,
            Stage::Case => 2,
        }
    }
}

/// The name a source is shown under: the path as given, with `/` separators.
pub fn display_name(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

pub fn read_source(
    path: &Path,
    sources: &mut SourceMap,
    stage: Stage,
) -> Result<SourceId, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure {
        diagnostics: vec![Diagnostic::error(
            "E0005",
            format!("cannot read {}: {e}", display_name(path)),
        )],
        stage: Stage::Io,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| Failure {
        diagnostics: vec![Diagnostic::error(
            "E0006",
            format!(
                "{} is not UTF-8 text (bad byte at offset {})",
                display_name(path),
                e.utf8_error().valid_up_to()
            ),
        )],
        stage,
    })?;
    Ok(sources.add(display_name(path), text))
}

/// Parses and checks policy text already in the source map.
pub fn check_sources(sources: &SourceMap, files: &[SourceId]) -> Result<CheckedPolicy, Failure> {
    let mut asts = Vec::new();
    let mut diagnostics = Vec::new();
    for &id in files {
        match syntax::parse_policy(id, sources.text(id)) {
            Ok(p) => asts.push(p),
            Err(d) => diagnostics.extend(d),
        }
    }
    if !diagnostics.is_empty() {
        return Err(Failure {
            diagnostics,
            stage: Stage::Policy,
        });
    }
    let checked = check::check(&asts);
    match checked.program {
        Some(program) => Ok(CheckedPolicy {
            program,
            files: files.to_vec(),
            warnings: checked.diagnostics,
        }),
        None => Err(Failure {
            diagnostics: checked.diagnostics,
            stage: Stage::Policy,
        }),
    }
}

/// Reads, parses and checks policy files as one policy.
pub fn load_policy(paths: &[&Path], sources: &mut SourceMap) -> Result<CheckedPolicy, Failure> {
    let mut files = Vec::new();
    for p in paths {
        files.push(read_source(p, sources, Stage::Policy)?);
    }
    check_sources(sources, &files)
}

/// Reads a case file and loads it against a checked policy.
pub fn load_case_file(
    program: &Program,
    path: &Path,
    sources: &mut SourceMap,
) -> Result<(SourceId, Loaded), Failure> {
    let id = read_source(path, sources, Stage::Case).map_err(|mut f| {
        if f.stage == Stage::Io {
            f.stage = Stage::Case;
        }
        f
    })?;
    load::load_case(program, id, sources.text(id))
        .map(|l| (id, l))
        .map_err(|diagnostics| Failure {
            diagnostics,
            stage: Stage::Case,
        })
}
