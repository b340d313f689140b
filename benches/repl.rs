//! Benchmark of the what-if REPL on synthetic bureaus: how long a change and
//! its `:diff` take once the policy and case are loaded.
//!
//! `cargo bench --bench repl` runs the sample bureau and 1k and 10k staff;
//! `-- --sizes 1000,50000` picks other sizes. Each step is timed on its own:
//! the change (applied, the case re-checked, every output evaluated again and
//! compared with the baseline) and the `:diff` that prints what it moved.

#[path = "support/bureau_gen.rs"]
mod bureau_gen;

use kaohe::repl::Repl;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const POLICY: &str = "policies/efficiency.kaohe";

fn timed(repl: &mut Repl, input: &str) -> (Duration, usize) {
    let start = Instant::now();
    let reply = repl.handle(input);
    let took = start.elapsed();
    assert!(!reply.failed, "`{input}` failed:\n{}", reply.err);
    (took, reply.out.lines().count())
}

fn ms(d: Duration) -> String {
    format!("{:>8.1} ms", d.as_secs_f64() * 1000.0)
}

fn run(label: &str, case: &Path) {
    let start = Instant::now();
    let mut repl = Repl::new(&[PathBuf::from(POLICY)], Some(case))
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    println!("{label}: load {}", ms(start.elapsed()));
    let steps = [
        ":set 季度效能奖月额 = 800元",
        ":diff",
        ":diff 季度效能奖总额",
        ":set 局.年度等次 = 一般",
        ":diff",
        ":undo",
        ":reset",
    ];
    let mut change_and_diff = Duration::ZERO;
    for (i, s) in steps.iter().enumerate() {
        let (t, lines) = timed(&mut repl, s);
        if i < 2 {
            change_and_diff += t;
        }
        println!("  {s:<32} {}  ({lines} lines)", ms(t));
    }
    println!(
        "  => `:set 季度效能奖月额 = 800元` + `:diff`: {}",
        ms(change_and_diff)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--sizes")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    run(
        "sample bureau",
        Path::new("policies/cases/sample-bureau.json"),
    );
    let dir = std::env::temp_dir().join(format!("kaohe-repl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    for staff in sizes {
        let path = dir.join(format!("bureau-{staff}.json"));
        std::fs::write(&path, bureau_gen::generate(staff, 1)).expect("the bureau is written");
        run(&format!("{staff} staff"), &path);
        let _ = std::fs::remove_file(&path);
    }
    let _ = std::fs::remove_dir(&dir);
}
