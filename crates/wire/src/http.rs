//! HTTP/1.x and RTSP request heads: request line, Host, User-Agent, the Authorization scheme,
//! SOAPAction (which reveals UPnP port-mapping requests), the body's type and length — and the
//! parameters of a form body that follows the head — and whether a request is whole
//! ([`request_complete`], what TCP reassembly waits for).

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
    /// Content-Type header.
    pub content_type: Option<&'a [u8]>,
    /// Content-Length header, when it is a number.
    pub content_length: Option<usize>,
    /// The body bytes present after the head (at most Content-Length of them); empty when the
    /// head is not whole or has more than 64 header lines.
    pub body: &'a [u8],
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

/// Cheap test: does this payload start like a request line? A known method is enough (a
/// request's first segment may hold nothing more); any other token-shaped method (WebDAV's
/// PROPFIND and MKCOL, UPnP's and vendors' own: upper-case letters, digits, `-` and `_`, up to
/// 24 characters) needs the rest of the line to end in `HTTP/1.x` or `RTSP/1.x`.
#[inline]
pub fn looks_like_request(b: &[u8]) -> bool {
    let Some(sp) = b.iter().take(25).position(|&c| c == b' ') else {
        return false;
    };
    let method = &b[..sp];
    if METHODS.contains(&method) {
        return true;
    }
    if sp == 0
        || !method[0].is_ascii_uppercase()
        || !method
            .iter()
            .all(|&c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
    {
        return false;
    }
    let line = &b[sp + 1..];
    let line = &line[..crate::bytes::find_byte(line, b'\n')
        .unwrap_or(line.len())
        .min(8192)];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    line.len() > 9 && {
        let v = &line[line.len() - 9..];
        (v.starts_with(b" HTTP/1.") || v.starts_with(b" RTSP/1.")) && v[8].is_ascii_digit()
    }
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
        content_type: None,
        content_length: None,
        body: &[],
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
        } else if name.eq_ignore_ascii_case(b"content-type") {
            r.content_type = Some(value);
        } else if name.eq_ignore_ascii_case(b"content-length") {
            r.content_length = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
        }
    }
    if r.content_length.is_some_and(|n| n > 0) {
        if let Some(at) = head_len(b) {
            let body = &b[at..];
            r.body = &body[..body.len().min(r.content_length.unwrap_or(0))];
        }
    }
    Ok(r)
}

/// The length of the head at the start of `b` — request line, headers and the blank line
/// that ends them (CRLF or bare LF line ends) — or `None` when `b` stops before that line.
pub fn head_len(b: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    loop {
        let lf = at + crate::bytes::find_byte(&b[at..], b'\n')?;
        match b.get(lf + 1..) {
            Some([b'\n', ..]) => return Some(lf + 2),
            Some([b'\r', b'\n', ..]) => return Some(lf + 3),
            _ => at = lf + 1,
        }
    }
}

/// True when a Content-Type names a body whose fields iotgate reads: an HTML form
/// (`application/x-www-form-urlencoded`, its parameters as in a query string), JSON (where
/// login recognition looks for a password field) or XML (SOAP and HNAP elements).
fn readable_body(content_type: Option<&[u8]>) -> bool {
    content_type.is_some_and(|t| {
        starts_with_ci(t, b"application/x-www-form-urlencoded")
            || starts_with_ci(t, b"application/json")
            || starts_with_ci(t, b"text/xml")
            || starts_with_ci(t, b"application/xml")
            || starts_with_ci(t, b"application/soap+xml")
    })
}

/// True when a Content-Type is `application/x-www-form-urlencoded`.
fn form_body(content_type: Option<&[u8]>) -> bool {
    content_type.is_some_and(|t| starts_with_ci(t, b"application/x-www-form-urlencoded"))
}

