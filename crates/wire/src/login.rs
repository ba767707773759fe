//! Login protocols recognised by what they say, whatever the port they run on: the first TCP
//! payloads of SSH, Telnet, text protocols that send a password (FTP, POP3, IMAP, SMTP AUTH),
//! HTTP and RTSP authentication challenges, MQTT connections carrying credentials, VNC and RDP.
//! Password guessing is counted on these sessions (the brute-force detector), so moving a
//! service off its well-known port does not hide it.

use crate::bytes::starts_with_ci;

/// A login protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Login {
    /// SSH: the identification string both sides send first (`SSH-2.0-…`).
    Ssh,
    /// Telnet: option negotiation (IAC WILL/WONT/DO/DONT) opening the session.
    Telnet,
    /// A text protocol's credentials from the client: `USER`/`PASS` (FTP, POP3), `AUTH`
    /// (SMTP, POP3, FTP), IMAP `LOGIN`/`AUTHENTICATE`.
    Password,
    /// HTTP: the server asks for credentials (`401`), or the client posts a login form (a
    /// password field in a form or JSON body).
    Http,
    /// RTSP (cameras): the server asks for credentials (`401`).
    Rtsp,
    /// MQTT: a CONNECT carrying a user name or a password.
    Mqtt,
    /// VNC: the server's `RFB` protocol version.
    Vnc,
    /// RDP: the client's X.224 connection request in TPKT.
    Rdp,
}

impl Login {
    /// Stable identifier.
    pub fn id(&self) -> &'static str {
        match self {
            Login::Ssh => "ssh",
            Login::Telnet => "telnet",
            Login::Password => "password",
            Login::Http => "http",
            Login::Rtsp => "rtsp",
            Login::Mqtt => "mqtt",
            Login::Vnc => "vnc",
            Login::Rdp => "rdp",
        }
    }

    /// Every protocol (for catalogue tests).
    pub const ALL: [Login; 8] = [
        Login::Ssh,
        Login::Telnet,
        Login::Password,
        Login::Http,
        Login::Rtsp,
        Login::Mqtt,
        Login::Vnc,
        Login::Rdp,
    ];
}

/// The login protocol one TCP payload shows, if any. `from_client` is true when the side that
/// opened the connection sent it.
pub fn recognise(p: &[u8], from_client: bool) -> Option<Login> {
    if is_ssh_banner(p) {
        return Some(Login::Ssh);
    }
    if p.len() >= 3 && p[0] == 0xff && (0xfb..=0xfe).contains(&p[1]) {
        return Some(Login::Telnet);
    }
    if from_client {
        if text_credentials(p) {
            return Some(Login::Password);
        }
        if mqtt_connect_with_credentials(p) {
            return Some(Login::Mqtt);
        }
        if login_form(p) {
            return Some(Login::Http);
        }
        // TPKT version 3, then an X.224 connection request (CR TPDU, code 0xE0).
        if p.len() >= 11 && p[0] == 3 && p[1] == 0 && p[5] & 0xf0 == 0xe0 {
            let len = u16::from_be_bytes([p[2], p[3]]) as usize;
            if len >= 11 && usize::from(p[4]) + 5 <= len {
                return Some(Login::Rdp);
            }
        }
        return None;
    }
    if let Some(rest) = p.strip_prefix(b"HTTP/1.") {
        return status_401(rest).then_some(Login::Http);
    }
    if let Some(rest) = p.strip_prefix(b"RTSP/1.") {
        return status_401(rest).then_some(Login::Rtsp);
    }
    if p.len() >= 12 && p.starts_with(b"RFB 00") && p[7] == b'.' && p[11] == b'\n' {
        return Some(Login::Vnc);
    }
    None
}

/// `SSH-<protoversion>-<softwareversion>` (RFC 4253 §4.2): version 2.0, 1.99 or 1.x.
fn is_ssh_banner(p: &[u8]) -> bool {
    let Some(rest) = p.strip_prefix(b"SSH-") else {
        return false;
    };
    let Some(dash) = rest.iter().take(5).position(|&c| c == b'-') else {
        return false;
    };
    let v = &rest[..dash];
    (v == b"2.0" || v == b"1.99" || (v.len() == 3 && v.starts_with(b"1.")))
        && rest.len() > dash + 1
        && rest[dash + 1].is_ascii_graphic()
}

