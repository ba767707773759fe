//! The analysis report as data: the versioned JSON contract (`iotgate.analysis/1`) that the
//! terminal, HTML and JSON renderers read. It holds no language: severities, kinds, addresses,
//! protocols and times are types, and words for people are [`Text`] (a catalogue message and
//! its arguments) that the renderers translate — the JSON one through [`InLanguage`].

pub use crate::format::{proto_name, rfc3339, write_json_pretty};
use crate::i18n::Localizer;
use crate::safe::{visible, visible_owned};
use crate::typed::{device_kind, role, severity, RenderLanguage};
pub use crate::typed::{in_language, Direction, InLanguage, Proto, Text, Time, TlsVersion};
use iotgate_judge::{findings, network_resolvers, Finding, Severity};
use iotgate_observe::device::{Fact, Role};
use iotgate_observe::flow::FlowStats;
use iotgate_observe::kind::classify;
use iotgate_observe::{Device, Inventory, Stats};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The schema identifier of the JSON report.
pub const SCHEMA: &str = "iotgate.analysis/1";

/// One input capture.
#[derive(Debug, Clone, Serialize)]
pub struct CaptureOut {
    /// Path as given.
    pub path: String,
    /// Packets read from it.
    pub packets: u64,
    /// Warnings (truncation, damage).
    pub warnings: Vec<Text>,
}

/// Totals of the run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Frames read.
    pub packets: u64,
    /// Bytes on the wire.
    pub bytes: u64,
    /// Timestamp of the first frame.
    pub first_seen: Option<Time>,
    /// Timestamp of the last frame.
    pub last_seen: Option<Time>,
    /// Devices in the inventory.
    pub devices: usize,
    /// MACs not stored because the inventory was full.
    pub devices_dropped: u64,
    /// Flows created.
    pub flows: u64,
    /// Flows evicted early because the table was full.
    pub flows_evicted_under_pressure: u64,
    /// Clients' first messages spanning several segments inspected segment by segment, because
    /// every reassembly buffer was taken (a flood of unfinished messages).
    pub reassembly_fallbacks: u64,
    /// Client segments that overlapped bytes already held for a first message with different
    /// bytes (the first copy was kept): how an evasion attempt shows.
    pub reassembly_overlap_conflicts: u64,
    /// Packets taken out of tunnels, per kind (`gre`, `vxlan`, `gtp_u`, `ip_in_ip`, `teredo`,
    /// `capwap`), and tunnel headers that were `malformed` or nested `too_deep` (only the outer
    /// packet was analysed).
    pub tunnels: std::collections::BTreeMap<&'static str, u64>,
    /// IPv6 packets whose extension-header chain was too long to walk (left out of every flow).
    pub ipv6_ext_unparsed: u64,
    /// Frames that failed to decode above the link layer.
    pub decode_errors: u64,
    /// Frames whose link header could not be read.
    pub link_errors: u64,
    /// Frames of link types not decoded.
    pub unsupported_link: u64,
    /// Findings per severity.
    pub findings: std::collections::BTreeMap<&'static str, usize>,
    /// Alerts per severity.
    pub alerts: std::collections::BTreeMap<&'static str, usize>,
}

/// What the network itself announces.
#[derive(Debug, Clone, Serialize)]
pub struct NetworkOut {
    /// DNS resolvers handed out (or used locally).
    pub resolvers: Vec<IpAddr>,
    /// Routers handed out by DHCP.
    pub routers: Vec<IpAddr>,
}

/// DHCPv4 fingerprint.
#[derive(Debug, Clone, Serialize)]
pub struct DhcpOut {
    /// Option 60.
    pub vendor_class: Option<String>,
    /// Option 55 in order.
    pub param_request_list: Vec<u8>,
    /// Option 57.
    pub max_size: Option<u16>,
    /// Option 61 (hex).
    pub client_id: Option<String>,
}

/// A host name and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct HostnameOut {
    /// The name.
    pub name: String,
    /// `dhcp-12`, `dhcp-81`, `dhcpv6-39`, `mdns`, `lldp`.
    pub source: &'static str,
}

