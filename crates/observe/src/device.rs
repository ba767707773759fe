//! The device inventory: one device per MAC address seen as a LAN source, with everything the
//! traffic says about it. Every collection is bounded so that hostile traffic cannot grow memory.

use crate::hashing::Map;
use iotgate_wire::Mac;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Bounds on per-device collections.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Devices held at once; later MACs are counted, not stored.
    pub max_devices: usize,
    /// Distinct peers aggregated per device; the rest go into an overflow bucket (0: every
    /// flow is only summed there, ISP mode's default).
    pub max_peers: usize,
    /// Entries in each per-device set of strings (hostnames, SNIs, domains...).
    pub max_strings: usize,
    /// DNS name bindings (address → name) per device.
    pub max_bindings: usize,
    /// Evidence records per finding kind per device.
    pub max_facts_per_kind: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_devices: 16_384,
            max_peers: 2_048,
            max_strings: 512,
            max_bindings: 8_192,
            max_facts_per_kind: 16,
        }
    }
}

/// Where a piece of identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// DHCPv4 option 12.
    Dhcp12,
    /// DHCPv4 option 81.
    Dhcp81,
    /// DHCPv4 option 161.
    Dhcp161,
    /// DHCPv6 option 39.
    Dhcpv6Fqdn,
    /// DHCPv6 option 112.
    Dhcpv6Mud,
    /// mDNS records the device announced.
    Mdns,
    /// LLDP system name or MUD TLV.
    Lldp,
}

impl Source {
    /// A stable identifier used in JSON.
    pub fn id(&self) -> &'static str {
        match self {
            Source::Dhcp12 => "dhcp-12",
            Source::Dhcp81 => "dhcp-81",
            Source::Dhcp161 => "dhcp-161",
            Source::Dhcpv6Fqdn => "dhcpv6-39",
            Source::Dhcpv6Mud => "dhcpv6-112",
            Source::Mdns => "mdns",
            Source::Lldp => "lldp",
        }
    }
}

/// The DHCPv4 fingerprint of a client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DhcpInfo {
    /// Option 60.
    pub vendor_class: Option<String>,
    /// Option 55, in the client's order.
    pub param_request_list: Vec<u8>,
    /// Option 57.
    pub max_size: Option<u16>,
    /// Option 61, hex.
    pub client_id: Option<String>,
    /// DHCP message type the fingerprint was taken from.
    pub msg_type: Option<u8>,
}

/// Aggregate key of a peer relationship.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PeerKey {
    /// The other side's address.
    pub ip: IpAddr,
    /// IP protocol.
    pub proto: u8,
    /// Service port: the responder's port.
    pub port: u16,
    /// True when this device initiated.
    pub initiated_by_device: bool,
    /// True when the device's own address in these flows was a public one: if the MAC turns
    /// out to forward traffic for several hosts ([`Device::routes`]), those flows were theirs,
    /// and are taken back out.
    pub own_public: bool,
}

impl std::hash::Hash for PeerKey {
    /// Two integer writes (the address as 128 bits, the rest packed in one word) instead of
    /// the derived walk over the address enum and its bytes: peers are looked up once per
    /// ended flow and side.
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u128(crate::flow::addr_bits(&self.ip));
        h.write_u64(
            u64::from(self.own_public) << 40
                | u64::from(self.ip.is_ipv4()) << 32
                | u64::from(self.initiated_by_device) << 24
                | u64::from(self.port) << 8
                | u64::from(self.proto),
        );
    }
}

/// Traffic aggregated for one peer key.
#[derive(Debug, Clone, Copy, Default)]
pub struct PeerStats {
    /// Flows.
    pub flows: u64,
    /// Packets both ways.
    pub packets: u64,
    /// Bytes both ways.
    pub bytes: u64,
    /// Packets this device sent.
    pub packets_sent: u64,
    /// Bytes this device sent.
    pub bytes_sent: u64,
    /// TCP flows whose handshake completed.
    pub established: u64,
    /// First seen, ns.
    pub first_ns: i64,
    /// Last seen, ns.
    pub last_ns: i64,
}

