//! Scanning: one device probing many addresses on a port (horizontal) or many ports on one host
//! (vertical) with few answers, TCP probes no real stack sends (NULL, FIN, Xmas, SYN+FIN,
//! SYN+RST), Mirai's raw-SYN fingerprint (sequence number = destination IPv4 address), and ARP
//! sweeps of the local network.

use super::alert::{Alerts, Kind, Sample, Seed};
use super::config::DetectConfig;
use super::detector::{event, is_public, key_bits, side_dev, Cx, Detector};
use super::sketch::{mix, Bits, Hll};
use crate::Severity;
use iotgate_observe::engine::{FirstPacket, Progress};
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};
use std::net::IpAddr;

/// Ports IoT botnets scan for (Mirai and its successors): a horizontal scan of these from an IoT
/// device is high severity.
const BOT_PORTS: &[u16] = &[
    22, 23, 80, 81, 2323, 5555, 7547, 8080, 8081, 8443, 37215, 52869, 60001,
];
const PORT_SLOTS: usize = 16;
const HOST_SLOTS: usize = 8;

#[derive(Default, Clone)]
struct PortSlot {
    first: i64,
    seen: Bits,
    probes: u32,
    answered: u32,
}

#[derive(Default, Clone)]
struct HostSlot {
    first: i64,
    ports: Bits,
    probes: u32,
    accepted: u32,
}

/// The keys of a device's slots, in the device's state itself (not apart on the heap): they
/// are read on every probe, and fetched with the rest ([`Detector::prefetch`]).
#[derive(Clone, Copy)]
struct Keys<K, const N: usize> {
    len: u8,
    keys: [K; N],
}

impl<K: Copy + Default, const N: usize> Default for Keys<K, N> {
    fn default() -> Self {
        Keys {
            len: 0,
            keys: [K::default(); N],
        }
    }
}

impl<K: Copy + PartialEq, const N: usize> Keys<K, N> {
    #[inline]
    fn position(&self, k: K) -> Option<usize> {
        self.keys[..usize::from(self.len)]
            .iter()
            .position(|x| *x == k)
    }
    fn clear(&mut self) {
        self.len = 0;
    }
}

/// Per-device scan counters; fixed size whatever the device sends.
#[derive(Default, Clone)]
struct Dev {
    window: i64,
    ports: Vec<PortSlot>,
    /// Each port slot's (protocol, port) as `proto << 16 | port`, side by side: finding a slot
    /// reads one cache line, not one per slot.
    port_keys: Keys<u32, PORT_SLOTS>,
    hosts: Vec<HostSlot>,
    /// Each host slot's address, side by side.
    host_keys: Keys<u128, HOST_SLOTS>,
    mirai: u32,
    stealth: u32,
    mirai_first: i64,
    misses: u32,
    /// Distinct targets on any port this window, probes and answers.
    any: Bits,
    any_first: i64,
    any_probes: u32,
    any_answered: u32,
    stealth_first: i64,
    /// The host the stealth probes went to, while they all went to one.
    stealth_host: Option<(u128, IpAddr)>,
    stealth_hosts: u32,
    targets: Hll,
    probes: u64,
    answered: u64,
    mirai_total: u64,
    stealth_total: u64,
    samples: Vec<Sample>,
    /// Alert indices: horizontal, vertical, stealth, mirai, sweep, ARP sweep, slow.
    alerts: [Option<usize>; 7],
    /// Slow scans: the long window's start, distinct TCP targets (any port), distinct targets
    /// that accepted a connection, SYN probes, those to ports botnets scan.
    slow_first: i64,
    slow_seen: Bits,
    slow_ok: Bits,
    slow_probes: u32,
    slow_bot: u32,
    /// ARP: distinct addresses asked for this window, requests and answers, first request.
    arp_seen: Bits,
    arp_requests: u32,
    arp_answers: u32,
    arp_first: i64,
    hot_ports: Vec<u16>,
}

/// The scan detector.
#[derive(Default, Clone)]
pub(crate) struct Scan {
    devs: super::detector::DevMap<Dev>,
    /// Thresholds in sketch bits: TCP targets, UDP targets, sweep targets, ports (and the
    /// configuration they were computed for).
    need: Option<(u32, u32, [u32; 4])>,
}

