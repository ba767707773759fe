//! Tunnels (GRE, VXLAN, GTP-U, IP-in-IP, Teredo, CAPWAP with 802.3 and 802.11 frames), IPv6
//! extension-header chains and byte counts bounded by the frame.

use iotgate_wire::link::linktype;
use iotgate_wire::net::{self, proto};
use iotgate_wire::tunnel::{self, Framing, Inner, Tunnel};
use iotgate_wire::{decode, dot11, Decoded, L3, L4};
use proptest::prelude::*;

const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0xa];
const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0xb];
const MAC_X: [u8; 6] = [0x02, 0, 0, 0, 0, 0x1];
const MAC_Y: [u8; 6] = [0x02, 0, 0, 0, 0, 0x2];

fn eth(dst: [u8; 6], src: [u8; 6], et: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&et.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn ipv4(src: [u8; 4], dst: [u8; 4], proto: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
    p.extend_from_slice(&src);
    p.extend_from_slice(&dst);
    p.extend_from_slice(payload);
    p
}

fn ipv6(src_last: u8, dst_last: u8, next: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&(payload.len() as u16).to_be_bytes());
    p.extend_from_slice(&[next, 64]);
    let mut a = [0u8; 16];
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[15] = src_last;
    p.extend_from_slice(&a);
    a[15] = dst_last;
    p.extend_from_slice(&a);
    p.extend_from_slice(payload);
    p
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend_from_slice(&sport.to_be_bytes());
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(payload);
    u
}

fn tcp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x40, 0, 0, 0, 0, 0]);
    t.extend_from_slice(payload);
    t
}

/// An inner IPv4 TCP packet (10.0.0.1:40000 → 93.184.216.34:443) carrying "hello".
fn inner_v4() -> Vec<u8> {
    ipv4(
        [10, 0, 0, 1],
        [93, 184, 216, 34],
        proto::TCP,
        &tcp(40000, 443, b"hello"),
    )
}

/// An inner IPv6 UDP packet (2001:db8::1:5353 → 2001:db8::2:53) carrying "dns".
fn inner_v6() -> Vec<u8> {
    ipv6(1, 2, proto::UDP, &udp(5353, 53, b"dns"))
}

/// An outer frame: Ethernet X → Y, IPv4 192.0.2.1 → 192.0.2.2, protocol `p`.
fn outer4(p: u8, payload: &[u8]) -> Vec<u8> {
    eth(
        MAC_Y,
        MAC_X,
        0x0800,
        &ipv4([192, 0, 2, 1], [192, 0, 2, 2], p, payload),
    )
}

fn open(frame: &[u8]) -> (Decoded<'_>, Inner<'_>, Decoded<'_>) {
    let d = decode(linktype::ETHERNET, frame).expect("outer link");
    assert!(tunnel::candidate(&d), "not a tunnel candidate");
    let i = tunnel::inner(&d)
        .expect("tunnel header decodes")
        .expect("a tunnel");
    let n = tunnel::decode_inner(&i, &d.link).expect("inner decodes");
    (d, i, n)
}

fn ports(d: &Decoded<'_>) -> (u16, u16) {
    match d.l4 {
        L4::Tcp(t) => (t.sport, t.dport),
        L4::Udp(u) => (u.sport, u.dport),
        other => panic!("no ports: {other:?}"),
    }
}

/// Checks the inner packet is `inner_v4` with the outer frame's MACs, found at the right offset.
fn check_v4_in(frame: &[u8], kind: Tunnel) {
    let (d, i, n) = open(frame);
    assert_eq!(i.tunnel, kind);
    assert_eq!(i.framing, Framing::Ip);
    assert_eq!(ports(&n), (40000, 443));
    let L4::Tcp(t) = n.l4 else { unreachable!() };
    assert_eq!(t.payload, b"hello");
    assert_eq!(n.link.src, d.link.src, "an IP packet keeps the outer MACs");
    assert_eq!(n.link.dst, d.link.dst);
    let L3::Ip(outer) = d.l3 else { unreachable!() };
    let L3::Ip(ip) = n.l3 else { unreachable!() };
    assert_eq!(ip.src.to_string(), "10.0.0.1");
    // The offset leads from the outer IP header to the inner packet.
    let at = 14 + i.offset as usize;
    assert_eq!(&frame[at..at + i.frame.len()], i.frame);
    assert_eq!(i.frame, inner_v4().as_slice());
    assert!(i.offset >= u32::from(outer.header_len));
}

fn check_v6_in(frame: &[u8], kind: Tunnel) {
    let (_, i, n) = open(frame);
    assert_eq!(i.tunnel, kind);
    assert_eq!(ports(&n), (5353, 53));
    assert_eq!(i.frame, inner_v6().as_slice());
    let at = 14 + i.offset as usize;
    assert_eq!(&frame[at..at + i.frame.len()], i.frame);
}

#[test]
fn ip_in_ip_all_four_ways() {
    check_v4_in(&outer4(proto::IPIP, &inner_v4()), Tunnel::IpInIp);
    check_v6_in(&outer4(proto::IPV6, &inner_v6()), Tunnel::IpInIp);
    let four_in_six = eth(MAC_Y, MAC_X, 0x86dd, &ipv6(7, 8, proto::IPIP, &inner_v4()));
    check_v4_in(&four_in_six, Tunnel::IpInIp);
    let six_in_six = eth(MAC_Y, MAC_X, 0x86dd, &ipv6(7, 8, proto::IPV6, &inner_v6()));
    check_v6_in(&six_in_six, Tunnel::IpInIp);
    // 4in6 behind an extension header (destination options).
    let mut ext = vec![proto::IPIP, 0, 0, 0, 0, 0, 0, 0];
    ext.extend_from_slice(&inner_v4());
    check_v4_in(
        &eth(MAC_Y, MAC_X, 0x86dd, &ipv6(7, 8, 60, &ext)),
        Tunnel::IpInIp,
    );
    // A version that does not match the protocol is an error, not a packet.
    let d6in4 = outer4(proto::IPIP, &inner_v6());
    let d = decode(linktype::ETHERNET, &d6in4).unwrap();
    assert!(tunnel::inner(&d).is_err());
}

