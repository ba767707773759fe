//! NTP (RFC 5905): leap indicator, version, mode and stratum from the fixed header.

use crate::Error;

/// The first fields of an NTP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ntp {
    /// Leap indicator.
    pub leap: u8,
    /// Version number (1-4).
    pub version: u8,
    /// Mode (3 = client, 4 = server, 5 = broadcast, 6 = control, 7 = private).
    pub mode: u8,
    /// Stratum.
    pub stratum: u8,
}

/// Decodes an NTP header (48 bytes at least; control/private modes may be shorter).
pub fn parse(b: &[u8]) -> Result<Ntp, Error> {
    let &first = b.first().ok_or(Error::Short("ntp", 48, 0))?;
    let version = (first >> 3) & 7;
    let mode = first & 7;
    if !(1..=4).contains(&version) {
        return Err(Error::Invalid("ntp version", version as u32));
    }
    if mode < 6 && b.len() < 48 {
        return Err(Error::Short("ntp", 48, b.len()));
    }
    Ok(Ntp {
        leap: first >> 6,
        version,
        mode,
        stratum: b.get(1).copied().unwrap_or(0),
    })
}