impl PeerStats {
    /// Adds another aggregate into this one.
    pub fn add(&mut self, o: &PeerStats) {
        if self.flows == 0 || o.first_ns < self.first_ns {
            self.first_ns = o.first_ns;
        }
        self.last_ns = self.last_ns.max(o.last_ns);
        self.flows += o.flows;
        self.packets += o.packets;
        self.bytes += o.bytes;
        self.packets_sent += o.packets_sent;
        self.bytes_sent += o.bytes_sent;
        self.established += o.established;
    }
}

/// Kinds of evidence that feed findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FactKind {
    /// Telnet session with data.
    Telnet,
    /// FTP control session with data.
    Ftp,
    /// HTTP request carrying Basic credentials.
    HttpBasicAuth,
    /// Plain-HTTP request carrying secrets or personal data in its URL or a bearer token (the
    /// detail names the fields, never their values).
    HttpSecrets,
    /// MQTT CONNECT carrying user name or password without TLS.
    MqttCredentials,
    /// MQTT CONNECT without TLS and without credentials.
    MqttCleartext,
    /// RTSP request without TLS.
    Rtsp,
    /// TLS ClientHello whose highest version is below TLS 1.2.
    TlsLegacy,
    /// UPnP IGD AddPortMapping request.
    UpnpPortMapping,
    /// DNS query to a resolver (judged later against the network's own).
    DnsQuery,
    /// A TCP session with an Internet host whose protocol was not recognised and whose first
    /// payload is readable text (the detail gives its size, never its content).
    UnidentifiedText,
}

/// The device's role in a piece of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The device initiated (client).
    Client,
    /// The device answered (server).
    Server,
}

/// One piece of evidence: a flow and what was seen in it.
#[derive(Debug, Clone)]
pub struct Fact {
    /// What was seen.
    pub kind: FactKind,
    /// The device's role.
    pub role: Role,
    /// The device's own address in the flow.
    pub local: IpAddr,
    /// The other side.
    pub peer: IpAddr,
    /// IP protocol.
    pub proto: u8,
    /// Client port.
    pub client_port: u16,
    /// Server port.
    pub server_port: u16,
    /// First time seen, ns.
    pub first_ns: i64,
    /// Last time seen, ns.
    pub last_ns: i64,
    /// How many times it was seen with this peer and port.
    pub count: u64,
    /// A short detail (TLS version, MQTT client id, SOAP action...), never a secret.
    pub detail: String,
}

// Device::tunnels keeps one bit per kind of tunnel.
const _: () = assert!(iotgate_wire::tunnel::Tunnel::COUNT <= 8);

