//! Loading JSON cases, `require`, runtime errors in outputs, tests, headers and
//! other checker diagnostics.

use crate::support::{BASE, BASE_CASE, base_with, case_errors, check_errors, checked, world};

/// [`BASE`] with one person given as JSON.
fn one(person: &str) -> String {
    format!("{{\"年度\": 2022, \"人\": [{person}]}}")
}

const SCORES: &str = r#""分数": {"1": 1, "2": 2, "3": 3, "4": 4}"#;

#[test]
fn numbers_may_be_strings_and_are_read_exactly() {
    let mut w = world(
        BASE,
        &one(&format!(
            r#"{{"编号": "A", "等级": "甲", {SCORES}, "工资": "1000.005"}}"#
        )),
    );
    assert_eq!(w.eval("人(\"A\").工资 * 1000"), "1000005.00");
    assert_eq!(w.eval("人(\"A\").分数[2022-Q2]"), "2");
    let mut w = world(BASE, BASE_CASE);
    assert_eq!(w.eval("人(\"B\").工资"), "2500.50");
    assert_eq!(w.eval("人(\"A\").分数[2022-Q3]"), "70.5");
}

#[test]
fn year_must_be_a_whole_json_number() {
    let w = world(BASE, &BASE_CASE.replace("\"年度\": 2022", "\"年度\": 2023"));
    assert_eq!(w.case.year.to_string(), "2023");
    let e = case_errors(
        BASE,
        &BASE_CASE.replace("\"年度\": 2022", "\"年度\": \"2022\""),
    );
    assert_eq!(e[0].code, "E0502");
    assert_eq!(
        e[0].message,
        "the case.年度: must be a year written as a whole JSON number such as 2022, not a string"
    );
}

#[test]
fn null_and_missing_optional_fields_are_none_and_defaults_apply() {
    let policy = BASE.replace(
        "  备注: text?",
        "  备注: text?\n  级别: int = 3\n  标签: [text] = []",
    );
    let case = one(&format!(
        r#"{{"编号": "A", "等级": "甲", {SCORES}, "工资": 1, "备注": null, "级别": null}},
           {{"编号": "B", "等级": "甲", {SCORES}, "工资": 1, "级别": 7, "标签": ["x"]}}"#
    ));
    let mut w = world(&policy, &case);
    assert_eq!(w.eval("人(\"A\").备注"), "none");
    assert_eq!(w.eval("人(\"A\").级别"), "3");
    assert_eq!(w.eval("人(\"A\").标签"), "[]");
    assert_eq!(w.eval("人(\"B\").级别"), "7");
    assert_eq!(w.eval("人(\"B\").标签"), "[x]");
    assert_eq!(w.eval("人(\"B\").备注 == none"), "true");
}

#[test]
fn unknown_keys_are_warnings() {
    let case = BASE_CASE.replacen("\"工资\": 1000", "\"工资\": 1000, \"工资额\": 5", 1);
    let w = world(BASE, &case);
    assert_eq!(w.case_warnings.len(), 1);
    assert_eq!(w.case_warnings[0].code, "W0501");
    assert_eq!(
        w.case_warnings[0].message,
        "人[0] (A): unknown key `工资额` (ignored)"
    );
    assert_eq!(
        w.case_warnings[0].help.as_deref(),
        Some("did you mean `工资`?")
    );
}

