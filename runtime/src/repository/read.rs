//! The engine of every paginated read: one Query or Scan request after another, a page's
//! items, and the sealed cursor that resumes it. DynamoDB returns at most 1 MB per request and a
//! `LastEvaluatedKey` to go on from; here that is never dropped.

use std::ops::Range;
use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, Select};
use futures_util::stream::{self, Stream, TryStreamExt};
use tracing::Instrument;

use super::condition::Condition;
use super::cursor::{Cursor, CursorKey};
use super::expression::Placeholders;
use super::fast::{Decoded, FastRead, Optional, Target};
use super::key_condition::KeyCondition;
use super::table::Table;
use super::telemetry::Call;
use crate::codec::{AttributeMap, WireMap};
use crate::error::Error;
use crate::item::{FromItem, Item};

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
    pub(crate) page_size: Option<i32>,
    pub(crate) forward: bool,
    pub(crate) consistent: bool,
    filter: Option<String>,
    /// The attributes a `select` reads (keys included); `None` for whole items.
    projection: Option<Vec<&'static str>>,
    capacity: bool,
    /// Whether items are decoded from the response body ([`fast`](super::fast)).
    fast: bool,
}

/// What one Query or Scan request returned.
struct Fetched<T> {
    rows: Rows<T>,
    last: Option<AttributeMap>,
    count: i32,
}

/// A response's items: the SDK's, or decoded from the body.
enum Rows<T> {
    Sdk(Vec<AttributeMap>),
    Wire(Decoded<Row<T>>),
}

/// One item decoded from the response body, and its byte range there; `None` when it is
/// another entity's item, which the read skips.
type Row<T> = (Option<Result<T, Error>>, Range<usize>);

/// The fast path's decoder of a read's rows.
fn decode_row<T: FromItem>(item: WireMap<'_>, range: Range<usize>) -> Row<T> {
    let accepted = T::ENTITIES.is_none_or(|entities| entities.accepts(&item));
    (accepted.then(|| T::from_wire(item)), range)
}

impl<T: FromItem> Rows<T> {
    fn len(&self) -> usize {
        match self {
            Rows::Sdk(items) => items.len(),
            Rows::Wire(decoded) => decoded.rows.len(),
        }
    }

    /// The decoded items, other entities' left out, in response order.
    fn into_items(self) -> Vec<Result<T, Error>> {
        match self {
            Rows::Sdk(items) => items.into_iter().filter(T::accepts).map(T::from_item).collect(),
            Rows::Wire(decoded) => decoded.rows.into_iter().filter_map(|(item, _)| item).collect(),
        }
    }
}

/// What a page takes of one response.
struct Taken<T> {
    /// The items, up to the room left in the page.
    items: Vec<T>,
    /// `Some` when the page is full: the stored key of its last item when items of the response
    /// follow it (`None` inside when that item ended the response).
    cut: Option<Option<AttributeMap>>,
}

/// A type for requests that read no items (`Select: COUNT`).
struct NoItems;

impl FromItem for NoItems {
    fn from_item(_: AttributeMap) -> Result<Self, Error> {
        Ok(NoItems)
    }
}

impl ReadSpec {
    pub(crate) fn new<T: Item>(table: &Table<T>, index: Option<&'static str>, condition: Option<KeyCondition>) -> Self {
        let spec = T::TABLE;
        let mut key_names: Vec<&'static str> = std::iter::once(spec.hash_key.name)
            .chain(spec.range_key.map(|k| k.name))
            .collect();
        if let Some(index) = spec.indexes.iter().find(|i| Some(i.name) == index) {
            key_names.extend(index.hash_key.iter().chain(index.range_key).map(|k| k.name));
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
        // A scan of a table with unique values leaves their sentinel items out.
        let filter = (condition.is_none() && !spec.unique.is_empty())
            .then(|| format!("attribute_not_exists({})", placeholders.name(super::unique::MARKER)));
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
            filter,
            projection: None,
            capacity: table.capacity,
            fast: table.fast_reads,
        }
    }

    /// ANDs `condition` to the filter.
    pub(crate) fn add_filter<S>(&mut self, condition: Condition<S>) {
        let text = condition.render(&mut self.placeholders);
        self.and_filter(text);
    }

