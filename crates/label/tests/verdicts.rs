//! Checks that used to pass or fail for the wrong reason, each with the verdict the evidence
//! supports (issue 15): a probe that found nothing open proves neither that no banner leaks nor
//! that no risky service exists; a published support period that has ended is published; unsigned
//! updates are OWASP's "insecure update mechanism"; a hard-coded resolver says nothing about data
//! minimisation; an SBOM is not an asset inventory of the network.

use iotgate_explain::{Lang, Localizer};
use iotgate_label::checks::{check, checks_for};
use iotgate_label::declaration::{Date, Declaration};
use iotgate_label::evidence::{declared, probed, Outcome};
use iotgate_probe::{OpenPort, Report, Service};

fn en() -> Localizer {
    Localizer::new(Lang::En)
}

fn outcome(results: &[iotgate_label::evidence::CheckResult], id: &str) -> Outcome {
    results.iter().find(|c| c.id == id).unwrap().outcome
}

fn report(open: Vec<OpenPort>) -> Report {
    Report {
        address: "192.0.2.10".into(),
        open,
        accepted: None,
        refused: Vec::new(),
        anonymous: Vec::new(),
        attempts: 0,
    }
}

#[test]
fn a_probe_that_found_nothing_open_settles_nothing() {
    let l = en();
    let r = probed(&l, Some(&report(Vec::new())));
    assert_eq!(outcome(&r, "banner-disclosure"), Outcome::NotAssessed);
    assert_eq!(outcome(&r, "exposed-services"), Outcome::NotAssessed);
    // With an open web server that shows no version: no leak seen, still no claim about ports
    // the probe does not try (UDP, the rest of TCP).
    let web = OpenPort {
        port: 80,
        service: Service::Http,
        banner: Some("camera web server".into()),
    };
    let r = probed(&l, Some(&report(vec![web])));
    assert_eq!(outcome(&r, "banner-disclosure"), Outcome::Pass);
    assert_eq!(outcome(&r, "exposed-services"), Outcome::NotAssessed);
    assert_eq!(outcome(&r, "login-service-cleartext"), Outcome::NotAssessed);
    let telnet = OpenPort {
        port: 23,
        service: Service::Telnet,
        banner: Some("login:".into()),
    };
    let r = probed(&l, Some(&report(vec![telnet])));
    assert_eq!(outcome(&r, "login-service-cleartext"), Outcome::Fail);
    assert_eq!(outcome(&r, "exposed-services"), Outcome::Fail);
}

#[test]
fn an_ended_support_period_is_published_not_breached() {
    let l = en();
    let d = Declaration::parse("d.toml", "support_until = \"2020-01-01\"\n").unwrap();
    let r = declared(&l, Some(&d), Date::parse("2026-11-22").unwrap());
    let c = r
        .iter()
        .find(|c| c.id == "declared-support-period")
        .unwrap();
    assert_eq!(c.outcome, Outcome::Pass);
    assert!(
        c.evidence.iter().any(|e| e.contains("ended on 2020-01-01")),
        "{c:?}"
    );
    let d = Declaration::parse("d.toml", "support_until = \"none\"\n").unwrap();
    let r = declared(&l, Some(&d), Date::parse("2026-11-22").unwrap());
    assert_eq!(outcome(&r, "declared-support-period"), Outcome::Fail);
}

#[test]
fn requirements_are_evidenced_by_what_they_ask() {
    let evidences = |id: &str| check(id).unwrap().evidences;
    // OWASP I4 (insecure update mechanism) needs signed updates, not just updates.
    assert!(!evidences("declared-updates").contains(&"owasp:I4"));
    assert!(evidences("declared-signed-updates").contains(&"owasp:I4"));
    // A hard-coded resolver is not a data-minimisation failure (CRA I.2.g).
    assert!(!evidences("dns-bypass").contains(&"cra:I.2.g"));
    // An SBOM lists software, not the assets of NISTIR 8425's asset identification.
    for id in ["declared-sbom", "mud-sbom"] {
        assert!(
            !evidences(id).contains(&"nistir8425:asset-identification"),
            "{id}"
        );
    }
    // An open Telnet that asks for a password does authenticate: 5.5-4 is the probe's
    // unauthenticated-access check, not exposed-services.
    assert!(!evidences("exposed-services").contains(&"en303645:5.5-4"));
    // 5.1-3 is about users logging in to the device.
    let ids: Vec<&str> = checks_for("en303645", "5.1-3").map(|c| c.id).collect();
    assert_eq!(ids, ["cleartext-login-served", "login-service-cleartext"]);
}

