//! The simulated ISP: many subscribers' homes (each a home network of [`crate::write`], some
//! with infected devices), seen as an operator sees them — behind each home's NAT, through a
//! flow exporter at the edge of the access network. Each home's packets are metered into
//! unidirectional flow records (`iotgate_flows::meter`), translated to the subscriber's address
//! (its own, or a shared CGNAT address with a port block), and exported as NetFlow v9 or IPFIX
//! packets (`iotgate_flows::export`) in a capture; the subscriber map and the ground truth (who
//! is infected, with what) are written beside it.

use crate::{Options, Rng, TruthAttack, PCAP_HEADER};
use iotgate_flows::export::{Exporter, Format};
use iotgate_flows::meter::{Meter, Packet};
use iotgate_flows::Record;
use serde::Serialize;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr};

/// Most subscribers a simulated ISP holds.
pub const MAX_SUBSCRIBERS: usize = 100_000;
/// Subscribers sharing one CGNAT address, each with a block of [`PORT_BLOCK`] ports.
pub const SHARED_PER_ADDRESS: u16 = 8;
/// Ports per CGNAT block.
pub const PORT_BLOCK: u16 = 4096;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct IspOptions {
    /// Subscribers (homes).
    pub subscribers: usize,
    /// Homes with a Mirai-infected camera (scan, Telnet brute force, command channel).
    pub infected: usize,
    /// Homes with a device running the stealthier bot (slow scan, SSH guessing, check-ins).
    pub stealthy: usize,
    /// Infected homes whose camera also floods.
    pub floods: usize,
    /// Devices per home.
    pub devices: usize,
    /// Packets per home.
    pub packets: u64,
    /// Seed.
    pub seed: u64,
    /// Export protocol.
    pub format: Format,
}

/// A subscriber as planted.
#[derive(Debug, Clone, Serialize)]
pub struct TruthSubscriber {
    /// Its id in the map.
    pub id: String,
    /// The address its traffic leaves with.
    pub address: String,
    /// Its port block on a shared address (first, last), if shared.
    pub ports: Option<(u16, u16)>,
    /// True when a device in its home is infected.
    pub infected: bool,
}

/// An attack as planted, on a subscriber.
#[derive(Debug, Clone, Serialize)]
pub struct TruthIspAttack {
    /// The subscriber.
    pub subscriber: String,
    /// The attack as the home's simulator planted it (its `mac` is the device's in the home).
    #[serde(flatten)]
    pub attack: TruthAttack,
}

/// Everything planted in a simulated ISP's exports.
#[derive(Debug, Clone, Serialize)]
pub struct IspTruth {
    /// Schema identifier.
    pub schema: &'static str,
    /// Seed used.
    pub seed: u64,
    /// `v9` or `ipfix`.
    pub format: &'static str,
    /// Export packets written.
    pub packets: u64,
    /// Flow records in them.
    pub records: u64,
    /// Packets the homes sent and received (metered).
    pub home_packets: u64,
    /// The exporter's address.
    pub exporter: String,
    /// Subscribers.
    pub subscribers: Vec<TruthSubscriber>,
    /// Attacks.
    pub attacks: Vec<TruthIspAttack>,
}

/// `exports.pcap` → `exports.subscribers.txt`.
pub fn map_path_for(out: &std::path::Path) -> std::path::PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "exports".into());
    out.with_file_name(format!("{stem}.subscribers.txt"))
}

/// The exporter's address and the collector's, in the capture.
const EXPORTER: [u8; 4] = [192, 0, 2, 1];
const COLLECTOR: [u8; 4] = [192, 0, 2, 10];

/// Where subscriber `i` is: its address and, when shared, its port block.
fn placement(i: usize) -> (Ipv4Addr, Option<(u16, u16)>) {
    if i % 2 == 1 {
        // Its own address, in 198.18.0.0/16 (a test network, RFC 2544).
        let n = 0xc612_0000u32 + 1 + (i / 2) as u32;
        (Ipv4Addr::from(n), None)
    } else {
        // A CGNAT pool address (its public side, in 198.19.0.0/16) shared by
        // SHARED_PER_ADDRESS subscribers, each with one port block.
        let k = i / 2;
        let n = 0xc613_0000u32 + 1 + (k / usize::from(SHARED_PER_ADDRESS)) as u32;
        let b = (k % usize::from(SHARED_PER_ADDRESS)) as u16;
        let first = PORT_BLOCK * (b + 1);
        (Ipv4Addr::from(n), Some((first, first + PORT_BLOCK - 1)))
    }
}

/// The subscriber id of home `i`.
pub fn subscriber_id(i: usize) -> String {
    format!("sub-{:05}", i + 1)
}

/// The home's LAN (the home simulator's /24).
fn in_home(a: &IpAddr) -> bool {
    matches!(a, IpAddr::V4(v) if v.octets()[..3] == [192, 168, 1])
}

