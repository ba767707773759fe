//! Fuzz target: what ISP mode reads from files and the network besides export packets — a
//! subscriber map (then looked up), an indicator checked against a key, a record batch from
//! the cluster's stream — and the record
//! pairing table fed records made from the same bytes. Nothing may panic; pairing gives every
//! record back exactly once and stays within its bound.
#![no_main]
use iotgate_flows::stitch::Stitcher;
use iotgate_flows::subscribers::{AddrText, Attribution, Subscribers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = Subscribers::parse(&text) {
        let a = Attribution::Map(m);
        let mut t = AddrText::default();
        for c in data.chunks(6) {
            let mut b = [0u8; 6];
            b[..c.len()].copy_from_slice(c);
            let ip = std::net::IpAddr::from([b[0], b[1], b[2], b[3]]);
            let _ = a.name(ip, u16::from_be_bytes([b[4], b[5]]), &mut t);
        }
    }
    let mut recs = Vec::new();
    if iotgate_scale::batch::decode(data, &mut recs).is_ok() {
        let mut again = Vec::new();
        iotgate_scale::batch::encode(&recs, &mut again);
        assert_eq!(again.len(), data.len());
    }
    let key = "9408da10a7a1295e824e9246bb34257aa4425d939499606c62c4e16789ba5b08";
    let _ = iotgate_pipeline::indicator::verify(&text, key);
    // Records from the bytes: addresses and ports from small alphabets so reverses meet.
    let mut s = Stitcher::new(1000, 16);
    let (mut out, mut n) = (Vec::new(), 0usize);
    for c in data.chunks(4) {
        let g = |i: usize| c.get(i).copied().unwrap_or(0);
        let r = iotgate_flows::Record {
            exporter: std::net::IpAddr::from([192, 0, 2, 1]),
            domain: 0,
            src: std::net::IpAddr::from([10, 0, 0, g(0) & 3]),
            dst: std::net::IpAddr::from([10, 0, 0, g(1) & 3]),
            sport: u16::from(g(2) & 7) * 1000,
            dport: u16::from(g(2) >> 5) * 1000,
            proto: 6,
            packets: Some(1),
            bytes: Some(40),
            start_ms: Some(i64::from(g(3)) * 100),
            end_ms: Some(i64::from(g(3)) * 100),
            tcp_flags: 2,
            sampling: None,
            src_mac: None,
            dst_mac: None,
        };
        s.push(&r, &mut out);
        n += 1;
        assert!(s.pending() <= 16);
    }
    s.flush(&mut out);
    let got: usize = out
        .iter()
        .map(|c| usize::from(c.forward.is_some()) + usize::from(c.reverse.is_some()))
        .sum();
    assert_eq!(got, n);
});
