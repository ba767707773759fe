//! A client's first message spread over several TCP segments is inspected whole
//! (`crates/observe/src/reassembly.rs`): the Hue bridge's requests on real captures, a
//! post-quantum-sized ClientHello split in two, segments that overtake one another, and a flood
//! of hellos that never end.

mod common;

use common::frames;
use std::path::{Path, PathBuf};

const CLIENT_MAC: [u8; 6] = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
const GW_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 1];
const CLIENT: [u8; 4] = [192, 168, 1, 20];
const SERVER: [u8; 4] = [93, 184, 216, 34];
const SECOND: i64 = 1_000_000_000;

/// A scratch folder for one test, removed when dropped (even when the test fails).
fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("iotgate-reasm-{name}-"))
        .tempdir()
        .unwrap()
}

/// (a) The Hue bridge sends `POST ` alone in one segment and the rest of the request —
/// `/queue/getmessage?duration=…&sso=…&i=…&auth=… HTTP/1.1`, headers, a chunked body — in the
/// next (checked with `tcpdump -A`: every such request in the eight captures is cut so). Judged
/// on its first segment the request shows nothing; reassembled, its `auth` and `sso`
/// parameters are evidence of secrets in cleartext, next to the bearer-like `Authorization`
/// headers of the bridge's other requests.
#[test]
fn hue_bridge_query_secrets_are_read_across_segments() {
    let dir = common::data().join("pcap/iot-sentinel/HueBridge");
    let mut checked = 0;
    for cap in common::captures_under(&dir) {
        let a = common::analyze(std::slice::from_ref(&cap));
        let hue = a
            .devices
            .iter()
            .find(|d| d.mac == "00:17:88:24:76:ff")
            .expect("the bridge");
        let f = hue
            .findings
            .iter()
            .find(|f| f.id == "http-cleartext-secrets")
            .unwrap_or_else(|| panic!("{}: no http-cleartext-secrets", cap.display()));
        let queue: Vec<_> = f
            .evidence
            .iter()
            .filter(|e| e.detail == "auth, sso")
            .collect();
        assert_eq!(queue.len(), 1, "{}: {:?}", cap.display(), f.evidence);
        // bridge.meethue.com, at one of its two addresses in these captures.
        let peer = queue[0].peer_ip.to_string();
        assert!(
            ["130.211.93.93", "74.125.34.157"].contains(&peer.as_str()),
            "{peer}"
        );
        assert_eq!(queue[0].server_port, 80);
        assert!(queue[0].count >= 35, "{:?}", queue[0]);
        // The bridge's other requests still show their Authorization headers.
        assert!(f.evidence.iter().any(|e| e.detail == "authorization"));
        checked += 1;
    }
    assert_eq!(checked, 8);
}

/// A TLS 1.3 ClientHello with an X25519MLKEM768 key share, as current browsers and TLS
/// libraries send: about 1.8 KB, more than one segment of a 1,460-byte MSS.
fn pq_hello(sni: &str) -> Vec<u8> {
    let mut ext: Vec<u8> = Vec::new();
    let mut add = |ty: u16, data: &[u8]| {
        ext.extend_from_slice(&ty.to_be_bytes());
        ext.extend_from_slice(&(data.len() as u16).to_be_bytes());
        ext.extend_from_slice(data);
    };
    add(0x5a5a, &[]);
    let n = sni.len() as u16;
    let mut name = (n + 3).to_be_bytes().to_vec();
    name.push(0);
    name.extend_from_slice(&n.to_be_bytes());
    name.extend_from_slice(sni.as_bytes());
    add(0, &name);
    add(23, &[]);
    add(65281, &[0]);
    add(10, &[0, 8, 0x5a, 0x5a, 0x11, 0xec, 0, 0x1d, 0, 0x17]);
    add(11, &[1, 0]);
    add(35, &[]);
    add(
        16,
        &[
            0, 12, 2, b'h', b'2', 8, b'h', b't', b't', b'p', b'/', b'1', b'.', b'1',
        ],
    );
    add(5, &[1, 0, 0, 0, 0]);
    add(13, &[0, 8, 4, 3, 8, 4, 4, 1, 5, 3]);
    add(18, &[]);
    let mut ks = Vec::new();
    for (group, len) in [(0x5a5au16, 1u16), (0x11ec, 1216), (0x001d, 32)] {
        ks.extend_from_slice(&group.to_be_bytes());
        ks.extend_from_slice(&len.to_be_bytes());
        ks.extend((0..len).map(|i| (i * 31 + 7) as u8));
    }
    let mut share = (ks.len() as u16).to_be_bytes().to_vec();
    share.extend_from_slice(&ks);
    add(51, &share);
    add(45, &[1, 1]);
    add(43, &[4, 0x5a, 0x5a, 3, 4]);
    add(27, &[2, 0, 2]);
    // Encrypted Client Hello GREASE (draft-ietf-tls-esni), as Chrome sends it.
    let mut ech = vec![0, 0, 1, 0, 1, 0x8b, 0, 32];
    ech.extend((0..32u8).map(|i| i.wrapping_mul(13)));
    ech.extend_from_slice(&[0, 0xf0]);
    ech.extend((0..240u8).map(|i| i.wrapping_mul(7)));
    add(0xfe0d, &ech);
    let mut body = vec![3, 3];
    body.extend_from_slice(&[0x61; 32]);
    body.push(32);
    body.extend_from_slice(&[0x2c; 32]);
    let suites: [u16; 16] = [
        0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
        0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
    ];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![1u8];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    hs
}

