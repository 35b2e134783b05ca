//! Tables as DynamoDB holds them: create one from its layout, read a live one back
//! (DescribeTable, DescribeTimeToLive), compare the two, and apply the difference. Keys are
//! never changed and tables never deleted: what cannot be changed in place is refused, with the
//! reason. `Table::create_table` and `ddbgen plan`/`apply` share this code.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction,
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType, LocalSecondaryIndex,
    Projection as SdkProjection, ProjectionType, ScalarAttributeType, TableDescription, TimeToLiveSpecification,
    TimeToLiveStatus,
};

use crate::error::Error;
use crate::item::{AttributeType, Projection, TableSpec};

/// How long creating a table or building an index may take before `apply` gives up.
const WAIT: Duration = Duration::from_secs(600);

/// A key attribute: stored name and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLayout {
    /// Attribute name.
    pub name: String,
    /// S, N or B.
    pub attribute_type: AttributeType,
}

/// What a secondary index holds besides the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectionLayout {
    /// Every attribute.
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes (compared as a set).
    Include(Vec<String>),
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLayout {
    /// Index name.
    pub name: String,
    /// Partition key (for a local index, the table's).
    pub hash: KeyLayout,
    /// Sort key.
    pub range: Option<KeyLayout>,
    /// What it holds.
    pub projection: ProjectionLayout,
}

/// A table's keys, indexes and TTL: what a schema declares and what DescribeTable returns.
///
/// ```
/// use ddbgen_runtime::admin::TableLayout;
/// use ddbgen_runtime::{AttributeType, KeyAttribute, TableSpec};
///
/// const BOOKS: TableSpec = TableSpec {
///     table_name: "books",
///     hash_key: KeyAttribute { name: "publisher", attribute_type: AttributeType::S },
///     range_key: None,
///     indexes: &[],
///     ttl_attribute: None,
/// };
/// let layout = TableLayout::of(&BOOKS, "dev-books");
/// assert_eq!((layout.name.as_str(), layout.hash.name.as_str()), ("dev-books", "publisher"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLayout {
    /// Table name (with any prefix).
    pub name: String,
    /// Partition key.
    pub hash: KeyLayout,
    /// Sort key.
    pub range: Option<KeyLayout>,
    /// Global secondary indexes.
    pub global: Vec<IndexLayout>,
    /// Local secondary indexes.
    pub local: Vec<IndexLayout>,
    /// The TTL attribute, when TTL is on.
    pub ttl: Option<String>,
}

impl TableLayout {
    /// The layout a generated table declares, under the name `name`.
    pub fn of(spec: &TableSpec, name: &str) -> Self {
        let key = |k: crate::item::KeyAttribute| KeyLayout {
            name: k.name.to_owned(),
            attribute_type: k.attribute_type,
        };
        let index = |i: &crate::item::IndexSpec| IndexLayout {
            name: i.name.to_owned(),
            hash: key(i.hash_key),
            range: i.range_key.map(key),
            projection: match i.projection {
                Projection::All => ProjectionLayout::All,
                Projection::KeysOnly => ProjectionLayout::KeysOnly,
                Projection::Include(names) => {
                    ProjectionLayout::Include(names.iter().map(|n| (*n).to_owned()).collect())
                }
            },
        };
        Self {
            name: name.to_owned(),
            hash: key(spec.hash_key),
            range: spec.range_key.map(key),
            global: spec.indexes.iter().filter(|i| i.global).map(index).collect(),
            local: spec
                .indexes
                .iter()
                .filter(|i| !i.global)
                .map(|i| IndexLayout {
                    hash: key(spec.hash_key),
                    ..index(i)
                })
                .collect(),
            ttl: spec.ttl_attribute.map(str::to_owned),
        }
    }

    /// Every key attribute of the table and its indexes, each once.
    fn attributes(&self) -> Vec<&KeyLayout> {
        let mut out: Vec<&KeyLayout> = Vec::new();
        let all = std::iter::once(&self.hash).chain(&self.range).chain(
            self.global
                .iter()
                .chain(&self.local)
                .flat_map(|i| std::iter::once(&i.hash).chain(&i.range)),
        );
        for key in all {
            if !out.iter().any(|k| k.name == key.name) {
                out.push(key);
            }
        }
        out
    }

    fn global_index(&self, name: &str) -> Option<&IndexLayout> {
        self.global.iter().find(|i| i.name == name)
    }
}

/// One step of bringing a live table to its layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The table does not exist: create it (with its indexes and TTL).
    CreateTable,
    /// Create this global index and wait until it is active.
    AddIndex(String),
    /// Delete this global index and wait until it is gone.
    RemoveIndex(String),
    /// Turn TTL on, on this attribute.
    EnableTtl(String),
    /// Turn TTL off (it was on this attribute).
    DisableTtl(String),
    /// A difference ddbgen will not apply, and why.
    Refused(String),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::CreateTable => write!(f, "create the table"),
            Change::AddIndex(name) => write!(f, "add global index `{name}`"),
            Change::RemoveIndex(name) => write!(f, "remove global index `{name}`"),
            Change::EnableTtl(attribute) => write!(f, "turn TTL on, on attribute `{attribute}`"),
            Change::DisableTtl(attribute) => write!(f, "turn TTL off (attribute `{attribute}`)"),
            Change::Refused(why) => write!(f, "refused: {why}"),
        }
    }
}

