//! The output pass: every output value in a stable order, the largest entity's computed on two threads.

use super::engine::{EvalResult, Evaluator};
use super::results::Row;
use super::store::Calendar;
use super::value::Value;
use crate::check::ir::{DefDef, DefId, Expr, ExprKind, GenSource, Program};
use crate::check::types::Grain;
use crate::diagnostic::Span;

impl<'p> Evaluator<'p> {
    /// Every value of the program's outputs, record by record.
    pub fn outputs(&mut self) -> EvalResult<Vec<Row>> {
        let mut rows = Vec::new();
        self.for_each_output(&mut |row| {
            rows.push(row);
            Ok(())
        })?;
        Ok(rows)
    }

    /// Computes the outputs of the entity with the most records on two
    /// threads sharing the memo, before the ordered pass finds them ready.
    /// Values are pure, so the result is the same; errors are left for the
    /// ordered pass to report in order.
    fn compute_in_parallel(&mut self) {
        let prog = self.prog;
        let has_outputs = |e: u32| prog.defs.iter().any(|d| d.output && d.entity == Some(e));
        let Some((entity, n)) = (0..prog.entities.len() as u32)
            .filter(|e| has_outputs(*e))
            .map(|e| (e, self.case.table(e).map(|t| t.len()).unwrap_or(0) as u32))
            .max_by_key(|(_, n)| *n)
        else {
            return;
        };
        if n < 2_000 || self.trace.is_some() {
            return; // not worth a thread
        }
        let outputs: Vec<DefId> = (0..prog.defs.len() as DefId)
            .filter(|d| {
                prog.defs
                    .get(*d as usize)
                    .is_some_and(|x| x.output && x.entity == Some(entity))
            })
            .collect();
        let mut other = Evaluator {
            prog,
            calendar: Calendar::new(self.case.year),
            case: self.case,
            params: self.params.clone(),
            memo: self.memo.clone(),
            ledgers: self.ledgers.clone(),
            indexes: self.indexes.clone(),
            index_base: self.index_base.clone(),
            frames: Vec::with_capacity(256),
            rules_fired: true,
            depth: 0,
            trace: None,
        };
        // Each definition with the periods of its grain, worked out once.
        type Work = [(DefId, Vec<Value>)];
        let compute = |ev: &mut Evaluator<'p>, work: &Work, records: std::ops::Range<u32>| {
            for r in records {
                for (d, periods) in work {
                    for p in periods {
                        if ev.in_domain(*d, r, Some(p.clone())).unwrap_or(false) {
                            let _ = ev.call_def(*d, r, Some(p.clone()), Span::default());
                        }
                    }
                }
            }
        };
        // First the values that read only their record's neighbourhood, then
        // (once those are shared) the ones that read all records through a
        // global definition or a scan, which then find their inputs ready.
        let (near, far): (Vec<DefId>, Vec<DefId>) =
            outputs.iter().partition(|d| reads_only_near(prog, **d));
        for defs in [near, far] {
            let work: Vec<(DefId, Vec<Value>)> = defs
                .into_iter()
                .filter_map(|d| {
                    let g = prog.defs.get(d as usize).and_then(|x| x.grain)?;
                    Some((d, self.periods(g)))
                })
                .collect();
            std::thread::scope(|s| {
                let helper = s.spawn(|| compute(&mut other, &work, n / 2..n));
                compute(self, &work, 0..n / 2);
                let _ = helper.join();
            });
        }
    }

    /// Computes the outputs one by one, in a stable order (entity, record,
    /// definition, period), handing each row to `sink` as soon as it is known.
    pub fn for_each_output(
        &mut self,
        sink: &mut dyn FnMut(Row) -> EvalResult<()>,
    ) -> EvalResult<()> {
        self.fire_rules()?;
        self.compute_in_parallel();
        let prog = self.prog;
        let grains = [Grain::Year, Grain::Quarter, Grain::Month];
        let periods: Vec<Vec<Value>> = grains.iter().map(|g| self.periods(*g)).collect();
        for (ei, _) in prog.entities.iter().enumerate() {
            let outputs: Vec<(DefId, &DefDef)> = prog
                .defs
                .iter()
                .enumerate()
                .filter(|(_, d)| d.output && d.entity == Some(ei as u32))
                .map(|(i, d)| (i as DefId, d))
                .collect();
            if outputs.is_empty() {
                continue;
            }
            let n = self.case.table(ei as u32).map(|t| t.len()).unwrap_or(0) as u32;
            for r in 0..n {
                for (d, def) in &outputs {
                    let Some(g) = def.grain else { continue };
                    let ps = grains
                        .iter()
                        .position(|x| *x == g)
                        .and_then(|i| periods.get(i));
                    for p in ps.into_iter().flatten() {
                        if def.domain.is_some() && !self.in_domain(*d, r, Some(p.clone()))? {
                            continue;
                        }
                        let value = self.call_def(*d, r, Some(p.clone()), def.span)?;
                        sink(Row {
                            entity: ei as u32,
                            record: r,
                            def: *d,
                            period: p.clone(),
                            value,
                        })?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Whether a definition reads only its own record's neighbourhood: no global
/// definition and no scan of a whole entity, directly or through others.
fn reads_only_near(prog: &Program, d: DefId) -> bool {
    let mut seen = vec![d];
    let mut todo = vec![d];
    while let Some(d) = todo.pop() {
        let Some(def) = prog.defs.get(d as usize) else {
            return false;
        };
        if def.entity.is_none() {
            return false;
        }
        let mut stack: Vec<&Expr> = vec![&def.body];
        stack.extend(def.domain.iter());
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::DefCall { def: callee, .. } if !seen.contains(callee) => {
                    seen.push(*callee);
                    todo.push(*callee);
                }
                ExprKind::AllOf(_) => return false,
                ExprKind::Aggregate(_, c) | ExprKind::MapComp(_, _, c)
                    if c.generators
                        .iter()
                        .any(|g| matches!(g.source, GenSource::Entity(_))) =>
                {
                    return false;
                }
                _ => {}
            }
            stack.extend(e.children());
        }
    }
    true
}
