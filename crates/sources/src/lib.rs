//! Capture sources (the pipeline's `sources` stage): classic pcap in both byte orders with micro-
//! or nanosecond timestamps, pcapng with several interfaces (EPB, SPB, OPB), read zero-copy from
//! a memory map, and several files merged in timestamp order; the same formats read from any byte
//! stream such as standard input ([`StreamReader`]); on Linux, live frames from a network
//! interface (`LiveCapture`). All of them are [`PacketSource`]s.
//!
//! Readers never panic on input. Damage at the end of a file yields the packets before it and a
//! [`Warning`]; a file that is not a capture is a [`SourceError`] naming the file.

#[cfg(target_os = "linux")]
mod live;
mod merge;
mod pcap;
mod pcapng;
mod source;
mod stream;

#[cfg(target_os = "linux")]
pub use live::LiveCapture;
pub use merge::Merger;
pub use pcap::MAX_RECORD;
pub use source::{Next, PacketSource};
pub use stream::StreamReader;

use std::fmt;
use std::path::{Path, PathBuf};

/// One captured frame, borrowed from its source (the mapped file, or a stream's or socket's buffer).
#[derive(Debug, Clone, Copy)]
pub struct RawPacket<'a> {
    /// Capture timestamp, nanoseconds since the Unix epoch.
    pub ts_ns: i64,
    /// pcap link type of the interface it was captured on.
    pub linktype: u16,
    /// Captured bytes (may be shorter than the frame on the wire).
    pub data: &'a [u8],
    /// Length of the frame on the wire.
    pub orig_len: u32,
}

/// What went wrong while reading a file that did start like a capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WarningKind {
    /// The file ends inside a record: `needed` bytes announced, `had` present.
    Truncated { needed: u64, had: u64 },
    /// A record header holds an impossible length.
    BadRecordLength { len: u64 },
    /// A pcapng block of an unknown or damaged form, after which reading stopped.
    BadBlock { block_type: u32, len: u64 },
    /// A link type iotgate does not decode; its packets are counted but not analysed.
    UnsupportedLinkType { linktype: u16 },
    /// A packet refers to an interface that was never described.
    UnknownInterface { interface: u32 },
}

/// A problem found while reading, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Byte offset in the file.
    pub offset: u64,
    /// What happened.
    pub kind: WarningKind,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            WarningKind::Truncated { needed, had } => write!(
                f,
                "capture truncated at byte {}: record needs {needed} bytes, {had} remain",
                self.offset
            ),
            WarningKind::BadRecordLength { len } => {
                write!(f, "impossible record length {len} at byte {}", self.offset)
            }
            WarningKind::BadBlock { block_type, len } => write!(
                f,
                "damaged pcapng block (type {block_type:#x}, length {len}) at byte {}",
                self.offset
            ),
            WarningKind::UnsupportedLinkType { linktype } => {
                write!(
                    f,
                    "link type {linktype} is not decoded (byte {})",
                    self.offset
                )
            }
            WarningKind::UnknownInterface { interface } => write!(
                f,
                "packet refers to undescribed interface {interface} at byte {}",
                self.offset
            ),
        }
    }
}

/// Why a file cannot be read as a capture at all.
#[derive(Debug)]
pub enum SourceErrorKind {
    /// The file could not be opened or mapped.
    Io(std::io::Error),
    /// The file is empty.
    Empty,
    /// The first bytes are neither pcap nor pcapng magic.
    NotCapture { magic: [u8; 4], len: usize },
    /// The file header is damaged.
    BadHeader { what: &'static str },
    /// The path is a directory (callers expand directories first).
    Directory,
}

/// A file that cannot be read as a capture.
#[derive(Debug)]
pub struct SourceError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub kind: SourceErrorKind,
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            SourceErrorKind::Io(e) => write!(f, "{p}: {e}"),
            SourceErrorKind::Empty => write!(f, "{p}: empty file, not a capture"),
            SourceErrorKind::NotCapture { magic, len } => write!(
                f,
                "{p}: not a pcap or pcapng capture (first bytes {})",
                hex_prefix(magic, *len)
            ),
            SourceErrorKind::BadHeader { what } => write!(f, "{p}: damaged capture header: {what}"),
            SourceErrorKind::Directory => write!(f, "{p}: is a directory"),
        }
    }
}

