//! Bounded reassembly of a TCP flow's first client message: a TLS ClientHello or an HTTP/RTSP
//! request (head, and a form or JSON body) that did not fit in the client's first segment.
//!
//! Application-layer inspection reads the first payloads of a flow one at a time, so a message
//! spread over several segments would be judged on its first piece: a ClientHello with a
//! post-quantum key share (about 1.8 KB) loses its SNI and gets another JA4 than the same hello
//! in one segment; a request whose URL begins in a second segment shows none of its parameters.
//! When the client's first payload starts such a message and does not finish it, its bytes go
//! into a buffer from a fixed pool, the client's next in-order segments are appended (by TCP
//! sequence number: exactly the next byte, retransmissions ignored, a gap ends the wait), and
//! the message is inspected once, whole — or, when it cannot be completed, once as the in-order
//! prefix that arrived.
//!
//! Memory is fixed when the analyzer is built: `slots` buffers of [`SLOT_BYTES`] (256 by
//! default, 4 MiB of address space, touched only as buffers are used), and nothing is allocated
//! per packet. A flow holds at most one buffer; the buffer is released when the message is
//! whole, when a gap or the cap ends the wait, when the flow ends, and at the latest
//! [`Config::timeout_ns`] (5 s of capture time) after the first segment, so that clients
//! trickling bytes cannot keep buffers. With every buffer taken, a new message is inspected
//! segment by segment as before, and counted ([`Stats::fallbacks`]).

use iotgate_wire::{http, tls};

/// Bytes of one buffer, and the cap on a ClientHello: one TLS record of the largest size TLS
/// allows (2^14 bytes of plaintext, RFC 8446 §5.1) with its 5-byte header. Hellos are far
/// smaller (about 0.5 KB classically, 1.8 KB with an X25519MLKEM768 key share, some 3 KB with
/// two post-quantum shares); a longer one is inspected as its first 16 KiB.
pub const SLOT_BYTES: usize = tls::MAX_RECORD + 5;

/// The cap on an HTTP or RTSP request's head and form body: 8 KiB, the head size common
/// servers accept by default (Apache's 8,190-byte request and header lines, nginx's 8 KiB
/// header buffers). A device's requests are far smaller (the Hue bridge's 792 bytes); a longer
/// request is inspected as its first 8 KiB, and a body that would end beyond the cap is not
/// waited for.
pub const HTTP_CAP: usize = 8 * 1024;

/// "No buffer": a flow that holds none.
pub const NO_SLOT: u16 = u16::MAX;

/// The most buffers a pool may have (buffer numbers are `u16`, [`NO_SLOT`] excluded).
pub const MAX_SLOTS: usize = NO_SLOT as usize;

/// What is being reassembled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A TLS ClientHello, in one handshake record or several.
    Tls,
    /// An HTTP or RTSP request head, with a form or JSON body when one is announced.
    Http,
}

impl Kind {
    /// The most bytes kept for this kind of message.
    pub fn cap(self) -> usize {
        match self {
            Kind::Tls => SLOT_BYTES,
            Kind::Http => HTTP_CAP,
        }
    }

    /// Whether `b` (the message's bytes so far) is whole: `Some(true)` whole, `Some(false)`
    /// more bytes would complete it, `None` more bytes could not (it is no longer one).
    fn complete(self, b: &[u8]) -> Option<bool> {
        match self {
            Kind::Tls => tls::client_hello_complete(b),
            Kind::Http => http::request_complete(b, HTTP_CAP),
        }
    }
}

/// The kind of message a client's first payload `p` starts and does not finish, if any (and
/// only when it is shorter than the cap: a longer one is inspected as it is).
#[inline]
pub fn incomplete_message(p: &[u8]) -> Option<Kind> {
    let kind = match p.first()? {
        0x16 => Kind::Tls,
        b'A'..=b'Z' => Kind::Http,
        _ => return None,
    };
    (p.len() < kind.cap() && kind.complete(p) == Some(false)).then_some(kind)
}

/// Settings of the pool.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Buffers (at most [`MAX_SLOTS`]; 0 turns reassembly off). Each is [`SLOT_BYTES`].
    pub slots: usize,
    /// How long after its first segment a message may wait for the rest, ns of capture time.
    pub timeout_ns: i64,
}

impl Default for Config {
    /// 256 buffers (4 MiB), 5 s. Messages on one connection arrive back to back (the initial
    /// congestion window, ten segments, carries 14 KB at once), so 5 s leaves room for two
    /// retransmissions of a lost segment (RTO of 1 s, then 2 s: RFC 6298) while a client
    /// trickling bytes keeps a buffer 5 s at most: to hold all 256 it must open 51 connections
    /// a second, and then costs only the fallback to segment-by-segment inspection.
    fn default() -> Self {
        Config {
            slots: 256,
            timeout_ns: 5_000_000_000,
        }
    }
}

