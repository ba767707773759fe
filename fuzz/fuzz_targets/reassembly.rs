//! Fuzz target: the reassembly of a client's first message (`observe::reassembly`) and the
//! completeness tests it relies on (`tls::client_hello_complete`, `http::request_complete`,
//! `tls::join_hello_records`) must not panic; a buffer never holds more than its kind's cap nor
//! the pool more than its buffers, and the ranges it holds beyond its prefix stay in order,
//! apart and within the cap.
//!
//! The input is a header — a mode byte, the stream's first sequence number (4 bytes, so that
//! numbers wrap), the message's length (2 bytes) — the message, then pieces of it, each led by
//! a 5-byte header: offset and length in the message (2 bytes each) and flags: sent far from
//! its place (4 more bytes: a sequence-number distance), or with its bytes altered. The pieces
//! come in any order, overlap, repeat, leave gaps. The mode says how the message starts — its
//! first `n` bytes in order, as before, or the first piece wherever it lies, placed by the SYN
//! noted before it — and whether the whole message then comes again in order (its
//! retransmission), so that every byte arrives. When only true bytes at their places were
//! sent: a message ended whole holds the message's first bytes and shows the fingerprint of
//! the message unsplit (a ClientHello's JA4, a request head's fields), and a ClientHello that
//! is whole within the cap always ends whole once every byte arrived.
#![no_main]
use iotgate_observe::reassembly::{self, Config, Kind, Pool, Push, Stats};
use iotgate_wire::{http, tls};
use libfuzzer_sys::fuzz_target;

/// What inspection reads of a message: a ClientHello's JA4, a request head's fields.
fn fingerprint(b: &[u8], scratch: &mut [u8]) -> Option<String> {
    if b.first() == Some(&0x16) {
        let hello = match tls::join_hello_records(b, scratch) {
            Some(n) => &scratch[..n],
            None => b,
        };
        return tls::parse_client_hello(hello).ok().map(|h| h.ja4());
    }
    let r = http::parse(b).ok()?;
    Some(format!(
        "{:?} {:?} {:?} {:?} {:?}",
        r.method, r.target, r.host, r.user_agent, r.content_length
    ))
}

/// Takes `n` bytes off the front of `b`.
fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, rest) = (b.get(..n)?, b.get(n..)?);
    *b = rest;
    Some(head)
}

