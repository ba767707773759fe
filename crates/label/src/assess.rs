//! From check results to requirement results per framework, and a verdict per scheme.

use crate::catalogue::{Applies, Catalogues, Form, Framework, Net, Requirement, Status};
use crate::checks::{checks_for, Source};
use crate::evidence::{CheckResult, Outcome};
use iotgate_explain::Localizer;
use std::collections::BTreeMap;

/// One requirement's result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReqResult {
    /// The framework's ID for it.
    pub id: String,
    /// Its title in the report's language.
    pub title: String,
    /// Mandatory or recommended.
    pub status: Status,
    /// When it applies (Mc and Rc requirements).
    pub condition: Option<String>,
    /// Pass, fail or not assessed.
    pub outcome: Outcome,
    /// The checks that decided it.
    pub checks: Vec<&'static str>,
    /// The evidence, one line each.
    pub evidence: Vec<String>,
    /// Why it was not assessed.
    pub reason: Option<String>,
    /// What it protects (a [`crate::catalogue::TOPICS`] entry).
    pub topic: String,
    /// For a failed or unassessed requirement: what it means for the owner, in plain words.
    pub explanation: Option<String>,
    /// And what they can do.
    pub advice: Option<String>,
    /// How it reads: passed or failed, a weakness seen or not, or a laboratory's to settle.
    pub reading: Reading,
    /// False when its condition does not hold for this device: it is then left out of the
    /// verdict.
    pub applicable: bool,
}

/// What iotgate knows about the device that decides whether a conditional requirement applies.
#[derive(Debug, Clone, Copy, Default)]
pub struct Device {
    /// The device forwards traffic for others (router, gateway): declared by the manufacturer,
    /// or seen relaying traffic in the capture.
    pub network_equipment: bool,
}

/// How one requirement's result reads to a person: the form of its framework decides the words
/// (a weakness list is never "passed"; a laboratory's requirement never "failed" by iotgate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reading {
    /// The evidence meets it.
    Pass,
    /// The evidence contradicts it.
    Fail,
    /// No evidence either way.
    NotAssessed,
    /// Only an approved laboratory can settle it.
    LabOnly,
    /// A weakness of the list, seen in the evidence.
    WeaknessSeen,
    /// A weakness of the list, looked for and not seen.
    WeaknessNotSeen,
    /// Its condition does not hold for this device (a router-only requirement on a camera).
    NotApplicable,
}

impl Reading {
    fn of(form: Form, lab: bool, applicable: bool, o: Outcome) -> Reading {
        match (form, o) {
            _ if !applicable => Reading::NotApplicable,
            _ if lab && o != Outcome::Pass => Reading::LabOnly,
            (Form::Weaknesses, Outcome::Fail) => Reading::WeaknessSeen,
            (Form::Weaknesses, Outcome::Pass) => Reading::WeaknessNotSeen,
            (_, Outcome::Pass) => Reading::Pass,
            (_, Outcome::Fail) => Reading::Fail,
            (_, Outcome::NotAssessed) => Reading::NotAssessed,
        }
    }
}

/// A requirement that keeps a tiered scheme's next level from being supported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Blocker {
    /// Its framework's ID.
    pub framework: String,
    /// Its ID.
    pub id: String,
    /// Its title in the report's language.
    pub title: String,
    /// Failed (the evidence contradicts it) or not assessed.
    pub outcome: Outcome,
}

/// Where a device stands in a tiered scheme.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tier {
    /// The highest level the evidence supports (its number), if any.
    pub reached: Option<u32>,
    /// The level above it, if there is one.
    pub next: Option<u32>,
    /// Only an approved laboratory can settle the next level.
    pub next_lab: bool,
    /// What keeps the next level from being supported: failures first, then requirements not
    /// assessed.
    pub blocking: Vec<Blocker>,
}

/// What the evidence says about a whole scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every mandatory requirement passes.
    Supported,
    /// A mandatory requirement fails.
    Contradicted,
    /// Nothing fails, but not everything mandatory could be assessed.
    NotSettled,
}

/// One framework's results.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FrameworkResult {
    /// iotgate's short ID.
    pub id: String,
    /// Name.
    pub name: String,
    /// Short name (the label's badges).
    pub short: String,
    /// Version of the standard.
    pub version: String,
    /// What it is.
    pub title: String,
    /// How its results read.
    pub form: Form,
    /// The verdict.
    pub verdict: Verdict,
    /// The verdict in words, as its form reads (the level reached, the weaknesses seen…).
    pub summary: String,
    /// For a tiered scheme: the level reached and what blocks the next.
    pub tier: Option<Tier>,
    /// Requirements passed, failed and not assessed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Not assessed.
    pub not_assessed: usize,
    /// Not applicable to this device (left out of the verdict and the counts above).
    pub not_applicable: usize,
    /// Every requirement, in the standard's order.
    pub requirements: Vec<ReqResult>,
}

