//! The declaration pass: enums, entities, the case, parameters and definition signatures.

use super::ir::*;
use super::scope::Scope;
use super::suggest::closest;
use super::types::{Grain, Type};
use super::{Checker, Dep};
use crate::diagnostic::Diagnostic;
use crate::eval::value::{MapValue, Value};
use crate::syntax::ast;
use std::collections::HashMap;
use std::sync::Arc;

impl Checker {
    pub(super) fn declare(&mut self, items: &[&ast::Item]) {
        let mut seen: HashMap<String, crate::diagnostic::Span> = HashMap::new();
        // Enums first: every type may name them.
        for item in items {
            if let ast::Item::Enum(e) = item {
                self.declare_enum(e, &mut seen);
            }
        }
        let entities: Vec<&ast::EntityDecl> = items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Entity(e) => Some(e),
                _ => None,
            })
            .collect();
        for e in &entities {
            if self.duplicate(&mut seen, &e.name, "type") {
                continue;
            }
            let id = self.prog.entities.len() as u32;
            self.entity_by_name.insert(e.name.name.clone(), id);
            self.prog.entities.push(EntityDef {
                name: e.name.name.clone(),
                key: None,
                fields: Vec::new(),
                requires: Vec::new(),
                uniques: Vec::new(),
                case_field: None,
                span: e.name.span,
            });
            self.fields.push(HashMap::new());
        }
        for e in &entities {
            self.declare_fields(e);
        }
        let cases: Vec<&ast::CaseDecl> = items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Case(c) => Some(c),
                _ => None,
            })
            .collect();
        if let Some(extra) = cases.get(1) {
            let keyword = crate::diagnostic::Span {
                end: extra.span.start.saturating_add(4).min(extra.span.end),
                ..extra.span
            };
            self.error(
                Diagnostic::error("E0201", "a policy has one `case { … }`")
                    .with_label(keyword, "a second case declaration")
                    .with_help("put every field of the case file in one `case { … }`"),
            );
        }
        if let Some(c) = cases.first() {
            // Every block's fields, so the mistake above is the only one reported.
            let mut all = (*c).clone();
            for extra in cases.iter().skip(1) {
                all.fields.extend(extra.fields.iter().cloned());
            }
            self.declare_case(&all);
        }
        for (i, ent) in self.prog.entities.clone().iter().enumerate() {
            if ent.case_field.is_none() {
                self.error(
                    Diagnostic::error(
                        "E0202",
                        format!("no field of the case holds the records of `{}`", ent.name),
                    )
                    .with_label(ent.span, "declared here")
                    .with_help(format!(
                        "add a field such as `{}: [{}]` to `case {{ … }}`",
                        ent.name, ent.name
                    )),
                );
                let _ = i;
            }
        }
        for item in items {
            if let ast::Item::Param(p) = item {
                self.declare_param(p, &mut seen);
            }
        }
        let mut rule_names: HashMap<String, crate::diagnostic::Span> = HashMap::new();
        for item in items {
            match item {
                ast::Item::Def(d) => self.declare_def(d, &mut seen),
                ast::Item::Rule(r) => {
                    if let Some(first) = rule_names.get(&r.name.name) {
                        self.error(
                            Diagnostic::error(
                                "E0203",
                                format!("rule `{}` is declared twice", r.name.name),
                            )
                            .with_label(r.name.span, "declared again here")
                            .with_label(*first, "first declared here"),
                        );
                    } else {
                        rule_names.insert(r.name.name.clone(), r.name.span);
                    }
                }
                _ => {}
            }
        }
        self.param_used = vec![false; self.prog.params.len()];
        self.def_used = vec![false; self.prog.defs.len()];
        self.def_deps = vec![Default::default(); self.prog.defs.len()];
    }

    /// Reports a name declared twice among types, params and global names.
    fn duplicate(
        &mut self,
        seen: &mut HashMap<String, crate::diagnostic::Span>,
        name: &ast::Ident,
        what: &str,
    ) -> bool {
        if let Some(first) = seen.get(&name.name) {
            self.error(
                Diagnostic::error("E0203", format!("`{}` is declared twice", name.name))
                    .with_label(name.span, format!("this {what} reuses the name"))
                    .with_label(*first, "first declared here")
                    .with_help("rename one of them"),
            );
            return true;
        }
        seen.insert(name.name.clone(), name.span);
        false
    }

    fn declare_enum(
        &mut self,
        e: &ast::EnumDecl,
        seen: &mut HashMap<String, crate::diagnostic::Span>,
    ) {
        if self.duplicate(seen, &e.name, "enum") {
            return;
        }
        let id = self.prog.enums.len() as u32;
        let mut names: Vec<String> = Vec::new();
        for v in &e.variants {
            if names.contains(&v.name) {
                self.error(
                    Diagnostic::error(
                        "E0203",
                        format!("`{}` is listed twice in enum `{}`", v.name, e.name.name),
                    )
                    .with_label(v.span, "listed again here"),
                );
                continue;
            }
            self.variants
                .entry(v.name.clone())
                .or_default()
                .push((id, names.len() as u32));
            names.push(v.name.clone());
        }
        self.enum_by_name.insert(e.name.name.clone(), id);
        self.prog.enums.push(EnumDef {
            name: e.name.name.clone(),
            variants: names,
            span: e.name.span,
        });
    }

    pub(super) fn resolve_type(&mut self, t: &ast::TypeExpr) -> Type {
        match &t.kind {
            ast::TypeExprKind::Named(id) => {
                if let Some(b) = Type::from_builtin_name(&id.name) {
                    return b;
                }
                if let Some(e) = self.enum_by_name.get(&id.name) {
                    return Type::Enum(*e);
                }
                if let Some(e) = self.entity_by_name.get(&id.name) {
                    return Type::Entity(*e);
                }
                let names: Vec<String> = Type::BUILTIN_NAMES
                    .iter()
                    .map(|s| s.to_string())
                    .chain(self.enum_by_name.keys().cloned())
                    .chain(self.entity_by_name.keys().cloned())
                    .collect();
                let mut d = Diagnostic::error("E0204", format!("unknown type `{}`", id.name))
                    .with_label(id.span, "not a type");
                d = match closest(&id.name, names.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(
                        "types are int, decimal, money, score, bool, text, date, month, quarter, year, an enum or an entity",
                    ),
                };
                self.error(d);
                Type::Error
            }
            ast::TypeExprKind::List(inner) => Type::List(Box::new(self.resolve_type(inner))),
            ast::TypeExprKind::Map(key, value) => {
                let k = match key {
                    Some(k) => self.resolve_type(k),
                    None => Type::Text,
                };
                Type::Map(Box::new(k), Box::new(self.resolve_type(value)))
            }
            ast::TypeExprKind::PerPeriod(inner, grain) => {
                let inner = self.resolve_type(inner);
                match Grain::from_name(&grain.name) {
                    Some(g) => Type::PerPeriod(g, Box::new(inner)),
                    None => {
                        self.error(
                            Diagnostic::error(
                                "E0204",
                                format!("`per {}`: not a period", grain.name),
                            )
                            .with_label(grain.span, "expected year, quarter or month")
                            .with_help(match grain.name.as_str() {
                                "季度" | "季" => "write `per quarter`",
                                "月" | "月份" | "月度" => "write `per month`",
                                "年" | "年度" => "write `per year`",
                                _ => "values can be per year, per quarter or per month",
                            }),
                        );
                        Type::Error
                    }
                }
            }
            ast::TypeExprKind::Optional(inner) => self.resolve_type(inner).optional(),
        }
    }

    fn declare_fields(&mut self, e: &ast::EntityDecl) {
        let Some(&id) = self.entity_by_name.get(&e.name.name) else {
            return;
        };
        let fields = self.field_decls(&e.fields);
        let mut index = HashMap::new();
        for (i, f) in fields.iter().enumerate() {
            index.insert(f.name.clone(), i as FieldId);
        }
        let key = e.key.as_ref().and_then(|k| match index.get(&k.name) {
            Some(&f) => {
                let ty = &fields[f as usize].ty;
                if *ty != Type::Text {
                    self.error(
                        Diagnostic::error("E0206", format!("the key `{}` must be `text`", k.name))
                            .with_label(k.span, format!("this field is {}", self.type_name(ty)))
                            .with_help(format!(
                                "declare it `{}: text`: keys are text, even when they are digits",
                                k.name
                            )),
                    );
                }
                Some(f)
            }
            None => {
                self.error(
                    Diagnostic::error(
                        "E0206",
                        format!("`{}` has no field `{}` to be its key", e.name.name, k.name),
                    )
                    .with_label(k.span, "not a field of this entity"),
                );
                None
            }
        });
        let mut uniques = Vec::new();
        for u in &e.uniques {
            let mut ids = Vec::new();
            for f in &u.fields {
                match index.get(&f.name) {
                    Some(&fi) if !ids.contains(&fi) => ids.push(fi),
                    Some(_) => {}
                    None => {
                        let names: Vec<String> = fields.iter().map(|x| x.name.clone()).collect();
                        self.unknown(
                            &f.name,
                            f.span,
                            names,
                            &format!("field of `{}`", e.name.name),
                        );
                    }
                }
            }
            uniques.push(UniqueDef {
                fields: ids,
                message: u.message.clone(),
                span: u.span,
            });
        }
        if let Some(slot) = self.fields.get_mut(id as usize) {
            *slot = index;
        }
        if let Some(ent) = self.prog.entities.get_mut(id as usize) {
            ent.fields = fields;
            ent.key = key;
            ent.uniques = uniques;
        }
    }

    fn field_decls(&mut self, decls: &[ast::FieldDecl]) -> Vec<FieldDef> {
        let mut fields: Vec<FieldDef> = Vec::new();
        for f in decls {
            if let Some(first) = fields.iter().find(|x| x.name == f.name.name) {
                let first = first.span;
                self.error(
                    Diagnostic::error(
                        "E0203",
                        format!("field `{}` is declared twice", f.name.name),
                    )
                    .with_label(f.name.span, "declared again here")
                    .with_label(first, "first declared here"),
                );
                continue;
            }
            let ty = self.resolve_type(&f.ty);
            let default = f.default.as_ref().and_then(|d| {
                self.scope = Scope::new(None);
                self.case_data_only = true;
                let e = self.expr(d);
                self.case_data_only = false;
                if !e.ty.fits(&ty) {
                    let msg = format!(
                        "the default is {}, the field is {}",
                        self.type_name(&e.ty),
                        self.type_name(&ty)
                    );
                    self.error(Diagnostic::error("E0301", msg).with_label(d.span, "this default"));
                }
                self.const_value(&e)
            });
            fields.push(FieldDef {
                name: f.name.name.clone(),
                ty,
                default,
                span: f.name.span,
            });
        }
        fields
    }

    fn declare_case(&mut self, c: &ast::CaseDecl) {
        let fields = self.field_decls(&c.fields);
        for (i, f) in fields.iter().enumerate() {
            self.case_field_by_name.insert(f.name.clone(), i as FieldId);
            let holds = match &f.ty {
                Type::Entity(e) => Some(*e),
                Type::List(inner) => match **inner {
                    Type::Entity(e) => Some(e),
                    _ => None,
                },
                _ => None,
            };
            if let Some(e) = holds
                && let Some(ent) = self.prog.entities.get_mut(e as usize)
            {
                if ent.case_field.is_some() {
                    let name = ent.name.clone();
                    self.error(
                        Diagnostic::error(
                            "E0202",
                            format!("the records of `{name}` are listed twice in the case"),
                        )
                        .with_label(f.span, "a second field holding them"),
                    );
                } else {
                    ent.case_field = Some(i as FieldId);
                }
            }
        }
        self.prog.case_fields = fields;
    }

    /// A parameter's value must be known before any case is read.
    pub(super) fn const_value(&mut self, e: &Expr) -> Option<Value> {
        let v = match &e.kind {
            ExprKind::Const(v) => Some(v.clone()),
            ExprKind::Neg(inner) => match self.const_value(inner) {
                Some(Value::Num(n)) => Some(Value::Num(-n)),
                _ => None,
            },
            ExprKind::List(items) if items.iter().all(|(_, w)| w.is_none()) => items
                .iter()
                .map(|(x, _)| self.const_value(x))
                .collect::<Option<Vec<_>>>()
                .map(|v| Value::List(Arc::from(v))),
            ExprKind::EmptyMap => Some(Value::Map(Arc::new(MapValue::default()))),
            _ => None,
        };
        if v.is_none() && !e.ty.is_error() {
            self.error(
                Diagnostic::error("E0302", "this must be a literal value")
                    .with_label(e.span, "computed here")
                    .with_help("parameters and defaults are fixed values such as 600元, 3, true, [\"a\"]; compute with a `def`"),
            );
        }
        v
    }

    fn declare_param(
        &mut self,
        p: &ast::ParamDecl,
        seen: &mut HashMap<String, crate::diagnostic::Span>,
    ) {
        if self.duplicate(seen, &p.name, "parameter") {
            return;
        }
        let declared = p.ty.as_ref().map(|t| self.resolve_type(t));
        let base = self.param_value(&p.value);
        let mut ty = match (&declared, &base) {
            (Some(d), _) => d.clone(),
            (None, Some((_, t))) => t.clone(),
            (None, None) => Type::Error,
        };
        if let (Some(d), Some((_, t))) = (&declared, &base)
            && !t.fits(d)
        {
            let msg = format!(
                "`{}` is declared {} but its value is {}",
                p.name.name,
                self.type_name(d),
                self.type_name(t)
            );
            let value_span = match &p.value {
                ast::ParamValue::Expr(e) => e.span,
                ast::ParamValue::Table(_, s) => *s,
            };
            let mut diag = Diagnostic::error("E0301", msg)
                .with_label(value_span, format!("this is {}", self.type_name(t)));
            if let Some(ty_span) = p.ty.as_ref().map(|t| t.span) {
                diag = diag.with_label(ty_span, "declared here");
            }
            diag = match d {
                Type::Money => diag.with_help("write money in 元, 万元 or 亿元, e.g. `600元`"),
                Type::Score => diag.with_help("write points in 分, e.g. `5分`"),
                _ => diag,
            };
            self.error(diag);
            ty = Type::Error;
        }
        let mut values = Vec::new();
        if let Some((v, _)) = base {
            values.push((None, v));
        }
        let mut last_date = None;
        for dv in &p.dated {
            let date = match &dv.from.kind {
                ast::ExprKind::Literal(ast::Literal::Date(d)) => *d,
                _ => continue,
            };
            if last_date.is_some_and(|l| date <= l) {
                self.error(
                    Diagnostic::error("E0303", "dated values must be in date order")
                        .with_label(dv.from.span, "this date is not after the one before"),
                );
            }
            last_date = Some(date);
            if let Some((v, t)) = self.param_value(&dv.value) {
                if !t.fits(&ty) {
                    let msg = format!(
                        "this value is {}, the parameter is {}",
                        self.type_name(&t),
                        self.type_name(&ty)
                    );
                    self.error(
                        Diagnostic::error("E0301", msg)
                            .with_label(dv.from.span, "value from this date"),
                    );
                }
                values.push((Some(date), v));
            }
        }
        if p.provenance.is_empty()
            && !matches!(&p.value, ast::ParamValue::Table(entries, _) if entries.iter().all(|e| !e.provenance.is_empty()))
        {
            self.error(
                Diagnostic::warning(
                    "W0005",
                    format!("parameter `{}` cites no clause", p.name.name),
                )
                .with_label(p.name.span, "where does this number come from?")
                .with_help("add `cite 三㈢3①` or `assumption \"why\"`"),
            );
        }
        let id = self.prog.params.len() as ParamId;
        self.param_by_name.insert(p.name.name.clone(), id);
        self.prog.params.push(ParamDef {
            name: p.name.name.clone(),
            ty,
            values,
            provenance: lower_provenance(&p.provenance),
            span: p.name.span,
        });
    }

    /// Lowers a parameter's value: a literal, or a table keyed by an enum.
    fn param_value(&mut self, v: &ast::ParamValue) -> Option<(ParamValue, Type)> {
        self.scope = Scope::new(None);
        self.case_data_only = true;
        let result = match v {
            ast::ParamValue::Expr(e) => {
                let ir = self.expr(e);
                let ty = ir.ty.clone();
                self.const_value(&ir).map(|v| (ParamValue::Plain(v), ty))
            }
            ast::ParamValue::Table(entries, span) => self.table_value(entries, *span),
        };
        self.case_data_only = false;
        result
    }

    fn table_value(
        &mut self,
        entries: &[ast::TableEntry],
        span: crate::diagnostic::Span,
    ) -> Option<(ParamValue, Type)> {
        let first = entries.first()?;
        let Some(candidates) = self.variants.get(&first.key.name).cloned() else {
            self.error(
                Diagnostic::error(
                    "E0304",
                    format!("`{}` is not a variant of any enum", first.key.name),
                )
                .with_label(
                    first.key.span,
                    "a table is keyed by the variants of one enum",
                ),
            );
            return None;
        };
        // The enum whose variants cover all keys.
        let enum_id = candidates
            .iter()
            .map(|(e, _)| *e)
            .find(|e| {
                entries.iter().all(|en| {
                    self.prog
                        .enums
                        .get(*e as usize)
                        .is_some_and(|d| d.variants.contains(&en.key.name))
                })
            })
            .unwrap_or(candidates.first().map(|c| c.0).unwrap_or(0));
        let variants = self.prog.enums.get(enum_id as usize)?.variants.clone();
        let enum_name = self.prog.enums.get(enum_id as usize)?.name.clone();
        let mut slots: Vec<Option<(Value, Vec<Provenance>)>> = vec![None; variants.len()];
        let mut ty: Option<Type> = None;
        // Keys that are no variant, reported once it is known which variants lack a value.
        let mut wrong: Vec<(Diagnostic, bool)> = Vec::new();
        for en in entries {
            let Some(i) = variants.iter().position(|v| *v == en.key.name) else {
                let mut d = Diagnostic::error(
                    "E0304",
                    format!("`{}` is not a variant of `{enum_name}`", en.key.name),
                )
                .with_label(en.key.span, "unknown key");
                let suggested = closest(&en.key.name, variants.iter().map(String::as_str));
                if let Some(s) = suggested {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                wrong.push((d, suggested.is_some()));
                continue;
            };
            let ir = self.expr(&en.value);
            ty = match &ty {
                None => Some(ir.ty.clone()),
                Some(t) => match t.join(&ir.ty) {
                    Some(j) => Some(j),
                    None => {
                        let msg = format!(
                            "this value is {}, the others are {}",
                            self.type_name(&ir.ty),
                            self.type_name(t)
                        );
                        self.error(
                            Diagnostic::error("E0301", msg)
                                .with_label(en.value.span, "different type"),
                        );
                        Some(t.clone())
                    }
                },
            };
            if slots.get(i).is_some_and(Option::is_some) {
                self.error(
                    Diagnostic::error(
                        "E0203",
                        format!("`{}` is given twice in this table", en.key.name),
                    )
                    .with_label(en.key.span, "given again here"),
                );
                continue;
            }
            if let Some(v) = self.const_value(&ir)
                && let Some(s) = slots.get_mut(i)
            {
                *s = Some((v, lower_provenance(&en.provenance)));
            }
        }
        let missing: Vec<&str> = variants
            .iter()
            .zip(&slots)
            .filter(|(_, s)| s.is_none())
            .map(|(v, _)| v.as_str())
            .collect();
        if !wrong.is_empty() {
            let only = (wrong.len() == 1 && missing.len() == 1).then(|| missing[0]);
            for (mut d, suggested) in wrong {
                if !suggested && !missing.is_empty() {
                    d = match only {
                        Some(m) => d.with_help(format!(
                            "did you mean `{m}`? it is the one variant without a value"
                        )),
                        None => d.with_help(format!(
                            "the variants of `{enum_name}` without a value are {}",
                            missing
                                .iter()
                                .map(|m| format!("`{m}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )),
                    };
                }
                self.error(d);
            }
            return None;
        }
        if !missing.is_empty() {
            self.error(
                Diagnostic::error(
                    "E0305",
                    format!("the table has no value for {}", missing.join(", ")),
                )
                .with_label(
                    span,
                    format!("every variant of `{enum_name}` needs a value"),
                )
                .with_help(format!(
                    "add `{}: …`",
                    missing.first().copied().unwrap_or_default()
                )),
            );
            return None;
        }
        let values: Vec<(Value, Vec<Provenance>)> = slots.into_iter().flatten().collect();
        let value_ty = ty.unwrap_or(Type::Error);
        Some((
            ParamValue::Table(enum_id, values),
            Type::Map(Box::new(Type::Enum(enum_id)), Box::new(value_ty)),
        ))
    }

    fn declare_def(
        &mut self,
        d: &ast::DefDecl,
        seen: &mut HashMap<String, crate::diagnostic::Span>,
    ) {
        let entity = match &d.entity {
            None => {
                if self.duplicate(seen, &d.name, "definition") {
                    return;
                }
                None
            }
            Some(e) => match self.entity_by_name.get(&e.name) {
                Some(id) => Some(*id),
                None => {
                    let mut diag =
                        Diagnostic::error("E0101", format!("unknown entity `{}`", e.name))
                            .with_label(e.span, "no entity has this name");
                    if let Some(s) =
                        closest(&e.name, self.entity_by_name.keys().map(String::as_str))
                    {
                        diag = diag.with_help(format!("did you mean `{s}`?"));
                    } else {
                        let mut names: Vec<String> = self
                            .entity_by_name
                            .keys()
                            .map(|n| format!("`{n}`"))
                            .collect();
                        names.sort();
                        if !names.is_empty() {
                            diag = diag.with_help(format!("the entities are {}", names.join(", ")));
                        }
                    }
                    self.error(diag);
                    return;
                }
            },
        };
        if let Some(e) = entity {
            if let Some(first) = self
                .def_by_name
                .get(&(Some(e), d.name.name.clone()))
                .and_then(|f| self.prog.defs.get(*f as usize))
                .map(|f| f.span)
            {
                let ename = self
                    .prog
                    .entities
                    .get(e as usize)
                    .map(|x| x.name.clone())
                    .unwrap_or_default();
                self.error(
                    Diagnostic::error(
                        "E0203",
                        format!("`{ename}.{}` is defined twice", d.name.name),
                    )
                    .with_label(d.name.span, "defined again here")
                    .with_label(first, "first defined here")
                    .with_help("rename one of them, or remove the one that is not meant"),
                );
                return;
            }
            if let Some(f) = self
                .fields
                .get(e as usize)
                .and_then(|f| f.get(&d.name.name))
            {
                let fspan = self
                    .prog
                    .entities
                    .get(e as usize)
                    .and_then(|x| x.fields.get(*f as usize))
                    .map(|x| x.span)
                    .unwrap_or_default();
                self.error(
                    Diagnostic::error(
                        "E0203",
                        format!("`{}` is already a field of this entity", d.name.name),
                    )
                    .with_label(d.name.span, "a definition with a field's name")
                    .with_label(fspan, "the field"),
                );
                return;
            }
        }
        let grain = d
            .period
            .as_ref()
            .and_then(|(_, g)| match Grain::from_name(&g.name) {
                Some(g) => Some(g),
                None => {
                    self.error(
                        Diagnostic::error("E0204", format!("`{}` is not a period", g.name))
                            .with_label(g.span, "expected year, quarter or month"),
                    );
                    None
                }
            });
        let ty = self.resolve_type(&d.ty);
        if d.output && entity.is_none() {
            self.error(
                Diagnostic::error("E0207", format!("output `{}` needs an entity", d.name.name))
                    .with_label(
                        d.name.span,
                        "results are rows of (entity, id, period, name)",
                    )
                    .with_help(format!(
                        "define it on an entity: `output def 公司.{}…`",
                        d.name.name
                    )),
            );
        }
        if d.output && grain.is_none() {
            self.error(
                Diagnostic::error("E0207", format!("output `{}` needs a period", d.name.name))
                    .with_label(
                        d.name.span,
                        "results are rows of (entity, id, period, name)",
                    )
                    .with_help("add `[y: year]`, `[q: quarter]` or `[m: month]`"),
            );
        }
        let id = self.prog.defs.len() as DefId;
        self.def_by_name.insert((entity, d.name.name.clone()), id);
        self.prog.defs.push(DefDef {
            name: d.name.name.clone(),
            entity,
            grain,
            ty,
            output: d.output,
            provenance: lower_provenance(&d.provenance),
            domain: None,
            body: Checker::poison(d.body.span),
            frame_size: 0,
            span: d.name.span,
        });
    }

    pub(super) fn lower_defs(&mut self, defs: &[&ast::DefDecl]) {
        for d in defs {
            let entity = d
                .entity
                .as_ref()
                .and_then(|e| self.entity_by_name.get(&e.name).copied());
            let Some(&id) = self.def_by_name.get(&(entity, d.name.name.clone())) else {
                continue;
            };
            let Some(def) = self.prog.defs.get(id as usize) else {
                continue;
            };
            if def.span != d.name.span {
                continue; // a duplicate, reported already
            }
            let (grain, ty) = (def.grain, def.ty.clone());
            self.scope = Scope::new(entity);
            self.deps.clear();
            self.in_body = true;
            if let (Some((var, _)), Some(g)) = (&d.period, grain) {
                self.scope.bind(&var.name, g.period_type());
            }
            let domain = d.domain.as_ref().map(|e| {
                let ir = self.expr(e);
                self.expect_type(&ir, &Type::Bool, "a `where` condition");
                self.scope.add_facts(super::narrow::when_true(e));
                ir
            });
            let body = self.expr(&d.body);
            self.in_body = false;
            if !body.ty.fits(&ty) {
                let msg = format!(
                    "`{}` is declared {} but its formula gives {}",
                    d.name.name,
                    self.type_name(&ty),
                    self.type_name(&body.ty)
                );
                let mut diag = Diagnostic::error("E0301", msg)
                    .with_label(d.body.span, format!("this is {}", self.type_name(&body.ty)))
                    .with_label(d.ty.span, "declared here");
                if body.ty.unwrap_optional() == &ty {
                    diag =
                        diag.with_help("the formula may give none: add a default with `?? value`");
                }
                self.error(diag);
            } else if ty == Type::Money && expr_is_unrounded(&body) {
                self.error(
                    Diagnostic::error("E0131", format!("`{}` is money computed with a division or a fraction but never rounded", d.name.name))
                        .with_label(d.body.span, "this amount may have more decimals than money can be paid in")
                        .with_help("wrap it in `round(…, 0.01元, half_away_from_zero)` (or the mode the policy names)"),
                );
            }
            let deps = std::mem::take(&mut self.deps);
            if let Some(slot) = self.def_deps.get_mut(id as usize) {
                *slot = deps;
            }
            let frame = self.scope.max_slots;
            if let Some(def) = self.prog.defs.get_mut(id as usize) {
                def.domain = domain;
                def.body = body;
                def.frame_size = frame;
            }
        }
    }

    pub(super) fn lower_requires(&mut self, items: &[&ast::Item]) {
        for item in items {
            match item {
                ast::Item::Entity(e) => {
                    let Some(&id) = self.entity_by_name.get(&e.name.name) else {
                        continue;
                    };
                    let reqs: Vec<Require> = e
                        .requires
                        .iter()
                        .map(|r| self.require(r, Some(id)))
                        .collect();
                    if let Some(ent) = self.prog.entities.get_mut(id as usize) {
                        ent.requires = reqs;
                    }
                }
                ast::Item::Case(c) => {
                    let reqs: Vec<Require> =
                        c.requires.iter().map(|r| self.require(r, None)).collect();
                    self.prog.case_requires.extend(reqs);
                }
                ast::Item::Require(r) => {
                    let req = self.require(r, None);
                    self.prog.case_requires.push(req);
                }
                _ => {}
            }
        }
    }

    fn require(&mut self, r: &ast::Require, entity: Option<u32>) -> Require {
        self.scope = Scope::new(entity);
        self.case_data_only = true;
        let cond = self.expr(&r.cond);
        self.case_data_only = false;
        self.expect_type(&cond, &Type::Bool, "a `require` condition");
        let at = r.at.as_ref().and_then(|f| {
            let found = match entity {
                Some(e) => self
                    .fields
                    .get(e as usize)
                    .and_then(|m| m.get(&f.name))
                    .copied(),
                None => self.case_field_by_name.get(&f.name).copied(),
            };
            if found.is_none() {
                let fields: Vec<String> = match entity {
                    Some(e) => self
                        .fields
                        .get(e as usize)
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default(),
                    None => self.case_field_by_name.keys().cloned().collect(),
                };
                let mut d = Diagnostic::error("E0101", format!("`at {}`: no such field", f.name))
                    .with_label(f.span, "the field the message is about");
                if let Some(s) = closest(&f.name, fields.iter().map(String::as_str)) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.error(d);
            }
            found
        });
        Require {
            cond,
            message: r.message.clone(),
            at,
            frame_size: self.scope.max_slots,
            span: r.span,
        }
    }

    pub(super) fn lower_test(&mut self, t: &ast::TestDecl) {
        self.scope = Scope::new(None);
        let mut case = None;
        let mut case_json = None;
        let mut sets = Vec::new();
        let mut expects = Vec::new();
        let mut expect_messages = Vec::new();
        let mut case_seen: Option<crate::diagnostic::Span> = None;
        for step in &t.steps {
            match step {
                ast::TestStep::Case(file, span) | ast::TestStep::CaseJson(file, span, _) => {
                    let is_file = matches!(step, ast::TestStep::Case(..));
                    // `case "F" with { … }` is one case; any other second `case` is an error.
                    let changes = matches!(step, ast::TestStep::CaseJson(_, _, true));
                    if let Some(first) = case_seen
                        && !changes
                    {
                        self.error(
                            Diagnostic::error("E0203", "a test has one `case`")
                                .with_label(*span, "a second case")
                                .with_label(first, "the first case")
                                .with_help("write another test for the other case"),
                        );
                    }
                    case_seen = Some(*span);
                    if is_file {
                        case = Some((file.clone(), *span));
                    } else {
                        case_json = Some((file.clone(), *span));
                    }
                }
                ast::TestStep::Set(name, value) => {
                    let ir = self.expr(value);
                    match self.param_by_name.get(&name.name).copied() {
                        Some(p) => {
                            let pty = self
                                .prog
                                .params
                                .get(p as usize)
                                .map(|x| x.ty.clone())
                                .unwrap_or(Type::Error);
                            if !ir.ty.fits(&pty) {
                                let msg = format!(
                                    "`{}` is {}, this value is {}",
                                    name.name,
                                    self.type_name(&pty),
                                    self.type_name(&ir.ty)
                                );
                                self.error(
                                    Diagnostic::error("E0301", msg)
                                        .with_label(value.span, "wrong type"),
                                );
                            }
                            if let Some(used) = self.param_used.get_mut(p as usize) {
                                *used = true;
                            }
                            sets.push((p, ir));
                        }
                        None => {
                            let mut d = Diagnostic::error(
                                "E0101",
                                format!("unknown parameter `{}`", name.name),
                            )
                            .with_label(name.span, "`set` changes a parameter");
                            if let Some(s) =
                                closest(&name.name, self.param_by_name.keys().map(String::as_str))
                            {
                                d = d.with_help(format!("did you mean `{s}`?"));
                            } else if (1..=12).contains(&self.param_by_name.len()) {
                                let mut names: Vec<String> = self
                                    .param_by_name
                                    .keys()
                                    .map(|n| format!("`{n}`"))
                                    .collect();
                                names.sort();
                                d = d.with_help(format!("the parameters are {}", names.join(", ")));
                            }
                            self.error(d);
                        }
                    }
                }
                ast::TestStep::Expect(e, message) => {
                    let ir = self.expr(e);
                    self.expect_type(&ir, &Type::Bool, "an `expect`");
                    expects.push(ir);
                    expect_messages.push(message.clone());
                }
            }
        }
        self.deps.clear();
        self.prog.tests.push(TestDef {
            name: t.name.clone(),
            case,
            case_json,
            sets,
            expects,
            expect_messages,
            frame_size: self.scope.max_slots,
            span: t.span,
        });
    }

    pub(super) fn note_dep(&mut self, dep: Dep) {
        if let Dep::Def(d) = dep
            && let Some(u) = self.def_used.get_mut(d as usize)
        {
            *u = true;
        }
        self.deps.insert(dep);
    }
}

pub(super) fn lower_provenance(p: &[ast::Provenance]) -> Vec<Provenance> {
    p.iter()
        .map(|x| match x {
            ast::Provenance::Cite(c) => {
                Provenance::Cite(c.iter().map(|i| i.name.clone()).collect())
            }
            ast::Provenance::Assumption(s, _) => Provenance::Assumption(s.clone()),
        })
        .collect()
}

/// Whether a money expression may carry more decimals than it should (a division not rounded).
fn expr_is_unrounded(e: &Expr) -> bool {
    crate::check::expr::unrounded(e)
}
