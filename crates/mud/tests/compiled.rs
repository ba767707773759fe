//! The indexed matcher decides every flow exactly as the straightforward one, on every shared
//! profile and on random flows.

use iotgate_mud::compiled::Compiled;
use iotgate_mud::matcher::{decide, Context, Packet};
use iotgate_mud::Profile;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Every name of every profile resolves to an address derived from its length; a few addresses
/// are controllers, some are local, one device has a MUD URL.
struct Ctx(Vec<String>);

fn addr_of(name: &str) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(
        8,
        8,
        (name.len() % 7) as u8,
        (name.len() % 5) as u8,
    ))
}

impl Context for Ctx {
    fn resolved(&self, name: &str, ip: &IpAddr) -> bool {
        self.0.iter().any(|n| n == name) && addr_of(name) == *ip
    }
    fn names(&self, ip: &IpAddr, f: &mut dyn FnMut(&str)) {
        for n in &self.0 {
            if addr_of(n) == *ip {
                f(n);
            }
        }
    }
    fn is_local(&self, ip: &IpAddr) -> bool {
        iotgate_wire_free_is_local(ip)
    }
    fn is_controller(&self, uri: &str, ip: &IpAddr) -> bool {
        uri.len().is_multiple_of(2) && *ip == IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1))
    }
    fn is_my_controller(&self, ip: &IpAddr) -> bool {
        *ip == IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2))
    }
    fn mud_url_of(&self, ip: &IpAddr) -> Option<&str> {
        (*ip == IpAddr::V4(Ipv4Addr::new(192, 168, 1, 3)))
            .then_some("https://lighting.example.com/x")
    }
}

fn iotgate_wire_free_is_local(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_private() || a.is_multicast() || a.is_broadcast(),
        IpAddr::V6(a) => a.is_multicast() || (a.segments()[0] & 0xfe00) == 0xfc00,
    }
}

fn profiles() -> Vec<Profile> {
    let root = format!("{}/../../../shared/data/mud", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["unsw", "nist", "cisco", "sidn", "namib", "osmud-legacy"] {
        for e in std::fs::read_dir(format!("{root}/{dir}")).expect("dir") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "json") {
                if let Some(pr) =
                    iotgate_mud::parse_bytes(&std::fs::read(&p).expect("read")).profile
                {
                    out.push(pr);
                }
            }
        }
    }
    out
}

fn names(p: &Profile) -> Vec<String> {
    p.from_device
        .iter()
        .chain(&p.to_device)
        .flat_map(|a| &a.aces)
        .flat_map(|e| [e.matches.src_dnsname.clone(), e.matches.dst_dnsname.clone()])
        .flatten()
        .collect()
}

fn remote_choices(p: &Profile) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = names(p).iter().map(|n| addr_of(n)).collect();
    v.extend([
        IpAddr::V4(Ipv4Addr::new(192, 168, 1, 1)),
        IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2)),
        IpAddr::V4(Ipv4Addr::new(192, 168, 1, 3)),
        IpAddr::V4(Ipv4Addr::new(239, 255, 255, 250)),
        IpAddr::V4(Ipv4Addr::new(255, 255, 255, 255)),
        IpAddr::V4(Ipv4Addr::new(8, 8, 8, 8)),
        IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9)),
        IpAddr::V6("ff02::fb".parse::<Ipv6Addr>().expect("v6")),
        IpAddr::V6("2001:db8::1".parse::<Ipv6Addr>().expect("v6")),
    ]);
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn indexed_equals_linear(seed in any::<u64>()) {
        let mut x = seed | 1;
        let mut next = move || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
        for p in profiles() {
            let ctx = Ctx(names(&p));
            let remotes = remote_choices(&p);
            let c = Compiled::new(p.clone());
            let ports = [53u16, 67, 68, 80, 123, 443, 1900, 5353, 8008, 8009, 8443, 50443, 40000];
            for _ in 0..200 {
                let r = remotes[next() as usize % remotes.len()];
                let dev = if r.is_ipv4() { IpAddr::V4(Ipv4Addr::new(192, 168, 1, 20)) } else { IpAddr::V6("fd00::20".parse::<Ipv6Addr>().expect("v6")) };
                let from_device = next() % 2 == 0;
                let proto = [6u8, 17, 1, 58, 2][next() as usize % 5];
                let (a, b) = (ports[next() as usize % ports.len()], ports[next() as usize % ports.len()]);
                let pk = Packet {
                    from_device,
                    src: if from_device { dev } else { r },
                    dst: if from_device { r } else { dev },
                    proto,
                    sport: a,
                    dport: b,
                    icmp: (proto == 1 || proto == 58).then_some(((next() % 2 * 8) as u8, 0)),
                    device_initiated: [None, Some(true), Some(false)][next() as usize % 3],
                };
                prop_assert_eq!(decide(&p, &pk, &ctx), c.decide(&pk, &ctx), "{} {:?}", p.url, pk);
            }
        }
    }
}
