//! Reads that return many items: queries and scans, lazily paginated.
//!
//! DynamoDB returns at most 1 MB per request and a `LastEvaluatedKey` to go on from. Here that
//! is never dropped (the engine is [`super::read`]): [`Query::stream`] requests the next page only when the consumer reaches
//! it, and [`Query::page`] returns a [`Page`] whose `next` cursor resumes exactly where it
//! stopped.

use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt, TryStreamExt};

use super::condition::Condition;
use super::cursor::Cursor;
use super::key_condition::KeyCondition;
use super::read::{Page, ReadSpec};
use super::stream::ItemStream;
use super::table::Table;
use crate::error::Error;
use crate::item::{FromItem, Item, Selection};

/// A query, ready to read as a stream or page by page.
///
/// ```
/// use ddbgen_runtime::{Error, FromItem, Query};
/// use futures_util::TryStreamExt;
///
/// // Every item, lazily: the next page is requested when the stream reaches it.
/// async fn count<T: FromItem + Send + 'static>(query: Query<T>) -> Result<usize, Error> {
///     query.page_size(100).stream().try_fold(0, |n, _| async move { Ok(n + 1) }).await
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Query<T> {
    spec: ReadSpec,
    limit: Option<usize>,
    item: PhantomData<fn() -> T>,
}

impl<T: FromItem> Query<T> {
    /// A read of `T`: of a single table's entities, only theirs.
    pub(crate) fn new(mut spec: ReadSpec) -> Self {
        if let Some(entities) = T::ENTITIES {
            spec.only_entities(entities);
        }
        Self {
            spec,
            limit: None,
            item: PhantomData,
        }
    }
}

impl<T: Selection + Send + 'static> Query<T> {
    /// Keeps only items that meet `condition` (DynamoDB's `FilterExpression`). The filter runs
    /// after the key condition, so `page_size` still counts items evaluated; `limit(n)` still
    /// means `n` matching items, and a page whose items were all filtered out still carries
    /// its cursor. Several calls are combined with AND.
    pub fn filter(mut self, condition: Condition<T::Table>) -> Self {
        self.spec.add_filter(condition);
        self
    }

    /// Reads only the attributes of `P` (DynamoDB's `ProjectionExpression`): the item's key
    /// type, or a generated partial type. The key attributes are always read as well, so that
    /// pages resume exactly.
    pub fn select<P: Selection<Table = T::Table>>(mut self) -> Query<P> {
        self.spec.project(P::ATTRIBUTES);
        Query {
            spec: self.spec,
            limit: self.limit,
            item: PhantomData,
        }
    }
}

impl<T: FromItem + Send + 'static> Query<T> {
    /// Returns at most `n` items (counted as returned, not as evaluated). With `limit(0)`
    /// nothing is requested: `stream()` yields nothing, and `page()` returns no items and a
    /// cursor that resumes where the page was asked to start.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Evaluates at most `n` items per request (DynamoDB's `Limit`).
    pub fn page_size(mut self, n: i32) -> Self {
        self.spec.page_size = Some(n);
        self
    }

    /// Reads in descending sort-key order. Cursors remember the direction: a cursor of a
    /// reversed read does not open on a forward one.
    pub fn reverse(mut self) -> Self {
        self.spec.forward = false;
        self
    }

    /// Reads with strong consistency (not on global indexes).
    pub fn consistent_read(mut self) -> Self {
        self.spec.consistent = true;
        self
    }

    /// How many items match (after the filter), summed over every page; no item is read
    /// into memory (`Select: COUNT`).
    pub async fn count(self) -> Result<u64, Error> {
        self.spec.count().await
    }

    /// Every matching item, one request per page, each made only when the consumer reaches it.
    /// A corrupt item is an `Err` in its place; the items after it still come.
    pub fn stream(self) -> ItemStream<T> {
        let limit = self.limit.unwrap_or(usize::MAX);
        ItemStream::new(Arc::new(self.spec).items(None).take(limit))
    }

    /// One page: up to `limit` items (or one response without a limit), starting at
    /// `cursor`, and the cursor of the next page.
    pub async fn page(self, cursor: Option<&Cursor>) -> Result<Page<T>, Error> {
        self.spec.page(cursor, self.limit).await
    }

    /// Every matching item, collected. Prefer [`Query::stream`] for large results.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.stream().try_collect().await
    }
}

