//! Values as the REPL prints them: money as `1,458.00元`, scores as `95分`, records as `干部("S003")`, long lists cut short.

use crate::check::ir::Program;
use crate::check::types::{Grain, Type};
use crate::eval::case::Case;
use crate::eval::engine::{ParamValues, show_period};
use crate::eval::num;
use crate::eval::results::push_json_string;
use crate::eval::value::Value;

/// How many items of a list or map are shown before `…`.
const MAX_ITEMS: usize = 20;

/// A value with its unit, readable and (where the language has a literal for it) re-typable.
pub fn show_value(prog: &Program, case: Option<&Case>, ty: &Type, v: &Value) -> String {
    match (ty.unwrap_optional(), v) {
        (_, Value::None) => "none".into(),
        (Type::Money, Value::Num(n)) => format!("{}元", num::group_thousands(*n, 2)),
        (Type::Score, Value::Num(n)) => format!("{}分", num::format_plain(*n)),
        (_, Value::Num(n)) => num::format_plain(*n),
        (_, Value::Bool(b)) => b.to_string(),
        (_, Value::Text(t)) => quoted(t),
        (Type::Enum(e), Value::Enum(i)) => prog
            .enums
            .get(*e as usize)
            .and_then(|x| x.variants.get(*i as usize))
            .cloned()
            .unwrap_or_else(|| "?".into()),
        (Type::Entity(e), Value::Ref(r)) => record_name(prog, case, *e, *r),
        // A table parameter: one value per variant of its enum.
        (Type::Map(kt, vt), Value::List(items)) if matches!(**kt, Type::Enum(_)) => {
            let parts = items.iter().enumerate().map(|(i, x)| {
                let k = show_value(prog, case, kt, &Value::Enum(i as u32));
                format!("{k}: {}", show_value(prog, case, vt, x))
            });
            format!("{{{}}}", join(parts, items.len()))
        }
        (t, Value::List(items)) => {
            let inner = match t {
                Type::List(i) => &**i,
                _ => &Type::Error,
            };
            let parts = items.iter().map(|x| show_value(prog, case, inner, x));
            format!("[{}]", join(parts, items.len()))
        }
        (t, Value::Map(m)) => {
            let (kt, vt) = match t {
                Type::Map(k, v) => (&**k, &**v),
                _ => (&Type::Error, &Type::Error),
            };
            let parts = m.entries.iter().map(|(k, x)| {
                format!(
                    "{}: {}",
                    show_value(prog, case, kt, k),
                    show_value(prog, case, vt, x)
                )
            });
            format!("{{{}}}", join(parts, m.entries.len()))
        }
        (Type::PerPeriod(g, inner), Value::PerPeriod(items)) => {
            let names = period_names(case, *g);
            let parts = items.iter().enumerate().map(|(i, x)| {
                let p = names.get(i).cloned().unwrap_or_else(|| (i + 1).to_string());
                format!("{p}: {}", show_value(prog, case, inner, x))
            });
            format!("{{{}}}", join(parts, items.len()))
        }
        (_, other) => show_period(other),
    }
}

fn period_names(case: Option<&Case>, g: Grain) -> Vec<String> {
    let Some(case) = case else {
        return Vec::new();
    };
    match g {
        Grain::Year => vec![case.year.to_string()],
        Grain::Quarter => case.year.quarters().iter().map(|q| q.to_string()).collect(),
        Grain::Month => case.year.months().iter().map(|m| m.to_string()).collect(),
    }
}

fn join(parts: impl Iterator<Item = String>, len: usize) -> String {
    let mut shown: Vec<String> = parts.take(MAX_ITEMS).collect();
    if len > MAX_ITEMS {
        shown.push(format!("… {} more", len - MAX_ITEMS));
    }
    shown.join(", ")
}

/// A text as a kaohe string literal.
pub fn quoted(s: &str) -> String {
    let mut out = String::new();
    push_json_string(&mut out, s);
    out
}

/// A record as the language finds it: `干部("S003")`, or `月度小结 [3]` for an entity without key.
pub fn record_name(prog: &Program, case: Option<&Case>, entity: u32, record: u32) -> String {
    let ent = prog.entities.get(entity as usize);
    let name = ent.map(|e| e.name.as_str()).unwrap_or("?");
    let id = case
        .and_then(|c| c.table(entity))
        .map(|t| t.id(record).to_string())
        .unwrap_or_else(|| format!("[{record}]"));
    if ent.is_some_and(|e| e.key.is_some()) {
        format!("{name}({})", quoted(&id))
    } else {
        format!("{name} {id}")
    }
}

/// A parameter's values in force: `600元`, or each dated value.
pub fn param_text(prog: &Program, case: Option<&Case>, ty: &Type, pv: &ParamValues) -> String {
    let parts: Vec<String> = pv
        .values
        .iter()
        .map(|(d, v)| {
            let shown = show_value(prog, case, ty, v);
            match d {
                Some(d) => format!("from {}: {shown}", d.format("%Y-%m-%d")),
                None => shown,
            }
        })
        .collect();
    parts.join("; ")
}

/// A change of a number with its unit: `+486.00元`, `-5分`.
pub fn signed(ty: &Type, d: rust_decimal::Decimal) -> String {
    match ty.unwrap_optional() {
        Type::Money => format!("{}元", crate::diff::signed(d, true)),
        Type::Score => format!("{}分", crate::diff::signed(d, false)),
        _ => crate::diff::signed(d, false),
    }
}
