//! The inventory's index of who owns each address always agrees with asking every device.

use iotgate_observe::{Inventory, Limits};
use iotgate_wire::Mac;
use proptest::prelude::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

#[derive(Debug, Clone)]
enum Op {
    Source(u8, IpAddr),
    Gateway(u8),
}

/// Few addresses, so that devices share them: private, public, link-local, IPv6 in a few /64s.
fn addr() -> impl Strategy<Value = IpAddr> {
    prop_oneof![
        (0u8..4).prop_map(|x| IpAddr::V4(Ipv4Addr::new(192, 168, 1, x))),
        (0u8..4).prop_map(|x| IpAddr::V4(Ipv4Addr::new(203, 0, 113, x))),
        (0u8..2).prop_map(|x| IpAddr::V4(Ipv4Addr::new(169, 254, 0, x))),
        (0u16..4, 0u16..3)
            .prop_map(|(p, x)| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, p, 0, 0, 0, 0, x))),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0u8..6, addr()).prop_map(|(d, a)| Op::Source(d, a)),
        1 => (0u8..6).prop_map(Op::Gateway),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]
    #[test]
    fn index_agrees_with_every_device(ops in proptest::collection::vec(op(), 1..200)) {
        let lim = Limits::default();
        let mut inv = Inventory::default();
        let mac = |d: u8| Mac([0x02, 0, 0, 0, 0, d]);
        for (t, o) in ops.iter().enumerate() {
            match *o {
                Op::Source(d, ip) => {
                    if let Some(i) = inv.upsert(mac(d), t as i64, &lim) {
                        inv.note_address(i, ip, &lim);
                    }
                }
                Op::Gateway(d) => inv.mark_gateway(mac(d), t as i64, &lim),
            }
            for ip in ops.iter().filter_map(|o| match o { Op::Source(_, a) => Some(*a), _ => None }) {
                for except in 0..inv.devices.len() as u32 + 1 {
                    let walk = inv
                        .devices
                        .iter()
                        .enumerate()
                        .find(|(i, d)| *i as u32 != except && d.owns(&ip))
                        .map(|(i, _)| i as u32);
                    prop_assert_eq!(inv.owner_except(&ip, except), walk, "{} except {}", ip, except);
                }
            }
        }
    }
}
