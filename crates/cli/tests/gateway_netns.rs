//! End to end: `iotgate serve -i br0 --enforce` on a gateway between a home network and an
//! "Internet", all in network namespaces this test creates (and removes, even when it fails).
//! The home is a bridge with two ports: the device, and a LAN peer. The Internet side has a DNS
//! server and web servers on three addresses (the resolver, the device's update server, some
//! other server). The device resolves and fetches normally and shows in the API with its DHCP
//! host name; quarantined through the API, it still resolves and reaches its update name, but
//! neither the other server, nor the LAN peer, nor the gateway's own services; the quarantine
//! outlives `kill -9` and a lost ruleset (rebuilt from the database at start); released,
//! everything works again and the ruleset shows no trace of it.
//!
//! Needs root, nftables, iproute2 and python3. Nothing leaves the namespaces: every address is
//! in 10.77.0.0/24 (home) and 10.78.0.0/24 ("Internet") on veth pairs between them.

mod common;

use common::{in_ns as ns, ns_out as out, ns_spawn as spawn, sh, Netns};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DEV_MAC: &str = "02:00:00:00:77:02";
const HOST_NAME: &str = "garage-cam";
const PEER_MAC: &str = "02:00:00:00:77:03";

/// The LAN peer's MUD profile: DNS to the resolver, and TCP 8080 to update.test, opened by the
/// device; nothing else.
const PEER_PROFILE: &str = r#"{
  "ietf-mud:mud": {
    "mud-version": 1, "mud-url": "https://maker.example/peer.json",
    "last-update": "2026-11-22T00:00:00Z", "cache-validity": 48, "is-supported": true,
    "systeminfo": "gateway test device",
    "from-device-policy": {"access-lists": {"access-list": [{"name": "fr"}]}},
    "to-device-policy": {"access-lists": {"access-list": [{"name": "to"}]}}
  },
  "ietf-access-control-list:acls": {"acl": [
    {"name": "fr", "type": "ipv4-acl-type", "aces": {"ace": [
      {"name": "dns", "matches": {"ipv4": {"protocol": 17, "destination-ipv4-network": "10.78.0.2/32"},
        "udp": {"destination-port": {"operator": "eq", "port": 53}}}, "actions": {"forwarding": "accept"}},
      {"name": "up", "matches": {"ipv4": {"protocol": 6, "ietf-acldns:dst-dnsname": "update.test"},
        "tcp": {"destination-port": {"operator": "eq", "port": 8080}, "ietf-mud:direction-initiated": "from-device"}},
        "actions": {"forwarding": "accept"}}]}},
    {"name": "to", "type": "ipv4-acl-type", "aces": {"ace": [
      {"name": "dns", "matches": {"ipv4": {"protocol": 17, "source-ipv4-network": "10.78.0.2/32"},
        "udp": {"source-port": {"operator": "eq", "port": 53}}}, "actions": {"forwarding": "accept"}},
      {"name": "up", "matches": {"ipv4": {"protocol": 6, "ietf-acldns:src-dnsname": "update.test"},
        "tcp": {"source-port": {"operator": "eq", "port": 8080}, "ietf-mud:direction-initiated": "from-device"}},
        "actions": {"forwarding": "accept"}}]}}]}
}"#;

/// DNS: update.test → 10.78.0.4, other.test → 10.78.0.3, TTL 30 s; NXDOMAIN otherwise.
const DNS_SERVER: &str = r#"
import socket, struct
ADDRS = {"update.test": "10.78.0.4", "other.test": "10.78.0.3"}
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.78.0.2", 53))
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i] != 0:
        labels.append(q[i+1:i+1+q[i]].decode()); i += 1 + q[i]
    question = q[12:i + 5]
    ip = ADDRS.get(".".join(labels).lower())
    if ip:
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 30, 4) + socket.inet_aton(ip)
        s.sendto(q[:2] + b"\x81\x80" + struct.pack(">HHHH", 1, 1, 0, 0) + question + ans, peer)
    else:
        s.sendto(q[:2] + b"\x81\x83" + struct.pack(">HHHH", 1, 0, 0, 0) + question, peer)
