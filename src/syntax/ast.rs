//! The abstract syntax tree of a policy file, every node with its source span.

use crate::diagnostic::Span;
use rust_decimal::Decimal;

/// A name as written, with where it was written.
#[derive(Clone, Debug)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub header: Option<Header>,
    pub items: Vec<Item>,
}

#[derive(Clone, Debug)]
pub struct Header {
    pub name: String,
    pub version: Option<String>,
    pub source: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Item {
    /// `include "other.kaohe"`: that file's items join this policy.
    Include(String, Span),
    Enum(EnumDecl),
    Entity(EntityDecl),
    Case(CaseDecl),
    Param(ParamDecl),
    Def(DefDecl),
    Rule(RuleDecl),
    Require(Require),
    Test(TestDecl),
}

#[derive(Clone, Debug)]
pub struct EnumDecl {
    pub name: Ident,
    pub variants: Vec<Ident>,
}

#[derive(Clone, Debug)]
pub struct EntityDecl {
    pub name: Ident,
    pub key: Option<Ident>,
    pub fields: Vec<FieldDecl>,
    pub requires: Vec<Require>,
    pub uniques: Vec<Unique>,
}

/// `unique 单位, 月份 else "message"`
#[derive(Clone, Debug)]
pub struct Unique {
    pub fields: Vec<Ident>,
    pub message: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct CaseDecl {
    pub fields: Vec<FieldDecl>,
    pub requires: Vec<Require>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
}

/// `require COND else "message" at FIELD`
#[derive(Clone, Debug)]
pub struct Require {
    pub cond: Expr,
    pub message: String,
    pub at: Option<Ident>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TypeExprKind {
    Named(Ident),
    List(Box<TypeExpr>),
    /// `map of V` (text keys) or `map K of V`.
    Map(Option<Box<TypeExpr>>, Box<TypeExpr>),
    PerPeriod(Box<TypeExpr>, Ident),
    Optional(Box<TypeExpr>),
}

#[derive(Clone, Debug)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

/// Where a number comes from: the clauses it cites, or why it is assumed.
#[derive(Clone, Debug)]
pub enum Provenance {
    Cite(Vec<Ident>),
    Assumption(String, Span),
}

#[derive(Clone, Debug)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: Option<TypeExpr>,
    pub value: ParamValue,
    pub provenance: Vec<Provenance>,
    /// Values in force from a date on, in source order.
    pub dated: Vec<DatedValue>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ParamValue {
    Expr(Expr),
    Table(Vec<TableEntry>, Span),
}

#[derive(Clone, Debug)]
pub struct TableEntry {
    pub key: Ident,
    pub value: Expr,
    pub provenance: Vec<Provenance>,
}

#[derive(Clone, Debug)]
pub struct DatedValue {
    pub from: Expr,
    pub value: ParamValue,
    pub provenance: Vec<Provenance>,
}

#[derive(Clone, Debug)]
pub struct DefDecl {
    pub output: bool,
    /// `None` for a global definition (not attached to an entity).
    pub entity: Option<Ident>,
    pub name: Ident,
    pub period: Option<(Ident, Ident)>,
    pub ty: TypeExpr,
    pub provenance: Vec<Provenance>,
    pub domain: Option<Expr>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Generator {
    pub var: Ident,
    pub source: Expr,
}

#[derive(Clone, Debug)]
pub enum RuleStep {
    Where(Expr),
    Let(Vec<(Ident, Expr)>),
}

#[derive(Clone, Debug)]
pub struct RuleDecl {
    pub name: Ident,
    pub provenance: Vec<Provenance>,
    pub generators: Vec<Generator>,
    pub steps: Vec<RuleStep>,
    pub consequences: Vec<Consequence>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlagVerb {
    Withhold,
    Revoke,
}

impl FlagVerb {
    pub fn keyword(self) -> &'static str {
        match self {
            FlagVerb::Withhold => "withhold",
            FlagVerb::Revoke => "revoke",
        }
    }
}

#[derive(Clone, Debug)]
pub enum ConsequenceKind {
    Deduct { amount: Expr },
    Flag { verb: FlagVerb, name: Ident },
}

#[derive(Clone, Debug)]
pub struct Consequence {
    pub kind: ConsequenceKind,
    pub target: Expr,
    pub period: Expr,
    pub when: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TestDecl {
    pub name: String,
    pub steps: Vec<TestStep>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TestStep {
    /// `case "FILE.json"`.
    Case(String, Span),
    /// JSON as written: `case { JSON }` (the whole case, `false`), or the
    /// `{ JSON }` of `case "FILE.json" with { JSON }` (changes merged into the file, `true`).
    CaseJson(String, Span, bool),
    Set(Ident, Expr),
    /// `expect CONDITION else "message"`.
    Expect(Expr, Option<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Coalesce,
    Eq,
    Ne,
    Le,
    Ge,
    Lt,
    Gt,
    Add,
    Sub,
    Mul,
    Div,
    And,
    Or,
    In,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Coalesce => "??",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Le => "<=",
            BinOp::Ge => ">=",
            BinOp::Lt => "<",
            BinOp::Gt => ">",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Not,
    Neg,
}

/// The unit written after a number literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitUnit {
    None,
    Yuan,
    Points,
}

#[derive(Clone, Debug)]
pub enum Literal {
    Number {
        value: Decimal,
        unit: LitUnit,
        integer: bool,
    },
    Text(String),
    Bool(bool),
    None,
    Date(chrono::NaiveDate),
    Month(crate::eval::period::Month),
    Quarter(crate::eval::period::Quarter),
}

#[derive(Clone, Debug)]
pub struct MatchArm {
    /// Empty means the wildcard `_`.
    pub patterns: Vec<Ident>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Comprehension {
    /// `None` for the filter form `x in xs where …`, whose element is `x`.
    pub element: Option<Box<Expr>>,
    pub generators: Vec<Generator>,
    pub filter: Option<Box<Expr>>,
}

#[derive(Clone, Debug)]
pub enum CallArgs {
    List(Vec<Expr>),
    Comprehension(Comprehension),
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Literal(Literal),
    Name(String),
    ParamRef(Ident),
    Member(Box<Expr>, Ident),
    Index(Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Let(Vec<(Ident, Expr)>, Box<Expr>),
    Match(Box<Expr>, Vec<MatchArm>),
    Call(Ident, CallArgs),
    List(Vec<(Expr, Option<Expr>)>),
    ListComp(Comprehension),
    MapComp {
        key: Box<Expr>,
        value: Box<Expr>,
        comp: Comprehension,
    },
    EmptyMap,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}
