//! `iotgate label`: analyse the captures, pick the device, add the declaration, and print the
//! label (text or JSON), or the buyer's checklist.

use crate::failure::{print_json, print_str, Done, Failure};
use crate::progress::Progress;
use iotgate_explain::{source_error_text, write_error, Arg, Localizer};
use iotgate_label::{label, report, Catalogues, Date, Declaration, Inputs, MudEvidence};
use iotgate_pipeline::{analyze_files, default_threads, open_all, SessionConfig};
use iotgate_wire::Mac;
use std::path::PathBuf;

/// Runs the command.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    if m.get_flag("checklist") {
        return print_str(l, &report::checklist(l));
    }
    let fail = |msg: String| Err(Failure::usage(msg));
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
            let bytes = match crate::files::read_limited(p, LIMIT) {
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
        Some(a) => match super::probe::target(l, a) {
            Ok(ip) => Some(ip),
            Err(msg) => return fail(msg),
        },
        None => None,
    };
    let profile = match m.get_one::<PathBuf>("mud") {
        Some(p) => match crate::mud_args::load_profile(l, p) {
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
    let audit = profile.as_ref().map(|(shown, prof)| {
        use iotgate_judge::mud_audit::{AuditConfig, AuditState, DeviceAudit};
        let dev = DeviceAudit::new(mac, shown.clone(), prof.clone());
        AuditState::new(vec![dev], AuditConfig::default())
    });
    let cfg = SessionConfig {
        audit,
        ..SessionConfig::detecting()
    };
    let bar = Progress::new(l, &caps, None);
    let snap = analyze_files(&caps, cfg, default_threads(), |p| bar.tick(p));
    bar.finish();
    let analysis = match snap {
        Ok(s) => s.report(),
        Err(e) => return fail(source_error_text(l, &e)),
    };
    for c in &analysis.captures {
        for w in &c.warnings {
            crate::note!("iotgate: {}: {} {}", c.path, l.t("warning"), w.render(l));
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
    let probe = probe_addr.map(|a| super::probe::run_probe(l, a, &super::probe::options(m)));
    let mud = profile.as_ref().map(|(shown, prof)| {
        let audit = analysis.mud.iter().find(|a| a.mac == want);
        MudEvidence::from_audit(l, shown, prof, audit)
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
            crate::note!(
                "iotgate: {}",
                l.ta("label-wrote", &[("path", Arg::S(&p.display().to_string()))])
            );
            Ok(())
        }
        Err(e) => Err(write_error(l, &p.display().to_string(), &e)),
    };
    if let Some(p) = m.get_one::<PathBuf>("svg") {
        write(p, &svg).map_err(Failure::failed)?;
    }
    if let Some(p) = html_path {
        let page = iotgate_label::html::render(l, &lab, Some(&svg));
        write(p, &page).map_err(Failure::failed)?;
    }
    if m.get_one::<String>("format").map(String::as_str) == Some("json") {
        print_json(l, &lab)
    } else {
        print_str(l, &report::text(l, &lab, m.get_flag("all")))
    }
}
