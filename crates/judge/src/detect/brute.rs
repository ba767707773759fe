//! Brute force: repeated sessions from one source to one login service — a device guessing
//! other hosts' passwords (what an infected camera does after its scan finds open Telnet), or
//! someone guessing the device's own. Login services are known by their well-known port, or on
//! any port by what they say (SSH, Telnet, text passwords, HTTP/RTSP challenges, MQTT
//! credentials, VNC, RDP: `iotgate_wire::login`).

use super::alert::{Kind, Sample, Seed};
use super::detector::{event, side_dev, Cx, Detector, LOGIN_PORTS, WEB_PORTS};
use crate::Severity;
use iotgate_observe::engine::Progress;
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};
use iotgate_observe::hashing::Map;
use iotgate_wire::login::Login;

/// Attacker–service pairs followed at once; beyond, pairs seen once are forgotten first.
const MAX_PAIRS: usize = 8192;
/// Session starts remembered per pair (the threshold cannot exceed it).
const RING: usize = 64;

#[derive(Clone)]
struct Pair {
    starts: Vec<i64>,
    total: u64,
    alert: Option<usize>,
}

/// The brute-force detector.
#[derive(Default, Clone)]
pub(crate) struct Brute {
    pairs: Map<(u128, u128, u16), Pair>,
    /// Pairs forgotten to stay within bounds.
    pub forgotten: u64,
}

impl Brute {
    fn state_bytes(&self) -> usize {
        self.pairs.len() * (64 + RING * 8)
    }

    /// A TCP connection was answered: count it when a login service's port accepted it.
    pub(crate) fn replied(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64) {
        if key.proto != 6 || f.tcp & tcpbits::SYNACK == 0 {
            return;
        }
        let port = key.port(1 - f.initiator as usize);
        if LOGIN_PORTS.contains(&port) {
            self.count(cx, key, f, ts, false, None);
        } else if WEB_PORTS.contains(&port) {
            self.count(cx, key, f, ts, true, None);
        }
    }

    /// A flow showed a login protocol: count it on whatever port it runs — unless its port
    /// was counted when it was answered. HTTP and RTSP count as web logins (a server asking for
    /// credentials), the others as logins.
    pub(crate) fn login(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, ts: i64, l: Login) {
        let port = key.port(1 - f.initiator as usize);
        if key.proto != 6 || LOGIN_PORTS.contains(&port) {
            return;
        }
        match l {
            Login::Http | Login::Rtsp if WEB_PORTS.contains(&port) => {}
            Login::Http | Login::Rtsp => self.count(cx, key, f, ts, true, Some(l)),
            _ => self.count(cx, key, f, ts, false, Some(l)),
        }
    }

    /// One session to a login service (`web`: a web page's), recognised by its port or by the
    /// protocol `seen`.
    fn count(
        &mut self,
        cx: &mut Cx<'_>,
        key: &FlowKey,
        f: &Flow,
        ts: i64,
        web: bool,
        seen: Option<Login>,
    ) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        let (i, r) = (f.initiator as usize, 1 - f.initiator as usize);
        let port = key.port(r);
        let (att_dev, tgt_dev) = (side_dev(inv, f, i), side_dev(inv, f, r));
        // Web logins only count against a device's own admin page.
        if (web && tgt_dev.is_none()) || (att_dev.is_none() && tgt_dev.is_none()) {
            return;
        }
        let need = if web {
            cfg.brute_http_sessions
        } else {
            cfg.brute_sessions
        }
        .min(RING as u32) as usize;
        let window = cfg.brute_window_s as i64 * 1_000_000_000;
        let (a, b) = if i == 0 {
            (key.a, key.b)
        } else {
            (key.b, key.a)
        };
        if self.pairs.len() >= MAX_PAIRS && !self.pairs.contains_key(&(a, b, port)) {
            let before = self.pairs.len();
            self.pairs.retain(|_, p| p.total > 1);
            if self.pairs.len() >= MAX_PAIRS {
                self.pairs.clear();
            }
            self.forgotten += (before - self.pairs.len()) as u64;
        }
        let p = self.pairs.entry((a, b, port)).or_insert_with(|| Pair {
            starts: Vec::new(),
            total: 0,
            alert: None,
        });
        p.total += 1;
        if p.starts.len() >= RING {
            p.starts.remove(0);
        }
        p.starts.push(ts);
        let n = p.starts.len();
        let recent = n >= need && ts - p.starts[n - need] <= window;
        if !recent && p.alert.is_none() {
            return;
        }
        // The alert is about the attacking device when it is one; else about the target.
        // (Web logins are about the device whose page it is.)
        let (dev, peer, inbound) = match (att_dev, tgt_dev) {
            (Some(d), _) if !web => (d, key.addr(r), false),
            (_, Some(t)) => (t, key.addr(i), true),
            (Some(d), None) => (d, key.addr(r), false),
            (None, None) => return,
        };
        let (detail, severity) = if web {
            ("web", Severity::Low)
        } else if inbound {
            ("inbound", Severity::Medium)
        } else {
            ("outbound", Severity::High)
        };
        // A device guessing passwords gets one alert per service however many hosts it tries
        // (the first is named, the others counted); an attacked device, one per attacker.
        let seed = Seed {
            kind: Kind::BruteForce,
            detail,
            severity,
            confidence: 0.8,
            dev,
            ts,
            first_ns: p.starts[n.saturating_sub(need)],
            peer: inbound.then_some(peer),
            port: Some(port),
            proto: 6,
            inbound,
        };
        let fresh_pair = p.alert.is_none();
        if let Some(ix) = alerts.raise(inv, seed) {
            p.alert = Some(ix);
            alerts.name_peer(inv, ix, peer);
            let al = &mut alerts.list[ix];
            al.set("sessions", al.count("sessions").unwrap_or(0) + 1);
            if fresh_pair {
                al.set(
                    "sessions",
                    al.count("sessions").unwrap_or(0) + need as u64 - 1,
                );
                al.set("targets", al.count("targets").unwrap_or(0) + 1);
            }
            al.sample(Sample::of(key, f));
            if let Some(l) = seen {
                if !al.items.iter().any(|x| x == l.id()) {
                    al.items.push(l.id().to_string());
                }
            }
        }
    }
}

impl Detector for Brute {
    fn progress(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow, why: Progress, ts: i64) {
        match why {
            Progress::Replied => self.replied(cx, key, f, ts),
            Progress::Login(l) => self.login(cx, key, f, ts, l),
            _ => {}
        }
    }
    fn events(&self) -> u16 {
        event::REPLIED | event::LOGIN
    }
    fn bytes(&self) -> usize {
        self.state_bytes()
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}
