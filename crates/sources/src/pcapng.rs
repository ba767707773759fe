//! pcapng files: sections in either byte order, several interfaces with their own link types and
//! timestamp resolutions, Enhanced, Simple and (obsolete) Packet blocks.

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

/// Reader state for a pcapng file.
pub struct PcapngReader<'a> {
    buf: &'a [u8],
    pub(crate) pos: usize,
    swapped: bool,
    ifaces: Vec<Iface>,
    last_ts: i64,
    pub(crate) warnings: Vec<Warning>,
}

const SHB: u32 = 0x0a0d0d0a;
const IDB: u32 = 1;
const OPB: u32 = 2;
const SPB: u32 = 3;
const EPB: u32 = 6;

impl<'a> PcapngReader<'a> {
    /// Checks the first Section Header Block.
    pub fn new(buf: &'a [u8]) -> Result<Self, &'static str> {
        if buf.len() < 28 {
            return Err("pcapng section header shorter than 28 bytes");
        }
        let bom = &buf[8..12];
        let swapped = match bom {
            [0x4d, 0x3c, 0x2b, 0x1a] => false,
            [0x1a, 0x2b, 0x3c, 0x4d] => true,
            _ => return Err("bad pcapng byte-order magic"),
        };
        Ok(PcapngReader {
            buf,
            pos: 0,
            swapped,
            ifaces: Vec::new(),
            last_ts: 0,
            warnings: Vec::new(),
        })
    }

    #[inline(always)]
    fn u32_at(&self, off: usize) -> Option<u32> {
        let b = self.buf.get(off..off + 4)?;
        let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        Some(if self.swapped { v.swap_bytes() } else { v })
    }

    #[inline(always)]
    fn u16_at(&self, off: usize) -> Option<u16> {
        let b = self.buf.get(off..off + 2)?;
        let v = u16::from_le_bytes([b[0], b[1]]);
        Some(if self.swapped { v.swap_bytes() } else { v })
    }

    fn stop(&mut self, kind: WarningKind) -> Option<RawPacket<'a>> {
        self.warnings.push(Warning {
            offset: self.pos as u64,
            kind,
        });
        self.pos = self.buf.len();
        None
    }

    /// The next packet.
    pub fn next_packet(&mut self) -> Option<RawPacket<'a>> {
        loop {
            let rest = self.buf.len() - self.pos;
            if rest == 0 {
                return None;
            }
            if rest < 12 {
                return self.stop(WarningKind::Truncated {
                    needed: 12,
                    had: rest as u64,
                });
            }
            let p = self.pos;
            let raw_type = u32::from_le_bytes(self.buf[p..p + 4].try_into().unwrap_or([0; 4]));
            if raw_type == SHB {
                // A new section may switch byte order.
                match &self.buf[p + 8..p + 12] {
                    [0x4d, 0x3c, 0x2b, 0x1a] => self.swapped = false,
                    [0x1a, 0x2b, 0x3c, 0x4d] => self.swapped = true,
                    _ => {
                        return self.stop(WarningKind::BadBlock {
                            block_type: SHB,
                            len: 0,
                        })
                    }
                }
                self.ifaces.clear();
            }
            let btype = self.u32_at(p).unwrap_or(0);
            let blen = self.u32_at(p + 4).unwrap_or(0) as usize;
            if blen < 12 || !blen.is_multiple_of(4) || blen > MAX_RECORD as usize + 4096 {
                return self.stop(WarningKind::BadBlock {
                    block_type: btype,
                    len: blen as u64,
                });
            }
            if blen > rest {
                return self.stop(WarningKind::Truncated {
                    needed: blen as u64,
                    had: rest as u64,
                });
            }
            if self.u32_at(p + blen - 4) != Some(blen as u32) {
                return self.stop(WarningKind::BadBlock {
                    block_type: btype,
                    len: blen as u64,
                });
            }
            self.pos = p + blen;
            let body = p + 8..p + blen - 4;
            match btype {
                IDB => self.read_idb(body),
                EPB | OPB => {
                    if let Some(pkt) = self.read_epb(btype, body) {
                        return Some(pkt);
                    }
                }
                SPB => {
                    if let Some(pkt) = self.read_spb(body) {
                        return Some(pkt);
                    }
                }
                _ => {}
            }
        }
    }

    fn read_idb(&mut self, body: std::ops::Range<usize>) {
        let (s, e) = (body.start, body.end);
        if e - s < 8 {
            return;
        }
        let mut iface = Iface {
            linktype: self.u16_at(s).unwrap_or(0),
            snaplen: self.u32_at(s + 4).unwrap_or(0),
            units: 1_000_000,
            offset_s: 0,
        };
        let mut o = s + 8;
        while o + 4 <= e {
            let code = self.u16_at(o).unwrap_or(0);
            let len = self.u16_at(o + 2).unwrap_or(0) as usize;
            if code == 0 || o + 4 + len > e {
                break;
            }
            if code == 9 && len >= 1 {
                let v = self.buf[o + 4];
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
                let lo = self.u32_at(o + 4).unwrap_or(0) as u64;
                let hi = self.u32_at(o + 8).unwrap_or(0) as u64;
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

    /// Records a warning about a damaged block that reading can skip; at most 64 are kept.
    fn warn_capped(&mut self, w: Warning) {
        if self.warnings.len() < 64 {
            self.warnings.push(w);
        }
    }

    /// Distinct link types of the interfaces described so far (at most 16).
    pub fn linktypes(&self) -> Vec<u16> {
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

    fn read_epb(&mut self, btype: u32, body: std::ops::Range<usize>) -> Option<RawPacket<'a>> {
        let (s, e) = (body.start, body.end);
        if e - s < 20 {
            self.warn_capped(Warning {
                offset: s as u64,
                kind: WarningKind::BadBlock {
                    block_type: btype,
                    len: (e - s) as u64,
                },
            });
            return None;
        }
        let ifid = if btype == OPB {
            self.u16_at(s)? as u32
        } else {
            self.u32_at(s)?
        };
        let hi = self.u32_at(s + 4)? as u64;
        let lo = self.u32_at(s + 8)? as u64;
        let caplen = self.u32_at(s + 12)? as usize;
        let orig = self.u32_at(s + 16)?;
        let Some(iface) = self.ifaces.get(ifid as usize).copied() else {
            self.warn_capped(Warning {
                offset: s as u64,
                kind: WarningKind::UnknownInterface { interface: ifid },
            });
            return None;
        };
        if s + 20 + caplen > e {
            self.warn_capped(Warning {
                offset: s as u64,
                kind: WarningKind::BadRecordLength { len: caplen as u64 },
            });
            return None;
        }
        let ts = self.ts_ns(&iface, hi << 32 | lo);
        self.last_ts = ts;
        Some(RawPacket {
            ts_ns: ts,
            linktype: iface.linktype,
            data: &self.buf[s + 20..s + 20 + caplen],
            orig_len: orig,
        })
    }

    fn read_spb(&mut self, body: std::ops::Range<usize>) -> Option<RawPacket<'a>> {
        let (s, e) = (body.start, body.end);
        let orig = self.u32_at(s)?;
        let iface = *self.ifaces.first()?;
        let mut cap = (orig as usize).min(e - s - 4);
        if iface.snaplen > 0 {
            cap = cap.min(iface.snaplen as usize);
        }
        Some(RawPacket {
            ts_ns: self.last_ts,
            linktype: iface.linktype,
            data: &self.buf[s + 4..s + 4 + cap],
            orig_len: orig,
        })
    }
}
