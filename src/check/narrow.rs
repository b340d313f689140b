//! Narrowing: which optional paths a condition proves present (`x != none and x.f > 0`).

use super::scope::Path;
use crate::syntax::ast::{BinOp, Expr, ExprKind, Literal, UnOp};

/// `a.b.c` as a path, if the expression is one.
pub fn path_of(e: &Expr) -> Option<Path> {
    match &e.kind {
        ExprKind::Name(n) => Some(vec![n.clone()]),
        ExprKind::Member(base, f) => {
            let mut p = path_of(base)?;
            p.push(f.name.clone());
            Some(p)
        }
        _ => None,
    }
}

fn is_none_lit(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(Literal::None))
}

/// The path compared with `none` by `op`, if `e` is `P == none` / `none != P` and so on.
fn none_comparison(e: &Expr) -> Option<(BinOp, Path)> {
    let ExprKind::Binary(op @ (BinOp::Eq | BinOp::Ne), l, r) = &e.kind else {
        return None;
    };
    let path = if is_none_lit(r) {
        path_of(l)?
    } else if is_none_lit(l) {
        path_of(r)?
    } else {
        return None;
    };
    Some((*op, path))
}

/// Paths known to be present when `e` is true.
pub fn when_true(e: &Expr) -> Vec<Path> {
    if let Some((op, path)) = none_comparison(e) {
        return if op == BinOp::Ne {
            prefixes(path)
        } else {
            vec![]
        };
    }
    match &e.kind {
        ExprKind::Unary(UnOp::Not, inner) => when_false(inner),
        ExprKind::Binary(BinOp::And, l, r) => {
            let mut v = when_true(l);
            v.extend(when_true(r));
            v
        }
        // `x.f == y` with y present also proves x present; keep to the plain cases.
        _ => vec![],
    }
}

/// Paths known to be present when `e` is false.
pub fn when_false(e: &Expr) -> Vec<Path> {
    if let Some((op, path)) = none_comparison(e) {
        return if op == BinOp::Eq {
            prefixes(path)
        } else {
            vec![]
        };
    }
    match &e.kind {
        ExprKind::Unary(UnOp::Not, inner) => when_true(inner),
        ExprKind::Binary(BinOp::Or, l, r) => {
            let mut v = when_false(l);
            v.extend(when_false(r));
            v
        }
        _ => vec![],
    }
}

/// `a.b.c` present means `a.b` and `a` are present too.
fn prefixes(path: Path) -> Vec<Path> {
    (1..=path.len())
        .map(|n| path.get(..n).map(<[String]>::to_vec).unwrap_or_default())
        .collect()
}
