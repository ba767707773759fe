//! The MUD audit: every flow of a device that has a profile is decided against it, both ways, as
//! an enforcer would — allowed by which entry, or a violation. DNS-name entries are matched
//! through the names the device itself resolved to the address in the capture.

use iotgate_mud::compiled::Compiled;
use iotgate_mud::matcher::{Context, Packet, Verdict};
use iotgate_mud::Profile;
use iotgate_observe::engine::FlowObserver;
use iotgate_observe::flow::{tcpbits, Flow, FlowKey};
use iotgate_observe::hashing::{Map, Set};
use iotgate_observe::{Device, Inventory};
use iotgate_wire::Mac;
use std::net::IpAddr;
use std::path::PathBuf;

/// Distinct violation groups kept per device; more are counted, not listed.
pub const MAX_VIOLATIONS: usize = 4096;

/// `AuditState::by_dev` entry for a device not looked up yet.
const UNKNOWN: u32 = u32::MAX;

/// RFC 8520's well-known controller classes iotgate can resolve from the capture.
pub const URN_DNS: &str = "urn:ietf:params:mud:dns";
/// The NTP controller class (resolved only from `--controller`).
pub const URN_NTP: &str = "urn:ietf:params:mud:ntp";
/// The gateway class some generators use.
pub const URN_GATEWAY: &str = "urn:ietf:params:mud:gateway";

/// Settings of an audit.
#[derive(Debug, Clone, Default)]
pub struct AuditConfig {
    /// Controllers named by the user: class URI (or `my-controller`) → address.
    pub controllers: Vec<(String, IpAddr)>,
}

/// A group of flows that broke a profile: same remote address, protocol, service port, who
/// opened it and which direction was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ViolationKey {
    /// The other side.
    pub remote: IpAddr,
    /// IP protocol.
    pub proto: u8,
    /// The responder's port (the service), 0 without ports.
    pub port: u16,
    /// True when the device opened the flows.
    pub device_initiated: bool,
    /// Bit 0: what the device sent was refused; bit 1: what it received was refused.
    pub refused: u8,
}

/// The flows of one violation group.
#[derive(Debug, Clone, Default)]
pub struct ViolationStats {
    /// Flows.
    pub flows: u64,
    /// Packets, both ways.
    pub packets: u64,
    /// Bytes, both ways.
    pub bytes: u64,
    /// First packet, ns.
    pub first_ns: i64,
    /// Last packet, ns.
    pub last_ns: i64,
    /// The name the device resolved to the remote address, if it did.
    pub name: Option<String>,
    /// An entry that explicitly refused it (`(from_device, acl, ace)`), when one did.
    pub denied_by: Option<(bool, usize, usize)>,
}

/// The audit of one device.
#[derive(Debug, Clone)]
pub struct DeviceAudit {
    /// The device.
    pub mac: Mac,
    /// Where the profile came from (a file or URL).
    pub source: String,
    /// The profile, indexed for deciding flows.
    pub compiled: Compiled,
    /// Flows decided.
    pub flows: u64,
    /// Flows allowed both ways.
    pub allowed: u64,
    /// Flows with a refused direction.
    pub violating: u64,
    /// Flows allowed by each entry of the from-device ACLs (`[acl][ace]`).
    pub from_hits: Vec<Vec<u64>>,
    /// Same for the to-device ACLs.
    pub to_hits: Vec<Vec<u64>>,
    /// Violations, grouped.
    pub violations: Map<ViolationKey, ViolationStats>,
    /// Violating flows in groups beyond [`MAX_VIOLATIONS`].
    pub violations_dropped: u64,
}

impl DeviceAudit {
    /// A fresh audit of `mac` against `profile`.
    pub fn new(mac: Mac, source: String, profile: Profile) -> Self {
        let hits = |acls: &[iotgate_mud::Acl]| acls.iter().map(|a| vec![0; a.aces.len()]).collect();
        DeviceAudit {
            mac,
            source,
            from_hits: hits(&profile.from_device),
            to_hits: hits(&profile.to_device),
            compiled: Compiled::new(profile),
            flows: 0,
            allowed: 0,
            violating: 0,
            violations: Map::default(),
            violations_dropped: 0,
        }
    }