/// Handshake bytes in one TLS record per slice of `hs` cut at `cuts`.
fn records(hs: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut at = vec![0];
    at.extend_from_slice(cuts);
    at.push(hs.len());
    let mut out = Vec::new();
    for w in at.windows(2) {
        out.extend_from_slice(&[0x16, 3, 1]);
        out.extend_from_slice(&((w[1] - w[0]) as u16).to_be_bytes());
        out.extend_from_slice(&hs[w[0]..w[1]]);
    }
    out
}

fn to_port(sport: u16, port: u16, seq: u32, flags: u8, data: &[u8]) -> Vec<u8> {
    let l4 = frames::tcp_data(sport, port, seq, 1, flags, data);
    frames::ipv4(CLIENT_MAC, GW_MAC, CLIENT, SERVER, 6, &l4)
}

fn from_port(port: u16, dport: u16, seq: u32, flags: u8) -> Vec<u8> {
    let l4 = frames::tcp_data(port, dport, seq, 1, flags, &[]);
    frames::ip_ttl(GW_MAC, CLIENT_MAC, SERVER.into(), CLIENT.into(), 52, 6, &l4)
}

/// A connection from source port `sport` at `t0`: the handshake, then `segments` from the
/// client in order, 1 ms apart.
fn connection(t0: i64, sport: u16, segments: &[&[u8]]) -> Vec<(i64, Vec<u8>)> {
    let order: Vec<usize> = (0..segments.len()).collect();
    connection_in(t0, sport, 443, segments, &order)
}

/// A connection from source port `sport` to `port` at `t0`: the handshake, then the client's
/// `segments`, each at its place in the byte stream, sent in `order` (indices into
/// `segments`), 1 ms apart.
fn connection_in(
    t0: i64,
    sport: u16,
    port: u16,
    segments: &[&[u8]],
    order: &[usize],
) -> Vec<(i64, Vec<u8>)> {
    let isn = 0x7000_0000u32.wrapping_add(u32::from(sport) << 8);
    let mut out = vec![
        (t0, to_port(sport, port, isn, 0x02, &[])),
        (t0 + 20_000_000, from_port(port, sport, 9, 0x12)),
        (t0 + 21_000_000, to_port(sport, port, isn + 1, 0x10, &[])),
    ];
    let mut at = Vec::new();
    let mut seq = isn + 1;
    for s in segments {
        at.push(seq);
        seq += s.len() as u32;
    }
    for (i, &k) in order.iter().enumerate() {
        out.push((
            t0 + 22_000_000 + i as i64 * 1_000_000,
            to_port(sport, port, at[k], 0x18, segments[k]),
        ));
    }
    out
}

fn write_pcap(path: &Path, records: &[(i64, Vec<u8>)]) {
    std::fs::write(path, frames::pcap(records)).unwrap();
}

/// `iotgate analyze --format json` on `path`: the client's `tls` member.
fn tls_of(path: &Path) -> serde_json::Value {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["analyze", "--format", "json", "--progress", "never"])
        .arg(path)
        .output()
        .expect("iotgate runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = j["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["mac"] == "02:11:22:33:44:55")
        .expect("the client");
    d["tls"].clone()
}

