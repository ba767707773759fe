//! The check registry: every observable, probeable or declarable check, and the requirements
//! of each framework it evidences — one piece of evidence feeds every framework.

/// Where a check's evidence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Seen in a capture (`analyze`).
    Observed,
    /// Found by `iotgate probe` against an address the user names.
    Probed,
    /// Stated in the manufacturer's declaration file.
    Declared,
}

/// What a capture check can see, and the least of it that lets a pass mean anything: below it
/// the check is not assessed, whatever its own logic concluded ([`crate::label`] enforces this
/// for every observed check).
#[derive(Debug, Clone, Copy)]
pub struct Sees {
    /// The session protocols it reads ([`iotgate_wire::ident::Session`] ids); empty: every TCP
    /// session with payload.
    pub protocols: &'static [&'static str],
    /// The fewest such sessions of the device for a pass; 0: a capture never passes it (it can
    /// show the problem, never its absence).
    pub min_sessions: u64,
}

/// A capture check that can only show a problem, never its absence.
const FAILS_ONLY: Sees = Sees {
    protocols: &[],
    min_sessions: 0,
};
/// A check of everything the device sent in clear.
const ALL_SESSIONS: Sees = Sees {
    protocols: &[],
    min_sessions: crate::evidence::MIN_SESSIONS,
};
/// A check of the TLS the device offered.
const TLS_SESSIONS: Sees = Sees {
    protocols: &["tls"],
    min_sessions: 1,
};

/// One check and the requirements (`framework:id`) it evidences.
#[derive(Debug)]
pub struct CheckDef {
    /// Stable ID (also the suffix of its messages in the locale catalogues).
    pub id: &'static str,
    /// Where its evidence comes from.
    pub source: Source,
    /// For a capture check judged on TCP sessions: what it sees and the least evidence for a
    /// pass (None for other sources, and for the MUD audit, judged on its audited flows).
    pub sees: Option<Sees>,
    /// Requirements it evidences.
    pub evidences: &'static [&'static str],
}

