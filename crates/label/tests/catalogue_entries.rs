//! The catalogue entries corrected against the standards' own texts (issue 15), one test each
//! (ID, status, condition, and the words that were wrong), and a source and check date for every
//! requirement of every catalogue.

use iotgate_label::catalogue::{Applies, Catalogues, Form, Requirement, Status, SOURCES};

fn req(fw: &str, id: &str) -> Requirement {
    let c = Catalogues::builtin();
    c.framework(fw)
        .unwrap_or_else(|| panic!("{fw}"))
        .req(id)
        .unwrap_or_else(|| panic!("{fw}:{id}"))
        .clone()
}

/// `fw:id` has `status`, a condition containing `cond` (None: no condition), and a title
/// containing `title`.
fn entry(fw: &str, id: &str, status: Status, cond: Option<&str>, title: &str) {
    let r = req(fw, id);
    assert_eq!(r.status, status, "{fw}:{id} status");
    match cond {
        Some(c) => {
            let got = r.condition_en.as_deref().unwrap_or("");
            assert!(
                got.to_lowercase().contains(&c.to_lowercase()),
                "{fw}:{id} condition {got:?} lacks {c:?}"
            );
            assert!(r.condition_fr.is_some(), "{fw}:{id} French condition");
        }
        None => assert!(r.condition_en.is_none(), "{fw}:{id} has no condition"),
    }
    assert!(
        r.en.to_lowercase().contains(&title.to_lowercase()),
        "{fw}:{id} title {:?} lacks {title:?}",
        r.en
    );
}

#[test]
fn every_requirement_names_the_text_it_was_checked_against() {
    let c = Catalogues::builtin();
    for fw in &c.frameworks {
        for r in &fw.reqs {
            assert!(
                r.source.len() > 10,
                "{}:{} names no source ({:?})",
                fw.id,
                r.id,
                r.source
            );
            assert!(
                iotgate_label::Date::parse(&r.checked).is_some(),
                "{}:{} has no check date",
                fw.id,
                r.id
            );
        }
    }
    // And a catalogue without them does not load.
    let mut bad: Vec<(&str, String)> = SOURCES.iter().map(|(f, t)| (*f, t.to_string())).collect();
    bad[1].1 = bad[1].1.replacen("source = ", "ignored_source = ", 1);
    bad[1].1 = bad[1].1.replacen("ignored_source = \"", "# \"", 1);
    let refs: Vec<(&str, &str)> = bad.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let e = Catalogues::parse(&refs).unwrap_err();
    assert!(e.what.contains("source"), "{e}");
    let mut bad: Vec<(&str, String)> = SOURCES.iter().map(|(f, t)| (*f, t.to_string())).collect();
    bad[0].1 = bad[0]
        .1
        .replacen("checked = \"2026-11-30\"", "checked = \"recently\"", 1);
    let refs: Vec<(&str, &str)> = bad.iter().map(|(f, t)| (*f, t.as_str())).collect();
    let e = Catalogues::parse(&refs).unwrap_err();
    assert!(e.what.contains("checked"), "{e}");
}

#[test]
fn en303645_entries_match_the_standard() {
    use Status::*;
    let fw = "en303645";
    // Conditions the catalogue had wrong.
    entry(
        fw,
        "5.1-5",
        Mc,
        Some("not a constrained device"),
        "brute-force",
    );
    entry(
        fw,
        "5.3-2",
        Mc,
        Some("not a constrained device"),
        "update mechanism",
    );
    // Texts the catalogue had wrong or incomplete.
    entry(
        fw,
        "5.3-10",
        Mc,
        Some("network interface"),
        "authenticity and integrity",
    );
    entry(
        fw,
        "5.3-10",
        Mc,
        Some("network interface"),
        "trust relationship",
    );
    entry(
        fw,
        "5.4-2",
        Mc,
        Some("hard-coded unique per device identity"),
        "resists tampering",
    );
    entry(fw, "5.4-4", M, None, "associated-service");
    entry(fw, "5.3-6", Rc, Some("automatic updates"), "postpone");
    entry(fw, "5.9-2", R, None, "locally");
    entry(fw, "5.9-3", R, None, "orderly");
    // Statuses.
    entry(fw, "6-3", M, None, "withdraw");
    entry(fw, "6-4", Rc, Some("telemetry"), "minimum");
    // 5.4-2 once said the opposite of the standard.
    assert!(!req(fw, "5.4-2").en.to_lowercase().starts_with("no "));
}

