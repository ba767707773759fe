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

/// The detectors scored in flow mode: those whose evidence records carry (exposure needs
/// UPnP and DNS payloads, behaviour change a device's names).
pub const FLOW_DETECTORS: &[&str] = &["scan", "brute-force", "flood", "c2", "blocklist"];

/// What a flow-mode evaluation runs on: an ISP per seed.
#[derive(Debug, Clone)]
pub struct FlowPlan {
    /// Seeds.
    pub seeds: Vec<u64>,
    /// Subscribers per ISP.
    pub subscribers: usize,
    /// Packets per home.
    pub packets: u64,
    /// Devices per home.
    pub devices: usize,
    /// NetFlow v9 or IPFIX.
    pub format: iotgate_flows::export::Format,
}

/// Simulates each seed's ISP (3 homes with a Mirai-infected camera, one of which floods, 2
/// with the stealthier bot), runs its exports through the collector's path (decoding, pairing,
/// the subscriber map, the detectors with a threat feed listing the Mirai server's address)
/// and scores the alerts by subscriber: an alert is right when its subscriber was planted
/// with that behaviour.
pub fn evaluate_flows(
    l: &Localizer,
    plan: &FlowPlan,
) -> Result<BTreeMap<&'static str, Score>, String> {
    use iotgate_flows::subscribers::{Attribution, Subscribers};
    let mut scores: BTreeMap<&'static str, Score> = FLOW_DETECTORS
        .iter()
        .map(|d| (*d, Score::default()))
        .collect();
    let list = iotgate_judge::detect::Blocklist::parse(
        "eval-feed.txt",
        &format!("{}\n", iotgate_sim::c2_address()),
    )
    .map_err(|e| e.text)?;
    for &seed in &plan.seeds {
        let opts = iotgate_sim::isp::IspOptions {
            subscribers: plan.subscribers,
            infected: 3,
            stealthy: 2,
            floods: 1,
            devices: plan.devices,
            packets: plan.packets,
            seed,
            format: plan.format,
        };
        let (mut pcap, mut map) = (Vec::new(), Vec::new());
        let truth =
            iotgate_sim::isp::write_isp(&opts, &mut pcap, &mut map).map_err(|e| e.to_string())?;
        let who = Attribution::Map(
            Subscribers::parse(&String::from_utf8_lossy(&map))
                .map_err(|b| format!("map line {}: {}", b.line, b.why))?,
        );
        let mut session = iotgate_pipeline::Session::new(SessionConfig::isp(
            Some(DetectSettings {
                cfg: DetectConfig::default(),
                lists: vec![list.clone()],
            }),
            0,
        ));
        let mut feed = iotgate_pipeline::flowfeed::FlowFeed::new(who);
        let path = std::env::temp_dir().join(format!(
            "iotgate-eval-flows-{}-{seed}.pcap",
            std::process::id()
        ));
        std::fs::write(&path, &pcap).map_err(|e| e.to_string())?;
        drop(pcap);
        let read = (|| {
            let cap = iotgate_sources::Capture::open(&path)
                .map_err(|e| iotgate_explain::source_error_text(l, &e))?;
            let mut reader = cap.reader().map_err(|e| e.to_string())?;
            while let Some(p) = reader.next_packet() {
                if let Ok(d) = iotgate_wire::decode(p.linktype, p.data) {
                    if let (iotgate_wire::L3::Ip(ip), iotgate_wire::L4::Udp(u)) = (d.l3, d.l4) {
                        feed.packet(&mut session, ip.src, u.payload);
                    }
                }
            }
            Ok::<(), String>(())
        })();
        let _ = std::fs::remove_file(&path);
        read?;
        feed.finish(&mut session);
        let report = session.finish().report();
        let mut planted: BTreeMap<&str, Vec<(String, i64)>> = BTreeMap::new();
        for a in &truth.attacks {
            let det = match a.attack.kind {
                "scan" => "scan",
                "flood" => "flood",
                "brute-force" => "brute-force",
                _ => "c2",
            };
            let who = (a.subscriber.clone(), a.attack.first_ns);
            planted.entry(det).or_default().push(who.clone());
            if a.attack.kind == "c2" && a.attack.listed {
                planted.entry("blocklist").or_default().push(who);
            }
        }
        for (&det, s) in scores.iter_mut() {
            let here = planted.get(det).cloned().unwrap_or_default();
            let subs: BTreeSet<&str> = here.iter().map(|(m, _)| m.as_str()).collect();
            // One alert per subscriber and detector: several (two Telnet victims) count once.
            let mut alerted: BTreeMap<&str, i64> = BTreeMap::new();
            for a in report.alerts.iter().filter(|a| a.kind.id() == det) {
                let Some(sub) = a.subscriber.as_deref() else {
                    continue;
                };
                let t = alerted.entry(sub).or_insert(i64::MAX);
                *t = (*t).min(a.raised_at.0);
            }
            s.planted += subs.len();
            s.alerts += alerted.len();
            s.correct += alerted.keys().filter(|k| subs.contains(*k)).count();
            for sub in &subs {
                let Some(&raised) = alerted.get(sub) else {
                    continue;
                };
                s.found += 1;
                let first = here.iter().filter(|(m, _)| m == sub).map(|x| x.1).min();
                if let Some(first) = first {
                    let d = (raised - first) as f64 / 1e9;
                    s.max_delay_s = Some(s.max_delay_s.map_or(d, |m: f64| m.max(d)));
                }
            }
        }
    }
    Ok(scores)
}

/// The flow-mode scores as a Markdown table in the reader's language.
pub fn flow_table(
    l: &Localizer,
    plan: &FlowPlan,
    scores: &BTreeMap<&'static str, Score>,
) -> String {
    let seeds: Vec<String> = plan.seeds.iter().map(|s| s.to_string()).collect();
    let mut o = l.ta(
        "eval-flow-head",
        &[
            ("seeds", Arg::S(&seeds.join(", "))),
            ("subscribers", Arg::N(plan.subscribers as f64)),
            ("packets", Arg::N(plan.packets as f64)),
            ("devices", Arg::N(plan.devices as f64)),
            (
                "format",
                Arg::S(if plan.format == iotgate_flows::export::Format::V9 {
                    "NetFlow v9"
                } else {
                    "IPFIX"
                }),
            ),
        ],
    );
    o.push_str("\n\n");
    rows(l, &mut o, FLOW_DETECTORS, scores);
    o
}

/// The table's head and one row per detector.
fn rows(l: &Localizer, o: &mut String, dets: &[&str], scores: &BTreeMap<&'static str, Score>) {
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
    for d in dets {
        let Some(s) = scores.get(d) else { continue };
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
    rows(l, &mut o, DETECTORS, scores);
    o
}
