//! Judgement (the pipeline's `judge` stage): reads the inventory's evidence and emits findings,
//! each with a stable identifier, a severity and the flows that show it. Explanations are not
//! made here: the `explain` stage words them in the reader's language.

pub mod detect;
pub mod mud_audit;
pub mod mud_learn;

use iotgate_observe::device::{Fact, FactKind, Role};
use iotgate_observe::{Device, Inventory};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Weakness with limited exposure.
    Low,
    /// Weakness an attacker on the network can use.
    Medium,
    /// Credentials or control exposed.
    High,
}

impl Severity {
    /// Stable identifier.
    pub fn id(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

/// A finding about one device.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Stable identifier (`cleartext-telnet`, `tls-legacy`, ...), also the localisation key.
    pub id: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The flows that show it (bounded by the inventory's limits).
    pub evidence: Vec<Fact>,
}

/// Every finding identifier this stage can emit, with its severity.
pub const CATALOGUE: &[(&str, Severity)] = &[
    ("cleartext-telnet", Severity::High),
    ("http-basic-auth", Severity::High),
    ("http-cleartext-secrets", Severity::Medium),
    ("mqtt-cleartext-credentials", Severity::High),
    ("cleartext-ftp", Severity::Medium),
    ("rtsp-cleartext", Severity::Medium),
    ("tls-legacy", Severity::Medium),
    ("upnp-port-mapping", Severity::Medium),
    ("mqtt-cleartext", Severity::Low),
    ("unidentified-cleartext", Severity::Low),
    ("dns-hardcoded-resolver", Severity::Low),
];

fn severity_of(id: &str) -> Severity {
    CATALOGUE
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(_, s)| *s)
        .unwrap_or(Severity::Info)
}

/// The resolvers a network hands out, or, when DHCP was not seen, the local-address resolvers
/// its devices use.
pub fn network_resolvers(inv: &Inventory) -> BTreeSet<IpAddr> {
    let mut set: BTreeSet<IpAddr> = inv.network_resolvers.clone();
    if set.is_empty() {
        for d in &inv.devices {
            for f in d.facts.iter().filter(|f| f.kind == FactKind::DnsQuery) {
                if iotgate_wire::net::is_local(&f.peer) {
                    set.insert(f.peer);
                }
            }
        }
    }
    set
}

/// Findings for one device, most severe first.
pub fn findings(dev: &Device, resolvers: &BTreeSet<IpAddr>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut add = |id: &'static str, f: &Fact| {
        if let Some(x) = out.iter_mut().find(|x| x.id == id) {
            x.evidence.push(f.clone());
        } else {
            out.push(Finding {
                id,
                severity: severity_of(id),
                evidence: vec![f.clone()],
            });
        }
    };
    for f in &dev.facts {
        // A router relays other hosts' traffic: evidence on its public side is not its own.
        if dev.routes && !iotgate_wire::net::is_local(&f.local) {
            continue;
        }
        let id = match f.kind {
            FactKind::Telnet => "cleartext-telnet",
            FactKind::Ftp => "cleartext-ftp",
            FactKind::HttpBasicAuth => "http-basic-auth",
            FactKind::HttpSecrets => "http-cleartext-secrets",
            FactKind::MqttCredentials => "mqtt-cleartext-credentials",
            FactKind::MqttCleartext => "mqtt-cleartext",
            FactKind::Rtsp => "rtsp-cleartext",
            FactKind::TlsLegacy => "tls-legacy",
            FactKind::UnidentifiedText => "unidentified-cleartext",
            FactKind::UpnpPortMapping if f.role == Role::Client => "upnp-port-mapping",
            FactKind::DnsQuery => {
                // Hard-coded resolver: the network has resolvers and this is not one of them.
                // A second resolver inside the site (a Pi-hole) is still the network's own.
                if resolvers.is_empty()
                    || resolvers.contains(&f.peer)
                    || iotgate_wire::net::is_local(&f.peer)
                {
                    continue;
                }
                "dns-hardcoded-resolver"
            }
            _ => continue,
        };
        add(id, f);
    }
    out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.id.cmp(b.id)));
    out
}
