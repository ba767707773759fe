//! Pairing unidirectional records into conversations. NetFlow and most IPFIX exporters send one
//! record per direction: the client's SYNs and the server's SYN-ACKs arrive apart. Taken alone,
//! every reply would look like a connection the server opened, and every answered connection
//! like an unanswered one — so a collector pairs them first. A record waits here until its
//! reverse (the same 5-tuple, swapped) arrives, at most [`Stitcher::hold_ms`] of export time;
//! then the earlier starter is the initiator. One left alone goes on as one direction, the
//! server's replies recognised by their ports. Bounded: the oldest waiting record is let go
//! when [`Stitcher::max_pending`] wait.

use crate::Record;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::net::IpAddr;

/// One conversation: the initiator's record, and the responder's when both were seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// The initiator's direction (its `src` is the initiator); `None` when only the
    /// responder's replies were seen.
    pub forward: Option<Record>,
    /// The responder's direction, when seen.
    pub reverse: Option<Record>,
}

/// A direction of a conversation, compact (hashed twice per record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: u128,
    dst: u128,
    ports: u32,
    /// The protocol, and which addresses are IPv6 (an IPv4 address and its IPv4-mapped IPv6
    /// form stay apart).
    proto: u16,
}

impl Key {
    /// The hash of the conversation this direction belongs to: the same for both directions
    /// (the endpoints in a fixed order), so a record's reverse and its own direction are
    /// looked for in one place of the table — one fetch from memory, not two.
    #[inline]
    fn conversation_hash(&self, h: &foldhash::fast::RandomState) -> u64 {
        let (sport, dport) = ((self.ports >> 16) as u16, self.ports as u16);
        let (fs, fd) = ((self.proto >> 8) & 1, (self.proto >> 9) & 1);
        let a = (self.src, sport, fs);
        let b = (self.dst, dport, fd);
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        h.hash_one((lo, hi, self.proto & 0xff))
    }
}

fn addr_bits(ip: IpAddr) -> (u128, u16) {
    match ip {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 0),
        IpAddr::V6(a) => (u128::from(a), 1),
    }
}

fn key_of(src: IpAddr, dst: IpAddr, sport: u16, dport: u16, proto: u8) -> Key {
    let (s, fs) = addr_bits(src);
    let (d, fd) = addr_bits(dst);
    Key {
        src: s,
        dst: d,
        ports: (u32::from(sport) << 16) | u32::from(dport),
        proto: u16::from(proto) | (fs << 8) | (fd << 9),
    }
}

/// True when a record's source looks like the server of the exchange: a well-known port
/// facing a port that is not, or (both registered or above) a port below the dynamic range
/// (49152, RFC 6335; Linux starts at 32768) facing one in it.
pub fn from_server(r: &Record) -> bool {
    server_port(r.sport, r.dport, r.proto)
}

/// True when port `s` facing port `d` looks like the server's (see [`from_server`]).
fn server_port(s: u16, d: u16, proto: u8) -> bool {
    matches!(proto, 6 | 17 | 132) && d >= 1024 && (s < 1024 || (s < 32768 && d >= 32768))
}

fn key(r: &Record) -> Key {
    key_of(r.src, r.dst, r.sport, r.dport, r.proto)
}

/// The pairing table.
#[derive(Debug, Clone)]
pub struct Stitcher {
    /// How long a record waits for its reverse, ms of export time.
    pub hold_ms: i64,
    /// Most records waiting at once.
    pub max_pending: usize,
    /// The slots of the records waiting, found by their direction's hash: 4 bytes an entry
    /// (the records stay in `slots`), so the table stays in cache, and a record is let go by
    /// its hash, kept in the queue, without reading it, hashing or comparing again.
    pending: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::RandomState,
    /// Records waiting; reused.
    slots: Vec<Record>,
    /// Each slot's generation (0: free), apart from the records: checking whether a queue
    /// entry lapsed reads 8 bytes, not the record.
    gens: Vec<u64>,
    free: Vec<u32>,
    /// (deadline, slot, generation, the direction's hash) in arrival order: a record paired
    /// meanwhile left a slot of another generation behind, so its entry lapses without a
    /// lookup.
    queue: VecDeque<(i64, u32, u64, u64)>,
    gen: u64,
    /// The latest end time seen: the export clock.
    clock: i64,
    /// Conversations given out with both directions.
    pub paired: u64,
    /// Records given out alone.
    pub alone: u64,
    /// Records let go early because the table was full.
    pub crowded: u64,
    /// Endpoints (address, port, protocol) seen serving, and how often: a service keeps its
    /// port across conversations while clients take new ones, so where neither the times nor
    /// the port ranges tell who initiated (exporters such as softflowd give both directions
    /// the same start time; embedded stacks take client ports below 32768), the endpoint seen
    /// serving before is the server. At most [`MAX_SERVERS`], then started afresh.
    servers: HashMap<(u128, u16, u16), u32, foldhash::fast::RandomState>,
}

