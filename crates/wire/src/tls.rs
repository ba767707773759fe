//! TLS ClientHello (RFC 8446 / 5246): versions, SNI, ALPN, and the JA3 and JA4 fingerprints.
//!
//! [`parse_client_hello`] reads the first TLS record; a hello spread over several records is
//! joined into one first ([`join_hello_records`]), and [`client_hello_complete`] tells whether
//! a client's first bytes hold all of it (what TCP reassembly waits for). A ClientHello cut
//! short by the capture or by TCP segmentation yields the fields that are complete and sets
//! [`ClientHello::truncated`].

use crate::bytes::be16;
use crate::Error;

/// A decoded ClientHello; lists borrow from the packet.
#[derive(Debug, Clone, Copy)]
pub struct ClientHello<'a> {
    /// Record-layer version.
    pub record_version: u16,
    /// `legacy_version` (client_version) field.
    pub legacy_version: u16,
    /// Cipher suites, 2 bytes each.
    pub ciphers: &'a [u8],
    /// Raw extensions block.
    pub extensions: &'a [u8],
    /// Server name (SNI host name).
    pub sni: Option<&'a [u8]>,
    /// ALPN protocol name list (raw, length-prefixed entries).
    pub alpn: Option<&'a [u8]>,
    /// supported_versions list (raw, 2 bytes each).
    pub supported_versions: Option<&'a [u8]>,
    /// supported_groups list (raw).
    pub groups: Option<&'a [u8]>,
    /// ec_point_formats list (raw).
    pub point_formats: Option<&'a [u8]>,
    /// signature_algorithms list (raw).
    pub sig_algs: Option<&'a [u8]>,
    /// True when the hello was cut before its end.
    pub truncated: bool,
}

/// True for the GREASE values of RFC 8701 (0x0a0a, 0x1a1a, ... 0xfafa).
#[inline]
pub fn is_grease(v: u16) -> bool {
    (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

fn u16s(b: &[u8]) -> impl Iterator<Item = u16> + '_ {
    b.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]))
}

/// Cheap test on a TCP payload: a handshake record holding a ClientHello.
#[inline]
pub fn looks_like_client_hello(b: &[u8]) -> bool {
    b.len() >= 6 && b[0] == 0x16 && b[1] == 3 && b[2] <= 4 && b[5] == 1
}

/// A ClientHello in the SSL 2.0 record format (RFC 6101 appendix E.2, RFC 5246 appendix E.2):
/// what old clients send so that SSL 2.0, SSL 3.0 and TLS servers can all answer. The highest
/// version it offers is in `version`; its cipher specs are three bytes each, those whose first
/// byte is 0 being TLS cipher suites and the others SSL 2.0 ciphers (every one broken, and SSL
/// 2.0 itself prohibited by RFC 6176).
#[derive(Debug, Clone, Copy)]
pub struct V2ClientHello<'a> {
    /// Highest protocol version offered (0x0002 SSL 2.0, 0x0300 SSL 3.0, 0x0301 TLS 1.0...).
    pub version: u16,
    /// Cipher specs, three bytes each.
    pub specs: &'a [u8],
}

impl V2ClientHello<'_> {
    /// The TLS cipher suites among the specs.
    pub fn tls_suites(&self) -> impl Iterator<Item = u16> + '_ {
        self.specs
            .chunks_exact(3)
            .filter(|c| c[0] == 0)
            .map(|c| u16::from_be_bytes([c[1], c[2]]))
    }
    /// How many SSL 2.0 ciphers it offers.
    pub fn sslv2_ciphers(&self) -> usize {
        self.specs.chunks_exact(3).filter(|c| c[0] != 0).count()
    }
}

/// Decodes an SSL 2.0-format ClientHello at the start of a TCP payload (a two-byte record
/// header with the top bit set, message type 1), checking every length against the record.
pub fn parse_v2_client_hello(b: &[u8]) -> Option<V2ClientHello<'_>> {
    if b.len() < 11 || b[0] & 0x80 == 0 || b[2] != 1 {
        return None;
    }
    let record = (usize::from(b[0] & 0x7f) << 8) | usize::from(b[1]);
    let be = |i: usize| usize::from(u16::from_be_bytes([b[i], b[i + 1]]));
    let version = u16::from_be_bytes([b[3], b[4]]);
    let (specs, session, challenge) = (be(5), be(7), be(9));
    let known = version == 0x0002 || (0x0300..=0x0303).contains(&version);
    if !known
        || specs == 0
        || specs % 3 != 0
        || !(session == 0 || session == 16)
        || !(16..=32).contains(&challenge)
        || record != 9 + specs + session + challenge
    {
        return None;
    }
    Some(V2ClientHello {
        version,
        specs: b.get(11..11 + specs)?,
    })
}

