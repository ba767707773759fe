//! `iotgate probe`: opt-in active checks of one device, at an address the user names — never a
//! range. Connects to the TCP ports of common IoT services (rate-limited), reads what they
//! announce, and tries a short built-in list of factory-default credentials on Telnet, SSH, HTTP
//! Basic, FTP and MQTT, stopping at the first that works.

mod banner;
mod ftp;
mod http;
mod mqtt;
mod printable;
mod ssh;
mod telnet;

pub use banner::has_version;

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// A service iotgate knows how to talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    /// FTP.
    Ftp,
    /// SSH.
    Ssh,
    /// Telnet.
    Telnet,
    /// HTTP (Basic authentication).
    Http,
    /// HTTPS (open port only).
    Https,
    /// RTSP (open port only).
    Rtsp,
    /// MQTT without TLS.
    Mqtt,
    /// MQTT over TLS (open port only).
    Mqtts,
    /// Android debug bridge (open port only).
    Adb,
    /// TR-069 connection requests (open port only).
    Tr069,
}

impl Service {
    /// The name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Service::Ftp => "FTP",
            Service::Ssh => "SSH",
            Service::Telnet => "Telnet",
            Service::Http => "HTTP",
            Service::Https => "HTTPS",
            Service::Rtsp => "RTSP",
            Service::Mqtt => "MQTT",
            Service::Mqtts => "MQTT/TLS",
            Service::Adb => "adb",
            Service::Tr069 => "TR-069",
        }
    }
    /// True for services a consumer device should not leave open (remote shells, debug).
    pub fn risky(self) -> bool {
        matches!(
            self,
            Service::Telnet | Service::Ftp | Service::Adb | Service::Tr069
        )
    }
}

/// The ports probed by default, and what is expected on each.
pub const PORTS: &[(u16, Service)] = &[
    (21, Service::Ftp),
    (22, Service::Ssh),
    (23, Service::Telnet),
    (80, Service::Http),
    (443, Service::Https),
    (554, Service::Rtsp),
    (1883, Service::Mqtt),
    (2323, Service::Telnet),
    (5555, Service::Adb),
    (7547, Service::Tr069),
    (8080, Service::Http),
    (8443, Service::Https),
    (8883, Service::Mqtts),
];

/// Factory-default credentials tried, most common first (from published default-password lists
/// and the Mirai source's dictionary). Short on purpose: this checks for the worst case, it is
/// not a password cracker.
pub const DEFAULT_CREDENTIALS: &[(&str, &str)] = &[
    ("admin", "admin"),
    ("root", "root"),
    ("admin", ""),
    ("root", ""),
    ("admin", "1234"),
    ("admin", "12345"),
    ("admin", "password"),
    ("root", "xc3511"),
    ("root", "vizxv"),
    ("root", "12345"),
    ("user", "user"),
    ("guest", "guest"),
];

/// Why an address cannot be probed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetError {
    /// Not one IP address (a name, a range, garbage).
    NotAnAddress(String),
    /// A range (CIDR or dash): iotgate probes one device at a time.
    Range(String),
    /// Unspecified, broadcast or multicast: not one device.
    NotOneDevice(String),
}

/// Parses the one address to probe: a single IPv4 or IPv6 literal, nothing else.
pub fn parse_target(s: &str) -> Result<IpAddr, TargetError> {
    let t = s.trim();
    if t.contains('/') || (t.contains('-') && !t.contains(':')) || t.contains('*') {
        return Err(TargetError::Range(t.to_string()));
    }
    let ip: IpAddr = t
        .parse()
        .map_err(|_| TargetError::NotAnAddress(t.to_string()))?;
    let bad = match ip {
        IpAddr::V4(a) => a.is_unspecified() || a.is_broadcast() || a.is_multicast(),
        IpAddr::V6(a) => a.is_unspecified() || a.is_multicast(),
    };
    if bad {
        return Err(TargetError::NotOneDevice(t.to_string()));
    }
    Ok(ip)
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct Options {
    /// Ports and services (default [`PORTS`]).
    pub ports: Vec<(u16, Service)>,
    /// Most new connections per second.
    pub rate: u32,
    /// Connect timeout.
    pub connect_timeout: Duration,
    /// Read timeout while talking to a service.
    pub read_timeout: Duration,
    /// Credentials to try.
    pub credentials: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ports: PORTS.to_vec(),
            rate: 10,
            connect_timeout: Duration::from_millis(800),
            read_timeout: Duration::from_millis(1500),
            credentials: DEFAULT_CREDENTIALS
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
        }
    }
}