/// Everything known about one device.
#[derive(Debug, Clone)]
pub struct Device {
    /// Hardware address; all zero for a subscriber, which is known by its id instead.
    pub mac: Mac,
    /// The subscriber's id when this device stands for an ISP's subscriber (`iotgate collect`
    /// names the customer behind an address from its subscriber map): everything seen from
    /// that customer's addresses, whatever devices it has.
    pub subscriber: Option<Box<str>>,
    /// Vendor from the OUI registry.
    pub vendor: Option<&'static str>,
    /// First frame seen from it, ns.
    pub first_ns: i64,
    /// Last frame seen from it, ns (updated as flows are folded).
    pub last_ns: i64,
    /// IPv4 addresses it used or was assigned.
    pub ipv4: BTreeSet<Ipv4Addr>,
    /// IPv6 addresses it used.
    pub ipv6: BTreeSet<Ipv6Addr>,
    /// Public source addresses seen from this MAC (a router has many).
    pub public_sources: BTreeSet<IpAddr>,
    /// True once the MAC sourced traffic for many public addresses: it routes.
    pub routes: bool,
    /// True if it answered DHCP as a server.
    pub dhcp_server: bool,
    /// Host names, with where each came from.
    pub hostnames: Vec<(String, Source)>,
    /// DHCPv4 fingerprint.
    pub dhcp: Option<DhcpInfo>,
    /// DHCPv6 vendor class: enterprise number and data.
    pub dhcpv6_vendor_class: Option<(u32, String)>,
    /// MUD URL and its carrier.
    pub mud_url: Option<(String, Source)>,
    /// mDNS service types it announced.
    pub mdns_services: BTreeSet<String>,
    /// SSDP SERVER strings it sent.
    pub ssdp_servers: BTreeSet<String>,
    /// SSDP LOCATION URLs it announced.
    pub ssdp_locations: BTreeSet<String>,
    /// TLS SNIs it sent.
    pub tls_snis: BTreeSet<String>,
    /// JA4 fingerprints of its ClientHellos.
    pub ja4: BTreeSet<String>,
    /// JA3 strings of its ClientHellos.
    pub ja3: BTreeSet<String>,
    /// Seeded hashes of the ClientHellos already fingerprinted (at most [`HELLOS_SEEN`]).
    pub hellos_seen: Vec<u64>,
    /// Highest TLS versions offered (distinct values).
    pub tls_versions: BTreeSet<u16>,
    /// Cipher suites offered in the ClientHellos fingerprinted (GREASE left out; at most
    /// [`TLS_SUITES`] distinct values).
    pub tls_suites: BTreeSet<u16>,
    /// HTTP User-Agent strings it sent.
    pub user_agents: BTreeSet<String>,
    /// Names it queried and got an answer for.
    pub domains: BTreeSet<String>,
    /// Names it queried (answered or not).
    pub queried: BTreeSet<String>,
    /// Address → indexes into `binding_names`: the names this device resolved to that address
    /// (several when names share an address, as on CDNs; the most recent last).
    pub bindings: Map<IpAddr, NameSet>,
    /// Names referred to by `bindings`.
    pub binding_names: Vec<String>,
    binding_index: Map<String, u32>,
    /// Peers, aggregated.
    pub peers: Map<PeerKey, PeerStats>,
    /// Traffic to peers beyond the per-device bound.
    pub peers_overflow: PeerStats,
    /// Distinct peers that did not fit.
    pub peers_dropped: u64,
    /// The kinds of tunnel its packets were seen inside, one bit per
    /// [`iotgate_wire::tunnel::Tunnel::index`].
    pub tunnels: u8,
    /// Traffic its MAC carried for addresses that are not its own — a router's relayed hosts,
    /// forged sources (a spoofed flood) — summed over flows, so that what it sent and received
    /// is all accounted for.
    pub carried: PeerStats,
    /// Evidence for findings.
    pub facts: Vec<Fact>,
    /// NTP version and mode of its requests.
    pub ntp: Option<(u8, u8)>,
    /// Served RTSP (answered a request on the RTSP ports).
    pub serves_rtsp: bool,
    /// TCP sessions the device took part in (client or server), by the protocol their first
    /// payload showed ([`iotgate_wire::ident::SESSIONS`] order; saturating).
    pub sessions: [u32; iotgate_wire::ident::SESSIONS.len()],
    /// Frames it sent that were not IP (ARP, LLDP, EAPOL...).
    pub non_ip_frames: u64,
    /// The address last accepted by `note_address` or `claim_address` (a fast path for
    /// repeated calls).
    last_addr: Option<IpAddr>,
    /// Seeded hashes of the last [`RECENT_MESSAGES`] announcements (SSDP, mDNS) taken in from
    /// this device, 0 for none: they only ever add to bounded sets, so a repeat, which is most
    /// of them, cannot teach anything and is skipped.
    recent: [u64; RECENT_MESSAGES],
    /// Where the next hash goes in `recent`.
    recent_next: u8,
    /// Seeded hash of the last DNS answer bound for this device (0 for none): binding moves
    /// names to the recent end, so only an immediate repeat is known to change nothing.
    last_answer: u64,
}

/// Announcements remembered per device to skip repeats.
pub const RECENT_MESSAGES: usize = 16;

/// The names bound to one address: up to [`NameSet::CAP`], the most recent last.
#[derive(Debug, Clone, Copy, Default)]
pub struct NameSet {
    len: u8,
    ids: [u32; NameSet::CAP],
}

impl NameSet {
    /// Names kept per address.
    pub const CAP: usize = 4;

    /// Adds (or moves to the end) name index `i`, forgetting the oldest when full.
    pub fn push(&mut self, i: u32) {
        let n = self.len as usize;
        if let Some(at) = self.ids[..n].iter().position(|&x| x == i) {
            self.ids[at..n].rotate_left(1);
            return;
        }
        if n == Self::CAP {
            self.ids.rotate_left(1);
            self.ids[Self::CAP - 1] = i;
        } else {
            self.ids[n] = i;
            self.len += 1;
        }
    }

