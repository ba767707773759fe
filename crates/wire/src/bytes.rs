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

/// Where `needle` (lower case) first occurs in `hay`, ignoring ASCII case, without copying.
pub fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
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

/// Position of the first `needle` in `hay`, eight bytes at a time (text headers are scanned
/// for line ends and colons on every request and announcement).
#[inline]
pub fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pat = LO * u64::from(needle);
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0usize;
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let x = u64::from_le_bytes(w) ^ pat;
        // Exact for the lowest matching byte: borrows only run upwards from a zero byte.
        let z = x.wrapping_sub(LO) & !x & HI;
        if z != 0 {
            return Some(base + (z.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == needle)
        .map(|i| base + i)
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
    use super::find_byte;

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