"#;

/// A TCP service on the given port of every address: each connection gets "ok".
const TCP_SERVER: &str = r#"
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.sendall(b"ok\n"); c.close()
"#;

/// The device: `dhcp` announces its host name; `resolve NAME` prints the address (or fail);
/// `connect IP PORT` prints ok or refused.
const DEVICE: &str = r#"
import socket, struct, sys
cmd = sys.argv[1]
if cmd == "dhcp":
    mac = bytes.fromhex(sys.argv[2].replace(":", ""))
    name = sys.argv[3].encode()
    p = struct.pack(">BBBBIHH4s4s4s4s", 1, 1, 6, 0, 0x1234, 0, 0x8000, b"\0"*4, b"\0"*4, b"\0"*4, b"\0"*4)
    p += mac + b"\0" * 10 + b"\0" * 192 + b"\x63\x82\x53\x63"
    p += b"\x35\x01\x03" + b"\x0c" + bytes([len(name)]) + name + b"\x37\x04\x01\x03\x06\x0f" + b"\xff"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(("0.0.0.0", 68))
    s.sendto(p, ("255.255.255.255", 67))
elif cmd == "resolve":
    labels = b"".join(bytes([len(l)]) + l.encode() for l in sys.argv[2].split("."))
    q = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + labels + b"\x00\x00\x01\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
    try:
        s.sendto(q, ("10.78.0.2", 53))
        r = s.recv(512)
        print(socket.inet_ntoa(r[-4:]) if r[3] & 0x0f == 0 else "fail")
    except OSError:
        print("fail")
else:
    try:
        c = socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=4)
        print("ok" if c.recv(3).startswith(b"ok") else "refused")
    except OSError:
        print("refused")
"#;

/// The operator, from inside the gateway: `settings BASE USER PASSWORD RESOLVERS` signs in
/// and saves the settings page; `api BASE TOKEN METHOD PATH [BODY]` prints the status and the
/// body.
const OPERATOR: &str = r#"
import sys, re, urllib.request, urllib.parse, urllib.error
base, cmd = sys.argv[1], sys.argv[2]
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
op = urllib.request.build_opener(NoRedirect)
cookies = {}
def call(path, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    req = urllib.request.Request(base + path, data=data)
    if cookies:
        req.add_header("Cookie", "; ".join(k + "=" + v for k, v in cookies.items()))
    try:
        r = op.open(req)
    except urllib.error.HTTPError as e:
        r = e
    for h in r.headers.get_all("Set-Cookie") or []:
        k, v = h.split(";")[0].split("=", 1)
        cookies[k] = v
    return r.status, r.read().decode()
def csrf(page):
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)
if cmd == "settings":
    user, pw, resolvers = sys.argv[3:6]
    _, page = call("/login")
    st, _ = call("/login", {"csrf": csrf(page), "name": user, "password": pw})
    assert st == 303, st
    _, page = call("/settings")
    st, _ = call("/settings", {"csrf": csrf(page), "resolvers": resolvers, "release_hours": "0"})
    print(st)
else:
    token, method, path = sys.argv[3:6]
    body = sys.argv[6].encode() if len(sys.argv) > 6 else (b"" if method in ("POST", "PUT") else None)
    req = urllib.request.Request(base + path, data=body, method=method,
                                 headers={"Authorization": "Bearer " + token})
    try:
        r = urllib.request.urlopen(req)
    except urllib.error.HTTPError as e:
        r = e
    print(r.status)
    print(r.read().decode())
"#;

