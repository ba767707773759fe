//! The one thread that writes traffic's updates: batches gathered for a few seconds and
//! written in one transaction, so that a gateway's SD card sees a write every few seconds,
//! not one per packet or per snapshot.

use crate::{Batch, Error, Store, Written};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Batches queued before a sender waits (a slow disk slows the snapshots, it does not grow
/// memory).
pub const QUEUE: usize = 16;

enum Msg {
    Batch(Batch),
    /// Write what is pending now, then answer.
    Flush(mpsc::Sender<Result<(), Error>>),
}

/// Counts of what the writer did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Transactions committed.
    pub commits: u64,
    /// Batches received.
    pub batches: u64,
    /// Transactions that failed (the batch is kept and tried again with the next).
    pub failures: u64,
}

/// A handle on the writer thread (it may be shared between threads). Dropping it (or
/// [`Writer::close`]) writes what is pending.
pub struct Writer {
    tx: Option<SyncSender<Msg>>,
    handle: Option<JoinHandle<Stats>>,
    written: std::sync::Mutex<Receiver<Written>>,
}

impl Writer {
    /// Opens the store at `path` on a new thread that writes at most every `interval`.
    pub fn start(path: &Path, interval: Duration) -> Result<Writer, Error> {
        let store = Store::open(path)?;
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (wtx, wrx) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("iotgate-store".into())
            .spawn(move || run(store, rx, wtx, interval))
            .map_err(|e| Error::Sql(e.to_string()))?;
        Ok(Writer {
            tx: Some(tx),
            handle: Some(handle),
            written: std::sync::Mutex::new(wrx),
        })
    }

    /// Queues `batch`; waits when [`QUEUE`] batches are already waiting. False when the thread
    /// is gone.
    pub fn send(&self, batch: Batch) -> bool {
        self.tx
            .as_ref()
            .is_some_and(|t| t.send(Msg::Batch(batch)).is_ok())
    }

    /// Writes everything queued so far, and returns when it is committed.
    pub fn flush(&self) -> Result<(), Error> {
        let (tx, rx) = mpsc::channel();
        let gone = || Error::Sql("the store's writer stopped".into());
        self.tx
            .as_ref()
            .ok_or_else(gone)?
            .send(Msg::Flush(tx))
            .map_err(|_| gone())?;
        rx.recv().map_err(|_| gone())?
    }

    /// What the commits since the last call created (new devices and alerts), for
    /// notifications.
    pub fn written(&self) -> Vec<Written> {
        self.written
            .lock()
            .map(|r| r.try_iter().collect())
            .unwrap_or_default()
    }

    /// Writes what is pending and stops the thread.
    pub fn close(mut self) -> Stats {
        self.stop()
    }

    fn stop(&mut self) -> Stats {
        drop(self.tx.take());
        self.handle
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(
    mut store: Store,
    rx: Receiver<Msg>,
    written: mpsc::Sender<Written>,
    interval: Duration,
) -> Stats {
    let mut stats = Stats::default();
    let mut pending = Batch::default();
    let mut since: Option<Instant> = None;
    let commit = |store: &mut Store, pending: &mut Batch, stats: &mut Stats| {
        if pending.is_empty() {
            return Ok(());
        }
        match store.apply(pending) {
            Ok(w) => {
                stats.commits += 1;
                *pending = Batch::default();
                if !(w.new_alerts.is_empty() && w.new_devices.is_empty()) {
                    let _ = written.send(w);
                }
                Ok(())
            }
            Err(e) => {
                // Kept, and tried again with the next batch (a full disk may free up).
                stats.failures += 1;
                Err(e)
            }
        }
    };
    loop {
        let wait = since.map_or(Duration::from_secs(3600), |t| {
            interval.saturating_sub(t.elapsed())
        });
        match rx.recv_timeout(wait) {
            Ok(Msg::Batch(b)) => {
                stats.batches += 1;
                pending.append(b);
                since.get_or_insert_with(Instant::now);
            }
            Ok(Msg::Flush(reply)) => {
                let r = commit(&mut store, &mut pending, &mut stats);
                // A batch that could not be written is tried again after the interval.
                since = (!pending.is_empty()).then(Instant::now);
                let _ = reply.send(r);
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // The last chance: a few tries, a moment apart.
                for _ in 0..5 {
                    if commit(&mut store, &mut pending, &mut stats).is_ok() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(200));
                }
                return stats;
            }
        }
        if since.is_some_and(|t| t.elapsed() >= interval) {
            let _ = commit(&mut store, &mut pending, &mut stats);
            since = if pending.is_empty() {
                None
            } else {
                Some(Instant::now())
            };
        }
    }
}
