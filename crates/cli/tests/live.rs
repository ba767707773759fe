//! Inputs that are not files: a capture piped into `iotgate analyze -`, and a live capture on an
//! interface (`-i IFACE --duration`) inside network namespaces the test creates, with real
//! DHCP, ping, DNS and HTTP traffic from BusyBox: every packet stays inside them.

mod common;

use common::{data, sh};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

fn iotgate() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iotgate"))
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

/// `iotgate analyze -` reading `path` through a pipe, in chunks, as `tcpdump -w -` writes.
fn analyze_piped(path: &PathBuf) -> serde_json::Value {
    let mut child = iotgate()
        .args(["analyze", "-", "--format", "json", "--progress", "never"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(path).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for chunk in bytes.chunks(1500) {
            if stdin.write_all(chunk).is_err() {
                break;
            }
        }
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    json_of(&out)
}

#[test]
fn a_piped_capture_reads_like_the_file() {
    let mut n = 0;
    for rel in [
        "pcap/protocols/zeek/ssh-sshguess.pcap",
        "pcap/iot-sentinel/Aria/Setup-A-1-STA.pcap",
    ]
    .iter()
    .map(|r| data().join(r))
    .chain(
        common::captures_under(&data().join("attacks"))
            .into_iter()
            .filter(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a])))
            .take(2),
    ) {
        assert!(rel.exists(), "{}", rel.display());
        let piped = analyze_piped(&rel);
        let file = json_of(
            &iotgate()
                .args(["analyze", "--format", "json", "--progress", "never"])
                .arg(&rel)
                .output()
                .unwrap(),
        );
        assert_eq!(piped["captures"][0]["path"], "-");
        assert_eq!(
            piped["captures"][0]["packets"],
            file["captures"][0]["packets"]
        );
        for part in ["summary", "devices", "alerts"] {
            assert!(
                piped[part] == file[part],
                "{}: {part} differs",
                rel.display()
            );
        }
        n += 1;
    }
    assert_eq!(n, 4, "two pcap and two pcapng captures");
}

