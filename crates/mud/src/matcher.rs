//! Deciding one direction of a flow against a profile, as a MUD enforcer would: the ACLs of that
//! direction in policy order, the first matching entry decides, and nothing matching means the
//! traffic is not allowed (RFC 8520 profiles list what is allowed).

use crate::model::*;
use std::net::IpAddr;

/// One direction of a flow, as an ACL sees its packets.
#[derive(Debug, Clone, Copy)]
pub struct Packet {
    /// True for packets the device sends (from-device policy), false for packets it receives.
    pub from_device: bool,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// IP protocol.
    pub proto: u8,
    /// Source port (0 without ports).
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// ICMP type and code, for ICMP.
    pub icmp: Option<(u8, u8)>,
    /// Who opened the connection: Some(true) when the device did, None when unknown (a TCP
    /// connection whose start the capture missed); unknown satisfies `direction-initiated`.
    pub device_initiated: Option<bool>,
}

impl Packet {
    /// The address on the other side from the device.
    pub fn remote(&self) -> IpAddr {
        if self.from_device {
            self.dst
        } else {
            self.src
        }
    }
}

/// What the network knows, for the conditions that are not about addresses.
pub trait Context {
    /// True when the device resolved `name` (lower case, no final dot) to `ip`.
    fn resolved(&self, name: &str, ip: &IpAddr) -> bool;
    /// Calls `f` with each name the device resolved to `ip`.
    fn names(&self, ip: &IpAddr, f: &mut dyn FnMut(&str));
    /// True when `ip` is on the local networks.
    fn is_local(&self, ip: &IpAddr) -> bool;
    /// True when `ip` is a controller of class `uri` (e.g. `urn:ietf:params:mud:dns`).
    fn is_controller(&self, uri: &str, ip: &IpAddr) -> bool;
    /// True when `ip` is the controller configured for this device.
    fn is_my_controller(&self, ip: &IpAddr) -> bool;
    /// The MUD URL of the device at `ip`, when it is a device that emitted one.
    fn mud_url_of(&self, ip: &IpAddr) -> Option<&str>;
}

/// The outcome for one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// An entry accepts it: indexes of the ACL (in the direction's policy) and of the entry.
    Allowed {
        /// ACL index in the direction's list.
        acl: usize,
        /// Entry index in the ACL.
        ace: usize,
    },
    /// An entry explicitly drops or rejects it.
    Denied {
        /// ACL index in the direction's list.
        acl: usize,
        /// Entry index in the ACL.
        ace: usize,
    },
    /// No entry matches: not allowed.
    NoMatch,
}

/// The host part of a URL (`https://host:port/path` → `host`), lower case.
pub fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(h, _)| h.trim_start_matches('['))
    } else {
        host.split(':').next().unwrap_or(host)
    };
    host.to_ascii_lowercase()
}

/// Decides `p` against the ACLs of its direction in `profile`.
pub fn decide(profile: &Profile, p: &Packet, ctx: &dyn Context) -> Verdict {
    let acls = if p.from_device {
        &profile.from_device
    } else {
        &profile.to_device
    };
    let own = authority(&profile.url);
    for (ai, acl) in acls.iter().enumerate() {
        let family_ok = match acl.kind {
            AclType::Ipv4 => p.src.is_ipv4(),
            AclType::Ipv6 => p.src.is_ipv6(),
            AclType::Eth => false,
            AclType::Any => true,
        };
        if !family_ok {
            continue;
        }
        for (ei, ace) in acl.aces.iter().enumerate() {
            if ace_matches(&ace.matches, p, ctx, &own) {
                return match ace.action {
                    Action::Accept => Verdict::Allowed { acl: ai, ace: ei },
                    Action::Drop | Action::Reject => Verdict::Denied { acl: ai, ace: ei },
                };
            }
        }
    }
    Verdict::NoMatch
}

/// True when every condition of `m` holds for `p`.
pub fn ace_matches(m: &Matches, p: &Packet, ctx: &dyn Context, own_authority: &str) -> bool {
    ace_matches_given(m, p, ctx, own_authority, false)
}

/// [`ace_matches`], where `name_known` says the entry's DNS name is already known to be one the
/// device resolved to the remote address (so it is not looked up again).
#[inline]
pub fn ace_matches_given(
    m: &Matches,
    p: &Packet,
    ctx: &dyn Context,
    own_authority: &str,
    name_known: bool,
) -> bool {
    if m.protocol.is_some_and(|x| x != p.proto) {
        return false;
    }
    if let Some(t) = m.ethertype {
        let want = if p.src.is_ipv4() { 0x0800 } else { 0x86dd };
        if t != want {
            return false;
        }
    }
    if m.src_net.is_some_and(|n| !n.contains(&p.src))
        || m.dst_net.is_some_and(|n| !n.contains(&p.dst))
    {
        return false;
    }
    if m.src_port.is_some_and(|x| !x.matches(p.sport))
        || m.dst_port.is_some_and(|x| !x.matches(p.dport))
    {
        return false;
    }
    if m.icmp_type.is_some() || m.icmp_code.is_some() {
        let Some((t, c)) = p.icmp else { return false };
        if m.icmp_type.is_some_and(|x| x != t) || m.icmp_code.is_some_and(|x| x != c) {
            return false;
        }
    }
    // Who opened the connection is only known when its start was seen; an audit does not call
    // a flow a violation on a guess.
    if let (Some(d), Some(by_device)) = (m.direction_initiated, p.device_initiated) {
        if (d == Initiator::FromDevice) != by_device {
            return false;
        }
    }
    // A name condition is about the remote side: the destination of what the device sends, the
    // source of what it receives. A name on the device's own side cannot be checked here.
    let remote = p.remote();
    for (name, remote_side) in [
        (&m.src_dnsname, !p.from_device),
        (&m.dst_dnsname, p.from_device),
    ] {
        if let Some(n) = name {
            if !remote_side || !(name_known || ctx.resolved(n, &remote)) {
                return false;
            }
        }
    }
    m.mud.iter().all(|a| match a {
        Abstraction::LocalNetworks => ctx.is_local(&remote),
        Abstraction::Controller(uri) => ctx.is_controller(uri, &remote),
        Abstraction::MyController => ctx.is_my_controller(&remote),
        Abstraction::Manufacturer(auth) => ctx
            .mud_url_of(&remote)
            .is_some_and(|u| authority(u) == auth.to_ascii_lowercase()),
        Abstraction::SameManufacturer => ctx
            .mud_url_of(&remote)
            .is_some_and(|u| !own_authority.is_empty() && authority(u) == own_authority),
        Abstraction::Model(url) => ctx.mud_url_of(&remote).is_some_and(|u| u == url),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        assert_eq!(
            authority("https://Lighting.example.com/lightbulb2000"),
            "lighting.example.com"
        );
        assert_eq!(authority("https://u@h.example:8443/x?y"), "h.example");
        assert_eq!(authority("https://[2001:db8::1]:443/m"), "2001:db8::1");
        assert_eq!(authority("nothing"), "nothing");
    }
}
