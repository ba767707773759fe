//! Text for reports without the formatting machinery: times (RFC 3339), protocol
//! names, and pretty JSON written in large blocks — reports carry millions of these.

/// Formats nanoseconds since the epoch as RFC 3339 UTC with microseconds.
pub fn rfc3339(ns: i64) -> String {
    rfc3339_stamp(ns).as_str().to_owned()
}

/// An RFC 3339 time written on the stack.
pub struct Stamp {
    b: [u8; 40],
    n: usize,
}

impl Stamp {
    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.b[..self.n]).unwrap_or_default()
    }
}

/// [`rfc3339`] without allocating.
pub fn rfc3339_stamp(ns: i64) -> Stamp {
    let secs = ns.div_euclid(1_000_000_000);
    let us = ns.rem_euclid(1_000_000_000) / 1000;
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let mut out = Stamp { b: [0; 40], n: 0 };
    if !(0..=9999).contains(&y) {
        // Years that do not take exactly four digits (none do within the range of i64
        // nanoseconds, 1677-2262; kept so the text cannot depend on that).
        use std::io::Write;
        let mut w = &mut out.b[..];
        let _ = write!(
            w,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{us:06}Z",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        );
        let left = w.len();
        out.n = 40 - left;
        return out;
    }
    // Digits written straight into a stack buffer: reports hold two timestamps per peer, and
    // `format!` costs dozens of times more.
    let b = &mut out.b;
    b[..27].copy_from_slice(b"0000-00-00T00:00:00.000000Z");
    digits(&mut b[0..4], y as u32);
    digits(&mut b[5..7], m as u32);
    digits(&mut b[8..10], d as u32);
    digits(&mut b[11..13], (sod / 3600) as u32);
    digits(&mut b[14..16], ((sod / 60) % 60) as u32);
    digits(&mut b[17..19], (sod % 60) as u32);
    digits(&mut b[20..26], us as u32);
    out.n = 27;
    out
}

/// Writes `v` in decimal into all of `out`, zero-padded (the caller makes it wide enough).
fn digits(out: &mut [u8], mut v: u32) {
    for c in out.iter_mut().rev() {
        *c = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// ASCII bytes as a `String` of exactly their length.
fn ascii(b: &[u8]) -> String {
    std::str::from_utf8(b).unwrap_or_default().to_owned()
}

/// Protocol number as a name.
pub fn proto_name(p: u8) -> String {
    match p {
        1 => "icmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        47 => "gre".into(),
        58 => "icmpv6".into(),
        n => {
            let w = if n >= 100 {
                3
            } else if n >= 10 {
                2
            } else {
                1
            };
            let mut b = [0u8; 3];
            digits(&mut b[..w], u32::from(n));
            ascii(&b[..w])
        }
    }
}

/// Writes `value` as JSON exactly as `serde_json::to_writer_pretty` does (two-space indent),
/// with far fewer writes: each line break and its indentation go out as one slice, and
/// everything is gathered in a 64 KiB buffer whose small appends are inlined, instead of one
/// `BufWriter::write_all` call per piece (a 66 MB report makes tens of millions of them).
/// `out` gets whole buffers; nothing is flushed beyond them.
pub fn write_json_pretty<W, T>(out: W, value: &T) -> std::io::Result<()>
where
    W: std::io::Write,
    T: serde::Serialize + ?Sized,
{
    let mut w = Gather {
        buf: Vec::with_capacity(GATHER),
        out,
    };
    let mut ser = serde_json::Serializer::with_formatter(&mut w, Pretty::default());
    // An I/O error keeps its kind (a closed pipe stays a closed pipe).
    value.serialize(&mut ser).map_err(std::io::Error::from)?;
    w.drain()
}

const GATHER: usize = 1 << 16;

/// A write buffer for many tiny writes (see [`write_json_pretty`]).
struct Gather<W: std::io::Write> {
    buf: Vec<u8>,
    out: W,
}

impl<W: std::io::Write> Gather<W> {
    fn drain(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<W: std::io::Write> std::io::Write for Gather<W> {
    #[inline]
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.write_all(b)?;
        Ok(b.len())
    }

    #[inline]
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        if self.buf.len() + b.len() > GATHER {
            self.drain()?;
            if b.len() > GATHER {
                return self.out.write_all(b);
            }
        }
        if let [c] = b {
            self.buf.push(*c);
        } else {
            self.buf.extend_from_slice(b);
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain()?;
        self.out.flush()
    }
}

/// serde_json's `PrettyFormatter` (two spaces), writing a line break with its indentation in
/// one slice.
#[derive(Default)]
struct Pretty {
    depth: usize,
    has_value: bool,
}

/// `,` then a line break then indentation, sliced to the depth.
const BREAK: &[u8] = b",\n                                                                ";

impl Pretty {
    #[inline]
    fn line<W: ?Sized + std::io::Write>(
        w: &mut W,
        comma: bool,
        depth: usize,
    ) -> std::io::Result<()> {
        let from = usize::from(!comma);
        let spaces = 2 * depth;
        if 2 + spaces <= BREAK.len() {
            w.write_all(&BREAK[from..2 + spaces])
        } else {
            w.write_all(&BREAK[from..2])?;
            for _ in 0..depth {
                w.write_all(b"  ")?;
            }
            Ok(())
        }
    }
}

impl Pretty {
    /// An array or object opens one level deeper.
    #[inline]
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(c)
    }

    /// It closes on its own line when it held something.
    #[inline]
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            Self::line(w, false, self.depth)?;
        }
        w.write_all(c)
    }
}

impl serde_json::ser::Formatter for Pretty {
    #[inline]
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    #[inline]
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    #[inline]
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        Self::line(w, !first, self.depth)
    }

    #[inline]
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    #[inline]
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    #[inline]
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    #[inline]
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        Self::line(w, !first, self.depth)
    }

    #[inline]
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    #[inline]
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{proto_name, rfc3339};

    /// The reference: what `rfc3339` wrote through `format!` before it wrote digits itself.
    fn rfc3339_fmt(ns: i64) -> String {
        let secs = ns.div_euclid(1_000_000_000);
        let us = ns.rem_euclid(1_000_000_000) / 1000;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{us:06}Z",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )
    }

    #[test]
    fn rfc3339_writes_what_format_wrote() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut cases = vec![0, -1, 1, i64::MIN, i64::MAX, 1_700_000_000_123_456_789];
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push(x as i64);
            cases.push((x % 4_000_000_000_000_000_000) as i64);
            cases.push((x % 400_000_000_000_000_000) as i64 - 200_000_000_000_000_000);
        }
        for ns in cases {
            assert_eq!(rfc3339(ns), rfc3339_fmt(ns), "{ns}");
        }
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000000Z");
    }

    #[test]
    fn write_json_pretty_is_to_writer_pretty() {
        let mut deep = serde_json::json!({"leaf": [1, "x\\y\"z\u{1}", null, true, 2.5, [], {}]});
        for i in 0..40 {
            deep = serde_json::json!({ "level": i, "empty": [], "obj": {}, "list": [deep.clone(), "é"] });
        }
        let mut want = Vec::new();
        serde_json::to_writer_pretty(&mut want, &deep).unwrap();
        let mut got = Vec::new();
        super::write_json_pretty(&mut got, &deep).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            String::from_utf8(want).unwrap()
        );
        // Larger than the gathering buffer, and pieces larger than it.
        let big = serde_json::json!({"a": "x".repeat(200_000), "b": vec!["yz"; 50_000]});
        let mut want = Vec::new();
        serde_json::to_writer_pretty(&mut want, &big).unwrap();
        let mut got = Vec::new();
        super::write_json_pretty(&mut got, &big).unwrap();
        assert!(got == want);
    }

    #[test]
    fn protocols_by_name() {
        for p in 0..=255u8 {
            let want = match p {
                1 => "icmp".to_string(),
                6 => "tcp".into(),
                17 => "udp".into(),
                47 => "gre".into(),
                58 => "icmpv6".into(),
                n => n.to_string(),
            };
            assert_eq!(proto_name(p), want);
        }
    }
}
