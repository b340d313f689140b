//! The what-if REPL: scripted transcripts against the library `Repl` (each
//! input after `> `, then what it printed and its diagnostics), the bonus
//! what-if checked against the spec's formula, the real binary fed through a
//! pipe, `:save`/`:load`/`eval --scenario` agreeing, completion and
//! multi-line input, and thousands of random lines that must not break it.

use kaohe::diagnostic::SourceMap;
use kaohe::eval::engine::Evaluator;
use kaohe::eval::results::value_text;
use kaohe::repl::{Repl, complete};
use kaohe::session;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;

const POLICY: &str = "policies/efficiency.kaohe";
const SAMPLE: &str = "policies/cases/sample-bureau.json";

fn repl() -> Repl {
    Repl::new(&[PathBuf::from(POLICY)], Some(Path::new(SAMPLE)))
        .unwrap_or_else(|e| panic!("the REPL starts:\n{}", e.render(false)))
}

/// Feeds inputs one by one; the transcript shows each after `> `, then its output and diagnostics.
fn transcript(repl: &mut Repl, inputs: &[&str]) -> String {
    let mut out = String::new();
    for input in inputs {
        out.push_str(&format!("> {input}\n"));
        let reply = repl.handle(input);
        out.push_str(&reply.out);
        out.push_str(&reply.err);
    }
    out
}

