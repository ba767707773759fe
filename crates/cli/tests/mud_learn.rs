//! `iotgate mud learn` on every IoT Sentinel device: the learned profile is valid RFC 8520 (it
//! passes `yanglint` against the RFC 8520/8519 modules and iotgate's own parser), the device's
//! own captures audit clean against it, another device's captures do not, and learning is
//! deterministic.

use std::path::{Path, PathBuf};
use std::process::Command;

fn sentinel() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pcap/iot-sentinel")
}

fn devices() -> Vec<(PathBuf, String)> {
    let mut v: Vec<(PathBuf, String)> = std::fs::read_dir(sentinel())
        .expect("iot-sentinel data")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let mac = std::fs::read_to_string(p.join("_iotdevice-mac.txt")).expect("mac file");
            (p, mac.trim().to_string())
        })
        .collect();
    v.sort();
    assert!(v.len() >= 30);
    v
}

fn iotgate(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(args)
        .output()
        .expect("run iotgate")
}

fn learn(dir: &Path, mac: &str, out: &Path, threads: &str) -> bool {
    let o = iotgate(&[
        "mud",
        "learn",
        "--lang",
        "en",
        "--threads",
        threads,
        "--device",
        mac,
        "--out",
        out.to_str().expect("utf-8 path"),
        dir.to_str().expect("utf-8 path"),
    ]);
    if o.status.code() == Some(1) {
        return false; // no traffic a profile could allow
    }
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    true
}

fn audit(dir: &Path, mac: &str, profile: &Path) -> serde_json::Value {
    let o = iotgate(&[
        "mud",
        "audit",
        "--format",
        "json",
        "--mud",
        &format!("{mac}={}", profile.display()),
        dir.to_str().expect("utf-8 path"),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("json")
}

/// Where the RFC 8520/8519 YANG modules are: `$IOTGATE_YANG_DIR`, else those that the `pyang`
/// package (PyPI) installs under its prefix (`.ci/run` installs it).
fn yang_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("IOTGATE_YANG_DIR") {
        return PathBuf::from(d);
    }
    let out = Command::new("python3")
        .args(["-c", "import sys; print(sys.prefix)"])
        .output()
        .expect("python3");
    let prefix = String::from_utf8_lossy(&out.stdout).trim().to_string();
    for base in [prefix.as_str(), "/usr/local", "/usr"] {
        let d = Path::new(base).join("share/yang/modules");
        if d.join("ietf/ietf-mud.yang").exists() {
            return d;
        }
    }
    panic!(
        "the RFC 8520 YANG modules were not found: `pip install pyang` (or set IOTGATE_YANG_DIR)"
    );
}

fn yanglint(profile: &Path) {
    let y = yang_dir();
    let o = Command::new("yanglint")
        .arg("-p")
        .arg(y.join("ietf"))
        .arg("-p")
        .arg(y.join("iana"))
        .arg(y.join("ietf/ietf-mud.yang"))
        .arg(y.join("ietf/ietf-acldns.yang"))
        .arg(profile)
        .output()
        .expect("yanglint (apt-get install libyang2-tools)");
    assert!(
        o.status.success(),
        "yanglint rejects {}: {}{}",
        profile.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn learned_profiles_are_valid_and_fit_their_device_only() {
    let scratch = tempfile::Builder::new()
        .prefix("iotgate-learn-")
        .tempdir()
        .expect("temp dir");
    let tmp = scratch.path();
    let devs = devices();
    let mut learned = 0;
    for (i, (dir, mac)) in devs.iter().enumerate() {
        let name = dir
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let prof = tmp.join(format!("{name}.json"));
        if !learn(dir, mac, &prof, "1") {
            continue;
        }
        learned += 1;
        yanglint(&prof);
        let parsed = iotgate_mud::parse_bytes(&std::fs::read(&prof).expect("read"));
        assert!(parsed.diags.is_empty(), "{name}: {:?}", parsed.diags);

        let own = audit(dir, mac, &prof);
        let a = &own["audits"][0];
        assert_eq!(a["violating"], 0, "{name}: {}", a["violations"]);
        assert!(a["allowed"].as_u64() > Some(0), "{name}");

        // Another maker's device (half-way round the sorted list: devices of one maker sit
        // together, and two D-Link sensors do share a cloud), as if it had this profile.
        let (odir, omac) = &devs[(i + devs.len() / 2) % devs.len()];
        let other = audit(odir, omac, &prof);
        let o = &other["audits"][0];
        assert!(
            o["violating"].as_u64() > Some(0),
            "{name} profile on {}: {o}",
            odir.display()
        );

        // Deterministic, whatever the thread count.
        let again = tmp.join(format!("{name}-again.json"));
        assert!(learn(dir, mac, &again, "2"));
        assert_eq!(
            std::fs::read(&prof).expect("read"),
            std::fs::read(&again).expect("read"),
            "{name}: learning is not deterministic"
        );
    }
    assert!(learned >= 28, "{learned}");
}
