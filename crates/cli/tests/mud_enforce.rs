//! End to end: `iotgate mud enforce` on a gateway between a device and an "Internet" host, all in
//! network namespaces this test creates (and removes, even when it fails). The device reaches the
//! name its profile allows on the allowed port, is refused on another port and at addresses it
//! did not look up, and follows the name when its address changes — the old address being refused
//! once its DNS TTL has run out.
//!
//! Needs root, nftables, iproute2 and python3 (`.ci/run` installs them). Nothing leaves the
//! namespaces: every address is in 10.77.0.0/24 and 10.78.0.0/24 on veth pairs between them.

mod common;

use common::{in_ns as ns, sh, Netns};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEV_MAC: &str = "02:00:00:00:77:02";

/// A tiny DNS server: answers A queries for allowed.test with the address written in a file
/// (re-read for every query), TTL 2 s; NXDOMAIN for anything else.
const DNS_SERVER: &str = r#"
import socket, struct, sys
addr_file = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.78.0.2", 53))
while True:
    q, peer = s.recvfrom(512)
    tid = q[:2]
    i, labels = 12, []
    while q[i] != 0:
        labels.append(q[i+1:i+1+q[i]].decode()); i += 1 + q[i]
    qend = i + 5
    name = ".".join(labels).lower()
    question = q[12:qend]
    if name == "allowed.test":
        ip = open(addr_file).read().strip()
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 2, 4) + socket.inet_aton(ip)
        s.sendto(tid + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + question + ans, peer)
    else:
        s.sendto(tid + b"\x81\x83" + struct.pack(">HHHH", 1, 0, 0, 0) + question, peer)
"#;

/// TCP services on 8080 and 9090 of every address: each connection gets "ok".
const TCP_SERVER: &str = r#"
import socket, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.sendall(b"ok\n"); c.close()
for p in (8080, 9090):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
"#;

/// The device's client: `resolve` prints the address; `connect IP PORT` prints ok or refused.
const CLIENT: &str = r#"
import socket, struct, sys
if sys.argv[1] == "resolve":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + b"\x07allowed\x04test\x00" + b"\x00\x01\x00\x01"
    s.sendto(q, ("10.78.0.2", 53))
    r = s.recv(512)
    print(socket.inet_ntoa(r[-4:]))
else:
    try:
        c = socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=4)
        print("ok" if c.recv(3).startswith(b"ok") else "refused")
    except OSError:
        print("refused")
"#;

fn client(n: &Netns, dir: &Path, args: &[&str]) -> String {
    let script = dir.join("client.py");
    let o = Command::new("ip")
        .args(["netns", "exec", &n.names[0], "python3"])
        .arg(&script)
        .args(args)
        .output()
        .expect("client");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

const PROFILE: &str = r#"{
  "ietf-mud:mud": {
    "mud-version": 1, "mud-url": "https://maker.example/thing.json",
    "last-update": "2026-11-22T00:00:00Z", "cache-validity": 48, "is-supported": true,
    "systeminfo": "enforcement test device",
    "from-device-policy": {"access-lists": {"access-list": [{"name": "fr"}]}},
    "to-device-policy": {"access-lists": {"access-list": [{"name": "to"}]}}
  },
  "ietf-access-control-list:acls": {"acl": [
    {"name": "fr", "type": "ipv4-acl-type", "aces": {"ace": [
      {"name": "dns", "matches": {"ipv4": {"protocol": 17, "destination-ipv4-network": "10.78.0.2/32"},
        "udp": {"destination-port": {"operator": "eq", "port": 53}}}, "actions": {"forwarding": "accept"}},
      {"name": "cloud", "matches": {"ipv4": {"protocol": 6, "ietf-acldns:dst-dnsname": "allowed.test"},
        "tcp": {"destination-port": {"operator": "eq", "port": 8080}, "ietf-mud:direction-initiated": "from-device"}},
        "actions": {"forwarding": "accept"}}]}},
    {"name": "to", "type": "ipv4-acl-type", "aces": {"ace": [
      {"name": "dns", "matches": {"ipv4": {"protocol": 17, "source-ipv4-network": "10.78.0.2/32"},
        "udp": {"source-port": {"operator": "eq", "port": 53}}}, "actions": {"forwarding": "accept"}},
      {"name": "cloud", "matches": {"ipv4": {"protocol": 6, "ietf-acldns:src-dnsname": "allowed.test"},
        "tcp": {"source-port": {"operator": "eq", "port": 8080}, "ietf-mud:direction-initiated": "from-device"}},
        "actions": {"forwarding": "accept"}}]}}]}
}"#;

