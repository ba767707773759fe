//! The bidirectional flow table: canonical 5-tuple keys, per-direction counters, TCP state, a
//! hard bound on entries, and eviction by idle timeout and by pressure.

use foldhash::fast::RandomState;
use std::hash::BuildHasher;
use std::net::IpAddr;

use crate::flow_index::{tag_of, FlowIndex};

/// Sentinel for "no device on this side".
pub const NO_DEVICE: u32 = u32::MAX;

/// Flag on a side's device index ([`Flow::dev`]): the device behind the MAC that carried the
/// side's packets is `dev & !CARRIED`, but the address is not its own — relayed by a router,
/// or forged. Such a side is nobody's own traffic, and is summed in the carrier's
/// [`crate::device::Device::carried`]. (Device indices stay far below 2^31; [`NO_DEVICE`]
/// has the bit too, so any index with it set is "not a device's own".)
pub const CARRIED: u32 = 1 << 31;

/// A canonical (order-independent) flow key: side A is the lower `(address, port)`. Addresses
/// are 128-bit integers (IPv4 mapped into IPv6) so that ordering and hashing are a few integer
/// operations.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FlowKey {
    /// Side A address.
    pub a: u128,
    /// Side B address.
    pub b: u128,
    /// Side A port (0 for protocols without ports).
    pub pa: u16,
    /// Side B port.
    pub pb: u16,
    /// IP protocol.
    pub proto: u8,
    /// True for IPv4 addresses.
    pub v4: bool,
}

impl std::hash::Hash for FlowKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        // Every bit goes in: folding the halves of an address together would let an attacker
        // pick distinct IPv6 addresses with equal hashes whatever the seed.
        h.write_u128(self.a);
        h.write_u128(self.b);
        h.write_u64((self.pa as u64) << 24 | (self.pb as u64) << 8 | self.proto as u64);
    }
}

/// Converts an address to the 128-bit key form.
#[inline]
pub fn addr_bits(ip: &IpAddr) -> u128 {
    match ip {
        IpAddr::V4(a) => 0xffff_0000_0000u128 | u32::from(*a) as u128,
        IpAddr::V6(a) => u128::from(*a),
    }
}

/// Converts a key address back.
#[inline]
pub fn addr_of(b: u128, v4: bool) -> IpAddr {
    if v4 {
        IpAddr::V4(std::net::Ipv4Addr::from(b as u32))
    } else {
        IpAddr::V6(std::net::Ipv6Addr::from(b))
    }
}

impl FlowKey {
    /// Builds the canonical key; returns it and whether `src` is side A.
    #[inline]
    pub fn new(src: &IpAddr, dst: &IpAddr, sport: u16, dport: u16, proto: u8) -> (FlowKey, bool) {
        let s = addr_bits(src);
        let d = addr_bits(dst);
        let v4 = src.is_ipv4();
        if s < d || (s == d && sport <= dport) {
            (
                FlowKey {
                    a: s,
                    b: d,
                    pa: sport,
                    pb: dport,
                    proto,
                    v4,
                },
                true,
            )
        } else {
            (
                FlowKey {
                    a: d,
                    b: s,
                    pa: dport,
                    pb: sport,
                    proto,
                    v4,
                },
                false,
            )
        }
    }
    /// Address of side 0 (A) or 1 (B).
    pub fn addr(&self, side: usize) -> IpAddr {
        addr_of(if side == 0 { self.a } else { self.b }, self.v4)
    }
    /// Port of side 0 (A) or 1 (B).
    pub fn port(&self, side: usize) -> u16 {
        if side == 0 {
            self.pa
        } else {
            self.pb
        }
    }
}