#[test]
fn wrong_values_reject_the_case() {
    let msg = |person: &str| {
        let e = case_errors(BASE, &one(person));
        assert_eq!(e[0].code, "E0502");
        e[0].message.clone()
    };
    assert_eq!(
        msg(&format!(r#"{{"编号": "A", "等级": "甲", {SCORES}}}"#)),
        "人[0] (A): `工资` is missing"
    );
    assert_eq!(
        msg(&format!(
            r#"{{"编号": "A", "等级": "丁", {SCORES}, "工资": 1}}"#
        )),
        "人[0] (A).等级: \"丁\" is not one of 甲, 乙, 丙"
    );
    assert_eq!(
        msg(&format!(
            r#"{{"编号": "A", "等级": "甲", {SCORES}, "工资": "1,000"}}"#
        )),
        "人[0] (A).工资: \"1,000\" is not a valid number: Invalid number: unexpected character."
    );
    assert_eq!(
        msg(r#"{"编号": "A", "等级": "甲", "分数": {"1": 1, "2": 2, "3": 3}, "工资": 1}"#),
        "人[0] (A).分数: has no value for quarter 4"
    );
    assert_eq!(
        msg(&format!(
            r#"{{"编号": "A", "等级": "甲", {SCORES}, "工资": null}}"#
        )),
        "人[0] (A).工资: must not be null"
    );
    let e = case_errors(
        BASE,
        &one(&format!(
            r#"{{"编号": "A", "等级": "甲", {SCORES}, "工资": 1}}, {{"编号": "A", "等级": "甲", {SCORES}, "工资": 1}}"#
        )),
    );
    assert_eq!(e[0].message, "人[1].编号: 编号 \"A\" is used twice");
    let e = case_errors(BASE, "[1]");
    assert_eq!(
        e[0].message,
        "the case: must be a JSON object, not an array"
    );
    let e = case_errors(BASE, "{\"年度\": 2022, ");
    assert_eq!(e[0].code, "E0501");
}

#[test]
fn int_fields_must_be_whole() {
    let policy = BASE.replace("  备注: text?", "  备注: text?\n  人数: int = 0");
    let e = case_errors(
        &policy,
        &one(&format!(
            r#"{{"编号": "A", "等级": "甲", {SCORES}, "工资": 1, "人数": 2.5}}"#
        )),
    );
    assert_eq!(
        e[0].message,
        "人[0] (A).人数: must be a whole number, not 2.5"
    );
}

const LINKED: &str = r#"
enum 职务 { 正职, 副职 }
entity 局 { 名称: text }
entity 科 key 名称 {
  名称: text
  负责人: 员?
}
entity 员 key 编号 {
  编号: text
  科: 科
  补贴: map 职务 of money = {}
  数据: map of text = {}
}
entity 记录 { 员: 员
  说明: text }
case {
  年度: year
  局: 局
  科: [科]
  员: [员]
  记录: [记录] = []
}
"#;

const LINKED_CASE: &str = r#"{
  "年度": 2022,
  "局": {"名称": "某地税局"},
  "科": [{"名称": "一科", "负责人": "S2"}, {"名称": "二科"}],
  "员": [
    {"编号": "S1", "科": "二科", "补贴": {"正职": 300, "副职": "150.5"}, "数据": {"户数": 0, "空": null}},
    {"编号": "S2", "科": "一科"}
  ],
  "记录": [{"员": "S1", "说明": "甲"}, {"员": "S1", "说明": "乙"}]
}"#;

#[test]
fn references_single_records_maps_and_records_without_key() {
    let mut w = world(LINKED, LINKED_CASE);
    assert_eq!(w.eval("员(\"S1\").科.名称"), "二科");
    assert_eq!(w.eval("科(\"一科\").负责人"), "S2");
    assert_eq!(w.eval("局.名称"), "某地税局");
    assert_eq!(w.eval("员(\"S1\").补贴[副职]"), "150.50");
    assert_eq!(w.eval("员(\"S2\").补贴[正职] ?? 0元"), "0.00");
    assert_eq!(w.eval("员(\"S1\").数据"), "{户数: 0}");
    assert_eq!(
        w.eval("is_blank(员(\"S1\").数据[\"户数\"] ?? \"\")"),
        "false"
    );
    assert_eq!(
        w.eval("[r.说明 for r in 记录 where r.员 == 员(\"S1\")]"),
        "[甲, 乙]"
    );
    assert_eq!(w.eval("记录"), "[[0], [1]]");
    let e = case_errors(
        LINKED,
        &LINKED_CASE.replace("\"科\": \"一科\"", "\"科\": \"三科\""),
    );
    assert_eq!(e[0].message, "员[1] (S2).科: no 科 with 名称 \"三科\"");
    let e = check_errors(&format!(
        "{LINKED}\noutput def 科.x[y: year]: text = 记录(\"1\").说明"
    ));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0206", "`记录` has no key to look records up by")
    );
}

const REQUIRED: &str = r#"
entity 人 key 编号 {
  编号: text
  工资: money
  require 工资 >= 0元 else "工资不能为负" at 工资
}
case {
  年度: year
  人: [人]
  require count(人) >= 2 else "至少两人" at 人
}
require year(2022) <= 年度 else "从2022年起" at 年度
"#;

#[test]
fn requires_reject_bad_cases_with_their_message_and_field() {
    let ok = r#"{"年度": 2022, "人": [{"编号": "A", "工资": 1}, {"编号": "B", "工资": 0}]}"#;
    let _ = world(REQUIRED, ok);
    let e = case_errors(REQUIRED, &ok.replace("\"工资\": 0", "\"工资\": -1"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].code, "E0504");
    assert_eq!(e[0].message, "人[1] (B).工资: 工资不能为负");
    assert_eq!(e[0].labels[0].message, "here");
    let e = case_errors(
        REQUIRED,
        r#"{"年度": 2021, "人": [{"编号": "A", "工资": 1}]}"#,
    );
    let msgs: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(msgs, ["人: 至少两人", "年度: 从2022年起"]);
    assert!(e[1].notes.iter().any(|n| n.contains("rejected as a whole")));
}

#[test]
fn requires_use_case_data_only() {
    let e = check_errors(
        "entity 人 key 编号 { 编号: text\n  require 高 else \"x\" }\n\
         case { 年度: year\n  人: [人] }\ndef 人.高: bool = true",
    );
    assert_eq!(e[0].code, "E0303");
    assert!(
        e[0].message.contains("only case data can be used here"),
        "{}",
        e[0].message
    );
    let e = check_errors(&format!("{BASE}\nrequire 1 else \"x\""));
    assert_eq!(e[0].code, "E0301");
    let e = check_errors(&format!("{BASE}\nrequire true else \"x\" at 无此"));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0101", "`at 无此`: no such field")
    );
}

