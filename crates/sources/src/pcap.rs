//! Classic libpcap files: both byte orders, microsecond and nanosecond timestamps.

use crate::{prefetch, RawPacket, Warning, WarningKind};

/// Records larger than this are treated as damage, whatever the snap length says.
pub const MAX_RECORD: u32 = 256 * 1024;

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
}

/// How many records ahead of the reader the prefetch cursor runs.
const PREFETCH_RECORDS: u32 = 6;

impl<'a> PcapReader<'a> {
    /// Reads the 24-byte file header.
    pub fn new(buf: &'a [u8]) -> Result<Self, &'static str> {
        if buf.len() < 24 {
            return Err("pcap file header shorter than 24 bytes");
        }
        let magic = u32::from_le_bytes([buf[0], buf[1], buf[2], buf[3]]);
        let (swapped, nanos) = match magic {
            0xa1b2c3d4 => (false, false),
            0xd4c3b2a1 => (true, false),
            0xa1b23c4d => (false, true),
            0x4d3cb2a1 => (true, true),
            _ => return Err("bad pcap magic"),
        };
        let mut r = PcapReader {
            buf,
            pos: 24,
            swapped,
            frac_ns: if nanos { 1 } else { 1000 },
            linktype: 0,
            warnings: Vec::new(),
            pf: 24,
            pf_ahead: 0,
        };
        let lt = r.u32_at(20);
        r.linktype = (lt & 0xffff) as u16;
        Ok(r)
    }

    /// The file's link type.
    pub fn linktype(&self) -> u16 {
        self.linktype
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
        let buf = self.buf;
        let p = self.pos;
        let Some(h) = buf.get(p..p + 16) else {
            return self.short_header();
        };
        let mut w = [0u32; 4];
        for (i, v) in w.iter_mut().enumerate() {
            *v = u32::from_le_bytes([h[4 * i], h[4 * i + 1], h[4 * i + 2], h[4 * i + 3]]);
        }
        if self.swapped {
            w = w.map(u32::swap_bytes);
        }
        let [sec, frac, incl, orig] = w;
        let start = p + 16;
        let end = start + incl as usize;
        if incl > MAX_RECORD || end > buf.len() {
            return self.bad_record(incl);
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
        let ts_ns = sec as i64 * 1_000_000_000 + frac as i64 * self.frac_ns;
        Some(RawPacket {
            ts_ns,
            linktype: self.linktype,
            data: &buf[start..end],
            orig_len: orig,
        })
    }

    /// The end of the file, or a record header cut short by it.
    #[cold]
    fn short_header(&mut self) -> Option<RawPacket<'a>> {
        let rest = self.buf.len() - self.pos;
        if rest > 0 {
            self.warn(WarningKind::Truncated {
                needed: 16,
                had: rest as u64,
            });
        }
        None
    }

    /// A record longer than the bound, or than what is left of the file.
    #[cold]
    fn bad_record(&mut self, incl: u32) -> Option<RawPacket<'a>> {
        if incl > MAX_RECORD {
            self.warn(WarningKind::BadRecordLength { len: incl as u64 });
        } else {
            let rest = self.buf.len() - self.pos;
            self.warn(WarningKind::Truncated {
                needed: incl as u64 + 16,
                had: rest as u64,
            });
        }
        None
    }

    fn warn(&mut self, kind: WarningKind) {
        self.warnings.push(Warning {
            offset: self.pos as u64,
            kind,
        });
        self.pos = self.buf.len();
    }
}
