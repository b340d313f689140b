//! Lowering calls: builtins, aggregations over comprehensions, and consequence queries.

use super::Checker;
use super::Dep;
use super::ir::{
    self, Aggregate, Builtin, Expr, ExprKind, GenSource, LedgerKey, LedgerKind, Query, TieBreak,
};
use super::narrow;
use super::suggest::closest;
use super::types::Type;
use crate::diagnostic::{Diagnostic, Span};
use crate::eval::num::RoundingMode;
use crate::syntax::ast::{self, CallArgs, FlagVerb, Ident};

/// Every builtin function's name, for "did you mean".
pub const BUILTIN_NAMES: &[&str] = &[
    "round",
    "floor",
    "ceil",
    "clamp",
    "min",
    "max",
    "abs",
    "quarter",
    "month",
    "year",
    "months",
    "quarters",
    "day",
    "ordinal",
    "is_blank",
    "decimals",
    "money",
    "score",
    "number",
    "allocate",
    "deductions",
    "withheld",
    "revoked",
    "count",
    "sum",
    "mean",
    "all",
    "any",
    "first",
];

const TIE_BREAKS: &[&str] = &["ascending_key", "descending_key", "input_order"];

fn aggregate_of(name: &str) -> Option<Aggregate> {
    Some(match name {
        "count" => Aggregate::Count,
        "sum" => Aggregate::Sum,
        "mean" => Aggregate::Mean,
        "min" => Aggregate::Min,
        "max" => Aggregate::Max,
        "all" => Aggregate::All,
        "any" => Aggregate::Any,
        "first" => Aggregate::First,
        _ => return None,
    })
}

impl Checker {
    pub(super) fn call(&mut self, name: &Ident, args: &CallArgs, span: Span) -> Expr {
        let n = name.name.as_str();
        if let CallArgs::Comprehension(comp) = args {
            let Some(agg) = aggregate_of(n) else {
                self.error(
                    Diagnostic::error(
                        "E0106",
                        format!("`{n}` does not take a `for` or `in … where`"),
                    )
                    .with_label(name.span, "not an aggregation")
                    .with_help("aggregations are count, sum, mean, min, max, all, any and first"),
                );
                return Checker::poison(span);
            };
            let c = self.comprehension(comp, span);
            let ty = self.aggregate_type(agg, &c.element.ty, c.element.span);
            return Expr {
                kind: ExprKind::Aggregate(agg, Box::new(c)),
                ty,
                span,
            };
        }
        let CallArgs::List(args) = args else {
            return Checker::poison(span);
        };
        if let Some(&e) = self.entity_by_name.get(n) {
            return self.lookup_call(e, name, args, span);
        }
        match n {
            "deductions" => return self.query(Query::Deductions, None, name, args, span),
            "withheld" => {
                return self.query(Query::Flagged, Some(FlagVerb::Withhold), name, args, span);
            }
            "revoked" => {
                return self.query(Query::Flagged, Some(FlagVerb::Revoke), name, args, span);
            }
            "round" => return self.round_call(args, span),
            "allocate" => return self.allocate_call(args, span),
            _ => {}
        }
        if let Some(agg) = aggregate_of(n)
            && let [list] = args.as_slice()
        {
            let x = self.expr(list);
            let elem = match &x.ty {
                Type::List(t) => (**t).clone(),
                Type::Error => Type::Error,
                other => {
                    let msg = format!("`{n}` works on a list; this is {}", self.type_name(other));
                    self.error(
                        Diagnostic::error("E0301", msg)
                            .with_label(list.span, "not a list")
                            .with_help(format!(
                                "write `{n}(x for x in …)` or `{n}(x in … where …)`"
                            )),
                    );
                    Type::Error
                }
            };
            let ty = self.aggregate_type(agg, &elem, list.span);
            return Expr {
                kind: ExprKind::AggregateList(agg, Box::new(x)),
                ty,
                span,
            };
        }
        if !BUILTIN_NAMES.contains(&n) {
            // Not lowering the arguments: they may be a rounding mode or tie-break
            // that only means something to the function the name was meant to be.
            self.unknown_function(name);
            return Checker::poison(span);
        }
        let lowered: Vec<Expr> = args.iter().map(|a| self.expr(a)).collect();
        let tys: Vec<Type> = lowered.iter().map(|a| a.ty.clone()).collect();
        let result = self.builtin(n, name.span, &lowered, &tys, span);
        match result {
            Some((b, ty)) => Expr {
                kind: ExprKind::Call(b, lowered),
                ty,
                span,
            },
            None => Checker::poison(span),
        }
    }

