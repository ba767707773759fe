//! MQTT 3.1.1 CONNECT: does the broker accept a client with no credentials, or with a default
//! user name and password?

use crate::{Conn, Tried};

/// A CONNECT packet, with credentials when given.
pub(crate) fn connect_packet(cred: Option<(&str, &str)>) -> Vec<u8> {
    let mut var = vec![0, 4, b'M', b'Q', b'T', b'T', 4];
    let mut flags = 0x02u8;
    if cred.is_some() {
        flags |= 0xc0;
    }
    var.push(flags);
    var.extend_from_slice(&[0, 30]);
    let mut field = |s: &[u8]| {
        var.extend_from_slice(&(s.len() as u16).to_be_bytes());
        var.extend_from_slice(s);
    };
    field(b"iotgate-probe");
    if let Some((u, p)) = cred {
        field(u.as_bytes());
        field(p.as_bytes());
    }
    let mut out = vec![0x10];
    let mut n = var.len();
    loop {
        let mut b = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            b |= 0x80;
        }
        out.push(b);
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&var);
    out
}

/// The CONNACK return code, if the broker answered with one.
fn connack(c: &mut Conn, cred: Option<(&str, &str)>) -> Option<u8> {
    if !c.send(&connect_packet(cred)) {
        return None;
    }
    let b = c.read_until(|b| b.len() >= 4);
    connack_code(&b)
}

/// The return code of a CONNACK packet.
pub(crate) fn connack_code(b: &[u8]) -> Option<u8> {
    (b.len() >= 4 && b[0] == 0x20 && b[1] == 2).then(|| b[3])
}

/// Tries each credential, after checking whether the broker asks for any (when it does not,
/// any name would be accepted and none is tried).
pub(crate) fn try_logins(
    fresh: &mut impl FnMut() -> Option<Conn>,
    creds: &[(String, String)],
) -> Tried {
    let Some(mut c) = fresh() else {
        return Tried::NotAsked;
    };
    match connack(&mut c, None) {
        Some(0) => return Tried::NoAuth,
        None => return Tried::NotAsked,
        Some(_) => {}
    }
    for (user, pass) in creds {
        let Some(mut c) = fresh() else {
            break;
        };
        if connack(&mut c, Some((user, pass))) == Some(0) {
            return Tried::Accepted(user.clone());
        }
    }
    Tried::Refused
}
