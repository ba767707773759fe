//! One output path for every command (issue 16, item 3): a closed pipe on standard output ends
//! the command quietly with status 0, a full disk gives one clear message and status 1, and a
//! standard error that cannot be written never panics (status 101) — for every command that
//! prints.

mod common;

use std::fs::File;
use std::process::{Command, Stdio};

/// A simulated capture in a scratch folder (removed when dropped, even when the test fails),
/// its path and a device's MAC.
fn setup() -> (tempfile::TempDir, String, String) {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-output-")
        .tempdir()
        .unwrap();
    let pcap = dir.path().join("sim.pcap");
    let truth = common::simulate(
        &pcap,
        &iotgate_sim::Options {
            devices: 6,
            packets: 40_000,
            seed: 3,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    let mac = truth.devices[0].mac.clone();
    (dir, pcap.display().to_string(), mac)
}

/// Every command that prints, with enough output to fill a pipe buffer where it can.
fn commands(pcap: &str, mac: &str) -> Vec<Vec<String>> {
    let mud = common::data()
        .join("mud/cisco/Luminaire_150.json")
        .display()
        .to_string();
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&["analyze", pcap]),
        v(&["analyze", "--format", "json", pcap]),
        v(&["label", "--capture", pcap, "--device", mac]),
        v(&[
            "label",
            "--capture",
            pcap,
            "--device",
            mac,
            "--format",
            "json",
        ]),
        v(&["label", "--checklist"]),
        v(&["mud", "check", &mud]),
        v(&["mud", "learn", "--device", mac, pcap]),
        v(&["mud", "audit", "--mud", &format!("{mac}={mud}"), pcap]),
        v(&["mud", "nft", "--mud", &format!("{mac}={mud}")]),
        v(&["evaluate", "--devices", "4", "--packets", "10000"]),
        v(&["--help"]),
    ]
}

fn iotgate(args: &[String]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iotgate"));
    c.args(args).env("LANG", "en_US.UTF-8");
    c
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let (_d, pcap, mac) = setup();
    for args in commands(&pcap, &mac) {
        let mut child = iotgate(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command writes: every write fails with EPIPE.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(!err.contains("cannot write"), "{args:?}: {err}");
    }
}

#[test]
fn a_full_disk_is_one_clear_message() {
    let (_d, pcap, mac) = setup();
    for args in commands(&pcap, &mac) {
        if args.iter().any(|a| a == "--help") {
            continue;
        }
        let out = iotgate(&args)
            .stdout(File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write stdout"), "{args:?}: {err}");
        assert_eq!(
            err.matches("cannot write").count(),
            1,
            "{args:?}: said once: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn a_standard_error_that_cannot_be_written_never_panics() {
    let (_d, pcap, mac) = setup();
    let dir = std::path::Path::new(&pcap).parent().unwrap().to_path_buf();
    let mut all = commands(&pcap, &mac);
    // Commands that talk on standard error: progress, warnings, what was written.
    all.push(vec![
        "simulate".into(),
        "--out".into(),
        dir.join("x.pcap").display().to_string(),
        "--packets".into(),
        "2000".into(),
    ]);
    all.push(vec!["analyze".into(), "--no-such-option".into()]);
    for args in all {
        for closed in [false, true] {
            let mut cmd = iotgate(&args);
            cmd.stdout(Stdio::null());
            let code = if closed {
                let mut child = cmd.stderr(Stdio::piped()).spawn().unwrap();
                drop(child.stderr.take());
                child.wait().unwrap().code()
            } else {
                cmd.stderr(File::create("/dev/full").unwrap())
                    .status()
                    .unwrap()
                    .code()
            };
            assert_ne!(code, Some(101), "{args:?} (stderr closed: {closed})");
            assert!(code.is_some(), "{args:?} killed by a signal");
        }
    }
}
