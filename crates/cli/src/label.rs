//! `iotgate label`: analyse the captures, pick the device, add the declaration, and print the
//! label (text or JSON), or the buyer's checklist.

use crate::analyze::Progress;
use iotgate::{analyze_full, open_all};
use iotgate_explain::{source_error_text, write_error, Arg, Localizer};
use iotgate_judge::detect::{DetectConfig, Detectors};
use iotgate_label::{label, report, Catalogues, Date, Declaration, Inputs, MudEvidence};
use iotgate_observe::Config;
use iotgate_wire::Mac;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Runs the command; returns the exit status.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    if m.get_flag("checklist") {
        print!("{}", report::checklist(l));
        return 0;
    }
    let fail = |msg: String| {
        eprintln!("iotgate: {msg}");
        2
    };
    let Some(mac_text) = m.get_one::<String>("device") else {
        return fail(l.t("label-err-need-capture"));
    };
    let Some(mac) = Mac::parse(mac_text) else {
        return fail(l.ta("label-err-bad-mac", &[("mac", Arg::S(mac_text))]));
    };
    let today = match m.get_one::<String>("date") {
        Some(s) => match Date::parse(s) {
            Some(d) => d,
            None => return fail(l.ta("label-err-bad-date", &[("date", Arg::S(s))])),
        },
        None => Date::from_unix(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64),
        ),
    };
    let declaration = match m.get_one::<PathBuf>("declaration") {
        Some(p) => {
            let name = p.display().to_string();
            const LIMIT: usize = 1 << 20;
            let bytes = match crate::mud::read_limited(p, LIMIT) {
                Ok(t) => t,
                Err(e) => return fail(write_error(l, &name, &e)),
            };
            if bytes.len() > LIMIT {
                return fail(l.ta(
                    "label-err-too-big",
                    &[("file", Arg::S(&name)), ("limit", Arg::N(LIMIT as f64))],
                ));
            }
            let text = match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(e) => {
                    return fail(l.ta(
                        "label-err-not-text",
                        &[
                            ("file", Arg::S(&name)),
                            ("offset", Arg::N(e.utf8_error().valid_up_to() as f64)),
                        ],
                    ))
                }
            };
            match Declaration::parse(&name, &text) {
                Ok(d) => Some(d),
                Err(e) => return fail(e.to_string()),
            }
        }
        None => None,
    };
    let probe_addr = match m.get_one::<String>("probe") {
        Some(a) => match crate::probe::target(l, a) {
            Ok(ip) => Some(ip),
            Err(msg) => return fail(msg),
        },
        None => None,
    };
    let profile = match m.get_one::<PathBuf>("mud") {
        Some(p) => match crate::mud::load_profile(l, p) {
            Ok(prof) => Some((p.display().to_string(), prof)),
            Err((msg, first)) if first.is_empty() => return fail(msg),
            Err((msg, first)) => return fail(format!("{msg} {first}")),
        },
        None => None,
    };
    let inputs: Vec<PathBuf> = m
        .get_many::<PathBuf>("capture")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let caps = match open_all(&inputs) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => return fail(l.t("label-err-need-capture")),
        Err(e) => return fail(source_error_text(l, &e)),
    };
    let detect = Rc::new(RefCell::new(Detectors::new(
        DetectConfig::default(),
        Vec::new(),
    )));
    let audit = profile.as_ref().map(|(shown, prof)| {
        use iotgate_judge::mud_audit::{AuditConfig, AuditState, DeviceAudit};
        let dev = DeviceAudit::new(mac, shown.clone(), prof.clone());
        Rc::new(RefCell::new(AuditState::new(
            vec![dev],
            AuditConfig::default(),
        )))
    });
    let bar = Progress::new(l, &caps, None);
    let analysis = analyze_full(
        &caps,
        Config::default(),
        l,
        iotgate::default_threads(),
        |p| bar.tick(p),
        audit,
        Some(detect),
    );
    bar.finish();
    let analysis = match analysis {
        Ok(a) => a,
        Err(e) => return fail(source_error_text(l, &e)),
    };
    for c in &analysis.captures {
        for w in &c.warnings {
            eprintln!("iotgate: {}: {} {}", c.path, l.t("warning"), w);
        }
    }
    let want = mac.to_string();
    let Some(device) = analysis.devices.iter().find(|d| d.mac == want) else {
        let seen: Vec<&str> = analysis
            .devices
            .iter()
            .map(|d| d.mac.as_str())
            .take(12)
            .collect();
        return fail(l.ta(
            "label-err-no-device",
            &[("mac", Arg::S(&want)), ("seen", Arg::S(&seen.join(", ")))],
        ));
    };
    let probe = probe_addr.map(|a| crate::probe::run_probe(l, a, &crate::probe::options(m)));
    let mud = profile.as_ref().map(|(shown, prof)| {
        let audit = analysis.mud.iter().find(|a| a.mac == want);
        let violations = audit
            .map(|a| {
                a.violations
                    .iter()
                    .take(5)
                    .map(|v| {
                        l.ta(
                            "label-ev-mud-violation",
                            &[
                                ("remote", Arg::S(v.name.as_deref().unwrap_or(&v.remote))),
                                ("proto", Arg::S(&v.proto)),
                                ("port", Arg::N(v.port as f64)),
                                ("flows", Arg::N(v.flows as f64)),
                            ],
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sbom = prof.sbom.as_ref().and_then(|s| {
            s.url.clone().or_else(|| {
                s.local_well_known
                    .as_ref()
                    .map(|_| l.t("label-mud-sbom-local"))
            })
        });
        MudEvidence {
            source: shown.clone(),
            is_supported: prof.is_supported,
            sbom,
            violations,
            flows: audit.map_or(0, |a| a.flows),
        }
    });
    let cat = Catalogues::builtin();
    let lab = label(
        l,
        &cat,
        &Inputs {
            device,
            alerts: &analysis.alerts,
            probe: probe.as_ref(),
            declaration: declaration.as_ref(),
            mud: mud.as_ref(),
            today,
        },
    );
    let html_path = m.get_one::<PathBuf>("html");
    let url = m.get_one::<String>("url").cloned().unwrap_or_else(|| {
        html_path.and_then(|p| p.file_name()).map_or_else(
            || "label.html".to_string(),
            |n| n.to_string_lossy().to_string(),
        )
    });
    let svg = iotgate_label::svg::render(l, &lab, &url);
    let write = |p: &PathBuf, body: &str| match std::fs::write(p, body) {
        Ok(()) => {
            eprintln!(
                "iotgate: {}",
                l.ta("label-wrote", &[("path", Arg::S(&p.display().to_string()))])
            );
            Ok(())
        }
        Err(e) => Err(write_error(l, &p.display().to_string(), &e)),
    };
    if let Some(p) = m.get_one::<PathBuf>("svg") {
        if let Err(msg) = write(p, &svg) {
            return fail(msg);
        }
    }
    if let Some(p) = html_path {
        let page = iotgate_label::html::render(l, &lab, Some(&svg));
        if let Err(msg) = write(p, &page) {
            return fail(msg);
        }
    }
    if m.get_one::<String>("format").map(String::as_str) == Some("json") {
        println!("{}", serde_json::to_string_pretty(&lab).unwrap_or_default());
    } else {
        print!("{}", report::text(l, &lab, m.get_flag("all")));
    }
    0
}
