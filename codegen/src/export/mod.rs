//! `ddbgen export cloudformation|terraform`: the schema's tables as infrastructure code, built
//! from typed structs (serde), never from text templates: `AWS::DynamoDB::Table` resources
//! (CloudFormation, JSON or YAML) and `aws_dynamodb_table` resources (Terraform `.tf.json`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

mod yaml;

pub use yaml::to_yaml;

use crate::infra::{IndexLayout, IndexProjection, KeyAttribute, TableLayout, VectorIndexLayout};
use crate::ir::KeyType;

/// How tables are billed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billing {
    /// On-demand (`PAY_PER_REQUEST`), the default.
    OnDemand,
    /// Provisioned capacity, for the table and each global index.
    Provisioned {
        /// Read capacity units.
        read: u64,
        /// Write capacity units.
        write: u64,
    },
}

/// The settings of exported tables that the schema does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Billing mode.
    pub billing: Billing,
    /// Point-in-time recovery (default on).
    pub point_in_time_recovery: bool,
    /// A stream of changes with this view type (`NEW_AND_OLD_IMAGES`, …).
    pub stream: Option<String>,
    /// Deletion protection (default on).
    pub deletion_protection: bool,
    /// Tags on every table.
    pub tags: Vec<(String, String)>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            billing: Billing::OnDemand,
            point_in_time_recovery: true,
            stream: None,
            deletion_protection: true,
            tags: Vec::new(),
        }
    }
}

fn type_code(key_type: KeyType) -> &'static str {
    match key_type {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}