    /// The name indexes, oldest first.
    pub fn ids(&self) -> &[u32] {
        &self.ids[..self.len as usize]
    }
}

/// RFC 1918 or CGNAT (RFC 6598) — an address a LAN host uses, not link-local.
fn is_private_v4(a: &Ipv4Addr) -> bool {
    let o = a.octets();
    a.is_private() || (o[0] == 100 && (o[1] & 0xc0) == 64)
}

fn push_bounded(set: &mut BTreeSet<String>, v: &str, max: usize) {
    if set.len() < max && !set.contains(v) {
        set.insert(v.to_string());
    }
}

impl Device {
    /// A new, empty device.
    pub fn new(mac: Mac, ts: i64) -> Self {
        Device {
            mac,
            subscriber: None,
            vendor: crate::oui::vendor(&mac),
            first_ns: ts,
            last_ns: ts,
            ipv4: BTreeSet::new(),
            ipv6: BTreeSet::new(),
            public_sources: BTreeSet::new(),
            routes: false,
            dhcp_server: false,
            hostnames: Vec::new(),
            dhcp: None,
            dhcpv6_vendor_class: None,
            mud_url: None,
            mdns_services: BTreeSet::new(),
            ssdp_servers: BTreeSet::new(),
            ssdp_locations: BTreeSet::new(),
            tls_snis: BTreeSet::new(),
            ja4: BTreeSet::new(),
            ja3: BTreeSet::new(),
            hellos_seen: Vec::new(),
            tls_versions: BTreeSet::new(),
            tls_suites: BTreeSet::new(),
            user_agents: BTreeSet::new(),
            domains: BTreeSet::new(),
            queried: BTreeSet::new(),
            bindings: Map::default(),
            binding_names: Vec::new(),
            binding_index: Map::default(),
            peers: Map::default(),
            peers_overflow: PeerStats::default(),
            peers_dropped: 0,
            carried: PeerStats::default(),
            tunnels: 0,
            facts: Vec::new(),
            ntp: None,
            serves_rtsp: false,
            sessions: [0; iotgate_wire::ident::SESSIONS.len()],
            non_ip_frames: 0,
            last_addr: None,
            recent: [0; RECENT_MESSAGES],
            recent_next: 0,
            last_answer: 0,
        }
    }

    /// A new, empty subscriber (no MAC, no vendor).
    pub fn subscriber(id: &str, ts: i64) -> Self {
        Device {
            subscriber: Some(id.into()),
            vendor: None,
            ..Device::new(Mac([0; 6]), ts)
        }
    }

    /// True when `h` (a seeded hash of an announcement, never 0) is one of the last
    /// [`RECENT_MESSAGES`] this device sent; otherwise remembers it and returns false.
    /// Only for messages whose whole effect is to add to the device's bounded sets, so that
    /// taking one in twice changes nothing the second time.
    #[inline]
    pub fn repeated(&mut self, h: u64) -> bool {
        if self.recent.contains(&h) {
            return true;
        }
        self.recent[usize::from(self.recent_next)] = h;
        self.recent_next = ((usize::from(self.recent_next) + 1) % RECENT_MESSAGES) as u8;
        false
    }

    /// True when `h` (a seeded hash of a DNS answer, never 0) is the answer last taken in
    /// for this device; otherwise remembers it and returns false. Every answer that may bind
    /// names for the device must go through it first, so that a match means nothing was bound
    /// since that same answer (which binding again would not change).
    #[inline]
    pub fn repeated_answer(&mut self, h: u64) -> bool {
        if self.last_answer == h {
            return true;
        }
        self.last_answer = h;
        false
    }

    /// Records that the device used `ip` as a source (or was assigned it). Returns false for an
    /// address that does not belong to it (unspecified, group, or routed public addresses).
    /// Called through [`Inventory::note_address`], which keeps the index of owners in step.
    pub(crate) fn note_address(&mut self, ip: IpAddr, _lim: &Limits) -> bool {
        if self.last_addr == Some(ip) {
            return true;
        }
        let owned = self.note_address_slow(ip);
        if owned {
            self.last_addr = Some(ip);
        } else if self.routes {
            // It just turned out to route: a cached public address is no longer its own.
            self.last_addr = None;
        }
        owned
    }

