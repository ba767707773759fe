//! Packet builders: Ethernet, IPv4 (with header checksum), UDP, TCP (with checksums), and the
//! application payloads the simulator speaks. Everything writes into a reused buffer.

/// A MAC address.
pub type Mac = [u8; 6];
/// An IPv4 address.
pub type Ip = [u8; 4];

/// One's-complement sum over `b`, folded later.
fn sum16(mut acc: u64, b: &[u8]) -> u64 {
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        acc = acc.wrapping_add(v >> 32).wrapping_add(v & 0xffff_ffff);
    }
    let mut rest = chunks.remainder();
    while rest.len() >= 2 {
        acc += u16::from_be_bytes([rest[0], rest[1]]) as u64;
        rest = &rest[2..];
    }
    if let [x] = rest {
        acc += (*x as u64) << 8;
    }
    acc
}

fn fold(mut acc: u64) -> u16 {
    while acc >> 16 != 0 {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}

/// Writes Ethernet + IPv4 headers; returns the offset of the IPv4 header.
#[allow(clippy::too_many_arguments)]
pub fn eth_ip(
    buf: &mut Vec<u8>,
    src_mac: &Mac,
    dst_mac: &Mac,
    src: &Ip,
    dst: &Ip,
    proto: u8,
    ttl: u8,
    id: u16,
) -> usize {
    buf.clear();
    buf.extend_from_slice(dst_mac);
    buf.extend_from_slice(src_mac);
    buf.extend_from_slice(&[0x08, 0x00]);
    let ip = buf.len();
    buf.extend_from_slice(&[0x45, 0, 0, 0]);
    buf.extend_from_slice(&id.to_be_bytes());
    buf.extend_from_slice(&[0x40, 0, ttl, proto, 0, 0]);
    buf.extend_from_slice(src);
    buf.extend_from_slice(dst);
    ip
}

/// Fills in the IPv4 total length and header checksum once the payload is written.
pub fn finish_ip(buf: &mut [u8], ip: usize) {
    let total = (buf.len() - ip) as u16;
    buf[ip + 2..ip + 4].copy_from_slice(&total.to_be_bytes());
    buf[ip + 10] = 0;
    buf[ip + 11] = 0;
    let c = fold(sum16(0, &buf[ip..ip + 20]));
    buf[ip + 10..ip + 12].copy_from_slice(&c.to_be_bytes());
}

fn pseudo(buf: &[u8], ip: usize, proto: u8, len: usize) -> u64 {
    let mut acc = sum16(0, &buf[ip + 12..ip + 20]);
    acc += proto as u64;
    acc += len as u64;
    acc
}

/// Appends a UDP datagram (header + payload) and finishes the IP header.
pub fn udp(buf: &mut Vec<u8>, ip: usize, sport: u16, dport: u16, payload: &[u8]) {
    let u = buf.len();
    let len = (8 + payload.len()) as u16;
    buf.extend_from_slice(&sport.to_be_bytes());
    buf.extend_from_slice(&dport.to_be_bytes());
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(payload);
    let acc = sum16(pseudo(buf, ip, 17, len as usize), &buf[u..]);
    let mut c = fold(acc);
    if c == 0 {
        c = 0xffff;
    }
    buf[u + 6..u + 8].copy_from_slice(&c.to_be_bytes());
    finish_ip(buf, ip);
}

/// TCP header fields.
pub struct TcpHdr {
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack: u32,
    /// Flags.
    pub flags: u8,
    /// Window.
    pub window: u16,
    /// Add an MSS option (SYN / SYN-ACK of a real stack).
    pub mss: bool,
}

/// Appends a TCP segment and finishes the IP header.
pub fn tcp(buf: &mut Vec<u8>, ip: usize, h: &TcpHdr, payload: &[u8]) {
    let t = buf.len();
    let hlen = if h.mss { 24 } else { 20 };
    buf.extend_from_slice(&h.sport.to_be_bytes());
    buf.extend_from_slice(&h.dport.to_be_bytes());
    buf.extend_from_slice(&h.seq.to_be_bytes());
    buf.extend_from_slice(&h.ack.to_be_bytes());
    buf.extend_from_slice(&[((hlen / 4) << 4) as u8, h.flags]);
    buf.extend_from_slice(&h.window.to_be_bytes());
    buf.extend_from_slice(&[0, 0, 0, 0]);
    if h.mss {
        buf.extend_from_slice(&[2, 4, 0x05, 0xb4]);
    }
    buf.extend_from_slice(payload);
    let len = buf.len() - t;
    let acc = sum16(pseudo(buf, ip, 6, len), &buf[t..]);
    let c = fold(acc);
    buf[t + 16..t + 18].copy_from_slice(&c.to_be_bytes());
    finish_ip(buf, ip);
}

/// Appends a DNS name in uncompressed wire format.
pub fn dns_name(out: &mut Vec<u8>, name: &str) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        out.push(label.len().min(63) as u8);
        out.extend_from_slice(&label.as_bytes()[..label.len().min(63)]);
    }
    out.push(0);
}

