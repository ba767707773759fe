//! SSDP (UPnP discovery over UDP 1900): NOTIFY, M-SEARCH and search responses.

use crate::bytes::{header_lines, split_header, starts_with_ci};
use crate::Error;

/// The kind of SSDP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `NOTIFY * HTTP/1.1` announcement.
    Notify,
    /// `M-SEARCH * HTTP/1.1` query.
    Search,
    /// `HTTP/1.1 200 OK` search response.
    Response,
}

/// A decoded SSDP message; header values borrow from the packet.
#[derive(Debug, Clone, Copy)]
pub struct Ssdp<'a> {
    /// Message kind.
    pub kind: Kind,
    /// SERVER header.
    pub server: Option<&'a [u8]>,
    /// USN header.
    pub usn: Option<&'a [u8]>,
    /// LOCATION header.
    pub location: Option<&'a [u8]>,
    /// NT header (notifications).
    pub nt: Option<&'a [u8]>,
    /// NTS header (ssdp:alive / ssdp:byebye).
    pub nts: Option<&'a [u8]>,
    /// ST header (searches and responses).
    pub st: Option<&'a [u8]>,
    /// USER-AGENT header (searches).
    pub user_agent: Option<&'a [u8]>,
}

/// Decodes an SSDP datagram.
pub fn parse(b: &[u8]) -> Result<Ssdp<'_>, Error> {
    let kind = if starts_with_ci(b, b"NOTIFY ") {
        Kind::Notify
    } else if starts_with_ci(b, b"M-SEARCH ") {
        Kind::Search
    } else if starts_with_ci(b, b"HTTP/1.") {
        Kind::Response
    } else {
        return Err(Error::NotThis("ssdp"));
    };
    let mut s = Ssdp {
        kind,
        server: None,
        usn: None,
        location: None,
        nt: None,
        nts: None,
        st: None,
        user_agent: None,
    };
    for line in header_lines(b).skip(1).take(64) {
        let Some((n, v)) = split_header(line) else {
            continue;
        };
        let slot = if n.eq_ignore_ascii_case(b"server") {
            &mut s.server
        } else if n.eq_ignore_ascii_case(b"usn") {
            &mut s.usn
        } else if n.eq_ignore_ascii_case(b"location") {
            &mut s.location
        } else if n.eq_ignore_ascii_case(b"nt") {
            &mut s.nt
        } else if n.eq_ignore_ascii_case(b"nts") {
            &mut s.nts
        } else if n.eq_ignore_ascii_case(b"st") {
            &mut s.st
        } else if n.eq_ignore_ascii_case(b"user-agent") {
            &mut s.user_agent
        } else {
            continue;
        };
        *slot = Some(v);
    }
    Ok(s)
}
