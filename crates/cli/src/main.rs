//! The `iotgate` command: parses the command line, runs one subcommand (`cmd/`), and prints its
//! error, if any, once. The work itself is in the library crates (`iotgate-pipeline` and the
//! stages it wires).

mod cli;
mod cmd;
mod detect_args;
mod failure;
mod files;
mod indicator_args;
mod metrics;
mod mud_args;
mod progress;
mod receive;

use failure::Failure;
use iotgate_explain::{Lang, Localizer};
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
    let done = match matches.subcommand() {
        Some(("analyze", m)) => cmd::analyze::run(&l, m, cmd::analyze::Mode::Analyze),
        Some(("simulate", m)) => cmd::simulate::run(&l, m),
        Some(("evaluate", m)) => cmd::evaluate::run(&l, m),
        Some(("mud", m)) => cmd::mud::run(&l, m),
        Some(("label", m)) => cmd::label::run(&l, m),
        Some(("probe", m)) => cmd::probe::run(&l, m),
        Some(("serve", m)) => cmd::serve::run(&l, m),
        Some(("collect", m)) => cmd::collect::run(&l, m),
        Some(("user", m)) => match m.subcommand() {
            Some(("add", m)) => cmd::serve::user_add(&l, m),
            _ => Err(Failure::status(2)),
        },
        Some(("token", m)) => match m.subcommand() {
            Some(("create", m)) => cmd::serve::token_create(&l, m),
            _ => Err(Failure::status(2)),
        },
        _ => Err(Failure::status(2)),
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if let Some(msg) = &f.message {
                crate::note!("iotgate: {msg}");
            }
            ExitCode::from(f.code)
        }
    }
}
