//! The command line through the real binary, as a user runs it from the crate
//! root: `check` exit codes, colour, `eval` in every format on every sample
//! case, `--period`, `--set`, and the exit codes for a bad policy (1) and a bad
//! case (2).

use rust_decimal::Decimal;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;
use unicode_width::UnicodeWidthChar;

const POLICY: &str = "policies/efficiency.kaohe";
const SAMPLE: &str = "policies/cases/sample-bureau.json";
const WARNINGS_ONLY: &str = "tests/cli_inputs/warnings-only.kaohe";
const ERRONEOUS: &str = "tests/cli_inputs/erroneous.kaohe";
const FORMATS: [&str; 4] = ["table", "json", "jsonl", "csv"];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaohe"));
    cmd.current_dir(root()).env_remove("NO_COLOR").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run kaohe")
}

/// `kaohe --color never ARGS…`
fn kaohe(args: &[&str]) -> Output {
    let mut all = vec!["--color", "never"];
    all.extend_from_slice(args);
    run(&all, &[])
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

fn eval(case: &str, extra: &[&str]) -> Output {
    let mut args = vec!["eval", POLICY, case];
    args.extend_from_slice(extra);
    kaohe(&args)
}

/// Runs `eval` and insists that it worked, quietly.
fn eval_ok(case: &str, extra: &[&str]) -> String {
    let out = eval(case, extra);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{case} {extra:?}: {}",
        stderr(&out)
    );
    assert_eq!(stderr(&out), "", "{case} {extra:?}: unexpected stderr");
    stdout(&out)
}

/// Every sample case: `policies/cases/NAME.json` (not the expected files).
fn sample_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(root().join("policies/cases"))
        .expect("list policies/cases")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .map(|n| format!("policies/cases/{n}"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 6, "sample cases: {cases:?}");
    cases
}

type Key = (String, String, String, String);

fn jsonl_rows(text: &str) -> Vec<(Key, Json)> {
    text.lines()
        .map(|l| {
            let v: Json = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            let field = |k: &str| {
                v[k].as_str()
                    .unwrap_or_else(|| panic!("{k} in {l}"))
                    .to_string()
            };
            (
                (field("entity"), field("id"), field("period"), field("name")),
                v["value"].clone(),
            )
        })
        .collect()
}

/// Values equal as the spec compares them: numbers by value (`"96"` = `"96.00"`).
fn same_value(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::String(x), Json::String(y)) => match (Decimal::from_str(x), Decimal::from_str(y)) {
            (Ok(x), Ok(y)) => x == y,
            _ => x == y,
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        _ => a == b,
    }
}

