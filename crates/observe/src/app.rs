//! Application-layer inspection: DHCP, DHCPv6, DNS, mDNS, SSDP, NTP, LLDP, TLS, HTTP, RTSP,
//! MQTT, telnet and FTP, turned into device identity and evidence for findings.
//!
//! Called only for packets on application ports or the first payload packets of TCP flows (a
//! client's first message reassembled when it spans several segments: `reassembly.rs`), so the
//! allocations here (new strings for the inventory) are off the per-packet common path, and
//! happen only when a value is new to the device. TCP payloads are inspected by free functions
//! over the inventory, so that a message still being reassembled can be inspected into a
//! snapshot's copy of it.

use crate::device::{Device, DhcpInfo, FactKind, Inventory, Limits, Role, Source};
use crate::engine::{Analyzer, Ctx};
use iotgate_wire::{dhcp4, dhcp6, dns, http, ident, lldp, mqtt, ntp, ssdp, tls, Mac};
use std::borrow::Cow;
use std::hash::{BuildHasher, Hasher};
use std::net::IpAddr;

/// The longest header value kept, in characters: real user agents reach 300-500 (browsers with
/// app tokens, smart TVs), so values are cut well beyond that and marked.
pub const TEXT_MAX: usize = 1024;

/// Header text as stored: invalid UTF-8 replaced, control characters dropped, at most
/// [`TEXT_MAX`] characters — a longer value is cut and ends with "…", so a partial value is never
/// shown as whole. Borrowed when that is the input itself (printable ASCII, as nearly every
/// header is), so a value already known costs no allocation.
fn text(b: &[u8]) -> Cow<'_, str> {
    if b.len() <= TEXT_MAX && b.iter().all(|&c| (0x20..0x7f).contains(&c)) {
        if let Ok(s) = std::str::from_utf8(b) {
            return Cow::Borrowed(s);
        }
    }
    let mut out: String = String::from_utf8_lossy(b)
        .chars()
        .filter(|c| !c.is_control())
        .take(TEXT_MAX + 1)
        .collect();
    if out.chars().count() > TEXT_MAX {
        let cut = out
            .char_indices()
            .nth(TEXT_MAX)
            .map_or(out.len(), |(i, _)| i);
        out.truncate(cut);
        out.push('…');
    }
    Cow::Owned(out)
}

fn hexs(b: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for &x in b {
        s.push(char::from(HEX[usize::from(x >> 4)]));
        s.push(char::from(HEX[usize::from(x & 15)]));
    }
    s
}

/// Which decoder a remembered message went to (part of its hash).
mod tag {
    pub const SSDP: u8 = 1;
    pub const MDNS: u8 = 2;
    pub const DNS_ANSWER: u8 = 3;
}

fn name_str(buf: &[u8; 256], n: usize) -> &str {
    std::str::from_utf8(&buf[..n]).unwrap_or("")
}

impl<O: crate::engine::FlowObserver> Analyzer<O> {
    /// A seeded hash of message `p` for decoder `tag`, never 0.
    fn message_hash(&self, tag: u8, p: &[u8]) -> u64 {
        let mut h = self.inv.seed().build_hasher();
        h.write_u8(tag);
        h.write_usize(p.len());
        h.write(p);
        h.finish() | 1
    }

    pub(crate) fn udp_app(&mut self, c: &Ctx, p: &[u8]) {
        let (sp, dp) = (c.sport, c.dport);
        if sp == 5353 || dp == 5353 {
            self.mdns(c, p);
        } else if sp == 53 || dp == 53 {
            self.dns(c, p);
        } else if (sp == 68 && dp == 67) || (sp == 67 && dp == 68) || (sp == 67 && dp == 67) {
            self.dhcp4(c, p);
        } else if sp == 546 || dp == 547 || sp == 547 {
            self.dhcp6(c, p);
        } else if sp == 1900 || dp == 1900 {
            self.ssdp(c, p);
        } else if sp == 123 || dp == 123 {
            if let (Ok(n), Some(d)) = (ntp::parse(p), c.src_dev) {
                if n.mode == 3 || n.mode == 1 {
                    self.inv.dev(d).ntp = Some((n.version, n.mode));
                }
            }
        }
    }

