//! Flow exports decoded (issue 18, `iotgate collect`): NetFlow v5 (fixed records), NetFlow v9
//! (RFC 3954) and IPFIX (RFC 7011) export packets into flow records; sFlow v5 in [`sflow`]. Templates are kept per
//! exporter, observation domain (v9: source id) and template id, withdrawn as RFC 7011 says,
//! aged out, and bounded in number: a flood of new templates evicts the oldest, never grows
//! memory. Nothing in a packet can make the decoder panic; what it cannot read is counted.

pub mod export;
mod ie;
pub mod meter;
pub mod sflow;
pub mod stitch;
pub mod subscribers;

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Templates kept at once, over every exporter.
pub const MAX_TEMPLATES: usize = 16_384;
/// Fields one template may have (more is refused).
pub const MAX_FIELDS: usize = 128;
/// A template not seen again for this long (export time, seconds) is forgotten.
pub const TEMPLATE_AGE_S: u32 = 30 * 60;

/// What identifies an export packet for its exporter: (export time in seconds, sequence
/// number, observation domain), from its header — NetFlow v5 and v9, IPFIX; `None` for other
/// packets. A packet sent again (a retried publish) has the same; the next one another.
pub fn packet_id(pkt: &[u8]) -> Option<(u32, u32, u32)> {
    let be = |o: usize| -> Option<u32> {
        pkt.get(o..o + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    match pkt.get(..2)? {
        [0, 5] => Some((
            be(8)?,
            be(16)?,
            u32::from(*pkt.get(20)?) << 8 | u32::from(*pkt.get(21)?),
        )),
        [0, 9] => Some((be(8)?, be(12)?, be(16)?)),
        [0, 10] => Some((be(4)?, be(8)?, be(12)?)),
        _ => None,
    }
}

/// One flow as an exporter reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The exporter (the export packet's source address).
    pub exporter: IpAddr,
    /// Observation domain (IPFIX), source id (v9), engine type and id (v5).
    pub domain: u32,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port (0 without ports).
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// IP protocol number.
    pub proto: u8,
    /// Packets, as exported (before any sampling correction); None when the record has no
    /// count (a NAT event, a firewall log).
    pub packets: Option<u64>,
    /// Bytes, as exported; None when the record has no count.
    pub bytes: Option<u64>,
    /// First packet, ms since 1970, when the record says.
    pub start_ms: Option<i64>,
    /// Last packet, ms since 1970, when the record says.
    pub end_ms: Option<i64>,
    /// TCP flags seen (OR of every packet's).
    pub tcp_flags: u8,
    /// One packet in this many was sampled, when the exporter says.
    pub sampling: Option<u32>,
    /// Source MAC, when the exporter reports it (IPFIX sourceMacAddress, a home router's
    /// export): the engine then knows the device behind the address.
    pub src_mac: Option<[u8; 6]>,
    /// Destination MAC, when reported.
    pub dst_mac: Option<[u8; 6]>,
}

/// What the decoder did, and what it could not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Export packets read.
    pub packets: u64,
    /// Flow records produced.
    pub records: u64,
    /// Packets that were not NetFlow v5/v9 or IPFIX, or were cut short or inconsistent.
    pub malformed: u64,
    /// Data records skipped because their template was unknown (not yet sent, or forgotten).
    pub no_template: u64,
    /// Data records with neither addresses (options, statistics).
    pub not_flows: u64,
    /// Templates learnt (or replaced).
    pub templates_learnt: u64,
    /// Templates evicted because the table was full.
    pub templates_evicted: u64,
    /// Templates forgotten because they were not sent again in time.
    pub templates_expired: u64,
    /// Templates withdrawn by their exporter.
    pub templates_withdrawn: u64,
}

/// Which of the three formats a template belongs to (their field numbers differ slightly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    V9,
    Ipfix,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    exporter: IpAddr,
    domain: u32,
    kind: Kind,
    id: u16,
}

/// One field of a template: its element id (enterprise fields are kept as unknown), and its
/// length (`u16::MAX`: variable, IPFIX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    id: u16,
    enterprise: bool,
    len: u16,
}