    /// Reads only items whose discriminator names one of `entities`, ANDed to the filter.
    pub(crate) fn only_entities(&mut self, entities: crate::item::Entities) {
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
    pub(crate) fn project(&mut self, attributes: &[&'static str]) {
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
    async fn fetch<T: FromItem + Send + 'static>(
        &self,
        start: Option<AttributeMap>,
        segment: Option<(i32, i32)>,
        select_count: bool,
    ) -> Result<Fetched<T>, Error> {
        let call = Call::new(self.operation(), &self.table, self.index);
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
        let target = if self.condition.is_some() {
            Target::Query
        } else {
            Target::Scan
        };
        let fast = (self.fast && !select_count).then(|| FastRead::new(target, decode_row::<T>));
        let (items, last, count, scanned, consumed) = match &self.condition {
            Some(condition) => {
                let output = call
                    .send(
                        self.client
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
                            .customize()
                            .interceptor(Optional(fast.clone()))
                            .send(),
                    )
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
                let output = call
                    .send(
                        self.client
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
                            .customize()
                            .interceptor(Optional(fast.clone()))
                            .send(),
                    )
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
        let rows = match fast.and_then(|read| read.take()) {
            Some(decoded) => Rows::Wire(decoded),
            None => Rows::Sdk(items.unwrap_or_default()),
        };
        if !select_count {
            call.read_path(matches!(rows, Rows::Wire(_)));
        }
        call.counts(count, scanned);
        call.capacity(consumed.as_ref());
        Ok(Fetched {
            rows,
            last: last.filter(|k| !k.is_empty()),
            count,
        })
    }

    /// The items of every page, other entities' left out, requesting each page only when the
    /// previous one has been consumed. A corrupt item is an `Err` in its place.
    pub(crate) fn items<T: FromItem + Send + 'static>(
        self: Arc<Self>,
        segment: Option<(i32, i32)>,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        // State: `None` when done, otherwise the key to start from (`None` at the start).
        stream::try_unfold(Some(None), move |state: Option<Option<AttributeMap>>| {
            let spec = self.clone();
            async move {
                let Some(start) = state else {
                    return Ok::<_, Error>(None);
                };
                let Fetched { rows, last, .. } = spec.fetch::<T>(start, segment, false).await?;
                Ok(Some((stream::iter(rows.into_items()), last.map(Some))))
            }
        })
        .try_flatten()
    }

    /// The items of one response that fit in `room` (all without a limit), other entities'
    /// left out; the first corrupt one among them is the error.
    fn take<T: FromItem>(&self, rows: Rows<T>, room: Option<usize>) -> Result<Taken<T>, Error> {
        let count = rows.len();
        match rows {
            Rows::Sdk(stored) => {
                let mut items = Vec::with_capacity(room.map_or(count, |room| room.min(count)));
                for (i, stored) in stored.into_iter().enumerate() {
                    // Another entity's item in a shared table: not this read's.
                    if !T::accepts(&stored) {
                        continue;
                    }
                    let full = room == Some(items.len() + 1);
                    let resume = (full && i + 1 < count).then(|| self.key_of(&stored));
                    items.push(T::from_item(stored)?);
                    if full {
                        return Ok(Taken {
                            items,
                            cut: Some(resume),
                        });
                    }
                }
                Ok(Taken { items, cut: None })
            }
            Rows::Wire(Decoded { mut rows, body }) => {
                // Where the page fills up, found on the decoded rows; then the items are taken
                // in place, without a second buffer of the page.
                let mut accepted = 0;
                let full = rows.iter().position(|(item, _)| {
                    accepted += usize::from(item.is_some());
                    item.is_some() && room == Some(accepted)
                });
                let cut = match full {
                    Some(i) if i + 1 < count => {
                        let stored = body.stored(rows[i].1.clone(), self.operation(), &self.table)?;
                        Some(Some(self.key_of(&stored)))
                    }
                    Some(_) => Some(None),
                    None => None,
                };
                if let Some(i) = full {
                    rows.truncate(i + 1);
                }
                let items = rows
                    .into_iter()
                    .filter_map(|(item, _)| item)
                    .collect::<Result<Vec<T>, Error>>()?;
                Ok(Taken { items, cut })
            }
        }
    }

    /// The key attributes of a stored item (the table's, and the index's when reading one).
    fn key_of(&self, item: &AttributeMap) -> AttributeMap {
        self.key_names
            .iter()
            .filter_map(|n| item.get(*n).map(|v| ((*n).to_owned(), v.clone())))
            .collect()
    }

    /// How many items match, summed over every page (`Select: COUNT`).
    pub(crate) async fn count(&self) -> Result<u64, Error> {
        let span = tracing::debug_span!(
            "dynamodb.count",
            aws.dynamodb.table_names = %self.table,
            pages = tracing::field::Empty
        );
        let (mut total, mut pages, mut start) = (0u64, 0u32, None);
        loop {
            let fetched = self
                .fetch::<NoItems>(start, None, true)
                .instrument(span.clone())
                .await?;
            pages += 1;
            span.record("pages", pages);
            total += u64::try_from(fetched.count).unwrap_or(0);
            match fetched.last {
                Some(key) => start = Some(key),
                None => return Ok(total),
            }
        }
    }

    pub(crate) async fn page<T: FromItem + Send + 'static>(
        &self,
        cursor: Option<&Cursor>,
        limit: Option<usize>,
    ) -> Result<Page<T>, Error> {
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
            let Fetched { rows, last, .. } = self.fetch::<T>(start, None, false).await?;
            let room = limit.map(|limit| limit - items.len());
            let Taken { items: taken, cut } = self.take(rows, room)?;
            if items.is_empty() {
                items = taken;
            } else {
                items.extend(taken);
            }
            if let Some(resume) = cut {
                // The limit stopped the page inside this response: the next page resumes after
                // its last item, where DynamoDB would have stopped; or, when that item ended
                // the response, where the response did.
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