/// TLS client identity.
#[derive(Debug, Clone, Serialize)]
pub struct TlsOut {
    /// SNIs sent.
    pub snis: Vec<String>,
    /// JA4 fingerprints.
    pub ja4: Vec<String>,
    /// JA3 strings.
    pub ja3: Vec<String>,
    /// Highest versions offered, newest first.
    pub versions: Vec<TlsVersion>,
    /// Cipher suites offered (IANA codes, ascending; not part of the JSON).
    #[serde(skip)]
    pub suites: Vec<u16>,
}

/// One peer aggregate.
#[derive(Debug, Clone, Serialize)]
pub struct PeerOut {
    /// Peer address.
    pub ip: IpAddr,
    /// Name the device resolved to this address.
    pub name: Option<String>,
    /// `tcp`, `udp`, `icmp`, `icmpv6` or the protocol number.
    pub proto: Proto,
    /// Service port (the responder's).
    pub port: u16,
    /// True when the device opened the flows.
    pub initiated_by_device: bool,
    /// Packets both ways.
    pub packets: u64,
    /// Bytes both ways.
    pub bytes: u64,
    /// Packets the device sent.
    pub packets_sent: u64,
    /// Bytes the device sent.
    pub bytes_sent: u64,
    /// Flows.
    pub flows: u64,
    /// First seen.
    pub first_seen: Time,
    /// Last seen.
    pub last_seen: Time,
}

/// Flows summed instead of listed one by one (peers beyond the per-device bound, traffic
/// carried for other addresses), so that totals stay right.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NotListedOut {
    /// Flows.
    pub flows: u64,
    /// Packets both ways.
    pub packets: u64,
    /// Bytes both ways.
    pub bytes: u64,
}

/// One flow of evidence.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceOut {
    /// `client` or `server`: the device's role.
    #[serde(serialize_with = "role")]
    pub role: Role,
    /// The device's address.
    pub device_ip: IpAddr,
    /// The other side.
    pub peer_ip: IpAddr,
    /// Protocol.
    pub proto: Proto,
    /// Client port.
    pub client_port: u16,
    /// Server port.
    pub server_port: u16,
    /// First time seen.
    pub first_seen: Time,
    /// Last time seen.
    pub last_seen: Time,
    /// Times seen.
    pub count: u64,
    /// Detail (version, client id, action...).
    pub detail: String,
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    /// Stable identifier.
    pub id: &'static str,
    /// `high`, `medium`, `low`, `info`.
    #[serde(serialize_with = "severity")]
    pub severity: Severity,
    /// Short title.
    pub title: Text,
    /// What it means, plainly.
    pub explanation: Text,
    /// What to do.
    pub advice: Text,
    /// Flows that show it.
    pub evidence: Vec<EvidenceOut>,
}

