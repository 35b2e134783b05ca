//! Reads that return many items: queries and scans, lazily paginated.
//!
//! DynamoDB returns at most 1 MB per request and a `LastEvaluatedKey` to go on from. Here that
//! is never dropped: [`Query::stream`] requests the next page only when the consumer reaches
//! it, and [`Query::page`] returns a [`Page`] whose `next` cursor resumes exactly where it
//! stopped.

use std::marker::PhantomData;
use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, Select};
use futures_util::stream::{self, Stream, StreamExt, TryStreamExt};
use tracing::Instrument;

use super::condition::Condition;
use super::cursor::{Cursor, CursorKey};
use super::expression::Placeholders;
use super::table::{Table, record_capacity};
use crate::codec::AttributeMap;
use crate::error::Error;
use crate::item::{FromItem, Item, Selection};
use crate::key::{CompositeKey, KeyPart};

/// A condition on the sort key of a query.
///
/// ```
/// use ddbgen_runtime::codegen::{CompositeKey, SortCondition};
/// use ddbgen_runtime::AttributeValue;
///
/// // Books of 1990 to 1999, whatever the ISBN (the first part of `year#isbn`).
/// let decade = SortCondition::part_between(CompositeKey::new("#"), &1990u16, &1999u16);
/// assert_eq!(
///     decade,
///     SortCondition::Between(AttributeValue::S("01990".into()), AttributeValue::S("01999$".into()))
/// );
///
/// // An entity's orders before 1995: from its `ORDER#` prefix, not from the partition's start.
/// let before = SortCondition::part_lt(CompositeKey::new("#").part("ORDER"), &1995u16);
/// assert_eq!(
///     before,
///     SortCondition::Between(AttributeValue::S("ORDER#".into()), AttributeValue::S("ORDER#01995".into()))
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum SortCondition {
    /// `sk = value`
    Eq(AttributeValue),
    /// `begins_with(sk, prefix)`
    BeginsWith(String),
    /// `sk BETWEEN low AND high` (both inclusive)
    Between(AttributeValue, AttributeValue),
    /// `sk < value`
    Lt(AttributeValue),
    /// `sk <= value`
    Le(AttributeValue),
    /// `sk > value`
    Gt(AttributeValue),
    /// `sk >= value`
    Ge(AttributeValue),
}

impl SortCondition {
    /// Composite keys that start with `start` (the constants before the first part: empty
    /// for a plain composite sort key, `ORDER` for an entity's) and whose first part is from
    /// `low` to `high`, both included, whatever the later parts: from `low`'s encoding to just
    /// above every key that starts with `high`.
    pub fn part_between<P: KeyPart + ?Sized>(start: CompositeKey<'_>, low: &P, high: &P) -> Self {
        SortCondition::Between(
            AttributeValue::S(start.clone().part(low).finish()),
            AttributeValue::S(start.part(high).after()),
        )
    }

    /// Composite keys after `start` whose first part is greater than `value`; with constants
    /// in `start`, only keys that start with them.
    pub fn part_gt<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        let low = start.clone().part(value).after();
        Self::up_to_end(start, low)
    }

    /// Composite keys after `start` whose first part is at least `value`; with constants in
    /// `start`, only keys that start with them.
    pub fn part_ge<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        let low = start.clone().part(value).finish();
        Self::up_to_end(start, low)
    }

    /// From `low` to the last key that starts with `start`'s constants (to the end of the
    /// partition when there are none).
    fn up_to_end(start: CompositeKey<'_>, low: String) -> Self {
        if start.is_empty() {
            SortCondition::Ge(AttributeValue::S(low))
        } else {
            SortCondition::Between(AttributeValue::S(low), AttributeValue::S(start.after()))
        }
    }

    /// Composite keys whose first part after `start` is less than `value`. With constants in
    /// `start`, only keys that start with them, up to and including the key that is exactly
    /// those constants and `value`: a key condition has no exclusive upper bound beside a
    /// lower one. A template that ends with the part can store that key; the generated query
    /// then leaves its one item out with a filter on the field. With no constants, the keys
    /// below `value`, from the start of the partition.
    pub fn part_lt<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        if start.is_empty() {
            SortCondition::Lt(AttributeValue::S(start.part(value).finish()))
        } else {
            let low = start.clone().prefix();
            SortCondition::Between(AttributeValue::S(low), AttributeValue::S(start.part(value).finish()))
        }
    }

    /// Composite keys whose first part after `start` is at most `value`; with constants in
    /// `start`, only keys that start with them.
    pub fn part_le<P: KeyPart + ?Sized>(start: CompositeKey<'_>, value: &P) -> Self {
        let high = start.clone().part(value).after();
        if start.is_empty() {
            SortCondition::Lt(AttributeValue::S(high))
        } else {
            SortCondition::Between(AttributeValue::S(start.prefix()), AttributeValue::S(high))
        }
    }
}

