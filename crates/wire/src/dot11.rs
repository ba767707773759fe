//! IEEE 802.11 data frames: the MAC header (3 or 4 addresses, QoS, HT control) and LLC/SNAP.

use crate::bytes::{be16, le16};
use crate::{Error, Mac};

/// Frame types (the frame control field's type bits).
pub mod frame_type {
    /// Management (beacons, probes, association, authentication …).
    pub const MANAGEMENT: u8 = 0;
    /// Control (RTS, CTS, ACK, block ACK …).
    pub const CONTROL: u8 = 1;
    /// Data.
    pub const DATA: u8 = 2;
    /// Extension (DMG beacons …).
    pub const EXTENSION: u8 = 3;
}

/// The length of the header of a data frame with three addresses: frame control, duration,
/// three addresses and sequence control.
pub const HEADER_LEN: usize = 24;

/// A data frame's addressing and what its LLC/SNAP header says it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Data<'a> {
    /// The source address (SA): the station that sent the MSDU, wherever the frame is between.
    pub src: Mac,
    /// The destination address (DA): the station the MSDU is for.
    pub dst: Mac,
    /// To the distribution system (sent by a station to its access point, or between two
    /// access points when [`Data::from_ds`] is set too).
    pub to_ds: bool,
    /// From the distribution system (sent by an access point to a station).
    pub from_ds: bool,
    /// The EtherType in the SNAP header.
    pub ethertype: u16,
    /// The bytes before [`Data::payload`]: the MAC header (with its QoS and HT control fields)
    /// and the 8-byte LLC/SNAP header.
    pub header_len: usize,
    /// The MSDU after its LLC/SNAP header, to the end of the frame (an FCS, when the frame has
    /// one, is in it).
    pub payload: &'a [u8],
}

/// The LLC header announcing a SNAP header (DSAP and SSAP 0xAA, unnumbered information).
const LLC_SNAP: [u8; 3] = [0xaa, 0xaa, 0x03];
/// SNAP organisation codes whose protocol identifier is an EtherType: RFC 1042 (zero) and
/// IEEE 802.1H bridge tunnelling.
const OUI_RFC1042: [u8; 3] = [0, 0, 0];
const OUI_BRIDGE_TUNNEL: [u8; 3] = [0, 0, 0xf8];

fn mac(b: &[u8], off: usize) -> Option<Mac> {
    let s: [u8; 6] = b.get(off..off.checked_add(6)?)?.try_into().ok()?;
    Some(Mac(s))
}

