//! `collect --metrics ADDR:PORT`: the collector's counters in Prometheus text format on
//! `GET /metrics` — records, packets, what could not be read, templates, exporters, the
//! kernel's drops, and with `--nats` what was published, what could not be, and the
//! acknowledgement latency. A thread of its own answers one request at a time (bounded
//! request, short timeouts); the text is rebuilt at most once a second by the receiving loop.

use crate::failure::Failure;
use iotgate_explain::{Arg, Localizer};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The text served, and when it was last rebuilt.
pub struct Metrics {
    text: Option<Arc<Mutex<String>>>,
    last: std::cell::Cell<Option<Instant>>,
}

fn serve(listener: std::net::TcpListener, text: Arc<Mutex<String>>) {
    for conn in listener.incoming() {
        let Ok(mut c) = conn else { continue };
        let _ = c.set_read_timeout(Some(std::time::Duration::from_secs(2)));
        let _ = c.set_write_timeout(Some(std::time::Duration::from_secs(2)));
        let mut req = [0u8; 8192];
        let mut n = 0;
        while n < req.len() {
            match c.read(&mut req[n..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k,
            }
            if req[..n].windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
        let head = &req[..n];
        let resp = if head.starts_with(b"GET /metrics ") || head.starts_with(b"GET /metrics?") {
            let body = text.lock().map(|t| t.clone()).unwrap_or_default();
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
        } else {
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".into()
        };
        let _ = c.write_all(resp.as_bytes());
    }
}

/// Serves `GET /metrics` on `addr` from a thread of its own; the text served is the one
/// in the returned cell.
pub fn listen(l: &Localizer, addr: &str) -> Result<Arc<Mutex<String>>, Failure> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        Failure::failed(l.ta(
            "serve-err-listen",
            &[("addr", Arg::S(addr)), ("error", Arg::S(&e.to_string()))],
        ))
    })?;
    let bound = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    crate::note!(
        "iotgate: {}",
        l.ta("collect-metrics", &[("addr", Arg::S(&bound))])
    );
    let text = Arc::new(Mutex::new(String::new()));
    let t = text.clone();
    std::thread::spawn(move || serve(listener, t));
    Ok(text)
}

/// Prometheus text: a metric's help and type, then its rows (labels, value).
pub fn family<L: AsRef<str>>(
    o: &mut String,
    name: &str,
    kind: &str,
    help: &str,
    rows: &[(L, u64)],
) {
    o.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
    for (labels, v) in rows {
        let labels = labels.as_ref();
        if labels.is_empty() {
            o.push_str(&format!("{name} {v}\n"));
        } else {
            o.push_str(&format!("{name}{{{labels}}} {v}\n"));
        }
    }
}

impl Metrics {
    /// Starts serving when `--metrics` was given.
    pub fn start(l: &Localizer, m: &clap::ArgMatches) -> Result<Metrics, Failure> {
        let text = match m.try_get_one::<String>("metrics").ok().flatten() {
            Some(addr) => Some(listen(l, addr)?),
            None => None,
        };
        Ok(Metrics {
            text,
            last: Default::default(),
        })
    }

    /// Rebuilds the text from the counters, at most once a second.
    pub fn update(
        &self,
        feed: &iotgate_pipeline::flowfeed::FlowFeed,
        recv: &crate::receive::Receiver,
        nats: Option<&super::cmd::scale::NatsOut>,
        exporters: &std::collections::HashSet<std::net::IpAddr>,
    ) {
        let Some(text) = &self.text else { return };
        if self.last.get().is_some_and(|t| t.elapsed().as_secs() < 1) {
            return;
        }
        self.last.set(Some(Instant::now()));
        let d = &feed.decoder;
        let s = &d.stats;
        let st = &feed.stitch;
        let ld = std::sync::atomic::Ordering::Relaxed;
        let mut o = String::new();
        let mut put = |name: &str, kind: &str, help: &str, rows: &[(&str, u64)]| {
            family(&mut o, name, kind, help, rows)
        };
        put(
            "iotgate_collect_datagrams_total",
            "counter",
            "Datagrams received.",
            &[("", recv.datagrams.load(ld))],
        );
        put(
            "iotgate_collect_recvmmsg_calls_total",
            "counter",
            "recvmmsg calls (datagrams per call = batching).",
            &[("", recv.calls.load(ld))],
        );
        put(
            "iotgate_collect_packets_total",
            "counter",
            "Export packets decoded.",
            &[("", s.packets)],
        );
        put(
            "iotgate_collect_records_total",
            "counter",
            "Flow records decoded.",
            &[("", s.records)],
        );
        put(
            "iotgate_collect_dropped_total",
            "counter",
            "What was not used, by reason.",
            &[
                ("what=\"kernel\"", recv.kernel_drops()),
                ("what=\"malformed\"", s.malformed),
                ("what=\"no_template\"", s.no_template),
                ("what=\"not_flows\"", s.not_flows),
                ("what=\"pairing_crowded\"", st.crowded),
            ],
        );
        put(
            "iotgate_collect_templates",
            "gauge",
            "Templates kept.",
            &[("", d.template_count() as u64)],
        );
        put(
            "iotgate_collect_templates_evicted_total",
            "counter",
            "Templates evicted by the bound.",
            &[("", s.templates_evicted)],
        );
        put(
            "iotgate_collect_exporters",
            "gauge",
            "Exporters seen.",
            &[("", exporters.len() as u64)],
        );
        put(
            "iotgate_collect_pairing_waiting",
            "gauge",
            "Records waiting for their other direction.",
            &[("", st.pending() as u64)],
        );
        if let Some(n) = nats {
            let p = n.stats();
            put(
                "iotgate_collect_published_records_total",
                "counter",
                "Records stored by the stream.",
                &[("", p.records)],
            );
            put(
                "iotgate_collect_undelivered_records_total",
                "counter",
                "Records that could not be published.",
                &[("", p.undelivered)],
            );
            put(
                "iotgate_collect_publish_latency_us",
                "gauge",
                "Acknowledgement latency of the stream, µs.",
                &[
                    (
                        "quantile=\"0.5\"",
                        u64::from(p.latency_quantile(0.5).unwrap_or(0)),
                    ),
                    (
                        "quantile=\"0.99\"",
                        u64::from(p.latency_quantile(0.99).unwrap_or(0)),
                    ),
                ],
            );
        }
        if let Ok(mut t) = text.lock() {
            *t = o;
        }
    }
}