/// Decodes a ClientHello at the start of a TCP payload.
pub fn parse_client_hello(b: &[u8]) -> Result<ClientHello<'_>, Error> {
    if !looks_like_client_hello(b) {
        return Err(Error::NotThis("tls client hello"));
    }
    let record_version = be16(b, 1).unwrap_or(0);
    let rec_len = be16(b, 3).unwrap_or(0) as usize;
    let rec = &b[5..b.len().min(5 + rec_len)];
    let mut truncated = rec.len() < rec_len;
    let hs_len = u32::from_be_bytes([
        0,
        *rec.get(1).unwrap_or(&0),
        *rec.get(2).unwrap_or(&0),
        *rec.get(3).unwrap_or(&0),
    ]) as usize;
    let hs = rec.get(4..).unwrap_or(&[]);
    let hs = if hs.len() > hs_len { &hs[..hs_len] } else { hs };
    truncated |= hs.len() < hs_len;
    let legacy_version = be16(hs, 0).ok_or(Error::Short("tls client hello", 6, b.len()))?;
    let mut off = 34usize;
    let sid_len = *hs
        .get(off)
        .ok_or(Error::Short("tls session id", off + 1, hs.len()))? as usize;
    off += 1 + sid_len;
    let cs_len =
        be16(hs, off).ok_or(Error::Short("tls cipher suites", off + 2, hs.len()))? as usize;
    let ciphers = hs.get(off + 2..off + 2 + cs_len).ok_or(Error::Short(
        "tls cipher suites",
        off + 2 + cs_len,
        hs.len(),
    ))?;
    if !cs_len.is_multiple_of(2) {
        return Err(Error::Invalid("tls cipher suites length", cs_len as u32));
    }
    off += 2 + cs_len;
    let mut ch = ClientHello {
        record_version,
        legacy_version,
        ciphers,
        extensions: &[],
        sni: None,
        alpn: None,
        supported_versions: None,
        groups: None,
        point_formats: None,
        sig_algs: None,
        truncated,
    };
    let Some(&comp_len) = hs.get(off) else {
        ch.truncated = true;
        return Ok(ch);
    };
    off += 1 + comp_len as usize;
    let Some(ext_len) = be16(hs, off) else {
        return Ok(ch);
    };
    let ext_start = off + 2;
    let ext_end = (ext_start + ext_len as usize).min(hs.len());
    if ext_start + ext_len as usize > hs.len() {
        ch.truncated = true;
    }
    ch.extensions = hs.get(ext_start..ext_end).unwrap_or(&[]);
    for (ty, v) in ext_iter(ch.extensions) {
        match ty {
            0
                // server_name_list: len(2), type(1)=0, name len(2), name
                if v.len() >= 5 && v[2] == 0 => {
                    let n = be16(v, 3).unwrap_or(0) as usize;
                    ch.sni = v.get(5..5 + n);
                }
            16 => ch.alpn = v.get(2..),
            43 => ch.supported_versions = v.get(1..),
            10 => ch.groups = v.get(2..),
            11 => ch.point_formats = v.get(1..),
            13 => ch.sig_algs = v.get(2..),
            _ => {}
        }
    }
    Ok(ch)
}

/// The most plaintext a TLS record may carry (RFC 8446 §5.1, RFC 5246 §6.2.1: 2^14 bytes).
pub const MAX_RECORD: usize = 1 << 14;

