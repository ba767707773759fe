//! The terminal report: a summary, then a readable block per device, coloured on a terminal.

use crate::i18n::{Arg, Localizer};
use crate::model::{Analysis, DeviceOut};
use crate::typed::role_id;
use std::fmt::Write as _;

/// ANSI styling, off when not writing to a terminal (or when `NO_COLOR` is set).
#[derive(Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Styling enabled or not.
    pub fn new(on: bool) -> Self {
        Style { on }
    }
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn sev(&self, sev: &str, s: &str) -> String {
        match sev {
            "high" => self.wrap("1;31", s),
            "medium" => self.wrap("33", s),
            "low" => self.wrap("36", s),
            _ => s.to_string(),
        }
    }
}

pub(crate) fn human_bytes(b: u64) -> String {
    const U: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut i = 0;
    while v >= 1000.0 && i < U.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", U[i])
    }
}

fn list(v: &[String], max: usize, l: &Localizer) -> String {
    if v.is_empty() {
        return l.t("none");
    }
    let mut s = v.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if v.len() > max {
        s.push_str(&l.ta("and-more", &[("count", Arg::N((v.len() - max) as f64))]));
    }
    s
}

fn row(out: &mut String, st: &Style, label: &str, value: &str) {
    let pad = 16usize.saturating_sub(label.chars().count());
    let _ = writeln!(out, "  {}{}{}", st.dim(label), " ".repeat(pad), value);
}

/// Message `key` with the flows, packets and bytes of a traffic total.
pub(crate) fn totals(l: &Localizer, key: &str, t: &crate::model::NotListedOut) -> String {
    l.ta(
        key,
        &[
            ("flows", Arg::N(t.flows as f64)),
            ("packets", Arg::N(t.packets as f64)),
            ("bytes", Arg::S(&human_bytes(t.bytes))),
        ],
    )
}

/// Renders the report for a terminal. `max_peers` peers are listed per device.
pub fn render(a: &Analysis, l: &Localizer, st: Style, max_peers: usize) -> String {
    // Values were made visible where they entered the report; this pass catches anything
    // else (a control character in a translation or a path) and keeps only the renderer's own
    // colours.
    let o = render_unchecked(a, l, st, max_peers);
    match crate::safe::terminal(&o, st.on) {
        std::borrow::Cow::Borrowed(_) => o,
        std::borrow::Cow::Owned(x) => x,
    }
}

fn render_unchecked(a: &Analysis, l: &Localizer, st: Style, max_peers: usize) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}", st.bold(&l.t("report-title")));
    for c in &a.captures {
        let _ = writeln!(
            o,
            "  {}  {}",
            crate::safe::visible(&c.path),
            st.dim(&l.ta("packets-count", &[("count", Arg::N(c.packets as f64))]))
        );
        for w in &c.warnings {
            let _ = writeln!(
                o,
                "    {} {}",
                st.sev("medium", &l.t("warning")),
                w.render(l)
            );
        }
    }
    let s = &a.summary;
    let _ = writeln!(
        o,
        "  {}",
        l.ta(
            "summary-line",
            &[
                ("packets", Arg::N(s.packets as f64)),
                ("devices", Arg::N(s.devices as f64)),
                ("flows", Arg::N(s.flows as f64)),
                (
                    "findings",
                    Arg::N(s.findings.values().sum::<usize>() as f64)
                ),
            ]
        )
    );
    if let (Some(f), Some(t)) = (&s.first_seen, &s.last_seen) {
        let (f, t) = (f.to_string(), t.to_string());
        let _ = writeln!(
            o,
            "  {}",
            st.dim(&l.ta("time-range", &[("from", Arg::S(&f)), ("to", Arg::S(&t))]))
        );
    }
    if s.flows_evicted_under_pressure > 0 || s.devices_dropped > 0 {
        let _ = writeln!(
            o,
            "  {}",
            st.sev(
                "medium",
                &l.ta(
                    "bounded-note",
                    &[
                        ("flows", Arg::N(s.flows_evicted_under_pressure as f64)),
                        ("devices", Arg::N(s.devices_dropped as f64))
                    ]
                )
            )
        );
    }
    let _ = writeln!(o);
    if !a.alerts.is_empty() {
        alerts(&mut o, a, l, st);
    }
    for d in &a.devices {
        device(&mut o, d, l, st, max_peers);
    }
    o
}

