//! Reads a MUD file (RFC 8520 with RFC 8519 ACLs, the `ietf-acldns` names and RFC 9472
//! transparency) into a [`Profile`], validating as it goes.
//!
//! Rules, following RFC 7951's JSON encoding of YANG:
//! - a member without a module prefix belongs to its parent's module, so one the schema does not
//!   define is an **error** (the profile is not valid);
//! - a member prefixed with another module (an augmentation iotgate does not know, such as
//!   `nist-mud:quarantined-device-policy`) is a **warning** and is ignored;
//! - names from the pre-RFC drafts (`acl-name`, `rule-name`, `access-list-entries`, the
//!   `ietf-access-control-list:access-lists` container, `permit`, ...) are read as their RFC
//!   equivalents with a **warning** each (legacy mode, see docs/mud.md).

use crate::diag::{Diag, DiagKind, Severity};
use crate::model::*;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Largest profile accepted, in bytes (the largest real profiles are under 100 KB).
pub const MAX_PROFILE_BYTES: usize = 1 << 20;

/// The outcome of reading a profile: the profile when it is usable, and every problem found.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The profile, unless an error makes it unusable.
    pub profile: Option<Profile>,
    /// Problems, in document order.
    pub diags: Vec<Diag>,
}

impl Parsed {
    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diag> {
        self.diags.iter().filter(|d| d.severity == Severity::Error)
    }
}

/// Reads a profile from raw bytes (size limit, JSON syntax, then [`parse`]). A UTF-8 byte-order
/// mark at the start is ignored (RFC 8259 section 8.1 lets a reader do so; editors on Windows
/// write one); a member name repeated in one object is an error at its JSON path.
pub fn parse_bytes(bytes: &[u8]) -> Parsed {
    if bytes.len() > MAX_PROFILE_BYTES {
        return fail(DiagKind::TooLarge {
            bytes: bytes.len() as u64,
            limit: MAX_PROFILE_BYTES as u64,
        });
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(v) => {
            let mut parsed = parse(&v);
            let dups = duplicate_members(bytes);
            if !dups.is_empty() {
                // serde_json keeps the last of the repeated members; other readers keep the
                // first: the document is ambiguous, so the profile is not used.
                parsed.profile = None;
                let mut diags: Vec<Diag> = dups
                    .into_iter()
                    .map(|(path, field)| Diag {
                        severity: Severity::Error,
                        path,
                        kind: DiagKind::DuplicateKey { field },
                    })
                    .collect();
                diags.append(&mut parsed.diags);
                parsed.diags = diags;
            }
            parsed
        }
        Err(e) => {
            let text = e.to_string();
            let detail = match text.rfind(" at line ") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            fail(DiagKind::Syntax {
                line: e.line(),
                column: e.column(),
                detail,
            })
        }
    }
}

/// Members reported as repeated at most.
const MAX_DUPLICATES: usize = 64;

