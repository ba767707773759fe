//! Writing flow exports: records encoded as NetFlow v9 (RFC 3954) or IPFIX (RFC 7011) export
//! packets, as a router's exporter sends them — templates first and again every
//! [`TEMPLATE_EVERY`] packets (UDP loses packets, and a collector that starts late must learn
//! them), then data sets of at most [`MAX_PACKET`] bytes. For the simulator's ISP networks,
//! benchmarks and tests; the decoder reads back exactly what was written.

use crate::Record;
use std::net::IpAddr;

/// Largest export packet written (fits an Ethernet MTU with IP and UDP headers).
pub const MAX_PACKET: usize = 1400;
/// Templates are sent again every this many packets.
pub const TEMPLATE_EVERY: u32 = 20;

/// Which export protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// NetFlow version 9.
    V9,
    /// IPFIX (version 10).
    Ipfix,
}

/// Template ids: one for IPv4 records, one for IPv6.
const TPL_V4: u16 = 256;
const TPL_V6: u16 = 257;

/// Field (IE id, length) lists of the two templates for a format.
fn fields(format: Format, v6: bool) -> &'static [(u16, u16)] {
    match (format, v6) {
        // sourceIPv4Address, destinationIPv4Address, ports, protocol, tcpControlBits,
        // packetDeltaCount, octetDeltaCount, flowStartMilliseconds, flowEndMilliseconds.
        (Format::Ipfix, false) => &[
            (8, 4),
            (12, 4),
            (7, 2),
            (11, 2),
            (4, 1),
            (6, 1),
            (2, 8),
            (1, 8),
            (152, 8),
            (153, 8),
        ],
        (Format::Ipfix, true) => &[
            (27, 16),
            (28, 16),
            (7, 2),
            (11, 2),
            (4, 1),
            (6, 1),
            (2, 8),
            (1, 8),
            (152, 8),
            (153, 8),
        ],
        // v9: IN_PKTS and IN_BYTES in 4 bytes, FIRST_SWITCHED and LAST_SWITCHED as uptime.
        (Format::V9, false) => &[
            (8, 4),
            (12, 4),
            (7, 2),
            (11, 2),
            (4, 1),
            (6, 1),
            (2, 4),
            (1, 4),
            (22, 4),
            (21, 4),
        ],
        (Format::V9, true) => &[
            (27, 16),
            (28, 16),
            (7, 2),
            (11, 2),
            (4, 1),
            (6, 1),
            (2, 4),
            (1, 4),
            (22, 4),
            (21, 4),
        ],
    }
}

fn record_len(format: Format, v6: bool) -> usize {
    fields(format, v6).iter().map(|f| usize::from(f.1)).sum()
}

/// One exporter: its format, observation domain (v9 source id), sequence numbers and clock.
#[derive(Debug, Clone)]
pub struct Exporter {
    format: Format,
    domain: u32,
    /// IPFIX: data records sent; v9: packets sent.
    seq: u32,
    packets: u32,
    /// The exporter's boot, ms since 1970 (v9 times are milliseconds since then).
    boot_ms: Option<i64>,
}

impl Exporter {
    /// A new exporter.
    pub fn new(format: Format, domain: u32) -> Self {
        Exporter {
            format,
            domain,
            seq: 0,
            packets: 0,
            boot_ms: None,
        }
    }

    /// Encodes `recs` into export packets sent at `export_ms` (ms since 1970; written in whole
    /// seconds, rounded up, as the headers carry seconds), each pushed onto `out`. Records need
    /// a start and an end; those without are written with the export time. Counts above what a
    /// v9 field holds (2^32 - 1) are capped.
    pub fn encode(&mut self, recs: &[Record], export_ms: i64, out: &mut Vec<Vec<u8>>) {
        let secs = export_ms.div_euclid(1000) + i64::from(export_ms.rem_euclid(1000) != 0);
        let now_ms = secs * 1000;
        // v9 uptimes count from a boot an hour before the first export, so every flow of the
        // last hour has a positive uptime.
        let boot = *self.boot_ms.get_or_insert(now_ms - 3_600_000);
        let mut i = 0;
        loop {
            let mut p = self.header(secs, boot, now_ms);
            let mut count = 0u16;
            if self.packets.is_multiple_of(TEMPLATE_EVERY) {
                count += self.templates(&mut p);
            }
            // Data sets: runs of records of one family.
            while i < recs.len() {
                let v6 = recs[i].src.is_ipv6() || recs[i].dst.is_ipv6();
                let len = record_len(self.format, v6);
                if p.len() + 4 + len > MAX_PACKET {
                    break;
                }
                let set_at = p.len();
                p.extend_from_slice(&(if v6 { TPL_V6 } else { TPL_V4 }).to_be_bytes());
                p.extend_from_slice(&[0, 0]);
                while i < recs.len() && p.len() + len <= MAX_PACKET {
                    let r = &recs[i];
                    if (r.src.is_ipv6() || r.dst.is_ipv6()) != v6 {
                        break;
                    }
                    self.write_record(&mut p, r, v6, boot, now_ms);
                    count += 1;
                    if self.format == Format::Ipfix {
                        self.seq = self.seq.wrapping_add(1);
                    }
                    i += 1;
                }
                pad_set(&mut p, set_at);
            }
            self.finish(&mut p, count);
            out.push(p);
            if i >= recs.len() {
                break;
            }
        }
    }