/// A flow the device opened that looks like a probe, as the recognisers see it.
struct Probe {
    /// First packet, ns.
    ts: i64,
    /// IP protocol.
    proto: u8,
    /// The port probed (0 for ICMP echo).
    port: u16,
    /// The target.
    dst: IpAddr,
    /// The target in the flow key's integer form, and its hash.
    bits: u128,
    hash: u64,
    /// TCP flags of the first packet.
    flags: u8,
    /// A SYN whose sequence number is the target's IPv4 address (Mirai's raw-socket scanner).
    mirai: bool,
}

impl Probe {
    /// The probe `f` is, if it is one: a SYN or a stealth probe (NULL, FIN, Xmas), a UDP
    /// datagram, or an ICMP echo request, from the side that opened the flow, to a unicast
    /// address.
    fn of(key: &FlowKey, f: &Flow, first: &FirstPacket) -> Option<Probe> {
        if f.initiator != first.side {
            return None;
        }
        let resp = 1 - f.initiator as usize;
        let bits = key_bits(key, resp);
        if group_bits(bits, key.v4) {
            return None;
        }
        let fl = first.tcp_flags;
        let (proto, port) = match key.proto {
            // SYN, or a probe with none of SYN/ACK/RST, or SYN with FIN or RST; a bare ACK or
            // data is a connection whose start was missed.
            6 if fl & 0x16 == 0x02 || fl & 0x16 == 0 || forged(fl) => (6, key.port(resp)),
            17 => (17, key.port(resp)),
            1 | 58 if matches!(first.icmp_type, Some(8) | Some(128)) => (key.proto, 0),
            _ => return None,
        };
        Some(Probe {
            ts: f.first_ns,
            proto,
            port,
            dst: key.addr(resp),
            bits,
            hash: mix(bits),
            flags: fl,
            mirai: proto == 6 && key.v4 && fl & 0x12 == 0x02 && first.seq == bits as u32,
        })
    }
}

impl Dev {
    /// Starts a new window when `ts` is past the current one (or before it).
    fn roll(&mut self, cfg: &DetectConfig, ts: i64) {
        let window = cfg.scan_window_s as i64 * 1_000_000_000;
        if ts >= self.window + window || ts < self.window {
            self.window = ts;
            self.ports.clear();
            self.port_keys.clear();
            self.hosts.clear();
            self.host_keys.clear();
            self.mirai = 0;
            self.stealth = 0;
            self.stealth_host = None;
            self.stealth_hosts = 0;
            self.any.clear();
            self.any_first = ts;
            self.any_probes = 0;
            self.any_answered = 0;
            self.arp_seen.clear();
            self.arp_requests = 0;
            self.arp_answers = 0;
            self.arp_first = ts;
        }
    }

    /// A device already alerted on: Mirai's fingerprinted SYNs still counted (and sampled),
    /// every alert's time extended.
    fn keep_counting(&mut self, alerts: &mut Alerts, p: &Probe, key: &FlowKey, f: &Flow) {
        if p.mirai {
            self.mirai_total += 1;
            match self.alerts[3] {
                Some(i) if alerts.list[i].samples.len() < super::alert::MAX_SAMPLES => {
                    alerts.list[i].sample(Sample::of(key, f));
                }
                _ => {}
            }
        }
        for i in self.alerts.iter().flatten() {
            alerts.list[*i].touch(p.ts);
        }
    }

    /// TCP probes no real stack sends: no SYN, ACK or RST (NULL, FIN, Xmas), or SYN with FIN
    /// or RST.
    fn stealth(&mut self, cx: &mut Cx<'_>, dev: u32, p: &Probe) {
        if p.proto != 6 || (p.flags & 0x16 != 0 && !forged(p.flags)) {
            return;
        }
        if self.stealth == 0 {
            self.stealth_first = p.ts;
        }
        self.stealth += 1;
        self.stealth_total += 1;
        match self.stealth_host {
            Some((b, _)) if b == p.bits => {}
            Some(_) => self.stealth_hosts = 2,
            None => {
                self.stealth_host = Some((p.bits, p.dst));
                self.stealth_hosts = 1;
            }
        }
        if let Some(i) = self.alerts[2] {
            cx.alerts.list[i].touch(p.ts);
        } else if self.stealth >= cx.cfg.stealth_probes {
            let mut seed = scan_seed(
                "stealth",
                Severity::Medium,
                0.9,
                dev,
                p.ts,
                self.stealth_first,
                6,
            );
            // Probes of one host (fingerprinting it): name it.
            if self.stealth_hosts == 1 {
                seed.peer = self.stealth_host.map(|(_, ip)| ip);
            }
            self.alerts[2] = cx.alerts.raise(cx.inv, seed).or(self.alerts[2]);
        }
    }

