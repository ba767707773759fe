//! RFC 8520 Manufacturer Usage Description profiles: the model, a parser that validates as it
//! reads (every problem carries the JSON path where it was found), and flow matching.

pub mod diag;
pub mod model;
pub mod parse;

pub use diag::{Diag, DiagKind, Severity};
pub use model::*;
pub use parse::{parse, parse_bytes, Parsed, MAX_PROFILE_BYTES};
