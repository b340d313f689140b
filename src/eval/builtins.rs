//! The builtin functions at run time: rounding, dates and periods, text, allocation.

use super::engine::{EvalResult, Evaluator, runtime_error, type_fault};
use super::num;
use super::period::{Month, Quarter, Year};
use super::value::{MapValue, Value};
use crate::check::ir::{Builtin, Expr, TieBreak};
use crate::check::types::Type;
use crate::diagnostic::Span;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::cmp::Ordering;
use std::sync::Arc;

fn num_arg(values: &[Value], i: usize, span: Span) -> EvalResult<Decimal> {
    match values.get(i) {
        Some(Value::Num(n)) => Ok(*n),
        Some(Value::None) | None => Err(runtime_error(
            "E0602",
            span,
            "a value here is missing (none)",
        )),
        Some(other) => Err(type_fault(span, "a number", other)),
    }
}

fn arg_span(args: &[Expr], i: usize, span: Span) -> Span {
    args.get(i).map(|a| a.span).unwrap_or(span)
}

pub fn call(
    ev: &Evaluator<'_>,
    b: Builtin,
    args: &[Expr],
    values: &[Value],
    span: Span,
) -> EvalResult<Value> {
    let first = values.first().cloned().unwrap_or(Value::None);
    Ok(match b {
        Builtin::Round(mode) => {
            let x = num_arg(values, 0, span)?;
            let unit = num_arg(values, 1, span)?;
            let r = num::round_to(x, unit, mode).map_err(|e| {
                runtime_error(
                    "E0611",
                    arg_span(args, 1, span),
                    format!("cannot round to this unit: {e}"),
                )
            })?;
            Value::Num(r)
        }
        Builtin::Floor => Value::Num(num_arg(values, 0, span)?.floor()),
        Builtin::Ceil => Value::Num(num_arg(values, 0, span)?.ceil()),
        Builtin::Abs => Value::Num(num_arg(values, 0, span)?.abs()),
        Builtin::Clamp => {
            let (x, lo, hi) = (
                num_arg(values, 0, span)?,
                num_arg(values, 1, span)?,
                num_arg(values, 2, span)?,
            );
            if lo > hi {
                return Err(runtime_error(
                    "E0612",
                    span,
                    format!("clamp's low bound {lo} is above its high bound {hi}"),
                ));
            }
            Value::Num(x.max(lo).min(hi))
        }
        Builtin::Min | Builtin::Max => {
            let mut best: Option<Value> = None;
            for v in values.iter().cloned() {
                if v.is_none() {
                    return Err(runtime_error(
                        "E0602",
                        span,
                        "a value here is missing (none)",
                    ));
                }
                let better = match &best {
                    None => true,
                    Some(cur) => {
                        let o = v.total_cmp(cur);
                        if b == Builtin::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if better {
                    best = Some(v);
                }
            }
            best.unwrap_or(Value::None)
        }
        Builtin::QuarterOf => match first {
            Value::Date(d) => Value::Quarter(Quarter::of_date(d)),
            Value::Month(m) => Value::Quarter(m.quarter()),
            q @ Value::Quarter(_) => q,
            other => return Err(type_fault(span, "a date", &other)),
        },
        Builtin::MonthOf => match first {
            Value::Date(d) => Value::Month(Month::of_date(d)),
            m @ Value::Month(_) => m,
            other => return Err(type_fault(span, "a date", &other)),
        },
        Builtin::YearOf => match first {
            Value::Date(d) => Value::Year(Month::of_date(d).year()),
            Value::Month(m) => Value::Year(m.year()),
            Value::Quarter(q) => Value::Year(q.year()),
            y @ Value::Year(_) => y,
            Value::Num(n) => {
                let y = n
                    .to_i32()
                    .filter(|y| (1..=9999).contains(y) && n.fract().is_zero());
                match y {
                    Some(y) => Value::Year(Year(y)),
                    None => return Err(runtime_error("E0608", span, format!("{n} is not a year"))),
                }
            }
            other => return Err(type_fault(span, "a date", &other)),
        },
        // The case year's lists are shared, not rebuilt on every call.
        Builtin::MonthsOf => match first {
            Value::Quarter(q) if q.year() == ev.case.year => ev
                .calendar
                .quarter_months
                .get(q.number() as usize - 1)
                .cloned()
                .unwrap_or_default(),
            Value::Quarter(q) => Value::List(q.months().into_iter().map(Value::Month).collect()),
            Value::Year(y) if y == ev.case.year => ev.calendar.months.clone(),
            Value::Year(y) => Value::List(y.months().into_iter().map(Value::Month).collect()),
            other => return Err(type_fault(span, "a quarter or year", &other)),
        },
        Builtin::QuartersOf => match first {
            Value::Year(y) if y == ev.case.year => ev.calendar.quarters.clone(),
            Value::Year(y) => Value::List(y.quarters().into_iter().map(Value::Quarter).collect()),
            other => return Err(type_fault(span, "a year", &other)),
        },
        Builtin::Day => {
            let Value::Month(m) = first else {
                return Err(type_fault(span, "a month", &first));
            };
            let d = num_arg(values, 1, span)?;
            let date = d
                .to_u32()
                .filter(|_| d.fract().is_zero())
                .and_then(|d| m.day(d));
            match date {
                Some(date) => Value::Date(date),
                None => {
                    return Err(runtime_error(
                        "E0613",
                        arg_span(args, 1, span),
                        format!("{m} has no day {d}"),
                    ));
                }
            }
        }
        Builtin::Ordinal => match first {
            Value::Quarter(q) => Value::Num(Decimal::from(q.number())),
            Value::Month(m) => Value::Num(Decimal::from(m.number())),
            other => return Err(type_fault(span, "a quarter or month", &other)),
        },
        Builtin::IsBlank => match first {
            Value::Text(t) => Value::Bool(t.chars().all(char::is_whitespace)),
            Value::None => Value::Bool(true),
            other => return Err(type_fault(span, "text", &other)),
        },
        Builtin::Decimals => Value::Num(Decimal::from(num::decimals(num_arg(values, 0, span)?))),
        Builtin::Convert => Value::Num(num_arg(values, 0, span)?),
        Builtin::Allocate(tie) => allocate(ev, tie, args, values, span)?,
    })
}

/// Shares a pool among a map's keys in proportion to their weights (largest remainder).
fn allocate(
    ev: &Evaluator<'_>,
    tie: TieBreak,
    args: &[Expr],
    values: &[Value],
    span: Span,
) -> EvalResult<Value> {
    let pool = num_arg(values, 0, span)?;
    let unit = num_arg(values, 2, span)?;
    let Some(Value::Map(weights)) = values.get(1) else {
        return Err(type_fault(
            span,
            "a map of weights",
            values.get(1).unwrap_or(&Value::None),
        ));
    };
    let mut ws = Vec::with_capacity(weights.entries.len());
    for (_, w) in &weights.entries {
        match w {
            Value::Num(n) => ws.push(*n),
            _ => {
                return Err(runtime_error(
                    "E0602",
                    arg_span(args, 1, span),
                    "a weight here is missing (none)",
                ));
            }
        }
    }
    // Ranks for ties: by the key's text (a record's key), or the map's order.
    let key_entity = match args.get(1).map(|a| &a.ty) {
        Some(Type::Map(k, _)) => match **k {
            Type::Entity(e) => Some(e),
            _ => None,
        },
        _ => None,
    };
    let key_text = |v: &Value| -> String {
        match (v, key_entity) {
            (Value::Ref(r), Some(e)) => ev
                .case
                .table(e)
                .map(|t| t.id(*r).to_string())
                .unwrap_or_default(),
            (Value::Text(t), _) => t.to_string(),
            (other, _) => format!("{other:?}"),
        }
    };
    let mut order: Vec<usize> = (0..ws.len()).collect();
    match tie {
        TieBreak::InputOrder => {}
        TieBreak::AscendingKey | TieBreak::DescendingKey => {
            let keys: Vec<String> = weights.entries.iter().map(|(k, _)| key_text(k)).collect();
            order.sort_by(|a, b| keys.get(*a).cmp(&keys.get(*b)));
            if tie == TieBreak::DescendingKey {
                order.reverse();
            }
        }
    }
    let mut rank = vec![0usize; ws.len()];
    for (r, i) in order.into_iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = r;
        }
    }
    let shares = num::allocate(pool, &ws, &rank, unit)
        .map_err(|e| runtime_error("E0614", span, format!("cannot allocate this pool: {e}")))?;
    let entries = weights
        .entries
        .iter()
        .zip(shares)
        .map(|((k, _), s)| (k.clone(), Value::Num(s)))
        .collect();
    Ok(Value::Map(Arc::new(MapValue { entries })))
}
