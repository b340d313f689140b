//! Lowering rules: generators, filters, lets and the consequences they lay on records.

use super::Checker;
use super::declare::lower_provenance;
use super::ir::{self, LedgerKey, LedgerKind, Step};
use super::narrow;
use super::scope::Scope;
use super::types::Type;
use crate::diagnostic::Diagnostic;
use crate::syntax::ast;

impl Checker {
    pub(super) fn lower_rule(&mut self, r: &ast::RuleDecl) {
        if self.rule_by_name.contains_key(&r.name.name) {
            return; // a duplicate, reported already
        }
        let id = self.prog.rules.len() as ir::RuleId;
        self.rule_by_name.insert(r.name.name.clone(), id);
        self.scope = Scope::new(None);
        self.deps.clear();
        self.in_body = true;
        let generators: Vec<ir::Generator> =
            r.generators.iter().map(|g| self.generator(g)).collect();
        let mut steps = Vec::new();
        for step in &r.steps {
            match step {
                ast::RuleStep::Where(e) => {
                    let c = self.expr(e);
                    self.expect_type(&c, &Type::Bool, "a `where` condition");
                    self.scope.add_facts(narrow::when_true(e));
                    steps.push(Step::Where(c));
                }
                ast::RuleStep::Let(bindings) => {
                    for (name, value) in bindings {
                        let v = self.expr(value);
                        let slot = self.scope.bind(&name.name, v.ty.clone());
                        steps.push(Step::Let(slot, v));
                    }
                }
            }
        }
        let consequences = r
            .consequences
            .iter()
            .filter_map(|c| self.consequence(c, id))
            .collect();
        self.in_body = false;
        self.rule_deps.push(std::mem::take(&mut self.deps));
        self.prog.rules.push(ir::RuleDef {
            name: r.name.name.clone(),
            provenance: lower_provenance(&r.provenance),
            generators,
            steps,
            consequences,
            frame_size: self.scope.max_slots,
            span: r.name.span,
        });
    }

    fn consequence(&mut self, c: &ast::Consequence, rule: ir::RuleId) -> Option<ir::Consequence> {
        let mark = self.scope.mark();
        let when = c.when.as_ref().map(|w| {
            let x = self.expr(w);
            self.expect_type(&x, &Type::Bool, "a `when` condition");
            self.scope.add_facts(narrow::when_true(w));
            x
        });
        let target = self.expr(&c.target);
        let period = self.expr(&c.period);
        let amount = match &c.kind {
            ast::ConsequenceKind::Deduct { amount } => Some(self.expr(amount)),
            ast::ConsequenceKind::Flag { .. } => None,
        };
        self.scope.reset(mark);
        let entity = match target.ty.unwrap_optional() {
            Type::Entity(e) => *e,
            Type::Error => return None,
            other => {
                let msg = format!(
                    "a consequence lands on a record; this is {}",
                    self.type_name(other)
                );
                self.error(
                    Diagnostic::error("E0301", msg).with_label(c.target.span, "not a record"),
                );
                return None;
            }
        };
        let Some(grain) = period.ty.grain() else {
            if !period.ty.is_error() {
                let msg = format!(
                    "`in` takes the period it counts in (a year, quarter or month); this is {}",
                    self.type_name(&period.ty)
                );
                self.error(
                    Diagnostic::error("E0301", msg)
                        .with_label(c.period.span, "not a period")
                        .with_help("e.g. `in quarter(e.日期)`"),
                );
            }
            return None;
        };
        let ename = self
            .prog
            .entities
            .get(entity as usize)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let (kind, amount_ty) = match &c.kind {
            ast::ConsequenceKind::Deduct { .. } => {
                let a = amount.as_ref()?;
                if !matches!(a.ty, Type::Score | Type::Money | Type::Error) {
                    let msg = format!(
                        "a deduction is points or money; this is {}",
                        self.type_name(&a.ty)
                    );
                    self.error(
                        Diagnostic::error("E0301", msg)
                            .with_label(a.span, "not points or money")
                            .with_help("write it as points, e.g. `5分`, or a score parameter"),
                    );
                    return None;
                }
                (LedgerKind::Deduct, a.ty.clone())
            }
            ast::ConsequenceKind::Flag { verb, name } => {
                let Some(&d) = self.def_by_name.get(&(Some(entity), name.name.clone())) else {
                    let candidates = self
                        .def_by_name
                        .keys()
                        .filter(|(x, _)| *x == Some(entity))
                        .map(|(_, n)| n.clone())
                        .collect();
                    self.unknown(
                        &name.name,
                        name.span,
                        candidates,
                        &format!("definition of `{ename}`"),
                    );
                    return None;
                };
                let dgrain = self.prog.defs.get(d as usize).and_then(|x| x.grain);
                if dgrain != Some(grain) {
                    let shown = dgrain
                        .map(|g| format!("per {}", g.name()))
                        .unwrap_or_else(|| "without a period".into());
                    self.error(
                        Diagnostic::error(
                            "E0301",
                            format!(
                                "`{}` has a value {shown}, but this `{}` is for a {}",
                                name.name,
                                verb.keyword(),
                                grain.name()
                            ),
                        )
                        .with_label(c.period.span, format!("a {}", grain.name()))
                        .with_help(match dgrain {
                            Some(g) => format!(
                                "{} it for a {g}, e.g. `in {g}(e.日期)`",
                                verb.keyword(),
                                g = g.name()
                            ),
                            None => format!(
                                "only a definition with a period (`[y: year]`, `[q: quarter]`) can be {}",
                                if verb.keyword() == "withhold" { "withheld" } else { "revoked" }
                            ),
                        }),
                    );
                    return None;
                }
                (LedgerKind::Flag(*verb, d), Type::Bool)
            }
        };
        let key = LedgerKey {
            kind,
            entity,
            grain,
        };
        let existed = self.ledger_by_key.contains_key(&key);
        let ledger = self.ledger(key, amount_ty.clone());
        if existed
            && let Some(l) = self.prog.ledgers.get(ledger as usize)
            && l.amount != amount_ty
            && !amount_ty.is_error()
        {
            let msg = format!(
                "deductions from `{ename}` are {}, this one is {}",
                self.type_name(&l.amount),
                self.type_name(&amount_ty)
            );
            self.error(
                Diagnostic::error("E0120", msg).with_label(c.span, "a different kind of deduction"),
            );
        }
        if let Some(w) = self.ledger_writers.get_mut(ledger as usize) {
            w.insert(rule);
        }
        Some(ir::Consequence {
            ledger,
            amount,
            target,
            period,
            when,
            span: c.span,
        })
    }
}
