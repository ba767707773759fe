//! Command-and-control: regular check-ins with one destination — new connections at a steady
//! interval, or a kept-open connection with steady idle gaps (Mirai's bot keeps one Telnet-port
//! connection to its server and sends a heartbeat every minute) — and any contact with an
//! address or name on a user's blocklist.

use super::alert::{Alerts, Kind, Sample, Seed};
use super::blocklist::Blocklist;
use super::config::DetectConfig;
use super::detector::{event, is_public, key_bits, remote, side_dev, Cx, Detector};
use crate::Severity;
use iotgate_observe::engine::{FirstPacket, Progress};
use iotgate_observe::flow::{Flow, FlowKey};
use iotgate_observe::Inventory;
use iotgate_wire::net::is_group;
use rustc_hash::FxHashMap;
use std::net::IpAddr;

/// Services devices legitimately keep in touch with on a schedule (DNS, NTP, web and TLS, MQTT,
/// XMPP, push, STUN): steady check-ins there are normal cloud keep-alives, not judged.
const ROUTINE_PORTS: &[u16] = &[
    53, 80, 123, 443, 853, 993, 995, 1883, 3478, 5222, 5223, 5228, 5349, 8080, 8443, 8883,
];
/// Ports classic IoT botnet servers listen on (Telnet, IRC): a steady heartbeat there is medium
/// severity; elsewhere low.
const SUSPECT_PORTS: &[u16] = &[23, 2323, 6667, 6697, 1337, 31337, 48101];
const DESTS_PER_DEVICE: usize = 32;
/// DNS tunnel: window, and distinct TXT or NULL names under one domain within it.
const TUNNEL_WINDOW: i64 = 600 * 1_000_000_000;
const TUNNEL_NAMES: u64 = 8;

/// Per device: the domain its TXT/NULL queries mostly go to, with the distinct names asked.
type Tunnel = super::sketch::DomainVote;

/// Check-ins: short sessions (at most a minute each) to one remote server, counted over up to
/// an hour; sustained for five minutes at ten a minute or more, with requests of nearly one
/// size, they are a check-in loop (a command channel over TLS or HTTP polling for orders,
/// regular or not).
const CHECKIN_SESSION_NS: i64 = 60 * 1_000_000_000;
const CHECKIN_SPAN_NS: i64 = 300 * 1_000_000_000;
const CHECKIN_MAX_NS: i64 = 3600 * 1_000_000_000;
const CHECKIN_MIN: u32 = 100;
const CHECKIN_PER_MIN: i64 = 10;
const CHECKIN_SIZE_CV: f64 = 0.2;
const CHECKIN_DESTS: usize = 16;

/// Short sessions to one destination: the name the device resolved for the server (the name
/// its TLS SNI or HTTP Host carries, so a server behind rotating addresses stays one), else the
/// server's address.
#[derive(Clone)]
struct CheckIns {
    /// The name's hash with the top bit set, or the address.
    addr: u128,
    port: u16,
    first: i64,
    last: i64,
    n: u32,
    /// Welford's running mean and sum of squares of the client's bytes per session.
    mean: f64,
    m2: f64,
    alert: Option<usize>,
}

/// A device's check-in destinations, with a tag per destination side by side (a hash of
/// address and port), kept in the table itself: finding one reads two cache lines, not one
/// per destination.
#[derive(Clone, Default)]
struct CheckInTable {
    tags: [u64; CHECKIN_DESTS],
    list: Vec<CheckIns>,
}

/// The tag of a check-in destination in [`CheckInTable::tags`].
#[inline]
fn checkin_tag(addr: u128, port: u16) -> u64 {
    super::sketch::mix(addr) ^ u64::from(port)
}

#[derive(Clone)]
struct Dest {
    addr: u128,
    port: u16,
    proto: u8,
    last: i64,
    n: u32,
    mean: f64,
    m2: f64,
}