fn gre(flags: u8, ptype: u16, fields: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut g = vec![flags, 0];
    g.extend_from_slice(&ptype.to_be_bytes());
    g.extend_from_slice(fields);
    g.extend_from_slice(payload);
    g
}

#[test]
fn gre_with_every_optional_field() {
    check_v4_in(
        &outer4(proto::GRE, &gre(0, 0x0800, &[], &inner_v4())),
        Tunnel::Gre,
    );
    check_v6_in(
        &outer4(proto::GRE, &gre(0, 0x86dd, &[], &inner_v6())),
        Tunnel::Gre,
    );
    // Checksum (4), key (4), sequence (4).
    let f = gre(0xb0, 0x0800, &[0xaa; 12], &inner_v4());
    check_v4_in(&outer4(proto::GRE, &f), Tunnel::Gre);
    let f = gre(0x20, 0x0800, &[0xaa; 4], &inner_v4());
    check_v4_in(&outer4(proto::GRE, &f), Tunnel::Gre);
    let f = gre(0x10, 0x86dd, &[0xaa; 4], &inner_v6());
    check_v6_in(&outer4(proto::GRE, &f), Tunnel::Gre);
    // RFC 1701 routing: checksum/offset, one 4-byte SRE, then the null SRE.
    let f = gre(
        0x40,
        0x0800,
        &[0, 0, 0, 0, 0x08, 0x00, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0],
        &inner_v4(),
    );
    check_v4_in(&outer4(proto::GRE, &f), Tunnel::Gre);
    // Fields announced but missing.
    let d = outer4(proto::GRE, &[0xb0, 0, 0x08, 0, 1, 2]);
    let dd = decode(linktype::ETHERNET, &d).unwrap();
    assert!(tunnel::inner(&dd).is_err());
    // PPTP's enhanced GRE (version 1) and unknown payloads are left closed.
    for (v, t) in [(1u8, 0x880bu16), (0, 0x883e)] {
        let mut g = gre(0, t, &[], &inner_v4());
        g[1] = v;
        let f = outer4(proto::GRE, &g);
        let dd = decode(linktype::ETHERNET, &f).unwrap();
        assert!(matches!(tunnel::inner(&dd), Ok(None)));
    }
}

#[test]
fn ethernet_over_gre_and_erspan_keep_the_inner_macs() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    let frames = [
        gre(0x20, 0x6558, &[0, 0, 0, 7], &lan),
        gre(0, 0x88be, &[], &lan),
        // ERSPAN II: sequence number, then its 8-byte header.
        gre(0x10, 0x88be, &[0, 0, 0, 1, 0x10, 1, 0, 0, 0, 0, 0, 0], &lan),
        // ERSPAN III without and with the platform subheader.
        gre(0, 0x22eb, &[0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], &lan),
        gre(
            0,
            0x22eb,
            &[
                0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9,
            ],
            &lan,
        ),
    ];
    for g in frames {
        let f = outer4(proto::GRE, &g);
        let (_, i, n) = open(&f);
        assert_eq!(i.tunnel, Tunnel::Gre);
        assert_eq!(i.framing, Framing::Ethernet);
        assert_eq!(i.frame, lan.as_slice());
        assert_eq!(n.link.src.unwrap().0, MAC_A);
        assert_eq!(n.link.dst.unwrap().0, MAC_B);
        assert_eq!(ports(&n), (40000, 443));
    }
}

fn vxlan(flags: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![flags, 0, 0, 0, 0, 0x12, 0x34, 0];
    v.extend_from_slice(payload);
    v
}

#[test]
fn vxlan_carries_ethernet() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    for port in [4789, 8472] {
        let f = outer4(proto::UDP, &udp(51000, port, &vxlan(0x08, &lan)));
        let (_, i, n) = open(&f);
        assert_eq!(i.tunnel, Tunnel::Vxlan);
        assert_eq!(i.offset, 20 + 8 + 8);
        assert_eq!(n.link.src.unwrap().0, MAC_A);
        assert_eq!(ports(&n), (40000, 443));
    }
    // The I flag is required.
    let f = outer4(proto::UDP, &udp(51000, 4789, &vxlan(0, &lan)));
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(tunnel::inner(&d).is_err());
    // Short.
    let f = outer4(proto::UDP, &udp(51000, 4789, &[8, 0, 0]));
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(tunnel::inner(&d).is_err());
    // Other ports are not tunnels.
    let f = outer4(proto::UDP, &udp(51000, 4790, &vxlan(0x08, &lan)));
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(!tunnel::candidate(&d));
    assert!(matches!(tunnel::inner(&d), Ok(None)));
}

fn gtp(flags: u8, msg: u8, optional: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut g = vec![flags, msg];
    g.extend_from_slice(&((optional.len() + payload.len()) as u16).to_be_bytes());
    g.extend_from_slice(&[0, 0, 0, 1]);
    g.extend_from_slice(optional);
    g.extend_from_slice(payload);
    g
}

#[test]
fn gtp_u_g_pdus_with_extension_headers() {
    let f = |g: &[u8]| outer4(proto::UDP, &udp(2152, 2152, g));
    check_v4_in(&f(&gtp(0x30, 255, &[], &inner_v4())), Tunnel::GtpU);
    check_v6_in(&f(&gtp(0x30, 255, &[], &inner_v6())), Tunnel::GtpU);
    // Sequence number (S): the 4 optional bytes, no extension.
    check_v4_in(
        &f(&gtp(0x32, 255, &[0, 1, 0, 0], &inner_v4())),
        Tunnel::GtpU,
    );
    // Two extension headers (PDU session container, then a 8-byte one), then none.
    let opt = [0, 0, 0, 0x85, 1, 0x10, 0x01, 0x40, 2, 1, 2, 3, 4, 5, 6, 0];
    check_v4_in(&f(&gtp(0x34, 255, &opt, &inner_v4())), Tunnel::GtpU);
    // The length field bounds the packet: trailing bytes are not the inner packet's.
    let mut g = gtp(0x30, 255, &[], &inner_v4());
    g.extend_from_slice(&[0xee; 6]);
    let framed = f(&g);
    let (_, i, _) = open(&framed);
    assert_eq!(i.frame, inner_v4().as_slice());
    // Signalling (echo request) carries no packet.
    let d = f(&gtp(0x32, 1, &[0, 1, 0, 0], &[]));
    let dd = decode(linktype::ETHERNET, &d).unwrap();
    assert!(matches!(tunnel::inner(&dd), Ok(None)));
    // Broken: a zero-length extension, one running past the end, GTP version 2, too short.
    for g in [
        gtp(0x34, 255, &[0, 0, 0, 0x85, 0, 0, 0, 0], &inner_v4()),
        gtp(0x34, 255, &[0, 0, 0, 0x85, 200, 0, 0, 0], &[]),
        gtp(0x50, 255, &[], &inner_v4()),
        vec![0x30, 255, 0],
    ] {
        let d = f(&g);
        let dd = decode(linktype::ETHERNET, &d).unwrap();
        assert!(tunnel::inner(&dd).is_err(), "{g:?}");
    }
    // A chain of extension headers that never ends is cut.
    let mut opt = vec![0, 0, 0, 0x85];
    for _ in 0..40 {
        opt.extend_from_slice(&[1, 0, 0, 0x85]);
    }
    let d = f(&gtp(0x34, 255, &opt, &inner_v4()));
    let dd = decode(linktype::ETHERNET, &d).unwrap();
    assert!(tunnel::inner(&dd).is_err());
}

