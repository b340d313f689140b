//! `kaohe eval POLICY CASE`: evaluate and print results as a table, JSON, JSONL or CSV.

use super::{Format, Io};
use crate::check::standalone;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::eval::engine::Evaluator;
use crate::eval::reasons::{RowReasons, push_reason_json, reason_text};
use crate::eval::results::{self, Row};
use crate::stamp::Stamp;
use crate::syntax;
use std::path::PathBuf;

pub struct EvalArgs {
    pub policy: PathBuf,
    pub case: PathBuf,
    pub format: Option<Format>,
    pub period: Option<String>,
    pub sets: Vec<String>,
    pub scenario: Option<PathBuf>,
}

pub fn run(args: &EvalArgs, io: &mut Io<'_>) -> i32 {
    let inputs = match super::inputs::load(
        &args.policy,
        &args.case,
        &args.sets,
        args.scenario.as_deref(),
        io,
    ) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let (prog, case, sources) = (&inputs.policy.program, inputs.case(), &inputs.sources);
    let (policy, case_id) = (&inputs.policy, inputs.case_id);
    let params = inputs.params.clone();
    let mut ev = Evaluator::with_params(prog, case, params);
    let format = args.format.unwrap_or(if io.out_is_terminal {
        Format::Table
    } else {
        Format::Jsonl
    });
    let wanted = |r: &Row| args.period.as_ref().is_none_or(|p| r.period_text() == *p);
    // Rows stream straight to the output for the line formats: one thread
    // evaluates, this one formats and writes, batch by batch.
    if matches!(format, Format::Jsonl | Format::Csv) {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(8);
        let out = &mut *io.out;
        let (evaluated, written) = std::thread::scope(|scope| {
            let producer = scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                let result = ev.for_each_output(&mut |row| {
                    batch.push(row);
                    if batch.len() == BATCH {
                        tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                            .map_err(|_| stopped())?;
                    }
                    Ok(())
                });
                if result.is_ok() && !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                // The process ends after this command: leave the evaluator's
                // tables to the operating system instead of freeing them one by one.
                std::mem::forget(ev);
                result
            });
            let mut buf = String::with_capacity(1 << 17);
            if format == Format::Csv {
                buf.push_str(CSV_HEADER);
            }
            let mut written = Ok(());
            for batch in rx {
                for row in batch.iter().filter(|r| wanted(r)) {
                    match format {
                        Format::Csv => push_csv_row(&mut buf, prog, case, row),
                        _ => {
                            results::push_jsonl_row(&mut buf, prog, case, row);
                            buf.push('\n');
                        }
                    }
                }
                if buf.len() >= 1 << 16 {
                    written = out.write_all(buf.as_bytes());
                    buf.clear();
                    if written.is_err() {
                        break; // dropping the receiver stops the evaluation
                    }
                }
            }
            if written.is_ok() {
                written = out.write_all(buf.as_bytes()).and_then(|_| out.flush());
            }
            let evaluated = producer.join().unwrap_or_else(|_| Err(stopped()));
            (evaluated, written)
        });
        if let Err(e) = written {
            io.diagnostics(&[*super::write_failed(e)], sources);
            return 1;
        }
        if let Err(d) = evaluated {
            io.diagnostics(&[*d], sources);
            return 3;
        }
        // As above: the case and its source text are freed with the process.
        std::mem::forget(inputs);
        return 0;
    }
    let mut rows = match ev.outputs() {
        Ok(r) => r,
        Err(d) => {
            io.diagnostics(&[*d], sources);
            return 3;
        }
    };
    rows.retain(|r| wanted(r));
    let stamp = Stamp::new(prog, sources, &policy.files, Some(case_id));
    let text = match format {
        Format::Json => json(&ev, &rows, &stamp),
        _ => {
            let mut reasons = RowReasons::new(prog);
            let texts: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    reasons
                        .get(&ev, r, true)
                        .into_iter()
                        .map(|e| reason_text(prog, case, e))
                        .collect()
                })
                .collect();
            let mut t = super::table::render(prog, case, &rows, &texts);
            t.push_str(&stamp.footer());
            t
        }
    };
    if let Err(code) = io.print(&text) {
        return code;
    }
    0
}

/// Rows per batch handed from the evaluating thread to the writing one.
const BATCH: usize = 4096;

fn stopped() -> Box<Diagnostic> {
    Box::new(Diagnostic::error(
        "E0700",
        "the evaluation stopped before it finished",
    ))
}