/// Combines the checks that evidence a requirement: any failure fails it; it passes when every
/// check passes, or when a declared check passes and nothing fails (the network cannot show
/// those, the manufacturer answers for them); otherwise it is not assessed.
fn combine(
    l: &Localizer,
    fw: &str,
    r: &Requirement,
    results: &BTreeMap<&str, &CheckResult>,
) -> ReqResult {
    let lang = l.lang().code();
    let mut out = ReqResult {
        id: r.id.clone(),
        title: r.title(lang).to_string(),
        status: r.status,
        condition: r.condition(lang).map(str::to_string),
        outcome: Outcome::NotAssessed,
        checks: Vec::new(),
        evidence: Vec::new(),
        reason: None,
        topic: r.topic.clone(),
        explanation: None,
        advice: None,
        reading: Reading::NotAssessed,
        applicable: true,
    };
    let mut any = false;
    let (mut fail, mut all_pass, mut declared_pass) = (false, true, false);
    let mut reasons = Vec::new();
    let mut failed = Vec::new();
    for c in checks_for(fw, &r.id) {
        let Some(res) = results.get(c.id) else {
            continue;
        };
        any = true;
        out.checks.push(c.id);
        match res.outcome {
            Outcome::Fail => {
                fail = true;
                failed.extend(res.evidence.iter().cloned());
            }
            Outcome::Pass => {
                declared_pass |= c.source == Source::Declared;
                out.evidence.extend(res.evidence.iter().cloned());
            }
            Outcome::NotAssessed => {
                all_pass = false;
                if let Some(why) = &res.reason {
                    if !reasons.contains(why) {
                        reasons.push(why.clone());
                    }
                }
            }
        }
    }
    if fail {
        // Only the failing evidence matters to a reader.
        out.evidence = failed;
        out.outcome = Outcome::Fail;
    } else if any && (declared_pass || (all_pass && r.net == Net::Y)) {
        // A capture can only show failures of what it cannot fully see (net P or N): a pass
        // there needs the manufacturer's word.
        out.outcome = Outcome::Pass;
    } else {
        out.reason = Some(if r.lab {
            l.t("label-why-lab")
        } else if !any {
            match r.net {
                Net::N | Net::P => l.t("label-why-documentation"),
                Net::Y => l.t("label-why-no-check"),
            }
        } else {
            reasons.join(" · ")
        });
    }
    out
}

/// Assesses every framework from the check results.
pub fn assess(
    l: &Localizer,
    cat: &Catalogues,
    checks: &[CheckResult],
    device: &Device,
) -> Vec<FrameworkResult> {
    let results: BTreeMap<&str, &CheckResult> = checks.iter().map(|c| (c.id, c)).collect();
    // Direct results first, then those built from other requirements (deemed, includes), in
    // catalogue order so that an included requirement is resolved before it is used (the
    // catalogue test checks that `includes` point backwards or to other frameworks).
    let mut done: BTreeMap<(String, String), ReqResult> = BTreeMap::new();
    for fw in &cat.frameworks {
        for r in &fw.reqs {
            let mut res = combine(l, &fw.id, r, &results);
            refine(l, cat, fw, r, &mut res, &done);
            if r.applies == Some(Applies::NetworkEquipment)
                && !device.network_equipment
                && res.outcome != Outcome::Fail
            {
                res.applicable = false;
                res.outcome = Outcome::NotAssessed;
                res.reason = Some(l.t("label-why-not-network-equipment"));
            }
            explain(l, &results, &mut res);
            done.insert((fw.id.clone(), r.id.clone()), res);
        }
    }
    cat.frameworks
        .iter()
        .map(|fw| summarise(l, cat, fw, &done))
        .collect()
}

/// Words a failed or unassessed requirement for its owner: the failing check's own
/// explanation when one failed it, else what its topic protects.
fn explain(l: &Localizer, results: &BTreeMap<&str, &CheckResult>, res: &mut ReqResult) {
    if res.outcome == Outcome::Pass {
        return;
    }
    let failed = res
        .checks
        .iter()
        .find(|c| results.get(*c).is_some_and(|r| r.outcome == Outcome::Fail));
    let key = match failed {
        Some(c) => format!("label-check-{c}"),
        None => format!("label-topic-{}", res.topic),
    };
    res.explanation = Some(l.t(&format!("{key}-means")));
    res.advice = Some(l.t(&format!("{key}-do")));
}

