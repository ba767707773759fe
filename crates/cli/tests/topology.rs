//! Local or Internet from the link, not from address ranges: hosts that reach each other
//! directly (their packets arrive with an initial TTL, from their own MAC) are local whatever
//! their addresses — public IPv4 LANs, IPv6 global addresses — and a router relaying a host's
//! sessions is not blamed for them. Hand-built captures, every detector on.

mod common;

use common::frames::{ip_ttl, pcap, tcp_data};
use iotgate_explain::alerts::AlertOut;
use iotgate_explain::Analysis;
use std::net::IpAddr;

const A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const H: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0c];
const ROUTER: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const T0: i64 = 1_700_000_000_000_000_000;
const S: i64 = 1_000_000_000;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// One TCP session: handshake, a banner from the server, a line from the client, FIN both
/// ways. `via_c`/`via_s` are the MACs the client's and the server's frames carry, `ttl_c`/`ttl_s`
/// their TTLs as they reach the capture.
#[allow(clippy::too_many_arguments)]
fn session(
    out: &mut Vec<(i64, Vec<u8>)>,
    t: i64,
    (mac_c, c, ttl_c): ([u8; 6], IpAddr, u8),
    (mac_s, srv, ttl_s): ([u8; 6], IpAddr, u8),
    sport: u16,
    dport: u16,
    banner: &[u8],
) {
    let proto = 6;
    let cs = |flags, seq, ack, data: &[u8]| {
        ip_ttl(
            mac_c,
            mac_s,
            c,
            srv,
            ttl_c,
            proto,
            &tcp_data(sport, dport, seq, ack, flags, data),
        )
    };
    let sc = |flags, seq, ack, data: &[u8]| {
        ip_ttl(
            mac_s,
            mac_c,
            srv,
            c,
            ttl_s,
            proto,
            &tcp_data(dport, sport, seq, ack, flags, data),
        )
    };
    let ms = 1_000_000;
    out.push((t, cs(0x02, 100, 0, b"")));
    out.push((t + ms, sc(0x12, 500, 101, b"")));
    out.push((t + 2 * ms, cs(0x10, 101, 501, b"")));
    out.push((t + 3 * ms, sc(0x18, 501, 101, banner)));
    out.push((
        t + 4 * ms,
        cs(0x18, 101, 501 + banner.len() as u32, b"hello\r\n"),
    ));
    out.push((t + 5 * ms, cs(0x11, 108, 501 + banner.len() as u32, b"")));
    out.push((t + 6 * ms, sc(0x11, 501 + banner.len() as u32, 109, b"")));
}

fn analyse(name: &str, mut recs: Vec<(i64, Vec<u8>)>) -> Analysis {
    recs.sort_by_key(|r| r.0);
    // One folder per call (tests run in parallel, and a capture is memory-mapped while read),
    // removed when dropped, even when the analysis fails.
    let dir = tempfile::Builder::new()
        .prefix("iotgate-topo-")
        .tempdir()
        .unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, pcap(&recs)).unwrap();
    common::analyze_detect(std::slice::from_ref(&path), vec![])
}

fn of_kind<'a>(a: &'a Analysis, kind: &str) -> Vec<&'a AlertOut> {
    a.alerts.iter().filter(|x| x.kind.id() == kind).collect()
}

const SSH: &[u8] = b"SSH-2.0-OpenSSH_9.2\r\n";

/// Password guessing between two hosts of one LAN, and an Internet host reaching the server
/// through the router: only the second is exposure.
fn lan_case(a_ip: &str, b_ip: &str, inet: &str, ttl: u8) {
    let (a, b, x) = (ip(a_ip), ip(b_ip), ip(inet));
    let mut recs = Vec::new();
    for i in 0..12u16 {
        session(
            &mut recs,
            T0 + i64::from(i) * 2 * S,
            (A, a, ttl),
            (B, b, ttl),
            40_000 + i,
            22,
            SSH,
        );
    }
    let lan = analyse("lan.pcap", recs.clone());
    assert!(of_kind(&lan, "exposure").is_empty(), "{:#?}", lan.alerts);
    let brute = of_kind(&lan, "brute-force");
    assert_eq!(brute.len(), 1, "{:#?}", lan.alerts);
    assert_eq!(brute[0].mac, "02:00:00:00:00:0a");
    assert_eq!(brute[0].peer.as_ref().and_then(|p| p.ip), Some(b));
    // Both hosts keep their own addresses.
    let dev = |a: &Analysis, mac: &str| a.devices.iter().find(|d| d.mac == mac).cloned().unwrap();
    let owns = |d: &iotgate_explain::model::DeviceOut, x: IpAddr| match x {
        IpAddr::V4(v) => d.ipv4.contains(&v),
        IpAddr::V6(v) => d.ipv6.contains(&v),
    };
    assert!(owns(&dev(&lan, "02:00:00:00:00:0a"), a));
    assert!(owns(&dev(&lan, "02:00:00:00:00:0b"), b));

    // The control: the same server reached from the Internet through the router (the
    // client's TTL decremented on the way) is exposed.
    let mut recs = Vec::new();
    session(
        &mut recs,
        T0,
        (ROUTER, x, ttl - 13),
        (B, b, ttl),
        50_000,
        22,
        SSH,
    );
    let inet = analyse("inet.pcap", recs);
    let exp = of_kind(&inet, "exposure");
    assert_eq!(exp.len(), 1, "{:#?}", inet.alerts);
    assert_eq!(
        (exp[0].mac.as_str(), exp[0].detail),
        ("02:00:00:00:00:0b", "inbound")
    );
    assert!(
        !owns(&dev(&inet, "02:00:00:00:00:01"), x),
        "the router does not own {x}"
    );
}

