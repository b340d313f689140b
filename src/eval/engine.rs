//! The evaluator: walks the checked IR over a case, with memoised definitions and rule ledgers.

use super::case::Case;
use super::ledger::{Entry, Ledger};
use super::store::{Calendar, Csr, Memo, build_index};
use super::trace::Read;
use super::value::{MapValue, Value};
use crate::check::ir::*;
use crate::check::types::Grain;
use crate::diagnostic::{Diagnostic, Span};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::sync::Arc;

pub type EvalResult<T> = Result<T, Box<Diagnostic>>;

/// Builds a runtime error at a policy span.
pub fn runtime_error(
    code: &'static str,
    span: Span,
    message: impl Into<String>,
) -> Box<Diagnostic> {
    let message = message.into();
    Box::new(Diagnostic::error(code, message.clone()).with_label(span, message))
}

/// Where an expression is being evaluated: its frame, its record, its date.
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    pub base: usize,
    /// The record of `self` (`u32::MAX` when there is none).
    pub this: u32,
    /// The date parameters are read at (start of the period being computed).
    pub date: NaiveDate,
}

/// A parameter's values in force, by date (tables as a list by variant).
#[derive(Clone, Debug)]
pub struct ParamValues {
    pub values: Vec<(Option<NaiveDate>, Value)>,
}

pub struct Evaluator<'p> {
    pub prog: &'p Program,
    pub calendar: Calendar,
    pub case: &'p Case,
    pub params: Vec<ParamValues>,
    pub(super) memo: Arc<Memo>,
    /// Written while rules fire, then only read (and shared between threads).
    pub ledgers: Arc<Vec<Ledger>>,
    pub(super) indexes: Vec<Option<Arc<Csr>>>,
    pub(super) index_base: Vec<usize>,
    pub(super) frames: Vec<Value>,
    pub(super) rules_fired: bool,
    pub(super) depth: usize,
    /// What each definition read, when an explanation was asked for.
    pub trace: Option<Box<super::trace::Trace>>,
}

/// How deep definitions may call each other (acyclic policies stay far below).
const MAX_DEPTH: usize = 2_000;

pub fn param_values(p: &ParamDef) -> ParamValues {
    ParamValues {
        values: p
            .values
            .iter()
            .map(|(d, v)| {
                let v = match v {
                    ParamValue::Plain(v) => v.clone(),
                    ParamValue::Table(_, entries) => {
                        Value::List(entries.iter().map(|(v, _)| v.clone()).collect())
                    }
                };
                (*d, v)
            })
            .collect(),
    }
}

