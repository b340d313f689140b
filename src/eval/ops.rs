//! Operators and aggregations on runtime values, with checked arithmetic.

use super::engine::{EvalResult, runtime_error, type_fault};
use super::value::Value;
use crate::check::ir::{Aggregate, BinOp};
use crate::diagnostic::Span;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::cmp::Ordering;
use std::sync::Arc;

fn overflow(span: Span) -> Box<crate::diagnostic::Diagnostic> {
    runtime_error(
        "E0601",
        span,
        "the result is too large for an exact decimal (overflow)",
    )
}

fn int(n: Decimal, span: Span) -> EvalResult<i64> {
    if !n.fract().is_zero() {
        return Err(runtime_error(
            "E0608",
            span,
            format!("{n} is not a whole number"),
        ));
    }
    n.to_i64().ok_or_else(|| overflow(span))
}

/// Applies a binary operator. `rspan` is the right operand's span (for division by zero).
pub fn binary(op: BinOp, x: Value, y: Value, span: Span, rspan: Span) -> EvalResult<Value> {
    use Value::*;
    Ok(match (op, x, y) {
        (BinOp::Eq, a, b) => Bool(a.same(&b)),
        (BinOp::Ne, a, b) => Bool(!a.same(&b)),
        (BinOp::Lt, a, b) => Bool(a.total_cmp(&b) == Ordering::Less),
        (BinOp::Le, a, b) => Bool(a.total_cmp(&b) != Ordering::Greater),
        (BinOp::Gt, a, b) => Bool(a.total_cmp(&b) == Ordering::Greater),
        (BinOp::Ge, a, b) => Bool(a.total_cmp(&b) != Ordering::Less),
        (BinOp::In, a, List(items)) => Bool(items.iter().any(|i| i.same(&a))),
        (BinOp::Add, Num(a), Num(b)) => Num(a.checked_add(b).ok_or_else(|| overflow(span))?),
        (BinOp::Sub, Num(a), Num(b)) => Num(a.checked_sub(b).ok_or_else(|| overflow(span))?),
        (BinOp::Mul, Num(a), Num(b)) => Num(a.checked_mul(b).ok_or_else(|| overflow(span))?),
        (BinOp::Div, Num(_), Num(b)) if b.is_zero() => {
            return Err(Box::new(
                crate::diagnostic::Diagnostic::error("E0609", "division by zero")
                    .with_label(rspan, "this is zero")
                    .with_label(span, "in this division")
                    .with_help("guard the division, e.g. `if x == 0 then … else …`"),
            ));
        }
        (BinOp::Div, Num(a), Num(b)) => Num(a.checked_div(b).ok_or_else(|| overflow(span))?),
        (BinOp::PeriodAdd | BinOp::PeriodSub, p, Num(n)) => {
            let n = int(n, rspan)?;
            let n = if op == BinOp::PeriodSub {
                n.checked_neg().ok_or_else(|| overflow(span))?
            } else {
                n
            };
            let out = match p {
                Date(d) => d
                    .checked_add_signed(
                        chrono::Duration::try_days(n).ok_or_else(|| overflow(span))?,
                    )
                    .map(Date),
                Month(m) => m.add(n).map(Month),
                Quarter(q) => q.add(n).map(Quarter),
                Year(y) => y.add(n).map(Year),
                other => return Err(type_fault(span, "a date or period", &other)),
            };
            out.ok_or_else(|| {
                runtime_error(
                    "E0601",
                    span,
                    "the date falls outside the calendar (years 1 to 9999)",
                )
            })?
        }
        (BinOp::DateDiff, Date(a), Date(b)) => Num(Decimal::from((a - b).num_days())),
        (BinOp::Concat, List(a), List(b)) => {
            List(a.iter().chain(b.iter()).cloned().collect::<Vec<_>>().into())
        }
        (BinOp::Concat, Text(a), Text(b)) => Text(Arc::from(format!("{a}{b}"))),
        (_, None, _) | (_, _, None) => {
            return Err(runtime_error(
                "E0602",
                span,
                "a value here is missing (none)",
            ));
        }
        (_, a, _) => return Err(type_fault(span, "operands the checker allowed", &a)),
    })
}

