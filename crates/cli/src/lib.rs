//! The iotgate application: the whole pipeline (sources → wire → observe → judge → explain) as a
//! function, shared by the `iotgate` binary and the integration tests.

use iotgate_explain::{model, warning_text, Analysis, CaptureOut, Localizer};
use iotgate_observe::{Analyzer, Config};
use iotgate_sources::{expand_paths, Capture, Merger, SourceError, SourceErrorKind};
use std::path::PathBuf;

/// Expands folders and opens every capture; the first unreadable file is the error.
pub fn open_all(inputs: &[PathBuf]) -> Result<Vec<Capture>, SourceError> {
    let mut paths = Vec::new();
    for p in inputs {
        match expand_paths(std::slice::from_ref(p)) {
            Ok(v) if v.is_empty() && p.is_dir() => {
                return Err(SourceError {
                    path: p.clone(),
                    kind: SourceErrorKind::Directory,
                })
            }
            Ok(v) => paths.extend(v),
            Err(io) => {
                return Err(SourceError {
                    path: p.clone(),
                    kind: SourceErrorKind::Io(io),
                })
            }
        }
    }
    paths.iter().map(|p| Capture::open(p)).collect()
}

/// Runs the analysis over opened captures, merged in timestamp order. `progress` is called every
/// 256 Ki packets with the bytes consumed so far.
pub fn analyze(
    caps: &[Capture],
    cfg: Config,
    l: &Localizer,
    mut progress: impl FnMut(u64),
) -> Result<Analysis, SourceError> {
    let mut readers = Vec::with_capacity(caps.len());
    for c in caps {
        let r = c.reader().map_err(|what| SourceError {
            path: c.path().to_path_buf(),
            kind: SourceErrorKind::BadHeader { what },
        })?;
        readers.push(r);
    }
    let mut an = Analyzer::new(cfg);
    let mut n: u64 = 0;
    let mut release = |n: u64, positions: &[usize]| {
        // Every 16 Ki packets: drop the pages already read from the resident set.
        if n & 0x3fff == 0 {
            for (c, &pos) in caps.iter().zip(positions) {
                c.release_before(pos.saturating_sub(1 << 20));
            }
            if n & 0x3ffff == 0 {
                progress(positions.iter().sum::<usize>() as u64);
            }
        }
    };
    let captures: Vec<CaptureOut> = if readers.len() == 1 {
        // One capture, the common case: no merge bookkeeping on the per-packet path.
        let mut r = readers.pop().expect("one reader");
        while let Some(pkt) = r.next_packet() {
            an.process(&pkt);
            n += 1;
            release(n, &[r.position()]);
        }
        vec![capture_out(l, &caps[0], &r, n)]
    } else {
        let mut merger = Merger::new(readers);
        let mut positions = vec![0usize; caps.len()];
        while let Some((_, pkt)) = merger.next_packet() {
            an.process(&pkt);
            n += 1;
            if n & 0x3fff == 0 {
                for (p, r) in positions.iter_mut().zip(merger.readers()) {
                    *p = r.position();
                }
            }
            release(n, &positions);
        }
        caps.iter()
            .zip(merger.readers())
            .zip(merger.counts())
            .map(|((c, r), &count)| capture_out(l, c, r, count))
            .collect()
    };
    let (inv, stats, fstats) = an.finish();
    Ok(model::build(l, captures, &inv, &stats, &fstats))
}

fn capture_out(
    l: &Localizer,
    c: &Capture,
    r: &iotgate_sources::Reader<'_>,
    packets: u64,
) -> CaptureOut {
    CaptureOut {
        path: c.path().display().to_string(),
        packets,
        warnings: r.warnings().iter().map(|w| warning_text(l, w)).collect(),
    }
}
