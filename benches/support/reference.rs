//! Reference oracle: a plain, hand-written native implementation of the bureau's assessment rules (spec `bureau-rules.md` §3), producing the result rows of §4; also the hand-written native baseline of the speed benchmark.
//!
//! It reads a case JSON document (spec §2), assumes the case is valid (it does
//! not do the loader's validation, but it returns `Err` rather than panic on
//! anything it cannot make sense of), and returns one [`Row`] per result value
//! in a stable order: 局, then 单位 and 干部 in case order; within a record, the
//! names in the order of the §4 table, each name's periods chronologically.
//! Every number is read from its JSON text into a `Decimal`; nothing goes
//! through binary floating point. It is written for speed as well as clarity
//! (records are indexed by position, units' members, leaders' units and
//! per-person deductions are built in one pass each), since it doubles as
//! the native baseline of the benchmark.
//!
//! # Judgement calls (places where the spec could be read two ways)
//!
//! 1. **Percent format.** 税收完成率 and 一般预算完成率 are rounded to 2 decimals
//!    (half away from zero) and then printed like every other non-money number,
//!    with trailing zeros removed ("101.94", "100"); only money is printed with
//!    exactly 2 decimals. Rows are compared by value, so "100" equals "100.00".
//! 2. **Equal distribution compares values, not texts.** 自评分 `90`, `90.0` and
//!    `"90.00"` are the same score, so a unit whose members wrote them in mixed
//!    forms still distributes equally (§2: numbers and strings are read as
//!    decimals).
//! 3. **Members of a unit** are the 干部 whose 单位 names it. A 负责人 who belongs
//!    to another unit is not counted among its members for 平均发放 (§2 allows
//!    such a 负责人); a unit with no members never distributes equally.
//! 4. **Summaries of the 局领导班子** are ignored entirely: they cost nobody
//!    anything and produce no rows (§2 "checked like any others but otherwise
//!    ignored", §4 "no 月报问题 rows").
//! 5. **Who pays for a defective summary.** The 负责人 of the *summary's* unit and
//!    its 报送人 (whatever unit the 报送人 belongs to) each lose 月报个人扣分 in the
//!    quarter of the summary's 月份, not of its 报送日期. A missing summary has no
//!    报送人, so only the unit and its 负责人 pay. When 报送人 is the 负责人 they pay
//!    once.
//! 6. **Lateness** compares 报送日期 with day 月报截止日 of the month after 月份
//!    (December's falls in January of the next year); a date before that day,
//!    however early, is on time. Should 月报截止日 exceed the length of that
//!    month (never with the default 3), the deadline is the month's last day.
//! 7. **Blank** is tested with Rust's `char::is_whitespace`, which is exactly
//!    Unicode White_Space (U+3000 included). In 数据, a value is missing when the
//!    key is absent, the value is `null`, or it is a blank string; any number
//!    (0 included) or any other JSON value counts as present. A 数据 that is
//!    absent or not an object has every required item missing; a unit with no
//!    required items (类型 其他 without a 收入任务) never has 无具体数据.
//! 8. **任务** is defective when absent, `null`, not an array, empty, or made only
//!    of blank strings; any non-blank string in it makes it fine (non-string
//!    elements are ignored).
//! 9. **Revenue.** A 收入任务 ≤ 0 gives no deduction (§2) but still adds the
//!    revenue items to the unit's required 数据 items. ⌊s⌋ is computed exactly:
//!    the decimal quotient is checked against the undivided numbers, so a
//!    rounding in the 28th digit can never move ⌊s⌋. A missing 收入完成 quarter
//!    (which validation would reject) counts as 0. A 收入任务 on the 局领导班子 is
//!    ignored (it has no 单位效能分).
//! 10. **单位系数分 of the 局领导班子's members.** Every member of the 局领导班子 (even
//!     one whose 职务 is not 局领导) takes the mean rule. The mean is over the
//!     units other than the 局领导班子 whose 分管领导 is the person; when there are
//!     none, over all units other than the 局领导班子. It is rounded to 2
//!     decimals once, and the rounded value is what the bonus uses. A 分管领导
//!     who is not a member of the 局领导班子 (§2 allows it) takes the score of
//!     their own unit like anyone else.
//! 11. **Events on the 局领导班子's members.** H and L are those of the 局领导班子
//!     itself: H is its 负责人 (for example the 局长, who may be the 当事人 and
//!     then pays as H), L its 分管领导, normally absent, so that deduction is
//!     dropped. 非能力因素 absent or `null` is false.
//! 12. **Withheld bonus** is printed as "0.00" while 个人考核分 and 单位系数分 are
//!     still computed and printed for that quarter; 季度效能奖扣发 is true.
//! 13. **Eligibility for the year-end bonus** depends only on 党纪政纪处分 and
//!     法律制裁 (§3.7); 处分取消评优 only decides whether those also cost
//!     评先评优资格.
//! 14. **Year-end allocation.** The weights W_i are 100 × 年度考核分 as the spec
//!     says; should a score carry more than 2 decimals (not possible with valid
//!     data and the default whole-point deductions) all weights are scaled by
//!     the same larger power of ten, which changes neither the shares nor the
//!     order of the remainders. The pool is 年终人平 × (eligible count), taken
//!     to the fen. 年终效能奖总额 is that pool, which equals the sum of the
//!     shares because the allocation conserves it. With no eligible person the
//!     pool is 0.
//! 15. **季度效能奖总额** sums the already rounded personal bonuses of everyone,
//!     the 局领导班子 included.
//! 16. **Scores** 个人考核分, 单位效能分 and 单位系数分 are printed without trailing
//!     zeros; a clamped negative value prints as "0" (never "-0").
//! 17. **Rates** are computed as 收入 × 100 / 目标 with 28-digit decimal division
//!     and then rounded once, half away from zero.
//! 18. **Ties among equal weights.** When every eligible 年度考核分 is 0, W_i = 1
//!     for all, the remainders are all equal and any fen left over goes by
//!     编号 (with the default parameters none is left: the pool is 年终人平 ×
//!     the number of people sharing it).
//! 19. **Invalid input** that a loader would reject is handled leniently where
//!     harmless (a second summary for the same unit and month replaces the
//!     first; a missing 自评分 quarter counts as 0) and refused with `Err`
//!     where a reference cannot be resolved (an unknown 编号, 类型 or date).

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Map, Value};

