//! The catalogues hold together: every EN 303 645 V2.1.1 provision is present, IDs are unique,
//! cross-references resolve, every check evidences at least one existing requirement, and every
//! check is worded in both languages.

use iotgate_explain::{Lang, Localizer};
use iotgate_label::catalogue::{Catalogues, SOURCES};
use iotgate_label::checks::{Source, CHECKS};

/// Every provision of ETSI EN 303 645 V2.1.1: 13 groups of clause 5 and clause 6, 67 in all.
fn en303645_ids() -> Vec<String> {
    let groups: &[(&str, u32)] = &[
        ("5.1", 5),
        ("5.2", 3),
        ("5.3", 16),
        ("5.4", 4),
        ("5.5", 8),
        ("5.6", 9),
        ("5.7", 2),
        ("5.8", 3),
        ("5.9", 3),
        ("5.10", 1),
        ("5.11", 4),
        ("5.12", 3),
        ("5.13", 1),
        ("6", 5),
    ];
    groups
        .iter()
        .flat_map(|(g, n)| (1..=*n).map(move |i| format!("{g}-{i}")))
        .collect()
}

#[test]
fn every_en303645_provision_is_present_in_order() {
    let c = Catalogues::builtin();
    let fw = c.framework("en303645").expect("EN 303 645 catalogue");
    let ids: Vec<&str> = fw.reqs.iter().map(|r| r.id.as_str()).collect();
    let want = en303645_ids();
    assert_eq!(want.len(), 67);
    assert_eq!(ids, want);
    assert!(fw.version.starts_with("V2.1.1"));
    // Statuses as ../shared/frameworks.md records them from the standard.
    use iotgate_label::catalogue::Status::*;
    for (id, st) in [
        ("5.1-1", Mc),
        ("5.1-2", Mc),
        ("5.1-3", M),
        ("5.1-4", Mc),
        ("5.1-5", Mc),
        ("5.2-1", M),
        ("5.2-2", R),
        ("5.3-2", Mc),
        ("5.3-3", Mc),
        ("5.3-7", Mc),
        ("5.3-8", Mc),
        ("5.3-10", Mc),
        ("5.3-13", M),
        ("5.3-14", Rc),
        ("5.3-16", M),
        ("5.4-1", M),
        ("5.4-2", Mc),
        ("5.5-1", M),
        ("5.5-2", R),
        ("5.5-4", R),
        ("5.5-5", M),
        ("5.5-7", M),
        ("5.5-8", M),
        ("5.6-1", M),
        ("5.6-2", M),
        ("5.6-4", Mc),
        ("5.6-5", R),
        ("5.7-1", R),
        ("5.8-1", R),
        ("5.8-2", M),
        ("5.8-3", M),
        ("5.10-1", Rc),
        ("5.11-1", M),
        ("5.13-1", M),
    ] {
        assert_eq!(fw.req(id).unwrap().status, st, "{id}");
    }
}

#[test]
fn every_framework_the_issue_names_is_there() {
    let c = Catalogues::builtin();
    for (id, n) in [
        ("en303645", 67),
        ("psti", 3),
        ("nistir8425", 10),
        ("cls", 4),
        ("cra", 22),
        ("en18031", 33),
        ("owasp", 10),
    ] {
        let f = c.framework(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(f.reqs.len(), n, "{id}");
        for r in &f.reqs {
            assert_ne!(r.en, r.fr, "{id} {} has no French title", r.id);
        }
    }
}

#[test]
fn every_check_evidences_known_requirements() {
    let c = Catalogues::builtin();
    for ch in CHECKS {
        assert!(!ch.evidences.is_empty(), "{} evidences nothing", ch.id);
        for e in ch.evidences {
            let (fw, id) = e.split_once(':').expect("framework:id");
            assert!(
                c.framework(fw).and_then(|f| f.req(id)).is_some(),
                "check {} refers to unknown requirement {e}",
                ch.id
            );
        }
    }
    let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), CHECKS.len(), "check IDs are unique");
}

#[test]
fn the_requirements_the_issue_names_are_reachable_from_a_check() {
    // Default passwords feed EN 303 645 5.1-1, PSTI 1, OWASP I1 and EN 18031 AUM-5 at once.
    for (fw, id) in [
        ("en303645", "5.1-1"),
        ("psti", "1"),
        ("owasp", "I1"),
        ("en18031", "AUM-5-1"),
        ("en303645", "5.5-1"),
    ] {
        let n = iotgate_label::checks::checks_for(fw, id).count();
        assert!(n > 0, "{fw}:{id} has no check");
    }
    let dp = iotgate_label::checks::check("default-credentials").unwrap();
    assert_eq!(dp.source, Source::Probed);
}

#[test]
fn broken_catalogues_are_refused_with_the_file_named() {
    let mut bad: Vec<(&str, String)> = SOURCES.iter().map(|(f, t)| (*f, t.to_string())).collect();
    let with = |bad: &[(&str, String)]| {
        let v: Vec<(&str, &str)> = bad.iter().map(|(f, t)| (*f, t.as_str())).collect();
        Catalogues::parse(&v)
    };
    assert!(with(&bad).is_ok());
    // An unknown cross-reference.
    bad[1].1 = bad[1].1.replace("en303645:5.2-1", "en303645:5.2-99");
    let e = with(&bad).unwrap_err();
    assert_eq!(e.file, "psti.toml");
    assert!(e.what.contains("5.2-99"), "{e}");
    // A duplicated requirement.
    bad[1].1 = SOURCES[1].1.replace("id = \"3\"", "id = \"2\"");
    let e = with(&bad).unwrap_err();
    assert!(e.what.contains("twice"), "{e}");
    // An unknown key (a typo must not silently drop data).
    bad[1].1 = SOURCES[1].1.replace("status = \"M\"", "statut = \"M\"");
    let e = with(&bad).unwrap_err();
    assert_eq!(e.file, "psti.toml");
    // A conditional requirement without its condition.
    bad[1].1 = SOURCES[1]
        .1
        .replacen("status = \"M\"", "status = \"Mc\"", 1);
    let e = with(&bad).unwrap_err();
    assert!(e.what.contains("condition"), "{e}");
    // A bad status.
    bad[1].1 = SOURCES[1].1.replace("status = \"M\"", "status = \"maybe\"");
    assert!(with(&bad).is_err());
}

#[test]
fn every_check_is_explained_in_both_languages() {
    for lang in [Lang::En, Lang::Fr] {
        let l = Localizer::new(lang);
        for c in CHECKS {
            for suffix in ["", "-means", "-do"] {
                let id = format!("label-check-{}{suffix}", c.id);
                assert!(l.has(&id), "{lang:?}: {id}");
            }
            if c.id.starts_with("declared-") {
                assert!(l.has(&format!("label-check-{}-ask", c.id)), "{}", c.id);
            }
        }
    }
}

#[test]
fn every_topic_is_explained_in_both_languages() {
    use iotgate_label::catalogue::TOPICS;
    for lang in [Lang::En, Lang::Fr] {
        let l = Localizer::new(lang);
        for t in TOPICS {
            for suffix in ["", "-means", "-do"] {
                let id = format!("label-topic-{t}{suffix}");
                assert!(l.has(&id), "{lang:?}: {id}");
            }
        }
    }
    // And every topic is used.
    let c = Catalogues::builtin();
    for t in TOPICS {
        assert!(
            c.frameworks
                .iter()
                .flat_map(|f| &f.reqs)
                .any(|r| r.topic == *t),
            "{t} unused"
        );
    }
}