impl std::error::Error for SourceError {}

/// Formats up to four leading bytes as hex for error messages.
pub fn hex_prefix(magic: &[u8; 4], len: usize) -> String {
    magic[..len.min(4)]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The container format of a capture file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Classic libpcap.
    Pcap,
    /// pcapng.
    Pcapng,
}

enum Bytes {
    Map(memmap2::Mmap),
    Owned(Vec<u8>),
}

/// An opened capture file, mapped into memory.
pub struct Capture {
    path: PathBuf,
    bytes: Bytes,
    format: Format,
}

/// Sniffs the magic number of the first bytes of a file.
pub fn sniff(b: &[u8]) -> Option<Format> {
    match b.get(..4)? {
        [0xd4, 0xc3, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xc3, 0xd4]
        | [0x4d, 0x3c, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0x3c, 0x4d] => Some(Format::Pcap),
        [0x0a, 0x0d, 0x0d, 0x0a] => Some(Format::Pcapng),
        _ => None,
    }
}

impl Capture {
    /// Opens and maps a capture file, checking its magic number.
    pub fn open(path: &Path) -> Result<Capture, SourceError> {
        let err = |kind| SourceError {
            path: path.to_path_buf(),
            kind,
        };
        let meta = std::fs::metadata(path).map_err(|e| err(SourceErrorKind::Io(e)))?;
        if meta.is_dir() {
            return Err(err(SourceErrorKind::Directory));
        }
        let file = std::fs::File::open(path).map_err(|e| err(SourceErrorKind::Io(e)))?;
        let bytes = if meta.len() == 0 {
            // Special files (pipes, /dev/stdin) report length 0: read them fully.
            use std::io::Read;
            let mut v = Vec::new();
            (&file)
                .read_to_end(&mut v)
                .map_err(|e| err(SourceErrorKind::Io(e)))?;
            Bytes::Owned(v)
        } else {
            // SAFETY: the map is read-only; a file truncated underneath us by another process
            // would fault, which is the accepted contract of memory-mapped capture readers.
            let m =
                unsafe { memmap2::Mmap::map(&file) }.map_err(|e| err(SourceErrorKind::Io(e)))?;
            #[cfg(unix)]
            let _ = m.advise(memmap2::Advice::Sequential);
            Bytes::Map(m)
        };
        Capture::from_parts(path, bytes)
    }

    /// Wraps bytes already in memory (tests, fuzzing).
    pub fn from_bytes(path: &Path, data: Vec<u8>) -> Result<Capture, SourceError> {
        Capture::from_parts(path, Bytes::Owned(data))
    }

    /// Checks the magic number and the file header of `bytes`.
    fn from_parts(path: &Path, bytes: Bytes) -> Result<Capture, SourceError> {
        let err = |kind| SourceError {
            path: path.to_path_buf(),
            kind,
        };
        let data: &[u8] = match &bytes {
            Bytes::Map(m) => m,
            Bytes::Owned(v) => v,
        };
        if data.is_empty() {
            return Err(err(SourceErrorKind::Empty));
        }
        let format = sniff(data).ok_or_else(|| {
            let mut magic = [0u8; 4];
            let n = data.len().min(4);
            magic[..n].copy_from_slice(&data[..n]);
            err(SourceErrorKind::NotCapture { magic, len: n })
        })?;
        let cap = Capture {
            path: path.to_path_buf(),
            bytes,
            format,
        };
        // Validate the file header now so that errors surface at open time.
        cap.reader()
            .map_err(|what| err(SourceErrorKind::BadHeader { what }))?;
        Ok(cap)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The container format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The whole file's bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Map(m) => m,
            Bytes::Owned(v) => v,
        }
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    /// True when the file holds no bytes (never true for an opened capture).
    pub fn is_empty(&self) -> bool {
        self.bytes().is_empty()
    }

