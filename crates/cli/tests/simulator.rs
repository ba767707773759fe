//! The simulator is deterministic, and its ground truth is what the analysis finds: every planted
//! device with its identity and kind, every planted finding, and no finding elsewhere.

mod common;

use iotgate_sim::{write, Options};
use iotgate_sources::Capture;
use iotgate_wire::{decode, L3, L4};

fn sim(opts: &Options) -> (Vec<u8>, iotgate_sim::Truth) {
    let mut buf = Vec::new();
    let t = write(opts, &mut buf).unwrap();
    (buf, t)
}

/// A scratch folder for one test, removed when dropped (even when the test fails).
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("iotgate-sim-")
        .tempdir()
        .unwrap()
}

fn save(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn same_seed_same_capture() {
    let o = Options {
        devices: 6,
        packets: 20_000,
        seed: 42,
        infected: 1,
        flood: true,
        stealthy: 0,
    };
    let (a, ta) = sim(&o);
    let (b, _) = sim(&o);
    assert_eq!(a, b);
    assert_eq!(ta.packets, 20_000);
    assert_eq!(ta.bytes, a.len() as u64);
    let (c, _) = sim(&Options { seed: 43, ..o });
    assert_ne!(a, c);
}

#[test]
fn analysis_finds_what_was_planted() {
    let dir = scratch();
    for seed in [1, 2, 3] {
        let o = Options {
            devices: 12,
            packets: 60_000,
            seed,
            infected: 2,
            flood: true,
            stealthy: 0,
        };
        let (bytes, truth) = sim(&o);
        let a = common::analyze(&[save(&dir, &format!("s{seed}.pcap"), &bytes)]);
        assert_eq!(a.summary.packets, truth.packets);
        assert_eq!(a.summary.decode_errors, 0);
        for t in &truth.devices {
            let d = a
                .devices
                .iter()
                .find(|d| d.mac == t.mac)
                .unwrap_or_else(|| panic!("{} missing", t.mac));
            assert!(d.vendor.is_some(), "{} has no vendor", t.mac);
            assert_eq!(
                d.kind.id(),
                t.kind,
                "{} ({}) classified as {}: {}",
                t.mac,
                t.hostname,
                d.kind.id(),
                d.kind_reason.render(&common::en())
            );
            assert_eq!(common::texts(&d.ipv4), vec![t.ip.clone()]);
            assert!(d.hostnames.contains(&t.hostname), "{:?}", d.hostnames);
            let dh = d.dhcp.as_ref().expect("dhcp fingerprint");
            assert_eq!(dh.vendor_class.as_deref(), t.vendor_class);
            assert_eq!(dh.param_request_list, t.param_request_list);
            let mut found: Vec<&str> = d.findings.iter().map(|f| f.id).collect();
            found.sort();
            let mut planted = t.planted_findings.clone();
            planted.sort();
            assert_eq!(found, planted, "{} ({})", t.mac, t.kind);
            for dom in &t.domains {
                assert!(
                    d.domains.contains(dom),
                    "{}: {dom} not in {:?}",
                    t.mac,
                    d.domains
                );
            }
            // Peers to cloud names carry the name the device resolved.
            for p in d
                .peers
                .iter()
                .filter(|p| p.port == 443 && p.initiated_by_device)
            {
                assert!(p.name.is_some(), "{}: peer {} unnamed", t.mac, p.ip);
            }
        }
        let router = a
            .devices
            .iter()
            .find(|d| d.mac == truth.router_mac)
            .expect("router");
        assert_eq!(router.kind.id(), "router");
        assert!(
            router.findings.is_empty(),
            "{:?}",
            router.findings.iter().map(|f| f.id).collect::<Vec<_>>()
        );
        assert_eq!(a.devices.len(), truth.devices.len() + 1);
    }
}

#[test]
fn infected_cameras_scan_like_mirai() {
    let o = Options {
        devices: 5,
        packets: 30_000,
        seed: 9,
        infected: 1,
        flood: false,
        stealthy: 0,
    };
    let (bytes, truth) = sim(&o);
    let scan = truth
        .attacks
        .iter()
        .find(|a| a.kind == "scan")
        .expect("scan planted");
    let mac = iotgate_wire::Mac::parse(&scan.mac).unwrap();
    let c2: std::net::IpAddr = truth
        .attacks
        .iter()
        .find(|a| a.kind == "c2")
        .and_then(|a| a.target.as_ref())
        .unwrap()
        .parse()
        .unwrap();
    let cap = Capture::from_bytes(std::path::Path::new("mem.pcap"), bytes).unwrap();
    let mut r = cap.reader().unwrap();
    let (mut syns, mut mirai, mut logins) = (0u64, 0u64, 0u64);
    let mut answered = std::collections::BTreeSet::new();
    while let Some(p) = r.next_packet() {
        let d = decode(p.linktype, p.data).unwrap();
        if let (L3::Ip(ip), L4::Tcp(t)) = (d.l3, d.l4) {
            if d.link.dst == Some(mac) && t.flags == 0x12 {
                answered.insert(ip.src);
            }
        }
        if d.link.src != Some(mac) {
            continue;
        }
        if let (L3::Ip(ip), L4::Tcp(t)) = (d.l3, d.l4) {
            if t.flags == 0x02 && (t.dport == 23 || t.dport == 2323) && ip.dst != c2 {
                syns += 1;
                match ip.dst {
                    std::net::IpAddr::V4(dst) if u32::from(dst) == t.seq => mirai += 1,
                    // Otherwise a login attempt, only on hosts that answered the scan.
                    _ => {
                        assert!(answered.contains(&ip.dst), "login to {} unprompted", ip.dst);
                        logins += 1;
                    }
                }
            }
        }
    }
    assert!(syns > 1000, "{syns} scan SYNs");
    assert_eq!(
        mirai, scan.packets,
        "every scan SYN carries the target address as its sequence number"
    );
    // At most ten credential pairs per host that answered.
    assert!(
        logins > 0 && logins <= 10 * answered.len() as u64,
        "{logins}"
    );
    assert!(truth.attacks.iter().any(|a| a.kind == "brute-force"));
    assert!(truth.attacks.iter().all(|a| a.kind != "flood"));
}

#[test]
fn flood_is_planted_when_asked() {
    let o = Options {
        devices: 4,
        packets: 40_000,
        seed: 5,
        infected: 1,
        flood: true,
        stealthy: 0,
    };
    let (_, truth) = sim(&o);
    let f = truth
        .attacks
        .iter()
        .find(|a| a.kind == "flood")
        .expect("flood");
    assert_eq!(f.packets, 4_000);
    assert_eq!(f.target.as_deref(), Some("203.0.113.50"));
}

#[test]
fn reports_render_in_both_languages() {
    let o = Options {
        devices: 10,
        packets: 20_000,
        seed: 4,
        infected: 1,
        flood: false,
        stealthy: 0,
    };
    let (bytes, _) = sim(&o);
    let dir = scratch();
    let p = save(&dir, "lang.pcap", &bytes);
    for (lang, word) in [
        (iotgate_explain::Lang::En, "What to do:"),
        (iotgate_explain::Lang::Fr, "Que faire :"),
    ] {
        let a = common::analyze(std::slice::from_ref(&p));
        let l = iotgate_explain::Localizer::new(lang);
        let text =
            iotgate_explain::text::render(&a, &l, iotgate_explain::text::Style::new(false), 5);
        assert!(text.contains(word), "{lang:?}");
        assert!(
            !text.contains("[finding-") && !text.contains("[kind-") && !text.contains("[reason-"),
            "{text}"
        );
        let html = iotgate_explain::html::render(&a, &l);
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains(word));
        // Self-contained: no scripts, no external resources.
        assert!(
            !html.contains("<script")
                && !html.contains("src=\"http")
                && !html.contains("href=\"http")
        );
        assert_eq!(
            html.matches("<div class=\"card\">").count(),
            a.devices.len()
        );
    }
}
