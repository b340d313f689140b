//! Tests of the reference oracle against figures worked out by hand (each computation is in a comment), and of the generator's determinism and scale.
//!
//! The parent module must declare both `reference` and `bureau_gen`, e.g.
//! `#[path = "support/reference.rs"] mod reference;`,
//! `#[path = "support/bureau_gen.rs"] mod bureau_gen;` and
//! `#[cfg(test)] #[path = "support/reference_tests.rs"] mod reference_tests;`.

use super::bureau_gen::generate;
use super::reference::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------
// A small bureau that is easy to work by hand.
//
// Units: L (局领导班子, head A1), R (收入科室, head R1, led by A1, 收入任务 400),
// O (其他, head O1, led by A1), S (其他, head S1, no 分管领导).
// People: A1, A2 in L; R1, R2, R3 in R; O1, O2 in O; S1 in S. Everyone's
// 自评分 is 100, except R3's 99 (so that R, with three members, does not
// distribute equally), unless a test changes it. Every unit files all 12 summaries,
// complete, on day 2 of the next month, by its head; R's carry the five
// revenue items. No events.
//
// Unit scores with no changes:
//   R: 收入任务 400, 收入完成 88, 100, 100, 112.
//      Q1: C = 400×1/4 = 100, A = 88,  s = 12% → −12 → 88
//      Q2: C = 200,           A = 188, s = 6%  → −6  → 94
//      Q3: C = 300,           A = 288, s = 4%  → −4  → 96
//      Q4: C = 400,           A = 400, met     →  0  → 100
//   O, S: 100 every quarter.
// 单位系数分 of the leaders:
//   A1 leads R and O: Q1 (88+100)/2 = 94, Q2 97, Q3 98, Q4 100.
//   A2 leads nothing, so the mean over R, O, S: Q1 288/3 = 96, Q2 294/3 = 98,
//   Q3 296/3 = 98.666… → 98.67, Q4 100.

fn base_case() -> Value {
    let person = |id: &str, unit: &str, rank: &str| {
        let s = if id == "R3" { 99 } else { 100 };
        json!({"编号": id, "姓名": id, "单位": unit, "职务": rank,
               "自评分": {"1": s, "2": s, "3": s, "4": s}})
    };
    let mut summaries = Vec::new();
    for (unit, head) in [("R", "R1"), ("O", "O1"), ("S", "S1")] {
        for m in 1..=12 {
            let date = if m == 12 {
                "2023-01-02".to_owned()
            } else {
                format!("2022-{:02}-02", m + 1)
            };
            let data = if unit == "R" {
                json!({"收入计划": "33.33", "收入完成": "30", "组织收入措施": "分析会",
                       "税源管理": "巡查", "户籍巡查": "10户"})
            } else {
                json!({})
            };
            summaries.push(json!({"单位": unit, "月份": format!("2022-{m:02}"),
                "报送日期": date, "报送人": head, "任务": ["组织收入"],
                "内容": "已完成", "数据": data}));
        }
    }
    json!({
        "年度": 2022,
        "局": {"名称": "测试局", "年度等次": "优秀",
               "税收收入": "1523000000.00", "一般预算收入": "1062000000"},
        "单位": [
            {"编号": "L", "名称": "局领导班子", "类型": "局领导班子", "负责人": "A1"},
            {"编号": "R", "名称": "征收科", "类型": "收入科室", "负责人": "R1", "分管领导": "A1",
             "收入任务": "400", "收入完成": {"1": "88", "2": "100", "3": "100", "4": "112"}},
            {"编号": "O", "名称": "综合科", "类型": "其他", "负责人": "O1", "分管领导": "A1"},
            {"编号": "S", "名称": "法规科", "类型": "其他", "负责人": "S1"}
        ],
        "干部": [
            person("A1", "L", "局领导"), person("A2", "L", "局领导"),
            person("R1", "R", "科室负责人"), person("R2", "R", "一般干部"),
            person("R3", "R", "一般干部"), person("O1", "O", "科室负责人"),
            person("O2", "O", "一般干部"), person("S1", "S", "科室负责人")
        ],
        "月度小结": summaries,
        "事件": []
    })
}

fn set_scores(case: &mut Value, id: &str, scores: [Value; 4]) {
    let people = case["干部"].as_array_mut().expect("干部");
    let p = people.iter_mut().find(|p| p["编号"] == id).expect("person");
    for (q, s) in scores.into_iter().enumerate() {
        p["自评分"][(q + 1).to_string()] = s;
    }
}

