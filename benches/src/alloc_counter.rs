//! A global allocator that counts allocations and tracks bytes in use, for "allocations per
//! item" and "peak memory while streaming". Install it in a bench binary with
//! `#[global_allocator] static A: CountingAllocator = CountingAllocator;`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};

use std::sync::atomic::AtomicBool;

static COUNTING: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Whether this thread is the one being measured (an embedded server's thread is not).
    static MEASURED_THREAD: Cell<bool> = const { Cell::new(false) };
}

fn counting() -> bool {
    COUNTING.load(Ordering::Relaxed) && MEASURED_THREAD.with(Cell::get)
}
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static IN_USE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

/// The system allocator, counting.
pub struct CountingAllocator;

// SAFETY: every call is forwarded unchanged to `System`; only counters are added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if counting() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            let size = layout.size() as isize;
            let now = IN_USE.fetch_add(size, Ordering::Relaxed) + size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        // SAFETY: same layout, as the caller guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if counting() {
            IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        }
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if counting() {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
            let growth = new_size as isize - layout.size() as isize;
            let now = IN_USE.fetch_add(growth, Ordering::Relaxed) + growth;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts allocations and bytes of this thread while `f` runs (and only then, so timed code
/// pays nothing; an in-process server on another thread is not counted),
/// returning its result, the allocations made, and the peak bytes in use above the start.
/// Bytes freed during `f` that were allocated before it count as negative, so the peak can
/// read low, never high.
pub fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, usize) {
    let allocations = ALLOCATIONS.load(Ordering::Relaxed);
    IN_USE.store(0, Ordering::Relaxed);
    PEAK.store(0, Ordering::Relaxed);
    MEASURED_THREAD.with(|t| t.set(true));
    COUNTING.store(true, Ordering::Relaxed);
    let result = f();
    COUNTING.store(false, Ordering::Relaxed);
    MEASURED_THREAD.with(|t| t.set(false));
    let peak = PEAK.load(Ordering::Relaxed).max(0) as usize;
    (result, ALLOCATIONS.load(Ordering::Relaxed) - allocations, peak)
}
