//! The engine under every command (the pipeline's middle, sources → wire → observe → judge):
//! a [`Session`] built from one [`SessionConfig`] takes packets or flow records, lets time
//! advance on a quiet network, gives a [`Snapshot`] at any moment and a final one at the end.
//! [`run`] feeds a session from capture files (on one or two threads), pipes and live
//! interfaces. Snapshots are typed state and so is their report ([`Snapshot::report`]): words
//! come only when a renderer writes it, in the reader's language.
//!
//! A gateway daemon owns its session on the capture thread and hands snapshots to whoever asks
//! (a web page, in the asker's language), between two packets:
//!
//! ```no_run
//! use iotgate_pipeline::{Session, SessionConfig, Snapshot};
//! use iotgate_sources::{LiveCapture, Next, PacketSource};
//! use std::sync::mpsc;
//! use std::time::{Duration, SystemTime, UNIX_EPOCH};
//!
//! fn serve(iface: &str, asks: mpsc::Receiver<mpsc::Sender<Snapshot>>) -> std::io::Result<()> {
//!     let mut capture = LiveCapture::open(iface, Duration::from_millis(250))?;
//!     let mut session = Session::new(SessionConfig::detecting());
//!     loop {
//!         match capture.next() {
//!             Next::Packet(p) => session.push_packet(&p),
//!             // Nothing for a quarter of a second: time still passes, flows end, windows close.
//!             Next::Idle => {
//!                 let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
//!                 session.advance(now.as_nanos() as i64);
//!             }
//!             Next::End => return Err(capture.error().map_or_else(
//!                 || std::io::Error::other("capture closed"),
//!                 |e| std::io::Error::new(e.kind(), e.to_string()),
//!             )),
//!         }
//!         for reply in asks.try_iter() {
//!             let _ = reply.send(session.snapshot());
//!         }
//!         for alert in session.alerts_raised() {
//!             let _ = alert; // notify, quarantine (not repeated: keep the count already seen)
//!         }
//!     }
//! }
//! ```
//!
//! An ISP collector decodes NetFlow/IPFIX per exporter and feeds the records; the exporter's
//! clock moves time:
//!
//! ```
//! use iotgate_pipeline::{FlowRecord, Session, SessionConfig};
//! use iotgate_wire::Mac;
//!
//! let mut session = Session::new(SessionConfig::detecting());
//! let t0 = 1_700_000_000_000_000_000i64;
//! for i in 0..300u32 {
//!     // A subscriber's device probing Telnet on address after address, never answered.
//!     session.push_record(&FlowRecord {
//!         src: [192, 168, 1, 20].into(),
//!         dst: std::net::Ipv4Addr::from(0x2d00_0000 + i * 104_729).into(),
//!         sport: 40_000 + i as u16,
//!         dport: 23,
//!         proto: 6,
//!         packets: [1, 0],
//!         bytes: [40, 0],
//!         tcp_flags: [0x02, 0],
//!         start_ns: t0 + i64::from(i) * 50_000_000,
//!         end_ns: t0 + i64::from(i) * 50_000_000,
//!         src_mac: Some(Mac([0x02, 0, 0, 0, 0, 0x14])),
//!         dst_mac: None,
//!     });
//! }
//! session.advance(t0 + 60_000_000_000);
//! let snapshot = session.snapshot();
//! let alerts = snapshot.alerts.as_deref().unwrap_or_default();
//! assert!(alerts.iter().any(|a| a.kind == iotgate_judge::detect::Kind::Scan));
//! ```

pub mod flowfeed;
pub mod indicator;
pub mod run;
mod session;

pub use iotgate_observe::FlowRecord;
pub use run::{analyze_files, default_threads, open_all, run_files, run_source, wall_ns, Stop};
pub use session::{DetectSettings, Outcome, Session, SessionConfig, Snapshot};
