//! Looking at the scenario: expressions, explanations, parameters and records, what is loaded.

use super::scenario::State;
use super::show::{param_text, record_name, show_value};
use super::{Answer, Out, Repl, Reply, no_policy, records, resolve, show};
use crate::check::standalone;
use crate::diagnostic::{Diagnostic, Span};
use crate::eval::engine::Evaluator;
use crate::eval::period::{Month, Quarter, Year};
use crate::eval::value::Value;
use crate::explain;
use crate::session;

fn period_value(text: &str) -> Option<Value> {
    Quarter::parse(text)
        .map(Value::Quarter)
        .or_else(|| Month::parse(text).map(Value::Month))
        .or_else(|| Year::parse(text).map(Value::Year))
}

fn not_found(what: &str, given: &str, options: &[&str]) -> Vec<Diagnostic> {
    let d = Diagnostic::error("E0703", format!("no {what} `{given}`"));
    let d = match crate::check::suggest::closest(given, options.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None if options.len() <= 12 => {
            d.with_help(format!("choose one of: {}", options.join(", ")))
        }
        None => d,
    };
    vec![d]
}

impl Repl {
    /// What is loaded, and the warnings loading it raised (shown once).
    pub fn greeting(&mut self) -> Reply {
        let text = match &self.loaded {
            None => "kaohe what-if REPL: no policy loaded (:policy FILE).\n".to_string(),
            Some(l) => {
                let prog = &l.policy.program;
                let case = match &l.base {
                    None => "no case (:load-case FILE)".to_string(),
                    Some(b) => {
                        let counts: Vec<String> = prog
                            .entities
                            .iter()
                            .zip(&b.state.case.tables)
                            .filter(|(_, t)| t.len() > 1)
                            .map(|(e, t)| format!("{} {}", t.len(), e.name))
                            .collect();
                        format!(
                            "case {} ({}: {})",
                            session::display_name(&b.case_path),
                            b.state.case.year,
                            counts.join(", ")
                        )
                    }
                };
                format!(
                    "kaohe what-if REPL · policy {} · {case}\n:help lists the commands; Ctrl-D leaves.\n",
                    super::scenario_file::policy_label(prog)
                )
            }
        };
        let warnings = self
            .loaded
            .as_mut()
            .map(|l| std::mem::take(&mut l.warnings))
            .unwrap_or_default();
        Reply {
            out: text,
            err: self.render(&warnings),
            ..Reply::default()
        }
    }

    /// An expression, evaluated in the scenario (and in the baseline, to show what changed).
    pub(super) fn expression(&mut self, input: &str) -> Answer {
        let l = self.loaded.as_mut().ok_or_else(no_policy)?;
        let prog = &l.policy.program;
        let id = l.sources.add("input", input);
        let ast = crate::syntax::parse_expression(id, l.sources.text(id))?;
        let lowered = standalone::lower_expr(prog, &ast, None)?;
        let ty = &lowered.expr.ty;
        let type_name = prog.type_name(ty);
        let state = match (&self.current, &l.base) {
            (Some(c), _) => &c.state,
            (None, Some(b)) => &b.state,
            (None, None) => {
                return Ok(Out {
                    text: format!(
                        ": {type_name}   (no case is loaded: `:load-case FILE` to evaluate)\n"
                    ),
                    warnings: lowered.warnings,
                    quit: false,
                });
            }
        };
        let mut ev = Evaluator::with_params(prog, &state.case, state.params.clone());
        let v = ev
            .eval_standalone(&lowered.expr, lowered.frame_size, None)
            .map_err(|d| vec![*d])?;
        let shown = show::show_value(prog, Some(&state.case), ty, &v);
        let mut text = format!("{shown} : {type_name}");
        if let (Some(_), Some(b)) = (&self.current, &l.base) {
            let mut ev = Evaluator::with_params(prog, &b.state.case, b.state.params.clone());
            match ev.eval_standalone(&lowered.expr, lowered.frame_size, None) {
                Ok(bv) => {
                    let before = show::show_value(prog, Some(&b.state.case), ty, &bv);
                    if before != shown {
                        let delta = match (bv.as_num(), v.as_num()) {
                            (Some(x), Some(y)) => y
                                .checked_sub(x)
                                .map(|d| format!(", {}", show::signed(ty, d)))
                                .unwrap_or_default(),
                            _ => String::new(),
                        };
                        text.push_str(&format!("   (baseline {before}{delta})"));
                    }
                }
                Err(_) => text.push_str("   (an error in the baseline)"),
            }
        }
        text.push('\n');
        Ok(Out {
            text,
            warnings: lowered.warnings,
            quit: false,
        })
    }