/// One result value (spec §4).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// "局", "单位" or "干部".
    pub entity: String,
    /// The record's 编号; for 局 the bureau's 名称.
    pub id: String,
    /// "2022", "2022-Q1" or "2022-01".
    pub period: String,
    /// The value's name, e.g. "季度效能奖".
    pub name: String,
    /// A decimal string, a bool or an array of defect names.
    pub value: Value,
}

/// The policy parameters of spec §1. `Default` gives the spec's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// 税收目标 (一㈠), 元.
    pub tax_target: Decimal,
    /// 一般预算目标 (一㈠), 元.
    pub budget_target: Decimal,
    /// 季度效能奖月额 (四㈢), 元 a month.
    pub quarterly_bonus_monthly: Decimal,
    /// 月报截止日 (三㈡): day of the following month, inclusive.
    pub summary_due_day: u32,
    /// 分管领导通报扣分 (三㈢3①).
    pub leader_criticism_deduction: Decimal,
    /// 负责人通报扣分 (三㈢3①).
    pub head_criticism_deduction: Decimal,
    /// 负责人上级考核扣分 (三㈢3②).
    pub head_review_deduction: Decimal,
    /// 负责人问责扣分 (三㈢3③).
    pub head_accountability_deduction: Decimal,
    /// 月报个人扣分 (三㈡, assumption).
    pub summary_person_deduction: Decimal,
    /// 月报单位扣分 (三㈡, assumption).
    pub summary_unit_deduction: Decimal,
    /// 收入扣分每百分点 (二㈠, assumption).
    pub revenue_deduction_per_point: Decimal,
    /// 收入扣分上限 (二㈠, assumption).
    pub revenue_deduction_cap: Decimal,
    /// 平均发放最少人数 (四㈢, assumption).
    pub equal_min_members: usize,
    /// 平均发放单位扣分 (四㈢, assumption).
    pub equal_unit_deduction: Decimal,
    /// 平均发放负责人扣分 (四㈢, assumption).
    pub equal_head_deduction: Decimal,
    /// 最佳服务单位奖励 (三㈢2), 元.
    pub best_unit_award: Decimal,
    /// 年终人平 by 年度等次, in the order of [`GRADES`], 元 a person.
    pub year_end_per_capita: [Decimal; 5],
    /// 保证金 by 职务, in the order of [`RANKS`], 元.
    pub deposit: [Decimal; 3],
    /// 处分取消评优: a 党纪政纪处分 or 法律制裁 also ends 评先评优资格.
    pub sanction_revokes_eligibility: bool,
}

/// The five 年度等次, in the order used by [`Params::year_end_per_capita`].
pub const GRADES: [&str; 5] = ["最佳服务单位", "优秀", "良好", "一般", "较差"];
/// The three 职务, in the order used by [`Params::deposit`].
pub const RANKS: [&str; 3] = ["局领导", "科室负责人", "一般干部"];
/// The defect names of spec §3.1, in the order they are reported.
pub const DEFECTS: [&str; 4] = ["不及时报送", "无明确任务", "无具体内容", "无具体数据"];

fn dec(n: i64) -> Decimal {
    Decimal::from(n)
}

impl Default for Params {
    fn default() -> Self {
        Params {
            tax_target: dec(1_494_000_000),
            budget_target: dec(1_416_000_000),
            quarterly_bonus_monthly: dec(600),
            summary_due_day: 3,
            leader_criticism_deduction: dec(5),
            head_criticism_deduction: dec(10),
            head_review_deduction: dec(5),
            head_accountability_deduction: dec(10),
            summary_person_deduction: dec(2),
            summary_unit_deduction: dec(2),
            revenue_deduction_per_point: dec(1),
            revenue_deduction_cap: dec(20),
            equal_min_members: 3,
            equal_unit_deduction: dec(5),
            equal_head_deduction: dec(5),
            best_unit_award: dec(20_000),
            year_end_per_capita: [dec(500), dec(300), dec(200), dec(0), dec(0)],
            deposit: [dec(1000), dec(800), dec(600)],
            sanction_revokes_eligibility: true,
        }
    }
}

