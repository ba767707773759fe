//! Helpers shared by the integration tests.
#![allow(dead_code)]

use iotgate_explain::{Analysis, Lang, Localizer};
use std::path::{Path, PathBuf};

/// `../shared/data` relative to the project root.
pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The project root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Analyses files (the report model: render it in a language to read its words).
pub fn analyze(paths: &[PathBuf]) -> Analysis {
    let caps = iotgate_pipeline::open_all(paths).expect("captures open");
    let threads = iotgate_pipeline::default_threads();
    iotgate_pipeline::analyze_files(&caps, Default::default(), threads, |_| {})
        .expect("analysis")
        .report()
}

/// The report as the JSON of `analyze --format json` in `lang`.
pub fn json_in(a: &Analysis, lang: Lang) -> serde_json::Value {
    serde_json::to_value(a.in_language(&Localizer::new(lang))).expect("serialises")
}

/// Every capture file under a folder, sorted.
pub fn captures_under(dir: &Path) -> Vec<PathBuf> {
    iotgate_sources::expand_paths(&[dir.to_path_buf()]).expect("readable folder")
}

/// Analyses files with every detector on (default thresholds) and `lists`.
pub fn analyze_detect(paths: &[PathBuf], lists: Vec<iotgate_judge::detect::Blocklist>) -> Analysis {
    let caps = iotgate_pipeline::open_all(paths).expect("captures open");
    let cfg = iotgate_pipeline::SessionConfig {
        detect: Some(iotgate_pipeline::DetectSettings {
            lists,
            ..Default::default()
        }),
        ..Default::default()
    };
    iotgate_pipeline::analyze_files(&caps, cfg, 1, |_| {})
        .expect("analysis")
        .report()
}

