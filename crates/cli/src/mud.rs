//! `iotgate mud …`: commands on MUD (RFC 8520) profiles.

use iotgate_explain::{mud_diag_text, write_error, Arg, Localizer};
use iotgate_judge::mud_audit::{AuditConfig, AuditState, DeviceAudit};
use iotgate_judge::mud_learn::Learner;
use iotgate_mud::{parse_bytes, Severity};
use iotgate_wire::Mac;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Dispatches `iotgate mud <command>`; returns the exit status.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    match m.subcommand() {
        Some(("check", m)) => check(l, m),
        Some(("audit", m)) => crate::analyze::run(l, m, crate::analyze::Mode::MudAudit),
        Some(("learn", m)) => crate::analyze::run(l, m, crate::analyze::Mode::MudLearn),
        Some(("nft", m)) => crate::enforce::nft(l, m),
        Some(("fetch", m)) => crate::fetch::run(l, m),
        Some(("enforce", m)) => crate::enforce::enforce(l, m),
        _ => 2,
    }
}

/// The audit the arguments ask for (`--mud MAC=FILE`, `--mud-cache DIR`, `--controller
/// URI=ADDRESS`): `Ok(None)` when they ask for none, `Err(message)` for a bad argument or an
/// unusable profile.
pub fn audit_from_args(
    l: &Localizer,
    m: &clap::ArgMatches,
) -> Result<Option<Rc<RefCell<AuditState>>>, String> {
    let bad = |arg: &str, what: &str| {
        l.ta(
            "err-mud-arg",
            &[("arg", Arg::S(arg)), ("what", Arg::S(what))],
        )
    };
    let mut devices = Vec::new();
    for spec in m.get_many::<String>("mud").into_iter().flatten() {
        let Some((mac, file)) = spec.split_once('=') else {
            return Err(bad(spec, "profile"));
        };
        let Some(mac) = Mac::parse(mac) else {
            return Err(bad(spec, "profile"));
        };
        let path = PathBuf::from(file);
        let shown = path.display().to_string();
        let profile = load_profile(l, &path).map_err(|(msg, _)| msg)?;
        devices.retain(|d: &DeviceAudit| d.mac != mac);
        devices.push(DeviceAudit::new(mac, shown, profile));
    }
    let cfg = AuditConfig {
        controllers: controllers(l, m)?,
    };
    let cache = m
        .try_get_one::<PathBuf>("mud-cache")
        .ok()
        .flatten()
        .cloned();
    if devices.is_empty() && cache.is_none() {
        return Ok(None);
    }
    let mut state = AuditState::new(devices, cfg);
    if let Some(dir) = cache {
        if m.try_get_one::<bool>("fetch").ok().flatten() == Some(&true) {
            state = state.with_fetcher(fetcher(l, m, &dir)?);
        }
        state = state.with_cache(dir);
    }
    Ok(Some(Rc::new(RefCell::new(state))))
}

fn check(l: &Localizer, m: &clap::ArgMatches) -> u8 {
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
        Some(p) => match read_file(l, p) {
            Ok(b) => Some(b),
            Err(msg) => {
                eprintln!("iotgate: {msg}");
                return 2;
            }
        },
    };
    let explicit_sig = m.get_one::<PathBuf>("signature");
    if explicit_sig.is_some() && files.len() != 1 {
        eprintln!("iotgate: {}", l.t("sig-one-file"));
        return 2;
    }
    for path in files {
        let shown = path.display().to_string();
        let bytes = match read_file(l, path) {
            Ok(b) => b,
            Err(msg) => {
                eprintln!("iotgate: {msg}");
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
        if let Some((_, line)) = &sig {
            println!("  {line}");
        }
        for d in &r.diags {
            println!("  {}", mud_diag_text(l, d));
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    }
    status
}

/// Reads and parses a profile file. The error is a localised line naming the file and how many
/// problems it has, with the first problem's own line.
pub fn load_profile(
    l: &Localizer,
    path: &std::path::Path,
) -> Result<iotgate_mud::Profile, (String, String)> {
    let bytes = read_file(l, path).map_err(|m| (m, String::new()))?;
    let parsed = parse_bytes(&bytes);
    let errors = parsed.errors().count();
    let first = parsed
        .errors()
        .next()
        .map(|d| iotgate_explain::mud_diag_text(l, d))
        .unwrap_or_default();
    parsed.profile.ok_or_else(|| {
        let msg = l.ta(
            "err-mud-unusable",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("errors", Arg::N(errors as f64)),
            ],
        );
        (msg, first)
    })
}

/// Reads a profile-sized file ([`read_limited`]); the error is a localised line naming the file.
pub fn read_file(l: &Localizer, path: &std::path::Path) -> Result<Vec<u8>, String> {
    read_limited(path, iotgate_mud::MAX_PROFILE_BYTES).map_err(|e| {
        l.ta(
            "mud-read-error",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("error", Arg::S(&e.to_string())),
            ],
        )
    })
}