/// A query that can be read: [`Query`] itself, and every generated narrowing level
/// (`books.query("HarperBusiness")`, `….published_year(1995)`). Its methods read the query as
/// it stands; bring the trait into scope (`use ddbgen_runtime::QueryBuilder;`) to call them
/// on a level.
///
/// ```
/// use ddbgen_runtime::{Error, QueryBuilder};
///
/// // Works on `Query` and on every generated level (`books.query("HarperBusiness")`,
/// // `….published_year(1995)`).
/// async fn newest_first<Q: QueryBuilder>(query: Q) -> Result<Vec<Q::Item>, Error> {
///     query.reverse().limit(10).all().await
/// }
/// ```
pub trait QueryBuilder: Sized {
    /// The type items are read as.
    type Item: FromItem + Send + 'static;

    /// The query as narrowed so far.
    fn into_query(self) -> Query<Self::Item>;

    /// Returns at most `n` items (counted as returned, not as evaluated).
    fn limit(self, n: usize) -> Query<Self::Item> {
        self.into_query().limit(n)
    }

    /// Evaluates at most `n` items per request (DynamoDB's `Limit`).
    fn page_size(self, n: i32) -> Query<Self::Item> {
        self.into_query().page_size(n)
    }

    /// Reads in descending sort-key order.
    fn reverse(self) -> Query<Self::Item> {
        self.into_query().reverse()
    }

    /// Reads with strong consistency (not on global indexes).
    fn consistent_read(self) -> Query<Self::Item> {
        self.into_query().consistent_read()
    }

    /// How many items match, summed over every page.
    fn count(self) -> impl Future<Output = Result<u64, Error>> + Send {
        self.into_query().count()
    }

    /// Keeps only items that meet `condition`; see [`Query::filter`].
    fn filter(self, condition: Condition<<Self::Item as Selection>::Table>) -> Query<Self::Item>
    where
        Self::Item: Selection,
    {
        self.into_query().filter(condition)
    }

    /// Reads only the attributes of `P` (and the keys); see [`Query::select`].
    fn select<P>(self) -> Query<P>
    where
        Self::Item: Selection,
        P: Selection<Table = <Self::Item as Selection>::Table> + Send + 'static,
    {
        self.into_query().select()
    }

    /// Every matching item, lazily: the next page is requested when the consumer reaches it.
    fn stream(self) -> ItemStream<Self::Item> {
        self.into_query().stream()
    }

    /// One page of items and the cursor of the next.
    fn page(self, cursor: Option<&Cursor>) -> impl Future<Output = Result<Page<Self::Item>, Error>> + Send {
        self.into_query().page(cursor)
    }

    /// Every matching item, collected.
    fn all(self) -> impl Future<Output = Result<Vec<Self::Item>, Error>> + Send {
        self.into_query().all()
    }
}

impl<T: FromItem + Send + 'static> QueryBuilder for Query<T> {
    type Item = T;
    fn into_query(self) -> Query<T> {
        self
    }
}

/// A scan of a whole table.
///
/// ```
/// use ddbgen_runtime::{Error, Item, Table};
/// use futures_util::TryStreamExt;
///
/// async fn export<T: Item + Send + 'static>(table: &Table<T>) -> Result<Vec<T>, Error> {
///     table.scan().segments(4).stream().try_collect().await
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Scan<T> {
    query: Query<T>,
}

impl<T: FromItem> Scan<T> {
    pub(crate) fn new(spec: ReadSpec) -> Self {
        Self {
            query: Query::new(spec),
        }
    }
}

