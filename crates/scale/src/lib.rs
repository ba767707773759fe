//! ISP mode spread over NATS JetStream (`iotgate collect --nats`, `iotgate collect worker`).
//! Collectors decode exports and publish the records to a replicated stream, partitioned by a
//! hash of the subscriber; workers each take partitions as durable pull consumers, run the
//! detectors, and publish alerts with deterministic ids. docs/collect.md says what each
//! guarantees.

pub mod batch;
pub mod collector;
pub mod worker;

use async_nats::jetstream;
use iotgate_flows::subscribers::{AddrText, Attribution};
use iotgate_flows::Record;
use std::time::Duration;

/// The records stream.
pub const RECORDS_STREAM: &str = "IOTGATE_RECORDS";
/// The alerts stream.
pub const ALERTS_STREAM: &str = "IOTGATE_ALERTS";
/// The subject alerts are published on.
pub const ALERTS_SUBJECT: &str = "iotgate.alerts";
/// The key-value bucket of the workers' checkpoints.
pub const CHECKPOINTS: &str = "iotgate_checkpoints";

/// The subject of partition `p`'s records.
pub fn records_subject(p: u32) -> String {
    format!("iotgate.records.{p}")
}

/// The partition of a record: a hash of its subscriber — of the smaller id when both sides are
/// subscribers, of the smaller address when neither is — so both directions of a
/// conversation, and everything one subscriber does, land in one partition.
pub fn partition(r: &Record, who: &Attribution, names: &mut (AddrText, AddrText), n: u32) -> u32 {
    let a = who.name(r.src, r.sport, &mut names.0);
    let b = who.name(r.dst, r.dport, &mut names.1);
    let h = match (a, b) {
        (Some(x), Some(y)) => fnv(x.min(y).as_bytes()),
        (Some(x), None) | (None, Some(x)) => fnv(x.as_bytes()),
        (None, None) => {
            let o = |ip: std::net::IpAddr| match ip {
                std::net::IpAddr::V4(v) => v.to_ipv6_mapped().octets(),
                std::net::IpAddr::V6(v) => v.octets(),
            };
            fnv(&o(r.src).min(o(r.dst)))
        }
    };
    (h % u64::from(n.max(1))) as u32
}

