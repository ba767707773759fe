//! Security labels for the device pages: the label `iotgate label` makes (seven frameworks,
//! from what the traffic shows), drawn as SVG in both languages by the feed thread from its
//! latest report, for the devices whose page someone opened (a few at a time, kept a while):
//! never for the whole inventory at every snapshot.

use iotgate_explain::{Analysis, Lang, Localizer};
use iotgate_label::{label, Catalogues, Date, Inputs};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Labels asked for and not made yet, at most.
const WANTED: usize = 64;
/// Labels kept, at most.
const KEPT: usize = 256;
/// A label older than this is made again when its page is opened.
const FRESH: Duration = Duration::from_secs(60);

/// The labels made, and those asked for.
#[derive(Default)]
pub struct Labels {
    wanted: Mutex<HashSet<String>>,
    made: Mutex<HashMap<String, (Instant, [String; 2])>>,
}

impl Labels {
    /// The label of the device `mac` in `lang` (`en`, `fr`), if made; asks for it (again) when
    /// it is missing or old.
    pub fn get(&self, mac: &str, lang: &str) -> Option<String> {
        let made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let got = made.get(mac);
        if got.is_none_or(|(t, _)| t.elapsed() > FRESH) {
            let mut w = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
            if w.len() < WANTED {
                w.insert(mac.to_string());
            }
        }
        got.map(|(_, svg)| svg[usize::from(lang == "fr")].clone())
    }

    /// Makes the labels asked for from `report` (the feed thread, after a snapshot).
    pub fn make(&self, report: &Analysis) {
        let wanted: Vec<String> =
            std::mem::take(&mut *self.wanted.lock().unwrap_or_else(|e| e.into_inner()))
                .into_iter()
                .collect();
        if wanted.is_empty() {
            return;
        }
        let cat = Catalogues::builtin();
        let today = Date::from_unix(crate::feed::wall_ns() / 1_000_000_000);
        let ls = [Localizer::new(Lang::En), Localizer::new(Lang::Fr)];
        for mac in wanted {
            let Some(d) = report.devices.iter().find(|d| d.mac == mac) else {
                continue;
            };
            let inputs = Inputs {
                device: d,
                alerts: &report.alerts,
                probe: None,
                declaration: None,
                mud: None,
                today,
            };
            let url = format!("/devices/{mac}");
            let svgs = ls.each_ref().map(|l| {
                let lab = label(l, &cat, &inputs);
                iotgate_label::svg::render(l, &lab, &url)
            });
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if made.len() >= KEPT {
                made.retain(|_, (t, _)| t.elapsed() < FRESH);
                if made.len() >= KEPT {
                    made.clear();
                }
            }
            made.insert(mac, (Instant::now(), svgs));
        }
    }
}