    fn note_address_slow(&mut self, ip: IpAddr) -> bool {
        // Loopback addresses never leave a host: one on the wire is forged.
        if ip.is_unspecified() || ip.is_loopback() || iotgate_wire::net::is_group(&ip) {
            return false;
        }
        if !iotgate_wire::net::is_local(&ip) {
            if self.routes {
                return false;
            }
            if !self.public_sources.contains(&ip) {
                // A host has at most one public IPv4 address and a few IPv6 addresses in one or
                // two /64 prefixes; a MAC that sources more than that forwards traffic: a router.
                let v4 = self.public_sources.iter().filter(|p| p.is_ipv4()).count()
                    + usize::from(ip.is_ipv4());
                let mut prefixes: Vec<[u8; 8]> = self
                    .public_sources
                    .iter()
                    .chain(std::iter::once(&ip))
                    .filter_map(|p| match p {
                        IpAddr::V6(a) => Some(a.octets()[..8].try_into().unwrap_or([0; 8])),
                        IpAddr::V4(_) => None,
                    })
                    .collect();
                prefixes.sort_unstable();
                prefixes.dedup();
                // A MAC with a private IPv4 address that also sources a public one forwards.
                let has_private_v4 = self.ipv4.iter().any(is_private_v4);
                let routes = v4 > 1
                    || (ip.is_ipv4() && has_private_v4)
                    || prefixes.len() > 2
                    || self.public_sources.len() >= 16;
                if routes {
                    self.mark_router();
                    return false;
                }
                self.public_sources.insert(ip);
            }
        }
        if let IpAddr::V4(a) = ip {
            if is_private_v4(&a) && self.public_sources.iter().any(|p| p.is_ipv4()) {
                self.mark_router();
            }
        }
        match ip {
            IpAddr::V4(a) => {
                if self.ipv4.len() < 64 {
                    self.ipv4.insert(a);
                }
            }
            IpAddr::V6(a) => {
                if self.ipv6.len() < 64 {
                    self.ipv6.insert(a);
                }
            }
        }
        true
    }

    /// Marks the device as a router: it forwards other hosts' traffic, so the public addresses
    /// it sourced are not its own.
    pub(crate) fn mark_router(&mut self) {
        if self.routes {
            return;
        }
        self.routes = true;
        self.last_addr = None;
        for p in std::mem::take(&mut self.public_sources) {
            match p {
                IpAddr::V4(x) => self.ipv4.remove(&x),
                IpAddr::V6(x) => self.ipv6.remove(&x),
            };
        }
        // What was learnt through those addresses belongs to the hosts behind it: peers and
        // evidence that made it look like a host of its own (serving, exposed) go with them.
        let carried = &mut self.carried;
        self.peers.retain(|k, v| {
            if k.own_public {
                carried.add(v);
            }
            !k.own_public
        });
        self.facts.retain(|f| iotgate_wire::net::is_local(&f.local));
    }

