//! Changing case records: one field (or one period of it), or a new record
//! (taking one out is in `removal`).
//!
//! Records are found by key (`S003`), or by the `[i]` id an entity without key
//! shows; ids stay as loaded when a record before them is removed, so results
//! keep their identity in a diff.

use super::resolve::Target;
use super::scenario::{Applied, parse};
use super::show::{record_name, show_value};
use crate::check::ir::{EntityDef, Program};
use crate::check::standalone;
use crate::check::suggest::closest;
use crate::check::types::{EntityId, Grain, Type};
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::eval::case::{Case, Table};
use crate::eval::load;
use crate::eval::value::Value;
use crate::syntax::ast;
use std::sync::Arc;

/// The entity of that name.
pub fn entity<'p>(
    prog: &'p Program,
    name: &str,
) -> Result<(EntityId, &'p EntityDef), Vec<Diagnostic>> {
    match prog
        .entity_by_name(name)
        .and_then(|e| prog.entities.get(e as usize).map(|d| (e, d)))
    {
        Some(x) => Ok(x),
        None => {
            let mut d = Diagnostic::error("E0804", format!("no entity `{name}` in this policy"));
            if let Some(s) = closest(name, prog.entities.iter().map(|e| e.name.as_str())) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            Err(vec![d])
        }
    }
}

/// A record by the id the REPL shows (its key, or `[i]`).
pub fn record(
    prog: &Program,
    case: &Case,
    entity: EntityId,
    id: &str,
) -> Result<u32, Vec<Diagnostic>> {
    let table = case.table(entity);
    let found = table.and_then(|t| {
        t.keys
            .get(id)
            .copied()
            .or_else(|| t.ids.iter().position(|i| &**i == id).map(|i| i as u32))
    });
    found.ok_or_else(|| {
        let name = prog
            .entities
            .get(entity as usize)
            .map(|e| e.name.as_str())
            .unwrap_or("?");
        let d = Diagnostic::error("E0805", format!("no {name} `{id}` in the case"));
        vec![id_help(d, table, id)]
    })
}

/// "did you mean" for a record's id, or the ids themselves when there are few.
pub fn id_help(d: Diagnostic, table: Option<&Table>, id: &str) -> Diagnostic {
    let Some(t) = table else {
        return d;
    };
    if let Some(s) = closest(id, t.ids.iter().map(|s| &**s)) {
        return d.with_help(format!("did you mean `{s}`?"));
    }
    if (1..=8).contains(&t.len()) {
        let ids: Vec<&str> = t.ids.iter().map(|s| &**s).collect();
        return d.with_help(format!("the case has {}", ids.join(", ")));
    }
    d
}

/// Whether the entity is the case's single record (`局: 局`), which can be changed but not added to or removed.
pub fn singleton(prog: &Program, ent: &EntityDef) -> bool {
    ent.case_field
        .and_then(|f| prog.case_fields.get(f as usize))
        .is_some_and(|f| matches!(f.ty, Type::Entity(_)))
}

/// Sets one field (or one period of it) to a value written in kaohe.
pub fn set_field(
    prog: &Program,
    sources: &mut SourceMap,
    case: &mut Case,
    t: &Target,
    value: &str,
    origin: &str,
) -> Result<Applied, Vec<Diagnostic>> {
    let ent = prog.entities.get(t.entity as usize);
    let Some(f) = ent.and_then(|e| e.fields.get(t.field as usize)) else {
        return Err(vec![Diagnostic::error(
            "E0699",
            "internal error: unknown field",
        )]);
    };
    let ast = parse(sources, origin, value)?;
    let (want, per) = match (f.ty.unwrap_optional(), &t.period) {
        (Type::PerPeriod(_, inner), Some(_)) => (&**inner, true),
        (Type::PerPeriod(g, _), None)
            if !matches!(ast.kind, ast::ExprKind::Literal(ast::Literal::None)) =>
        {
            let example = match g {
                Grain::Year => case.year.to_string(),
                Grain::Quarter => format!("{}-Q1", case.year),
                Grain::Month => format!("{}-01", case.year),
            };
            return Err(vec![
                Diagnostic::error(
                    "E0804",
                    format!(
                        "`{}` has one value per {}: set one at a time",
                        f.name,
                        g.name()
                    ),
                )
                .with_help(format!("e.g. `… .{}[{example}] = {value}`", f.name)),
            ]);
        }
        _ => (&f.ty, false),
    };
    let v = match want.unwrap_optional() {
        Type::Entity(target) => reference(prog, case, *target, want.is_optional(), &ast, &f.name)?,
        _ => standalone::lower_value(prog, want, &f.name, &ast)?,
    };
    let who = record_name(prog, Some(case), t.entity, t.record);
    let Some(slot) = case
        .tables
        .get_mut(t.entity as usize)
        .and_then(|tb| tb.field_mut(t.record, t.field))
    else {
        return Err(vec![Diagnostic::error(
            "E0699",
            "internal error: unknown record",
        )]);
    };
    let before = match (&t.period, per) {
        (Some((i, p)), true) => {
            let Value::PerPeriod(items) = slot else {
                return Err(vec![Diagnostic::error(
                    "E0804",
                    format!("{who} has no `{}` (none): there is no {p} value to change", f.name),
                )
                .with_help(format!("the case must give all its periods; `{}` can only be set as a whole to none", f.name))]);
            };
            let mut list = items.to_vec();
            let Some(cell) = list.get_mut(*i) else {
                return Err(vec![Diagnostic::error(
                    "E0699",
                    "internal error: period out of range",
                )]);
            };
            let before = std::mem::replace(cell, v.clone());
            *slot = Value::PerPeriod(Arc::from(list));
            before
        }
        _ => std::mem::replace(slot, v.clone()),
    };
    let case = &*case;
    Ok(Applied {
        before: show_value(prog, Some(case), want, &before),
        after: show_value(prog, Some(case), want, &v),
        warnings: Vec::new(),
    })
}

