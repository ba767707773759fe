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
    /// IPv4 inside IP (IP-in-IP, 4in4 and 4in6).
    pub const IPIP: u8 = 4;
    /// IPv6 inside IP (6in4, 6in6).
    pub const IPV6: u8 = 41;
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
    /// Total length as the header states it (header + payload); the captured length when the
    /// header says 0 (segmentation offload, jumbograms). A claim, not a measure: what the packet
    /// took on the wire is [`Ip::wire_len`].
    pub total_len: u32,
    /// Bytes before [`Ip::payload`]: the IPv4 header with its options, or the IPv6 header with
    /// the extension headers walked.
    pub header_len: u16,
    /// Number of IPv6 extension headers skipped.
    pub ext_headers: u8,
    /// What the header says of the packet ([`ipflags`]; read with [`Ip::fragment`],
    /// [`Ip::later_fragment`], [`Ip::ext_unparsed`]). Bits rather than fields keep the view in
    /// 64 bytes (it is copied with every decoded frame).
    pub flags: u8,
    /// IPv4 identification or IPv6 fragment identification.
    pub ident: u32,
    /// Upper-layer bytes, clipped to the header's stated length.
    pub payload: &'a [u8],
}

/// Bits of [`Ip::flags`].
pub mod ipflags {
    /// A fragment (more-fragments set or a non-zero offset).
    pub const FRAGMENT: u8 = 1;
    /// A fragment other than the first (no transport header inside).
    pub const LATER_FRAGMENT: u8 = 2;
    /// The IPv6 extension-header chain was not walked to its end (see [`super::Ip::ext_unparsed`]).
    pub const EXT_UNPARSED: u8 = 4;
}

impl Ip<'_> {
    /// True if this is a fragment (more-fragments set or non-zero offset).
    #[inline]
    pub fn fragment(&self) -> bool {
        self.flags & ipflags::FRAGMENT != 0
    }
    /// True if this is a non-first fragment (no transport header inside).
    #[inline]
    pub fn later_fragment(&self) -> bool {
        self.flags & ipflags::LATER_FRAGMENT != 0
    }
    /// True when the IPv6 extension-header chain went on past [`MAX_EXT_HEADERS`] headers (or
    /// 65,535 bytes): `proto` is then the extension header the walk stopped at, not the upper
    /// layer, and `payload` is not its bytes; [`crate::decode`] reports the packet as an error and
    /// decodes no transport layer.
    #[inline]
    pub fn ext_unparsed(&self) -> bool {
        self.flags & ipflags::EXT_UNPARSED != 0
    }
    /// Length of IPv4 options in bytes (0 for IPv6).
    #[inline]
    pub fn options_len(&self) -> u16 {
        if self.src.is_ipv4() {
            self.header_len.saturating_sub(20)
        } else {
            0
        }
    }
    /// The bytes this packet took on the wire: the length its header states, but never more
    /// than `avail`, the bytes the frame really had from this header on (the capture's original
    /// length less the headers before it). A forged total length cannot inflate a count past the
    /// frame that carried it, and the padding of a short frame is not counted.
    #[inline]
    pub fn wire_len(&self, avail: u32) -> u32 {
        self.total_len.min(avail)
    }
}

/// The longest IPv6 extension-header chain walked (each header is at least 8 bytes, so a chain
/// this long does not fit a 1,500-byte packet). Beyond it the packet is left unparsed
/// ([`Ip::ext_unparsed`]) rather than reported with an extension header as its protocol.
pub const MAX_EXT_HEADERS: u8 = 255;

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
        header_len: ihl as u16,
        ext_headers: 0,
        flags: if off != 0 {
            ipflags::FRAGMENT | ipflags::LATER_FRAGMENT
        } else if mf {
            ipflags::FRAGMENT
        } else {
            0
        },
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
    // A chain longer than MAX_EXT_HEADERS is hostile: the walk stops there and the packet is
    // marked unparsed (below).
    while ext < MAX_EXT_HEADERS {
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
                let h = b[..end].get(off..off + 8).ok_or(Error::Short(
                    "ipv6 fragment header",
                    off + 8,
                    end,
                ))?;
                let fo = u16::from_be_bytes([h[2], h[3]]);
                fragment = true;
                later = (fo >> 3) != 0;
                ident = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
                next = h[0];
                off += 8;
                ext += 1;
                if later {
                    // A later fragment's bytes are data: no header follows.
                    break;
                }
                continue;
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
    // A chain that runs on past the bound, or is longer than a header length can say, is
    // hostile: left unparsed.
    let unparsed =
        !later && ((ext == MAX_EXT_HEADERS && is_ext_header(next)) || off > usize::from(u16::MAX));
    Ok(Ip {
        src: IpAddr::V6(v6(b, 8)),
        dst: IpAddr::V6(v6(b, 24)),
        proto: next,
        ttl: b[7],
        // A payload length of 0 with a hop-by-hop header is a jumbogram (or a segmentation
        // offload's): the capture's length.
        total_len: if plen == 0 && b[6] == 0 {
            b.len() as u32
        } else {
            (40 + plen) as u32
        },
        header_len: u16::try_from(off).unwrap_or(u16::MAX),
        ext_headers: ext,
        flags: (u8::from(fragment) * ipflags::FRAGMENT)
            | (u8::from(later) * ipflags::LATER_FRAGMENT)
            | (u8::from(unparsed) * ipflags::EXT_UNPARSED),
        ident,
        payload: b.get(off..end).unwrap_or(&[]),
    })
}

/// True for the IPv6 extension headers [`ipv6`] walks: hop-by-hop, routing, destination options,
/// mobility, HIP, shim6, fragment and authentication.
#[inline]
pub fn is_ext_header(next: u8) -> bool {
    matches!(next, 0 | 43 | 44 | 51 | 60 | 135 | 139 | 140)
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
