//! Lowering expressions: names to slots, operators to typed operations.

use super::Checker;
use super::Dep;
use super::ir::{self, BinOp as IrOp, Expr, ExprKind};
use super::narrow;
use super::suggest::closest;
use super::types::{EntityId, Grain, Type};
use crate::diagnostic::{Diagnostic, Span};
use crate::eval::value::Value;
use crate::syntax::ast::{self, BinOp, LitUnit, Literal, UnOp};
use std::sync::Arc;

/// What a bare name stands for.
pub(super) enum Resolved {
    Expr(Expr),
    /// A definition that needs a period: `name[q]`.
    PeriodicDef(ir::DefId, Option<Box<Expr>>),
}

impl Checker {
    pub(super) fn expect_type(&mut self, e: &Expr, want: &Type, what: &str) {
        if !e.ty.fits(want) {
            let msg = format!(
                "{what} must be {}, this is {}",
                self.type_name(want),
                self.type_name(&e.ty)
            );
            let mut d = Diagnostic::error("E0301", msg)
                .with_label(e.span, format!("this is {}", self.type_name(&e.ty)));
            if e.ty.unwrap_optional() == want {
                d = d.with_help(
                    "it may be none: check `!= none` first, or give a default with `??`",
                );
            }
            self.error(d);
        }
    }

    pub(super) fn expr(&mut self, e: &ast::Expr) -> Expr {
        let span = e.span;
        let mk = |kind, ty| Expr { kind, ty, span };
        match &e.kind {
            ast::ExprKind::Literal(lit) => self.literal(lit, span),
            ast::ExprKind::Name(n) => match self.resolve_name(n, span) {
                Resolved::Expr(x) => x,
                Resolved::PeriodicDef(d, _) => {
                    let name = self
                        .prog
                        .defs
                        .get(d as usize)
                        .map(|x| x.name.clone())
                        .unwrap_or_default();
                    let grain = self
                        .prog
                        .defs
                        .get(d as usize)
                        .and_then(|x| x.grain)
                        .map(|g| g.name())
                        .unwrap_or("period");
                    self.error(
                        Diagnostic::error(
                            "E0102",
                            format!("`{name}` has a value per {grain}: say which"),
                        )
                        .with_label(span, format!("needs a {grain}"))
                        .with_help(format!("write `{name}[q]` with the {grain} you mean")),
                    );
                    Checker::poison(span)
                }
            },
            ast::ExprKind::ParamRef(id) => match self.param_by_name.get(&id.name).copied() {
                Some(p) => self.param_expr(p, span),
                None => {
                    self.unknown(
                        &id.name,
                        id.span,
                        self.param_by_name.keys().cloned().collect(),
                        "parameter",
                    );
                    Checker::poison(span)
                }
            },
            ast::ExprKind::Member(base, field) => self.member(e, base, field),
            ast::ExprKind::Index(base, index) => self.index(base, index, span),
            ast::ExprKind::Unary(UnOp::Not, inner) => {
                let x = self.expr(inner);
                self.expect_type(&x, &Type::Bool, "`not` needs a condition: it");
                mk(ExprKind::Not(Box::new(x)), Type::Bool)
            }
            ast::ExprKind::Unary(UnOp::Neg, inner) => {
                let x = self.expr(inner);
                if !x.ty.is_numeric() && !x.ty.is_error() {
                    let msg = format!("cannot negate {}", self.type_name(&x.ty));
                    self.error(
                        Diagnostic::error("E0302", msg).with_label(inner.span, "not a number"),
                    );
                }
                let ty = x.ty.clone();
                mk(ExprKind::Neg(Box::new(x)), ty)
            }
            ast::ExprKind::Binary(op, l, r) => self.binary(*op, l, r, span),
            ast::ExprKind::If(c, t, f) => {
                let cond = self.expr(c);
                self.expect_type(&cond, &Type::Bool, "an `if` condition");
                let mark = self.scope.mark();
                self.scope.add_facts(narrow::when_true(c));
                let then = self.expr(t);
                self.scope.reset(mark);
                self.scope.add_facts(narrow::when_false(c));
                let other = self.expr(f);
                self.scope.reset(mark);
                let ty = self.join(&then, &other, "the `then` and `else` branches");
                mk(
                    ExprKind::If(Box::new(cond), Box::new(then), Box::new(other)),
                    ty,
                )
            }
            ast::ExprKind::Let(bindings, body) => {
                let mark = self.scope.mark();
                let mut lowered = Vec::new();
                for (name, value) in bindings {
                    let v = self.expr(value);
                    let slot = self.scope.bind(&name.name, v.ty.clone());
                    lowered.push((slot, v));
                }
                let mut out = self.expr(body);
                self.scope.reset(mark);
                for (slot, v) in lowered.into_iter().rev() {
                    let ty = out.ty.clone();
                    out = Expr {
                        kind: ExprKind::Let(slot, Box::new(v), Box::new(out)),
                        ty,
                        span,
                    };
                }
                out
            }
            ast::ExprKind::Match(scrutinee, arms) => self.match_expr(scrutinee, arms, span),
            ast::ExprKind::Call(name, args) => self.call(name, args, span),
            ast::ExprKind::List(items) => {
                let mut ty: Option<Type> = None;
                let mut out = Vec::new();
                for (item, when) in items {
                    let mark = self.scope.mark();
                    let w = when.as_ref().map(|w| {
                        let c = self.expr(w);
                        self.expect_type(&c, &Type::Bool, "a `when` condition");
                        self.scope.add_facts(narrow::when_true(w));
                        c
                    });
                    let x = self.expr(item);
                    self.scope.reset(mark);
                    ty = Some(match ty {
                        None => x.ty.clone(),
                        Some(t) => match t.join(&x.ty) {
                            Some(j) => j,
                            None => {
                                let msg = format!(
                                    "a list holds one type: this is {}, the items before are {}",
                                    self.type_name(&x.ty),
                                    self.type_name(&t)
                                );
                                self.error(
                                    Diagnostic::error("E0301", msg)
                                        .with_label(item.span, "different type"),
                                );
                                t
                            }
                        },
                    });
                    out.push((x, w));
                }
                mk(
                    ExprKind::List(out),
                    Type::List(Box::new(ty.unwrap_or(Type::Error))),
                )
            }
            ast::ExprKind::ListComp(comp) => {
                let c = self.comprehension(comp, span);
                let ty = Type::List(Box::new(c.element.ty.clone()));
                mk(ExprKind::Aggregate(ir::Aggregate::List, Box::new(c)), ty)
            }
            ast::ExprKind::MapComp { key, value, comp } => {
                let mark = self.scope.mark();
                let mut c = self.comprehension_head(comp);
                let k = self.expr(key);
                let v = self.expr(value);
                self.scope.reset(mark);
                if !matches!(
                    k.ty,
                    Type::Entity(_)
                        | Type::Text
                        | Type::Enum(_)
                        | Type::Int
                        | Type::Date
                        | Type::Month
                        | Type::Quarter
                        | Type::Year
                        | Type::Error
                ) {
                    let msg = format!(
                        "a map's keys are records, text, enum values, ints, dates or periods; this is {}",
                        self.type_name(&k.ty)
                    );
                    self.error(Diagnostic::error("E0301", msg).with_label(key.span, "this key"));
                }
                let ty = Type::Map(Box::new(k.ty.clone()), Box::new(v.ty.clone()));
                c.element = Box::new(Checker::poison(span));
                mk(ExprKind::MapComp(Box::new(k), Box::new(v), Box::new(c)), ty)
            }
            ast::ExprKind::EmptyMap => mk(
                ExprKind::EmptyMap,
                Type::Map(Box::new(Type::Error), Box::new(Type::Error)),
            ),
        }
    }