#[test]
fn teredo_with_authentication_and_origin() {
    let six = inner_v6();
    let mut auth = vec![0, 1, 2, 3, b'i', b'd', b'a', b'u', b'v'];
    auth.extend_from_slice(&[7; 8]);
    auth.push(0);
    let origin = [0, 0, 0xf2, 0x27, 0x3f, 0xff, 0xfd, 0xfe];
    let cases: Vec<Vec<u8>> = vec![
        six.clone(),
        [auth.clone(), six.clone()].concat(),
        [origin.to_vec(), six.clone()].concat(),
        [auth.clone(), origin.to_vec(), six.clone()].concat(),
    ];
    for (n, payload) in cases.iter().enumerate() {
        // Client to server (destination 3544) and server to client (source 3544).
        for (s, d) in [(50000, 3544), (3544, 50000)] {
            let f = outer4(proto::UDP, &udp(s, d, payload));
            let (_, i, _) = open(&f);
            assert_eq!(i.tunnel, Tunnel::Teredo, "case {n}");
            check_v6_in(&f, Tunnel::Teredo);
        }
    }
    // Not IPv6, or cut inside an indication.
    for p in [
        inner_v4(),
        auth[..10].to_vec(),
        [auth.clone(), origin[..5].to_vec()].concat(),
    ] {
        let f = outer4(proto::UDP, &udp(50000, 3544, &p));
        let d = decode(linktype::ETHERNET, &f).unwrap();
        assert!(tunnel::inner(&d).is_err());
    }
}

#[test]
fn nested_tunnels_open_one_at_a_time() {
    // IPv6 in GRE in VXLAN in IP-in-IP.
    let lan = eth(
        MAC_B,
        MAC_A,
        0x0800,
        &ipv4(
            [10, 1, 0, 1],
            [10, 1, 0, 2],
            proto::GRE,
            &gre(0, 0x86dd, &[], &inner_v6()),
        ),
    );
    let vx = ipv4(
        [172, 16, 0, 1],
        [172, 16, 0, 2],
        proto::UDP,
        &udp(40000, 4789, &vxlan(0x08, &lan)),
    );
    let f = outer4(proto::IPIP, &vx);
    let mut d = decode(linktype::ETHERNET, &f).unwrap();
    let mut kinds = Vec::new();
    while let Ok(Some(i)) = tunnel::inner(&d) {
        kinds.push(i.tunnel);
        d = tunnel::decode_inner(&i, &d.link).unwrap();
    }
    assert_eq!(
        kinds,
        [Tunnel::IpInIp, Tunnel::Vxlan, Tunnel::Gre],
        "outermost first"
    );
    assert_eq!(ports(&d), (5353, 53));
    assert_eq!(
        d.link.src.unwrap().0,
        MAC_A,
        "the MACs of the last Ethernet header"
    );
}

#[test]
fn fragments_are_not_opened() {
    let mut f = outer4(proto::IPIP, &inner_v4());
    f[14 + 6] = 0x20; // more fragments
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(!tunnel::candidate(&d));
    assert!(matches!(tunnel::inner(&d), Ok(None)));
}

#[test]
fn every_cut_of_every_tunnel_is_an_answer_not_a_panic() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    let mut auth = vec![0, 1, 1, 1, 9, 9];
    auth.extend_from_slice(&[0; 9]);
    let frames = [
        outer4(proto::IPIP, &inner_v4()),
        outer4(proto::GRE, &gre(0xb0, 0x0800, &[1; 12], &inner_v4())),
        outer4(proto::GRE, &gre(0x10, 0x88be, &[0; 12], &lan)),
        outer4(proto::UDP, &udp(1, 4789, &vxlan(8, &lan))),
        outer4(
            proto::UDP,
            &udp(
                2152,
                2152,
                &gtp(0x36, 255, &[0, 0, 0, 0x85, 1, 0, 0, 0], &inner_v4()),
            ),
        ),
        outer4(
            proto::UDP,
            &udp(
                3544,
                3544,
                &[auth, vec![0, 0, 1, 1, 1, 1, 1, 1], inner_v6()].concat(),
            ),
        ),
    ];
    for f in &frames {
        open(f);
        for cut in 0..f.len() {
            let Ok(d) = decode(linktype::ETHERNET, &f[..cut]) else {
                continue;
            };
            if let Ok(Some(i)) = tunnel::inner(&d) {
                assert!(i.frame.len() <= cut);
                let _ = tunnel::decode_inner(&i, &d.link);
            }
        }
        // Every byte changed in turn.
        let mut g = f.clone();
        for at in 14..g.len() {
            for v in [0u8, 0xff, 0x08, 0x45, 0x60] {
                let old = g[at];
                g[at] = v;
                if let Ok(d) = decode(linktype::ETHERNET, &g) {
                    if let Ok(Some(i)) = tunnel::inner(&d) {
                        let _ = tunnel::decode_inner(&i, &d.link);
                    }
                }
                g[at] = old;
            }
        }
    }
}

