//! Retrieving MUD profiles (RFC 8520 section 13): over HTTPS only, bounded in size and time, with
//! their detached signatures, each verified against the caller's trust anchors before the
//! profile is kept in the cache that audits read, honouring the profile's `cache-validity`.

use crate::signature::verify;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Longest time one retrieval may take.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Why a profile was not fetched.
#[derive(Debug)]
pub enum FetchError {
    /// Not an `https://` URL, or one that cannot name a cache file.
    BadUrl,
    /// Transport or TLS failure, or a status other than 200.
    Http(String),
    /// Larger than a profile may be.
    TooLarge,
    /// The profile is not usable (number of errors).
    Unusable(usize),
    /// Its signature could not be fetched.
    SignatureFetch(String),
    /// Its signature did not verify.
    Signature(crate::signature::SignatureError),
    /// Writing the cache failed.
    Io(String),
}

/// Why a MUD URL cannot be fetched into the cache, for the message that says so: the cache
/// keeps a profile at `DIR/host/path.json`, so the URL must be `https://`, name a host, and name
/// a file whose path parts can be file names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// It does not start with `https://`.
    NotHttps,
    /// It starts with `https://` in another case (`HTTPS://`): the cache names need it in lower
    /// case.
    SchemeCase,
    /// Nothing usable as a host follows `https://`.
    NoHost,
    /// The host has characters a folder cannot be named with.
    BadHost,
    /// It names no file (it ends at the host, or with `/`).
    NoFile,
    /// A part of its path cannot name a file (`..`, `%2e`, spaces...): that part.
    BadSegment(String),
}

impl UrlProblem {
    /// The message id in the localisation catalogues (arguments `url`, and `segment` for
    /// [`UrlProblem::BadSegment`]).
    pub fn id(&self) -> &'static str {
        match self {
            UrlProblem::NotHttps => "url-not-https",
            UrlProblem::SchemeCase => "url-scheme-case",
            UrlProblem::NoHost => "url-no-host",
            UrlProblem::BadHost => "url-bad-host",
            UrlProblem::NoFile => "url-no-file",
            UrlProblem::BadSegment(_) => "url-bad-segment",
        }
    }
}

