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
    /// The name asked for, as MUD compares names (lower case, no final dot).
    pub name: String,
    /// The addresses in the answer section (a CNAME chain's included), each with its TTL
    /// between 1 s and [`MAX_TTL`].
    pub addrs: Vec<(IpAddr, u32)>,
}

/// True when `frame` (of pcap link type `linktype`) may be a DNS response over UDP: the cheap
/// test run on every packet before [`answer`].
pub fn maybe(linktype: u16, frame: &[u8]) -> bool {
    if linktype != 1 || frame.len() < 42 {
        return false;
    }
    let (ty, l3) = match u16::from_be_bytes([frame[12], frame[13]]) {
        0x8100 if frame.len() >= 46 => (u16::from_be_bytes([frame[16], frame[17]]), 18),
        t => (t, 14),
    };
    match ty {
        0x0800 => {
            let ihl = usize::from(frame[l3] & 0x0f) * 4;
            frame.get(l3 + 9) == Some(&17)
                && frame.get(l3 + ihl..l3 + ihl + 2) == Some(&[0, 53][..])
        }
        0x86dd => {
            frame.get(l3 + 6) == Some(&17) && frame.get(l3 + 40..l3 + 42) == Some(&[0, 53][..])
        }
        _ => false,
    }
}

/// The successful DNS answer `frame` carries, if it is one.
pub fn answer(linktype: u16, frame: &[u8]) -> Option<Answer> {
    let d = decode(linktype, frame).ok()?;
    let (Some(to), L3::Ip(_), L4::Udp(u)) = (d.link.dst, d.l3, d.l4) else {
        return None;
    };
    if u.sport != 53 {
        return None;
    }
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
        if let Some(a) = rec.a() {
            addrs.push((IpAddr::V4(a), ttl));
        } else if let Some(a) = rec.aaaa() {
            addrs.push((IpAddr::V6(a), ttl));
        }
    }
    Some(Answer { to, name, addrs })
}
