//! The regression suite: every policy under `policies/` evaluated on every sample case in
//! `policies/cases/`, kept as reviewed insta snapshots, so that any change in behaviour
//! shows in review as a changed `.snap` file.
//!
//! A policy is a `.kaohe` file that declares an `output def` itself (the test files under
//! `policies/tests/` only include one). Each snapshot holds the policy and case file names,
//! then exactly what `kaohe eval POLICY CASE --format table` prints, run with relative
//! paths from the crate root.
//!
//! The table's footer stamps the policy's SHA-256, which changes with every edit of the
//! policy file, even of a comment or a test; it is filtered out (`policy sha256 [hash]`)
//! so that only edits that change results change snapshots. The case's hash and the rest
//! of the footer are kept; kaohe's version is filtered likewise.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Files with this extension directly in `dir`, sorted.
fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == ext));
    out.sort();
    out
}

/// Every `.kaohe` file under `dir`, recursively.
fn kaohe_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            kaohe_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "kaohe") {
            out.push(p);
        }
    }
}

/// Whether a file declares outputs of its own (a policy, not a file of tests).
fn is_policy(path: &Path) -> bool {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut sources = kaohe::diagnostic::SourceMap::new();
    let id = sources.add("x", text.clone());
    match kaohe::syntax::parse_policy(id, &text) {
        Ok(ast) => ast
            .items
            .iter()
            .any(|i| matches!(i, kaohe::syntax::ast::Item::Def(d) if d.output)),
        Err(_) => true,
    }
}

fn relative(p: &Path) -> String {
    p.strip_prefix(root())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

#[test]
fn every_policy_on_every_sample_case() {
    let mut policies = Vec::new();
    kaohe_files(&root().join("policies"), &mut policies);
    policies.retain(|p| is_policy(p));
    let cases = files(&root().join("policies/cases"), "json");
    assert!(
        !policies.is_empty() && cases.len() >= 6,
        "{policies:?} {cases:?}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/regression");
    settings.add_filter(r"policy sha256 [0-9a-f]{12}", "policy sha256 [hash]");
    settings.add_filter(r"· kaohe \d+\.\d+\.\d+\S*", "· kaohe [version]");
    let _guard = settings.bind_to_scope();
    let mut changed = Vec::new();
    for policy in &policies {
        for case in &cases {
            let (p, c) = (relative(policy), relative(case));
            let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
                .args(["eval", &p, &c, "--format", "table"])
                .current_dir(root())
                .env("NO_COLOR", "1")
                .output()
                .expect("run kaohe eval");
            let mut text =
                format!("policy: {p}\ncase:   {c}\n$ kaohe eval {p} {c} --format table\n\n");
            text.push_str(&String::from_utf8_lossy(&out.stdout));
            if !out.stderr.is_empty() {
                text.push_str("--- stderr ---\n");
                text.push_str(&String::from_utf8_lossy(&out.stderr));
            }
            text.push_str(&format!(
                "--- exit code {} ---\n",
                out.status.code().unwrap_or(-1)
            ));
            let name = format!("{}@{}", snapshot_name(policy), snapshot_name(case));
            // Check every pair before failing, so one run shows (and writes) every change.
            let checked = std::panic::catch_unwind(|| insta::assert_snapshot!(name.clone(), text));
            if checked.is_err() {
                changed.push(name);
            }
        }
    }
    assert!(
        changed.is_empty(),
        "results changed: {changed:?} (see README: \"Policy tests and regression checks\")"
    );
}

/// `policies/x/y.kaohe` → `x-y`, `policies/cases/z.json` → `z`.
fn snapshot_name(p: &Path) -> String {
    let rel = p
        .strip_prefix(root().join("policies/cases"))
        .or_else(|_| p.strip_prefix(root().join("policies")))
        .unwrap_or(p)
        .with_extension("");
    rel.to_string_lossy().replace(['/', '\\'], "-")
}