    fn dns(&mut self, c: &Ctx, p: &[u8]) {
        let Ok(m) = dns::parse(p) else { return };
        let lim = self.cfg.limits;
        let mut buf = [0u8; 256];
        if !m.is_response() && c.dport == 53 {
            let Some(d) = c.src_dev else { return };
            // Only a well-formed standard query counts: one question, class IN or ANY, a
            // readable name. (Flood traffic to port 53 is not a query.)
            if m.opcode() != 0 || m.qdcount != 1 {
                return;
            }
            let Some(q) = m.questions().next() else {
                return;
            };
            if q.qclass != 1 && q.qclass != 255 {
                return;
            }
            let Ok(n) = q.name.write(&mut buf) else {
                return;
            };
            self.observer
                .dns_query(&self.inv, d, c.ts, name_str(&buf, n), q.qtype, c.dst);
            let dev = self.inv.dev(d);
            Device::add_to(&mut dev.queried, name_str(&buf, n), &lim);
            dev.add_fact(
                FactKind::DnsQuery,
                Role::Client,
                c.src,
                c.dst,
                c.proto,
                c.sport,
                53,
                c.ts,
                "",
                &lim,
            );
        } else if m.is_response() && c.sport == 53 {
            let Some(d) = dev_for(&self.inv, c.dst_mac, &c.dst) else {
                return;
            };
            if m.rcode() != 0 || m.ancount == 0 {
                return;
            }
            // An answer met again right after itself changes nothing (its names are already
            // the most recent for its addresses), nor does one that binds nothing. The
            // transaction ID (the first two bytes) changes nothing below.
            let h = self.message_hash(tag::DNS_ANSWER, p.get(2..).unwrap_or(&[]));
            if self.inv.dev(d).repeated_answer(h) {
                return;
            }
            let Some(q) = m.questions().next() else {
                return;
            };
            let Ok(n) = q.name.write(&mut buf) else {
                return;
            };
            let dev = self.inv.dev(d);
            let qname = name_str(&buf, n);
            let mut answered = false;
            for (section, r) in m.records() {
                if section != 1 {
                    break;
                }
                answered = true;
                if let Some(a) = r.a() {
                    dev.bind(IpAddr::V4(a), qname, &lim);
                } else if let Some(a) = r.aaaa() {
                    dev.bind(IpAddr::V6(a), qname, &lim);
                }
            }
            if answered && !qname.is_empty() {
                Device::add_to(&mut dev.domains, qname, &lim);
            }
        }
    }

    fn mdns(&mut self, c: &Ctx, p: &[u8]) {
        let Ok(m) = dns::parse(p) else { return };
        let Some(mac) = c.src_mac else { return };
        let lim = self.cfg.limits;
        let Some(d) = self.inv.upsert(mac, c.ts, &lim) else {
            return;
        };
        let h = self.message_hash(tag::MDNS, p);
        if self.inv.dev(d).repeated(h) {
            return;
        }
        let response = m.is_response();
        let mut buf = [0u8; 256];
        let mut tbuf = [0u8; 256];
        for (section, r) in m.records() {
            // In a query, only the authority section (probing) describes the sender itself.
            if !response && section != 2 {
                continue;
            }
            // Other types teach nothing: their names are not decoded.
            if !matches!(
                r.rtype,
                dns::rtype::PTR | dns::rtype::SRV | dns::rtype::A | dns::rtype::AAAA
            ) {
                continue;
            }
            let Ok(n) = r.name.write(&mut buf) else {
                continue;
            };
            let owner = name_str(&buf, n);
            let dev = self.inv.dev(d);
            match r.rtype {
                dns::rtype::PTR => {
                    let Some(t) = r.target() else { continue };
                    let Ok(tn) = t.write(&mut tbuf) else { continue };
                    let target = name_str(&tbuf, tn);
                    if owner == "_services._dns-sd._udp.local" {
                        add_service(dev, target, &lim);
                    } else if owner.ends_with(".arpa") {
                        add_local_host(dev, target, &lim);
                    } else if owner.starts_with('_') {
                        add_service(dev, owner, &lim);
                    }
                }
                dns::rtype::SRV => {
                    if let Some(i) = owner.find("._") {
                        add_service(dev, &owner[i + 1..], &lim);
                    }
                    if let Some(t) = r.target() {
                        if let Ok(tn) = t.write(&mut tbuf) {
                            add_local_host(dev, name_str(&tbuf, tn), &lim);
                        }
                    }
                }
                dns::rtype::A | dns::rtype::AAAA => add_local_host(dev, owner, &lim),
                _ => {}
            }
        }
    }

