//! The figures of `shared/spec/bureau-rules.md`, worked out by hand, against
//! `policies/efficiency.kaohe` through the library (`check_text`,
//! `load_case_text`, `Evaluator::outputs`).
//!
//! Every test builds a small case from a standard bureau and says in a
//! comment how the spec gives the figure. The standard bureau (see
//! [`Bureau::standard`]), unless a test changes it:
//!
//! - U0 局领导班子, head L1; U1 其他, head H1, 分管领导 L2;
//! - L1 局领导 90, L2 局领导 95, H1 科室负责人 90, A1 一般干部 80,
//!   A2 一般干部 70 (自评分, every quarter), so U1 never distributes equally;
//! - every month of every unit but the 局领导班子 has a good summary, filed on
//!   the 1st of the next month, unless the test gives its own for that month;
//! - grade 良好 (年终人平 200), revenue exactly on target, no events.
//!
//! So with nothing happening U1 scores 100 every quarter, and a person's
//! quarterly bonus is 600 × 3 × 100/100 × 自评分/100: H1 1620.00, A1 1440.00.

use kaohe::diagnostic::SourceMap;
use kaohe::eval::engine::Evaluator;
use kaohe::eval::results::push_json_value;
use kaohe::render::render_all;
use kaohe::session::{check_text, load_case_text};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

const POLICY_NAME: &str = "policies/efficiency.kaohe";

fn policy_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/efficiency.kaohe");
    std::fs::read_to_string(path).expect("read policies/efficiency.kaohe")
}

/// Every data item any unit may have to report (四㈡), so the standard
/// summaries are complete whatever the unit's type.
const ALL_ITEMS: [&str; 23] = [
    "收入计划",
    "收入完成",
    "组织收入措施",
    "税源管理",
    "户籍巡查",
    "重点税收分户完成",
    "减免税户数",
    "新办税务登记户数",
    "房地产评估纳税户数",
    "房地产评估税款",
    "办税服务车下乡",
    "咨询答复",
    "党组织建设",
    "税收宣传",
    "业务学习",
    "信访维稳",
    "城乡统筹互联共建",
    "机关作风督办督查",
    "党风廉政建设",
    "日常稽查",
    "专项稽查",
    "专案稽查",
    "查补税款",
];

fn all_items() -> Json {
    Json::Object(
        ALL_ITEMS
            .iter()
            .map(|k| (k.to_string(), json!("有")))
            .collect(),
    )
}

fn unit(id: &str, ty: &str, head: &str, leader: Option<&str>) -> Json {
    let mut u = json!({"编号": id, "名称": id, "类型": ty, "负责人": head});
    if let Some(l) = leader {
        u["分管领导"] = json!(l);
    }
    u
}

fn person(id: &str, unit: &str, rank: &str, scores: [Json; 4]) -> Json {
    let [a, b, c, d] = scores;
    json!({"编号": id, "姓名": id, "单位": unit, "职务": rank,
           "自评分": {"1": a, "2": b, "3": c, "4": d}})
}

fn same(score: Json) -> [Json; 4] {
    [score.clone(), score.clone(), score.clone(), score]
}

fn event(id: &str, kind: &str, who: &str, date: &str) -> Json {
    json!({"编号": id, "类型": kind, "当事人": who, "日期": date})
}

/// A good summary of `unit` for month `m` of 2022, filed on the 1st of the next month.
fn good_summary(unit: &str, m: u32) -> Json {
    let filed = if m == 12 {
        "2023-01-01".to_string()
    } else {
        format!("2022-{:02}-01", m + 1)
    };
    json!({"单位": unit, "月份": format!("2022-{m:02}"), "报送日期": filed,
           "任务": ["完成本月工作"], "内容": "按计划完成。", "数据": all_items()})
}

struct Bureau {
    grade: &'static str,
    tax: Json,
    budget: Json,
    units: Vec<Json>,
    staff: Vec<Json>,
    summaries: Vec<Json>,
    events: Vec<Json>,
}

impl Bureau {
    fn standard() -> Bureau {
        Bureau {
            grade: "良好",
            tax: json!("1494000000"),
            budget: json!("1416000000"),
            units: vec![
                unit("U0", "局领导班子", "L1", None),
                unit("U1", "其他", "H1", Some("L2")),
            ],
            staff: vec![
                person("L1", "U0", "局领导", same(json!(90))),
                person("L2", "U0", "局领导", same(json!(95))),
                person("H1", "U1", "科室负责人", same(json!(90))),
                person("A1", "U1", "一般干部", same(json!(80))),
                person("A2", "U1", "一般干部", same(json!(70))),
            ],
            summaries: Vec::new(),
            events: Vec::new(),
        }
    }

    fn event(mut self, e: Json) -> Bureau {
        self.events.push(e);
        self
    }

    /// A summary of the test's own; the standard one for that unit and month is dropped.
    fn summary(mut self, s: Json) -> Bureau {
        self.summaries.push(s);
        self
    }

    /// No summary at all for this unit and month.
    fn missing(self, unit: &str, m: u32) -> Bureau {
        self.summary(json!({"missing": unit, "月份": format!("2022-{m:02}")}))
    }

    fn unit_mut(&mut self, id: &str) -> &mut Json {
        self.units
            .iter_mut()
            .find(|u| u["编号"] == id)
            .unwrap_or_else(|| panic!("no unit {id}"))
    }

    fn person_mut(&mut self, id: &str) -> &mut Json {
        self.staff
            .iter_mut()
            .find(|u| u["编号"] == id)
            .unwrap_or_else(|| panic!("no person {id}"))
    }

    fn case(&self) -> Json {
        let mut summaries: Vec<Json> = Vec::new();
        for u in &self.units {
            if u["类型"] == "局领导班子" {
                continue;
            }
            for m in 1..=12 {
                let month = format!("2022-{m:02}");
                let own = self.summaries.iter().any(|s| {
                    (s["单位"] == u["编号"] || s["missing"] == u["编号"]) && s["月份"] == month
                });
                if !own {
                    summaries.push(good_summary(u["编号"].as_str().unwrap_or_default(), m));
                }
            }
        }
        summaries.extend(
            self.summaries
                .iter()
                .filter(|s| s.get("missing").is_none())
                .cloned(),
        );
        json!({
            "年度": 2022,
            "局": {"名称": "测试局", "年度等次": self.grade,
                   "税收收入": self.tax, "一般预算收入": self.budget},
            "单位": self.units,
            "干部": self.staff,
            "月度小结": summaries,
            "事件": self.events,
        })
    }

    fn run(&self) -> Out {
        evaluate(&policy_text(), &self.case())
    }

    fn run_with(&self, policy: &str) -> Out {
        evaluate(policy, &self.case())
    }
}

/// The policy with one parameter line replaced (as `--set` would).
fn policy_with(line: &str, replacement: &str) -> String {
    let text = policy_text();
    assert_eq!(text.matches(line).count(), 1, "`{line}` once in the policy");
    text.replace(line, replacement)
}

/// Results keyed by (entity, id, period, name), each value as JSON.
struct Out(BTreeMap<(String, String, String, String), Json>);

