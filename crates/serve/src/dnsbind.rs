//! DNS answers read off the wire, for DNS-bound sets: which device a response went to, the name
//! it asked for, and the addresses it got with their TTLs (capped). Shared by `mud enforce` and
//! the gateway's quarantine.

use iotgate_wire::{decode, Mac, L3, L4};
use std::net::IpAddr;

/// Longest time an address learnt from DNS stays allowed, whatever the TTL says.
pub const MAX_TTL: u32 = 86_400;

/// A DNS answer to a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The device it went to (the frame's destination).
    pub to: Mac,
    /// The server that sent it (the packet's source address).
    pub from: IpAddr,
    /// The transaction ID.
    pub id: u16,
    /// The name asked for, as MUD compares names (lower case, no final dot).
    pub name: String,
    /// The addresses in the answer section (a CNAME chain's included), each with its TTL
    /// between 1 s and [`MAX_TTL`].
    pub addrs: Vec<(IpAddr, u32)>,
}

/// A DNS query from a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The device that sent it (the frame's source).
    pub from: Mac,
    /// The transaction ID.
    pub id: u16,
    /// The name asked for, as MUD compares names.
    pub name: String,
}

/// True when `frame` (of pcap link type `linktype`) may be a DNS response over UDP: the cheap
/// test run on every packet before [`answer`]. Never false for a frame [`answer`] reads: VLAN
/// tags are skipped however many there are, and an IPv6 packet with extension headers is left
/// to the full decoder.
pub fn maybe(linktype: u16, frame: &[u8]) -> bool {
    udp_port_53(linktype, frame, 0)
}

/// True when `frame` may be a DNS query over UDP (to port 53): the same cheap test.
pub fn maybe_query(linktype: u16, frame: &[u8]) -> bool {
    udp_port_53(linktype, frame, 2)
}

