//! Memory-mapped captures that shrink while they are read.
//!
//! A read from a mapped page that lies wholly past the end of its file (another process
//! truncated the capture: a rotating `tcpdump -C`, a copy being rewritten) raises `SIGBUS`,
//! which kills the process. Every mapping of a capture is registered here as a region, and one
//! process-wide `SIGBUS` handler repairs faults inside a registered region: it maps zero-filled
//! anonymous pages over the rest of the region (from the faulting page on, `MAP_FIXED`), counts
//! the fault and returns, so the read runs again and sees zeros instead of killing the process.
//! The reader notices the count change on its next record ([`Watch::shrank`], one relaxed load
//! per packet), measures how much of the file is left and stops there with a truncation
//! warning: the packets before the damage and a warning, never a signal. systemd's journal
//! reader survives truncated journal files the same way.
//!
//! Faults outside every region (a genuine bus error, a stack overflow) go to the handler that
//! was installed before (Rust's own, which reports stack overflows), or to the default action.

use std::path::Path;

#[cfg(target_os = "linux")]
mod imp {
    use std::cell::UnsafeCell;
    use std::mem::MaybeUninit;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Once;

    /// Regions at once: more than the kernel's default `vm.max_map_count` (65,530 mappings), so
    /// the table cannot fill before the mappings themselves run out.
    const SLOTS: usize = 1 << 16;

    /// One registered mapping: `[start, end)` in the address space.
    pub(crate) struct Slot {
        start: AtomicUsize,
        end: AtomicUsize,
        /// Faults repaired in this region.
        pub(super) faults: AtomicUsize,
        /// Offset (from `start`) of the lowest page that faulted.
        pub(super) first_fault: AtomicUsize,
    }

    impl Slot {
        const fn new() -> Slot {
            Slot {
                start: AtomicUsize::new(0),
                end: AtomicUsize::new(0),
                faults: AtomicUsize::new(0),
                first_fault: AtomicUsize::new(usize::MAX),
            }
        }
    }

    // Zero-initialised: in the process's .bss, and only the pages of slots in use are touched.
    static TABLE: [Slot; SLOTS] = [const { Slot::new() }; SLOTS];
    /// Every slot in use is below this index (the handler scans no further).
    static HIGH: AtomicUsize = AtomicUsize::new(0);
    /// Where the next registration starts looking for a free slot.
    static HINT: AtomicUsize = AtomicUsize::new(0);
    static PAGE: AtomicUsize = AtomicUsize::new(4096);
    static INSTALL: Once = Once::new();
    static INSTALLED: AtomicBool = AtomicBool::new(false);

    /// The `SIGBUS` action that was in place before ours; written once, before ours is
    /// installed, and only read afterwards (by the handler).
    struct Previous(UnsafeCell<MaybeUninit<libc::sigaction>>);
    // SAFETY: written once inside `INSTALL` before the handler that reads it can run.
    unsafe impl Sync for Previous {}
    static PREVIOUS: Previous = Previous(UnsafeCell::new(MaybeUninit::zeroed()));