    /// True if `ip` is one of the device's own addresses.
    pub fn owns(&self, ip: &IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.ipv4.contains(a),
            IpAddr::V6(a) => self.ipv6.contains(a),
        }
    }

    /// Adds a host name from `src` (deduplicated, bounded).
    pub fn add_hostname(&mut self, name: &str, src: Source, lim: &Limits) {
        let name = name.trim().trim_end_matches('.');
        if name.is_empty() || self.hostnames.len() >= lim.max_strings.min(32) {
            return;
        }
        if !self
            .hostnames
            .iter()
            .any(|(n, s)| *s == src && n.eq_ignore_ascii_case(name))
        {
            self.hostnames.push((name.to_string(), src));
        }
    }

    /// Adds to one of the bounded string sets.
    pub fn add_to(set: &mut BTreeSet<String>, v: &str, lim: &Limits) {
        push_bounded(set, v, lim.max_strings);
    }

    /// Binds `ip` to `name`: this device resolved `name` and got `ip`.
    pub fn bind(&mut self, ip: IpAddr, name: &str, lim: &Limits) {
        let idx = match self.binding_index.get(name) {
            Some(&i) => i,
            None => {
                if self.binding_names.len() >= lim.max_bindings {
                    return;
                }
                self.binding_names.push(name.to_string());
                let i = (self.binding_names.len() - 1) as u32;
                self.binding_index.insert(name.to_string(), i);
                i
            }
        };
        if let Some(set) = self.bindings.get_mut(&ip) {
            set.push(idx);
        } else if self.bindings.len() < lim.max_bindings {
            let mut set = NameSet::default();
            set.push(idx);
            self.bindings.insert(ip, set);
        }
    }

    /// The name this device most recently resolved to `ip`, if any.
    pub fn name_for(&self, ip: &IpAddr) -> Option<&str> {
        self.names_for(ip).last()
    }

    /// Every name this device resolved to `ip` (at most [`NameSet::CAP`], oldest first).
    pub fn names_for(&self, ip: &IpAddr) -> impl DoubleEndedIterator<Item = &str> {
        // Flow records teach no names: most devices have none, and hashing is then wasted.
        let found = if self.bindings.is_empty() {
            None
        } else {
            self.bindings.get(ip)
        };
        found
            .map(NameSet::ids)
            .unwrap_or(&[])
            .iter()
            .filter_map(|&i| self.binding_names.get(i as usize))
            .map(String::as_str)
    }

    /// Hints the CPU to fetch what every flow record of this device reads and writes (times,
    /// addresses, traffic totals, names).
    #[inline]
    pub fn prefetch(&self) {
        iotgate_sources::prefetch_ref(&self.first_ns);
        iotgate_sources::prefetch_ref(&self.last_addr);
        iotgate_sources::prefetch_ref(&self.peers_overflow);
        iotgate_sources::prefetch_ref(&self.bindings);
    }

    /// Adds traffic to a peer aggregate, overflowing beyond the bound.
    pub fn add_peer(&mut self, key: PeerKey, stats: &PeerStats, lim: &Limits) {
        if lim.max_peers == 0 {
            self.peers_overflow.add(stats);
            self.peers_dropped += 1;
        } else if let Some(p) = self.peers.get_mut(&key) {
            p.add(stats);
        } else if self.peers.len() < lim.max_peers {
            let mut s = PeerStats::default();
            s.add(stats);
            self.peers.insert(key, s);
        } else {
            self.peers_overflow.add(stats);
            self.peers_dropped += 1;
        }
    }

    /// Records evidence, merging repeats of the same kind, peer and server port.
    #[allow(clippy::too_many_arguments)]
    pub fn add_fact(
        &mut self,
        kind: FactKind,
        role: Role,
        local: IpAddr,
        peer: IpAddr,
        proto: u8,
        client_port: u16,
        server_port: u16,
        ts: i64,
        detail: &str,
        lim: &Limits,
    ) {
        // A router's public addresses are not its own (see [`Device::mark_router`]).
        if self.routes && !iotgate_wire::net::is_local(&local) {
            return;
        }
        if let Some(f) = self.facts.iter_mut().find(|f| {
            f.kind == kind
                && f.peer == peer
                && f.server_port == server_port
                && f.role == role
                && f.detail == detail
        }) {
            f.count += 1;
            f.first_ns = f.first_ns.min(ts);
            f.last_ns = f.last_ns.max(ts);
            return;
        }
        if self.facts.iter().filter(|f| f.kind == kind).count() >= lim.max_facts_per_kind {
            return;
        }
        self.facts.push(Fact {
            kind,
            role,
            local,
            peer,
            proto,
            client_port,
            server_port,
            first_ns: ts,
            last_ns: ts,
            count: 1,
            detail: detail.chars().take(120).collect(),
        });
    }
}

/// All devices, indexed by MAC.
#[derive(Debug, Default, Clone)]
pub struct Inventory {
    /// Devices in the order first seen.
    pub devices: Vec<Device>,
    index: Map<Mac, u32>,
    /// Subscriber id → index, for the devices that stand for an ISP's subscribers.
    subs: Map<Box<str>, u32>,
    /// The same by the id's position in the collector's map (`u32::MAX`: not seen yet), for
    /// the map of generation `sub_map`: one array read instead of hashing the id.
    sub_slots: Vec<u32>,
    sub_map: u64,
    /// For each address some device owns, the devices owning it, lowest position first (one,
    /// almost always): naming the device behind an address is one lookup.
    owners: Map<IpAddr, Vec<u32>>,
    /// MACs that were not stored because the inventory was full.
    pub dropped_macs: u64,
    /// DNS servers the network hands out (DHCP option 6) and its routers (option 3).
    pub network_resolvers: BTreeSet<IpAddr>,
    /// Routers announced by DHCP.
    pub network_routers: BTreeSet<IpAddr>,
    /// The last MAC looked up and its index: consecutive packets mostly share a sender.
    last: Option<(Mac, u32)>,
    /// The last MAC already marked as a gateway.
    last_gateway: Option<Mac>,
}

