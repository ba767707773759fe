//! Every NetFlow/IPFIX capture in `../shared/data/flows` decoded by iotgate and by tshark (the
//! oracle): for each export packet, the records' addresses, ports, protocols, packets and bytes
//! are the same. Skipped (with a note) when tshark is not installed.

use iotgate_flows::{Decoder, Record};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn captures(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut v: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            captures(&p, out);
        } else if p.extension().is_some_and(|x| x == "pcap" || x == "pcapng") {
            out.push(p);
        }
    }
}

/// The values of each field, sorted, per frame: what tshark decodes.
type Frames = BTreeMap<u64, [Vec<String>; 7]>;

fn tshark(path: &Path) -> Option<Frames> {
    let ports = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-e", "udp.dstport"])
        .output()
        .ok()?;
    let mut args: Vec<String> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in String::from_utf8_lossy(&ports.stdout).lines() {
        if !p.is_empty() && seen.insert(p.to_string()) {
            args.push("-d".into());
            args.push(format!("udp.port=={p},cflow"));
        }
    }
    let o = Command::new("tshark")
        .arg("-r")
        .arg(path)
        .args(&args)
        .args(["-T", "fields", "-E", "occurrence=a", "-e", "frame.number"])
        .args(["-e", "cflow.srcaddr", "-e", "cflow.srcaddrv6"])
        .args(["-e", "cflow.dstaddr", "-e", "cflow.dstaddrv6"])
        .args([
            "-e",
            "cflow.srcport",
            "-e",
            "cflow.dstport",
            "-e",
            "cflow.protocol",
        ])
        .args(["-e", "cflow.packets", "-e", "cflow.octets"])
        .output()
        .ok()?;
    let mut frames = Frames::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 10 {
            continue;
        }
        // A record may carry both address families, the unused one zero: tshark lists it,
        // iotgate keeps the real one. Unspecified addresses are left out on both sides.
        let list = |i: usize| -> Vec<String> {
            cols[i]
                .split(',')
                .filter(|s| !s.is_empty() && *s != "::" && *s != "0.0.0.0")
                .map(str::to_owned)
                .collect()
        };
        let mut f: [Vec<String>; 7] = [
            [list(1), list(2)].concat(),
            [list(3), list(4)].concat(),
            list(5),
            list(6),
            list(7),
            list(8),
            list(9),
        ];
        for v in &mut f {
            v.sort();
        }
        if f.iter().any(|v| !v.is_empty()) {
            frames.insert(cols[0].parse().ok()?, f);
        }
    }
    Some(frames)
}

fn ours(path: &Path) -> (Frames, usize) {
    let cap = iotgate_sources::Capture::open(path).expect("open");
    let mut reader = cap.reader().expect("reader");
    let mut d = Decoder::new();
    let mut frames = Frames::new();
    let mut n = 0u64;
    let mut total = 0;
    while let Some(p) = reader.next_packet() {
        n += 1;
        let Ok(pkt) = iotgate_wire::decode(p.linktype, p.data) else {
            continue;
        };
        let (iotgate_wire::L3::Ip(ip), iotgate_wire::L4::Udp(u)) = (pkt.l3, pkt.l4) else {
            continue;
        };
        let mut out: Vec<Record> = Vec::new();
        d.decode(ip.src, u.payload, &mut out);
        if out.is_empty() {
            continue;
        }
        total += out.len();
        let mut f: [Vec<String>; 7] = [
            out.iter()
                .filter(|r| !r.src.is_unspecified())
                .map(|r| r.src.to_string())
                .collect(),
            out.iter()
                .filter(|r| !r.dst.is_unspecified())
                .map(|r| r.dst.to_string())
                .collect(),
            out.iter().map(|r| r.sport.to_string()).collect(),
            out.iter().map(|r| r.dport.to_string()).collect(),
            out.iter().map(|r| r.proto.to_string()).collect(),
            out.iter()
                .filter_map(|r| r.packets)
                .map(|n| n.to_string())
                .collect(),
            out.iter()
                .filter_map(|r| r.bytes)
                .map(|n| n.to_string())
                .collect(),
        ];
        for v in &mut f {
            v.sort();
        }
        frames.insert(n, f);
    }
    (frames, total)
}

#[test]
fn every_shared_flow_capture_decodes_as_tshark_does() {
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!("skipped: tshark is not installed (tools/test-all.sh installs it)");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/flows");
    let mut files = Vec::new();
    captures(&dir, &mut files);
    assert!(
        files.len() >= 20,
        "{} captures under {}",
        files.len(),
        dir.display()
    );
    // Exporters send templates now and then: the captures of data alone come with one of
    // templates, and the two are read together (appended, as mergecap -a does) too.
    let scratch = tempfile::Builder::new()
        .prefix("iotgate-flows-")
        .tempdir()
        .expect("tmp");
    let tmp = scratch.path();
    let mut pairs = Vec::new();
    for f in &files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(stem) = name.strip_suffix("data.pcap") else {
            continue;
        };
        let t = f.with_file_name(format!("{stem}template.pcap"));
        if t.exists() {
            let joined = tmp.join(format!("{stem}joined.pcap"));
            let ok = Command::new("mergecap")
                .arg("-a")
                .arg("-w")
                .arg(&joined)
                .arg(&t)
                .arg(f)
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                pairs.push(joined);
            }
        }
    }
    assert!(pairs.len() >= 5, "{pairs:?}");
    files.extend(pairs);
    let mut records = 0;
    let mut with_records = 0;
    let mut mismatches = Vec::new();
    for f in &files {
        let Some(theirs) = tshark(f) else { continue };
        let (mine, n) = ours(f);
        records += n;
        with_records += usize::from(n > 0);
        if mine != theirs {
            let frame = mine
                .keys()
                .chain(theirs.keys())
                .find(|k| mine.get(k) != theirs.get(k))
                .copied();
            mismatches.push(format!(
                "{}: frame {frame:?}: ours {:?} tshark {:?}",
                f.display(),
                frame.and_then(|k| mine.get(&k)),
                frame.and_then(|k| theirs.get(&k))
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    eprintln!(
        "{records} records from {with_records} of {} captures, as tshark",
        files.len()
    );
    // Not vacuous (many shared captures hold only templates, options, or data whose
    // templates are in another file): records from several exporters' formats.
    assert!(
        with_records >= 8 && records >= 50,
        "{records} records from {with_records} captures"
    );
}