/// IPv6 with `n` destination-options headers, then UDP 5353 → 5353.
fn long_chain(n: usize) -> Vec<u8> {
    let mut chain = Vec::new();
    for k in 0..n {
        let next = if k + 1 == n { proto::UDP } else { 60 };
        chain.extend_from_slice(&[next, 0, 1, 4, 0, 0, 0, 0]);
    }
    chain.extend_from_slice(&udp(5353, 5353, b"mdns"));
    eth(
        MAC_B,
        MAC_A,
        0x86dd,
        &ipv6(1, 2, if n == 0 { proto::UDP } else { 60 }, &chain),
    )
}

#[test]
fn forty_extension_headers_still_show_the_udp_inside() {
    for n in [0, 1, 16, 17, 40, 255] {
        let f = long_chain(n);
        let d = decode(linktype::ETHERNET, &f).unwrap();
        let L3::Ip(ip) = d.l3 else { panic!() };
        assert_eq!(ip.proto, proto::UDP, "{n} headers");
        assert_eq!(ip.ext_headers as usize, n);
        assert_eq!(ip.header_len as usize, 40 + 8 * n);
        assert!(!ip.ext_unparsed());
        assert_eq!(ports(&d), (5353, 5353));
        assert!(d.error.is_none());
    }
}

#[test]
fn a_chain_past_the_bound_is_unparsed_not_a_protocol() {
    let f = long_chain(usize::from(net::MAX_EXT_HEADERS) + 1);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    let L3::Ip(ip) = d.l3 else { panic!() };
    assert!(ip.ext_unparsed());
    assert!(matches!(d.l4, L4::None));
    assert!(d.error.is_some());
    assert!(!tunnel::candidate(&d) || matches!(tunnel::inner(&d), Ok(None)));
}

/// IPv6 behind `n` destination-options headers of 2,048 bytes each, then UDP 1 → 2 (a payload
/// length of 0, which means "the capture's length", when the chain is too long to state).
fn big_chain(n: usize) -> Vec<u8> {
    let mut chain = Vec::new();
    for k in 0..n {
        chain.push(if k + 1 == n { proto::UDP } else { 60 });
        chain.push(255);
        chain.extend_from_slice(&[0; 2046]);
    }
    chain.extend_from_slice(&udp(1, 2, b"x"));
    let mut p = ipv6(1, 2, 60, &chain);
    if chain.len() > 65535 {
        p[4] = 0;
        p[5] = 0;
    }
    eth(MAC_B, MAC_A, 0x86dd, &p)
}

#[test]
fn a_chain_longer_than_a_header_length_can_say_is_unparsed() {
    // 40 × 2,048 bytes: 81,920 bytes of chain.
    let f = big_chain(40);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    let L3::Ip(ip) = d.l3 else { panic!() };
    assert!(ip.ext_unparsed());
    assert!(d.error.is_some());
    // 31 × 2,048 = 63,488 bytes: walked.
    let f = big_chain(31);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert_eq!(ports(&d), (1, 2));
}

#[test]
fn a_later_fragment_ends_the_chain() {
    // Fragment header (offset 8, next header 60), then bytes that are data, not headers.
    let mut p = vec![60, 0, 0, 8 << 3, 0, 0, 0, 9];
    p.extend_from_slice(&[0xff; 64]);
    let f = eth(MAC_B, MAC_A, 0x86dd, &ipv6(1, 2, 44, &p));
    let d = decode(linktype::ETHERNET, &f).unwrap();
    let L3::Ip(ip) = d.l3 else { panic!() };
    assert!(ip.later_fragment());
    assert_eq!(ip.ext_headers, 1);
    assert!(!ip.ext_unparsed());
}

#[test]
fn byte_counts_come_from_the_frame_not_the_header() {
    // A 57-byte frame whose IPv4 header claims 65,535 bytes.
    let mut f = eth(
        MAC_B,
        MAC_A,
        0x0800,
        &ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, &udp(1, 2, &[0; 15])),
    );
    assert_eq!(f.len(), 57);
    f[16] = 0xff;
    f[17] = 0xff;
    let d = decode(linktype::ETHERNET, &f).unwrap();
    let L3::Ip(ip) = d.l3 else { panic!() };
    assert_eq!(ip.total_len, 65535, "the claim is kept as a claim");
    assert_eq!(d.ip_wire_len(57), Some(43));
    // An original length below what was captured is not believed either.
    assert_eq!(d.ip_wire_len(0), Some(43));
    // A frame cut by the snap length: the header's length, within the original length.
    f[16] = 0x05;
    f[17] = 0xdc; // 1,500
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert_eq!(d.ip_wire_len(1514), Some(1500));
    assert_eq!(d.ip_wire_len(1000), Some(986));
    // Ethernet padding is not the packet's.
    let small = ipv4([10, 0, 0, 1], [10, 0, 0, 2], 17, &udp(1, 2, &[]));
    let mut f = eth(MAC_B, MAC_A, 0x0800, &small);
    f.resize(60, 0);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert_eq!(d.ip_wire_len(60), Some(28));
    // VLAN tags are link header too.
    let mut tagged = eth(MAC_B, MAC_A, 0x8100, &[0, 5, 0x08, 0]);
    tagged.extend_from_slice(&small);
    let d = decode(linktype::ETHERNET, &tagged).unwrap();
    assert_eq!(d.link.header_len, 18);
    assert_eq!(d.link.captured_len(), tagged.len());
    assert_eq!(d.ip_wire_len(9999), Some(28));
    // IPv6 the same way.
    let mut f = eth(MAC_B, MAC_A, 0x86dd, &inner_v6());
    f[18] = 0xff;
    f[19] = 0xff;
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert_eq!(d.ip_wire_len(f.len() as u32), Some(f.len() as u32 - 14));
    // Not IP: nothing.
    let arp = eth(MAC_B, MAC_A, 0x0806, &[0; 28]);
    assert_eq!(
        decode(linktype::ETHERNET, &arp).unwrap().ip_wire_len(42),
        None
    );
}

#[test]
fn tunnel_ids_are_stable() {
    let ids: Vec<_> = Tunnel::ALL.iter().map(|t| t.id()).collect();
    assert_eq!(
        ids,
        ["gre", "vxlan", "gtp_u", "ip_in_ip", "teredo", "capwap"]
    );
    for (n, t) in Tunnel::ALL.iter().enumerate() {
        assert_eq!(t.index(), n);
    }
}

