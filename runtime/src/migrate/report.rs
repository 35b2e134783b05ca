//! What a migration did: its counts, its failures with their keys, and a dry run's samples.

use std::fmt;

use crate::codec::AttributeMap;

/// What a migration did (or, in a dry run, would do), over every segment of the run and the
/// runs before it that its checkpoints remember.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Stored items read.
    pub scanned: u64,
    /// Items written (a dry run: that would be written).
    pub changed: u64,
    /// Items whose new form is what is stored already: not written.
    pub unchanged: u64,
    /// Items left alone: the function said `Skip`, another entity's item, a unique value's
    /// sentinel, or an item deleted meanwhile.
    pub skipped: u64,
    /// Items that could not be migrated, with their keys and why.
    pub failed: Vec<Failure>,
    /// A dry run's first items that would change, before and after.
    pub samples: Vec<Sample>,
    /// Whether nothing was written.
    pub dry_run: bool,
    /// The scan segments this process ran.
    pub segments: Vec<u32>,
}

/// An item a migration could not migrate.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Its key attributes.
    pub key: AttributeMap,
    /// Why: the decoding error, the function's reason, or the failed write.
    pub reason: String,
}

/// One item a dry run would change: stored, and as it would be written.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The stored item.
    pub before: AttributeMap,
    /// The item the migration would write.
    pub after: AttributeMap,
}

impl Report {
    /// Adds another part's counts and failures (not its samples).
    pub(crate) fn absorb(&mut self, other: &Report) {
        self.scanned += other.scanned;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
        self.skipped += other.skipped;
        self.failed.extend(other.failed.iter().cloned());
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let changed = if self.dry_run { "would change" } else { "changed" };
        write!(
            f,
            "{} scanned, {} {changed}, {} unchanged, {} skipped, {} failed",
            self.scanned,
            self.changed,
            self.unchanged,
            self.skipped,
            self.failed.len()
        )?;
        for failure in &self.failed {
            let mut key: Vec<String> = failure.key.iter().map(|(n, v)| format!("{n}={v:?}")).collect();
            key.sort();
            write!(f, "\n  failed {}: {}", key.join(", "), failure.reason)?;
        }
        Ok(())
    }
}
