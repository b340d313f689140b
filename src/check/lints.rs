//! Warnings about a policy that checks but is likely wrong: unused names, literals, dead consequences.

use super::Checker;
use super::ir::LedgerKind;
use crate::diagnostic::Diagnostic;

impl Checker {
    pub(super) fn lints(&mut self) {
        // What is unused or never set is judged on a policy without errors: after one,
        // these would only repeat it (a misspelt parameter also looks unused).
        let whole = !self.diags.iter().any(Diagnostic::is_error);
        for (i, p) in self.prog.params.clone().iter().enumerate() {
            if whole && !self.param_used.get(i).copied().unwrap_or(true) {
                self.error(
                    Diagnostic::warning("W0001", format!("parameter `{}` is never used", p.name))
                        .with_label(p.span, "declared here")
                        .with_help("use it in a rule or definition, or remove it"),
                );
            }
        }
        for (i, d) in self.prog.defs.clone().iter().enumerate() {
            if whole && !d.output && !self.def_used.get(i).copied().unwrap_or(true) {
                self.error(
                    Diagnostic::warning("W0002", format!("definition `{}` is never used", d.name))
                        .with_label(d.span, "defined here")
                        .with_help("mark it `output def` to report it, use it, or remove it"),
                );
            }
        }
        for span in std::mem::take(&mut self.money_literals) {
            self.error(
                Diagnostic::warning(
                    "W0003",
                    "an amount of money written inside a rule or definition",
                )
                .with_label(span, "this amount")
                .with_help(
                    "make it a parameter with a `cite`, so policy staff can find and change it",
                ),
            );
        }
        let mut reads: Vec<(u32, crate::diagnostic::Span)> =
            self.ledger_reads.iter().map(|(l, s)| (*l, *s)).collect();
        reads.sort_by_key(|(l, _)| *l);
        for (ledger, span) in reads {
            let unwritten = self
                .ledger_writers
                .get(ledger as usize)
                .is_none_or(|w| w.is_empty());
            if !unwritten || !whole {
                continue;
            }
            let what = match self.prog.ledgers.get(ledger as usize).map(|l| &l.key.kind) {
                Some(LedgerKind::Flag(v, d)) => {
                    let name = self
                        .prog
                        .defs
                        .get(*d as usize)
                        .map(|x| x.name.clone())
                        .unwrap_or_default();
                    format!(
                        "no rule does `{} {name}` here: this is always false",
                        v.keyword()
                    )
                }
                _ => "no rule deducts here: this is always 0".to_string(),
            };
            self.error(
                Diagnostic::warning("W0004", what)
                    .with_label(span, "never set by a rule")
                    .with_help("check the name and period, or the rule's target"),
            );
        }
        for (i, r) in self.prog.rules.clone().iter().enumerate() {
            for c in &r.consequences {
                if whole && !self.ledger_reads.contains_key(&c.ledger) {
                    self.error(
                        Diagnostic::warning("W0006", format!("this consequence of rule `{}` changes nothing", r.name))
                            .with_label(c.span, "no definition reads it")
                            .with_help("read it with `deductions(…)`, `withheld(…)` or `revoked(…)` in a definition"),
                    );
                }
            }
            let _ = i;
        }
    }
}
