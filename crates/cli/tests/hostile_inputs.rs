//! What a hostile or careless input does to the real binary (issue 16): devices and pipes as
//! captures, folders holding pipes, empty and compressed files and link cycles, a capture cut
//! short while it is read, zeros after a valid header, duplicate members and byte-order marks
//! in MUD files, mistyped addresses in blocklists, learned profiles that must stay readable,
//! file sizes stated as they are, and a simulator asked for a hundred million devices. Each
//! run is bounded in time only to catch a hang (no timing is asserted), and where memory matters
//! its peak resident set is measured by the kernel (`wait4`).

mod common;

use common::frames;
use iotgate_explain::{Lang, Localizer};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How a run ended.
struct Run {
    /// Exit code, when it exited.
    code: Option<i32>,
    /// The signal that ended it, when one did.
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident set, KiB.
    max_rss_kib: i64,
    /// The watchdog had to kill it.
    hung: bool,
}

/// Runs the binary with `args` (standard input from `stdin` when given), kills it after
/// `limit` (a hang), and reports how it ended and its peak memory.
fn run(args: &[&str], stdin: Option<&Path>, limit: Duration) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iotgate"));
    cmd.args(args)
        .env_remove("LANG")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    match stdin {
        Some(p) => cmd.stdin(std::fs::File::open(p).unwrap()),
        None => cmd.stdin(Stdio::null()),
    };
    let mut child = cmd.spawn().expect("iotgate runs");
    let pid = child.id() as libc::pid_t;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut out, &mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = std::io::Read::read_to_end(&mut err, &mut s);
        s
    });
    let done = Arc::new(AtomicBool::new(false));
    let hung = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let (done, hung) = (done.clone(), hung.clone());
        std::thread::spawn(move || {
            let step = Duration::from_millis(10);
            let mut waited = Duration::ZERO;
            while waited < limit {
                if done.load(Ordering::Acquire) {
                    return;
                }
                std::thread::sleep(step);
                waited += step;
            }
            if !done.load(Ordering::Acquire) {
                hung.store(true, Ordering::Release);
                // SAFETY: the child is not reaped until `wait4` below returns.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        })
    };
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child with valid pointers.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    done.store(true, Ordering::Release);
    assert_eq!(r, pid, "wait4");
    watchdog.join().unwrap();
    let stdout = String::from_utf8_lossy(&o.join().unwrap()).to_string();
    let stderr = String::from_utf8_lossy(&e.join().unwrap()).to_string();
    std::mem::forget(child); // reaped above
    Run {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        stdout,
        stderr,
        max_rss_kib: usage.ru_maxrss,
        hung: hung.load(Ordering::Acquire),
    }
}

/// A fresh folder for one test.
fn tmp(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-inputs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const DEV: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const GW: [u8; 6] = [0x02, 0, 0, 0, 0, 0xfe];

/// A pcap of the device at 192.168.1.10 opening TCP connections to `peers` Internet hosts in
/// turn, `packets` SYNs in all, each answered by a SYN-ACK when `answered`.
fn syn_capture(path: &Path, packets: usize, peers: u32, answered: bool) -> usize {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    w.write_all(&frames::pcap(&[])).unwrap();
    let mut n = 0;
    let mut record = |w: &mut std::io::BufWriter<std::fs::File>, ts: u64, f: &[u8]| {
        w.write_all(&((1_700_000_000 + ts / 1_000_000) as u32).to_le_bytes())
            .unwrap();
        w.write_all(&((ts % 1_000_000) as u32).to_le_bytes())
            .unwrap();
        w.write_all(&(f.len() as u32).to_le_bytes()).unwrap();
        w.write_all(&(f.len() as u32).to_le_bytes()).unwrap();
        w.write_all(f).unwrap();
        n += 1;
    };
    for i in 0..packets {
        let k = i as u32 % peers;
        let peer = [45, (k >> 16) as u8, (k >> 8) as u8, k as u8 | 1];
        let sport = 20_000 + (i % 40_000) as u16;
        let ts = i as u64 * 20;
        let syn = frames::ipv4(
            DEV,
            GW,
            [192, 168, 1, 10],
            peer,
            6,
            &frames::tcp(sport, 443, i as u32, 0, 0x02),
        );
        record(&mut w, ts, &syn);
        if answered {
            let ack = frames::ipv4(
                GW,
                DEV,
                peer,
                [192, 168, 1, 10],
                6,
                &frames::tcp(443, sport, 7, i as u32 + 1, 0x12),
            );
            record(&mut w, ts + 5, &ack);
        }
    }
    w.flush().unwrap();
    n
}

/// `iotgate analyze /dev/zero` and `/dev/urandom` (and the same on standard input) end at once
/// with a clear error, using little memory: they used to be read without end (4 GB in 5 s).
#[test]
fn devices_as_captures_end_with_a_clear_error_in_bounded_memory() {
    for dev in ["/dev/zero", "/dev/urandom"] {
        for lang in ["en", "fr"] {
            let r = run(
                &["--lang", lang, "analyze", dev],
                None,
                Duration::from_secs(30),
            );
            assert!(!r.hung, "{dev}: hung");
            assert_eq!(r.code, Some(2), "{dev}: {}", r.stderr);
            let says = if lang == "en" {
                "is a character device, not a capture file"
            } else {
                "est un périphérique caractère, pas un fichier de capture"
            };
            assert!(
                r.stderr.contains(dev) && r.stderr.contains(says),
                "{}",
                r.stderr
            );
            assert!(r.stderr.contains("iotgate analyze - <"), "{}", r.stderr);
            assert!(r.max_rss_kib < 100 * 1024, "{dev}: {} KiB", r.max_rss_kib);
        }
        // As a stream on standard input: refused after its first bytes.
        let r = run(
            &["analyze", "-"],
            Some(Path::new(dev)),
            Duration::from_secs(30),
        );
        assert!(!r.hung, "{dev} on stdin: hung");
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(
            r.stderr.contains("not a pcap or pcapng capture"),
            "{}",
            r.stderr
        );
        assert!(r.max_rss_kib < 100 * 1024, "{dev}: {} KiB", r.max_rss_kib);
    }
}

/// A pipe named as a capture is refused (opening it would wait for a writer), and one in a
/// folder is skipped with a reason; so are empty and compressed files, and a link back into the
/// folder is followed once (a cycle used to read the same capture 16 times).
#[test]
fn a_folder_scan_skips_pipes_empty_and_compressed_files_and_link_cycles() {
    let dir = tmp("folder");
    let cap = dir.join("a.pcap");
    let n = syn_capture(&cap, 10, 10, true);
    std::fs::write(dir.join("empty.pcap"), b"").unwrap();
    let gz = Command::new("gzip")
        .args(["-c", s(&cap)])
        .output()
        .expect("gzip");
    std::fs::write(dir.join("b.pcap.gz"), gz.stdout).unwrap();
    std::fs::write(dir.join("README"), b"captures of a plug\n").unwrap();
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    let fifo = dir.join("live.pcap");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());

    let r = run(&["analyze", s(&fifo)], None, Duration::from_secs(30));
    assert!(!r.hung, "a pipe named as a capture hangs");
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("is a pipe (FIFO)"), "{}", r.stderr);

    for lang in ["en", "fr"] {
        let r = run(
            &["--lang", lang, "analyze", "--format", "json", s(&dir)],
            None,
            Duration::from_secs(60),
        );
        assert!(!r.hung, "a pipe in a folder hangs the scan");
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let caps = doc["captures"].as_array().unwrap();
        assert_eq!(caps.len(), 1, "{caps:?}");
        assert_eq!(caps[0]["packets"], n);
        let expect: &[(&str, &str)] = if lang == "en" {
            &[
                ("empty.pcap", "skipped, empty file"),
                ("b.pcap.gz", "skipped, compressed (gzip)"),
                ("live.pcap", "skipped, a pipe (FIFO)"),
                ("loop", "skipped, a folder already scanned"),
                ("", "one file is not a pcap or pcapng capture"),
            ]
        } else {
            &[
                ("empty.pcap", "ignoré, fichier vide"),
                ("b.pcap.gz", "ignoré, compressé (gzip)"),
                ("live.pcap", "ignoré, un tube (FIFO)"),
                ("loop", "ignoré, dossier déjà parcouru"),
                ("", "un fichier n'est pas une capture pcap ou pcapng"),
            ]
        };
        for (name, why) in expect {
            let named = |l: &str| name.is_empty() || l.contains(&format!("/{name}"));
            assert!(
                r.stderr.lines().any(|l| named(l) && l.contains(why)),
                "{lang}: no “{name}: {why}” in:\n{}",
                r.stderr
            );
        }
    }
}

