//! The database's tables, created or brought up to date when the store opens.

/// The schema version this build writes; a database with a newer one is refused rather than
/// misread.
pub const VERSION: i64 = 4;

/// Settings every connection needs: WAL (readers never wait for the writer, and a process
/// killed mid-transaction leaves the last committed state), `synchronous = NORMAL` (in WAL mode
/// a commit survives the process being killed; only a power cut may lose the last commits,
/// never the database's consistency), foreign keys enforced, and a wait instead of an error
/// when the other connection holds the write lock.
pub const PRAGMAS: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
PRAGMA busy_timeout = 5000;
";

/// Version 1. Times are nanoseconds since 1970 (capture time for what traffic showed, wall
/// time for what people did); MACs are lower-case `aa:bb:cc:dd:ee:ff` text.
pub const V1: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per device as a person sees it; a device may have used several MACs.
CREATE TABLE devices (
    id       INTEGER PRIMARY KEY,
    name     TEXT,
    kind     TEXT NOT NULL DEFAULT 'unknown',
    vendor   TEXT,
    -- What the device says about itself, to know it again under a new random MAC: its DHCP
    -- client identifier, and its DHCP fingerprint (requested options, vendor class).
    client_id   TEXT,
    fingerprint TEXT,
    first_ns INTEGER NOT NULL,
    last_ns  INTEGER NOT NULL,
    -- The device's latest report entry (the JSON of iotgate.analysis/1's devices[]).
    report   TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX devices_last ON devices(last_ns);

CREATE TABLE device_macs (
    mac       TEXT PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    first_ns  INTEGER NOT NULL,
    last_ns   INTEGER NOT NULL
) STRICT;
CREATE INDEX device_macs_device ON device_macs(device_id);

-- Alerts, one per detector key (kind, detail, device, peer, port), updated as they go on.
CREATE TABLE alerts (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL UNIQUE,
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    mac       TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL,
    severity  TEXT NOT NULL,
    first_ns  INTEGER NOT NULL,
    last_ns   INTEGER NOT NULL,
    raised_ns INTEGER NOT NULL,
    -- The alert's report entry (JSON), evidence included.
    report    TEXT NOT NULL,
    acked_by  TEXT,
    acked_ns  INTEGER
) STRICT;
CREATE INDEX alerts_device ON alerts(device_id);
CREATE INDEX alerts_last ON alerts(last_ns);

-- What was done, by whom, when and why: quarantines, releases, mutes, acknowledgements.
CREATE TABLE actions (
    id        INTEGER PRIMARY KEY,
    ts_ns     INTEGER NOT NULL,
    who       TEXT NOT NULL,
    device_id INTEGER REFERENCES devices(id) ON DELETE SET NULL,
    action    TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX actions_ts ON actions(ts_ns);

-- Alerts of one kind on one device, silenced until a time (NULL: for good).
CREATE TABLE mutes (
    id        INTEGER PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL,
    until_ns  INTEGER,
    who       TEXT NOT NULL,
    ts_ns     INTEGER NOT NULL,
    UNIQUE (device_id, kind, detail)
) STRICT;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    hash            TEXT NOT NULL,
    lang            TEXT NOT NULL DEFAULT 'en',
    created_ns      INTEGER NOT NULL,
    failed          INTEGER NOT NULL DEFAULT 0,
    locked_until_ns INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Browser sessions: the SHA-256 of the cookie's secret (a stolen database opens no session).
CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_ns INTEGER NOT NULL,
    expires_ns INTEGER NOT NULL
) STRICT;

-- API bearer tokens, kept as the SHA-256 of the secret.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_ns   INTEGER NOT NULL,
    last_used_ns INTEGER
) STRICT;
";

/// Version 2: quarantines, and the names a quarantined device may still reach.
pub const V2: &str = "
-- Devices held in quarantine (wall times). The rules follow this table: rebuilt from it at
-- start, so a quarantine outlives a restart or a crash.
CREATE TABLE quarantines (
    device_id      INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    since_ns       INTEGER NOT NULL,
    who            TEXT NOT NULL,
    reason         TEXT NOT NULL,
    -- The last time an alert of the device had new evidence (at first: since_ns); an
    -- automatic release counts its clean period from here.
    clean_since_ns INTEGER NOT NULL
) STRICT;

-- Names a device may still reach while in quarantine (its update servers), set by people.
CREATE TABLE device_allow (
    device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    PRIMARY KEY (device_id, name)
) STRICT;
";

/// Version 3: MUD profiles held for devices.
pub const V3: &str = "
-- The MUD profile a device is held to (RFC 8520): assigned by people, or fetched from the URL
-- the device announced and signature-checked. The JSON as received.
CREATE TABLE mud_profiles (
    device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    profile   TEXT NOT NULL,
    source    TEXT NOT NULL,
    who       TEXT NOT NULL,
    ts_ns     INTEGER NOT NULL
) STRICT;
";

/// Version 4: what software each MAC shows (its TLS fingerprints and user agents), to know a
/// device again under a new random MAC when DHCP says nothing; devices found by name.
pub const V4: &str = "
-- JA4 fingerprints (ja4:…) and user agents (ua:…) seen from the MAC, one per line, sorted:
-- written as the traffic shows them (no read first), compared only when a new MAC appears.
ALTER TABLE device_macs ADD COLUMN software TEXT;
CREATE INDEX devices_name ON devices(name);
";
