//! Tunnels opened (issue 16, item 8): real captures' packets wrapped in GRE (Ethernet and IP),
//! VXLAN, GTP-U, IP-in-IP (4in4, 4in6, 6in4), Teredo and CAPWAP (802.3 frames, and 802.11 data
//! frames between the same stations) give the inner devices the same TLS server names,
//! fingerprints and user agents, under the same MACs, as the unwrapped capture. And counts
//! (item 6): an IPv6 packet behind 40 extension headers still shows its UDP, and a frame whose
//! IP total length lies is counted by what it was on the wire.

mod common;

use iotgate_sources::Capture;
use serde_json::Value;
use std::path::Path;

/// Captures whose devices send TLS server names and HTTP user agents (all Ethernet).
const CAPTURES: [&str; 4] = [
    "pcap/protocols/ndpi/android.pcap",
    "pcap/protocols/ndpi/iphone.pcap",
    "pcap/iot-sentinel/D-LinkHomeHub/Setup-C-3-STA.pcap",
    "pcap/iot-sentinel/WeMoInsightSwitch/Setup-C-3-STA.pcap",
];

/// The tunnel endpoints' MACs (for tunnels that carry Ethernet).
const TEP1: [u8; 6] = [0x02, 0x54, 0x45, 0x50, 0, 1];
const TEP2: [u8; 6] = [0x02, 0x54, 0x45, 0x50, 0, 2];

/// One packet of a capture.
#[derive(Clone)]
struct Pkt {
    ts: i64,
    orig: u32,
    data: Vec<u8>,
}

fn read(path: &Path) -> Vec<Pkt> {
    let cap = Capture::open(path).expect("capture opens");
    let mut r = cap.reader().expect("reader");
    let mut out = Vec::new();
    while let Some(p) = r.next_packet() {
        assert_eq!(p.linktype, 1, "{} is Ethernet", path.display());
        out.push(Pkt {
            ts: p.ts_ns,
            orig: p.orig_len,
            data: p.data.to_vec(),
        });
    }
    out
}

/// A pcap with nanosecond timestamps (Ethernet), keeping each record's original length.
fn write_pcap(path: &Path, pkts: &[Pkt]) {
    let mut p = vec![
        0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0,
    ];
    for k in pkts {
        p.extend_from_slice(&((k.ts / 1_000_000_000) as u32).to_le_bytes());
        p.extend_from_slice(&((k.ts % 1_000_000_000) as u32).to_le_bytes());
        p.extend_from_slice(&(k.data.len() as u32).to_le_bytes());
        p.extend_from_slice(&k.orig.max(k.data.len() as u32).to_le_bytes());
        p.extend_from_slice(&k.data);
    }
    std::fs::write(path, p).unwrap();
}

/// `inner` behind `head`: the record's original length grows by what was added.
fn wrapped(k: &Pkt, data: Vec<u8>) -> Pkt {
    let added = (data.len() - k.data.len()) as u32;
    Pkt {
        ts: k.ts,
        orig: k.orig + added,
        data,
    }
}

fn ipv4_header(proto: u8, payload_len: usize) -> Vec<u8> {
    let len = u16::try_from(20 + payload_len).unwrap_or(0).to_be_bytes();
    vec![
        0x45, 0, len[0], len[1], 0, 0, 0x40, 0, 64, proto, 0, 0, 10, 255, 255, 1, 10, 255, 255, 2,
    ]
}

