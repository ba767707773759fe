//! Fuzz target: the dns decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(m) = iotgate_wire::dns::parse(data) {
        let mut out = [0u8; 256];
        for q in m.questions() { let _ = q.name.write(&mut out); }
        for (_, r) in m.records() {
            let _ = (r.a(), r.aaaa(), r.srv(), r.txt().count(), r.name.write(&mut out));
            if let Some(t) = r.target() { let _ = t.write(&mut out); }
        }
    }
});
