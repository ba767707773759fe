//! Property tests: no decoder panics on any input (random bytes, and random mutations of valid
//! packets), names never exceed 255 bytes, and JA4 does not depend on cipher or extension order.

use iotgate_wire::*;
use proptest::prelude::*;

fn all_decoders(b: &[u8]) {
    for lt in [0u16, 1, 12, 14, 101, 113, 228, 229, 276, 9999] {
        if let Ok(d) = decode(lt, b) {
            if let Ok(Some(i)) = tunnel::inner(&d) {
                let _ = tunnel::decode_inner(&i, &d.link);
            }
        }
    }
    for t in [tunnel::gre, tunnel::vxlan, tunnel::gtp_u, tunnel::teredo] {
        if let Ok(Some((_, inner, skip))) = t(b) {
            assert_eq!(&b[skip..skip + inner.len()], inner);
        }
    }
    let _ = link::arp(b);
    let _ = iotgate_wire::login::recognise(b, true);
    let _ = iotgate_wire::http::scanner_tool(b);
    if let Some(h) = iotgate_wire::tls::parse_v2_client_hello(b) {
        assert!(h.tls_suites().count() + h.sslv2_ciphers() == h.specs.len() / 3);
    }
    let _ = iotgate_wire::http::random_post_to_ip(b);
    let _ = iotgate_wire::login::recognise(b, false);
    let _ = net::ipv4(b);
    let _ = net::ipv6(b);
    let _ = transport::tcp(b).map(|t| t.option_iter().count());
    let _ = transport::udp(b);
    let _ = transport::icmp(b);
    if let Ok(d) = dhcp4::parse(b) {
        if let Some((f, n)) = d.fqdn {
            let mut out = [0u8; 256];
            assert!(dhcp4::fqdn_name(f, n, &mut out) <= 255);
        }
    }
    if let Ok(d) = dhcp6::parse(b) {
        let _ = d.duid_mac();
    }
    if let Ok(m) = dns::parse(b) {
        let mut out = [0u8; 256];
        for q in m.questions() {
            if let Ok(n) = q.name.write(&mut out) {
                assert!(n <= 255);
            }
        }
        for (_, r) in m.records() {
            let _ = (r.a(), r.aaaa(), r.srv(), r.txt().count());
            if let Some(t) = r.target() {
                let _ = t.write(&mut out);
            }
            let _ = r.name.write(&mut out);
        }
    }
    let mut out = [0u8; 256];
    assert!(dns::labels_to_text(b, &mut out) <= 255);
    let _ = ssdp::parse(b);
    let _ = http::parse(b);
    let _ = ntp::parse(b);
    let _ = mqtt::parse_connect(b);
    let _ = lldp::parse(b).map(|l| l.chassis_mac());
    if let Ok(ch) = tls::parse_client_hello(b) {
        let _ = (
            ch.ja3(),
            ch.ja3_hash(),
            ch.ja4(),
            ch.max_version(),
            ch.alpn_protocols().count(),
        );
    }
}

