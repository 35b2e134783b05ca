//! [`Repository`]: the safe writes, reads by key, batches, transactions and table lifecycle of
//! any generated item type, written once. Generated code adds only what differs per table:
//! the typed queries it dereferences to, and the update builder's setters.

use std::ops::Deref;

use super::batch::{BatchGet, BatchWrite};
use super::clock::Clock;
use super::condition::Condition;
use super::cursor::CursorKey;
use super::query::Scan;
use super::record::{PlainWrites, Record, RecordKey, TableReads, Unversioned};
use super::retry::RetryPolicy;
use super::table::{Must, Table, stored_version};
use super::transaction::Transaction;
use super::update::Update;
use crate::error::{Error, ErrorKind};
use crate::validate::{FieldPath, Validate, ValidationErrors};

/// Every rule of `value`, failures reported together.
fn validated<V: Validate>(value: &V) -> Result<(), Error> {
    let mut errors = ValidationErrors::new();
    value.validate_at(&FieldPath::Root, &mut errors);
    Ok(errors.into_result()?)
}

/// How often [`Repository::upsert`] on a table with a version tries its compare-and-set before
/// it reports the conflict: each failed attempt means another writer wrote in between.
const UPSERT_ATTEMPTS: usize = 8;

/// Typed access to one table of items `T`: writes that are safe by default, reads by key,
/// batches, transactions and table creation. A generated `BookRepository` is
/// `Repository<Book>`; it dereferences to the table's generated reads (`BookReads`), so
/// `books.query("…")` and `books.query_by_title("…")` are called on it directly.
///
/// - `create` never overwrites, `replace` never creates (a changed key is
///   [`ErrorKind::NotFound`], never a second item), `update` never upserts, `upsert` is the one
///   explicit overwrite.
/// - On a table with a version, `replace`, `delete_item` and `transact_replace` check it, and
///   every write stores a version one above the stored one.
///
/// ```no_run
/// use ddbgen_runtime::{Error, Record, Repository};
///
/// // Generic code over every generated repository.
/// async fn copy_one<T: Record>(from: &Repository<T>, to: &Repository<T>, key: &T::Key) -> Result<bool, Error> {
///     match from.get(key).await? {
///         Some(item) => to.upsert(&item).await.map(|_| true),
///         None => Ok(false),
///     }
/// }
/// ```
pub struct Repository<T: Record> {
    reads: T::Reads,
}

impl<T: Record> Clone for Repository<T>
where
    T::Reads: Clone,
{
    fn clone(&self) -> Self {
        Self {
            reads: self.reads.clone(),
        }
    }
}

impl<T: Record> std::fmt::Debug for Repository<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository").field("table", self.table()).finish()
    }
}

impl<T: Record> Deref for Repository<T> {
    type Target = T::Reads;

    fn deref(&self) -> &T::Reads {
        &self.reads
    }
}

impl<T: Record> Repository<T> {
    /// A repository for the schema's table, with the system clock and a per-process cursor key.
    pub fn new(client: aws_sdk_dynamodb::Client) -> Self {
        Self::from_table(Table::new(client))
    }

    /// A repository over `table`, with its name and settings.
    pub fn from_table(table: Table<T>) -> Self {
        Self {
            reads: T::Reads::from_table(table),
        }
    }

    fn map_table(self, change: impl FnOnce(Table<T>) -> Table<T>) -> Self {
        Self::from_table(change(self.reads.into_table()))
    }

    /// Uses the table `prefix` + schema name (`dev-` + name), without regenerating.
    pub fn with_table_prefix(self, prefix: &str) -> Self {
        self.map_table(|t| t.with_table_prefix(prefix))
    }

    /// Uses another table name altogether.
    pub fn with_table_name(self, name: impl Into<String>) -> Self {
        self.map_table(|t| t.with_table_name(name))
    }

    /// Seals (encrypts and authenticates) pagination cursors with `key`, so that every instance
    /// with the same key accepts them.
    pub fn with_cursor_key(self, key: CursorKey) -> Self {
        self.map_table(|t| t.with_cursor_key(key))
    }

