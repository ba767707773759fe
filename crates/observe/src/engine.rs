//! The analyzer: feeds each captured frame through the decoders, the flow table and the
//! inventory. Everything is driven by packet timestamps, never the wall clock.

use crate::device::{Inventory, Limits, PeerKey, PeerStats};
use crate::flow::{markbits, tcpbits, Flow, FlowConfig, FlowKey, FlowTable, CARRIED, NO_DEVICE};
use crate::reassembly::{self, Pool, Push, NO_SLOT};
use iotgate_sources::RawPacket;
use iotgate_wire::link::linktype;
use iotgate_wire::net::proto;
use iotgate_wire::transport::flags;
use iotgate_wire::tunnel::{self, Tunnel};
use iotgate_wire::{decode, Decoded, Mac, L3, L4};
use std::net::IpAddr;

/// A device index meaning "looked for, none applies" (so the lookup is not repeated).
const NO_DEVICE_CHECKED: u32 = u32::MAX - 1;

/// Settings of an analysis.
#[derive(Debug, Clone, Copy, Default)]
pub struct Config {
    /// Flow-table bounds and timeouts.
    pub flows: FlowConfig,
    /// Inventory bounds.
    pub limits: Limits,
    /// Reassembly of clients' first messages: buffers and timeout.
    pub reassembly: reassembly::Config,
}

/// Counters describing what the analyzer saw.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    /// Frames processed.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Frames whose link header could not be read.
    pub link_errors: u64,
    /// Frames with a decode error above the link layer.
    pub decode_errors: u64,
    /// Frames of link types iotgate does not decode.
    pub unsupported_link: u64,
    /// IP frames.
    pub ip: u64,
    /// IP fragments.
    pub fragments: u64,
    /// Non-IP frames.
    pub non_ip: u64,
    /// First timestamp, ns.
    pub first_ns: i64,
    /// Last timestamp, ns.
    pub last_ns: i64,
    /// Reassembly of clients' first messages, including the messages inspected segment by
    /// segment because every buffer was taken (`reassembly.fallbacks`).
    pub reassembly: reassembly::Stats,
    /// Packets taken out of tunnels, by kind, and tunnels that could not be opened.
    pub tunnels: TunnelStats,
    /// IPv6 packets whose extension-header chain ran on past
    /// [`iotgate_wire::net::MAX_EXT_HEADERS`]: their upper layer unknown, they are in no flow
    /// (and counted in `decode_errors` too).
    pub ipv6_ext_unparsed: u64,
}

/// What the analyzer found in tunnels. A packet taken out of a tunnel is analysed as a packet of
/// its own (its flow, its devices: the MAC addresses of its Ethernet or 802.11 header, or of the
/// frame that carried it when it has none), after the outer packet, whose flow between the
/// tunnel's endpoints is counted too. The frame is counted once in `packets` and `bytes`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TunnelStats {
    /// Packets taken out of each kind of tunnel, indexed by [`Tunnel::index`] (a packet in a
    /// tunnel inside another counts once for each).
    pub decapsulated: [u64; Tunnel::COUNT],
    /// Tunnel headers (recognised by IP protocol or UDP port) too short or breaking their
    /// protocol's rules, and tunnelled packets whose own header could not be read: only the
    /// outer packet was analysed.
    pub malformed: u64,
    /// Frames with more than [`tunnel::MAX_DEPTH`] tunnels nested: the innermost were left
    /// closed (analysed as the tunnel packets they are).
    pub too_deep: u64,
}

impl TunnelStats {
    /// Packets taken out of tunnels of kind `t`.
    pub fn get(&self, t: Tunnel) -> u64 {
        self.decapsulated[t.index()]
    }
    /// Each kind of tunnel with its count of packets taken out, in [`Tunnel::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Tunnel, u64)> + '_ {
        Tunnel::ALL.into_iter().map(|t| (t, self.get(t)))
    }
    /// Packets taken out of any tunnel.
    pub fn total(&self) -> u64 {
        self.decapsulated.iter().sum()
    }
}

/// A frame decoded down to the transport layer, or why it could not be.
#[derive(Debug, Clone, Copy)]
pub enum PreDecoded<'a> {
    /// Decoded (errors above the link layer are inside).
    Frame(Decoded<'a>),
    /// A link type iotgate does not decode.
    Unsupported,
    /// The link header could not be read.
    LinkError,
}

/// The stateless first half of [`Analyzer::process`]: decoding, which can run on another thread.
#[inline(always)]
pub fn pre_decode<'a>(pkt: &RawPacket<'a>) -> PreDecoded<'a> {
    if !linktype::supported(pkt.linktype) {
        return PreDecoded::Unsupported;
    }
    match decode(pkt.linktype, pkt.data) {
        Ok(d) => PreDecoded::Frame(d),
        Err(_) => PreDecoded::LinkError,
    }
}

/// What the first packet of a new flow looked like (what a flow record does not keep).
#[derive(Debug, Clone, Copy)]
pub struct FirstPacket {
    /// Side (0 = A, 1 = B) that sent it.
    pub side: u8,
    /// TCP flags (0 for other protocols).
    pub tcp_flags: u8,
    /// TCP sequence number (0 for other protocols).
    pub seq: u32,
    /// Link-layer source, when the link has one.
    pub src_mac: Option<Mac>,
    /// ICMP type, for ICMP and ICMPv6.
    pub icmp_type: Option<u8>,
}

/// Why a live flow is reported before it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The responder sent its first packet (for TCP, look at the flags for SYN+ACK or RST).
    Replied,
    /// A direction (0 = initiator→responder) reached a packet-count milestone
    /// ([`crate::flow::is_milestone`]).
    Packets(u8),
    /// The flow's count of idle gaps reached a power of two (4, 8, 16, ...).
    Gaps,
    /// A payload showed the flow is a login session of this protocol, whatever its port (heard
    /// once per flow).
    Login(iotgate_wire::login::Login),
    /// The initiator's request named this scanning tool in its User-Agent (heard once per flow).
    Tool(&'static str),
    /// The initiator POSTed to a bare address along a random-looking path, as malware checking
    /// in does (heard once per flow).
    RandomPost,
}

