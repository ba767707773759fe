//! The EN and FR catalogues parse without error, hold the same messages, and cover every finding,
//! kind and kind rule the pipeline can produce.

use fluent_bundle::FluentResource;
use iotgate_explain::{Lang, Localizer};

#[test]
fn catalogues_parse_cleanly() {
    for lang in [Lang::En, Lang::Fr] {
        if let Err((_, errs)) = FluentResource::try_new(lang.source().to_string()) {
            panic!("{lang:?} catalogue has syntax errors: {errs:?}");
        }
    }
}

#[test]
fn both_languages_have_the_same_messages() {
    let mut en = Localizer::ids(Lang::En.source());
    let mut fr = Localizer::ids(Lang::Fr.source());
    en.sort();
    fr.sort();
    let only_en: Vec<_> = en.iter().filter(|k| !fr.contains(k)).collect();
    let only_fr: Vec<_> = fr.iter().filter(|k| !en.contains(k)).collect();
    assert!(
        only_en.is_empty() && only_fr.is_empty(),
        "only in en: {only_en:?}; only in fr: {only_fr:?}"
    );
    assert!(en.len() > 100);
}

#[test]
fn every_finding_kind_and_rule_is_explained() {
    let mut ids: Vec<String> = Vec::new();
    for (f, _) in iotgate_judge::CATALOGUE {
        for part in ["title", "explain", "advice"] {
            ids.push(format!("finding-{f}-{part}"));
        }
    }
    for k in [
        "camera", "plug", "bulb", "hub", "speaker", "printer", "phone", "computer", "router",
        "sensor", "unknown",
    ] {
        ids.push(format!("kind-{k}"));
    }
    for r in [
        "routes",
        "dhcp-server",
        "rtsp",
        "hostname",
        "mdns",
        "vendor-class",
        "ssdp",
        "mud-url",
        "user-agent",
        "vendor",
        "none",
    ] {
        ids.push(format!("reason-{r}"));
    }
    for s in ["high", "medium", "low", "info"] {
        ids.push(format!("severity-{s}"));
    }
    for lang in [Lang::En, Lang::Fr] {
        let l = Localizer::new(lang);
        for id in &ids {
            assert!(l.has(id), "{lang:?} lacks {id}");
            let text = l.t(id);
            assert!(!text.starts_with('['), "{lang:?} {id} renders as {text}");
        }
    }
}

#[test]
fn french_is_french() {
    let l = Localizer::new(Lang::Fr);
    assert_eq!(l.t("kind-camera"), "caméra");
    let l = Localizer::new(Lang::En);
    assert_eq!(l.t("kind-camera"), "camera");
}

#[test]
fn every_mud_problem_is_explained_in_both_languages() {
    use iotgate_mud::{Diag, DiagKind, Severity};
    let s = || String::from("x");
    let kinds = vec![
        DiagKind::Syntax {
            line: 1,
            column: 2,
            detail: s(),
        },
        DiagKind::TooLarge { bytes: 9, limit: 1 },
        DiagKind::Missing { field: s() },
        DiagKind::Type { expected: "object" },
        DiagKind::Range {
            value: 0,
            min: 1,
            max: 2,
        },
        DiagKind::UndefinedAcl { name: s() },
        DiagKind::DuplicateAcl { name: s() },
        DiagKind::DuplicateAce { name: s() },
        DiagKind::PortRange { lower: 2, upper: 1 },
        DiagKind::Exclusive { a: s(), b: s() },
        DiagKind::Unknown { field: s() },
        DiagKind::Legacy {
            field: s(),
            modern: s(),
        },
        DiagKind::Version {
            version: String::new(),
        },
        DiagKind::Version {
            version: "2".into(),
        },
        DiagKind::NoPrefix { value: s() },
        DiagKind::Family { value: s() },
        DiagKind::ProtocolMismatch {
            layer: s(),
            protocol: 6,
        },
        DiagKind::UnusedAcl { name: s() },
        DiagKind::NotHttps { url: s() },
    ];
    // Every `expected` id the parser can emit for a Value problem.
    let src = include_str!("../../mud/src/parse.rs");
    let mut expected: Vec<&'static str> = Vec::new();
    for call in src.split("self.bad(").skip(1) {
        let call = &call[..call.find(");").expect("end of call")];
        let lit = call
            .trim_end()
            .trim_end_matches(',')
            .rsplit(',')
            .next()
            .unwrap_or("")
            .trim();
        let id = lit.trim_matches('"');
        assert!(
            lit.ends_with('"') && !id.contains('"'),
            "unexpected call: {call}"
        );
        expected.push(Box::leak(id.to_string().into_boxed_str()));
    }
    for part in src.split("expected: \"").skip(1) {
        let id = &part[..part.find('"').expect("closing quote")];
        if !["object", "string", "integer", "boolean", "array"].contains(&id) {
            expected.push(Box::leak(id.to_string().into_boxed_str()));
        }
    }
    assert!(expected.len() >= 12, "{expected:?}");
    let kinds = kinds
        .into_iter()
        .chain(expected.iter().map(|e| DiagKind::Value {
            value: "v".into(),
            expected: e,
        }));
    for lang in [Lang::En, Lang::Fr] {
        let l = Localizer::new(lang);
        for kind in kinds.clone() {
            for severity in [Severity::Warning, Severity::Error] {
                let d = Diag {
                    severity,
                    path: "$.a".into(),
                    kind: kind.clone(),
                };
                let t = iotgate_explain::mud_diag_text(&l, &d);
                assert!(!t.contains('[') || t.contains("[null]"), "{lang:?}: {t}");
            }
        }
    }
}

#[test]
fn every_alert_action_and_threshold_is_worded_in_both_languages() {
    let mut ids: Vec<String> = Vec::new();
    for (k, d) in iotgate_judge::detect::DETAILS {
        for part in ["title", "explain"] {
            ids.push(format!("alert-{}-{d}-{part}", k.id()));
        }
    }
    for a in iotgate_explain::alerts::ACTIONS {
        ids.push(format!("alert-action-{a}"));
    }
    for k in iotgate_judge::detect::config::KEYS {
        ids.push(format!("detect-key-{k}"));
    }
    for lang in [Lang::En, Lang::Fr] {
        let l = Localizer::new(lang);
        for id in &ids {
            assert!(l.has(id), "{lang:?} lacks {id}");
        }
    }
    // Every action an alert can recommend is in the list above.
    for (k, d) in iotgate_judge::detect::DETAILS {
        for a in iotgate_explain::alerts::actions(*k, d) {
            assert!(iotgate_explain::alerts::ACTIONS.contains(a), "{a}");
        }
    }
}
