//! The streaming session: one analysis that packets and flow records go into, time moves
//! through, and snapshots come out of, without ever consuming its state until `finish`.

use iotgate_explain::mud::audit_out;
use iotgate_explain::{model, warning, Analysis, CaptureOut};
use iotgate_judge::detect::{Alert, Blocklist, DetectConfig, Detectors};
use iotgate_judge::mud_audit::AuditState;
use iotgate_judge::mud_learn::Learner;
use iotgate_observe::engine::{FirstPacket, FlowObserver, PreDecoded, Progress};
use iotgate_observe::flow::{Flow, FlowKey, FlowStats};
use iotgate_observe::{Analyzer, Config, FlowRecord, Inventory, Stats};
use iotgate_sources::{RawPacket, Warning};
use std::net::IpAddr;

/// The detectors' settings.
#[derive(Debug, Clone, Default)]
pub struct DetectSettings {
    /// Thresholds.
    pub cfg: DetectConfig,
    /// Blocklists.
    pub lists: Vec<Blocklist>,
}

/// Everything a session is built from.
#[derive(Default)]
pub struct SessionConfig {
    /// Flow-table and inventory bounds and timeouts.
    pub analysis: Config,
    /// The detectors, or None to run without them (`--detect off`).
    pub detect: Option<DetectSettings>,
    /// MUD audits (profiles given, a cache of announced profiles), if any.
    pub audit: Option<AuditState>,
    /// Learn a MUD profile of the device with this MAC, if set.
    pub learn: Option<iotgate_wire::Mac>,
}

impl SessionConfig {
    /// Every detector with default thresholds, no audit.
    pub fn detecting() -> Self {
        SessionConfig {
            detect: Some(DetectSettings::default()),
            ..SessionConfig::default()
        }
    }

    /// ISP mode (flow exports, one device per subscriber): the detectors `detect` says, and
    /// at most `peers` remote endpoints listed per subscriber — 0 by default, privacy by
    /// design: whom a subscriber talks to is not detector state, so only totals are kept.
    pub fn isp(detect: Option<DetectSettings>, peers: usize) -> Self {
        let mut analysis = Config::default();
        analysis.limits.max_peers = peers;
        SessionConfig {
            analysis,
            detect,
            ..SessionConfig::default()
        }
    }
}

/// The later stages watching flows: audit, learner, detectors, each optional.
struct Judges {
    audit: Option<AuditState>,
    learn: Option<Learner>,
    detect: Option<Detectors>,
}

impl Judges {
    /// A copy for a snapshot (the audit's fetcher is not copied: snapshots never fetch).
    fn fork(&self) -> Judges {
        Judges {
            audit: self.audit.as_ref().map(AuditState::fork),
            learn: self.learn.clone(),
            detect: self.detect.clone(),
        }
    }
}

impl FlowObserver for Judges {
    #[inline]
    fn flow_ended(&mut self, inv: &Inventory, key: &FlowKey, flow: &Flow) {
        if let Some(a) = &mut self.audit {
            a.flow_ended(inv, key, flow);
        }
        if let Some(l) = &mut self.learn {
            l.flow_ended(inv, key, flow);
        }
        if let Some(d) = &mut self.detect {
            d.flow_ended(inv, key, flow);
        }
    }
    #[inline]
    fn flow_started(&mut self, inv: &Inventory, key: &FlowKey, flow: &Flow, first: &FirstPacket) {
        if let Some(d) = &mut self.detect {
            d.flow_started(inv, key, flow, first);
        }
    }
    #[inline]
    fn flow_progress(
        &mut self,
        inv: &Inventory,
        key: &FlowKey,
        flow: &Flow,
        why: Progress,
        ts: i64,
    ) {
        if let Some(d) = &mut self.detect {
            d.flow_progress(inv, key, flow, why, ts);
        }
    }
    #[inline]
    fn dns_query(
        &mut self,
        inv: &Inventory,
        dev: u32,
        ts: i64,
        name: &str,
        qtype: u16,
        resolver: IpAddr,
    ) {
        if let Some(d) = &mut self.detect {
            d.dns_query(inv, dev, ts, name, qtype, resolver);
        }
    }
    fn advanced(&mut self, inv: &Inventory, now: i64) {
        if let Some(d) = &mut self.detect {
            d.advanced(inv, now);
        }
    }
    #[inline]
    fn prefetch(&self, dev: u32, peer: u128) {
        if let Some(d) = &self.detect {
            d.prefetch(dev, peer);
        }
    }
    fn arp(&mut self, inv: &Inventory, dev: u32, ts: i64, arp: &iotgate_wire::link::Arp) {
        if let Some(d) = &mut self.detect {
            d.arp(inv, dev, ts, arp);
        }
    }
}

/// One analysis in progress. It is `Send` (it can move to another thread or async task) and
/// owns all of its state; nothing in it looks at the wall clock: time is what packets,
/// records and [`Session::advance`] say.
pub struct Session {
    an: Analyzer<Judges>,
}

/// What a session knows at one moment, as typed state: words come only when its report
/// ([`Snapshot::report`]) is rendered, so one snapshot can be shown in several languages.
#[derive(Debug)]
pub struct Snapshot {
    /// Devices, with every flow still open folded in.
    pub inventory: Inventory,
    /// Packet counters.
    pub stats: Stats,
    /// Flow-table counters.
    pub flow_stats: FlowStats,
    /// Detection alerts, most severe first (None when the detectors are off).
    pub alerts: Option<Vec<Alert>>,
    /// The MUD audits, when auditing.
    pub audit: Option<AuditState>,
    /// The learned profile, when learning.
    pub learner: Option<Learner>,
    /// What each input gave (set by the loops in [`crate::run`]; empty for a bare session).
    pub inputs: Vec<Outcome>,
}