/// Evaluates a case with the default parameters.
pub fn evaluate(case_json: &str) -> Result<Vec<Row>, String> {
    evaluate_with(case_json, &Params::default())
}

/// Evaluates a case with the given parameters.
pub fn evaluate_with(case_json: &str, params: &Params) -> Result<Vec<Row>, String> {
    let case: Value =
        serde_json::from_str(case_json).map_err(|e| format!("case is not JSON: {e}"))?;
    evaluate_value(&case, params)
}

/// Renders rows as JSON lines: one compact object per row, keys in the order
/// entity, id, period, name, value.
pub fn to_jsonl(rows: &[Row]) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(rows.len() * 96);
    for row in rows {
        // Writing into a Vec cannot fail, and serde_json escapes exactly as
        // it would in a Value's Display.
        let field = |out: &mut Vec<u8>, key: &[u8], text: &str| {
            out.extend_from_slice(key);
            let _ = serde_json::to_writer(&mut *out, text);
        };
        field(&mut out, b"{\"entity\":", &row.entity);
        field(&mut out, b",\"id\":", &row.id);
        field(&mut out, b",\"period\":", &row.period);
        field(&mut out, b",\"name\":", &row.name);
        out.extend_from_slice(b",\"value\":");
        let _ = serde_json::to_writer(&mut out, &row.value);
        out.extend_from_slice(b"}\n");
    }
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

// ---------------------------------------------------------------------------
// The case, as read from JSON.

#[derive(Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    Revenue,
    Service,
    Office,
    Inspection,
    Audit,
    Leadership,
    Other,
}

impl UnitKind {
    fn parse(s: &str) -> Option<UnitKind> {
        Some(match s {
            "收入科室" => UnitKind::Revenue,
            "税费服务科" => UnitKind::Service,
            "办公室" => UnitKind::Office,
            "监察考评科" => UnitKind::Inspection,
            "稽查局" => UnitKind::Audit,
            "局领导班子" => UnitKind::Leadership,
            "其他" => UnitKind::Other,
            _ => return None,
        })
    }
}

const REVENUE_ITEMS: &[&str] = &[
    "收入计划",
    "收入完成",
    "组织收入措施",
    "税源管理",
    "户籍巡查",
];
const SERVICE_ITEMS: &[&str] = &[
    "重点税收分户完成",
    "减免税户数",
    "新办税务登记户数",
    "房地产评估纳税户数",
    "房地产评估税款",
    "办税服务车下乡",
    "咨询答复",
];
const OFFICE_ITEMS: &[&str] = &[
    "党组织建设",
    "税收宣传",
    "业务学习",
    "信访维稳",
    "城乡统筹互联共建",
];
const INSPECTION_ITEMS: &[&str] = &["机关作风督办督查", "党风廉政建设"];
const AUDIT_ITEMS: &[&str] = &["日常稽查", "专项稽查", "专案稽查", "查补税款"];

struct Unit<'a> {
    id: &'a str,
    kind: UnitKind,
    head: usize,
    leader: Option<usize>,
    /// 收入任务 and the four 收入完成, when the unit has a revenue task.
    revenue: Option<(Decimal, [Decimal; 4])>,
}

impl Unit<'_> {
    /// The 数据 items this unit must report every month (四㈡), a union.
    fn required_items(&self) -> Vec<&'static str> {
        let mut items = Vec::new();
        if self.revenue.is_some() {
            items.extend_from_slice(REVENUE_ITEMS);
        }
        items.extend_from_slice(match self.kind {
            UnitKind::Service => SERVICE_ITEMS,
            UnitKind::Office => OFFICE_ITEMS,
            UnitKind::Inspection => INSPECTION_ITEMS,
            UnitKind::Audit => AUDIT_ITEMS,
            _ => &[],
        });
        items
    }
}

struct Person<'a> {
    id: &'a str,
    unit: usize,
    rank: usize,
    self_score: [Decimal; 4],
}

/// Where a value sits in the case (`干部[3].自评分`), for error messages. It is
/// only formatted when something is wrong, so the happy path allocates nothing.
#[derive(Clone, Copy)]
struct At<'a> {
    list: &'a str,
    index: Option<usize>,
    key: &'a str,
}

impl<'a> At<'a> {
    fn top(list: &'a str) -> Self {
        At {
            list,
            index: None,
            key: "",
        }
    }

    fn record(list: &'a str, index: usize) -> Self {
        At {
            list,
            index: Some(index),
            key: "",
        }
    }

    fn key(self, key: &'a str) -> Self {
        At { key, ..self }
    }
}

impl std::fmt::Display for At<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.list)?;
        if let Some(i) = self.index {
            write!(f, "[{i}]")?;
        }
        if !self.key.is_empty() {
            write!(f, ".{}", self.key)?;
        }
        Ok(())
    }
}

/// A field that is absent or `null` is the same thing (spec §2).
fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

