//! Fuzz target: the pcap and pcapng readers must not panic on any file, whatever its magic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Try the bytes as they are, and behind each magic so the fuzzer reaches the record parsers.
    let magics: [&[u8]; 3] = [&[], &[0xd4, 0xc3, 0xb2, 0xa1], &[0x0a, 0x0d, 0x0d, 0x0a]];
    for m in magics {
        let mut b = m.to_vec();
        b.extend_from_slice(data);
        if let Ok(c) = iotgate_sources::Capture::from_bytes(std::path::Path::new("f"), b) {
            if let Ok(mut r) = c.reader() {
                while r.next_packet().is_some() {}
                let _ = r.warnings().len();
            }
        }
    }
});
