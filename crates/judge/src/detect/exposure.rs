//! Exposure: connections opened from the Internet to a device, UPnP port mappings a device asks
//! for, DNS that bypasses the network's resolver, and encrypted DNS (DoT, DoH) to public
//! resolvers that hides a device's lookups from the network.

use super::alert::{Kind, Sample, Seed};
use super::detector::{event, is_public, relayed, remote, side_dev, Cx, Detector, LOGIN_PORTS};
use crate::Severity;
use iotgate_observe::device::{FactKind, Role};
use iotgate_observe::engine::Progress;
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};
use std::net::IpAddr;

/// Public resolvers that also answer DNS over HTTPS and TLS (as addresses, not text: every
/// answered HTTPS connection is checked against them).
const PUBLIC_RESOLVERS: &[IpAddr] = &[
    v4(8, 8, 8, 8),
    v4(8, 8, 4, 4),
    v4(1, 1, 1, 1),
    v4(1, 0, 0, 1),
    v4(9, 9, 9, 9),
    v4(149, 112, 112, 112),
    v4(208, 67, 222, 222),
    v4(208, 67, 220, 220),
    v4(94, 140, 14, 14),
    v4(94, 140, 15, 15),
    v6([0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8888]),
    v6([0x2001, 0x4860, 0x4860, 0, 0, 0, 0, 0x8844]),
    v6([0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1111]),
    v6([0x2606, 0x4700, 0x4700, 0, 0, 0, 0, 0x1001]),
    v6([0x2620, 0xfe, 0, 0, 0, 0, 0, 0xfe]),
    v6([0x2620, 0xfe, 0, 0, 0, 0, 0, 0x9]),
];

const fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d))
}

const fn v6(s: [u16; 8]) -> IpAddr {
    IpAddr::V6(std::net::Ipv6Addr::new(
        s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7],
    ))
}

/// Host names of public DNS-over-HTTPS services (seen as TLS SNI).
const DOH_NAMES: &[&str] = &[
    "dns.google",
    "dns.google.com",
    "cloudflare-dns.com",
    "mozilla.cloudflare-dns.com",
    "one.one.one.one",
    "dns.quad9.net",
    "doh.opendns.com",
    "dns.adguard.com",
    "dns.nextdns.io",
];

/// The exposure detector.
#[derive(Default, Clone)]
pub(crate) struct Exposure {}

fn public_resolver(ip: &IpAddr) -> bool {
    PUBLIC_RESOLVERS.contains(ip)
}

impl Exposure {
    /// A device accepted a connection from the Internet; or a device's DoT connection, or HTTPS
    /// to a public resolver's address, was accepted.
    pub(crate) fn replied(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        let (inv, alerts) = (cx.inv, &mut *cx.alerts);
        if key.proto != 6 || f.tcp & tcpbits::SYNACK == 0 || f.tcp & tcpbits::SYN == 0 {
            return;
        }
        let (i, r) = (f.initiator as usize, 1 - f.initiator as usize);
        let port = key.port(r);
        if let (Some(dev), 443 | 853) = (side_dev(inv, f, i), port) {
            let dst = key.addr(r);
            let dot = port == 853 && is_public(&dst);
            let doh = port == 443 && public_resolver(&dst);
            if dot || doh {
                let seed = Seed {
                    kind: Kind::Exposure,
                    detail: "encrypted-dns",
                    severity: Severity::Low,
                    confidence: if dot { 0.9 } else { 0.7 },
                    dev,
                    ts,
                    first_ns: f.first_ns,
                    peer: Some(dst),
                    port: Some(port),
                    proto: 6,
                    inbound: false,
                };
                if let Some(ix) = alerts.raise(inv, seed) {
                    alerts.list[ix].sample(Sample::of(key, f));
                }
            }
        }
        let Some(dev) = side_dev(inv, f, r) else {
            return;
        };
        if !remote(key, f, i) || relayed(f, r) || inv.devices[dev as usize].routes {
            return;
        }
        let seed = Seed {
            kind: Kind::Exposure,
            detail: "inbound",
            severity: if LOGIN_PORTS.contains(&port) {
                Severity::High
            } else {
                Severity::Medium
            },
            confidence: 0.9,
            dev,
            ts,
            first_ns: f.first_ns,
            peer: None,
            port: Some(port),
            proto: 6,
            inbound: true,
        };
        if let Some(ix) = alerts.raise(inv, seed) {
            let a = &mut alerts.list[ix];
            a.set("connections", a.count("connections").unwrap_or(0) + 1);
            a.sample(Sample::of(key, f));
        }
    }