#[test]
fn standard_input_that_is_not_a_capture_is_refused_clearly() {
    let mut child = iotgate()
        .args(["analyze", "-", "--lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"GET / HTTP/1.1\r\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-: not a pcap or pcapng capture"), "{err}");
    // Standard input cannot be merged with files.
    let out = iotgate()
        .args(["analyze", "-", "x.pcap", "--lang", "en"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("standard input (-) must be the only input")
    );
}

#[test]
fn an_interface_that_does_not_exist_is_named() {
    let out = iotgate()
        .args([
            "analyze",
            "-i",
            "nosuchif0",
            "--duration",
            "1s",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot capture on nosuchif0"), "{err}");
    let out = iotgate()
        .args(["analyze", "-i", "lo", "--duration", "soon", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("soon is not a duration"));
}

/// Two namespaces joined by a veth pair: a gateway (DHCP, DNS and HTTP servers) and a device.
struct Lab {
    gw: String,
    dev: String,
    /// The scratch folder, removed when dropped (after the processes are stopped).
    _dir: tempfile::TempDir,
    children: Vec<std::process::Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in [&self.gw, &self.dev] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

impl Lab {
    fn exec(&self, ns: &str, args: &[&str]) -> std::process::Output {
        Command::new("ip")
            .args(["netns", "exec", ns])
            .args(args)
            .output()
            .unwrap()
    }
    fn spawn(&mut self, ns: &str, args: &[&str]) {
        let c = Command::new("ip")
            .args(["netns", "exec", ns])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.children.push(c);
    }
}

/// A DNS server answering every A query with the gateway's address (Python's standard library).
const DNS_SERVER: &str = r#"import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.79.0.1', 53))
while True:
    q, a = s.recvfrom(512)
    end = q.index(b'\0', 12) + 5
    r = q[:2] + b'\x81\x80' + q[4:6] + b'\x00\x01\x00\x00\x00\x00' + q[12:end]
    r += b'\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04' + bytes([10, 79, 0, 1])
    s.sendto(r, a)
"#;

#[test]
fn a_live_capture_in_a_namespace_lists_its_devices_by_name() {
    if !common::netns_allowed("network namespaces") {
        return;
    }
    let id = std::process::id() % 100_000;
    let tmp = tempfile::Builder::new()
        .prefix("iotgate-live-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::write(dir.join("www/index.html"), "hello from the gateway\n").unwrap();
    let mut lab = Lab {
        gw: format!("iglg{id}"),
        dev: format!("igld{id}"),
        _dir: tmp,
        children: Vec::new(),
    };
    let (gw, dev) = (lab.gw.clone(), lab.dev.clone());
    sh(&["ip", "netns", "add", &gw]);
    sh(&["ip", "netns", "add", &dev]);
    sh(&[
        "ip", "-n", &gw, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns",
        &dev,
    ]);
    sh(&[
        "ip",
        "-n",
        &gw,
        "addr",
        "add",
        "10.79.0.1/24",
        "dev",
        "lan0",
    ]);
    sh(&["ip", "-n", &gw, "link", "set", "lan0", "up"]);
    sh(&["ip", "-n", &dev, "link", "set", "eth0", "up"]);
    sh(&["ip", "-n", &dev, "link", "set", "lo", "up"]);
    let dev_mac = String::from_utf8(
        lab.exec(&dev, &["cat", "/sys/class/net/eth0/address"])
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    // The gateway's services.
    let conf = dir.join("udhcpd.conf");
    std::fs::write(
        &conf,
        format!(
            "start 10.79.0.100\nend 10.79.0.150\ninterface lan0\nlease_file {}\nopt router 10.79.0.1\nopt dns 10.79.0.1\nopt subnet 255.255.255.0\n",
            dir.join("leases").display()
        ),
    )
    .unwrap();
    let c = conf.display().to_string();
    lab.spawn(&gw, &["busybox", "udhcpd", "-f", &c]);
    let www = dir.join("www").display().to_string();
    lab.spawn(
        &gw,
        &["busybox", "httpd", "-f", "-p", "10.79.0.1:80", "-h", &www],
    );
    lab.spawn(&gw, &["python3", "-c", DNS_SERVER]);
    // iotgate listens on the gateway's side of the link.
    let capture = Command::new("ip")
        .args(["netns", "exec", &gw, env!("CARGO_BIN_EXE_iotgate")])
        .args([
            "analyze",
            "-i",
            "lan0",
            "--duration",
            "9s",
            "--format",
            "json",
            "--detect",
            "off",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // The device: DHCP with its host name, then ping, a DNS lookup and a web page.
    let script = dir.join("udhcpc.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\n[ \"$1\" = bound ] && ip addr add \"$ip/24\" dev \"$interface\"\nexit 0\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = script.display().to_string();
    let o = lab.exec(
        &dev,
        &[
            "busybox",
            "udhcpc",
            "-i",
            "eth0",
            "-x",
            "hostname:kitchen-sensor",
            "-n",
            "-q",
            "-t",
            "10",
            "-T",
            "1",
            "-s",
            &s,
        ],
    );
    assert!(
        o.status.success(),
        "DHCP: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = lab.exec(
        &dev,
        &["busybox", "ping", "-c", "3", "-i", "0.2", "10.79.0.1"],
    );
    assert!(
        o.status.success(),
        "ping: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = lab.exec(
        &dev,
        &["busybox", "nslookup", "cloud.example.com", "10.79.0.1"],
    );
    assert!(
        o.status.success(),
        "dns: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = lab.exec(
        &dev,
        &[
            "busybox",
            "wget",
            "-q",
            "-O",
            "-",
            "http://10.79.0.1/index.html",
        ],
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("hello from the gateway"),
        "http: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = capture.wait_with_output().unwrap();
    let report = json_of(&out);
    assert_eq!(report["captures"][0]["path"], "lan0");
    let devices = report["devices"].as_array().unwrap();
    let device = devices
        .iter()
        .find(|d| d["mac"] == dev_mac.as_str())
        .unwrap_or_else(|| panic!("device {dev_mac} not listed: {devices:?}"));
    assert_eq!(device["hostnames"][0], "kitchen-sensor", "{device}");
    assert!(device["ipv4"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a.as_str().unwrap().starts_with("10.79.0.1")));
    assert!(
        device["domains"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "cloud.example.com"),
        "{device}"
    );
    let peers = device["peers"].to_string();
    for want in ["\"icmp\"", "\"port\":80", "\"port\":53"] {
        assert!(
            peers.replace(' ', "").contains(want),
            "{want} missing from {peers}"
        );
    }
    // The gateway is listed too, as the network's DHCP server and router.
    assert!(
        devices
            .iter()
            .any(|d| d["mac"] != dev_mac.as_str() && d["kind"] == "router"),
        "{devices:?}"
    );
}
