//! The live side: the SDK requests that create, read back, change and delete tables, and wait
//! until DynamoDB has done it.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::operation::update_table::builders::UpdateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction,
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType, LocalSecondaryIndex,
    Projection as SdkProjection, ProjectionType, ScalarAttributeType, TableDescription, TimeToLiveSpecification,
    TimeToLiveStatus,
};
use aws_sdk_dynamodb::types::{
    CreateVectorIndexAction, DeleteVectorIndexAction, SearchSchemaElement, SearchSchemaElementType,
    VectorAttributeDefinition, VectorDistanceFunction, VectorIndex, VectorIndexUpdate,
};

use super::{Change, IndexLayout, KeyLayout, ProjectionLayout, TableLayout, VectorIndexLayout};
use crate::error::{Error, ErrorKind};
use crate::item::{AttributeType, VectorDistance};

/// How long creating a table or building an index may take before `apply` gives up.
const WAIT: Duration = Duration::from_secs(600);

fn scalar_type(t: AttributeType) -> ScalarAttributeType {
    match t {
        AttributeType::S => ScalarAttributeType::S,
        AttributeType::N => ScalarAttributeType::N,
        AttributeType::B => ScalarAttributeType::B,
    }
}

fn attribute_type(t: &ScalarAttributeType) -> AttributeType {
    match t {
        ScalarAttributeType::N => AttributeType::N,
        ScalarAttributeType::B => AttributeType::B,
        _ => AttributeType::S,
    }
}

type Build<T> = Result<T, aws_sdk_dynamodb::error::BuildError>;

/// Hash attributes then range attributes, each in order (a multi-attribute key has several).
fn key_schema<'a>(
    hash: impl IntoIterator<Item = &'a KeyLayout>,
    range: impl IntoIterator<Item = &'a KeyLayout>,
) -> Build<Vec<KeySchemaElement>> {
    hash.into_iter()
        .map(|k| (k, KeyType::Hash))
        .chain(range.into_iter().map(|r| (r, KeyType::Range)))
        .map(|(k, key_type)| {
            KeySchemaElement::builder()
                .attribute_name(&k.name)
                .key_type(key_type)
                .build()
        })
        .collect()
}

fn projection(projection: &ProjectionLayout) -> SdkProjection {
    match projection {
        ProjectionLayout::All => SdkProjection::builder().projection_type(ProjectionType::All).build(),
        ProjectionLayout::KeysOnly => SdkProjection::builder()
            .projection_type(ProjectionType::KeysOnly)
            .build(),
        ProjectionLayout::Include(names) => SdkProjection::builder()
            .projection_type(ProjectionType::Include)
            .set_non_key_attributes(Some(names.clone()))
            .build(),
    }
}

fn distance_function(distance: VectorDistance) -> VectorDistanceFunction {
    VectorDistanceFunction::from(distance.as_str())
}

fn search_schema(index: &VectorIndexLayout) -> Build<Option<Vec<SearchSchemaElement>>> {
    let elements: Vec<SearchSchemaElement> = index
        .hash
        .iter()
        .map(|k| (k, SearchSchemaElementType::Hash))
        .chain(index.filters.iter().map(|k| (k, SearchSchemaElementType::InlineFilter)))
        .map(|(k, kind)| {
            SearchSchemaElement::builder()
                .attribute_name(&k.name)
                .search_schema_element_type(kind)
                .build()
        })
        .collect::<Build<_>>()?;
    Ok((!elements.is_empty()).then_some(elements))
}

fn vector_attribute(index: &VectorIndexLayout) -> Build<VectorAttributeDefinition> {
    VectorAttributeDefinition::builder()
        .attribute_name(&index.attribute)
        .build()
}

fn definitions(layout: &TableLayout) -> Build<Vec<AttributeDefinition>> {
    layout
        .attributes()
        .into_iter()
        .map(|a| {
            AttributeDefinition::builder()
                .attribute_name(&a.name)
                .attribute_type(scalar_type(a.attribute_type))
                .build()
        })
        .collect()
}

