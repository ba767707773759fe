//! Fuzz target: the whole observe stage — every decoder, the flow table and the inventory — and
//! every detector watching it, fed arbitrary frames, must not panic. The input is split into
//! frames by a 2-byte length prefix.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut an = iotgate_observe::Analyzer::new(Default::default());
    let det = std::rc::Rc::new(std::cell::RefCell::new(iotgate_judge::detect::Detectors::new(
        Default::default(),
        vec![],
    )));
    an.observer = Some(Box::new(iotgate_judge::detect::DetectObserver(det.clone())));
    let mut rest = data;
    let mut ts = 1_000_000_000i64;
    while rest.len() >= 2 {
        let n = (u16::from_le_bytes([rest[0], rest[1]]) as usize % 1600).min(rest.len() - 2);
        let frame = &rest[2..2 + n];
        rest = &rest[2 + n..];
        ts += 1_000_000;
        let pkt = iotgate_sources::RawPacket { ts_ns: ts, linktype: 1, data: frame, orig_len: n as u32 };
        an.process(&pkt);
    }
    let (inv, _, _) = an.finish();
    let _ = det.borrow_mut().finish(&inv);
    for d in &inv.devices {
        let _ = iotgate_observe::kind::classify(d);
    }
});
