//! The simulator: writes a deterministic, realistic home or small-office capture (classic pcap)
//! and the ground truth of what it planted — infected cameras doing Mirai-style Telnet scanning
//! (raw SYNs whose sequence number equals the destination address) with a command-and-control
//! beacon, an optional outbound UDP flood, devices infected with a stealthier bot (a slow scan
//! spread over several ports, SSH password guessing on port 2222, HTTPS check-ins at irregular
//! intervals), and devices with known weaknesses.
//!
//! One event produces one packet; events are ordered by a heap on capture time, so the output is
//! in timestamp order and identical for identical options.

mod build;
pub mod isp;
pub mod profiles;
pub mod stress;

use build::{Ip, Mac, TcpHdr};
use profiles::{Profile, CAMERA, CYCLE};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Most devices a simulated network holds: the home network is one /24 and devices take the
/// addresses 192.168.1.20 to 192.168.1.219, so more would share addresses (and ground truth
/// would name two devices by one address). It also bounds what the simulator keeps per device
/// (state, timers, ground truth): 100,000,000 devices took 23.8 GB before the kernel killed it.
pub const MAX_DEVICES: usize = 200;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Devices besides the router (1 to [`MAX_DEVICES`]).
    pub devices: usize,
    /// Packets to write (the run stops there).
    pub packets: u64,
    /// Seed.
    pub seed: u64,
    /// Infected cameras (the first devices).
    pub infected: usize,
    /// Add an outbound UDP flood from the first infected camera.
    pub flood: bool,
    /// Devices (after the infected cameras) running a stealthier bot: about one SYN a second
    /// spread over bot ports (each retried a second later), SSH password guessing on port 2222,
    /// and HTTPS check-ins to its server at irregular intervals.
    pub stealthy: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            devices: 10,
            packets: 100_000,
            seed: 1,
            infected: 1,
            flood: false,
            stealthy: 0,
        }
    }
}

/// A device as planted.
#[derive(Debug, Clone, Serialize)]
pub struct TruthDevice {
    /// MAC, lower case.
    pub mac: String,
    /// IPv4 address.
    pub ip: String,
    /// Kind identifier.
    pub kind: &'static str,
    /// DHCP host name.
    pub hostname: String,
    /// DHCP vendor class.
    pub vendor_class: Option<&'static str>,
    /// DHCP option 55.
    pub param_request_list: Vec<u8>,
    /// True for infected cameras.
    pub infected: bool,
    /// Findings planted by design.
    pub planted_findings: Vec<&'static str>,
    /// Names it resolves.
    pub domains: Vec<String>,
}

/// An attack behaviour as planted.
#[derive(Debug, Clone, Serialize)]
pub struct TruthAttack {
    /// `scan`, `brute-force`, `flood` or `c2`.
    pub kind: &'static str,
    /// Device MAC.
    pub mac: String,
    /// First packet, ns since the epoch.
    pub first_ns: i64,
    /// Last packet, ns since the epoch.
    pub last_ns: i64,
    /// Packets the device sent for it.
    pub packets: u64,
    /// Target ports (scan), or the C2 port.
    pub ports: Vec<u16>,
    /// Victim (flood) or C2 server address.
    pub target: Option<String>,
    /// Free-form detail.
    pub detail: String,
    /// True when the C2 server's name is the one the evaluation's blocklist names.
    pub listed: bool,
}

/// Everything planted in a simulated capture.
#[derive(Debug, Clone, Serialize)]
pub struct Truth {
    /// Schema identifier.
    pub schema: &'static str,
    /// Seed used.
    pub seed: u64,
    /// Packets written.
    pub packets: u64,
    /// Bytes written (file size).
    pub bytes: u64,
    /// First packet, ns.
    pub first_ns: i64,
    /// Last packet, ns.
    pub last_ns: i64,
    /// Router MAC.
    pub router_mac: String,
    /// Router address (also the DHCP server and DNS resolver).
    pub router_ip: String,
    /// Devices.
    pub devices: Vec<TruthDevice>,
    /// Attacks.
    pub attacks: Vec<TruthAttack>,
}

/// Counts `packets` more of the attack of `mac` in `list` at `ts`, starting it with `fresh` if new.
fn tally(
    list: &mut Vec<TruthAttack>,
    mac: String,
    ts: i64,
    packets: u64,
    fresh: impl FnOnce(String) -> TruthAttack,
) {
    let i = match list.iter().position(|a| a.mac == mac) {
        Some(i) => i,
        None => {
            list.push(fresh(mac));
            list.len() - 1
        }
    };
    let a = &mut list[i];
    a.packets += packets;
    a.last_ns = a.last_ns.max(ts);
}

/// Classic pcap file header: little-endian, microseconds, version 2.4, Ethernet.
pub(crate) const PCAP_HEADER: [u8; 24] = [
    0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0,
];

/// A pcap record header for a whole frame of `len` bytes captured at `ts` (ns).
pub(crate) fn record_header(ts: i64, len: u32) -> [u8; 16] {
    let mut h = [0u8; 16];
    h[0..4].copy_from_slice(&((ts / S) as u32).to_le_bytes());
    h[4..8].copy_from_slice(&(((ts % S) / 1000) as u32).to_le_bytes());
    h[8..12].copy_from_slice(&len.to_le_bytes());
    h[12..16].copy_from_slice(&len.to_le_bytes());
    h
}

/// The Mirai command server's address (what a threat feed listing it by address names).
pub fn c2_address() -> String {
    fmt_ip(&cloud_ip(C2_NAME))
}

/// `capture.pcap` → `capture.truth.json`.
pub fn truth_path_for(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "capture".into());
    out.with_file_name(format!("{stem}.truth.json"))
}

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    /// Exponential-ish jitter around `mean` ns (uniform 0.5x..1.5x).
    fn around(&mut self, mean: i64) -> i64 {
        let m = mean.max(1) as u64;
        (m / 2 + self.below(m)) as i64
    }
}

