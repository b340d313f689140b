//! `kaohe diff OLD NEW CASE…`: every output value an edit changes, for whom, before → after, with totals per output name.

use super::Io;
use super::eval_cmd::apply_set;
use super::table::{Cell, draw};
use crate::check::ir::Program;
use crate::diagnostic::SourceMap;
use crate::diff::{self, Change, Key, signed};
use crate::eval::engine::{Evaluator, ParamValues, param_values};
use crate::eval::num::{format_fixed, format_plain, group_thousands};
use crate::eval::results::push_json_string;
use crate::session::{self, CheckedPolicy};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub struct DiffArgs {
    pub old: PathBuf,
    pub new: PathBuf,
    pub cases: Vec<PathBuf>,
    pub json: bool,
    /// `NAME=VALUE` applied to the new policy.
    pub sets: Vec<String>,
}

/// One case's changes, in the order the values are reported.
struct CaseDiff {
    case: String,
    values: usize,
    changes: Vec<Change>,
}

/// One side of the comparison: a checked policy and the parameters it runs with.
struct Side {
    sources: SourceMap,
    policy: CheckedPolicy,
    params: Vec<ParamValues>,
}

fn load(path: &Path, io: &mut Io<'_>) -> Result<Side, i32> {
    let mut sources = SourceMap::new();
    match session::load_policy(&[path], &mut sources) {
        Ok(policy) => {
            let params = policy.program.params.iter().map(param_values).collect();
            Ok(Side {
                sources,
                policy,
                params,
            })
        }
        Err(f) => {
            io.diagnostics(&f.diagnostics, &sources);
            Err(f.exit_code())
        }
    }
}

/// The keyed outputs of one side on one case, and each key's place in the output order.
fn outputs(
    side: &mut Side,
    case: &Path,
    io: &mut Io<'_>,
) -> Result<(BTreeMap<Key, diff::Cell>, Vec<Key>), i32> {
    let prog: &Program = &side.policy.program;
    let (_, loaded) = match session::load_case_file(prog, case, &mut side.sources) {
        Ok(c) => c,
        Err(f) => {
            io.diagnostics(&f.diagnostics, &side.sources);
            return Err(f.exit_code());
        }
    };
    let mut ev = Evaluator::with_params(prog, &loaded.case, side.params.clone());
    let rows = match ev.outputs() {
        Ok(r) => r,
        Err(d) => {
            io.diagnostics(&[*d], &side.sources);
            return Err(3);
        }
    };
    let keyed = diff::keyed(prog, &loaded.case, &rows);
    // The evaluation's order (entity, record, value, period), not the keys' alphabetical one.
    let mut by_row: Vec<Key> = Vec::with_capacity(rows.len());
    for r in &rows {
        by_row.push((
            r.entity_name(prog).to_string(),
            r.id(&loaded.case).to_string(),
            r.period_text(),
            r.name(prog).to_string(),
        ));
    }
    Ok((keyed, by_row))
}

pub fn run(args: &DiffArgs, io: &mut Io<'_>) -> i32 {
    let mut old = match load(&args.old, io) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut new = match load(&args.new, io) {
        Ok(s) => s,
        Err(code) => return code,
    };
    for set in &args.sets {
        if let Err(diags) = apply_set(&new.policy.program, set, &mut new.params, &mut new.sources) {
            io.diagnostics(&diags, &new.sources);
            return 1;
        }
    }
    let mut diffs = Vec::new();
    for case in &args.cases {
        let (before, order_old) = match outputs(&mut old, case, io) {
            Ok(x) => x,
            Err(code) => return code,
        };
        let (after, order_new) = match outputs(&mut new, case, io) {
            Ok(x) => x,
            Err(code) => return code,
        };
        let mut place: HashMap<&Key, usize> = HashMap::new();
        for k in order_old.iter().chain(order_new.iter()) {
            let n = place.len();
            place.entry(k).or_insert(n);
        }
        let mut changes = diff::compare(&before, &after);
        changes.sort_by_key(|c| place.get(&c.key).copied().unwrap_or(usize::MAX));
        diffs.push(CaseDiff {
            case: session::display_name(case),
            values: before.len().max(after.len()),
            changes,
        });
    }
    let text = if args.json {
        to_json(args, &diffs)
    } else {
        to_table(args, &diffs)
    };
    if let Err(code) = io.print(&text) {
        return code;
    }
    0
}

fn money(c: &Change) -> bool {
    c.after
        .as_ref()
        .or(c.before.as_ref())
        .is_some_and(|x| x.money)
}

