//! HTTP/1.x and RTSP request heads: request line, Host, User-Agent, the Authorization scheme and
//! SOAPAction (which reveals UPnP port-mapping requests).

use crate::bytes::{header_lines, split_header, starts_with_ci, trim};
use crate::Error;

/// Which text protocol a request head belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    /// HTTP/1.0 or HTTP/1.1.
    Http,
    /// RTSP/1.0 or RTSP/2.0.
    Rtsp,
}

/// A decoded request head. All fields borrow from the packet.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// HTTP or RTSP.
    pub proto: Proto,
    /// Method token.
    pub method: &'a [u8],
    /// Request target.
    pub target: &'a [u8],
    /// Version token, e.g. `HTTP/1.1`.
    pub version: &'a [u8],
    /// Host header.
    pub host: Option<&'a [u8]>,
    /// User-Agent header.
    pub user_agent: Option<&'a [u8]>,
    /// True when an `Authorization: Basic` header is present.
    pub basic_auth: bool,
    /// True when any Authorization header is present.
    pub authorization: bool,
    /// SOAPAction header (UPnP control).
    pub soap_action: Option<&'a [u8]>,
}

const METHODS: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"PUT",
    b"HEAD",
    b"DELETE",
    b"OPTIONS",
    b"PATCH",
    b"CONNECT",
    b"TRACE",
    b"NOTIFY",
    b"M-SEARCH",
    b"SUBSCRIBE",
    b"UNSUBSCRIBE",
    b"DESCRIBE",
    b"SETUP",
    b"PLAY",
    b"PAUSE",
    b"TEARDOWN",
    b"ANNOUNCE",
    b"RECORD",
    b"GET_PARAMETER",
    b"SET_PARAMETER",
];

/// Cheap test: does this payload start like a request line of a known method?
#[inline]
pub fn looks_like_request(b: &[u8]) -> bool {
    let Some(sp) = b.iter().take(16).position(|&c| c == b' ') else {
        return false;
    };
    METHODS.contains(&&b[..sp])
}

/// Decodes a request head.
pub fn parse(b: &[u8]) -> Result<Request<'_>, Error> {
    if !looks_like_request(b) {
        return Err(Error::NotThis("http/rtsp request"));
    }
    let mut lines = header_lines(b);
    let first = lines.next().ok_or(Error::NotThis("http/rtsp request"))?;
    let mut parts = first.splitn(3, |&c| c == b' ');
    let method = parts.next().unwrap_or(&[]);
    let target = parts.next().ok_or(Error::NotThis("http request line"))?;
    let version = trim(parts.next().ok_or(Error::NotThis("http request line"))?);
    let proto = if version.starts_with(b"HTTP/1.") {
        Proto::Http
    } else if version.starts_with(b"RTSP/") {
        Proto::Rtsp
    } else {
        return Err(Error::NotThis("http/rtsp version"));
    };
    let mut r = Request {
        proto,
        method,
        target,
        version,
        host: None,
        user_agent: None,
        basic_auth: false,
        authorization: false,
        soap_action: None,
    };
    for line in lines.take(64) {
        let Some((name, value)) = split_header(line) else {
            continue;
        };
        if name.eq_ignore_ascii_case(b"host") {
            r.host = Some(value);
        } else if name.eq_ignore_ascii_case(b"user-agent") {
            r.user_agent = Some(value);
        } else if name.eq_ignore_ascii_case(b"authorization") {
            r.authorization = true;
            r.basic_auth = starts_with_ci(value, b"basic ");
        } else if name.eq_ignore_ascii_case(b"soapaction") {
            r.soap_action = Some(value);
        }
    }
    Ok(r)
}
/// Names of query parameters that carry secrets or identify people and devices: credentials
/// and tokens, device identifiers, Wi-Fi names, contact details, positions. Matched whole and
/// case-insensitively; only the names are ever reported, never the values.
const SENSITIVE_PARAMS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "access_token",
    "accesstoken",
    "auth",
    "authkey",
    "auth_key",
    "apikey",
    "api_key",
    "key",
    "sso",
    "session",
    "sessionid",
    "sid",
    "signature",
    "sig",
    "serial",
    "serialnumber",
    "serial_number",
    "sn",
    "mac",
    "imei",
    "deviceid",
    "device_id",
    "uuid",
    "ssid",
    "email",
    "phone",
    "lat",
    "lon",
    "lng",
    "latitude",
    "longitude",
    "user",
    "username",
];

/// The sensitive parameter names (lower case, sorted, each once) in a request target's query
/// string, plus `authorization` when a non-Basic Authorization header (a bearer token) travels
/// in clear. Empty when there is nothing of the kind.
pub fn sensitive_fields(r: &Request<'_>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(q) = r.target.iter().position(|&c| c == b'?') {
        for pair in r.target[q + 1..]
            .split(|&c| c == b'&' || c == b';')
            .take(64)
        {
            let name = pair.split(|&c| c == b'=').next().unwrap_or_default();
            let has_value = pair.len() > name.len() + 1;
            if let Some(&n) = SENSITIVE_PARAMS
                .iter()
                .find(|s| has_value && name.eq_ignore_ascii_case(s.as_bytes()))
            {
                out.push(n);
            }
        }
    }
    if r.authorization && !r.basic_auth {
        out.push("authorization");
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// True for a POST to a server named by its bare address (the Host header is an IPv4 or IPv6
/// literal) whose path is made of random-looking tokens — at least two segments of four or more
/// letters and digits mixing upper and lower case, no file name, no query: how many malware
/// families check in (each request a fresh random path, so no two look alike to a filter).
pub fn random_post_to_ip(p: &[u8]) -> bool {
    if !p.starts_with(b"POST ") {
        return false;
    }
    let Ok(r) = parse(p) else { return false };
    let host = r.host.unwrap_or_default();
    let host = std::str::from_utf8(host).unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.bytes().all(|c| c.is_ascii_digit()) && !h.ends_with(':') {
            h
        } else {
            host
        }
    });
    let bare = host.parse::<std::net::Ipv4Addr>().is_ok()
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok());
    if !bare || r.target.contains(&b'?') || r.target.contains(&b'.') {
        return false;
    }
    let tokens = r
        .target
        .split(|&c| c == b'/')
        .filter(|s| {
            s.len() >= 4
                && s.iter().all(u8::is_ascii_alphanumeric)
                && s.iter().any(u8::is_ascii_uppercase)
                && s.iter().any(u8::is_ascii_lowercase)
        })
        .count();
    tokens >= 2
}

