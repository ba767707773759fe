//! Bounded reassembly of a TCP flow's first client message: a TLS ClientHello or an HTTP/RTSP
//! request (head, and a form or JSON body) that did not fit in the client's first segment.
//!
//! Application-layer inspection reads the first payloads of a flow one at a time, so a message
//! spread over several segments would be judged on its first piece: a ClientHello with a
//! post-quantum key share (about 1.8 KB) loses its SNI and gets another JA4 than the same hello
//! in one segment; a request whose URL begins in a second segment shows none of its parameters.
//! When the client's first payload starts such a message and does not finish it, its bytes go
//! into a buffer from a fixed pool, and the client's next segments are placed in it by TCP
//! sequence number, as the receiving host places them: a segment that starts beyond the next
//! expected byte (reordered, or sent after one that was lost) is written at its offset and joins
//! the message when the bytes before it arrive, and a retransmission adds only the bytes still
//! missing. The message is judged on its in-order prefix (the bytes from its first on, without
//! a gap) and inspected once, whole — or, when it cannot be completed, once as that prefix.
//! When the connection's SYN was seen ([`Pool::note_syn`]), a first payload that is not the
//! stream's first segment (the one before it was overtaken) is held the same way, and the
//! message's kind is told when its first byte arrives.
//!
//! Where copies overlap, the bytes held first are kept, in order and out of order ("first copy
//! wins": [`Pool::push`] says why), and a copy whose overlapping bytes differ is counted
//! ([`Stats::overlap_conflicts`]). Beyond its prefix a buffer keeps at most [`MAX_AHEAD`]
//! separate ranges, merged as they touch: a segment that would need another is dropped and
//! counted ([`Stats::ahead_full`]), as a receiver with a full out-of-order queue drops it and
//! waits for its retransmission. A segment that starts beyond the kind's cap is no part of the
//! message: the wait goes on, and the segment is inspected on its own ([`Push::Beyond`]).
//!
//! Memory is fixed when the analyzer is built: `slots` buffers of [`SLOT_BYTES`] (256 by
//! default, 4 MiB of address space, touched only as buffers are used) and a table of the stream
//! starts SYNs announced ([`STARTS_PER_SLOT`] entries of 8 bytes a buffer: 32 KiB), and nothing
//! is allocated per packet. A flow holds at most one buffer; the buffer is released when the
//! message is whole, when the cap ends the wait, when the flow ends, and at the latest
//! [`Config::timeout_ns`] (5 s of capture time) after the first segment, so that clients
//! trickling bytes or leaving a gap open cannot keep buffers. With every buffer taken, a new
//! message is inspected segment by segment as before, and counted ([`Stats::fallbacks`]).

use std::hash::{BuildHasher, Hash};

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

/// Separate byte ranges a buffer keeps beyond its in-order prefix. Eight gaps in a message of a
/// few segments is already more reordering than networks cause; a sender making more is
/// splitting on purpose, and its further pieces wait for their retransmission.
pub const MAX_AHEAD: usize = 8;

/// Entries, per buffer, of the table of stream starts (a connection's first sequence number,
/// from its SYN, kept until its first payload). A home network has a few connections opening at
/// once; under a SYN flood newer entries take the place of older ones, and a connection whose
/// entry was taken only loses the placing of a first payload that overtook its predecessor.
pub const STARTS_PER_SLOT: usize = 16;

/// "No buffer": a flow that holds none.
pub const NO_SLOT: u16 = u16::MAX;

/// The most buffers a pool may have (buffer numbers are `u16`, [`NO_SLOT`] excluded).
pub const MAX_SLOTS: usize = NO_SLOT as usize;

// Offsets within a buffer are `u16`.
const _: () = assert!(SLOT_BYTES <= u16::MAX as usize && HTTP_CAP <= SLOT_BYTES);

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

    /// The kind of message a client's byte stream starting with `b` could be.
    fn of(b: u8) -> Option<Kind> {
        match b {
            0x16 => Some(Kind::Tls),
            b'A'..=b'Z' => Some(Kind::Http),
            _ => None,
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
    let kind = Kind::of(*p.first()?)?;
    (p.len() < kind.cap() && kind.complete(p) == Some(false)).then_some(kind)
}

/// How far sequence number `seq` lies after `from` (negative: before it), in serial-number
/// arithmetic (RFC 1982 §3.2; TCP's sequence space is modulo 2^32, RFC 9293 §3.4): of two
/// numbers less than 2^31 apart, the one reached by counting up is after.
#[inline]
fn seq_offset(seq: u32, from: u32) -> i64 {
    i64::from(seq.wrapping_sub(from) as i32)
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
    /// Of those, messages inspected incomplete: the cap, the timeout or the flow's end before a
    /// gap was filled or the message ended, or bytes that stopped being (or never were) the
    /// message.
    pub incomplete: u64,
    /// Incomplete first messages inspected segment by segment because every buffer was taken.
    pub fallbacks: u64,
    /// Most buffers held at once.
    pub peak: u64,
    /// Segments placed beyond the next expected byte (after a gap), to join the message when
    /// the bytes before them arrive; a first payload that overtook the stream's first bytes too.
    pub out_of_order: u64,
    /// Segments dropped because their buffer already held [`MAX_AHEAD`] separate ranges beyond
    /// its prefix (a retransmission may bring them again).
    pub ahead_full: u64,
    /// Segments whose bytes overlapping ones already held differed from them: the bytes held
    /// first were kept. A receiving host may have kept the other copy, so this is how an attempt
    /// to show the analyzer other bytes than the server reads (or a broken sender) shows.
    pub overlap_conflicts: u64,
}

/// What became of a segment handed to [`Pool::push`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Push {
    /// Placed (in order or beyond a gap); the message is not whole yet.
    Waiting,
    /// Nothing of it was placed: bytes already held (a retransmission), bytes before the
    /// message, or a segment dropped because the buffer's ranges beyond the prefix are all
    /// taken. It is not inspected on its own either.
    Ignored,
    /// Placed, and the message is whole: inspect it and release.
    Done,
    /// Placed (as far as the cap), and the message cannot be completed: the cap is reached, or
    /// its bytes stopped being (or never were) such a message and none are held beyond a gap.
    /// Inspect what the buffer holds and release it.
    GaveUp,
    /// It starts beyond the cap: no part of the message, which goes on waiting. The segment is
    /// not in the buffer and is inspected on its own.
    Beyond,
}

