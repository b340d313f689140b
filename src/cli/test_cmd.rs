//! `kaohe test [PATH…]`: runs the policies' `test` blocks, prints every failure and `N passed, M failed`.

use super::Io;
use crate::testing::{self, Options};
use std::path::PathBuf;

pub struct TestArgs {
    pub paths: Vec<PathBuf>,
    pub filter: Option<String>,
    pub coverage: bool,
}

/// Exit 0 when every test passed (and, with `--coverage`, every clause was exercised and
/// every rule fired); 1 otherwise, or when no test ran.
pub fn run(args: &TestArgs, io: &mut Io<'_>) -> i32 {
    let paths = if args.paths.is_empty() {
        // Without a path: the repository's policies, else the current directory.
        let policies = PathBuf::from("policies");
        vec![if policies.is_dir() {
            policies
        } else {
            PathBuf::from(".")
        }]
    } else {
        args.paths.clone()
    };
    let files = match testing::find_files(&paths) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.err, "error: {e}");
            return 1;
        }
    };
    let opts = Options {
        filter: args.filter.clone(),
        color: io.color && io.out_is_terminal,
    };
    let report = testing::run(&files, &opts, args.coverage);
    let coverage = args.coverage.then(|| report.coverage.report());
    let text = testing::to_text(&report, coverage.as_deref());
    if let Err(code) = io.print(&text) {
        return code;
    }
    let ran = report.passed() + report.failed();
    if ran == 0 {
        let why = match &args.filter {
            Some(f) => format!("no test name contains \"{f}\""),
            None => "no tests found".to_string(),
        };
        let _ = writeln!(io.err, "error: {why}");
        return 1;
    }
    let covered = !args.coverage || report.coverage.complete();
    if !covered {
        let _ = writeln!(
            io.err,
            "error: the tests run leave clauses unexercised or rules unfired (see the coverage report)"
        );
    }
    if report.failed() == 0 && covered {
        0
    } else {
        1
    }
}
