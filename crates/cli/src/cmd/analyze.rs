//! `iotgate analyze` (and `mud audit`, `mud learn`, which share it): read captures — files,
//! standard input, or a live interface — through one session, with a progress bar on long work,
//! and print the report.

use crate::failure::{print_out, Done, Failure};
use crate::progress::Progress;
use iotgate_explain::model::write_json_pretty;
use iotgate_explain::{html, source_error_text, text, write_error, Arg, Localizer};
use iotgate_pipeline::{
    analyze_files, default_threads, open_all, run_source, Session, SessionConfig, Snapshot, Stop,
};
use iotgate_sources::{LiveCapture, PacketSource, StreamReader};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// What to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `iotgate analyze`: the whole analysis (with MUD audits when profiles are given).
    Analyze,
    /// `iotgate mud audit`: only the MUD audits.
    MudAudit,
    /// `iotgate mud learn`: a profile of what one device did.
    MudLearn,
}

/// The session the arguments ask for, or a message saying which argument is wrong.
fn session_config(
    l: &Localizer,
    m: &clap::ArgMatches,
    mode: Mode,
) -> Result<SessionConfig, String> {
    let mut cfg = SessionConfig::default();
    cfg.analysis.flows.max_flows = *m.get_one::<u32>("max-flows").unwrap_or(&262_144) as usize;
    if mode == Mode::MudLearn {
        cfg.learn = Some(crate::mud_args::learner_from_args(l, m)?);
    } else {
        cfg.audit = crate::mud_args::audit_from_args(l, m)?;
    }
    if mode == Mode::Analyze {
        cfg.detect = crate::detect_args::detectors_from_args(l, m)?;
    }
    Ok(cfg)
}

/// `90`, `90s`, `5m`, `1h`.
fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().last()? {
        (i, 's') => (&s[..i], 1),
        (i, 'm') => (&s[..i], 60),
        (i, 'h') => (&s[..i], 3600),
        _ => (s, 1),
    };
    let n: f64 = num.trim().parse().ok()?;
    (n.is_finite() && n > 0.0 && n < 1e9).then(|| Duration::from_secs_f64(n * unit as f64))
}

/// Ctrl-C ends a live capture with a report instead of killing the process: the returned flag
/// is set by SIGINT or SIGTERM.
pub(crate) fn stop_on_interrupt() -> Arc<AtomicBool> {
    static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    extern "C" fn on_signal(_: libc::c_int) {
        // Set before the handler is installed, so always there; an atomic store is
        // async-signal-safe.
        if let Some(f) = STOP.get() {
            f.store(true, Ordering::Relaxed);
        }
    }
    let flag = STOP
        .get_or_init(|| Arc::new(AtomicBool::new(false)))
        .clone();
    // SAFETY: the handler only reads an initialised OnceLock and stores to an atomic.
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
    flag
}

/// A new session fed from `src` until it ends or `stop` says so, with a progress display
/// labelled `msg`; the snapshot at the end.
fn run_stream(
    cfg: SessionConfig,
    src: &mut dyn PacketSource,
    name: &str,
    msg: String,
    setting: Option<&str>,
    stop: &Stop,
) -> Snapshot {
    let mut session = Session::new(cfg);
    let bar = Progress::over(src.len_hint(), msg, setting);
    let out = run_source(&mut session, src, name, stop, |p| bar.tick(p));
    bar.finish();
    let mut snap = session.finish();
    snap.inputs = vec![out];
    snap
}

/// Runs a session over what the arguments name: files and folders, `-` (standard input), or
/// `--interface`. Errors are localised messages.
fn read_input(l: &Localizer, m: &clap::ArgMatches, cfg: SessionConfig) -> Result<Snapshot, String> {
    let setting = m.get_one::<String>("progress").map(String::as_str);
    let stop = Stop {
        deadline: match m.get_one::<String>("duration") {
            Some(s) => Some(
                Instant::now()
                    + parse_duration(s)
                        .ok_or_else(|| l.ta("err-duration", &[("value", Arg::S(s))]))?,
            ),
            None => None,
        },
        flag: None,
    };
    if let Some(iface) = m.get_one::<String>("interface") {
        let mut cap = LiveCapture::open(iface, Duration::from_millis(250)).map_err(|e| {
            l.ta(
                "err-interface",
                &[("iface", Arg::S(iface)), ("error", Arg::S(&e.to_string()))],
            )
        })?;
        let stop = Stop {
            flag: Some(stop_on_interrupt()),
            ..stop
        };
        let msg = l.ta("progress-live", &[("iface", Arg::S(iface))]);
        let snap = run_stream(cfg, &mut cap, iface, msg, setting, &stop);
        if let Some(e) = cap.error() {
            return Err(l.ta(
                "err-interface",
                &[("iface", Arg::S(iface)), ("error", Arg::S(&e.to_string()))],
            ));
        }
        return Ok(snap);
    }
    let inputs: Vec<PathBuf> = m
        .get_many::<PathBuf>("captures")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    if inputs.iter().any(|p| p.as_os_str() == "-") {
        // Standard input is read as a stream (it may never end: `tcpdump -w - | ...`); it can
        // only be the one input, since merging by timestamp needs every input at hand.
        if inputs.len() > 1 {
            return Err(l.t("err-stdin-alone"));
        }
        let stdin = std::io::stdin();
        let mut src = StreamReader::new(PathBuf::from("-"), stdin.lock())
            .map_err(|e| source_error_text(l, &e))?;
        let snap = run_stream(cfg, &mut src, "-", l.t("progress-reading"), setting, &stop);
        if let Some(e) = src.error() {
            crate::note!("iotgate: -: {e}");
        }
        return Ok(snap);
    }
    let caps = match open_all(&inputs) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => return Err(l.t("err-no-input")),
        Err(e) => return Err(source_error_text(l, &e)),
    };
    let threads = match m.get_one::<u8>("threads") {
        Some(&t) => t as usize,
        None => default_threads(),
    };
    let bar = Progress::new(l, &caps, setting);
    let snap = analyze_files(&caps, cfg, threads, |pos| bar.tick(pos));
    bar.finish();
    snap.map_err(|e| source_error_text(l, &e))
}

