//! Fixed-size distinct counters: memory does not grow with what an attacker sends.

/// Mixes an address or name hash into 64 well-spread bits (SplitMix64's finaliser).
#[inline]
pub fn mix(x: u128) -> u64 {
    let mut z = (x as u64) ^ ((x >> 64) as u64).rotate_left(29);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 1,024-bit linear-counting sketch (130 bytes): close to exact below a few hundred distinct
/// items, within a few percent up to a few thousand.
#[derive(Clone, Copy, Debug, Default)]
pub struct Bits {
    words: [u64; 16],
    ones: u16,
}

impl Bits {
    /// Adds an item by hash; true when it set a new bit (an item not seen before, almost surely).
    #[inline]
    pub fn insert(&mut self, h: u64) -> bool {
        let b = (h & 1023) as usize;
        let (w, m) = (b >> 6, 1u64 << (b & 63));
        let new = self.words[w] & m == 0;
        self.words[w] |= m;
        // Written as a branch: `self.ones += new as u16` came out of rustc 1.95's optimiser as
        // never adding anything (release builds only; the unit test below catches it).
        if new {
            self.ones += 1;
        }
        new
    }
    /// Hints the CPU to fetch the word [`Bits::insert`] of `h` changes.
    #[inline]
    pub fn prefetch(&self, h: u64) {
        iotgate_observe::prefetch_ref(&self.words[((h & 1023) >> 6) as usize]);
    }
    /// Bits set: compare with [`Bits::ones_for`] to test a threshold without a logarithm.
    #[inline]
    pub fn ones(&self) -> u32 {
        self.ones as u32
    }
    /// Bits expected set once `n` distinct items went in (the estimate reaches `n` there).
    pub fn ones_for(n: u32) -> u32 {
        let m = 1024.0f64;
        ((m * (1.0 - (-(n as f64) / m).exp())).ceil() as u32).min(1024)
    }
    /// Estimated distinct items.
    pub fn estimate(&self) -> u64 {
        let zeros = 1024 - self.ones as u32;
        if zeros == 0 {
            // Saturated: at least this many.
            return 7_100;
        }
        (1024.0 * (1024.0 / zeros as f64).ln()).round() as u64
    }
    /// Standard error of [`Bits::estimate`] relative to it, in tenths of a percent (linear
    /// counting: sqrt(m (e^t - t - 1)) / n with t = n / m; Whang, Vander-Zanden and Taylor 1990).
    pub fn error_permille(&self) -> u64 {
        let n = self.estimate() as f64;
        if n < 1.0 {
            return 0;
        }
        let m = 1024.0f64;
        let t = n / m;
        ((m * (t.exp() - t - 1.0)).sqrt() / n * 1000.0).round() as u64
    }
    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Bits::default();
    }
}

/// HyperLogLog with 256 registers (256 bytes, about 6.5% standard error), for totals that can
/// reach millions (addresses a scanner tried).
#[derive(Clone, Debug)]
pub struct Hll([u8; 256]);

impl Default for Hll {
    fn default() -> Self {
        Hll([0; 256])
    }
}

impl Hll {
    /// Hints the CPU to fetch the register [`Hll::insert`] of `h` changes.
    #[inline]
    pub fn prefetch(&self, h: u64) {
        iotgate_observe::prefetch_ref(&self.0[(h >> 56) as usize]);
    }
    /// Adds an item by hash.
    #[inline]
    pub fn insert(&mut self, h: u64) {
        let i = (h >> 56) as usize;
        let rank = ((h << 8) | 0x80).leading_zeros() as u8 + 1;
        if self.0[i] < rank {
            self.0[i] = rank;
        }
    }
    /// Standard error of [`Hll::estimate`] relative to it, in tenths of a percent: 1.04 /
    /// sqrt(256) (Flajolet et al. 2007).
    pub const ERROR_PERMILLE: u64 = 65;

