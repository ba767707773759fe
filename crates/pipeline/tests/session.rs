//! The session's contract: time advances without packets, flow records drive the same
//! detectors as packets, and a session moves between threads.

#[path = "../../cli/tests/common.rs"]
mod common;

use common::frames::{dns_query, ipv4, udp};
use iotgate_judge::detect::{DetectConfig, Kind};
use iotgate_pipeline::{DetectSettings, FlowRecord, Session, SessionConfig};
use iotgate_sources::RawPacket;
use iotgate_wire::Mac;

const S: i64 = 1_000_000_000;
const T0: i64 = 1_700_000_000 * S;
const DEV: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
const GW: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];

fn push(s: &mut Session, ts: i64, frame: &[u8]) {
    s.push_packet(&RawPacket {
        ts_ns: ts,
        linktype: 1,
        data: frame,
        orig_len: frame.len() as u32,
    });
}

fn changes(s: &Session) -> usize {
    s.alerts_raised()
        .filter(|a| a.kind == Kind::BehaviourChange && a.mac == Mac(DEV))
        .count()
}

/// After its learning window a device talks to new kinds of destinations; the alert needs those
/// flows to end, and with no packet after them only the passing of time can end them.
#[test]
fn advance_ends_idle_flows_and_raises_what_time_decides() {
    let cfg = DetectConfig {
        learn_window_s: 10,
        change_new: 2,
        ..DetectConfig::default()
    };
    let mut s = Session::new(SessionConfig {
        detect: Some(DetectSettings {
            cfg,
            lists: Vec::new(),
        }),
        ..SessionConfig::default()
    });
    let lan = [192, 168, 1, 10];
    push(
        &mut s,
        T0,
        &ipv4(
            DEV,
            GW,
            lan,
            [192, 168, 1, 1],
            17,
            &udp(40000, 53, &dns_query(1, "time.example.com")),
        ),
    );
    for (i, port) in [69u16, 161, 500].into_iter().enumerate() {
        let ts = T0 + 30 * S + i as i64 * S;
        push(
            &mut s,
            ts,
            &ipv4(
                DEV,
                GW,
                lan,
                [203, 0, 113, 5 + i as u8],
                17,
                &udp(41000 + i as u16, port, b"hello"),
            ),
        );
    }
    assert_eq!(s.live_flows(), 4);
    assert_eq!(changes(&s), 0, "nothing has ended yet");

    // Half a minute of quiet: UDP flows live 60 s, so nothing ends yet.
    s.advance(T0 + 62 * S);
    assert_eq!(
        s.live_flows(),
        3,
        "only the DNS flow, idle for 62 s, has ended"
    );
    assert_eq!(changes(&s), 0);

    // Time runs on without a packet: the three new flows end and the alert is raised.
    s.advance(T0 + 32 * S + 61 * S);
    assert_eq!(s.live_flows(), 0);
    assert_eq!(
        changes(&s),
        1,
        "{:?} {:?}",
        s.alerts_raised().collect::<Vec<_>>(),
        s.snapshot().alerts
    );

    // Time never runs backwards; a snapshot sees the alert, and the final state agrees.
    s.advance(T0);
    let snap = s.snapshot();
    let alerts = snap.alerts.as_ref().unwrap();
    assert!(alerts.iter().any(|a| a.kind == Kind::BehaviourChange));
    assert_eq!(snap.stats.packets, 4);
    let fin = s.finish();
    assert_eq!(fin.alerts.unwrap().len(), alerts.len());
}

/// A telnet scan seen only as flow records (what a router exports): one record per probe, the
/// initiator's MAC reported, no answers.
#[test]
fn flow_records_drive_the_detectors() {
    let mut s = Session::new(SessionConfig::detecting());
    for i in 0..200u32 {
        let rec = FlowRecord {
            src: [192, 168, 1, 10].into(),
            dst: std::net::Ipv4Addr::from(0x0b00_0000 + i * 7919).into(),
            sport: 40000 + i as u16,
            dport: 23,
            proto: 6,
            packets: [1, 0],
            bytes: [40, 0],
            tcp_flags: [0x02, 0],
            start_ns: T0 + i64::from(i) * S / 10,
            end_ns: T0 + i64::from(i) * S / 10,
            src_mac: Some(Mac(DEV)),
            dst_mac: Some(Mac(GW)),
        };
        s.push_record(&rec);
    }
    assert_eq!(s.live_flows(), 0, "records do not enter the flow table");
    let snap = s.finish();
    assert_eq!(snap.stats.packets, 200);
    let scan = snap
        .alerts
        .unwrap()
        .into_iter()
        .find(|a| a.kind == Kind::Scan && a.mac == Mac(DEV));
    let scan = scan.expect("a scan alert from records alone");
    assert_eq!(scan.items, ["23"], "{scan:?}");
    // The probes are in the device's peers, as from packets.
    let dev = snap
        .inventory
        .devices
        .iter()
        .find(|d| d.mac == Mac(DEV))
        .unwrap();
    assert!(dev.peers.len() >= 200, "{} peers", dev.peers.len());
}

