//! The quarantine's nftables rules (the JSON `nft -j -f` reads): two tables of iotgate's own,
//! one `inet` (routed traffic, and traffic to the gateway itself) and one `bridge` (traffic
//! between the ports of a LAN bridge, and everything when the gateway is a transparent
//! bridge), replaced together in one transaction. A held device may send only DNS, NTP and
//! DHCP to the gateway itself and to the servers the operator named (its resolvers), DHCP
//! discovery by broadcast, and anything to the addresses its allowed names resolved to
//! (DNS-bound sets, each address for its answer's TTL); nothing reaches it but answers to that.
//! It is caught by its MACs and, on routed traffic, by its addresses too (a held device that
//! changes its MAC keeps its address, or loses its connections). With nobody held, the tables
//! are gone.

use serde_json::{json, Value};
use std::net::IpAddr;

/// The tables' name (in the `inet` and the `bridge` families).
pub const TABLE: &str = "iotgate_quarantine";

/// Most addresses one device's allowed names may hold at once.
pub const ALLOW_SET_SIZE: u32 = 65_536;

/// One device in quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Its MACs (`aa:bb:cc:dd:ee:ff`).
    pub macs: Vec<String>,
    /// Its addresses (answers to it are matched by these on routed traffic).
    pub addrs: Vec<IpAddr>,
}

/// The two families the rules live in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fam {
    Inet,
    Bridge,
}

impl Fam {
    fn name(self) -> &'static str {
        match self {
            Fam::Inet => "inet",
            Fam::Bridge => "bridge",
        }
    }
}

/// The names of device `i`'s DNS-bound sets (IPv4, IPv6).
pub fn allow_sets(i: usize) -> (String, String) {
    (format!("q{i}_allow4"), format!("q{i}_allow6"))
}

struct B {
    cmds: Vec<Value>,
    fam: Fam,
}

impl B {
    fn add(&mut self, kind: &str, mut body: Value) {
        body["family"] = json!(self.fam.name());
        body["table"] = json!(TABLE);
        self.cmds.push(json!({ "add": { kind: body } }));
    }
    fn rule(&mut self, chain: &str, expr: Vec<Value>) {
        self.add("rule", json!({ "chain": chain, "expr": expr }));
    }
    fn set(&mut self, name: &str, ty: &str, flags: &[&str], elem: Vec<Value>) {
        let mut s = json!({ "name": name, "type": ty });
        if !flags.is_empty() {
            s["flags"] = json!(flags);
        }
        if flags.contains(&"timeout") {
            s["size"] = json!(ALLOW_SET_SIZE);
        }
        if !elem.is_empty() {
            s["elem"] = json!(elem);
        }
        self.add("set", s);
    }
}

fn m(op: &str, left: Value, right: Value) -> Value {
    json!({ "match": { "op": op, "left": left, "right": right } })
}

fn eq(left: Value, right: Value) -> Value {
    m("==", left, right)
}

fn p(proto: &str, field: &str) -> Value {
    json!({ "payload": { "protocol": proto, "field": field } })
}

fn accept() -> Value {
    json!({ "accept": null })
}

fn drop_counted() -> Vec<Value> {
    vec![json!({ "counter": null }), json!({ "drop": null })]
}

fn jump(to: &str) -> Value {
    json!({ "jump": { "target": to } })
}

/// The transaction that removes both tables, whether or not they exist.
pub fn remove() -> Value {
    drop_tables(&[(Fam::Inet.name(), TABLE), (Fam::Bridge.name(), TABLE)])
}

/// The transaction that removes these tables (family, name), whether or not they exist.
pub fn drop_tables(tables: &[(&str, &str)]) -> Value {
    let mut cmds = Vec::new();
    for (family, name) in tables {
        for verb in ["add", "delete"] {
            cmds.push(json!({ verb: { "table": { "family": family, "name": name } } }));
        }
    }
    json!({ "nftables": cmds })
}

