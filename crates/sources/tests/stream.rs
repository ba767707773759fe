//! The streaming reader against the memory-mapped one: on any bytes (valid pcap and pcapng,
//! damaged, cut short), read in any chunks with interruptions, it yields the same packets,
//! timestamps, link types and warnings, and fails to open exactly when the file reader does.

use iotgate_sources::{
    expand_paths, Capture, Next, PacketSource, StreamReader, Warning, MAX_RECORD,
};
use proptest::prelude::*;
use std::io::{self, ErrorKind, Read};
use std::path::{Path, PathBuf};

/// Everything a reader tells about a capture.
#[derive(Debug, PartialEq)]
struct Outcome {
    packets: Vec<(i64, u16, Vec<u8>, u32)>,
    warnings: Vec<Warning>,
    linktypes: Vec<u16>,
    /// Bytes consumed at the end, compared only when no warning stopped reading early.
    position: Option<u64>,
}

fn via_file(bytes: &[u8]) -> Result<Outcome, String> {
    let cap =
        Capture::from_bytes(Path::new("x"), bytes.to_vec()).map_err(|e| format!("{:?}", e.kind))?;
    let mut r = cap.reader().map_err(|e| e.to_string())?;
    let mut packets = Vec::new();
    while let Some(p) = r.next_packet() {
        packets.push((p.ts_ns, p.linktype, p.data.to_vec(), p.orig_len));
    }
    let warnings = r.warnings().to_vec();
    let position = warnings.is_empty().then_some(r.position() as u64);
    assert_eq!(PacketSource::len_hint(&r), Some(bytes.len() as u64));
    Ok(Outcome {
        linktypes: r.linktypes(),
        packets,
        warnings,
        position,
    })
}

fn drain<S: PacketSource>(mut s: S) -> Outcome {
    let mut packets = Vec::new();
    let mut idle = 0u32;
    loop {
        match s.next() {
            Next::Packet(p) => packets.push((p.ts_ns, p.linktype, p.data.to_vec(), p.orig_len)),
            Next::Idle => {
                idle += 1;
                assert!(idle < 1_000_000, "a stream that never ends");
            }
            Next::End => break,
        }
    }
    assert!(matches!(s.next(), Next::End), "End is final");
    assert!(s.error().is_none(), "{:?}", s.error());
    let warnings = s.warnings().to_vec();
    let position = warnings.is_empty().then_some(s.position());
    Outcome {
        linktypes: s.linktypes(),
        packets,
        warnings,
        position,
    }
}

fn via_stream<R: Read>(reader: R) -> Result<Outcome, String> {
    let s = StreamReader::new(PathBuf::from("x"), reader).map_err(|e| format!("{:?}", e.kind))?;
    assert_eq!(s.len_hint(), None);
    Ok(drain(s))
}

/// A reader that hands its bytes out in chunks of the given sizes (in turn), and every
/// `hiccup`-th call fails with `Interrupted` or (past the first 28 bytes, so never while the
/// header is read) `WouldBlock`.
struct Chunky<'a> {
    data: &'a [u8],
    at: usize,
    sizes: Vec<usize>,
    calls: usize,
    hiccup: usize,
}

impl<'a> Chunky<'a> {
    fn new(data: &'a [u8], sizes: Vec<usize>, hiccup: usize) -> Self {
        Chunky {
            data,
            at: 0,
            sizes,
            calls: 0,
            hiccup,
        }
    }
}

impl Read for Chunky<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.hiccup > 0 && self.calls.is_multiple_of(self.hiccup) {
            let kind = if self.at >= 28 && (self.calls / self.hiccup).is_multiple_of(2) {
                ErrorKind::WouldBlock
            } else {
                ErrorKind::Interrupted
            };
            return Err(kind.into());
        }
        let size = self
            .sizes
            .get(self.calls % self.sizes.len().max(1))
            .copied()
            .unwrap_or(4096)
            .max(1);
        let n = size.min(buf.len()).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------
// Capture writers.

/// Frame bytes of a given length, derived from a seed.
fn payload(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| seed.wrapping_add((i * 7) as u8)).collect()
}

