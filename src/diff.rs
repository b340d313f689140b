//! Differences between two sets of results: what changed, for whom, before → after, with totals.

use crate::check::ir::Program;
use crate::check::types::Type;
use crate::eval::case::Case;
use crate::eval::results::{Row, value_text};
use crate::eval::value::Value;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// A result's identity: (entity, id, period, name).
pub type Key = (String, String, String, String);

/// One result as text, with its number if it is one (for totals).
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub text: String,
    pub number: Option<Decimal>,
    pub money: bool,
}

/// Results keyed by identity, ready to compare with another run's.
pub fn keyed(prog: &Program, case: &Case, rows: &[Row]) -> BTreeMap<Key, Cell> {
    rows.iter()
        .map(|r| {
            let ty = r.ty(prog);
            let key = (
                r.entity_name(prog).to_string(),
                r.id(case).to_string(),
                r.period_text(),
                r.name(prog).to_string(),
            );
            let cell = Cell {
                text: value_text(prog, case, ty, &r.value),
                number: match &r.value {
                    Value::Num(n) => Some(*n),
                    _ => None,
                },
                money: *ty.unwrap_optional() == Type::Money,
            };
            (key, cell)
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub key: Key,
    /// `None` when the value did not exist on that side.
    pub before: Option<Cell>,
    pub after: Option<Cell>,
}

impl Change {
    /// after − before, when both are numbers (a missing side counts as 0).
    pub fn delta(&self) -> Option<Decimal> {
        let b = self.before.as_ref().map(|c| c.number);
        let a = self.after.as_ref().map(|c| c.number);
        match (b, a) {
            (Some(Some(b)), Some(Some(a))) => a.checked_sub(b),
            (None, Some(Some(a))) => Some(a),
            (Some(Some(b)), None) => Some(-b),
            _ => None,
        }
    }
}

/// Per output name: how many values changed and the total change of the numeric ones.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    pub changed: usize,
    pub total: Option<Decimal>,
    pub money: bool,
}

/// Every value that differs (numbers by value: 96 equals 96.00), in key order.
pub fn compare(before: &BTreeMap<Key, Cell>, after: &BTreeMap<Key, Cell>) -> Vec<Change> {
    let same = |a: &Cell, b: &Cell| match (a.number, b.number) {
        (Some(x), Some(y)) => x == y,
        _ => a.text == b.text,
    };
    let mut out = Vec::new();
    for (k, b) in before {
        match after.get(k) {
            Some(a) if same(a, b) => {}
            a => out.push(Change {
                key: k.clone(),
                before: Some(b.clone()),
                after: a.cloned(),
            }),
        }
    }
    for (k, a) in after {
        if !before.contains_key(k) {
            out.push(Change {
                key: k.clone(),
                before: None,
                after: Some(a.clone()),
            });
        }
    }
    out.sort_by(|x, y| x.key.cmp(&y.key));
    out
}

/// Totals per output name, in name order.
pub fn summarize(changes: &[Change]) -> BTreeMap<String, Summary> {
    let mut out: BTreeMap<String, Summary> = BTreeMap::new();
    for c in changes {
        let s = out.entry(c.key.3.clone()).or_default();
        s.changed += 1;
        s.money |= c
            .after
            .as_ref()
            .or(c.before.as_ref())
            .is_some_and(|x| x.money);
        if let Some(d) = c.delta() {
            s.total = Some(
                s.total
                    .unwrap_or_default()
                    .checked_add(d)
                    .unwrap_or(Decimal::MAX),
            );
        }
    }
    out
}

/// A signed amount: "+36,000.00元", "-5分" style without the unit.
pub fn signed(d: Decimal, money: bool) -> String {
    let body = if money {
        crate::eval::num::group_thousands(d.abs(), 2)
    } else {
        crate::eval::num::format_plain(d.abs())
    };
    if d.is_sign_negative() && !d.is_zero() {
        format!("-{body}")
    } else {
        format!("+{body}")
    }
}

/// The changes as text: one line per value, then the totals per name.
pub fn to_text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no values changed\n".into();
    }
    let mut out = String::new();
    for c in changes {
        let (e, id, p, n) = &c.key;
        let show = |x: &Option<Cell>| {
            x.as_ref()
                .map(|c| c.text.clone())
                .unwrap_or_else(|| "—".into())
        };
        let delta = c
            .delta()
            .map(|d| {
                format!(
                    "  ({})",
                    signed(
                        d,
                        c.after
                            .as_ref()
                            .or(c.before.as_ref())
                            .is_some_and(|x| x.money)
                    )
                )
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{e} {id} {p} {n}: {} → {}{delta}\n",
            show(&c.before),
            show(&c.after)
        ));
    }
    out.push('\n');
    for (name, s) in summarize(changes) {
        let total = s
            .total
            .map(|t| {
                format!(
                    ", total {}{}",
                    signed(t, s.money),
                    if s.money { "元" } else { "" }
                )
            })
            .unwrap_or_default();
        out.push_str(&format!("{name}: {} changed{total}\n", s.changed));
    }
    out
}

/// The changes as JSON: {"changes": [...], "totals": {...}}.
pub fn to_json(changes: &[Change]) -> String {
    use crate::eval::results::push_json_string;
    let mut out = String::from("{\"changes\":[");
    for (i, c) in changes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let (e, id, p, n) = &c.key;
        out.push_str("{\"entity\":");
        push_json_string(&mut out, e);
        out.push_str(",\"id\":");
        push_json_string(&mut out, id);
        out.push_str(",\"period\":");
        push_json_string(&mut out, p);
        out.push_str(",\"name\":");
        push_json_string(&mut out, n);
        for (k, v) in [("before", &c.before), ("after", &c.after)] {
            out.push_str(&format!(",\"{k}\":"));
            match v {
                Some(cell) => push_json_string(&mut out, &cell.text),
                None => out.push_str("null"),
            }
        }
        if let Some(d) = c.delta() {
            out.push_str(",\"delta\":");
            push_json_string(&mut out, &crate::eval::num::format_plain(d));
        }
        out.push('}');
    }
    out.push_str("],\"totals\":{");
    for (i, (name, s)) in summarize(changes).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, name);
        out.push_str(&format!(":{{\"changed\":{}", s.changed));
        if let Some(t) = s.total {
            out.push_str(",\"total\":");
            push_json_string(&mut out, &crate::eval::num::format_plain(t));
        }
        out.push('}');
    }
    out.push_str("}}\n");
    out
}
