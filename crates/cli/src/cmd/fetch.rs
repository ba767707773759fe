//! `iotgate mud fetch`: retrieves MUD profiles into the cache `--mud-cache` reads (the retrieval
//! and its checks are `iotgate_mud::fetch`), and says what happened to each URL in the reader's
//! language.

use crate::failure::{print_str, Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_mud::fetch::{agent, fetch, Outcome};
use std::path::PathBuf;

/// `iotgate mud fetch URL… --cache DIR --trust CA.pem [--tls-roots PEM] [--force]`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let dir = m.get_one::<PathBuf>("cache").cloned().unwrap_or_default();
    let read = |p: &PathBuf| crate::files::read_file(l, p).map_err(Failure::usage);
    let Some(trust) = m.get_one::<PathBuf>("trust") else {
        return Err(Failure::status(2));
    };
    let anchors = read(trust)?;
    let roots = match m.get_one::<PathBuf>("tls-roots") {
        Some(p) => Some(read(p)?),
        None => None,
    };
    let agent = agent(roots.as_deref())
        .map_err(|e| Failure::usage(l.ta("fetch-tls", &[("error", Arg::S(&e))])))?;
    let mut status = 0;
    let mut text = String::new();
    for url in m.get_many::<String>("urls").into_iter().flatten() {
        let u = Arg::S(url);
        let line = match fetch(&agent, url, &dir, &anchors, m.get_flag("force")) {
            Ok(Outcome::Stored(p)) => l.ta(
                "fetch-stored",
                &[("url", u), ("path", Arg::S(&p.display().to_string()))],
            ),
            Ok(Outcome::Fresh(p)) => l.ta(
                "fetch-fresh",
                &[("url", u), ("path", Arg::S(&p.display().to_string()))],
            ),
            Err(e) => {
                status = 1;
                error_text(l, url, e)
            }
        };
        text.push_str(&line);
        text.push('\n');
    }
    print_str(l, &text)?;
    match status {
        0 => Ok(()),
        n => Err(Failure::status(n)),
    }
}

pub use iotgate_explain::{
    mud_fetch_error_text as error_text, mud_signature_error_text as signature_error_text,
};