/// Reads at most one byte more than `limit` (a profile's or a list's), so that a huge file is
/// refused cheaply.
pub fn read_limited(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut b = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut b)?;
    Ok(b)
}

/// One localised line per device whose announced MUD URL gave no profile from the cache.
pub fn cache_problem_lines(l: &Localizer, a: &AuditState) -> Vec<String> {
    use iotgate_judge::mud_audit::CacheProblem;
    a.cache_problems
        .iter()
        .map(|(mac, url, p)| {
            let mac = mac.to_string();
            let (id, path, extra) = match p {
                CacheProblem::BadUrl => ("mudcache-bad-url", String::new(), String::new()),
                CacheProblem::Missing(p) => {
                    ("mudcache-missing", p.display().to_string(), String::new())
                }
                CacheProblem::Io(p, e) => ("mudcache-io", p.display().to_string(), e.clone()),
                CacheProblem::Unusable(p, n) => {
                    ("mudcache-unusable", p.display().to_string(), n.to_string())
                }
                CacheProblem::FetchFailed(why) => ("mudcache-fetch", String::new(), why.clone()),
            };
            l.ta(
                id,
                &[
                    ("mac", Arg::S(&mac)),
                    ("url", Arg::S(url)),
                    ("path", Arg::S(&path)),
                    ("detail", Arg::S(&extra)),
                ],
            )
        })
        .collect()
}

/// The controllers named by `--controller URI=ADDRESS`.
pub fn controllers(
    l: &Localizer,
    m: &clap::ArgMatches,
) -> Result<Vec<(String, std::net::IpAddr)>, String> {
    let mut out = Vec::new();
    for spec in m.get_many::<String>("controller").into_iter().flatten() {
        let parsed = spec
            .rsplit_once('=')
            .and_then(|(u, a)| Some((u.to_string(), a.trim().parse().ok()?)));
        match parsed {
            Some(c) if !c.0.is_empty() => out.push(c),
            _ => {
                return Err(l.ta(
                    "err-mud-arg",
                    &[("arg", Arg::S(spec)), ("what", Arg::S("controller"))],
                ))
            }
        }
    }
    Ok(out)
}

/// The learner the arguments ask for (`--device MAC`).
pub fn learner_from_args(
    l: &Localizer,
    m: &clap::ArgMatches,
) -> Result<Rc<RefCell<Learner>>, String> {
    let spec = m
        .get_one::<String>("device")
        .map(String::as_str)
        .unwrap_or_default();
    let mac = Mac::parse(spec).ok_or_else(|| l.ta("err-mud-device", &[("arg", Arg::S(spec))]))?;
    Ok(Rc::new(RefCell::new(Learner::new(mac))))
}