/// Counters of the pool's work.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    /// Messages whose first segment was kept to wait for the rest.
    pub started: u64,
    /// Of those, messages inspected whole.
    pub completed: u64,
    /// Of those, messages inspected incomplete: a gap in the sequence, the cap, the timeout,
    /// the flow's end, or bytes that stopped being the message.
    pub incomplete: u64,
    /// Incomplete first messages inspected segment by segment because every buffer was taken.
    pub fallbacks: u64,
    /// Most buffers held at once.
    pub peak: u64,
}

/// What became of a segment handed to [`Pool::push`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Push {
    /// Appended; the message is not whole yet.
    Waiting,
    /// Old bytes (a retransmission): ignored.
    Ignored,
    /// Appended, and the message is whole (or stopped being one): inspect it and release.
    Done,
    /// The segment does not follow (a gap or an overlap), or the cap was reached: inspect what
    /// the buffer holds and release it. A segment that did not follow is not in the buffer.
    GaveUp,
}

/// What a buffer holds besides its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Held<T> {
    /// The message's kind.
    pub kind: Kind,
    /// Bytes held.
    pub len: u32,
    /// Sequence number of the byte expected next.
    pub next_seq: u32,
    /// Capture time of the first segment, ns.
    pub first_ns: i64,
    /// Capture time of the last segment appended, ns.
    pub last_ns: i64,
    /// What the owner keeps with the message (the analyzer: the flow's key and the context of
    /// its first segment).
    pub owner: T,
}

/// A fixed pool of reassembly buffers, allocated once.
pub struct Pool<T: Copy> {
    bytes: Box<[u8]>,
    held: Box<[Option<Held<T>>]>,
    free: Vec<u16>,
    used: usize,
    /// No held message's timeout falls before this time (`i64::MAX` when none is held).
    next_deadline: i64,
    /// Where a ClientHello spread over several records is joined (see
    /// [`tls::join_hello_records`]).
    scratch: Box<[u8]>,
    cfg: Config,
}

impl<T: Copy> Pool<T> {
    /// A pool with `cfg.slots` buffers (capped at [`MAX_SLOTS`]), all free.
    pub fn new(cfg: Config) -> Self {
        let n = cfg.slots.min(MAX_SLOTS);
        Pool {
            // Zeroed memory: pages the kernel hands over as buffers are first written.
            bytes: vec![0u8; n * SLOT_BYTES].into_boxed_slice(),
            held: vec![None; n].into_boxed_slice(),
            free: (0..n as u16).rev().collect(),
            used: 0,
            next_deadline: i64::MAX,
            scratch: vec![0u8; SLOT_BYTES].into_boxed_slice(),
            cfg: Config { slots: n, ..cfg },
        }
    }

    /// Buffers in the pool.
    pub fn capacity(&self) -> usize {
        self.held.len()
    }

    /// Buffers held now.
    pub fn in_use(&self) -> usize {
        self.used
    }

    /// Keeps a message's first segment `p` (sequence number `seq`, at `ts`) in a free buffer
    /// and returns the buffer's number; `None`, counted as a fallback, when every buffer is
    /// taken. `p` is cut at the kind's cap.
    pub fn start(
        &mut self,
        stats: &mut Stats,
        kind: Kind,
        p: &[u8],
        seq: u32,
        ts: i64,
        owner: T,
    ) -> Option<u16> {
        let Some(slot) = self.free.pop() else {
            stats.fallbacks += 1;
            return None;
        };
        let n = p.len().min(kind.cap());
        self.buf_mut(slot)[..n].copy_from_slice(&p[..n]);
        self.held[usize::from(slot)] = Some(Held {
            kind,
            len: n as u32,
            next_seq: seq.wrapping_add(p.len() as u32),
            first_ns: ts,
            last_ns: ts,
            owner,
        });
        self.used += 1;
        stats.started += 1;
        stats.peak = stats.peak.max(self.used as u64);
        self.next_deadline = self
            .next_deadline
            .min(ts.saturating_add(self.cfg.timeout_ns));
        Some(slot)
    }

    /// Hands the buffer `slot` the client's next segment `p` (sequence number `seq`, at `ts`).
    pub fn push(&mut self, stats: &mut Stats, slot: u16, seq: u32, p: &[u8], ts: i64) -> Push {
        let Some(h) = self.held.get(usize::from(slot)).copied().flatten() else {
            return Push::Ignored;
        };
        if p.is_empty() {
            return Push::Waiting;
        }
        if seq != h.next_seq {
            // Entirely before the expected byte (sequence numbers wrap): a retransmission.
            let end = seq.wrapping_add(p.len() as u32);
            if (h.next_seq.wrapping_sub(end) as i32) >= 0 {
                return Push::Ignored;
            }
            stats.incomplete += 1;
            return Push::GaveUp;
        }
        let at = h.len as usize;
        let cap = h.kind.cap();
        let n = p.len().min(cap - at);
        self.buf_mut(slot)[at..at + n].copy_from_slice(&p[..n]);
        let len = at + n;
        if let Some(m) = self.held[usize::from(slot)].as_mut() {
            m.len = len as u32;
            m.next_seq = seq.wrapping_add(p.len() as u32);
            m.last_ns = ts;
        }
        match h.kind.complete(&self.buf(slot)[..len]) {
            Some(true) => {
                stats.completed += 1;
                Push::Done
            }
            Some(false) if len < cap => Push::Waiting,
            _ => {
                stats.incomplete += 1;
                Push::GaveUp
            }
        }
    }

