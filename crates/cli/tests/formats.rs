//! Capture formats and link types: one real capture rewritten as big-endian pcap, nanosecond pcap,
//! multi-interface pcapng (EPB and SPB, ns resolution), Linux SLL, SLL2 and raw IP gives the same
//! analysis (as far as each link type carries the same information).

mod common;

use iotgate_sources::Capture;
use std::path::PathBuf;

struct Pkt {
    ts_ns: i64,
    data: Vec<u8>,
}

fn read_packets(p: &std::path::Path) -> Vec<Pkt> {
    let cap = Capture::open(p).unwrap();
    let mut r = cap.reader().unwrap();
    let mut v = Vec::new();
    while let Some(pk) = r.next_packet() {
        v.push(Pkt {
            ts_ns: pk.ts_ns,
            data: pk.data.to_vec(),
        });
    }
    v
}

fn pcap(pkts: &[Pkt], linktype: u32, big_endian: bool, nanos: bool) -> Vec<u8> {
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut o = Vec::new();
    o.extend_from_slice(&w32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    o.extend_from_slice(&w16(2));
    o.extend_from_slice(&w16(4));
    o.extend_from_slice(&[0; 8]);
    o.extend_from_slice(&w32(65535));
    o.extend_from_slice(&w32(linktype));
    for p in pkts {
        let frac = p.ts_ns % 1_000_000_000;
        o.extend_from_slice(&w32((p.ts_ns / 1_000_000_000) as u32));
        o.extend_from_slice(&w32(if nanos {
            frac as u32
        } else {
            (frac / 1000) as u32
        }));
        o.extend_from_slice(&w32(p.data.len() as u32));
        o.extend_from_slice(&w32(p.data.len() as u32));
        o.extend_from_slice(&p.data);
    }
    o
}

fn block(o: &mut Vec<u8>, ty: u32, body: &[u8]) {
    let pad = (4 - body.len() % 4) % 4;
    let len = (12 + body.len() + pad) as u32;
    o.extend_from_slice(&ty.to_le_bytes());
    o.extend_from_slice(&len.to_le_bytes());
    o.extend_from_slice(body);
    o.extend(std::iter::repeat_n(0u8, pad));
    o.extend_from_slice(&len.to_le_bytes());
}

/// pcapng with two Ethernet interfaces (µs and ns resolution); odd packets on interface 1.
fn pcapng(pkts: &[Pkt]) -> Vec<u8> {
    let mut o = Vec::new();
    let mut shb = vec![0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0];
    shb.extend_from_slice(&u64::MAX.to_le_bytes());
    block(&mut o, 0x0a0d_0d0a, &shb);
    block(&mut o, 1, &[1, 0, 0, 0, 0, 0, 0, 0]);
    // Interface 1: if_tsresol = 9 (nanoseconds).
    block(
        &mut o,
        1,
        &[1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0],
    );
    // An unknown block type that readers must skip.
    block(&mut o, 0x0bad, &[1, 2, 3, 4]);
    for (i, p) in pkts.iter().enumerate() {
        let ifid = (i % 2) as u32;
        let t = if ifid == 0 { p.ts_ns / 1000 } else { p.ts_ns } as u64;
        let mut b = Vec::new();
        b.extend_from_slice(&ifid.to_le_bytes());
        b.extend_from_slice(&((t >> 32) as u32).to_le_bytes());
        b.extend_from_slice(&(t as u32).to_le_bytes());
        b.extend_from_slice(&(p.data.len() as u32).to_le_bytes());
        b.extend_from_slice(&(p.data.len() as u32).to_le_bytes());
        b.extend_from_slice(&p.data);
        block(&mut o, 6, &b);
    }
    o
}

/// A scratch folder for one test, removed when dropped (even when the test fails).
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("iotgate-formats-")
        .tempdir()
        .unwrap()
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn sample() -> (PathBuf, Vec<Pkt>) {
    let p = common::data().join("pcap/iot-sentinel/HueBridge/Setup-A-1-STA.pcap");
    let pk = read_packets(&p);
    (p, pk)
}

fn fingerprint(a: &iotgate_explain::Analysis) -> String {
    let mut v =
        serde_json::to_value(iotgate_explain::in_language(&a.devices, &common::en())).unwrap();
    // first/last seen differ only by timestamp precision; peers' names and counts must match.
    for d in v.as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("first_seen");
        d.as_object_mut().unwrap().remove("last_seen");
        for p in d["peers"].as_array_mut().unwrap() {
            p.as_object_mut().unwrap().remove("first_seen");
            p.as_object_mut().unwrap().remove("last_seen");
        }
        for f in d["findings"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("evidence");
        }
    }
    v.to_string()
}