/// The results `x` names (`framework:id`, a bare ID within `within`, or
/// `framework:mandatory`), with their framework's ID.
fn lookup<'a>(
    cat: &Catalogues,
    within: &str,
    x: &str,
    done: &'a BTreeMap<(String, String), ReqResult>,
) -> Vec<(String, &'a ReqResult)> {
    let (f, id) = x.split_once(':').unwrap_or((within, x));
    if id == "mandatory" {
        return cat
            .framework(f)
            .map(|g| {
                g.reqs
                    .iter()
                    .filter(|q| q.status.mandatory())
                    .filter_map(|q| done.get(&(f.to_string(), q.id.clone())))
                    .map(|q| (f.to_string(), q))
                    .collect()
            })
            .unwrap_or_default();
    }
    done.get(&(f.to_string(), id.to_string()))
        .map(|q| (f.to_string(), q))
        .into_iter()
        .collect()
}

/// Applies `deemed` (any outcome short of failure becomes a pass when every deemed requirement
/// passes) and `includes` (fails when an included requirement fails; passes only when all do).
/// A laboratory's requirement is never failed or passed here: it says what it waits for.
fn refine(
    l: &Localizer,
    cat: &Catalogues,
    fw: &Framework,
    r: &Requirement,
    res: &mut ReqResult,
    done: &BTreeMap<(String, String), ReqResult>,
) {
    let look = |x: &str| -> Vec<&ReqResult> {
        lookup(cat, &fw.id, x, done)
            .into_iter()
            .map(|(_, q)| q)
            .collect()
    };
    if !r.deemed.is_empty() && res.outcome == Outcome::NotAssessed {
        let deemed: Vec<&ReqResult> = r.deemed.iter().flat_map(|x| look(x)).collect();
        if !deemed.is_empty() && deemed.iter().all(|q| q.outcome == Outcome::Pass) {
            res.outcome = Outcome::Pass;
            res.reason = None;
            res.evidence.push(l.ta(
                "label-ev-deemed",
                &[("reqs", iotgate_explain::Arg::S(&r.deemed.join(", ")))],
            ));
        }
    }
    if !r.includes.is_empty() {
        let inc: Vec<&ReqResult> = r.includes.iter().flat_map(|x| look(x)).collect();
        let failed: Vec<&&ReqResult> = inc.iter().filter(|q| q.outcome == Outcome::Fail).collect();
        let unmet = inc.iter().filter(|q| q.outcome != Outcome::Pass).count();
        if r.lab {
            res.outcome = Outcome::NotAssessed;
            res.reason = Some(if unmet > 0 {
                l.ta(
                    "label-why-lab-after",
                    &[("count", iotgate_explain::Arg::N(unmet as f64))],
                )
            } else {
                l.t("label-why-lab")
            });
            for q in failed.iter().take(4) {
                res.evidence.push(format!("{} — {}", q.id, q.title));
            }
        } else if !failed.is_empty() {
            res.outcome = Outcome::Fail;
            res.reason = None;
            for q in failed.iter().take(4) {
                res.evidence.push(format!("{} — {}", q.id, q.title));
            }
        } else if unmet == 0 {
            res.outcome = Outcome::Pass;
            res.reason = None;
        } else if res.outcome != Outcome::Fail {
            res.outcome = Outcome::NotAssessed;
            res.reason = Some(l.ta(
                "label-why-includes",
                &[("count", iotgate_explain::Arg::N(unmet as f64))],
            ));
        }
    }
    if r.lab && res.outcome == Outcome::Fail {
        // Evidence against a laboratory requirement's own checks is shown, but only a
        // laboratory fails it.
        res.outcome = Outcome::NotAssessed;
        res.reason = Some(l.t("label-why-lab"));
    }
}

/// The level number of a tiered scheme's requirement (`level-2` → 2).
fn level_of(id: &str) -> Option<u32> {
    id.rsplit(|c: char| !c.is_ascii_digit())
        .next()
        .and_then(|d| d.parse().ok())
}

