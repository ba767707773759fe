//! The detectors on the labelled corpus of real attacks (`../shared/data/attacks`), scored by
//! `iotgate evaluate --corpus`: what is found today must stay found, and captures free of false
//! alarms must stay free of them (the lists only grow, until every capture is in both).

mod common;

use iotgate::corpus::{evaluate_corpus, tally, Expect};

/// Captures whose expected alert is found today.
const FOUND: &[&str] = &[
    "scan-nmap-syn-1000-ports.pcapng",
    "scan-nmap-os-fingerprint.pcapng",
    "scan-nmap-port80-aggressive.pcap",
    "scan-small-29-ports.pcap",
    "scan-arp-sweep.pcap",
    "scan-masscan-tcp.pcap",
    "scan-nmap-sS.pcap",
    "scan-nmap-sT.pcap",
    "scan-nmap-sU.pcap",
    "scan-nmap-sX.pcap",
    "scan-nmap-sF.pcap",
    "scan-nmap-sV.pcap",
    "scan-xscan-vulnerability.pcap",
    "scan-home-router-10000-ports.pcapng",
    "brute-ssh-hydra-1-task.pcap",
    "brute-ssh-medusa.pcap",
    "brute-ssh-ncrack-sneaky.pcap",
    "brute-ftp-wordlist.pcap",
    "c2-rat-keepalive.pcapng",
    "c2-http-post-bare-ip.pcap",
    "c2-dns-txt.pcap",
    "c2-icmp-tunnel.pcap",
];

/// Captures with expected alerts or benign ones that raise no false alarm of medium or worse
/// today.
const NO_FALSE_ALARM: &[&str] = &[
    "scan-nmap-syn-1000-ports.pcapng",
    "scan-nmap-os-fingerprint.pcapng",
    "scan-masscan-tcp.pcap",
    "scan-nmap-port80-aggressive.pcap",
    "scan-nmap-sS.pcap",
    "scan-nmap-sT.pcap",
    "scan-nmap-sU.pcap",
    "scan-nmap-sX.pcap",
    "scan-nmap-sF.pcap",
    "scan-nmap-sV.pcap",
    "scan-xscan-vulnerability.pcap",
    "scan-small-29-ports.pcap",
    "scan-home-router-10000-ports.pcapng",
    "scan-arp-sweep.pcap",
    "brute-ssh-hydra-1-task.pcap",
    "brute-ssh-medusa.pcap",
    "brute-ssh-ncrack-sneaky.pcap",
    "brute-ftp-wordlist.pcap",
    "c2-rat-keepalive.pcapng",
    "c2-http-post-bare-ip.pcap",
    "c2-dns-txt.pcap",
    "c2-icmp-tunnel.pcap",
    "benign-blink-camera-week.pcap",
    "benign-schlage-lock-week.pcap",
    "benign-sifely-hub-week.pcap",
];

#[test]
fn the_attack_corpus_does_not_regress() {
    let dir = common::data().join("attacks");
    let l = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
    let verdicts = evaluate_corpus(&l, &dir, |_, _| {}).expect("the corpus is readable");
    assert!(verdicts.len() >= 27, "{} captures", verdicts.len());
    let table = iotgate::corpus::corpus_table(&l, &dir, &verdicts);
    for v in &verdicts {
        let f = v.case.file.as_str();
        if FOUND.contains(&f) {
            assert!(v.found, "{f} is no longer found:\n{table}");
        }
        if NO_FALSE_ALARM.contains(&f) {
            assert!(
                v.false_alarms.is_empty(),
                "{f} raises a false alarm:\n{table}"
            );
        }
        // Benign captures never have an expected alert to find.
        if v.case.expect == Expect::None {
            assert!(!v.found);
        }
    }
    let t = tally(&verdicts);
    assert_eq!(t["none"].captures, 3, "{table}");
    let found: usize = t.values().map(|x| x.found).sum();
    assert!(found >= FOUND.len(), "{table}");
    // Every judged attack is found and no capture raises a false alarm (the acceptance of the
    // detection work; the lists above say which capture broke).
    let missed: usize = t.values().map(|x| x.missed).sum();
    let false_alarms: usize = t.values().map(|x| x.false_alarms).sum();
    assert_eq!((missed, false_alarms), (0, 0), "{table}");
}

#[test]
fn a_bad_expected_list_is_located() {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-corpus-")
        .tempdir()
        .unwrap();
    std::fs::write(
        dir.path().join("expected.tsv"),
        "file\texpect\tattacker\tvictim\nx.pcap\tScan!\ta\tb\n",
    )
    .unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(["--lang", "en", "evaluate", "--corpus"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("expected.tsv, line 2") && err.contains("'Scan!' is not an alert kind"),
        "{err}"
    );
}