/// A DNS query for `name` (type A).
pub fn dns_query(out: &mut Vec<u8>, id: u16, name: &str) {
    out.clear();
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    dns_name(out, name);
    out.extend_from_slice(&[0, 1, 0, 1]);
}

/// A DNS response for `name` with one A record.
pub fn dns_response(out: &mut Vec<u8>, id: u16, name: &str, addr: &Ip, ttl: u32) {
    out.clear();
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&[0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
    dns_name(out, name);
    out.extend_from_slice(&[0, 1, 0, 1]);
    out.extend_from_slice(&[0xc0, 0x0c, 0, 1, 0, 1]);
    out.extend_from_slice(&ttl.to_be_bytes());
    out.extend_from_slice(&[0, 4]);
    out.extend_from_slice(addr);
}

/// An mDNS announcement: for each service, PTR, SRV and TXT records, then the host's A record.
pub fn mdns_announce(out: &mut Vec<u8>, host: &str, instance: &str, services: &[&str], addr: &Ip) {
    out.clear();
    let n = (services.len() * 3 + 1) as u16;
    out.extend_from_slice(&[0, 0, 0x84, 0x00, 0, 0]);
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    let host_local = format!("{host}.local");
    for s in services {
        let svc = format!("{s}.local");
        let inst = format!("{instance}.{s}.local");
        dns_name(out, &svc);
        out.extend_from_slice(&[0, 12, 0, 1, 0, 0, 0x11, 0x94]);
        let mut rd = Vec::new();
        dns_name(&mut rd, &inst);
        out.extend_from_slice(&(rd.len() as u16).to_be_bytes());
        out.extend_from_slice(&rd);
        dns_name(out, &inst);
        out.extend_from_slice(&[0, 33, 0x80, 1, 0, 0, 0, 120]);
        let mut rd = vec![0, 0, 0, 0, 0x1f, 0x90];
        dns_name(&mut rd, &host_local);
        out.extend_from_slice(&(rd.len() as u16).to_be_bytes());
        out.extend_from_slice(&rd);
        dns_name(out, &inst);
        out.extend_from_slice(&[0, 16, 0x80, 1, 0, 0, 0x11, 0x94]);
        let txt = b"\x0bmodel=iotgw";
        out.extend_from_slice(&(txt.len() as u16).to_be_bytes());
        out.extend_from_slice(txt);
    }
    dns_name(out, &host_local);
    out.extend_from_slice(&[0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4]);
    out.extend_from_slice(addr);
}

/// DHCP message options for a client or the server.
pub struct DhcpMsg<'a> {
    /// 1 request, 2 reply.
    pub op: u8,
    /// Option 53.
    pub msg_type: u8,
    /// Transaction ID.
    pub xid: u32,
    /// Client MAC.
    pub chaddr: Mac,
    /// Address offered (replies).
    pub yiaddr: Ip,
    /// Option 12.
    pub hostname: Option<&'a str>,
    /// Option 60.
    pub vendor_class: Option<&'a str>,
    /// Option 55.
    pub prl: &'a [u8],
    /// Option 50 (requests).
    pub requested: Option<Ip>,
    /// Server identifier, router and DNS (replies).
    pub server: Option<Ip>,
}

/// Encodes a DHCP message.
pub fn dhcp(out: &mut Vec<u8>, m: &DhcpMsg<'_>) {
    out.clear();
    out.extend_from_slice(&[m.op, 1, 6, 0]);
    out.extend_from_slice(&m.xid.to_be_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&m.yiaddr);
    out.extend_from_slice(&m.server.unwrap_or([0; 4]));
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&m.chaddr);
    out.extend_from_slice(&[0; 10]);
    out.extend_from_slice(&[0; 192]);
    out.extend_from_slice(&[0x63, 0x82, 0x53, 0x63]);
    out.extend_from_slice(&[53, 1, m.msg_type]);
    if m.op == 1 {
        out.extend_from_slice(&[61, 7, 1]);
        out.extend_from_slice(&m.chaddr);
        if let Some(r) = m.requested {
            out.extend_from_slice(&[50, 4]);
            out.extend_from_slice(&r);
        }
        out.extend_from_slice(&[57, 2, 0x02, 0x40]);
        if let Some(h) = m.hostname {
            out.extend_from_slice(&[12, h.len() as u8]);
            out.extend_from_slice(h.as_bytes());
        }
        if let Some(v) = m.vendor_class {
            out.extend_from_slice(&[60, v.len() as u8]);
            out.extend_from_slice(v.as_bytes());
        }
        out.extend_from_slice(&[55, m.prl.len() as u8]);
        out.extend_from_slice(m.prl);
    } else if let Some(s) = m.server {
        out.extend_from_slice(&[54, 4]);
        out.extend_from_slice(&s);
        out.extend_from_slice(&[51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0, 3, 4]);
        out.extend_from_slice(&s);
        out.extend_from_slice(&[6, 4]);
        out.extend_from_slice(&s);
    }
    out.push(255);
    while out.len() < 300 {
        out.push(0);
    }
}