    fn dhcp4(&mut self, c: &Ctx, p: &[u8]) {
        let Ok(m) = dhcp4::parse(p) else { return };
        let lim = self.cfg.limits;
        let mut buf = [0u8; 256];
        if m.op == 1 {
            let Some(mac) = m.chaddr.or(c.src_mac) else {
                return;
            };
            let Some(d) = self.inv.upsert(mac, c.ts, &lim) else {
                return;
            };
            let dev = self.inv.dev(d);
            if let Some(h) = m.hostname {
                dev.add_hostname(&text(h), Source::Dhcp12, &lim);
            }
            if let Some((fl, name)) = m.fqdn {
                let n = dhcp4::fqdn_name(fl, name, &mut buf);
                dev.add_hostname(&String::from_utf8_lossy(&buf[..n]), Source::Dhcp81, &lim);
            }
            if let Some(u) = m.mud_url {
                dev.mud_url = Some((text(u).into_owned(), Source::Dhcp161));
            }
            if !m.ciaddr.is_unspecified() {
                self.inv.note_address(d, IpAddr::V4(m.ciaddr), &lim);
            }
            let dev = self.inv.dev(d);
            let info = DhcpInfo {
                vendor_class: m.vendor_class.map(|v| text(v).into_owned()),
                param_request_list: m.param_request_list.map(<[u8]>::to_vec).unwrap_or_default(),
                max_size: m.max_size,
                client_id: m.client_id.map(hexs),
                msg_type: m.msg_type,
            };
            // Keep the first fingerprint that has a parameter request list; fill gaps later.
            match &mut dev.dhcp {
                None => dev.dhcp = Some(info),
                Some(old) => {
                    if old.param_request_list.is_empty() && !info.param_request_list.is_empty() {
                        *old = DhcpInfo {
                            vendor_class: old.vendor_class.take().or(info.vendor_class.clone()),
                            ..info
                        };
                    } else if old.vendor_class.is_none() {
                        old.vendor_class = info.vendor_class;
                    }
                }
            }
        } else {
            if let Some(mac) = c.src_mac {
                if let Some(s) = self.inv.upsert(mac, c.ts, &lim) {
                    self.inv.dev(s).dhcp_server = true;
                    self.inv.note_address(s, c.src, &lim);
                }
            }
            if let Some(r) = m.routers {
                for a in dhcp4::addrs(r).take(8) {
                    self.inv.network_routers.insert(IpAddr::V4(a));
                }
            }
            if let Some(r) = m.dns_servers {
                for a in dhcp4::addrs(r).take(8) {
                    if self.inv.network_resolvers.len() < 64 {
                        self.inv.network_resolvers.insert(IpAddr::V4(a));
                    }
                }
            }
            if m.msg_type == Some(dhcp4::msg::ACK) && !m.yiaddr.is_unspecified() {
                if let Some(mac) = m.chaddr {
                    if let Some(d) = self.inv.upsert(mac, c.ts, &lim) {
                        self.inv.note_address(d, IpAddr::V4(m.yiaddr), &lim);
                    }
                }
            }
        }
    }

    fn dhcp6(&mut self, c: &Ctx, p: &[u8]) {
        let Ok(m) = dhcp6::parse(p) else { return };
        if !matches!(m.msg_type, 1 | 3 | 4 | 5 | 6 | 8 | 9 | 11) {
            return;
        }
        let lim = self.cfg.limits;
        let Some(mac) = (if m.relayed {
            m.duid_mac()
        } else {
            c.src_mac.or(m.duid_mac())
        }) else {
            return;
        };
        let Some(d) = self.inv.upsert(mac, c.ts, &lim) else {
            return;
        };
        let dev = self.inv.dev(d);
        let mut buf = [0u8; 256];
        if let Some((_, name)) = m.fqdn {
            let n = dns::labels_to_text(name, &mut buf);
            dev.add_hostname(
                &String::from_utf8_lossy(&buf[..n]),
                Source::Dhcpv6Fqdn,
                &lim,
            );
        }
        if let Some((ent, data)) = m.vendor_class {
            dev.dhcpv6_vendor_class = Some((ent, text(data).into_owned()));
        }
        if let Some(u) = m.mud_url {
            dev.mud_url = Some((text(u).into_owned(), Source::Dhcpv6Mud));
        }
    }

