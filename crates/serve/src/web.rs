//! The dashboard and the JSON API over HTTP (axum): sessions in HttpOnly, SameSite=Strict
//! cookies, a CSRF token checked on every state-changing request (POST only), login limits,
//! a strict Content-Security-Policy and frame denial on every answer, live updates over
//! server-sent events, and `/api/v1/` behind bearer tokens.

// A refusal is an answer to send as it is: the handlers return it, never carry it far.
#![allow(clippy::result_large_err)]

use crate::auth::{self, digest, random_hex, same};
use crate::feed::{wall_ns, Counters};
use crate::page::{self, Frame};
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use iotgate_explain::{Lang, Localizer};
use iotgate_store::{Mute, Store, User};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;

/// The session cookie.
pub const COOKIE: &str = "iotgate_session";
/// The cookie that carries the sign-in form's CSRF token before there is a session.
pub const PRE_COOKIE: &str = "iotgate_pre";
/// The largest form or JSON body accepted.
pub const BODY_LIMIT: usize = 16 * 1024;
/// The largest settings form (it carries PEM certificates).
pub const SETTINGS_LIMIT: usize = 256 * 1024;
/// The largest form carrying a MUD profile (a profile as large as the parser takes, encoded).
pub const MUD_FORM_LIMIT: usize = 3 * iotgate_mud::parse::MAX_PROFILE_BYTES;

/// What every request handler shares.
pub struct App {
    /// The store (reads and people's changes; traffic's updates come through the writer).
    pub store: Mutex<Store>,
    /// Login attempts per address.
    pub limiter: auth::Limiter,
    /// The hash of the first-run setup token, while no user exists.
    pub setup: Mutex<Option<String>>,
    /// The feed's counters.
    pub counters: Arc<Counters>,
    /// Told when a snapshot was written.
    pub events: broadcast::Sender<u64>,
    /// Whether cookies get `Secure` (served behind TLS).
    pub secure: bool,
    /// Quarantines and their enforcement.
    pub warden: Arc<crate::warden::Warden>,
    /// What the command line said about the detectors.
    pub detect: crate::detection::Cli,
    /// Where a change of detectors waits for the feed.
    pub pending: Arc<crate::detection::Pending>,
    /// The devices' security labels, made by the feed when their pages ask.
    pub labels: Arc<crate::labels::Labels>,
}

type St = State<Arc<App>>;

thread_local! {
    static LOCALIZERS: (Localizer, Localizer) = (Localizer::new(Lang::En), Localizer::new(Lang::Fr));
}

/// Runs `f` with the localizer of `lang` (parsed once per thread).
fn with_l<R>(lang: &str, f: impl FnOnce(&Localizer) -> R) -> R {
    LOCALIZERS.with(|(en, fr)| if lang == "fr" { f(fr) } else { f(en) })
}

/// The router with every route and the security headers.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(devices_page))
        .route("/devices/{mac}", get(device_page))
        .route("/alerts", get(alerts_page))
        .route("/actions", get(actions_page))
        .route("/alerts/{id}/ack", post(ack))
        .route("/devices/{mac}/split", post(split))
        .route("/devices/{mac}/quarantine", post(quarantine_form))
        .route("/devices/{mac}/release", post(release_form))
        .route("/devices/{mac}/allow", post(allow_form))
        .route(
            "/devices/{mac}/mud",
            post(mud_form)
                .layer(DefaultBodyLimit::max(MUD_FORM_LIMIT))
                .route_layer(middleware::from_fn_with_state(app.clone(), signed_first)),
        )
        .route("/devices/{mac}/mud/clear", post(mud_clear_form))
        .route("/devices/{mac}/label.svg", get(label_svg))
        .route(
            "/settings",
            get(settings_page)
                .post(settings_form)
                .layer(DefaultBodyLimit::max(SETTINGS_LIMIT))
                .route_layer(middleware::from_fn_with_state(app.clone(), signed_first)),
        )
        .route("/alerts/{id}/mute", post(mute))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/setup", get(setup_page).post(setup))
        .route("/lang", post(set_lang))
        .route("/events", get(events))
        .route("/static/app.js", get(app_js))
        .route("/static/style.css", get(style_css))
        .route("/api/v1/devices", get(api_devices))
        .route("/api/v1/devices/{mac}", get(api_device))
        .route("/api/v1/devices/{mac}/quarantine", post(api_quarantine))
        .route("/api/v1/devices/{mac}/release", post(api_release))
        .route(
            "/api/v1/devices/{mac}/mud",
            put(api_mud_put)
                .delete(api_mud_delete)
                .layer(DefaultBodyLimit::max(iotgate_mud::parse::MAX_PROFILE_BYTES)),
        )
        .route("/api/v1/alerts", get(api_alerts))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(security_headers))
        .with_state(app)
}

/// Before a large body is read: only for someone signed in (the handler still checks the CSRF
/// token), so that nobody else can make the gateway read megabytes.
async fn signed_first(State(app): St, req: Request<Body>, next: Next) -> Response {
    if req.method() == axum::http::Method::POST && signed(&app, req.headers()).is_none() {
        return message(
            StatusCode::FORBIDDEN,
            browser_lang(req.headers()),
            "serve-error-csrf",
        );
    }
    next.run(req).await
}

async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    let set = |h: &mut HeaderMap, k: header::HeaderName, v: &'static str| {
        h.insert(k, HeaderValue::from_static(v));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, header::CACHE_CONTROL, "no-store");
    }
    r
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn set_cookie(app: &App, name: &str, value: &str, max_age: u64) -> HeaderValue {
    let secure = if app.secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The signed-in user and the session's CSRF token.
struct Signed {
    user: User,
    csrf: String,
}

fn signed(app: &App, headers: &HeaderMap) -> Option<Signed> {
    let secret = cookie(headers, COOKIE)?;
    let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let (user, csrf) = store.session(&digest(secret), wall_ns()).ok()??;
    Some(Signed { user, csrf })
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A plain page with a message (errors, refusals), in `lang`.
fn message(status: StatusCode, lang: &str, key: &str) -> Response {
    let body = with_l(lang, |l| {
        let f = Frame {
            l,
            user: None,
            csrf: "",
            path: "/",
        };
        page::layout(&f, &l.t(key), "")
    });
    html(status, body)
}

fn internal(lang: &str) -> Response {
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        lang,
        "serve-error-internal",
    )
}

/// The language for someone not signed in: the browser's first choice among ours.
fn browser_lang(headers: &HeaderMap) -> &'static str {
    let al = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if al.trim_start().to_ascii_lowercase().starts_with("fr") {
        "fr"
    } else {
        "en"
    }
}

