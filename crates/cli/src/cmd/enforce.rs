//! `iotgate mud nft` and `iotgate mud enforce`: compile profiles to an nftables ruleset, apply it
//! atomically, and keep its DNS-name sets filled from the DNS answers the devices receive (read
//! from the LAN interface with a packet socket), each address for its answer's TTL.

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::{write_error, Arg, Localizer};
use iotgate_mud::nft::{add_elements, compile, Device, NameSets, Ruleset};
use iotgate_sources::{LiveCapture, Next, PacketSource};
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
    let audit = crate::mud_args::audit_from_args(l, m)?;
    let Some(audit) = audit else {
        return Err(l.t("nft-no-profile"));
    };
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
    Ok(compile(&devices, &crate::mud_args::controllers(l, m)?))
}

/// The ruleset, with what was left out of it reported.
fn prepared(l: &Localizer, m: &clap::ArgMatches) -> Result<Ruleset, Failure> {
    let r = ruleset_from_args(l, m).map_err(Failure::usage)?;
    report_skipped(l, &r);
    Ok(r)
}

fn report_skipped(l: &Localizer, r: &Ruleset) {
    for (what, why) in &r.skipped {
        let why = l.t(&format!("nft-why-{why}"));
        crate::note!(
            "iotgate: {}",
            l.ta(
                "nft-skipped",
                &[("what", Arg::S(what)), ("why", Arg::S(&why))]
            )
        );
    }
}

/// `iotgate mud nft`: prints (or writes) the ruleset.
pub fn nft(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let r = prepared(l, m)?;
    let text = serde_json::to_string_pretty(&r.json).unwrap_or_default() + "\n";
    match m.get_one::<PathBuf>("out") {
        Some(p) => std::fs::write(p, text)
            .map_err(|e| Failure::failed(write_error(l, &p.display().to_string(), &e))),
        None => print_str(l, &text),
    }
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
pub fn enforce(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let r = prepared(l, m)?;
    apply(&r.json).map_err(|e| Failure::failed(l.ta("nft-apply", &[("error", Arg::S(&e))])))?;
    let iface = m
        .get_one::<String>("interface")
        .cloned()
        .unwrap_or_default();
    let socket_failure = |e: String| {
        Failure::failed(l.ta(
            "enforce-socket",
            &[("iface", Arg::S(&iface)), ("error", Arg::S(&e))],
        ))
    };
    let mut sock = LiveCapture::open(&iface, Duration::from_millis(200))
        .map_err(|e| socket_failure(e.to_string()))?;
    crate::note!(
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
        match sock.next() {
            Next::Packet(p) => {
                for add in answers(p.data, &r.name_sets) {
                    if pending.len() < MAX_PENDING {
                        pending.push(add);
                    }
                }
            }
            Next::Idle => {}
            Next::End => {
                return Err(socket_failure(
                    sock.error().map(ToString::to_string).unwrap_or_default(),
                ))
            }
        }
        if !pending.is_empty() && last_flush.elapsed() >= FLUSH_EVERY {
            if let Err(e) = apply(&add_elements(&pending)) {
                crate::note!("iotgate: {}", l.ta("nft-apply", &[("error", Arg::S(&e))]));
            }
            pending.clear();
            last_flush = Instant::now();
        }
    }
    Ok(())
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
