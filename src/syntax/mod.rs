//! Syntax: the pest grammar turned into an AST with spans.
pub mod ast;
mod errors;
mod parser;

pub use parser::{MAX_NESTING, parse_expression, parse_policy};
