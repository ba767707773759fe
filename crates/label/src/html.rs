//! The secondary layer: one self-contained HTML page with every requirement of every framework,
//! the evidence, what each failure means for the owner and what they can do.

use crate::assess::Reading;
use crate::assess::Verdict;
use crate::evidence::Outcome;
use crate::report::{check_name, mark, reading_text, tier_next};
use crate::Label;
use iotgate_explain::html::esc;
use iotgate_explain::{Arg, Localizer};
use std::fmt::Write;

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330;line-height:1.45}
header{background:#1d3557;color:#fff;padding:22px 28px}
header h1{margin:0 0 4px;font-size:25px}header p{margin:0;opacity:.85}
main{max-width:1050px;margin:0 auto;padding:20px 14px}
section{background:#fff;border-radius:10px;padding:14px 18px;margin-bottom:18px;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow-wrap:anywhere}
h2{font-size:19px;margin:0 0 10px}
.label svg{max-width:100%;height:auto}
.schemes{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px}
.scheme{border-radius:8px;padding:10px 12px;color:#fff}
.pass{background:#1b7f3b}.fail{background:#c0392b}.unknown{background:#7f8c8d}
.scheme b{display:block}
.advice{border-left:4px solid #c0392b;background:#fdf2f0;padding:10px 12px;margin:10px 0;border-radius:4px}
.advice p{margin:5px 0}
table{border-collapse:collapse;width:100%;font-size:14px}
td,th{text-align:left;padding:5px 6px;border-bottom:1px solid #eceef2;vertical-align:top}
th{color:#5b6475;font-weight:600}
.o{font-weight:700;white-space:nowrap}.o.pass{color:#1b7f3b;background:none}.o.fail{color:#c0392b;background:none}.o.unknown{color:#5b6475;background:none}
.muted{color:#5b6475;font-size:13px}
details summary{cursor:pointer;font-weight:600}
"#;

/// The CSS class of a requirement's reading (a weakness seen is a failure; one not seen and
/// a laboratory's requirement are neither good nor bad news).
fn reading_class(r: Reading) -> &'static str {
    match r {
        Reading::Pass => "pass",
        Reading::Fail | Reading::WeaknessSeen => "fail",
        Reading::NotAssessed
        | Reading::LabOnly
        | Reading::WeaknessNotSeen
        | Reading::NotApplicable => "unknown",
    }
}

/// The detail page; `label_svg`, when given, is shown at the top (inline, so the page stays
/// one file).
pub fn render(l: &Localizer, lab: &Label, label_svg: Option<&str>) -> String {
    let mut o = String::with_capacity(128 * 1024);
    let d = &lab.device;
    let who = d
        .declared
        .clone()
        .or_else(|| d.vendor.clone())
        .unwrap_or_else(|| d.kind.clone());
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{CSS}</style></head><body>",
        lab.lang,
        esc(&format!("{} — {who} {}", l.t("svg-title"), d.mac))
    );
    let sources: Vec<String> = lab
        .sources
        .iter()
        .map(|x| l.t(&format!("label-source-{x}")))
        .collect();
    let _ = write!(
        o,
        "<header><h1>{}</h1><p>{}</p></header><main>",
        esc(&format!("{} — {who}", l.t("svg-title"))),
        esc(&l.ta(
            "html-label-sub",
            &[
                ("mac", Arg::S(&d.mac)),
                ("kind", Arg::S(&d.kind)),
                ("date", Arg::S(&lab.date)),
                ("sources", Arg::S(&sources.join(", "))),
            ]
        ))
    );
    if let Some(svg) = label_svg {
        let _ = write!(o, "<section class=\"label\">{svg}</section>");
    }
    // Schemes.
    let _ = write!(
        o,
        "<section><h2>{}</h2><p class=\"muted\">{}</p><div class=\"schemes\">",
        esc(&l.t("html-label-schemes")),
        esc(&l.t("html-label-not-official"))
    );
    for f in &lab.frameworks {
        let c = match f.verdict {
            Verdict::Supported => "pass",
            Verdict::Contradicted => "fail",
            Verdict::NotSettled => "unknown",
        };
        // A tiered scheme says what its next level waits for; others count requirements.
        let counts = if f.form == crate::catalogue::Form::Weaknesses {
            "label-weak-counts"
        } else {
            "label-counts"
        };
        let sub = tier_next(l, f, 6).unwrap_or_else(|| {
            l.ta(
                counts,
                &[
                    ("passed", Arg::N(f.passed as f64)),
                    ("failed", Arg::N(f.failed as f64)),
                    ("open", Arg::N(f.not_assessed as f64)),
                ],
            )
        });
        let _ = write!(
            o,
            "<div class=\"scheme {c}\" id=\"card-{}\"><b>{}</b>{}<br><small>{}</small></div>",
            esc(&f.id),
            esc(&format!("{} {}", f.name, f.version)),
            esc(&f.summary),
            esc(&sub)
        );
    }
    o.push_str("</div></section>");
    // What to do.
    let failed: Vec<_> = lab
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .collect();
    let _ = write!(o, "<section><h2>{}</h2>", esc(&l.t("label-failed-heading")));
    if failed.is_empty() {
        let _ = write!(o, "<p>{}</p>", esc(&l.t("html-label-nothing-failed")));
    }
    for c in failed {
        let _ = write!(
            o,
            "<div class=\"advice\"><b>{}</b>",
            esc(&check_name(l, c.id))
        );
        for e in c.evidence.iter().take(5) {
            let _ = write!(o, "<p class=\"muted\">{}</p>", esc(e));
        }
        let _ = write!(
            o,
            "<p><b>{}</b> {}</p><p><b>{}</b> {}</p></div>",
            esc(&l.t("label-means")),
            esc(&l.t(&format!("label-check-{}-means", c.id))),
            esc(&l.t("label-todo")),
            esc(&l.t(&format!("label-check-{}-do", c.id)))
        );
    }
    // Questions for what could not be assessed.
    let open: Vec<_> = lab
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::NotAssessed)
        .filter(|c| l.has(&format!("label-check-{}-ask", c.id)))
        .collect();
    if !open.is_empty() {
        let _ = write!(o, "<h2>{}</h2><ul>", esc(&l.t("html-label-ask")));
        for c in open {
            let _ = write!(
                o,
                "<li>{}</li>",
                esc(&l.t(&format!("label-check-{}-ask", c.id)))
            );
        }
        o.push_str("</ul>");
    }
    o.push_str("</section>");
    // Every requirement.
    for f in &lab.frameworks {
        let _ = write!(
            o,
            "<section><details{}><summary>{} — {}</summary><p class=\"muted\">{}</p><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            if f.verdict == Verdict::Contradicted { " open" } else { "" },
            esc(&format!("{} {}", f.name, f.version)),
            esc(&f.summary),
            esc(&f.title),
            esc(&l.t("html-label-col-id")),
            esc(&l.t("html-label-col-requirement")),
            esc(&l.t("html-label-col-result")),
            esc(&l.t("html-label-col-evidence")),
        );
        for r in &f.requirements {
            let word = format!("{} {}", mark(r.reading), reading_text(l, r.reading));
            let detail = match r.outcome {
                Outcome::NotAssessed => r.reason.clone().unwrap_or_default(),
                _ => r.evidence.join(" · "),
            };
            let status = match r.status {
                crate::catalogue::Status::M => "M",
                crate::catalogue::Status::Mc => "Mc",
                crate::catalogue::Status::R => "R",
                crate::catalogue::Status::Rc => "Rc",
            };
            let more = match (&r.explanation, &r.advice) {
                (Some(e), Some(a)) => format!(
                    "<details><summary>{}</summary><p>{}</p><p><b>{}</b> {}</p></details>",
                    esc(&l.t("html-label-why")),
                    esc(e),
                    esc(&l.t("label-todo")),
                    esc(a)
                ),
                _ => String::new(),
            };
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{} <span class=\"muted\">[{status}{}]</span></td><td class=\"o {}\">{}</td><td>{}{more}</td></tr>",
                esc(&r.id),
                esc(&r.title),
                esc(&r.condition.as_deref().map(|c| format!(": {c}")).unwrap_or_default()),
                reading_class(r.reading),
                esc(&word),
                esc(&detail)
            );
        }
        o.push_str("</table></details></section>");
    }
    let _ = writeln!(
        o,
        "<p class=\"muted\">{}</p></main></body></html>",
        esc(&l.t("html-label-footer"))
    );
    o
}
