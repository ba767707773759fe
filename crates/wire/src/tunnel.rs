//! Tunnels: the packet inside GRE (with its optional checksum, key, sequence and routing fields;
//! carrying Ethernet, IPv4, IPv6 or an ERSPAN mirror), VXLAN, GTP-U (G-PDUs with their
//! extension headers), IP-in-IP (4in4, 6in4, 4in6, 6in6), Teredo (with its authentication and
//! origin indications) and the CAPWAP data channel between Wi-Fi access points and their
//! controller (RFC 5415: an IEEE 802.3 frame, or an IEEE 802.11 data frame under RFC 5416's
//! binding; DTLS-protected channels, fragments and keep-alives are left closed).
//!
//! [`inner`] finds the packet a decoded frame carries and [`decode_inner`] decodes it like a
//! frame of its own: its own MAC addresses when it has an Ethernet or 802.11 header (for 802.11,
//! the source and destination stations, SA and DA), the outer frame's otherwise. Both borrow the
//! frame: nothing is copied or allocated. A caller opens at most [`MAX_DEPTH`] tunnels in one
//! frame, so a crafted packet cannot make it recurse for ever; every length read from a header
//! is checked against the bytes there are.

use crate::bytes::{be16, be32};
use crate::dot11;
use crate::link::{self, ethertype, Link};
use crate::net::proto;
use crate::packet::{self, Decoded, L3, L4};
use crate::{Error, Mac};

/// The most tunnels opened in one frame (a tunnel inside a tunnel counts twice).
pub const MAX_DEPTH: usize = 4;

/// UDP ports that carry tunnels.
pub mod port {
    /// VXLAN (IANA).
    pub const VXLAN: u16 = 4789;
    /// VXLAN on Linux's historical default port (also flannel's).
    pub const VXLAN_LINUX: u16 = 8472;
    /// GTP-U (user plane of mobile networks).
    pub const GTP_U: u16 = 2152;
    /// Teredo.
    pub const TEREDO: u16 = 3544;
    /// CAPWAP data channel (the access controller's port; the control channel, 5246, carries
    /// no user packets).
    pub const CAPWAP_DATA: u16 = 5247;
}

/// GRE protocol types opened.
pub mod gre_type {
    /// Transparent Ethernet bridging (Ethernet over GRE, NVGRE).
    pub const ETHERNET: u16 = 0x6558;
    /// IPv4.
    pub const IPV4: u16 = 0x0800;
    /// IPv6.
    pub const IPV6: u16 = 0x86dd;
    /// ERSPAN type I and II (a mirrored Ethernet frame).
    pub const ERSPAN: u16 = 0x88be;
    /// ERSPAN type III.
    pub const ERSPAN3: u16 = 0x22eb;
}

/// A kind of tunnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tunnel {
    /// Generic Routing Encapsulation (IP protocol 47), ERSPAN included.
    Gre,
    /// VXLAN (UDP 4789 or 8472).
    Vxlan,
    /// GTP-U (UDP 2152).
    GtpU,
    /// An IP packet directly inside IP (protocol 4 or 41).
    IpInIp,
    /// Teredo (IPv6 inside UDP 3544).
    Teredo,
    /// The CAPWAP data channel (UDP 5247) between Wi-Fi access points and their controller.
    Capwap,
}

impl Tunnel {
    /// How many kinds there are (the length of a per-kind counter array).
    pub const COUNT: usize = 6;
    /// Every kind, in the order of their indices.
    pub const ALL: [Tunnel; Tunnel::COUNT] = [
        Tunnel::Gre,
        Tunnel::Vxlan,
        Tunnel::GtpU,
        Tunnel::IpInIp,
        Tunnel::Teredo,
        Tunnel::Capwap,
    ];

    /// Its index in a per-kind array (`0..COUNT`).
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its stable identifier (a JSON key, not a word for people): `gre`, `vxlan`, `gtp_u`,
    /// `ip_in_ip`, `teredo`, `capwap`.
    pub fn id(self) -> &'static str {
        match self {
            Tunnel::Gre => "gre",
            Tunnel::Vxlan => "vxlan",
            Tunnel::GtpU => "gtp_u",
            Tunnel::IpInIp => "ip_in_ip",
            Tunnel::Teredo => "teredo",
            Tunnel::Capwap => "capwap",
        }
    }
}

