//! The schema's constraints on a loaded case: `unique` field sets and every `require`.

use super::case::Case;
use super::load::{Loader, MAX_ERRORS, Path};
use super::value::Value;
use crate::check::types::Type;
use crate::diagnostic::Diagnostic;
use std::collections::HashMap;

impl Loader<'_> {
    /// Reports records sharing the values of a `unique` set of fields.
    pub(super) fn check_uniques(&mut self, case: &Case) {
        let prog = self.prog;
        for (ei, ent) in prog.entities.iter().enumerate() {
            let (Some(table), Some(cf)) = (
                case.table(ei as u32),
                ent.case_field
                    .and_then(|f| prog.case_fields.get(f as usize)),
            ) else {
                continue;
            };
            for u in &ent.uniques {
                let mut seen: HashMap<Vec<&Value>, u32> = HashMap::with_capacity(table.len());
                for r in 0..table.len() as u32 {
                    let key: Vec<&Value> = u
                        .fields
                        .iter()
                        .map(|f| table.field(r, *f).unwrap_or(&Value::None))
                        .collect();
                    let Some(&first) = seen.get(&key) else {
                        seen.insert(key, r);
                        continue;
                    };
                    let single = matches!(cf.ty, Type::Entity(_));
                    let path_of = |i: u32| Path::Record {
                        field: &cf.name,
                        index: i as usize,
                        id: ent.key.map(|_| table.id(i)),
                        single,
                    };
                    let names: Vec<&str> = u
                        .fields
                        .iter()
                        .filter_map(|f| ent.fields.get(*f as usize))
                        .map(|f| f.name.as_str())
                        .collect();
                    let mut d = Diagnostic::error(
                        "E0505",
                        format!(
                            "{}: {} (the same {} as {})",
                            path_of(r),
                            u.message,
                            names.join(", "),
                            path_of(first)
                        ),
                    );
                    // Point at the last of the fields in each record (the one that repeats).
                    let last = names.last().copied().unwrap_or_default();
                    for (i, label) in [(r, "this record"), (first, "the same values first here")] {
                        if let Some(&node) =
                            self.record_nodes.get(ei).and_then(|v| v.get(i as usize))
                        {
                            let at = self.tree.get(self.text, node, last).unwrap_or(node);
                            d = d.with_label(self.span(at), label);
                        }
                    }
                    d = d.with_label(u.span, "required unique by this rule of the schema");
                    self.errors.push(d);
                    if self.errors.len() >= MAX_ERRORS {
                        return;
                    }
                }
            }
        }
    }

    /// Runs every `require` of the schema over the loaded records. When the
    /// case already has errors, records with a bad field are skipped, and so is
    /// a `require` that those errors keep from being computed.
    pub(super) fn check_requires(&mut self, case: &Case) {
        let prog = self.prog;
        let partial = !self.errors.is_empty();
        let mut ev = super::engine::Evaluator::new(prog, case);
        let mut failures: Vec<Diagnostic> = Vec::new();
        for (ei, ent) in prog.entities.iter().enumerate() {
            if ent.requires.is_empty() {
                continue;
            }
            let Some(cf) = ent
                .case_field
                .and_then(|f| prog.case_fields.get(f as usize))
            else {
                continue;
            };
            let n = case.table(ei as u32).map(|t| t.len()).unwrap_or(0);
            let positions = self.positions(&cf.name);
            for r in 0..n as u32 {
                if self.bad_records.contains(&(ei, r as usize)) {
                    continue;
                }
                for req in &ent.requires {
                    let outcome = ev.eval_require(&req.cond, req.frame_size, Some(r));
                    match outcome {
                        Ok(true) => {}
                        Ok(false) => {
                            let node = self
                                .record_nodes
                                .get(ei)
                                .and_then(|v| v.get(r as usize))
                                .copied();
                            let id = case
                                .table(ei as u32)
                                .map(|t| t.id(r).to_string())
                                .unwrap_or_default();
                            let path = Path::Record {
                                field: &cf.name,
                                index: positions.get(r as usize).copied().unwrap_or(r as usize),
                                id: ent.key.map(|_| id.as_str()),
                                single: matches!(cf.ty, Type::Entity(_)),
                            };
                            let field = req.at.and_then(|f| ent.fields.get(f as usize));
                            let at = match (node, field) {
                                (Some(nd), Some(f)) => {
                                    self.tree.get(self.text, nd, &f.name).or(Some(nd))
                                }
                                (nd, _) => nd,
                            };
                            let fpath = match field {
                                Some(f) => Path::Key(&path, &f.name).to_string(),
                                None => path.to_string(),
                            };
                            let mut d =
                                Diagnostic::error("E0504", format!("{fpath}: {}", req.message));
                            if let Some(a) = at {
                                d = d.with_label(self.span(a), "here");
                            }
                            d = d.with_label(req.span, "required by this rule of the schema");
                            failures.push(d);
                        }
                        Err(_) if partial => {}
                        Err(e) => failures.push(*e),
                    }
                    if failures.len() >= MAX_ERRORS {
                        break;
                    }
                }
            }
        }
        for req in &prog.case_requires {
            match ev.eval_require(&req.cond, req.frame_size, None) {
                Ok(true) => {}
                Ok(false) => {
                    let field = req.at.and_then(|f| prog.case_fields.get(f as usize));
                    let node = field
                        .and_then(|f| self.tree.get(self.text, self.tree.root(), &f.name))
                        .unwrap_or(self.tree.root());
                    let fpath = field
                        .map(|f| f.name.clone())
                        .unwrap_or_else(|| "the case".into());
                    failures.push(
                        Diagnostic::error("E0504", format!("{fpath}: {}", req.message))
                            .with_label(self.span(node), "here")
                            .with_label(req.span, "required by this rule of the schema"),
                    );
                }
                Err(_) if partial => {}
                Err(e) => failures.push(*e),
            }
        }
        self.errors.extend(failures);
    }
}
