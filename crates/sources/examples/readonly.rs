//! Read floor: walks every record of a capture with iotgate's own reader, touching one byte of
//! each frame, and prints the packet count and the time taken. BENCHMARKS.md compares
//! `iotgate analyze` with this number (the cost of reading alone, on this machine).
//!
//! `cargo run --release -p iotgate-sources --example readonly -- FILE`

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: readonly FILE");
        return ExitCode::from(2);
    };
    let start = std::time::Instant::now();
    let cap = match iotgate_sources::Capture::open(Path::new(&path)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut reader = match cap.reader() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (mut packets, mut sum) = (0u64, 0u64);
    while let Some(p) = reader.next_packet() {
        packets += 1;
        let byte = p.data.get(23).copied().unwrap_or(0) as u64;
        sum = sum.wrapping_add(byte).wrapping_add(p.ts_ns as u64);
        if packets % (1 << 20) == 0 {
            cap.release_before(reader.position());
        }
    }
    println!(
        "{packets} packets (checksum {sum}) in {:?}",
        start.elapsed()
    );
    ExitCode::SUCCESS
}
