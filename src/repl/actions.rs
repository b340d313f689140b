//! The REPL's commands on the scenario: changes, undo and reset, the list of changes, the diff.

use super::scenario::{self, Applied, Change, State};
use super::{
    Answer, Base, Current, Entry, Fail, Loaded, Out, Repl, evaluate, no_policy, records, resolve,
};
use crate::check::ir::Program;
use crate::diagnostic::Diagnostic;
use crate::diff::{self, Cell, Key};
use crate::eval::case::Case;
use crate::eval::results::{Row, value_text};

/// Refusing a change the scenario cannot be evaluated with.
pub(super) fn refused(mut d: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if let Some(last) = d.last_mut() {
        last.notes
            .push("the change was not made: the scenario could not be evaluated with it".into());
    }
    d
}

/// Whether the records are those of the baseline (no record added or removed), so rows line up.
pub(super) fn same_records<'a>(changes: impl IntoIterator<Item = &'a Change>) -> bool {
    !changes
        .into_iter()
        .any(|c| matches!(c, Change::AddRecord { .. } | Change::RemoveRecord { .. }))
}

/// Every output value of `rows` that differs from the baseline's.
pub(super) fn differences(
    prog: &Program,
    base: &mut Base,
    state: &State,
    rows: &[Row],
    aligned: bool,
) -> Vec<diff::Change> {
    let lined_up = aligned
        && rows.len() == base.rows.len()
        && rows.iter().zip(&base.rows).all(|(a, b)| {
            a.entity == b.entity && a.record == b.record && a.def == b.def && a.period == b.period
        });
    if lined_up {
        // Only the changed rows are turned into text.
        let mut out: Vec<diff::Change> = rows
            .iter()
            .zip(&base.rows)
            .filter(|(a, b)| a.value != b.value)
            .map(|(a, b)| {
                let (key, before) = keyed_cell(prog, &base.state.case, b);
                let (_, after) = keyed_cell(prog, &state.case, a);
                diff::Change {
                    key,
                    before: Some(before),
                    after: Some(after),
                }
            })
            .collect();
        out.sort_by(|x, y| x.key.cmp(&y.key));
        return out;
    }
    let before = base
        .keyed
        .get_or_insert_with(|| diff::keyed(prog, &base.state.case, &base.rows));
    diff::compare(before, &diff::keyed(prog, &state.case, rows))
}

/// `N values differ from the baseline` and the count and total per name.
pub(super) fn summary(changes: &[diff::Change], what: &str) -> String {
    if changes.is_empty() {
        return format!("no output value differs from {what}\n");
    }
    let mut out = format!("{} output values differ from {what}:\n", changes.len());
    for (name, s) in diff::summarize(changes) {
        let total = s
            .total
            .map(|t| {
                format!(
                    ", total {}{}",
                    diff::signed(t, s.money),
                    if s.money { "元" } else { "" }
                )
            })
            .unwrap_or_default();
        out.push_str(&format!("  {name}: {} changed{total}\n", s.changed));
    }
    out
}

/// What a change sets: `季度效能奖月额`, `年终人平[优秀]`, `干部("S003").自评分[2022-Q1]`, `月度小结 [3].报送日期`.
fn target(prog: &Program, change: &Change) -> String {
    match change {
        Change::SetParam { param, entry, .. } => match entry {
            Some(e) => format!("{param}[{e}]"),
            None => param.clone(),
        },
        Change::SetField {
            entity,
            id,
            field,
            period,
            ..
        } => super::scenario::keyed_target(prog, entity, id, field, period.as_deref())
            .unwrap_or_else(|| {
                let p = period
                    .as_ref()
                    .map(|p| format!("[{p}]"))
                    .unwrap_or_default();
                format!("{entity} {id}.{field}{p}")
            }),
        Change::AddRecord { entity, .. } | Change::RemoveRecord { entity, .. } => entity.clone(),
    }
}

/// What a change did, in one line.
fn describe(prog: &Program, change: &Change, applied: &Applied) -> String {
    match change {
        Change::AddRecord { .. } => format!("added {}", applied.after),
        Change::RemoveRecord { .. } => format!("removed {}", applied.before),
        _ => format!(
            "{}: {} → {}",
            target(prog, change),
            applied.before,
            applied.after
        ),
    }
}

/// `1 change`, `3 changes`.
pub(super) fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// A result's identity and text, as `diff::keyed` makes them.
fn keyed_cell(prog: &crate::check::ir::Program, case: &Case, r: &Row) -> (Key, Cell) {
    let ty = r.ty(prog);
    let key = (
        r.entity_name(prog).to_string(),
        r.id(case).to_string(),
        r.period_text(),
        r.name(prog).to_string(),
    );
    let cell = Cell {
        text: value_text(prog, case, ty, &r.value),
        number: r.value.as_num(),
        money: *ty.unwrap_optional() == crate::check::types::Type::Money,
    };
    (key, cell)
}

impl Repl {
    pub(super) fn parts(&mut self) -> Result<(&mut Loaded, Option<&Current>), Fail> {
        let l = self.loaded.as_mut().ok_or_else(no_policy)?;
        if l.base.is_none() {
            return Err(resolve::no_case().into());
        }
        Ok((l, self.current.as_ref()))
    }

