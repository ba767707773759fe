//! The node-kill test (issue 18): three `nats-server`s on loopback form a JetStream cluster; a
//! collector replays the simulated ISP's exports into the records stream (R3) while two
//! workers detect on its partitions. Mid-run the stream's leader and one worker are killed
//! with SIGKILL and a replacement worker started. Then: every record is in the stream exactly
//! once, the alerts equal a run without faults, nothing is left pending, the killed server
//! rejoins and catches up; with two of three servers down, the collector fails loudly and says
//! how many records it could not deliver. Skipped (with a note) when nats-server is missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Cluster {
    dir: PathBuf,
    ports: [u16; 3],
    routes: [u16; 3],
    nodes: [Option<Child>; 3],
}

impl Cluster {
    fn new(dir: &Path) -> Cluster {
        std::fs::create_dir_all(dir).unwrap();
        let mut c = Cluster {
            dir: dir.to_path_buf(),
            ports: [free_port(), free_port(), free_port()],
            routes: [free_port(), free_port(), free_port()],
            nodes: [None, None, None],
        };
        for i in 0..3 {
            c.start(i);
        }
        c
    }

    fn start(&mut self, i: usize) {
        let routes: Vec<String> = self
            .routes
            .iter()
            .map(|p| format!("nats-route://127.0.0.1:{p}"))
            .collect();
        let conf = format!(
            "listen: 127.0.0.1:{}\nserver_name: n{i}\njetstream {{ store_dir: \"{}\" }}\n\
             cluster {{\n name: iotgate\n listen: 127.0.0.1:{}\n routes: [{}]\n}}\n",
            self.ports[i],
            self.dir.join(format!("n{i}")).display(),
            self.routes[i],
            routes.join(", ")
        );
        let path = self.dir.join(format!("n{i}.conf"));
        std::fs::write(&path, conf).unwrap();
        let log = std::fs::File::create(self.dir.join(format!("n{i}.log"))).unwrap();
        self.nodes[i] = Some(
            Command::new("nats-server")
                .arg("-c")
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap(),
        );
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].take() {
            c.kill().ok();
            c.wait().ok();
        }
    }

    fn urls(&self) -> String {
        self.ports
            .iter()
            .map(|p| format!("nats://127.0.0.1:{p}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..3 {
            self.kill(i);
        }
    }
}

fn iotgate() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iotgate"));
    c.args(["--lang", "en"]);
    c
}

fn worker(urls: &str, map: &Path, take: &str) -> Child {
    iotgate()
        .args(["collect", "worker", "--nats", urls, "--partitions", "4"])
        .args(["--take", take, "--until-idle", "4", "--subscribers"])
        .arg(map)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn collector(urls: &str, map: &Path, exports: &Path) -> Command {
    let mut c = iotgate();
    c.args(["collect", "--nats", urls, "--partitions", "4", "--replay"])
        .arg(exports)
        .arg("--subscribers")
        .arg(map);
    c
}

/// The alerts of the cluster as (id, kind, subscriber).
fn alert_set(rt: &tokio::runtime::Runtime, urls: &str) -> BTreeSet<(String, String, String)> {
    rt.block_on(async {
        let js = iotgate_scale::connect(urls).await.unwrap();
        iotgate_scale::inspect::alerts(&js).await.unwrap()
    })
    .iter()
    .map(|a| {
        let s = |k: &str| a[k].as_str().unwrap_or("").to_string();
        (s("id"), s("kind"), s("subscriber"))
    })
    .collect()
}

/// A folder for one test, removed when it ends; `None` (the test skipped, with a note) when
/// nats-server is not installed.
fn scratch(test: &str, prefix: &str) -> Option<tempfile::TempDir> {
    if Command::new("nats-server")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("nats-server is not installed: the {test} test is skipped");
        return None;
    }
    Some(tempfile::Builder::new().prefix(prefix).tempdir().unwrap())
}