/// Writes the learned profile (to `--out` or standard output) and a summary on standard error;
/// returns the exit status.
pub fn write_learned(
    l: &Localizer,
    m: &clap::ArgMatches,
    lr: &Learner,
    report: &iotgate_explain::Analysis,
) -> u8 {
    let mac = lr.mac.to_string();
    if lr.is_empty() {
        eprintln!(
            "iotgate: {}",
            l.ta("learn-nothing", &[("mac", Arg::S(&mac))])
        );
        return 1;
    }
    let hex = mac.replace(':', "");
    let url = m
        .get_one::<String>("url")
        .cloned()
        .or_else(|| lr.announced_url.clone())
        .unwrap_or_else(|| format!("https://mud.example.com/iotgate-learned/{hex}.json"));
    if !url.starts_with("https://") {
        eprintln!(
            "iotgate: {}",
            l.ta("mud-not-https", &[("url", Arg::S(&url))])
        );
        return 2;
    }
    let info = m
        .get_one::<String>("systeminfo")
        .cloned()
        .unwrap_or_else(|| {
            l.ta(
                "learn-systeminfo",
                &[("vendor", Arg::S(lr.vendor.as_deref().unwrap_or("?")))],
            )
        });
    let last = report
        .summary
        .last_seen
        .clone()
        .unwrap_or_else(|| iotgate_explain::model::rfc3339(lr.last_ns));
    // date-and-time without the fraction iotgate prints elsewhere.
    let last = match last.split_once('.') {
        Some((head, _)) => format!("{head}Z"),
        None => last,
    };
    let profile = lr.profile(&url, &last, &info);
    let text =
        serde_json::to_string_pretty(&iotgate_mud::to_json(&profile)).unwrap_or_default() + "\n";
    let aces: usize = profile
        .from_device
        .iter()
        .chain(&profile.to_device)
        .map(|a| a.aces.len())
        .sum();
    let dest = m.get_one::<PathBuf>("out");
    match dest {
        Some(p) => {
            if let Err(e) = std::fs::write(p, &text) {
                eprintln!("iotgate: {}", write_error(l, &p.display().to_string(), &e));
                return 1;
            }
        }
        None => print!("{text}"),
    }
    let to = dest
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "stdout".into());
    eprintln!(
        "iotgate: {}",
        l.ta(
            "learn-done",
            &[
                ("mac", Arg::S(&mac)),
                ("aces", Arg::N(aces as f64)),
                ("flows", Arg::N(lr.flows as f64)),
                ("path", Arg::S(&to)),
                ("url", Arg::S(&url)),
            ]
        )
    );
    if lr.dropped > 0 {
        eprintln!(
            "iotgate: {}",
            l.ta("learn-truncated", &[("n", Arg::N(lr.dropped as f64))])
        );
    }
    0
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

/// Why a signature is not valid, on one localised line (`path` names the signature).
pub fn signature_error_text(
    l: &Localizer,
    e: &iotgate_mud::signature::SignatureError,
    path: &str,
) -> String {
    use iotgate_mud::signature::SignatureError;
    let (id, detail) = match e {
        SignatureError::NotCms(d) => ("sig-not-cms", d.as_str()),
        SignatureError::BadAnchor(d) => ("sig-bad-anchor", d.as_str()),
        SignatureError::NoAnchor => ("sig-no-anchor", ""),
        SignatureError::ContentChanged => ("sig-changed", ""),
        SignatureError::Untrusted(d) => ("sig-untrusted", d.as_str()),
        SignatureError::Invalid(d) => ("sig-invalid", d.as_str()),
    };
    l.ta(id, &[("path", Arg::S(path)), ("detail", Arg::S(detail))])
}

/// The fetcher `--fetch` asks for: announced MUD URLs are fetched into the cache over HTTPS and
/// kept only when their signatures verify against `--trust`.
fn fetcher(
    l: &Localizer,
    m: &clap::ArgMatches,
    dir: &std::path::Path,
) -> Result<iotgate_judge::mud_audit::Fetcher, String> {
    let read = |p: &PathBuf| read_file(l, p);
    let Some(trust) = m.get_one::<PathBuf>("trust") else {
        return Err(l.t("fetch-needs-trust"));
    };
    let anchors = read(trust)?;
    let roots = match m.get_one::<PathBuf>("tls-roots") {
        Some(p) => Some(read(p)?),
        None => None,
    };
    let agent = crate::fetch::agent(roots.as_deref())
        .map_err(|e| l.ta("fetch-tls", &[("error", Arg::S(&e))]))?;
    let dir = dir.to_path_buf();
    let l = Localizer::new(l.lang());
    Ok(Box::new(move |url: &str| {
        crate::fetch::fetch(&agent, url, &dir, &anchors, false)
            .map(|_| ())
            .map_err(|e| crate::fetch::error_text(&l, url, e))
    }))
}
