//! Definitions, parameters, name resolution, rules and the consequence queries.

use crate::support::{BASE, BASE_CASE, base_with, check_errors, check_warnings, world};

#[test]
fn definitions_in_any_order() {
    let w = base_with(
        r#"
output def 人.总分[y: year]: score = sum(季分[q] for q in quarters(y)) + 奖励分
def 人.季分[q: quarter]: score = 分数[q] * 2
def 人.奖励分: score = if 等级 == 甲 then 1分 else 0分
"#,
    );
    assert_eq!(w.output("人 A 2022 总分"), "682");
    assert_eq!(w.output("人 B 2022 总分"), "480");
}

#[test]
fn a_cycle_is_reported() {
    let e = check_errors(&format!(
        "{BASE}\ndef 甲值: int = 乙值 + 1\ndef 乙值: int = 甲值\noutput def 人.x[y: year]: int = 甲值"
    ));
    assert_eq!(e[0].code, "E0140");
    assert_eq!(e[0].message, "a cycle: 甲值 → 乙值 → 甲值");
}

#[test]
fn output_rows_cover_every_record_and_period() {
    let w = base_with(
        "output def 人.季[q: quarter]: score = 分数[q]\noutput def 人.年[y: year]: bool = true",
    );
    let rows = w.rows();
    assert_eq!(rows.len(), 15);
    assert_eq!(rows[0], "人 A 2022-Q1 季 = 90");
    assert_eq!(rows[3], "人 A 2022-Q4 季 = 100");
    assert_eq!(rows[4], "人 A 2022 年 = true");
    assert_eq!(rows[5], "人 B 2022-Q1 季 = 60");
    let w = base_with("output def 人.月[m: month]: int = ordinal(m)");
    assert_eq!(w.rows().len(), 36);
    assert_eq!(w.output("人 C 2022-12 月"), "12");
}

#[test]
fn outputs_need_an_entity_and_a_period() {
    let e = check_errors(&format!("{BASE}\noutput def 人.x: int = 1"));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0207", "output `x` needs a period")
    );
    let e = check_errors(&format!("{BASE}\noutput def x[y: year]: int = 1"));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0207", "output `x` needs an entity")
    );
    let e = check_errors(&format!(
        "{BASE}\ndef 人.季[q: quarter]: int = 1\noutput def 人.x[y: year]: int = 季"
    ));
    assert_eq!(e[0].code, "E0102");
    assert_eq!(e[0].message, "`季` has a value per quarter: say which");
}

#[test]
fn where_limits_a_definition_to_some_records() {
    let mut w = base_with("output def 人.仅甲[q: quarter]: score where 等级 == 甲 = 分数[q]");
    let rows = w.rows();
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| !r.starts_with("人 B")));
    let (code, msg) = w.eval_error("人(\"B\").仅甲[2022-Q1]");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0603", "`仅甲` is not defined for this record")
    );
    assert_eq!(w.eval("人(\"C\").仅甲[2022-Q2]"), "100");
}

#[test]
fn self_and_global_definitions() {
    let w = base_with(
        r#"
def 总工资: money = sum(p.工资 for p in 人)
output def 人.同级人数[y: year]: int = count(p in 人 where p.等级 == self.等级 and p != self)
output def 人.占比[y: year]: decimal = round(工资 / 总工资 * 100, 0.1, half_even)
"#,
    );
    assert_eq!(w.output("人 A 2022 同级人数"), "1");
    assert_eq!(w.output("人 B 2022 同级人数"), "0");
    assert_eq!(w.output("人 B 2022 占比"), "71.4");
}

#[test]
fn name_resolution_order() {
    // A local beats a field, a field beats a parameter, a definition of the
    // record beats a parameter; `param NAME` always means the parameter.
    let w = base_with(
        r#"
param 工资 = 1元 cite 一
param 奖金 = 300元 cite 二
def 人.奖金: money = 工资 * 2
output def 人.局部[y: year]: int = let 工资 = 5 in 工资 + 1
output def 人.字段[y: year]: money = 工资
output def 人.定义[y: year]: money = 奖金
output def 人.参数[y: year]: money = param 奖金 + param 工资
def 全局: money = 工资
output def 人.全局值[y: year]: money = 全局
"#,
    );
    assert_eq!(w.output("人 A 2022 局部"), "6");
    assert_eq!(w.output("人 A 2022 字段"), "1000.00");
    assert_eq!(w.output("人 A 2022 定义"), "2000.00");
    assert_eq!(w.output("人 A 2022 参数"), "301.00");
    assert_eq!(w.output("人 A 2022 全局值"), "1.00");
}

#[test]
fn enum_values_and_ambiguity() {
    let mut w =
        base_with("enum 颜色 { 红, 甲 }\noutput def 人.甲等[y: year]: bool = 等级 == 等级.甲");
    assert_eq!(w.output("人 A 2022 甲等"), "true");
    assert_eq!(w.eval("颜色.甲 == 颜色.甲"), "true");
    let (code, msg) = w.eval_error("甲");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0104", "`甲` is a variant of several enums")
    );
}

