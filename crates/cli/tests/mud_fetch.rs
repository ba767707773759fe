//! `iotgate mud fetch` against a local HTTPS server on loopback with a test CA made here: the
//! Cisco profile and its signature are fetched, verified and cached (and not fetched again while
//! valid); a profile changed by one byte, plain http, an untrusted server, an oversized body and a
//! missing signature are all refused with a clear message.

use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{SslAcceptor, SslMethod};
use openssl::x509::extension::{BasicConstraints, SubjectAlternativeName};
use openssl::x509::{X509NameBuilder, X509};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

fn key() -> PKey<Private> {
    let g = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
    PKey::from_ec_key(EcKey::generate(&g).expect("key")).expect("pkey")
}

fn cert(cn: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>) -> X509 {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", cn).expect("cn");
    let name = name.build();
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("v3");
    b.set_serial_number(
        &BigNum::from_u32(7)
            .expect("bn")
            .to_asn1_integer()
            .expect("serial"),
    )
    .expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_pubkey(key).expect("pubkey");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("t"))
        .expect("nb");
    b.set_not_after(&Asn1Time::days_from_now(2).expect("t"))
        .expect("na");
    match issuer {
        None => {
            b.set_issuer_name(&name).expect("issuer");
            b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
                .expect("ext");
            b.sign(key, MessageDigest::sha256()).expect("sign");
        }
        Some((ca, ca_key)) => {
            b.set_issuer_name(ca.subject_name()).expect("issuer");
            let san = SubjectAlternativeName::new()
                .dns("localhost")
                .ip("127.0.0.1")
                .build(&b.x509v3_context(Some(ca), None))
                .expect("san");
            b.append_extension(san).expect("ext");
            b.sign(ca_key, MessageDigest::sha256()).expect("sign");
        }
    }
    b.build()
}

/// Serves `files` (path → body) over HTTPS on a loopback port; counts requests.
fn serve(
    files: HashMap<String, Vec<u8>>,
    ca: &X509,
    ca_key: &PKey<Private>,
) -> (u16, Arc<AtomicUsize>) {
    let k = key();
    let c = cert("localhost", &k, Some((ca, ca_key)));
    let mut acc = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).expect("acceptor");
    acc.set_private_key(&k).expect("key");
    acc.set_certificate(&c).expect("cert");
    let acc = Arc::new(acc.build());
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            let Ok(mut tls) = acc.accept(s) else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            h.fetch_add(1, Ordering::SeqCst);
            let line = String::from_utf8_lossy(&req)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            let path = line.split(' ').nth(1).unwrap_or("/").to_string();
            let (status, body) = match files.get(&path) {
                Some(b) => ("200 OK", b.clone()),
                None => ("404 Not Found", b"no".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = tls.write_all(head.as_bytes());
            let _ = tls.write_all(&body);
            let _ = tls.shutdown();
        }
    });
    (port, hits)
}

fn cisco(f: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../../../shared/data/mud/cisco/{f}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("read")
}

fn fetch(dir: &std::path::Path, roots: Option<&std::path::Path>, urls: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iotgate"));
    c.args(["mud", "fetch", "--lang", "en", "--cache"]).arg(dir);
    c.arg("--trust").arg(dir.join("../luminaire-ca.pem"));
    if let Some(r) = roots {
        c.arg("--tls-roots").arg(r);
    }
    let o = c.args(urls).output().expect("run");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn fetch_verifies_caches_and_refuses_what_it_must() {
    let ca_key = key();
    let ca = cert("iotgate test CA", &ca_key, None);
    let profile = cisco("Luminaire_150.json");
    // One byte changed inside a string: still a valid profile, no longer the signed one.
    let mut changed = profile.clone();
    let i = changed
        .windows(9)
        .position(|w| w == b"Luminaire")
        .expect("a name")
        + 8;
    changed[i] = b'f';
    let files = HashMap::from([
        ("/good/Luminaire_150.json".to_string(), profile.clone()),
        (
            "/good/Luminaire_150.p7s".to_string(),
            cisco("Luminaire_150.p7s"),
        ),
        ("/bad/Luminaire_150.json".to_string(), changed),
        (
            "/bad/Luminaire_150.p7s".to_string(),
            cisco("Luminaire_150.p7s"),
        ),
        ("/huge/x.json".to_string(), vec![b' '; 2 << 20]),
        ("/nosig/Luminaire_150.json".to_string(), profile.clone()),
    ]);
    let (port, hits) = serve(files, &ca, &ca_key);
    let base = std::env::temp_dir().join(format!("iotgate-fetch-{}", std::process::id()));
    let dir = base.join("cache");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(base.join("luminaire-ca.pem"), cisco("luminaire-cacert.pem")).expect("ca");
    let roots = base.join("test-ca.pem");
    std::fs::write(&roots, ca.to_pem().expect("pem")).expect("roots");
    let url = |p: &str| format!("https://localhost:{port}{p}");

    // Good: fetched, verified, stored where --mud-cache looks.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/good/Luminaire_150.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("signature valid; stored in"), "{out}");
    let stored = dir.join("localhost/good/Luminaire_150.json");
    assert_eq!(std::fs::read(&stored).expect("stored"), profile);
    assert!(dir.join("localhost/good/Luminaire_150.json.p7s").exists());
    // Within its cache-validity (48 h): not fetched again.
    let before = hits.load(Ordering::SeqCst);
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/good/Luminaire_150.json")]);
    assert_eq!(code, 0);
    assert!(out.contains("still valid"), "{out}");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        before,
        "a valid cached profile was fetched again"
    );

    // One byte changed: the signature does not verify; nothing stored.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/bad/Luminaire_150.json")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("not kept — its signature does not verify")
            && out.contains("changed after signing"),
        "{out}"
    );
    assert!(!dir.join("localhost/bad/Luminaire_150.json").exists());

    // No signature published.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/nosig/Luminaire_150.json")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("/nosig/Luminaire_150.p7s") && out.contains("404"),
        "{out}"
    );

    // Too large.
    let (code, out) = fetch(&dir, Some(&roots), &[&url("/huge/x.json")]);
    assert_eq!(code, 1);
    assert!(out.contains("larger than 1048576 bytes"), "{out}");

    // A server whose certificate the client does not trust.
    let (code, out) = fetch(
        &dir,
        None,
        &[&url("/good/Luminaire_150.json").replace("/good/", "/good2/")],
    );
    assert_eq!(code, 1);
    assert!(out.contains("not fetched"), "{out}");

    // Plain http is never fetched.
    let (code, out) = fetch(
        &dir,
        Some(&roots),
        &[&format!("http://localhost:{port}/good/Luminaire_150.json")],
    );
    assert_eq!(code, 1);
    assert!(out.contains("only https://"), "{out}");
    let _ = std::fs::remove_dir_all(&base);
}