/// Runs the command.
pub fn run(l: &Localizer, m: &clap::ArgMatches, mode: Mode) -> Done {
    // An indicator is checked before the capture is read: a refused one stops here.
    let indicator = match (
        m.try_get_one::<PathBuf>("indicator").ok().flatten(),
        m.try_get_one::<String>("indicator-key").ok().flatten(),
    ) {
        (Some(p), Some(k)) => {
            Some(crate::indicator_args::read_verified(l, p, k).map_err(Failure::failed)?)
        }
        _ => None,
    };
    let snap = session_config(l, m, mode)
        .and_then(|cfg| read_input(l, m, cfg))
        .map_err(Failure::usage)?;
    let report = snap.report();
    for c in &report.captures {
        for w in &c.warnings {
            crate::note!("iotgate: {}: {} {}", c.path, l.t("warning"), w.render(l));
        }
    }
    if let Some(ind) = &indicator {
        let found = iotgate_pipeline::indicator::matches(ind, &report);
        return print_out(l, |out| {
            match m.get_one::<String>("format").map(String::as_str) {
                Some("json") => {
                    let doc = serde_json::json!({
                        "schema": "iotgate.indicator-match/1",
                        "indicator": ind.to_json(),
                        "devices": found,
                    });
                    write_json_pretty(&mut *out, &doc)?;
                    writeln!(out)
                }
                _ => out.write_all(crate::indicator_args::text(l, ind, &found).as_bytes()),
            }
        });
    }
    if let Some(lr) = &snap.learner {
        return crate::mud_args::write_learned(l, m, lr, &report);
    }
    if mode == Mode::MudAudit {
        let problems = snap
            .audit
            .as_ref()
            .map(|a| crate::mud_args::cache_problem_lines(l, a))
            .unwrap_or_default();
        return print_out(l, |out| {
            match m.get_one::<String>("format").map(String::as_str) {
                Some("json") => {
                    let doc = report
                        .mud_audit_json(l, &problems)
                        .map_err(std::io::Error::other)?;
                    write_json_pretty(&mut *out, &doc)?;
                    writeln!(out)
                }
                _ => {
                    for p in &problems {
                        writeln!(out, "{p}")?;
                    }
                    if report.mud.is_empty() {
                        writeln!(out, "{}", l.t("mudaudit-none"))
                    } else {
                        out.write_all(iotgate_explain::mud::audit_text(l, &report.mud).as_bytes())
                    }
                }
            }
        });
    }
    if let Some(path) = m.get_one::<PathBuf>("html") {
        std::fs::write(path, html::render(&report, l))
            .map_err(|e| Failure::failed(write_error(l, &path.display().to_string(), &e)))?;
    }
    let done = print_out(l, |out| {
        match m.get_one::<String>("format").map(String::as_str) {
            Some("json") => {
                write_json_pretty(&mut *out, &report.in_language(l))?;
                writeln!(out)
            }
            _ => {
                let color =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let peers = *m.get_one::<usize>("peers").unwrap_or(&8);
                out.write_all(text::render(&report, l, text::Style::new(color), peers).as_bytes())?;
                if report.mud.is_empty() {
                    Ok(())
                } else {
                    out.write_all(iotgate_explain::mud::audit_text(l, &report.mud).as_bytes())
                }
            }
        }
    });
    // The process ends here: handing the inventory and the report (hundreds of thousands of
    // small allocations on a big capture) back to the allocator one by one would only delay
    // the exit; the operating system takes the memory back at once.
    std::mem::forget(report);
    std::mem::forget(snap);
    done
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0.5s"), Some(Duration::from_millis(500)));
        for bad in ["", "s", "-3s", "0", "1d", "nan", "1e99h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }
}
