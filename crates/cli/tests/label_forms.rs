//! Verdicts people read right, in every output and both languages: a tiered scheme (Singapore
//! CLS) says the highest level the evidence supports and what blocks the next; a weakness list
//! (OWASP) says "weakness seen / not seen", never ✓ next to a weakness; a requirement only a
//! laboratory can settle says so and never shows ✗; a requirement for network equipment is
//! not applicable to a plug.

mod common;

use serde_json::Value;
use std::process::Command;

struct Sim {
    /// The scratch folder, removed when dropped (even when the test fails).
    dir: tempfile::TempDir,
    pcap: String,
    clean: String,
    infected: String,
}

fn simulate(name: &str) -> Sim {
    let dir = tempfile::Builder::new()
        .prefix(&format!("iotgate-label-forms-{name}-"))
        .tempdir()
        .unwrap();
    let pcap = dir.path().join("sim.pcap");
    let truth = common::simulate(
        &pcap,
        &iotgate_sim::Options {
            devices: 10,
            packets: 150_000,
            seed: 5,
            infected: 1,
            flood: false,
            stealthy: 0,
        },
    );
    let clean = truth
        .devices
        .iter()
        .find(|d| !d.infected && d.planted_findings.is_empty() && d.kind == "plug")
        .expect("a clean plug")
        .mac
        .clone();
    let infected = truth
        .devices
        .iter()
        .find(|d| d.infected)
        .unwrap()
        .mac
        .clone();
    Sim {
        pcap: pcap.display().to_string(),
        dir,
        clean,
        infected,
    }
}

/// A declaration that settles CLS level 1 (unique passwords, updates, a support period).
const DECLARATION: &str = "default_password = \"unique\"\nupdate_mechanism = \"automatic\"\n\
    support_until = \"2030-01-01\"\nvulnerability_disclosure = \"https://example.com/psirt\"\n";

/// `iotgate label` for `mac` in `lang` with the declaration; text report (with --all), JSON,
/// SVG and HTML.
fn render(sim: &Sim, mac: &str, lang: &str) -> (String, Value, String, String) {
    let dir = sim.dir.path();
    let decl = dir.join("decl.toml");
    std::fs::write(&decl, DECLARATION).unwrap();
    let svg = dir.join(format!("{mac}-{lang}.svg").replace(':', ""));
    let html = dir.join(format!("{mac}-{lang}.html").replace(':', ""));
    let run = |extra: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_iotgate"))
            .args(["label", "--date", "2026-11-22", "--lang", lang])
            .args(["--capture", &sim.pcap, "--device", mac])
            .args(["--declaration", decl.to_str().unwrap()])
            .args(extra)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let text = run(&["--all"]);
    let json: Value = serde_json::from_str(&run(&["--format", "json"])).unwrap();
    run(&[
        "--svg",
        svg.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    (
        text,
        json,
        std::fs::read_to_string(svg).unwrap(),
        std::fs::read_to_string(html).unwrap(),
    )
}

fn framework<'a>(j: &'a Value, id: &str) -> &'a Value {
    j["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))
}

fn requirement<'a>(j: &'a Value, fw: &str, id: &str) -> &'a Value {
    framework(j, fw)["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{fw}:{id}"))
}

/// The text of an SVG group `id` (its <text> contents joined).
fn svg_group(svg: &str, id: &str) -> String {
    let start = svg
        .find(&format!("<g id=\"{id}\">"))
        .unwrap_or_else(|| panic!("{id}"));
    let end = start + svg[start..].find("</g>").unwrap();
    let mut out = String::new();
    let mut rest = &svg[start..end];
    while let Some(i) = rest.find('>') {
        rest = &rest[i + 1..];
        let j = rest.find('<').unwrap_or(rest.len());
        out.push_str(&rest[..j]);
        out.push(' ');
        rest = &rest[j..];
    }
    out
}

/// A line of the text report that starts (after spaces) with `mark` and holds `id`.
fn text_line<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
}

/// The HTML element with id `id`, up to its closing tag.
fn html_element<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("{id}"));
    let end = start + html[start..].find("</div>").unwrap();
    &html[start..end]
}

