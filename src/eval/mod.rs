//! Evaluation: case loading, the evaluator, consequences and traces.
pub mod builtins;
pub mod case;
mod constraints;
pub mod engine;
pub mod json;
pub mod ledger;
pub mod load;
pub mod num;
pub mod ops;
mod outputs;
pub mod period;
pub mod reasons;
pub mod results;
mod store;
pub mod trace;
pub mod validate;
pub mod value;
pub mod whynot;