/// The value of one row, as printed (a JSON string for numbers).
fn value_of(rows: &[(Key, Json)], entity: &str, id: &str, period: &str, name: &str) -> String {
    rows.iter()
        .find(|((e, i, p, n), _)| e == entity && i == id && p == period && n == name)
        .map(|(_, v)| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_else(|| panic!("no row {entity} {id} {period} {name}"))
}

fn snapshot(name: &str, description: &str, body: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/cli");
    settings.set_description(description);
    settings.set_omit_expression(true);
    // The policy's hash changes with every edit of the policy, comments included.
    settings.add_filter(r"policy sha256 [0-9a-f]{12}", "policy sha256 [hash]");
    settings.add_filter(
        r"policies/efficiency\.kaohe:\d+:\d+",
        "policies/efficiency.kaohe:[line]:[col]",
    );
    settings.bind(|| insta::assert_snapshot!(name, body));
}

// ───────────────────────────── check

#[test]
fn check_a_clean_policy_exits_0() {
    for deny in [false, true] {
        let mut args = vec!["check", POLICY];
        if deny {
            args.push("--deny-warnings");
        }
        let out = kaohe(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "policies/efficiency.kaohe: ok\n");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn check_a_policy_with_only_warnings() {
    let out = kaohe(&["check", WARNINGS_ONLY]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("[W0001] Warning: parameter `从未使用` is never used"),
        "{err}"
    );
    assert!(err.contains("[W0005] Warning"), "{err}");
    assert!(!err.contains("Error"), "{err}");
    assert!(
        err.ends_with("tests/cli_inputs/warnings-only.kaohe: ok, 2 warnings\n"),
        "{err}"
    );

    let denied = kaohe(&["check", WARNINGS_ONLY, "--deny-warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    assert_eq!(
        stderr(&denied),
        err,
        "the same report, only the exit code differs"
    );
}

#[test]
fn check_an_erroneous_policy_exits_1() {
    let out = kaohe(&["check", ERRONEOUS]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("[E0101] Error: unknown name `季度效能奖月`"),
        "{err}"
    );
    assert!(
        err.contains("did you mean `季度效能奖月额`?") || err.contains("did you mean"),
        "{err}"
    );
    assert!(err.contains("[E0120]"), "{err}");
    assert!(
        err.ends_with("tests/cli_inputs/erroneous.kaohe: 2 errors\n"),
        "{err}"
    );
    snapshot(
        "check-erroneous",
        "kaohe check tests/cli_inputs/erroneous.kaohe",
        &err,
    );
    // Several files: one bad file fails the run, and every file is reported.
    let both = kaohe(&["check", POLICY, ERRONEOUS, WARNINGS_ONLY]);
    let err = stderr(&both);
    assert_eq!(both.status.code(), Some(1));
    assert!(err.contains("policies/efficiency.kaohe: ok\n"), "{err}");
    assert!(err.contains("erroneous.kaohe: 2 errors"), "{err}");
    assert!(err.contains("warnings-only.kaohe: ok, 2 warnings"), "{err}");
}

// ───────────────────────────── colour

const ESC: &str = "\x1b[";

#[test]
fn color_always_adds_ansi_escapes() {
    for args in [
        vec!["check", ERRONEOUS],
        vec!["check", WARNINGS_ONLY],
        vec!["eval", POLICY, "tests/bad_cases/dangling-event-person.json"],
    ] {
        let mut always = vec!["--color", "always"];
        always.extend_from_slice(&args);
        let coloured = stderr(&run(&always, &[]));
        assert!(
            coloured.contains(ESC),
            "{args:?}: no escapes with --color always"
        );

        let mut never = vec!["--color", "never"];
        never.extend_from_slice(&args);
        let plain = stderr(&run(&never, &[]));
        assert!(
            !plain.contains('\x1b'),
            "{args:?}: escapes with --color never"
        );
        assert!(!plain.is_empty());

        // NO_COLOR (and stderr not being a terminal) turns the default off.
        let no_color = stderr(&run(&args, &[("NO_COLOR", "1")]));
        assert!(
            !no_color.contains('\x1b'),
            "{args:?}: escapes with NO_COLOR=1"
        );
        assert_eq!(no_color, plain, "{args:?}");
    }
}

#[test]
fn results_on_stdout_never_have_escapes() {
    let out = run(
        &[
            "--color", "always", "eval", POLICY, SAMPLE, "--format", "table",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(!stdout(&out).contains('\x1b'));
}

// ───────────────────────────── eval: every case, every format

#[test]
fn eval_every_sample_case_in_every_format() {
    for case in sample_cases() {
        let jsonl = eval_ok(&case, &["--format", "jsonl"]);
        let rows = jsonl_rows(&jsonl);
        assert!(rows.len() > 100, "{case}: {} rows", rows.len());
        // Without --format, and stdout not a terminal, the format is jsonl.
        assert_eq!(eval_ok(&case, &[]), jsonl, "{case}: default format");

        let csv = eval_ok(&case, &["--format", "csv"]);
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("entity,id,period,name,value"), "{case}");
        assert_eq!(lines.count(), rows.len(), "{case}: csv rows");

        let json: Json = serde_json::from_str(&eval_ok(&case, &["--format", "json"]))
            .unwrap_or_else(|e| panic!("{case}: json does not parse: {e}"));
        check_json(&case, &json, &rows);

        let table = eval_ok(&case, &["--format", "table"]);
        check_table_alignment(&case, &table);
    }
}

/// `--format json`: the stamp, then results nested entity → id → period → name
/// → {value, reasons}, holding exactly the jsonl rows.
fn check_json(case: &str, json: &Json, rows: &[(Key, Json)]) {
    let stamp = &json["stamp"];
    let text = |k: &str| {
        stamp[k]
            .as_str()
            .unwrap_or_else(|| panic!("{case}: stamp.{k} missing"))
    };
    assert_eq!(text("policy"), "地税局效能建设考核");
    assert_eq!(text("version"), "2022.1");
    assert_eq!(text("kaohe"), env!("CARGO_PKG_VERSION"));
    let case_bytes = std::fs::read(root().join(case)).expect("read the case");
    assert_eq!(
        text("case_sha256"),
        hex(&Sha256::digest(&case_bytes)),
        "{case}"
    );
    let policy_text = std::fs::read(root().join(POLICY)).expect("read the policy");
    let mut h = Sha256::new();
    h.update(POLICY.as_bytes());
    h.update([0]);
    h.update(&policy_text);
    h.update([0]);
    assert_eq!(text("policy_sha256"), hex(&h.finalize()), "{case}");
    assert_eq!(stamp.as_object().map(|o| o.len()), Some(5), "{stamp}");

    let results = json["results"].as_object().expect("results is an object");
    let mut count = 0;
    for (entity, ids) in results {
        assert!(
            ["局", "单位", "干部"].contains(&entity.as_str()),
            "{entity}"
        );
        for (id, periods) in ids.as_object().expect("ids") {
            for (period, names) in periods.as_object().expect("periods") {
                for (name, cell) in names.as_object().expect("names") {
                    count += 1;
                    let cell = cell.as_object().expect("a cell is an object");
                    let keys: Vec<&str> = cell.keys().map(String::as_str).collect();
                    assert_eq!(keys, ["reasons", "value"], "{entity} {id} {period} {name}");
                    let reasons = cell["reasons"].as_array().expect("reasons is an array");
                    for r in reasons {
                        for k in ["rule", "kind", "text"] {
                            assert!(r.get(k).is_some(), "{k} in reason {r}");
                        }
                    }
                    let key = (entity.clone(), id.clone(), period.clone(), name.clone());
                    let row = rows
                        .iter()
                        .find(|(k, _)| *k == key)
                        .unwrap_or_else(|| panic!("{case}: {key:?} in json, not in jsonl"));
                    assert_eq!(row.1, cell["value"], "{case}: {key:?}");
                }
            }
        }
    }
    assert_eq!(
        count,
        rows.len(),
        "{case}: json and jsonl hold the same rows"
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The display columns a line occupies: each character, then `None` for the
/// second column of a wide (Chinese) character.
fn cells(line: &str) -> Vec<Option<char>> {
    let mut out = Vec::new();
    for c in line.chars() {
        let w = c.width().unwrap_or(0);
        if w == 0 {
            continue;
        }
        out.push(Some(c));
        for _ in 1..w {
            out.push(None);
        }
    }
    out
}

/// Every table is aligned by display width (a Chinese character is two
/// columns): the rule line under the header fixes the columns; every line of
/// the table, padded with the spaces the writer trims at the end, has the rule's
/// display width, nothing but spaces between columns, and each cell flush with
/// its column's left edge (text) or right edge (numbers).
fn check_table_alignment(case: &str, table: &str) {
    let mut tables = 0;
    for block in table.split("\n\n") {
        let lines: Vec<&str> = block.lines().collect();
        let Some(rule) = lines.get(2) else { continue };
        if !rule.starts_with('─') {
            continue;
        }
        tables += 1;
        let rule_cells = cells(rule);
        let width = rule_cells.len();
        // Column spans of the rule: runs of `─`.
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (i, c) in rule_cells.iter().enumerate() {
            match (c, spans.last_mut()) {
                (Some('─'), Some((_, end))) if *end == i => *end = i + 1,
                (Some('─'), _) => spans.push((i, i + 1)),
                (Some(' '), _) => {}
                other => panic!("{case}: rule line holds {other:?}: {rule}"),
            }
        }
        for line in lines.iter().skip(1).filter(|l| **l != *rule) {
            let mut row = cells(line);
            assert!(
                row.len() <= width,
                "{case}: wider than its table ({} > {width}):\n{line}\n{rule}",
                row.len()
            );
            row.resize(width, Some(' '));
            assert_eq!(row.len(), width);
            let mut at = 0;
            for &(start, end) in &spans {
                // Between columns: only spaces (never half of a wide character).
                assert!(
                    row[at..start].iter().all(|c| *c == Some(' ')),
                    "{case}: text between columns at {at}..{start}:\n{line}\n{rule}"
                );
                let cell = &row[start..end];
                let text: Vec<usize> = (0..cell.len()).filter(|i| cell[*i] != Some(' ')).collect();
                if let (Some(first), Some(last)) = (text.first(), text.last()) {
                    assert!(
                        *first == 0 || *last == cell.len() - 1,
                        "{case}: a cell neither left nor right aligned at {start}..{end}:\n{line}\n{rule}"
                    );
                    assert!(
                        cell[0].is_some(),
                        "{case}: a cell starts inside a wide character:\n{line}"
                    );
                }
                at = end;
            }
        }
    }
    assert!(tables >= 10, "{case}: only {tables} tables");
}

#[test]
fn table_and_csv_of_the_sample_bureau() {
    let table = eval_ok(SAMPLE, &["--format", "table"]);
    snapshot(
        "sample-bureau-table",
        "kaohe eval policies/efficiency.kaohe policies/cases/sample-bureau.json --format table",
        &table,
    );
    let csv = eval_ok(SAMPLE, &["--format", "csv"]);
    snapshot(
        "sample-bureau-csv",
        "kaohe eval policies/efficiency.kaohe policies/cases/sample-bureau.json --format csv",
        &csv,
    );
    // A list with several items is one CSV field, quoted.
    assert!(
        csv.contains(
            "单位,U05,2022-10,月报问题,\"[不及时报送, 无明确任务, 无具体内容, 无具体数据]\"\n"
        ),
        "the four defects of U05 2022-10"
    );
    // Money keeps two decimals, without the table's thousands separators.
    assert!(csv.contains("干部,S013,2022-Q1,季度效能奖,1414.41\n"));
    assert!(table.contains("20,000.00"));
}

#[test]
fn jsonl_equals_the_expected_files_by_value() {
    for case in sample_cases() {
        let expected_path = case.replace(".json", ".expected.jsonl");
        let expected = std::fs::read_to_string(root().join(&expected_path))
            .unwrap_or_else(|e| panic!("{expected_path}: {e}"));
        let expected: BTreeMap<Key, Json> = jsonl_rows(&expected).into_iter().collect();
        let got_rows = jsonl_rows(&eval_ok(&case, &["--format", "jsonl"]));
        let got: BTreeMap<Key, Json> = got_rows.iter().cloned().collect();
        assert_eq!(got.len(), got_rows.len(), "{case}: a row printed twice");
        let missing: Vec<&Key> = expected.keys().filter(|k| !got.contains_key(*k)).collect();
        let extra: Vec<&Key> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{case}: rows missing: {missing:?}");
        assert!(extra.is_empty(), "{case}: rows not expected: {extra:?}");
        let differ: Vec<String> = expected
            .iter()
            .filter(|(k, v)| !same_value(v, &got[*k]))
            .map(|(k, v)| format!("{k:?}: expected {v}, got {}", got[k]))
            .collect();
        assert!(differ.is_empty(), "{case}:\n{}", differ.join("\n"));
    }
}

#[test]
fn two_runs_print_the_same_bytes() {
    for case in sample_cases() {
        for format in FORMATS {
            let a = eval(&case, &["--format", format]);
            let b = eval(&case, &["--format", format]);
            assert_eq!(a.status.code(), Some(0));
            assert!(
                a.stdout == b.stdout,
                "{case} --format {format}: two runs differ"
            );
        }
    }
}

// ───────────────────────────── --period

#[test]
fn period_filters_rows() {
    let all = jsonl_rows(&eval_ok(SAMPLE, &["--format", "jsonl"]));
    for period in ["2022-Q1", "2022", "2022-03"] {
        let some = jsonl_rows(&eval_ok(SAMPLE, &["--format", "jsonl", "--period", period]));
        assert!(!some.is_empty(), "{period}");
        assert!(some.iter().all(|((_, _, p, _), _)| p == period), "{period}");
        let wanted: Vec<_> = all
            .iter()
            .filter(|((_, _, p, _), _)| p == period)
            .cloned()
            .collect();
        assert_eq!(some, wanted, "{period}: the same rows in the same order");
    }
    // The other formats filter too.
    let csv = eval_ok(SAMPLE, &["--format", "csv", "--period", "2022-Q1"]);
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| l.split(',').nth(2) == Some("2022-Q1"))
    );
    let table = eval_ok(SAMPLE, &["--format", "table", "--period", "2022-Q1"]);
    assert!(table.contains("干部 · 2022-Q1"));
    assert!(!table.contains("干部 · 2022-Q2") && !table.contains("干部 · 2022\n"));
    let json: Json = serde_json::from_str(&eval_ok(
        SAMPLE,
        &["--format", "json", "--period", "2022-Q1"],
    ))
    .expect("json");
    let periods = json["results"]["干部"]["S013"].as_object().expect("S013");
    assert_eq!(periods.keys().collect::<Vec<_>>(), ["2022-Q1"]);
    // A period of another year has no rows.
    assert_eq!(
        eval_ok(SAMPLE, &["--format", "jsonl", "--period", "2023-Q1"]),
        ""
    );
}

// ───────────────────────────── --set

#[test]
fn set_changes_the_monthly_bonus() {
    let before = jsonl_rows(&eval_ok(SAMPLE, &["--format", "jsonl"]));
    let after = jsonl_rows(&eval_ok(
        SAMPLE,
        &["--format", "jsonl", "--set", "季度效能奖月额=800元"],
    ));
    // S013, Q1 (policies/cases/README.md): 单位系数分 86 (U03), 个人考核分 91.37.
    // 800 × 3 × 86/100 × 91.37/100 = 2400 × 0.86 × 0.9137 = 2064 × 0.9137
    // = 1885.8768 → 1885.88 (at 600: 1414.41).
    assert_eq!(
        value_of(&before, "干部", "S013", "2022-Q1", "季度效能奖"),
        "1414.41"
    );
    assert_eq!(
        value_of(&after, "干部", "S013", "2022-Q1", "季度效能奖"),
        "1885.88"
    );
    // Every paid quarterly bonus changes, a withheld one stays 0.00, the scores do not move.
    for ((k, old), (k2, new)) in before.iter().zip(&after) {
        assert_eq!(k, k2);
        match k.3.as_str() {
            "季度效能奖" | "季度效能奖总额" if old.as_str() != Some("0.00") => {
                assert_ne!(old, new, "{k:?}")
            }
            "季度效能奖" | "季度效能奖总额" => {
                assert_eq!(new.as_str(), Some("0.00"), "{k:?}")
            }
            _ => assert_eq!(old, new, "{k:?}"),
        }
    }
    assert_eq!(
        value_of(&after, "干部", "S012", "2022-Q1", "季度效能奖"),
        "0.00"
    );
    // Setting the default changes nothing at all.
    assert_eq!(
        eval_ok(
            SAMPLE,
            &["--format", "jsonl", "--set", "季度效能奖月额=600元"]
        ),
        eval_ok(SAMPLE, &["--format", "jsonl"])
    );
}

#[test]
fn set_several_parameters() {
    let rows = jsonl_rows(&eval_ok(
        SAMPLE,
        &[
            "--format",
            "jsonl",
            "--set",
            "最佳服务单位奖励=3万元",
            "--set",
            "季度效能奖月额=800元",
        ],
    ));
    assert_eq!(
        value_of(&rows, "局", "某市地方税务局", "2022", "最佳服务单位奖励"),
        "30000.00"
    );
    assert_eq!(
        value_of(&rows, "干部", "S013", "2022-Q1", "季度效能奖"),
        "1885.88"
    );
    // The last --set of a name wins.
    let rows = jsonl_rows(&eval_ok(
        SAMPLE,
        &[
            "--format",
            "jsonl",
            "--set",
            "季度效能奖月额=1元",
            "--set",
            "季度效能奖月额=800元",
        ],
    ));
    assert_eq!(
        value_of(&rows, "干部", "S013", "2022-Q1", "季度效能奖"),
        "1885.88"
    );
}

fn bad_set(set: &str, expected: &[&str]) -> String {
    let out = eval(SAMPLE, &["--format", "jsonl", "--set", set]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "--set {set}: {err}");
    assert!(out.stdout.is_empty(), "--set {set}: rows printed");
    for e in expected {
        assert!(err.contains(e), "--set {set}: stderr lacks `{e}`:\n{err}");
    }
    err
}

#[test]
fn a_bad_set_exits_1_with_a_message() {
    let unknown = bad_set(
        "季度效能奖月=800元",
        &[
            "[E0702]",
            "no parameter `季度效能奖月`",
            "did you mean `季度效能奖月额`?",
        ],
    );
    let wrong_type = bad_set(
        "季度效能奖月额=800分",
        &["[E0301]", "`季度效能奖月额` is money"],
    );
    let not_a_literal = bad_set("季度效能奖月额=abc", &["abc"]);
    let malformed = bad_set("季度效能奖月额", &["[E0701]", "write NAME=VALUE"]);
    let empty = bad_set("季度效能奖月额=", &["[E0001]"]);
    let table = bad_set("年终人平=100元", &["`年终人平` is map 年度等次 of money"]);
    snapshot(
        "bad-set",
        "kaohe eval … --set with an unknown name, a wrong type, a name that is no literal, no `=`, no value, a number for a table",
        &[
            ("--set 季度效能奖月=800元", unknown),
            ("--set 季度效能奖月额=800分", wrong_type),
            ("--set 季度效能奖月额=abc", not_a_literal),
            ("--set 季度效能奖月额", malformed),
            ("--set 季度效能奖月额=", empty),
            ("--set 年终人平=100元", table),
        ]
        .iter()
        .map(|(a, e)| format!("--- {a} ---\n{e}"))
        .collect::<String>(),
    );
}

// ───────────────────────────── exit codes

#[test]
fn exit_codes_tell_a_bad_policy_from_a_bad_case() {
    let bad_case = "tests/bad_cases/dangling-event-person.json";
    let cases = [
        (ERRONEOUS, SAMPLE, 1, "[E0101]"),
        (POLICY, bad_case, 2, "[E0502]"),
        // The policy is checked first: with both bad, the policy is at fault.
        (ERRONEOUS, bad_case, 1, "[E0101]"),
        (
            "tests/cli_inputs/no-such-policy.kaohe",
            SAMPLE,
            1,
            "[E0005]",
        ),
        (POLICY, "tests/cli_inputs/no-such-case.json", 2, "[E0005]"),
        (POLICY, SAMPLE, 0, ""),
    ];
    for (policy, case, code, text) in cases {
        for format in FORMATS {
            let out = kaohe(&["eval", policy, case, "--format", format]);
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(code),
                "{policy} {case} {format}: {err}"
            );
            assert!(err.contains(text), "{policy} {case}: {err}");
            if code != 0 {
                assert!(
                    out.stdout.is_empty(),
                    "{policy} {case} {format}: rows printed"
                );
            }
        }
    }
}

#[test]
fn usage_errors_are_clap_errors() {
    let out = kaohe(&["eval", POLICY, SAMPLE, "--format", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'yaml'"),
        "{}",
        stderr(&out)
    );
    let out = kaohe(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let out = kaohe(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("check") && stdout(&out).contains("eval"));
}

/// A full disk (Linux's /dev/full) is an error with its message, in every format.
#[test]
fn a_failed_write_is_reported() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full on this system
    };
    for format in ["jsonl", "json", "csv", "table"] {
        let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .current_dir(root())
            .args([
                "--color",
                "never",
                "eval",
                "policies/efficiency.kaohe",
                "policies/cases/sample-bureau.json",
                "--format",
                format,
            ])
            .stdout(full.try_clone().expect("a second handle on /dev/full"))
            .output()
            .expect("kaohe runs");
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert!(
            stderr(&out).contains("error[E0700]: cannot write the results:"),
            "{format}: {}",
            stderr(&out)
        );
    }
}
