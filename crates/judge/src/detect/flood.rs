//! Attack traffic (DoS participation): a device sending a flood — SYN, ACK, UDP, ICMP, GRE,
//! HTTP connection floods, DNS water torture — judged per second against absolute ceilings and
//! the device's own baseline, with the victim named.

use super::alert::{Alerts, Kind, Sample, Seed};
use super::config::DetectConfig;
use super::detector::{event, side_dev, Cx, Detector, WEB_PORTS};
use crate::Severity;
use iotgate_observe::engine::{FirstPacket, Progress};
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};
use iotgate_observe::Inventory;
use std::net::IpAddr;

const SEC: i64 = 1_000_000_000;
/// Categories counted per second: new flows of each kind.
const SYN: usize = 0;
const ACK: usize = 1;
const UDP: usize = 2;
const ICMP: usize = 3;
const HTTP: usize = 4;
const CATS: usize = 5;
const CAT_DETAIL: [&str; CATS] = ["syn", "ack", "udp", "icmp", "http"];
/// At most this many destination ports in a second for a flood below five times its ceiling.
const FEW_PORTS: usize = 16;
/// DNS water-torture window.
const DNS_WINDOW: i64 = 10 * SEC;
/// A host has 65,536 ports: a scanner that probes each at most twice sends no more than this
/// to one host. New flows to many ports of one host are a port scan (the scan detector's) until
/// they pass it; beyond, they are a flood with randomised ports.
const SWEEP_LIMIT: u64 = 2 * 65_536;
/// Mean size of a second's first packets (IP length) from which new flows to many ports are
/// a flood at once: probes are small (a SYN, an empty or protocol-sized datagram), while a
/// flood exists to deliver volume (Mirai's UDP and ACK floods send 512-byte payloads).
const HEAVY_BYTES: u64 = 256;

/// ICMP messages that report on someone else's packet (unreachable, time exceeded, parameter
/// problem, source quench, redirect; ICMPv6 types below 128): a host sends them because it was
/// sent traffic — a UDP port scan draws thousands — so they are answers, not a flood it starts.
fn icmp_error(proto: u8, kind: Option<u8>) -> bool {
    kind.is_some_and(|t| iotgate_wire::transport::is_icmp_error(proto, t))
}

/// A majority vote (Boyer–Moore) for the victim of one category within a second.
#[derive(Default, Clone, Copy)]
struct Vote {
    cand: u128,
    v4: bool,
    votes: i32,
    hits: u32,
}

impl Vote {
    #[inline]
    fn add(&mut self, a: u128, v4: bool) {
        if self.votes == 0 {
            self.cand = a;
            self.v4 = v4;
            self.hits = 0;
        }
        if self.cand == a {
            self.votes += 1;
            self.hits += 1;
        } else {
            self.votes -= 1;
        }
    }
}

/// The distinct destination ports of one second, told apart up to one more than
/// [`FEW_PORTS`] (all a flood's judgement asks): exact, 36 bytes, and emptied by one write.
#[derive(Default, Clone, Copy)]
struct FewPorts {
    n: u8,
    ports: [u16; FEW_PORTS + 1],
}

impl FewPorts {
    #[inline]
    fn insert(&mut self, port: u16) {
        let n = usize::from(self.n);
        if n > FEW_PORTS || self.ports[..n].contains(&port) {
            return;
        }
        self.ports[n] = port;
        self.n += 1;
    }
    /// More than [`FEW_PORTS`] distinct ports.
    fn many(&self) -> bool {
        usize::from(self.n) > FEW_PORTS
    }
}

#[derive(Default, Clone)]
struct Dev {
    second: i64,
    cur: [u32; CATS],
    vote: [Vote; CATS],
    /// Distinct destination ports this second, per category.
    dports: [FewPorts; CATS],
    /// First event of each category this second.
    began: [i64; CATS],
    /// IP bytes of the first packets counted this second, per category.
    bytes: [u64; CATS],
    base: [f32; CATS],
    peak: [u32; CATS],
    alerts: [Option<usize>; CATS],
    /// Per category: the host whose many ports this episode's new flows went to, and how many
    /// flows so far (see [`SWEEP_LIMIT`]).
    sweep: [(u128, u64); CATS],
    // DNS water torture.
    dns: super::sketch::DomainVote,
    dns_alert: Option<usize>,
}

/// The flood detector.
#[derive(Default, Clone)]
pub(crate) struct Flood {
    devs: super::detector::DevMap<Dev>,
}

impl Flood {
    fn state_bytes(&self) -> usize {
        self.devs.len() * (std::mem::size_of::<Dev>() + 16)
    }