use tunnel::capwap_flag::{FRAGMENT, KEEP_ALIVE, LAST, NATIVE, RADIO_MAC, WIRELESS_INFO};

/// The access point's BSSID (CAPWAP's 802.11 frames).
const BSSID: [u8; 6] = [0x02, 0, 0, 0, 0, 0x42];

/// A CAPWAP data packet: preamble 0 (version 0, a clear header), HLEN from the optional fields
/// (already padded), radio 1, binding `wbid`, `flags` (T F L W M K), fragment id 7, offset 0.
fn capwap(wbid: u32, flags: u32, optional: &[u8], payload: &[u8]) -> Vec<u8> {
    assert_eq!(optional.len() % 4, 0);
    let words = (8 + optional.len() as u32) / 4;
    let w = (words << 19) | (1 << 14) | (wbid << 9) | flags;
    let mut h = w.to_be_bytes().to_vec();
    h.extend_from_slice(&[0, 7, 0, 0]);
    h.extend_from_slice(optional);
    h.extend_from_slice(payload);
    h
}

/// 802.11 frames in CAPWAP (the T bit, the IEEE 802.11 binding).
fn capwap_dot11(frame: &[u8]) -> Vec<u8> {
    capwap(1, NATIVE, &[], frame)
}

/// An 802.11 frame: frame control (type and subtype, flags), a zero duration, addresses 1-3,
/// sequence control (sequence 1, fragment 0), address 4 when given, `qos` (QoS and HT control
/// fields), then `body`.
fn wifi(fc: [u8; 2], addrs: &[[u8; 6]], qos: &[u8], body: &[u8]) -> Vec<u8> {
    let mut f = vec![fc[0], fc[1], 0, 0];
    for a in &addrs[..3] {
        f.extend_from_slice(a);
    }
    f.extend_from_slice(&[0x10, 0]);
    if let Some(a4) = addrs.get(3) {
        f.extend_from_slice(a4);
    }
    f.extend_from_slice(qos);
    f.extend_from_slice(body);
    f
}

/// An LLC/SNAP header (RFC 1042) with EtherType `et`, then `packet`.
fn snap(et: u16, packet: &[u8]) -> Vec<u8> {
    let mut s = vec![0xaa, 0xaa, 0x03, 0, 0, 0];
    s.extend_from_slice(&et.to_be_bytes());
    s.extend_from_slice(packet);
    s
}

/// A CAPWAP data packet from a WTP to its controller (UDP to 5247).
fn to_ac(payload: &[u8]) -> Vec<u8> {
    outer4(proto::UDP, &udp(50000, 5247, payload))
}

/// Opens a CAPWAP frame whose packet is `inner_v4`; checks the offset and byte count, and
/// returns the inner packet's (source, destination) MACs.
fn open_capwap_v4(frame: &[u8], hlen: usize) -> ([u8; 6], [u8; 6], Framing) {
    let (d, i, n) = open(frame);
    assert_eq!(i.tunnel, Tunnel::Capwap);
    assert_eq!(i.offset as usize, 20 + 8 + hlen);
    let at = 14 + i.offset as usize;
    assert_eq!(&frame[at..], i.frame);
    assert_eq!(ports(&n), (40000, 443));
    let L4::Tcp(t) = n.l4 else { unreachable!() };
    assert_eq!(t.payload, b"hello");
    // What the analyzer counts for it: the inner IP packet, not its link headers.
    let ip_len = d.ip_wire_len(frame.len() as u32).unwrap();
    let inner_len = n.ip_wire_len(ip_len - i.offset).unwrap();
    assert_eq!(inner_len as usize, inner_v4().len());
    (n.link.src.unwrap().0, n.link.dst.unwrap().0, i.framing)
}

#[test]
fn capwap_carries_802_3_frames_both_ways() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    // WTP to AC and AC to WTP (source port 5247).
    for f in [
        to_ac(&capwap(1, 0, &[], &lan)),
        outer4(proto::UDP, &udp(5247, 50000, &capwap(1, 0, &[], &lan))),
    ] {
        let (src, dst, framing) = open_capwap_v4(&f, 8);
        assert_eq!((src, dst, framing), (MAC_A, MAC_B, Framing::Ethernet));
    }
    // The Radio MAC Address (length 6, padded to 8) and the Wireless Specific Information
    // (length 4, padded to 8) before it: HLEN 6 words.
    let mut opt = vec![6];
    opt.extend_from_slice(&BSSID);
    opt.push(0);
    opt.extend_from_slice(&[4, 0xc8, 0x1e, 0, 0x6c, 0, 0, 0]);
    let f = to_ac(&capwap(1, RADIO_MAC | WIRELESS_INFO, &opt, &lan));
    assert_eq!(open_capwap_v4(&f, 24).0, MAC_A);
    // An EUI-64 radio address (length 8, padded to 12).
    let mut opt = vec![8];
    opt.extend_from_slice(&[1; 8]);
    opt.extend_from_slice(&[0; 3]);
    let f = to_ac(&capwap(1, RADIO_MAC, &opt, &lan));
    assert_eq!(open_capwap_v4(&f, 20).0, MAC_A);
    // The control channel is signalling, not a tunnel.
    let f = outer4(proto::UDP, &udp(50000, 5246, &capwap(1, 0, &[], &lan)));
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(!tunnel::candidate(&d));
    assert!(matches!(tunnel::inner(&d), Ok(None)));
    // An IPv6 packet in an 802.3 frame.
    let f = to_ac(&capwap(1, 0, &[], &eth(MAC_B, MAC_A, 0x86dd, &inner_v6())));
    let (_, i, n) = open(&f);
    assert_eq!(i.tunnel, Tunnel::Capwap);
    assert_eq!(ports(&n), (5353, 53));
}

