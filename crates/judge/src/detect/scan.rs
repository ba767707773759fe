//! Scanning: one device probing many addresses on a port (horizontal) or many ports on one host
//! (vertical) with few answers, TCP probes no real stack sends (NULL, FIN, Xmas), and Mirai's
//! raw-SYN fingerprint (sequence number = destination IPv4 address).

use super::alert::{Kind, Sample, Seed};
use super::detector::{event, is_public, side_dev, Cx, Detector};
use super::sketch::{mix, Bits, Hll};
use crate::Severity;
use iotgate_observe::engine::{FirstPacket, Progress};
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};

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
    proto: u8,
    port: u16,
    seen: Bits,
    probes: u32,
    answered: u32,
}

#[derive(Default, Clone)]
struct HostSlot {
    first: i64,
    addr: u128,
    ports: Bits,
    probes: u32,
    accepted: u32,
}

/// Per-device scan counters; fixed size whatever the device sends.
#[derive(Default, Clone)]
struct Dev {
    window: i64,
    ports: Vec<PortSlot>,
    hosts: Vec<HostSlot>,
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
    targets: Hll,
    probes: u64,
    answered: u64,
    mirai_total: u64,
    stealth_total: u64,
    samples: Vec<Sample>,
    /// Alert indices: horizontal, vertical, stealth, mirai, sweep.
    alerts: [Option<usize>; 5],
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

impl Scan {
    fn state_bytes(&self) -> usize {
        self.devs.len() * (std::mem::size_of::<Dev>() + PORT_SLOTS * 140 + HOST_SLOTS * 150 + 512)
    }

