//! Flow exports into a session: export packets decoded (`iotgate_flows::Decoder`), the two
//! directions of each conversation paired (`stitch`), each side attributed to its subscriber
//! (`subscribers::Attribution`), and the result fed to a [`Session`] as flow records. What
//! `iotgate collect` runs, and what its evaluation and workers run.

use crate::Session;
use iotgate_flows::stitch::{Conversation, Stitcher};
use iotgate_flows::subscribers::{AddrText, Attribution, Found, Subscribers};
use iotgate_flows::{Decoder, Record};
use iotgate_observe::record::{FlowRecord, Subscriber};
use std::net::IpAddr;

/// Where a subscriber map keeps an id: its generation and the id's position.
type MapSlot = (u64, u32);

/// Decoder, pairing table and attribution for one stream of exports.
pub struct FlowFeed {
    /// The decoder (its counts in `decoder.stats`).
    pub decoder: Decoder,
    /// The pairing table (its counts too).
    pub stitch: Stitcher,
    who: Attribution,
    names: (AddrText, AddrText),
    convs: Vec<Conversation>,
    records: Vec<Record>,
    /// A batch's flow records with where the map keeps each side's subscriber (reused).
    batch: Vec<(FlowRecord, [Option<MapSlot>; 2])>,
}

impl FlowFeed {
    /// A feed attributing with `who`.
    pub fn new(who: Attribution) -> Self {
        FlowFeed {
            decoder: Decoder::new(),
            stitch: Stitcher::default(),
            who,
            names: Default::default(),
            convs: Vec::new(),
            records: Vec::new(),
            batch: Vec::new(),
        }
    }

    /// One export packet from `exporter`: its records, paired, into `s`.
    pub fn packet(&mut self, s: &mut Session, exporter: IpAddr, pkt: &[u8]) {
        self.records.clear();
        self.decoder.decode(exporter, pkt, &mut self.records);
        for r in &self.records {
            self.stitch.push(r, &mut self.convs);
        }
        self.feed(s);
    }

    /// Records already decoded (from a worker's stream), into `s`.
    pub fn records(&mut self, s: &mut Session, recs: &[Record]) {
        for r in recs {
            self.stitch.push(r, &mut self.convs);
        }
        self.feed(s);
    }

    /// The input ended: records still waiting for their other direction go in alone.
    pub fn finish(&mut self, s: &mut Session) {
        self.stitch.flush(&mut self.convs);
        self.feed(s);
    }

    fn feed(&mut self, s: &mut Session) {
        if let Attribution::Map(m) = &self.who {
            // A map names the subscribers before any is processed: their state is asked for
            // first, for the whole batch, so that the fetches from memory overlap instead of
            // each record waiting for its own.
            self.batch.clear();
            for c in &self.convs {
                let Some(fr) = flow_record(c) else { continue };
                let slots = [
                    m.find(fr.src, fr.sport).and_then(|f| f.slot),
                    m.find(fr.dst, fr.dport).and_then(|f| f.slot),
                ];
                let subs = slots.map(|x| x.and_then(|at| subscriber(m, at)));
                s.prefetch_for(&fr, &subs);
                self.batch.push((fr, slots));
            }
            for (fr, slots) in &self.batch {
                s.push_record_for(fr, slots.map(|x| x.and_then(|at| subscriber(m, at))));
            }
            self.convs.clear();
            return;
        }
        // Without a map, a MAC the exporter reports (a home router's IPFIX) names the device
        // better than its address.
        let who = &self.who;
        let names = &mut self.names;
        // Read in place (a conversation is two records: moving each out costs a copy).
        for c in &self.convs {
            let Some(fr) = flow_record(c) else { continue };
            let subs = [
                fr.src_mac
                    .is_none()
                    .then(|| sub(who.find(fr.src, fr.sport, &mut names.0)))
                    .flatten(),
                fr.dst_mac
                    .is_none()
                    .then(|| sub(who.find(fr.dst, fr.dport, &mut names.1)))
                    .flatten(),
            ];
            s.push_record_for(&fr, subs);
        }
        self.convs.clear();
    }
}

/// The subscriber a map keeps at `at` (its generation and position).
fn subscriber(m: &Subscribers, at: MapSlot) -> Option<Subscriber<'_>> {
    Some(Subscriber {
        id: m.id(at.1)?,
        slot: Some(at),
    })
}

/// A subscriber the map found, as the session takes it.
fn sub(f: Option<Found<'_>>) -> Option<Subscriber<'_>> {
    f.map(|f| Subscriber {
        id: f.id,
        slot: f.slot,
    })
}

/// A conversation as the engine takes it: the initiator's direction and the responder's, with
/// the MACs when the exporter gave them (a home router's IPFIX; an ISP's exports have none:
/// the home is behind NAT).
pub fn flow_record(c: &Conversation) -> Option<iotgate_observe::record::FlowRecord> {
    let ns = |ms: Option<i64>| ms.unwrap_or(0).saturating_mul(1_000_000);
    let count = |r: Option<&Record>, f: fn(&Record) -> Option<u64>| r.and_then(f).unwrap_or(0);
    let (f, r) = (c.forward.as_ref(), c.reverse.as_ref());
    // The initiator's view: from the forward record, else the reply turned round.
    let (src, dst, sport, dport, proto) = match (f, r) {
        (Some(f), _) => (f.src, f.dst, f.sport, f.dport, f.proto),
        (None, Some(r)) => (r.dst, r.src, r.dport, r.sport, r.proto),
        (None, None) => return None,
    };
    let start = f.iter().chain(r.iter()).filter_map(|x| x.start_ms).min();
    let end = f
        .iter()
        .chain(r.iter())
        .filter_map(|x| x.end_ms.or(x.start_ms))
        .max();
    Some(iotgate_observe::record::FlowRecord {
        src,
        dst,
        sport,
        dport,
        proto,
        packets: [count(f, |x| x.packets), count(r, |x| x.packets)],
        bytes: [count(f, |x| x.bytes), count(r, |x| x.bytes)],
        tcp_flags: [f.map_or(0, |x| x.tcp_flags), r.map_or(0, |x| x.tcp_flags)],
        start_ns: ns(start),
        end_ns: ns(end.or(start)),
        src_mac: f
            .and_then(|x| x.src_mac)
            .or(r.and_then(|x| x.dst_mac))
            .map(iotgate_wire::Mac),
        dst_mac: f
            .and_then(|x| x.dst_mac)
            .or(r.and_then(|x| x.src_mac))
            .map(iotgate_wire::Mac),
    })
}
