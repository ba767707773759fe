//! User-supplied blocklists: plain lists of addresses, networks (CIDR) and host names, and
//! hosts-file lines (`0.0.0.0 bad.example`). A name also covers its subdomains.

use iotgate_observe::flow::addr_bits;
use rustc_hash::{FxHashMap, FxHashSet};
use std::net::IpAddr;

/// Largest blocklist file read.
pub const MAX_FILE: usize = 64 << 20;

/// One loaded list.
#[derive(Debug, Default, Clone)]
pub struct Blocklist {
    /// Its name in evidence (the file name).
    pub name: String,
    /// Networks by prefix length (IPv4 mapped into IPv6, so /24 is stored as /120).
    nets: FxHashMap<u8, FxHashSet<u128>>,
    /// Prefix lengths present, longest first.
    lens: Vec<u8>,
    names: FxHashSet<String>,
}

/// A line that is not an address, network or host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number.
    pub line: usize,
    /// The offending text.
    pub text: String,
}

fn mask(bits: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        bits & (u128::MAX << (128 - len as u32))
    }
}

impl Blocklist {
    /// Parses a list. Comments start with `#`; each line holds an address, a network, a host
    /// name, or a hosts-file entry (an address followed by names: the names are listed).
    pub fn parse(name: &str, text: &str) -> Result<Blocklist, BadLine> {
        let mut b = Blocklist {
            name: name.to_string(),
            ..Default::default()
        };
        for (n, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = || BadLine {
                line: n + 1,
                text: raw.trim().chars().take(80).collect(),
            };
            let toks: Vec<&str> = line.split_whitespace().collect();
            if toks.len() > 1 {
                // hosts format: the address is where the name is sent, not what is listed.
                toks[0].parse::<IpAddr>().map_err(|_| bad())?;
                for t in &toks[1..] {
                    let t = normal_name(t).ok_or_else(bad)?;
                    if !matches!(
                        t.as_str(),
                        "localhost" | "localhost.localdomain" | "local" | "broadcasthost"
                    ) {
                        b.names.insert(t);
                    }
                }
                continue;
            }
            let t = toks[0];
            if let Some((a, l)) = t.split_once('/') {
                let ip: IpAddr = a.parse().map_err(|_| bad())?;
                let l: u8 = l.parse().map_err(|_| bad())?;
                let len = if ip.is_ipv4() {
                    if l > 32 {
                        return Err(bad());
                    }
                    l + 96
                } else {
                    if l > 128 {
                        return Err(bad());
                    }
                    l
                };
                b.add_net(mask(addr_bits(&ip), len), len);
            } else if let Ok(ip) = t.parse::<IpAddr>() {
                b.add_net(addr_bits(&ip), 128);
            } else {
                b.names.insert(normal_name(t).ok_or_else(bad)?);
            }
        }
        b.lens.sort_unstable_by(|x, y| y.cmp(x));
        Ok(b)
    }

    fn add_net(&mut self, bits: u128, len: u8) {
        if !self.lens.contains(&len) {
            self.lens.push(len);
        }
        self.nets.entry(len).or_default().insert(bits);
    }

    /// Entries in the list.
    pub fn len(&self) -> usize {
        self.names.len() + self.nets.values().map(|s| s.len()).sum::<usize>()
    }

    /// True for an empty list.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The listed network containing `ip`, as written (`a.b.c.d/n` or an address).
    pub fn match_addr(&self, ip: &IpAddr) -> Option<String> {
        let bits = addr_bits(ip);
        for &len in &self.lens {
            if self.nets[&len].contains(&mask(bits, len)) {
                let (shown, v4) = (mask(bits, len), ip.is_ipv4());
                let addr = iotgate_observe::flow::addr_of(shown, v4);
                let plen = if v4 { len - 96 } else { len };
                let full = if v4 { 32 } else { 128 };
                return Some(if plen == full {
                    addr.to_string()
                } else {
                    format!("{addr}/{plen}")
                });
            }
        }
        None
    }

    /// The listed name `name` is, or is under.
    pub fn match_name(&self, name: &str) -> Option<String> {
        if self.names.is_empty() {
            return None;
        }
        let n = name.trim_end_matches('.').to_ascii_lowercase();
        let mut s = n.as_str();
        loop {
            if self.names.contains(s) {
                return Some(s.to_string());
            }
            match s.split_once('.') {
                Some((_, rest)) if !rest.is_empty() => s = rest,
                _ => return None,
            }
        }
    }
}

/// A host name in lower case without a trailing dot or `*.`, if it is one. A name whose last
/// label is all digits is not one (no top-level domain is numeric, RFC 3696 section 2): it is a
/// mistyped address such as `300.1.1.1` or `104.016.066.050` (leading zeros, which the address
/// parser refuses as ambiguous), and taken as a name it would never match.
fn normal_name(t: &str) -> Option<String> {
    let t = t
        .trim_start_matches("*.")
        .trim_start_matches('.')
        .trim_end_matches('.');
    let numeric = t
        .rsplit('.')
        .next()
        .is_some_and(|l| !l.is_empty() && l.bytes().all(|c| c.is_ascii_digit()));
    let ok = !t.is_empty()
        && !numeric
        && t.len() <= 253
        && t.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        });
    ok.then(|| t.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let b = Blocklist::parse(
            "t",
            "# comment\n203.0.113.7\n198.51.100.0/24\n2001:db8::/32\n0.0.0.0 bad.example ads.example\n127.0.0.1 localhost\ncnc.test # trailing\n*.evil.example\n",
        )
        .unwrap();
        assert_eq!(
            b.match_addr(&"203.0.113.7".parse().unwrap()).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            b.match_addr(&"198.51.100.9".parse().unwrap()).as_deref(),
            Some("198.51.100.0/24")
        );
        assert_eq!(
            b.match_addr(&"2001:db8::1".parse().unwrap()).as_deref(),
            Some("2001:db8::/32")
        );
        assert_eq!(b.match_addr(&"198.51.101.9".parse().unwrap()), None);
        assert_eq!(
            b.match_name("x.bad.example").as_deref(),
            Some("bad.example")
        );
        assert_eq!(b.match_name("CNC.test.").as_deref(), Some("cnc.test"));
        assert_eq!(
            b.match_name("a.evil.example").as_deref(),
            Some("evil.example")
        );
        assert_eq!(b.match_name("localhost"), None);
        assert_eq!(b.match_name("example"), None);
        assert_eq!(b.len(), 7);
    }

    #[test]
    fn errors_name_the_line() {
        let e = Blocklist::parse("t", "1.2.3.4\n\nnot a/name\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Blocklist::parse("t", "10.0.0.0/33").unwrap_err();
        assert_eq!(e.line, 1);
        let e = Blocklist::parse("t", "bad$name").unwrap_err();
        assert_eq!(e.text, "bad$name");
    }

    #[test]
    fn mistyped_addresses_are_not_host_names() {
        for (text, line) in [
            ("1.2.3.4\n300.1.1.1\n", 2),
            ("104.016.066.050", 1),
            ("# list\n\n0.0.0.0 ads.example 10.0.0.256\n", 3),
            ("1.2.3.4.5", 1),
            ("8", 1),
        ] {
            let e = Blocklist::parse("t", text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
        }
        // Digits elsewhere in a name are fine.
        let b = Blocklist::parse("t", "123.example\nx1.y2.example3\n").unwrap();
        assert_eq!(b.len(), 2);
    }
}