#[test]
fn tables_give_a_value_for_every_variant() {
    let mut w = base_with(
        "param 系数 = table { 甲: 1.2 cite 一, 乙: 1, 丙: 0.5 assumption \"无\" }\n\
         output def 人.应发[y: year]: money = round(工资 * 系数[等级], 0.01元, half_away_from_zero)",
    );
    assert_eq!(w.output("人 B 2022 应发"), "2500.50");
    assert_eq!(w.output("人 A 2022 应发"), "1200.00");
    assert_eq!(w.eval("系数[丙]"), "0.5");
    assert_eq!(w.eval("系数"), "{甲: 1.2, 乙: 1, 丙: 0.5}");
    let e = check_errors(&format!(
        "{BASE}\nparam 系数 = table {{ 甲: 1, 乙: 2 }} cite 一"
    ));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0305", "the table has no value for 丙")
    );
}

#[test]
fn parameters_are_literals_with_citations() {
    let w = check_warnings(&format!(
        "{BASE}\nparam 上限: score = 20分\nparam 比例 = 0.5 cite 一"
    ));
    let codes: Vec<&str> = w.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["W0005", "W0001", "W0001"]);
    assert_eq!(w[0].message, "parameter `上限` cites no clause");
    let e = check_errors(&format!("{BASE}\nparam 上限: money = 20分 cite 一"));
    assert_eq!(e[0].code, "E0301");
    let e = check_errors(&format!("{BASE}\nparam 两倍 = 2 * 3 cite 一"));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0302", "this must be a literal value")
    );
}

#[test]
fn dated_parameters_pick_the_value_for_the_period() {
    let w = base_with(
        r#"
param 月额 = 600元 cite 一
  from 2022-04-01 = 700元 cite 二
  from 2022-07-01 = 800元 cite 三
output def 人.本季月额[q: quarter]: money = 月额
output def 人.本月月额[m: month]: money = 月额
def 年初月额: money = 月额
output def 人.年初[y: year]: money = 年初月额
"#,
    );
    assert_eq!(w.output("人 A 2022-Q1 本季月额"), "600.00");
    assert_eq!(w.output("人 A 2022-Q2 本季月额"), "700.00");
    assert_eq!(w.output("人 A 2022-Q3 本季月额"), "800.00");
    assert_eq!(w.output("人 A 2022-Q4 本季月额"), "800.00");
    assert_eq!(w.output("人 A 2022-03 本月月额"), "600.00");
    assert_eq!(w.output("人 A 2022-04 本月月额"), "700.00");
    assert_eq!(w.output("人 A 2022 年初"), "600.00");
    let e = check_errors(&format!(
        "{BASE}\nparam 月额 = 1元 cite 一 from 2022-07-01 = 2元 from 2022-04-01 = 3元"
    ));
    assert_eq!(
        (e[0].code, e[0].message.as_str()),
        ("E0303", "dated values must be in date order")
    );
}

/// [`BASE`] with an event entity `事` and the given items.
fn events(items: &str, events_json: &str) -> crate::support::World {
    let policy = BASE.replace("  人: [人]\n}", "  人: [人]\n  事: [事] = []\n}")
        + "entity 事 {\n  人: 人\n  类型: 等级\n  日期: date\n  经办: 人?\n}\n"
        + items;
    let case = BASE_CASE.replacen(
        "\"人\": [",
        &format!("\"事\": {events_json},\n  \"人\": ["),
        1,
    );
    world(&policy, &case)
}

const EVENTS: &str = r#"[
    {"人": "B", "类型": "甲", "日期": "2022-02-01", "经办": "A"},
    {"人": "B", "类型": "乙", "日期": "2022-08-01"},
    {"人": "C", "类型": "甲", "日期": "2022-03-31", "经办": "A"}
  ]"#;

#[test]
fn deduct_withhold_and_revoke() {
    let w = events(
        r#"
param 扣分 = 2分 cite 一
rule 处理 cite 一
  for e in 事
  let q = quarter(e.日期)
  deduct 扣分 from e.人 in q
  deduct 1分 from e.经办 in q
  withhold 奖 of e.人 in q when e.类型 == 甲
  revoke 评优 of e.人 in year(e.日期) when e.类型 == 乙
output def 人.得分[q: quarter]: score = 分数[q] - deductions(q)
output def 人.奖[q: quarter]: bool = not withheld(奖, q)
output def 人.评优[y: year]: bool = not revoked(评优, y)
"#,
        EVENTS,
    );
    assert_eq!(w.output("人 B 2022-Q1 得分"), "58");
    assert_eq!(w.output("人 B 2022-Q3 得分"), "58");
    assert_eq!(w.output("人 A 2022-Q1 得分"), "88");
    // 经办 is none for the second event: that deduction is dropped.
    assert_eq!(w.output("人 A 2022-Q3 得分"), "70.5");
    assert_eq!(w.output("人 B 2022-Q1 奖"), "false");
    assert_eq!(w.output("人 B 2022-Q3 奖"), "true");
    assert_eq!(w.output("人 C 2022-Q1 奖"), "false");
    assert_eq!(w.output("人 B 2022 评优"), "false");
    assert_eq!(w.output("人 C 2022 评优"), "true");
}