/// Every check. Requirements are passed only when all their checks pass (or a declared check
/// passes and nothing fails), and failed as soon as one check fails.
pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "cleartext-login",
        source: Source::Observed,
        sees: Some(ALL_SESSIONS),
        evidences: &[
            "en303645:5.5-1",
            "en303645:5.5-6",
            "en303645:5.5-7",
            "nistir8425:data-protection",
            "cra:I.2.e",
            "owasp:I2",
            "owasp:I7",
            "en18031:SCM-1",
            "en18031:SCM-3",
        ],
    },
    CheckDef {
        id: "cleartext-login-served",
        source: Source::Observed,
        sees: Some(FAILS_ONLY),
        evidences: &["en303645:5.1-3"],
    },
    CheckDef {
        id: "login-service-cleartext",
        source: Source::Probed,
        sees: None,
        evidences: &["en303645:5.1-3"],
    },
    CheckDef {
        id: "cleartext-data",
        source: Source::Observed,
        sees: Some(ALL_SESSIONS),
        evidences: &[
            "en303645:5.5-1",
            "en303645:5.8-1",
            "nistir8425:data-protection",
            "cra:I.2.e",
            "owasp:I7",
        ],
    },
    CheckDef {
        id: "cleartext-personal",
        source: Source::Observed,
        sees: Some(ALL_SESSIONS),
        evidences: &["en303645:5.8-2"],
    },
    CheckDef {
        id: "tls-version",
        source: Source::Observed,
        sees: Some(TLS_SESSIONS),
        evidences: &[
            "en303645:5.5-1",
            "en303645:5.5-7",
            "en303645:5.8-1",
            "en303645:5.8-2",
            "nistir8425:data-protection",
            "cra:I.2.e",
            "cra:I.2.f",
            "owasp:I7",
            "en18031:CRY-1",
            "en18031:SCM-2",
            "en18031:SCM-3",
        ],
    },
    CheckDef {
        id: "tls-suites",
        source: Source::Observed,
        sees: Some(TLS_SESSIONS),
        evidences: &[
            "en303645:5.5-1",
            "en303645:5.5-7",
            "en303645:5.8-1",
            "en303645:5.8-2",
            "nistir8425:data-protection",
            "cra:I.2.e",
            "cra:I.2.f",
            "owasp:I7",
            "en18031:CRY-1",
            "en18031:SCM-2",
            "en18031:SCM-3",
        ],
    },
    CheckDef {
        id: "update-channel",
        source: Source::Observed,
        sees: Some(Sees {
            protocols: &["tls", "http"],
            min_sessions: 2,
        }),
        evidences: &[
            "en303645:5.3-5",
            "en303645:5.3-7",
            "nistir8425:software-update",
            "cra:II.7",
            "owasp:I4",
        ],
    },
    CheckDef {
        id: "exposed-services",
        source: Source::Observed,
        sees: Some(FAILS_ONLY),
        evidences: &[
            "en303645:5.6-1",
            "en303645:5.6-5",
            "nistir8425:interface-access-control",
            "cra:I.2.j",
            "en18031:GEC-2",
            "en18031:GEC-5",
            "owasp:I2",
        ],
    },
    CheckDef {
        id: "upnp-mapping",
        source: Source::Observed,
        sees: Some(FAILS_ONLY),
        evidences: &[
            "en303645:5.6-1",
            "cra:I.2.i",
            "cra:I.2.j",
            "en18031:GEC-2",
            "owasp:I9",
        ],
    },
    CheckDef {
        id: "dns-bypass",
        source: Source::Observed,
        sees: Some(FAILS_ONLY),
        evidences: &["en303645:6-4", "owasp:I6"],
    },
    CheckDef {
        id: "compromise",
        source: Source::Observed,
        sees: Some(FAILS_ONLY),
        evidences: &["cra:I.2.a", "cra:I.2.i", "en18031:GEC-1"],
    },
    CheckDef {
        id: "default-credentials",
        source: Source::Probed,
        sees: None,
        evidences: &[
            "en303645:5.1-1",
            "en303645:5.1-2",
            "psti:1",
            "nistir8425:interface-access-control",
            "cra:I.2.b",
            "cra:I.2.d",
            "owasp:I1",
            "owasp:I9",
            "en18031:AUM-5-1",
        ],
    },
    CheckDef {
        id: "banner-disclosure",
        source: Source::Probed,
        sees: None,
        evidences: &["en303645:5.6-2", "owasp:I5"],
    },
    CheckDef {
        id: "unauthenticated-access",
        source: Source::Probed,
        sees: None,
        evidences: &[
            "en303645:5.5-4",
            "en303645:5.5-5",
            "nistir8425:interface-access-control",
            "cra:I.2.d",
            "owasp:I2",
            "en18031:ACM-1",
            "en18031:AUM-1-1",
        ],
    },
    CheckDef {
        id: "mud-supported",
        source: Source::Declared,
        sees: None,
        evidences: &[
            "en303645:5.3-13",
            "psti:3",
            "nistir8425:information-dissemination",
            "cra:I.2.c",
        ],
    },
    CheckDef {
        id: "mud-sbom",
        source: Source::Declared,
        sees: None,
        evidences: &["cra:II.1"],
    },
    CheckDef {
        id: "mud-conformance",
        source: Source::Observed,
        // Judged on the flows the MUD audit decided, UDP included, not on TCP sessions: the
        // check itself needs at least one audited flow.
        sees: None,
        evidences: &["cra:I.2.j"],
    },
    CheckDef {
        id: "declared-password",
        source: Source::Declared,
        sees: None,
        evidences: &[
            "en303645:5.1-1",
            "en303645:5.1-2",
            "psti:1",
            "cra:I.2.b",
            "owasp:I1",
            "en18031:AUM-5-1",
        ],
    },
    CheckDef {
        id: "declared-disclosure",
        source: Source::Declared,
        sees: None,
        evidences: &[
            "en303645:5.2-1",
            "psti:2",
            "nistir8425:information-query-reception",
            "cra:II.5",
            "cra:II.6",
        ],
    },
    CheckDef {
        id: "declared-support-period",
        source: Source::Declared,
        sees: None,
        evidences: &[
            "en303645:5.3-13",
            "psti:3",
            "nistir8425:information-dissemination",
        ],
    },
    CheckDef {
        id: "declared-updates",
        source: Source::Declared,
        sees: None,
        evidences: &[
            "en303645:5.3-2",
            "nistir8425:software-update",
            "cra:I.2.c",
            "en18031:SUM-1",
        ],
    },
    CheckDef {
        id: "declared-automatic-updates",
        source: Source::Declared,
        sees: None,
        evidences: &["en303645:5.3-4", "cra:I.2.c", "en18031:SUM-3"],
    },
    CheckDef {
        id: "declared-signed-updates",
        source: Source::Declared,
        sees: None,
        evidences: &["en303645:5.3-9", "cra:II.7", "owasp:I4", "en18031:SUM-2"],
    },
    CheckDef {
        id: "declared-data",
        source: Source::Declared,
        sees: None,
        evidences: &["en303645:6-1", "en303645:6-5", "owasp:I6"],
    },
    CheckDef {
        id: "declared-held-label",
        source: Source::Declared,
        sees: None,
        evidences: &["psti:1", "psti:2", "psti:3"],
    },
    CheckDef {
        id: "declared-sbom",
        source: Source::Declared,
        sees: None,
        evidences: &["cra:II.1"],
    },
];

/// The check `id`.
pub fn check(id: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().find(|c| c.id == id)
}

/// The checks that evidence `framework:req`.
pub fn checks_for<'a>(
    framework: &'a str,
    req: &'a str,
) -> impl Iterator<Item = &'static CheckDef> + 'a {
    CHECKS.iter().filter(move |c| {
        c.evidences
            .iter()
            .any(|e| e.split_once(':') == Some((framework, req)))
    })
}
