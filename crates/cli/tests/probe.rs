//! `iotgate probe` against real services (BusyBox telnetd and httpd, Mosquitto, an asyncssh
//! server) with and
//! without a factory-default password, inside a network namespace the test creates: every
//! packet stays inside it. Also: the probe refuses to run without one explicit address.

mod common;

use common::sh;

use std::path::Path;
use std::process::{Child, Command, Output};

const STRONG: &str = "Vx9-unique-Q2r";

/// A network namespace with services on loopback addresses, removed on drop.
struct Lab {
    ns: String,
    /// The scratch folder, removed when dropped (after the processes are stopped).
    dir: tempfile::TempDir,
    children: Vec<Child>,
}

impl Drop for Lab {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        let _ = Command::new("ip").args(["netns", "del", &self.ns]).status();
    }
}

/// A login program for BusyBox telnetd that accepts `admin` with `password`, then gives a
/// shell-like prompt — how many cameras' Telnet logins behave.
fn login_script(dir: &Path, name: &str, password: &str) -> String {
    let p = dir.join(name);
    std::fs::write(
        &p,
        format!(
            "#!/bin/sh\nprintf 'camera login: '\nread u\nprintf 'Password: '\nread p\necho\n\
             if [ \"$u\" = admin ] && [ \"$p\" = '{password}' ]; then\n\
             echo 'BusyBox v1.22.1 built-in shell (ash)'\nprintf '# '\nread x\nexit 0\nfi\n\
             echo 'Login incorrect'\nexit 1\n"
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p.display().to_string()
}

impl Lab {
    fn spawn(&mut self, args: &[&str]) {
        let c = Command::new("ip")
            .args(["netns", "exec", &self.ns])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("service starts");
        self.children.push(c);
    }

    /// Runs iotgate inside the namespace.
    fn iotgate(&self, args: &[&str]) -> Output {
        Command::new("ip")
            .args(["netns", "exec", &self.ns, env!("CARGO_BIN_EXE_iotgate")])
            .args(args)
            .output()
            .unwrap()
    }

    fn probe(&self, addr: &str) -> serde_json::Value {
        let o = self.iotgate(&["probe", addr, "--rate", "100", "--format", "json"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("Only probe devices you own"), "{err}");
        serde_json::from_slice(&o.stdout).unwrap()
    }

    /// Waits until every service accepts connections.
    fn wait_for(&self, addrs: &[&str]) {
        let list = addrs.join(" ");
        let script = format!(
            "import socket,sys,time\nfor a in '{list}'.split():\n    h,p=a.rsplit(':',1)\n    \
             for i in range(600):\n        try:\n            socket.create_connection((h,int(p)),0.2).close();break\n        \
             except OSError: time.sleep(0.05)\n    else: sys.exit('no '+a)\n"
        );
        let o = Command::new("ip")
            .args(["netns", "exec", &self.ns, "python3", "-c", &script])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

fn lab() -> Option<Lab> {
    if !common::netns_allowed("network namespaces") {
        return None;
    }
    let id = std::process::id() % 100_000;
    let tmp = tempfile::Builder::new()
        .prefix("iotgate-probe-")
        .tempdir()
        .unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::write(dir.join("www/index.html"), "camera\n").unwrap();
    let ns = format!("igp{id}");
    sh(&["ip", "netns", "add", &ns]);
    let mut lab = Lab {
        ns,
        dir: tmp,
        children: Vec::new(),
    };
    sh(&["ip", "-n", &lab.ns, "link", "set", "lo", "up"]);
    let d = |f: &str| dir.join(f).display().to_string();
    let weak = login_script(&dir, "weak.sh", "admin");
    let strong = login_script(&dir, "strong.sh", STRONG);
    std::fs::write(dir.join("weak.conf"), "/:admin:admin\n").unwrap();
    std::fs::write(dir.join("strong.conf"), format!("/:admin:{STRONG}\n")).unwrap();
    sh(&[
        "mosquitto_passwd",
        "-c",
        "-b",
        &d("weak.pw"),
        "admin",
        "admin",
    ]);
    sh(&[
        "mosquitto_passwd",
        "-c",
        "-b",
        &d("strong.pw"),
        "admin",
        STRONG,
    ]);
    let conf = |name: &str, addr: &str, extra: &str| {
        std::fs::write(dir.join(name), format!("listener 1883 {addr}\n{extra}\n")).unwrap();
        d(name)
    };
    let mq_weak = conf(
        "weak-mq.conf",
        "127.0.0.4",
        &format!("allow_anonymous false\npassword_file {}", d("weak.pw")),
    );
    let mq_strong = conf(
        "strong-mq.conf",
        "127.0.0.2",
        &format!("allow_anonymous false\npassword_file {}", d("strong.pw")),
    );
    let mq_open = conf("open-mq.conf", "127.0.0.5", "allow_anonymous true");
    for f in ["weak.pw", "strong.pw"] {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir.join(f), std::fs::Permissions::from_mode(0o644));
    }
    let www = d("www");
    let ssh_weak = common::ssh_server_script(
        &dir,
        "ssh-weak.py",
        ("127.0.0.7", 22),
        "dropbear_2014.63",
        "admin",
    );
    let ssh_strong = common::ssh_server_script(
        &dir,
        "ssh-strong.py",
        ("127.0.0.2", 22),
        "dropbear_2014.63",
        STRONG,
    );
    // 127.0.0.1: a camera whose Telnet takes admin/admin (its web page does not).
    lab.spawn(&[
        "busybox",
        "telnetd",
        "-F",
        "-b",
        "127.0.0.1:23",
        "-l",
        &weak,
    ]);
    lab.spawn(&[
        "busybox",
        "httpd",
        "-f",
        "-p",
        "127.0.0.1:80",
        "-h",
        &www,
        "-c",
        &d("strong.conf"),
    ]);
    // 127.0.0.2: the same services, each with a password of its own.
    lab.spawn(&[
        "busybox",
        "telnetd",
        "-F",
        "-b",
        "127.0.0.2:23",
        "-l",
        &strong,
    ]);
    lab.spawn(&[
        "busybox",
        "httpd",
        "-f",
        "-p",
        "127.0.0.2:80",
        "-h",
        &www,
        "-c",
        &d("strong.conf"),
    ]);
    lab.spawn(&["mosquitto", "-c", &mq_strong]);
    lab.spawn(&["python3", &ssh_strong]);
    // 127.0.0.7: SSH that takes admin/admin.
    lab.spawn(&["python3", &ssh_weak]);
    // 127.0.0.3: a web page behind admin/admin; .4: an MQTT broker with admin/admin; .5: one
    // that asks for nothing.
    lab.spawn(&[
        "busybox",
        "httpd",
        "-f",
        "-p",
        "127.0.0.3:8080",
        "-h",
        &www,
        "-c",
        &d("weak.conf"),
    ]);
    lab.spawn(&["mosquitto", "-c", &mq_weak]);
    lab.spawn(&["mosquitto", "-c", &mq_open]);
    lab.wait_for(&[
        "127.0.0.1:23",
        "127.0.0.1:80",
        "127.0.0.2:23",
        "127.0.0.2:80",
        "127.0.0.2:1883",
        "127.0.0.3:8080",
        "127.0.0.4:1883",
        "127.0.0.5:1883",
        "127.0.0.2:22",
        "127.0.0.7:22",
    ]);
    Some(lab)
}

fn open_ports(r: &serde_json::Value) -> Vec<u64> {
    r["open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["port"].as_u64().unwrap())
        .collect()
}

#[test]
fn default_passwords_are_found_and_unique_ones_are_not() {
    let Some(lab) = lab() else { return };

    let weak = lab.probe("127.0.0.1");
    assert_eq!(open_ports(&weak), vec![23, 80]);
    assert_eq!(weak["accepted"]["service"], "telnet");
    assert_eq!(weak["accepted"]["user"], "admin");
    assert_eq!(weak["accepted"]["port"], 23);
    let banner = weak["open"][0]["banner"].as_str().unwrap();
    assert!(banner.contains("login"), "{banner}");

    let strong = lab.probe("127.0.0.2");
    assert_eq!(open_ports(&strong), vec![22, 23, 80, 1883]);
    let ssh_banner = strong["open"][0]["banner"].as_str().unwrap();
    assert!(ssh_banner.contains("dropbear_2014.63"), "{ssh_banner}");
    assert!(strong["accepted"].is_null(), "{strong}");
    let refused: Vec<&str> = strong["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert_eq!(refused, vec!["ssh", "telnet", "http", "mqtt"]);
    assert!(strong["anonymous"].as_array().unwrap().is_empty());

    let web = lab.probe("127.0.0.3");
    assert_eq!(web["accepted"]["service"], "http");
    assert_eq!(web["accepted"]["port"], 8080);
    let mqtt = lab.probe("127.0.0.4");
    assert_eq!(mqtt["accepted"]["service"], "mqtt");
    let ssh = lab.probe("127.0.0.7");
    assert_eq!(ssh["accepted"]["service"], "ssh");
    assert_eq!(ssh["accepted"]["user"], "admin");
    let open = lab.probe("127.0.0.5");
    assert!(open["accepted"].is_null());
    assert_eq!(open["anonymous"][0][0], "mqtt");
    // Nothing listens on .6: every port is tried once, at the rate given, and none is open.
    let none = lab.probe("127.0.0.6");
    assert!(open_ports(&none).is_empty());
    assert_eq!(none["attempts"], 13);

    // The acceptance run: one label from the simulator's capture of a device that logs in over
    // Telnet, plus the probe of the namespace's camera that takes admin/admin, fails
    // EN 303 645 5.1-1, UK PSTI 1, OWASP I1 and EN 18031 AUM-5 together, with the evidence.
    let pcap = lab.dir.path().join("sim.pcap");
    let truth = common::simulate(
        &pcap,
        &iotgate_sim::Options {
            devices: 8,
            packets: 60_000,
            seed: 9,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    let cam = truth.devices.iter().find(|d| d.infected).unwrap();
    let o = lab.iotgate(&[
        "label",
        "--format",
        "json",
        "--date",
        "2026-11-22",
        "--capture",
        &pcap.display().to_string(),
        "--device",
        &cam.mac,
        "--probe",
        "127.0.0.1",
        "--rate",
        "100",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let l: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let req = |fw: &str, id: &str| {
        l["frameworks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == fw)
            .unwrap()["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    for (fw, id) in [
        ("en303645", "5.1-1"),
        ("psti", "1"),
        ("owasp", "I1"),
        ("en18031", "AUM-5-1"),
        ("en303645", "5.6-1"),
        ("en303645", "5.1-3"),
    ] {
        let r = req(fw, id);
        assert_eq!(r["outcome"], "fail", "{fw}:{id}: {r}");
    }
    let ev = req("psti", "1")["evidence"].to_string();
    assert!(
        ev.contains("Telnet") && ev.contains("port 23") && ev.contains("admin"),
        "{ev}"
    );
    assert_eq!(l["sources"], serde_json::json!(["capture", "probe"]));
}

#[test]
fn the_probe_needs_one_explicit_address() {
    let exe = env!("CARGO_BIN_EXE_iotgate");
    // No address: refused by the command line itself, nothing sent.
    let o = Command::new(exe).arg("probe").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    for (target, word) in [
        ("192.168.1.0/24", "range"),
        ("10.0.0.1-20", "range"),
        ("camera.local", "not an IP address"),
        ("255.255.255.255", "not one device"),
        ("0.0.0.0", "not one device"),
        ("ff02::1", "not one device"),
    ] {
        let o = Command::new(exe).args(["probe", target]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{target}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(word), "{target}: {err}");
        assert!(
            !err.contains("probing"),
            "{target}: refused before any warning or traffic"
        );
    }
    // `label --probe` refuses the same way, before reading captures.
    let o = Command::new(exe)
        .args([
            "label",
            "--capture",
            "x.pcap",
            "--device",
            "02:00:00:00:00:01",
            "--probe",
            "10.0.0.0/8",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("range"));
}
