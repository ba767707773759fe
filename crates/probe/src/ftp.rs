//! FTP USER/PASS with default credentials.

use crate::{Conn, Tried};

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
    let mut asked = false;
    for (user, pass) in creds {
        let Some(mut c) = fresh() else {
            break;
        };
        if reply(&mut c) != Some(220) {
            return if asked {
                Tried::Refused
            } else {
                Tried::NotAsked
            };
        }
        if !c.send(format!("USER {user}\r\n").as_bytes()) {
            continue;
        }
        match reply(&mut c) {
            Some(230) => return Tried::Accepted(user.clone()),
            Some(331) => {}
            _ => continue,
        }
        asked = true;
        if !c.send(format!("PASS {pass}\r\n").as_bytes()) {
            continue;
        }
        if reply(&mut c) == Some(230) {
            let _ = c.send(b"QUIT\r\n");
            return Tried::Accepted(user.clone());
        }
    }
    if asked {
        Tried::Refused
    } else {
        Tried::NotAsked
    }
}
