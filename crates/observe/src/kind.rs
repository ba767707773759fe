//! Rule-based, explainable device kinds: each rule looks at one kind of evidence and says why.
//! The first matching rule wins; rules are ordered from the most to the least specific evidence.

use crate::device::Device;

/// What kind of device this looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Camera, doorbell or baby monitor.
    Camera,
    /// Smart plug or switch.
    Plug,
    /// Light bulb or lamp.
    Bulb,
    /// Hub or bridge for other devices.
    Hub,
    /// Speaker or media player.
    Speaker,
    /// Printer.
    Printer,
    /// Phone or tablet.
    Phone,
    /// Computer.
    Computer,
    /// Router or gateway.
    Router,
    /// Sensor, scale, thermostat, alarm.
    Sensor,
    /// Not enough evidence.
    Unknown,
}

impl Kind {
    /// Stable identifier (JSON, localisation keys).
    pub fn id(&self) -> &'static str {
        match self {
            Kind::Camera => "camera",
            Kind::Plug => "plug",
            Kind::Bulb => "bulb",
            Kind::Hub => "hub",
            Kind::Speaker => "speaker",
            Kind::Printer => "printer",
            Kind::Phone => "phone",
            Kind::Computer => "computer",
            Kind::Router => "router",
            Kind::Sensor => "sensor",
            Kind::Unknown => "unknown",
        }
    }
}

/// Why a kind was chosen: which rule, and the evidence it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Rule identifier (`routes`, `dhcp-server`, `mdns`, `keyword`, `rtsp`, `vendor-class`,
    /// `user-agent`, `none`).
    pub rule: &'static str,
    /// The matched evidence (a service, a word and where it was found...).
    pub evidence: String,
}

/// Keywords per kind, matched against host names, vendor, DHCP vendor class, SSDP servers,
/// mDNS services, user agents and MUD URL. Order matters: earlier kinds win ties.
const KEYWORDS: &[(Kind, &[&str])] = &[
    (
        Kind::Camera,
        &[
            "camera",
            "ipcam",
            "netcam",
            "webcam",
            "dcs-",
            "cam-",
            "doorbell",
            "babycam",
            "baby monitor",
            "arlo",
            "wyze",
            "hikvision",
            "dahua",
            "foscam",
            "edimaxcam",
            "_rtsp",
        ],
    ),
    (
        Kind::Printer,
        &[
            "printer",
            "_ipp",
            "_pdl-datastream",
            "_printer",
            "laserjet",
            "officejet",
            "deskjet",
        ],
    ),
    (
        Kind::Speaker,
        &[
            "_googlecast",
            "_raop",
            "_airplay",
            "_spotify-connect",
            "_sonos",
            "sonos",
            "speaker",
            "echo",
            "homepod",
            "chromecast",
        ],
    ),
    (Kind::Bulb, &["bulb", "lamp", "lifx", "light"]),
    (
        Kind::Plug,
        &[
            "plug",
            "socket",
            "hs100",
            "hs110",
            "wemo",
            "sp-1101",
            "sp-2101",
            "smartplug",
            "switch",
            "outlet",
            "kettle",
        ],
    ),
    (
        Kind::Hub,
        &[
            "hub",
            "bridge",
            "smartthings",
            "homematic",
            "gateway",
            "hue",
            "homebridge",
            "_hap._tcp",
        ],
    ),
    (
        Kind::Sensor,
        &[
            "sensor", "motion", "door", "thermo", "scale", "aria", "weather", "smoke", "siren",
            "alarm", "leak", "nest",
        ],
    ),
    (
        Kind::Phone,
        &["iphone", "ipad", "android", "galaxy", "pixel", "phone"],
    ),
    (
        Kind::Computer,
        &[
            "desktop-", "laptop", "macbook", "imac", "windows", "msft 5.0", "ubuntu", "thinkpad",
        ],
    ),
];

