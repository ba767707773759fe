//! The worker's side: each partition a durable pull consumer with explicit acknowledgements,
//! its records paired, attributed and run through a `Session` in stream order. Every
//! [`CHECKPOINT_MESSAGES`] messages (and at the end) the alerts raised so far are published
//! to the alerts stream with ids made from what they are about (kind, variant, subscriber or
//! MAC, peer, port, direction), so the same alert published again is a duplicate the stream
//! drops; then the messages are acknowledged and the checkpoint (stream position, messages
//! processed) written to the replicated key-value bucket.
//!
//! A replacement worker for a partition reads the checkpoint and rebuilds the detectors'
//! state by replaying the partition's records up to the last acknowledged one (the stream
//! keeps them; nothing is published while rebuilding, since its alerts were), then goes on
//! from the durable consumer. Records a dead worker took but never acknowledged come again
//! late, behind later ones; the worker reads ahead from the stream to keep stream order (see
//! [`run_partition`]). Each record therefore counts once, in order, in the state, and the
//! alerts equal a run without faults.

use crate::{batch, records_subject, retry, ALERTS_SUBJECT, CHECKPOINTS, RECORDS_STREAM};
use async_nats::jetstream::{self, consumer::pull};
use futures_util::StreamExt;
use iotgate_flows::subscribers::Attribution;
use iotgate_judge::detect::Alert;
use iotgate_pipeline::flowfeed::FlowFeed;
use iotgate_pipeline::{Session, SessionConfig};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Messages between two checkpoints.
pub const CHECKPOINT_MESSAGES: u64 = 64;

/// What a worker is given.
#[derive(Clone)]
pub struct WorkerConfig {
    /// Partitions it takes.
    pub partitions: Vec<u32>,
    /// Who is behind addresses.
    pub who: Attribution,
    /// The detectors' settings.
    pub detect: Option<iotgate_pipeline::DetectSettings>,
    /// Stop once nothing is pending for this long (the input ended); `None`: run until
    /// stopped.
    pub until_idle: Option<Duration>,
    /// Counters kept up to date while it runs, one per partition taken (for a metrics
    /// endpoint); a partition without one counts only into its report.
    pub live: Arc<Vec<Live>>,
}

/// What one partition's worker has done so far, readable from another thread while it runs.
#[derive(Debug, Default)]
pub struct Live {
    /// The partition.
    pub partition: u32,
    /// Messages processed (from the consumer or read from the stream to keep the order).
    pub messages: AtomicU64,
    /// Records in them.
    pub records: AtomicU64,
    /// Deliveries of messages already processed, only acknowledged.
    pub redelivered: AtomicU64,
    /// Alerts the alerts stream stored.
    pub alerts_new: AtomicU64,
    /// Consumer lag: messages of the partition not yet delivered to this worker, as the
    /// last delivery said (0 once it caught up).
    pub lag: AtomicU64,
    /// Messages replayed to rebuild the state when it started.
    pub rebuilt: AtomicU64,
}

impl Live {
    /// Counters for each of `partitions`.
    pub fn for_partitions(partitions: &[u32]) -> Arc<Vec<Live>> {
        Arc::new(
            partitions
                .iter()
                .map(|&p| Live {
                    partition: p,
                    ..Default::default()
                })
                .collect(),
        )
    }
}

/// What one partition's worker did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartitionReport {
    /// The partition.
    pub partition: u32,
    /// Messages replayed to rebuild the state.
    pub rebuilt: u64,
    /// Messages processed from the consumer.
    pub processed: u64,
    /// Messages read from the stream directly to keep the order (ones a dead worker took, or
    /// a lost delivery).
    pub read_ahead: u64,
    /// Deliveries of messages already processed, only acknowledged.
    pub redelivered: u64,
    /// Records in them.
    pub records: u64,
    /// Alert publishes the stream stored (not duplicates).
    pub alerts_new: u64,
    /// Messages still pending when it stopped (consumer lag).
    pub pending: u64,
}

