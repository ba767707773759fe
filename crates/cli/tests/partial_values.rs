//! Values from incomplete data are withheld or marked partial, never shown as whole (issue 16,
//! item 8): a ClientHello cut short gives no fingerprint; a long User-Agent is kept whole up to
//! a generous bound and marked "…" beyond it; WebDAV requests are HTTP.

mod common;

use common::frames::*;
use serde_json::Value;

const DEV: [u8; 6] = [0x02, 0, 0, 0, 0, 0x21];
const GW: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const DEV_IP: [u8; 4] = [192, 168, 1, 21];
const SERVER: [u8; 4] = [93, 184, 216, 34];

/// One TCP session from the device: handshake, then `payload` in one segment.
fn session(rec: &mut Vec<(i64, Vec<u8>)>, t: &mut i64, sport: u16, dport: u16, payload: &[u8]) {
    let mut push = |f: Vec<u8>| {
        *t += 1_000_000;
        rec.push((*t, f));
    };
    push(ipv4(
        DEV,
        GW,
        DEV_IP,
        SERVER,
        6,
        &tcp(sport, dport, 100, 0, 0x02),
    ));
    push(ipv4(
        GW,
        DEV,
        SERVER,
        DEV_IP,
        6,
        &tcp(dport, sport, 500, 101, 0x12),
    ));
    push(ipv4(
        DEV,
        GW,
        DEV_IP,
        SERVER,
        6,
        &tcp_data(sport, dport, 101, 501, 0x18, payload),
    ));
    // The session ends (FIN both ways), so a message still waiting is inspected as it stands.
    let end = 101 + payload.len() as u32;
    push(ipv4(
        DEV,
        GW,
        DEV_IP,
        SERVER,
        6,
        &tcp(sport, dport, end, 501, 0x11),
    ));
    push(ipv4(
        GW,
        DEV,
        SERVER,
        DEV_IP,
        6,
        &tcp(dport, sport, 501, end + 1, 0x11),
    ));
}

fn analyze(rec: &[(i64, Vec<u8>)], name: &str) -> Value {
    let dir = tempfile::Builder::new()
        .prefix(&format!("iotgate-partial-{name}-"))
        .tempdir()
        .unwrap();
    let path = dir.path().join(format!("{name}.pcap"));
    std::fs::write(&path, pcap(rec)).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["analyze", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    j["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["mac"] == "02:00:00:00:00:21")
        .expect("the device")
        .clone()
}

#[test]
fn a_cut_hello_gives_no_fingerprint() {
    let whole = client_hello(b"cut.example.com", 400);
    let (mut rec, mut t) = (Vec::new(), 1_700_000_000_000_000_000i64);
    // Only the first 120 bytes ever arrive: the server name, not the extensions after it.
    session(&mut rec, &mut t, 40001, 443, &whole[..120]);
    let d = analyze(&rec, "cut");
    assert_eq!(d["tls"]["snis"], serde_json::json!(["cut.example.com"]));
    assert_eq!(
        d["tls"]["ja4"],
        serde_json::json!([]),
        "no fingerprint from a cut hello"
    );
    assert_eq!(d["tls"]["ja3"], serde_json::json!([]));
    // The same hello whole: fingerprinted, TLS 1.3.
    let (mut rec, mut t) = (Vec::new(), 1_700_000_000_000_000_000i64);
    session(&mut rec, &mut t, 40002, 443, &whole);
    let d = analyze(&rec, "whole");
    assert_eq!(d["tls"]["ja4"].as_array().unwrap().len(), 1);
    assert_eq!(d["tls"]["versions"], serde_json::json!(["TLS 1.3"]));
}

#[test]
fn long_user_agents_are_kept_or_marked_cut_and_webdav_is_http() {
    let long = format!(
        "Mozilla/5.0 (SmartTV; Linux) {}",
        "AppleWebKit/537.36 ".repeat(35)
    )
    .trim_end()
    .to_string();
    assert!(long.len() > 600 && long.len() < 1024);
    let huge = "x".repeat(3000);
    let (mut rec, mut t) = (Vec::new(), 1_700_000_000_000_000_000i64);
    let req = |method: &str, ua: &str| {
        format!("{method} /dav/ HTTP/1.1\r\nHost: files.example\r\nUser-Agent: {ua}\r\n\r\n")
    };
    session(
        &mut rec,
        &mut t,
        40003,
        80,
        req("PROPFIND", &long).as_bytes(),
    );
    session(&mut rec, &mut t, 40004, 80, req("GET", &huge).as_bytes());
    let d = analyze(&rec, "ua");
    let uas: Vec<String> = d["user_agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert!(
        uas.contains(&long),
        "a PROPFIND's long user agent, whole: {uas:?}"
    );
    let cut = uas
        .iter()
        .find(|u| u.starts_with("xxx"))
        .expect("the huge one");
    assert!(cut.ends_with('…'), "marked cut");
    assert_eq!(cut.chars().count(), 1025);
}