/// Walks the handshake records at the start of a client's byte stream `b` up to the end of the
/// first handshake message, handing `chunk` the hello's bytes in each record (cut where `b` or
/// the message ends). `None` when more bytes could not make `b` start a whole ClientHello (not a
/// handshake record, a record TLS forbids, a message of another type, a record of another kind
/// before the hello's end); else whether the whole ClientHello is in `b`.
fn hello_records(b: &[u8], mut chunk: impl FnMut(&[u8])) -> Option<bool> {
    let mut off = 0usize;
    // The handshake header (type, 24-bit length), which record boundaries may split.
    let mut head = [0u8; 4];
    // Handshake bytes in the records before this one.
    let mut got = 0usize;
    loop {
        let h = b.get(off..b.len().min(off + 5)).unwrap_or(&[]);
        if h.is_empty() {
            // The stream stops between two records.
            return (off > 0).then_some(false);
        }
        if h[0] != 0x16 || h.get(1).is_some_and(|&v| v != 3) || h.get(2).is_some_and(|&v| v > 4) {
            return None;
        }
        let Some(len) = be16(h, 3).map(usize::from) else {
            return Some(false);
        };
        // Empty handshake records are forbidden (RFC 8446 §5.1), and so are longer ones.
        if len == 0 || len > MAX_RECORD {
            return None;
        }
        let body = &b[off + 5..b.len().min(off + 5 + len)];
        for (i, &c) in body.iter().enumerate().take(4usize.saturating_sub(got)) {
            head[got + i] = c;
        }
        let total = got + body.len();
        if total >= 1 && head[0] != 1 {
            return None;
        }
        if total >= 4 {
            let need =
                4 + (usize::from(head[1]) << 16 | usize::from(head[2]) << 8 | usize::from(head[3]));
            if total >= need {
                chunk(&body[..need - got]);
                return Some(true);
            }
        }
        chunk(body);
        if body.len() < len {
            return Some(false);
        }
        got = total;
        off += 5 + len;
    }
}

/// Whether `b`, the first bytes a client sent on a TCP connection, hold a whole TLS
/// ClientHello, spread over one handshake record or several: `Some(true)` when they do,
/// `Some(false)` when they start one that more bytes would complete, `None` when they do not
/// start one (or more bytes could not make it whole: a record of another kind came first).
pub fn client_hello_complete(b: &[u8]) -> Option<bool> {
    hello_records(b, |_| {})
}

/// A ClientHello that spans several handshake records (RFC 8446 §5.1 lets a sender split a
/// handshake message anywhere), rewritten into `out` as one record — the first record's header
/// with the joined length, then the hello's bytes from each record in turn — so that
/// [`parse_client_hello`] reads all of it. Returns the length written, or `None` when there is
/// nothing to join (`b` is not a hello, or its first record holds all of the hello that `b`
/// has). Whatever does not fit in `out` (at most 65,535 bytes of hello) is left out, and the
/// parser then sees a hello cut short.
pub fn join_hello_records(b: &[u8], out: &mut [u8]) -> Option<usize> {
    if !looks_like_client_hello(b) || b.len() < 9 || out.len() < 5 {
        return None;
    }
    let rec = usize::from(be16(b, 3)?);
    let hs = usize::from(b[6]) << 16 | usize::from(b[7]) << 8 | usize::from(b[8]);
    if 4 + hs <= rec || b.len() <= 5 + rec {
        return None;
    }
    let room = (out.len() - 5).min(usize::from(u16::MAX));
    let (mut n, mut records) = (0usize, 0usize);
    hello_records(b, |c| {
        let c = &c[..c.len().min(room - n)];
        out[5 + n..5 + n + c.len()].copy_from_slice(c);
        n += c.len();
        records += 1;
    });
    if records < 2 {
        return None;
    }
    out[..3].copy_from_slice(&b[..3]);
    out[3..5].copy_from_slice(&(n as u16).to_be_bytes());
    Some(5 + n)
}

/// Iterates extensions as `(type, data)`; stops at one that runs past the end.
pub fn ext_iter(mut b: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let ty = be16(b, 0)?;
        let len = be16(b, 2)? as usize;
        let v = b.get(4..4 + len)?;
        b = &b[4 + len..];
        Some((ty, v))
    })
}

impl<'a> ClientHello<'a> {
    /// The highest version offered: from supported_versions when present, else legacy_version.
    pub fn max_version(&self) -> u16 {
        self.supported_versions
            .and_then(|sv| u16s(sv).filter(|v| !is_grease(*v)).max())
            .unwrap_or(self.legacy_version)
    }

