//! Declarations and dates: property tests (no panic on any text, dates round-trip) and the
//! errors a manufacturer would make.

use iotgate_label::declaration::{Date, Declaration, PasswordPolicy, UpdateMechanism};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_text_parses_or_errors_without_panic(s in "\\PC{0,200}") {
        let _ = Declaration::parse("x.toml", &s);
        let _ = Date::parse(&s);
    }

    #[test]
    fn dates_round_trip_and_keep_order(a in -2_000_000_000i64..8_000_000_000, b in -2_000_000_000i64..8_000_000_000) {
        let (da, db) = (Date::from_unix(a), Date::from_unix(b));
        prop_assert_eq!(Date::parse(&da.to_string()), Some(da));
        if a <= b {
            prop_assert!(da <= db);
        }
        // The next day is a different date, and a day later than this one.
        let next = Date::from_unix(a + 86_400);
        prop_assert!(next > da);
    }
}

#[test]
fn known_days() {
    assert_eq!(Date::from_unix(0).to_string(), "1970-01-01");
    assert_eq!(Date::from_unix(951_782_400).to_string(), "2000-02-29");
    assert_eq!(Date::from_unix(1_795_305_600).to_string(), "2026-11-22");
    assert!(Date::parse("2024-02-29").is_some());
    assert!(Date::parse("2023-02-29").is_none());
    assert!(Date::parse("2100-02-29").is_none());
    assert!(Date::parse("2026-13-01").is_none());
    assert!(Date::parse("2026-1-01").is_none());
    assert!(Date::parse("+026-01-01").is_none());
}

#[test]
fn a_full_declaration_reads() {
    let d = Declaration::parse(
        "d.toml",
        r#"
manufacturer = "Acme"
model = "Cam 2"
support_until = "2030-12-31"
vulnerability_disclosure = "https://acme.example/security"
update_mechanism = "user-initiated"
updates_signed = true
default_password = "user-set"
data_practices = "https://acme.example/privacy"
sbom = "none"
"#,
    )
    .unwrap();
    assert_eq!(d.default_password, Some(PasswordPolicy::UserSet));
    assert_eq!(d.update_mechanism, Some(UpdateMechanism::UserInitiated));
    assert_eq!(d.sbom.as_deref(), Some("none"));
}

#[test]
fn mistakes_are_named() {
    let e = Declaration::parse("d.toml", "default_password = \"secret\"\n").unwrap_err();
    assert!(e.to_string().starts_with("d.toml: "), "{e}");
    assert!(e.to_string().contains("secret"), "{e}");
    let e = Declaration::parse("d.toml", "support_until = \"31/12/2030\"\n").unwrap_err();
    assert!(e.to_string().contains("support_until"), "{e}");
    let e = Declaration::parse("d.toml", "updates_signed = \"yes\"\n").unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    /// Cut text fits the width it was cut for, and wrapped lines too.
    #[test]
    fn fitted_text_fits(s in "\\PC{0,120}", max in 20.0f64..400.0, size in 8.0f64..24.0) {
        use iotgate_label::svg::{fit, text_width, wrap};
        let f = fit(&s, max, size, true);
        prop_assert!(text_width(&f, size, true) <= max + text_width("…", size, true));
        if text_width(&s, size, true) <= max {
            prop_assert_eq!(&f, &s);
        }
        for line in wrap(&s, max, size, 3) {
            // A single word longer than the line is the one allowed excess before cutting.
            let words = line.split_whitespace().count();
            prop_assert!(words <= 1 || text_width(&line, size, false) <= max + text_width("…", size, false));
        }
    }
}
