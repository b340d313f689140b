//! What `:set TARGET = VALUE` changes: a parameter, an entry of a table
//! parameter, or a field of the record a kaohe expression names; and the
//! record's field (and period) a change names by key.

use super::records::{self, entity, record};
use super::scenario::{Change, State, parse};
use crate::check::ir::{ExprKind, Program};
use crate::check::standalone;
use crate::check::suggest::closest;
use crate::check::types::{EntityId, Grain, Type};
use crate::diagnostic::{Diagnostic, SourceMap, Span};
use crate::eval::case::Case;
use crate::eval::engine::Evaluator;
use crate::eval::period::{Month, Quarter, Year};
use crate::eval::value::Value;
use crate::syntax::ast;

fn usage(span: Span) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error("E0804", "`:set` changes a parameter or a field of a record")
            .with_label(span, "neither")
            .with_help("e.g. `:set 奖金月额 = 800元` or `:set 公司.等级 = 优秀` or `:set 员工(\"S003\").得分[2022-Q1] = 90分`"),
    ]
}

/// The change `:set TARGET = VALUE` asks for, with the record named by key.
pub fn set_target(
    prog: &Program,
    sources: &mut SourceMap,
    state: Option<&State>,
    target: &str,
    value: &str,
) -> Result<Change, Vec<Diagnostic>> {
    let ast = parse(sources, "input", target)?;
    let value = value.trim().to_string();
    let param_name = |e: &ast::Expr| match &e.kind {
        ast::ExprKind::Name(n) => Some(n.clone()),
        ast::ExprKind::ParamRef(i) => Some(i.name.clone()),
        _ => None,
    };
    let field = |rec: &ast::Expr, f: &ast::Ident, period: Option<&ast::Expr>| {
        let Some(state) = state else {
            return Err(no_case());
        };
        field_target(prog, state, rec, f, period, value.clone())
    };
    match &ast.kind {
        ast::ExprKind::Member(rec, f) => field(rec, f, None),
        ast::ExprKind::Index(base, idx) => {
            if let Some(n) = param_name(base).filter(|n| prog.param_by_name(n).is_some()) {
                let ast::ExprKind::Name(entry) = &idx.kind else {
                    return Err(vec![
                        Diagnostic::error("E0804", format!("write the entry of `{n}` by its name"))
                            .with_label(idx.span, "not an entry's name"),
                    ]);
                };
                return Ok(Change::SetParam {
                    param: n,
                    entry: Some(entry.clone()),
                    value,
                });
            }
            match &base.kind {
                ast::ExprKind::Member(rec, f) => field(rec, f, Some(idx)),
                _ => Err(usage(ast.span)),
            }
        }
        _ => match param_name(&ast) {
            Some(n) if prog.param_by_name(&n).is_some() => Ok(Change::SetParam {
                param: n,
                entry: None,
                value,
            }),
            Some(n) => Err(vec![not_a_param(prog, &n, ast.span)]),
            None => Err(usage(ast.span)),
        },
    }
}

/// `:set` of a name that is no parameter: say what it is instead.
fn not_a_param(prog: &Program, n: &str, span: Span) -> Diagnostic {
    let d = if prog.def_by_name(None, n).is_some() {
        Diagnostic::error(
            "E0804",
            format!("`{n}` is computed by the policy, not a parameter"),
        )
        .with_help("change the case data or the parameters it is computed from")
    } else if prog.entity_by_name(n).is_some() {
        Diagnostic::error(
            "E0804",
            format!("`{n}` is an entity: name one record's field"),
        )
        .with_help(format!("e.g. `:set {n}(\"KEY\").FIELD = VALUE`"))
    } else if prog.case_fields.iter().any(|f| f.name == n) {
        Diagnostic::error(
            "E0804",
            format!("`{n}` is a field of the case itself, which the REPL does not change"),
        )
        .with_help("parameters and the fields of records can be changed")
    } else {
        let d = Diagnostic::error("E0804", format!("no parameter `{n}`"));
        match closest(n, prog.params.iter().map(|p| p.name.as_str())) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d.with_help("`:params` lists the parameters"),
        }
    };
    d.with_label(span, "not a parameter")
}

pub fn no_case() -> Vec<Diagnostic> {
    vec![
        Diagnostic::error("E0803", "no case is loaded")
            .with_help("start with `kaohe repl POLICY CASE`, or load one with `:load-case FILE`"),
    ]
}

