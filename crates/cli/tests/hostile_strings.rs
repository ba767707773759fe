//! Hostile strings through every report (issue 16, item 4): a device names itself, its Wi-Fi
//! vendor class, the names it resolves, its TLS server name, its User-Agent and its SSDP server
//! with escape sequences, line feeds, NULs, C1 controls and bidirectional overrides; a MUD
//! profile and a manufacturer's declaration do the same. Every output — terminal text, HTML,
//! SVG, JSON, in English and French — shows them as visible escapes: nothing reaches a terminal
//! raw, no report line can be forged, the SVG stays well-formed XML and the JSON parses.

mod common;

use resvg::usvg;
use std::path::Path;
use std::process::Command;

/// What a hostile device or file writes into a value.
const EVIL: &str = "x\u{1b}]0;owned\u{7}\u{1b}[2J\nFORGED LINE\r\u{0}\u{7f}\u{9b}\u{202e}gpj.exe";
const MAC: &str = "02:00:00:00:00:51";
const DEV: [u8; 4] = [192, 168, 1, 51];
const ROUTER: [u8; 4] = [192, 168, 1, 1];
const SERVER: [u8; 4] = [93, 184, 216, 34];

use common::frames::{ipv4 as frame, udp};

/// A TCP header (acknowledging byte 1) and its payload.
fn tcp(sport: u16, dport: u16, seq: u32, flags: u8, payload: &[u8]) -> Vec<u8> {
    common::frames::tcp_data(sport, dport, seq, 1, flags, payload)
}

fn mac_bytes(s: &str) -> [u8; 6] {
    let v: Vec<u8> = s
        .split(':')
        .map(|x| u8::from_str_radix(x, 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

fn dns_name(out: &mut Vec<u8>, labels: &[&[u8]]) {
    for l in labels {
        out.push(l.len() as u8);
        out.extend_from_slice(l);
    }
    out.push(0);
}

/// A DHCP request carrying a host name and a vendor class.
fn dhcp(host: &[u8], vendor: &[u8]) -> Vec<u8> {
    let mut d = vec![1, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0];
    d.extend_from_slice(&[0; 16]);
    d.extend_from_slice(&mac_bytes(MAC));
    d.extend_from_slice(&[0; 10 + 64 + 128]);
    d.extend_from_slice(&[99, 130, 83, 99, 53, 1, 3]);
    d.push(12);
    d.push(host.len() as u8);
    d.extend_from_slice(host);
    d.push(60);
    d.push(vendor.len() as u8);
    d.extend_from_slice(vendor);
    d.push(255);
    d
}

/// A DNS response: `name` has address SERVER.
fn dns_response(name: &[&[u8]]) -> Vec<u8> {
    let mut d = vec![0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0];
    dns_name(&mut d, name);
    d.extend_from_slice(&[0, 1, 0, 1]);
    d.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 0, 0, 4]);
    d.extend_from_slice(&SERVER);
    d
}

/// Writes a classic pcap of `frames`, one per millisecond.
fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let records: Vec<(i64, Vec<u8>)> = frames
        .iter()
        .enumerate()
        .map(|(i, f)| (1_700_000_000_000_000_000 + i as i64 * 1_000_000, f.clone()))
        .collect();
    std::fs::write(path, common::frames::pcap(&records)).unwrap();
}

fn hostile_capture(path: &Path) {
    let dev = mac_bytes(MAC);
    let router = mac_bytes("02:00:00:00:00:01");
    let evil = EVIL.as_bytes();
    let mut frames = vec![
        frame(
            dev,
            [0xff; 6],
            [0; 4],
            [255; 4],
            17,
            &udp(68, 67, &dhcp(evil, evil)),
        ),
        frame(
            router,
            dev,
            ROUTER,
            DEV,
            17,
            &udp(53, 40000, &dns_response(&[evil, b"example", b"com"])),
        ),
        frame(
            dev,
            [0x01, 0, 0x5e, 0x7f, 0xff, 0xfa],
            DEV,
            [239, 255, 255, 250],
            17,
            &udp(
                1900,
                1900,
                format!("NOTIFY * HTTP/1.1\r\nSERVER: {EVIL}\r\nLOCATION: http://{EVIL}/\r\n\r\n")
                    .as_bytes(),
            ),
        ),
    ];
    // TLS to the name it resolved, and a plain-HTTP request with a hostile User-Agent.
    for (port, payload) in [
        (443u16, common::frames::client_hello(evil, 0)),
        (
            80,
            format!("GET /?token=1 HTTP/1.1\r\nHost: {EVIL}\r\nUser-Agent: {EVIL}\r\n\r\n")
                .into_bytes(),
        ),
    ] {
        frames.push(frame(
            dev,
            router,
            DEV,
            SERVER,
            6,
            &tcp(50000 + port, port, 1, 0x02, &[]),
        ));
        frames.push(frame(
            router,
            dev,
            SERVER,
            DEV,
            6,
            &tcp(port, 50000 + port, 1, 0x12, &[]),
        ));
        frames.push(frame(
            dev,
            router,
            DEV,
            SERVER,
            6,
            &tcp(50000 + port, port, 2, 0x18, &payload),
        ));
    }
    write_pcap(path, &frames);
}