/// Creates the table (keys, indexes, on-demand billing, then TTL) and waits until it is active.
pub async fn create(client: &Client, layout: &TableLayout) -> Result<(), Error> {
    let name = layout.name.as_str();
    let fail = |e: aws_sdk_dynamodb::error::BuildError| Error::sdk("CreateTable", name, e);
    let mut request = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(definitions(layout).map_err(fail)?))
        .set_key_schema(Some(key_schema([&layout.hash], layout.range.as_ref()).map_err(fail)?));
    for index in &layout.global {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(&index.hash, &index.range).map_err(fail)?))
                .projection(projection(&index.projection))
                .build()
                .map_err(fail)?,
        );
    }
    for index in &layout.local {
        request = request.local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema([&layout.hash], &index.range).map_err(fail)?))
                .projection(projection(&index.projection))
                .build()
                .map_err(fail)?,
        );
    }
    for index in &layout.vector {
        request = request.vector_indexes(
            VectorIndex::builder()
                .index_name(&index.name)
                .vector_attribute(vector_attribute(index).map_err(fail)?)
                .set_search_schema(search_schema(index).map_err(fail)?)
                .projection(projection(&ProjectionLayout::All))
                .dimensions(i64::from(index.dimensions))
                .distance_function(distance_function(index.distance))
                .build()
                .map_err(fail)?,
        );
    }
    request.send().await.map_err(|e| Error::call("CreateTable", name, e))?;
    client
        .wait_until_table_exists()
        .table_name(name)
        .wait(WAIT)
        .await
        .map_err(|e| Error::sdk("DescribeTable", name, e))?;
    if let Some(ttl) = &layout.ttl {
        set_ttl(client, name, ttl, true).await?;
    }
    Ok(())
}

async fn set_ttl(client: &Client, table: &str, attribute: &str, enabled: bool) -> Result<(), Error> {
    let specification = TimeToLiveSpecification::builder()
        .enabled(enabled)
        .attribute_name(attribute)
        .build()
        .map_err(|e| Error::sdk("UpdateTimeToLive", table, e))?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification)
        .send()
        .await
        .map_err(|e| Error::call("UpdateTimeToLive", table, e))?;
    Ok(())
}

/// Deletes the table and waits until it is gone.
pub async fn delete(client: &Client, name: &str) -> Result<(), Error> {
    client
        .delete_table()
        .table_name(name)
        .send()
        .await
        .map_err(|e| Error::call("DeleteTable", name, e))?;
    client
        .wait_until_table_not_exists()
        .table_name(name)
        .wait(WAIT)
        .await
        .map_err(|e| Error::sdk("DescribeTable", name, e))?;
    Ok(())
}

async fn describe_table(client: &Client, name: &str) -> Result<Option<TableDescription>, Error> {
    match client.describe_table().table_name(name).send().await {
        Ok(output) => Ok(output.table),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(Error::call("DescribeTable", name, e)),
    }
}