fn field_target(
    prog: &Program,
    state: &State,
    rec: &ast::Expr,
    f: &ast::Ident,
    period: Option<&ast::Expr>,
    value: String,
) -> Result<Change, Vec<Diagnostic>> {
    let lowered = standalone::lower_expr(prog, rec, None)?;
    let Type::Entity(e) = lowered.expr.ty.unwrap_optional().clone() else {
        return Err(vec![
            Diagnostic::error(
                "E0804",
                format!("this is {}, not a record", prog.type_name(&lowered.expr.ty)),
            )
            .with_label(rec.span, "not a record")
            .with_help("name a record by its key, e.g. `员工(\"S003\").职务`"),
        ]);
    };
    let case = &state.case;
    let r = match &lowered.expr.kind {
        ExprKind::CaseField(_) => Some(0),
        ExprKind::Lookup(_, key) if matches!(&key.kind, ExprKind::Const(Value::Text(_))) => {
            let ExprKind::Const(Value::Text(k)) = &key.kind else {
                return Err(usage(rec.span));
            };
            let table = case.table(e);
            match table.and_then(|t| t.keys.get(&**k)) {
                Some(r) => Some(*r),
                None => {
                    let name = prog
                        .entities
                        .get(e as usize)
                        .map_or("?", |x| x.name.as_str());
                    let d = Diagnostic::error(
                        "E0805",
                        format!("no {name} with key \"{k}\" in the case"),
                    )
                    .with_label(rec.span, "no such record");
                    return Err(vec![records::id_help(d, table, k)]);
                }
            }
        }
        _ => {
            let mut ev = Evaluator::with_params(prog, case, state.params.clone());
            match ev.eval_standalone(&lowered.expr, lowered.frame_size, None) {
                Ok(Value::Ref(r)) => Some(r),
                Ok(_) => None,
                Err(d) => return Err(vec![*d]),
            }
        }
    };
    let Some(r) = r else {
        return Err(vec![
            Diagnostic::error("E0805", "this is none: there is no record to change")
                .with_label(rec.span, "none"),
        ]);
    };
    let entity = prog
        .entities
        .get(e as usize)
        .map(|x| x.name.clone())
        .unwrap_or_default();
    let id = case
        .table(e)
        .map(|t| t.id(r).to_string())
        .unwrap_or_default();
    let period = match period {
        None => None,
        Some(p) => Some(period_text(p)?),
    };
    Ok(Change::SetField {
        entity,
        id,
        field: f.name.clone(),
        period,
        value,
    })
}

/// A period written as a literal: `2022-Q1`, `2022-03`, `2022`.
fn period_text(p: &ast::Expr) -> Result<String, Vec<Diagnostic>> {
    match &p.kind {
        ast::ExprKind::Literal(ast::Literal::Quarter(q)) => Ok(q.to_string()),
        ast::ExprKind::Literal(ast::Literal::Month(m)) => Ok(m.to_string()),
        ast::ExprKind::Literal(ast::Literal::Number {
            value,
            unit: ast::LitUnit::None,
            integer: true,
        }) => Ok(value.to_string()),
        _ => Err(vec![
            Diagnostic::error("E0804", "write the period as 2022-Q1, 2022-03 or 2022")
                .with_label(p.span, "not a period"),
        ]),
    }
}

/// The field of one record a change sets, and the period for a per-period field.
pub struct Target {
    pub entity: EntityId,
    pub record: u32,
    pub field: u32,
    /// The period's index in the case year, and its text.
    pub period: Option<(usize, String)>,
}

impl Target {
    pub fn find(
        prog: &Program,
        case: &Case,
        entity_name: &str,
        id: &str,
        field: &str,
        period: Option<&str>,
    ) -> Result<Target, Vec<Diagnostic>> {
        let (e, ent) = entity(prog, entity_name)?;
        let r = record(prog, case, e, id)?;
        let Some(fi) = ent.fields.iter().position(|f| f.name == field) else {
            let d = if prog.def_by_name(Some(e), field).is_some() {
                Diagnostic::error(
                    "E0804",
                    format!("`{field}` is computed by the policy, not case data"),
                )
                .with_help("change the case data or the parameters it is computed from")
            } else {
                let mut d =
                    Diagnostic::error("E0804", format!("{entity_name} has no field `{field}`"));
                if let Some(s) = closest(field, ent.fields.iter().map(|f| f.name.as_str())) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                d
            };
            return Err(vec![d]);
        };
        if ent.key == Some(fi as u32) {
            return Err(vec![
                Diagnostic::error(
                    "E0804",
                    format!("`{field}` is the key of {entity_name}: it cannot be changed"),
                )
                .with_help("remove the record and add it again under the new key"),
            ]);
        }
        let ty = ent.fields.get(fi).map(|f| f.ty.unwrap_optional());
        let period = match (ty, period) {
            (Some(Type::PerPeriod(g, _)), Some(p)) => Some(period_index(case, *g, p, field)?),
            (_, Some(_)) => {
                return Err(vec![Diagnostic::error(
                    "E0804",
                    format!("`{field}` has one value, not one per period"),
                )]);
            }
            (_, None) => None,
        };
        Ok(Target {
            entity: e,
            record: r,
            field: fi as u32,
            period,
        })
    }
}

fn period_index(
    case: &Case,
    g: Grain,
    text: &str,
    field: &str,
) -> Result<(usize, String), Vec<Diagnostic>> {
    let y = case.year;
    let found = match g {
        Grain::Year => Year::parse(text)
            .filter(|x| *x == y)
            .map(|x| (0, x.to_string())),
        Grain::Quarter => Quarter::parse(text)
            .filter(|q| q.year() == y)
            .map(|q| (q.number() as usize - 1, q.to_string())),
        Grain::Month => Month::parse(text)
            .filter(|m| m.year() == y)
            .map(|m| (m.number() as usize - 1, m.to_string())),
    };
    found.ok_or_else(|| {
        let example = match g {
            Grain::Year => y.to_string(),
            Grain::Quarter => format!("{y}-Q1"),
            Grain::Month => format!("{y}-01"),
        };
        vec![
            Diagnostic::error(
                "E0804",
                format!(
                    "`{field}` has one value per {} of {y}: `{text}` is not one",
                    g.name()
                ),
            )
            .with_help(format!("write e.g. {example}")),
        ]
    })
}
