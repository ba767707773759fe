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
//! from the durable consumer: records a dead worker took but never acknowledged come again.
//! Each record therefore counts once in the state, and the alerts equal a run without faults.

use crate::{batch, records_subject, retry, ALERTS_SUBJECT, CHECKPOINTS, RECORDS_STREAM};
use async_nats::jetstream::{self, consumer::pull};
use futures_util::StreamExt;
use iotgate_flows::subscribers::Attribution;
use iotgate_judge::detect::Alert;
use iotgate_pipeline::flowfeed::FlowFeed;
use iotgate_pipeline::{Session, SessionConfig};
use sha2::{Digest, Sha256};
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

/// Runs one partition until the input ends (`until_idle`) or forever.
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
        stream.get_or_create_consumer(
            &name,
            pull::Config {
                durable_name: Some(name.clone()),
                filter_subject: records_subject(p),
                ack_policy: jetstream::consumer::AckPolicy::Explicit,
                ack_wait: Duration::from_secs(5),
                max_ack_pending: 4096,
                ..Default::default()
            },
        )
    })
    .await?;
    let mut session = Session::new(SessionConfig {
        detect: cfg.detect.clone(),
        ..SessionConfig::default()
    });
    let mut feed = FlowFeed::new(cfg.who.clone());
    let mut recs = Vec::new();
    // Rebuild: the records acknowledged before, replayed in order without publishing.
    let floor = retry("consumer info", || consumer.get_info())
        .await?
        .ack_floor
        .stream_sequence;
    let mut done: u64 = 0;
    let mut ended_rebuilt = false;
    if floor > 0 {
        let mut seq = 0;
        while seq < floor {
            let next = retry("rebuild", || {
                stream.direct_get_next_for_subject(records_subject(p), Some(seq + 1))
            })
            .await;
            let Ok(m) = next else { break };
            seq = m.sequence;
            if seq > floor {
                break;
            }
            recs.clear();
            if m.payload.as_ref() == batch::END {
                ended_rebuilt = true;
            } else if batch::decode(&m.payload, &mut recs).is_ok() {
                feed.records(&mut session, &recs);
            }
            done += 1;
            rep.rebuilt += 1;
        }
    }
    let mut idle_since = Instant::now();
    let mut ended = ended_rebuilt;
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
                if ended && idle_since.elapsed() >= limit {
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
        let mut last_seq = 0;
        for m in &got {
            if let Ok(info) = m.info() {
                last_seq = info.stream_sequence;
            }
            recs.clear();
            if m.payload.as_ref() == batch::END {
                ended = true;
            } else if batch::decode(&m.payload, &mut recs).is_ok() {
                rep.records += recs.len() as u64;
                feed.records(&mut session, &recs);
            }
            done += 1;
            rep.processed += 1;
            if done.is_multiple_of(CHECKPOINT_MESSAGES) {
                let now: Vec<Alert> = session.alerts_raised().cloned().collect();
                rep.alerts_new += publish_alerts(&js, now.iter(), p).await?;
            }
        }
        for m in &got {
            let _ = retry("ack", || m.double_ack()).await;
        }
        let cp = serde_json::json!({"seq": last_seq, "messages": done}).to_string();
        let _ = retry("checkpoint", || kv.put(format!("p{p}"), cp.clone().into())).await;
    }
    feed.finish(&mut session);
    let snap = session.finish();
    if let Some(alerts) = &snap.alerts {
        rep.alerts_new += publish_alerts(&js, alerts.iter(), p).await?;
    }
    rep.pending = consumer
        .get_info()
        .await
        .map(|i| i.num_pending)
        .unwrap_or(0);
    Ok(rep)
}