/// The alerts, most severe first, before the devices.
fn alerts(o: &mut String, a: &Analysis, l: &Localizer, st: Style) {
    let _ = writeln!(
        o,
        "{}",
        st.bold(&l.ta("alerts-title", &[("n", Arg::N(a.alerts.len() as f64))]))
    );
    for x in &a.alerts {
        let sev = l.t(&format!("severity-{}", x.severity.id())).to_uppercase();
        let _ = writeln!(
            o,
            "  {}  {}",
            st.sev(x.severity.id(), &sev),
            st.bold(&x.title.render(l))
        );
        let _ = writeln!(
            o,
            "        {}",
            st.dim(&l.ta(
                "alert-when",
                &[
                    ("first", Arg::S(&x.first_seen.to_string())),
                    ("raised", Arg::S(&x.raised_at.to_string())),
                    ("delay", Arg::N(x.delay_s)),
                    ("confidence", Arg::N((x.confidence * 100.0).round() as f64)),
                ]
            ))
        );
        let _ = writeln!(o, "        {}", x.explanation.render(l));
        let _ = writeln!(
            o,
            "        {} {}",
            st.bold(&l.t("label-advice")),
            x.action.render(l)
        );
        let counts: Vec<String> = x
            .evidence
            .counts
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !counts.is_empty() {
            let _ = writeln!(o, "        {}", st.dim(&counts.join("  ")));
        }
        if let Some(s) = x.evidence.samples.first() {
            let _ = writeln!(
                o,
                "        {}",
                st.dim(&format!(
                    "{} {} {}:{} → {}:{}",
                    s.time, s.proto, s.src, s.sport, s.dst, s.dport
                ))
            );
        }
    }
    let _ = writeln!(o);
}