/// The HTML table row of requirement `id` (the first whose ID cell is `id`).
fn html_row<'a>(html: &'a str, after: &str, id: &str) -> &'a str {
    let base = html.find(after).unwrap_or_else(|| panic!("{after}"));
    let cell = format!("<tr><td>{id}</td>");
    let start = base + html[base..].find(&cell).unwrap_or_else(|| panic!("{id}"));
    let end = start + html[start..].find("</tr>").unwrap();
    &html[start..end]
}

struct Words {
    lang: &'static str,
    level_1: &'static str,
    level_2_waits: &'static str,
    svg_level_1: &'static str,
    no_weakness: &'static str,
    svg_no_weakness: &'static str,
    one_weakness: &'static str,
    not_seen: &'static str,
    seen: &'static str,
    lab: &'static str,
    not_applicable: &'static str,
}

const EN: Words = Words {
    lang: "en",
    level_1: "the evidence supports level 1",
    level_2_waits: "level 2 waits for:",
    svg_level_1: "level 1",
    no_weakness: "no weakness seen",
    svg_no_weakness: "none seen",
    one_weakness: "weakness",
    not_seen: "not seen",
    seen: "weakness seen",
    lab: "laboratory only",
    not_applicable: "not applicable",
};

const FR: Words = Words {
    lang: "fr",
    level_1: "les preuves confirment le niveau 1",
    level_2_waits: "le niveau 2 attend :",
    svg_level_1: "niveau 1",
    no_weakness: "aucune faiblesse observée",
    svg_no_weakness: "aucune",
    one_weakness: "faiblesse",
    not_seen: "non observée",
    seen: "faiblesse observée",
    lab: "laboratoire seulement",
    not_applicable: "non applicable",
};

