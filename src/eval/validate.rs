//! Re-checking a typed case against its schema: every `require`, entity and case level (the REPL's what-if changes).
//!
//! The loader checks the same rules on JSON (`load::check_requires`, with the
//! file's spans); this runs them on a [`Case`] that was changed after loading,
//! so each failure points at the rule in the policy and names the record.

use super::case::Case;
use super::engine::Evaluator;
use crate::check::ir::Program;
use crate::check::types::Type;
use crate::diagnostic::Diagnostic;

/// How many failures are reported before looking stops.
const MAX_ERRORS: usize = 100;

/// Every `require` of the program that fails on `case`, as errors (E0504, or the runtime error met).
pub fn validate(prog: &Program, case: &Case) -> Vec<Diagnostic> {
    let mut ev = Evaluator::new(prog, case);
    let mut failures: Vec<Diagnostic> = Vec::new();
    for (ei, ent) in prog.entities.iter().enumerate() {
        if ent.requires.is_empty() {
            continue;
        }
        let Some(cf) = ent
            .case_field
            .and_then(|f| prog.case_fields.get(f as usize))
        else {
            continue;
        };
        let single = matches!(cf.ty, Type::Entity(_));
        let Some(table) = case.table(ei as u32) else {
            continue;
        };
        for r in 0..table.len() as u32 {
            for req in &ent.requires {
                match ev.eval_require(&req.cond, req.frame_size, Some(r)) {
                    Ok(true) => {}
                    Ok(false) => {
                        let record = match (single, ent.key.is_some()) {
                            (true, _) => cf.name.clone(),
                            (false, true) => format!("{}[{r}] ({})", cf.name, table.id(r)),
                            (false, false) => format!("{}[{r}]", cf.name),
                        };
                        let path = match req.at.and_then(|f| ent.fields.get(f as usize)) {
                            Some(f) => format!("{record}.{}", f.name),
                            None => record,
                        };
                        failures.push(
                            Diagnostic::error("E0504", format!("{path}: {}", req.message))
                                .with_label(req.span, "required by this rule of the schema"),
                        );
                    }
                    Err(e) => failures.push(*e),
                }
                if failures.len() >= MAX_ERRORS {
                    return failures;
                }
            }
        }
    }
    for req in &prog.case_requires {
        match ev.eval_require(&req.cond, req.frame_size, None) {
            Ok(true) => {}
            Ok(false) => {
                let path = req
                    .at
                    .and_then(|f| prog.case_fields.get(f as usize))
                    .map(|f| f.name.clone())
                    .unwrap_or_else(|| "the case".into());
                failures.push(
                    Diagnostic::error("E0504", format!("{path}: {}", req.message))
                        .with_label(req.span, "required by this rule of the schema"),
                );
            }
            Err(e) => failures.push(*e),
        }
    }
    failures
}
