//! `iotgate collect --replay FILE --records json` on a shared NetFlow v5 capture: one JSON object
//! per record with the documented fields, the count said on standard error; a missing file is a
//! clear failure. And the detectors on records: a home router's IPFIX export (with MACs) of a
//! device sweeping port 23 across the Internet raises a scan alert on that device.

mod common;

use common::frames;
use std::process::Command;

#[test]
fn records_as_json_lines() {
    let cap = format!(
        "{}/../../../shared/data/flows/akvorado/nfv5.pcap",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args([
            "--lang",
            "en",
            "collect",
            "--replay",
            &cap,
            "--records",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 29);
    for v in &lines {
        for k in [
            "exporter",
            "src_addr",
            "dst_addr",
            "src_port",
            "dst_port",
            "proto",
            "packets",
            "bytes",
            "start",
            "end",
            "tcp_flags",
        ] {
            assert!(!v[k].is_null(), "{k} in {v}");
        }
        assert!(v["start"].as_str().unwrap().ends_with('Z'));
    }
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("29 flow records"), "{said}");

    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "collect", "--replay", "/nonexistent/x.pcap"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/x.pcap"));
}

/// An IPFIX message of `sets` from observation domain 1.
fn ipfix(sets: &[Vec<u8>]) -> Vec<u8> {
    let body = sets.concat();
    let mut p = vec![0, 10];
    p.extend_from_slice(&((16 + body.len()) as u16).to_be_bytes());
    p.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&body);
    p
}

fn set(id: u16, body: &[u8]) -> Vec<u8> {
    let mut s = id.to_be_bytes().to_vec();
    s.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    s.extend_from_slice(body);
    s
}

#[test]
fn a_scan_in_a_home_routers_ipfix_is_found() {
    const MAC: [u8; 6] = [2, 0x11, 0x22, 0x33, 0x44, 0x55];
    let fields: [(u16, u16); 11] = [
        (8, 4),
        (12, 4),
        (7, 2),
        (11, 2),
        (4, 1),
        (2, 4),
        (1, 4),
        (6, 1),
        (152, 8),
        (153, 8),
        (56, 6),
    ];
    let mut t = vec![1, 0];
    t.extend_from_slice(&(fields.len() as u16).to_be_bytes());
    for (id, len) in fields {
        t.extend_from_slice(&id.to_be_bytes());
        t.extend_from_slice(&len.to_be_bytes());
    }
    let record = |i: u32| {
        let ms = 1_700_000_000_000u64 + u64::from(i) * 50;
        let mut r = vec![
            192,
            168,
            1,
            50,
            203,
            0,
            (i / 250) as u8,
            (i % 250 + 1) as u8,
        ];
        r.extend_from_slice(&(40_000 + i as u16).to_be_bytes());
        r.extend_from_slice(&23u16.to_be_bytes());
        r.push(6);
        r.extend_from_slice(&1u32.to_be_bytes());
        r.extend_from_slice(&60u32.to_be_bytes());
        r.push(0x02);
        r.extend_from_slice(&ms.to_be_bytes());
        r.extend_from_slice(&ms.to_be_bytes());
        r.extend_from_slice(&MAC);
        r
    };
    let mut messages = vec![ipfix(&[set(2, &t)])];
    for k in (0..600).step_by(30) {
        let recs: Vec<u8> = (k..k + 30).flat_map(record).collect();
        messages.push(ipfix(&[set(256, &recs)]));
    }
    let pcap = frames::pcap(
        &messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let udp = frames::udp(4739, 4739, m);
                let f = frames::ipv4(
                    [2, 0, 0, 0, 0, 1],
                    [2, 0, 0, 0, 0, 2],
                    [10, 0, 0, 1],
                    [10, 0, 0, 2],
                    17,
                    &udp,
                );
                (1_700_000_000_000_000_000 + i as i64 * 1_000_000, f)
            })
            .collect::<Vec<_>>(),
    );
    let dir = tempfile::Builder::new()
        .prefix("iotgate-collect-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("exports.pcap");
    std::fs::write(&path, pcap).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "collect", "--format", "json", "--replay"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let alerts: Vec<(String, String)> = r["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["mac"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert!(
        alerts
            .iter()
            .any(|(k, m)| k == "scan" && m == "02:11:22:33:44:55"),
        "{alerts:?}"
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("600 flow records"));

    // Privacy by design: whom the device talked to is not kept unless asked, only totals.
    let dev = |r: &serde_json::Value| {
        r["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["mac"] == "02:11:22:33:44:55")
            .cloned()
            .unwrap()
    };
    let d = dev(&r);
    assert_eq!(d["peers"].as_array().unwrap().len(), 0, "{d}");
    assert_eq!(d["not_listed"]["flows"], 600, "{d}");
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args([
            "--lang", "en", "collect", "--format", "json", "--peers", "5",
        ])
        .arg("--replay")
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = dev(&serde_json::from_slice(&o.stdout).unwrap());
    assert_eq!(d["peers"].as_array().unwrap().len(), 5, "{d}");
    assert_eq!(d["not_listed"]["flows"], 595, "{d}");
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "fr", "collect", "--replay"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("600 flux, 600 paquets"), "{text}");
}