/// A port that accepted a connection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OpenPort {
    /// TCP port.
    pub port: u16,
    /// The service expected there.
    pub service: Service,
    /// What it announced (printable text, at most 200 characters).
    pub banner: Option<String>,
}

/// A login that worked.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Accepted {
    /// Service.
    pub service: Service,
    /// Port.
    pub port: u16,
    /// User name that worked (the password is not reported).
    pub user: String,
}

/// Everything a probe found.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// The address probed.
    pub address: String,
    /// Ports that accepted a connection.
    pub open: Vec<OpenPort>,
    /// The first factory-default login that worked, if any (the probe stops there).
    pub accepted: Option<Accepted>,
    /// Services where every default credential was refused: (service, port).
    pub refused: Vec<(Service, u16)>,
    /// MQTT brokers that accepted a client with no credentials at all.
    pub anonymous: Vec<(Service, u16)>,
    /// Connection attempts made.
    pub attempts: u32,
}

/// Spaces connection attempts to at most `rate` per second.
struct Pacer {
    gap: Duration,
    last: Option<Instant>,
    attempts: u32,
}

impl Pacer {
    fn wait(&mut self) {
        if let Some(t) = self.last {
            let e = t.elapsed();
            if e < self.gap {
                std::thread::sleep(self.gap - e);
            }
        }
        self.last = Some(Instant::now());
        self.attempts += 1;
    }
}

/// A connected service, with its timeouts set.
pub(crate) struct Conn {
    pub s: TcpStream,
    pub deadline: Duration,
}