    fn literal(&mut self, lit: &Literal, span: Span) -> Expr {
        let (v, ty) = match lit {
            Literal::Number {
                value,
                unit,
                integer,
            } => {
                let ty = match unit {
                    LitUnit::Yuan => {
                        if self.in_body && !value.is_zero() {
                            self.money_literals.push(span);
                        }
                        Type::Money
                    }
                    LitUnit::Points => Type::Score,
                    LitUnit::None if *integer => Type::Int,
                    LitUnit::None => Type::Decimal,
                };
                (Value::Num(*value), ty)
            }
            Literal::Text(s) => (Value::Text(Arc::from(s.as_str())), Type::Text),
            Literal::Bool(b) => (Value::Bool(*b), Type::Bool),
            Literal::None => (Value::None, Type::NoneLit),
            Literal::Date(d) => (Value::Date(*d), Type::Date),
            Literal::Month(m) => (Value::Month(*m), Type::Month),
            Literal::Quarter(q) => (Value::Quarter(*q), Type::Quarter),
        };
        Expr {
            kind: ExprKind::Const(v),
            ty,
            span,
        }
    }

    pub(super) fn param_expr(&mut self, p: ir::ParamId, span: Span) -> Expr {
        if let Some(u) = self.param_used.get_mut(p as usize) {
            *u = true;
        }
        let ty = self
            .prog
            .params
            .get(p as usize)
            .map(|x| x.ty.clone())
            .unwrap_or(Type::Error);
        Expr {
            kind: ExprKind::Param(p),
            ty,
            span,
        }
    }

    fn entity_name(&self, e: EntityId) -> String {
        self.prog
            .entities
            .get(e as usize)
            .map(|x| x.name.clone())
            .unwrap_or_default()
    }

    /// A field of `base` (already lowered, of entity type `e`), narrowed if `path` is known present.
    fn field_expr(
        &mut self,
        base: Expr,
        e: EntityId,
        f: ir::FieldId,
        path: Option<&[String]>,
        span: Span,
    ) -> Expr {
        let mut ty = self
            .prog
            .entities
            .get(e as usize)
            .and_then(|x| x.fields.get(f as usize))
            .map(|x| x.ty.clone())
            .unwrap_or(Type::Error);
        if path.is_some_and(|p| self.scope.knows(p)) {
            ty = ty.unwrap_optional().clone();
        }
        Expr {
            kind: ExprKind::Field {
                base: Box::new(base),
                entity: e,
                field: f,
            },
            ty,
            span,
        }
    }

