//! What the evaluator keeps between calls: memoised values, reference indexes, the case calendar.

use super::case::Case;
use super::value::Value;
use crate::check::ir::{DefId, Program};
use std::sync::OnceLock;

/// Records of an entity grouped by the record one of their fields refers to.
#[derive(Debug, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    pub(super) fn bucket(&self, key: u32) -> &[u32] {
        let start = self.offsets.get(key as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(key as usize + 1).copied().unwrap_or(0) as usize;
        self.items.get(start..end).unwrap_or(&[])
    }
}

/// Memoised definition values: a cell per (record, period) for each definition,
/// allocated on first use. Cells are set once; two threads may share it.
#[derive(Debug, Default)]
pub struct Memo {
    defs: Vec<OnceLock<Box<[OnceLock<Value>]>>>,
}

impl Memo {
    pub(super) fn new(defs: usize) -> Memo {
        Memo {
            defs: (0..defs).map(|_| OnceLock::new()).collect(),
        }
    }

    pub(super) fn get(&self, def: DefId, slot: usize) -> Option<&Value> {
        self.defs.get(def as usize)?.get()?.get(slot)?.get()
    }

    /// Keeps a value (a value set first, by another thread, stays: they are equal).
    pub(super) fn set(&self, def: DefId, slot: usize, size: usize, value: Value) {
        if let Some(cells) = self.defs.get(def as usize) {
            let cells = cells.get_or_init(|| (0..size).map(|_| OnceLock::new()).collect());
            if let Some(cell) = cells.get(slot) {
                let _ = cell.set(value);
            }
        }
    }
}

/// The case year's months and quarters as shared list values.
#[derive(Debug)]
pub struct Calendar {
    pub months: Value,
    pub quarters: Value,
    pub quarter_months: Vec<Value>,
}

impl Calendar {
    pub(super) fn new(year: super::period::Year) -> Calendar {
        Calendar {
            months: Value::List(year.months().into_iter().map(Value::Month).collect()),
            quarters: Value::List(year.quarters().into_iter().map(Value::Quarter).collect()),
            quarter_months: year
                .quarters()
                .into_iter()
                .map(|q| Value::List(q.months().into_iter().map(Value::Month).collect()))
                .collect(),
        }
    }
}

pub(super) fn build_index(case: &Case, prog: &Program, entity: u32, field: u32) -> Csr {
    let Some(table) = case.table(entity) else {
        return Csr::default();
    };
    let target_len = prog
        .entities
        .get(entity as usize)
        .and_then(|e| e.fields.get(field as usize))
        .and_then(|f| match f.ty.unwrap_optional() {
            crate::check::types::Type::Entity(t) => case.table(*t).map(|t| t.len()),
            _ => None,
        })
        .unwrap_or(0);
    let mut counts = vec![0u32; target_len + 1];
    let key_of = |r: u32| match table.field(r, field) {
        Some(Value::Ref(k)) if (*k as usize) < target_len => Some(*k),
        _ => None,
    };
    for r in 0..table.len() as u32 {
        if let Some(k) = key_of(r) {
            counts[k as usize + 1] += 1;
        }
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    let mut fill = counts.clone();
    let mut items = vec![0u32; counts.last().copied().unwrap_or(0) as usize];
    for r in 0..table.len() as u32 {
        if let Some(k) = key_of(r) {
            let pos = &mut fill[k as usize];
            if let Some(slot) = items.get_mut(*pos as usize) {
                *slot = r;
            }
            *pos += 1;
        }
    }
    Csr {
        offsets: counts,
        items,
    }
}