/// One device.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceOut {
    /// MAC, lower case (left out for a subscriber, which has none).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mac: String,
    /// The subscriber id, when the device stands for an ISP's subscriber (`iotgate collect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscriber: Option<String>,
    /// Vendor from the IEEE registry.
    pub vendor: Option<String>,
    /// Kind identifier.
    #[serde(serialize_with = "device_kind")]
    pub kind: iotgate_observe::kind::Kind,
    /// Kind in the report's language.
    pub kind_label: Text,
    /// Why this kind, in the report's language.
    pub kind_reason: Text,
    /// IPv4 addresses.
    pub ipv4: Vec<Ipv4Addr>,
    /// IPv6 addresses.
    pub ipv6: Vec<Ipv6Addr>,
    /// Host names.
    pub hostnames: Vec<String>,
    /// Host names with their sources.
    pub hostname_sources: Vec<HostnameOut>,
    /// DHCPv4 fingerprint.
    pub dhcp: Option<DhcpOut>,
    /// DHCPv6 vendor class (`enterprise:data`).
    pub dhcpv6_vendor_class: Option<String>,
    /// MUD URL.
    pub mud_url: Option<String>,
    /// Where the MUD URL came from.
    pub mud_url_source: Option<&'static str>,
    /// mDNS services announced.
    pub mdns_services: Vec<String>,
    /// SSDP SERVER strings.
    pub ssdp_servers: Vec<String>,
    /// SSDP LOCATION URLs.
    pub ssdp_locations: Vec<String>,
    /// TLS client identity.
    pub tls: TlsOut,
    /// HTTP User-Agents.
    pub user_agents: Vec<String>,
    /// Names queried and answered.
    pub domains: Vec<String>,
    /// NTP client version, if it used NTP.
    pub ntp_version: Option<u8>,
    /// TCP sessions by the protocol their first payload showed (`tls`, `http`,
    /// `unidentified-text`…; [`iotgate_wire::ident::Session`]), kinds never seen left out.
    pub sessions: std::collections::BTreeMap<&'static str, u64>,
    /// The tunnels its packets were seen inside (`gre`, `vxlan`, `gtp_u`, `ip_in_ip`, `teredo`,
    /// `capwap`; [`iotgate_wire::tunnel::Tunnel::id`]), in that order; empty when none.
    pub tunnels: Vec<&'static str>,
    /// First seen.
    pub first_seen: Time,
    /// Last seen.
    pub last_seen: Time,
    /// Peers, most bytes first.
    pub peers: Vec<PeerOut>,
    /// Peers beyond the bound, aggregated away.
    pub peers_not_listed: u64,
    /// The traffic of those flows, summed (peers beyond the bound are counted here, not lost).
    pub not_listed: NotListedOut,
    /// Traffic its MAC carried for addresses not its own (a router's relayed hosts, forged
    /// sources), summed: with `peers` and `not_listed`, all the flows its MAC took part in.
    pub carried: NotListedOut,
    /// Findings, most severe first.
    pub findings: Vec<FindingOut>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// Program and version.
    pub generator: String,
    /// Language of the text fields: the one it is rendered in.
    pub lang: RenderLanguage,
    /// Inputs.
    pub captures: Vec<CaptureOut>,
    /// Totals.
    pub summary: Summary,
    /// The network's own services.
    pub network: NetworkOut,
    /// Devices, sorted by MAC.
    pub devices: Vec<DeviceOut>,
    /// Detection alerts, most severe first (empty when detection is off).
    pub alerts: Vec<crate::alerts::AlertOut>,
    /// MUD audits, when profiles were given (sorted by MAC).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mud: Vec<crate::mud::MudAuditOut>,
}

impl DeviceOut {
    /// How the report names the device: its subscriber id, else its MAC.
    pub fn id(&self) -> &str {
        self.subscriber.as_deref().unwrap_or(&self.mac)
    }

    /// The device's heading in `l`'s language: its MAC, or "subscriber ID".
    pub fn heading(&self, l: &crate::Localizer) -> String {
        match &self.subscriber {
            Some(s) => l.ta("device-subscriber", &[("id", crate::Arg::S(s))]),
            None => self.mac.clone(),
        }
    }
}

impl Analysis {
    /// Adds detection alerts (most severe first) and their per-severity totals.
    pub fn set_alerts(&mut self, alerts: &[iotgate_judge::detect::Alert]) {
        let names: Vec<crate::alerts::DeviceName<'_>> = self
            .devices
            .iter()
            .map(|d| crate::alerts::DeviceName {
                mac: &d.mac,
                subscriber: d.subscriber.as_deref(),
                name: d
                    .hostnames
                    .first()
                    .or(d.vendor.as_ref())
                    .map(String::as_str),
                addresses: d
                    .ipv4
                    .iter()
                    .map(|&a| IpAddr::V4(a))
                    .chain(d.ipv6.iter().map(|&a| IpAddr::V6(a)))
                    .collect(),
            })
            .collect();
        self.alerts = crate::alerts::alerts_out(alerts, &names);
        self.summary.alerts.clear();
        for a in &self.alerts {
            *self.summary.alerts.entry(a.severity.id()).or_insert(0) += 1;
        }
    }

    /// The report written as JSON with its words in `l`'s language.
    pub fn in_language<'a>(&'a self, l: &'a Localizer) -> InLanguage<'a, Analysis> {
        in_language(self, l)
    }

    /// The `iotgate.mud-audit/1` document of `iotgate mud audit --format json`, in `l`'s
    /// language: the captures, the audits, and the lines saying why announced profiles could
    /// not be used.
    pub fn mud_audit_json(
        &self,
        l: &Localizer,
        cache_problems: &[String],
    ) -> serde_json::Result<serde_json::Value> {
        let doc = serde_json::json!({
            "schema": "iotgate.mud-audit/1",
            "generator": self.generator,
            "lang": l.lang().code(),
            "captures": serde_json::to_value(in_language(&self.captures, l))?,
            "audits": serde_json::to_value(in_language(&self.mud, l))?,
            "cache_problems": cache_problems,
        });
        Ok(doc)
    }
}

