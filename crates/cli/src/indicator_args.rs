//! Indicators on the command line: `collect --indicators DIR --signing-key FILE` writes one
//! signed indicator per alert (and an index, for the operator, of which subscriber each is
//! about); `analyze --indicator FILE --indicator-key KEY` checks one and names the devices of
//! the home whose flows match it.

use crate::failure::Failure;
use iotgate_explain::model::Analysis;
use iotgate_explain::{Arg, Localizer};
use iotgate_pipeline::indicator::{self, DeviceMatch, Indicator, Key};
use std::path::Path;

/// The signing key in `path`, created (readable by its owner only) when the file does not
/// exist yet; its public key is said on standard error either way.
pub fn signing_key(l: &Localizer, path: &Path) -> Result<Key, Failure> {
    let shown = path.display().to_string();
    let key = match std::fs::read_to_string(path) {
        Ok(text) => Key::parse(&text).ok_or_else(|| {
            Failure::failed(l.ta("indicator-err-key", &[("path", Arg::S(&shown))]))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Key::generate().map_err(Failure::failed)?;
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(path)
                .and_then(|mut f| f.write_all(key.to_text().as_bytes()))
                .map_err(|e| Failure::failed(iotgate_explain::write_error(l, &shown, &e)))?;
            crate::note!(
                "iotgate: {}",
                l.ta("indicator-key-created", &[("path", Arg::S(&shown))])
            );
            key
        }
        Err(e) => {
            return Err(Failure::failed(l.ta(
                "mud-read-error",
                &[("path", Arg::S(&shown)), ("error", Arg::S(&e.to_string()))],
            )))
        }
    };
    crate::note!(
        "iotgate: {}",
        l.ta("indicator-public-key", &[("key", Arg::S(&key.public()))])
    );
    Ok(key)
}

/// Writes one signed indicator per alert of `report` into `dir`, and `index.json` naming the
/// subscriber (or device) each is about — the operator's own record, not for homes.
pub fn write_all(
    l: &Localizer,
    dir: &Path,
    key: &Key,
    report: &Analysis,
) -> Result<usize, Failure> {
    let fail = |p: &Path, e: &dyn std::fmt::Display| {
        Failure::failed(iotgate_explain::write_error(
            l,
            &p.display().to_string(),
            &e,
        ))
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, &e))?;
    let issuer = key.public();
    let mut index = Vec::new();
    for a in &report.alerts {
        let Some(body) = indicator::body_for(a, &issuer) else {
            continue;
        };
        let ind = key.sign(body);
        let name = format!("indicator-{:04}-{}.json", index.len() + 1, a.kind.id());
        let path = dir.join(&name);
        let text = serde_json::to_string_pretty(&ind.to_json()).unwrap_or_default();
        std::fs::write(&path, text + "\n").map_err(|e| fail(&path, &e))?;
        index.push(serde_json::json!({
            "file": name,
            "subscriber": a.subscriber,
            "mac": (!a.mac.is_empty()).then_some(&a.mac),
            "kind": a.kind.id(),
            "detail": a.detail,
        }));
    }
    let path = dir.join("index.json");
    let text = serde_json::to_string_pretty(&index).unwrap_or_default();
    std::fs::write(&path, text + "\n").map_err(|e| fail(&path, &e))?;
    Ok(index.len())
}

/// Reads and checks the indicator `path` against `trusted` (a public key in hex, or a file
/// holding one); refused with the reason when it does not verify.
pub fn read_verified(l: &Localizer, path: &Path, trusted: &str) -> Result<Indicator, String> {
    let shown = path.display().to_string();
    let key_text = if Path::new(trusted).is_file() {
        let b = crate::files::read_limited(Path::new(trusted), 1024).map_err(|e| {
            l.ta(
                "mud-read-error",
                &[("path", Arg::S(trusted)), ("error", Arg::S(&e.to_string()))],
            )
        })?;
        String::from_utf8_lossy(&b).trim().to_string()
    } else {
        trusted.trim().to_string()
    };
    let bytes = crate::files::read_bounded(l, path, indicator::MAX_BYTES)?;
    indicator::verify(&String::from_utf8_lossy(&bytes), &key_text).map_err(|r| {
        let detail = match &r {
            indicator::Refused::Syntax(e) => e.clone(),
            _ => String::new(),
        };
        l.ta(
            "indicator-refused",
            &[
                ("path", Arg::S(&shown)),
                (
                    "why",
                    Arg::S(&l.t(&format!("indicator-refused-{}", r.id()))),
                ),
                ("detail", Arg::S(&detail)),
            ],
        )
    })
}

/// The matches as text, in `l`'s language.
pub fn text(l: &Localizer, ind: &Indicator, found: &[DeviceMatch]) -> String {
    let ind = &ind.body;
    use std::fmt::Write;
    let time = |ns: i64| iotgate_explain::typed::Time(ns).to_string();
    let remote = |r: &indicator::Remote| match r.port {
        Some(p) => format!("{}:{p}", r.addr),
        None => r.addr.to_string(),
    };
    let mut o = l.ta(
        "indicator-head",
        &[
            ("kind", Arg::S(&ind.kind)),
            ("detail", Arg::S(&ind.detail)),
            (
                "start",
                Arg::S(&time(ind.start_ms.saturating_mul(1_000_000))),
            ),
            ("end", Arg::S(&time(ind.end_ms.saturating_mul(1_000_000)))),
            ("n", Arg::N(ind.remotes.len() as f64)),
            (
                "remotes",
                Arg::S(
                    &ind.remotes
                        .iter()
                        .map(remote)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ),
        ],
    );
    o.push('\n');
    if found.is_empty() {
        let _ = writeln!(o, "{}", l.t("indicator-none"));
        return o;
    }
    for d in found {
        let who = match &d.name {
            Some(n) => format!("{} ({})", iotgate_explain::safe::visible(n), d.mac),
            None => d.mac.clone(),
        };
        let _ = writeln!(
            o,
            "{}",
            l.ta(
                "indicator-device",
                &[
                    ("device", Arg::S(&who)),
                    ("n", Arg::N(d.peers.len() as f64))
                ]
            )
        );
        for p in &d.peers {
            let _ = writeln!(
                o,
                "  {}",
                l.ta(
                    "indicator-peer",
                    &[
                        ("remote", Arg::S(&remote(&p.remote))),
                        ("port", Arg::N(f64::from(p.port))),
                        ("first", Arg::S(&time(p.first_ns))),
                        ("last", Arg::S(&time(p.last_ns))),
                        ("flows", Arg::N(p.flows as f64)),
                        ("packets", Arg::N(p.packets_sent as f64)),
                    ]
                )
            );
        }
    }
    o
}