/// A valid ClientHello, DHCP discover, DNS response and mDNS packet to mutate.
fn seeds() -> Vec<Vec<u8>> {
    // SNI "example.c", ALPN h2, TLS 1.3, one signature algorithm, group x25519.
    let ch = hello(
        0x0303,
        &[0x1301, 0xc02b, 0x0a0a],
        &[
            (0, b"\x00\x0c\x00\x00\x09example.c".to_vec()),
            (16, vec![0, 3, 2, b'h', b'2']),
            (43, vec![2, 3, 4]),
            (13, vec![0, 2, 4, 3]),
            (10, vec![0, 2, 0, 0x1d]),
        ],
    );

    let mut dhcp = vec![1u8, 1, 6, 0];
    dhcp.extend_from_slice(&[0; 232]);
    dhcp.extend_from_slice(&[
        0x63, 0x82, 0x53, 0x63, 53, 1, 1, 12, 4, b'c', b'a', b'm', b'1', 55, 3, 1, 3, 6, 81, 5, 4,
        0, 0, 1, b'x', 161, 3, b'h', b't', b'p', 255,
    ]);

    let dns: Vec<u8> = vec![
        0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0, 3, b'w', b'w', b'w', 1, b'x', 0, 0, 1, 0,
        1, 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 16, 0xc0, 16, 0, 1, 0, 1, 0, 0, 0, 60, 0,
        4, 1, 2, 3, 4,
    ];
    vec![ch, dhcp, dns]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..600)) {
        all_decoders(&b);
    }

    #[test]
    fn mutated_packets_never_panic(which in 0usize..3, flips in proptest::collection::vec((any::<u16>(), any::<u8>()), 1..8), cut in any::<u16>()) {
        let mut b = seeds()[which].clone();
        for (pos, val) in flips {
            let n = b.len();
            b[pos as usize % n] = val;
        }
        let keep = (cut as usize) % (b.len() + 1);
        b.truncate(keep.max(b.len() / 2));
        all_decoders(&b);
    }

    #[test]
    fn login_banners_survive_any_tail(tail in proptest::collection::vec(any::<u8>(), 0..64)) {
        use iotgate_wire::login::{recognise, Login};
        let mut ssh = b"SSH-2.0-x".to_vec();
        ssh.extend_from_slice(&tail);
        prop_assert_eq!(recognise(&ssh, false), Some(Login::Ssh));
        let mut http = b"HTTP/1.0 401 ".to_vec();
        http.extend_from_slice(&tail);
        prop_assert_eq!(recognise(&http, false), Some(Login::Http));
        // Server-only signals never come from the client, and the reverse.
        prop_assert_eq!(recognise(&http, true), None);
        let mut user = b"USER a".to_vec();
        user.extend(tail.iter().map(|c| 0x20 + c % 0x5f));
        prop_assert_eq!(recognise(&user, false), None);
    }

    #[test]
    fn ja4_ignores_cipher_and_extension_order(seed in any::<u64>()) {
        let b = seeds()[0].clone();
        let ch = tls::parse_client_hello(&b).unwrap();
        let ja4 = ch.ja4();
        // Swap the first two cipher suites and rotate the extension list.
        let mut b2 = b.clone();
        let cs = 5 + 4 + 2 + 32 + 1 + 2;
        let (x, y) = (b2[cs..cs + 2].to_vec(), b2[cs + 2..cs + 4].to_vec());
        b2[cs..cs + 2].copy_from_slice(&y);
        b2[cs + 2..cs + 4].copy_from_slice(&x);
        let ch2 = tls::parse_client_hello(&b2).unwrap();
        prop_assert_eq!(ch2.ja4(), ja4.clone());
        prop_assert!(seed == seed);
        prop_assert!(ja4.starts_with("t13d"));
    }
}

#[test]
fn client_hello_fields() {
    let b = seeds()[0].clone();
    let ch = tls::parse_client_hello(&b).unwrap();
    assert_eq!(ch.sni, Some(&b"example.c"[..]));
    assert_eq!(ch.max_version(), 0x0304);
    assert_eq!(ch.alpn_protocols().collect::<Vec<_>>(), vec![&b"h2"[..]]);
    // GREASE (0x0a0a) is left out of JA3; extensions in order: SNI, ALPN, versions, sigalgs, groups.
    assert_eq!(ch.ja3(), "771,4865-49195,0-16-43-13-10,29,");
    let ja4 = ch.ja4();
    // 2 ciphers (GREASE excluded), 5 extensions, ALPN h2.
    assert!(ja4.starts_with("t13d0205h2_"), "{ja4}");
    assert_eq!(ja4.len(), "t13d0205h2_".len() + 12 + 1 + 12);
}

#[test]
fn dns_compression_loops_are_rejected() {
    // A name whose pointer points at itself.
    let b = [
        0u8, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1,
    ];
    let m = dns::parse(&b).unwrap();
    let q = m.questions().next().unwrap();
    let mut out = [0u8; 256];
    assert!(q.name.write(&mut out).is_err());
}

#[test]
fn dns_answers_decode() {
    let b = seeds()[2].clone();
    let m = dns::parse(&b).unwrap();
    let mut out = [0u8; 256];
    let q = m.questions().next().unwrap();
    let n = q.name.write(&mut out).unwrap();
    assert_eq!(&out[..n], b"www.x");
    let recs: Vec<_> = m.records().collect();
    assert_eq!(recs.len(), 2);
    let n = recs[0].1.target().unwrap().write(&mut out).unwrap();
    assert_eq!(&out[..n], b"x");
    assert_eq!(recs[1].1.a(), Some(std::net::Ipv4Addr::new(1, 2, 3, 4)));
    assert_eq!(recs[1].1.ttl, 60);
}

#[test]
fn dhcp_options_decode() {
    let b = seeds()[1].clone();
    let d = dhcp4::parse(&b).unwrap();
    assert_eq!(d.hostname, Some(&b"cam1"[..]));
    assert_eq!(d.param_request_list, Some(&[1u8, 3, 6][..]));
    assert_eq!(d.mud_url, Some(&b"htp"[..]));
    let (f, n) = d.fqdn.unwrap();
    let mut out = [0u8; 256];
    let len = dhcp4::fqdn_name(f, n, &mut out);
    assert_eq!(&out[..len], b"x");
}