/// How the packet a tunnel carries is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// An IP packet without a link header: it keeps the outer frame's MAC addresses.
    Ip,
    /// An Ethernet frame (its own MAC addresses and VLAN tags).
    Ethernet,
    /// An IEEE 802.11 data frame, its header already decoded by [`dot11::data`].
    Dot11 {
        /// The source address (SA): the station that sent the packet.
        src: Mac,
        /// The destination address (DA).
        dst: Mac,
        /// The EtherType of its LLC/SNAP header.
        ethertype: u16,
        /// Its MAC header and LLC/SNAP header's length: the packet follows.
        header_len: u16,
    },
}

/// The packet a tunnel carries.
#[derive(Debug, Clone, Copy)]
pub struct Inner<'a> {
    /// The tunnel it came out of.
    pub tunnel: Tunnel,
    /// Its link header, if any.
    pub framing: Framing,
    /// Its bytes (to the end of the outer packet, or of the tunnel's stated length).
    pub frame: &'a [u8],
    /// Bytes from the start of the outer IP header to `frame`: the outer packet's length on
    /// the wire less this is the inner packet's.
    pub offset: u32,
}

/// A cheap test of whether `d` may carry a tunnel (its IP protocol or UDP ports), before any
/// tunnel header is read; [`inner`] says for sure.
#[inline(always)]
pub fn candidate(d: &Decoded<'_>) -> bool {
    let L3::Ip(ip) = &d.l3 else { return false };
    match ip.proto {
        proto::GRE | proto::IPIP | proto::IPV6 => !ip.fragment(),
        proto::UDP => match &d.l4 {
            L4::Udp(u) => {
                matches!(
                    u.dport,
                    port::VXLAN
                        | port::VXLAN_LINUX
                        | port::GTP_U
                        | port::TEREDO
                        | port::CAPWAP_DATA
                ) || matches!(u.sport, port::TEREDO | port::CAPWAP_DATA)
            }
            _ => false,
        },
        _ => false,
    }
}

/// The packet inside `d`: `Ok(None)` when `d` is not a tunnel (or one whose content iotgate does
/// not decode: PPTP, GTP signalling, a GRE protocol type other than those of [`gre_type`],
/// CAPWAP over DTLS, CAPWAP keep-alives, 802.11 frames that carry no readable packet), an error
/// when a tunnel's header is cut short or breaks its protocol's rules. IP and CAPWAP fragments
/// are not opened (their inner packet is incomplete).
pub fn inner<'a>(d: &Decoded<'a>) -> Result<Option<Inner<'a>>, Error> {
    let L3::Ip(ip) = &d.l3 else { return Ok(None) };
    if ip.fragment() || ip.ext_unparsed() {
        return Ok(None);
    }
    let at = |tunnel, framing, frame: &'a [u8], skip: usize| {
        Some(Inner {
            tunnel,
            framing,
            frame,
            offset: u32::from(ip.header_len)
                .saturating_add(u32::try_from(skip).unwrap_or(u32::MAX)),
        })
    };
    match ip.proto {
        proto::IPIP | proto::IPV6 => {
            let want = if ip.proto == proto::IPIP { 4 } else { 6 };
            match ip.payload.first().map(|b| b >> 4) {
                Some(v) if v == want => Ok(at(Tunnel::IpInIp, Framing::Ip, ip.payload, 0)),
                Some(v) => Err(Error::Invalid("ip-in-ip inner version", u32::from(v))),
                None => Err(Error::Short("ip-in-ip", 1, 0)),
            }
        }
        proto::GRE => Ok(gre(ip.payload)?.and_then(|(fr, f, skip)| at(Tunnel::Gre, fr, f, skip))),
        proto::UDP => {
            let L4::Udp(u) = &d.l4 else { return Ok(None) };
            // The UDP header sits before its payload (its length was checked by the decoder).
            let p = u.payload;
            let (tunnel, found) = match u.dport {
                port::VXLAN | port::VXLAN_LINUX => (Tunnel::Vxlan, vxlan(p)?),
                port::GTP_U => (Tunnel::GtpU, gtp_u(p)?),
                port::TEREDO => (Tunnel::Teredo, teredo(p)?),
                port::CAPWAP_DATA => (Tunnel::Capwap, capwap(p)?),
                _ if u.sport == port::TEREDO => (Tunnel::Teredo, teredo(p)?),
                _ if u.sport == port::CAPWAP_DATA => (Tunnel::Capwap, capwap(p)?),
                _ => return Ok(None),
            };
            Ok(found.and_then(|(fr, f, skip)| at(tunnel, fr, f, 8 + skip)))
        }
        _ => Ok(None),
    }
}