    fn ssdp(&mut self, c: &Ctx, p: &[u8]) {
        let Some(d) = c.src_dev else { return };
        let h = self.message_hash(tag::SSDP, p);
        if self.inv.dev(d).repeated(h) {
            return;
        }
        let Ok(s) = ssdp::parse(p) else { return };
        let lim = self.cfg.limits;
        let dev = self.inv.dev(d);
        if let Some(v) = s.server {
            Device::add_to(&mut dev.ssdp_servers, &text(v), &lim);
        }
        if let Some(v) = s.location {
            Device::add_to(&mut dev.ssdp_locations, &text(v), &lim);
        }
        if let Some(v) = s.user_agent {
            Device::add_to(&mut dev.user_agents, &text(v), &lim);
        }
    }

    pub(crate) fn lldp(&mut self, ts: i64, src: Option<Mac>, p: &[u8]) {
        let Some(mac) = src else { return };
        let lim = self.cfg.limits;
        let Some(d) = self.inv.upsert(mac, ts, &lim) else {
            return;
        };
        let dev = self.inv.dev(d);
        dev.non_ip_frames += 1;
        let Ok(l) = lldp::parse(p) else { return };
        if let Some(n) = l.system_name {
            dev.add_hostname(&text(n), Source::Lldp, &lim);
        }
        if let Some(u) = l.mud_url {
            dev.mud_url = Some((text(u).into_owned(), Source::Lldp));
        }
    }
}

/// The device that owns `ip` behind `mac`, if any.
fn dev_for(inv: &Inventory, mac: Option<Mac>, ip: &IpAddr) -> Option<u32> {
    let i = inv.get(&mac?)?;
    inv.devices[i as usize].owns(ip).then_some(i)
}

/// Records fact `kind` (with `detail`) on the client and the server device of the TCP flow the
/// payload described by `c` belongs to, whichever are known.
fn both(inv: &mut Inventory, lim: &Limits, c: &Ctx, kind: FactKind, detail: &str) {
    let (server_port, client_port) = if c.from_initiator {
        (c.dport, c.sport)
    } else {
        (c.sport, c.dport)
    };
    let (client_ip, server_ip) = if c.from_initiator {
        (c.src, c.dst)
    } else {
        (c.dst, c.src)
    };
    // The sender's device is known; the receiver's is looked up only here, by the paths that
    // need it (a ClientHello, the commonest payload, does not).
    let dst = dev_for(inv, c.dst_mac, &c.dst);
    let (client_dev, server_dev) = if c.from_initiator {
        (c.src_dev, dst)
    } else {
        (dst, c.src_dev)
    };
    if let Some(d) = client_dev {
        inv.dev(d).add_fact(
            kind,
            Role::Client,
            client_ip,
            server_ip,
            c.proto,
            client_port,
            server_port,
            c.ts,
            detail,
            lim,
        );
    }
    if let Some(d) = server_dev {
        inv.dev(d).add_fact(
            kind,
            Role::Server,
            server_ip,
            client_ip,
            c.proto,
            client_port,
            server_port,
            c.ts,
            detail,
            lim,
        );
    }
}

/// A client payload's HTTP or RTSP request, decoded once for everything that reads it (the
/// scanning-tool and check-in tests, identity and evidence, the session's protocol).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Req<'a> {
    /// Not a request, or not the client's payload.
    No,
    /// Starts like a request, but its head does not decode.
    Broken,
    /// A request head.
    Head(http::Request<'a>),
}

impl<'a> Req<'a> {
    /// The request `p` holds, when the client sent it.
    #[inline]
    pub(crate) fn of(p: &'a [u8], from_client: bool) -> Self {
        if !from_client || !http::looks_like_request(p) {
            return Req::No;
        }
        match http::parse(p) {
            Ok(r) => Req::Head(r),
            Err(_) => Req::Broken,
        }
    }
}

