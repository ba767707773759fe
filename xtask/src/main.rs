//! Maintenance tasks: `cargo run -p xtask -- oui [IEEE_DIR]` regenerates the compact OUI vendor
//! table `crates/observe/data/oui.bin` from the IEEE registry CSV files (public domain), by default
//! those of Debian's `ieee-data` package in `/usr/share/ieee-data`.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("oui") => {
            let dir = args
                .get(1)
                .map(PathBuf::from)
                .unwrap_or_else(|| "/usr/share/ieee-data".into());
            let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/observe/data/oui.bin");
            match build_oui(&dir, &out) {
                Ok(n) => println!("wrote {} ({n} assignments)", out.display()),
                Err(e) => {
                    eprintln!("xtask oui: {e}");
                    std::process::exit(2);
                }
            }
        }
        _ => {
            eprintln!("usage: cargo run -p xtask -- oui [IEEE_DATA_DIR]");
            std::process::exit(2);
        }
    }
}

/// Splits one CSV line, honouring double-quoted fields.
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Shortens an organisation name: trims whitespace and common legal-form suffixes.
fn short_name(name: &str) -> String {
    let mut n = name.trim().trim_end_matches('.').trim().to_string();
    const SUFFIXES: &[&str] = &[
        ", Inc",
        " Inc",
        " Co., Ltd",
        " Co.,Ltd",
        " CO., LTD",
        " Co. Ltd",
        " Co.,Ltd",
        ", Ltd",
        " Ltd",
        " LTD",
        " LLC",
        " GmbH",
        " Corporation",
        " Corp",
        " Limited",
        " S.A",
        " AG",
        " B.V",
        " Technology",
        " Technologies",
        ",",
    ];
    for _ in 0..3 {
        for s in SUFFIXES {
            if n.len() > s.len() + 2 && n.to_ascii_lowercase().ends_with(&s.to_ascii_lowercase()) {
                n.truncate(n.len() - s.len());
                n = n
                    .trim()
                    .trim_end_matches('.')
                    .trim_end_matches(',')
                    .trim()
                    .to_string();
            }
        }
    }
    if n.len() > 60 {
        let mut cut = 60;
        while !n.is_char_boundary(cut) {
            cut -= 1;
        }
        n.truncate(cut);
    }
    n
}

fn build_oui(dir: &Path, out: &Path) -> Result<usize, String> {
    // (bits, file) — the most specific registries win at lookup time.
    let files = [
        (24u8, "oui.csv"),
        (28, "mam.csv"),
        (36, "oui36.csv"),
        (36, "iab.csv"),
    ];
    let mut tables: BTreeMap<u8, BTreeMap<u64, String>> = BTreeMap::new();
    let mut total = 0;
    for (bits, f) in files {
        let path = dir.join(f);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (i, line) in text.lines().enumerate().skip(1) {
            let fields = csv_fields(line);
            // Quoted addresses may span lines: continuation lines do not start with a registry.
            if fields.len() < 3 || !matches!(fields[0].as_str(), "MA-L" | "MA-M" | "MA-S" | "IAB") {
                continue;
            }
            let hex = fields[1].trim();
            let Ok(v) = u64::from_str_radix(hex, 16) else {
                return Err(format!(
                    "{}:{}: bad assignment {hex:?}",
                    path.display(),
                    i + 1
                ));
            };
            if hex.len() * 4 != bits as usize {
                return Err(format!(
                    "{}:{}: {hex} is not {bits} bits",
                    path.display(),
                    i + 1
                ));
            }
            let name = short_name(&fields[2]);
            if name.is_empty() || name.eq_ignore_ascii_case("private") {
                continue;
            }
            tables.entry(bits).or_default().insert(v, name);
            total += 1;
        }
    }
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, u16> = HashMap::new();
    let mut buf = b"IOTGOUI1".to_vec();
    let mut body = Vec::new();
    for (bits, t) in &tables {
        body.push(*bits);
        body.extend_from_slice(&(t.len() as u32).to_le_bytes());
        for (prefix, name) in t {
            let id = *index.entry(name.clone()).or_insert_with(|| {
                names.push(name.clone());
                (names.len() - 1) as u16
            });
            body.extend_from_slice(&prefix.to_le_bytes()[..5]);
            body.extend_from_slice(&id.to_le_bytes());
        }
    }
    buf.extend_from_slice(&(names.len() as u32).to_le_bytes());
    for n in &names {
        buf.push(n.len() as u8);
        buf.extend_from_slice(n.as_bytes());
    }
    buf.push(tables.len() as u8);
    buf.extend_from_slice(&body);
    std::fs::write(out, buf).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(total)
}
