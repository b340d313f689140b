//! Explanations: the derivation of one result as a tree of definitions, parameters, rules and case records.

use crate::check::ir::{DefId, LedgerKind, Program, Provenance};
use crate::check::types::Type;
use crate::diagnostic::{SourceId, SourceMap, Span};
use crate::eval::case::Case;
use crate::eval::engine::{EvalResult, Evaluator, show_period};
use crate::eval::reasons::{rule_cites, trigger_text};
use crate::eval::results::{push_json_string, value_text};
use crate::eval::trace::{Read, Trace};
use crate::eval::value::Value;

/// One step of a derivation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    /// definition, parameter, case, rule, condition, deductions, withheld, revoked, why-not
    pub kind: &'static str,
    pub title: String,
    pub value: Option<String>,
    pub formula: Option<String>,
    pub cite: Vec<String>,
    pub assumption: Option<String>,
    /// Where it is written: `policies/x.kaohe:12` or `case.json:30`.
    pub at: Option<String>,
    pub children: Vec<Node>,
}

/// What is being explained, and the places the explanation may point into.
pub struct Context<'a> {
    pub prog: &'a Program,
    pub case: &'a Case,
    pub sources: &'a SourceMap,
    pub case_source: SourceId,
}

impl Context<'_> {
    fn place(&self, span: Span) -> String {
        let (line, _) = self.sources.line_col(span.source, span.start);
        format!("{}:{line}", self.sources.name(span.source))
    }

    fn snippet(&self, span: Span) -> String {
        let text = self
            .sources
            .text(span.source)
            .get(span.range())
            .unwrap_or("");
        // One line: formulas that span lines are joined with single spaces.
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn record_place(&self, entity: u32, record: u32) -> Option<String> {
        let offset = *self.case.table(entity)?.offsets.get(record as usize)?;
        let (line, _) = self.sources.line_col(self.case_source, offset);
        Some(format!("{}:{line}", self.sources.name(self.case_source)))
    }

    fn record_title(&self, entity: u32, record: u32) -> String {
        let name = self
            .prog
            .entities
            .get(entity as usize)
            .map(|e| e.name.as_str())
            .unwrap_or("?");
        let id = self.case.table(entity).map(|t| t.id(record)).unwrap_or("?");
        format!("{name} {id}")
    }

    /// A value as a person reads it: money with 元, scores with 分.
    pub fn human(&self, ty: &Type, v: &Value) -> String {
        let text = value_text(self.prog, self.case, ty, v);
        match (ty.unwrap_optional(), v) {
            (Type::Money, Value::Num(_)) => format!("{text}元"),
            (Type::Score, Value::Num(_)) => format!("{text}分"),
            (_, Value::Bool(true)) => "true (是)".into(),
            (_, Value::Bool(false)) => "false (否)".into(),
            (_, Value::PerPeriod(items)) => {
                let inner = match ty.unwrap_optional() {
                    Type::PerPeriod(_, t) => &**t,
                    _ => &Type::Error,
                };
                let parts: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| format!("{}: {}", i + 1, self.human(inner, x)))
                    .collect();
                parts.join(", ")
            }
            _ => text,
        }
    }
}

fn provenance(p: &[Provenance]) -> (Vec<String>, Option<String>) {
    let mut cite = Vec::new();
    let mut assumption = None;
    for x in p {
        match x {
            Provenance::Cite(c) => cite.extend(c.iter().cloned()),
            Provenance::Assumption(a) => assumption = Some(a.clone()),
        }
    }
    (cite, assumption)
}

/// Evaluates one value with tracing on and builds its derivation, `depth` levels deep.
pub fn explain(
    cx: &Context<'_>,
    ev: &mut Evaluator<'_>,
    def: DefId,
    record: u32,
    period: Value,
    depth: usize,
) -> EvalResult<Node> {
    ev.trace = Some(Box::default());
    let value = ev.call_def(def, record, Some(period.clone()), Span::default())?;
    let trace = ev.trace.take().unwrap_or_default();
    let pidx = ev.period_index(&period);
    let node = match trace.find(def, record, pidx) {
        Some(id) => def_node(cx, ev, &trace, id, depth)?,
        None => Node {
            kind: "definition",
            title: ev.describe(def, record, Some(&period)),
            value: Some(value_text(cx.prog, cx.case, &Type::Error, &value)),
            ..Node::default()
        },
    };
    Ok(node)
}

