//! Turns pest's parse tree into the AST, with spans, literals checked and nesting bounded.

use super::ast::*;
use super::errors::{nesting_error, translate_pest_error};
use crate::diagnostic::{Diagnostic, SourceId, Span};
use crate::eval::{num, period};
use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::LazyLock;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/kaohe.pest"]
pub struct KaoheParser;

/// The deepest nesting of brackets and `if`/`let`/`match` a policy may use.
pub const MAX_NESTING: usize = 128;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left))
        .op(Op::infix(Rule::op_coalesce, Assoc::Right))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// Parses one policy source. All syntax errors end the parse (pest stops at
/// the first); literal errors are gathered and reported together.
pub fn parse_policy(source: SourceId, text: &str) -> Result<Policy, Vec<Diagnostic>> {
    if let Some(diag) = nesting_error(source, text, MAX_NESTING) {
        return Err(vec![diag]);
    }
    let mut pairs = KaoheParser::parse(Rule::file, text)
        .map_err(|e| vec![translate_pest_error(source, text, Rule::file, e)])?;
    let Some(file) = pairs.next() else {
        return Ok(Policy::default());
    };
    let mut lower = Lower {
        source,
        errors: Vec::new(),
        comments: comment_ranges(text),
    };
    let policy = lower.file(file);
    if lower.errors.is_empty() {
        Ok(policy)
    } else {
        Err(lower.errors)
    }
}

/// Parses a single expression (the REPL's input).
pub fn parse_expression(source: SourceId, text: &str) -> Result<Expr, Vec<Diagnostic>> {
    if let Some(diag) = nesting_error(source, text, MAX_NESTING) {
        return Err(vec![diag]);
    }
    let mut pairs = KaoheParser::parse(Rule::repl_expr, text)
        .map_err(|e| vec![translate_pest_error(source, text, Rule::repl_expr, e)])?;
    let mut lower = Lower {
        source,
        errors: Vec::new(),
        comments: comment_ranges(text),
    };
    let expr = pairs
        .next()
        .and_then(|p| p.into_inner().find(|p| p.as_rule() == Rule::expr))
        .map(|p| lower.expr(p));
    match expr {
        Some(e) if lower.errors.is_empty() => Ok(e),
        _ => Err(lower.errors),
    }
}

struct Lower {
    source: SourceId,
    errors: Vec<Diagnostic>,
    /// Byte ranges of the source's comments, in order (to trim them off spans).
    comments: Vec<(usize, usize)>,
}

