//! Evaluation: case loading, the evaluator, consequences and traces.
pub mod num;
pub mod period;
pub mod value;
