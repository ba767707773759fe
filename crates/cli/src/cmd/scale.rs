//! `iotgate collect --nats` (the collector publishes records to the cluster's stream) and
//! `iotgate collect worker` (a worker takes partitions and detects): `iotgate_scale` driven
//! from the command line, on a small tokio runtime of its own.

use crate::failure::{Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_flows::subscribers::Attribution;
use iotgate_flows::Record;
use iotgate_scale::collector::Publisher;

/// The collector's publishing side.
pub struct NatsOut {
    rt: tokio::runtime::Runtime,
    publisher: Publisher,
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(e.to_string()))
}

fn nats_failure(l: &Localizer, urls: &str, e: &str) -> Failure {
    Failure::failed(l.ta("nats-err", &[("urls", Arg::S(urls)), ("error", Arg::S(e))]))
}

/// Connects for `--nats`, creating the streams and bucket when missing.
pub fn publisher(
    l: &Localizer,
    m: &clap::ArgMatches,
    who: Attribution,
) -> Result<NatsOut, Failure> {
    let urls = m.get_one::<String>("nats").cloned().unwrap_or_default();
    let parts = *m.get_one::<u32>("partitions").unwrap_or(&8);
    let replicas = *m.get_one::<u64>("replicas").unwrap_or(&3) as usize;
    let retention =
        std::time::Duration::from_secs(*m.get_one::<u64>("retention").unwrap_or(&24) * 3600);
    let rt = runtime()?;
    let js = rt.block_on(async {
        let js = iotgate_scale::connect(&urls).await?;
        iotgate_scale::ensure(&js, replicas, retention).await?;
        Ok::<_, String>(js)
    });
    let js = js.map_err(|e| nats_failure(l, &urls, &e))?;
    Ok(NatsOut {
        rt,
        publisher: Publisher::new(js, parts, who),
    })
}

impl NatsOut {
    /// What was published so far.
    pub fn stats(&self) -> &iotgate_scale::collector::PublishStats {
        &self.publisher.stats
    }

    /// One export packet's records.
    pub fn packet(&mut self, exporter: std::net::IpAddr, pkt: &[u8], recs: &[Record]) {
        let p = &mut self.publisher;
        self.rt.block_on(p.packet(exporter, pkt, recs));
    }

    /// Publishes what is left (with `ended`, the input's end: workers may stop) and says what
    /// was published; fails when anything could not be.
    pub fn finish(mut self, l: &Localizer, ended: bool) -> Done {
        let p = &mut self.publisher;
        match p.last_id().map(str::to_string) {
            Some(id) if ended => self.rt.block_on(p.end(&id)),
            _ => self.rt.block_on(p.flush()),
        }
        let s = &self.publisher.stats;
        let ms = |q| f64::from(s.latency_quantile(q).unwrap_or(0)) / 1000.0;
        crate::note!(
            "iotgate: {}",
            l.ta(
                "nats-published",
                &[
                    ("messages", Arg::N(s.messages as f64)),
                    ("records", Arg::N(s.records as f64)),
                    ("duplicates", Arg::N(s.duplicates as f64)),
                    ("retries", Arg::N(s.retries as f64)),
                    ("p50", Arg::N(ms(0.5))),
                    ("p99", Arg::N(ms(0.99))),
                    ("stall", Arg::N(s.longest_stall_ms as f64)),
                ]
            )
        );
        if s.undelivered > 0 {
            return Err(Failure::failed(l.ta(
                "nats-undelivered",
                &[("records", Arg::N(s.undelivered as f64))],
            )));
        }
        Ok(())
    }
}

/// Reads one of a partition's live counters.
type Counter = fn(&iotgate_scale::worker::Live) -> &std::sync::atomic::AtomicU64;

