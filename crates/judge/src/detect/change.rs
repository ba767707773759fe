//! Behaviour change: a device's flows during a learning window teach the kinds of connection
//! it makes (direction, protocol, service port, kind of peer — as `mud learn` classes its
//! entries); afterwards, kinds its flows need that were not learned are new behaviour, and
//! enough of them raise an alert.

use super::alert::{Kind, Sample, Seed};
use super::detector::{event, side_dev, Cx, Detector};
use crate::mud_learn::Learner;
use crate::Severity;
use iotgate_observe::flow::{Flow, FlowKey};
use rustc_hash::FxHashSet;

/// Devices followed at most (each holds the kinds of connection it was seen making).
const MAX_DEVICES: usize = 1024;
/// New entries remembered per device.
const MAX_NEW: usize = 256;

#[derive(Clone)]
struct Dev {
    start: i64,
    learner: Learner,
    new: FxHashSet<String>,
    alert: Option<usize>,
    /// A router: its relayed traffic is not its behaviour.
    routes: bool,
}

/// The behaviour-change detector.
#[derive(Default, Clone)]
pub(crate) struct Change {
    /// By inventory index.
    devs: Vec<Option<Box<Dev>>>,
    followed: usize,
}

impl Change {
    fn state_bytes(&self) -> usize {
        self.devs
            .iter()
            .flatten()
            .map(|d| 256 + d.learner.kinds_len() * 16 + d.new.len() * 64)
            .sum()
    }

    fn end(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow) {
        let (cfg, inv, alerts) = (cx.cfg, cx.inv, &mut *cx.alerts);
        let window = cfg.learn_window_s as i64 * 1_000_000_000;
        for side in 0..2 {
            let Some(dev) = side_dev(inv, f, side) else {
                continue;
            };
            if f.dev[1 - side] == dev {
                continue;
            }
            let i = dev as usize;
            if i >= self.devs.len() {
                self.devs.resize_with(i + 1, || None);
            }
            if self.devs[i].is_none() {
                if self.followed >= MAX_DEVICES {
                    continue;
                }
                self.followed += 1;
                let d = &inv.devices[i];
                self.devs[i] = Some(Box::new(Dev {
                    start: f.first_ns,
                    learner: Learner::new(d.mac),
                    new: FxHashSet::default(),
                    alert: None,
                    routes: d.routes,
                }));
            }
            let Some(st) = self.devs[i].as_deref_mut() else {
                continue;
            };
            if st.routes {
                continue;
            }
            st.start = st.start.min(f.first_ns);
            if f.first_ns < st.start + window {
                st.learner.learn_kinds(inv, key, f);
                continue;
            }
            if st.new.len() >= MAX_NEW {
                if let Some(i) = st.alert {
                    alerts.list[i].touch(f.last_ns);
                }
                continue;
            }
            if st.learner.knows_kinds(inv, key, f) {
                // (The fast check and the full diff must agree; debug builds, so every test,
                // verify it.)
                #[cfg(debug_assertions)]
                {
                    let mut v = Vec::new();
                    st.learner.unknown(inv, key, f, &mut v);
                    debug_assert!(v.is_empty(), "{v:?}");
                }
                continue;
            }
            let mut new = Vec::new();
            st.learner.unknown(inv, key, f, &mut new);
            for n in new {
                if st.new.len() < MAX_NEW {
                    st.new.insert(n);
                }
            }
            if st.new.len() < cfg.change_new as usize {
                continue;
            }
            let seed = Seed {
                kind: Kind::BehaviourChange,
                detail: "new-destinations",
                severity: if st.new.len() >= 4 * cfg.change_new as usize {
                    Severity::Medium
                } else {
                    Severity::Low
                },
                confidence: 0.6,
                dev,
                ts: f.last_ns,
                first_ns: f.first_ns,
                peer: None,
                port: None,
                proto: 0,
                inbound: false,
            };
            if let Some(ix) = alerts.raise(inv, seed) {
                st.alert = Some(ix);
                alerts.list[ix].sample(Sample::of(key, f));
            }
        }
    }

    fn close(&mut self, cx: &mut Cx<'_>) {
        let alerts = &mut *cx.alerts;
        for d in self.devs.iter().flatten() {
            if let Some(i) = d.alert {
                let a = &mut alerts.list[i];
                let mut v: Vec<String> = d.new.iter().cloned().collect();
                v.sort();
                a.set("new_entries", v.len() as u64);
                a.set("learned_kinds", d.learner.kinds_len() as u64);
                v.truncate(20);
                a.items = v;
            }
        }
    }
}

impl Detector for Change {
    fn ended(&mut self, cx: &mut Cx<'_>, key: &FlowKey, f: &Flow) {
        self.end(cx, key, f);
    }
    fn finish(&mut self, cx: &mut Cx<'_>) {
        self.close(cx);
    }
    fn events(&self) -> u16 {
        event::ENDED | event::FINISH
    }
    fn prefetch(&self, dev: u32, _peer: u128) {
        if let Some(Some(d)) = self.devs.get(dev as usize) {
            iotgate_observe::prefetch_ref(&d.start);
        }
    }
    fn bytes(&self) -> usize {
        self.state_bytes()
    }
    fn clone_box(&self) -> Box<dyn Detector> {
        Box::new(self.clone())
    }
}
