//! The primary label: one SVG a buyer can read on a box — security updates, default password,
//! encryption, data, attacks, the status per scheme — with a QR code to the detail page.

use crate::assess::Verdict;
use crate::evidence::Outcome;
use crate::Label;
use iotgate_explain::html::esc;
use iotgate_explain::{Arg, Localizer};
use std::fmt::Write;

/// Label width and height, px.
pub const WIDTH: u32 = 640;
/// Label height, px.
pub const HEIGHT: u32 = 500;

const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";
const GOOD: &str = "#1b7f3b";
const BAD: &str = "#c0392b";
const UNKNOWN: &str = "#7f8c8d";

/// A line of the label: what it is about, what the evidence says, and how that is.
pub struct Row {
    /// Heading ("Security updates").
    pub heading: String,
    /// The answer ("until 2030-12-31").
    pub value: String,
    /// Good, bad or unknown.
    pub state: Outcome,
}

/// An upper bound of the width of `s` at `size` px in DejaVu Sans (the widest common font of
/// the families named), so that text is cut before it can overflow; `bold` widens it.
pub fn text_width(s: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = s
        .chars()
        .map(|c| match c {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | ' ' => 0.36,
            'f' | 't' | 'r' | '(' | ')' | '-' | '/' => 0.48,
            'm' | 'w' | 'M' | 'W' | '@' | '%' => 1.0,
            c if c.is_ascii_uppercase() => 0.78,
            c if c.is_ascii_digit() => 0.66,
            c if c.is_ascii() => 0.64,
            // Accented letters, symbols and anything else: as wide as the widest.
            _ => 0.9,
        })
        .sum();
    em * size * if bold { 1.12 } else { 1.0 }
}

/// `s`, cut with an ellipsis so that it fits in `max` px.
pub fn fit(s: &str, max: f64, size: f64, bold: bool) -> String {
    if text_width(s, size, bold) <= max {
        return s.to_string();
    }
    // Widths add up character by character, so the cut is found in one pass.
    let room = max - text_width("…", size, bold);
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        let mut b = [0u8; 4];
        used += text_width(c.encode_utf8(&mut b), size, bold);
        if used > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// `s` broken at spaces into at most `lines` lines of at most `max` px (the last one cut).
pub fn wrap(s: &str, max: f64, size: f64, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let next = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if text_width(&next, size, false) <= max || cur.is_empty() {
            cur = next;
        } else {
            out.push(std::mem::replace(&mut cur, word.to_string()));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    if out.len() > lines {
        let rest = out[lines - 1..].join(" ");
        out.truncate(lines - 1);
        out.push(fit(&rest, max, size, false));
    }
    out
}

fn check<'a>(lab: &'a Label, id: &str) -> Option<&'a crate::CheckResult> {
    lab.checks.iter().find(|c| c.id == id)
}

fn outcome(lab: &Label, id: &str) -> Outcome {
    check(lab, id).map_or(Outcome::NotAssessed, |c| c.outcome)
}

