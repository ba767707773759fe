//! The label as a terminal report, and the buyer's checklist.

use crate::assess::{FrameworkResult, Reading, Verdict};
use crate::catalogue::Form;
use crate::checks::CHECKS;
use crate::evidence::Outcome;
use crate::Label;
use iotgate_explain::{Arg, Localizer};
use std::fmt::Write;

/// The mark of a requirement's reading.
pub fn mark(r: Reading) -> &'static str {
    match r {
        Reading::Pass => "✓",
        Reading::Fail | Reading::WeaknessSeen => "✗",
        Reading::NotAssessed => "?",
        Reading::LabOnly => "◇",
        Reading::WeaknessNotSeen => "○",
        Reading::NotApplicable => "–",
    }
}

/// A requirement's reading in words (pass, weakness seen, laboratory only…).
pub fn reading_text(l: &Localizer, r: Reading) -> String {
    l.t(match r {
        Reading::Pass => "label-reading-pass",
        Reading::Fail => "label-reading-fail",
        Reading::NotAssessed => "label-reading-not-assessed",
        Reading::LabOnly => "label-reading-lab-only",
        Reading::WeaknessSeen => "label-reading-weakness-seen",
        Reading::WeaknessNotSeen => "label-reading-weakness-not-seen",
        Reading::NotApplicable => "label-reading-not-applicable",
    })
}

/// The mark of a scheme's verdict.
pub fn verdict_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Supported => "✓",
        Verdict::Contradicted => "✗",
        Verdict::NotSettled => "?",
    }
}

/// The mark of a scheme's verdict as its form reads: a weakness list with none seen gets a
/// circle, not a tick (nothing was certified, a weakness was only not seen).
pub fn scheme_mark(f: &FrameworkResult) -> &'static str {
    match (f.form, f.verdict) {
        (Form::Weaknesses, Verdict::Supported) => "○",
        (_, v) => verdict_mark(v),
    }
}

/// The words for a verdict of a scheme that meets or fails requirements.
pub fn verdict_text(l: &Localizer, v: Verdict) -> String {
    l.t(match v {
        Verdict::Supported => "label-verdict-supported",
        Verdict::Contradicted => "label-verdict-contradicted",
        Verdict::NotSettled => "label-verdict-not-settled",
    })
}

/// One or two words for a scheme's verdict (the label's badges), as its form reads: the level
/// reached, the weaknesses seen, or supported / contradicted.
pub fn verdict_short(l: &Localizer, f: &FrameworkResult) -> String {
    match (f.form, &f.tier) {
        (Form::Tiered, Some(t)) => match (t.reached, f.verdict) {
            (Some(n), _) => l.ta("svg-tier-reached", &[("level", Arg::N(n as f64))]),
            (None, Verdict::Contradicted) => l.ta(
                "svg-tier-contradicted",
                &[("level", Arg::N(t.next.unwrap_or(1) as f64))],
            ),
            _ => l.t("svg-verdict-not-settled"),
        },
        (Form::Weaknesses, _) => match f.verdict {
            Verdict::Contradicted => l.ta("svg-weak-seen", &[("count", Arg::N(f.failed as f64))]),
            Verdict::Supported => l.t("svg-weak-none"),
            Verdict::NotSettled => {
                l.ta("svg-weak-open", &[("open", Arg::N(f.not_assessed as f64))])
            }
        },
        _ => l.t(match f.verdict {
            Verdict::Supported => "svg-verdict-supported",
            Verdict::Contradicted => "svg-verdict-contradicted",
            Verdict::NotSettled => "svg-verdict-not-settled",
        }),
    }
}

/// For a tiered scheme with a level above the one reached: what that level waits for (the
/// first `max` blocking requirements, failures first), or that it needs a laboratory.
pub fn tier_next(l: &Localizer, f: &FrameworkResult, max: usize) -> Option<String> {
    let t = f.tier.as_ref()?;
    let n = t.next?;
    if t.blocking.is_empty() && t.next_lab {
        return Some(l.ta("label-tier-next-lab", &[("level", Arg::N(n as f64))]));
    }
    let mut reqs: Vec<String> = t
        .blocking
        .iter()
        .take(max)
        .map(|b| {
            let m = if b.outcome == Outcome::Fail {
                "✗"
            } else {
                "?"
            };
            if b.framework == f.id {
                format!("{m} {}", b.title)
            } else {
                format!("{m} {}", b.id)
            }
        })
        .collect();
    if t.blocking.len() > max {
        reqs.push(format!("+{}", t.blocking.len() - max));
    }
    Some(l.ta(
        "label-tier-next",
        &[
            ("level", Arg::N(n as f64)),
            ("reqs", Arg::S(&reqs.join(", "))),
        ],
    ))
}

/// The plain name of check `id`.
pub fn check_name(l: &Localizer, id: &str) -> String {
    l.t(&format!("label-check-{id}"))
}

/// The terminal report; `all` lists every requirement, else the failed and passed ones (with a
/// count of those not assessed).
pub fn text(l: &Localizer, lab: &Label, all: bool) -> String {
    crate::safe_text(text_unchecked(l, lab, all))
}

