//! Writes a [`Profile`] as an RFC 8520 MUD file (JSON encoding of the `ietf-mud` and
//! `ietf-access-control-list` modules, RFC 7951), whatever layout it was read from.

use crate::model::*;
use serde_json::{json, Map, Value};
use std::net::IpAddr;

/// The profile as an RFC 8520 JSON document.
pub fn to_json(p: &Profile) -> Value {
    let mut mud = Map::new();
    mud.insert("mud-version".into(), json!(p.version.unwrap_or(1)));
    mud.insert("mud-url".into(), json!(p.url));
    if let Some(s) = &p.signature_url {
        mud.insert("mud-signature".into(), json!(s));
    }
    if let Some(s) = &p.last_update {
        mud.insert("last-update".into(), json!(s));
    }
    mud.insert("cache-validity".into(), json!(p.cache_validity_hours));
    mud.insert("is-supported".into(), json!(p.is_supported.unwrap_or(true)));
    for (k, v) in [
        ("systeminfo", &p.systeminfo),
        ("mfg-name", &p.mfg_name),
        ("model-name", &p.model_name),
        ("firmware-rev", &p.firmware_rev),
        ("software-rev", &p.software_rev),
        ("documentation", &p.documentation),
    ] {
        if let Some(v) = v {
            mud.insert(k.into(), json!(v));
        }
    }
    if !p.extensions.is_empty() {
        mud.insert("extensions".into(), json!(p.extensions));
    }
    if let Some(s) = &p.sbom {
        let mut t = Map::new();
        if let Some(u) = &s.url {
            t.insert("sbom-url".into(), json!(u));
        }
        if let Some(u) = &s.local_well_known {
            t.insert("sbom-local-well-known".into(), json!(u));
        }
        if let Some(u) = &s.contact {
            t.insert("contact-uri".into(), json!(u));
        }
        if !s.vuln_urls.is_empty() {
            t.insert("vuln-url".into(), json!(s.vuln_urls));
        }
        mud.insert(
            "ietf-mud-transparency:transparency".into(),
            Value::Object(t),
        );
    }
    let mut acls: Vec<Value> = Vec::new();
    for (policy, list) in [
        ("from-device-policy", &p.from_device),
        ("to-device-policy", &p.to_device),
    ] {
        if list.is_empty() {
            continue;
        }
        let names: Vec<Value> = list.iter().map(|a| json!({ "name": a.name })).collect();
        mud.insert(
            policy.into(),
            json!({ "access-lists": { "access-list": names } }),
        );
        for a in list {
            if !acls.iter().any(|x| x["name"] == a.name.as_str()) {
                acls.push(acl(a));
            }
        }
    }
    json!({
        "ietf-mud:mud": Value::Object(mud),
        "ietf-access-control-list:acls": { "acl": acls },
    })
}

/// Indentation of an entry in a profile written by [`to_json`] and serde_json's pretty printer
/// (two spaces a level): the document, `ietf-access-control-list:acls`, `acl`, the ACL, `aces`,
/// `ace`, then the entry.
const ACE_INDENT: usize = 12;

/// Bytes an ACL's written form grows by when its list of entries is not empty, besides the
/// entries themselves ([`ace_text_len`]): the list's closing bracket on a line of its own.
pub const ACL_ENTRIES_OVERHEAD: usize = 10;

/// Bytes the entry `e` of an ACL of type `kind` adds to a profile written by [`to_json`] and
/// `serde_json::to_string_pretty`, with the separator before it. `mud learn` adds these up so
/// that a learned profile stays within [`crate::MAX_PROFILE_BYTES`], which every reader of
/// profiles enforces.
pub fn ace_text_len(e: &Ace, kind: AclType) -> usize {
    let text = serde_json::to_string_pretty(&ace(e, kind)).unwrap_or_default();
    text.len() + text.lines().count() * ACE_INDENT + ",\n".len()
}

fn acl(a: &Acl) -> Value {
    let kind = match a.kind {
        AclType::Ipv4 => "ipv4-acl-type",
        AclType::Ipv6 => "ipv6-acl-type",
        AclType::Eth => "eth-acl-type",
        AclType::Any => "mixed-eth-ipv4-ipv6-acl-type",
    };
    let aces: Vec<Value> = a.aces.iter().map(|e| ace(e, a.kind)).collect();
    json!({ "name": a.name, "type": kind, "aces": { "ace": aces } })
}

fn ace(e: &Ace, kind: AclType) -> Value {
    let action = match e.action {
        Action::Accept => "accept",
        Action::Drop => "drop",
        Action::Reject => "reject",
    };
    json!({ "name": e.name, "matches": matches(&e.matches, kind), "actions": { "forwarding": action } })
}

fn port(p: &PortMatch) -> Value {
    match *p {
        PortMatch::Eq(x) => json!({ "operator": "eq", "port": x }),
        PortMatch::Neq(x) => json!({ "operator": "neq", "port": x }),
        PortMatch::Lte(x) => json!({ "operator": "lte", "port": x }),
        PortMatch::Gte(x) => json!({ "operator": "gte", "port": x }),
        PortMatch::Range(a, b) => json!({ "lower-port": a, "upper-port": b }),
    }
}

