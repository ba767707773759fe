//! `kill -9` at any moment loses at most the batch being written and never damages the
//! database: a child process writes batches as fast as it can and says after each commit how
//! many devices it committed; it is killed at varying moments, and the database reopened.

use iotgate_store::{writer::Writer, AlertUpdate, Batch, DeviceUpdate, Store};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD: &str = "IOTGATE_STORE_KILL_CHILD";

fn batch(i: u64) -> Batch {
    let mac = format!(
        "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        (i >> 32) & 255,
        (i >> 24) & 255,
        (i >> 16) & 255,
        (i >> 8) & 255,
        i & 255
    );
    let t = i as i64;
    Batch {
        devices: vec![DeviceUpdate {
            mac: mac.clone(),
            name: Some(format!("device {i}")),
            kind: "camera".into(),
            vendor: None,
            client_id: None,
            fingerprint: None,
            software: None,
            first_ns: t,
            last_ns: t,
            // A report of realistic size, so that commits take real time.
            report: format!("{{\"mac\":\"{mac}\",\"pad\":\"{}\"}}", "x".repeat(2000)),
        }],
        alerts: vec![AlertUpdate {
            key: format!("scan|{mac}"),
            mac,
            kind: "scan".into(),
            detail: "mirai".into(),
            severity: "high".into(),
            first_ns: t,
            last_ns: t,
            raised_ns: t,
            report: "{}".into(),
        }],
    }
}

/// The child: writes until killed, printing `committed N` after each commit it waited for.
#[test]
fn child_writes_until_killed() {
    let Ok(path) = std::env::var(CHILD) else {
        return;
    };
    let w = Writer::start(&PathBuf::from(path), Duration::from_millis(20)).unwrap();
    for i in 1.. {
        assert!(w.send(batch(i)));
        if i % 25 == 0 {
            w.flush().unwrap();
            println!("committed {i}");
        }
    }
}

#[test]
fn kill_9_loses_at_most_the_last_batch_and_never_damages() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-store-kill-")
        .tempdir()
        .unwrap();
    let path = dir.path().join("kill.db");
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = 0u64;
    // Killed after a growing number of acknowledged commits, and at a varying delay after the
    // last one (mid-transaction, mid-checkpoint, between commits).
    for (round, wait_us) in [0u64, 150, 700, 3_000, 9_000, 40, 20_000]
        .into_iter()
        .enumerate()
    {
        let mut child = Command::new(&exe)
            .args(["child_writes_until_killed", "--exact", "--nocapture"])
            .env(CHILD, &path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut seen = 0;
        for line in out.lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("committed ") {
                seen += 1;
                let n: u64 = n.trim().parse().unwrap();
                // Each run starts again at device 1: the same MACs, so the count is the highest.
                acknowledged = acknowledged.max(n);
                if seen == 3 + round {
                    break;
                }
            }
        }
        assert_eq!(seen, 3 + round, "round {round}: the child did not commit");
        std::thread::sleep(Duration::from_micros(wait_us));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        let s = Store::open(&path).expect("reopens after kill -9");
        assert_eq!(s.integrity_check().unwrap(), "ok", "round {round}");
        let devices = s.devices().unwrap().len() as u64;
        assert!(
            devices >= acknowledged,
            "round {round}: {devices} devices, {acknowledged} acknowledged"
        );
        assert_eq!(s.alerts(None, usize::MAX).unwrap().len() as u64, devices);
    }
}