#[test]
fn rules_with_several_generators_where_and_queries_by_record() {
    let mut w = events(
        r#"
rule 低分 cite 一
  for p in 人, q in quarters(年度)
  where p.分数[q] < 65分
  let 差 = 65分 - p.分数[q]
  deduct 差 from p in q when 差 > 10分
  withhold 奖 of p in q
output def 人.奖[q: quarter]: bool = not withheld(奖, q)
output def 人.扣[q: quarter]: score = deductions(q)
"#,
        "[]",
    );
    assert_eq!(w.output("人 B 2022-Q1 扣"), "0");
    assert_eq!(w.output("人 C 2022-Q1 扣"), "65");
    assert_eq!(w.output("人 C 2022-Q3 扣"), "15");
    assert_eq!(w.output("人 B 2022-Q4 奖"), "false");
    assert_eq!(w.eval("deductions(人(\"C\"), 2022-Q3)"), "15");
    assert_eq!(w.eval("withheld(奖, 人(\"A\"), 2022-Q1)"), "false");
    assert_eq!(
        w.eval("sum(deductions(p, q) for p in 人, q in quarters(年度))"),
        "95"
    );
}

#[test]
fn a_dated_deduction_uses_the_value_of_its_period() {
    let w = events(
        r#"
param 扣分 = 2分 cite 一
  from 2022-07-01 = 5分 cite 二
rule 处理 cite 一
  for e in 事
  deduct 扣分 from e.人 in quarter(e.日期)
output def 人.扣[q: quarter]: score = deductions(q)
"#,
        EVENTS,
    );
    assert_eq!(w.output("人 B 2022-Q1 扣"), "2");
    assert_eq!(w.output("人 B 2022-Q3 扣"), "5");
}

#[test]
fn money_deductions_and_mixed_kinds() {
    let w = events(
        "param 罚款 = 50元 cite 一\n\
         rule 罚 cite 一 for e in 事 deduct 罚款 from e.人 in year(e.日期)\n\
         output def 人.罚[y: year]: money = deductions(y)",
        EVENTS,
    );
    assert_eq!(w.output("人 B 2022 罚"), "100.00");
    let e = check_errors(
        &(BASE.to_string()
            + "rule 甲 cite 一 for p in 人 deduct 1分 from p in year(年度)\n\
               rule 乙 cite 一 for p in 人 deduct 1元 from p in year(年度)\n\
               output def 人.扣[y: year]: score = deductions(y)"),
    );
    let d = e.iter().find(|d| d.code == "E0120").expect("E0120");
    assert_eq!(
        d.message,
        "deductions from `人` are score, this one is money"
    );
}

#[test]
fn consequence_mistakes() {
    let e = check_errors(&format!(
        "{BASE}\nrule r cite 一 for p in 人 withhold 奖 of p in year(年度)\n\
         output def 人.奖[q: quarter]: bool = withheld(奖, q)"
    ));
    assert_eq!(e[0].code, "E0301");
    assert_eq!(
        e[0].message,
        "`奖` has a value per quarter, but this `withhold` is for a year"
    );
    let e = check_errors(&format!(
        "{BASE}\nrule r cite 一 for p in 人 deduct 1 from p in year(年度)"
    ));
    assert_eq!(e[0].message, "a deduction is points or money; this is int");
    let e = check_errors(&format!(
        "{BASE}\nrule r cite 一 for p in 人 revoke 无此 of p in year(年度)"
    ));
    assert_eq!(e[0].code, "E0101");
    assert!(e[0].message.contains("`无此`"), "{}", e[0].message);
}

#[test]
fn unread_and_unwritten_consequences_are_warnings() {
    let w = check_warnings(&format!(
        "{BASE}\nrule r cite 一 for p in 人 deduct 1分 from p in year(年度)\n\
         output def 人.季扣[q: quarter]: score = deductions(q)"
    ));
    let codes: Vec<&str> = w.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"W0004"), "{codes:?}");
    assert!(codes.contains(&"W0006"), "{codes:?}");
    let w4 = w.iter().find(|d| d.code == "W0004").unwrap();
    assert_eq!(w4.message, "no rule deducts here: this is always 0");
}

#[test]
fn a_consequence_outside_the_case_year_is_an_error() {
    let w = events(
        "rule r cite 一 for e in 事 deduct 1分 from e.人 in quarter(e.日期) - 4\n\
         output def 人.扣[q: quarter]: score = deductions(q)",
        EVENTS,
    );
    let (code, msg) = w.outputs_error();
    assert_eq!(code, "E0604");
    assert_eq!(msg, "this period (2021-Q1) lies outside the case year 2022");
}
