//! The command line, built at run time so that every help text comes from the localisation layer.

use clap::builder::TypedValueParser;
use clap::{value_parser, Arg, ArgAction, Command};
use iotgate_explain::{Arg as Fa, Lang, Localizer};
use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// Finds `--lang X` or `--lang=X` before clap runs, so that help is printed in that language.
pub fn lang_from_args(args: &[OsString]) -> Option<Lang> {
    let mut it = args.iter().map(|a| a.to_string_lossy());
    while let Some(a) = it.next() {
        if a == "--lang" {
            return it.next().and_then(|v| Lang::parse(&v));
        }
        if let Some(v) = a.strip_prefix("--lang=") {
            return Lang::parse(v);
        }
    }
    None
}

/// An optional `--out FILE`, with the help message `help`.
fn out_arg(l: &Localizer, help: &str) -> Arg {
    Arg::new("out")
        .long("out")
        .short('o')
        .value_name("FILE")
        .value_parser(value_parser!(PathBuf))
        .help(l.t(help))
}

/// `--format text|json`, with the help message `help`.
fn format_arg(l: &Localizer, help: &str) -> Arg {
    Arg::new("format")
        .long("format")
        .short('f')
        .value_parser(["text", "json"])
        .default_value("text")
        .help(l.t(help))
}

/// A localised usage error for a value (clap adds its "error:" prefix and the usage line).
fn value_error(cmd: &Command, msg: String) -> clap::Error {
    clap::Error::raw(clap::error::ErrorKind::ValueValidation, format!("{msg}\n")).with_cmd(cmd)
}

/// A capture path: `-` (standard input), a file or a folder. A pipe, socket or device is
/// refused with a message saying to give streams on standard input, where they are read through
/// one bounded buffer (`/dev/zero` would otherwise be read without end, and a pipe cannot be
/// mapped). For a folder, what its scan leaves out (pipes, empty and compressed files, links
/// back into scanned folders...) is said on standard error, once, before the analysis starts.
#[derive(Clone)]
struct CapturePath(Lang);

impl TypedValueParser for CapturePath {
    type Value = PathBuf;

    fn parse_ref(
        &self,
        cmd: &Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<PathBuf, clap::Error> {
        let path = PathBuf::from(value);
        if value == "-" {
            return Ok(path);
        }
        // A path that cannot be read is left to the reader, whose error names it.
        if let Ok(meta) = std::fs::metadata(&path) {
            let l = || Localizer::new(self.0);
            if let Some(kind) = iotgate_sources::FileKind::of(&meta) {
                return Err(value_error(
                    cmd,
                    crate::files::not_regular_text(&l(), &path, kind),
                ));
            }
            if meta.is_dir() {
                let l = l();
                for line in crate::files::scan_notes(&l, &path) {
                    crate::note!("iotgate: {line}");
                }
            }
        }
        Ok(path)
    }
}

/// `--devices N` of the simulator: 1 to [`iotgate_sim::MAX_DEVICES`].
#[derive(Clone)]
struct DeviceCount(Lang);

impl TypedValueParser for DeviceCount {
    type Value = usize;