impl Out {
    fn value(&self, entity: &str, id: &str, period: &str, name: &str) -> &Json {
        let key = (entity.into(), id.into(), period.into(), name.into());
        self.0
            .get(&key)
            .unwrap_or_else(|| panic!("no row {entity} {id} {period} {name}"))
    }
    /// A number or money as printed.
    fn get(&self, entity: &str, id: &str, period: &str, name: &str) -> &str {
        let v = self.value(entity, id, period, name);
        v.as_str()
            .unwrap_or_else(|| panic!("{entity} {id} {period} {name} = {v}"))
    }
    fn person(&self, id: &str, period: &str, name: &str) -> &str {
        self.get("干部", id, period, name)
    }
    fn unit(&self, id: &str, period: &str, name: &str) -> &str {
        self.get("单位", id, period, name)
    }
    fn flag(&self, entity: &str, id: &str, period: &str, name: &str) -> bool {
        let v = self.value(entity, id, period, name);
        v.as_bool()
            .unwrap_or_else(|| panic!("{entity} {id} {period} {name} = {v}"))
    }
    fn problems(&self, unit: &str, month: &str) -> Vec<String> {
        let v = self.value("单位", unit, month, "月报问题");
        v.as_array()
            .unwrap_or_else(|| panic!("月报问题 {v}"))
            .iter()
            .map(|x| x.as_str().unwrap_or_default().to_string())
            .collect()
    }
    fn has(&self, entity: &str, id: &str, period: &str, name: &str) -> bool {
        self.0
            .contains_key(&(entity.into(), id.into(), period.into(), name.into()))
    }
}

fn evaluate(policy: &str, case: &Json) -> Out {
    let policy = policy.to_string();
    let text = serde_json::to_string_pretty(case).expect("case JSON");
    // The binary evaluates on a thread with a deep stack; so do the tests.
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let mut sources = SourceMap::new();
            let checked = match check_text(POLICY_NAME, &policy, &mut sources) {
                Ok(c) => c,
                Err(f) => panic!("{}", render_all(&f.diagnostics, &sources, false)),
            };
            let prog = &checked.program;
            let loaded = match load_case_text(prog, "case.json", &text, &mut sources) {
                Ok(l) => l,
                Err(f) => panic!("{}\n{text}", render_all(&f.diagnostics, &sources, false)),
            };
            assert!(
                loaded.warnings.is_empty(),
                "{}",
                render_all(&loaded.warnings, &sources, false)
            );
            let case = &loaded.case;
            let mut ev = Evaluator::new(prog, case);
            let rows = match ev.outputs() {
                Ok(r) => r,
                Err(d) => panic!("{}", render_all(&[*d], &sources, false)),
            };
            let mut out = BTreeMap::new();
            for r in &rows {
                let mut v = String::new();
                push_json_value(&mut v, prog, case, r.ty(prog), &r.value);
                let key = (
                    r.entity_name(prog).to_string(),
                    r.id(case).to_string(),
                    r.period_text(),
                    r.name(prog).to_string(),
                );
                let v: Json = serde_json::from_str(&v).expect("a JSON value");
                assert!(out.insert(key.clone(), v).is_none(), "{key:?} twice");
            }
            Out(out)
        })
        .expect("spawn")
        .join()
        .unwrap_or_else(|p| std::panic::resume_unwind(p))
}

const Q1: &str = "2022-Q1";
const Q2: &str = "2022-Q2";
const Q3: &str = "2022-Q3";
const Q4: &str = "2022-Q4";
const YEAR: &str = "2022";

// ───────────────────────────── the standard bureau itself

#[test]
fn nothing_happens_in_the_standard_bureau() {
    let out = Bureau::standard().run();
    for q in [Q1, Q2, Q3, Q4] {
        assert_eq!(out.unit("U1", q, "单位效能分"), "100");
        assert!(!out.flag("单位", "U1", q, "平均发放"));
        // 600 × 3 × 100/100 × 90/100 = 1620.00; A1 1800 × 0.80 = 1440.00.
        assert_eq!(out.person("H1", q, "季度效能奖"), "1620.00");
        assert_eq!(out.person("A1", q, "季度效能奖"), "1440.00");
        // L2 leads U1: 单位系数分 100; L1 leads nothing: the mean of all (U1) = 100.
        assert_eq!(out.person("L2", q, "单位系数分"), "100");
        assert_eq!(out.person("L1", q, "单位系数分"), "100");
    }
    for m in 1..=12 {
        assert!(out.problems("U1", &format!("2022-{m:02}")).is_empty());
    }
    // 年度考核分 H1 = 90 × 4 = 360; pool 200 × 5 = 1000.00.
    assert_eq!(out.person("H1", YEAR, "年度考核分"), "360");
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "1000.00");
    // The 局领导班子 has no unit rows.
    assert!(!out.has("单位", "U0", Q1, "单位效能分"));
    assert!(!out.has("单位", "U0", Q1, "平均发放"));
    assert!(!out.has("单位", "U0", "2022-01", "月报问题"));
}

// ───────────────────────────── §3.2 events

#[test]
fn criticism_costs_the_leader_5() {
    // 通报批评 of A1 on 2022-02-10 (Q1): L = L2 loses 分管领导通报扣分 5: 95 − 5 = 90.
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "A1", "2022-02-10"))
        .run();
    assert_eq!(out.person("L2", Q1, "个人考核分"), "90");
    assert_eq!(out.person("L2", Q2, "个人考核分"), "95");
    assert_eq!(
        out.person("L1", Q1, "个人考核分"),
        "90",
        "L1 leads no unit: untouched"
    );
}

#[test]
fn criticism_costs_the_head_10() {
    // H = H1 loses 负责人通报扣分 10 in Q1: 90 − 10 = 80; bonus 1800 × 1 × 0.80 = 1440.00.
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "A1", "2022-02-10"))
        .run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "80");
    assert_eq!(out.person("H1", Q1, "季度效能奖"), "1440.00");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "90");
    // The unit's score is not touched by events.
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "100");
}

#[test]
fn criticism_withholds_the_bonus_of_its_quarter_only() {
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "A1", "2022-02-10"))
        .run();
    // A1's own score is not reduced (the deductions land on L and H), but the
    // Q1 bonus is withheld: 0.00; Q2 is paid: 1800 × 0.80 = 1440.00.
    assert_eq!(out.person("A1", Q1, "个人考核分"), "80");
    assert!(out.flag("干部", "A1", Q1, "季度效能奖扣发"));
    assert_eq!(out.person("A1", Q1, "季度效能奖"), "0.00");
    assert!(!out.flag("干部", "A1", Q2, "季度效能奖扣发"));
    assert_eq!(out.person("A1", Q2, "季度效能奖"), "1440.00");
    // 季度效能奖总额 Q1: L1 1800 × 0.90 = 1620, L2 (95 − 5) 1620, H1 (90 − 10) 1440,
    // A1 0, A2 1800 × 0.70 = 1260: 1620 + 1620 + 1440 + 0 + 1260 = 5940.00.
    assert_eq!(out.get("局", "测试局", Q1, "季度效能奖总额"), "5940.00");
}

#[test]
fn criticism_loses_eligibility_but_not_the_year_end_bonus() {
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "A1", "2022-02-10"))
        .run();
    assert!(!out.flag("干部", "A1", YEAR, "评先评优资格"));
    assert!(out.flag("干部", "H1", YEAR, "评先评优资格"));
    // Still in the pool: 200 × 5 = 1000.00, and A1 has a share.
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "1000.00");
    assert_ne!(out.person("A1", YEAR, "年终效能奖"), "0.00");
}

