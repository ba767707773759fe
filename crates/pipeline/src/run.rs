//! The loops that feed a [`Session`]: capture files (memory-mapped, merged by timestamp, on one
//! thread or with decoding on a second), and any [`PacketSource`] (a pipe, a live interface).

use crate::session::{Outcome, Session, SessionConfig, Snapshot};
use iotgate_observe::engine::{pre_decode, PreDecoded};
use iotgate_sources::{
    expand_paths, Capture, Merger, Next, PacketSource, RawPacket, Reader, SourceError,
    SourceErrorKind, Warning, WarningKind,
};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

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

/// Two threads when the machine has two cores or more, else one.
pub fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2)
}

/// Opened captures analysed from start to end by a new session built from `cfg`; `progress`
/// hears the bytes read so far every 256 Ki packets.
pub fn analyze_files(
    caps: &[Capture],
    cfg: SessionConfig,
    threads: usize,
    progress: impl FnMut(u64) + Send,
) -> Result<Snapshot, SourceError> {
    let mut session = Session::new(cfg);
    let inputs = run_files(&mut session, caps, threads, progress)?;
    let mut snap = session.finish();
    snap.inputs = inputs;
    Ok(snap)
}

/// Link types a reader met that iotgate cannot decode, as warnings.
fn undecodable(linktypes: Vec<u16>) -> impl Iterator<Item = Warning> {
    linktypes
        .into_iter()
        .filter(|&lt| !iotgate_wire::link::linktype::supported(lt))
        .map(|linktype| Warning {
            offset: 0,
            kind: WarningKind::UnsupportedLinkType { linktype },
        })
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
    /// Per capture: its warnings (including link types iotgate cannot decode) and packets.
    fn outcome(&self, caps: &[Capture]) -> Vec<Outcome> {
        let one = |c: &Capture, r: &Reader<'_>, packets: u64| {
            let mut warnings = r.warnings().to_vec();
            warnings.extend(undecodable(r.linktypes()));
            Outcome {
                name: c.path().display().to_string(),
                packets,
                warnings,
            }
        };
        match self {
            Input::One(r, n) => vec![one(&caps[0], r, *n)],
            Input::Many(m) => caps
                .iter()
                .zip(m.readers())
                .zip(m.counts())
                .map(|((c, r), &n)| one(c, r, n))
                .collect(),
        }
    }
}

/// Packets per batch handed from the reading thread to the analysing thread.
const BATCH: usize = 1024;

/// Feeds opened captures, merged in timestamp order, into `session`. With one thread everything
/// runs on the caller's; with two, a scoped thread reads and decodes (stateless) while the
/// caller's keeps the state, in batches whose buffers are recycled. Both give identical
/// results. Returns what each capture gave.
pub fn run_files(
    session: &mut Session,
    caps: &[Capture],
    threads: usize,
    mut progress: impl FnMut(u64) + Send,
) -> Result<Vec<Outcome>, SourceError> {
    let mut readers = Vec::with_capacity(caps.len());
    for c in caps {
        let r = c.reader().map_err(|what| SourceError {
            path: c.path().to_path_buf(),
            kind: SourceErrorKind::BadHeader { what },
        })?;
        readers.push(r);
    }
    let Some(last) = readers.pop() else {
        return Ok(Vec::new());
    };
    let mut input = if readers.is_empty() {
        Input::One(last, 0)
    } else {
        readers.push(last);
        Input::Many(Merger::new(readers))
    };
    // Every 16 Ki packets: drop the pages already read from the resident set, report progress.
    // With two threads the analysing thread is up to six batches behind the reader, so the
    // pages kept are many more: dropping the ones it has still to read would fault them back.
    let keep = if threads <= 1 { 1 << 20 } else { 64 << 20 };
    let mut housekeeping = move |n: u64, input: &Input<'_>| {
        let pos = input.positions();
        for (c, &p) in caps.iter().zip(&pos) {
            c.release_before(p.saturating_sub(keep));
        }
        if n & 0x3ffff == 0 {
            progress(pos.iter().sum::<usize>() as u64);
        }
    };
    if threads <= 1 {
        let mut n = 0u64;
        while let Some(pkt) = input.next() {
            session.push_packet(&pkt);
            n += 1;
            if n & 0x3fff == 0 {
                housekeeping(n, &input);
            }
        }
        return Ok(input.outcome(caps));
    }
    type Batch<'a> = Vec<(i64, u32, PreDecoded<'a>)>;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch<'_>>(4);
    let (back_tx, back_rx) = std::sync::mpsc::channel::<Batch<'_>>();
    Ok(std::thread::scope(|scope| {
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
            input.outcome(caps)
        });
        for mut batch in rx {
            for (ts, len, d) in &batch {
                session.push_decoded(*ts, *len, d);
            }
            batch.clear();
            let _ = back_tx.send(batch);
        }
        reader
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e))
    }))
}

/// When a source that may never end on its own (a pipe, an interface) should stop.
#[derive(Debug, Clone, Default)]
pub struct Stop {
    /// Stop at this moment (`--duration`).
    pub deadline: Option<Instant>,
    /// Stop when this is set (Ctrl-C).
    pub flag: Option<Arc<AtomicBool>>,
}

impl Stop {
    fn now(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
            || self
                .flag
                .as_ref()
                .is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

/// Wall-clock time, ns since the epoch (live sources only: files are timed by their packets).
pub fn wall_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Feeds `src` into `session` until it ends or `stop` says so. When the source is idle (a live
/// interface with nothing to read) time advances to the wall clock, so flows end and windows
/// close on a quiet network. `progress` hears the bytes consumed every 256 Ki packets.
pub fn run_source(
    session: &mut Session,
    src: &mut dyn PacketSource,
    name: &str,
    stop: &Stop,
    mut progress: impl FnMut(u64),
) -> Outcome {
    let mut n = 0u64;
    loop {
        match src.next() {
            Next::Packet(p) => {
                session.push_packet(&p);
                n += 1;
                if n & 0x3ff == 0 && stop.now() {
                    break;
                }
                if n & 0x3ffff == 0 {
                    progress(src.position());
                }
            }
            Next::Idle => {
                session.advance(wall_ns());
                if stop.now() {
                    break;
                }
            }
            Next::End => break,
        }
    }
    progress(src.position());
    let mut warnings = src.warnings().to_vec();
    warnings.extend(undecodable(src.linktypes()));
    Outcome {
        name: name.to_string(),
        packets: n,
        warnings,
    }
}
