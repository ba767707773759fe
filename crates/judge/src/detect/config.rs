//! Detection thresholds: every one has a default chosen from data (docs/detection.md says
//! which), a name usable with `--detect NAME=VALUE`, and a localised description.

/// The thresholds of every detector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectConfig {
    /// Window over which scan counters accumulate, seconds.
    pub scan_window_s: u32,
    /// Long window for slow scans, seconds: distinct TCP targets on any port accumulate over it.
    pub scan_slow_window_s: u32,
    /// Distinct addresses probed on one port within the window for a horizontal scan.
    pub scan_targets: u32,
    /// Distinct ports probed on one host within the window for a vertical scan.
    pub scan_ports: u32,
    /// Largest share of probes answered that still counts as scanning.
    pub scan_answered: f32,
    /// Raw SYNs whose sequence number equals the destination address (Mirai) for an alert.
    pub mirai_syns: u32,
    /// TCP probes without SYN, ACK or RST (NULL, FIN, Xmas) for an alert.
    pub stealth_probes: u32,
    /// Login sessions from one source to one service within the window for brute force.
    pub brute_sessions: u32,
    /// Sessions to a device's web service for (low-severity) web brute force.
    pub brute_http_sessions: u32,
    /// Brute-force window, seconds.
    pub brute_window_s: u32,
    /// New SYN-only connections per second to one victim for a SYN flood.
    pub flood_syn: u32,
    /// New TCP flows starting with a bare ACK per second to one victim.
    pub flood_ack: u32,
    /// New UDP flows per second to one victim.
    pub flood_udp_flows: u32,
    /// New ICMP flows per second to one victim (spoofed or many-address ICMP floods).
    pub flood_icmp_flows: u32,
    /// Completed connections per second to one victim's web port for an HTTP flood.
    pub flood_http: u32,
    /// Unanswered packets per second in one UDP or TCP flow.
    pub flood_pps: u32,
    /// Unanswered packets per second in one ICMP or GRE flow.
    pub flood_icmp_pps: u32,
    /// Distinct names under one domain queried within 10 s for DNS water torture.
    pub flood_dns_names: u32,
    /// A flood rate must also be this many times the device's own baseline.
    pub flood_baseline_x: f32,
    /// Intervals (or idle gaps) needed before a beacon is judged.
    pub beacon_min: u32,
    /// Largest jitter (spread over mean interval) of a beacon.
    pub beacon_jitter: f32,
    /// Shortest beacon interval, seconds.
    pub beacon_min_interval_s: u32,
    /// Learning window of the behaviour-change detector, seconds from a device's first flow.
    pub learn_window_s: u32,
    /// New learned-profile entries after the window for a behaviour-change alert.
    pub change_new: u32,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            scan_window_s: 60,
            scan_slow_window_s: 900,
            scan_targets: 64,
            scan_ports: 16,
            scan_answered: 0.2,
            mirai_syns: 3,
            stealth_probes: 3,
            brute_sessions: 8,
            brute_http_sessions: 30,
            brute_window_s: 600,
            flood_syn: 200,
            flood_ack: 200,
            flood_udp_flows: 200,
            flood_icmp_flows: 200,
            flood_http: 50,
            flood_pps: 5_000,
            flood_icmp_pps: 500,
            flood_dns_names: 100,
            flood_baseline_x: 10.0,
            beacon_min: 4,
            beacon_jitter: 0.1,
            beacon_min_interval_s: 5,
            learn_window_s: 900,
            change_new: 5,
        }
    }
}

/// Names accepted by `--detect`, in the order `--detect help` lists them.
pub const KEYS: &[&str] = &[
    "scan-window",
    "scan-slow-window",
    "scan-targets",
    "scan-ports",
    "scan-answered",
    "mirai-syns",
    "stealth-probes",
    "brute-sessions",
    "brute-http-sessions",
    "brute-window",
    "flood-syn",
    "flood-ack",
    "flood-udp-flows",
    "flood-icmp-flows",
    "flood-http",
    "flood-pps",
    "flood-icmp-pps",
    "flood-dns-names",
    "flood-baseline-x",
    "beacon-min",
    "beacon-jitter",
    "beacon-min-interval",
    "learn-window",
    "change-new",
];

/// Why a `--detect` setting was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum SettingError {
    /// Not `NAME=VALUE`.
    Syntax(String),
    /// No such threshold.
    UnknownKey(String),
    /// The value is not a number in range.
    BadValue {
        /// Threshold name.
        key: String,
        /// Value given.
        value: String,
    },
}

