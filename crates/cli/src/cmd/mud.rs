//! `iotgate mud …`: commands on MUD (RFC 8520) profiles.

use crate::cmd::fetch::signature_error_text;
use crate::failure::{print_json, print_str, Done, Failure};
use crate::files::{read_file, read_limited};
use iotgate_explain::{mud_diag_text, Arg, Localizer};
use iotgate_mud::{parse_bytes, Severity};
use std::fmt::Write as _;
use std::path::PathBuf;

use super::analyze::{self, Mode};
use super::{enforce, fetch};

/// Dispatches `iotgate mud <command>`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    match m.subcommand() {
        Some(("check", m)) => check(l, m),
        Some(("audit", m)) => analyze::run(l, m, Mode::MudAudit),
        Some(("learn", m)) => analyze::run(l, m, Mode::MudLearn),
        Some(("nft", m)) => enforce::nft(l, m),
        Some(("fetch", m)) => fetch::run(l, m),
        Some(("enforce", m)) => enforce::enforce(l, m),
        _ => Err(Failure::status(2)),
    }
}

/// `iotgate mud check`: validates profiles (and their signatures with `--trust`); the status
/// is 1 when one is unusable or badly signed, 2 when one cannot be read.
fn check(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let json = m.get_one::<String>("format").map(String::as_str) == Some("json");
    let mut status = 0u8;
    let mut out = Vec::new();
    let files: Vec<&PathBuf> = m
        .get_many::<PathBuf>("files")
        .into_iter()
        .flatten()
        .collect();
    let anchors = match m.get_one::<PathBuf>("trust") {
        None => None,
        Some(p) => Some(read_file(l, p).map_err(Failure::usage)?),
    };
    let explicit_sig = m.get_one::<PathBuf>("signature");
    if explicit_sig.is_some() && files.len() != 1 {
        return Err(Failure::usage(l.t("sig-one-file")));
    }
    let mut text = String::new();
    for path in files {
        let shown = iotgate_explain::safe::visible_owned(&path.display().to_string());
        let bytes = match read_file(l, path) {
            Ok(b) => b,
            Err(msg) => {
                crate::note!("iotgate: {msg}");
                status = 2;
                continue;
            }
        };
        let r = parse_bytes(&bytes);
        let errors = r.errors().count();
        if errors > 0 {
            status = status.max(1);
        }
        let sig = anchors.as_ref().map(|a| {
            let sig_path = explicit_sig
                .cloned()
                .unwrap_or_else(|| path.with_extension("p7s"));
            let (valid, line) = signature_line(l, &bytes, &sig_path, a);
            if !valid {
                status = status.max(1);
            }
            (valid, line)
        });
        if json {
            out.push(serde_json::json!({
                "file": shown,
                "usable": r.profile.is_some(),
                "mud_url": r.profile.as_ref().map(|p| p.url.clone()),
                "signature": sig.as_ref().map(|(valid, line)| serde_json::json!({
                    "valid": valid,
                    "message": line,
                })),
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
                    .map(|s| format!(" ({})", iotgate_explain::safe::visible(s)))
                    .unwrap_or_default();
                let url = iotgate_explain::safe::visible(&p.url);
                let aces: usize = p
                    .from_device
                    .iter()
                    .chain(&p.to_device)
                    .map(|a| a.aces.len())
                    .sum();
                l.ta(
                    "mud-valid",
                    &[
                        ("url", Arg::S(&url)),
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
        let _ = writeln!(text, "{shown}: {head}{tail}");
        if let Some((_, line)) = &sig {
            let _ = writeln!(text, "  {line}");
        }
        for d in &r.diags {
            let _ = writeln!(text, "  {}", mud_diag_text(l, d));
        }
    }
    if json {
        print_json(l, &out)?;
    } else {
        print_str(l, &text)?;
    }
    match status {
        0 => Ok(()),
        n => Err(Failure::status(n)),
    }
}

/// Verifies the detached signature at `sig_path` of `profile` against `anchors`: whether it is
/// valid, and one localised line saying so (or why not).
fn signature_line(
    l: &Localizer,
    profile: &[u8],
    sig_path: &std::path::Path,
    anchors: &[u8],
) -> (bool, String) {
    use iotgate_mud::signature::verify;
    let shown = sig_path.display().to_string();
    let sig = match read_limited(sig_path, iotgate_mud::MAX_PROFILE_BYTES) {
        Ok(b) => b,
        Err(e) => {
            return (
                false,
                l.ta(
                    "sig-missing",
                    &[("path", Arg::S(&shown)), ("error", Arg::S(&e.to_string()))],
                ),
            )
        }
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    match verify(profile, &sig, anchors, now) {
        Ok(v) => {
            let when = v
                .signed_at
                .map(|t| iotgate_explain::model::rfc3339(t * 1_000_000_000))
                .unwrap_or_else(|| "?".into());
            let id = if v.expired_since {
                "sig-valid-expired"
            } else {
                "sig-valid"
            };
            (
                true,
                l.ta(
                    id,
                    &[
                        ("signer", Arg::S(&v.signer)),
                        ("when", Arg::S(&when)),
                        ("path", Arg::S(&shown)),
                    ],
                ),
            )
        }
        Err(e) => (false, signature_error_text(l, &e, &shown)),
    }
}
