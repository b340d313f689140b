//! What-if scenarios: changes to parameters and to case records, applied in
//! order to a copy of the baseline, and the JSON file that keeps them.
//!
//! A change names what it changes by name and key (never by position in the
//! case), and holds its new value as kaohe source text, so a scenario can be
//! re-applied after the policy or the case is reloaded.

use super::records;
use super::show::{param_text, show_value};
use crate::check::ir::{ParamValue, Program};
use crate::check::standalone;
use crate::check::suggest::closest;
use crate::check::types::Type;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::eval::case::Case;
use crate::eval::engine::{ParamValues, param_values};
use crate::eval::validate::validate;
use crate::syntax::{self, ast};
use serde::{Deserialize, Serialize};

/// The version of the scenario file format this kaohe reads and writes.
pub const FORMAT: u32 = 1;

/// One what-if change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A parameter's new value (all its dated values replaced), or one entry of a table parameter.
    SetParam {
        param: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry: Option<String>,
        /// A kaohe literal: `800元`, `true`, `["a", "b"]`.
        value: String,
    },
    /// A field of one record; for a per-period field, the value of one period.
    SetField {
        entity: String,
        /// The record's key (`S003`), or `[3]` for an entity without key.
        id: String,
        field: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<String>,
        /// A kaohe literal of the field's type; a reference is `单位("U03")` or `"U03"`.
        value: String,
    },
    /// A new record, written as in a case file.
    AddRecord {
        entity: String,
        record: serde_json::Value,
    },
    /// A record taken out (refused while anything refers to it).
    RemoveRecord { entity: String, id: String },
}

impl Change {
    /// The REPL command that makes this change.
    pub fn command(&self, prog: &Program) -> String {
        match self {
            Change::SetParam {
                param,
                entry: None,
                value,
            } => format!(":set {param} = {value}"),
            Change::SetParam {
                param,
                entry: Some(e),
                value,
            } => format!(":set {param}[{e}] = {value}"),
            Change::SetField {
                entity,
                id,
                field,
                period,
                value,
            } => match keyed_target(prog, entity, id, field, period.as_deref()) {
                Some(target) => format!(":set {target} = {value}"),
                None => {
                    let period = period
                        .as_ref()
                        .map(|p| format!("[{p}]"))
                        .unwrap_or_default();
                    format!(":field {entity} {id} {field}{period} = {value}")
                }
            },
            Change::AddRecord { entity, record } => format!(":add {entity} {record}"),
            Change::RemoveRecord { entity, id } => format!(":remove {entity} {id}"),
        }
    }

    /// Whether the change touches case data (and so needs the `require`s checked again).
    pub fn changes_case(&self) -> bool {
        !matches!(self, Change::SetParam { .. })
    }
}

/// A case and parameter values: the baseline, or the baseline with changes applied.
#[derive(Clone, Debug)]
pub struct State {
    pub case: Case,
    pub params: Vec<ParamValues>,
}

impl State {
    /// The case as loaded, with the policy's parameter values.
    pub fn baseline(prog: &Program, case: Case) -> State {
        State {
            case,
            params: prog.params.iter().map(param_values).collect(),
        }
    }
}

/// What a change did, in words, and any warnings it raised.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    pub before: String,
    pub after: String,
    pub warnings: Vec<Diagnostic>,
}

/// Parses kaohe source text held under `origin` (shown in diagnostics).
pub fn parse(
    sources: &mut SourceMap,
    origin: &str,
    text: &str,
) -> Result<ast::Expr, Vec<Diagnostic>> {
    let id = sources.add(origin, text);
    syntax::parse_expression(id, sources.text(id))
}

/// Applies one change to `state` and re-checks the case's `require`s.
/// On an error `state` may be partly changed: apply to a copy.
pub fn apply(
    prog: &Program,
    sources: &mut SourceMap,
    state: &mut State,
    change: &Change,
    origin: &str,
) -> Result<Applied, Vec<Diagnostic>> {
    let applied = match change {
        Change::SetParam {
            param,
            entry,
            value,
        } => set_param(prog, sources, state, param, entry.as_deref(), value, origin)?,
        Change::SetField {
            entity,
            id,
            field,
            period,
            value,
        } => {
            let target = super::resolve::Target::find(
                prog,
                &state.case,
                entity,
                id,
                field,
                period.as_deref(),
            )?;
            records::set_field(prog, sources, &mut state.case, &target, value, origin)?
        }
        Change::AddRecord { entity, record } => {
            let text = serde_json::to_string_pretty(record).unwrap_or_default();
            records::add(prog, sources, &mut state.case, entity, &text, origin)?.0
        }
        Change::RemoveRecord { entity, id } => {
            super::removal::remove(prog, &mut state.case, entity, id)?
        }
    };
    if change.changes_case() {
        let mut errors = validate(prog, &state.case);
        if let Some(last) = errors.last_mut() {
            last.notes
                .push("the change was not made: the case would break the schema".into());
            return Err(errors);
        }
    }
    Ok(applied)
}

