//! `iotgate collect` (issue 18, under way): flow exports read from a capture of export packets
//! (`--replay`), decoded by `iotgate_flows`, and either printed one JSON object per record in
//! arrival order (`--records json`), or run through the detectors as the packet path's flows
//! are (the engine's `Session` takes records) and reported like `analyze`; what could not be
//! read is counted and said on standard error.

use crate::failure::{print_out, Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_flows::subscribers::{Attribution, Subscribers};
use iotgate_flows::Record;
use iotgate_pipeline::flowfeed::FlowFeed;
use iotgate_sources::Capture;
use std::path::PathBuf;

/// A record as `--records json` prints it.
fn json(r: &Record) -> serde_json::Value {
    let time = |ms: Option<i64>| {
        ms.map(|ms| iotgate_explain::typed::Time(ms.saturating_mul(1_000_000)).to_string())
    };
    let mut v = serde_json::json!({
        "exporter": r.exporter.to_string(),
        "src_addr": r.src.to_string(),
        "dst_addr": r.dst.to_string(),
        "src_port": r.sport,
        "dst_port": r.dport,
        "proto": r.proto,
        "packets": r.packets,
        "bytes": r.bytes,
        "start": time(r.start_ms),
        "end": time(r.end_ms),
        "tcp_flags": r.tcp_flags,
    });
    if let Some(s) = r.sampling {
        v["sampling"] = serde_json::json!(s);
    }
    v
}

/// Where export packets come from.
enum Input<'a> {
    /// A capture of them.
    Replay(iotgate_sources::Reader<'a>),
    /// UDP sockets routers send to, until `stop` (Ctrl-C) or the deadline.
    Listen {
        /// Boxed: its read buffers' bookkeeping is large beside a capture reader.
        recv: Box<crate::receive::Receiver>,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
        until: Option<std::time::Instant>,
    },
}

/// `udp://ADDR:PORT`, or `ADDR:PORT`.
fn listen_addr(s: &str) -> Option<std::net::SocketAddr> {
    s.strip_prefix("udp://").unwrap_or(s).parse().ok()
}

/// The sockets for `--listen`: `--sockets` of them on one address (SO_REUSEPORT), their receive
/// buffers set when asked (`SO_RCVBUF`: the kernel keeps what arrives while a burst is
/// decoded; it may grant less, never more than its limit).
fn receiver(l: &Localizer, m: &clap::ArgMatches) -> Result<crate::receive::Receiver, Failure> {
    let spec = m.get_one::<String>("listen").cloned().unwrap_or_default();
    let Some(addr) = listen_addr(&spec) else {
        return Err(Failure::usage(
            l.ta("collect-err-listen", &[("addr", Arg::S(&spec))]),
        ));
    };
    let n = *m.get_one::<u32>("sockets").unwrap_or(&1) as usize;
    crate::receive::Receiver::open(addr, n, m.get_one::<u32>("rcvbuf").copied()).map_err(|e| {
        Failure::failed(l.ta(
            "serve-err-listen",
            &[("addr", Arg::S(&spec)), ("error", Arg::S(&e.to_string()))],
        ))
    })
}

/// Distinct exporters counted for the metrics.
const MAX_EXPORTERS: usize = 65_536;

/// Largest subscriber map read (a million entries of a few dozen bytes each fit).
const MAX_MAP_BYTES: usize = 128 << 20;

/// Who is behind a record's sides: `--subscribers FILE`, else `--customers PREFIX,...`, else
/// the private, CGNAT and unique-local ranges, each address its own subscriber.
pub fn attribution(l: &Localizer, m: &clap::ArgMatches) -> Result<Attribution, Failure> {
    if let Some(path) = m.get_one::<PathBuf>("subscribers") {
        let shown = path.display().to_string();
        let bytes = crate::files::read_bounded(l, path, MAX_MAP_BYTES).map_err(Failure::failed)?;
        let text = String::from_utf8_lossy(&bytes);
        let map = Subscribers::parse(&text).map_err(|b| {
            Failure::failed(l.ta(
                "collect-err-map",
                &[
                    ("path", Arg::S(&shown)),
                    ("line", Arg::N(b.line as f64)),
                    ("why", Arg::S(&l.t(&format!("collect-map-{}", b.why)))),
                ],
            ))
        })?;
        return Ok(Attribution::Map(map));
    }
    if let Some(list) = m.get_one::<String>("customers") {
        let mut nets = Vec::new();
        for tok in list.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            match iotgate_flows::subscribers::parse_prefix(tok) {
                Some(p) => nets.push(p),
                None => {
                    return Err(Failure::usage(
                        l.ta("collect-err-prefix", &[("prefix", Arg::S(tok))]),
                    ))
                }
            }
        }
        return Ok(Attribution::Addresses(nets));
    }
    Ok(Attribution::default())
}

