//! From check results to requirement results per framework, and a verdict per scheme.

use crate::catalogue::{Catalogues, Framework, Net, Requirement, Status};
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
    /// The verdict.
    pub verdict: Verdict,
    /// Requirements passed, failed and not assessed.
    pub passed: usize,
    /// Failed.
    pub failed: usize,
    /// Not assessed.
    pub not_assessed: usize,
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
pub fn assess(l: &Localizer, cat: &Catalogues, checks: &[CheckResult]) -> Vec<FrameworkResult> {
    let results: BTreeMap<&str, &CheckResult> = checks.iter().map(|c| (c.id, c)).collect();
    // Direct results first, then those built from other requirements (deemed, includes), in
    // catalogue order so that an included requirement is resolved before it is used (the
    // catalogue test checks that `includes` point backwards or to other frameworks).
    let mut done: BTreeMap<(String, String), ReqResult> = BTreeMap::new();
    for fw in &cat.frameworks {
        for r in &fw.reqs {
            let mut res = combine(l, &fw.id, r, &results);
            refine(l, cat, fw, r, &mut res, &done);
            explain(l, &results, &mut res);
            done.insert((fw.id.clone(), r.id.clone()), res);
        }
    }
    cat.frameworks
        .iter()
        .map(|fw| summarise(l, fw, &done))
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

/// Applies `deemed` (any outcome short of failure becomes a pass when every deemed requirement
/// passes) and `includes` (fails when an included requirement fails; passes only when all do).
fn refine(
    l: &Localizer,
    cat: &Catalogues,
    fw: &Framework,
    r: &Requirement,
    res: &mut ReqResult,
    done: &BTreeMap<(String, String), ReqResult>,
) {
    let lookup = |x: &str| -> Vec<&ReqResult> {
        let (f, id) = x.split_once(':').unwrap_or((&fw.id, x));
        if id == "mandatory" {
            return cat
                .framework(f)
                .map(|g| {
                    g.reqs
                        .iter()
                        .filter(|q| q.status.mandatory())
                        .filter_map(|q| done.get(&(f.to_string(), q.id.clone())))
                        .collect()
                })
                .unwrap_or_default();
        }
        done.get(&(f.to_string(), id.to_string()))
            .into_iter()
            .collect()
    };
    if !r.deemed.is_empty() && res.outcome == Outcome::NotAssessed {
        let deemed: Vec<&ReqResult> = r.deemed.iter().flat_map(|x| lookup(x)).collect();
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
        let inc: Vec<&ReqResult> = r.includes.iter().flat_map(|x| lookup(x)).collect();
        let failed: Vec<&&ReqResult> = inc.iter().filter(|q| q.outcome == Outcome::Fail).collect();
        if !failed.is_empty() {
            res.outcome = Outcome::Fail;
            res.reason = None;
            for q in failed.iter().take(4) {
                res.evidence.push(format!("{} — {}", q.id, q.title));
            }
        } else if !r.lab && inc.iter().all(|q| q.outcome == Outcome::Pass) {
            res.outcome = Outcome::Pass;
            res.reason = None;
        } else if res.outcome != Outcome::Fail {
            res.outcome = Outcome::NotAssessed;
            let open = inc
                .iter()
                .filter(|q| q.outcome == Outcome::NotAssessed)
                .count();
            res.reason = Some(if r.lab {
                l.t("label-why-lab")
            } else {
                l.ta(
                    "label-why-includes",
                    &[("count", iotgate_explain::Arg::N(open as f64))],
                )
            });
        }
    }
}

fn summarise(
    l: &Localizer,
    fw: &Framework,
    done: &BTreeMap<(String, String), ReqResult>,
) -> FrameworkResult {
    let lang = l.lang().code();
    let reqs: Vec<ReqResult> = fw
        .reqs
        .iter()
        .filter_map(|r| done.get(&(fw.id.clone(), r.id.clone())).cloned())
        .collect();
    let count = |o: Outcome| reqs.iter().filter(|r| r.outcome == o).count();
    let mandatory: Vec<&ReqResult> = reqs.iter().filter(|r| r.status.mandatory()).collect();
    let verdict = if mandatory.iter().any(|r| r.outcome == Outcome::Fail) {
        Verdict::Contradicted
    } else if mandatory.iter().all(|r| r.outcome == Outcome::Pass) {
        Verdict::Supported
    } else {
        Verdict::NotSettled
    };
    FrameworkResult {
        id: fw.id.clone(),
        name: fw.name.clone(),
        short: fw.short.clone(),
        version: fw.version.clone(),
        title: fw.title(lang).to_string(),
        verdict,
        passed: count(Outcome::Pass),
        failed: count(Outcome::Fail),
        not_assessed: count(Outcome::NotAssessed),
        requirements: reqs,
    }
}
