//! Framework catalogues: requirement IDs, EN/FR titles, statuses and versions, read from the
//! TOML files in `catalogues/` (compiled in) and checked for consistency.

use serde::Deserialize;
use std::collections::BTreeSet;

/// Whether a requirement must be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Status {
    /// Mandatory.
    M,
    /// Mandatory when a condition holds (e.g. the device uses passwords at all).
    Mc,
    /// Recommended.
    R,
    /// Recommended when a condition holds.
    Rc,
}

impl Status {
    /// True for M and Mc.
    pub fn mandatory(self) -> bool {
        matches!(self, Status::M | Status::Mc)
    }
}

/// What the network can show about a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Net {
    /// A capture or a local probe can pass or fail it.
    Y,
    /// The network can show a failure; a pass needs the manufacturer's declaration.
    P,
    /// Only a declaration or documentation settles it.
    N,
}

/// How a framework's results read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// Requirements a device meets or not (EN 303 645, PSTI…).
    #[default]
    Compliance,
    /// Levels, each including the one below (Singapore CLS): the result is the highest level
    /// the evidence supports and what blocks the next.
    Tiered,
    /// A list of weaknesses (OWASP): each is seen, not seen or not assessed.
    Weaknesses,
}

/// A condition of an Mc or Rc requirement that iotgate can decide from the evidence, so that
/// the requirement is left out (not applicable) rather than left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applies {
    /// Equipment that forwards traffic for others (routers, gateways): from the manufacturer's
    /// declaration, else from whether the capture shows the device relaying traffic.
    NetworkEquipment,
}

/// One requirement of a framework.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// The framework's own ID (e.g. `5.1-1`, `1`, `I.2.d`, `AUM-5`).
    pub id: String,
    /// What it protects ([`TOPICS`]): explained to owners in the locale catalogues
    /// (`label-topic-<topic>-means`, `-do`).
    pub topic: String,
    /// Mandatory or recommended.
    pub status: Status,
    /// What the network can show.
    pub net: Net,
    /// Short title, English.
    pub en: String,
    /// Short title, French.
    pub fr: String,
    /// When an Mc or Rc requirement applies, English.
    #[serde(default)]
    pub condition_en: Option<String>,
    /// When it applies, French.
    #[serde(default)]
    pub condition_fr: Option<String>,
    /// Requirements of other frameworks whose fulfilment is accepted as meeting this one
    /// (`framework:id`).
    #[serde(default)]
    pub deemed: Vec<String>,
    /// Requirements this one includes (`framework:id`, an ID of the same framework, or
    /// `framework:mandatory` for every mandatory requirement of that framework).
    #[serde(default)]
    pub includes: Vec<String>,
    /// The part of its condition iotgate can decide, if any.
    #[serde(default)]
    pub applies: Option<Applies>,
    /// Only an approved laboratory can assess it.
    #[serde(default)]
    pub lab: bool,
    /// The text this entry was checked against: document, version and clause (e.g.
    /// `ETSI EN 303 645 V2.1.1 (2020-06), 5.1-1`).
    #[serde(default)]
    pub source: String,
    /// When it was last checked against that text (ISO 8601 date).
    #[serde(default)]
    pub checked: String,
}

impl Requirement {
    /// When it applies (Mc and Rc requirements), in `lang`.
    pub fn condition(&self, lang: &str) -> Option<&str> {
        if lang == "fr" {
            self.condition_fr.as_deref()
        } else {
            self.condition_en.as_deref()
        }
    }

    /// The title in `lang` (`en` or `fr`).
    pub fn title(&self, lang: &str) -> &str {
        if lang == "fr" {
            &self.fr
        } else {
            &self.en
        }
    }
}

/// A framework and its requirements, in the standard's order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// iotgate's short ID (`en303645`, `psti`, …).
    pub id: String,
    /// The framework's name.
    pub name: String,
    /// A name short enough for the label's scheme badges.
    pub short: String,
    /// The version of the standard the IDs come from.
    pub version: String,
    /// What it is, English.
    pub title_en: String,
    /// What it is, French.
    pub title_fr: String,
    /// How its results read.
    #[serde(default)]
    pub form: Form,
    /// Requirements.
    #[serde(rename = "req")]
    pub reqs: Vec<Requirement>,
}

impl Framework {
    /// The requirement `id`, if any.
    pub fn req(&self, id: &str) -> Option<&Requirement> {
        self.reqs.iter().find(|r| r.id == id)
    }
    /// What it is, in `lang`.
    pub fn title(&self, lang: &str) -> &str {
        if lang == "fr" {
            &self.title_fr
        } else {
            &self.title_en
        }
    }
}