#[test]
fn superior_deduction_with_non_ability_factor() {
    // 上级考核扣分 with 非能力因素 true, A1, 2022-05-05 (Q2): H1 loses 5 (90 − 5 = 85),
    // A1's Q2 bonus withheld, eligibility lost, L2 untouched.
    let mut e = event("E1", "上级考核扣分", "A1", "2022-05-05");
    e["非能力因素"] = json!(true);
    let out = Bureau::standard().event(e).run();
    assert_eq!(out.person("H1", Q2, "个人考核分"), "85");
    assert_eq!(out.person("L2", Q2, "个人考核分"), "95");
    assert_eq!(out.person("A1", Q2, "季度效能奖"), "0.00");
    assert_eq!(out.person("A1", Q1, "季度效能奖"), "1440.00");
    assert!(!out.flag("干部", "A1", YEAR, "评先评优资格"));
    assert_ne!(out.person("A1", YEAR, "年终效能奖"), "0.00");
}

#[test]
fn superior_deduction_without_non_ability_factor_does_nothing() {
    // 非能力因素 false, and the key left out (default false): nothing at all.
    let mut e = event("E1", "上级考核扣分", "A1", "2022-05-05");
    e["非能力因素"] = json!(false);
    let without_key = event("E2", "上级考核扣分", "A2", "2022-05-06");
    let out = Bureau::standard().event(e).event(without_key).run();
    let plain = Bureau::standard().run();
    assert_eq!(out.0, plain.0, "the same results as with no event");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "90");
    assert_eq!(out.person("A1", Q2, "季度效能奖"), "1440.00");
    assert!(out.flag("干部", "A1", YEAR, "评先评优资格"));
}

#[test]
fn accountability_costs_the_head_10() {
    // 治庸问责 of A2 on 2022-08-01 (Q3): H1 −10 → 80, A2's Q3 bonus withheld,
    // eligibility lost; no 分管领导 deduction (L2 stays 95).
    let out = Bureau::standard()
        .event(event("E1", "治庸问责", "A2", "2022-08-01"))
        .run();
    assert_eq!(out.person("H1", Q3, "个人考核分"), "80");
    assert_eq!(out.person("L2", Q3, "个人考核分"), "95");
    assert_eq!(out.person("A2", Q3, "季度效能奖"), "0.00");
    assert_eq!(out.person("A2", Q4, "季度效能奖"), "1260.00");
    assert!(!out.flag("干部", "A2", YEAR, "评先评优资格"));
}

#[test]
fn discipline_withholds_quarter_and_year_end_and_shrinks_the_pool() {
    // 党纪政纪处分 of A1 on 2022-11-03 (Q4): no deductions; A1's Q4 bonus and
    // year-end bonus withheld, eligibility lost; 4 eligible: pool 200 × 4 = 800.00.
    let out = Bureau::standard()
        .event(event("E1", "党纪政纪处分", "A1", "2022-11-03"))
        .run();
    assert_eq!(out.person("H1", Q4, "个人考核分"), "90");
    assert_eq!(out.person("L2", Q4, "个人考核分"), "95");
    assert_eq!(out.person("A1", Q4, "季度效能奖"), "0.00");
    assert_eq!(out.person("A1", Q3, "季度效能奖"), "1440.00");
    assert_eq!(out.person("A1", YEAR, "年终效能奖"), "0.00");
    assert!(!out.flag("干部", "A1", YEAR, "评先评优资格"));
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "800.00");
    // The four eligible share 800.00 (F = 80000 fen) by 年度考核分 L1 360, L2 380,
    // H1 360, A2 280 (W = 1380):
    //   L1: 80000 × 360 = 28800000 = 20869 × 1380 + 780
    //   L2: 80000 × 380 = 30400000 = 22028 × 1380 + 1360
    //   H1: as L1, 20869 r 780;  A2: 80000 × 280 = 22400000 = 16231 × 1380 + 1220
    // Floors 20869 + 22028 + 20869 + 16231 = 79997: 3 fen to L2 (1360), A2 (1220)
    // and, of L1 and H1 tied at 780, H1 ("H1" < "L1").
    assert_eq!(out.person("L1", YEAR, "年终效能奖"), "208.69");
    assert_eq!(out.person("L2", YEAR, "年终效能奖"), "220.29");
    assert_eq!(out.person("H1", YEAR, "年终效能奖"), "208.70");
    assert_eq!(out.person("A2", YEAR, "年终效能奖"), "162.32");
}

#[test]
fn legal_sanction_is_like_discipline() {
    // 法律制裁 of H1 on 2022-01-20 (Q1): H1's Q1 bonus and year-end withheld; no
    // deductions (H1 is the head, but a 法律制裁 costs no points).
    let out = Bureau::standard()
        .event(event("E1", "法律制裁", "H1", "2022-01-20"))
        .run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "90");
    assert_eq!(out.person("H1", Q1, "季度效能奖"), "0.00");
    assert_eq!(out.person("H1", Q2, "季度效能奖"), "1620.00");
    assert_eq!(out.person("H1", YEAR, "年终效能奖"), "0.00");
    assert!(!out.flag("干部", "H1", YEAR, "评先评优资格"));
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "800.00");
}

#[test]
fn the_year_end_pool_loses_one_share_per_sanctioned_person() {
    // Two 处分 of the same person still remove one person: 200 × 4 = 800.00;
    // a 处分 of another makes 200 × 3 = 600.00.
    let out = Bureau::standard()
        .event(event("E1", "党纪政纪处分", "A1", "2022-03-03"))
        .event(event("E2", "法律制裁", "A1", "2022-09-03"))
        .run();
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "800.00");
    let out = Bureau::standard()
        .event(event("E1", "党纪政纪处分", "A1", "2022-03-03"))
        .event(event("E2", "法律制裁", "A2", "2022-09-03"))
        .run();
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "600.00");
}

#[test]
fn a_head_criticised_for_their_own_work() {
    // 通报批评 of H1 (U1's head) on 2022-04-15 (Q2): H = H1 loses 10 (90 − 10 =
    // 80) and H1's own Q2 bonus is withheld; L2 loses 5.
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "H1", "2022-04-15"))
        .run();
    assert_eq!(out.person("H1", Q2, "个人考核分"), "80");
    assert_eq!(out.person("H1", Q2, "季度效能奖"), "0.00");
    assert_eq!(out.person("L2", Q2, "个人考核分"), "90");
    assert!(!out.flag("干部", "H1", YEAR, "评先评优资格"));
}

#[test]
fn absent_leader_drops_the_leaders_deduction() {
    // U1 without 分管领导: 通报批评 of A1 costs H1 10 and nobody 5. L2 now leads
    // no unit: both leaders keep their 自评分, and take the mean over all units.
    let mut b = Bureau::standard().event(event("E1", "通报批评", "A1", "2022-02-10"));
    b.unit_mut("U1")
        .as_object_mut()
        .map(|o| o.remove("分管领导"));
    let out = b.run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "80");
    assert_eq!(out.person("L2", Q1, "个人考核分"), "95");
    assert_eq!(out.person("L1", Q1, "个人考核分"), "90");
    assert_eq!(out.person("A1", Q1, "季度效能奖"), "0.00");
    // A null 分管领导 is the same as none.
    let mut b = Bureau::standard().event(event("E1", "通报批评", "A1", "2022-02-10"));
    b.unit_mut("U1")["分管领导"] = Json::Null;
    assert_eq!(b.run().0, out.0);
}

