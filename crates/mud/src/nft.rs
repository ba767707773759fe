//! Compiles MUD profiles into one nftables ruleset (the JSON that `nft -j -f` reads): a table of
//! its own, replaced atomically; per device a chain for what it sends and one for what it
//! receives, ending in drop; DNS-name entries as named sets that an enforcer fills at run time
//! with the addresses the device's DNS answers give, each with the answer's TTL as timeout.
//! Traffic of devices without a profile is not touched.

use crate::matcher::authority;
use crate::model::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Most addresses a DNS-name set holds at once (a resolver answering with endless addresses for
/// an allowed name cannot grow the kernel's memory without bound).
pub const NAME_SET_SIZE: u32 = 65_536;

/// The nftables table iotgate owns.
pub const TABLE: &str = "iotgate_mud";

/// Local networks, for `local-networks` entries (RFC 1918, CGNAT, link-local, multicast,
/// broadcast; ULA, link-local and multicast for IPv6).
const LOCAL_V4: [(&str, u8); 7] = [
    ("10.0.0.0", 8),
    ("100.64.0.0", 10),
    ("169.254.0.0", 16),
    ("172.16.0.0", 12),
    ("192.168.0.0", 16),
    ("224.0.0.0", 4),
    ("255.255.255.255", 32),
];
const LOCAL_V6: [(&str, u8); 3] = [("fc00::", 7), ("fe80::", 10), ("ff00::", 8)];

/// One device to enforce.
#[derive(Debug, Clone)]
pub struct Device<'a> {
    /// Its MAC address, `aa:bb:cc:dd:ee:ff`.
    pub mac: String,
    /// Its profile.
    pub profile: &'a Profile,
    /// Its addresses (packets to it are matched by these; more can be added to its set later).
    pub addrs: Vec<IpAddr>,
}

/// The DNS-name sets of the ruleset: for each device (by MAC) and name, the set names for IPv4
/// and IPv6 answers.
pub type NameSets = BTreeMap<String, BTreeMap<String, (String, String)>>;