    fn install() {
        INSTALL.call_once(|| {
            // SAFETY: sysconf and sigaction with valid pointers; the previous action is saved
            // before ours replaces it.
            unsafe {
                let page = libc::sysconf(libc::_SC_PAGESIZE);
                if page > 0 {
                    PAGE.store(page as usize, Ordering::Relaxed);
                }
                let prev = (*PREVIOUS.0.get()).as_mut_ptr();
                if libc::sigaction(libc::SIGBUS, std::ptr::null(), prev) != 0 {
                    return;
                }
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_sigbus as *const () as libc::sighandler_t;
                new.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut new.sa_mask);
                if libc::sigaction(libc::SIGBUS, &new, std::ptr::null_mut()) == 0 {
                    INSTALLED.store(true, Ordering::Release);
                }
            }
        });
    }

    /// Registers the mapping `[start, start + len)`; the slot's index, or `None` when the
    /// handler could not be installed or the table is full (the mapping is then unprotected).
    pub(crate) fn register(start: usize, len: usize) -> Option<usize> {
        install();
        if !INSTALLED.load(Ordering::Acquire) || start == 0 || len == 0 {
            return None;
        }
        let from = HINT.load(Ordering::Relaxed) % SLOTS;
        for k in 0..SLOTS {
            let i = (from + k) % SLOTS;
            let s = &TABLE[i];
            if s.start
                .compare_exchange(0, start, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                s.faults.store(0, Ordering::Relaxed);
                s.first_fault.store(usize::MAX, Ordering::Relaxed);
                // The handler ignores the slot until its end is set.
                s.end.store(start.saturating_add(len), Ordering::Release);
                HIGH.fetch_max(i + 1, Ordering::AcqRel);
                HINT.store(i + 1, Ordering::Relaxed);
                return Some(i);
            }
        }
        None
    }

    /// Frees a slot; called before the mapping is removed.
    pub(crate) fn unregister(i: usize) {
        let s = &TABLE[i];
        s.end.store(0, Ordering::Release);
        s.start.store(0, Ordering::Release);
    }

    pub(crate) fn slot(i: usize) -> &'static Slot {
        &TABLE[i]
    }

    /// Runs on `SIGBUS`. Only async-signal-safe work: atomics, `mmap`, `sigaction`.
    extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler.
        let (code, addr) = unsafe { ((*info).si_code, (*info).si_addr() as usize) };
        // A kernel-raised fault (si_code > 0) carries the faulting address; a signal sent by a
        // process (kill, sigqueue) does not, and is never ours.
        if code > 0 {
            let page = PAGE.load(Ordering::Relaxed);
            let n = HIGH.load(Ordering::Acquire).min(SLOTS);
            for s in &TABLE[..n] {
                let start = s.start.load(Ordering::Acquire);
                if start == 0 || addr < start {
                    continue;
                }
                let end = s.end.load(Ordering::Acquire);
                if addr >= end {
                    continue;
                }
                let from = addr & !(page - 1);
                let to = end.saturating_add(page - 1) & !(page - 1);
                // SAFETY: replaces pages of a read-only file mapping this process made and still
                // holds (the slot is freed before the mapping is removed) with zero-filled ones.
                let p = unsafe {
                    libc::mmap(
                        from as *mut libc::c_void,
                        to - from,
                        libc::PROT_READ,
                        libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                        -1,
                        0,
                    )
                };
                if p != libc::MAP_FAILED {
                    s.first_fault.fetch_min(from - start, Ordering::AcqRel);
                    s.faults.fetch_add(1, Ordering::Release);
                    return;
                }
                break;
            }
        }
        // SAFETY: PREVIOUS was written before this handler was installed.
        unsafe { chain(sig, info, ctx) }
    }

    /// Hands a fault that is not ours to the action that was in place before.
    unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        let prev = &*(*PREVIOUS.0.get()).as_ptr();
        let h = prev.sa_sigaction;
        if h == libc::SIG_DFL || h == libc::SIG_IGN {
            // Back to the default action; the faulting access runs again and the signal ends
            // the process as it would have without us.
            let mut dfl: libc::sigaction = std::mem::zeroed();
            dfl.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(sig, &dfl, std::ptr::null_mut());
            return;
        }
        if prev.sa_flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                std::mem::transmute(h);
            f(sig, info, ctx);
        } else {
            let f: extern "C" fn(libc::c_int) = std::mem::transmute(h);
            f(sig);
        }
    }
}

/// A registered mapping; unregisters when dropped (drop it before the mapping itself).
pub(crate) struct Region {
    #[cfg(target_os = "linux")]
    slot: usize,
}

impl Region {
    /// Registers `bytes`, a mapping of a file, so that the file shrinking underneath a read
    /// cannot kill the process. `None` when that protection is not available.
    pub(crate) fn register(bytes: &[u8]) -> Option<Region> {
        #[cfg(target_os = "linux")]
        {
            imp::register(bytes.as_ptr() as usize, bytes.len()).map(|slot| Region { slot })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = bytes;
            None
        }
    }

    /// What a reader of this region watches: `path` is the file, `mapped` the length mapped.
    pub(crate) fn watch<'a>(&self, path: &'a Path, mapped: usize) -> Watch<'a> {
        #[cfg(target_os = "linux")]
        {
            let slot = imp::slot(self.slot);
            Watch {
                slot,
                seen: slot.faults.load(std::sync::atomic::Ordering::Acquire),
                path,
                mapped,
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            Watch {
                path,
                mapped,
                _p: (),
            }
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for Region {
    fn drop(&mut self) {
        imp::unregister(self.slot);
    }
}

/// A reader's view of its region: whether the file shrank since it last looked.
#[derive(Clone, Copy)]
pub(crate) struct Watch<'a> {
    #[cfg(target_os = "linux")]
    slot: &'static imp::Slot,
    #[cfg(target_os = "linux")]
    seen: usize,
    path: &'a Path,
    mapped: usize,
    #[cfg(not(target_os = "linux"))]
    _p: (),
}

impl Watch<'_> {
    /// True when a read faulted past the end of the file since [`Watch::valid_len`] last ran.
    #[inline(always)]
    pub(crate) fn shrank(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            self.slot.faults.load(std::sync::atomic::Ordering::Relaxed) != self.seen
        }
        #[cfg(not(target_os = "linux"))]
        false
    }

    /// How many bytes from the start of the mapping still hold the file's own bytes: the file's
    /// size now, and never past the first page that faulted (zeros from there on). Marks the
    /// faults so far as seen.
    #[cold]
    pub(crate) fn valid_len(&mut self) -> usize {
        #[cfg(target_os = "linux")]
        let fault = {
            use std::sync::atomic::Ordering;
            self.seen = self.slot.faults.load(Ordering::Acquire);
            self.slot.first_fault.load(Ordering::Acquire)
        };
        #[cfg(not(target_os = "linux"))]
        let fault = usize::MAX;
        let now = std::fs::metadata(self.path)
            .ok()
            .and_then(|m| usize::try_from(m.len()).ok())
            .unwrap_or(usize::MAX);
        now.min(fault).min(self.mapped)
    }
}
