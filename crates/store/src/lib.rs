//! The gateway's store (`iotgate serve`): one SQLite database, in WAL mode, holding what the
//! daemon keeps across restarts — devices and the MACs each used, alerts with their evidence,
//! the actions people and the daemon took, mutes, settings, users, browser sessions and API
//! tokens.
//!
//! Traffic reaches it in [`Batch`]es, written by one [`writer::Writer`] thread a few seconds
//! apart (one transaction each, so an SD card sees few writes); pages and the API read through
//! their own [`Store`]. A process killed at any moment loses at most the batch being written;
//! a database damaged by other means is refused at open with what SQLite found, never read.
//! Errors are typed ([`Error`]) and worded by the caller, in the reader's language.

mod schema;
pub mod writer;

use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};

pub use schema::VERSION;

/// What went wrong, with where.
#[derive(Debug)]
pub enum Error {
    /// The database file could not be opened or created.
    Open {
        /// Its path.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// `PRAGMA quick_check` found damage.
    Damaged {
        /// Its path.
        path: PathBuf,
        /// The first problem SQLite reported.
        detail: String,
    },
    /// Written by a newer iotgate, with a schema this one does not know.
    NewerSchema {
        /// Its path.
        path: PathBuf,
        /// The version found.
        found: i64,
    },
    /// A statement failed (disk full, locked for longer than the timeout…).
    Sql(String),
}

impl std::fmt::Display for Error {
    /// A plain description for logs and tests; people get the localised wording.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Open { path, detail } => write!(f, "{}: {detail}", path.display()),
            Error::Damaged { path, detail } => write!(f, "{}: damaged: {detail}", path.display()),
            Error::NewerSchema { path, found } => {
                write!(
                    f,
                    "{}: schema {found} (this build: {VERSION})",
                    path.display()
                )
            }
            Error::Sql(d) => f.write_str(d),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::Sql(e.to_string())
    }
}

/// Result of a store operation.
pub type Result<T> = std::result::Result<T, Error>;

/// What a snapshot says about one device, as seen through one MAC.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceUpdate {
    /// The MAC (lower case).
    pub mac: String,
    /// A readable name (host name), if any.
    pub name: Option<String>,
    /// Its kind's identifier (`camera`, `plug`…).
    pub kind: String,
    /// The vendor of its MAC's block, if registered.
    pub vendor: Option<String>,
    /// Its DHCP client identifier (option 61), hex, if it sent one.
    pub client_id: Option<String>,
    /// Its DHCP fingerprint (requested options and vendor class), if it asked for an address.
    pub fingerprint: Option<String>,
    /// What software it shows: its TLS client fingerprints (`ja4:…`) and user agents (`ua:…`),
    /// one per line, sorted; `None` when it showed none.
    pub software: Option<String>,
    /// First and last seen, ns.
    pub first_ns: i64,
    /// Last seen, ns.
    pub last_ns: i64,
    /// Its report entry, JSON.
    pub report: String,
}

/// What a snapshot says about one alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertUpdate {
    /// The detector's identity of the alert (stable while it goes on).
    pub key: String,
    /// The MAC of the device it is about.
    pub mac: String,
    /// Kind identifier (`scan`, `flood`…).
    pub kind: String,
    /// Detail identifier (`mirai`, `syn`…).
    pub detail: String,
    /// Severity identifier (`info` … `high`).
    pub severity: String,
    /// First evidence, ns.
    pub first_ns: i64,
    /// Last evidence, ns.
    pub last_ns: i64,
    /// When it was raised, ns.
    pub raised_ns: i64,
    /// Its report entry, JSON.
    pub report: String,
}

/// Updates written in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Devices, in any order (an alert's device is written before the alert).
    pub devices: Vec<DeviceUpdate>,
    /// Alerts.
    pub alerts: Vec<AlertUpdate>,
}

impl Batch {
    /// True when there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.devices.is_empty() && self.alerts.is_empty()
    }

    /// Adds `other`'s updates after this batch's (later updates of a device or an alert win).
    /// Past a few thousand updates, only the latest of each device and alert is kept, so a
    /// batch that cannot be written (a full disk) stays as big as the inventory, not the
    /// traffic.
    pub fn append(&mut self, other: Batch) {
        self.devices.extend(other.devices);
        self.alerts.extend(other.alerts);
        if self.devices.len() + self.alerts.len() > 4096 {
            self.compact();
        }
    }

    /// Keeps only the latest update of each device (by MAC) and of each alert (by key), in
    /// the order of their latest updates.
    pub fn compact(&mut self) {
        fn latest<T>(v: &mut Vec<T>, key: impl Fn(&T) -> &str) {
            let mut seen = std::collections::HashSet::new();
            let mut out: Vec<T> = Vec::with_capacity(v.len());
            for x in v.drain(..).rev() {
                if seen.insert(key(&x).to_owned()) {
                    out.push(x);
                }
            }
            out.reverse();
            *v = out;
        }
        latest(&mut self.devices, |d| &d.mac);
        latest(&mut self.alerts, |a| &a.key);
    }
}

