//! Validation problems found while reading a profile: what is wrong, how bad, and where (a JSON
//! path such as `$.ietf-mud:mud.from-device-policy.access-lists.access-list[0].name`).

/// How serious a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The profile is still usable; something was ignored or assumed.
    Warning,
    /// The profile cannot be used.
    Error,
}

/// One problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diag {
    /// How serious.
    pub severity: Severity,
    /// JSON path of the offending value (`$` is the document).
    pub path: String,
    /// What is wrong.
    pub kind: DiagKind,
}

/// What is wrong. Each kind has a message id in the localisation catalogues (`mud-<id>`) whose
/// arguments are [`DiagKind::args`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagKind {
    /// The file is not JSON.
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The JSON parser's description.
        detail: String,
    },
    /// The file is larger than iotgate accepts for a profile.
    TooLarge {
        /// Its size.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A required member is absent.
    Missing {
        /// Its name.
        field: String,
    },
    /// A value has the wrong JSON type.
    Type {
        /// What was expected (`string`, `object`, `array`, `boolean`, `integer`).
        expected: &'static str,
    },
    /// A value is of the right type but not allowed.
    Value {
        /// The value as written.
        value: String,
        /// What is allowed, as a message id (`mud-exp-<id>` in the catalogues).
        expected: &'static str,
    },
    /// A number outside its range.
    Range {
        /// The value.
        value: i64,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A policy names an ACL the profile does not define.
    UndefinedAcl {
        /// The ACL name.
        name: String,
    },
    /// Two ACLs share a name.
    DuplicateAcl {
        /// The name.
        name: String,
    },
    /// Two ACEs of one ACL share a name.
    DuplicateAce {
        /// The name.
        name: String,
    },
    /// A port range whose lower bound is above its upper bound.
    PortRange {
        /// Lower bound.
        lower: i64,
        /// Upper bound.
        upper: i64,
    },
    /// Two members that exclude each other (a DNS name and a network for the same side).
    Exclusive {
        /// The first member.
        a: String,
        /// The second.
        b: String,
    },
    /// A member iotgate does not know; ignored.
    Unknown {
        /// Its name.
        field: String,
    },
    /// A member spelled as in a pre-RFC draft; read as its RFC equivalent.
    Legacy {
        /// As written.
        field: String,
        /// The RFC 8520 / 8519 name it stands for.
        modern: String,
    },
    /// The `mud-version` is not 1, or absent.
    Version {
        /// As written (empty when absent).
        version: String,
    },
    /// An address written without a prefix length; read as a single host.
    NoPrefix {
        /// As written.
        value: String,
    },
    /// An address of the other IP family than its ACL.
    Family {
        /// As written.
        value: String,
    },
    /// Transport matches that contradict the IP protocol number (e.g. `tcp` with protocol 17).
    ProtocolMismatch {
        /// The transport container (`tcp`, `udp`, `icmp`).
        layer: String,
        /// The protocol number given.
        protocol: i64,
    },
    /// An ACL no policy refers to.
    UnusedAcl {
        /// Its name.
        name: String,
    },
    /// A MUD URL that is not `https://`.
    NotHttps {
        /// As written.
        url: String,
    },
    /// An object with two members of one name (RFC 8259 leaves which one counts to the reader:
    /// the profile would mean different things to different tools).
    DuplicateKey {
        /// The member's name.
        field: String,
    },
}

/// An argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiagArg {
    /// Text.
    Text(String),
    /// A number.
    Num(i64),
}

impl DiagKind {
    /// The message id (without the `mud-` prefix of the catalogue).
    pub fn id(&self) -> &'static str {
        match self {
            DiagKind::Syntax { .. } => "syntax",
            DiagKind::TooLarge { .. } => "too-large",
            DiagKind::Missing { .. } => "missing",
            DiagKind::Type { .. } => "type",
            DiagKind::Value { .. } => "value",
            DiagKind::Range { .. } => "range",
            DiagKind::UndefinedAcl { .. } => "undefined-acl",
            DiagKind::DuplicateAcl { .. } => "duplicate-acl",
            DiagKind::DuplicateAce { .. } => "duplicate-ace",
            DiagKind::PortRange { .. } => "port-range",
            DiagKind::Exclusive { .. } => "exclusive",
            DiagKind::Unknown { .. } => "unknown",
            DiagKind::Legacy { .. } => "legacy",
            DiagKind::Version { .. } => "version",
            DiagKind::NoPrefix { .. } => "no-prefix",
            DiagKind::Family { .. } => "family",
            DiagKind::ProtocolMismatch { .. } => "protocol-mismatch",
            DiagKind::UnusedAcl { .. } => "unused-acl",
            DiagKind::NotHttps { .. } => "not-https",
            DiagKind::DuplicateKey { .. } => "duplicate-key",
        }
    }

    /// Named arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, DiagArg)> {
        use DiagArg::{Num, Text};
        let t = |s: &str| Text(s.to_string());
        match self {
            DiagKind::Syntax {
                line,
                column,
                detail,
            } => vec![
                ("line", Num(*line as i64)),
                ("column", Num(*column as i64)),
                ("detail", t(detail)),
            ],
            DiagKind::TooLarge { bytes, limit } => {
                vec![("bytes", Num(*bytes as i64)), ("limit", Num(*limit as i64))]
            }
            DiagKind::Missing { field }
            | DiagKind::Unknown { field }
            | DiagKind::DuplicateKey { field } => vec![("field", t(field))],
            DiagKind::Type { expected } => vec![("expected", t(expected))],
            DiagKind::Value { value, expected } => {
                vec![("value", t(value)), ("expected", t(expected))]
            }
            DiagKind::Range { value, min, max } => {
                vec![
                    ("value", Num(*value)),
                    ("min", Num(*min)),
                    ("max", Num(*max)),
                ]
            }
            DiagKind::UndefinedAcl { name }
            | DiagKind::DuplicateAcl { name }
            | DiagKind::DuplicateAce { name }
            | DiagKind::UnusedAcl { name } => vec![("name", t(name))],
            DiagKind::PortRange { lower, upper } => {
                vec![("lower", Num(*lower)), ("upper", Num(*upper))]
            }
            DiagKind::Exclusive { a, b } => vec![("a", t(a)), ("b", t(b))],
            DiagKind::Legacy { field, modern } => vec![("field", t(field)), ("modern", t(modern))],
            DiagKind::Version { version } => vec![("version", t(version))],
            DiagKind::NoPrefix { value } | DiagKind::Family { value } => vec![("value", t(value))],
            DiagKind::ProtocolMismatch { layer, protocol } => {
                vec![("layer", t(layer)), ("protocol", Num(*protocol))]
            }
            DiagKind::NotHttps { url } => vec![("url", t(url))],
        }
    }
}
