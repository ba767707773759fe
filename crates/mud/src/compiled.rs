//! A profile prepared for deciding many flows: per direction and IP version, its entries
//! indexed by the DNS name they allow, or else by protocol and port, so that a flow is checked
//! against the few entries that could match it instead of all of them — with the same outcome
//! as [`crate::matcher::decide`] (the first matching entry in policy order decides).

use crate::matcher::{ace_matches_given, authority, Context, Packet, Verdict};
use crate::model::*;
use rustc_hash::FxHashMap;

/// Entry position: ACL index in its direction's list, entry index in the ACL.
type Pos = (u32, u32);

/// A set of ports as a 65,536-bit map.
#[derive(Debug, Clone)]
struct PortSet(Box<[u64; 1024]>);

impl Default for PortSet {
    fn default() -> Self {
        PortSet(Box::new([0; 1024]))
    }
}

impl PortSet {
    fn insert(&mut self, p: u16) {
        self.0[usize::from(p >> 6)] |= 1 << (p & 63);
    }
    #[inline]
    fn contains(&self, p: u16) -> bool {
        self.0[usize::from(p >> 6)] & (1 << (p & 63)) != 0
    }
}

#[derive(Debug, Default, Clone)]
struct Index {
    /// Entries naming the remote side by DNS name.
    by_name: FxHashMap<String, Vec<Pos>>,
    /// Entries with an exact destination port, by (protocol, port).
    by_dport: FxHashMap<(u8, u16), Vec<Pos>>,
    /// Entries with an exact source port (and no exact destination port).
    by_sport: FxHashMap<(u8, u16), Vec<Pos>>,
    /// Ports present in `by_dport` / `by_sport` (any protocol): most flows need no lookup.
    dports: PortSet,
    sports: PortSet,
    /// Everything else with a protocol, by protocol (256 lists).
    rest: Vec<Vec<Pos>>,
    /// Everything else, in order.
    rest_any: Vec<Pos>,
}

/// A profile with its entries indexed.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The profile.
    pub profile: Profile,
    own_authority: String,
    /// `[from_device][ipv6]`.
    idx: [[Index; 2]; 2],
}

impl Compiled {
    /// Indexes `profile`.
    pub fn new(profile: Profile) -> Self {
        let mut idx: [[Index; 2]; 2] = Default::default();
        for (d, acls) in [(0, &profile.to_device), (1, &profile.from_device)] {
            for (ai, acl) in acls.iter().enumerate() {
                for (fam, ok) in [
                    (0, matches!(acl.kind, AclType::Ipv4 | AclType::Any)),
                    (1, matches!(acl.kind, AclType::Ipv6 | AclType::Any)),
                ] {
                    if !ok {
                        continue;
                    }
                    let ix = &mut idx[d][fam];
                    for (ei, ace) in acl.aces.iter().enumerate() {
                        let pos = (ai as u32, ei as u32);
                        let m = &ace.matches;
                        // The remote side: destination of what the device sends.
                        let name = if d == 1 {
                            &m.dst_dnsname
                        } else {
                            &m.src_dnsname
                        };
                        let own_side_name = if d == 1 {
                            &m.src_dnsname
                        } else {
                            &m.dst_dnsname
                        };
                        if own_side_name.is_some() {
                            continue; // can never match (see `ace_matches`)
                        }
                        if let Some(n) = name {
                            ix.by_name.entry(n.clone()).or_default().push(pos);
                        } else if let (Some(p), Some(PortMatch::Eq(x))) = (m.protocol, m.dst_port) {
                            ix.by_dport.entry((p, x)).or_default().push(pos);
                            ix.dports.insert(x);
                        } else if let (Some(p), Some(PortMatch::Eq(x))) = (m.protocol, m.src_port) {
                            ix.by_sport.entry((p, x)).or_default().push(pos);
                            ix.sports.insert(x);
                        } else if let Some(p) = m.protocol {
                            if ix.rest.is_empty() {
                                ix.rest = vec![Vec::new(); 256];
                            }
                            ix.rest[usize::from(p)].push(pos);
                        } else {
                            ix.rest_any.push(pos);
                        }
                    }
                }
            }
        }
        Compiled {
            own_authority: authority(&profile.url),
            profile,
            idx,
        }
    }

    /// Decides `p` as [`crate::matcher::decide`] would.
    pub fn decide(&self, p: &Packet, ctx: &dyn Context) -> Verdict {
        let ix = &self.idx[usize::from(p.from_device)][usize::from(p.src.is_ipv6())];
        let acls = if p.from_device {
            &self.profile.from_device
        } else {
            &self.profile.to_device
        };
        // The earliest matching entry among the candidates wins.
        let mut best: Option<Pos> = None;
        let consider = |list: &[Pos], best: &mut Option<Pos>, named: bool| {
            for &pos in list {
                if best.is_some_and(|b| b <= pos) {
                    break; // lists are in policy order
                }
                let ace = &acls[pos.0 as usize].aces[pos.1 as usize];
                if ace_matches_given(&ace.matches, p, ctx, &self.own_authority, named) {
                    *best = Some(pos);
                    break;
                }
            }
        };
        if !ix.by_name.is_empty() {
            let remote = p.remote();
            ctx.names(&remote, &mut |n: &str| {
                if let Some(list) = lookup(&ix.by_name, n) {
                    consider(list, &mut best, true);
                }
            });
        }
        if ix.dports.contains(p.dport) {
            if let Some(list) = ix.by_dport.get(&(p.proto, p.dport)) {
                consider(list, &mut best, false);
            }
        }
        if ix.sports.contains(p.sport) {
            if let Some(list) = ix.by_sport.get(&(p.proto, p.sport)) {
                consider(list, &mut best, false);
            }
        }
        if let Some(list) = ix.rest.get(usize::from(p.proto)) {
            consider(list, &mut best, false);
        }
        consider(&ix.rest_any, &mut best, false);
        match best {
            None => Verdict::NoMatch,
            Some((a, e)) => {
                let (acl, ace) = (a as usize, e as usize);
                match acls[acl].aces[ace].action {
                    Action::Accept => Verdict::Allowed { acl, ace },
                    Action::Drop | Action::Reject => Verdict::Denied { acl, ace },
                }
            }
        }
    }
}

/// Looks a name up as compared (lower case, no final dot); the name is normalised (allocating)
/// only when it is not found as it is and is not already in that form.
fn lookup<'a>(map: &'a FxHashMap<String, Vec<Pos>>, n: &str) -> Option<&'a Vec<Pos>> {
    map.get(n).or_else(|| {
        (n.ends_with('.') || n.bytes().any(|b| b.is_ascii_uppercase()))
            .then(|| map.get(&crate::dns_name(n)))
            .flatten()
    })
}
