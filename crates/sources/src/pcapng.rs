//! pcapng files: sections in either byte order, several interfaces with their own link types and
//! timestamp resolutions, Enhanced, Simple and (obsolete) Packet blocks.
//!
//! The block decoding lives in [`Blocks`], which works on whatever bytes its caller holds: the
//! memory-mapped [`PcapngReader`] hands it the whole file, the streaming reader (`stream.rs`) its
//! buffer, so both read the same packets and report the same damage at the same offsets.

use crate::guard::Watch;
use crate::pcap::MAX_RECORD;
use crate::{RawPacket, Warning, WarningKind};

#[derive(Clone, Copy)]
struct Iface {
    linktype: u16,
    snaplen: u32,
    /// Timestamp units per second.
    units: u64,
    /// Offset added to timestamps (if_tsoffset), seconds.
    offset_s: i64,
}

const SHB: u32 = 0x0a0d0d0a;
const IDB: u32 = 1;
const OPB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;

/// Size of the smallest block (type, length, trailing length), and so of a block header.
pub(crate) const BLOCK_HEADER_LEN: usize = 12;

/// Size of the first Section Header Block a pcapng file must start with.
pub(crate) const SECTION_HEADER_LEN: usize = 28;

/// Largest block accepted: a [`MAX_RECORD`] frame plus room for the block's fields and options.
pub(crate) const MAX_BLOCK: usize = MAX_RECORD as usize + 4096;

/// Checks the first Section Header Block at the start of `buf`; true when it is big-endian
/// (swapped).
pub(crate) fn section_header(buf: &[u8]) -> Result<bool, &'static str> {
    if buf.len() < SECTION_HEADER_LEN {
        return Err("pcapng section header shorter than 28 bytes");
    }
    match &buf[8..12] {
        [0x4d, 0x3c, 0x2b, 0x1a] => Ok(false),
        [0x1a, 0x2b, 0x3c, 0x4d] => Ok(true),
        _ => Err("bad pcapng byte-order magic"),
    }
}

/// A packet found in a block: where its bytes are in the buffer the block was read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PacketAt {
    pub ts_ns: i64,
    pub linktype: u16,
    pub start: usize,
    pub end: usize,
    pub orig_len: u32,
}

/// What pcapng decoding carries from block to block: the section's byte order, its interfaces,
/// the last timestamp (for Simple Packet Blocks), and the warnings met so far.
pub(crate) struct Blocks {
    swapped: bool,
    ifaces: Vec<Iface>,
    last_ts: i64,
    pub(crate) warnings: Vec<Warning>,
}

impl Blocks {
    pub(crate) fn new(swapped: bool) -> Self {
        Blocks {
            swapped,
            ifaces: Vec::new(),
            last_ts: 0,
            warnings: Vec::new(),
        }
    }

    #[inline(always)]
    fn u32_at(&self, buf: &[u8], off: usize) -> Option<u32> {
        let b = buf.get(off..off + 4)?;
        let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        Some(if self.swapped { v.swap_bytes() } else { v })
    }

    #[inline(always)]
    fn u16_at(&self, buf: &[u8], off: usize) -> Option<u16> {
        let b = buf.get(off..off + 2)?;
        let v = u16::from_le_bytes([b[0], b[1]]);
        Some(if self.swapped { v.swap_bytes() } else { v })
    }

    /// Decodes the block starting at `buf[p]`; `base` is the input offset of `buf[0]` (for the
    /// offsets of warnings). Returns where the next block starts and the packet this block
    /// holds, if any; or why reading stops at `p`: `None` at the clean end, else the damage
    /// (which the caller records at `base + p`).
    ///
    /// `buf` must hold everything up to the end of the input for the answer to be final: a
    /// `Truncated` answer on a partial buffer means "read `needed` bytes from `p` and ask again"
    /// (and `None` "read at least one more byte"). Asking again gives the same result as if the
    /// bytes had been there the first time: the only state changed before such an answer (a
    /// Section Header Block's byte order, its cleared interface list) is set to the same values.
    pub(crate) fn block(
        &mut self,
        buf: &[u8],
        p: usize,
        base: u64,
    ) -> Result<(usize, Option<PacketAt>), Option<WarningKind>> {
        let rest = buf.len().saturating_sub(p);
        if rest == 0 {
            return Err(None);
        }
        if rest < BLOCK_HEADER_LEN {
            return Err(Some(WarningKind::Truncated {
                needed: BLOCK_HEADER_LEN as u64,
                had: rest as u64,
            }));
        }
        let raw_type = u32::from_le_bytes([buf[p], buf[p + 1], buf[p + 2], buf[p + 3]]);
        if raw_type == SHB {
            // A new section may switch byte order.
            match &buf[p + 8..p + 12] {
                [0x4d, 0x3c, 0x2b, 0x1a] => self.swapped = false,
                [0x1a, 0x2b, 0x3c, 0x4d] => self.swapped = true,
                _ => {
                    // No byte order to read the length in: it is shown as the section before
                    // this one would read it.
                    return Err(Some(WarningKind::BadBlock {
                        block_type: SHB,
                        len: self.u32_at(buf, p + 4).unwrap_or(0) as u64,
                    }));
                }
            }
            self.ifaces.clear();
        }
        let btype = self.u32_at(buf, p).unwrap_or(0);
        let blen = self.u32_at(buf, p + 4).unwrap_or(0) as usize;
        if blen < BLOCK_HEADER_LEN || !blen.is_multiple_of(4) || blen > MAX_BLOCK {
            return Err(Some(WarningKind::BadBlock {
                block_type: btype,
                len: blen as u64,
            }));
        }
        if blen > rest {
            return Err(Some(WarningKind::Truncated {
                needed: blen as u64,
                had: rest as u64,
            }));
        }
        if self.u32_at(buf, p + blen - 4) != Some(blen as u32) {
            return Err(Some(WarningKind::BadBlock {
                block_type: btype,
                len: blen as u64,
            }));
        }
        let body = p + 8..p + blen - 4;
        let pkt = match btype {
            IDB => {
                self.read_idb(buf, body);
                None
            }
            EPB | OPB => self.read_epb(buf, btype, body, base),
            SPB => self.read_spb(buf, body, base),
            _ => None,
        };
        Ok((p + blen, pkt))
    }

