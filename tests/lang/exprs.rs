//! if/let/match, none and narrowing, lists, comprehensions, aggregations, maps,
//! record lookup and allocate.

use crate::support::{BASE, base_with, check_errors, check_warnings, expr_error};

fn all(cases: &[(&str, &str)]) {
    let mut w = base_with("");
    for (e, want) in cases {
        assert_eq!(w.eval(e), *want, "{e}");
    }
}

#[test]
fn if_then_else() {
    all(&[
        ("if 1 > 2 then \"a\" else \"b\"", "b"),
        ("if true then 1 else 2.5", "1"),
        ("if 人(\"A\").工资 > 500元 then 1分 else 0分", "1"),
        ("if false then none else 3", "3"),
    ]);
    let (code, msg) = expr_error("if true then 1元 else 1分");
    assert_eq!(code, "E0301");
    assert_eq!(
        msg,
        "the `then` and `else` branches must have one type: money and score"
    );
    assert_eq!(expr_error("if 1 then 1 else 2").0, "E0301");
}

#[test]
fn let_binds_names_in_order() {
    all(&[
        ("let x = 3, y = x * 2 in x + y", "9"),
        ("let x = 1 in let x = x + 1 in x", "2"),
        ("let 月额 = 600元, 季额 = 月额 * 3 in 季额", "1800.00"),
    ]);
}

#[test]
fn match_on_enum_values() {
    all(&[
        ("match 人(\"B\").等级 { 甲 => 1, 乙 | 丙 => 2 }", "2"),
        ("match 人(\"C\").等级 { 乙 => 1, _ => 9 }", "9"),
        (
            "match 人(\"A\").等级 { 甲 => \"x\", 乙 => \"y\", 丙 => \"z\", }",
            "x",
        ),
        ("match 等级.丙 { 甲 => 1, 乙 => 2, 丙 => 3 }", "3"),
    ]);
    let (code, msg) = expr_error("match 人(\"A\").等级 { 甲 => 1 }");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0305", "`match` does not cover 乙, 丙")
    );
    assert_eq!(expr_error("match 1 { _ => 1 }").0, "E0301");
    assert_eq!(
        expr_error("match 等级.甲 { 甲 => 1, 戊 => 2, _ => 3 }").0,
        "E0101"
    );
}

#[test]
fn a_match_arm_already_covered_is_a_warning() {
    let w = check_warnings(&format!(
        "{BASE}\noutput def 人.x[y: year]: int = match 等级 {{ 甲 => 1, 甲 | 乙 => 2, _ => 3 }}"
    ));
    assert_eq!(w[0].code, "W0010");
    assert_eq!(w[0].message, "`甲` is already matched above");
}

#[test]
fn coalesce_gives_a_default_for_none() {
    all(&[
        ("人(\"B\").备注 ?? \"无\"", "新人"),
        ("人(\"C\").备注 ?? \"无\"", "无"),
        ("人(\"A\").备注 ?? \"无\"", "无"),
        ("first(p in 人 where p.等级 == 丙) ?? 人(\"A\")", "A"),
    ]);
    let (code, msg) = expr_error("人(\"B\").备注 ?? 3");
    assert_eq!(code, "E0301");
    assert_eq!(msg, "`??` gives a default of the same type: text and int");
}

#[test]
fn optional_values_must_be_checked_before_use() {
    let (code, msg) = expr_error("first(p in 人 where p.等级 == 丙).工资");
    assert_eq!(code, "E0110");
    assert!(msg.ends_with("may be none here"), "{msg}");
    let e = check_errors(&format!(
        "{BASE}\noutput def 人.x[y: year]: bool = 备注 > \"a\""
    ));
    assert_eq!(e[0].code, "E0110");
    assert_eq!(e[0].message, "`备注` may be none: it cannot be compared");
    let e = check_errors(&format!(
        "{BASE}\noutput def 人.x[y: year]: bool = is_blank(备注)"
    ));
    assert_eq!(e[0].code, "E0301");
    assert_eq!(e[0].message, "`is_blank` needs text; this is text?");
}

#[test]
fn narrowing_after_a_none_check() {
    let w = base_with(
        r#"
output def 人.有备注[y: year]: bool = 备注 != none and not is_blank(备注)
output def 人.备注长[y: year]: text = if 备注 == none then "-" else 备注 + "!"
output def 人.无或新[y: year]: bool = 备注 == none or 备注 == "新人"
output def 人.列[y: year]: [text] = [备注 when 备注 != none, "x"]
"#,
    );
    assert_eq!(w.output("人 A 2022 有备注"), "false");
    assert_eq!(w.output("人 B 2022 有备注"), "true");
    assert_eq!(w.output("人 B 2022 备注长"), "新人!");
    assert_eq!(w.output("人 C 2022 备注长"), "-");
    assert_eq!(w.output("人 B 2022 无或新"), "true");
    assert_eq!(w.output("人 B 2022 列"), "[新人, x]");
    assert_eq!(w.output("人 C 2022 列"), "[x]");
}

