//! `iotgate mud nft` and `iotgate mud enforce`: compile profiles to an nftables ruleset, apply it
//! atomically, and keep its DNS-name sets filled from the DNS answers the devices receive (read
//! from the LAN interface with a packet socket), each address for its answer's TTL.

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::{write_error, Arg, Localizer};
use iotgate_mud::nft::{add_elements, compile, Device, NameSets, Ruleset};
use iotgate_serve::warden::nft as apply;
use iotgate_sources::{LiveCapture, Next, PacketSource};
use iotgate_wire::Mac;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    let Some(a) = iotgate_serve::dnsbind::answer(1, frame) else {
        return Vec::new();
    };
    let Some((s4, s6)) = sets.get(&a.to.to_string()).and_then(|n| n.get(&a.name)) else {
        return Vec::new();
    };
    a.addrs
        .into_iter()
        .map(|(ip, ttl)| (if ip.is_ipv6() { s6 } else { s4 }.clone(), ip, ttl))
        .collect()
}
