//! The localisation layer: every string a person reads comes from the Fluent catalogues in
//! `locales/` (English and French), looked up by message id with named arguments.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

static EN: &str = include_str!("../locales/en.ftl");
static FR: &str = include_str!("../locales/fr.ftl");

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Parses `en`, `fr`, or a locale such as `fr_CA.UTF-8`.
    pub fn parse(s: &str) -> Option<Lang> {
        let l = s.trim().to_ascii_lowercase();
        if l.starts_with("fr") {
            Some(Lang::Fr)
        } else if l.starts_with("en") || l == "c" || l == "posix" {
            Some(Lang::En)
        } else {
            None
        }
    }
    /// The language from `LC_ALL`, `LC_MESSAGES` or `LANG`, English when unset or unknown.
    pub fn from_env() -> Lang {
        for v in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(s) = std::env::var(v) {
                if !s.is_empty() {
                    return Lang::parse(&s).unwrap_or(Lang::En);
                }
            }
        }
        Lang::En
    }
    /// ISO 639-1 code.
    pub fn code(&self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }
    /// The Fluent source of this language's catalogue.
    pub fn source(&self) -> &'static str {
        match self {
            Lang::En => EN,
            Lang::Fr => FR,
        }
    }
}

/// A loaded catalogue.
pub struct Localizer {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

/// An argument value for a message.
pub enum Arg<'a> {
    /// Text.
    S(&'a str),
    /// A number.
    N(f64),
}

impl From<&'static str> for Arg<'static> {
    fn from(s: &'static str) -> Self {
        Arg::S(s)
    }
}

impl Localizer {
    /// Loads the catalogue of `lang`. The catalogues are compiled in and checked by tests, so a
    /// syntax error here is a build defect; it degrades to message ids rather than failing.
    pub fn new(lang: Lang) -> Self {
        let res = match FluentResource::try_new(lang.source().to_string()) {
            Ok(r) => r,
            Err((r, _)) => r,
        };
        let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let mut bundle = FluentBundle::new(vec![id]);
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(res);
        Localizer { lang, bundle }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// True if the catalogue has this message.
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// The message `id` without arguments.
    pub fn t(&self, id: &str) -> String {
        self.ta(id, &[])
    }

    /// The message `id` with named arguments. A missing message yields its id in brackets, which
    /// the catalogue tests forbid.
    pub fn ta(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let Some(msg) = self.bundle.get_message(id) else {
            return format!("[{id}]");
        };
        let Some(pat) = msg.value() else {
            return format!("[{id}]");
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::S(s) => fa.set(*k, FluentValue::from(s.to_string())),
                Arg::N(n) => fa.set(*k, FluentValue::from(*n)),
            }
        }
        let mut errs = Vec::new();
        self.bundle
            .format_pattern(pat, Some(&fa), &mut errs)
            .into_owned()
    }

    /// Every message id of a catalogue source (for tests).
    pub fn ids(src: &str) -> Vec<String> {
        src.lines()
            .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
            .collect()
    }
}
