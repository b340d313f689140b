//! `kaohe explain` through the real binary: reviewed snapshots of the
//! derivations a user asks about most, checks in code of what each must show,
//! the JSON form, `--depth`, and the messages for a wrong question.
//!
//! The cases are the checked-in samples (`policies/cases/README.md` says who
//! has which event in `sample-bureau.json`).

use serde_json::Value as Json;
use std::path::Path;
use std::process::{Command, Output};

const POLICY: &str = "policies/efficiency.kaohe";
const SAMPLE: &str = "policies/cases/sample-bureau.json";
const TIES: &str = "policies/cases/edge-allocation-ties.json";

fn kaohe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("NO_COLOR")
        .arg("--color")
        .arg("never")
        .args(args)
        .output()
        .expect("run kaohe")
}

/// `kaohe explain POLICY CASE ENTITY ID PERIOD NAME EXTRA…`
fn explain(case: &str, question: [&str; 4], extra: &[&str]) -> Output {
    let mut args = vec!["explain", POLICY, case];
    args.extend_from_slice(&question);
    args.extend_from_slice(extra);
    kaohe(&args)
}

/// The text of an explanation that worked.
fn explain_ok(case: &str, question: [&str; 4], extra: &[&str]) -> String {
    let out = explain(case, question, extra);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{question:?}: {err}");
    assert!(err.is_empty(), "{question:?}: {err}");
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn snapshot(name: &str, description: &str, body: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path("snapshots/explain");
    settings.set_description(description);
    settings.set_omit_expression(true);
    // Places in the policy move whenever it is edited; places in the case do not.
    settings.add_filter(
        r"policies/efficiency\.kaohe:\d+(:\d+)?",
        "policies/efficiency.kaohe:[line]",
    );
    settings.add_filter(r"policy sha256 [0-9a-f]{12}", "policy sha256 [hash]");
    settings.bind(|| insta::assert_snapshot!(name, body));
}

fn has(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "`{wanted}` not in:\n{text}");
}

#[test]
fn withheld_bonus_names_the_event_and_the_clause() {
    // E01 通报批评 of S012 on 2022-02-10: S012's Q1 bonus is withheld (三㈢3①).
    let q = ["干部", "S012", "2022-Q1", "季度效能奖"];
    let text = explain_ok(SAMPLE, q, &[]);
    has(&text, "干部 S012 2022-Q1 季度效能奖 = 0.00元");
    has(&text, "季度效能奖扣发 = true");
    has(&text, "rule 通报批评 withholds it   [cite 三㈢3①");
    has(&text, "事件 E01   [policies/cases/sample-bureau.json:");
    snapshot(
        "withheld-bonus",
        "kaohe explain … sample-bureau.json 干部 S012 2022-Q1 季度效能奖 (E01 通报批评)",
        &text,
    );
}

#[test]
fn paid_bonus_shows_both_scores_and_the_monthly_amount() {
    // README worked example: 600 × 3 × 86/100 × 91.37/100 = 1414.4076 → 1414.41.
    let q = ["干部", "S013", "2022-Q1", "季度效能奖"];
    let text = explain_ok(SAMPLE, q, &[]);
    has(&text, "干部 S013 2022-Q1 季度效能奖 = 1414.41元");
    has(&text, "季度效能奖月额 = 600.00元   [cite 四㈢");
    has(&text, "干部 S013 2022-Q1 单位系数分 = 86分");
    has(&text, "干部 S013 2022-Q1 个人考核分 = 91.37分");
    has(&text, "单位 U03 2022-Q1 收入扣分 = 12分");
    has(&text, "季度效能奖扣发 = false");
    snapshot(
        "paid-bonus",
        "kaohe explain … sample-bureau.json 干部 S013 2022-Q1 季度效能奖 (README's worked example)",
        &text,
    );
}

