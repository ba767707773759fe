//! The collector's side: export packets' records grouped by partition (a hash of the
//! subscriber, the same for both directions of a conversation, so one worker sees all of a
//! subscriber's traffic) and published in rounds. A round is up to [`ROUND_PACKETS`] export
//! packets; each partition's share is one message whose id comes from the round's first
//! packet (exporter, domain, export time, sequence) and the partition, so a publish retried
//! after a lost acknowledgement is a duplicate the stream drops, not a second copy. A round
//! is acknowledged whole before the next is sent, which keeps each partition in the order the
//! exporter sent. What cannot be published before the deadline is counted, never dropped
//! silently.

use crate::{batch, fnv, partition, records_subject};
use async_nats::jetstream::{self, context::PublishAckFuture};
use iotgate_flows::subscribers::{AddrText, Attribution};
use iotgate_flows::Record;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// Export packets per round.
pub const ROUND_PACKETS: usize = 16;

/// What the collector published and what it could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PublishStats {
    /// Messages the stream stored.
    pub messages: u64,
    /// Records in them.
    pub records: u64,
    /// Messages the stream already had (a retry after a lost acknowledgement).
    pub duplicates: u64,
    /// Publishes tried again.
    pub retries: u64,
    /// Records that could not be published before the deadline.
    pub undelivered: u64,
    /// Acknowledgement latency of each stored message, µs (the newest 65,536).
    pub latency_us: Vec<u32>,
    /// The longest a round waited to be stored whole (a leader election), ms.
    pub longest_stall_ms: u64,
}

impl PublishStats {
    /// The `q` quantile of acknowledgement latency, µs.
    pub fn latency_quantile(&self, q: f64) -> Option<u32> {
        let mut v = self.latency_us.clone();
        v.sort_unstable();
        (!v.is_empty()).then(|| v[((v.len() - 1) as f64 * q).round() as usize])
    }
}

/// Publishes records in rounds.
pub struct Publisher {
    js: jetstream::Context,
    partitions: u32,
    who: Attribution,
    names: (AddrText, AddrText),
    /// Records of the round, per partition.
    round: Vec<Vec<Record>>,
    round_id: Option<String>,
    round_packets: usize,
    /// How long a message may take to be stored, retries included.
    pub deadline: Duration,
    /// Counts.
    pub stats: PublishStats,
    buf: Vec<u8>,
    /// The id of the last round sent.
    last_round: Option<String>,
    /// The last round could not be stored: the next try once, without waiting out the
    /// deadline again, until one succeeds.
    failing: bool,
}

impl Publisher {
    /// A publisher over `partitions` partitions, attributing with `who`.
    pub fn new(js: jetstream::Context, partitions: u32, who: Attribution) -> Self {
        Publisher {
            js,
            partitions: partitions.max(1),
            who,
            names: Default::default(),
            round: vec![Vec::new(); partitions.max(1) as usize],
            round_id: None,
            round_packets: 0,
            deadline: Duration::from_secs(10),
            stats: PublishStats::default(),
            buf: Vec::new(),
            failing: false,
            last_round: None,
        }
    }

    /// Adds one export packet's decoded records; publishes the round when it is full.
    pub async fn packet(&mut self, exporter: IpAddr, pkt: &[u8], recs: &[Record]) {
        if self.round_id.is_none() {
            self.round_id = Some(match iotgate_flows::packet_id(pkt) {
                Some((t, seq, dom)) => format!("{exporter}.{dom}.{t}.{seq}"),
                None => format!("{exporter}.h{:016x}", fnv(pkt)),
            });
        }
        for r in recs {
            let p = partition(r, &self.who, &mut self.names, self.partitions);
            self.round[p as usize].push(r.clone());
        }
        self.round_packets += 1;
        if self.round_packets >= ROUND_PACKETS {
            self.flush().await;
        }
    }

    /// Publishes the round so far and waits until every message is stored or has run out of
    /// time.
    pub async fn flush(&mut self) {
        let Some(id) = self.round_id.take() else {
            return;
        };
        self.last_round = Some(id.clone());
        self.round_packets = 0;
        let mut pending: Vec<(String, String, bytes::Bytes, usize)> = Vec::new();
        for p in 0..self.round.len() {
            if self.round[p].is_empty() {
                continue;
            }
            for (k, chunk) in self.round[p].chunks(batch::MAX_RECORDS).enumerate() {
                self.buf.clear();
                batch::encode(chunk, &mut self.buf);
                pending.push((
                    records_subject(p as u32),
                    format!("{id}.{p}.{k}"),
                    bytes::Bytes::copy_from_slice(&self.buf),
                    chunk.len(),
                ));
            }
            self.round[p].clear();
        }
        let start = Instant::now();
        let mut tries = 0u32;
        while !pending.is_empty() {
            if tries > 0 {
                self.stats.retries += pending.len() as u64;
                tokio::time::sleep(Duration::from_millis(100 * u64::from(tries.min(10)))).await;
            }
            tries += 1;
            let sent = Instant::now();
            let mut futs: Vec<Option<PublishAckFuture>> = Vec::with_capacity(pending.len());
            for (subject, mid, payload, _) in &pending {
                let m = jetstream::message::PublishMessage::build()
                    .payload(payload.clone())
                    .message_id(mid);
                futs.push(self.js.send_publish(subject.clone(), m).await.ok());
            }
            let mut left = Vec::new();
            for (f, item) in futs.into_iter().zip(pending.drain(..)) {
                let ok = match f {
                    Some(f) => f.await.ok(),
                    None => None,
                };
                match ok {
                    Some(ack) => {
                        if ack.duplicate {
                            self.stats.duplicates += 1;
                        } else {
                            self.stats.messages += 1;
                            self.stats.records += item.3 as u64;
                        }
                        if self.stats.latency_us.len() >= 65_536 {
                            self.stats.latency_us.remove(0);
                        }
                        self.stats
                            .latency_us
                            .push(sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    }
                    None => left.push(item),
                }
            }
            pending = left;
            if !pending.is_empty() && (self.failing || start.elapsed() >= self.deadline) {
                self.stats.undelivered += pending.iter().map(|x| x.3 as u64).sum::<u64>();
                self.failing = true;
                return;
            }
        }
        self.failing = false;
        let stall = start.elapsed().as_millis() as u64;
        self.stats.longest_stall_ms = self.stats.longest_stall_ms.max(stall);
    }
}

impl Publisher {
    /// The input ended (a replayed capture): after the last round, an end-of-input marker on
    /// every partition, its id from the last round's, so a retry is a duplicate too.
    pub async fn end(&mut self, last_id: &str) {
        self.flush().await;
        for p in 0..self.partitions {
            let msg = jetstream::message::PublishMessage::build()
                .payload(bytes::Bytes::from_static(batch::END))
                .message_id(format!("{last_id}.end.{p}"));
            let start = Instant::now();
            loop {
                let r = match self.js.send_publish(records_subject(p), msg.clone()).await {
                    Ok(f) => f.await.is_ok(),
                    Err(_) => false,
                };
                if r {
                    break;
                }
                if self.failing || start.elapsed() >= self.deadline {
                    self.failing = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }

    /// The id of the round being filled or last sent.
    pub fn last_id(&self) -> Option<&str> {
        self.round_id.as_deref().or(self.last_round.as_deref())
    }
}
