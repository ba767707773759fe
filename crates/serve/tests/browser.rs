//! The dashboard in a real browser (Debian's `chromium`, headless, driven over the DevTools
//! protocol): first-run setup, the simulator's infected camera listed with its alert, a device
//! whose DHCP host name is markup shown as inert text, acknowledge and mute by clicking,
//! the device's security label drawn, quarantine and release from its page, a setting saved,
//! the switch to French, and signing out. Skipped (with a message) when chromium is not installed;
//! `tools/test-all.sh` installs it.

use chromiumoxide::browser::{Browser, BrowserConfig};
use futures_util::StreamExt;
use iotgate_serve::{feed::Source, Config};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
/// A scratch folder, removed when dropped (even when the test fails).
fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("iotgate-browser-")
        .tempdir()
        .unwrap()
}

/// The simulator's home network with an infected camera, where one uninfected device's host
/// name is replaced by markup of the same length (so that every length in the capture still
/// holds): the capture, and that markup.
fn capture(dir: &Path) -> (PathBuf, String) {
    let opts = iotgate_sim::Options {
        devices: 6,
        packets: 30_000,
        seed: 3,
        infected: 1,
        flood: false,
        stealthy: 0,
    };
    let mut bytes = Vec::new();
    let truth = iotgate_sim::write(&opts, &mut bytes).unwrap();
    let name = truth
        .devices
        .iter()
        .map(|d| d.hostname.clone())
        .find(|h| h.len() >= 12 && !h.contains("DCS"))
        .expect("a long enough host name");
    let hostile = format!("<script>{}</s>", "a".repeat(name.len() - 12));
    let (from, to) = (name.as_bytes(), hostile.as_bytes());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
        }
        i += 1;
    }
    assert!(n > 0, "{name} is in the capture");
    let p = dir.join("home.pcap");
    std::fs::write(&p, bytes).unwrap();
    (p, hostile)
}

