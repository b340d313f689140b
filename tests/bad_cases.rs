//! Broken case files, each run through the real binary as a user would:
//! `kaohe --color never eval policies/efficiency.kaohe CASE --format jsonl`.
//!
//! A broken case must be rejected whole (exit 2, nothing on stdout), without a
//! panic, with a message that names the record and the field (spec §2). How
//! each is reported is kept as a reviewed snapshot in
//! `tests/snapshots/bad_cases/`: the case text (or, for a generated case, what
//! it holds), then stderr.
//!
//! The cases in `tests/bad_cases/` are small variations of one valid case (its
//! text is in `submitted-next-year-ok.json` plus one summary); the huge or
//! binary ones are generated here into cargo's temporary directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const POLICY: &str = "policies/efficiency.kaohe";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `kaohe --color never eval POLICY CASE --format jsonl`, from the crate root.
fn eval(case: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .current_dir(root())
        .env_remove("NO_COLOR")
        .args([
            "--color", "never", "eval", POLICY, case, "--format", "jsonl",
        ])
        .output()
        .expect("run kaohe")
}

/// Where generated cases go, as a path relative to the crate root when it can be.
fn generated(name: &str, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_cases");
    std::fs::create_dir_all(&dir).expect("create the temporary directory");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write the generated case");
    let rel = path
        .strip_prefix(root())
        .map(Path::to_path_buf)
        .unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

fn tmp_prefix() -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_cases");
    let rel = dir
        .strip_prefix(root())
        .map(Path::to_path_buf)
        .unwrap_or(dir);
    rel.to_string_lossy().replace('\\', "/")
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// What every answer must be free of.
fn assert_no_panic(stderr: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "internal error",
        "stack overflow",
    ] {
        assert!(!stderr.contains(bad), "`{bad}` in stderr:\n{stderr}");
    }
}

