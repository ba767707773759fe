//! The Cisco luminaire profile's detached CMS signature verifies with its CA, and fails clearly
//! once one byte of the profile changes, with another anchor, or with a damaged signature.

use iotgate_mud::signature::{signing_time, verify, SignatureError};

fn cisco(f: &str) -> Vec<u8> {
    let p = format!(
        "{}/../../../shared/data/mud/cisco/{f}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const NOW: i64 = 1_795_000_000; // 2026-11-18: the CA expired in 2019.

#[test]
fn cisco_profile_verifies_with_its_ca_at_signing_time() {
    let v = verify(
        &cisco("Luminaire_150.json"),
        &cisco("Luminaire_150.p7s"),
        &cisco("luminaire-cacert.pem"),
        NOW,
    )
    .expect("the Cisco example verifies");
    assert_eq!(v.signed_at, Some(1_537_222_806)); // 2018-09-17T22:20:06Z
    assert_eq!(v.checked_at, 1_537_222_806);
    assert!(v.expired_since, "the CA certificate expired in 2019");
    assert!(
        v.signer.contains("CN=luminaire.example.com"),
        "{}",
        v.signer
    );
}

#[test]
fn one_changed_byte_fails() {
    let mut p = cisco("Luminaire_150.json");
    for i in [0, p.len() / 2, p.len() - 2] {
        let orig = p[i];
        p[i] ^= 0x01;
        let r = verify(
            &p,
            &cisco("Luminaire_150.p7s"),
            &cisco("luminaire-cacert.pem"),
            NOW,
        );
        assert_eq!(r, Err(SignatureError::ContentChanged), "byte {i}");
        p[i] = orig;
    }
}

#[test]
fn wrong_anchor_and_damaged_signatures_fail() {
    // A different CA: generated here for the test (any valid certificate not in the chain).
    let key = openssl::ec::EcKey::generate(
        &openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).expect("curve"),
    )
    .expect("key");
    let key = openssl::pkey::PKey::from_ec_key(key).expect("pkey");
    let mut name = openssl::x509::X509NameBuilder::new().expect("name");
    name.append_entry_by_text("O", "Someone Else")
        .expect("entry");
    let name = name.build();
    let mut b = openssl::x509::X509Builder::new().expect("builder");
    b.set_subject_name(&name).expect("subject");
    b.set_issuer_name(&name).expect("issuer");
    b.set_pubkey(&key).expect("pubkey");
    b.set_not_before(&openssl::asn1::Asn1Time::from_unix(1_500_000_000).expect("t"))
        .expect("nb");
    b.set_not_after(&openssl::asn1::Asn1Time::from_unix(1_900_000_000).expect("t"))
        .expect("na");
    b.sign(&key, openssl::hash::MessageDigest::sha256())
        .expect("sign");
    let other = b.build().to_pem().expect("pem");
    let r = verify(
        &cisco("Luminaire_150.json"),
        &cisco("Luminaire_150.p7s"),
        &other,
        NOW,
    );
    assert!(matches!(r, Err(SignatureError::Untrusted(_))), "{r:?}");

    let mut sig = cisco("Luminaire_150.p7s");
    sig.truncate(sig.len() / 2);
    let r = verify(
        &cisco("Luminaire_150.json"),
        &sig,
        &cisco("luminaire-cacert.pem"),
        NOW,
    );
    assert!(matches!(r, Err(SignatureError::NotCms(_))), "{r:?}");
    let r = verify(
        &cisco("Luminaire_150.json"),
        &cisco("Luminaire_150.p7s"),
        b"not a certificate",
        NOW,
    );
    assert!(
        matches!(
            r,
            Err(SignatureError::BadAnchor(_) | SignatureError::NoAnchor)
        ),
        "{r:?}"
    );
}

#[test]
fn signing_time_of_garbage_is_none() {
    assert_eq!(signing_time(b""), None);
    assert_eq!(
        signing_time(&[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05, 0x31]),
        None
    );
}
