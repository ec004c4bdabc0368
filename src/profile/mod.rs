//! The audit profile: model, loading (YAML and CSV) and validation.

pub mod csv;
pub mod dates;
pub mod load;
pub mod model;

pub use load::load;
pub use model::*;