/// Most endpoints remembered as servers (about 2 MB).
pub const MAX_SERVERS: usize = 65_536;

impl Default for Stitcher {
    fn default() -> Self {
        Stitcher::new(10_000, 1 << 18)
    }
}

impl Stitcher {
    /// A table holding records `hold_ms` at most, `max_pending` at once.
    pub fn new(hold_ms: i64, max_pending: usize) -> Self {
        Stitcher {
            hold_ms,
            max_pending: max_pending.max(1),
            pending: hashbrown::HashTable::new(),
            hasher: Default::default(),
            slots: Vec::new(),
            gens: Vec::new(),
            free: Vec::new(),
            queue: VecDeque::new(),
            gen: 0,
            clock: i64::MIN,
            paired: 0,
            alone: 0,
            crowded: 0,
            servers: HashMap::default(),
        }
    }

    /// The server end of a record's conversation: its source when it was sent by the server.
    fn endpoint(ip: IpAddr, port: u16, proto: u8) -> (u128, u16, u16) {
        let (a, fam) = addr_bits(ip);
        (a, (fam << 8) | u16::from(proto), port)
    }

    /// How often the source of `r` was seen serving.
    fn served(&self, ip: IpAddr, port: u16, proto: u8) -> u32 {
        if self.servers.is_empty() {
            return 0;
        }
        self.servers
            .get(&Self::endpoint(ip, port, proto))
            .copied()
            .unwrap_or(0)
    }

    /// Remembers that `ip`, `port` served a conversation.
    fn serving(&mut self, ip: IpAddr, port: u16, proto: u8) {
        if !matches!(proto, 6 | 17 | 132) {
            return;
        }
        if self.servers.len() >= MAX_SERVERS {
            self.servers.clear();
        }
        let n = self
            .servers
            .entry(Self::endpoint(ip, port, proto))
            .or_insert(0);
        *n = n.saturating_add(1);
    }

    /// Two directions: the earlier starter initiated; at the same millisecond the ports
    /// decide, else the endpoint seen serving more often is the server.
    fn pair(&mut self, a: Record, b: Record) -> Conversation {
        let (sa, sb) = (a.start_ms.unwrap_or(0), b.start_ms.unwrap_or(0));
        let a_first = match sa.cmp(&sb) {
            std::cmp::Ordering::Less => true,
            std::cmp::Ordering::Greater => false,
            std::cmp::Ordering::Equal => {
                let (fa, fb) = (from_server(&a), from_server(&b));
                if fa != fb {
                    fb
                } else {
                    self.served(a.src, a.sport, a.proto) <= self.served(b.src, b.sport, b.proto)
                }
            }
        };
        let (f, r) = if a_first { (a, b) } else { (b, a) };
        // Ports below 1024 are told by their range already (no lookup per conversation).
        if r.sport >= 1024 {
            self.serving(r.src, r.sport, r.proto);
        }
        Conversation {
            forward: Some(f),
            reverse: Some(r),
        }
    }

    /// One direction alone: the server's replies when its ports say so, or when its source
    /// was seen serving more than its destination.
    fn alone(&self, r: Record) -> Conversation {
        let reply = from_server(&r)
            || (!server_port(r.dport, r.sport, r.proto)
                && self.served(r.src, r.sport, r.proto) > self.served(r.dst, r.dport, r.proto));
        if reply {
            Conversation {
                forward: None,
                reverse: Some(r),
            }
        } else {
            Conversation {
                forward: Some(r),
                reverse: None,
            }
        }
    }

    /// Empties slot `i`, giving its record.
    fn release(&mut self, i: u32) -> Record {
        self.gens[i as usize] = 0;
        self.free.push(i);
        self.slots[i as usize].clone()
    }