    /// The profile.
    pub fn profile(&self) -> &Profile {
        &self.compiled.profile
    }

    /// Entries no flow used: `(from_device, acl name, ace name)`.
    pub fn unused(&self) -> Vec<(bool, &str, &str)> {
        let mut out = Vec::new();
        for (from, acls, hits) in [
            (true, &self.profile().from_device, &self.from_hits),
            (false, &self.profile().to_device, &self.to_hits),
        ] {
            for (acl, h) in acls.iter().zip(hits) {
                for (ace, n) in acl.aces.iter().zip(h) {
                    if *n == 0 {
                        out.push((from, acl.name.as_str(), ace.name.as_str()));
                    }
                }
            }
        }
        out
    }
}

/// Why a device's announced MUD URL gave no profile from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheProblem {
    /// The URL cannot name a file in the cache (not https, or unsafe characters).
    BadUrl,
    /// No file for it.
    Missing(PathBuf),
    /// The file could not be read.
    Io(PathBuf, String),
    /// The file is not a usable profile (number of errors).
    Unusable(PathBuf, usize),
    /// Fetching it failed (the fetcher's explanation).
    FetchFailed(String),
}

/// The state of an audit: it hears every ended flow (as a [`FlowObserver`]) and holds the result.
#[derive(Debug, Default)]
pub struct AuditState {
    /// One entry per device with a profile.
    pub devices: Vec<DeviceAudit>,
    /// Devices whose announced MUD URL gave no profile: MAC, URL, why.
    pub cache_problems: Vec<(Mac, String, CacheProblem)>,
    by_mac: Map<Mac, usize>,
    by_dev: Vec<u32>,
    cfg: AuditConfig,
    cache: Option<PathBuf>,
    tried: Set<Mac>,
    fetcher: Option<FetcherBox>,
}

/// Brings the cached profile of a MUD URL up to date (fetching and verifying it), or says why not.
pub type Fetcher = Box<dyn FnMut(&str) -> Result<(), String> + Send>;

struct FetcherBox(Fetcher);

impl std::fmt::Debug for FetcherBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fetcher")
    }
}

impl AuditState {
    /// An audit of the given devices.
    pub fn new(devices: Vec<DeviceAudit>, cfg: AuditConfig) -> Self {
        let by_mac = devices
            .iter()
            .enumerate()
            .map(|(i, d)| (d.mac, i))
            .collect();
        AuditState {
            devices,
            by_mac,
            cfg,
            ..AuditState::default()
        }
    }

    /// Also audits devices that announce a MUD URL whose profile is in `dir` (see
    /// [`iotgate_mud::cache_path`]).
    pub fn with_cache(mut self, dir: PathBuf) -> Self {
        self.cache = Some(dir);
        self
    }

    /// Fetches announced MUD URLs into the cache (through `fetch`) before reading them.
    pub fn with_fetcher(mut self, fetch: Fetcher) -> Self {
        self.fetcher = Some(FetcherBox(fetch));
        self
    }

    /// A copy for a snapshot: the same audits and cache, without the fetcher (a snapshot reads
    /// the cache but never fetches).
    pub fn fork(&self) -> AuditState {
        AuditState {
            devices: self.devices.clone(),
            cache_problems: self.cache_problems.clone(),
            by_mac: self.by_mac.clone(),
            by_dev: self.by_dev.clone(),
            cfg: self.cfg.clone(),
            cache: self.cache.clone(),
            tried: self.tried.clone(),
            fetcher: None,
        }
    }

