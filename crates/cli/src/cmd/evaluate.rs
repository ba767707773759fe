//! `iotgate evaluate`: the detectors scored against simulated captures with planted attacks.

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::Localizer;

/// Runs `iotgate evaluate`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    use iotgate::evaluate::{evaluate, table, Plan};
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
