//! Fuzz target: the whole engine — every decoder, the flow table, the inventory and every
//! detector, in a pipeline session — fed arbitrary frames, with snapshots and quiet time in
//! between, must not panic. The input is split into frames by a 2-byte length prefix; a length
//! with its top bit set is a pause (time advances without packets) followed by a snapshot.
//! The final report is rendered as JSON (which must always serialise) and as terminal text.
#![no_main]
use libfuzzer_sys::fuzz_target;

thread_local! {
    static EN: iotgate_explain::Localizer = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
}

fuzz_target!(|data: &[u8]| {
    let mut session = iotgate_pipeline::Session::new(iotgate_pipeline::SessionConfig::detecting());
    let mut rest = data;
    let mut ts = 1_000_000_000i64;
    while rest.len() >= 2 {
        let word = u16::from_le_bytes([rest[0], rest[1]]);
        if word & 0x8000 != 0 {
            rest = &rest[2..];
            ts += i64::from(word & 0x7fff) * 100_000_000;
            session.advance(ts);
            let _ = session.snapshot();
            continue;
        }
        let n = (word as usize % 1600).min(rest.len() - 2);
        let frame = &rest[2..2 + n];
        rest = &rest[2 + n..];
        ts += 1_000_000;
        let pkt = iotgate_sources::RawPacket { ts_ns: ts, linktype: 1, data: frame, orig_len: n as u32 };
        session.push_packet(&pkt);
    }
    let snap = session.finish();
    let report = snap.report();
    EN.with(|l| {
        serde_json::to_vec(&report.in_language(l)).expect("a report always serialises");
        let _ = iotgate_explain::text::render(&report, l, iotgate_explain::text::Style::new(false), 8);
    });
});
