//! The HTML report: one self-contained page (no external resources) a non-expert can read —
//! what needs attention first, in plain words, then a card per device.

use crate::i18n::{Arg, Localizer};
use crate::model::{Analysis, DeviceOut};
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // Control characters are not allowed in HTML text nor (most) in XML at all: shown
            // as visible escapes, so that an SVG label stays well-formed.
            c if crate::safe::is_unsafe(c) => {
                o.push_str(&crate::safe::visible(c.encode_utf8(&mut [0; 4])))
            }
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;color:#1d2330;line-height:1.45}
header{background:#1d3557;color:#fff;padding:24px 32px}
header h1{margin:0 0 4px;font-size:26px}
header p{margin:0;opacity:.85}
main{max-width:1100px;margin:0 auto;padding:24px 16px}
section{margin-bottom:28px}
h2{font-size:20px;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:14px}
.card{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow-wrap:anywhere}
.card h3{margin:0 0 2px;font-size:17px}
.muted{color:#5b6475;font-size:13px}
.kind{display:inline-block;background:#e7eefc;color:#1d3557;border-radius:12px;padding:1px 10px;font-size:13px;margin:6px 0}
.sev{display:inline-block;border-radius:4px;padding:1px 8px;font-size:12px;font-weight:600;color:#fff;margin-right:6px}
.sev-high{background:#c0392b}.sev-medium{background:#d68910}.sev-low{background:#2e86c1}.sev-info{background:#7f8c8d}
.finding{border-left:4px solid #d68910;background:#fffaf0;padding:10px 12px;margin:10px 0;border-radius:4px}
.finding.high{border-color:#c0392b;background:#fdf2f0}.finding.low{border-color:#2e86c1;background:#f0f7fd}
.finding p{margin:6px 0}
.ok{color:#1e8449;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:8px 0;font-size:14px}
dt{color:#5b6475}dd{margin:0}
details{margin-top:8px;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:12px}
td,th{text-align:left;padding:2px 4px;border-bottom:1px solid #eee;vertical-align:top}
.stat{display:inline-block;margin-right:24px}.stat b{font-size:22px;display:block}
"#;

/// Renders the report as one HTML page.
pub fn render(a: &Analysis, l: &Localizer) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{}</style></head><body>",
        l.lang().code(),
        esc(&l.t("html-title")),
        CSS
    );
    let s = &a.summary;
    let nfind: usize = s.findings.values().sum();
    let _ = write!(
        o,
        "<header><h1>{}</h1><p>{}</p></header><main>",
        esc(&l.t("html-title")),
        esc(&l.t("html-intro"))
    );
    let _ = write!(
        o,
        "<section><div class=\"stat\"><b>{}</b>{}</div><div class=\"stat\"><b>{}</b>{}</div><div class=\"stat\"><b>{}</b>{}</div>",
        s.devices,
        esc(&l.t("html-devices")),
        nfind,
        esc(&l.t("html-findings")),
        s.packets,
        esc(&l.t("html-packets"))
    );
    if let (Some(f), Some(t)) = (&s.first_seen, &s.last_seen) {
        let (f, t) = (f.to_string(), t.to_string());
        let _ = write!(
            o,
            "<p class=\"muted\">{}</p>",
            esc(&l.ta("time-range", &[("from", Arg::S(&f)), ("to", Arg::S(&t))]))
        );
    }
    for c in &a.captures {
        let _ = write!(
            o,
            "<p class=\"muted\">{} — {}</p>",
            esc(&c.path),
            esc(&l.ta("packets-count", &[("count", Arg::N(c.packets as f64))]))
        );
        for w in &c.warnings {
            let _ = write!(o, "<p class=\"muted\">⚠ {}</p>", esc(&w.render(l)));
        }
    }
    o.push_str("</section>");

    // What needs attention, most severe first, across devices.
    let mut all: Vec<(&DeviceOut, &crate::model::FindingOut)> = a
        .devices
        .iter()
        .flat_map(|d| d.findings.iter().map(move |f| (d, f)))
        .collect();
    all.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    if !a.alerts.is_empty() {
        let _ = write!(
            o,
            "<section><h2>{}</h2>",
            esc(&l.ta("alerts-title", &[("n", Arg::N(a.alerts.len() as f64))]))
        );
        for x in &a.alerts {
            let _ = write!(
                o,
                "<div class=\"finding {sev}\"><span class=\"sev sev-{sev}\">{}</span><b>{}</b><p>{}</p><p><b>{}</b> {}</p><p class=\"muted\">{}</p></div>",
                esc(&l.t(&format!("severity-{}", x.severity.id()))),
                esc(&x.title.render(l)),
                esc(&x.explanation.render(l)),
                esc(&l.t("label-advice")),
                esc(&x.action.render(l)),
                esc(&l.ta(
                    "alert-when",
                    &[
                        ("first", Arg::S(&x.first_seen.to_string())),
                        ("raised", Arg::S(&x.raised_at.to_string())),
                        ("delay", Arg::N(x.delay_s)),
                        ("confidence", Arg::N((x.confidence * 100.0).round() as f64)),
                    ]
                )),
                sev = x.severity.id()
            );
        }
        o.push_str("</section>");
    }
    let _ = write!(o, "<section><h2>{}</h2>", esc(&l.t("html-attention")));
    if all.is_empty() {
        let _ = write!(o, "<p class=\"ok\">{}</p>", esc(&l.t("html-all-clear")));
    }
    for (d, f) in &all {
        let who = d
            .hostnames
            .first()
            .cloned()
            .or_else(|| d.vendor.clone())
            .unwrap_or_else(|| d.id().to_string());
        let _ = write!(
            o,
            "<div class=\"finding {sev}\"><span class=\"sev sev-{sev}\">{}</span><b>{}</b> — {} <span class=\"muted\">({})</span><p>{}</p><p><b>{}</b> {}</p></div>",
            esc(&l.t(&format!("severity-{}", f.severity.id()))),
            esc(&f.title.render(l)),
            esc(&who),
            esc(&d.heading(l)),
            esc(&f.explanation.render(l)),
            esc(&l.t("label-advice")),
            esc(&f.advice.render(l)),
            sev = f.severity.id()
        );
    }
    o.push_str("</section>");

    if !a.mud.is_empty() {
        mud_section(&mut o, a, l);
    }
    let _ = write!(
        o,
        "<section><h2>{}</h2><div class=\"cards\">",
        esc(&l.t("html-your-devices"))
    );
    for d in &a.devices {
        card(&mut o, d, l);
    }
    o.push_str("</div></section>");
    let _ = write!(
        o,
        "<p class=\"muted\">{}</p></main></body></html>",
        esc(&l.ta("html-footer", &[("generator", Arg::S(&a.generator))]))
    );
    o
}

/// The MUD audits: per device, the verdict, each violation explained, unused entries.
fn mud_section(o: &mut String, a: &Analysis, l: &Localizer) {
    let _ = write!(o, "<section><h2>{}</h2>", esc(&l.t("html-mud")));
    for m in &a.mud {
        let _ = write!(
            o,
            "<h3>{}</h3><p>{}</p>",
            esc(&l.ta(
                "mudaudit-head",
                &[
                    ("mac", Arg::S(&m.mac)),
                    ("url", Arg::S(&m.mud_url)),
                    ("source", Arg::S(&m.source)),
                ]
            )),
            esc(&m.summary.render(l))
        );
        for v in &m.violations {
            let _ = write!(
                o,
                "<div class=\"finding medium\"><span class=\"sev sev-medium\">{}</span><b>{} {}</b><p>{}</p></div>",
                esc(&l.t("mudaudit-violations")),
                esc(&v.remote.to_string()),
                esc(v.name.as_deref().unwrap_or("")),
                esc(&v.explanation.render(l))
            );
        }
        if !m.violations.is_empty() {
            let _ = write!(o, "<p>{}</p>", esc(&l.t("mudaudit-advice")));
        }
        if !m.unused_aces.is_empty() {
            let names: Vec<String> = m
                .unused_aces
                .iter()
                .map(|u| format!("{}/{}", u.acl, u.ace))
                .collect();
            let _ = write!(
                o,
                "<details><summary>{}</summary><p class=\"muted\">{}</p></details>",
                esc(&l.ta(
                    "mudaudit-unused",
                    &[("n", Arg::N(m.unused_aces.len() as f64))]
                )),
                esc(&names.join(", "))
            );
        }
    }
    o.push_str("</section>");
}

/// A paragraph: label `what`, then message `key` with a traffic total.
fn labelled_totals(
    o: &mut String,
    l: &Localizer,
    what: &str,
    key: &str,
    t: &crate::model::NotListedOut,
) {
    let _ = write!(
        o,
        "<p>{}</p>",
        esc(&l.ta(
            "with-detail",
            &[
                ("what", Arg::S(&l.t(what))),
                ("detail", Arg::S(&crate::text::totals(l, key, t))),
            ]
        ))
    );
}

fn dl_row(o: &mut String, k: &str, v: &str) {
    if !v.is_empty() {
        let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
}

fn card(o: &mut String, d: &DeviceOut, l: &Localizer) {
    let title = d
        .hostnames
        .first()
        .cloned()
        .unwrap_or_else(|| d.vendor.clone().unwrap_or_else(|| l.t("vendor-unknown")));
    let _ = write!(
        o,
        "<div class=\"card\"><h3>{}</h3><div class=\"muted\">{} · {}</div><span class=\"kind\">{}</span><div class=\"muted\">{}</div><dl>",
        esc(&title),
        esc(&d.heading(l)),
        esc(d.vendor.as_deref().unwrap_or("")),
        esc(&d.kind_label.render(l)),
        esc(&d.kind_reason.render(l))
    );
    let mut ips: Vec<String> = d.ipv4.iter().map(|a| a.to_string()).collect();
    ips.extend(d.ipv6.iter().map(|a| a.to_string()));
    dl_row(o, &l.t("label-addresses"), &ips.join(", "));
    dl_row(o, &l.t("label-hostnames"), &d.hostnames.join(", "));
    if let Some(dh) = &d.dhcp {
        dl_row(o, &l.t("label-dhcp"), &crate::model::dhcp_line(l, dh));
    }
    dl_row(o, &l.t("label-mud"), d.mud_url.as_deref().unwrap_or(""));
    dl_row(o, &l.t("label-mdns"), &d.mdns_services.join(", "));
    dl_row(
        o,
        &l.t("label-tls"),
        &d.tls
            .snis
            .iter()
            .take(8)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    );
    dl_row(
        o,
        &l.t("label-domains"),
        &d.domains
            .iter()
            .take(12)
            .cloned()
            .collect::<Vec<_>>()
            .join(", "),
    );
    let tunnels: Vec<String> = d
        .tunnels
        .iter()
        .map(|t| l.t(&format!("tunnel-{t}")))
        .collect();
    dl_row(o, &l.t("label-tunnels"), &tunnels.join(", "));
    o.push_str("</dl>");
    if d.findings.is_empty() {
        let _ = write!(o, "<p class=\"ok\">{}</p>", esc(&l.t("no-findings")));
    }
    for f in &d.findings {
        let _ = write!(
            o,
            "<div class=\"finding {sev}\"><span class=\"sev sev-{sev}\">{}</span><b>{}</b><p>{}</p><p><b>{}</b> {}</p></div>",
            esc(&l.t(&format!("severity-{}", f.severity.id()))),
            esc(&f.title.render(l)),
            esc(&f.explanation.render(l)),
            esc(&l.t("label-advice")),
            esc(&f.advice.render(l)),
            sev = f.severity.id()
        );
    }
    if !d.peers.is_empty() {
        let _ = write!(
            o,
            "<details><summary>{}</summary><table><tr><th></th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(&l.ta("peers-count", &[("count", Arg::N(d.peers.len() as f64))])),
            esc(&l.t("col-peer")),
            esc(&l.t("col-name")),
            esc(&l.t("col-service")),
            esc(&l.t("col-packets"))
        );
        for p in d.peers.iter().take(50) {
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>",
                if p.initiated_by_device { "→" } else { "←" },
                esc(&p.ip.to_string()),
                esc(p.name.as_deref().unwrap_or("")),
                esc(&p.proto.to_string()),
                p.port,
                p.packets
            );
        }
        o.push_str("</table>");
        if d.not_listed.flows > 0 {
            let _ = write!(
                o,
                "<p>{}</p>",
                esc(&crate::text::totals(l, "peers-not-listed", &d.not_listed))
            );
        }
        o.push_str("</details>");
    } else if d.not_listed.flows > 0 {
        // No peer kept (ISP mode's default): the totals alone.
        labelled_totals(o, l, "label-traffic", "traffic-totals", &d.not_listed);
    }
    if d.carried.flows > 0 {
        labelled_totals(o, l, "label-carried", "carried-traffic", &d.carried);
    }
    o.push_str("</div>");
}