/// Reads the pcap stream a home simulator writes, meters what leaves or enters the home
/// (LAN-only, link-local and group traffic stays inside), translated as the home's NAT and the
/// ISP's CGNAT would.
struct Tap {
    buf: Vec<u8>,
    header_done: bool,
    meter: Meter,
    addr: Ipv4Addr,
    ports: Option<(u16, u16)>,
    /// (export time ms, record)
    out: Vec<(i64, Record)>,
    scratch: Vec<Record>,
    last_ms: i64,
    packets: u64,
    /// The home's own capture, when kept.
    tee: Option<Vec<u8>>,
}

impl Tap {
    fn nat_port(&self, p: u16) -> u16 {
        match self.ports {
            Some((first, _)) if p != 0 => first + p % PORT_BLOCK,
            _ => p,
        }
    }

    fn frame(&mut self, ts_ns: i64, data: &[u8]) {
        let Ok(d) = iotgate_wire::decode(1, data) else {
            return;
        };
        let Some(mut p) = Packet::from_decoded(ts_ns, &d) else {
            return;
        };
        let public = |a: &IpAddr| match a {
            IpAddr::V4(v) => {
                !(v.is_private()
                    || v.is_loopback()
                    || v.is_link_local()
                    || v.is_multicast()
                    || v.is_broadcast()
                    || v.is_unspecified())
            }
            IpAddr::V6(_) => false,
        };
        let nat_ports = p.proto == 6 || p.proto == 17;
        if in_home(&p.src) && public(&p.dst) {
            p.src = IpAddr::V4(self.addr);
            if nat_ports {
                p.sport = self.nat_port(p.sport);
            }
        } else if in_home(&p.dst) && public(&p.src) {
            p.dst = IpAddr::V4(self.addr);
            if nat_ports {
                p.dport = self.nat_port(p.dport);
            }
        } else {
            return;
        }
        self.packets += 1;
        let now = ts_ns.div_euclid(1_000_000);
        self.last_ms = now;
        self.meter.add(&p, &mut self.scratch);
        for r in self.scratch.drain(..) {
            self.out.push((now, r));
        }
    }
}

impl Write for Tap {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        if let Some(t) = &mut self.tee {
            t.extend_from_slice(b);
        }
        self.buf.extend_from_slice(b);
        if !self.header_done {
            if self.buf.len() < 24 {
                return Ok(b.len());
            }
            self.buf.drain(..24);
            self.header_done = true;
        }
        let buf = std::mem::take(&mut self.buf);
        let mut at = 0;
        while buf.len() - at >= 16 {
            let h = &buf[at..at + 16];
            let word = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
            let (secs, usecs, len) = (word(0), word(4), word(8) as usize);
            if buf.len() - at - 16 < len {
                break;
            }
            let ts = i64::from(secs) * 1_000_000_000 + i64::from(usecs) * 1000;
            self.frame(ts, &buf[at + 16..at + 16 + len]);
            at += 16 + len;
        }
        self.buf = buf;
        self.buf.drain(..at);
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// One export packet as a pcap record: Ethernet, IPv4 and UDP from the exporter to the
/// collector's port (2055 for v9, 4739 for IPFIX).
fn write_export<W: Write>(w: &mut W, ts_ms: i64, port: u16, payload: &[u8]) -> io::Result<u64> {
    let ip_len = 20 + 8 + payload.len();
    let mut f = Vec::with_capacity(14 + ip_len);
    f.extend_from_slice(&[2, 0, 0, 0, 0, 10, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
    let mut ip = [0u8; 20];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&(ip_len as u16).to_be_bytes());
    ip[8] = 64;
    ip[9] = 17;
    ip[12..16].copy_from_slice(&EXPORTER);
    ip[16..20].copy_from_slice(&COLLECTOR);
    let mut sum: u32 = ip
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], c[1]])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10..12].copy_from_slice(&(!(sum as u16)).to_be_bytes());
    f.extend_from_slice(&ip);
    f.extend_from_slice(&50_000u16.to_be_bytes());
    f.extend_from_slice(&port.to_be_bytes());
    f.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(payload);
    w.write_all(&crate::record_header(ts_ms * 1_000_000, f.len() as u32))?;
    w.write_all(&f)?;
    Ok(16 + f.len() as u64)
}

/// Which homes get what: a deterministic shuffle of the homes by the seed, infected first,
/// then stealthy; floods go to the first infected.
fn roles(o: &IspOptions) -> Vec<(bool, bool, bool)> {
    let n = o.subscribers;
    let mut order: Vec<usize> = (0..n).collect();
    let mut r = Rng(o.seed ^ 0x6973_7073_696d);
    for i in (1..n).rev() {
        let j = r.below(i as u64 + 1) as usize;
        order.swap(i, j);
    }
    let mut roles = vec![(false, false, false); n];
    let infected = o.infected.min(n);
    let stealthy = o.stealthy.min(n - infected);
    for (k, &h) in order.iter().enumerate() {
        if k < infected {
            roles[h] = (true, false, k < o.floods);
        } else if k < infected + stealthy {
            roles[h] = (false, true, false);
        }
    }
    roles
}

