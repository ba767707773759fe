//! Property tests for the capture readers: any bytes behind a valid magic never panic, and a
//! capture cut at any offset yields a prefix of its packets plus a warning.

use iotgate_sources::Capture;
use proptest::prelude::*;
use std::path::Path;

fn sample_pcap(n: usize) -> Vec<u8> {
    let mut o = vec![
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
    ];
    for i in 0..n {
        let len = 60 + (i % 7) as u32;
        o.extend_from_slice(&(1000 + i as u32).to_le_bytes());
        o.extend_from_slice(&0u32.to_le_bytes());
        o.extend_from_slice(&len.to_le_bytes());
        o.extend_from_slice(&len.to_le_bytes());
        o.extend(std::iter::repeat_n(i as u8, len as usize));
    }
    o
}

fn count(bytes: Vec<u8>) -> Option<(usize, usize)> {
    let c = Capture::from_bytes(Path::new("t.pcap"), bytes).ok()?;
    let mut r = c.reader().ok()?;
    let mut n = 0;
    while r.next_packet().is_some() {
        n += 1;
    }
    Some((n, r.warnings().len()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn garbage_after_magic_never_panics(ng in any::<bool>(), tail in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let mut b = if ng {
            vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]
        } else {
            vec![0xd4, 0xc3, 0xb2, 0xa1]
        };
        b.extend_from_slice(&tail);
        let _ = count(b);
    }

    #[test]
    fn truncation_keeps_a_prefix(cut in 24usize..2000) {
        let full = sample_pcap(20);
        let cut = cut.min(full.len());
        let (n, w) = count(full[..cut].to_vec()).unwrap();
        prop_assert!(n <= 20);
        if cut < full.len() {
            // Either the cut falls exactly between records (no warning) or a warning says so.
            let exact = {
                let mut off = 24;
                let mut k = 0;
                while off < cut { let len = 60 + (k % 7); off += 16 + len; k += 1; }
                off == cut
            };
            prop_assert_eq!(w, usize::from(!exact));
        } else {
            prop_assert_eq!((n, w), (20, 0));
        }
    }
}

#[test]
fn empty_and_garbage_are_refused() {
    assert!(Capture::from_bytes(Path::new("e"), vec![]).is_err());
    let e = Capture::from_bytes(Path::new("g.pcap"), b"hello world".to_vec())
        .err()
        .unwrap();
    assert!(e.to_string().contains("g.pcap") && e.to_string().contains("68 65 6c 6c"));
    // A valid magic with a short header is a header error, not a panic.
    assert!(Capture::from_bytes(Path::new("s.pcap"), vec![0xd4, 0xc3, 0xb2, 0xa1, 0]).is_err());
}
