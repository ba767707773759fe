//! Fuzz target: the mqtt decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = iotgate_wire::mqtt::parse_connect(data);
});