/// What writing a batch changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Devices seen for the first time (their ids).
    pub new_devices: Vec<i64>,
    /// Alerts raised for the first time (their ids), for notifications.
    pub new_alerts: Vec<i64>,
    /// New MACs recognised as a device seen before (the MAC, the device's id).
    pub merged: Vec<(String, i64)>,
}

/// True for a locally administered unicast MAC (`aa:bb:…` text): what phones and computers
/// pick at random per network, and change.
pub fn random_mac(mac: &str) -> bool {
    u8::from_str_radix(mac.get(..2).unwrap_or("00"), 16).is_ok_and(|b| b & 0b11 == 0b10)
}

/// The device a new MAC belongs to, when it is a random MAC and what the device says about
/// itself names exactly one device seen before: the same DHCP client identifier, or the same
/// host name with the same DHCP fingerprint, or the same host name (DHCP or mDNS) and only
/// software (TLS fingerprints, user agents) that device showed too. With the reason, for the
/// action log. A MAC from a maker's block never merges (two devices of one model share names
/// and fingerprints).
fn known_again(
    tx: &rusqlite::Transaction<'_>,
    d: &DeviceUpdate,
) -> Result<Option<(i64, &'static str)>> {
    if !random_mac(&d.mac) {
        return Ok(None);
    }
    let one = |sql: &str, a: &str, b: Option<&str>| -> Result<Option<i64>> {
        let mut st = tx.prepare_cached(sql)?;
        let ids: Vec<i64> = match b {
            Some(b) => st
                .query_map(params![a, b], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
            None => st
                .query_map(params![a], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?,
        };
        Ok((ids.len() == 1).then(|| ids[0]))
    };
    if let Some(cid) = d.client_id.as_deref() {
        // An identifier made from the MAC itself (type 1 and the MAC) changes with it.
        let mac_hex: String = d.mac.chars().filter(|c| *c != ':').collect();
        if !cid.ends_with(&mac_hex) {
            if let Some(id) = one("SELECT id FROM devices WHERE client_id = ?1", cid, None)? {
                return Ok(Some((id, "client-id")));
            }
        }
    }
    if let (Some(name), Some(fp)) = (d.name.as_deref(), d.fingerprint.as_deref()) {
        let sql = "SELECT id FROM devices WHERE name = ?1 AND fingerprint = ?2";
        if let Some(id) = one(sql, name, Some(fp))? {
            return Ok(Some((id, "name-fingerprint")));
        }
    }
    // No DHCP seen (a static address, a lease renewed elsewhere): the same name (DHCP or mDNS)
    // and nothing in its software the device seen before did not show too.
    if let (Some(name), Some(sw)) = (d.name.as_deref(), d.software.as_deref()) {
        let mine: Vec<&str> = sw.lines().filter(|l| !l.is_empty()).collect();
        if !mine.is_empty() {
            let mut st = tx.prepare_cached(
                "SELECT m.device_id, m.software FROM devices d
                 JOIN device_macs m ON m.device_id = d.id
                 WHERE d.name = ?1 AND m.software IS NOT NULL",
            )?;
            let rows: Vec<(i64, String)> = st
                .query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            // Each device's software: the union over its MACs.
            let mut by_device: std::collections::BTreeMap<i64, std::collections::HashSet<&str>> =
                Default::default();
            for (id, sw) in &rows {
                by_device.entry(*id).or_default().extend(sw.lines());
            }
            let ids: Vec<i64> = by_device
                .iter()
                .filter(|(_, theirs)| mine.iter().all(|t| theirs.contains(t)))
                .map(|(id, _)| *id)
                .collect();
            if ids.len() == 1 {
                return Ok(Some((ids[0], "name-software")));
            }
        }
    }
    Ok(None)
}

/// A device as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    /// Its id.
    pub id: i64,
    /// The MACs it used, most recently seen first.
    pub macs: Vec<String>,
    /// A readable name, if any.
    pub name: Option<String>,
    /// Its kind's identifier.
    pub kind: String,
    /// The vendor, if known.
    pub vendor: Option<String>,
    /// First seen, ns.
    pub first_ns: i64,
    /// Last seen, ns.
    pub last_ns: i64,
    /// Its latest report entry, JSON.
    pub report: String,
}

/// An alert as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Its id.
    pub id: i64,
    /// The device it is about.
    pub device_id: i64,
    /// The MAC it was raised on.
    pub mac: String,
    /// Kind identifier.
    pub kind: String,
    /// Detail identifier.
    pub detail: String,
    /// Severity identifier.
    pub severity: String,
    /// First evidence, ns.
    pub first_ns: i64,
    /// Last evidence, ns.
    pub last_ns: i64,
    /// Raised, ns.
    pub raised_ns: i64,
    /// Its report entry, JSON.
    pub report: String,
    /// Who acknowledged it, and when.
    pub acked: Option<(String, i64)>,
}

/// An action taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// When, ns.
    pub ts_ns: i64,
    /// Who (a user name, `api:TOKEN-NAME`, or `iotgate` for the daemon itself).
    pub who: String,
    /// On which device, if any.
    pub device_id: Option<i64>,
    /// What (`quarantine`, `release`, `mute`, `ack`…).
    pub action: String,
    /// Why, in the words of whoever did it.
    pub reason: String,
}

