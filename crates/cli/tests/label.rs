//! `iotgate label` end to end: one run assesses every framework from a simulated capture and a
//! declaration; errors name what was wrong; labels come out for real IoT Sentinel devices.

mod common;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iotgate"))
}

/// Runs `iotgate label` with `args` (JSON out, a fixed date); returns the parsed label.
fn label_json(args: &[&str]) -> Value {
    let out = exe()
        .args(["label", "--format", "json", "--date", "2026-11-22"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The outcome of `framework:id` in a label.
fn outcome(l: &Value, fw: &str, id: &str) -> String {
    let f = l["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fw)
        .unwrap_or_else(|| panic!("{fw}"));
    let r = f["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{fw}:{id}"));
    r["outcome"].as_str().unwrap().to_string()
}

/// Asserts that every `framework:id` listed has `want` as outcome.
fn expect(l: &Value, want: &str, reqs: &[(&str, &str)]) {
    for (fw, id) in reqs {
        assert_eq!(outcome(l, fw, id), want, "{fw}:{id}");
    }
}

fn evidence(l: &Value, fw: &str, id: &str) -> String {
    let f = l["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fw)
        .unwrap();
    let r = f["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap();
    r["evidence"].to_string()
}

struct Sim {
    /// The scratch folder, removed when dropped (even when the test fails).
    dir: tempfile::TempDir,
    pcap: PathBuf,
    truth: iotgate_sim::Truth,
}

fn simulate(name: &str) -> Sim {
    let dir = tempfile::Builder::new()
        .prefix(&format!("iotgate-label-{name}-"))
        .tempdir()
        .unwrap();
    let pcap = dir.path().join("sim.pcap");
    let opts = iotgate_sim::Options {
        devices: 10,
        packets: 150_000,
        seed: 5,
        infected: 1,
        flood: false,
        stealthy: 0,
    };
    let truth = common::simulate(&pcap, &opts);
    Sim { dir, pcap, truth }
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn one_run_assesses_every_framework_from_capture_and_declaration() {
    let sim = simulate("frameworks");
    let pcap = sim.pcap.display().to_string();
    let infected = sim.truth.devices.iter().find(|d| d.infected).unwrap();
    let clean_tls = sim
        .truth
        .devices
        .iter()
        .find(|d| !d.infected && d.planted_findings.is_empty() && d.kind == "plug")
        .expect("a clean plug");

    // The infected camera logs in over Telnet (Mirai's guesses): credentials in clear fail
    // EN 303 645 5.5-1 and 5.5-7 and the related requirements everywhere; its attacks fail the
    // CRA's "limited impact on other networks". 5.1-3 is about users logging in *to* the
    // device, which the camera never is here (it is the client): not assessed.
    // Telnet carries credentials, not (as far as the capture shows) sensitive personal data:
    // 5.8-2 cannot pass, and nothing shows it fails.
    let bad = label_json(&["--capture", &pcap, "--device", &infected.mac]);
    assert_eq!(outcome(&bad, "en303645", "5.1-3"), "not-assessed");
    assert_eq!(outcome(&bad, "en303645", "5.8-2"), "not-assessed");
    expect(
        &bad,
        "fail",
        &[
            ("en303645", "5.5-7"),
            ("en303645", "5.5-1"),
            ("cra", "I.2.e"),
            ("cra", "I.2.i"),
            ("en18031", "SCM-3"),
            ("owasp", "I7"),
            ("nistir8425", "data-protection"),
        ],
    );
    assert!(evidence(&bad, "en303645", "5.5-7").contains("port 23"));
    // Nothing the network cannot show is claimed either way.
    assert_eq!(outcome(&bad, "en303645", "5.2-1"), "not-assessed");
    assert_eq!(outcome(&bad, "psti", "1"), "not-assessed");
    let fws = bad["frameworks"].as_array().unwrap();
    let verdict = |id: &str| {
        fws.iter().find(|f| f["id"] == id).unwrap()["verdict"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(verdict("en303645"), "contradicted");
    assert_eq!(verdict("psti"), "not-settled");

    // A device that only speaks TLS 1.2+ passes 5.5-1 and the related requirements.
    let good = label_json(&["--capture", &pcap, "--device", &clean_tls.mac]);
    expect(
        &good,
        "pass",
        &[
            ("en303645", "5.5-1"),
            ("cra", "I.2.e"),
            ("en18031", "SCM-3"),
            ("en18031", "CRY-1"),
        ],
    );
    // Transfer looks fine but storage cannot be seen: OWASP I7 (transfer and storage) and
    // 5.1-3 (authentication, also inside the device) need the manufacturer's word to pass.
    assert_eq!(outcome(&good, "owasp", "I7"), "not-assessed");
    assert_eq!(outcome(&good, "en303645", "5.1-3"), "not-assessed");
    assert!(evidence(&good, "en18031", "CRY-1").contains("TLS 1."));

    // Requirements only a declaration settles stay "not assessed" until one is given, then
    // pass or fail from it. A shared default password fails 5.1-1, PSTI 1, OWASP I1 and
    // EN 18031 AUM-5 at once.
    for (fw, id) in [("en303645", "5.2-1"), ("psti", "2"), ("en303645", "5.3-13")] {
        assert_eq!(outcome(&good, fw, id), "not-assessed", "{fw}:{id}");
    }
    let decl = write(
        sim.dir.path(),
        "decl.toml",
        "manufacturer = \"TP-Link\"\nmodel = \"HS110\"\nsupport_until = \"2025-06-30\"\n\
         vulnerability_disclosure = \"https://example.com/security\"\n\
         update_mechanism = \"automatic\"\nupdates_signed = true\ndefault_password = \"shared\"\n",
    );
    let declared = label_json(&[
        "--capture",
        &pcap,
        "--device",
        &clean_tls.mac,
        "--declaration",
        &decl,
    ]);
    expect(
        &declared,
        "fail",
        &[
            ("en303645", "5.1-1"),
            ("psti", "1"),
            ("owasp", "I1"),
            ("en18031", "AUM-5-1"),
        ],
    );
    // The support period is published (it ended on 2025-06-30): the duty to publish it is met,
    // and the evidence says it has ended.
    expect(
        &declared,
        "pass",
        &[
            ("en303645", "5.3-13"),
            ("psti", "3"),
            ("en303645", "5.2-1"),
            ("psti", "2"),
            ("en303645", "5.3-2"),
            ("en303645", "5.3-4"),
            ("en303645", "5.3-9"),
            ("en303645", "5.5-1"),
        ],
    );
    assert!(evidence(&declared, "psti", "3").contains("ended on 2025-06-30"));
    assert_eq!(declared["device"]["declared"], "TP-Link HS110");
    let unique = write(
        sim.dir.path(),
        "unique.toml",
        "default_password = \"unique\"\nvulnerability_disclosure = \"security@example.com\"\n\
         support_until = \"2030-01-01\"\n",
    );
    let ok = label_json(&[
        "--capture",
        &pcap,
        "--device",
        &clean_tls.mac,
        "--declaration",
        &unique,
    ]);
    expect(
        &ok,
        "pass",
        &[
            ("en303645", "5.1-1"),
            ("psti", "1"),
            ("psti", "2"),
            ("psti", "3"),
        ],
    );
    let psti = ok["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "psti")
        .unwrap();
    assert_eq!(psti["verdict"], "supported");

    // Every failed or unassessed requirement is explained, with advice.
    for f in bad["frameworks"].as_array().unwrap() {
        for r in f["requirements"].as_array().unwrap() {
            if r["outcome"] != "pass" {
                assert!(
                    r["explanation"].as_str().is_some_and(|s| s.len() > 20),
                    "{r}"
                );
                assert!(r["advice"].as_str().is_some_and(|s| s.len() > 20), "{r}");
            }
        }
    }

    // The terminal report in French explains the failures in French.
    let out = exe()
        .args([
            "--lang",
            "fr",
            "label",
            "--date",
            "2026-11-22",
            "--capture",
            &pcap,
            "--device",
        ])
        .arg(&infected.mac)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Étiquette de sécurité"), "{text}");
    assert!(
        text.contains("Mots de passe envoyés sans chiffrement"),
        "{text}"
    );
    assert!(text.contains("Ce que vous pouvez faire"), "{text}");
    assert!(!text.contains("[label-"), "a message id leaked: {text}");
}

#[test]
fn errors_say_what_was_wrong_and_where() {
    let sim = simulate("errors");
    let pcap = sim.pcap.display().to_string();
    let run = |args: &[&str]| {
        let o = exe().arg("label").args(args).output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    let (code, err) = run(&["--capture", &pcap, "--device", "zz:zz"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("zz:zz") && err.contains("MAC"), "{err}");
    let (code, err) = run(&["--capture", &pcap, "--device", "02:00:00:00:00:99"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("02:00:00:00:00:99") && err.contains("devices seen"),
        "{err}"
    );
    let dir = sim.dir.path();
    let bad = write(
        dir,
        "bad.toml",
        "default_password = \"shared\"\nsupport_until = 2027\n",
    );
    let dev = sim.truth.devices[0].mac.clone();
    let (code, err) = run(&["--capture", &pcap, "--device", &dev, "--declaration", &bad]);
    assert_eq!(code, Some(2));
    assert!(err.contains("bad.toml") && err.contains("line 2"), "{err}");
    let typo = write(dir, "typo.toml", "default_pasword = \"unique\"\n");
    let (code, err) = run(&["--capture", &pcap, "--device", &dev, "--declaration", &typo]);
    assert_eq!(code, Some(2));
    assert!(err.contains("default_pasword"), "{err}");
    let date = write(dir, "date.toml", "support_until = \"2027-02-30\"\n");
    let (code, err) = run(&["--capture", &pcap, "--device", &dev, "--declaration", &date]);
    assert_eq!(code, Some(2));
    assert!(err.contains("2027-02-30"), "{err}");
    let (code, err) = run(&["--device", &dev]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--capture"), "{err}");
    let (code, _) = run(&["--capture", &pcap, "--device", &dev, "--date", "tomorrow"]);
    assert_eq!(code, Some(2));
}

#[test]
fn the_checklist_asks_what_the_network_cannot_show() {
    for (lang, q) in [("en", "Until what date"), ("fr", "Jusqu'à quelle date")] {
        let o = exe()
            .args(["--lang", lang, "label", "--checklist"])
            .output()
            .unwrap();
        assert!(o.status.success());
        let t = String::from_utf8(o.stdout).unwrap();
        assert!(t.contains(q), "{t}");
        assert!(
            t.lines()
                .filter(|l| l.trim_start().starts_with("1."))
                .count()
                == 1
        );
        assert!(
            t.contains(" 8. "),
            "every declared check asks something: {t}"
        );
    }
}

#[test]
fn labels_for_iot_sentinel_devices() {
    let root = common::data().join("pcap/iot-sentinel");
    let mut done = 0;
    for dev in [
        "D-LinkCam",
        "HueBridge",
        "EdimaxPlug1101W",
        "TP-LinkPlugHS110",
        "WeMoSwitch",
    ] {
        let dir = root.join(dev);
        let mac = std::fs::read_to_string(dir.join("_iotdevice-mac.txt"))
            .unwrap()
            .trim()
            .to_lowercase();
        let first = common::captures_under(&dir)
            .into_iter()
            .next()
            .expect("a capture");
        for lang in ["en", "fr"] {
            let o = exe()
                .args(["--lang", lang, "label", "--date", "2026-11-22", "--capture"])
                .arg(&first)
                .args(["--device", &mac])
                .output()
                .unwrap();
            assert!(
                o.status.success(),
                "{dev}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let t = String::from_utf8(o.stdout).unwrap();
            assert!(t.contains(&mac), "{dev}");
            assert!(!t.contains("[label-"), "{dev}: {t}");
        }
        done += 1;
    }
    assert_eq!(done, 5);
    // The WeMo switch (2016 firmware) offers RC4 and DES next to TLS 1.0: both fail, from its
    // own ClientHellos, and EN 303 645 5.5-1 with them.
    let wemo = root.join("WeMoSwitch");
    let mac = std::fs::read_to_string(wemo.join("_iotdevice-mac.txt"))
        .unwrap()
        .trim()
        .to_lowercase();
    let l = label_json(&["--capture", &wemo.display().to_string(), "--device", &mac]);
    let suites = l["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "tls-suites")
        .unwrap();
    assert_eq!(suites["outcome"], "fail");
    assert!(
        suites["evidence"][0].as_str().unwrap().contains("(RC4)"),
        "{suites}"
    );
    assert_eq!(outcome(&l, "en303645", "5.5-1"), "fail");
}

#[test]
fn a_mud_profile_counts_as_the_makers_word_and_the_capture_is_held_to_it() {
    let root = common::data();
    let pcap = common::captures_under(&root.join("pcap/iot-sentinel/TP-LinkPlugHS110"))
        .into_iter()
        .next()
        .unwrap();
    let pcap = pcap.display().to_string();
    let plug = "50:c7:bf:00:c7:03";
    let unsw = root.join("mud/unsw/tplinkplug.json");
    // UNSW's profile of this plug: every flow in the capture keeps to it.
    let kept = label_json(&[
        "--capture",
        &pcap,
        "--device",
        plug,
        "--mud",
        &unsw.display().to_string(),
    ]);
    assert_eq!(kept["sources"], serde_json::json!(["capture", "mud"]));
    let check = |l: &Value, id: &str| {
        l["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()["outcome"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(check(&kept, "mud-conformance"), "pass");
    assert_eq!(check(&kept, "mud-supported"), "not-assessed");

    // The same profile saying the plug is no longer supported and pointing to an SBOM, and
    // allowing nothing from the device: unsupported fails 5.3-13 and PSTI 3, the SBOM passes
    // CRA II.1, and the plug's cloud traffic breaks the profile (CRA I.2.j).
    let dir = tempfile::Builder::new()
        .prefix("iotgate-label-mud-")
        .tempdir()
        .unwrap();
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&unsw).unwrap()).unwrap();
    let mud = &mut doc["ietf-mud:mud"];
    mud["is-supported"] = Value::Bool(false);
    mud["ietf-mud-transparency:transparency"] =
        serde_json::json!({"sbom-url": "https://tplinkplug.example/sbom.json"});
    mud["extensions"] = serde_json::json!(["transparency"]);
    for acl in doc["ietf-access-control-list:access-lists"]["acl"]
        .as_array_mut()
        .unwrap()
    {
        if acl["name"].as_str().unwrap_or("").starts_with("from") {
            acl["aces"]["ace"] = serde_json::json!([]);
        }
    }
    let bent = write(
        dir.path(),
        "bent.json",
        &serde_json::to_string(&doc).unwrap(),
    );
    let l = label_json(&["--capture", &pcap, "--device", plug, "--mud", &bent]);
    assert_eq!(check(&l, "mud-supported"), "fail");
    assert_eq!(check(&l, "mud-sbom"), "pass");
    assert_eq!(check(&l, "mud-conformance"), "fail");
    expect(
        &l,
        "fail",
        &[("en303645", "5.3-13"), ("psti", "3"), ("cra", "I.2.j")],
    );
    expect(&l, "pass", &[("cra", "II.1")]);
    assert!(evidence(&l, "cra", "I.2.j").contains("not in its MUD profile"));
}
