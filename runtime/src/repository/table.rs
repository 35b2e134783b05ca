//! One table of items of type `T`: the safe write paths, reads, and table creation. Generated
//! repositories wrap a [`Table`] with typed methods.

use std::marker::PhantomData;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, LocalSecondaryIndex,
    Projection as SdkProjection, ProjectionType, ReturnValue, ReturnValuesOnConditionCheckFailure, ScalarAttributeType,
    TimeToLiveSpecification,
};
use chrono::{DateTime, Utc};

use super::clock::{Clock, SystemClock};
use super::cursor::CursorKey;
use super::expression::Placeholders;
use super::query::{KeyCondition, Query, ReadSpec, Scan};
use super::update::UpdateExpression;
use crate::codec::AttributeMap;
use crate::error::Error;
use crate::item::{AttributeType, FromItem, Item, KeyAttribute, Projection};

/// How long `create_table` and `delete_table` wait for the table to be ready or gone.
const TABLE_WAIT: Duration = Duration::from_secs(300);

/// The key that signs cursors when the application gives none: random, for this process.
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
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for Table<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            name: self.name.clone(),
            clock: self.clock.clone(),
            cursor_key: self.cursor_key.clone(),
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

/// What a conditional PutItem did.
enum Put {
    /// The item was written.
    Written,
    /// The condition failed; the stored item, if there is one.
    Refused { current: Option<AttributeMap> },
}

impl<T: Item> Table<T> {
    /// The schema's table, with the system clock and a per-process cursor key.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            name: T::TABLE.table_name.to_owned(),
            clock: Arc::new(SystemClock),
            cursor_key: PROCESS_CURSOR_KEY.clone(),
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

