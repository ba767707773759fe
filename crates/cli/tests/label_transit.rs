//! Labels never claim more than the evidence shows about data in transit: for every IoT
//! Sentinel device, no requirement about data in transit passes while its capture shows
//! credentials, tokens or personal data in clear, or a breakable cipher, or holds too little of
//! its traffic to judge — each on the device's real captures.

mod common;

use iotgate_explain::{Lang, Localizer};
use iotgate_label::{label, Catalogues, Date, Inputs, Label, Outcome};

/// EN 303 645 requirements about data in transit.
const TRANSIT: &[&str] = &["5.5-1", "5.5-7", "5.8-1", "5.8-2"];

/// Findings that show data or credentials in clear.
const CLEAR: &[&str] = &[
    "cleartext-telnet",
    "cleartext-ftp",
    "http-basic-auth",
    "mqtt-cleartext-credentials",
    "mqtt-cleartext",
    "rtsp-cleartext",
    "http-cleartext-secrets",
    "unidentified-cleartext",
];

fn label_of(dir: &str) -> (Label, iotgate_explain::model::DeviceOut) {
    let path = common::data().join("pcap/iot-sentinel").join(dir);
    let mac = std::fs::read_to_string(path.join("_iotdevice-mac.txt"))
        .unwrap()
        .trim()
        .to_lowercase();
    let a = common::analyze_detect(&common::captures_under(&path), Vec::new());
    let d = a
        .devices
        .iter()
        .find(|d| d.mac == mac)
        .unwrap_or_else(|| panic!("{dir}: {mac} not seen"))
        .clone();
    let l = Localizer::new(Lang::En);
    let lab = label(
        &l,
        &Catalogues::builtin(),
        &Inputs {
            device: &d,
            alerts: &a.alerts,
            probe: None,
            declaration: None,
            mud: None,
            today: Date::parse("2026-11-22").unwrap(),
        },
    );
    (lab, d)
}

fn outcome(lab: &Label, id: &str) -> Outcome {
    lab.frameworks
        .iter()
        .find(|f| f.id == "en303645")
        .and_then(|f| f.requirements.iter().find(|r| r.id == id))
        .unwrap_or_else(|| panic!("en303645:{id}"))
        .outcome
}

fn check(lab: &Label, id: &str) -> Outcome {
    lab.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("{id}"))
        .outcome
}

#[test]
fn no_transit_requirement_passes_against_the_evidence() {
    let root = common::data().join("pcap/iot-sentinel");
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("_iotdevice-mac.txt").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 30, "{}", dirs.len());
    let mut passes = 0;
    for dir in &dirs {
        let (lab, d) = label_of(dir);
        let clear = d.findings.iter().any(|f| CLEAR.contains(&f.id));
        let weak = check(&lab, "tls-suites") == Outcome::Fail;
        let little = d
            .peers
            .iter()
            .filter(|p| p.proto == iotgate_explain::model::Proto::TCP && p.packets_sent > 0)
            .map(|p| p.flows)
            .sum::<u64>()
            < iotgate_label::evidence::MIN_SESSIONS;
        for id in TRANSIT {
            let o = outcome(&lab, id);
            if o == Outcome::Pass {
                passes += 1;
                assert!(
                    !clear && !weak && !little,
                    "{dir}: en303645:{id} passes (clear {clear}, weak cipher {weak}, too little traffic {little})"
                );
            }
        }
    }
    // Every IoT Sentinel device sends some plain HTTP, offers a breakable suite or shows too
    // little TCP: none earns a pass today (the simulator's TLS-only devices do, below).
    assert_eq!(passes, 0);
}

/// The positive control: a simulated plug that only speaks TLS 1.2+ to its cloud, in well over
/// ten sessions, passes the transit requirements — the rule is not "never pass".
#[test]
fn a_device_that_only_speaks_tls_passes() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-transit-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("sim.pcap");
    let truth = common::simulate(
        &path,
        &iotgate_sim::Options {
            devices: 10,
            packets: 200_000,
            seed: 7,
            ..Default::default()
        },
    );
    let plug = truth
        .devices
        .iter()
        .find(|d| !d.infected && d.planted_findings.is_empty() && d.kind == "plug")
        .expect("a clean plug");
    let a = common::analyze_detect(std::slice::from_ref(&path), Vec::new());
    let d = a.devices.iter().find(|d| d.mac == plug.mac).unwrap();
    let lab = label(
        &Localizer::new(Lang::En),
        &Catalogues::builtin(),
        &Inputs {
            device: d,
            alerts: &a.alerts,
            probe: None,
            declaration: None,
            mud: None,
            today: Date::parse("2026-11-22").unwrap(),
        },
    );
    for id in TRANSIT {
        assert_eq!(outcome(&lab, id), Outcome::Pass, "{id}");
    }
}