/// Watches flows: when they start, as they progress, and when they end (idle, evicted, replaced
/// by a new connection on the same ports, or still open at the end of the capture). Later
/// stages (the MUD audit, the detectors) watch flows through it without the analyzer knowing
/// about them. Only `flow_ended` is required.
pub trait FlowObserver {
    /// `flow` (keyed `key`) has ended; `inv` is the inventory as it stands.
    fn flow_ended(&mut self, inv: &Inventory, key: &FlowKey, flow: &Flow);
    /// A new flow's first packet was counted (its sender's device, if any, is assigned).
    fn flow_started(
        &mut self,
        _inv: &Inventory,
        _key: &FlowKey,
        _flow: &Flow,
        _first: &FirstPacket,
    ) {
    }
    /// A live flow made progress at capture time `ts`.
    fn flow_progress(
        &mut self,
        _inv: &Inventory,
        _key: &FlowKey,
        _flow: &Flow,
        _why: Progress,
        _ts: i64,
    ) {
    }
    /// Device `dev` sent a standard DNS query for `name` to `resolver`.
    fn dns_query(
        &mut self,
        _inv: &Inventory,
        _dev: u32,
        _ts: i64,
        _name: &str,
        _qtype: u16,
        _resolver: IpAddr,
    ) {
    }
    /// Capture time moved on to `now` without a packet (a quiet network): windows that only
    /// need time to close can be judged. Idle flows have already been ended.
    fn advanced(&mut self, _inv: &Inventory, _now: i64) {}
    /// Device `dev`'s state is about to be needed for a flow with the remote address `peer`
    /// (key form, [`crate::flow::addr_bits`]): a hint to fetch it into the cache early
    /// (collectors call it for a batch of records before processing them).
    fn prefetch(&self, _dev: u32, _peer: u128) {}
    /// Device `dev` sent an ARP message at `ts` (a request: who has `arp.tpa`; a reply: to
    /// `arp.tha`).
    fn arp(&mut self, _inv: &Inventory, _dev: u32, _ts: i64, _arp: &iotgate_wire::link::Arp) {}
}

/// No observer: every event is dropped (and compiled away).
impl FlowObserver for () {
    #[inline(always)]
    fn flow_ended(&mut self, _inv: &Inventory, _key: &FlowKey, _flow: &Flow) {}
}

/// The packet-to-state engine, telling `O` (the MUD audit, the detectors...) how flows start,
/// progress and end. `O` is a type parameter rather than a trait object, so that events cost a
/// direct (usually inlined) call, and nothing when there is no observer (`()`).
pub struct Analyzer<O: FlowObserver = ()> {
    /// Watches flows as they start, progress and end.
    pub observer: O,
    /// Settings.
    pub cfg: Config,
    /// Live flows.
    pub flows: FlowTable,
    /// Devices.
    pub inv: Inventory,
    /// Counters.
    pub stats: Stats,
    /// Buffers for clients' first messages spanning several segments.
    reasm: Pool<Pending>,
}

/// What a reassembly buffer keeps with a message: its flow and the context of its first
/// segment (the message is inspected as if it had all come with it, at its time: the evidence
/// of a request is dated when it started, whether it came in one segment or several).
#[derive(Debug, Clone, Copy)]
struct Pending {
    key: FlowKey,
    ctx: Ctx,
}

/// What the application-layer inspectors need to know about the packet's flow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx {
    pub ts: i64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub proto: u8,
    pub src_mac: Option<Mac>,
    pub dst_mac: Option<Mac>,
    /// Device that sent the packet (verified to own `src`), if any.
    pub src_dev: Option<u32>,
    /// True when the sender initiated the flow.
    pub from_initiator: bool,
    /// True when the flow's TCP handshake completed.
    pub established: bool,
    /// True for the first payload of a TCP flow (either side's).
    pub first_payload: bool,
}

impl Analyzer<()> {
    /// A new analyzer without an observer.
    pub fn new(cfg: Config) -> Self {
        Analyzer::with_observer(cfg, ())
    }
}

impl<O: FlowObserver> Analyzer<O> {
    /// A new analyzer telling `observer` about flows.
    pub fn with_observer(cfg: Config, observer: O) -> Self {
        Analyzer {
            observer,
            cfg,
            flows: FlowTable::new(cfg.flows),
            inv: Inventory::default(),
            stats: Stats {
                first_ns: i64::MAX,
                last_ns: i64::MIN,
                ..Default::default()
            },
            reasm: Pool::new(cfg.reassembly),
        }
    }

    /// Reassembly buffers held now (at most `cfg.reassembly.slots`).
    pub fn reassembly_in_use(&self) -> usize {
        self.reasm.in_use()
    }

    /// Processes one captured frame.
    #[inline]
    pub fn process(&mut self, pkt: &RawPacket<'_>) {
        let ts = clamp_ts(pkt.ts_ns);
        // Decoded straight into the frame path: no copy of the decoded view into a
        // `PreDecoded` on the way.
        if !linktype::supported(pkt.linktype) {
            return self.process_decoded(ts, pkt.orig_len, &PreDecoded::Unsupported);
        }
        match decode(pkt.linktype, pkt.data) {
            Ok(d) => self.process_frame(ts, pkt.orig_len, &d),
            Err(_) => self.process_decoded(ts, pkt.orig_len, &PreDecoded::LinkError),
        }
    }