fn summary_mut<'a>(case: &'a mut Value, unit: &str, month: &str) -> &'a mut Value {
    case["月度小结"]
        .as_array_mut()
        .expect("月度小结")
        .iter_mut()
        .find(|s| s["单位"] == unit && s["月份"] == month)
        .expect("summary")
}

fn add_event(case: &mut Value, event: Value) {
    case["事件"].as_array_mut().expect("事件").push(event);
}

fn run(case: &Value) -> Vec<Row> {
    evaluate(&case.to_string()).expect("evaluates")
}

fn get<'a>(rows: &'a [Row], id: &str, period: &str, name: &str) -> &'a Value {
    &rows
        .iter()
        .find(|r| r.id == id && r.period == period && r.name == name)
        .unwrap_or_else(|| panic!("no row {id} {period} {name}"))
        .value
}

/// A numeric row's value as a decimal, so "96" and "96.00" compare equal.
fn num(rows: &[Row], id: &str, period: &str, name: &str) -> Decimal {
    let v = get(rows, id, period, name);
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{id} {period} {name} is not a number: {v}"))
}

fn d(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

// ---------------------------------------------------------------------------
// Hand-worked figures.

#[test]
fn full_score_bonus_is_three_months() {
    // O2: 单位系数分 100 (O is clean), 个人考核分 100:
    // 600 × 3 × 100/100 × 100/100 = 1800.00 every quarter.
    let rows = run(&base_case());
    for q in 1..=4 {
        let p = format!("2022-Q{q}");
        assert_eq!(num(&rows, "O2", &p, "个人考核分"), d("100"));
        assert_eq!(num(&rows, "O2", &p, "单位系数分"), d("100"));
        assert_eq!(get(&rows, "O2", &p, "季度效能奖"), &json!("1800.00"));
        assert_eq!(get(&rows, "O2", &p, "季度效能奖扣发"), &json!(false));
    }
}

#[test]
fn revenue_shortfall_deducts_whole_points() {
    // See the header: R scores 88, 94, 96, 100.
    let rows = run(&base_case());
    let scores: Vec<Decimal> = (1..=4)
        .map(|q| num(&rows, "R", &format!("2022-Q{q}"), "单位效能分"))
        .collect();
    assert_eq!(scores, [d("88"), d("94"), d("96"), d("100")]);
    // R2 in Q1: 600 × 3 × 88/100 × 100/100 = 1584.00.
    assert_eq!(get(&rows, "R2", "2022-Q1", "季度效能奖"), &json!("1584.00"));
}

#[test]
fn revenue_shortfall_floors_and_caps() {
    let mut case = base_case();
    // 收入任务 300: Q1 C = 75, A = 70, s = 5/75 × 100 = 6.67 → ⌊s⌋ = 6 → 94.
    // Q2 C = 150, A = 70 + 40 = 110, s = 40/150 × 100 = 26.67 → 26, capped
    // at 20 → 80. Q3 C = 225, A = 110 + 100 = 210, s = 15/225 × 100 = 6.67 → 6 → 94.
    // Q4 C = 300, A = 210 + 90 = 300: met → 100.
    case["单位"][1]["收入任务"] = json!("300");
    case["单位"][1]["收入完成"] = json!({"1": "70", "2": "40", "3": "100", "4": "90.00"});
    let rows = run(&case);
    assert_eq!(num(&rows, "R", "2022-Q1", "单位效能分"), d("94"));
    assert_eq!(num(&rows, "R", "2022-Q2", "单位效能分"), d("80"));
    assert_eq!(num(&rows, "R", "2022-Q3", "单位效能分"), d("94"));
    assert_eq!(num(&rows, "R", "2022-Q4", "单位效能分"), d("100"));
}

#[test]
fn shortfall_of_exactly_whole_percent_is_not_rounded_down_twice() {
    // 收入任务 3: Q1 C = 0.75, A = 0.72, s = 0.03/0.75 × 100 = 4 exactly → 96.
    let mut case = base_case();
    case["单位"][1]["收入任务"] = json!("3");
    case["单位"][1]["收入完成"] = json!({"1": "0.72", "2": "1", "3": "1", "4": "1"});
    let rows = run(&case);
    assert_eq!(num(&rows, "R", "2022-Q1", "单位效能分"), d("96"));
}

#[test]
fn non_positive_revenue_task_deducts_nothing_but_requires_items() {
    // 收入任务 0: no 收入扣分, so R scores 100; but O given 收入任务 "-5" now
    // owes the revenue items, which its summaries lack: 无具体数据 every month,
    // 3 a quarter → O scores 100 − 3 × 2 = 94.
    let mut case = base_case();
    case["单位"][1]["收入任务"] = json!("0");
    case["单位"][2]["收入任务"] = json!("-5");
    case["单位"][2]["收入完成"] = json!({"1": "0", "2": "0", "3": "0", "4": "0"});
    let rows = run(&case);
    assert_eq!(num(&rows, "R", "2022-Q1", "单位效能分"), d("100"));
    assert_eq!(num(&rows, "O", "2022-Q1", "单位效能分"), d("94"));
    assert_eq!(
        get(&rows, "O", "2022-05", "月报问题"),
        &json!(["无具体数据"])
    );
}

#[test]
fn leaders_take_the_rounded_mean_of_their_units() {
    // See the header: A1 94, 97, 98, 100; A2 96, 98, 98.67, 100.
    let rows = run(&base_case());
    assert_eq!(num(&rows, "A1", "2022-Q1", "单位系数分"), d("94"));
    assert_eq!(num(&rows, "A1", "2022-Q2", "单位系数分"), d("97"));
    assert_eq!(num(&rows, "A2", "2022-Q1", "单位系数分"), d("96"));
    assert_eq!(num(&rows, "A2", "2022-Q3", "单位系数分"), d("98.67"));
    // A2 in Q3: 600 × 3 × 98.67/100 × 100/100 = 1776.06 (the rounded mean is
    // what counts; 296/3 unrounded would give 1776.00).
    assert_eq!(get(&rows, "A2", "2022-Q3", "季度效能奖"), &json!("1776.06"));
}

#[test]
fn bonus_rounds_half_away_from_zero() {
    // A1 in Q2: 单位系数分 97, 自评分 90.25:
    // 1800 × 0.97 × 0.9025 = 1746 × 0.9025 = 1575.765 → 1575.77
    // (banker's rounding would give 1575.76).
    let mut case = base_case();
    set_scores(
        &mut case,
        "A1",
        [json!(100), json!("90.25"), json!(100), json!(100)],
    );
    let rows = run(&case);
    assert_eq!(num(&rows, "A1", "2022-Q2", "个人考核分"), d("90.25"));
    assert_eq!(get(&rows, "A1", "2022-Q2", "季度效能奖"), &json!("1575.77"));
}

#[test]
fn one_defective_summary_is_one_matter() {
    // O's March summary: filed 2022-04-04 (late) by O2 with a blank 内容
    // (ideographic space). Two defects, one matter: O −2 → 98 in Q1; O1 (head)
    // −2 → 98; O2 (报送人) −2 → 98.
    // O2's Q1 bonus: 1800 × 0.98 × 0.98 = 1728.72.
    let mut case = base_case();
    let s = summary_mut(&mut case, "O", "2022-03");
    s["报送日期"] = json!("2022-04-04");
    s["报送人"] = json!("O2");
    s["内容"] = json!("　");
    let rows = run(&case);
    assert_eq!(
        get(&rows, "O", "2022-03", "月报问题"),
        &json!(["不及时报送", "无具体内容"])
    );
    assert_eq!(num(&rows, "O", "2022-Q1", "单位效能分"), d("98"));
    assert_eq!(num(&rows, "O1", "2022-Q1", "个人考核分"), d("98"));
    assert_eq!(num(&rows, "O2", "2022-Q1", "个人考核分"), d("98"));
    assert_eq!(get(&rows, "O2", "2022-Q1", "季度效能奖"), &json!("1728.72"));
    // A1's Q1 mean moves too: (88 + 98) / 2 = 93.
    assert_eq!(num(&rows, "A1", "2022-Q1", "单位系数分"), d("93"));
}

#[test]
fn deadline_is_the_third_inclusive() {
    // Filed on the 3rd: on time; on the 4th: late. December's is due 2023-01-03.
    let mut case = base_case();
    summary_mut(&mut case, "O", "2022-02")["报送日期"] = json!("2022-03-03");
    summary_mut(&mut case, "O", "2022-12")["报送日期"] = json!("2023-01-03");
    summary_mut(&mut case, "S", "2022-12")["报送日期"] = json!("2023-01-04");
    summary_mut(&mut case, "S", "2022-06")["报送日期"] = Value::Null;
    let rows = run(&case);
    assert_eq!(get(&rows, "O", "2022-02", "月报问题"), &json!([]));
    assert_eq!(get(&rows, "O", "2022-12", "月报问题"), &json!([]));
    assert_eq!(
        get(&rows, "S", "2022-12", "月报问题"),
        &json!(["不及时报送"])
    );
    assert_eq!(
        get(&rows, "S", "2022-06", "月报问题"),
        &json!(["不及时报送"])
    );
    // S: Q2 and Q4 each lose 2 → 98; S1 is head and 报送人, so pays once: 98.
    assert_eq!(num(&rows, "S", "2022-Q4", "单位效能分"), d("98"));
    assert_eq!(num(&rows, "S1", "2022-Q4", "个人考核分"), d("98"));
}

#[test]
fn task_content_and_data_defects() {
    let mut case = base_case();
    summary_mut(&mut case, "R", "2022-04")["任务"] = json!([" ", "　"]);
    summary_mut(&mut case, "R", "2022-05")["内容"] = Value::Null;
    // 0 is a value; a blank string is not.
    summary_mut(&mut case, "R", "2022-06")["数据"]["收入完成"] = json!(0);
    summary_mut(&mut case, "R", "2022-07")["数据"]["税源管理"] = json!("　");
    summary_mut(&mut case, "R", "2022-08")["数据"]
        .as_object_mut()
        .expect("数据")
        .remove("户籍巡查");
    let rows = run(&case);
    assert_eq!(
        get(&rows, "R", "2022-04", "月报问题"),
        &json!(["无明确任务"])
    );
    assert_eq!(
        get(&rows, "R", "2022-05", "月报问题"),
        &json!(["无具体内容"])
    );
    assert_eq!(get(&rows, "R", "2022-06", "月报问题"), &json!([]));
    assert_eq!(
        get(&rows, "R", "2022-07", "月报问题"),
        &json!(["无具体数据"])
    );
    assert_eq!(
        get(&rows, "R", "2022-08", "月报问题"),
        &json!(["无具体数据"])
    );
    // R in Q2: 100 − 2 × 2 (April, May) − 6 (revenue) = 90; Q3: 100 − 2 × 2 − 4 = 92.
    assert_eq!(num(&rows, "R", "2022-Q2", "单位效能分"), d("90"));
    assert_eq!(num(&rows, "R", "2022-Q3", "单位效能分"), d("92"));
    // R1 files them all: head and 报送人 at once, 2 each: Q2 96, Q3 96.
    assert_eq!(num(&rows, "R1", "2022-Q2", "个人考核分"), d("96"));
}

#[test]
fn missing_summaries_cost_unit_and_head() {
    // No 月度小结 key at all: every unit misses 3 a quarter: −6.
    // R Q1: 100 − 6 − 12 = 82; O, S: 94. Heads R1, O1, S1: 100 − 6 = 94.
    let mut case = base_case();
    case.as_object_mut().expect("case").remove("月度小结");
    let rows = run(&case);
    assert_eq!(num(&rows, "R", "2022-Q1", "单位效能分"), d("82"));
    assert_eq!(num(&rows, "O", "2022-Q3", "单位效能分"), d("94"));
    assert_eq!(num(&rows, "S1", "2022-Q2", "个人考核分"), d("94"));
    assert_eq!(
        get(&rows, "O", "2022-01", "月报问题"),
        &json!(["不及时报送"])
    );
    // O1 in Q1: 1800 × 0.94 × 0.94 = 1590.48.
    assert_eq!(get(&rows, "O1", "2022-Q1", "季度效能奖"), &json!("1590.48"));
}

#[test]
fn equal_distribution_compares_values() {
    // R in Q3: 90, "90.00", 90.0 are one score: R −5 → 96 − 5 = 91; R1 −5 → 85.
    // O has only two members: never equal. L is exempt.
    let mut case = base_case();
    set_scores(
        &mut case,
        "R1",
        [json!(90), json!(91), json!(90), json!(100)],
    );
    set_scores(
        &mut case,
        "R2",
        [json!(92), json!(91), json!("90.00"), json!(100)],
    );
    set_scores(
        &mut case,
        "R3",
        [json!(93), json!(92), json!(90.0), json!(99)],
    );
    let rows = run(&case);
    assert_eq!(get(&rows, "R", "2022-Q3", "平均发放"), &json!(true));
    assert_eq!(get(&rows, "R", "2022-Q2", "平均发放"), &json!(false));
    assert_eq!(get(&rows, "O", "2022-Q1", "平均发放"), &json!(false));
    assert_eq!(num(&rows, "R", "2022-Q3", "单位效能分"), d("91"));
    assert_eq!(num(&rows, "R1", "2022-Q3", "个人考核分"), d("85"));
    assert_eq!(num(&rows, "R2", "2022-Q3", "个人考核分"), d("90"));
    // R2 in Q3: 1800 × 0.91 × 0.90 = 1474.20.
    assert_eq!(get(&rows, "R2", "2022-Q3", "季度效能奖"), &json!("1474.20"));
}

#[test]
fn criticism_hits_leader_head_and_party() {
    // 通报批评 of R2 on 2022-05-06 (Q2): A1 (分管领导) −5, R1 (负责人) −10, R2's
    // Q2 bonus withheld and 评先评优资格 lost; R2 still shares the year-end pool.
    // A1 Q2: 单位系数分 97, 个人考核分 95 → 1800 × 0.97 × 0.95 = 1658.70.
    let mut case = base_case();
    add_event(
        &mut case,
        json!({"编号": "E1", "类型": "通报批评", "当事人": "R2", "日期": "2022-05-06"}),
    );
    let rows = run(&case);
    assert_eq!(num(&rows, "A1", "2022-Q2", "个人考核分"), d("95"));
    assert_eq!(get(&rows, "A1", "2022-Q2", "季度效能奖"), &json!("1658.70"));
    assert_eq!(num(&rows, "R1", "2022-Q2", "个人考核分"), d("90"));
    assert_eq!(num(&rows, "R2", "2022-Q2", "个人考核分"), d("100"));
    assert_eq!(get(&rows, "R2", "2022-Q2", "季度效能奖"), &json!("0.00"));
    assert_eq!(get(&rows, "R2", "2022-Q2", "季度效能奖扣发"), &json!(true));
    assert_eq!(get(&rows, "R2", "2022-Q3", "季度效能奖扣发"), &json!(false));
    assert_eq!(get(&rows, "R2", "2022", "评先评优资格"), &json!(false));
    assert_ne!(get(&rows, "R2", "2022", "年终效能奖"), &json!("0.00"));
}

#[test]
fn head_criticised_for_own_work_without_leader() {
    // S1 is S's head and S has no 分管领导: S1 −10 in Q4 and loses the Q4 bonus;
    // the leader's −5 is dropped (nobody else changes).
    let mut case = base_case();
    add_event(
        &mut case,
        json!({"编号": "E1", "类型": "通报批评", "当事人": "S1", "日期": "2022-12-31"}),
    );
    let rows = run(&case);
    assert_eq!(num(&rows, "S1", "2022-Q4", "个人考核分"), d("90"));
    assert_eq!(get(&rows, "S1", "2022-Q4", "季度效能奖"), &json!("0.00"));
    assert_eq!(num(&rows, "A1", "2022-Q4", "个人考核分"), d("100"));
    assert_eq!(num(&rows, "A2", "2022-Q4", "个人考核分"), d("100"));
}

#[test]
fn superior_review_counts_only_for_non_ability_factors() {
    // 上级考核扣分 of O2: 非能力因素 false (Q1) → nothing; absent (Q2) → nothing;
    // true (Q3) → O1 −5, O2's Q3 bonus withheld, 评先评优资格 lost.
    let mut case = base_case();
    add_event(
        &mut case,
        json!({"编号": "E1", "类型": "上级考核扣分", "当事人": "O2", "日期": "2022-02-01", "非能力因素": false}),
    );
    add_event(
        &mut case,
        json!({"编号": "E2", "类型": "上级考核扣分", "当事人": "O2", "日期": "2022-05-01"}),
    );
    add_event(
        &mut case,
        json!({"编号": "E3", "类型": "上级考核扣分", "当事人": "O2", "日期": "2022-08-01", "非能力因素": true}),
    );
    let rows = run(&case);
    assert_eq!(num(&rows, "O1", "2022-Q1", "个人考核分"), d("100"));
    assert_eq!(num(&rows, "O1", "2022-Q2", "个人考核分"), d("100"));
    assert_eq!(num(&rows, "O1", "2022-Q3", "个人考核分"), d("95"));
    assert_eq!(get(&rows, "O2", "2022-Q1", "季度效能奖扣发"), &json!(false));
    assert_eq!(get(&rows, "O2", "2022-Q3", "季度效能奖扣发"), &json!(true));
    assert_eq!(get(&rows, "O2", "2022", "评先评优资格"), &json!(false));
}

#[test]
fn sanction_withholds_year_end_and_shrinks_pool() {
    // 党纪政纪处分 of O2 in Q4: O2 gets no year-end share, loses the Q4 bonus and
    // award eligibility; 7 of 8 people remain eligible. Grade 优秀 (300 a
    // head): pool 7 × 300 = 2100.00, F = 210000 fen.
    // 治庸问责 of R3 in Q1 costs R1 10 points: R1's 年度考核分 is 390, R3's
    // 396 (4 × 99), the other five eligible have 400.
    // W = 5 × 40000 + 39000 + 39600 = 278600.
    //   400: 210000 × 40000 = 8400000000 = 30150 × 278600 + 210000
    //   390: 210000 × 39000 = 8190000000 = 29396 × 278600 + 274400
    //   396: 210000 × 39600 = 8316000000 = 29849 × 278600 + 68600
    // Given 5 × 30150 + 29396 + 29849 = 209995 fen, 5 fen are left: R1
    // (largest remainder), then four of the five tied 210000s by 编号:
    // A1, A2, O1, R2, but not S1. So A1, A2, O1, R2: 301.51; S1: 301.50;
    // R1: 293.97; R3: 298.49.
    // Check: 4 × 301.51 + 301.50 + 293.97 + 298.49 = 2100.00.
    let mut case = base_case();
    add_event(
        &mut case,
        json!({"编号": "E1", "类型": "党纪政纪处分", "当事人": "O2", "日期": "2022-10-09"}),
    );
    add_event(
        &mut case,
        json!({"编号": "E2", "类型": "治庸问责", "当事人": "R3", "日期": "2022-03-09"}),
    );
    let rows = run(&case);
    assert_eq!(
        get(&rows, "测试局", "2022", "年终效能奖总额"),
        &json!("2100.00")
    );
    assert_eq!(get(&rows, "O2", "2022", "年终效能奖"), &json!("0.00"));
    assert_eq!(get(&rows, "O2", "2022-Q4", "季度效能奖"), &json!("0.00"));
    assert_eq!(get(&rows, "O2", "2022", "评先评优资格"), &json!(false));
    assert_eq!(num(&rows, "R1", "2022", "年度考核分"), d("390"));
    assert_eq!(get(&rows, "R1", "2022", "年终效能奖"), &json!("293.97"));
    assert_eq!(get(&rows, "R3", "2022", "年终效能奖"), &json!("298.49"));
    assert_eq!(get(&rows, "S1", "2022", "年终效能奖"), &json!("301.50"));
    for id in ["A1", "A2", "O1", "R2"] {
        assert_eq!(
            get(&rows, id, "2022", "年终效能奖"),
            &json!("301.51"),
            "{id}"
        );
    }
    // R3 keeps the year-end share but loses awards (治庸问责).
    assert_eq!(get(&rows, "R3", "2022", "评先评优资格"), &json!(false));
}

#[test]
fn remainder_ties_go_to_the_smaller_code_point() {
    // Grade 优秀, 5 eligible: F = 5 × 300 × 100 = 150000 fen.
    // 年度考核分: S1, S2 360; S9, S10, S11 359 (W ×100: 36000, 35900).
    // W = 2 × 36000 + 3 × 35900 = 179700.
    //   36000: 150000 × 36000 = 5400000000 = 30050 × 179700 + 15000
    //   35900: 150000 × 35900 = 5385000000 = 29966 × 179700 + 109800
    // Given 2 × 30050 + 3 × 29966 = 149998: 2 fen to the three tied 109800s,
    // by code point: "S10" < "S11" < "S9". So S10, S11 299.67; S9 299.66.
    let person = |id: &str, unit: &str, rank: &str, s: [i64; 4]| {
        json!({"编号": id, "单位": unit, "职务": rank,
               "自评分": {"1": s[0], "2": s[1], "3": s[2], "4": s[3]}})
    };
    let case = json!({
        "年度": 2022,
        "局": {"名称": "并列局", "年度等次": "优秀", "税收收入": "0", "一般预算收入": "0"},
        "单位": [
            {"编号": "U1", "类型": "局领导班子", "负责人": "S1"},
            {"编号": "U2", "类型": "其他", "负责人": "S11", "分管领导": "S1"}
        ],
        "干部": [
            person("S1", "U1", "局领导", [90, 90, 90, 90]),
            person("S2", "U1", "局领导", [90, 90, 90, 90]),
            person("S11", "U2", "科室负责人", [91, 88, 90, 90]),
            person("S9", "U2", "一般干部", [88, 90, 91, 90]),
            person("S10", "U2", "一般干部", [90, 91, 90, 88])
        ],
        "月度小结": (1..=12).map(|m| json!({"单位": "U2", "月份": format!("2022-{m:02}"),
            "报送日期": format!("2022-{:02}-01", m % 12 + 1).replace("2022-01-01", "2023-01-01"),
            "任务": ["t"], "内容": "c", "数据": {}})).collect::<Vec<_>>()
    });
    let rows = run(&case);
    assert_eq!(get(&rows, "S1", "2022", "年终效能奖"), &json!("300.50"));
    assert_eq!(get(&rows, "S2", "2022", "年终效能奖"), &json!("300.50"));
    assert_eq!(get(&rows, "S10", "2022", "年终效能奖"), &json!("299.67"));
    assert_eq!(get(&rows, "S11", "2022", "年终效能奖"), &json!("299.67"));
    assert_eq!(get(&rows, "S9", "2022", "年终效能奖"), &json!("299.66"));
    // 税收收入 0 → 税收完成率 0.
    assert_eq!(get(&rows, "并列局", "2022", "税收完成率"), &json!("0"));
}

#[test]
fn all_zero_scores_share_equally() {
    // Everyone's 自评分 is 0 → all weights 0 → W_i = 1 each: 8 × 300 = 2400.00
    // shared as 300.00 each. Personal scores clamp at 0 under deductions (R1
    // loses 12+ points of nothing) and every bonus is 0.00.
    let mut case = base_case();
    for id in ["A1", "A2", "R1", "R2", "R3", "O1", "O2", "S1"] {
        set_scores(
            &mut case,
            id,
            [json!(0), json!("0"), json!(0.0), json!("0.00")],
        );
    }
    let rows = run(&case);
    for id in ["A1", "R1", "S1"] {
        assert_eq!(get(&rows, id, "2022", "年终效能奖"), &json!("300.00"));
        assert_eq!(num(&rows, id, "2022", "年度考核分"), d("0"));
        assert_eq!(get(&rows, id, "2022-Q1", "季度效能奖"), &json!("0.00"));
    }
    // R's members are all 0 in every quarter: equal distribution, R1 −5 → 0.
    assert_eq!(get(&rows, "R", "2022-Q1", "平均发放"), &json!(true));
    assert_eq!(get(&rows, "R1", "2022-Q1", "个人考核分"), &json!("0"));
}

#[test]
fn bureau_rates_award_and_deposits() {
    // 税收完成率 1523000000 / 1494000000 × 100 = 101.9410… → 101.94;
    // 一般预算完成率 1062000000 / 1416000000 × 100 = 75 exactly → "75".
    // Grade 优秀: no 最佳服务单位奖励; pool 8 × 300 = 2400.00.
    let rows = run(&base_case());
    assert_eq!(get(&rows, "测试局", "2022", "税收完成率"), &json!("101.94"));
    assert_eq!(get(&rows, "测试局", "2022", "一般预算完成率"), &json!("75"));
    assert_eq!(
        get(&rows, "测试局", "2022", "最佳服务单位奖励"),
        &json!("0.00")
    );
    assert_eq!(
        get(&rows, "测试局", "2022", "年终效能奖总额"),
        &json!("2400.00")
    );
    assert_eq!(get(&rows, "A1", "2022", "保证金"), &json!("1000.00"));
    assert_eq!(get(&rows, "R1", "2022", "保证金"), &json!("800.00"));
    assert_eq!(get(&rows, "R2", "2022", "保证金"), &json!("600.00"));
    // Q1 total: A1 1800 × 0.94 = 1692.00, A2 1800 × 0.96 = 1728.00,
    // R1, R2 2 × 1800 × 0.88 = 3168.00, R3 1800 × 0.88 × 0.99 = 1568.16,
    // O1, O2, S1 3 × 1800.00 = 5400.00:
    // 1692 + 1728 + 3168 + 1568.16 + 5400 = 13556.16.
    assert_eq!(
        get(&rows, "测试局", "2022-Q1", "季度效能奖总额"),
        &json!("13556.16")
    );
}

#[test]
fn best_service_grade_pays_award_and_500_a_head() {
    let mut case = base_case();
    case["局"]["年度等次"] = json!("最佳服务单位");
    let rows = run(&case);
    assert_eq!(
        get(&rows, "测试局", "2022", "最佳服务单位奖励"),
        &json!("20000.00")
    );
    // Pool 8 × 500 = 4000.00, F = 400000 fen. Seven people have 400 points,
    // R3 396: W = 7 × 40000 + 39600 = 319600.
    //   400: 400000 × 40000 = 16000000000 = 50062 × 319600 + 184800
    //   396: 400000 × 39600 = 15840000000 = 49561 × 319600 + 304400
    // Given 7 × 50062 + 49561 = 399995, 5 fen left: R3, then A1, A2, O1, O2
    // (the first four 400s by 编号). A1, A2, O1, O2 500.63; R1, R2, S1 500.62;
    // R3 495.62. Check: 2002.52 + 1501.86 + 495.62 = 4000.00.
    assert_eq!(
        get(&rows, "测试局", "2022", "年终效能奖总额"),
        &json!("4000.00")
    );
    assert_eq!(get(&rows, "O2", "2022", "年终效能奖"), &json!("500.63"));
    assert_eq!(get(&rows, "R1", "2022", "年终效能奖"), &json!("500.62"));
    assert_eq!(get(&rows, "R3", "2022", "年终效能奖"), &json!("495.62"));
}

#[test]
fn parameters_can_change() {
    // 季度效能奖月额 800: O2's bonus 800 × 3 = 2400.00.
    // 月报单位扣分 40 with no summaries: O = 100 − 3 × 40 → clamped to 0, and
    // so O1's bonus is 0.00 although not withheld.
    let params = Params {
        quarterly_bonus_monthly: Decimal::from(800),
        ..Params::default()
    };
    let rows = evaluate_with(&base_case().to_string(), &params).expect("evaluates");
    assert_eq!(get(&rows, "O2", "2022-Q1", "季度效能奖"), &json!("2400.00"));

    let mut case = base_case();
    case.as_object_mut().expect("case").remove("月度小结");
    let params = Params {
        summary_unit_deduction: Decimal::from(40),
        ..Params::default()
    };
    let rows = evaluate_with(&case.to_string(), &params).expect("evaluates");
    assert_eq!(get(&rows, "O", "2022-Q1", "单位效能分"), &json!("0"));
    assert_eq!(get(&rows, "O1", "2022-Q1", "季度效能奖"), &json!("0.00"));
    assert_eq!(get(&rows, "O1", "2022-Q1", "季度效能奖扣发"), &json!(false));
}

#[test]
fn rows_are_ordered_and_rendered_as_specified() {
    let rows = run(&base_case());
    // 8 局 rows, 20 per ordinary unit (3), 20 per person (8).
    assert_eq!(rows.len(), 8 + 3 * 20 + 8 * 20);
    let jsonl = to_jsonl(&rows);
    let first = jsonl.lines().next().expect("a line");
    assert_eq!(
        first,
        r#"{"entity":"局","id":"测试局","period":"2022","name":"税收完成率","value":"101.94"}"#
    );
    let unit_first = &rows[8];
    assert_eq!(
        (
            unit_first.id.as_str(),
            unit_first.period.as_str(),
            unit_first.name.as_str()
        ),
        ("R", "2022-Q1", "单位效能分")
    );
    let person_first = &rows[8 + 60];
    assert_eq!(
        (person_first.id.as_str(), person_first.name.as_str()),
        ("A1", "个人考核分")
    );
    assert!(!jsonl.contains("\"L\""), "the 局领导班子 has no unit rows");
    assert_eq!(jsonl, to_jsonl(&run(&base_case())), "same bytes every time");
}

// ---------------------------------------------------------------------------
// The generator.

#[test]
fn generator_is_deterministic() {
    let a = generate(300, 42);
    assert_eq!(a, generate(300, 42));
    assert_ne!(a, generate(300, 43));
    let v: Value = serde_json::from_str(&a).expect("valid JSON");
    assert_eq!(v["干部"].as_array().map(Vec::len), Some(300));
}

#[test]
fn generated_bureaus_evaluate() {
    for staff in [50, 500, 5_000] {
        let case = generate(staff, 7);
        let v: Value = serde_json::from_str(&case).expect("valid JSON");
        let units = v["单位"].as_array().expect("单位");
        let kinds: std::collections::BTreeSet<&str> =
            units.iter().filter_map(|u| u["类型"].as_str()).collect();
        assert_eq!(kinds.len(), 7, "{staff}: every 类型 present: {kinds:?}");
        let events = v["事件"].as_array().expect("事件");
        let rows = evaluate(&case).unwrap_or_else(|e| panic!("{staff}: {e}"));
        assert_eq!(rows.len(), 8 + (units.len() - 1) * 20 + staff * 20);
        let text = to_jsonl(&rows);
        for defect in DEFECTS {
            assert!(text.contains(defect), "{staff}: some {defect}");
        }
        for kind in [
            "通报批评",
            "上级考核扣分",
            "治庸问责",
            "党纪政纪处分",
            "法律制裁",
        ] {
            assert!(
                events.iter().any(|e| e["类型"] == kind),
                "{staff}: some {kind}"
            );
        }
    }
}