#[test]
fn each_case_of_the_issue_on_its_real_capture() {
    // Hue bridge: bearer tokens over plain HTTP; Aria scale: token, serial number and Wi-Fi name
    // in plain-HTTP URLs. Both fail 5.5-7 (secrets) and 5.8-2 (personal data).
    for dir in ["HueBridge", "Aria"] {
        let (lab, d) = label_of(dir);
        assert!(
            d.findings.iter().any(|f| f.id == "http-cleartext-secrets"),
            "{dir}"
        );
        for id in ["5.5-7", "5.8-2"] {
            assert_eq!(outcome(&lab, id), Outcome::Fail, "{dir}: {id}");
        }
    }
    let (_, aria) = label_of("Aria");
    let f = aria
        .findings
        .iter()
        .find(|f| f.id == "http-cleartext-secrets")
        .unwrap();
    assert!(
        f.evidence
            .iter()
            .any(|e| e.detail.contains("ssid") && e.detail.contains("token")),
        "{:?}",
        f.evidence
    );
    // Edimax camera and Smarter coffee machine: no TCP traffic at all — nothing to judge.
    for dir in ["EdimaxCam1", "SmarterCoffee"] {
        let (lab, _) = label_of(dir);
        for id in TRANSIT {
            assert_eq!(outcome(&lab, id), Outcome::NotAssessed, "{dir}: {id}");
        }
        assert_eq!(check(&lab, "cleartext-data"), Outcome::NotAssessed, "{dir}");
    }
    // D-Link camera: SSL 2.0-format hellos offering TLS 1.0 with export, RC4 and DES suites
    // (it used to read as "no TLS connection").
    let (lab, _) = label_of("D-LinkCam");
    assert_eq!(check(&lab, "tls-version"), Outcome::Fail);
    assert_eq!(check(&lab, "tls-suites"), Outcome::Fail);
    assert_eq!(outcome(&lab, "5.8-2"), Outcome::Fail);
    // TP-Link plug: offers RC4 and export suites — "encrypted in transit" cannot pass next to
    // "breakable encryption".
    let (lab, _) = label_of("TP-LinkPlugHS110");
    assert_eq!(check(&lab, "tls-suites"), Outcome::Fail);
    assert_eq!(outcome(&lab, "5.8-2"), Outcome::Fail);
    assert_eq!(outcome(&lab, "5.5-7"), Outcome::Fail);
}

/// The one rule is enforced centrally: whatever a capture check's own logic concluded, a pass
/// stands only on the least evidence the check declares it needs.
#[test]
fn no_capture_check_passes_below_the_evidence_it_declares() {
    use iotgate_label::checks::CHECKS;
    use iotgate_label::CheckResult;
    let (_, mut d) = label_of("HueBridge");
    let l = Localizer::new(Lang::En);
    let forged = || -> Vec<CheckResult> {
        CHECKS
            .iter()
            .filter(|c| c.sees.is_some())
            .map(|c| CheckResult {
                id: c.id,
                outcome: Outcome::Pass,
                evidence: vec!["forged".into()],
                reason: None,
                sees: None,
            })
            .collect()
    };
    // One plain-HTTP session and no TLS: nothing can pass.
    d.sessions = [("http", 1u64)].into_iter().collect();
    let mut checks = forged();
    assert!(
        checks.len() >= 10,
        "every capture check declares what it sees"
    );
    iotgate_label::enforce_scope(&l, &d, &mut checks);
    for c in &checks {
        assert_eq!(c.outcome, Outcome::NotAssessed, "{}", c.id);
        assert!(c.evidence.is_empty(), "{}", c.id);
        assert!(c.reason.is_some() && c.sees.is_some(), "{}", c.id);
    }
    // Enough TLS and traffic: the checks that can pass keep their pass; those that can only
    // show a problem (services used, UPnP, DNS, attacks) never pass.
    d.sessions = [("tls", 40u64), ("http", 2u64)].into_iter().collect();
    let mut checks = forged();
    iotgate_label::enforce_scope(&l, &d, &mut checks);
    let get = |id: &str| checks.iter().find(|c| c.id == id).unwrap().outcome;
    for id in [
        "tls-version",
        "tls-suites",
        "cleartext-data",
        "update-channel",
    ] {
        assert_eq!(get(id), Outcome::Pass, "{id}");
    }
    for id in [
        "compromise",
        "dns-bypass",
        "upnp-mapping",
        "cleartext-login-served",
    ] {
        assert_eq!(get(id), Outcome::NotAssessed, "{id}");
    }
}

/// The README's second command labels the infected camera of its generated sample: it logs in
/// over Telnet, so no requirement about data in transit may pass, and credentials in clear fail
/// 5.5-7. Built exactly as the README builds it.
#[test]
fn the_readme_camera_claims_nothing_about_data_in_transit() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-readme-")
        .tempdir()
        .unwrap();
    let pcap = dir.path().join("demo.pcap");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_iotgate"))
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let p = pcap.to_str().unwrap();
    run(&[
        "simulate",
        "--out",
        p,
        "--devices",
        "10",
        "--packets",
        "200000",
        "--seed",
        "7",
    ]);
    let json = run(&[
        "label",
        "--capture",
        p,
        "--device",
        "b0:c5:54:a8:8b:da",
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let en = j["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "en303645")
        .unwrap();
    let get = |id: &str| {
        en["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["outcome"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for id in TRANSIT {
        assert_ne!(get(id), "pass", "{id}");
    }
    assert_eq!(get("5.5-7"), "fail");
    assert!(
        j["checks"].to_string().contains("port 23"),
        "Telnet is the evidence"
    );
}
