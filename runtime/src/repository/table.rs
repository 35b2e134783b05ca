//! One table of items of type `T`: the safe write paths, reads, and table creation. Generated
//! repositories wrap a [`Table`] with typed methods.

use std::marker::PhantomData;
use std::sync::{Arc, LazyLock};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ReturnConsumedCapacity, ReturnValue, ReturnValuesOnConditionCheckFailure,
};
use chrono::{DateTime, Utc};

use super::clock::{Clock, SystemClock};
use super::condition::Condition;
use super::cursor::CursorKey;
use super::expression::Placeholders;
use super::fast::{Decoded, FastRead, Optional, Target, decode_item};
use super::retry::RetryPolicy;
use super::telemetry::Call;
use crate::codec::AttributeMap;
use crate::error::{Error, ErrorKind};
use crate::item::{Item, KeyAttribute};

/// The key that seals (encrypts and authenticates) cursors when the application gives none:
/// random, for this process.
static PROCESS_CURSOR_KEY: LazyLock<CursorKey> = LazyLock::new(CursorKey::random);

/// A DynamoDB table holding items of type `T`, with its client, name, clock and cursor key.
///
/// ```
/// use ddbgen_runtime::{Error, Item, Table};
///
/// // What a generated repository wraps; `repository.table()` returns it.
/// async fn recreate<T: Item>(client: ddbgen_runtime::aws_sdk_dynamodb::Client) -> Result<Table<T>, Error> {
///     let table = Table::<T>::new(client).with_table_prefix("test-");
///     table.create_table().await?;
///     Ok(table)
/// }
/// ```
pub struct Table<T> {
    pub(crate) client: Client,
    pub(crate) name: String,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) cursor_key: CursorKey,
    pub(crate) capacity: bool,
    pub(crate) retry: RetryPolicy,
    /// Whether reads decode items from the response body (the default; `docs/design.md`).
    pub(crate) fast_reads: bool,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            name: self.name.clone(),
            clock: self.clock.clone(),
            cursor_key: self.cursor_key.clone(),
            capacity: self.capacity,
            retry: self.retry,
            fast_reads: self.fast_reads,
            item: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Table<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Table")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What a write asks of the stored item with the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Must {
    /// There is none (create).
    BeNew,
    /// There is one (replace, update, checked delete).
    Exist,
    /// Nothing (upsert, plain delete).
    Nothing,
}

/// The error for a write whose condition failed, told apart by the stored item: absent
/// ([`ErrorKind::NotFound`]), present for a create ([`ErrorKind::AlreadyExists`]), at another version
/// ([`ErrorKind::VersionConflict`]), or else the caller's condition was false
/// ([`ErrorKind::ConditionFailed`]).
pub(crate) fn refusal(
    table: &str,
    must: Must,
    version: Option<(&str, u64)>,
    key: AttributeMap,
    current: Option<AttributeMap>,
) -> Error {
    let table = table.to_owned();
    match (must, current) {
        (Must::BeNew, Some(current)) => Error::from(ErrorKind::AlreadyExists {
            table,
            key,
            current: Some(current),
        }),
        (Must::Exist, None) => Error::from(ErrorKind::NotFound { table, key }),
        (_, Some(current))
            if version.is_some_and(|(attribute, expected)| stored_version(&current, attribute) != Some(expected)) =>
        {
            Error::from(ErrorKind::VersionConflict {
                table,
                expected: version.map_or(0, |(_, expected)| expected),
                current: Some(current),
            })
        }
        (_, current) => Error::from(ErrorKind::ConditionFailed { table, key, current }),
    }
}

/// The version counter of a stored item.
pub(crate) fn stored_version(item: &AttributeMap, attribute: &str) -> Option<u64> {
    match item.get(attribute) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    }
}

