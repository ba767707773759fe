//! Transport layer: TCP (flags, sequence numbers, options), UDP, ICMP and ICMPv6.

use crate::bytes::{be16, be32};
use crate::Error;

/// TCP flag bits.
pub mod flags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// URG.
    pub const URG: u8 = 0x20;
}

/// A decoded TCP header.
#[derive(Debug, Clone, Copy)]
pub struct Tcp<'a> {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flag bits (see [`flags`]).
    pub flags: u8,
    /// Receive window.
    pub window: u16,
    /// Raw option bytes.
    pub options: &'a [u8],
    /// Segment payload.
    pub payload: &'a [u8],
}

impl Tcp<'_> {
    /// True if every bit of `f` is set.
    #[inline]
    pub fn has(&self, f: u8) -> bool {
        self.flags & f == f
    }
    /// Iterates over TCP options as `(kind, data)`; stops at the first malformed one.
    pub fn option_iter(&self) -> impl Iterator<Item = (u8, &[u8])> {
        let mut b = self.options;
        std::iter::from_fn(move || loop {
            let (&kind, rest) = b.split_first()?;
            match kind {
                0 => return None,
                1 => {
                    b = rest;
                    continue;
                }
                _ => {
                    let len = *rest.first()? as usize;
                    if len < 2 || len > b.len() {
                        return None;
                    }
                    let data = &b[2..len];
                    b = &b[len..];
                    return Some((kind, data));
                }
            }
        })
    }
    /// The MSS option, if present.
    pub fn mss(&self) -> Option<u16> {
        self.option_iter()
            .find(|(k, d)| *k == 2 && d.len() == 2)
            .and_then(|(_, d)| be16(d, 0))
    }
    /// The window-scale option, if present.
    pub fn wscale(&self) -> Option<u8> {
        self.option_iter()
            .find(|(k, d)| *k == 3 && d.len() == 1)
            .map(|(_, d)| d[0])
    }
}

/// Decodes a TCP header.
#[inline]
pub fn tcp(b: &[u8]) -> Result<Tcp<'_>, Error> {
    if b.len() < 20 {
        return Err(Error::Short("tcp", 20, b.len()));
    }
    let doff = ((b[12] >> 4) as usize) * 4;
    if doff < 20 {
        return Err(Error::Invalid("tcp data offset", doff as u32));
    }
    if doff > b.len() {
        return Err(Error::Short("tcp options", doff, b.len()));
    }
    Ok(Tcp {
        sport: be16(b, 0).unwrap_or(0),
        dport: be16(b, 2).unwrap_or(0),
        seq: be32(b, 4).unwrap_or(0),
        ack: be32(b, 8).unwrap_or(0),
        flags: b[13],
        window: be16(b, 14).unwrap_or(0),
        options: &b[20..doff],
        payload: &b[doff..],
    })
}

/// A decoded UDP header.
#[derive(Debug, Clone, Copy)]
pub struct Udp<'a> {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Datagram payload, clipped to the header's length.
    pub payload: &'a [u8],
}

/// Decodes a UDP header.
#[inline]
pub fn udp(b: &[u8]) -> Result<Udp<'_>, Error> {
    if b.len() < 8 {
        return Err(Error::Short("udp", 8, b.len()));
    }
    let len = be16(b, 4).unwrap_or(0) as usize;
    let end = if len >= 8 && len <= b.len() {
        len
    } else {
        b.len()
    };
    Ok(Udp {
        sport: be16(b, 0).unwrap_or(0),
        dport: be16(b, 2).unwrap_or(0),
        payload: &b[8..end],
    })
}

/// A decoded ICMP or ICMPv6 header.
#[derive(Debug, Clone, Copy)]
pub struct Icmp<'a> {
    /// Message type.
    pub kind: u8,
    /// Message code.
    pub code: u8,
    /// Bytes after the 4-byte header.
    pub rest: &'a [u8],
}

/// True for ICMP messages that report on someone else's packet — unreachable, source quench,
/// redirect, time exceeded, parameter problem (ICMPv4 3, 4, 5, 11, 12; every ICMPv6 type below
/// 128) — as opposed to queries such as echo. `proto` is 1 (ICMP) or 58 (ICMPv6).
pub fn is_icmp_error(proto: u8, kind: u8) -> bool {
    match proto {
        1 => matches!(kind, 3 | 4 | 5 | 11 | 12),
        58 => kind < 128,
        _ => false,
    }
}

/// Decodes an ICMP or ICMPv6 header (the layouts share their first four bytes).
pub fn icmp(b: &[u8]) -> Result<Icmp<'_>, Error> {
    if b.len() < 4 {
        return Err(Error::Short("icmp", 4, b.len()));
    }
    Ok(Icmp {
        kind: b[0],
        code: b[1],
        rest: &b[4..],
    })
}
