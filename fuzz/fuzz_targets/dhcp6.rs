//! Fuzz target: the dhcp6 decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = iotgate_wire::dhcp6::parse(data) { let _ = d.duid_mac(); }
});
