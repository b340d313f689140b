//! Every example in `policies/README.md` runs: each ```kaohe block must check without
//! errors, and each ```kaohe-expr block is computed against the sample policy and case
//! (which the README shows verbatim). `EXPR # => VALUE` must give VALUE as kaohe prints
//! it; `EXPR # => error E0610` must stop with that error.

#[path = "lang/support.rs"]
mod support;

use support::{World, render, world};

const README: &str = include_str!("../policies/README.md");

/// The sample policy of the README's §1 (must appear there verbatim).
const SAMPLE_POLICY: &str = r#"# 示例政策：本手册中的表达式示例都在这份政策和下面的示例案例上计算。
policy "示例效能考核"
  version "2022.1"
  source "地税局效能建设工作方案 (节选)"

enum 职务 { 局领导, 科室负责人, 一般干部 }
enum 事件类型 { 通报批评, 治庸问责 }

entity 单位 key 编号 {
  编号: text
  名称: text
  负责人: 干部
  分管领导: 干部?
}

entity 干部 key 编号 {
  编号: text
  姓名: text
  单位: 单位
  职务: 职务
  自评分: score per quarter
  备注: text?
}

entity 事件 key 编号 {
  编号: text
  类型: 事件类型
  当事人: 干部
  日期: date
}

case {
  年度: year
  单位: [单位]
  干部: [干部]
  事件: [事件] = []
}

param 季度效能奖月额 = 600元 cite 四㈢
param 负责人通报扣分 = 10分 cite 三㈢3①
param 保证金 = table {
  局领导: 1000元,
  科室负责人: 800元,
  一般干部: 600元,
} cite 四㈢

rule 通报批评 cite 三㈢3①
  for e in 事件 where e.类型 == 通报批评
  let q = quarter(e.日期)
  deduct 负责人通报扣分 from e.当事人.单位.负责人 in q
  withhold 季度效能奖 of e.当事人 in q

output def 干部.个人考核分[q: quarter]: score cite 三㈢1 =
  clamp(自评分[q] - deductions(q), 0分, 100分)

output def 干部.季度效能奖[q: quarter]: money cite 三㈢1, 四㈢ =
  if withheld(季度效能奖, q) then 0元
  else round(季度效能奖月额 * 3 * (个人考核分[q] / 100分), 0.01元, half_away_from_zero)

output def 干部.保证金[y: year]: money cite 四㈢ = param 保证金[职务]
"#;

/// The sample case of the README's §1 (must appear there verbatim).
const SAMPLE_CASE: &str = r#"{
  "年度": 2022,
  "单位": [
    {"编号": "U0", "名称": "局领导班子", "负责人": "S000"},
    {"编号": "U1", "名称": "办公室", "负责人": "S001", "分管领导": "S000"},
    {"编号": "U2", "名称": "稽查局", "负责人": "S003", "分管领导": null}
  ],
  "干部": [
    {"编号": "S000", "姓名": "赵一", "单位": "U0", "职务": "局领导",
     "自评分": {"1": 100, "2": 100, "3": 100, "4": 100}},
    {"编号": "S001", "姓名": "张三", "单位": "U1", "职务": "科室负责人",
     "自评分": {"1": 95, "2": 96, "3": 97, "4": 98}},
    {"编号": "S002", "姓名": "李四", "单位": "U1", "职务": "一般干部",
     "自评分": {"1": 90, "2": 90, "3": "88.5", "4": 92}, "备注": "借调"},
    {"编号": "S003", "姓名": "王五", "单位": "U2", "职务": "科室负责人",
     "自评分": {"1": 85, "2": 86, "3": 87, "4": 88}}
  ],
  "事件": [
    {"编号": "E01", "类型": "通报批评", "当事人": "S002", "日期": "2022-02-03"},
    {"编号": "E02", "类型": "治庸问责", "当事人": "S003", "日期": "2022-05-10"}
  ]
}
"#;

/// A fenced block: its tag, its text and the README line it starts on.
struct Block {
    tag: String,
    text: String,
    line: usize,
}

fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in README.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (fence, open.take()) {
            (Some(_), Some(b)) => out.push(b),
            (Some(tag), None) => {
                open = Some(Block {
                    tag: tag.trim().to_string(),
                    text: String::new(),
                    line: i + 2,
                })
            }
            (None, Some(mut b)) => {
                b.text.push_str(line);
                b.text.push('\n');
                open = Some(b);
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "README.md has an unclosed ``` block");
    out
}

/// One expression of a `kaohe-expr` block and what it must give.
struct Example {
    expr: String,
    expect: Option<String>,
    line: usize,
}