/// What a buffer holds besides its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Held<T> {
    /// The message's kind; `None` while its first byte has not arrived (a first payload that
    /// overtook it).
    pub kind: Option<Kind>,
    /// Bytes of the in-order prefix: from the message's first byte on, without a gap.
    pub len: u32,
    /// Sequence number of the message's first byte.
    pub first_seq: u32,
    /// Sequence number of the byte expected next: the first the prefix lacks.
    pub next_seq: u32,
    /// Capture time of the first segment, ns.
    pub first_ns: i64,
    /// Capture time of the last segment that placed bytes, ns.
    pub last_ns: i64,
    /// What the owner keeps with the message (the analyzer: the flow's key and the context of
    /// its first segment).
    pub owner: T,
    /// The ranges held beyond the prefix.
    ahead: Ahead,
}

/// Byte ranges a buffer holds beyond its prefix: `(start, end)` offsets from the message's
/// first byte, the first `n` of `r` in order, each separated from the prefix and from one
/// another by a gap of at least a byte.
#[derive(Debug, Clone, Copy, Default)]
struct Ahead {
    r: [(u16, u16); MAX_AHEAD],
    n: u8,
}

impl Ahead {
    fn get(&self) -> &[(u16, u16)] {
        self.r.get(..usize::from(self.n)).unwrap_or(&[])
    }
}

impl<T> Held<T> {
    /// The most bytes this message may have.
    pub fn cap(&self) -> usize {
        self.kind.map_or(SLOT_BYTES, Kind::cap)
    }

    /// The ranges held beyond the prefix (offsets from the message's first byte, in order).
    pub fn ahead(&self) -> &[(u16, u16)] {
        self.ahead.get()
    }

    /// Where, in the buffer, the bytes to inspect lie: the prefix; when the message's first
    /// byte never came, the first run of bytes that did.
    fn shown(&self) -> (usize, usize) {
        match (self.len, self.ahead.get().first()) {
            (0, Some(&(a, b))) => (usize::from(a), usize::from(b)),
            (len, _) => (0, len as usize),
        }
    }

    /// Forgets the bytes beyond `cap` (the kind, told late, caps the message lower).
    fn clip(&mut self, cap: usize) {
        let cap = cap.min(SLOT_BYTES) as u16;
        self.len = self.len.min(u32::from(cap));
        let mut kept = Ahead::default();
        for &(a, b) in self.ahead.get() {
            if a < cap {
                if let Some(r) = kept.r.get_mut(usize::from(kept.n)) {
                    *r = (a, b.min(cap));
                    kept.n += 1;
                }
            }
        }
        self.ahead = kept;
    }
}

/// What placing a segment's bytes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placed {
    /// Every byte was already held.
    Nothing,
    /// It needed one more range beyond the prefix than a buffer keeps: dropped.
    NoRoom,
    /// Bytes placed beyond the prefix, which did not grow.
    Ahead,
    /// The prefix grew.
    Prefix,
}

/// Places `data`, the bytes at offsets `s..e` of the message (`s < e <= buf.len()`), into
/// `buf` and `h`'s ranges: the bytes already held are kept, the others written; the ranges
/// that now touch are merged, and those the prefix reaches join it. Returns what it did, and
/// whether a byte already held differed from `data`'s.
fn place<T>(buf: &mut [u8], h: &mut Held<T>, s: usize, e: usize, data: &[u8]) -> (Placed, bool) {
    let len = h.len as usize;
    let held = h.ahead;
    let ahead = held.get();
    let touches = |a: usize, b: usize| s <= b && a <= e;
    if s > len
        && ahead.len() >= MAX_AHEAD
        && !ahead
            .iter()
            .any(|&(a, b)| touches(usize::from(a), usize::from(b)))
    {
        return (Placed::NoRoom, false);
    }
    // Walk the held intervals in order (the prefix, then the ranges ahead): compare the bytes
    // they share with `data`, write the bytes between them.
    let (mut at, mut differs, mut wrote) = (s, false, false);
    let intervals = std::iter::once((0, len))
        .chain(ahead.iter().map(|&(a, b)| (usize::from(a), usize::from(b))));
    for (a, b) in intervals {
        if b <= at {
            continue;
        }
        if a >= e {
            break;
        }
        if a > at {
            wrote |= copy(buf, at, a, s, data);
        }
        let (x, y) = (a.max(at), b.min(e));
        differs |= buf.get(x..y) != data.get(x - s..y - s);
        at = y;
    }
    if at < e {
        wrote |= copy(buf, at, e, s, data);
    }
    if !wrote {
        return (Placed::Nothing, differs);
    }
    if s <= len {
        // The prefix grows, and takes in the ranges it now reaches.
        let mut len = len.max(e);
        let mut joined = 0;
        for &(a, b) in ahead {
            if usize::from(a) > len {
                break;
            }
            len = len.max(usize::from(b));
            joined += 1;
        }
        let mut rest = Ahead::default();
        for (i, &r) in ahead.iter().skip(joined).enumerate() {
            if let Some(slot) = rest.r.get_mut(i) {
                *slot = r;
                rest.n += 1;
            }
        }
        h.ahead = rest;
        h.len = len as u32;
        return (Placed::Prefix, differs);
    }
    // A range of its own, merged with those it touches, in order.
    let mut out = Ahead::default();
    let (mut ns, mut ne) = (s, e);
    let put = |r: (usize, usize), out: &mut Ahead| {
        if let Some(slot) = out.r.get_mut(usize::from(out.n)) {
            *slot = (r.0 as u16, r.1 as u16);
            out.n += 1;
        }
    };
    let mut placed = false;
    for &(a, b) in ahead {
        let (a, b) = (usize::from(a), usize::from(b));
        if b < ns {
            put((a, b), &mut out);
        } else if a > ne {
            if !placed {
                put((ns, ne), &mut out);
                placed = true;
            }
            put((a, b), &mut out);
        } else {
            ns = ns.min(a);
            ne = ne.max(b);
        }
    }
    if !placed {
        put((ns, ne), &mut out);
    }
    h.ahead = out;
    (Placed::Ahead, differs)
}