fn put32(o: &mut Vec<u8>, v: u32, be: bool) {
    o.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

fn put16(o: &mut Vec<u8>, v: u16, be: bool) {
    o.extend_from_slice(&if be { v.to_be_bytes() } else { v.to_le_bytes() });
}

#[derive(Debug, Clone)]
struct PcapRecord {
    sec: u32,
    frac: u32,
    len: usize,
    seed: u8,
    orig_extra: u32,
}

fn write_pcap(be: bool, nanos: bool, linktype: u32, records: &[PcapRecord]) -> Vec<u8> {
    let mut o = Vec::new();
    put32(&mut o, if nanos { 0xa1b23c4d } else { 0xa1b2c3d4 }, be);
    put16(&mut o, 2, be);
    put16(&mut o, 4, be);
    put32(&mut o, 0, be);
    put32(&mut o, 0, be);
    put32(&mut o, 65535, be);
    put32(&mut o, linktype, be);
    for r in records {
        put32(&mut o, r.sec, be);
        put32(&mut o, r.frac, be);
        put32(&mut o, r.len as u32, be);
        put32(&mut o, (r.len as u32).saturating_add(r.orig_extra), be);
        o.extend_from_slice(&payload(r.len, r.seed));
    }
    o
}

#[derive(Debug, Clone)]
enum Block {
    /// A new section in the given byte order (a section opens with one, so it is also first).
    Shb {
        be: bool,
    },
    Idb {
        linktype: u16,
        snaplen: u32,
        tsresol: Option<u8>,
        tsoffset: Option<i64>,
    },
    Epb {
        iface: u32,
        ts: u64,
        len: usize,
        seed: u8,
        orig_extra: u32,
        comment: bool,
    },
    Opb {
        iface: u16,
        ts: u64,
        len: usize,
        seed: u8,
    },
    Spb {
        len: usize,
        seed: u8,
        orig_extra: u32,
    },
    Other {
        btype: u32,
        len: usize,
    },
}

fn pad4(o: &mut Vec<u8>) {
    while !o.len().is_multiple_of(4) {
        o.push(0);
    }
}

fn write_block(o: &mut Vec<u8>, be: bool, btype: u32, body: &[u8]) {
    let total = 12 + body.len().div_ceil(4) * 4;
    if btype == 0x0a0d0d0a {
        o.extend_from_slice(&btype.to_le_bytes());
    } else {
        put32(o, btype, be);
    }
    put32(o, total as u32, be);
    o.extend_from_slice(body);
    pad4(o);
    put32(o, total as u32, be);
}

fn write_pcapng(blocks: &[Block]) -> Vec<u8> {
    let mut o = Vec::new();
    let mut be = false;
    for b in blocks {
        let mut body = Vec::new();
        let btype = match b {
            Block::Shb { be: e } => {
                be = *e;
                put32(&mut body, 0x1a2b3c4d, be);
                put16(&mut body, 1, be);
                put16(&mut body, 0, be);
                body.extend_from_slice(&[0xff; 8]);
                0x0a0d0d0a
            }
            Block::Idb {
                linktype,
                snaplen,
                tsresol,
                tsoffset,
            } => {
                put16(&mut body, *linktype, be);
                put16(&mut body, 0, be);
                put32(&mut body, *snaplen, be);
                if let Some(r) = tsresol {
                    put16(&mut body, 9, be);
                    put16(&mut body, 1, be);
                    body.extend_from_slice(&[*r, 0, 0, 0]);
                }
                if let Some(off) = tsoffset {
                    put16(&mut body, 14, be);
                    put16(&mut body, 8, be);
                    body.extend_from_slice(&if be {
                        off.to_be_bytes()
                    } else {
                        off.to_le_bytes()
                    });
                }
                if tsresol.is_some() || tsoffset.is_some() {
                    put32(&mut body, 0, be);
                }
                1
            }
            Block::Epb {
                iface,
                ts,
                len,
                seed,
                orig_extra,
                comment,
            } => {
                put32(&mut body, *iface, be);
                put32(&mut body, (ts >> 32) as u32, be);
                put32(&mut body, *ts as u32, be);
                put32(&mut body, *len as u32, be);
                put32(&mut body, (*len as u32).saturating_add(*orig_extra), be);
                body.extend_from_slice(&payload(*len, *seed));
                pad4(&mut body);
                if *comment {
                    put16(&mut body, 1, be);
                    put16(&mut body, 5, be);
                    body.extend_from_slice(b"hello\0\0\0");
                    put32(&mut body, 0, be);
                }
                6
            }
            Block::Opb {
                iface,
                ts,
                len,
                seed,
            } => {
                put16(&mut body, *iface, be);
                put16(&mut body, 0, be);
                put32(&mut body, (ts >> 32) as u32, be);
                put32(&mut body, *ts as u32, be);
                put32(&mut body, *len as u32, be);
                put32(&mut body, *len as u32, be);
                body.extend_from_slice(&payload(*len, *seed));
                2
            }
            Block::Spb {
                len,
                seed,
                orig_extra,
            } => {
                put32(&mut body, (*len as u32).saturating_add(*orig_extra), be);
                body.extend_from_slice(&payload(*len, *seed));
                3
            }
            Block::Other { btype, len } => {
                body.extend_from_slice(&payload(*len, 0x5a));
                *btype
            }
        };
        write_block(&mut o, be, btype, &body);
    }
    o
}

// ---------------------------------------------------------------------------------------------
// Strategies.

fn frame_len() -> impl Strategy<Value = usize> {
    prop_oneof![
        20 => 0usize..200,
        3 => 200usize..5000,
        1 => 60_000usize..70_000,
        1 => Just(MAX_RECORD as usize),
        1 => (MAX_RECORD as usize + 1)..(MAX_RECORD as usize + 5000),
    ]
}

fn pcap_record() -> impl Strategy<Value = PcapRecord> {
    (
        any::<u32>(),
        any::<u32>(),
        frame_len(),
        any::<u8>(),
        prop_oneof![3 => Just(0u32), 1 => any::<u32>()],
    )
        .prop_map(|(sec, frac, len, seed, orig_extra)| PcapRecord {
            sec,
            frac,
            len,
            seed,
            orig_extra,
        })
}

fn pcap_file() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(1u32), Just(101), Just(113), any::<u32>()],
        proptest::collection::vec(pcap_record(), 0..12),
    )
        .prop_map(|(be, nanos, lt, recs)| write_pcap(be, nanos, lt, &recs))
}

