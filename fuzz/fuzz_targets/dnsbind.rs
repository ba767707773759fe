//! Fuzz target: reading a DNS answer off a frame for DNS-bound sets (`serve`'s quarantine and
//! `mud enforce`) must not panic, and the cheap pre-test must never turn away an answer.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let a = iotgate_serve::dnsbind::answer(1, data);
    assert!(a.is_none() || iotgate_serve::dnsbind::maybe(1, data));
});
