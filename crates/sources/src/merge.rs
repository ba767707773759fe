//! Merges the packets of several captures into one stream ordered by timestamp.

use crate::{RawPacket, Reader};

/// A k-way merge over readers; ties go to the earlier file. With one reader it is a pass-through.
pub struct Merger<'a> {
    readers: Vec<Reader<'a>>,
    heads: Vec<Option<RawPacket<'a>>>,
    counts: Vec<u64>,
}

impl<'a> Merger<'a> {
    /// Builds a merger and reads the first packet of each reader.
    pub fn new(mut readers: Vec<Reader<'a>>) -> Self {
        let heads = readers.iter_mut().map(|r| r.next_packet()).collect();
        let counts = vec![0; readers.len()];
        Merger {
            readers,
            heads,
            counts,
        }
    }

    /// The next packet in timestamp order, with the index of the file it came from.
    #[inline]
    pub fn next_packet(&mut self) -> Option<(usize, RawPacket<'a>)> {
        let idx = if self.heads.len() == 1 {
            0
        } else {
            let mut best: Option<(usize, i64)> = None;
            for (i, h) in self.heads.iter().enumerate() {
                if let Some(p) = h {
                    if best.is_none_or(|(_, t)| p.ts_ns < t) {
                        best = Some((i, p.ts_ns));
                    }
                }
            }
            best?.0
        };
        let pkt = self.heads[idx].take()?;
        self.heads[idx] = self.readers[idx].next_packet();
        self.counts[idx] += 1;
        Some((idx, pkt))
    }

    /// Packets delivered per file so far.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// The readers (for their warnings and positions).
    pub fn readers(&self) -> &[Reader<'a>] {
        &self.readers
    }
}