/// The first keyword (in [`KEYWORDS`] order, `_hap._tcp` left out) that `value` contains,
/// ignoring ASCII case: what `value.to_ascii_lowercase().contains(w)` tried keyword by
/// keyword, without the lower-cased copy or a substring searcher per keyword. A keyword with a
/// byte `value` lacks is passed over at once.
fn first_keyword(value: &str) -> Option<(Kind, &'static str)> {
    let v = value.as_bytes();
    let present = v.iter().fold(0u128, |m, &c| {
        if c < 128 {
            m | 1u128 << c.to_ascii_lowercase()
        } else {
            m
        }
    });
    for (kind, words) in KEYWORDS {
        // `_hap._tcp` (HomeKit) is announced by every accessory; only call it a hub when
        // nothing more specific matched in any field.
        for w in words.iter().filter(|w| **w != "_hap._tcp") {
            let wb = w.as_bytes();
            if wb.iter().any(|&c| c >= 128 || present & (1u128 << c) == 0) {
                continue;
            }
            if v.windows(wb.len())
                .any(|x| x.iter().zip(wb).all(|(a, b)| a.to_ascii_lowercase() == *b))
            {
                return Some((*kind, w));
            }
        }
    }
    None
}

/// Classifies a device and says why.
pub fn classify(d: &Device) -> (Kind, Reason) {
    if d.routes {
        return (
            Kind::Router,
            Reason {
                rule: "routes",
                evidence: d.public_sources.len().to_string(),
            },
        );
    }
    if d.dhcp_server {
        return (
            Kind::Router,
            Reason {
                rule: "dhcp-server",
                evidence: String::new(),
            },
        );
    }
    if d.serves_rtsp {
        return (
            Kind::Camera,
            Reason {
                rule: "rtsp",
                evidence: "RTSP".into(),
            },
        );
    }
    // Evidence sources in order of how much they say about the device itself; in each, the
    // first keyword (in `KEYWORDS` order) it contains, ignoring ASCII case.
    let hit = |rule: &'static str, value: &str| {
        first_keyword(value).map(|(kind, w)| {
            (
                kind,
                Reason {
                    rule,
                    evidence: w.to_string(),
                },
            )
        })
    };
    let found = d
        .hostnames
        .iter()
        .find_map(|(h, _)| hit("hostname", h))
        .or_else(|| d.mdns_services.iter().find_map(|s| hit("mdns", s)))
        .or_else(|| {
            d.dhcp
                .as_ref()
                .and_then(|x| x.vendor_class.as_ref())
                .and_then(|vc| hit("vendor-class", vc))
        })
        .or_else(|| d.ssdp_servers.iter().find_map(|s| hit("ssdp", s)))
        .or_else(|| d.mud_url.as_ref().and_then(|(u, _)| hit("mud-url", u)))
        .or_else(|| d.user_agents.iter().find_map(|s| hit("user-agent", s)))
        .or_else(|| d.vendor.and_then(|v| hit("vendor", v)));
    if let Some(found) = found {
        return found;
    }
    if d.mdns_services.iter().any(|s| s.starts_with("_hap.")) {
        return (
            Kind::Hub,
            Reason {
                rule: "mdns",
                evidence: "_hap._tcp".into(),
            },
        );
    }
    (
        Kind::Unknown,
        Reason {
            rule: "none",
            evidence: String::new(),
        },
    )
}

#[cfg(test)]
mod keyword_tests {
    use super::{first_keyword, Kind, KEYWORDS};

    /// The reference: what `classify` did before it scanned bytes itself.
    fn reference(value: &str) -> Option<(Kind, &'static str)> {
        let value = value.to_ascii_lowercase();
        for (kind, words) in KEYWORDS {
            for w in words.iter().filter(|w| **w != "_hap._tcp") {
                if value.contains(w) {
                    return Some((*kind, w));
                }
            }
        }
        None
    }

    #[test]
    fn first_keyword_matches_lowercase_contains() {
        for (_, words) in KEYWORDS {
            for w in words.iter() {
                assert!(w.is_ascii() && !w.bytes().any(|c| c.is_ascii_uppercase()));
            }
        }
        let mut values: Vec<String> = vec![
            String::new(),
            "Living Room Camera".into(),
            "HP OfficeJet Pro".into(),
            "_hap._tcp".into(),
            "_hap._tcp hub".into(),
            "Ünïcödé Sonos ☃".into(),
            "MSFT 5.0".into(),
            "Linux/3.4 UPnP/1.0 IpBridge/1.26.0".into(),
            "Philips Lighting BV".into(),
            "espressif".into(),
            "dcs-930l".into(),
            "ECHO-dot".into(),
        ];
        for (_, words) in KEYWORDS {
            for w in words.iter() {
                values.push(w.to_string());
                values.push(w.to_ascii_uppercase());
                values.push(format!("x{}y", &w[..w.len() - 1]));
                values.push(format!("é{w}é"));
            }
        }
        for v in &values {
            assert_eq!(first_keyword(v), reference(v), "{v}");
        }
    }
}