/// `NAME=VALUE` → the parameter's new value.
pub(super) fn apply_set(
    prog: &crate::check::ir::Program,
    set: &str,
    params: &mut [crate::eval::engine::ParamValues],
    sources: &mut SourceMap,
) -> Result<(), Vec<Diagnostic>> {
    let Some((name, value)) = set.split_once('=') else {
        return Err(vec![
            Diagnostic::error("E0701", format!("`--set {set}`: write NAME=VALUE"))
                .with_help("e.g. --set 奖金月额=800元"),
        ]);
    };
    let name = name.trim();
    let Some(p) = prog.param_by_name(name) else {
        let names: Vec<&str> = prog.params.iter().map(|p| p.name.as_str()).collect();
        let mut d = Diagnostic::error("E0702", format!("`--set`: no parameter `{name}`"));
        if let Some(s) = crate::check::suggest::closest(name, names) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        return Err(vec![d]);
    };
    let id = sources.add(format!("--set {name}"), value.to_string());
    let expr = syntax::parse_expression(id, sources.text(id))?;
    let v = standalone::lower_param_value(prog, p, &expr)?;
    if let Some(slot) = params.get_mut(p as usize) {
        slot.values = vec![(None, v)];
    }
    Ok(())
}

/// The same rows nested by entity, id and period.
pub fn json(ev: &Evaluator<'_>, rows: &[Row], stamp: &Stamp) -> String {
    let (prog, case) = (ev.prog, ev.case);
    let mut reasons = RowReasons::new(prog);
    let mut out = String::from("{\n\"stamp\": ");
    out.push_str(&stamp.to_json());
    out.push_str(",\n\"results\": {\n");
    let mut i = 0;
    let mut first_entity = true;
    while i < rows.len() {
        let entity = rows[i].entity;
        if !first_entity {
            out.push_str(",\n");
        }
        first_entity = false;
        out.push_str("  ");
        results::push_json_string(&mut out, rows[i].entity_name(prog));
        out.push_str(": {");
        let mut first_record = true;
        while i < rows.len() && rows[i].entity == entity {
            let record = rows[i].record;
            out.push_str(if first_record { "\n    " } else { ",\n    " });
            first_record = false;
            results::push_json_string(&mut out, rows[i].id(case));
            out.push_str(": {");
            // Group this record's rows by period, periods in first-seen order.
            let end = rows[i..]
                .iter()
                .position(|r| r.entity != entity || r.record != record)
                .map(|n| i + n)
                .unwrap_or(rows.len());
            let mut periods: Vec<String> = Vec::new();
            for r in &rows[i..end] {
                let p = r.period_text();
                if !periods.contains(&p) {
                    periods.push(p);
                }
            }
            periods.sort();
            for (pi, p) in periods.iter().enumerate() {
                out.push_str(if pi == 0 { "\n      " } else { ",\n      " });
                results::push_json_string(&mut out, p);
                out.push_str(": {");
                let mut first = true;
                for r in rows[i..end].iter().filter(|r| r.period_text() == *p) {
                    if !first {
                        out.push_str(", ");
                    }
                    first = false;
                    results::push_json_string(&mut out, r.name(prog));
                    out.push_str(": {\"value\": ");
                    results::push_json_value(&mut out, prog, case, r.ty(prog), &r.value);
                    out.push_str(", \"reasons\": [");
                    for (ri, e) in reasons.get(ev, r, false).into_iter().enumerate() {
                        if ri > 0 {
                            out.push(',');
                        }
                        push_reason_json(&mut out, prog, case, e);
                    }
                    out.push_str("]}");
                }
                out.push('}');
            }
            out.push_str("\n    }");
            i = end;
        }
        out.push_str("\n  }");
    }
    out.push_str("\n}\n}\n");
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

const CSV_HEADER: &str = "entity,id,period,name,value\n";

fn push_csv_row(
    out: &mut String,
    prog: &crate::check::ir::Program,
    case: &crate::eval::case::Case,
    r: &Row,
) {
    let value = results::value_text(prog, case, r.ty(prog), &r.value);
    let fields = [
        r.entity_name(prog).to_string(),
        r.id(case).to_string(),
        r.period_text(),
        r.name(prog).to_string(),
        value,
    ];
    let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
    out.push_str(&line.join(","));
    out.push('\n');
}