#[test]
fn unit_score_with_a_revenue_deduction() {
    // U04 in Q4: 100 − 2 (November's summary) − 14 (shortfall 14.75%) = 84.
    let q = ["单位", "U04", "2022-Q4", "单位效能分"];
    let text = explain_ok(SAMPLE, q, &[]);
    has(&text, "单位 U04 2022-Q4 单位效能分 = 84分");
    has(&text, "deductions from 单位 U04 in 2022-Q4 = 2分");
    has(&text, "rule 月报追责 deducts 2分");
    has(&text, "单位 U04 2022-Q4 收入扣分 = 14分   [cite 二㈠");
    has(&text, "单位 U04 · 收入任务 = 200000000.00元");
    has(&text, "收入扣分上限 = 20分   [assumption:");
    snapshot(
        "unit-score-revenue",
        "kaohe explain … sample-bureau.json 单位 U04 2022-Q4 单位效能分 (revenue 14.75% short)",
        &text,
    );
}

#[test]
fn year_end_share() {
    // edge-allocation-ties: S9 gets 299.66, the fen left over went to S10 and S11.
    let q = ["干部", "S9", "2022", "年终效能奖"];
    let text = explain_ok(TIES, q, &["--depth", "3"]);
    has(&text, "干部 S9 2022 年终效能奖 = 299.66元   [cite 三㈢2");
    has(
        &text,
        "2022 年终分配 = {S1: 300.50, S2: 300.50, S11: 299.67, S9: 299.66, S10: 299.67}",
    );
    has(&text, "年终效能奖总额 = 1500.00元");
    has(&text, "干部 S9 2022 年度考核分 = 359分");
    snapshot(
        "year-end-share",
        "kaohe explain … edge-allocation-ties.json 干部 S9 2022 年终效能奖 --depth 3",
        &text,
    );
    // The same in the sample: S001 505.91 (README's worked example).
    let text = explain_ok(
        SAMPLE,
        ["干部", "S001", "2022", "年终效能奖"],
        &["--depth", "2"],
    );
    has(&text, "干部 S001 2022 年终效能奖 = 505.91元");
}

#[test]
fn why_not_a_deduction_without_non_ability_factor() {
    // E03 上级考核扣分 of S019 (U04, 2022-04-20) with 非能力因素 false: no
    // deduction for the head S017, no withheld bonus for S019.
    let bonus = explain_ok(SAMPLE, ["干部", "S019", "2022-Q2", "季度效能奖"], &[]);
    let head = explain_ok(SAMPLE, ["干部", "S017", "2022-Q2", "个人考核分"], &[]);
    for text in [&bonus, &head] {
        has(
            text,
            "rule 上级考核扣分 did not apply to 事件 E03: `e.类型 == 上级考核扣分 and e.非能力因素` is false   [cite 三㈢3②",
        );
        has(text, "e.类型 == 上级考核扣分 = true (是)");
        has(text, "e.非能力因素 = false (否)");
    }
    has(&bonus, "季度效能奖扣发 = false");
    has(&head, "干部 S017 2022-Q2 个人考核分 = 93分");
    has(&head, "deductions from 干部 S017 in 2022-Q2 = 0分");
    snapshot(
        "why-not-bonus",
        "kaohe explain … sample-bureau.json 干部 S019 2022-Q2 季度效能奖 (E03, 非能力因素 false)",
        &bonus,
    );
    snapshot(
        "why-not-head",
        "kaohe explain … sample-bureau.json 干部 S017 2022-Q2 个人考核分 (head of E03's U04)",
        &head,
    );
    // E09 has no 非能力因素 key: the default false, the same answer.
    let e09 = explain_ok(SAMPLE, ["干部", "S009", "2022-Q4", "季度效能奖"], &[]);
    has(&e09, "rule 上级考核扣分 did not apply to 事件 E09");
    has(&e09, "e.非能力因素 = false (否)");
}

