//! What the MUD options ask for (`--mud`, `--mud-cache`, `--fetch`, `--controller`, `--device`),
//! read into the audit and learner settings of a session, and the learned profile written out.

use crate::failure::{print_str, Done, Failure};
use crate::files::read_file;
use iotgate_explain::{write_error, Arg, Localizer};
use iotgate_judge::mud_audit::{AuditConfig, AuditState, DeviceAudit};
use iotgate_judge::mud_learn::Learner;
use iotgate_mud::parse_bytes;
use iotgate_wire::Mac;
use std::path::PathBuf;

/// The audit the arguments ask for (`--mud MAC=FILE`, `--mud-cache DIR`, `--controller
/// URI=ADDRESS`): `Ok(None)` when they ask for none, `Err(message)` for a bad argument or an
/// unusable profile.
pub fn audit_from_args(l: &Localizer, m: &clap::ArgMatches) -> Result<Option<AuditState>, String> {
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
    Ok(Some(state))
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

/// One localised line per device whose announced MUD URL gave no profile from the cache.
pub fn cache_problem_lines(l: &Localizer, a: &AuditState) -> Vec<String> {
    use iotgate_judge::mud_audit::CacheProblem;
    a.cache_problems
        .iter()
        .map(|(mac, url, p)| {
            let mac = mac.to_string();
            let (id, path, extra) = match p {
                CacheProblem::BadUrl => (
                    "mudcache-bad-url",
                    String::new(),
                    iotgate_explain::mud_url_problem(l, url).unwrap_or_default(),
                ),
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
pub fn learner_from_args(l: &Localizer, m: &clap::ArgMatches) -> Result<Mac, String> {
    let spec = m
        .get_one::<String>("device")
        .map(String::as_str)
        .unwrap_or_default();
    let mac = Mac::parse(spec).ok_or_else(|| l.ta("err-mud-device", &[("arg", Arg::S(spec))]))?;
    Ok(mac)
}

/// Writes the learned profile (to `--out` or standard output) and a summary on standard error;
/// returns the exit status.
pub fn write_learned(
    l: &Localizer,
    m: &clap::ArgMatches,
    lr: &Learner,
    report: &iotgate_explain::Analysis,
) -> Done {
    let mac = lr.mac.to_string();
    if lr.is_empty() {
        return Err(Failure::failed(
            l.ta("learn-nothing", &[("mac", Arg::S(&mac))]),
        ));
    }
    let hex = mac.replace(':', "");
    let url = m
        .get_one::<String>("url")
        .cloned()
        .or_else(|| lr.announced_url.clone())
        .unwrap_or_else(|| format!("https://mud.example.com/iotgate-learned/{hex}.json"));
    if !url.starts_with("https://") {
        return Err(Failure::usage(
            l.ta("mud-not-https", &[("url", Arg::S(&url))]),
        ));
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
        .unwrap_or(iotgate_explain::model::Time(lr.last_ns))
        .0;
    // date-and-time to the second, without the fraction iotgate prints elsewhere.
    let last = iotgate_explain::model::Time(last - last.rem_euclid(1_000_000_000)).to_string();
    let last = format!("{}Z", last.split('.').next().unwrap_or_default());
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
        Some(p) => std::fs::write(p, &text)
            .map_err(|e| Failure::failed(write_error(l, &p.display().to_string(), &e)))?,
        None => print_str(l, &text)?,
    }
    let to = dest
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "stdout".into());
    crate::note!(
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
        crate::note!(
            "iotgate: {}",
            l.ta("learn-truncated", &[("n", Arg::N(lr.dropped as f64))])
        );
    }
    Ok(())
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
    let agent = iotgate_mud::fetch::agent(roots.as_deref())
        .map_err(|e| l.ta("fetch-tls", &[("error", Arg::S(&e))]))?;
    let dir = dir.to_path_buf();
    // The fetcher runs inside the session (which may be on another thread): it carries the
    // language, not the localizer, and words an error only when there is one.
    let lang = l.lang();
    Ok(Box::new(move |url: &str| {
        iotgate_mud::fetch::fetch(&agent, url, &dir, &anchors, false)
            .map(|_| ())
            .map_err(|e| crate::cmd::fetch::error_text(&Localizer::new(lang), url, e))
    }))
}