fuzz_target!(|data: &[u8]| {
    let mut scratch = vec![0u8; reassembly::SLOT_BYTES];
    let _ = tls::client_hello_complete(data);
    let _ = http::request_complete(data, reassembly::HTTP_CAP);
    if let Some(n) = tls::join_hello_records(data, &mut scratch) {
        assert!(n <= scratch.len());
        let _ = tls::parse_client_hello(&scratch[..n]).map(|h| h.ja4());
    }

    let mut rest = data;
    let Some(head) = take(&mut rest, 7) else {
        return;
    };
    let mode = head[0];
    let (by_syn, resend) = (mode & 1 != 0, mode & 2 != 0);
    let first_seq = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
    let len = usize::from(u16::from_le_bytes([head[5], head[6]])).min(rest.len());
    let Some(msg) = take(&mut rest, len) else {
        return;
    };
    if msg.is_empty() {
        return;
    }
    let at = |o: usize| first_seq.wrapping_add(o as u32);
    // The pieces: (sequence number, bytes, true bytes at their place).
    let mut pieces: Vec<(u32, Vec<u8>, bool)> = Vec::new();
    while pieces.len() < 64 {
        let Some(h) = take(&mut rest, 5) else {
            break;
        };
        let off = usize::from(u16::from_le_bytes([h[0], h[1]])) % msg.len();
        let n = usize::from(u16::from_le_bytes([h[2], h[3]])).min(msg.len() - off);
        let mut bytes = msg[off..off + n].to_vec();
        let mut seq = at(off);
        let mut clean = true;
        if h[4] & 1 != 0 {
            let Some(d) = take(&mut rest, 4) else {
                break;
            };
            seq = seq.wrapping_add(u32::from_le_bytes([d[0], d[1], d[2], d[3]]));
            clean = seq == at(off);
        }
        if h[4] & 2 != 0 && !bytes.is_empty() {
            let i = usize::from(h[4] >> 2) % bytes.len();
            bytes[i] ^= 0x5a;
            clean = false;
        }
        pieces.push((seq, bytes, clean));
    }

    let mut pool: Pool<()> = Pool::new(Config {
        slots: 2,
        timeout_ns: 5_000_000_000,
    });
    let mut st = Stats::default();
    // The message starts: its first bytes in order, or the first piece wherever it lies.
    let mut clean = true;
    let slot = if by_syn {
        let Some((seq, bytes, ok)) = pieces.first().cloned() else {
            return;
        };
        pieces.remove(0);
        clean &= ok;
        pool.note_syn(&7u32, first_seq.wrapping_sub(1));
        pool.first_payload(&mut st, &7u32, &bytes, seq, 0, ())
    } else {
        let n = (usize::from(mode >> 2) + 1).min(msg.len());
        let kind = reassembly::incomplete_message(&msg[..n]);
        kind.and_then(|k| pool.start(&mut st, k, &msg[..n], first_seq, 0, ()))
    };
    let Some(slot) = slot else {
        return;
    };
    assert!(pool
        .start(&mut st, Kind::Http, b"GET /", 0, 0, ())
        .is_some());
    assert!(
        pool.start(&mut st, Kind::Http, b"GET /", 0, 0, ())
            .is_none(),
        "two buffers only"
    );

    // Then the pieces, and the whole message again in order when the mode says so.
    let mut resent = Vec::new();
    if resend {
        for (i, c) in msg.chunks(1460).enumerate() {
            resent.push((at(i * 1460), c.to_vec(), true));
        }
    }
    let mut ended = None;
    let mut ts = 0i64;
    for (seq, bytes, ok) in pieces.iter().chain(resent.iter()) {
        ts += 1_000_000;
        let r = pool.push(&mut st, slot, *seq, bytes, ts);
        // Only a piece that placed bytes can have placed wrong ones (an altered copy of bytes
        // already held is ignored: the first copy wins).
        if matches!(r, Push::Waiting | Push::Done | Push::GaveUp) {
            clean &= *ok;
        }
        let (bytes, h) = pool.message(slot).expect("held");
        assert!(bytes.len() <= h.cap() && h.cap() <= reassembly::SLOT_BYTES);
        assert_eq!(h.next_seq, h.first_seq.wrapping_add(h.len));
        let mut end = h.len as usize;
        for &(a, b) in h.ahead() {
            let (a, b) = (usize::from(a), usize::from(b));
            assert!(
                end < a && a < b && b <= h.cap(),
                "{:?} after {}",
                h.ahead(),
                h.len
            );
            end = b;
        }
        if matches!(r, Push::Done | Push::GaveUp) {
            ended = Some(r);
            break;
        }
    }
    let (bytes, h) = pool.message(slot).expect("held");
    let fp = fingerprint(bytes, &mut scratch);
    let _ = http::parse(bytes).map(|r| http::sensitive_fields(&r));
    if clean && h.kind.is_some() {
        if ended == Some(Push::Done) {
            assert_eq!(bytes, &msg[..bytes.len()]);
            assert_eq!(fp, fingerprint(msg, &mut scratch), "the message unsplit");
        }
        let whole_hello = msg[0] == 0x16
            && tls::client_hello_complete(&msg[..msg.len().min(h.cap())]) == Some(true);
        if resend && whole_hello {
            assert_eq!(
                ended,
                Some(Push::Done),
                "every byte of a whole hello arrived"
            );
        }
    }
    pool.release(&mut st, slot, true);
    assert_eq!(pool.in_use(), 1);
    let _ = pool.next_expired(i64::MAX);
});
