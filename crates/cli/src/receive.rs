//! Receiving flow exports for `collect --listen`: N UDP sockets bound to one address with
//! SO_REUSEPORT (the kernel spreads exporters over them by address and port hash, so one
//! exporter always reaches the same socket), each drained by its own thread with `recvmmsg`,
//! up to [`SLOTS`] datagrams per system call; batches go to the decoding thread over a bounded
//! channel and come back to be reused, so nothing is allocated per packet. When decoding falls
//! behind, the readers wait and the kernel's buffers fill: what the kernel then drops is read
//! per socket from `/proc/net/udp` and `/proc/net/udp6` (the `drops` column), never guessed.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

/// Datagrams read per system call.
pub const SLOTS: usize = 64;
/// Largest datagram kept whole (a UDP payload cannot be longer).
const SLOT_BYTES: usize = 65_536;
/// Batches in flight between the readers and the decoder.
const QUEUE: usize = 16;
/// After a read that did not fill every slot, a reader waits up to this long before the next,
/// letting datagrams gather in the socket's buffer: at low rates one wake-up per datagram costs
/// more than decoding it (a scheduler round trip each), and a collector woken tens of times a
/// second rather than thousands finds its state in cache more often: on the 3.5 M-record
/// benchmark stream the collector used 15-20 % less CPU waiting up to 25-100 ms than up to
/// 4 ms (BENCHMARKS.md, "ISP mode"). Flow records lose nothing by waiting that long (exporters
/// hold them for seconds to minutes). The wait is
/// shortened so that what arrives meanwhile, at the rate seen, fills at most a quarter of the
/// receive buffer (see [`Slots::pause_for`]); at the rate that fills a batch no reader waits.
const COALESCE: std::time::Duration = std::time::Duration::from_millis(50);
/// The longest pause after a read that had to wait for its first datagram: the sender was
/// idle, and a burst may follow at a rate the last reads say nothing of. Each read that finds
/// datagrams already waiting doubles the limit, up to [`COALESCE`] (see [`Slots::ceiling_after`]).
const FIRST_PAUSE: std::time::Duration = std::time::Duration::from_millis(1);

/// Datagrams read together: their bytes one after another, and per datagram its sender and
/// where its bytes are.
#[derive(Default)]
pub struct Batch {
    /// The datagrams' bytes.
    pub data: Vec<u8>,
    /// (sender, start, length) per datagram.
    pub items: Vec<(IpAddr, usize, usize)>,
}

/// The sockets and their reader threads.
pub struct Receiver {
    /// Filled batches (from reader threads).
    rx: mpsc::Receiver<Batch>,
    /// Where emptied batches go back.
    back: mpsc::SyncSender<Batch>,
    /// With one socket, no thread: the caller reads it (half the wake-ups at low rates).
    inline: Option<(UdpSocket, Slots, Batch)>,
    /// The address bound (the port chosen, when 0 was asked).
    pub local: SocketAddr,
    inodes: Vec<u64>,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
    /// Datagrams read by all sockets.
    pub datagrams: Arc<AtomicU64>,
    /// `recvmmsg` calls made.
    pub calls: Arc<AtomicU64>,
}