#[test]
fn pcap_variants_and_pcapng_agree() {
    let (orig, pkts) = sample();
    let base = common::analyze(&[orig]);
    let want = fingerprint(&base);
    let dir = scratch();
    for (name, bytes) in [
        ("be.pcap", pcap(&pkts, 1, true, false)),
        ("ns.pcap", pcap(&pkts, 1, false, true)),
        ("be-ns.pcap", pcap(&pkts, 1, true, true)),
        ("multi.pcapng", pcapng(&pkts)),
    ] {
        let a = common::analyze(&[write(&dir, name, &bytes)]);
        assert_eq!(a.summary.packets, pkts.len() as u64, "{name}");
        assert_eq!(fingerprint(&a), want, "{name} differs");
    }
}

#[test]
fn timestamps_keep_their_resolution() {
    let pkts = vec![Pkt {
        ts_ns: 1_600_000_000_123_456_789,
        data: vec![0u8; 60],
    }];
    let dir = scratch();
    let a = common::analyze(&[write(&dir, "one-ns.pcap", &pcap(&pkts, 1, false, true))]);
    assert_eq!(
        a.summary.first_seen.map(|t| t.to_string()).as_deref(),
        Some("2020-09-13T12:26:40.123456Z")
    );
}

#[test]
fn linux_sll_and_sll2_keep_source_addresses() {
    let (_, pkts) = sample();
    let sll: Vec<Pkt> = pkts
        .iter()
        .filter(|p| p.data.len() >= 14)
        .map(|p| {
            let mut d = vec![0, 0, 0, 1, 0, 6];
            d.extend_from_slice(&p.data[6..12]);
            d.extend_from_slice(&[0, 0]);
            d.extend_from_slice(&p.data[12..]);
            Pkt {
                ts_ns: p.ts_ns,
                data: d,
            }
        })
        .collect();
    let sll2: Vec<Pkt> = pkts
        .iter()
        .filter(|p| p.data.len() >= 14)
        .map(|p| {
            let mut d = p.data[12..14].to_vec();
            d.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6]);
            d.extend_from_slice(&p.data[6..12]);
            d.extend_from_slice(&[0, 0]);
            d.extend_from_slice(&p.data[14..]);
            Pkt {
                ts_ns: p.ts_ns,
                data: d,
            }
        })
        .collect();
    let (orig, _) = sample();
    let base = common::analyze(&[orig]);
    let macs = |a: &iotgate_explain::Analysis| {
        let mut v: Vec<(String, Vec<String>, Vec<String>)> = a
            .devices
            .iter()
            .map(|d| (d.mac.clone(), common::texts(&d.ipv4), d.hostnames.clone()))
            .collect();
        v.sort();
        v
    };
    let dir = scratch();
    let a = common::analyze(&[write(&dir, "sll.pcap", &pcap(&sll, 113, false, false))]);
    assert_eq!(macs(&a), macs(&base), "SLL");
    let b = common::analyze(&[write(&dir, "sll2.pcap", &pcap(&sll2, 276, false, false))]);
    assert_eq!(macs(&b), macs(&base), "SLL2");
    assert_eq!(a.summary.flows, base.summary.flows);
    assert_eq!(b.summary.flows, base.summary.flows);
}

#[test]
fn raw_ip_gives_the_same_flows() {
    let (orig, pkts) = sample();
    let raw: Vec<Pkt> = pkts
        .iter()
        .filter(|p| p.data.len() > 14 && matches!(&p.data[12..14], [0x08, 0x00] | [0x86, 0xdd]))
        .map(|p| Pkt {
            ts_ns: p.ts_ns,
            data: p.data[14..].to_vec(),
        })
        .collect();
    let base = common::analyze(&[orig]);
    let dir = scratch();
    let a = common::analyze(&[write(&dir, "raw.pcap", &pcap(&raw, 101, false, false))]);
    assert_eq!(a.summary.packets, raw.len() as u64);
    assert_eq!(a.summary.flows, base.summary.flows);
    assert_eq!(a.summary.decode_errors, 0);
}

#[test]
fn one_and_two_threads_agree() {
    let dir = scratch();
    let sim = {
        let mut b = Vec::new();
        let o = iotgate_sim::Options {
            devices: 12,
            packets: 80_000,
            seed: 11,
            infected: 1,
            flood: true,
            stealthy: 0,
        };
        iotgate_sim::write(&o, &mut b).unwrap();
        write(&dir, "threads.pcap", &b)
    };
    let d = common::data().join("pcap/iot-sentinel/D-LinkCam");
    let inputs: Vec<Vec<PathBuf>> = vec![
        vec![sim],
        vec![
            d.join("Setup-A-1-STA.pcap"),
            d.join("Setup-B-1-STA.pcap"),
            d.join("Setup-C-1-STA.pcap"),
        ],
    ];
    let l = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
    for files in inputs {
        let caps = iotgate_pipeline::open_all(&files).unwrap();
        let run = |threads| {
            iotgate_pipeline::analyze_files(&caps, Default::default(), threads, |_| {})
                .unwrap()
                .report()
        };
        let (one, two) = (run(1), run(2));
        assert_eq!(
            serde_json::to_string(&one.in_language(&l)).unwrap(),
            serde_json::to_string(&two.in_language(&l)).unwrap()
        );
    }
}