/// The JSON paths (as the validator writes them: `$.a.b[2].c`) and names of the members of
/// `json`, a document serde_json has already accepted, that repeat a name earlier in their
/// object; at most [`MAX_DUPLICATES`]. A walk over the tokens (serde_json's `Value` keeps only
/// one of the members, so it cannot tell); nesting is bounded by serde_json's recursion limit.
fn duplicate_members(json: &[u8]) -> Vec<(String, String)> {
    enum Frame {
        Object {
            path: String,
            names: std::collections::HashSet<String>,
            expect_name: bool,
            member: String,
        },
        Array {
            path: String,
            index: usize,
        },
    }
    /// The path of the value that starts now.
    fn value_path(stack: &[Frame]) -> String {
        match stack.last() {
            None => "$".to_string(),
            Some(Frame::Object { member, .. }) => member.clone(),
            Some(Frame::Array { path, index }) => format!("{path}[{index}]"),
        }
    }
    let mut out = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < json.len() && out.len() < MAX_DUPLICATES {
        match json[i] {
            b'{' => {
                let path = value_path(&stack);
                stack.push(Frame::Object {
                    path,
                    names: Default::default(),
                    expect_name: true,
                    member: String::new(),
                });
                i += 1;
            }
            b'[' => {
                let path = value_path(&stack);
                stack.push(Frame::Array { path, index: 0 });
                i += 1;
            }
            b'}' | b']' => {
                stack.pop();
                i += 1;
            }
            b',' => {
                match stack.last_mut() {
                    Some(Frame::Array { index, .. }) => *index += 1,
                    Some(Frame::Object { expect_name, .. }) => *expect_name = true,
                    None => {}
                }
                i += 1;
            }
            b'"' => {
                // The closing quote: the first one not escaped.
                let mut j = i + 1;
                while j < json.len() && json[j] != b'"' {
                    j += if json[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(json.len());
                if let Some(Frame::Object {
                    path,
                    names,
                    expect_name,
                    member,
                }) = stack.last_mut()
                {
                    if *expect_name {
                        *expect_name = false;
                        let name: String =
                            serde_json::from_slice(&json[i..end]).unwrap_or_default();
                        *member = key_path(path, &name);
                        if !names.insert(name.clone()) {
                            out.push((member.clone(), name));
                        }
                    }
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

fn fail(kind: DiagKind) -> Parsed {
    Parsed {
        profile: None,
        diags: vec![Diag {
            severity: Severity::Error,
            path: "$".into(),
            kind,
        }],
    }
}

/// Reads a profile from a JSON document.
pub fn parse(doc: &Value) -> Parsed {
    let mut p = P { diags: Vec::new() };
    let profile = p.document(doc);
    let ok = !p.diags.iter().any(|d| d.severity == Severity::Error);
    Parsed {
        profile: profile.filter(|_| ok),
        diags: p.diags,
    }
}

const MODULES: [&str; 4] = [
    "ietf-mud:",
    "ietf-access-control-list:",
    "ietf-acldns:",
    "ietf-packet-fields:",
];

/// A member name without a known module prefix, and whether it carried an unknown one.
fn bare(k: &str) -> (&str, bool) {
    for m in MODULES {
        if let Some(rest) = k.strip_prefix(m) {
            return (rest, false);
        }
    }
    (k, k.contains(':'))
}

fn key_path(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

/// The members of one object, checked against what the schema allows there.
struct Fields<'a> {
    items: Vec<(&'static str, &'a Value, String)>,
}

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<(&'a Value, &str)> {
        self.items
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, v, p)| (*v, p.as_str()))
    }
    fn has(&self, name: &str) -> bool {
        self.items.iter().any(|(n, _, _)| *n == name)
    }
}

struct P {
    diags: Vec<Diag>,
}

impl P {
    fn push(&mut self, severity: Severity, path: &str, kind: DiagKind) {
        self.diags.push(Diag {
            severity,
            path: path.to_string(),
            kind,
        });
    }
    fn err(&mut self, path: &str, kind: DiagKind) {
        self.push(Severity::Error, path, kind);
    }
    fn warn(&mut self, path: &str, kind: DiagKind) {
        self.push(Severity::Warning, path, kind);
    }
    /// An error: `value` is not allowed at `path`; `expected` is a message id.
    fn bad(&mut self, path: &str, value: impl Into<String>, expected: &'static str) {
        let value = value.into();
        self.err(path, DiagKind::Value { value, expected });
    }
    /// An error: the required member `field` is absent from the object at `path`.
    fn missing(&mut self, path: &str, field: &str) {
        let field = field.to_string();
        self.err(path, DiagKind::Missing { field });
    }

    fn obj<'a>(&mut self, v: &'a Value, path: &str) -> Option<&'a Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            _ => {
                self.err(path, DiagKind::Type { expected: "object" });
                None
            }
        }
    }

    /// Sorts the members of `m` into known ones (by their bare names), legacy ones (read as
    /// their modern names, with a warning), foreign ones (warning) and invalid ones (error).
    fn fields<'a>(
        &mut self,
        m: &'a Map<String, Value>,
        path: &str,
        known: &[&'static str],
        legacy: &[(&'static str, &'static str)],
    ) -> Fields<'a> {
        let mut items = Vec::new();
        for (k, v) in m {
            let kp = key_path(path, k);
            let (b, foreign) = bare(k);
            if let Some(n) = known.iter().find(|n| **n == b) {
                items.push((*n, v, kp));
            } else if let Some((old, new)) = legacy.iter().find(|(o, _)| *o == b) {
                self.warn(
                    &kp,
                    DiagKind::Legacy {
                        field: old.to_string(),
                        modern: new.to_string(),
                    },
                );
                items.push((*new, v, kp));
            } else if foreign {
                self.warn(&kp, DiagKind::Unknown { field: k.clone() });
            } else {
                self.err(&kp, DiagKind::Unknown { field: k.clone() });
            }
        }
        Fields { items }
    }

    fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.err(path, DiagKind::Type { expected: "string" });
                None
            }
        }
    }

    fn int(&mut self, v: &Value, path: &str, min: i64, max: i64) -> Option<i64> {
        // YANG's JSON encoding writes 64-bit numbers as strings; accept numeric strings too.
        let n = match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse::<i64>().ok(),
            _ => None,
        };
        match n {
            Some(n) if (min..=max).contains(&n) => Some(n),
            Some(n) => {
                self.err(path, DiagKind::Range { value: n, min, max });
                None
            }
            None => {
                self.err(
                    path,
                    DiagKind::Type {
                        expected: "integer",
                    },
                );
                None
            }
        }
    }

    fn boolean(&mut self, v: &Value, path: &str) -> Option<bool> {
        match v {
            Value::Bool(b) => Some(*b),
            _ => {
                self.err(
                    path,
                    DiagKind::Type {
                        expected: "boolean",
                    },
                );
                None
            }
        }
    }

    /// A YANG `empty` leaf: `[null]` in JSON. `[]`, `null` and `true` are tolerated with a warning.
    fn empty_leaf(&mut self, v: &Value, path: &str) {
        let exact = matches!(v, Value::Array(a) if a.len() == 1 && a[0].is_null());
        if !exact {
            let tolerated = matches!(v, Value::Null | Value::Bool(true))
                || matches!(v, Value::Array(a) if a.is_empty());
            let kind = DiagKind::Value {
                value: v.to_string(),
                expected: "empty",
            };
            if tolerated {
                self.warn(path, kind);
            } else {
                self.err(path, kind);
            }
        }
    }

    fn array<'a>(&mut self, v: &'a Value, path: &str) -> &'a [Value] {
        match v {
            Value::Array(a) => a,
            _ => {
                self.err(path, DiagKind::Type { expected: "array" });
                &[]
            }
        }
    }

    fn document(&mut self, doc: &Value) -> Option<Profile> {
        let root = self.obj(doc, "$")?;
        let mut mud = None;
        let mut legacy_info = None;
        let mut acls = None;
        for (k, v) in root {
            let kp = key_path("$", k);
            match k.as_str() {
                "ietf-mud:mud" => mud = Some((v, kp)),
                "ietf-mud:support-information" => {
                    self.warn(
                        &kp,
                        DiagKind::Legacy {
                            field: k.clone(),
                            modern: "ietf-mud:mud".into(),
                        },
                    );
                    legacy_info = Some((v, kp));
                }
                "ietf-access-control-list:acls" => acls = Some((v, kp)),
                "ietf-access-control-list:access-lists" => {
                    self.warn(
                        &kp,
                        DiagKind::Legacy {
                            field: k.clone(),
                            modern: "ietf-access-control-list:acls".into(),
                        },
                    );
                    acls = Some((v, kp));
                }
                _ if k.contains(':') => self.warn(&kp, DiagKind::Unknown { field: k.clone() }),
                _ => self.err(&kp, DiagKind::Unknown { field: k.clone() }),
            }
        }
        let defined = match &acls {
            Some((v, kp)) => self.acls(v, kp),
            None => Vec::new(),
        };
        let mut profile = Profile {
            cache_validity_hours: 48,
            ..Profile::default()
        };
        let mut used = BTreeSet::new();
        if let Some((v, kp)) = mud {
            self.mud(v, &kp, &defined, &mut profile, &mut used);
        } else if let Some((v, kp)) = legacy_info {
            // Draft layout: no policies; each ACL says its own direction.
            if let Some(m) = self.obj(v, &kp) {
                let f = self.fields(m, &kp, &["last-update", "cache-validity"], &[]);
                self.header(&f, &mut profile, true);
            }
            for (acl, dir, _) in &defined {
                used.insert(acl.name.clone());
                match dir {
                    Some(Initiator::ToDevice) => profile.to_device.push(acl.clone()),
                    _ => profile.from_device.push(acl.clone()),
                }
            }
        } else {
            self.missing("$", "ietf-mud:mud");
            return None;
        }
        for (acl, _, path) in &defined {
            if !used.contains(&acl.name) {
                self.warn(
                    path,
                    DiagKind::UnusedAcl {
                        name: acl.name.clone(),
                    },
                );
            }
        }
        Some(profile)
    }

    /// The metadata members shared by the RFC container and the draft `support-information`.
    fn header(&mut self, f: &Fields<'_>, profile: &mut Profile, legacy_mode: bool) {
        if let Some((v, p)) = f.get("last-update") {
            if let Some(s) = self.string(v, p) {
                if !looks_like_date_time(&s) {
                    self.bad(p, s.clone(), "date-time");
                }
                profile.last_update = Some(s);
            }
        }
        if let Some((v, p)) = f.get("cache-validity") {
            if legacy_mode {
                // Drafts had no range (one wrote 1440); clamp into RFC 8520's.
                if let Some(n) = self.int(v, p, 0, i64::from(u32::MAX)) {
                    if !(1..=168).contains(&n) {
                        self.warn(
                            p,
                            DiagKind::Range {
                                value: n,
                                min: 1,
                                max: 168,
                            },
                        );
                    }
                    profile.cache_validity_hours = n.clamp(1, 168) as u8;
                }
            } else if let Some(n) = self.int(v, p, 1, 168) {
                profile.cache_validity_hours = n as u8;
            }
        }
    }

    fn mud(
        &mut self,
        v: &Value,
        path: &str,
        defined: &[(Acl, Option<Initiator>, String)],
        profile: &mut Profile,
        used: &mut BTreeSet<String>,
    ) {
        let Some(m) = self.obj(v, path) else { return };
        let f = self.fields(
            m,
            path,
            &[
                "mud-version",
                "mud-url",
                "mud-signature",
                "last-update",
                "cache-validity",
                "is-supported",
                "systeminfo",
                "mfg-name",
                "model-name",
                "firmware-rev",
                "software-rev",
                "documentation",
                "extensions",
                "from-device-policy",
                "to-device-policy",
            ],
            &[],
        );
        match f.get("mud-version") {
            Some((v, p)) => {
                if let Some(n) = self.int(v, p, 0, 255) {
                    if n != 1 {
                        self.err(
                            p,
                            DiagKind::Version {
                                version: n.to_string(),
                            },
                        );
                    }
                    profile.version = Some(n as u8);
                }
            }
            None => self.warn(
                path,
                DiagKind::Version {
                    version: String::new(),
                },
            ),
        }
        for req in ["mud-url", "last-update", "is-supported"] {
            if !f.has(req) {
                self.missing(path, req);
            }
        }
        if let Some((v, p)) = f.get("mud-url") {
            if let Some(s) = self.string(v, p) {
                if !s.to_ascii_lowercase().starts_with("https://") {
                    self.err(p, DiagKind::NotHttps { url: s.clone() });
                }
                profile.url = s;
            }
        }
        if let Some((v, p)) = f.get("mud-signature") {
            profile.signature_url = self.string(v, p);
        }
        self.header(&f, profile, false);
        if let Some((v, p)) = f.get("is-supported") {
            profile.is_supported = self.boolean(v, p);
        }
        if let Some((v, p)) = f.get("systeminfo") {
            if let Some(s) = self.string(v, p) {
                if s.is_empty() || s.chars().count() > 60 {
                    self.warn(
                        p,
                        DiagKind::Value {
                            value: s.clone(),
                            expected: "systeminfo",
                        },
                    );
                }
                profile.systeminfo = Some(s);
            }
        }
        for (name, slot) in [
            ("mfg-name", &mut profile.mfg_name),
            ("model-name", &mut profile.model_name),
            ("firmware-rev", &mut profile.firmware_rev),
            ("software-rev", &mut profile.software_rev),
            ("documentation", &mut profile.documentation),
        ] {
            if let Some((v, p)) = f.get(name) {
                *slot = self.string(v, p);
            }
        }
        if let Some((v, p)) = f.get("extensions") {
            for (i, e) in self.array(v, p).iter().enumerate() {
                if let Some(s) = self.string(e, &format!("{p}[{i}]")) {
                    profile.extensions.push(s);
                }
            }
        }
        if let Some(t) = m
            .get("ietf-mud-transparency:transparency")
            .or_else(|| m.get("ietf-mud-sbom:transparency"))
        {
            let tp = key_path(path, "ietf-mud-transparency:transparency");
            profile.sbom = self.transparency(t, &tp);
            // It was reported as a foreign member by `fields`; it is known after all.
            self.diags
                .retain(|d| !(d.path == tp && matches!(d.kind, DiagKind::Unknown { .. })));
        }
        for (policy, out) in [
            ("from-device-policy", &mut profile.from_device),
            ("to-device-policy", &mut profile.to_device),
        ] {
            let Some((v, p)) = f.get(policy) else {
                continue;
            };
            *out = self.policy(v, p, defined, used);
        }
    }

    fn transparency(&mut self, v: &Value, path: &str) -> Option<Sbom> {
        let m = self.obj(v, path)?;
        let f = self.fields(
            m,
            path,
            &[
                "sbom-url",
                "sbom-local-well-known",
                "contact-uri",
                "vuln-url",
                "sbom-archive-list",
            ],
            &[],
        );
        let mut s = Sbom::default();
        if let Some((v, p)) = f.get("sbom-url") {
            s.url = self.string(v, p);
        }
        if let Some((v, _)) = f.get("sbom-local-well-known") {
            s.local_well_known = Some(match v {
                Value::String(x) => x.clone(),
                other => other.to_string(),
            });
        }
        if let Some((v, p)) = f.get("contact-uri") {
            s.contact = self.string(v, p);
        }
        if let Some((v, p)) = f.get("vuln-url") {
            for (i, e) in self.array(v, p).iter().enumerate() {
                if let Some(u) = self.string(e, &format!("{p}[{i}]")) {
                    s.vuln_urls.push(u);
                }
            }
        }
        Some(s)
    }

    fn policy(
        &mut self,
        v: &Value,
        path: &str,
        defined: &[(Acl, Option<Initiator>, String)],
        used: &mut BTreeSet<String>,
    ) -> Vec<Acl> {
        let mut out = Vec::new();
        let Some(m) = self.obj(v, path) else {
            return out;
        };
        let f = self.fields(m, path, &["access-lists"], &[]);
        let Some((v, p)) = f.get("access-lists") else {
            self.missing(path, "access-lists");
            return out;
        };
        let p = p.to_string();
        let Some(m) = self.obj(v, &p) else { return out };
        let f = self.fields(m, &p, &["access-list"], &[]);
        let Some((v, lp)) = f.get("access-list") else {
            return out;
        };
        let lp = lp.to_string();
        for (i, e) in self.array(v, &lp).iter().enumerate() {
            let ep = format!("{lp}[{i}]");
            let Some(m) = self.obj(e, &ep) else { continue };
            let f = self.fields(m, &ep, &["name", "acl-type"], &[("acl-name", "name")]);
            if let Some((_, tp)) = f.get("acl-type") {
                let tp = tp.to_string();
                self.warn(
                    &tp,
                    DiagKind::Legacy {
                        field: "acl-type".into(),
                        modern: "acls.acl.type".into(),
                    },
                );
            }
            let Some((nv, np)) = f.get("name") else {
                self.missing(&ep, "name");
                continue;
            };
            let np = np.to_string();
            let Some(name) = self.string(nv, &np) else {
                continue;
            };
            match defined.iter().find(|(a, _, _)| a.name == name) {
                Some((acl, _, _)) => {
                    used.insert(name);
                    out.push(acl.clone());
                }
                None => self.err(&np, DiagKind::UndefinedAcl { name }),
            }
        }
        out
    }

    fn acls(&mut self, v: &Value, path: &str) -> Vec<(Acl, Option<Initiator>, String)> {
        let mut out: Vec<(Acl, Option<Initiator>, String)> = Vec::new();
        let Some(m) = self.obj(v, path) else {
            return out;
        };
        let f = self.fields(m, path, &["acl"], &[]);
        let Some((v, ap)) = f.get("acl") else {
            return out;
        };
        let ap = ap.to_string();
        for (i, e) in self.array(v, &ap).iter().enumerate() {
            let ep = format!("{ap}[{i}]");
            if let Some((acl, dir)) = self.acl(e, &ep) {
                if out.iter().any(|(a, _, _)| a.name == acl.name) {
                    self.err(
                        &ep,
                        DiagKind::DuplicateAcl {
                            name: acl.name.clone(),
                        },
                    );
                    continue;
                }
                out.push((acl, dir, ep));
            }
        }
        out
    }

    fn acl(&mut self, v: &Value, path: &str) -> Option<(Acl, Option<Initiator>)> {
        let m = self.obj(v, path)?;
        let f = self.fields(
            m,
            path,
            &["name", "type", "aces", "direction"],
            &[
                ("acl-name", "name"),
                ("acl-type", "type"),
                ("access-list-entries", "aces"),
            ],
        );
        let Some((nv, np)) = f.get("name") else {
            self.missing(path, "name");
            return None;
        };
        let name = self.string(nv, np)?;
        let kind = match f.get("type") {
            None => AclType::Any,
            Some((tv, tp)) => {
                let tp = tp.to_string();
                let t = self.string(tv, &tp)?;
                let (b, _) = bare(&t);
                match b {
                    "ipv4-acl-type" => AclType::Ipv4,
                    "ipv6-acl-type" => AclType::Ipv6,
                    "eth-acl-type" => AclType::Eth,
                    "mixed-eth-ipv4-acl-type"
                    | "mixed-eth-ipv6-acl-type"
                    | "mixed-eth-ipv4-ipv6-acl-type" => AclType::Any,
                    "ipv4-acl" | "ipv6-acl" | "ethernet-acl-type" | "eth-acl" | "ipv4" | "ipv6"
                    | "eth" => {
                        self.warn(
                            &tp,
                            DiagKind::Legacy {
                                field: t.clone(),
                                modern: match b {
                                    "ipv4-acl" | "ipv4" => "ipv4-acl-type",
                                    "ipv6-acl" | "ipv6" => "ipv6-acl-type",
                                    _ => "eth-acl-type",
                                }
                                .into(),
                            },
                        );
                        match b {
                            "ipv4-acl" | "ipv4" => AclType::Ipv4,
                            "ipv6-acl" | "ipv6" => AclType::Ipv6,
                            _ => AclType::Eth,
                        }
                    }
                    _ => {
                        self.bad(&tp, t.clone(), "acl-type");
                        return None;
                    }
                }
            }
        };
        // Draft-era ACLs carry their own direction.
        let dir = match f.get("direction") {
            Some((dv, dp)) => {
                let dp = dp.to_string();
                self.warn(
                    &dp,
                    DiagKind::Legacy {
                        field: "ietf-mud:direction".into(),
                        modern: "from-device-policy / to-device-policy".into(),
                    },
                );
                self.initiator(dv, &dp)
            }
            None => None,
        };
        let mut aces = Vec::new();
        if let Some((av, ap)) = f.get("aces") {
            let ap = ap.to_string();
            if let Some(am) = self.obj(av, &ap) {
                let af = self.fields(am, &ap, &["ace"], &[]);
                if let Some((lv, lp)) = af.get("ace") {
                    let lp = lp.to_string();
                    let mut names = BTreeMap::new();
                    for (i, e) in self.array(lv, &lp).iter().enumerate() {
                        let ep = format!("{lp}[{i}]");
                        if let Some(ace) = self.ace(e, &ep, kind) {
                            if names.insert(ace.name.clone(), i).is_some() {
                                self.warn(
                                    &ep,
                                    DiagKind::DuplicateAce {
                                        name: ace.name.clone(),
                                    },
                                );
                            }
                            aces.push(ace);
                        }
                    }
                }
            }
        }
        Some((Acl { name, kind, aces }, dir))
    }

    fn initiator(&mut self, v: &Value, path: &str) -> Option<Initiator> {
        let s = self.string(v, path)?;
        match bare(&s).0 {
            "from-device" => Some(Initiator::FromDevice),
            "to-device" => Some(Initiator::ToDevice),
            _ => {
                self.bad(path, s, "direction");
                None
            }
        }
    }

    fn ace(&mut self, v: &Value, path: &str, acl: AclType) -> Option<Ace> {
        let m = self.obj(v, path)?;
        let f = self.fields(
            m,
            path,
            &["name", "matches", "actions", "statistics"],
            &[("rule-name", "name")],
        );
        let Some((nv, np)) = f.get("name") else {
            self.missing(path, "name");
            return None;
        };
        let name = self.string(nv, np)?;
        let action = match f.get("actions") {
            Some((av, ap)) => {
                let ap = ap.to_string();
                self.actions(av, &ap)?
            }
            None => {
                self.missing(path, "actions");
                return None;
            }
        };
        let matches = match f.get("matches") {
            Some((mv, mp)) => {
                let mp = mp.to_string();
                self.matches(mv, &mp, acl)?
            }
            None => Matches::default(),
        };
        Some(Ace {
            name,
            action,
            matches,
        })
    }

    fn actions(&mut self, v: &Value, path: &str) -> Option<Action> {
        let m = self.obj(v, path)?;
        let f = self.fields(m, path, &["forwarding", "logging", "permit", "deny"], &[]);
        for (old, act) in [("permit", Action::Accept), ("deny", Action::Drop)] {
            if let Some((_, p)) = f.get(old) {
                let p = p.to_string();
                self.warn(
                    &p,
                    DiagKind::Legacy {
                        field: old.into(),
                        modern: "forwarding".into(),
                    },
                );
                return Some(act);
            }
        }
        let Some((fv, fp)) = f.get("forwarding") else {
            self.missing(path, "forwarding");
            return None;
        };
        let fp = fp.to_string();
        let s = self.string(fv, &fp)?;
        match bare(&s).0 {
            "accept" => Some(Action::Accept),
            "drop" => Some(Action::Drop),
            "reject" => Some(Action::Reject),
            _ => {
                self.bad(&fp, s, "forwarding");
                None
            }
        }
    }

    fn matches(&mut self, v: &Value, path: &str, acl: AclType) -> Option<Matches> {
        let m = self.obj(v, path)?;
        let f = self.fields(
            m,
            path,
            &[
                "eth",
                "ipv4",
                "ipv6",
                "tcp",
                "udp",
                "icmp",
                "mud",
                "egress-interface",
                "ingress-interface",
                // Flat draft-era members, read below.
                "protocol",
                "source-port-range",
                "destination-port-range",
                "manufacturer",
                "same-manufacturer",
                "model",
                "local-networks",
                "controller",
                "my-controller",
            ],
            &[
                ("ipv4-acl", "ipv4"),
                ("ipv6-acl", "ipv6"),
                ("mud-acl", "mud"),
            ],
        );
        let mut out = Matches::default();
        let errors_before = self.error_count();
        for (fam, name) in [(AclType::Ipv4, "ipv4"), (AclType::Ipv6, "ipv6")] {
            if let Some((lv, lp)) = f.get(name) {
                let lp = lp.to_string();
                if acl == AclType::Eth {
                    self.warn(
                        &lp,
                        DiagKind::Value {
                            value: name.into(),
                            expected: "eth-only",
                        },
                    );
                }
                self.l3(lv, &lp, fam, &mut out);
            }
        }
        // Draft layout: protocol, port ranges and host names directly in `matches`.
        for (k, v) in m {
            let kp = key_path(path, k);
            match k.as_str() {
                "protocol" => {
                    self.warn(&kp, legacy(k, "ipv4.protocol"));
                    out.protocol = self.int(v, &kp, 0, 255).map(|n| n as u8);
                }
                "source-port-range" | "destination-port-range" => {
                    self.warn(&kp, legacy(k, "tcp/udp source-port / destination-port"));
                    let pm = self.port(v, &kp);
                    if k.starts_with("source") {
                        out.src_port = pm;
                    } else {
                        out.dst_port = pm;
                    }
                }
                "ietf-acl-dnsname:source-hostname" | "ietf-acl-dnsname:destination-hostname" => {
                    self.diags.retain(|d| d.path != kp);
                    self.warn(&kp, legacy(k, "ietf-acldns:src-dnsname / dst-dnsname"));
                    if let Some(s) = self.string(v, &kp) {
                        let name = Some(dns_name(&crate::matcher::authority(&s)));
                        if k.contains("source") {
                            out.src_dnsname = name;
                        } else {
                            out.dst_dnsname = name;
                        }
                    }
                }
                _ => {}
            }
        }
        for (proto, name) in [(6u8, "tcp"), (17u8, "udp"), (1u8, "icmp")] {
            let Some((lv, lp)) = f.get(name) else {
                continue;
            };
            let lp = lp.to_string();
            let proto = if name == "icmp" && f.has("ipv6") {
                58
            } else {
                proto
            };
            match out.protocol {
                None => out.protocol = Some(proto),
                Some(p) if p == proto => {}
                // A packet cannot be both: the entry could never match.
                Some(p) => self.err(
                    &lp,
                    DiagKind::ProtocolMismatch {
                        layer: name.into(),
                        protocol: i64::from(p),
                    },
                ),
            }
            self.l4(lv, &lp, name, &mut out);
        }
        if let Some((ev, ep)) = f.get("eth") {
            let ep = ep.to_string();
            self.eth(ev, &ep, &mut out);
        }
        if let Some((mv, mp)) = f.get("mud") {
            let mp = mp.to_string();
            self.abstractions(mv, &mp, &mut out);
        }
        // Draft layout: abstractions directly in `matches`.
        let flat: Map<String, Value> = f
            .items
            .iter()
            .filter(|(n, _, _)| {
                matches!(
                    *n,
                    "manufacturer"
                        | "same-manufacturer"
                        | "model"
                        | "local-networks"
                        | "controller"
                        | "my-controller"
                )
            })
            .map(|(n, v, p)| {
                self.warn(p, legacy(n, &format!("ietf-mud:mud.{n}")));
                (n.to_string(), (*v).clone())
            })
            .collect();
        if !flat.is_empty() {
            self.abstractions(&Value::Object(flat), path, &mut out);
        }
        // Ports only exist for TCP and UDP (draft-era port ranges may come without a protocol).
        if out.src_port.is_some() || out.dst_port.is_some() {
            match out.protocol {
                Some(6) | Some(17) => {}
                None => self.missing(path, "protocol"),
                Some(p) => self.err(
                    path,
                    DiagKind::ProtocolMismatch {
                        layer: "ports".into(),
                        protocol: i64::from(p),
                    },
                ),
            }
        }
        (self.error_count() == errors_before).then_some(out)
    }

    fn error_count(&self) -> usize {
        self.diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    fn l3(&mut self, v: &Value, path: &str, fam: AclType, out: &mut Matches) {
        let Some(m) = self.obj(v, path) else { return };
        let (src, dst) = if fam == AclType::Ipv4 {
            ("source-ipv4-network", "destination-ipv4-network")
        } else {
            ("source-ipv6-network", "destination-ipv6-network")
        };
        let f = self.fields(
            m,
            path,
            &[
                "protocol",
                "next-header",
                src,
                dst,
                "src-dnsname",
                "dst-dnsname",
                "dscp",
                "ecn",
                "length",
                "ttl",
                "hop-limit",
                "ihl",
                "flags",
                "offset",
                "identification",
                "flow-label",
                "source-port-range",
                "destination-port-range",
            ],
            &[
                ("source-port-range-or-operator", "source-port-range"),
                (
                    "destination-port-range-or-operator",
                    "destination-port-range",
                ),
            ],
        );
        for k in ["protocol", "next-header"] {
            if let Some((v, p)) = f.get(k) {
                let p = p.to_string();
                out.protocol = self.int(v, &p, 0, 255).map(|n| n as u8);
            }
        }
        for (k, is_src) in [(src, true), (dst, false)] {
            if let Some((v, p)) = f.get(k) {
                let p = p.to_string();
                let pre = self.prefix(v, &p, fam);
                if is_src {
                    out.src_net = pre;
                } else {
                    out.dst_net = pre;
                }
            }
        }
        for (k, is_src) in [("src-dnsname", true), ("dst-dnsname", false)] {
            if let Some((v, p)) = f.get(k) {
                let p = p.to_string();
                if let Some(s) = self.string(v, &p) {
                    let net = if is_src { src } else { dst };
                    if f.has(net) {
                        self.err(
                            &p,
                            DiagKind::Exclusive {
                                a: k.into(),
                                b: net.into(),
                            },
                        );
                    }
                    if !valid_dns_name(&s) {
                        self.bad(&p, s.clone(), "dns-name");
                    }
                    if is_src {
                        out.src_dnsname = Some(dns_name(&s));
                    } else {
                        out.dst_dnsname = Some(dns_name(&s));
                    }
                }
            }
        }
        for (k, is_src) in [
            ("source-port-range", true),
            ("destination-port-range", false),
        ] {
            if let Some((v, p)) = f.get(k) {
                let p = p.to_string();
                self.warn(&p, legacy(k, "tcp/udp source-port / destination-port"));
                let pm = self.port(v, &p);
                if is_src {
                    out.src_port = pm;
                } else {
                    out.dst_port = pm;
                }
            }
        }
        for k in [
            "dscp",
            "ecn",
            "length",
            "ttl",
            "hop-limit",
            "ihl",
            "flags",
            "offset",
            "identification",
            "flow-label",
        ] {
            if let Some((_, p)) = f.get(k) {
                let p = p.to_string();
                self.warn(&p, DiagKind::Unknown { field: k.into() });
            }
        }
    }

    fn l4(&mut self, v: &Value, path: &str, layer: &str, out: &mut Matches) {
        let Some(m) = self.obj(v, path) else { return };
        let known: &[&'static str] = match layer {
            "tcp" => &[
                "source-port",
                "destination-port",
                "direction-initiated",
                "flags",
                "sequence-number",
                "acknowledgement-number",
                "data-offset",
                "reserved",
                "window-size",
                "urgent-pointer",
                "options",
            ],
            "udp" => &["source-port", "destination-port", "length"],
            _ => &["type", "code", "rest-of-header"],
        };
        let f = self.fields(m, path, known, &[]);
        for (k, is_src) in [("source-port", true), ("destination-port", false)] {
            if let Some((v, p)) = f.get(k) {
                let p = p.to_string();
                let pm = self.port(v, &p);
                if is_src {
                    out.src_port = pm;
                } else {
                    out.dst_port = pm;
                }
            }
        }
        if let Some((v, p)) = f.get("direction-initiated") {
            let p = p.to_string();
            out.direction_initiated = self.initiator(v, &p);
        }
        if let Some((v, p)) = f.get("type") {
            let p = p.to_string();
            out.icmp_type = self.int(v, &p, 0, 255).map(|n| n as u8);
        }
        if let Some((v, p)) = f.get("code") {
            let p = p.to_string();
            out.icmp_code = self.int(v, &p, 0, 255).map(|n| n as u8);
        }
        for k in known.iter().skip(if layer == "tcp" { 3 } else { 2 }) {
            if let Some((_, p)) = f.get(k) {
                let p = p.to_string();
                self.warn(
                    &p,
                    DiagKind::Unknown {
                        field: k.to_string(),
                    },
                );
            }
        }
    }

    fn port(&mut self, v: &Value, path: &str) -> Option<PortMatch> {
        let m = self.obj(v, path)?;
        let f = self.fields(
            m,
            path,
            &["operator", "port", "lower-port", "upper-port"],
            &[],
        );
        let num = |p: &mut P, k: &str| -> Option<u16> {
            let (v, vp) = f.get(k)?;
            p.int(v, vp, 0, 65535).map(|n| n as u16)
        };
        if f.has("lower-port") || f.has("upper-port") {
            let (Some(lo), Some(hi)) = (num(self, "lower-port"), num(self, "upper-port")) else {
                if !f.has("lower-port") || !f.has("upper-port") {
                    let missing = if f.has("lower-port") {
                        "upper-port"
                    } else {
                        "lower-port"
                    };
                    self.missing(path, missing);
                }
                return None;
            };
            if lo > hi {
                self.err(
                    path,
                    DiagKind::PortRange {
                        lower: i64::from(lo),
                        upper: i64::from(hi),
                    },
                );
                return None;
            }
            return Some(if lo == hi {
                PortMatch::Eq(lo)
            } else {
                PortMatch::Range(lo, hi)
            });
        }
        let Some(port) = num(self, "port") else {
            if !f.has("port") {
                self.missing(path, "port");
            }
            return None;
        };
        let op = match f.get("operator") {
            None => "eq".to_string(),
            Some((v, p)) => {
                let p = p.to_string();
                self.string(v, &p)?
            }
        };
        match bare(&op).0 {
            "eq" => Some(PortMatch::Eq(port)),
            "neq" => Some(PortMatch::Neq(port)),
            "lte" => Some(PortMatch::Lte(port)),
            "gte" => Some(PortMatch::Gte(port)),
            _ => {
                let p = f
                    .get("operator")
                    .map(|(_, p)| p.to_string())
                    .unwrap_or_default();
                self.bad(&p, op, "operator");
                None
            }
        }
    }

    fn prefix(&mut self, v: &Value, path: &str, fam: AclType) -> Option<Prefix> {
        let s = self.string(v, path)?;
        let (a, len) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s.as_str(), None),
        };
        let Ok(addr) = a.trim().parse::<IpAddr>() else {
            self.bad(path, s.clone(), "prefix");
            return None;
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let len = match len {
            None => {
                self.warn(path, DiagKind::NoPrefix { value: s.clone() });
                max
            }
            Some(l) => match l.trim().parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => {
                    self.bad(path, s.clone(), "prefix-length");
                    return None;
                }
            },
        };
        let family_ok = match fam {
            AclType::Ipv4 => addr.is_ipv4(),
            AclType::Ipv6 => addr.is_ipv6(),
            _ => true,
        };
        if !family_ok {
            self.warn(path, DiagKind::Family { value: s.clone() });
        }
        Some(Prefix { addr, len })
    }

    fn eth(&mut self, v: &Value, path: &str, out: &mut Matches) {
        let Some(m) = self.obj(v, path) else { return };
        let f = self.fields(
            m,
            path,
            &[
                "ethertype",
                "destination-mac-address",
                "destination-mac-address-mask",
                "source-mac-address",
                "source-mac-address-mask",
            ],
            &[],
        );
        if let Some((v, p)) = f.get("ethertype") {
            let p = p.to_string();
            let t = match v {
                Value::Number(n) => n.as_u64().filter(|n| *n <= 0xffff).map(|n| n as u16),
                Value::String(s) => {
                    let s = s.trim();
                    match s {
                        "ipv4" => Some(0x0800),
                        "arp" => Some(0x0806),
                        "ipv6" => Some(0x86dd),
                        _ => s
                            .strip_prefix("0x")
                            .or_else(|| s.strip_prefix("0X"))
                            .and_then(|h| u16::from_str_radix(h, 16).ok())
                            .or_else(|| s.parse::<u16>().ok()),
                    }
                }
                _ => None,
            };
            if t.is_none() {
                self.bad(&p, v.to_string(), "ethertype");
            }
            out.ethertype = t;
        }
    }

    fn abstractions(&mut self, v: &Value, path: &str, out: &mut Matches) {
        let Some(m) = self.obj(v, path) else { return };
        let f = self.fields(
            m,
            path,
            &[
                "manufacturer",
                "same-manufacturer",
                "model",
                "local-networks",
                "controller",
                "my-controller",
            ],
            &[],
        );
        for (name, v, p) in &f.items {
            let (v, p) = (*v, p.as_str());
            let a = match *name {
                "manufacturer" => self.string(v, p).map(Abstraction::Manufacturer),
                "model" => self.string(v, p).map(Abstraction::Model),
                "controller" => self.string(v, p).map(Abstraction::Controller),
                "same-manufacturer" => {
                    self.empty_leaf(v, p);
                    Some(Abstraction::SameManufacturer)
                }
                "local-networks" => {
                    self.empty_leaf(v, p);
                    Some(Abstraction::LocalNetworks)
                }
                _ => {
                    self.empty_leaf(v, p);
                    Some(Abstraction::MyController)
                }
            };
            out.mud.extend(a);
        }
    }
}