    /// Mirai's fingerprint: SYNs whose sequence number is the target's address.
    fn mirai(&mut self, cx: &mut Cx<'_>, dev: u32, p: &Probe, key: &FlowKey, f: &Flow) {
        if !p.mirai {
            return;
        }
        if self.mirai == 0 {
            self.mirai_first = p.ts;
        }
        self.mirai += 1;
        self.mirai_total += 1;
        if let Some(i) = self.alerts[3] {
            cx.alerts.list[i].touch(p.ts);
        } else if self.mirai >= cx.cfg.mirai_syns {
            let seed = scan_seed(
                "mirai",
                Severity::High,
                0.99,
                dev,
                p.ts,
                self.mirai_first,
                6,
            );
            self.alerts[3] = cx.alerts.raise(cx.inv, seed).or(self.alerts[3]);
        }
        // Mirai's evidence is its own fingerprinted SYNs, not whatever the device did first.
        if let Some(i) = self.alerts[3] {
            cx.alerts.list[i].sample(Sample::of(key, f));
        }
    }

    /// Horizontal on any ports: many addresses, ports all over the place, few answers.
    fn sweep(&mut self, cx: &mut Cx<'_>, dev: u32, p: &Probe, need: [u32; 4]) {
        self.any_probes += 1;
        if !self.any.insert(p.hash) || self.alerts[0].is_some() || self.alerts[4].is_some() {
            return;
        }
        let quiet = (self.any_answered as f32) <= cx.cfg.scan_answered * self.any_probes as f32;
        if self.any.ones() >= need[2] && quiet {
            let seed = scan_seed(
                "sweep",
                Severity::Medium,
                0.85,
                dev,
                p.ts,
                self.any_first,
                p.proto,
            );
            self.alerts[4] = cx.alerts.raise(cx.inv, seed);
        }
    }

    /// Slow and spread: distinct TCP targets on any ports over the long window (bots that probe
    /// an address a second across ports 23, 2323, 8080… never fill a one-minute window on one
    /// port), few accepted. A retried SYN to the same address adds no target.
    fn slow(&mut self, cx: &mut Cx<'_>, dev: u32, p: &Probe, need: [u32; 4]) {
        if p.proto != 6 || p.flags & 0x12 != 0x02 {
            return;
        }
        let window = cx.cfg.scan_slow_window_s as i64 * 1_000_000_000;
        if p.ts >= self.slow_first.saturating_add(window) || p.ts < self.slow_first {
            self.slow_first = p.ts;
            self.slow_seen.clear();
            self.slow_ok.clear();
            self.slow_probes = 0;
            self.slow_bot = 0;
        }
        self.slow_probes += 1;
        if BOT_PORTS.contains(&p.port) {
            self.slow_bot += 1;
        }
        if !self.slow_seen.insert(p.hash) {
            return;
        }
        if let Some(i) = self.alerts[6] {
            cx.alerts.list[i].touch(p.ts);
            return;
        }
        // Few of the addresses tried ever accepted: the servers a device uses all day accept
        // every one of its many sessions, but count once.
        let quiet =
            (self.slow_ok.ones() as f32) <= cx.cfg.scan_answered * self.slow_seen.ones() as f32;
        if self.slow_seen.ones() < need[1] || !quiet {
            return;
        }
        // Mostly towards the ports IoT botnets scan, on the Internet: an infected device.
        let bot = self.slow_bot * 2 >= self.slow_probes && is_public(&p.dst);
        let seed = scan_seed(
            "slow",
            if bot {
                Severity::High
            } else {
                Severity::Medium
            },
            0.85,
            dev,
            p.ts,
            self.slow_first,
            6,
        );
        self.alerts[6] = cx.alerts.raise(cx.inv, seed).or(self.alerts[6]);
    }