/// Positions in a subscriber map remembered for [`Inventory::upsert_subscriber`] (4 bytes
/// each); subscribers further down a larger map are found by their id.
pub const MAX_SUB_SLOTS: usize = 1 << 20;

/// ClientHellos remembered per device to skip recomputing their fingerprints.
pub const HELLOS_SEEN: usize = 128;

/// Distinct cipher suites remembered per device (about 350 are registered; a hostile hello can
/// offer thousands of made-up ones).
pub const TLS_SUITES: usize = 512;

impl Inventory {
    /// The per-process seeded hasher of this inventory, for caches keyed by what devices send.
    pub fn seed(&self) -> &foldhash::fast::RandomState {
        self.index.hasher()
    }

    /// Looks up a device by MAC.
    #[inline]
    pub fn get(&self, mac: &Mac) -> Option<u32> {
        self.index.get(mac).copied()
    }

    /// Finds or creates the device for a source MAC; `None` for group, zero or over-limit MACs.
    #[inline]
    pub fn upsert(&mut self, mac: Mac, ts: i64, lim: &Limits) -> Option<u32> {
        if let Some((m, i)) = self.last {
            if m == mac {
                return Some(i);
            }
        }
        if let Some(&i) = self.index.get(&mac) {
            self.last = Some((mac, i));
            return Some(i);
        }
        if mac.is_group() || mac.is_zero() {
            return None;
        }
        if self.devices.len() >= lim.max_devices {
            self.dropped_macs += 1;
            return None;
        }
        let i = self.devices.len() as u32;
        self.devices.push(Device::new(mac, ts));
        self.index.insert(mac, i);
        Some(i)
    }

    /// Finds or creates the device standing for subscriber `id`; `None` over the limit (counted
    /// with the MACs that did not fit).
    /// `slot` is where the collector's map keeps the id (its generation and position), when
    /// it has one.
    #[inline]
    pub fn upsert_subscriber(
        &mut self,
        id: &str,
        slot: Option<(u64, u32)>,
        ts: i64,
        lim: &Limits,
    ) -> Option<u32> {
        if let Some((map, n)) = slot {
            if map == self.sub_map {
                if let Some(&i) = self.sub_slots.get(n as usize) {
                    if i != u32::MAX {
                        return Some(i);
                    }
                }
            }
        }
        let i = self.upsert_subscriber_by_id(id, ts, lim)?;
        if let Some((map, n)) = slot {
            let n = n as usize;
            if n < MAX_SUB_SLOTS {
                if map != self.sub_map {
                    self.sub_slots.clear();
                    self.sub_map = map;
                }
                if n >= self.sub_slots.len() {
                    self.sub_slots.resize(n + 1, u32::MAX);
                }
                self.sub_slots[n] = i;
            }
        }
        Some(i)
    }

    /// [`Inventory::upsert_subscriber`] by the id alone.
    fn upsert_subscriber_by_id(&mut self, id: &str, ts: i64, lim: &Limits) -> Option<u32> {
        if let Some(&i) = self.subs.get(id) {
            return Some(i);
        }
        if self.devices.len() >= lim.max_devices {
            self.dropped_macs += 1;
            return None;
        }
        let i = self.devices.len() as u32;
        self.devices.push(Device::subscriber(id, ts));
        self.subs.insert(id.into(), i);
        Some(i)
    }

    /// The device of the subscriber the map keeps at `slot`, when it has one already (what
    /// [`Inventory::upsert_subscriber`] finds without hashing).
    #[inline]
    pub fn subscriber_at(&self, slot: (u64, u32)) -> Option<u32> {
        let (map, n) = slot;
        let i = *self.sub_slots.get(n as usize)?;
        (map == self.sub_map && i != u32::MAX).then_some(i)
    }

    /// Looks up a subscriber's device by id.
    pub fn get_subscriber(&self, id: &str) -> Option<u32> {
        self.subs.get(id).copied()
    }