/// The transaction that replaces both tables with rules holding `held`, DNS allowed to the
/// gateway and to `resolvers`; `learned[i]` are the addresses (with seconds left) device `i`'s
/// allowed names resolved to, put back into its new sets. Nobody held: [`remove`].
pub fn ruleset(held: &[Held], resolvers: &[IpAddr], learned: &[Vec<(IpAddr, u32)>]) -> Value {
    if held.is_empty() {
        return remove();
    }
    let mut all = remove()["nftables"].as_array().cloned().unwrap_or_default();
    for fam in [Fam::Inet, Fam::Bridge] {
        let mut b = B {
            cmds: Vec::new(),
            fam,
        };
        b.cmds
            .push(json!({ "add": { "table": { "family": fam.name(), "name": TABLE } } }));
        common_sets(&mut b, resolvers);
        b.add(
            "chain",
            json!({ "name": "forward", "type": "filter", "hook": "forward", "prio": -10, "policy": "accept" }),
        );
        for (i, h) in held.iter().enumerate() {
            let (a4, a6) = allow_sets(i);
            let known = learned.get(i).map(Vec::as_slice).unwrap_or(&[]);
            for (set, ty, v6) in [(&a4, "ipv4_addr", false), (&a6, "ipv6_addr", true)] {
                let elem = known
                    .iter()
                    .filter(|(a, _)| a.is_ipv6() == v6)
                    .map(|(a, ttl)| json!({ "elem": { "val": a.to_string(), "timeout": ttl } }))
                    .collect();
                b.set(set, ty, &["timeout"], elem);
            }
            let out = format!("q{i}_out");
            b.add("chain", json!({ "name": out }));
            for mac in &h.macs {
                b.rule(
                    "forward",
                    vec![eq(p("ether", "saddr"), json!(mac)), jump(&out)],
                );
            }
            if fam == Fam::Inet {
                // Routed traffic from its addresses, whatever MAC it comes from now.
                for (ipfam, v6) in [("ip", false), ("ip6", true)] {
                    let own: Vec<Value> = h
                        .addrs
                        .iter()
                        .filter(|a| a.is_ipv6() == v6)
                        .map(|a| json!(a.to_string()))
                        .collect();
                    if !own.is_empty() {
                        b.rule(
                            "forward",
                            vec![eq(p(ipfam, "saddr"), json!({ "set": own })), jump(&out)],
                        );
                    }
                }
            }
            if fam == Fam::Bridge {
                let back = format!("q{i}_back");
                b.add("chain", json!({ "name": back }));
                for mac in &h.macs {
                    b.rule(
                        "forward",
                        vec![eq(p("ether", "daddr"), json!(mac)), jump(&back)],
                    );
                }
                let own4: Vec<Value> = h
                    .addrs
                    .iter()
                    .filter(|a| a.is_ipv4())
                    .map(|a| json!(a.to_string()))
                    .collect();
                link_layer(&mut b, &out, Way::Out, &own4);
                link_layer(&mut b, &back, Way::Back, &own4);
                answers(&mut b, &back, i);
                let mut d = drop_counted();
                b.rule(&back, std::mem::take(&mut d));
            }
            allowed(&mut b, &out, i);
            b.rule(&out, drop_counted());
        }
        if fam == Fam::Inet {
            inet_rest(&mut b, held);
        }
        all.extend(b.cmds);
    }
    json!({ "nftables": all })
}

/// The sets every table has: the resolvers (servers a held device may still ask).
fn common_sets(b: &mut B, resolvers: &[IpAddr]) {
    for (name, ty, v6) in [
        ("resolvers4", "ipv4_addr", false),
        ("resolvers6", "ipv6_addr", true),
    ] {
        let elem = resolvers
            .iter()
            .filter(|a| a.is_ipv6() == v6)
            .map(|a| json!(a.to_string()))
            .collect();
        b.set(name, ty, &[], elem);
    }
}

/// What a held device may send: DNS, NTP and DHCP to the resolvers, DHCP discovery by
/// broadcast, anything to its allowed names' addresses.
fn allowed(b: &mut B, chain: &str, i: usize) {
    exchange(b, chain, i, Way::Out);
}

/// Which way a packet goes, seen from the held device.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// Sent by it.
    Out,
    /// Sent to it.
    Back,
}

/// The rules of what a held device may exchange, one way: the remote address and port are
/// the destination's on the way out, the source's on the way back.
fn exchange(b: &mut B, chain: &str, i: usize, way: Way) {
    let (a4, a6) = allow_sets(i);
    let (addr, port, remote_port) = match way {
        Way::Out => ("daddr", "dport", "sport"),
        Way::Back => ("saddr", "sport", "dport"),
    };
    for (fam, res, set) in [("ip", "@resolvers4", &a4), ("ip6", "@resolvers6", &a6)] {
        for (l4, svc) in [("udp", 53), ("tcp", 53), ("udp", 123)] {
            b.rule(
                chain,
                vec![
                    eq(p(fam, addr), json!(res)),
                    eq(p(l4, port), json!(svc)),
                    accept(),
                ],
            );
        }
        b.rule(
            chain,
            vec![eq(p(fam, addr), json!(format!("@{set}"))), accept()],
        );
    }
    // DHCP and DHCPv6, client port to server port: with the resolvers (a DHCP server beside
    // them), and, on the way out, discovery to the broadcast and the DHCPv6 servers' group.
    for (fam, res, client, server) in [
        ("ip", "@resolvers4", 68, 67),
        ("ip6", "@resolvers6", 546, 547),
    ] {
        b.rule(
            chain,
            vec![
                eq(p(fam, addr), json!(res)),
                eq(p("udp", remote_port), json!(client)),
                eq(p("udp", port), json!(server)),
                accept(),
            ],
        );
    }
    if way == Way::Out {
        for (fam, group, client, server) in [
            ("ip", "255.255.255.255", 68, 67),
            ("ip6", "ff02::1:2", 546, 547),
        ] {
            b.rule(
                chain,
                vec![
                    eq(p(fam, "daddr"), json!(group)),
                    eq(p("udp", "sport"), json!(client)),
                    eq(p("udp", "dport"), json!(server)),
                    accept(),
                ],
            );
        }
    }
}