/// Applies changes one after another on a copy of `base`; an error names the change that failed.
pub fn apply_all(
    prog: &Program,
    sources: &mut SourceMap,
    base: &State,
    changes: &[Change],
    origin: &str,
) -> Result<(State, Vec<Applied>), Vec<Diagnostic>> {
    let mut state = base.clone();
    let mut applied = Vec::with_capacity(changes.len());
    for (i, c) in changes.iter().enumerate() {
        let name = format!("{origin}, change {}", i + 1);
        match apply(prog, sources, &mut state, c, &name) {
            Ok(a) => applied.push(a),
            Err(mut diags) => {
                if let Some(last) = diags.last_mut() {
                    last.notes.push(format!(
                        "in change {} of {origin}: {}",
                        i + 1,
                        c.command(prog)
                    ));
                }
                return Err(diags);
            }
        }
    }
    Ok((state, applied))
}

fn set_param(
    prog: &Program,
    sources: &mut SourceMap,
    state: &mut State,
    param: &str,
    entry: Option<&str>,
    value: &str,
    origin: &str,
) -> Result<Applied, Vec<Diagnostic>> {
    let Some(p) = prog.param_by_name(param) else {
        let mut d = Diagnostic::error("E0804", format!("no parameter `{param}`"));
        if let Some(s) = closest(param, prog.params.iter().map(|p| p.name.as_str())) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        return Err(vec![d]);
    };
    let (Some(pd), Some(pv)) = (
        prog.params.get(p as usize),
        state.params.get_mut(p as usize),
    ) else {
        return Err(vec![Diagnostic::error(
            "E0699",
            "internal error: unknown parameter",
        )]);
    };
    let case = Some(&state.case);
    let table = pd.values.iter().find_map(|(_, v)| match v {
        ParamValue::Table(e, _) => Some(*e),
        ParamValue::Plain(_) => None,
    });
    let ast = parse(sources, origin, value)?;
    match (entry, table, &pd.ty) {
        (None, None, _) => {
            let v = standalone::lower_param_value(prog, p, &ast)?;
            let before = param_text(prog, case, &pd.ty, pv);
            let after = show_value(prog, case, &pd.ty, &v);
            pv.values = vec![(None, v)];
            Ok(Applied {
                before,
                after,
                warnings: Vec::new(),
            })
        }
        (None, Some(e), _) => {
            let first = prog
                .enums
                .get(e as usize)
                .and_then(|x| x.variants.first())
                .map(String::as_str)
                .unwrap_or("…");
            Err(vec![
                Diagnostic::error(
                    "E0804",
                    format!("`{param}` is a table: set one entry at a time"),
                )
                .with_help(format!("e.g. `:set {param}[{first}] = {value}`")),
            ])
        }
        (Some(variant), Some(e), Type::Map(_, vt)) => {
            let variants = prog
                .enums
                .get(e as usize)
                .map(|x| x.variants.as_slice())
                .unwrap_or(&[]);
            let Some(i) = variants.iter().position(|v| v == variant) else {
                let mut d =
                    Diagnostic::error("E0804", format!("`{param}` has no entry `{variant}`"));
                d = match closest(variant, variants.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("its entries are {}", variants.join(", "))),
                };
                return Err(vec![d]);
            };
            let v = standalone::lower_value(prog, vt, &format!("{param}[{variant}]"), &ast)?;
            let mut before = String::new();
            for (_, items) in pv.values.iter_mut() {
                if let crate::eval::value::Value::List(list) = items {
                    let mut list = list.to_vec();
                    if let Some(slot) = list.get_mut(i) {
                        if before.is_empty() {
                            before = show_value(prog, case, vt, slot);
                        }
                        *slot = v.clone();
                    }
                    *items = crate::eval::value::Value::list(list);
                }
            }
            Ok(Applied {
                before,
                after: show_value(prog, case, vt, &v),
                warnings: Vec::new(),
            })
        }
        (Some(_), _, _) => Err(vec![
            Diagnostic::error(
                "E0804",
                format!("`{param}` is not a table: it has no entries"),
            )
            .with_help(format!("write `:set {param} = {value}`")),
        ]),
    }
}

/// `干部("S003").自评分[2022-Q1]`: how a field of a keyed record is written
/// after `:set`; `None` for an entity without a key (its records go by `[i]`).
pub(super) fn keyed_target(
    prog: &Program,
    entity: &str,
    id: &str,
    field: &str,
    period: Option<&str>,
) -> Option<String> {
    let keyed = prog
        .entity_by_name(entity)
        .and_then(|e| prog.entities.get(e as usize))
        .is_some_and(|e| e.key.is_some());
    let period = period.map(|p| format!("[{p}]")).unwrap_or_default();
    keyed.then(|| format!("{entity}({}).{field}{period}", super::show::quoted(id)))
}