/// The gateway daemon, and what it said.
struct Daemon {
    child: Child,
    base: String,
    said: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(gw: &str, db: &Path, port: u16) -> Daemon {
    let mut child = Command::new("ip")
        .args(["netns", "exec", gw, env!("CARGO_BIN_EXE_iotgate")])
        .args([
            "--lang",
            "en",
            "serve",
            "-i",
            "br0",
            "--enforce",
            "--listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--db")
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut line = String::new();
    loop {
        line.clear();
        let n = err.read_line(&mut line).unwrap_or(0);
        said.lock().unwrap().push_str(&line);
        assert!(n > 0, "serve ended early: {}", said.lock().unwrap());
        if line.contains("dashboard on") {
            break;
        }
    }
    let keep = said.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while err.read_line(&mut line).unwrap_or(0) > 0 {
            keep.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    Daemon {
        child,
        base: format!("http://127.0.0.1:{port}"),
        said,
    }
}

/// Waits (30 s at most) until `f` holds.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(30), "never: {what}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn quarantine_in_network_namespaces() {
    if !common::netns_allowed("network namespaces, nftables") {
        return;
    }
    let id = std::process::id() % 100_000;
    let mut net = Netns::new("igq", &["d", "p", "g", "i"]);
    let dir = net.dir.clone();
    let names = net.names.clone();
    let (d, p, g, i) = (&names[0], &names[1], &names[2], &names[3]);
    // Home: a bridge in the gateway with the device and the LAN peer on its ports.
    sh(&[
        "ip", "link", "add", "d0", "netns", d, "type", "veth", "peer", "gd", "netns", g,
    ]);
    sh(&[
        "ip", "link", "add", "p0", "netns", p, "type", "veth", "peer", "gp", "netns", g,
    ]);
    sh(&[
        "ip", "link", "add", "gw0", "netns", g, "type", "veth", "peer", "i0", "netns", i,
    ]);
    ns(g, &["ip", "link", "add", "br0", "type", "bridge"]);
    for port in ["gd", "gp"] {
        ns(g, &["ip", "link", "set", port, "master", "br0"]);
        ns(g, &["ip", "link", "set", port, "up"]);
    }
    ns(g, &["ip", "addr", "add", "10.77.0.1/24", "dev", "br0"]);
    ns(g, &["ip", "link", "set", "br0", "up"]);
    ns(g, &["ip", "addr", "add", "10.78.0.1/24", "dev", "gw0"]);
    ns(g, &["ip", "link", "set", "gw0", "up"]);
    ns(g, &["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"]);
    ns(d, &["ip", "link", "set", "d0", "address", DEV_MAC]);
    ns(p, &["ip", "link", "set", "p0", "address", PEER_MAC]);
    for (n, ifc, addr) in [(d, "d0", "10.77.0.2/24"), (p, "p0", "10.77.0.3/24")] {
        ns(n, &["ip", "addr", "add", addr, "dev", ifc]);
        ns(n, &["ip", "link", "set", ifc, "up"]);
        ns(n, &["ip", "route", "add", "default", "via", "10.77.0.1"]);
    }
    for a in ["10.78.0.2/24", "10.78.0.3/24", "10.78.0.4/24"] {
        ns(i, &["ip", "addr", "add", a, "dev", "i0"]);
    }
    ns(i, &["ip", "link", "set", "i0", "up"]);
    ns(i, &["ip", "route", "add", "default", "via", "10.78.0.1"]);

    for (name, body) in [
        ("dns.py", DNS_SERVER),
        ("tcp.py", TCP_SERVER),
        ("device.py", DEVICE),
        ("operator.py", OPERATOR),
    ] {
        std::fs::write(dir.join(name), body).expect("script");
    }
    let script = |n: &str| dir.join(n).to_string_lossy().to_string();
    net.children.push(spawn(i, &["python3", &script("dns.py")]));
    net.children
        .push(spawn(i, &["python3", &script("tcp.py"), "8080"]));
    net.children
        .push(spawn(p, &["python3", &script("tcp.py"), "8080"]));
    // A service of the gateway itself on its LAN address (SSH, an admin page…).
    net.children
        .push(spawn(g, &["python3", &script("tcp.py"), "2222"]));
    std::thread::sleep(Duration::from_millis(500));

    let device = |args: &[&str]| {
        let mut v = vec!["python3".to_string(), script("device.py")];
        v.extend(args.iter().map(|s| s.to_string()));
        let v: Vec<&str> = v.iter().map(String::as_str).collect();
        out(d, &v)
    };
    let fetch = |name: &str| -> String {
        let ip = device(&["resolve", name]);
        if ip == "fail" {
            return "no-dns".into();
        }
        device(&["connect", &ip, "8080"])
    };

    // The database, a user and a token, made before the daemon starts.
    let db = dir.join("gw.db");
    let bin = env!("CARGO_BIN_EXE_iotgate");
    let mut add = Command::new(bin)
        .args(["user", "add", "alice", "--db"])
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("user add");
    std::io::Write::write_all(
        &mut add.stdin.take().expect("stdin"),
        b"correct horse battery\n",
    )
    .expect("password");
    assert!(add.wait().expect("user add").success());
    let token_out = Command::new(bin)
        .args(["token", "create", "--db"])
        .arg(&db)
        .output()
        .expect("token");
    let token = String::from_utf8_lossy(&token_out.stdout)
        .trim()
        .to_string();
    assert!(!token.is_empty());

    let port = 18_000 + (id % 1000) as u16;
    let gwd = serve(g, &db, port);
    let base = gwd.base.clone();
    let operator = |args: &[&str]| {
        let mut v = vec!["python3".to_string(), script("operator.py"), base.clone()];
        v.extend(args.iter().map(|s| s.to_string()));
        let v: Vec<&str> = v.iter().map(String::as_str).collect();
        out(g, &v)
    };
    assert_eq!(
        operator(&["settings", "alice", "correct horse battery", "10.78.0.2"]),
        "303"
    );

    // Before: everything works, and the device shows with its host name.
    device(&["dhcp", DEV_MAC, HOST_NAME]);
    assert_eq!(fetch("update.test"), "ok");
    assert_eq!(fetch("other.test"), "ok");
    assert_eq!(device(&["connect", "10.77.0.3", "8080"]), "ok", "LAN peer");
    assert_eq!(
        device(&["connect", "10.77.0.1", "2222"]),
        "ok",
        "gateway service"
    );
    let path = format!("/api/v1/devices/{DEV_MAC}");
    eventually("the device in the API with its host name", || {
        let r = operator(&["api", &token, "GET", &path]);
        r.starts_with("200") && r.contains(&format!("\"name\":\"{HOST_NAME}\""))
    });

    // Quarantine through the API, with its update server's name.
    let r = operator(&[
        "api",
        &token,
        "POST",
        &format!("{path}/quarantine"),
        r#"{"reason": "test", "allow": ["update.test"]}"#,
    ]);
    assert!(r.starts_with("200"), "{r}");
    assert!(
        r.contains("\"enforced\":true"),
        "{r}\n{}",
        gwd.said.lock().unwrap()
    );
    let held = |why: &str| {
        assert_eq!(fetch("update.test"), "ok", "{why}: the update server");
        assert_eq!(fetch("other.test"), "refused", "{why}: another server");
        assert_eq!(
            device(&["resolve", "other.test"]),
            "10.78.0.3",
            "{why}: DNS"
        );
        assert_eq!(
            device(&["connect", "10.77.0.3", "8080"]),
            "refused",
            "{why}: LAN peer"
        );
        assert_eq!(
            device(&["connect", "10.77.0.1", "2222"]),
            "refused",
            "{why}: gateway"
        );
        // Nothing reaches the device from the LAN either.
        let back = out(
            p,
            &[
                "python3",
                &script("device.py"),
                "connect",
                "10.77.0.2",
                "8080",
            ],
        );
        assert_eq!(back, "refused", "{why}: to the device");
    };
    net.children
        .push(spawn(d, &["python3", &script("tcp.py"), "8080"]));
    std::thread::sleep(Duration::from_millis(300));
    held("in quarantine");
    let rules = out(g, &["nft", "list", "ruleset"]);
    assert!(
        rules.contains("iotgate_quarantine") && rules.contains(DEV_MAC),
        "{rules}"
    );
    let m = operator(&["api", &token, "GET", "/metrics"]);
    assert!(m.contains("\niotgate_quarantined 1\n"), "{m}");
    assert!(
        m.contains("iotgate_dropped_total{what=\"kernel\"} 0"),
        "{m}"
    );

    // kill -9, and the ruleset lost (a reboot): the next start puts the quarantine back.
    drop(gwd);
    ns(g, &["nft", "delete", "table", "inet", "iotgate_quarantine"]);
    ns(
        g,
        &["nft", "delete", "table", "bridge", "iotgate_quarantine"],
    );
    assert_eq!(
        fetch("other.test"),
        "ok",
        "no rules while the daemon is down"
    );
    let gwd = serve(g, &db, port);
    held("after kill -9 and a restart");

    // Release: everything again, no trace in the ruleset.
    let r = operator(&[
        "api",
        &token,
        "POST",
        &format!("{path}/release"),
        r#"{"reason": "cleaned"}"#,
    ]);
    assert!(r.starts_with("200"), "{r}");
    assert_eq!(fetch("other.test"), "ok");
    assert_eq!(device(&["connect", "10.77.0.3", "8080"]), "ok");
    assert_eq!(device(&["connect", "10.77.0.1", "2222"]), "ok");
    let rules = out(g, &["nft", "list", "ruleset"]);
    assert!(
        !rules.contains("iotgate") && !rules.contains(DEV_MAC),
        "{rules}"
    );
    let r = operator(&["api", &token, "GET", &path]);
    assert!(r.contains("\"quarantine\":null"), "{r}");

    // The LAN peer held to a MUD profile given through the API: its update name on its port,
    // nothing else; a broken profile is refused with where it is broken; freed, all again.
    let peer = |args: &[&str]| {
        let mut v = vec!["python3".to_string(), script("device.py")];
        v.extend(args.iter().map(|s| s.to_string()));
        let v: Vec<&str> = v.iter().map(String::as_str).collect();
        out(p, &v)
    };
    let peer_fetch = |name: &str| -> String {
        let ip = peer(&["resolve", name]);
        peer(&["connect", &ip, "8080"])
    };
    assert_eq!(peer_fetch("other.test"), "ok");
    let peer_path = format!("/api/v1/devices/{PEER_MAC}");
    eventually("the LAN peer in the API", || {
        operator(&["api", &token, "GET", &peer_path]).starts_with("200")
    });
    let mud = format!("{peer_path}/mud");
    let r = operator(&[
        "api",
        &token,
        "PUT",
        &mud,
        r#"{"ietf-mud:mud": {"mud-version": 2}}"#,
    ]);
    assert!(r.starts_with("400") && r.contains("\"problems\""), "{r}");
    let r = operator(&["api", &token, "PUT", &mud, PEER_PROFILE]);
    assert!(
        r.starts_with("200") && r.contains("\"enforced\":true"),
        "{r}"
    );
    assert!(r.contains("update.test"), "{r}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(peer_fetch("update.test"), "ok", "its declared name");
    assert_eq!(
        peer_fetch("other.test"),
        "refused",
        "a name it does not declare"
    );
    let rules = out(g, &["nft", "list", "ruleset"]);
    assert!(
        rules.contains("iotgate_mud") && rules.contains(PEER_MAC),
        "{rules}"
    );
    let r = operator(&["api", &token, "GET", &peer_path]);
    assert!(
        r.contains("\"declared\":true") && r.contains("\"declared\":false"),
        "{r}"
    );
    let r = operator(&["api", &token, "DELETE", &mud]);
    assert!(r.contains("\"cleared\":true"), "{r}");
    assert_eq!(peer_fetch("other.test"), "ok");
    let rules = out(g, &["nft", "list", "ruleset"]);
    assert!(!rules.contains("iotgate"), "{rules}");

    let said = gwd.said.lock().unwrap().clone();
    drop(gwd);
    assert!(!said.contains("cannot"), "{said}");
}
