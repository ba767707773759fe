//! Verifying a MUD file's detached CMS signature (RFC 8520 section 13) against trust anchors the
//! user configures, with OpenSSL's CMS implementation.
//!
//! The signer's certificate chain is checked at the time the signature was made (its CMS
//! `signingTime` attribute), when the signature says it; a certificate that has expired since does
//! not invalidate a signature made while it was valid, and the result says so.

use openssl::cms::{CMSOptions, CmsContentInfo};
use openssl::pkcs7::Pkcs7;
use openssl::x509::store::X509StoreBuilder;
use openssl::x509::verify::X509VerifyParam;
use openssl::x509::X509;

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The signer certificate's subject (`O=…, CN=…`).
    pub signer: String,
    /// When the signature says it was made (Unix seconds), if it says.
    pub signed_at: Option<i64>,
    /// The moment the chain was checked at (Unix seconds).
    pub checked_at: i64,
    /// True when a certificate of the chain is no longer valid now.
    pub expired_since: bool,
}

/// Why a signature did not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The signature file is not CMS/PKCS #7 (DER or PEM).
    NotCms(String),
    /// A trust anchor is not a PEM certificate.
    BadAnchor(String),
    /// No trust anchor was given.
    NoAnchor,
    /// The profile is not the one that was signed (its digest differs).
    ContentChanged,
    /// The signer's certificate does not chain to a trust anchor (OpenSSL's reason).
    Untrusted(String),
    /// The signature itself is wrong (OpenSSL's reason).
    Invalid(String),
}

fn reason(e: &openssl::error::ErrorStack) -> String {
    e.errors()
        .iter()
        .map(|x| {
            let r = x.reason().unwrap_or("error");
            match x.data() {
                Some(d) if !d.is_empty() => format!("{r}: {d}"),
                _ => r.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Verifies `sig` (DER or PEM CMS SignedData) as a detached signature of `profile`, with the
/// PEM certificates in `anchors` as the only trust anchors. `now` is the current time in Unix
/// seconds (used when the signature carries no signing time, and to tell expiry since).
pub fn verify(
    profile: &[u8],
    sig: &[u8],
    anchors: &[u8],
    now: i64,
) -> Result<Verified, SignatureError> {
    let pem = sig.starts_with(b"-----");
    let cms = if pem {
        CmsContentInfo::from_pem(sig)
    } else {
        CmsContentInfo::from_der(sig)
    };
    let mut cms = cms.map_err(|e| SignatureError::NotCms(reason(&e)))?;
    let certs = X509::stack_from_pem(anchors).map_err(|e| SignatureError::BadAnchor(reason(&e)))?;
    if certs.is_empty() {
        return Err(SignatureError::NoAnchor);
    }
    let der = if pem {
        Pkcs7::from_pem(sig)
            .and_then(|p| p.to_der())
            .unwrap_or_default()
    } else {
        sig.to_vec()
    };
    let signed_at = signing_time(&der);
    let at = signed_at.unwrap_or(now);
    let store = |time: i64| -> Result<openssl::x509::store::X509Store, SignatureError> {
        let mut b = X509StoreBuilder::new().map_err(|e| SignatureError::Invalid(reason(&e)))?;
        for c in &certs {
            b.add_cert(c.clone())
                .map_err(|e| SignatureError::BadAnchor(reason(&e)))?;
        }
        let mut p = X509VerifyParam::new().map_err(|e| SignatureError::Invalid(reason(&e)))?;
        p.set_time(time as _);
        b.set_param(&p)
            .map_err(|e| SignatureError::Invalid(reason(&e)))?;
        Ok(b.build())
    };
    let s = store(at)?;
    if let Err(e) = cms.verify(None, Some(&s), Some(profile), None, CMSOptions::BINARY) {
        let r = reason(&e);
        let l = r.to_ascii_lowercase();
        return Err(if l.contains("digest") || l.contains("content verify") {
            SignatureError::ContentChanged
        } else if l.contains("certificate") || l.contains("signer") {
            SignatureError::Untrusted(r)
        } else {
            SignatureError::Invalid(r)
        });
    }
    // Would it still verify today? Only to tell the user; it already did at signing time.
    let expired_since = signed_at.is_some_and(|_| {
        let mut again = CmsContentInfo::from_der(&der).ok();
        match (again.as_mut(), store(now)) {
            (Some(c), Ok(s)) => c
                .verify(None, Some(&s), Some(profile), None, CMSOptions::BINARY)
                .is_err(),
            _ => false,
        }
    });
    let signer = Pkcs7::from_der(&der)
        .ok()
        .and_then(|p| {
            let signed = p.signed()?;
            let c = signed.certificates()?.iter().next()?.to_owned();
            Some(subject(&c))
        })
        .unwrap_or_default();
    Ok(Verified {
        signer,
        signed_at,
        checked_at: at,
        expired_since,
    })
}

fn subject(c: &X509) -> String {
    c.subject_name()
        .entries()
        .map(|e| {
            let k = e.object().nid().short_name().unwrap_or("?");
            let v = e.data().to_string().unwrap_or_default();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The CMS `signingTime` attribute (OID 1.2.840.113549.1.9.5) in Unix seconds, found by its
/// encoding: the OID, a SET, then a UTCTime or GeneralizedTime.
pub fn signing_time(der: &[u8]) -> Option<i64> {
    const OID: [u8; 11] = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05,
    ];
    let at = der.windows(OID.len()).position(|w| w == OID)? + OID.len();
    let rest = der.get(at..)?;
    if rest.first() != Some(&0x31) {
        return None;
    }
    let t = rest.get(2..)?;
    let (tag, len) = (*t.first()?, *t.get(1)? as usize);
    let s = std::str::from_utf8(t.get(2..2 + len)?).ok()?;
    let (year, rest) = match tag {
        0x17 => {
            let y: i64 = s.get(0..2)?.parse().ok()?;
            (if y < 50 { 2000 + y } else { 1900 + y }, s.get(2..)?)
        }
        0x18 => (s.get(0..4)?.parse().ok()?, s.get(4..)?),
        _ => return None,
    };
    let n = |r: std::ops::Range<usize>| -> Option<i64> { rest.get(r)?.parse().ok() };
    let (mo, d, h, mi, se) = (n(0..2)?, n(2..4)?, n(4..6)?, n(6..8)?, n(8..10)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    // Days from civil (proleptic Gregorian), as in Howard Hinnant's algorithm.
    let y = if mo <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + se)
}

/// How many certificates the PEM text `pem` holds, or why it holds none that can be read (for
/// checking trust anchors or TLS roots when they are given, not when a profile fails).
pub fn certificates(pem: &[u8]) -> Result<usize, String> {
    match X509::stack_from_pem(pem) {
        Ok(v) if v.is_empty() => Err("no certificate".into()),
        Ok(v) => Ok(v.len()),
        Err(e) => Err(reason(&e)),
    }
}
