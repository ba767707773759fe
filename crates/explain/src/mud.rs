//! MUD audit results as report data (the `mud` section of `iotgate.analysis/1`) and as terminal
//! text, with every violation explained in the reader's language.

use crate::i18n::{Arg, Localizer};
use crate::safe::{visible, visible_owned};
use crate::typed::{Proto, Text, Time};
use iotgate_judge::mud_audit::{DeviceAudit, ViolationKey, ViolationStats};
use serde::Serialize;
use std::net::IpAddr;

/// The audit of one device.
#[derive(Debug, Clone, Serialize)]
pub struct MudAuditOut {
    /// The device's MAC.
    pub mac: String,
    /// Where the profile came from.
    pub source: String,
    /// The profile's MUD URL.
    pub mud_url: String,
    /// The profile's description of the device.
    pub systeminfo: Option<String>,
    /// Flows decided.
    pub flows: u64,
    /// Flows the profile allows both ways.
    pub allowed: u64,
    /// Flows it does not.
    pub violating: u64,
    /// One line saying how it went.
    pub summary: Text,
    /// Violations, most flows first.
    pub violations: Vec<ViolationOut>,
    /// Violating flows not listed (beyond the bound).
    pub violations_dropped: u64,
    /// Entries that no flow used.
    pub unused_aces: Vec<UnusedOut>,
}

/// A group of violating flows.
#[derive(Debug, Clone, Serialize)]
pub struct ViolationOut {
    /// The other side.
    pub remote: IpAddr,
    /// The name the device resolved to it, if any.
    pub name: Option<String>,
    /// `tcp`, `udp`, `icmp`, ...
    pub proto: Proto,
    /// The service port (the responder's).
    pub port: u16,
    /// True when the device opened the flows.
    pub device_initiated: bool,
    /// Directions refused: `from-device`, `to-device`.
    pub refused: Vec<&'static str>,
    /// The entry that refused it explicitly (`acl/ace`), when one did.
    pub denied_by: Option<String>,
    /// Flows.
    pub flows: u64,
    /// Packets both ways.
    pub packets: u64,
    /// Bytes both ways.
    pub bytes: u64,
    /// First packet.
    pub first_seen: Time,
    /// Last packet.
    pub last_seen: Time,
    /// What happened, in plain words.
    pub explanation: Text,
}

/// An entry no flow used.
#[derive(Debug, Clone, Serialize)]
pub struct UnusedOut {
    /// `from-device` or `to-device`.
    pub direction: &'static str,
    /// ACL name.
    pub acl: String,
    /// Entry name.
    pub ace: String,
}

fn direction(from_device: bool) -> &'static str {
    if from_device {
        "from-device"
    } else {
        "to-device"
    }
}

/// Report data for one device's audit. `name` is what people call the device (a host name or its
/// maker), when known; explanations name it before its MAC.
pub fn audit_out(a: &DeviceAudit, name: Option<&str>) -> MudAuditOut {
    let mac = a.mac.to_string();
    let who = match name {
        Some(n) => format!("{} ({mac})", visible(n)),
        None => mac.clone(),
    };
    let mut v: Vec<(&ViolationKey, &ViolationStats)> = a.violations.iter().collect();
    v.sort_by(|x, y| y.1.flows.cmp(&x.1.flows).then(x.0.cmp(y.0)));
    let violations = v
        .into_iter()
        .map(|(k, s)| violation(a, &who, k, s))
        .collect();
    let summary = Text::new("mudaudit-summary")
        .arg("flows", a.flows)
        .arg("allowed", a.allowed)
        .arg("violating", a.violating);
    MudAuditOut {
        mac,
        source: visible_owned(&a.source),
        mud_url: visible_owned(&a.profile().url),
        systeminfo: a.profile().systeminfo.as_deref().map(visible_owned),
        flows: a.flows,
        allowed: a.allowed,
        violating: a.violating,
        summary,
        violations,
        violations_dropped: a.violations_dropped,
        unused_aces: a
            .unused()
            .into_iter()
            .map(|(from, acl, ace)| UnusedOut {
                direction: direction(from),
                acl: visible_owned(acl),
                ace: visible_owned(ace),
            })
            .collect(),
    }
}