/// What a tunnel header leads to, when it leads to a packet: how the packet is framed, its
/// bytes, and the tunnel header's length before them.
pub type Found<'a> = Option<(Framing, &'a [u8], usize)>;

/// The inner frame of a GRE packet (RFC 2784, 2890; the routing of RFC 1701; ERSPAN).
pub fn gre(b: &[u8]) -> Result<Found<'_>, Error> {
    if b.len() < 4 {
        return Err(Error::Short("gre", 4, b.len()));
    }
    let (flags, version) = (b[0], b[1] & 7);
    if version != 0 {
        // Version 1 is PPTP's enhanced GRE, carrying PPP: not opened.
        return Ok(None);
    }
    let (csum, routing, key, seq) = (
        flags & 0x80 != 0,
        flags & 0x40 != 0,
        flags & 0x20 != 0,
        flags & 0x10 != 0,
    );
    let ptype = be16(b, 2).unwrap_or(0);
    let mut off = 4usize;
    if csum || routing {
        off += 4;
    }
    if key {
        off += 4;
    }
    if seq {
        off += 4;
    }
    if b.len() < off {
        return Err(Error::Short("gre options", off, b.len()));
    }
    if routing {
        // Source route entries, up to a null one: address family, offset, length, then data.
        loop {
            let h = b
                .get(off..off + 4)
                .ok_or(Error::Short("gre routing", off + 4, b.len()))?;
            let (family, len) = (u16::from_be_bytes([h[0], h[1]]), usize::from(h[3]));
            off += 4 + len;
            if off > b.len() {
                return Err(Error::Short("gre routing", off, b.len()));
            }
            if family == 0 && len == 0 {
                break;
            }
        }
    }
    let rest = &b[off..];
    let ip_version = |want: u8| match rest.first().map(|v| v >> 4) {
        Some(v) if v == want => Ok(Some((Framing::Ip, rest, off))),
        Some(v) => Err(Error::Invalid("gre inner ip version", u32::from(v))),
        None => Err(Error::Short("gre payload", off + 1, off)),
    };
    match ptype {
        gre_type::ETHERNET => Ok(Some((Framing::Ethernet, rest, off))),
        gre_type::IPV4 => ip_version(4),
        gre_type::IPV6 => ip_version(6),
        // Type II has a sequence number and an 8-byte header; type I neither.
        gre_type::ERSPAN if seq => erspan(b, off, 8),
        gre_type::ERSPAN => Ok(Some((Framing::Ethernet, rest, off))),
        gre_type::ERSPAN3 => {
            // 12 bytes, then an 8-byte platform header when the last bit (O) is set.
            let h = b
                .get(off..off + 12)
                .ok_or(Error::Short("erspan", off + 12, b.len()))?;
            erspan(b, off, if h[11] & 1 != 0 { 20 } else { 12 })
        }
        _ => Ok(None),
    }
}

fn erspan(b: &[u8], off: usize, len: usize) -> Result<Found<'_>, Error> {
    match b.get(off + len..) {
        Some(rest) => Ok(Some((Framing::Ethernet, rest, off + len))),
        None => Err(Error::Short("erspan", off + len, b.len())),
    }
}

/// The Ethernet frame inside a VXLAN packet (RFC 7348): 8 bytes, the I flag set.
pub fn vxlan(b: &[u8]) -> Result<Found<'_>, Error> {
    if b.len() < 8 {
        return Err(Error::Short("vxlan", 8, b.len()));
    }
    if b[0] & 0x08 == 0 {
        return Err(Error::Invalid("vxlan flags", u32::from(b[0])));
    }
    Ok(Some((Framing::Ethernet, &b[8..], 8)))
}

/// The longest chain of GTP-U extension headers followed.
const MAX_GTP_EXTENSIONS: usize = 16;