fn describe_key(hash: &KeyLayout, range: Option<&KeyLayout>) -> String {
    let one = |k: &KeyLayout| format!("{} ({:?})", k.name, k.attribute_type);
    match range {
        Some(range) => format!("{} + {}", one(hash), one(range)),
        None => one(hash),
    }
}

fn same_projection(a: &ProjectionLayout, b: &ProjectionLayout) -> bool {
    match (a, b) {
        (ProjectionLayout::Include(x), ProjectionLayout::Include(y)) => {
            let (mut x, mut y) = (x.clone(), y.clone());
            x.sort();
            y.sort();
            x == y
        }
        _ => a == b,
    }
}

fn same_index(a: &IndexLayout, b: &IndexLayout) -> bool {
    a.hash == b.hash && a.range == b.range && same_projection(&a.projection, &b.projection)
}

/// The steps that bring `live` (`None`: no such table) to `desired`, in the order `apply`
/// takes them: removals before additions, one index at a time. Empty when they match.
pub fn plan(desired: &TableLayout, live: Option<&TableLayout>) -> Vec<Change> {
    let Some(live) = live else {
        return vec![Change::CreateTable];
    };
    let mut changes = Vec::new();
    if live.hash != desired.hash || live.range != desired.range {
        changes.push(Change::Refused(format!(
            "the live key is {}, the schema's is {}: a key cannot change once the table exists (create a new table and copy the items)",
            describe_key(&live.hash, live.range.as_ref()),
            describe_key(&desired.hash, desired.range.as_ref())
        )));
    }
    let local_matches = live.local.len() == desired.local.len()
        && desired
            .local
            .iter()
            .all(|d| live.local.iter().any(|l| l.name == d.name && same_index(l, d)));
    if !local_matches {
        changes.push(Change::Refused(
            "the local secondary indexes differ: they can only be set when a table is created".to_owned(),
        ));
    }
    for index in &live.global {
        match desired.global_index(&index.name) {
            Some(wanted) if same_index(index, wanted) => {}
            _ => changes.push(Change::RemoveIndex(index.name.clone())),
        }
    }
    for index in &desired.global {
        match live.global_index(&index.name) {
            Some(existing) if same_index(existing, index) => {}
            _ => changes.push(Change::AddIndex(index.name.clone())),
        }
    }
    match (&live.ttl, &desired.ttl) {
        (None, Some(attribute)) => changes.push(Change::EnableTtl(attribute.clone())),
        (Some(attribute), None) => changes.push(Change::DisableTtl(attribute.clone())),
        (Some(a), Some(b)) if a != b => changes.push(Change::Refused(format!(
            "TTL is on attribute `{a}`, the schema's is `{b}`: turn it off, wait an hour (DynamoDB's rule), and apply again"
        ))),
        _ => {}
    }
    changes
}

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

fn key_schema(hash: &KeyLayout, range: Option<&KeyLayout>) -> Build<Vec<KeySchemaElement>> {
    std::iter::once((hash, KeyType::Hash))
        .chain(range.map(|r| (r, KeyType::Range)))
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
        .set_key_schema(Some(key_schema(&layout.hash, layout.range.as_ref()).map_err(fail)?));
    for index in &layout.global {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(&index.hash, index.range.as_ref()).map_err(fail)?))
                .projection(projection(&index.projection))
                .build()
                .map_err(fail)?,
        );
    }
    for index in &layout.local {
        request = request.local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name(&index.name)
                .set_key_schema(Some(key_schema(&layout.hash, index.range.as_ref()).map_err(fail)?))
                .projection(projection(&index.projection))
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
    let keys = |schema: &[KeySchemaElement]| {
        let hash = schema
            .iter()
            .find(|k| k.key_type() == &KeyType::Hash)
            .map(|k| key(k.attribute_name()));
        let range = schema
            .iter()
            .find(|k| k.key_type() == &KeyType::Range)
            .map(|k| key(k.attribute_name()));
        (hash, range)
    };
    let projection = |p: Option<&SdkProjection>| match p.and_then(|p| p.projection_type()) {
        Some(ProjectionType::KeysOnly) => ProjectionLayout::KeysOnly,
        Some(ProjectionType::Include) => {
            ProjectionLayout::Include(p.map(|p| p.non_key_attributes().to_vec()).unwrap_or_default())
        }
        _ => ProjectionLayout::All,
    };
    let (Some(hash), range) = keys(table.key_schema()) else {
        return Ok(None);
    };
    let index = |name: Option<&str>, schema: &[KeySchemaElement], held: Option<&SdkProjection>| {
        let (hash, range) = keys(schema);
        Some(IndexLayout {
            name: name?.to_owned(),
            hash: hash?,
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
    }))
}