/// UK PSTI's deemed routes since SI 2025/1267: a current Singapore CLS label (any level) or
/// JC-STAR label, declared, meets all three requirements; an expired one proves nothing either
/// way; a bad level or date is an error naming the entry.
#[test]
fn a_held_cls_or_jc_star_label_is_a_deemed_route_to_psti() {
    let l = en();
    let today = Date::parse("2026-11-22").unwrap();
    for psti in ["psti:1", "psti:2", "psti:3"] {
        let (fw, id) = psti.split_once(':').unwrap();
        assert!(
            checks_for(fw, id).any(|c| c.id == "declared-held-label"),
            "{psti} has the held-label route"
        );
    }
    let held = |toml: &str| {
        let d = Declaration::parse("d.toml", toml).unwrap();
        let r = declared(&l, Some(&d), today);
        r.into_iter()
            .find(|c| c.id == "declared-held-label")
            .unwrap()
    };
    let c = held("[[held_label]]\nscheme = \"cls\"\nlevel = 2\nexpires = \"2028-06-30\"\n");
    assert_eq!(c.outcome, Outcome::Pass);
    assert!(c.evidence[0].contains("CLS level 2"), "{c:?}");
    let c = held("[[held_label]]\nscheme = \"jc-star\"\nlevel = 1\nexpires = \"2027-01-01\"\n");
    assert_eq!(c.outcome, Outcome::Pass);
    assert!(c.evidence[0].contains("STAR-1"), "{c:?}");
    let c = held("[[held_label]]\nscheme = \"cls\"\nlevel = 1\nexpires = \"2025-01-01\"\n");
    assert_eq!(c.outcome, Outcome::NotAssessed);
    assert!(c.reason.as_deref().unwrap().contains("expired"), "{c:?}");
    // Not declared: not assessed.
    let r = declared(&l, None, today);
    assert_eq!(outcome(&r, "declared-held-label"), Outcome::NotAssessed);
    // Errors name the entry.
    let e = Declaration::parse(
        "d.toml",
        "[[held_label]]\nscheme = \"cls\"\nlevel = 7\nexpires = \"2028-01-01\"\n",
    )
    .unwrap_err();
    assert!(e.what.contains("held_label[0].level"), "{e:?}");
    let e = Declaration::parse(
        "d.toml",
        "[[held_label]]\nscheme = \"cls\"\nlevel = 1\nexpires = \"soon\"\n",
    )
    .unwrap_err();
    assert!(e.what.contains("held_label[0].expires"), "{e:?}");
    assert!(Declaration::parse(
        "d.toml",
        "[[held_label]]\nscheme = \"ul\"\nlevel = 1\nexpires = \"2028-01-01\"\n"
    )
    .is_err());
}

/// A date written the TOML way, without quotes, is a date (it was "invalid type: map").
#[test]
fn native_toml_dates_are_dates() {
    let d = Declaration::parse(
        "d.toml",
        "support_until = 2030-12-31\n[[held_label]]\nscheme = \"cls\"\nlevel = 1\nexpires = 2028-06-30\n",
    )
    .unwrap();
    assert_eq!(d.support_until.as_deref(), Some("2030-12-31"));
    assert_eq!(d.held_labels[0].expires, "2028-06-30");
    // A date with a time is not a day.
    let e = Declaration::parse("d.toml", "support_until = 2030-12-31T10:00:00Z\n").unwrap_err();
    assert!(e.what.contains("support_until"), "{e:?}");
}