    /// Processes a frame already decoded by [`pre_decode`] (possibly on another thread).
    #[inline]
    pub fn process_decoded(&mut self, ts: i64, orig_len: u32, d: &PreDecoded<'_>) {
        let ts = clamp_ts(ts);
        match d {
            PreDecoded::Frame(d) => self.process_frame(ts, orig_len, d),
            PreDecoded::Unsupported => {
                self.count(ts, orig_len);
                self.stats.unsupported_link += 1;
            }
            PreDecoded::LinkError => {
                self.count(ts, orig_len);
                self.stats.link_errors += 1;
            }
        }
    }

    /// Counts a frame in the run's totals.
    #[inline]
    fn count(&mut self, ts: i64, orig_len: u32) {
        let s = &mut self.stats;
        s.packets += 1;
        s.bytes += orig_len as u64;
        s.first_ns = s.first_ns.min(ts);
        s.last_ns = s.last_ns.max(ts);
    }

    /// Processes a frame whose link layer decoded.
    #[inline]
    fn process_frame(&mut self, ts: i64, orig_len: u32, d: &Decoded<'_>) {
        self.count(ts, orig_len);
        if d.error.is_some() {
            self.stats.decode_errors += 1;
        }
        if self.reasm.deadline_passed(ts) {
            self.expire_messages(ts);
        }
        if self.flows.sweep_due(ts) {
            let lim = self.cfg.limits;
            let (inv, obs) = (&mut self.inv, &mut self.observer);
            let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
            self.flows
                .sweep(ts, 1.0, false, |v| close_flow(inv, obs, &lim, re, rs, v));
        }
        let ip_len = self.layer(ts, orig_len, d, true);
        if tunnel::candidate(d) {
            self.decapsulate(ts, ip_len, d);
        }
    }

    /// Processes one packet of a frame: the frame's own (`outer`), or one a tunnel carried.
    /// `wire` is its length on the wire (from its link header on). Returns the bytes its IP
    /// packet took on the wire (0 for others).
    #[inline(always)]
    fn layer(&mut self, ts: i64, wire: u32, d: &Decoded<'_>, outer: bool) -> u32 {
        match d.l3 {
            L3::Ip(ip) => {
                if outer {
                    self.stats.ip += 1;
                    if ip.fragment() {
                        self.stats.fragments += 1;
                    }
                }
                if ip.ext_unparsed() {
                    self.stats.ipv6_ext_unparsed += 1;
                    return 0;
                }
                let len = d.ip_wire_len(wire).unwrap_or(0);
                self.ip_packet(ts, d, len);
                return len;
            }
            L3::Arp(a) => {
                let lim = self.cfg.limits;
                let i = self.non_ip_frame(ts, d.link.src, outer);
                if let (Some(src), Some(i)) = (d.link.src, i) {
                    if a.sha == src && a.spa != [0; 4] {
                        self.inv.note_address(i, IpAddr::from(a.spa), &lim);
                    }
                    if a.sha == src {
                        self.observer.arp(&self.inv, i, ts, &a);
                    }
                }
            }
            L3::Lldp(p) => {
                if outer {
                    self.stats.non_ip += 1;
                }
                self.lldp(ts, d.link.src, p);
            }
            L3::Other(_) => {
                self.non_ip_frame(ts, d.link.src, outer);
            }
        }
        0
    }

    /// Takes the packets out of the tunnels of frame `d` (whose IP packet took `ip_len` bytes on
    /// the wire), one inside the other up to [`tunnel::MAX_DEPTH`], and processes each as a
    /// packet of its own.
    #[cold]
    #[inline(never)]
    fn decapsulate(&mut self, ts: i64, mut ip_len: u32, d: &Decoded<'_>) {
        let mut outer = *d;
        // The frame is counted once among the decode errors, whichever layer has them.
        let mut error_counted = d.error.is_some();
        for depth in 0..=tunnel::MAX_DEPTH {
            let inner = match tunnel::inner(&outer) {
                Ok(Some(i)) => i,
                Ok(None) => return,
                Err(_) => {
                    self.stats.tunnels.malformed += 1;
                    return;
                }
            };
            if depth == tunnel::MAX_DEPTH {
                self.stats.tunnels.too_deep += 1;
                return;
            }
            let Ok(next) = tunnel::decode_inner(&inner, &outer.link) else {
                self.stats.tunnels.malformed += 1;
                return;
            };
            self.stats.tunnels.decapsulated[inner.tunnel.index()] += 1;
            if next.error.is_some() && !error_counted {
                self.stats.decode_errors += 1;
                error_counted = true;
            }
            // What the inner packet took on the wire: the outer packet's bytes after the
            // tunnel's headers.
            let wire = ip_len.saturating_sub(inner.offset);
            ip_len = self.layer(ts, wire, &next, false);
            // The device that sent it (known now: `layer` met its MAC) was seen in this tunnel.
            if let Some(i) = next.link.src.and_then(|m| self.inv.get(&m)) {
                self.inv.dev(i).tunnels |= 1 << inner.tunnel.index();
            }
            if !tunnel::candidate(&next) {
                return;
            }
            outer = next;
        }
    }

