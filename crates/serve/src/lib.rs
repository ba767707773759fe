//! `iotgate serve`: the home gateway. A feed thread runs the analysis on a live interface (or a
//! capture replayed as if live) and writes what it learns to the SQLite store every few
//! seconds; a web server (axum, on loopback by default) shows the devices and alerts from the
//! store in each user's language, lets people acknowledge and mute alerts, and answers the JSON
//! API. Enforcement and quarantine (issue 17) are not built yet.

pub mod auth;
pub mod detection;
pub mod dnsbind;
pub mod feed;
pub mod labels;
pub mod mud;
pub mod mudfetch;
pub mod page;
pub mod rules;
pub mod view;
pub mod warden;
pub mod web;
pub mod webhook;

use iotgate_explain::{Arg, Localizer};
use iotgate_pipeline::SessionConfig;
use iotgate_store::{writer::Writer, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What `serve` runs with.
pub struct Config {
    /// The database.
    pub db: PathBuf,
    /// Where the dashboard listens.
    pub listen: SocketAddr,
    /// Where packets come from.
    pub source: feed::Source,
    /// The analysis's settings.
    pub session: SessionConfig,
    /// Wall time between snapshots (and so between the store's commits).
    pub every: Duration,
    /// How long alerts and actions are kept.
    pub retention: Duration,
    /// Mark cookies `Secure` (the dashboard is reached over HTTPS through a proxy).
    pub secure_cookies: bool,
    /// Where new alerts of medium severity or worse are POSTed, if anywhere
    /// ([`webhook::check_url`] first).
    pub webhook: Option<String>,
    /// Act: put quarantines in force with nftables (otherwise they are recorded as
    /// recommendations).
    pub enforce: bool,
    /// What the command line said about the detectors (the settings page adds to it; the
    /// session's own `detect` is replaced by the two combined).
    pub detect: detection::Cli,
}

/// Why `serve` (or a user or token command) could not run.
#[derive(Debug)]
pub enum Error {
    /// The database.
    Store(iotgate_store::Error),
    /// The listening address.
    Listen {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        io: std::io::Error,
    },
    /// Starting the server's threads.
    Runtime(std::io::Error),
    /// `--enforce`, and nft refused the rules (or is missing): what it said.
    Enforce(String),
}

impl From<iotgate_store::Error> for Error {
    fn from(e: iotgate_store::Error) -> Self {
        Error::Store(e)
    }
}

/// The store's error in the reader's language.
pub fn store_error_text(l: &Localizer, e: &iotgate_store::Error) -> String {
    use iotgate_store::Error as E;
    match e {
        E::Open { path, detail } => l.ta(
            "serve-err-db-open",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("detail", Arg::S(detail)),
            ],
        ),
        E::Damaged { path, detail } => l.ta(
            "serve-err-db-damaged",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("detail", Arg::S(detail)),
            ],
        ),
        E::NewerSchema { path, found } => l.ta(
            "serve-err-db-newer",
            &[
                ("path", Arg::S(&path.display().to_string())),
                ("found", Arg::N(*found as f64)),
            ],
        ),
        E::Sql(detail) => l.ta("serve-err-db", &[("detail", Arg::S(detail))]),
    }
}

/// `e` in the reader's language.
pub fn error_text(l: &Localizer, e: &Error) -> String {
    match e {
        Error::Store(e) => store_error_text(l, e),
        Error::Listen { addr, io } => l.ta(
            "serve-err-listen",
            &[
                ("addr", Arg::S(&addr.to_string())),
                ("error", Arg::S(&io.to_string())),
            ],
        ),
        Error::Runtime(io) => l.ta("serve-err-runtime", &[("error", Arg::S(&io.to_string()))]),
        Error::Enforce(e) => l.ta("serve-err-enforce", &[("error", Arg::S(e))]),
    }
}

/// Why a user name or password is refused (a catalogue key), if it is.
pub fn user_problem(name: &str, password: &str) -> Option<&'static str> {
    if name.is_empty()
        || name.chars().count() > 64
        || name.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Some("serve-error-bad-name");
    }
    if password.chars().count() < auth::MIN_PASSWORD || password.len() > 1024 {
        return Some("serve-error-short-password");
    }
    None
}

/// `iotgate user add NAME`: adds a dashboard user to the database at `db`. `Ok(false)` when
/// the name is taken; `Err` with a catalogue key when the name or password is refused.
pub fn add_user(
    db: &Path,
    name: &str,
    password: &str,
    lang: &str,
) -> Result<Result<bool, &'static str>, Error> {
    if let Some(p) = user_problem(name, password) {
        return Ok(Err(p));
    }
    let mut s = Store::open(db)?;
    Ok(Ok(s.add_user(
        name,
        &auth::hash_password(password),
        lang,
        feed::wall_ns(),
    )?))
}

