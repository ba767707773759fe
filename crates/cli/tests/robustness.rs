//! Hostile and broken input: every shared capture is analysed without a panic; garbage and empty
//! files give one-line errors naming the file with exit status 2; a truncated file gives the
//! packets before the damage and a warning; a folder is read as a folder of captures.

mod common;

use std::process::Command;

fn iotgate() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iotgate"));
    c.env("LANG", "C").env("NO_COLOR", "1");
    c
}

/// `name` in a scratch folder, and the folder (removed when dropped, even when the test fails).
fn tmp(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let d = tempfile::Builder::new()
        .prefix("iotgate-test-")
        .tempdir()
        .unwrap();
    let p = d.path().join(name);
    (d, p)
}

#[test]
fn every_shared_capture_is_analysed() {
    let files = common::captures_under(&common::data().join("pcap"));
    assert!(
        files.len() > 240,
        "expected the shared captures, found {}",
        files.len()
    );
    for f in &files {
        let a = common::analyze(std::slice::from_ref(f));
        assert!(a.summary.packets > 0, "{}: no packets", f.display());
        // The JSON contract holds for every file.
        let v = common::json_in(&a, iotgate_explain::Lang::En);
        assert_eq!(v["schema"], "iotgate.analysis/1");
        for d in v["devices"].as_array().unwrap() {
            for key in [
                "mac",
                "vendor",
                "kind",
                "ipv4",
                "ipv6",
                "hostnames",
                "dhcp",
                "mud_url",
                "domains",
                "peers",
                "findings",
            ] {
                assert!(d.get(key).is_some(), "{}: device lacks {key}", f.display());
            }
            let mac = d["mac"].as_str().unwrap();
            assert_eq!(mac, mac.to_lowercase());
        }
    }
}

#[test]
fn the_fuzzed_dhcp_capture_is_survived() {
    let a = common::analyze(&[common::data().join("pcap/protocols/ndpi/dhcp-fuzz.pcapng")]);
    assert!(a.summary.packets > 0);
}

#[test]
fn garbage_file_is_a_one_line_error_with_status_2() {
    let (_dir, p) = tmp("garbage.pcap");
    std::fs::write(&p, b"GARBAGE, not a capture at all\n").unwrap();
    let out = iotgate().args(["analyze"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("garbage.pcap") && err.contains("not a pcap or pcapng"),
        "{err}"
    );
}

#[test]
fn empty_file_is_a_one_line_error_with_status_2() {
    let (_dir, p) = tmp("empty.pcap");
    std::fs::write(&p, b"").unwrap();
    let out = iotgate().args(["analyze"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("empty.pcap") && err.contains("empty"), "{err}");
}

#[test]
fn errors_are_localised() {
    let (_dir, p) = tmp("vide.pcap");
    std::fs::write(&p, b"").unwrap();
    let out = iotgate()
        .args(["analyze", "--lang", "fr"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("fichier vide"), "{err}");
}

#[test]
fn missing_file_is_an_error_with_status_2() {
    let out = iotgate()
        .args(["analyze", "/nonexistent/capture.pcap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("/nonexistent/capture.pcap"));
}

#[test]
fn truncated_capture_gives_its_packets_and_a_warning() {
    let src = common::data().join("pcap/iot-sentinel/Aria/Setup-A-1-STA.pcap");
    let full = common::analyze(std::slice::from_ref(&src));
    let bytes = std::fs::read(&src).unwrap();
    let (_dir, p) = tmp("truncated.pcap");
    std::fs::write(&p, &bytes[..bytes.len() - 37]).unwrap();
    let cut = common::analyze(std::slice::from_ref(&p));
    assert_eq!(cut.summary.packets, full.summary.packets - 1);
    assert_eq!(cut.captures[0].warnings.len(), 1);
    assert!(
        cut.captures[0].warnings[0]
            .render(&common::en())
            .contains("ends inside a packet"),
        "{:?}",
        cut.captures[0].warnings
    );
    // The command line says so on stderr and still succeeds.
    let out = iotgate()
        .args(["analyze", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("truncated.pcap"));
}

#[test]
fn a_folder_is_read_as_a_folder_of_captures() {
    let dir = common::data().join("pcap/iot-sentinel/Aria");
    let a = common::analyze(std::slice::from_ref(&dir));
    assert_eq!(a.captures.len(), 8);
    let out = iotgate()
        .args(["analyze", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (_dir, empty) = tmp("emptydir");
    std::fs::create_dir_all(&empty).unwrap();
    let out = iotgate().args(["analyze"]).arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("no captures"));
}

#[test]
fn several_files_are_merged_in_time_order() {
    let d = common::data().join("pcap/iot-sentinel/Aria");
    let files = vec![d.join("Setup-A-2-STA.pcap"), d.join("Setup-A-1-STA.pcap")];
    let a = common::analyze(&files);
    let one = common::analyze(&files[..1]);
    let two = common::analyze(&files[1..]);
    assert_eq!(a.summary.packets, one.summary.packets + two.summary.packets);
    let first = [one.summary.first_seen, two.summary.first_seen]
        .into_iter()
        .flatten()
        .min();
    assert_eq!(a.summary.first_seen, first);
}

#[test]
fn help_teaches_in_both_languages() {
    let en = iotgate().args(["analyze", "--help"]).output().unwrap();
    let en = String::from_utf8(en.stdout).unwrap();
    assert!(en.contains("Examples:") && en.contains("--html"), "{en}");
    let fr = iotgate()
        .args(["--lang", "fr", "analyze", "--help"])
        .output()
        .unwrap();
    let fr = String::from_utf8(fr.stdout).unwrap();
    assert!(
        fr.contains("Exemples") && fr.contains("rapport HTML"),
        "{fr}"
    );
}

#[test]
fn unsupported_link_types_are_reported() {
    // A radiotap (link type 127) capture with one packet.
    let mut b = vec![
        0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 127, 0, 0, 0,
    ];
    b.extend_from_slice(&[
        1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 8, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0,
    ]);
    let (_dir, p) = tmp("radiotap.pcap");
    std::fs::write(&p, &b).unwrap();
    let a = common::analyze(std::slice::from_ref(&p));
    assert_eq!(a.summary.unsupported_link, 1);
    assert!(
        a.captures[0]
            .warnings
            .iter()
            .any(|w| w.render(&common::en()).contains("link type 127")),
        "{:?}",
        a.captures[0].warnings
    );
}