#[test]
fn summary_submitted_on_the_third_is_on_time() {
    // U02's March summary was filed on 2022-04-03, the last day allowed.
    let q = ["单位", "U02", "2022-03", "月报问题"];
    let text = explain_ok(SAMPLE, q, &[]);
    has(&text, "单位 U02 2022-03 月报问题 = []");
    has(&text, "· 报送日期 = 2022-04-03");
    has(&text, "月报截止日 = 3   [cite 三㈡");
    has(
        &text,
        "s.报送日期 == none or s.报送日期 > 截止 = false (否)",
    );
    snapshot(
        "summary-on-the-third",
        "kaohe explain … sample-bureau.json 单位 U02 2022-03 月报问题 (filed 2022-04-03)",
        &text,
    );
    // June's was filed on 07-04: one day late.
    let late = explain_ok(SAMPLE, ["单位", "U02", "2022-06", "月报问题"], &[]);
    has(&late, "单位 U02 2022-06 月报问题 = [不及时报送]");
    has(&late, "· 报送日期 = 2022-07-04");
    has(&late, "s.报送日期 == none or s.报送日期 > 截止 = true (是)");
}

// ───────────────────────────── JSON and depth

/// Every node has a kind, a title and children; values where there is one.
fn check_node(node: &Json, depth: usize, max_depth: &mut usize, count: &mut usize) {
    *count += 1;
    *max_depth = (*max_depth).max(depth);
    let obj = node
        .as_object()
        .unwrap_or_else(|| panic!("a node is an object: {node}"));
    let kind = obj["kind"].as_str().expect("kind is a string");
    assert!(!kind.is_empty(), "kind in {node}");
    assert!(
        obj["title"].as_str().is_some_and(|t| !t.is_empty()),
        "title in {node}"
    );
    if kind == "definition" || kind == "parameter" {
        assert!(obj["value"].as_str().is_some(), "value of a {kind}: {node}");
    }
    if let Some(v) = obj.get("value") {
        assert!(v.is_string(), "value is text: {node}");
    }
    for c in obj["children"].as_array().expect("children is an array") {
        check_node(c, depth + 1, max_depth, count);
    }
}

#[test]
fn json_has_kind_title_value_children_recursively() {
    for (case, q) in [
        (SAMPLE, ["干部", "S012", "2022-Q1", "季度效能奖"]),
        (SAMPLE, ["干部", "S013", "2022-Q1", "季度效能奖"]),
        (SAMPLE, ["单位", "U02", "2022-03", "月报问题"]),
        (TIES, ["干部", "S9", "2022", "年终效能奖"]),
    ] {
        let text = explain_ok(case, q, &["--format", "json"]);
        let json: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{q:?}: {e}"));
        for k in ["policy", "version", "policy_sha256", "case_sha256", "kaohe"] {
            assert!(json["stamp"][k].is_string(), "stamp.{k}");
        }
        let root = &json["explanation"];
        assert_eq!(root["kind"], "definition");
        assert_eq!(
            root["title"],
            format!("{} {} {} {}", q[0], q[1], q[2], q[3])
        );
        let (mut deepest, mut count) = (0, 0);
        check_node(root, 1, &mut deepest, &mut count);
        assert!(
            count > 3 && deepest >= 3,
            "{q:?}: {count} nodes, {deepest} deep"
        );
    }
    // The withheld bonus in JSON: the rule and the event are nodes of their own.
    let text = explain_ok(
        SAMPLE,
        ["干部", "S012", "2022-Q1", "季度效能奖"],
        &["--format", "json"],
    );
    let json: Json = serde_json::from_str(&text).expect("json");
    assert_eq!(json["explanation"]["value"], "0.00元");
    let rule = find(&json["explanation"], &|n| n["kind"] == "rule").expect("a rule node");
    assert_eq!(rule["cite"], serde_json::json!(["三㈢3①"]));
    assert_eq!(rule["children"][0]["title"], "事件 E01");
}

fn find<'a>(node: &'a Json, pred: &dyn Fn(&Json) -> bool) -> Option<&'a Json> {
    if pred(node) {
        return Some(node);
    }
    node["children"]
        .as_array()?
        .iter()
        .find_map(|c| find(c, pred))
}