/// A client command of a text protocol carrying or starting credentials.
fn text_credentials(p: &[u8]) -> bool {
    // Every such command starts with a letter or an IMAP tag's letter or digit: binary
    // payloads (TLS, most of them) are turned away before any line is looked for.
    if !p.first().is_some_and(u8::is_ascii_alphanumeric) {
        return false;
    }
    let line = &p[..crate::bytes::find_byte(p, b'\n').unwrap_or(p.len())];
    if [b"user ", b"pass ", b"auth "]
        .iter()
        .any(|cmd| starts_with_ci(line, *cmd))
    {
        // Printable arguments only: binary payloads that happen to start so are not logins.
        return line
            .iter()
            .all(|&c| c == b'\r' || c == b'\t' || (0x20..0x7f).contains(&c));
    }
    // IMAP: `<tag> LOGIN …` or `<tag> AUTHENTICATE …`.
    let mut words = line.splitn(3, |&c| c == b' ');
    let tag = words.next().unwrap_or_default();
    let cmd = words.next().unwrap_or_default();
    !tag.is_empty()
        && tag.len() <= 16
        && tag.iter().all(u8::is_ascii_alphanumeric)
        && (cmd.eq_ignore_ascii_case(b"login") || cmd.eq_ignore_ascii_case(b"authenticate"))
        && words.next().is_some()
}

/// A POST whose body (in the same payload) carries a password field: `password=`, `passwd=`,
/// `pwd=` or `pass=` in a form, or `"password":` in JSON — a login page being submitted.
fn login_form(p: &[u8]) -> bool {
    if !p.starts_with(b"POST ") {
        return false;
    }
    let Some(at) = memchr::memmem::find(p, b"\r\n\r\n") else {
        return false;
    };
    let body = &p[at + 4..];
    let body = &body[..body.len().min(2048)];
    // Every occurrence of `name` (found by its first letter, either case), at the start of the
    // body or after a separator.
    let field = |name: &[u8]| {
        let mut from = 0;
        while let Some(i) = crate::bytes::find_ci(&body[from..], name) {
            let i = from + i;
            if i == 0 || matches!(body[i - 1], b'&' | b'?' | b'"' | b' ' | b'{') {
                return true;
            }
            from = i + 1;
        }
        false
    };
    field(b"password=")
        || field(b"passwd=")
        || field(b"pwd=")
        || field(b"pass=")
        || field(b"password\":")
}

/// ` 401` after `HTTP/1.x` or `RTSP/1.x` (the `1.` already stripped).
fn status_401(rest: &[u8]) -> bool {
    rest.len() >= 5 && rest[0].is_ascii_digit() && &rest[1..5] == b" 401"
}

