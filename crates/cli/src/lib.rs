//! The iotgate application: the whole pipeline (sources → wire → observe → judge → explain) as a
//! function, shared by the `iotgate` binary and the integration tests.

pub mod evaluate;

use iotgate_explain::mud::audit_out;
use iotgate_explain::{model, warning_text, Analysis, CaptureOut, Localizer};
use iotgate_judge::detect::{DetectObserver, Detectors};
use iotgate_judge::mud_audit::{AuditObserver, AuditState};
use iotgate_observe::engine::{pre_decode, Fanout, FlowObserver, PreDecoded};
use iotgate_observe::{Analyzer, Config, Inventory};
use iotgate_sources::{
    expand_paths, Capture, Merger, RawPacket, Reader, SourceError, SourceErrorKind,
};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Expands folders and opens every capture; the first unreadable file is the error.
pub fn open_all(inputs: &[PathBuf]) -> Result<Vec<Capture>, SourceError> {
    let mut paths = Vec::new();
    for p in inputs {
        match expand_paths(std::slice::from_ref(p)) {
            Ok(v) if v.is_empty() && p.is_dir() => {
                return Err(SourceError {
                    path: p.clone(),
                    kind: SourceErrorKind::Directory,
                })
            }
            Ok(v) => paths.extend(v),
            Err(io) => {
                return Err(SourceError {
                    path: p.clone(),
                    kind: SourceErrorKind::Io(io),
                })
            }
        }
    }
    paths.iter().map(|p| Capture::open(p)).collect()
}

/// Runs the analysis over opened captures, merged in timestamp order, on two threads when the
/// machine has them (see [`analyze_with`]). `progress` is called every 256 Ki packets with the
/// bytes consumed so far.
pub fn analyze(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    progress: impl FnMut(u64) + Send,
) -> Result<Analysis, SourceError> {
    analyze_with(caps, cfg, l, default_threads(), progress)
}

/// Two threads when the machine has two cores or more, else one.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2)
}

/// Where packets come from: one capture read directly, or several merged by timestamp.
enum Input<'a> {
    One(Reader<'a>, u64),
    Many(Merger<'a>),
}

impl<'a> Input<'a> {
    #[inline]
    fn next(&mut self) -> Option<RawPacket<'a>> {
        match self {
            Input::One(r, n) => {
                let p = r.next_packet()?;
                *n += 1;
                Some(p)
            }
            Input::Many(m) => m.next_packet().map(|(_, p)| p),
        }
    }
    fn positions(&self) -> Vec<usize> {
        match self {
            Input::One(r, _) => vec![r.position()],
            Input::Many(m) => m.readers().iter().map(|r| r.position()).collect(),
        }
    }
    /// Per capture: its warnings (including link types iotgate cannot decode) and the packets
    /// read from it.
    fn outcome(&self) -> Vec<(Vec<iotgate_sources::Warning>, u64)> {
        let one = |r: &Reader<'_>, n: u64| {
            let mut w = r.warnings().to_vec();
            for lt in r.linktypes() {
                if !iotgate_wire::link::linktype::supported(lt) {
                    w.push(iotgate_sources::Warning {
                        offset: 0,
                        kind: iotgate_sources::WarningKind::UnsupportedLinkType { linktype: lt },
                    });
                }
            }
            (w, n)
        };
        match self {
            Input::One(r, n) => vec![one(r, *n)],
            Input::Many(m) => m
                .readers()
                .iter()
                .zip(m.counts())
                .map(|(r, &c)| one(r, c))
                .collect(),
        }
    }
}

/// Packets per batch handed from the reading thread to the analysing thread.
const BATCH: usize = 1024;

/// [`analyze`] with an explicit thread count. With 1, everything runs on the calling thread; with
/// 2, one thread reads and decodes (stateless) while the calling thread keeps the state, in
/// batches whose buffers are recycled. Both give identical results.
pub fn analyze_with(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    threads: usize,
    progress: impl FnMut(u64) + Send,
) -> Result<Analysis, SourceError> {
    analyze_audit(caps, cfg, l, threads, progress, None)
}

/// [`analyze_with`], also auditing devices against MUD profiles when `audit` is given; the
/// audits land in the report's `mud` section (and stay readable through `audit`).
pub fn analyze_audit(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    threads: usize,
    progress: impl FnMut(u64) + Send,
    audit: Option<Rc<RefCell<AuditState>>>,
) -> Result<Analysis, SourceError> {
    analyze_full(caps, cfg, l, threads, progress, audit, None)
}

