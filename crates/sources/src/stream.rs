//! Captures read from any byte stream — standard input, a pipe, a socket (`tcpdump -w - |
//! iotgate analyze -`) — through one bounded buffer, with the record and block decoding of the
//! memory-mapped readers, so a stream yields the same packets and warnings as the same bytes in a
//! file.

use crate::pcap::{self, FileHeader, FILE_HEADER_LEN, MAX_RECORD, RECORD_HEADER_LEN};
use crate::pcapng::{self, Blocks, PacketAt, MAX_BLOCK, SECTION_HEADER_LEN};
use crate::source::{Next, PacketSource};
use crate::{sniff, Format, RawPacket, SourceError, SourceErrorKind, Warning, WarningKind};
use std::io::{self, ErrorKind, Read};
use std::path::{Path, PathBuf};

/// Size of the one buffer a stream is read through: twice the largest record, so that a record
/// needing room seldom has to be moved to the front.
const BUF_LEN: usize = 2 * MAX_RECORD as usize;

// Any record or block that is not damage must fit in the buffer.
const _: () = assert!(BUF_LEN >= MAX_BLOCK && BUF_LEN >= MAX_RECORD as usize + RECORD_HEADER_LEN);

/// The input and its buffer: `buf[pos..filled]` holds bytes read but not yet consumed, `base` is
/// the input offset of `buf[0]`.
struct Input<R> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    filled: usize,
    base: u64,
    eof: bool,
}