/// What requirements protect, each explained to owners in both languages.
pub const TOPICS: &[&str] = &[
    "passwords",
    "vulnerability-reporting",
    "updates",
    "support-period",
    "secrets",
    "communication",
    "interfaces",
    "integrity",
    "privacy",
    "resilience",
    "deletion",
    "setup",
    "monitoring",
    "vulnerabilities",
    "lab",
    "scheme-level",
];

/// The catalogue sources, in the order frameworks are reported.
pub const SOURCES: &[(&str, &str)] = &[
    ("en303645.toml", include_str!("../catalogues/en303645.toml")),
    ("psti.toml", include_str!("../catalogues/psti.toml")),
    (
        "nistir8425.toml",
        include_str!("../catalogues/nistir8425.toml"),
    ),
    ("cls.toml", include_str!("../catalogues/cls.toml")),
    ("cra.toml", include_str!("../catalogues/cra.toml")),
    ("en18031.toml", include_str!("../catalogues/en18031.toml")),
    ("owasp.toml", include_str!("../catalogues/owasp.toml")),
];

/// A catalogue that does not hold together, with the file and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueError {
    /// The catalogue file.
    pub file: String,
    /// What is wrong.
    pub what: String,
}

impl std::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.what)
    }
}

/// Every framework.
#[derive(Debug, Clone)]
pub struct Catalogues {
    /// In report order.
    pub frameworks: Vec<Framework>,
}

impl Catalogues {
    /// Parses and checks `sources` (file name, TOML text).
    pub fn parse(sources: &[(&str, &str)]) -> Result<Catalogues, CatalogueError> {
        let mut frameworks = Vec::new();
        for (file, text) in sources {
            let fw: Framework = toml::from_str(text).map_err(|e| CatalogueError {
                file: file.to_string(),
                what: e.to_string(),
            })?;
            frameworks.push(fw);
        }
        let c = Catalogues { frameworks };
        c.check(sources)?;
        Ok(c)
    }

    /// The catalogues built into iotgate (checked by the tests, so this cannot fail at run
    /// time unless the build is broken).
    pub fn builtin() -> Catalogues {
        match Catalogues::parse(SOURCES) {
            Ok(c) => c,
            Err(e) => panic!("built-in catalogue broken: {e}"),
        }
    }

    /// The framework `id`.
    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    /// Resolves `framework:id` (or a bare ID within `within`).
    pub fn resolve<'a>(
        &'a self,
        within: &str,
        r: &str,
    ) -> Option<(&'a Framework, &'a Requirement)> {
        let (fw, id) = r.split_once(':').unwrap_or((within, r));
        let f = self.framework(fw)?;
        Some((f, f.req(id)?))
    }

    /// Unique IDs, titles present, and every cross-reference resolves.
    fn check(&self, sources: &[(&str, &str)]) -> Result<(), CatalogueError> {
        let mut ids = BTreeSet::new();
        for (fw, (file, _)) in self.frameworks.iter().zip(sources) {
            let err = |what: String| CatalogueError {
                file: file.to_string(),
                what,
            };
            if !ids.insert(fw.id.clone()) {
                return Err(err(format!("framework id {} used twice", fw.id)));
            }
            let mut seen = BTreeSet::new();
            for r in &fw.reqs {
                if !seen.insert(r.id.as_str()) {
                    return Err(err(format!("requirement {} listed twice", r.id)));
                }
                if !TOPICS.contains(&r.topic.as_str()) {
                    return Err(err(format!(
                        "requirement {} has unknown topic {}",
                        r.id, r.topic
                    )));
                }
                let conditional = matches!(r.status, Status::Mc | Status::Rc);
                if conditional != (r.condition_en.is_some() && r.condition_fr.is_some()) {
                    return Err(err(format!(
                        "requirement {}: a condition in both languages is needed exactly for Mc and Rc",
                        r.id
                    )));
                }
                if r.applies.is_some() && !conditional {
                    return Err(err(format!(
                        "requirement {}: only Mc and Rc requirements have a condition to apply",
                        r.id
                    )));
                }
                if r.source.trim().is_empty() {
                    return Err(err(format!(
                        "requirement {} does not name the text it was checked against (source)",
                        r.id
                    )));
                }
                if crate::declaration::Date::parse(&r.checked).is_none() {
                    return Err(err(format!(
                        "requirement {}: checked must be the date it was checked (YYYY-MM-DD), not {:?}",
                        r.id, r.checked
                    )));
                }
                if r.en.trim().is_empty() || r.fr.trim().is_empty() {
                    return Err(err(format!("requirement {} lacks a title", r.id)));
                }
                for x in r.deemed.iter().chain(&r.includes) {
                    let all = x
                        .split_once(':')
                        .is_some_and(|(f, i)| i == "mandatory" && self.framework(f).is_some());
                    if !all && self.resolve(&fw.id, x).is_none() {
                        return Err(err(format!(
                            "requirement {} refers to unknown requirement {x}",
                            r.id
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}
