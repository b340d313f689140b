//! Clause coverage: which cited clauses of the work plan the tests exercised, and which
//! rules no test made fire.
//!
//! A rule *fired* in a test when, after the test's expects ran, its ledgers hold at least
//! one entry laid by it. A clause is *exercised* when some fired rule cites it, or when a
//! test read a definition or parameter citing it: its `expect`s, or a rule that fired in
//! it. "Reads" is an approximation decided from the policy's text, not from the run: what
//! the expect (or the rule) names, and what the definitions it names use in turn, every
//! branch whether taken or not, but not through `deductions`, `withheld` or `revoked`
//! (what rules lay is covered by the rules firing).

use crate::check::ir::{
    DefId, Expr, ExprKind, GenSource, ParamId, ParamValue, Program, Provenance, RuleDef, Step,
};
use crate::cli::table::{Cell, draw};
use std::collections::{BTreeMap, BTreeSet};

/// Rules and clauses of every policy the tests loaded, and what the tests did with them.
#[derive(Debug, Default)]
pub struct Coverage {
    /// (file, rule) → where it is, what it cites, how many tests made it fire.
    rules: BTreeMap<(String, String), RuleInfo>,
    clauses: BTreeMap<String, ClauseInfo>,
    pub tests: usize,
}

#[derive(Debug, Default)]
struct RuleInfo {
    line: usize,
    fired_in: usize,
}

#[derive(Debug, Default)]
struct ClauseInfo {
    /// Rules citing it: (file, rule).
    rules: BTreeSet<(String, String)>,
    /// Definitions and parameters citing it, as shown, with whether a test read them.
    reads: BTreeMap<String, bool>,
}

fn cites(p: &[Provenance]) -> impl Iterator<Item = &String> {
    p.iter().flat_map(|x| match x {
        Provenance::Cite(c) => c.as_slice(),
        Provenance::Assumption(_) => &[],
    })
}

fn param_cites(prog: &Program, p: ParamId) -> Vec<&String> {
    let Some(param) = prog.params.get(p as usize) else {
        return Vec::new();
    };
    let mut out: Vec<&String> = cites(&param.provenance).collect();
    for (_, v) in &param.values {
        if let ParamValue::Table(_, entries) = v {
            out.extend(entries.iter().flat_map(|(_, p)| cites(p)));
        }
    }
    out
}

fn def_label(prog: &Program, d: DefId) -> String {
    let Some(def) = prog.defs.get(d as usize) else {
        return String::new();
    };
    match def.entity.and_then(|e| prog.entities.get(e as usize)) {
        Some(e) => format!("{}.{}", e.name, def.name),
        None => def.name.clone(),
    }
}

fn param_label(prog: &Program, p: ParamId) -> String {
    prog.params
        .get(p as usize)
        .map(|x| format!("param {}", x.name))
        .unwrap_or_default()
}

/// The definitions and parameters an expression reads, through the definitions it uses.
pub fn reads(prog: &Program, e: &Expr, defs: &mut BTreeSet<DefId>, params: &mut BTreeSet<ParamId>) {
    match &e.kind {
        ExprKind::Param(p) => {
            params.insert(*p);
        }
        ExprKind::DefCall { def, .. } => {
            if defs.insert(*def)
                && let Some(d) = prog.defs.get(*def as usize)
            {
                reads(prog, &d.body, defs, params);
                if let Some(dom) = &d.domain {
                    reads(prog, dom, defs, params);
                }
            }
        }
        _ => {}
    }
    for c in e.children() {
        reads(prog, c, defs, params);
    }
}

/// What a rule reads (its sources, conditions, amounts and targets), through the definitions it uses.
pub fn rule_reads(
    prog: &Program,
    r: &RuleDef,
    defs: &mut BTreeSet<DefId>,
    params: &mut BTreeSet<ParamId>,
) {
    let mut exprs: Vec<&Expr> = Vec::new();
    for g in &r.generators {
        match &g.source {
            GenSource::Entity(_) => {}
            GenSource::Indexed { key, .. } => exprs.push(key),
            GenSource::List(e) => exprs.push(e),
        }
    }
    for s in &r.steps {
        match s {
            Step::Where(e) | Step::Let(_, e) => exprs.push(e),
        }
    }
    for c in &r.consequences {
        exprs.extend(c.amount.iter());
        exprs.extend([&c.target, &c.period]);
        exprs.extend(c.when.iter());
    }
    for e in exprs {
        reads(prog, e, defs, params);
    }
}

/// A sort key for clause labels in the document's order: 一㈠ < 二㈠ < 三㈢3 < 三㈢3①.
fn clause_key(label: &str) -> Vec<u32> {
    const NUMERALS: &str = "一二三四五六七八九十";
    let mut out = Vec::new();
    let mut digits = String::new();
    for c in label.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push(digits.parse().unwrap_or(u32::MAX));
            digits.clear();
        }
        out.push(match c {
            _ if NUMERALS.contains(c) => {
                NUMERALS.chars().position(|n| n == c).unwrap_or(0) as u32 + 1
            }
            '\u{3220}'..='\u{3229}' => c as u32 - 0x3220 + 1,
            '\u{2460}'..='\u{2473}' => c as u32 - 0x2460 + 1,
            _ => c as u32,
        });
    }
    if !digits.is_empty() {
        out.push(digits.parse().unwrap_or(u32::MAX));
    }
    out
}