/// A mute: alerts of one kind and detail on one device are not notified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mute {
    /// The device.
    pub device_id: i64,
    /// Kind identifier.
    pub kind: String,
    /// Detail identifier.
    pub detail: String,
    /// Until when, ns; `None` for good.
    pub until_ns: Option<i64>,
    /// Who muted it.
    pub who: String,
}

/// A device held in quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantine {
    /// The device.
    pub device_id: i64,
    /// Its MACs.
    pub macs: Vec<String>,
    /// Since when (wall time), ns.
    pub since_ns: i64,
    /// Who put it there (a user, `api:TOKEN-NAME`, or `iotgate`).
    pub who: String,
    /// Why.
    pub reason: String,
    /// The last new evidence of an alert on it (or `since_ns`), ns.
    pub clean_since_ns: i64,
    /// Names it may still reach (its update servers).
    pub allow: Vec<String>,
    /// Its latest report entry, JSON (its addresses are there).
    pub report: String,
}

/// A device's MUD profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MudProfile {
    /// The device.
    pub device_id: i64,
    /// Its MACs.
    pub macs: Vec<String>,
    /// The profile's MUD URL.
    pub url: String,
    /// The profile, JSON as received.
    pub profile: String,
    /// `operator` (assigned by people) or `fetched` (from the URL the device announced).
    pub source: String,
    /// Who set it.
    pub who: String,
    /// When, ns.
    pub ts_ns: i64,
    /// The device's latest report entry, JSON (its addresses are there).
    pub report: String,
}

/// Wall time, ns since 1970.
fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A user of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its password hash (a PHC string).
    pub hash: String,
    /// Its language (`en`, `fr`).
    pub lang: String,
    /// Failed logins in a row.
    pub failed: i64,
    /// Locked until, ns (0: not locked).
    pub locked_until_ns: i64,
}