#[test]
fn runtime_errors_in_outputs_are_diagnostics() {
    let w = base_with("output def 人.比[y: year]: decimal = 1000元 / 工资");
    let (code, msg) = w.outputs_error();
    assert_eq!((code.as_str(), msg.as_str()), ("E0609", "division by zero"));
    let err = w.outputs().unwrap_err();
    assert_eq!(err.notes, ["while computing 人 C 2022 比"]);
    let w = base_with(
        "output def 人.丙均[y: year]: score = mean(p.分数[2022-Q1] for p in 人 where p.等级 == 丙)",
    );
    assert_eq!(
        w.outputs_error(),
        ("E0610".into(), "the mean of no values".into())
    );
    let w = base_with("output def 人.明年[q: quarter]: score = 分数[q + 4]");
    assert_eq!(
        w.outputs_error(),
        (
            "E0604".into(),
            "there is no value for 2023-Q1 (the case covers 2022)".into()
        )
    );
    let w = base_with("output def 人.张[y: year]: money = 人(\"张三\").工资");
    assert_eq!(
        w.outputs_error(),
        (
            "E0606".into(),
            "no 人 with key \"张三\" in this case".into()
        )
    );
    let w = base_with("output def 人.缺[y: year]: decimal = clamp(1, 2, 1)");
    assert_eq!(w.outputs_error().0, "E0612");
}

#[test]
fn test_blocks_are_checked() {
    let (p, _) = checked(&format!(
        "{BASE}\nparam 月额 = 600元 cite 一\n\
         output def 人.奖[q: quarter]: money = 月额 * 3\n\
         test \"月额800\" {{\n  case \"cases/2022.json\"\n  set 月额 = 800元\n  \
         expect 人(\"A\").奖[2022-Q1] == 2400元\n  expect true\n}}"
    ));
    let t = &p.program.tests[0];
    assert_eq!(t.name, "月额800");
    assert_eq!(
        t.case.as_ref().map(|c| c.0.as_str()),
        Some("cases/2022.json")
    );
    assert_eq!((t.sets.len(), t.expects.len()), (1, 2));
    let e = check_errors(&format!("{BASE}\ntest \"x\" {{ set 无此 = 1 }}"));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0101", "unknown parameter `无此`")
    );
    let e = check_errors(&format!(
        "{BASE}\nparam p = 1元 cite 一\ntest \"x\" {{ set p = 1分 expect 1 }}"
    ));
    assert_eq!(e.iter().filter(|d| d.code == "E0301").count(), 2);
}

#[test]
fn header_comments_and_full_width_spaces() {
    let (p, _) = checked(&format!(
        "# 注释\npolicy \"考核\" source \"文件\" version \"3\"\n{BASE}\n\
         param\u{3000}月额 = 600元 cite 四㈢ # 行尾注释\n"
    ));
    assert_eq!(p.program.info.name, "考核");
    assert_eq!(p.program.info.version.as_deref(), Some("3"));
    assert_eq!(p.program.info.source.as_deref(), Some("文件"));
    assert_eq!(p.program.params[0].name, "月额");
}

#[test]
fn declaration_mistakes() {
    let code = |text: &str| check_errors(text)[0].code;
    assert_eq!(code(&format!("{BASE}\nparam 人 = 1 cite 一")), "E0203");
    assert_eq!(code(&format!("{BASE}\ndef 人.工资: money = 0元")), "E0203");
    assert_eq!(code(&format!("{BASE}\ncase {{ 年: year }}")), "E0201");
    assert_eq!(code(&format!("{BASE}\nentity 物 {{ 名: text }}")), "E0202");
    assert_eq!(code(&format!("{BASE}\ndef x: 数字 = 1")), "E0204");
    assert_eq!(code(&format!("{BASE}\ndef x[q: 季度]: int = 1")), "E0204");
    assert_eq!(
        code("entity 人 key 号 { 编号: text }\ncase { 年度: year\n 人: [人] }"),
        "E0206"
    );
    assert_eq!(code(&format!("{BASE}\ndef x: int = 未知")), "E0101");
    assert_eq!(code(&format!("{BASE}\ndef x: int = 1 +")), "E0001");
    let e = check_errors(&format!("{BASE}\ndef x: int = 工资数"));
    assert_eq!(e[0].message, "unknown name `工资数`");
}