#[test]
fn narrowing_in_where_and_through_let() {
    all(&[
        (
            "[p.备注 for p in 人 where p.备注 != none and p.备注 != \"\"]",
            "[新人]",
        ),
        ("let b = 人(\"B\").备注 in [b when b != none]", "[新人]"),
        (
            "let b = first(p in 人 where p.等级 == 乙) in if b == none then \"-\" else b.编号",
            "B",
        ),
    ]);
}

#[test]
fn lists_with_when_and_index() {
    all(&[
        ("[1, 2 when false, 3]", "[1, 3]"),
        ("[1 when 1 > 0, 2 when 2 > 5]", "[1]"),
        ("[\"甲\", \"乙\"][1]", "乙"),
        ("[1] + [2, 3]", "[1, 2, 3]"),
        ("[]", "[]"),
        ("count([] + [1])", "1"),
    ]);
    let (code, msg) = expr_error("[1, 2][5]");
    assert_eq!(code, "E0607");
    assert_eq!(msg, "index 5 is outside the list (it has 2 items)");
    let (code, msg) = expr_error("[1, \"a\"]");
    assert_eq!(code, "E0301");
    assert_eq!(
        msg,
        "a list holds one type: this is text, the items before are int"
    );
}

#[test]
fn comprehensions() {
    all(&[
        ("[p.编号 for p in 人 where p.工资 > 500元]", "[A, B]"),
        ("[p.编号 for p in 人]", "[A, B, C]"),
        ("[x * 10 for x in [1, 2, 3] where x != 2]", "[10, 30]"),
        (
            "[a * b for a in [1, 2], b in [10, 20] where a + b != 21]",
            "[10, 20, 40]",
        ),
        (
            "[q for q in quarters(年度) where 人(\"A\").分数[q] > 75分]",
            "[2022-Q1, 2022-Q2, 2022-Q4]",
        ),
        ("[p for p in 人 where p.等级 == 丙]", "[]"),
    ]);
}

#[test]
fn aggregations() {
    all(&[
        ("count(p in 人 where p.等级 == 甲)", "2"),
        ("count(x in [1, 2, 3])", "3"),
        ("count([1, 2, 3])", "3"),
        ("sum(p.工资 for p in 人)", "3500.50"),
        ("sum([1, 2, 3])", "6"),
        (
            "sum(p.分数[q] for p in 人, q in quarters(年度) where p.编号 == \"A\")",
            "340.5",
        ),
        ("mean(p.分数[2022-Q1] for p in 人)", "50"),
        ("mean([1, 2])", "1.5"),
        ("min(p.工资 for p in 人)", "0.00"),
        ("max(p.分数[2022-Q2] for p in 人)", "100"),
        ("all(p.工资 >= 0元 for p in 人)", "true"),
        ("all(p.工资 > 0元 for p in 人)", "false"),
        ("any(p.备注 != none for p in 人)", "true"),
        ("any([false, false])", "false"),
        ("first(p in 人 where p.等级 == 乙)", "B"),
        ("first(x for x in [4, 5] where x > 4)", "5"),
        ("first([7, 8])", "7"),
    ]);
}

#[test]
fn aggregations_of_nothing() {
    all(&[
        ("count(p in 人 where p.等级 == 丙)", "0"),
        ("sum(p.工资 for p in 人 where p.等级 == 丙)", "0.00"),
        ("sum(x for x in [1] where x > 1)", "0"),
        ("all(p.工资 > 1亿元 for p in 人 where p.等级 == 丙)", "true"),
        ("any(p.工资 > 0元 for p in 人 where p.等级 == 丙)", "false"),
        ("first(p in 人 where p.等级 == 丙)", "none"),
    ]);
    let (code, msg) = expr_error("mean(p.工资 for p in 人 where p.等级 == 丙)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0610", "the mean of no values")
    );
    let (code, msg) = expr_error("max(p.工资 for p in 人 where p.等级 == 丙)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0610", "the max of no values")
    );
    let (code, msg) = expr_error("min(x for x in [1] where x > 1)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0610", "the min of no values")
    );
}

#[test]
fn aggregation_mistakes() {
    let (code, msg) = expr_error("sum(p.编号 for p in 人)");
    assert_eq!(code, "E0301");
    assert_eq!(msg, "this aggregation needs numbers; the items are text");
    let (code, msg) = expr_error("round(x for x in [1])");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0106", "`round` does not take a `for` or `in … where`")
    );
    assert_eq!(expr_error("count(3)").0, "E0301");
}