/// True when `frame` may be UDP with port 53 at `at` in its header (0: source, 2: destination).
fn udp_port_53(linktype: u16, frame: &[u8], port_at: usize) -> bool {
    if linktype != 1 {
        return false;
    }
    let be16 = |at: usize| {
        frame
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let mut at = 12;
    let mut ty = be16(at);
    while matches!(ty, Some(0x8100 | 0x88a8 | 0x9100)) {
        at += 4;
        ty = be16(at);
    }
    let l3 = at + 2;
    match ty {
        Some(0x0800) => {
            let Some(&vihl) = frame.get(l3) else {
                return false;
            };
            let ihl = usize::from(vihl & 0x0f) * 4;
            frame.get(l3 + 9) == Some(&17) && be16(l3 + ihl + port_at) == Some(53)
        }
        Some(0x86dd) => match frame.get(l3 + 6) {
            Some(17) => be16(l3 + 40 + port_at) == Some(53),
            // Extension headers (hop-by-hop, routing, fragment, destination options, AH,
            // mobility, HIP, shim6): the decoder walks them.
            Some(0 | 43 | 44 | 51 | 60 | 135 | 139 | 140) => true,
            _ => false,
        },
        _ => false,
    }
}

/// The successful DNS answer `frame` carries, if it is one.
pub fn answer(linktype: u16, frame: &[u8]) -> Option<Answer> {
    let d = decode(linktype, frame).ok()?;
    let (Some(to), L3::Ip(ip), L4::Udp(u)) = (d.link.dst, d.l3, d.l4) else {
        return None;
    };
    if u.sport != 53 {
        return None;
    }
    let from = ip.src;
    let msg = iotgate_wire::dns::parse(u.payload).ok()?;
    if !msg.is_response() || msg.rcode() != 0 {
        return None;
    }
    let q = msg.questions().next()?;
    let mut nb = [0u8; 256];
    let n = q.name.write(&mut nb).ok()?;
    let name = iotgate_mud::dns_name(std::str::from_utf8(&nb[..n]).ok()?);
    let mut addrs = Vec::new();
    for (section, rec) in msg.records() {
        if section != 1 {
            break;
        }
        let ttl = rec.ttl.clamp(1, MAX_TTL);
        let a = match (rec.a(), rec.aaaa()) {
            (Some(a), _) => IpAddr::V4(a),
            (_, Some(a)) => IpAddr::V6(a),
            _ => continue,
        };
        if reachable(&a) {
            addrs.push((a, ttl));
        }
    }
    Some(Answer {
        to,
        from,
        id: msg.id,
        name,
        addrs,
    })
}

/// False for addresses no allowed name may open: unspecified, loopback, link-local,
/// multicast, broadcast (an answer naming them is a mistake or an attack).
fn reachable(a: &IpAddr) -> bool {
    match a {
        IpAddr::V4(v) => {
            !(v.is_unspecified()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_multicast()
                || v.is_broadcast())
        }
        IpAddr::V6(v) => {
            !(v.is_unspecified()
                || v.is_loopback()
                || v.is_multicast()
                || (v.segments()[0] & 0xffc0) == 0xfe80)
        }
    }
}

/// The DNS query `frame` carries, if it is one (one question, standard query).
pub fn query(linktype: u16, frame: &[u8]) -> Option<Query> {
    let d = decode(linktype, frame).ok()?;
    let (Some(from), L3::Ip(_), L4::Udp(u)) = (d.link.src, d.l3, d.l4) else {
        return None;
    };
    if u.dport != 53 {
        return None;
    }
    let msg = iotgate_wire::dns::parse(u.payload).ok()?;
    if msg.is_response() || msg.opcode() != 0 {
        return None;
    }
    let q = msg.questions().next()?;
    let mut nb = [0u8; 256];
    let n = q.name.write(&mut nb).ok()?;
    let name = iotgate_mud::dns_name(std::str::from_utf8(&nb[..n]).ok()?);
    Some(Query {
        from,
        id: msg.id,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An Ethernet frame carrying a DNS answer for `name` with one A record per address.
    fn response(name: &str, addrs: &[[u8; 4]], ttl: u32, vlan: bool) -> Vec<u8> {
        let mut dns = vec![0x12, 0x34, 0x81, 0x80, 0, 1];
        dns.extend_from_slice(&(addrs.len() as u16).to_be_bytes());
        dns.extend_from_slice(&[0, 0, 0, 0]);
        for l in name.split('.') {
            dns.push(l.len() as u8);
            dns.extend_from_slice(l.as_bytes());
        }
        dns.extend_from_slice(&[0, 0, 1, 0, 1]);
        for a in addrs {
            dns.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1]);
            dns.extend_from_slice(&ttl.to_be_bytes());
            dns.extend_from_slice(&[0, 4]);
            dns.extend_from_slice(a);
        }
        let mut udp = vec![0, 53, 0xc3, 0x50];
        udp.extend_from_slice(&((8 + dns.len()) as u16).to_be_bytes());
        udp.extend_from_slice(&[0, 0]);
        udp.extend_from_slice(&dns);
        let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0xfe];
        if vlan {
            f.extend_from_slice(&[0x81, 0x00, 0, 5]);
        }
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
        f.extend_from_slice(&((20 + udp.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 53, 10, 0, 0, 2]);
        f.extend_from_slice(&udp);
        f
    }

    #[test]
    fn an_answer_gives_its_device_name_and_addresses() {
        for vlan in [false, true] {
            let f = response(
                "Update.Maker.example",
                &[[1, 2, 3, 4], [5, 6, 7, 8]],
                0,
                vlan,
            );
            assert!(maybe(1, &f));
            let a = answer(1, &f).expect("an answer");
            assert_eq!(a.to.to_string(), "02:00:00:00:00:01");
            assert_eq!(a.name, "update.maker.example");
            let want: Vec<(IpAddr, u32)> = vec![
                ("1.2.3.4".parse().unwrap(), 1),
                ("5.6.7.8".parse().unwrap(), 1),
            ];
            assert_eq!(a.addrs, want, "TTL 0 counts as 1 s");
        }
        let f = response("x.example", &[[1, 1, 1, 1]], u32::MAX, false);
        assert_eq!(answer(1, &f).unwrap().addrs[0].1, MAX_TTL);
        assert!(!maybe(101, &f), "bare IP frames are not read");
    }

    /// Found by fuzzing: answers behind stacked VLAN tags were turned away by the cheap test.
    #[test]
    fn answers_behind_stacked_vlan_tags_are_read() {
        let f = response("a.example", &[[1, 2, 3, 4]], 60, true);
        let mut qinq = f[..12].to_vec();
        qinq.extend_from_slice(&[0x88, 0xa8, 0, 7]);
        qinq.extend_from_slice(&f[12..]);
        assert!(answer(1, &qinq).is_some());
        assert!(maybe(1, &qinq));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        /// Nothing panics on any frame, and the cheap test never turns away an answer.
        #[test]
        fn any_frame_is_read_safely(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
            let a = answer(1, &bytes);
            prop_assert!(a.is_none() || maybe(1, &bytes));
        }

        /// A real answer with bytes changed: still no panic, and the cheap test still agrees.
        #[test]
        fn a_damaged_answer_is_read_safely(
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut f = response("fw.maker.example", &[[9, 9, 9, 9]], 60, false);
            for (at, b) in edits {
                let i = at.index(f.len());
                f[i] = b;
            }
            f.truncate(cut.index(f.len() + 1));
            let a = answer(1, &f);
            prop_assert!(a.is_none() || maybe(1, &f));
        }
    }
}
