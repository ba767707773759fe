//! Network layer: IPv4 (with options and fragment marking) and IPv6 (with extension headers).

use crate::bytes::be16;
use crate::Error;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IP protocol numbers used across iotgate.
pub mod proto {
    /// ICMP.
    pub const ICMP: u8 = 1;
    /// IGMP.
    pub const IGMP: u8 = 2;
    /// TCP.
    pub const TCP: u8 = 6;
    /// UDP.
    pub const UDP: u8 = 17;
    /// GRE.
    pub const GRE: u8 = 47;
    /// ICMPv6.
    pub const ICMPV6: u8 = 58;
    /// SCTP.
    pub const SCTP: u8 = 132;
}

/// A decoded IP header (either version).
#[derive(Debug, Clone, Copy)]
pub struct Ip<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Upper-layer protocol (after IPv6 extension headers).
    pub proto: u8,
    /// TTL or hop limit.
    pub ttl: u8,
    /// Total length on the wire as the header states it (header + payload).
    pub total_len: u32,
    /// Length of IPv4 options in bytes (0 for IPv6).
    pub options_len: u8,
    /// Number of IPv6 extension headers skipped.
    pub ext_headers: u8,
    /// True if this is a fragment (more-fragments set or non-zero offset).
    pub fragment: bool,
    /// True if this is a non-first fragment (no transport header inside).
    pub later_fragment: bool,
    /// IPv4 identification or IPv6 fragment identification.
    pub ident: u32,
    /// Upper-layer bytes, clipped to the header's stated length.
    pub payload: &'a [u8],
}

/// Decodes an IPv4 header.
#[inline]
pub fn ipv4(b: &[u8]) -> Result<Ip<'_>, Error> {
    if b.len() < 20 {
        return Err(Error::Short("ipv4", 20, b.len()));
    }
    let ver = b[0] >> 4;
    if ver != 4 {
        return Err(Error::Invalid("ipv4 version", ver as u32));
    }
    let ihl = ((b[0] & 0x0f) as usize) * 4;
    if ihl < 20 {
        return Err(Error::Invalid("ipv4 header length", ihl as u32));
    }
    if b.len() < ihl {
        return Err(Error::Short("ipv4 options", ihl, b.len()));
    }
    let total = be16(b, 2).unwrap_or(0) as usize;
    // Some captures (TSO offload) carry total length 0; trust the capture then.
    let end = if total >= ihl && total <= b.len() {
        total
    } else {
        b.len()
    };
    let frag = be16(b, 6).unwrap_or(0);
    let mf = frag & 0x2000 != 0;
    let off = frag & 0x1fff;
    Ok(Ip {
        src: IpAddr::V4(Ipv4Addr::new(b[12], b[13], b[14], b[15])),
        dst: IpAddr::V4(Ipv4Addr::new(b[16], b[17], b[18], b[19])),
        proto: b[9],
        ttl: b[8],
        total_len: if total == 0 {
            b.len() as u32
        } else {
            total as u32
        },
        options_len: (ihl - 20) as u8,
        ext_headers: 0,
        fragment: mf || off != 0,
        later_fragment: off != 0,
        ident: be16(b, 4).unwrap_or(0) as u32,
        payload: &b[ihl..end],
    })
}

fn v6(b: &[u8], off: usize) -> Ipv6Addr {
    let mut a = [0u8; 16];
    a.copy_from_slice(&b[off..off + 16]);
    Ipv6Addr::from(a)
}

/// Decodes an IPv6 header and walks its extension-header chain.
pub fn ipv6(b: &[u8]) -> Result<Ip<'_>, Error> {
    if b.len() < 40 {
        return Err(Error::Short("ipv6", 40, b.len()));
    }
    let ver = b[0] >> 4;
    if ver != 6 {
        return Err(Error::Invalid("ipv6 version", ver as u32));
    }
    let plen = be16(b, 4).unwrap_or(0) as usize;
    let end = if plen == 0 || 40 + plen > b.len() {
        b.len()
    } else {
        40 + plen
    };
    let mut next = b[6];
    let mut off = 40usize;
    let mut ext = 0u8;
    let mut fragment = false;
    let mut later = false;
    let mut ident = 0u32;
    // At most 16 extension headers: a longer chain is hostile and stops decoding there.
    while ext < 16 {
        match next {
            0 | 43 | 60 | 135 | 139 | 140 => {
                let h =
                    b.get(off..off + 2)
                        .ok_or(Error::Short("ipv6 ext header", off + 2, b.len()))?;
                let len = (h[1] as usize + 1) * 8;
                if off + len > end {
                    return Err(Error::Short("ipv6 ext header", off + len, end));
                }
                next = h[0];
                off += len;
            }
            44 => {
                let h = b.get(off..off + 8).ok_or(Error::Short(
                    "ipv6 fragment header",
                    off + 8,
                    b.len(),
                ))?;
                let fo = u16::from_be_bytes([h[2], h[3]]);
                fragment = true;
                later = (fo >> 3) != 0;
                ident = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
                next = h[0];
                off += 8;
            }
            51 => {
                let h = b
                    .get(off..off + 2)
                    .ok_or(Error::Short("ipv6 AH", off + 2, b.len()))?;
                let len = (h[1] as usize + 2) * 4;
                if off + len > end {
                    return Err(Error::Short("ipv6 AH", off + len, end));
                }
                next = h[0];
                off += len;
            }
            _ => break,
        }
        ext += 1;
    }
    Ok(Ip {
        src: IpAddr::V6(v6(b, 8)),
        dst: IpAddr::V6(v6(b, 24)),
        proto: next,
        ttl: b[7],
        total_len: (40 + plen) as u32,
        options_len: 0,
        ext_headers: ext,
        fragment,
        later_fragment: later,
        ident,
        payload: b.get(off..end).unwrap_or(&[]),
    })
}

/// True when a TTL (or hop limit) is one that stacks start with (32, 64, 128, 255): the packet
/// crossed no router on its way here, so its sender is on this link. A router decrements the
/// TTL of every packet it forwards, so relayed traffic never arrives with one of these, short of
/// a sender 64 or more hops away.
#[inline]
pub fn is_initial_ttl(ttl: u8) -> bool {
    matches!(ttl, 32 | 64 | 128 | 255)
}

/// True for addresses that stay inside a site: RFC 1918, CGNAT, link-local, loopback, ULA,
/// multicast and broadcast.
pub fn is_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            a.is_private()
                || a.is_link_local()
                || a.is_loopback()
                || a.is_multicast()
                || a.is_broadcast()
                || a.is_unspecified()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(a) => {
            let s = a.segments();
            a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
        }
    }
}

/// True for multicast or broadcast destinations.
pub fn is_group(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_multicast() || a.is_broadcast() || a.octets()[3] == 255,
        IpAddr::V6(a) => a.is_multicast(),
    }
}
