//! Check outcomes from evidence: what a capture showed about one device (its `analyze` model and
//! alerts), what a probe found, and what the manufacturer declared.

use crate::declaration::{is_none_value, Date, Declaration, PasswordPolicy, UpdateMechanism};
use iotgate_explain::alerts::AlertOut;
use iotgate_explain::model::{DeviceOut, Direction, PeerOut, Proto};
use iotgate_explain::mud::MudAuditOut;
use iotgate_explain::typed::role_id;
use iotgate_explain::{Arg, Localizer};
use iotgate_judge::detect::Kind;
use iotgate_judge::Severity;
use iotgate_probe::{has_version, Report};

/// A check's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The evidence meets what the check asks.
    Pass,
    /// The evidence contradicts it.
    Fail,
    /// No evidence either way.
    NotAssessed,
}

/// One check's result, with the evidence (or the reason there is none) in words.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckResult {
    /// The check.
    pub id: &'static str,
    /// Verdict.
    pub outcome: Outcome,
    /// What was seen, one line each.
    pub evidence: Vec<String>,
    /// Why it was not assessed.
    pub reason: Option<String>,
    /// For a capture check: what it reads and the least of it a pass needs.
    pub sees: Option<String>,
}

impl CheckResult {
    fn pass(id: &'static str, evidence: Vec<String>) -> Self {
        CheckResult {
            id,
            outcome: Outcome::Pass,
            evidence,
            reason: None,
            sees: None,
        }
    }
    fn fail(id: &'static str, evidence: Vec<String>) -> Self {
        CheckResult {
            id,
            outcome: Outcome::Fail,
            evidence,
            reason: None,
            sees: None,
        }
    }
    fn unknown(id: &'static str, reason: String) -> Self {
        CheckResult {
            id,
            outcome: Outcome::NotAssessed,
            evidence: Vec::new(),
            reason: Some(reason),
            sees: None,
        }
    }
}

/// Findings that mean credentials (passwords, tokens, keys) crossed the network in clear.
const LOGIN_FINDINGS: &[&str] = &[
    "cleartext-telnet",
    "cleartext-ftp",
    "http-basic-auth",
    "mqtt-cleartext-credentials",
    "http-cleartext-secrets",
];
/// Findings that mean data crossed the network unencrypted (a cleartext login session carries
/// data too).
const DATA_FINDINGS: &[&str] = &[
    "rtsp-cleartext",
    "unidentified-cleartext",
    "mqtt-cleartext",
    "http-cleartext-secrets",
    "cleartext-telnet",
    "cleartext-ftp",
    "http-basic-auth",
    "mqtt-cleartext-credentials",
];
/// Findings that show sensitive personal data in clear: secrets or personal fields in plain-HTTP
/// requests, and video streams.
const PERSONAL_FINDINGS: &[&str] = &["http-cleartext-secrets", "rtsp-cleartext"];
/// Fewer TCP sessions than this (to or from the device) are too little traffic to say that
/// nothing travels in clear: a requirement about data in transit is then not assessed.
pub const MIN_SESSIONS: u64 = 10;
/// Services that should not answer on a consumer device (TCP port, name).
const RISKY_SERVICES: &[(u16, &str)] = &[
    (21, "FTP"),
    (23, "Telnet"),
    (2323, "Telnet"),
    (512, "rexec"),
    (513, "rlogin"),
    (514, "rsh"),
    (5555, "adb"),
    (7547, "TR-069"),
];
/// Alert kinds that show the device attacking (when outbound, medium or worse).
const ATTACK_ALERTS: &[Kind] = &[
    Kind::Scan,
    Kind::Flood,
    Kind::BruteForce,
    Kind::C2,
    Kind::Blocklist,
];

/// What to call a peer: the name the device resolved to it, else its address.
fn peer_name(p: &PeerOut) -> String {
    p.name.clone().unwrap_or_else(|| p.ip.to_string())
}

/// One line per piece of evidence of these findings: "<title>: <peer> port <port> (<n>×)".
fn finding_lines(l: &Localizer, d: &DeviceOut, ids: &[&str]) -> Vec<String> {
    lines_where(l, d, ids, |_, _| true)
}

