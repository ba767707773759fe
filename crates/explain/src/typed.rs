//! Report values that stay types until a renderer words them: times, protocols, TLS versions,
//! severities and kinds, and [`Text`] — a catalogue message with its arguments, translated only
//! when rendered. The JSON renderer translates through [`InLanguage`], so one report serves
//! readers of every language.

use crate::format::{proto_name, rfc3339_stamp};
use crate::i18n::{Arg, Localizer};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

scoped_tls::scoped_thread_local!(static RENDERING: Localizer);

/// A time: nanoseconds since the Unix epoch, written as RFC 3339 UTC with microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub i64);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(rfc3339_stamp(self.0).as_str())
    }
}

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(rfc3339_stamp(self.0).as_str())
    }
}

/// An IP protocol number, written by name (`tcp`, `udp`, `icmp`, `icmpv6`, `gre`) or number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Proto(pub u8);

impl Proto {
    /// ICMP.
    pub const ICMP: Proto = Proto(1);
    /// TCP.
    pub const TCP: Proto = Proto(6);
    /// UDP.
    pub const UDP: Proto = Proto(17);
    /// ICMPv6.
    pub const ICMPV6: Proto = Proto(58);
}

impl fmt::Display for Proto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&proto_name(self.0))
    }
}

impl Serialize for Proto {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&proto_name(self.0))
    }
}

/// A TLS protocol version as sent on the wire (`0x0303`), written `TLS 1.2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TlsVersion(pub u16);

impl fmt::Display for TlsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&iotgate_observe::tls_version_name(self.0))
    }
}

impl Serialize for TlsVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Writes a finding's or alert's severity by its identifier.
pub(crate) fn severity<S: Serializer>(
    v: &iotgate_judge::Severity,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.id())
}

/// Writes an alert's kind by its identifier.
pub(crate) fn alert_kind<S: Serializer>(
    v: &iotgate_judge::detect::Kind,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.id())
}

/// Writes a device kind by its identifier.
pub(crate) fn device_kind<S: Serializer>(
    v: &iotgate_observe::kind::Kind,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.id())
}

/// Writes the device's role in a piece of evidence: `client` or `server`.
pub(crate) fn role<S: Serializer>(
    v: &iotgate_observe::device::Role,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(role_id(*v))
}

/// `client` or `server`.
pub fn role_id(r: iotgate_observe::device::Role) -> &'static str {
    match r {
        iotgate_observe::device::Role::Client => "client",
        iotgate_observe::device::Role::Server => "server",
    }
}

/// Which way an alert points: the device acts (`outbound`) or is the target (`inbound`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// The device is the target.
    Inbound,
    /// The device acts.
    Outbound,
}

/// An argument of a [`Text`].
#[derive(Debug, Clone, PartialEq)]
pub enum TextArg {
    /// Text, used as it is.
    S(String),
    /// A number, formatted for the reader's language.
    N(f64),
}

impl From<String> for TextArg {
    fn from(s: String) -> Self {
        TextArg::S(s)
    }
}

impl From<&str> for TextArg {
    fn from(s: &str) -> Self {
        TextArg::S(s.to_string())
    }
}

impl From<f64> for TextArg {
    fn from(n: f64) -> Self {
        TextArg::N(n)
    }
}

impl From<u64> for TextArg {
    fn from(n: u64) -> Self {
        TextArg::N(n as f64)
    }
}

/// Words for a person, kept as a catalogue message and its arguments (or several messages read
/// one after another) until a renderer translates them with [`Text::render`].
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// One message.
    Message {
        /// Its identifier in the catalogues (`finding-telnet-open-title`).
        key: Cow<'static, str>,
        /// Its named arguments.
        args: Vec<(&'static str, TextArg)>,
    },
    /// Messages read in order, separated by a space.
    Joined(Vec<Text>),
}

impl Text {
    /// The message `key` without arguments (add them with [`Text::arg`]).
    pub fn new(key: impl Into<Cow<'static, str>>) -> Text {
        Text::Message {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Adds the argument `name`.
    #[must_use]
    pub fn arg(mut self, name: &'static str, v: impl Into<TextArg>) -> Text {
        if let Text::Message { args, .. } = &mut self {
            args.push((name, v.into()));
        }
        self
    }

    /// The message identifier (of the first message, when joined).
    pub fn key(&self) -> &str {
        match self {
            Text::Message { key, .. } => key,
            Text::Joined(v) => v.first().map(Text::key).unwrap_or(""),
        }
    }

    /// The words in `l`'s language.
    pub fn render(&self, l: &Localizer) -> String {
        match self {
            Text::Message { key, args } => {
                let a: Vec<(&str, Arg<'_>)> = args
                    .iter()
                    .map(|(k, v)| {
                        (
                            *k,
                            match v {
                                TextArg::S(s) => Arg::S(s),
                                TextArg::N(n) => Arg::N(*n),
                            },
                        )
                    })
                    .collect();
                l.ta(key, &a)
            }
            Text::Joined(v) => v.iter().map(|t| t.render(l)).collect::<Vec<_>>().join(" "),
        }
    }
}

/// Written in the language of the [`InLanguage`] being serialised; serialising one outside of
/// it is an error (the report would have no words).
impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if RENDERING.is_set() {
            RENDERING.with(|l| s.serialize_str(&self.render(l)))
        } else {
            Err(serde::ser::Error::custom(NO_LANGUAGE))
        }
    }
}

const NO_LANGUAGE: &str = "report text needs a language: serialise it through InLanguage";

/// The `lang` field of a report: the code of the language it is being written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderLanguage;

impl Serialize for RenderLanguage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if RENDERING.is_set() {
            RENDERING.with(|l| s.serialize_str(l.lang().code()))
        } else {
            Err(serde::ser::Error::custom(NO_LANGUAGE))
        }
    }
}

/// A report value serialised with its text in one language: the JSON renderer.
pub struct InLanguage<'a, T: ?Sized> {
    value: &'a T,
    l: &'a Localizer,
}

/// `value` to be serialised with its [`Text`] in `l`'s language.
pub fn in_language<'a, T: ?Sized>(value: &'a T, l: &'a Localizer) -> InLanguage<'a, T> {
    InLanguage { value, l }
}

impl<T: Serialize + ?Sized> Serialize for InLanguage<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        RENDERING.set(self.l, || self.value.serialize(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn text_is_written_in_the_language_it_is_rendered_in() {
        let t = vec![Text::new("severity-high")];
        let en = Localizer::new(Lang::En);
        let fr = Localizer::new(Lang::Fr);
        let a = serde_json::to_string(&in_language(&t, &en)).unwrap();
        let b = serde_json::to_string(&in_language(&t, &fr)).unwrap();
        assert_eq!(a, format!("[{:?}]", en.t("severity-high")));
        assert_eq!(b, format!("[{:?}]", fr.t("severity-high")));
        assert_ne!(a, b);
        // Without a language there are no words to write.
        assert!(serde_json::to_string(&t).is_err());
    }

    #[test]
    fn values_write_as_before() {
        assert_eq!(Time(0).to_string(), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            serde_json::to_string(&Time(1_500_000_000_123_456_789)).unwrap(),
            format!("\"{}\"", crate::format::rfc3339(1_500_000_000_123_456_789))
        );
        assert_eq!(Proto::TCP.to_string(), "tcp");
        assert_eq!(serde_json::to_string(&Proto(200)).unwrap(), "\"200\"");
        assert_eq!(TlsVersion(0x0301).to_string(), "TLS 1.0");
        assert_eq!(
            serde_json::to_string(&Direction::Outbound).unwrap(),
            "\"outbound\""
        );
    }
}