/// Folds the items of a comprehension or list into count, sum, mean, ….
pub struct Accumulator {
    agg: Aggregate,
    count: u64,
    sum: Decimal,
    best: Option<Value>,
    flag: Option<bool>,
    items: Vec<Value>,
}

impl Accumulator {
    pub fn new(agg: Aggregate) -> Accumulator {
        Accumulator {
            agg,
            count: 0,
            sum: Decimal::ZERO,
            best: None,
            flag: None,
            items: Vec::new(),
        }
    }

    /// Adds an item; false means the result is settled and the rest can be skipped.
    pub fn push(&mut self, v: Value, span: Span) -> EvalResult<bool> {
        self.count += 1;
        match self.agg {
            Aggregate::Count => {}
            Aggregate::Sum | Aggregate::Mean => match v {
                Value::Num(n) => {
                    self.sum = self.sum.checked_add(n).ok_or_else(|| overflow(span))?
                }
                Value::None => {
                    return Err(runtime_error(
                        "E0602",
                        span,
                        "an item here is missing (none)",
                    ));
                }
                other => return Err(type_fault(span, "a number", &other)),
            },
            Aggregate::Min | Aggregate::Max => {
                let better = match &self.best {
                    None => true,
                    Some(b) => {
                        let o = v.total_cmp(b);
                        if self.agg == Aggregate::Min {
                            o == Ordering::Less
                        } else {
                            o == Ordering::Greater
                        }
                    }
                };
                if better {
                    self.best = Some(v);
                }
            }
            Aggregate::All | Aggregate::Any => {
                let b = v
                    .as_bool()
                    .ok_or_else(|| type_fault(span, "a condition", &v))?;
                if self.agg == Aggregate::All && !b {
                    self.flag = Some(false);
                    return Ok(false);
                }
                if self.agg == Aggregate::Any && b {
                    self.flag = Some(true);
                    return Ok(false);
                }
            }
            Aggregate::First => {
                self.best = Some(v);
                return Ok(false);
            }
            Aggregate::List => self.items.push(v),
        }
        Ok(true)
    }

    pub fn finish(self, span: Span) -> EvalResult<Value> {
        Ok(match self.agg {
            Aggregate::Count => Value::Num(Decimal::from(self.count)),
            Aggregate::Sum => Value::Num(self.sum),
            Aggregate::Mean => {
                if self.count == 0 {
                    return Err(runtime_error("E0610", span, "the mean of no values")
                        .map_help("check `count(…) > 0` before taking a mean"));
                }
                Value::Num(
                    self.sum
                        .checked_div(Decimal::from(self.count))
                        .ok_or_else(|| overflow(span))?,
                )
            }
            Aggregate::Min | Aggregate::Max => match self.best {
                Some(v) => v,
                None => {
                    let which = if self.agg == Aggregate::Min {
                        "min"
                    } else {
                        "max"
                    };
                    return Err(
                        runtime_error("E0610", span, format!("the {which} of no values"))
                            .map_help("check `count(…) > 0` first"),
                    );
                }
            },
            Aggregate::All => Value::Bool(self.flag.unwrap_or(true)),
            Aggregate::Any => Value::Bool(self.flag.unwrap_or(false)),
            Aggregate::First => self.best.unwrap_or(Value::None),
            Aggregate::List => Value::List(Arc::from(self.items)),
        })
    }
}

trait MapHelp {
    fn map_help(self, help: &str) -> Self;
}

impl MapHelp for Box<crate::diagnostic::Diagnostic> {
    fn map_help(mut self, help: &str) -> Self {
        self.help = Some(help.to_string());
        self
    }
}
