//! Fuzz target: the http decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = iotgate_wire::http::parse(data);
    let _ = iotgate_wire::http::scanner_tool(data);
    let _ = iotgate_wire::http::random_post_to_ip(data);
});