/// [`analyze_audit`], also running the detectors when `detect` is given; their alerts land in
/// the report's `alerts`.
pub fn analyze_full(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    threads: usize,
    progress: impl FnMut(u64) + Send,
    audit: Option<Rc<RefCell<AuditState>>>,
    detect: Option<Rc<RefCell<Detectors>>>,
) -> Result<Analysis, SourceError> {
    let mut obs: Vec<Box<dyn FlowObserver>> = Vec::new();
    if let Some(a) = &audit {
        obs.push(Box::new(AuditObserver(a.clone())));
    }
    if let Some(d) = &detect {
        obs.push(Box::new(DetectObserver(d.clone())));
    }
    let observer: Option<Box<dyn FlowObserver>> = match obs.len() {
        0 => None,
        1 => obs.pop(),
        _ => Some(Box::new(Fanout(obs))),
    };
    let mut after = |inv: &Inventory, report: &mut Analysis| {
        if let Some(d) = &detect {
            let alerts = d.borrow_mut().finish(inv);
            report.set_alerts(l, &alerts);
        }
    };
    let mut report = analyze_inner(caps, cfg, l, threads, progress, observer, &mut after)?;
    if let Some(a) = &audit {
        let a = a.borrow();
        let mut out: Vec<_> =
            a.devices
                .iter()
                .map(|d| {
                    let mac = d.mac.to_string();
                    let name =
                        report.devices.iter().find(|x| x.mac == mac).and_then(|x| {
                            x.hostnames.first().cloned().or_else(|| x.vendor.clone())
                        });
                    audit_out(l, d, name.as_deref())
                })
                .collect();
        out.sort_by(|x, y| x.mac.cmp(&y.mac));
        report.mud = out;
    }
    Ok(report)
}

/// [`analyze_with`], handing every flow to `observer` as it ends (the MUD audit and the MUD
/// learner watch flows this way).
pub fn analyze_observed(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    threads: usize,
    progress: impl FnMut(u64) + Send,
    observer: Option<Box<dyn FlowObserver>>,
) -> Result<Analysis, SourceError> {
    analyze_inner(caps, cfg, l, threads, progress, observer, &mut |_, _| {})
}

/// The pipeline; `after` sees the final inventory and the report built from it.
fn analyze_inner(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    threads: usize,
    mut progress: impl FnMut(u64) + Send,
    observer: Option<Box<dyn FlowObserver>>,
    after: &mut dyn FnMut(&Inventory, &mut Analysis),
) -> Result<Analysis, SourceError> {
    let mut readers = Vec::with_capacity(caps.len());
    for c in caps {
        let r = c.reader().map_err(|what| SourceError {
            path: c.path().to_path_buf(),
            kind: SourceErrorKind::BadHeader { what },
        })?;
        readers.push(r);
    }
    let mut input = if readers.len() == 1 {
        Input::One(readers.pop().expect("one reader"), 0)
    } else {
        Input::Many(Merger::new(readers))
    };
    let mut an = Analyzer::new(cfg);
    an.observer = observer;
    // Every 16 Ki packets: drop the pages already read from the resident set, report progress.
    // (Called only on those packets: the test stays at the call sites, off the closure call.)
    let mut housekeeping = move |n: u64, input: &Input<'_>| {
        let pos = input.positions();
        for (c, &p) in caps.iter().zip(&pos) {
            c.release_before(p.saturating_sub(1 << 20));
        }
        if n & 0x3ffff == 0 {
            progress(pos.iter().sum::<usize>() as u64);
        }
    };
    let outcome = if threads <= 1 {
        let mut n = 0u64;
        while let Some(pkt) = input.next() {
            an.process(&pkt);
            n += 1;
            if n & 0x3fff == 0 {
                housekeeping(n, &input);
            }
        }
        input.outcome()
    } else {
        type Batch<'a> = Vec<(i64, u32, PreDecoded<'a>)>;
        let (tx, rx) = std::sync::mpsc::sync_channel::<Batch<'_>>(4);
        let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch<'_>>();
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut n = 0u64;
                let mut batch: Batch<'_> = Vec::with_capacity(BATCH);
                while let Some(pkt) = input.next() {
                    batch.push((pkt.ts_ns, pkt.orig_len, pre_decode(&pkt)));
                    n += 1;
                    if n & 0x3fff == 0 {
                        housekeeping(n, &input);
                    }
                    if batch.len() == BATCH {
                        let next = back_rx
                            .try_recv()
                            .unwrap_or_else(|_| Vec::with_capacity(BATCH));
                        if tx.send(std::mem::replace(&mut batch, next)).is_err() {
                            break;
                        }
                    }
                }
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                input.outcome()
            });
            for mut batch in rx {
                for (ts, len, d) in &batch {
                    an.process_decoded(*ts, *len, d);
                }
                batch.clear();
                let _ = back_tx.send(batch);
            }
            reader
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e))
        })
    };
    let captures: Vec<CaptureOut> = caps
        .iter()
        .zip(outcome)
        .map(|(c, (warnings, packets))| CaptureOut {
            path: c.path().display().to_string(),
            packets,
            warnings: warnings.iter().map(|w| warning_text(l, w)).collect(),
        })
        .collect();
    let (inv, stats, fstats) = an.finish();
    let mut report = model::build(l, captures, &inv, &stats, &fstats);
    after(&inv, &mut report);
    Ok(report)
}