/// An MQTT CONNECT (type 1) whose connect flags carry a user name or a password.
fn mqtt_connect_with_credentials(p: &[u8]) -> bool {
    if p.first() != Some(&0x10) {
        return false;
    }
    // Remaining length: one to four bytes, seven bits each.
    let mut i = 1;
    while i < p.len() && i <= 4 && p[i] & 0x80 != 0 {
        i += 1;
    }
    let body = match p.get(i + 1..) {
        Some(b) => b,
        None => return false,
    };
    let flags = match body {
        [0, 4, b'M', b'Q', b'T', b'T', _level, flags, ..] => *flags,
        [0, 6, b'M', b'Q', b'I', b's', b'd', b'p', _level, flags, ..] => *flags,
        _ => return false,
    };
    // Bit 0 is reserved (must be 0); bit 7 user name, bit 6 password.
    flags & 1 == 0 && flags & 0xc0 != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_protocol_by_what_it_says() {
        assert_eq!(
            recognise(b"SSH-2.0-OpenSSH_9.2p1\r\n", false),
            Some(Login::Ssh)
        );
        assert_eq!(
            recognise(b"SSH-2.0-libssh2_1.10.0\r\n", true),
            Some(Login::Ssh)
        );
        assert_eq!(
            recognise(b"SSH-1.99-Cisco-1.25\r\n", false),
            Some(Login::Ssh)
        );
        assert_eq!(
            recognise(&[0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20], false),
            Some(Login::Telnet)
        );
        assert_eq!(
            recognise(b"USER anonymous\r\n", true),
            Some(Login::Password)
        );
        assert_eq!(recognise(b"pass secret\r\n", true), Some(Login::Password));
        assert_eq!(recognise(b"AUTH LOGIN\r\n", true), Some(Login::Password));
        assert_eq!(
            recognise(b"a001 LOGIN bob hunter2\r\n", true),
            Some(Login::Password)
        );
        assert_eq!(
            recognise(
                b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic\r\n",
                false
            ),
            Some(Login::Http)
        );
        assert_eq!(
            recognise(b"RTSP/1.0 401 Unauthorized\r\n", false),
            Some(Login::Rtsp)
        );
        let form = b"POST /login.cgi HTTP/1.1\r\nHost: cam\r\n\r\nusername=admin&password=1234";
        assert_eq!(recognise(form, true), Some(Login::Http));
        let json = b"POST /api/auth HTTP/1.1\r\n\r\n{\"user\":\"a\",\"password\":\"b\"}";
        assert_eq!(recognise(json, true), Some(Login::Http));
        assert_eq!(recognise(b"RFB 003.008\n", false), Some(Login::Vnc));
        let mqtt = [
            0x10, 0x1a, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xc2, 0, 60, 0, 2, b'i', b'd', 0, 3, b'b',
            b'o', b'b', 0, 3, b'p', b'w', b'd',
        ];
        assert_eq!(recognise(&mqtt, true), Some(Login::Mqtt));
        let rdp = [3, 0, 0, 19, 14, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0];
        assert_eq!(recognise(&rdp, true), Some(Login::Rdp));
    }

    #[test]
    fn ordinary_traffic_is_not_a_login() {
        for (p, c) in [
            (&b"HTTP/1.1 200 OK\r\n"[..], false),
            (b"GET / HTTP/1.1\r\nAuthorization: Basic YTpi\r\n", true),
            (b"RTSP/1.0 200 OK\r\n", false),
            (b"220 mail.example ESMTP\r\n", false),
            (b"SSH-", false),
            (b"SSH-2.0-", false),
            (b"SSH-9.9-x", false),
            (b"USER \x00\x01binary", true),
            (b"\x16\x03\x01\x02\x00", true),
            (
                &[0x10, 0x0c, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60],
                true,
            ),
            (b"* OK IMAP4rev1 ready\r\n", false),
            (b"a001 NOOP\r\n", true),
            (b"POST /upload HTTP/1.1\r\n\r\nbypassword=1&compass=2", true),
            (b"POST /login HTTP/1.1\r\n", true),
            (&[0xff, 0x01], false),
            (b"", true),
            (b"", false),
        ] {
            assert_eq!(recognise(p, c), None, "{:?}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn ids_are_distinct() {
        let mut ids: Vec<&str> = Login::ALL.iter().map(Login::id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Login::ALL.len());
    }

    /// The plain definition of a login form `login_form` must agree with.
    fn naive_login_form(p: &[u8]) -> bool {
        let Some(at) = p.windows(4).position(|w| w == b"\r\n\r\n") else {
            return false;
        };
        let body = &p[at + 4..];
        let body = &body[..body.len().min(2048)];
        let field = |name: &[u8]| {
            body.windows(name.len()).enumerate().any(|(i, w)| {
                w.eq_ignore_ascii_case(name)
                    && (i == 0 || matches!(body[i - 1], b'&' | b'?' | b'"' | b' ' | b'{'))
            })
        };
        p.starts_with(b"POST ")
            && (field(b"password=")
                || field(b"passwd=")
                || field(b"pwd=")
                || field(b"pass=")
                || field(b"password\":"))
    }

    proptest::proptest! {
        #[test]
        fn login_form_agrees_with_its_definition(
            body in proptest::collection::vec(
                proptest::sample::select(b"pPaAsSwWdDoOrR=&?\" {:x\r\n".to_vec()),
                0..80,
            ),
            post: bool,
        ) {
            let head: &[u8] = if post { b"POST /l HTTP/1.1\r\n\r\n" } else { b"GET /l HTTP/1.1\r\n" };
            let p = [head, &body[..]].concat();
            proptest::prop_assert_eq!(login_form(&p), naive_login_form(&p));
        }
    }
}