#[derive(Debug, Clone)]
struct Template {
    fields: Vec<Field>,
    /// The template record as it came (header and fields): a resend with the same bytes is
    /// recognised by one comparison, before any field is read.
    raw: Box<[u8]>,
    /// An options template (its records describe the exporter, not flows).
    options: bool,
    seen_s: u32,
    /// For a flow template whose fields all have fixed lengths: where the fields iotgate
    /// reads sit in each record, so a record is read without walking every field.
    plan: Option<Plan>,
    /// The shortest a data record can be (a variable-length field counts one byte).
    min_len: usize,
}

/// Where the fields read sit in a fixed-length data record.
#[derive(Debug, Clone)]
struct Plan {
    /// The record's length, bytes.
    len: usize,
    /// (offset, length, element id) of each field read, in template order.
    steps: Vec<(usize, usize, u16)>,
}

impl Plan {
    /// The plan of `fields`, unless one has a variable length (or the record none).
    fn of(fields: &[Field], options: bool) -> Option<Plan> {
        if options || fields.iter().any(|f| f.len == u16::MAX) {
            return None;
        }
        let mut at = 0;
        let mut steps = Vec::new();
        for f in fields {
            let len = usize::from(f.len);
            if !f.enterprise && ie::Fields::reads(f.id) {
                steps.push((at, len, f.id));
            }
            at += len;
        }
        (at > 0).then_some(Plan { len: at, steps })
    }
}

/// The shortest data record `fields` describe (a variable-length field counts one byte).
fn min_len(fields: &[Field]) -> usize {
    fields
        .iter()
        .map(|f| {
            if f.len == u16::MAX {
                1
            } else {
                usize::from(f.len)
            }
        })
        .sum()
}

/// What an exporter's options records declared, per observation domain: its sampling rate
/// and when it started (systemInitTimeMilliseconds, which IPFIX times relative to the
/// exporter's uptime need: IPFIX headers, unlike v9's, carry no uptime).
#[derive(Debug, Default, Clone, Copy)]
struct Declared {
    sampling: Option<u32>,
    init_ms: Option<u64>,
}

/// Decodes export packets; keeps the templates and what exporters declared in options
/// records (sampling rates, start times).
#[derive(Debug, Default)]
pub struct Decoder {
    templates: HashMap<Key, Template, foldhash::fast::RandomState>,
    order: VecDeque<Key>,
    /// At most [`MAX_TEMPLATES`] exporter and domain pairs; a new one is not kept beyond.
    declared: HashMap<(IpAddr, u32), Declared, foldhash::fast::RandomState>,
    /// A template's fields as read, before they are kept (reused: exporters resend their
    /// templates often, and a template sent again unchanged is only refreshed).
    scratch: Vec<Field>,
    /// What it did.
    pub stats: Stats,
}

