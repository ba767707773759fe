//! Stress captures for the bounded-memory tests: one device sending millions of packets that
//! would make exact per-address state grow without bound.

use crate::build::{self, TcpHdr};
use std::io::{self, Write};

/// Which flood to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stress {
    /// TCP SYNs to random Internet addresses and ports (every packet a new flow, a new target).
    RandomScan,
    /// TCP SYNs to one victim from forged random source addresses and ports.
    SpoofedSynFlood,
}

/// The device that sends the stress traffic.
pub const STRESS_MAC: [u8; 6] = [0xb0, 0xc5, 0x54, 0x5a, 0x5a, 0x01];
/// Its address.
pub const STRESS_IP: [u8; 4] = [192, 168, 1, 66];
/// The flood's victim.
pub const STRESS_VICTIM: [u8; 4] = [203, 0, 113, 50];

/// Writes `packets` packets of `kind` at 100,000 packets per second as a classic pcap; returns
/// the bytes written.
pub fn write_stress<W: Write>(kind: Stress, packets: u64, seed: u64, w: &mut W) -> io::Result<u64> {
    w.write_all(&crate::PCAP_HEADER)?;
    let mut state = seed ^ 0x5354_5245_5353;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut buf = Vec::with_capacity(128);
    let mut bytes = 24u64;
    let t0: i64 = 1_709_280_000_000_000_000;
    for i in 0..packets {
        let r = next();
        let (src, dst) = match kind {
            Stress::RandomScan => {
                // Public-looking addresses: skip 0/8, 10/8, 127/8 and 224/3.
                let mut a = (r as u32).to_be_bytes();
                if matches!(a[0], 0 | 10 | 127) || a[0] >= 224 {
                    a[0] = 45;
                }
                (STRESS_IP, a)
            }
            Stress::SpoofedSynFlood => {
                let mut a = (r as u32).to_be_bytes();
                a[0] = 1 + a[0] % 222;
                (a, STRESS_VICTIM)
            }
        };
        let ip = build::eth_ip(
            &mut buf,
            &STRESS_MAC,
            &crate::ROUTER_MAC,
            &src,
            &dst,
            6,
            64,
            (r >> 48) as u16,
        );
        let h = TcpHdr {
            sport: 1024 + ((r >> 32) as u16 % 60_000),
            dport: match kind {
                Stress::RandomScan => 1 + (r >> 40) as u16 % 65_534,
                Stress::SpoofedSynFlood => 80,
            },
            seq: (r >> 16) as u32,
            ack: 0,
            flags: 0x02,
            window: 1024,
            mss: false,
        };
        build::tcp(&mut buf, ip, &h, &[]);
        let ts = t0 + i as i64 * 10_000;
        let len = buf.len() as u32;
        w.write_all(&crate::record_header(ts, len))?;
        w.write_all(&buf)?;
        bytes += 16 + len as u64;
    }
    Ok(bytes)
}