    fn def_expr(
        &mut self,
        d: ir::DefId,
        entity: Option<Box<Expr>>,
        period: Option<Box<Expr>>,
        span: Span,
    ) -> Expr {
        if self.case_data_only {
            let name = self
                .prog
                .defs
                .get(d as usize)
                .map(|x| x.name.clone())
                .unwrap_or_default();
            self.error(
                Diagnostic::error(
                    "E0303",
                    format!("`{name}` is computed by the policy; only case data can be used here"),
                )
                .with_label(span, "a definition")
                .with_help("a `require`, a default or a parameter is checked before anything is computed: use the case fields it is computed from"),
            );
            return Checker::poison(span);
        }
        self.note_dep(Dep::Def(d));
        let ty = self
            .prog
            .defs
            .get(d as usize)
            .map(|x| x.ty.clone())
            .unwrap_or(Type::Error);
        Expr {
            kind: ExprKind::DefCall {
                def: d,
                entity,
                period,
            },
            ty,
            span,
        }
    }

    pub(super) fn self_expr(&self, span: Span) -> Option<Expr> {
        self.scope.self_entity.map(|e| Expr {
            kind: ExprKind::SelfRef,
            ty: Type::Entity(e),
            span,
        })
    }

    pub(super) fn resolve_name(&mut self, n: &str, span: Span) -> Resolved {
        if n == "self" {
            return match self.self_expr(span) {
                Some(x) => Resolved::Expr(x),
                None => {
                    self.error(
                        Diagnostic::error(
                            "E0103",
                            "`self` is only meaningful inside an entity's definition or require",
                        )
                        .with_label(span, "no record here"),
                    );
                    Resolved::Expr(Checker::poison(span))
                }
            };
        }
        if let Some(l) = self.scope.lookup(n) {
            let ty = if self.scope.knows(&[n.to_string()]) {
                l.ty.unwrap_optional().clone()
            } else {
                l.ty.clone()
            };
            return Resolved::Expr(Expr {
                kind: ExprKind::Local(l.slot),
                ty,
                span,
            });
        }
        if let Some(e) = self.scope.self_entity {
            if let Some(&f) = self.fields.get(e as usize).and_then(|m| m.get(n)) {
                let Some(base) = self.self_expr(span) else {
                    return Resolved::Expr(Checker::poison(span));
                };
                return Resolved::Expr(self.field_expr(base, e, f, Some(&[n.to_string()]), span));
            }
            if let Some(&d) = self.def_by_name.get(&(Some(e), n.to_string())) {
                let base = self.self_expr(span).map(Box::new);
                return self.def_resolved(d, base, span);
            }
        }
        if let Some(&p) = self.param_by_name.get(n) {
            return Resolved::Expr(self.param_expr(p, span));
        }
        if let Some(&d) = self.def_by_name.get(&(None, n.to_string())) {
            return self.def_resolved(d, None, span);
        }
        if let Some(&f) = self.case_field_by_name.get(n) {
            let ty = self
                .prog
                .case_fields
                .get(f as usize)
                .map(|x| x.ty.clone())
                .unwrap_or(Type::Error);
            if let Type::List(inner) = &ty
                && let Type::Entity(e) = **inner
            {
                return Resolved::Expr(Expr {
                    kind: ExprKind::AllOf(e),
                    ty,
                    span,
                });
            }
            return Resolved::Expr(Expr {
                kind: ExprKind::CaseField(f),
                ty,
                span,
            });
        }
        if let Some(vs) = self.variants.get(n).cloned() {
            if let [(e, v)] = vs.as_slice() {
                return Resolved::Expr(Expr {
                    kind: ExprKind::Const(Value::Enum(*v)),
                    ty: Type::Enum(*e),
                    span,
                });
            }
            let options: Vec<String> = vs
                .iter()
                .filter_map(|(e, _)| {
                    self.prog
                        .enums
                        .get(*e as usize)
                        .map(|x| format!("`{}.{n}`", x.name))
                })
                .collect();
            self.error(
                Diagnostic::error("E0104", format!("`{n}` is a variant of several enums"))
                    .with_label(span, "ambiguous")
                    .with_help(format!("write {}", options.join(" or "))),
            );
            return Resolved::Expr(Checker::poison(span));
        }
        if let Some(&e) = self.entity_by_name.get(n) {
            return Resolved::Expr(Expr {
                kind: ExprKind::AllOf(e),
                ty: Type::List(Box::new(Type::Entity(e))),
                span,
            });
        }
        let candidates = self.names_in_scope();
        self.unknown(n, span, candidates, "name");
        Resolved::Expr(Checker::poison(span))
    }