    /// Processes an IP packet that took `ip_len` bytes on the wire.
    #[inline]
    fn ip_packet(&mut self, ts: i64, d: &Decoded<'_>, ip_len: u32) {
        let L3::Ip(ip) = d.l3 else { return };
        let (sport, dport, tcp_flags, seq, payload) = match d.l4 {
            L4::Tcp(t) => (t.sport, t.dport, t.flags, t.seq, t.payload),
            L4::Udp(u) => (u.sport, u.dport, 0, 0, u.payload),
            _ => (0, 0, 0, 0, &[][..]),
        };
        let (key, src_is_a) = FlowKey::new(&ip.src, &ip.dst, sport, dport, ip.proto);
        let src_side = if src_is_a { 0usize } else { 1 };
        let lim = self.cfg.limits;
        // One hash probe per packet. Flows end lazily: an idle-expired flow met again is closed
        // and a new one starts in its slot (the periodic sweep only reclaims memory). A fresh SYN
        // on a flow that already carried a connection is a new connection reusing the ports.
        let fresh = || {
            Flow::new(
                initiator_side(src_side, ip.proto, tcp_flags, sport, dport) as u8,
                ts,
            )
        };
        let mut started = false;
        let mut gap_event = false;
        let tag = self.flows.tag(&key);
        let fi = if let Some(i) = self.flows.find_tagged(&key, tag) {
            let cfg = self.flows.cfg;
            let (f, held) = self.flows.entry(i);
            let syn_only =
                ip.proto == proto::TCP && tcp_flags & (flags::SYN | flags::ACK) == flags::SYN;
            let done =
                tcpbits::RST | tcpbits::FIN_I | tcpbits::FIN_R | tcpbits::DATA_I | tcpbits::DATA_R;
            let reused = syn_only && (f.tcp & tcpbits::SYN == 0 || f.tcp & done != 0);
            let gap = ts.saturating_sub(f.last_ns);
            let expired = gap > crate::flow::idle_limit(&cfg, f, ip.proto);
            if reused || expired {
                started = true;
                let old = std::mem::replace(f, fresh());
                let h = std::mem::replace(held, NO_SLOT);
                let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
                close_flow(
                    &mut self.inv,
                    &mut self.observer,
                    &lim,
                    re,
                    rs,
                    (&key, &old, h),
                );
                self.flows.stats.created += 1;
                if expired {
                    self.flows.stats.expired += 1;
                }
            } else if f.note_gap(gap) {
                gap_event = f.gaps >= 4 && f.gaps.is_power_of_two();
            }
            i
        } else {
            if self.flows.len() >= self.flows.cfg.max_flows {
                let (inv, obs) = (&mut self.inv, &mut self.observer);
                let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
                self.flows
                    .make_room(ts, |v| close_flow(inv, obs, &lim, re, rs, v));
            }
            self.flows.stats.created += 1;
            started = true;
            // A LAN host reaching a public address sends to its gateway's MAC: that MAC
            // routes, so the public addresses it sources are not its own.
            if let Some(gw) = d.link.dst {
                if !gw.is_group()
                    && iotgate_wire::net::is_local(&ip.src)
                    && !iotgate_wire::net::is_local(&ip.dst)
                {
                    self.inv.mark_gateway(gw, ts, &lim);
                }
            }
            self.flows.insert_slot(key, tag, fresh())
        };
        let (flow, held) = self.flows.entry(fi);
        let from_initiator = flow.initiator as usize == src_side;
        let dir = usize::from(!from_initiator);
        flow.pkts[dir] += 1;
        flow.bytes[dir] += u64::from(ip_len);
        flow.marks |= if iotgate_wire::net::is_initial_ttl(ip.ttl) {
            markbits::ON_LINK[dir]
        } else {
            markbits::ROUTED[dir]
        };
        if let L4::Icmp(i) = d.l4 {
            if flow.icmp[dir].is_none() {
                flow.icmp[dir] = Some((i.kind, i.code));
            }
            if iotgate_wire::transport::is_icmp_error(ip.proto, i.kind) {
                flow.marks |= markbits::ICMP_ERROR;
            }
        }
        flow.last_ns = flow.last_ns.max(ts);
        // The initiator's first payload, which may start a message to reassemble.
        let client_first = from_initiator && flow.tcp & tcpbits::DATA_I == 0;
        if ip.proto == proto::TCP {
            let t = &mut flow.tcp;
            let syn = tcp_flags & flags::SYN != 0;
            let ack = tcp_flags & flags::ACK != 0;
            if syn && !ack && from_initiator {
                *t |= tcpbits::SYN;
            } else if syn && ack && !from_initiator {
                *t |= tcpbits::SYNACK;
            } else if ack && from_initiator && *t & tcpbits::SYNACK != 0 {
                *t |= tcpbits::ACK3;
            }
            if tcp_flags & flags::FIN != 0 {
                *t |= if from_initiator {
                    tcpbits::FIN_I
                } else {
                    tcpbits::FIN_R
                };
            }
            if tcp_flags & flags::RST != 0 {
                *t |= tcpbits::RST;
            }
            if !payload.is_empty() {
                *t |= if from_initiator {
                    tcpbits::DATA_I
                } else {
                    tcpbits::DATA_R
                };
            }
        }
        let mut src_dev = flow.dev[src_side];

        let tcp_payload = ip.proto == proto::TCP && !payload.is_empty();
        // The sequence number of the payload's first byte (a SYN takes one before it).
        let data_seq = seq.wrapping_add(u32::from(tcp_flags & flags::SYN != 0));
        // A client's SYN says where its byte stream starts: kept for its first payload, which
        // may arrive after later segments.
        if ip.proto == proto::TCP
            && from_initiator
            && tcp_flags & (flags::SYN | flags::ACK) == flags::SYN
        {
            self.reasm.note_syn(&key, seq);
        }
        // The client's next segment of a first message being reassembled: placed at its offset
        // (in order or beyond a gap; ignored when old or when no range is left for it) instead
        // of being inspected on its own. Only one that starts beyond the cap is inspected on its
        // own, while the message goes on waiting.
        let pushed = if tcp_payload && from_initiator && *held != NO_SLOT {
            let rs = &mut self.stats.reassembly;
            Some(self.reasm.push(rs, *held, data_seq, payload, ts))
        } else {
            None
        };
        let consumed = pushed.is_some_and(|r| r != Push::Beyond);
        let inspect_tcp = tcp_payload && !consumed && flow.inspected < 4;
        if inspect_tcp {
            flow.inspected += 1;
        }
        if src_dev == NO_DEVICE {
            src_dev = NO_DEVICE_CHECKED;
            if let Some(mac) = d.link.src {
                if let Some(i) = self.inv.upsert(mac, ts, &lim) {
                    // A public source a router relayed (its TTL was decremented on the way) is
                    // not the address of the MAC that carried it, and shows the MAC forwards
                    // traffic — when the packet is a reply or acknowledges one: scanners send
                    // their raw probes (SYN, FIN, NULL, UDP, ICMP) with random TTLs from their
                    // own MAC. Group destinations get whatever TTL the sender chose.
                    let relayed = !iotgate_wire::net::is_initial_ttl(ip.ttl)
                        && !iotgate_wire::net::is_local(&ip.src)
                        && !iotgate_wire::net::is_group(&ip.dst);
                    if relayed {
                        let answers =
                            dir == 1 || (ip.proto == proto::TCP && tcp_flags & flags::ACK != 0);
                        if answers && !mac.is_group() {
                            self.inv.mark_gateway(mac, ts, &lim);
                        }
                        src_dev = i | CARRIED;
                    } else if self.inv.note_address(i, ip.src, &lim) {
                        src_dev = i;
                    } else if !ip.src.is_unspecified() {
                        // (A host with no address yet — DHCP, DAD — speaks for itself.)
                        src_dev = i | CARRIED;
                    }
                }
            }
            flow.dev[src_side] = src_dev;
        }
        {
            let obs = &mut self.observer;
            if started {
                let first = FirstPacket {
                    side: src_side as u8,
                    tcp_flags,
                    seq,
                    src_mac: d.link.src,
                    icmp_type: flow.icmp[0].map(|(t, _)| t),
                };
                obs.flow_started(&self.inv, &key, flow, &first);
            } else {
                let p = flow.pkts[dir];
                if dir == 1 && p == 1 {
                    obs.flow_progress(&self.inv, &key, flow, Progress::Replied, ts);
                } else if p > 1 && crate::flow::is_milestone(p) {
                    obs.flow_progress(&self.inv, &key, flow, Progress::Packets(dir as u8), ts);
                }
                if gap_event {
                    obs.flow_progress(&self.inv, &key, flow, Progress::Gaps, ts);
                }
            }
        }
        if matches!(pushed, Some(Push::Done | Push::GaveUp)) {
            let slot = std::mem::replace(held, NO_SLOT);
            let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
            deliver(
                &mut self.inv,
                &mut self.observer,
                &lim,
                re,
                rs,
                &key,
                flow,
                slot,
                false,
            );
        }
        let is_app_udp = ip.proto == proto::UDP && is_app_port(sport, dport);
        if !(inspect_tcp || is_app_udp) {
            return;
        }
        let ctx = Ctx {
            ts,
            src: ip.src,
            dst: ip.dst,
            sport,
            dport,
            proto: ip.proto,
            src_mac: d.link.src,
            dst_mac: d.link.dst,
            src_dev: (src_dev & CARRIED == 0).then_some(src_dev),
            from_initiator,
            established: flow.handshake_done()
                || flow.tcp & (tcpbits::DATA_I | tcpbits::DATA_R)
                    == (tcpbits::DATA_I | tcpbits::DATA_R),
            first_payload: inspect_tcp && flow.inspected == 1,
        };
        if is_app_udp {
            return self.udp_app(&ctx, payload);
        }
        if client_first {
            // Kept for later when it starts an unfinished message (or overtook the stream's
            // first bytes), with this segment's context: the whole message is inspected as this
            // segment would have been (the session's protocol told from it too).
            let pending = Pending { key, ctx };
            let rs = &mut self.stats.reassembly;
            if let Some(s) = self
                .reasm
                .first_payload(rs, &key, payload, data_seq, ts, pending)
            {
                *held = s;
                return;
            }
        }
        let scratch = self.reasm.scratch();
        inspect_payload(
            &mut self.inv,
            &mut self.observer,
            &lim,
            &key,
            flow,
            &ctx,
            payload,
            scratch,
        );
    }

