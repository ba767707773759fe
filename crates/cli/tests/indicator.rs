//! ISP → home: the simulated ISP's exports go through `iotgate collect` with its subscriber map
//! and a signing key; the indicator written for an infected subscriber's scan, checked with the
//! operator's public key by `iotgate analyze --indicator` on that home's own capture, names the
//! infected camera and no other device. The same indicator changed by one byte, or checked
//! with another operator's key, is refused before the capture is read.

use std::process::Command;

fn iotgate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn an_indicator_from_flow_mode_names_the_device_in_the_home() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-indicator-")
        .tempdir()
        .unwrap();
    let opts = iotgate_sim::isp::IspOptions {
        subscribers: 12,
        infected: 2,
        stealthy: 1,
        floods: 0,
        devices: 5,
        packets: 20_000,
        seed: 4,
        format: iotgate_flows::export::Format::Ipfix,
    };
    let home = iotgate_sim::isp::infected_homes(&opts)[0];
    let sub = iotgate_sim::isp::subscriber_id(home);
    let (mut pcap, mut map) = (Vec::new(), Vec::new());
    let (truth, kept) =
        iotgate_sim::isp::write_isp_keeping(&opts, &mut pcap, &mut map, Some(home)).unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    std::fs::write(p("exports.pcap"), &pcap).unwrap();
    std::fs::write(p("map.txt"), &map).unwrap();
    std::fs::write(p("home.pcap"), kept.unwrap()).unwrap();
    let camera = truth
        .attacks
        .iter()
        .find(|a| a.subscriber == sub && a.attack.kind == "scan")
        .map(|a| a.attack.mac.clone())
        .unwrap();

    let o = iotgate(&[
        "collect",
        "--replay",
        &p("exports.pcap"),
        "--subscribers",
        &p("map.txt"),
        "--indicators",
        &p("out"),
        "--signing-key",
        &p("isp.key"),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("created the signing key"), "{err}");
    let key = std::fs::read_to_string(p("isp.key")).unwrap();
    let public = iotgate_pipeline::indicator::Key::parse(&key)
        .unwrap()
        .public();
    assert!(err.contains(&public), "{err}");

    // The operator's index says which indicator is about the subscriber's scan.
    let index: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(p("out/index.json")).unwrap()).unwrap();
    let entry = index
        .iter()
        .find(|e| {
            e["subscriber"] == sub.as_str()
                && e["kind"] == "scan"
                && matches!(e["detail"].as_str(), Some("horizontal" | "mirai"))
        })
        .unwrap_or_else(|| panic!("no scan indicator for {sub}: {index:?}"));
    let file = p(&format!("out/{}", entry["file"].as_str().unwrap()));
    let text = std::fs::read_to_string(&file).unwrap();
    // Nothing about the subscriber travels: neither its id nor its address.
    let placed = truth.subscribers.iter().find(|s| s.id == sub).unwrap();
    assert!(
        !text.contains(&sub) && !text.contains(&placed.address),
        "{text}"
    );

    let o = iotgate(&[
        "analyze",
        "--indicator",
        &file,
        "--indicator-key",
        &public,
        "--format",
        "json",
        &p("home.pcap"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let macs: Vec<&str> = v["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["mac"].as_str().unwrap())
        .collect();
    assert_eq!(macs, [camera.as_str()], "{v:#}");
    // The text form names it too, in French as well.
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "fr", "analyze", "--indicator", &file])
        .args(["--indicator-key", &public, &p("home.pcap")])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&camera) && out.contains("correspond"), "{out}");

    // One changed byte (a remote's port), or another operator's key: refused, nothing read.
    let mut tampered: serde_json::Value = serde_json::from_str(&text).unwrap();
    let port = tampered["ports"][0].as_u64().unwrap();
    tampered["ports"][0] = serde_json::json!(port ^ 1);
    std::fs::write(p("tampered.json"), tampered.to_string()).unwrap();
    let other = iotgate_pipeline::indicator::Key::generate()
        .unwrap()
        .public();
    for (f, k) in [(p("tampered.json"), public.clone()), (file.clone(), other)] {
        let o = iotgate(&[
            "analyze",
            "--indicator",
            &f,
            "--indicator-key",
            &k,
            &p("home.pcap"),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !o.status.success() && err.contains("indicator refused"),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
}