impl Lower {
    /// A pair's span without the spaces and comments pest's implicit skipping
    /// leaves at its end (`a ~ b?` keeps the space before a missing `b`).
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        let (start, text) = (s.start(), s.as_str());
        let mut len = text.len();
        loop {
            len = text.get(..len).unwrap_or("").trim_end_matches(SPACE).len();
            let end = start + len;
            // A comment that the end falls in or just after.
            let i = self.comments.partition_point(|c| c.1 < end);
            match self.comments.get(i) {
                Some(&(c, _)) if c < end && c >= start => len = c - start,
                _ => break,
            }
        }
        if len == 0 {
            len = text.len();
        }
        Span::new(self.source, start, start + len)
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            span: self.span(&pair),
            name: pair.as_str().to_string(),
        }
    }

    fn file(&mut self, pair: Pair<Rule>) -> Policy {
        let mut policy = Policy::default();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::header => policy.header = Some(self.header(p)),
                Rule::enum_decl => policy.items.push(Item::Enum(self.enum_decl(p))),
                Rule::entity_decl => policy.items.push(Item::Entity(self.entity_decl(p))),
                Rule::case_decl => policy.items.push(Item::Case(self.case_decl(p))),
                Rule::param_decl => policy.items.push(Item::Param(self.param_decl(p))),
                Rule::def_decl => policy.items.push(Item::Def(self.def_decl(p))),
                Rule::rule_decl => policy.items.push(Item::Rule(self.rule_decl(p))),
                Rule::require_decl => {
                    if let Some(r) = p.into_inner().next() {
                        policy.items.push(Item::Require(self.require(r)));
                    }
                }
                Rule::test_decl => policy.items.push(Item::Test(self.test_decl(p))),
                Rule::include_decl => {
                    if let Some(s) = p.into_inner().find(|q| q.as_rule() == Rule::string) {
                        let span = self.span(&s);
                        let path = self.string(s);
                        policy.items.push(Item::Include(path, span));
                    }
                }
                _ => {}
            }
        }
        policy
    }

    fn header(&mut self, pair: Pair<Rule>) -> Header {
        let span = self.span(&pair);
        let mut name = String::new();
        let mut version = None;
        let mut source = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string => name = self.string(p),
                Rule::header_field => {
                    let mut inner = p.into_inner();
                    let kw = inner.next().map(|k| k.as_rule());
                    let value = inner.next().map(|s| self.string(s));
                    match kw {
                        Some(Rule::kw_version) => version = value,
                        _ => source = value,
                    }
                }
                _ => {}
            }
        }
        Header {
            name,
            version,
            source,
            span,
        }
    }

    fn enum_decl(&mut self, pair: Pair<Rule>) -> EnumDecl {
        let mut idents = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::ident)
            .map(|p| self.ident(p));
        let name = idents.next().unwrap_or_else(missing_ident);
        EnumDecl {
            name,
            variants: idents.collect(),
        }
    }

    fn members(&mut self, pairs: Vec<Pair<Rule>>) -> (Vec<FieldDecl>, Vec<Require>) {
        let mut fields = Vec::new();
        let mut requires = Vec::new();
        for p in pairs {
            match p.as_rule() {
                Rule::field_decl => fields.push(self.field_decl(p)),
                Rule::require_clause => requires.push(self.require(p)),
                _ => {}
            }
        }
        (fields, requires)
    }

    fn entity_decl(&mut self, pair: Pair<Rule>) -> EntityDecl {
        let mut name = None;
        let mut key = None;
        let mut members = Vec::new();
        let mut uniques = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::key_clause => key = p.into_inner().last().map(|i| self.ident(i)),
                Rule::field_decl | Rule::require_clause => members.push(p),
                Rule::unique_clause => {
                    let span = self.span(&p);
                    let mut fields = Vec::new();
                    let mut message = String::new();
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::ident => fields.push(self.ident(q)),
                            Rule::string => message = self.string(q),
                            _ => {}
                        }
                    }
                    uniques.push(Unique {
                        fields,
                        message,
                        span,
                    });
                }
                _ => {}
            }
        }
        let (fields, requires) = self.members(members);
        EntityDecl {
            name: name.unwrap_or_else(missing_ident),
            key,
            fields,
            requires,
            uniques,
        }
    }

    fn case_decl(&mut self, pair: Pair<Rule>) -> CaseDecl {
        let span = self.span(&pair);
        let members = pair
            .into_inner()
            .filter(|p| matches!(p.as_rule(), Rule::field_decl | Rule::require_clause))
            .collect();
        let (fields, requires) = self.members(members);
        CaseDecl {
            fields,
            requires,
            span,
        }
    }

    fn field_decl(&mut self, pair: Pair<Rule>) -> FieldDecl {
        let mut name = None;
        let mut ty = None;
        let mut default = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::type_expr => ty = Some(self.type_expr(p)),
                Rule::expr => default = Some(self.expr(p)),
                _ => {}
            }
        }
        let name = name.unwrap_or_else(missing_ident);
        let ty = ty.unwrap_or_else(|| TypeExpr {
            kind: TypeExprKind::Named(name.clone()),
            span: name.span,
        });
        FieldDecl { name, ty, default }
    }

    fn require(&mut self, pair: Pair<Rule>) -> Require {
        let span = self.span(&pair);
        let mut cond = None;
        let mut message = String::new();
        let mut at = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::expr => cond = Some(self.expr(p)),
                Rule::string => message = self.string(p),
                Rule::at_field => at = p.into_inner().last().map(|i| self.ident(i)),
                _ => {}
            }
        }
        Require {
            cond: cond.unwrap_or_else(|| bool_expr(span)),
            message,
            at,
            span,
        }
    }

    fn type_expr(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let mut result: Option<TypeExpr> = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::type_atom => result = Some(self.type_atom(p)),
                Rule::per_period => {
                    if let (Some(inner), Some(grain)) = (result.take(), p.into_inner().last()) {
                        result = Some(TypeExpr {
                            kind: TypeExprKind::PerPeriod(Box::new(inner), self.ident(grain)),
                            span,
                        });
                    }
                }
                Rule::optional_mark => {
                    if let Some(inner) = result.take() {
                        result = Some(TypeExpr {
                            kind: TypeExprKind::Optional(Box::new(inner)),
                            span,
                        });
                    }
                }
                _ => {}
            }
        }
        result.unwrap_or_else(|| TypeExpr {
            kind: TypeExprKind::Named(missing_ident()),
            span,
        })
    }

    fn type_atom(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return TypeExpr {
                kind: TypeExprKind::Named(missing_ident()),
                span,
            };
        };
        let kind = match inner.as_rule() {
            Rule::list_type => {
                let t = inner.into_inner().next().map(|t| self.type_expr(t));
                TypeExprKind::List(Box::new(t.unwrap_or_else(|| unknown_type(span))))
            }
            Rule::map_type => {
                let mut key = None;
                let mut value = None;
                for p in inner.into_inner() {
                    match p.as_rule() {
                        Rule::type_atom => key = Some(Box::new(self.type_atom(p))),
                        Rule::type_expr => value = Some(self.type_expr(p)),
                        _ => {}
                    }
                }
                TypeExprKind::Map(key, Box::new(value.unwrap_or_else(|| unknown_type(span))))
            }
            _ => TypeExprKind::Named(self.ident(inner)),
        };
        TypeExpr { kind, span }
    }

    fn provenance(&mut self, pair: Pair<Rule>) -> Option<Provenance> {
        let inner = pair.into_inner().next()?;
        match inner.as_rule() {
            Rule::cite => Some(Provenance::Cite(
                inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::clause)
                    .map(|p| self.ident(p))
                    .collect(),
            )),
            Rule::assumption => {
                let span = self.span(&inner);
                let s = inner
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::string)
                    .map(|p| self.string(p))
                    .unwrap_or_default();
                Some(Provenance::Assumption(s, span))
            }
            _ => None,
        }
    }

    fn param_decl(&mut self, pair: Pair<Rule>) -> ParamDecl {
        let span = self.span(&pair);
        let mut name = None;
        let mut ty = None;
        let mut value = None;
        let mut provenance = Vec::new();
        let mut dated = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::type_expr => ty = Some(self.type_expr(p)),
                Rule::param_value => value = Some(self.param_value(p)),
                Rule::provenance => provenance.extend(self.provenance(p)),
                Rule::dated_value => dated.push(self.dated_value(p)),
                _ => {}
            }
        }
        ParamDecl {
            name: name.unwrap_or_else(missing_ident),
            ty,
            value: value.unwrap_or_else(|| ParamValue::Expr(bool_expr(span))),
            provenance,
            dated,
            span,
        }
    }

    fn param_value(&mut self, pair: Pair<Rule>) -> ParamValue {
        let span = self.span(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return ParamValue::Expr(bool_expr(span));
        };
        match inner.as_rule() {
            Rule::table_lit => {
                let tspan = self.span(&inner);
                let mut entries = Vec::new();
                for e in inner
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::table_entry)
                {
                    let mut key = None;
                    let mut value = None;
                    let mut provenance = Vec::new();
                    for p in e.into_inner() {
                        match p.as_rule() {
                            Rule::ident => key = Some(self.ident(p)),
                            Rule::expr => value = Some(self.expr(p)),
                            Rule::provenance => provenance.extend(self.provenance(p)),
                            _ => {}
                        }
                    }
                    entries.push(TableEntry {
                        key: key.unwrap_or_else(missing_ident),
                        value: value.unwrap_or_else(|| bool_expr(tspan)),
                        provenance,
                    });
                }
                ParamValue::Table(entries, tspan)
            }
            _ => ParamValue::Expr(self.expr(inner)),
        }
    }

    fn dated_value(&mut self, pair: Pair<Rule>) -> DatedValue {
        let span = self.span(&pair);
        let mut from = None;
        let mut value = None;
        let mut provenance = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::date_lit => from = Some(self.literal(p)),
                Rule::param_value => value = Some(self.param_value(p)),
                Rule::provenance => provenance.extend(self.provenance(p)),
                _ => {}
            }
        }
        DatedValue {
            from: from.unwrap_or_else(|| bool_expr(span)),
            value: value.unwrap_or_else(|| ParamValue::Expr(bool_expr(span))),
            provenance,
        }
    }

    fn def_decl(&mut self, pair: Pair<Rule>) -> DefDecl {
        let span = self.span(&pair);
        let mut output = false;
        let mut entity = None;
        let mut name = None;
        let mut period = None;
        let mut ty = None;
        let mut provenance = Vec::new();
        let mut domain = None;
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::output_mark => output = true,
                Rule::def_target => {
                    let mut ids: Vec<Ident> = p.into_inner().map(|i| self.ident(i)).collect();
                    name = ids.pop();
                    entity = ids.pop();
                }
                Rule::period_param => {
                    let mut ids = p.into_inner().map(|i| self.ident(i));
                    if let (Some(v), Some(g)) = (ids.next(), ids.next()) {
                        period = Some((v, g));
                    }
                }
                Rule::type_expr => ty = Some(self.type_expr(p)),
                Rule::provenance => provenance.extend(self.provenance(p)),
                Rule::domain => domain = p.into_inner().last().map(|e| self.expr(e)),
                Rule::expr => body = Some(self.expr(p)),
                _ => {}
            }
        }
        DefDecl {
            output,
            entity,
            name: name.unwrap_or_else(missing_ident),
            period,
            ty: ty.unwrap_or_else(|| unknown_type(span)),
            provenance,
            domain,
            body: body.unwrap_or_else(|| bool_expr(span)),
            span,
        }
    }

    fn generator(&mut self, pair: Pair<Rule>) -> Generator {
        let span = self.span(&pair);
        let mut var = None;
        let mut source = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => var = Some(self.ident(p)),
                Rule::expr_noin | Rule::expr => source = Some(self.expr(p)),
                _ => {}
            }
        }
        Generator {
            var: var.unwrap_or_else(missing_ident),
            source: source.unwrap_or_else(|| bool_expr(span)),
        }
    }

    fn binding(&mut self, pair: Pair<Rule>) -> (Ident, Expr) {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = inner
            .next()
            .map(|p| self.ident(p))
            .unwrap_or_else(missing_ident);
        let value = inner
            .next()
            .map(|p| self.expr(p))
            .unwrap_or_else(|| bool_expr(span));
        (name, value)
    }

    fn rule_decl(&mut self, pair: Pair<Rule>) -> RuleDecl {
        let span = self.span(&pair);
        let mut name = None;
        let mut provenance = Vec::new();
        let mut generators = Vec::new();
        let mut steps = Vec::new();
        let mut consequences = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = Some(self.ident(p)),
                Rule::provenance => provenance.extend(self.provenance(p)),
                Rule::generator => generators.push(self.generator(p)),
                Rule::rule_where => {
                    if let Some(e) = p.into_inner().last() {
                        steps.push(RuleStep::Where(self.expr(e)));
                    }
                }
                Rule::rule_let => {
                    let bindings = p
                        .into_inner()
                        .filter(|b| b.as_rule() == Rule::binding)
                        .map(|b| self.binding(b))
                        .collect();
                    steps.push(RuleStep::Let(bindings));
                }
                Rule::consequence => consequences.push(self.consequence(p)),
                _ => {}
            }
        }
        RuleDecl {
            name: name.unwrap_or_else(missing_ident),
            provenance,
            generators,
            steps,
            consequences,
            span,
        }
    }

    fn consequence(&mut self, pair: Pair<Rule>) -> Consequence {
        let span = self.span(&pair);
        let mut kind = None;
        let mut target = None;
        let mut period = None;
        let mut when = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::deduct | Rule::withhold | Rule::revoke => {
                    let rule = p.as_rule();
                    let mut exprs = Vec::new();
                    let mut name = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::expr | Rule::expr_noin => exprs.push(self.expr(q)),
                            Rule::ident => name = Some(self.ident(q)),
                            _ => {}
                        }
                    }
                    let mut exprs = exprs.into_iter();
                    kind = Some(match rule {
                        Rule::deduct => ConsequenceKind::Deduct {
                            amount: exprs.next().unwrap_or_else(|| bool_expr(span)),
                        },
                        Rule::withhold => ConsequenceKind::Flag {
                            verb: FlagVerb::Withhold,
                            name: name.clone().unwrap_or_else(missing_ident),
                        },
                        _ => ConsequenceKind::Flag {
                            verb: FlagVerb::Revoke,
                            name: name.clone().unwrap_or_else(missing_ident),
                        },
                    });
                    target = exprs.next();
                    period = exprs.next();
                }
                Rule::when_clause => when = p.into_inner().last().map(|e| self.expr(e)),
                _ => {}
            }
        }
        Consequence {
            kind: kind.unwrap_or(ConsequenceKind::Deduct {
                amount: bool_expr(span),
            }),
            target: target.unwrap_or_else(|| bool_expr(span)),
            period: period.unwrap_or_else(|| bool_expr(span)),
            when,
            span,
        }
    }

    fn test_decl(&mut self, pair: Pair<Rule>) -> TestDecl {
        let span = self.span(&pair);
        let mut name = String::new();
        let mut steps = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::string => name = self.string(p),
                Rule::test_case => {
                    let mut file = false;
                    for q in p.into_inner() {
                        let qspan = self.span(&q);
                        match q.as_rule() {
                            Rule::string => {
                                file = true;
                                steps.push(TestStep::Case(self.string(q), qspan));
                            }
                            Rule::json_object => {
                                steps.push(TestStep::CaseJson(q.as_str().to_string(), qspan, file))
                            }
                            _ => {}
                        }
                    }
                }
                Rule::test_set => {
                    let (id, e) = self.binding_like(p);
                    steps.push(TestStep::Set(id, e));
                }
                Rule::test_expect => {
                    let mut inner = p.into_inner();
                    if let Some(e) = inner.find(|q| q.as_rule() == Rule::expr) {
                        let e = self.expr(e);
                        let message = inner
                            .find(|q| q.as_rule() == Rule::string)
                            .map(|s| self.string(s));
                        steps.push(TestStep::Expect(e, message));
                    }
                }
                _ => {}
            }
        }
        TestDecl { name, steps, span }
    }

    fn binding_like(&mut self, pair: Pair<Rule>) -> (Ident, Expr) {
        let span = self.span(&pair);
        let mut id = None;
        let mut e = None;
        for q in pair.into_inner() {
            match q.as_rule() {
                Rule::ident => id = Some(self.ident(q)),
                Rule::expr => e = Some(self.expr(q)),
                _ => {}
            }
        }
        (
            id.unwrap_or_else(missing_ident),
            e.unwrap_or_else(|| bool_expr(span)),
        )
    }

    fn string(&mut self, pair: Pair<Rule>) -> String {
        let span = self.span(&pair);
        let raw = pair
            .into_inner()
            .next()
            .map(|p| p.as_str())
            .unwrap_or_default();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                other => {
                    let shown = other.map(|c| c.to_string()).unwrap_or_default();
                    self.errors.push(
                        Diagnostic::error(
                            "E0004",
                            format!("unknown escape `\\{shown}` in a string"),
                        )
                        .with_label(span, "in this string")
                        .with_help("the escapes are \\n, \\t, \\\" and \\\\"),
                    );
                }
            }
        }
        out
    }

    fn expr(&mut self, pair: Pair<Rule>) -> Expr {
        let source = self.source;
        let this = std::cell::RefCell::new(self);
        PRATT
            .map_primary(|p| this.borrow_mut().postfix_expr(p))
            .map_prefix(|op, rhs| {
                let span = Span::new(source, op.as_span().start(), op.as_span().end()).to(rhs.span);
                let op = if op.as_rule() == Rule::op_not {
                    UnOp::Not
                } else {
                    UnOp::Neg
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(rhs)),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span.to(rhs.span);
                let op = match op.as_rule() {
                    Rule::op_coalesce => BinOp::Coalesce,
                    Rule::op_eq => BinOp::Eq,
                    Rule::op_ne => BinOp::Ne,
                    Rule::op_le => BinOp::Le,
                    Rule::op_ge => BinOp::Ge,
                    Rule::op_lt => BinOp::Lt,
                    Rule::op_gt => BinOp::Gt,
                    Rule::op_add => BinOp::Add,
                    Rule::op_sub => BinOp::Sub,
                    Rule::op_mul => BinOp::Mul,
                    Rule::op_div => BinOp::Div,
                    Rule::op_and => BinOp::And,
                    Rule::op_or => BinOp::Or,
                    _ => BinOp::In,
                };
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            })
            .parse(pair.into_inner())
    }

    fn postfix_expr(&mut self, pair: Pair<Rule>) -> Expr {
        let mut inner = pair.into_inner();
        let Some(first) = inner.next() else {
            return bool_expr(Span::default());
        };
        let mut expr = self.primary(first);
        for p in inner {
            let span = expr.span.to(self.span(&p));
            expr = match p.as_rule() {
                Rule::member => {
                    let id = p
                        .into_inner()
                        .next()
                        .map(|i| self.ident(i))
                        .unwrap_or_else(missing_ident);
                    Expr {
                        kind: ExprKind::Member(Box::new(expr), id),
                        span,
                    }
                }
                _ => {
                    let idx = p
                        .into_inner()
                        .next()
                        .map(|e| self.expr(e))
                        .unwrap_or_else(|| bool_expr(span));
                    Expr {
                        kind: ExprKind::Index(Box::new(expr), Box::new(idx)),
                        span,
                    }
                }
            };
        }
        expr
    }

    fn primary(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::paren => {
                // The brackets belong to the expression: labels and quoted
                // formulas show them.
                let mut inner = pair
                    .into_inner()
                    .next()
                    .map(|e| self.expr(e))
                    .unwrap_or_else(|| bool_expr(span));
                inner.span = span;
                return inner;
            }
            Rule::ident => ExprKind::Name(pair.as_str().to_string()),
            Rule::param_ref => {
                let id = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::ident)
                    .map(|i| self.ident(i))
                    .unwrap_or_else(missing_ident);
                ExprKind::ParamRef(id)
            }
            Rule::if_expr => {
                let mut es = pair
                    .into_inner()
                    .filter(|p| p.as_rule() == Rule::expr)
                    .map(|e| self.expr(e));
                let c = es.next().unwrap_or_else(|| bool_expr(span));
                let t = es.next().unwrap_or_else(|| bool_expr(span));
                let e = es.next().unwrap_or_else(|| bool_expr(span));
                ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
            }
            Rule::let_expr => {
                let mut bindings = Vec::new();
                let mut body = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::binding => bindings.push(self.binding(p)),
                        Rule::expr => body = Some(self.expr(p)),
                        _ => {}
                    }
                }
                ExprKind::Let(bindings, Box::new(body.unwrap_or_else(|| bool_expr(span))))
            }
            Rule::match_expr => {
                let mut scrutinee = None;
                let mut arms = Vec::new();
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::expr => scrutinee = Some(self.expr(p)),
                        Rule::match_arm => arms.push(self.match_arm(p)),
                        _ => {}
                    }
                }
                ExprKind::Match(Box::new(scrutinee.unwrap_or_else(|| bool_expr(span))), arms)
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = inner
                    .next()
                    .map(|i| self.ident(i))
                    .unwrap_or_else(missing_ident);
                let args = match inner.next().and_then(|a| a.into_inner().next()) {
                    None => CallArgs::List(Vec::new()),
                    Some(a) => match a.as_rule() {
                        Rule::comprehension => CallArgs::Comprehension(self.comprehension(a)),
                        Rule::filter_form => CallArgs::Comprehension(self.filter_form(a)),
                        _ => CallArgs::List(
                            a.into_inner()
                                .filter(|p| p.as_rule() == Rule::expr)
                                .map(|e| self.expr(e))
                                .collect(),
                        ),
                    },
                };
                ExprKind::Call(name, args)
            }
            Rule::list_lit => match pair.into_inner().next() {
                None => ExprKind::List(Vec::new()),
                Some(p) if p.as_rule() == Rule::comprehension => {
                    ExprKind::ListComp(self.comprehension(p))
                }
                Some(p) => ExprKind::List(
                    p.into_inner()
                        .filter(|e| e.as_rule() == Rule::list_elem)
                        .map(|e| {
                            let mut value = None;
                            let mut when = None;
                            for q in e.into_inner() {
                                match q.as_rule() {
                                    Rule::expr => value = Some(self.expr(q)),
                                    Rule::when_clause => {
                                        when = q.into_inner().last().map(|w| self.expr(w))
                                    }
                                    _ => {}
                                }
                            }
                            (value.unwrap_or_else(|| bool_expr(span)), when)
                        })
                        .collect(),
                ),
            },
            Rule::map_lit => match pair.into_inner().next() {
                None => ExprKind::EmptyMap,
                Some(p) => {
                    let mut exprs = Vec::new();
                    let mut generators = Vec::new();
                    let mut filter = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::expr => exprs.push(self.expr(q)),
                            Rule::generator => generators.push(self.generator(q)),
                            Rule::comp_where => {
                                filter = q.into_inner().last().map(|w| Box::new(self.expr(w)))
                            }
                            _ => {}
                        }
                    }
                    let mut exprs = exprs.into_iter();
                    ExprKind::MapComp {
                        key: Box::new(exprs.next().unwrap_or_else(|| bool_expr(span))),
                        value: Box::new(exprs.next().unwrap_or_else(|| bool_expr(span))),
                        comp: Comprehension {
                            element: None,
                            generators,
                            filter,
                        },
                    }
                }
            },
            _ => return self.literal(pair),
        };
        Expr { kind, span }
    }

    fn match_arm(&mut self, pair: Pair<Rule>) -> MatchArm {
        let span = self.span(&pair);
        let mut patterns = Vec::new();
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::pattern => {
                    patterns = p
                        .into_inner()
                        .filter(|i| i.as_rule() == Rule::ident)
                        .map(|i| self.ident(i))
                        .collect()
                }
                Rule::expr => body = Some(self.expr(p)),
                _ => {}
            }
        }
        MatchArm {
            patterns,
            body: body.unwrap_or_else(|| bool_expr(span)),
            span,
        }
    }

    fn comprehension(&mut self, pair: Pair<Rule>) -> Comprehension {
        let mut element = None;
        let mut generators = Vec::new();
        let mut filter = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::expr => element = Some(Box::new(self.expr(p))),
                Rule::generator => generators.push(self.generator(p)),
                Rule::comp_where => filter = p.into_inner().last().map(|w| Box::new(self.expr(w))),
                _ => {}
            }
        }
        Comprehension {
            element,
            generators,
            filter,
        }
    }

    fn filter_form(&mut self, pair: Pair<Rule>) -> Comprehension {
        let mut c = self.comprehension(pair);
        c.element = None;
        c
    }

    fn literal(&mut self, pair: Pair<Rule>) -> Expr {
        let span = self.span(&pair);
        let text = pair.as_str();
        let lit = match pair.as_rule() {
            Rule::date_lit => match period::parse_date(text) {
                Some(d) => Literal::Date(d),
                None => {
                    return self.bad_literal(
                        span,
                        format!("`{text}` is not a calendar date"),
                        "a date is YEAR-MONTH-DAY with a day the month has, e.g. 2022-02-28",
                    );
                }
            },
            Rule::month_lit => match period::Month::parse(text) {
                Some(m) => Literal::Month(m),
                None => {
                    return self.bad_literal(
                        span,
                        format!("`{text}` is not a month"),
                        "a month is YEAR-MONTH with the month from 01 to 12, e.g. 2022-12",
                    );
                }
            },
            Rule::quarter_lit => match period::Quarter::parse(text) {
                Some(q) => Literal::Quarter(q),
                None => {
                    return self.bad_literal(
                        span,
                        format!("`{text}` is not a quarter"),
                        "a quarter is YEAR-Q1 to YEAR-Q4, e.g. 2022-Q4",
                    );
                }
            },
            Rule::number_lit => {
                let mut digits = "";
                let mut unit_text = "";
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::digits => digits = p.as_str(),
                        Rule::unit => unit_text = p.as_str(),
                        _ => {}
                    }
                }
                let (unit, pow) = match unit_text {
                    "元" => (LitUnit::Yuan, 0),
                    "万元" => (LitUnit::Yuan, 4),
                    "亿元" => (LitUnit::Yuan, 8),
                    "分" => (LitUnit::Points, 0),
                    _ => (LitUnit::None, 0),
                };
                match num::scaled_literal(digits, pow) {
                    Ok(value) => Literal::Number {
                        value,
                        unit,
                        integer: !digits.contains('.') || pow > 0 && value.fract().is_zero(),
                    },
                    Err(e) => {
                        return self.bad_literal(
                            span,
                            format!(
                                "`{text}`: {}",
                                e.to_string().trim_end_matches('.').to_lowercase()
                            ),
                            "check the number of digits",
                        );
                    }
                }
            }
            Rule::string => Literal::Text(self.string(pair)),
            Rule::bool_lit => Literal::Bool(text == "true"),
            Rule::none_lit => Literal::None,
            _ => return self.bad_literal(span, format!("unexpected `{text}`"), "not a literal"),
        };
        Expr {
            kind: ExprKind::Literal(lit),
            span,
        }
    }

    fn bad_literal(&mut self, span: Span, message: String, help: &str) -> Expr {
        self.errors.push(
            Diagnostic::error("E0003", message)
                .with_label(span, "this literal")
                .with_help(help),
        );
        bool_expr(span)
    }
}

