//! Alerts: what a detection says (kind, variant, severity, the device, the other side, evidence)
//! and the bounded, deduplicating list they are raised into.

use crate::Severity;
use iotgate_observe::flow::{Flow, FlowKey};
use iotgate_observe::hashing::Map;
use iotgate_observe::Inventory;
use iotgate_wire::Mac;
use std::net::IpAddr;

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Probing many addresses or ports.
    Scan,
    /// Repeated login attempts.
    BruteForce,
    /// Taking part in a denial-of-service attack.
    Flood,
    /// Regular check-ins with a command-and-control server.
    C2,
    /// Contact with an address or name on a blocklist.
    Blocklist,
    /// Reachable from, or opened to, the Internet; resolver bypass.
    Exposure,
    /// New kinds of destinations after the learning window.
    BehaviourChange,
}

impl Kind {
    /// Stable identifier (JSON `kind`, localisation key).
    pub fn id(&self) -> &'static str {
        match self {
            Kind::Scan => "scan",
            Kind::BruteForce => "brute-force",
            Kind::Flood => "flood",
            Kind::C2 => "c2",
            Kind::Blocklist => "blocklist",
            Kind::Exposure => "exposure",
            Kind::BehaviourChange => "behaviour-change",
        }
    }
}

/// Every `(kind, detail)` pair an alert can carry (the catalogue tests check each is worded).
pub const DETAILS: &[(Kind, &str)] = &[
    (Kind::Scan, "mirai"),
    (Kind::Scan, "horizontal"),
    (Kind::Scan, "sweep"),
    (Kind::Scan, "vertical"),
    (Kind::Scan, "stealth"),
    (Kind::Scan, "arp-sweep"),
    (Kind::Scan, "slow"),
    (Kind::Scan, "tool"),
    (Kind::BruteForce, "outbound"),
    (Kind::BruteForce, "inbound"),
    (Kind::BruteForce, "web"),
    (Kind::Flood, "syn"),
    (Kind::Flood, "ack"),
    (Kind::Flood, "udp"),
    (Kind::Flood, "icmp"),
    (Kind::Flood, "gre"),
    (Kind::Flood, "tcp"),
    (Kind::Flood, "other"),
    (Kind::Flood, "http"),
    (Kind::Flood, "dns-water-torture"),
    (Kind::C2, "beacon"),
    (Kind::C2, "heartbeat"),
    (Kind::C2, "icmp-tunnel"),
    (Kind::C2, "dns-tunnel"),
    (Kind::C2, "check-ins"),
    (Kind::C2, "random-post"),
    (Kind::Blocklist, "address"),
    (Kind::Blocklist, "name"),
    (Kind::Blocklist, "dns"),
    (Kind::Exposure, "inbound"),
    (Kind::Exposure, "inbound-behind"),
    (Kind::Exposure, "upnp-port-mapping"),
    (Kind::Exposure, "dns-bypass"),
    (Kind::Exposure, "encrypted-dns"),
    (Kind::BehaviourChange, "new-destinations"),
];

/// One flow shown as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// First packet, ns.
    pub ts: i64,
    /// Initiator.
    pub src: IpAddr,
    /// Responder.
    pub dst: IpAddr,
    /// IP protocol.
    pub proto: u8,
    /// Initiator's port.
    pub sport: u16,
    /// Responder's port.
    pub dport: u16,
}

impl Sample {
    /// The flow as its initiator opened it.
    pub fn of(key: &FlowKey, f: &Flow) -> Sample {
        let i = f.initiator as usize;
        Sample {
            ts: f.first_ns,
            src: key.addr(i),
            dst: key.addr(1 - i),
            proto: key.proto,
            sport: key.port(i),
            dport: key.port(1 - i),
        }
    }
}

/// Samples kept per alert.
pub const MAX_SAMPLES: usize = 5;
/// Alerts kept per run; more are counted in [`Alerts::dropped`].
pub const MAX_ALERTS: usize = 4096;

