//! Ledgers: what rules laid on each record and period (deductions summed, flags set), with their entries.

use super::value::Value;
use crate::check::ir::{LedgerKey, LedgerKind, RuleId};
use rust_decimal::Decimal;
use std::sync::OnceLock;

/// One consequence that a rule laid on a record.
#[derive(Clone, Debug)]
pub struct Entry {
    pub rule: RuleId,
    /// Which of the rule's consequences.
    pub consequence: u32,
    pub target: u32,
    /// The period's index within the case year.
    pub period: u32,
    pub amount: Option<Decimal>,
    /// The values the rule's generators had (the triggering records).
    pub trigger: Vec<Value>,
}

#[derive(Debug)]
pub struct Ledger {
    per_year: usize,
    sums: Vec<Decimal>,
    flags: Vec<bool>,
    pub entries: Vec<Entry>,
    /// Entry indices sorted by (target, period), built when first asked.
    by_target: OnceLock<Vec<u32>>,
}

impl Ledger {
    pub fn new(key: &LedgerKey, records: usize) -> Ledger {
        let per_year = key.grain.per_year();
        let size = records * per_year;
        let deduct = key.kind == LedgerKind::Deduct;
        Ledger {
            per_year,
            sums: if deduct {
                vec![Decimal::ZERO; size]
            } else {
                Vec::new()
            },
            flags: if deduct {
                Vec::new()
            } else {
                vec![false; size]
            },
            entries: Vec::new(),
            by_target: OnceLock::new(),
        }
    }

    fn slot(&self, target: u32, period: usize) -> usize {
        target as usize * self.per_year + period
    }

    pub fn add(&mut self, entry: Entry) -> Result<(), String> {
        let slot = self.slot(entry.target, entry.period as usize);
        if let Some(a) = entry.amount {
            let sum = self
                .sums
                .get_mut(slot)
                .ok_or_else(|| "internal error: ledger slot out of range".to_string())?;
            *sum = sum.checked_add(a).ok_or_else(|| {
                "the deductions add up to more than a number can hold".to_string()
            })?;
        } else if let Some(f) = self.flags.get_mut(slot) {
            *f = true;
        }
        self.entries.push(entry);
        self.by_target = OnceLock::new();
        Ok(())
    }

    pub fn sum(&self, target: u32, period: usize) -> Decimal {
        self.sums
            .get(self.slot(target, period))
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    pub fn flagged(&self, target: u32, period: usize) -> bool {
        self.flags
            .get(self.slot(target, period))
            .copied()
            .unwrap_or(false)
    }

    /// The entries laid on one record in one period, in the order the rules laid them.
    pub fn entries_for(&self, target: u32, period: usize) -> Vec<&Entry> {
        let order = self.by_target.get_or_init(|| {
            let mut idx: Vec<u32> = (0..self.entries.len() as u32).collect();
            idx.sort_by_key(|i| {
                self.entries
                    .get(*i as usize)
                    .map(|e| (e.target, e.period, *i))
                    .unwrap_or_default()
            });
            idx
        });
        let key = (target, period as u32);
        let at = |i: &u32| {
            self.entries
                .get(*i as usize)
                .map(|e| (e.target, e.period))
                .unwrap_or_default()
        };
        let start = order.partition_point(|i| at(i) < key);
        order
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|i| at(i) == key)
            .filter_map(|i| self.entries.get(*i as usize))
            .collect()
    }
}