    /// Inspects the messages whose reassembly has waited its time at `now`, and frees their
    /// buffers.
    fn expire_messages(&mut self, now: i64) {
        let lim = self.cfg.limits;
        while let Some(slot) = self.reasm.next_expired(now) {
            let key = self.reasm.message(slot).map(|(_, h)| h.owner.key);
            let owner = key.and_then(|k| Some((k, self.flows.find(&k)?)));
            let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
            match owner {
                Some((k, i)) if *self.flows.entry(i).1 == slot => {
                    let (f, held) = self.flows.entry(i);
                    *held = NO_SLOT;
                    let (inv, obs) = (&mut self.inv, &mut self.observer);
                    deliver(inv, obs, &lim, re, rs, &k, f, slot, true);
                }
                // No flow holds it (never the case): freed all the same.
                _ => re.release(rs, slot, true),
            }
        }
    }

    /// Counts a non-IP frame (ARP, EAPOL, ...) against its sender's device, created if new;
    /// returns its index. Counted in the run's non-IP frames when it is a frame's `outer`
    /// packet, not one a tunnel carried.
    fn non_ip_frame(&mut self, ts: i64, src: Option<Mac>, outer: bool) -> Option<u32> {
        if outer {
            self.stats.non_ip += 1;
        }
        let lim = self.cfg.limits;
        let i = self.inv.upsert(src?, ts, &lim)?;
        let dev = self.inv.dev(i);
        dev.non_ip_frames += 1;
        dev.last_ns = dev.last_ns.max(ts);
        Some(i)
    }

    /// Capture time moves on to `now` without a packet: flows idle for longer than their
    /// timeout end (and are handed to the observer), then the observer hears the time.
    /// Times earlier than the last packet are ignored: time never runs backwards.
    pub fn advance(&mut self, now: i64) {
        let now = clamp_ts(now);
        if self.stats.packets > 0 && now < self.stats.last_ns {
            return;
        }
        if self.reasm.deadline_passed(now) {
            self.expire_messages(now);
        }
        let (inv, obs, lim) = (&mut self.inv, &mut self.observer, self.cfg.limits);
        let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
        self.flows
            .sweep(now, 1.0, false, |v| close_flow(inv, obs, &lim, re, rs, v));
        self.observer.advanced(&self.inv, now);
    }

