//! The live capture on a real interface, kept local: two network namespaces joined by a veth
//! pair, the capture opened inside one of them (by a thread that entered it), pings sent from the
//! other. Needs root and `ip`; skipped with a reason otherwise.
#![cfg(target_os = "linux")]

use iotgate_sources::{LiveCapture, Next, PacketSource};
use std::os::fd::AsRawFd;
use std::process::Command;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[test]
fn an_unknown_interface_is_enodev() {
    let e = LiveCapture::open("igt-no-such0", Duration::from_millis(10))
        .err()
        .expect("no such interface");
    assert_eq!(e.raw_os_error(), Some(libc::ENODEV), "{e}");
    let e = LiveCapture::open("a\0b", Duration::from_millis(10))
        .err()
        .unwrap();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}

/// Runs `ip` with the arguments; an error carries its output.
fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("ip: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Deletes the namespaces it was given when dropped, whatever happened (their veth ends go with
/// them).
struct Namespaces(Vec<String>);

impl Namespaces {
    fn add(&mut self, name: &str) -> Result<(), String> {
        ip(&["netns", "add", name])?;
        self.0.push(name.to_string());
        Ok(())
    }
}

impl Drop for Namespaces {
    fn drop(&mut self) {
        for n in &self.0 {
            if let Err(e) = ip(&["netns", "del", n]) {
                eprintln!("cleanup: {e}");
            }
        }
    }
}

/// Runs `f` in a new thread that has entered the network namespace `ns` (setns affects only the
/// calling thread, so the test process stays where it was).
fn in_netns<T: Send + 'static>(
    ns: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> JoinHandle<Result<T, String>> {
    let path = format!("/var/run/netns/{ns}");
    std::thread::spawn(move || {
        let file = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
        // SAFETY: a plain system call on a descriptor that lives through it.
        if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
            return Err(format!("setns {path}: {}", std::io::Error::last_os_error()));
        }
        Ok(f())
    })
}

/// Turns IPv6 off in the calling thread's namespace (/proc/sys/net follows the thread's
/// namespace), so that no router solicitation or duplicate-address probe disturbs the silence.
fn no_ipv6() -> Result<(), String> {
    for f in ["all", "default"] {
        let p = format!("/proc/sys/net/ipv6/conf/{f}/disable_ipv6");
        if std::path::Path::new(&p).exists() {
            std::fs::write(&p, "1").map_err(|e| format!("{p}: {e}"))?;
        }
    }
    Ok(())
}

/// The program's path, from PATH and the usual system directories.
fn find_program(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/bin", "/bin", "/usr/sbin", "/sbin"].map(Into::into))
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn now_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as i64
}