impl<R: Read> Input<R> {
    /// Reads until `need` bytes (at most the buffer's size) are buffered from `pos` on, or the
    /// input ends (`eof`). The bytes still to be consumed move to the front of the buffer when
    /// `need` would not fit behind them. `Interrupted` reads are retried; any other error is
    /// returned, with the bytes read so far kept, so that a `WouldBlock` can be resumed.
    fn fill(&mut self, need: usize) -> io::Result<()> {
        let need = need.min(BUF_LEN);
        if self.pos == self.filled || self.pos + need > BUF_LEN {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.base += self.pos as u64;
            self.filled -= self.pos;
            self.pos = 0;
        }
        while self.filled - self.pos < need {
            match self.input.read(&mut self.buf[self.filled..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                // A reader claiming more than it was given is not believed past the buffer.
                Ok(n) => self.filled = (self.filled + n).min(BUF_LEN),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The buffered bytes (everything before `pos` already consumed).
    fn window(&self) -> &[u8] {
        &self.buf[..self.filled]
    }
}

/// How the records are laid out.
enum Layout {
    Pcap {
        header: FileHeader,
        warnings: Vec<Warning>,
    },
    Pcapng(Blocks),
}

/// A pcap or pcapng capture read from any [`Read`] (standard input in particular) through one
/// buffer of 512 KiB that is refilled and compacted: memory stays bounded whatever the input, and
/// nothing is allocated per packet.
///
/// It yields exactly the packets, timestamps and warnings (kinds and byte offsets) that
/// [`crate::Capture::from_bytes`]'s reader yields on the same bytes, however the reader splits
/// them into reads: the decoding is the same code. Damage ends the stream with a warning, as in
/// a file. An I/O error ends it too and is kept for [`PacketSource::error`]; a reader that returns
/// `WouldBlock` or `TimedOut` (a non-blocking pipe, a socket with a read timeout) makes
/// [`PacketSource::next`] return [`Next::Idle`], and reading resumes where it was on the next call.
pub struct StreamReader<R: Read> {
    name: PathBuf,
    input: Input<R>,
    format: Format,
    layout: Layout,
    done: bool,
    error: Option<io::Error>,
    len_hint: Option<u64>,
}

impl<R: Read> StreamReader<R> {
    /// Reads and checks the capture's header from `reader`. `name` names the input in errors (a
    /// path, or `-` for standard input). Fails like [`crate::Capture::open`] on the same bytes:
    /// `Empty` for no bytes at all, `NotCapture` with the first bytes when they are neither pcap
    /// nor pcapng magic, `BadHeader` when the file header is cut short or damaged, and `Io` when
    /// reading fails (including `WouldBlock` from a non-blocking reader: the header must come).
    pub fn new(name: PathBuf, reader: R) -> Result<Self, SourceError> {
        let mut input = Input {
            input: reader,
            buf: vec![0u8; BUF_LEN].into_boxed_slice(),
            pos: 0,
            filled: 0,
            base: 0,
            eof: false,
        };
        let fail = |kind| {
            Err(SourceError {
                path: name.clone(),
                kind,
            })
        };
        if let Err(e) = input.fill(4) {
            return fail(SourceErrorKind::Io(e));
        }
        let head = input.window();
        if head.is_empty() {
            return fail(SourceErrorKind::Empty);
        }
        let Some(format) = sniff(head) else {
            let mut magic = [0u8; 4];
            let n = head.len().min(4);
            magic[..n].copy_from_slice(&head[..n]);
            return fail(SourceErrorKind::NotCapture { magic, len: n });
        };
        let header_len = match format {
            Format::Pcap => FILE_HEADER_LEN,
            Format::Pcapng => SECTION_HEADER_LEN,
        };
        if let Err(e) = input.fill(header_len) {
            return fail(SourceErrorKind::Io(e));
        }
        let layout = match format {
            Format::Pcap => pcap::file_header(input.window()).map(|header| {
                input.pos = FILE_HEADER_LEN;
                Layout::Pcap {
                    header,
                    warnings: Vec::new(),
                }
            }),
            // The first Section Header Block is read again as a block, as the file reader does.
            Format::Pcapng => {
                pcapng::section_header(input.window()).map(|s| Layout::Pcapng(Blocks::new(s)))
            }
        };
        let layout = match layout {
            Ok(l) => l,
            Err(what) => return fail(SourceErrorKind::BadHeader { what }),
        };
        Ok(StreamReader {
            name,
            input,
            format,
            layout,
            done: false,
            error: None,
            len_hint: None,
        })
    }

    /// Declares the input's total size (when the stream is a file of known length), for
    /// [`PacketSource::len_hint`].
    pub fn with_len_hint(mut self, len: u64) -> Self {
        self.len_hint = Some(len);
        self
    }

    /// The name given to [`StreamReader::new`].
    pub fn path(&self) -> &Path {
        &self.name
    }

    /// The container format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Decodes the record or block at the read position from what is buffered: where the next one
    /// starts and the packet, or why there is none (see `pcapng::Blocks::block`).
    fn step(&mut self) -> Result<(usize, Option<PacketAt>), Option<WarningKind>> {
        let win = &self.input.buf[..self.input.filled];
        let p = self.input.pos;
        match &mut self.layout {
            Layout::Pcap { header, .. } => match pcap::record_at(win, p, header.swapped) {
                Some([sec, frac, incl, orig]) => {
                    let start = p + RECORD_HEADER_LEN;
                    let end = start + incl as usize;
                    let pkt = PacketAt {
                        ts_ns: pcap::ts_ns(sec, frac, header.frac_ns),
                        linktype: header.linktype,
                        start,
                        end,
                        orig_len: orig,
                    };
                    Ok((end, Some(pkt)))
                }
                None => Err(pcap::why_no_record(win, p, header.swapped)),
            },
            Layout::Pcapng(blocks) => blocks.block(win, p, self.input.base),
        }
    }

    /// Ends the stream at the read position, recording `stop` there if it is damage.
    fn finish(&mut self, stop: Option<WarningKind>) {
        if let Some(kind) = stop {
            let w = Warning {
                offset: self.input.base + self.input.pos as u64,
                kind,
            };
            match &mut self.layout {
                Layout::Pcap { warnings, .. } => warnings.push(w),
                Layout::Pcapng(blocks) => blocks.warnings.push(w),
            }
        }
        // Like the file reader, count everything read as consumed.
        self.input.pos = self.input.filled;
        self.done = true;
    }
}

impl<R: Read> PacketSource for StreamReader<R> {
    fn next(&mut self) -> Next<'_> {
        if self.done {
            return Next::End;
        }
        loop {
            match self.step() {
                Ok((next, pkt)) => {
                    self.input.pos = next;
                    if let Some(p) = pkt {
                        return Next::Packet(RawPacket {
                            ts_ns: p.ts_ns,
                            linktype: p.linktype,
                            data: &self.input.buf[p.start..p.end],
                            orig_len: p.orig_len,
                        });
                    }
                }
                Err(stop) => {
                    // Before the end of the input, "the end" and "truncated" only mean that the
                    // record is not all buffered yet: read what it needs and decode it again.
                    let need = match &stop {
                        None => Some(1),
                        Some(WarningKind::Truncated { needed, .. }) => Some(*needed),
                        Some(_) => None,
                    };
                    match need {
                        Some(n) if !self.input.eof && n <= BUF_LEN as u64 => {
                            match self.input.fill(n as usize) {
                                Ok(()) => continue,
                                Err(e)
                                    if matches!(
                                        e.kind(),
                                        ErrorKind::WouldBlock | ErrorKind::TimedOut
                                    ) =>
                                {
                                    return Next::Idle
                                }
                                Err(e) => {
                                    self.error = Some(e);
                                    self.input.pos = self.input.filled;
                                    self.done = true;
                                    return Next::End;
                                }
                            }
                        }
                        _ => {
                            self.finish(stop);
                            return Next::End;
                        }
                    }
                }
            }
        }
    }

    fn warnings(&self) -> &[Warning] {
        match &self.layout {
            Layout::Pcap { warnings, .. } => warnings,
            Layout::Pcapng(blocks) => &blocks.warnings,
        }
    }

    fn linktypes(&self) -> Vec<u16> {
        match &self.layout {
            Layout::Pcap { header, .. } => vec![header.linktype],
            Layout::Pcapng(blocks) => blocks.linktypes(),
        }
    }

    fn position(&self) -> u64 {
        self.input.base + self.input.pos as u64
    }

    fn len_hint(&self) -> Option<u64> {
        self.len_hint
    }

    fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }
}