fn def_node(
    cx: &Context<'_>,
    ev: &mut Evaluator<'_>,
    trace: &Trace,
    id: usize,
    depth: usize,
) -> EvalResult<Node> {
    let Some(n) = trace.nodes.get(id) else {
        return Ok(Node::default());
    };
    let prog = cx.prog;
    let Some(def) = prog.defs.get(n.def as usize) else {
        return Ok(Node::default());
    };
    let (cite, assumption) = provenance(&def.provenance);
    let mut node = Node {
        kind: "definition",
        title: ev.describe(n.def, n.record, n.period.as_ref()),
        value: Some(cx.human(&def.ty, &n.value)),
        formula: Some(cx.snippet(def.body.span)),
        cite,
        assumption,
        at: Some(cx.place(def.span)),
        children: Vec::new(),
    };
    if depth == 0 {
        return Ok(node);
    }
    for r in &n.reads {
        let child = match r {
            Read::Def(child) => def_node(cx, ev, trace, *child, depth - 1)?,
            Read::Param(p, v) => {
                let Some(pd) = prog.params.get(*p as usize) else {
                    continue;
                };
                let (cite, assumption) = provenance(&pd.provenance);
                let shown = match (v, &pd.ty) {
                    (Value::List(items), Type::Map(k, vt)) if matches!(**k, Type::Enum(_)) => {
                        let names = match **k {
                            Type::Enum(e) => prog
                                .enums
                                .get(e as usize)
                                .map(|x| x.variants.clone())
                                .unwrap_or_default(),
                            _ => Vec::new(),
                        };
                        names
                            .iter()
                            .zip(items.iter())
                            .map(|(n, x)| format!("{n}: {}", cx.human(vt, x)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                    _ => cx.human(&pd.ty, v),
                };
                Node {
                    kind: "parameter",
                    title: pd.name.clone(),
                    value: Some(shown),
                    cite,
                    assumption,
                    at: Some(cx.place(pd.span)),
                    ..Node::default()
                }
            }
            Read::Field {
                entity,
                record,
                field,
                value,
            } => {
                let Some(f) = prog
                    .entities
                    .get(*entity as usize)
                    .and_then(|e| e.fields.get(*field as usize))
                else {
                    continue;
                };
                Node {
                    kind: "case",
                    title: format!("{} · {}", cx.record_title(*entity, *record), f.name),
                    value: Some(cx.human(&f.ty, value)),
                    at: cx.record_place(*entity, *record),
                    ..Node::default()
                }
            }
            Read::Cond(span, holds) => Node {
                kind: "condition",
                title: cx.snippet(*span),
                value: Some(cx.human(&Type::Bool, &Value::Bool(*holds))),
                at: Some(cx.place(*span)),
                ..Node::default()
            },
            Read::Query {
                ledger,
                target,
                period,
                value,
            } => query_node(cx, ev, *ledger, *target, *period, value)?,
        };
        node.children.push(child);
    }
    if n.omitted > 0 {
        node.children.push(Node {
            kind: "note",
            title: format!("… and {} more values read", n.omitted),
            ..Node::default()
        });
    }
    Ok(node)
}

fn query_node(
    cx: &Context<'_>,
    ev: &mut Evaluator<'_>,
    ledger: u32,
    target: u32,
    period: usize,
    value: &Value,
) -> EvalResult<Node> {
    let prog = cx.prog;
    let Some(l) = prog.ledgers.get(ledger as usize) else {
        return Ok(Node::default());
    };
    let periods = ev.periods(l.key.grain);
    let ptext = periods.get(period).map(show_period).unwrap_or_default();
    let who = cx.record_title(l.key.entity, target);
    let (kind, title, ty) = match &l.key.kind {
        LedgerKind::Deduct => (
            "deductions",
            format!("deductions from {who} in {ptext}"),
            l.amount.clone(),
        ),
        LedgerKind::Flag(v, d) => {
            let name = prog
                .defs
                .get(*d as usize)
                .map(|x| x.name.as_str())
                .unwrap_or("?");
            let verb = match v {
                crate::syntax::ast::FlagVerb::Withhold => "withheld",
                crate::syntax::ast::FlagVerb::Revoke => "revoked",
            };
            (
                verb,
                format!("{verb}({name}) for {who} in {ptext}"),
                Type::Bool,
            )
        }
    };
    let mut node = Node {
        kind,
        title,
        value: Some(cx.human(&ty, value)),
        ..Node::default()
    };
    let entries: Vec<crate::eval::ledger::Entry> = ev
        .ledgers
        .get(ledger as usize)
        .map(|lg| {
            lg.entries_for(target, period)
                .into_iter()
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    for e in entries {
        let Some(rule) = prog.rules.get(e.rule as usize) else {
            continue;
        };
        let c = rule.consequences.get(e.consequence as usize);
        let (cite, assumption) = provenance(&rule.provenance);
        let what = match (&l.key.kind, e.amount) {
            (LedgerKind::Deduct, Some(a)) => {
                format!("deducts {}", cx.human(&l.amount, &Value::Num(a)))
            }
            (LedgerKind::Flag(v, _), _) => format!("{}s it", v.keyword()),
            _ => String::new(),
        };
        node.children.push(Node {
            kind: "rule",
            title: format!("rule {} {what}", rule.name),
            cite,
            assumption,
            at: c.map(|c| cx.place(c.span)),
            children: trigger_nodes(cx, e.rule, &e.trigger),
            ..Node::default()
        });
    }
    for m in ev.why_not(ledger, target, period)? {
        let Some(rule) = prog.rules.get(m.rule as usize) else {
            continue;
        };
        let (cite, _) = provenance(&rule.provenance);
        let mut children = trigger_nodes(cx, m.rule, &m.trigger);
        for (span, holds) in &m.parts {
            children.push(Node {
                kind: "condition",
                title: cx.snippet(*span),
                value: Some(cx.human(&Type::Bool, &Value::Bool(*holds))),
                at: Some(cx.place(*span)),
                ..Node::default()
            });
        }
        node.children.push(Node {
            kind: "why-not",
            title: format!(
                "rule {} did not apply to {}: `{}` is false",
                rule.name,
                trigger_text(prog, cx.case, m.rule, &m.trigger),
                cx.snippet(m.failed)
            ),
            cite,
            at: Some(cx.place(m.failed)),
            children,
            ..Node::default()
        });
    }
    let _ = rule_cites;
    Ok(node)
}

/// The case records (or periods) a rule was looking at.
fn trigger_nodes(cx: &Context<'_>, rule: u32, trigger: &[Value]) -> Vec<Node> {
    let Some(r) = cx.prog.rules.get(rule as usize) else {
        return Vec::new();
    };
    trigger
        .iter()
        .zip(&r.generators)
        .map(|(v, g)| {
            let entity = match &g.source {
                crate::check::ir::GenSource::Entity(e)
                | crate::check::ir::GenSource::Indexed { entity: e, .. } => Some(*e),
                crate::check::ir::GenSource::List(_) => None,
            };
            match (v, entity) {
                (Value::Ref(rec), Some(e)) => Node {
                    kind: "case",
                    title: cx.record_title(e, *rec),
                    at: cx.record_place(e, *rec),
                    ..Node::default()
                },
                _ => Node {
                    kind: "period",
                    title: show_period(v),
                    ..Node::default()
                },
            }
        })
        .collect()
}

/// The tree as indented text.
pub fn to_text(node: &Node) -> String {
    let mut out = String::new();
    line(&mut out, node, "", true, true);
    out
}

fn line(out: &mut String, n: &Node, prefix: &str, last: bool, root: bool) {
    let (branch, next) = if root {
        ("", String::new())
    } else if last {
        ("└─ ", format!("{prefix}   "))
    } else {
        ("├─ ", format!("{prefix}│  "))
    };
    out.push_str(prefix);
    out.push_str(branch);
    out.push_str(&n.title);
    if let Some(v) = &n.value {
        out.push_str(" = ");
        out.push_str(v);
    }
    let mut tags = Vec::new();
    if !n.cite.is_empty() {
        tags.push(format!("cite {}", n.cite.join(", ")));
    }
    if let Some(a) = &n.assumption {
        tags.push(format!("assumption: {a}"));
    }
    if let Some(at) = &n.at {
        tags.push(at.clone());
    }
    if !tags.is_empty() {
        out.push_str("   [");
        out.push_str(&tags.join(" · "));
        out.push(']');
    }
    out.push('\n');
    if let Some(f) = &n.formula {
        let bar = if n.children.is_empty() {
            "   "
        } else {
            "│  "
        };
        out.push_str(&format!("{next}{bar}= {f}\n"));
    }
    for (i, c) in n.children.iter().enumerate() {
        line(out, c, &next, i + 1 == n.children.len(), false);
    }
}

/// The tree as JSON.
pub fn to_json(node: &Node) -> String {
    let mut out = String::new();
    json(&mut out, node);
    out
}

fn json(out: &mut String, n: &Node) {
    out.push_str("{\"kind\":");
    push_json_string(out, n.kind);
    out.push_str(",\"title\":");
    push_json_string(out, &n.title);
    let opt = |out: &mut String, key: &str, v: &Option<String>| {
        if let Some(v) = v {
            out.push_str(&format!(",\"{key}\":"));
            push_json_string(out, v);
        }
    };
    opt(out, "value", &n.value);
    opt(out, "formula", &n.formula);
    out.push_str(",\"cite\":[");
    for (i, c) in n.cite.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(out, c);
    }
    out.push(']');
    opt(out, "assumption", &n.assumption);
    opt(out, "at", &n.at);
    out.push_str(",\"children\":[");
    for (i, c) in n.children.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        json(out, c);
    }
    out.push_str("]}");
}