fn evidence(f: &Fact) -> EvidenceOut {
    EvidenceOut {
        role: f.role,
        device_ip: f.local,
        peer_ip: f.peer,
        proto: Proto(f.proto),
        client_port: f.client_port,
        server_port: f.server_port,
        first_seen: Time(f.first_ns),
        last_seen: Time(f.last_ns),
        count: f.count,
        detail: visible_owned(&f.detail),
    }
}

fn finding(f: &Finding) -> FindingOut {
    let detail = visible(f.evidence.first().map(|e| e.detail.as_str()).unwrap_or(""));
    let peer = f
        .evidence
        .first()
        .map(|e| e.peer.to_string())
        .unwrap_or_default();
    let text = |part: &str| {
        Text::new(format!("finding-{}-{part}", f.id))
            .arg("detail", detail.as_ref())
            .arg("peer", peer.as_str())
    };
    FindingOut {
        id: f.id,
        severity: f.severity,
        title: text("title"),
        explanation: text("explain"),
        advice: text("advice"),
        evidence: f.evidence.iter().map(evidence).collect(),
    }
}

fn device(d: &Device, resolvers: &std::collections::BTreeSet<IpAddr>) -> DeviceOut {
    let (kind, reason) = classify(d);
    let mut peers: Vec<(
        &iotgate_observe::device::PeerKey,
        &iotgate_observe::device::PeerStats,
    )> = d.peers.iter().collect();
    peers.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then(a.0.cmp(b.0)));
    DeviceOut {
        mac: if d.subscriber.is_some() {
            String::new()
        } else {
            d.mac.to_text()
        },
        subscriber: d.subscriber.as_deref().map(crate::safe::visible_owned),
        vendor: d.vendor.map(str::to_string),
        kind,
        kind_label: Text::new(format!("kind-{}", kind.id())),
        kind_reason: Text::new(format!("reason-{}", reason.rule))
            .arg("evidence", visible_owned(&reason.evidence)),
        ipv4: d.ipv4.iter().copied().collect(),
        ipv6: d.ipv6.iter().copied().collect(),
        hostnames: {
            let mut v: Vec<String> = Vec::new();
            for (h, _) in &d.hostnames {
                if !v.iter().any(|x| x.eq_ignore_ascii_case(h)) {
                    v.push(visible_owned(h));
                }
            }
            v
        },
        hostname_sources: d
            .hostnames
            .iter()
            .map(|(h, s)| HostnameOut {
                name: visible_owned(h),
                source: s.id(),
            })
            .collect(),
        dhcp: d.dhcp.as_ref().map(|x| DhcpOut {
            vendor_class: x.vendor_class.as_deref().map(visible_owned),
            param_request_list: x.param_request_list.clone(),
            max_size: x.max_size,
            client_id: x.client_id.as_deref().map(visible_owned),
        }),
        dhcpv6_vendor_class: d
            .dhcpv6_vendor_class
            .as_ref()
            .map(|(e, s)| format!("{e}:{}", visible(s))),
        mud_url: d.mud_url.as_ref().map(|(u, _)| visible_owned(u)),
        mud_url_source: d.mud_url.as_ref().map(|(_, s)| s.id()),
        mdns_services: d.mdns_services.iter().map(|x| visible_owned(x)).collect(),
        ssdp_servers: d.ssdp_servers.iter().map(|x| visible_owned(x)).collect(),
        ssdp_locations: d.ssdp_locations.iter().map(|x| visible_owned(x)).collect(),
        tls: TlsOut {
            snis: d.tls_snis.iter().map(|x| visible_owned(x)).collect(),
            ja4: d.ja4.iter().cloned().collect(),
            ja3: d.ja3.iter().cloned().collect(),
            versions: d
                .tls_versions
                .iter()
                .rev()
                .map(|&v| TlsVersion(v))
                .collect(),
            suites: d.tls_suites.iter().copied().collect(),
        },
        user_agents: d.user_agents.iter().map(|x| visible_owned(x)).collect(),
        domains: d.domains.iter().map(|x| visible_owned(x)).collect(),
        ntp_version: d.ntp.map(|(v, _)| v),
        sessions: iotgate_wire::ident::SESSIONS
            .iter()
            .filter(|k| d.sessions[k.index()] > 0)
            .map(|k| (k.id(), u64::from(d.sessions[k.index()])))
            .collect(),
        tunnels: iotgate_wire::tunnel::Tunnel::ALL
            .iter()
            .filter(|t| d.tunnels & (1 << t.index()) != 0)
            .map(|t| t.id())
            .collect(),
        first_seen: Time(d.first_ns),
        last_seen: Time(d.last_ns),
        peers: peers
            .into_iter()
            .map(|(k, s)| PeerOut {
                ip: k.ip,
                name: d.name_for(&k.ip).map(visible_owned),
                proto: Proto(k.proto),
                port: k.port,
                initiated_by_device: k.initiated_by_device,
                packets: s.packets,
                bytes: s.bytes,
                packets_sent: s.packets_sent,
                bytes_sent: s.bytes_sent,
                flows: s.flows,
                first_seen: Time(s.first_ns),
                last_seen: Time(s.last_ns),
            })
            .collect(),
        peers_not_listed: d.peers_dropped,
        not_listed: NotListedOut {
            flows: d.peers_overflow.flows,
            packets: d.peers_overflow.packets,
            bytes: d.peers_overflow.bytes,
        },
        carried: NotListedOut {
            flows: d.carried.flows,
            packets: d.carried.packets,
            bytes: d.carried.bytes,
        },
        findings: findings(d, resolvers).iter().map(finding).collect(),
    }
}