/// TCP flag observations kept per flow (bits).
pub mod tcpbits {
    /// SYN without ACK from the initiator.
    pub const SYN: u8 = 1;
    /// SYN+ACK from the responder.
    pub const SYNACK: u8 = 2;
    /// An ACK from the initiator after the SYN+ACK (handshake complete).
    pub const ACK3: u8 = 4;
    /// FIN from the initiator.
    pub const FIN_I: u8 = 8;
    /// FIN from the responder.
    pub const FIN_R: u8 = 16;
    /// RST from anyone.
    pub const RST: u8 = 32;
    /// Payload seen from the initiator.
    pub const DATA_I: u8 = 64;
    /// Payload seen from the responder.
    pub const DATA_R: u8 = 128;
}

/// Marks a flow collects beyond its counters, as bits of [`Flow::marks`]: what its TTLs say of
/// where each direction's sender is (indexed by direction: 0 the initiator's packets, 1 the
/// responder's), and whether it was recognised as a login session.
pub mod markbits {
    /// A packet arrived with an initial TTL: its sender is on this link.
    pub const ON_LINK: [u8; 2] = [1, 2];
    /// A packet arrived with a decremented TTL: a router relayed it.
    pub const ROUTED: [u8; 2] = [4, 8];
    /// A payload showed a login protocol ([`iotgate_wire::login`]); observers heard of it once.
    pub const LOGIN: u8 = 16;
    /// An ICMP error message (unreachable, time exceeded...) travelled in the flow.
    pub const ICMP_ERROR: u8 = 32;
    /// A request named a scanning tool ([`iotgate_wire::http::scanner_tool`]); heard once.
    pub const TOOL: u8 = 64;
    /// A request looked like a malware check-in ([`iotgate_wire::http::random_post_to_ip`]);
    /// heard once.
    pub const SUSPECT: u8 = 128;
}

/// A TCP connection's state as shown to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpState {
    /// A SYN with no answer.
    SynSent,
    /// SYN answered by SYN+ACK, not yet acknowledged.
    SynReceived,
    /// Handshake complete (or data both ways).
    Established,
    /// FIN seen from both sides.
    Closed,
    /// Reset.
    Reset,
    /// Mid-stream traffic whose start was not captured.
    Midstream,
}

/// One bidirectional flow.
#[derive(Debug, Clone, Copy)]
pub struct Flow {
    /// Which side (0 = A, 1 = B) initiated.
    pub initiator: u8,
    /// First packet timestamp, ns.
    pub first_ns: i64,
    /// Last packet timestamp, ns.
    pub last_ns: i64,
    /// Packets per direction: `[initiator→responder, responder→initiator]`.
    pub pkts: [u64; 2],
    /// Bytes (IP length) per direction.
    pub bytes: [u64; 2],
    /// TCP observations ([`tcpbits`]).
    pub tcp: u8,
    /// Device index per side (A, B), or [`NO_DEVICE`]; with [`CARRIED`] set, the device that
    /// carried the side's packets for an address not its own.
    pub dev: [u32; 2],
    /// Payload packets already handed to application-layer inspection.
    pub inspected: u8,
    /// ICMP type and code of the first ICMP message each way (`[initiator→responder,
    /// responder→initiator]`).
    pub icmp: [Option<(u8, u8)>; 2],
    /// Idle gaps longer than [`GAP_MIN_NS`] between consecutive packets (saturating).
    pub gaps: u16,
    /// Shortest such gap, ms.
    pub gap_min_ms: u32,
    /// Longest such gap, ms.
    pub gap_max_ms: u32,
    /// Sum of such gaps, ms (saturating).
    pub gap_sum_ms: u32,
    /// What the TTLs showed of each side's place, and a recognised login ([`markbits`]).
    pub marks: u8,
}

/// A pause between two packets of a flow shorter than this is not an idle gap (beaconing is
/// judged on idle gaps only, so that bursts do not count).
pub const GAP_MIN_NS: i64 = 1_000_000_000;

/// The packet counts at which a live flow is reported to observers, per direction: every power
/// of two up to 1,024, then every multiple of 1,024. Flow-record exporters report long flows
/// periodically in the same way, so detectors written against these updates also run on
/// NetFlow/IPFIX.
#[inline]
pub fn is_milestone(p: u64) -> bool {
    p & 1023 == 0 || (p < 1024 && p & p.wrapping_sub(1) == 0)
}