    /// The message in buffer `slot` (empty when the buffer is free) and what is kept with it.
    pub fn message(&self, slot: u16) -> Option<(&[u8], &Held<T>)> {
        let h = self.held.get(usize::from(slot))?.as_ref()?;
        Some((&self.buf(slot)[..h.len as usize], h))
    }

    /// [`Pool::message`], with the pool's scratch buffer to join TLS records in.
    pub fn message_and_scratch(&mut self, slot: u16) -> Option<(&[u8], &Held<T>, &mut [u8])> {
        let h = self.held.get(usize::from(slot))?.as_ref()?;
        let i = usize::from(slot) * SLOT_BYTES;
        let b = &self.bytes[i..i + h.len as usize];
        Some((b, h, &mut self.scratch))
    }

    /// The scratch buffer, to join the records of a ClientHello that came in one segment.
    pub fn scratch(&mut self) -> &mut [u8] {
        &mut self.scratch
    }

    /// Frees buffer `slot`. A message released before it was whole or given up (its flow ended,
    /// or it timed out) is counted incomplete when `cut_short`.
    pub fn release(&mut self, stats: &mut Stats, slot: u16, cut_short: bool) {
        if let Some(h) = self.held.get_mut(usize::from(slot)) {
            if h.take().is_some() {
                self.free.push(slot);
                self.used -= 1;
                if cut_short {
                    stats.incomplete += 1;
                }
            }
        }
        if self.used == 0 {
            self.next_deadline = i64::MAX;
        }
    }

    /// True when a held message may have waited its time at `now` (one comparison: the
    /// per-packet check).
    #[inline(always)]
    pub fn deadline_passed(&self, now: i64) -> bool {
        now >= self.next_deadline
    }

    /// A buffer whose message has waited its time at `now`, if any. When there is none, the
    /// next deadline is recomputed, so that [`Pool::deadline_passed`] stays false until then.
    pub fn next_expired(&mut self, now: i64) -> Option<u16> {
        let t = self.cfg.timeout_ns;
        let mut next = i64::MAX;
        for (i, h) in self.held.iter().enumerate() {
            if let Some(h) = h {
                let d = h.first_ns.saturating_add(t);
                if now >= d {
                    return Some(i as u16);
                }
                next = next.min(d);
            }
        }
        self.next_deadline = next;
        None
    }

