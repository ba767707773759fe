//! The detectors' thresholds and blocklist from the settings page, combined with the command
//! line's (`--detect`, `--blocklist`: the command line wins on a threshold both set; blocklists
//! add up). A change on the page reaches the analysis at its next snapshot: it starts afresh
//! with the new detectors (what is stored stays).

use iotgate_judge::detect::config::SettingError;
use iotgate_judge::detect::{Blocklist, DetectConfig};
use iotgate_pipeline::DetectSettings;
use std::sync::Mutex;

/// Setting: thresholds, `NAME=VALUE` one per line (or separated by commas; `#` comments), the
/// names of `--detect` (docs/detection.md).
pub const THRESHOLDS: &str = "detect.thresholds";
/// Setting: a blocklist (addresses, networks and domain names, one per line, `#` comments), the
/// format of `--blocklist` files.
pub const BLOCKLIST: &str = "detect.blocklist";
/// The name the settings' blocklist goes by in alerts.
const LIST_NAME: &str = "settings";

/// What the command line said about detection.
#[derive(Debug, Clone, Default)]
pub struct Cli {
    /// `--detect off`: no detector, whatever the settings say.
    pub off: bool,
    /// Each `--detect NAME=VALUE` (already checked).
    pub thresholds: Vec<String>,
    /// The `--blocklist` files, read.
    pub lists: Vec<Blocklist>,
}

/// What is wrong with a setting, for the page: a catalogue key and the offending text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Catalogue key.
    pub key: &'static str,
    /// The line or setting at fault.
    pub text: String,
}

/// The threshold lines of `text`, each checked against the detectors' settings.
pub fn thresholds(text: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    let mut probe = DetectConfig::default();
    for line in text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        probe.apply(line).map_err(|e| Problem {
            key: "serve-error-bad-threshold",
            text: match e {
                SettingError::Syntax(x) | SettingError::UnknownKey(x) => x,
                SettingError::BadValue { key, value } => format!("{key}={value}"),
            },
        })?;
        out.push(line.to_string());
    }
    Ok(out)
}

/// The blocklist in `text`, or None when it lists nothing.
pub fn blocklist(text: &str) -> Result<Option<Blocklist>, Problem> {
    let list = Blocklist::parse(LIST_NAME, text).map_err(|b| Problem {
        key: "serve-error-bad-blocklist",
        text: format!("{}: {}", b.line, b.text),
    })?;
    Ok((!list.is_empty()).then_some(list))
}

/// The detectors the command line and the settings ask for together (None: `--detect off`).
/// Settings that no longer read (written by another version) are left out, not fatal.
pub fn combined(cli: &Cli, thresholds_text: &str, blocklist_text: &str) -> Option<DetectSettings> {
    if cli.off {
        return None;
    }
    let mut cfg = DetectConfig::default();
    for line in thresholds(thresholds_text).unwrap_or_default() {
        let _ = cfg.apply(&line);
    }
    for line in &cli.thresholds {
        let _ = cfg.apply(line);
    }
    let mut lists = cli.lists.clone();
    if let Ok(Some(l)) = blocklist(blocklist_text) {
        lists.push(l);
    }
    Some(DetectSettings { cfg, lists })
}

/// A change of detectors waiting for the feed to take it.
#[derive(Default)]
pub struct Pending(Mutex<Option<Option<DetectSettings>>>);

impl Pending {
    /// Asks the feed to run with `d` from its next snapshot.
    pub fn set(&self, d: Option<DetectSettings>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(d);
    }

    /// The change waiting, if any (taken).
    pub fn take(&self) -> Option<Option<DetectSettings>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_wins_and_lists_add_up() {
        let cli = Cli {
            off: false,
            thresholds: vec!["scan-ports=40".into()],
            lists: vec![Blocklist::parse("cli", "203.0.113.7\n").unwrap()],
        };
        let d = combined(
            &cli,
            "scan-ports=10\n# a comment\nbrute-sessions=7",
            "evil.example\n",
        )
        .expect("detectors");
        assert_eq!(d.cfg.get("scan-ports").as_deref(), Some("40"));
        assert_eq!(d.cfg.get("brute-sessions").as_deref(), Some("7"));
        assert_eq!(d.lists.len(), 2);
        assert!(combined(
            &Cli {
                off: true,
                ..Cli::default()
            },
            "",
            ""
        )
        .is_none());
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(thresholds("scan-ports=1\nnope=3").unwrap_err().text, "nope");
        assert_eq!(
            thresholds("scan-ports").unwrap_err().key,
            "serve-error-bad-threshold"
        );
        assert!(blocklist("999.1.2.3/40\n").is_err());
        assert_eq!(blocklist("# nothing\n").unwrap().map(|l| l.len()), None);
    }
}
