//! Helpers shared by the integration tests.
#![allow(dead_code)]

use iotgate_explain::{Analysis, Lang, Localizer};
use std::path::{Path, PathBuf};

/// `../shared/data` relative to the project root.
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The project root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Analyses files in English.
pub fn analyze(paths: &[PathBuf]) -> Analysis {
    analyze_lang(paths, Lang::En)
}

/// Analyses files in a language.
pub fn analyze_lang(paths: &[PathBuf], lang: Lang) -> Analysis {
    let caps = iotgate::open_all(paths).expect("captures open");
    iotgate::analyze(&caps, Default::default(), &Localizer::new(lang), |_| {}).expect("analysis")
}

/// Every capture file under a folder, sorted.
pub fn captures_under(dir: &Path) -> Vec<PathBuf> {
    iotgate_sources::expand_paths(&[dir.to_path_buf()]).expect("readable folder")
}