/// FNV-1a: the partition hash (stable across processes and versions, unlike a seeded one).
pub(crate) fn fnv(b: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for x in b {
        h ^= u64::from(*x);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Retries an operation through a leader election or a cluster still forming (15 s), then
/// gives up with the last error.
pub async fn retry<T, E: std::fmt::Display, F, Fut>(what: &str, mut f: F) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut last = String::new();
    for _ in 0..60 {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    Err(format!("{what}: {last}"))
}

/// Creates (or finds) the records and alerts streams and the checkpoint bucket, with
/// `replicas` copies each (3 on a three-server cluster: one server may fail). The records
/// stream keeps records for `retention` (an existing stream is set to it when it differs).
pub async fn ensure(
    js: &jetstream::Context,
    replicas: usize,
    retention: Duration,
) -> Result<(), String> {
    use jetstream::stream::{Config, StorageType};
    let records = Config {
        name: RECORDS_STREAM.into(),
        subjects: vec!["iotgate.records.>".into()],
        num_replicas: replicas,
        storage: StorageType::File,
        // A retried publish inside this window is recognised by its id and dropped.
        duplicate_window: Duration::from_secs(10 * 60),
        // Records are kept only as long as a replacement worker needs them to rebuild.
        max_age: retention,
        // A replacement worker rebuilds by reading its partition's records directly.
        allow_direct: true,
        ..Default::default()
    };
    let stream = retry(RECORDS_STREAM, || js.get_or_create_stream(records.clone())).await?;
    let current = &stream.cached_info().config;
    if current.max_age != retention {
        let mut cfg = current.clone();
        cfg.max_age = retention;
        retry(RECORDS_STREAM, || js.update_stream(cfg.clone())).await?;
    }
    let alerts = Config {
        name: ALERTS_STREAM.into(),
        subjects: vec![ALERTS_SUBJECT.into()],
        num_replicas: replicas,
        storage: StorageType::File,
        duplicate_window: Duration::from_secs(24 * 3600),
        allow_direct: true,
        ..Default::default()
    };
    retry(ALERTS_STREAM, || js.get_or_create_stream(alerts.clone())).await?;
    // The bucket's stream made by hand, as a key-value bucket is laid out (one value per
    // key, direct reads): the client's own bucket creation sends settings servers before
    // 2.10 refuse.
    let kv = Config {
        name: format!("KV_{CHECKPOINTS}"),
        subjects: vec![format!("$KV.{CHECKPOINTS}.>")],
        num_replicas: replicas,
        storage: StorageType::File,
        max_messages_per_subject: 1,
        allow_rollup: true,
        deny_delete: true,
        allow_direct: true,
        discard: jetstream::stream::DiscardPolicy::New,
        ..Default::default()
    };
    retry(CHECKPOINTS, || js.get_or_create_stream(kv.clone())).await?;
    retry(CHECKPOINTS, || js.get_key_value(CHECKPOINTS)).await?;
    Ok(())
}

/// How long connecting may take.
pub const CONNECT_WAIT: Duration = Duration::from_secs(15);

/// Connects to the cluster (comma-separated server URLs) and opens JetStream.
pub async fn connect(urls: &str) -> Result<jetstream::Context, String> {
    let servers: Vec<async_nats::ServerAddr> = urls
        .split(',')
        .map(|u| u.trim().parse())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{urls}: {e}"))?;
    // Servers still starting are waited for, 15 s at most: then the failure is said.
    let start = std::time::Instant::now();
    let client = loop {
        let tried = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(3))
            .connect(servers.clone())
            .await;
        match tried {
            Ok(c) => break c,
            Err(e) if start.elapsed() >= CONNECT_WAIT => {
                return Err(format!(
                    "no server answered within {} s ({e})",
                    CONNECT_WAIT.as_secs()
                ))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    };
    let mut js = jetstream::new(client);
    js.set_timeout(Duration::from_secs(2));
    Ok(js)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions_and_all_of_a_subscriber_share_a_partition() {
        let map = iotgate_flows::subscribers::Subscribers::parse(
            "198.51.100.0/24 sub-1\n203.0.113.7 sub-2 1024-2047\n",
        )
        .unwrap();
        let who = Attribution::Map(map);
        let mut names = Default::default();
        let rec = |src: &str, dst: &str, sport, dport| Record {
            exporter: "192.0.2.1".parse().unwrap(),
            domain: 0,
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            sport,
            dport,
            proto: 6,
            packets: None,
            bytes: None,
            start_ms: None,
            end_ms: None,
            tcp_flags: 0,
            sampling: None,
            src_mac: None,
            dst_mac: None,
        };
        for n in [1, 2, 7, 64] {
            let mut p = |r: &Record| partition(r, &who, &mut names, n);
            let a = p(&rec("198.51.100.9", "8.8.8.8", 4000, 53));
            assert_eq!(a, p(&rec("8.8.8.8", "198.51.100.9", 53, 4000)));
            assert_eq!(a, p(&rec("198.51.100.200", "1.1.1.1", 5000, 443)));
            let b = p(&rec("203.0.113.7", "1.1.1.1", 1500, 443));
            assert_eq!(b, p(&rec("1.1.1.1", "203.0.113.7", 443, 1500)));
            // Two subscribers: the smaller id decides, both ways.
            let c = p(&rec("198.51.100.9", "203.0.113.7", 4000, 1500));
            assert_eq!(c, p(&rec("203.0.113.7", "198.51.100.9", 1500, 4000)));
            assert_eq!(c, a);
            assert!(a < n && b < n);
        }
    }
}

/// What the cluster holds, for operators and tests.
pub mod inspect {
    use super::*;

    /// Every message of `stream`, in order.
    async fn payloads(js: &jetstream::Context, stream: &str) -> Result<Vec<bytes::Bytes>, String> {
        let mut s = js.get_stream(stream).await.map_err(|e| e.to_string())?;
        let last = s
            .info()
            .await
            .map_err(|e| e.to_string())?
            .state
            .last_sequence;
        let mut out = Vec::new();
        for seq in 1..=last {
            if let Ok(m) = s.direct_get(seq).await {
                out.push(m.payload);
            }
        }
        Ok(out)
    }

    /// The records stream: (messages, records in them); every message read and decoded.
    pub async fn records(js: &jetstream::Context) -> Result<(u64, u64), String> {
        let (mut msgs, mut recs, mut out) = (0, 0, Vec::new());
        for p in payloads(js, RECORDS_STREAM).await? {
            out.clear();
            if batch::decode(&p, &mut out).is_ok() {
                msgs += 1;
                recs += out.len() as u64;
            }
        }
        Ok((msgs, recs))
    }

    /// Every alert in the alerts stream, as published.
    pub async fn alerts(js: &jetstream::Context) -> Result<Vec<serde_json::Value>, String> {
        Ok(payloads(js, ALERTS_STREAM)
            .await?
            .iter()
            .filter_map(|p| serde_json::from_slice(p).ok())
            .collect())
    }

    /// The records stream's leader (a server name), and whether every replica is current.
    pub async fn cluster(js: &jetstream::Context) -> Result<(Option<String>, bool), String> {
        let mut s = js
            .get_stream(RECORDS_STREAM)
            .await
            .map_err(|e| e.to_string())?;
        let info = s.info().await.map_err(|e| e.to_string())?;
        let Some(c) = &info.cluster else {
            return Ok((None, true));
        };
        let current = c.replicas.iter().all(|r| r.current && !r.offline);
        Ok((c.leader.clone(), current))
    }

    /// Messages not yet delivered and delivered but not acknowledged, over the partitions'
    /// consumers; an error while one has no leader.
    pub async fn pending(js: &jetstream::Context, partitions: u32) -> Result<(u64, u64), String> {
        let s = js
            .get_stream(RECORDS_STREAM)
            .await
            .map_err(|e| e.to_string())?;
        let (mut waiting, mut unacked) = (0, 0);
        for p in 0..partitions {
            let c: jetstream::consumer::PullConsumer =
                match s.get_consumer(&format!("part-{p}")).await {
                    Ok(c) => c,
                    Err(_) => continue,
                };
            let i = c.get_info().await.map_err(|e| e.to_string())?;
            // Without a leader a replica answers with what it last knew: not an answer.
            if i.cluster.as_ref().is_none_or(|c| c.leader.is_none()) {
                return Err(format!("part-{p}: no leader"));
            }
            waiting += i.num_pending;
            unacked += i.num_ack_pending as u64;
        }
        Ok((waiting, unacked))
    }

    /// Each partition consumer's state, as its leader (or a replica) tells it.
    pub async fn consumers(js: &jetstream::Context, partitions: u32) -> Vec<String> {
        let mut out = Vec::new();
        let Ok(s) = js.get_stream(RECORDS_STREAM).await else {
            return out;
        };
        for p in 0..partitions {
            let c: Result<jetstream::consumer::PullConsumer, _> =
                s.get_consumer(&format!("part-{p}")).await;
            if let Ok(c) = c {
                if let Ok(i) = c.get_info().await {
                    out.push(format!(
                        "part-{p}: delivered {} ack floor {} pending {} unacked {} replicas {} leader {:?}",
                        i.delivered.stream_sequence,
                        i.ack_floor.stream_sequence,
                        i.num_pending,
                        i.num_ack_pending,
                        i.config.num_replicas,
                        i.cluster.as_ref().and_then(|c| c.leader.clone()),
                    ));
                }
            }
        }
        out
    }
}