impl Flow {
    /// Whether the sender of `side` (0 = A, 1 = B) is on this link, from the TTLs of its
    /// packets: `Some(true)` when one arrived with an initial TTL, `Some(false)` when all of
    /// them were relayed by a router, `None` when nothing says (no packet from it, or a flow
    /// record).
    #[inline]
    pub fn on_link(&self, side: usize) -> Option<bool> {
        let dir = usize::from(side != self.initiator as usize);
        if self.marks & markbits::ON_LINK[dir] != 0 {
            Some(true)
        } else if self.marks & markbits::ROUTED[dir] != 0 {
            Some(false)
        } else {
            None
        }
    }

    /// A flow whose first packet, at `ts`, was opened by `initiator` (0 = side A); counters
    /// start at zero.
    pub fn new(initiator: u8, ts: i64) -> Flow {
        Flow {
            initiator,
            first_ns: ts,
            last_ns: ts,
            pkts: [0; 2],
            bytes: [0; 2],
            tcp: 0,
            dev: [NO_DEVICE; 2],
            inspected: 0,
            icmp: [None; 2],
            gaps: 0,
            gap_min_ms: 0,
            gap_max_ms: 0,
            gap_sum_ms: 0,
            marks: 0,
        }
    }

    /// Records the pause `gap_ns` before a packet, if it is an idle gap.
    #[inline]
    pub fn note_gap(&mut self, gap_ns: i64) -> bool {
        if gap_ns < GAP_MIN_NS {
            return false;
        }
        let ms = (gap_ns / 1_000_000).min(u32::MAX as i64) as u32;
        if self.gaps == 0 {
            self.gap_min_ms = ms;
            self.gap_max_ms = ms;
        } else {
            self.gap_min_ms = self.gap_min_ms.min(ms);
            self.gap_max_ms = self.gap_max_ms.max(ms);
        }
        self.gaps = self.gaps.saturating_add(1);
        self.gap_sum_ms = self.gap_sum_ms.saturating_add(ms);
        true
    }

    /// TCP state derived from the flags seen.
    pub fn tcp_state(&self) -> TcpState {
        use tcpbits::*;
        let t = self.tcp;
        if t & RST != 0 {
            TcpState::Reset
        } else if t & FIN_I != 0 && t & FIN_R != 0 {
            TcpState::Closed
        } else if t & SYN != 0 && t & SYNACK != 0 && (t & ACK3 != 0 || t & DATA_I != 0) {
            TcpState::Established
        } else if t & SYN != 0 && t & SYNACK != 0 {
            TcpState::SynReceived
        } else if t & SYN != 0 {
            TcpState::SynSent
        } else {
            TcpState::Midstream
        }
    }
    /// True once a TCP handshake completed.
    pub fn handshake_done(&self) -> bool {
        use tcpbits::*;
        self.tcp & (SYN | SYNACK) == SYN | SYNACK && self.tcp & (ACK3 | DATA_I) != 0
    }
}

/// Idle timeouts and bounds.
#[derive(Debug, Clone, Copy)]
pub struct FlowConfig {
    /// Maximum flows held at once.
    pub max_flows: usize,
    /// Idle timeout for established TCP, ns.
    pub tcp_idle_ns: i64,
    /// Idle timeout for closed, reset or unanswered TCP, ns.
    pub tcp_closed_ns: i64,
    /// Idle timeout for UDP and other protocols, ns.
    pub udp_idle_ns: i64,
    /// How often (capture time) idle flows are swept, ns: by default the shortest timeout, so
    /// that expired flows do not crowd the table (and the cache) for long.
    pub sweep_every_ns: i64,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            max_flows: 262_144,
            tcp_idle_ns: 300_000_000_000,
            tcp_closed_ns: 10_000_000_000,
            udp_idle_ns: 60_000_000_000,
            sweep_every_ns: 10_000_000_000,
        }
    }
}

