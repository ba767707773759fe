//! Files that change or lie under the reader: a capture truncated while it is read (the map
//! would raise SIGBUS), inputs that are not regular files, folders holding pipes, compressed and
//! empty files, link cycles, and a valid header followed by zeros.

use iotgate_sources::{
    scan, Capture, FileKind, NotRegularFile, Reader, SkipReason, SourceErrorKind, WarningKind,
};
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

/// A fresh folder under the target's temporary directory.
fn tmpdir(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hostile-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Size of every frame written by [`pcap`] and [`pcapng`].
const FRAME: usize = 300;

/// A classic pcap of `n` frames of [`FRAME`] bytes; record `i` starts at `24 + i * (16 + FRAME)`.
fn pcap(n: usize) -> Vec<u8> {
    let mut b = Vec::with_capacity(24 + n * (16 + FRAME));
    b.extend_from_slice(&0xa1b2c3d4u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&4u16.to_le_bytes());
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&65535u32.to_le_bytes());
    b.extend_from_slice(&1u32.to_le_bytes());
    for i in 0..n {
        b.extend_from_slice(&(1_700_000_000 + i as u32).to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&(FRAME as u32).to_le_bytes());
        b.extend_from_slice(&(FRAME as u32).to_le_bytes());
        b.extend((0..FRAME).map(|k| (k as u8) ^ (i as u8) | 1));
    }
    b
}

/// A pcapng of `n` Enhanced Packet Blocks of [`FRAME`] bytes (28-byte SHB, 20-byte IDB, then
/// blocks of `32 + FRAME` bytes).
fn pcapng(n: usize) -> Vec<u8> {
    let mut b = Vec::new();
    let u32le = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_le_bytes());
    u32le(&mut b, 0x0a0d0d0a);
    u32le(&mut b, 28);
    u32le(&mut b, 0x1a2b3c4d);
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&u64::MAX.to_le_bytes());
    u32le(&mut b, 28);
    u32le(&mut b, 1);
    u32le(&mut b, 20);
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    u32le(&mut b, 0);
    u32le(&mut b, 20);
    let blen = (32 + FRAME) as u32;
    for i in 0..n {
        u32le(&mut b, 6);
        u32le(&mut b, blen);
        u32le(&mut b, 0);
        u32le(&mut b, 0);
        u32le(&mut b, i as u32);
        u32le(&mut b, FRAME as u32);
        u32le(&mut b, FRAME as u32);
        b.extend((0..FRAME).map(|k| (k as u8) ^ (i as u8) | 1));
        u32le(&mut b, blen);
    }
    b
}

/// Reads `r` to the end, cutting the file at `path` to `cut` bytes after `after` packets.
/// Returns the packets read and the reader's warnings.
fn read_cutting(
    mut r: Reader<'_>,
    path: &Path,
    after: usize,
    cut: u64,
) -> (usize, Vec<WarningKind>) {
    let mut n = 0;
    while let Some(p) = r.next_packet() {
        // Touch every byte, as the decoders would.
        assert!(p.data.iter().map(|&b| b as u64).sum::<u64>() < u64::MAX);
        n += 1;
        if n == after {
            OpenOptions::new()
                .write(true)
                .open(path)
                .unwrap()
                .set_len(cut)
                .unwrap();
        }
    }
    (n, r.warnings().iter().map(|w| w.kind.clone()).collect())
}

