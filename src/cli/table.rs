//! Human tables of results: one per entity and period, aligned under Chinese text.

use crate::check::ir::{DefId, Program};
use crate::check::types::{Grain, Type};
use crate::eval::case::Case;
use crate::eval::results::{Row, value_text};
use crate::eval::value::Value;
use std::collections::BTreeMap;
use unicode_width::UnicodeWidthStr;

/// Period text → record → definition → row.
type Periods<'r> = BTreeMap<String, BTreeMap<u32, BTreeMap<DefId, &'r Row>>>;

/// A cell and whether it aligns right (numbers do).
pub struct Cell {
    pub text: String,
    pub right: bool,
}

/// Draws a titled table with a header row, columns padded to their display width.
pub fn draw(title: &str, headers: &[String], rows: &[Vec<Cell>]) -> String {
    let cols = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate().take(cols) {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.text.width());
            }
        }
    }
    let pad = |text: &str, width: usize, right: bool| {
        let fill = " ".repeat(width.saturating_sub(text.width()));
        if right {
            format!("{fill}{text}")
        } else {
            format!("{text}{fill}")
        }
    };
    let mut out = format!("{title}\n");
    let header: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|(h, w)| pad(h, *w, false))
        .collect();
    out.push_str(header.join("  ").trim_end());
    out.push('\n');
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    out.push_str(&rule.join("  "));
    out.push('\n');
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(&c.text, *w, c.right))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out.push('\n');
    out
}

fn cell(prog: &Program, case: &Case, ty: &Type, v: &Value) -> Cell {
    let text = match v {
        Value::List(items) if items.is_empty() => "—".to_string(),
        Value::List(items) => {
            let inner = match ty {
                Type::List(t) => &**t,
                _ => &Type::Error,
            };
            items
                .iter()
                .map(|x| value_text(prog, case, inner, x))
                .collect::<Vec<_>>()
                .join("、")
        }
        Value::Bool(true) => "是".to_string(),
        Value::Bool(false) => "否".to_string(),
        Value::Num(n) if *ty.unwrap_optional() == Type::Money => {
            crate::eval::num::group_thousands(*n, 2)
        }
        Value::Num(n) if *ty.unwrap_optional() == Type::Money => {
            crate::eval::num::group_thousands(*n, 2)
        }
        _ => value_text(prog, case, ty, v),
    };
    Cell {
        text,
        right: matches!(v, Value::Num(_)),
    }
}

/// All result tables: per entity, year values in one table, quarters one table each,
/// month values one table per definition with the months as columns.
pub fn render(prog: &Program, case: &Case, rows: &[Row], reasons: &[Vec<String>]) -> String {
    let mut out = String::new();
    // entity → grain → period text → record → def → row
    let mut groups: BTreeMap<(u32, Grain), Periods> = BTreeMap::new();
    let mut why: BTreeMap<(u32, u32, String), Vec<&str>> = BTreeMap::new();
    let none: Vec<String> = Vec::new();
    for (r, texts) in rows
        .iter()
        .zip(reasons.iter().chain(std::iter::repeat(&none)))
    {
        let list = why
            .entry((r.entity, r.record, r.period_text()))
            .or_default();
        for t in texts {
            if !list.contains(&t.as_str()) {
                list.push(t);
            }
        }
    }
    for r in rows {
        let grain = prog
            .defs
            .get(r.def as usize)
            .and_then(|d| d.grain)
            .unwrap_or(Grain::Year);
        groups
            .entry((r.entity, grain))
            .or_default()
            .entry(r.period_text())
            .or_default()
            .entry(r.record)
            .or_default()
            .insert(r.def, r);
    }
    for ((entity, grain), periods) in &groups {
        let ename = prog
            .entities
            .get(*entity as usize)
            .map(|e| e.name.as_str())
            .unwrap_or("?");
        let key = prog
            .entities
            .get(*entity as usize)
            .and_then(|e| e.key.and_then(|k| e.fields.get(k as usize)))
            .map(|f| f.name.clone())
            .unwrap_or_else(|| "#".into());
        if *grain == Grain::Month {
            out.push_str(&month_tables(prog, case, ename, &key, periods));
            continue;
        }
        for (period, records) in periods {
            let defs: Vec<DefId> = {
                let mut d: Vec<DefId> = records.values().flat_map(|m| m.keys().copied()).collect();
                d.sort();
                d.dedup();
                d
            };
            let mut headers = vec![key.clone()];
            headers.extend(defs.iter().map(|d| {
                prog.defs
                    .get(*d as usize)
                    .map(|x| x.name.clone())
                    .unwrap_or_default()
            }));
            let reasons_of = |rec: &u32| why.get(&(*entity, *rec, period.clone()));
            let any_reason = records
                .keys()
                .any(|rec| reasons_of(rec).is_some_and(|w| !w.is_empty()));
            if any_reason {
                headers.push("reasons".into());
            }
            let body: Vec<Vec<Cell>> = records
                .iter()
                .map(|(rec, by_def)| {
                    let id = case
                        .table(*entity)
                        .map(|t| t.id(*rec).to_string())
                        .unwrap_or_default();
                    let mut line = vec![Cell {
                        text: id,
                        right: false,
                    }];
                    for d in &defs {
                        line.push(match by_def.get(d) {
                            Some(r) => cell(prog, case, r.ty(prog), &r.value),
                            None => Cell {
                                text: String::new(),
                                right: false,
                            },
                        });
                    }
                    if any_reason {
                        let text = reasons_of(rec).map(|w| w.join("; ")).unwrap_or_default();
                        line.push(Cell { text, right: false });
                    }
                    line
                })
                .collect();
            out.push_str(&draw(&format!("{ename} · {period}"), &headers, &body));
        }
    }
    out
}

fn month_tables(
    prog: &Program,
    case: &Case,
    ename: &str,
    key: &str,
    periods: &Periods<'_>,
) -> String {
    let mut out = String::new();
    let mut defs: Vec<DefId> = periods
        .values()
        .flat_map(|r| r.values().flat_map(|m| m.keys().copied()))
        .collect();
    defs.sort();
    defs.dedup();
    let months: Vec<&String> = periods.keys().collect();
    let mut records: Vec<u32> = periods.values().flat_map(|r| r.keys().copied()).collect();
    records.sort();
    records.dedup();
    let entity = periods
        .values()
        .flat_map(|r| r.values())
        .flat_map(|m| m.values())
        .map(|r| r.entity)
        .next()
        .unwrap_or(0);
    for d in defs {
        let dname = prog
            .defs
            .get(d as usize)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let mut headers = vec![key.to_string()];
        headers.extend(
            months
                .iter()
                .map(|m| m.rsplit('-').next().unwrap_or(m).to_string()),
        );
        let body: Vec<Vec<Cell>> = records
            .iter()
            .map(|rec| {
                let id = case
                    .table(entity)
                    .map(|t| t.id(*rec).to_string())
                    .unwrap_or_default();
                let mut line = vec![Cell {
                    text: id,
                    right: false,
                }];
                for m in &months {
                    let row = periods
                        .get(*m)
                        .and_then(|rs| rs.get(rec))
                        .and_then(|ds| ds.get(&d));
                    line.push(match row {
                        Some(r) => cell(prog, case, r.ty(prog), &r.value),
                        None => Cell {
                            text: String::new(),
                            right: false,
                        },
                    });
                }
                line
            })
            .collect();
        out.push_str(&draw(
            &format!("{ename} · {dname} (by month)"),
            &headers,
            &body,
        ));
    }
    out
}
