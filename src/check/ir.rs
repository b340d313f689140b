//! The checked program: every name resolved to a slot, every expression typed.

use super::types::{EntityId, EnumId, Grain, Type};
use crate::diagnostic::Span;
use crate::eval::num::RoundingMode;
use crate::eval::value::Value;
use chrono::NaiveDate;

pub type FieldId = u32;
pub type ParamId = u32;
pub type DefId = u32;
pub type RuleId = u32;
pub type LedgerId = u32;
pub type Slot = u32;

#[derive(Clone, Debug, Default)]
pub struct PolicyInfo {
    pub name: String,
    pub version: Option<String>,
    pub source: Option<String>,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: String,
    pub variants: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: String,
    pub ty: Type,
    /// Used when the case leaves the field out (or gives null).
    pub default: Option<Value>,
    pub span: Span,
}

impl FieldDef {
    /// A field the case must give.
    pub fn required(&self) -> bool {
        self.default.is_none() && !self.ty.is_optional()
    }
}

/// `require COND else "message" at FIELD`, checked when a case is loaded.
#[derive(Clone, Debug)]
pub struct Require {
    pub cond: Expr,
    pub message: String,
    pub at: Option<FieldId>,
    pub frame_size: u32,
    pub span: Span,
}

/// `unique 单位, 月份 else "…"`, checked when a case is loaded.
#[derive(Clone, Debug)]
pub struct UniqueDef {
    pub fields: Vec<FieldId>,
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EntityDef {
    pub name: String,
    pub key: Option<FieldId>,
    pub fields: Vec<FieldDef>,
    pub requires: Vec<Require>,
    /// Sets of fields whose values no two records may share.
    pub uniques: Vec<UniqueDef>,
    /// The case field that holds this entity's records.
    pub case_field: Option<FieldId>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Provenance {
    Cite(Vec<String>),
    Assumption(String),
}

#[derive(Clone, Debug)]
pub struct ParamDef {
    pub name: String,
    pub ty: Type,
    /// Values in force from a date on, sorted by date; the first has no date.
    pub values: Vec<(Option<NaiveDate>, ParamValue)>,
    pub provenance: Vec<Provenance>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ParamValue {
    Plain(Value),
    /// One value per variant of an enum, in variant order.
    Table(EnumId, Vec<(Value, Vec<Provenance>)>),
}

#[derive(Clone, Debug)]
pub struct DefDef {
    pub name: String,
    pub entity: Option<EntityId>,
    pub grain: Option<Grain>,
    pub ty: Type,
    pub output: bool,
    pub provenance: Vec<Provenance>,
    pub domain: Option<Expr>,
    pub body: Expr,
    pub frame_size: u32,
    pub span: Span,
}

/// Where consequences of one kind, on one entity and grain, are kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LedgerKey {
    pub kind: LedgerKind,
    pub entity: EntityId,
    pub grain: Grain,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LedgerKind {
    Deduct,
    Flag(crate::syntax::ast::FlagVerb, DefId),
}

#[derive(Clone, Debug)]
pub struct LedgerDef {
    pub key: LedgerKey,
    /// The type of the amounts (deductions only).
    pub amount: Type,
}

#[derive(Clone, Debug)]
pub enum Step {
    Where(Expr),
    Let(Slot, Expr),
}

#[derive(Clone, Debug)]
pub struct Consequence {
    pub ledger: LedgerId,
    pub amount: Option<Expr>,
    pub target: Expr,
    pub period: Expr,
    pub when: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RuleDef {
    pub name: String,
    pub provenance: Vec<Provenance>,
    pub generators: Vec<Generator>,
    pub steps: Vec<Step>,
    pub consequences: Vec<Consequence>,
    pub frame_size: u32,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Generator {
    pub slot: Slot,
    pub source: GenSource,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum GenSource {
    /// Every record of an entity, in case order.
    Entity(EntityId),
    /// The records of an entity whose reference field equals a key (an index lookup).
    Indexed {
        entity: EntityId,
        field: FieldId,
        key: Box<Expr>,
    },
    /// The items of a list value.
    List(Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct Comprehension {
    pub generators: Vec<Generator>,
    pub filter: Option<Box<Expr>>,
    pub element: Box<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggregate {
    Count,
    Sum,
    Mean,
    Min,
    Max,
    All,
    Any,
    First,
    List,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    /// date + days, month + n, quarter + n, year + n
    PeriodAdd,
    PeriodSub,
    /// date - date, in days
    DateDiff,
    Concat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    Round(RoundingMode),
    Floor,
    Ceil,
    Clamp,
    Min,
    Max,
    Abs,
    QuarterOf,
    MonthOf,
    YearOf,
    MonthsOf,
    QuartersOf,
    Day,
    Ordinal,
    IsBlank,
    Decimals,
    Convert,
    Allocate(TieBreak),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TieBreak {
    AscendingKey,
    DescendingKey,
    InputOrder,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Query {
    Deductions,
    Flagged,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Const(Value),
    Local(Slot),
    /// The record a definition or `require` is evaluated for.
    SelfRef,
    CaseField(FieldId),
    /// All records of an entity, as a list of references.
    AllOf(EntityId),
    Field {
        base: Box<Expr>,
        entity: EntityId,
        field: FieldId,
    },
    Param(ParamId),
    DefCall {
        def: DefId,
        entity: Option<Box<Expr>>,
        period: Option<Box<Expr>>,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Coalesce(Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Let(Slot, Box<Expr>, Box<Expr>),
    /// Arm index per enum variant; the arms' bodies.
    Match(Box<Expr>, Vec<u32>, Vec<Expr>),
    Call(Builtin, Vec<Expr>),
    Aggregate(Aggregate, Box<Comprehension>),
    /// count/sum/… of a list value.
    AggregateList(Aggregate, Box<Expr>),
    List(Vec<(Expr, Option<Expr>)>),
    MapComp(Box<Expr>, Box<Expr>, Box<Comprehension>),
    EmptyMap,
    /// list[int], per-period[period], map[key], table param[variant]
    Index(Box<Expr>, Box<Expr>),
    /// An entity's record by its key: `干部("S003")`.
    Lookup(EntityId, Box<Expr>),
    Query {
        query: Query,
        ledger: LedgerId,
        target: Box<Expr>,
        period: Box<Expr>,
    },
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestDef {
    pub name: String,
    /// `case "FILE.json"`: the path as written (relative to the test's file).
    pub case: Option<(String, Span)>,
    /// JSON written in the test: the whole case when `case` is none, else the
    /// changes merged into the file's case (`case "FILE.json" with { … }`).
    pub case_json: Option<(String, Span)>,
    pub sets: Vec<(ParamId, Expr)>,
    pub expects: Vec<Expr>,
    /// The `else "message"` of each expect, in step.
    pub expect_messages: Vec<Option<String>>,
    pub frame_size: u32,
    pub span: Span,
}

/// A checked policy, ready to load cases and evaluate.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub info: PolicyInfo,
    pub enums: Vec<EnumDef>,
    pub entities: Vec<EntityDef>,
    pub case_fields: Vec<FieldDef>,
    pub case_requires: Vec<Require>,
    pub params: Vec<ParamDef>,
    pub defs: Vec<DefDef>,
    pub rules: Vec<RuleDef>,
    pub ledgers: Vec<LedgerDef>,
    /// Rules in an order where each fires after everything it reads.
    pub rule_order: Vec<RuleId>,
    pub tests: Vec<TestDef>,
}

impl Program {
    pub fn enum_names(&self) -> Vec<String> {
        self.enums.iter().map(|e| e.name.clone()).collect()
    }

    pub fn entity_names(&self) -> Vec<String> {
        self.entities.iter().map(|e| e.name.clone()).collect()
    }

    pub fn type_name(&self, ty: &Type) -> String {
        super::types::TypeDisplay {
            ty,
            enums: &self.enum_names(),
            entities: &self.entity_names(),
        }
        .to_string()
    }

    pub fn param_by_name(&self, name: &str) -> Option<ParamId> {
        self.params
            .iter()
            .position(|p| p.name == name)
            .map(|i| i as ParamId)
    }

    pub fn entity_by_name(&self, name: &str) -> Option<EntityId> {
        self.entities
            .iter()
            .position(|e| e.name == name)
            .map(|i| i as EntityId)
    }

    pub fn def_by_name(&self, entity: Option<EntityId>, name: &str) -> Option<DefId> {
        self.defs
            .iter()
            .position(|d| d.entity == entity && d.name == name)
            .map(|i| i as DefId)
    }
}

impl Expr {
    /// The direct sub-expressions, for walks over the tree.
    pub fn children(&self) -> Vec<&Expr> {
        let mut out: Vec<&Expr> = Vec::new();
        fn comp<'a>(c: &'a Comprehension, out: &mut Vec<&'a Expr>) {
            for g in &c.generators {
                match &g.source {
                    GenSource::Entity(_) => {}
                    GenSource::Indexed { key, .. } => out.push(key),
                    GenSource::List(e) => out.push(e),
                }
            }
            if let Some(f) = &c.filter {
                out.push(f);
            }
            out.push(&c.element);
        }
        match &self.kind {
            ExprKind::Const(_)
            | ExprKind::Local(_)
            | ExprKind::SelfRef
            | ExprKind::CaseField(_)
            | ExprKind::AllOf(_)
            | ExprKind::Param(_)
            | ExprKind::EmptyMap => {}
            ExprKind::Field { base, .. } => out.push(base),
            ExprKind::DefCall { entity, period, .. } => {
                out.extend(entity.as_deref());
                out.extend(period.as_deref());
            }
            ExprKind::Not(a)
            | ExprKind::Neg(a)
            | ExprKind::AggregateList(_, a)
            | ExprKind::Lookup(_, a) => out.push(a),
            ExprKind::Binary(_, a, b)
            | ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Coalesce(a, b)
            | ExprKind::Index(a, b)
            | ExprKind::Let(_, a, b) => {
                out.push(a);
                out.push(b);
            }
            ExprKind::If(a, b, c) => {
                out.push(a);
                out.push(b);
                out.push(c);
            }
            ExprKind::Match(s, _, arms) => {
                out.push(s);
                out.extend(arms.iter());
            }
            ExprKind::Call(_, args) => out.extend(args.iter()),
            ExprKind::Aggregate(_, c) => comp(c, &mut out),
            ExprKind::List(items) => {
                for (x, w) in items {
                    out.push(x);
                    out.extend(w.iter());
                }
            }
            ExprKind::MapComp(k, v, c) => {
                out.push(k);
                out.push(v);
                comp(c, &mut out);
            }
            ExprKind::Query { target, period, .. } => {
                out.push(target);
                out.push(period);
            }
        }
        out
    }

    /// Whether any local slot in `slots` is read inside.
    pub fn reads_any(&self, slots: &[Slot]) -> bool {
        if let ExprKind::Local(s) = self.kind {
            return slots.contains(&s);
        }
        self.children().iter().any(|c| c.reads_any(slots))
    }
}
