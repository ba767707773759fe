//! `iotgate evaluate`: the detectors scored against simulated captures with planted attacks, or
//! (`--corpus DIR`) against a labelled corpus of real captures.

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::Localizer;

/// Runs `iotgate evaluate`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    use iotgate::evaluate::{evaluate, table, Plan};
    if let Some(dir) = m.get_one::<std::path::PathBuf>("corpus") {
        let verdicts =
            iotgate::corpus::evaluate_corpus(l, dir, |_, _| {}).map_err(Failure::failed)?;
        return print_str(l, &iotgate::corpus::corpus_table(l, dir, &verdicts));
    }
    if let Some(format) = m.get_one::<String>("netflow") {
        use iotgate::evaluate::{evaluate_flows, flow_table, FlowPlan};
        let plan = FlowPlan {
            seeds: m
                .get_many::<u64>("seeds")
                .map(|v| v.copied().collect())
                .unwrap_or_default(),
            subscribers: *m.get_one::<u64>("subscribers").unwrap_or(&50) as usize,
            // Per home: the packet default is a whole network's.
            packets: m
                .get_one::<u64>("packets")
                .filter(|_| {
                    m.value_source("packets") == Some(clap::parser::ValueSource::CommandLine)
                })
                .copied()
                .unwrap_or(60_000),
            devices: m
                .get_one::<usize>("devices")
                .filter(|_| {
                    m.value_source("devices") == Some(clap::parser::ValueSource::CommandLine)
                })
                .copied()
                .unwrap_or(6),
            format: if format == "v9" {
                iotgate_flows::export::Format::V9
            } else {
                iotgate_flows::export::Format::Ipfix
            },
        };
        let scores = evaluate_flows(l, &plan).map_err(Failure::failed)?;
        return print_str(l, &flow_table(l, &plan, &scores));
    }
    let plan = Plan {
        seeds: m
            .get_many::<u64>("seeds")
            .map(|v| v.copied().collect())
            .unwrap_or_default(),
        packets: *m.get_one::<u64>("packets").unwrap_or(&400_000),
        devices: *m.get_one::<usize>("devices").unwrap_or(&10),
    };
    let scores = evaluate(l, &plan).map_err(Failure::failed)?;
    print_str(l, &table(l, &plan, &scores))
}
