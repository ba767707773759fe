//! `iotgate mud fetch` against a local HTTPS server on loopback with a test CA made here: the
//! Cisco profile and its signature are fetched, verified and cached (and not fetched again while
//! valid); a profile changed by one byte, plain http, an untrusted server, an oversized body and a
//! missing signature are all refused with a clear message.

mod common;
#[path = "support/tls.rs"]
mod tls;

use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::Ordering;
use tls::{cert, key, serve};

fn cisco(f: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../../shared/data/mud/cisco/{f}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("read")
}

fn fetch(dir: &std::path::Path, roots: Option<&std::path::Path>, urls: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iotgate"));
    c.args(["mud", "fetch", "--lang", "en", "--cache"]).arg(dir);
    c.arg("--trust").arg(dir.join("../luminaire-ca.pem"));
    if let Some(r) = roots {
        c.arg("--tls-roots").arg(r);
    }
    let o = c.args(urls).output().expect("run");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn fetch_verifies_caches_and_refuses_what_it_must() {
    let ca_key = key();
    let ca = cert("iotgate test CA", &ca_key, None);
    let profile = cisco("Luminaire_150.json");
    // One byte changed inside a string: still a valid profile, no longer the signed one.
    let mut changed = profile.clone();
    let i = changed
        .windows(9)
        .position(|w| w == b"Luminaire")
        .expect("a name")
        + 8;
    changed[i] = b'f';
    let files = HashMap::from([
        ("/good/Luminaire_150.json".to_string(), profile.clone()),
        (
            "/good/Luminaire_150.p7s".to_string(),
            cisco("Luminaire_150.p7s"),
        ),
        ("/bad/Luminaire_150.json".to_string(), changed),
        (
            "/bad/Luminaire_150.p7s".to_string(),
            cisco("Luminaire_150.p7s"),
        ),
        ("/huge/x.json".to_string(), vec![b' '; 2 << 20]),
        ("/nosig/Luminaire_150.json".to_string(), profile.clone()),
    ]);
    let (port, hits) = serve(files, &ca, &ca_key);
    let tmp = tempfile::Builder::new()
        .prefix("iotgate-fetch-")
        .tempdir()
        .expect("dir");
    let base = tmp.path();
    let dir = base.join("cache");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(base.join("luminaire-ca.pem"), cisco("luminaire-cacert.pem")).expect("ca");
    let roots = base.join("test-ca.pem");
    std::fs::write(&roots, ca.to_pem().expect("pem")).expect("roots");
    let url = |p: &str| format!("https://localhost:{port}{p}");

    // Good: fetched, verified, stored where --mud-cache looks.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/good/Luminaire_150.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("signature valid; stored in"), "{out}");
    let stored = dir.join("localhost/good/Luminaire_150.json");
    assert_eq!(std::fs::read(&stored).expect("stored"), profile);
    assert!(dir.join("localhost/good/Luminaire_150.json.p7s").exists());
    // Within its cache-validity (48 h): not fetched again.
    let before = hits.load(Ordering::SeqCst);
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/good/Luminaire_150.json")]);
    assert_eq!(code, 0);
    assert!(out.contains("still valid"), "{out}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        before,
        "a valid cached profile was fetched again"
    );

    // One byte changed: the signature does not verify; nothing stored.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/bad/Luminaire_150.json")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("not kept — its signature does not verify")
            && out.contains("changed after signing"),
        "{out}"
    );
    assert!(!dir.join("localhost/bad/Luminaire_150.json").exists());

    // No signature published.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/nosig/Luminaire_150.json")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("/nosig/Luminaire_150.p7s") && out.contains("404"),
        "{out}"
    );

    // Too large.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/huge/x.json")]);
    assert_eq!(code, 1);
    assert!(out.contains("larger than 1048576 bytes"), "{out}");

    // A server whose certificate the client does not trust.
    let (code, out) = fetch(
        &dir,
        None,
        &[&url("/good/Luminaire_150.json").replace("/good/", "/good2/")],
    );
    assert_eq!(code, 1);
    assert!(out.contains("not fetched"), "{out}");

    // Plain http is never fetched.
    let (code, out) = fetch(
        &dir,
        Some(&roots),
        &[&format!("http://localhost:{port}/good/Luminaire_150.json")],
    );
    assert_eq!(code, 1);
    assert!(out.contains("does not start with https://"), "{out}");
    // A URL that does start with https:// is told what is really wrong with it.
    let (code, out) = fetch(&dir, Some(&roots), &["https://localhost/"]);
    assert_eq!(code, 1);
    assert!(out.contains("names no file"), "{out}");
    assert!(!out.contains("does not start with"), "{out}");
}

