//! MQTT CONNECT (3.1, 3.1.1 and 5): protocol level, client identifier and whether a user name
//! and password travel in the packet.

use crate::bytes::be16;
use crate::Error;

/// A decoded CONNECT packet.
#[derive(Debug, Clone, Copy)]
pub struct Connect<'a> {
    /// Protocol level (3 = 3.1, 4 = 3.1.1, 5 = 5.0).
    pub level: u8,
    /// Client identifier.
    pub client_id: &'a [u8],
    /// User-name flag.
    pub has_username: bool,
    /// Password flag.
    pub has_password: bool,
    /// Keep-alive seconds.
    pub keep_alive: u16,
}

fn varint(b: &[u8]) -> Option<(usize, usize)> {
    let mut v = 0usize;
    for i in 0..4 {
        let c = *b.get(i)?;
        v |= ((c & 0x7f) as usize) << (7 * i);
        if c & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

fn string(b: &[u8], off: usize) -> Option<(&[u8], usize)> {
    let n = be16(b, off)? as usize;
    Some((b.get(off + 2..off + 2 + n)?, off + 2 + n))
}

/// Decodes a CONNECT packet at the start of a TCP payload.
pub fn parse_connect(b: &[u8]) -> Result<Connect<'_>, Error> {
    if b.first() != Some(&0x10) {
        return Err(Error::NotThis("mqtt connect"));
    }
    let (_len, n) = varint(&b[1..]).ok_or(Error::Invalid("mqtt remaining length", 0))?;
    let body = &b[1 + n..];
    let (name, off) = string(body, 0).ok_or(Error::Short("mqtt protocol name", 2, body.len()))?;
    if name != b"MQTT" && name != b"MQIsdp" {
        return Err(Error::NotThis("mqtt protocol name"));
    }
    let level = *body
        .get(off)
        .ok_or(Error::Short("mqtt level", off + 1, body.len()))?;
    let flags = *body
        .get(off + 1)
        .ok_or(Error::Short("mqtt flags", off + 2, body.len()))?;
    let keep_alive =
        be16(body, off + 2).ok_or(Error::Short("mqtt keepalive", off + 4, body.len()))?;
    let mut p = off + 4;
    if level == 5 {
        let (plen, n) =
            varint(body.get(p..).unwrap_or(&[])).ok_or(Error::Invalid("mqtt properties", 0))?;
        p += n + plen;
    }
    let (client_id, _) =
        string(body, p).ok_or(Error::Short("mqtt client id", p + 2, body.len()))?;
    Ok(Connect {
        level,
        client_id,
        has_username: flags & 0x80 != 0,
        has_password: flags & 0x40 != 0,
        keep_alive,
    })
}