/// Runs `page` for a signed-in user, or sends the browser to sign in (or to the first-run
/// setup when nobody exists yet).
fn for_user(app: &App, headers: &HeaderMap, page: impl FnOnce(&Signed) -> Response) -> Response {
    match signed(app, headers) {
        Some(s) => page(&s),
        None => Redirect::to("/login").into_response(),
    }
}

/// Devices per page of the list.
pub const PAGE: usize = 100;

async fn devices_page(
    State(app): St,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    for_user(&app, &headers, |s| {
        let pageno = q
            .get("page")
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(0)
            .min(1_000_000);
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let (Ok(devs), Ok(total), Ok(open), Ok(held)) = (
            store.devices_page(pageno * PAGE, PAGE),
            store.device_count(),
            store.open_alert_counts(),
            store.quarantines(),
        ) else {
            return internal(&s.user.lang);
        };
        drop(store);
        let held: std::collections::HashSet<i64> = held.iter().map(|q| q.device_id).collect();
        user_page(s, "/", "serve-nav-devices", |f| {
            let mut body =
                page::devices(f, &devs, &|id| open.get(&id).copied().unwrap_or(0), &|id| {
                    held.contains(&id)
                });
            body.push_str(&page::pager(f.l, pageno, PAGE, total));
            body
        })
    })
}

/// A MAC as the store keeps it, or None for anything else.
fn norm_mac(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split([':', '-']).collect();
    (parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.bytes().all(|c| c.is_ascii_hexdigit())))
    .then(|| parts.join(":").to_ascii_lowercase())
}

async fn device_page(State(app): St, headers: HeaderMap, Path(mac): Path<String>) -> Response {
    for_user(&app, &headers, |s| {
        let Some(mac) = norm_mac(&mac) else {
            return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-device");
        };
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let d = match store.device_by_mac(&mac) {
            Ok(Some(d)) => d,
            Ok(None) => {
                return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-device")
            }
            Err(_) => return internal(&s.user.lang),
        };
        let (Ok(alerts), Ok(q), Ok(allow), Ok(mud), Ok(acts)) = (
            store.alerts(Some(d.id), 200),
            store.quarantine_of(d.id),
            store.allowed(d.id),
            store.mud_of(d.id),
            store.actions(Some(d.id), 50),
        ) else {
            return internal(&s.user.lang);
        };
        drop(store);
        let status = app.warden.status();
        with_l(&s.user.lang, |l| {
            let path = format!("/devices/{mac}");
            let f = Frame {
                l,
                user: Some(&s.user.name),
                csrf: &s.csrf,
                path: &path,
            };
            let made = app.labels.get(&mac, &s.user.lang).is_some();
            let mut held = page::label(&f, &mac, made);
            held.push_str(&page::quarantine(&f, &mac, q.as_ref(), &allow, &status));
            held.push_str(&page::mud(&f, &mac, mud.as_ref(), &d.report, &status));
            let mut body = page::device(&f, &d, &alerts, &held);
            body.push_str(&format!(
                "<h2>{}</h2>{}",
                iotgate_explain::html::esc(&l.t("serve-nav-actions")),
                page::actions(&f, &acts)
            ));
            html(
                StatusCode::OK,
                page::layout(&f, &page::device_name(&d), &body),
            )
        })
    })
}

/// `/devices/{mac}/label.svg`: the device's security label in the reader's language, once the
/// feed has made it (404 until then).
async fn label_svg(State(app): St, headers: HeaderMap, Path(mac): Path<String>) -> Response {
    for_user(&app, &headers, |s| {
        let svg = norm_mac(&mac).and_then(|mac| app.labels.get(&mac, &s.user.lang));
        match svg {
            Some(svg) => (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "no-store"),
                ],
                svg,
            )
                .into_response(),
            None => message(StatusCode::NOT_FOUND, &s.user.lang, "serve-label-wait"),
        }
    })
}