fn is_v6(m: &Matches, kind: AclType) -> bool {
    match kind {
        AclType::Ipv6 => true,
        AclType::Ipv4 | AclType::Eth => false,
        AclType::Any => {
            [m.src_net, m.dst_net]
                .iter()
                .flatten()
                .any(|n| matches!(n.addr, IpAddr::V6(_)))
                || matches!(m.protocol, Some(58))
        }
    }
}

fn matches(m: &Matches, kind: AclType) -> Value {
    let mut out = Map::new();
    let v6 = is_v6(m, kind);
    let mut l3 = Map::new();
    let (src, dst) = if v6 {
        ("source-ipv6-network", "destination-ipv6-network")
    } else {
        ("source-ipv4-network", "destination-ipv4-network")
    };
    if let Some(p) = m.protocol {
        l3.insert("protocol".into(), json!(p));
    }
    if let Some(n) = m.src_net {
        l3.insert(src.into(), json!(n.to_string()));
    }
    if let Some(n) = m.dst_net {
        l3.insert(dst.into(), json!(n.to_string()));
    }
    if let Some(n) = &m.src_dnsname {
        l3.insert("ietf-acldns:src-dnsname".into(), json!(n));
    }
    if let Some(n) = &m.dst_dnsname {
        l3.insert("ietf-acldns:dst-dnsname".into(), json!(n));
    }
    let mut l4 = Map::new();
    if let Some(p) = &m.src_port {
        l4.insert("source-port".into(), port(p));
    }
    if let Some(p) = &m.dst_port {
        l4.insert("destination-port".into(), port(p));
    }
    let mut l4_name = None;
    match m.protocol {
        Some(6) => {
            if let Some(d) = m.direction_initiated {
                let d = match d {
                    Initiator::FromDevice => "from-device",
                    Initiator::ToDevice => "to-device",
                };
                l4.insert("ietf-mud:direction-initiated".into(), json!(d));
            }
            l4_name = Some("tcp");
        }
        Some(17) => l4_name = Some("udp"),
        Some(1) | Some(58) => {
            if let Some(t) = m.icmp_type {
                l4.insert("type".into(), json!(t));
            }
            if let Some(c) = m.icmp_code {
                l4.insert("code".into(), json!(c));
            }
            l4_name = Some("icmp");
        }
        _ => {}
    }
    // Members in the order RFC 8520's examples use: abstractions, link, network, transport.
    if !m.mud.is_empty() {
        let mut a = Map::new();
        for x in &m.mud {
            let (k, v) = match x {
                Abstraction::Manufacturer(s) => ("manufacturer", json!(s)),
                Abstraction::SameManufacturer => ("same-manufacturer", json!([null])),
                Abstraction::Model(s) => ("model", json!(s)),
                Abstraction::LocalNetworks => ("local-networks", json!([null])),
                Abstraction::Controller(s) => ("controller", json!(s)),
                Abstraction::MyController => ("my-controller", json!([null])),
            };
            a.insert(k.into(), v);
        }
        out.insert("ietf-mud:mud".into(), Value::Object(a));
    }
    if let Some(t) = m.ethertype {
        out.insert("eth".into(), json!({ "ethertype": t }));
    }
    if kind != AclType::Eth && !l3.is_empty() {
        out.insert(if v6 { "ipv6" } else { "ipv4" }.into(), Value::Object(l3));
    }
    if let Some(n) = l4_name {
        if !l4.is_empty() {
            out.insert(n.into(), Value::Object(l4));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entries of a written profile take exactly what [`ace_text_len`] says, plus
    /// [`ACL_ENTRIES_OVERHEAD`] for each ACL that has entries.
    #[test]
    fn entry_sizes_add_up_to_the_written_profile() {
        let entry = |i: usize, v6: bool| Ace {
            name: format!("e-{i}"),
            action: Action::Accept,
            matches: Matches {
                protocol: Some(6),
                dst_dnsname: i.is_multiple_of(2).then(|| format!("host{i}.example.com")),
                dst_net: (!i.is_multiple_of(2)).then(|| Prefix {
                    addr: if v6 {
                        "2001:db8::1".parse().unwrap()
                    } else {
                        "192.0.2.1".parse().unwrap()
                    },
                    len: if v6 { 128 } else { 32 },
                }),
                dst_port: Some(PortMatch::Eq(443)),
                direction_initiated: Some(Initiator::FromDevice),
                ..Matches::default()
            },
        };
        let acl = |name: &str, kind: AclType, n: usize| Acl {
            name: name.into(),
            kind,
            aces: (0..n).map(|i| entry(i, kind == AclType::Ipv6)).collect(),
        };
        let base = Profile {
            url: "https://x.example/p.json".into(),
            from_device: vec![acl("a", AclType::Ipv4, 0), acl("b", AclType::Ipv6, 0)],
            ..Profile::default()
        };
        let full = Profile {
            from_device: vec![acl("a", AclType::Ipv4, 7), acl("b", AclType::Ipv6, 5)],
            ..base.clone()
        };
        let len = |p: &Profile| serde_json::to_string_pretty(&to_json(p)).unwrap().len();
        let entries: usize = full
            .from_device
            .iter()
            .flat_map(|a| a.aces.iter().map(move |e| ace_text_len(e, a.kind)))
            .sum();
        // An ACL's `[]` opens onto lines of its own once it holds entries: 10 bytes more each.
        let grown = len(&full) - len(&base);
        assert_eq!(grown, entries + 2 * ACL_ENTRIES_OVERHEAD);
    }
}
