//! Detection evaluation: simulate captures with planted attacks, run every detector, and score
//! the alerts against the simulator's ground truth — precision and recall per detector, and how
//! long after each planted behaviour began its alert was raised.

use iotgate_explain::{Arg, Localizer};
use iotgate_judge::detect::DetectConfig;
use iotgate_pipeline::{analyze_files, default_threads, open_all, DetectSettings, SessionConfig};
use std::collections::{BTreeMap, BTreeSet};

/// The detectors scored, in table order: (alert kind, what in the ground truth it should find).
pub const DETECTORS: &[&str] = &[
    "scan",
    "flood",
    "c2",
    "exposure",
    "brute-force",
    "blocklist",
    "behaviour-change",
];

/// The behaviour-change learning window used in the evaluation, seconds.
pub const LEARN_WINDOW_S: u32 = 20;

/// Scores of one detector over every seed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    /// Planted behaviours of this kind.
    pub planted: usize,
    /// Planted behaviours an alert of this detector found (same device).
    pub found: usize,
    /// Alerts raised by this detector.
    pub alerts: usize,
    /// Alerts that match a planted behaviour (same device).
    pub correct: usize,
    /// Slowest time from a behaviour's first packet to its alert, seconds.
    pub max_delay_s: Option<f64>,
}

impl Score {
    /// Alerts that were right, as a share (None without alerts).
    pub fn precision(&self) -> Option<f64> {
        (self.alerts > 0).then(|| self.correct as f64 / self.alerts as f64)
    }
    /// Planted behaviours found, as a share (None when none was planted).
    pub fn recall(&self) -> Option<f64> {
        (self.planted > 0).then(|| self.found as f64 / self.planted as f64)
    }
}

/// What the evaluation runs on.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Simulator seeds.
    pub seeds: Vec<u64>,
    /// Packets per capture.
    pub packets: u64,
    /// Devices per capture.
    pub devices: usize,
}

/// Simulates each seed (with an infected camera that scans, guesses Telnet passwords, keeps a
/// command channel and floods), analyses it with every detector
/// (and a blocklist naming the simulated command server), and scores the alerts.
pub fn evaluate(l: &Localizer, plan: &Plan) -> Result<BTreeMap<&'static str, Score>, String> {
    let mut scores: BTreeMap<&'static str, Score> =
        DETECTORS.iter().map(|d| (*d, Score::default())).collect();
    let dir = std::env::temp_dir().join(format!("iotgate-eval-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let list =
        iotgate_judge::detect::Blocklist::parse("eval-blocklist.txt", "cnc.mirai-botnet.example\n")
            .map_err(|e| e.text)?;
    for &seed in &plan.seeds {
        let path = dir.join(format!("seed-{seed}.pcap"));
        let opts = iotgate_sim::Options {
            devices: plan.devices,
            packets: plan.packets,
            seed,
            infected: 1,
            flood: true,
            stealthy: 1,
        };
        let truth = {
            let f = std::fs::File::create(&path).map_err(|e| e.to_string())?;
            let mut w = std::io::BufWriter::new(f);
            let t = iotgate_sim::write(&opts, &mut w).map_err(|e| e.to_string())?;
            std::io::Write::flush(&mut w).map_err(|e| e.to_string())?;
            t
        };
        let caps = open_all(std::slice::from_ref(&path))
            .map_err(|e| iotgate_explain::source_error_text(l, &e))?;
        // The simulated camera is infected 30 s after it joins: a 20 s learning window lets the
        // behaviour-change detector see it change (the default, 15 min, is for real networks).
        let cfg = DetectConfig {
            learn_window_s: LEARN_WINDOW_S,
            ..DetectConfig::default()
        };
        let session = SessionConfig {
            detect: Some(DetectSettings {
                cfg,
                lists: vec![list.clone()],
            }),
            ..SessionConfig::default()
        };
        let report = analyze_files(&caps, session, default_threads(), |_| {})
            .map_err(|e| iotgate_explain::source_error_text(l, &e))?
            .report();
        drop(caps);
        let _ = std::fs::remove_file(&path);
        // Ground truth per detector: (device, first packet).
        let mut planted: BTreeMap<&str, Vec<(String, i64)>> = BTreeMap::new();
        for a in &truth.attacks {
            let det = match a.kind {
                "scan" => "scan",
                "flood" => "flood",
                "brute-force" => "brute-force",
                _ => "c2",
            };
            planted
                .entry(det)
                .or_default()
                .push((a.mac.clone(), a.first_ns));
            if a.kind == "c2" && a.listed {
                planted
                    .entry("blocklist")
                    .or_default()
                    .push((a.mac.clone(), a.first_ns));
            }
            // Infection is the planted change of behaviour; it shows first as the scan.
            if a.kind == "scan" {
                planted
                    .entry("behaviour-change")
                    .or_default()
                    .push((a.mac.clone(), a.first_ns));
            }
        }
        for d in &truth.devices {
            for f in &d.planted_findings {
                if matches!(*f, "upnp-port-mapping" | "dns-hardcoded-resolver") {
                    planted
                        .entry("exposure")
                        .or_default()
                        .push((d.mac.clone(), i64::MIN));
                }
            }
        }
        for (&det, s) in scores.iter_mut() {
            let truth_here = planted.get(det).cloned().unwrap_or_default();
            let alerts: Vec<_> = report
                .alerts
                .iter()
                .filter(|a| a.kind.id() == det)
                .collect();
            s.planted += truth_here.len();
            s.alerts += alerts.len();
            let macs: BTreeSet<&str> = truth_here.iter().map(|(m, _)| m.as_str()).collect();
            s.correct += alerts
                .iter()
                .filter(|a| macs.contains(a.mac.as_str()))
                .count();
            for (mac, first) in &truth_here {
                let hits: Vec<_> = alerts.iter().filter(|a| &a.mac == mac).collect();
                if hits.is_empty() {
                    continue;
                }
                s.found += 1;
                if *first != i64::MIN {
                    let raised = hits.iter().map(|a| a.raised_at.0).min();
                    if let Some(r) = raised {
                        let d = (r - first) as f64 / 1e9;
                        s.max_delay_s = Some(s.max_delay_s.map_or(d, |m: f64| m.max(d)));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir(&dir);
    Ok(scores)
}

/// The scores as a Markdown table in the reader's language.
pub fn table(l: &Localizer, plan: &Plan, scores: &BTreeMap<&'static str, Score>) -> String {
    let seeds: Vec<String> = plan.seeds.iter().map(|s| s.to_string()).collect();
    let mut o = l.ta(
        "eval-head",
        &[
            ("seeds", Arg::S(&seeds.join(", "))),
            ("packets", Arg::N(plan.packets as f64)),
            ("devices", Arg::N(plan.devices as f64)),
            ("window", Arg::N(LEARN_WINDOW_S as f64)),
        ],
    );
    o.push_str("\n\n");
    o.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|---:|---:|\n",
        l.t("eval-col-detector"),
        l.t("eval-col-planted"),
        l.t("eval-col-found"),
        l.t("eval-col-alerts"),
        l.t("eval-col-precision"),
        l.t("eval-col-recall"),
        l.t("eval-col-delay"),
    ));
    let pct = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{:.0} %", v * 100.0));
    for d in DETECTORS {
        let s = &scores[d];
        o.push_str(&format!(
            "| {d} | {} | {} | {} | {} | {} | {} |\n",
            s.planted,
            s.found,
            s.alerts,
            pct(s.precision()),
            pct(s.recall()),
            s.max_delay_s.map_or("–".to_string(), |v| format!("{v:.2}")),
        ));
    }
    o
}
