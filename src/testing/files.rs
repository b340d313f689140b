//! Finding the files to test, and naming them in reports.

use crate::diagnostic::SourceId;
use crate::session;
use crate::syntax;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// A path with `.` and `..` taken out, `/`-separated: how files are named in reports.
pub fn tidy(path: &Path) -> String {
    let mut parts: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(parts.last(), Some(Component::Normal(_))) => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    let p: PathBuf = parts.iter().collect();
    session::display_name(&p)
}

/// The `.kaohe` files under the paths (directories searched recursively, skipping hidden
/// ones and `target`), sorted within each directory, each once.
pub fn find_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    walk(&p, out)?;
                }
            } else if p.extension().is_some_and(|e| e == "kaohe") {
                out.push(p);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut out)
                .map_err(|e| format!("cannot read {}: {e}", session::display_name(p)))?;
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(format!(
                "{}: no such file or directory",
                session::display_name(p)
            ));
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// Whether a file holds `test` blocks of its own (a file that does not parse counts as
/// holding some, so that its errors are shown).
pub fn has_tests(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return true;
    };
    match syntax::parse_policy(SourceId(0), &text) {
        Ok(ast) => ast
            .items
            .iter()
            .any(|i| matches!(i, syntax::ast::Item::Test(_))),
        Err(_) => true,
    }
}

/// How many `test` blocks a file holds (0 when it cannot be read or parsed).
pub(super) fn count_tests(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| syntax::parse_policy(SourceId(0), &t).ok())
        .map(|ast| {
            ast.items
                .iter()
                .filter(|i| matches!(i, syntax::ast::Item::Test(_)))
                .count()
        })
        .unwrap_or(0)
}
