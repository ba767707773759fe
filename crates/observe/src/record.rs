//! Flow records (what a NetFlow v9 / IPFIX exporter sends) turned into the same flow events the
//! packet path produces, so detectors and audits run on routers' exports too.

use crate::engine::{Analyzer, FirstPacket, FlowObserver, Progress};
use crate::flow::{tcpbits, Flow, FlowKey};
use iotgate_wire::Mac;
use std::net::IpAddr;

/// TCP flag bits as they appear in a record's cumulative flags (RFC 793 order).
mod tcp {
    pub const FIN: u8 = 0x01;
    pub const SYN: u8 = 0x02;
    pub const RST: u8 = 0x04;
    pub const ACK: u8 = 0x10;
}

/// One flow as an exporter reports it: the initiator is `src`. A unidirectional record (NetFlow
/// v5/v9) has zeros for the reverse direction; a biflow (IPFIX, RFC 5103) fills both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowRecord {
    /// Source (initiator) address.
    pub src: IpAddr,
    /// Destination (responder) address.
    pub dst: IpAddr,
    /// Source port (0 for protocols without ports).
    pub sport: u16,
    /// Destination port; for ICMP, exporters put `type << 8 | code` here.
    pub dport: u16,
    /// IP protocol.
    pub proto: u8,
    /// Packets `[src→dst, dst→src]`.
    pub packets: [u64; 2],
    /// Bytes (IP length) `[src→dst, dst→src]`.
    pub bytes: [u64; 2],
    /// Cumulative TCP flags `[src→dst, dst→src]` (OR of every packet's flags).
    pub tcp_flags: [u8; 2],
    /// First packet, ns since the epoch.
    pub start_ns: i64,
    /// Last packet, ns since the epoch.
    pub end_ns: i64,
    /// Source MAC, when the exporter reports it (IPFIX sourceMacAddress).
    pub src_mac: Option<Mac>,
    /// Destination MAC, when reported.
    pub dst_mac: Option<Mac>,
}

impl FlowRecord {
    /// The flow the record describes, as the flow table would have held it when it ended.
    fn flow(&self, initiator: u8) -> Flow {
        let mut f = Flow::new(initiator, self.start_ns);
        f.last_ns = self.end_ns.max(self.start_ns);
        f.pkts = self.packets;
        f.bytes = self.bytes;
        if self.proto == 6 {
            let [i, r] = self.tcp_flags;
            let mut t = 0;
            if i & tcp::SYN != 0 {
                t |= tcpbits::SYN;
            }
            if r & tcp::SYN != 0 && r & tcp::ACK != 0 {
                t |= tcpbits::SYNACK;
                // An ACK from the initiator after its SYN, with the responder's SYN+ACK seen:
                // the handshake completed (records cannot order the packets; this is the
                // usual reading of cumulative flags).
                if i & tcp::ACK != 0 {
                    t |= tcpbits::ACK3;
                }
            }
            if i & tcp::FIN != 0 {
                t |= tcpbits::FIN_I;
            }
            if r & tcp::FIN != 0 {
                t |= tcpbits::FIN_R;
            }
            if (i | r) & tcp::RST != 0 {
                t |= tcpbits::RST;
            }
            // Payload: more bytes than bare headers (40 bytes per packet) each way.
            if self.bytes[0] > self.packets[0].saturating_mul(40) {
                t |= tcpbits::DATA_I;
            }
            if self.bytes[1] > self.packets[1].saturating_mul(40) {
                t |= tcpbits::DATA_R;
            }
            f.tcp = t;
        }
        if matches!(self.proto, 1 | 58) {
            f.icmp[0] = Some(((self.dport >> 8) as u8, self.dport as u8));
        }
        f
    }
}

/// The initiator's first packet's flags as far as a record tells: its cumulative flags when
/// it sent one packet (a probe: SYN, or the odd combinations of stealth scans); a SYN when
/// the connection began with one (a whole connection's flags are SYN, ACK and FIN together,
/// which no first packet has); otherwise what it sent, a connection whose start was missed.
fn first_flags(cumulative: u8, packets: u64) -> u8 {
    let f = cumulative & (tcp::SYN | tcp::ACK | tcp::FIN | tcp::RST);
    if packets <= 1 {
        f
    } else if f & tcp::SYN != 0 {
        tcp::SYN
    } else {
        f
    }
}

/// Largest packet or byte count taken from one record direction (2^40, a terabyte): larger ones
/// are clamped, so that sums over many records cannot overflow.
pub const MAX_COUNT: u64 = 1 << 40;

/// The subscriber on one side of a record, as a collector's map names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subscriber<'a> {
    /// The subscriber id.
    pub id: &'a str,
    /// Where the map keeps the id — the map's generation and the id's position — so that the
    /// subscriber's device is found again without hashing the id; `None` without a map.
    pub slot: Option<(u64, u32)>,
}