fn be(b: &[u8]) -> u64 {
    match *b {
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_be_bytes([a, b])),
        [a, b, c, d] => u64::from(u32::from_be_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => u64::from_be_bytes([a, b, c, d, e, f, g, h]),
        _ => b.iter().take(8).fold(0u64, |a, x| (a << 8) | u64::from(*x)),
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

impl Decoder {
    /// A decoder with no template.
    pub fn new() -> Self {
        Self::default()
    }

    /// Templates kept now.
    pub fn template_count(&self) -> usize {
        self.templates.len()
    }

    /// Decodes one export packet from `exporter` (NetFlow v5, v9, IPFIX or sFlow v5),
    /// appending its flow records to `out`.
    pub fn decode(&mut self, exporter: IpAddr, pkt: &[u8], out: &mut Vec<Record>) {
        self.stats.packets += 1;
        let before = out.len();
        let ok = match u16_at(pkt, 0) {
            Some(5) => self.v5(exporter, pkt, out),
            Some(9) => self.v9(exporter, pkt, out),
            Some(10) => self.ipfix(exporter, pkt, out),
            // sFlow's version is a 32-bit word: 0, 5.
            Some(0) if u32_at(pkt, 0) == Some(5) => sflow::decode(exporter, pkt, out),
            _ => false,
        };
        if !ok {
            self.stats.malformed += 1;
        }
        self.stats.records += (out.len() - before) as u64;
    }

    fn v5(&mut self, exporter: IpAddr, p: &[u8], out: &mut Vec<Record>) -> bool {
        let (Some(count), Some(uptime), Some(secs), Some(nsecs)) =
            (u16_at(p, 2), u32_at(p, 4), u32_at(p, 8), u32_at(p, 12))
        else {
            return false;
        };
        let (engine, sampling) = match (p.get(20..22), u16_at(p, 22)) {
            (Some(e), Some(s)) => (u32::from(e[0]) << 8 | u32::from(e[1]), s & 0x3fff),
            _ => return false,
        };
        let now_ms = i64::from(secs) * 1000 + i64::from(nsecs / 1_000_000);
        let at = |up: u32| now_ms - (i64::from(uptime) - i64::from(up));
        let count = usize::from(count);
        if count == 0 || count > 30 || p.len() < 24 + count * 48 {
            return false;
        }
        for r in p[24..24 + count * 48].chunks_exact(48) {
            let v4 = |o: usize| IpAddr::V4(Ipv4Addr::new(r[o], r[o + 1], r[o + 2], r[o + 3]));
            out.push(Record {
                exporter,
                domain: engine,
                src: v4(0),
                dst: v4(4),
                sport: u16::from_be_bytes([r[32], r[33]]),
                dport: u16::from_be_bytes([r[34], r[35]]),
                proto: r[38],
                packets: Some(be(&r[16..20])),
                bytes: Some(be(&r[20..24])),
                start_ms: Some(at(be(&r[24..28]) as u32)),
                end_ms: Some(at(be(&r[28..32]) as u32)),
                tcp_flags: r[37],
                sampling: (sampling > 1).then_some(u32::from(sampling)),
                src_mac: None,
                dst_mac: None,
            });
        }
        true
    }

    fn v9(&mut self, exporter: IpAddr, p: &[u8], out: &mut Vec<Record>) -> bool {
        let (Some(uptime), Some(secs), Some(domain)) = (u32_at(p, 4), u32_at(p, 8), u32_at(p, 16))
        else {
            return false;
        };
        let clock = Clock {
            export_s: secs,
            uptime_ms: Some(uptime),
        };
        self.sets(exporter, domain, Kind::V9, &p[20..], clock, out)
    }

    fn ipfix(&mut self, exporter: IpAddr, p: &[u8], out: &mut Vec<Record>) -> bool {
        let (Some(len), Some(secs), Some(domain)) = (u16_at(p, 2), u32_at(p, 4), u32_at(p, 12))
        else {
            return false;
        };
        let len = usize::from(len);
        if len < 16 || len > p.len() {
            return false;
        }
        let clock = Clock {
            export_s: secs,
            uptime_ms: None,
        };
        self.sets(exporter, domain, Kind::Ipfix, &p[16..len], clock, out)
    }

    /// The sets (v9: flowsets) of one packet.
    fn sets(
        &mut self,
        exporter: IpAddr,
        domain: u32,
        kind: Kind,
        mut b: &[u8],
        clock: Clock,
        out: &mut Vec<Record>,
    ) -> bool {
        let (tmpl, opts) = match kind {
            Kind::V9 => (0, 1),
            Kind::Ipfix => (2, 3),
        };
        let mut ok = true;
        while b.len() >= 4 {
            let (Some(id), Some(len)) = (u16_at(b, 0), u16_at(b, 2)) else {
                break;
            };
            let len = usize::from(len);
            if len < 4 || len > b.len() {
                return false;
            }
            if id == tmpl || id == opts {
                let body = &b[4..len];
                ok &= self.templates_in(exporter, domain, kind, id == opts, body, clock.export_s);
                b = &b[len..];
            } else if id >= 256 {
                // The data sets of this template that follow (some exporters send one record
                // per set): one template lookup for all of them.
                let mut end = len;
                while let (Some(next), Some(l)) = (u16_at(b, end), u16_at(b, end + 2)) {
                    let l = usize::from(l);
                    if next != id || l < 4 || l > b.len() - end {
                        break;
                    }
                    end += l;
                }
                self.data(exporter, domain, kind, id, &b[..end], clock, out);
                b = &b[end..];
            } else {
                b = &b[len..];
            }
        }
        ok
    }

    /// Learns (or withdraws) the templates of one template or options-template set.
    fn templates_in(
        &mut self,
        exporter: IpAddr,
        domain: u32,
        kind: Kind,
        options: bool,
        mut b: &[u8],
        now_s: u32,
    ) -> bool {
        while b.len() >= 4 {
            let (Some(id), Some(count)) = (u16_at(b, 0), u16_at(b, 2)) else {
                return false;
            };
            let mut at = 4;
            // Options templates: v9 gives the scope and option lengths in bytes, IPFIX the
            // field count then the scope field count.
            let fields = if options {
                match kind {
                    Kind::V9 => {
                        let Some(opt_len) = u16_at(b, 4) else {
                            return false;
                        };
                        at = 6;
                        (usize::from(count) + usize::from(opt_len)) / 4
                    }
                    Kind::Ipfix => {
                        at = 6;
                        usize::from(count)
                    }
                }
            } else {
                usize::from(count)
            };
            let key = Key {
                exporter,
                domain,
                kind,
                id,
            };
            if fields == 0 && kind == Kind::Ipfix {
                // Withdrawal (RFC 7011 8.1): one template, or all of the set's kind (id 2, 3).
                if id == 2 || id == 3 {
                    let before = self.templates.len();
                    self.templates.retain(|k, t| {
                        !(k.exporter == exporter
                            && k.domain == domain
                            && k.kind == kind
                            && t.options == (id == 3))
                    });
                    self.stats.templates_withdrawn += (before - self.templates.len()) as u64;
                } else if self.templates.remove(&key).is_some() {
                    self.stats.templates_withdrawn += 1;
                }
                b = b.get(at..).unwrap_or(&[]);
                continue;
            }
            if fields == 0 || fields > MAX_FIELDS {
                return false;
            }
            // Exporters resend their templates unchanged, often in every packet.
            if let Some(t) = self.templates.get_mut(&key) {
                if t.options == options && b.starts_with(&t.raw) {
                    self.stats.templates_learnt += 1;
                    t.seen_s = now_s;
                    b = &b[t.raw.len()..];
                    continue;
                }
            }
            let mut fs = std::mem::take(&mut self.scratch);
            fs.clear();
            for _ in 0..fields {
                let (Some(t), Some(l)) = (u16_at(b, at), u16_at(b, at + 2)) else {
                    return false;
                };
                at += 4;
                let enterprise = kind == Kind::Ipfix && t & 0x8000 != 0;
                if enterprise {
                    at += 4;
                    if at > b.len() {
                        return false;
                    }
                }
                fs.push(Field {
                    id: t & 0x7fff,
                    enterprise,
                    len: l,
                });
            }
            match self.templates.get_mut(&key) {
                Some(t) if t.options == options && t.fields == fs => {
                    self.stats.templates_learnt += 1;
                    t.seen_s = now_s;
                    t.raw = b[..at].into();
                }
                _ => self.learn(
                    key,
                    Template {
                        plan: Plan::of(&fs, options),
                        min_len: min_len(&fs),
                        fields: fs.clone(),
                        raw: b[..at].into(),
                        options,
                        seen_s: now_s,
                    },
                ),
            }
            self.scratch = fs;
            b = b.get(at..).unwrap_or(&[]);
        }
        true
    }

    fn learn(&mut self, key: Key, t: Template) {
        self.stats.templates_learnt += 1;
        if self.templates.insert(key, t).is_none() {
            self.order.push_back(key);
            while self.templates.len() > MAX_TEMPLATES {
                let Some(old) = self.order.pop_front() else {
                    break;
                };
                if self.templates.remove(&old).is_some() {
                    self.stats.templates_evicted += 1;
                }
            }
            // The order list keeps keys removed otherwise (withdrawn, expired): trim it.
            if self.order.len() > 2 * MAX_TEMPLATES {
                let live = &self.templates;
                self.order.retain(|k| live.contains_key(k));
            }
        }
    }

    /// The records of a run of data sets of template `id`, one after another (each set's
    /// header and length already checked).
    #[allow(clippy::too_many_arguments)]
    fn data(
        &mut self,
        exporter: IpAddr,
        domain: u32,
        kind: Kind,
        id: u16,
        run: &[u8],
        clock: Clock,
        out: &mut Vec<Record>,
    ) {
        let key = Key {
            exporter,
            domain,
            kind,
            id,
        };
        let Some(t) = self.templates.get(&key) else {
            self.stats.no_template += set_bodies(run).count() as u64;
            return;
        };
        if clock.export_s.saturating_sub(t.seen_s) > TEMPLATE_AGE_S {
            self.templates.remove(&key);
            self.stats.templates_expired += 1;
            self.stats.no_template += set_bodies(run).count() as u64;
            return;
        }
        // Borrowed apart: the template is read while the sampling table and the counts change
        // (no copy of the template per packet).
        let Decoder {
            templates,
            declared,
            stats,
            ..
        } = self;
        let Some(t) = templates.get(&key) else { return };
        if t.min_len == 0 {
            return;
        }
        // What the exporter declared, looked up once for the run (only an options set adds
        // to it, and a run is of one template).
        let known = if t.options {
            Declared::default()
        } else {
            declared
                .get(&(exporter, domain))
                .copied()
                .unwrap_or_default()
        };
        for b in set_bodies(run) {
            records_in(t, b, exporter, domain, clock, known, declared, stats, out);
        }
    }
}

/// The bodies of a run of sets whose headers were checked ([`Decoder::sets`]).
fn set_bodies(mut run: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        let len = usize::from(u16_at(run, 2)?);
        let body = run.get(4..len)?;
        run = &run[len..];
        Some(body)
    })
}

