//! Fuzz target: the streaming capture reader must not panic on any bytes read in any chunks (with
//! interrupted and would-block reads), and must yield exactly what the file reader yields on the
//! same bytes: the same open error, or the same packets, link types and warnings.
#![no_main]
use iotgate_sources::{Capture, Next, PacketSource, StreamReader, Warning};
use libfuzzer_sys::fuzz_target;
use std::io::{self, ErrorKind, Read};
use std::path::{Path, PathBuf};

/// Hands the bytes out in reads of the sizes given (a size of 0 is an `Interrupted` read, 1 past
/// the header a `WouldBlock`), scaled so that both tiny and large reads happen. A failed read is
/// always followed by one that hands out data, so reading always progresses.
struct Chunks<'a> {
    data: &'a [u8],
    at: usize,
    sizes: &'a [u8],
    scale: usize,
    calls: usize,
    failed: bool,
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.calls += 1;
        let s = match self.sizes {
            [] => 4096,
            s => usize::from(s[self.calls % s.len()]),
        };
        if !std::mem::take(&mut self.failed) {
            self.failed = s <= 1;
            match s {
                0 => return Err(ErrorKind::Interrupted.into()),
                1 if self.at >= 28 => return Err(ErrorKind::WouldBlock.into()),
                _ => {}
            }
        }
        let n = (s.max(1) * self.scale)
            .min(buf.len())
            .min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

type Outcome = (Vec<(i64, u16, Vec<u8>, u32)>, Vec<Warning>, Vec<u16>);

fn from_file(bytes: &[u8]) -> Result<Outcome, String> {
    let cap =
        Capture::from_bytes(Path::new("f"), bytes.to_vec()).map_err(|e| format!("{:?}", e.kind))?;
    let mut r = cap.reader().map_err(str::to_string)?;
    let mut packets = Vec::new();
    while let Some(p) = r.next_packet() {
        packets.push((p.ts_ns, p.linktype, p.data.to_vec(), p.orig_len));
    }
    Ok((packets, r.warnings().to_vec(), r.linktypes()))
}

fn from_stream(reader: Chunks<'_>) -> Result<Outcome, String> {
    let mut s =
        StreamReader::new(PathBuf::from("f"), reader).map_err(|e| format!("{:?}", e.kind))?;
    let mut packets = Vec::new();
    loop {
        match s.next() {
            Next::Packet(p) => packets.push((p.ts_ns, p.linktype, p.data.to_vec(), p.orig_len)),
            Next::Idle => {}
            Next::End => break,
        }
    }
    assert!(s.error().is_none());
    Ok((packets, s.warnings().to_vec(), s.linktypes()))
}

fuzz_target!(|input: &[u8]| {
    // First byte: which magic goes in front (as in `capture`, so the record parsers are reached)
    // and the read scale; the next eight: the read sizes; the rest: the capture.
    let Some((&sel, rest)) = input.split_first() else {
        return;
    };
    let (sizes, data) = rest.split_at(rest.len().min(8));
    let magics: [&[u8]; 3] = [&[], &[0xd4, 0xc3, 0xb2, 0xa1], &[0x0a, 0x0d, 0x0d, 0x0a]];
    let mut bytes = magics[usize::from(sel) % 3].to_vec();
    bytes.extend_from_slice(data);
    let scale = [1, 7, 64, 4096][usize::from(sel >> 6)];
    let stream = from_stream(Chunks {
        data: &bytes,
        at: 0,
        sizes,
        scale,
        calls: 0,
        failed: false,
    });
    assert_eq!(stream, from_file(&bytes));
});