    /// ALPN protocol names in order.
    pub fn alpn_protocols(&self) -> impl Iterator<Item = &'a [u8]> {
        let mut b = self.alpn.unwrap_or(&[]);
        std::iter::from_fn(move || {
            let (&n, rest) = b.split_first()?;
            let p = rest.get(..n as usize)?;
            b = &rest[n as usize..];
            Some(p)
        })
    }

    fn ext_types(&self) -> impl Iterator<Item = u16> + 'a {
        ext_iter(self.extensions).map(|(t, _)| t)
    }

    /// Feeds `h` everything [`Self::ja3`] and [`Self::ja4`] depend on (GREASE left out where
    /// they leave it out), so that a caller can skip fingerprints it already computed: the
    /// same client sends the same hello many times, and hashing it is far cheaper than
    /// formatting and digesting the strings.
    pub fn fingerprint_input(&self, h: &mut impl std::hash::Hasher) {
        h.write_u16(self.legacy_version);
        h.write_u16(self.max_version());
        h.write_u8(u8::from(self.sni.is_some()));
        let mut n = 0usize;
        for v in u16s(self.ciphers).filter(|v| !is_grease(*v)) {
            h.write_u16(v);
            n += 1;
        }
        h.write_usize(n);
        n = 0;
        for v in self.ext_types().filter(|v| !is_grease(*v)) {
            h.write_u16(v);
            n += 1;
        }
        h.write_usize(n);
        n = 0;
        for v in u16s(self.groups.unwrap_or(&[])).filter(|v| !is_grease(*v)) {
            h.write_u16(v);
            n += 1;
        }
        h.write_usize(n);
        let pf = self.point_formats.unwrap_or(&[]);
        h.write(pf);
        h.write_usize(pf.len());
        let sa = self.sig_algs.unwrap_or(&[]);
        h.write(sa);
        h.write_usize(sa.len());
        match self.alpn_protocols().next() {
            Some(p) if !p.is_empty() => {
                h.write_u8(1);
                h.write_u8(p[0]);
                h.write_u8(p[p.len() - 1]);
            }
            _ => h.write_u8(0),
        }
    }

    /// The JA3 string: `version,ciphers,extensions,groups,point_formats`, GREASE removed.
    pub fn ja3(&self) -> String {
        let mut s = String::with_capacity(256);
        push_dec(&mut s, self.legacy_version);
        s.push(',');
        join_dec(&mut s, u16s(self.ciphers).filter(|v| !is_grease(*v)));
        s.push(',');
        join_dec(&mut s, self.ext_types().filter(|v| !is_grease(*v)));
        s.push(',');
        join_dec(
            &mut s,
            u16s(self.groups.unwrap_or(&[])).filter(|v| !is_grease(*v)),
        );
        s.push(',');
        join_dec(
            &mut s,
            self.point_formats.unwrap_or(&[]).iter().map(|&v| v as u16),
        );
        s
    }

    /// The JA3 hash: MD5 of [`Self::ja3`], lower-case hex.
    pub fn ja3_hash(&self) -> String {
        use md5::{Digest, Md5};
        hex(&Md5::digest(self.ja3().as_bytes()))
    }

    /// The JA4 fingerprint (TLS over TCP), e.g. `t13d1516h2_8daaf6152771_e5627efa2ab1`.
    pub fn ja4(&self) -> String {
        let ver = match self.max_version() {
            0x0304 => "13",
            0x0303 => "12",
            0x0302 => "11",
            0x0301 => "10",
            0x0300 => "s3",
            0x0002 => "s2",
            _ => "00",
        };
        let mut ciphers: Vec<u16> = u16s(self.ciphers).filter(|v| !is_grease(*v)).collect();
        let exts: Vec<u16> = self.ext_types().filter(|v| !is_grease(*v)).collect();
        let alpn = match self.alpn_protocols().next() {
            Some(p) if !p.is_empty() => {
                let (f, l) = (p[0], p[p.len() - 1]);
                if f.is_ascii_alphanumeric() && l.is_ascii_alphanumeric() {
                    format!("{}{}", f as char, l as char)
                } else {
                    let h = hex(&[f, l]);
                    format!("{}{}", &h[0..1], &h[3..4])
                }
            }
            _ => "00".to_string(),
        };
        let a = format!(
            "t{}{}{:02}{:02}{}",
            ver,
            if self.sni.is_some() { 'd' } else { 'i' },
            ciphers.len().min(99),
            exts.len().min(99),
            alpn
        );
        ciphers.sort_unstable();
        let b = if ciphers.is_empty() {
            "000000000000".to_string()
        } else {
            sha12(&hex_list(&ciphers))
        };
        let mut sorted: Vec<u16> = exts
            .iter()
            .copied()
            .filter(|&e| e != 0 && e != 16)
            .collect();
        sorted.sort_unstable();
        let c = if sorted.is_empty() {
            "000000000000".to_string()
        } else {
            let mut text = hex_list(&sorted);
            let sigs: Vec<u16> = u16s(self.sig_algs.unwrap_or(&[])).collect();
            if !sigs.is_empty() {
                text.push('_');
                text.push_str(&hex_list(&sigs));
            }
            sha12(&text)
        };
        format!("{a}_{b}_{c}")
    }
}