    /// The state as it would be if the capture ended now, without changing anything: a copy of
    /// the inventory with every live flow folded in, each live flow also handed to `obs` (a
    /// copy of the observer, for the same reason), in the order [`Analyzer::finish`] uses; a
    /// client message still being reassembled is inspected, into the copy, as far as it
    /// arrived, as the end of its flow would.
    pub fn snapshot<P: FlowObserver>(
        &self,
        obs: &mut P,
    ) -> (Inventory, Stats, crate::flow::FlowStats) {
        let lim = self.cfg.limits;
        let mut inv = self.inv.clone();
        let mut fs = self.flows.stats;
        fs.peak = fs.peak.max(self.flows.len());
        let mut scratch = Vec::new();
        self.flows.for_each(|(k, f, held)| {
            if let Some((bytes, h)) = self.reasm.message(held) {
                let mut f = *f;
                if scratch.is_empty() {
                    scratch = vec![0u8; reassembly::SLOT_BYTES];
                }
                let c = h.owner.ctx;
                inspect_payload(&mut inv, obs, &lim, k, &mut f, &c, bytes, &mut scratch);
                end_flow(&mut inv, obs, &lim, k, &f);
            } else {
                end_flow(&mut inv, obs, &lim, k, f);
            }
        });
        (inv, self.stats, fs)
    }

    /// Folds every live flow into the inventory (handing each to the observer) and returns the
    /// final state with the observer.
    pub fn finish(mut self) -> (Inventory, Stats, crate::flow::FlowStats, O) {
        let lim = self.cfg.limits;
        let inv = &mut self.inv;
        let mut fs = self.flows.stats;
        let obs = &mut self.observer;
        let (re, rs) = (&mut self.reasm, &mut self.stats.reassembly);
        self.flows.drain(|v| close_flow(inv, obs, &lim, re, rs, v));
        fs.peak = fs.peak.max(self.flows.stats.peak);
        (self.inv, self.stats, fs, self.observer)
    }
}

/// Latest time iotgate takes (2^62 ns after 1970, in the year 2116); earlier than 1970 is
/// taken as 1970. Timestamps come from captures, exporters and callers: clamping them where
/// they enter keeps every duration and window computed from them far from overflow.
pub const MAX_TS: i64 = 1 << 62;

/// `ts` within `0..=MAX_TS`.
#[inline(always)]
pub fn clamp_ts(ts: i64) -> i64 {
    ts.clamp(0, MAX_TS)
}

#[inline]
fn is_app_port(sport: u16, dport: u16) -> bool {
    const P: [u16; 8] = [53, 5353, 67, 68, 546, 547, 1900, 123];
    P.contains(&sport) || P.contains(&dport)
}

/// Decides which side opened a flow from its first packet.
#[inline]
fn initiator_side(src_side: usize, proto: u8, fl: u8, sport: u16, dport: u16) -> usize {
    let other = 1 - src_side;
    if proto == proto::TCP {
        let syn = fl & flags::SYN != 0;
        let ack = fl & flags::ACK != 0;
        if syn && !ack {
            return src_side;
        }
        if syn && ack {
            return other;
        }
    }
    if (proto == proto::TCP || proto == proto::UDP) && sport < 1024 && dport >= 1024 {
        return other;
    }
    src_side
}

/// Inspects one TCP payload of flow `f` (keyed `k`), described by `c`: a segment, or a client's
/// first message reassembled. Login protocols, scanning tools and malware-like requests are told
/// to the observer (once per flow each); then identity and evidence go into the inventory.
#[allow(clippy::too_many_arguments)]
fn inspect_payload<O: FlowObserver>(
    inv: &mut Inventory,
    obs: &mut O,
    lim: &Limits,
    k: &FlowKey,
    f: &mut Flow,
    c: &Ctx,
    p: &[u8],
    scratch: &mut [u8],
) {
    if f.marks & markbits::LOGIN == 0 {
        if let Some(login) = iotgate_wire::login::recognise(p, c.from_initiator) {
            f.marks |= markbits::LOGIN;
            obs.flow_progress(inv, k, f, Progress::Login(login), c.ts);
        }
    }
    let req = crate::app::Req::of(p, c.from_initiator);
    if let crate::app::Req::Head(r) = &req {
        if f.marks & markbits::TOOL == 0 {
            if let Some(tool) = iotgate_wire::http::scanner_tool_of(r) {
                f.marks |= markbits::TOOL;
                obs.flow_progress(inv, k, f, Progress::Tool(tool), c.ts);
            }
        }
        if f.marks & markbits::SUSPECT == 0 && iotgate_wire::http::is_random_post_to_ip(r) {
            f.marks |= markbits::SUSPECT;
            obs.flow_progress(inv, k, f, Progress::RandomPost, c.ts);
        }
    }
    crate::app::tcp_app(inv, lim, c, p, &req, scratch);
}

/// Inspects the message in reassembly buffer `slot` (of flow `f`, keyed `k`) as it stands —
/// whole, or as far as it arrived in order — and frees the buffer; `cut_short` when the wait
/// ends here (the flow ended, the timeout passed) rather than in [`Pool::push`].
#[allow(clippy::too_many_arguments)]
fn deliver<O: FlowObserver>(
    inv: &mut Inventory,
    obs: &mut O,
    lim: &Limits,
    re: &mut Pool<Pending>,
    rs: &mut reassembly::Stats,
    k: &FlowKey,
    f: &mut Flow,
    slot: u16,
    cut_short: bool,
) {
    if let Some((bytes, h, scratch)) = re.message_and_scratch(slot) {
        let c = h.owner.ctx;
        inspect_payload(inv, obs, lim, k, f, &c, bytes, scratch);
    }
    re.release(rs, slot, cut_short);
}