/// `iotgate token create`: a new API token named `name` in the database at `db`; the secret is
/// returned once and only its hash is kept.
pub fn create_token(db: &Path, name: &str) -> Result<String, Error> {
    let mut s = Store::open(db)?;
    let secret = auth::random_hex(32);
    s.add_token(name, &auth::digest(&secret), feed::wall_ns())?;
    Ok(secret)
}

/// Runs the gateway until `stop` is set (Ctrl-C). `say` hears the lines for the operator
/// (the address, the first-run setup link), already in `l`'s language.
pub fn run(
    cfg: Config,
    l: &Localizer,
    stop: Arc<AtomicBool>,
    say: impl Fn(String),
) -> Result<(), Error> {
    let store = Store::open(&cfg.db)?;
    let writer = Writer::start(&cfg.db, cfg.every)?;
    let listener = std::net::TcpListener::bind(cfg.listen).map_err(|io| Error::Listen {
        addr: cfg.listen,
        io,
    })?;
    listener.set_nonblocking(true).map_err(Error::Runtime)?;
    let addr = listener.local_addr().map_err(Error::Runtime)?;
    let setup = if store.user_count()? == 0 {
        let token = auth::random_hex(24);
        say(l.ta(
            "serve-setup-link",
            &[("url", Arg::S(&format!("http://{addr}/setup?token={token}")))],
        ));
        Some(auth::digest(&token))
    } else {
        None
    };
    say(l.ta(
        "serve-listening",
        &[("url", Arg::S(&format!("http://{addr}/")))],
    ));

    let live = matches!(cfg.source, feed::Source::Live(_));
    let mut session = cfg.session;
    session.detect = detection::combined(
        &cfg.detect,
        &store.setting(detection::THRESHOLDS)?.unwrap_or_default(),
        &store.setting(detection::BLOCKLIST)?.unwrap_or_default(),
    );
    let pending = Arc::new(detection::Pending::default());
    let labels = Arc::new(labels::Labels::default());
    let warden = Arc::new(warden::Warden::start(&cfg.db, cfg.enforce, live).map_err(
        |e| match e {
            warden::StartError::Store(e) => Error::Store(e),
            warden::StartError::Nft(e) => Error::Enforce(e),
        },
    )?);
    let cache = cfg
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("mud-cache");
    let fetcher = mudfetch::MudFetch::start(&cfg.db, cache, warden.clone())?;
    let hook = webhook::Webhook::start(&cfg.db, cfg.webhook.clone())?;
    let counters = Arc::new(feed::Counters::default());
    let (events, _) = tokio::sync::broadcast::channel(16);
    let app = Arc::new(web::App {
        store: Mutex::new(store),
        limiter: auth::Limiter::default(),
        setup: Mutex::new(setup),
        counters: counters.clone(),
        events: events.clone(),
        secure: cfg.secure_cookies,
        warden: warden.clone(),
        detect: cfg.detect.clone(),
        pending: pending.clone(),
        labels: labels.clone(),
    });

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let retention = cfg.retention;
    std::thread::scope(|scope| {
        let feed_stop = stop.clone();
        let (writer_ref, counters_ref, hook_ref, warden_ref, fetcher_ref) =
            (&writer, &*counters, &hook, &*warden, &fetcher);
        scope.spawn(move || {
            let fc = feed::FeedConfig {
                source: cfg.source,
                session,
                every: cfg.every,
                pending,
                labels,
            };
            let mut n = 0u64;
            let tap = |linktype: u16, frame: &[u8]| warden_ref.tap(linktype, frame);
            feed::run(fc, writer_ref, counters_ref, &feed_stop, &tap, |report| {
                // The pages hear of it once the commit it waited for is done.
                let _ = writer_ref.flush();
                for w in writer_ref.written() {
                    warden_ref.new_alerts(&w.new_alerts);
                    if !w.new_alerts.is_empty() {
                        hook_ref.notify(w.new_alerts);
                    }
                }
                warden_ref.refresh();
                fetcher_ref.announced(
                    report
                        .devices
                        .iter()
                        .filter_map(|d| Some((d.mac.clone(), d.mud_url.clone()?)))
                        .collect(),
                );
                n += 1;
                let _ = events.send(n);
            });
        });
        let served = rt.block_on(async {
            let listener = tokio::net::TcpListener::from_std(listener).map_err(Error::Runtime)?;
            let prune_app = app.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(3600));
                loop {
                    tick.tick().await;
                    let keep = i64::try_from(retention.as_nanos()).unwrap_or(i64::MAX);
                    let _ = prune_app
                        .store
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .prune(feed::wall_ns(), keep);
                }
            });
            let shutdown_stop = stop.clone();
            axum::serve(
                listener,
                web::router(app).into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async move {
                while !shutdown_stop.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            })
            .await
            .map_err(Error::Runtime)
        });
        stop.store(true, Ordering::Relaxed);
        served
    })?;
    rt.shutdown_timeout(Duration::from_secs(2));
    writer.close();
    warden.close();
    Ok(())
}