    /// Takes `created`/`updated` times from `clock` (tests freeze time this way).
    pub fn with_clock(self, clock: impl Clock + 'static) -> Self {
        self.map_table(|t| t.with_clock(clock))
    }

    /// Asks DynamoDB for the capacity each request consumes (transactions included), recorded
    /// on the request's `tracing` span and as a metric event (`docs/observability.md`).
    pub fn with_consumed_capacity(self, on: bool) -> Self {
        self.map_table(|t| t.with_consumed_capacity(on))
    }

    /// Sets how batches retry unprocessed items and how many requests they run at once.
    pub fn with_retry_policy(self, policy: RetryPolicy) -> Self {
        self.map_table(|t| t.with_retry_policy(policy))
    }

    /// Whether reads decode items straight from the response body (`true`, the default) or
    /// from the SDK's parsed items (`false`, the reference path): the same items and errors.
    pub fn with_fast_reads(self, on: bool) -> Self {
        self.map_table(|t| t.with_fast_reads(on))
    }

    /// The underlying table: its name, client and clock.
    pub fn table(&self) -> &Table<T> {
        self.reads.table()
    }

    /// The table's generated reads, which the repository also dereferences to.
    pub fn reads(&self) -> &T::Reads {
        &self.reads
    }

    /// Validates `new` and fills in what ddbgen manages.
    fn stamp_new(&self, new: T::New) -> Result<T, Error> {
        validated(&new)?;
        Ok(T::from_new(new, self.table().now()))
    }

    /// Validates `item` and returns it as it is stored next: `updated` set, version
    /// incremented.
    fn stamp(&self, item: &T) -> Result<T, Error> {
        validated(item)?;
        let mut next = item.clone();
        next.touch(self.table().now());
        Ok(next)
    }

    /// The version `item` must still be at, on a table that keeps one.
    fn expected(item: &T) -> Option<(&'static str, u64)> {
        T::VERSION.map(|attribute| (attribute, item.version()))
    }

    /// Validates `new`, fills in what ddbgen manages (generated id, `created`, `updated`,
    /// version 1) and stores it, never overwriting: an existing key is
    /// [`AlreadyExists`](ErrorKind::AlreadyExists) with the stored item.
    pub async fn create(&self, new: T::New) -> Result<T, Error> {
        let item = self.stamp_new(new)?;
        self.table().put_new(&item, None).await?;
        Ok(item)
    }

    /// [`create`](Self::create), when `condition` holds too
    /// ([`ConditionFailed`](ErrorKind::ConditionFailed) otherwise).
    pub async fn create_if(&self, new: T::New, condition: Condition<T>) -> Result<T, Error> {
        let item = self.stamp_new(new)?;
        self.table().put_new(&item, Some(&condition)).await?;
        Ok(item)
    }

    /// The item with this key, if any (eventually consistent).
    pub async fn get(&self, key: &T::Key) -> Result<Option<T>, Error> {
        self.table().get(key.to_key(), false).await
    }

    /// The item with this key, if any, read with strong consistency.
    pub async fn get_consistent(&self, key: &T::Key) -> Result<Option<T>, Error> {
        self.table().get(key.to_key(), true).await
    }

    /// Whether an item with this key exists (reads the key attribute only).
    pub async fn exists(&self, key: &T::Key) -> Result<bool, Error> {
        self.table().exists(key.to_key(), false).await
    }

    /// Writes `item` over the stored one, which must exist (a changed key is
    /// [`NotFound`](ErrorKind::NotFound), never a second item) and, on a table with a version,
    /// still be at `item`'s version ([`VersionConflict`](ErrorKind::VersionConflict) otherwise).
    /// Returns what was stored: `updated` set, version incremented.
    pub async fn replace(&self, item: &T) -> Result<T, Error> {
        let next = self.stamp(item)?;
        self.table().put_existing(&next, Self::expected(item), None).await?;
        Ok(next)
    }

    /// [`replace`](Self::replace), when `condition` holds too
    /// ([`ConditionFailed`](ErrorKind::ConditionFailed) with the stored item otherwise).
    pub async fn replace_if(&self, item: &T, condition: Condition<T>) -> Result<T, Error> {
        let next = self.stamp(item)?;
        self.table()
            .put_existing(&next, Self::expected(item), Some(&condition))
            .await?;
        Ok(next)
    }

