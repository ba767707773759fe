//! Fuzz target: the MUD profile parser must not panic on any input, and every problem it reports
//! must be located.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = iotgate_mud::parse_bytes(data);
    assert!(r.diags.iter().all(|d| d.path.starts_with('$')));
});