fn device(o: &mut String, d: &DeviceOut, l: &Localizer, st: Style, max_peers: usize) {
    let vendor = match (&d.vendor, &d.subscriber) {
        (Some(v), _) => v.clone(),
        (None, Some(_)) => String::new(),
        (None, None) => l.t("vendor-unknown"),
    };
    let _ = writeln!(
        o,
        "{} {}  {}  {}",
        st.bold("■"),
        st.bold(&d.heading(l)),
        vendor,
        st.bold(&d.kind_label.render(l))
    );
    row(o, &st, &l.t("label-why"), &d.kind_reason.render(l));
    let mut ips: Vec<String> = d.ipv4.iter().map(|a| a.to_string()).collect();
    ips.extend(d.ipv6.iter().map(|a| a.to_string()));
    row(o, &st, &l.t("label-addresses"), &list(&ips, 6, l));
    if !d.hostnames.is_empty() {
        let hs: Vec<String> = d
            .hostname_sources
            .iter()
            .map(|h| format!("{} ({})", h.name, h.source))
            .collect();
        row(o, &st, &l.t("label-hostnames"), &list(&hs, 6, l));
    }
    if let Some(dh) = &d.dhcp {
        row(o, &st, &l.t("label-dhcp"), &crate::model::dhcp_line(l, dh));
    }
    if let Some(u) = &d.mud_url {
        row(
            o,
            &st,
            &l.t("label-mud"),
            &format!("{u} ({})", d.mud_url_source.unwrap_or("")),
        );
    }
    if !d.mdns_services.is_empty() {
        row(o, &st, &l.t("label-mdns"), &list(&d.mdns_services, 6, l));
    }
    if !d.ssdp_servers.is_empty() {
        row(o, &st, &l.t("label-ssdp"), &list(&d.ssdp_servers, 3, l));
    }
    if !d.tls.snis.is_empty() || !d.tls.ja4.is_empty() {
        row(o, &st, &l.t("label-tls"), &list(&d.tls.snis, 5, l));
        row(o, &st, "JA4", &list(&d.tls.ja4, 3, l));
    }
    if !d.user_agents.is_empty() {
        row(o, &st, &l.t("label-ua"), &list(&d.user_agents, 3, l));
    }
    if !d.domains.is_empty() {
        row(o, &st, &l.t("label-domains"), &list(&d.domains, 8, l));
    }
    if !d.tunnels.is_empty() {
        let names: Vec<String> = d
            .tunnels
            .iter()
            .map(|t| l.t(&format!("tunnel-{t}")))
            .collect();
        row(o, &st, &l.t("label-tunnels"), &names.join(", "));
    }
    if !d.peers.is_empty() {
        row(
            o,
            &st,
            &l.t("label-peers"),
            &l.ta("peers-count", &[("count", Arg::N(d.peers.len() as f64))]),
        );
        for p in d.peers.iter().take(max_peers) {
            let dir = if p.initiated_by_device { "→" } else { "←" };
            let name = p.name.clone().unwrap_or_default();
            let _ = writeln!(
                o,
                "      {dir} {:<39} {:<28} {:>6}/{:<5} {:>8} {:>10}",
                p.ip,
                truncate(&name, 28),
                p.proto,
                p.port,
                l.ta("pkts", &[("count", Arg::N(p.packets as f64))]),
                human_bytes(p.bytes)
            );
        }
        if d.peers.len() > max_peers {
            let _ = writeln!(
                o,
                "      {}",
                st.dim(&l.ta(
                    "and-more",
                    &[("count", Arg::N((d.peers.len() - max_peers) as f64))]
                ))
            );
        }
        if d.not_listed.flows > 0 {
            let _ = writeln!(
                o,
                "      {}",
                st.dim(&totals(l, "peers-not-listed", &d.not_listed))
            );
        }
    } else if d.not_listed.flows > 0 {
        // No peer kept (ISP mode's default): the totals alone.
        row(
            o,
            &st,
            &l.t("label-traffic"),
            &totals(l, "traffic-totals", &d.not_listed),
        );
    }
    if d.carried.flows > 0 {
        row(
            o,
            &st,
            &l.t("label-carried"),
            &totals(l, "carried-traffic", &d.carried),
        );
    }
    if d.findings.is_empty() {
        row(o, &st, &l.t("label-findings"), &l.t("no-findings"));
    } else {
        row(o, &st, &l.t("label-findings"), "");
        for f in &d.findings {
            let sev = l.t(&format!("severity-{}", f.severity.id()));
            let _ = writeln!(
                o,
                "    {} {}",
                st.sev(f.severity.id(), &format!("[{sev}]")),
                st.bold(&f.title.render(l))
            );
            let _ = writeln!(o, "      {}", f.explanation.render(l));
            let _ = writeln!(
                o,
                "      {} {}",
                st.bold(&l.t("label-advice")),
                f.advice.render(l)
            );
            for e in f.evidence.iter().take(3) {
                let _ = writeln!(
                    o,
                    "      {}",
                    st.dim(&l.ta(
                        "evidence-line",
                        &[
                            ("role", Arg::S(&l.t(&format!("role-{}", role_id(e.role))))),
                            ("peer", Arg::S(&e.peer_ip.to_string())),
                            ("proto", Arg::S(&e.proto.to_string())),
                            ("port", Arg::N(e.server_port as f64)),
                            ("count", Arg::N(e.count as f64)),
                            ("first", Arg::S(&e.first_seen.to_string())),
                        ]
                    ))
                );
            }
        }
    }
    let _ = writeln!(o);
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}
