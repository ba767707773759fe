//! Making text that came from the network or from a file safe for where it is shown: control
//! characters (C0, DEL, C1), bidirectional overrides and XML's forbidden code points are replaced
//! by visible escapes (`\n`, `\x1b`, `\u{202e}`), so a device naming itself with a line feed
//! cannot forge a report line, and an escape sequence cannot clear the screen or retitle the
//! terminal.

use std::borrow::Cow;
use std::fmt::Write;

/// True for a character that must not reach a reader raw: C0 and C1 controls, DEL, the
/// bidirectional embedding, override and isolate marks, and the noncharacters XML forbids.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}'
                | '\u{fffe}'
                | '\u{ffff}'
        )
}

/// Pushes the visible escape of unsafe `c`.
fn escape(o: &mut String, c: char) {
    match c {
        '\n' => o.push_str("\\n"),
        '\r' => o.push_str("\\r"),
        '\t' => o.push_str("\\t"),
        c if (c as u32) < 0x100 => {
            let _ = write!(o, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(o, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// `s` with every unsafe character replaced by its visible escape; borrowed when there is
/// none (the common case).
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            escape(&mut o, c);
        } else {
            o.push(c);
        }
    }
    Cow::Owned(o)
}

/// [`visible`] as an owned string.
pub fn visible_owned(s: &str) -> String {
    visible(s).into_owned()
}

/// Text for a terminal: like [`visible`] but keeps line feeds and tabs and, when `sgr` is true, the
/// colour sequences iotgate's own renderer writes (`ESC [` digits and `;` then `m`). This is
/// the last line of defence on a whole rendered report; values are made [`visible`] where they
/// enter the report, so a line feed inside a value never gets this far.
pub fn terminal(s: &str, sgr: bool) -> Cow<'_, str> {
    let mut chars = s.char_indices().peekable();
    let kept = |c: char| c == '\n' || c == '\t';
    let needs = s.chars().any(|c| !kept(c) && is_unsafe(c));
    if !needs {
        return Cow::Borrowed(s);
    }
    let mut o = String::with_capacity(s.len() + 16);
    while let Some((i, c)) = chars.next() {
        if kept(c) || !is_unsafe(c) {
            o.push(c);
            continue;
        }
        if sgr && c == '\x1b' {
            let rest = &s[i + 1..];
            if let Some(body) = rest.strip_prefix('[') {
                let len = body
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || *b == b';')
                    .count();
                if body.as_bytes().get(len) == Some(&b'm') {
                    o.push('\x1b');
                    o.push('[');
                    o.push_str(&body[..=len]);
                    // Skip what was copied: '[' , the parameters and 'm'.
                    for _ in 0..len + 2 {
                        chars.next();
                    }
                    continue;
                }
            }
        }
        escape(&mut o, c);
    }
    Cow::Owned(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(visible("cam-1.local"), "cam-1.local");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        assert_eq!(visible("a\nb"), "a\\nb");
        assert_eq!(visible("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(visible("nul\0"), "nul\\x00");
        assert_eq!(visible("del\x7f"), "del\\x7f");
        assert_eq!(visible("c1\u{9b}2J"), "c1\\x9b2J");
        assert_eq!(visible("exe\u{202e}gpj.exe"), "exe\\u{202e}gpj.exe");
        assert_eq!(visible("\u{fffe}"), "\\u{fffe}");
        assert_eq!(visible("café ☕"), "café ☕");
    }

    #[test]
    fn the_terminal_keeps_lines_and_own_colours_only() {
        assert_eq!(terminal("a\nb\tc", false), "a\nb\tc");
        assert_eq!(
            terminal("\x1b[1;31mred\x1b[0m", true),
            "\x1b[1;31mred\x1b[0m"
        );
        assert_eq!(
            terminal("\x1b[1;31mred\x1b[0m", false),
            "\\x1b[1;31mred\\x1b[0m"
        );
        // Not a colour: a screen clear, a title change.
        assert_eq!(terminal("\x1b[2J", true), "\\x1b[2J");
        assert_eq!(terminal("\x1b]0;t\x07", true), "\\x1b]0;t\\x07");
        assert_eq!(terminal("\x1b", true), "\\x1b");
        assert_eq!(terminal("\x1b[", true), "\\x1b[");
    }

    proptest::proptest! {
        #[test]
        fn nothing_unsafe_survives(s in ".*") {
            let v = visible(&s);
            proptest::prop_assert!(!v.chars().any(is_unsafe));
            let t = terminal(&s, false);
            proptest::prop_assert!(!t.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)));
            // Text without unsafe characters is unchanged.
            if !s.chars().any(is_unsafe) {
                proptest::prop_assert_eq!(v.as_ref(), s.as_str());
            }
        }
    }
}
