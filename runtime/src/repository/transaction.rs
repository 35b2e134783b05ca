//! Transactions across tables: the same safe writes as the repositories (create never
//! overwrites, replace never creates and checks the version, update with its rules and
//! version, checked delete, condition checks), DynamoDB's limits checked before sending, a
//! client request token for idempotent retries, and a cancellation mapped to a typed error per
//! operation.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Get, Put, ReturnConsumedCapacity, ReturnValuesOnConditionCheckFailure,
    TransactGetItem, TransactWriteItem, Update,
};

use super::batch::key_identity;
use super::condition::Condition;
use super::expression::Placeholders;
use super::table::{Must, Table, refusal};
use super::telemetry::Call;
use super::update::UpdateExpression;
use crate::codec::AttributeMap;
use crate::error::{Error, ErrorKind, TransactionFailure, is_throttling};
use crate::item::Item;
use crate::limits;

/// Operations per transaction (DynamoDB's limit).
pub const TRANSACTION_OPERATIONS: usize = 100;
/// Bytes per transaction (DynamoDB's limit).
pub const TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

/// What one operation needs to explain its failure.
#[derive(Debug, Clone)]
struct Operation {
    table: String,
    key: AttributeMap,
    must: Must,
    version: Option<(String, u64)>,
    /// For the sentinel item of a unique value: the field, which a failed condition names.
    unique: Option<&'static str>,
}

/// A write transaction (TransactWriteItems) being built. Generated repositories add their
/// typed operations to it (`books.transact_create(&mut tx, new)`); [`Transaction::send`]
/// applies all of them or none.
///
/// ```
/// use ddbgen_runtime::{Error, Item, Table, Transaction};
///
/// // Moves an item from one table to another, all or nothing.
/// async fn archive<T: Item>(live: &Table<T>, archive: &Table<T>, item: &T) -> Result<(), Error> {
///     let mut tx = Transaction::new(live.client());
///     tx.put_new(archive, item, None)?;
///     tx.delete(live, item.to_item(), None, None)?;
///     tx.send().await
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Transaction {
    client: Client,
    items: Vec<TransactWriteItem>,
    operations: Vec<Operation>,
    seen: HashMap<Vec<u8>, usize>,
    bytes: usize,
    token: String,
    /// Whether a table of the transaction asks for consumed capacity.
    capacity: bool,
}

