//! Bounded reading of the small files users name (profiles, blocklists, declarations), and what
//! the command line says about capture paths that are not capture files: pipes and devices it
//! refuses, and what a folder scan leaves out.

use iotgate_explain::{Arg, Localizer};
use iotgate_sources::{FileKind, SkipReason};
use std::path::Path;

/// Reads a profile-sized file ([`read_bounded`] at the MUD profile limit).
pub fn read_file(l: &Localizer, path: &Path) -> Result<Vec<u8>, String> {
    read_bounded(l, path, iotgate_mud::MAX_PROFILE_BYTES)
}

/// Reads at most `limit` bytes of a file the user named ([`read_limited`]); the error is a
/// localised line naming the file (and, for a file over the limit, its actual size).
pub fn read_bounded(l: &Localizer, path: &Path, limit: usize) -> Result<Vec<u8>, String> {
    let bytes = read_limited(path, limit).map_err(|e| {
        l.ta(
            "mud-read-error",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("error", Arg::S(&e.to_string())),
            ],
        )
    })?;
    if bytes.len() > limit {
        return Err(too_large(l, path, limit));
    }
    Ok(bytes)
}

/// "PATH: the file is N bytes; at most LIMIT bytes are read", with the file's actual size (or,
/// for a stream whose size is unknown, "more than LIMIT bytes").
pub fn too_large(l: &Localizer, path: &Path, limit: usize) -> String {
    let shown = path.display().to_string();
    let size = std::fs::metadata(path)
        .ok()
        .filter(|m| m.is_file() && m.len() > limit as u64)
        .map(|m| m.len());
    match size {
        Some(bytes) => l.ta(
            "file-too-large",
            &[
                ("path", Arg::S(&shown)),
                ("bytes", Arg::N(bytes as f64)),
                ("limit", Arg::N(limit as f64)),
            ],
        ),
        None => l.ta(
            "file-larger-than",
            &[("path", Arg::S(&shown)), ("limit", Arg::N(limit as f64))],
        ),
    }
}

/// Reads at most one byte more than `limit` (a profile's or a list's), so that a huge file is
/// refused cheaply.
pub fn read_limited(path: &Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut b = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut b)?;
    Ok(b)
}

/// Why a capture path that is a pipe, socket or device is refused, and how to read it instead.
pub fn not_regular_text(l: &Localizer, path: &Path, kind: FileKind) -> String {
    l.ta(
        "arg-not-regular",
        &[
            ("path", Arg::S(&path.display().to_string())),
            ("kind", Arg::S(kind.id())),
        ],
    )
}

/// What a scan of the folder `dir` leaves out and why, one localised line each: pipes, sockets
/// and devices, empty and compressed files, unreadable entries, folders and files reached again
/// through links, folders too deep; then how many other files are not captures.
pub fn scan_notes(l: &Localizer, dir: &Path) -> Vec<String> {
    let Ok(scan) = iotgate_sources::scan(dir) else {
        // The reader reports a folder it cannot list, naming it.
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &scan.skipped {
        let why = match &s.reason {
            SkipReason::NotRegular(kind) => {
                l.ta("scan-why-not-regular", &[("kind", Arg::S(kind.id()))])
            }
            SkipReason::Empty => l.t("scan-why-empty"),
            SkipReason::Compressed(format) => {
                l.ta("scan-why-compressed", &[("format", Arg::S(format))])
            }
            SkipReason::Unreadable(e) => {
                l.ta("scan-why-unreadable", &[("error", Arg::S(&e.to_string()))])
            }
            SkipReason::AlreadyScanned => l.t("scan-why-already-scanned"),
            SkipReason::SameFile { other } => l.ta(
                "scan-why-same-file",
                &[("other", Arg::S(&other.display().to_string()))],
            ),
            SkipReason::TooDeep => l.ta(
                "scan-why-too-deep",
                &[("depth", Arg::N(iotgate_sources::MAX_SCAN_DEPTH as f64))],
            ),
        };
        out.push(l.ta(
            "scan-skipped",
            &[
                ("path", Arg::S(&s.path.display().to_string())),
                ("why", Arg::S(&why)),
            ],
        ));
    }
    let shown = dir.display().to_string();
    if scan.skipped_unlisted > 0 {
        out.push(l.ta(
            "scan-skipped-unlisted",
            &[
                ("path", Arg::S(&shown)),
                ("n", Arg::N(scan.skipped_unlisted as f64)),
            ],
        ));
    }
    if let Some(example) = &scan.first_not_capture {
        out.push(l.ta(
            "scan-not-captures",
            &[
                ("path", Arg::S(&shown)),
                ("n", Arg::N(scan.not_captures as f64)),
                ("example", Arg::S(&example.display().to_string())),
            ],
        ));
    }
    out
}
