//! Literals, operators and precedence, units, rounding and the numeric builtins.

use crate::support::{base_with, check_errors, check_warnings, expr_error};

fn all(cases: &[(&str, &str)]) {
    let mut w = base_with("");
    for (e, want) in cases {
        assert_eq!(w.eval(e), *want, "{e}");
    }
}

#[test]
fn literals() {
    all(&[
        ("3", "3"),
        ("88.50", "88.5"),
        ("600元", "600.00"),
        ("2万元", "20000.00"),
        ("14.94亿元", "1494000000.00"),
        ("0.5万元", "5000.00"),
        ("5分", "5"),
        ("\"考核\"", "考核"),
        ("\"a\\\"b\"", "a\"b"),
        ("true", "true"),
        ("none", "none"),
        ("2022-02-03", "2022-02-03"),
        ("2022-01", "2022-01"),
        ("2022-Q1", "2022-Q1"),
    ]);
}

#[test]
fn bad_literals_are_syntax_errors() {
    let e = check_errors("param 日 = 2022-02-30 cite 一");
    assert_eq!(e[0].code, "E0003");
    assert_eq!(e[0].message, "`2022-02-30` is not a calendar date");
    let e = check_errors("param 季 = 2022-Q5 cite 一");
    assert_eq!(e[0].code, "E0003");
    let e = check_errors("param 文 = \"a\\qb\" cite 一");
    assert_eq!(e[0].code, "E0004");
}

#[test]
fn arithmetic_precedence() {
    all(&[
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("12 / 2 / 3", "2"),
        ("10 / 4 * 2", "5"),
        ("-2 * 3", "-6"),
        ("2 * -3", "-6"),
        ("-(2 + 3) * 2", "-10"),
        ("- 2 - - 3", "1"),
        ("0.1 + 0.2", "0.3"),
        ("7 / 2", "3.5"),
    ]);
}

#[test]
fn logic_and_comparison_precedence() {
    all(&[
        ("true or false and false", "true"),
        ("(true or false) and false", "false"),
        ("not 1 > 2", "true"),
        ("not true or true", "true"),
        ("not (true or true)", "false"),
        ("1 + 1 == 2 and 2 > 1", "true"),
        ("1 < 2 == true", "true"),
        ("2 + 1 in [3]", "true"),
        ("2 in [1, 2, 3]", "true"),
        ("\"x\" in [\"a\"]", "false"),
        ("1 == 1.00", "true"),
        ("1 != 2", "true"),
        ("\"b\" > \"a\"", "true"),
        ("3 >= 3 and 3 <= 3", "true"),
    ]);
}

#[test]
fn and_or_stop_early() {
    // The right side would divide by zero: it is never computed.
    all(&[
        ("false and 1 / 0 > 1", "false"),
        ("true or 1 / 0 > 1", "true"),
    ]);
}

#[test]
fn coalesce_binds_between_comparison_and_addition() {
    all(&[
        ("none ?? 1 + 2", "3"),
        ("1 + 2 ?? 3", "3"),
        ("none ?? none ?? 4", "4"),
        ("(none ?? 2) == 2", "true"),
    ]);
}

#[test]
fn money_and_scores_keep_their_units() {
    all(&[
        ("600元 * 3", "1800.00"),
        ("3 * 600元", "1800.00"),
        ("600元 / 600元", "1"),
        ("600元 - 0.5元", "599.50"),
        ("100分 / 4", "25"),
        ("5分 * 2", "10"),
        ("5分 + 2.5分", "7.5"),
        ("90分 / 100分", "0.9"),
        ("600元 * 3 * (85分 / 100分)", "1530.00"),
        ("money(3)", "3.00"),
        ("score(2.5) + 1分", "3.5"),
        ("number(600元) / 100", "6"),
        ("-600元", "-600.00"),
    ]);
}

#[test]
fn money_and_scores_do_not_mix() {
    let (code, msg) = expr_error("600元 + 5分");
    assert_eq!(code, "E0120");
    assert_eq!(msg, "`+` cannot combine money and score");
    let (code, msg) = expr_error("600元 + 1");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0120", "`+` cannot combine money and int")
    );
    assert_eq!(expr_error("600元 * 600元").0, "E0120");
    assert_eq!(expr_error("5分 * 5分").0, "E0120");
    assert_eq!(expr_error("1 / 5分").0, "E0120");
    assert_eq!(expr_error("money(5分)").0, "E0301");
    assert_eq!(expr_error("\"a\" + 1").0, "E0120");
    assert_eq!(expr_error("-\"a\"").0, "E0302");
}

#[test]
fn money_from_a_division_must_be_rounded() {
    let e = check_errors(&format!(
        "{}\noutput def 人.三分之一[y: year]: money = 工资 / 3",
        crate::support::BASE
    ));
    assert_eq!(e[0].code, "E0131");
    assert!(
        e[0].message.starts_with("`三分之一` is money"),
        "{}",
        e[0].message
    );
    let e = check_errors(&format!(
        "{}\noutput def 人.均[y: year]: money = mean(p.工资 for p in 人)",
        crate::support::BASE
    ));
    assert_eq!(e[0].code, "E0131");
    // Money times a fraction has more decimals too; times a whole number it does not.
    let e = check_errors(&format!(
        "{}\noutput def 人.半[y: year]: money = 工资 * 0.5",
        crate::support::BASE
    ));
    assert_eq!(e[0].code, "E0131");
    let w = base_with("output def 人.双[y: year]: money = 工资 * 2");
    assert_eq!(w.output("人 B 2022 双"), "5001.00");
    let w = base_with(
        "output def 人.三分之一[y: year]: money = round(工资 / 3, 0.01元, half_away_from_zero)",
    );
    assert_eq!(w.output("人 B 2022 三分之一"), "833.50");
}