/// The rows of the primary layer, from the checks.
pub fn rows(l: &Localizer, lab: &Label) -> Vec<Row> {
    let decl = lab.declaration.as_ref();
    let row = |h: &str, v: String, state| Row {
        heading: l.t(h),
        value: v,
        state,
    };
    let mut out = Vec::new();
    // Security updates.
    let until = decl
        .and_then(|d| d.support_until.clone())
        .unwrap_or_default();
    out.push(match outcome(lab, "declared-support-period") {
        Outcome::Pass => row(
            "svg-updates",
            l.ta("svg-updates-until", &[("date", Arg::S(&until))]),
            Outcome::Pass,
        ),
        Outcome::Fail if crate::declaration::Date::parse(&until).is_some() => row(
            "svg-updates",
            l.ta("svg-updates-ended", &[("date", Arg::S(&until))]),
            Outcome::Fail,
        ),
        Outcome::Fail => row("svg-updates", l.t("svg-updates-none"), Outcome::Fail),
        Outcome::NotAssessed => row(
            "svg-updates",
            l.t("svg-updates-unknown"),
            Outcome::NotAssessed,
        ),
    });
    // Default password.
    let accepted = check(lab, "default-credentials").filter(|c| c.outcome == Outcome::Fail);
    let policy = decl.and_then(|d| d.default_password);
    out.push(if accepted.is_some() {
        row("svg-password", l.t("svg-password-accepted"), Outcome::Fail)
    } else {
        match outcome(lab, "declared-password") {
            Outcome::Fail => row("svg-password", l.t("svg-password-shared"), Outcome::Fail),
            Outcome::Pass => {
                let id = match policy {
                    Some(crate::declaration::PasswordPolicy::UserSet) => "svg-password-user-set",
                    Some(crate::declaration::PasswordPolicy::NoPasswords) => "svg-password-none",
                    _ => "svg-password-unique",
                };
                row("svg-password", l.t(id), Outcome::Pass)
            }
            Outcome::NotAssessed => row(
                "svg-password",
                l.t("svg-password-unknown"),
                Outcome::NotAssessed,
            ),
        }
    });
    // Encryption.
    let (login, data, tls) = (
        outcome(lab, "cleartext-login"),
        outcome(lab, "cleartext-data"),
        outcome(lab, "tls-version"),
    );
    out.push(if login == Outcome::Fail {
        row(
            "svg-encryption",
            l.t("svg-enc-passwords-clear"),
            Outcome::Fail,
        )
    } else if data == Outcome::Fail {
        row("svg-encryption", l.t("svg-enc-data-clear"), Outcome::Fail)
    } else if tls == Outcome::Fail {
        row("svg-encryption", l.t("svg-enc-legacy"), Outcome::Fail)
    } else if [login, data, tls].iter().all(|o| *o == Outcome::Pass) {
        row("svg-encryption", l.t("svg-enc-good"), Outcome::Pass)
    } else {
        row(
            "svg-encryption",
            l.t("svg-enc-unknown"),
            Outcome::NotAssessed,
        )
    });
    // Data practices.
    out.push(if outcome(lab, "dns-bypass") == Outcome::Fail {
        row("svg-data", l.t("svg-data-bypass"), Outcome::Fail)
    } else {
        match outcome(lab, "declared-data") {
            Outcome::Pass => row("svg-data", l.t("svg-data-published"), Outcome::Pass),
            Outcome::Fail => row("svg-data", l.t("svg-data-none"), Outcome::Fail),
            Outcome::NotAssessed => row("svg-data", l.t("svg-data-unknown"), Outcome::NotAssessed),
        }
    });
    // Attacks from the device.
    out.push(if outcome(lab, "compromise") == Outcome::Fail {
        row("svg-attacks", l.t("svg-attacks-seen"), Outcome::Fail)
    } else {
        // Attacks not seen in one capture prove nothing about the device: no check passes it.
        row(
            "svg-attacks",
            l.t("svg-attacks-not-seen"),
            Outcome::NotAssessed,
        )
    });
    out
}

fn mark(state: Outcome) -> (&'static str, &'static str) {
    match state {
        Outcome::Pass => ("✓", GOOD),
        Outcome::Fail => ("✗", BAD),
        Outcome::NotAssessed => ("?", UNKNOWN),
    }
}

/// A QR code of `data` as SVG rectangles in a `size`-px square at (`x`, `y`), with its quiet
/// zone; None when the data is too long for a QR code.
fn qr(data: &str, x: f64, y: f64, size: f64) -> Option<String> {
    let code = qrcode::QrCode::new(data.as_bytes()).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    let quiet = 2.0;
    let cell = size / (n as f64 + 2.0 * quiet);
    let mut d = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (cx, cy) = ((i % n) as f64, (i / n) as f64);
            let _ = write!(
                d,
                "M{:.2} {:.2}h{:.2}v{:.2}h-{:.2}z",
                x + (cx + quiet) * cell,
                y + (cy + quiet) * cell,
                cell,
                cell,
                cell
            );
        }
    }
    Some(format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{d}\" fill=\"#000\"/>"
    ))
}

/// A text element, escaped and cut to `max` px.
#[allow(clippy::too_many_arguments)]
fn text(o: &mut String, x: f64, y: f64, size: f64, bold: bool, fill: &str, max: f64, s: &str) {
    let t = fit(s, max, size, bold);
    let _ = write!(
        o,
        "<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\"{} fill=\"{fill}\">{}</text>",
        if bold { " font-weight=\"bold\"" } else { "" },
        esc(&t)
    );
}