/// The live table named `name` as a layout; `None` when there is no such table.
pub async fn describe(client: &Client, name: &str) -> Result<Option<TableLayout>, Error> {
    let Some(table) = describe_table(client, name).await? else {
        return Ok(None);
    };
    let types: Vec<(String, AttributeType)> = table
        .attribute_definitions()
        .iter()
        .map(|d| (d.attribute_name().to_owned(), attribute_type(d.attribute_type())))
        .collect();
    let key = |name: &str| KeyLayout {
        name: name.to_owned(),
        attribute_type: types
            .iter()
            .find(|(n, _)| n == name)
            .map_or(AttributeType::S, |(_, t)| *t),
    };
    // Every HASH and every RANGE element, in order: an index's multi-attribute key has several.
    let keys = |schema: &[KeySchemaElement]| {
        let of = |kind: KeyType| -> Vec<KeyLayout> {
            schema
                .iter()
                .filter(|k| k.key_type() == &kind)
                .map(|k| key(k.attribute_name()))
                .collect()
        };
        (of(KeyType::Hash), of(KeyType::Range))
    };
    let projection = |p: Option<&SdkProjection>| match p.and_then(|p| p.projection_type()) {
        Some(ProjectionType::KeysOnly) => ProjectionLayout::KeysOnly,
        Some(ProjectionType::Include) => {
            ProjectionLayout::Include(p.map(|p| p.non_key_attributes().to_vec()).unwrap_or_default())
        }
        _ => ProjectionLayout::All,
    };
    let (hash, range) = keys(table.key_schema());
    let (Some(hash), range) = (hash.into_iter().next(), range.into_iter().next()) else {
        return Ok(None);
    };
    let index = |name: Option<&str>, schema: &[KeySchemaElement], held: Option<&SdkProjection>| {
        let (hash, range) = keys(schema);
        Some(IndexLayout {
            name: name?.to_owned(),
            hash,
            range,
            projection: projection(held),
        })
    };
    let global = table
        .global_secondary_indexes()
        .iter()
        .filter_map(|i| index(i.index_name(), i.key_schema(), i.projection()))
        .collect();
    let local = table
        .local_secondary_indexes()
        .iter()
        .filter_map(|i| index(i.index_name(), i.key_schema(), i.projection()))
        .collect();
    let vector = table
        .vector_indexes()
        .iter()
        .filter_map(|v| {
            let schema = v.search_schema.as_deref().unwrap_or_default();
            let of = |kind: SearchSchemaElementType| {
                schema
                    .iter()
                    .filter(move |e| e.search_schema_element_type == kind)
                    .map(|e| key(&e.attribute_name))
            };
            let distance = match v.distance_function.as_ref()?.as_str() {
                "EUCLIDEAN" => VectorDistance::Euclidean,
                "DOT_PRODUCT" => VectorDistance::DotProduct,
                _ => VectorDistance::Cosine,
            };
            Some(VectorIndexLayout {
                name: v.index_name.clone()?,
                attribute: v.vector_attribute.as_ref()?.attribute_name.clone(),
                dimensions: u32::try_from(v.dimensions?).ok()?,
                distance,
                hash: of(SearchSchemaElementType::Hash).next(),
                filters: of(SearchSchemaElementType::InlineFilter).collect(),
            })
        })
        .collect();
    let ttl = client
        .describe_time_to_live()
        .table_name(name)
        .send()
        .await
        .map_err(|e| Error::call("DescribeTimeToLive", name, e))?
        .time_to_live_description
        .filter(|d| {
            matches!(
                d.time_to_live_status(),
                Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
            )
        })
        .and_then(|d| d.attribute_name);
    Ok(Some(TableLayout {
        name: name.to_owned(),
        hash,
        range,
        global,
        local,
        ttl,
        vector,
    }))
}

/// Applies `changes` (which `ddbgen plan` takes from the generator's rule table) to the live
/// table, one at a time, waiting for each index to be built or gone before the next (DynamoDB
/// allows one index change per UpdateTable).
/// A plan with a [`Change::Refused`] is not applied at all.
pub async fn apply(client: &Client, desired: &TableLayout, changes: &[Change]) -> Result<(), Error> {
    let name = desired.name.as_str();
    if let Some(Change::Refused(why)) = changes.iter().find(|c| matches!(c, Change::Refused(_))) {
        return Err(Error::sdk("UpdateTable", name, Refusal(why.clone())));
    }
    for change in changes {
        match change {
            Change::CreateTable => create(client, desired).await?,
            Change::AddIndex(index) => add_index(client, desired, index).await?,
            Change::RemoveIndex(index) => remove_index(client, name, index).await?,
            Change::RecreateIndex(index) => {
                remove_index(client, name, index).await?;
                add_index(client, desired, index).await?;
            }
            Change::AddVectorIndex(index) => add_vector_index(client, desired, index).await?,
            Change::RemoveVectorIndex(index) => remove_vector_index(client, name, index).await?,
            Change::RecreateVectorIndex(index) => {
                remove_vector_index(client, name, index).await?;
                add_vector_index(client, desired, index).await?;
            }
            Change::EnableTtl(attribute) => set_ttl(client, name, attribute, true).await?,
            Change::DisableTtl(attribute) => set_ttl(client, name, attribute, false).await?,
            Change::Refused(_) => {}
        }
    }
    Ok(())
}

/// Creates global index `index` as `desired` declares it, and waits until it is built.
async fn add_index(client: &Client, desired: &TableLayout, index: &str) -> Result<(), Error> {
    let name = desired.name.as_str();
    let Some(layout) = desired.global_index(index) else {
        return Ok(());
    };
    let fail = |e: aws_sdk_dynamodb::error::BuildError| Error::sdk("UpdateTable", name, e);
    let action = CreateGlobalSecondaryIndexAction::builder()
        .index_name(index)
        .set_key_schema(Some(key_schema(&layout.hash, &layout.range).map_err(fail)?))
        .projection(projection(&layout.projection))
        .build()
        .map_err(fail)?;
    let definitions = definitions(desired).map_err(fail)?;
    update_index(client, name, index, true, |update| {
        update
            .set_attribute_definitions(Some(definitions))
            .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(action).build())
    })
    .await
}

