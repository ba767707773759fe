//! A flow meter: packets in, unidirectional flow records out, as a router's exporter makes them
//! (RFC 7011's metering process) — one record per direction of a 5-tuple, ended when idle for
//! [`Meter::inactive_ms`] or open longer than [`Meter::active_ms`], the table bounded (the oldest
//! flow is ended early when full). For turning captures into flow exports (the simulator's ISP
//! networks, benchmarks, tests); not on any hot path of the collector.

use crate::Record;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

/// One packet as the meter needs it.
#[derive(Debug, Clone, Copy)]
pub struct Packet {
    /// Capture time, ns since 1970.
    pub ts_ns: i64,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port (0 without ports).
    pub sport: u16,
    /// Destination port; ICMP type << 8 | code, as exporters write it.
    pub dport: u16,
    /// IP protocol.
    pub proto: u8,
    /// IP length, bytes.
    pub len: u32,
    /// TCP flags (0 for other protocols).
    pub tcp_flags: u8,
}

impl Packet {
    /// The metered fields of an IP packet decoded by `iotgate_wire` (None for non-IP frames).
    pub fn from_decoded(ts_ns: i64, d: &iotgate_wire::Decoded<'_>) -> Option<Packet> {
        let iotgate_wire::L3::Ip(ip) = d.l3 else {
            return None;
        };
        let (sport, dport, tcp_flags) = match d.l4 {
            iotgate_wire::L4::Tcp(t) => (t.sport, t.dport, t.flags),
            iotgate_wire::L4::Udp(u) => (u.sport, u.dport, 0),
            iotgate_wire::L4::Icmp(i) => (0, u16::from(i.kind) << 8 | u16::from(i.code), 0),
            iotgate_wire::L4::None => (0, 0, 0),
        };
        Some(Packet {
            ts_ns,
            src: ip.src,
            dst: ip.dst,
            sport,
            dport,
            proto: ip.proto,
            len: ip.total_len,
            tcp_flags,
        })
    }
}

type Key = (IpAddr, IpAddr, u16, u16, u8);

#[derive(Debug, Clone, Copy)]
struct Acc {
    first_ms: i64,
    last_ms: i64,
    packets: u64,
    bytes: u64,
    flags: u8,
}

/// The flow cache.
#[derive(Debug, Clone)]
pub struct Meter {
    /// A flow idle this long ends (ms).
    pub inactive_ms: i64,
    /// A flow open this long is exported and starts again (ms).
    pub active_ms: i64,
    /// Most flows held at once.
    pub max_flows: usize,
    table: HashMap<Key, Acc>,
    /// Capture time of the last sweep, ms.
    swept_ms: i64,
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new(15_000, 60_000, 1 << 20)
    }
}

impl Meter {
    /// A meter with these timeouts (ms) and bound.
    pub fn new(inactive_ms: i64, active_ms: i64, max_flows: usize) -> Self {
        Meter {
            inactive_ms,
            active_ms,
            max_flows: max_flows.max(1),
            table: HashMap::new(),
            swept_ms: i64::MIN,
        }
    }

    /// Meters one packet; records of flows it ended go to `out` (their exporter unspecified,
    /// domain 0: the caller's exporter fills them in).
    pub fn add(&mut self, p: &Packet, out: &mut Vec<Record>) {
        let now = p.ts_ns.div_euclid(1_000_000);
        if now >= self.swept_ms.saturating_add(1000) {
            self.expire(now, out);
            self.swept_ms = now;
        }
        let key = (p.src, p.dst, p.sport, p.dport, p.proto);
        if !self.table.contains_key(&key) && self.table.len() >= self.max_flows {
            // Full: the flow idle longest ends now.
            if let Some((&k, _)) = self.table.iter().min_by_key(|(_, a)| a.last_ms) {
                if let Some(a) = self.table.remove(&k) {
                    out.push(record(&k, &a));
                }
            }
        }
        let a = self.table.entry(key).or_insert(Acc {
            first_ms: now,
            last_ms: now,
            packets: 0,
            bytes: 0,
            flags: 0,
        });
        a.last_ms = a.last_ms.max(now);
        a.packets += 1;
        a.bytes += u64::from(p.len);
        a.flags |= p.tcp_flags;
    }

    /// Ends the flows idle or open too long at `now_ms`, oldest first.
    pub fn expire(&mut self, now_ms: i64, out: &mut Vec<Record>) {
        let (ina, act) = (self.inactive_ms, self.active_ms);
        let mut done: Vec<(Key, Acc)> = Vec::new();
        self.table.retain(|k, a| {
            let end = now_ms - a.last_ms >= ina || now_ms - a.first_ms >= act;
            if end {
                done.push((*k, *a));
            }
            !end
        });
        done.sort_by_key(|(k, a)| (a.last_ms, a.first_ms, *k));
        out.extend(done.iter().map(|(k, a)| record(k, a)));
    }

    /// Ends every flow (the capture ended), oldest first.
    pub fn flush(&mut self, out: &mut Vec<Record>) {
        self.expire(i64::MAX / 2, out);
    }

    /// Flows held.
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when no flow is held.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }
}

fn record(k: &Key, a: &Acc) -> Record {
    Record {
        exporter: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        domain: 0,
        src: k.0,
        dst: k.1,
        sport: k.2,
        dport: k.3,
        proto: k.4,
        packets: Some(a.packets),
        bytes: Some(a.bytes),
        start_ms: Some(a.first_ms),
        end_ms: Some(a.last_ms),
        tcp_flags: a.flags,
        sampling: None,
        src_mac: None,
        dst_mac: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkt(ts_ms: i64, sport: u16, flags: u8) -> Packet {
        Packet {
            ts_ns: ts_ms * 1_000_000,
            src: "10.0.0.1".parse().unwrap(),
            dst: "192.0.2.1".parse().unwrap(),
            sport,
            dport: 23,
            proto: 6,
            len: 40,
            tcp_flags: flags,
        }
    }

    #[test]
    fn flows_end_when_idle_open_too_long_or_crowded_out() {
        let mut m = Meter::new(15_000, 60_000, 2);
        let mut out = Vec::new();
        m.add(&pkt(0, 1000, 0x02), &mut out);
        m.add(&pkt(10, 1000, 0x10), &mut out);
        m.add(&pkt(20, 1001, 0x02), &mut out);
        assert!(out.is_empty());
        // A third flow crowds out the idlest.
        m.add(&pkt(30, 1002, 0x02), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].sport, out[0].packets, out[0].bytes, out[0].tcp_flags),
            (1000, Some(2), Some(80), 0x12)
        );
        // Idle for 15 s: both end at the next sweep, oldest first.
        out.clear();
        m.add(&pkt(16_000, 1003, 0x02), &mut out);
        assert_eq!(
            out.iter().map(|r| r.sport).collect::<Vec<_>>(),
            [1001, 1002]
        );
        // A flow that keeps going is cut every minute.
        out.clear();
        for s in 0..70 {
            m.add(&pkt(16_000 + s * 1000, 1003, 0x10), &mut out);
        }
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].start_ms, out[0].end_ms),
            (Some(16_000), Some(75_000))
        );
        m.flush(&mut out);
        assert!(m.is_empty() && out.len() == 2);
    }
}
