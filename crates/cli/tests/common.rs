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

/// Analyses files in English with every detector on (default thresholds) and `lists`.
pub fn analyze_detect(paths: &[PathBuf], lists: Vec<iotgate_judge::detect::Blocklist>) -> Analysis {
    use std::cell::RefCell;
    use std::rc::Rc;
    let caps = iotgate::open_all(paths).expect("captures open");
    let det = Rc::new(RefCell::new(iotgate_judge::detect::Detectors::new(
        Default::default(),
        lists,
    )));
    iotgate::analyze_full(
        &caps,
        Default::default(),
        &Localizer::new(Lang::En),
        1,
        |_| {},
        None,
        Some(det),
    )
    .expect("analysis")
}