/// A NetFlow v5 packet with `n` records from 10.1.1.1 to 198.51.100.x.
fn v5(n: u8) -> Vec<u8> {
    let mut p = vec![0, 5, 0, n];
    p.extend_from_slice(&5_000u32.to_be_bytes());
    p.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    p.extend_from_slice(&[0; 12]);
    for i in 0..n {
        p.extend_from_slice(&[10, 1, 1, 1, 198, 51, 100, i, 0, 0, 0, 0, 0, 1, 0, 2]);
        p.extend_from_slice(&3u32.to_be_bytes());
        p.extend_from_slice(&180u32.to_be_bytes());
        p.extend_from_slice(&4_000u32.to_be_bytes());
        p.extend_from_slice(&4_500u32.to_be_bytes());
        p.extend_from_slice(&[0x9c, 0x40, 0, 80, 0, 0x1b, 6, 0, 0, 0, 0, 0, 24, 24, 0, 0]);
    }
    p
}

/// `--listen`: exports sent to a loopback socket come out as records, with the sender as the
/// exporter, until `--for` ends it.
#[test]
fn exports_received_on_a_socket() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "collect", "--listen", "udp://127.0.0.1:0"])
        .args(["--rcvbuf", "1048576", "--for", "3", "--records", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("udp://"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for n in [2, 3, 1] {
        tx.send_to(&v5(n), &addr).unwrap();
    }
    tx.send_to(b"not an export", &addr).unwrap();
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    assert!(out.status.success(), "{rest}");
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 6, "{rest}");
    assert!(lines
        .iter()
        .all(|v| v["exporter"] == "127.0.0.1" && v["dst_port"] == 80));
    assert!(
        rest.contains("4 export packets, 6 flow records; 1 unreadable"),
        "{rest}"
    );
}

/// Two sockets on one address (SO_REUSEPORT) with the counters served: exports sent from
/// several source ports reach the collector whichever socket the kernel picks, and
/// `/metrics` counts the records, the unreadable packet and the kernel's drops (none).
#[test]
fn several_sockets_and_the_metrics_endpoint() {
    use std::io::{BufRead, BufReader, Read, Write};
    let metrics = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let maddr = metrics.local_addr().unwrap().to_string();
    drop(metrics);
    let mut child = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "collect", "--listen", "udp://127.0.0.1:0"])
        .args(["--sockets", "2", "--metrics", &maddr, "--for", "4"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("2 sockets"), "{line}");
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("udp://"))
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    for n in [2u8, 3, 1, 4, 5, 6] {
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        tx.send_to(&v5(n), &addr).unwrap();
    }
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(b"not an export", &addr)
        .unwrap();
    // The text is rebuilt at most once a second.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let mut c = std::net::TcpStream::connect(&maddr).unwrap();
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut body = String::new();
    c.read_to_string(&mut body).unwrap();
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    err.read_to_string(&mut rest).unwrap();
    assert!(out.status.success(), "{rest}");
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    let records = 2 + 3 + 1 + 4 + 5 + 6;
    for want in [
        format!("iotgate_collect_records_total {records}"),
        "iotgate_collect_datagrams_total 7".to_string(),
        "iotgate_collect_dropped_total{what=\"malformed\"} 1".to_string(),
        "iotgate_collect_dropped_total{what=\"kernel\"} 0".to_string(),
        "iotgate_collect_exporters 1".to_string(),
    ] {
        assert!(body.contains(&want), "{want} not in {body}");
    }
    assert!(rest.contains("7 datagrams received on 2 sockets"), "{rest}");
}
