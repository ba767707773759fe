//! Bounds-checked big-endian readers used by every decoder.

/// Reads a big-endian `u16` at `off`, or `None` past the end.
#[inline(always)]
pub fn be16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

/// Reads a big-endian `u32` at `off`, or `None` past the end.
#[inline(always)]
pub fn be32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads a little-endian `u16` at `off`.
#[inline(always)]
pub fn le16(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// Reads a little-endian `u32` at `off`.
#[inline(always)]
pub fn le32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// A slice of `len` bytes at `off`, or `None` if it runs past the end.
#[inline(always)]
pub fn slice(b: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    b.get(off..off.checked_add(len)?)
}

/// Case-insensitive ASCII prefix test.
#[inline]
pub fn starts_with_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay[..needle.len()].eq_ignore_ascii_case(needle)
}

/// Where `needle` first occurs in `hay`, ignoring ASCII case, without copying: the candidates
/// are found by the needle's first byte in either case (`memchr2`, many bytes at a time), and
/// only they are compared whole.
pub fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last = hay.len().checked_sub(needle.len())?;
    let (lo, up) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    while from <= last {
        let i = from + memchr::memchr2(lo, up, &hay[from..=last])?;
        if hay[i + 1..i + needle.len()].eq_ignore_ascii_case(rest) {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

/// Trims ASCII whitespace on both ends.
pub fn trim(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

/// Position of the first `needle` in `hay` (text headers are scanned for line ends and colons
/// on every request and announcement: `memchr`, many bytes at a time).
#[inline]
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    memchr::memchr(needle, hay)
}

/// Iterates over CRLF- (or LF-) terminated lines of a text header block, stopping at the blank
/// line that ends the headers.
pub fn header_lines(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = b;
    let mut done = false;
    std::iter::from_fn(move || {
        if done || rest.is_empty() {
            return None;
        }
        let (line, next) = match find_byte(rest, b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            done = true;
            return None;
        }
        Some(line)
    })
}

/// Splits a `Name: value` header line into its trimmed parts.
pub fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let i = find_byte(line, b':')?;
    Some((trim(&line[..i]), trim(&line[i + 1..])))
}

#[cfg(test)]
mod tests {
    use super::{find_byte, find_ci};

    /// The plain definition `find_ci` must agree with.
    fn naive_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
        if needle.is_empty() {
            return Some(0);
        }
        hay.windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
    }

    #[test]
    fn find_ci_finds_either_case() {
        assert_eq!(
            find_ci(b"Host: x\r\nContent-Length: 4", b"\ncontent-length:"),
            Some(8)
        );
        assert_eq!(find_ci(b"xxNMAP Scripting", b"nmap scripting"), Some(2));
        assert_eq!(find_ci(b"nma", b"nmap"), None);
        assert_eq!(find_ci(b"", b""), Some(0));
        assert_eq!(find_ci(b"aaab", b"AAB"), Some(1));
    }

    proptest::proptest! {
        #[test]
        fn find_ci_agrees_with_windows(
            hay in proptest::collection::vec(proptest::sample::select(b"aAbB\n:-z".to_vec()), 0..64),
            needle in proptest::collection::vec(proptest::sample::select(b"aAbB\n:".to_vec()), 0..5),
        ) {
            proptest::prop_assert_eq!(find_ci(&hay, &needle), naive_ci(&hay, &needle));
        }
    }

    #[test]
    fn find_byte_agrees_with_position() {
        let mut x: u32 = 12345;
        for len in 0..80usize {
            for _ in 0..200 {
                let v: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        [b'\n', b':', b'a', 0, 0x80, 0xff, 0x0a ^ 0x80, 0x3a - 1][(x % 8) as usize]
                    })
                    .collect();
                for n in [b'\n', b':', 0, 0xff, 0x80] {
                    assert_eq!(
                        find_byte(&v, n),
                        v.iter().position(|&c| c == n),
                        "{v:?} {n}"
                    );
                }
            }
        }
    }
}