    fn parse_ref(
        &self,
        cmd: &Command,
        _arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<usize, clap::Error> {
        let text = value.to_string_lossy();
        match text.trim().parse::<usize>() {
            Ok(n) if (1..=iotgate_sim::MAX_DEVICES).contains(&n) => Ok(n),
            _ => {
                let l = Localizer::new(self.0);
                let msg = l.ta(
                    "sim-too-many-devices",
                    &[
                        ("value", Fa::S(&text)),
                        ("max", Fa::N(iotgate_sim::MAX_DEVICES as f64)),
                    ],
                );
                Err(value_error(cmd, msg))
            }
        }
    }
}

/// The captures to read and how: shared by `analyze` and `mud audit`.
fn capture_args(l: &Localizer) -> Vec<Arg> {
    vec![
        Arg::new("captures")
            .value_name("CAPTURE")
            .num_args(1..)
            .required_unless_present("interface")
            .value_parser(CapturePath(l.lang()))
            .help(l.t("cli-captures")),
        Arg::new("interface")
            .long("interface")
            .short('i')
            .value_name("IFACE")
            .conflicts_with("captures")
            .help(l.t("cli-interface")),
        Arg::new("duration")
            .long("duration")
            .value_name("TIME")
            .help(l.t("cli-duration")),
        format_arg(l, "cli-format"),
        Arg::new("max-flows")
            .long("max-flows")
            .value_name("N")
            .default_value("262144")
            .value_parser(value_parser!(u32).range(1024..))
            .help(l.t("cli-max-flows")),
        Arg::new("threads")
            .long("threads")
            .value_name("N")
            .value_parser(value_parser!(u8).range(1..=2))
            .help(l.t("cli-threads")),
        Arg::new("progress")
            .long("progress")
            .value_parser(["auto", "always", "never"])
            .default_value("auto")
            .help(l.t("cli-progress")),
    ]
}

/// Profiles to audit against and the controllers they name.
fn mud_args(l: &Localizer, profile_help: &str) -> Vec<Arg> {
    vec![
        Arg::new("mud")
            .long("mud")
            .value_name("MAC=FILE")
            .action(ArgAction::Append)
            .help(l.t(profile_help)),
        Arg::new("mud-cache")
            .long("mud-cache")
            .value_name("DIR")
            .value_parser(value_parser!(PathBuf))
            .help(l.t("cli-mud-cache")),
        Arg::new("fetch")
            .long("fetch")
            .action(ArgAction::SetTrue)
            .requires("mud-cache")
            .requires("trust")
            .help(l.t("cli-mud-fetch-flag")),
        Arg::new("trust")
            .long("trust")
            .value_name("CA.pem")
            .value_parser(value_parser!(PathBuf))
            .help(l.t("cli-mud-fetch-trust")),
        Arg::new("tls-roots")
            .long("tls-roots")
            .value_name("PEM")
            .value_parser(value_parser!(PathBuf))
            .help(l.t("cli-mud-tls-roots")),
        Arg::new("controller")
            .long("controller")
            .value_name("URI=ADDRESS")
            .action(ArgAction::Append)
            .help(l.t("cli-mud-controller")),
    ]
}

/// Devices, profiles, addresses and controllers for `mud nft` and `mud enforce`.
fn enforce_args(l: &Localizer) -> Vec<Arg> {
    vec![
        Arg::new("mud")
            .long("mud")
            .value_name("MAC=FILE")
            .action(ArgAction::Append)
            .required(true)
            .help(l.t("cli-mud-profile")),
        Arg::new("addr")
            .long("addr")
            .value_name("MAC=ADDRESS")
            .action(ArgAction::Append)
            .help(l.t("cli-mud-addr")),
        Arg::new("controller")
            .long("controller")
            .value_name("URI=ADDRESS")
            .action(ArgAction::Append)
            .help(l.t("cli-mud-controller")),
    ]
}

/// `--devices N`, shared by `simulate` and `evaluate`.
fn devices_arg(l: &Localizer) -> Arg {
    Arg::new("devices")
        .long("devices")
        .value_name("N")
        .default_value("10")
        .value_parser(DeviceCount(l.lang()))
        .help(l.t("cli-devices"))
}

/// The whole command tree with localised help.
pub fn command(l: &Localizer) -> Command {
    let lang = Arg::new("lang")
        .long("lang")
        .global(true)
        .value_name("en|fr")
        .value_parser(["en", "fr"])
        .help(l.t("cli-lang"));
    Command::new("iotgate")
        .version(env!("CARGO_PKG_VERSION"))
        .about(l.t("cli-about"))
        .long_about(l.t("cli-long"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(lang)
        .subcommand(
            Command::new("analyze")
                .about(l.t("cli-analyze"))
                .long_about(l.t("cli-analyze-long"))
                .args(capture_args(l))
                .arg(
                    Arg::new("html")
                        .long("html")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-html")),
                )
                .arg(
                    Arg::new("peers")
                        .long("peers")
                        .value_name("N")
                        .default_value("8")
                        .value_parser(value_parser!(usize))
                        .help(l.t("cli-peers")),
                )
                .arg(
                    Arg::new("indicator")
                        .long("indicator")
                        .value_name("FILE")
                        .requires("indicator-key")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-analyze-indicator")),
                )
                .arg(
                    Arg::new("indicator-key")
                        .long("indicator-key")
                        .value_name("KEY")
                        .requires("indicator")
                        .help(l.t("cli-analyze-indicator-key")),
                )
                .args(mud_args(l, "cli-analyze-mud"))
                .args(detect_args(l)),
        )
        .subcommand(
            Command::new("evaluate")
                .about(l.t("cli-evaluate"))
                .long_about(l.t("cli-evaluate-long"))
                .arg(
                    Arg::new("seeds")
                        .long("seeds")
                        .value_name("S,S,...")
                        .default_value("1,2,3")
                        .value_delimiter(',')
                        .value_parser(value_parser!(u64))
                        .help(l.t("cli-eval-seeds")),
                )
                .arg(
                    Arg::new("packets")
                        .long("packets")
                        .value_name("N")
                        .default_value("400000")
                        .value_parser(value_parser!(u64).range(10_000..))
                        .help(l.t("cli-eval-packets")),
                )
                .arg(devices_arg(l))
                .arg(
                    Arg::new("corpus")
                        .long("corpus")
                        .value_name("DIR")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-eval-corpus")),
                )
                .arg(
                    Arg::new("netflow")
                        .long("netflow")
                        .value_name("FORMAT")
                        .value_parser(["v9", "ipfix"])
                        .conflicts_with("corpus")
                        .help(l.t("cli-eval-netflow")),
                )
                .arg(
                    Arg::new("subscribers")
                        .long("subscribers")
                        .value_name("N")
                        .default_value("50")
                        .requires("netflow")
                        .value_parser(value_parser!(u64).range(5..=10_000))
                        .help(l.t("cli-sim-subscribers")),
                ),
        )
        .subcommand(
            Command::new("simulate")
                .about(l.t("cli-simulate"))
                .long_about(l.t("cli-simulate-long"))
                .arg(
                    Arg::new("out")
                        .long("out")
                        .short('o')
                        .value_name("FILE")
                        .required(true)
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-out")),
                )
                .arg(devices_arg(l))
                .arg(
                    Arg::new("packets")
                        .long("packets")
                        .value_name("N")
                        .default_value("100000")
                        .value_parser(value_parser!(u64))
                        .help(l.t("cli-packets")),
                )
                .arg(
                    Arg::new("seed")
                        .long("seed")
                        .value_name("S")
                        .default_value("1")
                        .value_parser(value_parser!(u64))
                        .help(l.t("cli-seed")),
                )
                .arg(
                    Arg::new("infected")
                        .long("infected")
                        .value_name("N")
                        .default_value("1")
                        .value_parser(value_parser!(usize))
                        .help(l.t("cli-infected")),
                )
                .arg(
                    Arg::new("stealthy")
                        .long("stealthy")
                        .value_name("N")
                        .default_value("0")
                        .value_parser(value_parser!(usize))
                        .help(l.t("cli-stealthy")),
                )
                .arg(
                    Arg::new("flood")
                        .long("flood")
                        .action(ArgAction::SetTrue)
                        .help(l.t("cli-flood")),
                )
                .arg(
                    Arg::new("netflow")
                        .long("netflow")
                        .value_name("FORMAT")
                        .value_parser(["v9", "ipfix"])
                        .conflicts_with("stress")
                        .help(l.t("cli-sim-netflow")),
                )
                .arg(
                    Arg::new("subscribers")
                        .long("subscribers")
                        .value_name("N")
                        .default_value("50")
                        .requires("netflow")
                        .value_parser(value_parser!(usize))
                        .help(l.t("cli-sim-subscribers")),
                )
                .arg(
                    Arg::new("stress")
                        .long("stress")
                        .value_parser(["random-scan", "spoofed-syn-flood"])
                        .help(l.t("cli-stress")),
                )
                .arg(
                    Arg::new("truth")
                        .long("truth")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-truth")),
                ),
        )
        .subcommand(
            Command::new("mud")
                .about(l.t("cli-mud"))
                .long_about(l.t("cli-mud-long"))
                .subcommand_required(true)
                .arg_required_else_help(true)
                .subcommand(
                    Command::new("audit")
                        .about(l.t("cli-mud-audit"))
                        .long_about(l.t("cli-mud-audit-long"))
                        .args(capture_args(l))
                        .args(mud_args(l, "cli-mud-profile")),
                )
                .subcommand(
                    Command::new("learn")
                        .about(l.t("cli-mud-learn"))
                        .long_about(l.t("cli-mud-learn-long"))
                        .args(capture_args(l))
                        .arg(
                            Arg::new("device")
                                .long("device")
                                .short('d')
                                .value_name("MAC")
                                .required(true)
                                .help(l.t("cli-mud-device")),
                        )
                        .arg(
                            Arg::new("url")
                                .long("url")
                                .value_name("URL")
                                .help(l.t("cli-mud-url")),
                        )
                        .arg(
                            Arg::new("systeminfo")
                                .long("systeminfo")
                                .value_name("TEXT")
                                .help(l.t("cli-mud-systeminfo")),
                        )
                        .arg(out_arg(l, "cli-mud-out")),
                )
                .subcommand(
                    Command::new("fetch")
                        .about(l.t("cli-mud-fetch"))
                        .long_about(l.t("cli-mud-fetch-long"))
                        .arg(
                            Arg::new("urls")
                                .value_name("URL")
                                .num_args(1..)
                                .required(true)
                                .help(l.t("cli-mud-urls")),
                        )
                        .arg(
                            Arg::new("cache")
                                .long("cache")
                                .value_name("DIR")
                                .required(true)
                                .value_parser(value_parser!(PathBuf))
                                .help(l.t("cli-mud-cache-dir")),
                        )
                        .arg(
                            Arg::new("trust")
                                .long("trust")
                                .value_name("CA.pem")
                                .required(true)
                                .value_parser(value_parser!(PathBuf))
                                .help(l.t("cli-mud-fetch-trust")),
                        )
                        .arg(
                            Arg::new("tls-roots")
                                .long("tls-roots")
                                .value_name("PEM")
                                .value_parser(value_parser!(PathBuf))
                                .help(l.t("cli-mud-tls-roots")),
                        )
                        .arg(
                            Arg::new("force")
                                .long("force")
                                .action(ArgAction::SetTrue)
                                .help(l.t("cli-mud-force")),
                        ),
                )
                .subcommand(
                    Command::new("nft")
                        .about(l.t("cli-mud-nft"))
                        .long_about(l.t("cli-mud-nft-long"))
                        .args(enforce_args(l))
                        .arg(out_arg(l, "cli-mud-nft-out")),
                )
                .subcommand(
                    Command::new("enforce")
                        .about(l.t("cli-mud-enforce"))
                        .long_about(l.t("cli-mud-enforce-long"))
                        .args(enforce_args(l))
                        .arg(
                            Arg::new("interface")
                                .long("interface")
                                .short('i')
                                .value_name("IF")
                                .required(true)
                                .help(l.t("cli-mud-interface")),
                        )
                        .arg(
                            Arg::new("for")
                                .long("for")
                                .value_name("SECONDS")
                                .value_parser(value_parser!(u64))
                                .help(l.t("cli-mud-for")),
                        ),
                )
                .subcommand(
                    Command::new("check")
                        .about(l.t("cli-mud-check"))
                        .long_about(l.t("cli-mud-check-long"))
                        .arg(
                            Arg::new("files")
                                .value_name("FILE")
                                .num_args(1..)
                                .required(true)
                                .value_parser(value_parser!(PathBuf))
                                .help(l.t("cli-mud-files")),
                        )
                        .arg(format_arg(l, "cli-mud-format"))
                        .arg(
                            Arg::new("trust")
                                .long("trust")
                                .value_name("CA.pem")
                                .value_parser(value_parser!(PathBuf))
                                .help(l.t("cli-mud-trust")),
                        )
                        .arg(
                            Arg::new("signature")
                                .long("signature")
                                .value_name("FILE.p7s")
                                .requires("trust")
                                .value_parser(value_parser!(PathBuf))
                                .help(l.t("cli-mud-signature")),
                        ),
                ),
        )
        .subcommand(
            Command::new("label")
                .about(l.t("cli-label-about"))
                .long_about(l.t("cli-label-long"))
                .arg(
                    Arg::new("capture")
                        .long("capture")
                        .short('c')
                        .value_name("FILE")
                        .action(ArgAction::Append)
                        .value_parser(CapturePath(l.lang()))
                        .required_unless_present("checklist")
                        .help(l.t("cli-label-capture")),
                )
                .arg(
                    Arg::new("device")
                        .long("device")
                        .short('d')
                        .value_name("MAC")
                        .required_unless_present("checklist")
                        .help(l.t("cli-label-device")),
                )
                .arg(
                    Arg::new("declaration")
                        .long("declaration")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-label-declaration")),
                )
                .arg(
                    Arg::new("probe")
                        .long("probe")
                        .value_name("ADDRESS")
                        .help(l.t("cli-label-probe")),
                )
                .arg(rate_arg(l))
                .arg(
                    Arg::new("mud")
                        .long("mud")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-label-mud")),
                )
                .arg(
                    Arg::new("svg")
                        .long("svg")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-label-svg")),
                )
                .arg(
                    Arg::new("html")
                        .long("html")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-label-html")),
                )
                .arg(
                    Arg::new("url")
                        .long("url")
                        .value_name("URL")
                        .help(l.t("cli-label-url")),
                )
                .arg(
                    Arg::new("date")
                        .long("date")
                        .value_name("YYYY-MM-DD")
                        .help(l.t("cli-label-date")),
                )
                .arg(format_arg(l, "cli-label-format"))
                .arg(
                    Arg::new("all")
                        .long("all")
                        .action(ArgAction::SetTrue)
                        .help(l.t("cli-label-all")),
                )
                .arg(
                    Arg::new("checklist")
                        .long("checklist")
                        .action(ArgAction::SetTrue)
                        .help(l.t("cli-label-checklist")),
                ),
        )
        .subcommand(
            Command::new("collect")
                .about(l.t("cli-collect-about"))
                .long_about(l.t("cli-collect-long"))
                .subcommand_negates_reqs(true)
                .args_conflicts_with_subcommands(true)
                .subcommand(
                    Command::new("worker")
                        .about(l.t("cli-worker-about"))
                        .long_about(l.t("cli-worker-long"))
                        .arg(nats_arg(l).required(true))
                        .arg(partitions_arg(l))
                        .arg(
                            Arg::new("take")
                                .long("take")
                                .value_name("P,P,...")
                                .value_delimiter(',')
                                .value_parser(value_parser!(u32))
                                .help(l.t("cli-worker-take")),
                        )
                        .arg(
                            Arg::new("until-idle")
                                .long("until-idle")
                                .value_name("SECONDS")
                                .value_parser(value_parser!(u64))
                                .help(l.t("cli-worker-until-idle")),
                        )
                        .arg(
                            Arg::new("metrics")
                                .long("metrics")
                                .value_name("ADDR:PORT")
                                .help(l.t("cli-worker-metrics")),
                        )
                        .arg(
                            Arg::new("subscribers")
                                .long("subscribers")
                                .value_name("FILE")
                                .value_parser(value_parser!(PathBuf))
                                .conflicts_with("customers")
                                .help(l.t("cli-collect-subscribers")),
                        )
                        .arg(
                            Arg::new("customers")
                                .long("customers")
                                .value_name("PREFIX,...")
                                .help(l.t("cli-collect-customers")),
                        )
                        .args(detect_args(l)),
                )
                .arg(nats_arg(l).conflicts_with_all(["records", "indicators"]))
                .arg(partitions_arg(l))
                .arg(
                    Arg::new("replicas")
                        .long("replicas")
                        .value_name("N")
                        .default_value("3")
                        .value_parser(value_parser!(u64).range(1..=5))
                        .help(l.t("cli-collect-replicas")),
                )
                .arg(
                    Arg::new("retention")
                        .long("retention")
                        .value_name("HOURS")
                        .default_value("24")
                        .value_parser(value_parser!(u64).range(1..=8760))
                        .requires("nats")
                        .help(l.t("cli-collect-retention")),
                )
                .group(
                    clap::ArgGroup::new("exports")
                        .args(["replay", "listen"])
                        .required(true),
                )
                .arg(
                    Arg::new("replay")
                        .long("replay")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-collect-replay")),
                )
                .arg(
                    Arg::new("listen")
                        .long("listen")
                        .value_name("udp://ADDR:PORT")
                        .help(l.t("cli-collect-listen")),
                )
                .arg(
                    Arg::new("rcvbuf")
                        .long("rcvbuf")
                        .value_name("BYTES")
                        .requires("listen")
                        .value_parser(value_parser!(u32))
                        .help(l.t("cli-collect-rcvbuf")),
                )
                .arg(
                    Arg::new("sockets")
                        .long("sockets")
                        .value_name("N")
                        .requires("listen")
                        .default_value("1")
                        .value_parser(value_parser!(u32).range(1..=64))
                        .help(l.t("cli-collect-sockets")),
                )
                .arg(
                    Arg::new("metrics")
                        .long("metrics")
                        .value_name("ADDR:PORT")
                        .requires("listen")
                        .help(l.t("cli-collect-metrics")),
                )
                .arg(
                    Arg::new("for")
                        .long("for")
                        .value_name("SECONDS")
                        .requires("listen")
                        .value_parser(value_parser!(u64))
                        .help(l.t("cli-collect-for")),
                )
                .arg(
                    Arg::new("records")
                        .long("records")
                        .value_name("FORMAT")
                        .value_parser(["json"])
                        .help(l.t("cli-collect-records")),
                )
                .arg(
                    Arg::new("format")
                        .long("format")
                        .value_name("FORMAT")
                        .value_parser(["text", "json"])
                        .help(l.t("cli-collect-format")),
                )
                .arg(
                    Arg::new("subscribers")
                        .long("subscribers")
                        .value_name("FILE")
                        .value_parser(value_parser!(PathBuf))
                        .conflicts_with("customers")
                        .help(l.t("cli-collect-subscribers")),
                )
                .arg(
                    Arg::new("customers")
                        .long("customers")
                        .value_name("PREFIX,...")
                        .help(l.t("cli-collect-customers")),
                )
                .arg(
                    Arg::new("peers")
                        .long("peers")
                        .value_name("N")
                        .default_value("0")
                        .conflicts_with_all(["nats", "records"])
                        .value_parser(value_parser!(u64).range(0..=65_536))
                        .help(l.t("cli-collect-peers")),
                )
                .arg(
                    Arg::new("indicators")
                        .long("indicators")
                        .value_name("DIR")
                        .requires("signing-key")
                        .conflicts_with("records")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-collect-indicators")),
                )
                .arg(
                    Arg::new("signing-key")
                        .long("signing-key")
                        .value_name("FILE")
                        .requires("indicators")
                        .value_parser(value_parser!(PathBuf))
                        .help(l.t("cli-collect-signing-key")),
                )
                .args(detect_args(l)),
        )
        .subcommand(
            Command::new("serve")
                .about(l.t("cli-serve-about"))
                .long_about(l.t("cli-serve-long"))
                .group(
                    clap::ArgGroup::new("source")
                        .args(["interface", "replay", "demo"])
                        .required(true),
                )
                .arg(
                    Arg::new("interface")
                        .short('i')
                        .long("interface")
                        .value_name("IFACE")
                        .help(l.t("cli-serve-interface")),
                )
                .arg(
                    Arg::new("replay")
                        .long("replay")
                        .value_name("FILE")
                        .value_parser(value_parser!(std::path::PathBuf))
                        .help(l.t("cli-serve-replay")),
                )
                .arg(
                    Arg::new("demo")
                        .long("demo")
                        .action(ArgAction::SetTrue)
                        .help(l.t("cli-serve-demo")),
                )
                .arg(
                    Arg::new("speed")
                        .long("speed")
                        .value_name("N")
                        .default_value("1")
                        .value_parser(value_parser!(f64))
                        .help(l.t("cli-serve-speed")),
                )
                .arg(db_arg(l))
                .arg(
                    Arg::new("listen")
                        .long("listen")
                        .value_name("ADDR")
                        .default_value("127.0.0.1:8080")
                        .value_parser(value_parser!(std::net::SocketAddr))
                        .help(l.t("cli-serve-listen")),
                )
                .arg(
                    Arg::new("retention")
                        .long("retention")
                        .value_name("DAYS")
                        .default_value("30")
                        .value_parser(value_parser!(u64).range(1..=3650))
                        .help(l.t("cli-serve-retention")),
                )
                .arg(
                    Arg::new("webhook")
                        .long("webhook")
                        .value_name("URL")
                        .help(l.t("cli-serve-webhook")),
                )
                .arg(
                    Arg::new("secure-cookies")
                        .long("secure-cookies")
                        .action(ArgAction::SetTrue)
                        .help(l.t("cli-serve-secure-cookies")),
                )
                .args(detect_args(l))
                .arg(
                    Arg::new("enforce")
                        .long("enforce")
                        .action(ArgAction::SetTrue)
                        .requires("interface")
                        .help(l.t("cli-serve-enforce")),
                ),
        )
        .subcommand(
            Command::new("user")
                .about(l.t("cli-user-about"))
                .subcommand_required(true)
                .subcommand(
                    Command::new("add")
                        .about(l.t("cli-user-add-about"))
                        .long_about(l.t("cli-user-add-long"))
                        .arg(
                            Arg::new("name")
                                .value_name("NAME")
                                .required(true)
                                .help(l.t("cli-user-name")),
                        )
                        .arg(db_arg(l))
                        .arg(
                            Arg::new("user-lang")
                                .long("user-lang")
                                .value_name("LANG")
                                .default_value("en")
                                .value_parser(["en", "fr"])
                                .help(l.t("cli-user-lang")),
                        ),
                ),
        )
        .subcommand(
            Command::new("token")
                .about(l.t("cli-token-about"))
                .subcommand_required(true)
                .subcommand(
                    Command::new("create")
                        .about(l.t("cli-token-create-about"))
                        .arg(db_arg(l))
                        .arg(
                            Arg::new("name")
                                .long("name")
                                .value_name("NAME")
                                .default_value("api")
                                .help(l.t("cli-token-name")),
                        ),
                ),
        )
        .subcommand(
            Command::new("probe")
                .about(l.t("cli-probe-about"))
                .long_about(l.t("cli-probe-long"))
                .arg(
                    Arg::new("address")
                        .value_name("ADDRESS")
                        .required(true)
                        .help(l.t("cli-probe-address")),
                )
                .arg(rate_arg(l))
                .arg(format_arg(l, "cli-label-format")),
        )
}

/// `--db PATH`: the gateway's database.
fn db_arg(l: &Localizer) -> Arg {
    Arg::new("db")
        .long("db")
        .value_name("PATH")
        .value_parser(value_parser!(std::path::PathBuf))
        .help(l.t("cli-serve-db"))
}

/// `--rate N`: new connections per second during a probe.
fn rate_arg(l: &Localizer) -> Arg {
    Arg::new("rate")
        .long("rate")
        .value_name("N")
        .default_value("10")
        .value_parser(value_parser!(u32).range(1..=100))
        .help(l.t("cli-probe-rate"))
}

/// `--detect NAME=VALUE|off` and `--blocklist FILE`: the detectors' thresholds and blocklists
/// (`analyze` and `serve`).
fn detect_args(l: &Localizer) -> [Arg; 2] {
    [
        Arg::new("detect")
            .long("detect")
            .value_name("NAME=VALUE|off")
            .action(ArgAction::Append)
            .help(l.t("cli-detect"))
            .long_help(crate::detect_args::detect_help(l)),
        Arg::new("blocklist")
            .long("blocklist")
            .value_name("FILE")
            .action(ArgAction::Append)
            .value_parser(value_parser!(PathBuf))
            .help(l.t("cli-blocklist")),
    ]
}

/// `--nats URL,...`: the NATS servers of the cluster.
fn nats_arg(l: &Localizer) -> Arg {
    Arg::new("nats")
        .long("nats")
        .value_name("URL,...")
        .help(l.t("cli-collect-nats"))
}

/// `--partitions N`: how records are split between workers (the same for collectors and
/// workers).
fn partitions_arg(l: &Localizer) -> Arg {
    Arg::new("partitions")
        .long("partitions")
        .value_name("N")
        .default_value("8")
        .value_parser(value_parser!(u32).range(1..=1024))
        .help(l.t("cli-collect-partitions"))
}
