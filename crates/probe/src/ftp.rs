//! FTP USER/PASS with default credentials.

use crate::{each_credential, Attempt, Conn, Tried};

/// The reply code at the start of the last complete line of `b`.
pub(crate) fn reply_code(b: &[u8]) -> Option<u16> {
    let t = String::from_utf8_lossy(b);
    let last = t
        .lines()
        .rev()
        .find(|l| l.len() >= 4 && l.as_bytes()[3] == b' ')?;
    last.get(..3)?.parse().ok()
}

fn reply(c: &mut Conn) -> Option<u16> {
    let b = c.read_until(|b| b.ends_with(b"\n") && reply_code(b).is_some());
    reply_code(&b)
}

/// Tries each credential on a fresh connection.
pub(crate) fn try_logins(
    fresh: &mut impl FnMut() -> Option<Conn>,
    creds: &[(String, String)],
) -> Tried {
    each_credential(fresh, creds, |mut c, user, pass| {
        if reply(&mut c) != Some(220) {
            return Attempt::Stop;
        }
        if !c.send(format!("USER {user}\r\n").as_bytes()) {
            return Attempt::Lost;
        }
        match reply(&mut c) {
            Some(230) => return Attempt::In,
            Some(331) => {}
            _ => return Attempt::Lost,
        }
        if c.send(format!("PASS {pass}\r\n").as_bytes()) && reply(&mut c) == Some(230) {
            let _ = c.send(b"QUIT\r\n");
            return Attempt::In;
        }
        Attempt::Out
    })
}
