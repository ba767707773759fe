//! HTTP Basic authentication with default credentials.

use crate::{Conn, Tried};
use std::net::IpAddr;

/// Standard base64 (RFC 4648) of `b`.
pub(crate) fn base64(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(b.len().div_ceil(3) * 4);
    for ch in b.chunks(3) {
        let n = (ch[0] as u32) << 16
            | (*ch.get(1).unwrap_or(&0) as u32) << 8
            | *ch.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= ch.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Sends a GET / (with `auth` if given) and returns the status code and the head.
fn get(c: &mut Conn, addr: IpAddr, auth: Option<&str>) -> Option<(u16, String)> {
    let host = match addr {
        IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    };
    let mut req = format!("GET / HTTP/1.0\r\nHost: {host}\r\nUser-Agent: iotgate-probe\r\n");
    if let Some(a) = auth {
        req.push_str(&format!("Authorization: Basic {a}\r\n"));
    }
    req.push_str("\r\n");
    if !c.send(req.as_bytes()) {
        return None;
    }
    let b = c.read_until(|b| b.windows(4).any(|w| w == b"\r\n\r\n"));
    let head = String::from_utf8_lossy(&b).to_string();
    let code = head.split_whitespace().nth(1)?.parse().ok()?;
    head.starts_with("HTTP/").then_some((code, head))
}

/// Tries each credential when the page asks for Basic authentication.
pub(crate) fn try_logins(
    fresh: &mut impl FnMut() -> Option<Conn>,
    addr: IpAddr,
    creds: &[(String, String)],
) -> Tried {
    let Some(mut c) = fresh() else {
        return Tried::NotAsked;
    };
    let Some((code, head)) = get(&mut c, addr, None) else {
        return Tried::NotAsked;
    };
    let basic = crate::banner::header(&head, "www-authenticate")
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("basic"));
    if code != 401 || !basic {
        return Tried::NotAsked;
    }
    for (user, pass) in creds {
        let Some(mut c) = fresh() else {
            break;
        };
        let token = base64(format!("{user}:{pass}").as_bytes());
        if let Some((code, _)) = get(&mut c, addr, Some(&token)) {
            if (200..400).contains(&code) {
                return Tried::Accepted(user.clone());
            }
        }
    }
    Tried::Refused
}