/// A signed-in user's page at `path`, titled by the catalogue key `title`, whose body `body`
/// draws in the frame it is given.
fn user_page(
    s: &Signed,
    path: &str,
    title: &str,
    body: impl FnOnce(&Frame<'_>) -> String,
) -> Response {
    with_l(&s.user.lang, |l| {
        let f = Frame {
            l,
            user: Some(&s.user.name),
            csrf: &s.csrf,
            path,
        };
        let b = body(&f);
        html(StatusCode::OK, page::layout(&f, &l.t(title), &b))
    })
}

async fn alerts_page(State(app): St, headers: HeaderMap) -> Response {
    for_user(&app, &headers, |s| {
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(alerts) = store.alerts(None, 500) else {
            return internal(&s.user.lang);
        };
        drop(store);
        user_page(s, "/alerts", "serve-nav-alerts", |f| {
            page::alerts(f, &alerts)
        })
    })
}

async fn actions_page(State(app): St, headers: HeaderMap) -> Response {
    for_user(&app, &headers, |s| {
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(acts) = store.actions(None, 500) else {
            return internal(&s.user.lang);
        };
        drop(store);
        user_page(s, "/actions", "serve-nav-actions", |f| {
            page::actions(f, &acts)
        })
    })
}

/// Checks a state-changing request: a session, and the form's CSRF token equal to it.
fn checked(
    app: &App,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<Signed, Response> {
    let Some(s) = signed(app, headers) else {
        return Err(message(
            StatusCode::FORBIDDEN,
            browser_lang(headers),
            "serve-error-csrf",
        ));
    };
    match form.get("csrf") {
        Some(t) if same(t, &s.csrf) => Ok(s),
        _ => Err(message(
            StatusCode::FORBIDDEN,
            &s.user.lang,
            "serve-error-csrf",
        )),
    }
}

/// Checks a state-changing request about the device at `/devices/{mac}/…`: the session and
/// CSRF token ([`checked`]), and the MAC, normalised.
fn device_form(
    app: &App,
    headers: &HeaderMap,
    mac: &str,
    form: &HashMap<String, String>,
) -> Result<(Signed, String), Response> {
    let s = checked(app, headers, form)?;
    match norm_mac(mac) {
        Some(mac) => Ok((s, mac)),
        None => Err(message(
            StatusCode::NOT_FOUND,
            &s.user.lang,
            "serve-error-no-device",
        )),
    }
}

/// Where to go back to after a form: a local path only (never another site).
fn back(form: &HashMap<String, String>, default: &str) -> String {
    match form.get("back") {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.clone(),
        _ => default.to_string(),
    }
}

async fn ack(
    State(app): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let s = match checked(&app, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-alert");
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.ack(id, &s.user.name, wall_ns()) {
        Ok(true) => Redirect::to(&back(&form, "/alerts")).into_response(),
        Ok(false) => message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-alert"),
        Err(_) => internal(&s.user.lang),
    }
}

async fn split(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (s, mac) = match device_form(&app, &headers, &mac, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.split(&mac, &s.user.name, wall_ns()) {
        Ok(Some(_)) => Redirect::to(&format!("/devices/{mac}")).into_response(),
        Ok(None) => message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-split"),
        Err(_) => internal(&s.user.lang),
    }
}

async fn mute(
    State(app): St,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let s = match checked(&app, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let until_ns = match form.get("hours").map(String::as_str) {
        Some("forever") => None,
        Some(h) => match h.parse::<u32>() {
            Ok(h) if (1..=24 * 365).contains(&h) => {
                Some(wall_ns().saturating_add(i64::from(h) * 3_600_000_000_000))
            }
            _ => {
                return message(
                    StatusCode::BAD_REQUEST,
                    &s.user.lang,
                    "serve-error-bad-form",
                )
            }
        },
        None => {
            return message(
                StatusCode::BAD_REQUEST,
                &s.user.lang,
                "serve-error-bad-form",
            )
        }
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let a = match id.parse::<i64>().ok().map(|id| store.alert(id)) {
        Some(Ok(Some(a))) => a,
        Some(Err(_)) => return internal(&s.user.lang),
        _ => return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-alert"),
    };
    let m = Mute {
        device_id: a.device_id,
        kind: a.kind,
        detail: a.detail,
        until_ns,
        who: s.user.name.clone(),
    };
    match store.mute(&m, wall_ns()) {
        Ok(()) => Redirect::to(&back(&form, "/alerts")).into_response(),
        Err(_) => internal(&s.user.lang),
    }
}

/// Quarantine or release.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hold {
    Quarantine,
    Release,
}

/// What holding or releasing a device did.
enum Held {
    /// No device has used this MAC.
    NoDevice,
    /// Done (`true`) or already so (`false`), on the device with this id.
    Done(i64, bool),
}

/// A reason as kept: printable, at most 200 characters; a default when empty.
fn reason_of(given: Option<&str>, default: &str) -> String {
    let r: String = given
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let r = r.trim();
    if r.is_empty() {
        default.to_string()
    } else {
        r.to_string()
    }
}

/// A name a held device may still reach, as kept (lower case, no final dot), if it is a DNS
/// name.
fn allow_name(s: &str) -> Option<String> {
    let n = iotgate_mud::dns_name(s);
    let ok = !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    ok.then_some(n)
}

/// Most names one device may be allowed in quarantine.
const MAX_ALLOW: usize = 64;

/// Holds or releases the device that used `mac`, on record, and has the rules follow.
fn hold(app: &App, mac: &str, op: Hold, who: &str, reason: &str) -> iotgate_store::Result<Held> {
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let Some(d) = store.device_by_mac(mac)? else {
        return Ok(Held::NoDevice);
    };
    let changed = match op {
        Hold::Quarantine => store.quarantine(d.id, who, reason, wall_ns())?,
        Hold::Release => store.release(d.id, who, reason, wall_ns())?,
    };
    drop(store);
    app.warden.refresh();
    Ok(Held::Done(d.id, changed))
}

async fn hold_form(
    app: Arc<App>,
    headers: HeaderMap,
    mac: String,
    form: HashMap<String, String>,
    op: Hold,
) -> Response {
    let (s, mac) = match device_form(&app, &headers, &mac, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let default = if op == Hold::Quarantine {
        "by hand"
    } else {
        "released by hand"
    };
    let reason = reason_of(form.get("reason").map(String::as_str), default);
    match hold(&app, &mac, op, &s.user.name, &reason) {
        Ok(Held::Done(..)) => Redirect::to(&format!("/devices/{mac}")).into_response(),
        Ok(Held::NoDevice) => message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-device"),
        Err(_) => internal(&s.user.lang),
    }
}

async fn quarantine_form(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    hold_form(app, headers, mac, form, Hold::Quarantine).await
}

async fn release_form(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    hold_form(app, headers, mac, form, Hold::Release).await
}

/// The names a device may still reach in quarantine, one per line (or separated by spaces or
/// commas); `None` when one is not a DNS name or there are too many.
fn names_of(text: &str) -> Option<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for n in text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|n| !n.is_empty())
    {
        let n = allow_name(n)?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    (out.len() <= MAX_ALLOW).then_some(out)
}

async fn allow_form(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (s, mac) = match device_form(&app, &headers, &mac, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(names) = names_of(form.get("names").map_or("", String::as_str)) else {
        return message(
            StatusCode::BAD_REQUEST,
            &s.user.lang,
            "serve-error-bad-names",
        );
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let d = match store.device_by_mac(&mac) {
        Ok(Some(d)) => d,
        Ok(None) => return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-device"),
        Err(_) => return internal(&s.user.lang),
    };
    if store
        .set_allowed(d.id, &names, &s.user.name, wall_ns())
        .is_err()
    {
        return internal(&s.user.lang);
    }
    drop(store);
    app.warden.refresh();
    Redirect::to(&format!("/devices/{mac}")).into_response()
}

/// A MUD profile given by people: the profile, or the page (or API answer) saying what is wrong
/// with it, each problem at its JSON path.
fn profile_given(
    bytes: &[u8],
    lang: &str,
) -> Result<iotgate_mud::model::Profile, Vec<(String, String)>> {
    crate::mud::read(bytes).map_err(|diags| {
        with_l(lang, |l| {
            diags
                .iter()
                .take(50)
                .map(|d| (d.path.clone(), iotgate_explain::mud_diag_text(l, d)))
                .collect()
        })
    })
}

/// Holds the device `id` to `profile` (its text `text`), on record, and has the rules follow.
fn hold_to(app: &App, id: i64, p: &iotgate_mud::model::Profile, text: &str, who: &str) -> bool {
    let m = iotgate_store::MudProfile {
        device_id: id,
        macs: Vec::new(),
        url: p.url.clone(),
        profile: text.to_string(),
        source: "operator".into(),
        who: who.to_string(),
        ts_ns: wall_ns(),
        report: String::new(),
    };
    let done = app
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .set_mud(&m)
        .is_ok();
    app.warden.refresh();
    done
}

async fn mud_form(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (s, mac) = match device_form(&app, &headers, &mac, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let text = form.get("profile").map_or("", String::as_str);
    let id = match app
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .device_by_mac(&mac)
    {
        Ok(Some(d)) => d.id,
        Ok(None) => return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-device"),
        Err(_) => return internal(&s.user.lang),
    };
    match profile_given(text.as_bytes(), &s.user.lang) {
        Ok(p) => {
            if !hold_to(&app, id, &p, text, &s.user.name) {
                return internal(&s.user.lang);
            }
            Redirect::to(&format!("/devices/{mac}")).into_response()
        }
        Err(problems) => {
            let body = with_l(&s.user.lang, |l| {
                let f = Frame {
                    l,
                    user: Some(&s.user.name),
                    csrf: &s.csrf,
                    path: "/",
                };
                page::layout(&f, &l.t("serve-error-bad-mud"), &page::problems(&problems))
            });
            html(StatusCode::BAD_REQUEST, body)
        }
    }
}

async fn mud_clear_form(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (s, mac) = match device_form(&app, &headers, &mac, &form) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let done = match store.device_by_mac(&mac) {
        Ok(Some(d)) => store.clear_mud(d.id, &s.user.name, wall_ns()),
        Ok(None) => return message(StatusCode::NOT_FOUND, &s.user.lang, "serve-error-no-device"),
        Err(e) => Err(e),
    };
    drop(store);
    if done.is_err() {
        return internal(&s.user.lang);
    }
    app.warden.refresh();
    Redirect::to(&format!("/devices/{mac}")).into_response()
}

/// The settings as the page shows them.
fn settings_now(store: &Store) -> iotgate_store::Result<page::Settings> {
    use crate::mudfetch::{TLS_ROOTS, TRUST};
    use crate::warden::{AUTO, RELEASE_AFTER, RESOLVERS};
    let secs: f64 = store
        .setting(RELEASE_AFTER)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    Ok(page::Settings {
        auto: store.setting(AUTO)?.as_deref() == Some("high"),
        release_hours: secs / 3600.0,
        resolvers: store.setting(RESOLVERS)?.unwrap_or_default(),
        mud_trust: store.setting(TRUST)?.unwrap_or_default(),
        mud_tls_roots: store.setting(TLS_ROOTS)?.unwrap_or_default(),
        webhook: store.setting(crate::webhook::URL)?.unwrap_or_default(),
        thresholds: store
            .setting(crate::detection::THRESHOLDS)?
            .unwrap_or_default(),
        blocklist: store
            .setting(crate::detection::BLOCKLIST)?
            .unwrap_or_default(),
    })
}

async fn settings_page(State(app): St, headers: HeaderMap) -> Response {
    for_user(&app, &headers, |s| {
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(now) = settings_now(&store) else {
            return internal(&s.user.lang);
        };
        drop(store);
        user_page(s, "/settings", "serve-nav-settings", |f| {
            page::settings(f, &now)
        })
    })
}

/// A setting's new value from the settings form, checked: `Ok(None)` when the form does not
/// carry it (left as it is), `Err` with the catalogue key of the problem.
type Checked = Result<Option<String>, &'static str>;

fn auto_given(v: Option<&str>) -> Checked {
    Ok(v.map(|v| if v == "high" { "high" } else { "off" }.to_string()))
}

fn hours_given(v: Option<&str>) -> Checked {
    let Some(h) = v.map(str::trim) else {
        return Ok(None);
    };
    let h = if h.is_empty() { "0" } else { h };
    h.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|h| h.is_finite() && (0.0..=8760.0).contains(h))
        .map(|h| Some(((h * 3600.0).round() as i64).to_string()))
        .ok_or("serve-error-bad-hours")
}

fn resolvers_given(v: Option<&str>) -> Checked {
    let Some(v) = v else { return Ok(None) };
    let mut out: Vec<String> = Vec::new();
    for a in v
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|a| !a.is_empty())
    {
        match a.parse::<std::net::IpAddr>() {
            Ok(ip) if out.len() < 16 => out.push(ip.to_string()),
            _ => return Err("serve-error-bad-resolvers"),
        }
    }
    Ok(Some(out.join(" ")))
}

fn webhook_given(v: Option<&str>) -> Checked {
    let Some(v) = v.map(str::trim) else {
        return Ok(None);
    };
    if v.is_empty() || crate::webhook::check_url(v).is_ok() {
        Ok(Some(v.to_string()))
    } else {
        Err("serve-error-bad-webhook")
    }
}

fn pem_given(v: Option<&str>) -> Checked {
    let Some(v) = v.map(str::trim) else {
        return Ok(None);
    };
    if v.is_empty() {
        return Ok(Some(String::new()));
    }
    iotgate_mud::signature::certificates(v.as_bytes())
        .map(|_| Some(format!("{v}\n")))
        .map_err(|_| "serve-error-bad-pem")
}

async fn settings_form(
    State(app): St,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    use crate::mudfetch::{TLS_ROOTS, TRUST};
    use crate::warden::{AUTO, RELEASE_AFTER, RESOLVERS};
    let s = match checked(&app, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let field = |k: &str| form.get(k).map(String::as_str);
    let text_given = |v: Option<&str>,
                      check: fn(&str) -> Result<(), crate::detection::Problem>|
     -> Result<Option<String>, crate::detection::Problem> {
        match v {
            None => Ok(None),
            Some(t) => check(t).map(|()| Some(t.trim().to_string())),
        }
    };
    let detect_given = [
        (
            crate::detection::THRESHOLDS,
            text_given(field("thresholds"), |t| {
                crate::detection::thresholds(t).map(|_| ())
            }),
        ),
        (
            crate::detection::BLOCKLIST,
            text_given(field("blocklist"), |t| {
                crate::detection::blocklist(t).map(|_| ())
            }),
        ),
    ];
    let mut detect_changes: Vec<(&str, String)> = Vec::new();
    for (key, v) in detect_given {
        match v {
            Ok(Some(v)) => detect_changes.push((key, v)),
            Ok(None) => {}
            Err(p) => {
                let body = with_l(&s.user.lang, |l| {
                    let f = Frame {
                        l,
                        user: Some(&s.user.name),
                        csrf: &s.csrf,
                        path: "/settings",
                    };
                    page::layout(&f, &l.t(p.key), &page::problems(&[(String::new(), p.text)]))
                });
                return html(StatusCode::BAD_REQUEST, body);
            }
        }
    }
    let given: [(&str, Checked); 6] = [
        (AUTO, auto_given(field("auto"))),
        (RELEASE_AFTER, hours_given(field("release_hours"))),
        (RESOLVERS, resolvers_given(field("resolvers"))),
        (TRUST, pem_given(field("mud_trust"))),
        (TLS_ROOTS, pem_given(field("mud_tls_roots"))),
        (crate::webhook::URL, webhook_given(field("webhook"))),
    ];
    let mut changes: Vec<(&str, String)> = Vec::new();
    for (key, v) in given {
        match v {
            Ok(Some(v)) => changes.push((key, v)),
            Ok(None) => {}
            Err(problem) => return message(StatusCode::BAD_REQUEST, &s.user.lang, problem),
        }
    }
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let mut saved = Ok(());
    let detectors_changed = detect_changes
        .iter()
        .any(|(k, v)| store.setting(k).ok().flatten().unwrap_or_default() != *v);
    changes.extend(detect_changes);
    for (k, v) in &changes {
        saved = saved.and_then(|()| store.set_setting(k, v));
    }
    if detectors_changed && saved.is_ok() {
        let get = |k: &str| store.setting(k).ok().flatten().unwrap_or_default();
        app.pending.set(crate::detection::combined(
            &app.detect,
            &get(crate::detection::THRESHOLDS),
            &get(crate::detection::BLOCKLIST),
        ));
    }
    // The log says what changed; certificates by how many there are, not their text.
    let said: Vec<String> = changes
        .iter()
        .map(|(k, v)| match *k {
            crate::detection::BLOCKLIST => format!("{k}={} lines", v.lines().count()),
            TRUST | TLS_ROOTS => format!(
                "{k}={} certificates",
                iotgate_mud::signature::certificates(v.as_bytes()).unwrap_or(0)
            ),
            _ => format!("{k}={v}"),
        })
        .collect();
    let saved = saved.and_then(|()| {
        store.record(&iotgate_store::Action {
            ts_ns: wall_ns(),
            who: s.user.name.clone(),
            device_id: None,
            action: "settings".into(),
            reason: said.join(" "),
        })
    });
    drop(store);
    if saved.is_err() {
        return internal(&s.user.lang);
    }
    app.warden.refresh();
    Redirect::to("/settings").into_response()
}

/// The sign-in page, with a fresh pre-session CSRF cookie.
fn login_form(app: &App, lang: &str, problem: Option<&str>, status: StatusCode) -> Response {
    let token = random_hex(16);
    let body = with_l(lang, |l| {
        let f = Frame {
            l,
            user: None,
            csrf: &token,
            path: "/login",
        };
        let problem = problem.map(|k| l.t(k));
        page::layout(
            &f,
            &l.t("serve-login"),
            &page::login(l, &token, problem.as_deref()),
        )
    });
    let mut r = html(status, body);
    r.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(app, PRE_COOKIE, &token, 3600),
    );
    r
}

async fn login_page(State(app): St, headers: HeaderMap) -> Response {
    if signed(&app, &headers).is_some() {
        return Redirect::to("/").into_response();
    }
    let nobody = app
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .user_count()
        .is_ok_and(|n| n == 0);
    if nobody {
        return message(StatusCode::OK, browser_lang(&headers), "serve-setup-needed");
    }
    login_form(&app, browser_lang(&headers), None, StatusCode::OK)
}

/// Starts a session for `user` and sends the browser to `to`.
fn start_session(app: &App, store: &mut Store, user: &User, to: &str) -> Response {
    let secret = random_hex(32);
    let now = wall_ns();
    let ttl = auth::SESSION_FOR.as_secs();
    let expires = now.saturating_add(i64::try_from(ttl).unwrap_or(0) * 1_000_000_000);
    if store
        .add_session(&digest(&secret), user.id, &random_hex(32), now, expires)
        .is_err()
    {
        return internal(&user.lang);
    }
    let mut r = Redirect::to(to).into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(app, COOKIE, &secret, ttl));
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(app, PRE_COOKIE, "", 0));
    r
}

async fn login(
    State(app): St,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = browser_lang(&headers);
    // The form's token must equal its cookie (a page of another site cannot read either).
    let pre_ok = match (cookie(&headers, PRE_COOKIE), form.get("csrf")) {
        (Some(c), Some(t)) => !c.is_empty() && same(c, t),
        _ => false,
    };
    if !pre_ok {
        return message(StatusCode::FORBIDDEN, lang, "serve-error-csrf");
    }
    if !app.limiter.allow(peer.ip()) {
        return login_form(
            &app,
            lang,
            Some("serve-error-too-many"),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let (Some(name), Some(password)) = (form.get("name"), form.get("password")) else {
        return login_form(
            &app,
            lang,
            Some("serve-error-bad-login"),
            StatusCode::BAD_REQUEST,
        );
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let user = match store.user(name) {
        Ok(u) => u,
        Err(_) => return internal(lang),
    };
    let now = wall_ns();
    let Some(user) = user else {
        // The same work as a real check, so the answer's time does not say who exists.
        let _ = auth::verify_password(password, &auth::hash_password("x"));
        return login_form(
            &app,
            lang,
            Some("serve-error-bad-login"),
            StatusCode::UNAUTHORIZED,
        );
    };
    if user.locked_until_ns > now {
        return login_form(
            &app,
            lang,
            Some("serve-error-locked"),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    if !auth::verify_password(password, &user.hash) {
        let lock = (user.failed + 1 >= auth::LOCK_AFTER).then(|| {
            now.saturating_add(i64::try_from(auth::LOCK_FOR.as_nanos()).unwrap_or(i64::MAX))
        });
        let _ = store.login_result(user.id, false, lock);
        return login_form(
            &app,
            lang,
            Some("serve-error-bad-login"),
            StatusCode::UNAUTHORIZED,
        );
    }
    let _ = store.login_result(user.id, true, None);
    start_session(&app, &mut store, &user, "/")
}

async fn logout(
    State(app): St,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Err(r) = checked(&app, &headers, &form) {
        return r;
    }
    if let Some(secret) = cookie(&headers, COOKIE) {
        let _ = app
            .store
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .delete_session(&digest(secret));
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(&app, COOKIE, "", 0));
    r
}

fn setup_ok(app: &App, token: Option<&String>) -> bool {
    let want = app.setup.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match (want, token) {
        (Some(w), Some(t)) => same(&w, &digest(t)),
        _ => false,
    }
}

fn setup_form(
    app: &App,
    lang: &str,
    token: &str,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    let csrf = random_hex(16);
    let body = with_l(lang, |l| {
        let f = Frame {
            l,
            user: None,
            csrf: &csrf,
            path: "/setup",
        };
        let problem = problem.map(|k| l.t(k));
        page::layout(
            &f,
            &l.t("serve-setup-title"),
            &page::setup(l, &csrf, token, problem.as_deref()),
        )
    });
    let mut r = html(status, body);
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(app, PRE_COOKIE, &csrf, 3600));
    r
}

async fn setup_page(
    State(app): St,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = browser_lang(&headers);
    if !setup_ok(&app, q.get("token")) {
        return message(StatusCode::NOT_FOUND, lang, "serve-error-setup-link");
    }
    let token = q.get("token").cloned().unwrap_or_default();
    setup_form(&app, lang, &token, None, StatusCode::OK)
}

async fn setup(
    State(app): St,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = browser_lang(&headers);
    let pre_ok = match (cookie(&headers, PRE_COOKIE), form.get("csrf")) {
        (Some(c), Some(t)) => !c.is_empty() && same(c, t),
        _ => false,
    };
    if !pre_ok {
        return message(StatusCode::FORBIDDEN, lang, "serve-error-csrf");
    }
    if !setup_ok(&app, form.get("token")) {
        return message(StatusCode::NOT_FOUND, lang, "serve-error-setup-link");
    }
    let token = form.get("token").cloned().unwrap_or_default();
    let name = form.get("name").map(|n| n.trim()).unwrap_or("");
    let password = form.get("password").map(String::as_str).unwrap_or("");
    if let Some(problem) = crate::user_problem(name, password) {
        return setup_form(&app, lang, &token, Some(problem), StatusCode::BAD_REQUEST);
    }
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.add_user(name, &auth::hash_password(password), lang, wall_ns()) {
        Ok(true) => {}
        Ok(false) => {
            return setup_form(
                &app,
                lang,
                &token,
                Some("serve-error-user-exists"),
                StatusCode::CONFLICT,
            )
        }
        Err(_) => return internal(lang),
    }
    // The link works once.
    *app.setup.lock().unwrap_or_else(|e| e.into_inner()) = None;
    let Ok(Some(user)) = store.user(name) else {
        return internal(lang);
    };
    start_session(&app, &mut store, &user, "/")
}

async fn set_lang(
    State(app): St,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let lang = match form.get("lang").map(String::as_str) {
        Some("fr") => "fr",
        Some("en") => "en",
        _ => {
            return message(
                StatusCode::BAD_REQUEST,
                browser_lang(&headers),
                "serve-error-bad-form",
            )
        }
    };
    let s = match checked(&app, &headers, &form) {
        Ok(s) => s,
        Err(r) => return r,
    };
    if app
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .set_user_lang(s.user.id, lang)
        .is_err()
    {
        return internal(&s.user.lang);
    }
    Redirect::to(&back(&form, "/")).into_response()
}

async fn events(State(app): St, headers: HeaderMap) -> Response {
    if signed(&app, &headers).is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let rx = app.events.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(n) => {
                    let e = Event::default().event("changed").data(n.to_string());
                    return Some((Ok::<_, std::convert::Infallible>(e), rx));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

async fn app_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../assets/app.js"),
    )
        .into_response()
}

async fn style_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../assets/style.css"),
    )
        .into_response()
}

async fn not_found(headers: HeaderMap) -> Response {
    message(
        StatusCode::NOT_FOUND,
        browser_lang(&headers),
        "serve-error-not-found",
    )
}

// ---- The JSON API ---------------------------------------------------------------------------

/// An API error: `{"error": id, "message": text}`.
fn api_error(status: StatusCode, id: &str, lang: &str) -> Response {
    let msg = with_l(lang, |l| l.t(&format!("serve-api-{id}")));
    let mut r = (
        status,
        Json(serde_json::json!({ "error": id, "message": msg })),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    r
}

fn api_lang(q: &HashMap<String, String>) -> &'static str {
    match q.get("lang").map(String::as_str) {
        Some("fr") => "fr",
        _ => "en",
    }
}

/// The API caller's token name, or the 401 to answer.
fn bearer(app: &App, headers: &HeaderMap, lang: &str) -> Result<String, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(api_error(StatusCode::UNAUTHORIZED, "unauthorized", lang));
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.use_token(&digest(token), wall_ns()) {
        Ok(Some(name)) => Ok(name),
        Ok(None) => Err(api_error(StatusCode::UNAUTHORIZED, "unauthorized", lang)),
        Err(_) => Err(api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            lang,
        )),
    }
}

fn device_json(d: &iotgate_store::Device, lang: &str) -> serde_json::Value {
    let report = with_l(lang, |l| page::entry(&d.report, l));
    serde_json::json!({
        "id": d.id,
        "macs": d.macs,
        "name": d.name,
        "kind": d.kind,
        "vendor": d.vendor,
        "first_seen": page::time(d.first_ns),
        "last_seen": page::time(d.last_ns),
        "report": report,
    })
}

fn alert_json(a: &iotgate_store::Alert, lang: &str) -> serde_json::Value {
    let mut v = page::alert_core(a);
    v["device_id"] = serde_json::json!(a.device_id);
    v["acknowledged_by"] = serde_json::json!(a.acked.as_ref().map(|(who, _)| who));
    v["report"] = with_l(lang, |l| page::entry(&a.report, l));
    v
}

async fn api_devices(
    State(app): St,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = api_lang(&q);
    if let Err(r) = bearer(&app, &headers, lang) {
        return r;
    }
    let num = |k: &str, default: usize| q.get(k).map_or(Some(default), |v| v.parse().ok());
    let (Some(limit), Some(offset)) = (num("limit", 500), num("offset", 0)) else {
        return api_error(StatusCode::BAD_REQUEST, "bad-page", lang);
    };
    if !(1..=5000).contains(&limit) {
        return api_error(StatusCode::BAD_REQUEST, "bad-page", lang);
    }
    let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match (store.devices_page(offset, limit), store.device_count()) {
        (Ok(ds), Ok(total)) => {
            drop(store);
            Json(serde_json::json!({
                "total": total,
                "offset": offset,
                "devices": ds.iter().map(|d| device_json(d, lang)).collect::<Vec<_>>()
            }))
            .into_response()
        }
        _ => api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang),
    }
}

async fn api_device(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = api_lang(&q);
    if let Err(r) = bearer(&app, &headers, lang) {
        return r;
    }
    let Some(mac) = norm_mac(&mac) else {
        return api_error(StatusCode::BAD_REQUEST, "bad-mac", lang);
    };
    let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.device_by_mac(&mac) {
        Ok(Some(d)) => {
            let alerts = store.alerts(Some(d.id), 500).unwrap_or_default();
            let mut v = device_json(&d, lang);
            v["alerts"] = alerts.iter().map(|a| alert_json(a, lang)).collect();
            v["quarantine"] = match store.quarantine_of(d.id) {
                Ok(Some(q)) => serde_json::json!({
                    "since": page::time(q.since_ns),
                    "who": q.who,
                    "reason": q.reason,
                    "allow": q.allow,
                }),
                _ => serde_json::Value::Null,
            };
            v["mud"] =
                match store.mud_of(d.id) {
                    Ok(Some(m)) => match crate::mud::read(m.profile.as_bytes()) {
                        Ok(p) => {
                            let e = with_l(lang, |l| page::entry(&d.report, l));
                            let seen: Vec<serde_json::Value> = crate::mud::observed(&p, &e)
                            .iter()
                            .map(|o| serde_json::json!({
                                "ip": o.ip, "name": o.name, "proto": o.proto, "port": o.port,
                                "initiated_by_device": o.from_device, "declared": o.allowed,
                            }))
                            .collect();
                            serde_json::json!({
                                "url": m.url, "source": m.source, "who": m.who,
                                "since": page::time(m.ts_ns), "names": crate::mud::names(&p),
                                "observed": seen,
                            })
                        }
                        Err(_) => serde_json::Value::Null,
                    },
                    _ => serde_json::Value::Null,
                };
            Json(v).into_response()
        }
        Ok(None) => api_error(StatusCode::NOT_FOUND, "no-device", lang),
        Err(_) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang),
    }
}

/// Checks an API call that changes the device at `/api/v1/devices/{mac}/…`: its language, who
/// calls (`api:TOKEN-NAME`, from the bearer token) and the MAC, normalised.
fn api_change(
    app: &App,
    headers: &HeaderMap,
    mac: &str,
    q: &HashMap<String, String>,
) -> Result<(&'static str, String, String), Response> {
    let lang = api_lang(q);
    let who = format!("api:{}", bearer(app, headers, lang)?);
    match norm_mac(mac) {
        Some(mac) => Ok((lang, who, mac)),
        None => Err(api_error(StatusCode::BAD_REQUEST, "bad-mac", lang)),
    }
}

/// `POST /api/v1/devices/{mac}/quarantine` and `…/release`: an optional JSON body,
/// `{"reason": TEXT, "allow": [NAME…]}` (`allow` for a quarantine only: the names it may still
/// reach, replacing the list).
async fn api_hold(
    app: Arc<App>,
    headers: HeaderMap,
    mac: String,
    q: HashMap<String, String>,
    body: axum::body::Bytes,
    op: Hold,
) -> Response {
    let (lang, who, mac) = match api_change(&app, &headers, &mac, &q) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let v: serde_json::Value = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => return api_error(StatusCode::BAD_REQUEST, "bad-body", lang),
        }
    };
    let reason = match v.get("reason") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(r)) => Some(r.as_str()),
        Some(_) => return api_error(StatusCode::BAD_REQUEST, "bad-body", lang),
    };
    let allow = match (v.get("allow"), op) {
        (None, _) => None,
        (Some(serde_json::Value::Array(a)), Hold::Quarantine) => {
            let mut names = Vec::new();
            for n in a {
                match n.as_str().and_then(allow_name) {
                    Some(n) if !names.contains(&n) => names.push(n),
                    Some(_) => {}
                    None => return api_error(StatusCode::BAD_REQUEST, "bad-names", lang),
                }
            }
            if names.len() > MAX_ALLOW {
                return api_error(StatusCode::BAD_REQUEST, "bad-names", lang);
            }
            Some(names)
        }
        _ => return api_error(StatusCode::BAD_REQUEST, "bad-body", lang),
    };
    let default = if op == Hold::Quarantine {
        "through the API"
    } else {
        "released through the API"
    };
    let reason = reason_of(reason, default);
    if let Some(names) = &allow {
        let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        let set = match store.device_by_mac(&mac) {
            Ok(Some(d)) => store.set_allowed(d.id, names, &who, wall_ns()),
            Ok(None) => return api_error(StatusCode::NOT_FOUND, "no-device", lang),
            Err(e) => Err(e),
        };
        if set.is_err() {
            return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang);
        }
    }
    match hold(&app, &mac, op, &who, &reason) {
        Ok(Held::Done(id, changed)) => {
            let status = app.warden.status();
            Json(serde_json::json!({
                "device_id": id,
                "quarantined": op == Hold::Quarantine,
                "changed": changed,
                "enforced": status.enforce && status.error.is_none(),
            }))
            .into_response()
        }
        Ok(Held::NoDevice) => api_error(StatusCode::NOT_FOUND, "no-device", lang),
        Err(_) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang),
    }
}

