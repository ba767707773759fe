//! ISP → home indicators: what an operator's flow-mode alert says about the other side of the
//! attack — remote addresses and ports, protocol, time window and behaviour, nothing about the
//! subscriber — signed with the operator's Ed25519 key, and matched in the home against the
//! flows of each device, so the subscriber learns which device it is.
//!
//! The signature covers the indicator's JSON without its `signature` member, written compactly
//! in the fixed member order of [`Body`]; a reader re-writes what it parsed the same way, so
//! any changed value, added member or other key makes verification fail.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use iotgate_explain::alerts::AlertOut;
use iotgate_explain::model::Analysis;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The schema identifier.
pub const SCHEMA: &str = "iotgate.indicator/1";
/// Remote endpoints an indicator carries at most.
pub const MAX_REMOTES: usize = 16;
/// Largest indicator file read.
pub const MAX_BYTES: usize = 64 * 1024;
/// Clocks differ and exporters report late: a home flow this close to the window matches.
pub const SLACK_MS: i64 = 5 * 60 * 1000;

/// One remote endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remote {
    /// Address.
    pub addr: IpAddr,
    /// The service port on it, when the behaviour has one.
    pub port: Option<u16>,
}

/// What is signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// [`SCHEMA`].
    pub schema: String,
    /// The issuer's public key, hex.
    pub issuer: String,
    /// Alert kind (`scan`, `brute-force`, `flood`, `c2`, `blocklist`...).
    pub kind: String,
    /// Its variant (`mirai`, `horizontal`, `udp`...).
    pub detail: String,
    /// `outbound` when the subscriber's device acted, `inbound` when it was the target.
    pub direction: String,
    /// IP protocol (0 when several).
    pub proto: u8,
    /// The service ports the behaviour aimed at (a scan's ports; empty when none).
    pub ports: Vec<u16>,
    /// The other side.
    pub remotes: Vec<Remote>,
    /// Window start, ms since 1970.
    pub start_ms: i64,
    /// Window end, ms since 1970.
    pub end_ms: i64,
}

/// A signed indicator: the body, and its signature written beside the body's members in the
/// file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    /// What is signed.
    pub body: Body,
    /// Ed25519 signature of the body, hex.
    pub signature: String,
}

impl Indicator {
    /// The indicator as its file holds it: the body's members, then `signature`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(&self.body).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("signature".into(), self.signature.clone().into());
        }
        v
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// An operator's signing key (the 32-byte secret, hex in its file).
pub struct Key(SigningKey);

impl Key {
    /// A new random key.
    pub fn generate() -> Result<Key, String> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| e.to_string())?;
        Ok(Key(SigningKey::from_bytes(&seed)))
    }

    /// Reads a key file's text (64 hex digits).
    pub fn parse(text: &str) -> Option<Key> {
        unhex::<32>(text).map(|b| Key(SigningKey::from_bytes(&b)))
    }

    /// The key file's text.
    pub fn to_text(&self) -> String {
        format!("{}\n", hex(&self.0.to_bytes()))
    }

    /// The public key, hex: what homes are given to check indicators.
    pub fn public(&self) -> String {
        hex(self.0.verifying_key().as_bytes())
    }

    /// Signs `body`.
    pub fn sign(&self, body: Body) -> Indicator {
        let sig = self.0.sign(&canonical(&body));
        Indicator {
            body,
            signature: hex(&sig.to_bytes()),
        }
    }
}

fn canonical(b: &Body) -> Vec<u8> {
    serde_json::to_vec(b).unwrap_or_default()
}

/// Why an indicator is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not an indicator: the JSON error (line and column).
    Syntax(String),
    /// Another schema.
    Schema,
    /// The trusted key is not a public key (64 hex digits).
    BadKey,
    /// Signed by another key than the trusted one.
    OtherIssuer,
    /// The signature does not verify: the indicator was changed after signing.
    Signature,
}

impl Refused {
    /// A short id for the catalogue (`indicator-refused-ID`).
    pub fn id(&self) -> &'static str {
        match self {
            Refused::Syntax(_) => "syntax",
            Refused::Schema => "schema",
            Refused::BadKey => "bad-key",
            Refused::OtherIssuer => "other-issuer",
            Refused::Signature => "signature",
        }
    }
}