    fn start(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        // Probes are flows the device opens.
        if f.initiator != first.side {
            return;
        }
        let resp = 1 - f.initiator as usize;
        if group_bits(key_bits(key, resp), key.v4) {
            return;
        }
        let (proto, port) = match key.proto {
            6 => {
                let fl = first.tcp_flags;
                // SYN, or a probe with none of SYN/ACK/RST (NULL, FIN, Xmas); a bare ACK or
                // data is a connection whose start was missed.
                if fl & 0x16 != 0x02 && fl & 0x16 != 0 {
                    return;
                }
                (6, key.port(resp))
            }
            17 => (17, key.port(resp)),
            1 | 58 if matches!(first.icmp_type, Some(8) | Some(128)) => (key.proto, 0),
            _ => return,
        };
        let ts = f.first_ns;
        let window = cfg.scan_window_s as i64 * 1_000_000_000;
        let need = match self.need {
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
        };
        let d = self.devs.entry(dev);
        if ts >= d.window + window || ts < d.window {
            d.window = ts;
            d.ports.clear();
            d.hosts.clear();
            d.mirai = 0;
            d.stealth = 0;
            d.any.clear();
            d.any_first = ts;
            d.any_probes = 0;
            d.any_answered = 0;
        }
        let dbits = key_bits(key, resp);
        let h = mix(dbits);
        d.targets.insert(h);
        d.probes += 1;
        // A device already known to scan widely: counters and times only — the hot path of a
        // scan. (Mirai's fingerprint keeps being counted for the evidence.)
        if d.alerts[0].is_some() || d.alerts[3].is_some() || d.alerts[4].is_some() {
            if proto == 6 && key.v4 && first.tcp_flags & 0x12 == 0x02 && first.seq == dbits as u32 {
                d.mirai_total += 1;
                match d.alerts[3] {
                    Some(i) if alerts.list[i].samples.len() < super::alert::MAX_SAMPLES => {
                        alerts.list[i].sample(Sample::of(key, f));
                    }
                    _ => {}
                }
            }
            for i in d.alerts.iter().flatten() {
                alerts.list[*i].touch(ts);
            }
            return;
        }
        if d.samples.len() < super::alert::MAX_SAMPLES {
            d.samples.push(Sample::of(key, f));
        }
        let dst = key.addr(resp);
        let fl = first.tcp_flags;
        if proto == 6 && fl & 0x16 == 0 {
            if d.stealth == 0 {
                d.stealth_first = ts;
            }
            d.stealth += 1;
            d.stealth_total += 1;
            if let Some(i) = d.alerts[2] {
                alerts.list[i].touch(ts);
            } else if d.stealth >= cfg.stealth_probes {
                let seed = Seed {
                    kind: Kind::Scan,
                    detail: "stealth",
                    severity: Severity::Medium,
                    confidence: 0.9,
                    dev,
                    ts,
                    first_ns: d.stealth_first,
                    peer: None,
                    port: None,
                    proto: 6,
                    inbound: false,
                };
                d.alerts[2] = alerts.raise(inv, seed).or(d.alerts[2]);
            }
        }
        if proto == 6 && key.v4 && fl & 0x12 == 0x02 && first.seq == dbits as u32 {
            if d.mirai == 0 {
                d.mirai_first = ts;
            }
            d.mirai += 1;
            d.mirai_total += 1;
            if let Some(i) = d.alerts[3] {
                alerts.list[i].touch(ts);
            } else if d.mirai >= cfg.mirai_syns {
                let seed = Seed {
                    kind: Kind::Scan,
                    detail: "mirai",
                    severity: Severity::High,
                    confidence: 0.99,
                    dev,
                    ts,
                    first_ns: d.mirai_first,
                    peer: None,
                    port: None,
                    proto: 6,
                    inbound: false,
                };
                d.alerts[3] = alerts.raise(inv, seed).or(d.alerts[3]);
            }
            // Mirai's evidence is its own fingerprinted SYNs, not whatever the device did first.
            if let Some(i) = d.alerts[3] {
                alerts.list[i].sample(Sample::of(key, f));
            }
        }
        // Horizontal on any ports: many addresses, ports all over the place.
        d.any_probes += 1;
        if d.any.insert(h) && d.alerts[0].is_none() && d.alerts[4].is_none() {
            let quiet = (d.any_answered as f32) <= cfg.scan_answered * d.any_probes as f32;
            if d.any.ones() >= need[2] && quiet {
                let seed = Seed {
                    kind: Kind::Scan,
                    detail: "sweep",
                    severity: Severity::Medium,
                    confidence: 0.85,
                    dev,
                    ts,
                    first_ns: d.any_first,
                    peer: None,
                    port: None,
                    proto,
                    inbound: false,
                };
                d.alerts[4] = alerts.raise(inv, seed);
            }
        }
        // Horizontal: distinct addresses per (protocol, port).
        'horizontal: {
            let slot = match d
                .ports
                .iter()
                .position(|s| s.proto == proto && s.port == port)
            {
                Some(i) => i,
                None if d.ports.len() < PORT_SLOTS => {
                    d.ports.push(PortSlot {
                        first: ts,
                        proto,
                        port,
                        ..Default::default()
                    });
                    d.ports.len() - 1
                }
                None => {
                    // Replace the quietest slot on one miss in eight only: a real scan comes back
                    // to its port at once, one-off destinations do not get to churn the table.
                    d.misses = d.misses.wrapping_add(1);
                    if d.misses & 7 != 0 {
                        break 'horizontal;
                    }
                    let i = (0..d.ports.len())
                        .min_by_key(|&i| d.ports[i].probes)
                        .unwrap_or(0);
                    d.ports[i] = PortSlot {
                        first: ts,
                        proto,
                        port,
                        ..Default::default()
                    };
                    i
                }
            };
            let s = &mut d.ports[slot];
            // While every earlier flow on this port was answered, none was a probe: the scan
            // (if it is one) starts now.
            if s.answered >= s.probes {
                s.first = ts;
            }
            s.probes += 1;
            if s.seen.insert(h) {
                let quiet = (s.answered as f32) <= cfg.scan_answered * s.probes as f32;
                let over = s.seen.ones() >= if proto == 6 { need[0] } else { need[1] };
                if over && quiet && !d.hot_ports.contains(&port) && d.hot_ports.len() < 16 {
                    d.hot_ports.push(port);
                }
                if over && quiet && d.alerts[0].is_none() {
                    let bot = proto == 6 && BOT_PORTS.contains(&port) && is_public(&dst);
                    let seed = Seed {
                        kind: Kind::Scan,
                        detail: "horizontal",
                        severity: if bot {
                            Severity::High
                        } else {
                            Severity::Medium
                        },
                        confidence: if s.answered * 20 <= s.probes {
                            0.95
                        } else {
                            0.85
                        },
                        dev,
                        ts,
                        first_ns: s.first,
                        peer: None,
                        port: None,
                        proto,
                        inbound: false,
                    };
                    d.alerts[0] = alerts.raise(inv, seed).or(d.alerts[0]);
                }
            }
        }
        // Vertical: distinct ports per host (TCP and UDP).
        if proto == 1 || proto == 58 {
            return;
        }
        let slot = match d.hosts.iter().position(|s| s.addr == dbits) {
            Some(i) => i,
            None if d.hosts.len() < HOST_SLOTS => {
                d.hosts.push(HostSlot {
                    first: ts,
                    addr: dbits,
                    ..Default::default()
                });
                d.hosts.len() - 1
            }
            None => {
                d.misses = d.misses.wrapping_add(1);
                if d.misses & 7 != 0 {
                    return;
                }
                let i = (0..d.hosts.len())
                    .min_by_key(|&i| d.hosts[i].probes)
                    .unwrap_or(0);
                d.hosts[i] = HostSlot {
                    first: ts,
                    addr: dbits,
                    ..Default::default()
                };
                i
            }
        };
        let s = &mut d.hosts[slot];
        s.probes += 1;
        if s.ports.insert(mix(((proto as u128) << 16) | port as u128)) {
            if let Some(i) = d.alerts[1] {
                let a = &mut alerts.list[i];
                if a.peer == Some(dst) {
                    a.set("ports", s.ports.estimate());
                }
            }
            let quiet = (s.accepted as f32) <= cfg.scan_answered * s.probes as f32;
            if s.ports.ones() >= need[3] && quiet && d.alerts[1].is_none() {
                let n = s.ports.estimate();
                let seed = Seed {
                    kind: Kind::Scan,
                    detail: "vertical",
                    severity: Severity::Medium,
                    confidence: 0.9,
                    dev,
                    ts,
                    first_ns: s.first,
                    peer: Some(dst),
                    port: None,
                    proto,
                    inbound: false,
                };
                if let Some(i) = alerts.raise(inv, seed) {
                    alerts.list[i].set("ports", n);
                    d.alerts[1] = Some(i);
                }
            }
        }
        // Evidence: the first probes the alert saw.
        for i in d.alerts.iter().flatten() {
            let a = &mut alerts.list[*i];
            a.touch(ts);
            if a.samples.is_empty() && a.detail != "mirai" {
                for s in &d.samples {
                    a.sample(s.clone());
                }
            }
        }
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
            if let Some(s) = d
                .ports
                .iter_mut()
                .find(|s| s.proto == key.proto && s.port == port)
            {
                s.answered += 1;
            }
        }
        let a = key_bits(key, resp);
        if let Some(s) = d.hosts.iter_mut().find(|s| s.addr == a) {
            if accepted {
                s.accepted += 1;
            }
        }
    }

    /// Final counters into the alerts.
    fn close(&mut self, cx: &mut Cx<'_>) {
        let alerts = &mut *cx.alerts;
        for (_, d) in self.devs.iter_mut() {
            for i in d.alerts.iter().flatten() {
                let a = &mut alerts.list[*i];
                a.set("targets", d.targets.estimate());
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

#[inline]
fn key_bits(key: &FlowKey, side: usize) -> u128 {
    if side == 0 {
        key.a
    } else {
        key.b
    }
}

impl Detector for Scan {
    fn started(&mut self, cx: &mut Cx<'_>, dev: u32, key: &FlowKey, f: &Flow, first: &FirstPacket) {
        self.start(cx, dev, key, f, first);
    }
    fn progress(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, why: Progress, _ts: i64) {
        if why == Progress::Replied {
            self.replied(cx, key, f);
        }
    }
    fn finish(&mut self, cx: &mut Cx<'_>) {
        self.close(cx);
    }
    fn events(&self) -> u16 {
        event::STARTED | event::REPLIED | event::FINISH
    }
    fn bytes(&self) -> usize {
        self.state_bytes()
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}
