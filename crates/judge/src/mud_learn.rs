//! Learning a MUD profile from what one device did: every flow of the device becomes the
//! narrowest entries that allow it — a DNS name for Internet peers it looked up, an address for
//! those it did not, the DNS controller for its resolver, local networks for LAN peers — with
//! ports, protocol, ICMP type and who opened TCP connections. The result is deterministic: the
//! same captures give the same profile, byte for byte.

use crate::mud_audit::{Ctx, URN_DNS};
use iotgate_mud::matcher::Context;
use iotgate_mud::{
    Abstraction, Ace, Acl, AclType, Action, Initiator, Matches, PortMatch, Prefix, Profile,
};
use iotgate_observe::engine::FlowObserver;
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};
use iotgate_observe::Inventory;
use iotgate_wire::Mac;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Distinct entries learned at most; a device doing more (a scan) gives a truncated profile.
pub const MAX_RULES: usize = 4096;

/// Kinds of connection learned at most by [`Learner::learn_kinds`] (a device shows tens; ports
/// from 1024 up count as one kind, except the notable ones): a device making more in its
/// learning window (a scan of every port) has shown no baseline worth more, and its state
/// stays the same however long the flood.
pub const MAX_KINDS: usize = 256;

/// Bytes of a learned profile kept for all but its entries: the MUD URL, system information,
/// maker, dates, policies, and the (at most four) ACLs' own members with their
/// [`iotgate_mud::write::ACL_ENTRIES_OVERHEAD`] — a few kilobytes; only a MUD URL given on the
/// command line longer than most of this could still push a profile over the limit.
pub const RESERVED_BYTES: usize = 64 * 1024;

/// Bytes the entries of a learned profile may take when written: the rest of the size every
/// reader of profiles accepts ([`iotgate_mud::MAX_PROFILE_BYTES`]), so that `mud check`,
/// `mud audit` and `mud nft` read what `mud learn` writes. Entries beyond are not learned, like
/// those beyond [`MAX_RULES`], and counted in [`Learner::dropped`].
pub const ENTRY_BUDGET: usize = iotgate_mud::MAX_PROFILE_BYTES - RESERVED_BYTES;

/// The longest entry name a learned profile uses (`mud-<MAC>-<family><direction>-<index>`, the
/// index below [`MAX_RULES`]), for sizing entries before they are numbered.
const LONGEST_ACE_NAME: &str = "mud-000000000000-v6fr-4095";
const _: () = assert!(
    MAX_RULES <= 10_000,
    "entry indexes have at most four digits"
);

/// Who the other side is, as a profile can name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Peer {
    /// The network's DNS resolver.
    Dns,
    /// Something on the local networks; a group address (multicast, broadcast) is kept.
    Local(Option<IpAddr>),
    /// An Internet host the device found by this name.
    Name(String),
    /// An Internet host the device reached without looking up a name.
    Addr(IpAddr),
}

/// One learned entry, ordered so that profiles come out in a stable order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Rule {
    v6: bool,
    from_device: bool,
    peer: Peer,
    proto: u8,
    /// The service port and whether it is the device's own (the device answered).
    port: Option<(u16, bool)>,
    /// TCP: Some(true) when the device opened it (only when the start was seen).
    device_initiated: Option<bool>,
    icmp: Option<(u8, u8)>,
}

/// What is being learned about one device.
#[derive(Debug, Clone)]
pub struct Learner {
    /// The device.
    pub mac: Mac,
    rules: BTreeSet<Rule>,
    /// Flows of the device seen.
    pub flows: u64,
    /// Flows whose entries did not fit ([`MAX_RULES`], [`ENTRY_BUDGET`]).
    pub dropped: u64,
    /// Bytes the learned entries take in the written profile (at most [`ENTRY_BUDGET`]).
    bytes: usize,
    /// An entry did not fit in [`ENTRY_BUDGET`]: no new entry is learned any more (so that a
    /// scan's millions of new peers are not each sized, and the profile does not depend on
    /// which small entries happened to fit in the remainder).
    full: bool,
    /// Last packet of the device's flows, ns.
    pub last_ns: i64,
    /// The device's maker, from its MAC.
    pub vendor: Option<String>,
    /// The kinds of connection learned: direction, protocol, service port, kind of peer.
    kinds: BTreeSet<KindKey>,
    /// The MUD URL the device announced, if any.
    pub announced_url: Option<String>,
    /// Entries of the flow being learned (kept to reuse its allocation from flow to flow).
    scratch: Vec<Rule>,
}