/// Counts a TCP session by the protocol its first payload `p` (either side's: a client's first
/// message whole when it was reassembled) speaks; text nothing identifies, to or from an
/// Internet host, is evidence of data readable on the way.
fn classify_session(inv: &mut Inventory, lim: &Limits, c: &Ctx, p: &[u8], req: &Req<'_>) {
    // A request already decoded says what `classify` would (a request line ending in RTSP/ is
    // RTSP, any other HTTP), without looking again.
    let s = match req {
        Req::Head(r) if r.proto == http::Proto::Rtsp => ident::Session::Rtsp,
        Req::Head(_) => ident::Session::Http,
        _ => ident::classify(p, c.from_initiator),
    };
    for d in [c.src_dev, dev_for(inv, c.dst_mac, &c.dst)]
        .into_iter()
        .flatten()
    {
        let n = &mut inv.dev(d).sessions[s.index()];
        *n = n.saturating_add(1);
    }
    let local = iotgate_wire::net::is_local(&c.src) && iotgate_wire::net::is_local(&c.dst);
    if s == ident::Session::UnidentifiedText && !local {
        both(inv, lim, c, FactKind::UnidentifiedText, "");
    }
}

/// Inspects one TCP payload `p` — a segment, or a client's first message reassembled
/// ([`crate::reassembly`]) — for identity (SNI, JA3/JA4, User-Agent) and evidence (cleartext
/// protocols, secrets in requests, outdated TLS). `scratch` (at least
/// [`crate::reassembly::SLOT_BYTES`]) is where a ClientHello spread over several TLS records
/// is joined.
pub(crate) fn tcp_app(
    inv: &mut Inventory,
    lim: &Limits,
    c: &Ctx,
    p: &[u8],
    req: &Req<'_>,
    scratch: &mut [u8],
) {
    let lim = *lim;
    let server_port = if c.from_initiator { c.dport } else { c.sport };
    let (client_port, client_ip, server_ip) = if c.from_initiator {
        (c.sport, c.src, c.dst)
    } else {
        (c.dport, c.dst, c.src)
    };
    if c.first_payload {
        classify_session(inv, &lim, c, p, req);
    }
    match server_port {
        23 | 2323 if c.established => return both(inv, &lim, c, FactKind::Telnet, ""),
        21 if c.established => return both(inv, &lim, c, FactKind::Ftp, ""),
        _ => {}
    }
    if !c.from_initiator {
        if (server_port == 554 || server_port == 8554) && p.starts_with(b"RTSP/") {
            if let Some(d) = c.src_dev {
                inv.dev(d).serves_rtsp = true;
            }
        }
        return;
    }
    // From here on the sender is the client.
    let client_dev = c.src_dev;
    // An outdated TLS offer, as evidence about the client device.
    let legacy = |dev: &mut Device, detail: &str| {
        dev.add_fact(
            FactKind::TlsLegacy,
            Role::Client,
            client_ip,
            server_ip,
            c.proto,
            client_port,
            server_port,
            c.ts,
            detail,
            &lim,
        );
    };
    if let Req::Head(r) = req {
        request(inv, &lim, c, r);
    } else if matches!(req, Req::Broken) {
        // Starts like a request and does not decode: nothing more is read from it.
    } else if tls::looks_like_client_hello(p) {
        // A hello spread over several records is read joined into one.
        let p = match tls::join_hello_records(p, scratch) {
            Some(n) => &scratch[..n],
            None => p,
        };
        let Ok(ch) = tls::parse_client_hello(p) else {
            return;
        };
        let Some(d) = client_dev else { return };
        let v = ch.max_version();
        let hello = {
            let mut h = inv.seed().build_hasher();
            ch.fingerprint_input(&mut h);
            h.finish()
        };
        let dev = inv.dev(d);
        if let Some(sni) = ch.sni {
            let sni = text(sni);
            if sni.bytes().any(|c| c.is_ascii_uppercase()) {
                Device::add_to(&mut dev.tls_snis, &sni.to_ascii_lowercase(), &lim);
            } else {
                Device::add_to(&mut dev.tls_snis, &sni, &lim);
            }
        }
        // A hello cut short (the capture's snap length, a lost segment) would give a
        // fingerprint of what happened to arrive: withheld, never shown as the device's.
        if !ch.truncated && dev.ja4.len() < 64 && !dev.hellos_seen.contains(&hello) {
            if dev.hellos_seen.len() < crate::device::HELLOS_SEEN {
                dev.hellos_seen.push(hello);
            }
            Device::add_to(&mut dev.ja4, &ch.ja4(), &lim);
            Device::add_to(&mut dev.ja3, &ch.ja3(), &lim);
            for c in ch.ciphers.chunks_exact(2) {
                let c = u16::from_be_bytes([c[0], c[1]]);
                if dev.tls_suites.len() >= crate::device::TLS_SUITES {
                    break;
                }
                if !iotgate_wire::tls::is_grease(c) {
                    dev.tls_suites.insert(c);
                }
            }
        }
        // A cut hello may have lost its supported_versions: its highest version is known only
        // when it is below TLS 1.2 (no extension raises a version), which is what matters.
        if dev.tls_versions.len() < 16 && (!ch.truncated || v < 0x0303) {
            dev.tls_versions.insert(v);
        }
        if v < 0x0303 {
            legacy(dev, &tls_version_name(v));
        }
    } else if let Some(h) = tls::parse_v2_client_hello(p) {
        let Some(d) = client_dev else { return };
        let dev = inv.dev(d);
        for s in h.tls_suites() {
            if dev.tls_suites.len() >= crate::device::TLS_SUITES {
                break;
            }
            dev.tls_suites.insert(s);
        }
        if dev.tls_versions.len() < 16 {
            dev.tls_versions.insert(h.version);
        }
        if h.version < 0x0303 || h.sslv2_ciphers() > 0 {
            let v = tls_version_name(h.version);
            legacy(dev, &format!("{v}, SSL 2.0-format hello"));
        }
    } else if let Ok(m) = mqtt::parse_connect(p) {
        let kind = if m.has_username || m.has_password {
            FactKind::MqttCredentials
        } else {
            FactKind::MqttCleartext
        };
        both(inv, &lim, c, kind, &text(m.client_id));
    }
}

