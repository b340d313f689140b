//! Traces: what each definition read while it was computed, recorded only when asked for.

use super::value::Value;
use crate::check::ir::{DefId, FieldId, LedgerId, ParamId};
use crate::diagnostic::Span;
use std::collections::HashMap;

/// How many reads of one kind a node keeps (a sum over all staff reads thousands).
const MAX_READS: usize = 64;

/// One thing a definition read.
#[derive(Clone, Debug, PartialEq)]
pub enum Read {
    Param(ParamId, Value),
    /// A field of a case record.
    Field {
        entity: u32,
        record: u32,
        field: FieldId,
        value: Value,
    },
    /// Another definition's value (a node of the trace).
    Def(usize),
    /// A query of what rules laid on a record.
    Query {
        ledger: LedgerId,
        target: u32,
        period: usize,
        value: Value,
    },
    /// A condition that chose a branch (`if`, `when`).
    Cond(Span, bool),
}

/// A definition's value for one record and period, with what it read.
#[derive(Clone, Debug)]
pub struct Node {
    pub def: DefId,
    pub record: u32,
    pub period: Option<Value>,
    pub value: Value,
    pub reads: Vec<Read>,
    /// Reads left out once `MAX_READS` was reached.
    pub omitted: usize,
}

#[derive(Debug, Default)]
pub struct Trace {
    pub nodes: Vec<Node>,
    stack: Vec<usize>,
    done: HashMap<(DefId, u32, Option<usize>), usize>,
}

impl Trace {
    pub fn find(&self, def: DefId, record: u32, period: Option<usize>) -> Option<usize> {
        self.done.get(&(def, record, period)).copied()
    }

    pub fn enter(&mut self, def: DefId, record: u32, period: Option<Value>) {
        let id = self.nodes.len();
        self.nodes.push(Node {
            def,
            record,
            period,
            value: Value::None,
            reads: Vec::new(),
            omitted: 0,
        });
        self.stack.push(id);
    }

    pub fn leave(&mut self, value: &Value, period_index: Option<usize>) {
        let Some(id) = self.stack.pop() else {
            return;
        };
        if let Some(n) = self.nodes.get_mut(id) {
            n.value = value.clone();
            let key = (n.def, n.record, period_index);
            self.done.insert(key, id);
        }
        self.read(Read::Def(id));
    }

    /// Leaves a node whose computation failed: it stays out of the tree.
    pub fn abandon(&mut self) {
        self.stack.pop();
    }

    /// Records a read in the innermost open definition, once.
    pub fn read(&mut self, r: Read) {
        let Some(&top) = self.stack.last() else {
            return;
        };
        let Some(node) = self.nodes.get_mut(top) else {
            return;
        };
        if node.reads.contains(&r) {
            return;
        }
        if node.reads.len() >= MAX_READS {
            node.omitted += 1;
            return;
        }
        node.reads.push(r);
    }

    /// Links an already traced definition value into the open node.
    pub fn reuse(&mut self, def: DefId, record: u32, period: Option<usize>) {
        if let Some(id) = self.find(def, record, period) {
            self.read(Read::Def(id));
        }
    }
}