fn legacy(field: &str, modern: &str) -> DiagKind {
    DiagKind::Legacy {
        field: field.into(),
        modern: modern.into(),
    }
}

/// A DNS name as compared: lower case, no final dot.
pub fn dns_name(s: &str) -> String {
    s.trim().trim_end_matches('.').to_ascii_lowercase()
}

fn valid_dns_name(s: &str) -> bool {
    let s = s.trim_end_matches('.');
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'*')
        })
}

/// A light check of RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS`, optional fraction, zone.
fn looks_like_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
    b.len() >= 19
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = r#"{"ietf-mud:mud": {"mud-version": 1, "mud-url": "https://x.example/a.json",
        "last-update": "2024-01-01T00:00:00Z", "is-supported": true, "systeminfo": "x"}}"#;

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let mut b = b"\xef\xbb\xbf".to_vec();
        b.extend_from_slice(PROFILE.as_bytes());
        let p = parse_bytes(&b);
        assert!(p.profile.is_some(), "{:?}", p.diags);
        assert_eq!(p.errors().count(), 0);
    }

    #[test]
    fn repeated_members_are_errors_at_their_paths() {
        let doc = r#"{"ietf-mud:mud": {"mud-version": 1, "mud-url": "https://x.example/a.json",
            "mud-url": "https://y.example/b.json",
            "last-update": "2024-01-01T00:00:00Z", "is-supported": true, "systeminfo": "x"},
          "ietf-access-control-list:acls": {"acl": [{"name": "a", "aces": {"ace": [
            {"name": "e", "matches": {"ipv4": {"protocol": 6, "prot\u006fcol": 17}}}]}},
            {"name": "b", "na\"me": 1, "name": "c"}]}}"#;
        let p = parse_bytes(doc.as_bytes());
        assert!(p.profile.is_none());
        let dups: Vec<(&str, &DiagKind)> = p
            .diags
            .iter()
            .filter(|d| matches!(d.kind, DiagKind::DuplicateKey { .. }))
            .map(|d| (d.path.as_str(), &d.kind))
            .collect();
        let field = |f: &str| DiagKind::DuplicateKey { field: f.into() };
        assert_eq!(
            dups,
            vec![
                ("$.ietf-mud:mud.mud-url", &field("mud-url")),
                (
                    "$.ietf-access-control-list:acls.acl[0].aces.ace[0].matches.ipv4.protocol",
                    &field("protocol")
                ),
                (
                    "$.ietf-access-control-list:acls.acl[1].name",
                    &field("name")
                ),
            ]
        );
        // Without repeats, nothing is reported.
        assert!(duplicate_members(PROFILE.as_bytes()).is_empty());
    }
}