/// Writes the records `--records json` collected (`out` is empty otherwise), one JSON object a
/// line, and empties `out`.
fn print_records(w: &mut dyn std::io::Write, out: &mut Vec<Record>) -> std::io::Result<()> {
    for r in out.iter() {
        serde_json::to_writer(&mut *w, &json(r))?;
        w.write_all(b"\n")?;
    }
    out.clear();
    Ok(())
}

/// One export packet: printed as records (`out`, no session), or into the session.
fn take(
    feed: &mut FlowFeed,
    session: Option<&mut iotgate_pipeline::Session>,
    nats: Option<&mut super::scale::NatsOut>,
    exporter: std::net::IpAddr,
    pkt: &[u8],
    out: &mut Vec<Record>,
) {
    match (session, nats) {
        (Some(s), _) => feed.packet(s, exporter, pkt),
        (None, Some(n)) => {
            feed.decoder.decode(exporter, pkt, out);
            n.packet(exporter, pkt, out);
            out.clear();
        }
        (None, None) => feed.decoder.decode(exporter, pkt, out),
    }
}

/// Runs `iotgate collect`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    if let Some(("worker", w)) = m.subcommand() {
        return super::scale::worker(l, w);
    }
    let print = m.get_one::<String>("records").is_some();
    let detect = crate::detect_args::detectors_from_args(l, m).map_err(Failure::usage)?;
    let who = attribution(l, m)?;
    let mut nats = match m.get_one::<String>("nats") {
        Some(_) => Some(super::scale::publisher(l, m, who.clone())?),
        None => None,
    };
    let cap;
    let mut input = match m.get_one::<PathBuf>("replay") {
        Some(path) => {
            cap = Capture::open(path)
                .map_err(|e| Failure::failed(iotgate_explain::source_error_text(l, &e)))?;
            Input::Replay(
                cap.reader()
                    .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?,
            )
        }
        None => {
            let recv = receiver(l, m)?;
            crate::note!(
                "iotgate: {}",
                l.ta(
                    "collect-listening",
                    &[
                        ("addr", Arg::S(&recv.local.to_string())),
                        ("sockets", Arg::N(recv.sockets() as f64)),
                    ]
                )
            );
            Input::Listen {
                recv: Box::new(recv),
                stop: super::analyze::stop_on_interrupt(),
                until: m
                    .get_one::<u64>("for")
                    .map(|s| std::time::Instant::now() + std::time::Duration::from_secs(*s)),
            }
        }
    };
    let mut session = (!print && nats.is_none()).then(|| {
        iotgate_pipeline::Session::new(iotgate_pipeline::SessionConfig::isp(
            detect,
            *m.get_one::<u64>("peers").unwrap_or(&0) as usize,
        ))
    });
    let mut feed = FlowFeed::new(who);
    let mut out: Vec<Record> = Vec::new();
    let mut not_udp = 0u64;
    let mut exporters: std::collections::HashSet<std::net::IpAddr> = Default::default();
    let metrics = crate::metrics::Metrics::start(l, m)?;
    let done = print_out(l, |w| {
        loop {
            match &mut input {
                Input::Replay(reader) => {
                    let Some(p) = reader.next_packet() else { break };
                    let Ok(pkt) = iotgate_wire::decode(p.linktype, p.data) else {
                        not_udp += 1;
                        continue;
                    };
                    let (iotgate_wire::L3::Ip(ip), iotgate_wire::L4::Udp(u)) = (pkt.l3, pkt.l4)
                    else {
                        not_udp += 1;
                        continue;
                    };
                    take(
                        &mut feed,
                        session.as_mut(),
                        nats.as_mut(),
                        ip.src,
                        u.payload,
                        &mut out,
                    );
                }
                Input::Listen { recv, stop, until } => {
                    if stop.load(std::sync::atomic::Ordering::Relaxed)
                        || until.is_some_and(|t| std::time::Instant::now() >= t)
                    {
                        break;
                    }
                    let Some(batch) = recv.next() else {
                        metrics.update(&feed, recv, nats.as_ref(), &exporters);
                        continue;
                    };
                    for &(from, start, len) in &batch.items {
                        if exporters.len() < MAX_EXPORTERS {
                            exporters.insert(from);
                        }
                        take(
                            &mut feed,
                            session.as_mut(),
                            nats.as_mut(),
                            from,
                            &batch.data[start..start + len],
                            &mut out,
                        );
                        // Printed as each packet is read: `out` holds one packet's records.
                        print_records(w, &mut out)?;
                    }
                    recv.done(batch);
                    metrics.update(&feed, recv, nats.as_ref(), &exporters);
                }
            }
            print_records(w, &mut out)?;
            if print && matches!(input, Input::Listen { .. }) {
                w.flush()?;
            }
        }
        if let Some(s) = session.as_mut() {
            feed.finish(s);
        }
        Ok(())
    });
    if let Input::Listen { recv, .. } = input {
        crate::note!(
            "iotgate: {}",
            l.ta(
                "collect-received",
                &[
                    (
                        "datagrams",
                        Arg::N(recv.datagrams.load(std::sync::atomic::Ordering::Relaxed) as f64)
                    ),
                    ("sockets", Arg::N(recv.sockets() as f64)),
                    ("drops", Arg::N(recv.kernel_drops() as f64)),
                ]
            )
        );
        recv.close();
    }
    let d = &feed.decoder;
    let s = &d.stats;
    crate::note!(
        "iotgate: {}",
        l.ta(
            "collect-summary",
            &[
                ("packets", Arg::N(s.packets as f64)),
                ("records", Arg::N(s.records as f64)),
                ("malformed", Arg::N(s.malformed as f64)),
                ("notemplate", Arg::N(s.no_template as f64)),
                ("templates", Arg::N(d.template_count() as f64)),
                ("other", Arg::N(not_udp as f64)),
            ]
        )
    );
    if nats.is_none() {
        let st = &feed.stitch;
        crate::note!(
            "iotgate: {}",
            l.ta(
                "collect-pairing",
                &[
                    ("paired", Arg::N(st.paired as f64)),
                    ("alone", Arg::N(st.alone as f64)),
                    ("crowded", Arg::N(st.crowded as f64)),
                ]
            )
        );
    }
    done?;
    if let Some(n) = nats {
        // A replayed capture ends; a socket is only stopped.
        return n.finish(l, m.get_one::<PathBuf>("replay").is_some());
    }
    let Some(session) = session else {
        return Ok(());
    };
    let report = session.finish().report();
    if let (Some(dir), Some(key)) = (
        m.get_one::<PathBuf>("indicators"),
        m.get_one::<PathBuf>("signing-key"),
    ) {
        let key = crate::indicator_args::signing_key(l, key)?;
        let n = crate::indicator_args::write_all(l, dir, &key, &report)?;
        crate::note!(
            "iotgate: {}",
            l.ta(
                "indicator-written",
                &[
                    ("n", Arg::N(n as f64)),
                    ("dir", Arg::S(&dir.display().to_string()))
                ]
            )
        );
    }
    print_out(l, |w| {
        match m.get_one::<String>("format").map(String::as_str) {
            Some("json") => {
                iotgate_explain::model::write_json_pretty(&mut *w, &report.in_language(l))?;
                writeln!(w)
            }
            _ => {
                let text = iotgate_explain::text::render(
                    &report,
                    l,
                    iotgate_explain::text::Style::new(false),
                    8,
                );
                w.write_all(text.as_bytes())
            }
        }
    })
}