    fn start(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        if f.initiator != first.side {
            return;
        }
        let cat = match key.proto {
            6 if first.tcp_flags & 0x12 == 0x02 => SYN,
            6 if first.tcp_flags & 0x16 == 0x10 => ACK,
            17 => UDP,
            1 | 58 if !icmp_error(key.proto, first.icmp_type) => ICMP,
            _ => return,
        };
        let d = self.devs.entry(dev);
        let resp = 1 - first.side as usize;
        let victim = if resp == 0 { key.a } else { key.b };
        // The second this flow counts in first: its port belongs to that second.
        roll(cfg, inv, alerts, d, dev, f.first_ns);
        d.dports[cat].insert(key.port(resp));
        count(
            cfg, inv, alerts, d, dev, cat, victim, key.v4, f.first_ns, key, f,
        );
    }

    /// A flow was answered: a completed connection to a web port counts towards an HTTP flood.
    pub(crate) fn replied(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        if key.proto != 6 || f.tcp & tcpbits::SYNACK == 0 {
            return;
        }
        let i = f.initiator as usize;
        if !WEB_PORTS.contains(&key.port(1 - i)) {
            return;
        }
        let Some(dev) = side_dev(inv, f, i) else {
            return;
        };
        let d = self.devs.entry(dev);
        let victim = if i == 0 { key.b } else { key.a };
        count(cfg, inv, alerts, d, dev, HTTP, victim, key.v4, ts, key, f);
    }

    /// A flow reached a packet milestone: one flow carrying a one-sided flood.
    pub(crate) fn packets(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, dir: u8, ts: i64) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        if dir != 0 {
            return;
        }
        let i = f.initiator as usize;
        let Some(dev) = side_dev(inv, f, i) else {
            return;
        };
        let p = f.pkts[0];
        if p < 256 || f.pkts[1] * 10 >= p || icmp_error(key.proto, f.icmp[0].map(|(t, _)| t)) {
            return;
        }
        let (ceiling, detail) = match key.proto {
            17 => (cfg.flood_pps, "udp"),
            6 if f.tcp & tcpbits::SYNACK == 0 => (cfg.flood_pps, "tcp"),
            1 | 58 => (cfg.flood_icmp_pps, "icmp"),
            47 => (cfg.flood_icmp_pps, "gre"),
            6 => return,
            _ => (cfg.flood_icmp_pps, "other"),
        };
        let secs = ts.saturating_sub(f.first_ns).max(SEC / 1000) as f64 / SEC as f64;
        let pps = (p as f64 / secs) as u64;
        if pps < ceiling as u64 {
            return;
        }
        let seed = Seed {
            kind: Kind::Flood,
            detail,
            severity: Severity::High,
            confidence: 0.9,
            dev,
            ts,
            first_ns: f.first_ns,
            peer: Some(key.addr(1 - i)),
            port: None,
            proto: key.proto,
            inbound: false,
        };
        if let Some(ix) = alerts.raise(inv, seed) {
            let a = &mut alerts.list[ix];
            let peak = a.count("peak_pps").unwrap_or(0).max(pps);
            a.set("peak_pps", peak);
            a.set("packets", a.count("packets").unwrap_or(0).max(p));
            a.sample(Sample::of(key, f));
        }
    }

    /// A DNS query: many distinct names under one domain within seconds is water torture
    /// (random subdomains sent through the resolver to exhaust the domain's servers).
    pub(crate) fn dns(&mut self, cx: &mut Cx<'_>, dev: u32, ts: i64, name: &str, resolver: IpAddr) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        let parent = parent_domain(name);
        if parent.len() == name.len() {
            return;
        }
        let d = self.devs.entry(dev);
        let Some(n) = d.dns.add(ts, DNS_WINDOW, hash_str(parent), hash_str(name)) else {
            return;
        };
        if n < cfg.flood_dns_names as u64 {
            return;
        }
        let seed = Seed {
            kind: Kind::Flood,
            detail: "dns-water-torture",
            severity: Severity::High,
            confidence: 0.85,
            dev,
            ts,
            first_ns: d.dns.window,
            peer: Some(resolver),
            port: Some(53),
            proto: 17,
            inbound: false,
        };
        if let Some(ix) = alerts.raise(inv, seed) {
            d.dns_alert = Some(ix);
            let a = &mut alerts.list[ix];
            if a.items.is_empty() {
                a.items.push(parent.to_string());
                a.peer_name = Some(parent.to_string());
            }
            let m = a.count("names_per_10s").unwrap_or(0).max(n);
            a.set("names_per_10s", m);
        }
    }

    /// Time reached `now` without new flows: a device's second that has ended is judged now
    /// rather than when its next flow starts. The empty seconds in between fold into its
    /// baseline exactly as the next flow would fold them, so results do not depend on when
    /// time is advanced.
    fn tick(&mut self, cx: &mut Cx<'_>, now: i64) {
        for (dev, d) in self.devs.iter_mut() {
            if d.cur.iter().any(|&n| n > 0) && now >= d.second + SEC {
                close_second(cx.cfg, cx.inv, cx.alerts, d, dev, now);
                d.second = now - now.rem_euclid(SEC);
            }
        }
    }

    /// Closes every device's last second and writes final counters.
    fn close(&mut self, cx: &mut Cx<'_>) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        for (dev, d) in self.devs.iter_mut() {
            close_second(cfg, inv, alerts, d, dev, i64::MAX);
            for (c, a) in d.alerts.iter().enumerate() {
                if let Some(i) = a {
                    let al = &mut alerts.list[*i];
                    al.set("peak_per_second", d.peak[c] as u64);
                }
            }
        }
    }
}

