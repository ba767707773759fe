//! SSH password logins with default credentials (libssh2 through the `ssh2` crate: iotgate
//! does not implement SSH's cryptography itself).

use crate::{each_credential, Attempt, Conn, Tried};

/// Tries each credential on a fresh connection; a server that lets a user in with no
/// authentication at all is reported as such.
pub(crate) fn try_logins(
    fresh: &mut impl FnMut() -> Option<Conn>,
    creds: &[(String, String)],
) -> Tried {
    each_credential(fresh, creds, |c, user, pass| {
        let Ok(mut sess) = ssh2::Session::new() else {
            return Attempt::Stop;
        };
        sess.set_timeout(c.deadline.as_millis().min(u32::MAX as u128) as u32);
        sess.set_tcp_stream(c.s);
        if sess.handshake().is_err() {
            return Attempt::Stop;
        }
        // Asking for the methods sends the "none" method: a server may let that in.
        let methods = match sess.auth_methods(user) {
            Ok(m) => m.to_string(),
            Err(_) if sess.authenticated() => return Attempt::NoAuth,
            Err(_) => return Attempt::Stop,
        };
        if !methods.split(',').any(|m| m == "password") {
            return Attempt::Stop;
        }
        if sess.userauth_password(user, pass).is_ok() && sess.authenticated() {
            Attempt::In
        } else {
            Attempt::Out
        }
    })
}