impl<O: FlowObserver> Analyzer<O> {
    /// Processes one flow record: devices are found from the MACs when the record has them,
    /// then the observer hears the flow start, get its reply and packet milestone, and end,
    /// and the flow is folded into the inventory. Records do not enter the flow table: an
    /// exporter has already decided the flow is over.
    pub fn process_record(&mut self, rec: &FlowRecord) {
        self.process_record_for(rec, [None, None]);
    }

    /// Hints the CPU to fetch the state a record of subscribers `subs` will need (their
    /// devices' and the observer's), so that a collector can ask for a batch of records'
    /// state before processing the first: the fetches then overlap.
    pub fn prefetch_for(&self, rec: &FlowRecord, subs: &[Option<Subscriber<'_>>; 2]) {
        let peers = [&rec.dst, &rec.src].map(crate::flow::addr_bits);
        for (s, peer) in subs.iter().zip(peers) {
            let Some(s) = s else { continue };
            if let Some(i) = s.slot.and_then(|at| self.inv.subscriber_at(at)) {
                if let Some(d) = self.inv.devices.get(i as usize) {
                    d.prefetch();
                }
                self.observer.prefetch(i, peer);
            }
        }
    }

    /// [`Analyzer::process_record`] with the subscribers behind the record's source and
    /// destination (`subs[0]`, `subs[1]`) when a collector knows them: that side's flow is
    /// attributed to the subscriber's device (created on first sight), whose addresses are
    /// those the map gave it. A side with a subscriber ignores the record's MAC.
    pub fn process_record_for(&mut self, rec: &FlowRecord, subs: [Option<Subscriber<'_>>; 2]) {
        let clamp = |v: [u64; 2]| v.map(|x| x.min(MAX_COUNT));
        let start_ns = crate::engine::clamp_ts(rec.start_ns);
        let rec = &FlowRecord {
            packets: clamp(rec.packets),
            bytes: clamp(rec.bytes),
            start_ns,
            end_ns: crate::engine::clamp_ts(rec.end_ns).max(start_ns),
            ..*rec
        };
        let (sport, dport) = if matches!(rec.proto, 1 | 58) {
            (0, 0)
        } else {
            (rec.sport, rec.dport)
        };
        let (key, src_is_a) = FlowKey::new(&rec.src, &rec.dst, sport, dport, rec.proto);
        let side = usize::from(!src_is_a);
        let mut f = rec.flow(side as u8);
        let lim = self.cfg.limits;
        for (mac, ip, s, sub) in [
            (rec.src_mac, rec.src, side, subs[0]),
            (rec.dst_mac, rec.dst, 1 - side, subs[1]),
        ] {
            if let Some(sub) = sub {
                if let Some(i) = self
                    .inv
                    .upsert_subscriber(sub.id, sub.slot, rec.start_ns, &lim)
                {
                    self.inv.claim_address(i, ip);
                    f.dev[s] = i;
                }
                continue;
            }
            let Some(mac) = mac else { continue };
            if let Some(i) = self.inv.upsert(mac, rec.start_ns, &lim) {
                // Only a source address is proof of ownership, as on the packet path.
                if (s == side && self.inv.note_address(i, ip, &lim))
                    || self.inv.devices[i as usize].owns(&ip)
                {
                    f.dev[s] = i;
                }
            }
        }
        // Counts come from the exporter: hostile or broken ones must not overflow.
        let s = &mut self.stats;
        let pkts = rec.packets[0].saturating_add(rec.packets[1]);
        s.packets = s.packets.saturating_add(pkts);
        s.bytes = s
            .bytes
            .saturating_add(rec.bytes[0].saturating_add(rec.bytes[1]));
        s.ip = s.ip.saturating_add(pkts);
        if pkts > 0 {
            s.first_ns = s.first_ns.min(rec.start_ns);
            s.last_ns = s.last_ns.max(f.last_ns);
        }
        self.flows.stats.created += 1;
        let first = FirstPacket {
            side: side as u8,
            tcp_flags: first_flags(rec.tcp_flags[0], rec.packets[0]),
            seq: 0,
            src_mac: rec.src_mac,
            icmp_type: f.icmp[0].map(|(t, _)| t),
        };
        let obs = &mut self.observer;
        obs.flow_started(&self.inv, &key, &f, &first);
        if rec.packets[1] > 0 {
            obs.flow_progress(&self.inv, &key, &f, Progress::Replied, f.last_ns);
        }
        for dir in 0..2 {
            if f.pkts[dir] > 1 {
                obs.flow_progress(&self.inv, &key, &f, Progress::Packets(dir as u8), f.last_ns);
            }
        }
        crate::engine::end_flow(&mut self.inv, &mut self.observer, &lim, &key, &f);
    }
}
