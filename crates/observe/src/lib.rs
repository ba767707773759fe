//! Observation (the pipeline's `observe` stage): turns decoded packets into state — a bounded
//! bidirectional flow table, the device inventory with identity, DNS name bindings and peers, and
//! the evidence the `judge` stage turns into findings — plus the explainable device-kind rules.

mod app;
pub mod device;
pub mod engine;
pub mod flow;
mod flow_index;
pub mod hashing;
pub mod kind;
pub mod oui;
pub mod reassembly;
pub mod record;

pub use app::tls_version_name;
pub use device::{Device, Inventory, Limits};
pub use engine::{Analyzer, Config, Stats};
pub use iotgate_sources::prefetch_ref;
pub use record::FlowRecord;