fn to_table(args: &DiffArgs, diffs: &[CaseDiff]) -> String {
    let mut out = format!(
        "kaohe diff {} → {}",
        session::display_name(&args.old),
        session::display_name(&args.new)
    );
    for s in &args.sets {
        out.push_str(&format!(" --set {s}"));
    }
    out.push_str("\n\n");
    let headers = [
        "entity", "id", "period", "name", "before", "after", "change",
    ]
    .map(String::from);
    for d in diffs {
        let title = format!(
            "{}: {} of {} values changed",
            d.case,
            d.changes.len(),
            d.values
        );
        if d.changes.is_empty() {
            out.push_str(&format!("{title}\n\n"));
            continue;
        }
        // Money grouped by thousands, as in the change column and `kaohe eval`'s tables.
        let show = |x: &Option<diff::Cell>| match x {
            None => "—".to_string(),
            Some(diff::Cell {
                number: Some(n),
                money: true,
                ..
            }) => group_thousands(*n, 2),
            Some(c) => c.text.clone(),
        };
        let rows: Vec<Vec<Cell>> = d
            .changes
            .iter()
            .map(|c| {
                let (e, id, p, n) = &c.key;
                let delta = c.delta().map(|x| signed(x, money(c))).unwrap_or_default();
                vec![
                    Cell {
                        text: e.clone(),
                        right: false,
                    },
                    Cell {
                        text: id.clone(),
                        right: false,
                    },
                    Cell {
                        text: p.clone(),
                        right: false,
                    },
                    Cell {
                        text: n.clone(),
                        right: false,
                    },
                    Cell {
                        text: show(&c.before),
                        right: true,
                    },
                    Cell {
                        text: show(&c.after),
                        right: true,
                    },
                    Cell {
                        text: delta,
                        right: true,
                    },
                ]
            })
            .collect();
        out.push_str(&draw(&title, &headers, &rows));
    }
    let all: Vec<Change> = diffs
        .iter()
        .flat_map(|d| d.changes.iter().cloned())
        .collect();
    let cases = match diffs.len() {
        1 => "1 case".to_string(),
        n => format!("{n} cases"),
    };
    if all.is_empty() {
        out.push_str(&format!("no values changed in {cases}\n"));
        return out;
    }
    let headers = ["name", "changed", "up", "down", "total change"].map(String::from);
    let rows: Vec<Vec<Cell>> = diff::summarize(&all)
        .into_iter()
        .map(|(name, s)| {
            let of_name = all.iter().filter(|c| c.key.3 == name);
            let (up, down) = of_name.fold((0, 0), |(u, d), c| match c.delta() {
                Some(x) if x.is_sign_positive() && !x.is_zero() => (u + 1, d),
                Some(x) if x.is_sign_negative() && !x.is_zero() => (u, d + 1),
                _ => (u, d),
            });
            let numeric = s.total.is_some();
            let count = |n: usize| if numeric { n.to_string() } else { "—".into() };
            let total = s
                .total
                .map(|t| format!("{}{}", signed(t, s.money), if s.money { "元" } else { "" }))
                .unwrap_or_else(|| "—".into());
            vec![
                Cell {
                    text: name,
                    right: false,
                },
                Cell {
                    text: s.changed.to_string(),
                    right: true,
                },
                Cell {
                    text: count(up),
                    right: true,
                },
                Cell {
                    text: count(down),
                    right: true,
                },
                Cell {
                    text: total,
                    right: true,
                },
            ]
        })
        .collect();
    out.push_str(&draw(
        &format!("changes by output name, over {cases}"),
        &headers,
        &rows,
    ));
    out.push_str(&format!("{} values changed in {cases}\n", all.len()));
    out
}

/// A number as JSON text: money with exactly 2 decimals, others as they are.
fn number(x: rust_decimal::Decimal, money: bool) -> String {
    if money {
        format_fixed(x, 2)
    } else {
        format_plain(x)
    }
}

fn to_json(args: &DiffArgs, diffs: &[CaseDiff]) -> String {
    let mut out = String::from("{\"old\":");
    push_json_string(&mut out, &session::display_name(&args.old));
    out.push_str(",\"new\":");
    push_json_string(&mut out, &session::display_name(&args.new));
    out.push_str(",\"sets\":[");
    for (i, s) in args.sets.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, s);
    }
    out.push_str("],\"cases\":[");
    for (i, d) in diffs.iter().enumerate() {
        out.push_str(if i > 0 { ",\n" } else { "\n" });
        out.push_str("{\"case\":");
        push_json_string(&mut out, &d.case);
        out.push_str(&format!(",\"values\":{},\"changes\":[", d.values));
        for (j, c) in d.changes.iter().enumerate() {
            out.push_str(if j > 0 { ",\n  " } else { "\n  " });
            let (e, id, p, n) = &c.key;
            for (k, (name, v)) in [("entity", e), ("id", id), ("period", p), ("name", n)]
                .iter()
                .enumerate()
            {
                out.push_str(if k == 0 { "{\"" } else { ",\"" });
                out.push_str(name);
                out.push_str("\":");
                push_json_string(&mut out, v);
            }
            for (k, v) in [("before", &c.before), ("after", &c.after)] {
                out.push_str(&format!(",\"{k}\":"));
                match v {
                    Some(cell) => push_json_string(&mut out, &cell.text),
                    None => out.push_str("null"),
                }
            }
            if let Some(x) = c.delta() {
                out.push_str(",\"delta\":");
                push_json_string(&mut out, &number(x, money(c)));
            }
            out.push('}');
        }
        out.push_str("]}");
    }
    out.push_str("\n],\"totals\":{");
    let all: Vec<Change> = diffs
        .iter()
        .flat_map(|d| d.changes.iter().cloned())
        .collect();
    for (i, (name, s)) in diff::summarize(&all).iter().enumerate() {
        out.push_str(if i > 0 { ",\n" } else { "\n" });
        push_json_string(&mut out, name);
        out.push_str(&format!(":{{\"changed\":{}", s.changed));
        if let Some(t) = s.total {
            out.push_str(",\"total\":");
            push_json_string(&mut out, &number(t, s.money));
        }
        out.push('}');
    }
    out.push_str(&format!("\n}},\"changed\":{}}}\n", all.len()));
    out
}