/// A compiled ruleset.
#[derive(Debug, Clone)]
pub struct Ruleset {
    /// The `{"nftables": [...]}` document.
    pub json: Value,
    /// Sets to fill from DNS answers.
    pub name_sets: NameSets,
    /// Entries left out: which (`device/acl/ace`) and why (a reason id: `eth-acl`,
    /// `own-side-name`, `ports-without-l4`, `no-controller`, `no-my-controller`, `no-peer-device`).
    pub skipped: Vec<(String, &'static str)>,
    /// Devices managed.
    pub devices: usize,
}

struct B {
    cmds: Vec<Value>,
}

impl B {
    fn add(&mut self, kind: &str, mut body: Value) {
        body["family"] = json!("inet");
        if kind != "table" {
            body["table"] = json!(TABLE);
        }
        self.cmds.push(json!({ "add": { kind: body } }));
    }
    fn rule(&mut self, chain: &str, expr: Vec<Value>) {
        self.add("rule", json!({ "chain": chain, "expr": expr }));
    }
}

fn eq(left: Value, right: Value) -> Value {
    json!({ "match": { "op": "==", "left": left, "right": right } })
}

fn payload(proto: &str, field: &str) -> Value {
    json!({ "payload": { "protocol": proto, "field": field } })
}

fn port_match(proto: &str, field: &str, p: &PortMatch) -> Value {
    let left = payload(proto, field);
    let (op, right) = match *p {
        PortMatch::Eq(x) => ("==", json!(x)),
        PortMatch::Neq(x) => ("!=", json!(x)),
        PortMatch::Lte(x) => ("<=", json!(x)),
        PortMatch::Gte(x) => (">=", json!(x)),
        PortMatch::Range(a, b) => ("==", json!({ "range": [a, b] })),
    };
    json!({ "match": { "op": op, "left": left, "right": right } })
}

fn addr_value(a: &IpAddr) -> Value {
    json!(a.to_string())
}

fn prefix_value(p: &Prefix) -> Value {
    let full = if p.addr.is_ipv4() { 32 } else { 128 };
    if p.len == full {
        addr_value(&p.addr)
    } else {
        json!({ "prefix": { "addr": p.addr.to_string(), "len": p.len } })
    }
}

/// Compiles `devices` into one ruleset. `controllers` maps controller class URIs (and
/// `my-controller`) to addresses.
pub fn compile(devices: &[Device<'_>], controllers: &[(String, IpAddr)]) -> Ruleset {
    let mut b = B { cmds: Vec::new() };
    // Create-then-delete-then-create: replaces any previous table in the same transaction.
    for verb in ["add", "delete", "add"] {
        b.cmds
            .push(json!({ verb: { "table": { "family": "inet", "name": TABLE } } }));
    }
    b.add(
        "chain",
        json!({ "name": "forward", "type": "filter", "hook": "forward", "prio": 0, "policy": "accept" }),
    );
    for (name, ty, nets) in [
        ("local4", "ipv4_addr", &LOCAL_V4[..]),
        ("local6", "ipv6_addr", &LOCAL_V6[..]),
    ] {
        let elem: Vec<Value> = nets
            .iter()
            .map(|(a, l)| json!({ "prefix": { "addr": a, "len": l } }))
            .collect();
        b.add(
            "set",
            json!({ "name": name, "type": ty, "flags": ["interval"], "elem": elem }),
        );
    }
    let mut name_sets = NameSets::new();
    let mut skipped = Vec::new();
    for (di, d) in devices.iter().enumerate() {
        let (from, to) = (format!("d{di}_from"), format!("d{di}_to"));
        b.add("chain", json!({ "name": from }));
        b.add("chain", json!({ "name": to }));
        let v4: Vec<Value> = d
            .addrs
            .iter()
            .filter(|a| a.is_ipv4())
            .map(addr_value)
            .collect();
        let v6: Vec<Value> = d
            .addrs
            .iter()
            .filter(|a| a.is_ipv6())
            .map(addr_value)
            .collect();
        for (set, ty, elems) in [
            (format!("d{di}_addr4"), "ipv4_addr", v4),
            (format!("d{di}_addr6"), "ipv6_addr", v6),
        ] {
            let mut s = json!({ "name": set, "type": ty });
            if !elems.is_empty() {
                s["elem"] = json!(elems);
            }
            b.add("set", s);
        }
        b.rule(
            "forward",
            vec![
                eq(payload("ether", "saddr"), json!(d.mac)),
                json!({ "jump": { "target": from } }),
            ],
        );
        for (fam, set) in [
            ("ip", format!("@d{di}_addr4")),
            ("ip6", format!("@d{di}_addr6")),
        ] {
            b.rule(
                "forward",
                vec![
                    eq(payload(fam, "daddr"), json!(set)),
                    json!({ "jump": { "target": to } }),
                ],
            );
        }
        let own = authority(&d.profile.url);
        for (from_device, chain, acls) in [
            (true, &from, &d.profile.from_device),
            (false, &to, &d.profile.to_device),
        ] {
            for acl in acls {
                if acl.kind == AclType::Eth {
                    skipped.push((format!("{}/{}", d.mac, acl.name), "eth-acl"));
                    continue;
                }
                for ace in &acl.aces {
                    let ctx = Ace2 {
                        di,
                        from_device,
                        acl_kind: acl.kind,
                        own: &own,
                        devices,
                        controllers,
                    };
                    match ctx.rules(&ace.matches, &mut name_sets, &mut b, &d.mac) {
                        Ok(variants) => {
                            for mut expr in variants {
                                expr.push(json!({ "counter": null }));
                                expr.push(match ace.action {
                                    Action::Accept => json!({ "accept": null }),
                                    Action::Drop => json!({ "drop": null }),
                                    Action::Reject => json!({ "reject": null }),
                                });
                                b.rule(chain, expr);
                            }
                        }
                        Err(why) => {
                            skipped.push((format!("{}/{}/{}", d.mac, acl.name, ace.name), why))
                        }
                    }
                }
            }
            // Default deny for a MUD-managed device.
            b.rule(
                chain,
                vec![json!({ "counter": null }), json!({ "drop": null })],
            );
        }
    }
    Ruleset {
        json: json!({ "nftables": b.cmds }),
        name_sets,
        skipped,
        devices: devices.len(),
    }
}

/// Compiles one entry.
struct Ace2<'a> {
    di: usize,
    from_device: bool,
    acl_kind: AclType,
    own: &'a str,
    devices: &'a [Device<'a>],
    controllers: &'a [(String, IpAddr)],
}

