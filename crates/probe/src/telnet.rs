//! A minimal Telnet client: refuses every option but echo and suppress-go-ahead, strips the
//! negotiation from the text, and tries logins at the prompts.

use crate::printable::printable;
use crate::{each_credential, Attempt, Conn, Tried};

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;

/// Splits a chunk into text and the negotiation replies it calls for.
pub(crate) fn negotiate(chunk: &[u8], reply: &mut Vec<u8>) -> Vec<u8> {
    let mut text = Vec::with_capacity(chunk.len());
    let mut i = 0;
    while i < chunk.len() {
        let c = chunk[i];
        if c != IAC {
            text.push(c);
            i += 1;
            continue;
        }
        let Some(&cmd) = chunk.get(i + 1) else {
            break;
        };
        match cmd {
            IAC => {
                text.push(IAC);
                i += 2;
            }
            DO | DONT | WILL | WONT => {
                if let Some(&opt) = chunk.get(i + 2) {
                    match cmd {
                        DO => reply.extend_from_slice(&[IAC, WONT, opt]),
                        WILL if opt == 1 || opt == 3 => reply.extend_from_slice(&[IAC, DO, opt]),
                        WILL => reply.extend_from_slice(&[IAC, DONT, opt]),
                        _ => {}
                    }
                }
                i += 3;
            }
            SB => {
                // Skip to IAC SE.
                let mut j = i + 2;
                while j + 1 < chunk.len() && !(chunk[j] == IAC && chunk[j + 1] == SE) {
                    j += 1;
                }
                i = j + 2;
            }
            _ => i += 2,
        }
    }
    text
}

/// Reads text (negotiation answered and removed) until `done` holds on the printable text
/// so far, the peer closes or the read timeout passes.
pub(crate) fn read_text(c: &mut Conn, mut done: impl FnMut(&str) -> bool) -> String {
    let mut text = Vec::new();
    let mut reply = Vec::new();
    let mut seen = 0;
    let _ = c.read_until(|all| {
        let new = &all[seen..];
        seen = all.len();
        text.extend(negotiate(new, &mut reply));
        done(&printable(&text))
    });
    if !reply.is_empty() {
        let _ = c.send(&reply);
    }
    printable(&text)
}

fn lower_ends_with_any(t: &str, ends: &[&str]) -> bool {
    let l = t.trim_end().to_ascii_lowercase();
    ends.iter().any(|e| l.ends_with(e))
}

const LOGIN_PROMPTS: &[&str] = &["login:", "username:", "user name:", "user:"];
const FAILURE: &[&str] = &[
    "incorrect",
    "failed",
    "invalid",
    "denied",
    "bad password",
    "wrong",
];

/// True for text that ends in a shell prompt.
fn shell_prompt(t: &str) -> bool {
    let l = t.trim_end();
    l.ends_with('#') || l.ends_with('$') || l.ends_with('>') || l.ends_with('%')
}

/// Tries each credential on a fresh connection.
pub(crate) fn try_logins(
    fresh: &mut impl FnMut() -> Option<Conn>,
    creds: &[(String, String)],
) -> Tried {
    let prompt = |t: &str| lower_ends_with_any(t, LOGIN_PROMPTS);
    let password = |t: &str| lower_ends_with_any(t, &["password:"]);
    each_credential(fresh, creds, |mut c, user, pass| {
        // Answer negotiation as it comes: prompts often only appear once it is settled.
        let mut t = String::new();
        for _ in 0..3 {
            t = read_text(&mut c, |t| prompt(t) || password(t));
            if prompt(&t) || password(&t) {
                break;
            }
        }
        if prompt(&t) {
            if !c.send(format!("{user}\r\n").as_bytes()) {
                return Attempt::Out;
            }
            let t2 = read_text(&mut c, |t| password(t) || shell_prompt(t));
            if shell_prompt(&t2) && !password(&t2) {
                return Attempt::In;
            }
            if !password(&t2) {
                return Attempt::Out;
            }
        } else if !password(&t) {
            return Attempt::Stop;
        }
        if !c.send(format!("{pass}\r\n").as_bytes()) {
            return Attempt::Out;
        }
        let failed = |t: &str| {
            let l = t.to_ascii_lowercase();
            FAILURE.iter().any(|f| l.contains(f)) || prompt(t)
        };
        let after = read_text(&mut c, |t| failed(t) || shell_prompt(t));
        if !failed(&after) && shell_prompt(&after) {
            Attempt::In
        } else {
            Attempt::Out
        }
    })
}