#[test]
fn a_leader_criticised_costs_the_leadership_head() {
    // 通报批评 of L2 (in the 局领导班子, head L1, no 分管领导): L1 −10 → 80,
    // L2's bonus withheld, nobody loses 5.
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "L2", "2022-06-30"))
        .run();
    assert_eq!(out.person("L1", Q2, "个人考核分"), "80");
    assert_eq!(out.person("L2", Q2, "个人考核分"), "95");
    assert_eq!(out.person("L2", Q2, "季度效能奖"), "0.00");
}

#[test]
fn each_event_counts_on_its_own() {
    // Two 通报批评 of A1 in Q1: H1 90 − 10 − 10 = 70, L2 95 − 5 − 5 = 85; and a
    // 治庸问责 of A2 in Q1 too: H1 70 − 10 = 60.
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "A1", "2022-01-10"))
        .event(event("E2", "通报批评", "A1", "2022-03-31"))
        .event(event("E3", "治庸问责", "A2", "2022-02-01"))
        .run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "60");
    assert_eq!(out.person("L2", Q1, "个人考核分"), "85");
    // H1's bonus: 1800 × 1 × 0.60 = 1080.00.
    assert_eq!(out.person("H1", Q1, "季度效能奖"), "1080.00");
}

#[test]
fn events_belong_to_the_quarter_of_their_date() {
    // 2022-03-31 is Q1, 2022-04-01 Q2, 2022-12-31 Q4.
    let out = Bureau::standard()
        .event(event("E1", "治庸问责", "A1", "2022-03-31"))
        .event(event("E2", "治庸问责", "A1", "2022-04-01"))
        .event(event("E3", "治庸问责", "A1", "2022-12-31"))
        .run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "80");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "80");
    assert_eq!(out.person("H1", Q3, "个人考核分"), "90");
    assert_eq!(out.person("H1", Q4, "个人考核分"), "80");
}

#[test]
fn a_personal_score_clamps_at_0() {
    // H1 with 自评分 5 in Q1 and a 通报批评 of A1: 5 − 10 = −5 → 0; bonus 0.00.
    let mut b = Bureau::standard().event(event("E1", "通报批评", "A1", "2022-02-10"));
    b.person_mut("H1")["自评分"]["1"] = json!(5);
    let out = b.run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "0");
    assert_eq!(out.person("H1", Q1, "季度效能奖"), "0.00");
    // 年度考核分 = 0 + 90 + 90 + 90 = 270.
    assert_eq!(out.person("H1", YEAR, "年度考核分"), "270");
}

// ───────────────────────────── §3.1 monthly summaries

fn summary(unit: &str, month: &str, filed: Option<&str>) -> Json {
    let mut s = json!({"单位": unit, "月份": month, "任务": ["完成本月工作"],
                       "内容": "按计划完成。", "数据": all_items()});
    if let Some(f) = filed {
        s["报送日期"] = json!(f);
    }
    s
}

#[test]
fn a_missing_summary_is_late_and_only_late() {
    // No summary for 2022-03: [不及时报送] only; U1 100 − 2 = 98 in Q1, H1 90 − 2 = 88.
    let out = Bureau::standard().missing("U1", 3).run();
    assert_eq!(out.problems("U1", "2022-03"), ["不及时报送"]);
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "98");
    assert_eq!(out.person("H1", Q1, "个人考核分"), "88");
    assert_eq!(out.person("A1", Q1, "个人考核分"), "80");
    // H1's bonus: 1800 × 0.98 × 0.88 = 1552.32; A1's 1800 × 0.98 × 0.80 = 1411.20.
    assert_eq!(out.person("H1", Q1, "季度效能奖"), "1552.32");
    assert_eq!(out.person("A1", Q1, "季度效能奖"), "1411.20");
}

#[test]
fn no_filing_date_is_late() {
    let absent = Bureau::standard()
        .summary(summary("U1", "2022-05", None))
        .run();
    assert_eq!(absent.problems("U1", "2022-05"), ["不及时报送"]);
    let mut s = summary("U1", "2022-05", None);
    s["报送日期"] = Json::Null;
    let null = Bureau::standard().summary(s).run();
    assert_eq!(null.problems("U1", "2022-05"), ["不及时报送"]);
    assert_eq!(null.unit("U1", Q2, "单位效能分"), "98");
}

#[test]
fn filed_on_the_third_is_on_time_on_the_fourth_late() {
    // January's summary is due by February 3 inclusive (月报截止日 3).
    let on_time = Bureau::standard()
        .summary(summary("U1", "2022-01", Some("2022-02-03")))
        .run();
    assert!(on_time.problems("U1", "2022-01").is_empty());
    assert_eq!(on_time.unit("U1", Q1, "单位效能分"), "100");
    let late = Bureau::standard()
        .summary(summary("U1", "2022-01", Some("2022-02-04")))
        .run();
    assert_eq!(late.problems("U1", "2022-01"), ["不及时报送"]);
    assert_eq!(late.unit("U1", Q1, "单位效能分"), "98");
    // Filed early, within its own month, is fine.
    let early = Bureau::standard()
        .summary(summary("U1", "2022-01", Some("2022-01-31")))
        .run();
    assert!(early.problems("U1", "2022-01").is_empty());
    // February's is due March 3 (not "30 days later").
    let feb = Bureau::standard()
        .summary(summary("U1", "2022-02", Some("2022-03-04")))
        .run();
    assert_eq!(feb.problems("U1", "2022-02"), ["不及时报送"]);
}

#[test]
fn december_is_due_on_january_3_of_the_next_year() {
    let on_time = Bureau::standard()
        .summary(summary("U1", "2022-12", Some("2023-01-03")))
        .run();
    assert!(on_time.problems("U1", "2022-12").is_empty());
    let late = Bureau::standard()
        .summary(summary("U1", "2022-12", Some("2023-01-04")))
        .run();
    assert_eq!(late.problems("U1", "2022-12"), ["不及时报送"]);
    assert_eq!(late.unit("U1", Q4, "单位效能分"), "98");
}

#[test]
fn blank_tasks() {
    // 任务 absent, empty, or only blank strings ("　" is U+3000) → 无明确任务.
    let blank_lists = [json!([]), json!(["　"]), json!([" ", "", "\t"]), Json::Null];
    for tasks in blank_lists {
        let mut s = summary("U1", "2022-07", Some("2022-08-01"));
        s["任务"] = tasks.clone();
        let out = Bureau::standard().summary(s).run();
        assert_eq!(
            out.problems("U1", "2022-07"),
            ["无明确任务"],
            "任务 {tasks}"
        );
        assert_eq!(out.unit("U1", Q3, "单位效能分"), "98");
    }
    let mut s = summary("U1", "2022-07", Some("2022-08-01"));
    s.as_object_mut().map(|o| o.remove("任务"));
    assert_eq!(
        Bureau::standard()
            .summary(s)
            .run()
            .problems("U1", "2022-07"),
        ["无明确任务"]
    );
    // One real task among blank ones is enough.
    let mut s = summary("U1", "2022-07", Some("2022-08-01"));
    s["任务"] = json!(["　", "征收"]);
    assert!(
        Bureau::standard()
            .summary(s)
            .run()
            .problems("U1", "2022-07")
            .is_empty()
    );
}

