//! Fuzz target: the reassembly of a client's first message (`observe::reassembly`) and the
//! completeness tests it relies on (`tls::client_hello_complete`, `http::request_complete`,
//! `tls::join_hello_records`) must not panic, and a buffer never holds more than its kind's cap
//! nor the pool more than its buffers. The input is a first segment, then segments each led by
//! a 4-byte header: a sequence-number offset from the byte expected next (0 most of the time,
//! to follow on) and a length.
#![no_main]
use iotgate_observe::reassembly::{self, Config, Pool, Push, Stats};
use iotgate_wire::{http, tls};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut scratch = vec![0u8; reassembly::SLOT_BYTES];
    let _ = tls::client_hello_complete(data);
    let _ = http::request_complete(data, reassembly::HTTP_CAP);
    if let Some(n) = tls::join_hello_records(data, &mut scratch) {
        assert!(n <= scratch.len());
        let _ = tls::parse_client_hello(&scratch[..n]).map(|h| h.ja4());
    }

    let Some((&first_len, rest)) = data.split_first() else {
        return;
    };
    let first_len = usize::from(first_len).min(rest.len());
    let (first, mut rest) = rest.split_at(first_len);
    let Some(kind) = reassembly::incomplete_message(first) else {
        return;
    };
    let mut pool: Pool<()> = Pool::new(Config {
        slots: 2,
        timeout_ns: 5_000_000_000,
    });
    let mut st = Stats::default();
    let slot = pool
        .start(&mut st, kind, first, 1000, 0, ())
        .expect("a free buffer");
    assert!(pool.start(&mut st, kind, first, 0, 0, ()).is_some());
    assert!(
        pool.start(&mut st, kind, first, 0, 0, ()).is_none(),
        "two buffers only"
    );
    let mut next = 1000u32.wrapping_add(first.len() as u32);
    let mut ts = 0i64;
    while rest.len() >= 4 {
        let off = i16::from_le_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_le_bytes([rest[2], rest[3]])).min(rest.len() - 4);
        let seg = &rest[4..4 + len];
        rest = &rest[4 + len..];
        let seq = if off % 4 == 0 {
            next
        } else {
            next.wrapping_add(off as u32)
        };
        ts += 1_000_000;
        let r = pool.push(&mut st, slot, seq, seg, ts);
        let (bytes, _) = pool.message(slot).expect("held");
        assert!(bytes.len() <= kind.cap());
        match r {
            Push::Waiting => next = seq.wrapping_add(seg.len() as u32),
            Push::Ignored => {}
            Push::Done | Push::GaveUp => {
                if let Some(n) = tls::join_hello_records(bytes, &mut scratch) {
                    let _ = tls::parse_client_hello(&scratch[..n]).map(|h| h.ja4());
                }
                let _ = http::parse(bytes).map(|r| http::sensitive_fields(&r));
                break;
            }
        }
    }
    pool.release(&mut st, slot, true);
    assert_eq!(pool.in_use(), 1);
    let _ = pool.next_expired(i64::MAX);
});
