//! `iotgate collect` (issue 18, under way): flow exports read from a capture of export packets
//! (`--replay`), decoded by `iotgate_flows`, and either printed one JSON object per record in
//! arrival order (`--records json`), or run through the detectors as the packet path's flows
//! are (the engine's `Session` takes records) and reported like `analyze`; what could not be
//! read is counted and said on standard error.

use crate::failure::{print_out, Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_flows::{Decoder, Record};
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

/// Runs `iotgate collect`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let path = m
        .get_one::<PathBuf>("replay")
        .cloned()
        .ok_or_else(|| Failure::status(2))?;
    let cap = Capture::open(&path)
        .map_err(|e| Failure::failed(iotgate_explain::source_error_text(l, &e)))?;
    let mut reader = cap
        .reader()
        .map_err(|e| Failure::failed(format!("{}: {e}", path.display())))?;
    let print = m.get_one::<String>("records").is_some();
    let detect = crate::detect_args::detectors_from_args(l, m).map_err(Failure::usage)?;
    let mut session = (!print).then(|| {
        iotgate_pipeline::Session::new(iotgate_pipeline::SessionConfig {
            detect,
            ..iotgate_pipeline::SessionConfig::default()
        })
    });
    let mut d = Decoder::new();
    let mut out: Vec<Record> = Vec::new();
    let mut not_udp = 0u64;
    let done = print_out(l, |w| {
        while let Some(p) = reader.next_packet() {
            let Ok(pkt) = iotgate_wire::decode(p.linktype, p.data) else {
                not_udp += 1;
                continue;
            };
            let (iotgate_wire::L3::Ip(ip), iotgate_wire::L4::Udp(u)) = (pkt.l3, pkt.l4) else {
                not_udp += 1;
                continue;
            };
            out.clear();
            d.decode(ip.src, u.payload, &mut out);
            if print {
                for r in &out {
                    serde_json::to_writer(&mut *w, &json(r))?;
                    w.write_all(b"\n")?;
                }
            }
            if let Some(s) = session.as_mut() {
                for r in &out {
                    s.push_record(&flow_record(r));
                }
            }
        }
        Ok(())
    });
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
    done?;
    let Some(session) = session else {
        return Ok(());
    };
    let report = session.finish().report();
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

/// A decoded record as the engine takes it: one direction (NetFlow and IPFIX records are
/// unidirectional unless the exporter says otherwise), with the MACs when the exporter gave
/// them (a home router's IPFIX; an ISP's exports have none: the home is behind NAT).
fn flow_record(r: &Record) -> iotgate_observe::record::FlowRecord {
    let ns = |ms: Option<i64>| ms.unwrap_or(0).saturating_mul(1_000_000);
    iotgate_observe::record::FlowRecord {
        src: r.src,
        dst: r.dst,
        sport: r.sport,
        dport: r.dport,
        proto: r.proto,
        packets: [r.packets.unwrap_or(0), 0],
        bytes: [r.bytes.unwrap_or(0), 0],
        tcp_flags: [r.tcp_flags, 0],
        start_ns: ns(r.start_ms),
        end_ns: ns(r.end_ms.or(r.start_ms)),
        src_mac: r.src_mac.map(iotgate_wire::Mac),
        dst_mac: r.dst_mac.map(iotgate_wire::Mac),
    }
}
