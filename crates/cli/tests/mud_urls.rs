//! MUD URL discovery from all three carriers (DHCPv4 option 161, DHCPv6 option 112, LLDP),
//! attached to the device that emitted it.

mod common;

fn mud_of(file: &str) -> Vec<(String, Option<String>, Option<&'static str>)> {
    let a = common::analyze(&[common::data().join("pcap/protocols/tcpdump").join(file)]);
    a.devices
        .iter()
        .map(|d| (d.mac.clone(), d.mud_url.clone(), d.mud_url_source))
        .collect()
}

fn only_mud(
    v: &[(String, Option<String>, Option<&'static str>)],
) -> Vec<(String, String, &'static str)> {
    v.iter()
        .filter_map(|(m, u, s)| Some((m.clone(), u.clone()?, (*s)?)))
        .collect()
}

#[test]
fn dhcpv4_option_161() {
    let v = only_mud(&mud_of("dhcp-mud.pcap"));
    // tcpdump's own decoding (dhcp-mud.tcpdump.txt): the Raspberry Pi client sends option 161.
    assert_eq!(
        v,
        vec![(
            "b8:27:eb:b8:53:c8".to_string(),
            "https://mudctl.example.com/.well-known/mud/v1/rasbp101".to_string(),
            "dhcp-161"
        )]
    );
}

#[test]
fn dhcpv6_option_112_through_relay() {
    let v = only_mud(&mud_of("dhcpv6-mud.pcap"));
    // Relayed: the client is identified by the link-layer address in its DUID, not the relay.
    assert_eq!(
        v,
        vec![(
            "b8:27:eb:b8:53:c8".to_string(),
            "https://mudctl.example.com/.well-known/mud/v1/rasbp101".to_string(),
            "dhcpv6-112"
        )]
    );
}

#[test]
fn lldp_mud_tlv() {
    let v = only_mud(&mud_of("lldp_mudurl.pcap"));
    assert_eq!(
        v,
        vec![(
            "00:23:54:c2:57:02".to_string(),
            "https://imright.mud.example.com/.well-known/mud/v1/vomitv2.0".to_string(),
            "lldp"
        )]
    );
}
