//! The label renders: for five IoT Sentinel devices (captures only) in English and French, the
//! SVG is drawn by resvg with real fonts at its declared size, and every text stays inside its
//! box — the row, badge or band it belongs to, and the label itself.

mod common;

use iotgate_explain::{Lang, Localizer};
use iotgate_label::{label, svg, Catalogues, Date, Inputs};
use resvg::usvg;

const DEVICES: &[&str] = &[
    "D-LinkCam",
    "HueBridge",
    "EdimaxPlug1101W",
    "TP-LinkPlugHS110",
    "WeMoSwitch",
    "Withings",
];

/// Every text node under `g`, with its box on the canvas.
fn texts(g: &usvg::Group, out: &mut Vec<usvg::Rect>) {
    for n in g.children() {
        match n {
            usvg::Node::Text(t) => out.push(t.abs_bounding_box()),
            usvg::Node::Group(g) => texts(g, out),
            _ => {}
        }
    }
}

/// The first filled shape directly in `g`: the box its texts must stay in.
fn frame(g: &usvg::Group) -> Option<usvg::Rect> {
    g.children().iter().find_map(|n| match n {
        usvg::Node::Path(p) => Some(p.abs_bounding_box()),
        _ => None,
    })
}

fn inside(inner: &usvg::Rect, outer: &usvg::Rect) -> bool {
    const SLACK: f32 = 0.5;
    inner.left() >= outer.left() - SLACK
        && inner.right() <= outer.right() + SLACK
        && inner.top() >= outer.top() - SLACK
        && inner.bottom() <= outer.bottom() + SLACK
}

fn check_svg(name: &str, text: &str, opt: &usvg::Options) {
    let tree = usvg::Tree::from_str(text, opt).unwrap_or_else(|e| panic!("{name}: {e}"));
    let size = tree.size();
    assert_eq!(
        (size.width(), size.height()),
        (svg::WIDTH as f32, svg::HEIGHT as f32),
        "{name}"
    );
    let canvas = usvg::Rect::from_xywh(0.0, 0.0, size.width(), size.height()).unwrap();
    let mut groups = 0;
    let mut all = Vec::new();
    texts(tree.root(), &mut all);
    assert!(all.len() >= 20, "{name}: {} texts", all.len());
    for b in &all {
        assert!(
            b.width() > 0.0,
            "{name}: a text has no glyphs (fonts missing?)"
        );
        assert!(inside(b, &canvas), "{name}: text at {b:?} leaves the label");
    }
    fn walk(name: &str, g: &usvg::Group, groups: &mut usize) {
        for n in g.children() {
            let usvg::Node::Group(c) = n else { continue };
            let id = c.id();
            let boxed = id.starts_with("row-") || id.starts_with("scheme-") || id == "head";
            if boxed {
                *groups += 1;
                let f = frame(c).unwrap_or_else(|| panic!("{name}: {id} has no box"));
                let mut t = Vec::new();
                texts(c, &mut t);
                assert!(!t.is_empty(), "{name}: {id} has no text");
                for b in &t {
                    assert!(
                        inside(b, &f),
                        "{name}: text of {id} at {b:?} leaves its box {f:?}"
                    );
                }
            } else if id == "qr-caption" {
                let mut t = Vec::new();
                texts(c, &mut t);
                for b in &t {
                    assert!(
                        b.left() >= 462.0 && b.right() <= 622.0,
                        "{name}: caption at {b:?}"
                    );
                }
            }
            walk(name, c, groups);
        }
    }
    walk(name, tree.root(), &mut groups);
    // The heading, five rows and seven scheme badges.
    assert_eq!(groups, 13, "{name}: boxes found");
    // And it draws: some pixels of every colour family are set.
    let mut pix = resvg::tiny_skia::Pixmap::new(svg::WIDTH, svg::HEIGHT).unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pix.as_mut(),
    );
    let dark = pix
        .pixels()
        .iter()
        .filter(|p| p.red() < 60 && p.alpha() > 0)
        .count();
    assert!(dark > 1000, "{name}: almost nothing drawn");
}

#[test]
fn labels_of_iot_sentinel_devices_render_without_overflow() {
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    assert!(
        opt.fontdb
            .faces()
            .any(|f| f.families.iter().any(|(n, _)| n == "DejaVu Sans")),
        "the DejaVu fonts are needed (Debian fonts-dejavu-core)"
    );
    let cat = Catalogues::builtin();
    let root = common::data().join("pcap/iot-sentinel");
    let mut done = 0;
    for dev in DEVICES {
        let dir = root.join(dev);
        let mac = std::fs::read_to_string(dir.join("_iotdevice-mac.txt"))
            .unwrap()
            .trim()
            .to_lowercase();
        let caps: Vec<_> = common::captures_under(&dir).into_iter().take(3).collect();
        for lang in [Lang::En, Lang::Fr] {
            let l = Localizer::new(lang);
            let a = common::analyze_detect(&caps, Vec::new());
            let d = a
                .devices
                .iter()
                .find(|d| d.mac == mac)
                .unwrap_or_else(|| panic!("{dev}: {mac} not seen"));
            let lab = label(
                &l,
                &cat,
                &Inputs {
                    device: d,
                    alerts: &a.alerts,
                    probe: None,
                    declaration: None,
                    mud: None,
                    today: Date::parse("2026-11-22").unwrap(),
                },
            );
            let text = svg::render(&l, &lab, "https://labels.example/device/0123456789abcdef");
            check_svg(&format!("{dev} {lang:?}"), &text, &opt);
            let page = iotgate_label::html::render(&l, &lab, Some(&text));
            assert!(page.contains(&mac) && page.contains("<svg"), "{dev}");
        }
        done += 1;
    }
    assert!(done >= 5);
}

#[test]
fn long_values_are_cut_not_clipped() {
    // A declaration with a long maker name and every row at its longest French wording.
    let mut opt = usvg::Options::default();
    opt.fontdb_mut().load_system_fonts();
    let dir = common::data().join("pcap/iot-sentinel/D-LinkCam");
    let caps: Vec<_> = common::captures_under(&dir).into_iter().take(1).collect();
    let l = Localizer::new(Lang::Fr);
    let a = common::analyze_detect(&caps, Vec::new());
    let decl = iotgate_label::Declaration::parse(
        "d.toml",
        "manufacturer = \"Ｗｉｄｅ Ｍａｋｅｒ Ｉｎｔｅｒｎａｔｉｏｎａｌ Ｃｏｒｐｏｒａｔｉｏｎ Ｗｉｔｈ Ａ Ｖｅｒｙ Ｌｏｎｇ Ｎａｍｅ\"\n\
         model = \"WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW\"\n\
         support_until = \"2020-01-01\"\ndefault_password = \"user-set\"\ndata_practices = \"none\"\n",
    )
    .unwrap();
    let cat = Catalogues::builtin();
    let lab = label(
        &l,
        &cat,
        &Inputs {
            device: &a.devices[0],
            alerts: &a.alerts,
            probe: None,
            declaration: Some(&decl),
            mud: None,
            today: Date::parse("2026-11-22").unwrap(),
        },
    );
    let text = svg::render(&l, &lab, &"https://x.example/".repeat(20));
    check_svg("long", &text, &opt);
    assert!(text.contains('…'), "the long name was cut");
}
