//! Typed migrations: every stored item of a table read as its old type, changed by a Rust
//! function into its new type, and written back without losing a concurrent update
//! (`docs/migrations.md`).
//!
//! ```no_run
//! use ddbgen_runtime::migrate::{Migration, Step};
//! use ddbgen_runtime::{FromItem, Record};
//!
//! /// Runs `to_new` over the table with the process's arguments (`--segments 0/4`,
//! /// `--dry-run`, `--checkpoints DIR`, `--rate 100`).
//! async fn migrate<Old: FromItem, New: Record>(
//!     client: ddbgen_runtime::aws_sdk_dynamodb::Client,
//!     to_new: fn(Old) -> New,
//! ) -> Result<(), Box<dyn std::error::Error>> {
//!     let report = Migration::<Old, New>::new(client)
//!         .with_args(std::env::args().skip(1))?
//!         .run(|old| Step::Write(to_new(old)))
//!         .await?;
//!     println!("{report}");
//!     Ok(())
//! }
//! ```
//!
//! - A parallel segmented scan (`segments(n)`, or one segment of several processes with
//!   `only_segment(i, n)`), consistent reads.
//! - Each write is conditional on what was read: the version attribute where the table has
//!   one, else the `updated` audit attribute, else every stored attribute. A concurrent write
//!   makes the condition fail; the item is read again and migrated again (up to 5 times), never
//!   overwritten.
//! - An item whose new form equals the stored one (its version and `updated` aside) is not
//!   written: a second run, or a resumed one, writes nothing twice.
//! - With `checkpoints(dir)`, each segment's position and counts are saved after every page;
//!   a killed run, started again with the same directory, resumes where it stopped.
//! - `rate_limit(units)` keeps the consumed capacity (reads and writes) under `units` per
//!   second; `dry_run(n)` writes nothing (no items, no checkpoints) and keeps `n` before/after
//!   samples.
//! - Progress: a line on a terminal, log events (`tracing`, target `ddbgen_runtime::migrate`)
//!   elsewhere; then a [`Report`]: scanned, changed, unchanged, skipped, and every failure with
//!   its key.

mod checkpoint;
mod limiter;
mod progress;
mod report;

use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Mutex;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity};
use futures_util::stream::{self, StreamExt};

use self::checkpoint::Checkpoint;
use self::limiter::Limiter;
use self::progress::Progress;
pub use self::report::{Failure, Report, Sample};
use crate::codec::AttributeMap;
use crate::error::Error;
use crate::item::FromItem;
use crate::repository::expression::Placeholders;
use crate::repository::{Record, Table, is_sentinel};

/// How many times an item changed by other writers is read and migrated again.
const ATTEMPTS: usize = 5;

/// Items of one page migrated at once.
const IN_FLIGHT: usize = 8;

/// What the migration function makes of one old item.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<T> {
    /// Write this new item (not written when it equals the stored one).
    Write(T),
    /// Leave the item as it is.
    Skip,
    /// The item cannot be migrated: reported with its key, and the rest go on.
    Fail(String),
}

/// A migration of one table from type `Old` (generated from the old schema) to `New`.
pub struct Migration<Old, New> {
    /// The table migrated (its client and name; conflicts read the stored item through it).
    table: Table<New>,
    total_segments: u32,
    only: Option<u32>,
    checkpoints: Option<PathBuf>,
    rate: Option<f64>,
    dry_run: Option<usize>,
    page_size: Option<i32>,
    types: PhantomData<fn(Old) -> New>,
}

impl<Old, New> std::fmt::Debug for Migration<Old, New> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Migration")
            .field("table", &self.table.name)
            .field("total_segments", &self.total_segments)
            .field("only", &self.only)
            .field("checkpoints", &self.checkpoints)
            .field("rate", &self.rate)
            .field("dry_run", &self.dry_run)
            .finish_non_exhaustive()
    }
}

/// The counts of a run, shared by its segments.
#[derive(Default)]
struct Tally(Mutex<Report>);