impl Ace2<'_> {
    /// The rule bodies (one per IP version when the entry applies to both), without the verdict.
    fn rules(
        &self,
        m: &Matches,
        sets: &mut NameSets,
        b: &mut B,
        mac: &str,
    ) -> Result<Vec<Vec<Value>>, &'static str> {
        let fams: Vec<bool> = match self.acl_kind {
            AclType::Ipv4 => vec![false],
            AclType::Ipv6 => vec![true],
            _ => vec![false, true],
        };
        let mut out = Vec::new();
        for v6 in fams {
            if let Some(e) = self.one(m, v6, sets, b, mac)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    fn one(
        &self,
        m: &Matches,
        v6: bool,
        sets: &mut NameSets,
        b: &mut B,
        mac: &str,
    ) -> Result<Option<Vec<Value>>, &'static str> {
        let fam = if v6 { "ip6" } else { "ip" };
        let mut e = vec![eq(
            json!({ "meta": { "key": "nfproto" } }),
            json!(if v6 { "ipv6" } else { "ipv4" }),
        )];
        for n in [m.src_net, m.dst_net].iter().flatten() {
            if n.addr.is_ipv6() != v6 {
                return Ok(None); // an address of the other version: never matches
            }
        }
        if let Some(p) = m.protocol {
            e.push(eq(json!({ "meta": { "key": "l4proto" } }), json!(p)));
        }
        if let Some(n) = m.src_net {
            e.push(eq(payload(fam, "saddr"), prefix_value(&n)));
        }
        if let Some(n) = m.dst_net {
            e.push(eq(payload(fam, "daddr"), prefix_value(&n)));
        }
        // The remote side of the packet.
        let remote = if self.from_device { "daddr" } else { "saddr" };
        let own_side_name = if self.from_device {
            &m.src_dnsname
        } else {
            &m.dst_dnsname
        };
        if own_side_name.is_some() {
            return Err("own-side-name");
        }
        let name = if self.from_device {
            &m.dst_dnsname
        } else {
            &m.src_dnsname
        };
        if let Some(n) = name {
            let dev = sets.entry(mac.to_string()).or_default();
            let next = dev.len();
            let di = self.di;
            let (s4, s6) = dev
                .entry(n.clone())
                .or_insert_with(|| (format!("d{di}n{next}_4"), format!("d{di}n{next}_6")))
                .clone();
            if !b
                .cmds
                .iter()
                .any(|c| c["add"]["set"]["name"] == s4.as_str())
            {
                for (s, ty) in [(&s4, "ipv4_addr"), (&s6, "ipv6_addr")] {
                    b.add(
                        "set",
                        json!({ "name": s, "type": ty, "flags": ["timeout"], "size": NAME_SET_SIZE, "comment": n }),
                    );
                }
            }
            e.push(eq(
                payload(fam, remote),
                json!(format!("@{}", if v6 { &s6 } else { &s4 })),
            ));
        }
        let l4 = match m.protocol {
            Some(6) => Some("tcp"),
            Some(17) => Some("udp"),
            _ => None,
        };
        if m.src_port.is_some() || m.dst_port.is_some() {
            let Some(l4) = l4 else {
                return Err("ports-without-l4");
            };
            if let Some(p) = &m.src_port {
                e.push(port_match(l4, "sport", p));
            }
            if let Some(p) = &m.dst_port {
                e.push(port_match(l4, "dport", p));
            }
        }
        if m.icmp_type.is_some() || m.icmp_code.is_some() {
            let icmp = if v6 { "icmpv6" } else { "icmp" };
            if let Some(t) = m.icmp_type {
                e.push(eq(payload(icmp, "type"), json!(t)));
            }
            if let Some(c) = m.icmp_code {
                e.push(eq(payload(icmp, "code"), json!(c)));
            }
        }
        if let Some(d) = m.direction_initiated {
            // A packet the device sends travels in the connection's original direction exactly
            // when the device opened it.
            let device_opened = d == Initiator::FromDevice;
            let original = device_opened == self.from_device;
            e.push(eq(
                json!({ "ct": { "key": "direction" } }),
                json!(if original { "original" } else { "reply" }),
            ));
        }
        if m.ethertype
            .is_some_and(|t| t != if v6 { 0x86dd } else { 0x0800 })
        {
            return Ok(None);
        }
        for a in &m.mud {
            match a {
                Abstraction::LocalNetworks => {
                    e.push(eq(
                        payload(fam, remote),
                        json!(if v6 { "@local6" } else { "@local4" }),
                    ));
                }
                Abstraction::Controller(uri) => {
                    let addrs = self.controller_addrs(uri, v6);
                    if addrs.is_empty() {
                        return Err("no-controller");
                    }
                    e.push(eq(payload(fam, remote), json!({ "set": addrs })));
                }
                Abstraction::MyController => {
                    let addrs = self.controller_addrs("my-controller", v6);
                    if addrs.is_empty() {
                        return Err("no-my-controller");
                    }
                    e.push(eq(payload(fam, remote), json!({ "set": addrs })));
                }
                Abstraction::Manufacturer(_)
                | Abstraction::SameManufacturer
                | Abstraction::Model(_) => {
                    let addrs: Vec<Value> = self
                        .devices
                        .iter()
                        .filter(|d| match a {
                            Abstraction::Manufacturer(auth) => {
                                authority(&d.profile.url) == auth.to_ascii_lowercase()
                            }
                            Abstraction::SameManufacturer => {
                                !self.own.is_empty() && authority(&d.profile.url) == self.own
                            }
                            Abstraction::Model(u) => d.profile.url == *u,
                            _ => false,
                        })
                        .flat_map(|d| d.addrs.iter().filter(|x| x.is_ipv6() == v6))
                        .map(addr_value)
                        .collect();
                    if addrs.is_empty() {
                        return Err("no-peer-device");
                    }
                    e.push(eq(payload(fam, remote), json!({ "set": addrs })));
                }
            }
        }
        Ok(Some(e))
    }

    fn controller_addrs(&self, uri: &str, v6: bool) -> Vec<Value> {
        self.controllers
            .iter()
            .filter(|(u, a)| u == uri && a.is_ipv6() == v6)
            .map(|(_, a)| addr_value(a))
            .collect()
    }
}

/// One transaction adding each `addr` to its `set` for `ttl` seconds (JSON for `nft -j -f`).
pub fn add_elements(batch: &[(String, IpAddr, u32)]) -> Value {
    let cmds: Vec<Value> = batch
        .iter()
        .map(|(set, addr, ttl)| {
            json!({ "add": { "element": {
                "family": "inet", "table": TABLE, "name": set,
                "elem": [ { "elem": { "val": addr.to_string(), "timeout": ttl } } ]
            } } })
        })
        .collect();
    json!({ "nftables": cmds })
}
