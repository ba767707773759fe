//! The MUD profile as iotgate uses it: the `ietf-mud:mud` container and the ACLs its two
//! policies refer to, resolved and in policy order.

use std::net::IpAddr;

/// A parsed profile.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    /// `mud-version` (1 for RFC 8520).
    pub version: Option<u8>,
    /// `mud-url`: where the profile lives.
    pub url: String,
    /// `mud-signature`: where its detached CMS signature lives.
    pub signature_url: Option<String>,
    /// `last-update` as written (RFC 3339).
    pub last_update: Option<String>,
    /// `cache-validity` in hours (1–168; RFC 8520's default is 48).
    pub cache_validity_hours: u8,
    /// `is-supported`: whether the manufacturer still supports the device.
    pub is_supported: Option<bool>,
    /// `systeminfo`: a description of the device.
    pub systeminfo: Option<String>,
    /// `mfg-name`.
    pub mfg_name: Option<String>,
    /// `model-name`.
    pub model_name: Option<String>,
    /// `firmware-rev`.
    pub firmware_rev: Option<String>,
    /// `software-rev`.
    pub software_rev: Option<String>,
    /// `documentation` URL.
    pub documentation: Option<String>,
    /// `extensions` the profile declares.
    pub extensions: Vec<String>,
    /// RFC 9472 transparency information, when present.
    pub sbom: Option<Sbom>,
    /// ACLs applied to packets the device sends, in policy order.
    pub from_device: Vec<Acl>,
    /// ACLs applied to packets the device receives, in policy order.
    pub to_device: Vec<Acl>,
}

/// RFC 9472 (`ietf-mud-transparency`) fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sbom {
    /// `sbom-url`: where the SBOM can be fetched.
    pub url: Option<String>,
    /// `sbom-local-well-known`: the device serves its SBOM itself (protocol named).
    pub local_well_known: Option<String>,
    /// `contact-uri`: whom to ask for it.
    pub contact: Option<String>,
    /// `vuln-url`: where vulnerability information is published.
    pub vuln_urls: Vec<String>,
}

/// Which packets an ACL applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclType {
    /// IPv4 packets.
    Ipv4,
    /// IPv6 packets.
    Ipv6,
    /// Ethernet frames.
    Eth,
    /// Any of the above (mixed types, or none given).
    Any,
}

/// An access-control list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acl {
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: AclType,
    /// Entries, evaluated in order; the first that matches decides.
    pub aces: Vec<Ace>,
}

/// What an ACE does with a matching packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Let it through.
    Accept,
    /// Drop it silently.
    Drop,
    /// Drop it and tell the sender.
    Reject,
}

/// An access-control entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ace {
    /// Its name.
    pub name: String,
    /// What a match does.
    pub action: Action,
    /// The conditions, all of which must hold.
    pub matches: Matches,
}

/// An IP prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    /// The address.
    pub addr: IpAddr,
    /// Prefix length in bits.
    pub len: u8,
}

impl Prefix {
    /// True when `ip` is inside the prefix.
    pub fn contains(&self, ip: &IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let (n, a) = (u32::from(n), u32::from(*a));
                self.len == 0 || (n ^ a) >> (32 - u32::from(self.len.min(32))) == 0
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let (n, a) = (u128::from(n), u128::from(*a));
                self.len == 0 || (n ^ a) >> (128 - u32::from(self.len.min(128))) == 0
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Prefix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

/// A port condition (RFC 8519 `port-range-or-operator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortMatch {
    /// Equal to.
    Eq(u16),
    /// Not equal to.
    Neq(u16),
    /// Less than or equal to.
    Lte(u16),
    /// Greater than or equal to.
    Gte(u16),
    /// Inside the inclusive range.
    Range(u16, u16),
}

impl PortMatch {
    /// True when `p` satisfies the condition.
    pub fn matches(&self, p: u16) -> bool {
        match *self {
            PortMatch::Eq(x) => p == x,
            PortMatch::Neq(x) => p != x,
            PortMatch::Lte(x) => p <= x,
            PortMatch::Gte(x) => p >= x,
            PortMatch::Range(a, b) => a <= p && p <= b,
        }
    }
}

/// Who opens a TCP connection (`ietf-mud:direction-initiated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiator {
    /// The device.
    FromDevice,
    /// The other side.
    ToDevice,
}

/// A MUD abstraction (`ietf-mud:mud` matches): a class of peers defined by the network, not by
/// addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Abstraction {
    /// Devices whose MUD URL has this authority (host).
    Manufacturer(String),
    /// Devices whose MUD URL has the same authority as this device's.
    SameManufacturer,
    /// Devices whose MUD URL is this one.
    Model(String),
    /// Anything on the local networks.
    LocalNetworks,
    /// A class of controller named by URI (e.g. `urn:ietf:params:mud:dns`).
    Controller(String),
    /// The controller configured for this device.
    MyController,
}

/// The match conditions of an ACE. Absent conditions match anything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matches {
    /// IP protocol number.
    pub protocol: Option<u8>,
    /// Source prefix.
    pub src_net: Option<Prefix>,
    /// Destination prefix.
    pub dst_net: Option<Prefix>,
    /// Source DNS name (`ietf-acldns:src-dnsname`), lower case, without a final dot.
    pub src_dnsname: Option<String>,
    /// Destination DNS name.
    pub dst_dnsname: Option<String>,
    /// Source port.
    pub src_port: Option<PortMatch>,
    /// Destination port.
    pub dst_port: Option<PortMatch>,
    /// Who must have opened the TCP connection.
    pub direction_initiated: Option<Initiator>,
    /// ICMP type.
    pub icmp_type: Option<u8>,
    /// ICMP code.
    pub icmp_code: Option<u8>,
    /// Ethertype (Ethernet ACLs).
    pub ethertype: Option<u16>,
    /// MUD abstractions; all must hold.
    pub mud: Vec<Abstraction>,
}
