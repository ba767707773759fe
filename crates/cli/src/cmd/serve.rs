//! `iotgate serve` (the gateway: analysis, store and dashboard), `iotgate user add` and
//! `iotgate token create` (its users and API tokens, without a browser).

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_serve::feed::Source;
use iotgate_sources::{Capture, LiveCapture};
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The database when `--db` is not given: `$XDG_DATA_HOME/iotgate/iotgate.db`, else
/// `~/.local/share/iotgate/iotgate.db` (created when missing).
fn default_db() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("iotgate").join("iotgate.db")
}

fn db_of(m: &clap::ArgMatches) -> PathBuf {
    m.get_one::<PathBuf>("db")
        .cloned()
        .unwrap_or_else(default_db)
}

/// Creates the database's folder when it is missing.
fn db_dir(l: &Localizer, db: &std::path::Path) -> Result<(), Failure> {
    match db.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) if !dir.exists() => std::fs::create_dir_all(dir).map_err(|e| {
            Failure::failed(iotgate_explain::write_error(
                l,
                &dir.display().to_string(),
                &e,
            ))
        }),
        _ => Ok(()),
    }
}

fn fail(l: &Localizer, e: &iotgate_serve::Error) -> Failure {
    Failure::failed(iotgate_serve::error_text(l, e))
}

/// Runs `iotgate serve`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let webhook = m.get_one::<String>("webhook").cloned();
    if let Some(url) = &webhook {
        if let Err(p) = iotgate_serve::webhook::check_url(url) {
            let key = match p {
                iotgate_serve::webhook::UrlProblem::NotHttps => "serve-err-webhook-https",
                iotgate_serve::webhook::UrlProblem::Malformed => "serve-err-webhook-url",
            };
            return Err(Failure::usage(l.ta(key, &[("url", Arg::S(url))])));
        }
    }
    // Checked first, so that a bad threshold or blocklist is refused before anything runs (or
    // is written); the gateway combines them with its settings page.
    let checked = crate::detect_args::detectors_from_args(l, m).map_err(Failure::usage)?;
    let mut db = db_of(m);
    let listen: SocketAddr = *m.get_one("listen").expect("defaulted by clap");
    let speed = *m.get_one::<f64>("speed").unwrap_or(&1.0);
    let mut demo_dir = None;
    let source = if let Some(iface) = m.get_one::<String>("interface") {
        match LiveCapture::open(iface, Duration::from_millis(100)) {
            Ok(c) => Source::Live(c),
            Err(e) => {
                return Err(Failure::failed(l.ta(
                    "err-interface",
                    &[("iface", Arg::S(iface)), ("error", Arg::S(&e.to_string()))],
                )))
            }
        }
    } else {
        let path = if let Some(p) = m.get_one::<PathBuf>("replay") {
            p.clone()
        } else {
            // --demo: a simulated home network with an infected camera.
            let dir = std::env::temp_dir().join(format!("iotgate-demo-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| {
                Failure::failed(iotgate_explain::write_error(
                    l,
                    &dir.display().to_string(),
                    &e,
                ))
            })?;
            let path = dir.join("home.pcap");
            let opts = iotgate_sim::Options {
                devices: 8,
                packets: 60_000,
                seed: 7,
                infected: 1,
                flood: false,
                stealthy: 0,
            };
            let written = std::fs::File::create(&path).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                iotgate_sim::write(&opts, &mut w)?;
                std::io::Write::flush(&mut w)
            });
            if let Err(e) = written {
                return Err(Failure::failed(iotgate_explain::write_error(
                    l,
                    &path.display().to_string(),
                    &e,
                )));
            }
            crate::note!("iotgate: {}", l.t("serve-demo"));
            // A demonstration keeps its own database (gone when it stops), unless told where:
            // each run starts afresh, with its setup link.
            if m.get_one::<PathBuf>("db").is_none() {
                db = dir.join("demo.db");
            }
            demo_dir = Some(dir);
            path
        };
        match Capture::open(&path) {
            Ok(cap) => Source::Replay { cap, speed },
            Err(e) => return Err(Failure::failed(iotgate_explain::source_error_text(l, &e))),
        }
    };
    db_dir(l, &db)?;
    let days = *m.get_one::<u64>("retention").unwrap_or(&30);

    let detect = iotgate_serve::detection::Cli {
        off: checked.is_none(),
        thresholds: m
            .get_many::<String>("detect")
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
        lists: checked.map(|d| d.lists).unwrap_or_default(),
    };
    let session = iotgate_pipeline::SessionConfig::default();
    let cfg = iotgate_serve::Config {
        db,
        listen,
        source,
        session,
        every: Duration::from_secs(2),
        retention: Duration::from_secs(days.saturating_mul(86_400)),
        secure_cookies: m.get_flag("secure-cookies"),
        webhook,
        enforce: m.get_flag("enforce"),
        detect,
    };
    let stop = super::analyze::stop_on_interrupt();
    let done = iotgate_serve::run(cfg, l, stop, |line| crate::note!("iotgate: {line}"));
    if let Some(dir) = demo_dir {
        std::fs::remove_dir_all(dir).ok();
    }
    done.map_err(|e| fail(l, &e))
}

/// Runs `iotgate user add NAME`: the password comes from standard input (its first line).
pub fn user_add(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let db = db_of(m);
    db_dir(l, &db)?;
    let name: &String = m.get_one("name").expect("required by clap");
    let lang = m
        .get_one::<String>("user-lang")
        .map_or("en", String::as_str);
    let mut input = String::new();
    if let Err(e) = std::io::stdin().take(4096).read_to_string(&mut input) {
        return Err(Failure::failed(
            l.ta("serve-err-stdin", &[("error", Arg::S(&e.to_string()))]),
        ));
    }
    let password = input.lines().next().unwrap_or("");
    match iotgate_serve::add_user(&db, name, password, lang) {
        Ok(Ok(true)) => print_str(
            l,
            &format!(
                "{}\n",
                l.ta(
                    "serve-user-added",
                    &[
                        ("name", Arg::S(name)),
                        ("db", Arg::S(&db.display().to_string()))
                    ]
                )
            ),
        ),
        Ok(Ok(false)) => Err(Failure::failed(l.t("serve-error-user-exists"))),
        Ok(Err(problem)) => Err(Failure::usage(l.t(problem))),
        Err(e) => Err(fail(l, &e)),
    }
}

/// Runs `iotgate token create`: prints the new token's secret (shown once).
pub fn token_create(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let db = db_of(m);
    db_dir(l, &db)?;
    let name = m.get_one::<String>("name").map_or("api", String::as_str);
    match iotgate_serve::create_token(&db, name) {
        Ok(secret) => {
            crate::note!("iotgate: {}", l.t("serve-token-once"));
            print_str(l, &format!("{secret}\n"))
        }
        Err(e) => Err(fail(l, &e)),
    }
}
