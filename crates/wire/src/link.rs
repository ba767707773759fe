//! Link layers: Ethernet II with 802.1Q/802.1ad tags, Linux SLL and SLL2, raw IP; and ARP.

use crate::bytes::{be16, be32};
use crate::{Error, Mac};

/// pcap link-type numbers iotgate understands.
pub mod linktype {
    /// LINKTYPE_NULL (BSD loopback, host byte order family).
    pub const NULL: u16 = 0;
    /// LINKTYPE_ETHERNET.
    pub const ETHERNET: u16 = 1;
    /// DLT_RAW as used on some BSDs.
    pub const RAW_BSD: u16 = 12;
    /// DLT_RAW as used on OpenBSD.
    pub const RAW_OPENBSD: u16 = 14;
    /// LINKTYPE_RAW.
    pub const RAW: u16 = 101;
    /// LINKTYPE_LINUX_SLL.
    pub const LINUX_SLL: u16 = 113;
    /// LINKTYPE_IPV4.
    pub const IPV4: u16 = 228;
    /// LINKTYPE_IPV6.
    pub const IPV6: u16 = 229;
    /// LINKTYPE_LINUX_SLL2.
    pub const LINUX_SLL2: u16 = 276;

    /// True for link types [`super::parse`] decodes.
    pub fn supported(lt: u16) -> bool {
        matches!(
            lt,
            NULL | ETHERNET | RAW_BSD | RAW_OPENBSD | RAW | LINUX_SLL | IPV4 | IPV6 | LINUX_SLL2
        )
    }
}

/// EtherType values used below the network layer.
pub mod ethertype {
    /// IPv4.
    pub const IPV4: u16 = 0x0800;
    /// ARP.
    pub const ARP: u16 = 0x0806;
    /// IEEE 802.1Q VLAN tag.
    pub const VLAN: u16 = 0x8100;
    /// IEEE 802.1ad service tag (QinQ).
    pub const QINQ: u16 = 0x88a8;
    /// Old pre-standard QinQ tag.
    pub const QINQ_OLD: u16 = 0x9100;
    /// IPv6.
    pub const IPV6: u16 = 0x86dd;
    /// LLDP.
    pub const LLDP: u16 = 0x88cc;
    /// EAPOL (802.1X).
    pub const EAPOL: u16 = 0x888e;
}

/// The decoded link layer of one frame.
#[derive(Debug, Clone, Copy)]
pub struct Link<'a> {
    /// Source hardware address, when the link type carries one.
    pub src: Option<Mac>,
    /// Destination hardware address, when the link type carries one.
    pub dst: Option<Mac>,
    /// EtherType of the payload (after any VLAN tags).
    pub ethertype: u16,
    /// Up to two VLAN IDs (outer first); 0 means absent.
    pub vlans: [u16; 2],
    /// Number of VLAN tags seen (may exceed 2; only two are kept).
    pub vlan_count: u8,
    /// Bytes of the frame before [`Link::payload`] (the link header with its VLAN tags;
    /// saturating): with the payload's length, what was captured of the frame.
    pub header_len: u16,
    /// The bytes after the link header.
    pub payload: &'a [u8],
}

impl Link<'_> {
    /// The bytes of the frame that were captured (link header and payload).
    #[inline]
    pub fn captured_len(&self) -> usize {
        usize::from(self.header_len) + self.payload.len()
    }
}

/// Decodes the link layer of a frame captured with link type `lt`.
#[inline]
pub fn parse(lt: u16, data: &[u8]) -> Result<Link<'_>, Error> {
    match lt {
        linktype::ETHERNET => ethernet(data),
        linktype::LINUX_SLL => sll(data),
        linktype::LINUX_SLL2 => sll2(data),
        linktype::RAW | linktype::RAW_BSD | linktype::RAW_OPENBSD => raw(data),
        linktype::IPV4 => Ok(no_mac(ethertype::IPV4, 0, data)),
        linktype::IPV6 => Ok(no_mac(ethertype::IPV6, 0, data)),
        linktype::NULL => null(data),
        other => Err(Error::Invalid("link type", other as u32)),
    }
}

fn no_mac(et: u16, header_len: u16, payload: &[u8]) -> Link<'_> {
    Link {
        src: None,
        dst: None,
        ethertype: et,
        vlans: [0; 2],
        vlan_count: 0,
        header_len,
        payload,
    }
}

fn mac_at(b: &[u8], off: usize) -> Mac {
    let mut m = [0u8; 6];
    m.copy_from_slice(&b[off..off + 6]);
    Mac(m)
}

/// Ethernet II (and 802.3 with length field, whose payload is not decoded further).
#[inline]
pub fn ethernet(b: &[u8]) -> Result<Link<'_>, Error> {
    if b.len() < 14 {
        return Err(Error::Short("ethernet", 14, b.len()));
    }
    let mut link = Link {
        src: Some(mac_at(b, 6)),
        dst: Some(mac_at(b, 0)),
        ethertype: be16(b, 12).unwrap_or(0),
        vlans: [0; 2],
        vlan_count: 0,
        header_len: 14,
        payload: &b[14..],
    };
    strip_vlans(&mut link)?;
    Ok(link)
}