#[test]
fn hosts_of_a_public_ipv4_lan_are_local() {
    lan_case("198.51.100.10", "198.51.100.20", "203.0.113.9", 64);
}

#[test]
fn hosts_of_an_ipv6_lan_are_local() {
    lan_case("2001:db8:1::10", "2001:db8:1::20", "2001:db8:ffff::9", 64);
}

#[test]
fn hosts_with_windows_ttls_are_local_too() {
    lan_case("198.51.100.10", "198.51.100.20", "203.0.113.9", 128);
}

/// A host on a public-address LAN opens many short HTTPS sessions to one server through its
/// router: nothing is blamed on the router — neither exposure nor logins to its web page — and
/// the router is known as one.
#[test]
fn a_router_is_not_blamed_for_what_it_relays() {
    let (h, srv) = (ip("198.51.100.30"), ip("203.0.113.80"));
    let mut recs = Vec::new();
    for i in 0..60u16 {
        let hello = [0x16, 3, 1, 0, 4, 1, 0, 0, 0];
        session(
            &mut recs,
            T0 + i64::from(i) * 7 * S,
            (H, h, 64),
            (ROUTER, srv, 51),
            41_000 + i,
            443,
            &hello,
        );
    }
    let a = analyse("relay.pcap", recs);
    for x in &a.alerts {
        assert_ne!(x.mac, "02:00:00:00:00:01", "{x:#?}");
        assert!(
            x.kind.id() != "exposure" && x.kind.id() != "brute-force",
            "{x:#?}"
        );
    }
    let r = a
        .devices
        .iter()
        .find(|d| d.mac == "02:00:00:00:00:01")
        .unwrap();
    assert_eq!(r.kind.id(), "router");
    assert!(r.ipv4.is_empty(), "{:?}", r.ipv4);
    let host = a
        .devices
        .iter()
        .find(|d| d.mac == "02:00:00:00:00:0c")
        .unwrap();
    assert_eq!(common::texts(&host.ipv4), ["198.51.100.30"]);
}