impl Learner {
    /// Starts learning about `mac`.
    pub fn new(mac: Mac) -> Self {
        Learner {
            mac,
            rules: BTreeSet::new(),
            flows: 0,
            dropped: 0,
            bytes: 0,
            full: false,
            last_ns: i64::MIN,
            vendor: None,
            kinds: BTreeSet::new(),
            announced_url: None,
            scratch: Vec::new(),
        }
    }

    /// Entries learned so far.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when nothing was learned.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Learns from one ended flow.
    pub fn flow(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow) {
        let mut rules = std::mem::take(&mut self.scratch);
        self.rules_of(inv, key, f, &mut rules);
        for rule in rules.drain(..) {
            self.kinds.insert(kind_of(&rule));
            if self.rules.contains(&rule) {
                continue;
            }
            if self.full || self.rules.len() >= MAX_RULES {
                self.dropped += 1;
                continue;
            }
            let cost = entry_bytes(&rule);
            if self.bytes + cost > ENTRY_BUDGET {
                self.full = true;
                self.dropped += 1;
                continue;
            }
            self.bytes += cost;
            self.rules.insert(rule);
        }
        self.scratch = rules;
    }

    /// The kinds of connection (direction, protocol, service port, and whether the peer is the
    /// resolver, on the LAN or on the Internet) that `f` needs and no learned entry has,
    /// described as `tcp/23 -> internet` (the behaviour-change detector's learned-profile diff:
    /// a new server of a known kind is not new behaviour).
    pub fn unknown(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow, out: &mut Vec<String>) {
        let mut rules = std::mem::take(&mut self.scratch);
        self.rules_of(inv, key, f, &mut rules);
        for r in &rules {
            let k = kind_of(r);
            if self.kinds.contains(&k) {
                continue;
            }
            let peer = ["dns", "local", "internet"][k.3 as usize];
            let port = match k.2 {
                Some((1024, _)) => "/1024+".to_string(),
                Some((p, _)) => format!("/{p}"),
                None => String::new(),
            };
            let dir = if r.from_device { "->" } else { "<-" };
            let s = format!("{}{port} {dir} {peer}", proto_name(r.proto));
            if !out.contains(&s) {
                out.push(s);
            }
        }
        rules.clear();
        self.scratch = rules;
    }

    /// True when every kind of connection `f` needs was learned — checked without building
    /// entries (no allocation), so that a device's routine flows after the learning window cost
    /// little; [`Learner::unknown`] then describes the rest.
    pub fn knows_kinds(&self, inv: &Inventory, key: &FlowKey, f: &Flow) -> bool {
        each_kind(self.mac, inv, key, f, |k| self.kinds.contains(&k))
    }

    /// Learns only the kinds of connection `f` needs (what [`Learner::knows_kinds`] and
    /// [`Learner::unknown`] compare with), without entries: the behaviour-change detector's
    /// learning, with no allocation per flow, at most [`MAX_KINDS`]. A learner fed this way
    /// writes no profile.
    pub fn learn_kinds(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow) {
        let kinds = &mut self.kinds;
        each_kind(self.mac, inv, key, f, |k| {
            if kinds.len() < MAX_KINDS {
                kinds.insert(k);
            }
            true
        });
    }

    /// Kinds of connection learned.
    pub fn kinds_len(&self) -> usize {
        self.kinds.len()
    }

    fn rules_of(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow, out: &mut Vec<Rule>) {
        for side in 0..2 {
            let Some(dev) = inv.devices.get(f.dev[side] as usize) else {
                continue;
            };
            if dev.mac != self.mac {
                continue;
            }
            if self.vendor.is_none() {
                self.vendor = dev.vendor.map(str::to_string);
            }
            if let Some((u, _)) = &dev.mud_url {
                self.announced_url.get_or_insert_with(|| u.clone());
            }
            let ctx = Ctx::new(inv, dev, inv.devices.get(f.dev[1 - side] as usize), None);
            self.learn_side(&ctx, key, f, side, out);
        }
    }