/// A MUD profile whose names, system information and URLs are hostile.
fn hostile_mud(path: &Path) {
    let src = common::data().join("mud/cisco/Luminaire_150.json");
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(src).unwrap()).unwrap();
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if (k == "name" || k.ends_with("systeminfo")) && x.is_string() {
                        *x = serde_json::Value::String(format!("{}{EVIL}", x.as_str().unwrap()));
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    std::fs::write(path, serde_json::to_string_pretty(&v).unwrap()).unwrap();
}

fn hostile_declaration(path: &Path) {
    let toml_evil: String = EVIL
        .chars()
        .map(|c| {
            if c.is_control() || c == '\u{202e}' {
                format!("\\u{:04X}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect();
    std::fs::write(
        path,
        format!(
            "manufacturer = \"{toml_evil}\"\nmodel = \"{toml_evil}\"\n\
             vulnerability_disclosure = \"{toml_evil}\"\ndata_practices = \"{toml_evil}\"\n"
        ),
    )
    .unwrap();
}

/// A character a reader must never get raw (line feeds and tabs are the text's own).
fn raw_control(s: &str) -> Option<char> {
    s.chars()
        .find(|&c| c != '\n' && c != '\t' && iotgate_explain::safe::is_unsafe(c))
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(raw_control(&err), None, "{args:?} stderr: {err:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn check_text(what: &str, s: &str) {
    assert_eq!(raw_control(s), None, "{what}: a raw control character");
    assert!(
        !s.lines().any(|l| l.trim_start().starts_with("FORGED LINE")),
        "{what}: a value forged a line"
    );
}

#[test]
fn hostile_strings_reach_no_reader_raw() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-hostile-")
        .tempdir()
        .unwrap();
    let (pcap, mud, decl) = (
        dir.path().join("evil.pcap"),
        dir.path().join("evil.json"),
        dir.path().join("evil.toml"),
    );
    hostile_capture(&pcap);
    hostile_mud(&mud);
    hostile_declaration(&decl);
    let (pcap, mud, decl) = (
        pcap.to_str().unwrap().to_string(),
        mud.to_str().unwrap().to_string(),
        decl.to_str().unwrap().to_string(),
    );
    let mudarg = format!("{MAC}={mud}");
    for lang in ["en", "fr"] {
        let html = dir.path().join(format!("r-{lang}.html"));
        let text = run(&[
            "--lang",
            lang,
            "analyze",
            &pcap,
            "--html",
            html.to_str().unwrap(),
        ]);
        check_text("analyze text", &text);
        // The hostile values are there — their control characters dropped where the capture
        // is decoded, or shown as visible escapes (the override mark) — not the whole value lost.
        assert!(text.contains("owned"), "{lang}: {text}");
        assert!(text.contains("\\u{202e}"), "{lang}: {text}");
        let page = std::fs::read_to_string(&html).unwrap();
        check_text("analyze html", &page);
        assert!(
            page.contains("owned") && page.contains("\\u{202e}"),
            "{lang}"
        );

        let json = run(&["--lang", lang, "analyze", "--format", "json", &pcap]);
        let j: serde_json::Value = serde_json::from_str(&json).unwrap();
        let dev = j["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["mac"] == MAC)
            .expect("the hostile device");
        for field in ["hostnames", "user_agents", "ssdp_servers"] {
            let v = dev[field].to_string();
            assert!(v.contains("owned"), "{lang}: {field} lost: {v}");
        }
        assert!(dev["tls"]["snis"].to_string().contains("owned"));
        assert_eq!(raw_control(&json), None, "{lang}: json");

        let audit = run(&["--lang", lang, "mud", "audit", "--mud", &mudarg, &pcap]);
        check_text("mud audit", &audit);
        let audit = run(&[
            "--lang", lang, "mud", "audit", "--format", "json", "--mud", &mudarg, &pcap,
        ]);
        serde_json::from_str::<serde_json::Value>(&audit).unwrap();
        let check = run(&["--lang", lang, "mud", "check", &mud]);
        check_text("mud check", &check);

        let svg = dir.path().join(format!("l-{lang}.svg"));
        let lhtml = dir.path().join(format!("l-{lang}.html"));
        let label = run(&[
            "--lang",
            lang,
            "label",
            "--capture",
            &pcap,
            "--device",
            MAC,
            "--declaration",
            &decl,
            "--mud",
            &mud,
            "--all",
            "--svg",
            svg.to_str().unwrap(),
            "--html",
            lhtml.to_str().unwrap(),
        ]);
        check_text("label text", &label);
        assert!(
            label.contains("\\x1b"),
            "{lang}: the declared maker is shown, made visible"
        );
        let svg = std::fs::read_to_string(&svg).unwrap();
        check_text("label svg", &svg);
        usvg::Tree::from_str(&svg, &usvg::Options::default())
            .unwrap_or_else(|e| panic!("{lang}: the SVG label is not well-formed: {e}"));
        check_text("label html", &std::fs::read_to_string(&lhtml).unwrap());
        let json = run(&[
            "--lang",
            lang,
            "label",
            "--capture",
            &pcap,
            "--device",
            MAC,
            "--declaration",
            &decl,
            "--format",
            "json",
        ]);
        serde_json::from_str::<serde_json::Value>(&json).unwrap();
        assert_eq!(raw_control(&json), None, "{lang}: label json");
    }
}
