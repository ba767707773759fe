//! Live frames from one Linux network interface: an `AF_PACKET` raw socket that reads every frame
//! the interface sends or receives, as a [`PacketSource`] that turns `Idle` when nothing arrives
//! within its poll interval.

use crate::source::{Next, PacketSource};
use crate::{RawPacket, Warning};
use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Size of the receive buffer: frames longer than this are cut, with their true length kept.
const BUF_LEN: usize = 256 * 1024;

/// pcap link type of Ethernet frames (also what Linux gives for the loopback interface).
const LINKTYPE_ETHERNET: u16 = 1;
/// pcap link type of bare IP packets (interfaces without a link header: tun, WireGuard).
const LINKTYPE_RAW: u16 = 101;

/// A live capture on one network interface (Linux `AF_PACKET`, all protocols), reading every
/// frame the interface sends or receives from the moment it is opened.
///
/// Each packet's timestamp is the kernel's receive time (`SO_TIMESTAMPNS`, delivered with the
/// frame), or the wall clock when the kernel gives none; `orig_len` is the frame's true length
/// even when it is longer than the 256 KiB buffer. [`PacketSource::next`] waits at most the poll
/// interval and returns [`Next::Idle`] when nothing came. A socket error ends the capture
/// ([`Next::End`], the error kept for [`PacketSource::error`]); this includes `ENETDOWN` when the
/// interface goes down (reopen to follow it when it comes back). Needs `CAP_NET_RAW`.
pub struct LiveCapture {
    fd: Option<OwnedFd>,
    iface: String,
    linktype: u16,
    poll: libc::timespec,
    buf: Box<[u8]>,
    bytes: u64,
    error: Option<io::Error>,
}

impl LiveCapture {
    /// Opens a packet socket bound to the interface named `iface`; [`PacketSource::next`] waits
    /// at most `poll` for a frame. Errors: an interface that does not exist is the OS error
    /// `ENODEV` ("No such device"; `raw_os_error()` gives `libc::ENODEV`), a name with a NUL byte
    /// `InvalidInput`, missing privileges `EPERM` (`PermissionDenied`), an interface whose frames
    /// are neither Ethernet nor bare IP `Unsupported`, naming its ARPHRD hardware type.
    pub fn open(iface: &str, poll: Duration) -> io::Result<LiveCapture> {
        let name = CString::new(iface).map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("interface name {iface:?} contains a NUL byte"),
            )
        })?;
        // SAFETY: `name` is a valid NUL-terminated string.
        let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
        if index == 0 {
            let e = io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(0) | None => io::Error::from_raw_os_error(libc::ENODEV),
                _ => e,
            });
        }
        // Protocol 0: the socket receives nothing until it is bound to the interface below, so
        // no frame of another interface slips in between.
        // SAFETY: a plain system call; the descriptor it returns is owned by `fd` at once.
        let raw = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a freshly opened descriptor nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        let linktype = linktype_of(&fd, &name, iface)?;
        let on: libc::c_int = 1;
        // Kernel timestamps are a convenience: without them the wall clock is used.
        // SAFETY: the option value points to a live c_int of the size given.
        let _ = unsafe {
            libc::setsockopt(
                fd.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_TIMESTAMPNS,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        // SAFETY: an all-zero sockaddr_ll is a valid value of that plain C struct.
        let mut sll: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        sll.sll_ifindex = index as i32;
        // SAFETY: the address points to a live sockaddr_ll of the length given.
        let r = unsafe {
            libc::bind(
                fd.as_raw_fd(),
                (&sll as *const libc::sockaddr_ll).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        // Clamped to 68 years: the kernel refuses nothing below that.
        let poll = libc::timespec {
            tv_sec: poll.as_secs().min(i32::MAX as u64) as libc::time_t,
            tv_nsec: poll.subsec_nanos() as libc::c_long,
        };
        Ok(LiveCapture {
            fd: Some(fd),
            iface: iface.to_string(),
            linktype,
            poll,
            buf: vec![0u8; BUF_LEN].into_boxed_slice(),
            bytes: 0,
            error: None,
        })
    }

    /// The interface's name.
    pub fn interface(&self) -> &str {
        &self.iface
    }

    /// The link type of the frames: 1 (Ethernet) or 101 (bare IP, for tun-like interfaces).
    pub fn linktype(&self) -> u16 {
        self.linktype
    }

    /// The kernel's counts since the last call (it resets them when read): frames it received
    /// for this socket, and frames it dropped because the socket's buffer was full (the
    /// analysis fell behind). `None` once closed, or if the kernel will not say.
    pub fn kernel_stats(&self) -> Option<(u64, u64)> {
        let fd = self.fd.as_ref()?;
        let mut st = libc::tpacket_stats {
            tp_packets: 0,
            tp_drops: 0,
        };
        let mut len = std::mem::size_of::<libc::tpacket_stats>() as libc::socklen_t;
        // SAFETY: `st` is a tpacket_stats and `len` its size, as PACKET_STATISTICS expects.
        let r = unsafe {
            libc::getsockopt(
                fd.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                (&mut st as *mut libc::tpacket_stats).cast(),
                &mut len,
            )
        };
        (r == 0).then(|| (u64::from(st.tp_packets), u64::from(st.tp_drops)))
    }

    /// Closes the socket; [`PacketSource::next`] returns [`Next::End`] from then on. Dropping the
    /// capture closes it too.
    pub fn close(&mut self) {
        self.fd = None;
    }

    /// Ends the capture on a socket error.
    fn fail(&mut self, e: io::Error) -> Next<'_> {
        self.error = Some(e);
        self.fd = None;
        Next::End
    }
}

/// The pcap link type of the interface's frames, from its hardware type.
fn linktype_of(fd: &OwnedFd, name: &CString, iface: &str) -> io::Result<u16> {
    // SAFETY: an all-zero ifreq is a valid value of that plain C struct.
    let mut req: libc::ifreq = unsafe { std::mem::zeroed() };
    let bytes = name.as_bytes();
    // if_nametoindex accepted the name, so it fits (shorter than IFNAMSIZ).
    for (d, s) in req
        .ifr_name
        .iter_mut()
        .zip(bytes.iter().take(libc::IFNAMSIZ - 1))
    {
        *d = *s as libc::c_char;
    }
    // SAFETY: SIOCGIFHWADDR reads the name from and writes the address into the live `req`.
    if unsafe { libc::ioctl(fd.as_raw_fd(), libc::SIOCGIFHWADDR, &mut req) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: SIOCGIFHWADDR filled the hardware-address member of the union.
    let hw = unsafe { req.ifr_ifru.ifru_hwaddr.sa_family };
    match hw {
        libc::ARPHRD_ETHER | libc::ARPHRD_LOOPBACK => Ok(LINKTYPE_ETHERNET),
        libc::ARPHRD_NONE => Ok(LINKTYPE_RAW),
        other => Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("interface {iface:?} has hardware type {other} (ARPHRD), neither Ethernet nor bare IP"),
        )),
    }
}