/// Ends a flow the table let go of: a client message it was still reassembling is inspected as
/// far as it arrived (its buffer freed), then the flow goes to the observer and into the
/// inventory.
#[inline]
fn close_flow<O: FlowObserver>(
    inv: &mut Inventory,
    obs: &mut O,
    lim: &Limits,
    re: &mut Pool<Pending>,
    rs: &mut reassembly::Stats,
    (k, f, held): crate::flow::Visit<'_>,
) {
    if held == NO_SLOT {
        return end_flow(inv, obs, lim, k, f);
    }
    let mut f = *f;
    deliver(inv, obs, lim, re, rs, k, &mut f, held, true);
    end_flow(inv, obs, lim, k, &f);
}

/// Hands an ended flow to the observer, then folds it into the inventory.
#[inline]
pub(crate) fn end_flow<O: FlowObserver>(
    inv: &mut Inventory,
    obs: &mut O,
    lim: &Limits,
    k: &FlowKey,
    f: &Flow,
) {
    obs.flow_ended(inv, k, f);
    fold(inv, lim, k, f);
}

/// Adds a finished (or evicted) flow to the peers of the devices on each side.
pub fn fold(inv: &mut Inventory, lim: &Limits, k: &FlowKey, f: &Flow) {
    let responder = 1 - f.initiator as usize;
    for side in 0..2 {
        let di = f.dev[side];
        if di >= NO_DEVICE_CHECKED {
            continue;
        }
        let Some(dev) = inv.devices.get_mut((di & !CARRIED) as usize) else {
            continue;
        };
        let initiated = f.initiator as usize == side;
        let (ps, bs) = if initiated {
            (f.pkts[0], f.bytes[0])
        } else {
            (f.pkts[1], f.bytes[1])
        };
        let st = PeerStats {
            flows: 1,
            packets: f.pkts[0] + f.pkts[1],
            bytes: f.bytes[0] + f.bytes[1],
            packets_sent: ps,
            bytes_sent: bs,
            established: u64::from(k.proto == proto::TCP && f.handshake_done()),
            first_ns: f.first_ns,
            last_ns: f.last_ns,
        };
        dev.first_ns = dev.first_ns.min(f.first_ns);
        dev.last_ns = dev.last_ns.max(f.last_ns);
        let own = k.addr(side);
        // Carried for an address not its own (known so when the flow started, or since: a
        // router's public addresses are not its own either): summed, not a peer of its own.
        if di & CARRIED != 0 || (dev.routes && !iotgate_wire::net::is_local(&own)) {
            dev.carried.add(&st);
            continue;
        }
        let key = PeerKey {
            ip: k.addr(1 - side),
            proto: k.proto,
            port: k.port(responder),
            initiated_by_device: initiated,
            own_public: !iotgate_wire::net::is_local(&own),
        };
        dev.add_peer(key, &st, lim);
    }
}

#[cfg(test)]
mod tests {
    //! Tunnels, extension-header chains and byte counts, through the whole packet path.
    use super::*;
    use iotgate_wire::tunnel::Tunnel;