/// The C2 detector.
#[derive(Default, Clone)]
pub(crate) struct C2 {
    dests: FxHashMap<u32, Vec<Dest>>,
    misses: FxHashMap<u32, u32>,
    tunnels: FxHashMap<u32, Tunnel>,
    checkins: super::detector::DevMap<CheckInTable>,
}

impl C2 {
    fn state_bytes(&self) -> usize {
        self.dests.len() * (DESTS_PER_DEVICE * std::mem::size_of::<Dest>() + 32)
            + self.tunnels.len() * (std::mem::size_of::<Tunnel>() + 16)
            + self.checkins.len() * (CHECKIN_DESTS * (std::mem::size_of::<CheckIns>() + 8) + 56)
    }

    fn start(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow) {
        let (lists, inv, alerts) = (cx.lists, cx.inv, &mut *cx.alerts);
        let i = f.initiator as usize;
        if side_dev(inv, f, i) != Some(dev) {
            return;
        }
        let (r, ts) = (1 - i, f.first_ns);
        listed(lists, inv, alerts, dev, key.addr(r), key, f, ts, false);
    }

    /// Connection-level beaconing, judged on answered flows only (a check-in is answered; a
    /// scan's probes mostly are not, and cost nothing here).
    fn answered(
        &mut self,
        cfg: &DetectConfig,
        inv: &Inventory,
        alerts: &mut Alerts,
        dev: u32,
        key: &FlowKey,
        f: &Flow,
    ) {
        let i = f.initiator as usize;
        let (r, ts) = (1 - i, f.first_ns);
        let dst = key.addr(r);
        let port = key.port(r);
        if !is_public(&dst) || !matches!(key.proto, 6 | 17) || ROUTINE_PORTS.contains(&port) {
            return;
        }
        let a = if r == 0 { key.a } else { key.b };
        let v = self.dests.entry(dev).or_default();
        let d = match v
            .iter()
            .position(|d| d.addr == a && d.port == port && d.proto == key.proto)
        {
            Some(i) => &mut v[i],
            None => {
                let fresh = Dest {
                    addr: a,
                    port,
                    proto: key.proto,
                    last: ts,
                    n: 0,
                    mean: 0.0,
                    m2: 0.0,
                };
                if v.len() < DESTS_PER_DEVICE {
                    v.push(fresh);
                    return;
                }
                // Destinations seen once give way first; and only one miss in eight replaces
                // anything, so a scan's one-off destinations cannot flush a real beacon.
                let misses = self.misses.entry(dev).or_default();
                *misses = misses.wrapping_add(1);
                if *misses & 7 == 0 {
                    if let Some(o) = v.iter_mut().min_by_key(|d| (d.n, d.last)) {
                        *o = fresh;
                    }
                }
                return;
            }
        };
        let dt = (ts - d.last) as f64 / 1e9;
        d.last = ts;
        if dt <= 0.0 {
            return;
        }
        // Welford's running mean and variance of the intervals.
        d.n += 1;
        let delta = dt - d.mean;
        d.mean += delta / d.n as f64;
        d.m2 += delta * (dt - d.mean);
        if d.n < cfg.beacon_min || d.mean < cfg.beacon_min_interval_s as f64 {
            return;
        }
        let sd = (d.m2 / (d.n - 1).max(1) as f64).sqrt();
        if sd > cfg.beacon_jitter as f64 * d.mean {
            return;
        }
        let (n, mean) = (d.n, d.mean);
        beacon(inv, alerts, dev, key, f, ts, "beacon", n, mean, sd / mean);
    }