/// A small capture: a device announcing `url` in DHCP (option 161), then a CoAP message to a LAN
/// host and a datagram to an Internet address.
fn capture_announcing(url: &str) -> Vec<u8> {
    let mac = [2u8, 0, 0, 0, 0, 0x50];
    let frame =
        |dst_mac: [u8; 6], src: [u8; 4], dst: [u8; 4], sport: u16, dport: u16, payload: &[u8]| {
            let mut f = Vec::new();
            f.extend_from_slice(&dst_mac);
            f.extend_from_slice(&mac);
            f.extend_from_slice(&[0x08, 0x00]);
            let total = (20 + 8 + payload.len()) as u16;
            let mut ip = vec![0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0];
            ip[2..4].copy_from_slice(&total.to_be_bytes());
            ip.extend_from_slice(&src);
            ip.extend_from_slice(&dst);
            let mut sum: u32 = ip
                .chunks(2)
                .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
                .sum();
            while sum > 0xffff {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            let ck = !(sum as u16);
            ip[10..12].copy_from_slice(&ck.to_be_bytes());
            f.extend_from_slice(&ip);
            f.extend_from_slice(&sport.to_be_bytes());
            f.extend_from_slice(&dport.to_be_bytes());
            f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
            f.extend_from_slice(&[0, 0]);
            f.extend_from_slice(payload);
            f
        };
    let mut dhcp = vec![1u8, 1, 6, 0, 0x12, 0x34, 0x56, 0x78];
    dhcp.extend_from_slice(&[0; 4]);
    dhcp.extend_from_slice(&[192, 168, 1, 50]);
    dhcp.extend_from_slice(&[0; 12]);
    dhcp.extend_from_slice(&mac);
    dhcp.extend_from_slice(&[0; 10 + 192]);
    dhcp.extend_from_slice(&[0x63, 0x82, 0x53, 0x63, 53, 1, 3, 161, url.len() as u8]);
    dhcp.extend_from_slice(url.as_bytes());
    dhcp.push(255);
    let bcast = [0xff; 6];
    let gw = [2u8, 0, 0, 0, 0, 1];
    let frames = [
        frame(
            bcast,
            [192, 168, 1, 50],
            [255, 255, 255, 255],
            68,
            67,
            &dhcp,
        ),
        frame(
            gw,
            [192, 168, 1, 50],
            [192, 168, 1, 60],
            40000,
            5683,
            b"coap",
        ),
        frame(gw, [192, 168, 1, 50], [203, 0, 113, 9], 40001, 9999, b"odd"),
    ];
    let mut out = Vec::new();
    for v in [0xa1b2c3d4u32, 0x0004_0002, 0, 0, 65535, 1] {
        if v == 0x0004_0002 {
            out.extend_from_slice(&2u16.to_le_bytes());
            out.extend_from_slice(&4u16.to_le_bytes());
        } else {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    for (i, f) in frames.iter().enumerate() {
        for v in [
            1_700_000_000u32 + i as u32,
            0,
            f.len() as u32,
            f.len() as u32,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(f);
    }
    out
}

/// `mud audit --mud-cache DIR --fetch`: the URL a device announces is fetched, verified and used;
/// when its signature does not verify the device is not audited and the reason is reported.
#[test]
fn audit_fetches_the_announced_url() {
    let ca_key = key();
    let ca = cert("iotgate test CA", &ca_key, None);
    let profile = cisco("Luminaire_150.json");
    let mut changed = profile.clone();
    let i = changed
        .windows(9)
        .position(|w| w == b"Luminaire")
        .expect("a name")
        + 8;
    changed[i] = b'f';
    let files = HashMap::from([
        ("/good/Luminaire_150.json".to_string(), profile),
        (
            "/good/Luminaire_150.p7s".to_string(),
            cisco("Luminaire_150.p7s"),
        ),
        ("/bad/Luminaire_150.json".to_string(), changed),
        (
            "/bad/Luminaire_150.p7s".to_string(),
            cisco("Luminaire_150.p7s"),
        ),
    ]);
    let (port, _) = serve(files, &ca, &ca_key);
    let tmp = tempfile::Builder::new()
        .prefix("iotgate-afetch-")
        .tempdir()
        .expect("dir");
    let base = tmp.path();
    std::fs::create_dir_all(base.join("cache")).expect("dir");
    std::fs::write(base.join("luminaire-ca.pem"), cisco("luminaire-cacert.pem")).expect("ca");
    std::fs::write(base.join("test-ca.pem"), ca.to_pem().expect("pem")).expect("roots");
    let run = |path: &str| -> serde_json::Value {
        let pcap = base.join(format!("{}.pcap", path.trim_matches('/').replace('/', "_")));
        std::fs::write(
            &pcap,
            capture_announcing(&format!("https://localhost:{port}{path}")),
        )
        .expect("pcap");
        let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
            .args([
                "mud",
                "audit",
                "--lang",
                "en",
                "--format",
                "json",
                "--fetch",
                "--mud-cache",
            ])
            .arg(base.join("cache"))
            .arg("--trust")
            .arg(base.join("luminaire-ca.pem"))
            .arg("--tls-roots")
            .arg(base.join("test-ca.pem"))
            .arg(&pcap)
            .output()
            .expect("run");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).expect("json")
    };
    let good = run("/good/Luminaire_150.json");
    let a = &good["audits"][0];
    assert_eq!(a["mac"], "02:00:00:00:00:50", "{good}");
    assert!(a["source"]
        .as_str()
        .unwrap_or_default()
        .ends_with("localhost/good/Luminaire_150.json"));
    let remotes: Vec<&str> = a["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .filter_map(|v| v["remote"].as_str())
        .collect();
    assert!(remotes.contains(&"203.0.113.9"), "{a}");
    assert!(
        !remotes.contains(&"192.168.1.60"),
        "CoAP on the LAN is allowed: {a}"
    );

    let bad = run("/bad/Luminaire_150.json");
    assert_eq!(bad["audits"].as_array().map(Vec::len), Some(0), "{bad}");
    let p = bad["cache_problems"][0].as_str().unwrap_or_default();
    assert!(
        p.contains("could not be used") && p.contains("changed after signing"),
        "{p}"
    );
}