    fn unknown_function(&mut self, name: &Ident) {
        let n = name.name.as_str();
        let def = self
            .scope
            .self_entity
            .and_then(|e| self.def_by_name.get(&(Some(e), n.to_string())))
            .or_else(|| self.def_by_name.get(&(None, n.to_string())))
            .and_then(|d| self.prog.defs.get(*d as usize));
        if let Some(def) = def {
            let help = match def.grain {
                Some(g) => format!(
                    "a definition takes its {} in square brackets: `{n}[…]`",
                    g.name()
                ),
                None => format!("a definition without a period is written `{n}`, without brackets"),
            };
            self.error(
                Diagnostic::error("E0106", format!("`{n}` is a definition, not a function"))
                    .with_label(name.span, "called like a function")
                    .with_help(help),
            );
            return;
        }
        let mut candidates: Vec<String> = BUILTIN_NAMES.iter().map(|s| s.to_string()).collect();
        candidates.extend(self.entity_by_name.keys().cloned());
        self.unknown(n, name.span, candidates, "function");
    }

    fn arity(&mut self, name: &str, span: Span, got: usize, want: &str) {
        self.error(
            Diagnostic::error("E0107", format!("`{name}` takes {want}, not {got}"))
                .with_label(span, "wrong number of arguments"),
        );
    }

    fn arg_error(&mut self, name: &str, arg: &Expr, want: &str) {
        if arg.ty.is_error() {
            return;
        }
        let msg = format!("`{name}` needs {want}; this is {}", self.type_name(&arg.ty));
        let mut d =
            Diagnostic::error("E0301", msg).with_label(arg.span, format!("expected {want}"));
        if arg.ty.is_optional() {
            d = d.with_help("it may be none: check `!= none` first, or give a default with `??`");
        }
        self.error(d);
    }

