//! Detection scored on a labelled corpus of real captures (`iotgate evaluate --corpus DIR`):
//! `DIR/expected.tsv` says, per capture, which alert must name which attacker (and victim), or
//! that the capture is benign; each capture is analysed with every detector on, and the alerts
//! are judged — found, missed, and false alarms of medium severity or worse.

use iotgate_explain::alerts::AlertOut;
use iotgate_explain::{Arg, Localizer};
use iotgate_judge::Severity;
use iotgate_pipeline::{analyze_files, default_threads, open_all, SessionConfig};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a capture of the corpus should raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// An alert of this kind (`scan`, `brute-force`, `c2`, ...) naming the attacker.
    Alert(String),
    /// Benign: no alert of medium severity or worse.
    None,
    /// Reported, not judged.
    Info,
}

/// One line of `expected.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The capture, relative to the corpus folder.
    pub file: String,
    /// What it should raise.
    pub expect: Expect,
    /// Address, MAC or domain of the attacking side (`-`: none).
    pub attacker: Option<String>,
    /// Address, MAC or domain of the target (`-`: none or many).
    pub victim: Option<String>,
}

/// Reads `expected.tsv`: a header line (`file`, `expect`, `attacker`, `victim`, then anything),
/// then one case per line; blank lines and `#` comments are skipped. Errors name the line.
pub fn parse_expected(text: &str) -> Result<Vec<Case>, (usize, String)> {
    let mut cases = Vec::new();
    let mut lines = text.lines().enumerate();
    let header = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let Some((hn, header)) = header else {
        return Err((1, "no header line".to_string()));
    };
    let cols: Vec<&str> = header.split('\t').map(str::trim).collect();
    if cols.len() < 4 || cols[..4] != ["file", "expect", "attacker", "victim"] {
        return Err((
            hn + 1,
            "the header must start with file, expect, attacker, victim (tab-separated)".to_string(),
        ));
    }
    for (n, line) in lines {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').map(str::trim).collect();
        if f.len() < 4 {
            return Err((n + 1, format!("{} columns, 4 needed", f.len())));
        }
        if f[0].is_empty() || f[0].contains("..") || f[0].starts_with('/') {
            return Err((n + 1, format!("'{}' is not a file of the corpus", f[0])));
        }
        let expect = match f[1] {
            "none" => Expect::None,
            "info" => Expect::Info,
            k if !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
            {
                Expect::Alert(k.to_string())
            }
            k => return Err((n + 1, format!("'{k}' is not an alert kind"))),
        };
        let opt = |s: &str| (s != "-" && !s.is_empty()).then(|| s.to_ascii_lowercase());
        if matches!(expect, Expect::Alert(_)) && opt(f[2]).is_none() {
            return Err((n + 1, "an expected alert needs an attacker".to_string()));
        }
        cases.push(Case {
            file: f[0].to_string(),
            expect,
            attacker: opt(f[2]),
            victim: opt(f[3]),
        });
    }
    Ok(cases)
}

/// True when `who` (an address, MAC or domain, lower case) is the alert's device.
fn names_device(a: &AlertOut, who: &str) -> bool {
    a.mac == who || a.ips.iter().any(|ip| ip.to_string() == who)
}

/// True when `who` is the other side of the alert (its address, MAC or name) or the list
/// entry that matched.
fn names_peer(a: &AlertOut, who: &str) -> bool {
    let peer = a.peer.as_ref().is_some_and(|p| {
        p.ip.is_some_and(|ip| ip.to_string() == who)
            || p.mac.as_deref() == Some(who)
            || p.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(who) || is_subdomain(n, who))
    });
    peer || a.evidence.entry.as_deref() == Some(who)
}

/// `name` is `domain` or a name under it.
fn is_subdomain(name: &str, domain: &str) -> bool {
    let (n, d) = (name.to_ascii_lowercase(), domain.to_ascii_lowercase());
    n.strip_suffix(&d).is_some_and(|rest| rest.ends_with('.'))
}