    /// Records that device `i` (a subscriber) uses `ip`, as the subscriber map says: no router
    /// inference, the map is the authority. At most 64 addresses per family are kept.
    #[inline]
    pub fn claim_address(&mut self, i: u32, ip: IpAddr) {
        let d = &mut self.devices[i as usize];
        // A subscriber's records mostly carry the address of the one before.
        if d.last_addr == Some(ip) {
            return;
        }
        if d.owns(&ip) {
            d.last_addr = Some(ip);
            return;
        }
        if ip.is_unspecified() || iotgate_wire::net::is_group(&ip) {
            return;
        }
        let added = match ip {
            IpAddr::V4(a) => d.ipv4.len() < 64 && d.ipv4.insert(a),
            IpAddr::V6(a) => d.ipv6.len() < 64 && d.ipv6.insert(a),
        };
        if added {
            d.last_addr = Some(ip);
            let list = self.owners.entry(ip).or_default();
            if let Err(at) = list.binary_search(&i) {
                list.insert(at, i);
            }
        }
    }

    /// Marks the device behind `mac` as a gateway (it forwards LAN traffic to the Internet).
    #[inline]
    pub fn mark_gateway(&mut self, mac: Mac, ts: i64, lim: &Limits) {
        if self.last_gateway == Some(mac) {
            return;
        }
        if let Some(i) = self.upsert(mac, ts, lim) {
            let d = &mut self.devices[i as usize];
            if !d.routes {
                let public: Vec<IpAddr> = d.public_sources.iter().copied().collect();
                d.mark_router();
                self.forget_owner(i, &public);
            }
            self.last_gateway = Some(mac);
        }
    }

    /// Records that device `i` used `ip` as a source (or was assigned it), keeping the index of
    /// owners in step; returns whether the address is the device's own (see
    /// [`Device::note_address`]).
    #[inline]
    pub fn note_address(&mut self, i: u32, ip: IpAddr, lim: &Limits) -> bool {
        if self.devices[i as usize].last_addr == Some(ip) {
            return true;
        }
        self.note_new_address(i, ip, lim)
    }

    /// [`Inventory::note_address`] for an address other than the last one the device used.
    #[inline(never)]
    fn note_new_address(&mut self, i: u32, ip: IpAddr, lim: &Limits) -> bool {
        let d = &mut self.devices[i as usize];
        let routed = d.routes;
        // Becoming a router drops its public addresses: remember which they were.
        let public: Vec<IpAddr> = if routed {
            Vec::new()
        } else {
            d.public_sources.iter().copied().collect()
        };
        let owned = d.note_address(ip, lim);
        let (now_routes, owns) = (d.routes, d.owns(&ip));
        if now_routes && !routed {
            self.forget_owner(i, &public);
        }
        if owns {
            let list = self.owners.entry(ip).or_default();
            if let Err(at) = list.binary_search(&i) {
                list.insert(at, i);
            }
        }
        owned
    }

    /// Removes device `i` from the owners of `addrs` it no longer owns.
    fn forget_owner(&mut self, i: u32, addrs: &[IpAddr]) {
        for a in addrs {
            if self.devices[i as usize].owns(a) {
                continue;
            }
            if let Some(list) = self.owners.get_mut(a) {
                list.retain(|&x| x != i);
                if list.is_empty() {
                    self.owners.remove(a);
                }
            }
        }
    }

    /// True if `ip` is one of the network's routers: announced by DHCP, or owned by a device
    /// seen routing or serving DHCP. One lookup, whatever the number of devices.
    pub fn is_gateway(&self, ip: &IpAddr) -> bool {
        self.network_routers.contains(ip)
            || self.owners.get(ip).is_some_and(|l| {
                l.iter().any(|&i| {
                    let d = &self.devices[i as usize];
                    d.routes || d.dhcp_server
                })
            })
    }

    /// The first device in inventory order, other than `except`, that owns `ip`.
    #[inline]
    pub fn owner_except(&self, ip: &IpAddr, except: u32) -> Option<u32> {
        self.owners.get(ip)?.iter().copied().find(|&i| i != except)
    }

    /// The device at an index.
    #[inline]
    pub fn dev(&mut self, i: u32) -> &mut Device {
        &mut self.devices[i as usize]
    }
}
