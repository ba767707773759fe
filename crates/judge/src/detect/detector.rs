//! The detector trait every detector implements, what it gets with each event ([`Cx`]), and
//! what detectors share: per-device state without hashing ([`DevMap`]), who sent a flow, which
//! services take logins.

use super::alert::Alerts;
use super::blocklist::Blocklist;
use super::config::DetectConfig;
use iotgate_observe::engine::{FirstPacket, Progress};
use iotgate_observe::flow::{Flow, FlowKey};
use iotgate_observe::Inventory;
use std::net::IpAddr;

/// The device index on `side` of `f`, if that side is a known device.
#[inline]
pub(crate) fn side_dev(inv: &Inventory, f: &Flow, side: usize) -> Option<u32> {
    let d = f.dev[side];
    ((d as usize) < inv.devices.len()).then_some(d)
}

/// The device that sent a new flow's first packet: its own device, or — for traffic with
/// forged source addresses leaving the network — the device behind the sending MAC.
#[inline]
pub(crate) fn sender(inv: &Inventory, key: &FlowKey, f: &Flow, first: &FirstPacket) -> Option<u32> {
    let side = first.side as usize;
    side_dev(inv, f, side).or_else(|| {
        let mac = first.src_mac?;
        if mac.is_group() || iotgate_wire::net::is_local(&key.addr(1 - side)) {
            return None;
        }
        inv.get(&mac)
    })
}

/// `side`'s address of `key` in its integer form.
#[inline]
pub(crate) fn key_bits(key: &FlowKey, side: usize) -> u128 {
    if side == 0 {
        key.a
    } else {
        key.b
    }
}

/// True for addresses on the Internet (not private, link-local, loopback or group).
#[inline]
pub(crate) fn is_public(ip: &IpAddr) -> bool {
    !iotgate_wire::net::is_local(ip) && !iotgate_wire::net::is_group(ip)
}

/// True when `side` of `f` is on the Internet: its address is not one that stays inside a site,
/// and its packets did not come straight from a host on this link — the TTLs showed a router
/// relaying them (or, for flow records, which carry no TTL, nothing says otherwise). A host on
/// the link is local whatever its address: LANs with public IPv4 addresses, and every IPv6 LAN.
#[inline]
pub(crate) fn remote(key: &FlowKey, f: &Flow, side: usize) -> bool {
    is_public(&key.addr(side)) && f.on_link(side) != Some(true)
}

/// True when the packets of `side` of `f` were relayed by a router: the MAC they came from is
/// the router's, so the flow is not that device's own service or exposure.
#[inline]
pub(crate) fn relayed(f: &Flow, side: usize) -> bool {
    f.on_link(side) == Some(false)
}

/// Login services (brute-force targets; Mirai's and its successors' favourite ports among them).
pub(crate) const LOGIN_PORTS: &[u16] = &[
    21, 22, 23, 110, 143, 992, 1433, 2323, 3306, 3389, 5432, 5900, 8291,
];
/// Web services whose passwords are guessed (device admin pages).
pub(crate) const WEB_PORTS: &[u16] = &[80, 81, 443, 8000, 8080, 8081, 8443];

/// What a detector gets with every event: thresholds, the user's blocklists, the inventory as
/// it stands, and where alerts go.
pub(crate) struct Cx<'a> {
    /// Thresholds.
    pub cfg: &'a DetectConfig,
    /// Blocklists given by the user.
    pub lists: &'a [Blocklist],
    /// Devices.
    pub inv: &'a Inventory,
    /// The alert sink (deduplicating, bounded).
    pub alerts: &'a mut Alerts,
}

/// The events a detector can hear, as bits of [`Detector::events`].
pub(crate) mod event {
    /// A flow started.
    pub const STARTED: u16 = 1;
    /// A flow's responder answered.
    pub const REPLIED: u16 = 2;
    /// A packet-count milestone.
    pub const PACKETS: u16 = 4;
    /// An idle-gap milestone.
    pub const GAPS: u16 = 8;
    /// A flow ended.
    pub const ENDED: u16 = 16;
    /// A DNS query.
    pub const DNS: u16 = 32;
    /// Time advanced without packets.
    pub const ADVANCED: u16 = 64;
    /// The end, or a snapshot.
    pub const FINISH: u16 = 128;
    /// An ARP message.
    pub const ARP: u16 = 256;
    /// A flow recognised as a login session.
    pub const LOGIN: u16 = 512;
    /// A request that names a scanning tool.
    pub const TOOL: u16 = 1024;
    /// How many kinds there are.
    pub const KINDS: usize = 11;
}

