//! The store against a real SQLite database in a temporary folder.

use super::*;

/// A fresh database path in a scratch folder, and the folder (removed when dropped, even when
/// the test fails).
pub(crate) fn scratch(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("iotgate-store-")
        .tempdir()
        .unwrap();
    let p = dir.path().join(name);
    (dir, p)
}

pub(crate) fn dev(mac: &str, t: i64) -> DeviceUpdate {
    DeviceUpdate {
        mac: mac.into(),
        name: None,
        kind: "unknown".into(),
        vendor: None,
        client_id: None,
        fingerprint: None,
        software: None,
        first_ns: t,
        last_ns: t,
        report: format!("{{\"mac\":\"{mac}\"}}"),
    }
}

pub(crate) fn alert(key: &str, mac: &str, t: i64, severity: &str) -> AlertUpdate {
    AlertUpdate {
        key: key.into(),
        mac: mac.into(),
        kind: "scan".into(),
        detail: "mirai".into(),
        severity: severity.into(),
        first_ns: t,
        last_ns: t,
        raised_ns: t,
        report: "{}".into(),
    }
}

#[test]
fn devices_and_alerts_are_kept_and_updated() {
    let (_dir, p) = scratch("basic.db");
    let mut s = Store::open(&p).unwrap();
    let w = s
        .apply(&Batch {
            devices: vec![dev("02:00:00:00:00:01", 10), dev("02:00:00:00:00:02", 20)],
            alerts: vec![alert("k1", "02:00:00:00:00:01", 15, "medium")],
        })
        .unwrap();
    assert_eq!((w.new_devices.len(), w.new_alerts.len()), (2, 1));
    // The same device later, named; the same alert worse; an alert on a MAC not yet described.
    let mut d = dev("02:00:00:00:00:01", 30);
    d.name = Some("cam".into());
    d.kind = "camera".into();
    let w = s
        .apply(&Batch {
            devices: vec![d],
            alerts: vec![
                alert("k1", "02:00:00:00:00:01", 40, "high"),
                alert("k2", "02:00:00:00:00:03", 50, "low"),
            ],
        })
        .unwrap();
    assert_eq!(w.new_alerts.len(), 1, "{w:?}");
    assert_eq!(w.new_devices.len(), 1, "{w:?}");
    drop(s);

    // Reopened: all there.
    let s = Store::open(&p).unwrap();
    let devs = s.devices().unwrap();
    assert_eq!(devs.len(), 3);
    let cam = s.device_by_mac("02:00:00:00:00:01").unwrap().unwrap();
    assert_eq!(
        (
            cam.name.as_deref(),
            cam.kind.as_str(),
            cam.first_ns,
            cam.last_ns
        ),
        // Last seen with the alert's last evidence (40), after its own last update (30).
        (Some("cam"), "camera", 10, 40)
    );
    assert_eq!(cam.macs, ["02:00:00:00:00:01"]);
    let alerts = s.alerts(None, 10).unwrap();
    assert_eq!(alerts.len(), 2);
    let k1 = alerts.iter().find(|a| a.last_ns == 40).unwrap();
    assert_eq!((k1.severity.as_str(), k1.first_ns), ("high", 15));
    assert_eq!(s.alerts(Some(cam.id), 10).unwrap().len(), 1);
    assert_eq!(s.integrity_check().unwrap(), "ok");
    assert!(s.device_by_mac("02:00:00:00:00:09").unwrap().is_none());
    // Pages, most recently seen first; open alerts per device.
    assert_eq!(s.device_count().unwrap(), 3);
    let page: Vec<i64> = s
        .devices_page(1, 5)
        .unwrap()
        .iter()
        .map(|d| d.last_ns)
        .collect();
    assert_eq!(page, [40, 20]);
    let open = s.open_alert_counts().unwrap();
    assert_eq!(open.get(&cam.id), Some(&1));
    assert_eq!(open.values().sum::<usize>(), 2);
}

