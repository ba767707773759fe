//! A device's MUD profile on the gateway (RFC 8520): reading what people give (every problem
//! at its JSON path), the names the profile declares (a device in quarantine may still reach
//! them), and what the device did against what it declares, peer by peer, for its page.

use iotgate_mud::matcher::{decide, Context, Packet, Verdict};
use iotgate_mud::model::Profile;
use iotgate_mud::Diag;
use serde_json::Value;
use std::net::IpAddr;

/// The profile in `bytes`, or the errors that make it unusable.
pub fn read(bytes: &[u8]) -> Result<Profile, Vec<Diag>> {
    let parsed = iotgate_mud::parse_bytes(bytes);
    match parsed.profile {
        Some(p) => Ok(p),
        None => Err(parsed.errors().cloned().collect()),
    }
}

/// The DNS names a profile lets its device reach (destinations of what it sends, sources of
/// what it receives), lower case, sorted, once each.
pub fn names(p: &Profile) -> Vec<String> {
    let mut out: Vec<String> = p
        .from_device
        .iter()
        .flat_map(|acl| {
            acl.aces
                .iter()
                .filter_map(|a| a.matches.dst_dnsname.clone())
        })
        .chain(p.to_device.iter().flat_map(|acl| {
            acl.aces
                .iter()
                .filter_map(|a| a.matches.src_dnsname.clone())
        }))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// One peer of the device, as its profile judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The peer's address.
    pub ip: String,
    /// The name the device resolved it from, if any.
    pub name: Option<String>,
    /// `tcp`, `udp`…
    pub proto: String,
    /// The server's port.
    pub port: u16,
    /// The device opened the exchange.
    pub from_device: bool,
    /// The profile allows it.
    pub allowed: bool,
}

/// What the network knows, from the device's report entry.
struct Seen<'a> {
    peers: &'a [Value],
}

fn local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            a.is_private()
                || a.is_link_local()
                || a.is_multicast()
                || a.is_broadcast()
                || a.octets()[0] == 100 && a.octets()[1] & 0xc0 == 64
        }
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            s & 0xfe00 == 0xfc00 || s & 0xffc0 == 0xfe80 || a.is_multicast()
        }
    }
}

impl Context for Seen<'_> {
    fn resolved(&self, name: &str, ip: &IpAddr) -> bool {
        self.peers.iter().any(|p| {
            p.get("ip").and_then(Value::as_str) == Some(&ip.to_string())
                && p.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| iotgate_mud::dns_name(n) == name)
        })
    }
    fn names(&self, ip: &IpAddr, f: &mut dyn FnMut(&str)) {
        let ip = ip.to_string();
        for p in self.peers {
            if p.get("ip").and_then(Value::as_str) == Some(&ip) {
                if let Some(n) = p.get("name").and_then(Value::as_str) {
                    f(&iotgate_mud::dns_name(n));
                }
            }
        }
    }
    fn is_local(&self, ip: &IpAddr) -> bool {
        local(ip)
    }
    fn is_controller(&self, _: &str, _: &IpAddr) -> bool {
        false
    }
    fn is_my_controller(&self, _: &IpAddr) -> bool {
        false
    }
    fn mud_url_of(&self, _: &IpAddr) -> Option<&str> {
        None
    }
}

