//! Hostile requests against the whole router (in process, no socket): any method, path, cookie,
//! token, content type and body — valid sessions and tokens included, so that handlers past
//! authentication are reached — is answered with a status below 500, and nothing panics.

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use iotgate_serve::{auth, feed, web};
use iotgate_store::{AlertUpdate, Batch, DeviceUpdate, Store};
use proptest::prelude::*;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

const SESSION: &str = "5e5510115e5510115e5510115e5510115e5510115e5510115e5510115e551011";
const CSRF: &str = "c5rfc5rfc5rf";
const TOKEN: &str = "70c3470c3470c3470c3470c3470c3470c3470c3470c3470c3470c3470c3470c3";

/// The app on a fresh database, and its folder (removed when dropped, even when a case fails).
fn app() -> (tempfile::TempDir, Arc<web::App>) {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-api-props-")
        .tempdir()
        .unwrap();
    let db = dir.path().join("p.db");
    let mut s = Store::open(&db).unwrap();
    s.add_user(
        "alice",
        &auth::hash_password("correct horse battery"),
        "en",
        1,
    )
    .unwrap();
    let u = s.user("alice").unwrap().unwrap();
    s.add_session(&auth::digest(SESSION), u.id, CSRF, 1, i64::MAX)
        .unwrap();
    s.add_token("props", &auth::digest(TOKEN), 1).unwrap();
    let mac = "02:00:00:00:00:01".to_string();
    s.apply(&Batch {
        devices: vec![DeviceUpdate {
            mac: mac.clone(),
            name: Some("<b>x</b>".into()),
            kind: "camera".into(),
            vendor: None,
            client_id: None,
            fingerprint: None,
            software: None,
            first_ns: 1,
            last_ns: 2,
            report: "{\"en\":{\"kind_label\":\"camera\"}}".into(),
        }],
        alerts: vec![AlertUpdate {
            key: "k".into(),
            mac,
            kind: "scan".into(),
            detail: "mirai".into(),
            severity: "high".into(),
            first_ns: 1,
            last_ns: 2,
            raised_ns: 1,
            report: "not json at all".into(),
        }],
    })
    .unwrap();
    let (events, _) = tokio::sync::broadcast::channel(4);
    let app = Arc::new(web::App {
        store: Mutex::new(s),
        limiter: auth::Limiter::default(),
        setup: Mutex::new(Some(auth::digest("setup-token"))),
        counters: Arc::new(feed::Counters::default()),
        events,
        secure: false,
        warden: Arc::new(iotgate_serve::warden::Warden::start(&db, false, false).expect("warden")),
        detect: Default::default(),
        pending: Default::default(),
        labels: Default::default(),
    });
    (dir, app)
}

fn path() -> impl Strategy<Value = String> {
    let head = prop::sample::select(vec![
        "/",
        "/devices/",
        "/devices/02:00:00:00:00:01",
        "/devices/02:00:00:00:00:01/split",
        "/devices/02:00:00:00:00:01/quarantine",
        "/devices/02:00:00:00:00:01/release",
        "/devices/02:00:00:00:00:01/allow",
        "/settings",
        "/devices/02:00:00:00:00:01/mud",
        "/devices/02:00:00:00:00:01/mud/clear",
        "/api/v1/devices/02:00:00:00:00:01/mud",
        "/api/v1/devices/02:00:00:00:00:01/quarantine",
        "/api/v1/devices/02:00:00:00:00:01/release",
        "/api/v1/devices/02:00:00:00:00:09/quarantine",
        "/alerts",
        "/alerts/1/ack",
        "/alerts/1/mute",
        "/alerts/",
        "/actions",
        "/login",
        "/logout",
        "/setup",
        "/setup?token=setup-token",
        "/lang",
        "/static/app.js",
        "/api/v1/devices",
        "/api/v1/devices/",
        "/api/v1/alerts?limit=",
        "/metrics?lang=",
        "//",
        "/%2e%2e/",
    ]);
    let tail = prop::sample::select(vec![
        "",
        "1",
        "-1",
        "99999999999999999999",
        "%00",
        "%ff%fe",
        "é",
        "?a=b&a=c",
        "x/y/z",
        "02-00-00-00-00-01",
        "../../etc/passwd",
        "%3Cscript%3E",
        "?lang=fr",
        "?limit=abc",
    ]);
    (head, tail).prop_map(|(h, t)| format!("{h}{t}"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
    #[test]
    fn no_request_gets_a_5xx(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]),
        path in path(),
        cookie in prop::sample::select(vec![
            String::new(),
            format!("iotgate_session={SESSION}"),
            "iotgate_session=forged".into(),
            format!("iotgate_session={SESSION}; iotgate_pre=abc"),
            "iotgate_pre=abc".into(),
            ";;;=;".into(),
        ]),
        bearer in prop::sample::select(vec![
            String::new(),
            format!("Bearer {TOKEN}"),
            "Bearer ".into(),
            "Basic YWxpY2U6eA==".into(),
            "Bearer \u{0}".into(),
        ]),
        ctype in prop::sample::select(vec![
            "application/x-www-form-urlencoded",
            "application/json",
            "text/plain",
            "multipart/form-data; boundary=x",
        ]),
        csrf in prop::sample::select(vec!["", CSRF, "nope"]),
        fields in prop::collection::vec(
            (prop::sample::select(vec!["name", "password", "hours", "lang", "back", "token", "csrf", "x",
                "reason", "names", "auto", "release_hours", "resolvers", "profile"]),
             "[\\PC]{0,40}"),
            0..5,
        ),
        junk in prop::collection::vec(any::<u8>(), 0..300),
        use_junk in any::<bool>(),
        json in prop::option::of(prop::sample::select(vec![
            r#"{}"#, r#"{"reason": "x", "allow": ["fw.example.com"]}"#, r#"{"allow": "x"}"#,
            r#"{"allow": [1, null]}"#, r#"{"reason": 7}"#, r#"[]"#, r#"{"allow": ["a..b"]}"#,
            r#"{"reason": "\u0000\u202e", "allow": []}"#, r#"{"#,
            r#"{"ietf-mud:mud": {"mud-version": 1}}"#,
        ])),
    ) {
        let (_dir, app) = app();
        let mut body: Vec<u8> = if let Some(j) = json.filter(|_| ctype == "application/json") {
            j.as_bytes().to_vec()
        } else if use_junk {
            junk
        } else {
            let mut f: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", v.replace(['&', '='], ""))).collect();
            f.push(format!("csrf={csrf}"));
            f.join("&").into_bytes()
        };
        body.truncate(20_000);
        let mut b = Request::builder()
            .method(method)
            .uri(path.as_str())
            .header("content-type", ctype);
        if !cookie.is_empty() {
            b = b.header("cookie", cookie.as_str());
        }
        if let Ok(v) = axum::http::HeaderValue::from_str(&bearer) {
            if !bearer.is_empty() {
                b = b.header("authorization", v);
            }
        }
        // Not every generated path is a valid URI: those are refused before any handler.
        let Ok(mut req) = b.body(Body::from(body)) else { return Ok(()); };
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let status = rt.block_on(async { web::router(app).oneshot(req).await.unwrap().status() });
        prop_assert!(status.as_u16() < 500, "{method} {path}: {status}");
    }
}