    /// Tells the kernel that the bytes before `offset` will not be read again, so their pages
    /// leave this process's resident set (they stay in the page cache). Reading them again is
    /// still safe: the pages fault back in from the file. Keeps RSS bounded on huge captures.
    pub fn release_before(&self, offset: usize) {
        #[cfg(unix)]
        if let Bytes::Map(m) = &self.bytes {
            const PAGE: usize = 1 << 16;
            let end = offset.min(m.len()) / PAGE * PAGE;
            if end > 0 {
                // SAFETY: DONTNEED on a read-only file mapping only drops page-table entries;
                // later reads reload the file's bytes, so borrowed slices stay valid.
                let _ =
                    unsafe { m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, 0, end) };
            }
        }
        #[cfg(not(unix))]
        let _ = offset;
    }

    /// A reader over the packets, from the start.
    pub fn reader(&self) -> Result<Reader<'_>, &'static str> {
        let b = self.bytes();
        Ok(match self.format {
            Format::Pcap => Reader::Pcap(pcap::PcapReader::new(b)?),
            Format::Pcapng => Reader::Pcapng(pcapng::PcapngReader::new(b)?),
        })
    }
}

/// A packet reader over one capture.
pub enum Reader<'a> {
    /// Classic pcap.
    Pcap(pcap::PcapReader<'a>),
    /// pcapng.
    Pcapng(pcapng::PcapngReader<'a>),
}

impl<'a> Reader<'a> {
    /// The next packet, or `None` at the end (or at damage, which adds a warning).
    #[inline]
    pub fn next_packet(&mut self) -> Option<RawPacket<'a>> {
        match self {
            Reader::Pcap(r) => r.next_packet(),
            Reader::Pcapng(r) => r.next_packet(),
        }
    }
    /// Problems met so far.
    pub fn warnings(&self) -> &[Warning] {
        match self {
            Reader::Pcap(r) => &r.warnings,
            Reader::Pcapng(r) => &r.blocks.warnings,
        }
    }
    /// The link types of the capture's interfaces (at most 16 distinct, in order of appearance).
    pub fn linktypes(&self) -> Vec<u16> {
        match self {
            Reader::Pcap(r) => vec![r.linktype()],
            Reader::Pcapng(r) => r.linktypes(),
        }
    }

    /// Bytes consumed so far (for progress).
    pub fn position(&self) -> usize {
        match self {
            Reader::Pcap(r) => r.pos,
            Reader::Pcapng(r) => r.pos,
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = RawPacket<'a>;
    fn next(&mut self) -> Option<RawPacket<'a>> {
        self.next_packet()
    }
}

/// Expands the command line's paths: files are kept; a directory contributes the files inside it
/// (recursively, sorted by path) whose first bytes are pcap or pcapng magic.
pub fn expand_paths(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, 0)?;
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 16 {
        return Ok(());
    }
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            walk(&p, out, depth + 1)?;
        } else if is_capture_file(&p) {
            out.push(p);
        }
    }
    Ok(())
}

fn is_capture_file(p: &Path) -> bool {
    use std::io::Read;
    let mut m = [0u8; 4];
    std::fs::File::open(p)
        .and_then(|mut f| f.read_exact(&mut m))
        .is_ok()
        && sniff(&m).is_some()
}

/// Hints the CPU to load the cache line holding `items[i]`; a no-op past the end or on
/// architectures without a prefetch instruction. Readers use it to fetch records ahead of the
/// one being analysed, the flow table to fetch index entries ahead of a batch of removals.
#[inline(always)]
pub fn prefetch<T>(items: &[T], i: usize) {
    if i < items.len() {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: prefetching is a hint; the address is inside `items`.
        unsafe {
            core::arch::x86_64::_mm_prefetch(
                items.as_ptr().add(i) as *const i8,
                core::arch::x86_64::_MM_HINT_T0,
            );
        }
    }
}