    /// The port slot of `(proto, port)` (see [`slot`]).
    fn port_slot(&mut self, p: &Probe) -> Option<usize> {
        let fresh = || PortSlot {
            first: p.ts,
            ..Default::default()
        };
        slot(
            (&mut self.ports, &mut self.port_keys),
            port_key(p.proto, p.port),
            &mut self.misses,
            fresh,
            |s| s.probes,
        )
    }

    /// Horizontal: many distinct addresses on one (protocol, port), few answers.
    fn horizontal(&mut self, cx: &mut Cx<'_>, dev: u32, p: &Probe, need: [u32; 4]) {
        let Some(slot) = self.port_slot(p) else {
            return;
        };
        let s = &mut self.ports[slot];
        // While every earlier flow on this port was answered, none was a probe: the scan (if
        // it is one) starts now.
        if s.answered >= s.probes {
            s.first = p.ts;
        }
        s.probes += 1;
        if !s.seen.insert(p.hash) {
            return;
        }
        let quiet = (s.answered as f32) <= cx.cfg.scan_answered * s.probes as f32;
        let over = s.seen.ones() >= if p.proto == 6 { need[0] } else { need[1] };
        if !(over && quiet) {
            return;
        }
        if !self.hot_ports.contains(&p.port) && self.hot_ports.len() < 16 {
            self.hot_ports.push(p.port);
        }
        if self.alerts[0].is_some() {
            return;
        }
        let bot = p.proto == 6 && BOT_PORTS.contains(&p.port) && is_public(&p.dst);
        let severity = if bot {
            Severity::High
        } else {
            Severity::Medium
        };
        let confidence = if s.answered * 20 <= s.probes {
            0.95
        } else {
            0.85
        };
        let seed = scan_seed(
            "horizontal",
            severity,
            confidence,
            dev,
            p.ts,
            s.first,
            p.proto,
        );
        self.alerts[0] = cx.alerts.raise(cx.inv, seed).or(self.alerts[0]);
    }

    /// The host slot of the probe's target (see [`slot`]).
    fn host_slot(&mut self, p: &Probe) -> Option<usize> {
        let fresh = || HostSlot {
            first: p.ts,
            ..Default::default()
        };
        slot(
            (&mut self.hosts, &mut self.host_keys),
            p.bits,
            &mut self.misses,
            fresh,
            |s| s.probes,
        )
    }

    /// Vertical: many distinct ports (TCP and UDP) of one host, few accepted. False when the
    /// host has no slot this time (the evidence then waits for a later probe).
    fn vertical(&mut self, cx: &mut Cx<'_>, dev: u32, p: &Probe, need: [u32; 4]) -> bool {
        let Some(slot) = self.host_slot(p) else {
            return false;
        };
        let s = &mut self.hosts[slot];
        s.probes += 1;
        if !s
            .ports
            .insert(mix(((p.proto as u128) << 16) | p.port as u128))
        {
            return true;
        }
        if let Some(i) = self.alerts[1] {
            let a = &mut cx.alerts.list[i];
            if a.peer == Some(p.dst) {
                a.set("ports", s.ports.estimate());
            }
        }
        let quiet = (s.accepted as f32) <= cx.cfg.scan_answered * s.probes as f32;
        if s.ports.ones() >= need[3] && quiet && self.alerts[1].is_none() {
            let n = s.ports.estimate();
            let mut seed = scan_seed(
                "vertical",
                Severity::Medium,
                0.9,
                dev,
                p.ts,
                s.first,
                p.proto,
            );
            seed.peer = Some(p.dst);
            if let Some(i) = cx.alerts.raise(cx.inv, seed) {
                cx.alerts.list[i].set("ports", n);
                self.alerts[1] = Some(i);
            }
        }
        true
    }