/// The grammar's whitespace.
const SPACE: &[char] = &[' ', '\t', '\r', '\n', '\u{3000}', '\u{FEFF}'];

/// The byte ranges of the comments of a source, in order (`#` to the end of its line).
fn comment_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(c) = comment_start(line) {
            let end = line_start + line.trim_end_matches('\n').len();
            out.push((line_start + c, end));
        }
        line_start += line.len();
    }
    out
}

/// The length of a text without the whitespace and comments at its end
/// (for one-off use on an error path: it scans the last line).
pub(super) fn content_len(text: &str) -> usize {
    let mut end = text.len();
    loop {
        let trimmed = text.get(..end).unwrap_or("").trim_end_matches(SPACE);
        end = trimmed.len();
        let line_start = trimmed.rfind('\n').map_or(0, |i| i + 1);
        match trimmed.get(line_start..).and_then(comment_start) {
            Some(c) => end = line_start + c,
            None => break,
        }
    }
    if end == 0 { text.len() } else { end }
}

/// Where a `#` comment starts in one line of source, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => in_string = false,
            (false, _, '"') => in_string = true,
            (false, _, '#') => return Some(i),
            _ => {}
        }
    }
    None
}

fn missing_ident() -> Ident {
    Ident {
        name: String::new(),
        span: Span::default(),
    }
}

fn unknown_type(span: Span) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Named(missing_ident()),
        span,
    }
}

/// A placeholder for a part the grammar guarantees but the tree lacked; keeps lowering total.
fn bool_expr(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Literal(Literal::Bool(false)),
        span,
    }
}