/// Applies `changes` (from [`plan`]) to the live table, one at a time, waiting for each index
/// to be built or gone before the next (DynamoDB allows one index change per UpdateTable).
/// A plan with a [`Change::Refused`] is not applied at all.
pub async fn apply(client: &Client, desired: &TableLayout, changes: &[Change]) -> Result<(), Error> {
    let name = desired.name.as_str();
    if let Some(Change::Refused(why)) = changes.iter().find(|c| matches!(c, Change::Refused(_))) {
        return Err(Error::sdk("UpdateTable", name, Refusal(why.clone())));
    }
    for change in changes {
        match change {
            Change::CreateTable => create(client, desired).await?,
            Change::AddIndex(index) => {
                let Some(layout) = desired.global_index(index) else {
                    continue;
                };
                let fail = |e: aws_sdk_dynamodb::error::BuildError| Error::sdk("UpdateTable", name, e);
                let action = CreateGlobalSecondaryIndexAction::builder()
                    .index_name(index)
                    .set_key_schema(Some(key_schema(&layout.hash, layout.range.as_ref()).map_err(fail)?))
                    .projection(projection(&layout.projection))
                    .build()
                    .map_err(fail)?;
                client
                    .update_table()
                    .table_name(name)
                    .set_attribute_definitions(Some(definitions(desired).map_err(fail)?))
                    .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().create(action).build())
                    .send()
                    .await
                    .map_err(|e| Error::call("UpdateTable", name, e))?;
                wait_for_index(client, name, index, true).await?;
            }
            Change::RemoveIndex(index) => {
                let action = DeleteGlobalSecondaryIndexAction::builder()
                    .index_name(index)
                    .build()
                    .map_err(|e| Error::sdk("UpdateTable", name, e))?;
                client
                    .update_table()
                    .table_name(name)
                    .global_secondary_index_updates(GlobalSecondaryIndexUpdate::builder().delete(action).build())
                    .send()
                    .await
                    .map_err(|e| Error::call("UpdateTable", name, e))?;
                wait_for_index(client, name, index, false).await?;
            }
            Change::EnableTtl(attribute) => set_ttl(client, name, attribute, true).await?,
            Change::DisableTtl(attribute) => set_ttl(client, name, attribute, false).await?,
            Change::Refused(_) => {}
        }
    }
    Ok(())
}

/// Waits until index `index` of `table` is active (`present`) or gone, and the table active.
async fn wait_for_index(client: &Client, table: &str, index: &str, present: bool) -> Result<(), Error> {
    let start = Instant::now();
    loop {
        let description = describe_table(client, table).await?;
        let table_active = description
            .as_ref()
            .and_then(TableDescription::table_status)
            .is_some_and(|s| s.as_str() == "ACTIVE");
        let status = description.as_ref().and_then(|d| {
            d.global_secondary_indexes()
                .iter()
                .find(|i| i.index_name() == Some(index))
                .map(|i| i.index_status().cloned())
        });
        let done = matches!(
            (present, status),
            (true, Some(Some(IndexStatus::Active))) | (false, None)
        );
        if done && table_active {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            return Err(Error::Timeout {
                operation: "UpdateTable",
                table: table.to_owned(),
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> KeyLayout {
        KeyLayout {
            name: name.to_owned(),
            attribute_type: AttributeType::S,
        }
    }

    fn index(name: &str, hash: &str) -> IndexLayout {
        IndexLayout {
            name: name.to_owned(),
            hash: key(hash),
            range: None,
            projection: ProjectionLayout::Include(vec!["b".into(), "a".into()]),
        }
    }

    fn layout() -> TableLayout {
        TableLayout {
            name: "t".into(),
            hash: key("id"),
            range: None,
            global: vec![index("by_a", "a")],
            local: Vec::new(),
            ttl: None,
        }
    }

    #[test]
    fn plans_index_and_ttl_changes_and_refuses_key_changes() {
        let live = layout();
        assert_eq!(plan(&live, Some(&live)), []);
        assert_eq!(plan(&live, None), [Change::CreateTable]);
        let mut desired = layout();
        desired.global = vec![
            IndexLayout {
                projection: ProjectionLayout::Include(vec!["a".into(), "b".into()]),
                ..index("by_a", "a")
            },
            index("by_c", "c"),
        ];
        desired.ttl = Some("expires".into());
        assert_eq!(
            plan(&desired, Some(&live)),
            [Change::AddIndex("by_c".into()), Change::EnableTtl("expires".into())],
            "include lists compare as sets"
        );
        desired.global = vec![index("by_a", "z")];
        assert_eq!(
            plan(&desired, Some(&live))[..2],
            [Change::RemoveIndex("by_a".into()), Change::AddIndex("by_a".into())]
        );
        desired.hash = key("other");
        assert!(matches!(plan(&desired, Some(&live))[0], Change::Refused(_)));
    }
}
