//! The test report as text.

use super::{Outcome, Report, indent};

/// "1 test", "2 tests".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The report as text: each file's tests, the failures in full, then `N passed, M failed`
/// (the coverage report, when given, just before that last line).
pub fn to_text(report: &Report, coverage: Option<&str>) -> String {
    let mut out = String::new();
    for (file, outcomes) in report.files.iter().filter(|(_, o)| !o.is_empty()) {
        out.push_str(&format!("{file}: {}\n", plural(outcomes.len(), "test")));
        for o in outcomes {
            let status = if o.failure.is_some() {
                "FAILED"
            } else {
                "ok    "
            };
            out.push_str(&format!("  {status}  {} (line {})\n", o.name, o.line));
        }
    }
    for (file, count, _) in &report.broken {
        out.push_str(&format!(
            "{file}: does not check, {} not run\n",
            plural(*count, "test")
        ));
    }
    let failures: Vec<&Outcome> = report.outcomes().filter(|o| o.failure.is_some()).collect();
    if !failures.is_empty() || !report.broken.is_empty() {
        out.push_str("\nfailures:\n");
    }
    for o in failures {
        out.push_str(&format!("\nFAILED {} ({}:{})\n", o.name, o.file, o.line));
        out.push_str(o.failure.as_deref().unwrap_or(""));
    }
    for (file, _, diags) in &report.broken {
        out.push_str(&format!(
            "\nFAILED {file}: the policy does not check\n{}",
            indent(diags)
        ));
    }
    out.push('\n');
    if report.filtered_out > 0 {
        out.push_str(&format!(
            "{} filtered out\n",
            plural(report.filtered_out, "test")
        ));
    }
    if let Some(c) = coverage {
        out.push_str(c);
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        report.passed(),
        report.failed()
    ));
    out
}