    /// A kept-open connection reached 4, 8, 16... idle gaps: steady gaps are a heartbeat.
    pub(crate) fn gaps(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        let i = f.initiator as usize;
        let Some(dev) = side_dev(inv, f, i) else {
            return;
        };
        let r = 1 - i;
        // Local servers too: a remote-access trojan's server is often another host of the LAN.
        if is_group(&key.addr(r))
            || !matches!(key.proto, 6 | 17)
            || ROUTINE_PORTS.contains(&key.port(r))
        {
            return;
        }
        let n = f.gaps as u32;
        let mean = f.gap_sum_ms as f64 / n.max(1) as f64 / 1e3;
        let spread = (f.gap_max_ms - f.gap_min_ms) as f64 / 1e3;
        if n < cfg.beacon_min || mean < cfg.beacon_min_interval_s as f64 {
            return;
        }
        // The range of a handful of steady intervals: twice the allowed deviation.
        if spread > 2.0 * cfg.beacon_jitter as f64 * mean {
            return;
        }
        beacon(
            inv,
            alerts,
            dev,
            key,
            f,
            ts,
            "heartbeat",
            n,
            mean,
            spread / mean / 2.0,
        );
    }

    /// A flow was answered: beaconing of the device that opened it; inbound contact from a
    /// listed address once the device answered.
    pub(crate) fn replied(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        let (cfg, lists, inv, alerts) = (cx.cfg, cx.lists, cx.inv, &mut *cx.alerts);
        let (i, r) = (f.initiator as usize, 1 - f.initiator as usize);
        if let Some(dev) = side_dev(inv, f, i) {
            if key.proto != 6 || f.tcp & iotgate_observe::flow::tcpbits::SYNACK != 0 {
                self.answered(cfg, inv, alerts, dev, key, f);
            }
        }
        if lists.is_empty() || side_dev(inv, f, i).is_some() {
            return;
        }
        if let Some(dev) = side_dev(inv, f, r) {
            listed(lists, inv, alerts, dev, key.addr(i), key, f, ts, true);
        }
    }

    /// Data carried in ICMP echo (ptunnel, Hans, icmptunnel): an echo reply answers exactly one
    /// request (RFC 792, RFC 4443), so a peer sending many more replies than it was sent
    /// requests is pushing its own data back (medium); echo packets averaging 512 bytes or more
    /// over 64 KiB are data, not reachability tests (low: long large-packet pings do this too).
    fn icmp_tunnel(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        // An exchange of echo messages only: ICMP errors (a host answering a UDP scan with
        // port unreachables) travel in the same flow and are not replies.
        if !matches!(key.proto, 1 | 58)
            || !matches!(f.icmp[0], Some((8 | 128, _)))
            || f.marks & iotgate_observe::flow::markbits::ICMP_ERROR != 0
        {
            return;
        }
        let i = f.initiator as usize;
        let Some(dev) = side_dev(cx.inv, f, i) else {
            return;
        };
        let (req, rep) = (f.pkts[0], f.pkts[1]);
        let bytes = f.bytes[0] + f.bytes[1];
        let extra_replies = rep >= 16 && rep > req + req / 4 + 8;
        let heavy = req + rep >= 64 && bytes >= 65_536 && bytes >= 512 * (req + rep);
        if !(extra_replies || heavy) {
            return;
        }
        let seed = Seed {
            kind: Kind::C2,
            detail: "icmp-tunnel",
            severity: if extra_replies {
                Severity::Medium
            } else {
                Severity::Low
            },
            confidence: if extra_replies { 0.8 } else { 0.5 },
            dev,
            ts,
            first_ns: f.first_ns,
            peer: Some(key.addr(1 - i)),
            port: None,
            proto: key.proto,
            inbound: false,
        };
        if let Some(ix) = cx.alerts.raise(cx.inv, seed) {
            let a = &mut cx.alerts.list[ix];
            a.set("requests", req.max(a.count("requests").unwrap_or(0)));
            a.set("replies", rep.max(a.count("replies").unwrap_or(0)));
            a.set("bytes", bytes.max(a.count("bytes").unwrap_or(0)));
            a.sample(Sample::of(key, f));
        }
    }

