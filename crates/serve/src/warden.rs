//! The daemon's hand on the network: holds devices in quarantine (by people, through the API,
//! or by itself on a high alert when the operator turned that on), releases them after the
//! clean period the operator set, and — with `--enforce` — keeps the kernel's rules equal to
//! the database: rebuilt at start, replaced when who is held (or their addresses) changes,
//! their DNS-bound sets filled from the DNS answers the held devices receive, removed when the
//! daemon stops.

use crate::dnsbind;
use crate::feed::wall_ns;
use crate::rules::{self, Held};
use iotgate_store::Store;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Setting: `high` to quarantine a device on its first high-severity alert (not muted);
/// anything else (the default) leaves it to people.
pub const AUTO: &str = "quarantine.auto";
/// Setting: seconds without new alert evidence after which a held device is released; `0`
/// or absent: never by itself.
pub const RELEASE_AFTER: &str = "quarantine.release_after_s";
/// Setting: resolvers (addresses, space-separated) a held device may still ask, besides the
/// gateway itself.
pub const RESOLVERS: &str = "quarantine.resolvers";
/// Who the daemon is in the action log.
pub const WHO: &str = "iotgate";

/// Addresses learnt from DNS kept per held device, at most; more are not kept (the next
/// answer brings them again).
const LEARNED_PER_DEVICE: usize = 4096;
/// DNS additions waiting for the next nft run, at most.
const MAX_PENDING: usize = 4096;
/// Queries remembered at once, and how long one waits for its answer.
const MAX_QUERIES: usize = 4096;
const QUERY_WAIT: Duration = Duration::from_secs(10);

/// Most devices the daemon holds by itself in an hour.
const AUTO_PER_HOUR: usize = 10;
/// How often the clean periods are checked.
const RELEASE_CHECK: Duration = Duration::from_secs(5);

/// What people see of the enforcement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// `--enforce` was given.
    pub enforce: bool,
    /// The last nft failure, if the rules are not as the database says.
    pub error: Option<String>,
}

#[derive(Default)]
struct State {
    stop: bool,
    refresh: bool,
    new_alerts: Vec<i64>,
    /// Held MACs → their device; each held device's allowed names.
    watch: HashMap<[u8; 6], i64>,
    names: HashMap<i64, HashSet<String>>,
    pending: Vec<(i64, IpAddr, u32)>,
    /// MUD-managed MACs → the names their profiles allow.
    mud_names: HashMap<[u8; 6], HashSet<String>>,
    pending_mud: Vec<([u8; 6], String, IpAddr, u32)>,
    /// Queries the watched devices sent, by (MAC, transaction ID): the name, and when. An
    /// answer counts only if it answers one of these.
    queries: HashMap<([u8; 6], u16), (String, Instant)>,
    /// Servers whose answers count: the resolvers in the settings and the gateway itself.
    trusted: HashSet<IpAddr>,
    error: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
    enforce: bool,
    /// Someone is held (the packet tap's fast exit).
    watching: AtomicBool,
}