fn req_str<'a>(obj: &'a Map<String, Value>, key: &str, at: At) -> Result<&'a str, String> {
    match field(obj, key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(format!("{at}.{key}: expected a string")),
        None => Err(format!("{at}.{key}: missing")),
    }
}

fn as_object<'a>(v: &'a Value, at: At) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{at}: expected an object"))
}

/// A list that may be absent (`null` or missing means empty).
fn list<'a>(obj: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match field(obj, key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{key}: expected an array")),
    }
}

/// Reads a number or numeric string exactly, from its JSON text.
fn read_decimal(v: &Value, at: At) -> Result<Decimal, String> {
    let exact = |text: &str| {
        Decimal::from_str_exact(text)
            .or_else(|_| Decimal::from_scientific(text))
            .map_err(|e| format!("{at}: bad number {text:?}: {e}"))
    };
    match v {
        // A JSON integer's text is its value; skip the round trip through text.
        Value::Number(n) if n.is_i64() => Ok(Decimal::from(n.as_i64().unwrap_or_default())),
        Value::Number(n) => exact(&n.to_string()),
        Value::String(s) => exact(s),
        _ => Err(format!("{at}: expected a number")),
    }
}

/// Reads the per-quarter map `{"1": …, …, "4": …}`; a missing quarter is 0.
fn read_quarters(v: Option<&Value>, at: At) -> Result<[Decimal; 4], String> {
    const KEYS: [&str; 4] = ["1", "2", "3", "4"];
    let mut out = [Decimal::ZERO; 4];
    let Some(v) = v else { return Ok(out) };
    let obj = as_object(v, at)?;
    for (slot, key) in out.iter_mut().zip(KEYS) {
        if let Some(x) = field(obj, key) {
            *slot = read_decimal(x, at).map_err(|e| format!("{e} (quarter {key})"))?;
        }
    }
    Ok(out)
}

fn parse_date(s: &str, at: At) -> Result<NaiveDate, String> {
    NaiveDate::from_str(s).map_err(|_| format!("{at}: bad date {s:?}"))
}

/// Month number 1..=12 of a `YYYY-MM` string in the case's year.
fn parse_month(s: &str, year: i32, at: At) -> Result<usize, String> {
    let bad = || format!("{at}: bad month {s:?} for year {year}");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: usize = m.parse().map_err(|_| bad())?;
    if y != year || !(1..=12).contains(&m) || s.len() != 7 {
        return Err(bad());
    }
    Ok(m)
}

fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn clamp_score(d: Decimal) -> Decimal {
    d.max(Decimal::ZERO).min(Decimal::ONE_HUNDRED)
}

/// A non-money number: trailing zeros removed, never "-0".
fn num_value(d: Decimal) -> Value {
    if d.is_zero() {
        return Value::String("0".to_owned());
    }
    Value::String(d.normalize().to_string())
}

/// Money: exactly 2 decimals.
fn money_value(d: Decimal) -> Value {
    let mut m = round2(d);
    if m.is_zero() {
        m = Decimal::ZERO;
    }
    m.rescale(2);
    Value::String(m.to_string())
}

/// The deadline for the summary of month `m` (1..=12) of `year`.
fn summary_deadline(year: i32, m: usize, due_day: u32) -> Option<NaiveDate> {
    let (y, mm) = if m == 12 {
        (year + 1, 1)
    } else {
        (year, m as u32 + 1)
    };
    let first = NaiveDate::from_ymd_opt(y, mm, 1)?;
    let last_day = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?
        .day();
    NaiveDate::from_ymd_opt(y, mm, due_day.clamp(1, last_day))
}

/// Bit flags for the defects, bit i for `DEFECTS[i]`.
const LATE: u8 = 1;
const NO_TASK: u8 = 2;
const NO_CONTENT: u8 = 4;
const NO_DATA: u8 = 8;

/// The defects of a summary that was filed.
fn summary_defects(
    s: &Map<String, Value>,
    deadline: Option<NaiveDate>,
    required: &[&str],
    at: At,
) -> Result<u8, String> {
    let mut flags = 0;
    let on_time = match field(s, "报送日期") {
        None => false,
        Some(Value::String(d)) => {
            let date = parse_date(d, at.key("报送日期"))?;
            deadline.is_some_and(|dl| date <= dl)
        }
        Some(_) => return Err(format!("{at}.报送日期: expected a date string")),
    };
    if !on_time {
        flags |= LATE;
    }
    let has_task = match field(s, "任务") {
        Some(Value::Array(tasks)) => tasks
            .iter()
            .any(|t| t.as_str().is_some_and(|t| !is_blank(t))),
        _ => false,
    };
    if !has_task {
        flags |= NO_TASK;
    }
    let has_content = matches!(field(s, "内容"), Some(Value::String(c)) if !is_blank(c));
    if !has_content {
        flags |= NO_CONTENT;
    }
    let data = field(s, "数据").and_then(Value::as_object);
    let item_present = |item: &str| match data.and_then(|d| field(d, item)) {
        None => false,
        Some(Value::String(v)) => !is_blank(v),
        Some(_) => true,
    };
    if !required.iter().all(|item| item_present(item)) {
        flags |= NO_DATA;
    }
    Ok(flags)
}