#[test]
fn nistir8425_outcomes_match_the_profile() {
    let s = req("nistir8425", "cybersecurity-state-awareness");
    assert!(s.en.to_lowercase().contains("detect"), "{}", s.en);
    let a = req("nistir8425", "interface-access-control");
    assert!(a.en.to_lowercase().contains("local"), "{}", a.en);
}

#[test]
fn cls_is_tiered_and_level_3_is_security_by_design_and_a_laboratory() {
    let c = Catalogues::builtin();
    let cls = c.framework("cls").unwrap();
    assert_eq!(cls.form, Form::Tiered);
    let ids: Vec<&str> = cls.reqs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["level-1", "level-2", "level-3", "level-4"]);
    let l3 = req("cls", "level-3");
    assert!(l3.lab);
    assert!(
        l3.en.to_lowercase().contains("security by design"),
        "{}",
        l3.en
    );
    assert!(l3.includes.contains(&"level-2".to_string()));
    assert!(req("cls", "level-4").lab);
}

#[test]
fn cra_annex_i_part_i_point_1_and_stored_data() {
    let c = Catalogues::builtin();
    let cra = c.framework("cra").unwrap();
    assert_eq!(cra.reqs[0].id, "I.1", "Part I(1) comes first");
    assert_eq!(cra.reqs[1].id, "I.2.a");
    let e = req("cra", "I.2.e");
    assert!(e.en.to_lowercase().contains("stored"), "{}", e.en);
    assert!(e.en.to_lowercase().contains("transmitted"), "{}", e.en);
}

#[test]
fn en18031_requirements_are_numbered_with_their_conditions() {
    let c = Catalogues::builtin();
    let fw = c.framework("en18031").unwrap();
    // Numbered requirements only: no bare family names, AUM not counted twice.
    for r in &fw.reqs {
        assert!(
            r.id.contains('-'),
            "{} is a family name, not a requirement",
            r.id
        );
    }
    for id in [
        "ACM-1", "AUM-1-1", "AUM-5-1", "AUM-6", "SUM-1", "SCM-3", "GEC-1", "CRY-1",
    ] {
        assert!(fw.req(id).is_some(), "{id}");
    }
    // NMM and TCM apply only to network equipment, which iotgate can decide.
    for id in ["NMM-1", "TCM-1"] {
        let r = req("en18031", id);
        assert_eq!(r.status, Status::Mc, "{id}");
        assert_eq!(r.applies, Some(Applies::NetworkEquipment), "{id}");
        assert!(r
            .condition_en
            .as_deref()
            .unwrap()
            .to_lowercase()
            .contains("network equipment"));
    }
}

#[test]
fn psti_names_the_amending_regulations_and_its_deemed_provisions() {
    let c = Catalogues::builtin();
    let fw = c.framework("psti").unwrap();
    assert!(fw.version.contains("2025/1267"), "{}", fw.version);
    assert_eq!(
        req("psti", "1").deemed,
        ["en303645:5.1-1", "en303645:5.1-2"]
    );
    assert_eq!(req("psti", "2").deemed, ["en303645:5.2-1"]);
    assert_eq!(req("psti", "3").deemed, ["en303645:5.3-13"]);
}

#[test]
fn owasp_is_a_list_of_weaknesses() {
    let c = Catalogues::builtin();
    let fw = c.framework("owasp").unwrap();
    assert_eq!(fw.form, Form::Weaknesses);
    assert_eq!(fw.reqs.len(), 10);
    assert!(req("owasp", "I1").en.contains("passwords"));
}
