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