fn ng_block() -> impl Strategy<Value = Block> {
    let ts = prop_oneof![
        any::<u64>(),
        (0u64..4_000_000_000).prop_map(|s| s * 1_000_000)
    ];
    prop_oneof![
        1 => any::<bool>().prop_map(|be| Block::Shb { be }),
        3 => (
            prop_oneof![Just(1u16), Just(101), any::<u16>()],
            prop_oneof![Just(0u32), Just(65535), 0u32..100],
            proptest::option::of(prop_oneof![Just(6u8), Just(9), Just(0), Just(3), Just(0x80 | 10), Just(0x80 | 30), any::<u8>()]),
            proptest::option::of(prop_oneof![Just(0i64), -100_000i64..100_000, any::<i64>()]),
        )
            .prop_map(|(linktype, snaplen, tsresol, tsoffset)| Block::Idb { linktype, snaplen, tsresol, tsoffset }),
        10 => (prop_oneof![4 => Just(0u32), 1 => 0u32..4], ts.clone(), frame_len(), any::<u8>(), prop_oneof![3 => Just(0u32), 1 => any::<u32>()], any::<bool>())
            .prop_map(|(iface, ts, len, seed, orig_extra, comment)| Block::Epb { iface, ts, len, seed, orig_extra, comment }),
        2 => (prop_oneof![2 => Just(0u16), 1 => 0u16..4], ts, 0usize..300, any::<u8>()).prop_map(|(iface, ts, len, seed)| Block::Opb { iface, ts, len, seed }),
        2 => (0usize..300, any::<u8>(), prop_oneof![Just(0u32), 0u32..100, any::<u32>()])
            .prop_map(|(len, seed, orig_extra)| Block::Spb { len, seed, orig_extra }),
        1 => (prop_oneof![Just(5u32), Just(0x0bad), any::<u32>()], 0usize..100).prop_map(|(btype, len)| Block::Other { btype, len }),
    ]
}