/// A capture cut short while it is read yields the packets before the cut and a truncation
/// warning, never a signal: 20 cuts, at record boundaries, inside records and headers, behind
/// and ahead of the reader, in pcap and pcapng.
#[test]
fn a_capture_truncated_while_read_gives_its_packets_and_a_warning() {
    let dir = tmpdir("cut");
    let n = 40_000; // 12.6 MB: many pages ahead of the reader
    for (format, bytes, first, rec) in [
        ("pcap", pcap(n), 24usize, 16 + FRAME),
        ("pcapng", pcapng(n), 48usize, 32 + FRAME),
    ] {
        for round in 0..20usize {
            let path = dir.join(format!("c{round}.{format}"));
            std::fs::write(&path, &bytes).unwrap();
            let cap = Capture::open(&path).unwrap();
            let after = 1000 + round * 1500;
            // Alternately at a record boundary, inside a record, inside a record header; some
            // far ahead, some just ahead, a few behind the reader.
            let whole = match round % 4 {
                0 => after + 5,
                1 => after + 3000 + round * 17,
                2 => after / 2,
                _ => after + 1,
            };
            let extra = match round % 3 {
                0 => 0,
                1 => rec / 2,
                _ => 7,
            };
            let cut = (first + whole * rec + extra) as u64;
            let (got, warnings) = read_cutting(cap.reader().unwrap(), &path, after, cut);
            // The record the cut falls in, when the reader reaches it: its header may still be
            // there and its missing bytes read as zeros (past a file's end inside its last page
            // there is no fault to notice), so it may be delivered before reading stops.
            let straddling = usize::from(extra != 0 && whole >= after);
            let expect = whole.max(after);
            assert!(
                (expect..=expect + straddling).contains(&got),
                "{format} round {round}: cut at {cut}: {got} packets, {expect} expected"
            );
            assert_eq!(warnings.len(), 1, "{format} round {round}: {warnings:?}");
            assert!(
                matches!(warnings[0], WarningKind::Truncated { .. }),
                "{format} round {round}: {warnings:?}"
            );
            drop(cap);
            let _ = std::fs::remove_file(&path);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same with the cut made by another thread at an unknown moment, 20 times.
#[test]
fn a_capture_truncated_by_another_thread_never_kills_the_reader() {
    let dir = tmpdir("race");
    let n = 60_000;
    let bytes = pcap(n);
    let mut cut_short = 0;
    for round in 0..20u64 {
        let path = dir.join(format!("r{round}.pcap"));
        std::fs::write(&path, &bytes).unwrap();
        let cap = Capture::open(&path).unwrap();
        let mut r = cap.reader().unwrap();
        let p2 = path.clone();
        let cutter = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_micros(200 + round * 700));
            OpenOptions::new()
                .write(true)
                .open(&p2)
                .unwrap()
                .set_len(4096 * (1 + round * 97))
                .unwrap();
        });
        let mut got = 0usize;
        let mut sum = 0u64;
        while let Some(p) = r.next_packet() {
            sum += p.data.iter().map(|&b| b as u64).sum::<u64>();
            got += 1;
        }
        cutter.join().unwrap();
        assert!(sum > 0 || got == 0);
        if got < n {
            cut_short += 1;
            assert!(
                r.warnings()
                    .iter()
                    .any(|w| matches!(w.kind, WarningKind::Truncated { .. })),
                "round {round}: {got} packets, no warning: {:?}",
                r.warnings()
            );
        }
        drop(r);
        drop(cap);
        let _ = std::fs::remove_file(&path);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("{cut_short} of 20 runs were cut short while reading");
}

/// A pcap header followed by zeros is damage, not millions of empty packets.
#[test]
fn zeros_after_a_valid_header_are_damage() {
    let mut b = pcap(3);
    b.extend(std::iter::repeat_n(0u8, 1 << 20));
    let cap = Capture::from_bytes(Path::new("z.pcap"), b).unwrap();
    let mut r = cap.reader().unwrap();
    let mut n = 0;
    while r.next_packet().is_some() {
        n += 1;
    }
    assert_eq!(n, 3);
    let w = r.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].kind, WarningKind::BadRecordLength { len: 0 });
    assert_eq!(w[0].offset, (24 + 3 * (16 + FRAME)) as u64);
}

/// A damaged Section Header Block is reported with the length its header gives, not 0.
#[test]
fn a_damaged_section_header_reports_its_length() {
    let mut b = pcapng(2);
    let at = b.len();
    b.extend_from_slice(&0x0a0d0d0au32.to_le_bytes());
    b.extend_from_slice(&28u32.to_le_bytes());
    b.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    b.extend_from_slice(&[0; 12]);
    b.extend_from_slice(&28u32.to_le_bytes());
    let cap = Capture::from_bytes(Path::new("s.pcapng"), b).unwrap();
    let mut r = cap.reader().unwrap();
    while r.next_packet().is_some() {}
    assert_eq!(
        r.warnings()[0].kind,
        WarningKind::BadBlock {
            block_type: 0x0a0d0d0a,
            len: 28
        }
    );
    assert_eq!(r.warnings()[0].offset, at as u64);
}