/// Splits a block into examples: a line with `# => …` ends one (an expression may
/// span several lines); lines after the last `# =>` form one example without a result.
fn examples(block: &Block) -> Vec<Example> {
    let mut out = Vec::new();
    let mut expr = String::new();
    let mut start = block.line;
    for (i, line) in block.text.lines().enumerate() {
        if expr.trim().is_empty() {
            start = block.line + i;
        }
        match line.split_once("# =>") {
            Some((code, expect)) => {
                expr.push_str(code);
                out.push(Example {
                    expr: std::mem::take(&mut expr),
                    expect: Some(expect.trim().to_string()),
                    line: start,
                });
            }
            None => {
                expr.push_str(line);
                expr.push('\n');
            }
        }
    }
    if !expr.trim().is_empty() {
        out.push(Example {
            expr,
            expect: None,
            line: start,
        });
    }
    out
}

fn sample() -> World {
    world(SAMPLE_POLICY, SAMPLE_CASE)
}

fn outcome(w: &mut World, e: &Example) -> Result<String, String> {
    match w.try_eval(e.expr.trim()) {
        Ok(v) => Ok(v),
        Err(d) => {
            let code = d.first().map(|d| d.code).unwrap_or("?");
            Err(format!("error {code}\n{}", render(&d, &w.sources)))
        }
    }
}

#[test]
fn readme_shows_the_sample_policy_and_case() {
    let all = blocks();
    assert!(
        all.iter()
            .any(|b| b.tag == "kaohe" && b.text == SAMPLE_POLICY),
        "README §1 must show SAMPLE_POLICY verbatim"
    );
    assert!(
        all.iter().any(|b| b.tag == "json" && b.text == SAMPLE_CASE),
        "README §1 must show SAMPLE_CASE verbatim"
    );
    // The sample has no warnings and its case loads cleanly.
    let w = sample();
    assert!(w.policy.warnings.is_empty());
    assert!(w.case_warnings.is_empty());
}

#[test]
fn every_kaohe_block_checks() {
    let mut failures = Vec::new();
    let mut n = 0;
    for b in blocks().iter().filter(|b| b.tag == "kaohe") {
        n += 1;
        let mut sources = kaohe::diagnostic::SourceMap::new();
        if let Err(f) = kaohe::session::check_text("README.md", &b.text, &mut sources) {
            failures.push(format!(
                "README.md line {}:\n{}",
                b.line,
                render(&f.diagnostics, &sources)
            ));
        }
    }
    assert!(n >= 10, "only {n} kaohe blocks found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kaohe_expr_block_evaluates() {
    let mut w = sample();
    let mut failures = Vec::new();
    let mut n = 0;
    for b in blocks().iter().filter(|b| b.tag == "kaohe-expr") {
        for e in examples(b) {
            n += 1;
            let got = outcome(&mut w, &e);
            let ok = match (&e.expect, &got) {
                (None, Ok(_)) => true,
                (Some(want), Ok(v)) => v == want,
                (Some(want), Err(msg)) => {
                    want.starts_with("error ") && msg.starts_with(&format!("{want}\n"))
                }
                (None, Err(_)) => false,
            };
            if !ok {
                let shown = match &got {
                    Ok(v) => v.clone(),
                    Err(m) => m.clone(),
                };
                failures.push(format!(
                    "README.md line {}: `{}`\n  expected: {}\n  got: {shown}",
                    e.line,
                    e.expr.trim(),
                    e.expect.as_deref().unwrap_or("a value"),
                ));
            }
        }
    }
    assert!(n >= 60, "only {n} expression examples found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every `"E0…"`/`"W0…"` code written in `src/`.
fn codes_in_src() -> std::collections::BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (i, _) in text.match_indices("\"E0").chain(text.match_indices("\"W0")) {
                    let code = text.get(i + 1..i + 6).unwrap_or("");
                    let closed = text.get(i + 6..i + 7) == Some("\"");
                    let digits = code.get(1..).unwrap_or("");
                    if closed && digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()) {
                        out.insert(code.to_string());
                    }
                }
            }
        }
    }
    let mut out = std::collections::BTreeSet::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut out,
    );
    out
}

#[test]
fn every_diagnostic_code_is_in_the_table() {
    let codes = codes_in_src();
    assert!(codes.len() > 40, "only {} codes found in src/", codes.len());
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !README.contains(&format!("\n| {c} | ")))
        .collect();
    assert!(
        missing.is_empty(),
        "README.md §11 has no row for {missing:?}"
    );
}

#[test]
fn example_splitting() {
    let b = Block {
        tag: "kaohe-expr".into(),
        text: "1 + 1   # => 2\nlet x = 1 in\n  x   # => 1\nnone ?? 3\n".into(),
        line: 10,
    };
    let ex = examples(&b);
    assert_eq!(ex.len(), 3);
    assert_eq!(ex[0].expect.as_deref(), Some("2"));
    assert_eq!(ex[1].expr.trim(), "let x = 1 in\n  x");
    assert_eq!(ex[1].line, 11);
    assert_eq!(ex[2].expect, None);
    let mut w = sample();
    assert_eq!(outcome(&mut w, &ex[1]), Ok("1".to_string()));
}
