//! Fuzz target: blocklist files and `--detect` settings, arbitrary text, must parse or fail with
//! a located error — never panic — and whatever a list accepts must be matchable.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(b) = iotgate_judge::detect::Blocklist::parse("fuzz", &text) {
        for line in text.lines() {
            let _ = b.match_name(line.trim());
            if let Ok(ip) = line.trim().parse::<std::net::IpAddr>() {
                assert!(b.match_addr(&ip).is_some());
            }
        }
    } else if let Err(e) = iotgate_judge::detect::Blocklist::parse("fuzz", &text) {
        assert!(e.line >= 1 && e.line <= text.lines().count());
    }
    let mut c = iotgate_judge::detect::DetectConfig::default();
    let _ = c.apply(&text);
});
