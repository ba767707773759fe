//! Measures how fast flows are decided against a MUD profile on one core.
//! Usage: cargo run --release -p iotgate-mud --example match_bench -- PROFILE.json [FLOWS]

use iotgate_mud::compiled::Compiled;
use iotgate_mud::matcher::{decide, Context, Packet, Verdict};
use rustc_hash::FxHashMap as HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

/// Names resolved to addresses, as a device's DNS answers would give them.
struct Names(HashMap<IpAddr, Vec<String>>);

impl Context for Names {
    fn resolved(&self, name: &str, ip: &IpAddr) -> bool {
        self.0.get(ip).is_some_and(|v| v.iter().any(|n| n == name))
    }
    fn names(&self, ip: &IpAddr, f: &mut dyn FnMut(&str)) {
        for n in self.0.get(ip).into_iter().flatten() {
            f(n);
        }
    }
    fn is_local(&self, ip: &IpAddr) -> bool {
        matches!(ip, IpAddr::V4(a) if a.is_private() || a.is_multicast() || a.is_broadcast())
    }
    fn is_controller(&self, _uri: &str, ip: &IpAddr) -> bool {
        *ip == IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1))
    }
    fn is_my_controller(&self, _ip: &IpAddr) -> bool {
        false
    }
    fn mud_url_of(&self, _ip: &IpAddr) -> Option<&str> {
        None
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: match_bench PROFILE.json [FLOWS]");
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let parsed = iotgate_mud::parse_bytes(&std::fs::read(path).expect("read profile"));
    let profile = parsed.profile.expect("usable profile");
    // Every DNS name of the profile gets an address; flows go to those names on the listed
    // ports (allowed), to the same addresses on other ports, and to unknown addresses.
    let mut names = Names(HashMap::default());
    let mut targets = Vec::new();
    for acl in &profile.from_device {
        for ace in &acl.aces {
            let m = &ace.matches;
            if let Some(name) = &m.dst_dnsname {
                let ip = IpAddr::V4(Ipv4Addr::from(0x0800_0000 + targets.len() as u32));
                names.0.entry(ip).or_default().push(name.clone());
                let port = match m.dst_port {
                    Some(iotgate_mud::PortMatch::Eq(p)) => p,
                    _ => 443,
                };
                targets.push((ip, m.protocol.unwrap_or(6), port));
            }
        }
    }
    let dev = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20));
    let mut packets = Vec::with_capacity(4096);
    for i in 0..4096u32 {
        let (ip, proto, port) = targets[i as usize % targets.len()];
        let (ip, port) = match i % 4 {
            0 | 1 => (ip, port),
            2 => (ip, 8000 + (i % 100) as u16),
            _ => (IpAddr::V4(Ipv4Addr::from(0x2000_0000 + i)), port),
        };
        packets.push(Packet {
            from_device: true,
            src: dev,
            dst: ip,
            proto,
            sport: 40000 + (i % 20000) as u16,
            dport: port,
            icmp: None,
            device_initiated: Some(true),
        });
    }
    let aces: usize = profile.from_device.iter().map(|a| a.aces.len()).sum();
    // The straightforward matcher, on a tenth of the flows, as the reference.
    let start = Instant::now();
    let mut plain = Vec::with_capacity(4096);
    for i in 0..n / 10 {
        let v = decide(&profile, &packets[i & 4095], &names);
        if i < 4096 {
            plain.push(v);
        }
    }
    let s_plain = start.elapsed().as_secs_f64();
    let compiled = Compiled::new(profile);
    let start = Instant::now();
    let mut allowed = 0u64;
    for i in 0..n {
        if let Verdict::Allowed { .. } = compiled.decide(&packets[i & 4095], &names) {
            allowed += 1;
        }
    }
    let s = start.elapsed().as_secs_f64();
    for (i, v) in plain.iter().enumerate() {
        assert_eq!(*v, compiled.decide(&packets[i], &names), "flow {i}");
    }
    println!(
        "{aces} from-device entries: indexed {:.2} M flows/s ({n} flows, {allowed} allowed); linear scan {:.2} M flows/s",
        n as f64 / s / 1e6,
        (n / 10) as f64 / s_plain / 1e6
    );
}
