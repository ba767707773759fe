//! The dashboard's pages, drawn on the server from the store in the reader's language. Every
//! value is escaped where it is written (`h`); pages carry no inline script or style (the
//! Content-Security-Policy allows only the two files under `/static/`).

use iotgate_explain::html::esc as h;
use iotgate_explain::{Arg, Localizer};
use iotgate_store::{Action, Alert, Device, Quarantine};
use serde_json::Value;
use std::fmt::Write as _;

/// What every page's frame needs to know about its reader.
pub struct Frame<'a> {
    /// The reader's language.
    pub l: &'a Localizer,
    /// The signed-in user's name, if any.
    pub user: Option<&'a str>,
    /// The session's CSRF token (every form carries it).
    pub csrf: &'a str,
    /// The page's path (highlighted in the navigation, and where the language switch returns).
    pub path: &'a str,
}

/// A hidden field carrying the CSRF token.
pub fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        h(csrf)
    )
}

/// A whole page: navigation, `title`, `body` (already escaped HTML).
pub fn layout(f: &Frame<'_>, title: &str, body: &str) -> String {
    let l = f.l;
    let mut o = String::with_capacity(body.len() + 2048);
    let _ = write!(
        o,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} — iotgate</title><link rel=\"stylesheet\" href=\"/static/style.css\">\
         <script src=\"/static/app.js\" defer></script></head><body>",
        lang = l.lang().code(),
        title = h(title),
    );
    o.push_str("<header><nav><span class=\"brand\">iotgate</span>");
    if let Some(user) = f.user {
        for (path, key) in [
            ("/", "serve-nav-devices"),
            ("/alerts", "serve-nav-alerts"),
            ("/actions", "serve-nav-actions"),
            ("/settings", "serve-nav-settings"),
        ] {
            let cur = if f.path == path {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(o, "<a href=\"{path}\"{cur}>{}</a>", h(&l.t(key)));
        }
        let _ = write!(
            o,
            "<span class=\"user\">{}</span><form method=\"post\" action=\"/logout\" class=\"inline\">{}<button id=\"logout\">{}</button></form>",
            h(user),
            csrf_field(f.csrf),
            h(&l.t("serve-logout"))
        );
    }
    // The language switch: a form (a change of state), carrying the CSRF token when signed in.
    let other = match l.lang().code() {
        "fr" => ("en", "English"),
        _ => ("fr", "Français"),
    };
    let _ = write!(
        o,
        "<form method=\"post\" action=\"/lang\" class=\"inline\">{}<input type=\"hidden\" name=\"lang\" value=\"{}\"><input type=\"hidden\" name=\"back\" value=\"{}\"><button id=\"lang\">{}</button></form>",
        csrf_field(f.csrf),
        other.0,
        h(f.path),
        other.1
    );
    let _ = write!(
        o,
        "</nav></header><main id=\"main\"><h1>{}</h1>{body}</main></body></html>",
        h(title)
    );
    o
}

/// A time (ns since 1970) as the report writes it.
pub fn time(ns: i64) -> String {
    iotgate_explain::typed::Time(ns).to_string()
}

/// The entry in the reader's language of a stored `{"en": …, "fr": …}` report.
pub fn entry(report: &str, l: &Localizer) -> Value {
    let v: Value = serde_json::from_str(report).unwrap_or(Value::Null);
    v.get(l.lang().code())
        .cloned()
        .or_else(|| v.get("en").cloned())
        .unwrap_or(Value::Null)
}

/// What the API and the webhook both say of an alert (each adds its own fields).
pub fn alert_core(a: &iotgate_store::Alert) -> Value {
    serde_json::json!({
        "id": a.id,
        "mac": a.mac,
        "kind": a.kind,
        "detail": a.detail,
        "severity": a.severity,
        "first_seen": time(a.first_ns),
        "last_seen": time(a.last_ns),
        "raised_at": time(a.raised_ns),
    })
}