#[test]
fn capwap_802_11_data_frames_are_attributed_to_their_stations() {
    const STA: [u8; 6] = MAC_A;
    const PEER: [u8; 6] = MAC_B;
    let body = snap(0x0800, &inner_v4());
    // (frame control, addresses, QoS/HT control, expected SA, expected DA, MAC header length)
    type Case = ([u8; 2], Vec<[u8; 6]>, Vec<u8>, [u8; 6], [u8; 6], usize);
    let cases: [Case; 8] = [
        // Station to AP (ToDS): BSSID, SA, DA.
        ([0x08, 0x01], vec![BSSID, STA, PEER], vec![], STA, PEER, 24),
        // AP to station (FromDS): DA, BSSID, SA.
        ([0x08, 0x02], vec![STA, BSSID, PEER], vec![], PEER, STA, 24),
        // Neither (an IBSS): DA, SA, BSSID.
        ([0x08, 0x00], vec![PEER, STA, BSSID], vec![], STA, PEER, 24),
        // QoS data, ToDS, with its QoS control field.
        (
            [0x88, 0x01],
            vec![BSSID, STA, PEER],
            vec![5, 0],
            STA,
            PEER,
            26,
        ),
        // QoS data, FromDS, the order bit set: HT control follows QoS control.
        (
            [0x88, 0x82],
            vec![STA, BSSID, PEER],
            vec![0, 0, 1, 2, 3, 4],
            PEER,
            STA,
            30,
        ),
        // Four addresses (ToDS and FromDS, a mesh or WDS link): RA, TA, DA, SA.
        (
            [0x08, 0x03],
            vec![BSSID, MAC_X, PEER, STA],
            vec![],
            STA,
            PEER,
            30,
        ),
        (
            [0x88, 0x03],
            vec![BSSID, MAC_X, PEER, STA],
            vec![0, 0],
            STA,
            PEER,
            32,
        ),
        (
            [0x88, 0x83],
            vec![MAC_X, BSSID, STA, PEER],
            vec![0, 0, 9, 9, 9, 9],
            PEER,
            STA,
            36,
        ),
    ];
    for (fc, addrs, qos, sa, da, mac_len) in cases {
        let w = wifi(fc, &addrs, &qos, &body);
        let f = to_ac(&capwap_dot11(&w));
        let (src, dst, framing) = open_capwap_v4(&f, 8);
        assert_eq!((src, dst), (sa, da), "{fc:02x?}");
        assert_eq!(
            framing,
            Framing::Dot11 {
                src: iotgate_wire::Mac(sa),
                dst: iotgate_wire::Mac(da),
                ethertype: 0x0800,
                header_len: (mac_len + 8) as u16,
            },
            "{fc:02x?}"
        );
        // The other way, from the controller (source port 5247), with the Radio MAC Address.
        let mut opt = vec![6];
        opt.extend_from_slice(&BSSID);
        opt.push(0);
        let back = capwap(1, NATIVE | RADIO_MAC, &opt, &w);
        let f = outer4(proto::UDP, &udp(5247, 50000, &back));
        assert_eq!(open_capwap_v4(&f, 16).0, sa);
    }
    // IPv6 and ARP in 802.11 frames.
    let w = wifi(
        [0x88, 0x02],
        &[STA, BSSID, PEER],
        &[0, 0],
        &snap(0x86dd, &inner_v6()),
    );
    let f = to_ac(&capwap_dot11(&w));
    let (_, _, n) = open(&f);
    assert_eq!(ports(&n), (5353, 53));
    assert_eq!(n.link.src.unwrap().0, PEER);
    let mut arp = vec![0, 1, 8, 0, 6, 4, 0, 1];
    arp.extend_from_slice(&STA);
    arp.extend_from_slice(&[192, 168, 1, 10]);
    arp.extend_from_slice(&[0; 6]);
    arp.extend_from_slice(&[192, 168, 1, 1]);
    let w = wifi(
        [0x08, 0x01],
        &[BSSID, STA, [0xff; 6]],
        &[],
        &snap(0x0806, &arp),
    );
    let f = to_ac(&capwap_dot11(&w));
    let (_, i, n) = open(&f);
    assert!(matches!(
        i.framing,
        Framing::Dot11 {
            ethertype: 0x0806,
            ..
        }
    ));
    let L3::Arp(a) = n.l3 else {
        panic!("{:?}", n.l3)
    };
    assert_eq!((a.sha.0, n.link.src.unwrap().0), (STA, STA));
    assert_eq!(n.link.dst.unwrap().0, [0xff; 6]);
    // 802.1H bridge tunnelling (OUI 00-00-F8) names an EtherType too.
    let mut b = snap(0x0800, &inner_v4());
    b[5] = 0xf8;
    let f = to_ac(&capwap_dot11(&wifi(
        [0x08, 0x01],
        &[BSSID, STA, PEER],
        &[],
        &b,
    )));
    assert_eq!(open_capwap_v4(&f, 8).0, STA);
}

#[test]
fn a_tunnel_inside_an_802_11_frame_keeps_the_station_macs() {
    let four_in_four = ipv4([10, 9, 0, 1], [10, 9, 0, 2], proto::IPIP, &inner_v4());
    let w = wifi(
        [0x08, 0x01],
        &[BSSID, MAC_A, MAC_B],
        &[],
        &snap(0x0800, &four_in_four),
    );
    let f = to_ac(&capwap_dot11(&w));
    let mut d = decode(linktype::ETHERNET, &f).unwrap();
    let mut kinds = Vec::new();
    while let Ok(Some(i)) = tunnel::inner(&d) {
        kinds.push(i.tunnel);
        d = tunnel::decode_inner(&i, &d.link).unwrap();
    }
    assert_eq!(kinds, [Tunnel::Capwap, Tunnel::IpInIp]);
    assert_eq!(ports(&d), (40000, 443));
    assert_eq!(d.link.src.unwrap().0, MAC_A);
    assert_eq!(d.link.dst.unwrap().0, MAC_B);
}

/// `Ok(None)`: a CAPWAP packet (to the controller) that carries no packet to open.
fn closed(capwap_payload: &[u8]) {
    let f = to_ac(capwap_payload);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(tunnel::candidate(&d));
    let got = tunnel::inner(&d);
    assert!(matches!(got, Ok(None)), "{capwap_payload:02x?}: {got:?}");
    assert!(matches!(tunnel::capwap(capwap_payload), Ok(None)));
}

/// An error: a CAPWAP packet cut short or breaking its protocol's rules.
fn broken(capwap_payload: &[u8]) {
    let f = to_ac(capwap_payload);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    assert!(tunnel::candidate(&d));
    let got = tunnel::inner(&d);
    assert!(got.is_err(), "{capwap_payload:02x?}: {got:?}");
}