/// A capture truncated by another process while it is analysed used to kill iotgate with SIGBUS
/// (the file is memory-mapped): now the packets before the cut are analysed and a warning says
/// where the capture ended. Twenty runs, cut at different moments and places, on one and two
/// threads.
#[test]
fn a_capture_truncated_while_analysed_gives_a_warning_not_a_signal() {
    let dir = tmp("truncate");
    let master = dir.join("master.pcap");
    let total = syn_capture(&master, 800_000, 60_000, false);
    let size = std::fs::metadata(&master).unwrap().len();
    let mut cut_short = 0;
    for round in 0..20u64 {
        let path = dir.join("cut.pcap");
        std::fs::copy(&master, &path).unwrap();
        let delay = Duration::from_millis(15 + round * 25);
        // Page-unaligned cuts from 5 % to 90 % of the file.
        let cut = size * (5 + round * 9 / 2) / 100 + 13;
        let p2 = path.clone();
        let cutter = std::thread::spawn(move || {
            std::thread::sleep(delay);
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p2)
                .unwrap()
                .set_len(cut)
                .unwrap();
        });
        let threads = if round % 2 == 0 { "1" } else { "2" };
        let r = run(
            &[
                "analyze",
                "--format",
                "json",
                "--threads",
                threads,
                "--progress",
                "never",
                s(&path),
            ],
            None,
            Duration::from_secs(120),
        );
        cutter.join().unwrap();
        assert!(!r.hung, "round {round}: hung");
        assert_eq!(r.signal, None, "round {round}: killed by signal");
        assert_eq!(r.code, Some(0), "round {round}: {}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let c = &doc["captures"][0];
        let got = c["packets"].as_u64().unwrap() as usize;
        assert!(got <= total, "round {round}: {got} > {total}");
        if got < total {
            cut_short += 1;
            let warnings = c["warnings"].as_array().unwrap();
            assert!(
                !warnings.is_empty()
                    && r.stderr
                        .contains("the capture ends inside a packet at byte"),
                "round {round}: {got} of {total} packets and no warning: {}",
                r.stderr
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    // The cuts must have landed while reading in some runs, or the test says nothing.
    assert!(cut_short > 0, "no run was cut short while reading");
    eprintln!("{cut_short} of 20 runs were cut short while reading");
}

/// A valid pcap header followed by zeros (a sparse or zero-filled file) is damage with a
/// warning, not millions of empty packets read in silence; from a file and from a stream.
#[test]
fn zeros_after_a_valid_header_give_a_warning() {
    let dir = tmp("zeros");
    let path = dir.join("zeros.pcap");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(&frames::pcap(&[])).unwrap();
    f.set_len(24 + (64 << 20)).unwrap();
    drop(f);
    for stdin in [false, true] {
        let r = if stdin {
            run(
                &["analyze", "--format", "json", "-"],
                Some(&path),
                Duration::from_secs(60),
            )
        } else {
            run(
                &["analyze", "--format", "json", s(&path)],
                None,
                Duration::from_secs(60),
            )
        };
        assert!(!r.hung);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let c = &doc["captures"][0];
        assert_eq!(c["packets"], 0, "stdin {stdin}");
        assert_eq!(c["warnings"].as_array().unwrap().len(), 1, "stdin {stdin}");
        assert!(
            r.stderr.contains("impossible packet length 0 at byte 24"),
            "{}",
            r.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A MUD profile with a member twice in one object is not usable, and the error names the JSON
/// path of the repeated member (the last one used to win silently).
#[test]
fn duplicate_members_in_a_mud_profile_are_an_error_at_their_path() {
    let dir = tmp("dup");
    let src = std::fs::read_to_string(common::data().join("mud/unsw/HueBulb.json")).unwrap();
    let doc = src.replacen(
        "\"mud-url\"",
        "\"mud-url\": \"https://attacker.example/x.json\", \"mud-url\"",
        1,
    );
    assert_ne!(doc, src);
    let path = dir.join("dup.json");
    std::fs::write(&path, doc).unwrap();
    for (lang, says) in [
        ("en", "appears more than once in this object"),
        ("fr", "apparaît plusieurs fois dans cet objet"),
    ] {
        let r = run(
            &["--lang", lang, "mud", "check", s(&path)],
            None,
            Duration::from_secs(30),
        );
        assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
        let line = r
            .stdout
            .lines()
            .find(|l| l.contains(says))
            .unwrap_or_else(|| panic!("{lang}: {}", r.stdout));
        assert!(line.contains("$.ietf-mud:mud.mud-url"), "{line}");
    }
}

/// A byte-order mark before a MUD profile is accepted (it used to give "expected value (line 1,
/// column 1)").
#[test]
fn a_byte_order_mark_before_a_mud_profile_is_accepted() {
    let dir = tmp("bom");
    let mut doc = b"\xef\xbb\xbf".to_vec();
    doc.extend(std::fs::read(common::data().join("mud/unsw/HueBulb.json")).unwrap());
    let path = dir.join("bom.json");
    std::fs::write(&path, doc).unwrap();
    let r = run(&["mud", "check", s(&path)], None, Duration::from_secs(30));
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("usable"), "{}", r.stdout);
}

/// Mistyped addresses in a blocklist are refused with the file and line; they used to be taken
/// as host names that never match.
#[test]
fn mistyped_addresses_in_a_blocklist_are_refused_with_file_and_line() {
    let dir = tmp("blocklist");
    let cap = dir.join("c.pcap");
    syn_capture(&cap, 4, 4, true);
    for (text, line, bad) in [
        ("198.51.100.7\n300.1.1.1\n", 2, "300.1.1.1"),
        ("# list\n104.016.066.050\n", 2, "104.016.066.050"),
        (
            "0.0.0.0 ads.example\n\n0.0.0.0 10.1.2.300\n",
            3,
            "0.0.0.0 10.1.2.300",
        ),
    ] {
        let list = dir.join("list.txt");
        std::fs::write(&list, text).unwrap();
        let r = run(
            &["analyze", "--blocklist", s(&list), s(&cap)],
            None,
            Duration::from_secs(30),
        );
        assert_eq!(r.code, Some(2), "{text:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("{}, line {line}: “{bad}”", list.display())),
            "{text:?}: {}",
            r.stderr
        );
    }
}

/// `mud learn` writes profiles that `mud check` (and so `mud audit` and `mud nft`) accept: a
/// device talking to thousands of hosts used to get a 2.4 MB profile the readers refuse (1 MiB);
/// now the entries that do not fit are counted as not covered.
#[test]
fn a_learned_profile_stays_within_what_profile_readers_accept() {
    let dir = tmp("learn");
    let cap = dir.join("many.pcap");
    syn_capture(&cap, 6000, 6000, true);
    let out = dir.join("learned.json");
    let r = run(
        &[
            "mud",
            "learn",
            "--device",
            "02:00:00:00:00:01",
            "--out",
            s(&out),
            s(&cap),
        ],
        None,
        Duration::from_secs(120),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("flows are not covered"), "{}", r.stderr);
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(
        size <= iotgate_mud::MAX_PROFILE_BYTES as u64,
        "{size} bytes"
    );
    // Not much below it either: the budget is used.
    assert!(
        size > (iotgate_mud::MAX_PROFILE_BYTES as u64) * 9 / 10,
        "{size} bytes"
    );
    let r = run(&["mud", "check", s(&out)], None, Duration::from_secs(30));
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
}

/// A profile over the size limit is refused with its actual size (it always said 1048577).
#[test]
fn a_file_over_the_size_limit_is_refused_with_its_actual_size() {
    let dir = tmp("size");
    let path = dir.join("big.json");
    std::fs::write(&path, vec![b' '; 2_000_000]).unwrap();
    for (lang, says) in [
        (
            "en",
            "the file is 2000000 bytes; at most 1048576 bytes are read",
        ),
        (
            "fr",
            "le fichier fait 2000000 octets ; au plus 1048576 octets sont lus",
        ),
    ] {
        let r = run(
            &["--lang", lang, "mud", "check", s(&path)],
            None,
            Duration::from_secs(30),
        );
        assert_ne!(r.code, Some(0));
        assert!(r.stderr.contains(says), "{lang}: {}{}", r.stdout, r.stderr);
        assert!(!r.stderr.contains("1048577") && !r.stdout.contains("1048577"));
    }
}

/// `simulate --devices 100000000` is refused at once with the limit and its reason (it was
/// killed by the kernel at 23.8 GB).
#[test]
fn a_simulation_of_too_many_devices_is_refused() {
    let dir = tmp("sim");
    let out = dir.join("x.pcap");
    for (lang, says) in [
        ("en", "is not a number of devices from 1 to 200"),
        ("fr", "n'est pas un nombre d'appareils de 1 à 200"),
    ] {
        for n in ["100000000", "201", "0", "many"] {
            let r = run(
                &["--lang", lang, "simulate", "--out", s(&out), "--devices", n],
                None,
                Duration::from_secs(30),
            );
            assert_eq!(r.code, Some(2), "{n}: {}", r.stderr);
            assert!(
                r.stderr.contains(says) && r.stderr.contains(n),
                "{}",
                r.stderr
            );
            assert!(r.max_rss_kib < 100 * 1024, "{n}: {} KiB", r.max_rss_kib);
        }
    }
    let r = run(
        &[
            "simulate",
            "--out",
            s(&out),
            "--devices",
            "200",
            "--packets",
            "2000",
        ],
        None,
        Duration::from_secs(60),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// Every message these inputs can produce exists in both languages.
#[test]
fn the_new_messages_exist_in_both_languages() {
    use iotgate_mud::fetch::UrlProblem;
    let mut ids: Vec<String> = [
        "arg-not-regular",
        "scan-skipped",
        "scan-why-not-regular",
        "scan-why-empty",
        "scan-why-compressed",
        "scan-why-unreadable",
        "scan-why-already-scanned",
        "scan-why-same-file",
        "scan-why-too-deep",
        "scan-skipped-unlisted",
        "scan-not-captures",
        "file-too-large",
        "file-larger-than",
        "sim-too-many-devices",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    ids.push(format!(
        "mud-{}",
        iotgate_mud::DiagKind::DuplicateKey { field: "x".into() }.id()
    ));
    for p in [
        UrlProblem::NotHttps,
        UrlProblem::SchemeCase,
        UrlProblem::NoHost,
        UrlProblem::BadHost,
        UrlProblem::NoFile,
        UrlProblem::BadSegment("x".into()),
    ] {
        ids.push(p.id().to_string());
    }
    for lang in [Lang::En, Lang::Fr] {
        let l = Localizer::new(lang);
        for id in &ids {
            assert!(l.has(id), "{lang:?} lacks {id}");
        }
    }
}