#[test]
fn people_actions_are_recorded() {
    let (_dir, p) = scratch("actions.db");
    let mut s = Store::open(&p).unwrap();
    s.apply(&Batch {
        devices: vec![dev("02:00:00:00:00:01", 10)],
        alerts: vec![alert("k1", "02:00:00:00:00:01", 15, "high")],
    })
    .unwrap();
    let d = s.device_by_mac("02:00:00:00:00:01").unwrap().unwrap();
    let a = s.alerts(None, 1).unwrap().remove(0);
    assert!(s.ack(a.id, "alice", 100).unwrap());
    assert!(!s.ack(a.id + 99, "alice", 100).unwrap());
    assert_eq!(
        s.alert(a.id).unwrap().unwrap().acked,
        Some(("alice".to_string(), 100))
    );
    s.mute(
        &Mute {
            device_id: d.id,
            kind: "scan".into(),
            detail: "mirai".into(),
            until_ns: Some(1_000),
            who: "alice".into(),
        },
        200,
    )
    .unwrap();
    s.mute(
        &Mute {
            device_id: d.id,
            kind: "flood".into(),
            detail: "syn".into(),
            until_ns: None,
            who: "bob".into(),
        },
        300,
    )
    .unwrap();
    assert_eq!(s.mutes(500).unwrap().len(), 2);
    // The timed mute ends; the other stays.
    let left = s.mutes(1_000).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].kind, "flood");
    s.record(&Action {
        ts_ns: 400,
        who: "iotgate".into(),
        device_id: Some(d.id),
        action: "quarantine".into(),
        reason: "high alert".into(),
    })
    .unwrap();
    let acts = s.actions(Some(d.id), 10).unwrap();
    let what: Vec<&str> = acts.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(what, ["quarantine", "mute", "mute", "ack"]);
    // Old alerts and actions go; the device stays. Alerts are aged on the traffic's clock
    // (the newest alert's time, 5,000 here: a replay's traffic is dated in the past), actions
    // on the wall clock (2,000).
    s.apply(&Batch {
        devices: vec![],
        alerts: vec![alert("k2", "02:00:00:00:00:01", 5_000, "low")],
    })
    .unwrap();
    let n = s.prune(2_000, 1_000).unwrap();
    assert!(n >= 5, "{n}");
    let left = s.alerts(None, 10).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].last_ns, 5_000);
    assert!(s.actions(None, 10).unwrap().is_empty());
    assert_eq!(s.devices().unwrap().len(), 1);
}

#[test]
fn users_settings_and_lockout() {
    let (_dir, p) = scratch("users.db");
    let mut s = Store::open(&p).unwrap();
    assert_eq!(s.user_count().unwrap(), 0);
    assert!(s.add_user("alice", "$argon2id$x", "fr", 1).unwrap());
    assert!(!s.add_user("alice", "$argon2id$y", "en", 2).unwrap());
    let u = s.user("alice").unwrap().unwrap();
    assert_eq!((u.hash.as_str(), u.lang.as_str()), ("$argon2id$x", "fr"));
    s.login_result(u.id, false, None).unwrap();
    s.login_result(u.id, false, Some(99)).unwrap();
    let u = s.user("alice").unwrap().unwrap();
    assert_eq!((u.failed, u.locked_until_ns), (2, 99));
    s.login_result(u.id, true, None).unwrap();
    let u = s.user("alice").unwrap().unwrap();
    assert_eq!((u.failed, u.locked_until_ns), (0, 0));
    s.set_user_lang(u.id, "en").unwrap();
    assert_eq!(s.user("alice").unwrap().unwrap().lang, "en");
    assert!(s.user("bob").unwrap().is_none());
    assert_eq!(s.setting("webhook").unwrap(), None);
    s.set_setting("webhook", "https://example.invalid/hook")
        .unwrap();
    s.set_setting("webhook", "https://example.invalid/other")
        .unwrap();
    assert_eq!(
        s.setting("webhook").unwrap().as_deref(),
        Some("https://example.invalid/other")
    );
}