    fn learn_side(
        &mut self,
        ctx: &Ctx<'_>,
        key: &FlowKey,
        f: &Flow,
        side: usize,
        out: &mut Vec<Rule>,
    ) {
        let initiated = f.initiator as usize == side;
        let (sent, recv) = if initiated { (0, 1) } else { (1, 0) };
        let theirs = key.addr(1 - side);
        let responder = 1 - f.initiator as usize;
        let service = key.port(responder);
        let has_ports = matches!(key.proto, 6 | 17 | 132) && service != 0;
        let known_start = key.proto != 6 || f.tcp & (tcpbits::SYN | tcpbits::SYNACK) != 0;
        let peer = if has_ports && service == 53 && ctx.is_controller(URN_DNS, &theirs) {
            Peer::Dns
        } else if ctx.is_local(&theirs) {
            Peer::Local(iotgate_wire::net::is_group(&theirs).then_some(theirs))
        } else {
            match ctx.dev.name_for(&theirs) {
                Some(n) => Peer::Name(iotgate_mud::dns_name(n)),
                None => Peer::Addr(theirs),
            }
        };
        self.flows += 1;
        self.last_ns = self.last_ns.max(f.last_ns);
        for (from_device, dir) in [(true, sent), (false, recv)] {
            if f.pkts[dir] == 0 {
                continue;
            }
            let rule = Rule {
                v6: theirs.is_ipv6(),
                from_device,
                peer: peer.clone(),
                proto: key.proto,
                port: has_ports.then_some((service, !initiated)),
                device_initiated: (key.proto == 6 && known_start).then_some(initiated),
                icmp: if matches!(key.proto, 1 | 58) {
                    f.icmp[dir]
                } else {
                    None
                },
            };
            out.push(rule);
        }
    }

    /// The learned profile. `url` is its MUD URL; `last_update` an RFC 3339 time (the capture's,
    /// so that the output does not depend on when it runs); `systeminfo` its description.
    pub fn profile(&self, url: &str, last_update: &str, systeminfo: &str) -> Profile {
        let slug: String = self.mac.to_string().replace(':', "");
        let mut acls: Vec<(bool, bool, Acl)> = Vec::new();
        for r in &self.rules {
            let fam = if r.v6 { "v6" } else { "v4" };
            let dir = if r.from_device { "fr" } else { "to" };
            let name = format!("mud-{slug}-{fam}{dir}");
            let idx = match acls.iter().position(|(_, _, a)| a.name == name) {
                Some(i) => i,
                None => {
                    acls.push((
                        r.from_device,
                        r.v6,
                        Acl {
                            name: name.clone(),
                            kind: if r.v6 { AclType::Ipv6 } else { AclType::Ipv4 },
                            aces: Vec::new(),
                        },
                    ));
                    acls.len() - 1
                }
            };
            let acl = &mut acls[idx].2;
            let ace_name = format!("{}-{}", acl.name, acl.aces.len());
            acl.aces.push(Ace {
                name: ace_name,
                action: Action::Accept,
                matches: rule_matches(r),
            });
        }
        // from-device ACLs first, IPv4 before IPv6.
        acls.sort_by_key(|(from, v6, _)| (!*from, *v6));
        let mut p = Profile {
            version: Some(1),
            url: url.to_string(),
            last_update: Some(last_update.to_string()),
            cache_validity_hours: 48,
            is_supported: Some(true),
            systeminfo: Some(systeminfo.chars().take(60).collect()),
            mfg_name: self.vendor.clone(),
            ..Profile::default()
        };
        for (from, _, acl) in acls {
            if from {
                p.from_device.push(acl);
            } else {
                p.to_device.push(acl);
            }
        }
        p
    }
}

/// Bytes `r` will take in the written profile, at most (named with the longest name an entry
/// can get).
fn entry_bytes(r: &Rule) -> usize {
    let ace = Ace {
        name: LONGEST_ACE_NAME.to_string(),
        action: Action::Accept,
        matches: rule_matches(r),
    };
    let kind = if r.v6 { AclType::Ipv6 } else { AclType::Ipv4 };
    iotgate_mud::write::ace_text_len(&ace, kind)
}

fn host(ip: IpAddr) -> Prefix {
    Prefix {
        addr: ip,
        len: if ip.is_ipv4() { 32 } else { 128 },
    }
}

