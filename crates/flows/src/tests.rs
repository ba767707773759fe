//! The decoder on hand-built export packets.

use super::*;
use proptest::prelude::*;

fn exporter() -> IpAddr {
    "192.0.2.1".parse().unwrap()
}

/// A NetFlow v5 packet with one record.
fn v5_packet() -> Vec<u8> {
    let mut p = vec![0, 5, 0, 1];
    p.extend_from_slice(&10_000u32.to_be_bytes()); // uptime, ms
    p.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    p.extend_from_slice(&0u32.to_be_bytes());
    p.extend_from_slice(&7u32.to_be_bytes()); // sequence
    p.extend_from_slice(&[1, 2, 0x40, 100]); // engine 1/2, sampling mode 1, 1 in 100
    let mut r = vec![10, 0, 0, 1, 203, 0, 113, 9, 0, 0, 0, 0, 0, 1, 0, 2];
    r.extend_from_slice(&5u32.to_be_bytes()); // packets
    r.extend_from_slice(&300u32.to_be_bytes()); // bytes
    r.extend_from_slice(&4_000u32.to_be_bytes()); // first
    r.extend_from_slice(&9_000u32.to_be_bytes()); // last
    r.extend_from_slice(&[0xc3, 0x50, 0, 23, 0, 0x02, 6, 0, 0, 0, 0, 0, 24, 24, 0, 0]);
    p.extend_from_slice(&r);
    p
}

#[test]
fn netflow_v5() {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    d.decode(exporter(), &v5_packet(), &mut out);
    assert_eq!(out.len(), 1);
    let r = &out[0];
    assert_eq!(
        (r.src.to_string(), r.dst.to_string()),
        ("10.0.0.1".into(), "203.0.113.9".into())
    );
    assert_eq!(
        (r.sport, r.dport, r.proto, r.packets, r.bytes),
        (50_000, 23, 6, Some(5), Some(300))
    );
    assert_eq!(r.tcp_flags, 2);
    assert_eq!(r.domain, 0x0102);
    assert_eq!(r.sampling, Some(100));
    // Uptime 10 s at export: the flow began 6 s and ended 1 s before.
    assert_eq!(r.start_ms, Some(1_700_000_000_000 - 6_000));
    assert_eq!(r.end_ms, Some(1_700_000_000_000 - 1_000));
    // Cut short: refused and counted, nothing produced.
    let p = v5_packet();
    d.decode(exporter(), &p[..p.len() - 1], &mut out);
    assert_eq!((out.len(), d.stats.malformed), (1, 1));
}

/// A set: id, length, body.
fn set(id: u16, body: &[u8]) -> Vec<u8> {
    let mut s = id.to_be_bytes().to_vec();
    s.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    s.extend_from_slice(body);
    s
}

fn ipfix(domain: u32, sets: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = sets.concat();
    let mut p = vec![0, 10];
    p.extend_from_slice(&((16 + body.len()) as u16).to_be_bytes());
    p.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&domain.to_be_bytes());
    p.extend_from_slice(&body);
    p
}

/// Template 256: source and destination IPv4, ports, protocol, packets (4 bytes), bytes (8),
/// flow start and end in milliseconds, an enterprise field, and a variable-length field.
fn ipfix_template() -> Vec<u8> {
    let mut t = vec![1, 0, 0, 11];
    for (id, len) in [
        (8u16, 4u16),
        (12, 4),
        (7, 2),
        (11, 2),
        (4, 1),
        (2, 4),
        (1, 8),
        (152, 8),
        (153, 8),
    ] {
        t.extend_from_slice(&id.to_be_bytes());
        t.extend_from_slice(&len.to_be_bytes());
    }
    t.extend_from_slice(&[0x80, 0x01, 0, 2, 0, 0, 0x12, 0x34]); // enterprise 4660, element 1
    t.extend_from_slice(&[0, 96, 0xff, 0xff]); // applicationName, variable length
    set(2, &t)
}