impl Coverage {
    /// Adds the rules and cited clauses of a program (`file_of` names a span's file).
    pub fn register(
        &mut self,
        prog: &Program,
        file_of: &dyn Fn(crate::diagnostic::Span) -> (String, usize),
    ) {
        for r in &prog.rules {
            let (file, line) = file_of(r.span);
            let key = (file, r.name.clone());
            for c in cites(&r.provenance) {
                self.clauses
                    .entry(c.clone())
                    .or_default()
                    .rules
                    .insert(key.clone());
            }
            self.rules
                .entry(key)
                .or_insert(RuleInfo { line, fired_in: 0 });
        }
        for (i, d) in prog.defs.iter().enumerate() {
            for c in cites(&d.provenance) {
                let info = self.clauses.entry(c.clone()).or_default();
                info.reads
                    .entry(def_label(prog, i as DefId))
                    .or_insert(false);
            }
        }
        for p in 0..prog.params.len() as ParamId {
            for c in param_cites(prog, p) {
                let info = self.clauses.entry(c.clone()).or_default();
                info.reads.entry(param_label(prog, p)).or_insert(false);
            }
        }
    }

    /// Records one test: the rules that fired and what its expects read.
    pub fn record(
        &mut self,
        prog: &Program,
        fired: &BTreeSet<(String, String)>,
        defs: &BTreeSet<DefId>,
        params: &BTreeSet<ParamId>,
    ) {
        self.tests += 1;
        for key in fired {
            if let Some(r) = self.rules.get_mut(key) {
                r.fired_in += 1;
            }
        }
        let labels: Vec<(String, Vec<&String>)> = defs
            .iter()
            .filter_map(|d| {
                prog.defs
                    .get(*d as usize)
                    .map(|x| (def_label(prog, *d), cites(&x.provenance).collect()))
            })
            .chain(
                params
                    .iter()
                    .map(|p| (param_label(prog, *p), param_cites(prog, *p))),
            )
            .collect();
        for (label, clauses) in labels {
            for c in clauses {
                if let Some(read) = self
                    .clauses
                    .get_mut(c)
                    .and_then(|i| i.reads.get_mut(&label))
                {
                    *read = true;
                }
            }
        }
    }

    /// Whether every clause was exercised and every rule fired.
    pub fn complete(&self) -> bool {
        self.rules.values().all(|r| r.fired_in > 0)
            && self.clauses.values().all(|c| self.exercised(c))
    }

    fn exercised(&self, c: &ClauseInfo) -> bool {
        c.rules
            .iter()
            .any(|k| self.rules.get(k).is_some_and(|r| r.fired_in > 0))
            || c.reads.values().any(|r| *r)
    }

    /// The report: clause → status, then the rules no test made fire, then a summary line.
    pub fn report(&self) -> String {
        let mut clauses: Vec<(&String, &ClauseInfo)> = self.clauses.iter().collect();
        clauses.sort_by_key(|(c, _)| clause_key(c));
        let rows: Vec<Vec<Cell>> = clauses
            .iter()
            .map(|(label, info)| {
                let rules: Vec<String> = info
                    .rules
                    .iter()
                    .map(|k| {
                        let n = self.rules.get(k).map_or(0, |r| r.fired_in);
                        format!("{} ({n})", k.1)
                    })
                    .collect();
                let list = |read: bool| -> Vec<&str> {
                    info.reads
                        .iter()
                        .filter(|(_, r)| **r == read)
                        .map(|(l, _)| l.as_str())
                        .collect()
                };
                let (read, unread) = (list(true), list(false));
                let exercised = self.exercised(info);
                // What was read; for a clause no test exercised, what a test could read.
                let read_text = match (read.is_empty(), unread.is_empty(), exercised) {
                    (_, true, _) => read.join(", "),
                    (true, false, false) => format!("none of {}", unread.join(", ")),
                    (true, false, true) => format!("{} not read", unread.len()),
                    (false, false, _) => {
                        format!("{}, {} more not read", read.join(", "), unread.len())
                    }
                };
                let status = if exercised { "yes" } else { "NO" };
                [
                    label.to_string(),
                    status.to_string(),
                    rules.join(", "),
                    read_text,
                ]
                .into_iter()
                .map(|text| Cell { text, right: false })
                .collect()
            })
            .collect();
        let headers = [
            "clause",
            "exercised",
            "rules citing it (tests it fired in)",
            "definitions and parameters citing it that tests read",
        ]
        .map(String::from);
        let mut out = draw(
            &format!(
                "clause coverage over the {} run",
                super::plural(self.tests, "test")
            ),
            &headers,
            &rows,
        );
        let mut never: Vec<(&String, usize, &String)> = self
            .rules
            .iter()
            .filter(|(_, r)| r.fired_in == 0)
            .map(|((file, name), r)| (file, r.line, name))
            .collect();
        never.sort();
        let never: Vec<String> = never
            .into_iter()
            .map(|(file, line, name)| format!("  {name} ({file}:{line})\n"))
            .collect();
        if never.is_empty() {
            out.push_str("every rule fired in some test\n");
        } else {
            out.push_str("rules no test made fire:\n");
            out.extend(never);
        }
        let done = self.clauses.values().filter(|c| self.exercised(c)).count();
        let fired = self.rules.values().filter(|r| r.fired_in > 0).count();
        out.push_str(&format!(
            "coverage: {done}/{} clauses exercised, {fired}/{} rules fired\n\n",
            self.clauses.len(),
            self.rules.len()
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::clause_key;

    #[test]
    fn clauses_sort_in_the_documents_order() {
        let mut c = vec![
            "四㈢",
            "三㈢3①",
            "二㈠",
            "三㈢10",
            "三㈢3",
            "一㈠",
            "三㈡",
            "三㈢2",
        ];
        c.sort_by_key(|x| clause_key(x));
        assert_eq!(
            c,
            [
                "一㈠",
                "二㈠",
                "三㈡",
                "三㈢2",
                "三㈢3",
                "三㈢3①",
                "三㈢10",
                "四㈢"
            ]
        );
    }
}
