//! Fuzz target: the dhcp4 decoder must not panic on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = iotgate_wire::dhcp4::parse(data) {
        if let Some((f, n)) = d.fqdn { let mut out = [0u8; 256]; let _ = iotgate_wire::dhcp4::fqdn_name(f, n, &mut out); }
        if let Some(r) = d.dns_servers { let _ = iotgate_wire::dhcp4::addrs(r).count(); }
    }
});
