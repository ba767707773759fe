//! The label as a terminal report, and the buyer's checklist.

use crate::assess::Verdict;
use crate::checks::CHECKS;
use crate::evidence::Outcome;
use crate::Label;
use iotgate_explain::{Arg, Localizer};
use std::fmt::Write;

/// The mark of an outcome.
fn mark(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "✓",
        Outcome::Fail => "✗",
        Outcome::NotAssessed => "?",
    }
}

/// The words for a verdict.
pub fn verdict_text(l: &Localizer, v: Verdict) -> String {
    l.t(match v {
        Verdict::Supported => "label-verdict-supported",
        Verdict::Contradicted => "label-verdict-contradicted",
        Verdict::NotSettled => "label-verdict-not-settled",
    })
}

/// One or two words for a verdict (the label's badges).
pub fn verdict_short(l: &Localizer, v: Verdict) -> String {
    l.t(match v {
        Verdict::Supported => "svg-verdict-supported",
        Verdict::Contradicted => "svg-verdict-contradicted",
        Verdict::NotSettled => "svg-verdict-not-settled",
    })
}

/// The plain name of check `id`.
pub fn check_name(l: &Localizer, id: &str) -> String {
    l.t(&format!("label-check-{id}"))
}

/// The terminal report; `all` lists every requirement, else the failed and passed ones (with a
/// count of those not assessed).
pub fn text(l: &Localizer, lab: &Label, all: bool) -> String {
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
        let m = match f.verdict {
            Verdict::Supported => "✓",
            Verdict::Contradicted => "✗",
            Verdict::NotSettled => "?",
        };
        let _ = write!(
            s,
            "  {m} {}",
            l.ta(
                "label-scheme",
                &[
                    ("name", Arg::S(&f.name)),
                    ("version", Arg::S(&f.version)),
                    ("verdict", Arg::S(&verdict_text(l, f.verdict))),
                ]
            )
        );
        if let Some(r) = first_fail {
            let _ = write!(s, " — {} {}", r.id, r.title);
            if let Some(e) = r.evidence.first() {
                let _ = write!(s, ": {e}");
            }
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
            let _ = writeln!(
                s,
                "    {} {:<8} [{status}] {}{cond}",
                mark(r.outcome),
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
