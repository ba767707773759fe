//! `iotgate mud nft` and `iotgate mud enforce`: compile profiles to an nftables ruleset, apply it
//! atomically, and keep its DNS-name sets filled from the DNS answers the devices receive (read
//! from the LAN interface with a packet socket), each address for its answer's TTL.

use iotgate_explain::{write_error, Arg, Localizer};
use iotgate_mud::nft::{add_elements, compile, Device, NameSets, Ruleset};
use iotgate_wire::{decode, Mac, L3, L4};
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest time an address learnt from DNS stays allowed, whatever the TTL says.
const MAX_TTL: u32 = 86_400;

/// The ruleset the arguments ask for (`--mud MAC=FILE`, `--addr MAC=IP`, `--controller`).
fn ruleset_from_args(l: &Localizer, m: &clap::ArgMatches) -> Result<Ruleset, String> {
    let audit = crate::mud::audit_from_args(l, m)?;
    let Some(audit) = audit else {
        return Err(l.t("nft-no-profile"));
    };
    let audit = audit.borrow();
    let mut addrs: Vec<(Mac, IpAddr)> = Vec::new();
    for spec in m.get_many::<String>("addr").into_iter().flatten() {
        let parsed = spec
            .split_once('=')
            .and_then(|(mac, ip)| Some((Mac::parse(mac)?, ip.trim().parse().ok()?)));
        match parsed {
            Some(p) => addrs.push(p),
            None => {
                return Err(l.ta(
                    "err-mud-arg",
                    &[("arg", Arg::S(spec)), ("what", Arg::S("addr"))],
                ))
            }
        }
    }
    let devices: Vec<Device<'_>> = audit
        .devices
        .iter()
        .map(|d| Device {
            mac: d.mac.to_string(),
            profile: d.profile(),
            addrs: addrs
                .iter()
                .filter(|(mac, _)| *mac == d.mac)
                .map(|(_, a)| *a)
                .collect(),
        })
        .collect();
    Ok(compile(&devices, &crate::mud::controllers(l, m)?))
}

/// The ruleset, with what was left out of it reported; `None` (reported) on a bad argument.
fn prepared(l: &Localizer, m: &clap::ArgMatches) -> Option<Ruleset> {
    match ruleset_from_args(l, m) {
        Ok(r) => {
            report_skipped(l, &r);
            Some(r)
        }
        Err(msg) => {
            eprintln!("iotgate: {msg}");
            None
        }
    }
}

fn report_skipped(l: &Localizer, r: &Ruleset) {
    for (what, why) in &r.skipped {
        let why = l.t(&format!("nft-why-{why}"));
        eprintln!(
            "iotgate: {}",
            l.ta(
                "nft-skipped",
                &[("what", Arg::S(what)), ("why", Arg::S(&why))]
            )
        );
    }
}

/// `iotgate mud nft`: prints (or writes) the ruleset.
pub fn nft(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    let Some(r) = prepared(l, m) else {
        return 2;
    };
    let text = serde_json::to_string_pretty(&r.json).unwrap_or_default() + "\n";
    match m.get_one::<PathBuf>("out") {
        Some(p) => {
            if let Err(e) = std::fs::write(p, text) {
                eprintln!("iotgate: {}", write_error(l, &p.display().to_string(), &e));
                return 1;
            }
        }
        None => print!("{text}"),
    }
    0
}

/// Runs `nft -j -f -` with `doc` on standard input.
fn apply(doc: &serde_json::Value) -> Result<(), String> {
    let mut child = Command::new("nft")
        .args(["-j", "-f", "-"])
        .stdin(Stdio::piped())
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

/// `iotgate mud enforce`: applies the ruleset, then fills its name sets from DNS answers.
pub fn enforce(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    let Some(r) = prepared(l, m) else {
        return 2;
    };
    if let Err(e) = apply(&r.json) {
        eprintln!("iotgate: {}", l.ta("nft-apply", &[("error", Arg::S(&e))]));
        return 1;
    }
    let iface = m
        .get_one::<String>("interface")
        .cloned()
        .unwrap_or_default();
    let sock = match packet::Socket::open(&iface) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "iotgate: {}",
                l.ta(
                    "enforce-socket",
                    &[("iface", Arg::S(&iface)), ("error", Arg::S(&e.to_string()))]
                )
            );
            return 1;
        }
    };
    eprintln!(
        "iotgate: {}",
        l.ta(
            "enforce-started",
            &[
                ("iface", Arg::S(&iface)),
                ("devices", Arg::N(r.devices as f64))
            ]
        )
    );
    let deadline = m
        .get_one::<u64>("for")
        .map(|s| Instant::now() + Duration::from_secs(*s));
    let mut buf = vec![0u8; 65_536];
    let mut pending: Vec<(String, IpAddr, u32)> = Vec::new();
    let mut last_flush = Instant::now() - FLUSH_EVERY;
    loop {
        if let Some(d) = deadline {
            if Instant::now() >= d {
                break;
            }
        }
        // Additions go to nft in batches, at most FLUSH_EVERY apart, so that a flood of DNS
        // answers costs one nft run per interval, not one per answer.
        if let Ok(n) = sock.recv(&mut buf) {
            for add in answers(&buf[..n], &r.name_sets) {
                if pending.len() < MAX_PENDING {
                    pending.push(add);
                }
            }
        }
        if !pending.is_empty() && last_flush.elapsed() >= FLUSH_EVERY {
            if let Err(e) = apply(&add_elements(&pending)) {
                eprintln!("iotgate: {}", l.ta("nft-apply", &[("error", Arg::S(&e))]));
            }
            pending.clear();
            last_flush = Instant::now();
        }
    }
    0
}

