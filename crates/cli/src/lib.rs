//! The iotgate application library: detection scoring against the simulator (`evaluate`) and
//! against a labelled corpus of real captures (`corpus`), shared by the binary and the
//! integration tests. The engine itself is `iotgate-pipeline`.

pub mod corpus;
pub mod evaluate;
