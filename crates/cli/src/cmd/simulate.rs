//! `iotgate simulate`: writes a synthetic home-network capture and its ground truth.

use crate::failure::{Done, Failure};
use iotgate_explain::{write_error, Arg, Localizer};

/// Runs `iotgate simulate`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let out: &std::path::PathBuf = m.get_one("out").expect("required by clap");
    let opts = iotgate_sim::Options {
        devices: *m.get_one::<usize>("devices").unwrap_or(&10),
        packets: *m.get_one::<u64>("packets").unwrap_or(&100_000),
        seed: *m.get_one::<u64>("seed").unwrap_or(&1),
        infected: *m.get_one::<usize>("infected").unwrap_or(&1),
        flood: m.get_flag("flood"),
        stealthy: *m.get_one::<usize>("stealthy").unwrap_or(&0),
    };
    let truth_path = m
        .get_one::<std::path::PathBuf>("truth")
        .cloned()
        .unwrap_or_else(|| iotgate_sim::truth_path_for(out));
    let fail = |p: &std::path::Path, e: &dyn std::fmt::Display| {
        Failure::failed(write_error(l, &p.display().to_string(), &e))
    };
    let file = match std::fs::File::create(out) {
        Ok(f) => f,
        Err(e) => return Err(fail(out, &e)),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    if let Some(format) = m.get_one::<String>("netflow") {
        return isp(l, m, &opts, format, out, &truth_path, &mut w);
    }
    if let Some(kind) = m.get_one::<String>("stress") {
        use iotgate_sim::stress::{write_stress, Stress};
        let kind = if kind == "random-scan" {
            Stress::RandomScan
        } else {
            Stress::SpoofedSynFlood
        };
        let done = write_stress(kind, opts.packets, opts.seed, &mut w)
            .and_then(|b| std::io::Write::flush(&mut w).map(|_| b));
        return match done {
            Ok(bytes) => {
                crate::note!(
                    "{}",
                    l.ta(
                        "sim-stress-done",
                        &[
                            ("packets", Arg::N(opts.packets as f64)),
                            ("bytes", Arg::N(bytes as f64)),
                            ("path", Arg::S(&out.display().to_string())),
                        ]
                    )
                );
                Ok(())
            }
            Err(e) => Err(fail(out, &e)),
        };
    }
    let truth = match iotgate_sim::write(&opts, &mut w) {
        Ok(t) => t,
        Err(e) => return Err(fail(out, &e)),
    };
    if let Err(e) = std::io::Write::flush(&mut w) {
        return Err(fail(out, &e));
    }
    let json = serde_json::to_string_pretty(&truth).unwrap_or_default();
    if let Err(e) = std::fs::write(&truth_path, json) {
        return Err(fail(&truth_path, &e));
    }
    crate::note!(
        "{}",
        l.ta(
            "sim-done",
            &[
                ("packets", Arg::N(truth.packets as f64)),
                ("bytes", Arg::N(truth.bytes as f64)),
                ("path", Arg::S(&out.display().to_string())),
                ("truth", Arg::S(&truth_path.display().to_string())),
            ]
        )
    );
    Ok(())
}

/// `simulate --netflow`: an ISP's flow exports, its subscriber map and the ground truth.
fn isp(
    l: &Localizer,
    m: &clap::ArgMatches,
    home: &iotgate_sim::Options,
    format: &str,
    out: &std::path::Path,
    truth_path: &std::path::Path,
    w: &mut std::io::BufWriter<std::fs::File>,
) -> Done {
    use iotgate_flows::export::Format;
    let fail = |p: &std::path::Path, e: &dyn std::fmt::Display| {
        Failure::failed(write_error(l, &p.display().to_string(), &e))
    };
    let opts = iotgate_sim::isp::IspOptions {
        subscribers: *m.get_one::<usize>("subscribers").unwrap_or(&50),
        infected: home.infected,
        stealthy: home.stealthy,
        floods: usize::from(home.flood),
        devices: home.devices,
        packets: home.packets,
        seed: home.seed,
        format: if format == "v9" {
            Format::V9
        } else {
            Format::Ipfix
        },
    };
    let map_path = iotgate_sim::isp::map_path_for(out);
    let mut map = Vec::new();
    let truth = iotgate_sim::isp::write_isp(&opts, w, &mut map)
        .and_then(|t| std::io::Write::flush(w).map(|_| t))
        .map_err(|e| fail(out, &e))?;
    std::fs::write(&map_path, map).map_err(|e| fail(&map_path, &e))?;
    let json = serde_json::to_string_pretty(&truth).unwrap_or_default();
    std::fs::write(truth_path, json).map_err(|e| fail(truth_path, &e))?;
    crate::note!(
        "{}",
        l.ta(
            "sim-isp-done",
            &[
                ("packets", Arg::N(truth.packets as f64)),
                ("records", Arg::N(truth.records as f64)),
                ("homes", Arg::N(truth.subscribers.len() as f64)),
                ("path", Arg::S(&out.display().to_string())),
                ("map", Arg::S(&map_path.display().to_string())),
                ("truth", Arg::S(&truth_path.display().to_string())),
            ]
        )
    );
    Ok(())
}