    /// Evidence: every alert's time extended, and the first probes the device made shown on
    /// an alert that has none yet (Mirai's keeps its own fingerprinted SYNs).
    fn evidence(&self, alerts: &mut Alerts, ts: i64) {
        for i in self.alerts.iter().flatten() {
            let a = &mut alerts.list[*i];
            a.touch(ts);
            if a.samples.is_empty() && a.detail != "mirai" {
                for s in &self.samples {
                    a.sample(s.clone());
                }
            }
        }
    }
}

/// The slot a probe counts in, found by its `key` (`keys` holds each slot's, in step with
/// `slots`): the one with that key, else a `fresh` one added while fewer than `N` are in
/// use, else — on one miss in eight — the quietest (fewest `probes`) replaced: a real scan
/// comes back to its port or host at once, one-off destinations do not get to churn the
/// table. None on the other misses.
fn slot<T, K: PartialEq + Copy, const N: usize>(
    (slots, keys): (&mut Vec<T>, &mut Keys<K, N>),
    key: K,
    misses: &mut u32,
    fresh: impl FnOnce() -> T,
    probes: impl Fn(&T) -> u32,
) -> Option<usize> {
    if let Some(i) = keys.position(key) {
        return Some(i);
    }
    if slots.len() < N {
        slots.push(fresh());
        keys.keys[slots.len() - 1] = key;
        keys.len = slots.len() as u8;
        return Some(slots.len() - 1);
    }
    *misses = misses.wrapping_add(1);
    if *misses & 7 != 0 {
        return None;
    }
    let i = (0..slots.len())
        .min_by_key(|&i| probes(&slots[i]))
        .unwrap_or(0);
    slots[i] = fresh();
    keys.keys[i] = key;
    Some(i)
}

/// A port slot's key: the protocol and the port.
#[inline]
fn port_key(proto: u8, port: u16) -> u32 {
    (u32::from(proto) << 16) | u32::from(port)
}

/// A scan alert about device `dev` (no peer: one per attacker, however many targets).
fn scan_seed(
    detail: &'static str,
    severity: Severity,
    confidence: f32,
    dev: u32,
    ts: i64,
    first_ns: i64,
    proto: u8,
) -> Seed {
    Seed {
        kind: Kind::Scan,
        detail,
        severity,
        confidence,
        dev,
        ts,
        first_ns,
        peer: None,
        port: None,
        proto,
        inbound: false,
    }
}

impl Scan {
    fn state_bytes(&self) -> usize {
        use std::mem::size_of;
        let slots = PORT_SLOTS * size_of::<PortSlot>() + HOST_SLOTS * size_of::<HostSlot>();
        self.devs.len() * (size_of::<Dev>() + slots + 512)
    }

    /// Thresholds in sketch bits for `cfg` (computed once per configuration): TCP targets,
    /// UDP targets, sweep targets, ports.
    fn need(&mut self, cfg: &DetectConfig) -> [u32; 4] {
        match self.need {
            Some((t, p, n)) if t == cfg.scan_targets && p == cfg.scan_ports => n,
            _ => {
                let n = [
                    Bits::ones_for(cfg.scan_targets),
                    Bits::ones_for(cfg.scan_targets.saturating_mul(2)),
                    Bits::ones_for(cfg.scan_targets.saturating_mul(4)),
                    Bits::ones_for(cfg.scan_ports),
                ];
                self.need = Some((cfg.scan_targets, cfg.scan_ports, n));
                n
            }
        }
    }

    /// A flow started: if it is a probe, each recogniser in turn — stealth probes, Mirai's
    /// fingerprint, a sweep of addresses on any ports, a horizontal scan of one port, a
    /// vertical scan of one host — then the evidence.
    fn start(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        let Some(p) = Probe::of(key, f, first) else {
            return;
        };
        let need = self.need(cx.cfg);
        let d = self.devs.entry(dev);
        d.roll(cx.cfg, p.ts);
        d.targets.insert(p.hash);
        d.probes += 1;
        // A device already known to scan widely: counters and times only — the hot path of a
        // scan. (Mirai's fingerprint keeps being counted for the evidence.)
        if d.alerts[0].is_some() || d.alerts[3].is_some() || d.alerts[4].is_some() {
            d.keep_counting(cx.alerts, &p, key, f);
            return;
        }
        if d.samples.len() < super::alert::MAX_SAMPLES {
            d.samples.push(Sample::of(key, f));
        }
        d.stealth(cx, dev, &p);
        d.mirai(cx, dev, &p, key, f);
        d.sweep(cx, dev, &p, need);
        d.slow(cx, dev, &p, need);
        d.horizontal(cx, dev, &p, need);
        if p.proto == 1 || p.proto == 58 || !d.vertical(cx, dev, &p, need) {
            return;
        }
        d.evidence(cx.alerts, p.ts);
    }