fn pcapng_file() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        any::<bool>(),
        proptest::collection::vec(ng_block(), 0..16),
    )
        .prop_map(|(be, idb, mut blocks)| {
            // Mostly with an interface up front, so that most packet blocks have one.
            if idb {
                blocks.insert(
                    0,
                    Block::Idb {
                        linktype: 1,
                        snaplen: 0,
                        tsresol: None,
                        tsoffset: None,
                    },
                );
            }
            blocks.insert(0, Block::Shb { be });
            write_pcapng(&blocks)
        })
}

/// Damage: bytes overwritten at random places, then possibly a cut.
fn damaged(file: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    (
        file,
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        proptest::option::of(any::<prop::sample::Index>()),
    )
        .prop_map(|(mut b, hits, cut)| {
            if !b.is_empty() {
                for (at, v) in hits {
                    let i = at.index(b.len());
                    b[i] = v;
                }
            }
            if let Some(c) = cut {
                let n = c.index(b.len() + 1);
                b.truncate(n);
            }
            b
        })
}

fn chunking() -> impl Strategy<Value = (Vec<usize>, usize)> {
    (
        proptest::collection::vec(
            prop_oneof![1usize..8, 8usize..600, 600usize..70_000, Just(1 << 20)],
            1..8,
        ),
        prop_oneof![Just(0usize), 2usize..9],
    )
}

fn check_same(bytes: &[u8], sizes: Vec<usize>, hiccup: usize) -> Result<(), TestCaseError> {
    let want = via_file(bytes);
    let got = via_stream(Chunky::new(bytes, sizes, hiccup));
    prop_assert_eq!(got, want);
    Ok(())
}

/// 600 cases each, or `PROPTEST_CASES`.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn pcap_streams_like_the_file(bytes in pcap_file(), (sizes, hiccup) in chunking()) {
        let want = via_file(&bytes).unwrap();
        prop_assert!(want.warnings.is_empty() || want.warnings.len() == 1);
        check_same(&bytes, sizes, hiccup)?;
    }

    #[test]
    fn damaged_pcap_streams_like_the_file(bytes in damaged(pcap_file()), (sizes, hiccup) in chunking()) {
        check_same(&bytes, sizes, hiccup)?;
    }

    #[test]
    fn pcapng_streams_like_the_file(bytes in pcapng_file(), (sizes, hiccup) in chunking()) {
        check_same(&bytes, sizes, hiccup)?;
    }

    #[test]
    fn damaged_pcapng_streams_like_the_file(bytes in damaged(pcapng_file()), (sizes, hiccup) in chunking()) {
        check_same(&bytes, sizes, hiccup)?;
    }

    #[test]
    fn any_bytes_stream_like_the_file(
        magic in prop_oneof![Just(vec![]), Just(vec![0xd4, 0xc3, 0xb2, 0xa1]), Just(vec![0x0a, 0x0d, 0x0d, 0x0a])],
        tail in proptest::collection::vec(any::<u8>(), 0..3000),
        (sizes, hiccup) in chunking(),
    ) {
        let mut bytes = magic;
        bytes.extend_from_slice(&tail);
        check_same(&bytes, sizes, hiccup)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Fixed cases.

#[test]
fn packets_of_a_known_pcapng_are_decoded() {
    // Two sections in opposite byte orders; interfaces with ns resolution and a 2^-10 resolution
    // with an offset; EPB, OPB and SPB.
    let blocks = vec![
        Block::Shb { be: false },
        Block::Idb {
            linktype: 1,
            snaplen: 0,
            tsresol: Some(9),
            tsoffset: None,
        },
        Block::Idb {
            linktype: 101,
            snaplen: 0,
            tsresol: Some(0x80 | 10),
            tsoffset: Some(100),
        },
        Block::Epb {
            iface: 0,
            ts: 1_500_000_000_123_456_789,
            len: 60,
            seed: 1,
            orig_extra: 4,
            comment: true,
        },
        Block::Epb {
            iface: 1,
            ts: 3 * 1024 + 512,
            len: 40,
            seed: 2,
            orig_extra: 0,
            comment: false,
        },
        Block::Spb {
            len: 30,
            seed: 3,
            orig_extra: 0,
        },
        Block::Shb { be: true },
        Block::Idb {
            linktype: 113,
            snaplen: 20,
            tsresol: None,
            tsoffset: None,
        },
        Block::Opb {
            iface: 0,
            ts: 7_000_001,
            len: 50,
            seed: 4,
        },
        Block::Spb {
            len: 30,
            seed: 5,
            orig_extra: 0,
        },
    ];
    let bytes = write_pcapng(&blocks);
    let got = via_stream(Chunky::new(&bytes, vec![3, 1, 50], 3)).unwrap();
    assert_eq!(got, via_file(&bytes).unwrap());
    let summary: Vec<(i64, u16, usize, u32)> = got
        .packets
        .iter()
        .map(|(t, l, d, o)| (*t, *l, d.len(), *o))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1_500_000_000_123_456_789, 1, 60, 64),
            (103_500_000_000, 101, 40, 40),
            // SPB: the last timestamp, the first interface.
            (103_500_000_000, 1, 30, 30),
            (7_000_001_000, 113, 50, 50),
            // Cut to the interface's snap length.
            (7_000_001_000, 113, 20, 30),
        ]
    );
    assert!(got.warnings.is_empty());
    assert_eq!(got.linktypes, vec![113]);
    assert_eq!(got.position, Some(bytes.len() as u64));
}