impl Conn {
    /// Reads what arrives until `done` says the text so far is enough, the peer closes, or
    /// the read timeout passes; at most 8 KiB.
    pub fn read_until(&mut self, mut done: impl FnMut(&[u8]) -> bool) -> Vec<u8> {
        let start = Instant::now();
        let mut out = Vec::new();
        let mut buf = [0u8; 1024];
        while out.len() < 8192 && start.elapsed() < self.deadline {
            let left = self.deadline.saturating_sub(start.elapsed());
            if left.is_zero() || self.s.set_read_timeout(Some(left)).is_err() {
                break;
            }
            match self.s.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    out.extend_from_slice(&buf[..n]);
                    if done(&out) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        out
    }
    /// Writes all of `b`; false on failure.
    pub fn send(&mut self, b: &[u8]) -> bool {
        self.s.write_all(b).is_ok()
    }
}

fn connect(p: &mut Pacer, addr: IpAddr, port: u16, o: &Options) -> Option<Conn> {
    p.wait();
    let s = TcpStream::connect_timeout(&SocketAddr::new(addr, port), o.connect_timeout).ok()?;
    let _ = s.set_write_timeout(Some(o.read_timeout));
    let _ = s.set_nodelay(true);
    Some(Conn {
        s,
        deadline: o.read_timeout,
    })
}

/// Probes `addr`: `progress` hears each step (port, what is being done) so a front end can
/// show it.
pub fn probe(addr: IpAddr, o: &Options, mut progress: impl FnMut(u16, &str)) -> Report {
    let mut pacer = Pacer {
        gap: Duration::from_secs_f64(1.0 / o.rate.max(1) as f64),
        last: None,
        attempts: 0,
    };
    let mut r = Report {
        address: addr.to_string(),
        ..Default::default()
    };
    for &(port, svc) in &o.ports {
        progress(port, "connect");
        let Some(mut c) = connect(&mut pacer, addr, port, o) else {
            continue;
        };
        let banner = banner::grab(&mut c, svc, addr);
        r.open.push(OpenPort {
            port,
            service: svc,
            banner,
        });
        drop(c);
        if r.accepted.is_some() {
            continue;
        }
        progress(port, "credentials");
        let mut fresh = || connect(&mut pacer, addr, port, o);
        let outcome = match svc {
            Service::Telnet => telnet::try_logins(&mut fresh, &o.credentials),
            Service::Ssh => ssh::try_logins(&mut fresh, &o.credentials),
            Service::Http => http::try_logins(&mut fresh, addr, &o.credentials),
            Service::Ftp => ftp::try_logins(&mut fresh, &o.credentials),
            Service::Mqtt => mqtt::try_logins(&mut fresh, &o.credentials),
            _ => Tried::NotAsked,
        };
        match outcome {
            Tried::Accepted(user) => {
                r.accepted = Some(Accepted {
                    service: svc,
                    port,
                    user,
                })
            }
            Tried::Refused => r.refused.push((svc, port)),
            Tried::NoAuth => r.anonymous.push((svc, port)),
            Tried::NotAsked => {}
        }
    }
    r.attempts = pacer.attempts;
    r
}

/// What one login attempt, on a fresh connection, gave.
pub(crate) enum Attempt {
    /// The credential worked.
    In,
    /// The service asked for credentials and refused this one.
    Out,
    /// The connection failed before an answer: try the next credential.
    Lost,
    /// The service does not ask for credentials in a way iotgate understands: stop.
    Stop,
    /// The service let the client in without any credential.
    NoAuth,
}

/// Tries each credential with `attempt` on a fresh connection, stopping at the first that
/// works.
pub(crate) fn each_credential(
    fresh: &mut impl FnMut() -> Option<Conn>,
    creds: &[(String, String)],
    mut attempt: impl FnMut(Conn, &str, &str) -> Attempt,
) -> Tried {
    let mut asked = false;
    for (user, pass) in creds {
        let Some(c) = fresh() else {
            break;
        };
        match attempt(c, user, pass) {
            Attempt::In => return Tried::Accepted(user.clone()),
            Attempt::Out => asked = true,
            Attempt::Lost => {}
            Attempt::Stop => break,
            Attempt::NoAuth => return Tried::NoAuth,
        }
    }
    if asked {
        Tried::Refused
    } else {
        Tried::NotAsked
    }
}

/// What trying the credentials on one service gave.
pub(crate) enum Tried {
    /// This user (with its default password) got in.
    Accepted(String),
    /// Every credential was refused.
    Refused,
    /// The service did not ask for credentials in a way iotgate understands.
    NotAsked,
    /// The service lets anyone in without credentials.
    NoAuth,
}

/// Runs every parser of device replies over `data` (Telnet negotiation, FTP reply codes, HTTP
/// heads, MQTT CONNACKs, banners): for the fuzz target and property tests — replies come from
/// the device, which may be hostile.
#[doc(hidden)]
pub fn parse_replies(data: &[u8]) -> usize {
    let mut reply = Vec::new();
    let text = telnet::negotiate(data, &mut reply);
    let p = printable::printable(&text);
    let head = String::from_utf8_lossy(data);
    let n = banner::header(&head, "server").map_or(0, str::len)
        + ftp::reply_code(data).map_or(0, usize::from)
        + usize::from(mqtt::connack_code(data).unwrap_or(0));
    n + p.len() + reply.len() + usize::from(has_version(&p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(http::base64(i.as_bytes()), o);
        }
    }

    #[test]
    fn mqtt_connect_is_well_formed() {
        let p = mqtt::connect_packet(Some(("admin", "admin")));
        assert_eq!(p[0], 0x10);
        assert_eq!(p[1] as usize, p.len() - 2);
        assert_eq!(&p[2..9], b"\x00\x04MQTT\x04");
        assert_eq!(p[9], 0xc2);
        let anon = mqtt::connect_packet(None);
        assert_eq!(anon[9], 0x02);
        // A long password needs two length bytes.
        let long = "x".repeat(200);
        let p = mqtt::connect_packet(Some(("u", &long)));
        let len = (p[1] & 0x7f) as usize + 128 * p[2] as usize;
        assert_eq!(len, p.len() - 3);
    }

    #[test]
    fn telnet_negotiation_is_answered_and_removed() {
        let mut reply = Vec::new();
        let t = telnet::negotiate(
            b"\xff\xfd\x01\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03\xff\xfa\x18\x01\xff\xf0login: \xff\xff",
            &mut reply,
        );
        assert_eq!(t, b"login: \xff");
        assert_eq!(
            reply,
            b"\xff\xfc\x01\xff\xfc\x1f\xff\xfd\x01\xff\xfd\x03".to_vec()
        );
    }

    #[test]
    fn versions_in_banners() {
        assert!(has_version("SSH-2.0-OpenSSH_7.4"));
        assert!(has_version("lighttpd/1.4.35"));
        assert!(!has_version("HTTP server"));
        assert!(!has_version("camera login:"));
    }

    #[test]
    fn targets() {
        assert!(parse_target("192.168.1.20").is_ok());
        assert!(parse_target(" fe80::1 ").is_ok());
        assert!(parse_target("::1").is_ok());
        assert_eq!(
            parse_target("192.168.1.0/24"),
            Err(TargetError::Range("192.168.1.0/24".into()))
        );
        assert!(matches!(
            parse_target("10.0.0.1-9"),
            Err(TargetError::Range(_))
        ));
        assert!(matches!(
            parse_target("x"),
            Err(TargetError::NotAnAddress(_))
        ));
        assert!(matches!(
            parse_target("224.0.0.1"),
            Err(TargetError::NotOneDevice(_))
        ));
    }
}