    /// A probe was answered (for TCP, accepted when the answer is a SYN+ACK).
    pub(crate) fn replied(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow) {
        let inv = cx.inv;
        let init = f.initiator as usize;
        let Some(dev) = side_dev(inv, f, init) else {
            return;
        };
        let Some(d) = self.devs.get_mut(dev) else {
            return;
        };
        let resp = 1 - init;
        let accepted = key.proto != 6 || f.tcp & tcpbits::SYNACK != 0;
        if d.alerts[0].is_some() || d.alerts[3].is_some() || d.alerts[4].is_some() {
            if accepted {
                d.answered += 1;
            }
            return;
        }
        let port = if matches!(key.proto, 1 | 58) {
            0
        } else {
            key.port(resp)
        };
        if accepted {
            d.answered += 1;
            d.any_answered += 1;
            if key.proto == 6 {
                d.slow_ok.insert(mix(key_bits(key, resp)));
            }
            let k = port_key(key.proto, port);
            if let Some(at) = d.port_keys.position(k) {
                d.ports[at].answered += 1;
            }
        }
        let a = key_bits(key, resp);
        if let Some(at) = d.host_keys.position(a) {
            if accepted {
                d.hosts[at].accepted += 1;
            }
        }
    }

    /// An ARP message: a request for another address counts towards an ARP sweep by its
    /// sender; a reply is an answer to the device it goes to. Gratuitous ARP (asking for one's
    /// own address) and address probes (from 0.0.0.0, RFC 5227) are not requests for others.
    fn arp(&mut self, cx: &mut Cx<'_>, dev: u32, ts: i64, arp: &iotgate_wire::link::Arp) {
        match arp.op {
            1 if arp.spa != arp.tpa && arp.spa != [0; 4] => {}
            2 => {
                if let Some(asker) = cx.inv.get(&arp.tha) {
                    if let Some(d) = self.devs.get_mut(asker) {
                        d.arp_answers += 1;
                    }
                }
                return;
            }
            _ => return,
        }
        let need = self.need(cx.cfg);
        let d = self.devs.entry(dev);
        d.roll(cx.cfg, ts);
        d.arp_requests += 1;
        if !d.arp_seen.insert(mix(u32::from_be_bytes(arp.tpa) as u128)) {
            return;
        }
        if let Some(i) = d.alerts[5] {
            cx.alerts.list[i].touch(ts);
            return;
        }
        let quiet = (d.arp_answers as f32) <= cx.cfg.scan_answered * d.arp_requests as f32;
        if d.arp_seen.ones() < need[0] || !quiet {
            return;
        }
        // Routers and DHCP servers look up the hosts they serve, some of them in sweeps.
        let server = cx
            .inv
            .devices
            .get(dev as usize)
            .is_some_and(|x| x.routes || x.dhcp_server);
        let severity = if server {
            Severity::Low
        } else {
            Severity::Medium
        };
        let seed = scan_seed("arp-sweep", severity, 0.9, dev, ts, d.arp_first, 0);
        if let Some(i) = cx.alerts.raise(cx.inv, seed) {
            // An estimate never exceeds what was counted; its error goes with it.
            let a = &mut cx.alerts.list[i];
            a.set(
                "targets",
                d.arp_seen.estimate().min(u64::from(d.arp_requests)),
            );
            a.set("targets_error_permille", d.arp_seen.error_permille());
            d.alerts[5] = Some(i);
        }
    }