impl<'p> Evaluator<'p> {
    pub fn new(prog: &'p Program, case: &'p Case) -> Evaluator<'p> {
        let params = prog.params.iter().map(param_values).collect();
        Evaluator::with_params(prog, case, params)
    }

    pub fn with_params(
        prog: &'p Program,
        case: &'p Case,
        params: Vec<ParamValues>,
    ) -> Evaluator<'p> {
        let mut index_base = Vec::with_capacity(prog.entities.len());
        let mut total = 0;
        for e in &prog.entities {
            index_base.push(total);
            total += e.fields.len();
        }
        let ledgers = prog
            .ledgers
            .iter()
            .map(|l| {
                let n = case.table(l.key.entity).map(|t| t.len()).unwrap_or(0);
                Ledger::new(&l.key, n)
            })
            .collect();
        Evaluator {
            prog,
            calendar: Calendar::new(case.year),
            case,
            params,
            memo: Arc::new(Memo::new(prog.defs.len())),
            ledgers: Arc::new(ledgers),
            indexes: vec![None; total],
            index_base,
            frames: Vec::with_capacity(256),
            rules_fired: false,
            depth: 0,
            trace: None,
        }
    }

    pub fn year_ctx(&self) -> Ctx {
        Ctx {
            base: self.frames.len(),
            this: u32::MAX,
            date: self.case.year.first_day(),
        }
    }

    /// The index of a period within the case year, if it lies in it.
    pub fn period_index(&self, v: &Value) -> Option<usize> {
        let year = self.case.year;
        match v {
            Value::Year(y) if *y == year => Some(0),
            Value::Quarter(q) if q.year() == year => Some(q.number() as usize - 1),
            Value::Month(m) if m.year() == year => Some(m.number() as usize - 1),
            _ => None,
        }
    }

    /// The periods of a grain in the case year, in order.
    pub fn periods(&self, grain: Grain) -> Vec<Value> {
        let y = self.case.year;
        match grain {
            Grain::Year => vec![Value::Year(y)],
            Grain::Quarter => y.quarters().into_iter().map(Value::Quarter).collect(),
            Grain::Month => y.months().into_iter().map(Value::Month).collect(),
        }
    }

    fn period_start(&self, v: &Value) -> NaiveDate {
        match v {
            Value::Year(y) => y.first_day(),
            Value::Quarter(q) => q.first_day(),
            Value::Month(m) => m.first_day(),
            _ => self.case.year.first_day(),
        }
    }

    /// Fires every rule once, in dependency order.
    pub fn fire_rules(&mut self) -> EvalResult<()> {
        if self.rules_fired {
            return Ok(());
        }
        self.rules_fired = true;
        let prog = self.prog;
        for &r in &prog.rule_order {
            if let Some(rule) = prog.rules.get(r as usize) {
                self.fire_rule(r, rule)?;
            }
        }
        Ok(())
    }

    fn fire_rule(&mut self, id: RuleId, rule: &'p RuleDef) -> EvalResult<()> {
        let base = self.frames.len();
        self.frames
            .resize(base + rule.frame_size as usize, Value::None);
        let cx = Ctx {
            base,
            this: u32::MAX,
            date: self.case.year.first_day(),
        };
        let result = self.each(&rule.generators, 0, cx, &mut |ev, cx| {
            for step in &rule.steps {
                match step {
                    Step::Where(c) => {
                        if !ev.eval_bool(c, cx)? {
                            return Ok(true);
                        }
                    }
                    Step::Let(slot, v) => {
                        let v = ev.eval(v, cx)?;
                        ev.set_local(cx, *slot, v);
                    }
                }
            }
            for (ci, c) in rule.consequences.iter().enumerate() {
                ev.apply(id, ci, rule, c, cx)?;
            }
            Ok(true)
        });
        self.frames.truncate(base);
        result.map(|_| ())
    }

    fn apply(
        &mut self,
        rule: RuleId,
        ci: usize,
        def: &'p RuleDef,
        c: &'p Consequence,
        cx: Ctx,
    ) -> EvalResult<()> {
        if let Some(w) = &c.when
            && !self.eval_bool(w, cx)?
        {
            return Ok(());
        }
        let target = match self.eval(&c.target, cx)? {
            Value::Ref(t) => t,
            _ => return Ok(()), // nobody holds the role: the consequence is dropped
        };
        let period = self.eval(&c.period, cx)?;
        let Some(pi) = self.period_index(&period) else {
            return Err(runtime_error(
                "E0604",
                c.period.span,
                format!(
                    "this period ({}) lies outside the case year {}",
                    show_period(&period),
                    self.case.year
                ),
            ));
        };
        // A dated parameter in the amount takes the value in force for the period it counts in.
        let at_period = Ctx {
            date: self.period_start(&period),
            ..cx
        };
        let amount = match &c.amount {
            Some(a) => Some(self.eval_num(a, at_period)?),
            None => None,
        };
        let trigger = def
            .generators
            .iter()
            .map(|g| self.local(cx, g.slot))
            .collect();
        // Rules fire before the ledgers are ever shared.
        let Some(ledgers) = Arc::get_mut(&mut self.ledgers) else {
            return Err(runtime_error(
                "E0699",
                c.span,
                "internal error: ledgers shared while rules fire",
            ));
        };
        if let Some(l) = ledgers.get_mut(c.ledger as usize) {
            l.add(Entry {
                rule,
                consequence: ci as u32,
                target,
                period: pi as u32,
                amount,
                trigger,
            })
            .map_err(|m| runtime_error("E0601", c.span, m))?;
        }
        Ok(())
    }

    pub(super) fn local(&self, cx: Ctx, slot: Slot) -> Value {
        self.frames
            .get(cx.base + slot as usize)
            .cloned()
            .unwrap_or(Value::None)
    }

    pub(super) fn set_local(&mut self, cx: Ctx, slot: Slot, v: Value) {
        if let Some(s) = self.frames.get_mut(cx.base + slot as usize) {
            *s = v;
        }
    }

    /// Runs `body` for every combination of the generators' items.
    /// `body` returns false to stop early.
    pub(super) fn each(
        &mut self,
        gens: &'p [Generator],
        i: usize,
        cx: Ctx,
        body: &mut dyn FnMut(&mut Self, Ctx) -> EvalResult<bool>,
    ) -> EvalResult<bool> {
        let Some(g) = gens.get(i) else {
            return body(self, cx);
        };
        match &g.source {
            GenSource::Entity(e) => {
                let n = self.case.table(*e).map(|t| t.len()).unwrap_or(0);
                for r in 0..n as u32 {
                    self.set_local(cx, g.slot, Value::Ref(r));
                    if !self.each(gens, i + 1, cx, body)? {
                        return Ok(false);
                    }
                }
            }
            GenSource::Indexed { entity, field, key } => {
                let Value::Ref(k) = self.eval(key, cx)? else {
                    return Ok(true);
                };
                let csr = self.index(*entity, *field);
                for &r in csr.bucket(k) {
                    self.set_local(cx, g.slot, Value::Ref(r));
                    if !self.each(gens, i + 1, cx, body)? {
                        return Ok(false);
                    }
                }
            }
            GenSource::List(list) => {
                let items = match self.eval(list, cx)? {
                    Value::List(items) => items,
                    _ => return Ok(true),
                };
                for item in items.iter() {
                    self.set_local(cx, g.slot, item.clone());
                    if !self.each(gens, i + 1, cx, body)? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    /// The index of an entity's records by a reference field, built on first use.
    fn index(&mut self, entity: u32, field: u32) -> Arc<Csr> {
        let slot = self.index_base.get(entity as usize).copied().unwrap_or(0) + field as usize;
        if let Some(Some(csr)) = self.indexes.get(slot) {
            return csr.clone();
        }
        let csr = Arc::new(build_index(self.case, self.prog, entity, field));
        if let Some(s) = self.indexes.get_mut(slot) {
            *s = Some(csr.clone());
        }
        csr
    }

    /// The value of a definition for a record and period, computed once.
    pub fn call_def(
        &mut self,
        d: DefId,
        this: u32,
        period: Option<Value>,
        span: Span,
    ) -> EvalResult<Value> {
        let prog = self.prog;
        let Some(def) = prog.defs.get(d as usize) else {
            return Err(runtime_error(
                "E0699",
                span,
                "internal error: unknown definition",
            ));
        };
        let per_year = def.grain.map(Grain::per_year).unwrap_or(1);
        let slot = match (&period, def.grain) {
            (Some(p), Some(_)) => self.period_index(p).map(|pi| this as usize * per_year + pi),
            _ => Some(this as usize * per_year),
        };
        let period_index = period.as_ref().and_then(|p| self.period_index(p));
        if let Some(s) = slot
            && let Some(v) = self.memo.get(d, s)
        {
            if let Some(t) = &mut self.trace {
                t.reuse(d, this, period_index);
            }
            return Ok(v.clone());
        }
        if def.grain.is_some() && !self.rules_fired {
            self.fire_rules()?;
        }
        if self.depth >= MAX_DEPTH {
            return Err(runtime_error(
                "E0605",
                span,
                "definitions call each other too deeply",
            ));
        }
        let base = self.frames.len();
        self.frames
            .resize(base + def.frame_size as usize, Value::None);
        let date = period
            .as_ref()
            .map(|p| self.period_start(p))
            .unwrap_or_else(|| self.case.year.first_day());
        if let Some(p) = period.clone()
            && let Some(s) = self.frames.get_mut(base)
        {
            *s = p;
        }
        let cx = Ctx { base, this, date };
        if let Some(t) = &mut self.trace {
            t.enter(d, this, period.clone());
        }
        self.depth += 1;
        let result = self.def_body(def, cx);
        self.depth -= 1;
        self.frames.truncate(base);
        if let Some(t) = &mut self.trace {
            match &result {
                Ok(v) => t.leave(v, period_index),
                Err(_) => t.abandon(),
            }
        }
        let value = result.map_err(|mut e| {
            if e.notes.len() < 3 {
                e.notes.push(format!(
                    "while computing {}",
                    self.describe(d, this, period.as_ref())
                ));
            }
            e
        })?;
        if let Some(s) = slot {
            let records = match def.entity {
                Some(e) => self.case.table(e).map(|t| t.len()).unwrap_or(0),
                None => 1,
            };
            self.memo.set(d, s, records * per_year, value.clone());
        }
        Ok(value)
    }

    fn def_body(&mut self, def: &'p DefDef, cx: Ctx) -> EvalResult<Value> {
        if let Some(domain) = &def.domain
            && !self.eval_bool(domain, cx)?
        {
            return Err(Box::new(
                Diagnostic::error(
                    "E0603",
                    format!("`{}` is not defined for this record", def.name),
                )
                .with_label(domain.span, "its `where` excludes it")
                .with_help("check the same condition before using the value"),
            ));
        }
        self.eval(&def.body, cx)
    }

    /// Whether a definition's `where` holds for a record and period.
    pub fn in_domain(&mut self, d: DefId, this: u32, period: Option<Value>) -> EvalResult<bool> {
        let prog = self.prog;
        let Some(def) = prog.defs.get(d as usize) else {
            return Ok(false);
        };
        let Some(domain) = &def.domain else {
            return Ok(true);
        };
        let base = self.frames.len();
        self.frames
            .resize(base + def.frame_size as usize, Value::None);
        let date = period
            .as_ref()
            .map(|p| self.period_start(p))
            .unwrap_or_else(|| self.case.year.first_day());
        if let Some(p) = period
            && let Some(s) = self.frames.get_mut(base)
        {
            *s = p;
        }
        let r = self.eval_bool(domain, Ctx { base, this, date });
        self.frames.truncate(base);
        r
    }

    /// "干部 S003 2022-Q1 季度效能奖", for messages.
    pub fn describe(&self, d: DefId, this: u32, period: Option<&Value>) -> String {
        let Some(def) = self.prog.defs.get(d as usize) else {
            return String::new();
        };
        let mut parts = Vec::new();
        if let Some(e) = def.entity {
            let name = self
                .prog
                .entities
                .get(e as usize)
                .map(|x| x.name.as_str())
                .unwrap_or("?");
            let id = self
                .case
                .table(e)
                .map(|t| t.id(this).to_string())
                .unwrap_or_default();
            parts.push(format!("{name} {id}"));
        }
        if let Some(p) = period {
            parts.push(show_period(p));
        }
        parts.push(def.name.clone());
        parts.join(" ")
    }

    pub fn param(&self, p: ParamId, date: NaiveDate) -> Value {
        let Some(pv) = self.params.get(p as usize) else {
            return Value::None;
        };
        if let [(_, v)] = pv.values.as_slice() {
            return v.clone();
        }
        pv.values
            .iter()
            .rev()
            .find(|(d, _)| d.is_none_or(|d| d <= date))
            .or(pv.values.first())
            .map(|(_, v)| v.clone())
            .unwrap_or(Value::None)
    }

    /// Leaves without the cost of a full `eval` call (the hot path reads many).
    #[inline]
    fn eval_leaf(&mut self, e: &'p Expr, cx: Ctx) -> EvalResult<Value> {
        match &e.kind {
            ExprKind::SelfRef => Ok(Value::Ref(cx.this)),
            ExprKind::Local(s) => Ok(self.local(cx, *s)),
            ExprKind::Const(v) => Ok(v.clone()),
            _ => self.eval(e, cx),
        }
    }

    pub fn eval_bool(&mut self, e: &'p Expr, cx: Ctx) -> EvalResult<bool> {
        match self.eval(e, cx)? {
            Value::Bool(b) => Ok(b),
            other => Err(type_fault(e.span, "a condition", &other)),
        }
    }

    pub fn eval_num(&mut self, e: &'p Expr, cx: Ctx) -> EvalResult<Decimal> {
        match self.eval(e, cx)? {
            Value::Num(n) => Ok(n),
            Value::None => Err(runtime_error(
                "E0602",
                e.span,
                "this value is missing (none)",
            )),
            other => Err(type_fault(e.span, "a number", &other)),
        }
    }

    pub fn eval(&mut self, e: &'p Expr, cx: Ctx) -> EvalResult<Value> {
        match &e.kind {
            ExprKind::Const(v) => Ok(v.clone()),
            ExprKind::Local(s) => Ok(self.local(cx, *s)),
            ExprKind::SelfRef => Ok(Value::Ref(cx.this)),
            ExprKind::CaseField(f) => Ok(self
                .case
                .fields
                .get(*f as usize)
                .cloned()
                .unwrap_or(Value::None)),
            ExprKind::AllOf(ent) => {
                let n = self.case.table(*ent).map(|t| t.len()).unwrap_or(0) as u32;
                Ok(Value::List((0..n).map(Value::Ref).collect()))
            }
            ExprKind::Field {
                base,
                entity,
                field,
            } => match self.eval_leaf(base, cx)? {
                Value::Ref(r) => {
                    let v = self
                        .case
                        .table(*entity)
                        .and_then(|t| t.field(r, *field))
                        .cloned()
                        .unwrap_or(Value::None);
                    if let Some(t) = &mut self.trace {
                        t.read(Read::Field {
                            entity: *entity,
                            record: r,
                            field: *field,
                            value: v.clone(),
                        });
                    }
                    Ok(v)
                }
                Value::None => Ok(Value::None),
                other => Err(type_fault(base.span, "a record", &other)),
            },
            ExprKind::Param(p) => {
                let v = self.param(*p, cx.date);
                if let Some(t) = &mut self.trace {
                    t.read(Read::Param(*p, v.clone()));
                }
                Ok(v)
            }
            ExprKind::DefCall {
                def,
                entity,
                period,
            } => {
                let this = match entity {
                    Some(x) => match self.eval_leaf(x, cx)? {
                        Value::Ref(r) => r,
                        other => return Err(type_fault(x.span, "a record", &other)),
                    },
                    None => 0,
                };
                let period = match period {
                    Some(p) => Some(self.eval_leaf(p, cx)?),
                    None => None,
                };
                self.call_def(*def, this, period, e.span)
            }
            ExprKind::Not(x) => Ok(Value::Bool(!self.eval_bool(x, cx)?)),
            ExprKind::Neg(x) => Ok(Value::Num(-self.eval_num(x, cx)?)),
            ExprKind::And(a, b) => Ok(Value::Bool(
                self.eval_bool(a, cx)? && self.eval_bool(b, cx)?,
            )),
            ExprKind::Or(a, b) => Ok(Value::Bool(
                self.eval_bool(a, cx)? || self.eval_bool(b, cx)?,
            )),
            ExprKind::Coalesce(a, b) => match self.eval(a, cx)? {
                Value::None => self.eval(b, cx),
                v => Ok(v),
            },
            ExprKind::If(c, t, f) => {
                let chosen = self.eval_bool(c, cx)?;
                if let Some(tr) = &mut self.trace {
                    tr.read(Read::Cond(c.span, chosen));
                }
                if chosen {
                    self.eval(t, cx)
                } else {
                    self.eval(f, cx)
                }
            }
            ExprKind::Let(slot, v, body) => {
                let v = self.eval(v, cx)?;
                self.set_local(cx, *slot, v);
                self.eval(body, cx)
            }
            ExprKind::Match(s, table, arms) => {
                let arm = match self.eval(s, cx)? {
                    Value::Enum(v) => table.get(v as usize).copied(),
                    _ => None,
                };
                match arm.and_then(|a| arms.get(a as usize)) {
                    Some(body) => self.eval(body, cx),
                    None => Err(runtime_error("E0602", s.span, "no arm matches this value")),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let x = self.eval_leaf(a, cx)?;
                let y = self.eval_leaf(b, cx)?;
                super::ops::binary(*op, x, y, e.span, b.span)
            }
            ExprKind::Call(builtin, args) => {
                // Most builtins take at most four arguments: no allocation for them.
                if args.len() > 4 {
                    let mut values = Vec::with_capacity(args.len());
                    for a in args {
                        values.push(self.eval(a, cx)?);
                    }
                    return super::builtins::call(self, *builtin, args, &values, e.span);
                }
                let mut values: [Value; 4] = Default::default();
                for (slot, a) in values.iter_mut().zip(args) {
                    *slot = self.eval_leaf(a, cx)?;
                }
                let n = args.len().min(values.len());
                super::builtins::call(self, *builtin, args, values.get(..n).unwrap_or(&[]), e.span)
            }
            ExprKind::Aggregate(agg, comp) => self.aggregate(*agg, comp, cx, e.span),
            ExprKind::AggregateList(agg, list) => {
                let items = match self.eval(list, cx)? {
                    Value::List(items) => items,
                    other => return Err(type_fault(list.span, "a list", &other)),
                };
                if *agg == Aggregate::Count {
                    return Ok(Value::Num(Decimal::from(items.len())));
                }
                let mut acc = super::ops::Accumulator::new(*agg);
                for item in items.iter() {
                    if !acc.push(item.clone(), e.span)? {
                        break;
                    }
                }
                acc.finish(e.span)
            }
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (x, when) in items {
                    if let Some(w) = when {
                        let holds = self.eval_bool(w, cx)?;
                        if let Some(t) = &mut self.trace {
                            t.read(Read::Cond(w.span, holds));
                        }
                        if !holds {
                            continue;
                        }
                    }
                    out.push(self.eval(x, cx)?);
                }
                Ok(Value::List(Arc::from(out)))
            }
            ExprKind::MapComp(k, v, comp) => {
                let mut entries = Vec::new();
                self.each(&comp.generators, 0, cx, &mut |ev, cx| {
                    if let Some(f) = &comp.filter
                        && !ev.eval_bool(f, cx)?
                    {
                        return Ok(true);
                    }
                    let key = ev.eval(k, cx)?;
                    let value = ev.eval(v, cx)?;
                    entries.push((key, value));
                    Ok(true)
                })?;
                Ok(Value::Map(Arc::new(MapValue::from_entries(entries))))
            }
            ExprKind::EmptyMap => Ok(Value::Map(Arc::new(MapValue::default()))),
            ExprKind::Index(base, index) => {
                // `自评分[q]`: a per-period field of a record, read in place
                // (no copy of the whole per-period value) when nothing traces.
                if self.trace.is_none()
                    && let ExprKind::Field {
                        base: rec,
                        entity,
                        field,
                    } = &base.kind
                    && matches!(rec.kind, ExprKind::SelfRef | ExprKind::Local(_))
                {
                    let r = match self.eval_leaf(rec, cx)? {
                        Value::Ref(r) => r,
                        _ => return Ok(Value::None),
                    };
                    let i = self.eval_leaf(index, cx)?;
                    let case = self.case;
                    if let Some(Value::PerPeriod(items)) =
                        case.table(*entity).and_then(|t| t.field(r, *field))
                        && let Some(pi) = self.period_index(&i)
                        && let Some(v) = items.get(pi)
                    {
                        return Ok(v.clone());
                    }
                    let b = case
                        .table(*entity)
                        .and_then(|t| t.field(r, *field))
                        .cloned()
                        .unwrap_or(Value::None);
                    return self.index_value(b, i, index.span);
                }
                let b = self.eval_leaf(base, cx)?;
                let i = self.eval_leaf(index, cx)?;
                self.index_value(b, i, index.span)
            }
            ExprKind::Lookup(ent, key) => {
                let k = self.eval(key, cx)?;
                let Value::Text(k) = k else {
                    return Err(type_fault(key.span, "a key", &k));
                };
                match self.case.table(*ent).and_then(|t| t.keys.get(&k)) {
                    Some(r) => Ok(Value::Ref(*r)),
                    None => {
                        let name = self
                            .prog
                            .entities
                            .get(*ent as usize)
                            .map(|x| x.name.as_str())
                            .unwrap_or("?");
                        Err(runtime_error(
                            "E0606",
                            e.span,
                            format!("no {name} with key \"{k}\" in this case"),
                        ))
                    }
                }
            }
            ExprKind::Query {
                query,
                ledger,
                target,
                period,
            } => {
                let Value::Ref(t) = self.eval(target, cx)? else {
                    return Ok(match query {
                        Query::Deductions => Value::Num(Decimal::ZERO),
                        Query::Flagged => Value::Bool(false),
                    });
                };
                let p = self.eval(period, cx)?;
                let Some(pi) = self.period_index(&p) else {
                    return Err(runtime_error(
                        "E0604",
                        period.span,
                        format!(
                            "this period ({}) lies outside the case year {}",
                            show_period(&p),
                            self.case.year
                        ),
                    ));
                };
                if !self.rules_fired {
                    self.fire_rules()?;
                }
                let l = self.ledgers.get(*ledger as usize);
                let v = match query {
                    Query::Deductions => {
                        Value::Num(l.map(|l| l.sum(t, pi)).unwrap_or(Decimal::ZERO))
                    }
                    Query::Flagged => Value::Bool(l.is_some_and(|l| l.flagged(t, pi))),
                };
                if let Some(tr) = &mut self.trace {
                    tr.read(Read::Query {
                        ledger: *ledger,
                        target: t,
                        period: pi,
                        value: v.clone(),
                    });
                }
                Ok(v)
            }
        }
    }

    fn index_value(&self, base: Value, index: Value, span: Span) -> EvalResult<Value> {
        match (&base, &index) {
            (Value::PerPeriod(items), p) => match self.period_index(p).and_then(|i| items.get(i)) {
                Some(v) => Ok(v.clone()),
                None => Err(runtime_error(
                    "E0604",
                    span,
                    format!(
                        "there is no value for {} (the case covers {})",
                        show_period(p),
                        self.case.year
                    ),
                )),
            },
            (Value::List(items), Value::Enum(v)) => {
                Ok(items.get(*v as usize).cloned().unwrap_or(Value::None))
            }
            (Value::List(items), Value::Num(n)) => {
                let i = if n.fract().is_zero() {
                    n.to_usize()
                } else {
                    None
                };
                match i.and_then(|i| items.get(i)) {
                    Some(v) => Ok(v.clone()),
                    None => Err(runtime_error(
                        "E0607",
                        span,
                        format!(
                            "index {n} is outside the list (it has {} items)",
                            items.len()
                        ),
                    )),
                }
            }
            (Value::Map(m), k) => Ok(m.get(k).cloned().unwrap_or(Value::None)),
            (Value::None, _) => Ok(Value::None),
            _ => Err(type_fault(span, "a list, map or per-period value", &base)),
        }
    }

    fn aggregate(
        &mut self,
        agg: Aggregate,
        comp: &'p Comprehension,
        cx: Ctx,
        span: Span,
    ) -> EvalResult<Value> {
        let mut acc = super::ops::Accumulator::new(agg);
        self.each(&comp.generators, 0, cx, &mut |ev, cx| {
            if let Some(f) = &comp.filter
                && !ev.eval_bool(f, cx)?
            {
                return Ok(true);
            }
            let v = if agg == Aggregate::Count {
                Value::None
            } else {
                ev.eval(&comp.element, cx)?
            };
            acc.push(v, span)
        })?;
        acc.finish(span)
    }

    /// Evaluates a schema `require` on case data alone (no rules, no definitions).
    pub fn eval_require(
        &mut self,
        e: &'p Expr,
        frame_size: u32,
        this: Option<u32>,
    ) -> EvalResult<bool> {
        let base = self.frames.len();
        self.frames.resize(base + frame_size as usize, Value::None);
        let cx = Ctx {
            base,
            this: this.unwrap_or(u32::MAX),
            date: self.case.year.first_day(),
        };
        let r = self.eval_bool(e, cx);
        self.frames.truncate(base);
        r
    }

    /// Evaluates a free-standing expression (REPL, tests) with its own frame.
    pub fn eval_standalone(
        &mut self,
        e: &'p Expr,
        frame_size: u32,
        this: Option<u32>,
    ) -> EvalResult<Value> {
        self.fire_rules()?;
        let base = self.frames.len();
        self.frames.resize(base + frame_size as usize, Value::None);
        let cx = Ctx {
            base,
            this: this.unwrap_or(u32::MAX),
            date: self.case.year.first_day(),
        };
        let r = self.eval(e, cx);
        self.frames.truncate(base);
        r
    }
}

/// A value of the wrong shape where the checker promised another: a bug, reported not panicked.
pub fn type_fault(span: Span, want: &str, got: &Value) -> Box<Diagnostic> {
    runtime_error(
        "E0699",
        span,
        format!("internal error: expected {want}, found {got:?}"),
    )
}

pub fn show_period(p: &Value) -> String {
    match p {
        Value::Year(y) => y.to_string(),
        Value::Quarter(q) => q.to_string(),
        Value::Month(m) => m.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        other => format!("{other:?}"),
    }
}