/// (b) The same ~1.8 KB hello in one segment, in two segments (cut where a 1,460-byte MSS
/// cuts it), and in two TLS records: the same SNI, JA3, JA4 and versions.
#[test]
fn a_hello_in_two_segments_reads_as_in_one() {
    let tmp = scratch("split");
    let dir = tmp.path();
    let hs = pq_hello("updates.camera.example");
    let one_record = records(&hs, &[]);
    assert!(
        (1700..2000).contains(&one_record.len()),
        "{}",
        one_record.len()
    );
    let t0 = 1_700_000_000 * SECOND;
    let whole = dir.join("whole.pcap");
    write_pcap(&whole, &connection(t0, 50_000, &[&one_record]));
    let split = dir.join("split.pcap");
    let (a, b) = one_record.split_at(1460);
    write_pcap(&split, &connection(t0, 50_000, &[a, b]));
    let two_records = records(&hs, &[1000]);
    let rec = dir.join("records.pcap");
    let (a, b) = two_records.split_at(1460);
    write_pcap(&rec, &connection(t0, 50_000, &[a, b]));
    let rec_one = dir.join("records-one-segment.pcap");
    write_pcap(&rec_one, &connection(t0, 50_000, &[&two_records]));

    let want = tls_of(&whole);
    assert_eq!(want["snis"], serde_json::json!(["updates.camera.example"]));
    assert_eq!(want["ja4"].as_array().unwrap().len(), 1);
    assert!(
        want["ja4"][0]
            .as_str()
            .unwrap()
            .starts_with("t13d1515h2_8daaf6152771_"),
        "{want}"
    );
    for p in [&split, &rec, &rec_one] {
        assert_eq!(tls_of(p), want, "{}", p.display());
    }
    tmp.close().unwrap();
}

/// (d) Segments that overtake one another are placed by sequence number, as the server places
/// them: the same post-quantum hello in three segments sent second, third, first and third,
/// first, second (after the handshake, whose SYN says where the stream starts) gives the same
/// SNI, JA3 and JA4 as in one segment; a request whose query carries secrets, cut in three
/// and sent out of order, still shows them.
#[test]
fn segments_out_of_order_read_as_in_order() {
    let tmp = scratch("order");
    let dir = tmp.path();
    let t0 = 1_700_000_000 * SECOND;
    let hello = records(&pq_hello("reorder.camera.example"), &[]);
    let (a, rest) = hello.split_at(600);
    let (b, c) = rest.split_at(700);
    let whole = dir.join("hello-whole.pcap");
    write_pcap(&whole, &connection(t0, 50_001, &[&hello]));
    let want = tls_of(&whole);
    assert_eq!(want["snis"], serde_json::json!(["reorder.camera.example"]));
    assert_eq!(want["ja3"].as_array().unwrap().len(), 1, "{want}");
    assert_eq!(want["ja4"].as_array().unwrap().len(), 1, "{want}");
    for order in [[1, 2, 0], [2, 0, 1]] {
        let p = dir.join(format!("hello-{}{}{}.pcap", order[0], order[1], order[2]));
        write_pcap(&p, &connection_in(t0, 50_001, 443, &[a, b, c], &order));
        assert_eq!(tls_of(&p), want, "order {order:?}");
    }

    let req = b"POST /queue/getmessage?duration=180000&sso=abc&i=1&auth=def HTTP/1.1\r\n\
                Host: bridge.example.com\r\nUser-Agent: hue/1\r\n\r\n";
    let parts: [&[u8]; 3] = [&req[..5], &req[5..48], &req[48..]];
    let secrets = |order: [usize; 3]| -> Vec<String> {
        let p = dir.join(format!("request-{}{}{}.pcap", order[0], order[1], order[2]));
        write_pcap(&p, &connection_in(t0, 50_002, 80, &parts, &order));
        let a = common::analyze(&[p]);
        let client = a
            .devices
            .iter()
            .find(|d| d.mac == "02:11:22:33:44:55")
            .expect("the client");
        client
            .findings
            .iter()
            .filter(|f| f.id == "http-cleartext-secrets")
            .flat_map(|f| f.evidence.iter().map(|e| e.detail.clone()))
            .collect()
    };
    let in_order = secrets([0, 1, 2]);
    assert_eq!(in_order, ["auth, sso"]);
    for order in [[1, 2, 0], [2, 0, 1], [0, 2, 1]] {
        assert_eq!(secrets(order), in_order, "order {order:?}");
    }

    // Two different copies of the same bytes (an evasion attempt, or a broken middlebox): the
    // first is kept, and the conflict counted in the report.
    let isn = 0x7000_0000u32.wrapping_add(50_003u32 << 8);
    let mut forged = b.to_vec();
    for x in forged.iter_mut().take(40) {
        *x ^= 0x5a;
    }
    let mut pkts = connection_in(t0, 50_003, 443, &[a], &[0]);
    let t = t0 + 30_000_000;
    pkts.push((t, to_port(50_003, 443, isn + 1 + 600, 0x18, &forged)));
    pkts.push((t + 1_000_000, to_port(50_003, 443, isn + 1 + 600, 0x18, b)));
    pkts.push((t + 2_000_000, to_port(50_003, 443, isn + 1 + 1300, 0x18, c)));
    let p = dir.join("conflict.pcap");
    write_pcap(&p, &pkts);
    let report = common::analyze(&[p]);
    assert_eq!(report.summary.reassembly_overlap_conflicts, 1);
    tmp.close().unwrap();
}

