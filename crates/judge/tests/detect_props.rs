//! Property tests for the detectors' parsers and counters: blocklists never panic and find what
//! they list; `--detect` settings never panic; the fixed-size counters stay close to the truth.

use iotgate_judge::detect::sketch::{mix, Bits, Hll};
use iotgate_judge::detect::{Blocklist, DetectConfig};
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

proptest! {
    #[test]
    fn blocklists_never_panic(text in "\\PC{0,400}") {
        match Blocklist::parse("p", &text) {
            Ok(b) => {
                for l in text.lines() {
                    let _ = b.match_name(l);
                }
            }
            Err(e) => prop_assert!(e.line >= 1 && e.line <= text.lines().count()),
        }
    }

    #[test]
    fn listed_addresses_networks_and_names_match(
        v4 in any::<u32>(), len in 0u8..=32, v6 in any::<u128>(), len6 in 0u8..=128,
        label in "[a-z0-9]{1,12}", sub in "[a-z0-9]{1,8}"
    ) {
        let a = Ipv4Addr::from(v4);
        let b = Ipv6Addr::from(v6);
        let name = format!("{label}.example");
        let text = format!("{a}/{len}\n{b}/{len6}\n0.0.0.0 {name}\n");
        let bl = Blocklist::parse("p", &text).unwrap();
        prop_assert!(bl.match_addr(&IpAddr::V4(a)).is_some());
        prop_assert!(bl.match_addr(&IpAddr::V6(b)).is_some());
        prop_assert_eq!(bl.match_name(&format!("{sub}.{name}")), Some(name.clone()));
        prop_assert_eq!(bl.match_name(&name.to_uppercase()), Some(name.clone()));
        prop_assert_eq!(bl.match_name(&format!("{name}x")), None);
        // An address outside a /32 or /128 is not matched.
        let other = Ipv4Addr::from(v4 ^ 1);
        if len == 32 && Blocklist::parse("q", &format!("{a}\n")).unwrap().match_addr(&IpAddr::V4(other)).is_some() {
            prop_assert!(false, "{other} matched {a}");
        }
    }

    #[test]
    fn settings_never_panic(text in "\\PC{0,120}") {
        let mut c = DetectConfig::default();
        let _ = c.apply(&text);
    }

    #[test]
    fn counters_stay_close(n in 1u64..3000, seed in any::<u64>()) {
        let mut b = Bits::default();
        let mut h = Hll::default();
        for i in 0..n {
            let x = mix(((seed as u128) << 64) | i as u128);
            b.insert(x);
            h.insert(x);
        }
        let (eb, eh) = (b.estimate() as f64, h.estimate() as f64);
        let nf = n as f64;
        // Linear counting on 1,024 bits: tight up to about a thousand (the thresholds live far
        // below), looser as the bitmap fills.
        let tol = if n <= 1000 { 0.1 } else { 0.25 };
        prop_assert!((eb - nf).abs() <= tol * nf + 3.0, "bits {eb} for {n}");
        prop_assert!((eh - nf).abs() <= 0.3 * nf + 3.0, "hll {eh} for {n}");
    }
}
