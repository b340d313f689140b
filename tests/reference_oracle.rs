//! The interpreter against an independent hand-written implementation of the spec,
//! on the shipped sample cases and on random synthetic bureaus: row for row, value for value.

#[path = "../benches/support/bureau_gen.rs"]
mod bureau_gen;
#[allow(dead_code)]
#[path = "../benches/support/reference.rs"]
mod reference;
#[path = "../benches/support/reference_tests.rs"]
mod reference_tests;

use kaohe::diagnostic::SourceMap;
use kaohe::eval::engine::Evaluator;
use kaohe::eval::results::push_jsonl_row;
use kaohe::session;
use std::collections::BTreeMap;

const POLICY: &str = include_str!("../policies/efficiency.kaohe");

/// Rows keyed by (entity, id, period, name); numbers compared by value.
fn keyed(jsonl: &str) -> BTreeMap<(String, String, String, String), String> {
    let mut out = BTreeMap::new();
    for line in jsonl.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("each line is JSON");
        let key = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        let value = match &v["value"] {
            serde_json::Value::String(s) => match rust_decimal::Decimal::from_str_exact(s) {
                Ok(d) => d.normalize().to_string(),
                Err(_) => s.clone(),
            },
            other => other.to_string(),
        };
        out.insert(
            (key("entity"), key("id"), key("period"), key("name")),
            value,
        );
    }
    out
}

fn kaohe_jsonl(case: &str) -> String {
    let mut sources = SourceMap::new();
    let policy =
        session::check_text("efficiency.kaohe", POLICY, &mut sources).expect("policy checks");
    let loaded = session::load_case_text(&policy.program, "case.json", case, &mut sources)
        .expect("case loads");
    let mut ev = Evaluator::new(&policy.program, &loaded.case);
    let rows = ev.outputs().expect("evaluates");
    let mut out = String::new();
    for r in &rows {
        push_jsonl_row(&mut out, &policy.program, &loaded.case, r);
        out.push('\n');
    }
    out
}

fn assert_same(case: &str, what: &str) {
    let ours = keyed(&kaohe_jsonl(case));
    let rows = reference::evaluate(case).expect("reference evaluates");
    let theirs = keyed(&reference::to_jsonl(&rows));
    let mut diffs = Vec::new();
    for (k, v) in &theirs {
        match ours.get(k) {
            Some(o) if o == v => {}
            other => diffs.push(format!("{k:?}: reference {v}, kaohe {other:?}")),
        }
    }
    for k in ours.keys().filter(|k| !theirs.contains_key(*k)) {
        diffs.push(format!("{k:?}: only kaohe has it"));
    }
    assert!(
        diffs.is_empty(),
        "{what}: {} differences, first: {:#?}",
        diffs.len(),
        &diffs[..diffs.len().min(10)]
    );
}

#[test]
fn sample_cases_match_the_reference_and_the_checked_in_expectations() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/cases");
    let mut checked = 0;
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("cases dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let case = std::fs::read_to_string(&path).expect("readable");
        assert_same(&case, &path.display().to_string());
        let expected =
            std::fs::read_to_string(path.with_extension("expected.jsonl")).expect("expected rows");
        assert_eq!(
            keyed(&kaohe_jsonl(&case)),
            keyed(&expected),
            "{}",
            path.display()
        );
        checked += 1;
    }
    assert!(checked >= 6);
}

#[test]
fn random_bureaus_match_the_reference() {
    for (staff, seed) in [
        (3, 1),
        (12, 2),
        (40, 3),
        (97, 4),
        (250, 5),
        (600, 6),
        (1500, 7),
    ] {
        let case = bureau_gen::generate(staff, seed);
        assert_same(&case, &format!("{staff} staff, seed {seed}"));
    }
}

#[test]
fn two_runs_print_the_same_bytes() {
    let case = bureau_gen::generate(300, 11);
    assert_eq!(kaohe_jsonl(&case), kaohe_jsonl(&case));
}
