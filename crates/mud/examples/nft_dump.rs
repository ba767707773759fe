//! Prints the nftables ruleset compiled from one profile (for trying it with `nft -c -j -f`).
//! Usage: cargo run -p iotgate-mud --example nft_dump -- PROFILE.json MAC ADDR
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let p = iotgate_mud::parse_bytes(&std::fs::read(&a[1]).expect("read"))
        .profile
        .expect("usable");
    let d = iotgate_mud::nft::Device {
        mac: a[2].clone(),
        profile: &p,
        addrs: vec![a[3].parse().expect("addr")],
    };
    let ctl = vec![
        (
            "urn:ietf:params:mud:dns".to_string(),
            "192.168.1.1".parse().expect("ip"),
        ),
        (
            "urn:ietf:params:mud:gateway".to_string(),
            "192.168.1.1".parse().expect("ip"),
        ),
    ];
    let r = iotgate_mud::nft::compile(&[d], &ctl);
    for (w, why) in &r.skipped {
        eprintln!("skipped {w}: {why}");
    }
    println!("{}", serde_json::to_string_pretty(&r.json).expect("json"));
}