    /// Signs cursors with `key`, so that every instance of the application accepts them.
    pub fn with_cursor_key(mut self, key: CursorKey) -> Self {
        self.cursor_key = key;
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

    /// GetItem, returning the stored attributes as they are.
    async fn get_stored(&self, key: AttributeMap, consistent: bool) -> Result<Option<AttributeMap>, Error> {
        let output = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .consistent_read(consistent)
            .send()
            .await
            .map_err(|e| Error::sdk("GetItem", &self.name, e))?;
        Ok(output.item)
    }

    /// The stored item, read consistently, for error reports after a failed condition.
    async fn current(&self, item: &AttributeMap) -> Result<Option<AttributeMap>, Error> {
        self.get_stored(key_of(item, T::TABLE.hash_key, T::TABLE.range_key), true)
            .await
    }

    /// PutItem under `condition`; when the condition fails, the stored item (from DynamoDB, or
    /// read back where a server does not return it).
    async fn put_if(&self, map: &AttributeMap, condition: String, placeholders: &Placeholders) -> Result<Put, Error> {
        let result = self
            .client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(map.clone()))
            .condition_expression(condition)
            .set_expression_attribute_names(placeholders.names())
            .set_expression_attribute_values(placeholders.values())
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(Put::Written),
            Err(e) => match e.as_service_error() {
                Some(PutItemError::ConditionalCheckFailedException(failed)) => match failed.item() {
                    Some(current) => Ok(Put::Refused {
                        current: Some(current.clone()),
                    }),
                    None => Ok(Put::Refused {
                        current: self.current(map).await?,
                    }),
                },
                _ => Err(Error::sdk("PutItem", &self.name, e)),
            },
        }
    }

    /// DynamoDB's key limits (and with `whole_item`, the item limit), before anything is sent.
    fn check_limits(&self, map: &AttributeMap, whole_item: bool) -> Result<(), Error> {
        crate::limits::check(&self.name, map, T::TABLE.hash_key, T::TABLE.range_key, whole_item)
    }

    /// PutItem that never overwrites: an existing key is [`Error::AlreadyExists`] with the
    /// stored item.
    pub async fn put_new(&self, item: &T) -> Result<(), Error> {
        let map = item.to_item();
        self.check_limits(&map, true)?;
        let mut placeholders = Placeholders::default();
        let condition = self.hash_condition(&mut placeholders, "attribute_not_exists");
        match self.put_if(&map, condition, &placeholders).await? {
            Put::Written => Ok(()),
            Put::Refused { current } => Err(Error::AlreadyExists {
                table: self.name.clone(),
                key: key_of(&map, T::TABLE.hash_key, T::TABLE.range_key),
                current,
            }),
        }
    }

    /// PutItem that never creates: the key must exist (so a changed key is
    /// [`Error::NotFound`], never a second item), and with `version` = (attribute, expected)
    /// the stored counter must equal `expected` ([`Error::VersionConflict`] otherwise).
    pub async fn put_existing(&self, item: &T, version: Option<(&str, u64)>) -> Result<(), Error> {
        let map = item.to_item();
        self.check_limits(&map, true)?;
        let mut placeholders = Placeholders::default();
        let mut condition = self.hash_condition(&mut placeholders, "attribute_exists");
        if let Some((attribute, expected)) = version {
            let name = placeholders.name(attribute);
            let value = placeholders.value(aws_sdk_dynamodb::types::AttributeValue::N(expected.to_string()));
            condition = format!("{condition} AND {name} = {value}");
        }
        match (self.put_if(&map, condition, &placeholders).await?, version) {
            (Put::Written, _) => Ok(()),
            (Put::Refused { current: Some(current) }, Some((_, expected))) => Err(Error::VersionConflict {
                table: self.name.clone(),
                expected,
                current: Some(current),
            }),
            (Put::Refused { .. }, _) => Err(Error::NotFound {
                table: self.name.clone(),
                key: key_of(&map, T::TABLE.hash_key, T::TABLE.range_key),
            }),
        }
    }

    /// PutItem that creates or overwrites: the one explicit overwrite.
    pub async fn put(&self, item: &T) -> Result<(), Error> {
        let map = item.to_item();
        self.check_limits(&map, true)?;
        self.client
            .put_item()
            .table_name(&self.name)
            .set_item(Some(map))
            .send()
            .await
            .map_err(|e| Error::sdk("PutItem", &self.name, e))?;
        Ok(())
    }

    /// GetItem by key attributes.
    pub async fn get(&self, key: AttributeMap, consistent: bool) -> Result<Option<T>, Error> {
        self.check_limits(&key, false)?;
        self.get_stored(key, consistent).await?.map(T::from_item).transpose()
    }

    /// DeleteItem; returns the deleted item, `None` when there was none.
    pub async fn delete(&self, key: AttributeMap) -> Result<Option<T>, Error> {
        self.check_limits(&key, false)?;
        let output = self
            .client
            .delete_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteItem", &self.name, e))?;
        output.attributes.map(T::from_item).transpose()
    }

    /// UpdateItem of an existing item ([`Error::NotFound`] otherwise, never an upsert);
    /// returns the item as stored after the update.
    pub async fn update(&self, key: AttributeMap, mut update: UpdateExpression) -> Result<T, Error> {
        if !update.errors.is_empty() {
            return Err(Error::Validation(update.errors));
        }
        self.check_limits(&key, false)?;
        let key_copy = key.clone();
        let condition = self.hash_condition(&mut update.placeholders, "attribute_exists");
        let expression = update.render();
        let result = self
            .client
            .update_item()
            .table_name(&self.name)
            .set_key(Some(key))
            .update_expression(expression)
            .condition_expression(condition)
            .set_expression_attribute_names(update.placeholders.names())
            .set_expression_attribute_values(update.placeholders.values())
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => match output.attributes {
                Some(item) => T::from_item(item),
                None => Err(Error::NotFound {
                    table: self.name.clone(),
                    key: key_copy,
                }),
            },
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Err(Error::NotFound {
                    table: self.name.clone(),
                    key: key_copy,
                })
            }
            Err(e) => Err(Error::sdk("UpdateItem", &self.name, e)),
        }
    }

    /// A query of the table by `condition`.
    pub fn query(&self, condition: KeyCondition) -> Query<T> {
        Query::new(ReadSpec::new(self, None, Some(condition)))
    }

    /// A query of index `index` by `condition`, reading items as `P` (the item itself, or a
    /// projection type for `keys_only` and `include` indexes).
    pub fn query_index<P: FromItem>(&self, index: &'static str, condition: KeyCondition) -> Query<P> {
        Query::new(ReadSpec::new(self, Some(index), Some(condition)))
    }

    /// A scan of the whole table.
    pub fn scan(&self) -> Scan<T> {
        Scan::new(ReadSpec::new(self, None, None))
    }

    /// Creates the table from the schema (keys, indexes, on-demand billing, TTL) and waits
    /// until it is active. Never called behind the application's back.
    pub async fn create_table(&self) -> Result<(), Error> {
        let spec = T::TABLE;
        let fail = |e: aws_sdk_dynamodb::error::BuildError| Error::sdk("CreateTable", &self.name, e);
        let mut attributes: Vec<KeyAttribute> = Vec::new();
        let mut add = |a: KeyAttribute| {
            if !attributes.iter().any(|b| b.name == a.name) {
                attributes.push(a);
            }
        };
        add(spec.hash_key);
        spec.range_key.into_iter().for_each(&mut add);
        for index in spec.indexes {
            add(index.hash_key);
            index.range_key.into_iter().for_each(&mut add);
        }
        let mut request = self
            .client
            .create_table()
            .table_name(&self.name)
            .billing_mode(BillingMode::PayPerRequest);
        for attribute in &attributes {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(attribute.name)
                    .attribute_type(scalar_type(attribute.attribute_type))
                    .build()
                    .map_err(fail)?,
            );
        }
        for element in key_schema(spec.hash_key, spec.range_key).map_err(fail)? {
            request = request.key_schema(element);
        }
        for index in spec.indexes {
            let projection = projection(index.projection);
            if index.global {
                request = request.global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(key_schema(index.hash_key, index.range_key).map_err(fail)?))
                        .projection(projection)
                        .build()
                        .map_err(fail)?,
                );
            } else {
                request = request.local_secondary_indexes(
                    LocalSecondaryIndex::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(key_schema(spec.hash_key, index.range_key).map_err(fail)?))
                        .projection(projection)
                        .build()
                        .map_err(fail)?,
                );
            }
        }
        request
            .send()
            .await
            .map_err(|e| Error::sdk("CreateTable", &self.name, e))?;
        self.client
            .wait_until_table_exists()
            .table_name(&self.name)
            .wait(TABLE_WAIT)
            .await
            .map_err(|e| Error::sdk("DescribeTable", &self.name, e))?;
        if let Some(ttl) = spec.ttl_attribute {
            let specification = TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(ttl)
                .build()
                .map_err(|e| Error::sdk("UpdateTimeToLive", &self.name, e))?;
            self.client
                .update_time_to_live()
                .table_name(&self.name)
                .time_to_live_specification(specification)
                .send()
                .await
                .map_err(|e| Error::sdk("UpdateTimeToLive", &self.name, e))?;
        }
        Ok(())
    }

    /// Deletes the table and waits until it is gone.
    pub async fn delete_table(&self) -> Result<(), Error> {
        self.client
            .delete_table()
            .table_name(&self.name)
            .send()
            .await
            .map_err(|e| Error::sdk("DeleteTable", &self.name, e))?;
        self.client
            .wait_until_table_not_exists()
            .table_name(&self.name)
            .wait(TABLE_WAIT)
            .await
            .map_err(|e| Error::sdk("DescribeTable", &self.name, e))?;
        Ok(())
    }
}