/// The records of one data set `b` of template `t`; an options set's declarations go to
/// `declared` instead.
#[allow(clippy::too_many_arguments)]
fn records_in(
    t: &Template,
    mut b: &[u8],
    exporter: IpAddr,
    domain: u32,
    clock: Clock,
    known: Declared,
    declared: &mut HashMap<(IpAddr, u32), Declared, foldhash::fast::RandomState>,
    stats: &mut Stats,
    out: &mut Vec<Record>,
) {
    if let Some(plan) = &t.plan {
        // Fixed lengths: each record read at the plan's offsets (what is left over,
        // shorter than a record, is padding).
        for rec in b.chunks_exact(plan.len) {
            let mut r = ie::Fields::default();
            for &(at, len, id) in &plan.steps {
                if let Some(v) = rec.get(at..at + len) {
                    r.set(id, v);
                }
            }
            emit(&r, exporter, domain, clock, known, out, stats);
        }
        return;
    }
    while b.len() >= t.min_len {
        let mut r = ie::Fields::default();
        let mut at = 0usize;
        for f in &t.fields {
            let len = if f.len == u16::MAX {
                // IPFIX variable length: one byte, or 255 and two bytes.
                match b.get(at) {
                    Some(255) => {
                        let Some(l) = u16_at(b, at + 1) else { return };
                        at += 3;
                        usize::from(l)
                    }
                    Some(l) => {
                        at += 1;
                        usize::from(*l)
                    }
                    None => return,
                }
            } else {
                usize::from(f.len)
            };
            let Some(v) = b.get(at..at + len) else { return };
            at += len;
            if !f.enterprise {
                r.set(f.id, v);
            }
        }
        b = &b[at..];
        if t.options {
            let (rate, init) = (r.sampling(), r.init_ms());
            if rate.is_some() || init.is_some() {
                let k = (exporter, domain);
                if declared.len() < MAX_TEMPLATES || declared.contains_key(&k) {
                    let d = declared.entry(k).or_default();
                    d.sampling = rate.or(d.sampling);
                    d.init_ms = init.or(d.init_ms);
                }
            }
            continue;
        }
        emit(&r, exporter, domain, clock, known, out, stats);
    }
}