/// True when a piece of evidence shows credentials: any login finding, but of the sensitive
/// fields of a plain-HTTP request only the secrets (a password, token, key — not a user name or
/// a serial number, which are personal data, not credentials).
fn shows_credentials(finding: &str, e: &iotgate_explain::model::EvidenceOut) -> bool {
    finding != "http-cleartext-secrets" || e.detail.split(", ").any(iotgate_wire::http::is_secret)
}

/// [`finding_lines`] for the evidence `keep` accepts.
fn lines_where(
    l: &Localizer,
    d: &DeviceOut,
    ids: &[&str],
    keep: impl Fn(&str, &iotgate_explain::model::EvidenceOut) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for f in d.findings.iter().filter(|f| ids.contains(&f.id)) {
        for e in f.evidence.iter().filter(|e| keep(f.id, e)).take(3) {
            // Worded with this flow's own detail (its TLS version, the fields it carried).
            let title = iotgate_explain::typed::Text::new(format!("finding-{}-title", f.id))
                .arg("detail", e.detail.as_str())
                .arg("peer", e.peer_ip.to_string().as_str())
                .render(l);
            out.push(l.ta(
                "label-ev-finding",
                &[
                    ("finding", Arg::S(&title)),
                    (
                        "role",
                        Arg::S(&l.t(&format!("label-role-{}", role_id(e.role)))),
                    ),
                    ("peer", Arg::S(&e.peer_ip.to_string())),
                    ("port", Arg::N(e.server_port as f64)),
                    ("count", Arg::N(e.count as f64)),
                ],
            ));
        }
    }
    out
}

/// TCP sessions of the device that carried a payload (those whose protocol could be judged).
fn tcp_sessions(d: &DeviceOut) -> u64 {
    d.sessions.values().sum()
}

