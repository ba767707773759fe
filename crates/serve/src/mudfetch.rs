//! MUD profiles from the URLs devices announce (DHCP option 161, DHCPv6 option 112, LLDP):
//! fetched over HTTPS by a thread of its own, kept only when their signatures verify against
//! the trust anchors in the settings, and then held like a profile people gave (source
//! `fetched`). Nothing is fetched while no trust anchor is set; a profile people gave is never
//! replaced; a URL that failed is tried again an hour later, and each failure is on record.

use crate::warden::{Warden, WHO};
use iotgate_store::{Action, MudProfile, Store};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Setting: the PEM certificates MUD signatures must chain to (empty: nothing is fetched).
pub const TRUST: &str = "mud.trust";
/// Setting: PEM certificates trusted for the MUD servers' TLS, besides the system's.
pub const TLS_ROOTS: &str = "mud.tls_roots";

/// How long a URL that failed is left alone.
const RETRY: Duration = Duration::from_secs(3600);
/// Shortest time between two fetches for one MAC (a device changing its URL at every request
/// gets one fetch per period, not one per snapshot).
const PER_MAC: Duration = Duration::from_secs(600);
/// Most URLs and MACs remembered; beyond, the oldest memories go.
const REMEMBERED: usize = 4096;

/// A handle on the fetching thread.
pub struct MudFetch {
    tx: SyncSender<Vec<(String, String)>>,
}

impl MudFetch {
    /// Starts the thread, with the database at `db` and the profile cache in `cache`; the
    /// warden hears when a profile was kept.
    pub fn start(
        db: &Path,
        cache: PathBuf,
        warden: Arc<Warden>,
    ) -> Result<MudFetch, iotgate_store::Error> {
        let store = Store::open(db)?;
        let (tx, rx) = mpsc::sync_channel(4);
        std::thread::Builder::new()
            .name("iotgate-mud-fetch".into())
            .spawn(move || run(store, cache, rx, &warden))
            .map_err(|e| iotgate_store::Error::Sql(e.to_string()))?;
        Ok(MudFetch { tx })
    }

    /// The devices (MAC, URL) announcing a MUD URL in the last snapshot. Dropped when the
    /// thread is busy: the next snapshot says it again.
    pub fn announced(&self, list: Vec<(String, String)>) {
        if !list.is_empty() {
            let _ = self.tx.try_send(list);
        }
    }
}

fn run(mut store: Store, cache: PathBuf, rx: Receiver<Vec<(String, String)>>, warden: &Warden) {
    let mut tried: HashMap<String, Instant> = HashMap::new();
    let mut kept: HashMap<String, String> = HashMap::new();
    let mut by_mac: HashMap<String, Instant> = HashMap::new();
    let en = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
    while let Ok(list) = rx.recv() {
        if tried.len() > REMEMBERED || by_mac.len() > REMEMBERED {
            tried.retain(|_, t| t.elapsed() < RETRY);
            by_mac.retain(|_, t| t.elapsed() < PER_MAC);
            if tried.len() > REMEMBERED || by_mac.len() > REMEMBERED {
                tried.clear();
                by_mac.clear();
            }
        }
        if kept.len() > REMEMBERED {
            kept.clear();
        }
        for (mac, url) in list {
            if kept.get(&mac) == Some(&url)
                || tried.get(&url).is_some_and(|t| t.elapsed() < RETRY)
                || by_mac.get(&mac).is_some_and(|t| t.elapsed() < PER_MAC)
            {
                continue;
            }
            let Ok(Some(d)) = store.device_by_mac(&mac) else {
                continue;
            };
            // People's choice stands.
            if let Ok(Some(m)) = store.mud_of(d.id) {
                if m.source != "fetched" || m.url == url {
                    kept.insert(mac, url);
                    continue;
                }
            }
            let trust = store.setting(TRUST).ok().flatten().unwrap_or_default();
            if trust.trim().is_empty() {
                continue;
            }
            tried.insert(url.clone(), Instant::now());
            by_mac.insert(mac.clone(), Instant::now());
            let roots = store
                .setting(TLS_ROOTS)
                .ok()
                .flatten()
                .filter(|r| !r.trim().is_empty());
            let got = iotgate_mud::fetch::agent(roots.as_deref().map(str::as_bytes))
                .map_err(|e| en.ta("fetch-tls", &[("error", iotgate_explain::Arg::S(&e))]))
                .and_then(|agent| {
                    iotgate_mud::fetch::fetch(&agent, &url, &cache, trust.as_bytes(), false)
                        .map_err(|e| iotgate_explain::mud_fetch_error_text(&en, &url, e))
                })
                .and_then(|outcome| {
                    let path = match outcome {
                        iotgate_mud::fetch::Outcome::Stored(p)
                        | iotgate_mud::fetch::Outcome::Fresh(p) => p,
                    };
                    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
                })
                .and_then(|bytes| {
                    // The profile must say it is the one the device announced (RFC 8520 1.6).
                    match crate::mud::read(&bytes) {
                        Ok(p) if p.url == url => Ok(bytes),
                        Ok(p) => Err(format!(
                            "{url}: the profile names another MUD URL, {}",
                            p.url
                        )),
                        Err(_) => Err(format!("{url}: the profile is not usable")),
                    }
                });
            let now = crate::feed::wall_ns();
            match got {
                Ok(bytes) => {
                    let m = MudProfile {
                        device_id: d.id,
                        macs: Vec::new(),
                        url: url.clone(),
                        profile: String::from_utf8_lossy(&bytes).into_owned(),
                        source: "fetched".into(),
                        who: WHO.into(),
                        ts_ns: now,
                        report: String::new(),
                    };
                    if store.set_mud(&m).is_ok() {
                        kept.insert(mac, url);
                        warden.refresh();
                    }
                }
                Err(why) => {
                    let _ = store.record(&Action {
                        ts_ns: now,
                        who: WHO.into(),
                        device_id: Some(d.id),
                        action: "mud-fetch-failed".into(),
                        reason: why,
                    });
                }
            }
        }
    }
}
