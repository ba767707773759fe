//! DHCPv4 (RFC 2131/2132): the message header and the options iotgate fingerprints on, including
//! the client FQDN (RFC 4702) and the MUD URL (RFC 8520, option 161).

use crate::bytes::{be16, be32};
use crate::{Error, Mac};
use std::net::Ipv4Addr;

/// DHCP message types (option 53).
pub mod msg {
    /// DHCPDISCOVER.
    pub const DISCOVER: u8 = 1;
    /// DHCPOFFER.
    pub const OFFER: u8 = 2;
    /// DHCPREQUEST.
    pub const REQUEST: u8 = 3;
    /// DHCPACK.
    pub const ACK: u8 = 5;
    /// DHCPINFORM.
    pub const INFORM: u8 = 8;
}

/// A decoded DHCPv4 message. Option values borrow from the packet.
#[derive(Debug, Clone, Copy)]
pub struct Dhcp4<'a> {
    /// 1 = BOOTREQUEST (client), 2 = BOOTREPLY (server).
    pub op: u8,
    /// Transaction ID.
    pub xid: u32,
    /// Client hardware address (when htype is Ethernet).
    pub chaddr: Option<Mac>,
    /// Client's current address.
    pub ciaddr: Ipv4Addr,
    /// Address the server assigns.
    pub yiaddr: Ipv4Addr,
    /// Option 53.
    pub msg_type: Option<u8>,
    /// Option 12, host name.
    pub hostname: Option<&'a [u8]>,
    /// Option 50, requested address.
    pub requested_ip: Option<Ipv4Addr>,
    /// Option 55, parameter request list, in the client's order.
    pub param_request_list: Option<&'a [u8]>,
    /// Option 57, maximum message size.
    pub max_size: Option<u16>,
    /// Option 60, vendor class identifier.
    pub vendor_class: Option<&'a [u8]>,
    /// Option 61, client identifier (type byte included).
    pub client_id: Option<&'a [u8]>,
    /// Option 81, client FQDN: `(flags, name bytes)`; the name may be ASCII or DNS wire format
    /// (flag bit E), see [`fqdn_name`].
    pub fqdn: Option<(u8, &'a [u8])>,
    /// Option 161, MUD URL.
    pub mud_url: Option<&'a [u8]>,
    /// Option 54, server identifier.
    pub server_id: Option<Ipv4Addr>,
    /// Option 3, routers (raw, 4 bytes each).
    pub routers: Option<&'a [u8]>,
    /// Option 6, DNS servers (raw, 4 bytes each).
    pub dns_servers: Option<&'a [u8]>,
    /// Number of options seen.
    pub option_count: u16,
}

fn ip4(b: &[u8]) -> Option<Ipv4Addr> {
    (b.len() == 4).then(|| Ipv4Addr::new(b[0], b[1], b[2], b[3]))
}

/// Decodes a DHCPv4 message (the UDP payload).
pub fn parse(b: &[u8]) -> Result<Dhcp4<'_>, Error> {
    if b.len() < 240 {
        return Err(Error::Short("dhcp", 240, b.len()));
    }
    if be32(b, 236) != Some(0x6382_5363) {
        return Err(Error::NotThis("dhcp (magic cookie)"));
    }
    let op = b[0];
    if op != 1 && op != 2 {
        return Err(Error::Invalid("dhcp op", op as u32));
    }
    let mut d = Dhcp4 {
        op,
        xid: be32(b, 4).unwrap_or(0),
        ciaddr: ip4(&b[12..16]).unwrap_or(Ipv4Addr::UNSPECIFIED),
        yiaddr: ip4(&b[16..20]).unwrap_or(Ipv4Addr::UNSPECIFIED),
        chaddr: None,
        msg_type: None,
        hostname: None,
        requested_ip: None,
        param_request_list: None,
        max_size: None,
        vendor_class: None,
        client_id: None,
        fqdn: None,
        mud_url: None,
        server_id: None,
        routers: None,
        dns_servers: None,
        option_count: 0,
    };
    if b[1] == 1 && b[2] == 6 {
        let mut m = [0u8; 6];
        m.copy_from_slice(&b[28..34]);
        d.chaddr = Some(Mac(m));
    }
    let mut i = 240;
    while i < b.len() {
        let code = b[i];
        if code == 0 {
            i += 1;
            continue;
        }
        if code == 255 {
            break;
        }
        let Some(&len) = b.get(i + 1) else { break };
        let len = len as usize;
        let Some(v) = b.get(i + 2..i + 2 + len) else {
            break;
        };
        d.option_count = d.option_count.saturating_add(1);
        match code {
            53 if len == 1 => d.msg_type = Some(v[0]),
            12 if len > 0 => d.hostname = Some(v),
            50 => d.requested_ip = ip4(v),
            55 => d.param_request_list = Some(v),
            57 => d.max_size = be16(v, 0),
            60 if len > 0 => d.vendor_class = Some(v),
            61 => d.client_id = Some(v),
            81 if len >= 3 => d.fqdn = Some((v[0], &v[3..])),
            161 if len > 0 => d.mud_url = Some(v),
            54 => d.server_id = ip4(v),
            3 => d.routers = Some(v),
            6 => d.dns_servers = Some(v),
            _ => {}
        }
        i += 2 + len;
    }
    Ok(d)
}

/// Decodes the name of option 81 into `out` as dotted text, returning its length. Handles both
/// the ASCII form and the canonical wire form (flag E, 0x04).
pub fn fqdn_name(flags: u8, name: &[u8], out: &mut [u8; 256]) -> usize {
    if flags & 0x04 == 0 {
        let n = name.len().min(255);
        let mut w = 0;
        for &c in &name[..n] {
            if c == 0 {
                break;
            }
            out[w] = c;
            w += 1;
        }
        while w > 0 && out[w - 1] == b'.' {
            w -= 1;
        }
        return w;
    }
    crate::dns::labels_to_text(name, out)
}

/// Iterates the 4-byte addresses of an address-list option (routers, DNS servers).
pub fn addrs(b: &[u8]) -> impl Iterator<Item = Ipv4Addr> + '_ {
    b.chunks_exact(4)
        .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
}
