//! Classic libpcap files: both byte orders, microsecond and nanosecond timestamps.
//!
//! The decoding of the file header and of each record is shared by the memory-mapped
//! [`PcapReader`] and the streaming reader (`stream.rs`): both decode with [`file_header`],
//! [`record_header`], [`record_fits`], [`ts_ns`] and [`why_no_record`] on the bytes they hold.

use crate::guard::Watch;
use crate::{prefetch, RawPacket, Warning, WarningKind};

/// Records larger than this are treated as damage, whatever the snap length says.
pub const MAX_RECORD: u32 = 256 * 1024;

/// Size of the file header.
pub(crate) const FILE_HEADER_LEN: usize = 24;

/// Size of a record header.
pub(crate) const RECORD_HEADER_LEN: usize = 16;

/// What the file header says about the records that follow.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileHeader {
    /// Records are in the other byte order than little-endian.
    pub swapped: bool,
    /// Nanoseconds per unit of the timestamp's fraction (1 or 1,000).
    pub frac_ns: i64,
    /// The file's link type.
    pub linktype: u16,
}

/// Decodes the 24-byte file header at the start of `buf`.
pub(crate) fn file_header(buf: &[u8]) -> Result<FileHeader, &'static str> {
    let Some(h) = buf.get(..FILE_HEADER_LEN) else {
        return Err("pcap file header shorter than 24 bytes");
    };
    let (swapped, nanos) = match u32::from_le_bytes([h[0], h[1], h[2], h[3]]) {
        0xa1b2c3d4 => (false, false),
        0xd4c3b2a1 => (true, false),
        0xa1b23c4d => (false, true),
        0x4d3cb2a1 => (true, true),
        _ => return Err("bad pcap magic"),
    };
    let lt = u32::from_le_bytes([h[20], h[21], h[22], h[23]]);
    let lt = if swapped { lt.swap_bytes() } else { lt };
    Ok(FileHeader {
        swapped,
        frac_ns: if nanos { 1 } else { 1000 },
        linktype: (lt & 0xffff) as u16,
    })
}

/// The words of a record header — seconds, fraction, captured length, original length — in the
/// file's byte order.
#[inline(always)]
pub(crate) fn record_header(h: &[u8], swapped: bool) -> [u32; 4] {
    let mut w = [0u32; 4];
    for (i, v) in w.iter_mut().enumerate() {
        *v = u32::from_le_bytes([h[4 * i], h[4 * i + 1], h[4 * i + 2], h[4 * i + 3]]);
    }
    if swapped {
        w = w.map(u32::swap_bytes);
    }
    w
}

/// Whether a record of `incl` captured bytes (of a frame of `orig` bytes) ending at `end` is whole
/// in a buffer of `len` bytes, not larger than [`MAX_RECORD`], and describes a frame: a record
/// of no bytes captured from a frame of no bytes is what zeros look like (a file padded or
/// overwritten with zeros after its header), so it is damage, not an empty packet.
#[inline(always)]
pub(crate) fn record_fits(incl: u32, orig: u32, end: usize, len: usize) -> bool {
    incl <= MAX_RECORD && end <= len && (incl | orig) != 0
}

/// The header of the record starting at `buf[p]` when the whole record lies in `buf` and is not
/// larger than [`MAX_RECORD`]; `None` otherwise ([`why_no_record`] says why). Its frame is
/// `buf[p + 16..p + 16 + captured]`.
#[inline(always)]
pub(crate) fn record_at(buf: &[u8], p: usize, swapped: bool) -> Option<[u32; 4]> {
    let w = record_header(buf.get(p..p + RECORD_HEADER_LEN)?, swapped);
    record_fits(w[2], w[3], p + RECORD_HEADER_LEN + w[2] as usize, buf.len()).then_some(w)
}

/// Why [`record_at`] found no record at `buf[p]`, `buf` holding everything up to the end of the
/// input: `None` at the clean end (no bytes left), else the damage. A `Truncated` answer on a
/// buffer that is not yet the whole input means "read `needed` bytes from `p` and ask again".
#[cold]
pub(crate) fn why_no_record(buf: &[u8], p: usize, swapped: bool) -> Option<WarningKind> {
    let rest = buf.len().saturating_sub(p);
    let Some(h) = buf.get(p..p + RECORD_HEADER_LEN) else {
        return (rest > 0).then_some(WarningKind::Truncated {
            needed: RECORD_HEADER_LEN as u64,
            had: rest as u64,
        });
    };
    let [_, _, incl, orig] = record_header(h, swapped);
    Some(if incl > MAX_RECORD || (incl | orig) == 0 {
        WarningKind::BadRecordLength { len: incl as u64 }
    } else {
        WarningKind::Truncated {
            needed: incl as u64 + RECORD_HEADER_LEN as u64,
            had: rest as u64,
        }
    })
}

/// A record's timestamp in nanoseconds since the epoch (cannot overflow: both parts are 32-bit).
#[inline(always)]
pub(crate) fn ts_ns(sec: u32, frac: u32, frac_ns: i64) -> i64 {
    sec as i64 * 1_000_000_000 + frac as i64 * frac_ns
}

/// Reader state for a classic pcap file.
pub struct PcapReader<'a> {
    buf: &'a [u8],
    pub(crate) pos: usize,
    swapped: bool,
    /// Nanoseconds per unit of the timestamp's fraction (1 or 1,000).
    frac_ns: i64,
    linktype: u16,
    pub(crate) warnings: Vec<Warning>,
    /// Prefetch cursor: the offset of a record a few records ahead of `pos`.
    pf: usize,
    /// Records between `pos` and `pf`.
    pf_ahead: u32,
    /// The mapping this reads, when the file could shrink underneath it.
    watch: Option<Watch<'a>>,
    /// The length `buf` had before the file was found to have shrunk.
    shrunk_from: Option<usize>,
}

