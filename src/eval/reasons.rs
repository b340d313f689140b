//! Reasons: which rule entries stand behind an output value, and how to name what triggered them.

use super::case::Case;
use super::engine::show_period;
use super::ledger::Entry;
use super::value::Value;
use crate::check::ir::{DefId, ExprKind, GenSource, LedgerId, LedgerKind, Program, RuleId};
use crate::check::types::Type;

/// The ledgers a definition reads for its own record and period, directly or
/// through definitions of the same record and grain.
pub fn reason_ledgers(prog: &Program, def: DefId) -> Vec<LedgerId> {
    let mut out = Vec::new();
    let mut seen = vec![def];
    let mut todo = vec![def];
    while let Some(d) = todo.pop() {
        let Some(dd) = prog.defs.get(d as usize) else {
            continue;
        };
        let mut stack = vec![&dd.body];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Query { ledger, target, .. }
                    if matches!(target.kind, ExprKind::SelfRef) && !out.contains(ledger) =>
                {
                    out.push(*ledger);
                }
                ExprKind::DefCall {
                    def: callee,
                    entity,
                    ..
                } => {
                    let same_record = entity
                        .as_ref()
                        .is_none_or(|x| matches!(x.kind, ExprKind::SelfRef));
                    let same_shape = prog
                        .defs
                        .get(*callee as usize)
                        .is_some_and(|c| c.entity == dd.entity && c.grain == dd.grain);
                    if same_record && same_shape && !seen.contains(callee) {
                        seen.push(*callee);
                        todo.push(*callee);
                    }
                }
                _ => {}
            }
            stack.extend(e.children());
        }
    }
    out.sort();
    out
}

/// Whether a ledger holds flags (withheld, revoked) rather than deductions.
pub fn is_flag(prog: &Program, ledger: LedgerId) -> bool {
    prog.ledgers
        .get(ledger as usize)
        .is_some_and(|l| matches!(l.key.kind, LedgerKind::Flag(..)))
}

/// The entity a rule's generator goes through, if it goes through records.
fn generator_entity(prog: &Program, rule: RuleId, i: usize) -> Option<u32> {
    let g = prog.rules.get(rule as usize)?.generators.get(i)?;
    match &g.source {
        GenSource::Entity(e) | GenSource::Indexed { entity: e, .. } => Some(*e),
        GenSource::List(list) => match &list.ty {
            Type::List(t) => match **t {
                Type::Entity(e) => Some(e),
                _ => None,
            },
            _ => None,
        },
    }
}

/// What triggered an entry: "事件 E01", "单位 U01 2022-02".
pub fn trigger_text(prog: &Program, case: &Case, rule: RuleId, trigger: &[Value]) -> String {
    let parts: Vec<String> = trigger
        .iter()
        .enumerate()
        .map(|(i, v)| match (v, generator_entity(prog, rule, i)) {
            (Value::Ref(r), Some(e)) => {
                let name = prog
                    .entities
                    .get(e as usize)
                    .map(|x| x.name.as_str())
                    .unwrap_or("?");
                let id = case.table(e).map(|t| t.id(*r)).unwrap_or("?");
                format!("{name} {id}")
            }
            (v, _) => show_period(v),
        })
        .collect();
    parts.join(" ")
}

/// The citations of a rule, joined: "三㈢3①".
pub fn rule_cites(prog: &Program, rule: RuleId) -> String {
    let Some(r) = prog.rules.get(rule as usize) else {
        return String::new();
    };
    let cites: Vec<&str> = r
        .provenance
        .iter()
        .flat_map(|p| match p {
            crate::check::ir::Provenance::Cite(c) => {
                c.iter().map(String::as_str).collect::<Vec<_>>()
            }
            crate::check::ir::Provenance::Assumption(_) => vec![],
        })
        .collect();
    cites.join(", ")
}

/// A short reason line: "通报批评 (三㈢3①): 事件 E01".
pub fn reason_text(prog: &Program, case: &Case, e: &Entry) -> String {
    let name = prog
        .rules
        .get(e.rule as usize)
        .map(|r| r.name.as_str())
        .unwrap_or("?");
    let cites = rule_cites(prog, e.rule);
    let trigger = trigger_text(prog, case, e.rule, &e.trigger);
    let amount = e
        .amount
        .map(|a| format!(" −{}", super::num::format_plain(a)))
        .unwrap_or_default();
    if cites.is_empty() {
        format!("{name}{amount}: {trigger}")
    } else {
        format!("{name} ({cites}){amount}: {trigger}")
    }
}

/// The entries behind each output row, with the ledgers of each definition worked out once.
pub struct RowReasons {
    ledgers: Vec<Option<Vec<LedgerId>>>,
}

impl RowReasons {
    pub fn new(prog: &Program) -> RowReasons {
        RowReasons {
            ledgers: vec![None; prog.defs.len()],
        }
    }

    /// Entries laid on the row's record and period that its value reads; flags only if asked.
    pub fn get<'e>(
        &mut self,
        ev: &'e super::engine::Evaluator<'_>,
        row: &super::results::Row,
        flags_only: bool,
    ) -> Vec<&'e Entry> {
        let prog = ev.prog;
        let Some(slot) = self.ledgers.get_mut(row.def as usize) else {
            return Vec::new();
        };
        let ledgers = slot.get_or_insert_with(|| reason_ledgers(prog, row.def));
        let Some(pi) = ev.period_index(&row.period) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for l in ledgers.iter() {
            if flags_only && !is_flag(prog, *l) {
                continue;
            }
            if let Some(ledger) = ev.ledgers.get(*l as usize) {
                out.extend(ledger.entries_for(row.record, pi));
            }
        }
        out
    }
}

/// A reason as JSON: rule, citations, what it did, what triggered it.
pub fn push_reason_json(out: &mut String, prog: &Program, case: &Case, e: &Entry) {
    use super::results::push_json_string;
    let rule = prog.rules.get(e.rule as usize);
    out.push_str("{\"rule\":");
    push_json_string(out, rule.map(|r| r.name.as_str()).unwrap_or("?"));
    out.push_str(",\"cite\":[");
    let cites = rule_cites(prog, e.rule);
    for (i, c) in cites.split(", ").filter(|c| !c.is_empty()).enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(out, c);
    }
    out.push(']');
    let kind = rule
        .and_then(|r| r.consequences.get(e.consequence as usize))
        .and_then(|c| prog.ledgers.get(c.ledger as usize))
        .map(|l| match &l.key.kind {
            LedgerKind::Deduct => "deduct",
            LedgerKind::Flag(v, _) => v.keyword(),
        })
        .unwrap_or("?");
    out.push_str(",\"kind\":");
    push_json_string(out, kind);
    if let Some(a) = e.amount {
        out.push_str(",\"amount\":");
        push_json_string(out, &super::num::format_plain(a));
    }
    out.push_str(",\"trigger\":[");
    for (i, v) in e.trigger.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match (v, generator_entity(prog, e.rule, i)) {
            (Value::Ref(r), Some(ent)) => {
                out.push_str("{\"entity\":");
                push_json_string(
                    out,
                    prog.entities
                        .get(ent as usize)
                        .map(|x| x.name.as_str())
                        .unwrap_or("?"),
                );
                out.push_str(",\"id\":");
                push_json_string(out, case.table(ent).map(|t| t.id(*r)).unwrap_or("?"));
                out.push('}');
            }
            (v, _) => push_json_string(out, &show_period(v)),
        }
    }
    out.push_str("],\"text\":");
    push_json_string(out, &reason_text(prog, case, e));
    out.push('}');
}
