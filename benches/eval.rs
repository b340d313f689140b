//! Benchmark of `kaohe eval` on synthetic bureaus: wall time per phase and peak memory,
//! beside a hand-written native implementation of the same rules.
//!
//! `cargo bench --bench eval` runs 1k, 10k and 100k staff; `-- --sizes 1000,5000`
//! picks others. Each size runs in a child process so its peak memory is its own.

#[path = "support/bureau_gen.rs"]
mod bureau_gen;
#[allow(dead_code)]
#[path = "support/reference.rs"]
mod reference;

use kaohe::diagnostic::SourceMap;
use kaohe::eval::engine::Evaluator;
use kaohe::eval::results::push_jsonl_row;
use kaohe::session;
use std::time::Instant;

const POLICY: &str = include_str!("../policies/efficiency.kaohe");

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// One measurement in this process: `kaohe` or `native`, on a bureau of `staff`.
fn child(mode: &str, staff: usize) {
    let json = bureau_gen::generate(staff, 1);
    let mb = json.len() as f64 / 1e6;
    let start = Instant::now();
    match mode {
        "native" => {
            let rows = reference::evaluate(&json).expect("the generated bureau is valid");
            let text = reference::to_jsonl(&rows);
            let total = start.elapsed();
            println!(
                "native  {staff:>7} staff {mb:>6.1} MB  total {:>7.3} s  rows {:>8}  out {:>5.0} MB  peak {:>6.0} MB",
                total.as_secs_f64(),
                rows.len(),
                text.len() as f64 / 1e6,
                peak_rss_mb()
            );
        }
        _ => {
            let mut sources = SourceMap::new();
            let policy = session::check_text("efficiency.kaohe", POLICY, &mut sources)
                .expect("the policy checks");
            let prog = &policy.program;
            let loaded = session::load_case_text(prog, "bureau.json", &json, &mut sources)
                .expect("the case loads");
            drop(json);
            let t_load = start.elapsed();
            let mut ev = Evaluator::new(prog, &loaded.case);
            ev.fire_rules().expect("rules fire");
            let t_rules = start.elapsed();
            let mut rows = Vec::new();
            ev.for_each_output(&mut |r| {
                rows.push(r);
                Ok(())
            })
            .expect("outputs evaluate");
            let t_eval = start.elapsed();
            let mut out = String::with_capacity(1 << 16);
            let mut bytes = 0usize;
            for r in &rows {
                push_jsonl_row(&mut out, prog, &loaded.case, r);
                out.push('\n');
                if out.len() > 1 << 16 {
                    bytes += out.len();
                    out.clear();
                }
            }
            bytes += out.len();
            let t_total = start.elapsed();
            println!(
                "kaohe   {staff:>7} staff {mb:>6.1} MB  total {:>7.3} s  (load {:.3}, rules {:.3}, outputs {:.3}, jsonl {:.3})  rows {:>8}  out {:>5.0} MB  peak {:>6.0} MB",
                t_total.as_secs_f64(),
                t_load.as_secs_f64(),
                (t_rules - t_load).as_secs_f64(),
                (t_eval - t_rules).as_secs_f64(),
                (t_total - t_eval).as_secs_f64(),
                rows.len(),
                bytes as f64 / 1e6,
                peak_rss_mb()
            );
            // Explanations cost nothing unless asked: the same outputs with tracing on, for comparison.
            if staff <= 10_000 {
                let mut traced = Evaluator::new(prog, &loaded.case);
                traced.trace = Some(Box::default());
                let t = Instant::now();
                traced
                    .for_each_output(&mut |_| Ok(()))
                    .expect("outputs evaluate");
                println!(
                    "        tracing on (explain): rules+outputs {:.3} s vs {:.3} s off",
                    t.elapsed().as_secs_f64(),
                    (t_eval - t_load).as_secs_f64()
                );
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        let mode = args.get(i + 1).map(String::as_str).unwrap_or("kaohe");
        let staff = args.get(i + 2).and_then(|s| s.parse().ok()).unwrap_or(1000);
        child(mode, staff);
        return;
    }
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000]);
    let exe = std::env::current_exe().expect("the bench knows its own path");
    for staff in sizes {
        for mode in ["kaohe", "native"] {
            let status = std::process::Command::new(&exe)
                .args(["--child", mode, &staff.to_string()])
                .status();
            if !status.is_ok_and(|s| s.success()) {
                eprintln!("{mode} at {staff} staff failed");
            }
        }
    }
}
