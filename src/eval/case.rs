//! A loaded case: typed records per entity, case-level fields, and where each record came from.

use super::period::Year;
use super::value::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// The records of one entity, stored row by row.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub field_count: usize,
    /// `field_count` values per record.
    pub values: Vec<Value>,
    /// Key text → record index (entities with a key only).
    pub keys: HashMap<Arc<str>, u32>,
    /// Each record's key text, or its position as `[i]` when it has none.
    pub ids: Vec<Arc<str>>,
    /// Byte offset of each record in the case file.
    pub offsets: Vec<u32>,
    /// How many records the table holds.
    pub len: usize,
}

impl Table {
    pub fn new(field_count: usize) -> Table {
        Table {
            field_count,
            ..Table::default()
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn field(&self, record: u32, field: u32) -> Option<&Value> {
        self.values
            .get(record as usize * self.field_count + field as usize)
    }

    pub fn field_mut(&mut self, record: u32, field: u32) -> Option<&mut Value> {
        self.values
            .get_mut(record as usize * self.field_count + field as usize)
    }

    pub fn record(&self, record: u32) -> &[Value] {
        let start = record as usize * self.field_count;
        self.values
            .get(start..start + self.field_count)
            .unwrap_or(&[])
    }

    pub fn push(&mut self, values: Vec<Value>, id: Arc<str>, offset: u32) -> u32 {
        let index = self.len as u32;
        self.values.extend(values);
        self.ids.push(id);
        self.offsets.push(offset);
        self.len += 1;
        index
    }

    pub fn id(&self, record: u32) -> &str {
        self.ids.get(record as usize).map(|s| &**s).unwrap_or("?")
    }
}

/// One bureau's data for one year, typed by the policy's schema.
#[derive(Clone, Debug)]
pub struct Case {
    /// The year the case is about: periods of outputs are its quarters and months.
    pub year: Year,
    /// Values of the case's own fields (a singleton entity's field holds `Ref(0)`).
    pub fields: Vec<Value>,
    /// One table per entity of the program.
    pub tables: Vec<Table>,
}

impl Case {
    pub fn table(&self, entity: u32) -> Option<&Table> {
        self.tables.get(entity as usize)
    }
}