    fn builtin(
        &mut self,
        n: &str,
        nspan: Span,
        args: &[Expr],
        tys: &[Type],
        span: Span,
    ) -> Option<(Builtin, Type)> {
        use Type::*;
        let one = |t: &[Type]| t.first().cloned().unwrap_or(Error);
        let count = args.len();
        let check_count = |this: &mut Self, want: usize, text: &str| {
            if count != want {
                this.arity(n, nspan, count, text);
                false
            } else {
                true
            }
        };
        let first = args.first();
        match n {
            "floor" | "ceil" | "abs" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                let t = one(tys);
                if !t.is_numeric() {
                    self.arg_error(n, first?, "a number");
                    return None;
                }
                let b = match n {
                    "floor" => Builtin::Floor,
                    "ceil" => Builtin::Ceil,
                    _ => Builtin::Abs,
                };
                Some((b, t))
            }
            "clamp" => {
                if !check_count(self, 3, "3 arguments (value, low, high)") {
                    return None;
                }
                let t = tys.iter().try_fold(Error, |acc, t| acc.join(t));
                match t {
                    Some(t) if t.is_numeric() || t.is_error() => Some((Builtin::Clamp, t)),
                    _ => {
                        let msg = format!(
                            "`clamp` needs three numbers of one kind: {}",
                            tys.iter()
                                .map(|t| self.type_name(t))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        self.error(Diagnostic::error("E0120", msg).with_label(span, "mixed kinds").with_help("write the bounds in the value's unit, e.g. `clamp(x, 0分, 100分)`"));
                        None
                    }
                }
            }
            "min" | "max" => {
                if count < 2 {
                    self.arity(
                        n,
                        nspan,
                        count,
                        "a list, a comprehension or at least 2 values",
                    );
                    return None;
                }
                let t = tys.iter().try_fold(Error, |acc, t| acc.join(t));
                match t {
                    Some(t) if !t.is_optional() => Some((
                        if n == "min" {
                            Builtin::Min
                        } else {
                            Builtin::Max
                        },
                        t,
                    )),
                    _ => {
                        let msg = format!(
                            "`{n}` compares values of one type: {}",
                            tys.iter()
                                .map(|t| self.type_name(t))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                        self.error(Diagnostic::error("E0120", msg).with_label(span, "mixed types"));
                        None
                    }
                }
            }
            "quarter" | "month" | "year" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                let t = one(tys);
                let ok = match n {
                    "quarter" => matches!(t, Date | Month | Quarter),
                    "month" => matches!(t, Date | Month),
                    _ => matches!(t, Date | Month | Quarter | Year | Int),
                };
                if !ok && !t.is_error() {
                    self.arg_error(n, first?, "a date or a period");
                    return None;
                }
                Some(match n {
                    "quarter" => (Builtin::QuarterOf, Quarter),
                    "month" => (Builtin::MonthOf, Month),
                    _ => (Builtin::YearOf, Year),
                })
            }
            "months" | "quarters" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                let t = one(tys);
                let ok = if n == "months" {
                    matches!(t, Quarter | Year)
                } else {
                    matches!(t, Year)
                };
                if !ok && !t.is_error() {
                    self.arg_error(
                        n,
                        first?,
                        if n == "months" {
                            "a quarter or a year"
                        } else {
                            "a year"
                        },
                    );
                    return None;
                }
                Some(if n == "months" {
                    (Builtin::MonthsOf, List(Box::new(Month)))
                } else {
                    (Builtin::QuartersOf, List(Box::new(Quarter)))
                })
            }
            "day" => {
                if !check_count(self, 2, "2 arguments (month, day number)") {
                    return None;
                }
                if !tys.first().is_some_and(|t| t.fits(&Month)) {
                    self.arg_error(n, first?, "a month first");
                    return None;
                }
                if !tys.get(1).is_some_and(|t| t.fits(&Int)) {
                    self.arg_error(n, args.get(1)?, "a day number (int)");
                    return None;
                }
                Some((Builtin::Day, Date))
            }
            "ordinal" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                if !matches!(one(tys), Quarter | Month | Error) {
                    self.arg_error(n, first?, "a quarter or a month");
                    return None;
                }
                Some((Builtin::Ordinal, Int))
            }
            "is_blank" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                if !one(tys).fits(&Text) {
                    self.arg_error(n, first?, "text");
                    return None;
                }
                Some((Builtin::IsBlank, Bool))
            }
            "decimals" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                if !one(tys).is_numeric() && !one(tys).is_error() {
                    self.arg_error(n, first?, "a number");
                    return None;
                }
                Some((Builtin::Decimals, Int))
            }
            "money" | "score" | "number" => {
                if !check_count(self, 1, "1 argument") {
                    return None;
                }
                let t = one(tys);
                let ok = if n == "number" {
                    t.is_numeric()
                } else {
                    t.is_plain_number()
                };
                if !ok && !t.is_error() {
                    self.arg_error(
                        n,
                        first?,
                        if n == "number" {
                            "money, a score or a number"
                        } else {
                            "a plain number"
                        },
                    );
                    return None;
                }
                Some((
                    Builtin::Convert,
                    match n {
                        "money" => Money,
                        "score" => Score,
                        _ => Decimal,
                    },
                ))
            }
            _ => {
                let mut candidates: Vec<String> =
                    BUILTIN_NAMES.iter().map(|s| s.to_string()).collect();
                candidates.extend(self.entity_by_name.keys().cloned());
                self.unknown(n, nspan, candidates, "function");
                None
            }
        }
    }

    fn named_option<'a>(
        &mut self,
        arg: Option<&'a ast::Expr>,
        options: &[&str],
        what: &str,
        span: Span,
    ) -> Option<&'a str> {
        let listed = options
            .iter()
            .map(|o| format!("`{o}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match arg.map(|a| &a.kind) {
            Some(ast::ExprKind::Name(n)) if options.contains(&n.as_str()) => Some(n.as_str()),
            Some(ast::ExprKind::Name(n)) => {
                let mut d = Diagnostic::error("E0108", format!("unknown {what} `{n}`"))
                    .with_label(arg.map(|a| a.span).unwrap_or(span), format!("not a {what}"));
                d = match closest(n, options.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("the {what}s are {listed}")),
                };
                self.error(d);
                None
            }
            _ => {
                self.error(
                    Diagnostic::error("E0108", format!("name the {what}"))
                        .with_label(
                            arg.map(|a| a.span).unwrap_or(span),
                            format!("expected a {what}"),
                        )
                        .with_help(format!("the {what}s are {listed}")),
                );
                None
            }
        }
    }

    /// A rounding unit such as `0.01元` is how money is paid, not a policy figure: no lint.
    fn unit_arg(&mut self, arg: &ast::Expr) -> Expr {
        let before = self.money_literals.len();
        let x = self.expr(arg);
        if matches!(arg.kind, ast::ExprKind::Literal(_)) {
            self.money_literals.truncate(before);
        }
        x
    }

    /// `round(x, unit, mode)`: the mode is always named.
    fn round_call(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        let names: Vec<&str> = RoundingMode::ALL.iter().map(|m| m.name()).collect();
        if args.len() != 3 {
            self.arity(
                "round",
                span,
                args.len(),
                "3 arguments (value, unit, mode), e.g. `round(x, 0.01元, half_away_from_zero)`",
            );
            return Checker::poison(span);
        }
        let x = self.expr(&args[0]);
        let unit = self.unit_arg(&args[1]);
        let mode = self
            .named_option(args.get(2), &names, "rounding mode", span)
            .and_then(RoundingMode::from_name);
        let kind_ok = match (&x.ty, &unit.ty) {
            (a, b) if a.is_error() || b.is_error() => true,
            (a, b) if a.is_plain_number() && b.is_plain_number() => true,
            (a, b) => a == b && a.is_numeric(),
        };
        if !kind_ok {
            let (tx, tu) = (self.type_name(&x.ty), self.type_name(&unit.ty));
            self.error(
                Diagnostic::error(
                    "E0120",
                    format!("`round` needs a unit of the value's kind: {tx} rounded to {tu}"),
                )
                .with_label(args[1].span, "this unit")
                .with_help("round money to `0.01元`, scores to `0.01分`, plain numbers to `0.01`"),
            );
        }
        let ty = if x.ty == Type::Int {
            Type::Decimal
        } else {
            x.ty.clone()
        };
        match mode {
            Some(m) => Expr {
                kind: ExprKind::Call(Builtin::Round(m), vec![x, unit]),
                ty,
                span,
            },
            None => Checker::poison(span),
        }
    }

    /// `allocate(pool, {key: weight for …}, unit, tie_break)`
    fn allocate_call(&mut self, args: &[ast::Expr], span: Span) -> Expr {
        if args.len() != 4 {
            self.arity(
                "allocate",
                span,
                args.len(),
                "4 arguments (pool, weights, unit, tie-break)",
            );
            return Checker::poison(span);
        }
        let pool = self.expr(&args[0]);
        let weights = self.expr(&args[1]);
        let unit = self.unit_arg(&args[2]);
        let tie = self.named_option(args.get(3), TIE_BREAKS, "tie-break", span);
        if !pool.ty.fits(&Type::Money) {
            self.arg_error("allocate", &pool, "a money pool");
        }
        if !unit.ty.fits(&Type::Money) {
            self.arg_error("allocate", &unit, "a money unit such as 0.01元");
        }
        let key = match &weights.ty {
            Type::Map(k, v) if v.is_numeric() || v.is_error() => (**k).clone(),
            Type::Error => Type::Error,
            _ => {
                self.arg_error(
                    "allocate",
                    &weights,
                    "weights as a map, e.g. `{p: p.得分[y] for p in 员工}`",
                );
                Type::Error
            }
        };
        let tie = match tie {
            Some("ascending_key") => TieBreak::AscendingKey,
            Some("descending_key") => TieBreak::DescendingKey,
            Some(_) => TieBreak::InputOrder,
            None => return Checker::poison(span),
        };
        Expr {
            kind: ExprKind::Call(Builtin::Allocate(tie), vec![pool, weights, unit]),
            ty: Type::Map(Box::new(key), Box::new(Type::Money)),
            span,
        }
    }

    /// `干部("S003")`: a record by its key.
    fn lookup_call(&mut self, e: u32, name: &Ident, args: &[ast::Expr], span: Span) -> Expr {
        if args.len() != 1 {
            self.arity(&name.name, span, args.len(), "1 argument (the key)");
            return Checker::poison(span);
        }
        let key = self.expr(&args[0]);
        self.expect_type(&key, &Type::Text, "a key");
        let has_key = self
            .prog
            .entities
            .get(e as usize)
            .is_some_and(|x| x.key.is_some());
        if !has_key {
            self.error(
                Diagnostic::error(
                    "E0206",
                    format!("`{}` has no key to look records up by", name.name),
                )
                .with_label(name.span, "declared without `key`"),
            );
        }
        Expr {
            kind: ExprKind::Lookup(e, Box::new(key)),
            ty: Type::Entity(e),
            span,
        }
    }

    fn aggregate_type(&mut self, agg: Aggregate, elem: &Type, span: Span) -> Type {
        let bad = |this: &mut Self, want: &str| {
            if !elem.is_error() {
                let msg = format!(
                    "this aggregation needs {want}; the items are {}",
                    this.type_name(elem)
                );
                this.error(Diagnostic::error("E0301", msg).with_label(span, "these items"));
            }
            Type::Error
        };
        match agg {
            Aggregate::Count => Type::Int,
            Aggregate::Sum if elem.is_numeric() => elem.clone(),
            Aggregate::Sum => bad(self, "numbers"),
            Aggregate::Mean if elem.is_numeric() => {
                if *elem == Type::Int {
                    Type::Decimal
                } else {
                    elem.clone()
                }
            }
            Aggregate::Mean => bad(self, "numbers"),
            Aggregate::Min | Aggregate::Max
                if !elem.is_optional() && !matches!(elem, Type::List(_) | Type::Map(..)) =>
            {
                elem.clone()
            }
            Aggregate::Min | Aggregate::Max => bad(self, "values that can be ordered"),
            Aggregate::All | Aggregate::Any if elem.fits(&Type::Bool) => Type::Bool,
            Aggregate::All | Aggregate::Any => bad(self, "conditions"),
            Aggregate::First => elem.clone().optional(),
            Aggregate::List => Type::List(Box::new(elem.clone())),
        }
    }

    pub(super) fn generator(&mut self, g: &ast::Generator) -> ir::Generator {
        let (source, ty) = match &g.source.kind {
            ast::ExprKind::Name(n)
                if self.scope.lookup(n).is_none() && self.entity_by_name.contains_key(n) =>
            {
                let e = self.entity_by_name.get(n).copied().unwrap_or(0);
                (GenSource::Entity(e), Type::Entity(e))
            }
            _ => {
                let src = self.expr(&g.source);
                match src.ty.clone() {
                    Type::List(t) => match src.kind {
                        ExprKind::AllOf(e) => (GenSource::Entity(e), Type::Entity(e)),
                        _ => (GenSource::List(Box::new(src)), *t),
                    },
                    Type::Error => (GenSource::List(Box::new(src)), Type::Error),
                    other => {
                        let msg = format!(
                            "`for … in` needs a list or an entity; this is {}",
                            self.type_name(&other)
                        );
                        let mut d = Diagnostic::error("E0301", msg)
                            .with_label(g.source.span, "cannot go through this");
                        if other.is_optional() {
                            d = d.with_help("it may be none: check `!= none` first");
                        }
                        self.error(d);
                        (GenSource::List(Box::new(src)), Type::Error)
                    }
                }
            }
        };
        let slot = self.scope.bind(&g.var.name, ty);
        ir::Generator {
            slot,
            source,
            span: g.var.span,
        }
    }

    /// Binds the generators and lowers the filter; the caller resets the scope.
    pub(super) fn comprehension_head(&mut self, comp: &ast::Comprehension) -> ir::Comprehension {
        let mut generators: Vec<ir::Generator> =
            comp.generators.iter().map(|g| self.generator(g)).collect();
        let filter = comp.filter.as_ref().map(|f| {
            let c = self.expr(f);
            self.expect_type(&c, &Type::Bool, "a `where` condition");
            self.scope.add_facts(narrow::when_true(f));
            c
        });
        let filter = use_indexes(&mut generators, filter, &self.prog);
        ir::Comprehension {
            generators,
            filter: filter.map(Box::new),
            element: Box::new(Checker::poison(Span::default())),
        }
    }

    pub(super) fn comprehension(
        &mut self,
        comp: &ast::Comprehension,
        span: Span,
    ) -> ir::Comprehension {
        let mark = self.scope.mark();
        let mut c = self.comprehension_head(comp);
        let element = match &comp.element {
            Some(e) => self.expr(e),
            None => {
                let var = comp
                    .generators
                    .first()
                    .map(|g| g.var.name.clone())
                    .unwrap_or_default();
                match self.resolve_name(&var, span) {
                    super::expr::Resolved::Expr(x) => x,
                    _ => Checker::poison(span),
                }
            }
        };
        self.scope.reset(mark);
        c.element = Box::new(element);
        c
    }

    /// `deductions([target,] period)`, `withheld(NAME, [target,] period)`, `revoked(…)`.
    fn query(
        &mut self,
        query: Query,
        verb: Option<FlagVerb>,
        name: &Ident,
        args: &[ast::Expr],
        span: Span,
    ) -> Expr {
        let (def_name, rest) = match verb {
            Some(_) => match args.split_first() {
                Some((
                    ast::Expr {
                        kind: ast::ExprKind::Name(n),
                        span: s,
                    },
                    rest,
                )) => (Some((n.clone(), *s)), rest),
                _ => {
                    self.error(
                        Diagnostic::error(
                            "E0109",
                            format!("`{}` needs the name of a definition first", name.name),
                        )
                        .with_label(span, format!("e.g. `{}(奖金, q)`", name.name)),
                    );
                    return Checker::poison(span);
                }
            },
            None => (None, args),
        };
        let (target, period) = match rest {
            [p] => match self.self_expr(span) {
                Some(s) => (s, self.expr(p)),
                None => {
                    self.error(
                        Diagnostic::error(
                            "E0103",
                            format!(
                                "`{}` needs a record outside an entity's definition",
                                name.name
                            ),
                        )
                        .with_label(span, "whose?")
                        .with_help(format!("write `{}(…, record, period)`", name.name)),
                    );
                    return Checker::poison(span);
                }
            },
            [t, p] => (self.expr(t), self.expr(p)),
            _ => {
                self.arity(
                    &name.name,
                    span,
                    args.len(),
                    if verb.is_some() {
                        "2 or 3 arguments"
                    } else {
                        "1 or 2 arguments"
                    },
                );
                return Checker::poison(span);
            }
        };
        let Type::Entity(entity) = target.ty else {
            if !target.ty.is_error() {
                self.arg_error(&name.name, &target, "a record");
            }
            return Checker::poison(span);
        };
        let Some(grain) = period.ty.grain() else {
            if !period.ty.is_error() {
                self.arg_error(&name.name, &period, "a year, quarter or month");
            }
            return Checker::poison(span);
        };
        if self.case_data_only {
            self.error(
                Diagnostic::error("E0303", "only case data can be used here")
                    .with_label(span, "a consequence query"),
            );
            return Checker::poison(span);
        }
        let (kind, ty) = match (verb, def_name) {
            (Some(v), Some((dn, dspan))) => {
                match self.def_by_name.get(&(Some(entity), dn.clone())).copied() {
                    Some(d) => (LedgerKind::Flag(v, d), Type::Bool),
                    None => {
                        let ename = self
                            .prog
                            .entities
                            .get(entity as usize)
                            .map(|x| x.name.clone())
                            .unwrap_or_default();
                        let candidates = self
                            .def_by_name
                            .keys()
                            .filter(|(x, _)| *x == Some(entity))
                            .map(|(_, n)| n.clone())
                            .collect();
                        self.unknown(&dn, dspan, candidates, &format!("definition of `{ename}`"));
                        return Checker::poison(span);
                    }
                }
            }
            _ => {
                let key = LedgerKey {
                    kind: LedgerKind::Deduct,
                    entity,
                    grain,
                };
                let amount = self
                    .ledger_by_key
                    .get(&key)
                    .and_then(|l| self.prog.ledgers.get(*l as usize))
                    .map(|l| l.amount.clone())
                    .unwrap_or(Type::Score);
                (LedgerKind::Deduct, amount)
            }
        };
        let key = LedgerKey {
            kind,
            entity,
            grain,
        };
        let amount = if ty == Type::Bool {
            Type::Bool
        } else {
            ty.clone()
        };
        let ledger = self.ledger(key, amount);
        self.ledger_reads.entry(ledger).or_insert(span);
        self.note_dep(Dep::Ledger(ledger));
        Expr {
            kind: ExprKind::Query {
                query,
                ledger,
                target: Box::new(target),
                period: Box::new(period),
            },
            ty,
            span,
        }
    }
}

