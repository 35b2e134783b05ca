//! What a generated item type tells the generic [`Repository`](super::Repository): its key,
//! what it takes to create one, what ddbgen manages on it, and the typed reads of its table.

use chrono::{DateTime, Utc};

use super::table::Table;
use super::update::Update;
use crate::codec::AttributeMap;
use crate::item::Item;
use crate::validate::Validate;

/// An item type that a [`Repository`](super::Repository) reads and writes: the schema's
/// item struct of a table or of a single table's entity. Generated code implements it; the
/// repository's behaviour (safe writes, batches, transactions, table creation) is the
/// runtime's, written once.
///
/// ```
/// use ddbgen_runtime::{Record, Repository};
///
/// // Code that works with any table's repository.
/// fn table_name<T: Record>(repository: &Repository<T>) -> &str {
///     repository.table().name()
/// }
/// ```
pub trait Record: Item + Validate + Clone + Send + Sync + 'static {
    /// The primary key type (`BookKey`).
    type Key: RecordKey;
    /// What it takes to create an item (`NewBook`): the declared fields, without what ddbgen
    /// manages.
    type New: Validate;
    /// The table's typed reads (queries by key and index, access patterns), which a
    /// repository dereferences to.
    type Reads: TableReads<Self>;
    /// The table's update builder, with one setter per field the schema allows to change.
    type Update<'a>: From<Update<'a, Self>>;

    /// The optimistic-locking counter's attribute, when the table keeps a version.
    const VERSION: Option<&'static str>;
    /// The `updated` audit attribute, when the table keeps one.
    const UPDATED: Option<&'static str>;

    /// The primary key of this item.
    fn key(&self) -> Self::Key;

    /// The version counter of this item: 0, unless the table keeps one (generated code
    /// implements this only for versioned tables).
    fn version(&self) -> u64 {
        0
    }

    /// Sets the version counter: nothing, unless the table keeps one.
    fn set_version(&mut self, version: u64) {
        let _ = version;
    }

    /// The item `new` describes, with what ddbgen manages filled in at `now`: a generated id,
    /// `created` and `updated`, version 1. `new` is validated by the caller.
    fn from_new(new: Self::New, now: DateTime<Utc>) -> Self;

    /// Marks this item as written again at `now`: `updated` set, version incremented.
    fn touch(&mut self, now: DateTime<Utc>);
}

/// The primary key type of a [`Record`]: its stored key attributes.
///
/// ```
/// use ddbgen_runtime::{AttributeMap, AttributeValue, RecordKey};
///
/// #[derive(Clone)]
/// struct UserKey(String);
///
/// impl RecordKey for UserKey {
///     fn to_key(&self) -> AttributeMap {
///         AttributeMap::from([("id".to_owned(), AttributeValue::S(self.0.clone()))])
///     }
/// }
/// assert_eq!(UserKey("a".into()).to_key().len(), 1);
/// ```
pub trait RecordKey: Clone + Send + Sync + 'static {
    /// The stored key attributes, as GetItem, UpdateItem and DeleteItem take them.
    fn to_key(&self) -> AttributeMap;
}

/// The generated typed reads of one table (`BookReads`): a [`Table`] with the schema's query
/// methods. A [`Repository`](super::Repository) holds one and dereferences to it, so
/// `books.query(..)` and `books.query_by_title(..)` are called on the repository itself.
pub trait TableReads<T>: Sized {
    /// The reads of `table`.
    fn from_table(table: Table<T>) -> Self;

    /// The table read.
    fn table(&self) -> &Table<T>;

    /// The table back, to change its settings (a clone of [`table`](Self::table): a table is
    /// a client handle and a few names).
    fn into_table(self) -> Table<T> {
        self.table().clone()
    }
}

/// A [`Record`] whose table keeps no version. Only such items may be written by
/// [`Repository::batch_put`](super::Repository::batch_put): BatchWriteItem takes no condition,
/// so on a versioned table it would store whatever version a possibly stale copy holds and
/// move the counter backwards under other writers. Generated code implements it for every
/// table without `version:`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` keeps a version, which `batch_put` cannot check (BatchWriteItem takes no condition)",
    label = "this table keeps a version",
    note = "write versioned items with `upsert` (it stores the stored version plus one) or with a transaction of `transact_replace`; see docs/failure-semantics.md"
)]
pub trait Unversioned: Record {}

/// A [`Record`] whose writes touch its own item only: its table keeps no unique values
/// (`unique: true` in the schema). A write that moves a unique value's sentinel must read the
/// stored item first, which a batch, or a transaction operation added without a read, cannot
/// do: [`Repository::batch_put`](super::Repository::batch_put), `batch_delete`,
/// `transact_replace`, `transact_delete`, `transact_delete_item` and an update builder's
/// `transact` need this. Generated code implements it for every table without unique fields.
#[diagnostic::on_unimplemented(
    message = "`{Self}` keeps unique values, whose sentinel items this operation cannot move",
    label = "this table has `unique: true` fields",
    note = "use the single-item writes (`create`, `replace`, `upsert`, `update(..).send()`, `delete`), which move the sentinels in a transaction of their own; `transact_create` adds them to yours; see docs/failure-semantics.md"
)]
pub trait PlainWrites: Record {}