/// A session and its snapshots are `Send + 'static` (also asserted at compile time in the
/// crate): one thread analyses while another renders.
#[test]
fn a_session_moves_to_another_thread() {
    let mut s = Session::new(SessionConfig::detecting());
    push(
        &mut s,
        T0,
        &ipv4(
            DEV,
            GW,
            [192, 168, 1, 10],
            [192, 168, 1, 1],
            17,
            &udp(40000, 53, &dns_query(1, "a.example")),
        ),
    );
    let snap = std::thread::spawn(move || {
        s.advance(T0 + 120 * S);
        s.finish()
    })
    .join()
    .unwrap();
    // One report, written for an English and for a French reader.
    let report = snap.report();
    let json = |lang| {
        let l = iotgate_explain::Localizer::new(lang);
        serde_json::to_value(report.in_language(&l)).unwrap()
    };
    let (en, fr) = (
        json(iotgate_explain::Lang::En),
        json(iotgate_explain::Lang::Fr),
    );
    assert_eq!(en["lang"], "en");
    assert_eq!(fr["lang"], "fr");
    let words = |v: &serde_json::Value| v["devices"][0]["kind_label"].clone();
    assert_eq!(en["devices"][0]["mac"], fr["devices"][0]["mac"]);
    assert!(words(&en).is_string() && words(&en) != words(&fr), "{en}");
}

mod hostile_records {
    use super::*;
    use proptest::prelude::*;

    fn record() -> impl Strategy<Value = FlowRecord> {
        (
            (any::<u32>(), any::<u32>(), any::<[u8; 16]>(), any::<bool>()),
            (any::<u16>(), any::<u16>(), any::<u8>()),
            (any::<[u64; 2]>(), any::<[u64; 2]>(), any::<[u8; 2]>()),
            (any::<i64>(), any::<i64>()),
            (any::<Option<[u8; 6]>>(), any::<Option<[u8; 6]>>()),
        )
            .prop_map(
                |(
                    (a, b, v6, six),
                    (sport, dport, proto),
                    (packets, bytes, tcp_flags),
                    (start_ns, end_ns),
                    (sm, dm),
                )| {
                    let (src, dst): (std::net::IpAddr, std::net::IpAddr) = if six {
                        (
                            std::net::Ipv6Addr::from(v6).into(),
                            std::net::Ipv4Addr::from(b).into(),
                        )
                    } else {
                        (
                            std::net::Ipv4Addr::from(a).into(),
                            std::net::Ipv4Addr::from(b).into(),
                        )
                    };
                    FlowRecord {
                        src,
                        dst,
                        sport,
                        dport,
                        proto,
                        packets,
                        bytes,
                        tcp_flags,
                        start_ns,
                        end_ns,
                        src_mac: sm.map(Mac),
                        dst_mac: dm.map(Mac),
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whatever an exporter sends (any counts, times out of order, any protocol), the
        /// session neither panics nor overflows, and time and snapshots go on working.
        #[test]
        fn any_records_are_taken(recs in proptest::collection::vec(record(), 1..40), now in any::<i64>()) {
            let mut s = Session::new(SessionConfig::detecting());
            for r in &recs {
                s.push_record(r);
            }
            s.advance(now);
            let snap = s.snapshot();
            prop_assert!(snap.stats.packets <= recs.len() as u64 * 2 * (1 << 40));
            let l = iotgate_explain::Localizer::new(iotgate_explain::Lang::Fr);
            let _ = serde_json::to_string(&snap.report().in_language(&l)).unwrap();
            let _ = s.finish();
        }
    }
}

/// Found by fuzzing (`fuzz/fuzz_targets/records.rs`, with overflow checks): a record starting
/// long before 1970 and ending centuries later made the flood detector's rate computation
/// overflow. Times are clamped where they enter (records, packets, `advance`).
#[test]
fn a_record_spanning_centuries_is_taken() {
    let mut s = Session::new(SessionConfig::detecting());
    s.push_record(&FlowRecord {
        src: std::net::Ipv4Addr::from(2_501_550_527).into(),
        dst: std::net::Ipv4Addr::from(65_536).into(),
        sport: 0,
        dport: 49_152,
        proto: 191,
        packets: [865_817_130_243_005_089, 74_594_625_084],
        bytes: [849_061_417_288, 5_188_146_771_022_184_448],
        tcp_flags: [17, 1],
        start_ns: -5_146_177_717_192_359_760,
        end_ns: 6_786_825_940_300_464_151,
        src_mac: Some(Mac([0x0c, 0x3c, 0xa6, 0x2f, 0x5e, 0x11])),
        dst_mac: Some(Mac([0, 0, 0, 0x48, 0x11, 0x01])),
    });
    s.advance(i64::MAX);
    s.advance(i64::MIN);
    let snap = s.finish();
    assert_eq!(snap.stats.first_ns, 0);
    assert!(snap.stats.last_ns <= 1 << 62);
}