#[test]
fn opening_fails_like_the_file_reader() {
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        vec![0x68],
        b"hello world".to_vec(),
        vec![0xd4, 0xc3, 0xb2, 0xa1, 0],
        vec![0xd4, 0xc3, 0xb2, 0xa1],
        write_pcap(false, false, 1, &[])[..23].to_vec(),
        write_pcap(true, true, 1, &[]),
        vec![0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a],
        vec![
            0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1b, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0,
        ],
    ];
    for bytes in cases {
        for sizes in [vec![1], vec![4096]] {
            let file = Capture::from_bytes(Path::new("x"), bytes.clone())
                .map(|_| ())
                .map_err(|e| format!("{:?}", e.kind));
            let stream = StreamReader::new(PathBuf::from("x"), Chunky::new(&bytes, sizes, 2))
                .map(|_| ())
                .map_err(|e| format!("{:?}", e.kind));
            assert_eq!(stream, file, "{bytes:02x?}");
        }
    }
    let e = StreamReader::new(PathBuf::from("-"), &b"hello world"[..])
        .err()
        .unwrap();
    assert_eq!(
        e.to_string(),
        "-: not a pcap or pcapng capture (first bytes 68 65 6c 6c)"
    );
}

#[test]
fn a_short_simple_packet_block_is_damage_not_a_panic() {
    // An SPB without room for its original length, after an interface: skipped with a warning.
    let mut bytes = write_pcapng(&[
        Block::Shb { be: false },
        Block::Idb {
            linktype: 1,
            snaplen: 0,
            tsresol: None,
            tsoffset: None,
        },
    ]);
    let at = bytes.len();
    write_block(&mut bytes, false, 3, &[]);
    bytes.extend_from_slice(&write_pcapng(&[Block::Epb {
        iface: 0,
        ts: 5,
        len: 10,
        seed: 0,
        orig_extra: 0,
        comment: false,
    }]));
    let want = via_file(&bytes).unwrap();
    assert_eq!(want.packets.len(), 1);
    assert_eq!(want.warnings.len(), 1);
    assert_eq!(want.warnings[0].offset, at as u64 + 8);
    assert_eq!(via_stream(Chunky::new(&bytes, vec![5], 0)).unwrap(), want);
}

#[test]
fn an_oversized_record_stops_reading_with_a_warning() {
    let recs = [
        PcapRecord {
            sec: 1,
            frac: 2,
            len: 10,
            seed: 0,
            orig_extra: 0,
        },
        PcapRecord {
            sec: 1,
            frac: 3,
            len: MAX_RECORD as usize + 1,
            seed: 0,
            orig_extra: 0,
        },
        PcapRecord {
            sec: 1,
            frac: 4,
            len: 10,
            seed: 0,
            orig_extra: 0,
        },
    ];
    let bytes = write_pcap(false, false, 1, &recs);
    let got = via_stream(Chunky::new(&bytes, vec![4096], 0)).unwrap();
    assert_eq!(got, via_file(&bytes).unwrap());
    assert_eq!(got.packets.len(), 1);
    assert_eq!(got.warnings.len(), 1);
    assert_eq!(got.warnings[0].offset, 24 + 16 + 10);
}