#[test]
fn blank_content() {
    // 内容 absent, null, empty or only white space (U+3000 included) → 无具体内容.
    for content in [json!(""), json!("　"), json!(" \t\n　"), Json::Null] {
        let mut s = summary("U1", "2022-10", Some("2022-11-01"));
        s["内容"] = content.clone();
        let out = Bureau::standard().summary(s).run();
        assert_eq!(
            out.problems("U1", "2022-10"),
            ["无具体内容"],
            "内容 {content}"
        );
    }
    let mut s = summary("U1", "2022-10", Some("2022-11-01"));
    s.as_object_mut().map(|o| o.remove("内容"));
    assert_eq!(
        Bureau::standard()
            .summary(s)
            .run()
            .problems("U1", "2022-10"),
        ["无具体内容"]
    );
}

/// The standard bureau with U1 a 收入科室 with a 收入任务 (met exactly: 100 a quarter).
fn revenue_bureau() -> Bureau {
    let mut b = Bureau::standard();
    let u = b.unit_mut("U1");
    u["类型"] = json!("收入科室");
    u["收入任务"] = json!("400");
    u["收入完成"] = json!({"1": "100", "2": "100", "3": "100", "4": "100"});
    b
}

fn with_data(unit: &str, month: &str, data: Json) -> Json {
    let mut s = summary(unit, month, Some("2022-09-01"));
    s["数据"] = data;
    s
}

#[test]
fn missing_null_or_blank_required_data() {
    // U1 (收入科室 with a 收入任务) must report 收入计划, 收入完成, 组织收入措施,
    // 税源管理, 户籍巡查. Each way of lacking 收入计划 → 无具体数据.
    let full = json!({"收入计划": 100, "收入完成": "100", "组织收入措施": "有",
                      "税源管理": "有", "户籍巡查": "有"});
    let out = revenue_bureau()
        .summary(with_data("U1", "2022-08", full.clone()))
        .run();
    assert!(
        out.problems("U1", "2022-08").is_empty(),
        "exactly the required items"
    );
    for lack in [None, Some(Json::Null), Some(json!("")), Some(json!("　"))] {
        let mut data = full.clone();
        match &lack {
            None => {
                data.as_object_mut().map(|o| o.remove("收入计划"));
            }
            Some(v) => data["收入计划"] = v.clone(),
        }
        let out = revenue_bureau()
            .summary(with_data("U1", "2022-08", data))
            .run();
        assert_eq!(
            out.problems("U1", "2022-08"),
            ["无具体数据"],
            "收入计划 {lack:?}"
        );
        assert_eq!(out.unit("U1", Q3, "单位效能分"), "98");
    }
}

#[test]
fn zero_counts_as_present() {
    let data = json!({"收入计划": 0, "收入完成": "0", "组织收入措施": 0.0,
                      "税源管理": "有", "户籍巡查": "有"});
    let out = revenue_bureau()
        .summary(with_data("U1", "2022-08", data))
        .run();
    assert!(out.problems("U1", "2022-08").is_empty());
}

#[test]
fn required_items_are_the_union() {
    // A 税费服务科 with a 收入任务 owes its seven items and the five revenue items.
    let service = [
        "重点税收分户完成",
        "减免税户数",
        "新办税务登记户数",
        "房地产评估纳税户数",
        "房地产评估税款",
        "办税服务车下乡",
        "咨询答复",
    ];
    let revenue = [
        "收入计划",
        "收入完成",
        "组织收入措施",
        "税源管理",
        "户籍巡查",
    ];
    let bureau = || {
        let mut b = revenue_bureau();
        b.unit_mut("U1")["类型"] = json!("税费服务科");
        b
    };
    let data = |skip: &str| {
        Json::Object(
            service
                .iter()
                .chain(&revenue)
                .filter(|k| **k != skip)
                .map(|k| (k.to_string(), json!(1)))
                .collect(),
        )
    };
    let out = bureau().summary(with_data("U1", "2022-08", data(""))).run();
    assert!(out.problems("U1", "2022-08").is_empty(), "all twelve items");
    for skip in ["户籍巡查", "咨询答复"] {
        let out = bureau()
            .summary(with_data("U1", "2022-08", data(skip)))
            .run();
        assert_eq!(
            out.problems("U1", "2022-08"),
            ["无具体数据"],
            "without {skip}"
        );
    }
    // Without a 收入任务, the revenue items are not owed.
    let mut b = Bureau::standard();
    b.unit_mut("U1")["类型"] = json!("税费服务科");
    let only_service = Json::Object(service.iter().map(|k| (k.to_string(), json!(1))).collect());
    let out = b.summary(with_data("U1", "2022-08", only_service)).run();
    assert!(out.problems("U1", "2022-08").is_empty());
}

#[test]
fn a_task_of_zero_or_less_still_owes_the_revenue_items() {
    // 收入任务 ≤ 0 gives no 收入扣分 but counts as a revenue task for 四㈡.
    let mut b = revenue_bureau();
    b.unit_mut("U1")["收入任务"] = json!("0");
    let out = b
        .summary(with_data("U1", "2022-08", json!({"收入计划": 1})))
        .run();
    assert_eq!(out.problems("U1", "2022-08"), ["无具体数据"]);
}

#[test]
fn one_defective_summary_is_one_matter() {
    // All four defects in one summary: listed in §3.1's order, but it costs the
    // unit 2 once (98) and H1 2 once (88).
    let s = json!({"单位": "U1", "月份": "2022-04", "报送日期": "2022-05-20",
                   "任务": ["　"], "内容": "", "数据": {}});
    let mut b = revenue_bureau();
    b.summaries.push(s);
    let out = b.run();
    assert_eq!(
        out.problems("U1", "2022-04"),
        ["不及时报送", "无明确任务", "无具体内容", "无具体数据"]
    );
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "98");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "88");
}

#[test]
fn two_defective_summaries_in_a_quarter_cost_twice() {
    // 2022-04 and 2022-06 missing: U1 100 − 2 × 2 = 96, H1 90 − 4 = 86.
    let out = Bureau::standard().missing("U1", 4).missing("U1", 6).run();
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "96");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "86");
}

#[test]
fn the_submitter_pays_too() {
    // A late summary filed by A1 (not the head): U1 −2, H1 −2, A1 −2 (80 − 2 = 78).
    let mut s = summary("U1", "2022-02", Some("2022-03-10"));
    s["报送人"] = json!("A1");
    let out = Bureau::standard().summary(s).run();
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "98");
    assert_eq!(out.person("H1", Q1, "个人考核分"), "88");
    assert_eq!(out.person("A1", Q1, "个人考核分"), "78");
    assert_eq!(out.person("A2", Q1, "个人考核分"), "70");
    // A submitter from another unit pays as well (L2, in the 局领导班子): 95 − 2 = 93.
    let mut s = summary("U1", "2022-02", Some("2022-03-10"));
    s["报送人"] = json!("L2");
    let out = Bureau::standard().summary(s).run();
    assert_eq!(out.person("L2", Q1, "个人考核分"), "93");
    // A submitter of a good summary pays nothing.
    let mut s = summary("U1", "2022-02", Some("2022-03-01"));
    s["报送人"] = json!("A1");
    let out = Bureau::standard().summary(s).run();
    assert_eq!(out.person("A1", Q1, "个人考核分"), "80");
}