#[test]
fn what_is_not_a_database_is_refused_with_its_path() {
    let (_dir, p) = scratch("garbage.db");
    std::fs::write(
        &p,
        b"this is not a database at all, just some bytes\n".repeat(200),
    )
    .unwrap();
    let e = Store::open(&p).err().expect("refused");
    assert!(
        matches!(e, Error::Open { .. } | Error::Damaged { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("garbage.db"), "{e}");

    // A database from a newer iotgate is refused, not misread.
    let (_dir, p) = scratch("newer.db");
    drop(Store::open(&p).unwrap());
    let c = Connection::open(&p).unwrap();
    c.execute(
        "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
        [],
    )
    .unwrap();
    drop(c);
    let e = Store::open(&p).err().expect("refused");
    assert!(matches!(e, Error::NewerSchema { found: 99, .. }), "{e:?}");

    // A folder that does not exist.
    let e = Store::open(Path::new("/nonexistent-iotgate/x/y.db"))
        .err()
        .expect("refused");
    assert!(matches!(e, Error::Open { .. }), "{e:?}");
}

#[test]
fn the_writer_batches_and_writes_what_is_pending_when_closed() {
    let (_dir, p) = scratch("writer.db");
    let w = writer::Writer::start(&p, std::time::Duration::from_secs(3600)).unwrap();
    for i in 0..50 {
        assert!(w.send(Batch {
            devices: vec![dev(&format!("02:00:00:00:01:{i:02x}"), i)],
            alerts: vec![],
        }));
    }
    // Nothing committed yet (an hour's interval); a reader sees the last commit only.
    let r = Store::open(&p).unwrap();
    assert_eq!(r.devices().unwrap().len(), 0);
    w.flush().unwrap();
    assert_eq!(r.devices().unwrap().len(), 50);
    let created: usize = w.written().iter().map(|x| x.new_devices.len()).sum();
    assert_eq!(created, 50);
    w.send(Batch {
        devices: vec![dev("02:00:00:00:02:00", 99)],
        alerts: vec![],
    });
    let stats = w.close();
    assert_eq!((stats.batches, stats.commits, stats.failures), (51, 2, 0));
    assert_eq!(r.devices().unwrap().len(), 51);
}

proptest::proptest! {
    /// Compacting a batch (what the writer does when it grows) writes the same as the whole.
    #[test]
    fn a_compacted_batch_writes_the_same(
        ups in proptest::collection::vec((0u8..6, proptest::bool::ANY, proptest::bool::ANY), 1..60),
    ) {
        // As snapshots describe them: each update of a device or an alert keeps its first
        // time and moves its last one on.
        let mut b = Batch::default();
        for (i, (m, is_alert, high)) in ups.into_iter().enumerate() {
            let (mac, t) = (format!("02:00:00:00:00:{m:02x}"), 100 + i as i64);
            if is_alert {
                let mut a = alert(&format!("k{m}"), &mac, t, if high { "high" } else { "low" });
                a.first_ns = i64::from(m);
                a.raised_ns = i64::from(m);
                b.alerts.push(a);
            } else {
                let mut d = dev(&mac, t);
                d.first_ns = i64::from(m);
                d.report = format!("{{\"at\":{t}}}");
                b.devices.push(d);
            }
        }
        let mut c = b.clone();
        c.compact();
        // In memory: the same SQL, without a disk write per case.
        let mem = Path::new(":memory:");
        let (mut s1, mut s2) = (Store::open(mem).unwrap(), Store::open(mem).unwrap());
        s1.apply(&b).unwrap();
        s2.apply(&c).unwrap();
        let view = |s: &Store| {
            let mut d: Vec<_> = s.devices().unwrap().into_iter().map(|d| (d.macs, d.first_ns, d.last_ns, d.report)).collect();
            d.sort();
            let mut a: Vec<_> = s.alerts(None, 1000).unwrap().into_iter().map(|a| (a.mac, a.severity, a.first_ns, a.last_ns)).collect();
            a.sort();
            (d, a)
        };
        proptest::prop_assert_eq!(view(&s1), view(&s2));
    }
}

#[test]
fn a_device_back_under_a_random_mac_is_one_device_and_can_be_split() {
    let (_dir, p) = scratch("identity.db");
    let mut s = Store::open(&p).unwrap();
    let phone = |mac: &str, name: &str, t: i64| DeviceUpdate {
        name: Some(name.into()),
        client_id: Some(format!("01{}", mac.replace(':', ""))),
        fingerprint: Some("55:1,3,6,15,119,252".into()),
        software: None,
        ..dev(mac, t)
    };
    // Anne's phone on its first random MAC, with an alert.
    s.apply(&Batch {
        devices: vec![phone("da:a1:19:00:00:01", "Annes-iPhone", 10)],
        alerts: vec![alert("k1", "da:a1:19:00:00:01", 11, "low")],
    })
    .unwrap();
    // Back with a new random MAC (a client id made from it, so it differs too), and Bob's
    // phone of the same model: same fingerprint, another name.
    let w = s
        .apply(&Batch {
            devices: vec![
                phone("2a:b2:19:00:00:02", "Annes-iPhone", 20),
                phone("6e:c3:19:00:00:03", "Bobs-iPhone", 21),
            ],
            alerts: vec![alert("k2", "2a:b2:19:00:00:02", 22, "medium")],
        })
        .unwrap();
    assert_eq!(w.merged.len(), 1, "{w:?}");
    assert_eq!(w.new_devices.len(), 1, "Bob's phone is new: {w:?}");
    let devs = s.devices().unwrap();
    assert_eq!(devs.len(), 2);
    let anne = s.device_by_mac("da:a1:19:00:00:01").unwrap().unwrap();
    assert_eq!(anne.macs, ["2a:b2:19:00:00:02", "da:a1:19:00:00:01"]);
    assert_eq!(anne.last_ns, 22);
    // Both MACs' alerts are on the one device: a merge hides none.
    assert_eq!(s.alerts(Some(anne.id), 10).unwrap().len(), 2);
    let acts = s.actions(Some(anne.id), 10).unwrap();
    assert_eq!(acts[0].action, "merge");
    assert!(acts[0].reason.contains("name-fingerprint"), "{:?}", acts[0]);

    // A maker's MAC never merges, even with the same name and fingerprint.
    let w = s
        .apply(&Batch {
            devices: vec![phone("00:17:88:00:00:04", "Annes-iPhone", 30)],
            alerts: vec![],
        })
        .unwrap();
    assert!(w.merged.is_empty() && w.new_devices.len() == 1, "{w:?}");
    // A name shared by two devices names neither.
    let w = s
        .apply(&Batch {
            devices: vec![phone("5a:00:00:00:00:05", "Annes-iPhone", 40)],
            alerts: vec![],
        })
        .unwrap();
    assert!(w.merged.is_empty(), "ambiguous: {w:?}");

    // The operator splits the wrong merge: the MAC and its alert go to a device of their own.
    let new = s.split("2a:b2:19:00:00:02", "alice", 50).unwrap().unwrap();
    assert_eq!(
        s.device_by_mac("2a:b2:19:00:00:02").unwrap().unwrap().id,
        new
    );
    assert_eq!(s.alerts(Some(new), 10).unwrap().len(), 1);
    assert_eq!(s.alerts(Some(anne.id), 10).unwrap().len(), 1);
    assert_eq!(s.actions(Some(new), 10).unwrap()[0].action, "split");
    // Nothing to split on a device with one MAC, or an unknown MAC.
    assert_eq!(s.split("da:a1:19:00:00:01", "alice", 60).unwrap(), None);
    assert_eq!(s.split("02:00:00:00:00:99", "alice", 60).unwrap(), None);

    // A client identifier that does not come from the MAC recognises the device alone.
    let mut tv = dev("12:00:00:00:00:06", 70);
    tv.client_id = Some("ff00112233".into());
    s.apply(&Batch {
        devices: vec![tv.clone()],
        alerts: vec![],
    })
    .unwrap();
    tv.mac = "3e:00:00:00:00:07".into();
    let w = s
        .apply(&Batch {
            devices: vec![tv],
            alerts: vec![],
        })
        .unwrap();
    assert_eq!(w.merged.len(), 1, "{w:?}");
    assert!(random_mac("da:00:00:00:00:00") && !random_mac("00:17:88:00:00:00"));
    assert!(
        !random_mac("03:00:00:00:00:00"),
        "a group address is no device's"
    );
}

#[test]
fn quarantine_is_kept_released_and_outlives_a_split() {
    let (_dir, p) = scratch("quarantine.db");
    let mut s = Store::open(&p).unwrap();
    s.apply(&Batch {
        devices: vec![dev("02:00:00:00:00:01", 10), dev("02:00:00:00:00:02", 10)],
        alerts: vec![],
    })
    .unwrap();
    let id = s.device_by_mac("02:00:00:00:00:01").unwrap().unwrap().id;
    assert!(!s.quarantine(9999, "ann", "no such device", 5).unwrap());
    assert!(s.quarantine(id, "ann", "scanning", 100).unwrap());
    assert!(
        !s.quarantine(id, "bob", "again", 110).unwrap(),
        "already held"
    );
    s.set_allowed(
        id,
        &["fw.maker.example".into(), "cdn.maker.example".into()],
        "ann",
        120,
    )
    .unwrap();
    // Reopened (a restart): still held, with its names, and who and why.
    drop(s);
    let mut s = Store::open(&p).unwrap();
    let q = s.quarantines().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(
        (q[0].who.as_str(), q[0].reason.as_str()),
        ("ann", "scanning")
    );
    assert_eq!(q[0].allow, vec!["cdn.maker.example", "fw.maker.example"]);
    assert_eq!(q[0].macs, vec!["02:00:00:00:00:01"]);
    assert_eq!(q[0].clean_since_ns, 100);
    // New evidence of an alert on it restarts its clean period (wall time).
    s.apply(&Batch {
        devices: vec![],
        alerts: vec![alert("k", "02:00:00:00:00:01", 20, "high")],
    })
    .unwrap();
    assert!(s.quarantine_of(id).unwrap().unwrap().clean_since_ns > 1_000_000_000_000_000_000);
    assert!(s.release(id, "bob", "cleaned", 200).unwrap());
    assert!(!s.release(id, "bob", "twice", 210).unwrap());
    assert!(s.quarantines().unwrap().is_empty());
    let acts: Vec<String> = s
        .actions(Some(id), 10)
        .unwrap()
        .into_iter()
        .map(|a| format!("{} {} {}", a.who, a.action, a.reason))
        .collect();
    assert_eq!(
        acts,
        vec![
            "bob release cleaned",
            "ann allow fw.maker.example cdn.maker.example",
            "ann quarantine scanning"
        ]
    );
}

#[test]
fn a_mac_split_from_a_quarantined_device_stays_in_quarantine() {
    let (_dir, p) = scratch("qsplit.db");
    let mut s = Store::open(&p).unwrap();
    let mut a = dev("00:11:22:00:00:01", 10);
    a.client_id = Some("ff00aa".into());
    s.apply(&Batch {
        devices: vec![a],
        alerts: vec![],
    })
    .unwrap();
    let mut b = dev("06:11:22:00:00:09", 20);
    b.client_id = Some("ff00aa".into());
    s.apply(&Batch {
        devices: vec![b],
        alerts: vec![],
    })
    .unwrap();
    let d = s.device_by_mac("00:11:22:00:00:01").unwrap().unwrap();
    assert_eq!(d.macs.len(), 2, "merged");
    assert!(s.quarantine(d.id, "ann", "flood", 30).unwrap());
    let new = s.split("06:11:22:00:00:09", "ann", 40).unwrap().unwrap();
    let held: Vec<i64> = s
        .quarantines()
        .unwrap()
        .iter()
        .map(|q| q.device_id)
        .collect();
    assert_eq!(held, vec![d.id, new]);
}

#[test]
fn a_version_1_database_is_brought_up_to_date() {
    let (_dir, p) = scratch("v1.db");
    {
        let c = Connection::open(&p).unwrap();
        c.execute_batch(schema::PRAGMAS).unwrap();
        c.execute_batch(schema::V1).unwrap();
        c.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', '1')",
            [],
        )
        .unwrap();
        c.execute("INSERT INTO devices (first_ns, last_ns) VALUES (1, 2)", [])
            .unwrap();
    }
    let mut s = Store::open(&p).unwrap();
    assert_eq!(s.device_count().unwrap(), 1);
    assert!(s.quarantine(1, "ann", "x", 3).unwrap());
    let v: String = s
        .conn
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(v, VERSION.to_string());
}

#[test]
fn a_mud_profile_is_held_replaced_and_cleared() {
    let (_dir, p) = scratch("mud.db");
    let mut s = Store::open(&p).unwrap();
    s.apply(&Batch {
        devices: vec![dev("02:00:00:00:00:01", 10)],
        alerts: vec![],
    })
    .unwrap();
    let id = s.device_by_mac("02:00:00:00:00:01").unwrap().unwrap().id;
    let mut m = MudProfile {
        device_id: id,
        macs: vec![],
        url: "https://maker.example/a.json".into(),
        profile: "{}".into(),
        source: "operator".into(),
        who: "ann".into(),
        ts_ns: 5,
        report: String::new(),
    };
    s.set_mud(&m).unwrap();
    m.url = "https://maker.example/b.json".into();
    s.set_mud(&m).unwrap();
    drop(s);
    let mut s = Store::open(&p).unwrap();
    let all = s.muds().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].url, "https://maker.example/b.json");
    assert_eq!(all[0].macs, vec!["02:00:00:00:00:01"]);
    assert!(s.clear_mud(id, "ann", 6).unwrap());
    assert!(!s.clear_mud(id, "ann", 7).unwrap());
    assert!(s.mud_of(id).unwrap().is_none());
    let n = s
        .actions(Some(id), 10)
        .unwrap()
        .iter()
        .filter(|a| a.action.starts_with("mud"))
        .count();
    assert_eq!(n, 3);
}