/// Turns `x in E where x.f == k and …` into an index lookup of E by f.
fn use_indexes(
    generators: &mut [ir::Generator],
    filter: Option<Expr>,
    prog: &ir::Program,
) -> Option<Expr> {
    let filter = filter?;
    let mut conjuncts = Vec::new();
    split_and(filter, &mut conjuncts);
    let slots: Vec<ir::Slot> = generators.iter().map(|g| g.slot).collect();
    for (i, g) in generators.iter_mut().enumerate() {
        let GenSource::Entity(entity) = g.source else {
            continue;
        };
        let later = slots.get(i..).unwrap_or(&[]);
        let found = conjuncts
            .iter()
            .position(|c| index_key(c, g.slot, entity, later, prog).is_some());
        if let Some(pos) = found {
            let c = conjuncts.remove(pos);
            if let Some((field, key)) = index_key_owned(c, g.slot, entity) {
                g.source = GenSource::Indexed {
                    entity,
                    field,
                    key: Box::new(key),
                };
            }
        }
    }
    conjuncts.into_iter().reduce(|a, b| {
        let span = a.span.to(b.span);
        Expr {
            kind: ExprKind::And(Box::new(a), Box::new(b)),
            ty: Type::Bool,
            span,
        }
    })
}

fn split_and(e: Expr, out: &mut Vec<Expr>) {
    match e.kind {
        ExprKind::And(a, b) => {
            split_and(*a, out);
            split_and(*b, out);
        }
        _ => out.push(e),
    }
}

