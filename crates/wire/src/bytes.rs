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

/// Iterates over CRLF- (or LF-) terminated lines of a text header block, stopping at the blank
/// line that ends the headers.
pub fn header_lines(b: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = b;
    let mut done = false;
    std::iter::from_fn(move || {
        if done || rest.is_empty() {
            return None;
        }
        let (line, next) = match rest.iter().position(|&c| c == b'\n') {
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
    let i = line.iter().position(|&c| c == b':')?;
    Some((trim(&line[..i]), trim(&line[i + 1..])))
}