/// Builds the report from the state of an analysis.
pub fn build(
    captures: Vec<CaptureOut>,
    inv: &Inventory,
    stats: &Stats,
    flows: &FlowStats,
) -> Analysis {
    let resolvers = network_resolvers(inv);
    let mut devices: Vec<DeviceOut> = inv.devices.iter().map(|d| device(d, &resolvers)).collect();
    devices.sort_by(|a, b| a.mac.cmp(&b.mac).then(a.subscriber.cmp(&b.subscriber)));
    let mut per_sev = std::collections::BTreeMap::new();
    for d in &devices {
        for f in &d.findings {
            *per_sev.entry(f.severity.id()).or_insert(0) += 1;
        }
    }
    let seen = stats.packets > 0;
    Analysis {
        schema: SCHEMA,
        generator: format!("iotgate {}", env!("CARGO_PKG_VERSION")),
        lang: RenderLanguage,
        captures,
        summary: Summary {
            packets: stats.packets,
            bytes: stats.bytes,
            first_seen: seen.then_some(Time(stats.first_ns)),
            last_seen: seen.then_some(Time(stats.last_ns)),
            devices: devices.len(),
            devices_dropped: inv.dropped_macs,
            flows: flows.created,
            flows_evicted_under_pressure: flows.pressure_evicted,
            reassembly_fallbacks: stats.reassembly.fallbacks,
            reassembly_overlap_conflicts: stats.reassembly.overlap_conflicts,
            tunnels: stats
                .tunnels
                .iter()
                .map(|(t, n)| (t.id(), n))
                .chain([
                    ("malformed", stats.tunnels.malformed),
                    ("too_deep", stats.tunnels.too_deep),
                ])
                .collect(),
            ipv6_ext_unparsed: stats.ipv6_ext_unparsed,
            decode_errors: stats.decode_errors,
            link_errors: stats.link_errors,
            unsupported_link: stats.unsupported_link,
            findings: per_sev,
            alerts: Default::default(),
        },
        network: NetworkOut {
            resolvers: resolvers.iter().copied().collect(),
            routers: inv.network_routers.iter().copied().collect(),
        },
        devices,
        alerts: Vec::new(),
        mud: Vec::new(),
    }
}

/// The DHCP fingerprint as one line in `l`'s language.
pub fn dhcp_line(l: &Localizer, d: &DhcpOut) -> String {
    let prl: Vec<String> = d.param_request_list.iter().map(|x| x.to_string()).collect();
    let prl = prl.join(",");
    match &d.vendor_class {
        Some(vc) => Text::new("dhcp-line")
            .arg("vc", vc.as_str())
            .arg("prl", prl),
        None => Text::new("dhcp-line-novc").arg("prl", prl),
    }
    .render(l)
}