/// The reviewed snapshot: what is wrong (as the description), the case, stderr.
fn snapshot(name: &str, what: &str, case: &str, stderr: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/bad_cases");
    settings.set_description(what);
    settings.set_omit_expression(true);
    // Positions in the policy move whenever the policy is edited; the case's do not.
    settings.add_filter(
        r"policies/efficiency\.kaohe:\d+:\d+",
        "policies/efficiency.kaohe:[line]:[col]",
    );
    settings.add_filter(&regex_escape(&tmp_prefix()), "[tmp]");
    settings.bind(|| {
        insta::assert_snapshot!(
            name,
            format!("--- case ---\n{case}\n--- stderr ---\n{stderr}")
        );
    });
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A checked-in case that must be rejected: exit 2, no rows, no panic, every
/// `expected` text in stderr, and the snapshot.
fn rejected(file: &str, what: &str, expected: &[&str]) {
    let path = format!("tests/bad_cases/{file}.json");
    let text = std::fs::read_to_string(root().join(&path)).expect("read the case");
    let out = eval(&path);
    let stderr = stderr_of(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{path}: exit code; stderr:\n{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "{path}: rows printed for a rejected case:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_no_panic(&stderr);
    for e in expected {
        assert!(stderr.contains(e), "{path}: stderr lacks `{e}`:\n{stderr}");
    }
    assert!(
        stderr.contains("nothing was evaluated"),
        "{path}: stderr does not say the case was rejected:\n{stderr}"
    );
    snapshot(file, what, &text, &stderr);
}

macro_rules! rejected {
    ($test:ident, $file:literal, $what:literal, [$($e:literal),* $(,)?]) => {
        #[test]
        fn $test() {
            rejected($file, $what, &[$($e),*]);
        }
    };
}

// ───────────────────────────── dangling references

rejected!(
    dangling_unit_head,
    "dangling-unit-head",
    "单位.负责人 names no 干部",
    [
        "[E0502]",
        "单位[1] (U2).负责人: no 干部 with 编号 \"S99\"",
        "dangling-unit-head.json:6:"
    ]
);
rejected!(
    dangling_unit_leader,
    "dangling-unit-leader",
    "单位.分管领导 names no 干部",
    ["单位[1] (U2).分管领导: no 干部 with 编号 \"S98\""]
);
rejected!(
    dangling_person_unit,
    "dangling-person-unit",
    "干部.单位 names no 单位",
    ["干部[2] (S3).单位: no 单位 with 编号 \"U9\""]
);
rejected!(
    dangling_summary_unit,
    "dangling-summary-unit",
    "月度小结.单位 names no 单位",
    ["月度小结[0].单位: no 单位 with 编号 \"U7\""]
);
rejected!(
    dangling_summary_submitter,
    "dangling-summary-submitter",
    "月度小结.报送人 names no 干部",
    ["月度小结[0].报送人: no 干部 with 编号 \"S97\""]
);
rejected!(
    dangling_event_person,
    "dangling-event-person",
    "事件.当事人 names no 干部 (the spec's own example)",
    ["事件[0] (E1).当事人: no 干部 with 编号 \"S999\""]
);

// ───────────────────────────── duplicate 编号

rejected!(
    duplicate_unit_id,
    "duplicate-unit-id",
    "two 单位 with 编号 U1",
    ["单位[1].编号: 编号 \"U1\" is used twice", "first used here"]
);
rejected!(
    duplicate_person_id,
    "duplicate-person-id",
    "two 干部 with 编号 S2",
    ["干部[2].编号: 编号 \"S2\" is used twice", "first used here"]
);
rejected!(
    duplicate_event_id,
    "duplicate-event-id",
    "two 事件 with 编号 E1",
    ["事件[1].编号: 编号 \"E1\" is used twice", "first used here"]
);

// ───────────────────────────── enum values

rejected!(
    enum_unit_type,
    "enum-unit-type",
    "单位.类型 收入科 is not a 单位类型",
    [
        "单位[1] (U2).类型: \"收入科\" is not one of",
        "did you mean \"收入科室\"?"
    ]
);
rejected!(
    enum_rank,
    "enum-rank",
    "干部.职务 科员 is not a 职务",
    ["干部[2] (S3).职务: \"科员\" is not one of 局领导, 科室负责人, 一般干部"]
);
rejected!(
    enum_grade,
    "enum-grade",
    "局.年度等次 优 is not a 年度等次",
    ["局.年度等次: \"优\" is not one of 最佳服务单位, 优秀, 良好, 一般, 较差"]
);
rejected!(
    enum_event_type,
    "enum-event-type",
    "事件.类型 警告 is not a 事件类型",
    ["事件[0] (E1).类型: \"警告\" is not one of"]
);

// ───────────────────────────── 自评分 and 收入完成

rejected!(
    score_negative,
    "score-negative",
    "自评分 -1 is below 0",
    ["[E0504]", "干部[2] (S3).自评分: 自评分 must lie in 0..100"]
);
rejected!(
    score_above_100,
    "score-above-100",
    "自评分 \"100.01\" is above 100",
    ["干部[2] (S3).自评分: 自评分 must lie in 0..100"]
);
rejected!(
    score_three_decimals,
    "score-three-decimals",
    "自评分 80.125 has 3 decimals",
    ["干部[2] (S3).自评分: 自评分 has at most 2 decimals"]
);
rejected!(
    score_quarter_missing,
    "score-quarter-missing",
    "自评分 has no quarter 3",
    ["干部[2] (S3).自评分: has no value for quarter 3"]
);
rejected!(
    revenue_quarter_missing,
    "revenue-quarter-missing",
    "收入完成 has no quarter 4",
    ["单位[1] (U2).收入完成: has no value for quarter 4"]
);
rejected!(
    revenue_task_without_actuals,
    "revenue-task-without-actuals",
    "收入任务 without 收入完成",
    ["单位[1] (U2).收入完成: 有收入任务的单位必须填报各季度收入完成"]
);

// ───────────────────────────── dates and months

rejected!(
    event_date_outside_year,
    "event-date-outside-year",
    "事件.日期 2021-12-31 in a 2022 case",
    ["事件[0] (E1).日期: 日期 must fall in the case's 年度"]
);
rejected!(
    summary_month_outside_year,
    "summary-month-outside-year",
    "月度小结.月份 2023-01 in a 2022 case",
    ["月度小结[0].月份: 月份 must fall in the case's 年度"]
);
rejected!(
    date_without_zero_padding,
    "date-without-zero-padding",
    "事件.日期 \"2022-2-3\"",
    ["事件[0] (E1).日期: \"2022-2-3\" is not a date (YYYY-MM-DD)"]
);
rejected!(
    date_february_30,
    "date-february-30",
    "事件.日期 \"2022-02-30\" does not exist",
    ["事件[0] (E1).日期: \"2022-02-30\" is not a date"]
);
rejected!(
    date_with_slashes,
    "date-with-slashes",
    "事件.日期 \"2022/02/03\"",
    ["事件[0] (E1).日期: \"2022/02/03\" is not a date"]
);
rejected!(
    month_malformed,
    "month-malformed",
    "月度小结.月份 \"2022-1\"",
    ["月度小结[0].月份: \"2022-1\" is not a month (YYYY-MM)"]
);

// ───────────────────────────── numbers written as strings (JSON's number syntax only)

rejected!(
    number_plus_sign,
    "number-plus-sign",
    "税收收入 \"+1\"",
    ["局.税收收入: \"+1\" is not a valid number"]
);
rejected!(
    number_thousands_comma,
    "number-thousands-comma",
    "税收收入 \"1,000\"",
    ["局.税收收入: \"1,000\" is not a valid number"]
);
rejected!(
    number_leading_dot,
    "number-leading-dot",
    "税收收入 \".5\"",
    ["局.税收收入: \".5\" is not a valid number"]
);
rejected!(
    number_bare_exponent,
    "number-bare-exponent",
    "税收收入 \"1e\"",
    ["局.税收收入: \"1e\" is not a valid number"]
);
rejected!(
    number_leading_space,
    "number-leading-space",
    "税收收入 \" 1\"",
    ["局.税收收入: \" 1\" is not a valid number"]
);
rejected!(
    number_29_digits,
    "number-29-digits",
    "税收收入 needs 29 significant digits (a string)",
    [
        "局.税收收入: \"14940000000000000000000000000\" is not a valid number",
        "28 significant digits"
    ]
);
rejected!(
    number_29_digits_json,
    "number-29-digits-json",
    "收入任务 needs 29 significant digits (a JSON number: refused, not rounded)",
    [
        "单位[1] (U2).收入任务: \"1234567890.1234567890123456789\" is not a valid number",
        "28 significant digits"
    ]
);

// ───────────────────────────── null, missing, wrong JSON types

rejected!(
    null_required_field,
    "null-required-field",
    "干部.职务 is null",
    ["干部[2] (S3).职务: must not be null"]
);
rejected!(
    missing_required_field,
    "missing-required-field",
    "事件.日期 is missing",
    ["事件[0] (E1): `日期` is missing"]
);
rejected!(
    string_for_bool,
    "string-for-bool",
    "非能力因素 is the string \"false\"",
    ["事件[0] (E1).非能力因素: must be true or false, not a string"]
);
rejected!(
    number_for_id,
    "number-for-id",
    "干部.编号 is the number 3 (the references to S3 then fail too)",
    ["干部[2].编号: must be a string, not a number"]
);
rejected!(
    id_missing,
    "id-missing",
    "a 干部 without 编号",
    ["干部[2]: `编号` is missing"]
);
rejected!(
    non_object_record,
    "non-object-record",
    "a 干部 that is a string, and a bad 职务 in the record after it (numbered by its place in the array)",
    [
        "干部[2]: a record must be an object, not a string",
        "干部[3] (S3).职务: \"干部\" is not one of"
    ]
);
/// Spec §2: "Required: 年度 (a JSON integer)".
#[test]
fn year_as_string() {
    rejected(
        "year-as-string",
        "年度 \"2022\" (spec §2: a JSON integer)",
        &["年度: must be a year"],
    );
}

rejected!(
    year_as_float,
    "year-as-float",
    "年度 2022.0 (a year is a whole JSON number)",
    ["the case.年度: must be a year written as a whole JSON number such as 2022, not 2022.0"]
);

// ───────────────────────────── rules across records

rejected!(
    two_summaries_one_month,
    "two-summaries-one-month",
    "two 月度小结 of U2 for 2022-01",
    ["月度小结[1]", "at most one 月度小结 per unit and month"]
);
rejected!(
    no_leadership_unit,
    "no-leadership-unit",
    "no 单位 of type 局领导班子 (so the 局领导 S1 is outside it too)",
    [
        "单位: exactly one 单位 must be of type 局领导班子",
        "干部[0] (S1).单位: a 局领导 must belong to the 局领导班子"
    ]
);
rejected!(
    two_leadership_units,
    "two-leadership-units",
    "both 单位 are of type 局领导班子",
    [
        "单位: exactly one 单位 must be of type 局领导班子",
        "单位: there must be a 单位 besides the 局领导班子"
    ]
);
rejected!(
    only_leadership_unit,
    "only-leadership-unit",
    "the 局领导班子 is the only 单位",
    ["单位: there must be a 单位 besides the 局领导班子"]
);
rejected!(
    leader_outside_leadership,
    "leader-outside-leadership",
    "a 局领导 (S3) in 征收科",
    ["干部[2] (S3).单位: a 局领导 must belong to the 局领导班子"]
);

// ───────────────────────────── not JSON, or not a case

rejected!(
    duplicate_key,
    "duplicate-key",
    "干部 S3 gives 姓名 twice",
    ["干部[2] (S3): the key `姓名` is given twice"]
);
rejected!(
    truncated,
    "truncated",
    "the file stops in the middle of 干部",
    ["[E0501]", "not valid JSON: unexpected end of input"]
);
rejected!(
    trailing_garbage,
    "trailing-garbage",
    "a second object after the case",
    [
        "[E0501]",
        "not valid JSON: trailing characters after the JSON value"
    ]
);
rejected!(
    empty,
    "empty",
    "an empty file",
    ["[E0501]", "not valid JSON: unexpected end of input"]
);
rejected!(
    array_root,
    "array-root",
    "the case inside an array",
    ["the case: must be a JSON object, not an array"]
);

#[test]
fn several_errors_are_all_reported() {
    rejected(
        "several-errors",
        "six errors: a dangling 负责人, a bad 职务, a 自评分 of 101, a 月份 in 2021, a dangling 当事人, no 局领导班子",
        &[
            "单位[1] (U2).负责人: no 干部 with 编号 \"S99\"",
            "干部[2] (S3).职务: \"科员\" is not one of",
            "事件[0] (E1).当事人: no 干部 with 编号 \"S999\"",
            "干部[1] (S2).自评分: 自评分 must lie in 0..100",
            "月度小结[0].月份: 月份 must fall in the case's 年度",
            "单位: exactly one 单位 must be of type 局领导班子",
        ],
    );
    // The note that the case was rejected comes once, at the end.
    let stderr = stderr_of(&eval("tests/bad_cases/several-errors.json"));
    assert_eq!(
        stderr.matches("nothing was evaluated").count(),
        1,
        "{stderr}"
    );
}

// ───────────────────────────── generated: binary, deep, huge

/// The text of the small valid case the checked-in ones vary.
fn base() -> String {
    let text = std::fs::read_to_string(root().join("tests/bad_cases/unknown-key-warning.json"))
        .expect("read a case");
    text.replace("\"非能力因数\": true", "\"非能力因素\": false")
}

fn replace_once(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "`{old}` once in the base case"
    );
    text.replacen(old, new, 1)
}

/// A generated case that must be rejected; how long it took and stderr.
fn generated_rejected(
    name: &str,
    what: &str,
    bytes: &[u8],
    expected: &[&str],
) -> (Duration, String) {
    let path = generated(name, bytes);
    let started = Instant::now();
    let out = eval(&path);
    let took = started.elapsed();
    let stderr = stderr_of(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit code; stderr:\n{stderr}"
    );
    assert!(out.stdout.is_empty(), "{what}: rows printed");
    assert_no_panic(&stderr);
    for e in expected {
        assert!(stderr.contains(e), "{what}: stderr lacks `{e}`:\n{stderr}");
    }
    snapshot(
        name.trim_end_matches(".json"),
        what,
        &format!("(generated) {what}"),
        &stderr,
    );
    (took, stderr)
}

#[test]
fn non_utf8_bytes() {
    let base = base();
    let mut bytes = replace_once(&base, "迟到", "@@").into_bytes();
    let at = bytes
        .windows(2)
        .position(|w| w == b"@@")
        .expect("the marker");
    bytes[at] = 0xFF;
    bytes[at + 1] = 0xFE;
    generated_rejected(
        "non-utf8.json",
        "the small case with the bytes FF FE in place of 事件 E1's 说明",
        &bytes,
        &["[E0006]", "is not UTF-8 text"],
    );
}

#[test]
fn hundred_thousand_nested_arrays() {
    let n = 100_000;
    let deep = format!("{}{}", "[".repeat(n), "]".repeat(n));
    let text = replace_once(&base(), "\"迟到\"", &deep);
    let (took, _) = generated_rejected(
        "nested-arrays.json",
        "the small case with 100,000 nested arrays as 事件 E1's 说明",
        text.as_bytes(),
        &["[E0501]", "nesting deeper than"],
    );
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[test]
fn hundred_thousand_nested_arrays_as_the_root() {
    let n = 100_000;
    let text = format!("{}{}", "[".repeat(n), "]".repeat(n));
    generated_rejected(
        "nested-arrays-root.json",
        "100,000 nested arrays and nothing else",
        text.as_bytes(),
        &["[E0501]", "nesting deeper than"],
    );
}

const FIFTY_MB: usize = 50 * 1024 * 1024;

#[test]
fn fifty_megabyte_string() {
    let huge = "S".repeat(FIFTY_MB);
    let text = replace_once(
        &base(),
        "\"当事人\": \"S3\"",
        &format!("\"当事人\": \"{huge}\""),
    );
    let (took, stderr) = generated_rejected(
        "huge-string.json",
        "the small case with 事件 E1's 当事人 a string of 50 MB (\"SSS…\")",
        text.as_bytes(),
        &["事件[0] (E1).当事人: no 干部 with 编号 \"SSSS"],
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(
        stderr.len() < 2000,
        "a long message: {} bytes",
        stderr.len()
    );
}

#[test]
fn fifty_megabyte_case_on_one_line() {
    // A case written on one line: the message shows an excerpt, never the line.
    let huge = "x".repeat(FIFTY_MB);
    let text = replace_once(&base(), "\"迟到\"", &format!("\"{huge}\""))
        .replace('\n', " ")
        .replace("\"日期\": \"2022-02-10\"", "\"日期\": \"2022-02-30\"");
    let path = generated("huge-one-line.json", text.as_bytes());
    let started = Instant::now();
    let out = eval(&path);
    let took = started.elapsed();
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert_no_panic(&stderr);
    assert!(
        stderr.contains("事件[0] (E1).日期: \"2022-02-30\" is not a date"),
        "{stderr}"
    );
    assert!(
        stderr.len() < 2000,
        "a long message: {} bytes",
        stderr.len()
    );
    assert!(took < Duration::from_secs(60), "took {took:?}");
    snapshot(
        "huge-one-line",
        "the small case on one line, with a 50 MB 说明 and 日期 \"2022-02-30\"",
        "(generated) the small case on one line, with a 50 MB 说明 and 日期 \"2022-02-30\"",
        &stderr,
    );
}

// ───────────────────────────── warnings and valid edge cases: exit 0

fn rows(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .expect("stdout is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON row"))
        .collect()
}

fn value_of<'a>(
    rows: &'a [serde_json::Value],
    id: &str,
    period: &str,
    name: &str,
) -> &'a serde_json::Value {
    rows.iter()
        .find(|r| r["id"] == id && r["period"] == period && r["name"] == name)
        .map(|r| &r["value"])
        .unwrap_or_else(|| panic!("no row {id} {period} {name}"))
}

#[test]
fn unknown_key_is_a_warning() {
    let path = "tests/bad_cases/unknown-key-warning.json";
    let out = eval(path);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_no_panic(&stderr);
    assert!(stderr.contains("[W0501]"), "{stderr}");
    assert!(
        stderr.contains("事件[0] (E1): unknown key `非能力因数`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `非能力因素`?"), "{stderr}");
    assert!(!stderr.contains("Error"), "{stderr}");
    let rows = rows(&out);
    assert_eq!(rows.len(), 88);
    // The misspelt key is ignored: E1 is a 通报批评 all the same (S3's Q1 bonus withheld).
    assert_eq!(
        value_of(&rows, "S3", "2022-Q1", "季度效能奖扣发"),
        &serde_json::json!(true)
    );
    let text = std::fs::read_to_string(root().join(path)).expect("read");
    snapshot(
        "unknown-key-warning",
        "事件.非能力因数 (misspelt 非能力因素): a warning, the case is evaluated",
        &text,
        &stderr,
    );
}

#[test]
fn fifty_megabyte_unknown_key_is_a_short_warning() {
    let key = "k".repeat(FIFTY_MB);
    let text = replace_once(&base(), "\"说明\": \"迟到\"", &format!("\"{key}\": 1"));
    let out = eval(&generated("huge-key.json", text.as_bytes()));
    let stderr = stderr_of(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert!(
        stderr.len() < 2000,
        "a long warning: {} bytes",
        stderr.len()
    );
    assert!(stderr.contains("unknown key `kkkk"), "{stderr}");
    assert_eq!(rows(&out).len(), 88);
}

#[test]
fn submitted_in_the_next_year_is_valid() {
    let out = eval("tests/bad_cases/submitted-next-year-ok.json");
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let rows = rows(&out);
    // December's summary is due January 3 of the next year: on time, no problem.
    assert_eq!(
        value_of(&rows, "U2", "2022-12", "月报问题"),
        &serde_json::json!([])
    );
    assert_eq!(
        value_of(&rows, "U2", "2022-01", "月报问题"),
        &serde_json::json!([])
    );
    assert_eq!(
        value_of(&rows, "U2", "2022-02", "月报问题"),
        &serde_json::json!(["不及时报送"])
    );
}

#[test]
fn every_case_file_has_a_test() {
    // A file added to tests/bad_cases/ without a test here would check nothing.
    let source = std::fs::read_to_string(root().join("tests/bad_cases.rs")).expect("read");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/bad_cases")).expect("list") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let stem = name.trim_end_matches(".json");
        let used = [
            format!("\"{stem}\""),
            format!("tests/bad_cases/{stem}.json"),
        ];
        if !used.iter().any(|u| source.contains(u.as_str())) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "cases without a test: {missing:?}");
}