/// The label as SVG; the QR code points at `detail_url`.
pub fn render(l: &Localizer, lab: &Label, detail_url: &str) -> String {
    let mut o = String::with_capacity(32 * 1024);
    let (w, h) = (WIDTH as f64, HEIGHT as f64);
    let _ = write!(
        o,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"{FONT}\" lang=\"{}\">",
        lab.lang
    );
    let _ = write!(o, "<title>{}</title>", esc(&l.t("svg-title")));
    let _ = write!(
        o,
        "<rect x=\"1.5\" y=\"1.5\" width=\"{}\" height=\"{}\" rx=\"14\" fill=\"#fff\" stroke=\"#1d2330\" stroke-width=\"3\"/>",
        w - 3.0,
        h - 3.0
    );
    // Heading.
    let _ = write!(
        o,
        "<g id=\"head\"><path d=\"M1.5 15.5a14 14 0 0 1 14-14h{}a14 14 0 0 1 14 14v58h-{}z\" fill=\"#1d3557\"/>",
        w - 31.0,
        w - 3.0
    );
    text(
        &mut o,
        22.0,
        34.0,
        24.0,
        true,
        "#fff",
        w - 44.0,
        &l.t("svg-title"),
    );
    let d = &lab.device;
    let name = match (&d.declared, &d.vendor) {
        (Some(m), _) => m.clone(),
        (None, Some(v)) => format!("{v} · {}", d.kind),
        (None, None) => d.kind.clone(),
    };
    text(
        &mut o,
        22.0,
        60.0,
        14.0,
        false,
        "#dfe7f3",
        w - 44.0,
        &format!("{name} · {}", d.mac),
    );
    o.push_str("</g>");
    // Rows.
    let (rx, rw, rh) = (18.0, 420.0, 48.0);
    for (i, r) in rows(l, lab).iter().enumerate() {
        let y = 82.0 + i as f64 * (rh + 6.0);
        let (sym, col) = mark(r.state);
        let _ = write!(
            o,
            "<g id=\"row-{i}\"><rect x=\"{rx}\" y=\"{y}\" width=\"{rw}\" height=\"{rh}\" rx=\"8\" fill=\"#f4f6f9\"/>\
             <circle cx=\"{}\" cy=\"{}\" r=\"14\" fill=\"{col}\"/>",
            rx + 26.0,
            y + rh / 2.0
        );
        let _ = write!(
            o,
            "<text x=\"{}\" y=\"{}\" font-size=\"18\" font-weight=\"bold\" fill=\"#fff\" text-anchor=\"middle\">{sym}</text>",
            rx + 26.0,
            y + rh / 2.0 + 6.0
        );
        let tx = rx + 52.0;
        let max = rw - 52.0 - 10.0;
        text(
            &mut o,
            tx,
            y + 18.0,
            12.0,
            false,
            "#5b6475",
            max,
            &r.heading,
        );
        text(&mut o, tx, y + 38.0, 16.0, true, "#1d2330", max, &r.value);
        o.push_str("</g>");
    }
    // QR code to the detail page.
    let (qx, qy, qs) = (462.0, 90.0, 158.0);
    if let Some(q) = qr(detail_url, qx, qy, qs) {
        let _ = write!(o, "<g id=\"qr\">{q}</g>");
    }
    let _ = write!(o, "<g id=\"qr-caption\">");
    text(
        &mut o,
        qx + 4.0,
        qy + qs + 20.0,
        13.0,
        true,
        "#1d2330",
        qs - 8.0,
        &l.t("svg-scan"),
    );
    for (i, line) in wrap(&l.t("svg-scan-sub"), qs - 8.0, 11.0, 3)
        .iter()
        .enumerate()
    {
        let y = qy + qs + 38.0 + 15.0 * i as f64;
        text(&mut o, qx + 4.0, y, 11.0, false, "#5b6475", qs - 8.0, line);
    }
    o.push_str("</g>");
    // Schemes, four to a row.
    let per_row = 4usize;
    let gap = 6.0;
    let bw = (w - 36.0 - gap * (per_row as f64 - 1.0)) / per_row as f64;
    for (i, f) in lab.frameworks.iter().enumerate() {
        let x = 18.0 + (i % per_row) as f64 * (bw + gap);
        let sy = 382.0 + (i / per_row) as f64 * 54.0;
        let state = match f.verdict {
            Verdict::Supported => Outcome::Pass,
            Verdict::Contradicted => Outcome::Fail,
            Verdict::NotSettled => Outcome::NotAssessed,
        };
        let (_, col) = mark(state);
        let sym = crate::report::scheme_mark(f);
        let _ = write!(
            o,
            "<g id=\"scheme-{}\"><rect x=\"{x:.1}\" y=\"{sy}\" width=\"{bw:.1}\" height=\"46\" rx=\"6\" fill=\"{col}\"/>",
            esc(&f.id)
        );
        text(
            &mut o,
            x + 8.0,
            sy + 19.0,
            12.0,
            true,
            "#fff",
            bw - 16.0,
            &f.short,
        );
        let v = format!("{sym} {}", crate::report::verdict_short(l, f));
        text(
            &mut o,
            x + 8.0,
            sy + 38.0,
            12.0,
            false,
            "#fff",
            bw - 16.0,
            &v,
        );
        o.push_str("</g>");
    }
    let _ = write!(o, "<g id=\"footer\">");
    text(
        &mut o,
        18.0,
        370.0,
        11.0,
        false,
        "#5b6475",
        w - 36.0,
        &l.ta("svg-footer", &[("date", Arg::S(&lab.date))]),
    );
    o.push_str("</g></svg>\n");
    o
}
