//! Fuzz target: decoding a frame of every link type (Ethernet/VLAN/SLL/SLL2/raw, ARP, IPv4 with
//! options and fragments, IPv6 with extension headers, TCP options, UDP, ICMP) must not panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for lt in [0u16, 1, 101, 113, 228, 229, 276] {
        if let Ok(d) = iotgate_wire::decode(lt, data) {
            if let iotgate_wire::L4::Tcp(t) = d.l4 {
                let _ = (t.option_iter().count(), t.mss(), t.wscale());
            }
        }
    }
});