async fn api_quarantine(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    api_hold(app, headers, mac, q, body, Hold::Quarantine).await
}

async fn api_release(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    api_hold(app, headers, mac, q, body, Hold::Release).await
}

/// `PUT /api/v1/devices/{mac}/mud`: holds the device to the MUD profile in the body.
async fn api_mud_put(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Query(q): Query<HashMap<String, String>>,
    body: axum::body::Bytes,
) -> Response {
    let (lang, who, mac) = match api_change(&app, &headers, &mac, &q) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = match app
        .store
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .device_by_mac(&mac)
    {
        Ok(Some(d)) => d.id,
        Ok(None) => return api_error(StatusCode::NOT_FOUND, "no-device", lang),
        Err(_) => return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang),
    };
    let p = match profile_given(&body, lang) {
        Ok(p) => p,
        Err(problems) => {
            let mut r = api_error(StatusCode::BAD_REQUEST, "bad-mud", lang);
            let msg = with_l(lang, |l| l.t("serve-api-bad-mud"));
            *r.body_mut() = Body::from(
                serde_json::json!({
                    "error": "bad-mud",
                    "message": msg,
                    "problems": problems
                        .iter()
                        .map(|(path, m)| serde_json::json!({ "path": path, "message": m }))
                        .collect::<Vec<_>>(),
                })
                .to_string(),
            );
            return r;
        }
    };
    let text = String::from_utf8_lossy(&body);
    if !hold_to(&app, id, &p, &text, &who) {
        return api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang);
    }
    let status = app.warden.status();
    Json(serde_json::json!({
        "device_id": id,
        "url": p.url,
        "names": crate::mud::names(&p),
        "enforced": status.enforce && status.error.is_none(),
    }))
    .into_response()
}

