//! DNS and mDNS (RFC 1035, RFC 6762): header, questions and resource records, with name
//! decompression into a caller-supplied buffer (no allocation) and loop-safe pointer following.

use crate::bytes::{be16, be32};
use crate::Error;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Record types iotgate reads.
pub mod rtype {
    /// IPv4 address.
    pub const A: u16 = 1;
    /// Canonical name.
    pub const CNAME: u16 = 5;
    /// Domain name pointer.
    pub const PTR: u16 = 12;
    /// Text strings.
    pub const TXT: u16 = 16;
    /// IPv6 address.
    pub const AAAA: u16 = 28;
    /// Service location.
    pub const SRV: u16 = 33;
    /// HTTPS service binding.
    pub const HTTPS: u16 = 65;
}

/// A DNS message view.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    buf: &'a [u8],
    /// Transaction ID.
    pub id: u16,
    /// Flags word (QR, opcode, AA, TC, RD, RA, rcode).
    pub flags: u16,
    /// Question count.
    pub qdcount: u16,
    /// Answer count.
    pub ancount: u16,
    /// Authority count.
    pub nscount: u16,
    /// Additional count.
    pub arcount: u16,
}

/// Decodes the 12-byte header; sections are read lazily by the iterators.
pub fn parse(buf: &[u8]) -> Result<Message<'_>, Error> {
    if buf.len() < 12 {
        return Err(Error::Short("dns", 12, buf.len()));
    }
    let m = Message {
        buf,
        id: be16(buf, 0).unwrap_or(0),
        flags: be16(buf, 2).unwrap_or(0),
        qdcount: be16(buf, 4).unwrap_or(0),
        ancount: be16(buf, 6).unwrap_or(0),
        nscount: be16(buf, 8).unwrap_or(0),
        arcount: be16(buf, 10).unwrap_or(0),
    };
    let opcode = (m.flags >> 11) & 0xf;
    if opcode > 6 {
        return Err(Error::Invalid("dns opcode", opcode as u32));
    }
    Ok(m)
}

/// A domain name inside a message, decoded on demand.
#[derive(Debug, Clone, Copy)]
pub struct Name<'a> {
    buf: &'a [u8],
    off: usize,
}

impl<'a> Name<'a> {
    /// Writes the name as lower-case dotted text into `out` (no trailing dot; the root is empty),
    /// following compression pointers. Returns the length written.
    pub fn write(&self, out: &mut [u8; 256]) -> Result<usize, Error> {
        decode_name(self.buf, self.off, out)
    }
    /// Offset of the name in the message.
    pub fn offset(&self) -> usize {
        self.off
    }
}

/// Decodes the (possibly compressed) name at `off` into `out`.
pub fn decode_name(buf: &[u8], mut off: usize, out: &mut [u8; 256]) -> Result<usize, Error> {
    let mut w = 0usize;
    let mut jumps = 0;
    loop {
        let len = *buf
            .get(off)
            .ok_or(Error::Short("dns name", off + 1, buf.len()))? as usize;
        match len & 0xc0 {
            0x00 => {
                if len == 0 {
                    return Ok(w);
                }
                let label = buf.get(off + 1..off + 1 + len).ok_or(Error::Short(
                    "dns label",
                    off + 1 + len,
                    buf.len(),
                ))?;
                w = push_label(out, w, label)
                    .ok_or(Error::Invalid("dns name length", (w + len + 1) as u32))?;
                off += 1 + len;
            }
            0xc0 => {
                let lo =
                    *buf.get(off + 1)
                        .ok_or(Error::Short("dns pointer", off + 2, buf.len()))?;
                let target = ((len & 0x3f) << 8) | lo as usize;
                jumps += 1;
                if jumps > 64 || target >= buf.len() {
                    return Err(Error::Invalid("dns compression pointer", target as u32));
                }
                off = target;
            }
            _ => return Err(Error::Invalid("dns label type", len as u32)),
        }
    }
}

