//! The policy's own tests (`kaohe test policies/`) pass, and an edit to a figure of the
//! policy is caught: a copy with 季度效能奖月额 raised from 600元 to 700元 fails
//! `kaohe test`, and `kaohe diff` shows every bonus it changes.
//!
//! Everything runs the real binary from the crate root with relative paths, so the
//! snapshots (command line, then what it printed, then the exit code) hold no absolute
//! path. Temporary copies go to `target/tmp/policy_tests/`.

use std::path::{Path, PathBuf};
use std::process::Command;

const POLICY: &str = "policies/efficiency.kaohe";
const SAMPLE: &str = "policies/cases/sample-bureau.json";

/// The crate root: where the commands run.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// Runs `kaohe ARGS…` from the crate root.
fn kaohe(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run kaohe");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The command line, what it printed (stderr after stdout) and its exit code.
fn transcript(args: &[&str]) -> (Run, String) {
    let run = kaohe(args);
    let mut text = format!("$ kaohe {}\n", args.join(" "));
    text.push_str(&run.stdout);
    if !run.stderr.is_empty() {
        text.push_str("--- stderr ---\n");
        text.push_str(&run.stderr);
    }
    text.push_str(&format!("--- exit code {} ---\n", run.code));
    (run, text)
}

/// A copy of the policy with 季度效能奖月额 = 700元, at `target/tmp/policy_tests/NAME` (relative).
fn copy_with_700(name: &str) -> String {
    let text = std::fs::read_to_string(root().join(POLICY)).expect("read the policy");
    let from = "param 季度效能奖月额 = 600元";
    assert!(text.contains(from), "the policy no longer says `{from}`");
    let edited = text.replace(from, "param 季度效能奖月额 = 700元");
    let rel = PathBuf::from("target/tmp/policy_tests").join(name);
    let abs = root().join(&rel);
    std::fs::create_dir_all(abs.parent().expect("a directory")).expect("create target/tmp");
    std::fs::write(&abs, edited).expect("write the copy");
    rel.to_string_lossy().replace('\\', "/")
}

/// Checks a transcript against `tests/snapshots/policy_tests/NAME.snap`.
fn snapshot(name: &str, text: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/policy_tests");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// `N` from a last line `N passed, M failed` with M = 0.
fn passed_of(stdout: &str) -> Option<usize> {
    let last = stdout.lines().last()?;
    let n = last.strip_suffix(" passed, 0 failed")?;
    n.parse().ok()
}

#[test]
fn the_policy_tests_pass() {
    let run = kaohe(&["test", "policies/"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let n = passed_of(&run.stdout).unwrap_or_else(|| panic!("last line: {}", run.stdout));
    assert!(n >= 20, "only {n} policy tests");
    assert!(!run.stdout.contains("FAILED"));
}

#[test]
fn the_policy_reaches_full_clause_coverage() {
    let (run, text) = transcript(&["test", "policies/", "--coverage"]);
    assert_eq!(run.code, 0, "{text}");
    assert!(text.contains("every rule fired in some test"), "{text}");
    snapshot("coverage", &text);
}

#[test]
fn an_edited_bonus_fails_the_tests_the_policy_carries() {
    let copy = copy_with_700("efficiency-700.kaohe");
    let (run, text) = transcript(&["test", &copy]);
    assert_eq!(run.code, 1, "{text}");
    assert!(
        run.stdout
            .lines()
            .last()
            .is_some_and(|l| l.ends_with(" failed") && !l.ends_with(" 0 failed"))
    );
    assert!(text.contains("expected: 1353.60元"), "{text}");
    snapshot("edited_copy_fails", &text);
}

#[test]
fn diff_shows_the_changed_bonuses() {
    let copy = copy_with_700("efficiency-700-diff.kaohe");
    let (run, text) = transcript(&["diff", POLICY, &copy, SAMPLE]);
    assert_eq!(run.code, 0, "{text}");
    // S013's Q1 bonus: 600 × 3 × 0.86 × 0.9137 = 1414.41 → 700 × 3 × 0.86 × 0.9137 = 1650.14.
    assert!(
        text.lines().any(|l| l.contains("S013")
            && l.contains("2022-Q1")
            && l.contains("1,414.41")
            && l.contains("1,650.14")),
        "{text}"
    );
    assert!(!text.contains("个人考核分"), "a score changed: {text}");
    snapshot("diff_700", &text);
}

#[test]
fn a_set_what_if_gives_the_same_changes_as_the_edit() {
    let copy = copy_with_700("efficiency-700-json.kaohe");
    let edited = kaohe(&[
        "diff",
        POLICY,
        &copy,
        "policies/cases/edge-grade-poor.json",
        "--format",
        "json",
    ]);
    let (what_if, text) = transcript(&[
        "diff",
        POLICY,
        POLICY,
        "policies/cases/edge-grade-poor.json",
        "--format",
        "json",
        "--set",
        "季度效能奖月额=700元",
    ]);
    assert_eq!((edited.code, what_if.code), (0, 0), "{text}");
    let changes = |s: &str| s.split_once("\"cases\":").map(|(_, rest)| rest.to_string());
    assert_eq!(changes(&edited.stdout), changes(&what_if.stdout));
    snapshot("diff_set_json", &text);
}

#[test]
fn filter_runs_only_the_named_tests() {
    let (run, text) = transcript(&["test", "policies/", "--filter", "通报批评"]);
    assert_eq!(run.code, 0, "{text}");
    assert!(text.contains("filtered out"), "{text}");
    snapshot("filter", &text);
    let none = kaohe(&["test", "policies/", "--filter", "没有这个测试"]);
    assert_eq!(none.code, 1);
    assert!(
        none.stderr.contains("no test name contains"),
        "{}",
        none.stderr
    );
}

#[test]
fn a_filtered_run_reports_what_it_leaves_uncovered() {
    let (run, text) = transcript(&["test", "policies/", "--filter", "较差", "--coverage"]);
    assert_eq!(run.code, 1, "{text}");
    assert!(text.contains("rules no test made fire:"), "{text}");
    snapshot("coverage_incomplete", &text);
}