/// Run by [`peak_rss_kib`] in a fresh process (this test binary, run again): analyses the
/// capture `IOTGATE_RSS_PROBE` with `IOTGATE_RSS_SLOTS` reassembly buffers and prints the
/// process's peak resident set. Does nothing in a normal run.
#[test]
fn rss_probe() {
    let Some(path) = std::env::var_os("IOTGATE_RSS_PROBE") else {
        return;
    };
    let slots = std::env::var("IOTGATE_RSS_SLOTS").unwrap().parse().unwrap();
    let mut cfg = iotgate_pipeline::SessionConfig::default();
    cfg.analysis.reassembly.slots = slots;
    let caps = iotgate_pipeline::open_all(&[PathBuf::from(path)]).unwrap();
    let snap = iotgate_pipeline::analyze_files(&caps, cfg, 1, |_| {}).unwrap();
    let report = snap.report();
    assert!(!report.devices.is_empty());
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .expect("VmHWM");
    println!("\npeak-kib {}", hwm.trim().trim_end_matches("kB").trim());
}

/// Peak resident set, in KiB, of a fresh process analysing `path` with `slots` reassembly
/// buffers. (The peak is read inside the process: a child's `ru_maxrss` would include the
/// memory of this test process, from before its `exec`.)
fn peak_rss_kib(path: &Path, slots: usize) -> i64 {
    let o = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["rss_probe", "--exact", "--nocapture", "--test-threads", "1"])
        .env("IOTGATE_RSS_PROBE", path)
        .env("IOTGATE_RSS_SLOTS", slots.to_string())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    out.lines()
        .find_map(|l| l.split("peak-kib ").nth(1))
        .unwrap_or_else(|| panic!("no peak in {out}"))
        .parse()
        .unwrap()
}

/// (c) Twenty thousand connections within two seconds, each sending the first 600 bytes of a
/// hello and never the rest: the pool (256 buffers) holds the first 256, the others are
/// inspected segment by segment and counted, and memory grows by no more than the pool: the
/// same capture analysed without reassembly peaks within a few MiB of it.
#[test]
fn a_flood_of_unfinished_hellos_stays_in_the_pool() {
    const N: u16 = 20_000;
    let tmp = scratch("flood");
    let dir = tmp.path();
    let hello = records(&pq_hello("flood.example"), &[]);
    let t0 = 1_700_000_000 * SECOND;
    let mut recs = Vec::new();
    for i in 0..N {
        recs.extend(connection(
            t0 + i64::from(i) * 100_000,
            10_000 + i,
            &[&hello[..600]],
        ));
    }
    recs.sort_by_key(|r| r.0);
    let partial = dir.join("partial.pcap");
    write_pcap(&partial, &recs);
    drop(recs);

    let caps = iotgate_pipeline::open_all(std::slice::from_ref(&partial)).unwrap();
    let snap = iotgate_pipeline::analyze_files(&caps, Default::default(), 1, |_| {}).unwrap();
    let r = snap.stats.reassembly;
    assert_eq!(r.peak, 256, "{r:?}");
    assert_eq!(r.started, 256, "{r:?}");
    assert_eq!(r.fallbacks, u64::from(N) - 256, "{r:?}");
    assert_eq!(r.incomplete, 256, "every held hello ends unfinished: {r:?}");
    // Each connection's first segment still shows the SNI.
    let a = snap.report();
    let client = a
        .devices
        .iter()
        .find(|d| d.mac == "02:11:22:33:44:55")
        .unwrap();
    assert_eq!(client.tls.snis, ["flood.example"]);

    let pooled = peak_rss_kib(&partial, 256);
    let without = peak_rss_kib(&partial, 0);
    eprintln!("peak resident set: {pooled} KiB with 256 buffers, {without} KiB without");
    // Buffering every unfinished hello would keep 20,000 × 600 bytes (a page each: 78 MiB).
    assert!(
        pooled - without < 8 * 1024,
        "peak {pooled} KiB with reassembly, {without} KiB without"
    );
    tmp.close().unwrap();
}
