//! TLS server names equal tshark's (`tests/expect/sni.json`, written by `tools/expect-sni.py`
//! with tshark's TCP reassembly on) on every shared capture, per client MAC — hellos that span
//! segments included — and no capture yields a name tshark did not see.

mod common;

use std::collections::{BTreeMap, BTreeSet};

#[test]
fn server_names_match_tshark() {
    let text = std::fs::read_to_string(common::root().join("tests/expect/sni.json")).unwrap();
    let expect: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> =
        serde_json::from_str(&text).unwrap();
    let root = common::data().join("pcap");
    let files = common::captures_under(&root);
    assert!(files.len() > 240, "the shared captures: {}", files.len());
    let (mut compared, mut failures) = (0, Vec::new());
    for f in &files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let a = common::analyze(std::slice::from_ref(f));
        let ours: BTreeMap<String, BTreeSet<String>> = a
            .devices
            .iter()
            .filter(|d| !d.tls.snis.is_empty())
            .map(|d| {
                let names = d.tls.snis.iter().map(|s| s.to_lowercase()).collect();
                (d.mac.clone(), names)
            })
            .collect();
        let none = BTreeMap::new();
        let want = expect.get(&rel).unwrap_or(&none);
        compared += want.values().map(BTreeSet::len).sum::<usize>();
        if &ours != want {
            failures.push(format!("{rel}: ours {ours:?}, tshark {want:?}"));
        }
    }
    assert!(compared > 50, "server names compared: {compared}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