/// The key condition of a query: the hash key, and optionally a condition on the sort key.
///
/// ```
/// use ddbgen_runtime::codegen::{KeyCondition, SortCondition};
/// use ddbgen_runtime::AttributeValue;
///
/// let condition = KeyCondition::hash("publisher", AttributeValue::S("HarperBusiness".into()))
///     .sort("year_isbn", SortCondition::BeginsWith("01995#".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    hash: (&'static str, AttributeValue),
    sort: Option<(&'static str, SortCondition)>,
}

impl KeyCondition {
    /// Items whose hash key `attribute` equals `value`.
    pub fn hash(attribute: &'static str, value: AttributeValue) -> Self {
        Self {
            hash: (attribute, value),
            sort: None,
        }
    }

    /// Narrows to items whose sort key `attribute` meets `condition`.
    pub fn sort(mut self, attribute: &'static str, condition: SortCondition) -> Self {
        self.sort = Some((attribute, condition));
        self
    }

    fn render(&self, p: &mut Placeholders) -> String {
        let (hash_name, hash_value) = (p.name(self.hash.0), p.value(self.hash.1.clone()));
        let hash = format!("{hash_name} = {hash_value}");
        let Some((attribute, condition)) = &self.sort else {
            return hash;
        };
        let name = p.name(attribute);
        let sort = match condition {
            SortCondition::Eq(v) => format!("{name} = {}", p.value(v.clone())),
            SortCondition::BeginsWith(prefix) => {
                format!("begins_with({name}, {})", p.value(AttributeValue::S(prefix.clone())))
            }
            SortCondition::Between(low, high) => {
                let (low, high) = (p.value(low.clone()), p.value(high.clone()));
                format!("{name} BETWEEN {low} AND {high}")
            }
            SortCondition::Lt(v) => format!("{name} < {}", p.value(v.clone())),
            SortCondition::Le(v) => format!("{name} <= {}", p.value(v.clone())),
            SortCondition::Gt(v) => format!("{name} > {}", p.value(v.clone())),
            SortCondition::Ge(v) => format!("{name} >= {}", p.value(v.clone())),
        };
        format!("{hash} AND {sort}")
    }
}

/// Why a [`Page`] ended.
///
/// ```
/// use ddbgen_runtime::{Page, StopReason};
///
/// fn more_to_read<T>(page: &Page<T>) -> bool {
///     page.stop != StopReason::Exhausted
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// Every matching item has been read; `next` is `None`.
    Exhausted,
    /// The page holds `limit` items; `next` resumes after the last one.
    Limit,
    /// One DynamoDB response ended (1 MB, or `page_size` items evaluated); `next` resumes.
    ResponseEnd,
}

/// One page of a paginated read.
///
/// ```
/// use ddbgen_runtime::{Cursor, Error, FromItem, Page, Query};
///
/// // A web handler's pattern: read one page, hand the cursor to the client, resume with it later.
/// async fn one_page<T: FromItem + Send + 'static>(query: Query<T>, cursor: Option<&Cursor>) -> Result<(Vec<T>, Option<String>), Error> {
///     let Page { items, next, .. } = query.limit(20).page(cursor).await?;
///     Ok((items, next.map(|c| c.as_str().to_owned())))
/// }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in key order (reversed with `reverse()`).
    pub items: Vec<T>,
    /// Where to resume; `None` only when the read is exhausted.
    pub next: Option<Cursor>,
    /// Why the page ended.
    pub stop: StopReason,
}

