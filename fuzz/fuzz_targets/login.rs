//! Fuzz target: login-protocol recognition must not panic on any payload, from either side.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = iotgate_wire::login::recognise(data, true);
    let _ = iotgate_wire::login::recognise(data, false);
});
