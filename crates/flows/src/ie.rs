//! The information elements a flow record is built from (IANA's IPFIX numbers, which NetFlow v9
//! shares for these), gathered from one data record.

use crate::{uint, v4, v6, Clock, Record};
use std::net::IpAddr;

/// The elements of one data record that iotgate reads.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    src: Option<IpAddr>,
    dst: Option<IpAddr>,
    sport: u16,
    dport: u16,
    proto: u8,
    packets: Option<u64>,
    bytes: Option<u64>,
    tcp_flags: u8,
    start_up: Option<u64>,
    end_up: Option<u64>,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
    init_ms: Option<u64>,
    sampling: Option<u64>,
    src_mac: Option<[u8; 6]>,
    dst_mac: Option<[u8; 6]>,
}

/// A MAC address element, unless it is all zero (unknown).
fn mac(v: &[u8]) -> Option<[u8; 6]> {
    let m: [u8; 6] = v.try_into().ok()?;
    (m != [0; 6]).then_some(m)
}

fn keep(slot: &mut Option<IpAddr>, a: Option<IpAddr>) {
    if let Some(a) = a {
        if slot.is_none_or(|old| old.is_unspecified()) {
            *slot = Some(a);
        }
    }
}

impl Fields {
    /// True for the elements [`Fields::set`] takes (the others it ignores).
    pub(crate) fn reads(id: u16) -> bool {
        matches!(
            id,
            1 | 85 | 2 | 86 | 4 | 6 | 7 | 11 | 8 | 12 | 27 | 28 | 22 | 21 | 150
                ..=153 | 160 | 34 | 50 | 305 | 56 | 81 | 80 | 57
        )
    }

    /// Takes element `id` with value `v`.
    pub(crate) fn set(&mut self, id: u16, v: &[u8]) {
        match id {
            1 | 85 => self.bytes = Some(self.bytes.unwrap_or(0).max(uint(v))),
            2 | 86 => self.packets = Some(self.packets.unwrap_or(0).max(uint(v))),
            4 => self.proto = uint(v) as u8,
            6 => self.tcp_flags = uint(v) as u8,
            7 => self.sport = uint(v) as u16,
            11 => self.dport = uint(v) as u16,
            // A template may carry both families, the unused one zero: an unspecified
            // address never replaces a real one.
            8 => keep(&mut self.src, v4(v)),
            12 => keep(&mut self.dst, v4(v)),
            27 => keep(&mut self.src, v6(v)),
            28 => keep(&mut self.dst, v6(v)),
            22 => self.start_up = Some(uint(v)),
            21 => self.end_up = Some(uint(v)),
            150 => self.start_ms = Some(uint(v).saturating_mul(1000)),
            151 => self.end_ms = Some(uint(v).saturating_mul(1000)),
            152 => self.start_ms = Some(uint(v)),
            153 => self.end_ms = Some(uint(v)),
            160 => self.init_ms = Some(uint(v)),
            34 | 50 | 305 => self.sampling = Some(uint(v)),
            // sourceMacAddress (and its post- form), destinationMacAddress (and post-):
            // all-zero means not known.
            56 | 81 => self.src_mac = mac(v).or(self.src_mac),
            80 | 57 => self.dst_mac = mac(v).or(self.dst_mac),
            _ => {}
        }
    }

    /// The sampling rate the record declares (one packet in N), if above 1.
    pub(crate) fn sampling(&self) -> Option<u32> {
        self.sampling
            .filter(|r| *r > 1)
            .map(|r| u32::try_from(r).unwrap_or(u32::MAX))
    }

    /// The exporter's start time the record declares (ms since 1970), if any.
    pub(crate) fn init_ms(&self) -> Option<u64> {
        self.init_ms
    }

    /// The flow record, when the data record names both ends. Times relative to the
    /// exporter's uptime are placed by the start time this record gives, else the uptime in
    /// the packet's header (v9), else the start time the exporter declared in an options
    /// record (`declared_init_ms`; IPFIX exporters such as softflowd send it that way).
    pub(crate) fn record(
        &self,
        exporter: IpAddr,
        domain: u32,
        c: Clock,
        declared_init_ms: Option<u64>,
    ) -> Option<Record> {
        let (src, dst) = (self.src?, self.dst?);
        let export_ms = i64::from(c.export_s) * 1000;
        let from_uptime = |t: u64| -> Option<i64> {
            let t = i64::try_from(t).ok()?;
            match (self.init_ms, c.uptime_ms, declared_init_ms) {
                (Some(init), _, _) => Some(i64::try_from(init).ok()?.checked_add(t)?),
                (None, Some(up), _) => export_ms.checked_sub(i64::from(up) - t),
                (None, None, Some(init)) => Some(i64::try_from(init).ok()?.checked_add(t)?),
                (None, None, None) => None,
            }
        };
        let ms = |abs: Option<u64>, up: Option<u64>| -> Option<i64> {
            match (abs, up) {
                (Some(a), _) => i64::try_from(a).ok(),
                (None, Some(u)) => from_uptime(u),
                (None, None) => None,
            }
        };
        Some(Record {
            exporter,
            domain,
            src,
            dst,
            sport: self.sport,
            dport: self.dport,
            proto: self.proto,
            packets: self.packets,
            bytes: self.bytes,
            start_ms: ms(self.start_ms, self.start_up),
            end_ms: ms(self.end_ms, self.end_up),
            tcp_flags: self.tcp_flags,
            sampling: None,
            src_mac: self.src_mac,
            dst_mac: self.dst_mac,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;

    #[test]
    fn reads_names_every_element_set_takes() {
        // Every element whose value changes what was gathered is one `reads` names, and no
        // other: the fixed-length plan skips the rest.
        for id in 0..=u16::MAX {
            for v in [&[7u8; 1][..], &[7; 2], &[7; 4], &[7; 6], &[7; 8], &[7; 16]] {
                let mut f = Fields::default();
                f.set(id, v);
                let changed = format!("{f:?}") != format!("{:?}", Fields::default());
                assert!(!changed || Fields::reads(id), "element {id} is read");
            }
            if Fields::reads(id) {
                let mut f = Fields::default();
                for v in [&[7u8; 1][..], &[7; 2], &[7; 4], &[7; 6], &[7; 8], &[7; 16]] {
                    f.set(id, v);
                }
                assert_ne!(format!("{f:?}"), format!("{:?}", Fields::default()), "{id}");
            }
        }
    }
}
