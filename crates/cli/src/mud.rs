//! `iotgate mud …`: commands on MUD (RFC 8520) profiles.

use iotgate_explain::{mud_diag_text, Arg, Localizer};
use iotgate_mud::{parse_bytes, Severity};
use std::path::PathBuf;

/// Dispatches `iotgate mud <command>`; returns the exit status.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    match m.subcommand() {
        Some(("check", m)) => check(l, m),
        _ => 2,
    }
}

fn check(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    let json = m.get_one::<String>("format").map(String::as_str) == Some("json");
    let mut status = 0u8;
    let mut out = Vec::new();
    for path in m.get_many::<PathBuf>("files").into_iter().flatten() {
        let shown = path.display().to_string();
        let bytes = match read_limited(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!(
                    "iotgate: {}",
                    l.ta(
                        "mud-read-error",
                        &[("path", Arg::S(&shown)), ("error", Arg::S(&e.to_string()))]
                    )
                );
                status = 2;
                continue;
            }
        };
        let r = parse_bytes(&bytes);
        let errors = r.errors().count();
        if errors > 0 {
            status = status.max(1);
        }
        if json {
            out.push(serde_json::json!({
                "file": shown,
                "usable": r.profile.is_some(),
                "mud_url": r.profile.as_ref().map(|p| p.url.clone()),
                "diagnostics": r.diags.iter().map(|d| serde_json::json!({
                    "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                    "path": d.path,
                    "id": d.kind.id(),
                    "message": mud_diag_text(l, d),
                })).collect::<Vec<_>>(),
            }));
            continue;
        }
        let head = match &r.profile {
            Some(p) => {
                let info = p
                    .systeminfo
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                let aces: usize = p
                    .from_device
                    .iter()
                    .chain(&p.to_device)
                    .map(|a| a.aces.len())
                    .sum();
                l.ta(
                    "mud-valid",
                    &[
                        ("url", Arg::S(&p.url)),
                        ("info", Arg::S(&info)),
                        ("from", Arg::N(p.from_device.len() as f64)),
                        ("to", Arg::N(p.to_device.len() as f64)),
                        ("aces", Arg::N(aces as f64)),
                    ],
                )
            }
            None => l.ta("mud-invalid", &[("errors", Arg::N(errors as f64))]),
        };
        let warnings = r.diags.len() - errors;
        let tail = if warnings > 0 {
            format!(
                ", {}",
                l.ta("mud-warnings", &[("n", Arg::N(warnings as f64))])
            )
        } else {
            String::new()
        };
        println!("{shown}: {head}{tail}");
        for d in &r.diags {
            println!("  {}", mud_diag_text(l, d));
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    }
    status
}

/// Reads at most one byte more than a profile may hold, so a huge file is refused cheaply.
fn read_limited(path: &PathBuf) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut b = Vec::new();
    std::fs::File::open(path)?
        .take(iotgate_mud::MAX_PROFILE_BYTES as u64 + 1)
        .read_to_end(&mut b)?;
    Ok(b)
}