fn ipfix_record(sport: u16, name: &[u8]) -> Vec<u8> {
    let mut r = vec![10, 0, 0, 2, 198, 51, 100, 7];
    r.extend_from_slice(&sport.to_be_bytes());
    r.extend_from_slice(&443u16.to_be_bytes());
    r.push(6);
    r.extend_from_slice(&12u32.to_be_bytes());
    r.extend_from_slice(&4_000u64.to_be_bytes());
    r.extend_from_slice(&1_700_000_000_000u64.to_be_bytes());
    r.extend_from_slice(&1_700_000_001_500u64.to_be_bytes());
    r.extend_from_slice(&[0xab, 0xcd]);
    r.push(name.len() as u8);
    r.extend_from_slice(name);
    r
}

#[test]
fn ipfix_templates_data_and_withdrawal() {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    // Data before its template: counted, not fatal.
    d.decode(
        exporter(),
        &ipfix(7, &[set(256, &ipfix_record(1, b"x"))]),
        &mut out,
    );
    assert_eq!((out.len(), d.stats.no_template), (0, 1));
    let data = set(
        256,
        &[ipfix_record(40_001, b"http"), ipfix_record(40_002, b"")].concat(),
    );
    d.decode(
        exporter(),
        &ipfix(7, &[ipfix_template(), data.clone()]),
        &mut out,
    );
    assert_eq!(out.len(), 2, "{:?}", d.stats);
    assert_eq!((out[0].sport, out[1].sport), (40_001, 40_002));
    assert_eq!(
        (out[0].packets, out[0].bytes, out[0].domain),
        (Some(12), Some(4_000), 7)
    );
    assert_eq!(out[0].start_ms, Some(1_700_000_000_000));
    assert_eq!(out[0].end_ms, Some(1_700_000_001_500));
    // The same template id from another domain is another template.
    d.decode(exporter(), &ipfix(8, std::slice::from_ref(&data)), &mut out);
    assert_eq!(out.len(), 2);
    // Withdrawn (field count 0): data is no longer read.
    d.decode(exporter(), &ipfix(7, &[set(2, &[1, 0, 0, 0])]), &mut out);
    assert_eq!(d.stats.templates_withdrawn, 1);
    d.decode(exporter(), &ipfix(7, &[data]), &mut out);
    assert_eq!(out.len(), 2);
}

#[test]
fn one_record_per_set_reads_as_one_set_of_them() {
    // nfreplay writes each record as a set of its own: a run of sets of one template is read
    // with one lookup, and gives what one set of all the records gives.
    let recs: Vec<Vec<u8>> = (0..5).map(|i| ipfix_record(40_000 + i, b"ab")).collect();
    let mut one = (Decoder::new(), Vec::new());
    one.0.decode(
        exporter(),
        &ipfix(7, &[ipfix_template(), set(256, &recs.concat())]),
        &mut one.1,
    );
    let mut apart = (Decoder::new(), Vec::new());
    let mut sets = vec![ipfix_template()];
    sets.extend(recs.iter().map(|r| set(256, r)));
    apart.0.decode(exporter(), &ipfix(7, &sets), &mut apart.1);
    assert_eq!(one.1.len(), 5);
    assert_eq!(one.1, apart.1);
    // Without their template, each set is counted; a set of another template ends the run.
    let mut d = Decoder::new();
    let mut out = Vec::new();
    let mut sets: Vec<Vec<u8>> = recs[..3].iter().map(|r| set(256, r)).collect();
    sets.push(set(257, &recs[3]));
    sets.push(ipfix_template());
    sets.push(set(256, &recs[4]));
    d.decode(exporter(), &ipfix(7, &sets), &mut out);
    assert_eq!((d.stats.no_template, out.len()), (4, 1));
    assert_eq!(out[0].sport, 40_004);
    // A damaged set inside a run: the sets before it are read, the packet counted malformed.
    let mut p = ipfix(7, &[set(256, &recs[0]), set(256, &recs[1])]);
    let cut = p.len() - recs[1].len() - 2;
    p[cut..cut + 2].copy_from_slice(&9_000u16.to_be_bytes());
    let before = (d.stats.malformed, out.len());
    d.decode(exporter(), &p, &mut out);
    assert_eq!((d.stats.malformed, out.len()), (before.0 + 1, before.1 + 1));
}

