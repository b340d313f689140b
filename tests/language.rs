//! Evaluation tests for every construct of the language: small inline policies and
//! JSON cases, evaluated through the library, with exact values and exact messages.
//!
//! The tests are split by topic under `tests/lang/`:
//! * `arith.rs`: literals, operators and precedence, units, rounding and numeric builtins;
//! * `dates.rs`: dates and periods, text builtins;
//! * `exprs.rs`: if/let/match, none and narrowing, lists, comprehensions, aggregations,
//!   maps, record lookup, allocate;
//! * `policy.rs`: definitions, parameters, name resolution, rules and their queries;
//! * `cases.rs`: loading JSON cases, `require`, runtime errors, checker diagnostics.

#[path = "lang/support.rs"]
mod support;

#[path = "lang/arith.rs"]
mod arith;
#[path = "lang/cases.rs"]
mod cases;
#[path = "lang/dates.rs"]
mod dates;
#[path = "lang/exprs.rs"]
mod exprs;
#[path = "lang/policy.rs"]
mod policy;

use support::{BASE, BASE_CASE, expr, world};

#[test]
fn the_base_policy_checks_cleanly_and_loads() {
    let w = world(BASE, BASE_CASE);
    assert!(w.policy.warnings.is_empty(), "{:?}", w.policy.warnings);
    assert!(w.case_warnings.is_empty());
    assert_eq!(w.case.year.to_string(), "2022");
}

#[test]
fn the_efficiency_policy_checks() {
    let text = include_str!("../policies/efficiency.kaohe");
    let (p, _) = support::checked(text);
    assert_eq!(p.program.info.name, "地税局效能建设考核");
    assert_eq!(p.program.info.version.as_deref(), Some("2022.1"));
}

#[test]
fn an_expression_sees_case_fields_and_entities() {
    assert_eq!(expr("年度"), "2022");
    assert_eq!(expr("人"), "[A, B, C]");
    assert_eq!(expr("count(人)"), "3");
}
