//! The manufacturer's declaration: what the network cannot show (support period, disclosure
//! policy, update mechanism, password policy, data practices, SBOM), read from a TOML file.

use serde::Deserialize;

/// How the device's passwords are set when it leaves the factory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordPolicy {
    /// Each unit has its own password (printed on it, for example).
    Unique,
    /// The user must choose a password before first use.
    UserSet,
    /// The device has no password-based login at all.
    NoPasswords,
    /// Every unit ships with the same password.
    Shared,
}

/// How updates reach the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateMechanism {
    /// Installed automatically (the user may opt out).
    Automatic,
    /// The user starts them.
    UserInitiated,
    /// The software cannot be updated.
    None,
}

/// A declaration. Every field is optional: what is left out stays "not assessed".
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Model designation.
    pub model: Option<String>,
    /// Last day security updates are promised (`YYYY-MM-DD`), or `none`.
    #[serde(default, deserialize_with = "date_or_text")]
    pub support_until: Option<String>,
    /// Where vulnerabilities are reported (a URL or address), or `none`.
    pub vulnerability_disclosure: Option<String>,
    /// How updates are delivered.
    pub update_mechanism: Option<UpdateMechanism>,
    /// True when the device checks a signature on every update before installing it.
    pub updates_signed: Option<bool>,
    /// How default passwords are set.
    pub default_password: Option<PasswordPolicy>,
    /// Where the data practices (privacy notice) are published, or `none`.
    pub data_practices: Option<String>,
    /// Where the software bill of materials is published, or `none`.
    pub sbom: Option<String>,
    /// True for network equipment (it forwards traffic for other devices: a router, a
    /// gateway); when left out, iotgate decides from whether the capture shows it relaying.
    pub network_equipment: Option<bool>,
    /// Security labels the product holds (Singapore CLS, Japan's JC-STAR): since UK SI
    /// 2025/1267 a current one is a deemed route to the UK PSTI requirements.
    #[serde(default, rename = "held_label")]
    pub held_labels: Vec<HeldLabel>,
}

/// A scheme whose label a product can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LabelScheme {
    /// Singapore's Cybersecurity Labelling Scheme (any level).
    Cls,
    /// Japan's JC-STAR (STAR-1 and above).
    JcStar,
}

/// A label the product holds, as declared.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct HeldLabel {
    /// The scheme.
    pub scheme: LabelScheme,
    /// Its level (CLS 1-4, JC-STAR 1-4 for STAR-1…STAR-4).
    pub level: u8,
    /// Its last day of validity (`YYYY-MM-DD`).
    #[serde(deserialize_with = "date_or_text_required")]
    pub expires: String,
}

/// A TOML string, or a TOML date written without quotes (`support_until = 2030-12-31`), as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateOrText {
    Text(String),
    Date(toml::value::Datetime),
}

impl DateOrText {
    fn text(self) -> String {
        match self {
            DateOrText::Text(s) => s,
            DateOrText::Date(d) => d.to_string(),
        }
    }
}

fn date_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<DateOrText>::deserialize(d)?.map(DateOrText::text))
}

fn date_or_text_required<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(DateOrText::deserialize(d)?.text())
}

/// A declaration that could not be read, with the file and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationError {
    /// The file.
    pub file: String,
    /// What was wrong (the TOML parser's message names the line and key).
    pub what: String,
}

impl std::fmt::Display for DeclarationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.what.trim_end())
    }
}

/// A calendar date, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub y: u16,
    /// Month, 1–12.
    pub m: u8,
    /// Day, 1–31 (valid for the month).
    pub d: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let t = s.get(r)?;
            if !t.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            t.parse().ok()
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days = match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if d == 0 || d > days {
            return None;
        }
        Some(Date {
            y,
            m: m as u8,
            d: d as u8,
        })
    }
    /// The date of a Unix time, UTC.
    pub fn from_unix(secs: i64) -> Date {
        // Days since 1970-01-01 to civil date (Howard Hinnant's algorithm, public domain).
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let y = (yoe + era * 400 + i64::from(m <= 2)) as u16;
        Date { y, m, d }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

/// True for a value that says "there is none".
pub fn is_none_value(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.eq_ignore_ascii_case("none")
}

impl Declaration {
    /// Parses a declaration; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Declaration, DeclarationError> {
        let mut d: Declaration = toml::from_str(text).map_err(|e| DeclarationError {
            file: file.to_string(),
            what: e.to_string(),
        })?;
        // What the maker wrote is shown on the label, the page and the terminal: control
        // characters become visible escapes (a line feed in a name must not forge a line).
        for f in [
            &mut d.manufacturer,
            &mut d.model,
            &mut d.support_until,
            &mut d.vulnerability_disclosure,
            &mut d.data_practices,
            &mut d.sbom,
        ]
        .into_iter()
        .flatten()
        {
            if let std::borrow::Cow::Owned(v) = iotgate_explain::safe::visible(f) {
                *f = v;
            }
        }
        if let Some(s) = &d.support_until {
            if !is_none_value(s) && Date::parse(s).is_none() {
                return Err(DeclarationError {
                    file: file.to_string(),
                    what: format!("support_until: {s:?} is not a date (YYYY-MM-DD) or \"none\""),
                });
            }
        }
        for (i, h) in d.held_labels.iter().enumerate() {
            let what = if !(1..=4).contains(&h.level) {
                format!("held_label[{i}].level: {} is not a level (1 to 4)", h.level)
            } else if Date::parse(&h.expires).is_none() {
                format!(
                    "held_label[{i}].expires: {:?} is not a date (YYYY-MM-DD)",
                    h.expires
                )
            } else {
                continue;
            };
            return Err(DeclarationError {
                file: file.to_string(),
                what,
            });
        }
        Ok(d)
    }
}