fn ones_complement(b: &[u8]) -> u16 {
    let mut s: u32 = b
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// Sends `n` ICMP echo requests to `to` from a raw socket (when `ping` is not installed).
fn send_pings(to: [u8; 4], n: u16) -> Result<(), String> {
    // SAFETY: plain system calls; every pointer points to a live local of the size given.
    unsafe {
        let fd = libc::socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_ICMP);
        if fd < 0 {
            return Err(format!("raw socket: {}", std::io::Error::last_os_error()));
        }
        let mut sin: libc::sockaddr_in = std::mem::zeroed();
        sin.sin_family = libc::AF_INET as u16;
        sin.sin_addr.s_addr = u32::from_ne_bytes(to);
        for seq in 1..=n {
            let mut m = vec![8u8, 0, 0, 0, 0x12, 0x34];
            m.extend_from_slice(&seq.to_be_bytes());
            m.extend((0..56u8).map(|i| i.wrapping_mul(3)));
            let c = ones_complement(&m).to_be_bytes();
            m[2..4].copy_from_slice(&c);
            let r = libc::sendto(
                fd,
                m.as_ptr().cast(),
                m.len(),
                0,
                (&sin as *const libc::sockaddr_in).cast(),
                std::mem::size_of::<libc::sockaddr_in>() as u32,
            );
            if r < 0 {
                let e = std::io::Error::last_os_error();
                libc::close(fd);
                return Err(format!("sendto: {e}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        libc::close(fd);
    }
    Ok(())
}

/// What the capture thread saw.
#[derive(Debug, Default)]
struct Seen {
    /// An Idle before any ping.
    idle_before: bool,
    /// ICMP echo frames: (timestamp, type, captured length, original length).
    echoes: Vec<(i64, u8, usize, u32)>,
    /// Timestamps of every frame, in arrival order.
    stamps: Vec<i64>,
    /// An Idle after the echoes.
    idle_after: bool,
    /// `End` after close.
    end_after_close: bool,
    linktypes: Vec<u16>,
    error: Option<String>,
    /// The kernel's counts (received, dropped), summed over reads.
    kernel: (u64, u64),
    /// The kernel's counts once closed.
    kernel_after_close: Option<(u64, u64)>,
}

/// The ICMP type of an Ethernet/IPv4/ICMP frame between `a` and `b`.
fn icmp_type(f: &[u8], a: [u8; 4], b: [u8; 4]) -> Option<u8> {
    if f.len() < 34 || f[12..14] != [0x08, 0x00] || f[23] != 1 {
        return None;
    }
    let (src, dst) = (&f[26..30], &f[30..34]);
    if !((src == a && dst == b) || (src == b && dst == a)) {
        return None;
    }
    let ihl = usize::from(f[14] & 0x0f) * 4;
    f.get(14 + ihl).copied()
}

#[test]
fn live_capture_sees_pings_between_namespaces() {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "skipped: the live-capture test needs root (network namespaces, a packet socket)"
        );
        return;
    }
    if Command::new("ip").arg("-V").output().is_err() {
        eprintln!("skipped: the live-capture test needs the `ip` command (iproute2)");
        return;
    }
    let pid = std::process::id();
    let (ns_a, ns_b) = (format!("igt{pid}a"), format!("igt{pid}b"));
    let (veth_a, veth_b) = (format!("igv{pid}a"), format!("igv{pid}b"));
    let net = (pid % 250 + 1) as u8;
    let (addr_a, addr_b) = ([10, 77, net, 1], [10, 77, net, 2]);
    let mut spaces = Namespaces(Vec::new());
    let mut setup = || -> Result<(), String> {
        spaces.add(&ns_a)?;
        spaces.add(&ns_b)?;
        #[rustfmt::skip]
        ip(&["link", "add", &veth_a, "netns", &ns_a, "type", "veth", "peer", "name", &veth_b, "netns", &ns_b])?;
        for ns in [&ns_a, &ns_b] {
            in_netns(ns, no_ipv6)
                .join()
                .map_err(|_| "thread panicked")???;
        }
        ip(&[
            "-n",
            &ns_a,
            "addr",
            "add",
            &format!("10.77.{net}.1/24"),
            "dev",
            &veth_a,
        ])?;
        ip(&[
            "-n",
            &ns_b,
            "addr",
            "add",
            &format!("10.77.{net}.2/24"),
            "dev",
            &veth_b,
        ])?;
        ip(&["-n", &ns_a, "link", "set", &veth_a, "up"])?;
        ip(&["-n", &ns_b, "link", "set", &veth_b, "up"])?;
        Ok(())
    };
    if let Err(e) = setup() {
        panic!("setting up the namespaces failed: {e}");
    }

    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (idle_tx, idle_rx) = mpsc::channel::<()>();
    let iface = veth_a.clone();
    let capture = in_netns(&ns_a, move || {
        let mut seen = Seen::default();
        let mut cap = match LiveCapture::open(&iface, Duration::from_millis(100)) {
            Ok(c) => c,
            Err(e) => {
                seen.error = Some(format!("open {iface}: {e}"));
                let _ = idle_tx.send(());
                return seen;
            }
        };
        seen.linktypes = cap.linktypes();
        // Silence first: an Idle must come while nothing is sent.
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            match cap.next() {
                Next::Idle => {
                    seen.idle_before = true;
                    break;
                }
                Next::Packet(_) => {}
                Next::End => break,
            }
        }
        let _ = idle_tx.send(());
        let _ = go_rx.recv();
        let t = Instant::now();
        let count = |seen: &Seen, ty: u8| seen.echoes.iter().filter(|e| e.1 == ty).count();
        while t.elapsed() < Duration::from_secs(15) && (count(&seen, 8) < 3 || count(&seen, 0) < 3)
        {
            match cap.next() {
                Next::Packet(p) => {
                    seen.stamps.push(p.ts_ns);
                    if let Some(ty) = icmp_type(p.data, addr_a, addr_b) {
                        seen.echoes.push((p.ts_ns, ty, p.data.len(), p.orig_len));
                    }
                }
                Next::Idle => {}
                Next::End => break,
            }
        }
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            match cap.next() {
                Next::Idle => {
                    seen.idle_after = true;
                    break;
                }
                Next::Packet(p) => seen.stamps.push(p.ts_ns),
                Next::End => break,
            }
        }
        seen.error = cap.error().map(|e| e.to_string());
        for _ in 0..2 {
            // Counts reset when read: the second read adds what came in between (nothing).
            let (got, dropped) = cap.kernel_stats().unwrap_or((0, u64::MAX));
            seen.kernel = (seen.kernel.0 + got, seen.kernel.1.saturating_add(dropped));
        }
        cap.close();
        seen.kernel_after_close = cap.kernel_stats();
        seen.end_after_close = matches!(cap.next(), Next::End);
        seen
    });
    idle_rx.recv().expect("capture thread");
    let before = now_ns();
    let _ = go_tx.send(());
    let target = format!("10.77.{net}.1");
    if let Some(ping) = find_program("ping") {
        let ping = ping.to_string_lossy().into_owned();
        #[rustfmt::skip]
        let out = Command::new("ip")
            .args(["netns", "exec", &ns_b, &ping, "-c", "3", "-i", "0.2", "-W", "1", &target])
            .output()
            .expect("ip netns exec");
        assert!(
            out.status.success(),
            "ping failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        // No `ping` here: the same echo requests from a raw socket in the other namespace.
        eprintln!("no ping command: sending the echo requests from a raw socket");
        in_netns(&ns_b, move || send_pings(addr_a, 3))
            .join()
            .expect("pinger")
            .expect("pinger in namespace")
            .expect("pings");
    }
    let seen = capture.join().expect("capture thread").expect("setns");
    let after = now_ns();
    drop(spaces);

    assert_eq!(seen.error, None);
    assert_eq!(seen.linktypes, vec![1]);
    assert!(seen.idle_before, "no Idle while nothing was sent");
    let requests: Vec<_> = seen.echoes.iter().filter(|e| e.1 == 8).collect();
    let replies: Vec<_> = seen.echoes.iter().filter(|e| e.1 == 0).collect();
    assert!(requests.len() >= 3 && replies.len() >= 3, "{seen:?}");
    // The kernel counted at least what was read, and dropped nothing at this pace.
    assert!(seen.kernel.0 >= seen.stamps.len() as u64, "{seen:?}");
    assert_eq!(seen.kernel.1, 0, "{seen:?}");
    assert_eq!(seen.kernel_after_close, None);
    for &(ts, _, len, orig) in &seen.echoes {
        assert!(
            ts >= before - 1_000_000_000 && ts <= after + 1_000_000_000,
            "{ts} not in [{before}, {after}]"
        );
        assert_eq!(len, orig as usize);
        assert_eq!(len, 98, "Ethernet + IPv4 + ICMP echo with 56 bytes of data");
    }
    assert!(
        seen.stamps.windows(2).all(|w| w[0] <= w[1]),
        "timestamps go back: {:?}",
        seen.stamps
    );
    // The request comes before its reply, the three requests about 200 ms apart.
    assert!(requests[0].0 <= replies[0].0);
    let gap = requests[2].0 - requests[0].0;
    assert!((300_000_000..3_000_000_000).contains(&gap), "gap {gap} ns");
    assert!(seen.idle_after, "no Idle after the pings");
    assert!(seen.end_after_close);
}