#[test]
fn maps_and_lookup() {
    all(&[
        (
            "{p.编号: p.工资 for p in 人}",
            "{A: 1000.00, B: 2500.50, C: 0.00}",
        ),
        ("{p: p.工资 for p in 人}[人(\"B\")]", "2500.50"),
        ("{p.编号: p.工资 for p in 人}[\"Z\"]", "none"),
        ("{p.编号: p.工资 for p in 人}[\"Z\"] ?? 0元", "0.00"),
        ("{p.等级: p.编号 for p in 人}[甲]", "C"),
        ("{\"k\": v for v in [1, 2, 3]}[\"k\"]", "3"),
        ("{x: x * x for x in [1, 2, 3] where x > 1}", "{2: 4, 3: 9}"),
        ("{}", "{}"),
    ]);
    let (code, msg) = expr_error("{1.5: 1 for x in [1]}");
    assert_eq!(code, "E0301");
    assert_eq!(
        msg,
        "a map's keys are records, text, enum values, ints, dates or periods; this is decimal"
    );
    assert_eq!(expr_error("{p.编号: 1 for p in 人}[1]").0, "E0301");
}

#[test]
fn record_lookup_by_key() {
    all(&[
        ("人(\"A\").工资", "1000.00"),
        ("人(\"B\").等级", "乙"),
        ("人(\"B\") == first(p in 人 where p.工资 > 2000元)", "true"),
    ]);
    let (code, msg) = expr_error("人(\"Z\")");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0606", "no 人 with key \"Z\" in this case")
    );
    assert_eq!(expr_error("人(1)").0, "E0301");
    assert_eq!(expr_error("人(\"A\", \"B\")").0, "E0107");
}

#[test]
fn allocate_shares_by_largest_remainder() {
    let mut w = base_with("");
    let eq = "{p: 1 for p in 人}";
    assert_eq!(
        w.eval(&format!("allocate(1000元, {eq}, 0.01元, ascending_key)")),
        "{A: 333.34, B: 333.33, C: 333.33}"
    );
    assert_eq!(
        w.eval(&format!("allocate(1000元, {eq}, 0.01元, descending_key)")),
        "{A: 333.33, B: 333.33, C: 333.34}"
    );
    assert_eq!(
        w.eval(&format!("allocate(1000元, {eq}, 0.01元, input_order)")),
        "{A: 333.34, B: 333.33, C: 333.33}"
    );
    // In proportion to the weights; a zero weight gets nothing.
    assert_eq!(
        w.eval("allocate(100元, {p.编号: p.分数[2022-Q1] for p in 人}, 1元, ascending_key)"),
        "{A: 60.00, B: 40.00, C: 0.00}"
    );
    // Remainders decide before the tie-break: 7元 by 2:3:5 is 1.4, 2.1, 3.5.
    assert_eq!(
        w.eval("allocate(7元, {x: x for x in [2, 3, 5]}, 1元, descending_key)"),
        "{2: 1.00, 3: 2.00, 5: 4.00}"
    );
}

#[test]
fn allocate_conserves_the_pool() {
    let mut w = base_with("");
    assert_eq!(
        w.eval(
            "let s = allocate(1000元, {p: p.分数[2022-Q3] for p in 人}, 0.01元, ascending_key) \
             in sum(s[p] ?? 0元 for p in 人)"
        ),
        "1000.00"
    );
    assert_eq!(
        w.eval("allocate(1000元, {p: p.分数[2022-Q3] for p in 人}, 0.01元, ascending_key)"),
        "{A: 390.58, B: 332.41, C: 277.01}"
    );
    // All weights zero: shared equally.
    assert_eq!(
        w.eval("allocate(10元, {p: 0 for p in 人}, 1元, ascending_key)"),
        "{A: 4.00, B: 3.00, C: 3.00}"
    );
    assert_eq!(
        w.eval("allocate(0元, {p: 1 for p in 人 where false}, 1元, ascending_key)"),
        "{}"
    );
}

#[test]
fn allocate_mistakes() {
    let mut w = base_with("");
    let (code, msg) =
        w.eval_error("allocate(100.005元, {p: 1 for p in 人}, 0.01元, ascending_key)");
    assert_eq!(code, "E0614");
    assert_eq!(
        msg,
        "cannot allocate this pool: The amount is not a whole multiple of the rounding unit."
    );
    let (code, msg) =
        w.eval_error("allocate(10元, {p: 1 for p in 人 where false}, 1元, input_order)");
    assert_eq!(code, "E0614");
    assert_eq!(
        msg,
        "cannot allocate this pool: There is no one to allocate a nonzero amount to."
    );
    assert_eq!(
        w.eval_error("allocate(-1元, {p: 1 for p in 人}, 1元, input_order)")
            .0,
        "E0614"
    );
    assert_eq!(
        w.eval_error("allocate(1元, {p: -1 for p in 人}, 1元, input_order)")
            .1,
        "cannot allocate this pool: An allocation weight is negative."
    );
    let (code, msg) = w.eval_error("allocate(1元, {p: 1 for p in 人}, 1元, by_name)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0108", "unknown tie-break `by_name`")
    );
    assert_eq!(
        w.eval_error("allocate(1元, [1], 1元, input_order)").0,
        "E0301"
    );
}
