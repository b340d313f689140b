//! Runtime values: small, cheap to clone, with a total order within each type.

use super::period::{Month, Quarter, Year};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::cmp::Ordering;
use std::sync::Arc;

/// A value at run time. Its static type lives in the IR; numbers of every
/// kind (int, decimal, money, score) are exact decimals here.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum Value {
    #[default]
    None,
    Bool(bool),
    Num(Decimal),
    Text(Arc<str>),
    Date(NaiveDate),
    Month(Month),
    Quarter(Quarter),
    Year(Year),
    /// A variant's index in its enum.
    Enum(u32),
    /// A record's index in its entity's table.
    Ref(u32),
    List(Arc<[Value]>),
    Map(Arc<MapValue>),
    /// One value per period of the case year (4 for quarters, 12 for months).
    PerPeriod(Arc<[Value]>),
}

/// A map sorted by key, for lookups by binary search and a stable order.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct MapValue {
    pub entries: Vec<(Value, Value)>,
}

impl MapValue {
    /// Builds a map; when a key repeats, the last value wins.
    pub fn from_entries(mut entries: Vec<(Value, Value)>) -> MapValue {
        entries.reverse();
        entries.sort_by(|a, b| a.0.total_cmp(&b.0));
        entries.dedup_by(|later, first| later.0 == first.0);
        MapValue { entries }
    }

    pub fn get(&self, key: &Value) -> Option<&Value> {
        self.entries
            .binary_search_by(|(k, _)| k.total_cmp(key))
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }
}

impl Value {
    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::from(items))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    pub fn as_num(&self) -> Option<Decimal> {
        match self {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_ref_index(&self) -> Option<u32> {
        match self {
            Value::Ref(i) => Some(*i),
            _ => None,
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Value::None => 0,
            Value::Bool(_) => 1,
            Value::Num(_) => 2,
            Value::Text(_) => 3,
            Value::Date(_) => 4,
            Value::Month(_) => 5,
            Value::Quarter(_) => 6,
            Value::Year(_) => 7,
            Value::Enum(_) => 8,
            Value::Ref(_) => 9,
            Value::List(_) => 10,
            Value::Map(_) => 11,
            Value::PerPeriod(_) => 12,
        }
    }

    /// A total order: by value within a type (numbers by value, so 96 == 96.00),
    /// `none` first; values of different types by a fixed type order.
    pub fn total_cmp(&self, other: &Value) -> Ordering {
        use Value::*;
        match (self, other) {
            (None, None) => Ordering::Equal,
            (Bool(a), Bool(b)) => a.cmp(b),
            (Num(a), Num(b)) => a.cmp(b),
            (Text(a), Text(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (Month(a), Month(b)) => a.cmp(b),
            (Quarter(a), Quarter(b)) => a.cmp(b),
            (Year(a), Year(b)) => a.cmp(b),
            (Enum(a), Enum(b)) => a.cmp(b),
            (Ref(a), Ref(b)) => a.cmp(b),
            (List(a), List(b)) | (PerPeriod(a), PerPeriod(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.total_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Map(a), Map(b)) => {
                for ((ka, va), (kb, vb)) in a.entries.iter().zip(b.entries.iter()) {
                    let o = ka.total_cmp(kb).then_with(|| va.total_cmp(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.entries.len().cmp(&b.entries.len())
            }
            _ => self.rank().cmp(&other.rank()),
        }
    }

    /// Equality by value (numbers compare by value, not by scale).
    pub fn same(&self, other: &Value) -> bool {
        self.total_cmp(other) == Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_small() {
        assert!(std::mem::size_of::<Value>() <= 24);
    }

    #[test]
    fn numbers_compare_by_value() {
        let a = Value::Num(Decimal::new(9600, 2));
        let b = Value::Num(Decimal::new(96, 0));
        assert!(a.same(&b));
    }

    #[test]
    fn map_lookup_and_last_wins() {
        let m = MapValue::from_entries(vec![
            (Value::text("b"), Value::Num(Decimal::ONE)),
            (Value::text("a"), Value::Num(Decimal::TWO)),
            (Value::text("b"), Value::Num(Decimal::TEN)),
        ]);
        assert_eq!(m.get(&Value::text("b")), Some(&Value::Num(Decimal::TEN)));
        assert_eq!(m.entries.len(), 2);
        assert_eq!(m.get(&Value::text("c")), None);
    }
}