fn strip_vlans(link: &mut Link<'_>) -> Result<(), Error> {
    while matches!(
        link.ethertype,
        ethertype::VLAN | ethertype::QINQ | ethertype::QINQ_OLD
    ) {
        let p = link.payload;
        if p.len() < 4 {
            return Err(Error::Short("802.1Q tag", 4, p.len()));
        }
        let tci = be16(p, 0).unwrap_or(0);
        if (link.vlan_count as usize) < 2 {
            link.vlans[link.vlan_count as usize] = tci & 0x0fff;
        }
        link.vlan_count = link.vlan_count.saturating_add(1);
        link.ethertype = be16(p, 2).unwrap_or(0);
        link.header_len = link.header_len.saturating_add(4);
        link.payload = &p[4..];
    }
    Ok(())
}

/// Linux "cooked" capture v1 (16-byte header).
pub fn sll(b: &[u8]) -> Result<Link<'_>, Error> {
    if b.len() < 16 {
        return Err(Error::Short("linux sll", 16, b.len()));
    }
    let pkttype = be16(b, 0).unwrap_or(0);
    let hatype = be16(b, 2).unwrap_or(0);
    let halen = be16(b, 4).unwrap_or(0);
    let addr = (hatype == 1 && halen == 6).then(|| mac_at(b, 6));
    let mut link = Link {
        src: None,
        dst: None,
        ethertype: be16(b, 14).unwrap_or(0),
        vlans: [0; 2],
        vlan_count: 0,
        header_len: 16,
        payload: &b[16..],
    };
    // Packet type 4 = sent by us: the address is the source. Others: received, address is source too.
    let _ = pkttype;
    link.src = addr;
    strip_vlans(&mut link)?;
    Ok(link)
}

/// Linux "cooked" capture v2 (20-byte header).
pub fn sll2(b: &[u8]) -> Result<Link<'_>, Error> {
    if b.len() < 20 {
        return Err(Error::Short("linux sll2", 20, b.len()));
    }
    let hatype = be16(b, 8).unwrap_or(0);
    let halen = b[11];
    let addr = (hatype == 1 && halen == 6).then(|| mac_at(b, 12));
    let mut link = Link {
        src: addr,
        dst: None,
        ethertype: be16(b, 0).unwrap_or(0),
        vlans: [0; 2],
        vlan_count: 0,
        header_len: 20,
        payload: &b[20..],
    };
    strip_vlans(&mut link)?;
    Ok(link)
}

/// Raw IP: the version nibble says v4 or v6.
pub fn raw(b: &[u8]) -> Result<Link<'_>, Error> {
    match b.first().map(|v| v >> 4) {
        Some(4) => Ok(no_mac(ethertype::IPV4, 0, b)),
        Some(6) => Ok(no_mac(ethertype::IPV6, 0, b)),
        Some(v) => Err(Error::Invalid("raw ip version", v as u32)),
        None => Err(Error::Short("raw ip", 1, 0)),
    }
}

/// BSD loopback: a 4-byte address family in the capturing host's byte order.
pub fn null(b: &[u8]) -> Result<Link<'_>, Error> {
    if b.len() < 4 {
        return Err(Error::Short("null/loopback", 4, b.len()));
    }
    let fam = be32(b, 0).unwrap_or(0);
    let fam = if fam > 0xffff { fam.swap_bytes() } else { fam };
    let et = match fam {
        2 => ethertype::IPV4,
        24 | 28 | 30 => ethertype::IPV6,
        f => return Err(Error::Invalid("loopback family", f)),
    };
    Ok(no_mac(et, 4, &b[4..]))
}

/// An ARP packet for IPv4 over Ethernet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arp {
    /// 1 = request, 2 = reply.
    pub op: u16,
    /// Sender hardware address.
    pub sha: Mac,
    /// Sender protocol (IPv4) address.
    pub spa: [u8; 4],
    /// Target hardware address.
    pub tha: Mac,
    /// Target protocol address.
    pub tpa: [u8; 4],
}

/// Decodes an Ethernet/IPv4 ARP packet.
pub fn arp(b: &[u8]) -> Result<Arp, Error> {
    if b.len() < 28 {
        return Err(Error::Short("arp", 28, b.len()));
    }
    if be16(b, 0) != Some(1) || be16(b, 2) != Some(0x0800) || b[4] != 6 || b[5] != 4 {
        return Err(Error::NotThis("ethernet/ipv4 arp"));
    }
    let ip = |o: usize| [b[o], b[o + 1], b[o + 2], b[o + 3]];
    Ok(Arp {
        op: be16(b, 6).unwrap_or(0),
        sha: mac_at(b, 8),
        spa: ip(14),
        tha: mac_at(b, 18),
        tpa: ip(24),
    })
}
