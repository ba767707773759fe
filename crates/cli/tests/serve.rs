//! `iotgate serve` over HTTP on loopback: first-run setup, sign-in, the device list with the
//! simulator's infected camera and its alert, acknowledging and muting, switching to French,
//! CSRF refusals, login limits, the JSON API with and without a token, bad input answered with
//! a 4xx, and a restart that finds everything again.

mod common;
#[path = "support/tls.rs"]
mod tls;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// An HTTP answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value `name=` takes in a Set-Cookie of the answer.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| {
                v.split(';')
                    .next()?
                    .trim()
                    .strip_prefix(&format!("{name}="))
            })
            .map(str::to_owned)
            .next_back()
    }
}

/// One HTTP/1.1 request on a new connection (`Connection: close`), nothing followed.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Form encoding of `pairs`.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of the hidden `csrf` field of the first form on a page.
fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field");
    let rest = &page[at + 19..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// A running `iotgate serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    setup: Option<String>,
    said: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &Path, capture: &Path) -> Server {
    start_at(db, capture, "0")
}

/// `start` with the replay at `speed` times the capture's pace.
fn start_at(db: &Path, capture: &Path, speed: &str) -> Server {
    start_with(db, capture, speed, &[])
}

/// `start_at` with more arguments for `serve`.
fn start_with(db: &Path, capture: &Path, speed: &str, more: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "serve", "--replay"])
        .arg(capture)
        .args(["--speed", speed, "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .args(more)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let (mut addr, mut setup) = (None, None);
    let mut line = String::new();
    while addr.is_none() {
        line.clear();
        assert!(err.read_line(&mut line).unwrap() > 0, "serve ended early");
        if let Some(url) = line
            .split_whitespace()
            .find(|w| w.contains("/setup?token="))
        {
            setup = Some(url[url.find("/setup").unwrap()..].to_string());
        }
        if let Some(u) = line.split_whitespace().find(|w| w.starts_with("http://")) {
            if line.contains("dashboard on") {
                let hostport = u.trim_start_matches("http://").trim_end_matches('/');
                addr = Some(hostport.parse().unwrap());
            }
        }
    }
    // Standard error keeps being read, so that the server never blocks on a full pipe; kept
    // to show when a test fails.
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let keep = said.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        while err.read_line(&mut line).unwrap_or(0) > 0 {
            keep.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
    Server {
        child,
        addr: addr.unwrap(),
        setup,
        said,
    }
}

/// A scratch folder for one test, removed when dropped (even when the test fails).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("iotgate-serve-{name}-"))
        .tempdir()
        .unwrap()
}

/// Waits (a few seconds at most) until `f` holds.
fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(30), "never: {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_gateway_dashboard_from_setup_to_restart() {
    let tmp = scratch("flow");
    let dir = tmp.path();
    let capture = dir.join("home.pcap");
    let truth = common::simulate(
        &capture,
        &iotgate_sim::Options {
            devices: 6,
            packets: 30_000,
            seed: 3,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    let camera = truth
        .devices
        .iter()
        .find(|d| d.infected)
        .expect("an infected device")
        .clone();
    let db = dir.join("gw.db");
    let srv = start(&db, &capture);
    let a = srv.addr;

    // Nobody yet: no page without signing in, and no sign-in without a user.
    let r = http(a, "GET", "/", &[], "");
    assert_eq!((r.status, r.header("location")), (303, Some("/login")));
    let r = http(a, "GET", "/login", &[], "");
    assert!(r.body.contains("iotgate user add"), "{}", r.body);
    assert_eq!(http(a, "GET", "/setup?token=0000", &[], "").status, 404);
    // Every answer carries the security headers.
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));

    // First-run setup through the printed link; it signs the new user in.
    let link = srv.setup.clone().expect("a setup link");
    let r = http(a, "GET", &link, &[], "");
    assert_eq!(r.status, 200);
    let pre = r.cookie("iotgate_pre").unwrap();
    let csrf = csrf_of(&r.body);
    let setup_token = link.split("token=").nth(1).unwrap();
    let body = form(&[
        ("csrf", &csrf),
        ("token", setup_token),
        ("name", "alice"),
        ("password", "correct horse battery"),
    ]);
    let cookie = format!("iotgate_pre={pre}");
    // Without the pre-session cookie (another site's page posting the form): refused.
    assert_eq!(http(a, "POST", "/setup", &[], &body).status, 403);
    let r = http(a, "POST", "/setup", &[("Cookie", &cookie)], &body);
    assert_eq!(r.status, 303, "{}", r.body);
    let session = r.cookie("iotgate_session").expect("signed in");
    let set = r
        .headers
        .iter()
        .find(|(k, v)| k.eq_ignore_ascii_case("set-cookie") && v.starts_with("iotgate_session="))
        .unwrap()
        .1
        .clone();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    // The link works once.
    assert_eq!(
        http(a, "POST", "/setup", &[("Cookie", &cookie)], &body).status,
        404
    );
    let me = format!("iotgate_session={session}");
    let auth = [("Cookie", me.as_str())];

    // The infected camera shows with its alert once the replay has been written.
    let mut last = String::new();
    let t = Instant::now();
    loop {
        let r = http(a, "GET", "/", &auth, "");
        if r.status == 200 && r.body.contains(&camera.mac) && r.body.contains("open alert") {
            break;
        }
        last = format!("{} {}", r.status, r.body);
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "never listed: {last}\nthe server said: {}",
            srv.said.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = last;
    let r = http(a, "GET", &format!("/devices/{}", camera.mac), &auth, "");
    assert_eq!(r.status, 200);
    assert!(r.body.contains(&camera.hostname), "{}", r.body);
    assert!(r.body.contains("Mirai"), "{}", r.body);
    let csrf = csrf_of(&r.body);
    let id: String = {
        let at = r.body.find("/alerts/").unwrap() + 8;
        r.body[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };

    // Acknowledge: refused without the CSRF token, or with another; done with it.
    let ack = format!("/alerts/{id}/ack");
    assert_eq!(http(a, "POST", &ack, &auth, "").status, 403);
    assert_eq!(
        http(a, "POST", &ack, &auth, &form(&[("csrf", "forged")])).status,
        403
    );
    assert_eq!(
        http(a, "POST", &ack, &[], &form(&[("csrf", &csrf)])).status,
        403,
        "no session"
    );
    let r = http(a, "POST", &ack, &auth, &form(&[("csrf", &csrf)]));
    assert_eq!(r.status, 303);
    let r = http(a, "GET", "/alerts", &auth, "");
    assert!(r.body.contains("Acknowledged by alice"), "{}", r.body);
    // Mute for a day; a bad duration is a 400.
    let mute = format!("/alerts/{id}/mute");
    assert_eq!(
        http(
            a,
            "POST",
            &mute,
            &auth,
            &form(&[("csrf", &csrf), ("hours", "lots")])
        )
        .status,
        400
    );
    assert_eq!(
        http(
            a,
            "POST",
            &mute,
            &auth,
            &form(&[("csrf", &csrf), ("hours", "24")])
        )
        .status,
        303
    );
    let r = http(a, "GET", "/actions", &auth, "");
    assert!(r.body.contains("muted alerts") && r.body.contains("acknowledged an alert"));

    // French, from every page's switch.
    let r = http(
        a,
        "POST",
        "/lang",
        &auth,
        &form(&[("csrf", &csrf), ("lang", "fr"), ("back", "/alerts")]),
    );
    assert_eq!((r.status, r.header("location")), (303, Some("/alerts")));
    let r = http(a, "GET", "/alerts", &auth, "");
    assert!(
        r.body.contains("Pris acte par alice") && r.body.contains("Balayage"),
        "{}",
        r.body
    );
    // A redirect after a form never leaves the site.
    let r = http(
        a,
        "POST",
        "/lang",
        &auth,
        &form(&[("csrf", &csrf), ("lang", "en"), ("back", "//evil.example/")]),
    );
    assert_eq!(r.header("location"), Some("/"));

    // Bad input: a clear 4xx, never a crash.
    assert_eq!(http(a, "GET", "/devices/zz:zz", &auth, "").status, 404);
    assert_eq!(
        http(a, "GET", "/devices/02:00:00:00:00:99", &auth, "").status,
        404
    );
    assert_eq!(
        http(
            a,
            "POST",
            "/alerts/abc/ack",
            &auth,
            &form(&[("csrf", &csrf)])
        )
        .status,
        404
    );
    assert_eq!(
        http(
            a,
            "POST",
            "/alerts/99999/ack",
            &auth,
            &form(&[("csrf", &csrf)])
        )
        .status,
        404
    );
    let big = form(&[("csrf", &csrf), ("x", &"a".repeat(40_000))]);
    assert_eq!(http(a, "POST", "/lang", &auth, &big).status, 413);
    assert_eq!(http(a, "GET", "/nothing-here", &auth, "").status, 404);

    // The API: 401 without a token (JSON, with WWW-Authenticate), the devices with one.
    let r = http(a, "GET", "/api/v1/devices", &[], "");
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert!(r.body.contains("\"error\":\"unauthorized\""));
    assert_eq!(
        http(
            a,
            "GET",
            "/api/v1/devices",
            &[("Authorization", "Bearer nope")],
            ""
        )
        .status,
        401
    );
    let bearer = format!("Bearer {}", token(&db));
    let api = [("Authorization", bearer.as_str())];
    let r = http(a, "GET", "/api/v1/devices", &api, "");
    assert_eq!(r.status, 200);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let devices = v["devices"].as_array().unwrap();
    assert!(devices.len() >= truth.devices.len(), "{}", devices.len());
    let r = http(
        a,
        "GET",
        &format!("/api/v1/devices/{}?lang=fr", camera.mac),
        &api,
        "",
    );
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(v["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["kind"] == "scan"));
    assert_eq!(
        http(a, "GET", "/api/v1/devices/not-a-mac", &api, "").status,
        400
    );
    assert_eq!(
        http(a, "GET", "/api/v1/alerts?limit=0", &api, "").status,
        400
    );
    assert_eq!(
        http(a, "GET", "/api/v1/alerts?limit=5", &api, "").status,
        200
    );
    // Pages of the device list.
    let r = http(a, "GET", "/api/v1/devices?limit=2&offset=1", &api, "");
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["devices"].as_array().unwrap().len(), 2);
    assert_eq!(v["offset"], 1);
    assert!(v["total"].as_u64().unwrap() >= truth.devices.len() as u64);
    for bad in ["limit=0", "limit=5001", "offset=-1", "limit=x"] {
        let r = http(a, "GET", &format!("/api/v1/devices?{bad}"), &api, "");
        assert_eq!(r.status, 400, "{bad}");
    }
    // Prometheus metrics, behind the same tokens.
    assert_eq!(http(a, "GET", "/metrics", &[], "").status, 401);
    let r = http(a, "GET", "/metrics", &api, "");
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let value = |name: &str| -> u64 {
        r.body
            .lines()
            .find(|l| l.starts_with(name) && !l.starts_with('#'))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{name} in {}", r.body))
    };
    assert_eq!(value("iotgate_packets_total"), truth.packets);
    assert!(value("iotgate_alerts{severity=\"high\"}") >= 1);
    assert!(value("iotgate_devices") >= truth.devices.len() as u64);
    assert!(value("iotgate_database_bytes") > 0);
    assert!(r.body.contains("# TYPE iotgate_dropped_total counter"));

    // Sign out: the session no longer opens pages.
    assert_eq!(
        http(a, "POST", "/logout", &auth, &form(&[("csrf", &csrf)])).status,
        303
    );
    assert_eq!(http(a, "GET", "/", &auth, "").status, 303);

    // Wrong passwords: refused, then the account locks.
    let r = http(a, "GET", "/login", &[], "");
    let (pre, csrf) = (r.cookie("iotgate_pre").unwrap(), csrf_of(&r.body));
    let c = format!("iotgate_pre={pre}");
    for _ in 0..5 {
        let r = http(
            a,
            "POST",
            "/login",
            &[("Cookie", &c)],
            &form(&[
                ("csrf", &csrf),
                ("name", "alice"),
                ("password", "wrong password!"),
            ]),
        );
        assert_eq!(r.status, 401);
    }
    let r = http(
        a,
        "POST",
        "/login",
        &[("Cookie", &c)],
        &form(&[
            ("csrf", &csrf),
            ("name", "alice"),
            ("password", "correct horse battery"),
        ]),
    );
    assert_eq!(r.status, 429, "locked even with the right password");
    assert!(r.body.contains("locked"));
    drop(srv);

    // Restart on the same database: the user (unlocked by hand) and everything seen are there.
    assert!(unlock(&db));
    let srv = start(&db, &capture);
    assert!(srv.setup.is_none(), "no setup link once a user exists");
    let r = http(srv.addr, "GET", "/login", &[], "");
    let (pre, csrf) = (r.cookie("iotgate_pre").unwrap(), csrf_of(&r.body));
    let c = format!("iotgate_pre={pre}");
    let r = http(
        srv.addr,
        "POST",
        "/login",
        &[("Cookie", &c)],
        &form(&[
            ("csrf", &csrf),
            ("name", "alice"),
            ("password", "correct horse battery"),
        ]),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let me = format!("iotgate_session={}", r.cookie("iotgate_session").unwrap());
    let r = http(srv.addr, "GET", "/alerts", &[("Cookie", &me)], "");
    assert!(
        r.body.contains("Acknowledged by alice") || r.body.contains("Pris acte par alice"),
        "{}",
        r.body
    );
    drop(srv);
}

/// Unlocks every account of the database at `db` (what an operator would do with the
/// `sqlite3` tool), through the store the daemon uses.
fn unlock(db: &Path) -> bool {
    let mut s = iotgate_store::Store::open(db).unwrap();
    let u = s.user("alice").unwrap().unwrap();
    s.login_result(u.id, true, None).is_ok()
}

/// The systemd unit under `dist/` is one systemd accepts (with this build's binary in place of
/// the installed path), when systemd's tools are there.
#[test]
fn the_systemd_unit_verifies() {
    let Ok(out) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("skipped: systemd-analyze is not installed");
        return;
    };
    assert!(out.status.success());
    let unit = std::fs::read_to_string(common::root().join("dist/iotgate.service")).unwrap();
    assert!(unit.contains("ExecStart=/usr/local/bin/iotgate serve"));
    let tmp = scratch("unit");
    let dir = tmp.path();
    let path = dir.join("iotgate.service");
    std::fs::write(
        &path,
        unit.replace("/usr/local/bin/iotgate", env!("CARGO_BIN_EXE_iotgate")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A new API token for the database at `db`, as `iotgate token create` prints it.
fn token(db: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["token", "create", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `kill -9` while a capture is being replayed: what the dashboard showed is in the database,
/// which SQLite finds intact, and a restarted gateway shows it again.
#[test]
fn kill_9_during_a_replay_keeps_what_was_shown() {
    let tmp = scratch("kill");
    let dir = tmp.path();
    let capture = dir.join("home.pcap");
    let truth = common::simulate(
        &capture,
        &iotgate_sim::Options {
            devices: 10,
            packets: 300_000,
            seed: 11,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    let db = dir.join("gw.db");
    let bearer = format!("Bearer {}", token(&db));
    let api = [("Authorization", bearer.as_str())];
    let shown = |addr| -> (Vec<String>, Vec<i64>) {
        let r = http(addr, "GET", "/api/v1/devices?limit=5000", &api, "");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let macs = v["devices"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["macs"].as_array().unwrap().clone())
            .map(|m| m.as_str().unwrap().to_string())
            .collect();
        let r = http(addr, "GET", "/api/v1/alerts?limit=10000", &api, "");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let ids = v["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        (macs, ids)
    };
    // Fast enough to be quick, slow enough to be killed mid-replay.
    let mut srv = start_at(&db, &capture, "40");
    let mut seen = (Vec::new(), Vec::new());
    eventually("devices and an alert shown", || {
        seen = shown(srv.addr);
        seen.0.len() >= 3 && !seen.1.is_empty()
    });
    // Still replaying when killed.
    let m = http(srv.addr, "GET", "/metrics", &api, "").body;
    let fed: u64 = m
        .lines()
        .find_map(|l| l.strip_prefix("iotgate_packets_total "))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(fed < truth.packets, "{fed} of {} already", truth.packets);
    srv.child.kill().unwrap(); // SIGKILL
    srv.child.wait().unwrap();
    {
        let s = iotgate_store::Store::open(&db).expect("reopens");
        assert_eq!(s.integrity_check().unwrap(), "ok");
        for mac in &seen.0 {
            assert!(s.device_by_mac(mac).unwrap().is_some(), "{mac} lost");
        }
        for id in &seen.1 {
            assert!(s.alert(*id).unwrap().is_some(), "alert {id} lost");
        }
    }
    drop(srv);

    // Restarted on another capture: what was shown before is shown again.
    let other = common::data().join("pcap/iot-sentinel/Aria/Setup-A-1-STA.pcap");
    let srv = start(&db, &other);
    let again = shown(srv.addr);
    for mac in &seen.0 {
        assert!(again.0.contains(mac), "{mac} not shown after restart");
    }
    for id in &seen.1 {
        assert!(again.1.contains(id), "alert {id} not shown after restart");
    }
    drop(srv);
}

/// Every occurrence of `from` in `b` replaced by `to` (the same length).
fn replace_all(b: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= b.len() {
        if &b[i..i + from.len()] == from {
            b[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

/// The records of a classic pcap with their timestamps moved `secs` later.
fn shifted_records(pcap: &[u8], secs: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let incl = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let ts = u32::from_le_bytes(pcap[at..at + 4].try_into().unwrap()) + secs;
        out.extend_from_slice(&ts.to_le_bytes());
        out.extend_from_slice(&pcap[at + 4..at + 16 + incl]);
        at += 16 + incl;
    }
    out
}

/// The time, in whole seconds, of a classic pcap's last record.
fn last_secs(pcap: &[u8]) -> u32 {
    let (mut at, mut last) = (24, 0);
    while at + 16 <= pcap.len() {
        last = u32::from_le_bytes(pcap[at..at + 4].try_into().unwrap());
        at += 16 + u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
    }
    last
}

fn mac_bytes(mac: &str) -> Vec<u8> {
    mac.split(':')
        .map(|x| u8::from_str_radix(x, 16).unwrap())
        .collect()
}

/// A phone that comes back with a new random MAC and a new IPv6 privacy address is one device
/// with both MACs; a second phone of the same model (same DHCP fingerprint, another name) stays a
/// device of its own; and the operator can split a merge.
#[test]
fn a_device_back_under_a_new_random_mac_is_one_device() {
    let tmp = scratch("identity");
    let dir = tmp.path();
    let first = dir.join("first.pcap");
    let truth = common::simulate(
        &first,
        &iotgate_sim::Options {
            devices: 8,
            packets: 40_000,
            seed: 7,
            infected: 0,
            flood: false,
            stealthy: 0,
        },
    );
    let phone = truth
        .devices
        .iter()
        .find(|d| d.kind == "phone")
        .expect("a phone in the simulated home")
        .clone();
    let a = std::fs::read(&first).unwrap();
    // The same home two hours later, the phone on a new random MAC; four hours later, a second
    // phone of the same model (its own random MAC, another name).
    let (r1, r2) = ("da:a1:19:5e:00:01", "2a:b2:19:5e:00:02");
    let mut b = a.clone();
    assert!(replace_all(&mut b, &mac_bytes(&phone.mac), &mac_bytes(r1)) > 0);
    let mut c = a.clone();
    assert!(replace_all(&mut c, &mac_bytes(&phone.mac), &mac_bytes(r2)) > 0);
    let twin: String = phone
        .hostname
        .chars()
        .map(|ch| if ch.is_ascii_alphabetic() { 'x' } else { ch })
        .collect();
    assert!(replace_all(&mut c, phone.hostname.as_bytes(), twin.as_bytes()) > 0);
    // Each time, the phone also talks over IPv6 from a new temporary (privacy) address.
    let end = last_secs(&a);
    let v6 = |mac: &str, addr: &str, at: u32| -> Vec<u8> {
        use common::frames::{dns_query, ip_ttl, pcap, tcp, udp};
        let (m, router) = (mac_bytes(mac), [0x3c, 0xa6, 0x2f, 0x5e, 0x11, 0x01]);
        let me: std::net::IpAddr = addr.parse().unwrap();
        let mut m6 = [0u8; 6];
        m6.copy_from_slice(&m);
        let ns = i64::from(at) * 1_000_000_000;
        let frames = vec![
            (
                ns,
                ip_ttl(
                    m6,
                    router,
                    me,
                    "2001:db8:1::1".parse().unwrap(),
                    64,
                    17,
                    &udp(50_000, 53, &dns_query(7, "example.com")),
                ),
            ),
            (
                ns + 1_000_000,
                ip_ttl(
                    m6,
                    router,
                    me,
                    "2001:db8:99::443".parse().unwrap(),
                    64,
                    6,
                    &tcp(50_001, 443, 1, 0, 0x02),
                ),
            ),
        ];
        pcap(&frames)[24..].to_vec()
    };
    let (p1, p2, p3) = (
        "2001:db8:1:0:8d3a:11f2:6b0e:29c4",
        "2001:db8:1:0:3f7e:a90d:c215:7b66",
        "2001:db8:1:0:e2c4:5b19:0af3:d801",
    );
    let mut all = a.clone();
    all.extend(v6(&phone.mac, p1, end + 1));
    all.extend(shifted_records(&b, 7_200));
    all.extend(v6(r1, p2, end + 7_201));
    all.extend(shifted_records(&c, 14_400));
    all.extend(v6(r2, p3, end + 14_401));
    let capture = dir.join("days.pcap");
    std::fs::write(&capture, all).unwrap();

    let db = dir.join("gw.db");
    let bearer = format!("Bearer {}", token(&db));
    let api = [("Authorization", bearer.as_str())];
    let srv = start(&db, &capture);
    let device = |mac: &str| -> serde_json::Value {
        let r = http(srv.addr, "GET", &format!("/api/v1/devices/{mac}"), &api, "");
        serde_json::from_str(&r.body).unwrap_or(serde_json::Value::Null)
    };
    eventually("the twin seen", || device(r2)["id"].is_i64());
    let p = device(&phone.mac);
    let macs: Vec<&str> = p["macs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(
        macs.contains(&r1) && macs.contains(&phone.mac.as_str()),
        "{macs:?}"
    );
    assert_eq!(device(r1)["id"], p["id"]);
    // Its new privacy address is on it, and made no device of its own.
    let shown = p["report"]["ipv6"].to_string();
    assert!(shown.contains(p2), "{shown}");
    let all_devices = http(srv.addr, "GET", "/api/v1/devices", &api, "").body;
    let v: serde_json::Value = serde_json::from_str(&all_devices).unwrap();
    let macs: Vec<String> = v["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["macs"].to_string())
        .collect();
    // The simulated devices (the phone once), the home's router, and the twin.
    assert_eq!(v["total"], truth.devices.len() + 2, "{macs:?}");
    let t = device(r2);
    assert_ne!(
        t["id"], p["id"],
        "the second phone of the same model is separate"
    );
    assert_eq!(t["macs"].as_array().unwrap().len(), 1);
    drop(srv);

    // The operator disagrees: r1 split off into a device of its own, on record.
    let mut s = iotgate_store::Store::open(&db).unwrap();
    let new = s.split(r1, "alice", 1).unwrap().expect("split");
    assert_ne!(Some(new), p["id"].as_i64());
    assert!(s
        .actions(None, 100)
        .unwrap()
        .iter()
        .any(|a| a.action == "merge" && a.reason.starts_with(r1)));
}

/// The webhook: a loopback endpoint receives each new alert of medium severity or worse as
/// JSON, and nothing below; a webhook that is not HTTPS (nor loopback) is refused at start.
#[test]
fn new_severe_alerts_are_posted_to_the_webhook() {
    let tmp = scratch("hook");
    let dir = tmp.path();
    let capture = dir.join("home.pcap");
    common::simulate(
        &capture,
        &iotgate_sim::Options {
            devices: 8,
            packets: 60_000,
            seed: 7,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    // The endpoint: answers 204 and keeps each body.
    let sink = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = sink.local_addr().unwrap().port();
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let keep = bodies.clone();
    std::thread::spawn(move || {
        for conn in sink.incoming() {
            let Ok(mut c) = conn else { continue };
            let mut r = BufReader::new(c.try_clone().unwrap());
            let mut len = 0usize;
            let mut line = String::new();
            while r.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0u8; len];
            if r.read_exact(&mut body).is_ok() {
                keep.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&body).to_string());
            }
            let _ = c.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let url = format!("http://127.0.0.1:{port}/hook");
    let db = dir.join("gw.db");
    let srv = start_with(&db, &capture, "0", &["--webhook", &url]);
    eventually("the camera's scan posted", || {
        bodies
            .lock()
            .unwrap()
            .iter()
            .any(|b| b.contains("\"mirai\""))
    });
    std::thread::sleep(Duration::from_secs(1));
    for b in bodies.lock().unwrap().iter() {
        let v: serde_json::Value = serde_json::from_str(b).unwrap();
        assert_eq!(v["schema"], "iotgate.webhook/1");
        let sev = v["alert"]["severity"].as_str().unwrap();
        assert!(sev == "medium" || sev == "high", "{b}");
        assert!(v["device"]["macs"].is_array(), "{b}");
    }
    drop(srv);

    // The same, with the URL set on the settings page instead (a plain-http address elsewhere
    // refused there too).
    let n = bodies.lock().unwrap().len();
    let db2 = dir.join("gw2.db");
    add_user(&db2, "alice", "correct horse battery");
    let srv = start_at(&db2, &capture, "0.000001");
    let me = sign_in(srv.addr, "alice", "correct horse battery");
    let auth = [("Cookie", me.as_str())];
    let csrf = csrf_of(&http(srv.addr, "GET", "/settings", &auth, "").body);
    let set = |u: &str| {
        let body = form(&[("csrf", &csrf), ("webhook", u)]);
        http(srv.addr, "POST", "/settings", &auth, &body).status
    };
    assert_eq!(set("http://hooks.example/x"), 400);
    assert_eq!(set(&url), 303);
    drop(srv);
    let srv = start(&db2, &capture);
    eventually(
        "the scan posted again, to the URL from the settings",
        || {
            bodies.lock().unwrap()[n..]
                .iter()
                .any(|b| b.contains("\"mirai\""))
        },
    );
    drop(srv);

    // Not HTTPS, not loopback: refused before anything starts.
    let out = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "serve", "--demo", "--db"])
        .arg(dir.join("other.db"))
        .args(["--webhook", "http://hooks.example/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("https://"));
    // A threshold the detectors do not have: refused, saying which, before the demonstration
    // writes anything.
    let child = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "serve", "--demo", "--db"])
        .arg(dir.join("other.db"))
        .args(["--detect", "no_such_threshold=3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no_such_threshold"));
    assert!(!std::env::temp_dir()
        .join(format!("iotgate-demo-{pid}"))
        .exists());
}

/// A simulated home with an infected camera (seed 3), a database with the user alice and an
/// API token.
struct Home {
    /// The scratch folder, removed when dropped (even when the test fails).
    dir: tempfile::TempDir,
    capture: PathBuf,
    cam: String,
    db: PathBuf,
    tok: String,
}

fn home(name: &str) -> Home {
    let dir = scratch(name);
    let capture = dir.path().join("home.pcap");
    let truth = common::simulate(
        &capture,
        &iotgate_sim::Options {
            devices: 6,
            packets: 30_000,
            seed: 3,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    let cam = truth
        .devices
        .iter()
        .find(|d| d.infected)
        .unwrap()
        .mac
        .clone();
    let db = dir.path().join("gw.db");
    add_user(&db, "alice", "correct horse battery");
    let tok = token(&db);
    Home {
        dir,
        capture,
        cam,
        db,
        tok,
    }
}

/// Signs `name` in; the session cookie, ready for a `Cookie` header.
fn sign_in(a: SocketAddr, name: &str, password: &str) -> String {
    let r = http(a, "GET", "/login", &[], "");
    let pre = format!("iotgate_pre={}", r.cookie("iotgate_pre").unwrap());
    let body = form(&[
        ("csrf", &csrf_of(&r.body)),
        ("name", name),
        ("password", password),
    ]);
    let r = http(a, "POST", "/login", &[("Cookie", &pre)], &body);
    assert_eq!(r.status, 303, "{}", r.body);
    format!("iotgate_session={}", r.cookie("iotgate_session").unwrap())
}

/// `iotgate user add NAME` with `password` on standard input.
fn add_user(db: &Path, name: &str, password: &str) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["user", "add", name, "--db"])
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    assert!(c.wait().unwrap().success());
}

/// A JSON API call with `token`: the status and the body.
fn api(a: SocketAddr, token: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let bearer = format!("Bearer {token}");
    let h: Vec<(&str, &str)> = if token.is_empty() {
        vec![]
    } else {
        vec![("Authorization", bearer.as_str())]
    };
    let r = http(a, method, path, &h, body);
    (r.status, r.body)
}

/// Quarantine without `--enforce`: settings saved from their page, a device put in quarantine
/// by the daemon itself on its high alert (recorded as a recommendation, said so on its page),
/// released and held again through the API and the device's page (CSRF and bad input refused),
/// the names it may still reach kept, and a release by itself after the clean period.
#[test]
fn quarantine_by_hand_by_itself_and_released_after_a_clean_period() {
    let Home {
        dir: _dir,
        capture,
        cam,
        db,
        tok,
    } = home("quarantine");

    // The settings, saved while the replay has not begun (a pace that never gets there).
    let srv = start_at(&db, &capture, "0.000001");
    let a = srv.addr;
    let me = sign_in(a, "alice", "correct horse battery");
    let auth = [("Cookie", me.as_str())];
    let page = http(a, "GET", "/settings", &auth, "");
    assert_eq!(page.status, 200);
    let csrf = csrf_of(&page.body);
    let save = |pairs: &[(&str, &str)]| http(a, "POST", "/settings", &auth, &form(pairs)).status;
    assert_eq!(
        save(&[("auto", "high"), ("release_hours", "0")]),
        403,
        "no CSRF"
    );
    for (field, bad) in [("resolvers", "10.0.0.53 nope"), ("release_hours", "-1")] {
        assert_eq!(save(&[("csrf", &csrf), (field, bad)]), 400, "{field}={bad}");
    }
    let ok = [
        ("csrf", csrf.as_str()),
        ("auto", "high"),
        ("release_hours", "0"),
        ("resolvers", "10.0.0.53, fd00::53"),
    ];
    assert_eq!(save(&ok), 303);
    let page = http(a, "GET", "/settings", &auth, "").body;
    assert!(
        page.contains("value=\"high\" selected") && page.contains("10.0.0.53 fd00::53"),
        "{page}"
    );
    drop(srv);

    // The replay: the camera's high alert puts it in quarantine, on record as the daemon's.
    let srv = start(&db, &capture);
    let a = srv.addr;
    let path = format!("/api/v1/devices/{cam}");
    eventually("the camera held by the daemon", || {
        let (st, body) = api(a, &tok, "GET", &path, "");
        st == 200 && body.contains("\"quarantine\":{") && body.contains("\"who\":\"iotgate\"")
    });
    let auth = [("Cookie", me.as_str())];
    let page = http(a, "GET", &format!("/devices/{cam}"), &auth, "").body;
    assert!(page.contains("In quarantine since"), "{page}");
    assert!(page.contains("Not enforced"), "{page}");
    // Its security label, made once its page asked: signed in only, SVG, in the reader's
    // language.
    let svg = format!("/devices/{cam}/label.svg");
    eventually("the camera's label", || {
        let _ = http(a, "GET", &format!("/devices/{cam}"), &auth, "");
        http(a, "GET", &svg, &auth, "").status == 200
    });
    let r = http(a, "GET", &svg, &auth, "");
    assert_eq!(r.header("content-type"), Some("image/svg+xml"));
    assert!(
        r.body.starts_with("<svg") || r.body.contains("<svg "),
        "{}",
        &r.body[..200.min(r.body.len())]
    );
    assert_eq!(http(a, "GET", &svg, &[], "").status, 303, "signed in only");
    let page = http(a, "GET", &format!("/devices/{cam}"), &auth, "").body;
    assert!(page.contains("label.svg"), "{page}");
    assert!(
        page.contains("quarantined the device"),
        "its actions on its page: {page}"
    );
    assert!(http(a, "GET", "/", &auth, "")
        .body
        .contains("in quarantine"));
    assert!(http(a, "GET", "/actions", &auth, "")
        .body
        .contains("quarantined the device"));

    // The API: a token, a MAC, a device, a body it can read.
    let rel = format!("{path}/release");
    assert_eq!(api(a, "", "POST", &rel, "").0, 401);
    assert_eq!(
        api(a, &tok, "POST", "/api/v1/devices/zz/release", "").0,
        400
    );
    assert_eq!(
        api(
            a,
            &tok,
            "POST",
            "/api/v1/devices/02:00:00:00:99:99/release",
            ""
        )
        .0,
        404
    );
    for bad in ["{", "[]", r#"{"reason": 7}"#, r#"{"allow": ["x"]}"#] {
        assert_eq!(api(a, &tok, "POST", &rel, bad).0, 400, "{bad}");
    }
    let (st, body) = api(a, &tok, "POST", &rel, r#"{"reason": "checked it"}"#);
    assert_eq!(st, 200, "{body}");
    assert!(
        body.contains("\"changed\":true") && body.contains("\"enforced\":false"),
        "{body}"
    );
    assert!(api(a, &tok, "POST", &rel, "")
        .1
        .contains("\"changed\":false"));
    assert!(api(a, &tok, "GET", &path, "")
        .1
        .contains("\"quarantine\":null"));
    let q = format!("{path}/quarantine");
    let bad_names = r#"{"allow": ["fine.example", "not a name"]}"#;
    assert_eq!(api(a, &tok, "POST", &q, bad_names).0, 400);

    // The device's page: held again by a click, the names it may reach saved.
    let page = http(a, "GET", &format!("/devices/{cam}"), &auth, "").body;
    let csrf = csrf_of(&page);
    let hold = format!("/devices/{cam}/quarantine");
    assert_eq!(http(a, "POST", &hold, &auth, "").status, 403);
    let r = http(
        a,
        "POST",
        &hold,
        &auth,
        &form(&[("csrf", &csrf), ("reason", "mine")]),
    );
    assert_eq!(r.status, 303);
    let allow = format!("/devices/{cam}/allow");
    let names = |n: &str| {
        http(
            a,
            "POST",
            &allow,
            &auth,
            &form(&[("csrf", &csrf), ("names", n)]),
        )
        .status
    };
    assert_eq!(names("fw.example.com\nnot a name!"), 400);
    assert_eq!(names("FW.example.com.\ncdn.example.com"), 303);
    let (_, body) = api(a, &tok, "GET", &path, "");
    assert!(
        body.contains(r#""allow":["cdn.example.com","fw.example.com"]"#),
        "{body}"
    );
    assert!(body.contains("\"who\":\"alice\""), "{body}");

    // A clean period of two seconds: released by the daemon.
    let csrf = csrf_of(&http(a, "GET", "/settings", &auth, "").body);
    let two_s = (2.0f64 / 3600.0).to_string();
    assert_eq!(
        http(
            a,
            "POST",
            "/settings",
            &auth,
            &form(&[("csrf", &csrf), ("release_hours", &two_s)])
        )
        .status,
        303
    );
    eventually("released after its clean period", || {
        api(a, &tok, "GET", &path, "")
            .1
            .contains("\"quarantine\":null")
    });
    let log = http(a, "GET", "/actions", &auth, "").body;
    assert!(
        log.contains("released the device") && log.contains("clean for 2 s"),
        "{log}"
    );

    // A MUD profile given on its page: a broken one refused with where it is broken; a good
    // one shown with what the camera did against it (its scan is not declared).
    let page = http(a, "GET", &format!("/devices/{cam}"), &auth, "").body;
    let csrf = csrf_of(&page);
    let mud = format!("/devices/{cam}/mud");
    let give = |profile: &str| {
        http(
            a,
            "POST",
            &mud,
            &auth,
            &form(&[("csrf", &csrf), ("profile", profile)]),
        )
    };
    let r = give(r#"{"ietf-mud:mud": {"mud-version": 1}}"#);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<code>$"), "{}", r.body);
    let profile = r#"{"ietf-mud:mud": {"mud-version": 1, "mud-url": "https://dlink.example/cam.json",
      "last-update": "2026-11-22T00:00:00Z", "cache-validity": 48, "is-supported": true,
      "from-device-policy": {"access-lists": {"access-list": [{"name": "fr"}]}}},
      "ietf-access-control-list:acls": {"acl": [{"name": "fr", "type": "ipv4-acl-type",
        "aces": {"ace": [{"name": "cloud", "matches": {"ipv4": {"protocol": 6,
          "ietf-acldns:dst-dnsname": "signal.mydlink.com"}}, "actions": {"forwarding": "accept"}}]}}]}}"#;
    assert_eq!(give(profile).status, 303);
    let page = http(a, "GET", &format!("/devices/{cam}"), &auth, "").body;
    assert!(
        page.contains("Held to https://dlink.example/cam.json"),
        "{page}"
    );
    assert!(page.contains("only compared"), "not enforced: {page}");
    assert!(page.contains("not in its profile"), "{page}");
    let (_, body) = api(a, &tok, "GET", &path, "");
    assert!(body.contains("\"declared\":false"), "{body}");
    let clear = format!("/devices/{cam}/mud/clear");
    assert_eq!(
        http(a, "POST", &clear, &auth, &form(&[("csrf", &csrf)])).status,
        303
    );
    assert!(api(a, &tok, "GET", &path, "").1.contains("\"mud\":null"));
    drop(srv);
}

/// A DHCP request from `mac` announcing `host` and the MUD URL `url` (option 161).
fn dhcp_announcing(mac: [u8; 6], host: &str, url: &str) -> Vec<u8> {
    let mut b = vec![1, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0x80, 0];
    b.extend_from_slice(&[0; 16]);
    b.extend_from_slice(&mac);
    b.extend_from_slice(&[0; 10 + 192]);
    b.extend_from_slice(&[0x63, 0x82, 0x53, 0x63, 53, 1, 3]);
    b.extend_from_slice(&[12, host.len() as u8]);
    b.extend_from_slice(host.as_bytes());
    b.extend_from_slice(&[161, url.len() as u8]);
    b.extend_from_slice(url.as_bytes());
    b.push(255);
    let udp = common::frames::udp(68, 67, &b);
    common::frames::ipv4(mac, [0xff; 6], [0, 0, 0, 0], [255, 255, 255, 255], 17, &udp)
}

/// MUD profiles from the URLs devices announce: fetched over HTTPS from a server on loopback
/// under a test CA once the settings hold trust anchors, kept when the signature verifies (the
/// device is then held to it, source "fetched"), refused and on record when the profile was
/// changed after signing; bad certificates in the settings are refused.
#[test]
fn announced_mud_profiles_are_fetched_and_verified() {
    use openssl::cms::{CMSOptions, CmsContentInfo};
    use tls::{cert, key, serve_shared};
    let tmp = scratch("mudfetch");
    let dir = tmp.path();
    let ca_key = key();
    let ca = cert("iotgate test CA", &ca_key, None);
    let signer_key = key();
    let signer = cert("maker signer", &signer_key, Some((&ca, &ca_key)));
    let files = std::sync::Arc::new(std::sync::RwLock::new(std::collections::HashMap::new()));
    let (port, _) = serve_shared(files.clone(), &ca, &ca_key);
    let profile = |name: &str| {
        format!(
            r#"{{"ietf-mud:mud": {{"mud-version": 1, "mud-url": "https://localhost:{port}/{name}.json",
              "last-update": "2026-11-22T00:00:00Z", "cache-validity": 48, "is-supported": true,
              "systeminfo": "a signed test profile",
              "from-device-policy": {{"access-lists": {{"access-list": [{{"name": "fr"}}]}}}}}},
              "ietf-access-control-list:acls": {{"acl": [{{"name": "fr", "type": "ipv4-acl-type",
                "aces": {{"ace": [{{"name": "up", "matches": {{"ipv4": {{"protocol": 6,
                  "ietf-acldns:dst-dnsname": "fw.maker.example"}}}}, "actions": {{"forwarding": "accept"}}}}]}}}}]}}}}"#
        )
        .into_bytes()
    };
    let sign = |body: &[u8]| {
        CmsContentInfo::sign(
            Some(&signer),
            Some(&signer_key),
            None,
            Some(body),
            CMSOptions::DETACHED | CMSOptions::BINARY,
        )
        .unwrap()
        .to_der()
        .unwrap()
    };
    {
        let mut f = files.write().unwrap();
        let good = profile("good");
        f.insert("/good.p7s".to_string(), sign(&good));
        f.insert("/good.json".to_string(), good);
        let bad = profile("bad");
        f.insert("/bad.p7s".to_string(), sign(&bad));
        let mut changed = bad.clone();
        let at = changed.windows(6).position(|w| w == b"signed").unwrap();
        changed[at] = b'S';
        f.insert("/bad.json".to_string(), changed);
    }
    let (good_mac, bad_mac) = ([2, 0, 0, 0, 0x61, 1], [2, 0, 0, 0, 0x61, 2]);
    let t0 = 1_764_000_000_000_000_000i64;
    let capture = dir.join("announce.pcap");
    std::fs::write(
        &capture,
        common::frames::pcap(&[
            (
                t0,
                dhcp_announcing(
                    good_mac,
                    "good-thing",
                    &format!("https://localhost:{port}/good.json"),
                ),
            ),
            (
                t0 + 1_000_000,
                dhcp_announcing(
                    bad_mac,
                    "bad-thing",
                    &format!("https://localhost:{port}/bad.json"),
                ),
            ),
        ]),
    )
    .unwrap();
    let db = dir.join("gw.db");
    add_user(&db, "alice", "correct horse battery");
    let tok = token(&db);

    // The trust anchors and TLS roots, from the settings page (the replay not begun).
    let srv = start_at(&db, &capture, "0.000001");
    let a = srv.addr;
    let me = sign_in(a, "alice", "correct horse battery");
    let auth = [("Cookie", me.as_str())];
    let csrf = csrf_of(&http(a, "GET", "/settings", &auth, "").body);
    let pem = String::from_utf8(ca.to_pem().unwrap()).unwrap();
    let save = |k: &str, v: &str| {
        http(
            a,
            "POST",
            "/settings",
            &auth,
            &form(&[("csrf", &csrf), (k, v)]),
        )
        .status
    };
    assert_eq!(
        save("mud_trust", "-----BEGIN CERTIFICATE-----\nnope\n"),
        400
    );
    assert_eq!(save("mud_trust", &pem), 303);
    assert_eq!(save("mud_tls_roots", &pem), 303);
    let page = http(a, "GET", "/settings", &auth, "").body;
    assert!(page.contains("BEGIN CERTIFICATE"), "{page}");
    drop(srv);

    let srv = start(&db, &capture);
    let a = srv.addr;
    let mac = |m: [u8; 6]| {
        m.iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    let good_path = format!("/api/v1/devices/{}", mac(good_mac));
    eventually("the announced profile fetched and held", || {
        let (_, body) = api(a, &tok, "GET", &good_path, "");
        body.contains("\"source\":\"fetched\"")
    });
    let (_, body) = api(a, &tok, "GET", &good_path, "");
    assert!(
        body.contains(&format!("https://localhost:{port}/good.json")),
        "{body}"
    );
    assert!(body.contains("fw.maker.example"), "{body}");
    eventually("the changed profile refused, on record", || {
        http(a, "GET", "/actions", &auth, "")
            .body
            .contains("could not fetch or verify")
    });
    let (_, body) = api(
        a,
        &tok,
        "GET",
        &format!("/api/v1/devices/{}", mac(bad_mac)),
        "",
    );
    assert!(body.contains("\"mud\":null"), "{body}");
    let log = http(a, "GET", "/actions", &auth, "").body;
    assert!(log.contains("changed after signing"), "{log}");
    drop(srv);
}

/// Detectors from the settings page reach the analysis while it runs: a blocklist naming the
/// camera's cloud, saved a second into a replay, raises blocklist alerts on its next look-ups;
/// a threshold or a blocklist line that cannot be used is refused with the line.
#[test]
fn detectors_from_the_settings_page_apply_while_it_runs() {
    let Home {
        dir: _dir,
        capture,
        cam,
        db,
        tok,
    } = home("detectors");
    // The capture lasts about 90 s: at 5 times its pace, the camera looks its cloud up again
    // several times after the change.
    let srv = start_at(&db, &capture, "5");
    let a = srv.addr;
    let me = sign_in(a, "alice", "correct horse battery");
    let auth = [("Cookie", me.as_str())];
    let csrf = csrf_of(&http(a, "GET", "/settings", &auth, "").body);
    let save = |pairs: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(pairs);
        http(a, "POST", "/settings", &auth, &form(&all))
    };
    let r = save(&[("thresholds", "scan-ports=30\nno-such-threshold=2")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("no-such-threshold"), "{}", r.body);
    let r = save(&[("blocklist", "signal.mydlink.com\nnot a name!")]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("2: not a name!"), "{}", r.body);
    let list = "# the camera's cloud\nsignal.mydlink.com\nmp-us-relay.mydlink.com";
    let r = save(&[("thresholds", "scan-ports=30"), ("blocklist", list)]);
    assert_eq!(r.status, 303);
    eventually("a blocklist alert on the camera", || {
        let (_, body) = api(a, &tok, "GET", "/api/v1/alerts", "");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        v["alerts"].as_array().is_some_and(|l| {
            l.iter()
                .any(|x| x["kind"] == "blocklist" && x["mac"] == cam.as_str())
        })
    });
    let page = http(a, "GET", "/settings", &auth, "").body;
    assert!(page.contains("mp-us-relay.mydlink.com") && page.contains("scan-ports=30"));
    drop(srv);
}