    /// Evidence the inventory holds: UPnP mapping requests, hard-coded resolvers, DoH names.
    fn close(&mut self, cx: &mut Cx<'_>) {
        let (inv, alerts) = (cx.inv, &mut *cx.alerts);
        // Connections accepted at an address of a MAC that later proved to carry several
        // hosts' traffic (several public addresses, or relayed replies): the hosts at those
        // addresses answered, not the device. Said so, naming the addresses.
        for a in &mut alerts.list {
            if a.kind == Kind::Exposure
                && a.detail == "inbound"
                && inv.devices.get(a.dev as usize).is_some_and(|d| d.routes)
            {
                a.detail = "inbound-behind";
                for s in &a.samples {
                    let host = s.dst.to_string();
                    if a.items.len() < 4 && !a.items.contains(&host) {
                        a.items.push(host);
                    }
                }
            }
        }
        let resolvers = crate::network_resolvers(inv);
        for (di, d) in inv.devices.iter().enumerate() {
            if d.routes {
                continue;
            }
            for fact in &d.facts {
                let detail = match fact.kind {
                    FactKind::UpnpPortMapping if fact.role == Role::Client => "upnp-port-mapping",
                    FactKind::DnsQuery
                        if !resolvers.is_empty()
                            && !resolvers.contains(&fact.peer)
                            && !iotgate_wire::net::is_local(&fact.peer) =>
                    {
                        "dns-bypass"
                    }
                    _ => continue,
                };
                let seed = Seed {
                    kind: Kind::Exposure,
                    detail,
                    severity: Severity::Low,
                    confidence: 0.9,
                    dev: di as u32,
                    ts: fact.first_ns,
                    first_ns: fact.first_ns,
                    peer: Some(fact.peer),
                    port: Some(fact.server_port),
                    proto: fact.proto,
                    inbound: false,
                };
                if let Some(ix) = alerts.raise(inv, seed) {
                    let a = &mut alerts.list[ix];
                    a.touch(fact.last_ns);
                    a.set("count", a.count("count").unwrap_or(0) + fact.count);
                    if !fact.detail.is_empty()
                        && a.items.len() < 4
                        && !a.items.contains(&fact.detail)
                    {
                        a.items.push(fact.detail.clone());
                    }
                }
            }
            for sni in &d.tls_snis {
                if DOH_NAMES.contains(&sni.as_str()) {
                    let seed = Seed {
                        kind: Kind::Exposure,
                        detail: "encrypted-dns",
                        severity: Severity::Low,
                        confidence: 0.9,
                        dev: di as u32,
                        ts: d.first_ns,
                        first_ns: d.first_ns,
                        peer: None,
                        port: Some(443),
                        proto: 6,
                        inbound: false,
                    };
                    if let Some(ix) = alerts.raise(inv, seed) {
                        let a = &mut alerts.list[ix];
                        if a.peer_name.is_none() {
                            a.peer_name = Some(sni.clone());
                        }
                    }
                }
            }
        }
    }
}

impl Detector for Exposure {
    fn progress(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, why: Progress, ts: i64) {
        if why == Progress::Replied {
            self.replied(cx, key, f, ts);
        }
    }
    fn finish(&mut self, cx: &mut Cx<'_>) {
        self.close(cx);
    }
    fn events(&self) -> u16 {
        event::REPLIED | event::FINISH
    }
    fn bytes(&self) -> usize {
        0
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::PUBLIC_RESOLVERS;
    use std::net::IpAddr;

    #[test]
    fn public_resolvers_are_the_documented_addresses() {
        let text = [
            "8.8.8.8",
            "8.8.4.4",
            "1.1.1.1",
            "1.0.0.1",
            "9.9.9.9",
            "149.112.112.112",
            "208.67.222.222",
            "208.67.220.220",
            "94.140.14.14",
            "94.140.15.15",
            "2001:4860:4860::8888",
            "2001:4860:4860::8844",
            "2606:4700:4700::1111",
            "2606:4700:4700::1001",
            "2620:fe::fe",
            "2620:fe::9",
        ];
        let parsed: Vec<IpAddr> = text.iter().map(|t| t.parse().unwrap()).collect();
        assert_eq!(PUBLIC_RESOLVERS, &parsed[..]);
    }
}