/// Scanning and attack tools that name themselves in their requests' User-Agent, and the
/// identifier reported for each (nmap's scripting engine, masscan, ZGrab, Nikto, sqlmap,
/// Nuclei, WPScan, gobuster, DirBuster, Hydra, and the ZmEu and Morfeus web scanners).
const SCANNER_AGENTS: &[(&str, &str)] = &[
    ("nmap scripting engine", "nmap"),
    ("masscan", "masscan"),
    ("zgrab", "zgrab"),
    ("nikto", "nikto"),
    ("sqlmap", "sqlmap"),
    ("nuclei", "nuclei"),
    ("wpscan", "wpscan"),
    ("gobuster", "gobuster"),
    ("dirbuster", "dirbuster"),
    ("(hydra)", "hydra"),
    ("zmeu", "zmeu"),
    ("morfeus", "morfeus"),
];

/// The scanning tool an HTTP (or RTSP) request's User-Agent names, if any.
pub fn scanner_tool(p: &[u8]) -> Option<&'static str> {
    if !looks_like_request(p) {
        return None;
    }
    let ua = parse(p).ok()?.user_agent?;
    let ua = &ua[..ua.len().min(256)];
    SCANNER_AGENTS
        .iter()
        .find(|(needle, _)| crate::bytes::find_ci(ua, needle.as_bytes()).is_some())
        .map(|(_, id)| *id)
}

#[cfg(test)]
mod scanner_tests {
    use super::scanner_tool;

    #[test]
    fn tools_that_name_themselves_are_known() {
        let req =
            |ua: &str| format!("GET /robots.txt HTTP/1.1\r\nHost: x\r\nUser-Agent: {ua}\r\n\r\n");
        assert_eq!(
            scanner_tool(req("Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)").as_bytes()),
            Some("nmap")
        );
        assert_eq!(
            scanner_tool(req("sqlmap/1.7#stable (https://sqlmap.org)").as_bytes()),
            Some("sqlmap")
        );
        assert_eq!(
            scanner_tool(req("Mozilla/5.0 Firefox/120.0").as_bytes()),
            None
        );
        assert_eq!(scanner_tool(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"), None);
        assert_eq!(scanner_tool(b"\x16\x03\x01 nikto"), None);
    }

    #[test]
    fn sensitive_fields_by_name_only() {
        use super::{parse, sensitive_fields};
        let get = |t: &str| format!("GET {t} HTTP/1.1\r\nHost: x\r\n\r\n");
        let r = get("/scale/register?serialNumber=0123&token=ab&ssid=home&x=1");
        assert_eq!(
            sensitive_fields(&parse(r.as_bytes()).unwrap()),
            ["serialnumber", "ssid", "token"]
        );
        let r = get("/api/x?auth=1&sso=2&auth=3");
        assert_eq!(
            sensitive_fields(&parse(r.as_bytes()).unwrap()),
            ["auth", "sso"]
        );
        let r = get("/index.html?page=2&token=");
        assert!(sensitive_fields(&parse(r.as_bytes()).unwrap()).is_empty());
        let r = "GET / HTTP/1.1\r\nAuthorization: Bearer abc\r\n\r\n";
        assert_eq!(
            sensitive_fields(&parse(r.as_bytes()).unwrap()),
            ["authorization"]
        );
        let r = "GET / HTTP/1.1\r\nAuthorization: Basic YTpi\r\n\r\n";
        assert!(sensitive_fields(&parse(r.as_bytes()).unwrap()).is_empty());
    }

    #[test]
    fn random_posts_to_bare_addresses() {
        use super::random_post_to_ip;
        let post = |host: &str, path: &str| {
            format!("POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\n\r\n")
        };
        assert!(random_post_to_ip(
            post("74.120.55.163", "/IEyF/EN3GUkgHakZ3iVe/YBqssWlF8iWaHTr/").as_bytes()
        ));
        assert!(random_post_to_ip(
            post("[2001:db8::1]:8080", "/aBcD1/QwErTy9/").as_bytes()
        ));
        assert!(!random_post_to_ip(
            post("api.example.com", "/IEyF/EN3GUkgHakZ3iVe/").as_bytes()
        ));
        assert!(!random_post_to_ip(
            post("74.120.55.163", "/api/v1/status").as_bytes()
        ));
        assert!(!random_post_to_ip(
            post("74.120.55.163", "/Upload/Photo.jpg").as_bytes()
        ));
        assert!(!random_post_to_ip(
            post("74.120.55.163", "/IEyF/EN3Guk?x=1").as_bytes()
        ));
        assert!(!random_post_to_ip(
            b"GET /IEyF/EN3GUkgHakZ3iVe/ HTTP/1.1\r\nHost: 1.2.3.4\r\n\r\n"
        ));
    }
}
