//! sFlow version 5 (sflow.org's specification): flow samples carry the first bytes of sampled
//! packets; each becomes a record of one packet, its frame length in bytes, and the sampling
//! rate the agent declares (counts as sampled: one in N). Counter samples and other formats are
//! skipped; everything is bounds-checked.

use crate::Record;
use iotgate_wire::{L3, L4};
use std::net::IpAddr;

/// Samples read from one datagram, at most (a datagram holds a few dozen at most).
const MAX_SAMPLES: u32 = 1024;
/// Records read from one sample, at most.
const MAX_RECORDS: u32 = 256;

struct R<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> R<'a> {
    fn u32(&mut self) -> Option<u32> {
        let v = self.b.get(self.at..self.at + 4)?;
        self.at += 4;
        Some(u32::from_be_bytes([v[0], v[1], v[2], v[3]]))
    }
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let v = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(v)
    }
    /// `n` bytes padded to a multiple of 4 (XDR opaque).
    fn opaque(&mut self, n: usize) -> Option<&'a [u8]> {
        let v = self.bytes(n)?;
        self.at += (4 - n % 4) % 4;
        Some(v)
    }
}

/// Decodes one sFlow v5 datagram from `from`, appending a record per sampled packet header;
/// false when it is not sFlow v5 or is cut short.
pub fn decode(from: IpAddr, d: &[u8], out: &mut Vec<Record>) -> bool {
    let mut r = R { b: d, at: 0 };
    let parse = |r: &mut R<'_>, out: &mut Vec<Record>| -> Option<()> {
        if r.u32()? != 5 {
            return None;
        }
        let agent_len = match r.u32()? {
            1 => 4,
            2 => 16,
            _ => return None,
        };
        r.bytes(agent_len)?;
        let sub_agent = r.u32()?;
        let _sequence = r.u32()?;
        let _uptime = r.u32()?;
        let samples = r.u32()?.min(MAX_SAMPLES);
        for _ in 0..samples {
            let format = r.u32()?;
            let len = r.u32()? as usize;
            let body = r.bytes(len)?;
            // Enterprise 0: 1 flow sample, 3 expanded flow sample.
            match format {
                1 => flow_sample(from, sub_agent, body, false, out),
                3 => flow_sample(from, sub_agent, body, true, out),
                _ => None,
            };
        }
        Some(())
    };
    parse(&mut r, out).is_some()
}

