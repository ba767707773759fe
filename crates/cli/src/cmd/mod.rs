//! One module per subcommand (`iotgate analyze`, `mud …`, `label`, `probe`, `serve`
//! with `user` and `token`, `simulate`, `evaluate`); each returns [`crate::failure::Done`].

pub mod analyze;
pub mod collect;
pub mod enforce;
pub mod evaluate;
pub mod fetch;
pub mod label;
pub mod mud;
pub mod probe;
pub mod scale;
pub mod serve;
pub mod simulate;