impl PacketSource for LiveCapture {
    fn next(&mut self) -> Next<'_> {
        let Some(fd) = self.fd.as_ref().map(AsRawFd::as_raw_fd) else {
            return Next::End;
        };
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd, a live timespec, no signal mask.
        let n = unsafe { libc::ppoll(&mut pfd, 1, &self.poll, std::ptr::null()) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                Next::Idle
            } else {
                self.fail(e)
            };
        }
        if n == 0 {
            return Next::Idle;
        }
        // Room for one SCM_TIMESTAMPNS message, aligned for cmsghdr.
        let mut control = [0u64; 8];
        let mut iov = libc::iovec {
            iov_base: self.buf.as_mut_ptr().cast(),
            iov_len: self.buf.len(),
        };
        // SAFETY: an all-zero msghdr is a valid value of that plain C struct.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control) as _;
        // MSG_TRUNC: the length returned is the frame's, even when it did not fit.
        // SAFETY: `msg` points to the live buffer and control area of the lengths given.
        let got = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_TRUNC | libc::MSG_DONTWAIT) };
        if got < 0 {
            let e = io::Error::last_os_error();
            return match e.kind() {
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted => Next::Idle,
                _ => self.fail(e),
            };
        }
        let len = got as usize;
        let ts_ns = kernel_timestamp(&msg).unwrap_or_else(wall_clock_ns);
        self.bytes += len as u64;
        Next::Packet(RawPacket {
            ts_ns,
            linktype: self.linktype,
            data: &self.buf[..len.min(BUF_LEN)],
            orig_len: u32::try_from(len).unwrap_or(u32::MAX),
        })
    }

    fn warnings(&self) -> &[Warning] {
        &[]
    }

    fn linktypes(&self) -> Vec<u16> {
        vec![self.linktype]
    }

    fn position(&self) -> u64 {
        self.bytes
    }

    fn len_hint(&self) -> Option<u64> {
        None
    }

    fn error(&self) -> Option<&io::Error> {
        self.error.as_ref()
    }
}

/// The receive time the kernel attached to the frame (SCM_TIMESTAMPNS), in ns since the epoch.
fn kernel_timestamp(msg: &libc::msghdr) -> Option<i64> {
    // SAFETY: `msg` was filled by recvmsg; the CMSG macros stay within its control area, and the
    // timestamp is read unaligned from a message the kernel sized for a timespec.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET
                && (*c).cmsg_type == libc::SCM_TIMESTAMPNS
                && (*c).cmsg_len as usize
                    >= libc::CMSG_LEN(std::mem::size_of::<libc::timespec>() as u32) as usize
            {
                let ts: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                return Some(
                    (ts.tv_sec as i64)
                        .saturating_mul(1_000_000_000)
                        .saturating_add(ts.tv_nsec as i64),
                );
            }
            c = libc::CMSG_NXTHDR(msg, c);
        }
    }
    None
}

/// The wall clock in ns since the epoch.
fn wall_clock_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}