/// `DELETE /api/v1/devices/{mac}/mud`: the device is no longer held to a MUD profile.
async fn api_mud_delete(
    State(app): St,
    headers: HeaderMap,
    Path(mac): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (lang, who, mac) = match api_change(&app, &headers, &mac, &q) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    let r = match store.device_by_mac(&mac) {
        Ok(Some(d)) => store.clear_mud(d.id, &who, wall_ns()).map(|c| (d.id, c)),
        Ok(None) => return api_error(StatusCode::NOT_FOUND, "no-device", lang),
        Err(e) => Err(e),
    };
    drop(store);
    app.warden.refresh();
    match r {
        Ok((id, cleared)) => {
            Json(serde_json::json!({ "device_id": id, "cleared": cleared })).into_response()
        }
        Err(_) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang),
    }
}

async fn api_alerts(
    State(app): St,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang = api_lang(&q);
    if let Err(r) = bearer(&app, &headers, lang) {
        return r;
    }
    let limit = match q.get("limit").map(|l| l.parse::<usize>()) {
        None => 500,
        Some(Ok(n)) if (1..=10_000).contains(&n) => n,
        Some(_) => return api_error(StatusCode::BAD_REQUEST, "bad-limit", lang),
    };
    let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
    match store.alerts(None, limit) {
        Ok(a) => Json(serde_json::json!({
            "alerts": a.iter().map(|a| alert_json(a, lang)).collect::<Vec<_>>()
        }))
        .into_response(),
        Err(_) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", lang),
    }
}