/// Appends `label` (lower-cased, after a dot unless first) to the `w` bytes of `out`; `None` when
/// the name would exceed 255 bytes.
#[inline]
fn push_label(out: &mut [u8; 256], mut w: usize, label: &[u8]) -> Option<usize> {
    let end = w + label.len() + usize::from(w > 0);
    if end > 255 {
        return None;
    }
    if w > 0 {
        out[w] = b'.';
        w += 1;
    }
    // Copied whole, then lower-cased in place eight bytes at a time.
    let dst = out.get_mut(w..end)?;
    dst.copy_from_slice(label);
    lower_ascii(dst);
    Some(end)
}

/// `make_ascii_lowercase`, a word at a time: for each byte without its top bit, `A`..=`Z`
/// gains 0x20 (no carry crosses a byte: each 7-bit value plus at most 0x3f stays below 0x100).
#[inline]
fn lower_ascii(b: &mut [u8]) {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let mut chunks = b.chunks_exact_mut(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w);
        let h = x & !HI;
        let ge_a = h + (0x80 - u64::from(b'A')) * LO;
        let gt_z = h + (0x80 - u64::from(b'Z') - 1) * LO;
        let upper = ge_a & !gt_z & !x & HI;
        c.copy_from_slice(&(x | upper >> 2).to_le_bytes());
    }
    chunks.into_remainder().make_ascii_lowercase();
}

/// Decodes uncompressed DNS wire-format labels (as in DHCP FQDN options) into dotted text.
pub fn labels_to_text(b: &[u8], out: &mut [u8; 256]) -> usize {
    let mut w = 0usize;
    let mut i = 0usize;
    while let Some(&len) = b.get(i) {
        let len = len as usize;
        if len == 0 || len & 0xc0 != 0 {
            break;
        }
        let Some(label) = b.get(i + 1..i + 1 + len) else {
            break;
        };
        let Some(nw) = push_label(out, w, label) else {
            break;
        };
        w = nw;
        i += 1 + len;
    }
    w
}

/// Skips the name at `off`, returning the offset just past it in the message.
pub fn skip_name(buf: &[u8], mut off: usize) -> Result<usize, Error> {
    for _ in 0..128 {
        let len = *buf
            .get(off)
            .ok_or(Error::Short("dns name", off + 1, buf.len()))? as usize;
        match len & 0xc0 {
            0x00 if len == 0 => return Ok(off + 1),
            0x00 => off += 1 + len,
            0xc0 => {
                return if off + 2 <= buf.len() {
                    Ok(off + 2)
                } else {
                    Err(Error::Short("dns pointer", off + 2, buf.len()))
                }
            }
            _ => return Err(Error::Invalid("dns label type", len as u32)),
        }
    }
    Err(Error::Invalid("dns name labels", 128))
}

/// One question.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    /// Queried name.
    pub name: Name<'a>,
    /// Query type.
    pub qtype: u16,
    /// Query class (the mDNS unicast-response bit is masked off).
    pub qclass: u16,
}

/// One resource record.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    buf: &'a [u8],
    /// Owner name.
    pub name: Name<'a>,
    /// Record type.
    pub rtype: u16,
    /// Class (the mDNS cache-flush bit is masked off).
    pub class: u16,
    /// Time to live, seconds.
    pub ttl: u32,
    rdata_off: usize,
    rdata_len: usize,
}

impl<'a> Record<'a> {
    /// Raw RDATA bytes.
    pub fn rdata(&self) -> &'a [u8] {
        &self.buf[self.rdata_off..self.rdata_off + self.rdata_len]
    }
    /// The address of an A record.
    pub fn a(&self) -> Option<Ipv4Addr> {
        let d = self.rdata();
        (self.rtype == rtype::A && d.len() == 4).then(|| Ipv4Addr::new(d[0], d[1], d[2], d[3]))
    }
    /// The address of an AAAA record.
    pub fn aaaa(&self) -> Option<Ipv6Addr> {
        let d = self.rdata();
        if self.rtype != rtype::AAAA || d.len() != 16 {
            return None;
        }
        let mut a = [0u8; 16];
        a.copy_from_slice(d);
        Some(Ipv6Addr::from(a))
    }
    /// The target name of a CNAME, PTR or SRV record.
    pub fn target(&self) -> Option<Name<'a>> {
        match self.rtype {
            rtype::CNAME | rtype::PTR if self.rdata_len >= 1 => Some(Name {
                buf: self.buf,
                off: self.rdata_off,
            }),
            rtype::SRV if self.rdata_len >= 7 => Some(Name {
                buf: self.buf,
                off: self.rdata_off + 6,
            }),
            _ => None,
        }
    }
    /// `(priority, weight, port)` of an SRV record.
    pub fn srv(&self) -> Option<(u16, u16, u16)> {
        let d = self.rdata();
        if self.rtype != rtype::SRV || d.len() < 7 {
            return None;
        }
        Some((be16(d, 0)?, be16(d, 2)?, be16(d, 4)?))
    }
    /// The character strings of a TXT record.
    pub fn txt(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut d = if self.rtype == rtype::TXT {
            self.rdata()
        } else {
            &[]
        };
        std::iter::from_fn(move || {
            let (&len, rest) = d.split_first()?;
            let s = rest.get(..len as usize)?;
            d = &rest[len as usize..];
            Some(s)
        })
    }
}

