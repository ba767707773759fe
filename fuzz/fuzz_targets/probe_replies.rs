//! Fuzz target: what a probed device answers (Telnet negotiation, FTP replies, HTTP heads, MQTT
//! CONNACKs, banners) — the device may be hostile; nothing may panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = iotgate_probe::parse_replies(data);
    let _ = iotgate_probe::parse_target(&String::from_utf8_lossy(data));
});