/// Shortest time between two nft runs adding addresses.
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// Additions held between two runs; more are dropped (the next answer brings them again).
const MAX_PENDING: usize = 4096;

/// The (set, address, TTL) additions a frame calls for: a DNS answer to a managed device for a
/// name its profile allows.
fn answers(frame: &[u8], sets: &NameSets) -> Vec<(String, IpAddr, u32)> {
    let mut out = Vec::new();
    let Ok(d) = decode(1, frame) else { return out };
    let (Some(dst), L3::Ip(_), L4::Udp(u)) = (d.link.dst, d.l3, d.l4) else {
        return out;
    };
    if u.sport != 53 {
        return out;
    }
    let Some(names) = sets.get(&dst.to_string()) else {
        return out;
    };
    let Ok(msg) = iotgate_wire::dns::parse(u.payload) else {
        return out;
    };
    if !msg.is_response() || msg.rcode() != 0 {
        return out;
    }
    let mut nb = [0u8; 256];
    let Some(q) = msg.questions().next() else {
        return out;
    };
    let Ok(n) = q.name.write(&mut nb) else {
        return out;
    };
    let qname = iotgate_mud::dns_name(std::str::from_utf8(&nb[..n]).unwrap_or(""));
    let Some((s4, s6)) = names.get(&qname) else {
        return out;
    };
    for (section, rec) in msg.records() {
        if section != 1 {
            break;
        }
        let ttl = rec.ttl.clamp(1, MAX_TTL);
        if let Some(a) = rec.a() {
            out.push((s4.clone(), IpAddr::V4(a), ttl));
        } else if let Some(a) = rec.aaaa() {
            out.push((s6.clone(), IpAddr::V6(a), ttl));
        }
    }
    out
}

/// A Linux packet socket bound to one interface, reading every frame it sends or receives.
mod packet {
    use std::io;

    pub struct Socket(i32);

    impl Socket {
        pub fn open(iface: &str) -> io::Result<Socket> {
            let name = std::ffi::CString::new(iface)
                .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
            let proto = (libc::ETH_P_ALL as u16).to_be();
            // SAFETY: plain system calls on a descriptor this function owns; every pointer passed
            // points to a live, correctly sized local value.
            unsafe {
                let index = libc::if_nametoindex(name.as_ptr());
                if index == 0 {
                    return Err(io::Error::last_os_error());
                }
                let fd = libc::socket(libc::AF_PACKET, libc::SOCK_RAW, i32::from(proto));
                if fd < 0 {
                    return Err(io::Error::last_os_error());
                }
                let s = Socket(fd);
                let mut sll: libc::sockaddr_ll = std::mem::zeroed();
                sll.sll_family = libc::AF_PACKET as u16;
                sll.sll_protocol = proto;
                sll.sll_ifindex = index as i32;
                if libc::bind(
                    fd,
                    &sll as *const libc::sockaddr_ll as *const libc::sockaddr,
                    std::mem::size_of::<libc::sockaddr_ll>() as u32,
                ) < 0
                {
                    return Err(io::Error::last_os_error());
                }
                let tv = libc::timeval {
                    tv_sec: 0,
                    tv_usec: 50_000,
                };
                if libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    libc::SO_RCVTIMEO,
                    &tv as *const libc::timeval as *const libc::c_void,
                    std::mem::size_of::<libc::timeval>() as u32,
                ) < 0
                {
                    return Err(io::Error::last_os_error());
                }
                Ok(s)
            }
        }

        pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
            // SAFETY: `buf` is a live, writable buffer of the length given.
            let n = unsafe { libc::recv(self.0, buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(n as usize)
            }
        }
    }

    impl Drop for Socket {
        fn drop(&mut self) {
            // SAFETY: the descriptor is owned by this value and closed once.
            unsafe {
                libc::close(self.0);
            }
        }
    }
}
