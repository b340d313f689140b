//! Shared by the language tests and the README examples: check a policy held in
//! memory, load a JSON case against it, and evaluate outputs or lone expressions.
#![allow(dead_code)]

use kaohe::check::standalone::lower_expr;
use kaohe::diagnostic::{Diagnostic, SourceMap};
use kaohe::eval::case::Case;
use kaohe::eval::engine::Evaluator;
use kaohe::eval::results::value_text;
use kaohe::session::{CheckedPolicy, check_text, load_case_text};
use kaohe::syntax::parse_expression;

/// A checked policy with a case loaded against it.
pub struct World {
    pub policy: CheckedPolicy,
    pub case: Case,
    pub case_warnings: Vec<Diagnostic>,
    pub sources: SourceMap,
}

/// Renders diagnostics for a failure message.
pub fn render(diags: &[Diagnostic], sources: &SourceMap) -> String {
    kaohe::render::render_all(diags, sources, false)
}

/// Checks a policy; panics with the rendered errors if it does not check.
pub fn checked(policy: &str) -> (CheckedPolicy, SourceMap) {
    let mut sources = SourceMap::new();
    match check_text("policy.kaohe", policy, &mut sources) {
        Ok(p) => (p, sources),
        Err(f) => panic!(
            "the policy does not check:\n{}",
            render(&f.diagnostics, &sources)
        ),
    }
}

/// The errors (and warnings) of a policy that must not check.
pub fn check_errors(policy: &str) -> Vec<Diagnostic> {
    let mut sources = SourceMap::new();
    match check_text("policy.kaohe", policy, &mut sources) {
        Ok(_) => panic!("the policy checked, but errors were expected"),
        Err(f) => f.diagnostics,
    }
}

/// The warnings of a policy that checks.
pub fn check_warnings(policy: &str) -> Vec<Diagnostic> {
    checked(policy).0.warnings
}

/// A policy checked and a case loaded; panics with the rendered errors on failure.
pub fn world(policy: &str, case: &str) -> World {
    let (policy, mut sources) = checked(policy);
    match load_case_text(&policy.program, "case.json", case, &mut sources) {
        Ok(loaded) => World {
            policy,
            case: loaded.case,
            case_warnings: loaded.warnings,
            sources,
        },
        Err(f) => panic!(
            "the case does not load:\n{}",
            render(&f.diagnostics, &sources)
        ),
    }
}

/// The errors of a case that must be rejected.
pub fn case_errors(policy: &str, case: &str) -> Vec<Diagnostic> {
    let (policy, mut sources) = checked(policy);
    match load_case_text(&policy.program, "case.json", case, &mut sources) {
        Ok(_) => panic!("the case loaded, but errors were expected"),
        Err(f) => f.diagnostics,
    }
}

impl World {
    /// Every output row as `entity id period name = value`.
    pub fn outputs(&self) -> Result<Vec<String>, Box<Diagnostic>> {
        let prog = &self.policy.program;
        let mut ev = Evaluator::new(prog, &self.case);
        let rows = ev.outputs()?;
        Ok(rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {} = {}",
                    r.entity_name(prog),
                    r.id(&self.case),
                    r.period_text(),
                    r.name(prog),
                    value_text(prog, &self.case, r.ty(prog), &r.value)
                )
            })
            .collect())
    }

    /// The outputs; panics with the rendered error if evaluation fails.
    pub fn rows(&self) -> Vec<String> {
        self.outputs()
            .unwrap_or_else(|d| panic!("evaluation failed:\n{}", render(&[*d], &self.sources)))
    }

    /// The value of one output row (`干部 S001 2022-Q1 季度效能奖`).
    pub fn output(&self, row: &str) -> String {
        let prefix = format!("{row} = ");
        let rows = self.rows();
        rows.iter()
            .find_map(|r| r.strip_prefix(&prefix).map(str::to_string))
            .unwrap_or_else(|| panic!("no row `{row}` among:\n{}", rows.join("\n")))
    }

    /// Evaluates an expression against the case; `Err` holds the checker's or the evaluator's errors.
    pub fn try_eval(&mut self, text: &str) -> Result<String, Vec<Diagnostic>> {
        let id = self.sources.add("expr", text);
        let ast = parse_expression(id, self.sources.text(id))?;
        let prog = &self.policy.program;
        let lowered = lower_expr(prog, &ast, None)?;
        let mut ev = Evaluator::new(prog, &self.case);
        let v = ev
            .eval_standalone(&lowered.expr, lowered.frame_size, None)
            .map_err(|d| vec![*d])?;
        Ok(value_text(prog, &self.case, &lowered.expr.ty, &v))
    }

    /// Evaluates an expression; panics with the rendered errors if it fails.
    pub fn eval(&mut self, text: &str) -> String {
        match self.try_eval(text) {
            Ok(v) => v,
            Err(d) => panic!("`{text}` failed:\n{}", render(&d, &self.sources)),
        }
    }

    /// The one error an expression must raise: (code, message).
    pub fn eval_error(&mut self, text: &str) -> (String, String) {
        match self.try_eval(text) {
            Ok(v) => panic!("`{text}` gave {v}, but an error was expected"),
            Err(d) => {
                let first = d.first().expect("an error");
                (first.code.to_string(), first.message.clone())
            }
        }
    }

    /// The runtime error evaluating the outputs must raise: (code, message).
    pub fn outputs_error(&self) -> (String, String) {
        match self.outputs() {
            Ok(rows) => panic!("outputs evaluated, but an error was expected:\n{rows:?}"),
            Err(d) => (d.code.to_string(), d.message.clone()),
        }
    }
}

/// A minimal policy around some items: a year and one entity `人` with a key,
/// so expressions and definitions have something to work on.
pub const BASE: &str = r#"
enum 等级 { 甲, 乙, 丙 }
entity 人 key 编号 {
  编号: text
  等级: 等级
  分数: score per quarter
  工资: money
  备注: text?
}
case {
  年度: year
  人: [人]
}
"#;

/// A case for [`BASE`]: three people in 2022.
pub const BASE_CASE: &str = r#"{
  "年度": 2022,
  "人": [
    {"编号": "A", "等级": "甲", "分数": {"1": 90, "2": 80, "3": "70.5", "4": 100}, "工资": 1000},
    {"编号": "B", "等级": "乙", "分数": {"1": 60, "2": 60, "3": 60, "4": 60}, "工资": "2500.50", "备注": "新人"},
    {"编号": "C", "等级": "甲", "分数": {"1": 0, "2": 100, "3": 50, "4": 50}, "工资": 0, "备注": null}
  ]
}"#;

/// [`BASE`] and its case, plus extra items.
pub fn base_with(items: &str) -> World {
    world(&format!("{BASE}\n{items}"), BASE_CASE)
}

/// Evaluates one expression against [`BASE`] with no extra items.
pub fn expr(text: &str) -> String {
    base_with("").eval(text)
}

/// The error one expression raises against [`BASE`].
pub fn expr_error(text: &str) -> (String, String) {
    base_with("").eval_error(text)
}
