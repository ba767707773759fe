//! Identity on real captures: every IoT Sentinel device appears with a vendor, and its DHCP host
//! name, vendor class, option-55 list and answered DNS names equal what tshark decodes
//! (`tests/expect/iot-sentinel.json`, written by `tools/expect-iot-sentinel.py`).

mod common;

use serde_json::Value;

#[test]
fn iot_sentinel_devices_match_tshark() {
    let expect: Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("tests/expect/iot-sentinel.json")).unwrap(),
    )
    .unwrap();
    let base = common::data().join("pcap/iot-sentinel");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (rel, e) in expect.as_object().unwrap() {
        let a = common::analyze(&[base.join(rel)]);
        let mac = e["mac"].as_str().unwrap();
        let Some(d) = a.devices.iter().find(|d| d.mac == mac) else {
            failures.push(format!("{rel}: device {mac} missing"));
            continue;
        };
        checked += 1;
        if d.vendor.is_none() {
            failures.push(format!("{rel}: {mac} has no vendor"));
        }
        let mut ours: Vec<String> = d
            .hostname_sources
            .iter()
            .filter(|h| h.source == "dhcp-12")
            .map(|h| h.name.clone())
            .collect();
        ours.sort();
        let theirs: Vec<String> = e["dhcp_hostnames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        if ours != theirs {
            failures.push(format!("{rel}: hostnames {ours:?} != tshark {theirs:?}"));
        }
        let vcs: Vec<&str> = e["vendor_classes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let our_vc = d.dhcp.as_ref().and_then(|x| x.vendor_class.clone());
        match (&our_vc, vcs.is_empty()) {
            (None, true) => {}
            (Some(v), false) if vcs.contains(&v.as_str()) => {}
            _ => failures.push(format!("{rel}: vendor class {our_vc:?} vs tshark {vcs:?}")),
        }
        let prl: Vec<u8> = e["param_request_list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u8)
            .collect();
        let our_prl = d
            .dhcp
            .as_ref()
            .map(|x| x.param_request_list.clone())
            .unwrap_or_default();
        if our_prl != prl {
            failures.push(format!("{rel}: option 55 {our_prl:?} != tshark {prl:?}"));
        }
        let domains: Vec<String> = e["domains"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        if d.domains != domains {
            failures.push(format!(
                "{rel}: domains {:?} != tshark {domains:?}",
                d.domains
            ));
        }
    }
    assert!(checked > 200, "only {checked} captures checked");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
