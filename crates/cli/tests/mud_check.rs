//! `iotgate mud check`: exit status, located problems, both languages, JSON.

use std::process::Command;

fn mud(rel: &str) -> String {
    format!(
        "{}/../../../shared/data/mud/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn run(args: &[&str]) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_iotgate"))
        .args(args)
        .output()
        .expect("run iotgate");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn usable_profiles_exit_zero_and_summarise() {
    let (code, out, _) = run(&[
        "mud",
        "check",
        "--lang",
        "en",
        &mud("unsw/tplinkplug.json"),
        &mud("cisco/Luminaire_150.json"),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("usable: https://tplinkplug.com/tplinkplug (tplinkplug); 2 from-device and 1 to-device ACLs, 32 entries"), "{out}");
    assert!(out.contains("draft-era name"), "{out}");
}

#[test]
fn an_undefined_acl_is_named_with_its_path_and_exit_one() {
    let (code, out, _) = run(&["mud", "check", "--lang", "en", &mud("sidn/test2.json")]);
    assert_eq!(code, 1);
    assert!(out.contains("error $.ietf-mud:mud.from-device-policy.access-lists.access-list[0].name: the ACL “allow-dns-packets” is referenced here but defined nowhere"), "{out}");
    let (code, out, _) = run(&["mud", "check", "--lang", "fr", &mud("sidn/test2.json")]);
    assert_eq!(code, 1);
    assert!(
        out.contains("l'ACL « allow-dns-packets » est référencée ici mais définie nulle part"),
        "{out}"
    );
}

#[test]
fn json_output_and_unreadable_files() {
    let (code, out, _) = run(&[
        "mud",
        "check",
        "--format",
        "json",
        &mud("sidn-invalid/bad_mudfile_undefineddata1.json"),
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v[0]["usable"], false);
    assert_eq!(v[0]["diagnostics"][0]["severity"], "error");
    assert_eq!(
        v[0]["diagnostics"][0]["path"],
        "$.ietf-access-control-list:acls.acl[0].aces.ace[0].matches.ipv6.extraneous-data"
    );
    let (code, _, err) = run(&["mud", "check", "--lang", "en", "/nonexistent/x.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/x.json"), "{err}");
    let (code, out, _) = run(&[
        "mud",
        "check",
        "--lang",
        "en",
        &format!("{}/Cargo.toml", env!("CARGO_MANIFEST_DIR")),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("not JSON") && out.contains("line 1"), "{out}");
}

#[test]
fn signatures_are_verified_against_the_given_anchor() {
    let ca = mud("cisco/luminaire-cacert.pem");
    let (code, out, _) = run(&[
        "mud",
        "check",
        "--lang",
        "en",
        "--trust",
        &ca,
        &mud("cisco/Luminaire_150.json"),
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("signature: valid — signed by O=Demo Luminaire Manufacturer, CN=luminaire.example.com on 2018-09-17T22:20:06"), "{out}");
    // One byte of the profile changed: refused, saying why.
    let dir = tempfile::Builder::new()
        .prefix("iotgate-sig-")
        .tempdir()
        .expect("dir");
    let mut p = std::fs::read(mud("cisco/Luminaire_150.json")).expect("read");
    let i = p.len() / 3;
    p[i] ^= 0x20;
    let changed = dir.path().join("Luminaire_150.json");
    std::fs::write(&changed, &p).expect("write");
    let (code, out, _) = run(&[
        "mud",
        "check",
        "--lang",
        "en",
        "--trust",
        &ca,
        "--signature",
        &mud("cisco/Luminaire_150.p7s"),
        changed.to_str().expect("path"),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("signature: NOT valid — the profile is not the one that was signed"),
        "{out}"
    );
    // A profile without a signature beside it.
    let (code, out, _) = run(&[
        "mud",
        "check",
        "--lang",
        "en",
        "--trust",
        &ca,
        &mud("unsw/tplinkplug.json"),
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("signature: cannot read"), "{out}");
}