/// Each peer in the device's report `entry` (one language's), judged against `p`: the exchange
/// as its first packet went (from the device to the server's port when the device opened it,
/// otherwise to the device's port).
pub fn observed(p: &Profile, entry: &Value) -> Vec<Observed> {
    let peers = entry
        .get("peers")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let own = crate::page::addresses(entry);
    let ctx = Seen { peers };
    let mut out = Vec::new();
    for peer in peers {
        let Some(ip) = peer
            .get("ip")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<IpAddr>().ok())
        else {
            continue;
        };
        let Some(me) = own.iter().find(|a| a.is_ipv6() == ip.is_ipv6()).copied() else {
            continue;
        };
        let proto_name = peer.get("proto").and_then(Value::as_str).unwrap_or("");
        let proto = match proto_name {
            "tcp" => 6,
            "udp" => 17,
            "icmp" => 1,
            "icmpv6" => 58,
            _ => continue,
        };
        let port = peer.get("port").and_then(Value::as_u64).unwrap_or(0) as u16;
        let from_device = peer.get("initiated_by_device").and_then(Value::as_bool) == Some(true);
        let pkt = Packet {
            from_device,
            src: if from_device { me } else { ip },
            dst: if from_device { ip } else { me },
            proto,
            sport: 0,
            dport: port,
            icmp: None,
            device_initiated: Some(from_device),
        };
        let allowed = matches!(decide(p, &pkt, &ctx), Verdict::Allowed { .. });
        out.push(Observed {
            ip: ip.to_string(),
            name: peer.get("name").and_then(Value::as_str).map(str::to_owned),
            proto: proto_name.to_string(),
            port,
            from_device,
            allowed,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = r#"{
      "ietf-mud:mud": {
        "mud-version": 1, "mud-url": "https://maker.example/cam.json",
        "last-update": "2026-11-22T00:00:00Z", "cache-validity": 48, "is-supported": true,
        "systeminfo": "a camera",
        "from-device-policy": {"access-lists": {"access-list": [{"name": "fr"}]}},
        "to-device-policy": {"access-lists": {"access-list": [{"name": "to"}]}}
      },
      "ietf-access-control-list:acls": {"acl": [
        {"name": "fr", "type": "ipv4-acl-type", "aces": {"ace": [
          {"name": "cloud", "matches": {"ipv4": {"protocol": 6, "ietf-acldns:dst-dnsname": "Cloud.Maker.example"},
            "tcp": {"destination-port": {"operator": "eq", "port": 443}}}, "actions": {"forwarding": "accept"}}]}},
        {"name": "to", "type": "ipv4-acl-type", "aces": {"ace": [
          {"name": "cloud", "matches": {"ipv4": {"protocol": 6, "ietf-acldns:src-dnsname": "cloud.maker.example"},
            "tcp": {"source-port": {"operator": "eq", "port": 443}}}, "actions": {"forwarding": "accept"}}]}}]}
    }"#;

    #[test]
    fn names_and_what_the_device_did_against_them() {
        let p = read(PROFILE.as_bytes()).expect("a usable profile");
        assert_eq!(names(&p), vec!["cloud.maker.example"]);
        let entry: Value = serde_json::json!({
            "ipv4": ["192.168.1.20"],
            "peers": [
                {"ip": "52.1.2.3", "name": "cloud.maker.example", "proto": "tcp", "port": 443, "initiated_by_device": true},
                {"ip": "52.1.2.3", "name": "cloud.maker.example", "proto": "tcp", "port": 23, "initiated_by_device": true},
                {"ip": "45.9.9.9", "name": null, "proto": "tcp", "port": 443, "initiated_by_device": true},
                {"ip": "61.0.0.1", "name": null, "proto": "tcp", "port": 23, "initiated_by_device": false},
                {"ip": "fd00::1", "name": null, "proto": "udp", "port": 53, "initiated_by_device": true},
                {"ip": "junk", "proto": "tcp", "port": 1}
            ]
        });
        let o = observed(&p, &entry);
        let verdicts: Vec<(String, u16, bool)> = o
            .iter()
            .map(|x| (x.ip.clone(), x.port, x.allowed))
            .collect();
        assert_eq!(
            verdicts,
            vec![
                ("52.1.2.3".into(), 443, true),
                ("52.1.2.3".into(), 23, false),
                ("45.9.9.9".into(), 443, false),
                ("61.0.0.1".into(), 23, false),
            ],
            "an IPv6 peer of a device without an IPv6 address, and junk, are left out"
        );
    }

    #[test]
    fn a_broken_profile_says_where() {
        let errs = read(br#"{"ietf-mud:mud": {"mud-version": "one"}}"#).unwrap_err();
        assert!(!errs.is_empty());
        assert!(errs.iter().all(|d| d.path.starts_with('$')), "{errs:?}");
        assert!(read(b"not json").is_err());
    }
}