/// Counters about the table's work.
#[derive(Debug, Default, Clone, Copy)]
pub struct FlowStats {
    /// Flows created.
    pub created: u64,
    /// Flows evicted because idle.
    pub expired: u64,
    /// Flows evicted early because the table was full.
    pub pressure_evicted: u64,
    /// Most flows held at once.
    pub peak: usize,
}

/// How long `f` may stay idle before it ends.
#[inline]
pub fn idle_limit(cfg: &FlowConfig, f: &Flow, proto: u8) -> i64 {
    if proto == 6 {
        match f.tcp_state() {
            TcpState::Established | TcpState::Midstream => cfg.tcp_idle_ns,
            _ => cfg.tcp_closed_ns,
        }
    } else {
        cfg.udp_idle_ns
    }
}

/// The bounded flow table.
///
/// Flows live in a slab (`slots`) and a hash index ([`FlowIndex`]) maps each key to its slot.
/// The index hashes with a per-process random seed, so an attacker cannot choose addresses and
/// ports that pile into one run of entries; everything that visits flows in order (sweeps,
/// eviction, the end of a run) walks the slab instead, whose order depends only on the traffic,
/// so results do not depend on the seed.
pub struct FlowTable {
    index: FlowIndex,
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Slots (and their tags) a sweep or an eviction is ending, kept to reuse the allocation.
    doomed: Vec<(u32, u32)>,
    seed: RandomState,
    /// Bounds and timeouts.
    pub cfg: FlowConfig,
    /// Work counters.
    pub stats: FlowStats,
    last_sweep: i64,
}

/// A flow key as stored in a slot: the same fields as [`FlowKey`] without its 16-byte
/// alignment, so that a slot fits in 128 bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PackedKey {
    a: [u64; 2],
    b: [u64; 2],
    pa: u16,
    pb: u16,
    proto: u8,
    v4: bool,
}

impl PackedKey {
    #[inline]
    fn pack(k: &FlowKey) -> Self {
        let halves = |x: u128| [(x >> 64) as u64, x as u64];
        PackedKey {
            a: halves(k.a),
            b: halves(k.b),
            pa: k.pa,
            pb: k.pb,
            proto: k.proto,
            v4: k.v4,
        }
    }
    #[inline]
    fn unpack(&self) -> FlowKey {
        let join = |h: [u64; 2]| (h[0] as u128) << 64 | h[1] as u128;
        FlowKey {
            a: join(self.a),
            b: join(self.b),
            pa: self.pa,
            pb: self.pb,
            proto: self.proto,
            v4: self.v4,
        }
    }
}

/// A slab slot: a live flow, or a free one (`live` false) waiting on the free list. Slots are
/// 128 bytes on 128-byte boundaries, the block the CPU's adjacent-line prefetcher fetches
/// whole: a packet's flow lookup and update then miss the cache once, not two or three times.
#[repr(align(128))]
struct Slot {
    key: PackedKey,
    /// The key's hash tag, which finds its index entry without rehashing the key.
    tag: u32,
    live: bool,
    /// The reassembly buffer the flow holds ([`crate::reassembly`]), or
    /// [`crate::reassembly::NO_SLOT`]. Kept here, in the slot's spare bytes, rather than in
    /// [`Flow`], whose 80 bytes have none: a field there would make slots 256 bytes.
    held: u16,
    flow: Flow,
}

const _: () = assert!(std::mem::size_of::<Slot>() == 128);
const _: () = assert!(std::mem::size_of::<Flow>() == 80);

/// What is handed to the callbacks of the table's walks: a flow's key, the flow, and the
/// reassembly buffer it holds (or [`crate::reassembly::NO_SLOT`]).
pub type Visit<'a> = (&'a FlowKey, &'a Flow, u16);

/// A key's hash tag, computed once per packet for both the search and a following insert.
#[derive(Clone, Copy, Debug)]
pub struct Tag(u32);

