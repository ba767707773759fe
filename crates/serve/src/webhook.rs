//! The optional webhook: each new alert of medium severity or worse, unless muted for its device,
//! is POSTed as JSON to a URL the operator gives (HTTPS; plain HTTP only to this machine).
//! Sent from a thread of its own with a bounded queue, so that a slow or dead endpoint never
//! holds the analysis up: what cannot be queued or delivered after three tries is counted. The
//! URL comes from `--webhook` when given, otherwise from the settings page (read for each
//! batch, so a change there applies at once); with neither, nothing is sent.

use crate::page;
use iotgate_store::Store;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::time::Duration;

/// Why a webhook URL is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    /// Not `https://…` (nor `http://` to this machine).
    NotHttps,
    /// Not a URL at all.
    Malformed,
}

/// Checks a webhook URL: HTTPS, or plain HTTP to a loopback address (a local relay, tests).
pub fn check_url(url: &str) -> Result<(), UrlProblem> {
    let rest = if let Some(r) = url.strip_prefix("https://") {
        r
    } else if let Some(r) = url.strip_prefix("http://") {
        let host = r.split(['/', '?']).next().unwrap_or("");
        let host = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or(""),
            None => host.split(':').next().unwrap_or(""),
        };
        let loopback = host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
        if !(host == "localhost" || loopback) {
            return Err(UrlProblem::NotHttps);
        }
        r
    } else {
        return Err(UrlProblem::NotHttps);
    };
    if rest.is_empty() || rest.starts_with('/') || rest.chars().any(|c| c.is_whitespace()) {
        return Err(UrlProblem::Malformed);
    }
    Ok(())
}

/// Counts of what the webhook did.
#[derive(Debug, Default)]
pub struct Stats {
    /// Alerts delivered (the endpoint answered 2xx).
    pub sent: AtomicU64,
    /// Alerts not delivered after three tries, or not queued (queue full).
    pub failed: AtomicU64,
    /// Alerts not sent because they were below medium or muted.
    pub skipped: AtomicU64,
}

/// Setting: the webhook URL (used when `--webhook` is not given).
pub const URL: &str = "webhook.url";

/// A handle to queue new alerts for the webhook thread.
pub struct Webhook {
    tx: SyncSender<Vec<i64>>,
    /// What it did.
    pub stats: Arc<Stats>,
}

impl Webhook {
    /// Starts the thread posting to `url` (or, without it, to the URL in the settings),
    /// reading alerts from the database at `db`.
    pub fn start(db: &Path, url: Option<String>) -> Result<Webhook, iotgate_store::Error> {
        let store = Store::open(db)?;
        let (tx, rx) = mpsc::sync_channel(256);
        let stats = Arc::new(Stats::default());
        let s = stats.clone();
        std::thread::Builder::new()
            .name("iotgate-webhook".into())
            .spawn(move || run(store, url, rx, &s))
            .map_err(|e| iotgate_store::Error::Sql(e.to_string()))?;
        Ok(Webhook { tx, stats })
    }

    /// Queues the alerts with these ids (new ones, just written).
    pub fn notify(&self, ids: Vec<i64>) {
        let n = ids.len() as u64;
        if self.tx.try_send(ids).is_err() {
            self.stats.failed.fetch_add(n, Ordering::Relaxed);
        }
    }
}

const SEVERE: [&str; 2] = ["medium", "high"];

fn run(store: Store, fixed: Option<String>, rx: Receiver<Vec<i64>>, stats: &Stats) {
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(10))
        .tls_connector(Arc::new(match native_tls::TlsConnector::new() {
            Ok(t) => t,
            Err(_) => return,
        }))
        .build();
    for ids in rx {
        let url = match &fixed {
            Some(u) => u.clone(),
            None => match store.setting(URL).ok().flatten() {
                Some(u) if check_url(&u).is_ok() => u,
                _ => continue,
            },
        };
        let now = crate::feed::wall_ns();
        let mutes = store.mutes(now).unwrap_or_default();
        for id in ids {
            let Ok(Some(a)) = store.alert(id) else {
                continue;
            };
            let muted = mutes
                .iter()
                .any(|m| m.device_id == a.device_id && m.kind == a.kind && m.detail == a.detail);
            if muted || !SEVERE.contains(&a.severity.as_str()) {
                stats.skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let device = store.device_by_mac(&a.mac).ok().flatten();
            let mut alert = page::alert_core(&a);
            alert["report"] =
                serde_json::from_str::<serde_json::Value>(&a.report).unwrap_or_default();
            let body = serde_json::json!({
                "schema": "iotgate.webhook/1",
                "alert": alert,
                "device": device.map(|d| serde_json::json!({
                    "id": d.id, "macs": d.macs, "name": d.name, "kind": d.kind, "vendor": d.vendor,
                })),
            });
            let mut delivered = false;
            for attempt in 0..3u32 {
                let r = agent
                    .post(&url)
                    .set("Content-Type", "application/json")
                    .send_string(&body.to_string());
                if r.is_ok() {
                    delivered = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(500 * u64::from(attempt + 1)));
            }
            let c = if delivered {
                &stats.sent
            } else {
                &stats.failed
            };
            c.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_https_or_loopback() {
        assert_eq!(check_url("https://hooks.example/abc"), Ok(()));
        assert_eq!(check_url("http://127.0.0.1:9000/hook"), Ok(()));
        assert_eq!(check_url("http://localhost/hook"), Ok(()));
        assert_eq!(check_url("http://[::1]:80/x"), Ok(()));
        assert_eq!(
            check_url("http://hooks.example/abc"),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(
            check_url("http://127.0.0.1.evil.example/"),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(check_url("ftp://x"), Err(UrlProblem::NotHttps));
        assert_eq!(check_url("https://"), Err(UrlProblem::Malformed));
        assert_eq!(check_url("https://a b"), Err(UrlProblem::Malformed));
    }
}
