//! The progress bar of long work: hidden until it has lasted a moment on a terminal.

use iotgate_explain::Localizer;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

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
        Progress::over(Some(total), l.t("progress-reading"), setting)
    }

    /// A bar over `total` bytes, or a counter of bytes read when the total is unknown (a pipe,
    /// an interface), labelled `msg`.
    pub fn over(total: Option<u64>, msg: String, setting: Option<&str>) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(
            total,
            indicatif::ProgressDrawTarget::hidden(),
        );
        let template = if total.is_some() {
            "{msg} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} {eta}"
        } else {
            "{spinner} {msg} {bytes} {bytes_per_sec} {elapsed}"
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(template)
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(msg);
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
