//! How fast the decoder turns IPFIX export packets into records, on one core:
//! `cargo run --release -p iotgate-flows --example decode_bench [MILLION_RECORDS]`.
//! The stream is built here: 64 exporters, one template each, 30 records of the usual
//! 5-tuple, counters and millisecond times per packet (about 1,400 bytes, as routers send).

use iotgate_flows::Decoder;
use std::net::IpAddr;
use std::time::Instant;

fn set(id: u16, body: &[u8]) -> Vec<u8> {
    let mut s = id.to_be_bytes().to_vec();
    s.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    s.extend_from_slice(body);
    s
}

fn message(domain: u32, sets: &[Vec<u8>]) -> Vec<u8> {
    let body = sets.concat();
    let mut p = vec![0, 10];
    p.extend_from_slice(&((16 + body.len()) as u16).to_be_bytes());
    p.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&domain.to_be_bytes());
    p.extend_from_slice(&body);
    p
}

fn main() {
    let millions: f64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20.0);
    let fields: [(u16, u16); 10] = [
        (8, 4),
        (12, 4),
        (7, 2),
        (11, 2),
        (4, 1),
        (2, 8),
        (1, 8),
        (6, 1),
        (152, 8),
        (153, 8),
    ];
    let mut t = vec![1, 0];
    t.extend_from_slice(&(fields.len() as u16).to_be_bytes());
    for (id, len) in fields {
        t.extend_from_slice(&id.to_be_bytes());
        t.extend_from_slice(&len.to_be_bytes());
    }
    let template = set(2, &t);
    let mut data = Vec::new();
    for i in 0..30u32 {
        let mut r = vec![100, 64, (i >> 8) as u8, i as u8, 203, 0, 113, (i * 7) as u8];
        r.extend_from_slice(&(40_000 + i as u16).to_be_bytes());
        r.extend_from_slice(&443u16.to_be_bytes());
        r.push(6);
        r.extend_from_slice(&u64::from(10 + i).to_be_bytes());
        r.extend_from_slice(&u64::from(9_000 + i * 100).to_be_bytes());
        r.push(0x1b);
        r.extend_from_slice(&1_700_000_000_000u64.to_be_bytes());
        r.extend_from_slice(&1_700_000_004_000u64.to_be_bytes());
        data.extend_from_slice(&r);
    }
    let exporters: Vec<IpAddr> = (0..64u8).map(|i| IpAddr::from([10, 0, 0, i])).collect();
    let packets: Vec<Vec<u8>> = (0..64u32).map(|d| message(d, &[set(256, &data)])).collect();
    let mut d = Decoder::new();
    let mut out = Vec::with_capacity(64);
    for (i, e) in exporters.iter().enumerate() {
        d.decode(
            *e,
            &message(i as u32, std::slice::from_ref(&template)),
            &mut out,
        );
    }
    let want = (millions * 1e6) as u64;
    let start = Instant::now();
    let mut n = 0u64;
    let mut bytes = 0u64;
    while n < want {
        for (i, p) in packets.iter().enumerate() {
            out.clear();
            d.decode(exporters[i], p, &mut out);
            n += out.len() as u64;
            bytes += p.len() as u64;
        }
    }
    let s = start.elapsed().as_secs_f64();
    println!(
        "{n} records ({:.0} MB of IPFIX) in {s:.2} s: {:.2} M records/s on one core",
        bytes as f64 / 1e6,
        n as f64 / s / 1e6
    );
    assert_eq!(d.stats.malformed, 0);
}