    /// TXT and NULL records carry data, so tunnels and loaders move it through them: a device
    /// asking for `TUNNEL_NAMES` distinct TXT or NULL names under one domain within ten minutes
    /// is pulling (or pushing) data through DNS (a PowerShell loader took its code in 16 TXT
    /// chunks). Devices rarely ask for TXT records at all, and mail servers checking SPF ask
    /// about many different domains.
    fn dns_tunnel(&mut self, cx: &mut Cx<'_>, dev: u32, ts: i64, name: &str, resolver: IpAddr) {
        let parent = super::flood::parent_domain(name);
        if parent.len() == name.trim_end_matches('.').len() || self.tunnels.len() > 16_384 {
            return;
        }
        let hash = super::flood::hash_str;
        let t = self.tunnels.entry(dev).or_default();
        let Some(n) = t.add(ts, TUNNEL_WINDOW, hash(parent), hash(name)) else {
            return;
        };
        if n < TUNNEL_NAMES {
            return;
        }
        let seed = Seed {
            kind: Kind::C2,
            detail: "dns-tunnel",
            severity: Severity::Medium,
            confidence: 0.7,
            dev,
            ts,
            first_ns: t.window,
            peer: Some(resolver),
            port: Some(53),
            proto: 17,
            inbound: false,
        };
        if let Some(ix) = cx.alerts.raise(cx.inv, seed) {
            let a = &mut cx.alerts.list[ix];
            if a.items.is_empty() {
                a.items.push(parent.to_string());
                a.peer_name = Some(parent.to_string());
            }
            a.set("names", n.max(a.count("names").unwrap_or(0)));
            a.set("queries", t.queries.max(a.count("queries").unwrap_or(0)));
        }
    }

    /// An ended TCP session the device opened to a remote server: counted towards that
    /// server's check-ins when it was short and completed.
    fn checkin(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow) {
        let (i, r) = (f.initiator as usize, 1 - f.initiator as usize);
        if key.proto != 6
            || !f.handshake_done()
            || f.last_ns - f.first_ns > CHECKIN_SESSION_NS
            || f.bytes[0] == 0
            || !remote(key, f, r)
        {
            return;
        }
        let Some(dev) = side_dev(cx.inv, f, i) else {
            return;
        };
        if self.checkins.len() >= 16_384 && self.checkins.get_mut(dev).is_none() {
            return;
        }
        let server = key.addr(r);
        let addr = match cx.inv.devices[dev as usize].name_for(&server) {
            Some(name) => (1u128 << 127) | u128::from(super::flood::hash_str(name)),
            None => key_bits(key, r),
        };
        let (port, ts) = (key.port(r), f.first_ns);
        let tag = checkin_tag(addr, port);
        let CheckInTable { tags, list: v } = self.checkins.entry(dev);
        let at = match tags[..v.len()]
            .iter()
            .zip(v.iter())
            .position(|(t, c)| *t == tag && c.addr == addr && c.port == port)
        {
            Some(at) => at,
            None => {
                let fresh = CheckIns {
                    addr,
                    port,
                    first: ts,
                    last: ts,
                    n: 0,
                    mean: 0.0,
                    m2: 0.0,
                    alert: None,
                };
                if v.len() < CHECKIN_DESTS {
                    tags[v.len()] = tag;
                    v.push(fresh);
                    v.len() - 1
                } else {
                    // The destination with the fewest sessions gives way.
                    let at = (0..v.len())
                        .min_by_key(|&j| (v[j].n, v[j].last))
                        .unwrap_or(0);
                    v[at] = fresh;
                    tags[at] = tag;
                    at
                }
            }
        };
        let c = &mut v[at];
        if ts - c.first > CHECKIN_MAX_NS && c.alert.is_none() {
            *c = CheckIns {
                first: ts,
                n: 0,
                mean: 0.0,
                m2: 0.0,
                ..c.clone()
            };
        }
        c.last = c.last.max(ts);
        c.n += 1;
        let x = f.bytes[0] as f64;
        let delta = x - c.mean;
        c.mean += delta / c.n as f64;
        c.m2 += delta * (x - c.mean);
        if let Some(ix) = c.alert {
            let a = &mut cx.alerts.list[ix];
            a.touch(f.last_ns);
            a.set("sessions", c.n as u64);
            return;
        }
        let span = c.last - c.first;
        // The spread of sizes last: a square root, needed only once the counts qualify.
        let spread = || (c.m2 / (c.n - 1).max(1) as f64).sqrt() / c.mean.max(1.0);
        if c.n < CHECKIN_MIN
            || span < CHECKIN_SPAN_NS
            || (c.n as i64) * 60_000_000_000 < CHECKIN_PER_MIN * span
            || spread() > CHECKIN_SIZE_CV
        {
            return;
        }
        let cv = spread();
        let seed = Seed {
            kind: Kind::C2,
            detail: "check-ins",
            severity: Severity::Low,
            confidence: 0.5,
            dev,
            ts: f.last_ns,
            first_ns: c.first,
            peer: Some(key.addr(r)),
            port: Some(port),
            proto: 6,
            inbound: false,
        };
        if let Some(ix) = cx.alerts.raise(cx.inv, seed) {
            c.alert = Some(ix);
            let a = &mut cx.alerts.list[ix];
            a.set("sessions", c.n as u64);
            a.set(
                "per_minute",
                (c.n as i64 * 60_000_000_000 / span.max(1)) as u64,
            );
            a.set("size_cv_permille", (cv * 1e3).round() as u64);
            a.sample(Sample::of(key, f));
        }
    }