#[test]
fn without_dhcp_a_device_is_known_again_by_its_name_and_software() {
    let (_dir, p) = scratch("software.db");
    let mut s = Store::open(&p).unwrap();
    let with = |mac: &str, t: i64, name: &str, sw: &str| {
        let mut d = dev(mac, t);
        d.name = Some(name.into());
        d.software = Some(sw.into());
        d
    };
    let phone = "ja4:t13d1516h2_8daaf6152771_e5627efa2ab1\nja4:t13d1517h2_8daaf6152771_b1ff8ab2d16f\nua:Photos/8.1";
    s.apply(&Batch {
        devices: vec![with("02:aa:00:00:00:01", 10, "Annes-iPhone", phone)],
        alerts: vec![],
    })
    .unwrap();
    // Back on a new random MAC, named the same over mDNS, one of its fingerprints so far.
    let w = s
        .apply(&Batch {
            devices: vec![with(
                "06:bb:00:00:00:02",
                20,
                "Annes-iPhone",
                "ja4:t13d1516h2_8daaf6152771_e5627efa2ab1",
            )],
            alerts: vec![],
        })
        .unwrap();
    assert_eq!(w.merged.len(), 1, "{w:?}");
    // The same name with software the first never showed: another device.
    let w = s
        .apply(&Batch {
            devices: vec![with(
                "0a:cc:00:00:00:03",
                30,
                "Annes-iPhone",
                "ja4:t13d1516h2_8daaf6152771_e5627efa2ab1\nua:SomethingElse/1",
            )],
            alerts: vec![],
        })
        .unwrap();
    assert!(w.merged.is_empty() && w.new_devices.len() == 1, "{w:?}");
    // What each MAC showed is kept on it; the device's software is their union.
    let sw: String = s
        .conn
        .query_row(
            "SELECT group_concat(software, char(10)) FROM device_macs WHERE device_id =
                 (SELECT device_id FROM device_macs WHERE mac = '06:bb:00:00:00:02')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut got: Vec<&str> = sw.lines().collect();
    got.sort();
    got.dedup();
    assert_eq!(got.join("\n"), phone);
    // A maker's MAC never merges, whatever it shows.
    let w = s
        .apply(&Batch {
            devices: vec![with(
                "f0:18:98:00:00:04",
                40,
                "Annes-iPhone",
                "ua:Photos/8.1",
            )],
            alerts: vec![],
        })
        .unwrap();
    assert!(w.merged.is_empty(), "{w:?}");
}