/// A handle on the database. Open one per thread that needs it (SQLite connections are not
/// shared between threads); WAL lets them read while the writer writes.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating it if need be) the database at `path`, checks it (`quick_check`) and
    /// brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let open_err = |e: rusqlite::Error| Error::Open {
            path: path.to_owned(),
            detail: e.to_string(),
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.execute_batch(schema::PRAGMAS).map_err(open_err)?;
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| Error::Damaged {
                path: path.to_owned(),
                detail: e.to_string(),
            })?;
        if check != "ok" {
            return Err(Error::Damaged {
                path: path.to_owned(),
                detail: check,
            });
        }
        let mut s = Store {
            conn,
            path: path.to_owned(),
        };
        s.migrate()?;
        Ok(s)
    }

    /// A write transaction, taken at once (`BEGIN IMMEDIATE`): a deferred one that read first
    /// could not become a writer after the other connection committed (SQLite answers
    /// `SQLITE_BUSY_SNAPSHOT` at once, without waiting), whereas this one waits its turn.
    fn write(&mut self) -> rusqlite::Result<rusqlite::Transaction<'_>> {
        self.conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
    }

    /// The database's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let tx = self.write()?;
        let has_meta: bool = tx.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        let version: i64 = if has_meta {
            tx.query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
        } else {
            0
        };
        if version > VERSION {
            return Err(Error::NewerSchema {
                path,
                found: version,
            });
        }
        if version < 1 {
            tx.execute_batch(schema::V1)?;
        }
        if version < 2 {
            tx.execute_batch(schema::V2)?;
        }
        if version < 3 {
            tx.execute_batch(schema::V3)?;
        }
        if version < 4 {
            tx.execute_batch(schema::V4)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [VERSION.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: `"ok"`, or SQLite's first findings.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Writes `batch` in one transaction.
    pub fn apply(&mut self, batch: &Batch) -> Result<Written> {
        let tx = self.write()?;
        let mut out = Written::default();
        // Makers' MACs first, then random ones in the order they appeared: a device back under
        // a new random MAC finds the one it was, whichever order the batch lists them in.
        let mut order: Vec<&DeviceUpdate> = batch.devices.iter().collect();
        order.sort_by_key(|d| (random_mac(&d.mac), d.first_ns));
        for d in order {
            let id: Option<i64> = tx
                .query_row(
                    "SELECT device_id FROM device_macs WHERE mac = ?1",
                    [&d.mac],
                    |r| r.get(0),
                )
                .optional()?;
            match id {
                Some(id) => {
                    tx.execute(
                        "UPDATE devices SET name = coalesce(?2, name), kind = ?3,
                             vendor = coalesce(?4, vendor), first_ns = min(first_ns, ?5),
                             last_ns = max(last_ns, ?6), report = ?7,
                             client_id = coalesce(?8, client_id),
                             fingerprint = coalesce(?9, fingerprint)
                         WHERE id = ?1",
                        params![
                            id,
                            d.name,
                            d.kind,
                            d.vendor,
                            d.first_ns,
                            d.last_ns,
                            d.report,
                            d.client_id,
                            d.fingerprint
                        ],
                    )?;
                    tx.execute(
                        "UPDATE device_macs SET first_ns = min(first_ns, ?2),
                             last_ns = max(last_ns, ?3) WHERE mac = ?1",
                        params![d.mac, d.first_ns, d.last_ns],
                    )?;
                    tx.execute(
                        "UPDATE device_macs SET software = coalesce(?2, software) WHERE mac = ?1",
                        params![d.mac, d.software],
                    )?;
                }
                None => {
                    if let Some((id, why)) = known_again(&tx, d)? {
                        // A device seen before, back under a new random MAC: one device, with
                        // both MACs, and the merge on record (an operator can split it).
                        tx.execute(
                            "INSERT INTO device_macs (mac, device_id, first_ns, last_ns, software)
                             VALUES (?1, ?2, ?3, ?4, ?5)",
                            params![d.mac, id, d.first_ns, d.last_ns, d.software],
                        )?;
                        tx.execute(
                            "UPDATE devices SET last_ns = max(last_ns, ?2), report = ?3
                             WHERE id = ?1",
                            params![id, d.last_ns, d.report],
                        )?;
                        tx.execute(
                            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
                             VALUES (?1, 'iotgate', ?2, 'merge', ?3)",
                            params![d.first_ns, id, format!("{} {why}", d.mac)],
                        )?;
                        out.merged.push((d.mac.clone(), id));
                        continue;
                    }
                    tx.execute(
                        "INSERT INTO devices (name, kind, vendor, client_id, fingerprint,
                             first_ns, last_ns, report)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                        params![
                            d.name,
                            d.kind,
                            d.vendor,
                            d.client_id,
                            d.fingerprint,
                            d.first_ns,
                            d.last_ns,
                            d.report
                        ],
                    )?;
                    let id = tx.last_insert_rowid();
                    tx.execute(
                        "INSERT INTO device_macs (mac, device_id, first_ns, last_ns, software)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![d.mac, id, d.first_ns, d.last_ns, d.software],
                    )?;
                    out.new_devices.push(id);
                }
            }
        }
        for a in &batch.alerts {
            let device_id: Option<i64> = tx
                .query_row(
                    "SELECT device_id FROM device_macs WHERE mac = ?1",
                    [&a.mac],
                    |r| r.get(0),
                )
                .optional()?;
            // An alert on a device the batch did not describe: the device is made from it.
            let device_id = match device_id {
                Some(id) => {
                    // Evidence about a device is a sign of it: it was there then.
                    tx.execute(
                        "UPDATE devices SET last_ns = max(last_ns, ?2) WHERE id = ?1",
                        params![id, a.last_ns],
                    )?;
                    id
                }
                None => {
                    tx.execute(
                        "INSERT INTO devices (first_ns, last_ns) VALUES (?1, ?2)",
                        params![a.first_ns, a.last_ns],
                    )?;
                    let id = tx.last_insert_rowid();
                    tx.execute(
                        "INSERT INTO device_macs (mac, device_id, first_ns, last_ns)
                         VALUES (?1, ?2, ?3, ?4)",
                        params![a.mac, id, a.first_ns, a.last_ns],
                    )?;
                    out.new_devices.push(id);
                    id
                }
            };
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM alerts WHERE key = ?1", [&a.key], |r| {
                    r.get(0)
                })
                .optional()?;
            match existing {
                Some(id) => {
                    tx.execute(
                        "UPDATE alerts SET severity = ?2, first_ns = min(first_ns, ?3),
                             last_ns = max(last_ns, ?4), report = ?5
                         WHERE id = ?1",
                        params![id, a.severity, a.first_ns, a.last_ns, a.report],
                    )?;
                }
                None => {
                    tx.execute(
                        "INSERT INTO alerts (key, device_id, mac, kind, detail, severity,
                             first_ns, last_ns, raised_ns, report)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        params![
                            a.key,
                            device_id,
                            a.mac,
                            a.kind,
                            a.detail,
                            a.severity,
                            a.first_ns,
                            a.last_ns,
                            a.raised_ns,
                            a.report
                        ],
                    )?;
                    out.new_alerts.push(tx.last_insert_rowid());
                }
            }
            // New evidence against a device in quarantine: its clean period starts again.
            tx.execute(
                "UPDATE quarantines SET clean_since_ns = max(clean_since_ns, ?2)
                 WHERE device_id = ?1",
                params![device_id, now_ns()],
            )?;
        }
        tx.commit()?;
        Ok(out)
    }

    fn macs_of(&self, id: i64) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT mac FROM device_macs WHERE device_id = ?1 ORDER BY last_ns DESC, mac",
        )?;
        let rows = st.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
        Ok(Device {
            id: r.get(0)?,
            macs: Vec::new(),
            name: r.get(1)?,
            kind: r.get(2)?,
            vendor: r.get(3)?,
            first_ns: r.get(4)?,
            last_ns: r.get(5)?,
            report: r.get(6)?,
        })
    }

    /// Every device, most recently seen first.
    pub fn devices(&self) -> Result<Vec<Device>> {
        self.devices_page(0, usize::MAX)
    }

    /// How many devices there are.
    pub fn device_count(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM devices", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// `limit` devices from the `offset`-th, most recently seen first.
    pub fn devices_page(&self, offset: usize, limit: usize) -> Result<Vec<Device>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, name, kind, vendor, first_ns, last_ns, report FROM devices
             ORDER BY last_ns DESC, id LIMIT ?1 OFFSET ?2",
        )?;
        let big = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let mut out: Vec<Device> = st
            .query_map([big(limit), big(offset)], Self::device_row)?
            .collect::<rusqlite::Result<_>>()?;
        for d in &mut out {
            d.macs = self.macs_of(d.id)?;
        }
        Ok(out)
    }

    /// The device that used `mac`, if any.
    pub fn device_by_mac(&self, mac: &str) -> Result<Option<Device>> {
        let d = self
            .conn
            .query_row(
                "SELECT d.id, d.name, d.kind, d.vendor, d.first_ns, d.last_ns, d.report
                 FROM devices d JOIN device_macs m ON m.device_id = d.id WHERE m.mac = ?1",
                [mac],
                Self::device_row,
            )
            .optional()?;
        match d {
            Some(mut d) => {
                d.macs = self.macs_of(d.id)?;
                Ok(Some(d))
            }
            None => Ok(None),
        }
    }

    fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
        let by: Option<String> = r.get(11)?;
        let at: Option<i64> = r.get(12)?;
        Ok(Alert {
            id: r.get(0)?,
            device_id: r.get(1)?,
            mac: r.get(2)?,
            kind: r.get(3)?,
            detail: r.get(4)?,
            severity: r.get(5)?,
            first_ns: r.get(6)?,
            last_ns: r.get(7)?,
            raised_ns: r.get(8)?,
            report: r.get(9)?,
            acked: by.zip(at),
        })
    }

    const ALERT_COLUMNS: &'static str = "id, device_id, mac, kind, detail, severity, first_ns,
        last_ns, raised_ns, report, key, acked_by, acked_ns";

    /// Alerts, most recent first: all, or one device's.
    pub fn alerts(&self, device_id: Option<i64>, limit: usize) -> Result<Vec<Alert>> {
        let sql = format!(
            "SELECT {} FROM alerts WHERE ?1 IS NULL OR device_id = ?1
             ORDER BY last_ns DESC, id DESC LIMIT ?2",
            Self::ALERT_COLUMNS
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = st.query_map(params![device_id, limit], Self::alert_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Unacknowledged alerts per device id.
    pub fn open_alert_counts(&self) -> Result<std::collections::HashMap<i64, usize>> {
        let mut st = self.conn.prepare_cached(
            "SELECT device_id, count(*) FROM alerts WHERE acked_ns IS NULL GROUP BY device_id",
        )?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = std::collections::HashMap::new();
        for r in rows {
            let (d, n) = r?;
            out.insert(d, usize::try_from(n).unwrap_or(0));
        }
        Ok(out)
    }

    /// One alert.
    pub fn alert(&self, id: i64) -> Result<Option<Alert>> {
        let sql = format!("SELECT {} FROM alerts WHERE id = ?1", Self::ALERT_COLUMNS);
        Ok(self
            .conn
            .query_row(&sql, [id], Self::alert_row)
            .optional()?)
    }

    /// Takes `mac` out of the device it was merged into (a wrong merge): it becomes a device of
    /// its own, with its alerts, and the split is recorded. The new device's id; `None` when
    /// the MAC is unknown or its device has no other MAC.
    pub fn split(&mut self, mac: &str, who: &str, ts_ns: i64) -> Result<Option<i64>> {
        let tx = self.write()?;
        let row: Option<(i64, i64, i64)> = tx
            .query_row(
                "SELECT device_id, first_ns, last_ns FROM device_macs WHERE mac = ?1",
                [mac],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((old, first, last)) = row else {
            return Ok(None);
        };
        let n: i64 = tx.query_row(
            "SELECT count(*) FROM device_macs WHERE device_id = ?1",
            [old],
            |r| r.get(0),
        )?;
        if n < 2 {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO devices (name, kind, vendor, first_ns, last_ns, report)
             SELECT name, kind, vendor, ?2, ?3, report FROM devices WHERE id = ?1",
            params![old, first, last],
        )?;
        let new = tx.last_insert_rowid();
        tx.execute(
            "UPDATE device_macs SET device_id = ?2 WHERE mac = ?1",
            params![mac, new],
        )?;
        tx.execute(
            "UPDATE alerts SET device_id = ?2 WHERE mac = ?1",
            params![mac, new],
        )?;
        // A MAC taken out of a device in quarantine stays in quarantine: a split never lets
        // a device out (people release it on its own page).
        tx.execute(
            "INSERT INTO quarantines (device_id, since_ns, who, reason, clean_since_ns)
             SELECT ?2, since_ns, who, reason, clean_since_ns FROM quarantines
             WHERE device_id = ?1",
            params![old, new],
        )?;
        tx.execute(
            "INSERT INTO device_allow (device_id, name)
             SELECT ?2, name FROM device_allow WHERE device_id = ?1",
            params![old, new],
        )?;
        tx.execute(
            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
             VALUES (?1, ?2, ?3, 'split', ?4)",
            params![ts_ns, who, new, mac],
        )?;
        tx.commit()?;
        Ok(Some(new))
    }

    /// Marks alert `id` acknowledged by `who` at `ts_ns` and records the action; false when
    /// there is no such alert.
    pub fn ack(&mut self, id: i64, who: &str, ts_ns: i64) -> Result<bool> {
        let tx = self.write()?;
        let device: Option<i64> = tx
            .query_row("SELECT device_id FROM alerts WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(device) = device else {
            return Ok(false);
        };
        tx.execute(
            "UPDATE alerts SET acked_by = ?2, acked_ns = ?3 WHERE id = ?1",
            params![id, who, ts_ns],
        )?;
        tx.execute(
            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
             VALUES (?1, ?2, ?3, 'ack', ?4)",
            params![ts_ns, who, device, format!("alert {id}")],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Records an action.
    pub fn record(&mut self, a: &Action) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![a.ts_ns, a.who, a.device_id, a.action, a.reason],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Actions, most recent first: all, or one device's.
    pub fn actions(&self, device_id: Option<i64>, limit: usize) -> Result<Vec<Action>> {
        let mut st = self.conn.prepare_cached(
            "SELECT ts_ns, who, device_id, action, reason FROM actions
             WHERE ?1 IS NULL OR device_id = ?1 ORDER BY ts_ns DESC, id DESC LIMIT ?2",
        )?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = st.query_map(params![device_id, limit], |r| {
            Ok(Action {
                ts_ns: r.get(0)?,
                who: r.get(1)?,
                device_id: r.get(2)?,
                action: r.get(3)?,
                reason: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Mutes alerts of `kind`/`detail` on a device (replacing an earlier mute of the same),
    /// and records the action.
    pub fn mute(&mut self, m: &Mute, ts_ns: i64) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO mutes (device_id, kind, detail, until_ns, who, ts_ns)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (device_id, kind, detail) DO UPDATE SET
                 until_ns = excluded.until_ns, who = excluded.who, ts_ns = excluded.ts_ns",
            params![m.device_id, m.kind, m.detail, m.until_ns, m.who, ts_ns],
        )?;
        let until = m
            .until_ns
            .map_or_else(|| "for good".to_string(), |u| format!("until {u}"));
        tx.execute(
            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
             VALUES (?1, ?2, ?3, 'mute', ?4)",
            params![
                ts_ns,
                m.who,
                m.device_id,
                format!("{}/{} {until}", m.kind, m.detail)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The mutes in force at `now_ns`.
    pub fn mutes(&self, now_ns: i64) -> Result<Vec<Mute>> {
        let mut st = self.conn.prepare_cached(
            "SELECT device_id, kind, detail, until_ns, who FROM mutes
             WHERE until_ns IS NULL OR until_ns > ?1 ORDER BY device_id, kind, detail",
        )?;
        let rows = st.query_map([now_ns], |r| {
            Ok(Mute {
                device_id: r.get(0)?,
                kind: r.get(1)?,
                detail: r.get(2)?,
                until_ns: r.get(3)?,
                who: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Puts device `id` in quarantine and records it; false when it already is (or there is
    /// no such device: `Ok(false)` too, checked first by callers that care).
    pub fn quarantine(&mut self, id: i64, who: &str, reason: &str, ts_ns: i64) -> Result<bool> {
        let tx = self.write()?;
        let exists: bool =
            tx.query_row("SELECT count(*) FROM devices WHERE id = ?1", [id], |r| {
                r.get::<_, i64>(0).map(|n| n > 0)
            })?;
        if !exists {
            return Ok(false);
        }
        let n = tx.execute(
            "INSERT INTO quarantines (device_id, since_ns, who, reason, clean_since_ns)
             VALUES (?1, ?2, ?3, ?4, ?2) ON CONFLICT (device_id) DO NOTHING",
            params![id, ts_ns, who, reason],
        )?;
        if n > 0 {
            tx.execute(
                "INSERT INTO actions (ts_ns, who, device_id, action, reason)
                 VALUES (?1, ?2, ?3, 'quarantine', ?4)",
                params![ts_ns, who, id, reason],
            )?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    /// Releases device `id` from quarantine and records it; false when it was not in one.
    pub fn release(&mut self, id: i64, who: &str, reason: &str, ts_ns: i64) -> Result<bool> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM quarantines WHERE device_id = ?1", [id])?;
        if n > 0 {
            tx.execute(
                "INSERT INTO actions (ts_ns, who, device_id, action, reason)
                 VALUES (?1, ?2, ?3, 'release', ?4)",
                params![ts_ns, who, id, reason],
            )?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    /// The devices in quarantine, oldest quarantine first.
    pub fn quarantines(&self) -> Result<Vec<Quarantine>> {
        let mut st = self.conn.prepare_cached(
            "SELECT q.device_id, q.since_ns, q.who, q.reason, q.clean_since_ns, d.report
             FROM quarantines q JOIN devices d ON d.id = q.device_id
             ORDER BY q.since_ns, q.device_id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(Quarantine {
                device_id: r.get(0)?,
                macs: Vec::new(),
                since_ns: r.get(1)?,
                who: r.get(2)?,
                reason: r.get(3)?,
                clean_since_ns: r.get(4)?,
                allow: Vec::new(),
                report: r.get(5)?,
            })
        })?;
        let mut out: Vec<Quarantine> = rows.collect::<rusqlite::Result<_>>()?;
        for q in &mut out {
            q.macs = self.macs_of(q.device_id)?;
            q.allow = self.allowed(q.device_id)?;
        }
        Ok(out)
    }

    /// Device `id`'s quarantine, if it is in one.
    pub fn quarantine_of(&self, id: i64) -> Result<Option<Quarantine>> {
        Ok(self.quarantines()?.into_iter().find(|q| q.device_id == id))
    }

    /// The names device `id` may still reach in quarantine, sorted.
    pub fn allowed(&self, id: i64) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name FROM device_allow WHERE device_id = ?1 ORDER BY name")?;
        let rows = st.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the names device `id` may still reach in quarantine, and records it.
    pub fn set_allowed(&mut self, id: i64, names: &[String], who: &str, ts_ns: i64) -> Result<()> {
        let tx = self.write()?;
        tx.execute("DELETE FROM device_allow WHERE device_id = ?1", [id])?;
        for n in names {
            tx.execute(
                "INSERT OR IGNORE INTO device_allow (device_id, name) VALUES (?1, ?2)",
                params![id, n],
            )?;
        }
        tx.execute(
            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
             VALUES (?1, ?2, ?3, 'allow', ?4)",
            params![ts_ns, who, id, names.join(" ")],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Holds device `id` to a MUD profile (replacing any), and records it.
    pub fn set_mud(&mut self, p: &MudProfile) -> Result<()> {
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO mud_profiles (device_id, url, profile, source, who, ts_ns)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (device_id) DO UPDATE SET url = excluded.url,
                 profile = excluded.profile, source = excluded.source, who = excluded.who,
                 ts_ns = excluded.ts_ns",
            params![p.device_id, p.url, p.profile, p.source, p.who, p.ts_ns],
        )?;
        tx.execute(
            "INSERT INTO actions (ts_ns, who, device_id, action, reason)
             VALUES (?1, ?2, ?3, 'mud', ?4)",
            params![
                p.ts_ns,
                p.who,
                p.device_id,
                format!("{} ({})", p.url, p.source)
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Frees device `id` from its MUD profile and records it; false when it had none.
    pub fn clear_mud(&mut self, id: i64, who: &str, ts_ns: i64) -> Result<bool> {
        let tx = self.write()?;
        let n = tx.execute("DELETE FROM mud_profiles WHERE device_id = ?1", [id])?;
        if n > 0 {
            tx.execute(
                "INSERT INTO actions (ts_ns, who, device_id, action, reason)
                 VALUES (?1, ?2, ?3, 'mud-clear', '')",
                params![ts_ns, who, id],
            )?;
        }
        tx.commit()?;
        Ok(n > 0)
    }

    /// Every device held to a MUD profile.
    pub fn muds(&self) -> Result<Vec<MudProfile>> {
        self.muds_where(None)
    }

    /// Device `id`'s MUD profile, if it has one.
    pub fn mud_of(&self, id: i64) -> Result<Option<MudProfile>> {
        Ok(self.muds_where(Some(id))?.pop())
    }

    fn muds_where(&self, id: Option<i64>) -> Result<Vec<MudProfile>> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.device_id, m.url, m.profile, m.source, m.who, m.ts_ns, d.report
             FROM mud_profiles m JOIN devices d ON d.id = m.device_id
             WHERE ?1 IS NULL OR m.device_id = ?1 ORDER BY m.device_id",
        )?;
        let rows = st.query_map([id], |r| {
            Ok(MudProfile {
                device_id: r.get(0)?,
                macs: Vec::new(),
                url: r.get(1)?,
                profile: r.get(2)?,
                source: r.get(3)?,
                who: r.get(4)?,
                ts_ns: r.get(5)?,
                report: r.get(6)?,
            })
        })?;
        let mut out: Vec<MudProfile> = rows.collect::<rusqlite::Result<_>>()?;
        for m in &mut out {
            m.macs = self.macs_of(m.device_id)?;
        }
        Ok(out)
    }

    /// Device `id` by its id.
    pub fn device(&self, id: i64) -> Result<Option<Device>> {
        let mac: Option<String> = self
            .conn
            .query_row(
                "SELECT mac FROM device_macs WHERE device_id = ?1 LIMIT 1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match mac {
            Some(m) => self.device_by_mac(&m),
            None => Ok(None),
        }
    }

    /// A setting's value.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a setting.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Adds a user (false when the name is taken).
    pub fn add_user(&mut self, name: &str, hash: &str, lang: &str, ts_ns: i64) -> Result<bool> {
        let n = self.conn.execute(
            "INSERT INTO users (name, hash, lang, created_ns) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO NOTHING",
            params![name, hash, lang, ts_ns],
        )?;
        Ok(n == 1)
    }

    /// How many users there are (none: the dashboard offers its first-run setup).
    pub fn user_count(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
    }

    /// A user by name.
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, name, hash, lang, failed, locked_until_ns FROM users WHERE name = ?1",
                [name],
                |r| {
                    Ok(User {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        hash: r.get(2)?,
                        lang: r.get(3)?,
                        failed: r.get(4)?,
                        locked_until_ns: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records a login attempt's outcome: a success clears the failures; a failure counts, and
    /// locks the account until `lock_until_ns` when `lock_until_ns` is given.
    pub fn login_result(&mut self, id: i64, ok: bool, lock_until_ns: Option<i64>) -> Result<()> {
        if ok {
            self.conn.execute(
                "UPDATE users SET failed = 0, locked_until_ns = 0 WHERE id = ?1",
                [id],
            )?;
        } else {
            self.conn.execute(
                "UPDATE users SET failed = failed + 1,
                     locked_until_ns = coalesce(?2, locked_until_ns) WHERE id = ?1",
                params![id, lock_until_ns],
            )?;
        }
        Ok(())
    }

    /// Sets a user's language.
    pub fn set_user_lang(&mut self, id: i64, lang: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE users SET lang = ?2 WHERE id = ?1",
            params![id, lang],
        )?;
        Ok(())
    }

    /// Opens a browser session for user `user_id`: `id_hash` is the hash of the cookie's
    /// secret, `csrf` the token its forms carry.
    pub fn add_session(
        &mut self,
        id_hash: &str,
        user_id: i64,
        csrf: &str,
        now_ns: i64,
        expires_ns: i64,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO sessions (id_hash, user_id, csrf, created_ns, expires_ns)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id_hash, user_id, csrf, now_ns, expires_ns],
        )?;
        Ok(())
    }

    /// The user and CSRF token of an unexpired session.
    pub fn session(&self, id_hash: &str, now_ns: i64) -> Result<Option<(User, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT u.id, u.name, u.hash, u.lang, u.failed, u.locked_until_ns, s.csrf
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.id_hash = ?1 AND s.expires_ns > ?2",
                params![id_hash, now_ns],
                |r| {
                    Ok((
                        User {
                            id: r.get(0)?,
                            name: r.get(1)?,
                            hash: r.get(2)?,
                            lang: r.get(3)?,
                            failed: r.get(4)?,
                            locked_until_ns: r.get(5)?,
                        },
                        r.get(6)?,
                    ))
                },
            )
            .optional()?)
    }

    /// Ends a session.
    pub fn delete_session(&mut self, id_hash: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])?;
        Ok(())
    }

    /// Adds an API token (`hash`: the hash of its secret).
    pub fn add_token(&mut self, name: &str, hash: &str, now_ns: i64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO tokens (name, hash, created_ns) VALUES (?1, ?2, ?3)",
            params![name, hash, now_ns],
        )?;
        Ok(())
    }

    /// The name of the token whose secret hashes to `hash`, noting its use.
    pub fn use_token(&mut self, hash: &str, now_ns: i64) -> Result<Option<String>> {
        let name: Option<String> = self
            .conn
            .query_row("SELECT name FROM tokens WHERE hash = ?1", [hash], |r| {
                r.get(0)
            })
            .optional()?;
        if name.is_some() {
            self.conn.execute(
                "UPDATE tokens SET last_used_ns = ?2 WHERE hash = ?1",
                params![hash, now_ns],
            )?;
        }
        Ok(name)
    }

    /// Deletes alerts whose last evidence is older than `keep_ns` before the newest alert's
    /// (alerts are timed by the traffic, which a replay dates in the past), actions older
    /// than `keep_ns` before `now_ns`, and sessions and mutes that expired; returns the rows
    /// deleted.
    pub fn prune(&mut self, now_ns: i64, keep_ns: i64) -> Result<usize> {
        let cut = now_ns.saturating_sub(keep_ns);
        let tx = self.write()?;
        let newest: Option<i64> =
            tx.query_row("SELECT max(last_ns) FROM alerts", [], |r| r.get(0))?;
        let alert_cut = newest.unwrap_or(0).saturating_sub(keep_ns);
        let mut n = tx.execute("DELETE FROM alerts WHERE last_ns < ?1", [alert_cut])?;
        n += tx.execute("DELETE FROM actions WHERE ts_ns < ?1", [cut])?;
        n += tx.execute("DELETE FROM sessions WHERE expires_ns <= ?1", [now_ns])?;
        n += tx.execute(
            "DELETE FROM mutes WHERE until_ns IS NOT NULL AND until_ns <= ?1",
            [now_ns],
        )?;
        tx.commit()?;
        Ok(n)
    }

    /// The database's size in bytes (pages in use times page size).
    pub fn size_bytes(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            [],
            |r| r.get(0),
        )?)
    }
}

#[cfg(test)]
mod tests;
