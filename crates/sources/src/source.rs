//! The one interface every packet source offers ([`PacketSource`]): capture files read through a
//! memory map ([`Reader`]), any byte stream such as standard input ([`crate::StreamReader`]),
//! and on Linux a live network interface (`LiveCapture`).

use crate::{RawPacket, Reader, Warning};

/// What a source yields on each call.
#[derive(Debug)]
pub enum Next<'a> {
    /// A packet (borrowing the source's buffer until the next call).
    Packet(RawPacket<'a>),
    /// Nothing arrived within the source's poll interval (live sources only); the caller may let
    /// time advance.
    Idle,
    /// The input is over (end of file, end of pipe, or the source was closed).
    End,
}

/// Anything packets come from: a capture file, a pipe, a live interface. Adding a source touches
/// nothing else.
pub trait PacketSource {
    /// The next packet, `Idle` when a live source had nothing within its poll interval, or `End`
    /// (and `End` again on every later call).
    fn next(&mut self) -> Next<'_>;
    /// Problems met so far (damage, undecodable link types are NOT added here), with byte
    /// offsets.
    fn warnings(&self) -> &[Warning];
    /// Link types seen so far.
    fn linktypes(&self) -> Vec<u16>;
    /// Bytes consumed so far (for progress bars).
    fn position(&self) -> u64;
    /// Total bytes when known (a file), None for pipes and interfaces.
    fn len_hint(&self) -> Option<u64>;
    /// A fatal read error that ended the source early (an I/O error on the pipe or socket), if
    /// any.
    fn error(&self) -> Option<&std::io::Error> {
        None
    }
}

/// The memory-mapped reader as a source: the same packets as [`Reader::next_packet`] (which stays
/// the fast path for code that knows it reads a file), never `Idle`.
impl PacketSource for Reader<'_> {
    #[inline]
    fn next(&mut self) -> Next<'_> {
        match self.next_packet() {
            Some(p) => Next::Packet(p),
            None => Next::End,
        }
    }
    fn warnings(&self) -> &[Warning] {
        Reader::warnings(self)
    }
    fn linktypes(&self) -> Vec<u16> {
        Reader::linktypes(self)
    }
    fn position(&self) -> u64 {
        Reader::position(self) as u64
    }
    fn len_hint(&self) -> Option<u64> {
        Some(match self {
            Reader::Pcap(r) => r.len() as u64,
            Reader::Pcapng(r) => r.len() as u64,
        })
    }
}