impl FlowTable {
    /// An empty table. It grows with the live set (amortised, not per packet) and compacts
    /// after sweeps, so that a small live set stays compact in cache.
    pub fn new(cfg: FlowConfig) -> Self {
        FlowTable {
            index: FlowIndex::with_capacity(4096),
            slots: Vec::with_capacity(4096),
            free: Vec::new(),
            doomed: Vec::new(),
            seed: RandomState::default(),
            cfg,
            stats: FlowStats::default(),
            last_sweep: i64::MIN,
        }
    }

    #[inline]
    fn hash(seed: &RandomState, k: &FlowKey) -> u64 {
        seed.hash_one(k)
    }

    /// The hash tag of `key` under this table's seed.
    #[inline]
    pub fn tag(&self, key: &FlowKey) -> Tag {
        Tag(tag_of(Self::hash(&self.seed, key)))
    }

    /// Flows held.
    #[inline]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when no flow is held.
    pub fn is_empty(&self) -> bool {
        self.index.len() == 0
    }

    /// True when a flow with `key` is held.
    pub fn contains(&self, key: &FlowKey) -> bool {
        self.find(key).is_some()
    }

    /// The slot of the flow with `key`, if held (one hash probe); see [`FlowTable::at`].
    #[inline]
    pub fn find(&self, key: &FlowKey) -> Option<u32> {
        self.find_tagged(key, self.tag(key))
    }

    /// [`FlowTable::find`] with the key's tag already computed by [`FlowTable::tag`].
    #[inline]
    pub fn find_tagged(&self, key: &FlowKey, tag: Tag) -> Option<u32> {
        let (slots, want) = (&self.slots, PackedKey::pack(key));
        self.index.find(tag.0, |i| slots[i as usize].key == want)
    }

    /// The flow in slot `i`, as returned by [`FlowTable::find`] since the last change.
    #[inline]
    pub fn at(&mut self, i: u32) -> &mut Flow {
        &mut self.slots[i as usize].flow
    }

    /// The flow in slot `i` and the reassembly buffer it holds
    /// ([`crate::reassembly::NO_SLOT`] for none).
    #[inline]
    pub fn entry(&mut self, i: u32) -> (&mut Flow, &mut u16) {
        let s = &mut self.slots[i as usize];
        (&mut s.flow, &mut s.held)
    }

    /// The flow with `key`, if held (one hash probe).
    #[inline]
    pub fn get_mut(&mut self, key: &FlowKey) -> Option<&mut Flow> {
        let i = self.find(key)?;
        Some(self.at(i))
    }

    /// Adds a flow for `key`, which must not be held; returns it.
    #[inline]
    pub fn insert(&mut self, key: FlowKey, flow: Flow) -> &mut Flow {
        let tag = self.tag(&key);
        self.insert_tagged(key, tag, flow)
    }

    /// [`FlowTable::insert`] with the key's tag already computed by [`FlowTable::tag`].
    #[inline]
    pub fn insert_tagged(&mut self, key: FlowKey, tag: Tag, flow: Flow) -> &mut Flow {
        let i = self.insert_slot(key, tag, flow);
        &mut self.slots[i as usize].flow
    }

