//! JA3 strings equal tshark's (`tests/expect/ja3.json`, written by `tools/expect-ja3.py`) for every
//! ClientHello in the shared captures, per client MAC.

mod common;

#[test]
fn ja3_matches_tshark() {
    let text = std::fs::read_to_string(common::root().join("tests/expect/ja3.json")).unwrap();
    let expect: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for (rel, per_mac) in expect.as_object().unwrap() {
        let a = common::analyze(&[common::data().join("pcap").join(rel)]);
        for (mac, list) in per_mac.as_object().unwrap() {
            let want: Vec<String> = list
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            let ours = a
                .devices
                .iter()
                .find(|d| &d.mac == mac)
                .map(|d| d.tls.ja3.clone())
                .unwrap_or_default();
            // Every JA3 tshark saw from this MAC must be ours; ours may hold more only when the
            // hello was split across segments tshark reassembled (none in these captures).
            for w in &want {
                compared += 1;
                if !ours.contains(w) {
                    failures.push(format!("{rel} {mac}: missing {w}\n   ours: {ours:?}"));
                }
            }
            if ours.len() != want.len() {
                failures.push(format!(
                    "{rel} {mac}: {} JA3s, tshark {}",
                    ours.len(),
                    want.len()
                ));
            }
        }
    }
    assert!(compared > 10, "only {compared} JA3 strings compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
