//! Explanation (the pipeline's `explain` stage): the localisation layer (English and French) and
//! the three report formats of `iotgate analyze` — terminal, JSON and a self-contained HTML page.

pub mod html;
pub mod i18n;
pub mod model;
pub mod text;

pub use i18n::{Arg, Lang, Localizer};
pub use model::{build, Analysis, CaptureOut, SCHEMA};

use iotgate_sources::{SourceError, SourceErrorKind, Warning, WarningKind};

/// A capture-reading warning in the reader's language.
pub fn warning_text(l: &Localizer, w: &Warning) -> String {
    let off = Arg::N(w.offset as f64);
    match &w.kind {
        WarningKind::Truncated { needed, had } => l.ta(
            "warn-truncated",
            &[
                ("offset", off),
                ("needed", Arg::N(*needed as f64)),
                ("had", Arg::N(*had as f64)),
            ],
        ),
        WarningKind::BadRecordLength { len } => l.ta(
            "warn-bad-record",
            &[("offset", off), ("len", Arg::N(*len as f64))],
        ),
        WarningKind::BadBlock { block_type, len } => l.ta(
            "warn-bad-block",
            &[
                ("offset", off),
                ("type", Arg::S(&format!("{block_type:#x}"))),
                ("len", Arg::N(*len as f64)),
            ],
        ),
        WarningKind::UnsupportedLinkType { linktype } => l.ta(
            "warn-linktype",
            &[("offset", off), ("linktype", Arg::N(*linktype as f64))],
        ),
        WarningKind::UnknownInterface { interface } => l.ta(
            "warn-interface",
            &[("offset", off), ("interface", Arg::N(*interface as f64))],
        ),
    }
}

/// A capture-opening error in the reader's language, on one line, naming the file.
pub fn source_error_text(l: &Localizer, e: &SourceError) -> String {
    let path = e.path.display().to_string();
    let p = Arg::S(&path);
    match &e.kind {
        SourceErrorKind::Io(io) => {
            l.ta("err-io", &[("path", p), ("error", Arg::S(&io.to_string()))])
        }
        SourceErrorKind::Empty => l.ta("err-empty", &[("path", p)]),
        SourceErrorKind::NotCapture { magic, len } => l.ta(
            "err-not-capture",
            &[
                ("path", p),
                ("bytes", Arg::S(&iotgate_sources::hex_prefix(magic, *len))),
            ],
        ),
        SourceErrorKind::BadHeader { what } => {
            l.ta("err-bad-header", &[("path", p), ("what", Arg::S(what))])
        }
        SourceErrorKind::Directory => l.ta("err-directory", &[("path", p)]),
    }
}
