//! kaohe: a declarative policy language for assessment scoring and bonus rules.
//!
//! ```text
//!  policy.kaohe ──syntax──▶ AST (spans) ──check──▶ IR (slots, types, order)
//!                                                   │
//!  case.json ──eval::load (schema from the IR)──▶ Case ──eval──▶ Results ──▶ render (table/json/csv/explain)
//! ```
//!
//! Every phase reports problems as [`diagnostic::Diagnostic`]; only
//! [`render`] draws them.

pub mod check;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod eval;
pub mod explain;
pub mod render;
pub mod repl;
pub mod session;
pub mod stamp;
pub mod syntax;
pub mod testing;