fn join_dec(s: &mut String, it: impl Iterator<Item = u16>) {
    for (i, v) in it.enumerate() {
        if i > 0 {
            s.push('-');
        }
        push_dec(s, v);
    }
}

/// Appends `v` in decimal (as `{v}` formats it, without the formatting machinery).
fn push_dec(s: &mut String, mut v: u16) {
    let mut b = [0u8; 5];
    let mut i = b.len();
    loop {
        i -= 1;
        b[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &c in &b[i..] {
        s.push(char::from(c));
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hex_list(v: &[u16]) -> String {
    let mut s = String::with_capacity(v.len() * 5);
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        for shift in [12, 8, 4, 0] {
            s.push(char::from(HEX[usize::from((x >> shift) & 15)]));
        }
    }
    s
}

fn sha12(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(text.as_bytes())[..6])
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(char::from(HEX[usize::from(x >> 4)]));
        s.push(char::from(HEX[usize::from(x & 15)]));
    }
    s
}

#[cfg(test)]
mod v2_tests {
    use super::parse_v2_client_hello;

    /// The D-Link camera's hello in the IoT Sentinel captures: TLS 1.0 offered in the SSL 2.0
    /// format, 28 specs (SSL 2.0 ciphers among them), a 32-byte challenge.
    fn dlink() -> Vec<u8> {
        let mut b = vec![
            0x80, 0x7d, 0x01, 0x03, 0x01, 0x00, 0x54, 0x00, 0x00, 0x00, 0x20,
        ];
        let specs: [u32; 28] = [
            0x39, 0x38, 0x35, 0x16, 0x13, 0x0a, 0x0700c0, 0x33, 0x32, 0x2f, 0x07, 0x050080,
            0x030080, 0x05, 0x04, 0x010080, 0x15, 0x12, 0x09, 0x060040, 0x14, 0x11, 0x08, 0x06,
            0x040080, 0x03, 0x020080, 0xff,
        ];
        for s in specs {
            b.extend_from_slice(&s.to_be_bytes()[1..]);
        }
        b.extend_from_slice(&[0x5a; 32]);
        b
    }

    #[test]
    fn the_sslv2_format_hello_is_read() {
        let b = dlink();
        let h = parse_v2_client_hello(&b).expect("an SSL 2.0-format hello");
        assert_eq!(h.version, 0x0301);
        assert_eq!(h.sslv2_ciphers(), 7);
        let suites: Vec<u16> = h.tls_suites().collect();
        assert_eq!(suites.len(), 21);
        assert!(suites.contains(&0x0004) && suites.contains(&0x0003));
    }

    #[test]
    fn anything_else_is_not() {
        let b = dlink();
        // Cut inside the cipher specs, a wrong record length, a TLS record, a server hello
        // (type 4). (Cut inside the challenge, the specs are all there: still read.)
        assert!(parse_v2_client_hello(&b[..40]).is_none());
        assert!(parse_v2_client_hello(&b[..b.len() - 1]).is_some());
        let mut w = b.clone();
        w[1] = 0x7c;
        assert!(parse_v2_client_hello(&w).is_none());
        assert!(parse_v2_client_hello(&[0x16, 3, 1, 0, 5, 1, 0, 0, 1, 3, 3]).is_none());
        let mut s = b;
        s[2] = 4;
        assert!(parse_v2_client_hello(&s).is_none());
    }
}

#[cfg(test)]
mod record_tests {
    use super::{client_hello_complete, join_hello_records, parse_client_hello};

    /// A ClientHello handshake message with SNI `a.example` and `pad` bytes of padding.
    fn hs(pad: usize) -> Vec<u8> {
        let mut ext = vec![0, 0, 0, 14, 0, 12, 0, 0, 9];
        ext.extend_from_slice(b"a.example");
        ext.extend_from_slice(&[0, 21]);
        ext.extend_from_slice(&(pad as u16).to_be_bytes());
        ext.resize(ext.len() + pad, 0);
        let mut body = vec![3, 3];
        body.extend_from_slice(&[7; 32]);
        body.extend_from_slice(&[0, 0, 2, 0x13, 0x01, 1, 0]);
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut m = vec![1];
        m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(&body);
        m
    }

    fn record(b: &[u8]) -> Vec<u8> {
        let mut r = vec![0x16, 3, 1];
        r.extend_from_slice(&(b.len() as u16).to_be_bytes());
        r.extend_from_slice(b);
        r
    }

    #[test]
    fn completeness_follows_records_and_the_handshake_length() {
        let m = hs(1500);
        let one = record(&m);
        assert_eq!(client_hello_complete(&one), Some(true));
        for cut in [1, 3, 5, 6, 9, 100, one.len() - 1] {
            assert_eq!(client_hello_complete(&one[..cut]), Some(false), "cut {cut}");
        }
        // The hello in three records, the second cutting its 4-byte header.
        let mut three = record(&m[..2]);
        three.extend(record(&m[2..700]));
        three.extend(record(&m[700..]));
        assert_eq!(client_hello_complete(&three), Some(true));
        assert_eq!(
            client_hello_complete(&three[..three.len() - 1]),
            Some(false)
        );
        assert_eq!(client_hello_complete(&three[..7]), Some(false));
        // Not a hello, an empty record, an alert before the end, a server hello.
        assert_eq!(client_hello_complete(b"GET / HTTP/1.1"), None);
        assert_eq!(client_hello_complete(&[0x16, 3, 1, 0, 0]), None);
        let mut alert = record(&m[..300]);
        alert.extend_from_slice(&[0x15, 3, 3, 0, 2, 2, 40]);
        assert_eq!(client_hello_complete(&alert), None);
        let mut server = one.clone();
        server[5] = 2;
        assert_eq!(client_hello_complete(&server), None);
    }

    #[test]
    fn records_are_joined_into_the_same_hello() {
        let m = hs(1500);
        let one = record(&m);
        let mut out = vec![0u8; 1 << 15];
        assert_eq!(join_hello_records(&one, &mut out), None, "nothing to join");
        let mut two = record(&m[..1000]);
        two.extend(record(&m[1000..]));
        let n = join_hello_records(&two, &mut out).expect("joined");
        assert_eq!(&out[..n], &one[..]);
        let (a, b) = (
            parse_client_hello(&one).unwrap(),
            parse_client_hello(&out[..n]).unwrap(),
        );
        assert_eq!((a.ja4(), a.sni, a.truncated), (b.ja4(), b.sni, false));
        // Only the first record read: cut short, and the SNI (early) is there.
        let c = parse_client_hello(&two).unwrap();
        assert!(c.truncated);
        // Joined as far as it arrived; a small buffer keeps what fits.
        let n = join_hello_records(&two[..1500], &mut out).unwrap();
        assert_eq!(&out[5..n], &m[..1490]);
        let mut small = [0u8; 64];
        assert_eq!(join_hello_records(&two, &mut small), Some(64));
        assert!(parse_client_hello(&small).is_ok_and(|h| h.truncated));
    }

    proptest::proptest! {
        /// A hello in any records joins back into the one-record hello; every prefix of it is
        /// incomplete; arbitrary bytes never panic.
        #[test]
        fn any_records_join_back(
            pad in 0usize..3000,
            cuts in proptest::collection::vec(1usize..5000, 0..5),
            soup in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
        ) {
            let m = hs(pad);
            let mut at: Vec<usize> = cuts.iter().map(|c| c % m.len()).filter(|&c| c > 0).collect();
            at.extend([0, m.len()]);
            at.sort_unstable();
            at.dedup();
            let mut b = Vec::new();
            for w in at.windows(2) {
                b.extend(record(&m[w[0]..w[1]]));
            }
            proptest::prop_assert_eq!(client_hello_complete(&b), Some(true));
            // A proper prefix, one byte at least (an empty one starts nothing).
            let cut = 1 + (pad * 7) % (b.len() - 1);
            proptest::prop_assert_eq!(client_hello_complete(&b[..cut]), Some(false));
            let mut out = vec![0u8; 1 << 15];
            let joined = match join_hello_records(&b, &mut out) {
                Some(n) => out[..n].to_vec(),
                None => b.clone(),
            };
            proptest::prop_assert_eq!(joined, record(&m));
            let mut soup = soup;
            if let Some(c) = soup.first_mut() {
                *c = 0x16;
            }
            let _ = client_hello_complete(&soup);
            if let Some(n) = join_hello_records(&soup, &mut out) {
                let _ = parse_client_hello(&out[..n]).map(|h| h.ja4());
            }
        }
    }
}