/// The warden's thread and what the feed and the pages tell it.
pub struct Warden {
    shared: Arc<Shared>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// Why enforcement could not start.
#[derive(Debug)]
pub enum StartError {
    /// The database.
    Store(iotgate_store::Error),
    /// `nft` refused the rules (or is missing): what it said.
    Nft(String),
}

impl Warden {
    /// Starts the warden on the database at `db`. With `enforce`, the rules are built from the
    /// database before this returns (a failure is an error: nothing would be enforced);
    /// without, any rules a previous `--enforce` run left are removed when `clear_stale` (a
    /// live interface: this machine is the gateway).
    pub fn start(db: &Path, enforce: bool, clear_stale: bool) -> Result<Warden, StartError> {
        let store = Store::open(db).map_err(StartError::Store)?;
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            enforce,
            watching: AtomicBool::new(false),
        });
        let mut w = Worker {
            store,
            shared: shared.clone(),
            applied: None,
            learned: HashMap::new(),
            mud_applied: None,
            mud_sets: Default::default(),
            mud_learned: HashMap::new(),
            auto_held: Vec::new(),
            parsed: HashMap::new(),
        };
        if enforce {
            // Only the quarantine's failure stops the start: a MUD profile nft refuses is
            // reported on the pages, and the rest is enforced.
            if let Err(e) = w.sync(true) {
                if !e.starts_with("MUD: ") {
                    return Err(StartError::Nft(e));
                }
                w.set_error(Some(e));
            }
        } else if clear_stale {
            // Rules a previous --enforce run left (it keeps them in force when it stops).
            let _ = nft(&rules::remove());
            let _ = nft(&remove_mud());
        }
        let thread = std::thread::Builder::new()
            .name("iotgate-warden".into())
            .spawn(move || w.run())
            .ok();
        Ok(Warden {
            shared,
            thread: Mutex::new(thread),
        })
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        let r = f(&mut s);
        self.shared.wake.notify_one();
        r
    }

    /// The database changed (a snapshot, a quarantine, a release, a setting): look again.
    pub fn refresh(&self) {
        self.with(|s| s.refresh = true);
    }

    /// Alerts raised for the first time, for automatic quarantine.
    pub fn new_alerts(&self, ids: &[i64]) {
        if !ids.is_empty() {
            self.with(|s| {
                s.new_alerts.extend_from_slice(ids);
                s.refresh = true;
            });
        }
    }

    /// Every live packet passes here: a DNS answer to a held device for one of its allowed
    /// names fills its set. Nothing held, or not a DNS response: a few byte reads.
    pub fn tap(&self, linktype: u16, frame: &[u8]) {
        if !self.shared.watching.load(Ordering::Relaxed) {
            return;
        }
        if dnsbind::maybe_query(linktype, frame) {
            if let Some(q) = dnsbind::query(linktype, frame) {
                let mut s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
                if s.watch.contains_key(&q.from.0) || s.mud_names.contains_key(&q.from.0) {
                    if s.queries.len() >= MAX_QUERIES {
                        s.queries.retain(|_, (_, t)| t.elapsed() < QUERY_WAIT);
                    }
                    if s.queries.len() < MAX_QUERIES {
                        s.queries.insert((q.from.0, q.id), (q.name, Instant::now()));
                    }
                }
            }
            return;
        }
        if !dnsbind::maybe(linktype, frame) {
            return;
        }
        let Some(a) = dnsbind::answer(linktype, frame) else {
            return;
        };
        let mut s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        // Only an answer from a server the gateway trusts, to a question the device asked a
        // moment ago: a forged answer (from a LAN peer, to an address it made the device take)
        // opens nothing.
        let State {
            trusted, queries, ..
        } = &mut *s;
        if !admits(trusted, queries, &a) {
            return;
        }
        let mut any = false;
        if let Some(&dev) = s.watch.get(&a.to.0) {
            if s.names.get(&dev).is_some_and(|n| n.contains(&a.name)) {
                for (ip, ttl) in &a.addrs {
                    if s.pending.len() < MAX_PENDING {
                        s.pending.push((dev, *ip, *ttl));
                        any = true;
                    }
                }
            }
        }
        if s.mud_names
            .get(&a.to.0)
            .is_some_and(|n| n.contains(&a.name))
        {
            for (ip, ttl) in &a.addrs {
                if s.pending_mud.len() < MAX_PENDING {
                    s.pending_mud.push((a.to.0, a.name.clone(), *ip, *ttl));
                    any = true;
                }
            }
        }
        if any {
            self.shared.wake.notify_one();
        }
    }

    /// Whether rules are enforced, and the last failure.
    pub fn status(&self) -> Status {
        let s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        Status {
            enforce: self.shared.enforce,
            error: s.error.clone(),
        }
    }

    /// Stops the thread. The rules stay in force (a device held stays held while the daemon is
    /// down: the next start rebuilds them from the database; a start without `--enforce`
    /// removes them).
    pub fn close(&self) {
        self.with(|s| s.stop = true);
        let t = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = t {
            let _ = t.join();
        }
    }
}

/// The transaction that removes the MUD table, whether or not it exists.
fn remove_mud() -> serde_json::Value {
    rules::drop_tables(&[("inet", iotgate_mud::nft::TABLE)])
}