/// Whether `b`, the first bytes a client sent on a TCP connection, hold a whole HTTP or RTSP
/// request: `None` when they do not start one; `Some(false)` when its head has not ended, or
/// when a form or JSON body is announced (Content-Length) and has not all arrived while head
/// and body together fit in `limit` bytes; `Some(true)` otherwise (a longer body, or one of
/// another type, is not waited for: nothing reads it).
pub fn request_complete(b: &[u8], limit: usize) -> Option<bool> {
    if !looks_like_request(b) {
        return None;
    }
    let Some(head) = head_len(b) else {
        return Some(false);
    };
    // Most requests carry no body: decided without parsing the head (it is parsed once, later,
    // for what it says).
    if crate::bytes::find_ci(&b[..head], b"\ncontent-length:").is_none() {
        return Some(true);
    }
    let Ok(r) = parse(&b[..head]) else {
        return Some(true);
    };
    let body = r.content_length.unwrap_or(0);
    if body == 0 || !readable_body(r.content_type) || head.saturating_add(body) > limit {
        return Some(true);
    }
    Some(b.len() >= head + body)
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

/// True for a sensitive name that is a secret — a password, token, key, session or signature —
/// rather than something that identifies a person or device (a user name, serial number,
/// Wi-Fi name, position).
pub fn is_secret(name: &str) -> bool {
    matches!(
        name,
        "password"
            | "passwd"
            | "pwd"
            | "pass"
            | "passphrase"
            | "secret"
            | "token"
            | "access_token"
            | "accesstoken"
            | "auth"
            | "authkey"
            | "auth_key"
            | "apikey"
            | "api_key"
            | "key"
            | "sso"
            | "session"
            | "sessionid"
            | "sid"
            | "signature"
            | "sig"
            | "authorization"
    )
}

/// Adds to `out` the sensitive names among the first 64 `name=value` pairs of `params` (a
/// query string or a form body).
fn sensitive_params(params: &[u8], out: &mut Vec<&'static str>) {
    for pair in params.split(|&c| c == b'&' || c == b';').take(64) {
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

/// The sensitive name `name` stands for: one of [`SENSITIVE_PARAMS`] whole, or a name ending in
/// "password" or "passphrase" (`AdminPassword`, `wifi_passphrase`), case-insensitively.
fn sensitive_name(name: &[u8]) -> Option<&'static str> {
    if let Some(n) = SENSITIVE_PARAMS
        .iter()
        .find(|p| name.eq_ignore_ascii_case(p.as_bytes()))
    {
        return Some(n);
    }
    let lower_ends = |suffix: &[u8]| {
        name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    if lower_ends(b"password") {
        Some("password")
    } else if lower_ends(b"passphrase") {
        Some("passphrase")
    } else {
        None
    }
}

/// Adds to `out` the sensitive names among the first 256 elements of an XML body (SOAP, HNAP)
/// that hold a value: `<AdminPassword>…</AdminPassword>` counts, `<Password/>` and
/// `<Password></Password>` do not. Namespace prefixes are ignored.
fn sensitive_elements(body: &[u8], out: &mut Vec<&'static str>) {
    let mut at = 0usize;
    for _ in 0..256 {
        let Some(lt) = body
            .get(at..)
            .and_then(|b| crate::bytes::find_byte(b, b'<'))
        else {
            return;
        };
        let start = at + lt + 1;
        let name_len = body[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':'))
            .count();
        let end = start + name_len;
        at = end.max(start);
        if name_len == 0 || body.get(end) != Some(&b'>') {
            continue;
        }
        let name = &body[start..end];
        let local = name.rsplit(|&c| c == b':').next().unwrap_or(name);
        let has_value = body.get(end + 1).is_some_and(|&c| c != b'<');
        if let (true, Some(n)) = (has_value, sensitive_name(local)) {
            out.push(n);
        }
    }
}

/// Adds to `out` the sensitive names among the first 256 keys of a JSON body that hold a
/// non-empty value (`"password": "x"` counts, `"password": ""` and `null` do not).
fn sensitive_keys(body: &[u8], out: &mut Vec<&'static str>) {
    let mut at = 0usize;
    for _ in 0..256 {
        let Some(q) = body
            .get(at..)
            .and_then(|b| crate::bytes::find_byte(b, b'"'))
        else {
            return;
        };
        let start = at + q + 1;
        let Some(len) = body
            .get(start..)
            .and_then(|b| crate::bytes::find_byte(b, b'"'))
        else {
            return;
        };
        let end = start + len;
        at = end + 1;
        let rest = &body[at..];
        let skip = rest.iter().take_while(|c| c.is_ascii_whitespace()).count();
        if rest.get(skip) != Some(&b':') {
            continue;
        }
        let value = &rest[skip + 1..];
        let v = value.iter().take_while(|c| c.is_ascii_whitespace()).count();
        let empty = value[v..].starts_with(b"\"\"") || value[v..].starts_with(b"null");
        if let (false, Some(n)) = (empty || value.len() == v, sensitive_name(&body[start..end])) {
            out.push(n);
        }
    }
}

/// The sensitive parameter names (lower case, sorted, each once) in a request target's query
/// string, in a form body (`application/x-www-form-urlencoded`), among the elements of an XML
/// body (SOAP, HNAP) and the keys of a JSON body — as much of the body as arrived — plus
/// `authorization` when a non-Basic Authorization header (a bearer token) travels in clear.
/// Empty when there is nothing of the kind.
pub fn sensitive_fields(r: &Request<'_>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    if let Some(q) = r.target.iter().position(|&c| c == b'?') {
        sensitive_params(&r.target[q + 1..], &mut out);
    }
    if form_body(r.content_type) {
        sensitive_params(r.body, &mut out);
    } else if r.content_type.is_some_and(|t| {
        starts_with_ci(t, b"text/xml")
            || starts_with_ci(t, b"application/xml")
            || starts_with_ci(t, b"application/soap+xml")
    }) {
        sensitive_elements(r.body, &mut out);
    } else if r
        .content_type
        .is_some_and(|t| starts_with_ci(t, b"application/json"))
    {
        sensitive_keys(r.body, &mut out);
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
    p.starts_with(b"POST ") && parse(p).is_ok_and(|r| is_random_post_to_ip(&r))
}

/// [`random_post_to_ip`] of a request already parsed.
pub fn is_random_post_to_ip(r: &Request<'_>) -> bool {
    if r.method != b"POST" {
        return false;
    }
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
    scanner_tool_of(&parse(p).ok()?)
}

/// [`scanner_tool`] of a request already parsed.
pub fn scanner_tool_of(r: &Request<'_>) -> Option<&'static str> {
    let ua = r.user_agent?;
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
    fn any_token_method_with_a_version_is_a_request() {
        use super::looks_like_request;
        assert!(looks_like_request(
            b"PROPFIND /dav/ HTTP/1.1\r\nHost: x\r\n\r\n"
        ));
        assert!(looks_like_request(b"MKCOL /dav/new HTTP/1.1\r\n"));
        assert!(looks_like_request(b"X-MS-ENUMATTS /x HTTP/1.0\n"));
        // Known methods need nothing more (a first segment may be just that).
        assert!(looks_like_request(b"POST "));
        // Not a request: no version, lower case, binary, a bare word.
        assert!(!looks_like_request(b"PROPFIND /dav/\r\n"));
        assert!(!looks_like_request(b"propfind / HTTP/1.1\r\n"));
        assert!(!looks_like_request(b"HELLO DEVICE 1234"));
        assert!(!looks_like_request(b"\x16\x03\x01 / HTTP/1.1"));
        assert!(!looks_like_request(b" / HTTP/1.1\r\n"));
    }

    #[test]
    fn sensitive_fields_in_xml_and_json_bodies() {
        use super::{parse, sensitive_fields};
        let post = |ct: &str, body: &str| {
            format!(
                "POST /HNAP1/ HTTP/1.1\r\nHost: 10.0.0.5\r\nContent-Type: {ct}\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        // HNAP's login and device settings (SOAP, a namespace prefix, a value to hide).
        let hnap = post(
            "text/xml; charset=utf-8",
            "<soap:Envelope><soap:Body><Login xmlns=\"http://purenetworks.com/HNAP1/\">\
             <Action>login</Action><Username>Admin</Username><LoginPassword>9F86D081</LoginPassword>\
             </Login><hnap:AdminPassword>1a08</hnap:AdminPassword></soap:Body></soap:Envelope>",
        );
        let r = parse(hnap.as_bytes()).unwrap();
        assert_eq!(sensitive_fields(&r), ["password", "username"]);
        // Empty elements carry nothing.
        let empty = post(
            "text/xml",
            "<Login><Password></Password><Password/></Login>",
        );
        assert!(sensitive_fields(&parse(empty.as_bytes()).unwrap()).is_empty());
        let json = post(
            "application/json",
            "{\"user\": \"bob\", \"wifiPassphrase\": \"x\", \"token\": \"\", \"note\": \"password\"}",
        );
        assert_eq!(
            sensitive_fields(&parse(json.as_bytes()).unwrap()),
            ["passphrase", "user"]
        );
        // Not read as XML or JSON without the type.
        let plain = post("text/plain", "<LoginPassword>x</LoginPassword>");
        assert!(sensitive_fields(&parse(plain.as_bytes()).unwrap()).is_empty());
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

#[cfg(test)]
mod body_tests {
    use super::{head_len, parse, request_complete, sensitive_fields};

    #[test]
    fn heads_end_at_the_blank_line() {
        assert_eq!(head_len(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), Some(27));
        assert_eq!(head_len(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_len(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_len(b"POST "), None);
    }

    #[test]
    fn requests_are_whole_when_head_and_readable_body_are() {
        let form = |body: &str, len: usize| {
            format!(
                "POST /l HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: {len}\r\n\r\n{body}"
            )
        };
        assert_eq!(request_complete(b"\x16\x03\x01", 8192), None);
        assert_eq!(request_complete(b"POST ", 8192), Some(false));
        assert_eq!(
            request_complete(b"GET / HTTP/1.1\r\nHost: x\r\n", 8192),
            Some(false)
        );
        assert_eq!(
            request_complete(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 8192),
            Some(true)
        );
        assert_eq!(
            request_complete(form("a=1", 7).as_bytes(), 8192),
            Some(false)
        );
        assert_eq!(
            request_complete(form("a=1&b=2", 7).as_bytes(), 8192),
            Some(true)
        );
        // A body that would end beyond the limit, or of a type nothing reads, is not waited for.
        assert_eq!(
            request_complete(form("a=1", 9000).as_bytes(), 8192),
            Some(true)
        );
        let octets = "POST /u HTTP/1.1\r\nContent-Type: image/jpeg\r\nContent-Length: 90\r\n\r\n";
        assert_eq!(request_complete(octets.as_bytes(), 8192), Some(true));
        let json =
            "POST /u HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 90\r\n\r\n{";
        assert_eq!(request_complete(json.as_bytes(), 8192), Some(false));
    }

    #[test]
    fn form_bodies_are_read_for_sensitive_fields() {
        let r = "POST /setup?mac=aa HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded; \
                 charset=UTF-8\r\nContent-Length: 31\r\n\r\nssid=home&psk=x&token=abc&x=1trailing";
        let r = parse(r.as_bytes()).unwrap();
        assert_eq!(r.content_length, Some(31));
        assert_eq!(r.body, b"ssid=home&psk=x&token=abc&x=1tr");
        assert_eq!(sensitive_fields(&r), ["mac", "ssid", "token"]);
        // The same fields in a body of another type are not read.
        let j = "POST / HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\ntoken=abc";
        assert!(sensitive_fields(&parse(j.as_bytes()).unwrap()).is_empty());
        // A body cut short gives the fields that arrived.
        let cut = "POST / HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\
                   Content-Length: 99\r\n\r\nuser=a&pass";
        assert_eq!(sensitive_fields(&parse(cut.as_bytes()).unwrap()), ["user"]);
    }
}
