//! Who is behind an address: an operator's map of customer prefixes to subscriber ids,
//! optionally split by port blocks where addresses are shared (CGNAT, RFC 6888). One line per
//! entry, `PREFIX SUBSCRIBER [FIRST-LAST]`, `#` comments; the longest prefix wins, and among
//! its entries the port block holding the port. Read once, looked up per record: one hash
//! lookup per prefix length in use, whatever the map's size.

use std::net::IpAddr;

/// Most entries a map holds.
pub const MAX_ENTRIES: usize = 1_000_000;

/// A line that cannot be read: its number (from 1) and why (a short id: `syntax`, `prefix`,
/// `ports`, `overlap`, `too-many`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// Line number.
    pub line: usize,
    /// Why.
    pub why: &'static str,
}

#[derive(Debug, Clone)]
struct Entry {
    net: IpAddr,
    len: u8,
    ports: (u16, u16),
    id: String,
}

/// The prefixes of one length: each with its port blocks and their subscribers' positions
/// in [`Subscribers::ids`].
type Prefixes = std::collections::HashMap<IpAddr, Blocks, foldhash::fast::RandomState>;

/// The port blocks of one prefix and the subscriber each belongs to, in port order: the
/// first in the table's entry itself (most prefixes have one, every port), the others apart,
/// so that finding the subscriber of an address mostly reads one entry.
#[derive(Debug, Clone, Default)]
struct Blocks {
    first: Option<((u16, u16), u32)>,
    more: Vec<((u16, u16), u32)>,
}

impl Blocks {
    fn push(&mut self, b: ((u16, u16), u32)) {
        if self.first.is_none() {
            self.first = Some(b);
        } else {
            self.more.push(b);
        }
    }

    /// The subscriber (its position) whose block holds `port`.
    #[inline]
    fn find(&self, port: u16) -> Option<u32> {
        self.first
            .iter()
            .chain(&self.more)
            .find(|((a, b), _)| (*a..=*b).contains(&port))
            .map(|(_, n)| *n)
    }
}

/// The map, ready for lookups.
#[derive(Debug, Clone, Default)]
pub struct Subscribers {
    /// Per prefix length in use (longest first, IPv4 and IPv6 apart): the prefixes, each with
    /// its port blocks sorted.
    by_len: Vec<(bool, u8, Prefixes)>,
    /// Each subscriber id once, in the order first listed.
    ids: Vec<Box<str>>,
    /// One bit per IPv4 /16 that some IPv4 prefix of the map touches (8 KiB, empty without
    /// IPv4 entries): an address of the Internet, most of them, is turned away by one read
    /// that stays in cache instead of a lookup per prefix length.
    v4_16: Vec<u64>,
    /// Tells this map's positions from another's (unique in the process).
    generation: u64,
    count: usize,
}

/// A subscriber found in a map: the id, and where the map keeps it — a number a consumer can
/// index by instead of hashing the id (with the map's generation, so that numbers of two maps
/// are never confused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// The subscriber id.
    pub id: &'a str,
    /// The map's generation and the id's position in it; `None` for a subscriber named by its
    /// address (no map).
    pub slot: Option<(u64, u32)>,
}

fn masked(a: IpAddr, len: u8) -> IpAddr {
    match a {
        IpAddr::V4(v) => {
            let m = if len == 0 {
                0
            } else {
                u32::MAX << (32 - u32::from(len))
            };
            IpAddr::from((u32::from(v) & m).to_be_bytes())
        }
        IpAddr::V6(v) => {
            let m = if len == 0 {
                0
            } else {
                u128::MAX << (128 - u32::from(len))
            };
            IpAddr::from((u128::from(v) & m).to_be_bytes())
        }
    }
}

/// `ADDR/LEN` or a bare address (a host prefix), the address masked to the prefix.
pub fn parse_prefix(tok: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = match tok.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (tok, None),
    };
    let net: IpAddr = addr.parse().ok()?;
    let full = if net.is_ipv4() { 32 } else { 128 };
    let len: u8 = match len {
        Some(l) => l.parse().ok().filter(|l| *l <= full)?,
        None => full,
    };
    Some((masked(net, len), len))
}

/// The customer side of an access network when nobody says otherwise: private (RFC 1918),
/// shared CGNAT (RFC 6598) and unique-local IPv6 (RFC 4193) addresses — what an exporter
/// inside the access network, before the NAT, sees customers use.
pub const DEFAULT_CUSTOMERS: &[&str] = &[
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",
    "fc00::/7",
];

