//! Taking a record out of a case: refused while any field refers to it;
//! otherwise the references after it are renumbered and its entity's keys rebuilt.

use super::records::{entity, record, singleton};
use super::scenario::Applied;
use super::show::record_name;
use crate::check::ir::Program;
use crate::check::types::{EntityId, Type};
use crate::diagnostic::Diagnostic;
use crate::eval::case::{Case, Table};
use crate::eval::value::{MapValue, Value};
use std::sync::Arc;

/// How many referring records a refused removal lists.
const MAX_LISTED: usize = 5;

/// Removes a record nothing refers to, renumbering the references after it.
pub fn remove(
    prog: &Program,
    case: &mut Case,
    entity_name: &str,
    id: &str,
) -> Result<Applied, Vec<Diagnostic>> {
    let (e, ent) = entity(prog, entity_name)?;
    let r = record(prog, case, e, id)?;
    let who = record_name(prog, Some(case), e, r);
    if singleton(prog, ent) {
        return Err(vec![Diagnostic::error(
            "E0804",
            format!("{who} is the case's only {entity_name}: it cannot be removed"),
        )]);
    }
    let refs = referrers(prog, case, e, r);
    if !refs.is_empty() {
        let mut d = Diagnostic::error(
            "E0805",
            format!(
                "{who} cannot be removed: {} still {} to it",
                plural(refs.len()),
                if refs.len() == 1 { "refers" } else { "refer" }
            ),
        );
        for x in refs.iter().take(MAX_LISTED) {
            d = d.with_note(format!("referred to by {x}"));
        }
        if refs.len() > MAX_LISTED {
            d = d.with_note(format!("… and {} more", refs.len() - MAX_LISTED));
        }
        return Err(vec![d.with_help("change or remove those first")]);
    }
    for (ti, t) in case.tables.iter_mut().enumerate() {
        let Some(def) = prog.entities.get(ti) else {
            continue;
        };
        for (fi, f) in def.fields.iter().enumerate() {
            if !mentions(&f.ty, e) {
                continue;
            }
            for rec in 0..t.len() as u32 {
                if let Some(v) = t.field_mut(rec, fi as u32) {
                    *v = renumber(&f.ty, v, e, r);
                }
            }
        }
    }
    if let Some(t) = case.tables.get_mut(e as usize) {
        take_out(t, r, ent.key.is_some());
    }
    Ok(Applied {
        before: who,
        after: "removed".into(),
        warnings: Vec::new(),
    })
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 field".into()
    } else {
        format!("{n} fields")
    }
}

fn take_out(t: &mut Table, r: u32, keyed: bool) {
    let (r, fc) = (r as usize, t.field_count);
    if r >= t.len() {
        return;
    }
    if t.values.len() >= (r + 1) * fc {
        t.values.drain(r * fc..(r + 1) * fc);
    }
    if r < t.ids.len() {
        t.ids.remove(r);
    }
    if r < t.offsets.len() {
        t.offsets.remove(r);
    }
    t.len -= 1;
    if keyed {
        t.keys = t
            .ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as u32))
            .collect();
    }
}

/// Every field that refers to record `r` of `entity`: `单位("U02").负责人`.
pub fn referrers(prog: &Program, case: &Case, entity: EntityId, r: u32) -> Vec<String> {
    let mut out = Vec::new();
    for (ti, t) in case.tables.iter().enumerate() {
        let Some(def) = prog.entities.get(ti) else {
            continue;
        };
        for (fi, f) in def.fields.iter().enumerate() {
            if !mentions(&f.ty, entity) {
                continue;
            }
            for rec in 0..t.len() as u32 {
                let mut hit = false;
                if let Some(v) = t.field(rec, fi as u32) {
                    visit(&f.ty, v, entity, &mut |x| hit |= x == r);
                }
                if hit && !(ti as u32 == entity && rec == r) {
                    out.push(format!(
                        "{}.{}",
                        record_name(prog, Some(case), ti as u32, rec),
                        f.name
                    ));
                }
            }
        }
    }
    out
}

fn mentions(ty: &Type, entity: EntityId) -> bool {
    match ty {
        Type::Entity(e) => *e == entity,
        Type::Optional(t) | Type::List(t) | Type::PerPeriod(_, t) => mentions(t, entity),
        Type::Map(k, v) => mentions(k, entity) || mentions(v, entity),
        _ => false,
    }
}

fn visit(ty: &Type, v: &Value, entity: EntityId, f: &mut dyn FnMut(u32)) {
    match (ty, v) {
        (_, Value::None) => {}
        (Type::Optional(t), v) => visit(t, v, entity, f),
        (Type::Entity(e), Value::Ref(r)) if *e == entity => f(*r),
        (Type::List(t), Value::List(items)) | (Type::PerPeriod(_, t), Value::PerPeriod(items)) => {
            items.iter().for_each(|x| visit(t, x, entity, f))
        }
        (Type::Map(kt, vt), Value::Map(m)) => {
            for (k, x) in &m.entries {
                visit(kt, k, entity, f);
                visit(vt, x, entity, f);
            }
        }
        _ => {}
    }
}

fn renumber(ty: &Type, v: &Value, entity: EntityId, removed: u32) -> Value {
    match (ty, v) {
        (Type::Optional(t), v) => renumber(t, v, entity, removed),
        (Type::Entity(e), Value::Ref(r)) if *e == entity && *r > removed => Value::Ref(r - 1),
        (Type::List(t), Value::List(items)) => Value::List(
            items
                .iter()
                .map(|x| renumber(t, x, entity, removed))
                .collect(),
        ),
        (Type::PerPeriod(_, t), Value::PerPeriod(items)) => Value::PerPeriod(
            items
                .iter()
                .map(|x| renumber(t, x, entity, removed))
                .collect(),
        ),
        (Type::Map(kt, vt), Value::Map(m)) => Value::Map(Arc::new(MapValue {
            entries: m
                .entries
                .iter()
                .map(|(k, x)| {
                    (
                        renumber(kt, k, entity, removed),
                        renumber(vt, x, entity, removed),
                    )
                })
                .collect(),
        })),
        _ => v.clone(),
    }
}