/// Counts one event of category `cat` against `victim`; judges the second when it ends, or as
/// soon as the count alone crosses the ceiling.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn count(
    cfg: &DetectConfig,
    inv: &Inventory,
    alerts: &mut Alerts,
    d: &mut Dev,
    dev: u32,
    cat: usize,
    victim: u128,
    v4: bool,
    ts: i64,
    key: &FlowKey,
    f: &Flow,
) {
    roll(cfg, inv, alerts, d, dev, ts);
    if d.cur[cat] == 0 {
        d.began[cat] = ts;
    }
    d.cur[cat] += 1;
    d.bytes[cat] += f.bytes[0];
    d.vote[cat].add(victim, v4);
    let c = ceiling(cfg, cat);
    if d.cur[cat] == c || d.cur[cat] == 5 * c {
        judge(cfg, inv, alerts, d, dev, cat, ts);
        if let Some(i) = d.alerts[cat] {
            alerts.list[i].sample(Sample::of(key, f));
        }
    } else if let Some(i) = d.alerts[cat] {
        alerts.list[i].touch(ts);
    }
}

fn ceiling(cfg: &DetectConfig, cat: usize) -> u32 {
    match cat {
        SYN => cfg.flood_syn,
        ACK => cfg.flood_ack,
        UDP => cfg.flood_udp_flows,
        ICMP => cfg.flood_icmp_flows,
        _ => cfg.flood_http,
    }
}

/// Moves on to the second `ts` falls in, closing the current one, unless `ts` is in it.
#[inline]
fn roll(cfg: &DetectConfig, inv: &Inventory, alerts: &mut Alerts, d: &mut Dev, dev: u32, ts: i64) {
    if ts >= d.second + SEC || ts < d.second {
        close_second(cfg, inv, alerts, d, dev, ts);
        d.second = ts - ts.rem_euclid(SEC);
    }
}

/// Ends the current second: judges each category, then folds it into the baseline.
fn close_second(
    cfg: &DetectConfig,
    inv: &Inventory,
    alerts: &mut Alerts,
    d: &mut Dev,
    dev: u32,
    now: i64,
) {
    for cat in 0..CATS {
        let n = d.cur[cat];
        if n == 0 {
            // Nothing of this kind this second (most of them, for most devices): only the
            // baseline decays and an episode ends; the sketches are still empty.
            d.base[cat] *= 0.9;
            if d.sweep[cat] != (0, 0) {
                d.sweep[cat] = (0, 0);
            }
            continue;
        }
        d.peak[cat] = d.peak[cat].max(n);
        let flooding =
            n >= ceiling(cfg, cat) && judge(cfg, inv, alerts, d, dev, cat, d.second + SEC - 1);
        if !flooding {
            d.base[cat] = 0.9 * d.base[cat] + 0.1 * n as f32;
        }
        // Count this second towards the sweep of one host's ports, or end the episode.
        let v = d.vote[cat];
        if n >= ceiling(cfg, cat) && d.dports[cat].many() && (v.hits as u64) * 2 >= n as u64 {
            let s = &mut d.sweep[cat];
            if s.0 != v.cand {
                *s = (v.cand, 0);
            }
            s.1 += n as u64;
        } else if n < ceiling(cfg, cat) {
            d.sweep[cat] = (0, 0);
        }
        d.cur[cat] = 0;
        d.bytes[cat] = 0;
        d.vote[cat] = Vote::default();
        d.dports[cat].n = 0;
    }
    // Quiet seconds in between lower the baseline too.
    if now != i64::MAX && d.second > 0 {
        let idle = ((now - d.second) / SEC - 1).clamp(0, 64) as i32;
        let decay = 0.9f32.powi(idle);
        for b in &mut d.base {
            *b *= decay;
        }
    }
}

