//! Password guessing on an unusual port, live: a real SSH server (asyncssh) listens on port
//! 2222 in one network namespace, the OpenSSH client in another guesses passwords against it,
//! and `iotgate analyze -i` on the link names the guesser — from the protocol, since 2222 is no
//! login port — without calling either host exposed to the Internet, though both have public
//! addresses. Every packet stays inside the two namespaces the test creates.

mod common;

use common::sh;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Two namespaces joined by a veth pair, removed on drop.
struct Lab {
    server: String,
    guesser: String,
    /// The scratch folder, removed when dropped (after the processes are stopped).
    _dir: tempfile::TempDir,
    children: Vec<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for ns in [&self.server, &self.guesser] {
            let _ = Command::new("ip").args(["netns", "del", ns]).status();
        }
    }
}

#[test]
fn ssh_guessing_on_port_2222_is_found_from_the_protocol() {
    if !common::netns_allowed("network namespaces") {
        return;
    }
    let have = |p: &str| {
        Command::new("sh")
            .args(["-c", &format!("command -v {p}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    assert!(have("ssh"), "the OpenSSH client (openssh-client) is needed");
    let id = std::process::id() % 100_000;
    let tmp = tempfile::Builder::new()
        .prefix("iotgate-brute-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().to_path_buf();
    let mut lab = Lab {
        server: format!("igbs{id}"),
        guesser: format!("igbg{id}"),
        _dir: tmp,
        children: Vec::new(),
    };
    let (srv, gsr) = (lab.server.clone(), lab.guesser.clone());
    sh(&["ip", "netns", "add", &srv]);
    sh(&["ip", "netns", "add", &gsr]);
    sh(&[
        "ip", "-n", &srv, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns",
        &gsr,
    ]);
    sh(&[
        "ip",
        "-n",
        &srv,
        "addr",
        "add",
        "198.51.100.2/24",
        "dev",
        "lan0",
    ]);
    sh(&[
        "ip",
        "-n",
        &gsr,
        "addr",
        "add",
        "198.51.100.1/24",
        "dev",
        "eth0",
    ]);
    for (ns, dev) in [(&srv, "lan0"), (&gsr, "eth0"), (&srv, "lo"), (&gsr, "lo")] {
        sh(&["ip", "-n", ns, "link", "set", dev, "up"]);
    }
    let mac = |ns: &str, dev: &str| {
        let o = Command::new("ip")
            .args([
                "netns",
                "exec",
                ns,
                "cat",
                &format!("/sys/class/net/{dev}/address"),
            ])
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    let guesser_mac = mac(&gsr, "eth0");
    let script = common::ssh_server_script(
        &dir,
        "server.py",
        ("198.51.100.2", 2222),
        "OpenSSH_9.2p1",
        "Vx9-unique-Q2r",
    );
    let c = Command::new("ip")
        .args(["netns", "exec", &srv, "python3", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    lab.children.push(c);
    // Wait for the server.
    let wait = "import socket,time\nfor i in range(600):\n    try:\n        \
                socket.create_connection(('198.51.100.2',2222),0.2).close();break\n    \
                except OSError: time.sleep(0.05)\nelse: raise SystemExit('no server')\n";
    let o = Command::new("ip")
        .args(["netns", "exec", &gsr, "python3", "-c", wait])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // iotgate listens on the server's side of the link, every detector on.
    let capture = Command::new("ip")
        .args(["netns", "exec", &srv, env!("CARGO_BIN_EXE_iotgate")])
        .args([
            "analyze",
            "-i",
            "lan0",
            "--duration",
            "14s",
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // The OpenSSH client, one connection per guess, the password from an askpass program.
    let askpass = dir.join("askpass.sh");
    std::fs::write(&askpass, "#!/bin/sh\necho \"guess-$$\"\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&askpass, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut refused = 0;
    for _ in 0..12 {
        let o = Command::new("ip")
            .args(["netns", "exec", &gsr, "ssh"])
            .args([
                "-p",
                "2222",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "PreferredAuthentications=password",
                "-o",
                "PubkeyAuthentication=no",
                "-o",
                "NumberOfPasswordPrompts=1",
                "-o",
                "ConnectTimeout=3",
                "-o",
                "BatchMode=no",
                "admin@198.51.100.2",
                "true",
            ])
            .env("SSH_ASKPASS", &askpass)
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env("DISPLAY", ":0")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        if !o.status.success() && String::from_utf8_lossy(&o.stderr).contains("ermission denied") {
            refused += 1;
        }
    }
    assert_eq!(refused, 12, "every guess is refused by the server");
    let out = capture.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let alerts = v["alerts"].as_array().unwrap();
    let brute: Vec<&serde_json::Value> = alerts
        .iter()
        .filter(|a| a["kind"] == "brute-force")
        .collect();
    assert_eq!(brute.len(), 1, "{alerts:#?}");
    let b = brute[0];
    assert_eq!(b["mac"], guesser_mac.as_str(), "{b:#?}");
    assert_eq!(b["detail"], "outbound");
    assert_eq!(b["port"], 2222);
    assert_eq!(b["peer"]["ip"], "198.51.100.2");
    assert_eq!(b["evidence"]["items"], serde_json::json!(["ssh"]));
    assert!(
        b["evidence"]["counts"]["sessions"].as_u64().unwrap() >= 8,
        "{b:#?}"
    );
    // Public addresses on one link are not the Internet.
    assert!(
        !alerts.iter().any(|a| a["kind"] == "exposure"),
        "{alerts:#?}"
    );
}