/// The id of an alert: what it is about, not when.
pub fn alert_id(a: &Alert) -> String {
    let key = format!(
        "{}|{}|{}|{}|{:?}|{:?}|{}|{}",
        a.kind.id(),
        a.detail,
        a.subscriber.as_deref().unwrap_or(""),
        a.mac,
        a.peer,
        a.port,
        a.proto,
        a.inbound
    );
    let h = Sha256::digest(key.as_bytes());
    h[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn alert_json(a: &Alert, p: u32) -> serde_json::Value {
    serde_json::json!({
        "id": alert_id(a),
        "kind": a.kind.id(),
        "detail": a.detail,
        "subscriber": a.subscriber.as_deref(),
        "mac": a.subscriber.is_none().then(|| a.mac.to_string()),
        "peer": a.peer.map(|p| p.to_string()),
        "port": a.port,
        "proto": a.proto,
        "direction": if a.inbound { "inbound" } else { "outbound" },
        "first_ms": a.first_ns.div_euclid(1_000_000),
        "raised_ms": a.raised_ns.div_euclid(1_000_000),
        "partition": p,
    })
}

/// Publishes `alerts` with their ids; returns how many the stream had not seen.
async fn publish_alerts<'a>(
    js: &jetstream::Context,
    alerts: impl Iterator<Item = &'a Alert>,
    p: u32,
) -> Result<u64, String> {
    let mut new = 0;
    for a in alerts {
        let body = serde_json::to_vec(&alert_json(a, p)).unwrap_or_default();
        let msg = jetstream::message::PublishMessage::build()
            .payload(body.into())
            .message_id(alert_id(a));
        let mut tries = 0;
        loop {
            let r = match js.send_publish(ALERTS_SUBJECT, msg.clone()).await {
                Ok(f) => f.await.map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match r {
                Ok(ack) => {
                    new += u64::from(!ack.duplicate);
                    break;
                }
                Err(e) if tries >= 50 => return Err(format!("alerts: {e}")),
                Err(_) => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
    Ok(new)
}

/// One partition's detectors and where they are in the stream.
struct Part {
    p: u32,
    session: Session,
    feed: FlowFeed,
    recs: Vec<iotgate_flows::Record>,
    /// Messages processed (rebuilt ones included): checkpoints fall every
    /// [`CHECKPOINT_MESSAGES`].
    done: u64,
    /// The stream sequence of the last message processed.
    last: u64,
    /// The end-of-input marker was seen.
    ended: bool,
}

impl Part {
    /// Runs one message through the detectors; returns its records' count.
    fn take(&mut self, seq: u64, payload: &[u8]) -> usize {
        self.recs.clear();
        let mut n = 0;
        if payload == batch::END {
            self.ended = true;
        } else if batch::decode(payload, &mut self.recs).is_ok() {
            n = self.recs.len();
            self.feed.records(&mut self.session, &self.recs);
        }
        self.last = seq;
        self.done += 1;
        n
    }

    /// After a message: at a checkpoint, publishes the alerts raised so far.
    async fn publish_due(&mut self, js: &jetstream::Context) -> Result<u64, String> {
        if !self.done.is_multiple_of(CHECKPOINT_MESSAGES) {
            return Ok(0);
        }
        let now: Vec<Alert> = self.session.alerts_raised().cloned().collect();
        publish_alerts(js, now.iter(), self.p).await
    }
}

/// The partition's first message at or after stream sequence `from`, read from the stream
/// itself; `None` when there is none.
async fn next_stored(
    stream: &jetstream::stream::Stream,
    p: u32,
    from: u64,
) -> Result<Option<jetstream::message::StreamMessage>, String> {
    use jetstream::stream::DirectGetErrorKind;
    retry(
        &format!("partition {p}, reading from sequence {from}"),
        || async {
            match stream
                .direct_get_next_for_subject(records_subject(p), Some(from))
                .await
            {
                Ok(m) => Ok(Some(m)),
                Err(e) if e.kind() == DirectGetErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        },
    )
    .await
}

/// Runs one partition until the input ends (`until_idle`) or forever.
///
/// Records are processed in stream order, whatever order the consumer delivers them in:
/// the detectors pair and count in time, so a record handled after a later one would change
/// the alerts. A consumer delivers first deliveries in order, one consumer sequence each;
/// when a message is a redelivery, or the consumer sequence skipped (a delivery lost, or
/// taken by a dead worker), the partition's messages before it are read from the stream
/// directly, and when they come again from the consumer they are only acknowledged.
pub async fn run_partition(
    js: jetstream::Context,
    cfg: WorkerConfig,
    p: u32,
) -> Result<PartitionReport, String> {
    let mut rep = PartitionReport {
        partition: p,
        ..Default::default()
    };
    let kv = retry("checkpoints", || js.get_key_value(CHECKPOINTS)).await?;
    let stream = retry("records stream", || js.get_stream(RECORDS_STREAM)).await?;
    let name = format!("part-{p}");
    let consumer: jetstream::consumer::PullConsumer = retry("consumer", || {
        stream.get_or_create_consumer(&name, consumer_config(p))
    })
    .await?;
    let mut part = Part {
        p,
        // A worker reports alerts, never subscribers' peers: none are kept.
        session: Session::new(SessionConfig::isp(cfg.detect.clone(), 0)),
        feed: FlowFeed::new(cfg.who.clone()),
        recs: Vec::new(),
        done: 0,
        last: 0,
        ended: false,
    };
    // Rebuild: the records acknowledged before, replayed in order without publishing.
    let floor = retry("consumer info", || consumer.get_info())
        .await?
        .ack_floor
        .stream_sequence;
    while part.last < floor {
        match next_stored(&stream, p, part.last + 1).await? {
            Some(m) if m.sequence <= floor => {
                part.take(m.sequence, &m.payload);
                rep.rebuilt += 1;
            }
            _ => break,
        }
    }
    let live = cfg.live.iter().find(|l| l.partition == p);
    let show = |rep: &PartitionReport, lag: Option<u64>| {
        if let Some(l) = live {
            let o = Ordering::Relaxed;
            l.rebuilt.store(rep.rebuilt, o);
            l.messages.store(rep.processed + rep.read_ahead, o);
            l.records.store(rep.records, o);
            l.redelivered.store(rep.redelivered, o);
            l.alerts_new.store(rep.alerts_new, o);
            if let Some(n) = lag {
                l.lag.store(n, o);
            }
        }
    };
    show(&rep, None);
    let mut idle_since = Instant::now();
    // The consumer sequence of the last delivery seen.
    let mut last_delivery: Option<u64> = None;
    loop {
        let batch = consumer
            .fetch()
            .max_messages(256)
            .expires(Duration::from_millis(500))
            .messages()
            .await;
        let mut got = Vec::new();
        if let Ok(mut b) = batch {
            while let Some(m) = b.next().await {
                match m {
                    Ok(m) => got.push(m),
                    Err(_) => break,
                }
            }
        }
        if got.is_empty() {
            // Stop only once the input's end was seen, nothing came for a while, and the
            // consumer's leader says nothing is pending (a leader election stalls the input
            // for seconds: idleness alone is no end).
            if let Some(limit) = cfg.until_idle {
                if part.ended && idle_since.elapsed() >= limit {
                    let info = consumer.get_info().await;
                    if let Ok(i) = info {
                        let led = i.cluster.as_ref().is_none_or(|c| c.leader.is_some());
                        if led && i.num_pending == 0 && i.num_ack_pending == 0 {
                            break;
                        }
                        idle_since = Instant::now();
                    }
                }
            }
            continue;
        }
        idle_since = Instant::now();
        let mut lag = None;
        for m in &got {
            let Ok(info) = m.info() else { continue };
            lag = Some(info.pending);
            let (seq, delivery) = (info.stream_sequence, info.consumer_sequence);
            let in_order = info.delivered == 1 && last_delivery.is_some_and(|d| d + 1 == delivery);
            last_delivery = Some(delivery);
            if seq <= part.last {
                // Processed already (read from the stream, or before a restart).
                rep.redelivered += 1;
                continue;
            }
            if !in_order {
                while let Some(n) = next_stored(&stream, p, part.last + 1).await? {
                    if n.sequence >= seq {
                        break;
                    }
                    rep.records += part.take(n.sequence, &n.payload) as u64;
                    rep.read_ahead += 1;
                    rep.alerts_new += part.publish_due(&js).await?;
                }
            }
            rep.records += part.take(seq, &m.payload) as u64;
            rep.processed += 1;
            rep.alerts_new += part.publish_due(&js).await?;
        }
        for m in &got {
            let _ = retry("ack", || m.double_ack()).await;
        }
        let cp = serde_json::json!({"seq": part.last, "messages": part.done}).to_string();
        let _ = retry("checkpoint", || kv.put(format!("p{p}"), cp.clone().into())).await;
        show(&rep, lag);
    }
    part.feed.finish(&mut part.session);
    let snap = part.session.finish();
    if let Some(alerts) = &snap.alerts {
        rep.alerts_new += publish_alerts(&js, alerts.iter(), p).await?;
    }
    rep.pending = consumer
        .get_info()
        .await
        .map(|i| i.num_pending)
        .unwrap_or(0);
    show(&rep, Some(rep.pending));
    Ok(rep)
}

/// The durable pull consumer of partition `p`: explicit acknowledgements, a message not
/// acknowledged within 5 s delivered again.
pub fn consumer_config(p: u32) -> pull::Config {
    let name = format!("part-{p}");
    pull::Config {
        durable_name: Some(name),
        filter_subject: records_subject(p),
        ack_policy: jetstream::consumer::AckPolicy::Explicit,
        ack_wait: Duration::from_secs(5),
        max_ack_pending: 4096,
        ..Default::default()
    }
}
