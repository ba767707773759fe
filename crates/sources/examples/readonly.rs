//! Read floor: walks every record of a capture with iotgate's own reader, touching one byte of
//! each frame, and prints the packet count and the time taken. BENCHMARKS.md compares
//! `iotgate analyze` with this number (the cost of reading alone, on this machine).
//!
//! `cargo run --release -p iotgate-sources --example readonly -- FILE`
//!
//! With `--stream FILE` (or `--stream -` for standard input) it reads through the streaming
//! reader instead, for comparison.

use iotgate_sources::{Next, PacketSource, StreamReader};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    let stream = args.first().is_some_and(|a| a == "--stream");
    if stream {
        args.remove(0);
    }
    let Some(path) = args.first().cloned() else {
        eprintln!("usage: readonly [--stream] FILE");
        return ExitCode::from(2);
    };
    let start = std::time::Instant::now();
    if stream {
        let input: Box<dyn Read> = if path == "-" {
            Box::new(std::io::stdin().lock())
        } else {
            match std::fs::File::open(&path) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("{}: {e}", Path::new(&path).display());
                    return ExitCode::from(2);
                }
            }
        };
        let mut reader = match StreamReader::new(PathBuf::from(&path), input) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(2);
            }
        };
        let (mut packets, mut sum) = (0u64, 0u64);
        while let Next::Packet(p) = reader.next() {
            packets += 1;
            let byte = p.data.get(23).copied().unwrap_or(0) as u64;
            sum = sum.wrapping_add(byte).wrapping_add(p.ts_ns as u64);
        }
        println!(
            "{packets} packets (checksum {sum}) in {:?}, streamed",
            start.elapsed()
        );
        return ExitCode::SUCCESS;
    }
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