#[test]
fn the_head_as_submitter_pays_once() {
    let mut s = summary("U1", "2022-02", Some("2022-03-10"));
    s["报送人"] = json!("H1");
    let out = Bureau::standard().summary(s).run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "88");
}

#[test]
fn summaries_of_the_leadership_are_ignored() {
    // A defective summary of the 局领导班子 costs nothing and has no rows; its
    // missing months do not count either.
    let s = json!({"单位": "U0", "月份": "2022-01", "任务": [], "内容": ""});
    let out = Bureau::standard().summary(s).run();
    assert!(!out.has("单位", "U0", "2022-01", "月报问题"));
    assert_eq!(out.person("L1", Q1, "个人考核分"), "90");
}

// ───────────────────────────── §3.3 equal distribution

#[test]
fn three_members_with_the_same_score_distribute_equally() {
    // Q2: H1, A1, A2 all 90 (written 90, "90.00", 90.0): U1 −5 → 95, H1 −5 → 85;
    // A1 and A2 keep 90. A1's bonus: 1800 × 0.95 × 0.90 = 1539.00.
    let mut b = Bureau::standard();
    b.person_mut("A1")["自评分"]["2"] = json!("90.00");
    b.person_mut("A2")["自评分"]["2"] = json!(90.0);
    let out = b.run();
    assert!(out.flag("单位", "U1", Q2, "平均发放"));
    assert!(!out.flag("单位", "U1", Q1, "平均发放"));
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "95");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "85");
    assert_eq!(out.person("A1", Q2, "个人考核分"), "90");
    assert_eq!(out.person("A1", Q2, "季度效能奖"), "1539.00");
    // L2 leads U1: 单位系数分 95 too.
    assert_eq!(out.person("L2", Q2, "单位系数分"), "95");
}

#[test]
fn two_members_with_the_same_score_do_not() {
    let mut b = Bureau::standard();
    b.staff.retain(|p| p["编号"] != "A2");
    b.person_mut("A1")["自评分"]["2"] = json!(90);
    let out = b.run();
    assert!(!out.flag("单位", "U1", Q2, "平均发放"));
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "100");
    assert_eq!(out.person("H1", Q2, "个人考核分"), "90");
}

#[test]
fn the_leadership_never_distributes_equally() {
    // Three 局领导 with the same score: the 局领导班子 is not assessed.
    let mut b = Bureau::standard();
    b.person_mut("L2")["自评分"] = json!({"1": 90, "2": 90, "3": 90, "4": 90});
    b.staff.push(person("L3", "U0", "局领导", same(json!(90))));
    let out = b.run();
    assert!(!out.has("单位", "U0", Q1, "平均发放"));
    assert_eq!(out.person("L1", Q1, "个人考核分"), "90");
}

// ───────────────────────────── §3.4 revenue

fn revenue(actual: [&str; 4]) -> Bureau {
    let mut b = revenue_bureau();
    b.unit_mut("U1")["收入完成"] =
        json!({"1": actual[0], "2": actual[1], "3": actual[2], "4": actual[3]});
    b
}

#[test]
fn revenue_shortfall_is_floored() {
    // T = 400; Q4: C = 400 × 4/4 = 400, A = 100 + 100 + 100 + 41 = 341,
    // s = 59 / 400 × 100 = 14.75 → ⌊14.75⌋ × 1 = 14: U1 100 − 14 = 86.
    let out = revenue(["100", "100", "100", "41"]).run();
    assert_eq!(out.unit("U1", Q4, "单位效能分"), "86");
    assert_eq!(out.unit("U1", Q3, "单位效能分"), "100");
    // H1's bonus in Q4: 1800 × 0.86 × 0.90 = 1393.20.
    assert_eq!(out.person("H1", Q4, "季度效能奖"), "1393.20");
}

#[test]
fn revenue_deduction_is_capped_at_20() {
    // Q1: C = 100, A = 65, s = 35 → min(20, 35) = 20: U1 80.
    // Q2: C = 200, A = 65 + 135 = 200: caught up, 0 → 100.
    let out = revenue(["65", "135", "100", "100"]).run();
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "80");
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "100");
}

#[test]
fn revenue_is_cumulative() {
    // Q1: C = 100, A = 90: s = 10 → −10 (90). Q2: C = 200, A = 190: s = 5 → −5 (95).
    // Q3: C = 300, A = 299.99: s = 0.00333… → 0 (100). Q4: C = 400, A = 500: 0.
    let out = revenue(["90", "100", "109.99", "200.01"]).run();
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "90");
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "95");
    assert_eq!(out.unit("U1", Q3, "单位效能分"), "100");
    assert_eq!(out.unit("U1", Q4, "单位效能分"), "100");
}

#[test]
fn revenue_task_of_zero_or_less_gives_no_deduction() {
    // T = 0 or −100 with nothing collected: no 收入扣分 (only T > 0 counts).
    for task in ["0", "-100"] {
        let mut b = revenue(["0", "0", "0", "0"]);
        b.unit_mut("U1")["收入任务"] = json!(task);
        let out = b.run();
        for q in [Q1, Q2, Q3, Q4] {
            assert_eq!(out.unit("U1", q, "单位效能分"), "100", "收入任务 {task}");
        }
    }
}

#[test]
fn a_unit_score_clamps_at_0() {
    // With 月报单位扣分 50: three missing summaries in Q1 → 100 − 150 → 0.
    let policy = policy_with("param 月报单位扣分 = 2分", "param 月报单位扣分 = 50分");
    let out = Bureau::standard()
        .missing("U1", 1)
        .missing("U1", 2)
        .missing("U1", 3)
        .run_with(&policy);
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "0");
    assert_eq!(out.person("A1", Q1, "季度效能奖"), "0.00");
    assert_eq!(out.unit("U1", Q2, "单位效能分"), "100");
}

// ───────────────────────────── §3.5, §3.6 unit factor and bonus

/// U0 (L1, L2) and eight units U1…U8 led by L2, each with one member (its
/// head H1…H8, 自评分 90); U1…U7 fall 1% short of revenue in Q1 (T = 100,
/// Q1 actual 24.75: C = 25, s = 0.25 / 25 × 100 = 1 → −1): 99; U8 100.
fn eight_units() -> Bureau {
    let mut b = Bureau::standard();
    b.units.truncate(1);
    b.staff.truncate(2);
    for i in 1..=8 {
        let (u, h) = (format!("U{i}"), format!("H{i}"));
        let mut x = unit(&u, "收入科室", &h, Some("L2"));
        x["收入任务"] = json!("100");
        let q1 = if i <= 7 { "24.75" } else { "25" };
        x["收入完成"] = json!({"1": q1, "2": "25", "3": "25", "4": "25"});
        b.units.push(x);
        b.staff.push(person(&h, &u, "科室负责人", same(json!(90))));
    }
    b
}

#[test]
fn a_leaders_unit_factor_is_the_mean_rounded_half_away_from_zero() {
    // L2 leads U1…U8: (7 × 99 + 100) / 8 = 793 / 8 = 99.125 → 99.13 (half away
    // from zero; half-even or truncation would give 99.12).
    let out = eight_units().run();
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "99");
    assert_eq!(out.unit("U8", Q1, "单位效能分"), "100");
    assert_eq!(out.person("L2", Q1, "单位系数分"), "99.13");
    // L2's bonus: 600 × 3 × 99.13/100 × 95/100 = 1784.34 × 0.95 = 1695.123 → 1695.12.
    assert_eq!(out.person("L2", Q1, "季度效能奖"), "1695.12");
    // In Q2 every unit has 100.
    assert_eq!(out.person("L2", Q2, "单位系数分"), "100");
}

