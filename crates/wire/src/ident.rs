//! What application protocol a TCP session speaks, told from its first payload (either side's:
//! SSH, FTP and mail servers speak first), whatever the port: encrypted (TLS, SSH), a known
//! cleartext protocol, or unidentified — and then whether the unidentified bytes are text a
//! listener could read.

use crate::bytes::starts_with_ci;

/// A TCP session's protocol, as its first payload shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Session {
    /// TLS records (or an SSL 2.0-format ClientHello).
    Tls,
    /// SSH identification string.
    Ssh,
    /// HTTP request or response.
    Http,
    /// RTSP request or response (cameras).
    Rtsp,
    /// MQTT CONNECT or CONNACK.
    Mqtt,
    /// Telnet option negotiation.
    Telnet,
    /// A text command protocol: FTP, SMTP, POP3 or IMAP greetings and commands.
    TextCommand,
    /// VNC (`RFB` version string).
    Vnc,
    /// RDP (X.224 connection request in TPKT).
    Rdp,
    /// DNS over TCP (a length-prefixed DNS message).
    Dns,
    /// Not recognised, and mostly printable text: readable by anyone on the path.
    UnidentifiedText,
    /// Not recognised, and binary (perhaps encrypted by the application, perhaps not).
    UnidentifiedBinary,
}

/// Every kind, in [`Session::index`] order.
pub const SESSIONS: [Session; 12] = [
    Session::Tls,
    Session::Ssh,
    Session::Http,
    Session::Rtsp,
    Session::Mqtt,
    Session::Telnet,
    Session::TextCommand,
    Session::Vnc,
    Session::Rdp,
    Session::Dns,
    Session::UnidentifiedText,
    Session::UnidentifiedBinary,
];

impl Session {
    /// Stable identifier.
    pub fn id(self) -> &'static str {
        match self {
            Session::Tls => "tls",
            Session::Ssh => "ssh",
            Session::Http => "http",
            Session::Rtsp => "rtsp",
            Session::Mqtt => "mqtt",
            Session::Telnet => "telnet",
            Session::TextCommand => "text-command",
            Session::Vnc => "vnc",
            Session::Rdp => "rdp",
            Session::Dns => "dns",
            Session::UnidentifiedText => "unidentified-text",
            Session::UnidentifiedBinary => "unidentified-binary",
        }
    }

    /// Position in [`SESSIONS`] (for counters kept in an array).
    pub fn index(self) -> usize {
        self as usize
    }

    /// True when the protocol itself encrypts what follows (TLS, SSH).
    pub fn encrypted(self) -> bool {
        matches!(self, Session::Tls | Session::Ssh)
    }

    /// True when the session's content is readable by anyone on the path: a known cleartext
    /// protocol, or unidentified text. (VNC and RDP negotiate their own encryption; DNS is
    /// judged elsewhere; unidentified binary is unknown either way.)
    pub fn cleartext(self) -> bool {
        matches!(
            self,
            Session::Http
                | Session::Rtsp
                | Session::Mqtt
                | Session::Telnet
                | Session::TextCommand
                | Session::UnidentifiedText
        )
    }
}

/// Shortest payload judged as text or binary: shorter ones say too little.
pub const MIN_TEXT: usize = 8;

/// The protocol of a session whose first payload is `p`; `from_client` when the client sent
/// it. Empty payloads are [`Session::UnidentifiedBinary`].
pub fn classify(p: &[u8], from_client: bool) -> Session {
    if looks_like_tls(p) || crate::tls::parse_v2_client_hello(p).is_some() {
        return Session::Tls;
    }
    if p.starts_with(b"SSH-") {
        return Session::Ssh;
    }
    if crate::http::looks_like_request(p) {
        return if first_line_has(p, b" RTSP/") {
            Session::Rtsp
        } else {
            Session::Http
        };
    }
    if p.starts_with(b"HTTP/1.") || p.starts_with(b"HTTP/2") {
        return Session::Http;
    }
    if p.starts_with(b"RTSP/1.") {
        return Session::Rtsp;
    }
    if p.len() >= 3 && p[0] == 0xff && (0xfb..=0xfe).contains(&p[1]) {
        return Session::Telnet;
    }
    if from_client && crate::mqtt::parse_connect(p).is_ok() {
        return Session::Mqtt;
    }
    if !from_client && p.len() == 4 && p[0] == 0x20 && p[1] == 2 {
        return Session::Mqtt;
    }
    if p.starts_with(b"RFB 0") {
        return Session::Vnc;
    }
    if crate::login::recognise(p, from_client) == Some(crate::login::Login::Rdp) {
        return Session::Rdp;
    }
    if is_text_command(p, from_client) {
        return Session::TextCommand;
    }
    if is_dns(p) {
        return Session::Dns;
    }
    if is_text(p) {
        Session::UnidentifiedText
    } else {
        Session::UnidentifiedBinary
    }
}

/// A TLS record header: content type 20-23, version 3.x (x ≤ 4), a length within a record's
/// limit (RFC 8446 5.1: 2^14 + 256 for ciphertext).
fn looks_like_tls(p: &[u8]) -> bool {
    p.len() >= 5
        && (20..=23).contains(&p[0])
        && p[1] == 3
        && p[2] <= 4
        && u16::from_be_bytes([p[3], p[4]]) <= 16_384 + 2_048
}

fn first_line_has(p: &[u8], needle: &[u8]) -> bool {
    let line = &p[..p
        .iter()
        .position(|&c| c == b'\n')
        .unwrap_or(p.len())
        .min(512)];
    line.windows(needle.len()).any(|w| w == needle)
}