#[test]
fn enforcement_follows_dns_and_refuses_the_rest() {
    if !common::netns_allowed("network namespaces, nftables") {
        return;
    }
    let mut net = Netns::new("ige", &["d", "g", "i"]);
    let dir = net.dir.clone();
    let (d, g, i) = (
        net.names[0].clone(),
        net.names[1].clone(),
        net.names[2].clone(),
    );
    sh(&[
        "ip", "link", "add", "d0", "netns", &d, "type", "veth", "peer", "gl", "netns", &g,
    ]);
    sh(&[
        "ip", "link", "add", "gw0", "netns", &g, "type", "veth", "peer", "i0", "netns", &i,
    ]);
    ns(&d, &["ip", "link", "set", "d0", "address", DEV_MAC]);
    ns(&d, &["ip", "addr", "add", "10.77.0.2/24", "dev", "d0"]);
    ns(&d, &["ip", "link", "set", "d0", "up"]);
    ns(&d, &["ip", "route", "add", "default", "via", "10.77.0.1"]);
    ns(&g, &["ip", "addr", "add", "10.77.0.1/24", "dev", "gl"]);
    ns(&g, &["ip", "addr", "add", "10.78.0.1/24", "dev", "gw0"]);
    ns(&g, &["ip", "link", "set", "gl", "up"]);
    ns(&g, &["ip", "link", "set", "gw0", "up"]);
    ns(&g, &["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
    ns(&i, &["ip", "addr", "add", "10.78.0.2/24", "dev", "i0"]);
    ns(&i, &["ip", "addr", "add", "10.78.0.3/24", "dev", "i0"]);
    ns(&i, &["ip", "link", "set", "i0", "up"]);
    ns(&i, &["ip", "route", "add", "default", "via", "10.78.0.1"]);

    let addr_file = dir.join("addr");
    std::fs::write(&addr_file, "10.78.0.2").expect("write");
    for (name, body) in [
        ("dns.py", DNS_SERVER),
        ("tcp.py", TCP_SERVER),
        ("client.py", CLIENT),
    ] {
        std::fs::write(dir.join(name), body).expect("script");
    }
    let profile = dir.join("profile.json");
    std::fs::write(&profile, PROFILE).expect("profile");
    let spawn = |n: &str, args: &[&str]| -> Child {
        Command::new("ip")
            .args(["netns", "exec", n])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let dns = dir.join("dns.py");
    let tcp = dir.join("tcp.py");
    net.children.push(spawn(
        &i,
        &[
            "python3",
            dns.to_str().expect("p"),
            addr_file.to_str().expect("p"),
        ],
    ));
    net.children
        .push(spawn(&i, &["python3", tcp.to_str().expect("p")]));
    // Before enforcement everything works: the network itself is sound.
    let deadline = Instant::now() + Duration::from_secs(10);
    while client(&net, &dir, &["connect", "10.78.0.2", "9090"]) != "ok" {
        assert!(
            Instant::now() < deadline,
            "the test network does not work without rules"
        );
        std::thread::sleep(Duration::from_millis(200));
    }

    let mud = format!("{DEV_MAC}={}", profile.display());
    let addr = format!("{DEV_MAC}=10.77.0.2");
    net.children.push(spawn(
        &g,
        &[
            env!("CARGO_BIN_EXE_iotgate"),
            "mud",
            "enforce",
            "--lang",
            "en",
            "--interface",
            "gl",
            "--mud",
            &mud,
            "--addr",
            &addr,
            "--for",
            "60",
        ],
    ));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let o = Command::new("ip")
            .args([
                "netns",
                "exec",
                &g,
                "nft",
                "list",
                "table",
                "inet",
                "iotgate_mud",
            ])
            .output()
            .expect("nft");
        if o.status.success() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the enforcer did not apply its rules"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(500)); // its packet socket is open

    // Not looked up yet: refused, even on the allowed port.
    assert_eq!(
        client(&net, &dir, &["connect", "10.78.0.2", "8080"]),
        "refused"
    );
    // Looked up: the allowed port works, the other one does not.
    assert_eq!(client(&net, &dir, &["resolve"]), "10.78.0.2");
    assert_eq!(client(&net, &dir, &["connect", "10.78.0.2", "8080"]), "ok");
    assert_eq!(
        client(&net, &dir, &["connect", "10.78.0.2", "9090"]),
        "refused"
    );
    // A host the device never looked up.
    assert_eq!(
        client(&net, &dir, &["connect", "10.78.0.3", "8080"]),
        "refused"
    );

    // The name moves to another address.
    std::fs::write(&addr_file, "10.78.0.3").expect("write");
    assert_eq!(client(&net, &dir, &["resolve"]), "10.78.0.3");
    assert_eq!(client(&net, &dir, &["connect", "10.78.0.3", "8080"]), "ok");
    assert_eq!(
        client(&net, &dir, &["connect", "10.78.0.3", "9090"]),
        "refused"
    );
    // The old address's 2 s TTL runs out.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        client(&net, &dir, &["connect", "10.78.0.2", "8080"]),
        "refused"
    );

    // The rules counted the refusals.
    let o = Command::new("ip")
        .args([
            "netns",
            "exec",
            &g,
            "nft",
            "list",
            "chain",
            "inet",
            "iotgate_mud",
            "d0_from",
        ])
        .output()
        .expect("nft");
    let chain = String::from_utf8_lossy(&o.stdout);
    assert!(chain.contains("drop"), "{chain}");
}

/// Every shared profile compiles into a ruleset nftables accepts (`nft -c`, in a namespace).
#[test]
fn every_shared_profile_compiles_to_rules_nft_accepts() {
    if std::env::var_os("IOTGATE_SKIP_NETNS").is_some() {
        return;
    }
    let net = Netns::new("igc", &["c"]);
    let dir = net.dir.clone();
    let root = format!("{}/../../../shared/data/mud", env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for sub in ["unsw", "nist", "cisco", "sidn", "namib", "osmud-legacy"] {
        for e in std::fs::read_dir(format!("{root}/{sub}")).expect("dir") {
            let p = e.expect("entry").path();
            if p.extension().is_none_or(|x| x != "json")
                || p.to_string_lossy().ends_with("-Test.json")
            {
                continue;
            }
            let Some(prof) = iotgate_mud::parse_bytes(&std::fs::read(&p).expect("read")).profile
            else {
                continue;
            };
            let dev = iotgate_mud::nft::Device {
                mac: "02:00:00:00:00:01".into(),
                profile: &prof,
                addrs: vec![
                    "192.168.1.20".parse().expect("ip"),
                    "fd00::20".parse().expect("ip"),
                ],
            };
            let ctl: Vec<(String, std::net::IpAddr)> = [
                "urn:ietf:params:mud:dns",
                "urn:ietf:params:mud:ntp",
                "urn:ietf:params:mud:gateway",
                "my-controller",
            ]
            .iter()
            .map(|u| (u.to_string(), "192.168.1.1".parse().expect("ip")))
            .collect();
            let r = iotgate_mud::nft::compile(&[dev], &ctl);
            let f = dir.join("rules.json");
            std::fs::write(&f, r.json.to_string()).expect("write");
            let o = Command::new("ip")
                .args(["netns", "exec", &net.names[0], "nft", "-c", "-j", "-f"])
                .arg(&f)
                .output()
                .expect("nft");
            assert!(
                o.status.success(),
                "{}: {}",
                p.display(),
                String::from_utf8_lossy(&o.stderr)
            );
            n += 1;
        }
    }
    assert!(n >= 55, "{n}");
}