/// Reads and verifies an indicator against the operator's public key (hex).
pub fn verify(text: &str, trusted: &str) -> Result<Indicator, Refused> {
    let mut v: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| Refused::Syntax(e.to_string()))?;
    let signature = match v.remove("signature") {
        Some(serde_json::Value::String(s)) => s,
        _ => return Err(Refused::Signature),
    };
    // Every other member must be the body's: an added one is refused here.
    let body: Body = serde_json::from_value(serde_json::Value::Object(v))
        .map_err(|e| Refused::Syntax(e.to_string()))?;
    if body.schema != SCHEMA {
        return Err(Refused::Schema);
    }
    let key = unhex::<32>(trusted)
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or(Refused::BadKey)?;
    if !body.issuer.eq_ignore_ascii_case(trusted.trim()) {
        return Err(Refused::OtherIssuer);
    }
    let sig = unhex::<64>(&signature)
        .map(|b| Signature::from_bytes(&b))
        .ok_or(Refused::Signature)?;
    key.verify(&canonical(&body), &sig)
        .map_err(|_| Refused::Signature)?;
    if body.remotes.len() > MAX_REMOTES || body.ports.len() > MAX_REMOTES {
        return Err(Refused::Schema);
    }
    Ok(Indicator { body, signature })
}

/// The indicator body for an alert of a report: its peer and the remote sides of its sample
/// flows (never the subscriber's own addresses), its protocol and port, its window.
pub fn body_for(alert: &AlertOut, issuer: &str) -> Option<Body> {
    let own: Vec<IpAddr> = alert.ips.clone();
    let inbound = matches!(alert.direction, iotgate_explain::typed::Direction::Inbound);
    let proto = alert.proto.map_or(0, |p| p.0);
    // The ports the behaviour aimed at: the alert's, else (a scan) the ports it lists.
    let mut ports: Vec<u16> = alert.port.into_iter().collect();
    if ports.is_empty() {
        ports = alert
            .evidence
            .items
            .iter()
            .filter_map(|i| i.parse().ok())
            .take(MAX_REMOTES)
            .collect();
    }
    let mut remotes: Vec<Remote> = Vec::new();
    let mut add = |addr: IpAddr, port: Option<u16>| {
        let r = Remote { addr, port };
        if !own.contains(&addr) && !remotes.contains(&r) && remotes.len() < MAX_REMOTES {
            remotes.push(r);
        }
    };
    if let Some(p) = alert.peer.as_ref().and_then(|p| p.ip) {
        add(p, alert.port);
    }
    for s in &alert.evidence.samples {
        // Only the behaviour's own flows: a subscriber's samples can include its other
        // devices' ordinary traffic.
        if (proto != 0 && s.proto.0 != proto) || (!ports.is_empty() && !ports.contains(&s.dport)) {
            continue;
        }
        // Outbound: the device opened the flows, the remote is the responder; inbound, the
        // initiator is the remote and the port is the device's service.
        if inbound {
            add(s.src, None);
        } else {
            add(
                s.dst,
                (s.proto.0 == 6 || s.proto.0 == 17).then_some(s.dport),
            );
        }
    }
    if remotes.is_empty() && ports.is_empty() {
        return None;
    }
    Some(Body {
        schema: SCHEMA.into(),
        issuer: issuer.into(),
        kind: alert.kind.id().into(),
        detail: alert.detail.into(),
        direction: if inbound { "inbound" } else { "outbound" }.into(),
        proto,
        ports,
        remotes,
        start_ms: alert.first_seen.0.div_euclid(1_000_000),
        end_ms: alert.last_seen.0.div_euclid(1_000_000),
    })
}

/// Distinct remotes a device must have opened flows to, on a scan indicator's ports in its
/// window, to match it without a listed endpoint (scanners pick their targets at random).
pub const SCAN_PEERS: usize = 8;

/// One of a device's peers that matches an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeerMatch {
    /// The remote endpoint of the indicator it matched.
    pub remote: Remote,
    /// Protocol of the device's flows with it.
    pub proto: u8,
    /// The port of the device's flows with it.
    pub port: u16,
    /// When the device's flows with it began and ended, ns since 1970.
    pub first_ns: i64,
    /// Last.
    pub last_ns: i64,
    /// Flows.
    pub flows: u64,
    /// Packets the device sent to it.
    pub packets_sent: u64,
}

/// A home device whose flows match an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceMatch {
    /// Its MAC.
    pub mac: String,
    /// A name for it (host name, else vendor).
    pub name: Option<String>,
    /// The matching peers.
    pub peers: Vec<PeerMatch>,
}

