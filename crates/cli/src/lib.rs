//! The iotgate application library: detection scoring (`evaluate`), shared by the binary and
//! the integration tests. The engine itself is `iotgate-pipeline`.

pub mod evaluate;