impl DetectConfig {
    /// The current value of `key`, as text.
    pub fn get(&self, key: &str) -> Option<String> {
        let c = self;
        Some(match key {
            "scan-window" => c.scan_window_s.to_string(),
            "scan-slow-window" => c.scan_slow_window_s.to_string(),
            "scan-targets" => c.scan_targets.to_string(),
            "scan-ports" => c.scan_ports.to_string(),
            "scan-answered" => c.scan_answered.to_string(),
            "mirai-syns" => c.mirai_syns.to_string(),
            "stealth-probes" => c.stealth_probes.to_string(),
            "brute-sessions" => c.brute_sessions.to_string(),
            "brute-http-sessions" => c.brute_http_sessions.to_string(),
            "brute-window" => c.brute_window_s.to_string(),
            "flood-syn" => c.flood_syn.to_string(),
            "flood-ack" => c.flood_ack.to_string(),
            "flood-udp-flows" => c.flood_udp_flows.to_string(),
            "flood-icmp-flows" => c.flood_icmp_flows.to_string(),
            "flood-http" => c.flood_http.to_string(),
            "flood-pps" => c.flood_pps.to_string(),
            "flood-icmp-pps" => c.flood_icmp_pps.to_string(),
            "flood-dns-names" => c.flood_dns_names.to_string(),
            "flood-baseline-x" => c.flood_baseline_x.to_string(),
            "beacon-min" => c.beacon_min.to_string(),
            "beacon-jitter" => c.beacon_jitter.to_string(),
            "beacon-min-interval" => c.beacon_min_interval_s.to_string(),
            "learn-window" => c.learn_window_s.to_string(),
            "change-new" => c.change_new.to_string(),
            _ => return None,
        })
    }

    /// Applies one or more comma-separated `NAME=VALUE` settings.
    pub fn apply(&mut self, settings: &str) -> Result<(), SettingError> {
        for s in settings.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some((k, v)) = s.split_once('=') else {
                return Err(SettingError::Syntax(s.to_string()));
            };
            let (k, v) = (k.trim(), v.trim());
            let bad = || SettingError::BadValue {
                key: k.to_string(),
                value: v.to_string(),
            };
            let int = || -> Result<u32, SettingError> {
                v.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(bad)
            };
            let frac = || -> Result<f32, SettingError> {
                v.parse::<f32>()
                    .ok()
                    .filter(|x| x.is_finite() && (0.0..=1.0).contains(x))
                    .ok_or_else(bad)
            };
            match k {
                "scan-window" => self.scan_window_s = int()?,
                "scan-slow-window" => self.scan_slow_window_s = int()?,
                "scan-targets" => self.scan_targets = int()?,
                "scan-ports" => self.scan_ports = int()?,
                "scan-answered" => self.scan_answered = frac()?,
                "mirai-syns" => self.mirai_syns = int()?,
                "stealth-probes" => self.stealth_probes = int()?,
                "brute-sessions" => self.brute_sessions = int()?.max(2),
                "brute-http-sessions" => self.brute_http_sessions = int()?.max(2),
                "brute-window" => self.brute_window_s = int()?,
                "flood-syn" => self.flood_syn = int()?,
                "flood-ack" => self.flood_ack = int()?,
                "flood-udp-flows" => self.flood_udp_flows = int()?,
                "flood-icmp-flows" => self.flood_icmp_flows = int()?,
                "flood-http" => self.flood_http = int()?,
                "flood-pps" => self.flood_pps = int()?,
                "flood-icmp-pps" => self.flood_icmp_pps = int()?,
                "flood-dns-names" => self.flood_dns_names = int()?,
                "flood-baseline-x" => {
                    self.flood_baseline_x = v
                        .parse::<f32>()
                        .ok()
                        .filter(|x| x.is_finite() && *x >= 1.0)
                        .ok_or_else(bad)?
                }
                "beacon-min" => self.beacon_min = int()?.max(2),
                "beacon-jitter" => self.beacon_jitter = frac()?,
                "beacon-min-interval" => self.beacon_min_interval_s = int()?,
                "learn-window" => self.learn_window_s = int()?,
                "change-new" => self.change_new = int()?,
                _ => return Err(SettingError::UnknownKey(k.to_string())),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_reads_and_writes() {
        let mut c = DetectConfig::default();
        for k in KEYS {
            let v = c.get(k).expect(k);
            c.apply(&format!("{k}={v}")).expect(k);
        }
        assert_eq!(c, DetectConfig::default());
        c.apply("scan-targets=10, flood-syn=5").unwrap();
        assert_eq!((c.scan_targets, c.flood_syn), (10, 5));
        assert!(matches!(
            c.apply("nope=1"),
            Err(SettingError::UnknownKey(_))
        ));
        assert!(matches!(
            c.apply("scan-targets"),
            Err(SettingError::Syntax(_))
        ));
        assert!(matches!(
            c.apply("scan-answered=2"),
            Err(SettingError::BadValue { .. })
        ));
        assert!(matches!(
            c.apply("scan-targets=0"),
            Err(SettingError::BadValue { .. })
        ));
    }
}