    fn read_idb(&mut self, buf: &[u8], body: std::ops::Range<usize>) {
        let (s, e) = (body.start, body.end);
        if e - s < 8 {
            return;
        }
        let mut iface = Iface {
            linktype: self.u16_at(buf, s).unwrap_or(0),
            snaplen: self.u32_at(buf, s + 4).unwrap_or(0),
            units: 1_000_000,
            offset_s: 0,
        };
        let mut o = s + 8;
        while o + 4 <= e {
            let code = self.u16_at(buf, o).unwrap_or(0);
            let len = self.u16_at(buf, o + 2).unwrap_or(0) as usize;
            if code == 0 || o + 4 + len > e {
                break;
            }
            if code == 9 && len >= 1 {
                let v = buf[o + 4];
                let exp = (v & 0x7f) as u32;
                iface.units = if v & 0x80 == 0 {
                    10u64.checked_pow(exp).unwrap_or(1_000_000)
                } else {
                    1u64.checked_shl(exp).unwrap_or(1_000_000)
                };
                if iface.units == 0 {
                    iface.units = 1_000_000;
                }
            }
            if code == 14 && len == 8 {
                let lo = self.u32_at(buf, o + 4).unwrap_or(0) as u64;
                let hi = self.u32_at(buf, o + 8).unwrap_or(0) as u64;
                iface.offset_s = (if self.swapped {
                    lo << 32 | hi
                } else {
                    hi << 32 | lo
                }) as i64;
            }
            o += 4 + ((len + 3) & !3);
        }
        if self.ifaces.len() < 4096 {
            self.ifaces.push(iface);
        }
    }

    /// Records a warning that reading can go past (a damaged or dangling packet block, at `base
    /// + offset`): at most 64 are kept.
    fn warn_capped(&mut self, base: u64, offset: usize, kind: WarningKind) {
        if self.warnings.len() < 64 {
            self.warnings.push(Warning {
                offset: base + offset as u64,
                kind,
            });
        }
    }

    /// Distinct link types of the interfaces described so far (at most 16).
    pub(crate) fn linktypes(&self) -> Vec<u16> {
        let mut v: Vec<u16> = Vec::new();
        for i in &self.ifaces {
            if !v.contains(&i.linktype) && v.len() < 16 {
                v.push(i.linktype);
            }
        }
        v
    }

    fn ts_ns(&self, iface: &Iface, raw: u64) -> i64 {
        let secs = raw / iface.units;
        let frac = raw % iface.units;
        let ns = (frac as u128 * 1_000_000_000u128 / iface.units as u128) as i64;
        (secs as i64)
            .saturating_add(iface.offset_s)
            .saturating_mul(1_000_000_000)
            .saturating_add(ns)
    }

    fn read_epb(
        &mut self,
        buf: &[u8],
        btype: u32,
        body: std::ops::Range<usize>,
        base: u64,
    ) -> Option<PacketAt> {
        let (s, e) = (body.start, body.end);
        if e - s < 20 {
            // The block's length as its header gives it (its body and 12 bytes of framing).
            let len = (e - s + BLOCK_HEADER_LEN) as u64;
            self.warn_capped(
                base,
                s,
                WarningKind::BadBlock {
                    block_type: btype,
                    len,
                },
            );
            return None;
        }
        let ifid = if btype == OPB {
            self.u16_at(buf, s)? as u32
        } else {
            self.u32_at(buf, s)?
        };
        let hi = self.u32_at(buf, s + 4)? as u64;
        let lo = self.u32_at(buf, s + 8)? as u64;
        let caplen = self.u32_at(buf, s + 12)? as usize;
        let orig = self.u32_at(buf, s + 16)?;
        let Some(iface) = self.ifaces.get(ifid as usize).copied() else {
            self.warn_capped(base, s, WarningKind::UnknownInterface { interface: ifid });
            return None;
        };
        if s + 20 + caplen > e {
            let len = caplen as u64;
            self.warn_capped(base, s, WarningKind::BadRecordLength { len });
            return None;
        }
        let ts = self.ts_ns(&iface, hi << 32 | lo);
        self.last_ts = ts;
        Some(PacketAt {
            ts_ns: ts,
            linktype: iface.linktype,
            start: s + 20,
            end: s + 20 + caplen,
            orig_len: orig,
        })
    }

