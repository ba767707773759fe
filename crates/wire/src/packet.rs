//! One call that decodes a captured frame down to the transport layer.

use crate::link::{self, ethertype, Arp, Link};
use crate::net::{self, proto, Ip};
use crate::transport::{self, Icmp, Tcp, Udp};
use crate::Error;

/// The network layer of a decoded frame.
#[derive(Debug, Clone, Copy)]
pub enum L3<'a> {
    /// IPv4 or IPv6.
    Ip(Ip<'a>),
    /// ARP.
    Arp(Arp),
    /// LLDP (payload after the Ethernet header).
    Lldp(&'a [u8]),
    /// Any other EtherType, or a network header that failed to decode.
    Other(u16),
}

/// The transport layer of a decoded frame.
#[derive(Debug, Clone, Copy)]
pub enum L4<'a> {
    /// TCP.
    Tcp(Tcp<'a>),
    /// UDP.
    Udp(Udp<'a>),
    /// ICMP or ICMPv6.
    Icmp(Icmp<'a>),
    /// No transport header (non-IP, later fragment, other protocol, or decode error).
    None,
}

/// A frame decoded down to the transport layer.
#[derive(Debug, Clone, Copy)]
pub struct Decoded<'a> {
    /// Link layer.
    pub link: Link<'a>,
    /// Network layer.
    pub l3: L3<'a>,
    /// Transport layer.
    pub l4: L4<'a>,
    /// The first error met below the link layer, if any (the layers above it are then absent).
    pub error: Option<Error>,
}

// Decoded frames are copied into batches handed between threads: kept within 200 bytes.
const _: () = assert!(std::mem::size_of::<Decoded<'static>>() <= 200);

/// Decodes a frame of link type `lt`. Fails only when the link header itself is unreadable;
/// errors further up are reported in [`Decoded::error`] with the layers that did decode.
#[inline(always)]
pub fn decode(lt: u16, frame: &[u8]) -> Result<Decoded<'_>, Error> {
    Ok(above(link::parse(lt, frame)?))
}

/// Decodes the network and transport layers above a decoded link layer (a frame's, or one a
/// tunnel carried: [`crate::tunnel::decode_inner`]).
#[inline(always)]
pub fn above(link: Link<'_>) -> Decoded<'_> {
    let mut d = Decoded {
        link,
        l3: L3::Other(link.ethertype),
        l4: L4::None,
        error: None,
    };
    let ip = match link.ethertype {
        ethertype::IPV4 => net::ipv4(link.payload),
        ethertype::IPV6 => net::ipv6(link.payload),
        ethertype::ARP => {
            match link::arp(link.payload) {
                Ok(a) => d.l3 = L3::Arp(a),
                Err(e) => d.error = Some(e),
            }
            return d;
        }
        ethertype::LLDP => {
            d.l3 = L3::Lldp(link.payload);
            return d;
        }
        _ => return d,
    };
    let ip = match ip {
        Ok(ip) => ip,
        Err(e) => {
            d.error = Some(e);
            return d;
        }
    };
    d.l3 = L3::Ip(ip);
    if ip.later_fragment() {
        return d;
    }
    if ip.ext_unparsed() {
        d.error = Some(Error::Invalid(
            "ipv6 extension headers",
            u32::from(net::MAX_EXT_HEADERS) + 1,
        ));
        return d;
    }
    let l4 = match ip.proto {
        proto::TCP => transport::tcp(ip.payload).map(L4::Tcp),
        proto::UDP => transport::udp(ip.payload).map(L4::Udp),
        proto::ICMP | proto::ICMPV6 => transport::icmp(ip.payload).map(L4::Icmp),
        _ => Ok(L4::None),
    };
    match l4 {
        Ok(l4) => d.l4 = l4,
        Err(e) => d.error = Some(e),
    }
    d
}

impl Decoded<'_> {
    /// The bytes the IP packet took on the wire ([`Ip::wire_len`]) when this frame was `wire`
    /// bytes long on the wire (for a captured frame, its original length; never less than what
    /// was captured): the header's total length, bounded by the frame's bytes after its link
    /// header. `None` when the frame holds no IP packet.
    #[inline]
    pub fn ip_wire_len(&self, wire: u32) -> Option<u32> {
        let L3::Ip(ip) = &self.l3 else { return None };
        let wire = wire.max(u32::try_from(self.link.captured_len()).unwrap_or(u32::MAX));
        Some(ip.wire_len(wire.saturating_sub(u32::from(self.link.header_len))))
    }
}