// ---- CloudFormation ------------------------------------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnAttribute {
    attribute_name: String,
    attribute_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnKey {
    attribute_name: String,
    key_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnProjection {
    projection_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    non_key_attributes: Option<Vec<String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnThroughput {
    read_capacity_units: u64,
    write_capacity_units: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnIndex {
    index_name: String,
    key_schema: Vec<CfnKey>,
    projection: CfnProjection,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<CfnThroughput>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnSearchSchemaElement {
    attribute_name: String,
    search_schema_element_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnVectorAttribute {
    attribute_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnVectorIndex {
    index_name: String,
    vector_attribute: CfnVectorAttribute,
    dimensions: u32,
    distance_function: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    search_schema: Vec<CfnSearchSchemaElement>,
    projection: CfnProjection,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnTtl {
    attribute_name: String,
    enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnPitr {
    point_in_time_recovery_enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnStream {
    stream_view_type: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnTag {
    key: String,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnTableProperties {
    table_name: String,
    billing_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    provisioned_throughput: Option<CfnThroughput>,
    attribute_definitions: Vec<CfnAttribute>,
    key_schema: Vec<CfnKey>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    global_secondary_indexes: Vec<CfnIndex>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    local_secondary_indexes: Vec<CfnIndex>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vector_indexes: Vec<CfnVectorIndex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time_to_live_specification: Option<CfnTtl>,
    point_in_time_recovery_specification: CfnPitr,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_specification: Option<CfnStream>,
    deletion_protection_enabled: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<CfnTag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CfnResource {
    #[serde(rename = "Type")]
    kind: &'static str,
    deletion_policy: &'static str,
    update_replace_policy: &'static str,
    properties: CfnTableProperties,
}

#[derive(Serialize)]
struct CfnTemplate {
    #[serde(rename = "AWSTemplateFormatVersion")]
    version: &'static str,
    #[serde(rename = "Description")]
    description: String,
    #[serde(rename = "Resources")]
    resources: BTreeMap<String, CfnResource>,
}

/// A `KeySchema`: the hash attributes, then the range attributes, each in order (an index's
/// multi-attribute key has several of each).
fn cfn_keys<'a>(
    hash: impl IntoIterator<Item = &'a KeyAttribute>,
    range: impl IntoIterator<Item = &'a KeyAttribute>,
) -> Vec<CfnKey> {
    hash.into_iter()
        .map(|k| (k, "HASH"))
        .chain(range.into_iter().map(|r| (r, "RANGE")))
        .map(|(k, key_type)| CfnKey {
            attribute_name: k.name.clone(),
            key_type,
        })
        .collect()
}

fn cfn_projection(projection: &IndexProjection) -> CfnProjection {
    match projection {
        IndexProjection::All => CfnProjection {
            projection_type: "ALL",
            non_key_attributes: None,
        },
        IndexProjection::KeysOnly => CfnProjection {
            projection_type: "KEYS_ONLY",
            non_key_attributes: None,
        },
        IndexProjection::Include(names) => CfnProjection {
            projection_type: "INCLUDE",
            non_key_attributes: Some(names.clone()),
        },
    }
}

fn cfn_vector_index(index: &VectorIndexLayout) -> CfnVectorIndex {
    let element = |k: &KeyAttribute, kind| CfnSearchSchemaElement {
        attribute_name: k.name.clone(),
        search_schema_element_type: kind,
    };
    CfnVectorIndex {
        index_name: index.name.clone(),
        vector_attribute: CfnVectorAttribute {
            attribute_name: index.attribute.clone(),
        },
        dimensions: index.dimensions,
        distance_function: index.distance.dynamo_name(),
        search_schema: index
            .hash
            .iter()
            .map(|k| element(k, "HASH"))
            .chain(index.filters.iter().map(|k| element(k, "INLINE_FILTER")))
            .collect(),
        projection: cfn_projection(&IndexProjection::All),
    }
}

/// Why `tables` cannot be exported to `target` with `settings`, if they cannot: a vector index
/// needs on-demand billing, and Terraform's AWS provider does not declare vector indexes yet
/// (nothing is left out silently).
pub fn refusal(tables: &[TableLayout], settings: &Settings, terraform: bool) -> Option<String> {
    let (table, index) = tables.iter().find_map(|t| t.vector.first().map(|v| (t, v)))?;
    if matches!(settings.billing, Billing::Provisioned { .. }) {
        return Some(format!(
            "table `{}` has vector index `{}`, which DynamoDB allows on on-demand tables only: leave out the provisioned capacity",
            table.name, index.name
        ));
    }
    terraform.then(|| {
        format!(
            "table `{}` has vector index `{}`, which Terraform's AWS provider cannot declare yet: export cloudformation, or create the index with `ddbgen apply`",
            table.name, index.name
        )
    })
}

fn throughput(settings: &Settings) -> Option<CfnThroughput> {
    match settings.billing {
        Billing::OnDemand => None,
        Billing::Provisioned { read, write } => Some(CfnThroughput {
            read_capacity_units: read,
            write_capacity_units: write,
        }),
    }
}

/// The logical ID of a table's resource: its schema name, alphanumeric, then `Table`.
fn logical_id(table: &TableLayout) -> String {
    let name: String = table.item.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{name}Table")
}

/// A CloudFormation template with one `AWS::DynamoDB::Table` per table, retained on stack
/// deletion and replacement.
pub fn cloudformation(tables: &[TableLayout], settings: &Settings, description: &str) -> Value {
    let index = |i: &IndexLayout, global: bool| CfnIndex {
        index_name: i.name.clone(),
        key_schema: cfn_keys(&i.hash, &i.range),
        projection: cfn_projection(&i.projection),
        provisioned_throughput: if global { throughput(settings) } else { None },
    };
    let resources = tables
        .iter()
        .map(|t| {
            let properties = CfnTableProperties {
                table_name: t.name.clone(),
                billing_mode: match settings.billing {
                    Billing::OnDemand => "PAY_PER_REQUEST",
                    Billing::Provisioned { .. } => "PROVISIONED",
                },
                provisioned_throughput: throughput(settings),
                attribute_definitions: t
                    .attributes()
                    .into_iter()
                    .map(|k| CfnAttribute {
                        attribute_name: k.name.clone(),
                        attribute_type: type_code(k.key_type),
                    })
                    .collect(),
                key_schema: cfn_keys([&t.hash], &t.range),
                global_secondary_indexes: t.global.iter().map(|i| index(i, true)).collect(),
                local_secondary_indexes: t.local.iter().map(|i| index(i, false)).collect(),
                vector_indexes: t.vector.iter().map(cfn_vector_index).collect(),
                time_to_live_specification: t.ttl.as_ref().map(|a| CfnTtl {
                    attribute_name: a.clone(),
                    enabled: true,
                }),
                point_in_time_recovery_specification: CfnPitr {
                    point_in_time_recovery_enabled: settings.point_in_time_recovery,
                },
                stream_specification: settings.stream.as_ref().map(|v| CfnStream {
                    stream_view_type: v.clone(),
                }),
                deletion_protection_enabled: settings.deletion_protection,
                tags: settings
                    .tags
                    .iter()
                    .map(|(key, value)| CfnTag {
                        key: key.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            };
            (
                logical_id(t),
                CfnResource {
                    kind: "AWS::DynamoDB::Table",
                    deletion_policy: "Retain",
                    update_replace_policy: "Retain",
                    properties,
                },
            )
        })
        .collect();
    serde_json::to_value(CfnTemplate {
        version: "2010-09-09",
        description: description.to_owned(),
        resources,
    })
    .unwrap_or(Value::Null)
}

// ---- Terraform -----------------------------------------------------------------------------

#[derive(Serialize)]
struct TfAttribute {
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct TfIndex {
    name: String,
    /// A global index's keys, as the AWS provider (6.x) takes them: `hash_key`/`range_key`
    /// are deprecated there, and cannot say a multi-attribute key.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    key_schema: Vec<TfKey>,
    /// A local index's sort key.
    #[serde(skip_serializing_if = "Option::is_none")]
    range_key: Option<String>,
    projection_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    non_key_attributes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_capacity: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    write_capacity: Option<u64>,
}

#[derive(Serialize)]
struct TfKey {
    attribute_name: String,
    key_type: &'static str,
}

#[derive(Serialize)]
struct TfTtl {
    attribute_name: String,
    enabled: bool,
}

#[derive(Serialize)]
struct TfPitr {
    enabled: bool,
}

#[derive(Serialize)]
struct TfTable {
    name: String,
    billing_mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_capacity: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    write_capacity: Option<u64>,
    hash_key: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    range_key: Option<String>,
    attribute: Vec<TfAttribute>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    global_secondary_index: Vec<TfIndex>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    local_secondary_index: Vec<TfIndex>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<TfTtl>,
    point_in_time_recovery: TfPitr,
    stream_enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_view_type: Option<String>,
    deletion_protection_enabled: bool,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
}

/// A Terraform JSON configuration (`.tf.json`) with one `aws_dynamodb_table` per table.
pub fn terraform(tables: &[TableLayout], settings: &Settings) -> Value {
    let (read, write) = match settings.billing {
        Billing::OnDemand => (None, None),
        Billing::Provisioned { read, write } => (Some(read), Some(write)),
    };
    let index = |i: &IndexLayout, global: bool| {
        let (projection_type, non_key_attributes) = match &i.projection {
            IndexProjection::All => ("ALL", None),
            IndexProjection::KeysOnly => ("KEYS_ONLY", None),
            IndexProjection::Include(names) => ("INCLUDE", Some(names.clone())),
        };
        TfIndex {
            name: i.name.clone(),
            key_schema: if global {
                cfn_keys(&i.hash, &i.range)
                    .into_iter()
                    .map(|k| TfKey {
                        attribute_name: k.attribute_name,
                        key_type: k.key_type,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            range_key: if global {
                None
            } else {
                i.range.first().map(|r| r.name.clone())
            },
            projection_type,
            non_key_attributes,
            read_capacity: if global { read } else { None },
            write_capacity: if global { write } else { None },
        }
    };
    let resources: BTreeMap<String, TfTable> = tables
        .iter()
        .map(|t| {
            let resource = crate::ir::names::snake(&t.item);
            let table = TfTable {
                name: t.name.clone(),
                billing_mode: if read.is_some() {
                    "PROVISIONED"
                } else {
                    "PAY_PER_REQUEST"
                },
                read_capacity: read,
                write_capacity: write,
                hash_key: t.hash.name.clone(),
                range_key: t.range.as_ref().map(|r| r.name.clone()),
                attribute: t
                    .attributes()
                    .into_iter()
                    .map(|k| TfAttribute {
                        name: k.name.clone(),
                        kind: type_code(k.key_type),
                    })
                    .collect(),
                global_secondary_index: t.global.iter().map(|i| index(i, true)).collect(),
                local_secondary_index: t.local.iter().map(|i| index(i, false)).collect(),
                ttl: t.ttl.as_ref().map(|a| TfTtl {
                    attribute_name: a.clone(),
                    enabled: true,
                }),
                point_in_time_recovery: TfPitr {
                    enabled: settings.point_in_time_recovery,
                },
                stream_enabled: settings.stream.is_some(),
                stream_view_type: settings.stream.clone(),
                deletion_protection_enabled: settings.deletion_protection,
                tags: settings.tags.iter().cloned().collect(),
            };
            (resource, table)
        })
        .collect();
    serde_json::json!({ "resource": { "aws_dynamodb_table": resources } })
}
