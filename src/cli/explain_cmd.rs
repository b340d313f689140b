//! `kaohe explain POLICY CASE ENTITY ID PERIOD NAME`: the derivation of one result.

use super::Io;
use crate::check::suggest::closest;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::eval::engine::Evaluator;
use crate::eval::period::{Month, Quarter, Year};
use crate::eval::value::Value;
use crate::explain::{self, Context};
use crate::stamp::Stamp;
use std::path::PathBuf;

pub struct ExplainArgs {
    pub policy: PathBuf,
    pub case: PathBuf,
    pub entity: String,
    pub id: String,
    pub period: String,
    pub name: String,
    pub json: bool,
    pub depth: usize,
    pub sets: Vec<String>,
    pub scenario: Option<PathBuf>,
}

pub fn parse_period(text: &str) -> Option<Value> {
    Quarter::parse(text)
        .map(Value::Quarter)
        .or_else(|| Month::parse(text).map(Value::Month))
        .or_else(|| Year::parse(text).map(Value::Year))
}

fn not_found(what: &str, given: &str, options: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::error("E0703", format!("no {what} `{given}`"));
    d = match closest(given, options.iter().copied()) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None if options.len() <= 12 => {
            d.with_help(format!("choose one of: {}", options.join(", ")))
        }
        None => d,
    };
    d
}

pub fn run(args: &ExplainArgs, io: &mut Io<'_>) -> i32 {
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
    let fail = |io: &mut Io<'_>, d: Diagnostic, sources: &SourceMap| {
        io.diagnostics(&[d], sources);
        4
    };
    let Some(entity) = prog.entity_by_name(&args.entity) else {
        let names: Vec<&str> = prog.entities.iter().map(|e| e.name.as_str()).collect();
        return fail(io, not_found("entity", &args.entity, &names), sources);
    };
    let Some(table) = case.table(entity) else {
        return 4;
    };
    let record = table.keys.get(args.id.as_str()).copied().or_else(|| {
        table
            .ids
            .iter()
            .position(|i| &**i == args.id.as_str())
            .map(|i| i as u32)
    });
    let Some(record) = record else {
        let ids: Vec<&str> = table.ids.iter().map(|s| &**s).collect();
        return fail(
            io,
            not_found(&format!("{} record", args.entity), &args.id, &ids),
            sources,
        );
    };
    let Some(def) = prog.def_by_name(Some(entity), &args.name) else {
        let names: Vec<&str> = prog
            .defs
            .iter()
            .filter(|d| d.entity == Some(entity))
            .map(|d| d.name.as_str())
            .collect();
        return fail(
            io,
            not_found(&format!("value of {}", args.entity), &args.name, &names),
            sources,
        );
    };
    let grain = prog.defs.get(def as usize).and_then(|d| d.grain);
    let period = match parse_period(&args.period) {
        Some(p) if p_grain(&p) == grain => p,
        _ => {
            use crate::check::types::Grain;
            let want = grain.map(|g| g.name()).unwrap_or("period");
            let y = case.year.0;
            let example = match grain {
                Some(Grain::Year) => format!("{y}"),
                Some(Grain::Quarter) => format!("{y}-Q1"),
                Some(Grain::Month) => format!("{y}-01"),
                None => format!("{y}, {y}-Q1 or {y}-01"),
            };
            let d = Diagnostic::error("E0704", format!("`{}` is not a {want}", args.period))
                .with_help(format!(
                    "`{}` has one value per {want}: write e.g. {example}",
                    args.name
                ));
            return fail(io, d, sources);
        }
    };
    let year_of = match &period {
        Value::Year(y) => *y,
        Value::Quarter(q) => q.year(),
        Value::Month(m) => m.year(),
        _ => case.year,
    };
    if year_of != case.year {
        let d = Diagnostic::error(
            "E0704",
            format!("`{}` lies outside the case year {}", args.period, case.year),
        )
        .with_help("the case holds one year: explain a period of that year");
        return fail(io, d, sources);
    }
    let mut ev = Evaluator::with_params(prog, case, params);
    let cx = Context {
        prog,
        case,
        sources,
        case_source: case_id,
    };
    let tree = match explain::explain(&cx, &mut ev, def, record, period, args.depth) {
        Ok(t) => t,
        Err(d) => {
            io.diagnostics(&[*d], sources);
            return 3;
        }
    };
    let stamp = Stamp::new(prog, sources, &policy.files, Some(case_id));
    let text = if args.json {
        format!(
            "{{\"stamp\":{},\"explanation\":{}}}\n",
            stamp.to_json(),
            explain::to_json(&tree)
        )
    } else {
        format!("{}\n{}", explain::to_text(&tree), stamp.footer())
    };
    if let Err(code) = io.print(&text) {
        return code;
    }
    0
}

fn p_grain(p: &Value) -> Option<crate::check::types::Grain> {
    use crate::check::types::Grain;
    match p {
        Value::Year(_) => Some(Grain::Year),
        Value::Quarter(_) => Some(Grain::Quarter),
        Value::Month(_) => Some(Grain::Month),
        _ => None,
    }
}
