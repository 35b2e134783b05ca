//! Progress of a migration: a line redrawn on a terminal, log events elsewhere.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often progress is shown: a terminal's line, and log events.
const TERMINAL_EVERY: Duration = Duration::from_millis(250);
const LOG_EVERY: Duration = Duration::from_secs(10);

pub(crate) struct Progress {
    table: String,
    /// About how many items the run reads (DescribeTable's count), for the ETA.
    estimate: Option<u64>,
    started: Instant,
    scanned: AtomicU64,
    /// Items counted from earlier runs' checkpoints: not part of this run's speed.
    resumed: AtomicU64,
    last: Mutex<Instant>,
    terminal: bool,
}

impl Progress {
    pub(crate) fn new(table: &str, estimate: Option<u64>) -> Self {
        let now = Instant::now();
        Self {
            table: table.to_owned(),
            estimate,
            started: now,
            scanned: AtomicU64::new(0),
            resumed: AtomicU64::new(0),
            last: Mutex::new(now),
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Counts items restored from a checkpoint.
    pub(crate) fn resume(&self, items: u64) {
        self.resumed.fetch_add(items, Ordering::Relaxed);
        self.scanned.fetch_add(items, Ordering::Relaxed);
    }

    /// Counts `items` more read, and shows progress when it is time.
    pub(crate) fn add(&self, items: u64) {
        let scanned = self.scanned.fetch_add(items, Ordering::Relaxed) + items;
        let every = if self.terminal { TERMINAL_EVERY } else { LOG_EVERY };
        {
            let mut last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.elapsed() < every {
                return;
            }
            *last = Instant::now();
        }
        self.show(scanned);
    }

    fn show(&self, scanned: u64) {
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = (scanned - self.resumed.load(Ordering::Relaxed).min(scanned)) as f64 / elapsed;
        let eta = self
            .estimate
            .filter(|total| *total > scanned && rate > 0.0)
            .map(|total| Duration::from_secs_f64((total - scanned) as f64 / rate));
        let of = self.estimate.map(|t| format!(" of ~{t}")).unwrap_or_default();
        let eta_text = eta.map(|d| format!(", ETA {}s", d.as_secs())).unwrap_or_default();
        if self.terminal {
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\rmigrating {}: {scanned}{of} items, {rate:.0}/s{eta_text}   ",
                self.table
            );
            let _ = err.flush();
        } else {
            tracing::info!(
                target: "ddbgen_runtime::migrate",
                table = %self.table,
                scanned,
                items_per_second = rate.round(),
                eta_seconds = eta.map(|d| d.as_secs()),
                "migrating"
            );
        }
    }

    /// Ends the terminal's line.
    pub(crate) fn finish(&self) {
        if self.terminal {
            self.show(self.scanned.load(Ordering::Relaxed));
            let _ = writeln!(std::io::stderr());
        }
    }
}