    /// Gives the record still waiting in slot `i`, whose direction hashed to `hash`, out
    /// alone.
    fn let_go(&mut self, i: u32, hash: u64, out: &mut Vec<Conversation>) {
        if let Ok(e) = self.pending.find_entry(hash, |&x| x == i) {
            e.remove();
        }
        let old = self.release(i);
        self.alone += 1;
        let c = self.alone(old);
        out.push(c);
    }

    /// Takes one record; conversations that are complete, or whose wait ended, go to `out`.
    pub fn push(&mut self, r: &Record, out: &mut Vec<Conversation>) {
        let t = r.end_ms.or(r.start_ms).unwrap_or(self.clock);
        if t > self.clock {
            self.clock = t;
            self.expire(out);
        }
        let rev = key_of(r.dst, r.src, r.dport, r.sport, r.proto);
        let slots = &self.slots;
        let hk = rev.conversation_hash(&self.hasher);
        if let Ok(e) = self
            .pending
            .find_entry(hk, |&i| key(&slots[i as usize]) == rev)
        {
            let (i, _) = e.remove();
            self.paired += 1;
            let other = self.release(i);
            let c = self.pair(other, r.clone());
            out.push(c);
            return;
        }
        let k = key_of(r.src, r.dst, r.sport, r.dport, r.proto);
        let waiting = |s: &Self| {
            let slots = &s.slots;
            s.pending
                .find(hk, |&i| key(&slots[i as usize]) == k)
                .copied()
        };
        let same = waiting(self);
        while same.is_none() && self.pending.len() >= self.max_pending {
            let Some((_, i, g, h)) = self.queue.pop_front() else {
                break;
            };
            if self.gens[i as usize] == g {
                self.crowded += 1;
                self.let_go(i, h, out);
            }
        }
        self.gen += 1;
        let deadline = t.saturating_add(self.hold_ms);
        match same {
            Some(i) => {
                // The same direction again (a flow cut by the active timeout): the older goes
                // on, the newer waits in its slot.
                self.alone += 1;
                let old = std::mem::replace(&mut self.slots[i as usize], r.clone());
                self.gens[i as usize] = self.gen;
                let c = self.alone(old);
                out.push(c);
                self.queue.push_back((deadline, i, self.gen, hk));
            }
            None => {
                let i = match self.free.pop() {
                    Some(i) => {
                        self.slots[i as usize] = r.clone();
                        self.gens[i as usize] = self.gen;
                        i
                    }
                    None => {
                        self.slots.push(r.clone());
                        self.gens.push(self.gen);
                        (self.slots.len() - 1) as u32
                    }
                };
                let (slots, hasher) = (&self.slots, &self.hasher);
                self.pending.insert_unique(hk, i, |&x| {
                    key(&slots[x as usize]).conversation_hash(hasher)
                });
                self.queue.push_back((deadline, i, self.gen, hk));
            }
        }
    }

    /// Lets go of the records whose wait ended by the export clock.
    fn expire(&mut self, out: &mut Vec<Conversation>) {
        while let Some(&(deadline, i, g, h)) = self.queue.front() {
            if deadline > self.clock {
                break;
            }
            self.queue.pop_front();
            if self.gens[i as usize] == g {
                self.let_go(i, h, out);
            }
        }
        // Entries already paired leave lapsed queue entries behind: drop them when they
        // dominate.
        if self.queue.len() > 2 * self.pending.len() + 1024 {
            let gens = &self.gens;
            self.queue.retain(|&(_, i, g, _)| gens[i as usize] == g);
        }
    }

    /// Lets every waiting record go (the input ended), in arrival order.
    pub fn flush(&mut self, out: &mut Vec<Conversation>) {
        self.clock = i64::MAX;
        self.expire(out);
        let mut rest: Vec<(u64, u32)> = self
            .pending
            .drain()
            .map(|i| (self.gens[i as usize], i))
            .collect();
        rest.sort_unstable();
        for (_, i) in rest {
            self.alone += 1;
            let r = self.release(i);
            let c = self.alone(r);
            out.push(c);
        }
        self.queue.clear();
    }