fn violation(a: &DeviceAudit, mac: &str, k: &ViolationKey, s: &ViolationStats) -> ViolationOut {
    let remote = k.remote;
    let peer = match &s.name {
        Some(n) => format!("{remote} ({})", visible(n)),
        None => remote.to_string(),
    };
    let proto = Proto(k.proto);
    let denied_by = s.denied_by.and_then(|(from, acl, ace)| {
        let acls = if from {
            &a.profile().from_device
        } else {
            &a.profile().to_device
        };
        let acl = acls.get(acl)?;
        Some(format!(
            "{}/{}",
            visible(&acl.name),
            visible(&acl.aces.get(ace)?.name)
        ))
    });
    let who = if k.device_initiated {
        "device"
    } else {
        "remote"
    };
    let explanation = Text::new("mudaudit-violation")
        .arg("device", mac)
        .arg("peer", peer)
        .arg("proto", proto.to_string().to_uppercase())
        .arg("port", f64::from(k.port))
        .arg("who", who)
        .arg(
            "how",
            if denied_by.is_some() {
                "denied"
            } else {
                "unlisted"
            },
        );
    ViolationOut {
        remote,
        name: s.name.as_deref().map(visible_owned),
        proto,
        port: k.port,
        device_initiated: k.device_initiated,
        refused: [(1u8, true), (2u8, false)]
            .iter()
            .filter(|(b, _)| k.refused & b != 0)
            .map(|(_, f)| direction(*f))
            .collect(),
        denied_by,
        flows: s.flows,
        packets: s.packets,
        bytes: s.bytes,
        first_seen: Time(s.first_ns),
        last_seen: Time(s.last_ns),
        explanation,
    }
}

/// The audits as terminal text.
pub fn audit_text(l: &Localizer, audits: &[MudAuditOut]) -> String {
    crate::safe::terminal(&audit_text_unchecked(l, audits), false).into_owned()
}

fn audit_text_unchecked(l: &Localizer, audits: &[MudAuditOut]) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    for a in audits {
        let info = a
            .systeminfo
            .as_deref()
            .map(|s| format!(" — {s}"))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "{}",
            l.ta(
                "mudaudit-head",
                &[
                    ("mac", Arg::S(&a.mac)),
                    ("url", Arg::S(&a.mud_url)),
                    ("source", Arg::S(&a.source)),
                ]
            )
        );
        let _ = writeln!(o, "  {}{info}", a.summary.render(l));
        if !a.violations.is_empty() {
            let _ = writeln!(o, "  {}", l.t("mudaudit-violations"));
            for v in &a.violations {
                let service = if v.port == 0 {
                    v.proto.to_string()
                } else {
                    format!("{}/{}", v.proto, v.port)
                };
                let _ = writeln!(
                    o,
                    "    {} {} {} {}",
                    v.remote,
                    service,
                    v.name.as_deref().unwrap_or("-"),
                    l.ta(
                        "mudaudit-counts",
                        &[
                            ("flows", Arg::N(v.flows as f64)),
                            ("packets", Arg::N(v.packets as f64)),
                            ("first", Arg::S(&v.first_seen.to_string())),
                        ]
                    )
                );
                let _ = writeln!(o, "      {}", v.explanation.render(l));
            }
            if a.violations_dropped > 0 {
                let _ = writeln!(
                    o,
                    "    {}",
                    l.ta(
                        "mudaudit-dropped",
                        &[("n", Arg::N(a.violations_dropped as f64))]
                    )
                );
            }
            let _ = writeln!(o, "  {}", l.t("mudaudit-advice"));
        }
        if !a.unused_aces.is_empty() {
            let names: Vec<String> = a
                .unused_aces
                .iter()
                .map(|u| format!("{}/{}", u.acl, u.ace))
                .collect();
            let _ = writeln!(
                o,
                "  {} {}",
                l.ta(
                    "mudaudit-unused",
                    &[("n", Arg::N(a.unused_aces.len() as f64))]
                ),
                names.join(", ")
            );
        }
        o.push('\n');
    }
    o
}
