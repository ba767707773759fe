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
    // Evidence sources in order of how much they say about the device itself.
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    for (h, _) in &d.hostnames {
        fields.push(("hostname", h.to_ascii_lowercase()));
    }
    for s in &d.mdns_services {
        fields.push(("mdns", s.to_ascii_lowercase()));
    }
    if let Some(vc) = d.dhcp.as_ref().and_then(|x| x.vendor_class.as_ref()) {
        fields.push(("vendor-class", vc.to_ascii_lowercase()));
    }
    for s in &d.ssdp_servers {
        fields.push(("ssdp", s.to_ascii_lowercase()));
    }
    if let Some((u, _)) = &d.mud_url {
        fields.push(("mud-url", u.to_ascii_lowercase()));
    }
    for s in &d.user_agents {
        fields.push(("user-agent", s.to_ascii_lowercase()));
    }
    if let Some(v) = d.vendor {
        fields.push(("vendor", v.to_ascii_lowercase()));
    }
    for (field, value) in &fields {
        for (kind, words) in KEYWORDS {
            // `_hap._tcp` (HomeKit) is announced by every accessory; only call it a hub when
            // nothing more specific matched in any field.
            for w in words.iter().filter(|w| **w != "_hap._tcp") {
                if value.contains(w) {
                    return (
                        *kind,
                        Reason {
                            rule: field,
                            evidence: (*w).to_string(),
                        },
                    );
                }
            }
        }
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