/// How a collector names the subscriber behind one side of a record.
#[derive(Debug, Clone)]
pub enum Attribution {
    /// The operator's map decides.
    Map(Subscribers),
    /// Every address inside these prefixes is a subscriber of its own, named by the address;
    /// other addresses are the Internet.
    Addresses(Vec<(IpAddr, u8)>),
}

impl Default for Attribution {
    fn default() -> Self {
        Attribution::Addresses(
            DEFAULT_CUSTOMERS
                .iter()
                .filter_map(|p| parse_prefix(p))
                .collect(),
        )
    }
}

/// Room for an address written out, so naming a subscriber by address allocates nothing.
#[derive(Debug, Clone, Copy)]
pub struct AddrText {
    buf: [u8; 48],
    len: usize,
}

impl Default for AddrText {
    fn default() -> Self {
        AddrText {
            buf: [0; 48],
            len: 0,
        }
    }
}

impl std::fmt::Write for AddrText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

impl AddrText {
    fn set(&mut self, a: IpAddr) -> &str {
        use std::fmt::Write;
        self.len = 0;
        // An address is at most 45 characters: this cannot fail.
        let _ = write!(self, "{a}");
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl Attribution {
    /// The subscriber behind `addr` (with `port`, where a map shares addresses by port
    /// blocks), or `None` for an address that is nobody's; `scratch` holds an address name.
    pub fn name<'a>(
        &'a self,
        addr: IpAddr,
        port: u16,
        scratch: &'a mut AddrText,
    ) -> Option<&'a str> {
        match self {
            Attribution::Map(m) => m.lookup(addr, port),
            Attribution::Addresses(_) => self.find(addr, port, scratch).map(|f| f.id),
        }
    }

    /// [`Attribution::name`], with where the map keeps the id.
    #[inline]
    pub fn find<'a>(
        &'a self,
        addr: IpAddr,
        port: u16,
        scratch: &'a mut AddrText,
    ) -> Option<Found<'a>> {
        match self {
            Attribution::Map(m) => m.find(addr, port),
            Attribution::Addresses(nets) => nets
                .iter()
                .any(|&(n, l)| n.is_ipv4() == addr.is_ipv4() && masked(addr, l) == n)
                .then(|| Found {
                    id: scratch.set(addr),
                    slot: None,
                }),
        }
    }
}

impl Subscribers {
    /// Reads a map.
    pub fn parse(text: &str) -> Result<Subscribers, BadLine> {
        let mut entries = Vec::new();
        for (n, raw) in text.lines().enumerate() {
            let bad = |why| BadLine { line: n + 1, why };
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let toks: Vec<&str> = line.split_whitespace().collect();
            if !(2..=3).contains(&toks.len()) {
                return Err(bad("syntax"));
            }
            let (net, len) = parse_prefix(toks[0]).ok_or(bad("prefix"))?;
            let ports = match toks.get(2) {
                None => (0, u16::MAX),
                Some(p) => {
                    let (a, b) = p.split_once('-').ok_or(bad("ports"))?;
                    let (a, b): (u16, u16) = (
                        a.parse().map_err(|_| bad("ports"))?,
                        b.parse().map_err(|_| bad("ports"))?,
                    );
                    if a > b {
                        return Err(bad("ports"));
                    }
                    (a, b)
                }
            };
            if entries.len() >= MAX_ENTRIES {
                return Err(bad("too-many"));
            }
            entries.push(Entry {
                net,
                len,
                ports,
                id: toks[1].to_string(),
            });
        }
        entries.sort_by(|a, b| {
            b.len
                .cmp(&a.len)
                .then(a.net.cmp(&b.net))
                .then(a.ports.cmp(&b.ports))
        });
        // Two entries for one prefix may not claim the same port.
        for w in entries.windows(2) {
            if w[0].len == w[1].len && w[0].net == w[1].net && w[1].ports.0 <= w[0].ports.1 {
                let line = text
                    .lines()
                    .position(|l| l.split('#').next().unwrap_or("").contains(&w[1].id))
                    .map_or(0, |p| p + 1);
                return Err(BadLine {
                    line,
                    why: "overlap",
                });
            }
        }
        let count = entries.len();
        let mut by_len: Vec<(bool, u8, Prefixes)> = Vec::new();
        let mut ids: Vec<Box<str>> = Vec::new();
        let mut numbered: std::collections::HashMap<String, u32> = Default::default();
        // The /16s each IPv4 prefix touches, as ranges, merged before the bitmap is filled:
        // a million short prefixes cost a sort, not a million fills.
        let mut spans: Vec<(u32, u32)> = Vec::new();
        for e in entries {
            if let IpAddr::V4(a) = e.net {
                let first = u32::from(a) >> 16;
                let span = 1u32 << 16u32.saturating_sub(u32::from(e.len));
                spans.push((first, (first + span).min(1 << 16)));
            }
            let id = match numbered.get(&e.id) {
                Some(&n) => n,
                None => {
                    let n = ids.len() as u32;
                    ids.push(e.id.as_str().into());
                    numbered.insert(e.id, n);
                    n
                }
            };
            let v6 = e.net.is_ipv6();
            let slot = match by_len.iter().position(|(f, l, _)| *f == v6 && *l == e.len) {
                Some(i) => i,
                None => {
                    by_len.push((v6, e.len, Default::default()));
                    by_len.len() - 1
                }
            };
            by_len[slot].2.entry(e.net).or_default().push((e.ports, id));
        }
        by_len.sort_by_key(|p| std::cmp::Reverse(p.1));
        let mut v4_16 = Vec::new();
        if !spans.is_empty() {
            v4_16 = vec![0u64; 1024];
            spans.sort_unstable();
            let mut filled = 0;
            for (first, end) in spans {
                for x in first.max(filled)..end {
                    v4_16[(x >> 6) as usize] |= 1 << (x & 63);
                }
                filled = filled.max(end);
            }
        }
        static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Ok(Subscribers {
            by_len,
            ids,
            v4_16,
            generation: GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            count,
        })
    }