#[test]
fn mac_parse_and_display() {
    let m = Mac::parse("AA:bb:CC:dd:ee:0F").unwrap();
    assert_eq!(m.to_string(), "aa:bb:cc:dd:ee:0f");
    assert!(Mac::parse("aa:bb").is_none());
    assert!(Mac::parse("aa:bb:cc:dd:ee:ff:00").is_none());
}

/// A hasher that keeps what it was fed, to compare fingerprint inputs exactly.
#[derive(Default)]
struct Record(Vec<u8>);

impl std::hash::Hasher for Record {
    fn write(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }
    fn finish(&self) -> u64 {
        0
    }
}

/// A ClientHello with these ciphers and extensions (type, data).
fn hello(version: u16, ciphers: &[u16], exts: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let mut ch = vec![0x16, 3, 1, 0, 0, 1, 0, 0, 0];
    ch.extend_from_slice(&version.to_be_bytes());
    ch.extend_from_slice(&[7u8; 32]);
    ch.push(0);
    ch.extend_from_slice(&((2 * ciphers.len()) as u16).to_be_bytes());
    for c in ciphers {
        ch.extend_from_slice(&c.to_be_bytes());
    }
    ch.extend_from_slice(&[1, 0]);
    let mut ext = Vec::new();
    for (t, d) in exts {
        ext.extend_from_slice(&t.to_be_bytes());
        ext.extend_from_slice(&(d.len() as u16).to_be_bytes());
        ext.extend_from_slice(d);
    }
    ch.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    ch.extend_from_slice(&ext);
    let hl = ch.len() - 9;
    ch[6..9].copy_from_slice(&(hl as u32).to_be_bytes()[1..]);
    let rl = ch.len() - 5;
    ch[3..5].copy_from_slice(&(rl as u16).to_be_bytes());
    ch
}

/// Extension choices from a small alphabet, so that random pairs often nearly agree.
fn ext_choice() -> impl Strategy<Value = (u16, Vec<u8>)> {
    prop_oneof![
        Just((0u16, vec![0, 4, 0, 0, 1, b'a'])),
        Just((0u16, vec![0, 4, 0, 0, 1, b'b'])),
        Just((16u16, vec![0, 3, 2, b'h', b'2'])),
        Just((
            16u16,
            vec![0, 9, 8, b'h', b't', b't', b'p', b'/', b'1', b'1']
        )),
        Just((43u16, vec![2, 3, 4])),
        Just((43u16, vec![4, 0x0a, 0x0a, 3, 3])),
        Just((13u16, vec![0, 2, 4, 3])),
        Just((13u16, vec![0, 2, 8, 4])),
        Just((13u16, vec![0, 4, 4, 3, 8, 4])),
        Just((10u16, vec![0, 2, 0, 0x1d])),
        Just((10u16, vec![0, 4, 0x1a, 0x1a, 0, 0x17])),
        Just((11u16, vec![1, 0])),
        Just((0x0a0au16, vec![])),
        Just((23u16, vec![])),
    ]
}

/// Two hellos that differ in at most one cipher and one extension, so that pairs often agree
/// on everything but one field.
fn hello_pair() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let cipher = || prop_oneof![Just(0x1301u16), Just(0x1302), Just(0xc02b), Just(0x0a0a)];
    (
        prop_oneof![Just(0x0303u16), Just(0x0301)],
        proptest::collection::vec(cipher(), 1..4),
        proptest::collection::vec(ext_choice(), 1..5),
        (any::<prop::sample::Index>(), cipher()),
        (any::<prop::sample::Index>(), ext_choice()),
    )
        .prop_map(|(v, c, e, (ci, cx), (ei, ex))| {
            let a = hello(v, &c, &e);
            let (mut c2, mut e2) = (c, e);
            let i = ci.index(c2.len());
            c2[i] = cx;
            let j = ei.index(e2.len());
            e2[j] = ex;
            (a, hello(v, &c2, &e2))
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    /// Hellos fed identically to the fingerprint cache have the same JA3 and JA4: the cache
    /// never hides a fingerprint.
    #[test]
    fn same_fingerprint_input_means_same_fingerprints((a, b) in hello_pair()) {
        let (ca, cb) = (
            tls::parse_client_hello(&a).unwrap(),
            tls::parse_client_hello(&b).unwrap(),
        );
        let (mut ra, mut rb) = (Record::default(), Record::default());
        ca.fingerprint_input(&mut ra);
        cb.fingerprint_input(&mut rb);
        if ra.0 == rb.0 {
            prop_assert_eq!(ca.ja3(), cb.ja3());
            prop_assert_eq!(ca.ja4(), cb.ja4());
        }
        let mut again = Record::default();
        ca.fingerprint_input(&mut again);
        prop_assert_eq!(&again.0, &ra.0);
    }
}