    fn def_resolved(&mut self, d: ir::DefId, base: Option<Box<Expr>>, span: Span) -> Resolved {
        let periodic = self
            .prog
            .defs
            .get(d as usize)
            .is_some_and(|x| x.grain.is_some());
        if periodic {
            Resolved::PeriodicDef(d, base)
        } else {
            Resolved::Expr(self.def_expr(d, base, None, span))
        }
    }

    fn names_in_scope(&self) -> Vec<String> {
        let mut names: Vec<String> = self.scope.local_names().map(str::to_string).collect();
        if let Some(e) = self.scope.self_entity {
            if let Some(m) = self.fields.get(e as usize) {
                names.extend(m.keys().cloned());
            }
            names.extend(
                self.def_by_name
                    .keys()
                    .filter(|(x, _)| *x == Some(e))
                    .map(|(_, n)| n.clone()),
            );
        }
        names.extend(self.param_by_name.keys().cloned());
        names.extend(
            self.def_by_name
                .keys()
                .filter(|(x, _)| x.is_none())
                .map(|(_, n)| n.clone()),
        );
        names.extend(self.case_field_by_name.keys().cloned());
        names.extend(self.variants.keys().cloned());
        names.extend(self.entity_by_name.keys().cloned());
        names.sort();
        names
    }

