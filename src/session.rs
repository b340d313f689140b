//! Loading from files: a policy parsed and checked, a case loaded against it, one source map for both.

use crate::check::{self, ir::Program};
use crate::diagnostic::Span;
use crate::diagnostic::{Diagnostic, SourceId, SourceMap};
use crate::eval::load::{self, Loaded};
use crate::syntax;
use std::path::{Path, PathBuf};

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

/// `dir/rel` with `..` after a directory name taken out (`policies/tests/../x.kaohe` is
/// shown as `policies/x.kaohe`) when both name the same file.
fn include_path(dir: &Path, rel: &str) -> PathBuf {
    let joined = dir.join(rel);
    let mut tidy = PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir
                if matches!(
                    tidy.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                tidy.pop();
            }
            c => tidy.push(c),
        }
    }
    if std::fs::canonicalize(&tidy).ok() == std::fs::canonicalize(&joined).ok() {
        tidy
    } else {
        joined
    }
}

/// Reads, parses and checks policy files as one policy, following `include`s
/// (each file is read once, however often it is included).
pub fn load_policy(paths: &[&Path], sources: &mut SourceMap) -> Result<CheckedPolicy, Failure> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut queue: Vec<(PathBuf, Option<Span>)> =
        paths.iter().map(|p| (p.to_path_buf(), None)).collect();
    queue.reverse();
    let mut asts = Vec::new();
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    while let Some((path, from)) = queue.pop() {
        let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if seen.contains(&canonical) {
            continue;
        }
        seen.push(canonical);
        let id = match read_source(&path, sources, Stage::Policy) {
            Ok(id) => id,
            Err(mut f) => {
                if let Some(span) = from {
                    for d in &mut f.diagnostics {
                        d.labels.push(crate::diagnostic::Label {
                            span,
                            message: "included here".into(),
                        });
                    }
                }
                f.stage = Stage::Policy;
                diagnostics.extend(f.diagnostics);
                continue;
            }
        };
        files.push(id);
        match syntax::parse_policy(id, sources.text(id)) {
            Ok(ast) => {
                let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let mut includes = Vec::new();
                for item in &ast.items {
                    if let syntax::ast::Item::Include(rel, span) = item {
                        includes.push((include_path(&dir, rel), Some(*span)));
                    }
                }
                includes.reverse();
                queue.extend(includes);
                asts.push(ast);
            }
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
            files,
            warnings: checked.diagnostics,
        }),
        None => Err(Failure {
            diagnostics: checked.diagnostics,
            stage: Stage::Policy,
        }),
    }
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

/// Parses and checks policy text held in memory (tests, the REPL).
pub fn check_text(
    name: &str,
    text: &str,
    sources: &mut SourceMap,
) -> Result<CheckedPolicy, Failure> {
    let id = sources.add(name, text);
    let ast = syntax::parse_policy(id, sources.text(id)).map_err(|diagnostics| Failure {
        diagnostics,
        stage: Stage::Policy,
    })?;
    let checked = check::check(&[ast]);
    match checked.program {
        Some(program) => Ok(CheckedPolicy {
            program,
            files: vec![id],
            warnings: checked.diagnostics,
        }),
        None => Err(Failure {
            diagnostics: checked.diagnostics,
            stage: Stage::Policy,
        }),
    }
}

/// Loads case JSON held in memory against a checked policy.
pub fn load_case_text(
    program: &Program,
    name: &str,
    text: &str,
    sources: &mut SourceMap,
) -> Result<Loaded, Failure> {
    let id = sources.add(name, text);
    load::load_case(program, id, sources.text(id)).map_err(|diagnostics| Failure {
        diagnostics,
        stage: Stage::Case,
    })
}