#[test]
fn capwap_packets_left_closed() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    // DTLS: the CAPWAP DTLS header (preamble type 1, 3 reserved bytes), then a DTLS record.
    closed(&[
        1, 0, 0, 0, 0x17, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 5, 0, 16, 1, 2, 3,
    ]);
    closed(&[1]);
    // Fragments, first and last.
    closed(&capwap(1, FRAGMENT, &[], &lan[..30]));
    closed(&capwap(1, FRAGMENT | LAST, &[], &lan[30..]));
    closed(&capwap(1, NATIVE | FRAGMENT, &[], &lan));
    // Keep-alives: bare, and with their message elements (a Session ID).
    closed(&capwap(0, KEEP_ALIVE, &[], &[]));
    let mut elements = vec![0, 20, 0, 35, 0, 16];
    elements.extend_from_slice(&[0xab; 16]);
    closed(&capwap(0, KEEP_ALIVE, &[], &elements));
    // The native frames of another binding (EPCGlobal).
    closed(&capwap(3, NATIVE, &[], &lan));
    let body = snap(0x0800, &inner_v4());
    for w in [
        // Management (a beacon, an association request), control (an ACK, an RTS).
        wifi([0x80, 0x00], &[[0xff; 6], BSSID, BSSID], &[], &[0; 12]),
        wifi([0x00, 0x00], &[BSSID, MAC_A, BSSID], &[], &[0; 8]),
        vec![0xd4, 0, 0, 0, 2, 0, 0, 0, 0, 0xa],
        vec![0xb4, 0, 0, 0, 2, 0, 0, 0, 0, 0xa, 2, 0, 0, 0, 0, 0x42],
        // Null and QoS null data (no body).
        wifi([0x48, 0x01], &[BSSID, MAC_A, BSSID], &[], &[]),
        wifi([0xc8, 0x01], &[BSSID, MAC_A, BSSID], &[0, 0], &[]),
        // Protected (WEP/TKIP/CCMP): the body is encrypted.
        wifi([0x08, 0x41], &[BSSID, MAC_A, MAC_B], &[], &[0x55; 60]),
        wifi([0x88, 0x42], &[MAC_A, BSSID, MAC_B], &[0, 0], &body),
        // An 802.11 fragment (more fragments; fragment number 1).
        wifi([0x08, 0x05], &[BSSID, MAC_A, MAC_B], &[], &body),
        {
            let mut w = wifi([0x08, 0x01], &[BSSID, MAC_A, MAC_B], &[], &body);
            w[22] = 0x11;
            w
        },
        // An A-MSDU.
        wifi([0x88, 0x01], &[BSSID, MAC_A, MAC_B], &[0x80, 0], &body),
        // An LLC body that is not SNAP (spanning tree), SNAP with another organisation.
        wifi(
            [0x08, 0x01],
            &[BSSID, MAC_A, MAC_B],
            &[],
            &[0x42, 0x42, 3, 0, 0, 0],
        ),
        wifi([0x08, 0x01], &[BSSID, MAC_A, MAC_B], &[], &{
            let mut b = body.clone();
            b[3] = 0x08;
            b
        }),
        // Protocol version 1 (S1G frames, another layout).
        wifi([0x09, 0x01], &[BSSID, MAC_A, MAC_B], &[], &body),
    ] {
        closed(&capwap_dot11(&w));
        // And without CAPWAP, straight to the 802.11 decoder.
        assert!(matches!(dot11::data(&w), Ok(None)), "{w:02x?}");
    }
}

#[test]
fn capwap_packets_cut_short_or_breaking_the_rules() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    let good = capwap(1, 0, &[], &lan);
    // Cut inside the 8-byte header (a zero first byte: version 0, type 0).
    for cut in 0..8 {
        let got = tunnel::capwap(&good[..cut]);
        assert!(got.is_err(), "{cut}: {got:?}");
    }
    broken(&good[..5]);
    // Version 1; preamble type 2.
    for first in [0x10, 0x02, 0xf0] {
        let mut g = good.clone();
        g[0] = first;
        broken(&g);
    }
    // HLEN 0 and 1 (below the fixed 8 bytes), HLEN past the end of the packet.
    for words in [0u8, 1, 31] {
        let mut g = capwap(1, 0, &[], &[0; 40]);
        g[1] = (words << 3) | (g[1] & 7);
        broken(&g);
    }
    let g = capwap(1, 0, &[0; 8], &[]);
    broken(&g[..g.len() - 1]);
    assert!(matches!(
        tunnel::capwap(&g),
        Ok(Some((Framing::Ethernet, [], 16)))
    ));
    // Optional fields longer than HLEN says: a 6-byte Radio MAC Address in 4 bytes, an
    // 8-byte one in 8 (12 with its padding), Wireless Specific Information past the end,
    // both flags with no room for the second.
    for (flags, opt) in [
        (RADIO_MAC, vec![6, 1, 2, 3]),
        (RADIO_MAC, vec![8, 1, 2, 3, 4, 5, 6, 7]),
        (WIRELESS_INFO, vec![200, 0, 0, 0]),
        (RADIO_MAC | WIRELESS_INFO, vec![6, 1, 2, 3, 4, 5, 6, 0]),
    ] {
        broken(&capwap(1, flags, &opt, &lan));
    }
    // A data packet whose 802.3 frame is missing, or cut in its header: opened, then
    // unreadable.
    for payload in [&[][..], &lan[..10]] {
        let f = to_ac(&capwap(1, 0, &[], payload));
        let d = decode(linktype::ETHERNET, &f).unwrap();
        let i = tunnel::inner(&d).unwrap().unwrap();
        assert!(tunnel::decode_inner(&i, &d.link).is_err());
    }
    // 802.11: nothing, a header cut short (3 and 4 addresses, QoS and HT control fields
    // missing), an LLC/SNAP header cut short, a reserved protocol version.
    let body = snap(0x0800, &inner_v4());
    let data4 = wifi([0x88, 0x83], &[BSSID, MAC_X, MAC_B, MAC_A], &[0; 6], &body);
    for w in [
        vec![],
        vec![0x08],
        wifi([0x08, 0x01], &[BSSID, MAC_A, MAC_B], &[], &[])[..23].to_vec(),
        data4[..28].to_vec(),
        data4[..31].to_vec(),
        data4[..35].to_vec(),
        wifi([0x08, 0x01], &[BSSID, MAC_A, MAC_B], &[], &[]),
        wifi([0x08, 0x01], &[BSSID, MAC_A, MAC_B], &[], &[0xaa, 0xaa]),
        wifi([0x08, 0x01], &[BSSID, MAC_A, MAC_B], &[], &body[..7]),
        wifi([0x0a, 0x01], &[BSSID, MAC_A, MAC_B], &[], &body),
        wifi([0x0b, 0x01], &[BSSID, MAC_A, MAC_B], &[], &body),
    ] {
        broken(&capwap_dot11(&w));
        assert!(dot11::data(&w).is_err(), "{w:02x?}");
    }
    // The whole 4-address frame opens.
    let f = to_ac(&capwap_dot11(&data4));
    assert_eq!(open_capwap_v4(&f, 8).0, MAC_A);
}