    /// [`FlowTable::insert_tagged`], returning the flow's slot (see [`FlowTable::at`]).
    #[inline]
    pub fn insert_slot(&mut self, key: FlowKey, tag: Tag, flow: Flow) -> u32 {
        let slot = Slot {
            key: PackedKey::pack(&key),
            tag: tag.0,
            live: true,
            held: crate::reassembly::NO_SLOT,
            flow,
        };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = slot;
                i
            }
            None => {
                self.slots.push(slot);
                (self.slots.len() - 1) as u32
            }
        };
        self.index.insert(tag.0, i);
        i
    }

    /// True when a periodic sweep is due at `now`.
    #[inline]
    pub fn sweep_due(&self, now: i64) -> bool {
        now.saturating_sub(self.last_sweep) >= self.cfg.sweep_every_ns
    }

    /// Frees slot `i` (live, with hash tag `tag`) after handing its flow to `out`.
    #[inline]
    fn end_slot(&mut self, i: u32, tag: u32, out: &mut impl FnMut(Visit<'_>)) {
        let s = &mut self.slots[i as usize];
        s.live = false;
        out((&s.key.unpack(), &s.flow, s.held));
        s.held = crate::reassembly::NO_SLOT;
        self.index.remove(tag, i);
        self.free.push(i);
    }

    /// Ends every live flow for which `done(protocol, flow)` holds, in slab order; returns how
    /// many. The slab is scanned first; the removals then run with the index entries of the
    /// removals a few places ahead already on their way from memory.
    fn end_where(
        &mut self,
        mut done: impl FnMut(u8, &Flow) -> bool,
        out: &mut impl FnMut(Visit<'_>),
    ) -> u64 {
        const AHEAD: usize = 8;
        let mut doomed = std::mem::take(&mut self.doomed);
        doomed.clear();
        for (i, s) in self.slots.iter().enumerate() {
            if s.live && done(s.key.proto, &s.flow) {
                doomed.push((i as u32, s.tag));
            }
        }
        for (n, &(i, tag)) in doomed.iter().enumerate() {
            if let Some(&(_, ahead)) = doomed.get(n + AHEAD) {
                self.index.prefetch(ahead);
            }
            self.end_slot(i, tag, out);
        }
        let n = doomed.len() as u64;
        self.doomed = doomed;
        n
    }

    /// Moves the live flows to the front of the slab (keeping their order) when it is mostly
    /// free, and rebuilds the index, so that memory follows the live set down again.
    fn compact(&mut self) {
        let live = self.index.len();
        if self.slots.len() <= 65_536 || self.slots.len() <= 8 * live {
            return;
        }
        self.slots.retain(|s| s.live);
        self.slots.shrink_to(2 * live);
        self.free.clear();
        self.free.shrink_to(1024);
        self.doomed = Vec::new();
        self.index.reset(live);
        for (i, s) in self.slots.iter().enumerate() {
            self.index.insert(s.tag, i as u32);
        }
    }

    /// Removes flows idle at `now` (scaled by `factor`, 1.0 = normal timeouts), handing each to
    /// `out`.
    pub fn sweep(&mut self, now: i64, factor: f64, pressure: bool, mut out: impl FnMut(Visit<'_>)) {
        self.last_sweep = now;
        let cfg = self.cfg;
        let before = self.len();
        let n = self.end_where(
            |proto, f| {
                let lim = (idle_limit(&cfg, f, proto) as f64 * factor) as i64;
                now.saturating_sub(f.last_ns) > lim
            },
            &mut out,
        );
        if pressure {
            self.stats.pressure_evicted += n;
        } else {
            self.stats.expired += n;
        }
        self.stats.peak = self.stats.peak.max(before);
        self.compact();
    }

    /// Makes room when the table is full: evicts about a quarter of the flows, the idlest first,
    /// in one pass. The cut-off time comes from a sample of the table, so the cost is one scan
    /// per `max_flows / 4` new flows.
    pub fn make_room(&mut self, now: i64, mut out: impl FnMut(Visit<'_>)) {
        let mut sample: Vec<i64> = self
            .slots
            .iter()
            .filter(|s| s.live)
            .step_by(16)
            .take(4096)
            .map(|s| s.flow.last_ns)
            .collect();
        sample.sort_unstable();
        let cutoff = sample.get(sample.len() / 4).copied().unwrap_or(now);
        self.stats.peak = self.stats.peak.max(self.len());
        let mut n = self.end_where(|_, f| f.last_ns <= cutoff, &mut out);
        let target = self.cfg.max_flows - self.cfg.max_flows / 8;
        if self.len() > target {
            // Most flows share the cut-off timestamp: drop the first ones in the slab to stay
            // bounded.
            let mut extra = self.len() - target;
            n += self.end_where(
                |_, _| {
                    let go = extra > 0;
                    extra = extra.saturating_sub(1);
                    go
                },
                &mut out,
            );
        }
        self.stats.pressure_evicted += n;
    }

    /// Visits every live flow in the order [`FlowTable::drain`] would end them (slab order),
    /// changing nothing: what a snapshot folds in.
    pub fn for_each(&self, mut out: impl FnMut(Visit<'_>)) {
        for s in self.slots.iter().filter(|s| s.live) {
            out((&s.key.unpack(), &s.flow, s.held));
        }
    }

    /// Ends every live flow (at the end of a run), in slab order.
    pub fn drain(&mut self, mut out: impl FnMut(Visit<'_>)) {
        self.stats.peak = self.stats.peak.max(self.len());
        self.end_where(|_, _| true, &mut out);
        self.slots.clear();
        self.free.clear();
        self.index.reset(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6_key(a: u128, pa: u16) -> FlowKey {
        FlowKey {
            a,
            b: 0x2001_0db8_0000_0000_0000_0000_0000_0001,
            pa,
            pb: 23,
            proto: 6,
            v4: false,
        }
    }

    /// Distinct hashes and spread bucket positions for key sets that a structured hash would
    /// pile up: IPv6 sources whose halves XOR to the same value, and one source's many ports.
    #[test]
    fn attacker_chosen_keys_spread_over_the_index() {
        let t = FlowTable::new(FlowConfig::default());
        let fold_twins: Vec<FlowKey> = (0..4096u128)
            .map(|i| v6_key((i << 64) | i | 0xfe00_0000_0000_0000, 40_000))
            .collect();
        let ports: Vec<FlowKey> = (0..4096u16)
            .map(|p| {
                v6_key(
                    0x2001_0db8_0000_0000_0000_0000_0000_0002,
                    p.wrapping_mul(16),
                )
            })
            .collect();
        for keys in [fold_twins, ports] {
            let mut full: Vec<u64> = keys.iter().map(|k| FlowTable::hash(&t.seed, k)).collect();
            // The index places a key by the low bits of its tag (the top half of the hash).
            let mut low: Vec<u32> = keys.iter().map(|k| t.tag(k).0 & 0xffff).collect();
            full.sort_unstable();
            full.dedup();
            low.sort_unstable();
            low.dedup();
            assert_eq!(full.len(), 4096, "full hashes collide");
            // 4,096 keys in 65,536 entries: about 3,970 distinct homes when uniform.
            assert!(low.len() > 3_800, "only {} home entries", low.len());
        }
    }

    fn flow(ts: i64) -> Flow {
        Flow {
            pkts: [1, 0],
            bytes: [60, 0],
            tcp: tcpbits::SYN,
            ..Flow::new(0, ts)
        }
    }

    /// Sweeps, eviction and the final drain visit flows in the order they arrived, whatever the
    /// seed, and the table never holds more than its bound.
    #[test]
    fn eviction_order_follows_arrival_not_hash() {
        let cfg = FlowConfig {
            max_flows: 1_000,
            ..FlowConfig::default()
        };
        let run = || {
            let mut t = FlowTable::new(cfg);
            let mut ended = Vec::new();
            for i in 0..5_000u16 {
                let k = v6_key(0x2001_0db8_0000_0000_0000_0000_0000_0002, i);
                if t.len() >= cfg.max_flows {
                    t.make_room(i as i64, |(k, _, _)| ended.push(k.pa));
                }
                assert!(t.find(&k).is_none());
                t.insert(k, flow(i as i64));
                assert!(t.contains(&k));
                assert!(t.len() <= cfg.max_flows);
            }
            t.sweep(4_990, 0.0, false, |(k, _, _)| ended.push(k.pa));
            t.drain(|(k, _, _)| ended.push(k.pa));
            ended
        };
        let a = run();
        assert_eq!(a.len(), 5_000, "every flow ends once");
        let mut sorted = a.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 5_000);
        assert_eq!(
            a,
            run(),
            "same traffic, same order (tables seeded differently)"
        );
    }
}