/// On a bridge, what a held device needs below IP, and no more: on the way out, ARP requests,
/// ARP replies for its own addresses, and neighbour and router solicitations and neighbour
/// advertisements (never a router advertisement: it would make itself the LAN's router); on
/// the way back, ARP and neighbour discovery.
fn link_layer(b: &mut B, chain: &str, way: Way, own4: &[Value]) {
    let arp = eq(p("ether", "type"), json!("arp"));
    if way == Way::Back {
        b.rule(chain, vec![arp, accept()]);
    } else {
        b.rule(
            chain,
            vec![
                arp.clone(),
                eq(p("arp", "operation"), json!("request")),
                accept(),
            ],
        );
        if !own4.is_empty() {
            b.rule(
                chain,
                vec![
                    arp,
                    eq(p("arp", "operation"), json!("reply")),
                    eq(p("arp", "saddr ip"), json!({ "set": own4 })),
                    accept(),
                ],
            );
        }
    }
    let nd: &[&str] = match way {
        Way::Out => &[
            "nd-router-solicit",
            "nd-neighbor-solicit",
            "nd-neighbor-advert",
        ],
        Way::Back => &[
            "nd-router-advert",
            "nd-neighbor-solicit",
            "nd-neighbor-advert",
        ],
    };
    b.rule(
        chain,
        vec![eq(p("icmpv6", "type"), json!({ "set": nd })), accept()],
    );
}

/// On a bridge (no connection tracking there), what may reach a held device: the answers to
/// what it may send.
fn answers(b: &mut B, chain: &str, i: usize) {
    exchange(b, chain, i, Way::Back);
}

/// The `inet` table's other chains: answers routed to a held device (connection tracking:
/// replies only), and what it may ask of the gateway itself (DNS, DHCP, NTP, neighbour and
/// router solicitation; not its dashboard, not its SSH).
fn inet_rest(b: &mut B, held: &[Held]) {
    let macs: Vec<Value> = held
        .iter()
        .flat_map(|h| h.macs.iter())
        .map(|m| json!(m))
        .collect();
    b.set("held_macs", "ether_addr", &[], macs);
    for (name, ty, v6) in [("held4", "ipv4_addr", false), ("held6", "ipv6_addr", true)] {
        let elem = held
            .iter()
            .flat_map(|h| h.addrs.iter())
            .filter(|a| a.is_ipv6() == v6)
            .map(|a| json!(a.to_string()))
            .collect();
        b.set(name, ty, &[], elem);
    }
    b.add("chain", json!({ "name": "to_held" }));
    b.rule(
        "forward",
        vec![eq(p("ip", "daddr"), json!("@held4")), jump("to_held")],
    );
    b.rule(
        "forward",
        vec![eq(p("ip6", "daddr"), json!("@held6")), jump("to_held")],
    );
    b.rule(
        "to_held",
        vec![
            m(
                "in",
                json!({ "ct": { "key": "state" } }),
                json!(["established", "related"]),
            ),
            accept(),
        ],
    );
    b.rule("to_held", drop_counted());

    b.add(
        "chain",
        json!({ "name": "input", "type": "filter", "hook": "input", "prio": -10, "policy": "accept" }),
    );
    b.add("chain", json!({ "name": "held_to_gateway" }));
    b.rule(
        "input",
        vec![
            eq(p("ether", "saddr"), json!("@held_macs")),
            jump("held_to_gateway"),
        ],
    );
    let c = "held_to_gateway";
    b.rule(
        c,
        vec![
            m(
                "in",
                json!({ "ct": { "key": "state" } }),
                json!(["established", "related"]),
            ),
            accept(),
        ],
    );
    b.rule(
        c,
        vec![
            eq(p("udp", "dport"), json!({ "set": [53, 67, 123, 547] })),
            accept(),
        ],
    );
    b.rule(c, vec![eq(p("tcp", "dport"), json!(53)), accept()]);
    b.rule(
        c,
        vec![
            eq(
                p("icmpv6", "type"),
                json!({ "set": ["nd-router-solicit", "nd-neighbor-solicit", "nd-neighbor-advert"] }),
            ),
            accept(),
        ],
    );
    b.rule(c, drop_counted());
}

