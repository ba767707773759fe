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