/// The IP packet inside a GTP-U G-PDU (3GPP TS 29.281): version 1, protocol type GTP, message
/// 255; the sequence number, N-PDU number and extension headers when flagged. Other messages
/// (echo, error indication, end marker) carry no user packet.
pub fn gtp_u(b: &[u8]) -> Result<Found<'_>, Error> {
    if b.len() < 8 {
        return Err(Error::Short("gtp-u", 8, b.len()));
    }
    let flags = b[0];
    if flags >> 5 != 1 || flags & 0x10 == 0 {
        return Err(Error::Invalid("gtp-u version", u32::from(flags >> 4)));
    }
    if b[1] != 255 {
        return Ok(None);
    }
    // The length counts the bytes after the first eight (optional fields included).
    let end = (8 + usize::from(be16(b, 2).unwrap_or(0))).min(b.len());
    let mut off = 8usize;
    if flags & 0x07 != 0 {
        off = 12;
        if end < off {
            return Err(Error::Short("gtp-u optional fields", off, end));
        }
        let mut next = b[11];
        // Extension headers only when the E flag says so; each is a length in 4-byte units
        // (counting itself), content, and the type of the next.
        let mut n = 0;
        while flags & 0x04 != 0 && next != 0 {
            n += 1;
            if n > MAX_GTP_EXTENSIONS {
                return Err(Error::Invalid("gtp-u extension headers", n as u32));
            }
            let len = usize::from(*b.get(off).ok_or(Error::Short(
                "gtp-u extension",
                off + 1,
                end,
            ))?) * 4;
            if len == 0 {
                return Err(Error::Invalid("gtp-u extension length", 0));
            }
            if off + len > end {
                return Err(Error::Short("gtp-u extension", off + len, end));
            }
            next = b[off + len - 1];
            off += len;
        }
    }
    let inner = &b[off..end];
    match inner.first().map(|v| v >> 4) {
        Some(4 | 6) => Ok(Some((Framing::Ip, inner, off))),
        // A PDU that is not IP (Ethernet or unstructured sessions): not opened.
        _ => Ok(None),
    }
}

/// The IPv6 packet inside a Teredo datagram (RFC 4380), after its authentication and origin
/// indications when present.
pub fn teredo(b: &[u8]) -> Result<Found<'_>, Error> {
    let mut off = 0usize;
    if b.get(..2) == Some(&[0, 1]) {
        // Authentication: type, client-identifier and authentication-value lengths, both
        // values, an 8-byte nonce and a confirmation byte.
        let h = b
            .get(..4)
            .ok_or(Error::Short("teredo authentication", 4, b.len()))?;
        off = 13 + usize::from(h[2]) + usize::from(h[3]);
        if off > b.len() {
            return Err(Error::Short("teredo authentication", off, b.len()));
        }
    }
    if b.get(off..off + 2) == Some(&[0, 0]) {
        // Origin indication: type, obfuscated port and address.
        off += 8;
        if off > b.len() {
            return Err(Error::Short("teredo origin indication", off, b.len()));
        }
    }
    let rest = &b[off..];
    if rest.len() < 40 {
        return Err(Error::Short("teredo ipv6", off + 40, b.len()));
    }
    if rest[0] >> 4 != 6 {
        return Err(Error::Invalid(
            "teredo ipv6 version",
            u32::from(rest[0] >> 4),
        ));
    }
    Ok(Some((Framing::Ip, rest, off)))
}

/// CAPWAP header flags (the low bits of its first 32-bit word, RFC 5415 section 4.3).
pub mod capwap_flag {
    /// T: the payload is in the native frame format of the wireless binding (WBID), not an
    /// IEEE 802.3 frame.
    pub const NATIVE: u32 = 1 << 8;
    /// F: a fragment.
    pub const FRAGMENT: u32 = 1 << 7;
    /// L: the last fragment.
    pub const LAST: u32 = 1 << 6;
    /// W: the Wireless Specific Information field is present.
    pub const WIRELESS_INFO: u32 = 1 << 5;
    /// M: the Radio MAC Address field is present.
    pub const RADIO_MAC: u32 = 1 << 4;
    /// K: a data channel keep-alive (no user packet).
    pub const KEEP_ALIVE: u32 = 1 << 3;
}

/// CAPWAP wireless binding identifier of IEEE 802.11 (RFC 5415 section 4.3, RFC 5416).
pub const CAPWAP_WBID_IEEE80211: u32 = 1;