/// Raises (or extends) the flood alert of `cat` when this second's count clears the ceiling,
/// the baseline, and one victim got at least half of it.
fn judge(
    cfg: &DetectConfig,
    inv: &Inventory,
    alerts: &mut Alerts,
    d: &mut Dev,
    dev: u32,
    cat: usize,
    ts: i64,
) -> bool {
    let n = d.cur[cat];
    let v = d.vote[cat];
    if (n as f32) < cfg.flood_baseline_x * d.base[cat] || (v.hits as u64) * 2 < n as u64 {
        return false;
    }
    // New flows to many ports of one host are a port scan (the scan detector's), however fast,
    // until they pass what a scan of one host can send; a flood hammers a few ports, or keeps
    // randomising them past that.
    let heavy = d.bytes[cat] >= HEAVY_BYTES * n as u64;
    if d.dports[cat].many() && !heavy {
        let (host, before) = d.sweep[cat];
        let before = if host == v.cand { before } else { 0 };
        if before + (n as u64) <= SWEEP_LIMIT {
            return false;
        }
    }
    let victim = iotgate_observe::flow::addr_of(v.cand, v.v4);
    let seed = Seed {
        kind: Kind::Flood,
        detail: CAT_DETAIL[cat],
        severity: Severity::High,
        confidence: if n >= 4 * ceiling(cfg, cat) {
            0.95
        } else {
            0.85
        },
        dev,
        ts,
        first_ns: d.began[cat],
        peer: Some(victim),
        port: None,
        proto: match cat {
            ICMP => 1,
            UDP => 17,
            _ => 6,
        },
        inbound: false,
    };
    if let Some(i) = alerts.raise(inv, seed) {
        d.alerts[cat] = Some(i);
        let a = &mut alerts.list[i];
        a.set("baseline_per_second", d.base[cat].round() as u64);
        // The same packets looked like a port scan of the victim before they were a flood.
        alerts.supersede(Kind::Scan, "vertical", dev, v.cand);
        true
    } else {
        false
    }
}

/// The registrable part of a name, roughly: the last two labels, or three under a two-letter
/// country code whose second level is short (`example.co.uk`).
pub(crate) fn parent_domain(name: &str) -> &str {
    let n = name.trim_end_matches('.');
    let dots: Vec<usize> = n.match_indices('.').map(|(i, _)| i).collect();
    let labels = dots.len() + 1;
    let keep = {
        let tld = &n[dots.last().map_or(0, |i| i + 1)..];
        let sld_len = if dots.len() >= 2 {
            dots[dots.len() - 1] - dots[dots.len() - 2] - 1
        } else {
            usize::MAX
        };
        if tld.len() == 2 && sld_len <= 3 {
            3
        } else {
            2
        }
    };
    if labels <= keep {
        return n;
    }
    &n[dots[labels - keep - 1] + 1..]
}

pub(crate) fn hash_str(s: &str) -> u64 {
    // FNV-1a, case-insensitive.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b.to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}

impl Detector for Flood {
    fn started(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        self.start(cx, dev, key, f, first);
    }
    fn progress(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, why: Progress, ts: i64) {
        match why {
            Progress::Replied => self.replied(cx, key, f, ts),
            Progress::Packets(dir) => self.packets(cx, key, f, dir, ts),
            Progress::Gaps | Progress::Login(_) | Progress::Tool(_) | Progress::RandomPost => {}
        }
    }
    fn dns_query(
        &mut self,
        cx: &mut Cx<'_>,
        dev: u32,
        ts: i64,
        name: &str,
        _qtype: u16,
        resolver: IpAddr,
    ) {
        self.dns(cx, dev, ts, name, resolver);
    }
    fn advanced(&mut self, cx: &mut Cx<'_>, now: i64) {
        self.tick(cx, now);
    }
    fn finish(&mut self, cx: &mut Cx<'_>) {
        self.close(cx);
    }
    fn events(&self) -> u16 {
        event::STARTED
            | event::REPLIED
            | event::PACKETS
            | event::DNS
            | event::ADVANCED
            | event::FINISH
    }
    fn prefetch(&self, dev: u32, _peer: u128) {
        if let Some(d) = self.devs.get(dev) {
            iotgate_observe::prefetch_ref(&d.second);
            iotgate_observe::prefetch_ref(&d.cur);
            iotgate_observe::prefetch_ref(&d.vote);
            iotgate_observe::prefetch_ref(&d.dports);
            iotgate_observe::prefetch_ref(&d.began);
        }
    }
    fn bytes(&self) -> usize {
        self.state_bytes()
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::parent_domain;

    #[test]
    fn parents() {
        assert_eq!(parent_domain("a.b.example.com"), "example.com");
        assert_eq!(parent_domain("x1.example.co.uk"), "example.co.uk");
        assert_eq!(parent_domain("example.com"), "example.com");
        assert_eq!(parent_domain("com"), "com");
        assert_eq!(parent_domain("q.example.com."), "example.com");
    }
}