fn fmt_mac(m: &Mac) -> String {
    format!(
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

fn fmt_ip(a: &Ip) -> String {
    format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
}

/// A stable public address for a name (FNV-1a of the name, in ranges clouds use).
fn cloud_ip(name: &str) -> Ip {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    const FIRST: [u8; 8] = [13, 18, 34, 35, 52, 54, 104, 151];
    [
        FIRST[(h % 8) as usize],
        (h >> 8) as u8,
        (h >> 16) as u8,
        ((h >> 24) as u8).clamp(1, 254),
    ]
}

/// Mirai skips these /8s and ranges when choosing scan targets (documented behaviour).
fn scan_target(r: &mut Rng) -> Ip {
    loop {
        let v = (r.next() >> 32) as u32;
        let a = v.to_be_bytes();
        let bad = matches!(
            a[0],
            0 | 3
                | 6
                | 7
                | 10
                | 11
                | 15
                | 16
                | 21
                | 22
                | 26
                | 28
                | 29
                | 30
                | 33
                | 55
                | 56
                | 127
                | 214
                | 215
        ) || a[0] >= 224
            || (a[0] == 172 && (16..32).contains(&a[1]))
            || (a[0] == 192 && a[1] == 168)
            || (a[0] == 100 && (64..128).contains(&a[1]))
            || (a[0] == 169 && a[1] == 254)
            || (a[0] == 198 && (a[1] == 18 || a[1] == 19));
        if !bad {
            return a;
        }
    }
}

struct Dev {
    mac: Mac,
    ip: Ip,
    p: &'static Profile,
    hostname: String,
    infected: bool,
    /// Runs the stealthier bot.
    stealthy: bool,
    /// Names it resolves, in the order used.
    names: Vec<String>,
    next_name: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SessKind {
    Tls,
    Mqtt,
    Upnp,
    C2,
    /// The stealthier bot's HTTPS check-in: a TLS session of fixed size.
    CheckIn,
}

struct Sess {
    dev: usize,
    kind: SessKind,
    name: String,
    server: Ip,
    resolver: Ip,
    sport: u16,
    dport: u16,
    step: u32,
    seq_c: u32,
    seq_s: u32,
    up: u32,
    down: u32,
    dns_id: u16,
    rtt: i64,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Dhcp {
        dev: usize,
        step: u8,
    },
    Arp {
        dev: usize,
        step: u8,
    },
    Announce {
        dev: usize,
    },
    Ntp {
        dev: usize,
        step: u8,
    },
    SessionStart {
        dev: usize,
    },
    Session {
        id: usize,
    },
    Scan {
        dev: usize,
    },
    ScanReply {
        dev: usize,
        target: Ip,
        port: u16,
        synack: bool,
        seq: u32,
        sport: u16,
        step: u8,
    },
    Flood {
        dev: usize,
    },
    SlowScan {
        dev: usize,
        retry: Option<(Ip, u16, u16, u32)>,
    },
    SshGuess {
        dev: usize,
        attempt: u8,
        step: u8,
    },
    CheckIn {
        dev: usize,
    },
    Brute {
        dev: usize,
        target: Ip,
        port: u16,
        sport: u16,
        attempt: u8,
        step: u8,
    },
}

/// Telnet logins the bot tries on each host that answered its scan (one pair per connection,
/// as Mirai does).
const BRUTE_ATTEMPTS: u8 = 10;
/// Credentials from Mirai's published list.
const CREDS: [(&str, &str); 10] = [
    ("root", "xc3511"),
    ("root", "vizxv"),
    ("admin", "admin"),
    ("root", "888888"),
    ("root", "default"),
    ("root", "123456"),
    ("support", "support"),
    ("root", "12345"),
    ("admin", "password"),
    ("root", "root"),
];

const ROUTER_MAC: Mac = [0x3c, 0xa6, 0x2f, 0x5e, 0x11, 0x01];
const ROUTER_IP: Ip = [192, 168, 1, 1];
const C2_NAME: &str = "cnc.mirai-botnet.example";
/// The stealthier bot's server (not on the evaluation's blocklist).
const STEALTH_C2: &str = "cdn-update-check.example";
/// The host the stealthier bot guesses SSH passwords on (port 2222).
const SSH_TARGET: Ip = [198, 51, 100, 77];
const SSH_ATTEMPTS: u8 = 16;
/// Ports the stealthier bot scans (Telnet, web admin, DVRs, routers).
const SLOW_PORTS: [u16; 6] = [23, 2323, 8080, 9527, 81, 37215];
const FLOOD_VICTIM: Ip = [203, 0, 113, 50];
/// Start of the capture: 2024-03-01T08:00:00Z.
const T0: i64 = 1_709_280_000 * 1_000_000_000;
const MS: i64 = 1_000_000;
const S: i64 = 1_000_000_000;

struct Sim<'w, W: Write> {
    w: &'w mut W,
    r: Rng,
    heap: BinaryHeap<Reverse<(i64, u64, Ev)>>,
    seq: u64,
    devs: Vec<Dev>,
    sessions: Vec<Option<Sess>>,
    free: Vec<usize>,
    pkt: Vec<u8>,
    pay: Vec<u8>,
    pool: Vec<u8>,
    written: u64,
    bytes: u64,
    limit: u64,
    first: i64,
    last: i64,
    scan: Vec<TruthAttack>,
    brute: Vec<TruthAttack>,
    c2: Vec<TruthAttack>,
    flood: Option<TruthAttack>,
    flood_on: bool,
    flood_left: u64,
}

impl<'w, W: Write> Sim<'w, W> {
    fn at(&mut self, ts: i64, ev: Ev) {
        self.seq += 1;
        self.heap.push(Reverse((ts, self.seq, ev)));
    }

    fn emit(&mut self, ts: i64) -> io::Result<()> {
        let len = self.pkt.len() as u32;
        self.w.write_all(&record_header(ts, len))?;
        self.w.write_all(&self.pkt)?;
        self.written += 1;
        self.bytes += 16 + len as u64;
        if self.written == 1 {
            self.first = ts;
        }
        self.last = ts;
        Ok(())
    }

    fn random_bytes(&mut self, n: usize) -> std::ops::Range<usize> {
        let start = self.r.below((self.pool.len() - n) as u64) as usize;
        start..start + n
    }

    #[allow(clippy::too_many_arguments)]
    fn udp(
        &mut self,
        ts: i64,
        sm: &Mac,
        dm: &Mac,
        s: &Ip,
        d: &Ip,
        sp: u16,
        dp: u16,
    ) -> io::Result<()> {
        let id = self.r.next() as u16;
        let ip = build::eth_ip(&mut self.pkt, sm, dm, s, d, 17, 64, id);
        let pay = std::mem::take(&mut self.pay);
        build::udp(&mut self.pkt, ip, sp, dp, &pay);
        self.pay = pay;
        self.emit(ts)
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp(
        &mut self,
        ts: i64,
        from_client: bool,
        s: &Sess,
        flags: u8,
        seq: u32,
        ack: u32,
        payload: &[u8],
    ) -> io::Result<()> {
        let d = &self.devs[s.dev];
        let (sm, dm, si, di, sp, dp) = if from_client {
            (d.mac, ROUTER_MAC, d.ip, s.server, s.sport, s.dport)
        } else {
            (ROUTER_MAC, d.mac, s.server, d.ip, s.dport, s.sport)
        };
        let id = self.r.next() as u16;
        let ttl = if from_client { 64 } else { 52 };
        let ip = build::eth_ip(&mut self.pkt, &sm, &dm, &si, &di, 6, ttl, id);
        let h = TcpHdr {
            sport: sp,
            dport: dp,
            seq,
            ack,
            flags,
            window: 29200,
            mss: flags & 0x02 != 0,
        };
        build::tcp(&mut self.pkt, ip, &h, payload);
        self.emit(ts)
    }

    fn run(&mut self, stop_at: u64) -> io::Result<()> {
        while self.written < stop_at {
            let Some(Reverse((ts, _, ev))) = self.heap.pop() else {
                break;
            };
            if self.flood_on && self.written >= self.limit / 2 && self.flood.is_none() {
                self.start_flood(ts);
            }
            match ev {
                Ev::Dhcp { dev, step } => self.dhcp(ts, dev, step)?,
                Ev::Arp { dev, step } => self.arp(ts, dev, step)?,
                Ev::Announce { dev } => self.announce(ts, dev)?,
                Ev::Ntp { dev, step } => self.ntp(ts, dev, step)?,
                Ev::SessionStart { dev } => self.session_start(ts, dev),
                Ev::Session { id } => self.session_step(ts, id)?,
                Ev::Scan { dev } => self.scan(ts, dev)?,
                Ev::ScanReply {
                    dev,
                    target,
                    port,
                    synack,
                    seq,
                    sport,
                    step,
                } => self.scan_reply(ts, dev, target, port, synack, seq, sport, step)?,
                Ev::Flood { dev } => self.flood_pkt(ts, dev)?,
                Ev::SlowScan { dev, retry } => self.slow_scan(ts, dev, retry)?,
                Ev::SshGuess { dev, attempt, step } => self.ssh_guess(ts, dev, attempt, step)?,
                Ev::CheckIn { dev } => self.check_in(ts, dev),
                Ev::Brute {
                    dev,
                    target,
                    port,
                    sport,
                    attempt,
                    step,
                } => self.brute(ts, dev, target, port, sport, attempt, step)?,
            }
        }
        Ok(())
    }

    fn dhcp(&mut self, ts: i64, dev: usize, step: u8) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip, p) = (d.mac, d.ip, d.p);
        let hostname = d.hostname.clone();
        let xid = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]) ^ (ts / S) as u32;
        let client = step.is_multiple_of(2);
        // Steps 0-3: DISCOVER, OFFER, REQUEST, ACK; steps 4-5: renewal REQUEST, ACK.
        let msg_type = [1u8, 2, 3, 5, 3, 5][step as usize % 6];
        let m = build::DhcpMsg {
            op: if client { 1 } else { 2 },
            msg_type,
            xid,
            chaddr: mac,
            yiaddr: if client { [0; 4] } else { ip },
            hostname: client.then_some(hostname.as_str()),
            vendor_class: if client { p.vendor_class } else { None },
            prl: if client { p.prl } else { &[] },
            requested: (step == 2 || step == 4).then_some(ip),
            server: (!client).then_some(ROUTER_IP),
        };
        let mut pay = std::mem::take(&mut self.pay);
        build::dhcp(&mut pay, &m);
        self.pay = pay;
        if client {
            self.udp(ts, &mac, &[0xff; 6], &[0; 4], &[255; 4], 68, 67)?;
        } else {
            self.udp(ts, &ROUTER_MAC, &mac, &ROUTER_IP, &ip, 67, 68)?;
        }
        if step < 3 || step == 4 {
            let gap = if client { 2 * MS } else { 30 * MS };
            let t = ts + self.r.around(gap);
            self.at(
                t,
                Ev::Dhcp {
                    dev,
                    step: step + 1,
                },
            );
        } else if step == 3 {
            // Bound: start everything else, renew in half a lease (30 min).
            let t = ts + 20 * MS;
            self.at(t, Ev::Arp { dev, step: 0 });
            let t = ts + self.r.around(500 * MS);
            self.at(t, Ev::Announce { dev });
            let t = ts + self.r.around(S);
            self.at(t, Ev::Ntp { dev, step: 0 });
            let t = ts + self.r.around(2 * S);
            self.at(t, Ev::SessionStart { dev });
            if self.devs[dev].p.upnp_mapping {
                let t = ts + 10 * S;
                let id = self.new_session(dev, SessKind::Upnp, String::new(), ROUTER_IP, 5000);
                self.at(t, Ev::Session { id });
            }
            if self.devs[dev].p.mqtt_clear.is_some() {
                let name = self.devs[dev].p.mqtt_clear.unwrap_or_default().to_string();
                let ip = cloud_ip(&name);
                let id = self.new_session(dev, SessKind::Mqtt, name, ip, 1883);
                let t = ts + 3 * S;
                self.at(t, Ev::Session { id });
            }
            if self.devs[dev].stealthy {
                self.at(ts + 30 * S, Ev::CheckIn { dev });
                self.at(ts + 40 * S, Ev::SlowScan { dev, retry: None });
                self.at(
                    ts + 60 * S,
                    Ev::SshGuess {
                        dev,
                        attempt: 0,
                        step: 0,
                    },
                );
            }
            if self.devs[dev].infected {
                let id = self.new_session(
                    dev,
                    SessKind::C2,
                    C2_NAME.to_string(),
                    cloud_ip(C2_NAME),
                    23,
                );
                let t = ts + 5 * S;
                self.at(t, Ev::Session { id });
                let t = ts + 30 * S + dev as i64 * 5 * S;
                self.at(t, Ev::Scan { dev });
            }
            let t = ts + 1800 * S;
            self.at(t, Ev::Dhcp { dev, step: 4 });
        } else {
            let t = ts + 1800 * S;
            self.at(t, Ev::Dhcp { dev, step: 4 });
        }
        Ok(())
    }

    fn arp(&mut self, ts: i64, dev: usize, step: u8) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        self.pkt.clear();
        let (dst, src) = if step == 0 {
            ([0xff; 6], mac)
        } else {
            (mac, ROUTER_MAC)
        };
        self.pkt.extend_from_slice(&dst);
        self.pkt.extend_from_slice(&src);
        self.pkt
            .extend_from_slice(&[0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, step + 1]);
        if step == 0 {
            self.pkt.extend_from_slice(&mac);
            self.pkt.extend_from_slice(&ip);
            self.pkt.extend_from_slice(&[0; 6]);
            self.pkt.extend_from_slice(&ROUTER_IP);
        } else {
            self.pkt.extend_from_slice(&ROUTER_MAC);
            self.pkt.extend_from_slice(&ROUTER_IP);
            self.pkt.extend_from_slice(&mac);
            self.pkt.extend_from_slice(&ip);
        }
        self.pkt.resize(60, 0);
        self.emit(ts)?;
        let t = if step == 0 {
            ts + MS
        } else {
            ts + self.r.around(300 * S)
        };
        self.at(
            t,
            Ev::Arp {
                dev,
                step: 1 - step,
            },
        );
        Ok(())
    }

    fn announce(&mut self, ts: i64, dev: usize) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip, p) = (d.mac, d.ip, d.p);
        let host = d.hostname.replace(['(', ')'], "");
        if !p.mdns.is_empty() {
            let mut pay = std::mem::take(&mut self.pay);
            build::mdns_announce(&mut pay, &host, &host, p.mdns, &ip);
            self.pay = pay;
            self.udp(
                ts,
                &mac,
                &[0x01, 0x00, 0x5e, 0, 0, 0xfb],
                &ip,
                &[224, 0, 0, 251],
                5353,
                5353,
            )?;
        }
        if let Some(server) = p.ssdp_server {
            let text = format!(
                "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://{}:49152/description.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: {server}\r\nUSN: uuid:{:08x}-0000-1000-8000-{}::upnp:rootdevice\r\n\r\n",
                fmt_ip(&ip),
                u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]),
                fmt_mac(&mac).replace(':', "")
            );
            self.pay.clear();
            self.pay.extend_from_slice(text.as_bytes());
            self.udp(
                ts + 1000,
                &mac,
                &[0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa],
                &ip,
                &[239, 255, 255, 250],
                1900,
                1900,
            )?;
        }
        let t = ts + self.r.around(120 * S);
        self.at(t, Ev::Announce { dev });
        Ok(())
    }

    fn ntp(&mut self, ts: i64, dev: usize, step: u8) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let server = cloud_ip("pool.ntp.org");
        self.pay.clear();
        self.pay.resize(48, 0);
        self.pay[0] = if step == 0 { 0x23 } else { 0x24 };
        self.pay[1] = if step == 0 { 0 } else { 2 };
        let sport = 40_000 + (dev as u16 % 1000);
        if step == 0 {
            self.udp(ts, &mac, &ROUTER_MAC, &ip, &server, sport, 123)?;
            let t = ts + self.r.around(30 * MS);
            self.at(t, Ev::Ntp { dev, step: 1 });
        } else {
            self.udp(ts, &ROUTER_MAC, &mac, &server, &ip, 123, sport)?;
            let t = ts + self.r.around(600 * S);
            self.at(t, Ev::Ntp { dev, step: 0 });
        }
        Ok(())
    }

    fn new_session(
        &mut self,
        dev: usize,
        kind: SessKind,
        name: String,
        server: Ip,
        dport: u16,
    ) -> usize {
        let p = self.devs[dev].p;
        let (up, down) = match kind {
            SessKind::Tls => (
                p.session_pkts.0 + self.r.below(p.session_pkts.0 as u64 / 4 + 1) as u32,
                p.session_pkts.1,
            ),
            SessKind::Mqtt => (3, 0),
            SessKind::Upnp => (0, 0),
            SessKind::C2 => (u32::MAX, 0),
            SessKind::CheckIn => (1, 1),
        };
        let s = Sess {
            dev,
            kind,
            name,
            server,
            resolver: p.hardcoded_dns.unwrap_or(ROUTER_IP),
            sport: 32_768 + self.r.below(28_000) as u16,
            dport,
            step: if kind == SessKind::Upnp { 2 } else { 0 },
            seq_c: self.r.next() as u32,
            seq_s: self.r.next() as u32,
            up,
            down,
            dns_id: self.r.next() as u16,
            rtt: if kind == SessKind::Upnp {
                MS / 2
            } else {
                15 * MS + self.r.below(30) as i64 * MS
            },
        };
        if let Some(i) = self.free.pop() {
            self.sessions[i] = Some(s);
            i
        } else {
            self.sessions.push(Some(s));
            self.sessions.len() - 1
        }
    }

    fn session_start(&mut self, ts: i64, dev: usize) {
        let d = &mut self.devs[dev];
        let p = d.p;
        if !d.names.is_empty() && !p.clouds.is_empty() {
            let name = d.names[d.next_name % p.clouds.len()].clone();
            d.next_name += 1;
            let ip = cloud_ip(&name);
            let id = self.new_session(dev, SessKind::Tls, name, ip, 443);
            self.at(ts, Ev::Session { id });
        }
        let t = ts + self.r.around((p.session_every_s * S as f64) as i64);
        self.at(t, Ev::SessionStart { dev });
    }

    fn session_step(&mut self, ts: i64, id: usize) -> io::Result<()> {
        let Some(mut s) = self.sessions[id].take() else {
            return Ok(());
        };
        let d = &self.devs[s.dev];
        let (mac, ip) = (d.mac, d.ip);
        let mut next: Option<i64> = None;
        match s.step {
            0 => {
                let mut pay = std::mem::take(&mut self.pay);
                build::dns_query(&mut pay, s.dns_id, &s.name);
                self.pay = pay;
                self.udp(
                    ts,
                    &mac,
                    &ROUTER_MAC,
                    &ip,
                    &s.resolver,
                    s.sport.wrapping_add(7),
                    53,
                )?;
                next = Some(ts + self.r.around(4 * MS));
            }
            1 => {
                let mut pay = std::mem::take(&mut self.pay);
                build::dns_response(&mut pay, s.dns_id, &s.name, &s.server, 300);
                self.pay = pay;
                self.udp(
                    ts,
                    &ROUTER_MAC,
                    &mac,
                    &s.resolver,
                    &ip,
                    53,
                    s.sport.wrapping_add(7),
                )?;
                next = Some(ts + MS);
            }
            2 => {
                self.tcp(ts, true, &s, 0x02, s.seq_c, 0, &[])?;
                s.seq_c = s.seq_c.wrapping_add(1);
                next = Some(ts + s.rtt);
            }
            3 => {
                self.tcp(ts, false, &s, 0x12, s.seq_s, s.seq_c, &[])?;
                s.seq_s = s.seq_s.wrapping_add(1);
                next = Some(ts + 100_000);
            }
            4 => {
                self.tcp(ts, true, &s, 0x10, s.seq_c, s.seq_s, &[])?;
                next = Some(ts + 100_000);
            }
            5 => {
                let mut pay = std::mem::take(&mut self.pay);
                match s.kind {
                    SessKind::Tls | SessKind::CheckIn => {
                        let p = self.devs[s.dev].p;
                        let mut rnd = [0u8; 32];
                        let r = self.random_bytes(32);
                        rnd.copy_from_slice(&self.pool[r]);
                        build::client_hello(
                            &mut pay,
                            &s.name,
                            p.tls_max,
                            p.alpn,
                            &rnd,
                            p.tls_max >= 0x0304,
                        );
                    }
                    SessKind::Mqtt => build::mqtt_connect(
                        &mut pay,
                        &self.devs[s.dev].hostname,
                        Some("station"),
                        Some("station-2024"),
                    ),
                    SessKind::Upnp => {
                        let body = "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><u:AddPortMapping xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewExternalPort>8443</NewExternalPort><NewProtocol>TCP</NewProtocol><NewInternalPort>443</NewInternalPort></u:AddPortMapping></s:Body></s:Envelope>";
                        let head = format!("POST /upnp/control/WANIPConn1 HTTP/1.1\r\nHOST: {}:5000\r\nCONTENT-TYPE: text/xml; charset=\"utf-8\"\r\nSOAPACTION: \"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"\r\nUSER-AGENT: Linux/3.14.0 UPnP/1.0 IpBridge/1.26.0\r\nCONTENT-LENGTH: {}\r\n\r\n{body}", fmt_ip(&ROUTER_IP), body.len());
                        pay.clear();
                        pay.extend_from_slice(head.as_bytes());
                    }
                    SessKind::C2 => {
                        pay.clear();
                        pay.extend_from_slice(&[0, 0, 0, 1, 0x0a]);
                        pay.extend_from_slice(b"dvrHelper");
                    }
                }
                self.tcp(ts, true, &s, 0x18, s.seq_c, s.seq_s, &pay)?;
                s.seq_c = s.seq_c.wrapping_add(pay.len() as u32);
                self.pay = pay;
                self.c2_count(s.dev, s.kind, ts);
                next = Some(ts + s.rtt);
            }
            6 => {
                let reply_len = match s.kind {
                    SessKind::Tls | SessKind::CheckIn => 1400,
                    SessKind::Mqtt => 4,
                    SessKind::Upnp => 180,
                    SessKind::C2 => 2,
                };
                let r = self.random_bytes(reply_len);
                let mut pay = std::mem::take(&mut self.pay);
                pay.clear();
                match s.kind {
                    SessKind::Tls | SessKind::CheckIn => {
                        pay.extend_from_slice(&[0x16, 0x03, 0x03, 0x05, 0x73, 0x02]);
                        pay.extend_from_slice(&self.pool[r][6..]);
                    }
                    SessKind::Mqtt => pay.extend_from_slice(&[0x20, 0x02, 0, 0]),
                    SessKind::Upnp => pay.extend_from_slice(b"HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/xml\r\nSERVER: Linux UPnP/1.0 AVM FRITZ!Box\r\nCONTENT-LENGTH: 0\r\n\r\n"),
                    SessKind::C2 => pay.extend_from_slice(&[0, 0]),
                }
                self.tcp(ts, false, &s, 0x18, s.seq_s, s.seq_c, &pay)?;
                s.seq_s = s.seq_s.wrapping_add(pay.len() as u32);
                self.pay = pay;
                next = Some(ts + 200_000);
            }
            7 if s.kind == SessKind::C2 => {
                // Beacon: a two-byte heartbeat every 60 s (±0.5 s), answered by the server.
                let pay = [0u8, 0];
                self.tcp(ts, true, &s, 0x18, s.seq_c, s.seq_s, &pay)?;
                s.seq_c = s.seq_c.wrapping_add(2);
                self.c2_count(s.dev, s.kind, ts);
                s.step = 8;
                self.sessions[id] = Some(s);
                let t = ts + s_rtt(&self.sessions[id]);
                self.at(t, Ev::Session { id });
                return Ok(());
            }
            8 if s.kind == SessKind::C2 => {
                self.tcp(ts, false, &s, 0x18, s.seq_s, s.seq_c, &[0, 0])?;
                s.seq_s = s.seq_s.wrapping_add(2);
                s.step = 7;
                self.sessions[id] = Some(s);
                let t = ts + 59_500 * MS + self.r.below(1000) as i64 * MS;
                self.at(t, Ev::Session { id });
                return Ok(());
            }
            7 if s.up > 0 || s.down > 0 => {
                let from_client = s.up > 0 && (s.down == 0 || s.up >= s.down || self.r.chance(0.5));
                let size = if s.kind == SessKind::Mqtt {
                    40
                } else if from_client {
                    self.devs[s.dev].p.upload_size as usize
                } else {
                    1380
                };
                let r = self.random_bytes(size);
                let mut pay = std::mem::take(&mut self.pay);
                pay.clear();
                if s.kind == SessKind::Mqtt {
                    pay.extend_from_slice(&[0x30, 38, 0, 12]);
                    pay.extend_from_slice(b"station/temp");
                    pay.extend_from_slice(&self.pool[r][16..]);
                } else {
                    pay.extend_from_slice(&[0x17, 0x03, 0x03]);
                    pay.extend_from_slice(&((size - 5) as u16).to_be_bytes());
                    pay.extend_from_slice(&self.pool[r][5..]);
                }
                if from_client {
                    self.tcp(ts, true, &s, 0x18, s.seq_c, s.seq_s, &pay)?;
                    s.seq_c = s.seq_c.wrapping_add(pay.len() as u32);
                    s.up -= 1;
                } else {
                    self.tcp(ts, false, &s, 0x18, s.seq_s, s.seq_c, &pay)?;
                    s.seq_s = s.seq_s.wrapping_add(pay.len() as u32);
                    s.down -= 1;
                }
                self.pay = pay;
                let gap = if s.kind == SessKind::Mqtt {
                    2 * S
                } else {
                    300_000
                };
                self.sessions[id] = Some(s);
                let t = ts + self.r.around(gap);
                self.at(t, Ev::Session { id });
                return Ok(());
            }
            7 => {
                self.tcp(ts, true, &s, 0x11, s.seq_c, s.seq_s, &[])?;
                s.seq_c = s.seq_c.wrapping_add(1);
                next = Some(ts + s.rtt);
            }
            8 => {
                self.tcp(ts, false, &s, 0x11, s.seq_s, s.seq_c, &[])?;
                s.seq_s = s.seq_s.wrapping_add(1);
                next = Some(ts + 100_000);
            }
            _ => {
                self.tcp(ts, true, &s, 0x10, s.seq_c, s.seq_s, &[])?;
            }
        }
        s.step += 1;
        if let Some(t) = next {
            self.sessions[id] = Some(s);
            self.at(t, Ev::Session { id });
        } else {
            self.free.push(id);
        }
        Ok(())
    }

    fn c2_count(&mut self, dev: usize, kind: SessKind, ts: i64) {
        if kind == SessKind::CheckIn {
            let mac = fmt_mac(&self.devs[dev].mac);
            tally(&mut self.c2, mac, ts, 1, |mac| TruthAttack {
                kind: "c2",
                mac,
                first_ns: ts,
                last_ns: ts,
                packets: 0,
                ports: vec![443],
                target: Some(fmt_ip(&cloud_ip(STEALTH_C2))),
                detail: format!("HTTPS check-ins to {STEALTH_C2} at irregular intervals (1-60 s)"),
                listed: false,
            });
            return;
        }
        if kind != SessKind::C2 {
            return;
        }
        let mac = fmt_mac(&self.devs[dev].mac);
        tally(&mut self.c2, mac, ts, 1, |mac| TruthAttack {
            kind: "c2",
            mac,
            first_ns: ts,
            last_ns: ts,
            packets: 0,
            ports: vec![23],
            target: Some(fmt_ip(&cloud_ip(C2_NAME))),
            detail: format!("beacon every 60 s to {C2_NAME}"),
            listed: true,
        });
    }

    fn scan(&mut self, ts: i64, dev: usize) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let target = scan_target(&mut self.r);
        let port = if self.r.below(10) == 0 { 2323 } else { 23 };
        let seq = u32::from_be_bytes(target);
        let sport = 1024 + self.r.below(64_000) as u16;
        let id = self.r.next() as u16;
        let ipo = build::eth_ip(&mut self.pkt, &mac, &ROUTER_MAC, &ip, &target, 6, 64, id);
        let h = TcpHdr {
            sport,
            dport: port,
            seq,
            ack: 0,
            flags: 0x02,
            window: self.r.next() as u16 | 1,
            mss: false,
        };
        build::tcp(&mut self.pkt, ipo, &h, &[]);
        self.emit(ts)?;
        tally(&mut self.scan, fmt_mac(&mac), ts, 1, |mac| TruthAttack {
            kind: "scan",
            mac,
            first_ns: ts,
            last_ns: ts,
            packets: 0,
            ports: vec![23, 2323],
            target: None,
            detail: "Mirai-style raw SYN scan: TCP sequence number = destination IPv4 address"
                .into(),
            listed: false,
        });
        let roll = self.r.below(1000);
        if roll < 30 {
            let t = ts + 30 * MS + self.r.below(150) as i64 * MS;
            self.at(
                t,
                Ev::ScanReply {
                    dev,
                    target,
                    port,
                    synack: roll < 3,
                    seq,
                    sport,
                    step: 0,
                },
            );
        }
        // About 200 SYNs per second.
        let t = ts + self.r.around(5 * MS);
        self.at(t, Ev::Scan { dev });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn scan_reply(
        &mut self,
        ts: i64,
        dev: usize,
        target: Ip,
        port: u16,
        synack: bool,
        seq: u32,
        sport: u16,
        step: u8,
    ) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let id = self.r.next() as u16;
        if step == 0 {
            let ipo = build::eth_ip(&mut self.pkt, &ROUTER_MAC, &mac, &target, &ip, 6, 48, id);
            let flags = if synack { 0x12 } else { 0x14 };
            let h = TcpHdr {
                sport: port,
                dport: sport,
                seq: if synack { self.r.next() as u32 } else { 0 },
                ack: seq.wrapping_add(1),
                flags,
                window: if synack { 14600 } else { 0 },
                mss: synack,
            };
            build::tcp(&mut self.pkt, ipo, &h, &[]);
            self.emit(ts)?;
            if synack {
                // The bot's kernel has no socket for a raw SYN: it answers with a reset.
                let t = ts + 50_000;
                self.at(
                    t,
                    Ev::ScanReply {
                        dev,
                        target,
                        port,
                        synack,
                        seq,
                        sport,
                        step: 1,
                    },
                );
            }
        } else {
            let ipo = build::eth_ip(&mut self.pkt, &mac, &ROUTER_MAC, &ip, &target, 6, 64, id);
            let h = TcpHdr {
                sport,
                dport: port,
                seq: seq.wrapping_add(1),
                ack: 0,
                flags: 0x04,
                window: 0,
                mss: false,
            };
            build::tcp(&mut self.pkt, ipo, &h, &[]);
            self.emit(ts)?;
            // The scanner reports the open Telnet port; the bot then tries passwords on it.
            let t = ts + 100 * MS + self.r.below(400) as i64 * MS;
            let bsport = 1024 + self.r.below(50_000) as u16;
            self.at(
                t,
                Ev::Brute {
                    dev,
                    target,
                    port,
                    sport: bsport,
                    attempt: 0,
                    step: 0,
                },
            );
        }
        Ok(())
    }

    /// One step of a Telnet login attempt by an infected device: handshake, `login:`, user,
    /// `Password:`, password, `Login incorrect`, close; then the next credential pair.
    #[allow(clippy::too_many_arguments)]
    fn brute(
        &mut self,
        ts: i64,
        dev: usize,
        target: Ip,
        port: u16,
        sport: u16,
        attempt: u8,
        step: u8,
    ) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let sp = sport.wrapping_add(attempt as u16);
        let (user, pass) = CREDS[attempt as usize % CREDS.len()];
        // Sequence numbers derived from the attempt so that every step agrees.
        let cs = 0x1000_0000u32.wrapping_mul(attempt as u32 + 1) ^ u32::from_be_bytes(target);
        let ss = cs.rotate_left(13) ^ 0x5a5a_5a5a;
        let from_bot = matches!(step, 0 | 2 | 4 | 6 | 9);
        let (flags, payload, sent_c, sent_s): (u8, Vec<u8>, u32, u32) = match step {
            0 => (0x02, vec![], 0, 0),
            1 => (0x12, vec![], 1, 0),
            2 => (0x10, vec![], 1, 1),
            3 => (0x18, b"login: ".to_vec(), 1, 1),
            4 => (0x18, format!("{user}\r\n").into_bytes(), 1, 8),
            5 => (0x18, b"Password: ".to_vec(), 1 + user.len() as u32 + 2, 8),
            6 => (
                0x18,
                format!("{pass}\r\n").into_bytes(),
                1 + user.len() as u32 + 2,
                18,
            ),
            7 => (
                0x18,
                b"\r\nLogin incorrect\r\n".to_vec(),
                1 + (user.len() + pass.len()) as u32 + 4,
                18,
            ),
            8 => (0x11, vec![], 1 + (user.len() + pass.len()) as u32 + 4, 37),
            _ => (0x11, vec![], 1 + (user.len() + pass.len()) as u32 + 4, 38),
        };
        let id = self.r.next() as u16;
        let (seq, ack) = if from_bot {
            (
                cs.wrapping_add(sent_c),
                if step == 0 {
                    0
                } else {
                    ss.wrapping_add(sent_s)
                },
            )
        } else {
            (ss.wrapping_add(sent_s), cs.wrapping_add(sent_c))
        };
        let ipo = if from_bot {
            build::eth_ip(&mut self.pkt, &mac, &ROUTER_MAC, &ip, &target, 6, 64, id)
        } else {
            build::eth_ip(&mut self.pkt, &ROUTER_MAC, &mac, &target, &ip, 6, 48, id)
        };
        let h = TcpHdr {
            sport: if from_bot { sp } else { port },
            dport: if from_bot { port } else { sp },
            seq,
            ack,
            flags,
            window: 14600,
            mss: step < 2,
        };
        build::tcp(&mut self.pkt, ipo, &h, &payload);
        self.emit(ts)?;
        // One entry per bot; its first packet is the first login attempt's SYN.
        tally(&mut self.brute, fmt_mac(&mac), ts, from_bot as u64, |mac| {
            TruthAttack {
                kind: "brute-force",
                mac,
                first_ns: ts,
                last_ns: ts,
                packets: 0,
                ports: vec![port],
                target: Some(fmt_ip(&target)),
                detail:
                    "Telnet logins with Mirai's default credentials on hosts that answered the scan"
                        .into(),
                listed: false,
            }
        });
        let (next_step, next_attempt, gap) = match step {
            9 if attempt + 1 >= BRUTE_ATTEMPTS => return Ok(()),
            9 => (0, attempt + 1, 500 * MS),
            0 | 2 | 4 | 6 | 8 => (step + 1, attempt, if step == 8 { MS } else { 30 * MS }),
            _ => (step + 1, attempt, 20 * MS),
        };
        let t = ts + gap;
        self.at(
            t,
            Ev::Brute {
                dev,
                target,
                port,
                sport,
                attempt: next_attempt,
                step: next_step,
            },
        );
        Ok(())
    }

    /// The stealthier bot's scan: about one SYN a second to a random Internet address on one
    /// of a few bot ports, each retried (same ports, same sequence number) a second later; one
    /// in fifty refused.
    fn slow_scan(
        &mut self,
        ts: i64,
        dev: usize,
        retry: Option<(Ip, u16, u16, u32)>,
    ) -> io::Result<()> {
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let (target, port, sport, seq) = match retry {
            Some(r) => r,
            None => (
                scan_target(&mut self.r),
                SLOW_PORTS[self.r.below(SLOW_PORTS.len() as u64) as usize],
                1024 + self.r.below(60_000) as u16,
                self.r.next() as u32,
            ),
        };
        let id = self.r.next() as u16;
        let ipo = build::eth_ip(&mut self.pkt, &mac, &ROUTER_MAC, &ip, &target, 6, 64, id);
        let h = TcpHdr {
            sport,
            dport: port,
            seq,
            ack: 0,
            flags: 0x02,
            window: 14600,
            mss: true,
        };
        build::tcp(&mut self.pkt, ipo, &h, &[]);
        self.emit(ts)?;
        tally(&mut self.scan, fmt_mac(&mac), ts, 1, |mac| {
            TruthAttack {
            kind: "scan",
            mac,
            first_ns: ts,
            last_ns: ts,
            packets: 0,
            ports: SLOW_PORTS.to_vec(),
            target: None,
            detail: "slow scan: about one new address a second spread over six bot ports, each SYN retried a second later".into(),
            listed: false,
        }
        });
        if retry.is_none() {
            let again = ts + S + self.r.below(50) as i64 * MS;
            self.at(
                again,
                Ev::SlowScan {
                    dev,
                    retry: Some((target, port, sport, seq)),
                },
            );
            let t = ts + 500 * MS + self.r.below(1000) as i64 * MS;
            self.at(t, Ev::SlowScan { dev, retry: None });
        } else if self.r.below(50) == 0 {
            let id = self.r.next() as u16;
            let ipo = build::eth_ip(&mut self.pkt, &ROUTER_MAC, &mac, &target, &ip, 6, 49, id);
            let h = TcpHdr {
                sport: port,
                dport: sport,
                seq: 0,
                ack: seq.wrapping_add(1),
                flags: 0x14,
                window: 0,
                mss: false,
            };
            build::tcp(&mut self.pkt, ipo, &h, &[]);
            self.emit(ts + 40 * MS)?;
        }
        Ok(())
    }

    /// One step of an SSH password guess by the stealthier bot on port 2222 of
    /// [`SSH_TARGET`]: handshake, both identification strings, key exchange and a refused
    /// password (random bytes of realistic sizes), close; then the next guess.
    fn ssh_guess(&mut self, ts: i64, dev: usize, attempt: u8, step: u8) -> io::Result<()> {
        const STEPS: [(bool, u8, usize); 10] = [
            (true, 0x02, 0),
            (false, 0x12, 0),
            (true, 0x10, 0),
            (false, 0x18, 32),
            (true, 0x18, 23),
            (false, 0x18, 1080),
            (true, 0x18, 1200),
            (false, 0x18, 64),
            (true, 0x11, 0),
            (false, 0x11, 0),
        ];
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let (from_bot, flags, len) = STEPS[step as usize];
        let sport = 40_000u16.wrapping_add(u16::from(attempt) * 7);
        let (cs, ss) = (
            0x2000_0000u32.wrapping_mul(u32::from(attempt) + 1),
            0x7700_0000u32,
        );
        // Bytes each side sent before this step (SYN and FIN count one).
        let sent = |bot: bool| -> u32 {
            STEPS[..step as usize]
                .iter()
                .filter(|s| s.0 == bot)
                .map(|s| if s.1 & 0x03 != 0 { 1 } else { s.2 as u32 })
                .sum()
        };
        let mut pay = Vec::with_capacity(len);
        match step {
            3 => pay.extend_from_slice(b"SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n"),
            4 => pay.extend_from_slice(b"SSH-2.0-libssh2_1.9.0\r\n"),
            _ if len > 0 => {
                let r = self.random_bytes(len);
                pay.extend_from_slice(&self.pool[r]);
            }
            _ => {}
        }
        pay.truncate(len);
        let id = self.r.next() as u16;
        let (seq, ack) = if from_bot {
            (
                cs.wrapping_add(sent(true)),
                if step == 0 {
                    0
                } else {
                    ss.wrapping_add(sent(false))
                },
            )
        } else {
            (ss.wrapping_add(sent(false)), cs.wrapping_add(sent(true)))
        };
        let ipo = if from_bot {
            build::eth_ip(
                &mut self.pkt,
                &mac,
                &ROUTER_MAC,
                &ip,
                &SSH_TARGET,
                6,
                64,
                id,
            )
        } else {
            build::eth_ip(
                &mut self.pkt,
                &ROUTER_MAC,
                &mac,
                &SSH_TARGET,
                &ip,
                6,
                51,
                id,
            )
        };
        let h = TcpHdr {
            sport: if from_bot { sport } else { 2222 },
            dport: if from_bot { 2222 } else { sport },
            seq,
            ack,
            flags,
            window: 29200,
            mss: step < 2,
        };
        build::tcp(&mut self.pkt, ipo, &h, &pay);
        self.emit(ts)?;
        tally(&mut self.brute, fmt_mac(&mac), ts, from_bot as u64, |mac| {
            TruthAttack {
                kind: "brute-force",
                mac,
                first_ns: ts,
                last_ns: ts,
                packets: 0,
                ports: vec![2222],
                target: Some(fmt_ip(&SSH_TARGET)),
                detail: "SSH password guessing on port 2222 (no well-known login port)".into(),
                listed: false,
            }
        });
        let (step, attempt, gap) = match step {
            9 if attempt + 1 >= SSH_ATTEMPTS => return Ok(()),
            9 => (0, attempt + 1, 1500 * MS),
            _ => (step + 1, attempt, 20 * MS),
        };
        self.at(ts + gap, Ev::SshGuess { dev, attempt, step });
        Ok(())
    }

    /// The stealthier bot checks in with its server over HTTPS, at irregular intervals: one to
    /// five seconds mostly, now and then up to a minute.
    fn check_in(&mut self, ts: i64, dev: usize) {
        let name = STEALTH_C2.to_string();
        let id = self.new_session(dev, SessKind::CheckIn, name, cloud_ip(STEALTH_C2), 443);
        self.at(ts, Ev::Session { id });
        let gap = if self.r.below(20) == 0 {
            5 * S + self.r.below(55_000) as i64 * MS
        } else {
            S + self.r.below(4000) as i64 * MS
        };
        self.at(ts + gap, Ev::CheckIn { dev });
    }

    fn start_flood(&mut self, ts: i64) {
        let Some(dev) = self.devs.iter().position(|d| d.infected) else {
            self.flood_on = false;
            return;
        };
        self.flood = Some(TruthAttack {
            kind: "flood",
            mac: fmt_mac(&self.devs[dev].mac),
            first_ns: ts,
            last_ns: ts,
            packets: 0,
            ports: vec![],
            target: Some(fmt_ip(&FLOOD_VICTIM)),
            detail: "UDP flood (Mirai udpplain style), 512-byte payloads to random ports, ~10,000 packets/s".into(),
            listed: false,
        });
        self.flood_left = (self.limit / 10).max(1);
        self.at(ts + 1000, Ev::Flood { dev });
    }

    fn flood_pkt(&mut self, ts: i64, dev: usize) -> io::Result<()> {
        if self.flood_left == 0 {
            return Ok(());
        }
        let d = &self.devs[dev];
        let (mac, ip) = (d.mac, d.ip);
        let r = self.random_bytes(512);
        let mut pay = std::mem::take(&mut self.pay);
        pay.clear();
        pay.extend_from_slice(&self.pool[r]);
        self.pay = pay;
        let sp = 1024 + self.r.below(60_000) as u16;
        let dp = 1 + self.r.below(65_534) as u16;
        self.udp(ts, &mac, &ROUTER_MAC, &ip, &FLOOD_VICTIM, sp, dp)?;
        self.flood_left -= 1;
        if let Some(f) = &mut self.flood {
            f.packets += 1;
            f.last_ns = ts;
        }
        let t = ts + self.r.around(100_000);
        self.at(t, Ev::Flood { dev });
        Ok(())
    }
}

