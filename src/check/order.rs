//! Dependency order: definitions and rules sorted so each runs after what it reads; cycles reported.

use super::{Checker, Dep};
use crate::diagnostic::{Diagnostic, Span};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    New,
    Active,
    Done,
}

impl Checker {
    /// Edges of node `n` (defs first, then rules).
    fn edges(&self, n: usize) -> Vec<usize> {
        let nd = self.prog.defs.len();
        let deps = if n < nd {
            self.def_deps.get(n)
        } else {
            self.rule_deps.get(n - nd)
        };
        let mut out = Vec::new();
        for d in deps.into_iter().flatten() {
            match d {
                Dep::Def(x) => out.push(*x as usize),
                Dep::Ledger(l) => {
                    if let Some(ws) = self.ledger_writers.get(*l as usize) {
                        out.extend(ws.iter().map(|r| nd + *r as usize));
                    }
                }
            }
        }
        out
    }

    fn node_name(&self, n: usize) -> (String, Span) {
        let nd = self.prog.defs.len();
        if n < nd {
            let d = &self.prog.defs[n];
            let name = match d.entity.and_then(|e| self.prog.entities.get(e as usize)) {
                Some(e) => format!("{}.{}", e.name, d.name),
                None => d.name.clone(),
            };
            (name, d.span)
        } else {
            let r = &self.prog.rules[n - nd];
            (format!("rule {}", r.name), r.span)
        }
    }

    pub(super) fn order(&mut self) {
        let total = self.prog.defs.len() + self.prog.rules.len();
        let mut mark = vec![Mark::New; total];
        let mut post = Vec::with_capacity(total);
        for start in 0..total {
            if mark[start] != Mark::New {
                continue;
            }
            // Iterative depth-first search: (node, its edges, next edge).
            let mut stack: Vec<(usize, Vec<usize>, usize)> = vec![(start, self.edges(start), 0)];
            mark[start] = Mark::Active;
            while let Some((node, edges, next)) = stack.last_mut() {
                if let Some(&to) = edges.get(*next) {
                    *next += 1;
                    match mark[to] {
                        Mark::New => {
                            mark[to] = Mark::Active;
                            let e = self.edges(to);
                            stack.push((to, e, 0));
                        }
                        Mark::Active => {
                            let from = stack.iter().position(|(n, _, _)| *n == to).unwrap_or(0);
                            let cycle: Vec<usize> =
                                stack[from..].iter().map(|(n, _, _)| *n).collect();
                            self.report_cycle(&cycle);
                        }
                        Mark::Done => {}
                    }
                } else {
                    let n = *node;
                    mark[n] = Mark::Done;
                    post.push(n);
                    stack.pop();
                }
            }
        }
        let nd = self.prog.defs.len();
        self.prog.rule_order = post
            .into_iter()
            .filter(|n| *n >= nd)
            .map(|n| (n - nd) as u32)
            .collect();
    }

    fn report_cycle(&mut self, cycle: &[usize]) {
        let mut names: Vec<(String, Span)> = cycle.iter().map(|n| self.node_name(*n)).collect();
        // Start where the cycle first appears in the text: the same report whatever
        // the search met first, and its labels in reading order.
        if let Some(first) = names
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, s))| (s.source, s.start))
            .map(|(i, _)| i)
        {
            names.rotate_left(first);
        }
        let nd = self.prog.defs.len();
        let through_rule = cycle.iter().any(|n| *n >= nd);
        if let [(name, span)] = names.as_slice() {
            let d = if through_rule {
                Diagnostic::error("E0140", format!("`{name}` reads what it changes"))
                    .with_label(
                        *span,
                        "its conditions read what its own consequences change",
                    )
                    .with_help("base its `where` on case data or on values computed without it")
            } else {
                Diagnostic::error("E0140", format!("`{name}` needs its own value"))
                    .with_label(*span, "its formula reads it")
                    .with_help("a value cannot depend on itself: compute it from other values")
            };
            self.error(d);
            return;
        }
        let mut path: Vec<String> = names.iter().map(|(n, _)| n.clone()).collect();
        if let Some(first) = path.first().cloned() {
            path.push(first);
        }
        let mut d = Diagnostic::error("E0140", format!("a cycle: {}", path.join(" → ")));
        for (i, (name, span)) in names.iter().enumerate() {
            let next = names
                .get(i + 1)
                .or(names.first())
                .map(|x| x.0.clone())
                .unwrap_or_default();
            d = d.with_label(*span, format!("`{name}` needs `{next}`"));
        }
        d = if through_rule {
            d.with_help("a rule cannot read a value that its own consequences change: base its `where` on case data or on values computed without them")
        } else {
            d.with_help("a value cannot depend on itself: break the cycle by computing one of them from case data or parameters only")
        };
        self.error(d);
    }
}
