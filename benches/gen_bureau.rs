//! Command-line generator of synthetic bureau cases (a `harness = false` bench target): `cargo bench --bench gen_bureau -- --staff 100000 --seed 7 --out /tmp/b.json`.

#[path = "support/bureau_gen.rs"]
mod bureau_gen;

use std::io::Write as _;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo bench --bench gen_bureau -- --staff N [--seed S] [--out FILE]\n\
                     writes a synthetic case JSON (stdout when --out is not given)";

fn main() -> ExitCode {
    let mut staff: Option<usize> = None;
    let mut seed: u64 = 1;
    let mut out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let parsed = match arg.as_str() {
            "--staff" => value("--staff").and_then(|v| {
                v.parse()
                    .map(|n| staff = Some(n))
                    .map_err(|e| format!("--staff {v}: {e}"))
            }),
            "--seed" => value("--seed").and_then(|v| {
                v.parse()
                    .map(|n| seed = n)
                    .map_err(|e| format!("--seed {v}: {e}"))
            }),
            "--out" => value("--out").map(|v| out = Some(v)),
            // `cargo bench` appends --bench to every bench binary's arguments.
            "--bench" | "--test" => Ok(()),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other:?}")),
        };
        if let Err(e) = parsed {
            eprintln!("gen_bureau: {e}\n{USAGE}");
            return ExitCode::FAILURE;
        }
    }
    let Some(staff) = staff else {
        // `cargo bench` with no filter runs every bench target: nothing to do.
        println!("gen_bureau: no --staff given, nothing generated\n{USAGE}");
        return ExitCode::SUCCESS;
    };

    let started = Instant::now();
    let case = bureau_gen::generate(staff, seed);
    let took = started.elapsed();
    let written = match &out {
        Some(path) => std::fs::write(path, &case),
        None => std::io::stdout().lock().write_all(case.as_bytes()),
    };
    if let Err(e) = written {
        eprintln!(
            "gen_bureau: cannot write {}: {e}",
            out.as_deref().unwrap_or("stdout")
        );
        return ExitCode::FAILURE;
    }
    eprintln!(
        "gen_bureau: {staff} staff, seed {seed}: {} bytes in {:.3} s{}",
        case.len(),
        took.as_secs_f64(),
        out.map(|p| format!(" -> {p}")).unwrap_or_default()
    );
    ExitCode::SUCCESS
}