/// 收入扣分 of a unit for quarter `q` (1..=4), spec §3.4.
fn revenue_deduction(
    task: Decimal,
    actual: &[Decimal; 4],
    q: usize,
    p: &Params,
    unit_id: &str,
) -> Result<Decimal, String> {
    if task <= Decimal::ZERO {
        return Ok(Decimal::ZERO);
    }
    let overflow = || format!("单位 {unit_id}: revenue figures overflow");
    let plan = task
        .checked_mul(dec(q as i64))
        .and_then(|x| x.checked_div(dec(4)))
        .ok_or_else(overflow)?;
    let mut done = Decimal::ZERO;
    for a in &actual[..q] {
        done = done.checked_add(*a).ok_or_else(overflow)?;
    }
    if done >= plan {
        return Ok(Decimal::ZERO);
    }
    // s = (C − A) / C × 100 = num / C.
    let num = plan
        .checked_sub(done)
        .and_then(|x| x.checked_mul(Decimal::ONE_HUNDRED))
        .ok_or_else(overflow)?;
    let s = num.checked_div(plan).ok_or_else(overflow)?;
    let mut points = s.floor();
    // The quotient is rounded in its last digit; settle ⌊s⌋ exactly against
    // the undivided numbers (k ≤ s ⇔ k × C ≤ num, as C > 0).
    let one = Decimal::ONE;
    if (points + one).checked_mul(plan).is_some_and(|x| x <= num) {
        points += one;
    } else if points.checked_mul(plan).is_some_and(|x| x > num) {
        points -= one;
    }
    let deduction = points
        .checked_mul(p.revenue_deduction_per_point)
        .ok_or_else(overflow)?;
    Ok(deduction.min(p.revenue_deduction_cap))
}

/// Shares `pool_fen` among weights to the fen, largest remainder, ties to the
/// smaller id (spec §3.7). Returns fen per entry, in the order given.
fn allocate(pool_fen: i128, weights: &[i128], ids: &[&str]) -> Result<Vec<i128>, String> {
    let n = weights.len();
    if n == 0 {
        return Ok(Vec::new());
    }
    let total: i128 = weights.iter().sum();
    let (weights, total): (Vec<i128>, i128) = if total == 0 {
        (vec![1; n], n as i128)
    } else {
        (weights.to_vec(), total)
    };
    let mut shares = Vec::with_capacity(n);
    let mut remainders = Vec::with_capacity(n);
    let mut given: i128 = 0;
    for &w in &weights {
        let product = pool_fen
            .checked_mul(w)
            .ok_or("year-end allocation overflows")?;
        shares.push(product / total);
        remainders.push(product % total);
        given += product / total;
    }
    let left = (pool_fen - given) as usize;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(ids[a].cmp(ids[b])));
    for &i in order.iter().take(left) {
        shares[i] += 1;
    }
    Ok(shares)
}

/// Per-person consequences of events and summaries, by quarter.
struct Ledger {
    deductions: Vec<[Decimal; 4]>,
    withheld: Vec<[bool; 4]>,
    lost_eligibility: Vec<bool>,
    sanctioned: Vec<bool>,
}