/// softflowd's IPFIX: record times relative to the exporter's uptime (flowStartSysUpTime,
/// flowEndSysUpTime), its start time (systemInitTimeMilliseconds) declared once in an options
/// record. Without it every time was unknown, and pairing and the detectors' windows ran
/// blind (a hub's connections to its cloud turned inbound).
#[test]
fn ipfix_uptime_times_placed_by_the_declared_start_time() {
    let field = |t: &mut Vec<u8>, id: u16, len: u16| {
        t.extend_from_slice(&id.to_be_bytes());
        t.extend_from_slice(&len.to_be_bytes());
    };
    // Options template 256: scope meteringProcessId (143), then systemInitTimeMilliseconds.
    let mut ot = vec![1, 0, 0, 2, 0, 1];
    field(&mut ot, 143, 4);
    field(&mut ot, 160, 8);
    // Template 1024: addresses, ports, protocol, packets, start and end as uptime (ms).
    let mut t = vec![4, 0, 0, 8];
    for (id, len) in [
        (8, 4),
        (12, 4),
        (7, 2),
        (11, 2),
        (4, 1),
        (2, 4),
        (22, 4),
        (21, 4),
    ] {
        field(&mut t, id, len);
    }
    let init: u64 = 1_700_000_000_000 - 3_600_000;
    let mut opt = 1u32.to_be_bytes().to_vec();
    opt.extend_from_slice(&init.to_be_bytes());
    let mut rec = vec![192, 168, 1, 127, 8, 209, 66, 141];
    rec.extend_from_slice(&7158u16.to_be_bytes());
    rec.extend_from_slice(&9999u16.to_be_bytes());
    rec.push(6);
    rec.extend_from_slice(&100u32.to_be_bytes());
    rec.extend_from_slice(&1_000u32.to_be_bytes());
    rec.extend_from_slice(&61_000u32.to_be_bytes());
    let mut d = Decoder::new();
    let mut out = Vec::new();
    // Before the options record: the times are not known.
    d.decode(
        exporter(),
        &ipfix(1, &[set(2, &t), set(1024, &rec)]),
        &mut out,
    );
    assert_eq!((out[0].start_ms, out[0].end_ms), (None, None));
    d.decode(
        exporter(),
        &ipfix(1, &[set(3, &ot), set(256, &opt), set(1024, &rec)]),
        &mut out,
    );
    let want = i64::try_from(init).unwrap();
    assert_eq!(
        (out[1].start_ms, out[1].end_ms),
        (Some(want + 1_000), Some(want + 61_000))
    );
    // Another observation domain declared nothing.
    d.decode(
        exporter(),
        &ipfix(2, &[set(2, &t), set(1024, &rec)]),
        &mut out,
    );
    assert_eq!(out[2].start_ms, None);
    // A start time at the end of the range cannot overflow.
    let mut huge = 1u32.to_be_bytes().to_vec();
    huge.extend_from_slice(&(i64::MAX as u64).to_be_bytes());
    d.decode(
        exporter(),
        &ipfix(1, &[set(256, &huge), set(1024, &rec)]),
        &mut out,
    );
    assert_eq!(out[3].start_ms, None);
}

