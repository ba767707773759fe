//! `iotgate analyze`: open the captures, run the pipeline with a progress bar on long work, and
//! print the report.

use iotgate::{analyze_full, analyze_observed, open_all};
use iotgate_explain::{html, source_error_text, text, write_error, Localizer};
use iotgate_judge::mud_learn::LearnObserver;
use iotgate_observe::Config;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
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

/// Runs the command; returns the process exit status.
pub fn run(l: &Localizer, m: &clap::ArgMatches, mode: Mode) -> u8 {
    let (audit, learner) = if mode == Mode::MudLearn {
        match crate::mud::learner_from_args(l, m) {
            Ok(lr) => (None, Some(lr)),
            Err(msg) => {
                eprintln!("iotgate: {msg}");
                return 2;
            }
        }
    } else {
        match crate::mud::audit_from_args(l, m) {
            Ok(a) => (a, None),
            Err(msg) => {
                eprintln!("iotgate: {msg}");
                return 2;
            }
        }
    };
    let detect = if mode == Mode::Analyze {
        match crate::detect::detectors_from_args(l, m) {
            Ok(d) => d,
            Err(msg) => {
                eprintln!("iotgate: {msg}");
                return 2;
            }
        }
    } else {
        None
    };
    let inputs: Vec<PathBuf> = m
        .get_many::<PathBuf>("captures")
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let caps = match open_all(&inputs) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            eprintln!("iotgate: {}", l.t("err-no-input"));
            return 2;
        }
        Err(e) => {
            eprintln!("iotgate: {}", source_error_text(l, &e));
            return 2;
        }
    };
    let mut cfg = Config::default();
    cfg.flows.max_flows = *m.get_one::<u32>("max-flows").unwrap_or(&262_144) as usize;
    let threads = match m.get_one::<u8>("threads") {
        Some(&t) => t as usize,
        None => iotgate::default_threads(),
    };
    let bar = Progress::new(
        l,
        &caps,
        m.get_one::<String>("progress").map(String::as_str),
    );
    let progress = |pos| bar.tick(pos);
    let report = match &learner {
        Some(lr) => {
            let obs = Box::new(LearnObserver(lr.clone()));
            analyze_observed(&caps, cfg, l, threads, progress, Some(obs))
        }
        None => analyze_full(&caps, cfg, l, threads, progress, audit.clone(), detect),
    };
    bar.finish();
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("iotgate: {}", source_error_text(l, &e));
            return 2;
        }
    };
    for c in &report.captures {
        for w in &c.warnings {
            eprintln!("iotgate: {}: {} {}", c.path, l.t("warning"), w);
        }
    }
    if let Some(lr) = learner {
        return crate::mud::write_learned(l, m, &lr.borrow(), &report);
    }
    if mode == Mode::MudAudit {
        let problems = audit
            .as_ref()
            .map(|a| crate::mud::cache_problem_lines(l, &a.borrow()))
            .unwrap_or_default();
        return print_out(l, |out| {
            match m.get_one::<String>("format").map(String::as_str) {
                Some("json") => {
                    let doc = serde_json::json!({
                        "schema": "iotgate.mud-audit/1",
                        "generator": report.generator,
                        "lang": report.lang,
                        "captures": report.captures,
                        "audits": report.mud,
                        "cache_problems": problems,
                    });
                    serde_json::to_writer_pretty(&mut *out, &doc)
                        .map_err(std::io::Error::other)
                        .and_then(|_| writeln!(out))
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
        if let Err(e) = std::fs::write(path, html::render(&report, l)) {
            eprintln!(
                "iotgate: {}",
                write_error(l, &path.display().to_string(), &e)
            );
            return 1;
        }
    }
    print_out(l, |out| {
        match m.get_one::<String>("format").map(String::as_str) {
            Some("json") => serde_json::to_writer_pretty(&mut *out, &report)
                .map_err(std::io::Error::other)
                .and_then(|_| writeln!(out)),
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
    })
}

/// Writes to standard output through `write`; returns the exit status.
fn print_out(l: &Localizer, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> u8 {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => 0,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("iotgate: {}", write_error(l, "stdout", &e));
            1
        }
    }
}

/// The progress bar of a long analysis: hidden until the work has lasted 1.5 s on a terminal
/// (`auto`), always shown (`always`) or never (`never`).
pub struct Progress {
    bar: indicatif::ProgressBar,
    show_after: Option<Duration>,
    start: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    /// A bar over the bytes of `caps`.
    pub fn new(l: &Localizer, caps: &[iotgate_sources::Capture], setting: Option<&str>) -> Self {
        let total: u64 = caps.iter().map(|c| c.len() as u64).sum();
        let bar = indicatif::ProgressBar::with_draw_target(
            Some(total),
            indicatif::ProgressDrawTarget::hidden(),
        );
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(l.t("progress-reading"));
        let show_after = match setting {
            Some("always") => Some(Duration::ZERO),
            Some("never") => None,
            _ => std::io::stderr()
                .is_terminal()
                .then_some(Duration::from_millis(1500)),
        };
        Progress {
            bar,
            show_after,
            start: Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }
    /// Reports `pos` bytes read.
    pub fn tick(&self, pos: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        if let Some(after) = self.show_after {
            if !self.shown.load(Relaxed) && self.start.elapsed() >= after {
                self.bar
                    .set_draw_target(indicatif::ProgressDrawTarget::stderr());
                self.shown.store(true, Relaxed);
            }
            if self.shown.load(Relaxed) {
                self.bar.set_position(pos);
            }
        }
    }
    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
