//! `iotgate probe ADDRESS`: the opt-in active checks of one device, with a warning first.

use crate::failure::{print_json, print_str, Done, Failure};
use iotgate_explain::{Arg, Localizer};
use iotgate_probe::{parse_target, probe, Options, Report, TargetError};
use std::net::IpAddr;

/// Parses `--probe`/ADDRESS, or says why it cannot be probed.
pub fn target(l: &Localizer, s: &str) -> Result<IpAddr, String> {
    parse_target(s).map_err(|e| match e {
        TargetError::Range(t) => l.ta("probe-err-range", &[("target", Arg::S(&t))]),
        TargetError::NotAnAddress(t) => l.ta("probe-err-address", &[("target", Arg::S(&t))]),
        TargetError::NotOneDevice(t) => l.ta("probe-err-not-one", &[("target", Arg::S(&t))]),
    })
}

/// Options from the command line (`--rate`).
pub fn options(m: &clap::ArgMatches) -> Options {
    let mut o = Options::default();
    if let Some(&r) = m.try_get_one::<u32>("rate").ok().flatten() {
        o.rate = r;
    }
    o
}

/// Warns, then probes `addr`, showing each step on a terminal.
pub fn run_probe(l: &Localizer, addr: IpAddr, o: &Options) -> Report {
    crate::note!(
        "iotgate: {}",
        l.ta(
            "probe-warning",
            &[
                ("address", Arg::S(&addr.to_string())),
                ("ports", Arg::N(o.ports.len() as f64)),
                ("rate", Arg::N(o.rate as f64)),
            ]
        )
    );
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let r = probe(addr, o, |port, step| {
        if tty {
            crate::note_part!(
                "\r\x1b[K{}",
                l.ta(
                    "probe-progress",
                    &[("port", Arg::N(port as f64)), ("step", Arg::S(step))]
                )
            );
        }
    });
    if tty {
        crate::note_part!("\r\x1b[K");
    }
    r
}

/// The probe report for people.
pub fn text(l: &Localizer, r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        l.ta(
            "probe-title",
            &[
                ("address", Arg::S(&r.address)),
                ("attempts", Arg::N(r.attempts as f64)),
            ]
        )
    );
    if r.open.is_empty() {
        let _ = writeln!(s, "  {}", l.t("probe-nothing-open"));
    }
    for o in &r.open {
        let mark = if o.service.risky() { "!" } else { " " };
        let _ = writeln!(
            s,
            "  {mark} {:>5}/tcp  {:<9} {}",
            o.port,
            o.service.name(),
            o.banner.as_deref().unwrap_or("")
        );
    }
    if let Some(a) = &r.accepted {
        let _ = writeln!(
            s,
            "{}",
            l.ta(
                "probe-accepted",
                &[
                    ("service", Arg::S(a.service.name())),
                    ("port", Arg::N(a.port as f64)),
                    ("user", Arg::S(&a.user)),
                ]
            )
        );
    }
    for (list, id) in [
        (&r.anonymous, "probe-anonymous"),
        (&r.refused, "probe-refused"),
    ] {
        for (svc, port) in list {
            let _ = writeln!(
                s,
                "{}",
                l.ta(
                    id,
                    &[
                        ("service", Arg::S(svc.name())),
                        ("port", Arg::N(*port as f64))
                    ]
                )
            );
        }
    }
    s
}

/// Runs `iotgate probe`.
pub fn run(l: &Localizer, m: &clap::ArgMatches) -> Done {
    let Some(a) = m.get_one::<String>("address") else {
        return Err(Failure::usage(l.t("probe-err-none")));
    };
    let addr = target(l, a).map_err(Failure::usage)?;
    let r = run_probe(l, addr, &options(m));
    if m.get_one::<String>("format").map(String::as_str) == Some("json") {
        print_json(l, &r)
    } else {
        print_str(l, &text(l, &r))
    }
}