/// FTP/SMTP greetings (`220`), POP3 (`+OK`), IMAP (`* OK`), and the commands clients open
/// those sessions with.
fn is_text_command(p: &[u8], from_client: bool) -> bool {
    if !from_client {
        return p.starts_with(b"220 ")
            || p.starts_with(b"220-")
            || p.starts_with(b"+OK")
            || p.starts_with(b"* OK")
            || p.starts_with(b"* PREAUTH");
    }
    const CMDS: [&[u8]; 8] = [
        b"EHLO ",
        b"HELO ",
        b"USER ",
        b"AUTH ",
        b"CAPA",
        b"STARTTLS",
        b"FEAT",
        b"LOGIN ",
    ];
    CMDS.iter().any(|c| starts_with_ci(p, c))
        || p.len() > 6 && p[0].is_ascii_alphanumeric() && {
            // IMAP: a tag, a space, then a command.
            let tag = p.iter().take(16).position(|&c| c == b' ').unwrap_or(0);
            tag > 0
                && p[..tag].iter().all(u8::is_ascii_alphanumeric)
                && [&b"CAPABILITY"[..], b"LOGIN ", b"AUTHENTICATE ", b"STARTTLS"]
                    .iter()
                    .any(|c| starts_with_ci(&p[tag + 1..], c))
        }
}

/// A DNS message over TCP (RFC 1035 4.2.2): a two-byte length equal to the rest, then a header
/// with one question.
fn is_dns(p: &[u8]) -> bool {
    p.len() >= 14
        && usize::from(u16::from_be_bytes([p[0], p[1]])) == p.len() - 2
        && u16::from_be_bytes([p[6], p[7]]) == 1
}

/// At least [`MIN_TEXT`] bytes, nine in ten of them printable ASCII or line breaks and tabs,
/// and no NUL.
pub fn is_text(p: &[u8]) -> bool {
    if p.len() < MIN_TEXT || p.contains(&0) {
        return false;
    }
    let printable = p
        .iter()
        .filter(|&&c| (0x20..0x7f).contains(&c) || c == b'\r' || c == b'\n' || c == b'\t')
        .count();
    printable * 10 >= p.len() * 9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_protocols() {
        assert_eq!(classify(&[22, 3, 1, 0, 200, 1], true), Session::Tls);
        assert_eq!(classify(&[23, 3, 3, 0, 40, 9], false), Session::Tls);
        assert_eq!(classify(b"SSH-2.0-OpenSSH_9.2\r\n", false), Session::Ssh);
        assert_eq!(
            classify(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n", true),
            Session::Http
        );
        assert_eq!(
            classify(b"OPTIONS rtsp://cam/live RTSP/1.0\r\nCSeq: 1\r\n\r\n", true),
            Session::Rtsp
        );
        assert_eq!(classify(b"HTTP/1.1 200 OK\r\n\r\n", false), Session::Http);
        assert_eq!(classify(&[0xff, 0xfd, 0x18, 0xff], false), Session::Telnet);
        assert_eq!(
            classify(b"220 ProFTPD ready\r\n", false),
            Session::TextCommand
        );
        assert_eq!(classify(b"+OK POP3 ready\r\n", false), Session::TextCommand);
        assert_eq!(
            classify(b"a001 LOGIN bob secret\r\n", true),
            Session::TextCommand
        );
        assert_eq!(
            classify(b"EHLO mail.example\r\n", true),
            Session::TextCommand
        );
        assert_eq!(classify(b"RFB 003.008\n", false), Session::Vnc);
        assert_eq!(classify(&[0x20, 2, 0, 0], false), Session::Mqtt);
        // A DNS query for example.com over TCP.
        let mut q = vec![0, 29, 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
        q.extend_from_slice(b"\x07example\x03com\x00\x00\x01\x00\x01");
        assert_eq!(q.len() - 2, 29);
        assert_eq!(classify(&q, true), Session::Dns);
    }

    #[test]
    fn unidentified_text_and_binary() {
        assert_eq!(
            classify(b"{\"cmd\":\"status\",\"id\":42}\n", true),
            Session::UnidentifiedText
        );
        assert_eq!(
            classify(b"HELLO DEVICE 1234", true),
            Session::UnidentifiedText
        );
        // Short, or with NULs, or mostly high bytes: binary.
        assert_eq!(classify(b"OK\r\n", false), Session::UnidentifiedBinary);
        assert_eq!(
            classify(b"abc\0defghijk", true),
            Session::UnidentifiedBinary
        );
        let noise: Vec<u8> = (0..64u32).map(|i| (i * 97 + 13) as u8 | 0x80).collect();
        assert_eq!(classify(&noise, true), Session::UnidentifiedBinary);
        assert_eq!(classify(b"", true), Session::UnidentifiedBinary);
    }

    #[test]
    fn ids_follow_the_array() {
        for (i, s) in SESSIONS.iter().enumerate() {
            assert_eq!(s.index(), i);
            assert!(!s.id().is_empty());
        }
        assert!(Session::Tls.encrypted() && !Session::Tls.cleartext());
        assert!(Session::UnidentifiedText.cleartext());
        assert!(!Session::UnidentifiedBinary.cleartext());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(p in proptest::collection::vec(proptest::num::u8::ANY, 0..300), c: bool) {
            let s = classify(&p, c);
            proptest::prop_assert!(SESSIONS.contains(&s));
        }
    }
}
