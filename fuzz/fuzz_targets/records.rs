//! Fuzz target: flow records as an exporter might send them — any addresses, ports, protocols,
//! counts and times — pushed into a session with quiet time and snapshots in between, must not
//! panic. Each record is read from 80 bytes of input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn u64_at(b: &[u8], i: usize) -> u64 {
    u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]))
}

fuzz_target!(|data: &[u8]| {
    let mut session = iotgate_pipeline::Session::new(iotgate_pipeline::SessionConfig::detecting());
    for b in data.chunks_exact(80) {
        let mac = |i: usize| {
            (b[i] & 1 == 0).then(|| iotgate_wire::Mac([b[i], b[i + 1], b[i + 2], b[i + 3], b[i + 4], b[i + 5]]))
        };
        let ip = |i: usize, six: bool| -> std::net::IpAddr {
            if six {
                std::net::Ipv6Addr::from(u128::from(u64_at(b, i)) << 64 | 0x1234).into()
            } else {
                std::net::Ipv4Addr::from(u64_at(b, i) as u32).into()
            }
        };
        let rec = iotgate_pipeline::FlowRecord {
            src: ip(0, b[78] & 1 != 0),
            dst: ip(8, b[78] & 2 != 0),
            sport: u16::from_le_bytes([b[16], b[17]]),
            dport: u16::from_le_bytes([b[18], b[19]]),
            proto: b[20],
            packets: [u64_at(b, 21), u64_at(b, 29) >> (b[79] & 63)],
            bytes: [u64_at(b, 37), u64_at(b, 45)],
            tcp_flags: [b[53], b[54]],
            start_ns: u64_at(b, 55) as i64,
            end_ns: u64_at(b, 63) as i64,
            src_mac: mac(66),
            dst_mac: mac(72),
        };
        session.push_record(&rec);
        if b[79] & 0x80 != 0 {
            session.advance(rec.end_ns.saturating_add(120_000_000_000));
            let _ = session.snapshot();
        }
    }
    let _ = session.finish();
});