    const HOST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
    const ROUTER: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
    const VTEP1: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
    const VTEP2: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];

    fn eth(dst: [u8; 6], src: [u8; 6], et: u16, payload: &[u8]) -> Vec<u8> {
        [&dst[..], &src[..], &et.to_be_bytes(), payload].concat()
    }

    fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, payload: &[u8]) -> Vec<u8> {
        let len = ((20 + payload.len()) as u16).to_be_bytes();
        let head = [0x45, 0, len[0], len[1], 0, 1, 0x40, 0, 64, proto, 0, 0];
        [&head[..], &src[..], &dst[..], payload].concat()
    }

    fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
        let len = ((8 + payload.len()) as u16).to_be_bytes();
        [
            &sport.to_be_bytes()[..],
            &dport.to_be_bytes(),
            &len,
            &[0, 0],
            payload,
        ]
        .concat()
    }

    /// A TCP SYN 10.0.0.5:40000 → 93.184.216.34:443.
    fn syn() -> Vec<u8> {
        let tcp = [
            0x9c, 0x40, 1, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x40, 0, 0, 0, 0, 0,
        ];
        ipv4([10, 0, 0, 5], [93, 184, 216, 34], proto::TCP, &tcp)
    }

    fn run(frames: &[Vec<u8>]) -> Analyzer {
        let mut an = Analyzer::new(Config::default());
        for (n, f) in frames.iter().enumerate() {
            an.process(&RawPacket {
                ts_ns: 1_000_000_000 * (n as i64 + 1),
                linktype: linktype::ETHERNET,
                data: f,
                orig_len: f.len() as u32,
            });
        }
        an
    }

    fn flows(an: &Analyzer) -> Vec<(u8, u16, u16, [u64; 2])> {
        let mut v = Vec::new();
        an.flows
            .for_each(|(k, f, _)| v.push((k.proto, k.pa.min(k.pb), k.pa.max(k.pb), f.bytes)));
        v.sort();
        v
    }

    fn vxlan(inner: &[u8]) -> Vec<u8> {
        let vx = [&[8u8, 0, 0, 0, 0, 0, 1, 0][..], inner].concat();
        let outer = ipv4(
            [192, 0, 2, 1],
            [192, 0, 2, 2],
            proto::UDP,
            &udp(50000, 4789, &vx),
        );
        eth(VTEP2, VTEP1, 0x0800, &outer)
    }

    #[test]
    fn a_vxlan_frame_is_two_packets_the_tunnel_and_the_lan() {
        let lan = eth(ROUTER, HOST, 0x0800, &syn());
        let an = run(&[vxlan(&lan)]);
        assert_eq!(an.stats.tunnels.get(Tunnel::Vxlan), 1);
        assert_eq!(an.stats.tunnels.total(), 1);
        assert_eq!(
            (an.stats.packets, an.stats.ip, an.stats.decode_errors),
            (1, 1, 0)
        );
        // The outer flow between the tunnel's endpoints, and the inner one.
        let outer_len = 20 + 8 + 8 + 14 + 40;
        assert_eq!(
            flows(&an),
            [(6, 443, 40000, [40, 0]), (17, 4789, 50000, [outer_len, 0])]
        );
        let (inv, ..) = an.finish();
        let macs: Vec<_> = inv.devices.iter().map(|d| d.mac.0).collect();
        for m in [VTEP1, HOST] {
            assert!(macs.contains(&m), "{m:?} in {macs:?}");
        }
        let host = inv.devices.iter().find(|d| d.mac.0 == HOST).unwrap();
        assert!(host.owns(&"10.0.0.5".parse().unwrap()));
    }

    #[test]
    fn an_ip_packet_in_a_tunnel_keeps_the_frame_macs() {
        let f = eth(
            ROUTER,
            HOST,
            0x0800,
            &ipv4([10, 0, 0, 9], [198, 51, 100, 1], 4, &syn()),
        );
        let an = run(&[f]);
        assert_eq!(an.stats.tunnels.get(Tunnel::IpInIp), 1);
        let (inv, ..) = an.finish();
        let host = inv.devices.iter().find(|d| d.mac.0 == HOST).unwrap();
        assert!(host.owns(&"10.0.0.5".parse().unwrap()));
        assert!(host.owns(&"10.0.0.9".parse().unwrap()));
        let peers: Vec<_> = host
            .peers
            .keys()
            .map(|k| (k.ip.to_string(), k.proto))
            .collect();
        assert!(peers.contains(&("93.184.216.34".into(), 6)), "{peers:?}");
        assert!(peers.contains(&("198.51.100.1".into(), 4)), "{peers:?}");
    }

    #[test]
    fn nesting_is_bounded() {
        let mut p = syn();
        for _ in 0..7 {
            p = ipv4([10, 9, 9, 1], [10, 9, 9, 2], 4, &p);
        }
        let an = run(&[eth(ROUTER, HOST, 0x0800, &p)]);
        let t = an.stats.tunnels;
        assert_eq!(t.get(Tunnel::IpInIp), tunnel::MAX_DEPTH as u64);
        assert_eq!((t.too_deep, t.malformed), (1, 0));
        // One flow for all the IP-in-IP layers (same addresses), none for the SYN inside.
        assert_eq!(flows(&an).len(), 1);
    }

    #[test]
    fn broken_tunnels_are_counted_and_the_outer_packet_kept() {
        let bad_flags = eth(
            VTEP2,
            VTEP1,
            0x0800,
            &ipv4([192, 0, 2, 1], [192, 0, 2, 2], 17, &udp(1, 4789, &[0; 8])),
        );
        // A tunnelled packet whose TCP header is cut: a decode error, counted once.
        let mut cut = syn();
        cut.truncate(30);
        cut[3] = 30;
        let short_inner = eth(
            ROUTER,
            HOST,
            0x0800,
            &ipv4([10, 0, 0, 9], [10, 0, 0, 1], 4, &cut),
        );
        let an = run(&[bad_flags, short_inner]);
        let t = an.stats.tunnels;
        assert_eq!((t.malformed, t.get(Tunnel::IpInIp), t.total()), (1, 1, 1));
        assert_eq!(an.stats.decode_errors, 1);
        assert_eq!(flows(&an).len(), 3, "{:?}", flows(&an));
    }

    #[test]
    fn a_lying_total_length_cannot_inflate_byte_counts() {
        // 57 bytes on the wire; the IPv4 header claims 65,535.
        let mut f = eth(
            ROUTER,
            HOST,
            0x0800,
            &ipv4([10, 0, 0, 5], [10, 0, 0, 1], 17, &udp(5000, 6000, &[0; 15])),
        );
        assert_eq!(f.len(), 57);
        f[16] = 0xff;
        f[17] = 0xff;
        // The same inside a tunnel: bounded by the outer packet.
        let mut inner = ipv4([10, 0, 0, 5], [10, 0, 0, 2], 17, &udp(5000, 6000, &[0; 15]));
        inner[2] = 0xff;
        inner[3] = 0xff;
        let g = eth(
            ROUTER,
            HOST,
            0x0800,
            &ipv4([10, 0, 0, 5], [10, 0, 0, 3], 4, &inner),
        );
        let an = run(&[f, g]);
        assert_eq!(
            flows(&an),
            [
                (4, 0, 0, [20 + 43, 0]),
                (17, 5000, 6000, [43, 0]),
                (17, 5000, 6000, [43, 0])
            ]
        );
        let (inv, ..) = an.finish();
        let host = inv.devices.iter().find(|d| d.mac.0 == HOST).unwrap();
        let bytes: u64 = host.peers.values().map(|p| p.bytes).sum();
        assert_eq!(bytes, 43 + 43 + 63);
    }

    #[test]
    fn an_unparsed_extension_chain_is_counted_not_a_flow() {
        let mut chain = Vec::new();
        let n = usize::from(iotgate_wire::net::MAX_EXT_HEADERS) + 1;
        for k in 0..n {
            chain.extend_from_slice(&[if k + 1 == n { 17 } else { 60 }, 0, 1, 4, 0, 0, 0, 0]);
        }
        chain.extend_from_slice(&udp(5353, 5353, b"x"));
        let len = (chain.len() as u16).to_be_bytes();
        let mut v6 = vec![0x60, 0, 0, 0, len[0], len[1], 60, 64];
        v6.extend_from_slice(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        v6.extend_from_slice(&[0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb]);
        v6.extend_from_slice(&chain);
        let an = run(&[eth(ROUTER, HOST, 0x86dd, &v6)]);
        assert_eq!(an.stats.ipv6_ext_unparsed, 1);
        assert_eq!(an.stats.decode_errors, 1);
        assert!(flows(&an).is_empty());
    }
}