    /// `what` is a kind ("parameter") or a kind of an owner ("field of `干部`").
    pub(super) fn unknown(&mut self, n: &str, span: Span, candidates: Vec<String>, what: &str) {
        let owned = what.split_once(" of ");
        let message = match owned {
            Some((kind, owner)) => format!("{owner} has no {kind} `{n}`"),
            None => format!("unknown {what} `{n}`"),
        };
        let mut d = Diagnostic::error("E0101", message).with_label(span, "not found");
        if let Some(s) = closest(n, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if let Some((_, owner)) = owned
            && (1..=12).contains(&candidates.len())
        {
            let mut names = candidates.clone();
            names.sort();
            names.dedup();
            let names: Vec<String> = names.iter().map(|c| format!("`{c}`")).collect();
            d = d.with_help(format!("{owner} has {}", names.join(", ")));
        }
        self.error(d);
    }

    /// `base.name`: a field or definition of a record, or `Enum.variant`.
    fn member(&mut self, whole: &ast::Expr, base: &ast::Expr, name: &ast::Ident) -> Expr {
        let span = whole.span;
        if let ast::ExprKind::Name(n) = &base.kind
            && self.scope.lookup(n).is_none()
            && let Some(&e) = self.enum_by_name.get(n)
        {
            let variants = self
                .prog
                .enums
                .get(e as usize)
                .map(|x| x.variants.clone())
                .unwrap_or_default();
            return match variants.iter().position(|v| *v == name.name) {
                Some(v) => Expr {
                    kind: ExprKind::Const(Value::Enum(v as u32)),
                    ty: Type::Enum(e),
                    span,
                },
                None => {
                    self.unknown(
                        &name.name,
                        name.span,
                        variants,
                        &format!("variant of `{n}`"),
                    );
                    Checker::poison(span)
                }
            };
        }
        match self.member_target(whole, base, name) {
            Resolved::Expr(x) => x,
            Resolved::PeriodicDef(d, _) => {
                let dname = self
                    .prog
                    .defs
                    .get(d as usize)
                    .map(|x| x.name.clone())
                    .unwrap_or_default();
                self.error(
                    Diagnostic::error(
                        "E0102",
                        format!("`{dname}` has a value per period: say which"),
                    )
                    .with_label(span, "needs a period")
                    .with_help(format!("write `….{dname}[q]`")),
                );
                Checker::poison(span)
            }
        }
    }

    fn member_target(
        &mut self,
        whole: &ast::Expr,
        base: &ast::Expr,
        name: &ast::Ident,
    ) -> Resolved {
        let span = whole.span;
        let b = self.expr(base);
        let e = match &b.ty {
            Type::Entity(e) => *e,
            Type::Error => return Resolved::Expr(Checker::poison(span)),
            Type::Optional(inner) if matches!(**inner, Type::Entity(_)) => {
                let shown = source_text(base);
                self.error(
                    Diagnostic::error("E0110", format!("`{shown}` may be none here"))
                        .with_label(base.span, "this may be none")
                        .with_help(format!("check it first: `{shown} != none and …`, or `if {shown} == none then … else …`")),
                );
                return Resolved::Expr(Checker::poison(span));
            }
            other => {
                let msg = format!(
                    "`.{}` needs a record; this is {}",
                    name.name,
                    self.type_name(other)
                );
                self.error(Diagnostic::error("E0302", msg).with_label(base.span, "not a record"));
                return Resolved::Expr(Checker::poison(span));
            }
        };
        if let Some(&f) = self.fields.get(e as usize).and_then(|m| m.get(&name.name)) {
            let path = narrow::path_of(whole);
            return Resolved::Expr(self.field_expr(b, e, f, path.as_deref(), span));
        }
        if let Some(&d) = self.def_by_name.get(&(Some(e), name.name.clone())) {
            return self.def_resolved(d, Some(Box::new(b)), span);
        }
        let mut candidates: Vec<String> = self
            .fields
            .get(e as usize)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        candidates.extend(
            self.def_by_name
                .keys()
                .filter(|(x, _)| *x == Some(e))
                .map(|(_, n)| n.clone()),
        );
        let ename = self.entity_name(e);
        self.unknown(
            &name.name,
            name.span,
            candidates,
            &format!("field of `{ename}`"),
        );
        Resolved::Expr(Checker::poison(span))
    }

    fn index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> Expr {
        // A definition with a period: `name[q]` or `x.name[q]`.
        let target = match &base.kind {
            ast::ExprKind::Name(n) => Some(self.resolve_name(n, base.span)),
            ast::ExprKind::Member(b, f) if !self.is_enum_name(b) => {
                Some(self.member_target(base, b, f))
            }
            _ => None,
        };
        let b = match target {
            Some(Resolved::PeriodicDef(d, entity)) => {
                let p = self.expr(index);
                let grain = self.prog.defs.get(d as usize).and_then(|x| x.grain);
                if let Some(g) = grain
                    && !p.ty.fits(&g.period_type())
                    && !p.ty.is_error()
                {
                    self.period_index_error(base, index, g, &p.ty);
                }
                return self.def_expr(d, entity, Some(Box::new(p)), span);
            }
            Some(Resolved::Expr(x)) => x,
            None => self.expr(base),
        };
        let i = self.expr(index);
        let ty = match &b.ty {
            Type::Error => Type::Error,
            Type::PerPeriod(g, inner) => {
                if !i.ty.fits(&g.period_type()) && !i.ty.is_error() {
                    self.period_index_error(base, index, *g, &i.ty);
                }
                (**inner).clone()
            }
            Type::List(inner) => {
                self.expect_type(&i, &Type::Int, "a list index");
                (**inner).clone()
            }
            Type::Map(k, v) => {
                if !i.ty.fits(k) {
                    let msg = format!(
                        "the keys are {}, this is {}",
                        self.type_name(k),
                        self.type_name(&i.ty)
                    );
                    self.error(
                        Diagnostic::error("E0301", msg).with_label(index.span, "wrong key type"),
                    );
                }
                // A table parameter has a value for every variant.
                if matches!(b.kind, ExprKind::Param(_)) {
                    (**v).clone()
                } else {
                    (**v).clone().optional()
                }
            }
            Type::Optional(_) => {
                let shown = source_text(base);
                self.error(
                    Diagnostic::error("E0110", format!("`{shown}` may be none here"))
                        .with_label(base.span, "this may be none")
                        .with_help(format!("check it first: `{shown} != none and …`")),
                );
                Type::Error
            }
            other => {
                let msg = format!("cannot index {}", self.type_name(other));
                self.error(
                    Diagnostic::error("E0302", msg)
                        .with_label(base.span, "not a list, map or per-period value"),
                );
                Type::Error
            }
        };
        Expr {
            kind: ExprKind::Index(Box::new(b), Box::new(i)),
            ty,
            span,
        }
    }

    /// `自评分[m]` where `自评分` has a value per quarter and `m` is a month.
    fn period_index_error(&mut self, base: &ast::Expr, index: &ast::Expr, g: Grain, got: &Type) {
        let shown = source_text(base);
        let idx = source_text(index);
        let what = if shown == "this" {
            "this".to_string()
        } else {
            format!("`{shown}`")
        };
        let msg = format!(
            "{what} has a value per {}; this index is {}",
            g.name(),
            self.type_name(got)
        );
        let finer = match got.grain() {
            Some(ig) => ig > g,
            None => *got == Type::Date,
        };
        let coarser = got.grain().is_some_and(|ig| ig < g);
        let mut d = Diagnostic::error("E0301", msg)
            .with_label(index.span, format!("expected a {}", g.name()));
        if shown == "this" || idx == "this" {
            // No text to show a fix with.
        } else if finer {
            d = d.with_help(format!("take its {g}: `{shown}[{g}({idx})]`", g = g.name()));
        } else if coarser {
            let each = if g == Grain::Month {
                "months"
            } else {
                "quarters"
            };
            d = d.with_help(format!(
                "one value per {g}: e.g. `sum({shown}[k] for k in {each}({idx}))`",
                g = g.name()
            ));
        }
        self.error(d);
    }

    fn is_enum_name(&self, e: &ast::Expr) -> bool {
        matches!(&e.kind, ast::ExprKind::Name(n) if self.scope.lookup(n).is_none() && self.enum_by_name.contains_key(n))
    }

    fn join(&mut self, a: &Expr, b: &Expr, what: &str) -> Type {
        match a.ty.join(&b.ty) {
            Some(t) => t,
            None => {
                let msg = format!(
                    "{what} must have one type: {} and {}",
                    self.type_name(&a.ty),
                    self.type_name(&b.ty)
                );
                self.error(
                    Diagnostic::error("E0301", msg)
                        .with_label(a.span, format!("this is {}", self.type_name(&a.ty)))
                        .with_label(b.span, format!("this is {}", self.type_name(&b.ty))),
                );
                Type::Error
            }
        }
    }

    fn binary(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Expr {
        let a = self.expr(l);
        let mark = self.scope.mark();
        match op {
            BinOp::And => self.scope.add_facts(narrow::when_true(l)),
            BinOp::Or => self.scope.add_facts(narrow::when_false(l)),
            _ => {}
        }
        let b = self.expr(r);
        self.scope.reset(mark);
        let mk = |kind, ty| Expr { kind, ty, span };
        let (ta, tb) = (a.ty.clone(), b.ty.clone());
        if ta.is_error() || tb.is_error() {
            let kind = ExprKind::Binary(IrOp::Add, Box::new(a), Box::new(b));
            return mk(kind, Type::Error);
        }
        match op {
            BinOp::And | BinOp::Or => {
                self.expect_type(
                    &a,
                    &Type::Bool,
                    &format!("`{}` joins conditions:", op.symbol()),
                );
                self.expect_type(
                    &b,
                    &Type::Bool,
                    &format!("`{}` joins conditions:", op.symbol()),
                );
                let kind = if op == BinOp::And {
                    ExprKind::And(Box::new(a), Box::new(b))
                } else {
                    ExprKind::Or(Box::new(a), Box::new(b))
                };
                mk(kind, Type::Bool)
            }
            BinOp::Coalesce => {
                let inner = ta.unwrap_optional().clone();
                let ty = match (inner == Type::NoneLit, inner.join(&tb)) {
                    (true, _) => tb.clone(),
                    (false, Some(t)) if !t.is_optional() || tb.is_optional() => t,
                    _ => {
                        let msg = format!(
                            "`??` gives a default of the same type: {} and {}",
                            self.type_name(&inner),
                            self.type_name(&tb)
                        );
                        self.error(
                            Diagnostic::error("E0301", msg).with_label(r.span, "this default"),
                        );
                        Type::Error
                    }
                };
                mk(ExprKind::Coalesce(Box::new(a), Box::new(b)), ty)
            }
            BinOp::Eq | BinOp::Ne => {
                if ta.join(&tb).is_none() && !self.chained(l, &a, &b) {
                    self.mismatch(op, &a, &b);
                }
                let irop = if op == BinOp::Eq { IrOp::Eq } else { IrOp::Ne };
                mk(ExprKind::Binary(irop, Box::new(a), Box::new(b)), Type::Bool)
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordered = |t: &Type| {
                    matches!(
                        t,
                        Type::Int
                            | Type::Decimal
                            | Type::Money
                            | Type::Score
                            | Type::Date
                            | Type::Month
                            | Type::Quarter
                            | Type::Year
                            | Type::Text
                    )
                };
                if ta.is_optional() || tb.is_optional() {
                    let (x, xs) = if ta.is_optional() { (&a, l) } else { (&b, r) };
                    let shown = source_text(xs);
                    self.error(
                        Diagnostic::error(
                            "E0110",
                            format!("`{shown}` may be none: it cannot be compared"),
                        )
                        .with_label(x.span, "this may be none")
                        .with_help(format!(
                            "check it first: `{shown} != none and …`, or use `({shown} ?? default)`"
                        )),
                    );
                } else if (ta.join(&tb).is_none() || !ordered(&ta)) && !self.chained(l, &a, &b) {
                    self.mismatch(op, &a, &b);
                }
                let irop = match op {
                    BinOp::Lt => IrOp::Lt,
                    BinOp::Le => IrOp::Le,
                    BinOp::Gt => IrOp::Gt,
                    _ => IrOp::Ge,
                };
                mk(ExprKind::Binary(irop, Box::new(a), Box::new(b)), Type::Bool)
            }
            BinOp::In => {
                match &tb {
                    Type::List(inner) if ta.join(inner).is_some() => {}
                    _ => self.mismatch(op, &a, &b),
                }
                mk(
                    ExprKind::Binary(IrOp::In, Box::new(a), Box::new(b)),
                    Type::Bool,
                )
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let optional = [(&a, l), (&b, r)]
                    .into_iter()
                    .find(|(x, _)| matches!(x.ty, Type::Optional(_)));
                if let Some((x, xs)) = optional {
                    let shown = source_text(xs);
                    let zero = match x.ty.unwrap_optional() {
                        Type::Money => "0元",
                        Type::Score => "0分",
                        t if t.is_plain_number() => "0",
                        _ => "a default",
                    };
                    self.error(
                        Diagnostic::error(
                            "E0110",
                            format!("`{shown}` may be none: it cannot be used in `{}`", op.symbol()),
                        )
                        .with_label(x.span, "this may be none")
                        .with_help(format!(
                            "check it first: `if {shown} == none then … else …`, or give a default: `({shown} ?? {zero})`"
                        )),
                    );
                    return Checker::poison(span);
                }
                self.arith(op, a, b, span)
            }
        }
    }

    /// `0分 <= x <= 100分`: the first comparison gives a bool, which the second compares.
    fn chained(&mut self, l: &ast::Expr, a: &Expr, b: &Expr) -> bool {
        let ast::ExprKind::Binary(inner, _, _) = &l.kind else {
            return false;
        };
        if a.ty != Type::Bool
            || !matches!(
                inner,
                BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
            )
        {
            return false;
        }
        self.error(
            Diagnostic::error("E0120", "comparisons do not chain")
                .with_label(a.span, "this comparison gives a bool")
                .with_label(
                    b.span,
                    format!("which is then compared with this {}", self.type_name(&b.ty)),
                )
                .with_help("write two comparisons joined by `and`: `0分 <= x and x <= 100分`"),
        );
        true
    }

    fn mismatch(&mut self, op: BinOp, a: &Expr, b: &Expr) {
        let (ta, tb) = (self.type_name(&a.ty), self.type_name(&b.ty));
        let mut d = Diagnostic::error(
            "E0120",
            format!("`{}` cannot combine {ta} and {tb}", op.symbol()),
        )
        .with_label(a.span, format!("this is {ta}"))
        .with_label(b.span, format!("this is {tb}"));
        d = match (&a.ty, &b.ty) {
            (Type::Money, Type::Score) | (Type::Score, Type::Money) => d.with_help(
                "money and scores do not mix: make the score a fraction first, e.g. `(得分[q] / 100分)`, or convert with `money(…)`/`score(…)`",
            ),
            (Type::Money, t) | (t, Type::Money) if t.is_plain_number() => {
                d.with_help("write the number as money, e.g. `0元`")
            }
            (Type::Score, t) | (t, Type::Score) if t.is_plain_number() => {
                d.with_help("write the number as points, e.g. `0分`")
            }
            (Type::Enum(_), Type::Enum(_)) => d.with_help(
                "a value of one enum never equals a variant of another: is the variant or the field the wrong one?",
            ),
            _ => d,
        };
        self.error(d);
    }

    fn arith(&mut self, op: BinOp, a: Expr, b: Expr, span: Span) -> Expr {
        use Type::*;
        let (ta, tb) = (a.ty.clone(), b.ty.clone());
        let plain = |t: &Type| t.is_plain_number();
        let num_join = |x: &Type, y: &Type| if *x == Int && *y == Int { Int } else { Decimal };
        let result: Option<(IrOp, Type)> = match op {
            BinOp::Add | BinOp::Sub => {
                let irop = if op == BinOp::Add {
                    IrOp::Add
                } else {
                    IrOp::Sub
                };
                match (&ta, &tb) {
                    (x, y) if plain(x) && plain(y) => Some((irop, num_join(x, y))),
                    (Money, Money) => Some((irop, Money)),
                    (Score, Score) => Some((irop, Score)),
                    (Date, Int) | (Month, Int) | (Quarter, Int) | (Year, Int) => Some((
                        if op == BinOp::Add {
                            IrOp::PeriodAdd
                        } else {
                            IrOp::PeriodSub
                        },
                        ta.clone(),
                    )),
                    (Date, Date) if op == BinOp::Sub => Some((IrOp::DateDiff, Int)),
                    (List(_), List(_)) if op == BinOp::Add => {
                        ta.join(&tb).map(|t| (IrOp::Concat, t))
                    }
                    (Text, Text) if op == BinOp::Add => Some((IrOp::Concat, Text)),
                    _ => None,
                }
            }
            BinOp::Mul => match (&ta, &tb) {
                (x, y) if plain(x) && plain(y) => Some((IrOp::Mul, num_join(x, y))),
                (Money, y) | (y, Money) if plain(y) => Some((IrOp::Mul, Money)),
                (Score, y) | (y, Score) if plain(y) => Some((IrOp::Mul, Score)),
                _ => None,
            },
            _ => match (&ta, &tb) {
                (x, y) if plain(x) && plain(y) => Some((IrOp::Div, Decimal)),
                (Money, y) if plain(y) => Some((IrOp::Div, Money)),
                (Score, y) if plain(y) => Some((IrOp::Div, Score)),
                (Money, Money) | (Score, Score) => Some((IrOp::Div, Decimal)),
                _ => None,
            },
        };
        match result {
            Some((irop, ty)) => Expr {
                kind: ExprKind::Binary(irop, Box::new(a), Box::new(b)),
                ty,
                span,
            },
            None => {
                self.mismatch(op, &a, &b);
                Checker::poison(span)
            }
        }
    }

    fn match_expr(&mut self, scrutinee: &ast::Expr, arms: &[ast::MatchArm], span: Span) -> Expr {
        let s = self.expr(scrutinee);
        let Type::Enum(e) = s.ty else {
            if !s.ty.is_error() {
                let msg = format!(
                    "`match` works on an enum value; this is {}",
                    self.type_name(&s.ty)
                );
                self.error(
                    Diagnostic::error("E0301", msg).with_label(scrutinee.span, "not an enum"),
                );
            }
            return Checker::poison(span);
        };
        let variants = self
            .prog
            .enums
            .get(e as usize)
            .map(|x| x.variants.clone())
            .unwrap_or_default();
        let mut table: Vec<Option<u32>> = vec![None; variants.len()];
        let mut bodies = Vec::new();
        let mut ty: Option<Type> = None;
        // A misspelt variant leaves its own variant uncovered: report the misspelling only.
        let mut misspelt = false;
        for (ai, arm) in arms.iter().enumerate() {
            let body = self.expr(&arm.body);
            ty = Some(match &ty {
                None => body.ty.clone(),
                Some(t) => match t.join(&body.ty) {
                    Some(j) => j,
                    None => {
                        let msg = format!(
                            "every arm gives one type: {} and {}",
                            self.type_name(t),
                            self.type_name(&body.ty)
                        );
                        self.error(
                            Diagnostic::error("E0301", msg)
                                .with_label(arm.body.span, "different type"),
                        );
                        t.clone()
                    }
                },
            });
            bodies.push(body);
            if arm.patterns.is_empty() {
                for slot in table.iter_mut().filter(|s| s.is_none()) {
                    *slot = Some(ai as u32);
                }
                continue;
            }
            for p in &arm.patterns {
                match variants.iter().position(|v| *v == p.name) {
                    Some(i) => match table.get_mut(i) {
                        Some(slot @ None) => *slot = Some(ai as u32),
                        _ => self.error(
                            Diagnostic::warning(
                                "W0010",
                                format!("`{}` is already matched above", p.name),
                            )
                            .with_label(p.span, "this arm never runs for it"),
                        ),
                    },
                    None => {
                        let ename = self
                            .prog
                            .enums
                            .get(e as usize)
                            .map(|x| x.name.clone())
                            .unwrap_or_default();
                        misspelt = true;
                        self.unknown(
                            &p.name,
                            p.span,
                            variants.clone(),
                            &format!("variant of `{ename}`"),
                        );
                    }
                }
            }
        }
        let missing: Vec<&str> = variants
            .iter()
            .zip(&table)
            .filter(|(_, s)| s.is_none())
            .map(|(v, _)| v.as_str())
            .collect();
        if !missing.is_empty() && !misspelt {
            let listed: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
            self.error(
                Diagnostic::error(
                    "E0305",
                    format!("`match` does not cover {}", missing.join(", ")),
                )
                .with_label(
                    scrutinee.span,
                    format!("this can also be {}", listed.join(" or ")),
                )
                .with_help("add an arm for each, or `_ => …` for the rest"),
            );
        }
        let table = table.into_iter().map(|s| s.unwrap_or(0)).collect();
        Expr {
            kind: ExprKind::Match(Box::new(s), table, bodies),
            ty: ty.unwrap_or(Type::Error),
            span,
        }
    }
}

/// The text of a small expression, for messages (`s.报送人`).
pub(super) fn source_text(e: &ast::Expr) -> String {
    narrow::path_of(e)
        .map(|p| p.join("."))
        .unwrap_or_else(|| "this".to_string())
}

/// Whether a money expression may carry more decimals than it was rounded to.
pub(super) fn unrounded(e: &Expr) -> bool {
    fn walk(e: &Expr, bad: &mut Vec<ir::Slot>) -> bool {
        use ir::Builtin::*;
        if e.ty != Type::Money {
            return false;
        }
        match &e.kind {
            ExprKind::Binary(IrOp::Div, _, _) => true,
            // Money times a fraction (`月额 * (分 / 100分)`) has as many decimals as both.
            ExprKind::Binary(IrOp::Mul, a, b) if a.ty == Type::Decimal || b.ty == Type::Decimal => {
                true
            }
            ExprKind::Binary(_, a, b) | ExprKind::Coalesce(a, b) => walk(a, bad) || walk(b, bad),
            ExprKind::Neg(a) => walk(a, bad),
            ExprKind::If(_, a, b) => walk(a, bad) || walk(b, bad),
            ExprKind::Let(slot, v, body) => {
                if walk(v, bad) {
                    bad.push(*slot);
                }
                walk(body, bad)
            }
            ExprKind::Local(s) => bad.contains(s),
            ExprKind::Match(_, _, arms) => arms.iter().any(|a| walk(a, bad)),
            ExprKind::Call(Round(_) | Floor | Ceil | Allocate(_), _) => false,
            ExprKind::Call(_, args) => args.iter().any(|a| walk(a, bad)),
            ExprKind::Aggregate(ir::Aggregate::Mean, _)
            | ExprKind::AggregateList(ir::Aggregate::Mean, _) => true,
            ExprKind::Aggregate(_, c) => walk(&c.element, bad),
            ExprKind::List(items) => items.iter().any(|(x, _)| walk(x, bad)),
            _ => false,
        }
    }
    walk(e, &mut Vec::new())
}