    /// Applies one change on top of the scenario, or refuses it and leaves the scenario as it was.
    pub(super) fn change(&mut self, change: Change) -> Answer {
        let aligned = same_records(self.entries.iter().map(|e| &e.change).chain([&change]));
        let (l, current) = self.parts()?;
        let Loaded {
            sources,
            policy,
            base,
            ..
        } = l;
        let (prog, Some(base)) = (&policy.program, base.as_mut()) else {
            return Err(resolve::no_case().into());
        };
        let mut state = current.map_or_else(|| base.state.clone(), |c| c.state.clone());
        let applied = scenario::apply(prog, sources, &mut state, &change, "input")?;
        let settles = matches!(change, Change::SetParam { .. } | Change::SetField { .. });
        if settles && applied.before == applied.after {
            return Ok(Out::text(format!(
                "{} is {} already: the scenario is unchanged\n",
                target(prog, &change),
                applied.after
            )));
        }
        let rows = evaluate(prog, &state).map_err(refused)?;
        let diff = differences(prog, base, &state, &rows, aligned);
        let text = format!(
            "{}\n{}",
            describe(prog, &change, &applied),
            summary(&diff, "the baseline")
        );
        let warnings = applied.warnings.clone();
        self.entries.push(Entry { change, applied });
        self.current = Some(Current { state, diff });
        Ok(Out {
            text,
            warnings,
            quit: false,
        })
    }

    /// `:add ENTITY {JSON}`: the record is first read as typed (so diagnostics point
    /// into it), then kept as JSON in the scenario.
    pub(super) fn add(&mut self, entity: String, json: &str) -> Answer {
        let (l, current) = self.parts()?;
        let mut scratch = match (current, &l.base) {
            (Some(c), _) => c.state.case.clone(),
            (None, Some(b)) => b.state.case.clone(),
            (None, None) => return Err(resolve::no_case().into()),
        };
        let prog = &l.policy.program;
        let (typed, _) = records::add(prog, &mut l.sources, &mut scratch, &entity, json, "input")?;
        let record = serde_json::from_str::<serde_json::Value>(json).map_err(|e| {
            Diagnostic::error("E0501", format!("the record is not valid JSON: {e}"))
        })?;
        let mut out = self.change(Change::AddRecord { entity, record })?;
        out.warnings = typed.warnings;
        Ok(out)
    }

    /// Evaluates the scenario again from the baseline (after an undo).
    fn recompute(&mut self) -> Result<(), Fail> {
        if self.entries.is_empty() {
            self.current = None;
            return Ok(());
        }
        let changes: Vec<Change> = self.entries.iter().map(|e| e.change.clone()).collect();
        let (l, _) = self.parts()?;
        let (prog, Some(base)) = (&l.policy.program, l.base.as_mut()) else {
            return Err(resolve::no_case().into());
        };
        let (state, applied) =
            scenario::apply_all(prog, &mut l.sources, &base.state, &changes, "the scenario")?;
        let rows = evaluate(prog, &state)?;
        let diff = differences(prog, base, &state, &rows, same_records(&changes));
        for (e, a) in self.entries.iter_mut().zip(applied) {
            e.applied = a;
        }
        self.current = Some(Current { state, diff });
        Ok(())
    }

    pub(super) fn undo(&mut self) -> Answer {
        let Some(last) = self.entries.pop() else {
            return Err(
                Diagnostic::error("E0807", "nothing to undo: the scenario has no changes").into(),
            );
        };
        if let Err(e) = self.recompute() {
            self.entries.push(last);
            return Err(e);
        }
        let prog = self
            .loaded
            .as_ref()
            .map(|l| &l.policy.program)
            .ok_or_else(no_policy)?;
        let what = self
            .current
            .as_ref()
            .map(|c| summary(&c.diff, "the baseline"))
            .unwrap_or_else(|| "the scenario is the baseline again\n".into());
        Ok(Out::text(format!(
            "undone: {}\n{what}",
            last.change.command(prog)
        )))
    }

    pub(super) fn reset(&mut self) -> Answer {
        let n = self.entries.len();
        self.entries.clear();
        self.current = None;
        Ok(Out::text(match n {
            0 => "the scenario has no changes\n".to_string(),
            1 => "dropped 1 change: back to the baseline\n".to_string(),
            n => format!("dropped {n} changes: back to the baseline\n"),
        }))
    }

    pub(super) fn list_changes(&mut self) -> Answer {
        let prog = &self.loaded.as_ref().ok_or_else(no_policy)?.policy.program;
        if self.entries.is_empty() {
            return Ok(Out::text("no changes: the scenario is the baseline\n"));
        }
        let mut out = String::new();
        for (i, e) in self.entries.iter().enumerate() {
            let cmd = e.change.command(prog);
            out.push_str(&format!(
                "{:>2}  {cmd}    ({} → {})\n",
                i + 1,
                e.applied.before,
                e.applied.after
            ));
        }
        Ok(Out::text(out))
    }

    pub(super) fn diff(&mut self, json: bool, filters: &[String]) -> Answer {
        self.parts()?;
        let Some(c) = &self.current else {
            return Ok(Out::text(
                "the scenario is the baseline: no changes yet (:set, :field, :add and :remove make some)\n",
            ));
        };
        let kept: Vec<diff::Change> = c
            .diff
            .iter()
            .filter(|ch| {
                let (e, id, p, n) = &ch.key;
                filters.iter().all(|f| [e, id, p, n].contains(&f))
            })
            .cloned()
            .collect();
        Ok(Out::text(if json {
            diff::to_json(&kept)
        } else {
            diff::to_text(&kept)
        }))
    }
}