/// Copies `data`'s bytes for the message offsets `from..to` (`data` starting at offset `s`)
/// into `buf`; true when there were any.
fn copy(buf: &mut [u8], from: usize, to: usize, s: usize, data: &[u8]) -> bool {
    match (buf.get_mut(from..to), data.get(from - s..to - s)) {
        (Some(dst), Some(src)) if !src.is_empty() => {
            dst.copy_from_slice(src);
            true
        }
        _ => false,
    }
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
    /// Stream starts SYNs announced, direct-mapped by a seeded hash of the connection's key:
    /// the hash's high 32 bits (never 0: 0 is a free entry), then the sequence number of the
    /// stream's first byte.
    starts: Box<[u64]>,
    seed: foldhash::fast::RandomState,
    cfg: Config,
}

impl<T: Copy> Pool<T> {
    /// A pool with `cfg.slots` buffers (capped at [`MAX_SLOTS`]), all free.
    pub fn new(cfg: Config) -> Self {
        let n = cfg.slots.min(MAX_SLOTS);
        let starts = if n == 0 {
            0
        } else {
            (n * STARTS_PER_SLOT).next_power_of_two()
        };
        Pool {
            // Zeroed memory: pages the kernel hands over as buffers are first written.
            bytes: vec![0u8; n * SLOT_BYTES].into_boxed_slice(),
            held: vec![None; n].into_boxed_slice(),
            free: (0..n as u16).rev().collect(),
            used: 0,
            next_deadline: i64::MAX,
            scratch: vec![0u8; SLOT_BYTES].into_boxed_slice(),
            starts: vec![0u64; starts].into_boxed_slice(),
            seed: foldhash::fast::RandomState::default(),
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

    /// The entry of the table of stream starts for `key`, and the tag it holds when it is
    /// `key`'s.
    fn start_entry<K: Hash>(&self, key: &K) -> Option<(usize, u64)> {
        let mask = self.starts.len().checked_sub(1)?;
        let h = self.seed.hash_one(key);
        Some((h as usize & mask, (h >> 32).max(1) << 32))
    }

    /// Notes the SYN (sequence number `syn_seq`) of the connection `key` opens: its byte stream
    /// starts at `syn_seq + 1` (a SYN takes one sequence number). Kept until the connection's
    /// first payload ([`Pool::first_payload`]) or until a SYN of another connection takes the
    /// entry; nothing is kept when reassembly is off.
    pub fn note_syn<K: Hash>(&mut self, key: &K, syn_seq: u32) {
        if let Some((i, tag)) = self.start_entry(key) {
            if let Some(e) = self.starts.get_mut(i) {
                *e = tag | u64::from(syn_seq.wrapping_add(1));
            }
        }
    }

    /// The start of `key`'s byte stream, if its SYN was noted; the entry is freed.
    fn take_start<K: Hash>(&mut self, key: &K) -> Option<u32> {
        let (i, tag) = self.start_entry(key)?;
        let e = self.starts.get_mut(i)?;
        if (*e & !0xffff_ffff) != tag {
            return None;
        }
        let first = *e as u32;
        *e = 0;
        Some(first)
    }

    /// Takes the client's first payload `p` on connection `key` (sequence number `seq`, at
    /// `ts`) and returns the number of the buffer that keeps it, when there is a message to
    /// wait for: `p` starts a message it does not finish ([`incomplete_message`]), or `p` lies
    /// beyond the first byte of the stream (as its SYN announced, [`Pool::note_syn`]) and
    /// before the largest cap — it overtook the segment before it; it is placed at its offset
    /// and the message's kind is told when the first byte arrives. `None` when there is
    /// nothing to wait for, or (counted as a fallback) when every buffer is taken.
    pub fn first_payload<K: Hash>(
        &mut self,
        stats: &mut Stats,
        key: &K,
        p: &[u8],
        seq: u32,
        ts: i64,
        owner: T,
    ) -> Option<u16> {
        let first = self.take_start(key);
        let off = first.map_or(0, |f| seq_offset(seq, f));
        match first {
            Some(first) if off > 0 && off < SLOT_BYTES as i64 && !p.is_empty() => {
                let slot = self.hold(stats, None, first, ts, owner)?;
                stats.out_of_order += 1;
                if let Some(Some(h)) = self.held.get(usize::from(slot)) {
                    let mut h = *h;
                    let (s, e) = (off as usize, (off as usize + p.len()).min(SLOT_BYTES));
                    let data = p.get(..e - s).unwrap_or(&[]);
                    place(self.buf_mut(slot), &mut h, s, e, data);
                    self.held[usize::from(slot)] = Some(h);
                }
                Some(slot)
            }
            _ => {
                let kind = incomplete_message(p)?;
                self.start(stats, kind, p, seq, ts, owner)
            }
        }
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
        let slot = self.hold(stats, Some(kind), seq, ts, owner)?;
        let n = p.len().min(kind.cap());
        self.buf_mut(slot)[..n].copy_from_slice(&p[..n]);
        if let Some(Some(h)) = self.held.get_mut(usize::from(slot)) {
            h.len = n as u32;
            h.next_seq = seq.wrapping_add(n as u32);
        }
        Some(slot)
    }

    /// Takes a free buffer for a message whose first byte is `first_seq`, empty; `None`,
    /// counted as a fallback, when every buffer is taken.
    fn hold(
        &mut self,
        stats: &mut Stats,
        kind: Option<Kind>,
        first_seq: u32,
        ts: i64,
        owner: T,
    ) -> Option<u16> {
        let Some(slot) = self.free.pop() else {
            stats.fallbacks += 1;
            return None;
        };
        self.held[usize::from(slot)] = Some(Held {
            kind,
            len: 0,
            first_seq,
            next_seq: first_seq,
            first_ns: ts,
            last_ns: ts,
            owner,
            ahead: Ahead::default(),
        });
        self.used += 1;
        stats.started += 1;
        stats.peak = stats.peak.max(self.used as u64);
        self.next_deadline = self
            .next_deadline
            .min(ts.saturating_add(self.cfg.timeout_ns));
        Some(slot)
    }

    /// Hands the buffer `slot` one of the client's next segments, `p` (sequence number `seq`,
    /// at `ts`), and places its bytes at their offset from the message's first byte, in order
    /// or beyond a gap.
    ///
    /// Overlapping copies (a retransmission, a segment repacketised, or an attempt to show the
    /// analyzer other bytes than the server reads) are settled by one rule, in order and out of
    /// order: the bytes held first are kept and the new copy's overlapping bytes ignored
    /// ("first copy wins"). Every stack does so with bytes it already received in order
    /// (RFC 9293 §3.10.7.4: of a segment straddling old and new, only the new part is
    /// processed). Out of order, stacks differ: 4.4BSD's `tcp_reass` trims a new segment
    /// against the queued one before it (the old bytes win) but trims the queued ones after it
    /// (the new bytes win); Linux's `tcp_data_queue_ofo` drops a segment the queue already
    /// covers but replaces queued segments the new one covers whole. A passive observer cannot
    /// tell which stack receives, so it keeps one rule and counts the copies whose overlapping
    /// bytes differ from those kept ([`Stats::overlap_conflicts`]): there, hosts may disagree.
    pub fn push(&mut self, stats: &mut Stats, slot: u16, seq: u32, p: &[u8], ts: i64) -> Push {
        let Some(mut h) = self.held.get(usize::from(slot)).copied().flatten() else {
            return Push::Ignored;
        };
        if p.is_empty() {
            return Push::Waiting;
        }
        let cap = h.cap();
        let rel = seq_offset(seq, h.first_seq);
        if rel >= cap as i64 {
            return Push::Beyond;
        }
        let end = rel
            .saturating_add(i64::try_from(p.len()).unwrap_or(i64::MAX))
            .min(cap as i64);
        if end <= 0 {
            // Wholly before the message's first byte.
            return Push::Ignored;
        }
        // The segment's bytes within the message: offsets `s..e`, with 0 <= s < e <= cap.
        let (s, e) = (rel.max(0) as usize, end as usize);
        let skip = (rel.max(0) - rel) as usize;
        let Some(data) = p.get(skip..skip + (e - s)) else {
            return Push::Ignored;
        };
        let (placed, differs) = place(self.buf_mut(slot), &mut h, s, e, data);
        if differs {
            stats.overlap_conflicts += 1;
        }
        match placed {
            Placed::Nothing => return Push::Ignored,
            Placed::NoRoom => {
                stats.ahead_full += 1;
                return Push::Ignored;
            }
            Placed::Ahead | Placed::Prefix => h.last_ns = ts,
        }
        if placed == Placed::Ahead {
            stats.out_of_order += 1;
            self.held[usize::from(slot)] = Some(h);
            return Push::Waiting;
        }
        // The prefix grew: the message's kind is known now if it was not, and whether it is
        // whole is judged on the prefix.
        let kind = h.kind.or_else(|| Kind::of(*self.buf(slot).first()?));
        if let (None, Some(k)) = (h.kind, kind) {
            h.kind = Some(k);
            h.clip(k.cap());
        }
        h.next_seq = h.first_seq.wrapping_add(h.len);
        self.held[usize::from(slot)] = Some(h);
        let len = h.len as usize;
        let complete = kind.and_then(|k| k.complete(self.buf(slot).get(..len).unwrap_or(&[])));
        match complete {
            Some(true) => {
                stats.completed += 1;
                Push::Done
            }
            Some(false) if len < h.cap() => Push::Waiting,
            // Not (or no longer) such a message, but bytes are held beyond a gap: they join the
            // prefix, to be inspected with it, when the gap fills (or the wait ends).
            None if !h.ahead().is_empty() => Push::Waiting,
            _ => {
                stats.incomplete += 1;
                Push::GaveUp
            }
        }
    }

    /// The message in buffer `slot` (its in-order prefix; when its first byte never came, the
    /// first run of bytes that did) and what is kept with it.
    pub fn message(&self, slot: u16) -> Option<(&[u8], &Held<T>)> {
        let h = self.held.get(usize::from(slot))?.as_ref()?;
        let (a, b) = h.shown();
        Some((self.buf(slot).get(a..b).unwrap_or(&[]), h))
    }

    /// [`Pool::message`], with the pool's scratch buffer to join TLS records in.
    pub fn message_and_scratch(&mut self, slot: u16) -> Option<(&[u8], &Held<T>, &mut [u8])> {
        let h = self.held.get(usize::from(slot))?.as_ref()?;
        let (a, b) = h.shown();
        let i = usize::from(slot) * SLOT_BYTES;
        let b = self.bytes.get(i + a..i + b).unwrap_or(&[]);
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

    /// A form POST whose body (with credentials) ends the message: 146 bytes, the body from 109.
    fn form_post() -> Vec<u8> {
        let body = b"user=admin&password=hunter2&ssid=home";
        let mut m = format!(
            "POST /login HTTP/1.1\r\nHost: 10.0.0.1\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn a_gap_no_longer_ends_the_wait() {
        let m = records(&hello("a.example"), &[]);
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Tls, &m[..500], 7, 0, ()).unwrap();
        // A segment beyond the next byte (one was lost, or is late) waits at its offset; the
        // message is still the in-order prefix.
        assert_eq!(p.push(&mut st, s, 7 + 600, &m[600..], 1), Push::Waiting);
        let (b, h) = p.message(s).unwrap();
        assert_eq!((b, h.ahead()), (&m[..500], &[(600u16, m.len() as u16)][..]));
        assert_eq!(h.next_seq, 7 + 500);
        // One overlapping the prefix's end and reaching the range joins them: whole.
        assert_eq!(p.push(&mut st, s, 7 + 400, &m[400..600], 2), Push::Done);
        let (b, h) = p.message(s).unwrap();
        assert_eq!((b, h.ahead(), h.last_ns), (&m[..], &[][..], 2));
        assert_eq!(
            (
                st.out_of_order,
                st.completed,
                st.incomplete,
                st.overlap_conflicts
            ),
            (1, 1, 0, 0)
        );
    }

    #[test]
    fn reordered_segments_make_the_message() {
        let m = records(&hello("camera.example.com"), &[]);
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Tls, &m[..100], 1000, 0, ()).unwrap();
        assert_eq!(p.push(&mut st, s, 1900, &m[900..1400], 1), Push::Waiting);
        // Touching the range ahead: merged with it, still ahead of the gap.
        assert_eq!(p.push(&mut st, s, 2400, &m[1400..], 2), Push::Waiting);
        assert_eq!(p.message(s).unwrap().1.ahead(), [(900, m.len() as u16)]);
        assert_eq!(p.message(s).unwrap().0, &m[..100]);
        assert_eq!(p.push(&mut st, s, 1100, &m[100..900], 3), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
        assert_eq!((st.out_of_order, st.completed), (2, 1));
    }

    #[test]
    fn segments_in_reverse_order_make_the_message() {
        let m = records(&hello("reverse.example"), &[]);
        let parts = segments(&m, &[150, 300, 450, 600, 750, 900, 1050, 1200, 1350]);
        assert_eq!(parts.len(), 10);
        let at = |i: usize| 5000u32 + (i * 150) as u32;
        // The first segment first, then the others from the last back.
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p
            .start(&mut st, Kind::Tls, &parts[0], at(0), 0, ())
            .unwrap();
        for i in (2..10).rev() {
            assert_eq!(p.push(&mut st, s, at(i), &parts[i], 1), Push::Waiting);
            assert_eq!(
                p.message(s).unwrap().1.ahead().len(),
                1,
                "merged as they touch"
            );
        }
        assert_eq!(p.push(&mut st, s, at(1), &parts[1], 2), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
        // Every segment from the last back, the first one last: the SYN said where the stream
        // starts, and the kind is told when its first byte arrives.
        let (mut p, mut st) = (pool(1), Stats::default());
        p.note_syn(&7u64, at(0).wrapping_sub(1));
        let s = p
            .first_payload(&mut st, &7u64, &parts[9], at(9), 0, ())
            .unwrap();
        assert_eq!(p.message(s).unwrap().1.kind, None);
        assert_eq!(
            p.message(s).unwrap().0,
            &parts[9][..],
            "the first run so far"
        );
        for i in (1..9).rev() {
            assert_eq!(p.push(&mut st, s, at(i), &parts[i], 1), Push::Waiting);
        }
        assert_eq!(p.push(&mut st, s, at(0), &parts[0], 2), Push::Done);
        let (b, h) = p.message(s).unwrap();
        assert_eq!((b, h.kind), (&m[..], Some(Kind::Tls)));
        assert_eq!((st.started, st.out_of_order, st.completed), (1, 9, 1));
    }

    #[test]
    fn a_first_payload_is_placed_by_the_syn_it_follows() {
        let m = form_post();
        let (mut p, mut st) = (pool(2), Stats::default());
        // No SYN seen: only a first payload that starts a message is held, as before.
        assert_eq!(p.first_payload(&mut st, &1u8, &m[20..], 120, 0, ()), None);
        let a = p
            .first_payload(&mut st, &1u8, &m[..20], 100, 0, ())
            .unwrap();
        assert_eq!(p.message(a).unwrap().1.kind, Some(Kind::Http));
        p.release(&mut st, a, false);
        // With its SYN: the stream's first segment, or one that overtook it.
        p.note_syn(&2u8, 99);
        let b = p
            .first_payload(&mut st, &2u8, &m[..20], 100, 0, ())
            .unwrap();
        assert_eq!(p.message(b).unwrap().1.first_seq, 100);
        p.release(&mut st, b, false);
        p.note_syn(&3u8, 99);
        // Another connection's SYN says nothing of this one.
        assert_eq!(p.first_payload(&mut st, &5u8, &m[20..], 120, 0, ()), None);
        let c = p
            .first_payload(&mut st, &3u8, &m[20..], 120, 0, ())
            .unwrap();
        assert_eq!(p.message(c).unwrap().1.ahead(), [(20, m.len() as u16)]);
        // The SYN was used: a second first payload would not find it.
        assert_eq!(p.first_payload(&mut st, &3u8, &m[20..], 120, 0, ()), None);
        // Too far beyond the stream's start to be the message's.
        p.note_syn(&4u8, 99);
        let far = 100 + SLOT_BYTES as u32;
        assert_eq!(p.first_payload(&mut st, &4u8, &m[20..], far, 0, ()), None);
        assert_eq!(p.push(&mut st, c, 100, &m[..20], 1), Push::Done);
        assert_eq!(p.message(c).unwrap().0, &m[..]);
        // Reassembly off: nothing is noted.
        let mut off: Pool<()> = pool(0);
        off.note_syn(&3u8, 99);
        assert_eq!(off.first_payload(&mut st, &3u8, &m[20..], 120, 0, ()), None);
    }

    #[test]
    fn a_reordered_stream_that_is_no_message_is_read_as_one_payload() {
        let banner = b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5\r\n";
        let (mut p, mut st) = (pool(1), Stats::default());
        p.note_syn(&9u8, 0);
        let s = p
            .first_payload(&mut st, &9u8, &banner[10..], 11, 0, ())
            .unwrap();
        assert_eq!(p.push(&mut st, s, 1, &banner[..10], 1), Push::GaveUp);
        assert_eq!(p.message(s).unwrap().0, &banner[..]);
        assert_eq!(st.incomplete, 1);
        // While bytes are held beyond a gap, the wait goes on for them (they would be lost):
        // the banner's end first, then its start, then its middle; an MQTT CONNECT likewise.
        let connect = b"\x10\x1c\x00\x04MQTT\x04\xc2\x00\x3c\x00\x03cam\x00\x05admin\x00\x04pass";
        for stream in [&banner[..], &connect[..]] {
            let (mut p, mut st) = (pool(1), Stats::default());
            p.note_syn(&9u8, 0);
            let s = p
                .first_payload(&mut st, &9u8, &stream[20..], 21, 0, ())
                .unwrap();
            assert_eq!(p.push(&mut st, s, 1, &stream[..8], 1), Push::Waiting);
            assert_eq!(p.message(s).unwrap().0, &stream[..8]);
            assert_eq!(p.push(&mut st, s, 9, &stream[8..20], 2), Push::GaveUp);
            assert_eq!(p.message(s).unwrap().0, stream);
        }
    }

    #[test]
    fn duplicates_add_nothing() {
        let m = form_post();
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Http, &m[..30], 0, 0, ()).unwrap();
        assert_eq!(p.push(&mut st, s, 60, &m[60..90], 1), Push::Waiting);
        assert_eq!(p.push(&mut st, s, 60, &m[60..90], 2), Push::Ignored);
        assert_eq!(p.push(&mut st, s, 70, &m[70..80], 2), Push::Ignored);
        assert_eq!(p.push(&mut st, s, 10, &m[10..30], 2), Push::Ignored);
        // A copy that also brings new bytes places them only.
        assert_eq!(p.push(&mut st, s, 50, &m[50..100], 3), Push::Waiting);
        assert_eq!(p.message(s).unwrap().1.ahead(), [(50, 100)]);
        assert_eq!(p.message(s).unwrap().1.last_ns, 3);
        assert_eq!(p.push(&mut st, s, 0, &m, 4), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
        assert_eq!((st.out_of_order, st.overlap_conflicts), (2, 0));
    }

    #[test]
    fn overlapping_copies_keep_the_first() {
        let m = form_post();
        let forged = |r: std::ops::Range<usize>| -> Vec<u8> {
            m[r].iter().map(|c| c.wrapping_add(1)).collect()
        };
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Http, &m[..40], 0, 0, ()).unwrap();
        assert_eq!(p.push(&mut st, s, 60, &m[60..80], 1), Push::Waiting);
        // Other bytes over the prefix's end (35..40) and over the range (60..70), the true
        // ones between: the prefix grows through the range, the bytes held first are kept.
        let mut mixed = forged(35..40);
        mixed.extend_from_slice(&m[40..60]);
        mixed.extend_from_slice(&forged(60..70));
        assert_eq!(p.push(&mut st, s, 35, &mixed, 2), Push::Waiting);
        assert_eq!(p.message(s).unwrap().0, &m[..80]);
        assert_eq!(st.overlap_conflicts, 1);
        // The same bytes again are no conflict; other bytes in order are one, and ignored.
        assert_eq!(p.push(&mut st, s, 20, &m[20..50], 3), Push::Ignored);
        assert_eq!(p.push(&mut st, s, 20, &forged(20..50), 3), Push::Ignored);
        assert_eq!(st.overlap_conflicts, 2);
        // Out of order the rule is the same, whichever copy is the true one: a forged copy
        // that came first is what the message shows.
        assert_eq!(p.push(&mut st, s, 115, &forged(115..125), 4), Push::Waiting);
        assert_eq!(p.push(&mut st, s, 112, &m[112..130], 5), Push::Waiting);
        assert_eq!(st.overlap_conflicts, 3);
        assert_eq!(p.push(&mut st, s, 80, &m[80..], 6), Push::Done);
        let mut want = m.clone();
        want[115..125].copy_from_slice(&forged(115..125));
        assert_eq!(p.message(s).unwrap().0, &want[..]);
        assert_eq!(st.overlap_conflicts, 4);
    }

    #[test]
    fn sequence_numbers_wrap() {
        let m = records(&hello("wrap.example"), &[]);
        // The message's first byte 100 bytes before the wrap; pieces on both sides of it.
        let first = u32::MAX - 99;
        let at = |o: usize| first.wrapping_add(o as u32);
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Tls, &m[..50], first, 0, ()).unwrap();
        assert_eq!(p.push(&mut st, s, at(300), &m[300..], 1), Push::Waiting);
        assert_eq!(p.push(&mut st, s, at(80), &m[80..200], 1), Push::Waiting);
        assert_eq!(
            p.message(s).unwrap().1.ahead(),
            [(80, 200), (300, m.len() as u16)]
        );
        // Old bytes from before the wrap, and before the message.
        assert_eq!(
            p.push(&mut st, s, first - 10, &[0x16; 30], 1),
            Push::Ignored
        );
        assert_eq!(
            p.push(&mut st, s, first - 10, &[0x16; 10], 1),
            Push::Ignored
        );
        assert_eq!(p.push(&mut st, s, at(50), &m[50..80], 2), Push::Waiting);
        assert_eq!(p.message(s).unwrap().1.next_seq, at(200));
        assert_eq!(p.push(&mut st, s, at(200), &m[200..300], 3), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
        assert_eq!(
            st.overlap_conflicts, 1,
            "the part of the first one within the message"
        );
        // A first payload overtaking the wrap: SYN at u32::MAX, stream from 0.
        let (mut p, mut st) = (pool(1), Stats::default());
        p.note_syn(&1u8, u32::MAX - 1);
        let s = p.first_payload(&mut st, &1u8, &m[40..], 39, 0, ()).unwrap();
        assert_eq!(p.message(s).unwrap().1.first_seq, u32::MAX);
        assert_eq!(p.push(&mut st, s, u32::MAX, &m[..40], 1), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
        // Half the sequence space away is before (serial-number arithmetic), just less is
        // after: beyond the cap.
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Tls, &m[..50], 10, 0, ()).unwrap();
        assert_eq!(
            p.push(&mut st, s, 10 + (1 << 31), &m[50..], 1),
            Push::Ignored
        );
        assert_eq!(p.push(&mut st, s, 9 + (1 << 31), &m[50..], 1), Push::Beyond);
    }

    #[test]
    fn more_gaps_than_ranges_are_dropped_until_retransmitted() {
        let m = form_post();
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Http, &m[..10], 0, 0, ()).unwrap();
        // Eight separate pieces ahead: 20..25, 30..35, ... 90..95.
        for k in 0..MAX_AHEAD {
            let o = 20 + 10 * k;
            assert_eq!(p.push(&mut st, s, o as u32, &m[o..o + 5], 1), Push::Waiting);
        }
        assert_eq!(p.message(s).unwrap().1.ahead().len(), MAX_AHEAD);
        // A ninth is dropped (and counted), not inspected either.
        assert_eq!(p.push(&mut st, s, 100, &m[100..105], 2), Push::Ignored);
        assert_eq!(st.ahead_full, 1);
        // A piece touching two ranges merges them, which leaves room for the ninth.
        assert_eq!(p.push(&mut st, s, 25, &m[25..30], 3), Push::Waiting);
        assert_eq!(p.message(s).unwrap().1.ahead()[0], (20, 35));
        assert_eq!(p.push(&mut st, s, 100, &m[100..105], 4), Push::Waiting);
        assert_eq!(p.message(s).unwrap().1.ahead().len(), MAX_AHEAD);
        // A piece overlapping a range may still come, and the rest in order completes it.
        assert_eq!(p.push(&mut st, s, 58, &m[58..64], 5), Push::Waiting);
        assert_eq!(p.push(&mut st, s, 10, &m[10..], 6), Push::Done);
        assert_eq!(p.message(s).unwrap().0, &m[..]);
        assert_eq!((st.ahead_full, st.overlap_conflicts), (1, 0));
    }

    #[test]
    fn a_segment_past_the_cap_is_no_part_of_the_message() {
        let (mut p, mut st) = (pool(1), Stats::default());
        let s = p.start(&mut st, Kind::Http, b"GET /", 0, 0, ()).unwrap();
        let cap = HTTP_CAP as u32;
        assert_eq!(p.push(&mut st, s, cap, b"more", 1), Push::Beyond);
        assert_eq!(p.push(&mut st, s, cap + 100, b"more", 1), Push::Beyond);
        // Straddling the cap: kept up to it.
        assert_eq!(p.push(&mut st, s, cap - 2, b"abcd", 2), Push::Waiting);
        assert_eq!(
            p.message(s).unwrap().1.ahead(),
            [(HTTP_CAP as u16 - 2, HTTP_CAP as u16)]
        );
        assert_eq!(p.message(s).unwrap().0, b"GET /");
        assert_eq!(st.out_of_order, 1);
        // A first payload that overtook the stream's start waits under the largest cap, and
        // the kind's own applies when it is told: what lies beyond 8 KiB of a request goes.
        let (mut p, mut st) = (pool(1), Stats::default());
        p.note_syn(&1u8, 0);
        let s = p
            .first_payload(&mut st, &1u8, b"Host: x\r\n", 12_001, 0, ())
            .unwrap();
        assert_eq!(p.message(s).unwrap().1.ahead(), [(12_000, 12_009)]);
        assert_eq!(p.push(&mut st, s, 20_000, b"x", 1), Push::Beyond);
        assert_eq!(p.push(&mut st, s, 8_001, b"y", 1), Push::Waiting);
        assert_eq!(
            p.push(&mut st, s, 1, b"GET / HTTP/1.1\r\n", 2),
            Push::Waiting
        );
        let h = *p.message(s).unwrap().1;
        assert_eq!(
            (h.kind, h.ahead()),
            (Some(Kind::Http), &[(8_000u16, 8_001u16)][..])
        );
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
    fn a_gap_waits_for_the_missing_segment() {
        let m = records(&hello("gap.example"), &[]);
        let parts = segments(&m, &[300, 1200]);
        let (whole, _) = seen(4, 40004, std::slice::from_ref(&m));
        // The second segment comes after the third: the message waits for it, and is read
        // whole.
        let mut r = Run::new(4, 5 * S as i64);
        let next = r.connect_and_send(40004, &parts[..1]);
        r.send(frame(true, 40004, next.wrapping_add(900), 0x18, &parts[2]));
        assert_eq!(r.an.reassembly_in_use(), 1);
        r.send(frame(true, 40004, next, 0x18, &parts[1]));
        assert_eq!(r.an.reassembly_in_use(), 0);
        let (got, st) = r.finish();
        assert_eq!(got, whole);
        let s = st.reassembly;
        assert_eq!((s.started, s.completed, s.out_of_order), (1, 1, 1));
        // It never comes: the prefix is inspected once, at the end; the third segment, held,
        // is not inspected on its own either.
        let (first_alone, _) = seen(0, 40004, &parts[..1]);
        let mut r = Run::new(4, 5 * S as i64);
        let next = r.connect_and_send(40004, &parts[..1]);
        r.send(frame(true, 40004, next.wrapping_add(900), 0x18, &parts[2]));
        let (got, st) = r.finish();
        assert_eq!(got, first_alone);
        assert!(got.contains(&"sni gap.example".to_string()), "{got:?}");
        assert_eq!((st.reassembly.started, st.reassembly.incomplete), (1, 1));
    }

    /// The client's `segs` sent in `order` (indices into `segs`, repeats allowed) after a
    /// handshake on `port` whose SYN carries `isn`.
    fn seen_in_order(
        port: u16,
        isn: u32,
        segs: &[Vec<u8>],
        order: &[usize],
    ) -> (Vec<String>, crate::engine::Stats) {
        let mut r = Run::new(4, 5 * S as i64);
        r.send(frame(true, port, isn, 0x02, &[]));
        r.send(frame(false, port, 7, 0x12, &[]));
        r.send(frame(true, port, isn.wrapping_add(1), 0x10, &[]));
        let mut at = Vec::new();
        let mut seq = isn.wrapping_add(1);
        for s in segs {
            at.push(seq);
            seq = seq.wrapping_add(s.len() as u32);
        }
        for &i in order {
            r.send(frame(true, port, at[i], 0x18, &segs[i]));
        }
        r.finish()
    }

    #[test]
    fn segments_in_any_order_read_as_one() {
        let m = records(&hello("order.example"), &[700]);
        let parts = segments(&m, &[500, 1100]);
        let (whole, _) = seen(4, 40010, std::slice::from_ref(&m));
        for order in [[0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            // The sequence numbers wrap inside the message for the second ISN.
            for isn in [1_000, u32::MAX - 600] {
                let (got, st) = seen_in_order(40010, isn, &parts, &order);
                assert_eq!(got, whole, "{order:?} from {isn}");
                let s = st.reassembly;
                assert_eq!(
                    (s.started, s.completed, s.fallbacks),
                    (1, 1, 0),
                    "{order:?}"
                );
            }
        }
        // Without its SYN, a first payload that is not the message's start is not known to
        // be part of one: inspected segment by segment, as before.
        let mut r = Run::new(4, 5 * S as i64);
        r.send(frame(true, 40011, 1_501, 0x18, &parts[1]));
        r.send(frame(true, 40011, 1_001, 0x18, &parts[0]));
        r.send(frame(true, 40011, 2_101, 0x18, &parts[2]));
        let (_, st) = r.finish();
        assert_eq!(st.reassembly.started, 0);
    }

    #[test]
    fn a_held_segment_is_not_inspected_again() {
        // A login form whose credentials come in the last segment, sent before the one in
        // between, then again: one login, one set of secrets, as in one segment.
        let m = form_post();
        let parts = segments(&m, &[60, 120]);
        let (whole, _) = seen(4, 40012, std::slice::from_ref(&m));
        for want in ["Login(Http)", "fact HttpSecrets password, ssid, user x1"] {
            assert!(whole.contains(&want.to_string()), "{want}: {whole:?}");
        }
        for order in [
            &[0, 2, 2, 1][..],
            &[2, 0, 2, 1],
            &[1, 2, 0],
            &[0, 2, 0, 1, 2],
        ] {
            let (got, st) = seen_in_order(40012, 77, &parts, order);
            assert_eq!(got, whole, "{order:?}");
            assert_eq!(st.reassembly.completed, 1);
        }
    }

    #[test]
    fn a_segment_beyond_the_cap_is_inspected_on_its_own_while_the_message_waits() {
        let head = b"GET /cam?token=abc HTTP/1.1\r\n";
        let rest = b"Host: cam\r\n\r\n";
        let other = b"GET /x?password=1 HTTP/1.1\r\nHost: cam\r\n\r\n";
        let mut r = Run::new(4, 5 * S as i64);
        let next = r.connect_and_send(40013, &[head.to_vec()]);
        let beyond = next.wrapping_add(HTTP_CAP as u32);
        r.send(frame(true, 40013, beyond, 0x18, other));
        assert_eq!(r.an.reassembly_in_use(), 1);
        r.send(frame(true, 40013, next, 0x18, rest));
        assert_eq!(r.an.reassembly_in_use(), 0);
        let (got, st) = r.finish();
        assert_eq!(st.reassembly.completed, 1);
        for want in ["fact HttpSecrets token x1", "fact HttpSecrets password x1"] {
            assert!(got.contains(&want.to_string()), "{want}: {got:?}");
        }
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

        /// A message (a ClientHello in one or more records, or a login form) cut into up to
        /// nine segments, sent in any order after the handshake, with copies of segments
        /// already sent (whole, or two neighbours as one) before the last: the same bytes in
        /// the buffer, and the same reading through the analyzer, as the message in order.
        #[test]
        fn any_order_with_copies_reads_as_in_order(
            name in "[a-z]{1,20}\\.example",
            tls_hello in any::<bool>(),
            record_cuts in proptest::collection::vec(any::<usize>(), 0..3),
            cuts in proptest::collection::vec(any::<usize>(), 0..8),
            order in Just((0..9).collect::<Vec<usize>>()).prop_shuffle(),
            copies in proptest::collection::vec((any::<usize>(), any::<usize>()), 0..5),
            isn in prop_oneof![Just(u32::MAX - 300), any::<u32>()],
        ) {
            let m = if tls_hello { records(&hello(&name), &record_cuts) } else { form_post() };
            // (A request's first segment must show its method to be known in order.)
            let cuts: Vec<usize> = cuts
                .iter()
                .map(|&c| c % m.len())
                .filter(|&c| tls_hello || c >= 8)
                .collect();
            let segs = segments(&m, &cuts);
            let n = segs.len();
            let mut sent: Vec<usize> = order.into_iter().filter(|&i| i < n).collect();
            // Copies, each before the last segment, of one sent before it.
            let mut extra: Vec<(usize, Vec<u8>, usize)> = Vec::new();
            for &(a, b) in &copies {
                if n < 2 {
                    break;
                }
                let pos = 1 + a % (n - 1);
                let k = sent[b % pos];
                let mut bytes = segs[k].clone();
                if b % 2 == 1 && k + 1 < n && sent[..pos].contains(&(k + 1)) {
                    bytes.extend_from_slice(&segs[k + 1]);
                }
                extra.push((pos, bytes, k));
            }
            let offsets: Vec<usize> = segs
                .iter()
                .scan(0, |o, s| {
                    let at = *o;
                    *o += s.len();
                    Some(at)
                })
                .collect();
            // The order of arrival: (offset, bytes).
            let mut arrivals: Vec<(usize, Vec<u8>)> =
                sent.iter().map(|&i| (offsets[i], segs[i].clone())).collect();
            extra.sort_by_key(|e| std::cmp::Reverse(e.0));
            for (pos, bytes, k) in extra {
                arrivals.insert(pos, (offsets[k], bytes));
            }
            sent.clear();

            // The pool: the last arrival completes the message, nothing before it does.
            let (mut p, mut st) = (pool(1), Stats::default());
            let first = isn.wrapping_add(1);
            p.note_syn(&0u8, isn);
            let (o, b) = &arrivals[0];
            let s = p.first_payload(&mut st, &0u8, b, first.wrapping_add(*o as u32), 0, ());
            if n > 1 || *o != 0 {
                let s = s.expect("held");
                for (i, (o, b)) in arrivals.iter().enumerate().skip(1) {
                    let r = p.push(&mut st, s, first.wrapping_add(*o as u32), b, 1);
                    let last = i + 1 == arrivals.len();
                    prop_assert!(
                        if last { r == Push::Done } else { matches!(r, Push::Waiting | Push::Ignored) },
                        "arrival {i}: {r:?}"
                    );
                }
                prop_assert_eq!(p.message(s).unwrap().0, &m[..]);
                prop_assert_eq!((st.ahead_full, st.overlap_conflicts), (0, 0));
            }

            // The analyzer.
            let (whole, _) = seen(4, 41001, std::slice::from_ref(&m));
            let mut r = Run::new(4, 5 * S as i64);
            r.send(frame(true, 41001, isn, 0x02, &[]));
            r.send(frame(false, 41001, 7, 0x12, &[]));
            r.send(frame(true, 41001, first, 0x10, &[]));
            for (o, b) in &arrivals {
                r.send(frame(true, 41001, first.wrapping_add(*o as u32), 0x18, b));
            }
            let (got, st) = r.finish();
            prop_assert_eq!(got, whole);
            prop_assert_eq!(st.reassembly.incomplete, 0);
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