impl<T: Item> Table<T> {
    /// The schema's table, with the system clock and a per-process cursor key.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            name: T::TABLE.table_name.to_owned(),
            clock: Arc::new(SystemClock),
            cursor_key: PROCESS_CURSOR_KEY.clone(),
            capacity: false,
            retry: RetryPolicy::default(),
            fast_reads: true,
            item: PhantomData,
        }
    }

    /// Uses the table `prefix` + schema name (`dev-books`), for one account holding several
    /// environments.
    pub fn with_table_prefix(mut self, prefix: &str) -> Self {
        self.name = format!("{prefix}{}", T::TABLE.table_name);
        self
    }

    /// Uses another table name altogether.
    pub fn with_table_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Takes `created`/`updated` times from `clock` (tests freeze time this way).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Seals (encrypts and authenticates) cursors with `key`, so that every instance of the
    /// application accepts them.
    pub fn with_cursor_key(mut self, key: CursorKey) -> Self {
        self.cursor_key = key;
        self
    }

    /// Asks DynamoDB for the capacity each request consumes and records it on the request's
    /// `tracing` span (`aws.dynamodb.consumed_capacity`) and metric (see `docs/observability.md`).
    pub fn with_consumed_capacity(mut self, on: bool) -> Self {
        self.capacity = on;
        self
    }

    /// Sets how batches retry unprocessed items and how many requests they run at once.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Whether reads (Query, Scan, GetItem, BatchGetItem) decode items straight from the
    /// response body (`true`, the default) or from the SDK's parsed items (`false`, the
    /// reference path). Both give the same items and the same errors; see `docs/design.md`.
    pub fn with_fast_reads(mut self, on: bool) -> Self {
        self.fast_reads = on;
        self
    }

    /// The DynamoDB table name in use.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The SDK client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The current time of this table's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn hash_condition(&self, placeholders: &mut Placeholders, function: &str) -> String {
        format!("{function}({})", placeholders.name(T::TABLE.hash_key.name))
    }

    /// The observed request `operation` on this table (`telemetry`).
    pub(crate) fn call(&self, operation: &'static str) -> Call<'_> {
        Call::new(operation, &self.name, None)
    }

    /// `TOTAL` when the table was asked to report consumed capacity.
    pub(crate) fn capacity(&self) -> Option<ReturnConsumedCapacity> {
        self.capacity.then_some(ReturnConsumedCapacity::Total)
    }

    /// GetItem, returning the stored attributes as they are.
    pub(crate) async fn get_stored(&self, key: AttributeMap, consistent: bool) -> Result<Option<AttributeMap>, Error> {
        Ok(self.get_item::<()>(key, consistent, None, false).await?.0)
    }

    /// GetItem: the SDK's item, or with `fast`, the item decoded from the body. With
    /// `typed`, the span records which path decoded it.
    async fn get_item<R: Send + 'static>(
        &self,
        key: AttributeMap,
        consistent: bool,
        fast: Option<FastRead<R>>,
        typed: bool,
    ) -> Result<(Option<AttributeMap>, Option<Decoded<R>>), Error> {
        let call = self.call("GetItem");
        let output = call
            .send(
                self.client
                    .get_item()
                    .table_name(&self.name)
                    .set_key(Some(key))
                    .consistent_read(consistent)
                    .set_return_consumed_capacity(self.capacity())
                    .customize()
                    .interceptor(Optional(fast.clone()))
                    .send(),
            )
            .await
            .map_err(|e| Error::call("GetItem", &self.name, e))?;
        call.capacity(output.consumed_capacity.as_ref());
        let decoded = fast.and_then(|read| read.take());
        if typed {
            call.read_path(decoded.is_some());
        }
        Ok((output.item, decoded))
    }

    /// The stored item after a failed condition: the one DynamoDB returned, or where a server
    /// returns none, the item read back consistently.
    pub(crate) async fn current(
        &self,
        returned: Option<&AttributeMap>,
        key: &AttributeMap,
    ) -> Result<Option<AttributeMap>, Error> {
        match returned {
            Some(item) => Ok(Some(item.clone())),
            None => self.get_stored(key.clone(), true).await,
        }
    }

    /// The condition expression of a write: what `must` asks of the stored item, its expected
    /// version, and the caller's extra condition.
    pub(crate) fn write_condition(
        &self,
        placeholders: &mut Placeholders,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Option<String> {
        let mut parts = Vec::new();
        match must {
            Must::BeNew => parts.push(self.hash_condition(placeholders, "attribute_not_exists")),
            Must::Exist => parts.push(self.hash_condition(placeholders, "attribute_exists")),
            Must::Nothing => {}
        }
        if let Some((attribute, expected)) = version {
            let name = placeholders.name(attribute);
            let value = placeholders.value(AttributeValue::N(expected.to_string()));
            parts.push(format!("{name} = {value}"));
        }
        if let Some(condition) = condition {
            parts.push(format!("({})", condition.render(placeholders)));
        }
        (!parts.is_empty()).then(|| parts.join(" AND "))
    }

    /// PutItem under `must`, `version` and `condition`.
    pub(crate) async fn put_checked(
        &self,
        item: &T,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        if T::TABLE.unique.is_empty() {
            self.put_plain(item, must, version, condition).await
        } else {
            self.unique_put(item, must, version, condition).await
        }
    }

    /// PutItem under `must`, `version` and `condition`, of this item alone.
    pub(crate) async fn put_plain(
        &self,
        item: &T,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        let map = item.to_item();
        self.check_limits(&map, true)?;
        let mut placeholders = Placeholders::default();
        let expression = self.write_condition(&mut placeholders, must, version, condition);
        let call = self.call("PutItem");
        let result = call
            .send(
                self.client
                    .put_item()
                    .table_name(&self.name)
                    .set_item(Some(map.clone()))
                    .set_condition_expression(expression)
                    .set_expression_attribute_names(placeholders.names())
                    .set_expression_attribute_values(placeholders.values())
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .set_return_consumed_capacity(self.capacity())
                    .send(),
            )
            .await;
        match result {
            Ok(output) => {
                call.capacity(output.consumed_capacity.as_ref());
                Ok(())
            }
            Err(e) => match e.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(failed)) => {
                    let key = self.key_of(&map);
                    let current = self.current(failed.item(), &key).await?;
                    Err(refusal(&self.name, must, version, key, current))
                }
                _ => Err(Error::call("PutItem", &self.name, e)),
            },
        }
    }

    /// The key attributes of a stored item of this table.
    pub(crate) fn key_of(&self, item: &AttributeMap) -> AttributeMap {
        key_of(item, T::TABLE.hash_key, T::TABLE.range_key)
    }

    /// DynamoDB's key limits (and with `whole_item`, the item limit), before anything is sent.
    pub(crate) fn check_limits(&self, map: &AttributeMap, whole_item: bool) -> Result<(), Error> {
        crate::limits::check(&self.name, map, T::TABLE.hash_key, T::TABLE.range_key, whole_item)
    }

    /// PutItem that never overwrites: an existing key is [`ErrorKind::AlreadyExists`] with the
    /// stored item; with `condition`, a false condition is [`ErrorKind::ConditionFailed`].
    pub async fn put_new(&self, item: &T, condition: Option<&Condition<T>>) -> Result<(), Error> {
        self.put_checked(item, Must::BeNew, None, condition).await
    }

    /// PutItem that never creates: the key must exist (so a changed key is
    /// [`ErrorKind::NotFound`], never a second item), and with `version` = (attribute, expected)
    /// the stored counter must equal `expected` ([`ErrorKind::VersionConflict`] with the stored
    /// item otherwise); with `condition`, a false condition is [`ErrorKind::ConditionFailed`].
    pub async fn put_existing(
        &self,
        item: &T,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        self.put_checked(item, Must::Exist, version, condition).await
    }

    /// PutItem that creates or overwrites: the one explicit overwrite.
    pub async fn put(&self, item: &T) -> Result<(), Error> {
        self.put_checked(item, Must::Nothing, None, None).await
    }

    /// GetItem by key attributes.
    pub async fn get(&self, key: AttributeMap, consistent: bool) -> Result<Option<T>, Error> {
        self.check_limits(&key, false)?;
        let fast = self
            .fast_reads
            .then(|| FastRead::new(Target::GetItem, decode_item::<T>));
        match self.get_item(key, consistent, fast, true).await? {
            (_, Some(decoded)) => decoded.rows.into_iter().next().transpose(),
            (item, None) => item.map(T::from_item).transpose(),
        }
    }

    /// Whether an item with this key exists (GetItem of the hash key attribute only).
    pub async fn exists(&self, key: AttributeMap, consistent: bool) -> Result<bool, Error> {
        self.check_limits(&key, false)?;
        let call = self.call("GetItem");
        let output = call
            .send(
                self.client
                    .get_item()
                    .table_name(&self.name)
                    .set_key(Some(key))
                    .consistent_read(consistent)
                    .projection_expression("#k")
                    .expression_attribute_names("#k", T::TABLE.hash_key.name)
                    .set_return_consumed_capacity(self.capacity())
                    .send(),
            )
            .await
            .map_err(|e| Error::call("GetItem", &self.name, e))?;
        call.capacity(output.consumed_capacity.as_ref());
        Ok(output.item.is_some_and(|item| !item.is_empty()))
    }

    /// DeleteItem, unconditional; returns the deleted item, `None` when there was none.
    pub async fn delete(&self, key: AttributeMap) -> Result<Option<T>, Error> {
        self.delete_checked(key, Must::Nothing, None, None).await
    }

    /// DeleteItem of an existing item ([`ErrorKind::NotFound`] otherwise), at `version` when
    /// given ([`ErrorKind::VersionConflict`] with the stored item otherwise), when `condition`
    /// holds ([`ErrorKind::ConditionFailed`] otherwise). Returns the deleted item.
    pub async fn delete_existing(
        &self,
        key: AttributeMap,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<T, Error> {
        let key_copy = key.clone();
        match self.delete_checked(key, Must::Exist, version, condition).await? {
            Some(item) => Ok(item),
            None => Err(Error::from(ErrorKind::NotFound {
                table: self.name.clone(),
                key: key_copy,
            })),
        }
    }

    async fn delete_checked(
        &self,
        key: AttributeMap,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<Option<T>, Error> {
        self.check_limits(&key, false)?;
        if T::TABLE.unique.is_empty() {
            self.delete_plain(key, must, version, condition).await
        } else {
            self.unique_delete(key, must, version, condition).await
        }
    }

    /// DeleteItem under `must`, `version` and `condition`, of this item alone; returns it.
    pub(crate) async fn delete_plain(
        &self,
        key: AttributeMap,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<Option<T>, Error> {
        let mut placeholders = Placeholders::default();
        let expression = self.write_condition(&mut placeholders, must, version, condition);
        let call = self.call("DeleteItem");
        let result = call
            .send(
                self.client
                    .delete_item()
                    .table_name(&self.name)
                    .set_key(Some(key.clone()))
                    .set_condition_expression(expression)
                    .set_expression_attribute_names(placeholders.names())
                    .set_expression_attribute_values(placeholders.values())
                    .return_values(ReturnValue::AllOld)
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .set_return_consumed_capacity(self.capacity())
                    .send(),
            )
            .await;
        match result {
            Ok(output) => {
                call.capacity(output.consumed_capacity.as_ref());
                output.attributes.map(T::from_item).transpose()
            }
            Err(e) => match e.as_service_error() {
                Some(DeleteItemError::ConditionalCheckFailedException(failed)) => {
                    let current = self.current(failed.item(), &key).await?;
                    Err(refusal(&self.name, must, version, key, current))
                }
                _ => Err(Error::call("DeleteItem", &self.name, e)),
            },
        }
    }

    /// Creates the table from the schema (keys, indexes, on-demand billing, TTL) and waits
    /// until it is active. Never called behind the application's back.
    pub async fn create_table(&self) -> Result<(), Error> {
        crate::admin::create(&self.client, &crate::admin::TableLayout::of(T::TABLE, &self.name)).await
    }

    /// Deletes the table and waits until it is gone.
    pub async fn delete_table(&self) -> Result<(), Error> {
        crate::admin::delete(&self.client, &self.name).await
    }
}

/// The key attributes of a stored item.
pub(crate) fn key_of(item: &AttributeMap, hash: KeyAttribute, range: Option<KeyAttribute>) -> AttributeMap {
    std::iter::once(hash)
        .chain(range)
        .filter_map(|k| item.get(k.name).map(|v| (k.name.to_owned(), v.clone())))
        .collect()
}
