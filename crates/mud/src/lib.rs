//! RFC 8520 Manufacturer Usage Description profiles: the model, a parser that validates as it
//! reads (every problem carries the JSON path where it was found), and flow matching.

pub mod compiled;
pub mod diag;
pub mod fetch;
pub mod matcher;
pub mod model;
pub mod nft;
pub mod parse;
pub mod signature;
pub mod write;

pub use diag::{Diag, DiagKind, Severity};
pub use model::*;
pub use parse::{dns_name, parse, parse_bytes, Parsed, MAX_PROFILE_BYTES};
pub use write::to_json;

/// Where a profile cache keeps the profile of `url`: `DIR/host/path.json` (`.json` added when
/// the path does not end with it). `None` for URLs that are not `https://`, or whose host or
/// path would step outside the folder.
pub fn cache_path(dir: &std::path::Path, url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("https://")?;
    let rest = rest.split(['?', '#']).next()?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = matcher::authority(&format!("https://{host}"));
    let ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:".contains(&b))
    };
    if !ok(&host) {
        return None;
    }
    let mut p = dir.join(host);
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() || !segs.iter().all(|s| ok(s)) {
        return None;
    }
    for s in &segs {
        p.push(s);
    }
    if !url.ends_with(".json") {
        let mut name = p.file_name()?.to_os_string();
        name.push(".json");
        p.set_file_name(name);
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    #[test]
    fn cache_paths_stay_inside_the_folder() {
        let d = Path::new("/c");
        assert_eq!(
            super::cache_path(d, "https://tplinkplug.com/tplinkplug"),
            Some(PathBuf::from("/c/tplinkplug.com/tplinkplug.json"))
        );
        assert_eq!(
            super::cache_path(d, "https://Lighting.example.com:443/a/b.json"),
            Some(PathBuf::from("/c/lighting.example.com/a/b.json"))
        );
        for bad in [
            "http://x.example/a",
            "https://x.example/../etc/passwd",
            "https://x.example/",
            "https://../a",
            "https://x.example/a/%2e%2e",
        ] {
            let p = super::cache_path(d, bad);
            assert!(
                p.is_none() || p.as_ref().is_some_and(|p| p.starts_with("/c/x.example")),
                "{bad}: {p:?}"
            );
        }
    }
}