/// The homes (indexes, subscriber `i` being [`subscriber_id`]`(i)`) given a Mirai-infected
/// camera, in the order chosen.
pub fn infected_homes(o: &IspOptions) -> Vec<usize> {
    let r = roles(o);
    (0..r.len()).filter(|&i| r[i].0).collect()
}

/// Writes the export capture to `w` and the subscriber map to `map`; returns the ground truth.
pub fn write_isp<W: Write, M: Write>(
    o: &IspOptions,
    w: &mut W,
    map: &mut M,
) -> io::Result<IspTruth> {
    write_isp_keeping(o, w, map, None).map(|(t, _)| t)
}

/// [`write_isp`], also returning home `keep`'s own capture (what a gateway in that home would
/// have seen), for matching the ISP's findings in the home.
pub fn write_isp_keeping<W: Write, M: Write>(
    o: &IspOptions,
    w: &mut W,
    map: &mut M,
    keep: Option<usize>,
) -> io::Result<(IspTruth, Option<Vec<u8>>)> {
    let mut kept = None;
    if o.subscribers == 0 || o.subscribers > MAX_SUBSCRIBERS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} subscribers: a simulated ISP holds 1 to {MAX_SUBSCRIBERS}",
                o.subscribers
            ),
        ));
    }
    let mut all: Vec<(i64, Record)> = Vec::new();
    let mut subscribers = Vec::with_capacity(o.subscribers);
    let mut attacks = Vec::new();
    let mut home_packets = 0;
    writeln!(
        map,
        "# Simulated ISP (seed {}): PREFIX SUBSCRIBER [FIRST-LAST]",
        o.seed
    )?;
    for (i, &(infected, stealthy, flood)) in roles(o).iter().enumerate() {
        let (addr, ports) = placement(i);
        let id = subscriber_id(i);
        match ports {
            Some((a, b)) => writeln!(map, "{addr}/32 {id} {a}-{b}")?,
            None => writeln!(map, "{addr}/32 {id}")?,
        }
        let home = Options {
            devices: o.devices,
            packets: o.packets,
            seed: o.seed.wrapping_mul(1_000_003).wrapping_add(i as u64),
            infected: usize::from(infected),
            flood,
            stealthy: usize::from(stealthy),
        };
        let mut tap = Tap {
            buf: Vec::new(),
            header_done: false,
            meter: Meter::default(),
            addr,
            ports,
            out: Vec::new(),
            scratch: Vec::new(),
            last_ms: 0,
            packets: 0,
            tee: (keep == Some(i)).then(Vec::new),
        };
        let truth = crate::write(&home, &mut tap)?;
        let mut rest = Vec::new();
        tap.meter.flush(&mut rest);
        let end = tap.last_ms + 1000;
        tap.out.extend(rest.into_iter().map(|r| (end, r)));
        home_packets += tap.packets;
        if tap.tee.is_some() {
            kept = tap.tee.take();
        }
        all.append(&mut tap.out);
        for a in truth.attacks {
            attacks.push(TruthIspAttack {
                subscriber: id.clone(),
                attack: a,
            });
        }
        subscribers.push(TruthSubscriber {
            id,
            address: addr.to_string(),
            ports,
            infected: infected || stealthy,
        });
    }
    // The exporter sends what ended each second, in the order it ended.
    all.sort_by_key(|(t, r)| (*t, r.end_ms, r.start_ms));
    w.write_all(&PCAP_HEADER)?;
    let mut e = Exporter::new(o.format, 1);
    let port = if o.format == Format::V9 { 2055 } else { 4739 };
    let (mut packets, mut pkts, mut batch) = (0u64, Vec::new(), Vec::new());
    let mut i = 0;
    while i < all.len() {
        let sec = all[i].0.div_euclid(1000);
        batch.clear();
        while i < all.len() && all[i].0.div_euclid(1000) == sec {
            batch.push(all[i].1.clone());
            i += 1;
        }
        pkts.clear();
        let at = (sec + 1) * 1000;
        e.encode(&batch, at, &mut pkts);
        for p in &pkts {
            write_export(w, at, port, p)?;
            packets += 1;
        }
    }
    let truth = IspTruth {
        schema: "iotgate.isp-simulation/1",
        seed: o.seed,
        format: if o.format == Format::V9 {
            "v9"
        } else {
            "ipfix"
        },
        packets,
        records: all.len() as u64,
        home_packets,
        exporter: Ipv4Addr::from(EXPORTER).to_string(),
        subscribers,
        attacks,
    };
    Ok((truth, kept))
}
