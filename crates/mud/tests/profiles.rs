//! Every MUD profile in `../shared/data/mud` parses, or fails with the precise error expected;
//! the NAMIB profiles parse to what the NAMIB controller's own tests expect.

use iotgate_mud::{parse_bytes, Abstraction, Action, DiagKind, Initiator, PortMatch, Severity};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn data(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/mud")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| !p.to_string_lossy().ends_with("-Test.json"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no profiles in {}", root.display());
    v
}

fn name(p: &Path) -> String {
    p.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn rfc_and_draft_era_profiles_parse() {
    // Two SIDN examples refer to ACLs they never define (SIDN keeps them as negative cases):
    // they must fail, naming the ACL and where it is referenced.
    let broken = [
        (
            "custom_example.json",
            "second-acl",
            "$.ietf-mud:mud.to-device-policy.access-lists.access-list[1].name",
        ),
        (
            "test2.json",
            "allow-dns-packets",
            "$.ietf-mud:mud.from-device-policy.access-lists.access-list[0].name",
        ),
    ];
    let mut parsed = 0;
    for dir in ["unsw", "nist", "cisco", "sidn", "namib"] {
        for p in data(dir) {
            let r = parse_bytes(&std::fs::read(&p).expect("read profile"));
            if let Some((_, acl, path)) = broken.iter().find(|(f, _, _)| *f == name(&p)) {
                let errs: Vec<_> = r.errors().collect();
                assert_eq!(errs.len(), 1, "{}: {errs:?}", p.display());
                assert_eq!(errs[0].path, *path);
                assert_eq!(
                    errs[0].kind,
                    DiagKind::UndefinedAcl {
                        name: acl.to_string()
                    }
                );
                assert!(r.profile.is_none());
                continue;
            }
            let errs: Vec<_> = r.errors().collect();
            assert!(errs.is_empty(), "{}: {errs:?}", p.display());
            let prof = r.profile.expect("profile");
            assert!(
                !prof.from_device.is_empty() || !prof.to_device.is_empty(),
                "{}: no policy",
                p.display()
            );
            parsed += 1;
        }
    }
    assert!(parsed >= 50, "{parsed}");
}

#[test]
fn unsw_profiles_are_read_as_legacy_layout_with_a_warning() {
    let r = parse_bytes(&std::fs::read(data("unsw").remove(0)).expect("read"));
    assert!(r.diags.iter().any(|d| d.severity == Severity::Warning
        && d.path == "$.ietf-access-control-list:access-lists"
        && matches!(&d.kind, DiagKind::Legacy { modern, .. } if modern == "ietf-access-control-list:acls")));
}

#[test]
fn undefined_data_is_an_error_at_its_path() {
    let want = [
        (
            "bad_mudfile_undefineddata1.json",
            "$.ietf-access-control-list:acls.acl[0].aces.ace[0].matches.ipv6.extraneous-data",
        ),
        (
            "bad_mudfile_undefineddata2.json",
            "$.ietf-mud:mud.to-device-policy.access-lists.access-list[0].extraneous_data",
        ),
        (
            "bad_mudfile_undefineddata3.json",
            "$.ietf-access-control-list:acls.acl[1].extraneous_data",
        ),
    ];
    let files = data("sidn-invalid");
    assert_eq!(files.len(), want.len());
    for (p, (f, path)) in files.iter().zip(want) {
        assert_eq!(name(p), f);
        let r = parse_bytes(&std::fs::read(p).expect("read"));
        let errs: Vec<_> = r.errors().collect();
        assert_eq!(errs.len(), 1, "{f}: {errs:?}");
        assert_eq!(errs[0].path, path);
        assert!(matches!(errs[0].kind, DiagKind::Unknown { .. }));
        assert!(r.profile.is_none());
    }
}

#[test]
fn osmud_drafts_parse_in_legacy_mode_with_a_warning_per_draft_name() {
    for p in data("osmud-legacy") {
        let r = parse_bytes(&std::fs::read(&p).expect("read"));
        assert_eq!(
            r.errors().count(),
            0,
            "{}: {:?}",
            p.display(),
            r.errors().collect::<Vec<_>>()
        );
        let prof = r.profile.expect("profile");
        assert!(!prof.from_device.is_empty());
        if name(&p) != "ieft-draft.json" {
            // ieft-draft.json is, despite its name, a valid RFC 8520 profile.
            assert!(
                r.diags
                    .iter()
                    .any(|d| matches!(d.kind, DiagKind::Legacy { .. })),
                "{}",
                p.display()
            );
        }
    }
}

#[test]
fn damaged_files_give_located_errors_never_panics() {
    let cases: [(&[u8], &str); 6] = [
        (b"", "syntax"),
        (b"{\"ietf-mud:mud\": {", "syntax"),
        (b"[1,2]", "type"),
        (b"{}", "missing"),
        (br#"{"ietf-mud:mud": {"mud-version": 1, "mud-url": "http://x.example/a", "last-update": "2020-01-01T00:00:00Z", "is-supported": true}}"#, "not-https"),
        (br#"{"ietf-mud:mud": {"mud-version": 1, "mud-url": "https://x.example/a", "last-update": "2020-01-01T00:00:00Z", "is-supported": true, "from-device-policy": {"access-lists": {"access-list": [{"name": "a"}]}}}, "ietf-access-control-list:acls": {"acl": [{"name": "a", "type": "ipv4-acl-type", "aces": {"ace": [{"name": "e", "matches": {"udp": {"destination-port": {"lower-port": 9, "upper-port": 3}}}, "actions": {"forwarding": "accept"}}]}}]}}"#, "port-range"),
    ];
    for (doc, id) in cases {
        let r = parse_bytes(doc);
        assert!(r.profile.is_none());
        assert!(
            r.errors().any(|d| d.kind.id() == id),
            "{}: {:?}",
            String::from_utf8_lossy(doc),
            r.diags
        );
    }
    let r = parse_bytes(cases[5].0);
    let e = r.errors().next().expect("error");
    assert_eq!(
        e.path,
        "$.ietf-access-control-list:acls.acl[0].aces.ace[0].matches.udp.destination-port"
    );
}

/// Found by fuzzing: a `tcp` container under protocol 1 parsed (with a warning) into an entry that
/// could never match and that the writer could not express. Contradictions are errors now.
#[test]
fn contradictory_protocols_are_errors() {
    let doc = |matches: &str| {
        format!(
            r#"{{"ietf-mud:mud": {{"mud-version": 1, "mud-url": "https://x.example/a", "last-update": "2020-01-01T00:00:00Z", "is-supported": true, "from-device-policy": {{"access-lists": {{"access-list": [{{"name": "a"}}]}}}}}}, "ietf-access-control-list:acls": {{"acl": [{{"name": "a", "type": "ipv4-acl-type", "aces": {{"ace": [{{"name": "e", "matches": {matches}, "actions": {{"forwarding": "accept"}}}}]}}}}]}}}}"#
        )
    };
    for (m, id) in [
        (
            r#"{"ipv4": {"protocol": 1}, "tcp": {"destination-port": {"operator": "eq", "port": 80}}}"#,
            "protocol-mismatch",
        ),
        (
            r#"{"ipv4": {"protocol": 6}, "icmp": {"type": 8}}"#,
            "protocol-mismatch",
        ),
        (
            r#"{"ipv4": {"protocol": 1, "destination-port-range": {"lower-port": 1, "upper-port": 2}}}"#,
            "protocol-mismatch",
        ),
        (
            r#"{"ipv4": {"source-port-range": {"lower-port": 1, "upper-port": 2}}}"#,
            "missing",
        ),
    ] {
        let r = parse_bytes(doc(m).as_bytes());
        assert!(r.profile.is_none(), "{m}");
        assert!(r.errors().any(|d| d.kind.id() == id), "{m}: {:?}", r.diags);
    }
}

/// The NAMIB controller's expected parse (`*-Test.json`) against ours.
#[test]
fn namib_expectations() {
    let mut checked = 0;
    for p in data("namib") {
        let t = p.with_file_name(name(&p).replace(".json", "-Test.json"));
        if !t.exists() {
            continue;
        }
        let want: Value = serde_json::from_slice(&std::fs::read(&t).expect("read")).expect("json");
        let prof = parse_bytes(&std::fs::read(&p).expect("read"))
            .profile
            .expect("profile");
        let f = name(&p);
        assert_eq!(want["url"], prof.url.as_str(), "{f}");
        assert_eq!(
            want["systeminfo"],
            prof.systeminfo.as_deref().unwrap_or_default(),
            "{f}"
        );
        assert_eq!(
            want["last_update"],
            prof.last_update.as_deref().unwrap_or_default(),
            "{f}"
        );
        let ours: Vec<_> = prof
            .from_device
            .iter()
            .map(|a| (a, "FromDevice"))
            .chain(prof.to_device.iter().map(|a| (a, "ToDevice")))
            .collect();
        let acls = want["acllist"].as_array().expect("acllist");
        assert_eq!(acls.len(), ours.len(), "{f}");
        for (w, (acl, dir)) in acls.iter().zip(&ours) {
            assert_eq!(w["name"], acl.name.as_str(), "{f}");
            assert_eq!(w["packet_direction"], *dir, "{f}");
            let aces = w["ace"].as_array().expect("ace");
            assert_eq!(aces.len(), acl.aces.len(), "{f} {}", acl.name);
            for (we, ace) in aces.iter().zip(&acl.aces) {
                let ctx = format!("{f} {}", ace.name);
                assert_eq!(we["name"], ace.name.as_str(), "{ctx}");
                assert_eq!(
                    we["action"],
                    if ace.action == Action::Accept {
                        "Accept"
                    } else {
                        "Deny"
                    },
                    "{ctx}"
                );
                let m = &we["matches"];
                let proto = m["protocol"]["num"].as_u64().map(|n| n as u8);
                if proto.is_some() {
                    assert_eq!(proto, ace.matches.protocol, "{ctx}");
                }
                let dns = ace
                    .matches
                    .dst_dnsname
                    .as_deref()
                    .or(ace.matches.src_dnsname.as_deref());
                assert_eq!(m["dnsname"].as_str(), dns, "{ctx}");
                let dir = ace.matches.direction_initiated.map(|d| match d {
                    Initiator::FromDevice => "FromDevice",
                    Initiator::ToDevice => "ToDevice",
                });
                assert_eq!(m["direction_initiated"].as_str(), dir, "{ctx}");
                for (k, ours) in [
                    ("source_port", ace.matches.src_port),
                    ("destination_port", ace.matches.dst_port),
                ] {
                    let want = m[k]["single"].as_u64().map(|n| PortMatch::Eq(n as u16));
                    assert_eq!(want, ours, "{ctx} {k}");
                }
                assert_eq!(
                    m["icmp_type"].as_u64(),
                    ace.matches.icmp_type.map(u64::from),
                    "{ctx}"
                );
                assert_eq!(
                    m["icmp_code"].as_u64(),
                    ace.matches.icmp_code.map(u64::from),
                    "{ctx}"
                );
                if let Some(mask) = m["address_mask"].as_str() {
                    let net = ace
                        .matches
                        .dst_net
                        .or(ace.matches.src_net)
                        .expect("a network");
                    assert_eq!(net.addr.to_string(), mask, "{ctx}");
                }
                if let Some(c) = m["matches_augmentation"]["controller"].as_str() {
                    assert!(
                        ace.matches.mud.contains(&Abstraction::Controller(c.into())),
                        "{ctx}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}

/// Writing a parsed profile in RFC 8520 form and reading it back gives the same profile, for
/// every profile in the shared data (whatever layout it was written in).
#[test]
fn write_then_parse_round_trips() {
    let mut n = 0;
    for dir in ["unsw", "nist", "cisco", "sidn", "namib", "osmud-legacy"] {
        for p in data(dir) {
            let Some(mut a) = parse_bytes(&std::fs::read(&p).expect("read")).profile else {
                continue;
            };
            if a.url.is_empty() {
                continue; // a draft without a MUD URL cannot be written as RFC 8520
            }
            let doc = iotgate_mud::to_json(&a);
            let text = serde_json::to_string_pretty(&doc).expect("serialise");
            let r = parse_bytes(text.as_bytes());
            let errs: Vec<_> = r.errors().collect();
            assert!(errs.is_empty(), "{}: {errs:?}", p.display());
            assert!(
                !r.diags
                    .iter()
                    .any(|d| matches!(d.kind, DiagKind::Legacy { .. } | DiagKind::Unknown { .. })),
                "{}: {:?}",
                p.display(),
                r.diags
            );
            let b = r.profile.expect("profile");
            a.version = Some(1);
            a.is_supported = a.is_supported.or(Some(true));
            assert_eq!(a, b, "{}", p.display());
            n += 1;
        }
    }
    assert!(n >= 55, "{n}");
}
