//! Security labels: one set of evidence about a device (a capture, a probe, the manufacturer's
//! declaration) assessed against several national frameworks at once, and explained.

pub mod assess;
pub mod catalogue;
pub mod checks;
pub mod declaration;
pub mod evidence;
pub mod html;
pub mod report;
pub mod svg;

pub use assess::{FrameworkResult, ReqResult, Verdict};
pub use catalogue::Catalogues;
pub use declaration::{Date, Declaration};
pub use evidence::{CheckResult, MudEvidence, Outcome};
pub use iotgate_probe::Report as ProbeReport;

use iotgate_explain::alerts::AlertOut;
use iotgate_explain::model::DeviceOut;
use iotgate_explain::Localizer;

/// The JSON schema name of a label.
pub const SCHEMA: &str = "iotgate.label/1";

/// The device a label is about.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeviceRef {
    /// MAC address.
    pub mac: String,
    /// Vendor from the OUI registry.
    pub vendor: Option<String>,
    /// Kind (camera, plug…), in the report's language.
    pub kind: String,
    /// Names it gave itself.
    pub hostnames: Vec<String>,
    /// Manufacturer and model from the declaration.
    pub declared: Option<String>,
}

/// A device's label: the checks, the per-framework results and the evidence sources used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Label {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// `en` or `fr`.
    pub lang: &'static str,
    /// The date the label was judged on (support periods end).
    pub date: String,
    /// The device.
    pub device: DeviceRef,
    /// Evidence sources: `capture`, `probe`, `declaration`.
    pub sources: Vec<&'static str>,
    /// Every check, in registry order.
    pub checks: Vec<CheckResult>,
    /// Every framework.
    pub frameworks: Vec<FrameworkResult>,
    /// The manufacturer's declaration, as read.
    pub declaration: Option<Declaration>,
}

/// What a label is built from.
pub struct Inputs<'a> {
    /// The device as `analyze` saw it.
    pub device: &'a DeviceOut,
    /// Every alert of the analysis (only the device's own are used).
    pub alerts: &'a [AlertOut],
    /// What a probe found, if one ran.
    pub probe: Option<&'a ProbeReport>,
    /// The manufacturer's declaration, if given.
    pub declaration: Option<&'a Declaration>,
    /// The device's MUD profile and the audit against it, if given.
    pub mud: Option<&'a MudEvidence>,
    /// The day to judge on.
    pub today: Date,
}

/// Builds the label.
pub fn label(l: &Localizer, cat: &Catalogues, i: &Inputs<'_>) -> Label {
    let mut checks = evidence::observed(l, i.device, i.alerts);
    checks.extend(evidence::probed(l, i.probe));
    checks.extend(evidence::declared(l, i.declaration, i.today));
    checks.extend(evidence::from_mud(l, i.mud));
    let mut checks = evidence::merge(checks);
    checks.sort_by_key(|c| {
        checks::CHECKS
            .iter()
            .position(|d| d.id == c.id)
            .unwrap_or(usize::MAX)
    });
    let device = assess::Device {
        network_equipment: i
            .declaration
            .and_then(|d| d.network_equipment)
            .unwrap_or(i.device.kind.id() == "router"),
    };
    enforce_scope(l, i.device, &mut checks);
    let frameworks = assess::assess(l, cat, &checks, &device);
    let mut sources = vec!["capture"];
    if i.probe.is_some() {
        sources.push("probe");
    }
    if i.declaration.is_some() {
        sources.push("declaration");
    }
    if i.mud.is_some() {
        sources.push("mud");
    }
    let declared = i.declaration.and_then(|d| {
        let s = [d.manufacturer.as_deref(), d.model.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        (!s.is_empty()).then_some(s)
    });
    Label {
        schema: SCHEMA,
        lang: l.lang().code(),
        date: i.today.to_string(),
        device: DeviceRef {
            mac: i.device.mac.clone(),
            vendor: i.device.vendor.clone(),
            kind: i.device.kind_label.render(l),
            hostnames: i.device.hostnames.clone(),
            declared,
        },
        sources,
        checks,
        frameworks,
        declaration: i.declaration.cloned(),
    }
}

/// The one rule, enforced for every capture check whatever its own logic concluded: a pass
/// stands only when the capture holds the least evidence the check declares ([`checks::Sees`]);
/// below it the check is not assessed, with the reason. Each capture check also says what it
/// reads.
pub fn enforce_scope(l: &Localizer, d: &DeviceOut, checks: &mut [CheckResult]) {
    use iotgate_explain::Arg;
    for c in checks.iter_mut() {
        let Some(sees) = checks::check(c.id).and_then(|def| def.sees) else {
            continue;
        };
        let n: u64 = d
            .sessions
            .iter()
            .filter(|(k, _)| sees.protocols.is_empty() || sees.protocols.contains(k))
            .map(|(_, n)| n)
            .sum();
        let protocols = if sees.protocols.is_empty() {
            l.t("label-sees-all")
        } else {
            sees.protocols
                .iter()
                .map(|p| l.t(&format!("label-session-{p}")))
                .collect::<Vec<_>>()
                .join(", ")
        };
        c.sees = Some(if sees.min_sessions == 0 {
            l.ta(
                "label-sees-fails-only",
                &[("protocols", Arg::S(&protocols))],
            )
        } else {
            l.ta(
                "label-sees",
                &[
                    ("protocols", Arg::S(&protocols)),
                    ("min", Arg::N(sees.min_sessions as f64)),
                    ("sessions", Arg::N(n as f64)),
                ],
            )
        });
        if c.outcome == Outcome::Pass && (sees.min_sessions == 0 || n < sees.min_sessions) {
            c.outcome = Outcome::NotAssessed;
            c.evidence.clear();
            c.reason = Some(if sees.min_sessions == 0 {
                l.t("label-why-absence")
            } else {
                l.ta(
                    "label-why-scope",
                    &[
                        ("protocols", Arg::S(&protocols)),
                        ("min", Arg::N(sees.min_sessions as f64)),
                        ("sessions", Arg::N(n as f64)),
                    ],
                )
            });
        }
    }
}

/// `s` safe for a terminal: control characters that a device, a declaration or a profile
/// slipped into a value are shown as visible escapes (the label's text has no colours).
pub fn safe_text(s: String) -> String {
    match iotgate_explain::safe::terminal(&s, false) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(x) => x,
    }
}
