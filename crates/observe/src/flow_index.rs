//! The flow table's hash index: open addressing with linear probing over 8-byte entries that
//! pack the top 32 bits of a key's hash with its slab slot, and backward-shift deletion.
//!
//! Built for the flow table's access pattern rather than taken from a general map: a lookup
//! reads one entry (usually one cache line) before the slot itself, where a SwissTable reads a
//! control group, then an entry, then the slot; a removal leaves no tombstone, so the table
//! never rehashes in place however many flows come and go; and an entry can be found again
//! from its slot's stored tag without rehashing the key. The hash is seeded per process by the
//! caller, so an attacker cannot aim keys at one run of entries.

/// An empty entry (no slot has this value: slots are below `u32::MAX`).
const EMPTY: u64 = u64::MAX;

/// Fewest entries held (a power of two).
const MIN_ENTRIES: usize = 4096;

/// Hash tag of a 64-bit hash, which also chooses the home entry: the top 32 bits after one
/// more xor-shift-multiply round. The seeded hash alone (foldhash's fast variant) leaves those
/// bits weakly mixed for some seeds: one process in about ten put 4,096 ports of one host in
/// 3,400 home entries instead of the 3,970 a uniform hash gives.
#[inline]
pub(crate) fn tag_of(hash: u64) -> u32 {
    ((hash ^ (hash >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9) >> 32) as u32
}

/// Index from hash tags to slab slots, at most half full.
pub(crate) struct FlowIndex {
    entries: Box<[u64]>,
    mask: usize,
    len: usize,
}

impl FlowIndex {
    /// An index with room for `n` keys before it grows.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let size = (2 * n).next_power_of_two().max(MIN_ENTRIES);
        FlowIndex {
            entries: vec![EMPTY; size].into_boxed_slice(),
            mask: size - 1,
            len: 0,
        }
    }

    /// Keys held.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Asks the memory system for the entry where a search for `tag` starts.
    #[inline]
    pub(crate) fn prefetch(&self, tag: u32) {
        iotgate_sources::prefetch(&self.entries, tag as usize & self.mask);
    }

    /// The slot whose tag is `tag` and for which `is_key` holds, if any.
    #[inline]
    pub(crate) fn find(&self, tag: u32, mut is_key: impl FnMut(u32) -> bool) -> Option<u32> {
        let mut i = tag as usize & self.mask;
        loop {
            let e = self.entries[i];
            if e == EMPTY {
                return None;
            }
            if (e >> 32) as u32 == tag && is_key(e as u32) {
                return Some(e as u32);
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Adds `slot` under `tag`; the caller knows no entry for this slot is held.
    #[inline]
    pub(crate) fn insert(&mut self, tag: u32, slot: u32) {
        if 2 * (self.len + 1) > self.entries.len() {
            self.resize(2 * self.entries.len());
        }
        self.place((tag as u64) << 32 | slot as u64);
        self.len += 1;
    }

    /// Writes entry `e` into the first empty entry from its home.
    #[inline]
    fn place(&mut self, e: u64) {
        let mut i = (e >> 32) as usize & self.mask;
        while self.entries[i] != EMPTY {
            i = (i + 1) & self.mask;
        }
        self.entries[i] = e;
    }

    /// Removes the entry for `slot`, stored under `tag`; false when there is none.
    pub(crate) fn remove(&mut self, tag: u32, slot: u32) -> bool {
        let want = (tag as u64) << 32 | slot as u64;
        let mut i = tag as usize & self.mask;
        loop {
            let e = self.entries[i];
            if e == EMPTY {
                return false;
            }
            if e == want {
                break;
            }
            i = (i + 1) & self.mask;
        }
        // Backward shift: pull later entries of the run into the hole when their home is not
        // between the hole and where they sit, so every search still meets no empty entry
        // before its key.
        let mut hole = i;
        let mut j = i;
        loop {
            j = (j + 1) & self.mask;
            let e = self.entries[j];
            if e == EMPTY {
                break;
            }
            let home = (e >> 32) as usize & self.mask;
            if j.wrapping_sub(home) & self.mask >= j.wrapping_sub(hole) & self.mask {
                self.entries[hole] = e;
                hole = j;
            }
        }
        self.entries[hole] = EMPTY;
        self.len -= 1;
        true
    }

    /// Drops every entry and sizes the index for `n` keys.
    pub(crate) fn reset(&mut self, n: usize) {
        *self = FlowIndex::with_capacity(n);
    }

    /// Moves every entry into a table of `size` entries.
    fn resize(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.entries, vec![EMPTY; size].into_boxed_slice());
        self.mask = size - 1;
        for &e in old.iter().filter(|&&e| e != EMPTY) {
            self.place(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// Each operation of a random sequence leaves the index agreeing with a plain map, with
    /// tags drawn from a few values so that runs collide, wrap around the end and are cut
    /// by removals.
    fn check(ops: &[(bool, u8)]) {
        let mut idx = FlowIndex::with_capacity(0);
        let mut model: HashMap<u32, u32> = HashMap::new();
        let mut next = 0u32;
        let tag = |k: u8| {
            let top = [0u32, 1, 4095, 4094, 0x8000_0fff][k as usize % 5];
            top ^ ((k as u32 / 5) << 12)
        };
        for &(add, k) in ops {
            let t = tag(k);
            if add {
                idx.insert(t, next);
                model.insert(next, t);
                next += 1;
            } else if let Some((&slot, &t)) = model.iter().find(|(_, &v)| v == tag(k)) {
                assert!(idx.remove(t, slot));
                model.remove(&slot);
                assert!(!idx.remove(t, slot), "removed twice");
            }
            assert_eq!(idx.len(), model.len());
            for (&slot, &t) in &model {
                assert_eq!(idx.find(t, |s| s == slot), Some(slot), "slot {slot} lost");
            }
        }
        for (&slot, &t) in &model {
            assert!(idx.remove(t, slot));
        }
        assert_eq!(idx.len(), 0);
        assert!(idx.entries.iter().all(|&e| e == EMPTY));
    }

    proptest! {
        #[test]
        fn agrees_with_a_map(ops in proptest::collection::vec((any::<bool>(), 0u8..60), 0..600)) {
            check(&ops);
        }
    }

    /// Growth past the minimum size keeps every key findable.
    #[test]
    fn grows() {
        let ops: Vec<(bool, u8)> = (0..5000u32).map(|i| (i % 7 != 3, (i % 60) as u8)).collect();
        check(&ops);
        let mut idx = FlowIndex::with_capacity(0);
        for s in 0..10_000u32 {
            idx.insert(s.wrapping_mul(0x9e37_79b9), s);
        }
        assert!(idx.entries.len() >= 20_000);
        assert!(
            (0..10_000u32).all(|s| idx.find(s.wrapping_mul(0x9e37_79b9), |x| x == s) == Some(s))
        );
    }
}
