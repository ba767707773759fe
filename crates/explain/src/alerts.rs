//! Detection alerts as report data (the top-level `alerts` of `iotgate.analysis/1`), each with
//! a plain-language explanation and the recommended actions in the reader's language.

use crate::typed::{alert_kind, severity, Direction, Proto, Text, Time};
use iotgate_judge::detect::{Alert, Kind};
use iotgate_judge::Severity;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The other side of an alert.
#[derive(Debug, Clone, Serialize)]
pub struct PeerRefOut {
    /// Address.
    pub ip: Option<IpAddr>,
    /// MAC, when it is a device on this network.
    pub mac: Option<String>,
    /// A name for it (what the device resolved, or a domain).
    pub name: Option<String>,
}

/// A flow shown as evidence.
#[derive(Debug, Clone, Serialize)]
pub struct SampleOut {
    /// First packet.
    pub time: Time,
    /// Initiator.
    pub src: IpAddr,
    /// Responder.
    pub dst: IpAddr,
    /// Protocol.
    pub proto: Proto,
    /// Initiator's port.
    pub sport: u16,
    /// Responder's port.
    pub dport: u16,
}

/// What an alert rests on.
#[derive(Debug, Clone, Serialize)]
pub struct AlertEvidenceOut {
    /// Counters (`probes`, `targets`, `peak_per_second`, `sessions`, ...).
    pub counts: BTreeMap<&'static str, u64>,
    /// A few flows.
    pub samples: Vec<SampleOut>,
    /// The blocklist that matched, by file name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// The list entry that matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// Other items: ports scanned, domains, new destinations.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

/// One alert.
#[derive(Debug, Clone, Serialize)]
pub struct AlertOut {
    /// `scan`, `brute-force`, `flood`, `c2`, `blocklist`, `exposure`, `behaviour-change`.
    #[serde(serialize_with = "alert_kind")]
    pub kind: Kind,
    /// The variant (`mirai`, `horizontal`, `syn`, `heartbeat`, ...).
    pub detail: &'static str,
    /// `low`, `medium`, `high`.
    #[serde(serialize_with = "severity")]
    pub severity: Severity,
    /// 0 to 1.
    pub confidence: f32,
    /// The device it is about (left out for a subscriber).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mac: String,
    /// The subscriber it is about (ISP mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<String>,
    /// A readable name for it.
    pub device: String,
    /// Its addresses.
    pub ips: Vec<IpAddr>,
    /// `outbound` when the device acts, `inbound` when it is the target.
    pub direction: Direction,
    /// First evidence.
    pub first_seen: Time,
    /// Last evidence.
    pub last_seen: Time,
    /// When the threshold was crossed (capture time).
    pub raised_at: Time,
    /// Seconds from the first evidence to the alert.
    pub delay_s: f64,
    /// Victim, target, attacker or server.
    pub peer: Option<PeerRefOut>,
    /// Protocol concerned.
    pub proto: Option<Proto>,
    /// Port concerned.
    pub port: Option<u16>,
    /// The evidence.
    pub evidence: AlertEvidenceOut,
    /// Recommended actions, most important first (`quarantine`, `change-password`,
    /// `update-firmware`, `factory-reset`, `close-port`, `review`).
    pub actions: Vec<&'static str>,
    /// Title in the reader's language.
    pub title: Text,
    /// What happened, in plain language.
    pub explanation: Text,
    /// What to do, in plain language.
    pub action: Text,
}

/// The actions recommended for an alert, most important first.
pub fn actions(kind: Kind, detail: &str) -> &'static [&'static str] {
    match (kind, detail) {
        (Kind::Scan | Kind::Flood | Kind::C2 | Kind::Blocklist, _)
        | (Kind::BruteForce, "outbound") => &[
            "quarantine",
            "factory-reset",
            "update-firmware",
            "change-password",
        ],
        (Kind::BruteForce, _) => &["change-password", "close-port", "update-firmware"],
        (Kind::Exposure, "inbound" | "inbound-behind" | "upnp-port-mapping") => {
            &["close-port", "change-password", "update-firmware"]
        }
        (Kind::Exposure, _) => &["review"],
        (Kind::BehaviourChange, _) => &["review", "update-firmware"],
    }
}

/// Every action identifier (the catalogue tests check each is worded).
pub const ACTIONS: &[&str] = &[
    "quarantine",
    "factory-reset",
    "update-firmware",
    "change-password",
    "close-port",
    "review",
];

/// What an alert shows of its device.
pub struct DeviceName<'a> {
    /// Its MAC, as the report writes it (empty for a subscriber).
    pub mac: &'a str,
    /// Its subscriber id, as the report writes it.
    pub subscriber: Option<&'a str>,
    /// A readable name (host name, else vendor), if any.
    pub name: Option<&'a str>,
    /// Its addresses.
    pub addresses: Vec<IpAddr>,
}

