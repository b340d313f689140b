//! Results: one row per output value, keyed by (entity, id, period, name), and their exact text.

use super::case::Case;
use super::engine::show_period;
use super::num;
use super::value::Value;
use crate::check::ir::{DefId, Program};
use crate::check::types::{Grain, Type};
use std::fmt::Write as _;

/// One output value: `干部 S001 2022-Q1 季度效能奖 = 1530.00`.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub entity: u32,
    pub record: u32,
    pub def: DefId,
    pub period: Value,
    pub value: Value,
}

impl Row {
    pub fn entity_name<'a>(&self, prog: &'a Program) -> &'a str {
        prog.entities
            .get(self.entity as usize)
            .map(|e| e.name.as_str())
            .unwrap_or("?")
    }

    pub fn id<'a>(&self, case: &'a Case) -> &'a str {
        case.table(self.entity)
            .map(|t| t.id(self.record))
            .unwrap_or("?")
    }

    pub fn name<'a>(&self, prog: &'a Program) -> &'a str {
        prog.defs
            .get(self.def as usize)
            .map(|d| d.name.as_str())
            .unwrap_or("?")
    }

    pub fn ty<'a>(&self, prog: &'a Program) -> &'a Type {
        prog.defs
            .get(self.def as usize)
            .map(|d| &d.ty)
            .unwrap_or(&Type::Error)
    }

    pub fn period_text(&self) -> String {
        show_period(&self.period)
    }
}

/// Appends a JSON string literal.
pub fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The plain text of a value (no quotes): money with 2 decimals, numbers exact.
pub fn value_text(prog: &Program, case: &Case, ty: &Type, v: &Value) -> String {
    match (ty.unwrap_optional(), v) {
        (_, Value::None) => "none".into(),
        (Type::Money, Value::Num(n)) => num::format_fixed(*n, 2),
        (_, Value::Num(n)) => num::format_plain(*n),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::Text(t)) => t.to_string(),
        (Type::Enum(e), Value::Enum(i)) => prog
            .enums
            .get(*e as usize)
            .and_then(|x| x.variants.get(*i as usize))
            .cloned()
            .unwrap_or_default(),
        (Type::Entity(e), Value::Ref(r)) => case
            .table(*e)
            .map(|t| t.id(*r).to_string())
            .unwrap_or_default(),
        // A table parameter: one value per variant of its enum, in the enum's order.
        (Type::Map(kt, vt), Value::List(items)) if matches!(**kt, Type::Enum(_)) => {
            let parts: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let k = value_text(prog, case, kt, &Value::Enum(i as u32));
                    format!("{k}: {}", value_text(prog, case, vt, x))
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        (t, Value::List(items)) => {
            let inner = match t {
                Type::List(i) => &**i,
                _ => &Type::Error,
            };
            let parts: Vec<String> = items
                .iter()
                .map(|x| value_text(prog, case, inner, x))
                .collect();
            format!("[{}]", parts.join(", "))
        }
        (Type::Map(kt, vt), Value::Map(m)) => {
            let parts: Vec<String> = m
                .entries
                .iter()
                .map(|(k, x)| {
                    let k = value_text(prog, case, kt, k);
                    format!("{k}: {}", value_text(prog, case, vt, x))
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        (Type::PerPeriod(g, inner), Value::PerPeriod(items)) => {
            let periods: Vec<String> = match g {
                Grain::Year => vec![case.year.to_string()],
                Grain::Quarter => case.year.quarters().iter().map(|q| q.to_string()).collect(),
                Grain::Month => case.year.months().iter().map(|m| m.to_string()).collect(),
            };
            let parts: Vec<String> = periods
                .iter()
                .zip(items.iter())
                .map(|(p, x)| format!("{p}: {}", value_text(prog, case, inner, x)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        (_, other) => show_period(other),
    }
}

/// Appends a value as JSON: numbers as decimal strings, booleans as booleans.
pub fn push_json_value(out: &mut String, prog: &Program, case: &Case, ty: &Type, v: &Value) {
    match (ty.unwrap_optional(), v) {
        (_, Value::None) => out.push_str("null"),
        (_, Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        (Type::Money, Value::Num(n)) => {
            out.push('"');
            num::write_fixed(out, *n, 2);
            out.push('"');
        }
        (_, Value::Num(n)) => {
            out.push('"');
            num::write_plain(out, *n);
            out.push('"');
        }
        (t, Value::List(items)) => {
            let inner = match t {
                Type::List(i) => &**i,
                _ => &Type::Error,
            };
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_value(out, prog, case, inner, x);
            }
            out.push(']');
        }
        (t, Value::Map(m)) => {
            let (kt, vt) = match t {
                Type::Map(k, v) => (&**k, &**v),
                _ => (&Type::Error, &Type::Error),
            };
            out.push('{');
            for (i, (k, x)) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json_string(out, &value_text(prog, case, kt, k));
                out.push(':');
                push_json_value(out, prog, case, vt, x);
            }
            out.push('}');
        }
        (t, v) => push_json_string(out, &value_text(prog, case, t, v)),
    }
}

/// Appends a period's text ("2022", "2022-Q1", "2022-01") without formatting machinery.
pub fn push_period(out: &mut String, p: &Value) {
    let four = |out: &mut String, y: i32| {
        let y = y.clamp(0, 9999) as u32;
        for d in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
            out.push(char::from(b'0' + d as u8));
        }
    };
    match p {
        Value::Year(y) => four(out, y.0),
        Value::Quarter(q) => {
            four(out, q.year().0);
            out.push_str("-Q");
            out.push(char::from(b'0' + q.number() as u8 % 10));
        }
        Value::Month(m) => {
            four(out, m.year().0);
            out.push('-');
            out.push(char::from(b'0' + (m.number() / 10) as u8 % 10));
            out.push(char::from(b'0' + (m.number() % 10) as u8));
        }
        other => out.push_str(&show_period(other)),
    }
}

/// One row as a JSONL line (spec §4): keys in the order entity, id, period, name, value.
pub fn push_jsonl_row(out: &mut String, prog: &Program, case: &Case, row: &Row) {
    out.push_str("{\"entity\":");
    push_json_string(out, row.entity_name(prog));
    out.push_str(",\"id\":");
    push_json_string(out, row.id(case));
    out.push_str(",\"period\":\"");
    push_period(out, &row.period);
    out.push('"');
    out.push_str(",\"name\":");
    push_json_string(out, row.name(prog));
    out.push_str(",\"value\":");
    push_json_value(out, prog, case, row.ty(prog), &row.value);
    out.push('}');
}