#[test]
fn tiered_weakness_and_laboratory_verdicts_in_every_output_and_language() {
    let sim = simulate("forms");
    for w in [EN, FR] {
        let lang = w.lang;
        // The clean plug with a declaration: CLS level 1 supported, level 2 blocked.
        let (text, json, svg, html) = render(&sim, &sim.clean, lang);

        // JSON: the form, the level reached, what blocks the next, in the reader's words.
        let cls = framework(&json, "cls");
        assert_eq!(cls["form"], "tiered", "{lang}");
        assert_eq!(cls["verdict"], "supported", "{lang}");
        assert_eq!(cls["tier"]["reached"], 1, "{lang}");
        assert_eq!(cls["tier"]["next"], 2, "{lang}");
        assert!(
            !cls["tier"]["blocking"].as_array().unwrap().is_empty(),
            "{lang}: level 2 waits for something"
        );
        assert_eq!(cls["summary"], w.level_1, "{lang}");
        // Level 3 is a laboratory's: not failed, and read as such.
        let l3 = requirement(&json, "cls", "level-3");
        assert_eq!(l3["outcome"], "not-assessed", "{lang}");
        assert_eq!(l3["reading"], "lab-only", "{lang}");
        // OWASP: weaknesses not seen, none seen.
        let owasp = framework(&json, "owasp");
        assert_eq!(owasp["form"], "weaknesses", "{lang}");
        let i7 = requirement(&json, "owasp", "I7");
        assert_ne!(
            i7["reading"], "pass",
            "{lang}: a weakness is never 'passed'"
        );
        let i1 = requirement(&json, "owasp", "I1");
        assert_eq!(i1["reading"], "weakness-not-seen", "{lang}");
        assert!(
            owasp["summary"]
                .as_str()
                .unwrap()
                .starts_with(w.no_weakness),
            "{lang}: {}",
            owasp["summary"]
        );
        // EN 18031-1 network monitoring is for network equipment, not a plug.
        let nmm = requirement(&json, "en18031", "NMM-1");
        assert_eq!(nmm["reading"], "not-applicable", "{lang}");
        assert_eq!(nmm["applicable"], false, "{lang}");

        // Text: the scheme line, the blocker, the weakness and laboratory marks.
        let line = text_line(&text, "Singapore CLS");
        assert!(line.contains(w.level_1), "{lang}: {line}");
        assert!(line.contains(w.level_2_waits), "{lang}: {line}");
        let line = text_line(&text, " level-3 ");
        assert!(line.trim_start().starts_with('◇'), "{lang}: {line}");
        assert!(line.contains(w.lab), "{lang}: {line}");
        assert!(!line.contains('✗'), "{lang}: {line}");
        let line = text_line(&text, " I1 ");
        assert!(line.trim_start().starts_with('○'), "{lang}: {line}");
        assert!(line.contains(w.not_seen), "{lang}: {line}");
        assert!(!line.contains('✓'), "{lang}: {line}");
        let line = text_line(&text, " NMM-1 ");
        assert!(line.contains(w.not_applicable), "{lang}: {line}");
        let line = text_line(&text, "OWASP IoT Top 10 2018");
        assert!(!line.trim_start().starts_with('✓'), "{lang}: {line}");

        // SVG: the badges.
        let badge = svg_group(&svg, "scheme-cls");
        assert!(
            badge.contains(&format!("✓ {}", w.svg_level_1)),
            "{lang}: {badge}"
        );
        let badge = svg_group(&svg, "scheme-owasp");
        assert!(badge.contains(w.svg_no_weakness), "{lang}: {badge}");
        assert!(!badge.contains('✓'), "{lang}: {badge}");
        // The attacks row never claims a pass: no check can prove the absence of attacks.
        let row = svg_group(&svg, "row-4");
        assert!(!row.contains('✓'), "{lang}: {row}");

        // HTML: the scheme cards and the requirement tables.
        let card = html_element(&html, "card-cls");
        assert!(card.contains(w.level_1), "{lang}: {card}");
        assert!(card.contains(w.level_2_waits), "{lang}: {card}");
        let row = html_row(&html, "Singapore CLS", "level-3");
        assert!(row.contains(w.lab), "{lang}: {row}");
        assert!(!row.contains('✗'), "{lang}: {row}");
        let row = html_row(&html, "OWASP", "I1");
        assert!(row.contains(w.not_seen), "{lang}: {row}");
        assert!(!row.contains('✓'), "{lang}: {row}");

        // The infected camera: weaknesses seen, in every output.
        let (text, json, svg, html) = render(&sim, &sim.infected, lang);
        let owasp = framework(&json, "owasp");
        assert_eq!(owasp["verdict"], "contradicted", "{lang}");
        assert_eq!(
            requirement(&json, "owasp", "I7")["reading"],
            "weakness-seen",
            "{lang}"
        );
        let line = text_line(&text, "OWASP IoT Top 10 2018");
        assert!(line.contains(w.one_weakness), "{lang}: {line}");
        let line = text_line(&text, " I7 ");
        assert!(line.contains(w.seen), "{lang}: {line}");
        let badge = svg_group(&svg, "scheme-owasp");
        assert!(badge.contains('✗'), "{lang}: {badge}");
        let row = html_row(&html, "OWASP", "I7");
        assert!(row.contains(w.seen), "{lang}: {row}");
    }
}

#[test]
fn a_cls_level_1_failure_contradicts_the_scheme_and_says_which_level() {
    let sim = simulate("level1");
    let decl = sim.dir.path().join("shared.toml");
    std::fs::write(&decl, "default_password = \"shared\"\n").unwrap();
    for (lang, words) in [
        ("en", "the evidence contradicts level 1"),
        ("fr", "les preuves contredisent le niveau 1"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_iotgate"))
            .args(["label", "--date", "2026-11-22", "--lang", lang, "--format"])
            .args(["json", "--capture", &sim.pcap, "--device", &sim.clean])
            .args(["--declaration", decl.to_str().unwrap()])
            .output()
            .unwrap();
        let j: Value = serde_json::from_slice(&out.stdout).unwrap();
        let cls = framework(&j, "cls");
        assert_eq!(cls["verdict"], "contradicted", "{lang}");
        assert_eq!(cls["tier"]["reached"], Value::Null, "{lang}");
        assert_eq!(cls["summary"], words, "{lang}");
        // The failure is named among what blocks level 1.
        let blocking = cls["tier"]["blocking"].to_string();
        assert!(blocking.contains("5.1-1"), "{lang}: {blocking}");
    }
}