/// A worker's counters in Prometheus text format, one row per partition.
fn worker_metrics(live: &[iotgate_scale::worker::Live]) -> String {
    use std::sync::atomic::Ordering;
    let mut o = String::new();
    let rows = |f: Counter| -> Vec<(String, u64)> {
        live.iter()
            .map(|p| {
                (
                    format!("partition=\"{}\"", p.partition),
                    f(p).load(Ordering::Relaxed),
                )
            })
            .collect()
    };
    let families: [(&str, &str, &str, Counter); 6] = [
        (
            "iotgate_worker_messages_total",
            "counter",
            "Messages (batches of records) processed, in stream order.",
            |p| &p.messages,
        ),
        (
            "iotgate_worker_records_total",
            "counter",
            "Flow records processed.",
            |p| &p.records,
        ),
        (
            "iotgate_worker_rebuilt_total",
            "counter",
            "Messages replayed at start to rebuild the detectors' state.",
            |p| &p.rebuilt,
        ),
        (
            "iotgate_worker_redelivered_total",
            "counter",
            "Deliveries of messages already processed, only acknowledged.",
            |p| &p.redelivered,
        ),
        (
            "iotgate_worker_alerts_published_total",
            "counter",
            "Alerts the alerts stream stored (duplicates not counted).",
            |p| &p.alerts_new,
        ),
        (
            "iotgate_worker_consumer_lag",
            "gauge",
            "Messages of the partition not yet delivered to this worker (as of the last delivery).",
            |p| &p.lag,
        ),
    ];
    for (name, kind, help, f) in families {
        crate::metrics::family(&mut o, name, kind, help, &rows(f));
    }
    o
}

/// `iotgate collect worker`.
pub fn worker(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let urls = m.get_one::<String>("nats").cloned().unwrap_or_default();
    let parts = *m.get_one::<u32>("partitions").unwrap_or(&8);
    let take: Vec<u32> = match m.get_many::<u32>("take") {
        Some(v) => v.copied().collect(),
        None => (0..parts).collect(),
    };
    if let Some(bad) = take.iter().find(|&&p| p >= parts) {
        return Err(Failure::usage(l.ta(
            "nats-err-take",
            &[
                ("p", Arg::N(f64::from(*bad))),
                ("n", Arg::N(f64::from(parts))),
            ],
        )));
    }
    let who = super::collect::attribution(l, m)?;
    let detect = crate::detect_args::detectors_from_args(l, m).map_err(Failure::usage)?;
    let cfg = iotgate_scale::worker::WorkerConfig {
        partitions: take.clone(),
        who,
        detect,
        until_idle: m
            .get_one::<u64>("until-idle")
            .map(|s| std::time::Duration::from_secs(*s)),
        live: iotgate_scale::worker::Live::for_partitions(&take),
    };
    if let Some(addr) = m.get_one::<String>("metrics") {
        let text = crate::metrics::listen(l, addr)?;
        let live = cfg.live.clone();
        std::thread::spawn(move || loop {
            let body = worker_metrics(&live);
            if let Ok(mut t) = text.lock() {
                *t = body;
            }
            std::thread::sleep(std::time::Duration::from_secs(1));
        });
    }
    let rt = runtime()?;
    let reports = rt.block_on(async {
        let js = iotgate_scale::connect(&urls).await?;
        let mut tasks = Vec::new();
        for &p in &take {
            let (js, cfg) = (js.clone(), cfg.clone());
            tasks.push(tokio::spawn(iotgate_scale::worker::run_partition(
                js, cfg, p,
            )));
        }
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.map_err(|e| e.to_string())??);
        }
        Ok::<_, String>(out)
    });
    let reports = reports.map_err(|e| nats_failure(l, &urls, &e))?;
    crate::failure::print_out(l, |w| {
        for r in &reports {
            serde_json::to_writer(
                &mut *w,
                &serde_json::json!({
                    "partition": r.partition,
                    "rebuilt": r.rebuilt,
                    "processed": r.processed,
                    "read_ahead": r.read_ahead,
                    "redelivered": r.redelivered,
                    "records": r.records,
                    "alerts_new": r.alerts_new,
                    "pending": r.pending,
                }),
            )?;
            writeln!(w)?;
        }
        Ok(())
    })
}
