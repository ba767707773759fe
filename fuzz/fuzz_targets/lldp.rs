//! Fuzz target: the lldp decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(l) = iotgate_wire::lldp::parse(data) { let _ = l.chassis_mac(); }
});
