//! Fuzz target: the MUD profile parser must not panic on any input, every problem it reports must
//! be located, and whatever it accepts must write back to a profile it accepts again, index for
//! matching and compile to nftables without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = iotgate_mud::parse_bytes(data);
    assert!(r.diags.iter().all(|d| d.path.starts_with('$')));
    if let Some(p) = r.profile {
        if !p.url.is_empty() && p.last_update.is_some() {
            let text = iotgate_mud::to_json(&p).to_string();
            assert!(iotgate_mud::parse_bytes(text.as_bytes()).profile.is_some(), "{text}");
        }
        let _ = iotgate_mud::compiled::Compiled::new(p.clone());
        let dev = iotgate_mud::nft::Device { mac: "02:00:00:00:00:01".into(), profile: &p, addrs: vec![] };
        let _ = iotgate_mud::nft::compile(&[dev], &[]);
    }
});
