//! Checking a lone expression against a checked program (the REPL, `--set`, tests).

use super::Checker;
use super::ir::{self, Program};
use super::scope::Scope;
use super::types::{EntityId, Type};
use crate::diagnostic::Diagnostic;
use crate::eval::value::Value;
use crate::syntax::ast;
use std::collections::HashMap;

impl Checker {
    /// Rebuilds the name tables of a checked program.
    pub(super) fn from_program(prog: &Program) -> Checker {
        let mut c = Checker {
            prog: prog.clone(),
            ..Checker::default()
        };
        for (i, e) in prog.enums.iter().enumerate() {
            c.enum_by_name.insert(e.name.clone(), i as u32);
            for (v, name) in e.variants.iter().enumerate() {
                c.variants
                    .entry(name.clone())
                    .or_default()
                    .push((i as u32, v as u32));
            }
        }
        for (i, e) in prog.entities.iter().enumerate() {
            c.entity_by_name.insert(e.name.clone(), i as u32);
            let fields: HashMap<String, ir::FieldId> = e
                .fields
                .iter()
                .enumerate()
                .map(|(f, x)| (x.name.clone(), f as u32))
                .collect();
            c.fields.push(fields);
        }
        for (i, f) in prog.case_fields.iter().enumerate() {
            c.case_field_by_name.insert(f.name.clone(), i as u32);
        }
        for (i, p) in prog.params.iter().enumerate() {
            c.param_by_name.insert(p.name.clone(), i as u32);
        }
        for (i, d) in prog.defs.iter().enumerate() {
            c.def_by_name.insert((d.entity, d.name.clone()), i as u32);
        }
        for (i, l) in prog.ledgers.iter().enumerate() {
            c.ledger_by_key.insert(l.key.clone(), i as u32);
            c.ledger_writers.push(Default::default());
        }
        c.param_used = vec![false; prog.params.len()];
        c.def_used = vec![false; prog.defs.len()];
        c
    }
}

/// A lowered expression and the frame it needs.
pub struct Standalone {
    pub expr: ir::Expr,
    pub frame_size: u32,
    pub warnings: Vec<Diagnostic>,
}

/// Checks an expression in the context of a program (and optionally a record of `self_entity`).
pub fn lower_expr(
    prog: &Program,
    e: &ast::Expr,
    self_entity: Option<EntityId>,
) -> Result<Standalone, Vec<Diagnostic>> {
    let mut c = Checker::from_program(prog);
    c.scope = Scope::new(self_entity);
    let expr = c.expr(e);
    let (errors, warnings): (Vec<_>, Vec<_>) = c.diags.into_iter().partition(Diagnostic::is_error);
    if !errors.is_empty() {
        return Err(errors);
    }
    // New ledgers would have no rule writing them; queries of unknown ones read nothing.
    if c.prog.ledgers.len() != prog.ledgers.len() {
        return Err(vec![
            Diagnostic::error("E0109", "no rule lays that consequence in this policy")
                .with_label(e.span, "nothing to read"),
        ]);
    }
    Ok(Standalone {
        expr,
        frame_size: c.scope.max_slots,
        warnings,
    })
}

/// A parameter's new value (`--set NAME=VALUE`, `:set`): a literal of the parameter's type.
pub fn lower_param_value(
    prog: &Program,
    param: ir::ParamId,
    e: &ast::Expr,
) -> Result<Value, Vec<Diagnostic>> {
    let mut c = Checker::from_program(prog);
    c.scope = Scope::new(None);
    c.case_data_only = true;
    let expr = c.expr(e);
    let want = prog
        .params
        .get(param as usize)
        .map(|p| p.ty.clone())
        .unwrap_or(Type::Error);
    if !expr.ty.fits(&want) {
        let msg = format!(
            "`{}` is {}, this value is {}",
            prog.params
                .get(param as usize)
                .map(|p| p.name.as_str())
                .unwrap_or("?"),
            c.type_name(&want),
            c.type_name(&expr.ty)
        );
        c.error(Diagnostic::error("E0301", msg).with_label(e.span, "wrong type"));
    }
    let value = c.const_value(&expr);
    let errors: Vec<Diagnostic> = c.diags.into_iter().filter(Diagnostic::is_error).collect();
    match value {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(errors),
    }
}

/// A new value of type `want` for `name` (a record's field in a REPL what-if,
/// one entry of a table parameter): a literal, as for parameters.
pub fn lower_value(
    prog: &Program,
    want: &Type,
    name: &str,
    e: &ast::Expr,
) -> Result<Value, Vec<Diagnostic>> {
    let mut c = Checker::from_program(prog);
    c.scope = Scope::new(None);
    c.case_data_only = true;
    let expr = c.expr(e);
    if !expr.ty.fits(want) {
        let msg = format!(
            "`{name}` is {}, this value is {}",
            c.type_name(want),
            c.type_name(&expr.ty)
        );
        c.error(Diagnostic::error("E0301", msg).with_label(e.span, "wrong type"));
    }
    let value = c.const_value(&expr);
    let errors: Vec<Diagnostic> = c.diags.into_iter().filter(Diagnostic::is_error).collect();
    match value {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(errors),
    }
}
