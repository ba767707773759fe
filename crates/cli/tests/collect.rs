//! `iotgate collect --replay FILE --records json` on a shared NetFlow v5 capture: one JSON object
//! per record with the documented fields, the count said on standard error; a missing file is a
//! clear failure.

use std::process::Command;

#[test]
fn records_as_json_lines() {
    let cap = format!(
        "{}/../../../shared/data/flows/akvorado/nfv5.pcap",
        env!("CARGO_MANIFEST_DIR")
    );
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args([
            "--lang",
            "en",
            "collect",
            "--replay",
            &cap,
            "--records",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 29);
    for v in &lines {
        for k in [
            "exporter",
            "src_addr",
            "dst_addr",
            "src_port",
            "dst_port",
            "proto",
            "packets",
            "bytes",
            "start",
            "end",
            "tcp_flags",
        ] {
            assert!(!v[k].is_null(), "{k} in {v}");
        }
        assert!(v["start"].as_str().unwrap().ends_with('Z'));
    }
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(said.contains("29 flow records"), "{said}");

    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "collect", "--replay", "/nonexistent/x.pcap"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/x.pcap"));
}
