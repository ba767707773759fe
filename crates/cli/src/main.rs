//! The `iotgate` command: wires sources → wire → observe → judge → explain, and the simulator.

mod analyze;
mod cli;
mod detect;
mod enforce;
mod fetch;
mod label;
mod mud;
mod probe;

use iotgate_explain::{write_error, Arg, Lang, Localizer};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang_from_args(&args).unwrap_or_else(Lang::from_env);
    let l = Localizer::new(lang);
    let matches = match cli::command(&l).try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match matches.subcommand() {
        Some(("analyze", m)) => analyze::run(&l, m, analyze::Mode::Analyze),
        Some(("simulate", m)) => simulate(&l, m),
        Some(("evaluate", m)) => evaluate(&l, m),
        Some(("mud", m)) => mud::run(&l, m),
        Some(("label", m)) => label::run(&l, m),
        Some(("probe", m)) => probe::run(&l, m),
        _ => 2,
    };
    ExitCode::from(code)
}

fn evaluate(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    use iotgate::evaluate::{evaluate, table, Plan};
    let plan = Plan {
        seeds: m
            .get_many::<u64>("seeds")
            .map(|v| v.copied().collect())
            .unwrap_or_default(),
        packets: *m.get_one::<u64>("packets").unwrap_or(&400_000),
        devices: *m.get_one::<usize>("devices").unwrap_or(&10),
    };
    match evaluate(l, &plan) {
        Ok(scores) => {
            print!("{}", table(l, &plan, &scores));
            0
        }
        Err(e) => {
            eprintln!("iotgate: {e}");
            1
        }
    }
}

fn simulate(l: &Localizer, m: &clap::ArgMatches) -> u8 {
    let out: &std::path::PathBuf = m.get_one("out").expect("required by clap");
    let opts = iotgate_sim::Options {
        devices: *m.get_one::<usize>("devices").unwrap_or(&10),
        packets: *m.get_one::<u64>("packets").unwrap_or(&100_000),
        seed: *m.get_one::<u64>("seed").unwrap_or(&1),
        infected: *m.get_one::<usize>("infected").unwrap_or(&1),
        flood: m.get_flag("flood"),
    };
    let truth_path = m
        .get_one::<std::path::PathBuf>("truth")
        .cloned()
        .unwrap_or_else(|| iotgate_sim::truth_path_for(out));
    let fail = |p: &std::path::Path, e: &dyn std::fmt::Display| {
        eprintln!("iotgate: {}", write_error(l, &p.display().to_string(), &e));
        1
    };
    let file = match std::fs::File::create(out) {
        Ok(f) => f,
        Err(e) => return fail(out, &e),
    };
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
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
                eprintln!(
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
                0
            }
            Err(e) => fail(out, &e),
        };
    }
    let truth = match iotgate_sim::write(&opts, &mut w) {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    if let Err(e) = std::io::Write::flush(&mut w) {
        return fail(out, &e);
    }
    let json = serde_json::to_string_pretty(&truth).unwrap_or_default();
    if let Err(e) = std::fs::write(&truth_path, json) {
        return fail(&truth_path, &e);
    }
    eprintln!(
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
    0
}