/// `/metrics`: the Prometheus text format (version 0.0.4), behind a token like the API.
async fn metrics(
    State(app): St,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    use std::fmt::Write as _;
    use std::sync::atomic::Ordering::Relaxed;
    let lang = api_lang(&q);
    if let Err(r) = bearer(&app, &headers, lang) {
        return r;
    }
    let c = &app.counters;
    let last = c
        .last
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_default();
    let (db, held) = {
        let store = app.store.lock().unwrap_or_else(|e| e.into_inner());
        (
            store.size_bytes().unwrap_or(0),
            store.quarantines().map(|q| q.len()).unwrap_or(0),
        )
    };
    let mut o = String::new();
    with_l(lang, |l| {
        let mut metric = |name: &str, kind: &str, values: &[(String, u64)]| {
            let _ = writeln!(o, "# HELP {name} {}", l.t(&format!("serve-metric-{name}")));
            let _ = writeln!(o, "# TYPE {name} {kind}");
            for (labels, v) in values {
                let _ = writeln!(o, "{name}{labels} {v}");
            }
        };
        let one = |v: u64| vec![(String::new(), v)];
        metric(
            "iotgate_packets_total",
            "counter",
            &one(c.packets.load(Relaxed)),
        );
        metric("iotgate_flows_total", "counter", &one(last.flows));
        metric("iotgate_devices", "gauge", &one(c.devices.load(Relaxed)));
        let by_sev: Vec<(String, u64)> = last
            .alerts
            .iter()
            .map(|(s, n)| (format!("{{severity=\"{s}\"}}"), *n))
            .collect();
        metric("iotgate_alerts", "gauge", &by_sev);
        metric(
            "iotgate_dropped_total",
            "counter",
            &[
                ("{what=\"devices\"}".into(), last.devices_dropped),
                ("{what=\"flows_evicted\"}".into(), last.flows_evicted),
                ("{what=\"reassembly\"}".into(), last.reassembly_fallbacks),
                ("{what=\"undecodable\"}".into(), last.decode_errors),
                ("{what=\"kernel\"}".into(), c.kernel_drops.load(Relaxed)),
            ],
        );
        metric("iotgate_quarantined", "gauge", &one(held as u64));
        metric(
            "iotgate_snapshots_total",
            "counter",
            &one(c.snapshots.load(Relaxed)),
        );
        metric(
            "iotgate_database_bytes",
            "gauge",
            &one(u64::try_from(db).unwrap_or(0)),
        );
    });
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        o,
    )
        .into_response()
}