/// What one input (a file, a pipe, an interface) gave: its name, packets, and problems.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The path as given, `-` for standard input, or the interface name.
    pub name: String,
    /// Packets read from it.
    pub packets: u64,
    /// Damage and undecodable link types met, with their offsets.
    pub warnings: Vec<Warning>,
}

impl Session {
    /// A session built from `cfg`.
    pub fn new(cfg: SessionConfig) -> Session {
        let judges = Judges {
            audit: cfg.audit,
            learn: cfg.learn.map(Learner::new),
            detect: cfg.detect.map(|d| Detectors::new(d.cfg, d.lists)),
        };
        Session {
            an: Analyzer::with_observer(cfg.analysis, judges),
        }
    }

    /// One captured frame.
    #[inline]
    pub fn push_packet(&mut self, pkt: &RawPacket<'_>) {
        self.an.process(pkt);
    }

    /// One frame already decoded by [`iotgate_observe::engine::pre_decode`] (possibly on
    /// another thread).
    #[inline]
    pub fn push_decoded(&mut self, ts: i64, orig_len: u32, d: &PreDecoded<'_>) {
        self.an.process_decoded(ts, orig_len, d);
    }

    /// One flow record from an exporter.
    pub fn push_record(&mut self, rec: &FlowRecord) {
        self.an.process_record(rec);
    }

    /// Feeds one flow record whose source and destination belong to the subscribers named in
    /// `subs` (`None`: not a subscriber's side, or not known); alerts then name the subscriber.
    pub fn push_record_for(
        &mut self,
        rec: &FlowRecord,
        subs: [Option<iotgate_observe::record::Subscriber<'_>>; 2],
    ) {
        self.an.process_record_for(rec, subs);
    }

    /// A hint that records of subscribers `subs` come next: their state is fetched into the
    /// cache meanwhile (see [`Session::push_record_for`]).
    #[inline]
    pub fn prefetch_for(
        &self,
        rec: &FlowRecord,
        subs: &[Option<iotgate_observe::record::Subscriber<'_>>; 2],
    ) {
        self.an.prefetch_for(rec, subs);
    }

    /// Time moved on to `now` (ns since the epoch) without packets: idle flows end, windows
    /// close, and alerts that only need time are raised. Earlier times are ignored.
    pub fn advance(&mut self, now: i64) {
        self.an.advance(now);
    }

    /// The capture time of the last packet or record, if any.
    pub fn now(&self) -> Option<i64> {
        (self.an.stats.packets > 0).then_some(self.an.stats.last_ns)
    }

    /// Live flows in the table.
    pub fn live_flows(&self) -> usize {
        self.an.flows.len()
    }

    /// Bytes of detector state (bounded by design; for tests and `serve`'s health page).
    pub fn detector_bytes(&self) -> usize {
        self.an
            .observer
            .detect
            .as_ref()
            .map_or(0, Detectors::state_bytes)
    }

    /// Alerts raised so far, in the order raised, as they stand (final counters and alerts that
    /// only the end of the input can raise come with a snapshot): what a gateway notifies as
    /// it happens.
    pub fn alerts_raised(&self) -> impl Iterator<Item = &Alert> {
        self.an
            .observer
            .detect
            .iter()
            .flat_map(|d| d.alerts.list.iter())
            .filter(|a| !a.superseded)
    }

    /// What the session knows now, as if the input ended here; the session is unchanged and
    /// goes on. Costs a copy of the inventory and the detectors' state.
    pub fn snapshot(&self) -> Snapshot {
        let mut judges = self.an.observer.fork();
        let (inventory, stats, flow_stats) = self.an.snapshot(&mut judges);
        conclude(inventory, stats, flow_stats, judges)
    }

    /// Ends the session: every live flow ends, and the final snapshot is returned.
    pub fn finish(self) -> Snapshot {
        let (inventory, stats, flow_stats, judges) = self.an.finish();
        conclude(inventory, stats, flow_stats, judges)
    }
}

/// The detectors' final word on a state.
fn conclude(inventory: Inventory, stats: Stats, flow_stats: FlowStats, mut j: Judges) -> Snapshot {
    let alerts = j.detect.as_mut().map(|d| d.finish(&inventory));
    Snapshot {
        inventory,
        stats,
        flow_stats,
        alerts,
        audit: j.audit,
        learner: j.learn,
        inputs: Vec::new(),
    }
}

impl Snapshot {
    /// The report: the model of the JSON contract `iotgate.analysis/1` that the terminal, HTML
    /// and JSON renderers read, in no language until rendered (`Analysis::in_language`).
    pub fn report(&self) -> Analysis {
        let captures = self
            .inputs
            .iter()
            .map(|o| CaptureOut {
                path: o.name.clone(),
                packets: o.packets,
                warnings: o.warnings.iter().map(warning).collect(),
            })
            .collect();
        let mut report = model::build(captures, &self.inventory, &self.stats, &self.flow_stats);
        if let Some(alerts) = &self.alerts {
            report.set_alerts(alerts);
        }
        if let Some(a) = &self.audit {
            let mut out: Vec<_> =
                a.devices
                    .iter()
                    .map(|d| {
                        let mac = d.mac.to_string();
                        let name = report.devices.iter().find(|x| x.mac == mac).and_then(|x| {
                            x.hostnames.first().cloned().or_else(|| x.vendor.clone())
                        });
                        audit_out(d, name.as_deref())
                    })
                    .collect();
            out.sort_by(|x, y| x.mac.cmp(&y.mac));
            report.mud = out;
        }
        report
    }
}

/// Sessions move between threads and tasks (checked at compile time).
const _: () = {
    const fn is_send_static<T: Send + 'static>() {}
    is_send_static::<Session>();
    is_send_static::<Snapshot>();
};