/// A short Enhanced Packet Block is reported with its block length as written.
#[test]
fn a_short_packet_block_reports_its_length() {
    let mut b = pcapng(1);
    b.extend_from_slice(&6u32.to_le_bytes());
    b.extend_from_slice(&28u32.to_le_bytes());
    b.extend_from_slice(&[0; 16]);
    b.extend_from_slice(&28u32.to_le_bytes());
    let cap = Capture::from_bytes(Path::new("e.pcapng"), b).unwrap();
    let mut r = cap.reader().unwrap();
    while r.next_packet().is_some() {}
    assert!(
        r.warnings().iter().any(|w| w.kind
            == WarningKind::BadBlock {
                block_type: 6,
                len: 28
            }),
        "{:?}",
        r.warnings()
    );
}

/// Devices and pipes are refused without being opened (a pipe with no writer would block,
/// /dev/zero never ends).
#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_without_reading() {
    let dir = tmpdir("special");
    let fifo = dir.join("f.pcap");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for (p, kind) in [
        (Path::new("/dev/zero"), FileKind::CharDevice),
        (Path::new("/dev/urandom"), FileKind::CharDevice),
        (fifo.as_path(), FileKind::Fifo),
    ] {
        let e = Capture::open(p).err().expect("refused");
        let SourceErrorKind::Io(io) = &e.kind else {
            panic!("{p:?}: {:?}", e.kind)
        };
        let inner = io
            .get_ref()
            .and_then(|e| e.downcast_ref::<NotRegularFile>());
        assert_eq!(inner, Some(&NotRegularFile(kind)), "{p:?}");
    }
}

/// A folder scan keeps regular captures only, says what it left out and why, never opens a
/// pipe, and reads a folder reached through a link cycle once.
#[cfg(unix)]
#[test]
fn a_folder_scan_skips_and_says_why() {
    let dir = tmpdir("scan");
    std::fs::write(dir.join("a.pcap"), pcap(2)).unwrap();
    std::fs::write(dir.join("empty.pcap"), b"").unwrap();
    std::fs::write(dir.join("b.pcap.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]).unwrap();
    std::fs::write(dir.join("notes.txt"), b"hello").unwrap();
    std::os::unix::fs::symlink(".", dir.join("loop")).unwrap();
    std::os::unix::fs::symlink("a.pcap", dir.join("again.pcap")).unwrap();
    std::os::unix::fs::symlink("missing", dir.join("dangling.pcap")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(dir.join("fifo.pcap"))
        .status()
        .unwrap()
        .success());
    let s = scan(&dir).unwrap();
    assert_eq!(s.files, vec![dir.join("a.pcap")]);
    let why: Vec<(String, String)> = s
        .skipped
        .iter()
        .map(|k| {
            let name = k.path.file_name().unwrap().to_string_lossy().to_string();
            let r = match &k.reason {
                SkipReason::NotRegular(f) => f.id().to_string(),
                SkipReason::Empty => "empty".into(),
                SkipReason::Compressed(c) => c.to_string(),
                SkipReason::Unreadable(_) => "unreadable".into(),
                SkipReason::AlreadyScanned => "already".into(),
                SkipReason::SameFile { other } => {
                    format!("same:{}", other.file_name().unwrap().to_string_lossy())
                }
                SkipReason::TooDeep => "deep".into(),
            };
            (name, r)
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("again.pcap", "same:a.pcap"),
        ("b.pcap.gz", "gzip"),
        ("dangling.pcap", "unreadable"),
        ("empty.pcap", "empty"),
        ("fifo.pcap", "fifo"),
        ("loop", "already"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(why, want);
    assert_eq!(s.not_captures, 1);
    assert_eq!(s.first_not_capture, Some(dir.join("notes.txt")));
}