/// Runs `nft -j -f -` with `doc`; what it said on failure.
pub fn nft(doc: &serde_json::Value) -> Result<(), String> {
    let mut child = Command::new("nft")
        .args(["-j", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("nft: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(doc.to_string().as_bytes())
            .map_err(|e| format!("nft: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("nft: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// What the rules in force were built from.
#[derive(PartialEq)]
struct Applied {
    /// Held devices by id, in rule order (the index names their sets).
    devices: Vec<i64>,
    held: Vec<Held>,
    resolvers: Vec<IpAddr>,
}

struct Worker {
    store: Store,
    shared: Arc<Shared>,
    applied: Option<Applied>,
    /// Per held device, the addresses its allowed names resolved to, until when.
    learned: HashMap<i64, HashMap<IpAddr, Instant>>,
    /// What the MUD rules in force were built from (a digest), and their DNS-name sets.
    mud_applied: Option<u64>,
    mud_sets: iotgate_mud::nft::NameSets,
    /// Per MUD-managed MAC and name, the addresses it resolved to, until when.
    mud_learned: HashMap<(String, String), HashMap<IpAddr, Instant>>,
    /// When the daemon held a device by itself, this last hour.
    auto_held: Vec<Instant>,
    /// The stored MUD profiles, read: per device, the digest of the text and the profile.
    parsed: HashMap<i64, (u64, iotgate_mud::model::Profile)>,
}

/// A device's addresses, from its report entry.
fn addrs_of(report: &str) -> Vec<IpAddr> {
    let v: serde_json::Value = serde_json::from_str(report).unwrap_or_default();
    crate::page::addresses(v.get("en").unwrap_or(&v))
}

/// Whether answer `a` may fill sets: from a trusted server, answering (ID and name) a query
/// its device sent a moment ago; the query is then used up.
fn admits(
    trusted: &HashSet<IpAddr>,
    queries: &mut HashMap<([u8; 6], u16), (String, Instant)>,
    a: &dnsbind::Answer,
) -> bool {
    if !trusted.contains(&a.from) {
        return false;
    }
    match queries.get(&(a.to.0, a.id)) {
        Some((name, t)) if *name == a.name && t.elapsed() < QUERY_WAIT => {
            queries.remove(&(a.to.0, a.id));
            true
        }
        _ => false,
    }
}

/// The gateway's own addresses (its resolver answers from one of them).
fn own_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list freed below with freeifaddrs; each
    // node's ifa_addr is null or points to a sockaddr of the family it names.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return out;
        }
        let mut p = list;
        while !p.is_null() {
            let a = (*p).ifa_addr;
            if !a.is_null() {
                match i32::from((*a).sa_family) {
                    libc::AF_INET => {
                        let sin = &*(a as *const libc::sockaddr_in);
                        out.push(IpAddr::from(
                            u32::from_be(sin.sin_addr.s_addr).to_be_bytes(),
                        ));
                    }
                    libc::AF_INET6 => {
                        let sin6 = &*(a as *const libc::sockaddr_in6);
                        out.push(IpAddr::from(sin6.sin6_addr.s6_addr));
                    }
                    _ => {}
                }
            }
            p = (*p).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    out
}

/// A digest of a profile's text, to see it changed.
fn text_digest(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn mac_bytes(mac: &str) -> Option<[u8; 6]> {
    iotgate_wire::Mac::parse(mac).map(|m| m.0)
}

impl Worker {
    fn run(mut self) {
        let mut last_release = Instant::now();
        loop {
            let (alerts, refresh, pending, pending_mud) = {
                let mut s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
                if !s.stop
                    && !s.refresh
                    && s.pending.is_empty()
                    && s.pending_mud.is_empty()
                    && s.new_alerts.is_empty()
                {
                    s = self
                        .shared
                        .wake
                        .wait_timeout(s, Duration::from_millis(500))
                        .map(|(g, _)| g)
                        .unwrap_or_else(|e| e.into_inner().0);
                }
                if s.stop {
                    return;
                }
                (
                    std::mem::take(&mut s.new_alerts),
                    std::mem::take(&mut s.refresh),
                    std::mem::take(&mut s.pending),
                    std::mem::take(&mut s.pending_mud),
                )
            };
            let mut changed = refresh;
            if !alerts.is_empty() {
                changed |= self.auto_quarantine(&alerts);
            }
            if last_release.elapsed() >= RELEASE_CHECK {
                last_release = Instant::now();
                changed |= self.auto_release();
            }
            if changed {
                let r = self.sync(false);
                self.set_error(r.err());
            }
            if !pending.is_empty() {
                let r = self.learn(pending);
                if r.is_err() {
                    self.set_error(r.err());
                }
            }
            if !pending_mud.is_empty() {
                let r = self.learn_mud(pending_mud);
                if r.is_err() {
                    self.set_error(r.err());
                }
            }
        }
    }

    fn set_error(&self, e: Option<String>) {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .error = e;
    }

    /// Quarantines the devices of new high alerts (unless muted), when the operator asked.
    fn auto_quarantine(&mut self, ids: &[i64]) -> bool {
        if self.store.setting(AUTO).ok().flatten().as_deref() != Some("high") {
            return false;
        }
        let now = wall_ns();
        let mutes = self.store.mutes(now).unwrap_or_default();
        let mut any = false;
        for id in ids {
            let Ok(Some(a)) = self.store.alert(*id) else {
                continue;
            };
            let muted = mutes
                .iter()
                .any(|m| m.device_id == a.device_id && m.kind == a.kind && m.detail == a.detail);
            if a.severity != "high" || muted {
                continue;
            }
            // Never the network's own routers (holding one would cut everyone off), and only a
            // few a hour: a forged alert (a spoofed MAC) must not empty the network.
            let router = self
                .store
                .device(a.device_id)
                .ok()
                .flatten()
                .is_some_and(|d| d.kind == "router");
            self.auto_held
                .retain(|t| t.elapsed() < Duration::from_secs(3600));
            if router || self.auto_held.len() >= AUTO_PER_HOUR {
                continue;
            }
            let why = format!("alert {}: {}/{}", a.id, a.kind, a.detail);
            let held = self
                .store
                .quarantine(a.device_id, WHO, &why, now)
                .unwrap_or(false);
            if held {
                self.auto_held.push(Instant::now());
            }
            any |= held;
        }
        any
    }

    /// Releases the held devices clean for the period the operator set.
    fn auto_release(&mut self) -> bool {
        let secs: i64 = self
            .store
            .setting(RELEASE_AFTER)
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if secs <= 0 {
            return false;
        }
        let now = wall_ns();
        let mut any = false;
        for q in self.store.quarantines().unwrap_or_default() {
            if now.saturating_sub(q.clean_since_ns) >= secs.saturating_mul(1_000_000_000) {
                let why = format!("clean for {secs} s");
                any |= self
                    .store
                    .release(q.device_id, WHO, &why, now)
                    .unwrap_or(false);
            }
        }
        any
    }

    /// Makes the rules (and the tap's view) equal to the database. `force`: replace them even
    /// if nothing seems to have changed (at start: whatever a crash left behind).
    fn sync(&mut self, force: bool) -> Result<(), String> {
        let qs = self.store.quarantines().map_err(|e| e.to_string())?;
        let resolvers: Vec<IpAddr> = self
            .store
            .setting(RESOLVERS)
            .ok()
            .flatten()
            .unwrap_or_default()
            .split([' ', ',', '\n'])
            .filter_map(|a| a.trim().parse().ok())
            .collect();
        let want = Applied {
            devices: qs.iter().map(|q| q.device_id).collect(),
            held: qs
                .iter()
                .map(|q| Held {
                    macs: q.macs.clone(),
                    addrs: addrs_of(&q.report),
                })
                .collect(),
            resolvers: resolvers.clone(),
        };
        let muds = self.store.muds().map_err(|e| e.to_string())?;
        // Profiles are read again only when their text changed (this runs every snapshot).
        let mut parsed = std::mem::take(&mut self.parsed);
        parsed.retain(|id, _| muds.iter().any(|m| m.device_id == *id));
        for m in &muds {
            let digest = text_digest(&m.profile);
            if parsed.get(&m.device_id).map(|(d, _)| *d) != Some(digest) {
                match crate::mud::read(m.profile.as_bytes()) {
                    Ok(p) => {
                        parsed.insert(m.device_id, (digest, p));
                    }
                    Err(_) => {
                        parsed.remove(&m.device_id);
                    }
                }
            }
        }
        let profiles: Vec<(&iotgate_store::MudProfile, &iotgate_mud::model::Profile)> = muds
            .iter()
            .filter_map(|m| parsed.get(&m.device_id).map(|(_, p)| (m, p)))
            .collect();
        let mud_names = |id: i64| -> Vec<String> {
            profiles
                .iter()
                .filter(|(m, _)| m.device_id == id)
                .flat_map(|(_, p)| crate::mud::names(p))
                .collect()
        };
        {
            let mut s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            s.trusted = resolvers.iter().copied().chain(own_addresses()).collect();
            s.watch = qs
                .iter()
                .flat_map(|q| {
                    q.macs
                        .iter()
                        .filter_map(|m| mac_bytes(m))
                        .map(move |m| (m, q.device_id))
                })
                .collect();
            s.names = qs
                .iter()
                .map(|q| {
                    let names = q
                        .allow
                        .iter()
                        .map(|n| iotgate_mud::dns_name(n))
                        .chain(mud_names(q.device_id))
                        .collect();
                    (q.device_id, names)
                })
                .collect();
        }
        self.learned.retain(|id, _| want.devices.contains(id));
        // The quarantine first, and whatever the MUD rules do: a profile nft refuses never
        // keeps a device out of quarantine (nor in it).
        let held = self.sync_held(want, &resolvers, force);
        let mud = if self.shared.enforce {
            self.sync_mud(&profiles, force)
        } else {
            Ok(())
        };
        {
            let s = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
            self.shared.watching.store(
                (!s.watch.is_empty() || !s.mud_names.is_empty()) && self.shared.enforce,
                Ordering::Relaxed,
            );
        }
        drop(profiles);
        self.parsed = parsed;
        match (held, mud) {
            (Ok(()), Ok(())) => Ok(()),
            (Err(e), Ok(())) => Err(e),
            (Ok(()), Err(e)) => Err(format!("MUD: {e}")),
            (Err(a), Err(b)) => Err(format!("{a}; MUD: {b}")),
        }
    }

    /// Makes the quarantine's rules equal to `want`.
    fn sync_held(
        &mut self,
        want: Applied,
        resolvers: &[IpAddr],
        force: bool,
    ) -> Result<(), String> {
        if !self.shared.enforce || (!force && self.applied.as_ref() == Some(&want)) {
            return Ok(());
        }
        let now = Instant::now();
        let learned: Vec<Vec<(IpAddr, u32)>> = want
            .devices
            .iter()
            .map(|id| {
                self.learned
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter(|(_, until)| **until > now)
                    .map(|(a, until)| (*a, (*until - now).as_secs().max(1) as u32))
                    .collect()
            })
            .collect();
        nft(&rules::ruleset(&want.held, resolvers, &learned))?;
        self.applied = Some(want);
        Ok(())
    }

    /// Makes the MUD rules equal to the profiles the devices are held to (as `mud enforce`
    /// does: each device's declared traffic and nothing else), keeping the addresses already
    /// learnt for their names.
    fn sync_mud(
        &mut self,
        profiles: &[(&iotgate_store::MudProfile, &iotgate_mud::model::Profile)],
        force: bool,
    ) -> Result<(), String> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (m, _) in profiles {
            (&m.url, &m.profile, &m.macs, addrs_of(&m.report)).hash(&mut h);
        }
        let digest = h.finish();
        if !force && self.mud_applied == Some(digest) {
            return Ok(());
        }
        let devices: Vec<iotgate_mud::nft::Device<'_>> = profiles
            .iter()
            .flat_map(|(m, p)| {
                let addrs = addrs_of(&m.report);
                m.macs.iter().map(move |mac| iotgate_mud::nft::Device {
                    mac: mac.clone(),
                    profile: p,
                    addrs: addrs.clone(),
                })
            })
            .collect();
        let mut names: HashMap<[u8; 6], HashSet<String>> = HashMap::new();
        if devices.is_empty() {
            nft(&remove_mud())?;
            self.mud_sets.clear();
        } else {
            let r = iotgate_mud::nft::compile(&devices, &[]);
            let now = Instant::now();
            let mut again = Vec::new();
            for (mac, by_name) in &r.name_sets {
                for (name, (s4, s6)) in by_name {
                    let Some(known) = self.mud_learned.get(&(mac.clone(), name.clone())) else {
                        continue;
                    };
                    for (ip, until) in known.iter().filter(|(_, u)| **u > now) {
                        let set = if ip.is_ipv6() { s6 } else { s4 };
                        let left = (*until - now).as_secs().max(1) as u32;
                        again.push((set.clone(), *ip, left));
                    }
                }
            }
            let mut doc = r.json;
            let more = iotgate_mud::nft::add_elements(&again);
            if let (Some(cmds), Some(more)) =
                (doc["nftables"].as_array_mut(), more["nftables"].as_array())
            {
                cmds.extend(more.iter().cloned());
            }
            nft(&doc)?;
            for (mac, by_name) in &r.name_sets {
                if let Some(b) = mac_bytes(mac) {
                    names.insert(b, by_name.keys().cloned().collect());
                }
            }
            self.mud_sets = r.name_sets;
        }
        let live: HashSet<&String> = self.mud_sets.keys().collect();
        self.mud_learned.retain(|(mac, _), _| live.contains(mac));
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .mud_names = names;
        self.mud_applied = Some(digest);
        Ok(())
    }

    /// Adds addresses the MUD-managed devices' declared names resolved to.
    fn learn_mud(&mut self, pending: Vec<([u8; 6], String, IpAddr, u32)>) -> Result<(), String> {
        let now = Instant::now();
        let mut batch = Vec::new();
        for (mac, name, ip, ttl) in pending {
            let mac = iotgate_wire::Mac(mac).to_string();
            let Some((s4, s6)) = self.mud_sets.get(&mac).and_then(|n| n.get(&name)) else {
                continue;
            };
            let set = if ip.is_ipv6() { s6.clone() } else { s4.clone() };
            let known = self.mud_learned.entry((mac, name)).or_default();
            if known.len() >= LEARNED_PER_DEVICE && !known.contains_key(&ip) {
                known.retain(|_, until| *until > now);
                if known.len() >= LEARNED_PER_DEVICE {
                    continue;
                }
            }
            known.insert(ip, now + Duration::from_secs(u64::from(ttl)));
            batch.push((set, ip, ttl));
        }
        if batch.is_empty() {
            return Ok(());
        }
        nft(&iotgate_mud::nft::add_elements(&batch))
    }

    /// Adds addresses the held devices' allowed names resolved to.
    fn learn(&mut self, pending: Vec<(i64, IpAddr, u32)>) -> Result<(), String> {
        let Some(applied) = &self.applied else {
            return Ok(());
        };
        let now = Instant::now();
        let mut batch = Vec::new();
        for (dev, ip, ttl) in pending {
            let Some(i) = applied.devices.iter().position(|d| *d == dev) else {
                continue;
            };
            let known = self.learned.entry(dev).or_default();
            if known.len() >= LEARNED_PER_DEVICE && !known.contains_key(&ip) {
                known.retain(|_, until| *until > now);
                if known.len() >= LEARNED_PER_DEVICE {
                    continue;
                }
            }
            known.insert(ip, now + Duration::from_secs(u64::from(ttl)));
            batch.push((i, ip, ttl));
        }
        if batch.is_empty() {
            return Ok(());
        }
        nft(&rules::add_learned(&batch))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_come_from_either_language_or_a_bare_entry() {
        let r = r#"{"en":{"ipv4":["192.168.1.20"],"ipv6":["fd00::1","junk"]},"fr":{}}"#;
        assert_eq!(addrs_of(r).len(), 2);
        assert_eq!(addrs_of(r#"{"ipv4":["10.0.0.1"]}"#).len(), 1);
        assert!(addrs_of("not json").is_empty());
        assert_eq!(mac_bytes("02:00:00:00:00:0a"), Some([2, 0, 0, 0, 0, 10]));
        assert_eq!(mac_bytes("02:00:00:00:00"), None);
        assert_eq!(mac_bytes("02:00:00:00:00:00:01"), None);
        assert!(
            own_addresses().iter().any(|a| a.is_loopback()),
            "the loopback interface has an address here"
        );
    }

    #[test]
    fn only_a_trusted_answer_to_a_question_asked_counts() {
        let resolver: IpAddr = "10.0.0.53".parse().unwrap();
        let trusted: HashSet<IpAddr> = [resolver].into();
        let mac = [2, 0, 0, 0, 0, 1];
        let answer = |from: &str, id: u16, name: &str| dnsbind::Answer {
            to: iotgate_wire::Mac(mac),
            from: from.parse().unwrap(),
            id,
            name: name.into(),
            addrs: vec![("192.0.2.7".parse().unwrap(), 60)],
        };
        let mut q = HashMap::new();
        q.insert((mac, 7), ("fw.maker.example".to_string(), Instant::now()));
        // Unasked, forged from elsewhere, for another name: nothing.
        assert!(!admits(
            &trusted,
            &mut q,
            &answer("10.0.0.53", 8, "fw.maker.example")
        ));
        assert!(!admits(
            &trusted,
            &mut q,
            &answer("10.0.0.99", 7, "fw.maker.example")
        ));
        assert!(!admits(
            &trusted,
            &mut q,
            &answer("10.0.0.53", 7, "evil.example")
        ));
        // The answer to the question: once.
        assert!(admits(
            &trusted,
            &mut q,
            &answer("10.0.0.53", 7, "fw.maker.example")
        ));
        assert!(!admits(
            &trusted,
            &mut q,
            &answer("10.0.0.53", 7, "fw.maker.example")
        ));
    }
}