/// The addresses (IPv4 then IPv6) of a device's report entry (one language's).
pub fn addresses(e: &Value) -> Vec<std::net::IpAddr> {
    ["ipv4", "ipv6"]
        .iter()
        .filter_map(|k| e.get(k).and_then(Value::as_array))
        .flatten()
        .filter_map(|x| x.as_str()?.parse().ok())
        .collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn list(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|x| match x {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A device's name as the pages show it: its host name, else vendor, else its MAC.
pub fn device_name(d: &Device) -> String {
    d.name
        .clone()
        .or_else(|| d.vendor.clone())
        .unwrap_or_else(|| d.macs.first().cloned().unwrap_or_default())
}

/// The device list.
pub fn devices(
    f: &Frame<'_>,
    devices: &[Device],
    open_alerts: &dyn Fn(i64) -> usize,
    held: &dyn Fn(i64) -> bool,
) -> String {
    let l = f.l;
    if devices.is_empty() {
        return format!("<p id=\"empty\">{}</p>", h(&l.t("serve-no-devices")));
    }
    let mut o = String::new();
    let _ = write!(
        o,
        "<table id=\"devices\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        h(&l.t("serve-col-device")),
        h(&l.t("serve-col-kind")),
        h(&l.t("serve-col-vendor")),
        h(&l.t("serve-col-addresses")),
        h(&l.t("serve-col-last-seen")),
        h(&l.t("serve-col-alerts")),
    );
    for d in devices {
        let e = entry(&d.report, l);
        let mac = d.macs.first().cloned().unwrap_or_default();
        let mut addrs = list(&e, "ipv4");
        addrs.extend(list(&e, "ipv6"));
        addrs.truncate(3);
        let n = open_alerts(d.id);
        let mut badge = if n > 0 {
            format!(
                "<span class=\"badge\">{}</span>",
                h(&l.ta("serve-open-alerts", &[("count", Arg::N(n as f64))]))
            )
        } else {
            String::new()
        };
        if held(d.id) {
            let _ = write!(
                badge,
                " <span class=\"badge held\">{}</span>",
                h(&l.t("serve-held"))
            );
        }
        let _ = write!(
            o,
            "<tr data-mac=\"{mac}\"><td><a href=\"/devices/{mac}\">{name}</a><br><small>{macs}</small></td><td>{kind}</td><td>{vendor}</td><td>{addrs}</td><td>{last}</td><td>{badge}</td></tr>",
            mac = h(&mac),
            name = h(&device_name(d)),
            macs = h(&d.macs.join(", ")),
            kind = h(s(&e, "kind_label")),
            vendor = h(d.vendor.as_deref().unwrap_or("")),
            addrs = h(&addrs.join(", ")),
            last = h(&time(d.last_ns)),
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// "1–100 of 16,384", with links to the newer and older pages of a list.
pub fn pager(l: &Localizer, page: usize, per: usize, total: usize) -> String {
    if total <= per && page == 0 {
        return String::new();
    }
    let from = (page * per + 1).min(total);
    let to = ((page + 1) * per).min(total);
    let mut o = format!(
        "<p class=\"pager\">{}",
        h(&l.ta(
            "serve-page-of",
            &[
                ("from", Arg::N(from as f64)),
                ("to", Arg::N(to as f64)),
                ("total", Arg::N(total as f64)),
            ]
        ))
    );
    if page > 0 {
        let _ = write!(
            o,
            " <a id=\"newer\" href=\"/?page={}\">{}</a>",
            page - 1,
            h(&l.t("serve-newer"))
        );
    }
    if to < total {
        let _ = write!(
            o,
            " <a id=\"older\" href=\"/?page={}\">{}</a>",
            page + 1,
            h(&l.t("serve-older"))
        );
    }
    o.push_str("</p>");
    o
}

/// One alert as a list entry, with its acknowledge and mute forms.
fn alert_item(f: &Frame<'_>, a: &Alert) -> String {
    let l = f.l;
    let e = entry(&a.report, l);
    let mut o = String::new();
    let _ = write!(
        o,
        "<li class=\"alert sev-{sev}\" data-alert=\"{id}\"><strong>{title}</strong> <span class=\"sev\">{sevtxt}</span><p>{expl}</p><p class=\"todo\">{action}</p><small>{first} — {last}</small>",
        sev = h(&a.severity),
        id = a.id,
        title = h(s(&e, "title")),
        sevtxt = h(&l.t(&format!("severity-{}", a.severity))),
        expl = h(s(&e, "explanation")),
        action = h(s(&e, "action")),
        first = h(&time(a.first_ns)),
        last = h(&time(a.last_ns)),
    );
    match &a.acked {
        Some((who, at)) => {
            let _ = write!(
                o,
                "<p class=\"acked\">{}</p>",
                h(&l.ta(
                    "serve-acked-by",
                    &[("who", Arg::S(who)), ("at", Arg::S(&time(*at)))]
                ))
            );
        }
        None => {
            let _ = write!(
                o,
                "<form method=\"post\" action=\"/alerts/{id}/ack\" class=\"inline\">{csrf}<button class=\"ack\">{}</button></form>",
                h(&l.t("serve-ack")),
                id = a.id,
                csrf = csrf_field(f.csrf),
            );
        }
    }
    let _ = write!(
        o,
        "<form method=\"post\" action=\"/alerts/{id}/mute\" class=\"inline\">{csrf}<select name=\"hours\"><option value=\"1\">{h1}</option><option value=\"24\">{h24}</option><option value=\"forever\">{ever}</option></select><button class=\"mute\">{mute}</button></form></li>",
        id = a.id,
        csrf = csrf_field(f.csrf),
        h1 = h(&l.ta("serve-for-hours", &[("hours", Arg::N(1.0))])),
        h24 = h(&l.ta("serve-for-hours", &[("hours", Arg::N(24.0))])),
        ever = h(&l.t("serve-for-good")),
        mute = h(&l.t("serve-mute")),
    );
    o
}

/// A list of alerts.
pub fn alerts(f: &Frame<'_>, alerts: &[Alert]) -> String {
    if alerts.is_empty() {
        return format!("<p id=\"no-alerts\">{}</p>", h(&f.l.t("serve-no-alerts")));
    }
    let mut o = String::from("<ul id=\"alerts\" class=\"alerts\">");
    for a in alerts {
        o.push_str(&alert_item(f, a));
    }
    o.push_str("</ul>");
    o
}

/// A device's security label (from what the traffic shows, against seven frameworks), or a
/// note that it is being made.
pub fn label(f: &Frame<'_>, mac: &str, made: bool) -> String {
    let l = f.l;
    let mut o = format!("<section id=\"label\"><h2>{}</h2>", h(&l.t("serve-label")));
    if made {
        let _ = write!(
            o,
            "<img class=\"label\" src=\"/devices/{mac}/label.svg\" alt=\"{}\" width=\"360\">",
            h(&l.t("serve-label")),
            mac = h(mac),
        );
    } else {
        let _ = write!(o, "<p class=\"note\">{}</p>", h(&l.t("serve-label-wait")));
    }
    o.push_str("</section>");
    o
}

/// A device's quarantine: whether it is held, by whom and why, whether that is in force, the
/// button that holds or releases it, and the names it may still reach.
pub fn quarantine(
    f: &Frame<'_>,
    mac: &str,
    q: Option<&Quarantine>,
    allow: &[String],
    status: &crate::warden::Status,
) -> String {
    let l = f.l;
    let mut o = format!(
        "<section id=\"quarantine\"><h2>{}</h2>",
        h(&l.t("serve-quarantine"))
    );
    match q {
        Some(q) => {
            let _ = write!(
                o,
                "<p class=\"held\" id=\"held\">{}</p>",
                h(&l.ta(
                    "serve-held-since",
                    &[
                        ("at", Arg::S(&time(q.since_ns))),
                        ("who", Arg::S(&q.who)),
                        ("reason", Arg::S(&q.reason)),
                    ]
                ))
            );
            if !status.enforce {
                let _ = write!(o, "<p class=\"note\">{}</p>", h(&l.t("serve-not-enforced")));
            } else if let Some(e) = &status.error {
                let _ = write!(
                    o,
                    "<p class=\"error\">{}</p>",
                    h(&l.ta("serve-enforce-failed", &[("error", Arg::S(e))]))
                );
            }
            let _ = write!(
                o,
                "<form method=\"post\" action=\"/devices/{mac}/release\">{}<label>{} <input name=\"reason\" maxlength=\"200\"></label> <button id=\"release\">{}</button></form>",
                csrf_field(f.csrf),
                h(&l.t("serve-reason")),
                h(&l.t("serve-release")),
                mac = h(mac),
            );
        }
        None => {
            let _ = write!(
                o,
                "<p>{}</p><form method=\"post\" action=\"/devices/{mac}/quarantine\">{}<label>{} <input name=\"reason\" maxlength=\"200\"></label> <button id=\"quarantine-button\">{}</button></form>",
                h(&l.t("serve-quarantine-what")),
                csrf_field(f.csrf),
                h(&l.t("serve-reason")),
                h(&l.t("serve-quarantine-do")),
                mac = h(mac),
            );
        }
    }
    let _ = write!(
        o,
        "<form method=\"post\" action=\"/devices/{mac}/allow\">{}<label>{}<br><textarea name=\"names\" rows=\"3\" cols=\"50\">{}</textarea></label><br><button id=\"allow\">{}</button></form></section>",
        csrf_field(f.csrf),
        h(&l.t("serve-allow-names")),
        h(&allow.join("\n")),
        h(&l.t("serve-save")),
        mac = h(mac),
    );
    o
}

/// A list of problems, each with where it is (a JSON path).
pub fn problems(list: &[(String, String)]) -> String {
    let mut o = String::from("<ul class=\"problems\">");
    for (path, msg) in list {
        let _ = write!(o, "<li><code>{}</code> {}</li>", h(path), h(msg));
    }
    o.push_str("</ul>");
    o
}

/// A device's MUD profile: the one it is held to (where from, the names it declares, what the
/// device did against it, peer by peer), or a form to give one.
pub fn mud(
    f: &Frame<'_>,
    mac: &str,
    m: Option<&iotgate_store::MudProfile>,
    report: &str,
    status: &crate::warden::Status,
) -> String {
    let l = f.l;
    let mut o = format!("<section id=\"mud\"><h2>{}</h2>", h(&l.t("serve-mud")));
    let profile = m.and_then(|m| crate::mud::read(m.profile.as_bytes()).ok().map(|p| (m, p)));
    match profile {
        Some((m, p)) => {
            let source = l.t(&format!("serve-mud-source-{}", m.source));
            let _ = write!(
                o,
                "<p id=\"mud-held\">{}</p>",
                h(&l.ta(
                    "serve-mud-held",
                    &[
                        ("url", Arg::S(&m.url)),
                        ("who", Arg::S(&m.who)),
                        ("source", Arg::S(&source)),
                        ("at", Arg::S(&time(m.ts_ns))),
                    ]
                ))
            );
            if !status.enforce {
                let _ = write!(
                    o,
                    "<p class=\"note\">{}</p>",
                    h(&l.t("serve-mud-not-enforced"))
                );
            }
            let names = crate::mud::names(&p);
            if !names.is_empty() {
                let _ = write!(
                    o,
                    "<p>{} {}</p>",
                    h(&l.t("serve-mud-names")),
                    h(&names.join(", "))
                );
            }
            let seen = crate::mud::observed(&p, &entry(report, l));
            if !seen.is_empty() {
                let _ = write!(
                    o,
                    "<h3>{}</h3><table class=\"mud-observed\"><tbody>",
                    h(&l.t("serve-mud-observed"))
                );
                for x in &seen {
                    let _ = write!(
                        o,
                        "<tr class=\"{cls}\"><td>{dir}</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>",
                        h(&x.ip),
                        h(x.name.as_deref().unwrap_or("")),
                        h(&x.proto),
                        x.port,
                        h(&l.t(if x.allowed { "serve-mud-declared" } else { "serve-mud-undeclared" })),
                        cls = if x.allowed { "declared" } else { "undeclared" },
                        dir = if x.from_device { "→" } else { "←" },
                    );
                }
                o.push_str("</tbody></table>");
            }
            let _ = write!(
                o,
                "<form method=\"post\" action=\"/devices/{mac}/mud/clear\">{}<button id=\"mud-clear\">{}</button></form>",
                csrf_field(f.csrf),
                h(&l.t("serve-mud-clear")),
                mac = h(mac),
            );
        }
        None => {
            let _ = write!(
                o,
                "<form method=\"post\" action=\"/devices/{mac}/mud\">{}<label>{}<br><textarea name=\"profile\" rows=\"6\" cols=\"70\"></textarea></label><br><button id=\"mud-set\">{}</button></form>",
                csrf_field(f.csrf),
                h(&l.t("serve-mud-none")),
                h(&l.t("serve-mud-set")),
                mac = h(mac),
            );
        }
    }
    o.push_str("</section>");
    o
}

/// The settings as the settings page shows them.
pub struct Settings {
    /// Quarantine on a first high alert.
    pub auto: bool,
    /// Hours without a new alert before a release (0: by hand only).
    pub release_hours: f64,
    /// Resolvers a held device may ask.
    pub resolvers: String,
    /// PEM certificates MUD signatures must chain to.
    pub mud_trust: String,
    /// PEM certificates trusted for the MUD servers' TLS.
    pub mud_tls_roots: String,
    /// Where new alerts are POSTed (unless `--webhook` says otherwise).
    pub webhook: String,
    /// Detector thresholds, `NAME=VALUE` lines.
    pub thresholds: String,
    /// A blocklist.
    pub blocklist: String,
}

/// The settings page: automatic quarantine and release, resolvers a held device may ask, and
/// what fetched MUD profiles are checked against.
pub fn settings(f: &Frame<'_>, s: &Settings) -> String {
    let l = f.l;
    let mut o = format!(
        "<form method=\"post\" action=\"/settings\" id=\"settings\">{}<h2>{}</h2>",
        csrf_field(f.csrf),
        h(&l.t("serve-quarantine"))
    );
    let sel = |on: bool| if on { " selected" } else { "" };
    let _ = write!(
        o,
        "<p><label>{}<br><select name=\"auto\"><option value=\"off\"{}>{}</option><option value=\"high\"{}>{}</option></select></label></p>",
        h(&l.t("serve-set-auto")),
        sel(!s.auto),
        h(&l.t("serve-set-auto-off")),
        sel(s.auto),
        h(&l.t("serve-set-auto-high")),
    );
    let _ = write!(
        o,
        "<p><label>{} <input name=\"release_hours\" value=\"{}\" size=\"6\"></label></p>",
        h(&l.t("serve-set-release")),
        s.release_hours
    );
    let _ = write!(
        o,
        "<p><label>{}<br><input name=\"resolvers\" value=\"{}\" size=\"60\"></label></p>",
        h(&l.t("serve-set-resolvers")),
        h(&s.resolvers)
    );
    let _ = write!(o, "<h2>{}</h2>", h(&l.t("serve-set-detect")));
    for (name, key, v, rows) in [
        ("thresholds", "serve-set-thresholds", &s.thresholds, 4),
        ("blocklist", "serve-set-blocklist", &s.blocklist, 6),
    ] {
        let _ = write!(
            o,
            "<p><label>{}<br><textarea name=\"{name}\" rows=\"{rows}\" cols=\"70\">{}</textarea></label></p>",
            h(&l.t(key)),
            h(v)
        );
    }
    let _ = write!(o, "<h2>{}</h2>", h(&l.t("serve-mud")));
    for (name, key, v) in [
        ("mud_trust", "serve-set-mud-trust", &s.mud_trust),
        ("mud_tls_roots", "serve-set-mud-tls-roots", &s.mud_tls_roots),
    ] {
        let _ = write!(
            o,
            "<p><label>{}<br><textarea name=\"{name}\" rows=\"5\" cols=\"70\">{}</textarea></label></p>",
            h(&l.t(key)),
            h(v)
        );
    }
    let _ = write!(
        o,
        "<h2>{}</h2><p><label>{}<br><input name=\"webhook\" value=\"{}\" size=\"60\"></label></p>",
        h(&l.t("serve-set-notify")),
        h(&l.t("serve-set-webhook")),
        h(&s.webhook)
    );
    let _ = write!(
        o,
        "<button id=\"save-settings\">{}</button></form>",
        h(&l.t("serve-save"))
    );
    o
}

/// A device's page: identity and its evidence, its quarantine (`held`, drawn by
/// [`quarantine`]), findings, alerts, peers.
pub fn device(f: &Frame<'_>, d: &Device, alerts_of: &[Alert], held: &str) -> String {
    let l = f.l;
    let e = entry(&d.report, l);
    let mut o = String::from("<dl class=\"identity\">");
    let _ = write!(
        o,
        "<dt>{}</dt><dd>{}</dd>",
        h(&l.t("serve-col-macs")),
        h(&d.macs.join(", "))
    );
    // A device known under several MACs: each can be split off, should the merge be wrong.
    if d.macs.len() > 1 {
        let _ = write!(o, "<dt>{}</dt><dd>", h(&l.t("serve-merged")));
        for m in &d.macs {
            let _ = write!(
                o,
                "<form method=\"post\" action=\"/devices/{mac}/split\" class=\"inline\">{}<button class=\"split\">{}</button></form> ",
                csrf_field(f.csrf),
                h(&l.ta("serve-split", &[("mac", Arg::S(m))])),
                mac = h(m),
            );
        }
        o.push_str("</dd>");
    }
    let mut row = |k: &str, v: String| {
        if !v.is_empty() {
            let _ = write!(o, "<dt>{}</dt><dd>{}</dd>", h(&l.t(k)), h(&v));
        }
    };
    row("serve-col-kind", s(&e, "kind_label").to_string());
    row("serve-why-kind", s(&e, "kind_reason").to_string());
    row("serve-col-vendor", d.vendor.clone().unwrap_or_default());
    let mut addrs = list(&e, "ipv4");
    addrs.extend(list(&e, "ipv6"));
    row("serve-col-addresses", addrs.join(", "));
    row("serve-col-names", list(&e, "hostnames").join(", "));
    row(
        "serve-col-tls",
        e.get("tls")
            .map(|t| list(t, "snis").join(", "))
            .unwrap_or_default(),
    );
    row("serve-col-agents", list(&e, "user_agents").join(" · "));
    row("serve-col-domains", list(&e, "domains").join(", "));
    row("serve-col-first-seen", time(d.first_ns));
    row("serve-col-last-seen", time(d.last_ns));
    o.push_str("</dl>");
    o.push_str(held);
    let findings = e
        .get("findings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let _ = write!(o, "<h2>{}</h2>", h(&l.t("serve-findings")));
    if findings.is_empty() {
        let _ = write!(o, "<p>{}</p>", h(&l.t("no-findings")));
    } else {
        o.push_str("<ul class=\"findings\">");
        for x in &findings {
            let _ = write!(
                o,
                "<li class=\"sev-{}\"><strong>{}</strong><p>{}</p><p class=\"todo\">{}</p></li>",
                h(s(x, "severity")),
                h(s(x, "title")),
                h(s(x, "explanation")),
                h(s(x, "advice"))
            );
        }
        o.push_str("</ul>");
    }
    let _ = write!(o, "<h2>{}</h2>", h(&l.t("serve-nav-alerts")));
    o.push_str(&alerts(f, alerts_of));
    let peers = e
        .get("peers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !peers.is_empty() {
        let _ = write!(
            o,
            "<h2>{}</h2><table class=\"peers\"><tbody>",
            h(&l.ta("peers-count", &[("count", Arg::N(peers.len() as f64))]))
        );
        for p in peers.iter().take(30) {
            let dir = if p.get("initiated_by_device").and_then(Value::as_bool) == Some(true) {
                "→"
            } else {
                "←"
            };
            let _ = write!(
                o,
                "<tr><td>{dir}</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td></tr>",
                h(s(p, "ip")),
                h(s(p, "name")),
                h(s(p, "proto")),
                p.get("port").and_then(Value::as_u64).unwrap_or(0),
                p.get("packets").and_then(Value::as_u64).unwrap_or(0)
            );
        }
        o.push_str("</tbody></table>");
    }
    o
}

/// The action log.
pub fn actions(f: &Frame<'_>, acts: &[Action]) -> String {
    let l = f.l;
    if acts.is_empty() {
        return format!("<p>{}</p>", h(&l.t("serve-no-actions")));
    }
    let mut o = String::from("<table id=\"actions\"><tbody>");
    for a in acts {
        let _ = write!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            h(&time(a.ts_ns)),
            h(&a.who),
            h(&l.t(&format!("serve-action-{}", a.action))),
            h(&a.reason)
        );
    }
    o.push_str("</tbody></table>");
    o
}

/// The sign-in form; `problem` says why the last attempt failed.
pub fn login(l: &Localizer, csrf: &str, problem: Option<&str>) -> String {
    let mut o = String::new();
    if let Some(p) = problem {
        let _ = write!(o, "<p class=\"problem\" id=\"problem\">{}</p>", h(p));
    }
    let _ = write!(
        o,
        "<form method=\"post\" action=\"/login\" id=\"login\">{}<label>{} <input name=\"name\" autocomplete=\"username\" required></label><label>{} <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label><button>{}</button></form>",
        csrf_field(csrf),
        h(&l.t("serve-user-name")),
        h(&l.t("serve-password")),
        h(&l.t("serve-login"))
    );
    o
}

/// The first-run form that creates the first user.
pub fn setup(l: &Localizer, csrf: &str, token: &str, problem: Option<&str>) -> String {
    let mut o = String::new();
    let _ = write!(o, "<p>{}</p>", h(&l.t("serve-setup-intro")));
    if let Some(p) = problem {
        let _ = write!(o, "<p class=\"problem\" id=\"problem\">{}</p>", h(p));
    }
    let _ = write!(
        o,
        "<form method=\"post\" action=\"/setup\" id=\"setup\">{}<input type=\"hidden\" name=\"token\" value=\"{}\"><label>{} <input name=\"name\" autocomplete=\"username\" required></label><label>{} <input name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"{}\"></label><button>{}</button></form>",
        csrf_field(csrf),
        h(token),
        h(&l.t("serve-user-name")),
        h(&l.t("serve-password")),
        crate::auth::MIN_PASSWORD,
        h(&l.t("serve-create-user"))
    );
    o
}
