//! What devices say, reduced to printable text for reports.

/// Printable ASCII of `b`, whitespace collapsed, at most 200 characters.
pub(crate) fn printable(b: &[u8]) -> String {
    let mut s = String::new();
    let mut space = false;
    for &c in b {
        if c.is_ascii_graphic() {
            if space && !s.is_empty() {
                s.push(' ');
            }
            space = false;
            s.push(c as char);
        } else if c.is_ascii_whitespace() {
            space = true;
        }
        if s.len() >= 200 {
            break;
        }
    }
    s
}