/// A reader that fails with an I/O error after a number of bytes.
struct Failing<'a> {
    data: &'a [u8],
    at: usize,
    fail_at: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.fail_at {
            return Err(io::Error::new(ErrorKind::BrokenPipe, "pipe broke"));
        }
        let n = buf.len().min(self.fail_at - self.at).min(100);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn an_io_error_ends_the_stream_and_is_kept() {
    let recs: Vec<PcapRecord> = (0..20)
        .map(|i| PcapRecord {
            sec: i,
            frac: 0,
            len: 50,
            seed: i as u8,
            orig_extra: 0,
        })
        .collect();
    let bytes = write_pcap(false, false, 1, &recs);
    // 10 whole records and part of the 11th arrive, then the pipe breaks.
    let fail_at = 24 + 10 * 66 + 30;
    let mut s = StreamReader::new(
        PathBuf::from("-"),
        Failing {
            data: &bytes,
            at: 0,
            fail_at,
        },
    )
    .unwrap();
    let mut n = 0;
    while let Next::Packet(_) = s.next() {
        n += 1;
    }
    assert_eq!(n, 10);
    assert!(matches!(s.next(), Next::End));
    assert_eq!(s.error().map(|e| e.kind()), Some(ErrorKind::BrokenPipe));
    assert!(s.warnings().is_empty(), "an I/O error is not damage");
    // And the header itself failing is an I/O error at open.
    let e = StreamReader::new(
        PathBuf::from("-"),
        Failing {
            data: &bytes,
            at: 0,
            fail_at: 10,
        },
    )
    .err()
    .unwrap();
    assert!(
        matches!(e.kind, iotgate_sources::SourceErrorKind::Io(_)),
        "{e}"
    );
}

#[test]
fn a_live_pipe_yields_each_packet_as_soon_as_it_is_whole() {
    // The reader must not wait for more than the record it decodes: over a pipe that has sent
    // one record, that record comes out before anything else is written.
    let recs: Vec<PcapRecord> = (0..3)
        .map(|i| PcapRecord {
            sec: i,
            frac: 0,
            len: 40,
            seed: 0,
            orig_extra: 0,
        })
        .collect();
    let bytes = write_pcap(false, false, 1, &recs);
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    struct Pipe(std::sync::mpsc::Receiver<Vec<u8>>, Vec<u8>);
    impl Read for Pipe {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.1.is_empty() {
                match self.0.recv() {
                    Ok(v) => self.1 = v,
                    Err(_) => return Ok(0),
                }
            }
            let n = buf.len().min(self.1.len());
            buf[..n].copy_from_slice(&self.1[..n]);
            self.1.drain(..n);
            Ok(n)
        }
    }
    tx.send(bytes[..24 + 56].to_vec()).unwrap();
    let mut s = StreamReader::new(PathBuf::from("-"), Pipe(rx, Vec::new())).unwrap();
    assert!(matches!(s.next(), Next::Packet(p) if p.ts_ns == 0));
    tx.send(bytes[24 + 56..24 + 56 + 20].to_vec()).unwrap();
    tx.send(bytes[24 + 56 + 20..].to_vec()).unwrap();
    drop(tx);
    assert!(matches!(s.next(), Next::Packet(p) if p.ts_ns == 1_000_000_000));
    assert!(matches!(s.next(), Next::Packet(p) if p.ts_ns == 2_000_000_000));
    assert!(matches!(s.next(), Next::End));
    assert_eq!(s.position(), bytes.len() as u64);
}

/// Reads a file in 4 KiB reads.
struct FourK(std::fs::File);

impl Read for FourK {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(4096);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn every_shared_capture_streams_like_the_file() {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if !dir.is_dir() {
        eprintln!("skipped: no shared data at {}", dir.display());
        return;
    }
    let files = expand_paths(&[dir]).unwrap();
    assert!(!files.is_empty());
    let mut packets = 0;
    for f in &files {
        let cap = Capture::open(f).unwrap();
        let want = via_file(cap.bytes()).unwrap();
        let got = via_stream(FourK(std::fs::File::open(f).unwrap())).unwrap();
        assert!(got == want, "{} differs", f.display());
        packets += got.packets.len();
    }
    eprintln!("{} captures, {packets} packets: identical", files.len());
}