/// How one capture went.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The case.
    pub case: Case,
    /// An alert of the expected kind named the attacker (and the victim, when given).
    pub found: bool,
    /// Alerts of medium severity or worse that were not expected, as `kind/detail`.
    pub false_alarms: Vec<(String, String)>,
    /// Every alert, as `severity kind/detail`, for the listing.
    pub alerts: Vec<String>,
}

/// Judges the alerts raised on one capture.
pub fn judge(case: &Case, alerts: &[AlertOut]) -> Verdict {
    let expected = |a: &AlertOut| match &case.expect {
        Expect::Alert(kind) => {
            a.kind.id() == kind && case.attacker.as_deref().is_some_and(|w| names_device(a, w))
        }
        _ => false,
    };
    let found = alerts
        .iter()
        .any(|a| expected(a) && case.victim.as_deref().is_none_or(|v| names_peer(a, v)));
    let false_alarms = match case.expect {
        Expect::Info => Vec::new(),
        _ => alerts
            .iter()
            .filter(|a| a.severity >= Severity::Medium && !expected(a))
            .map(|a| (a.kind.id().to_string(), a.detail.to_string()))
            .collect(),
    };
    Verdict {
        case: case.clone(),
        found,
        false_alarms,
        alerts: alerts
            .iter()
            .map(|a| format!("{} {}/{}", a.severity.id(), a.kind.id(), a.detail))
            .collect(),
    }
}

/// Analyses every capture of the corpus in `dir` and judges it; `tick` is called after each.
pub fn evaluate_corpus(
    l: &Localizer,
    dir: &Path,
    mut tick: impl FnMut(usize, usize),
) -> Result<Vec<Verdict>, String> {
    let list = dir.join("expected.tsv");
    let text = std::fs::read_to_string(&list).map_err(|e| {
        l.ta(
            "err-io",
            &[
                ("path", Arg::S(&list.display().to_string())),
                ("error", Arg::S(&e.to_string())),
            ],
        )
    })?;
    let cases = parse_expected(&text).map_err(|(line, msg)| {
        l.ta(
            "eval-corpus-bad-line",
            &[
                ("path", Arg::S(&list.display().to_string())),
                ("line", Arg::N(line as f64)),
                ("problem", Arg::S(&msg)),
            ],
        )
    })?;
    let mut out = Vec::with_capacity(cases.len());
    for (i, case) in cases.iter().enumerate() {
        let path: PathBuf = dir.join(&case.file);
        let caps = open_all(std::slice::from_ref(&path))
            .map_err(|e| iotgate_explain::source_error_text(l, &e))?;
        let report = analyze_files(&caps, SessionConfig::detecting(), default_threads(), |_| {})
            .map_err(|e| iotgate_explain::source_error_text(l, &e))?
            .report();
        out.push(judge(case, &report.alerts));
        tick(i + 1, cases.len());
    }
    Ok(out)
}

/// Per alert kind expected somewhere (and `none` for the benign captures): captures, found,
/// missed, false alarms of medium or worse raised there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Captures expecting this kind.
    pub captures: usize,
    /// Found.
    pub found: usize,
    /// Missed.
    pub missed: usize,
    /// False alarms of medium or worse on these captures.
    pub false_alarms: usize,
}

/// The verdicts summed per expected kind (`none` for benign captures; `info` is left out).
pub fn tally(verdicts: &[Verdict]) -> BTreeMap<String, Tally> {
    let mut t: BTreeMap<String, Tally> = BTreeMap::new();
    for v in verdicts {
        let key = match &v.case.expect {
            Expect::Alert(k) => k.clone(),
            Expect::None => "none".to_string(),
            Expect::Info => continue,
        };
        let e = t.entry(key).or_default();
        e.captures += 1;
        if matches!(v.case.expect, Expect::Alert(_)) {
            if v.found {
                e.found += 1;
            } else {
                e.missed += 1;
            }
        }
        e.false_alarms += v.false_alarms.len();
    }
    t
}

