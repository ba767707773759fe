//! LLDP (IEEE 802.1AB): chassis ID, port ID, system name and description, and the MUD URL TLV
//! (RFC 8520 section 4.4: organisation-specific TLV, OUI 00-00-5E, subtype 1).

use crate::bytes::be16;
use crate::{Error, Mac};

/// A decoded LLDPDU; values borrow from the packet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lldp<'a> {
    /// Chassis ID subtype and value.
    pub chassis: Option<(u8, &'a [u8])>,
    /// Port ID subtype and value.
    pub port: Option<(u8, &'a [u8])>,
    /// Time to live, seconds.
    pub ttl: Option<u16>,
    /// System name.
    pub system_name: Option<&'a [u8]>,
    /// System description.
    pub system_description: Option<&'a [u8]>,
    /// MUD URL.
    pub mud_url: Option<&'a [u8]>,
}

impl Lldp<'_> {
    /// The chassis ID as a MAC address, when its subtype is 4 (MAC address).
    pub fn chassis_mac(&self) -> Option<Mac> {
        let (st, v) = self.chassis?;
        if st != 4 || v.len() != 6 {
            return None;
        }
        let mut m = [0u8; 6];
        m.copy_from_slice(v);
        Some(Mac(m))
    }
}

/// Decodes an LLDPDU (the Ethernet payload).
pub fn parse(b: &[u8]) -> Result<Lldp<'_>, Error> {
    let mut l = Lldp::default();
    let mut i = 0usize;
    let mut n = 0;
    while let Some(h) = be16(b, i) {
        let ty = (h >> 9) as u8;
        let len = (h & 0x1ff) as usize;
        let v = b
            .get(i + 2..i + 2 + len)
            .ok_or(Error::Short("lldp tlv", i + 2 + len, b.len()))?;
        match ty {
            0 => break,
            1 if !v.is_empty() => l.chassis = Some((v[0], &v[1..])),
            2 if !v.is_empty() => l.port = Some((v[0], &v[1..])),
            3 => l.ttl = be16(v, 0),
            5 => l.system_name = Some(v),
            6 => l.system_description = Some(v),
            127 if v.len() >= 4 && v[..4] == [0x00, 0x00, 0x5e, 0x01] => l.mud_url = Some(&v[4..]),
            _ => {}
        }
        i += 2 + len;
        n += 1;
    }
    if n == 0 {
        return Err(Error::Short("lldp", 2, b.len()));
    }
    Ok(l)
}
