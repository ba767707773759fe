//! Zero-copy, panic-free decoders for the protocols iotgate observes (the pipeline's `wire` stage).
//!
//! Every decoder takes `&[u8]` and returns a borrowed view or a small `Copy` summary. None of them
//! panics on any input, and none allocates on the per-packet path: application-layer details that
//! need owned strings (JA3/JA4, decoded DNS names) are produced only on demand by the caller.

pub mod bytes;
pub mod dhcp4;
pub mod dhcp6;
pub mod dns;
pub mod dot11;
pub mod http;
pub mod ident;
pub mod link;
pub mod lldp;
pub mod login;
pub mod mqtt;
pub mod net;
pub mod ntp;
pub mod packet;
pub mod ssdp;
pub mod tls;
pub mod transport;
pub mod tunnel;

pub use packet::{decode, Decoded, L3, L4};
pub use tunnel::Tunnel;

/// Why a decoder rejected its input. Kept small and `Copy` so the hot path never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Fewer bytes than the header needs: `(what, needed, had)`.
    Short(&'static str, usize, usize),
    /// A field holds a value the protocol forbids: `(what, value)`.
    Invalid(&'static str, u32),
    /// Not this protocol at all.
    NotThis(&'static str),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Short(w, n, h) => write!(f, "{w}: needs {n} bytes, has {h}"),
            Error::Invalid(w, v) => write!(f, "{w}: invalid value {v}"),
            Error::NotThis(w) => write!(f, "not {w}"),
        }
    }
}

impl std::error::Error for Error {}

/// A 48-bit IEEE MAC address.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Mac(pub [u8; 6]);

impl Mac {
    /// True for group (multicast or broadcast) addresses.
    pub fn is_group(&self) -> bool {
        self.0[0] & 1 == 1
    }
    /// True when the address is all zeros (no address).
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 6]
    }
    /// True for locally administered (often randomised) addresses.
    pub fn is_local(&self) -> bool {
        self.0[0] & 2 == 2
    }
    /// The 24-bit organisationally unique identifier.
    pub fn oui(&self) -> u32 {
        u32::from_be_bytes([0, self.0[0], self.0[1], self.0[2]])
    }
    /// Parses `aa:bb:cc:dd:ee:ff` (also `-` separated), case-insensitive.
    pub fn parse(s: &str) -> Option<Mac> {
        let s = s.trim();
        let mut out = [0u8; 6];
        let mut n = 0;
        for part in s.split([':', '-']) {
            if n == 6 || part.len() != 2 {
                return None;
            }
            out[n] = u8::from_str_radix(part, 16).ok()?;
            n += 1;
        }
        (n == 6).then_some(Mac(out))
    }
}

impl Mac {
    /// `aa:bb:cc:dd:ee:ff` (lower case) as bytes, without the formatting machinery: reports
    /// write one per device.
    pub fn text(&self) -> [u8; 17] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b':'; 17];
        for (i, b) in self.0.iter().enumerate() {
            out[i * 3] = HEX[usize::from(b >> 4)];
            out[i * 3 + 1] = HEX[usize::from(b & 15)];
        }
        out
    }

    /// `aa:bb:cc:dd:ee:ff` (lower case), as [`Display`](std::fmt::Display) writes it.
    pub fn to_text(&self) -> String {
        let t = self.text();
        // Hex digits and colons only: always UTF-8.
        std::str::from_utf8(&t).unwrap_or_default().to_owned()
    }
}

impl std::fmt::Display for Mac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Written whole, ignoring width and fill as the `write!` it replaces did.
        f.write_str(std::str::from_utf8(&self.text()).unwrap_or_default())
    }
}

impl std::fmt::Debug for Mac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod mac_text_tests {
    use super::Mac;

    #[test]
    fn text_matches_the_formatting_machinery() {
        for m in [[0u8; 6], [0xff; 6], [0x0a, 0xb1, 0x2c, 0xd3, 0x4e, 0xf5]] {
            let want = format!(
                "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                m[0], m[1], m[2], m[3], m[4], m[5]
            );
            assert_eq!(Mac(m).to_text(), want);
            assert_eq!(Mac(m).to_string(), want);
            assert_eq!(format!("{:>20}", Mac(m)), want);
        }
    }
}
