//! What `eval` and `explain` read first: the policy, `--set`s, the case and a `--scenario`.

use super::Io;
use crate::diagnostic::{SourceId, SourceMap};
use crate::eval::case::Case;
use crate::eval::engine::{ParamValues, param_values};
use crate::eval::load::Loaded;
use crate::session::{self, CheckedPolicy};
use std::path::Path;

/// A checked policy, its parameter values for this run, and the case to evaluate.
pub struct Inputs {
    pub sources: SourceMap,
    pub policy: CheckedPolicy,
    pub params: Vec<ParamValues>,
    pub case_id: SourceId,
    pub loaded: Loaded,
    /// The case with a scenario's changes, when one was given.
    pub scenario: Option<Case>,
}

impl Inputs {
    pub fn case(&self) -> &Case {
        self.scenario.as_ref().unwrap_or(&self.loaded.case)
    }
}

/// Loads everything, printing diagnostics; on failure returns the exit code.
pub fn load(
    policy: &Path,
    case: &Path,
    sets: &[String],
    scenario: Option<&Path>,
    io: &mut Io<'_>,
) -> Result<Inputs, i32> {
    let mut sources = SourceMap::new();
    let checked = match session::load_policy(&[policy], &mut sources) {
        Ok(p) => p,
        Err(f) => {
            io.diagnostics(&f.diagnostics, &sources);
            return Err(f.exit_code());
        }
    };
    let prog = &checked.program;
    let mut params: Vec<_> = prog.params.iter().map(param_values).collect();
    for set in sets {
        if let Err(diags) = super::eval_cmd::apply_set(prog, set, &mut params, &mut sources) {
            io.diagnostics(&diags, &sources);
            return Err(1);
        }
    }
    let (case_id, loaded) = match session::load_case_file(prog, case, &mut sources) {
        Ok(c) => c,
        Err(f) => {
            io.diagnostics(&f.diagnostics, &sources);
            return Err(f.exit_code());
        }
    };
    io.diagnostics(&loaded.warnings, &sources);
    let scenario = super::repl_cmd::scenario(
        prog,
        scenario,
        (&loaded.case, &mut params, sets),
        &mut sources,
        io,
    )?;
    Ok(Inputs {
        sources,
        policy: checked,
        params,
        case_id,
        loaded,
        scenario,
    })
}