/// How many records ahead of the reader the prefetch cursor runs.
const PREFETCH_RECORDS: u32 = 6;

impl<'a> PcapReader<'a> {
    /// Reads the 24-byte file header.
    pub fn new(buf: &'a [u8]) -> Result<Self, &'static str> {
        let h = file_header(buf)?;
        Ok(PcapReader {
            buf,
            pos: FILE_HEADER_LEN,
            swapped: h.swapped,
            frac_ns: h.frac_ns,
            linktype: h.linktype,
            warnings: Vec::new(),
            pf: FILE_HEADER_LEN,
            pf_ahead: 0,
            watch: None,
            shrunk_from: None,
        })
    }

    /// Watches the mapping `buf` belongs to: if the file shrinks while it is read, reading
    /// stops where the file now ends, with a warning.
    pub(crate) fn watched(mut self, w: Watch<'a>) -> Self {
        self.watch = Some(w);
        self
    }

    /// The file's link type.
    pub fn linktype(&self) -> u16 {
        self.linktype
    }

    /// Size of the whole file.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    #[inline(always)]
    fn u32_at(&self, off: usize) -> u32 {
        let b = &self.buf[off..off + 4];
        let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        if self.swapped {
            v.swap_bytes()
        } else {
            v
        }
    }

    /// The next packet.
    #[inline]
    pub fn next_packet(&mut self) -> Option<RawPacket<'a>> {
        loop {
            let p = self.pos;
            let got = self.record();
            // A read past the end of a file that shrank gave zeros: read again from `p` up to
            // where the file now ends.
            if self.watch.as_ref().is_some_and(|w| w.shrank()) {
                self.shrink(p);
                continue;
            }
            return match got {
                Some(pkt) => Some(pkt),
                // Past the new end of a file, within its last page, reads give zeros without a
                // fault: before calling the end damage, see whether the file got shorter.
                None if self.end_moved() => {
                    self.shrink(p);
                    continue;
                }
                None => self.stop(),
            };
        }
    }

    /// True when the file is now shorter than `buf` (checked once, at the end).
    #[cold]
    fn end_moved(&mut self) -> bool {
        let len = self.buf.len();
        self.shrunk_from.is_none() && self.watch.as_mut().is_some_and(|w| w.valid_len() < len)
    }

    /// The file shrank: `buf` is cut to what is left of it and reading resumes at `p`.
    #[cold]
    fn shrink(&mut self, p: usize) {
        let Some(w) = self.watch.as_mut() else { return };
        let valid = w.valid_len().min(self.buf.len());
        self.shrunk_from.get_or_insert(self.buf.len());
        self.buf = &self.buf[..valid];
        self.pos = p;
        self.pf = p;
        self.pf_ahead = 0;
    }

    /// The record at `pos` when it is whole (and `pos` moved past it), else `None`.
    #[inline(always)]
    fn record(&mut self) -> Option<RawPacket<'a>> {
        let buf = self.buf;
        let p = self.pos;
        let h = buf.get(p..p + RECORD_HEADER_LEN)?;
        let [sec, frac, incl, orig] = record_header(h, self.swapped);
        let start = p + RECORD_HEADER_LEN;
        let end = start + incl as usize;
        if !record_fits(incl, orig, end, buf.len()) {
            return None;
        }
        self.pos = end;
        // Keep fetching record headers and frame starts a few records ahead while packets are
        // analysed: on a large capture every record is a fresh cache line from DRAM. Each step
        // reads a header prefetched one call earlier, so the cursor itself rarely stalls.
        // Two steps while catching up (at the start, after damage), one in the steady state.
        self.pf_ahead = self.pf_ahead.saturating_sub(1);
        if self.pf < end {
            self.pf = end;
            self.pf_ahead = 0;
        }
        let steps = if self.pf_ahead + 1 < PREFETCH_RECORDS {
            2
        } else {
            1
        };
        for _ in 0..steps {
            if self.pf + 16 > buf.len() {
                break;
            }
            let l = self.u32_at(self.pf + 8);
            if l > MAX_RECORD {
                break;
            }
            self.pf += 16 + l as usize;
            self.pf_ahead += 1;
            prefetch(buf, self.pf);
            prefetch(buf, self.pf + 64);
        }
        Some(RawPacket {
            ts_ns: ts_ns(sec, frac, self.frac_ns),
            linktype: self.linktype,
            data: &buf[start..end],
            orig_len: orig,
        })
    }

    /// The end of the file, or damage (a warning); reading stops either way. When the file
    /// shrank while it was read, ending cleanly where it now ends is damage too: the bytes it had
    /// when it was opened are missing.
    #[cold]
    fn stop(&mut self) -> Option<RawPacket<'a>> {
        let p = self.pos;
        let shrunk = self.shrunk_from.take().map(|was| WarningKind::Truncated {
            needed: was.saturating_sub(p) as u64,
            had: self.buf.len().saturating_sub(p) as u64,
        });
        if let Some(kind) = why_no_record(self.buf, p, self.swapped).or(shrunk) {
            self.warnings.push(Warning {
                offset: self.pos as u64,
                kind,
            });
        }
        self.pos = self.buf.len();
        None
    }
}