/// The table's clock, which dates the cursors a read issues and checks their age.
#[derive(Clone)]
pub(crate) struct ReadClock(Arc<dyn super::clock::Clock>);

impl std::fmt::Debug for ReadClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadClock(..)")
    }
}

/// Everything one paginated read needs, shared by its requests.
#[derive(Debug, Clone)]
pub(crate) struct ReadSpec {
    client: Client,
    table: String,
    index: Option<&'static str>,
    key_names: Vec<&'static str>,
    condition: Option<String>,
    placeholders: Placeholders,
    binding: String,
    cursor_key: CursorKey,
    clock: ReadClock,
    page_size: Option<i32>,
    forward: bool,
    consistent: bool,
    filter: Option<String>,
    /// The attributes a `select` reads (keys included); `None` for whole items.
    projection: Option<Vec<&'static str>>,
    capacity: bool,
}

/// What one Query or Scan request returned.
struct Fetched {
    items: Vec<AttributeMap>,
    last: Option<AttributeMap>,
    count: i32,
}

impl ReadSpec {
    pub(crate) fn new<T: Item>(table: &Table<T>, index: Option<&'static str>, condition: Option<KeyCondition>) -> Self {
        let spec = T::TABLE;
        let mut key_names: Vec<&'static str> = std::iter::once(spec.hash_key.name)
            .chain(spec.range_key.map(|k| k.name))
            .collect();
        if let Some(index) = spec.indexes.iter().find(|i| Some(i.name) == index) {
            key_names.extend(std::iter::once(index.hash_key.name).chain(index.range_key.map(|k| k.name)));
        }
        let mut placeholders = Placeholders::default();
        let condition = condition.map(|c| c.render(&mut placeholders));
        let mut values: Vec<String> = placeholders
            .values()
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        values.sort();
        let binding = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            table.name,
            index.unwrap_or(""),
            condition.as_deref().unwrap_or("scan"),
            values.join("\u{1e}")
        );
        Self {
            client: table.client.clone(),
            table: table.name.clone(),
            index,
            key_names,
            condition,
            placeholders,
            binding,
            cursor_key: table.cursor_key.clone(),
            clock: ReadClock(table.clock.clone()),
            page_size: None,
            forward: true,
            consistent: false,
            filter: None,
            projection: None,
            capacity: table.capacity,
        }
    }

    /// ANDs `condition` to the filter.
    fn add_filter<S>(&mut self, condition: Condition<S>) {
        let text = condition.render(&mut self.placeholders);
        self.and_filter(text);
    }

    /// Reads only items whose discriminator names one of `entities`, ANDed to the filter.
    fn only_entities(&mut self, entities: crate::item::Entities) {
        let name = self.placeholders.name(entities.attribute);
        let values: Vec<String> = entities
            .names
            .iter()
            .map(|n| self.placeholders.value(AttributeValue::S((*n).to_owned())))
            .collect();
        self.and_filter(format!("{name} IN ({})", values.join(", ")));
    }

    /// ANDs a rendered expression to the filter.
    fn and_filter(&mut self, text: String) {
        self.filter = Some(match self.filter.take() {
            Some(previous) => format!("({previous}) AND ({text})"),
            None => text,
        });
    }

    /// Reads only `attributes` and the key attributes.
    fn project(&mut self, attributes: &[&'static str]) {
        if attributes.is_empty() {
            self.projection = None;
            return;
        }
        let mut names: Vec<&'static str> = attributes.to_vec();
        for key in &self.key_names {
            if !names.contains(key) {
                names.push(key);
            }
        }
        self.projection = Some(names);
    }

    /// The operation's name, for errors and traces.
    fn operation(&self) -> &'static str {
        if self.condition.is_some() { "Query" } else { "Scan" }
    }

    /// One Query or Scan request: its items, the key to go on from, and how many items
    /// matched (with `select_count`, the only result).
    async fn fetch(
        &self,
        start: Option<AttributeMap>,
        segment: Option<(i32, i32)>,
        select_count: bool,
    ) -> Result<Fetched, Error> {
        let span = tracing::debug_span!(
            "dynamodb",
            operation = self.operation(),
            table = %self.table,
            index = self.index.unwrap_or(""),
            items = tracing::field::Empty,
            scanned = tracing::field::Empty,
            consumed_capacity = tracing::field::Empty,
        );
        // DynamoDB refuses a projection with `Select: COUNT` (a count reads no attributes), and
        // names no expression uses: the projection's names are added for item reads only.
        let mut placeholders = self.placeholders.clone();
        let projection = match &self.projection {
            Some(attributes) if !select_count => {
                let names: Vec<String> = attributes.iter().map(|a| placeholders.name(a)).collect();
                Some(names.join(", "))
            }
            _ => None,
        };
        let names = placeholders.names();
        let values = placeholders.values();
        let select = select_count.then_some(Select::Count);
        let capacity = self.capacity.then_some(ReturnConsumedCapacity::Total);
        let (items, last, count, scanned, consumed) = match &self.condition {
            Some(condition) => {
                let output = self
                    .client
                    .query()
                    .table_name(&self.table)
                    .set_index_name(self.index.map(str::to_owned))
                    .key_condition_expression(condition)
                    .set_filter_expression(self.filter.clone())
                    .set_projection_expression(projection)
                    .set_select(select)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .set_exclusive_start_key(start)
                    .set_limit(self.page_size)
                    .scan_index_forward(self.forward)
                    .consistent_read(self.consistent)
                    .set_return_consumed_capacity(capacity)
                    .send()
                    .instrument(span.clone())
                    .await
                    .map_err(|e| Error::call("Query", &self.table, e))?;
                (
                    output.items,
                    output.last_evaluated_key,
                    output.count,
                    output.scanned_count,
                    output.consumed_capacity,
                )
            }
            None => {
                let output = self
                    .client
                    .scan()
                    .table_name(&self.table)
                    .set_index_name(self.index.map(str::to_owned))
                    .set_filter_expression(self.filter.clone())
                    .set_projection_expression(projection)
                    .set_select(select)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .set_exclusive_start_key(start)
                    .set_limit(self.page_size)
                    .set_segment(segment.map(|s| s.0))
                    .set_total_segments(segment.map(|s| s.1))
                    .consistent_read(self.consistent)
                    .set_return_consumed_capacity(capacity)
                    .send()
                    .instrument(span.clone())
                    .await
                    .map_err(|e| Error::call("Scan", &self.table, e))?;
                (
                    output.items,
                    output.last_evaluated_key,
                    output.count,
                    output.scanned_count,
                    output.consumed_capacity,
                )
            }
        };
        let items = items.unwrap_or_default();
        span.record("items", count);
        span.record("scanned", scanned);
        record_capacity(&span, consumed.as_ref());
        Ok(Fetched {
            items,
            last: last.filter(|k| !k.is_empty()),
            count,
        })
    }

    /// The stored items of every page, requesting each page only when the previous one has
    /// been consumed.
    fn raw_items(
        self: Arc<Self>,
        segment: Option<(i32, i32)>,
    ) -> impl Stream<Item = Result<AttributeMap, Error>> + Send + 'static {
        // State: `None` when done, otherwise the key to start from (`None` at the start).
        stream::try_unfold(Some(None), move |state: Option<Option<AttributeMap>>| {
            let spec = self.clone();
            async move {
                let Some(start) = state else {
                    return Ok::<_, Error>(None);
                };
                let Fetched { items, last, .. } = spec.fetch(start, segment, false).await?;
                Ok(Some((stream::iter(items.into_iter().map(Ok)), last.map(Some))))
            }
        })
        .try_flatten()
    }

    /// How many items match, summed over every page (`Select: COUNT`).
    async fn count(&self) -> Result<u64, Error> {
        let span = tracing::debug_span!("dynamodb.count", table = %self.table, pages = tracing::field::Empty);
        let (mut total, mut pages, mut start) = (0u64, 0u32, None);
        loop {
            let fetched = self.fetch(start, None, true).instrument(span.clone()).await?;
            pages += 1;
            span.record("pages", pages);
            total += u64::try_from(fetched.count).unwrap_or(0);
            match fetched.last {
                Some(key) => start = Some(key),
                None => return Ok(total),
            }
        }
    }

    async fn page<T: FromItem>(&self, cursor: Option<&Cursor>, limit: Option<usize>) -> Result<Page<T>, Error> {
        // An empty key is the start of the read (what a `limit(0)` page hands out).
        let mut start = cursor
            .map(|c| self.cursor_key.open(&self.binding, self.forward, self.clock.0.now(), c))
            .transpose()?
            .filter(|key| !key.is_empty());
        if limit == Some(0) {
            // Nothing to read: no request, and the page resumes where it was asked to start.
            let here = start.unwrap_or_default();
            return Ok(Page {
                items: Vec::new(),
                next: Some(
                    self.cursor_key
                        .seal(&self.binding, self.forward, self.clock.0.now(), &here),
                ),
                stop: StopReason::Limit,
            });
        }
        let mut items = Vec::new();
        loop {
            let Fetched { items: raw, last, .. } = self.fetch(start, None, false).await?;
            let count = raw.len();
            for (i, stored) in raw.into_iter().enumerate() {
                // Another entity's item in a shared table: not this read's.
                if !T::accepts(&stored) {
                    continue;
                }
                let reaches_limit = limit == Some(items.len() + 1);
                // When the limit stops the page inside a response, the next page resumes after
                // this item: its key is where DynamoDB would have stopped.
                let resume: Option<AttributeMap> = (reaches_limit && i + 1 < count).then(|| {
                    self.key_names
                        .iter()
                        .filter_map(|n| stored.get(*n).map(|v| ((*n).to_owned(), v.clone())))
                        .collect()
                });
                items.push(T::from_item(stored)?);
                if reaches_limit {
                    let next = resume.or_else(|| last.clone());
                    return Ok(match next {
                        Some(key) => Page {
                            items,
                            next: Some(
                                self.cursor_key
                                    .seal(&self.binding, self.forward, self.clock.0.now(), &key),
                            ),
                            stop: StopReason::Limit,
                        },
                        None => Page {
                            items,
                            next: None,
                            stop: StopReason::Exhausted,
                        },
                    });
                }
            }
            match last {
                None => {
                    return Ok(Page {
                        items,
                        next: None,
                        stop: StopReason::Exhausted,
                    });
                }
                Some(key) if limit.is_none() => {
                    return Ok(Page {
                        items,
                        next: Some(
                            self.cursor_key
                                .seal(&self.binding, self.forward, self.clock.0.now(), &key),
                        ),
                        stop: StopReason::ResponseEnd,
                    });
                }
                Some(key) => start = Some(key),
            }
        }
    }
}

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
    pub fn stream(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        let limit = self.limit.unwrap_or(usize::MAX);
        Arc::new(self.spec)
            .raw_items(None)
            .filter(|r| std::future::ready(r.as_ref().map_or(true, T::accepts)))
            .map(|r| r.and_then(T::from_item))
            .take(limit)
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
    fn stream(self) -> impl Stream<Item = Result<Self::Item, Error>> + Send + 'static {
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
    pub fn stream(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
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
    pub fn stream(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        let total = i32::from(self.segments);
        let limit = self.scan.query.limit.unwrap_or(usize::MAX);
        let spec = Arc::new(self.scan.query.spec);
        let streams = (0..total).map(|segment| spec.clone().raw_items(Some((segment, total))).boxed());
        stream::select_all(streams)
            .filter(|r| std::future::ready(r.as_ref().map_or(true, T::accepts)))
            .map(|r| r.and_then(T::from_item))
            .take(limit)
    }

    /// Every item, collected.
    pub async fn all(self) -> Result<Vec<T>, Error> {
        self.stream().try_collect().await
    }
}