fn s_rtt(s: &Option<Sess>) -> i64 {
    s.as_ref().map(|s| s.rtt).unwrap_or(MS)
}

/// Writes the capture to `w` and returns the ground truth.
pub fn write<W: Write>(opts: &Options, w: &mut W) -> io::Result<Truth> {
    if opts.devices > MAX_DEVICES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} devices: the simulated network holds at most {MAX_DEVICES}",
                opts.devices
            ),
        ));
    }
    let mut r = Rng(opts.seed ^ 0x696f_7467_6174_6531);
    let n = opts.devices.max(1);
    let infected = opts.infected.min(n);
    let stealthy = opts.stealthy.min(n - infected);
    let mut devs = Vec::with_capacity(n);
    for i in 0..n {
        let p: &'static Profile = if i < infected {
            &CAMERA
        } else {
            &CYCLE[(i - infected) % CYCLE.len()]
        };
        let tail = (r.next() >> 40) as u32;
        let mac = [
            p.oui[0],
            p.oui[1],
            p.oui[2],
            (tail >> 16) as u8,
            (tail >> 8) as u8,
            tail as u8,
        ];
        let hostname = p
            .hostname
            .replace("{n}", &format!("{:02X}{:02X}", mac[4], mac[5]));
        let names: Vec<String> = p.clouds.iter().map(|s| s.to_string()).collect();
        devs.push(Dev {
            mac,
            ip: [192, 168, 1, 20 + (i % 200) as u8],
            p,
            hostname,
            infected: i < infected,
            stealthy: (infected..infected + stealthy).contains(&i),
            names,
            next_name: 0,
        });
    }
    w.write_all(&PCAP_HEADER)?;
    let mut pool = vec![0u8; 1 << 16];
    for c in pool.chunks_mut(8) {
        let v = r.next().to_le_bytes();
        c.copy_from_slice(&v[..c.len()]);
    }
    let mut sim = Sim {
        w,
        r,
        heap: BinaryHeap::new(),
        seq: 0,
        devs,
        sessions: Vec::new(),
        free: Vec::new(),
        pkt: Vec::with_capacity(2048),
        pay: Vec::with_capacity(2048),
        pool,
        written: 0,
        bytes: 24,
        limit: opts.packets,
        first: T0,
        last: T0,
        scan: Vec::new(),
        brute: Vec::new(),
        c2: Vec::new(),
        flood: None,
        flood_on: opts.flood,
        flood_left: 0,
    };
    for dev in 0..n {
        let t = T0 + 200 * MS + dev as i64 * 700 * MS;
        sim.at(t, Ev::Dhcp { dev, step: 0 });
    }
    sim.run(opts.packets)?;
    let devices = sim
        .devs
        .iter()
        .map(|d| {
            let mut domains: Vec<String> = d.names.clone();
            if let Some(m) = d.p.mqtt_clear {
                domains.push(m.to_string());
            }
            if d.infected {
                domains.push(C2_NAME.to_string());
            }
            if d.stealthy {
                domains.push(STEALTH_C2.to_string());
            }
            TruthDevice {
                mac: fmt_mac(&d.mac),
                ip: fmt_ip(&d.ip),
                kind: d.p.kind,
                hostname: d.hostname.clone(),
                vendor_class: d.p.vendor_class,
                param_request_list: d.p.prl.to_vec(),
                infected: d.infected || d.stealthy,
                planted_findings: if d.infected {
                    vec!["cleartext-telnet"]
                } else {
                    d.p.planted.to_vec()
                },
                domains,
            }
        })
        .collect();
    let mut attacks = sim.scan.clone();
    attacks.extend(sim.brute.iter().cloned());
    attacks.extend(sim.c2.iter().cloned());
    attacks.extend(sim.flood.iter().cloned());
    Ok(Truth {
        schema: "iotgate.simulation/1",
        seed: opts.seed,
        packets: sim.written,
        bytes: sim.bytes,
        first_ns: sim.first,
        last_ns: sim.last,
        router_mac: fmt_mac(&ROUTER_MAC),
        router_ip: fmt_ip(&ROUTER_IP),
        devices,
        attacks,
    })
}