/// The devices of a home's analysis whose flows match the indicator: same remote address, the
/// same port when the indicator names one, the same protocol when it names one, within the
/// window (with [`SLACK_MS`] either side). Most matching endpoints first.
pub fn matches(ind: &Indicator, report: &Analysis) -> Vec<DeviceMatch> {
    let ind = &ind.body;
    let (lo, hi) = (
        (ind.start_ms - SLACK_MS).saturating_mul(1_000_000),
        (ind.end_ms + SLACK_MS).saturating_mul(1_000_000),
    );
    let mut out = Vec::new();
    for d in &report.devices {
        let mut peers = Vec::new();
        for p in &d.peers {
            let Some(r) = ind.remotes.iter().find(|r| {
                r.addr == p.ip
                    && r.port.is_none_or(|port| port == p.port)
                    && (ind.proto == 0 || ind.proto == p.proto.0)
            }) else {
                continue;
            };
            if p.last_seen.0 < lo || p.first_seen.0 > hi {
                continue;
            }
            peers.push(PeerMatch {
                remote: r.clone(),
                proto: p.proto.0,
                port: p.port,
                first_ns: p.first_seen.0,
                last_ns: p.last_seen.0,
                flows: p.flows,
                packets_sent: p.packets_sent,
            });
        }
        // A scan: the device itself opened flows to many hosts on the scanned ports.
        if peers.is_empty() && ind.kind == "scan" && !ind.ports.is_empty() {
            let hits: Vec<_> = d
                .peers
                .iter()
                .filter(|p| {
                    p.initiated_by_device
                        && ind.ports.contains(&p.port)
                        && (ind.proto == 0 || ind.proto == p.proto.0)
                        && p.last_seen.0 >= lo
                        && p.first_seen.0 <= hi
                })
                .collect();
            let distinct: std::collections::BTreeSet<IpAddr> = hits.iter().map(|p| p.ip).collect();
            if distinct.len() >= SCAN_PEERS {
                peers.extend(hits.iter().take(MAX_REMOTES).map(|p| PeerMatch {
                    remote: Remote {
                        addr: p.ip,
                        port: Some(p.port),
                    },
                    proto: p.proto.0,
                    port: p.port,
                    first_ns: p.first_seen.0,
                    last_ns: p.last_seen.0,
                    flows: p.flows,
                    packets_sent: p.packets_sent,
                }));
            }
        }
        if !peers.is_empty() {
            out.push(DeviceMatch {
                mac: d.mac.clone(),
                name: d.hostnames.first().cloned().or_else(|| d.vendor.clone()),
                peers,
            });
        }
    }
    out.sort_by(|a, b| b.peers.len().cmp(&a.peers.len()).then(a.mac.cmp(&b.mac)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(issuer: &str) -> Body {
        Body {
            schema: SCHEMA.into(),
            issuer: issuer.into(),
            kind: "scan".into(),
            detail: "mirai".into(),
            direction: "outbound".into(),
            proto: 6,
            ports: vec![23],
            remotes: vec![Remote {
                addr: "198.51.100.7".parse().unwrap(),
                port: Some(23),
            }],
            start_ms: 1_700_000_000_000,
            end_ms: 1_700_000_060_000,
        }
    }

    #[test]
    fn signed_indicators_verify_and_any_change_is_refused() {
        let k = Key::generate().unwrap();
        let pubkey = k.public();
        let ind = k.sign(body(&pubkey));
        let text = serde_json::to_string_pretty(&ind.to_json()).unwrap();
        assert_eq!(verify(&text, &pubkey), Ok(ind.clone()));
        // A key file reads back to the same key.
        assert_eq!(Key::parse(&k.to_text()).unwrap().public(), pubkey);
        // Another port, another window end, an added member: refused.
        let changed = text.replace("\"port\": 23", "\"port\": 2323");
        assert_eq!(verify(&changed, &pubkey), Err(Refused::Signature));
        let changed = text.replace("1700000060000", "1700000060001");
        assert_eq!(verify(&changed, &pubkey), Err(Refused::Signature));
        let added = text.replacen('{', "{\"extra\": 1,", 1);
        assert!(matches!(verify(&added, &pubkey), Err(Refused::Syntax(_))));
        // Another operator's key, or the issuer field swapped for the trusted key.
        let other = Key::generate().unwrap();
        assert_eq!(verify(&text, &other.public()), Err(Refused::OtherIssuer));
        let forged = other.sign(body(&pubkey));
        let forged = forged.to_json().to_string();
        assert_eq!(verify(&forged, &pubkey), Err(Refused::Signature));
        assert_eq!(verify(&text, "zz"), Err(Refused::BadKey));
    }
}