/// One detector: it hears the events a flow exporter could send (every method does nothing
/// unless the detector needs it), keeps bounded per-device state and raises alerts through
/// [`Cx::alerts`]. A new detector is one file implementing this and one line in
/// [`Detectors::new`].
pub(crate) trait Detector: Send {
    /// A new flow's first packet; `dev` is the device that sent it.
    fn started(
        &mut self,
        _cx: &mut Cx<'_>,
        _dev: u32,
        _key: &FlowKey,
        _f: &Flow,
        _first: &FirstPacket,
    ) {
    }
    /// A live flow made progress at capture time `ts`.
    fn progress(&mut self, _cx: &mut Cx<'_>, _key: &FlowKey, _f: &Flow, _why: Progress, _ts: i64) {}
    /// A flow ended.
    fn ended(&mut self, _cx: &mut Cx<'_>, _key: &FlowKey, _f: &Flow) {}
    /// Device `dev` asked `resolver` for `name`.
    fn dns_query(
        &mut self,
        _cx: &mut Cx<'_>,
        _dev: u32,
        _ts: i64,
        _name: &str,
        _qtype: u16,
        _resolver: IpAddr,
    ) {
    }
    /// Capture time reached `now` without packets: windows that ended can be judged.
    fn advanced(&mut self, _cx: &mut Cx<'_>, _now: i64) {}
    /// Device `dev` sent an ARP message.
    fn arp(&mut self, _cx: &mut Cx<'_>, _dev: u32, _ts: i64, _arp: &iotgate_wire::link::Arp) {}
    /// The end (or a snapshot): evidence only the final inventory holds, final counters.
    fn finish(&mut self, _cx: &mut Cx<'_>) {}
    /// Device `dev`'s state is about to be needed: a hint to fetch the cache lines every flow
    /// reads (see [`iotgate_observe::engine::FlowObserver::prefetch`]).
    fn prefetch(&self, _dev: u32, _peer: u128) {}
    /// The events it acts on ([`event`] bits): the others are not even handed to it.
    fn events(&self) -> u16;
    /// Bytes of state (for the bounded-memory tests).
    fn bytes(&self) -> usize;
    /// A copy, for snapshots.
    fn clone_box(&self) -> Box<dyn Detector>;
}

/// Per-device detector state indexed by inventory index (the inventory bounds the devices, so
/// this stays small), without hashing on the per-flow path.
#[derive(Clone)]
pub(crate) struct DevMap<T> {
    slots: Vec<Option<Box<T>>>,
    used: usize,
}

impl<T> Default for DevMap<T> {
    fn default() -> Self {
        DevMap {
            slots: Vec::new(),
            used: 0,
        }
    }
}

impl<T: Default> DevMap<T> {
    /// The state of `dev`, created empty if new.
    #[inline(always)]
    pub(crate) fn entry(&mut self, dev: u32) -> &mut T {
        let i = dev as usize;
        if i >= self.slots.len() || self.slots[i].is_none() {
            self.create(i);
        }
        match self.slots[i].as_deref_mut() {
            Some(t) => t,
            None => unreachable!("created above"),
        }
    }

    /// The slow path of [`DevMap::entry`], out of line so that the hot path stays small.
    #[cold]
    #[inline(never)]
    fn create(&mut self, i: usize) {
        if i >= self.slots.len() {
            self.slots.resize_with(i + 1, || None);
        }
        self.slots[i] = Some(Box::default());
        self.used += 1;
    }
}

impl<T> DevMap<T> {
    /// The state of `dev`, if any, to read.
    #[inline]
    pub(crate) fn get(&self, dev: u32) -> Option<&T> {
        self.slots.get(dev as usize)?.as_deref()
    }
    /// The state of `dev`, if any.
    #[inline]
    pub(crate) fn get_mut(&mut self, dev: u32) -> Option<&mut T> {
        self.slots.get_mut(dev as usize)?.as_deref_mut()
    }
    /// Devices with state.
    pub(crate) fn len(&self) -> usize {
        self.used
    }
    /// Every device with state.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (u32, &mut T)> {
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(|(i, s)| s.as_deref_mut().map(|s| (i as u32, s)))
    }
}