/// A scratch directory under target/, named relative to the package (no absolute paths in snapshots).
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from("target/repl-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

#[test]
fn expressions() {
    let mut r = repl();
    insta::assert_snapshot!(transcript(
        &mut r,
        &[
            "干部(\"S003\").季度效能奖[2022-Q1]",
            "sum(p.季度效能奖[2022-Q1] for p in 干部)",
            "count(e in 事件 where e.类型 == 通报批评)",
            "干部(\"S003\").自评分",
            "干部(\"S003\").单位",
            "[p.编号 for p in 干部 where p.职务 == 局领导]",
            "干部(\"S003\").姓名",
            "局.年度等次",
            "年终人平",
            "2022-Q1 + 1",
            "[p for p in 干部]",
            "",
            "1 +",
            "干部(\"S999\").季度效能奖[2022-Q1]",
            "干部(\"S003\").季度效能奖[2023-Q1]",
            "季度效能奖月额 + 5分",
            "季度效能奖",
            "干部(\"S003\").季度效能",
        ]
    ));
}

#[test]
fn bonus_what_if_and_diff() {
    let mut r = repl();
    insta::assert_snapshot!(transcript(
        &mut r,
        &[
            ":diff",
            ":set 季度效能奖月额 = 800元",
            "干部(\"S003\").季度效能奖[2022-Q1]",
            "sum(p.季度效能奖[2022-Q1] for p in 干部)",
            ":diff 局",
            ":diff S003 季度效能奖",
            ":diff --json 局",
            ":changes",
            ":set 季度效能奖月额 = 800元",
            ":set 季度效能奖月额 = 0.5",
            ":set 季度效能奖月额 = 季度效能奖月额 + 1元",
            ":set 季度效能奖月额 = 99999999999999999999999999999999999元",
            ":set 税收目标 = 0元",
            ":set 季度效能月额 = 1元",
            ":set 年终人平[优秀] = 400元",
            ":set 年终人平[优等] = 400元",
            ":set 年终人平 = 400元",
            ":set 季度效能奖月额[优秀] = 400元",
            ":set 年终人平[\"优秀\"] = 400元",
            ":set 考核单位平均分 = 3分",
            ":set 年度 = 2023",
            ":set 干部 = 1",
            ":set 1 + 1 = 2",
            ":params",
            ":undo",
            ":changes",
            ":reset",
            ":reset",
            ":undo",
            ":changes",
        ]
    ));
}

#[test]
fn record_fields() {
    let mut r = repl();
    insta::assert_snapshot!(transcript(
        &mut r,
        &[
            ":set 局(\"某市地税局\").年度等次 = 优秀",
            ":set 局(\"某市地方税务局\").年度等次 = 优秀",
            ":set 局.年度等次 = 优秀",
            ":field 事件 E03 非能力因素 = true",
            ":field 月度小结 [3] 报送日期 = 2022-02-03",
            ":set 干部(\"S003\").自评分[2022-Q1] = 90分",
            ":set first(p in 干部 where p.姓名 == \"李文华\").职务 = 科室负责人",
            ":set 干部(\"S019\").单位 = 单位(\"U03\")",
            ":set 单位(\"U03\").分管领导 = none",
            ":show 干部 S003",
            ":show 单位 U03",
            ":changes",
            ":set 干部(\"S003\").自评分[2022-Q1] = 120分",
            ":set 干部(\"S003\").自评分[2022-Q1] = 90.123分",
            ":set 干部(\"S003\").自评分[2023-Q1] = 90分",
            ":set 干部(\"S003\").自评分[q] = 90分",
            ":set 干部(\"S003\").自评分 = 90分",
            ":set 干部(\"S003\").职务[2022-Q1] = 局领导",
            ":set 干部(\"S003\").职务 = 一般干部",
            ":set 干部(\"S003\").职务 = 校长",
            ":set 干部(\"S003\").季度效能奖 = 1元",
            ":set 干部(\"S003\").编号 = \"S100\"",
            ":set 干部(\"S003\").年龄 = 40",
            ":set 干部(\"S019\").单位 = \"U99\"",
            ":set 干部(\"S019\").单位 = 干部(\"S001\")",
            ":set 干部(\"S019\").单位 = none",
            ":set 单位(\"U05\").收入完成[2022-Q1] = 1元",
            ":set 单位(\"U01\").分管领导.职务 = 局领导",
            ":set 季度效能奖月额.x = 1",
            ":field 事件 E99 非能力因素 = true",
            ":field 事件s E03 非能力因素 = true",
            ":field 事件 E03 = true",
            ":field 事件 E03 日期[2022 = 2022-01-01",
            ":field 事件 E03 日期 = 2023-01-01",
            ":show 干部 S999",
            ":show 干部",
        ]
    ));
}

#[test]
fn adding_and_removing_records() {
    let mut r = repl();
    insta::assert_snapshot!(transcript(
        &mut r,
        &[
            ":remove 事件 E03",
            ":add 事件 {\"编号\": \"E10\", \"类型\": \"通报批评\", \"当事人\": \"S007\", \"日期\": \"2022-03-01\"}",
            ":diff S007",
            ":add 事件 {\"编号\": \"E11\", \"类型\": \"治庸问责\", \"当事人\": \"S008\", \"日期\": \"2022-05-01\", \"备注\": 1}",
            ":add 月度小结 {\"单位\": \"U05\", \"月份\": \"2022-05\", \"报送日期\": \"2022-06-01\", \"报送人\": \"S023\", \"任务\": [\"a\"], \"内容\": \"b\", \"数据\": {}}",
            ":remove 干部 S040",
            ":changes",
            ":add 事件 {\"编号\": \"E10\", \"类型\": \"通报批评\", \"当事人\": \"S007\", \"日期\": \"2022-03-01\"}",
            ":add 事件 {\"编号\": \"E12\", \"类型\": \"通报批评\", \"当事人\": \"S999\", \"日期\": \"2022-03-01\"}",
            ":add 事件 {\"编号\": \"E12\", \"类型\": \"通报\", \"当事人\": \"S007\", \"日期\": \"2023-03-01\"}",
            ":add 事件 {\"编号\": \"E12\", \"类型\": \"通报批评\", \"当事人\": \"S007\"}",
            ":add 事件 {\"编号\": \"E12\",",
            ":add 事件 [1, 2]",
            ":add 事件 {\"编号\": 12, \"类型\": \"通报批评\", \"当事人\": \"S007\", \"日期\": \"2022-03-01\"}",
            ":add 局 {\"名称\": \"x\"}",
            ":add 部门 {}",
            ":add 事件",
            ":remove 干部 S005",
            ":remove 干部 S001",
            ":remove 局 某市地方税务局",
            ":remove 事件 E99",
            ":remove 事件",
            ":undo",
            ":undo",
            ":changes",
        ]
    ));
}

#[test]
fn why_and_help() {
    let mut r = repl();
    insta::assert_snapshot!(transcript(
        &mut r,
        &[
            ":why 局 某市地方税务局 2022 最佳服务单位奖励",
            ":set 局.年度等次 = 优秀",
            ":why 局 某市地方税务局 2022 最佳服务单位奖励",
            ":why 干部 S012 2022-Q1 季度效能奖扣发",
            ":why 干部 S003 2022 季度效能奖",
            ":why 干部 S003 2023-Q1 季度效能奖",
            ":why 干部 S999 2022-Q1 季度效能奖",
            ":why 干 S003 2022-Q1 季度效能奖",
            ":why 干部 S003 2022-Q1 季度奖",
            ":why 干部 S003",
            ":help",
            ":help set",
            ":help :diff",
            ":help q",
            ":help nope",
            ":help a b",
            ":sett x = 1",
            ":",
            ":undo now",
            ":save",
            ":policy",
            ":diff --json",
            ":quit",
            ":q",
            ":exit",
        ]
    ));
}

#[test]
fn save_load_and_files() {
    let dir = scratch("save-load");
    let file = dir.join("s.json");
    let f = file.display().to_string();
    std::fs::write(dir.join("bad.json"), "{\"kaohe_scenario\": 1, \"changes\": [{\"change\": \"set_param\", \"param\": \"季度效能奖月额\"}]}\n").expect("written");
    std::fs::write(
        dir.join("v2.json"),
        "{\"kaohe_scenario\": 2, \"changes\": []}\n",
    )
    .expect("written");
    std::fs::write(dir.join("other.json"), "{\"kaohe_scenario\": 1, \"policy\": \"另一个政策 1.0\", \"changes\": [{\"change\": \"set_param\", \"param\": \"季度效能奖月额\", \"value\": \"700元\"}]}\n").expect("written");
    std::fs::write(dir.join("fails.json"), "{\"kaohe_scenario\": 1, \"changes\": [{\"change\": \"set_param\", \"param\": \"季度效能奖月额\", \"value\": \"700元\"}, {\"change\": \"remove_record\", \"entity\": \"干部\", \"id\": \"S005\"}]}\n").expect("written");
    std::fs::write(
        dir.join("notjson.json"),
        "{\"kaohe_scenario\": 1,\n \"changes\": [\n  {\"change\": \"set_parm\"}\n]}\n",
    )
    .expect("written");
    let mut r = repl();
    let d = dir.display();
    let text = transcript(
        &mut r,
        &[
            ":set 季度效能奖月额 = 800元",
            ":set 局.年度等次 = 优秀",
            ":field 事件 E03 非能力因素 = true",
            ":remove 事件 E01",
            ":add 事件 {\"编号\": \"E10\", \"类型\": \"通报批评\", \"当事人\": \"S007\", \"日期\": \"2022-03-01\", \"非能力因素\": false}",
            &format!(":save {f}"),
            ":reset",
            &format!(":load {f}"),
            ":changes",
            &format!(":load {d}/bad.json"),
            &format!(":load {d}/v2.json"),
            &format!(":load {d}/other.json"),
            &format!(":load {d}/fails.json"),
            &format!(":load {d}/notjson.json"),
            &format!(":load {d}/missing.json"),
            &format!(":save {d}"),
            &format!(":save {d}/no/such/dir/s.json"),
            ":changes",
        ],
    );
    insta::assert_snapshot!(text);
    let saved = std::fs::read_to_string(&file).expect("the scenario was saved");
    insta::assert_snapshot!("saved_scenario_file", saved);
}

#[test]
fn reload_policy_and_case() {
    let dir = scratch("reload");
    let policy = dir.join("p.kaohe");
    let original = std::fs::read_to_string(POLICY).expect("the policy");
    std::fs::write(&policy, &original).expect("written");
    let mut r = Repl::new(std::slice::from_ref(&policy), Some(Path::new(SAMPLE)))
        .unwrap_or_else(|e| panic!("{}", e.render(false)));
    let mut text = transcript(&mut r, &[":set 季度效能奖月额 = 800元", ":reload"]);
    // An edit to the policy: the baseline moves, the scenario applies again.
    std::fs::write(
        &policy,
        original.replace(
            "param 保证金 = table {\n  局领导: 1000元",
            "param 保证金 = table {\n  局领导: 1200元",
        ),
    )
    .expect("written");
    text.push_str(&transcript(
        &mut r,
        &[":reload", "干部(\"S001\").保证金[年度]"],
    ));
    // A broken policy: the diagnostics, and the previous policy kept.
    std::fs::write(
        &policy,
        original.replace("param 季度效能奖月额 = 600元", "param 季度效能奖月额 = "),
    )
    .expect("written");
    text.push_str(&transcript(
        &mut r,
        &[":reload", "季度效能奖月额", ":changes"],
    ));
    // The scenario no longer applies (its parameter was renamed).
    std::fs::write(&policy, original.replace("季度效能奖月额", "季度奖月额")).expect("written");
    text.push_str(&transcript(
        &mut r,
        &[":reload", ":reset", ":reload", "季度奖月额"],
    ));
    std::fs::write(&policy, &original).expect("written");
    let p = policy.display();
    text.push_str(&transcript(
        &mut r,
        &[
            &format!(":policy {p}"),
            ":set 季度效能奖月额 = 800元",
            ":load-case policies/cases/edge-no-events.json",
            ":load-case policies/cases/missing.json",
            ":policy policies/missing.kaohe",
            ":changes",
        ],
    ));
    insta::assert_snapshot!(text);
}

#[test]
fn without_policy_or_case() {
    let mut r = Repl::empty();
    let mut text = r.greeting().out;
    text.push_str(&transcript(
        &mut r,
        &[
            "1 + 1",
            ":set 季度效能奖月额 = 800元",
            ":diff",
            ":changes",
            ":why 干部 S003 2022-Q1 季度效能奖",
            ":reload",
            &format!(":load-case {SAMPLE}"),
            &format!(":policy {POLICY}"),
            "季度效能奖月额 * 3",
            "干部(\"S003\").季度效能奖[2022-Q1]",
            ":set 季度效能奖月额 = 800元",
            ":remove 事件 E01",
            ":diff",
            ":show 干部 S003",
            &format!(":load-case {SAMPLE}"),
            "干部(\"S003\").季度效能奖[2022-Q1]",
        ],
    ));
    insta::assert_snapshot!(text);
    let e = Repl::new(&[PathBuf::from("policies/missing.kaohe")], None)
        .err()
        .expect("no such policy");
    insta::assert_snapshot!(
        "start_errors",
        format!("exit {}\n{}", e.code, e.render(false))
    );
    let e = Repl::new(&[PathBuf::from(POLICY)], Some(Path::new("README.md")))
        .err()
        .expect("not a case");
    assert_eq!(e.code, 2);
    let e = Repl::new(&[], None).err().expect("no policy");
    assert_eq!(
        (e.code, e.render(false).as_str()),
        (1, "error[E0803]: no policy file given\n")
    );
}

/// The spec's formula, independently: Σ over staff and quarters not withheld of
/// round2(800 × 3 × 单位系数分/100 × 个人考核分/100) − the baseline bonus.
fn expected_total_change() -> Decimal {
    let mut sources = SourceMap::new();
    let policy =
        session::load_policy(&[Path::new(POLICY)], &mut sources).expect("the policy checks");
    let prog = &policy.program;
    let (_, loaded) =
        session::load_case_file(prog, Path::new(SAMPLE), &mut sources).expect("the case loads");
    let rows = Evaluator::new(prog, &loaded.case)
        .outputs()
        .expect("it evaluates");
    let mut v: HashMap<(String, String, String), String> = HashMap::new();
    for r in &rows {
        let text = value_text(prog, &loaded.case, r.ty(prog), &r.value);
        v.insert(
            (
                r.id(&loaded.case).to_string(),
                r.period_text(),
                r.name(prog).to_string(),
            ),
            text,
        );
    }
    let num = |id: &str, p: &str, n: &str| {
        Decimal::from_str(&v[&(id.to_string(), p.to_string(), n.to_string())]).expect("a number")
    };
    let mut total = Decimal::ZERO;
    let mut people = 0;
    for ((id, p, n), withheld) in &v {
        if n != "季度效能奖扣发" || withheld == "true" {
            continue;
        }
        people += 1;
        let a = num(id, p, "单位系数分");
        let b = num(id, p, "个人考核分");
        let bonus = (Decimal::from(800 * 3) * a / Decimal::from(100) * b / Decimal::from(100))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        total += bonus - num(id, p, "季度效能奖");
    }
    assert!(people > 100, "the sample has staff in every quarter");
    total
}

fn money(text: &str) -> Decimal {
    Decimal::from_str(&text.replace([',', '元', '+'], ""))
        .unwrap_or_else(|_| panic!("not an amount: {text}"))
}

#[test]
fn the_bonus_total_equals_the_spec_formula() {
    let mut r = repl();
    assert!(!r.handle(":set 季度效能奖月额 = 800元").failed);
    let diff = r.handle(":diff").out;
    let total_line = diff
        .lines()
        .find(|l| l.starts_with("季度效能奖: "))
        .expect("a total for 季度效能奖");
    let printed = money(total_line.rsplit("total ").next().expect("a total"));
    let mut lines = 0;
    let mut sum = Decimal::ZERO;
    for l in diff
        .lines()
        .filter(|l| l.starts_with("干部 ") && l.contains(" 季度效能奖: "))
    {
        let delta = l
            .rsplit('(')
            .next()
            .and_then(|d| d.strip_suffix(')'))
            .expect("a change");
        sum += money(delta);
        lines += 1;
    }
    assert_eq!(sum, printed, "the total is the sum of the lines");
    assert_eq!(
        printed,
        expected_total_change(),
        "the total follows the spec's formula"
    );
    assert_eq!(
        total_line,
        format!(
            "季度效能奖: {lines} changed, total +{}元",
            kaohe::eval::num::group_thousands(printed, 2)
        )
    );
}

fn kaohe(args: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kaohe runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("written");
    let out = child.wait_with_output().expect("kaohe finishes");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

#[test]
fn piped_into_the_binary() {
    let (out, err, code) = kaohe(
        &["repl", POLICY, SAMPLE],
        ":set 季度效能奖月额 = 800元\n:diff\n:quit\n",
    );
    assert_eq!((err.as_str(), code), ("", 0));
    assert!(
        out.starts_with("季度效能奖月额: 600.00元 → 800.00元\n"),
        "{out}"
    );
    assert!(
        out.contains("干部 S003 2022-Q1 季度效能奖: 1506.60 → 2008.80  (+502.20)\n"),
        "{out}"
    );
    let expected = format!(
        "季度效能奖: 161 changed, total +{}元\n",
        kaohe::eval::num::group_thousands(expected_total_change(), 2)
    );
    assert!(out.contains(&expected), "{out}");
    // An unfinished input continues on the next line; a failing input makes the exit code 1.
    let (out, err, code) = kaohe(
        &["repl", POLICY, SAMPLE, "--color", "never"],
        "sum(p.季度效能奖[2022-Q1]\n for p in 干部)\n:nope\n1 +\n\n干部(\"S003\").季度效能奖[2022-Q1]\n",
    );
    assert_eq!(out, "63,292.24元 : money\n1,506.60元 : money\n");
    assert!(err.contains("error[E0801]: no command `:nope`"), "{err}");
    assert!(err.contains("[E0001]") && !err.contains('\x1b'), "{err}");
    assert_eq!(code, 1);
    // A command ends an unfinished input.
    let (out, _, _) = kaohe(
        &["repl", POLICY, SAMPLE],
        ":add 事件 {\"编号\": \"E12\",\n:changes\n",
    );
    assert_eq!(out, "no changes: the scenario is the baseline\n");
    // A policy that does not check: its exit code, nothing read.
    let (_, err, code) = kaohe(&["repl", "policies/missing.kaohe"], "");
    assert!(err.contains("E0005"), "{err}");
    assert_eq!(code, 1);
}

/// `eval --scenario` gives the REPL's rows: the baseline's, with the diff's after-values.
#[test]
fn eval_with_a_scenario_gives_the_repl_rows() {
    let dir = scratch("eval-scenario");
    let file = dir.join("s.json").display().to_string();
    let mut r = repl();
    for input in [
        ":set 季度效能奖月额 = 800元",
        ":set 局.年度等次 = 良好",
        ":field 事件 E03 非能力因素 = true",
        ":set 干部(\"S019\").单位 = 单位(\"U03\")",
        ":remove 事件 E01",
        ":add 事件 {\"编号\": \"E10\", \"类型\": \"治庸问责\", \"当事人\": \"S007\", \"日期\": \"2022-03-01\"}",
        &format!(":save {file}"),
    ] {
        let reply = r.handle(input);
        assert!(!reply.failed, "{input}: {}", reply.err);
    }
    let diff: serde_json::Value =
        serde_json::from_str(&r.handle(":diff --json").out).expect("JSON");
    let rows = |extra: &[&str]| {
        let mut args = vec!["eval", POLICY, SAMPLE, "--format", "jsonl"];
        args.extend(extra);
        let (out, err, code) = kaohe(&args, "");
        assert_eq!((err.as_str(), code), ("", 0));
        out.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
                let key = ["entity", "id", "period", "name"]
                    .map(|k| v[k].as_str().unwrap_or("").to_string());
                let value = match &v["value"] {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (key, value)
            })
            .collect::<HashMap<_, _>>()
    };
    let mut expected = rows(&[]);
    let changes = diff["changes"].as_array().expect("changes");
    assert!(changes.len() > 150);
    for c in changes {
        let key =
            ["entity", "id", "period", "name"].map(|k| c[k].as_str().unwrap_or("").to_string());
        match c["after"].as_str() {
            Some(after) => expected.insert(key, after.to_string()),
            None => expected.remove(&key),
        };
    }
    let scenario = rows(&["--scenario", &file]);
    assert_eq!(scenario.len(), expected.len());
    for (k, v) in &expected {
        let got = scenario.get(k).unwrap_or_else(|| panic!("no row {k:?}"));
        let same = match (Decimal::from_str(v), Decimal::from_str(got)) {
            (Ok(a), Ok(b)) => a == b,
            _ => v == got,
        };
        assert!(same, "{k:?}: the REPL says {v}, eval --scenario {got}");
    }
    // explain --scenario explains the scenario's value.
    let (out, _, code) = kaohe(
        &[
            "explain",
            POLICY,
            SAMPLE,
            "干部",
            "S003",
            "2022-Q1",
            "季度效能奖",
            "--depth",
            "0",
            "--scenario",
            &file,
        ],
        "",
    );
    assert_eq!(code, 0);
    assert!(
        out.starts_with("干部 S003 2022-Q1 季度效能奖 = 2008.80元"),
        "{out}"
    );
    // --set wins over the scenario; a scenario that does not apply is exit 2.
    let (out, _, _) = kaohe(
        &[
            "eval",
            POLICY,
            SAMPLE,
            "--format",
            "jsonl",
            "--period",
            "2022-Q1",
            "--scenario",
            &file,
            "--set",
            "季度效能奖月额=600元",
        ],
        "",
    );
    assert!(out.contains(r#"{"entity":"干部","id":"S003","period":"2022-Q1","name":"季度效能奖","value":"1506.60"}"#), "{out}");
    std::fs::write(dir.join("bad.json"), r#"{"kaohe_scenario": 1, "changes": [{"change": "remove_record", "entity": "干部", "id": "S005"}]}"#).expect("written");
    let (_, err, code) = kaohe(
        &[
            "eval",
            POLICY,
            SAMPLE,
            "--scenario",
            &format!("{}/bad.json", dir.display()),
        ],
        "",
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("E0805") && err.contains("in change 1 of"),
        "{err}"
    );
    // The REPL starts with a scenario too.
    let (out, err, code) = kaohe(&["repl", POLICY, SAMPLE, "--scenario", &file], ":changes\n");
    assert_eq!((err.as_str(), code), ("", 0));
    assert!(
        out.starts_with("loaded 6 changes from") && out.contains(" 6  :add 事件 "),
        "{out}"
    );
}

#[test]
fn completion_hints_and_multiline() {
    let r = repl();
    assert_eq!(r.completions(":sa"), [":save"]);
    assert_eq!(r.completions(":l"), [":load", ":load-case"]);
    assert_eq!(r.completions(":why 干"), ["干部"]);
    assert_eq!(r.completions(":why 干部 S00").len(), 9);
    assert!(
        r.completions(":why 干部 S003 2022-Q")
            .contains(&"2022-Q4".to_string())
    );
    assert_eq!(
        r.completions(":why 干部 S003 2022-Q1 季度效能奖"),
        ["季度效能奖扣发"]
    );
    assert_eq!(r.completions(":remove 事件 E0").len(), 9);
    assert_eq!(r.completions(":field 事件 E03 非"), ["非能力因素"]);
    assert_eq!(r.completions("季度效能奖月"), ["季度效能奖月额"]);
    assert_eq!(r.completions("干部(\"S04"), ["S040", "S041", "S042"]);
    assert_eq!(r.completions("局.年度"), ["年度等次", "年度考核分"]);
    assert!(
        r.completions("sum(p.季度效能奖[2022-Q1] for p in 干")
            .contains(&"干部".to_string())
    );
    assert_eq!(r.completions(":set 局.年度等次 = 优"), ["优秀"]);
    assert_eq!(r.completions(":help di"), ["diff"]);
    assert!(r.completions("").is_empty());
    let index = r.index();
    assert_eq!(index.hint(":sa", 3).as_deref(), Some("ve FILE"));
    assert_eq!(index.hint(":set ", 5).as_deref(), Some("TARGET = VALUE"));
    assert_eq!(
        index.hint("季度效能奖月", "季度效能奖月".len()).as_deref(),
        Some("额")
    );
    assert_eq!(index.hint("年", "年".len()), None);
    assert_eq!(index.hint("sum(p", 5), None);
    assert_eq!(index.hint("p in", 4), None);
    for (input, done) in [
        ("1 + 2", true),
        ("(1 +", false),
        ("1 +", false),
        ("sum(p.季度效能奖[2022-Q1] for p in 干部", false),
        ("sum(p.季度效能奖[2022-Q1]\n for p in 干部)", true),
        ("a and", false),
        ("if x then", false),
        ("p.in", true),
        (":add 事件 {\"编号\": \"E12\",", false),
        (":add 事件 {\"编号\": \"E12\"}", true),
        (":set 季度效能奖月额 =", false),
        (":why 干部 S003 2022-Q1 季度效能奖", true),
        (":diff in", true),
        ("(\n", true),
        ("((\n\n", true),
        (")", true),
        ("\"abc", true),
        ("\"(\"", true),
        ("1 + # a comment (", false),
        ("", true),
    ] {
        assert_eq!(complete::is_complete(input), done, "{input:?}");
    }
}

/// SplitMix64: deterministic, no crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const COMMANDS: &[&str] = &[
    ":set",
    ":field",
    ":add",
    ":remove",
    ":diff",
    ":undo",
    ":reset",
    ":changes",
    ":load",
    ":why",
    ":reload",
    ":policy",
    ":load-case",
    ":params",
    ":show",
    ":help",
    ":",
    "::",
    ":quit",
    ":diff --json",
    ":q",
];
const WORDS: &[&str] = &[
    "季度效能奖月额",
    "干部",
    "局",
    "事件",
    "单位",
    "月度小结",
    "自评分",
    "年度等次",
    "优秀",
    "最佳服务单位",
    "S003",
    "S005",
    "\"S003\"",
    "E03",
    "E01",
    "U02",
    "\"U03\"",
    "[3]",
    "2022-Q1",
    "2022",
    "2022-13",
    "2022-Q5",
    "2022-02-30",
    "季度效能奖",
    "年终人平",
    "年终人平[优秀]",
    "非能力因素",
    "报送日期",
    "p",
    "for",
    "in",
    "where",
    "sum",
    "count",
    "let",
    "if",
    "then",
    "else",
    "match",
    "self",
    "param",
    "none",
    "true",
    "false",
    "round",
    "deductions",
    "withheld",
    "800元",
    "0元",
    "99999999999999999999999999999999999元",
    "1e10",
    "-5分",
    "0.0000000000000000000000000001",
    "1.5",
    "\"text\"",
    "\"\\\"",
    "\"\\u0000\"",
    POLICY,
    SAMPLE,
    "policies",
    "/",
    ".",
    "..",
    "README.md",
    "{\"编号\": \"E99\", \"类型\": \"通报批评\", \"当事人\": \"S007\", \"日期\": \"2022-03-01\"}",
    "{}",
    "[]",
    "{\"a\":",
    "干部(\"S003\")",
    "局.年度等次",
    "干部(\"S003\").自评分[2022-Q1]",
    "事件(\"E03\").非能力因素",
];
const SYMBOLS: &[&str] = &[
    "+", "-", "*", "/", "==", "!=", "<", ">", "<=", ">=", "??", "=", ".", ",", ":", "(", ")", "[",
    "]", "{", "}", "\"", "#", "\\", "=>", "|", "_", "。", "，", "（", "）", "：",
];

/// A change that may well apply: records by plausible keys, values of about the right type.
fn structured_line(rng: &mut Rng) -> String {
    let staff = format!("S{:03}", rng.below(45));
    let unit = format!("U{:02}", rng.below(10));
    let event = format!("E{:02}", rng.below(14));
    let q = rng.below(6);
    match rng.below(12) {
        0 => format!(
            ":set 干部(\"{staff}\").自评分[2022-Q{q}] = {}分",
            rng.below(130)
        ),
        1 => format!(":remove 事件 {event}"),
        2 => format!(":remove 干部 {staff}"),
        3 => format!(":remove 月度小结 [{}]", rng.below(90)),
        4 => format!(
            ":add 事件 {{\"编号\": \"{event}\", \"类型\": \"{}\", \"当事人\": \"{staff}\", \"日期\": \"2022-{:02}-1{}\"}}",
            rng.pick(&["通报批评", "治庸问责", "上级考核扣分", "法律制裁", "x"]),
            rng.below(14),
            rng.below(10)
        ),
        5 => format!(":set 单位(\"{unit}\").负责人 = \"{staff}\""),
        6 => format!(
            ":set 单位(\"{unit}\").分管领导 = {}",
            rng.pick(&["none", "\"S002\"", "干部(\"S003\")"])
        ),
        7 => format!(":set 季度效能奖月额 = {}元", rng.below(2000)),
        8 => format!(
            ":field 月度小结 [{}] 报送日期 = 2022-0{}-0{}",
            rng.below(90),
            rng.below(10),
            rng.below(10)
        ),
        9 => rng
            .pick(&[":undo", ":diff", ":reset", ":changes", ":diff --json 局"])
            .to_string(),
        10 => format!(":why 干部 {staff} 2022-Q{q} 季度效能奖"),
        _ => format!("sum(p.季度效能奖[2022-Q{q}] for p in 干部)"),
    }
}

fn random_line(rng: &mut Rng) -> String {
    if rng.below(4) == 0 {
        return structured_line(rng);
    }
    let mut line = String::new();
    if rng.below(3) == 0 {
        line.push_str(rng.pick(COMMANDS));
        line.push(' ');
    }
    for _ in 0..rng.below(12) {
        match rng.below(10) {
            0..=3 => line.push_str(rng.pick(WORDS)),
            4..=6 => line.push_str(rng.pick(SYMBOLS)),
            7 => {
                // Any Unicode scalar: CJK, emoji, controls, combining marks…
                let c = char::from_u32((rng.next() % 0x11_0000) as u32).unwrap_or('\u{FFFD}');
                line.push(c);
            }
            8 => line.push_str(&"(".repeat(rng.below(300))),
            _ => line.push_str(&rng.below(usize::MAX).to_string()),
        }
        if rng.below(2) == 0 {
            line.push(' ');
        }
    }
    line
}

#[test]
fn random_and_malformed_input_never_breaks_it() {
    // Parsing and evaluation recurse over the input: run with the binary's stack.
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(|| {
            let mut r = repl();
            // KAOHE_REPL_FUZZ=LINES[,SEED] runs a longer (or another) session.
            let knob = std::env::var("KAOHE_REPL_FUZZ").unwrap_or_default();
            let mut knob = knob.split(',').map(|x| x.trim().parse::<u64>().ok());
            let lines = knob.next().flatten().unwrap_or(3000);
            let mut rng = Rng(knob.next().flatten().unwrap_or(0x006B_616F_6865));
            let mut failures = 0;
            for i in 0..lines {
                let line = random_line(&mut rng);
                assert!(!line.contains("save"), "random input never writes files");
                let reply = r.handle(&line);
                assert!(
                    !reply.err.contains("E0699"),
                    "input {i} `{line}` hit an internal error:\n{}",
                    reply.err
                );
                if reply.failed {
                    failures += 1;
                    assert!(
                        !reply.err.is_empty(),
                        "input {i} `{line}` failed without a word"
                    );
                }
            }
            assert!(
                failures * 3 > lines,
                "most random input is refused ({failures})"
            );
            // It still works afterwards.
            let reply = r.handle(":reset");
            assert!(!reply.failed, "{}", reply.err);
            let reply = r.handle("干部(\"S003\").季度效能奖[2022-Q1]");
            assert_eq!(reply.out, "1,506.60元 : money\n");
        });
    worker.expect("a thread").join().expect("no panic");
}

/// The README's example scenario file applies, and its example session is what the REPL prints.
#[test]
fn the_readme_examples_hold() {
    let readme = std::fs::read_to_string("README.md").expect("the README");
    let section = readme
        .split("## What-if REPL")
        .nth(1)
        .expect("a What-if REPL section");
    let json = section
        .split("```json\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a JSON block");
    let dir = scratch("readme");
    let file = dir.join("what-if.json");
    std::fs::write(&file, json).expect("written");
    let (_, err, code) = kaohe(
        &[
            "eval",
            POLICY,
            SAMPLE,
            "--scenario",
            &file.display().to_string(),
        ],
        "",
    );
    assert_eq!((err.as_str(), code), ("", 0));
    let mut r = repl();
    for input in [
        "干部(\"S003\").季度效能奖[2022-Q1]",
        ":set 季度效能奖月额 = 800元",
    ] {
        let shown = format!("kaohe> {input}\n{}", r.handle(input).out);
        assert!(section.contains(&shown), "the README shows:\n{shown}");
    }
}

/// Removing records through the REPL gives what evaluating a case file without them gives
/// (the references after them renumbered), and so does adding one.
#[test]
fn removing_records_matches_a_case_without_them() {
    let dir = scratch("remove");
    let scenario = dir.join("s.json").display().to_string();
    let mut r = repl();
    for input in [
        ":remove 干部 S007",
        ":remove 月度小结 [3]",
        ":remove 事件 E02",
        ":add 事件 {\"编号\": \"E20\", \"类型\": \"通报批评\", \"当事人\": \"S041\", \"日期\": \"2022-06-01\"}",
        ":set 单位(\"U02\").负责人 = \"S041\"",
        &format!(":save {scenario}"),
    ] {
        let reply = r.handle(input);
        assert!(!reply.failed, "{input}: {}", reply.err);
    }
    // The same case, edited by hand.
    let text = std::fs::read_to_string(SAMPLE).expect("the sample");
    let mut case: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let list = |case: &mut serde_json::Value, key: &str| -> Vec<serde_json::Value> {
        case[key].as_array().cloned().unwrap_or_default()
    };
    let staff: Vec<_> = list(&mut case, "干部")
        .into_iter()
        .filter(|p| p["编号"] != "S007")
        .collect();
    case["干部"] = serde_json::Value::Array(staff);
    let mut summaries = list(&mut case, "月度小结");
    summaries.remove(3);
    case["月度小结"] = serde_json::Value::Array(summaries);
    let mut events: Vec<_> = list(&mut case, "事件")
        .into_iter()
        .filter(|e| e["编号"] != "E02")
        .collect();
    events.push(serde_json::json!({"编号": "E20", "类型": "通报批评", "当事人": "S041", "日期": "2022-06-01"}));
    case["事件"] = serde_json::Value::Array(events);
    let mut units = list(&mut case, "单位");
    for u in &mut units {
        if u["编号"] == "U02" {
            u["负责人"] = serde_json::json!("S041");
        }
    }
    case["单位"] = serde_json::Value::Array(units);
    let edited = dir.join("edited.json").display().to_string();
    std::fs::write(&edited, case.to_string()).expect("written");
    let (by_hand, err, code) = kaohe(&["eval", POLICY, &edited, "--format", "jsonl"], "");
    assert_eq!((err.as_str(), code), ("", 0));
    let (by_scenario, err, code) = kaohe(
        &[
            "eval",
            POLICY,
            SAMPLE,
            "--format",
            "jsonl",
            "--scenario",
            &scenario,
        ],
        "",
    );
    assert_eq!((err.as_str(), code), ("", 0));
    assert_eq!(by_scenario, by_hand);
    assert!(!by_hand.contains("\"S007\""));
}
