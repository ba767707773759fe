//! A session fed packet by packet for half an hour of simulated traffic, snapshotted every
//! simulated minute, ends with exactly the one-shot analysis, and its memory stays flat.
//! (Alone in its test binary, so that the resident-set readings are this test's.)

use iotgate_explain::{Lang, Localizer};
use iotgate_pipeline::{analyze_files, open_all, Session, SessionConfig};
use iotgate_sources::{Next, PacketSource, StreamReader};
use std::path::PathBuf;

/// This process's resident set, bytes.
fn rss() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").expect("procfs");
    let kb: u64 = s
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kb * 1024
}

fn json(a: &iotgate_explain::Analysis) -> serde_json::Value {
    let l = Localizer::new(Lang::En);
    serde_json::to_value(a.in_language(&l)).expect("serialises")
}

#[test]
fn half_an_hour_snapshotted_every_minute_equals_one_shot() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-stream-")
        .tempdir()
        .unwrap();
    let path: PathBuf = dir.path().join("half-hour.pcap");
    // Three devices and an infected camera: about 105 k packets a simulated minute.
    let opts = iotgate_sim::Options {
        devices: 3,
        packets: 650_000,
        seed: 11,
        infected: 1,
        flood: false,
        stealthy: 0,
    };
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        iotgate_sim::write(&opts, &mut w).unwrap();
        std::io::Write::flush(&mut w).unwrap();
    }
    // Streaming: one packet at a time from a bounded reader, a snapshot each simulated minute.
    let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
    let mut src = StreamReader::new(path.clone(), file).unwrap();
    let mut session = Session::new(SessionConfig::detecting());
    const MINUTE: i64 = 60_000_000_000;
    let mut next_minute = None;
    let mut readings = Vec::new(); // (minute, rss, live flows, devices, packets)
    let mut last_packets = 0;
    let mut last_devices = 0;
    loop {
        let ts = match src.next() {
            Next::Packet(p) => {
                session.push_packet(&p);
                p.ts_ns
            }
            Next::Idle => continue,
            Next::End => break,
        };
        let due = *next_minute.get_or_insert(ts + MINUTE);
        if ts >= due {
            next_minute = Some(due + MINUTE);
            let snap = session.snapshot();
            // A snapshot is a consistent, growing view.
            assert!(snap.stats.packets >= last_packets);
            assert!(snap.inventory.devices.len() >= last_devices);
            last_packets = snap.stats.packets;
            last_devices = snap.inventory.devices.len();
            let report = snap.report();
            assert_eq!(report.summary.packets, snap.stats.packets);
            drop((snap, report));
            readings.push((readings.len() + 1, rss(), session.live_flows()));
        }
    }
    let streamed = session.finish().report();
    assert!(
        readings.len() >= 30,
        "the capture covers {} simulated minutes, not 30",
        readings.len()
    );

    // One shot, from the memory-mapped file, on one thread and on two.
    let caps = open_all(std::slice::from_ref(&path)).unwrap();
    for threads in [1, 2] {
        let one_shot = analyze_files(&caps, SessionConfig::detecting(), threads, |_| {})
            .unwrap()
            .report();
        let (mut a, mut b) = (json(&streamed), json(&one_shot));
        // The streamed run names its input like the file run does, but counts from the stream.
        a["captures"] = serde_json::Value::Null;
        b["captures"] = serde_json::Value::Null;
        assert!(
            a == b,
            "streamed and one-shot ({threads} threads) reports differ"
        );
    }
    assert!(!streamed.alerts.is_empty(), "the infected camera is found");

    // Memory: the last ten minutes peak no higher than the first ten (plus allocator slack).
    let peak = |r: &[(usize, u64, usize)]| r.iter().map(|x| x.1).max().unwrap_or(0);
    let early = peak(&readings[..10]);
    let late = peak(&readings[readings.len() - 10..]);
    eprintln!(
        "rss per minute (MiB): {:?}",
        readings.iter().map(|r| r.1 >> 20).collect::<Vec<_>>()
    );
    assert!(
        late <= early + early / 5 + (4 << 20),
        "resident set grew from {} MiB to {} MiB",
        early >> 20,
        late >> 20
    );
    drop(caps);
}