/// One transaction adding each learned address to device `i`'s set in both tables for `ttl`
/// seconds.
pub fn add_learned(batch: &[(usize, IpAddr, u32)]) -> Value {
    let mut cmds = Vec::new();
    for (i, addr, ttl) in batch {
        let (a4, a6) = allow_sets(*i);
        let set = if addr.is_ipv6() { a6 } else { a4 };
        for fam in [Fam::Inet, Fam::Bridge] {
            cmds.push(json!({ "add": { "element": {
                "family": fam.name(), "table": TABLE, "name": set,
                "elem": [ { "elem": { "val": addr.to_string(), "timeout": ttl } } ]
            } } }));
        }
    }
    json!({ "nftables": cmds })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    fn held() -> Vec<Held> {
        vec![
            Held {
                macs: vec!["02:00:00:00:00:01".into(), "06:00:00:00:00:09".into()],
                addrs: vec!["192.168.1.20".parse().unwrap(), "fd00::20".parse().unwrap()],
            },
            Held {
                macs: vec!["02:00:00:00:00:02".into()],
                addrs: vec![],
            },
        ]
    }

    #[test]
    fn nobody_held_is_no_table() {
        let v = ruleset(&[], &[], &[]);
        assert_eq!(v, remove());
        let verbs: Vec<String> = v["nftables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_object().unwrap().keys().next().unwrap().clone())
            .collect();
        assert_eq!(verbs, ["add", "delete", "add", "delete"]);
    }

    #[test]
    fn every_mac_of_a_held_device_is_caught_in_both_families() {
        let v = ruleset(
            &held(),
            &["10.0.0.53".parse().unwrap()],
            &[vec![("1.2.3.4".parse().unwrap(), 30)]],
        );
        let text = v.to_string();
        for mac in [
            "02:00:00:00:00:01",
            "06:00:00:00:00:09",
            "02:00:00:00:00:02",
        ] {
            // saddr in both families' forward chains, daddr in the bridge's.
            assert_eq!(text.matches(&format!("\"{mac}\"")).count(), 4, "{mac}");
        }
        assert!(text.contains("\"1.2.3.4\""), "learned addresses put back");
        assert!(text.contains("10.0.0.53"));
    }

    /// `nft --check` in a network namespace of its own, when this runs as root with nft.
    #[test]
    fn the_kernel_accepts_the_rules() {
        let ns = format!("igrules{}", std::process::id());
        let ok = Command::new("ip")
            .args(["netns", "add", &ns])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: needs root and iproute2");
            return;
        }
        let run = |doc: &Value| {
            let mut c = Command::new("ip")
                .args(["netns", "exec", &ns, "nft", "-j", "-f", "-"])
                .stdin(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(doc.to_string().as_bytes())
                .unwrap();
            let o = c.wait_with_output().unwrap();
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stderr).to_string(),
            )
        };
        let list = || {
            let o = Command::new("ip")
                .args(["netns", "exec", &ns, "nft", "list", "ruleset"])
                .output()
                .unwrap();
            String::from_utf8_lossy(&o.stdout).to_string()
        };
        let r1 = run(&ruleset(
            &held(),
            &["10.0.0.53".parse().unwrap(), "fd00::53".parse().unwrap()],
            &[],
        ));
        let r2 = run(&add_learned(&[
            (0, "1.2.3.4".parse().unwrap(), 60),
            (1, "2001:db8::1".parse().unwrap(), 60),
        ]));
        let listed = list();
        // Replaced again with one device: the second's chains are gone.
        let r3 = run(&ruleset(
            &held()[..1],
            &[],
            &[vec![("1.2.3.4".parse().unwrap(), 50)]],
        ));
        let after = list();
        let r4 = run(&remove());
        let gone = list();
        let _ = Command::new("ip").args(["netns", "del", &ns]).status();
        assert!(r1.0, "{}", r1.1);
        assert!(r2.0, "{}", r2.1);
        assert!(r3.0, "{}", r3.1);
        assert!(r4.0, "{}", r4.1);
        assert!(
            listed.contains("table bridge iotgate_quarantine"),
            "{listed}"
        );
        assert!(listed.contains("1.2.3.4 timeout"), "{listed}");
        assert!(listed.contains("q1_out"), "{listed}");
        assert!(!after.contains("q1_out"), "{after}");
        assert!(after.contains("1.2.3.4 timeout"), "{after}");
        assert!(!gone.contains("iotgate"), "{gone}");
    }
}