    /// Entries in the map.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True when the map is empty.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The subscriber behind `addr` (and `port`, where addresses are shared), if the map says.
    pub fn lookup(&self, addr: IpAddr, port: u16) -> Option<&str> {
        self.find(addr, port).map(|f| f.id)
    }

    /// The id the map keeps at position `n` (a [`Found::slot`]'s second half).
    pub fn id(&self, n: u32) -> Option<&str> {
        self.ids.get(n as usize).map(|s| &**s)
    }

    /// [`Subscribers::lookup`], with where the map keeps the id.
    pub fn find(&self, addr: IpAddr, port: u16) -> Option<Found<'_>> {
        if let IpAddr::V4(a) = addr {
            let x = u32::from(a) >> 16;
            let word = self.v4_16.get((x >> 6) as usize).copied().unwrap_or(0);
            if word & (1 << (x & 63)) == 0 {
                return None;
            }
        }
        // Longest first: the first prefix that holds the address decides; a shared address
        // with no block for this port belongs to nobody known.
        for (v6, len, nets) in &self.by_len {
            if *v6 != addr.is_ipv6() {
                continue;
            }
            if let Some(blocks) = nets.get(&masked(addr, *len)) {
                let n = blocks.find(port)?;
                return Some(Found {
                    id: self.ids.get(n as usize)?,
                    slot: Some((self.generation, n)),
                });
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAP: &str = "
# residential
100.64.0.0/10   cgnat-pool       # shared, port blocks below take precedence
100.64.1.1/32   sub-1001 1024-2047
100.64.1.1/32   sub-1002 2048-3071
203.0.113.0/24  sub-2000
203.0.113.77    sub-2077
2001:db8:42::/48 sub-3000
";

    #[test]
    fn without_a_map_private_addresses_are_subscribers_named_by_address() {
        let a = Attribution::default();
        let mut t = AddrText::default();
        let name =
            |ip: &str, t: &mut AddrText| a.name(ip.parse().unwrap(), 80, t).map(str::to_owned);
        assert_eq!(
            name("192.168.1.20", &mut t).as_deref(),
            Some("192.168.1.20")
        );
        assert_eq!(name("100.64.3.4", &mut t).as_deref(), Some("100.64.3.4"));
        assert_eq!(name("100.128.0.1", &mut t), None);
        assert_eq!(name("8.8.8.8", &mut t), None);
        let long = "fd00:1234:5678:9abc:def0:1234:5678:9abc";
        assert_eq!(name(long, &mut t).as_deref(), Some(long));
        assert_eq!(name("2001:db8::1", &mut t), None);
        assert_eq!(
            parse_prefix("10.1.2.3/8"),
            Some(("10.0.0.0".parse().unwrap(), 8))
        );
        assert_eq!(parse_prefix("10.1.2.3/33"), None);
        assert_eq!(
            parse_prefix("::ffff:1.2.3.4"),
            Some(("::ffff:1.2.3.4".parse().unwrap(), 128))
        );
    }

    #[test]
    fn the_longest_prefix_then_the_port_block() {
        let s = Subscribers::parse(MAP).unwrap();
        let at = |a: &str, p: u16| s.lookup(a.parse().unwrap(), p).map(str::to_owned);
        assert_eq!(at("100.64.1.1", 1500).as_deref(), Some("sub-1001"));
        assert_eq!(at("100.64.1.1", 2048).as_deref(), Some("sub-1002"));
        assert_eq!(
            at("100.64.1.1", 9000),
            None,
            "a shared address, no block for the port"
        );
        assert_eq!(at("100.64.9.9", 9000).as_deref(), Some("cgnat-pool"));
        assert_eq!(at("203.0.113.77", 1).as_deref(), Some("sub-2077"));
        assert_eq!(at("203.0.113.78", 1).as_deref(), Some("sub-2000"));
        assert_eq!(at("2001:db8:42:1::5", 80).as_deref(), Some("sub-3000"));
        assert_eq!(at("198.51.100.1", 80), None);
        assert_eq!(s.len(), 6);
    }

    /// The hash lookup against the plain reading of the rule, on random maps.
    #[test]
    fn lookups_follow_the_longest_prefix_rule() {
        use proptest::prelude::*;
        let mut runner = proptest::test_runner::TestRunner::default();
        let entry = (any::<u32>(), 8u8..=32, any::<bool>(), 0u16..60_000);
        runner
            .run(
                &(
                    prop::collection::vec(entry, 1..40),
                    any::<u32>(),
                    any::<u16>(),
                ),
                |(entries, probe, port)| {
                    let mut text = String::new();
                    let mut plain: Vec<(u32, u8, (u16, u16), String)> = Vec::new();
                    for (i, (a, len, blocked, lo)) in entries.iter().enumerate() {
                        let net = a & (u32::MAX << (32 - u32::from(*len)));
                        let ports = if *blocked {
                            (*lo, lo + 1000)
                        } else {
                            (0, u16::MAX)
                        };
                        // Keep the map valid: no two blocks of one prefix overlap.
                        if plain.iter().any(|(n, l, p, _)| {
                            *n == net && l == len && p.0 <= ports.1 && ports.0 <= p.1
                        }) {
                            continue;
                        }
                        let id = format!("s{i}");
                        text.push_str(&format!(
                            "{}/{len} {id} {}-{}\n",
                            std::net::Ipv4Addr::from(net),
                            ports.0,
                            ports.1
                        ));
                        plain.push((net, *len, ports, id));
                    }
                    let s = Subscribers::parse(&text).unwrap();
                    let best = plain
                        .iter()
                        .filter(|(n, l, _, _)| probe & (u32::MAX << (32 - u32::from(*l))) == *n)
                        .map(|(_, l, _, _)| *l)
                        .max();
                    let want = best.and_then(|bl| {
                        plain
                            .iter()
                            .find(|(n, l, p, _)| {
                                *l == bl
                                    && probe & (u32::MAX << (32 - u32::from(*l))) == *n
                                    && (p.0..=p.1).contains(&port)
                            })
                            .map(|(_, _, _, id)| id.clone())
                    });
                    let got = s
                        .lookup(IpAddr::from(probe.to_be_bytes()), port)
                        .map(str::to_owned);
                    prop_assert_eq!(got, want);
                    Ok(())
                },
            )
            .unwrap();
    }

    #[test]
    fn bad_lines_say_where() {
        let err = |t: &str| Subscribers::parse(t).unwrap_err();
        assert_eq!(
            err("10.0.0.0/8 a\n10.0.0.0/33 b"),
            BadLine {
                line: 2,
                why: "prefix"
            }
        );
        assert_eq!(err("10.0.0.0/8").why, "syntax");
        assert_eq!(err("x.y sub").why, "prefix");
        assert_eq!(err("10.0.0.1 a 20-10").why, "ports");
        assert_eq!(err("10.0.0.1 a 1-100\n10.0.0.1 b 50-60").why, "overlap");
        assert!(Subscribers::parse("# nothing\n\n").unwrap().is_empty());
    }
}