    /// A device POSTed to an Internet server named by its bare address along a random-looking
    /// path (low: could be malware checking in; some devices' clouds are reached by address).
    fn random_post(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        let (i, r) = (f.initiator as usize, 1 - f.initiator as usize);
        let Some(dev) = side_dev(cx.inv, f, i) else {
            return;
        };
        if !remote(key, f, r) {
            return;
        }
        let seed = Seed {
            kind: Kind::C2,
            detail: "random-post",
            severity: Severity::Low,
            confidence: 0.5,
            dev,
            ts,
            first_ns: f.first_ns,
            peer: Some(key.addr(r)),
            port: Some(key.port(r)),
            proto: 6,
            inbound: false,
        };
        if let Some(ix) = cx.alerts.raise(cx.inv, seed) {
            let a = &mut cx.alerts.list[ix];
            a.set("requests", a.count("requests").unwrap_or(0) + 1);
            a.sample(Sample::of(key, f));
        }
    }

    /// A device looked up a listed name.
    pub(crate) fn dns(&mut self, cx: &mut Cx<'_>, dev: u32, ts: i64, name: &str, resolver: IpAddr) {
        let (lists, inv, alerts) = (cx.lists, cx.inv, &mut *cx.alerts);
        for l in lists {
            if let Some(entry) = l.match_name(name) {
                let seed = Seed {
                    kind: Kind::Blocklist,
                    detail: "dns",
                    severity: Severity::High,
                    confidence: 0.9,
                    dev,
                    ts,
                    first_ns: ts,
                    peer: Some(resolver),
                    port: Some(53),
                    proto: 17,
                    inbound: false,
                };
                if let Some(ix) = alerts.raise(inv, seed) {
                    let a = &mut alerts.list[ix];
                    if a.list.is_none() {
                        a.list = Some((l.name.clone(), entry));
                        a.peer_name = Some(name.trim_end_matches('.').to_string());
                    }
                    a.set("queries", a.count("queries").unwrap_or(0) + 1);
                }
                return;
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn beacon(
    inv: &Inventory,
    alerts: &mut Alerts,
    dev: u32,
    key: &FlowKey,
    f: &Flow,
    ts: i64,
    detail: &'static str,
    n: u32,
    mean: f64,
    jitter: f64,
) {
    let r = 1 - f.initiator as usize;
    let port = key.port(r);
    let seed = Seed {
        kind: Kind::C2,
        detail,
        severity: if SUSPECT_PORTS.contains(&port) {
            Severity::Medium
        } else {
            Severity::Low
        },
        confidence: if SUSPECT_PORTS.contains(&port) {
            0.8
        } else {
            0.5
        },
        dev,
        ts,
        first_ns: f.first_ns,
        peer: Some(key.addr(r)),
        port: Some(port),
        proto: key.proto,
        inbound: false,
    };
    if let Some(ix) = alerts.raise(inv, seed) {
        let a = &mut alerts.list[ix];
        a.set("intervals", n as u64);
        a.set("interval_ms", (mean * 1e3).round() as u64);
        a.set("jitter_permille", (jitter * 1e3).round() as u64);
        a.sample(Sample::of(key, f));
    }
}

/// Checks `addr` (and the names the device resolved to it) against every list.
#[allow(clippy::too_many_arguments)]
fn listed(
    lists: &[Blocklist],
    inv: &Inventory,
    alerts: &mut Alerts,
    dev: u32,
    addr: IpAddr,
    key: &FlowKey,
    f: &Flow,
    ts: i64,
    inbound: bool,
) {
    if lists.is_empty() {
        return;
    }
    let Some(d) = inv.devices.get(dev as usize) else {
        return;
    };
    for l in lists {
        let hit = l.match_addr(&addr).map(|e| ("address", e)).or_else(|| {
            d.names_for(&addr)
                .find_map(|n| l.match_name(n).map(|e| ("name", e)))
        });
        let Some((detail, entry)) = hit else {
            continue;
        };
        let seed = Seed {
            kind: Kind::Blocklist,
            detail,
            severity: Severity::High,
            confidence: 0.9,
            dev,
            ts,
            first_ns: ts,
            peer: Some(addr),
            port: Some(key.port(1 - f.initiator as usize)),
            proto: key.proto,
            inbound,
        };
        if let Some(ix) = alerts.raise(inv, seed) {
            let a = &mut alerts.list[ix];
            if a.list.is_none() {
                a.list = Some((l.name.clone(), entry));
            }
            a.set("flows", a.count("flows").unwrap_or(0) + 1);
            a.sample(Sample::of(key, f));
        }
        return;
    }
}

impl Detector for C2 {
    fn started(
        &mut self,
        cx: &mut Cx<'_>,
        dev: u32,
        key: &FlowKey,
        f: &Flow,
        _first: &FirstPacket,
    ) {
        if !cx.lists.is_empty() {
            self.start(cx, dev, key, f);
        }
    }
    fn progress(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, why: Progress, ts: i64) {
        match why {
            Progress::Replied => self.replied(cx, key, f, ts),
            Progress::Gaps => self.gaps(cx, key, f, ts),
            Progress::Packets(_) => self.icmp_tunnel(cx, key, f, ts),
            Progress::RandomPost => self.random_post(cx, key, f, ts),
            Progress::Login(_) | Progress::Tool(_) => {}
        }
    }
    fn ended(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow) {
        self.icmp_tunnel(cx, key, f, f.last_ns);
        self.checkin(cx, key, f);
    }
    fn dns_query(
        &mut self,
        cx: &mut Cx<'_>,
        dev: u32,
        ts: i64,
        name: &str,
        qtype: u16,
        resolver: IpAddr,
    ) {
        self.dns(cx, dev, ts, name, resolver);
        if matches!(qtype, 10 | 16) {
            self.dns_tunnel(cx, dev, ts, name, resolver);
        }
    }
    fn events(&self) -> u16 {
        event::STARTED
            | event::REPLIED
            | event::GAPS
            | event::PACKETS
            | event::ENDED
            | event::DNS
            | event::TOOL
    }
    fn prefetch(&self, dev: u32, _peer: u128) {
        if let Some(t) = self.checkins.get(dev) {
            iotgate_observe::prefetch_ref(&t.tags[0]);
            iotgate_observe::prefetch_ref(&t.tags[CHECKIN_DESTS - 1]);
        }
    }
    fn bytes(&self) -> usize {
        self.state_bytes()
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}
