//! Findings on real captures (nDPI and Zeek test traces), checked by hand with tshark: who used a
//! cleartext protocol, in which role, with which peer.

mod common;

fn findings(rel: &str) -> Vec<(String, &'static str, &'static str, String, u16)> {
    let a = common::analyze(&[common::data().join("pcap/protocols").join(rel)]);
    let mut v = Vec::new();
    for d in &a.devices {
        for f in &d.findings {
            let e = &f.evidence[0];
            v.push((
                d.mac.clone(),
                f.id,
                iotgate_explain::typed::role_id(e.role),
                e.peer_ip.to_string(),
                e.server_port,
            ));
        }
    }
    v.sort();
    v
}

#[test]
fn telnet_both_ends() {
    // tshark: 192.168.0.2 (00:a0:cc:3b:bf:fa) opens telnet to 192.168.0.1 (00:00:c0:9f:a0:97).
    assert_eq!(
        findings("ndpi/telnet.pcap"),
        vec![
            (
                "00:00:c0:9f:a0:97".into(),
                "cleartext-telnet",
                "server",
                "192.168.0.2".into(),
                23
            ),
            (
                "00:a0:cc:3b:bf:fa".into(),
                "cleartext-telnet",
                "client",
                "192.168.0.1".into(),
                23
            ),
        ]
    );
}

#[test]
fn mqtt_with_credentials() {
    // tshark `mqtt.conflag.uname == 1`: both clients send a user name in CONNECT to port 1883.
    let f = findings("ndpi/mqtt.pcap");
    assert_eq!(f.len(), 2);
    assert!(f
        .iter()
        .all(|x| x.1 == "mqtt-cleartext-credentials" && x.2 == "client" && x.4 == 1883));
}

#[test]
fn mqtt_without_credentials_and_the_router_is_not_blamed() {
    // 10.0.1.4 talks MQTT to the public broker 198.41.30.241 through its gateway 24:a2:e1:e6:ee:9b.
    assert_eq!(
        findings("zeek/mqtt.pcap"),
        vec![(
            "28:cf:e9:21:14:8f".into(),
            "mqtt-cleartext",
            "client",
            "198.41.30.241".into(),
            1883
        )]
    );
    let a = common::analyze(&[common::data().join("pcap/protocols/zeek/mqtt.pcap")]);
    let gw = a
        .devices
        .iter()
        .find(|d| d.mac == "24:a2:e1:e6:ee:9b")
        .unwrap();
    assert_eq!(gw.kind.id(), "router");
    assert!(gw.ipv4.is_empty());
}

#[test]
fn rtsp_in_clear() {
    let f = findings("ndpi/rtsp.pcap");
    assert_eq!(
        f,
        vec![(
            "00:0c:29:f3:1e:72".into(),
            "rtsp-cleartext",
            "client",
            "10.2.2.2".into(),
            8554
        )]
    );
}

#[test]
fn phones_have_no_findings() {
    assert!(findings("ndpi/android.pcap").is_empty());
    assert!(findings("ndpi/iphone.pcap").is_empty());
}