/// The flow record one data record gathered into `r` makes, with the sampling rate it or
/// its exporter declared; a data record naming no flow is counted instead.
fn emit(
    r: &ie::Fields,
    exporter: IpAddr,
    domain: u32,
    clock: Clock,
    known: Declared,
    out: &mut Vec<Record>,
    stats: &mut Stats,
) {
    match r.record(exporter, domain, clock, known.init_ms) {
        Some(mut rec) => {
            rec.sampling = r.sampling().or(known.sampling);
            out.push(rec);
        }
        None => stats.not_flows += 1,
    }
}

/// The times a packet gives, to turn record times into wall time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    /// Export time, seconds since 1970.
    pub export_s: u32,
    /// The exporter's uptime at export, ms (v9).
    pub uptime_ms: Option<u32>,
}

pub(crate) fn v4(b: &[u8]) -> Option<IpAddr> {
    let a: [u8; 4] = b.try_into().ok()?;
    Some(IpAddr::V4(Ipv4Addr::from(a)))
}

pub(crate) fn v6(b: &[u8]) -> Option<IpAddr> {
    let a: [u8; 16] = b.try_into().ok()?;
    Some(IpAddr::V6(Ipv6Addr::from(a)))
}

pub(crate) fn uint(b: &[u8]) -> u64 {
    be(b)
}

#[cfg(test)]
mod tests;