/// A detection about one device.
#[derive(Debug, Clone)]
pub struct Alert {
    /// What kind.
    pub kind: Kind,
    /// Which variant (`mirai`, `syn`, `beacon`...): see [`DETAILS`].
    pub detail: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// How sure the detector is, 0 to 1.
    pub confidence: f32,
    /// The device it is about (the attacker, or the target when the device is attacked).
    pub mac: Mac,
    /// The subscriber it is about, when the device stands for one (ISP mode; `mac` is then
    /// zero).
    pub subscriber: Option<Box<str>>,
    /// Its index in the inventory.
    pub dev: u32,
    /// First evidence, ns.
    pub first_ns: i64,
    /// Last evidence, ns.
    pub last_ns: i64,
    /// When the threshold was crossed (capture time), ns.
    pub raised_ns: i64,
    /// The other side: victim, target, attacker, server.
    pub peer: Option<IpAddr>,
    /// The other side's MAC when it is a device too.
    pub peer_mac: Option<Mac>,
    /// A name for the other side (the device's DNS name for it, a domain).
    pub peer_name: Option<String>,
    /// IP protocol concerned (0 when several).
    pub proto: u8,
    /// Service port concerned.
    pub port: Option<u16>,
    /// True when the device is the target rather than the actor.
    pub inbound: bool,
    /// Counters (`probes`, `targets`, `pps`, ...).
    pub counts: Vec<(&'static str, u64)>,
    /// A few flows.
    pub samples: Vec<Sample>,
    /// Blocklist file and the entry that matched.
    pub list: Option<(String, String)>,
    /// Other items (ports, new destinations).
    pub items: Vec<String>,
    /// Replaced by a better explanation of the same traffic (left out of reports).
    pub superseded: bool,
}

impl Alert {
    /// Sets counter `name`.
    pub fn set(&mut self, name: &'static str, v: u64) {
        match self.counts.iter_mut().find(|(n, _)| *n == name) {
            Some(c) => c.1 = v,
            None => self.counts.push((name, v)),
        }
    }
    /// Counter `name`, if set.
    pub fn count(&self, name: &str) -> Option<u64> {
        self.counts.iter().find(|(n, _)| *n == name).map(|c| c.1)
    }
    /// Adds a sample flow, if there is room.
    pub fn sample(&mut self, s: Sample) {
        if self.samples.len() < MAX_SAMPLES && !self.samples.contains(&s) {
            self.samples.push(s);
        }
    }
    /// Extends the time span to `ts`.
    #[inline]
    pub fn touch(&mut self, ts: i64) {
        self.last_ns = self.last_ns.max(ts);
        self.first_ns = self.first_ns.min(ts);
    }
}

/// What identifies one alert: one per device, kind, detail, peer and port.
type AlertKey = (Kind, &'static str, u32, u128, u16);

/// The alerts raised so far (bounded).
#[derive(Debug, Default, Clone)]
pub struct Alerts {
    /// In the order raised.
    pub list: Vec<Alert>,
    index: Map<AlertKey, usize>,
    /// Alerts not kept because [`MAX_ALERTS`] were.
    pub dropped: u64,
}

/// The fields that make a new alert; the rest starts empty.
pub(crate) struct Seed {
    pub kind: Kind,
    pub detail: &'static str,
    pub severity: Severity,
    pub confidence: f32,
    pub dev: u32,
    pub ts: i64,
    pub first_ns: i64,
    pub peer: Option<IpAddr>,
    pub port: Option<u16>,
    pub proto: u8,
    pub inbound: bool,
}

impl Alerts {
    /// Names `ip` as the alert's other side, if it has none yet (alerts keyed without a peer:
    /// one per attacker, however many targets).
    pub(crate) fn name_peer(&mut self, inv: &Inventory, i: usize, ip: IpAddr) {
        let Some(a) = self.list.get_mut(i) else {
            return;
        };
        if a.peer.is_some() {
            return;
        }
        let Some(dev) = inv.devices.get(a.dev as usize) else {
            return;
        };
        a.peer = Some(ip);
        (a.peer_mac, a.peer_name) = peer_of(inv, a.dev, dev, ip);
    }

    /// Marks the alert of this kind, detail, device and peer (any port) as superseded.
    pub(crate) fn supersede(&mut self, kind: Kind, detail: &'static str, dev: u32, peer: u128) {
        if let Some(&i) = self.index.get(&(kind, detail, dev, peer, 0)) {
            self.list[i].superseded = true;
        }
    }

    /// The alert for `seed`'s key, raised now if new; None when full or the device is unknown.
    pub(crate) fn raise(&mut self, inv: &Inventory, seed: Seed) -> Option<usize> {
        let peer_bits = seed
            .peer
            .map(|p| iotgate_observe::flow::addr_bits(&p))
            .unwrap_or(0);
        let key = (
            seed.kind,
            seed.detail,
            seed.dev,
            peer_bits,
            seed.port.unwrap_or(0),
        );
        if let Some(&i) = self.index.get(&key) {
            let a = &mut self.list[i];
            a.touch(seed.ts);
            if seed.severity > a.severity {
                a.severity = seed.severity;
            }
            a.confidence = a.confidence.max(seed.confidence);
            return Some(i);
        }
        let dev = inv.devices.get(seed.dev as usize)?;
        if self.list.len() >= MAX_ALERTS {
            self.dropped += 1;
            return None;
        }
        let (peer_mac, peer_name) = seed
            .peer
            .map_or((None, None), |p| peer_of(inv, seed.dev, dev, p));
        self.list.push(Alert {
            kind: seed.kind,
            detail: seed.detail,
            severity: seed.severity,
            confidence: seed.confidence,
            mac: dev.mac,
            subscriber: dev.subscriber.clone(),
            dev: seed.dev,
            first_ns: seed.first_ns.min(seed.ts),
            last_ns: seed.ts,
            raised_ns: seed.ts,
            peer: seed.peer,
            peer_mac,
            peer_name,
            proto: seed.proto,
            port: seed.port,
            inbound: seed.inbound,
            counts: Vec::new(),
            samples: Vec::new(),
            list: None,
            items: Vec::new(),
            superseded: false,
        });
        self.index.insert(key, self.list.len() - 1);
        Some(self.list.len() - 1)
    }
}

/// The other side of an alert about `dev` (at inventory position `di`): its MAC when it is
/// another device on the network (the first in inventory order that owns `ip`), and the name
/// `dev` resolved for it.
fn peer_of(
    inv: &Inventory,
    di: u32,
    dev: &iotgate_observe::Device,
    ip: IpAddr,
) -> (Option<Mac>, Option<String>) {
    let mac = inv
        .owner_except(&ip, di)
        .and_then(|i| inv.devices.get(i as usize))
        .filter(|d| d.subscriber.is_none())
        .map(|d| d.mac);
    (mac, dev.name_for(&ip).map(str::to_string))
}
