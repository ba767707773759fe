//! Bounded reading of the small files users name (profiles, blocklists, declarations).

use iotgate_explain::{Arg, Localizer};

/// Reads a profile-sized file ([`read_limited`]); the error is a localised line naming the file.
pub fn read_file(l: &Localizer, path: &std::path::Path) -> Result<Vec<u8>, String> {
    read_limited(path, iotgate_mud::MAX_PROFILE_BYTES).map_err(|e| {
        l.ta(
            "mud-read-error",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("error", Arg::S(&e.to_string())),
            ],
        )
    })
}

/// Reads at most one byte more than `limit` (a profile's or a list's), so that a huge file is
/// refused cheaply.
pub fn read_limited(path: &std::path::Path, limit: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut b = Vec::new();
    std::fs::File::open(path)?
        .take(limit as u64 + 1)
        .read_to_end(&mut b)?;
    Ok(b)
}