    /// Stores `item` whether or not its key exists: the one explicit overwrite. Returns what
    /// was stored, with `updated` set. On a table with a version, the version stored is one
    /// above the stored item's, whatever `item` holds: a stale copy never moves it back.
    pub async fn upsert(&self, item: &T) -> Result<T, Error> {
        let next = self.stamp(item)?;
        self.put_over(next).await
    }

    /// PutItem of `item` whatever is stored; on a table with a version, a compare-and-set on
    /// the stored version that writes the stored version plus one. It first assumes the
    /// stored item is at the version `item` was read at; a refusal returns the stored item,
    /// whose version the next attempt expects (or, when there is none, that there is none).
    async fn put_over(&self, mut item: T) -> Result<T, Error> {
        let Some(attribute) = T::VERSION else {
            self.table().put(&item).await?;
            return Ok(item);
        };
        let mut stored = Some(item.version().saturating_sub(1));
        let mut last = None;
        for _ in 0..UPSERT_ATTEMPTS {
            let result = match stored {
                Some(version) => {
                    item.set_version(version + 1);
                    let expected = Some((attribute, version));
                    self.table().put_checked(&item, Must::Exist, expected, None).await
                }
                None => {
                    item.set_version(1);
                    self.table().put_checked(&item, Must::BeNew, None, None).await
                }
            };
            let error = match result {
                Ok(()) => return Ok(item),
                Err(error) => error,
            };
            stored = match error.kind() {
                ErrorKind::NotFound { .. } => None,
                ErrorKind::VersionConflict {
                    current: Some(current), ..
                }
                | ErrorKind::AlreadyExists {
                    current: Some(current), ..
                } => Some(stored_version(current, attribute).unwrap_or(0)),
                _ => return Err(error),
            };
            last = Some(error);
        }
        Err(last.unwrap_or_else(|| {
            ErrorKind::NotFound {
                table: self.table().name().to_owned(),
                key: item.key().to_key(),
            }
            .into()
        }))
    }

    /// Starts an update of the existing item with this key; key fields cannot change.
    pub fn update(&self, key: &T::Key) -> T::Update<'_> {
        T::Update::from(Update::new(self.table(), key.clone()))
    }

    /// Deletes the item with this key, unconditionally; returns it, or `None` when there was
    /// none.
    pub async fn delete(&self, key: &T::Key) -> Result<Option<T>, Error> {
        self.table().delete(key.to_key()).await
    }

    /// Deletes `item`, which must exist ([`NotFound`](ErrorKind::NotFound) otherwise) and, on a
    /// table with a version, still be at `item`'s version
    /// ([`VersionConflict`](ErrorKind::VersionConflict) with the stored item otherwise). Returns
    /// what was deleted.
    pub async fn delete_item(&self, item: &T) -> Result<T, Error> {
        self.table()
            .delete_existing(item.key().to_key(), Self::expected(item), None)
            .await
    }

    /// Deletes the existing item with this key when `condition` holds
    /// ([`NotFound`](ErrorKind::NotFound) or [`ConditionFailed`](ErrorKind::ConditionFailed) with the
    /// stored item otherwise). Returns what was deleted.
    pub async fn delete_if(&self, key: &T::Key, condition: Condition<T>) -> Result<T, Error> {
        self.table().delete_existing(key.to_key(), None, Some(&condition)).await
    }

    /// Reads many items by key (BatchGetItem, 100 keys per request, retried under the retry
    /// policy): one entry per key, in order, telling found, missing and unprocessed keys apart.
    pub async fn batch_get(&self, keys: &[T::Key]) -> Result<BatchGet<T::Key, T>, Error> {
        self.table().batch_get(keys.to_vec(), T::Key::to_key, false).await
    }

    /// Reads up to 100 items together (TransactGetItems): `None` where there is no item, in
    /// the keys' order.
    pub async fn transact_get(&self, keys: &[T::Key]) -> Result<Vec<Option<T>>, Error> {
        self.table()
            .transact_get(keys.iter().map(T::Key::to_key).collect())
            .await
    }

    /// A new transaction on this repository's client, for the `transact_*` methods of any
    /// repository.
    pub fn transaction(&self) -> Transaction {
        Transaction::new(self.table().client())
    }

    /// Adds the creation of `new` to `transaction`, as [`create`](Self::create) does it;
    /// returns the item that will be stored.
    pub fn transact_create(&self, transaction: &mut Transaction, new: T::New) -> Result<T, Error> {
        let item = self.stamp_new(new)?;
        transaction.put_new(self.table(), &item, None)?;
        Ok(item)
    }

    /// Adds a check of `condition` on the item with `key` to `transaction`, without writing
    /// it.
    pub fn transact_check(
        &self,
        transaction: &mut Transaction,
        key: &T::Key,
        condition: Condition<T>,
    ) -> Result<(), Error> {
        transaction.check(self.table(), key.to_key(), &condition)
    }

    /// Every item of the table, lazily, page by page.
    pub fn scan(&self) -> Scan<T> {
        self.table().scan()
    }

    /// Creates the table (keys, indexes, on-demand billing, TTL) and waits until it is active.
    /// ddbgen never creates tables behind your back: call this explicitly.
    pub async fn create_table(&self) -> Result<(), Error> {
        self.table().create_table().await
    }

    /// Deletes the table and waits until it is gone.
    pub async fn delete_table(&self) -> Result<(), Error> {
        self.table().delete_table().await
    }
}