/// The key attributes of a stored item.
pub(crate) fn key_of(item: &AttributeMap, hash: KeyAttribute, range: Option<KeyAttribute>) -> AttributeMap {
    std::iter::once(hash)
        .chain(range)
        .filter_map(|k| item.get(k.name).map(|v| (k.name.to_owned(), v.clone())))
        .collect()
}

fn scalar_type(t: AttributeType) -> ScalarAttributeType {
    match t {
        AttributeType::S => ScalarAttributeType::S,
        AttributeType::N => ScalarAttributeType::N,
        AttributeType::B => ScalarAttributeType::B,
    }
}

fn key_schema(
    hash: KeyAttribute,
    range: Option<KeyAttribute>,
) -> Result<Vec<KeySchemaElement>, aws_sdk_dynamodb::error::BuildError> {
    let mut schema = vec![
        KeySchemaElement::builder()
            .attribute_name(hash.name)
            .key_type(KeyType::Hash)
            .build()?,
    ];
    if let Some(range) = range {
        schema.push(
            KeySchemaElement::builder()
                .attribute_name(range.name)
                .key_type(KeyType::Range)
                .build()?,
        );
    }
    Ok(schema)
}

fn projection(projection: Projection) -> SdkProjection {
    match projection {
        Projection::All => SdkProjection::builder().projection_type(ProjectionType::All).build(),
        Projection::KeysOnly => SdkProjection::builder()
            .projection_type(ProjectionType::KeysOnly)
            .build(),
        Projection::Include(names) => SdkProjection::builder()
            .projection_type(ProjectionType::Include)
            .set_non_key_attributes(Some(names.iter().map(|n| (*n).to_owned()).collect()))
            .build(),
    }
}