/// The page's visible text (retried while a navigation replaces the document).
async fn text(page: &chromiumoxide::Page) -> String {
    for _ in 0..50 {
        if let Ok(v) = page.evaluate("document.body.innerText").await {
            if let Ok(t) = v.into_value::<String>() {
                return t;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never settled");
}

/// Waits until the page's text (reloaded each time) contains `want`.
async fn until(page: &chromiumoxide::Page, want: &str) {
    let t = Instant::now();
    loop {
        if text(page).await.contains(want) {
            return;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "never shown: {want}\n{}",
            text(page).await
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = page.reload().await;
    }
}

/// Opens `url` (again, when a navigation still under way aborts it).
async fn go(page: &chromiumoxide::Page, url: &str) {
    for _ in 0..20 {
        if page.goto(url).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("cannot open {url}");
}

/// Clicks `selector` and waits until the document it leads to has loaded: the old document is
/// marked first (an attribute on its root), so that a navigation not yet started is not taken
/// for one finished.
async fn click(page: &chromiumoxide::Page, selector: &str) {
    page.evaluate("document.documentElement.setAttribute('data-old', '1')")
        .await
        .unwrap();
    // A live update may swap the page's main part between finding and clicking: find again.
    let mut tries = 0;
    loop {
        let clicked = match page.find_element(selector).await {
            Ok(e) => e.click().await.map(|_| ()),
            Err(e) => Err(e),
        };
        match clicked {
            Ok(()) => break,
            Err(e) if tries >= 20 => panic!("{selector}: {e}"),
            Err(_) => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    let t = Instant::now();
    loop {
        if let Ok(html) = page.content().await {
            if !html.contains("data-old") && html.contains("</main>") {
                return;
            }
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "{selector}: no new page"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("skipped: {CHROMIUM} is not installed (tools/test-all.sh installs it)");
        return;
    }
    let tmp = scratch();
    let dir = tmp.path();
    let (path, hostile) = capture(dir);
    let cap = iotgate_sources::Capture::open(&path).unwrap();
    let cfg = Config {
        db: dir.join("gw.db"),
        listen: "127.0.0.1:0".parse().unwrap(),
        source: Source::Replay { cap, speed: 0.0 },
        session: iotgate_pipeline::SessionConfig::detecting(),
        every: Duration::from_millis(500),
        retention: Duration::from_secs(86_400),
        secure_cookies: false,
        webhook: None,
        enforce: false,
        detect: Default::default(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::channel::<String>();
    let server_stop = stop.clone();
    let server = std::thread::spawn(move || {
        let l = iotgate_explain::Localizer::new(iotgate_explain::Lang::En);
        iotgate_serve::run(cfg, &l, server_stop, |line| {
            let _ = tx.send(line);
        })
        .unwrap();
    });
    let (mut setup, mut base) = (None, None);
    while base.is_none() {
        let line = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        for w in line.split_whitespace() {
            if w.contains("/setup?token=") {
                setup = Some(w.to_string());
            } else if w.starts_with("http://") {
                base = Some(w.trim_end_matches('/').to_string());
            }
        }
    }
    let (setup, base) = (setup.unwrap(), base.unwrap());

    let config = BrowserConfig::builder()
        .chrome_executable(CHROMIUM)
        .no_sandbox()
        .user_data_dir(dir.join("profile"))
        .arg("--disable-gpu")
        .build()
        .unwrap();
    let (mut browser, mut handler) = Browser::launch(config).await.unwrap();
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });

    // First run: the setup link creates the first user and signs them in.
    let page = browser.new_page(setup.as_str()).await.unwrap();
    page.find_element("input[name=name]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap()
        .type_str("alice")
        .await
        .unwrap();
    page.find_element("input[name=password]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap()
        .type_str("correct horse battery")
        .await
        .unwrap();
    click(&page, "#setup button").await;

    // The infected camera with its open alert, within seconds.
    until(&page, "DCS-935L").await;
    until(&page, "open alert").await;

    // The hostile host name is text, never markup: shown as written, and no script but ours.
    let shown = text(&page).await;
    assert!(shown.contains(&hostile), "{shown}");
    let scripts: i64 = page
        .evaluate("document.querySelectorAll('script').length")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(scripts, 1, "only /static/app.js");

    // The camera's page, its Mirai alert; acknowledge it, then mute its kind for a day.
    click(&page, "a[href^='/devices/b0:c5:54']").await;
    until(&page, "Mirai").await;
    let device_url = page.url().await.unwrap().unwrap_or_default();
    // Its security label, drawn by the browser from the SVG the gateway made.
    let t = Instant::now();
    loop {
        let drawn = page
            .evaluate("(() => { const i = document.querySelector('img.label'); return !!i && i.complete && i.naturalWidth > 100; })()")
            .await
            .ok()
            .and_then(|v| v.into_value::<bool>().ok())
            .unwrap_or(false);
        if drawn {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(30), "no label drawn");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = page.reload().await;
    }
    click(&page, "button.ack").await;
    until(&page, "Acknowledged by alice").await;
    // Quarantine from its page, then release (recorded: this gateway runs without --enforce).
    go(&page, &device_url).await;
    click(&page, "#quarantine-button").await;
    until(&page, "In quarantine since").await;
    until(&page, "Not enforced").await;
    click(&page, "#release").await;
    until(&page, "Put in quarantine").await;
    assert!(!text(&page).await.contains("In quarantine since"));
    go(&page, &format!("{base}/alerts")).await;
    until(&page, "Mute this kind").await;
    click(&page, "button.mute").await;
    go(&page, &format!("{base}/actions")).await;
    until(&page, "muted alerts").await;
    until(&page, "quarantined the device").await;
    until(&page, "released the device").await;

    // The settings page: a resolver typed in and saved, shown again.
    go(&page, &format!("{base}/settings")).await;
    until(&page, "Detection").await;
    page.find_element("input[name=resolvers]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap()
        .type_str("192.0.2.53")
        .await
        .unwrap();
    click(&page, "#save-settings").await;
    let saved: String = page
        .evaluate("document.querySelector('input[name=resolvers]').value")
        .await
        .unwrap()
        .into_value()
        .unwrap();
    assert_eq!(saved, "192.0.2.53");
    go(&page, &format!("{base}/actions")).await;
    until(&page, "changed the settings").await;

    // French, from the switch on the page.
    click(&page, "#lang").await;
    until(&page, "Actions menées").await;
    go(&page, &format!("{base}/")).await;
    until(&page, "Appareils").await;

    // Sign out: back to the sign-in page, and the list is closed.
    click(&page, "#logout").await;
    until(&page, "Sign in").await;
    go(&page, &format!("{base}/")).await;
    assert!(page
        .url()
        .await
        .unwrap()
        .unwrap_or_default()
        .ends_with("/login"));
    // Signed out, the settings are closed too.
    go(&page, &format!("{base}/settings")).await;
    assert!(page
        .url()
        .await
        .unwrap()
        .unwrap_or_default()
        .ends_with("/login"));

    browser.close().await.unwrap();
    let _ = browser.wait().await;
    driver.abort();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    server.join().unwrap();
}
