//! The simulated ISP's exports read by tshark (the oracle) and by iotgate's decoder: the same
//! records (addresses, ports, protocol, packets, bytes), as many as the simulator says it
//! wrote, in both formats. Skipped (with a note) when tshark is not installed.

use iotgate_flows::export::Format;
use iotgate_flows::Decoder;
use std::process::Command;

type Row = (String, String, String, String, String, String, String);

fn tshark(path: &std::path::Path, port: u16) -> Option<Vec<Row>> {
    let o = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-d", &format!("udp.port=={port},cflow")])
        .args(["-T", "fields", "-E", "occurrence=a"])
        .args(["-e", "cflow.srcaddr", "-e", "cflow.dstaddr"])
        .args(["-e", "cflow.srcport", "-e", "cflow.dstport"])
        .args([
            "-e",
            "cflow.protocol",
            "-e",
            "cflow.packets",
            "-e",
            "cflow.octets",
        ])
        .output()
        .ok()?;
    if !o.status.success() {
        return None;
    }
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let cols: Vec<Vec<&str>> = line.split('\t').map(|c| c.split(',').collect()).collect();
        if cols.len() < 7 || cols[0] == [""] {
            continue;
        }
        for i in 0..cols[0].len() {
            let at = |c: usize| cols[c].get(i).copied().unwrap_or("").to_string();
            rows.push((at(0), at(1), at(2), at(3), at(4), at(5), at(6)));
        }
    }
    rows.sort();
    Some(rows)
}

#[test]
fn tshark_reads_the_simulated_exports_as_iotgate_does() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-isp-tshark-")
        .tempdir()
        .unwrap();
    for (format, port) in [(Format::V9, 2055), (Format::Ipfix, 4739)] {
        let opts = iotgate_sim::isp::IspOptions {
            subscribers: 6,
            infected: 1,
            stealthy: 1,
            floods: 0,
            devices: 4,
            packets: 8_000,
            seed: 11,
            format,
        };
        let (mut pcap, mut map) = (Vec::new(), Vec::new());
        let truth = iotgate_sim::isp::write_isp(&opts, &mut pcap, &mut map).unwrap();
        let path = dir.path().join(format!("{port}.pcap"));
        std::fs::write(&path, &pcap).unwrap();
        let theirs = tshark(&path, port);
        // Ours, from the same packets.
        let cap = iotgate_sources::Capture::open(&path).unwrap();
        let mut reader = cap.reader().unwrap();
        let (mut d, mut recs) = (Decoder::new(), Vec::new());
        while let Some(p) = reader.next_packet() {
            let pkt = iotgate_wire::decode(p.linktype, p.data).unwrap();
            let (iotgate_wire::L3::Ip(ip), iotgate_wire::L4::Udp(u)) = (pkt.l3, pkt.l4) else {
                panic!("not an export packet");
            };
            d.decode(ip.src, u.payload, &mut recs);
        }
        assert_eq!(recs.len() as u64, truth.records);
        assert_eq!(d.stats.malformed + d.stats.no_template, 0);
        let Some(theirs) = theirs else {
            eprintln!("tshark not installed: the oracle comparison is skipped");
            return;
        };
        let opt = |v: Option<u64>| v.map(|x| x.to_string()).unwrap_or_default();
        let mut ours: Vec<Row> = recs
            .iter()
            .map(|r| {
                (
                    r.src.to_string(),
                    r.dst.to_string(),
                    r.sport.to_string(),
                    r.dport.to_string(),
                    r.proto.to_string(),
                    opt(r.packets),
                    opt(r.bytes),
                )
            })
            .collect();
        ours.sort();
        assert_eq!(ours.len(), theirs.len(), "{format:?}");
        assert_eq!(ours, theirs, "{format:?}");
    }
}