    /// Loads the cached profile of a device that announced a MUD URL, once per device.
    fn load_cached(&mut self, dev: &Device) -> Option<usize> {
        let dir = self.cache.as_ref()?;
        let (url, _) = dev.mud_url.as_ref()?;
        if !self.tried.insert(dev.mac) {
            return None;
        }
        let problem = |p| (dev.mac, url.clone(), p);
        let Some(path) = iotgate_mud::cache_path(dir, url) else {
            self.cache_problems.push(problem(CacheProblem::BadUrl));
            return None;
        };
        // Bring the cache up to date first when a fetcher is set (it keeps a valid copy).
        if let Some(fetch) = self.fetcher.as_mut() {
            if let Err(why) = (fetch.0)(url) {
                self.cache_problems
                    .push(problem(CacheProblem::FetchFailed(why)));
                return None;
            }
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.cache_problems
                    .push(problem(CacheProblem::Missing(path)));
                return None;
            }
            Err(e) => {
                self.cache_problems
                    .push(problem(CacheProblem::Io(path, e.to_string())));
                return None;
            }
        };
        let parsed = iotgate_mud::parse_bytes(&bytes);
        let Some(profile) = parsed.profile else {
            let n = parsed.errors().count();
            self.cache_problems
                .push(problem(CacheProblem::Unusable(path, n)));
            return None;
        };
        let i = self.devices.len();
        self.devices.push(DeviceAudit::new(
            dev.mac,
            path.display().to_string(),
            profile,
        ));
        self.by_mac.insert(dev.mac, i);
        Some(i)
    }

    /// True when `mac` is audited.
    pub fn manages(&self, mac: &Mac) -> bool {
        self.by_mac.contains_key(mac)
    }

    /// Decides one ended flow for each audited device on it.
    pub fn flow(&mut self, inv: &Inventory, key: &FlowKey, f: &Flow) {
        for side in 0..2 {
            let di = f.dev[side] as usize;
            let Some(dev) = inv.devices.get(di) else {
                continue;
            };
            // Inventory index → audit index + 1 (0: not audited), remembered per device so that
            // the flows of unaudited devices cost one array read.
            let known = self.by_dev.get(di).copied().unwrap_or(UNKNOWN);
            let ai = match known {
                0 => continue,
                UNKNOWN => {
                    let ai = match self.by_mac.get(&dev.mac) {
                        Some(&ai) => Some(ai),
                        None => self.load_cached(dev),
                    };
                    // A device without a profile may still announce a MUD URL later, when a
                    // cache is in use: only then is "not audited" not remembered.
                    if ai.is_some() || self.cache.is_none() || dev.mud_url.is_some() {
                        if self.by_dev.len() <= di {
                            self.by_dev.resize(di + 1, UNKNOWN);
                        }
                        self.by_dev[di] = ai.map_or(0, |a| a as u32 + 1);
                    }
                    match ai {
                        Some(ai) => ai,
                        None => continue,
                    }
                }
                n => n as usize - 1,
            };
            let remote_dev = inv.devices.get(f.dev[1 - side] as usize);
            let ctx = Ctx::new(inv, dev, remote_dev, Some(&self.cfg));
            let a = &mut self.devices[ai];
            audit_side(a, &ctx, key, f, side);
        }
    }
}