impl Transaction {
    /// An empty transaction on `client`, with a fresh client request token.
    pub fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
            items: Vec::new(),
            operations: Vec::new(),
            seen: HashMap::new(),
            bytes: 0,
            token: uuid::Uuid::new_v4().to_string(),
            capacity: false,
        }
    }

    /// Uses `token` as the client request token: sending the same transaction again with the
    /// same token within ten minutes applies it at most once.
    pub fn with_client_request_token(mut self, token: impl Into<String>) -> Self {
        self.token = token.into();
        self
    }

    /// The client request token.
    pub fn client_request_token(&self) -> &str {
        &self.token
    }

    /// How many operations the transaction holds.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the transaction holds no operation.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds one operation after checking DynamoDB's limits: one operation per item, 100
    /// operations, 4 MB.
    fn push<T: Item>(
        &mut self,
        table: &Table<T>,
        key: AttributeMap,
        bytes: usize,
        must: Must,
        version: Option<(&str, u64)>,
        item: TransactWriteItem,
    ) -> Result<(), Error> {
        if self.items.len() == TRANSACTION_OPERATIONS {
            return Err(Error::from(ErrorKind::TransactionTooLarge {
                what: "operations",
                size: TRANSACTION_OPERATIONS + 1,
                limit: TRANSACTION_OPERATIONS,
            }));
        }
        if self.bytes + bytes > TRANSACTION_BYTES {
            return Err(Error::from(ErrorKind::TransactionTooLarge {
                what: "bytes",
                size: self.bytes + bytes,
                limit: TRANSACTION_BYTES,
            }));
        }
        let mut identity = table.name().as_bytes().to_vec();
        identity.push(0);
        identity.extend(key_identity(&key));
        if let Some(first) = self.seen.insert(identity, self.items.len()) {
            return Err(Error::from(ErrorKind::DuplicateKey {
                table: table.name().to_owned(),
                key,
                positions: (first, self.items.len()),
            }));
        }
        self.bytes += bytes;
        self.capacity |= table.capacity().is_some();
        self.items.push(item);
        self.operations.push(Operation {
            table: table.name().to_owned(),
            key,
            must,
            version: version.map(|(a, v)| (a.to_owned(), v)),
            unique: None,
        });
        Ok(())
    }

    /// Puts `item` under `must`, `version` and `condition`.
    pub(crate) fn put<T: Item>(
        &mut self,
        table: &Table<T>,
        item: &T,
        must: Must,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        let map = item.to_item();
        table.check_limits(&map, true)?;
        let mut p = Placeholders::default();
        let expression = table.write_condition(&mut p, must, version, condition);
        let (key, bytes) = (table.key_of(&map), limits::item_size(&map));
        let put = Put::builder()
            .table_name(table.name())
            .set_item(Some(map))
            .set_condition_expression(expression)
            .set_expression_attribute_names(p.names())
            .set_expression_attribute_values(p.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::sdk("TransactWriteItems", table.name(), e))?;
        let item = TransactWriteItem::builder().put(put).build();
        self.push(table, key, bytes, must, version, item)
    }

    /// Creates `item`, never overwriting (`AlreadyExists` in the cancellation otherwise).
    pub fn put_new<T: Item>(
        &mut self,
        table: &Table<T>,
        item: &T,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        self.put(table, item, Must::BeNew, None, condition)?;
        super::unique::claim_new(self, table, &item.to_item())
    }

    /// Writes the sentinel item with key `sentinel` (a value of the unique field `unique`),
    /// naming `holder`'s key: refused ([`ErrorKind::UniqueViolation`]) when it exists, that
    /// is when another item holds the value.
    pub(crate) fn put_sentinel<T: Item>(
        &mut self,
        table: &Table<T>,
        unique: &crate::item::UniqueValue,
        sentinel: AttributeMap,
        holder: AttributeMap,
    ) -> Result<(), Error> {
        let key = sentinel.clone();
        let mut item = sentinel;
        item.insert(
            super::unique::MARKER.to_owned(),
            AttributeValue::S(unique.field.to_owned()),
        );
        item.insert(super::unique::HOLDER.to_owned(), AttributeValue::M(holder));
        let mut p = Placeholders::default();
        let expression = table.write_condition(&mut p, Must::BeNew, None, None);
        let bytes = limits::item_size(&item);
        let put = Put::builder()
            .table_name(table.name())
            .set_item(Some(item))
            .set_condition_expression(expression)
            .set_expression_attribute_names(p.names())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::sdk("TransactWriteItems", table.name(), e))?;
        let item = TransactWriteItem::builder().put(put).build();
        self.push(table, key, bytes, Must::BeNew, None, item)?;
        if let Some(operation) = self.operations.last_mut() {
            operation.unique = Some(unique.field);
        }
        Ok(())
    }

    /// Deletes the sentinel with key `sentinel` (a value the item no longer holds).
    pub(crate) fn delete_sentinel<T: Item>(&mut self, table: &Table<T>, sentinel: AttributeMap) -> Result<(), Error> {
        let built = Delete::builder()
            .table_name(table.name())
            .set_key(Some(sentinel.clone()))
            .build()
            .map_err(|e| Error::sdk("TransactWriteItems", table.name(), e))?;
        let bytes = limits::item_size(&sentinel);
        let item = TransactWriteItem::builder().delete(built).build();
        self.push(table, sentinel, bytes, Must::Nothing, None, item)
    }

    /// Writes `item` over an existing one at `version` (`NotFound` or `VersionConflict`
    /// otherwise).
    pub fn put_existing<T: Item>(
        &mut self,
        table: &Table<T>,
        item: &T,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        self.put(table, item, Must::Exist, version, condition)
    }

    /// Updates an existing item (`NotFound`, `VersionConflict` or `ConditionFailed`
    /// otherwise). The update's rule failures are returned at once.
    pub fn update<T: Item>(
        &mut self,
        table: &Table<T>,
        key: AttributeMap,
        mut update: UpdateExpression,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        if !update.errors.is_empty() {
            return Err(Error::from(ErrorKind::Validation(update.errors)));
        }
        table.check_limits(&key, false)?;
        let expression = table.write_condition(&mut update.placeholders, Must::Exist, version, condition);
        let bytes = limits::item_size(&key)
            + update
                .placeholders
                .values()
                .map_or(0, |v| v.values().map(limits::value_size).sum());
        let built = Update::builder()
            .table_name(table.name())
            .set_key(Some(key.clone()))
            .update_expression(update.render())
            .set_condition_expression(expression)
            .set_expression_attribute_names(update.placeholders.names())
            .set_expression_attribute_values(update.placeholders.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::sdk("TransactWriteItems", table.name(), e))?;
        let item = TransactWriteItem::builder().update(built).build();
        self.push(table, key, bytes, Must::Exist, version, item)
    }

    /// Deletes an existing item, at `version` when given and when `condition` holds.
    pub fn delete<T: Item>(
        &mut self,
        table: &Table<T>,
        key: AttributeMap,
        version: Option<(&str, u64)>,
        condition: Option<&Condition<T>>,
    ) -> Result<(), Error> {
        let key = table.key_of(&key);
        table.check_limits(&key, false)?;
        let mut p = Placeholders::default();
        let expression = table.write_condition(&mut p, Must::Exist, version, condition);
        let built = Delete::builder()
            .table_name(table.name())
            .set_key(Some(key.clone()))
            .set_condition_expression(expression)
            .set_expression_attribute_names(p.names())
            .set_expression_attribute_values(p.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::sdk("TransactWriteItems", table.name(), e))?;
        let bytes = limits::item_size(&key);
        let item = TransactWriteItem::builder().delete(built).build();
        self.push(table, key, bytes, Must::Exist, version, item)
    }

    /// Checks `condition` on another item without writing it (`ConditionFailed` in the
    /// cancellation when false, also when the item does not exist).
    pub fn check<T: Item>(
        &mut self,
        table: &Table<T>,
        key: AttributeMap,
        condition: &Condition<T>,
    ) -> Result<(), Error> {
        table.check_limits(&key, false)?;
        let mut p = Placeholders::default();
        let expression = table
            .write_condition(&mut p, Must::Nothing, None, Some(condition))
            .unwrap_or_default();
        let built = ConditionCheck::builder()
            .table_name(table.name())
            .set_key(Some(key.clone()))
            .condition_expression(expression)
            .set_expression_attribute_names(p.names())
            .set_expression_attribute_values(p.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| Error::sdk("TransactWriteItems", table.name(), e))?;
        let bytes = limits::item_size(&key);
        let item = TransactWriteItem::builder().condition_check(built).build();
        self.push(table, key, bytes, Must::Nothing, None, item)
    }

    /// Applies every operation, or none: a cancellation is [`ErrorKind::TransactionCanceled`]
    /// listing each failed operation. Sending the same transaction again reuses its token.
    pub async fn send(&self) -> Result<(), Error> {
        let table = self.operations.first().map_or("", |o| o.table.as_str());
        if self.items.is_empty() {
            return Ok(());
        }
        let mut tables: Vec<&str> = self.operations.iter().map(|o| o.table.as_str()).collect();
        tables.sort_unstable();
        tables.dedup();
        let tables = tables.join(",");
        let call = Call::new("TransactWriteItems", &tables, None);
        let result = call
            .send(
                self.client
                    .transact_write_items()
                    .set_transact_items(Some(self.items.clone()))
                    .client_request_token(&self.token)
                    .set_return_consumed_capacity(self.capacity.then_some(ReturnConsumedCapacity::Total))
                    .send(),
            )
            .await;
        match result {
            Ok(output) => {
                call.capacity(output.consumed_capacity.iter().flatten());
                Ok(())
            }
            Err(e) => match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) => {
                    let mut failures = Vec::new();
                    for (index, reason) in cancelled.cancellation_reasons().iter().enumerate() {
                        let code = reason.code().unwrap_or("None");
                        if code == "None" {
                            continue;
                        }
                        let Some(operation) = self.operations.get(index) else {
                            continue;
                        };
                        let error = self.failure(operation, code, reason.message(), reason.item()).await?;
                        failures.push(TransactionFailure { index, error });
                    }
                    Err(Error::from(ErrorKind::TransactionCanceled { failures }))
                }
                _ => Err(Error::call("TransactWriteItems", table, e)),
            },
        }
    }

    /// What went wrong with one operation of a cancelled transaction.
    async fn failure(
        &self,
        operation: &Operation,
        code: &str,
        message: Option<&str>,
        item: Option<&HashMap<String, AttributeValue>>,
    ) -> Result<Error, Error> {
        let table = operation.table.as_str();
        if let (Some(field), "ConditionalCheckFailed") = (operation.unique, code) {
            let holder = match item.and_then(|sentinel| sentinel.get(super::unique::HOLDER)) {
                Some(AttributeValue::M(holder)) => Some(holder.clone()),
                _ => None,
            };
            return Ok(ErrorKind::UniqueViolation {
                table: table.to_owned(),
                field: field.to_owned(),
                holder,
            }
            .into());
        }
        if code == "ConditionalCheckFailed" {
            let current = match item {
                Some(item) => Some(item.clone()),
                None => {
                    self.client
                        .get_item()
                        .table_name(table)
                        .set_key(Some(operation.key.clone()))
                        .consistent_read(true)
                        .send()
                        .await
                        .map_err(|e| Error::call("GetItem", table, e))?
                        .item
                }
            };
            let version = operation.version.as_ref().map(|(a, v)| (a.as_str(), *v));
            return Ok(refusal(table, operation.must, version, operation.key.clone(), current));
        }
        if is_throttling(code) {
            return Ok(Error::from(ErrorKind::Throttled {
                operation: "TransactWriteItems",
                table: table.to_owned(),
                code: code.to_owned(),
            }));
        }
        if code == "TransactionConflict" {
            return Ok(ErrorKind::TransactionConflict {
                operation: "TransactWriteItems",
                table: table.to_owned(),
            }
            .into());
        }
        Ok(Error::sdk(
            "TransactWriteItems",
            table,
            CancellationReason {
                code: code.to_owned(),
                message: message.unwrap_or_default().to_owned(),
            },
        ))
    }
}