/// Hand-built frames for detector tests (checksums left zero: iotgate does not verify them).
pub mod frames {
    /// Ethernet + IPv4 header around `l4` (protocol `proto`).
    pub fn ipv4(
        src_mac: [u8; 6],
        dst_mac: [u8; 6],
        src: [u8; 4],
        dst: [u8; 4],
        proto: u8,
        l4: &[u8],
    ) -> Vec<u8> {
        let mut f = Vec::with_capacity(34 + l4.len());
        f.extend_from_slice(&dst_mac);
        f.extend_from_slice(&src_mac);
        f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
        f.extend_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0]);
        f.extend_from_slice(&src);
        f.extend_from_slice(&dst);
        f.extend_from_slice(l4);
        f
    }
    /// Ethernet + IPv4 or IPv6 header (TTL or hop limit `ttl`) around `l4`.
    pub fn ip_ttl(
        src_mac: [u8; 6],
        dst_mac: [u8; 6],
        src: std::net::IpAddr,
        dst: std::net::IpAddr,
        ttl: u8,
        proto: u8,
        l4: &[u8],
    ) -> Vec<u8> {
        use std::net::IpAddr;
        let mut f = Vec::with_capacity(54 + l4.len());
        f.extend_from_slice(&dst_mac);
        f.extend_from_slice(&src_mac);
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                f.extend_from_slice(&[0x08, 0x00, 0x45, 0]);
                f.extend_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
                f.extend_from_slice(&[0, 0, 0x40, 0, ttl, proto, 0, 0]);
                f.extend_from_slice(&s.octets());
                f.extend_from_slice(&d.octets());
            }
            (IpAddr::V6(s), IpAddr::V6(d)) => {
                f.extend_from_slice(&[0x86, 0xdd, 0x60, 0, 0, 0]);
                f.extend_from_slice(&(l4.len() as u16).to_be_bytes());
                f.extend_from_slice(&[proto, ttl]);
                f.extend_from_slice(&s.octets());
                f.extend_from_slice(&d.octets());
            }
            _ => panic!("one address family per packet"),
        }
        f.extend_from_slice(l4);
        f
    }
    /// A TCP header with a payload.
    pub fn tcp_data(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, data: &[u8]) -> Vec<u8> {
        let mut t = tcp(sport, dport, seq, ack, flags);
        t.extend_from_slice(data);
        t
    }
    /// A UDP header and payload.
    pub fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
        let mut u = Vec::new();
        u.extend_from_slice(&sport.to_be_bytes());
        u.extend_from_slice(&dport.to_be_bytes());
        u.extend_from_slice(&((8 + payload.len()) as u16).to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(payload);
        u
    }
    /// A 20-byte TCP header.
    pub fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8) -> Vec<u8> {
        let mut t = Vec::new();
        t.extend_from_slice(&sport.to_be_bytes());
        t.extend_from_slice(&dport.to_be_bytes());
        t.extend_from_slice(&seq.to_be_bytes());
        t.extend_from_slice(&ack.to_be_bytes());
        t.extend_from_slice(&[0x50, flags, 0x40, 0, 0, 0, 0, 0]);
        t
    }
    /// A standard DNS query for `name` (type A).
    pub fn dns_query(id: u16, name: &str) -> Vec<u8> {
        let mut q = Vec::new();
        q.extend_from_slice(&id.to_be_bytes());
        q.extend_from_slice(&[1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
        for l in name.split('.') {
            q.push(l.len() as u8);
            q.extend_from_slice(l.as_bytes());
        }
        q.extend_from_slice(&[0, 0, 1, 0, 1]);
        q
    }
    /// A TLS 1.3 ClientHello (one record) naming `sni`, with `pad` bytes of padding extension
    /// (to make it as long as a post-quantum hello).
    pub fn client_hello(sni: &[u8], pad: usize) -> Vec<u8> {
        let mut ext = Vec::new();
        let mut list = vec![0];
        list.extend_from_slice(&(sni.len() as u16).to_be_bytes());
        list.extend_from_slice(sni);
        ext.extend_from_slice(&[0, 0]);
        ext.extend_from_slice(&((list.len() + 2) as u16).to_be_bytes());
        ext.extend_from_slice(&(list.len() as u16).to_be_bytes());
        ext.extend_from_slice(&list);
        // supported_versions: TLS 1.3.
        ext.extend_from_slice(&[0, 0x2b, 0, 3, 2, 3, 4]);
        if pad > 0 {
            ext.extend_from_slice(&[0, 0x15]);
            ext.extend_from_slice(&(pad as u16).to_be_bytes());
            ext.extend(std::iter::repeat_n(0u8, pad));
        }
        let mut hs = vec![3, 3];
        hs.extend_from_slice(&[7; 32]);
        hs.push(0);
        hs.extend_from_slice(&[0, 4, 0x13, 0x01, 0x13, 0x02, 1, 0]);
        hs.extend_from_slice(&(ext.len() as u16).to_be_bytes());
        hs.extend_from_slice(&ext);
        let mut m = vec![1, 0];
        m.extend_from_slice(&(hs.len() as u16).to_be_bytes());
        m.extend_from_slice(&hs);
        let mut r = vec![22, 3, 1];
        r.extend_from_slice(&(m.len() as u16).to_be_bytes());
        r.extend_from_slice(&m);
        r
    }
    /// A classic pcap (Ethernet, microseconds) of `(ns, frame)` records.
    pub fn pcap(records: &[(i64, Vec<u8>)]) -> Vec<u8> {
        let mut p = vec![
            0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0,
            0,
        ];
        for (ts, f) in records {
            p.extend_from_slice(&((ts / 1_000_000_000) as u32).to_le_bytes());
            p.extend_from_slice(&(((ts % 1_000_000_000) / 1000) as u32).to_le_bytes());
            p.extend_from_slice(&(f.len() as u32).to_le_bytes());
            p.extend_from_slice(&(f.len() as u32).to_le_bytes());
            p.extend_from_slice(f);
        }
        p
    }
}

/// Writes a simulated capture to `path`; returns its ground truth.
pub fn simulate(path: &Path, opts: &iotgate_sim::Options) -> iotgate_sim::Truth {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let t = iotgate_sim::write(opts, &mut w).unwrap();
    std::io::Write::flush(&mut w).unwrap();
    t
}

/// Runs a command; fails the test with its standard error if it fails.
pub fn sh(args: &[&str]) {
    let o = std::process::Command::new(args[0])
        .args(&args[1..])
        .output()
        .expect("run");
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Whether a test may build network namespaces: false (with a note) when `IOTGATE_SKIP_NETNS`
/// is set; otherwise it must run as root, and fails saying so if not.
pub fn netns_allowed(needs: &str) -> bool {
    if std::env::var_os("IOTGATE_SKIP_NETNS").is_some() {
        eprintln!("skipped: IOTGATE_SKIP_NETNS is set");
        return false;
    }
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .expect("id");
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "this test needs root ({needs}); set IOTGATE_SKIP_NETNS=1 to skip it"
    );
    true
}

/// The English catalogue, to read a report's words in tests.
pub fn en() -> Localizer {
    Localizer::new(Lang::En)
}

/// Values as their report text (addresses, times, protocols), to compare with literals.
pub fn texts<T: ToString>(v: &[T]) -> Vec<String> {
    v.iter().map(T::to_string).collect()
}

/// An SSH server in Python (asyncssh: a full SSH implementation) on `addr:port`, announcing
/// itself as `version`, that accepts `admin` with `password` and nothing else; written to
/// `dir/name`, whose path is returned.
pub fn ssh_server_script(
    dir: &Path,
    name: &str,
    (addr, port): (&str, u16),
    version: &str,
    password: &str,
) -> String {
    let script = format!(
        r#"import asyncio, asyncssh
class S(asyncssh.SSHServer):
    def begin_auth(self, u): return True
    def password_auth_supported(self): return True
    def validate_password(self, u, p): return u == 'admin' and p == {password:?}
async def main():
    key = asyncssh.generate_private_key('ssh-ed25519')
    await asyncssh.create_server(S, {addr:?}, {port}, server_host_keys=[key],
        server_version={version:?}, process_factory=lambda p: p.exit(0))
    await asyncio.Future()
asyncio.run(main())
"#
    );
    let p = dir.join(name);
    std::fs::write(&p, script).unwrap();
    p.display().to_string()
}

/// Network namespaces a test made, the processes it started in them and its scratch folder:
/// all removed when dropped, even when the test fails.
pub struct Netns {
    /// The namespaces' names.
    pub names: Vec<String>,
    /// Processes to kill.
    pub children: Vec<std::process::Child>,
    /// The scratch folder.
    pub dir: PathBuf,
    /// Removes the scratch folder when dropped (after the processes are stopped).
    _scratch: tempfile::TempDir,
}

impl Netns {
    /// Creates namespaces named `prefix` + each of `tags` + this process's id (loopback up),
    /// and a scratch folder.
    pub fn new(prefix: &str, tags: &[&str]) -> Netns {
        let id = std::process::id() % 100_000;
        let scratch = tempfile::Builder::new()
            .prefix(&format!("iotgate-{prefix}-"))
            .tempdir()
            .expect("dir");
        let net = Netns {
            names: tags.iter().map(|t| format!("{prefix}{t}{id}")).collect(),
            children: Vec::new(),
            dir: scratch.path().to_path_buf(),
            _scratch: scratch,
        };
        for n in &net.names {
            sh(&["ip", "netns", "add", n]);
            in_ns(n, &["ip", "link", "set", "lo", "up"]);
        }
        net
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        for n in &self.names {
            let _ = std::process::Command::new("ip")
                .args(["netns", "del", n])
                .status();
        }
    }
}

/// Runs a command in namespace `n`; fails the test if it fails.
pub fn in_ns(n: &str, args: &[&str]) {
    let mut v = vec!["ip", "netns", "exec", n];
    v.extend_from_slice(args);
    sh(&v);
}

/// What a command run in namespace `n` printed, trimmed.
pub fn ns_out(n: &str, args: &[&str]) -> String {
    let o = std::process::Command::new("ip")
        .args(["netns", "exec", n])
        .args(args)
        .output()
        .expect("run");
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Starts a command in namespace `n`, its output discarded.
pub fn ns_spawn(n: &str, args: &[&str]) -> std::process::Child {
    std::process::Command::new("ip")
        .args(["netns", "exec", n])
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn")
}
