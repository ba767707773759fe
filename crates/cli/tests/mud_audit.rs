//! `iotgate mud audit` and `iotgate analyze --mud` on real captures against real profiles. The
//! expected results were checked with tshark (see each test).

use std::process::Command;

fn shared(rel: &str) -> String {
    format!("{}/../../../shared/data/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn audit_json(args: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["mud", "audit", "--format", "json", "--lang", "en"])
        .args(args)
        .output()
        .expect("run iotgate");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// (remote, name, proto, port) of each violation.
fn violations(a: &serde_json::Value) -> Vec<(String, Option<String>, String, u64)> {
    let mut v: Vec<_> = a["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| {
            (
                v["remote"].as_str().unwrap_or_default().to_string(),
                v["name"].as_str().map(str::to_string),
                v["proto"].as_str().unwrap_or_default().to_string(),
                v["port"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    v.sort();
    v
}

fn unused(a: &serde_json::Value) -> Vec<String> {
    a["unused_aces"]
        .as_array()
        .expect("unused")
        .iter()
        .map(|u| u["ace"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// TP-Link HS110 (all 8 IoT Sentinel captures) against UNSW's tplinkplug profile. tshark shows
/// the plug resolving and using 11 NTP servers; the profile names 8 of them. The three it does
/// not name (time-a.nist.gov, s1a.time.edu.cn, 2.asia.pool.ntp.org) are the only violations;
/// the cloud (devs.tplinkcloud.com:50443), DNS to the gateway and the named NTP servers pass.
#[test]
fn tplink_plug_against_its_unsw_profile() {
    let d = audit_json(&[
        &shared("pcap/iot-sentinel/TP-LinkPlugHS110"),
        "--mud",
        &format!("50:c7:bf:00:c7:03={}", shared("mud/unsw/tplinkplug.json")),
    ]);
    let a = &d["audits"][0];
    assert_eq!(a["mac"], "50:c7:bf:00:c7:03");
    assert_eq!(a["mud_url"], "https://tplinkplug.com/tplinkplug");
    let s = |x: &str| x.to_string();
    assert_eq!(
        violations(a),
        vec![
            (s("129.6.15.28"), Some(s("time-a.nist.gov")), s("udp"), 123),
            (
                s("202.112.10.60"),
                Some(s("s1a.time.edu.cn")),
                s("udp"),
                123
            ),
            (
                s("211.233.40.78"),
                Some(s("2.asia.pool.ntp.org")),
                s("udp"),
                123
            ),
        ]
    );
    let unused = unused(a);
    for used in [
        "from-ipv4-tplinkplug-2", // devs.tplinkcloud.com tcp/50443, opened by the plug
        "to-ipv4-tplinkplug-15",  // its answers
        "from-ipv4-tplinkplug-6", // time-b.nist.gov
        "from-ipv4-tplinkplug-11", // DNS to the network's resolver (controller urn:...:dns)
    ] {
        assert!(
            !unused.contains(&used.to_string()),
            "{used} should have been used: {unused:?}"
        );
    }
    assert!(a["allowed"].as_u64() > Some(30), "{a}");
    let v = &a["violations"][0];
    assert_eq!(v["device_initiated"], true);
    assert_eq!(v["refused"][0], "from-device");
    assert!(v["explanation"]
        .as_str()
        .unwrap_or_default()
        .contains("time-a.nist.gov"));
}

/// WeMo switch (IoT Sentinel WeMoSwitch) against UNSW's wemoswitch profile. tshark shows three
/// things the profile does not allow: connections to fs.xbcs.net:8445 (the profile names only
/// api.xbcs.net:8443 and nat.xbcs.net:3475), connections to the setup phone 10.22.22.138:8059,
/// and ICMP from the gateway that opens with "host unreachable" (type 3; the profile allows
/// only echo). Everything else — api.xbcs.net, STUN on 3478, DNS, SSDP — is allowed.
#[test]
fn wemo_switch_against_its_unsw_profile() {
    let d = audit_json(&[
        &shared("pcap/iot-sentinel/WeMoSwitch"),
        "--mud",
        &format!("94:10:3e:35:01:c1={}", shared("mud/unsw/wemoswitch.json")),
    ]);
    let a = &d["audits"][0];
    let s = |x: &str| x.to_string();
    assert_eq!(
        violations(a),
        vec![
            (s("10.10.10.1"), None, s("icmp"), 0),
            (s("10.22.22.138"), None, s("tcp"), 8059),
            (s("23.21.209.146"), Some(s("fs.xbcs.net")), s("tcp"), 8445),
        ]
    );
    let unused = unused(a);
    for used in [
        "from-ipv4-wemoswitch-0",
        "to-ipv4-wemoswitch-13",
        "from-ipv4-wemoswitch-5",
        "from-ipv4-wemoswitch-3",
    ] {
        assert!(!unused.contains(&used.to_string()), "{used}: {unused:?}");
    }
}

#[test]
fn analyze_carries_the_audit_in_every_format() {
    let out = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["analyze", "--format", "json", "--lang", "fr"])
        .arg(shared(
            "pcap/iot-sentinel/TP-LinkPlugHS110/Setup-A-1-STA.pcap",
        ))
        .args([
            "--mud",
            &format!("50-C7-BF-00-C7-03={}", shared("mud/unsw/tplinkplug.json")),
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["schema"], "iotgate.analysis/1");
    assert_eq!(v["mud"][0]["mac"], "50:c7:bf:00:c7:03");
    assert!(v["mud"][0]["summary"]
        .as_str()
        .unwrap_or_default()
        .contains("autorisés"));
    let text = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["analyze", "--lang", "en"])
        .arg(shared("pcap/iot-sentinel/TP-LinkPlugHS110/"))
        .args([
            "--mud",
            &format!("50:c7:bf:00:c7:03={}", shared("mud/unsw/tplinkplug.json")),
        ])
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("MUD audit of 50:c7:bf:00:c7:03"), "{text}");
    assert!(text.contains("time-a.nist.gov"), "{text}");
    let dir = tempfile::Builder::new()
        .prefix("iotgate-mud-")
        .tempdir()
        .unwrap();
    let html = dir.path().join("report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["analyze", "--lang", "en", "--html"])
        .arg(&html)
        .arg(shared("pcap/iot-sentinel/TP-LinkPlugHS110/"))
        .args([
            "--mud",
            &format!("50:c7:bf:00:c7:03={}", shared("mud/unsw/tplinkplug.json")),
        ])
        .output()
        .expect("run");
    assert!(o.status.success());
    let page = std::fs::read_to_string(&html).expect("html written");
    assert!(page.contains("Checked against the makers’ MUD profiles"));
    assert!(page.contains("2.asia.pool.ntp.org"));
}

#[test]
fn bad_arguments_are_refused_clearly() {
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
            .args(["mud", "audit", "--lang", "en"])
            .arg(shared(
                "pcap/iot-sentinel/TP-LinkPlugHS110/Setup-A-1-STA.pcap",
            ))
            .args(args)
            .output()
            .expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["--mud", "not-a-mac=x.json"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("“not-a-mac=x.json” is not MAC=FILE"), "{err}");
    let (code, err) = run(&[
        "--mud",
        &format!("50:c7:bf:00:c7:03={}", shared("mud/sidn/test2.json")),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("is not a usable MUD profile (one error"),
        "{err}"
    );
    let (code, err) = run(&["--controller", "urn:ietf:params:mud:ntp=nope"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not URI=ADDRESS"), "{err}");
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["mud", "audit", "--lang", "en"])
        .arg(shared(
            "pcap/iot-sentinel/TP-LinkPlugHS110/Setup-A-1-STA.pcap",
        ))
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&o.stdout)
        .contains("No device in these captures has a MUD profile"));
}