fn audit_side(a: &mut DeviceAudit, ctx: &Ctx<'_>, key: &FlowKey, f: &Flow, side: usize) {
    let initiated = f.initiator as usize == side;
    // Counters are [initiator→responder, responder→initiator].
    let (sent, recv) = if initiated { (0, 1) } else { (1, 0) };
    let mine = key.addr(side);
    let theirs = key.addr(1 - side);
    // TCP: the initiator is known when the handshake's start was seen, else it was guessed.
    let known_start = key.proto != 6 || f.tcp & (tcpbits::SYN | tcpbits::SYNACK) != 0;
    let mut refused = 0u8;
    let mut denied_by = None;
    let mut hits = [None; 2];
    for (bit, from_device, dir) in [(1u8, true, sent), (2u8, false, recv)] {
        if f.pkts[dir] == 0 {
            continue;
        }
        let (src, dst, sport, dport) = if from_device {
            (mine, theirs, key.port(side), key.port(1 - side))
        } else {
            (theirs, mine, key.port(1 - side), key.port(side))
        };
        let p = Packet {
            from_device,
            src,
            dst,
            proto: key.proto,
            sport,
            dport,
            icmp: f.icmp[dir],
            device_initiated: known_start.then_some(initiated),
        };
        match a.compiled.decide(&p, ctx) {
            Verdict::Allowed { acl, ace } => {
                hits[usize::from(from_device)] = Some((from_device, acl, ace))
            }
            Verdict::Denied { acl, ace } => {
                refused |= bit;
                denied_by.get_or_insert((from_device, acl, ace));
            }
            Verdict::NoMatch => refused |= bit,
        }
    }
    if hits == [None, None] && refused == 0 {
        return; // no packets (cannot happen for a real flow)
    }
    a.flows += 1;
    if refused == 0 {
        a.allowed += 1;
        for (from, acl, ace) in hits.into_iter().flatten() {
            let h = if from {
                &mut a.from_hits
            } else {
                &mut a.to_hits
            };
            h[acl][ace] += 1;
        }
        return;
    }
    a.violating += 1;
    let responder = 1 - f.initiator as usize;
    let k = ViolationKey {
        remote: theirs,
        proto: key.proto,
        port: key.port(responder),
        device_initiated: initiated,
        refused,
    };
    let full = a.violations.len() >= MAX_VIOLATIONS;
    let v = match a.violations.get_mut(&k) {
        Some(v) => v,
        None if full => {
            a.violations_dropped += 1;
            return;
        }
        None => a.violations.entry(k).or_insert_with(|| ViolationStats {
            first_ns: f.first_ns,
            last_ns: f.last_ns,
            name: ctx.dev.name_for(&theirs).map(str::to_string),
            denied_by,
            ..ViolationStats::default()
        }),
    };
    v.flows += 1;
    v.packets += f.pkts[0] + f.pkts[1];
    v.bytes += f.bytes[0] + f.bytes[1];
    v.first_ns = v.first_ns.min(f.first_ns);
    v.last_ns = v.last_ns.max(f.last_ns);
}

/// What the capture tells about the network, for one audited device and one flow.
pub(crate) struct Ctx<'a> {
    inv: &'a Inventory,
    pub(crate) dev: &'a Device,
    remote_dev: Option<&'a Device>,
    cfg: Option<&'a AuditConfig>,
}

impl<'a> Ctx<'a> {
    /// The context of a flow between `dev` and (when it is a known device) `remote_dev`.
    pub(crate) fn new(
        inv: &'a Inventory,
        dev: &'a Device,
        remote_dev: Option<&'a Device>,
        cfg: Option<&'a AuditConfig>,
    ) -> Self {
        Ctx {
            inv,
            dev,
            remote_dev,
            cfg,
        }
    }
}

impl Context for Ctx<'_> {
    fn resolved(&self, name: &str, ip: &IpAddr) -> bool {
        self.dev
            .names_for(ip)
            .any(|n| n.trim_end_matches('.').eq_ignore_ascii_case(name))
    }
    fn names(&self, ip: &IpAddr, f: &mut dyn FnMut(&str)) {
        for n in self.dev.names_for(ip) {
            f(n);
        }
    }
    fn is_local(&self, ip: &IpAddr) -> bool {
        iotgate_wire::net::is_local(ip)
    }
    fn is_controller(&self, uri: &str, ip: &IpAddr) -> bool {
        if self
            .cfg
            .is_some_and(|c| c.controllers.iter().any(|(u, a)| u == uri && a == ip))
        {
            return true;
        }
        match uri {
            URN_DNS => {
                if self.inv.network_resolvers.is_empty() {
                    self.inv.is_gateway(ip)
                } else {
                    self.inv.network_resolvers.contains(ip)
                }
            }
            URN_GATEWAY => self.inv.is_gateway(ip),
            _ => false,
        }
    }
    fn is_my_controller(&self, ip: &IpAddr) -> bool {
        self.is_controller("my-controller", ip)
    }
    fn mud_url_of(&self, ip: &IpAddr) -> Option<&str> {
        let d = self.remote_dev?;
        if !d.owns(ip) {
            return None;
        }
        d.mud_url.as_ref().map(|(u, _)| u.as_str())
    }
}

impl FlowObserver for AuditState {
    fn flow_ended(&mut self, inv: &Inventory, key: &FlowKey, flow: &Flow) {
        self.flow(inv, key, flow);
    }
}