/// A cancellation reason other than a failed condition, throttling or a transaction conflict
/// (`ValidationError`, `ItemCollectionSizeLimitExceeded`, …).
#[derive(Debug)]
pub struct CancellationReason {
    /// DynamoDB's code.
    pub code: String,
    /// DynamoDB's message.
    pub message: String,
}

impl std::fmt::Display for CancellationReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CancellationReason {}

impl<T: Item> Table<T> {
    /// TransactGetItems: the items with these keys (at most 100 distinct ones), read together,
    /// `None` where there is none, in request order. A key asked for twice is read once
    /// (DynamoDB refuses two operations on one item).
    pub async fn transact_get(&self, keys: Vec<AttributeMap>) -> Result<Vec<Option<T>>, Error> {
        let mut unique: Vec<AttributeMap> = Vec::new();
        let mut slots = Vec::with_capacity(keys.len());
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for key in keys {
            self.check_limits(&key, false)?;
            let slot = *seen.entry(key_identity(&key)).or_insert_with(|| {
                unique.push(key);
                unique.len() - 1
            });
            slots.push(slot);
        }
        if unique.len() > TRANSACTION_OPERATIONS {
            return Err(Error::from(ErrorKind::TransactionTooLarge {
                what: "operations",
                size: unique.len(),
                limit: TRANSACTION_OPERATIONS,
            }));
        }
        if unique.is_empty() {
            return Ok(Vec::new());
        }
        let mut items = Vec::with_capacity(unique.len());
        for key in unique {
            let get = Get::builder()
                .table_name(self.name())
                .set_key(Some(key))
                .build()
                .map_err(|e| Error::sdk("TransactGetItems", self.name(), e))?;
            items.push(TransactGetItem::builder().get(get).build());
        }
        let output = self
            .call("TransactGetItems")
            .send(self.client.transact_get_items().set_transact_items(Some(items)).send())
            .await
            .map_err(|e| Error::call("TransactGetItems", self.name(), e))?;
        let stored: Vec<Option<AttributeMap>> = output
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| response.item.filter(|i| !i.is_empty()))
            .collect();
        slots
            .into_iter()
            .map(|slot| stored.get(slot).cloned().flatten().map(T::from_item).transpose())
            .collect()
    }
}