#[test]
fn a_leader_who_leads_no_unit_takes_the_mean_of_all() {
    // L1 leads nothing: the mean over all eight, 99.125 → 99.13 as well.
    let out = eight_units().run();
    assert_eq!(out.person("L1", Q1, "单位系数分"), "99.13");
    // In the standard bureau with U1 at 94 (three missing summaries) and a
    // second unit U2 (其他, led by L2, head A2) at 100: L1 = (94 + 100) / 2 = 97,
    // L2 leads U1 and U2: 97 too; a leader of U1 alone would have 94.
    let mut b = Bureau::standard()
        .missing("U1", 1)
        .missing("U1", 2)
        .missing("U1", 3);
    b.units.push(unit("U2", "其他", "A2", Some("L2")));
    b.person_mut("A2")["单位"] = json!("U2");
    let out = b.run();
    assert_eq!(out.unit("U1", Q1, "单位效能分"), "94");
    assert_eq!(out.unit("U2", Q1, "单位效能分"), "100");
    assert_eq!(out.person("L1", Q1, "单位系数分"), "97");
    assert_eq!(out.person("L2", Q1, "单位系数分"), "97");
    b.unit_mut("U2")["分管领导"] = json!("L1");
    let out = b.run();
    assert_eq!(out.person("L2", Q1, "单位系数分"), "94");
    assert_eq!(out.person("L1", Q1, "单位系数分"), "100");
}

#[test]
fn a_member_takes_the_unscaled_unit_score() {
    // Staff outside the 局领导班子 take their unit's 单位效能分 (U1 = 99 in eight_units).
    let out = eight_units().run();
    assert_eq!(out.person("H1", Q1, "单位系数分"), "99");
    assert_eq!(out.person("H8", Q1, "单位系数分"), "100");
}

#[test]
fn quarterly_bonus_rounds_half_away_from_zero() {
    // H1 in eight_units with 自评分 80.75 in Q1: 单位系数分 99.
    // 600 × 3 × 99/100 × 80.75/100 = 1782 × 0.8075 = 1438.965 → 1438.97
    // (half away from zero; half-even would give 1438.96).
    let mut b = eight_units();
    b.person_mut("H1")["自评分"]["1"] = json!("80.75");
    let out = b.run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "80.75");
    assert_eq!(out.person("H1", Q1, "季度效能奖"), "1438.97");
    // H8 (unit 100) with 80.75: 1800 × 0.8075 = 1453.50 exactly.
    let mut b = eight_units();
    b.person_mut("H8")["自评分"]["1"] = json!(80.75);
    assert_eq!(b.run().person("H8", Q1, "季度效能奖"), "1453.50");
}

#[test]
fn quarterly_bonus_with_two_fractional_scores() {
    // L2 in Q1 of eight_units with 自评分 33.33: 1800 × 0.9913 × 0.3333
    // = 1784.34 × 0.3333 = 594.720522 → 594.72 (only the end result is rounded).
    let mut b = eight_units();
    b.person_mut("L2")["自评分"]["1"] = json!("33.33");
    assert_eq!(b.run().person("L2", Q1, "季度效能奖"), "594.72");
}

#[test]
fn bonus_total_is_the_sum() {
    // Q1 of the standard bureau: L1 1620 + L2 1710 + H1 1620 + A1 1440 + A2 1260 = 7650.00.
    let out = Bureau::standard().run();
    assert_eq!(out.person("L2", Q1, "季度效能奖"), "1710.00");
    assert_eq!(out.get("局", "测试局", Q1, "季度效能奖总额"), "7650.00");
}

// ───────────────────────────── §3.7 year-end

#[test]
fn year_end_score_is_the_sum_of_four_quarters() {
    // H1: 91.5 + 92.25 + 0 (clamped: 5 − 10) + 90 = 273.75.
    let mut b = Bureau::standard().event(event("E1", "通报批评", "A1", "2022-08-10"));
    b.person_mut("H1")["自评分"] = json!({"1": 91.5, "2": "92.25", "3": 5, "4": 90});
    let out = b.run();
    assert_eq!(out.person("H1", YEAR, "年度考核分"), "273.75");
}

/// S1 (head of U1, also head of the empty 局领导班子) scores 75 a quarter (300);
/// S9, S11, S10 (listed in that order) score 311 each with different quarters.
fn tie_bureau() -> Bureau {
    let mut b = Bureau::standard();
    b.grade = "优秀";
    b.units = vec![
        unit("U0", "局领导班子", "S1", None),
        unit("U1", "其他", "S1", None),
    ];
    b.staff = vec![
        person("S1", "U1", "科室负责人", same(json!(75))),
        person(
            "S9",
            "U1",
            "一般干部",
            [json!(78), json!(78), json!(78), json!(77)],
        ),
        person(
            "S11",
            "U1",
            "一般干部",
            [json!(77), json!(78), json!(78), json!(78)],
        ),
        person(
            "S10",
            "U1",
            "一般干部",
            [json!(78), json!(77), json!(78), json!(78)],
        ),
    ];
    b
}

#[test]
fn year_end_largest_remainder_ties_go_to_the_smaller_id_by_code_point() {
    // Pool 300 × 4 = 1200.00: F = 120000 fen. W_i = 100 × 年度考核分:
    // S1 30000, S9/S10/S11 31100 each; W = 123300.
    // S1: 120000 × 30000 = 3600000000 = 29197 × 123300 + 9900 → 29197 fen, r 9900.
    // Sx: 120000 × 31100 = 3732000000 = 30267 × 123300 + 78900 → 30267, r 78900.
    // Floors: 29197 + 3 × 30267 = 119998, so k = 2 fen go to the largest
    // remainders, tied at 78900 among S9, S10, S11: by code point "S10" < "S11"
    // < "S9" (not list order, not numeric order): S10 and S11 302.68, S9 302.67.
    let out = tie_bureau().run();
    assert_eq!(out.person("S1", YEAR, "年度考核分"), "300");
    assert_eq!(out.person("S9", YEAR, "年度考核分"), "311");
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "1200.00");
    assert_eq!(out.person("S1", YEAR, "年终效能奖"), "291.97");
    assert_eq!(out.person("S10", YEAR, "年终效能奖"), "302.68");
    assert_eq!(out.person("S11", YEAR, "年终效能奖"), "302.68");
    assert_eq!(out.person("S9", YEAR, "年终效能奖"), "302.67");
    // 291.97 + 302.68 + 302.68 + 302.67 = 1200.00: the pool is conserved.
}

