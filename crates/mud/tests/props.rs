//! Property tests: the parser never panics on damaged or arbitrary input, and every problem it
//! reports carries a path that starts at the document root.

use proptest::prelude::*;

const SAMPLE: &str = include_str!("../../../../shared/data/mud/unsw/tplinkplug.json");

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes(b in proptest::collection::vec(any::<u8>(), 0..512)) {
        let r = iotgate_mud::parse_bytes(&b);
        prop_assert!(r.diags.iter().all(|d| d.path.starts_with('$')));
    }

    #[test]
    fn mutated_profile(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), cut in any::<prop::sample::Index>()) {
        let mut b = SAMPLE.as_bytes().to_vec();
        for (i, v) in edits {
            let i = i.index(b.len());
            b[i] = v;
        }
        let r = iotgate_mud::parse_bytes(&b);
        prop_assert!(r.profile.is_some() || r.errors().count() > 0);
        let n = cut.index(b.len());
        let r = iotgate_mud::parse_bytes(&b[..n]);
        prop_assert!(r.profile.is_none() || n == b.len());
    }

    #[test]
    fn values_of_the_wrong_type(v in prop_oneof![Just("1"), Just("\"x\""), Just("null"), Just("[]"), Just("{}"), Just("true"), Just("[null]"), Just("-5"), Just("99999")], at in 0usize..40) {
        // Replace the at-th value after a colon with `v`.
        let mut spots = SAMPLE.match_indices(": ").map(|(i, _)| i + 2);
        if let Some(start) = spots.nth(at) {
            let rest = &SAMPLE[start..];
            let end = start + rest.find([',', '\n']).unwrap_or(rest.len());
            let doc = format!("{}{}{}", &SAMPLE[..start], v, &SAMPLE[end..]);
            let r = iotgate_mud::parse_bytes(doc.as_bytes());
            prop_assert!(r.diags.iter().all(|d| d.path.starts_with('$')));
        }
    }
}
