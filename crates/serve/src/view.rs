//! A snapshot's report turned into the store's updates: each device's and each alert's report
//! entry in both languages (pages are drawn from the store in the reader's language), written
//! only when it changed since the last snapshot.

use iotgate_explain::alerts::AlertOut;
use iotgate_explain::model::DeviceOut;
use iotgate_explain::{in_language, Analysis, Lang, Localizer};
use iotgate_store::{AlertUpdate, Batch, DeviceUpdate};
use std::collections::HashMap;
use std::hash::BuildHasher;

/// Most lines of software kept per MAC (TLS fingerprints and user agents), and their length.
const SOFTWARE_LINES: usize = 16;
const SOFTWARE_LINE_BYTES: usize = 160;

/// The two languages every entry is kept in.
pub const LANGS: [Lang; 2] = [Lang::En, Lang::Fr];

/// The identity of an alert while it goes on: what the detector keys it by.
pub fn alert_key(a: &AlertOut) -> String {
    let peer = a
        .peer
        .as_ref()
        .and_then(|p| p.ip)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    format!(
        "{}|{}|{}|{peer}|{}",
        a.mac,
        a.kind.id(),
        a.detail,
        a.port.unwrap_or(0)
    )
}

/// `{"en": …, "fr": …}`: `value` in both languages, each serialised once, straight to text.
fn both<T: serde::Serialize>(value: &T, ls: &[Localizer; 2]) -> String {
    let mut out = String::from("{");
    for (i, (lang, l)) in LANGS.iter().zip(ls).enumerate() {
        let v = serde_json::to_string(&in_language(value, l)).unwrap_or_else(|_| "null".into());
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{}\":{v}", lang.code()));
    }
    out.push('}');
    out
}

/// Remembers what was last written, so that a snapshot writes only what changed.
pub struct Changes {
    seen: HashMap<String, u64>,
    hasher: std::collections::hash_map::RandomState,
    langs: [Localizer; 2],
}

impl Default for Changes {
    fn default() -> Self {
        Changes {
            seen: HashMap::new(),
            hasher: Default::default(),
            langs: LANGS.map(Localizer::new),
        }
    }
}

impl Changes {
    fn changed(&mut self, key: &str, json: &str) -> bool {
        let h = self.hasher.hash_one(json);
        self.seen.insert(key.to_owned(), h) != Some(h)
    }

    /// The updates `report` brings since the last call.
    pub fn batch(&mut self, report: &Analysis) -> Batch {
        let mut b = Batch::default();
        for d in &report.devices {
            let json = both(d, &self.langs);
            if !self.changed(&d.mac, &json) {
                continue;
            }
            b.devices.push(device_update(d, json));
        }
        for a in &report.alerts {
            let key = alert_key(a);
            let json = both(a, &self.langs);
            if !self.changed(&key, &json) {
                continue;
            }
            b.alerts.push(AlertUpdate {
                key,
                mac: a.mac.clone(),
                kind: a.kind.id().to_string(),
                detail: a.detail.to_string(),
                severity: a.severity.id().to_string(),
                first_ns: a.first_seen.0,
                last_ns: a.last_seen.0,
                raised_ns: a.raised_at.0,
                report: json,
            });
        }
        b
    }
}

fn device_update(d: &DeviceOut, report: String) -> DeviceUpdate {
    DeviceUpdate {
        mac: d.mac.clone(),
        name: d.hostnames.first().cloned(),
        kind: d.kind.id().to_string(),
        vendor: d.vendor.clone(),
        client_id: d.dhcp.as_ref().and_then(|x| x.client_id.clone()),
        fingerprint: d.dhcp.as_ref().map(|x| {
            let list: Vec<String> = x.param_request_list.iter().map(u8::to_string).collect();
            format!(
                "55:{}|60:{}",
                list.join(","),
                x.vendor_class.as_deref().unwrap_or("")
            )
        }),
        software: {
            let mut lines: Vec<String> = d
                .tls
                .ja4
                .iter()
                .map(|j| format!("ja4:{j}"))
                .chain(
                    d.user_agents
                        .iter()
                        .map(|u| format!("ua:{}", u.replace('\n', " "))),
                )
                .collect();
            lines.sort();
            lines.dedup();
            // Bounded: what tells one device from another fits in a few lines.
            lines.truncate(SOFTWARE_LINES);
            for l in &mut lines {
                if l.len() > SOFTWARE_LINE_BYTES {
                    let mut cut = SOFTWARE_LINE_BYTES;
                    while !l.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    l.truncate(cut);
                }
            }
            (!lines.is_empty()).then(|| lines.join("\n"))
        },
        first_ns: d.first_seen.0,
        last_ns: d.last_seen.0,
        report,
    }
}