    fn header(&self, secs: i64, boot: i64, now_ms: i64) -> Vec<u8> {
        let mut p = Vec::with_capacity(MAX_PACKET);
        match self.format {
            Format::V9 => {
                p.extend_from_slice(&9u16.to_be_bytes());
                p.extend_from_slice(&[0, 0]); // count, filled in by `finish`
                p.extend_from_slice(&((now_ms - boot) as u32).to_be_bytes());
                p.extend_from_slice(&(secs as u32).to_be_bytes());
                p.extend_from_slice(&self.packets.to_be_bytes());
                p.extend_from_slice(&self.domain.to_be_bytes());
            }
            Format::Ipfix => {
                p.extend_from_slice(&10u16.to_be_bytes());
                p.extend_from_slice(&[0, 0]); // length, filled in by `finish`
                p.extend_from_slice(&(secs as u32).to_be_bytes());
                p.extend_from_slice(&self.seq.to_be_bytes());
                p.extend_from_slice(&self.domain.to_be_bytes());
            }
        }
        p
    }

    /// Writes the template set (both templates); returns the records it counts as (v9 counts
    /// templates in its header).
    fn templates(&self, p: &mut Vec<u8>) -> u16 {
        let set_at = p.len();
        let set_id: u16 = if self.format == Format::V9 { 0 } else { 2 };
        p.extend_from_slice(&set_id.to_be_bytes());
        p.extend_from_slice(&[0, 0]);
        for (id, v6) in [(TPL_V4, false), (TPL_V6, true)] {
            let f = fields(self.format, v6);
            p.extend_from_slice(&id.to_be_bytes());
            p.extend_from_slice(&(f.len() as u16).to_be_bytes());
            for (ie, len) in f {
                p.extend_from_slice(&ie.to_be_bytes());
                p.extend_from_slice(&len.to_be_bytes());
            }
        }
        pad_set(p, set_at);
        2
    }

    fn write_record(&self, p: &mut Vec<u8>, r: &Record, v6: bool, boot: i64, now_ms: i64) {
        let addr = |p: &mut Vec<u8>, a: IpAddr| match (a, v6) {
            (IpAddr::V4(a), false) => p.extend_from_slice(&a.octets()),
            (IpAddr::V4(a), true) => p.extend_from_slice(&a.to_ipv6_mapped().octets()),
            (IpAddr::V6(a), _) => p.extend_from_slice(&a.octets()),
        };
        addr(p, r.src);
        addr(p, r.dst);
        p.extend_from_slice(&r.sport.to_be_bytes());
        p.extend_from_slice(&r.dport.to_be_bytes());
        p.push(r.proto);
        p.push(r.tcp_flags);
        let (start, end) = (r.start_ms.unwrap_or(now_ms), r.end_ms.unwrap_or(now_ms));
        let (pk, by) = (r.packets.unwrap_or(0), r.bytes.unwrap_or(0));
        match self.format {
            Format::Ipfix => {
                p.extend_from_slice(&pk.to_be_bytes());
                p.extend_from_slice(&by.to_be_bytes());
                p.extend_from_slice(&start.to_be_bytes());
                p.extend_from_slice(&end.to_be_bytes());
            }
            Format::V9 => {
                let cap = |v: u64| v.min(u64::from(u32::MAX)) as u32;
                let up = |t: i64| (t - boot).clamp(0, i64::from(u32::MAX)) as u32;
                p.extend_from_slice(&cap(pk).to_be_bytes());
                p.extend_from_slice(&cap(by).to_be_bytes());
                p.extend_from_slice(&up(start).to_be_bytes());
                p.extend_from_slice(&up(end).to_be_bytes());
            }
        }
    }

    fn finish(&mut self, p: &mut [u8], count: u16) {
        match self.format {
            Format::V9 => p[2..4].copy_from_slice(&count.to_be_bytes()),
            Format::Ipfix => {
                let len = p.len() as u16;
                p[2..4].copy_from_slice(&len.to_be_bytes());
            }
        }
        self.packets = self.packets.wrapping_add(1);
    }
}

/// Pads the set begun at `at` to 4 bytes and writes its length.
fn pad_set(p: &mut Vec<u8>, at: usize) {
    // Both RFCs allow padding: a collector skips what is shorter than a record.
    while !(p.len() - at).is_multiple_of(4) {
        p.push(0);
    }
    let len = (p.len() - at) as u16;
    p[at + 2..at + 4].copy_from_slice(&len.to_be_bytes());
}
