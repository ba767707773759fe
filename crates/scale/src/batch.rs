//! The records of one message on the stream: a compact binary form (a magic, a count, then
//! fixed-size records), read back exactly; anything else is refused with the offset where it
//! went wrong. Messages come from the stream, which anyone with publish rights can write to:
//! the reader trusts nothing.

use iotgate_flows::Record;
use std::net::{IpAddr, Ipv6Addr};

/// First bytes of every batch.
pub const MAGIC: &[u8; 4] = b"IGR1";
/// The whole of an end-of-input marker: a collector replaying a capture says it has sent
/// everything, so that workers started with `--until-idle` know they may stop.
pub const END: &[u8; 4] = b"IGRE";
/// Bytes per record.
pub const RECORD_LEN: usize = 16 * 3 + 4 + 2 + 2 + 1 + 1 + 1 + 8 * 4 + 4 + 12;
/// Most records one batch holds (a message stays under NATS's default 1 MiB payload).
pub const MAX_RECORDS: usize = 8192;

fn put_addr(o: &mut Vec<u8>, a: IpAddr) {
    let v6 = match a {
        IpAddr::V4(v) => v.to_ipv6_mapped(),
        IpAddr::V6(v) => v,
    };
    o.extend_from_slice(&v6.octets());
}

fn get_addr(b: &[u8]) -> IpAddr {
    let mut o = [0u8; 16];
    o.copy_from_slice(&b[..16]);
    let v6 = Ipv6Addr::from(o);
    match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    }
}

/// Appends `recs` (at most [`MAX_RECORDS`]) as one batch to `o`.
pub fn encode(recs: &[Record], o: &mut Vec<u8>) {
    let recs = &recs[..recs.len().min(MAX_RECORDS)];
    o.extend_from_slice(MAGIC);
    o.extend_from_slice(&(recs.len() as u32).to_be_bytes());
    for r in recs {
        put_addr(o, r.exporter);
        put_addr(o, r.src);
        put_addr(o, r.dst);
        o.extend_from_slice(&r.domain.to_be_bytes());
        o.extend_from_slice(&r.sport.to_be_bytes());
        o.extend_from_slice(&r.dport.to_be_bytes());
        o.push(r.proto);
        o.push(r.tcp_flags);
        let present = u8::from(r.packets.is_some())
            | u8::from(r.bytes.is_some()) << 1
            | u8::from(r.start_ms.is_some()) << 2
            | u8::from(r.end_ms.is_some()) << 3
            | u8::from(r.sampling.is_some()) << 4
            | u8::from(r.src_mac.is_some()) << 5
            | u8::from(r.dst_mac.is_some()) << 6;
        o.push(present);
        o.extend_from_slice(&r.packets.unwrap_or(0).to_be_bytes());
        o.extend_from_slice(&r.bytes.unwrap_or(0).to_be_bytes());
        o.extend_from_slice(&r.start_ms.unwrap_or(0).to_be_bytes());
        o.extend_from_slice(&r.end_ms.unwrap_or(0).to_be_bytes());
        o.extend_from_slice(&r.sampling.unwrap_or(0).to_be_bytes());
        o.extend_from_slice(&r.src_mac.unwrap_or([0; 6]));
        o.extend_from_slice(&r.dst_mac.unwrap_or([0; 6]));
    }
}

/// Why a batch was refused, and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    /// Byte offset.
    pub offset: usize,
    /// What was wrong.
    pub what: &'static str,
}

/// Reads a batch into `out`.
pub fn decode(b: &[u8], out: &mut Vec<Record>) -> Result<(), Bad> {
    if b.len() < 8 || &b[..4] != MAGIC {
        return Err(Bad {
            offset: 0,
            what: "not a record batch (magic)",
        });
    }
    let n = u32::from_be_bytes([b[4], b[5], b[6], b[7]]) as usize;
    if n > MAX_RECORDS {
        return Err(Bad {
            offset: 4,
            what: "too many records",
        });
    }
    if b.len() != 8 + n * RECORD_LEN {
        return Err(Bad {
            offset: b.len().min(8 + n * RECORD_LEN),
            what: "length does not match the record count",
        });
    }
    for (i, r) in b[8..].chunks_exact(RECORD_LEN).enumerate() {
        let u16at = |o: usize| u16::from_be_bytes([r[o], r[o + 1]]);
        let u64at = |o: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&r[o..o + 8]);
            u64::from_be_bytes(x)
        };
        let present = r[58];
        if present & 0x80 != 0 {
            return Err(Bad {
                offset: 8 + i * RECORD_LEN + 58,
                what: "unknown presence bit",
            });
        }
        let has = |bit: u8| present & (1 << bit) != 0;
        let mac = |o: usize| {
            let mut m = [0u8; 6];
            m.copy_from_slice(&r[o..o + 6]);
            m
        };
        out.push(Record {
            exporter: get_addr(&r[0..]),
            src: get_addr(&r[16..]),
            dst: get_addr(&r[32..]),
            domain: u32::from_be_bytes([r[48], r[49], r[50], r[51]]),
            sport: u16at(52),
            dport: u16at(54),
            proto: r[56],
            tcp_flags: r[57],
            packets: has(0).then(|| u64at(59)),
            bytes: has(1).then(|| u64at(67)),
            start_ms: has(2).then(|| u64at(75) as i64),
            end_ms: has(3).then(|| u64at(83) as i64),
            sampling: has(4).then(|| u32::from_be_bytes([r[91], r[92], r[93], r[94]])),
            src_mac: has(5).then(|| mac(95)),
            dst_mac: has(6).then(|| mac(101)),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arb_addr() -> impl Strategy<Value = IpAddr> {
        prop_oneof![
            any::<[u8; 4]>().prop_map(IpAddr::from),
            any::<[u8; 16]>()
                .prop_map(|o| IpAddr::V6(Ipv6Addr::from(o)))
                .prop_filter("mapped", |a| match a {
                    IpAddr::V6(v) => v.to_ipv4_mapped().is_none(),
                    _ => true,
                }),
        ]
    }

    fn arb_record() -> impl Strategy<Value = Record> {
        (
            (arb_addr(), arb_addr(), arb_addr(), any::<u32>()),
            any::<(u16, u16, u8, u8)>(),
            any::<(
                Option<u64>,
                Option<u64>,
                Option<i64>,
                Option<i64>,
                Option<u32>,
            )>(),
            any::<(Option<[u8; 6]>, Option<[u8; 6]>)>(),
        )
            .prop_map(
                |((exporter, src, dst, domain), (sport, dport, proto, tcp_flags), c, m)| Record {
                    exporter,
                    domain,
                    src,
                    dst,
                    sport,
                    dport,
                    proto,
                    packets: c.0,
                    bytes: c.1,
                    start_ms: c.2,
                    end_ms: c.3,
                    tcp_flags,
                    sampling: c.4,
                    src_mac: m.0,
                    dst_mac: m.1,
                },
            )
    }

    proptest! {
        #[test]
        fn batches_read_back(recs in prop::collection::vec(arb_record(), 0..40)) {
            let mut b = Vec::new();
            encode(&recs, &mut b);
            prop_assert_eq!(b.len(), 8 + recs.len() * RECORD_LEN);
            let mut out = Vec::new();
            decode(&b, &mut out).unwrap();
            prop_assert_eq!(out, recs);
        }

        #[test]
        fn damaged_batches_are_refused_or_read(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&bytes);
            let mut out = Vec::new();
            let _ = decode(&b, &mut out);
            prop_assert!(out.len() <= MAX_RECORDS);
        }
    }
}
