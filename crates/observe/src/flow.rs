//! The bidirectional flow table: canonical 5-tuple keys, per-direction counters, TCP state, a
//! hard bound on entries, and eviction by idle timeout and by pressure.

use rustc_hash::FxHashMap;
use std::net::IpAddr;

/// Sentinel for "no device on this side".
pub const NO_DEVICE: u32 = u32::MAX;

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
        h.write_u64(self.a as u64 ^ (self.a >> 64) as u64);
        h.write_u64(self.b as u64 ^ (self.b >> 64) as u64);
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
    pub const SYN: u16 = 1;
    /// SYN+ACK from the responder.
    pub const SYNACK: u16 = 2;
    /// An ACK from the initiator after the SYN+ACK (handshake complete).
    pub const ACK3: u16 = 4;
    /// FIN from the initiator.
    pub const FIN_I: u16 = 8;
    /// FIN from the responder.
    pub const FIN_R: u16 = 16;
    /// RST from anyone.
    pub const RST: u16 = 32;
    /// Payload seen from the initiator.
    pub const DATA_I: u16 = 64;
    /// Payload seen from the responder.
    pub const DATA_R: u16 = 128;
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
    pub tcp: u16,
    /// Device index per side (A, B), or [`NO_DEVICE`].
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
    /// How often (capture time) idle flows are swept, ns.
    pub sweep_every_ns: i64,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            max_flows: 262_144,
            tcp_idle_ns: 300_000_000_000,
            tcp_closed_ns: 10_000_000_000,
            udp_idle_ns: 60_000_000_000,
            sweep_every_ns: 120_000_000_000,
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
pub struct FlowTable {
    /// Live flows.
    pub map: FxHashMap<FlowKey, Flow>,
    /// Bounds and timeouts.
    pub cfg: FlowConfig,
    /// Work counters.
    pub stats: FlowStats,
    last_sweep: i64,
}

impl FlowTable {
    /// An empty table. It grows with the live set (amortised, not per packet) and shrinks back
    /// after sweeps, so that a small live set stays compact in cache.
    pub fn new(cfg: FlowConfig) -> Self {
        let mut map = FxHashMap::default();
        map.reserve(4096);
        FlowTable {
            map,
            cfg,
            stats: FlowStats::default(),
            last_sweep: i64::MIN,
        }
    }

    /// True when a periodic sweep is due at `now`.
    #[inline]
    pub fn sweep_due(&self, now: i64) -> bool {
        now.saturating_sub(self.last_sweep) >= self.cfg.sweep_every_ns
    }

    /// Removes flows idle at `now` (scaled by `factor`, 1.0 = normal timeouts), handing each to
    /// `out`.
    pub fn sweep(
        &mut self,
        now: i64,
        factor: f64,
        pressure: bool,
        mut out: impl FnMut(&FlowKey, &Flow),
    ) {
        self.last_sweep = now;
        let cfg = self.cfg;
        let mut n = 0u64;
        self.map.retain(|k, f| {
            let lim = (idle_limit(&cfg, f, k.proto) as f64 * factor) as i64;
            if now.saturating_sub(f.last_ns) > lim {
                out(k, f);
                n += 1;
                false
            } else {
                true
            }
        });
        if pressure {
            self.stats.pressure_evicted += n;
        } else {
            self.stats.expired += n;
        }
        self.stats.peak = self.stats.peak.max(self.map.len() + n as usize);
        if self.map.capacity() > 65_536 && self.map.capacity() > 8 * self.map.len() {
            self.map.shrink_to(2 * self.map.len());
        }
    }

    /// Makes room when the table is full: evicts about a quarter of the flows, the idlest first,
    /// in one pass. The cut-off time comes from a sample of the table, so the cost is one scan
    /// per `max_flows / 4` new flows.
    pub fn make_room(&mut self, now: i64, mut out: impl FnMut(&FlowKey, &Flow)) {
        let mut sample: Vec<i64> = self
            .map
            .values()
            .step_by(16)
            .take(4096)
            .map(|f| f.last_ns)
            .collect();
        sample.sort_unstable();
        let cutoff = sample.get(sample.len() / 4).copied().unwrap_or(now);
        let mut n = 0u64;
        self.map.retain(|k, f| {
            if f.last_ns <= cutoff {
                out(k, f);
                n += 1;
                false
            } else {
                true
            }
        });
        self.stats.pressure_evicted += n;
        let target = self.cfg.max_flows - self.cfg.max_flows / 8;
        if self.map.len() > target {
            // Most flows share the cut-off timestamp: drop arbitrary ones to stay bounded.
            let victims: Vec<FlowKey> = self
                .map
                .keys()
                .take(self.map.len() - target)
                .copied()
                .collect();
            for k in victims {
                if let Some(f) = self.map.remove(&k) {
                    out(&k, &f);
                    self.stats.pressure_evicted += 1;
                }
            }
        }
    }
}