/// A reference written `单位("U03")` or `"U03"` (or `none` where allowed).
fn reference(
    prog: &Program,
    case: &Case,
    target: EntityId,
    optional: bool,
    e: &ast::Expr,
    field: &str,
) -> Result<Value, Vec<Diagnostic>> {
    let name = prog
        .entities
        .get(target as usize)
        .map(|x| x.name.as_str())
        .unwrap_or("?");
    let key = match &e.kind {
        ast::ExprKind::Literal(ast::Literal::None) if optional => return Ok(Value::None),
        ast::ExprKind::Literal(ast::Literal::None) => {
            return Err(vec![
                Diagnostic::error(
                    "E0301",
                    format!("`{field}` cannot be none: every record has one"),
                )
                .with_label(e.span, "none")
                .with_help(format!("write {name}(\"KEY\") or \"KEY\"")),
            ]);
        }
        ast::ExprKind::Literal(ast::Literal::Text(k)) => Some(k),
        ast::ExprKind::Call(f, ast::CallArgs::List(args)) if f.name == name => {
            match args.as_slice() {
                [a] => match &a.kind {
                    ast::ExprKind::Literal(ast::Literal::Text(k)) => Some(k),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    };
    let Some(key) = key else {
        return Err(vec![
            Diagnostic::error(
                "E0301",
                format!("`{field}` refers to a {name}: write {name}(\"KEY\") or \"KEY\""),
            )
            .with_label(e.span, "not a record's key"),
        ]);
    };
    match case.table(target).and_then(|t| t.keys.get(key.as_str())) {
        Some(r) => Ok(Value::Ref(*r)),
        None => {
            let d = Diagnostic::error("E0805", format!("no {name} with key \"{key}\" in the case"))
                .with_label(e.span, "refers to nothing");
            Err(vec![id_help(d, case.table(target), key)])
        }
    }
}

/// Adds a record given as a JSON object; returns what it did and the new record's id.
pub fn add(
    prog: &Program,
    sources: &mut SourceMap,
    case: &mut Case,
    entity_name: &str,
    json: &str,
    origin: &str,
) -> Result<(Applied, String), Vec<Diagnostic>> {
    let (e, ent) = entity(prog, entity_name)?;
    if singleton(prog, ent) {
        return Err(vec![
            Diagnostic::error(
                "E0804",
                format!("the case holds exactly one {entity_name}: it cannot have another"),
            )
            .with_help(format!(
                "change its fields instead, e.g. `:set {entity_name}.FIELD = VALUE`"
            )),
        ]);
    }
    let source = sources.add(origin, json);
    let loaded = load::load_record(prog, case, e, source, sources.text(source))?;
    let Some(table) = case.tables.get_mut(e as usize) else {
        return Err(vec![Diagnostic::error(
            "E0699",
            "internal error: unknown entity",
        )]);
    };
    let id: Arc<str> = match (&loaded.key, ent.key) {
        (Some(k), Some(_)) => {
            if table.keys.contains_key(k) {
                return Err(vec![
                    Diagnostic::error(
                        "E0805",
                        format!("there is already a {entity_name} `{k}` in the case"),
                    )
                    .with_help("every key is unique; remove the old record first to replace it"),
                ]);
            }
            k.clone()
        }
        _ => Arc::from(format!("[{}]", next_index(table))),
    };
    let r = table.push(loaded.values, id.clone(), 0);
    if ent.key.is_some() {
        table.keys.insert(id.clone(), r);
    }
    let applied = Applied {
        before: "—".into(),
        after: record_name(prog, Some(case), e, r),
        warnings: loaded.warnings,
    };
    Ok((applied, id.to_string()))
}

/// The `[i]` id for a new record of an entity without key: one past the largest in use.
fn next_index(table: &Table) -> usize {
    table
        .ids
        .iter()
        .filter_map(|s| {
            s.strip_prefix('[')?
                .strip_suffix(']')?
                .parse::<usize>()
                .ok()
        })
        .map(|i| i + 1)
        .max()
        .unwrap_or(0)
        .max(table.len())
}