/// Evaluates an already parsed case.
pub fn evaluate_value(case: &Value, p: &Params) -> Result<Vec<Row>, String> {
    let root = as_object(case, At::top("case"))?;
    let year = field(root, "年度")
        .and_then(Value::as_i64)
        .and_then(|y| i32::try_from(y).ok())
        .ok_or("年度: expected an integer")?;
    let bureau_at = At::top("局");
    let bureau = as_object(field(root, "局").ok_or("局: missing")?, bureau_at)?;
    let bureau_name = req_str(bureau, "名称", bureau_at)?;
    let grade_text = req_str(bureau, "年度等次", bureau_at)?;
    let grade = GRADES
        .iter()
        .position(|g| *g == grade_text)
        .ok_or_else(|| format!("局.年度等次: unknown grade {grade_text:?}"))?;
    let bureau_money = |key: &'static str| {
        let v = field(bureau, key).ok_or_else(|| format!("局.{key}: missing"))?;
        read_decimal(v, bureau_at.key(key))
    };
    let tax = bureau_money("税收收入")?;
    let budget = bureau_money("一般预算收入")?;

    // Units' 编号 first, then the persons (who name their unit), then the
    // units (which name persons). The hash maps are only looked up, never
    // iterated, so they cannot leak their order into the output.
    let unit_records = list(root, "单位")?;
    let person_records = list(root, "干部")?;
    let mut unit_index: HashMap<&str, usize> = HashMap::with_capacity(unit_records.len());
    for (i, u) in unit_records.iter().enumerate() {
        let at = At::record("单位", i);
        unit_index.insert(req_str(as_object(u, at)?, "编号", at)?, i);
    }
    let mut persons: Vec<Person> = Vec::with_capacity(person_records.len());
    let mut person_index: HashMap<&str, usize> = HashMap::with_capacity(person_records.len());
    for (i, rec) in person_records.iter().enumerate() {
        let at = At::record("干部", i);
        let obj = as_object(rec, at)?;
        let id = req_str(obj, "编号", at)?;
        let unit_id = req_str(obj, "单位", at)?;
        let unit = *unit_index
            .get(unit_id)
            .ok_or_else(|| format!("{at}.单位: no 单位 with 编号 {unit_id:?}"))?;
        let rank_text = req_str(obj, "职务", at)?;
        let rank = RANKS
            .iter()
            .position(|r| *r == rank_text)
            .ok_or_else(|| format!("{at}.职务: unknown 职务 {rank_text:?}"))?;
        let self_score = read_quarters(field(obj, "自评分"), at.key("自评分"))?;
        person_index.insert(id, i);
        persons.push(Person {
            id,
            unit,
            rank,
            self_score,
        });
    }
    let lookup_person = |id: &str, at: At| {
        person_index
            .get(id)
            .copied()
            .ok_or_else(|| format!("{at}: no 干部 with 编号 {id:?}"))
    };

    let mut units: Vec<Unit> = Vec::with_capacity(unit_records.len());
    for (i, rec) in unit_records.iter().enumerate() {
        let at = At::record("单位", i);
        let obj = as_object(rec, at)?;
        let kind_text = req_str(obj, "类型", at)?;
        let kind = UnitKind::parse(kind_text)
            .ok_or_else(|| format!("{at}.类型: unknown 类型 {kind_text:?}"))?;
        let head = lookup_person(req_str(obj, "负责人", at)?, at.key("负责人"))?;
        let leader = match field(obj, "分管领导") {
            None => None,
            Some(v) => {
                let id = v
                    .as_str()
                    .ok_or_else(|| format!("{at}.分管领导: expected a string"))?;
                Some(lookup_person(id, at.key("分管领导"))?)
            }
        };
        let revenue = match field(obj, "收入任务") {
            None => None,
            Some(v) => Some((
                read_decimal(v, at.key("收入任务"))?,
                read_quarters(field(obj, "收入完成"), at.key("收入完成"))?,
            )),
        };
        units.push(Unit {
            id: req_str(obj, "编号", at)?,
            kind,
            head,
            leader,
            revenue,
        });
    }
    let is_leadership = |u: usize| units[u].kind == UnitKind::Leadership;

    // Indexes that keep every later step linear in the size of the case.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    for (i, person) in persons.iter().enumerate() {
        members[person.unit].push(i);
    }
    let mut led_units: Vec<Vec<usize>> = vec![Vec::new(); persons.len()];
    for (u, unit) in units.iter().enumerate() {
        if let Some(l) = unit.leader
            && !is_leadership(u)
        {
            led_units[l].push(u);
        }
    }

    let mut ledger = Ledger {
        deductions: vec![[Decimal::ZERO; 4]; persons.len()],
        withheld: vec![[false; 4]; persons.len()],
        lost_eligibility: vec![false; persons.len()],
        sanctioned: vec![false; persons.len()],
    };

    // §3.1 Monthly summaries.
    // Each unit's filed summary per month, with its position in the list.
    type Filed<'v> = Option<(&'v Map<String, Value>, usize)>;
    let mut summaries: Vec<[Filed; 12]> = vec![[None; 12]; units.len()];
    for (i, rec) in list(root, "月度小结")?.iter().enumerate() {
        let at = At::record("月度小结", i);
        let obj = as_object(rec, at)?;
        let unit_id = req_str(obj, "单位", at)?;
        let u = *unit_index
            .get(unit_id)
            .ok_or_else(|| format!("{at}.单位: no 单位 with 编号 {unit_id:?}"))?;
        let m = parse_month(req_str(obj, "月份", at)?, year, at.key("月份"))?;
        summaries[u][m - 1] = Some((obj, i));
    }
    let mut defects: Vec<[u8; 12]> = vec![[0; 12]; units.len()];
    let mut defective_count: Vec<[u32; 4]> = vec![[0; 4]; units.len()];
    let deadlines: Vec<Option<NaiveDate>> = (1..=12)
        .map(|m| summary_deadline(year, m, p.summary_due_day))
        .collect();
    for (u, unit) in units.iter().enumerate() {
        if is_leadership(u) {
            continue;
        }
        let required = unit.required_items();
        for m in 0..12 {
            let (summary, reporter) = match summaries[u][m] {
                Some((obj, i)) => {
                    let at = At::record("月度小结", i);
                    let reporter = match field(obj, "报送人") {
                        None => None,
                        Some(v) => {
                            let id = v
                                .as_str()
                                .ok_or_else(|| format!("{at}.报送人: expected a string"))?;
                            Some(lookup_person(id, at.key("报送人"))?)
                        }
                    };
                    let flags = summary_defects(obj, deadlines[m], &required, at)?;
                    (flags, reporter)
                }
                // A missing summary is only reported as late (spec §3.1).
                None => (LATE, None),
            };
            defects[u][m] = summary;
            if summary != 0 {
                // 一事一扣分: one defective summary is one matter.
                let q = m / 3;
                defective_count[u][q] += 1;
                ledger.deductions[unit.head][q] += p.summary_person_deduction;
                if let Some(r) = reporter
                    && r != unit.head
                {
                    ledger.deductions[r][q] += p.summary_person_deduction;
                }
            }
        }
    }

    // §3.2 Events.
    for (i, rec) in list(root, "事件")?.iter().enumerate() {
        let at = At::record("事件", i);
        let obj = as_object(rec, at)?;
        let kind = req_str(obj, "类型", at)?;
        let who = lookup_person(req_str(obj, "当事人", at)?, at.key("当事人"))?;
        let date = parse_date(req_str(obj, "日期", at)?, at.key("日期"))?;
        let q = (date.month0() / 3) as usize;
        let unit = &units[persons[who].unit];
        let non_ability = match field(obj, "非能力因素") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| format!("{at}.非能力因素: expected a bool"))?,
        };
        match kind {
            "通报批评" => {
                if let Some(l) = unit.leader {
                    ledger.deductions[l][q] += p.leader_criticism_deduction;
                }
                ledger.deductions[unit.head][q] += p.head_criticism_deduction;
                ledger.withheld[who][q] = true;
                ledger.lost_eligibility[who] = true;
            }
            "上级考核扣分" => {
                if non_ability {
                    ledger.deductions[unit.head][q] += p.head_review_deduction;
                    ledger.withheld[who][q] = true;
                    ledger.lost_eligibility[who] = true;
                }
            }
            "治庸问责" => {
                ledger.deductions[unit.head][q] += p.head_accountability_deduction;
                ledger.withheld[who][q] = true;
                ledger.lost_eligibility[who] = true;
            }
            "党纪政纪处分" | "法律制裁" => {
                ledger.withheld[who][q] = true;
                ledger.sanctioned[who] = true;
                if p.sanction_revokes_eligibility {
                    ledger.lost_eligibility[who] = true;
                }
            }
            other => return Err(format!("{at}.类型: unknown 类型 {other:?}")),
        }
    }

    // §3.3 Equal distribution.
    let mut equal: Vec<[bool; 4]> = vec![[false; 4]; units.len()];
    for (u, unit) in units.iter().enumerate() {
        let ms = &members[u];
        if is_leadership(u) || ms.is_empty() || ms.len() < p.equal_min_members {
            continue;
        }
        for (q, flag) in equal[u].iter_mut().enumerate() {
            let first = persons[ms[0]].self_score[q];
            if ms.iter().all(|&i| persons[i].self_score[q] == first) {
                *flag = true;
                ledger.deductions[unit.head][q] += p.equal_head_deduction;
            }
        }
    }

    // §3.4 Unit scores.
    let mut unit_score: Vec<[Decimal; 4]> = vec![[Decimal::ZERO; 4]; units.len()];
    for (u, unit) in units.iter().enumerate() {
        if is_leadership(u) {
            continue;
        }
        for q in 0..4 {
            let mut score = Decimal::ONE_HUNDRED
                - p.summary_unit_deduction * Decimal::from(defective_count[u][q]);
            if let Some((task, actual)) = &unit.revenue {
                score -= revenue_deduction(*task, actual, q + 1, p, unit.id)?;
            }
            if equal[u][q] {
                score -= p.equal_unit_deduction;
            }
            unit_score[u][q] = clamp_score(score);
        }
    }
    let mean = |us: &[usize], q: usize| -> Decimal {
        let sum: Decimal = us.iter().map(|&u| unit_score[u][q]).sum();
        round2(sum / Decimal::from(us.len()))
    };
    let ordinary_units: Vec<usize> = (0..units.len()).filter(|&u| !is_leadership(u)).collect();
    let mean_all: [Decimal; 4] = std::array::from_fn(|q| {
        if ordinary_units.is_empty() {
            Decimal::ZERO
        } else {
            mean(&ordinary_units, q)
        }
    });

    // §3.5, §3.6 Personal scores, unit factors, quarterly bonuses.
    let mut personal: Vec<[Decimal; 4]> = Vec::with_capacity(persons.len());
    let mut factor: Vec<[Decimal; 4]> = Vec::with_capacity(persons.len());
    let mut bonus: Vec<[Decimal; 4]> = Vec::with_capacity(persons.len());
    let mut bonus_total = [Decimal::ZERO; 4];
    let three_months = p.quarterly_bonus_monthly * dec(3);
    let ten_thousand = dec(10_000);
    for (i, person) in persons.iter().enumerate() {
        let mut ps = [Decimal::ZERO; 4];
        let mut fs = [Decimal::ZERO; 4];
        let mut bs = [Decimal::ZERO; 4];
        for q in 0..4 {
            ps[q] = clamp_score(person.self_score[q] - ledger.deductions[i][q]);
            fs[q] = if is_leadership(person.unit) {
                if led_units[i].is_empty() {
                    mean_all[q]
                } else {
                    mean(&led_units[i], q)
                }
            } else {
                unit_score[person.unit][q]
            };
            if !ledger.withheld[i][q] {
                // 月额 × 3 × a / 100 × b / 100, exact until the one rounding.
                bs[q] = round2(three_months * fs[q] * ps[q] / ten_thousand);
            }
            bonus_total[q] += bs[q];
        }
        personal.push(ps);
        factor.push(fs);
        bonus.push(bs);
    }

    // §3.7 Year-end.
    let annual: Vec<Decimal> = personal.iter().map(|ps| ps.iter().sum()).collect();
    let eligible: Vec<usize> = (0..persons.len())
        .filter(|&i| !ledger.sanctioned[i])
        .collect();
    let pool = round2(p.year_end_per_capita[grade] * Decimal::from(eligible.len()));
    let pool_fen = (pool * Decimal::ONE_HUNDRED)
        .to_i128()
        .ok_or("year-end pool overflows")?;
    // W_i = 100 × 年度考核分 (or a larger common power of ten; see call 14).
    let scale = eligible
        .iter()
        .map(|&i| annual[i].normalize().scale())
        .max()
        .unwrap_or(0)
        .max(2);
    let weights: Vec<i128> = eligible
        .iter()
        .map(|&i| {
            let a = annual[i].normalize();
            let mantissa = a.mantissa();
            10i128
                .checked_pow(scale - a.scale())
                .and_then(|f| mantissa.checked_mul(f))
                .ok_or_else(|| "year-end weights overflow".to_owned())
        })
        .collect::<Result<_, _>>()?;
    let ids: Vec<&str> = eligible.iter().map(|&i| persons[i].id).collect();
    let shares_fen = allocate(pool_fen, &weights, &ids)?;
    let mut year_end = vec![Decimal::ZERO; persons.len()];
    for (k, &i) in eligible.iter().enumerate() {
        year_end[i] = Decimal::from_i128_with_scale(shares_fen[k], 2);
    }

    let rate = |income: Decimal, target: Decimal, name: &str| {
        income
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(target))
            .map(round2)
            .ok_or_else(|| format!("局.{name}: rate cannot be computed"))
    };
    let tax_rate = rate(tax, p.tax_target, "税收收入")?;
    let budget_rate = rate(budget, p.budget_target, "一般预算收入")?;
    let award = if grade == 0 {
        p.best_unit_award
    } else {
        Decimal::ZERO
    };

    // §4 Rows: 局, then 单位 and 干部 in case order; within a record, names in
    // the order of the §4 table, each name's periods chronologically.
    let year_period = year.to_string();
    let quarters: Vec<String> = (1..=4).map(|q| format!("{year}-Q{q}")).collect();
    let months: Vec<String> = (1..=12).map(|m| format!("{year}-{m:02}")).collect();
    let mut rows = Vec::with_capacity(8 + units.len() * 20 + persons.len() * 20);
    let mut push = |entity: &str, id: &str, period: &str, name: &str, value: Value| {
        rows.push(Row {
            entity: entity.to_owned(),
            id: id.to_owned(),
            period: period.to_owned(),
            name: name.to_owned(),
            value,
        });
    };

    let mut bureau_row = |period: &str, name: &str, value: Value| {
        push("局", bureau_name, period, name, value);
    };
    bureau_row(&year_period, "税收完成率", num_value(tax_rate));
    bureau_row(&year_period, "一般预算完成率", num_value(budget_rate));
    bureau_row(&year_period, "最佳服务单位奖励", money_value(award));
    bureau_row(&year_period, "年终效能奖总额", money_value(pool));
    for (q, period) in quarters.iter().enumerate() {
        bureau_row(period, "季度效能奖总额", money_value(bonus_total[q]));
    }

    for (u, unit) in units.iter().enumerate() {
        if is_leadership(u) {
            continue;
        }
        let mut unit_row = |period: &str, name: &str, value: Value| {
            push("单位", unit.id, period, name, value);
        };
        for (q, period) in quarters.iter().enumerate() {
            unit_row(period, "单位效能分", num_value(unit_score[u][q]));
        }
        for (q, period) in quarters.iter().enumerate() {
            unit_row(period, "平均发放", Value::Bool(equal[u][q]));
        }
        for (m, period) in months.iter().enumerate() {
            let names = DEFECTS
                .iter()
                .enumerate()
                .filter(|(bit, _)| defects[u][m] & (1 << bit) != 0)
                .map(|(_, name)| Value::String((*name).to_owned()))
                .collect();
            unit_row(period, "月报问题", Value::Array(names));
        }
    }

    for (i, person) in persons.iter().enumerate() {
        let mut person_row = |period: &str, name: &str, value: Value| {
            push("干部", person.id, period, name, value);
        };
        for (q, period) in quarters.iter().enumerate() {
            person_row(period, "个人考核分", num_value(personal[i][q]));
        }
        for (q, period) in quarters.iter().enumerate() {
            person_row(period, "单位系数分", num_value(factor[i][q]));
        }
        for (q, period) in quarters.iter().enumerate() {
            person_row(period, "季度效能奖", money_value(bonus[i][q]));
        }
        for (q, period) in quarters.iter().enumerate() {
            person_row(period, "季度效能奖扣发", Value::Bool(ledger.withheld[i][q]));
        }
        let awards = Value::Bool(!ledger.lost_eligibility[i]);
        person_row(&year_period, "年度考核分", num_value(annual[i]));
        person_row(&year_period, "年终效能奖", money_value(year_end[i]));
        person_row(&year_period, "评先评优资格", awards);
        person_row(&year_period, "保证金", money_value(p.deposit[person.rank]));
    }
    Ok(rows)
}