/// Identity and evidence from a client's HTTP or RTSP request head `r`.
fn request(inv: &mut Inventory, lim: &Limits, c: &Ctx, r: &http::Request<'_>) {
    let lim = *lim;
    let client_dev = c.src_dev;
    let server_port = c.dport;
    let (client_port, client_ip, server_ip) = (c.sport, c.src, c.dst);
    if let Some(d) = client_dev {
        if let Some(ua) = r.user_agent {
            Device::add_to(&mut inv.dev(d).user_agents, &text(ua), &lim);
        }
    }
    if r.basic_auth {
        both(
            inv,
            &lim,
            c,
            FactKind::HttpBasicAuth,
            &text(r.host.unwrap_or(b"")),
        );
    }
    if r.proto == http::Proto::Http {
        let fields = http::sensitive_fields(r);
        if !fields.is_empty() {
            both(inv, &lim, c, FactKind::HttpSecrets, &fields.join(", "));
        }
    }
    if r.proto == http::Proto::Rtsp {
        both(inv, &lim, c, FactKind::Rtsp, &text(r.method));
        if let Some(d) = dev_for(inv, c.dst_mac, &c.dst) {
            inv.dev(d).serves_rtsp = true;
        }
    }
    if let Some(a) = r.soap_action {
        let a = text(a);
        if a.contains("AddPortMapping") || a.contains("AddAnyPortMapping") {
            if let Some(d) = client_dev {
                inv.dev(d).add_fact(
                    FactKind::UpnpPortMapping,
                    Role::Client,
                    client_ip,
                    server_ip,
                    c.proto,
                    client_port,
                    server_port,
                    c.ts,
                    "AddPortMapping",
                    &lim,
                );
            }
        }
    }
}

/// A TLS version number as text.
pub fn tls_version_name(v: u16) -> String {
    match v {
        0x0304 => "TLS 1.3".into(),
        0x0303 => "TLS 1.2".into(),
        0x0302 => "TLS 1.1".into(),
        0x0301 => "TLS 1.0".into(),
        0x0300 => "SSL 3.0".into(),
        v => format!("0x{v:04x}"),
    }
}

fn add_service(dev: &mut Device, name: &str, lim: &crate::device::Limits) {
    let s = name.strip_suffix(".local").unwrap_or(name);
    if s.starts_with('_') && s.len() < 80 {
        Device::add_to(&mut dev.mdns_services, s, lim);
    }
}

fn add_local_host(dev: &mut Device, name: &str, lim: &crate::device::Limits) {
    if let Some(h) = name.strip_suffix(".local") {
        if !h.is_empty() && !h.starts_with('_') && !h.contains("._") {
            dev.add_hostname(h, Source::Mdns, lim);
        }
    }
}