fn sockaddr(addr: SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: an all-zero sockaddr_storage is a valid value.
    let mut ss: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr {
                    s_addr: u32::from_ne_bytes(a.ip().octets()),
                },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_in fits in sockaddr_storage.
            unsafe { std::ptr::write((&mut ss as *mut libc::sockaddr_storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: libc::in6_addr {
                    s6_addr: a.ip().octets(),
                },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: sockaddr_in6 fits in sockaddr_storage.
            unsafe { std::ptr::write((&mut ss as *mut libc::sockaddr_storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
    };
    (ss, len as libc::socklen_t)
}

fn from_sockaddr(ss: &libc::sockaddr_storage) -> IpAddr {
    match i32::from(ss.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let sin: &libc::sockaddr_in = unsafe { &*(ss as *const _ as *const libc::sockaddr_in) };
            IpAddr::V4(Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes()))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let s6: &libc::sockaddr_in6 =
                unsafe { &*(ss as *const _ as *const libc::sockaddr_in6) };
            let a = Ipv6Addr::from(s6.sin6_addr.s6_addr);
            a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4)
        }
        _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    }
}

fn setopt(fd: i32, level: i32, name: i32, v: libc::c_int) -> io::Result<()> {
    // SAFETY: an integer option on a socket we own.
    let r = unsafe {
        libc::setsockopt(
            fd,
            level,
            name,
            (&v as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// One socket with SO_REUSEPORT, bound to `addr`.
fn bind(addr: SocketAddr, rcvbuf: Option<u32>) -> io::Result<UdpSocket> {
    let fam = if addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    };
    // SAFETY: a new socket; its descriptor is owned by the UdpSocket below.
    let fd = unsafe { libc::socket(fam, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: fd is a socket just created and owned by nobody else.
    let sock = unsafe { UdpSocket::from_raw_fd(fd) };
    setopt(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, 1)?;
    if let Some(b) = rcvbuf {
        let v = libc::c_int::try_from(b).unwrap_or(libc::c_int::MAX);
        // Beyond net.core.rmem_max only with CAP_NET_ADMIN (SO_RCVBUFFORCE); otherwise the
        // kernel grants what its limit allows.
        if setopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, v).is_err() {
            setopt(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, v)?;
        }
    }
    let (ss, len) = sockaddr(addr);
    // SAFETY: ss holds a valid address of length len.
    if unsafe { libc::bind(fd, (&ss as *const libc::sockaddr_storage).cast(), len) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // Readers wake up now and then to see whether they should stop.
    sock.set_read_timeout(Some(std::time::Duration::from_millis(200)))?;
    Ok(sock)
}

fn inode(sock: &UdpSocket) -> u64 {
    // SAFETY: fstat on a descriptor we own, into a zeroed stat.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(sock.as_raw_fd(), &mut st) == 0 {
            st.st_ino
        } else {
            0
        }
    }
}

/// The buffers one `recvmmsg` call reads into.
struct Slots {
    bufs: Vec<u8>,
    names: Vec<libc::sockaddr_storage>,
    iov: Vec<libc::iovec>,
    hdrs: Vec<libc::mmsghdr>,
    /// The socket's receive buffer, bytes (as the kernel counts them, overhead included).
    rcvbuf: usize,
    /// When the last read returned.
    last: Option<std::time::Instant>,
    /// How long to wait before the next read.
    pause: std::time::Duration,
    /// The longest the next pause may be ([`Slots::ceiling_after`]).
    ceiling: std::time::Duration,
}

// SAFETY: the raw pointers inside point into the struct's own vectors and are rebuilt
// before every call; nothing is shared.
unsafe impl Send for Slots {}

/// The receive buffer the kernel gave `fd`, bytes.
fn rcvbuf_of(fd: i32) -> usize {
    let mut v: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: an integer option read into a local of the right size.
    let r = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVBUF,
            (&mut v as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if r == 0 {
        usize::try_from(v).unwrap_or(0)
    } else {
        0
    }
}

impl Slots {
    /// The wait before the next read after `bytes` arrived in `elapsed` (since the previous
    /// read returned): what arrives meanwhile at that rate — the kernel charges each datagram
    /// about twice its bytes — must fill at most a quarter of a `rcvbuf`-byte buffer; at most
    /// [`COALESCE`], none when shorter than half a millisecond (not worth a sleep).
    fn pause_for(
        bytes: usize,
        elapsed: Option<std::time::Duration>,
        rcvbuf: usize,
    ) -> std::time::Duration {
        let Some(e) = elapsed else {
            return std::time::Duration::ZERO;
        };
        let rate = 2.0 * bytes as f64 / e.as_secs_f64().max(1e-6);
        let p = (rcvbuf as f64 / 4.0 / rate.max(1.0)).min(COALESCE.as_secs_f64());
        if p < 0.0005 {
            std::time::Duration::ZERO
        } else {
            std::time::Duration::from_secs_f64(p)
        }
    }

    /// The longest pause after a read, from the one before (`ceiling`) and whether the read
    /// had to wait for its first datagram: [`FIRST_PAUSE`] after waiting (an idle sender may
    /// start a burst), else twice the last, up to [`COALESCE`].
    fn ceiling_after(ceiling: std::time::Duration, waited: bool) -> std::time::Duration {
        if waited {
            FIRST_PAUSE
        } else {
            (ceiling * 2).clamp(FIRST_PAUSE, COALESCE)
        }
    }

    fn new(fd: i32) -> Slots {
        Slots {
            rcvbuf: rcvbuf_of(fd),
            last: None,
            pause: std::time::Duration::ZERO,
            ceiling: FIRST_PAUSE,
            bufs: vec![0u8; SLOTS * SLOT_BYTES],
            // SAFETY: zeroed sockaddr_storage and mmsghdr values are valid; the pointers
            // are set before use.
            names: vec![unsafe { std::mem::zeroed() }; SLOTS],
            iov: Vec::with_capacity(SLOTS),
            hdrs: vec![unsafe { std::mem::zeroed() }; SLOTS],
        }
    }

    /// One `recvmmsg` on `fd` (waiting up to the socket's timeout for the first datagram);
    /// what it read is appended to `b`. Returns the datagrams read.
    fn read(&mut self, fd: i32, b: &mut Batch) -> usize {
        let pause = std::mem::take(&mut self.pause);
        if !pause.is_zero() {
            std::thread::sleep(pause);
        }
        self.iov.clear();
        for (i, chunk) in self.bufs.chunks_mut(SLOT_BYTES).enumerate() {
            self.iov.push(libc::iovec {
                iov_base: chunk.as_mut_ptr().cast(),
                iov_len: SLOT_BYTES,
            });
            let h = &mut self.hdrs[i].msg_hdr;
            h.msg_name = (&mut self.names[i] as *mut libc::sockaddr_storage).cast();
            h.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_control = std::ptr::null_mut();
            h.msg_controllen = 0;
            h.msg_flags = 0;
        }
        for (i, h) in self.hdrs.iter_mut().enumerate() {
            h.msg_hdr.msg_iov = &mut self.iov[i];
            h.msg_hdr.msg_iovlen = 1;
            h.msg_len = 0;
        }
        let asked = std::time::Instant::now();
        // SAFETY: hdrs, iov, names and bufs live across the call and describe SLOTS valid
        // buffers; MSG_WAITFORONE returns once one datagram (or the timeout) is there.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdrs.as_mut_ptr(),
                SLOTS as libc::c_uint,
                libc::MSG_WAITFORONE,
                std::ptr::null_mut(),
            )
        };
        let now = std::time::Instant::now();
        let since = self.last.replace(now);
        // Blocked for a millisecond or more: nothing was waiting, the sender had gone quiet.
        self.ceiling = Self::ceiling_after(self.ceiling, now - asked >= FIRST_PAUSE);
        if n <= 0 {
            return 0;
        }
        let n = n as usize;
        let before = b.data.len();
        for i in 0..n {
            let len = (self.hdrs[i].msg_len as usize).min(SLOT_BYTES);
            let start = b.data.len();
            b.data
                .extend_from_slice(&self.bufs[i * SLOT_BYTES..i * SLOT_BYTES + len]);
            b.items.push((from_sockaddr(&self.names[i]), start, len));
        }
        if n < SLOTS {
            self.pause =
                Self::pause_for(b.data.len() - before, since.map(|t| now - t), self.rcvbuf)
                    .min(self.ceiling);
        }
        n
    }
}

/// Reads datagrams from `sock` until `stop`, `SLOTS` at a time.
fn read_loop(
    sock: UdpSocket,
    tx: mpsc::SyncSender<Batch>,
    back: Arc<std::sync::Mutex<mpsc::Receiver<Batch>>>,
    stop: Arc<AtomicBool>,
    datagrams: Arc<AtomicU64>,
    calls: Arc<AtomicU64>,
) {
    let fd = sock.as_raw_fd();
    let mut slots = Slots::new(fd);
    while !stop.load(Ordering::Relaxed) {
        // A batch to fill: one given back, else a new one while few are in flight.
        let mut b = back
            .lock()
            .ok()
            .and_then(|r| r.try_recv().ok())
            .unwrap_or_default();
        b.data.clear();
        b.items.clear();
        let n = slots.read(fd, &mut b);
        calls.fetch_add(1, Ordering::Relaxed);
        if n == 0 {
            continue;
        }
        datagrams.fetch_add(n as u64, Ordering::Relaxed);
        if tx.send(b).is_err() {
            return;
        }
    }
}

impl Receiver {
    /// Binds `n` sockets to `addr` and starts their readers.
    pub fn open(addr: SocketAddr, n: usize, rcvbuf: Option<u32>) -> io::Result<Receiver> {
        let first = bind(addr, rcvbuf)?;
        let local = first.local_addr()?;
        let mut socks = vec![first];
        for _ in 1..n.max(1) {
            socks.push(bind(local, rcvbuf)?);
        }
        let inodes: Vec<u64> = socks.iter().map(inode).collect();
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let (back, back_rx) = mpsc::sync_channel(QUEUE * 2);
        let back_rx = Arc::new(std::sync::Mutex::new(back_rx));
        let stop = Arc::new(AtomicBool::new(false));
        let datagrams = Arc::new(AtomicU64::new(0));
        let calls = Arc::new(AtomicU64::new(0));
        if socks.len() == 1 {
            let sock = socks.pop().expect("one socket");
            let slots = Slots::new(sock.as_raw_fd());
            return Ok(Receiver {
                rx,
                back,
                inline: Some((sock, slots, Batch::default())),
                local,
                inodes,
                stop,
                threads: Vec::new(),
                datagrams,
                calls,
            });
        }
        let threads = socks
            .into_iter()
            .map(|s| {
                let (tx, back_rx, stop) = (tx.clone(), back_rx.clone(), stop.clone());
                let (d, c) = (datagrams.clone(), calls.clone());
                std::thread::spawn(move || read_loop(s, tx, back_rx, stop, d, c))
            })
            .collect();
        Ok(Receiver {
            rx,
            back,
            inline: None,
            local,
            inodes,
            stop,
            threads,
            datagrams,
            calls,
        })
    }

    /// What the kernel dropped on these sockets (full receive buffers), from
    /// `/proc/net/udp` and `/proc/net/udp6`.
    pub fn kernel_drops(&self) -> u64 {
        let mut total = 0;
        for f in ["/proc/net/udp", "/proc/net/udp6"] {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            for line in text.lines().skip(1) {
                let cols: Vec<&str> = line.split_whitespace().collect();
                // sl local rem st tx:rx tr:when retr uid timeout inode ref pointer drops
                let (Some(ino), Some(drops)) = (cols.get(9), cols.last()) else {
                    continue;
                };
                if ino
                    .parse::<u64>()
                    .is_ok_and(|i| i != 0 && self.inodes.contains(&i))
                {
                    total += drops.parse::<u64>().unwrap_or(0);
                }
            }
        }
        total
    }

    /// The next datagrams, waiting up to about 200 ms; `None` when none came. Give the batch
    /// back with [`Receiver::done`].
    pub fn next(&mut self) -> Option<Batch> {
        if let Some((sock, slots, spare)) = &mut self.inline {
            let mut b = std::mem::take(spare);
            b.data.clear();
            b.items.clear();
            let n = slots.read(sock.as_raw_fd(), &mut b);
            self.calls.fetch_add(1, Ordering::Relaxed);
            self.datagrams.fetch_add(n as u64, Ordering::Relaxed);
            if n == 0 {
                *spare = b;
                return None;
            }
            return Some(b);
        }
        self.rx
            .recv_timeout(std::time::Duration::from_millis(200))
            .ok()
    }

    /// Gives an emptied batch back for reuse.
    pub fn done(&mut self, b: Batch) {
        match &mut self.inline {
            Some((_, _, spare)) => *spare = b,
            None => {
                let _ = self.back.try_send(b);
            }
        }
    }

    /// Sockets.
    pub fn sockets(&self) -> usize {
        self.inodes.len()
    }

    /// Stops the readers and waits for them.
    pub fn close(self) {
        self.stop.store(true, Ordering::Relaxed);
        drop(self.rx);
        for t in self.threads {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn after_a_quiet_spell_the_pause_starts_short_and_grows() {
        // A read that had to wait: the sender was idle, a burst may follow.
        let mut c = Slots::ceiling_after(COALESCE, true);
        assert_eq!(c, FIRST_PAUSE);
        // Reads finding datagrams waiting: doubled each time, never past COALESCE.
        let mut steps = 0;
        while c < COALESCE {
            let next = Slots::ceiling_after(c, false);
            assert!(
                next > c && next <= COALESCE && next <= c * 2,
                "{c:?} -> {next:?}"
            );
            c = next;
            steps += 1;
        }
        assert!((5..=7).contains(&steps), "{steps}");
        assert_eq!(Slots::ceiling_after(c, false), COALESCE);
        assert_eq!(Slots::ceiling_after(c, true), FIRST_PAUSE);
    }

    #[test]
    fn the_pause_keeps_what_arrives_meanwhile_within_a_quarter_of_the_buffer() {
        // 25,000 datagrams of 1,400 bytes a second: 35 in the last 1.4 ms.
        let (bytes, e) = (35 * 1_400, Duration::from_micros(1_400));
        let rate = 2.0 * bytes as f64 / e.as_secs_f64();
        for rcvbuf in [212_992usize, 1 << 20, 64 << 20] {
            let p = Slots::pause_for(bytes, Some(e), rcvbuf);
            assert!(p <= COALESCE, "{rcvbuf}: {p:?}");
            assert!(
                rate * p.as_secs_f64() <= rcvbuf as f64 / 4.0 + 1.0,
                "{rcvbuf}: {p:?}"
            );
        }
        // A large buffer: the longest pause; the default one: a shorter one.
        assert_eq!(Slots::pause_for(bytes, Some(e), 64 << 20), COALESCE);
        let short = Slots::pause_for(bytes, Some(e), 212_992);
        assert!(short > Duration::ZERO && short < COALESCE, "{short:?}");
        // So fast that a sleep is not worth it; the first read, or nothing read: none.
        assert_eq!(
            Slots::pause_for(64 * 1_400, Some(Duration::from_micros(10)), 212_992),
            Duration::ZERO
        );
        assert_eq!(Slots::pause_for(bytes, None, 64 << 20), Duration::ZERO);
        assert_eq!(Slots::pause_for(0, Some(e), 64 << 20), COALESCE);
    }
}