/// The device's sessions by protocol, in words: "TLS 120, SSH 2, unidentified binary 3".
fn session_mix(l: &Localizer, d: &DeviceOut) -> String {
    let mut v: Vec<(&&str, &u64)> = d.sessions.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.iter()
        .map(|(k, n)| format!("{} {n}", l.t(&format!("label-session-{k}"))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// When most of the device's sessions speak protocols iotgate cannot identify as encrypted or
/// not, "nothing seen in clear" says little: the reason to leave it open, else None.
fn mostly_unidentified(l: &Localizer, d: &DeviceOut) -> Option<String> {
    let total = tcp_sessions(d);
    let unknown = d.sessions.get("unidentified-binary").copied().unwrap_or(0);
    (unknown * 2 > total).then(|| {
        l.ta(
            "label-why-unidentified",
            &[
                ("count", Arg::N(unknown as f64)),
                ("sessions", Arg::N(total as f64)),
            ],
        )
    })
}

/// True when the capture holds enough of the device's unicast traffic for "nothing insecure
/// seen" to mean something (see [`MIN_SESSIONS`]).
fn active(d: &DeviceOut) -> bool {
    tcp_sessions(d) >= MIN_SESSIONS
}

/// One line per piece of evidence of `ids` where the device was the server: someone logged in
/// *to it* in clear.
fn served_lines(l: &Localizer, d: &DeviceOut, ids: &[&str]) -> Vec<String> {
    lines_where(l, d, ids, |f, e| {
        role_id(e.role) == "server" && shows_credentials(f, e)
    })
}

/// A short name for a cipher suite that gives no real protection today, or None: no encryption
/// (NULL), export-grade keys, single DES, RC4 (prohibited by RFC 7465) and 3DES (disallowed
/// for encryption by NIST SP 800-131A after 2023). Codes from the IANA TLS registry.
pub fn weak_suite(c: u16) -> Option<&'static str> {
    Some(match c {
        0x0000..=0x0002 | 0x002c..=0x002e | 0x003b | 0xc001 | 0xc006 | 0xc00b | 0xc010 | 0xc015 => {
            "NULL"
        }
        0x0003
        | 0x0006
        | 0x0008
        | 0x000b
        | 0x000e
        | 0x0011
        | 0x0014
        | 0x0017
        | 0x0019
        | 0x0026..=0x002b
        | 0x0060..=0x0065 => "EXPORT",
        0x0004 | 0x0005 | 0x0018 | 0x0020 | 0x0024 | 0x008a | 0x008e | 0x0092 | 0xc002 | 0xc007
        | 0xc00c | 0xc011 | 0xc016 | 0xc033 => "RC4",
        0x0009 | 0x000c | 0x000f | 0x0012 | 0x0015 | 0x001a | 0x001e | 0x0022 => "DES",
        0x000a
        | 0x000d
        | 0x0010
        | 0x0013
        | 0x0016
        | 0x001b
        | 0x001f
        | 0x0023
        | 0x008b
        | 0x008f
        | 0x0093
        | 0xc003
        | 0xc008
        | 0xc00d
        | 0xc012
        | 0xc017
        | 0xc01a..=0xc01c
        | 0xc034 => "3DES",
        _ => return None,
    })
}

/// True for a DNS name that looks like an update or firmware server.
pub fn is_update_name(n: &str) -> bool {
    let n = n.to_ascii_lowercase();
    ["update", "upgrade", "firmware", "fwupd", "fota", "ota."]
        .iter()
        .any(|k| n.contains(k))
        || n.split(['.', '-'])
            .any(|label| label == "ota" || label == "fw")
}

/// The checks a capture can settle for device `d`.
pub fn observed(l: &Localizer, d: &DeviceOut, alerts: &[AlertOut]) -> Vec<CheckResult> {
    let mut out = Vec::new();
    let sessions = tcp_sessions(d);
    let quiet = || {
        l.ta(
            "label-why-little-traffic",
            &[
                ("sessions", Arg::N(sessions as f64)),
                ("min", Arg::N(MIN_SESSIONS as f64)),
            ],
        )
    };
    let seen = || Arg::N(sessions as f64);

    // Credentials in clear, sent or received by the device.
    let lines = lines_where(l, d, LOGIN_FINDINGS, shows_credentials);
    out.push(if !lines.is_empty() {
        CheckResult::fail("cleartext-login", lines)
    } else if active(d) {
        CheckResult::pass(
            "cleartext-login",
            vec![l.ta("label-ev-no-cleartext-login", &[("sessions", seen())])],
        )
    } else {
        CheckResult::unknown("cleartext-login", quiet())
    });
    // Users logging in *to the device* in clear (its own Telnet, FTP, web page...).
    let lines = served_lines(l, d, LOGIN_FINDINGS);
    out.push(if !lines.is_empty() {
        CheckResult::fail("cleartext-login-served", lines)
    } else {
        CheckResult::unknown("cleartext-login-served", l.t("label-why-needs-probe"))
    });

    // Data in clear: RTSP, MQTT without TLS, plain HTTP requests.
    let mut lines = finding_lines(l, d, DATA_FINDINGS);
    let http: Vec<_> = d
        .peers
        .iter()
        .filter(|p| {
            p.initiated_by_device && p.proto == Proto::TCP && p.port == 80 && p.bytes_sent > 0
        })
        .collect();
    if !http.is_empty() {
        let flows: u64 = http.iter().map(|p| p.flows).sum();
        lines.push(l.ta(
            "label-ev-http",
            &[
                ("servers", Arg::N(http.len() as f64)),
                ("flows", Arg::N(flows as f64)),
                ("first", Arg::S(&peer_name(http[0]))),
            ],
        ));
    }
    // Plain HTTP the device served or sent on other ports (a setup or control interface).
    let http_sessions = d.sessions.get("http").copied().unwrap_or(0);
    if http.is_empty() && http_sessions > 0 {
        lines.push(l.ta(
            "label-ev-http-sessions",
            &[("sessions", Arg::N(http_sessions as f64))],
        ));
    }
    out.push(if !lines.is_empty() {
        CheckResult::fail("cleartext-data", lines)
    } else if !active(d) {
        CheckResult::unknown("cleartext-data", quiet())
    } else if let Some(why) = mostly_unidentified(l, d) {
        CheckResult::unknown("cleartext-data", why)
    } else {
        CheckResult::pass(
            "cleartext-data",
            vec![l.ta(
                "label-ev-no-cleartext-data",
                &[
                    ("sessions", seen()),
                    ("protocols", Arg::S(&session_mix(l, d))),
                ],
            )],
        )
    });

    // Sensitive personal data in clear: what plain-HTTP requests carried (tokens, serial
    // numbers, Wi-Fi names, positions…) and video streams. Other cleartext says data travels in
    // clear, not that it is sensitive: the requirement then stays open.
    let personal = finding_lines(l, d, PERSONAL_FINDINGS);
    let clear = out
        .iter()
        .any(|c| c.id == "cleartext-data" && c.outcome == Outcome::Fail);
    out.push(if !personal.is_empty() {
        CheckResult::fail("cleartext-personal", personal)
    } else if clear {
        CheckResult::unknown("cleartext-personal", l.t("label-why-clear-not-personal"))
    } else {
        match out.iter().find(|c| c.id == "cleartext-data") {
            Some(c) if c.outcome == Outcome::Pass => {
                CheckResult::pass("cleartext-personal", c.evidence.clone())
            }
            Some(c) => {
                CheckResult::unknown("cleartext-personal", c.reason.clone().unwrap_or_else(quiet))
            }
            None => CheckResult::unknown("cleartext-personal", quiet()),
        }
    });

    // TLS versions offered.
    let legacy = finding_lines(l, d, &["tls-legacy"]);
    out.push(if !legacy.is_empty() {
        CheckResult::fail("tls-version", legacy)
    } else if !d.tls.versions.is_empty() {
        CheckResult::pass(
            "tls-version",
            vec![l.ta(
                "label-ev-tls",
                &[
                    (
                        "versions",
                        Arg::S(
                            &d.tls
                                .versions
                                .iter()
                                .map(|v| v.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ),
                    ("servers", Arg::N(d.tls.snis.len() as f64)),
                ],
            )],
        )
    } else {
        CheckResult::unknown("tls-version", l.t("label-why-no-tls"))
    });

    // Cipher suites offered.
    let weak: Vec<(u16, &str)> = d
        .tls
        .suites
        .iter()
        .filter_map(|&c| weak_suite(c).map(|name| (c, name)))
        .collect();
    out.push(if !weak.is_empty() {
        let names: Vec<String> = weak
            .iter()
            .take(6)
            .map(|(c, n)| format!("0x{c:04x} ({n})"))
            .collect();
        CheckResult::fail(
            "tls-suites",
            vec![l.ta(
                "label-ev-weak-suites",
                &[("suites", Arg::S(&names.join(", ")))],
            )],
        )
    } else if !d.tls.suites.is_empty() {
        CheckResult::pass(
            "tls-suites",
            vec![l.ta(
                "label-ev-suites-ok",
                &[("hellos", Arg::N(d.tls.ja3.len() as f64))],
            )],
        )
    } else {
        CheckResult::unknown("tls-suites", l.t("label-why-no-tls"))
    });

    // Update servers: names that say so, reached over TLS or in clear.
    let updates: Vec<_> = d
        .peers
        .iter()
        .filter(|p| p.initiated_by_device && p.proto == Proto::TCP)
        .filter(|p| p.name.as_deref().is_some_and(is_update_name))
        .collect();
    let clear: Vec<_> = updates
        .iter()
        .filter(|p| p.port == 80 || p.port == 8080)
        .collect();
    let tls: Vec<_> = updates
        .iter()
        .filter(|p| p.port == 443 || p.port == 8443)
        .collect();
    out.push(if let Some(p) = clear.first() {
        CheckResult::fail(
            "update-channel",
            vec![l.ta(
                "label-ev-update-clear",
                &[
                    ("server", Arg::S(&peer_name(p))),
                    ("port", Arg::N(p.port as f64)),
                ],
            )],
        )
    } else if let Some(p) = tls.iter().find(|p| p.flows >= 2) {
        CheckResult::pass(
            "update-channel",
            vec![l.ta(
                "label-ev-update-tls",
                &[
                    ("server", Arg::S(&peer_name(p))),
                    ("flows", Arg::N(p.flows as f64)),
                ],
            )],
        )
    } else {
        CheckResult::unknown("update-channel", l.t("label-why-no-update"))
    });

    // Risky services the device answered on.
    let mut lines = Vec::new();
    for p in &d.peers {
        if p.initiated_by_device || p.proto != Proto::TCP || p.packets_sent == 0 {
            continue;
        }
        if let Some((_, name)) = RISKY_SERVICES.iter().find(|(port, _)| *port == p.port) {
            if lines.len() < 5 {
                lines.push(l.ta(
                    "label-ev-service",
                    &[
                        ("service", Arg::S(name)),
                        ("port", Arg::N(p.port as f64)),
                        ("peer", Arg::S(&p.ip.to_string())),
                    ],
                ));
            }
        }
    }
    out.push(if !lines.is_empty() {
        CheckResult::fail("exposed-services", lines)
    } else {
        CheckResult::unknown("exposed-services", l.t("label-why-needs-probe"))
    });

    // UPnP port mappings.
    let lines = finding_lines(l, d, &["upnp-port-mapping"]);
    out.push(if !lines.is_empty() {
        CheckResult::fail("upnp-mapping", lines)
    } else {
        CheckResult::unknown("upnp-mapping", l.t("label-why-absence"))
    });

    // Hard-coded resolvers.
    let lines = finding_lines(l, d, &["dns-hardcoded-resolver"]);
    out.push(if !lines.is_empty() {
        CheckResult::fail("dns-bypass", lines)
    } else {
        CheckResult::unknown("dns-bypass", l.t("label-why-absence"))
    });

    // Attack traffic from the device.
    let lines: Vec<String> = alerts
        .iter()
        .filter(|a| {
            a.mac == d.mac
                && a.direction == Direction::Outbound
                && ATTACK_ALERTS.contains(&a.kind)
                && a.severity >= Severity::Medium
        })
        .take(5)
        .map(|a| {
            l.ta(
                "label-ev-alert",
                &[
                    ("title", Arg::S(&a.title.render(l))),
                    ("severity", Arg::S(a.severity.id())),
                    ("at", Arg::S(&a.raised_at.to_string())),
                ],
            )
        })
        .collect();
    out.push(if !lines.is_empty() {
        CheckResult::fail("compromise", lines)
    } else {
        CheckResult::unknown("compromise", l.t("label-why-absence"))
    });
    out
}

/// The checks a probe settles.
pub fn probed(l: &Localizer, p: Option<&Report>) -> Vec<CheckResult> {
    const IDS: [&str; 5] = [
        "default-credentials",
        "exposed-services",
        "banner-disclosure",
        "unauthenticated-access",
        "login-service-cleartext",
    ];
    let Some(p) = p else {
        return IDS
            .iter()
            .map(|id| CheckResult::unknown(id, l.t("label-why-not-probed")))
            .collect();
    };
    let mut out = Vec::new();
    out.push(if let Some(a) = &p.accepted {
        CheckResult::fail(
            "default-credentials",
            vec![l.ta(
                "label-ev-default-login",
                &[
                    ("service", Arg::S(a.service.name())),
                    ("user", Arg::S(&a.user)),
                    ("port", Arg::N(a.port as f64)),
                ],
            )],
        )
    } else {
        // A short list of defaults failing proves nothing about uniqueness.
        CheckResult::unknown(
            "default-credentials",
            l.ta(
                "label-why-defaults-refused",
                &[("services", Arg::N(p.refused.len() as f64))],
            ),
        )
    });
    let risky: Vec<String> = p
        .open
        .iter()
        .filter(|o| o.service.risky())
        .map(|o| {
            l.ta(
                "label-ev-service-open",
                &[
                    ("service", Arg::S(o.service.name())),
                    ("port", Arg::N(o.port as f64)),
                ],
            )
        })
        .collect();
    // A login service of the device's own that takes passwords in clear (Telnet, FTP).
    let clear: Vec<String> = p
        .open
        .iter()
        .filter(|o| matches!(o.service.name(), "Telnet" | "FTP"))
        .map(|o| {
            l.ta(
                "label-ev-service-open",
                &[
                    ("service", Arg::S(o.service.name())),
                    ("port", Arg::N(o.port as f64)),
                ],
            )
        })
        .collect();
    out.push(if !clear.is_empty() {
        CheckResult::fail("login-service-cleartext", clear)
    } else {
        CheckResult::unknown("login-service-cleartext", l.t("label-why-absence"))
    });
    out.push(if !risky.is_empty() {
        CheckResult::fail("exposed-services", risky)
    } else {
        let ports: Vec<String> = p
            .open
            .iter()
            .map(|o| format!("{}/{}", o.service.name(), o.port))
            .collect();
        let open = if ports.is_empty() {
            "-".to_string()
        } else {
            ports.join(", ")
        };
        // The probe tries a list of TCP ports, not UDP nor every port: what it did not find
        // is not proved absent.
        CheckResult::unknown(
            "exposed-services",
            l.ta("label-ev-no-risky-service", &[("open", Arg::S(&open))]),
        )
    });
    let versions: Vec<String> = p
        .open
        .iter()
        .filter_map(|o| {
            let b = o.banner.as_deref()?;
            has_version(b).then(|| {
                l.ta(
                    "label-ev-banner",
                    &[
                        ("service", Arg::S(o.service.name())),
                        ("port", Arg::N(o.port as f64)),
                        ("banner", Arg::S(b)),
                    ],
                )
            })
        })
        .collect();
    out.push(if !versions.is_empty() {
        CheckResult::fail("banner-disclosure", versions)
    } else if p.open.is_empty() {
        CheckResult::unknown("banner-disclosure", l.t("label-why-nothing-open"))
    } else {
        CheckResult::pass(
            "banner-disclosure",
            vec![l.ta(
                "label-ev-no-version",
                &[("open", Arg::N(p.open.len() as f64))],
            )],
        )
    });
    out.push(if !p.anonymous.is_empty() {
        CheckResult::fail(
            "unauthenticated-access",
            p.anonymous
                .iter()
                .map(|(svc, port)| {
                    l.ta(
                        "label-ev-anonymous",
                        &[
                            ("service", Arg::S(svc.name())),
                            ("port", Arg::N(*port as f64)),
                        ],
                    )
                })
                .collect(),
        )
    } else {
        CheckResult::unknown("unauthenticated-access", l.t("label-why-absence"))
    });
    out
}

/// Merges results of the same check from several sources (a capture and a probe): a failure
/// anywhere fails it (with every failure's evidence), else a pass passes it.
pub fn merge(results: Vec<CheckResult>) -> Vec<CheckResult> {
    let rank = |o: Outcome| match o {
        Outcome::Fail => 2,
        Outcome::Pass => 1,
        Outcome::NotAssessed => 0,
    };
    let mut out: Vec<CheckResult> = Vec::new();
    for r in results {
        match out.iter_mut().find(|p| p.id == r.id) {
            None => out.push(r),
            Some(prev) if rank(r.outcome) > rank(prev.outcome) => *prev = r,
            Some(prev) if r.outcome == prev.outcome && r.outcome != Outcome::NotAssessed => {
                prev.evidence.extend(r.evidence)
            }
            Some(_) => {}
        }
    }
    out
}

/// The checks a declaration settles, judged on `today` (support periods end).
pub fn declared(l: &Localizer, d: Option<&Declaration>, today: Date) -> Vec<CheckResult> {
    let none = Declaration::default();
    let d = d.unwrap_or(&none);
    let missing = |id: &'static str| CheckResult::unknown(id, l.t("label-why-not-declared"));
    let said = |key: &str, value: &str| {
        l.ta(
            "label-ev-declared",
            &[("key", Arg::S(key)), ("value", Arg::S(value))],
        )
    };
    let mut out = Vec::new();
    out.push(match d.default_password {
        None => missing("declared-password"),
        Some(PasswordPolicy::Shared) => CheckResult::fail(
            "declared-password",
            vec![said("default_password", "shared")],
        ),
        Some(p) => {
            let v = match p {
                PasswordPolicy::Unique => "unique",
                PasswordPolicy::UserSet => "user-set",
                _ => "no-passwords",
            };
            CheckResult::pass("declared-password", vec![said("default_password", v)])
        }
    });
    let url_check = |id: &'static str, key: &str, v: &Option<String>| match v {
        None => missing(id),
        Some(s) if is_none_value(s) => CheckResult::fail(id, vec![said(key, "none")]),
        Some(s) => CheckResult::pass(id, vec![said(key, s)]),
    };
    out.push(url_check(
        "declared-disclosure",
        "vulnerability_disclosure",
        &d.vulnerability_disclosure,
    ));
    out.push(match &d.support_until {
        None => missing("declared-support-period"),
        Some(s) => match Date::parse(s) {
            Some(end) if end >= today => {
                CheckResult::pass("declared-support-period", vec![said("support_until", s)])
            }
            // The duty is to publish the period, and it is published: that it has ended is
            // what the buyer must hear, not a breach.
            Some(_) => CheckResult::pass(
                "declared-support-period",
                vec![l.ta("label-ev-support-ended", &[("date", Arg::S(s))])],
            ),
            None => CheckResult::fail(
                "declared-support-period",
                vec![said("support_until", "none")],
            ),
        },
    });
    let mech = |m: UpdateMechanism| match m {
        UpdateMechanism::Automatic => "automatic",
        UpdateMechanism::UserInitiated => "user-initiated",
        UpdateMechanism::None => "none",
    };
    out.push(match d.update_mechanism {
        None => missing("declared-updates"),
        Some(UpdateMechanism::None) => {
            CheckResult::fail("declared-updates", vec![said("update_mechanism", "none")])
        }
        Some(m) => CheckResult::pass("declared-updates", vec![said("update_mechanism", mech(m))]),
    });
    out.push(match d.update_mechanism {
        None => missing("declared-automatic-updates"),
        Some(UpdateMechanism::Automatic) => CheckResult::pass(
            "declared-automatic-updates",
            vec![said("update_mechanism", "automatic")],
        ),
        Some(m) => CheckResult::fail(
            "declared-automatic-updates",
            vec![said("update_mechanism", mech(m))],
        ),
    });
    out.push(match d.updates_signed {
        None => missing("declared-signed-updates"),
        Some(true) => CheckResult::pass(
            "declared-signed-updates",
            vec![said("updates_signed", "true")],
        ),
        Some(false) => CheckResult::fail(
            "declared-signed-updates",
            vec![said("updates_signed", "false")],
        ),
    });
    out.push(url_check(
        "declared-data",
        "data_practices",
        &d.data_practices,
    ));
    out.push(url_check("declared-sbom", "sbom", &d.sbom));
    out.push(held_label(l, d, today));
    out
}

/// A current Singapore CLS label (any level) or JC-STAR STAR-1 label the product holds: a deemed
/// route to all three UK PSTI requirements since SI 2025/1267. An expired label proves nothing
/// either way; the evidence names the label and its expiry.
fn held_label(l: &Localizer, d: &Declaration, today: Date) -> CheckResult {
    const ID: &str = "declared-held-label";
    if d.held_labels.is_empty() {
        return CheckResult::unknown(ID, l.t("label-why-not-declared"));
    }
    let name = |h: &crate::declaration::HeldLabel| {
        l.ta(
            match h.scheme {
                crate::declaration::LabelScheme::Cls => "label-held-cls",
                crate::declaration::LabelScheme::JcStar => "label-held-jc-star",
            },
            &[
                ("level", Arg::N(f64::from(h.level))),
                ("expires", Arg::S(&h.expires)),
            ],
        )
    };
    let current: Vec<String> = d
        .held_labels
        .iter()
        .filter(|h| Date::parse(&h.expires).is_some_and(|e| e >= today))
        .map(name)
        .collect();
    if current.is_empty() {
        let expired: Vec<String> = d.held_labels.iter().map(name).collect();
        CheckResult::unknown(
            ID,
            l.ta(
                "label-why-label-expired",
                &[("labels", Arg::S(&expired.join(", ")))],
            ),
        )
    } else {
        CheckResult::pass(ID, current)
    }
}

/// What a MUD profile for the device says and whether the device kept to it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MudEvidence {
    /// The file or URL the profile came from.
    pub source: String,
    /// `is-supported`.
    pub is_supported: Option<bool>,
    /// Where the SBOM is (RFC 9472 `sbom-url`, or "on the device" for `sbom-local-well-known`).
    pub sbom: Option<String>,
    /// Flows the profile refuses, one line each (the largest groups first).
    pub violations: Vec<String>,
    /// Flows the audit decided.
    pub flows: u64,
}

impl MudEvidence {
    /// What the profile read from `source` says, and how the device's audit (if it was
    /// audited) went: its five largest violation groups, one line each.
    pub fn from_audit(
        l: &Localizer,
        source: &str,
        profile: &iotgate_mud::model::Profile,
        audit: Option<&MudAuditOut>,
    ) -> MudEvidence {
        let violations = audit
            .map(|a| {
                a.violations
                    .iter()
                    .take(5)
                    .map(|v| {
                        l.ta(
                            "label-ev-mud-violation",
                            &[
                                (
                                    "remote",
                                    Arg::S(&v.name.clone().unwrap_or_else(|| v.remote.to_string())),
                                ),
                                ("proto", Arg::S(&v.proto.to_string())),
                                ("port", Arg::N(v.port as f64)),
                                ("flows", Arg::N(v.flows as f64)),
                            ],
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let sbom = profile.sbom.as_ref().and_then(|s| {
            s.url.clone().or_else(|| {
                s.local_well_known
                    .as_ref()
                    .map(|_| l.t("label-mud-sbom-local"))
            })
        });
        MudEvidence {
            source: source.to_string(),
            is_supported: profile.is_supported,
            sbom,
            violations,
            flows: audit.map_or(0, |a| a.flows),
        }
    }
}

/// The checks a MUD profile settles.
pub fn from_mud(l: &Localizer, m: Option<&MudEvidence>) -> Vec<CheckResult> {
    let Some(m) = m else {
        return ["mud-supported", "mud-sbom", "mud-conformance"]
            .iter()
            .map(|id| CheckResult::unknown(id, l.t("label-why-no-mud")))
            .collect();
    };
    let src = || Arg::S(&m.source);
    vec![
        match m.is_supported {
            Some(false) => CheckResult::fail(
                "mud-supported",
                vec![l.ta("label-ev-mud-unsupported", &[("source", src())])],
            ),
            _ => CheckResult::unknown("mud-supported", l.t("label-why-mud-supported")),
        },
        match &m.sbom {
            Some(u) => CheckResult::pass(
                "mud-sbom",
                vec![l.ta("label-ev-mud-sbom", &[("sbom", Arg::S(u))])],
            ),
            None => CheckResult::unknown("mud-sbom", l.t("label-why-mud-no-sbom")),
        },
        if !m.violations.is_empty() {
            CheckResult::fail("mud-conformance", m.violations.clone())
        } else if m.flows > 0 {
            CheckResult::pass(
                "mud-conformance",
                vec![l.ta("label-ev-mud-kept", &[("flows", Arg::N(m.flows as f64))])],
            )
        } else {
            CheckResult::unknown("mud-conformance", l.t("label-why-no-traffic"))
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_suites_are_named() {
        assert_eq!(weak_suite(0x0004), Some("RC4"));
        assert_eq!(weak_suite(0xc011), Some("RC4"));
        assert_eq!(weak_suite(0x000a), Some("3DES"));
        assert_eq!(weak_suite(0x0009), Some("DES"));
        assert_eq!(weak_suite(0x0003), Some("EXPORT"));
        assert_eq!(weak_suite(0x0002), Some("NULL"));
        // AES-GCM, ChaCha20 and TLS 1.3 suites are fine.
        for ok in [
            0x002f, 0x009c, 0xc02b, 0xc02f, 0xcca8, 0x1301, 0x1302, 0x1303,
        ] {
            assert_eq!(weak_suite(ok), None, "{ok:#06x}");
        }
    }

    #[test]
    fn update_servers_by_name() {
        for n in [
            "firmware.vendor.com",
            "fw.cam.example",
            "ota.bulbs.example",
            "update.microsoft.com",
            "dl-ota.x.cn",
        ] {
            assert!(is_update_name(n), "{n}");
        }
        for n in [
            "api.sonos.com",
            "fwd.example.com",
            "photos.example",
            "devs.tplinkcloud.com",
        ] {
            assert!(!is_update_name(n), "{n}");
        }
    }
}