impl<T: Selection + Send + 'static> Scan<T> {
    /// Keeps only items that meet `condition`; see [`Query::filter`].
    pub fn filter(self, condition: Condition<T::Table>) -> Self {
        Self {
            query: self.query.filter(condition),
        }
    }

    /// Reads only the attributes of `P` (and the keys); see [`Query::select`].
    pub fn select<P: Selection<Table = T::Table>>(self) -> Scan<P> {
        Scan {
            query: self.query.select(),
        }
    }
}

impl<T: FromItem + Send + 'static> Scan<T> {
    /// Returns at most `n` items.
    pub fn limit(self, n: usize) -> Self {
        Self {
            query: self.query.limit(n),
        }
    }

    /// Evaluates at most `n` items per request.
    pub fn page_size(self, n: i32) -> Self {
        Self {
            query: self.query.page_size(n),
        }
    }

    /// Reads with strong consistency.
    pub fn consistent_read(self) -> Self {
        Self {
            query: self.query.consistent_read(),
        }
    }

    /// How many items there are (after the filter), summed over every page.
    pub async fn count(self) -> Result<u64, Error> {
        self.query.count().await
    }

    /// Splits the scan into `n` segments read in parallel (DynamoDB's parallel scan).
    pub fn segments(self, n: u16) -> ParallelScan<T> {
        ParallelScan {
            scan: self,
            segments: n.max(1),
        }
    }

    /// Every item, one request per page, each made only when the consumer reaches it.
    pub fn stream(self) -> ItemStream<T> {
        self.query.stream()
    }

    /// One page of the scan and the cursor of the next.
    pub async fn page(self, cursor: Option<&Cursor>) -> Result<Page<T>, Error> {
        self.query.page(cursor).await
    }

    /// Every item, collected.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.query.all().await
    }
}

/// A scan split into segments read concurrently, their items interleaved.
///
/// ```
/// use ddbgen_runtime::{Error, Item, Table};
///
/// async fn everything<T: Item + Send + 'static>(table: &Table<T>) -> Result<Vec<T>, Error> {
///     table.scan().segments(8).all().await
/// }
/// ```
#[derive(Debug, Clone)]
pub struct ParallelScan<T> {
    scan: Scan<T>,
    segments: u16,
}

impl<T: FromItem + Send + 'static> ParallelScan<T> {
    /// Every item, from all segments as they arrive; each segment requests its next page only
    /// when its items have been consumed.
    pub fn stream(self) -> ItemStream<T> {
        let total = i32::from(self.segments);
        let limit = self.scan.query.limit.unwrap_or(usize::MAX);
        let spec = Arc::new(self.scan.query.spec);
        let streams = (0..total).map(|segment| spec.clone().items::<T>(Some((segment, total))).boxed());
        ItemStream::new(stream::select_all(streams).take(limit))
    }

    /// Every item, collected.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.stream().try_collect().await
    }
}

/// The reads of a table: queries of it or an index, and scans.
impl<T: Item> Table<T> {
    /// A query of the table by `condition`.
    pub fn query(&self, condition: KeyCondition) -> Query<T> {
        Query::new(ReadSpec::new(self, None, Some(condition)))
    }

    /// A query of index `index` by `condition`, reading items as `P` (the item itself, or a
    /// projection type for `keys_only` and `include` indexes).
    pub fn query_index<P: FromItem>(&self, index: &'static str, condition: KeyCondition) -> Query<P> {
        Query::new(ReadSpec::new(self, Some(index), Some(condition)))
    }

    /// A query of the table (`index` `None`) or of an index, reading items as `P`: the enum of
    /// a single table's collection, whose entities share the partition.
    pub fn query_as<P: FromItem>(&self, index: Option<&'static str>, condition: KeyCondition) -> Query<P> {
        Query::new(ReadSpec::new(self, index, Some(condition)))
    }

    /// A scan of the whole table, reading items as `P` (the enum of every entity of a single
    /// table).
    pub fn scan_as<P: FromItem>(&self) -> Scan<P> {
        Scan::new(ReadSpec::new(self, None, None))
    }

    /// A scan of the whole table.
    pub fn scan(&self) -> Scan<T> {
        Scan::new(ReadSpec::new(self, None, None))
    }
}