fn text_unchecked(l: &Localizer, lab: &Label, all: bool) -> String {
    let mut s = String::new();
    let d = &lab.device;
    let who = match (&d.declared, &d.vendor) {
        (Some(m), _) => format!("{} ({m}, {})", d.mac, d.kind),
        (None, Some(v)) => format!("{} ({v}, {})", d.mac, d.kind),
        (None, None) => format!("{} ({})", d.mac, d.kind),
    };
    let sources: Vec<String> = lab
        .sources
        .iter()
        .map(|x| l.t(&format!("label-source-{x}")))
        .collect();
    let _ = writeln!(
        s,
        "{}",
        l.ta(
            "label-title",
            &[
                ("device", Arg::S(&who)),
                ("date", Arg::S(&lab.date)),
                ("sources", Arg::S(&sources.join(", "))),
            ]
        )
    );
    let _ = writeln!(s, "\n{}", l.t("label-schemes"));
    for f in &lab.frameworks {
        let first_fail = f
            .requirements
            .iter()
            .find(|r| r.outcome == Outcome::Fail && r.status.mandatory());
        let _ = write!(
            s,
            "  {} {}",
            scheme_mark(f),
            l.ta(
                "label-scheme",
                &[
                    ("name", Arg::S(&f.name)),
                    ("version", Arg::S(&f.version)),
                    ("verdict", Arg::S(&f.summary)),
                ]
            )
        );
        if let Some(next) = tier_next(l, f, 4) {
            let _ = write!(s, " — {next}");
        } else if f.form == Form::Weaknesses && first_fail.is_none() {
            // The summary already counts what was seen and what was not assessed.
        } else if let Some(r) = first_fail {
            let what = format!("{} {}", r.id, r.title);
            let line = match r.evidence.first() {
                Some(e) => l.ta(
                    "with-detail",
                    &[("what", Arg::S(&what)), ("detail", Arg::S(e))],
                ),
                None => what,
            };
            let _ = write!(s, " — {line}");
        } else {
            let _ = write!(
                s,
                " — {}",
                l.ta(
                    "label-counts",
                    &[
                        ("passed", Arg::N(f.passed as f64)),
                        ("failed", Arg::N(f.failed as f64)),
                        ("open", Arg::N(f.not_assessed as f64)),
                    ]
                )
            );
        }
        s.push('\n');
    }
    let failed: Vec<_> = lab
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(s, "\n{}", l.t("label-failed-heading"));
        for c in failed {
            let _ = writeln!(s, "  ✗ {}", check_name(l, c.id));
            for e in c.evidence.iter().take(3) {
                let _ = writeln!(s, "      {e}");
            }
            let _ = writeln!(
                s,
                "    {} {}",
                l.t("label-means"),
                l.t(&format!("label-check-{}-means", c.id))
            );
            let _ = writeln!(
                s,
                "    {} {}",
                l.t("label-todo"),
                l.t(&format!("label-check-{}-do", c.id))
            );
        }
    }
    let heading = if all {
        "label-details-heading"
    } else {
        "label-assessed-heading"
    };
    let _ = writeln!(s, "\n{}", l.t(heading));
    for f in &lab.frameworks {
        let _ = writeln!(s, "\n  {} {} — {}", f.name, f.version, f.title);
        let open = f
            .requirements
            .iter()
            .filter(|r| r.outcome == Outcome::NotAssessed)
            .count();
        for r in &f.requirements {
            if !all && r.outcome == Outcome::NotAssessed {
                continue;
            }
            let status = match r.status {
                crate::catalogue::Status::M => "M",
                crate::catalogue::Status::Mc => "Mc",
                crate::catalogue::Status::R => "R",
                crate::catalogue::Status::Rc => "Rc",
            };
            let cond = r
                .condition
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            // Weaknesses and laboratory requirements say what their mark means.
            let reading = match r.reading {
                Reading::Pass | Reading::Fail | Reading::NotAssessed => String::new(),
                x => format!(" — {}", reading_text(l, x)),
            };
            let _ = writeln!(
                s,
                "    {} {:<8} [{status}] {}{cond}{reading}",
                mark(r.reading),
                r.id,
                r.title
            );
            match r.outcome {
                Outcome::NotAssessed => {
                    if let Some(why) = &r.reason {
                        let _ = writeln!(s, "               {why}");
                    }
                }
                _ => {
                    for e in r.evidence.iter().take(2) {
                        let _ = writeln!(s, "               {e}");
                    }
                }
            }
        }
        if !all && open > 0 {
            let _ = writeln!(
                s,
                "    ? {}",
                l.ta("label-open-count", &[("count", Arg::N(open as f64))])
            );
        }
    }
    s
}

/// The questions to ask before buying a device, numbered.
pub fn checklist(l: &Localizer) -> String {
    let mut s = l.t("label-checklist-title");
    s.push('\n');
    let mut n = 0;
    for c in CHECKS {
        let id = format!("label-check-{}-ask", c.id);
        if l.has(&id) {
            n += 1;
            let _ = writeln!(s, "{n:>2}. {}", l.t(&id));
        }
    }
    s.push('\n');
    s.push_str(&l.t("label-checklist-footer"));
    s.push('\n');
    s
}