#[test]
fn every_cut_of_a_capwap_packet_is_an_answer_not_a_panic() {
    let lan = eth(MAC_B, MAC_A, 0x0800, &inner_v4());
    let mut opt = vec![6];
    opt.extend_from_slice(&BSSID);
    opt.extend_from_slice(&[0, 4, 1, 2, 3, 4, 0, 0, 0]);
    let body = snap(0x0800, &inner_v4());
    let frames = [
        to_ac(&capwap(1, RADIO_MAC | WIRELESS_INFO, &opt, &lan)),
        to_ac(&capwap_dot11(&wifi(
            [0x88, 0x83],
            &[BSSID, MAC_X, MAC_B, MAC_A],
            &[0; 6],
            &body,
        ))),
        outer4(
            proto::UDP,
            &udp(
                5247,
                1,
                &capwap(1, NATIVE | RADIO_MAC, &opt[..8], &{
                    wifi([0x08, 0x02], &[MAC_A, BSSID, MAC_B], &[], &body)
                }),
            ),
        ),
    ];
    for f in &frames {
        open(f);
        for cut in 0..f.len() {
            let Ok(d) = decode(linktype::ETHERNET, &f[..cut]) else {
                continue;
            };
            if let Ok(Some(i)) = tunnel::inner(&d) {
                assert!(i.frame.len() <= cut);
                let _ = tunnel::decode_inner(&i, &d.link);
            }
        }
        let mut g = f.clone();
        for at in 14..g.len() {
            for v in [0u8, 0xff, 0x08, 0x45, 0x60, 0xaa, 0x88, 0x03, 0x40, 0x80] {
                let old = g[at];
                g[at] = v;
                if let Ok(d) = decode(linktype::ETHERNET, &g) {
                    if let Ok(Some(i)) = tunnel::inner(&d) {
                        if let Ok(n) = tunnel::decode_inner(&i, &d.link) {
                            assert!(n.link.captured_len() <= i.frame.len());
                        }
                    }
                }
                g[at] = old;
            }
        }
    }
}

/// A frame to UDP 5247 holding `capwap_payload`, through the whole path: whatever it is, no
/// panic, and a packet found is a part of the frame at the offset it claims.
fn through_capwap(capwap_payload: &[u8]) -> Result<(), TestCaseError> {
    let f = to_ac(capwap_payload);
    let d = decode(linktype::ETHERNET, &f).unwrap();
    prop_assert!(tunnel::candidate(&d));
    if let Ok(Some(i)) = tunnel::inner(&d) {
        let at = 14 + i.offset as usize;
        prop_assert_eq!(&f[at..], i.frame);
        if let Ok(n) = tunnel::decode_inner(&i, &d.link) {
            prop_assert!(n.link.captured_len() <= i.frame.len());
            if let Framing::Dot11 { src, dst, .. } = i.framing {
                prop_assert_eq!((n.link.src, n.link.dst), (Some(src), Some(dst)));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn capwap_never_panics_on_random_bytes(b in proptest::collection::vec(any::<u8>(), 0..160)) {
        if let Ok(Some((framing, inner, skip))) = tunnel::capwap(&b) {
            prop_assert_eq!(&b[skip..], inner);
            if let Framing::Dot11 { header_len, .. } = framing {
                prop_assert!(usize::from(header_len) <= inner.len());
            }
        }
        through_capwap(&b)?;
    }

    #[test]
    fn capwap_never_panics_past_a_clear_preamble(
        word in any::<u32>(),
        rest in proptest::collection::vec(any::<u8>(), 0..24),
        fc in any::<[u8; 2]>(),
        tail in proptest::collection::vec(any::<u8>(), 0..80),
    ) {
        // Version 0, type 0, any HLEN, binding and flags; any optional fields; an 802.11 frame
        // control field (a data frame of version 0 half the time).
        let mut b = (word & 0x00ff_ffff).to_be_bytes().to_vec();
        b.extend_from_slice(&rest);
        let fc0 = if word & 1 == 0 { (fc[0] & 0xf0) | 0x08 } else { fc[0] };
        b.extend_from_slice(&[fc0, fc[1]]);
        b.extend_from_slice(&tail);
        let _ = tunnel::capwap(&b);
        through_capwap(&b)?;
    }

    #[test]
    fn dot11_never_panics(
        fc in any::<[u8; 2]>(),
        head in proptest::collection::vec(any::<u8>(), 0..40),
        with_snap in any::<bool>(),
        tail in proptest::collection::vec(any::<u8>(), 0..40),
    ) {
        let mut b = vec![(fc[0] & 0xf0) | 0x08, fc[1]];
        b.extend_from_slice(&head);
        if with_snap {
            b.extend_from_slice(&[0xaa, 0xaa, 3, 0, 0, 0, 8, 0]);
        }
        b.extend_from_slice(&tail);
        for w in [&b[..], &b[1..]] {
            if let Ok(Some(d)) = dot11::data(w) {
                prop_assert_eq!(d.header_len + d.payload.len(), w.len());
                prop_assert!((32..=44).contains(&d.header_len));
                prop_assert_eq!(&w[d.header_len - 2..d.header_len], &d.ethertype.to_be_bytes());
            }
        }
        through_capwap(&capwap_dot11(&b))?;
    }
}
