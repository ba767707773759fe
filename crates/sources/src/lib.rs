//! Capture sources (the pipeline's `sources` stage): classic pcap in both byte orders with micro-
//! or nanosecond timestamps, pcapng with several interfaces (EPB, SPB, OPB), read zero-copy from
//! a memory map, and several files merged in timestamp order; the same formats read from any byte
//! stream such as standard input ([`StreamReader`]); on Linux, live frames from a network
//! interface (`LiveCapture`). All of them are [`PacketSource`]s.
//!
//! Readers never panic on input. Damage at the end of a file yields the packets before it and a
//! [`Warning`]; a file that is not a capture is a [`SourceError`] naming the file.

mod guard;
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
    Map(Mapped),
    Owned(Vec<u8>),
}

/// A file mapped into memory, and its registration against the file shrinking underneath a
/// read (`guard.rs`). Fields drop in order: the region is released before the mapping is.
struct Mapped {
    region: Option<guard::Region>,
    map: memmap2::Mmap,
}

/// What a path is when it is not a regular file or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character device (`/dev/zero`, a terminal).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// Anything else that is not a regular file.
    Other,
}

impl FileKind {
    /// What `meta` (of a path, links followed) describes, or `None` for a regular file or a
    /// folder.
    pub fn of(meta: &std::fs::Metadata) -> Option<FileKind> {
        let t = meta.file_type();
        if t.is_file() || t.is_dir() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            Some(if t.is_fifo() {
                FileKind::Fifo
            } else if t.is_socket() {
                FileKind::Socket
            } else if t.is_char_device() {
                FileKind::CharDevice
            } else if t.is_block_device() {
                FileKind::BlockDevice
            } else {
                FileKind::Other
            })
        }
        #[cfg(not(unix))]
        Some(FileKind::Other)
    }

    /// A short English name (`fifo`, `socket`, `char`, `block`, `other`), also the selector of
    /// the localised messages that name it.
    pub fn id(self) -> &'static str {
        match self {
            FileKind::Fifo => "fifo",
            FileKind::Socket => "socket",
            FileKind::CharDevice => "char",
            FileKind::BlockDevice => "block",
            FileKind::Other => "other",
        }
    }
}

/// The I/O error of [`Capture::open`] for a path that is a pipe, socket or device: such inputs
/// may never end (`/dev/zero`) or block (a pipe with no writer), and cannot be mapped, so they
/// are refused rather than read into memory; a stream is read from standard input (`-`) with
/// [`StreamReader`], through one bounded buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotRegularFile(pub FileKind);

impl fmt::Display for NotRegularFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.0 {
            FileKind::Fifo => "a pipe",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "not a regular file",
        };
        write!(
            f,
            "{what}, not a capture file: give streams on standard input (iotgate analyze - < PATH)"
        )
    }
}

