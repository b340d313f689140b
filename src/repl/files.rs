//! The scenario's files and the policy's: `:save`, `:load`, and `:reload`, `:policy`, `:load-case`.

use super::actions::{count, differences, refused, same_records, summary};
use super::scenario::{self, Change};
use super::{Answer, Current, Entry, Fail, Out, Repl, evaluate, load, no_policy, resolve};
use crate::diagnostic::Diagnostic;
use crate::diff;
use crate::render::render_all;
use crate::session::display_name;
use std::path::{Path, PathBuf};

impl Repl {
    pub(super) fn save(&mut self, path: &Path) -> Answer {
        let prog = &self.loaded.as_ref().ok_or_else(no_policy)?.policy.program;
        let changes: Vec<Change> = self.entries.iter().map(|e| e.change.clone()).collect();
        let name = display_name(path);
        std::fs::write(path, super::scenario_file::to_json(prog, &changes))
            .map_err(|e| Diagnostic::error("E0808", format!("cannot write {name}: {e}")))?;
        Ok(Out::text(format!(
            "saved {} to {name}\n",
            count(changes.len(), "change")
        )))
    }

    /// `:load FILE`: the file's changes replace the scenario's.
    pub(super) fn load_scenario(&mut self, path: &Path) -> Answer {
        let (l, _) = self.parts()?;
        let (prog, Some(base)) = (&l.policy.program, l.base.as_mut()) else {
            return Err(resolve::no_case().into());
        };
        let (changes, warnings) = super::scenario_file::read_file(prog, path, &mut l.sources)?;
        let name = display_name(path);
        let (state, applied) =
            scenario::apply_all(prog, &mut l.sources, &base.state, &changes, &name)?;
        let rows = evaluate(prog, &state).map_err(refused)?;
        let diff = differences(prog, base, &state, &rows, same_records(&changes));
        let replaced = match self.entries.len() {
            0 => String::new(),
            n => format!(" (in place of the scenario's {})", count(n, "change")),
        };
        let text = format!(
            "loaded {} from {name}{replaced}\n{}",
            count(changes.len(), "change"),
            summary(&diff, "the baseline")
        );
        let mut warnings = warnings;
        warnings.extend(applied.iter().flat_map(|a| a.warnings.iter().cloned()));
        self.entries = changes
            .into_iter()
            .zip(applied)
            .map(|(change, applied)| Entry { change, applied })
            .collect();
        self.current = (!self.entries.is_empty()).then_some(Current { state, diff });
        Ok(Out {
            text,
            warnings,
            quit: false,
        })
    }

    /// `:reload`, `:policy`, `:load-case`: everything read again; the scenario re-applied; on any error nothing changes.
    pub(super) fn reopen(
        &mut self,
        policy_paths: Vec<PathBuf>,
        case_path: Option<PathBuf>,
    ) -> Answer {
        let kept = "note: the previous policy, case and scenario are kept\n";
        if policy_paths.is_empty() {
            return Err(no_policy());
        }
        let mut new = load(&policy_paths, case_path.as_deref())
            .map_err(|se| Fail::Rendered(format!("{}{kept}", se.render(self.color))))?;
        let changes: Vec<Change> = self.entries.iter().map(|e| e.change.clone()).collect();
        let mut text = String::new();
        let prog = &new.policy.program;
        let mut current = None;
        let mut applied = Vec::new();
        if let Some(base) = new.base.as_mut() {
            if let Some(old) = self
                .loaded
                .as_mut()
                .and_then(|l| l.base.as_mut().map(|b| (b, &l.policy.program)))
                .filter(|(b, _)| b.case_path == base.case_path)
            {
                let (ob, op) = old;
                let before = ob
                    .keyed
                    .get_or_insert_with(|| diff::keyed(op, &ob.state.case, &ob.rows));
                let after = base
                    .keyed
                    .get_or_insert_with(|| diff::keyed(prog, &base.state.case, &base.rows));
                text.push_str(&summary(
                    &diff::compare(before, after),
                    "the previous baseline",
                ));
            }
            if !changes.is_empty() {
                let result = scenario::apply_all(
                    prog,
                    &mut new.sources,
                    &base.state,
                    &changes,
                    "the scenario",
                )
                .and_then(|(state, a)| evaluate(prog, &state).map(|rows| (state, a, rows)));
                let (state, a, rows) = result.map_err(|d| {
                    let hint = "note: `:undo` or `:reset` the change (or fix the files) and `:reload` again\n";
                    Fail::Rendered(format!("{}{kept}{hint}", render_all(&d, &new.sources, self.color)))
                })?;
                let diff = differences(prog, base, &state, &rows, same_records(&changes));
                text.push_str(&format!(
                    "the scenario ({}) applies again; {}",
                    count(changes.len(), "change"),
                    summary(&diff, "the new baseline")
                ));
                current = Some(Current { state, diff });
                applied = a;
            }
        } else if !changes.is_empty() {
            return Err(Fail::Rendered(format!(
                "error: the scenario's changes need a case\n{kept}"
            )));
        }
        let files = policy_paths
            .iter()
            .map(|p| display_name(p))
            .collect::<Vec<_>>()
            .join(", ");
        let case = case_path
            .as_deref()
            .map(display_name)
            .unwrap_or_else(|| "no case".into());
        let head = format!(
            "loaded policy {} ({files}) · {case}\n",
            super::scenario_file::policy_label(prog)
        );
        let warnings = std::mem::take(&mut new.warnings);
        self.loaded = Some(new);
        self.policy_paths = policy_paths;
        for (e, a) in self.entries.iter_mut().zip(applied) {
            e.applied = a;
        }
        self.current = current;
        Ok(Out {
            text: format!("{head}{text}"),
            warnings,
            quit: false,
        })
    }
}