fn simulate(dir: &Path, name: &str, subscribers: usize, seed: u64) -> (PathBuf, PathBuf, u64) {
    let opts = iotgate_sim::isp::IspOptions {
        subscribers,
        infected: 3.min(subscribers),
        stealthy: 1,
        floods: 1,
        devices: 5,
        packets: 30_000,
        seed,
        format: iotgate_flows::export::Format::Ipfix,
    };
    let (mut pcap, mut map) = (Vec::new(), Vec::new());
    let t = iotgate_sim::isp::write_isp(&opts, &mut pcap, &mut map).unwrap();
    let (e, m) = (
        dir.join(format!("{name}.pcap")),
        dir.join(format!("{name}.map")),
    );
    std::fs::write(&e, pcap).unwrap();
    std::fs::write(&m, map).unwrap();
    (e, m, t.records)
}

#[test]
fn the_cluster_survives_a_killed_leader_and_worker() {
    let Some(tmp) = scratch("node-kill", "iotgate-nats-") else {
        return;
    };
    let base = tmp.path();
    let (exports, map, records) = simulate(base, "corpus", 60, 7);
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Run A: no faults — the reference.
    let reference = {
        let c = Cluster::new(&base.join("a"));
        let o = collector(&c.urls(), &map, &exports).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let w = worker(&c.urls(), &map, "0,1,2,3")
            .wait_with_output()
            .unwrap();
        assert!(w.status.success(), "{}", String::from_utf8_lossy(&w.stderr));
        let (msgs, recs) = rt.block_on(async {
            let js = iotgate_scale::connect(&c.urls()).await.unwrap();
            iotgate_scale::inspect::records(&js).await.unwrap()
        });
        assert_eq!(recs, records);
        (msgs, alert_set(&rt, &c.urls()))
    };
    let (ref_msgs, ref_alerts) = reference;
    assert!(ref_alerts.len() >= 4, "{ref_alerts:?}");
    assert!(ref_alerts.iter().all(|a| a.2.starts_with("sub-")));

    // Run B: the leader and a worker killed mid-run.
    let mut c = Cluster::new(&base.join("b"));
    let urls = c.urls();
    let mut w1 = worker(&urls, &map, "0,1");
    let w2 = worker(&urls, &map, "2,3");
    let col = collector(&urls, &map, &exports)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let js = rt.block_on(iotgate_scale::connect(&urls)).unwrap();
    // Wait until a third of the corpus is in, then kill the leader of the records stream.
    let t0 = Instant::now();
    let leader = loop {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the corpus never went in"
        );
        let state = rt.block_on(async {
            let mut s = js.get_stream(iotgate_scale::RECORDS_STREAM).await.ok()?;
            let i = s.info().await.ok()?;
            Some((
                i.state.messages,
                i.cluster.as_ref().and_then(|c| c.leader.clone()),
            ))
        });
        if let Some((n, Some(leader))) = state {
            if n >= ref_msgs / 3 {
                break leader;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let dead: usize = leader.trim_start_matches('n').parse().unwrap();
    c.kill(dead);
    let killed_at = Instant::now();
    w1.kill().unwrap();
    w1.wait().unwrap();
    let w1b = worker(&urls, &map, "0,1");
    let col = col.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&col.stderr);
    assert!(col.status.success(), "{err}");
    eprintln!(
        "collector after the leader was killed ({:.1} s after): {err}",
        killed_at.elapsed().as_secs_f64()
    );
    for w in [w2, w1b] {
        let o = w.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        eprint!("worker: {}", String::from_utf8_lossy(&o.stdout));
    }
    // The killed server comes back and catches up.
    c.start(dead);
    let back = Instant::now();
    loop {
        let ok = rt
            .block_on(async {
                let js = iotgate_scale::connect(&urls).await.ok()?;
                iotgate_scale::inspect::cluster(&js).await.ok()
            })
            .is_some_and(|(_, current)| current);
        if ok {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(60),
            "n{dead} never caught up"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    eprintln!(
        "n{dead} rejoined and caught up in {:.1} s",
        back.elapsed().as_secs_f64()
    );
    let (msgs, recs) = rt.block_on(async {
        let js = iotgate_scale::connect(&urls).await.unwrap();
        iotgate_scale::inspect::records(&js).await.unwrap()
    });
    // Pending counts are read once every consumer has a leader again (the restarted server
    // may start an election).
    let asked = Instant::now();
    let pending = loop {
        let p = rt.block_on(async {
            let js = iotgate_scale::connect(&urls).await.ok()?;
            iotgate_scale::inspect::pending(&js, 4).await.ok()
        });
        if let Some(p) = p {
            break p;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(30),
            "consumers without a leader"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!((msgs, recs), (ref_msgs, records), "every record once");
    assert_eq!(alert_set(&rt, &urls), ref_alerts);
    if pending != (0, 0) {
        let infos = rt.block_on(async {
            let js = iotgate_scale::connect(&urls).await.unwrap();
            iotgate_scale::inspect::consumers(&js, 4).await
        });
        panic!("pending {pending:?}: {infos:#?}");
    }

    // Two of three servers down: the collector fails and says what it could not deliver.
    let (small, small_map, _) = simulate(base, "late", 4, 99);
    let second = (dead + 1) % 3;
    c.kill(dead);
    c.kill(second);
    let o = collector(&urls, &small_map, &small).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{err}");
    assert!(err.contains("could not be published"), "{err}");
    drop(c);
}

/// One `nats-server` with JetStream on loopback.
struct Single(Child);

impl Single {
    fn start(dir: &Path, port: u16) -> Single {
        std::fs::create_dir_all(dir).unwrap();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        Single(
            Command::new("nats-server")
                .args(["-js", "-a", "127.0.0.1", "-p", &port.to_string(), "-sd"])
                .arg(dir)
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for Single {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// A worker that took messages, acknowledged some with holes between, and died: its
/// replacement must still see every partition in stream order (the unacknowledged messages
/// come again only after the acknowledgement wait, behind later ones), or pairing and the
/// detectors' windows change the alerts. Caught by the node-kill test once in CI.
#[test]
fn a_replacement_keeps_stream_order_after_a_worker_died_holding_messages() {
    use futures_util::StreamExt;
    let Some(tmp) = scratch("redelivery", "iotgate-redeliver-") else {
        return;
    };
    let base = tmp.path();
    let (exports, map, records) = simulate(base, "corpus", 60, 7);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let run = |name: &str, die: bool| {
        let port = free_port();
        let _server = Single::start(&base.join(name), port);
        let url = format!("nats://127.0.0.1:{port}");
        let o = collector(&url, &map, &exports)
            .args(["--replicas", "1"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        if die {
            rt.block_on(async {
                let js = iotgate_scale::connect(&url).await.unwrap();
                let stream = js.get_stream(iotgate_scale::RECORDS_STREAM).await.unwrap();
                for p in 0..4 {
                    let c: async_nats::jetstream::consumer::PullConsumer = stream
                        .get_or_create_consumer(
                            &format!("part-{p}"),
                            iotgate_scale::worker::consumer_config(p),
                        )
                        .await
                        .unwrap();
                    let mut got = c.fetch().max_messages(60).messages().await.unwrap();
                    let mut i = 0;
                    while let Some(Ok(m)) = got.next().await {
                        // The first ten and a run in the middle acknowledged; the rest held.
                        if i < 10 || (30..40).contains(&i) {
                            m.double_ack().await.unwrap();
                        }
                        i += 1;
                    }
                    assert_eq!(i, 60, "partition {p} is too small for the test");
                }
            });
        }
        let w = worker(&url, &map, "0,1,2,3").wait_with_output().unwrap();
        assert!(w.status.success(), "{}", String::from_utf8_lossy(&w.stderr));
        let out = String::from_utf8_lossy(&w.stdout).to_string();
        let (_, recs) = rt.block_on(async {
            let js = iotgate_scale::connect(&url).await.unwrap();
            iotgate_scale::inspect::records(&js).await.unwrap()
        });
        assert_eq!(recs, records);
        (alert_set(&rt, &url), out)
    };
    let (reference, _) = run("reference", false);
    let (after, out) = run("died", true);
    eprintln!("replacement: {out}");
    assert!(reference.len() >= 4, "{reference:?}");
    assert_eq!(after, reference);
    // It had to read ahead of the consumer, and only acknowledged what came again.
    assert!(out.contains("\"read_ahead\":"), "{out}");
    assert!(!out.contains("\"read_ahead\":0,"), "{out}");
}

/// `GET /metrics` from a server on loopback; None until it answers.
fn scrape(port: u16) -> Option<String> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .ok()?;
    let mut s = String::new();
    c.read_to_string(&mut s).ok()?;
    Some(s)
}

/// The sum over partitions of a metric's rows, and how many rows it had.
fn metric_sum(text: &str, name: &str) -> (u64, usize) {
    let rows: Vec<u64> = text
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{partition=")))
        .filter_map(|l| l.rsplit(' ').next()?.parse().ok())
        .collect();
    (rows.iter().sum(), rows.len())
}

/// A worker's `--metrics` endpoint: per partition, what it processed and its consumer lag,
/// while it runs; the counts agree with its final report and with the stream, and the lag
/// is 0 once every record is in.
#[test]
fn a_worker_serves_its_progress_and_consumer_lag() {
    let Some(tmp) = scratch("worker metrics", "iotgate-wmetrics-") else {
        return;
    };
    let base = tmp.path();
    let (exports, map, records) = simulate(base, "corpus", 40, 3);
    let port = free_port();
    let _server = Single::start(&base.join("nats"), port);
    let url = format!("nats://127.0.0.1:{port}");
    let o = collector(&url, &map, &exports)
        .args(["--replicas", "1"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mport = free_port();
    let w = iotgate()
        .args(["collect", "worker", "--nats", &url, "--partitions", "4"])
        .args(["--until-idle", "6", "--subscribers"])
        .arg(&map)
        .args(["--metrics", &format!("127.0.0.1:{mport}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Scrape until every record is counted (the worker waits 6 idle seconds before it stops).
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Some(t) = scrape(mport) {
            last = t;
            if metric_sum(&last, "iotgate_worker_records_total").0 == records {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    // Once more after the text's next rebuild (once a second), so that no row is caught
    // half-way through an update.
    std::thread::sleep(Duration::from_millis(1500));
    if let Some(t) = scrape(mport) {
        last = t;
    }
    let out = w.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        last.contains("# TYPE iotgate_worker_consumer_lag gauge"),
        "{last}"
    );
    assert_eq!(
        metric_sum(&last, "iotgate_worker_records_total"),
        (records, 4),
        "{last}"
    );
    let (lag, parts) = metric_sum(&last, "iotgate_worker_consumer_lag");
    assert_eq!((lag, parts), (0, 4), "{last}");
    // The same counts as the report it printed when it stopped.
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    let messages: u64 = report
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["processed"].as_u64().unwrap_or(0) + v["read_ahead"].as_u64().unwrap_or(0))
        .sum();
    assert!(messages > 0, "{report}");
    assert_eq!(
        metric_sum(&last, "iotgate_worker_messages_total").0,
        messages,
        "{last}\n{report}"
    );
}

/// `--retention HOURS` sets how long the records stream keeps records, on a new stream and
/// on one that exists already.
#[test]
fn the_records_stream_keeps_records_as_long_as_told() {
    let Some(base) = scratch("retention", "iotgate-retention-") else {
        return;
    };
    let (exports, map, _) = simulate(base.path(), "corpus", 10, 5);
    let port = free_port();
    let _server = Single::start(&base.path().join("nats"), port);
    let url = format!("nats://127.0.0.1:{port}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let max_age = || {
        rt.block_on(async {
            let js = iotgate_scale::connect(&url).await.unwrap();
            let mut s = js.get_stream(iotgate_scale::RECORDS_STREAM).await.unwrap();
            s.info().await.unwrap().config.max_age
        })
    };
    let publish = |extra: &[&str]| {
        let o = collector(&url, &map, &exports)
            .args(["--replicas", "1"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    publish(&[]);
    assert_eq!(max_age(), Duration::from_secs(24 * 3600));
    publish(&["--retention", "2"]);
    assert_eq!(max_age(), Duration::from_secs(2 * 3600));
    // Out of range: refused before anything is sent.
    let o = collector(&url, &map, &exports)
        .args(["--replicas", "1", "--retention", "0"])
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(max_age(), Duration::from_secs(2 * 3600));
}
