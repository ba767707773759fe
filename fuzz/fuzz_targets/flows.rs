//! Fuzz target: NetFlow v5/v9 and IPFIX export packets, one after another through one decoder
//! (templates learnt from earlier inputs used by later ones), must not panic, and the template
//! table must stay within its bound.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut d = iotgate_flows::Decoder::new();
    let mut out = Vec::new();
    let from = std::net::IpAddr::from([192, 0, 2, 1]);
    // The input is a series of packets, each after its two-byte length, so that templates and
    // data come in separate packets as exporters send them.
    let mut rest = data;
    while rest.len() >= 2 {
        let n = usize::from(u16::from_be_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        d.decode(from, &rest[2..2 + n], &mut out);
        rest = &rest[2 + n..];
    }
    assert!(d.template_count() <= iotgate_flows::MAX_TEMPLATES);
    assert_eq!(d.stats.records as usize, out.len());
});