/// The writes that touch an item alone, without reading it first: not on tables with unique
/// values ([`PlainWrites`]).
impl<T: PlainWrites> Repository<T> {
    /// Deletes many items by key (BatchWriteItem, 25 per request); a key with no item is not
    /// an error. What stays unprocessed after the retry policy is returned.
    pub async fn batch_delete(&self, keys: &[T::Key]) -> Result<BatchWrite<T::Key>, Error> {
        self.table().batch_delete(keys.to_vec(), T::Key::to_key).await
    }

    /// Adds the replacement of `item` to `transaction`, as [`replace`](Self::replace) does
    /// it; returns the item that will be stored.
    pub fn transact_replace(&self, transaction: &mut Transaction, item: &T) -> Result<T, Error> {
        let next = self.stamp(item)?;
        transaction.put_existing(self.table(), &next, Self::expected(item), None)?;
        Ok(next)
    }

    /// Adds a delete of the existing item with `key` to `transaction`, at any version.
    pub fn transact_delete(&self, transaction: &mut Transaction, key: &T::Key) -> Result<(), Error> {
        transaction.delete(self.table(), key.to_key(), None, None)
    }

    /// Adds a delete of `item` to `transaction`, as [`delete_item`](Self::delete_item) does
    /// it: the item must exist and, on a table with a version, still be at `item`'s version.
    pub fn transact_delete_item(&self, transaction: &mut Transaction, item: &T) -> Result<(), Error> {
        transaction.delete(self.table(), item.key().to_key(), Self::expected(item), None)
    }
}

impl<T: Record + Unversioned + PlainWrites> Repository<T> {
    /// Stores many items whether or not their keys exist (BatchWriteItem, 25 per request): the
    /// explicit overwrite of [`upsert`](Self::upsert), with `updated` and the version set as
    /// it sets them. Every item is validated and checked against DynamoDB's size limit, and
    /// keys must be distinct, before anything is sent; what stays unprocessed after the retry
    /// policy is returned, never dropped. Only tables without a version have it
    /// ([`Unversioned`]): BatchWriteItem cannot check a version.
    pub async fn batch_put(&self, items: &[T]) -> Result<BatchWrite<T>, Error> {
        let mut errors = ValidationErrors::new();
        for (i, item) in items.iter().enumerate() {
            item.validate_at(&FieldPath::Root.index(i), &mut errors);
        }
        errors.into_result()?;
        let now = self.table().now();
        let next: Vec<T> = items
            .iter()
            .map(|item| {
                let mut next = item.clone();
                next.touch(now);
                next
            })
            .collect();
        self.table().batch_put(next).await
    }
}
