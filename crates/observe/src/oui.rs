//! IEEE MAC-prefix vendor lookup from a compact table generated from the public-domain IEEE
//! registries (MA-L, MA-M, MA-S, IAB). Regenerate with `cargo run -p xtask -- oui`.

use iotgate_wire::Mac;
use std::sync::OnceLock;

static RAW: &[u8] = include_bytes!("../data/oui.bin");

struct Table {
    names: Vec<&'static str>,
    /// (prefix bits, sorted (prefix, name index)).
    tables: Vec<(u8, Vec<(u64, u16)>)>,
}

fn load() -> Table {
    let mut t = Table {
        names: Vec::new(),
        tables: Vec::new(),
    };
    let b = RAW;
    if b.len() < 12 || &b[..8] != b"IOTGOUI1" {
        return t;
    }
    let mut p = 8;
    let n = u32::from_le_bytes([b[p], b[p + 1], b[p + 2], b[p + 3]]) as usize;
    p += 4;
    for _ in 0..n {
        let Some(&len) = b.get(p) else { return t };
        let Some(s) = b.get(p + 1..p + 1 + len as usize) else {
            return t;
        };
        t.names.push(std::str::from_utf8(s).unwrap_or("?"));
        p += 1 + len as usize;
    }
    let Some(&ntables) = b.get(p) else { return t };
    p += 1;
    for _ in 0..ntables {
        let Some(h) = b.get(p..p + 5) else { return t };
        let bits = h[0];
        let count = u32::from_le_bytes([h[1], h[2], h[3], h[4]]) as usize;
        p += 5;
        let mut v = Vec::with_capacity(count);
        for _ in 0..count {
            let Some(e) = b.get(p..p + 7) else { return t };
            let prefix = u64::from_le_bytes([e[0], e[1], e[2], e[3], e[4], 0, 0, 0]);
            v.push((prefix, u16::from_le_bytes([e[5], e[6]])));
            p += 7;
        }
        t.tables.push((bits, v));
    }
    // Most specific first.
    t.tables.sort_by_key(|t| std::cmp::Reverse(t.0));
    t
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(load)
}

/// The registered organisation for a MAC address, if its prefix is assigned. Locally
/// administered (randomised) addresses have no vendor.
pub fn vendor(mac: &Mac) -> Option<&'static str> {
    if mac.is_local() || mac.is_group() {
        return None;
    }
    let t = table();
    let m = u64::from_be_bytes([
        0, 0, mac.0[0], mac.0[1], mac.0[2], mac.0[3], mac.0[4], mac.0[5],
    ]);
    for (bits, entries) in &t.tables {
        let key = m >> (48 - *bits as u32);
        if let Ok(i) = entries.binary_search_by_key(&key, |e| e.0) {
            return t.names.get(entries[i].1 as usize).copied();
        }
    }
    None
}

/// Number of assignments in the table (for `--version` style reporting and tests).
pub fn entries() -> usize {
    table().tables.iter().map(|t| t.1.len()).sum()
}
