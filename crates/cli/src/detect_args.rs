//! The detection options of `iotgate analyze`: `--detect` thresholds and `--blocklist` files.

use iotgate_explain::{Arg, Localizer};
use iotgate_judge::detect::config::{SettingError, KEYS};
use iotgate_judge::detect::{blocklist, Blocklist, DetectConfig};
use iotgate_pipeline::DetectSettings;
use std::path::PathBuf;

/// The long help of `--detect`: every threshold with its default and meaning.
pub fn detect_help(l: &Localizer) -> String {
    let d = DetectConfig::default();
    let mut s = l.t("detect-help-head");
    for k in KEYS {
        s.push_str(&format!(
            "\n  {k}={}\n      {}",
            d.get(k).unwrap_or_default(),
            l.t(&format!("detect-key-{k}"))
        ));
    }
    s
}

/// The detectors the arguments ask for (None with `--detect off`), or a message saying what is
/// wrong with a setting or a blocklist (file and line).
pub fn detectors_from_args(
    l: &Localizer,
    m: &clap::ArgMatches,
) -> Result<Option<DetectSettings>, String> {
    let mut cfg = DetectConfig::default();
    for s in m.get_many::<String>("detect").into_iter().flatten() {
        if s.trim() == "off" {
            return Ok(None);
        }
        cfg.apply(s).map_err(|e| match e {
            SettingError::Syntax(x) => l.ta("detect-error-syntax", &[("setting", Arg::S(&x))]),
            SettingError::UnknownKey(k) => l.ta("detect-error-key", &[("key", Arg::S(&k))]),
            SettingError::BadValue { key, value } => l.ta(
                "detect-error-value",
                &[("key", Arg::S(&key)), ("value", Arg::S(&value))],
            ),
        })?;
    }
    let mut lists = Vec::new();
    for p in m.get_many::<PathBuf>("blocklist").into_iter().flatten() {
        lists.push(read_blocklist(l, p)?);
    }
    Ok(Some(DetectSettings { cfg, lists }))
}

/// Reads and parses one blocklist file.
pub fn read_blocklist(l: &Localizer, p: &std::path::Path) -> Result<Blocklist, String> {
    let shown = p.display().to_string();
    let bytes = crate::files::read_limited(p, blocklist::MAX_FILE).map_err(|e| {
        l.ta(
            "mud-read-error",
            &[("path", Arg::S(&shown)), ("error", Arg::S(&e.to_string()))],
        )
    })?;
    if bytes.len() > blocklist::MAX_FILE {
        return Err(l.ta(
            "blocklist-error-size",
            &[
                ("path", Arg::S(&shown)),
                ("max", Arg::N((blocklist::MAX_FILE >> 20) as f64)),
            ],
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| shown.clone());
    Blocklist::parse(&name, &text).map_err(|b| {
        l.ta(
            "blocklist-error-line",
            &[
                ("path", Arg::S(&shown)),
                ("line", Arg::N(b.line as f64)),
                ("text", Arg::S(&b.text)),
            ],
        )
    })
}
