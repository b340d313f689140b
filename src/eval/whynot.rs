//! Why-not: rules that were about a record and period but whose conditions kept them from firing.

use super::engine::{Ctx, EvalResult, Evaluator};
use super::value::Value;
use crate::check::ir::{ExprKind, LedgerId, RuleId, Step};
use crate::diagnostic::Span;

/// The failed condition, its parts, and whether the rule was off topic.
type Failed = (Span, Vec<(Span, bool)>, bool);

/// A rule that could have laid a consequence on the record but did not.
#[derive(Clone, Debug)]
pub struct Missed {
    pub rule: RuleId,
    pub consequence: usize,
    /// The generators' values (the facts it looked at).
    pub trigger: Vec<Value>,
    /// The condition that was false.
    pub failed: Span,
    /// Each part of that condition (`a and b`) and whether it held.
    pub parts: Vec<(Span, bool)>,
}

impl<'p> Evaluator<'p> {
    /// Rules writing `ledger` that would have hit `target` in period `period` but for a condition.
    ///
    /// A rule counts only when its first condition held: it was about this kind
    /// of fact (an event of the right type, say) and a later condition failed.
    pub fn why_not(
        &mut self,
        ledger: LedgerId,
        target: u32,
        period: usize,
    ) -> EvalResult<Vec<Missed>> {
        self.fire_rules()?;
        let prog = self.prog;
        let mut missed = Vec::new();
        for (ri, rule) in prog.rules.iter().enumerate() {
            for (ci, c) in rule.consequences.iter().enumerate() {
                if c.ledger != ledger {
                    continue;
                }
                let base = self.frames.len();
                self.frames
                    .resize(base + rule.frame_size as usize, Value::None);
                let cx = Ctx {
                    base,
                    this: u32::MAX,
                    date: self.case.year.first_day(),
                };
                let result = self.each(&rule.generators, 0, cx, &mut |ev, cx| {
                    let mut failed: Option<Failed> = None;
                    let mut first_where = true;
                    for step in &rule.steps {
                        match step {
                            Step::Where(cond) => {
                                if failed.is_none() {
                                    let holds = ev.eval_bool(cond, cx).unwrap_or(false);
                                    if !holds {
                                        let parts = ev.parts(cond, cx);
                                        // The first condition's first part says what the rule is about.
                                        let off_topic =
                                            first_where && parts.first().is_some_and(|(_, b)| !b);
                                        failed = Some((cond.span, parts, off_topic));
                                    }
                                }
                                first_where = false;
                            }
                            Step::Let(slot, v) => {
                                let v = ev.eval(v, cx).unwrap_or(Value::None);
                                ev.set_local(cx, *slot, v);
                            }
                        }
                    }
                    if failed.is_none()
                        && let Some(w) = &c.when
                        && !ev.eval_bool(w, cx).unwrap_or(true)
                    {
                        let parts = ev.parts(w, cx);
                        failed = Some((w.span, parts, false));
                    }
                    let Some((span, parts, off_topic)) = failed else {
                        return Ok(true);
                    };
                    if off_topic {
                        return Ok(true);
                    }
                    let hits = matches!(ev.eval(&c.target, cx), Ok(Value::Ref(t)) if t == target)
                        && ev
                            .eval(&c.period, cx)
                            .ok()
                            .and_then(|p| ev.period_index(&p))
                            == Some(period);
                    if hits {
                        let trigger = rule
                            .generators
                            .iter()
                            .map(|g| ev.local(cx, g.slot))
                            .collect();
                        missed.push(Missed {
                            rule: ri as RuleId,
                            consequence: ci,
                            trigger,
                            failed: span,
                            parts,
                        });
                    }
                    Ok(true)
                });
                self.frames.truncate(base);
                result?;
            }
        }
        Ok(missed)
    }

    /// The conjuncts of a condition with their truth, for showing which part failed.
    fn parts(&mut self, cond: &'p crate::check::ir::Expr, cx: Ctx) -> Vec<(Span, bool)> {
        let mut conjuncts = Vec::new();
        let mut stack = vec![cond];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::And(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                _ => conjuncts.push(e),
            }
        }
        conjuncts
            .into_iter()
            .map(|e| (e.span, self.eval_bool(e, cx).unwrap_or(false)))
            .collect()
    }
}
