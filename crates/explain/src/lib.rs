//! Explanation (the pipeline's `explain` stage): the localisation layer (English and French) and
//! the three report formats of `iotgate analyze` — terminal, JSON and a self-contained HTML page.

pub mod alerts;
pub mod format;
pub mod html;
pub mod i18n;
pub mod model;
pub mod mud;
pub mod safe;
pub mod text;
pub mod typed;

pub use i18n::{Arg, Lang, Localizer};
pub use model::{build, Analysis, CaptureOut, SCHEMA};
pub use typed::{in_language, InLanguage, Text};

use iotgate_sources::{SourceError, SourceErrorKind, Warning, WarningKind};

/// A MUD validation problem in the reader's language: `<severity> at <path>: <message>`.
pub fn mud_diag_text(l: &Localizer, d: &iotgate_mud::Diag) -> String {
    use iotgate_mud::diag::DiagArg;
    let mut args = d.kind.args();
    if let iotgate_mud::DiagKind::Value { expected, .. } = &d.kind {
        for (k, v) in &mut args {
            if *k == "expected" {
                *v = DiagArg::Text(l.t(&format!("mud-exp-{expected}")));
            }
        }
    }
    let none = String::from("none");
    // Diagnostics quote the profile: its values are shown made visible.
    let shown: Vec<std::borrow::Cow<'_, str>> = args
        .iter()
        .map(|(_, v)| match v {
            DiagArg::Text(s) => safe::visible(s),
            DiagArg::Num(_) => std::borrow::Cow::Borrowed(""),
        })
        .collect();
    let fl: Vec<(&str, Arg<'_>)> = args
        .iter()
        .zip(&shown)
        .map(|((k, v), text)| {
            let a = match v {
                DiagArg::Text(s) if *k == "version" && s.is_empty() => Arg::S(&none),
                DiagArg::Text(_) => Arg::S(text),
                DiagArg::Num(n) => Arg::N(*n as f64),
            };
            (*k, a)
        })
        .collect();
    let sev = match d.severity {
        iotgate_mud::Severity::Error => l.t("mud-sev-error"),
        iotgate_mud::Severity::Warning => l.t("mud-sev-warning"),
    };
    let id = match (&d.kind, d.severity) {
        (iotgate_mud::DiagKind::Unknown { .. }, iotgate_mud::Severity::Error) => {
            "mud-undefined-member".to_string()
        }
        _ => format!("mud-{}", d.kind.id()),
    };
    format!("{sev} {}: {}", safe::visible(&d.path), l.ta(&id, &fl))
}

/// "Cannot write PATH: ERROR" in the reader's language.
pub fn write_error(l: &Localizer, path: &str, e: &dyn std::fmt::Display) -> String {
    l.ta(
        "err-write",
        &[("path", Arg::S(path)), ("error", Arg::S(&e.to_string()))],
    )
}

/// A capture-reading warning, to be worded by a renderer.
pub fn warning(w: &Warning) -> Text {
    let t = |key: &'static str| Text::new(key).arg("offset", w.offset);
    match &w.kind {
        WarningKind::Truncated { needed, had } => t("warn-truncated")
            .arg("needed", *needed as f64)
            .arg("had", *had as f64),
        WarningKind::BadRecordLength { len } => t("warn-bad-record").arg("len", *len as f64),
        WarningKind::BadBlock { block_type, len } => t("warn-bad-block")
            .arg("type", format!("{block_type:#x}"))
            .arg("len", *len as f64),
        WarningKind::UnsupportedLinkType { linktype } => {
            t("warn-linktype").arg("linktype", *linktype as f64)
        }
        WarningKind::UnknownInterface { interface } => {
            t("warn-interface").arg("interface", *interface as f64)
        }
    }
}

/// A capture-opening error in the reader's language, on one line, naming the file.
pub fn source_error_text(l: &Localizer, e: &SourceError) -> String {
    let path = e.path.display().to_string();
    let p = Arg::S(&path);
    match &e.kind {
        SourceErrorKind::Io(io) => {
            l.ta("err-io", &[("path", p), ("error", Arg::S(&io.to_string()))])
        }
        SourceErrorKind::Empty => l.ta("err-empty", &[("path", p)]),
        SourceErrorKind::NotCapture { magic, len } => l.ta(
            "err-not-capture",
            &[
                ("path", p),
                ("bytes", Arg::S(&iotgate_sources::hex_prefix(magic, *len))),
            ],
        ),
        SourceErrorKind::BadHeader { what } => {
            l.ta("err-bad-header", &[("path", p), ("what", Arg::S(what))])
        }
        SourceErrorKind::Directory => l.ta("err-directory", &[("path", p)]),
    }
}

/// Why a MUD URL cannot name a file in the profile cache, in the reader's language (None when
/// it can): the exact reason, so that a URL that does start with https:// is never told it must.
pub fn mud_url_problem(l: &Localizer, url: &str) -> Option<String> {
    let p = iotgate_mud::fetch::url_problem(url)?;
    let segment = match &p {
        iotgate_mud::fetch::UrlProblem::BadSegment(s) => s.clone(),
        _ => String::new(),
    };
    let url = safe::visible(url);
    Some(l.ta(
        p.id(),
        &[
            ("url", Arg::S(&url)),
            ("segment", Arg::S(&safe::visible(&segment))),
        ],
    ))
}

/// Why `url` was not fetched or kept, on one localised line.
pub fn mud_fetch_error_text(l: &Localizer, url: &str, e: iotgate_mud::fetch::FetchError) -> String {
    let (id, detail) = match e {
        iotgate_mud::fetch::FetchError::BadUrl => {
            ("fetch-bad-url", mud_url_problem(l, url).unwrap_or_default())
        }
        iotgate_mud::fetch::FetchError::Http(d) => ("fetch-http", d),
        iotgate_mud::fetch::FetchError::TooLarge => (
            "fetch-too-large",
            iotgate_mud::MAX_PROFILE_BYTES.to_string(),
        ),
        iotgate_mud::fetch::FetchError::Unusable(n) => ("fetch-unusable", n.to_string()),
        iotgate_mud::fetch::FetchError::SignatureFetch(d) => ("fetch-signature", d),
        iotgate_mud::fetch::FetchError::Signature(e) => {
            ("fetch-signature", mud_signature_error_text(l, &e, url))
        }
        iotgate_mud::fetch::FetchError::Io(d) => ("fetch-io", d),
    };
    l.ta(id, &[("url", Arg::S(url)), ("detail", Arg::S(&detail))])
}

/// Why a signature is not valid, on one localised line (`path` names the signature).
pub fn mud_signature_error_text(
    l: &Localizer,
    e: &iotgate_mud::signature::SignatureError,
    path: &str,
) -> String {
    use iotgate_mud::signature::SignatureError;
    let (id, detail) = match e {
        SignatureError::NotCms(d) => ("sig-not-cms", d.as_str()),
        SignatureError::BadAnchor(d) => ("sig-bad-anchor", d.as_str()),
        SignatureError::NoAnchor => ("sig-no-anchor", ""),
        SignatureError::ContentChanged => ("sig-changed", ""),
        SignatureError::Untrusted(d) => ("sig-untrusted", d.as_str()),
        SignatureError::Invalid(d) => ("sig-invalid", d.as_str()),
    };
    l.ta(id, &[("path", Arg::S(path)), ("detail", Arg::S(detail))])
}