fn flow_sample(
    from: IpAddr,
    domain: u32,
    b: &[u8],
    expanded: bool,
    out: &mut Vec<Record>,
) -> Option<()> {
    let mut r = R { b, at: 0 };
    r.u32()?; // sequence
    if expanded {
        r.u32()?; // source id type
        r.u32()?; // source id index
    } else {
        r.u32()?; // source id
    }
    let rate = r.u32()?;
    r.u32()?; // sample pool
    r.u32()?; // drops
    if expanded {
        r.bytes(16)?; // input and output, format and value
    } else {
        r.bytes(8)?;
    }
    let records = r.u32()?.min(MAX_RECORDS);
    for _ in 0..records {
        let format = r.u32()?;
        let len = r.u32()? as usize;
        let body = r.opaque(len)?;
        if format != 1 {
            continue; // only the raw packet header
        }
        let mut h = R { b: body, at: 0 };
        let (Some(proto), Some(frame_len), Some(_stripped), Some(hlen)) =
            (h.u32(), h.u32(), h.u32(), h.u32())
        else {
            continue;
        };
        let Some(header) = h.bytes(hlen as usize) else {
            continue;
        };
        // Header protocol 1: Ethernet; 11: IPv4; 12: IPv6 (as pcap's 1 and 101).
        let lt = match proto {
            1 => 1,
            11 | 12 => 101,
            _ => continue,
        };
        let Ok(p) = iotgate_wire::decode(lt, header) else {
            continue;
        };
        let L3::Ip(ip) = p.l3 else { continue };
        let (sport, dport, flags) = match p.l4 {
            L4::Tcp(t) => (t.sport, t.dport, t.flags),
            L4::Udp(u) => (u.sport, u.dport, 0),
            _ => (0, 0, 0),
        };
        out.push(Record {
            exporter: from,
            domain,
            src: ip.src,
            dst: ip.dst,
            sport,
            dport,
            proto: ip.proto,
            packets: Some(1),
            bytes: Some(u64::from(frame_len)),
            start_ms: None,
            end_ms: None,
            tcp_flags: flags,
            sampling: (rate > 1).then_some(rate),
            src_mac: p.link.src.map(|m| m.0),
            dst_mac: p.link.dst.map(|m| m.0),
        });
    }
    Some(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An sFlow v5 datagram with one flow sample of one Ethernet/IPv4/TCP SYN header.
    pub(crate) fn datagram(expanded: bool) -> Vec<u8> {
        let mut frame = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0];
        frame.extend_from_slice(&[0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]);
        frame.extend_from_slice(&[192, 168, 1, 50, 203, 0, 113, 5]);
        frame.extend_from_slice(&[
            0x9c, 0x40, 0, 23, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x40, 0, 0, 0, 0, 0,
        ]);
        let mut raw = Vec::new();
        for v in [1u32, 60, 0, frame.len() as u32] {
            raw.extend_from_slice(&v.to_be_bytes());
        }
        raw.extend_from_slice(&frame);
        while raw.len() % 4 != 0 {
            raw.push(0);
        }
        let mut s = Vec::new();
        let mut put = |v: u32| s.extend_from_slice(&v.to_be_bytes());
        put(7);
        if expanded {
            put(0);
            put(3);
        } else {
            put(3);
        }
        put(512); // sampling rate
        put(10_000);
        put(0);
        for _ in 0..if expanded { 4 } else { 2 } {
            put(1);
        }
        put(1); // one record
        put(1); // raw packet header
        put(raw.len() as u32);
        s.extend_from_slice(&raw);
        let mut d = Vec::new();
        for v in [5u32, 1, 0x0a00_0001, 0, 9, 123_456, 1] {
            d.extend_from_slice(&v.to_be_bytes());
        }
        d.extend_from_slice(&(if expanded { 3u32 } else { 1 }).to_be_bytes());
        d.extend_from_slice(&(s.len() as u32).to_be_bytes());
        d.extend_from_slice(&s);
        d
    }

    #[test]
    fn a_sampled_syn() {
        for expanded in [false, true] {
            let mut out = Vec::new();
            assert!(decode(
                "10.0.0.1".parse().unwrap(),
                &datagram(expanded),
                &mut out
            ));
            assert_eq!(out.len(), 1);
            let r = &out[0];
            assert_eq!(
                (r.src.to_string(), r.dst.to_string()),
                ("192.168.1.50".into(), "203.0.113.5".into())
            );
            assert_eq!(
                (r.sport, r.dport, r.proto, r.tcp_flags),
                (40_000, 23, 6, 0x02)
            );
            assert_eq!(
                (r.packets, r.bytes, r.sampling),
                (Some(1), Some(60), Some(512))
            );
            assert_eq!(r.src_mac, Some([2, 0, 0, 0, 0, 1]));
        }
        let d = datagram(false);
        assert!(!decode(
            "10.0.0.1".parse().unwrap(),
            &d[..d.len() - 3],
            &mut Vec::new()
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        #[test]
        fn damaged_datagrams_are_read_safely(
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
            expanded in any::<bool>(),
        ) {
            let mut d = datagram(expanded);
            for (at, b) in edits {
                let i = at.index(d.len());
                d[i] = b;
            }
            d.truncate(cut.index(d.len() + 1));
            let mut out = Vec::new();
            decode("10.0.0.1".parse().unwrap(), &d, &mut out);
            prop_assert!(out.len() <= 1);
        }
    }
}