/// Decodes the data frame `b` (starting at its frame control field) down to its LLC/SNAP
/// header. `Ok(None)` for frames that carry no packet that can be read: management, control
/// and extension frames, data subtypes without a body (null, CF-Ack, CF-Poll), protected
/// (encrypted) frames, 802.11 fragments, A-MSDUs, bodies whose LLC header is not SNAP with an
/// EtherType, and frames of protocol version 1 (S1G, another header layout). An error when the
/// header is cut short or its protocol version is reserved.
pub fn data(b: &[u8]) -> Result<Option<Data<'_>>, Error> {
    let fc = le16(b, 0).ok_or(Error::Short("802.11 frame control", 2, b.len()))?;
    match fc & 3 {
        0 => {}
        1 => return Ok(None),
        v => return Err(Error::Invalid("802.11 protocol version", u32::from(v))),
    }
    let (ftype, subtype) = (((fc >> 2) & 3) as u8, ((fc >> 4) & 15) as u8);
    let flags = (fc >> 8) as u8;
    let (to_ds, from_ds) = (flags & 0x01 != 0, flags & 0x02 != 0);
    let (more_fragments, protected, order) =
        (flags & 0x04 != 0, flags & 0x40 != 0, flags & 0x80 != 0);
    // Subtype bit 2 says "no data" (null, CF-Ack, CF-Poll and their QoS forms); bit 3 "QoS".
    if ftype != frame_type::DATA || subtype & 0x04 != 0 {
        return Ok(None);
    }
    let qos = subtype & 0x08 != 0;
    let mut len = HEADER_LEN;
    if to_ds && from_ds {
        len += 6;
    }
    let qos_at = len;
    if qos {
        len += 2;
        // HT (or VHT, HE) control follows the QoS control field of a QoS data frame whose
        // order bit is set.
        if order {
            len += 4;
        }
    }
    if b.len() < len {
        return Err(Error::Short("802.11 header", len, b.len()));
    }
    // Encrypted (WEP, TKIP, CCMP, GCMP): the body cannot be read.
    if protected {
        return Ok(None);
    }
    // A fragment of an MSDU (its fragment number is the low 4 bits of sequence control).
    let fragment = le16(b, 22).unwrap_or(0) & 0x0f;
    if more_fragments || fragment != 0 {
        return Ok(None);
    }
    // An A-MSDU (QoS control bit 7): subframes, each with its own addresses.
    if qos && b[qos_at] & 0x80 != 0 {
        return Ok(None);
    }
    // IEEE 802.11 address fields: which of them are SA and DA depends on the ToDS and FromDS
    // bits (all within the `len` bytes checked above).
    let addr = |n: usize| mac(b, 4 + 6 * n).unwrap_or_default();
    let (dst, src) = match (to_ds, from_ds) {
        (false, false) => (addr(0), addr(1)),
        (true, false) => (addr(2), addr(1)),
        (false, true) => (addr(0), addr(2)),
        // Address 4 follows sequence control (2 bytes after address 3).
        (true, true) => (addr(2), mac(b, 24).unwrap_or_default()),
    };
    let body = &b[len..];
    if body.len() < LLC_SNAP.len() {
        return Err(Error::Short("802.11 llc", len + LLC_SNAP.len(), b.len()));
    }
    if body[..3] != LLC_SNAP {
        // Another LLC service (spanning tree, NetBIOS …): not an EtherType payload.
        return Ok(None);
    }
    let ethertype = be16(body, 6).ok_or(Error::Short("802.11 snap", len + 8, b.len()))?;
    if body[3..6] != OUI_RFC1042 && body[3..6] != OUI_BRIDGE_TUNNEL {
        return Ok(None);
    }
    let header_len = len + 8;
    Ok(Some(Data {
        src,
        dst,
        to_ds,
        from_ds,
        ethertype,
        header_len,
        payload: &b[header_len..],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(fc: [u8; 2], addrs: &[[u8; 6]], qos: Option<[u8; 2]>, body: &[u8]) -> Vec<u8> {
        let mut f = fc.to_vec();
        f.extend_from_slice(&[0, 0]);
        for a in &addrs[..3] {
            f.extend_from_slice(a);
        }
        f.extend_from_slice(&[0x10, 0]);
        if let Some(a4) = addrs.get(3) {
            f.extend_from_slice(a4);
        }
        if let Some(q) = qos {
            f.extend_from_slice(&q);
        }
        f.extend_from_slice(body);
        f
    }

    const SNAP_V4: [u8; 10] = [0xaa, 0xaa, 3, 0, 0, 0, 8, 0, 0x45, 0];
    const A: [u8; 6] = [2, 0, 0, 0, 0, 0xa];
    const B: [u8; 6] = [2, 0, 0, 0, 0, 0xb];
    const C: [u8; 6] = [2, 0, 0, 0, 0, 0xc];
    const D: [u8; 6] = [2, 0, 0, 0, 0, 0xd];

    #[test]
    fn addresses_by_direction() {
        // (flags, expected (src, dst)) for addresses A, B, C (and D).
        for (flags, want) in [(0u8, (B, A)), (1, (B, C)), (2, (C, A)), (3, (D, C))] {
            let f = frame(
                [0x08, flags],
                &[A, B, C, D][..3 + usize::from(flags == 3)],
                None,
                &SNAP_V4,
            );
            let d = data(&f).unwrap().unwrap();
            assert_eq!((d.src.0, d.dst.0), want, "flags {flags}");
            assert_eq!(d.ethertype, 0x0800);
            assert_eq!(d.payload, &[0x45, 0]);
            assert_eq!(d.header_len, f.len() - 2);
        }
    }

    #[test]
    fn qos_ht_control_and_what_is_left_closed() {
        let f = frame(
            [0x88, 0x81],
            &[A, B, C],
            Some([0, 0]),
            &[[1, 2, 3, 4].as_slice(), &SNAP_V4].concat(),
        );
        let d = data(&f).unwrap().unwrap();
        assert_eq!(d.header_len, 24 + 2 + 4 + 8);
        // A-MSDU, protected, null, fragment, management, control, version 1.
        for f in [
            frame([0x88, 0x01], &[A, B, C], Some([0x80, 0]), &SNAP_V4),
            frame([0x08, 0x41], &[A, B, C], None, &SNAP_V4),
            frame([0x48, 0x01], &[A, B, C], None, &[]),
            frame([0x08, 0x05], &[A, B, C], None, &SNAP_V4),
            frame([0x80, 0x00], &[A, B, C], None, &SNAP_V4),
            frame([0xd4, 0x00], &[A, B, C], None, &[]),
            frame([0x09, 0x01], &[A, B, C], None, &SNAP_V4),
        ] {
            assert_eq!(data(&f), Ok(None), "{f:02x?}");
        }
        assert!(data(&frame([0x0a, 0x01], &[A, B, C], None, &SNAP_V4)).is_err());
        for cut in 0..f.len() {
            let _ = data(&f[..cut]);
        }
    }
}