/// Why `url` cannot name a file in the profile cache (what makes [`crate::cache_path`] refuse
/// it, and so [`fetch`] answer [`FetchError::BadUrl`]), or `None` when it can. A URL that does
/// start with `https://` is never told it must.
pub fn url_problem(url: &str) -> Option<UrlProblem> {
    let Some(rest) = url.strip_prefix("https://") else {
        let https = url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        return Some(if https {
            UrlProblem::SchemeCase
        } else {
            UrlProblem::NotHttps
        });
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let name_ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:".contains(&b))
    };
    let h = crate::matcher::authority(&format!("https://{host}"));
    if h.is_empty() {
        return Some(UrlProblem::NoHost);
    }
    if !name_ok(&h) {
        return Some(UrlProblem::BadHost);
    }
    let mut segs = path.split('/').filter(|s| !s.is_empty()).peekable();
    if segs.peek().is_none() {
        return Some(UrlProblem::NoFile);
    }
    if let Some(bad) = segs.find(|s| !name_ok(s)) {
        return Some(UrlProblem::BadSegment(bad.to_string()));
    }
    None
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The HTTPS client: extra roots (PEM) are trusted for TLS besides the system's.
pub fn agent(extra_roots: Option<&[u8]>) -> Result<ureq::Agent, String> {
    let mut b = native_tls::TlsConnector::builder();
    if let Some(pem) = extra_roots {
        for c in openssl::x509::X509::stack_from_pem(pem).map_err(|e| e.to_string())? {
            let der = c.to_der().map_err(|e| e.to_string())?;
            let cert = native_tls::Certificate::from_der(&der).map_err(|e| e.to_string())?;
            b.add_root_certificate(cert);
        }
    }
    let tls = b.build().map_err(|e| e.to_string())?;
    Ok(ureq::AgentBuilder::new()
        .https_only(true)
        .redirects(0)
        .timeout(TIMEOUT)
        .tls_connector(Arc::new(tls))
        .build())
}

/// GETs `url` (https only), at most `limit` bytes.
fn get(agent: &ureq::Agent, url: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
    if !url.starts_with("https://") {
        return Err(FetchError::BadUrl);
    }
    let resp = agent
        .get(url)
        .call()
        .map_err(|e| FetchError::Http(e.to_string()))?;
    if resp.status() != 200 {
        return Err(FetchError::Http(format!("HTTP {}", resp.status())));
    }
    let mut body = Vec::new();
    resp.into_reader()
        .take(limit as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| FetchError::Http(e.to_string()))?;
    if body.len() > limit {
        return Err(FetchError::TooLarge);
    }
    Ok(body)
}

/// What happened to one URL.
pub enum Outcome {
    /// Fetched, verified and stored at this path.
    Stored(PathBuf),
    /// The cached copy is younger than its `cache-validity`; not fetched again.
    Fresh(PathBuf),
}

/// Fetches `url` into the cache `dir`, verifying its signature with `anchors` (PEM).
pub fn fetch(
    agent: &ureq::Agent,
    url: &str,
    dir: &Path,
    anchors: &[u8],
    force: bool,
) -> Result<Outcome, FetchError> {
    let path = crate::cache_path(dir, url).ok_or(FetchError::BadUrl)?;
    let stamp = path.with_extension("json.fetched");
    if !force {
        if let (Ok(bytes), Ok(t)) = (std::fs::read(&path), std::fs::read_to_string(&stamp)) {
            let fetched: i64 = t.trim().parse().unwrap_or(0);
            if let Some(p) = crate::parse_bytes(&bytes).profile {
                if now() - fetched < i64::from(p.cache_validity_hours) * 3600 {
                    return Ok(Outcome::Fresh(path));
                }
            }
        }
    }
    let body = get(agent, url, crate::MAX_PROFILE_BYTES)?;
    let parsed = crate::parse_bytes(&body);
    let Some(profile) = parsed.profile else {
        return Err(FetchError::Unusable(parsed.errors().count()));
    };
    // RFC 8520 13.2: without a mud-signature member, the signature sits beside the file, .p7s
    // instead of .json.
    let sig_url =
        profile
            .signature_url
            .clone()
            .unwrap_or_else(|| match url.strip_suffix(".json") {
                Some(base) => format!("{base}.p7s"),
                None => format!("{url}.p7s"),
            });
    let sig = get(agent, &sig_url, 64 * 1024).map_err(|e| match e {
        FetchError::Http(m) => FetchError::SignatureFetch(format!("{sig_url}: {m}")),
        other => other,
    })?;
    verify(&body, &sig, anchors, now()).map_err(FetchError::Signature)?;
    let io = |e: std::io::Error| FetchError::Io(e.to_string());
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path.with_extension("json.p7s"), &sig).map_err(io)?;
    std::fs::write(&path, &body).map_err(io)?;
    std::fs::write(&stamp, now().to_string()).map_err(io)?;
    Ok(Outcome::Stored(path))
}

#[cfg(test)]
mod tests {
    use super::{url_problem, UrlProblem};

    #[test]
    fn the_reason_a_url_is_refused_is_the_real_one() {
        let cases: [(&str, Option<UrlProblem>); 9] = [
            ("https://x.example/a.json", None),
            ("https://x.example/a/b", None),
            ("http://x.example/a.json", Some(UrlProblem::NotHttps)),
            ("HTTPS://x.example/a.json", Some(UrlProblem::SchemeCase)),
            ("https:///a.json", Some(UrlProblem::NoHost)),
            ("https://x.example/", Some(UrlProblem::NoFile)),
            ("https://x.example", Some(UrlProblem::NoFile)),
            (
                "https://x.example/../etc/passwd",
                Some(UrlProblem::BadSegment("..".into())),
            ),
            (
                "https://x.example/a%2e/b",
                Some(UrlProblem::BadSegment("a%2e".into())),
            ),
        ];
        for (url, want) in cases {
            let got = url_problem(url);
            assert_eq!(got, want, "{url}");
            // In step with the cache: refused exactly when no cache file can be named.
            let d = std::path::Path::new("/c");
            assert_eq!(got.is_none(), crate::cache_path(d, url).is_some(), "{url}");
            if url.to_ascii_lowercase().starts_with("https://") {
                assert_ne!(got, Some(UrlProblem::NotHttps), "{url}");
            }
        }
        assert_eq!(
            url_problem("https://bad host/a.json"),
            Some(UrlProblem::BadHost)
        );
    }
}