    /// Every held buffer, in buffer order.
    pub fn held(&self) -> impl Iterator<Item = (u16, &Held<T>)> + '_ {
        self.held
            .iter()
            .enumerate()
            .filter_map(|(i, h)| Some((i as u16, h.as_ref()?)))
    }

    fn buf(&self, slot: u16) -> &[u8] {
        let i = usize::from(slot) * SLOT_BYTES;
        &self.bytes[i..i + SLOT_BYTES]
    }

    fn buf_mut(&mut self, slot: u16) -> &mut [u8] {
        let i = usize::from(slot) * SLOT_BYTES;
        &mut self.bytes[i..i + SLOT_BYTES]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Analyzer, FlowObserver, Progress};
    use crate::flow::{Flow, FlowKey};
    use crate::Inventory;
    use proptest::prelude::*;

    // --- Messages -------------------------------------------------------------------------

    /// A TLS 1.3 ClientHello as a browser with a post-quantum key share sends it (X25519MLKEM768
    /// and X25519 shares, GREASE, SNI `name`, ALPN h2): about 1.8 KB of handshake.
    fn hello(name: &str) -> Vec<u8> {
        let mut ext: Vec<u8> = Vec::new();
        let mut add = |ty: u16, data: &[u8]| {
            ext.extend_from_slice(&ty.to_be_bytes());
            ext.extend_from_slice(&(data.len() as u16).to_be_bytes());
            ext.extend_from_slice(data);
        };
        add(0x0a0a, &[]);
        let n = name.len() as u16;
        let mut sni = (n + 3).to_be_bytes().to_vec();
        sni.push(0);
        sni.extend_from_slice(&n.to_be_bytes());
        sni.extend_from_slice(name.as_bytes());
        add(0, &sni);
        add(10, &[0, 6, 0x11, 0xec, 0, 0x1d, 0, 0x17]);
        add(11, &[1, 0]);
        add(16, &[0, 3, 2, b'h', b'2']);
        add(13, &[0, 4, 4, 3, 8, 4]);
        add(43, &[4, 3, 4, 3, 3]);
        let mut ks = Vec::new();
        for (group, len) in [(0x11ecu16, 1216u16), (0x001d, 32)] {
            ks.extend_from_slice(&group.to_be_bytes());
            ks.extend_from_slice(&len.to_be_bytes());
            ks.extend((0..len).map(|i| (i * 7 + 3) as u8));
        }
        let mut share = (ks.len() as u16).to_be_bytes().to_vec();
        share.extend_from_slice(&ks);
        add(51, &share);
        let mut body = vec![3, 3];
        body.extend_from_slice(&[0x42; 32]);
        body.push(32);
        body.extend_from_slice(&[0x17; 32]);
        let suites: [u16; 5] = [0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b];
        body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
        for s in suites {
            body.extend_from_slice(&s.to_be_bytes());
        }
        body.extend_from_slice(&[1, 0]);
        body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        body.extend_from_slice(&ext);
        let mut hs = vec![1u8];
        hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        hs.extend_from_slice(&body);
        hs
    }

    /// Handshake bytes `hs` in TLS records, cut at `cuts` (offsets into `hs`).
    fn records(hs: &[u8], cuts: &[usize]) -> Vec<u8> {
        let mut at: Vec<usize> = cuts
            .iter()
            .map(|&c| c % hs.len())
            .filter(|&c| c > 0)
            .collect();
        at.push(0);
        at.push(hs.len());
        at.sort_unstable();
        at.dedup();
        let mut out = Vec::new();
        for w in at.windows(2) {
            out.extend_from_slice(&[0x16, 3, 1]);
            out.extend_from_slice(&((w[1] - w[0]) as u16).to_be_bytes());
            out.extend_from_slice(&hs[w[0]..w[1]]);
        }
        out
    }

    /// `b` cut into segments at `cuts` (offsets into `b`).
    fn segments(b: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
        let mut at: Vec<usize> = cuts
            .iter()
            .map(|&c| c % b.len())
            .filter(|&c| c > 0)
            .collect();
        at.push(0);
        at.push(b.len());
        at.sort_unstable();
        at.dedup();
        at.windows(2).map(|w| b[w[0]..w[1]].to_vec()).collect()
    }

    // --- The pool -------------------------------------------------------------------------

    fn pool(slots: usize) -> Pool<()> {
        Pool::new(Config {
            slots,
            timeout_ns: 5_000_000_000,
        })
    }

    #[test]
    fn segments_in_order_make_the_message() {
        let m = records(&hello("camera.example.com"), &[]);
        let (mut p, mut st) = (pool(4), Stats::default());
        assert_eq!(incomplete_message(&m[..100]), Some(Kind::Tls));
        assert_eq!(incomplete_message(&m), None, "a whole hello is not held");
        let s = p.start(&mut st, Kind::Tls, &m[..100], 1000, 0, ()).unwrap();
        assert_eq!(p.push(&mut st, s, 1100, &m[100..900], 1), Push::Waiting);
        assert_eq!(p.push(&mut st, s, 1900, &m[900..], 2), Push::Done);
        let (b, h) = p.message(s).unwrap();
        assert_eq!(b, &m[..]);
        assert_eq!((h.first_ns, h.last_ns), (0, 2));
        p.release(&mut st, s, false);
        assert_eq!(p.in_use(), 0);
        assert_eq!(
            (st.started, st.completed, st.incomplete, st.peak),
            (1, 1, 0, 1)
        );
    }

    #[test]
    fn retransmissions_are_ignored() {
        let m = b"POST /api?user=a&token=b HTTP/1.1\r\nHost: x\r\n\r\n";
        let (mut p, mut st) = (pool(1), Stats::default());
        // Sequence numbers wrap inside the message.
        let seq = u32::MAX - 3;
        let s = p.start(&mut st, Kind::Http, &m[..5], seq, 0, ()).unwrap();
        let next = seq.wrapping_add(5);
        assert_eq!(p.push(&mut st, s, seq, &m[..5], 1), Push::Ignored);
        assert_eq!(
            p.push(&mut st, s, seq.wrapping_add(2), &m[2..5], 1),
            Push::Ignored
        );
        assert_eq!(p.push(&mut st, s, next, &m[5..20], 2), Push::Waiting);
        assert_eq!(p.push(&mut st, s, next, &m[5..20], 3), Push::Ignored);
        let next = next.wrapping_add(15);
        assert_eq!(p.push(&mut st, s, next, &m[20..], 4), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
    }

    #[test]
    fn a_gap_gives_up_with_the_prefix() {
        let m = records(&hello("a.example"), &[]);
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Tls, &m[..500], 7, 0, ()).unwrap();
        // A segment beyond the next byte (one was lost), then one overlapping the end.
        assert_eq!(p.push(&mut st, s, 7 + 600, &m[600..], 1), Push::GaveUp);
        assert_eq!(p.message(s).unwrap().0, &m[..500]);
        assert_eq!(p.push(&mut st, s, 7 + 400, &m[400..], 1), Push::GaveUp);
        assert_eq!(p.message(s).unwrap().0, &m[..500]);
        assert_eq!(st.incomplete, 2);
    }

    #[test]
    fn the_cap_is_respected() {
        let (mut p, mut st) = (pool(1), Stats::default());
        // A request head that never ends.
        let line = b"X-Filler: 0123456789012345678901234567890123456789\r\n";
        let s = p
            .start(&mut st, Kind::Http, b"GET / HTTP/1.1\r\n", 0, 0, ())
            .unwrap();
        let mut seq = 16u32;
        let mut last = Push::Waiting;
        for _ in 0..1000 {
            last = p.push(&mut st, s, seq, line, 0);
            seq += line.len() as u32;
            assert!(p.message(s).unwrap().0.len() <= HTTP_CAP);
            if last != Push::Waiting {
                break;
            }
        }
        assert_eq!(last, Push::GaveUp);
        assert_eq!(p.message(s).unwrap().0.len(), HTTP_CAP);
        // A record longer than TLS allows is not held at all; a 64 KiB hello in records of
        // the largest size stops at the buffer's size.
        assert_eq!(incomplete_message(&[0x16, 3, 1, 0x40, 0x01, 1]), None);
        let big = [0x16, 3, 1, 0x40, 0x00, 1, 1, 0, 0];
        assert_eq!(incomplete_message(&big), Some(Kind::Tls));
        p.release(&mut st, s, false);
        let s = p.start(&mut st, Kind::Tls, &big, 0, 0, ()).unwrap();
        let r = p.push(&mut st, s, 9, &vec![0u8; 20_000], 0);
        assert_eq!(r, Push::GaveUp);
        assert_eq!(p.message(s).unwrap().0.len(), SLOT_BYTES);
        // A first segment longer than the cap is not held.
        let mut head = b"GET /".to_vec();
        head.resize(HTTP_CAP + 1, b'a');
        assert_eq!(incomplete_message(&head), None);
    }

    #[test]
    fn the_timeout_finds_the_message() {
        let (mut p, mut st) = (pool(2), Stats::default());
        let a = p
            .start(&mut st, Kind::Http, b"GET /", 0, 1_000, ())
            .unwrap();
        let b = p
            .start(&mut st, Kind::Http, b"GET /", 0, 3_000_000_000, ())
            .unwrap();
        assert!(!p.deadline_passed(5_000_000_999));
        assert!(p.deadline_passed(5_000_001_000));
        assert_eq!(p.next_expired(5_000_001_000), Some(a));
        p.release(&mut st, a, true);
        assert_eq!(p.next_expired(5_000_001_000), None);
        assert!(
            !p.deadline_passed(5_000_001_000),
            "the next deadline is b's"
        );
        assert!(p.deadline_passed(8_000_000_000));
        assert_eq!(p.next_expired(8_000_000_000), Some(b));
        p.release(&mut st, b, true);
        assert_eq!((p.in_use(), st.incomplete), (0, 2));
    }

    #[test]
    fn a_full_pool_falls_back_and_counts() {
        let (mut p, mut st) = (pool(2), Stats::default());
        assert!(p.start(&mut st, Kind::Http, b"GET /", 0, 0, ()).is_some());
        let b = p.start(&mut st, Kind::Http, b"GET /", 0, 0, ()).unwrap();
        assert_eq!(p.start(&mut st, Kind::Http, b"GET /", 0, 0, ()), None);
        assert_eq!(p.start(&mut st, Kind::Tls, &[0x16, 3, 1], 0, 0, ()), None);
        assert_eq!((st.started, st.fallbacks, st.peak), (2, 2, 2));
        p.release(&mut st, b, false);
        assert!(p.start(&mut st, Kind::Http, b"GET /", 0, 0, ()).is_some());
        // No buffers at all: reassembly is off, every message falls back.
        let (mut none, mut st) = (pool(0), Stats::default());
        assert_eq!(none.start(&mut st, Kind::Http, b"GET /", 0, 0, ()), None);
        assert_eq!(st.fallbacks, 1);
    }

    // --- Through the analyzer -------------------------------------------------------------

    const CAM: [u8; 6] = [0x02, 0, 0, 0, 0, 0x10];
    const GW: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
    const S: u64 = 1_000_000_000;

    fn frame(from_client: bool, port: u16, seq: u32, flags: u8, data: &[u8]) -> Vec<u8> {
        let (smac, dmac) = if from_client { (CAM, GW) } else { (GW, CAM) };
        let (src, dst) = if from_client {
            ([192, 168, 1, 10], [93, 184, 216, 34])
        } else {
            ([93, 184, 216, 34], [192, 168, 1, 10])
        };
        let (sp, dp) = if from_client {
            (port, 443)
        } else {
            (443, port)
        };
        let mut f = Vec::new();
        f.extend_from_slice(&dmac);
        f.extend_from_slice(&smac);
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
        f.extend_from_slice(&((40 + data.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0x40, 0, if from_client { 64 } else { 50 }, 6, 0, 0]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(&sp.to_be_bytes());
        f.extend_from_slice(&dp.to_be_bytes());
        f.extend_from_slice(&seq.to_be_bytes());
        f.extend_from_slice(&[0, 0, 0, 1, 0x50, flags, 0x40, 0, 0, 0, 0, 0]);
        f.extend_from_slice(data);
        f
    }

    /// Watches the once-per-flow events the first message raises.
    #[derive(Default)]
    struct Heard(Vec<String>);

    impl FlowObserver for Heard {
        fn flow_ended(&mut self, _: &Inventory, _: &FlowKey, _: &Flow) {}
        fn flow_progress(&mut self, _: &Inventory, _: &FlowKey, _: &Flow, w: Progress, _: i64) {
            if matches!(
                w,
                Progress::Login(_) | Progress::Tool(_) | Progress::RandomPost
            ) {
                self.0.push(format!("{w:?}"));
            }
        }
    }

    struct Run {
        an: Analyzer<Heard>,
        ts: i64,
    }

    impl Run {
        fn new(slots: usize, timeout_ns: i64) -> Run {
            let cfg = crate::Config {
                reassembly: Config { slots, timeout_ns },
                ..crate::Config::default()
            };
            Run {
                an: Analyzer::with_observer(cfg, Heard::default()),
                ts: 1_700_000_000 * S as i64,
            }
        }
        fn send(&mut self, f: Vec<u8>) {
            self.ts += 1_000_000;
            let p = iotgate_sources::RawPacket {
                ts_ns: self.ts,
                linktype: 1,
                orig_len: f.len() as u32,
                data: &f,
            };
            self.an.process(&p);
        }
        /// A handshake on `port`, then the client's `segs` in order; returns the next sequence
        /// number.
        fn connect_and_send(&mut self, port: u16, segs: &[Vec<u8>]) -> u32 {
            let isn = 0xfffff000u32.wrapping_add(u32::from(port) * 977);
            self.send(frame(true, port, isn, 0x02, &[]));
            self.send(frame(false, port, 7, 0x12, &[]));
            self.send(frame(true, port, isn.wrapping_add(1), 0x10, &[]));
            let mut seq = isn.wrapping_add(1);
            for s in segs {
                self.send(frame(true, port, seq, 0x18, s));
                seq = seq.wrapping_add(s.len() as u32);
            }
            seq
        }
        /// What the camera's device shows of the first message, and what was heard.
        fn finish(self) -> (Vec<String>, crate::engine::Stats) {
            let (inv, stats, _, heard) = self.an.finish();
            let i = inv
                .get(&iotgate_wire::Mac(CAM))
                .expect("the camera is known") as usize;
            let d = &inv.devices[i];
            let mut out: Vec<String> = Vec::new();
            out.extend(d.tls_snis.iter().map(|s| format!("sni {s}")));
            out.extend(d.ja4.iter().map(|s| format!("ja4 {s}")));
            out.extend(d.ja3.iter().map(|s| format!("ja3 {s}")));
            out.extend(d.tls_versions.iter().map(|v| format!("version {v:x}")));
            out.extend(d.tls_suites.iter().map(|v| format!("suite {v:x}")));
            out.extend(d.user_agents.iter().map(|s| format!("ua {s}")));
            out.extend(
                d.facts
                    .iter()
                    .map(|f| format!("fact {:?} {} x{}", f.kind, f.detail, f.count)),
            );
            out.extend(d.sessions.iter().map(|n| format!("sessions {n}")));
            out.extend(heard.0);
            (out, stats)
        }
    }

    fn seen(slots: usize, port: u16, segs: &[Vec<u8>]) -> (Vec<String>, crate::engine::Stats) {
        let mut r = Run::new(slots, 5 * S as i64);
        r.connect_and_send(port, segs);
        r.finish()
    }

    #[test]
    fn a_split_hello_reads_as_one() {
        let m = records(&hello("cam.example.net"), &[]);
        let (whole, st) = seen(4, 40000, std::slice::from_ref(&m));
        assert!(
            whole.contains(&"sni cam.example.net".to_string()),
            "{whole:?}"
        );
        assert_eq!(st.reassembly.started, 0);
        let (split, st) = seen(4, 40000, &segments(&m, &[700, 1400]));
        assert_eq!(split, whole);
        assert_eq!((st.reassembly.started, st.reassembly.completed), (1, 1));
        // Without reassembly the first segment alone gives another JA4 (the SNI, read early,
        // survives; the extensions after the cut do not).
        let (alone, st) = seen(0, 40000, &segments(&m, &[700, 1400]));
        assert_ne!(alone, whole);
        assert_eq!(st.reassembly.fallbacks, 1);
    }

    #[test]
    fn a_request_split_after_its_method_is_read_whole() {
        // The Hue bridge's requests: `POST ` alone, then the rest.
        let m = b"POST /queue/getmessage?duration=180000&sso=abc&auth=def HTTP/1.1\r\n\
                  Host: bridge.example.com\r\nUser-Agent: hue/1\r\n\r\n"
            .to_vec();
        let (whole, _) = seen(4, 40001, std::slice::from_ref(&m));
        assert!(
            whole.contains(&"fact HttpSecrets auth, sso x1".to_string()),
            "{whole:?}"
        );
        let (split, st) = seen(4, 40001, &segments(&m, &[5]));
        assert_eq!(split, whole);
        assert_eq!(st.reassembly.completed, 1);
        let (alone, _) = seen(0, 40001, &segments(&m, &[5]));
        assert!(
            !alone.iter().any(|s| s.contains("HttpSecrets")),
            "{alone:?}"
        );
    }

    #[test]
    fn a_form_body_is_waited_for_and_read() {
        let body = b"user=admin&password=hunter2&ssid=home";
        let m = format!(
            "POST /login HTTP/1.1\r\nHost: 10.0.0.1\r\nUser-Agent: sqlmap/1.7\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let mut m = m.into_bytes();
        m.extend_from_slice(body);
        let (whole, _) = seen(4, 40002, &[m.clone()]);
        for want in [
            "fact HttpSecrets password, ssid, user x1",
            "Login(Http)",
            "Tool(\"sqlmap\")",
        ] {
            assert!(whole.contains(&want.to_string()), "{want}: {whole:?}");
        }
        let at = m.len() - body.len();
        // (A first segment too short to show the method and its space, `POS`, is not known
        // for a request, and is inspected on its own.) An RTSP-like cut inside the request
        // line still reads whole.
        for cuts in [
            vec![at],
            vec![5, at + 10],
            vec![at - 2],
            vec![40, 90],
            vec![8],
        ] {
            let (split, st) = seen(4, 40002, &segments(&m, &cuts));
            assert_eq!(split, whole, "cut at {cuts:?}");
            assert_eq!(st.reassembly.completed, 1);
        }
    }

    #[test]
    fn retransmitted_segments_count_once() {
        let m = records(&hello("r.example"), &[]);
        let parts = segments(&m, &[600, 1200]);
        let (whole, _) = seen(4, 40003, std::slice::from_ref(&m));
        let mut r = Run::new(4, 5 * S as i64);
        let isn = r.connect_and_send(40003, &parts[..1]);
        let start = isn.wrapping_sub(600);
        // The first segment again, then the second twice.
        r.send(frame(true, 40003, start, 0x18, &parts[0]));
        r.send(frame(true, 40003, isn, 0x18, &parts[1]));
        r.send(frame(true, 40003, isn, 0x18, &parts[1]));
        r.send(frame(true, 40003, isn.wrapping_add(600), 0x18, &parts[2]));
        let (got, st) = r.finish();
        assert_eq!(got, whole);
        assert_eq!((st.reassembly.completed, st.reassembly.incomplete), (1, 0));
    }

    #[test]
    fn a_gap_inspects_what_arrived_once() {
        let m = records(&hello("gap.example"), &[]);
        let parts = segments(&m, &[300, 1200]);
        // The second segment never arrives: the first is inspected once (as it would be alone),
        // then the third on its own.
        let (alone, _) = seen(0, 40004, &[parts[0].clone(), parts[2].clone()]);
        let mut r = Run::new(4, 5 * S as i64);
        let next = r.connect_and_send(40004, &parts[..1]);
        r.send(frame(true, 40004, next.wrapping_add(900), 0x18, &parts[2]));
        assert_eq!(r.an.reassembly_in_use(), 0);
        let (got, st) = r.finish();
        assert_eq!(got, alone);
        assert!(got.contains(&"sni gap.example".to_string()), "{got:?}");
        assert_eq!((st.reassembly.started, st.reassembly.incomplete), (1, 1));
    }

    #[test]
    fn the_timeout_frees_the_buffer_and_inspects_the_prefix() {
        let m = records(&hello("slow.example"), &[]);
        let mut r = Run::new(4, 5 * S as i64);
        r.connect_and_send(40005, &segments(&m, &[400])[..1]);
        assert_eq!(r.an.reassembly_in_use(), 1);
        // Another flow's packet 4 s later: still waiting; 6 s later: given up.
        r.ts += 4 * S as i64;
        r.send(frame(false, 40099, 1, 0x10, &[]));
        assert_eq!(r.an.reassembly_in_use(), 1);
        r.ts += 2 * S as i64;
        r.send(frame(false, 40099, 1, 0x10, &[]));
        assert_eq!(r.an.reassembly_in_use(), 0);
        // Time alone (a quiet network) does it too.
        let mut q = Run::new(4, 5 * S as i64);
        q.connect_and_send(40005, &segments(&m, &[400])[..1]);
        let now = q.ts + 6 * S as i64;
        q.an.advance(now);
        assert_eq!(q.an.reassembly_in_use(), 0);
        let (got, st) = r.finish();
        assert!(got.contains(&"sni slow.example".to_string()), "{got:?}");
        assert_eq!(st.reassembly.incomplete, 1);
    }

    #[test]
    fn the_end_of_a_flow_frees_the_buffer() {
        let m = records(&hello("end.example"), &[]);
        // A timeout longer than the flow's life: the flow's end frees the buffer.
        let mut r = Run::new(4, 1_000 * S as i64);
        r.connect_and_send(40006, &segments(&m, &[400])[..1]);
        r.send(frame(true, 40006, 0, 0x04, &[]));
        assert_eq!(r.an.reassembly_in_use(), 1);
        let now = r.ts + 20 * S as i64;
        r.an.advance(now);
        assert_eq!(r.an.reassembly_in_use(), 0);
        let (got, st) = r.finish();
        assert!(got.contains(&"sni end.example".to_string()), "{got:?}");
        assert_eq!(st.reassembly.incomplete, 1);
        // A new connection on the same ports ends the old one, and at the end of the capture
        // every message still waiting is inspected.
        let mut r = Run::new(4, 1_000 * S as i64);
        r.connect_and_send(40007, &segments(&m, &[400])[..1]);
        r.connect_and_send(40007, &[]);
        assert_eq!(r.an.reassembly_in_use(), 0);
        let mut r = Run::new(4, 1_000 * S as i64);
        r.connect_and_send(40008, &segments(&m, &[400])[..1]);
        let (got, st) = r.finish();
        assert!(got.contains(&"sni end.example".to_string()), "{got:?}");
        assert_eq!(st.reassembly.incomplete, 1);
    }

    #[test]
    fn a_snapshot_reads_the_waiting_message_as_the_end_would() {
        let m = records(&hello("snap.example"), &[]);
        let mut r = Run::new(4, 1_000 * S as i64);
        r.connect_and_send(40009, &segments(&m, &[400])[..1]);
        let (inv, _, _) = r.an.snapshot(&mut ());
        let i = inv.get(&iotgate_wire::Mac(CAM)).unwrap() as usize;
        assert!(inv.devices[i].tls_snis.contains("snap.example"));
        assert_eq!(r.an.reassembly_in_use(), 1, "a snapshot changes nothing");
    }

    #[test]
    fn a_flood_of_partial_hellos_stays_in_the_pool() {
        let m = records(&hello("flood.example"), &[]);
        let mut r = Run::new(8, 5 * S as i64);
        for port in 0..100u16 {
            r.connect_and_send(20000 + port, &segments(&m, &[300])[..1]);
            assert!(r.an.reassembly_in_use() <= 8);
        }
        let (got, st) = r.finish();
        assert!(got.contains(&"sni flood.example".to_string()));
        let s = st.reassembly;
        assert_eq!((s.started, s.fallbacks, s.peak), (8, 92, 8));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// A hello split at arbitrary points into up to four TCP segments, and over up to three
        /// TLS records, reads as the same hello in one record and one segment.
        #[test]
        fn split_hellos_read_as_one(
            name in "[a-z]{1,20}\\.example",
            tcp_cuts in proptest::collection::vec(prop_oneof![0usize..12, any::<usize>()], 0..4),
            record_cuts in proptest::collection::vec(any::<usize>(), 0..3),
        ) {
            let hs = hello(&name);
            let (whole, _) = seen(4, 41000, &[records(&hs, &[])]);
            let m = records(&hs, &record_cuts);
            let (split, _) = seen(4, 41000, &segments(&m, &tcp_cuts));
            prop_assert_eq!(split, whole);
        }

        /// Any bytes, in any segments with any sequence numbers, neither panic nor hold more
        /// than the cap or the pool.
        #[test]
        fn byte_soup_stays_bounded(
            first in proptest::collection::vec(any::<u8>(), 1..64),
            lead in prop_oneof![Just(0x16u8), Just(b'G'), any::<u8>()],
            rest in proptest::collection::vec(
                (any::<i16>(), proptest::collection::vec(any::<u8>(), 0..3000)), 0..8),
        ) {
            let mut first = first;
            first[0] = lead;
            let (mut p, mut st) = (pool(2), Stats::default());
            let kind = incomplete_message(&first);
            if let Some(kind) = kind {
                let s = p.start(&mut st, kind, &first, 1000, 0, ()).unwrap();
                let mut seq = 1000u32.wrapping_add(first.len() as u32);
                for (jump, b) in &rest {
                    let at = if *jump % 3 == 0 { seq } else { seq.wrapping_add(*jump as u32) };
                    let r = p.push(&mut st, s, at, b, 0);
                    prop_assert!(p.message(s).unwrap().0.len() <= kind.cap());
                    if matches!(r, Push::Done | Push::GaveUp) {
                        break;
                    }
                    if r == Push::Waiting {
                        seq = at.wrapping_add(b.len() as u32);
                    }
                }
            }
            // The same bytes through an analyzer with one buffer.
            let mut r = Run::new(1, 5 * S as i64);
            let mut seq = r.connect_and_send(42000, &[first.clone()]);
            for (jump, b) in &rest {
                let at = if *jump % 3 == 0 { seq } else { seq.wrapping_add(*jump as u32) };
                r.send(frame(true, 42000, at, 0x18, b));
                seq = at.wrapping_add(b.len() as u32);
                prop_assert!(r.an.reassembly_in_use() <= 1);
            }
            let _ = r.finish();
        }
    }
}
