//! Detection: small, independent detectors that watch flows start, progress and end — the same
//! updates a flow exporter sends, so they can later read NetFlow/IPFIX — and raise typed alerts
//! (scanning, brute force, floods, command-and-control, exposure, behaviour change). Wording is
//! left to `explain`; every threshold is in [`DetectConfig`].

mod alert;
pub mod blocklist;
mod brute;
mod c2;
mod change;
pub mod config;
mod detector;
mod exposure;
mod flood;
mod scan;
pub mod sketch;

pub use alert::{Alert, Alerts, Kind, Sample, DETAILS, MAX_ALERTS, MAX_SAMPLES};
pub use blocklist::Blocklist;
pub use config::DetectConfig;
use detector::{event, sender, Cx, Detector};

use iotgate_observe::engine::{FirstPacket, FlowObserver, Progress};
use iotgate_observe::flow::{Flow, FlowKey};
use iotgate_observe::Inventory;
use std::net::IpAddr;

/// All detectors and the alerts they raised.
pub struct Detectors {
    /// Thresholds.
    pub cfg: DetectConfig,
    /// Blocklists given by the user (shared by snapshots, not copied).
    pub lists: std::sync::Arc<[Blocklist]>,
    /// Alerts so far.
    pub alerts: Alerts,
    /// Every detector, in the order they hear each event.
    all: Vec<Box<dyn Detector>>,
    /// Per kind of event (bit position of [`event`]), the detectors that act on it, in order.
    hear: [Vec<u8>; event::KINDS],
}

/// For each kind of event, the positions in `all` of the detectors that want it.
fn listeners(all: &[Box<dyn Detector>]) -> [Vec<u8>; event::KINDS] {
    std::array::from_fn(|bit| {
        (0..all.len() as u8)
            .filter(|&i| all[i as usize].events() & (1 << bit) != 0)
            .collect()
    })
}

impl Clone for Detectors {
    fn clone(&self) -> Self {
        Detectors {
            cfg: self.cfg,
            lists: self.lists.clone(),
            alerts: self.alerts.clone(),
            all: self.all.iter().map(|d| d.clone_box()).collect(),
            hear: self.hear.clone(),
        }
    }
}

impl Detectors {
    /// Detectors with thresholds `cfg`, matching `lists`.
    pub fn new(cfg: DetectConfig, lists: Vec<Blocklist>) -> Self {
        let all: Vec<Box<dyn Detector>> = vec![
            Box::new(scan::Scan::default()),
            Box::new(brute::Brute::default()),
            Box::new(flood::Flood::default()),
            Box::new(exposure::Exposure::default()),
            Box::new(c2::C2::default()),
            Box::new(change::Change::default()),
        ];
        Detectors {
            cfg,
            lists: lists.into(),
            alerts: Alerts::default(),
            hear: listeners(&all),
            all,
        }
    }

    /// Bytes of detector state (for the bounded-memory tests).
    pub fn state_bytes(&self) -> usize {
        self.all.iter().map(|d| d.bytes()).sum()
    }

    /// Hands one event of kind `kind` (an [`event`] bit) to every detector that wants it.
    #[inline]
    fn each(
        &mut self,
        kind: u16,
        inv: &Inventory,
        mut event: impl FnMut(&mut dyn Detector, &mut Cx<'_>),
    ) {
        let mut cx = Cx {
            cfg: &self.cfg,
            lists: &self.lists,
            inv,
            alerts: &mut self.alerts,
        };
        for &i in &self.hear[kind.trailing_zeros() as usize] {
            event(self.all[i as usize].as_mut(), &mut cx);
        }
    }

    /// After the last packet: evidence that only the final inventory holds (UPnP mappings,
    /// resolver bypass) and final counters; alerts ordered most severe first, then by time.
    pub fn finish(&mut self, inv: &Inventory) -> Vec<Alert> {
        self.each(event::FINISH, inv, |d, cx| d.finish(cx));
        let mut out = std::mem::take(&mut self.alerts.list);
        out.retain(|a| !a.superseded);
        for a in &mut out {
            a.counts.sort_by_key(|c| c.0);
        }
        out.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.raised_ns.cmp(&b.raised_ns))
                .then(a.mac.cmp(&b.mac))
                .then(a.subscriber.cmp(&b.subscriber))
                .then(a.kind.cmp(&b.kind))
        });
        out
    }
}

impl FlowObserver for Detectors {
    fn flow_started(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        let Some(dev) = sender(inv, key, f, first) else {
            return;
        };
        self.each(event::STARTED, inv, |d, cx| {
            d.started(cx, dev, key, f, first)
        });
    }

    fn flow_progress(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow, why: Progress, ts: i64) {
        let kind = match why {
            Progress::Replied => event::REPLIED,
            Progress::Packets(_) => event::PACKETS,
            Progress::Gaps => event::GAPS,
            Progress::Login(_) => event::LOGIN,
            Progress::Tool(_) | Progress::RandomPost => event::TOOL,
        };
        self.each(kind, inv, |d, cx| d.progress(cx, key, f, why, ts));
    }

    fn flow_ended(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow) {
        self.each(event::ENDED, inv, |d, cx| d.ended(cx, key, f));
    }

    fn dns_query(
        &mut self,
        inv: &Inventory,
        dev: u32,
        ts: i64,
        name: &str,
        qtype: u16,
        resolver: IpAddr,
    ) {
        self.each(event::DNS, inv, |d, cx| {
            d.dns_query(cx, dev, ts, name, qtype, resolver)
        });
    }

    fn advanced(&mut self, inv: &Inventory, now: i64) {
        self.each(event::ADVANCED, inv, |d, cx| d.advanced(cx, now));
    }

    #[inline]
    fn prefetch(&self, dev: u32, peer: u128) {
        for d in &self.all {
            d.prefetch(dev, peer);
        }
    }

    fn arp(&mut self, inv: &Inventory, dev: u32, ts: i64, arp: &iotgate_wire::link::Arp) {
        self.each(event::ARP, inv, |d, cx| d.arp(cx, dev, ts, arp));
    }
}