/// `var.field == key` where field references another entity and key is a plain record.
fn index_key(
    c: &Expr,
    var: ir::Slot,
    entity: u32,
    later: &[ir::Slot],
    prog: &ir::Program,
) -> Option<()> {
    let ExprKind::Binary(ir::BinOp::Eq, a, b) = &c.kind else {
        return None;
    };
    let (field_side, key) = if is_var_field(a, var, entity) {
        (a, b)
    } else if is_var_field(b, var, entity) {
        (b, a)
    } else {
        return None;
    };
    let ExprKind::Field { field, .. } = field_side.kind else {
        return None;
    };
    let fty = prog
        .entities
        .get(entity as usize)?
        .fields
        .get(field as usize)?
        .ty
        .clone();
    let refers = matches!(fty.unwrap_optional(), Type::Entity(_));
    (refers && matches!(key.ty, Type::Entity(_)) && !key.reads_any(later)).then_some(())
}

fn index_key_owned(c: Expr, var: ir::Slot, entity: u32) -> Option<(ir::FieldId, Expr)> {
    let ExprKind::Binary(_, a, b) = c.kind else {
        return None;
    };
    let (field_side, key) = if is_var_field(&a, var, entity) {
        (*a, *b)
    } else {
        (*b, *a)
    };
    match field_side.kind {
        ExprKind::Field { field, .. } => Some((field, key)),
        _ => None,
    }
}

fn is_var_field(e: &Expr, var: ir::Slot, entity: u32) -> bool {
    matches!(&e.kind, ExprKind::Field { base, entity: en, .. } if *en == entity && matches!(base.kind, ExprKind::Local(s) if s == var))
}
