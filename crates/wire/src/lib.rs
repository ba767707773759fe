//! Zero-copy, panic-free decoders for the protocols iotgate observes (the pipeline's `wire` stage).
//!
//! Every decoder takes `&[u8]` and returns a borrowed view or a small `Copy` summary. None of them
//! panics on any input, and none allocates on the per-packet path: application-layer details that
//! need owned strings (JA3/JA4, decoded DNS names) are produced only on demand by the caller.

pub mod bytes;
pub mod dhcp4;
pub mod dhcp6;
pub mod dns;
pub mod http;
pub mod link;
pub mod lldp;
pub mod mqtt;
pub mod net;
pub mod ntp;
pub mod packet;
pub mod ssdp;
pub mod tls;
pub mod transport;

pub use packet::{decode, Decoded, L3, L4};

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

impl std::fmt::Display for Mac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.0;
        write!(
            f,
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        )
    }
}

impl std::fmt::Debug for Mac {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}