/// The frame inside a CAPWAP data channel packet (RFC 5415): after the preamble (version 0,
/// type 0: a clear header follows) and the header of HLEN 4-byte words (its optional Radio MAC
/// Address and Wireless Specific Information fields included), an IEEE 802.3 frame, or with the
/// T bit and the IEEE 802.11 binding (RFC 5416) an 802.11 data frame (see [`dot11::data`]).
/// `Ok(None)` for a DTLS-protected packet (preamble type 1), a fragment, a keep-alive, the
/// native frames of other bindings and 802.11 frames that carry no readable packet.
pub fn capwap(b: &[u8]) -> Result<Found<'_>, Error> {
    let preamble = *b.first().ok_or(Error::Short("capwap preamble", 1, 0))?;
    if preamble >> 4 != 0 {
        return Err(Error::Invalid("capwap version", u32::from(preamble >> 4)));
    }
    match preamble & 15 {
        0 => {}
        // A CAPWAP DTLS header: the rest is encrypted.
        1 => return Ok(None),
        t => return Err(Error::Invalid("capwap preamble type", u32::from(t))),
    }
    if b.len() < 8 {
        return Err(Error::Short("capwap header", 8, b.len()));
    }
    let word = be32(b, 0).unwrap_or(0);
    let words = (word >> 19) & 0x1f;
    let (wbid, flags) = ((word >> 9) & 0x1f, word & 0x1ff);
    let hlen = words as usize * 4;
    if hlen < 8 {
        return Err(Error::Invalid("capwap hlen", words));
    }
    if hlen > b.len() {
        return Err(Error::Short("capwap header", hlen, b.len()));
    }
    // The optional fields (a length byte, then as many bytes, padded to 4-byte alignment) lie
    // within HLEN.
    let mut off = 8usize;
    for (bit, what) in [
        (capwap_flag::RADIO_MAC, "capwap radio mac address"),
        (
            capwap_flag::WIRELESS_INFO,
            "capwap wireless specific information",
        ),
    ] {
        if flags & bit != 0 {
            let len = *b[..hlen]
                .get(off)
                .ok_or(Error::Short(what, off + 1, hlen))?;
            off += (1 + usize::from(len)).next_multiple_of(4);
            if off > hlen {
                return Err(Error::Short(what, off, hlen));
            }
        }
    }
    // A fragment holds part of a frame; a keep-alive, message elements for the controller.
    if flags & (capwap_flag::FRAGMENT | capwap_flag::KEEP_ALIVE) != 0 {
        return Ok(None);
    }
    let payload = &b[hlen..];
    if flags & capwap_flag::NATIVE == 0 {
        return Ok(Some((Framing::Ethernet, payload, hlen)));
    }
    if wbid != CAPWAP_WBID_IEEE80211 {
        // The native frames of another binding (EPCGlobal): not decoded.
        return Ok(None);
    }
    Ok(dot11::data(payload)?.map(|d| {
        let framing = Framing::Dot11 {
            src: d.src,
            dst: d.dst,
            ethertype: d.ethertype,
            // At most 44 bytes (4 addresses, QoS and HT control, LLC/SNAP).
            header_len: u16::try_from(d.header_len).unwrap_or(u16::MAX),
        };
        (framing, payload, hlen)
    }))
}

/// Decodes the packet a tunnel carried (found by [`inner`] in a frame whose link layer is
/// `outer`), like a frame of its own: with its Ethernet or 802.11 header when it has one (for
/// 802.11, the source and destination stations' addresses, SA and DA); an IP packet otherwise,
/// which keeps the outer frame's MAC addresses and VLANs.
#[inline]
pub fn decode_inner<'a>(inner: &Inner<'a>, outer: &Link<'a>) -> Result<Decoded<'a>, Error> {
    let link = match inner.framing {
        Framing::Ethernet => link::ethernet(inner.frame)?,
        Framing::Dot11 {
            src,
            dst,
            ethertype,
            header_len,
        } => Link {
            src: Some(src),
            dst: Some(dst),
            ethertype,
            vlans: [0; 2],
            vlan_count: 0,
            header_len,
            payload: inner
                .frame
                .get(usize::from(header_len)..)
                .ok_or(Error::Short(
                    "802.11 header",
                    usize::from(header_len),
                    inner.frame.len(),
                ))?,
        },
        Framing::Ip => {
            let et = match inner.frame.first().map(|v| v >> 4) {
                Some(4) => ethertype::IPV4,
                Some(6) => ethertype::IPV6,
                Some(v) => return Err(Error::Invalid("tunnelled ip version", u32::from(v))),
                None => return Err(Error::Short("tunnelled ip", 1, 0)),
            };
            Link {
                src: outer.src,
                dst: outer.dst,
                ethertype: et,
                vlans: outer.vlans,
                vlan_count: outer.vlan_count,
                header_len: 0,
                payload: inner.frame,
            }
        }
    };
    Ok(packet::above(link))
}
