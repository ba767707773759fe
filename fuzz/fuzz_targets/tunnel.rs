//! Fuzz target: tunnels (GRE with its optional fields and ERSPAN, VXLAN, GTP-U with extension
//! headers, IP-in-IP, Teredo with its indications, CAPWAP with its optional fields and 802.3 or
//! 802.11 frames), opened one inside the other, must not panic; each inner packet is a part of
//! the outer one at the offset it claims; the byte count of an IP packet never exceeds its frame
//! (in the analyzer too: each packet of a frame counts at most the frame); and the analyzer opens
//! at most `MAX_DEPTH` tunnels per frame.
//! The first input byte picks an outer header put before the rest (so that most inputs reach a
//! tunnel decoder): none (Ethernet or raw IP), IPv4 GRE, UDP to the VXLAN, GTP-U or Teredo port,
//! IPv4 protocol 4 or 41, IPv6 GRE, UDP to or from the CAPWAP data port.
#![no_main]
use iotgate_wire::tunnel::{self, MAX_DEPTH};
use iotgate_wire::{decode, Decoded, L3};
use libfuzzer_sys::fuzz_target;

fn ipv4(proto: u8, payload_len: usize) -> Vec<u8> {
    let len = u16::try_from(20 + payload_len).unwrap_or(0).to_be_bytes();
    vec![
        0x45, 0, len[0], len[1], 0, 0, 0x40, 0, 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    ]
}

fn frame(data: &[u8]) -> (u16, Vec<u8>) {
    let (&mode, rest) = data.split_first().unwrap_or((&0, &[]));
    let eth = |et: u16| {
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
        f.extend_from_slice(&et.to_be_bytes());
        f
    };
    let udp_from = |sport: u16, dport: u16| {
        let mut f = eth(0x0800);
        f.extend(ipv4(17, 8 + rest.len()));
        f.extend_from_slice(&sport.to_be_bytes());
        f.extend_from_slice(&dport.to_be_bytes());
        f.extend_from_slice(&u16::try_from(8 + rest.len()).unwrap_or(0).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
        f
    };
    let udp = |dport: u16| udp_from(40000, dport);
    let (lt, mut f) = match mode % 11 {
        0 => (1, Vec::new()),
        1 => (101, Vec::new()),
        2 => {
            let mut f = eth(0x0800);
            f.extend(ipv4(47, rest.len()));
            (1, f)
        }
        3 => (1, udp(4789)),
        4 => (1, udp(2152)),
        5 => (1, udp(3544)),
        6 | 7 => {
            let mut f = eth(0x0800);
            f.extend(ipv4(if mode % 11 == 6 { 4 } else { 41 }, rest.len()));
            (1, f)
        }
        9 => (1, udp(5247)),
        10 => (1, udp_from(5247, 40000)),
        _ => {
            let mut f = eth(0x86dd);
            let len = u16::try_from(rest.len()).unwrap_or(0).to_be_bytes();
            f.extend_from_slice(&[0x60, 0, 0, 0, len[0], len[1], 47, 64]);
            f.extend_from_slice(&[0xfd; 32]);
            (1, f)
        }
    };
    f.extend_from_slice(rest);
    (lt, f)
}

/// `inner` lies within `outer`.
fn within(outer: &[u8], inner: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    inner.is_empty() || (i >= o && i + inner.len() <= o + outer.len())
}

fn check_len(d: &Decoded<'_>, wire: u32) -> u32 {
    let Some(n) = d.ip_wire_len(wire) else {
        return 0;
    };
    let room = wire.max(d.link.captured_len() as u32);
    assert!(n <= room, "{n} bytes counted in a {room}-byte frame");
    n
}

fuzz_target!(|data: &[u8]| {
    let (lt, f) = frame(data);
    let Ok(mut d) = decode(lt, &f) else { return };
    let mut ip_len = check_len(&d, f.len() as u32);
    // Opened by hand one at a time, a little past the analyzer's bound.
    for _ in 0..MAX_DEPTH + 2 {
        let _ = tunnel::candidate(&d);
        let Ok(Some(i)) = tunnel::inner(&d) else {
            break;
        };
        assert!(tunnel::candidate(&d), "a tunnel the cheap test missed");
        let L3::Ip(_) = d.l3 else {
            panic!("a tunnel outside IP")
        };
        // The offset leads from the IP header to the inner packet.
        let ip_start = d.link.payload;
        assert!(within(&f, i.frame));
        let at = i.offset as usize;
        assert!(at <= ip_start.len());
        assert_eq!(&ip_start[at..at + i.frame.len()], i.frame);
        let Ok(next) = tunnel::decode_inner(&i, &d.link) else {
            break;
        };
        assert!(within(&f, next.link.payload));
        ip_len = check_len(&next, ip_len.saturating_sub(i.offset));
        d = next;
    }
    // The analyzer, on the same frame: bounded nesting, bytes within the frame.
    let mut an = iotgate_observe::Analyzer::new(Default::default());
    an.process(&iotgate_sources::RawPacket {
        ts_ns: 1_000_000_000,
        linktype: lt,
        data: &f,
        orig_len: f.len() as u32,
    });
    let t = an.stats.tunnels;
    assert!(t.total() <= MAX_DEPTH as u64);
    assert!(t.too_deep + t.malformed <= 1);
    assert!(an.flows.len() <= MAX_DEPTH + 1);
    // Each packet of the frame counts at most the frame (one flow may hold several of them:
    // a tunnel between the addresses of the packet it carries).
    let mut bytes = 0;
    an.flows
        .for_each(|(_, fl, _)| bytes += fl.bytes[0] + fl.bytes[1]);
    assert!(bytes <= (1 + t.total()) * f.len() as u64);
});