fn rule_matches(r: &Rule) -> Matches {
    let mut m = Matches {
        protocol: Some(r.proto),
        ..Matches::default()
    };
    // The remote side is the destination of what the device sends, the source of the rest.
    let (net, name) = if r.from_device {
        (&mut m.dst_net, &mut m.dst_dnsname)
    } else {
        (&mut m.src_net, &mut m.src_dnsname)
    };
    match &r.peer {
        Peer::Dns => m.mud.push(Abstraction::Controller(URN_DNS.into())),
        Peer::Local(group) => {
            *net = group.map(host);
            m.mud.push(Abstraction::LocalNetworks);
        }
        Peer::Name(n) => *name = Some(n.clone()),
        Peer::Addr(a) => *net = Some(host(*a)),
    }
    if let Some((port, device_serves)) = r.port {
        // The service port is the destination of requests and the source of answers.
        let towards_service = r.from_device != device_serves;
        if towards_service {
            m.dst_port = Some(PortMatch::Eq(port));
        } else {
            m.src_port = Some(PortMatch::Eq(port));
        }
    }
    if let Some(by_device) = r.device_initiated {
        m.direction_initiated = Some(if by_device {
            Initiator::FromDevice
        } else {
            Initiator::ToDevice
        });
    }
    if let Some((t, c)) = r.icmp {
        m.icmp_type = Some(t);
        m.icmp_code = Some(c);
    }
    m
}

/// Direction, protocol, service port (and whether it is the device's), peer class.
type KindKey = (bool, u8, Option<(u16, bool)>, u8);

/// A rule's kind: direction, protocol, service port, peer class (0 resolver, 1 LAN, 2 Internet).
fn kind_of(r: &Rule) -> KindKey {
    let class = match r.peer {
        Peer::Dns => 0,
        Peer::Local(_) => 1,
        Peer::Name(_) | Peer::Addr(_) => 2,
    };
    kind_key(r.from_device, r.proto, r.port, class)
}

/// Calls `each` with every kind of connection flow `f` needs of device `mac` (the kinds
/// [`kind_of`] gives its entries), until `each` says false; returns false then.
fn each_kind(
    mac: Mac,
    inv: &Inventory,
    key: &FlowKey,
    f: &Flow,
    mut each: impl FnMut(KindKey) -> bool,
) -> bool {
    for side in 0..2 {
        let Some(dev) = inv.devices.get(f.dev[side] as usize) else {
            continue;
        };
        if dev.mac != mac {
            continue;
        }
        let ctx = Ctx::new(inv, dev, inv.devices.get(f.dev[1 - side] as usize), None);
        let initiated = f.initiator as usize == side;
        let theirs = key.addr(1 - side);
        let service = key.port(1 - f.initiator as usize);
        let has_ports = matches!(key.proto, 6 | 17 | 132) && service != 0;
        let class = if has_ports && service == 53 && ctx.is_controller(URN_DNS, &theirs) {
            0
        } else if ctx.is_local(&theirs) {
            1
        } else {
            2
        };
        let port = has_ports.then_some((service, !initiated));
        let (sent, recv) = if initiated { (0, 1) } else { (1, 0) };
        for (from_device, dir) in [(true, sent), (false, recv)] {
            if f.pkts[dir] > 0 && !each(kind_key(from_device, key.proto, port, class)) {
                return false;
            }
        }
    }
    true
}

/// The kind of connection, with high ports outside the notable ones as one "high port":
/// peer-to-peer apps and ephemeral services pick a new one every time.
fn kind_key(from_device: bool, proto: u8, port: Option<(u16, bool)>, class: u8) -> KindKey {
    const NOTABLE: &[u16] = &[
        1883, 2323, 3478, 5353, 5555, 7547, 8080, 8443, 8883, 37215, 52869,
    ];
    let port = port.map(|(p, own)| {
        (
            if p < 1024 || NOTABLE.contains(&p) {
                p
            } else {
                1024
            },
            own,
        )
    });
    (from_device, proto, port, class)
}

/// `tcp`, `udp`, `icmp`, `icmpv6` or the protocol number.
fn proto_name(p: u8) -> String {
    match p {
        6 => "tcp".into(),
        17 => "udp".into(),
        1 => "icmp".into(),
        58 => "icmpv6".into(),
        n => n.to_string(),
    }
}

impl FlowObserver for Learner {
    fn flow_ended(&mut self, inv: &Inventory, key: &FlowKey, flow: &Flow) {
        self.flow(inv, key, flow);
    }
}
