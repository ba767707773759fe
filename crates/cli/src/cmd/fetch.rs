//! `iotgate mud fetch`: retrieves MUD profiles into the cache `--mud-cache` reads (the retrieval
//! and its checks are `iotgate_mud::fetch`), and says what happened to each URL in the reader's
//! language.

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_mud::fetch::{agent, fetch, FetchError, Outcome};
use std::path::PathBuf;

/// `iotgate mud fetch URL… --cache DIR --trust CA.pem [--tls-roots PEM] [--force]`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let dir = m.get_one::<PathBuf>("cache").cloned().unwrap_or_default();
    let read = |p: &PathBuf| crate::files::read_file(l, p).map_err(Failure::usage);
    let Some(trust) = m.get_one::<PathBuf>("trust") else {
        return Err(Failure::status(2));
    };
    let anchors = read(trust)?;
    let roots = match m.get_one::<PathBuf>("tls-roots") {
        Some(p) => Some(read(p)?),
        None => None,
    };
    let agent = agent(roots.as_deref())
        .map_err(|e| Failure::usage(l.ta("fetch-tls", &[("error", Arg::S(&e))])))?;
    let mut status = 0;
    let mut text = String::new();
    for url in m.get_many::<String>("urls").into_iter().flatten() {
        let u = Arg::S(url);
        let line = match fetch(&agent, url, &dir, &anchors, m.get_flag("force")) {
            Ok(Outcome::Stored(p)) => l.ta(
                "fetch-stored",
                &[("url", u), ("path", Arg::S(&p.display().to_string()))],
            ),
            Ok(Outcome::Fresh(p)) => l.ta(
                "fetch-fresh",
                &[("url", u), ("path", Arg::S(&p.display().to_string()))],
            ),
            Err(e) => {
                status = 1;
                error_text(l, url, e)
            }
        };
        text.push_str(&line);
        text.push('\n');
    }
    print_str(l, &text)?;
    match status {
        0 => Ok(()),
        n => Err(Failure::status(n)),
    }
}

/// Why `url` was not fetched or kept, on one localised line.
pub fn error_text(l: &Localizer, url: &str, e: FetchError) -> String {
    let (id, detail) = match e {
        FetchError::BadUrl => (
            "fetch-bad-url",
            iotgate_explain::mud_url_problem(l, url).unwrap_or_default(),
        ),
        FetchError::Http(d) => ("fetch-http", d),
        FetchError::TooLarge => (
            "fetch-too-large",
            iotgate_mud::MAX_PROFILE_BYTES.to_string(),
        ),
        FetchError::Unusable(n) => ("fetch-unusable", n.to_string()),
        FetchError::SignatureFetch(d) => ("fetch-signature", d),
        FetchError::Signature(e) => ("fetch-signature", signature_error_text(l, &e, url)),
        FetchError::Io(d) => ("fetch-io", d),
    };
    l.ta(id, &[("url", Arg::S(url)), ("detail", Arg::S(&detail))])
}

/// Why a signature is not valid, on one localised line (`path` names the signature).
pub fn signature_error_text(
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