/// Builds the report entries; `devices` (sorted by MAC) supplies readable device names.
pub fn alerts_out(alerts: &[Alert], devices: &[DeviceName<'_>]) -> Vec<AlertOut> {
    alerts.iter().map(|a| alert_out(a, devices)).collect()
}

fn alert_out(a: &Alert, devices: &[DeviceName<'_>]) -> AlertOut {
    // Names, list entries and items come from the network or from files: made visible.
    use crate::safe::{visible, visible_owned};
    let subscriber = a.subscriber.as_deref().map(visible_owned);
    let mac = if subscriber.is_some() {
        String::new()
    } else {
        a.mac.to_string()
    };
    // Devices come sorted by MAC then subscriber (`model::build`): a binary search, with a
    // walk as the fallback should a caller pass them in another order.
    let key = (mac.as_str(), subscriber.as_deref());
    let d = match devices.binary_search_by(|d| (d.mac, d.subscriber).cmp(&key)) {
        Ok(i) => devices.get(i),
        Err(_) => devices.iter().find(|d| (d.mac, d.subscriber) == key),
    };
    let shown = subscriber.clone().unwrap_or_else(|| mac.clone());
    let name = d
        .and_then(|d| d.name)
        .map(|n| format!("{} ({shown})", visible(n)))
        .unwrap_or_else(|| shown.clone());
    let ips: Vec<IpAddr> = d.map(|d| d.addresses.clone()).unwrap_or_default();
    let peer_ip = a.peer.map(|p| p.to_string());
    let peer_txt = match (&peer_ip, &a.peer_name) {
        (Some(ip), Some(n)) => format!("{} ({ip})", visible(n)),
        (Some(ip), None) => ip.clone(),
        (None, Some(n)) => visible_owned(n),
        (None, None) => "-".to_string(),
    };
    let c = |k: &str| a.count(k).unwrap_or(0);
    let n = match (a.kind, a.detail) {
        (Kind::Scan, "mirai") => c("mirai_syns"),
        (Kind::Scan, "vertical") => c("ports"),
        (Kind::Scan, "stealth") => c("stealth_probes"),
        (Kind::Scan, "tool") => c("requests"),
        (Kind::Scan, _) => c("targets"),
        (Kind::BruteForce, _) => c("sessions"),
        (Kind::Flood, "dns-water-torture") => c("names_per_10s"),
        (Kind::Flood, _) => c("peak_per_second").max(c("peak_pps")),
        (Kind::C2, "icmp-tunnel") => c("replies"),
        (Kind::C2, "dns-tunnel") => c("names"),
        (Kind::C2, "check-ins") => c("sessions"),
        (Kind::C2, "random-post") => c("requests"),
        (Kind::C2, _) => c("intervals"),
        (Kind::Blocklist, _) => c("flows").max(c("queries")),
        (Kind::Exposure, _) => c("connections").max(c("count")),
        (Kind::BehaviourChange, _) => c("new_entries"),
    };
    let secs = (c("interval_ms") as f64 / 1000.0).round();
    let (list, entry) = a
        .list
        .as_ref()
        .map(|(l, e)| (visible_owned(l), visible_owned(e)))
        .unzip();
    let items: Vec<String> = a.items.iter().map(|x| visible_owned(x)).collect();
    let port = a.port.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
    let id = format!("alert-{}-{}", a.kind.id(), a.detail);
    let text = |part: &str| {
        Text::new(format!("{id}-{part}"))
            .arg("device", name.as_str())
            .arg("peer", peer_txt.as_str())
            .arg("port", port.as_str())
            .arg("n", n)
            .arg("targets", c("targets"))
            .arg("error", c("targets_error_permille") as f64 / 10.0)
            .arg("secs", secs)
            .arg("list", list.as_deref().unwrap_or_default())
            .arg("entry", entry.as_deref().unwrap_or_default())
            .arg("items", items.join(", "))
    };
    let acts = actions(a.kind, a.detail);
    AlertOut {
        kind: a.kind,
        detail: a.detail,
        severity: a.severity,
        confidence: (a.confidence * 100.0).round() / 100.0,
        device: name.clone(),
        ips,
        direction: if a.inbound {
            Direction::Inbound
        } else {
            Direction::Outbound
        },
        first_seen: Time(a.first_ns),
        last_seen: Time(a.last_ns),
        raised_at: Time(a.raised_ns),
        delay_s: ((a.raised_ns - a.first_ns).max(0) as f64 / 1e6).round() / 1e3,
        peer: (a.peer.is_some() || a.peer_name.is_some()).then(|| PeerRefOut {
            ip: a.peer,
            mac: a.peer_mac.map(|m| m.to_string()),
            name: a.peer_name.as_deref().map(visible_owned),
        }),
        proto: (a.proto != 0).then_some(Proto(a.proto)),
        port: a.port,
        title: text("title"),
        explanation: text("explain"),
        action: Text::Joined(
            acts.iter()
                .map(|x| Text::new(format!("alert-action-{x}")))
                .collect(),
        ),
        evidence: AlertEvidenceOut {
            counts: a.counts.iter().cloned().collect(),
            samples: a
                .samples
                .iter()
                .map(|s| SampleOut {
                    time: Time(s.ts),
                    src: s.src,
                    dst: s.dst,
                    proto: Proto(s.proto),
                    sport: s.sport,
                    dport: s.dport,
                })
                .collect(),
            list,
            entry,
            items,
        },
        actions: acts.to_vec(),
        mac,
        subscriber,
    }
}