    /// Estimated distinct items.
    pub fn estimate(&self) -> u64 {
        let m = 256.0f64;
        let sum: f64 = self.0.iter().map(|&r| 2f64.powi(-(r as i32))).sum();
        let raw = 0.7182 * m * m / sum;
        let zeros = self.0.iter().filter(|&&r| r == 0).count();
        if raw <= 2.5 * m && zeros > 0 {
            (m * (m / zeros as f64).ln()).round() as u64
        } else {
            raw.round() as u64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_count_small_sets_closely() {
        let mut b = Bits::default();
        for i in 0..200u128 {
            b.insert(mix(i));
        }
        let e = b.estimate();
        assert!((190..=210).contains(&e), "{e}");
        for i in 0..200u128 {
            b.insert(mix(i));
        }
        assert_eq!(b.estimate(), e, "repeats do not count");
    }

    #[test]
    fn errors_are_stated() {
        let mut b = Bits::default();
        assert_eq!(b.error_permille(), 0);
        for i in 0..200u128 {
            b.insert(mix(i));
        }
        // Linear counting at 200 of 1,024 bits: about 2.3 %.
        assert!(
            (18..=28).contains(&b.error_permille()),
            "{}",
            b.error_permille()
        );
        for i in 0..5_000u128 {
            b.insert(mix(i));
        }
        assert!(b.error_permille() > 28, "fuller, less precise");
        assert_eq!(Hll::ERROR_PERMILLE, 65);
    }

    #[test]
    fn ones_counts_inside_a_boxed_struct() {
        #[derive(Default)]
        struct D {
            a: u64,
            any: Bits,
        }
        let mut v: Vec<Option<Box<D>>> = vec![None];
        let mut seen = 0;
        for i in 0..5u128 {
            let d = v[0].get_or_insert_with(Default::default);
            if d.any.insert(mix(i)) && d.a == 0 {
                seen += 1;
                assert_eq!(d.any.ones(), seen);
            }
        }
        assert_eq!(seen, 5);
    }

    #[test]
    fn thresholds_in_bits_agree_with_estimates() {
        for n in [3u32, 32, 64, 100, 256, 1000] {
            let mut b = Bits::default();
            let mut i = 0u128;
            while b.ones() < Bits::ones_for(n) {
                b.insert(mix(i));
                i += 1;
            }
            let e = b.estimate();
            assert!(e >= n as u64 && e <= n as u64 + 3, "{n}: {e}");
        }
    }

    #[test]
    fn hll_counts_millions_within_a_few_percent() {
        let mut h = Hll::default();
        for i in 0..1_000_000u128 {
            h.insert(mix(i));
        }
        let e = h.estimate() as f64;
        assert!((e - 1e6).abs() < 0.2e6, "{e}");
        let mut s = Hll::default();
        for i in 0..10u128 {
            s.insert(mix(i));
        }
        assert!((9..=11).contains(&s.estimate()));
    }
}

/// The domain most of a device's DNS questions go to within a window (a Boyer–Moore majority
/// vote, so a few other lookups in between do not reset it), with the distinct names asked
/// under it and how many questions.
#[derive(Clone, Copy, Default, Debug)]
pub(crate) struct DomainVote {
    /// Start of the window, ns.
    pub window: i64,
    domain: u64,
    votes: i32,
    names: Bits,
    /// Questions about the voted domain this window.
    pub queries: u64,
}

impl DomainVote {
    /// Counts a question for a name (hash `name`) under a domain (hash `domain`) at `ts`, in
    /// windows of `len` ns. Returns the estimated distinct names under the voted domain when
    /// this question is about it, else None.
    pub(crate) fn add(&mut self, ts: i64, len: i64, domain: u64, name: u64) -> Option<u64> {
        if ts >= self.window.saturating_add(len) || ts < self.window {
            self.window = ts;
            self.votes = 0;
        }
        if self.votes == 0 {
            self.domain = domain;
            self.names.clear();
            self.queries = 0;
        }
        if self.domain != domain {
            self.votes -= 1;
            return None;
        }
        self.votes += 1;
        self.queries += 1;
        self.names.insert(mix(name as u128));
        Some(self.names.estimate())
    }
}