impl Tally {
    fn add(&self, change: impl FnOnce(&mut Report)) {
        change(&mut self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    }
}

/// What became of one item.
enum Outcome {
    Changed(Option<Sample>),
    Unchanged,
    Skipped,
    Failed(Failure),
}

impl<Old, New> Migration<Old, New>
where
    Old: FromItem,
    New: Record,
{
    /// A migration of `New`'s table (by its schema name), one segment, no checkpoints.
    pub fn new(client: Client) -> Self {
        Self {
            table: Table::new(client),
            total_segments: 1,
            only: None,
            checkpoints: None,
            rate: None,
            dry_run: None,
            page_size: None,
            types: PhantomData,
        }
    }

    /// The table `prefix` + schema name, as repositories' `with_table_prefix`.
    pub fn with_table_prefix(mut self, prefix: &str) -> Self {
        self.table = self.table.with_table_prefix(prefix);
        self
    }

    /// Another table name altogether.
    pub fn with_table_name(mut self, name: impl Into<String>) -> Self {
        self.table = self.table.with_table_name(name);
        self
    }

    /// Scans in `n` segments at once (1 to 1,000,000).
    pub fn segments(mut self, n: u32) -> Self {
        self.total_segments = n.clamp(1, 1_000_000);
        self.only = None;
        self
    }

    /// Runs only segment `index` of `total`: split a large table across processes or
    /// machines, each with its own checkpoint (`--segments index/total`).
    pub fn only_segment(mut self, index: u32, total: u32) -> Self {
        self.total_segments = total.clamp(1, 1_000_000);
        self.only = Some(index.min(self.total_segments - 1));
        self
    }

    /// Saves each segment's position after every page into `dir`, and resumes from it.
    pub fn checkpoints(mut self, dir: impl Into<PathBuf>) -> Self {
        self.checkpoints = Some(dir.into());
        self
    }

    /// Keeps the capacity the migration consumes under `units` per second.
    pub fn rate_limit(mut self, units: f64) -> Self {
        self.rate = (units > 0.0).then_some(units);
        self
    }

    /// Writes nothing; the report counts what would change and keeps up to `samples`
    /// before/after pairs.
    pub fn dry_run(mut self, samples: usize) -> Self {
        self.dry_run = Some(samples);
        self
    }

    /// Items evaluated per Scan request (DynamoDB's default: up to 1 MB).
    pub fn page_size(mut self, n: i32) -> Self {
        self.page_size = Some(n.max(1));
        self
    }

    /// Applies command-line arguments: `--segments I/N` (one segment of N) or `--segments N`
    /// (all N, at once), `--checkpoints DIR`, `--rate UNITS`, `--dry-run` (10 samples) or
    /// `--dry-run=SAMPLES`, `--table-prefix PREFIX`, `--page-size N`.
    pub fn with_args(mut self, args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg.clone(), None),
            };
            let mut value = |what: &str| {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs {what}"))
            };
            self = match flag.as_str() {
                "--segments" => {
                    let text = value("I/N or N")?;
                    let number = |s: &str| s.parse::<u32>().map_err(|_| format!("--segments {text}: not I/N or N"));
                    match text.split_once('/') {
                        Some((index, total)) => {
                            let (index, total) = (number(index)?, number(total)?);
                            if total == 0 || index >= total {
                                return Err(format!("--segments {text}: the segment must be below the total"));
                            }
                            self.only_segment(index, total)
                        }
                        None => self.segments(number(&text)?.max(1)),
                    }
                }
                "--checkpoints" => self.checkpoints(value("a directory")?),
                "--rate" => {
                    let text = value("capacity units per second")?;
                    let units = text
                        .parse::<f64>()
                        .map_err(|_| format!("--rate {text}: not a number"))?;
                    self.rate_limit(units)
                }
                "--dry-run" => {
                    let samples = match &inline {
                        Some(n) => n.parse().map_err(|_| format!("--dry-run={n}: not a count"))?,
                        None => 10,
                    };
                    self.dry_run(samples)
                }
                "--table-prefix" => {
                    let prefix = value("a prefix")?;
                    self.with_table_prefix(&prefix)
                }
                "--page-size" => {
                    let text = value("a count")?;
                    self.page_size(text.parse().map_err(|_| format!("--page-size {text}: not a count"))?)
                }
                other => return Err(format!("unknown argument {other}")),
            };
        }
        Ok(self)
    }

    /// Runs the migration with `migrate`, every segment of this process at once.
    pub async fn run<F>(self, migrate: F) -> Result<Report, Error>
    where
        F: Fn(Old) -> Step<New> + Sync,
    {
        let mine: Vec<u32> = match self.only {
            Some(index) => vec![index],
            None => (0..self.total_segments).collect(),
        };
        let estimate = self.estimate(mine.len()).await;
        let progress = Progress::new(&self.table.name, estimate);
        let limiter = Limiter::new(self.rate);
        let tally = Tally::default();
        tally.add(|r| {
            r.dry_run = self.dry_run.is_some();
            r.segments = mine.clone();
        });
        let runs = mine
            .iter()
            .map(|&segment| self.run_segment(segment, &migrate, &tally, &limiter, &progress));
        let results: Vec<Result<(), Error>> = futures_util::future::join_all(runs).await;
        progress.finish();
        results.into_iter().collect::<Result<Vec<()>, Error>>()?;
        let report = tally.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        tracing::info!(target: "ddbgen_runtime::migrate", table = %self.table.name, %report, "migration finished");
        Ok(report)
    }

    /// About how many items this process reads (DescribeTable's count, updated by DynamoDB
    /// every few hours), for the ETA.
    async fn estimate(&self, segments: usize) -> Option<u64> {
        let output = self
            .table
            .client
            .describe_table()
            .table_name(&self.table.name)
            .send()
            .await
            .ok()?;
        let count = u64::try_from(output.table?.item_count?).ok()?;
        Some(count * segments as u64 / u64::from(self.total_segments))
    }

    /// One segment, from its checkpoint (if any) to its end.
    async fn run_segment<F>(
        &self,
        segment: u32,
        migrate: &F,
        tally: &Tally,
        limiter: &Limiter,
        progress: &Progress,
    ) -> Result<(), Error>
    where
        F: Fn(Old) -> Step<New> + Sync,
    {
        // A dry run neither resumes nor records: a later real run must read every item.
        let path = self
            .checkpoints
            .as_ref()
            .filter(|_| self.dry_run.is_none())
            .map(|dir| checkpoint::path(dir, &self.table.name, segment, self.total_segments));
        let mut state = match &path {
            Some(path) => Checkpoint::load(path, &self.table.name)?.unwrap_or_default(),
            None => Checkpoint::default(),
        };
        // What earlier runs counted is part of this report; their samples are not kept.
        tally.add(|r| r.absorb(&state.counts));
        progress.resume(state.counts.scanned);
        let capacity = self.rate.is_some().then_some(ReturnConsumedCapacity::Total);
        while !state.done {
            let output = self
                .table
                .client
                .scan()
                .table_name(&self.table.name)
                .consistent_read(true)
                .segment(segment as i32)
                .total_segments(self.total_segments as i32)
                .set_exclusive_start_key(state.last_key.clone())
                .set_limit(self.page_size)
                .set_return_consumed_capacity(capacity.clone())
                .send()
                .await
                .map_err(|e| Error::call("Scan", &self.table.name, e))?;
            limiter
                .spend(output.consumed_capacity.as_ref().and_then(|c| c.capacity_units))
                .await;
            let items = output.items.unwrap_or_default();
            let scanned = items.len() as u64;
            let outcomes: Vec<Outcome> = stream::iter(items)
                .map(|item| self.migrate_item(item, migrate, limiter))
                .buffered(IN_FLIGHT)
                .collect()
                .await;
            let mut page = Report {
                scanned,
                ..Report::default()
            };
            for outcome in outcomes {
                match outcome {
                    Outcome::Changed(sample) => {
                        page.changed += 1;
                        page.samples.extend(sample);
                    }
                    Outcome::Unchanged => page.unchanged += 1,
                    Outcome::Skipped => page.skipped += 1,
                    Outcome::Failed(failure) => page.failed.push(failure),
                }
            }
            tally.add(|r| {
                r.absorb(&page);
                let room = self.dry_run.unwrap_or(0).saturating_sub(r.samples.len());
                r.samples.extend(page.samples.drain(..).take(room));
            });
            progress.add(scanned);
            state.counts.absorb(&page);
            state.last_key = output.last_evaluated_key.filter(|k| !k.is_empty());
            state.done = state.last_key.is_none();
            if let Some(path) = &path {
                state.save(path, &self.table.name, segment, self.total_segments)?;
            }
        }
        Ok(())
    }

    /// Migrates one stored item, reading it again when another writer changed it first.
    async fn migrate_item<F>(&self, mut stored: AttributeMap, migrate: &F, limiter: &Limiter) -> Outcome
    where
        F: Fn(Old) -> Step<New> + Sync,
    {
        let spec = New::TABLE;
        if is_sentinel(&stored) || !Old::accepts(&stored) {
            return Outcome::Skipped;
        }
        let key = crate::repository::key_of(&stored, spec.hash_key, spec.range_key);
        let fail = |reason: String| {
            Outcome::Failed(Failure {
                key: key.clone(),
                reason,
            })
        };
        for _ in 0..ATTEMPTS {
            let old = match Old::from_item(stored.clone()) {
                Ok(old) => old,
                Err(e) => return fail(e.to_string()),
            };
            let mut new = match migrate(old) {
                Step::Write(new) => new,
                Step::Skip => return Outcome::Skipped,
                Step::Fail(reason) => return fail(reason),
            };
            if same_apart_from_stamps::<New>(&new.to_item(), &stored) {
                return Outcome::Unchanged;
            }
            // Written as any write is: `updated` now, the stored version plus one (`touch`).
            let version = New::VERSION.and_then(|v| crate::repository::stored_version(&stored, v));
            if let Some(version) = version {
                new.set_version(version);
            }
            new.touch(chrono::Utc::now());
            let item = new.to_item();
            if crate::repository::key_of(&item, spec.hash_key, spec.range_key) != key {
                return fail("the migration changed the item's key; keys never change".to_owned());
            }
            if self.dry_run.is_some() {
                return Outcome::Changed(Some(Sample {
                    before: stored,
                    after: item,
                }));
            }
            match self.write(item, &stored, limiter).await {
                Ok(()) => return Outcome::Changed(None),
                Err(Written::Conflict) => match self.table.get_stored(key.clone(), true).await {
                    Ok(Some(fresh)) => stored = fresh,
                    // Deleted by another writer meanwhile: nothing to migrate.
                    Ok(None) => return Outcome::Skipped,
                    Err(e) => return fail(e.to_string()),
                },
                Err(Written::Failed(e)) => return fail(e.to_string()),
            }
        }
        fail(format!(
            "changed by other writers {ATTEMPTS} times in a row; run the migration again"
        ))
    }

    /// PutItem of `item`, on condition that the stored item is still `stored`.
    async fn write(&self, item: AttributeMap, stored: &AttributeMap, limiter: &Limiter) -> Result<(), Written> {
        let guard: Vec<&str> = match (New::VERSION, New::UPDATED) {
            (Some(version), _) if stored.contains_key(version) => vec![version],
            (_, Some(updated)) if stored.contains_key(updated) => vec![updated],
            _ => stored.keys().map(String::as_str).collect(),
        };
        let mut placeholders = Placeholders::default();
        let mut condition = vec![format!(
            "attribute_exists({})",
            placeholders.name(New::TABLE.hash_key.name)
        )];
        for name in guard {
            let value = stored.get(name).cloned().unwrap_or(AttributeValue::Null(true));
            condition.push(format!("{} = {}", placeholders.name(name), placeholders.value(value)));
        }
        let capacity = self.rate.is_some().then_some(ReturnConsumedCapacity::Total);
        let result = self
            .table
            .client
            .put_item()
            .table_name(&self.table.name)
            .set_item(Some(item))
            .condition_expression(condition.join(" AND "))
            .set_expression_attribute_names(placeholders.names())
            .set_expression_attribute_values(placeholders.values())
            .set_return_consumed_capacity(capacity)
            .send()
            .await;
        match result {
            Ok(output) => {
                limiter
                    .spend(output.consumed_capacity.and_then(|c| c.capacity_units))
                    .await;
                Ok(())
            }
            Err(e) => match e.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(_)) => Err(Written::Conflict),
                _ => Err(Written::Failed(Error::call("PutItem", &self.table.name, e))),
            },
        }
    }
}

/// Why a migration's write did not happen.
enum Written {
    /// Another writer changed the item since it was read.
    Conflict,
    Failed(Error),
}

/// Whether `new` stores what `stored` holds, the version and `updated` attributes aside.
fn same_apart_from_stamps<T: Record>(new: &AttributeMap, stored: &AttributeMap) -> bool {
    let stamp = |name: &String| Some(name.as_str()) == T::VERSION || Some(name.as_str()) == T::UPDATED;
    let count = |map: &AttributeMap| map.keys().filter(|n| !stamp(n)).count();
    count(new) == count(stored)
        && new
            .iter()
            .all(|(name, value)| stamp(name) || stored.get(name) == Some(value))
}