    /// `:why ENTITY ID PERIOD NAME`: the derivation of one value in the scenario.
    pub(super) fn why(&mut self, entity: &str, id: &str, period: &str, name: &str) -> Answer {
        let (l, current) = self.parts()?;
        let Some(base) = &l.base else {
            return Err(resolve::no_case().into());
        };
        let prog = &l.policy.program;
        let state = current.map_or(&base.state, |c| &c.state);
        let Some(e) = prog.entity_by_name(entity) else {
            let names: Vec<&str> = prog.entities.iter().map(|e| e.name.as_str()).collect();
            return Err(not_found("entity", entity, &names).into());
        };
        let record = records::record(prog, &state.case, e, id).map_err(|_| {
            let ids: Vec<&str> = state
                .case
                .table(e)
                .map(|t| t.ids.iter().map(|s| &**s).collect())
                .unwrap_or_default();
            not_found(&format!("{entity} record"), id, &ids)
        })?;
        let Some(def) = prog.def_by_name(Some(e), name) else {
            let names: Vec<&str> = prog
                .defs
                .iter()
                .filter(|d| d.entity == Some(e))
                .map(|d| d.name.as_str())
                .collect();
            return Err(not_found(&format!("value of {entity}"), name, &names).into());
        };
        let d = prog.defs.get(def as usize);
        let grain = d.and_then(|d| d.grain);
        let p = period_value(period).filter(|p| {
            let (g, y) = match p {
                Value::Year(y) => (crate::check::types::Grain::Year, *y),
                Value::Quarter(q) => (crate::check::types::Grain::Quarter, q.year()),
                Value::Month(m) => (crate::check::types::Grain::Month, m.year()),
                _ => return false,
            };
            Some(g) == grain && y == state.case.year
        });
        let Some(p) = p else {
            let y = state.case.year;
            let (want, example) = match grain {
                Some(crate::check::types::Grain::Year) => ("year", y.to_string()),
                Some(crate::check::types::Grain::Quarter) => ("quarter", format!("{y}-Q1")),
                Some(crate::check::types::Grain::Month) => ("month", format!("{y}-01")),
                None => ("period", y.to_string()),
            };
            return Err(Diagnostic::error(
                "E0704",
                format!("`{period}` is not a {want} of the case year {y}"),
            )
            .with_help(format!(
                "`{name}` has one value per {want}: write e.g. {example}"
            ))
            .into());
        };
        let cx = explain::Context {
            prog,
            case: &state.case,
            sources: &l.sources,
            case_source: base.case_source,
        };
        let mut ev = Evaluator::with_params(prog, &state.case, state.params.clone());
        let tree =
            explain::explain(&cx, &mut ev, def, record, p.clone(), 6).map_err(|d| vec![*d])?;
        let mut text = explain::to_text(&tree);
        if current.is_some() {
            let ty = d
                .map(|d| d.ty.clone())
                .unwrap_or(crate::check::types::Type::Error);
            let bcx = explain::Context {
                case: &base.state.case,
                ..cx
            };
            let before = match records::record(prog, &base.state.case, e, id) {
                Err(_) => "the record is not in the baseline".to_string(),
                Ok(br) => {
                    let mut bev =
                        Evaluator::with_params(prog, &base.state.case, base.state.params.clone());
                    match bev.call_def(def, br, Some(p), Span::default()) {
                        Ok(v) => bcx.human(&ty, &v),
                        Err(d) => format!("an error ({})", d.message),
                    }
                }
            };
            if tree.value.as_deref() != Some(before.as_str()) {
                text.push_str(&format!("baseline: {before}\n"));
            } else {
                text.push_str("baseline: the same\n");
            }
        }
        Ok(Out::text(text))
    }

    /// `:params`: every parameter's value in the scenario; changed ones marked.
    pub(super) fn params(&mut self) -> Answer {
        let l = self.loaded.as_ref().ok_or_else(no_policy)?;
        let prog = &l.policy.program;
        let policy_values: Vec<_> = prog
            .params
            .iter()
            .map(crate::eval::engine::param_values)
            .collect();
        let base = l.base.as_ref().map(|b| &b.state);
        let now = self.current.as_ref().map(|c| &c.state).or(base);
        let case = now.map(|s| &s.case);
        let mut out = String::new();
        for (i, p) in prog.params.iter().enumerate() {
            let value = |s: Option<&State>| {
                let pv = s.and_then(|s| s.params.get(i)).or(policy_values.get(i));
                pv.map(|pv| param_text(prog, case, &p.ty, pv))
                    .unwrap_or_default()
            };
            let (v, b) = (value(now), value(base));
            match v == b {
                true => out.push_str(&format!("  {} = {v}\n", p.name)),
                false => out.push_str(&format!("* {} = {v}    (baseline {b})\n", p.name)),
            }
        }
        Ok(Out::text(out))
    }

    /// `:show ENTITY ID`: a record's fields in the scenario, with the baseline's where they differ.
    pub(super) fn show(&mut self, entity: &str, id: &str) -> Answer {
        let (l, current) = self.parts()?;
        let Some(base) = &l.base else {
            return Err(resolve::no_case().into());
        };
        let prog = &l.policy.program;
        let state = current.map_or(&base.state, |c| &c.state);
        let (e, ent) = records::entity(prog, entity)?;
        let r = records::record(prog, &state.case, e, id)?;
        let before = records::record(prog, &base.state.case, e, id).ok();
        let mut out = format!("{}\n", record_name(prog, Some(&state.case), e, r));
        for (fi, f) in ent.fields.iter().enumerate() {
            let shown = |case: &crate::eval::case::Case, rec: u32| {
                let v = case
                    .table(e)
                    .and_then(|t| t.field(rec, fi as u32))
                    .cloned()
                    .unwrap_or_default();
                show_value(prog, Some(case), &f.ty, &v)
            };
            let now = shown(&state.case, r);
            let was = before.map(|br| shown(&base.state.case, br));
            match was {
                Some(w) if w != now => {
                    out.push_str(&format!("  {}: {now}    (baseline {w})\n", f.name))
                }
                _ => out.push_str(&format!("  {}: {now}\n", f.name)),
            }
        }
        if before.is_none() {
            out.push_str("  (added by the scenario)\n");
        }
        Ok(Out::text(out))
    }
}
