//! Checking: names resolved to slots, types inferred and checked, definitions ordered → IR.
//!
//! The checker gathers every error before anything runs. It works in passes:
//! declarations (names and types of everything), rules (which also define
//! the ledgers their consequences write), definitions, requires and tests,
//! then dependency order and lints.

mod calls;
pub use calls::BUILTIN_NAMES;
mod declare;
mod expr;
pub mod ir;
mod lints;
mod narrow;
mod order;
mod rules;
mod scope;
pub mod standalone;
pub mod suggest;
pub mod types;

use crate::diagnostic::{Diagnostic, Span};
use crate::syntax::ast;
use ir::*;
use std::collections::{BTreeSet, HashMap};
use types::{EntityId, EnumId, Type};

/// What a definition or rule reads, for ordering and cycle detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Dep {
    Def(DefId),
    Ledger(LedgerId),
}

/// The result of checking: the program if there were no errors, and every diagnostic.
pub struct Checked {
    pub program: Option<Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Checks a policy (possibly several files' items together).
pub fn check(policies: &[ast::Policy]) -> Checked {
    let mut c = Checker::default();
    c.run(policies);
    let mut diagnostics = std::mem::take(&mut c.diags);
    // Source order, errors of one place before its warnings: stable output.
    diagnostics.sort_by_key(|d| {
        let s = d.primary_span().unwrap_or_default();
        (s.source, s.start, std::cmp::Reverse(d.severity))
    });
    let program = if diagnostics.iter().any(Diagnostic::is_error) {
        None
    } else {
        Some(c.prog)
    };
    Checked {
        program,
        diagnostics,
    }
}

#[derive(Default)]
pub(crate) struct Checker {
    pub diags: Vec<Diagnostic>,
    pub prog: Program,
    pub enum_by_name: HashMap<String, EnumId>,
    /// Variant name → every (enum, index) that has it.
    pub variants: HashMap<String, Vec<(EnumId, u32)>>,
    pub entity_by_name: HashMap<String, EntityId>,
    pub fields: Vec<HashMap<String, FieldId>>,
    pub case_field_by_name: HashMap<String, FieldId>,
    pub param_by_name: HashMap<String, ParamId>,
    pub def_by_name: HashMap<(Option<EntityId>, String), DefId>,
    pub ledger_by_key: HashMap<LedgerKey, LedgerId>,
    pub rule_by_name: HashMap<String, RuleId>,
    pub param_used: Vec<bool>,
    pub def_used: Vec<bool>,
    /// What the node being lowered reads.
    pub deps: BTreeSet<Dep>,
    pub def_deps: Vec<BTreeSet<Dep>>,
    pub rule_deps: Vec<BTreeSet<Dep>>,
    /// Which rules write each ledger.
    pub ledger_writers: Vec<BTreeSet<RuleId>>,
    /// Ledgers read by some query, with the first place that reads them.
    pub ledger_reads: HashMap<LedgerId, Span>,
    pub scope: scope::Scope,
    /// Non-zero money literals met inside definitions and rules.
    pub money_literals: Vec<Span>,
    /// While lowering a definition or rule body (money literals are linted there).
    pub in_body: bool,
    /// While lowering a `require` or a default: only case data may be used.
    pub case_data_only: bool,
}

impl Checker {
    fn run(&mut self, policies: &[ast::Policy]) {
        if let Some(h) = policies.iter().find_map(|p| p.header.as_ref()) {
            self.prog.info = PolicyInfo {
                name: h.name.clone(),
                version: h.version.clone(),
                source: h.source.clone(),
            };
        }
        let items: Vec<&ast::Item> = policies.iter().flat_map(|p| p.items.iter()).collect();
        self.declare(&items);
        let rules: Vec<&ast::RuleDecl> = items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Rule(r) => Some(r),
                _ => None,
            })
            .collect();
        for r in &rules {
            self.lower_rule(r);
        }
        let defs: Vec<&ast::DefDecl> = items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Def(d) => Some(d),
                _ => None,
            })
            .collect();
        self.lower_defs(&defs);
        self.lower_requires(&items);
        for item in &items {
            if let ast::Item::Test(t) = item {
                self.lower_test(t);
            }
        }
        self.order();
        self.lints();
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn type_name(&self, t: &Type) -> String {
        self.prog.type_name(t)
    }

    pub fn ledger(&mut self, key: LedgerKey, amount: Type) -> LedgerId {
        if let Some(id) = self.ledger_by_key.get(&key) {
            return *id;
        }
        let id = self.prog.ledgers.len() as LedgerId;
        self.prog.ledgers.push(LedgerDef {
            key: key.clone(),
            amount,
        });
        self.ledger_by_key.insert(key, id);
        self.ledger_writers.push(BTreeSet::new());
        id
    }

    /// The first error expression: keeps lowering going after a mistake.
    pub fn poison(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Const(crate::eval::value::Value::None),
            ty: Type::Error,
            span,
        }
    }
}