    fn read_spb(
        &mut self,
        buf: &[u8],
        body: std::ops::Range<usize>,
        base: u64,
    ) -> Option<PacketAt> {
        let (s, e) = (body.start, body.end);
        if e - s < 4 {
            // No room for the original length: a damaged block, skipped like a short EPB.
            let len = (e - s + BLOCK_HEADER_LEN) as u64;
            self.warn_capped(
                base,
                s,
                WarningKind::BadBlock {
                    block_type: SPB,
                    len,
                },
            );
            return None;
        }
        let orig = self.u32_at(buf, s)?;
        let iface = *self.ifaces.first()?;
        let mut cap = (orig as usize).min(e - s - 4);
        if iface.snaplen > 0 {
            cap = cap.min(iface.snaplen as usize);
        }
        Some(PacketAt {
            ts_ns: self.last_ts,
            linktype: iface.linktype,
            start: s + 4,
            end: s + 4 + cap,
            orig_len: orig,
        })
    }
}

/// Reader state for a pcapng file.
pub struct PcapngReader<'a> {
    buf: &'a [u8],
    pub(crate) pos: usize,
    pub(crate) blocks: Blocks,
    /// The mapping this reads, when the file could shrink underneath it.
    watch: Option<Watch<'a>>,
    /// The length `buf` had before the file was found to have shrunk.
    shrunk_from: Option<usize>,
}

impl<'a> PcapngReader<'a> {
    /// Checks the first Section Header Block.
    pub fn new(buf: &'a [u8]) -> Result<Self, &'static str> {
        let swapped = section_header(buf)?;
        Ok(PcapngReader {
            buf,
            pos: 0,
            blocks: Blocks::new(swapped),
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

    /// Size of the whole file.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Distinct link types of the interfaces described so far (at most 16).
    pub fn linktypes(&self) -> Vec<u16> {
        self.blocks.linktypes()
    }

    /// The next packet.
    pub fn next_packet(&mut self) -> Option<RawPacket<'a>> {
        loop {
            let buf = self.buf;
            let warned = self.blocks.warnings.len();
            let got = self.blocks.block(buf, self.pos, 0);
            // A read past the end of a file that shrank gave zeros. A block wholly before where
            // the file now ends was read from the file's own bytes and stands (re-reading it
            // would describe an interface twice); otherwise forget what the zeros caused and
            // read the block again, up to where the file now ends.
            if self.watch.as_ref().is_some_and(|w| w.shrank()) {
                let valid = self.shrink();
                if !matches!(got, Ok((next, _)) if next <= valid) {
                    self.blocks.warnings.truncate(warned);
                    continue;
                }
            }
            match got {
                Ok((next, pkt)) => {
                    self.pos = next;
                    if let Some(p) = pkt {
                        return Some(RawPacket {
                            ts_ns: p.ts_ns,
                            linktype: p.linktype,
                            data: &buf[p.start..p.end],
                            orig_len: p.orig_len,
                        });
                    }
                }
                Err(_) if self.end_moved() => {
                    // Past the new end of a file, within its last page, reads give zeros
                    // without a fault: the file got shorter, read the block again.
                    self.blocks.warnings.truncate(warned);
                    self.shrink();
                }
                Err(stop) => {
                    // Ending cleanly where a file that shrank now ends is damage too.
                    let p = self.pos;
                    let shrunk = self.shrunk_from.take().map(|was| WarningKind::Truncated {
                        needed: was.saturating_sub(p) as u64,
                        had: buf.len().saturating_sub(p) as u64,
                    });
                    if let Some(kind) = stop.or(shrunk) {
                        self.blocks.warnings.push(Warning {
                            offset: p as u64,
                            kind,
                        });
                    }
                    self.pos = buf.len();
                    return None;
                }
            }
        }
    }

    /// True when the file is now shorter than `buf` (checked once, at the end).
    #[cold]
    fn end_moved(&mut self) -> bool {
        let len = self.buf.len();
        self.shrunk_from.is_none() && self.watch.as_mut().is_some_and(|w| w.valid_len() < len)
    }

    /// The file shrank: `buf` is cut to what is left of it, whose length is returned.
    #[cold]
    fn shrink(&mut self) -> usize {
        let Some(w) = self.watch.as_mut() else {
            return self.buf.len();
        };
        let valid = w.valid_len().min(self.buf.len());
        self.shrunk_from.get_or_insert(self.buf.len());
        self.buf = &self.buf[..valid];
        valid
    }
}