/// Deletes global index `index` of table `name`, and waits until it is gone.
async fn remove_index(client: &Client, name: &str, index: &str) -> Result<(), Error> {
    let action = DeleteGlobalSecondaryIndexAction::builder()
        .index_name(index)
        .build()
        .map_err(|e| Error::sdk("UpdateTable", name, e))?;
    update_index(client, name, index, false, |update| {
        update.global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().delete(action).build())
    })
    .await
}

/// Creates vector index `index` of `desired`, and waits until it is active and built.
async fn add_vector_index(client: &Client, desired: &TableLayout, index: &str) -> Result<(), Error> {
    let name = desired.name.as_str();
    let Some(layout) = desired.vector_index(index) else {
        return Ok(());
    };
    let fail = |e: aws_sdk_dynamodb::error::BuildError| Error::sdk("UpdateTable", name, e);
    let action = CreateVectorIndexAction::builder()
        .index_name(index)
        .vector_attribute(vector_attribute(layout).map_err(fail)?)
        .set_search_schema(search_schema(layout).map_err(fail)?)
        .projection(projection(&ProjectionLayout::All))
        .dimensions(i64::from(layout.dimensions))
        .distance_function(distance_function(layout.distance))
        .build()
        .map_err(fail)?;
    let definitions = definitions(desired).map_err(fail)?;
    update_index(client, name, index, true, |update| {
        update
            .set_attribute_definitions(Some(definitions))
            .vector_index_updates(VectorIndexUpdate::builder().create(action).build())
    })
    .await
}

async fn remove_vector_index(client: &Client, name: &str, index: &str) -> Result<(), Error> {
    let action = DeleteVectorIndexAction::builder()
        .index_name(index)
        .build()
        .map_err(|e| Error::sdk("UpdateTable", name, e))?;
    update_index(client, name, index, false, |update| {
        update.vector_index_updates(VectorIndexUpdate::builder().delete(action).build())
    })
    .await
}

/// Sends the UpdateTable of table `name` that `change` builds (one index added or removed),
/// then waits until index `index` is there (`present`) or gone.
async fn update_index(
    client: &Client,
    name: &str,
    index: &str,
    present: bool,
    change: impl FnOnce(UpdateTableFluentBuilder) -> UpdateTableFluentBuilder,
) -> Result<(), Error> {
    change(client.update_table().table_name(name))
        .send()
        .await
        .map_err(|e| Error::call("UpdateTable", name, e))?;
    wait_for_index(client, name, index, present).await
}

/// Waits until the global or vector index `index` of `table` is active (`present`) or gone,
/// and the table active.
async fn wait_for_index(client: &Client, table: &str, index: &str, present: bool) -> Result<(), Error> {
    let start = Instant::now();
    loop {
        let description = describe_table(client, table).await?;
        let table_active = description
            .as_ref()
            .and_then(TableDescription::table_status)
            .is_some_and(|s| s.as_str() == "ACTIVE");
        let status = description.as_ref().and_then(|d| {
            let global = d
                .global_secondary_indexes()
                .iter()
                .find(|i| i.index_name() == Some(index))
                .map(|i| i.index_status().cloned());
            // A vector index is searchable once active and no longer backfilling.
            global.or_else(|| {
                d.vector_indexes()
                    .iter()
                    .find(|i| i.index_name.as_deref() == Some(index))
                    .map(|i| match i.backfilling {
                        Some(true) => Some(IndexStatus::Creating),
                        _ => i.index_status.clone(),
                    })
            })
        });
        let done = matches!(
            (present, status),
            (true, Some(Some(IndexStatus::Active))) | (false, None)
        );
        if done && table_active {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            return Err(Error::from(ErrorKind::Timeout {
                operation: "UpdateTable",
                table: table.to_owned(),
            }));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Why `apply` did nothing.
#[derive(Debug)]
struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ddbgen does not apply this change: {}", self.0)
    }
}

impl std::error::Error for Refusal {}