#[test]
fn year_end_with_all_scores_zero_is_shared_equally() {
    // Everybody eligible scores 0 all year: W_i = 1 for everyone. Grade
    // 最佳服务单位: pool 500 × 4 = 2000.00 → 500.00 each. S9's 法律制裁 takes
    // S9 (with a non-zero score) out of the pool: 4 eligible, not 5.
    let mut b = tie_bureau().event(event("E1", "法律制裁", "S9", "2022-06-01"));
    b.grade = "最佳服务单位";
    for p in ["S1", "S10", "S11"] {
        b.person_mut(p)["自评分"] = json!({"1": 0, "2": "0.00", "3": "0", "4": 0.0});
    }
    b.staff.push(person("S2", "U0", "一般干部", same(json!(0))));
    let out = b.run();
    assert_eq!(out.get("局", "测试局", YEAR, "年终效能奖总额"), "2000.00");
    for p in ["S1", "S2", "S10", "S11"] {
        assert_eq!(out.person(p, YEAR, "年终效能奖"), "500.00", "{p}");
    }
    assert_eq!(out.person("S9", YEAR, "年终效能奖"), "0.00");
}

#[test]
fn year_end_shares_in_proportion() {
    // Standard bureau, grade 良好: pool 200 × 5 = 1000.00, F = 100000 fen.
    // 年度考核分: L1 360, L2 380, H1 360, A1 320, A2 280; W = 1700 (× 100).
    // L1: 100000 × 360 / 1700 = 21176.47… → 21176, r 800 (of 1700)
    // L2: 100000 × 380 / 1700 = 22352.94… → 22352, r 1600
    // H1: 21176, r 800; A1: 18823.52… → 18823, r 900; A2: 16470.58… → 16470, r 1000.
    // Floors: 21176 + 22352 + 21176 + 18823 + 16470 = 99997: 3 fen to the largest
    // remainders L2 (1600), A2 (1000), A1 (900).
    let out = Bureau::standard().run();
    assert_eq!(out.person("L1", YEAR, "年终效能奖"), "211.76");
    assert_eq!(out.person("L2", YEAR, "年终效能奖"), "223.53");
    assert_eq!(out.person("H1", YEAR, "年终效能奖"), "211.76");
    assert_eq!(out.person("A1", YEAR, "年终效能奖"), "188.24");
    assert_eq!(out.person("A2", YEAR, "年终效能奖"), "164.71");
}

#[test]
fn year_end_pool_by_grade() {
    // 年终人平: 最佳服务单位 500, 优秀 300, 良好 200, 一般 0, 较差 0 (× 5 eligible).
    for (grade, pool, award) in [
        ("最佳服务单位", "2500.00", "20000.00"),
        ("优秀", "1500.00", "0.00"),
        ("良好", "1000.00", "0.00"),
        ("一般", "0.00", "0.00"),
        ("较差", "0.00", "0.00"),
    ] {
        let mut b = Bureau::standard();
        b.grade = grade;
        let out = b.run();
        assert_eq!(
            out.get("局", "测试局", YEAR, "年终效能奖总额"),
            pool,
            "{grade}"
        );
        // 最佳服务单位奖励 (2万) is paid only for the grade 最佳服务单位.
        assert_eq!(
            out.get("局", "测试局", YEAR, "最佳服务单位奖励"),
            award,
            "{grade}"
        );
        if pool == "0.00" {
            assert_eq!(out.person("L2", YEAR, "年终效能奖"), "0.00");
        }
    }
}

#[test]
fn eligibility_is_lost_by_the_listed_events_only() {
    let mut yes = event("E3", "上级考核扣分", "L1", "2022-05-01");
    yes["非能力因素"] = json!(true);
    let mut no = event("E4", "上级考核扣分", "L2", "2022-05-01");
    no["非能力因素"] = json!(false);
    let out = Bureau::standard()
        .event(event("E1", "通报批评", "A1", "2022-01-05"))
        .event(event("E2", "治庸问责", "A2", "2022-01-05"))
        .event(yes)
        .event(no)
        .event(event("E5", "党纪政纪处分", "H1", "2022-01-05"))
        .run();
    for (p, eligible) in [
        ("A1", false),
        ("A2", false),
        ("L1", false),
        ("L2", true),
        ("H1", false),
    ] {
        assert_eq!(out.flag("干部", p, YEAR, "评先评优资格"), eligible, "{p}");
    }
}

#[test]
fn deposit_by_rank() {
    // 保证金: 局领导 1000, 科室负责人 800, 一般干部 600.
    let out = Bureau::standard().run();
    assert_eq!(out.person("L1", YEAR, "保证金"), "1000.00");
    assert_eq!(out.person("H1", YEAR, "保证金"), "800.00");
    assert_eq!(out.person("A1", YEAR, "保证金"), "600.00");
}

#[test]
fn completion_rates_round_half_away_from_zero() {
    // 税收完成率 = 税收收入 / 14.94亿 × 100: 1494074700 / 1494000000 × 100 =
    // 100.005 → 100.01 (half-even would give 100.00).
    // 一般预算完成率: 1403610000 / 1416000000 × 100 = 99.125 → 99.13.
    let mut b = Bureau::standard();
    b.tax = json!("1494074700");
    b.budget = json!(1403610000);
    let out = b.run();
    assert_eq!(out.get("局", "测试局", YEAR, "税收完成率"), "100.01");
    assert_eq!(out.get("局", "测试局", YEAR, "一般预算完成率"), "99.13");
    // The sample bureau's: 1523000000 / 1494000000 × 100 = 101.9410… → 101.94.
    b.tax = json!("1523000000.00");
    b.budget = json!("0");
    let out = b.run();
    assert_eq!(out.get("局", "测试局", YEAR, "税收完成率"), "101.94");
    assert_eq!(out.get("局", "测试局", YEAR, "一般预算完成率"), "0");
}

#[test]
fn numbers_are_read_exactly() {
    // 自评分 "90.10" and 90.1 are the same score; money strings keep every digit.
    let mut b = Bureau::standard();
    b.person_mut("A1")["自评分"] = json!({"1": "90.10", "2": 90.1, "3": "8.01e1", "4": 80});
    let out = b.run();
    let score = |q| rust_decimal::Decimal::from_str_exact(out.person("A1", q, "个人考核分"));
    assert_eq!(score(Q1), score(Q2));
    assert_eq!(score(Q3), rust_decimal::Decimal::from_str_exact("80.1"));
    // 1800 × 0.901 = 1621.80 exactly (a float would give 1621.8000000000002).
    assert_eq!(out.person("A1", Q1, "季度效能奖"), "1621.80");
}

#[test]
fn discipline_keeps_eligibility_when_the_parameter_says_so() {
    // 处分取消评优 false: a 党纪政纪处分 still withholds the bonuses (三㈢3) but
    // no longer ends 评先评优资格.
    let policy = policy_with("param 处分取消评优 = true", "param 处分取消评优 = false");
    let out = Bureau::standard()
        .event(event("E1", "党纪政纪处分", "A1", "2022-11-03"))
        .run_with(&policy);
    assert!(out.flag("干部", "A1", YEAR, "评先评优资格"));
    assert_eq!(out.person("A1", Q4, "季度效能奖"), "0.00");
    assert_eq!(out.person("A1", YEAR, "年终效能奖"), "0.00");
}

#[test]
fn one_person_holding_both_roles_loses_both() {
    // H1 is U1's head and its 分管领导: a 通报批评 of A1 costs H1 5 + 10: 90 − 15 = 75.
    let mut b = Bureau::standard().event(event("E1", "通报批评", "A1", "2022-02-10"));
    b.unit_mut("U1")["分管领导"] = json!("H1");
    let out = b.run();
    assert_eq!(out.person("H1", Q1, "个人考核分"), "75");
    assert_eq!(out.person("L2", Q1, "个人考核分"), "95");
}