fn ipv6_header(next: u8, payload_len: usize) -> Vec<u8> {
    let len = u16::try_from(payload_len).unwrap_or(0).to_be_bytes();
    let mut h = vec![0x60, 0, 0, 0, len[0], len[1], next, 64];
    h.extend_from_slice(&[0xfd, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    h.extend_from_slice(&[0xfd, 0, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    h
}

fn udp_header(sport: u16, dport: u16, payload_len: usize) -> Vec<u8> {
    let len = u16::try_from(8 + payload_len).unwrap_or(0).to_be_bytes();
    let mut h = sport.to_be_bytes().to_vec();
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&[len[0], len[1], 0, 0]);
    h
}

/// A whole frame over IPv4 between the tunnel endpoints, in a new Ethernet header.
fn over_ethernet(tunnel_head: Vec<u8>, proto: u8, frame: &[u8]) -> Vec<u8> {
    let inner_len = tunnel_head.len() + frame.len();
    let mut f = [&TEP2[..], &TEP1[..], &[0x08, 0x00]].concat();
    f.extend(ipv4_header(proto, inner_len));
    f.extend(tunnel_head);
    f.extend_from_slice(frame);
    f
}

fn gre_ethernet(k: &Pkt, n: usize) -> Pkt {
    // Checksum, key and sequence number present.
    let mut g = vec![0xb0, 0, 0x65, 0x58, 0, 0, 0, 0, 0, 0, 0, 42];
    g.extend_from_slice(&(n as u32).to_be_bytes());
    wrapped(k, over_ethernet(g, 47, &k.data))
}

fn vxlan(k: &Pkt, n: usize) -> Pkt {
    let mut h = udp_header(49152 + (n % 1000) as u16, 4789, 8 + k.data.len());
    h.extend_from_slice(&[0x08, 0, 0, 0, 0, 0x01, 0x23, 0]);
    wrapped(k, over_ethernet(h, 17, &k.data))
}

/// The IP packet of an Ethernet frame (no VLAN tag), with its IP version.
fn ip_of(frame: &[u8]) -> Option<(u8, &[u8])> {
    match frame.get(12..14)? {
        [0x08, 0x00] => Some((4, &frame[14..])),
        [0x86, 0xdd] => Some((6, &frame[14..])),
        _ => None,
    }
}

/// The IP packet inside `outer` (an IP header and whatever the tunnel adds), keeping the
/// frame's Ethernet header (and so its MACs); frames that are not IP are left as they are.
fn in_ip(k: &Pkt, outer: impl Fn(u8, &[u8]) -> Option<(u16, Vec<u8>)>) -> Pkt {
    let Some((v, ip)) = ip_of(&k.data) else {
        return k.clone();
    };
    let Some((et, head)) = outer(v, ip) else {
        return k.clone();
    };
    let mut f = k.data[..12].to_vec();
    f.extend_from_slice(&et.to_be_bytes());
    f.extend(head);
    f.extend_from_slice(ip);
    wrapped(k, f)
}

fn gre_ip(k: &Pkt) -> Pkt {
    in_ip(k, |v, ip| {
        let ptype: u16 = if v == 4 { 0x0800 } else { 0x86dd };
        let mut h = ipv4_header(47, 8 + ip.len());
        h.extend_from_slice(&[0x20, 0]);
        h.extend_from_slice(&ptype.to_be_bytes());
        h.extend_from_slice(&[0, 0, 0, 7]);
        Some((0x0800, h))
    })
}

fn gtp_u(k: &Pkt, n: usize) -> Pkt {
    in_ip(k, |_, ip| {
        // Every other packet with a sequence number and a PDU session container extension.
        let opt: &[u8] = if n.is_multiple_of(2) {
            &[]
        } else {
            &[0, 9, 0, 0x85, 1, 0x10, 0x01, 0]
        };
        let mut g = vec![if n.is_multiple_of(2) { 0x30 } else { 0x36 }, 255];
        g.extend_from_slice(&((opt.len() + ip.len()) as u16).to_be_bytes());
        g.extend_from_slice(&[0, 0, 0x10, 0x01]);
        g.extend_from_slice(opt);
        let mut h = ipv4_header(17, 8 + g.len() + ip.len());
        h.extend(udp_header(2152, 2152, g.len() + ip.len()));
        h.extend(g);
        Some((0x0800, h))
    })
}

fn four_in_four(k: &Pkt) -> Pkt {
    in_ip(k, |v, ip| {
        (v == 4).then(|| (0x0800, ipv4_header(4, ip.len())))
    })
}

fn four_in_six(k: &Pkt) -> Pkt {
    in_ip(k, |v, ip| {
        (v == 4).then(|| (0x86dd, ipv6_header(4, ip.len())))
    })
}

/// An IPv4 address as IPv6: private ones in a unique-local prefix, public ones in
/// 2001:db8::/96, so that what is local stays local.
fn v6_of(a: &[u8]) -> [u8; 16] {
    let private = a[0] == 10 || (a[0] == 172 && a[1] & 0xf0 == 16) || (a[0] == 192 && a[1] == 168);
    let mut o = if private {
        [0xfd, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    } else {
        [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    };
    o[12..].copy_from_slice(a);
    o
}

/// An unfragmented IPv4 TCP or UDP packet to unicast addresses rewritten as IPv6 (same ports,
/// payload and hop limit); others `None`.
fn as_ipv6(ip: &[u8]) -> Option<Vec<u8>> {
    let ihl = usize::from(ip.first()? & 15) * 4;
    let total = usize::from(u16::from_be_bytes([*ip.get(2)?, *ip.get(3)?]));
    let proto = *ip.get(9)?;
    let frag = u16::from_be_bytes([ip[6], ip[7]]);
    let unicast = |a: &[u8]| a[0] < 224 && a[3] != 255;
    if !matches!(proto, 6 | 17)
        || frag & 0x3fff != 0
        || total > ip.len()
        || !unicast(&ip[12..16])
        || !unicast(&ip[16..20])
    {
        return None;
    }
    let l4 = &ip[ihl..total];
    let len = (l4.len() as u16).to_be_bytes();
    let mut p = vec![0x60, 0, 0, 0, len[0], len[1], proto, ip[8]];
    p.extend_from_slice(&v6_of(&ip[12..16]));
    p.extend_from_slice(&v6_of(&ip[16..20]));
    p.extend_from_slice(l4);
    Some(p)
}

/// IPv4 TCP and UDP rewritten as IPv6, then wrapped by `outer` (given the IPv6 packet), in the
/// frame's Ethernet header.
fn six_in(k: &Pkt, outer: impl Fn(&[u8]) -> Vec<u8>) -> Pkt {
    let Some((4, ip)) = ip_of(&k.data) else {
        return k.clone();
    };
    let Some(six) = as_ipv6(ip) else {
        return k.clone();
    };
    let mut f = k.data[..12].to_vec();
    f.extend_from_slice(&[0x08, 0x00]);
    f.extend(outer(&six));
    f.extend(six);
    // The record grows by the tunnel and by the longer IPv6 header.
    let added = (f.len() - k.data.len()) as u32;
    Pkt {
        ts: k.ts,
        orig: k.orig + added,
        data: f,
    }
}

fn six_in_four(k: &Pkt) -> Pkt {
    six_in(k, |six| ipv4_header(41, six.len()))
}

fn teredo(k: &Pkt, n: usize) -> Pkt {
    six_in(k, |six| {
        // Some with an origin indication, some with authentication as well.
        let mut t = Vec::new();
        if n % 3 == 1 {
            t.extend_from_slice(&[0, 1, 2, 1, b'i', b'd', 0xaa]);
            t.extend_from_slice(&[9; 8]);
            t.push(0);
        }
        if !n.is_multiple_of(3) {
            t.extend_from_slice(&[0, 0, 0xf2, 0x27, 0x3f, 0xff, 0xfd, 0xfe]);
        }
        let mut h = ipv4_header(17, 8 + t.len() + six.len());
        h.extend(udp_header(50123, 3544, t.len() + six.len()));
        h.extend(t);
        h
    })
}

/// The CAPWAP data channel header (RFC 5415): preamble 0, HLEN, radio 1, binding 1 (IEEE
/// 802.11), `flags`, then the optional fields (padded), inside UDP between the tunnel endpoints,
/// to the controller's port 5247 or (odd `n`) from it.
fn capwap_head(n: usize, flags: u32, optional: &[u8], frame_len: usize) -> Vec<u8> {
    let words = (8 + optional.len() as u32) / 4;
    let w = (words << 19) | (1 << 14) | (1 << 9) | flags;
    let mut c = w.to_be_bytes().to_vec();
    c.extend_from_slice(&[0, 0, 0, 0]);
    c.extend_from_slice(optional);
    let port = 49152 + (n % 1000) as u16;
    let (s, d) = if n.is_multiple_of(2) {
        (port, 5247)
    } else {
        (5247, port)
    };
    let mut h = udp_header(s, d, c.len() + frame_len);
    h.extend(c);
    h
}

/// The access point's radio (BSSID).
const BSSID: [u8; 6] = [0x02, 0x41, 0x50, 0, 0, 1];

/// The whole Ethernet frame in CAPWAP (the T bit clear); every third with the Radio MAC
/// Address field.
fn capwap_8023(k: &Pkt, n: usize) -> Pkt {
    let (flags, opt): (u32, &[u8]) = if n.is_multiple_of(3) {
        (1 << 4, &[6, 0x02, 0x41, 0x50, 0, 0, 1, 0])
    } else {
        (0, &[])
    };
    wrapped(
        k,
        over_ethernet(capwap_head(n, flags, opt, k.data.len()), 17, &k.data),
    )
}

/// The Ethernet frame as an IEEE 802.11 data frame in CAPWAP (the T bit set): the same source
/// and destination (SA, DA) in the address fields of one of four forms (to the AP, from the AP
/// with QoS control, four addresses with QoS and HT control, to the AP with QoS control), then
/// LLC/SNAP with the frame's EtherType. Frames without an EtherType or with VLAN tags are left
/// as they are.
fn capwap_80211(k: &Pkt, n: usize) -> Pkt {
    let f = &k.data;
    if f.len() < 14 || u16::from_be_bytes([f[12], f[13]]) < 0x600 || f[12..14] == [0x81, 0] {
        return k.clone();
    }
    let (da, sa) = (&f[..6], &f[6..12]);
    let mut w = Vec::new();
    let (fc, addrs, qos): ([u8; 2], [&[u8]; 4], &[u8]) = match n % 4 {
        0 => ([0x08, 0x01], [&BSSID, sa, da, &[]], &[]),
        1 => ([0x88, 0x02], [da, &BSSID, sa, &[]], &[0, 0]),
        2 => ([0x88, 0x83], [&BSSID, &TEP1, da, sa], &[5, 0, 0, 0, 0, 0]),
        _ => ([0x88, 0x01], [&BSSID, sa, da, &[]], &[0, 0]),
    };
    w.extend_from_slice(&fc);
    w.extend_from_slice(&[0, 0]);
    for a in &addrs[..3] {
        w.extend_from_slice(a);
    }
    w.extend_from_slice(&((n as u16 & 0xfff) << 4).to_le_bytes());
    w.extend_from_slice(addrs[3]);
    w.extend_from_slice(qos);
    w.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0]);
    w.extend_from_slice(&f[12..]);
    let mut opt = vec![6];
    opt.extend_from_slice(&BSSID);
    opt.push(0);
    let head = capwap_head(n, (1 << 8) | (1 << 4), &opt, w.len());
    wrapped(k, over_ethernet(head, 17, &w))
}

fn analyze(path: &Path) -> Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args([
            "--lang",
            "en",
            "analyze",
            "--format",
            "json",
            "--progress",
            "never",
        ])
        .arg(path)
        .output()
        .expect("iotgate runs");
    assert!(
        o.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

/// Per device MAC, what its TLS hellos and HTTP requests said (devices that said nothing are
/// left out).
fn said(report: &Value, with_fingerprints: bool) -> Vec<(String, Vec<Value>)> {
    let mut out = Vec::new();
    for d in report["devices"].as_array().unwrap() {
        let mut v = vec![d["tls"]["snis"].clone(), d["user_agents"].clone()];
        if with_fingerprints {
            v.push(d["tls"]["ja3"].clone());
            v.push(d["tls"]["ja4"].clone());
        }
        if v.iter().any(|x| !x.as_array().unwrap().is_empty()) {
            out.push((d["mac"].as_str().unwrap().to_owned(), v));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A scratch folder for one test, removed when dropped (even when the test fails).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("iotgate-tunnels-{name}-"))
        .tempdir()
        .unwrap()
}

type Wrap = fn(&Pkt, usize) -> Pkt;

#[test]
fn tunnelled_devices_say_what_they_say_unwrapped() {
    let wraps: [(&str, Wrap, bool); 10] = [
        ("gre-ethernet", gre_ethernet, true),
        ("gre-ip", |k, _| gre_ip(k), true),
        ("vxlan", vxlan, true),
        ("gtp-u", gtp_u, true),
        ("4in4", |k, _| four_in_four(k), true),
        ("4in6", |k, _| four_in_six(k), true),
        ("6in4", |k, _| six_in_four(k), false),
        ("teredo", teredo, false),
        ("capwap-802.3", capwap_8023, true),
        ("capwap-802.11", capwap_80211, true),
    ];
    let tmp = scratch("same");
    let dir = tmp.path();
    let mut names = 0;
    let mut agents = 0;
    for cap in CAPTURES {
        let pkts = read(&common::data().join(cap));
        let plain = dir.join("plain.pcap");
        write_pcap(&plain, &pkts);
        let want = analyze(&plain);
        let want_fp = said(&want, true);
        assert!(!want_fp.is_empty(), "{cap}: nothing to compare");
        for (_, v) in &want_fp {
            names += v[0].as_array().unwrap().len();
            agents += v[1].as_array().unwrap().len();
        }
        for (name, wrap, fingerprints) in wraps {
            let w: Vec<Pkt> = pkts.iter().enumerate().map(|(n, k)| wrap(k, n)).collect();
            assert!(
                w.iter().zip(&pkts).any(|(a, b)| a.data != b.data),
                "{name}: something wrapped"
            );
            let path = dir.join(format!("{name}.pcap"));
            write_pcap(&path, &w);
            let got = analyze(&path);
            // Nothing lost, and nothing invented: the same devices say the same things (the
            // tunnel endpoints say nothing).
            assert_eq!(
                said(&got, fingerprints),
                said(&want, fingerprints),
                "{cap} in {name}"
            );
            assert_eq!(got["summary"]["packets"], want["summary"]["packets"]);
            // And each of those devices is said to have been seen inside the tunnel.
            let kind = match name {
                "gre-ethernet" | "gre-ip" => "gre",
                "gtp-u" => "gtp_u",
                "4in4" | "4in6" | "6in4" => "ip_in_ip",
                n if n.starts_with("capwap") => "capwap",
                n => n,
            };
            for (mac, _) in said(&got, fingerprints) {
                let d = device(&got, &mac);
                assert_eq!(
                    d["tunnels"],
                    serde_json::json!([kind]),
                    "{cap} in {name}: {mac}"
                );
                assert_eq!(device(&want, &mac)["tunnels"], serde_json::json!([]));
            }
        }
    }
    assert!(names >= 20 && agents >= 4, "{names} names, {agents} agents");
}

#[test]
fn tunnel_endpoints_are_devices_and_their_flows_are_counted() {
    // The outer flow is analysed as well as the inner ones: the VXLAN endpoint is a device
    // with one peer (UDP 4789), and the inner devices keep their own peers.
    let pkts = read(&common::data().join(CAPTURES[0]));
    let tmp = scratch("outer");
    let dir = tmp.path();
    let path = dir.join("vxlan.pcap");
    let w: Vec<Pkt> = pkts.iter().enumerate().map(|(n, k)| vxlan(k, n)).collect();
    write_pcap(&path, &w);
    let got = analyze(&path);
    let plain = dir.join("plain.pcap");
    write_pcap(&plain, &pkts);
    let want = analyze(&plain);
    let devices = got["devices"].as_array().unwrap();
    let tep = devices
        .iter()
        .find(|d| d["mac"] == "02:54:45:50:00:01")
        .expect("the tunnel endpoint is a device");
    let peers = tep["peers"].as_array().unwrap();
    assert!(!peers.is_empty());
    assert!(peers
        .iter()
        .all(|p| p["port"] == 4789 && p["proto"] == "udp" && p["ip"] == "10.255.255.2"));
    let peers_of = |r: &Value, mac: &str| {
        r["devices"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["mac"] == mac)
            .map(|d| d["peers"].clone())
    };
    for d in want["devices"].as_array().unwrap() {
        let mac = d["mac"].as_str().unwrap();
        assert_eq!(peers_of(&got, mac), Some(d["peers"].clone()), "{mac}");
    }
    assert_eq!(devices.len(), want["devices"].as_array().unwrap().len() + 1);
}

#[test]
fn capwap_stations_keep_their_macs_and_peers() {
    // Every device of the unwrapped capture is a device of the wrapped one with the same peers:
    // the 802.3 frame's MACs, or the 802.11 frame's source and destination stations (SA, DA),
    // never the access point's radio. The tunnel endpoint that sends is the only other.
    let pkts = read(&common::data().join(CAPTURES[1]));
    let tmp = scratch("capwap");
    let dir = tmp.path();
    let plain = dir.join("plain.pcap");
    write_pcap(&plain, &pkts);
    let want = analyze(&plain);
    for (name, wrap) in [
        ("capwap-802.3", capwap_8023 as Wrap),
        ("capwap-802.11", capwap_80211),
    ] {
        let w: Vec<Pkt> = pkts.iter().enumerate().map(|(n, k)| wrap(k, n)).collect();
        let opened = w
            .iter()
            .zip(&pkts)
            .filter(|(a, b)| a.data != b.data)
            .count();
        assert!(opened > pkts.len() / 2, "{name}: {opened} wrapped");
        let path = dir.join(format!("{name}.pcap"));
        write_pcap(&path, &w);
        let got = analyze(&path);
        let tunnels = &got["summary"]["tunnels"];
        assert_eq!(tunnels["capwap"], opened as u64, "{name}: {tunnels}");
        assert_eq!(tunnels["malformed"], 0, "{name}");
        let macs = |r: &Value| -> Vec<String> {
            let mut m: Vec<String> = r["devices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["mac"].as_str().unwrap().to_owned())
                .collect();
            m.sort();
            m
        };
        let mut expected = macs(&want);
        expected.push("02:54:45:50:00:01".to_owned());
        expected.sort();
        assert_eq!(macs(&got), expected, "{name}");
        for d in want["devices"].as_array().unwrap() {
            let mac = d["mac"].as_str().unwrap();
            let g = device(&got, mac);
            assert_eq!(g["peers"], d["peers"], "{name}: {mac}");
            assert_eq!(g["vendor"], d["vendor"], "{name}: {mac}");
        }
    }
}

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const MAC_R: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

fn device<'a>(r: &'a Value, mac: &str) -> &'a Value {
    r["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["mac"] == mac)
        .unwrap_or_else(|| panic!("{mac} in {r}"))
}

#[test]
fn forty_extension_headers_do_not_hide_a_dns_query() {
    // fe80::a → 2001:db8::53, through 40 destination-options headers, then UDP 53.
    let query = common::frames::dns_query(7, "example.com");
    let udp = common::frames::udp(40000, 53, &query);
    let mut chain = Vec::new();
    for k in 0..40 {
        chain.extend_from_slice(&[if k == 39 { 17 } else { 60 }, 0, 1, 4, 0, 0, 0, 0]);
    }
    chain.extend_from_slice(&udp);
    let src: std::net::IpAddr = "fe80::a".parse().unwrap();
    let dst: std::net::IpAddr = "fe80::53".parse().unwrap();
    let f = common::frames::ip_ttl(MAC_A, MAC_R, src, dst, 64, 60, &chain);
    let tmp = scratch("ext");
    let dir = tmp.path();
    let path = dir.join("ext.pcap");
    std::fs::write(&path, common::frames::pcap(&[(1_000_000_000, f)])).unwrap();
    let r = analyze(&path);
    let peers = device(&r, "02:00:00:00:00:0a")["peers"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(peers.len(), 1, "{peers:?}");
    assert_eq!(peers[0]["proto"], "udp", "{peers:?}");
    assert_eq!(peers[0]["port"], 53);
    assert_eq!(r["summary"]["decode_errors"], 0);
}

#[test]
fn a_lying_total_length_is_counted_as_the_frame_was() {
    // 57 bytes on the wire; the IPv4 header claims 65,535.
    let udp = common::frames::udp(40000, 9999, &[0; 15]);
    let mut f = common::frames::ipv4(MAC_A, MAC_R, [192, 168, 1, 10], [192, 168, 1, 20], 17, &udp);
    assert_eq!(f.len(), 57);
    f[16] = 0xff;
    f[17] = 0xff;
    // And a 60-byte frame (padded) holding a 28-byte packet, twice.
    let mut small = common::frames::ipv4(
        MAC_A,
        MAC_R,
        [192, 168, 1, 10],
        [192, 168, 1, 30],
        17,
        &common::frames::udp(40000, 7777, &[]),
    );
    small.resize(60, 0);
    let tmp = scratch("len");
    let dir = tmp.path();
    let path = dir.join("len.pcap");
    let recs = [
        (1_000_000_000, f.clone()),
        (2_000_000_000, f),
        (3_000_000_000, small.clone()),
        (4_000_000_000, small),
    ];
    std::fs::write(&path, common::frames::pcap(&recs)).unwrap();
    let r = analyze(&path);
    assert_eq!(r["summary"]["bytes"], 57 * 2 + 60 * 2);
    let d = device(&r, "02:00:00:00:00:0a");
    let mut bytes: Vec<(u64, u64, u64)> = d["peers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["port"].as_u64().unwrap(),
                p["bytes"].as_u64().unwrap(),
                p["bytes_sent"].as_u64().unwrap(),
            )
        })
        .collect();
    bytes.sort();
    assert_eq!(bytes, [(7777, 56, 56), (9999, 86, 86)]);
}
