//! DHCPv6 (RFC 8415): client messages with vendor class (16), client FQDN (39, RFC 4704), MUD URL
//! (112, RFC 8520) and the client DUID (1), looking through one level of relay encapsulation.

use crate::bytes::{be16, be32};
use crate::{Error, Mac};

/// A decoded DHCPv6 message. Values borrow from the packet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dhcp6<'a> {
    /// Message type (1 = SOLICIT, 3 = REQUEST, 11 = INFORMATION-REQUEST, ...).
    pub msg_type: u8,
    /// Transaction ID (24 bits).
    pub xid: u32,
    /// Option 1, client DUID.
    pub client_duid: Option<&'a [u8]>,
    /// Option 16: enterprise number and the first vendor-class data item.
    pub vendor_class: Option<(u32, &'a [u8])>,
    /// Option 39: flags and the name in DNS wire format.
    pub fqdn: Option<(u8, &'a [u8])>,
    /// Option 112, MUD URL.
    pub mud_url: Option<&'a [u8]>,
    /// Option 6, option request list (2 bytes per code).
    pub oro: Option<&'a [u8]>,
    /// True when the message was found inside a relay message.
    pub relayed: bool,
}

impl Dhcp6<'_> {
    /// The link-layer address inside a DUID-LLT (type 1) or DUID-LL (type 3) for Ethernet.
    pub fn duid_mac(&self) -> Option<Mac> {
        let d = self.client_duid?;
        let (ty, hw) = (be16(d, 0)?, be16(d, 2)?);
        let off = match ty {
            1 => 8,
            3 => 4,
            _ => return None,
        };
        if hw != 1 || d.len() != off + 6 {
            return None;
        }
        let mut m = [0u8; 6];
        m.copy_from_slice(&d[off..off + 6]);
        Some(Mac(m))
    }
}

/// Decodes a DHCPv6 message (the UDP payload).
pub fn parse(b: &[u8]) -> Result<Dhcp6<'_>, Error> {
    parse_depth(b, 0)
}

fn parse_depth(b: &[u8], depth: u8) -> Result<Dhcp6<'_>, Error> {
    let &t = b.first().ok_or(Error::Short("dhcpv6", 4, 0))?;
    if t == 12 || t == 13 {
        if depth > 2 {
            return Err(Error::Invalid("dhcpv6 relay depth", depth as u32));
        }
        if b.len() < 34 {
            return Err(Error::Short("dhcpv6 relay", 34, b.len()));
        }
        for (code, v) in options(&b[34..]) {
            if code == 9 {
                let mut inner = parse_depth(v, depth + 1)?;
                inner.relayed = true;
                return Ok(inner);
            }
        }
        return Err(Error::NotThis("dhcpv6 relay with a relayed message"));
    }
    if b.len() < 4 {
        return Err(Error::Short("dhcpv6", 4, b.len()));
    }
    if t == 0 || t > 36 {
        return Err(Error::Invalid("dhcpv6 message type", t as u32));
    }
    let mut d = Dhcp6 {
        msg_type: t,
        xid: u32::from_be_bytes([0, b[1], b[2], b[3]]),
        ..Default::default()
    };
    for (code, v) in options(&b[4..]) {
        match code {
            1 => d.client_duid = Some(v),
            6 => d.oro = Some(v),
            16 if v.len() >= 6 => {
                let ent = be32(v, 0).unwrap_or(0);
                let n = be16(v, 4).unwrap_or(0) as usize;
                let item = v.get(6..6 + n).unwrap_or(&v[6..]);
                d.vendor_class = Some((ent, item));
            }
            39 if !v.is_empty() => d.fqdn = Some((v[0], &v[1..])),
            112 if !v.is_empty() => d.mud_url = Some(v),
            _ => {}
        }
    }
    Ok(d)
}

/// Iterates `(code, value)` options; stops at the first one that runs past the end.
pub fn options(mut b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let code = be16(b, 0)?;
        let len = be16(b, 2)? as usize;
        let v = b.get(4..4 + len)?;
        b = &b[4 + len..];
        Some((code, v))
    })
}
