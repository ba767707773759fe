//! The packet side of the daemon: one thread feeds a capture (replayed at its own pace, or
//! faster) or a live interface into a [`Session`], and every few seconds turns a snapshot into
//! the store's updates and tells the pages something changed.

use crate::view::Changes;
use iotgate_pipeline::{Session, SessionConfig};
use iotgate_sources::{Capture, LiveCapture, Next, PacketSource};
use iotgate_store::writer::Writer;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Where packets come from, opened.
pub enum Source {
    /// A capture played as if live: at `speed` times its own pace (0: as fast as it reads).
    Replay {
        /// The capture.
        cap: Capture,
        /// Pace multiplier; 0 for no pacing.
        speed: f64,
    },
    /// A live interface.
    Live(LiveCapture),
}

/// What the feed has done, read by `/metrics` and the pages.
#[derive(Debug, Default)]
pub struct Counters {
    /// Packets fed.
    pub packets: AtomicU64,
    /// Snapshots taken.
    pub snapshots: AtomicU64,
    /// Devices in the last snapshot.
    pub devices: AtomicU64,
    /// Frames the kernel dropped before the analysis could read them (a live interface).
    pub kernel_drops: AtomicU64,
    /// The last snapshot's counters, for `/metrics`.
    pub last: std::sync::Mutex<Option<Summary>>,
}

/// What `/metrics` shows of the last snapshot.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Flows created.
    pub flows: u64,
    /// MACs beyond the inventory's bound.
    pub devices_dropped: u64,
    /// Flows evicted early because the table was full.
    pub flows_evicted: u64,
    /// First messages inspected segment by segment (every reassembly buffer taken).
    pub reassembly_fallbacks: u64,
    /// Frames that could not be decoded.
    pub decode_errors: u64,
    /// Alerts by severity identifier.
    pub alerts: Vec<(&'static str, u64)>,
}

/// Settings of the feed.
pub struct FeedConfig {
    /// The source.
    pub source: Source,
    /// The session's settings.
    pub session: SessionConfig,
    /// Wall time between snapshots.
    pub every: Duration,
    /// Detectors changed on the settings page, taken at the next snapshot.
    pub pending: std::sync::Arc<crate::detection::Pending>,
    /// Labels asked for by the device pages, made from each snapshot's report.
    pub labels: std::sync::Arc<crate::labels::Labels>,
}

/// Runs the feed until `stop` is set, or its source ends (a replay: the last state is then
/// written and the thread returns). Each snapshot's changes go to `writer`; `changed` is
/// called after each, with its report. Every live frame is shown to `tap` (with its link type) too.
pub fn run(
    cfg: FeedConfig,
    writer: &Writer,
    counters: &Counters,
    stop: &AtomicBool,
    tap: &dyn Fn(u16, &[u8]),
    mut changed: impl FnMut(&iotgate_explain::Analysis),
) {
    let analysis = cfg.session.analysis;
    let mut session = Session::new(cfg.session);
    let pending = cfg.pending.clone();
    let labels = cfg.labels.clone();
    // New detectors from the settings page: the state so far is written, then the analysis
    // starts afresh with them (what is stored stays).
    let renew = |session: &mut Session| {
        if let Some(detect) = pending.take() {
            *session = Session::new(SessionConfig {
                analysis,
                detect,
                ..SessionConfig::default()
            });
        }
    };
    let mut changes = Changes::default();
    let mut last = Instant::now();
    let mut snapshot = |session: &Session, changes: &mut Changes| {
        let report = session.snapshot().report();
        counters
            .devices
            .store(report.devices.len() as u64, Ordering::Relaxed);
        let s = &report.summary;
        let summary = Summary {
            flows: s.flows,
            devices_dropped: s.devices_dropped,
            flows_evicted: s.flows_evicted_under_pressure,
            reassembly_fallbacks: s.reassembly_fallbacks,
            decode_errors: s.decode_errors,
            alerts: ["high", "medium", "low", "info"]
                .into_iter()
                .map(|sev| (sev, s.alerts.get(sev).copied().unwrap_or(0) as u64))
                .collect(),
        };
        *counters.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(summary);
        let b = changes.batch(&report);
        if !b.is_empty() {
            writer.send(b);
        }
        counters.snapshots.fetch_add(1, Ordering::Relaxed);
        changed(&report);
        labels.make(&report);
        report
    };
    match cfg.source {
        Source::Replay { cap, speed } => {
            let Ok(mut reader) = cap.reader() else {
                // Checked when the capture was opened; nothing to replay.
                return;
            };
            let start = Instant::now();
            let mut first_ts: Option<i64> = None;
            let mut n = 0u64;
            while let Some(p) = reader.next_packet() {
                if speed > 0.0 {
                    let t0 = *first_ts.get_or_insert(p.ts_ns);
                    let due = Duration::from_nanos(
                        ((p.ts_ns.saturating_sub(t0)).max(0) as f64 / speed) as u64,
                    );
                    // Sleeps in short steps, so that snapshots and stopping go on while a
                    // slow capture waits for its next packet.
                    while start.elapsed() < due {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        std::thread::sleep(
                            due.saturating_sub(start.elapsed())
                                .min(Duration::from_millis(50)),
                        );
                        if last.elapsed() >= cfg.every {
                            snapshot(&session, &mut changes);
                            renew(&mut session);
                            last = Instant::now();
                        }
                    }
                }
                session.push_packet(&p);
                n += 1;
                if n & 0x3ff == 0 {
                    counters.packets.fetch_add(0x400, Ordering::Relaxed);
                    // The pages already read leave the resident set (a replayed capture is
                    // mapped; it would otherwise count in full against the gateway's memory).
                    if n & 0x3fff == 0 {
                        cap.release_before(reader.position().saturating_sub(1 << 20));
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    if last.elapsed() >= cfg.every {
                        snapshot(&session, &mut changes);
                        renew(&mut session);
                        last = Instant::now();
                    }
                }
            }
            counters.packets.fetch_add(n & 0x3ff, Ordering::Relaxed);
            let last = snapshot(&session, &mut changes);
            // The replay is over; its last state stays on the pages, and their labels are
            // still made from it.
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(200));
                cfg.labels.make(&last);
            }
        }
        Source::Live(mut live) => {
            let linktype = live.linktype();
            loop {
                match live.next() {
                    Next::Packet(p) => {
                        tap(linktype, p.data);
                        session.push_packet(&p);
                        counters.packets.fetch_add(1, Ordering::Relaxed);
                    }
                    Next::Idle => session.advance(wall_ns()),
                    Next::End => break,
                }
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                if last.elapsed() >= cfg.every {
                    if let Some((_, drops)) = live.kernel_stats() {
                        counters.kernel_drops.fetch_add(drops, Ordering::Relaxed);
                    }
                    snapshot(&session, &mut changes);
                    renew(&mut session);
                    last = Instant::now();
                }
            }
            snapshot(&session, &mut changes);
        }
    }
}

pub use iotgate_pipeline::wall_ns;

/// Shared between the feed thread and the web server.
pub type Shared = Arc<Counters>;