#[test]
fn depth_limits_the_explanation() {
    let q = ["干部", "S013", "2022-Q1", "季度效能奖"];
    let one = explain_ok(SAMPLE, q, &["--depth", "1"]);
    let six = explain_ok(SAMPLE, q, &["--depth", "6"]);
    assert_eq!(explain_ok(SAMPLE, q, &[]), six, "the default depth is 6");
    assert!(
        one.lines().count() < six.lines().count(),
        "{one}\n---\n{six}"
    );
    has(&one, "干部 S013 2022-Q1 季度效能奖 = 1414.41元");
    assert!(
        !one.contains("收入扣分"),
        "depth 1 stops before the unit's revenue:\n{one}"
    );
    has(&six, "收入扣分 = 12分");
    snapshot(
        "depth-1",
        "kaohe explain … sample-bureau.json 干部 S013 2022-Q1 季度效能奖 --depth 1",
        &one,
    );
    let count = |extra: &[&str]| {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(extra);
        let json: Json = serde_json::from_str(&explain_ok(SAMPLE, q, &args)).expect("json");
        let (mut deepest, mut count) = (0, 0);
        check_node(&json["explanation"], 1, &mut deepest, &mut count);
        (deepest, count)
    };
    let (d1, n1) = count(&["--depth", "1"]);
    let (d6, n6) = count(&["--depth", "6"]);
    assert!(
        n1 < n6 && d1 < d6,
        "depth 1: {n1} nodes {d1} deep; depth 6: {n6} nodes {d6} deep"
    );
}

// ───────────────────────────── wrong questions

fn refused(case: &str, q: [&str; 4], code: i32, expected: &[&str]) -> String {
    let out = explain(case, q, &[]);
    let err = String::from_utf8(out.stderr).expect("UTF-8");
    assert_eq!(out.status.code(), Some(code), "{q:?}: {err}");
    assert!(out.stdout.is_empty(), "{q:?}: printed an explanation");
    for e in expected {
        assert!(err.contains(e), "{q:?}: `{e}` not in:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    format!("--- {} ---\n{err}", q.join(" "))
}

#[test]
fn wrong_questions_get_a_did_you_mean() {
    let all = [
        refused(
            SAMPLE,
            ["千部", "S013", "2022-Q1", "季度效能奖"],
            4,
            &["[E0703]", "no entity `千部`", "did you mean `干部`?"],
        ),
        refused(
            SAMPLE,
            ["干部", "S0133", "2022-Q1", "季度效能奖"],
            4,
            &["no 干部 record `S0133`", "did you mean `S013`?"],
        ),
        refused(
            SAMPLE,
            ["干部", "S013", "2022-Q1", "季度奖"],
            4,
            &["no value of 干部 `季度奖`", "did you mean `季度效能奖`?"],
        ),
        refused(
            SAMPLE,
            ["干部", "S013", "2022-Q1", "季度效能奖额"],
            4,
            &["did you mean `季度效能奖`?"],
        ),
        refused(
            SAMPLE,
            ["干部", "S013", "2022-01", "季度效能奖"],
            4,
            &[
                "[E0704]",
                "`2022-01` is not a quarter",
                "write e.g. 2022-Q1",
            ],
        ),
        refused(
            SAMPLE,
            ["干部", "S013", "2022-Q1", "年终效能奖"],
            4,
            &["`2022-Q1` is not a year", "write e.g. 2022"],
        ),
        refused(
            SAMPLE,
            ["单位", "U02", "2022-Q1", "月报问题"],
            4,
            &["`2022-Q1` is not a month", "write e.g. 2022-01"],
        ),
        refused(
            SAMPLE,
            ["干部", "S013", "Q1", "季度效能奖"],
            4,
            &["`Q1` is not a quarter"],
        ),
        refused(
            SAMPLE,
            ["干部", "S013", "2023-Q1", "季度效能奖"],
            4,
            &["`2023-Q1` lies outside the case year 2022"],
        ),
    ]
    .concat();
    snapshot(
        "wrong-questions",
        "kaohe explain with a wrong entity, id, name or period",
        &all,
    );
}
