//! Dates and periods, and the text builtins.

use crate::support::{base_with, expr, expr_error};

fn all(cases: &[(&str, &str)]) {
    let mut w = base_with("");
    for (e, want) in cases {
        assert_eq!(w.eval(e), *want, "{e}");
    }
}

#[test]
fn date_arithmetic() {
    all(&[
        ("2022-02-03 + 30", "2022-03-05"),
        ("2022-03-01 - 1", "2022-02-28"),
        ("2024-03-01 - 1", "2024-02-29"),
        ("2022-03-01 - 2022-02-01", "28"),
        ("2022-01-01 - 2022-12-31", "-364"),
        ("2022-01 - 1", "2021-12"),
        ("2022-11 + 3", "2023-02"),
        ("2022-Q4 + 1", "2023-Q1"),
        ("2022-Q1 - 5", "2020-Q4"),
        ("year(2022) + 1", "2023"),
    ]);
}

#[test]
fn dates_and_periods_compare() {
    all(&[
        ("2022-01-01 < 2022-02-01", "true"),
        ("2022-Q1 < 2022-Q2", "true"),
        ("2022-12 > 2022-02", "true"),
        ("max(2022-01-01, 2021-05-05)", "2022-01-01"),
        ("quarter(2022-02-03) == 2022-Q1", "true"),
    ]);
}

#[test]
fn days_must_be_whole() {
    assert_eq!(expr_error("2022-01-01 + 1.5").0, "E0120");
    assert_eq!(expr_error("2022-01-01 + 1元").0, "E0120");
    assert_eq!(expr_error("2022-01-01 + 2022-01-01").0, "E0120");
}

#[test]
fn quarter_month_and_year_of() {
    all(&[
        ("quarter(2022-05-17)", "2022-Q2"),
        ("quarter(2022-12)", "2022-Q4"),
        ("quarter(2022-Q3)", "2022-Q3"),
        ("month(2022-05-17)", "2022-05"),
        ("month(2022-05)", "2022-05"),
        ("year(2022-05-17)", "2022"),
        ("year(2022-05)", "2022"),
        ("year(2022-Q3)", "2022"),
        ("year(2022)", "2022"),
        ("year(年度)", "2022"),
    ]);
    assert_eq!(expr_error("month(2022-Q1)").0, "E0301");
    let (code, msg) = expr_error("year(0)");
    assert_eq!((code.as_str(), msg.as_str()), ("E0608", "0 is not a year"));
}

#[test]
fn months_and_quarters_of() {
    all(&[
        ("months(2022-Q2)", "[2022-04, 2022-05, 2022-06]"),
        ("count(months(year(2022)))", "12"),
        ("months(year(2022))[11]", "2022-12"),
        ("quarters(年度)", "[2022-Q1, 2022-Q2, 2022-Q3, 2022-Q4]"),
        ("months(quarter(2022-02-03))", "[2022-01, 2022-02, 2022-03]"),
    ]);
    assert_eq!(expr_error("quarters(2022-Q1)").0, "E0301");
}

#[test]
fn day_of_a_month() {
    all(&[
        ("day(2022-02, 3)", "2022-02-03"),
        ("day(2022-02, 28)", "2022-02-28"),
        ("day(2024-02, 29)", "2024-02-29"),
        ("day(2022-12 + 1, 3)", "2023-01-03"),
    ]);
    let (code, msg) = expr_error("day(2022-02, 29)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0613", "2022-02 has no day 29")
    );
    assert_eq!(expr_error("day(2022-02, 0)").0, "E0613");
    assert_eq!(expr_error("day(2022-02-01, 3)").0, "E0301");
}

#[test]
fn ordinal_of_a_period() {
    all(&[
        ("ordinal(2022-Q3)", "3"),
        ("ordinal(2022-11)", "11"),
        ("ordinal(quarter(2022-12-31))", "4"),
        ("1000元 * ordinal(2022-Q2) / 4", "500.00"),
    ]);
    assert_eq!(expr_error("ordinal(2022-01-01)").0, "E0301");
}

#[test]
fn is_blank_counts_full_width_spaces() {
    all(&[
        ("is_blank(\"　\")", "true"),
        ("is_blank(\"\")", "true"),
        ("is_blank(\" \\t　 \")", "true"),
        ("is_blank(\" a \")", "false"),
        ("is_blank(\"　x\")", "false"),
    ]);
    let (code, msg) = expr_error("is_blank(3)");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E0301", "`is_blank` needs text; this is int")
    );
}

#[test]
fn text_joins_and_compares() {
    assert_eq!(expr("\"考核\" + \"结果\""), "考核结果");
    // Text compares character by character by Unicode code point (乙 is U+4E59, 甲 U+7532).
    assert_eq!(expr("\"乙\" < \"甲\""), "true");
    assert_eq!(expr("\"a\" < \"ab\""), "true");
}

#[test]
fn per_period_fields_are_indexed_by_a_period_of_the_case_year() {
    let mut w = base_with("");
    assert_eq!(w.eval("人(\"A\").分数[2022-Q3]"), "70.5");
    assert_eq!(
        w.eval("人(\"A\").分数"),
        "{2022-Q1: 90, 2022-Q2: 80, 2022-Q3: 70.5, 2022-Q4: 100}"
    );
    let (code, msg) = w.eval_error("人(\"A\").分数[2023-Q1]");
    assert_eq!(code, "E0604");
    assert_eq!(msg, "there is no value for 2023-Q1 (the case covers 2022)");
    assert_eq!(w.eval_error("人(\"A\").分数[2022-01]").0, "E0301");
}
