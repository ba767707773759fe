//! Property tests: parsers of device replies never panic, and only single addresses are
//! accepted as targets.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn replies_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = iotgate_probe::parse_replies(&b);
    }

    #[test]
    fn telnet_like_replies_never_panic(b in proptest::collection::vec(prop_oneof![
        Just(255u8), Just(250), Just(240), Just(251), Just(253), any::<u8>()], 0..200)) {
        let _ = iotgate_probe::parse_replies(&b);
    }

    #[test]
    fn a_target_is_one_address(s in "\\PC{0,40}") {
        if let Ok(ip) = iotgate_probe::parse_target(&s) {
            prop_assert_eq!(s.trim().parse::<std::net::IpAddr>().ok(), Some(ip));
            prop_assert!(!ip.is_multicast() && !ip.is_unspecified());
        }
    }
}
