//! Fuzz target: the output sanitisers. Whatever bytes a device or file supplies, the visible
//! form holds no unsafe character, the terminal form keeps only line feeds, tabs and the
//! renderer's own colours, HTML/XML escaping leaves nothing XML forbids, and text without unsafe
//! characters passes unchanged.
#![no_main]
use iotgate_explain::safe::{is_unsafe, terminal, visible};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let v = visible(&s);
    assert!(!v.chars().any(is_unsafe));
    if !s.chars().any(is_unsafe) {
        assert_eq!(v.as_ref(), s.as_ref());
    }
    for sgr in [false, true] {
        let t = terminal(&s, sgr);
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\n' || c == '\t' || !is_unsafe(c) {
                continue;
            }
            // Only a colour sequence may keep its ESC: ESC [ digits/; m.
            assert!(sgr && c == '\x1b', "{c:?} in {t:?}");
            assert_eq!(chars.next(), Some('['));
            loop {
                match chars.next() {
                    Some('m') => break,
                    Some(d) if d.is_ascii_digit() || d == ';' => {}
                    other => panic!("not a colour: {other:?} in {t:?}"),
                }
            }
        }
    }
    let e = iotgate_explain::html::esc(&s);
    assert!(!e.chars().any(|c| is_unsafe(c) || c == '<' || c == '>' || c == '"'));
});