#[test]
fn netflow_v9_with_sampling_from_an_options_record() {
    let mut p = vec![0, 9, 0, 3];
    p.extend_from_slice(&60_000u32.to_be_bytes()); // uptime
    p.extend_from_slice(&1_700_000_000u32.to_be_bytes());
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(&42u32.to_be_bytes()); // source id
                                               // Options template 300: scope system (1, 4 bytes), option SAMPLING_INTERVAL (34, 4 bytes).
    let opt = [1u8, 44, 0, 4, 0, 4, 0, 1, 0, 4, 0, 34, 0, 4];
    p.extend_from_slice(&set(1, &opt));
    p.extend_from_slice(&set(300, &[0, 0, 0, 0, 0, 0, 0, 50, 0, 0]));
    // Template 260: IPv6 addresses, ports, protocol, first/last switched, packets, bytes.
    let mut t = vec![1, 4, 0, 9];
    for (id, len) in [
        (27u16, 16u16),
        (28, 16),
        (7, 2),
        (11, 2),
        (4, 1),
        (22, 4),
        (21, 4),
        (2, 4),
        (1, 4),
    ] {
        t.extend_from_slice(&id.to_be_bytes());
        t.extend_from_slice(&len.to_be_bytes());
    }
    p.extend_from_slice(&set(0, &t));
    let mut r = Vec::new();
    r.extend_from_slice(
        &"2001:db8::1"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    r.extend_from_slice(
        &"2001:db8::2"
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
            .octets(),
    );
    r.extend_from_slice(&[0x13, 0x88, 0, 53, 17]);
    r.extend_from_slice(&58_000u32.to_be_bytes());
    r.extend_from_slice(&59_000u32.to_be_bytes());
    r.extend_from_slice(&2u32.to_be_bytes());
    r.extend_from_slice(&140u32.to_be_bytes());
    r.extend_from_slice(&[0, 0, 0]); // padding
    p.extend_from_slice(&set(260, &r));
    let mut d = Decoder::new();
    let mut out = Vec::new();
    d.decode(exporter(), &p, &mut out);
    assert_eq!(out.len(), 1, "{:?}", d.stats);
    let f = &out[0];
    assert_eq!(
        (f.src.to_string(), f.dport, f.proto),
        ("2001:db8::1".into(), 53, 17)
    );
    assert_eq!((f.packets, f.bytes, f.domain), (Some(2), Some(140), 42));
    assert_eq!(f.start_ms, Some(1_700_000_000_000 - 2_000));
    assert_eq!(f.sampling, Some(50));
}

#[test]
fn a_flood_of_templates_stays_bounded() {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    for n in 0..(MAX_TEMPLATES as u32 + 5_000) {
        // Each packet from another domain: a new template each time.
        d.decode(exporter(), &ipfix(n, &[ipfix_template()]), &mut out);
    }
    assert_eq!(d.template_count(), MAX_TEMPLATES);
    assert_eq!(d.stats.templates_evicted, 5_000);
    assert!(d.order.len() <= 2 * MAX_TEMPLATES);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
    /// Any bytes: no panic; a record only from a packet that parsed.
    #[test]
    fn any_packet_is_read_safely(bytes in prop::collection::vec(any::<u8>(), 0..400), v in 0u8..3) {
        let mut b = bytes;
        if b.len() >= 2 {
            b[0] = 0;
            b[1] = [5, 9, 10][usize::from(v)];
        }
        let mut d = Decoder::new();
        let mut out = Vec::new();
        d.decode(exporter(), &ipfix(1, &[ipfix_template()]), &mut out);
        d.decode(exporter(), &b, &mut out);
        prop_assert_eq!(d.stats.records as usize, out.len());
    }

    /// A real packet with bytes changed or cut: no panic.
    #[test]
    fn damaged_packets_are_read_safely(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut p = ipfix(3, &[ipfix_template(), set(256, &ipfix_record(9, b"abc"))]);
        for (at, b) in edits {
            let i = at.index(p.len());
            p[i] = b;
        }
        p.truncate(cut.index(p.len() + 1));
        let mut d = Decoder::new();
        let mut out = Vec::new();
        d.decode(exporter(), &p, &mut out);
        let mut v5 = v5_packet();
        let i = cut.index(v5.len());
        v5[i] ^= 0xff;
        d.decode(exporter(), &v5, &mut out);
    }
}

#[test]
fn sflow_through_the_decoder() {
    let mut d = Decoder::new();
    let mut out = Vec::new();
    d.decode(exporter(), &crate::sflow::tests::datagram(true), &mut out);
    assert_eq!((out.len(), d.stats.records, d.stats.malformed), (1, 1, 0));
    assert_eq!(out[0].sampling, Some(512));
}

/// Records as the exporter writes them, with times in the hour before `now_ms`.
fn arb_record(now_ms: i64) -> impl Strategy<Value = Record> {
    let addr = prop_oneof![
        any::<u32>().prop_map(|a| IpAddr::from(a.to_be_bytes())),
        any::<u128>().prop_map(|a| IpAddr::from(a.to_be_bytes())),
    ];
    (
        addr.clone(),
        addr,
        any::<(u16, u16, u8, u8)>(),
        (any::<u32>(), any::<u32>()),
        (0i64..3_000_000, 0i64..600_000),
    )
        .prop_map(
            move |(src, dst, (sport, dport, proto, flags), (pk, by), (back, dur))| {
                // A mapped IPv4 address next to an IPv6 one is written as IPv6 and read back so.
                let v6 = src.is_ipv6() || dst.is_ipv6();
                let fam = |a: IpAddr| match (a, v6) {
                    (IpAddr::V4(x), true) => IpAddr::V6(x.to_ipv6_mapped()),
                    _ => a,
                };
                let start = now_ms - back - dur;
                Record {
                    exporter: exporter(),
                    domain: 7,
                    src: fam(src),
                    dst: fam(dst),
                    sport,
                    dport,
                    proto,
                    packets: Some(u64::from(pk)),
                    bytes: Some(u64::from(by)),
                    start_ms: Some(start),
                    end_ms: Some(start + dur),
                    tcp_flags: flags,
                    sampling: None,
                    src_mac: None,
                    dst_mac: None,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
    /// What the exporter writes, in either format and over several packets, the decoder reads
    /// back record for record.
    #[test]
    fn exports_read_back(
        recs in prop::collection::vec(arb_record(1_790_000_000_000), 0..150),
        ipfix in any::<bool>(),
    ) {
        use crate::export::{Exporter, Format, MAX_PACKET};
        let now = 1_790_000_000_000;
        let format = if ipfix { Format::Ipfix } else { Format::V9 };
        let mut e = Exporter::new(format, 7);
        let mut pkts = Vec::new();
        e.encode(&recs, now, &mut pkts);
        e.encode(&recs, now + 1500, &mut pkts);
        let mut d = Decoder::new();
        let mut out = Vec::new();
        for p in &pkts {
            prop_assert!(p.len() <= MAX_PACKET);
            d.decode(exporter(), p, &mut out);
        }
        let mut want = recs.clone();
        want.extend(recs.iter().cloned());
        prop_assert_eq!(d.stats.malformed + d.stats.no_template, 0);
        prop_assert_eq!(out, want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]
    /// A template whose fields all have fixed lengths is read through its plan (offsets
    /// computed once); the same fields followed by an empty variable-length one are read
    /// field by field. Both give the same records, whatever the fields and their values.
    #[test]
    fn the_fixed_length_plan_reads_what_the_field_walk_reads(
        fields in prop::collection::vec(
            (prop::sample::select(vec![1u16, 2, 4, 6, 7, 8, 11, 12, 21, 22, 27, 28, 34, 56, 80, 85, 86, 150, 151, 152, 153, 160, 200, 0x8001]),
             prop::sample::select(vec![1u16, 2, 4, 6, 8, 16])),
            1..14),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
    ) {
        let template = |extra: bool| {
            let n = fields.len() + usize::from(extra);
            let mut t = vec![1, 0];
            t.extend_from_slice(&(n as u16).to_be_bytes());
            for &(id, len) in &fields {
                t.extend_from_slice(&id.to_be_bytes());
                t.extend_from_slice(&len.to_be_bytes());
                if id & 0x8000 != 0 {
                    t.extend_from_slice(&[0, 0, 0x12, 0x34]);
                }
            }
            if extra {
                t.extend_from_slice(&[0, 96, 0xff, 0xff]);
            }
            set(2, &t)
        };
        let len: usize = fields.iter().map(|f| usize::from(f.1)).sum();
        let records: Vec<&[u8]> = bytes.chunks_exact(len).collect();
        let read = |extra: bool| {
            let data: Vec<u8> = records
                .iter()
                .flat_map(|r| {
                    let mut r = r.to_vec();
                    if extra {
                        r.push(0);
                    }
                    r
                })
                .collect();
            let mut d = Decoder::new();
            let mut out = Vec::new();
            d.decode(exporter(), &ipfix(1, &[template(extra)]), &mut out);
            d.decode(exporter(), &ipfix(1, &[set(256, &data)]), &mut out);
            (out, d.stats.not_flows)
        };
        prop_assert_eq!(read(false), read(true));
    }
}