impl std::error::Error for NotRegularFile {}

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
        // Checked before opening: opening a pipe with no writer blocks, and a device such as
        // /dev/zero never ends. Streams are read from standard input, bounded.
        if let Some(kind) = FileKind::of(&meta) {
            let e = std::io::Error::new(std::io::ErrorKind::Unsupported, NotRegularFile(kind));
            return Err(err(SourceErrorKind::Io(e)));
        }
        if meta.len() == 0 {
            return Err(err(SourceErrorKind::Empty));
        }
        let file = std::fs::File::open(path).map_err(|e| err(SourceErrorKind::Io(e)))?;
        // SAFETY: the map is read-only. Another process truncating the file while it is read
        // makes reads past its new end fault: the region registered here turns such a fault into
        // zeros and a count that the readers watch (`guard.rs`), never a signal.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| err(SourceErrorKind::Io(e)))?;
        #[cfg(unix)]
        let _ = map.advise(memmap2::Advice::Sequential);
        let region = guard::Region::register(&map);
        Capture::from_parts(path, Bytes::Map(Mapped { region, map }))
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
            Bytes::Map(m) => &m.map,
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
            Bytes::Map(m) => &m.map,
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
        if let Bytes::Map(Mapped { map: m, .. }) = &self.bytes {
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
        let watch = match &self.bytes {
            Bytes::Map(m) => m.region.as_ref().map(|r| r.watch(&self.path, b.len())),
            Bytes::Owned(_) => None,
        };
        Ok(match self.format {
            Format::Pcap => {
                let r = pcap::PcapReader::new(b)?;
                Reader::Pcap(match watch {
                    Some(w) => r.watched(w),
                    None => r,
                })
            }
            Format::Pcapng => {
                let r = pcapng::PcapngReader::new(b)?;
                Reader::Pcapng(match watch {
                    Some(w) => r.watched(w),
                    None => r,
                })
            }
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
/// (recursively, sorted by path) whose first bytes are pcap or pcapng magic. [`scan`] says what
/// was left out and why.
pub fn expand_paths(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(scan(p)?.files);
    }
    Ok(out)
}

/// Folders deeper than this below a scanned one are not entered.
pub const MAX_SCAN_DEPTH: usize = 16;

/// Skipped entries listed one by one by [`scan`]; beyond, they are only counted.
pub const MAX_SKIPPED_LISTED: usize = 256;

/// Why a folder scan left an entry out.
#[derive(Debug)]
pub enum SkipReason {
    /// A pipe, socket or device: never opened (a pipe with no writer would block the scan).
    NotRegular(FileKind),
    /// A file of no bytes.
    Empty,
    /// A compressed file (`gzip`, `xz`, `zstd`, `bzip2`): decompress it to analyse it.
    Compressed(&'static str),
    /// A file or folder that cannot be read (permissions, a dangling link).
    Unreadable(std::io::Error),
    /// A folder already scanned, reached again through a link (a cycle, or two links to one
    /// folder): it is read once.
    AlreadyScanned,
    /// A file already listed under another path (`other`), through a link: it is read once.
    SameFile {
        /// The path it was listed under.
        other: PathBuf,
    },
    /// A folder more than [`MAX_SCAN_DEPTH`] levels down.
    TooDeep,
}

/// An entry a folder scan left out.
#[derive(Debug)]
pub struct Skipped {
    /// The entry.
    pub path: PathBuf,
    /// Why.
    pub reason: SkipReason,
}

/// What a folder scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The captures, sorted by path.
    pub files: Vec<PathBuf>,
    /// Entries left out for a reason worth telling (at most [`MAX_SKIPPED_LISTED`]), in path
    /// order.
    pub skipped: Vec<Skipped>,
    /// Further entries left out for such a reason, not listed.
    pub skipped_unlisted: u64,
    /// Regular files that are simply not captures (text, other formats): counted, not listed.
    pub not_captures: u64,
    /// The first of them, as an example.
    pub first_not_capture: Option<PathBuf>,
}

impl Scan {
    fn skip(&mut self, path: PathBuf, reason: SkipReason) {
        if self.skipped.len() < MAX_SKIPPED_LISTED {
            self.skipped.push(Skipped { path, reason });
        } else {
            self.skipped_unlisted += 1;
        }
    }
}

/// Identity of a file or folder (device and inode), to read each once whatever the links.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata, _path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata, path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Scans one command-line path. A file (or anything that is not a folder) is kept as it is,
/// for the reader to accept or refuse with its own error; a folder contributes, recursively,
/// the regular files whose first bytes are pcap or pcapng magic. Pipes, sockets and devices in
/// a folder are never opened; every folder and file is visited once, however many links lead to
/// it (a link cycle is followed once). Only a folder that cannot be listed at all is an error.
pub fn scan(path: &Path) -> std::io::Result<Scan> {
    let mut out = Scan::default();
    let meta = match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => m,
        _ => {
            out.files.push(path.to_path_buf());
            return Ok(out);
        }
    };
    let mut seen_dirs = std::collections::HashSet::new();
    let mut seen_files = std::collections::HashMap::new();
    seen_dirs.insert(identity(&meta, path));
    let entries = sorted_entries(path)?;
    walk(entries, &mut out, &mut seen_dirs, &mut seen_files, 0);
    out.files.sort();
    out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The entries of a folder, sorted by name (so that which of two links to one folder is
/// followed does not depend on the file system's order).
fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir)? {
        v.push(e?.path());
    }
    v.sort();
    Ok(v)
}

#[cfg(unix)]
type Id = (u64, u64);
#[cfg(not(unix))]
type Id = PathBuf;

fn walk(
    entries: Vec<PathBuf>,
    out: &mut Scan,
    seen_dirs: &mut std::collections::HashSet<Id>,
    seen_files: &mut std::collections::HashMap<Id, PathBuf>,
    depth: usize,
) {
    for p in entries {
        // Links followed: a link to a folder is scanned (once), a link to a file read (once).
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) => {
                out.skip(p, SkipReason::Unreadable(e));
                continue;
            }
        };
        if meta.is_dir() {
            if !seen_dirs.insert(identity(&meta, &p)) {
                out.skip(p, SkipReason::AlreadyScanned);
            } else if depth + 1 > MAX_SCAN_DEPTH {
                out.skip(p, SkipReason::TooDeep);
            } else {
                match sorted_entries(&p) {
                    Ok(sub) => walk(sub, out, seen_dirs, seen_files, depth + 1),
                    Err(e) => out.skip(p, SkipReason::Unreadable(e)),
                }
            }
            continue;
        }
        if let Some(kind) = FileKind::of(&meta) {
            out.skip(p, SkipReason::NotRegular(kind));
            continue;
        }
        if meta.len() == 0 {
            out.skip(p, SkipReason::Empty);
            continue;
        }
        let mut head = [0u8; 6];
        let n = match read_head(&p, &mut head) {
            Ok(n) => n,
            Err(e) => {
                out.skip(p, SkipReason::Unreadable(e));
                continue;
            }
        };
        if sniff(&head[..n]).is_some() {
            let id = identity(&meta, &p);
            match seen_files.get(&id) {
                Some(other) => {
                    let other = other.clone();
                    out.skip(p, SkipReason::SameFile { other });
                }
                None => {
                    seen_files.insert(id, p.clone());
                    out.files.push(p);
                }
            }
        } else if let Some(format) = compressed(&head[..n]) {
            out.skip(p, SkipReason::Compressed(format));
        } else {
            out.not_captures += 1;
            if out.first_not_capture.is_none() {
                out.first_not_capture = Some(p);
            }
        }
    }
}

/// Reads up to `head.len()` bytes from the start of a regular file.
fn read_head(p: &Path, head: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut f = std::fs::File::open(p)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The compression format the first bytes announce, if any.
fn compressed(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(&[0x1f, 0x8b]) {
        Some("gzip")
    } else if b.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        Some("xz")
    } else if b.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Some("zstd")
    } else if b.starts_with(b"BZh") {
        Some("bzip2")
    } else {
        None
    }
}

/// Hints the CPU to load the cache line holding the start of `x` (state about to be needed,
/// fetched while other work goes on); a no-op on architectures without a prefetch
/// instruction.
#[inline(always)]
pub fn prefetch_ref<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: prefetching is a hint; the address is that of a live reference.
    unsafe {
        core::arch::x86_64::_mm_prefetch(
            x as *const T as *const i8,
            core::arch::x86_64::_MM_HINT_T0,
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
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
