//! Fuzz target: the tls decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ch) = iotgate_wire::tls::parse_client_hello(data) {
        let _ = (ch.ja3(), ch.ja3_hash(), ch.ja4(), ch.max_version(), ch.alpn_protocols().count());
    }
    if let Some(h) = iotgate_wire::tls::parse_v2_client_hello(data) {
        let _ = (h.tls_suites().count(), h.sslv2_ciphers());
    }
});
