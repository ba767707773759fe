//! Measures the floor of `analyze`: reading and decoding every packet of a capture, no state.
//! Usage: cargo run --release --example read_decode -- CAPTURE

fn main() {
    let path = std::env::args().nth(1).expect("usage: read_decode CAPTURE");
    let cap = iotgate_sources::Capture::open(std::path::Path::new(&path)).expect("capture");
    let mut r = cap.reader().expect("reader");
    let t = std::time::Instant::now();
    let (mut n, mut sum) = (0u64, 0u64);
    while let Some(p) = r.next_packet() {
        if let Ok(d) = iotgate_wire::decode(p.linktype, p.data) {
            if let iotgate_wire::L4::Tcp(t) = d.l4 {
                sum = sum.wrapping_add(t.seq as u64);
            }
        }
        n += 1;
        if n & 0x3fff == 0 {
            cap.release_before(r.position().saturating_sub(1 << 20));
        }
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{n} packets in {s:.2} s: {:.2} Mpps (checksum {sum})",
        n as f64 / s / 1e6
    );
}
