//! Lexical scope while lowering: local names to frame slots, and what is known not to be none.

use super::ir::Slot;
use super::types::{EntityId, Type};

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub slot: Slot,
    pub ty: Type,
}

/// A path such as `s.报送人` (root name, then fields), known not to be none.
pub type Path = Vec<String>;

/// A path and the local slot its root named when the fact was learnt
/// (`None` for a field of `self` or a global), so a later `let` of the same
/// name does not inherit the fact.
pub type Fact = (Path, Option<Slot>);

#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The entity a definition or `require` is about (`self`).
    pub self_entity: Option<EntityId>,
    pub locals: Vec<Local>,
    pub next_slot: Slot,
    pub max_slots: Slot,
    pub facts: Vec<Fact>,
}

impl Scope {
    pub fn new(self_entity: Option<EntityId>) -> Scope {
        Scope {
            self_entity,
            ..Scope::default()
        }
    }

    /// Binds a new local.
    pub fn bind(&mut self, name: &str, ty: Type) -> Slot {
        let slot = self.next_slot;
        self.next_slot += 1;
        self.max_slots = self.max_slots.max(self.next_slot);
        self.locals.push(Local {
            name: name.to_string(),
            slot,
            ty,
        });
        slot
    }

    pub fn lookup(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    /// Marks where locals and facts stand, to return there after a sub-scope.
    pub fn mark(&self) -> (usize, usize, Slot) {
        (self.locals.len(), self.facts.len(), self.next_slot)
    }

    /// Returns to a mark. Slots are not reused by siblings, which keeps
    /// every slot's meaning unique within a frame (traces rely on it).
    pub fn reset(&mut self, mark: (usize, usize, Slot)) {
        self.locals.truncate(mark.0);
        self.facts.truncate(mark.1);
    }

    fn root_slot(&self, path: &[String]) -> Option<Slot> {
        path.first().and_then(|r| self.lookup(r)).map(|l| l.slot)
    }

    pub fn knows(&self, path: &[String]) -> bool {
        let root = self.root_slot(path);
        self.facts.iter().any(|(p, s)| p == path && *s == root)
    }

    pub fn add_facts(&mut self, paths: Vec<Path>) {
        for p in paths {
            let root = self.root_slot(&p);
            self.facts.push((p, root));
        }
    }

    pub fn local_names(&self) -> impl Iterator<Item = &str> {
        self.locals.iter().map(|l| l.name.as_str())
    }
}
