//! The scenario file: its JSON format (`kaohe_scenario`, `policy`, `changes`), writing it, reading it, and applying it for `eval`/`explain --scenario`.

use super::scenario::{Change, FORMAT, State, apply_all};
use crate::check::ir::Program;
use crate::diagnostic::{Diagnostic, SourceMap, Span};
use crate::eval::case::Case;
use crate::eval::engine::ParamValues;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A scenario file: the changes, in order, and what they were made for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// The format version (1).
    pub kaohe_scenario: u32,
    /// The policy's name and version when the file was saved (checked loosely: a warning if it differs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// Free text for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// `地税局效能建设考核 2022.1`: how a scenario file names its policy.
pub fn policy_label(prog: &Program) -> String {
    match &prog.info.version {
        Some(v) => format!("{} {v}", prog.info.name),
        None => prog.info.name.clone(),
    }
}

/// The scenario file's text for these changes.
pub fn to_json(prog: &Program, changes: &[Change]) -> String {
    let file = ScenarioFile {
        kaohe_scenario: FORMAT,
        policy: Some(policy_label(prog)),
        description: None,
        changes: changes.to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a scenario file: its changes, and a warning when it was saved for another policy.
pub fn read_file(
    prog: &Program,
    path: &Path,
    sources: &mut SourceMap,
) -> Result<(Vec<Change>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let name = crate::session::display_name(path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(
            "E0806",
            format!("cannot read the scenario {name}: {e}"),
        )]
    })?;
    let id = sources.add(name.clone(), text);
    let text = sources.text(id);
    let file: ScenarioFile = serde_json::from_str(text).map_err(|e| {
        let offset = offset_of(text, e.line(), e.column());
        let end = text.get(offset..).and_then(|r| r.chars().next()).map_or(offset, |c| offset + c.len_utf8());
        vec![
            Diagnostic::error("E0806", format!("{name} is not a kaohe scenario: {e}"))
                .with_label(Span::new(id, offset, end), "here")
                .with_help("a scenario is {\"kaohe_scenario\": 1, \"changes\": [{\"change\": \"set_param\", \"param\": …, \"value\": …}, …]}"),
        ]
    })?;
    if file.kaohe_scenario != FORMAT {
        return Err(vec![Diagnostic::error(
            "E0806",
            format!(
                "{name} is scenario format {}; this kaohe reads format {FORMAT}",
                file.kaohe_scenario
            ),
        )]);
    }
    let mut warnings = Vec::new();
    let label = policy_label(prog);
    if let Some(p) = file.policy.as_ref().filter(|p| **p != label) {
        warnings.push(Diagnostic::warning(
            "W0801",
            format!("{name} was saved for the policy {p}; this is {label}"),
        ));
    }
    Ok((file.changes, warnings))
}

/// Byte offset of serde_json's 1-based line and column (0 when unknown).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// `kaohe eval|explain --scenario FILE`: the case and parameters with the file's changes applied.
pub fn apply_file(
    prog: &Program,
    path: &Path,
    case: &Case,
    params: &[ParamValues],
    sources: &mut SourceMap,
) -> Result<(State, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (changes, mut warnings) = read_file(prog, path, sources)?;
    let base = State {
        case: case.clone(),
        params: params.to_vec(),
    };
    let origin = crate::session::display_name(path);
    let (state, applied) = apply_all(prog, sources, &base, &changes, &origin)?;
    warnings.extend(applied.into_iter().flat_map(|a| a.warnings));
    Ok((state, warnings))
}