/// Where the device stands in tiered framework `fw`: the last level of an unbroken run of
/// supported levels from the first, and what the next one waits for.
fn tier(
    cat: &Catalogues,
    fw: &Framework,
    reqs: &[ReqResult],
    done: &BTreeMap<(String, String), ReqResult>,
) -> Tier {
    let reached = reqs
        .iter()
        .take_while(|r| r.outcome == Outcome::Pass)
        .last()
        .and_then(|r| level_of(&r.id));
    let next = reqs.iter().find(|r| r.outcome != Outcome::Pass);
    let mut t = Tier {
        reached,
        next: next.and_then(|r| level_of(&r.id)),
        next_lab: false,
        blocking: Vec::new(),
    };
    let Some(next) = next.and_then(|n| fw.req(&n.id)) else {
        return t;
    };
    t.next_lab = next.lab;
    let mut seen = std::collections::BTreeSet::new();
    for x in &next.includes {
        for (f, q) in lookup(cat, &fw.id, x, done) {
            if q.outcome != Outcome::Pass && seen.insert((f.clone(), q.id.clone())) {
                t.blocking.push(Blocker {
                    framework: f,
                    id: q.id.clone(),
                    title: q.title.clone(),
                    outcome: q.outcome,
                });
            }
        }
    }
    if next.includes.is_empty() || (t.blocking.is_empty() && !next.lab) {
        // Its own checks decide it.
        if let Some(q) = done.get(&(fw.id.clone(), next.id.clone())) {
            t.blocking.push(Blocker {
                framework: fw.id.clone(),
                id: q.id.clone(),
                title: q.title.clone(),
                outcome: q.outcome,
            });
        }
    }
    t.blocking
        .sort_by_key(|b| if b.outcome == Outcome::Fail { 0 } else { 1 });
    t
}

/// The verdict of a framework in words, as its form reads.
fn summary(l: &Localizer, f: &FrameworkResult) -> String {
    use iotgate_explain::Arg;
    match (f.form, &f.tier) {
        (Form::Tiered, Some(t)) => match (t.reached, f.verdict) {
            (Some(n), _) => l.ta("label-tier-reached", &[("level", Arg::N(n as f64))]),
            (None, Verdict::Contradicted) => l.ta(
                "label-tier-contradicted",
                &[("level", Arg::N(t.next.unwrap_or(1) as f64))],
            ),
            _ => l.t("label-verdict-not-settled"),
        },
        (Form::Weaknesses, _) => match f.verdict {
            Verdict::Contradicted => l.ta("label-weak-seen", &[("count", Arg::N(f.failed as f64))]),
            Verdict::Supported => l.t("label-weak-none"),
            Verdict::NotSettled => l.ta(
                "label-weak-open",
                &[("open", Arg::N(f.not_assessed as f64))],
            ),
        },
        _ => crate::report::verdict_text(l, f.verdict),
    }
}

fn summarise(
    l: &Localizer,
    cat: &Catalogues,
    fw: &Framework,
    done: &BTreeMap<(String, String), ReqResult>,
) -> FrameworkResult {
    let lang = l.lang().code();
    let reqs: Vec<ReqResult> = fw
        .reqs
        .iter()
        .filter_map(|r| {
            let mut q = done.get(&(fw.id.clone(), r.id.clone()))?.clone();
            q.reading = Reading::of(fw.form, r.lab, q.applicable, q.outcome);
            Some(q)
        })
        .collect();
    let count = |o: Outcome| {
        reqs.iter()
            .filter(|r| r.applicable && r.outcome == o)
            .count()
    };
    let mandatory: Vec<&ReqResult> = reqs
        .iter()
        .filter(|r| r.applicable && r.status.mandatory())
        .collect();
    let tier = (fw.form == Form::Tiered).then(|| tier(cat, fw, &reqs, done));
    let verdict = match &tier {
        // A tiered scheme is supported at the level reached, contradicted only when its first
        // level is.
        Some(t) if t.reached.is_some() => Verdict::Supported,
        Some(_) if reqs.first().is_some_and(|r| r.outcome == Outcome::Fail) => {
            Verdict::Contradicted
        }
        Some(_) => Verdict::NotSettled,
        None if mandatory.iter().any(|r| r.outcome == Outcome::Fail) => Verdict::Contradicted,
        None if mandatory.iter().all(|r| r.outcome == Outcome::Pass) => Verdict::Supported,
        None => Verdict::NotSettled,
    };
    let mut out = FrameworkResult {
        id: fw.id.clone(),
        name: fw.name.clone(),
        short: fw.short.clone(),
        version: fw.version.clone(),
        title: fw.title(lang).to_string(),
        form: fw.form,
        verdict,
        summary: String::new(),
        tier,
        passed: count(Outcome::Pass),
        failed: count(Outcome::Fail),
        not_assessed: count(Outcome::NotAssessed),
        not_applicable: reqs.iter().filter(|r| !r.applicable).count(),
        requirements: reqs,
    };
    out.summary = summary(l, &out);
    out
}