    /// Records waiting.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rec(src: &str, dst: &str, sport: u16, dport: u16, start: i64, end: i64) -> Record {
        Record {
            exporter: "192.0.2.1".parse().unwrap(),
            domain: 0,
            src: src.parse().unwrap(),
            dst: dst.parse().unwrap(),
            sport,
            dport,
            proto: 6,
            packets: Some(3),
            bytes: Some(180),
            start_ms: Some(start),
            end_ms: Some(end),
            tcp_flags: 0x12,
            sampling: None,
            src_mac: None,
            dst_mac: None,
        }
    }

    #[test]
    fn a_reply_joins_its_request_and_a_lone_reply_is_known_by_its_ports() {
        let mut s = Stitcher::new(10_000, 16);
        let mut out = Vec::new();
        let req = rec("10.0.0.1", "192.0.2.9", 40000, 443, 1000, 2000);
        let resp = rec("192.0.2.9", "10.0.0.1", 443, 40000, 1001, 2000);
        // The reply arrives first: still, the earlier starter initiated.
        s.push(&resp, &mut out);
        s.push(&req, &mut out);
        assert_eq!(
            out,
            [Conversation {
                forward: Some(req),
                reverse: Some(resp)
            }]
        );
        out.clear();
        let lone = rec("192.0.2.9", "10.0.0.2", 23, 51000, 3000, 3000);
        let probe = rec("10.0.0.3", "198.51.100.4", 51000, 23, 3000, 3000);
        s.push(&lone, &mut out);
        s.push(&probe, &mut out);
        assert!(out.is_empty());
        // 10 s of export time later both go on alone, each the right way round.
        s.push(
            &rec("10.0.0.9", "192.0.2.1", 1, 2, 13_001, 13_001),
            &mut out,
        );
        assert_eq!(out.len(), 2);
        assert_eq!(
            (out[0].forward.is_none(), out[0].reverse.is_some()),
            (true, true)
        );
        assert_eq!(
            (out[1].forward.is_some(), out[1].reverse.is_none()),
            (true, true)
        );
        s.flush(&mut out);
        assert_eq!((s.pending(), s.paired, s.alone), (0, 1, 3));
    }

    /// softflowd gives both directions one start time, and an embedded stack took client
    /// ports below 32768: once the hub's cloud was seen serving on port 9999 (a connection
    /// whose client port was plainly ephemeral), its later connections are the hub's too.
    #[test]
    fn a_tie_goes_to_the_endpoint_seen_serving() {
        let mut s = Stitcher::new(10_000, 64);
        let mut out = Vec::new();
        let (hub, cloud) = ("192.168.1.127", "8.209.66.141");
        s.push(&rec(cloud, hub, 9999, 34458, 1000, 2000), &mut out);
        s.push(&rec(hub, cloud, 34458, 9999, 1000, 2000), &mut out);
        for (i, port) in [7158u16, 1635, 11362].into_iter().enumerate() {
            let t = 3000 + i as i64;
            // The cloud's direction first, at the same millisecond.
            s.push(&rec(cloud, hub, 9999, port, t, t + 5), &mut out);
            s.push(&rec(hub, cloud, port, 9999, t, t + 5), &mut out);
        }
        assert_eq!(out.len(), 4);
        for c in &out {
            let f = c.forward.as_ref().unwrap();
            assert_eq!(
                (f.src.to_string(), f.dport),
                (hub.to_string(), 9999),
                "{c:?}"
            );
        }
        // A reply alone from the known server is a reply.
        s.push(&rec(cloud, hub, 9999, 2984, 4000, 4000), &mut out);
        s.flush(&mut out);
        let last = out.last().unwrap();
        assert!(last.forward.is_none() && last.reverse.is_some(), "{last:?}");
    }

    proptest! {
        /// Whatever arrives, every record comes out exactly once and the table stays bounded.
        #[test]
        fn every_record_comes_out_once(
            recs in prop::collection::vec((0u8..6, 0u8..6, 0u16..4, 0u16..4, 0i64..30_000), 0..300),
        ) {
            let mut s = Stitcher::new(5_000, 8);
            let mut out = Vec::new();
            let mut t = 0;
            let mut n = 0;
            for (a, b, sp, dp, dt) in recs {
                t += dt / 100;
                let r = rec(&format!("10.0.0.{a}"), &format!("10.0.0.{b}"), sp, dp, t, t);
                s.push(&r, &mut out);
                n += 1;
                prop_assert!(s.pending() <= 8);
            }
            s.flush(&mut out);
            let got: usize = out
                .iter()
                .map(|c| usize::from(c.forward.is_some()) + usize::from(c.reverse.is_some()))
                .sum();
            prop_assert_eq!(got, n);
        }
    }
}
