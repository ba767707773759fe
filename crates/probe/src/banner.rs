//! Banners: what a service says about itself, as printable text, and whether it gives a version.

use crate::printable::printable;
use crate::{telnet, Conn, Service};
use std::net::IpAddr;

/// True when `s` carries a version number (digits, a dot, digits), as in `OpenSSH_7.4`,
/// `lighttpd/1.4.35` or `BusyBox v1.22.1`: the kind of detail that tells an attacker which
/// known flaws to try.
pub fn has_version(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(3)
        .any(|w| w[0].is_ascii_digit() && w[1] == b'.' && w[2].is_ascii_digit())
}

/// The value of header `name` in an HTTP-style head, if present.
pub(crate) fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

/// Reads what the service on `c` announces (asking first where the protocol needs it).
pub(crate) fn grab(c: &mut Conn, svc: Service, addr: IpAddr) -> Option<String> {
    let text = match svc {
        Service::Ftp | Service::Ssh => {
            let b = c.read_until(|b| b.contains(&b'\n'));
            printable(&b)
        }
        Service::Telnet => telnet::read_text(c, |t| t.trim_end().ends_with(':')),
        Service::Http => {
            let host = match addr {
                std::net::IpAddr::V6(a) => format!("[{a}]"),
                a => a.to_string(),
            };
            let req =
                format!("HEAD / HTTP/1.0\r\nHost: {host}\r\nUser-Agent: iotgate-probe\r\n\r\n");
            if !c.send(req.as_bytes()) {
                return None;
            }
            let b = c.read_until(|b| b.windows(4).any(|w| w == b"\r\n\r\n"));
            let head = String::from_utf8_lossy(&b);
            header(&head, "server")
                .map(|s| printable(s.as_bytes()))
                .or_else(|| head.lines().next().map(|l| printable(l.as_bytes())))
                .unwrap_or_default()
        }
        Service::Rtsp => {
            if !c.send(b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: iotgate-probe\r\n\r\n") {
                return None;
            }
            let b = c.read_until(|b| b.windows(4).any(|w| w == b"\r\n\r\n"));
            let head = String::from_utf8_lossy(&b);
            header(&head, "server")
                .map(|s| printable(s.as_bytes()))
                .unwrap_or_default()
        }
        _ => String::new(),
    };
    (!text.is_empty()).then_some(text)
}