/// The verdicts as a Markdown table per kind, then one line per capture, in `l`'s language.
pub fn corpus_table(l: &Localizer, dir: &Path, verdicts: &[Verdict]) -> String {
    use std::fmt::Write;
    let mut o = l.ta(
        "eval-corpus-head",
        &[
            ("dir", Arg::S(&dir.display().to_string())),
            ("n", Arg::N(verdicts.len() as f64)),
        ],
    );
    o.push_str("\n\n");
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} | {} |\n|---|---:|---:|---:|---:|",
        l.t("eval-corpus-col-expect"),
        l.t("eval-corpus-col-captures"),
        l.t("eval-col-found"),
        l.t("eval-corpus-col-missed"),
        l.t("eval-corpus-col-false"),
    );
    for (k, t) in tally(verdicts) {
        let _ = writeln!(
            o,
            "| {k} | {} | {} | {} | {} |",
            t.captures, t.found, t.missed, t.false_alarms
        );
    }
    o.push('\n');
    for v in verdicts {
        let mut verdict = match (&v.case.expect, v.found) {
            (Expect::Info, _) => l.t("eval-corpus-info"),
            (Expect::None, _) => l.t("eval-corpus-quiet"),
            (Expect::Alert(_), true) => l.t("eval-corpus-found"),
            (Expect::Alert(_), false) => l.t("eval-corpus-missed"),
        };
        if !v.false_alarms.is_empty() {
            let what: Vec<String> = v
                .false_alarms
                .iter()
                .map(|(k, d)| format!("{k}/{d}"))
                .collect();
            if matches!(v.case.expect, Expect::None) {
                verdict.clear();
            } else {
                verdict.push_str("; ");
            }
            verdict.push_str(&l.ta("eval-corpus-false", &[("alerts", Arg::S(&what.join(", ")))]));
        }
        let expect = match &v.case.expect {
            Expect::Alert(k) => k.as_str(),
            Expect::None => "none",
            Expect::Info => "info",
        };
        let seen = if v.alerts.is_empty() {
            "-".to_string()
        } else {
            v.alerts.join(", ")
        };
        let _ = writeln!(
            o,
            "- {} ({expect}): {verdict} — {}",
            v.case.file,
            l.ta("eval-corpus-seen", &[("alerts", Arg::S(&seen))])
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "file\texpect\tattacker\tvictim\tnote\n\
        a.pcap\tscan\t10.0.0.1\t10.0.0.2\tx\n\
        # comment\n\
        \n\
        b.pcap\tnone\t-\t-\tbenign\n\
        c.pcap\tc2\t10.0.0.3\tEvil.Example\tdomain\n";

    #[test]
    fn reads_the_expected_list() {
        let c = parse_expected(TSV).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].expect, Expect::Alert("scan".into()));
        assert_eq!(c[0].victim.as_deref(), Some("10.0.0.2"));
        assert_eq!(
            (c[1].expect.clone(), c[1].attacker.clone()),
            (Expect::None, None)
        );
        assert_eq!(c[2].victim.as_deref(), Some("evil.example"));
    }

    #[test]
    fn bad_lines_are_located() {
        let e = parse_expected("file\texpect\tattacker\tvictim\nx.pcap\tscan\n").unwrap_err();
        assert_eq!(e.0, 2);
        let e = parse_expected("file\tkind\n").unwrap_err();
        assert_eq!(e.0, 1);
        let e = parse_expected("file\texpect\tattacker\tvictim\n../x\tscan\ta\tb\n").unwrap_err();
        assert!(e.1.contains("not a file"), "{e:?}");
        let e = parse_expected("file\texpect\tattacker\tvictim\nx\tscan\t-\t-\n").unwrap_err();
        assert!(e.1.contains("attacker"), "{e:?}");
        assert!(parse_expected("").is_err());
    }

    #[test]
    fn subdomains_count_as_the_domain() {
        assert!(is_subdomain("cdn.evil.example", "evil.example"));
        assert!(!is_subdomain("notevil.example", "evil.example"));
        assert!(!is_subdomain("evil.example", "evil.example"));
    }
}