/// A TLS ClientHello record with SNI, groups, point formats, signature algorithms, ALPN and,
/// for TLS 1.3, supported_versions and key_share; `grease` adds RFC 8701 values like browsers.
pub fn client_hello(
    out: &mut Vec<u8>,
    sni: &str,
    max: u16,
    alpn: &[&str],
    random: &[u8; 32],
    grease: bool,
) {
    let mut ext = Vec::with_capacity(256);
    let mut add = |ty: u16, data: &[u8]| {
        ext.extend_from_slice(&ty.to_be_bytes());
        ext.extend_from_slice(&(data.len() as u16).to_be_bytes());
        ext.extend_from_slice(data);
    };
    if grease {
        add(0x0a0a, &[]);
    }
    let mut sn = Vec::new();
    sn.extend_from_slice(&((sni.len() + 3) as u16).to_be_bytes());
    sn.push(0);
    sn.extend_from_slice(&(sni.len() as u16).to_be_bytes());
    sn.extend_from_slice(sni.as_bytes());
    add(0, &sn);
    add(23, &[]);
    add(0xff01, &[0]);
    add(10, &[0, 6, 0, 0x1d, 0, 0x17, 0, 0x18]);
    add(11, &[1, 0]);
    if !alpn.is_empty() {
        let mut a = Vec::new();
        for p in alpn {
            a.push(p.len() as u8);
            a.extend_from_slice(p.as_bytes());
        }
        let mut d = (a.len() as u16).to_be_bytes().to_vec();
        d.extend_from_slice(&a);
        add(16, &d);
    }
    add(13, &[0, 8, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x01]);
    if max >= 0x0304 {
        add(43, &[4, 0x03, 0x04, 0x03, 0x03]);
        let mut ks = vec![0, 36, 0, 0x1d, 0, 32];
        ks.extend_from_slice(random);
        add(51, &ks);
    }
    let ciphers: &[u16] = if max >= 0x0304 {
        &[
            0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
            0x009c, 0x009d, 0x002f, 0x0035,
        ]
    } else if max == 0x0303 {
        &[
            0xc02b, 0xc02f, 0xc02c, 0xc030, 0xc013, 0xc014, 0x009c, 0x002f, 0x0035,
        ]
    } else {
        &[0xc013, 0xc014, 0x002f, 0x0035, 0x000a]
    };
    let mut body = Vec::with_capacity(512);
    body.extend_from_slice(&max.min(0x0303).to_be_bytes());
    body.extend_from_slice(random);
    body.push(32);
    body.extend_from_slice(random);
    let nc = ciphers.len() + usize::from(grease);
    body.extend_from_slice(&((nc * 2) as u16).to_be_bytes());
    if grease {
        body.extend_from_slice(&[0x3a, 0x3a]);
    }
    for c in ciphers {
        body.extend_from_slice(&c.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    out.clear();
    out.extend_from_slice(&[0x16, 0x03, 0x01]);
    out.extend_from_slice(&((body.len() + 4) as u16).to_be_bytes());
    out.push(1);
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(&body);
}

/// An MQTT 3.1.1 CONNECT with optional user name and password.
pub fn mqtt_connect(out: &mut Vec<u8>, client_id: &str, user: Option<&str>, pass: Option<&str>) {
    let mut v = Vec::new();
    v.extend_from_slice(&[0, 4, b'M', b'Q', b'T', b'T', 4]);
    let mut flags = 0x02;
    if user.is_some() {
        flags |= 0x80;
    }
    if pass.is_some() {
        flags |= 0x40;
    }
    v.push(flags);
    v.extend_from_slice(&[0, 60]);
    for s in [Some(client_id), user, pass].into_iter().flatten() {
        v.extend_from_slice(&(s.len() as u16).to_be_bytes());
        v.extend_from_slice(s.as_bytes());
    }
    out.clear();
    out.push(0x10);
    out.push(v.len() as u8);
    out.extend_from_slice(&v);
}