    /// A request from a device named a scanning tool (nmap's scripting engine, Nikto,
    /// sqlmap…): whoever runs it is probing the server, whatever the rates.
    fn tool(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64, tool: &'static str) {
        let (i, r) = (f.initiator as usize, 1 - f.initiator as usize);
        let Some(dev) = side_dev(cx.inv, f, i) else {
            return;
        };
        let mut seed = scan_seed("tool", Severity::Medium, 0.95, dev, ts, f.first_ns, 6);
        seed.peer = Some(key.addr(r));
        seed.port = Some(key.port(r));
        if let Some(ix) = cx.alerts.raise(cx.inv, seed) {
            let a = &mut cx.alerts.list[ix];
            if !a.items.iter().any(|x| x == tool) {
                a.items.push(tool.to_string());
            }
            a.set("requests", a.count("requests").unwrap_or(0) + 1);
            a.sample(Sample::of(key, f));
        }
    }

    /// Final counters into the alerts.
    fn close(&mut self, cx: &mut Cx<'_>) {
        let alerts = &mut *cx.alerts;
        for (_, d) in self.devs.iter_mut() {
            for i in d.alerts.iter().flatten() {
                let a = &mut alerts.list[*i];
                if a.detail == "arp-sweep" {
                    a.set("requests", d.arp_requests as u64);
                    a.set("answered", d.arp_answers as u64);
                    continue;
                }
                // Distinct targets from the sketch: never above the probes sent, and with the
                // estimator's error.
                a.set("targets", d.targets.estimate().min(d.probes));
                a.set("targets_error_permille", Hll::ERROR_PERMILLE);
                a.set("probes", d.probes);
                a.set("answered", d.answered);
                match a.detail {
                    "mirai" => a.set("mirai_syns", d.mirai_total),
                    "stealth" => a.set("stealth_probes", d.stealth_total),
                    "horizontal" => {
                        let mut p = d.hot_ports.clone();
                        p.sort_unstable();
                        a.items = p.iter().map(|p| p.to_string()).collect();
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A first TCP packet with SYN and FIN, or SYN and RST: flags that contradict each other, which
/// only packet-crafting tools send (OS fingerprinting, firewall probing).
#[inline]
fn forged(flags: u8) -> bool {
    flags & 0x02 != 0 && flags & 0x05 != 0
}

/// Multicast or broadcast, on the flow key's integer form.
#[inline]
fn group_bits(b: u128, v4: bool) -> bool {
    if v4 {
        let a = b as u32;
        a >> 28 == 0xe || a == u32::MAX
    } else {
        b >> 120 == 0xff
    }
}

impl Detector for Scan {
    fn started(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        self.start(cx, dev, key, f, first);
    }
    fn progress(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, why: Progress, ts: i64) {
        match why {
            Progress::Replied => self.replied(cx, key, f),
            Progress::Tool(tool) => self.tool(cx, key, f, ts, tool),
            _ => {}
        }
    }
    fn finish(&mut self, cx: &mut Cx<'_>) {
        self.close(cx);
    }
    fn arp(&mut self, cx: &mut Cx<'_>, dev: u32, ts: i64, arp: &iotgate_wire::link::Arp) {
        Scan::arp(self, cx, dev, ts, arp);
    }
    fn events(&self) -> u16 {
        event::STARTED | event::REPLIED | event::FINISH | event::ARP | event::TOOL
    }
    fn prefetch(&self, dev: u32, peer: u128) {
        if let Some(d) = self.devs.get(dev) {
            // The lines of the sketches a probe of `peer` sets.
            let h = mix(peer);
            d.targets.prefetch(h);
            d.any.prefetch(h);
            d.slow_seen.prefetch(h);
            iotgate_observe::prefetch_ref(&d.window);
            iotgate_observe::prefetch_ref(&d.probes);
            iotgate_observe::prefetch_ref(&d.alerts);
            iotgate_observe::prefetch_ref(&d.any_probes);
            iotgate_observe::prefetch_ref(&d.slow_first);
            iotgate_observe::prefetch_ref(&d.port_keys);
            iotgate_observe::prefetch_ref(&d.host_keys.keys[0]);
            iotgate_observe::prefetch_ref(&d.host_keys.keys[HOST_SLOTS - 1]);
        }
    }
    fn bytes(&self) -> usize {
        self.state_bytes()
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}