#[test]
fn money_written_in_a_definition_is_a_warning() {
    let w = check_warnings(&format!(
        "{}\noutput def 人.加[y: year]: money = 工资 + 600元 + 0元",
        crate::support::BASE
    ));
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, "W0003");
    assert_eq!(
        w[0].message,
        "an amount of money written inside a rule or definition"
    );
}

#[test]
fn rounding_modes_on_ties() {
    let table: &[(&str, [&str; 6])] = &[
        (
            "2.345, 0.01",
            ["2.35", "2.34", "2.34", "2.35", "2.34", "2.35"],
        ),
        (
            "-2.345, 0.01",
            ["-2.35", "-2.34", "-2.34", "-2.35", "-2.35", "-2.34"],
        ),
        ("2.5, 1", ["3", "2", "2", "3", "2", "3"]),
        ("-2.5, 1", ["-3", "-2", "-2", "-3", "-3", "-2"]),
        ("3.5, 1", ["4", "4", "3", "4", "3", "4"]),
        ("2.325, 0.05", ["2.35", "2.3", "2.3", "2.35", "2.3", "2.35"]),
        ("2.375, 0.05", ["2.4", "2.4", "2.35", "2.4", "2.35", "2.4"]),
        ("150, 100", ["200", "200", "100", "200", "100", "200"]),
        ("250, 100", ["300", "200", "200", "300", "200", "300"]),
        (
            "-250, 100",
            ["-300", "-200", "-200", "-300", "-300", "-200"],
        ),
    ];
    let modes = [
        "half_away_from_zero",
        "half_even",
        "down",
        "up",
        "floor",
        "ceiling",
    ];
    let mut w = base_with("");
    for (args, wants) in table {
        for (mode, want) in modes.iter().zip(wants) {
            let e = format!("round({args}, {mode})");
            assert_eq!(w.eval(&e), *want, "{e}");
        }
    }
}

#[test]
fn rounding_off_ties_and_with_units() {
    all(&[
        ("round(2.37, 0.05, half_even)", "2.35"),
        ("round(2.38, 0.05, down)", "2.35"),
        ("round(1234, 100, half_even)", "1200"),
        ("round(1250元, 100元, half_even)", "1200.00"),
        ("round(2.345元, 0.01元, half_even)", "2.34"),
        ("round(100分 / 3, 0.01分, half_away_from_zero)", "33.33"),
        ("round(2, 0.01, half_even)", "2"),
        ("round(-0.001, 0.01, half_away_from_zero)", "0"),
    ]);
}

#[test]
fn rounding_mistakes() {
    let (code, msg) = expr_error("round(1, 0, half_even)");
    assert_eq!(code, "E0611");
    assert_eq!(msg, "cannot round to this unit: Division by zero.");
    let (code, msg) = expr_error("round(600元, 0.01, half_even)");
    assert_eq!(code, "E0120");
    assert_eq!(
        msg,
        "`round` needs a unit of the value's kind: money rounded to decimal"
    );
    let (code, msg) = expr_error("round(1.5, 1, nearest)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0108", "unknown rounding mode `nearest`")
    );
    assert_eq!(expr_error("round(1.5, 1)").0, "E0107");
}

#[test]
fn clamp_min_max_abs_floor_ceil() {
    all(&[
        ("clamp(120分, 0分, 100分)", "100"),
        ("clamp(-5, 0, 10)", "0"),
        ("clamp(5.5, 0, 10)", "5.5"),
        ("min(3, 1, 2)", "1"),
        ("max(2分, 5分)", "5"),
        ("min([4, 2, 9])", "2"),
        ("max(\"b\", \"a\")", "b"),
        ("min(600元, 1000元)", "600.00"),
        ("abs(-3.5)", "3.5"),
        ("abs(-2元)", "2.00"),
        ("floor(2.7)", "2"),
        ("floor(-2.5)", "-3"),
        ("floor(2.7分)", "2"),
        ("ceil(2.1)", "3"),
        ("ceil(-2.1)", "-2"),
    ]);
    let (code, msg) = expr_error("clamp(1, 5, 2)");
    assert_eq!(code, "E0612");
    assert_eq!(msg, "clamp's low bound 5 is above its high bound 2");
    let (code, msg) = expr_error("clamp(120分, 0, 100)");
    assert_eq!(code, "E0120");
    assert_eq!(
        msg,
        "`clamp` needs three numbers of one kind: score, int, int"
    );
    assert_eq!(expr_error("min(1元, 2分)").0, "E0120");
    let (code, msg) = expr_error("max(1)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0301", "`max` works on a list; this is int")
    );
    assert_eq!(expr_error("min()").0, "E0107");
}

#[test]
fn decimals_counts_significant_decimals() {
    all(&[
        ("decimals(95.10)", "1"),
        ("decimals(2.345)", "3"),
        ("decimals(3元)", "0"),
        ("decimals(100)", "0"),
        ("decimals(0.05分)", "2"),
    ]);
}

#[test]
fn division_by_zero_is_an_error() {
    let (code, msg) = expr_error("1 / (2 - 2)");
    assert_eq!((code.as_str(), msg.as_str()), ("E0609", "division by zero"));
    assert_eq!(expr_error("600元 / 0").0, "E0609");
}