impl<'a> Message<'a> {
    /// True for responses (QR bit).
    pub fn is_response(&self) -> bool {
        self.flags & 0x8000 != 0
    }
    /// Response code.
    pub fn rcode(&self) -> u8 {
        (self.flags & 0xf) as u8
    }
    /// Opcode.
    pub fn opcode(&self) -> u8 {
        ((self.flags >> 11) & 0xf) as u8
    }
    /// Iterates the question section. Stops silently at the first malformed entry.
    pub fn questions(&self) -> impl Iterator<Item = Question<'a>> {
        let buf = self.buf;
        let mut off = 12usize;
        let mut left = self.qdcount;
        std::iter::from_fn(move || {
            if left == 0 {
                return None;
            }
            left -= 1;
            let end = skip_name(buf, off).ok()?;
            let q = Question {
                name: Name { buf, off },
                qtype: be16(buf, end)?,
                qclass: be16(buf, end + 2)? & 0x7fff,
            };
            off = end + 4;
            Some(q)
        })
    }
    /// Iterates every resource record of the answer, authority and additional sections.
    /// Each item says which section (1 = answer, 2 = authority, 3 = additional) it came from.
    pub fn records(&self) -> impl Iterator<Item = (u8, Record<'a>)> {
        let buf = self.buf;
        let mut off = 12usize;
        let mut ok = true;
        for _ in 0..self.qdcount {
            match skip_name(buf, off) {
                Ok(e) if e + 4 <= buf.len() => off = e + 4,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        let counts = [self.ancount, self.nscount, self.arcount];
        let mut section = 0usize;
        let mut left = if ok { counts[0] } else { 0 };
        let mut failed = !ok;
        std::iter::from_fn(move || {
            if failed {
                return None;
            }
            while left == 0 {
                section += 1;
                if section >= 3 {
                    return None;
                }
                left = counts[section];
            }
            left -= 1;
            let r = (|| {
                let end = skip_name(buf, off).ok()?;
                let rt = be16(buf, end)?;
                let class = be16(buf, end + 2)? & 0x7fff;
                let ttl = be32(buf, end + 4)?;
                let rdlen = be16(buf, end + 8)? as usize;
                let rdata_off = end + 10;
                if rdata_off + rdlen > buf.len() {
                    return None;
                }
                let rec = Record {
                    buf,
                    name: Name { buf, off },
                    rtype: rt,
                    class,
                    ttl,
                    rdata_off,
                    rdata_len: rdlen,
                };
                off = rdata_off + rdlen;
                Some(rec)
            })();
            match r {
                Some(rec) => Some((section as u8 + 1, rec)),
                None => {
                    failed = true;
                    None
                }
            }
        })
    }
}

#[cfg(test)]
mod lower_tests {
    use super::lower_ascii;

    #[test]
    fn lower_ascii_is_make_ascii_lowercase() {
        for len in 0..20usize {
            for pos in 0..len.max(1) {
                for v in 0..=255u8 {
                    let mut a: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(37)).collect();
                    if len > 0 {
                        a[pos] = v;
                    }
                    let mut b = a.clone();
                    lower_ascii(&mut a);
                    b.make_ascii_lowercase();
                    assert_eq!(a, b);
                }
            }
        }
    }
}