/// Password guessing over SSH moved to port 902, between two hosts with public addresses on
/// one LAN: the sessions are SSH by what they say, so they count; the same sessions answering
/// with a web page do not.
#[test]
fn ssh_on_an_unusual_port_is_recognised_by_its_banner() {
    let (a, b) = (ip("198.51.100.10"), ip("198.51.100.20"));
    let guess = |banner: &[u8]| {
        let mut recs = Vec::new();
        for i in 0..20u16 {
            let t = T0 + i64::from(i) * S / 2;
            session(
                &mut recs,
                t,
                (A, a, 64),
                (B, b, 64),
                40_000 + i,
                902,
                banner,
            );
        }
        analyse("ssh902.pcap", recs)
    };
    let r = guess(b"SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n");
    let brute = of_kind(&r, "brute-force");
    assert_eq!(brute.len(), 1, "{:#?}", r.alerts);
    assert_eq!((brute[0].detail, brute[0].port), ("outbound", Some(902)));
    assert_eq!(brute[0].mac, "02:00:00:00:00:0a");
    assert_eq!(brute[0].evidence.items, ["ssh"]);
    assert!(of_kind(&r, "exposure").is_empty(), "{:#?}", r.alerts);
    let web = guess(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert!(web.alerts.is_empty(), "{:#?}", web.alerts);
}

/// A DNS answer giving `name` the IPv4 address `addr`.
fn dns_answer(id: u16, name: &str, addr: [u8; 4]) -> Vec<u8> {
    let mut q = Vec::new();
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    for l in name.split('.') {
        q.push(l.len() as u8);
        q.extend_from_slice(l.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    q.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
    q.extend_from_slice(&addr);
    q
}

/// A check-in loop to one server name behind three rotating addresses (a CDN): 150 short
/// sessions over about six minutes, each address getting only a third of them, are one loop —
/// the name the device resolved ties them together.
#[test]
fn check_ins_to_one_name_behind_rotating_addresses_are_one_loop() {
    use common::frames::udp;
    let dev_ip = ip("192.168.1.40");
    let resolver = ip("192.168.1.1");
    let servers = [[203, 0, 113, 10], [203, 0, 113, 11], [203, 0, 113, 12]];
    let mut recs = Vec::new();
    for i in 0..150u16 {
        let t = T0 + i64::from(i) * 2_400_000_000;
        let srv = servers[usize::from(i) % 3];
        let q = udp(
            30_000 + i,
            53,
            &common::frames::dns_query(i, "cdn.example.net"),
        );
        recs.push((t, ip_ttl(A, ROUTER, dev_ip, resolver, 64, 17, &q)));
        let a = udp(53, 30_000 + i, &dns_answer(i, "cdn.example.net", srv));
        recs.push((
            t + 1_000_000,
            ip_ttl(ROUTER, A, resolver, dev_ip, 64, 17, &a),
        ));
        let hello = [0x16, 3, 1, 0, 40, 1, 0, 0, 36, 3, 3];
        session(
            &mut recs,
            t + 2_000_000,
            (A, dev_ip, 64),
            (ROUTER, IpAddr::from(srv), 52),
            41_000 + i,
            443,
            &hello,
        );
    }
    let a = analyse("cdn.pcap", recs);
    let loops = of_kind(&a, "c2");
    assert_eq!(loops.len(), 1, "{:#?}", a.alerts);
    assert_eq!(loops[0].detail, "check-ins");
    assert_eq!(
        loops[0].peer.as_ref().and_then(|p| p.name.as_deref()),
        Some("cdn.example.net")
    );
    assert!(loops[0].evidence.counts["sessions"] >= 100);
}

/// Two hosts with public addresses whose frames carry one MAC (a bridge that rewrites MACs, a
/// capture whose MACs were anonymised), each answering an Internet host: the MAC is a router
/// once its second public address shows. The first host's exposure, seen while the MAC still
/// looked like one host, names the address that answered instead of blaming the device; the
/// device keeps none of the inbound sessions as peers of its own (a label would read them as
/// services it exposes), and neither is counted against it as a finding.
#[test]
fn several_hosts_behind_one_mac_do_not_make_it_look_exposed() {
    let (p1, p2) = (ip("198.51.100.10"), ip("198.51.100.20"));
    let (x, y) = (ip("203.0.113.9"), ip("203.0.113.77"));
    let web = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    let mut recs = Vec::new();
    session(&mut recs, T0, (ROUTER, x, 51), (B, p1, 64), 50_000, 22, SSH);
    session(
        &mut recs,
        T0 + 400 * S,
        (ROUTER, y, 49),
        (B, p2, 64),
        50_001,
        80,
        web,
    );
    let a = analyse("shared-mac.pcap", recs);
    let b = a
        .devices
        .iter()
        .find(|d| d.mac == "02:00:00:00:00:0b")
        .unwrap();
    assert_eq!(b.kind.id(), "router");
    assert!(b.ipv4.is_empty(), "{:?}", b.ipv4);
    assert!(
        b.peers.iter().all(|p| p.initiated_by_device),
        "{:#?}",
        b.peers
    );
    assert!(b.findings.is_empty(), "{:#?}", b.findings);
    let exp = of_kind(&a, "exposure");
    assert_eq!(exp.len(), 1, "{:#?}", a.alerts);
    assert_eq!(exp[0].detail, "inbound-behind");
    assert_eq!(exp[0].evidence.items, ["198.51.100.10"]);
    assert_eq!(exp[0].port, Some(22));
    for l in [
        common::en(),
        iotgate_explain::Localizer::new(iotgate_explain::Lang::Fr),
    ] {
        let (title, text) = (exp[0].title.render(&l), exp[0].explanation.render(&l));
        assert!(text.contains("198.51.100.10"), "{text}");
        assert!(
            !title.contains('{') && !text.contains('{'),
            "{title} {text}"
        );
    }

    // The control: one host behind the MAC, one public address: the host is exposed.
    let mut recs = Vec::new();
    session(&mut recs, T0, (ROUTER, x, 51), (B, p1, 64), 50_000, 22, SSH);
    session(
        &mut recs,
        T0 + 400 * S,
        (ROUTER, y, 49),
        (B, p1, 64),
        50_001,
        80,
        web,
    );
    let a = analyse("one-host.pcap", recs);
    let exp = of_kind(&a, "exposure");
    assert_eq!(exp.len(), 2, "{:#?}", a.alerts);
    assert!(exp
        .iter()
        .all(|e| e.detail == "inbound" && e.mac == "02:00:00:00:00:0b"));
    let b = a
        .devices
        .iter()
        .find(|d| d.mac == "02:00:00:00:00:0b")
        .unwrap();
    assert_eq!(b.peers.iter().filter(|p| !p.initiated_by_device).count(), 2);
}
