//! NoSQL Workbench data models (format version 3.0), both ways: `ddbgen export nosql-workbench`
//! writes the schemas' tables as a model a team can open in the tool it knows (one facet per
//! entity of a single table, one per plain table), and `ddbgen import --nosql-workbench`
//! reads a model back as a schema.
//!
//! The model says less than a schema: its attribute types are DynamoDB's (S, N, BOOL, M, …),
//! not which integer, time or enum a value is, and it has no rules or required fields. So an
//! import declares what the model says and comments what it cannot: numbers are `decimal`
//! (exact whatever they hold), non-key attributes optional, maps and lists of strings. What
//! survives both ways exactly is the physical table: keys and their types, indexes and their
//! projections (`tests/import.rs` checks it for every example schema). A model has no way to
//! say a multi-attribute index key or a local index: export leaves those indexes out and says
//! so on standard error.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::import::quote;
use crate::ir::layout::{IndexProjection, KeyAttribute, TableLayout};
use crate::ir::names::{escape, snake};
use crate::ir::{Codec, Field, FieldType, KeyType, Model, Scalar};

/// DynamoDB's type code of what a field stores.
fn type_code(field: &Field) -> &'static str {
    fn scalar(s: Scalar, codec: Codec) -> &'static str {
        match s {
            Scalar::String | Scalar::Uuid | Scalar::Date => "S",
            Scalar::DateTime if codec == Codec::Native => "S",
            Scalar::DateTime | Scalar::Int(_) | Scalar::F64 | Scalar::Decimal => "N",
            Scalar::Bool => "BOOL",
            Scalar::Bytes => "B",
        }
    }
    match &field.ty {
        FieldType::Scalar(s) => scalar(*s, field.codec),
        FieldType::Enum(_) | FieldType::Named(_) => "S",
        FieldType::Set(s) => match scalar(*s, Codec::Native) {
            "N" => "NS",
            "B" => "BS",
            _ => "SS",
        },
        FieldType::List(_) => "L",
        FieldType::Map(_) | FieldType::Object(_) => "M",
    }
}

fn key_code(key: KeyType) -> &'static str {
    match key {
        KeyType::S => "S",
        KeyType::N => "N",
        KeyType::B => "B",
    }
}

fn key(attribute: &KeyAttribute) -> Value {
    json!({ "AttributeName": attribute.name, "AttributeType": key_code(attribute.key_type) })
}

/// A model of `tables` (their layouts, with the fields of `models` for the attributes), named
/// `name`. Returns the model and what it could not say.
pub fn export(models: &[&Model], tables: &[TableLayout], name: &str, description: &str) -> (Value, Vec<String>) {
    let mut left_out = Vec::new();
    let data_model: Vec<Value> = tables
        .iter()
        .map(|layout| {
            // The fields stored in this table: a plain table's, or every entity's of a single one.
            let mut facets: Vec<(String, Vec<&Field>)> = Vec::new();
            for model in models {
                for table in &model.tables {
                    let in_this = match &table.entity {
                        None => table.names.item == layout.item,
                        Some(_) => model
                            .single_tables
                            .iter()
                            .any(|s| s.name == layout.item && s.table_name == table.table_name),
                    };
                    if in_this {
                        facets.push((table.names.item.clone(), table.fields.iter().collect()));
                    }
                }
            }
            // The key attributes the model declares: the table's, and those of the global indexes
            // it can say; every other attribute is a non-key one (a local index's sort key too).
            let said = |i: &&crate::ir::layout::IndexLayout| i.hash.len() == 1 && i.range.len() <= 1;
            let keys: BTreeSet<&str> = std::iter::once(&layout.hash)
                .chain(&layout.range)
                .chain(
                    layout
                        .global
                        .iter()
                        .filter(said)
                        .flat_map(|i| i.hash.iter().chain(&i.range)),
                )
                .map(|k| k.name.as_str())
                .collect();
            let mut non_key: Vec<(String, &'static str)> = Vec::new();
            // A single table's discriminator names each item's entity.
            for model in models {
                for single in model.single_tables.iter().filter(|s| s.name == layout.item) {
                    non_key.push((single.discriminator.clone(), "S"));
                }
            }
            for (_, fields) in &facets {
                for field in fields {
                    if !keys.contains(field.attribute.as_str()) && !non_key.iter().any(|(n, _)| *n == field.attribute) {
                        non_key.push((field.attribute.clone(), type_code(field)));
                    }
                }
            }
            let mut key_attributes = json!({ "PartitionKey": key(&layout.hash) });
            if let Some(range) = &layout.range {
                key_attributes["SortKey"] = key(range);
            }
            let indexes: Vec<Value> = layout
                .global
                .iter()
                .filter_map(|index| {
                    if index.hash.len() > 1 || index.range.len() > 1 {
                        left_out.push(format!(
                            "{}.{}: a multi-attribute key, which a NoSQL Workbench model cannot say",
                            layout.name, index.name
                        ));
                        return None;
                    }
                    let mut keys = json!({ "PartitionKey": key(&index.hash[0]) });
                    if let Some(range) = index.range.first() {
                        keys["SortKey"] = key(range);
                    }
                    let projection = match &index.projection {
                        IndexProjection::All => json!({ "ProjectionType": "ALL" }),
                        IndexProjection::KeysOnly => json!({ "ProjectionType": "KEYS_ONLY" }),
                        IndexProjection::Include(names) => {
                            json!({ "ProjectionType": "INCLUDE", "NonKeyAttributes": names })
                        }
                    };
                    Some(json!({ "IndexName": index.name, "KeyAttributes": keys, "Projection": projection }))
                })
                .collect();
            for index in &layout.local {
                left_out.push(format!(
                    "{}.{}: a local index, which a NoSQL Workbench model cannot say",
                    layout.name, index.name
                ));
            }
            for index in &layout.vector {
                left_out.push(format!(
                    "{}.{}: a vector index, which a NoSQL Workbench model cannot say",
                    layout.name, index.name
                ));
            }
            let facets: Vec<Value> = facets
                .iter()
                .map(|(facet, fields)| {
                    let mut alias = json!({ "PartitionKeyAlias": layout.hash.name });
                    if let Some(range) = &layout.range {
                        alias["SortKeyAlias"] = json!(range.name);
                    }
                    let names: Vec<&str> = fields
                        .iter()
                        .map(|f| f.attribute.as_str())
                        .filter(|a| !keys.contains(a))
                        .collect();
                    json!({
                        "FacetName": facet,
                        "KeyAttributeAlias": alias,
                        "TableData": [],
                        "NonKeyAttributes": names,
                        "DataAccess": { "MySql": {} },
                    })
                })
                .collect();
            json!({
                "TableName": layout.name,
                "KeyAttributes": key_attributes,
                "NonKeyAttributes": non_key
                    .iter()
                    .map(|(name, code)| json!({ "AttributeName": name, "AttributeType": code }))
                    .collect::<Vec<_>>(),
                "TableFacets": facets,
                "GlobalSecondaryIndexes": indexes,
                "DataAccess": { "MySql": {} },
                "BillingMode": "PAY_PER_REQUEST",
            })
        })
        .collect();
    let model = json!({
        "ModelName": name,
        "ModelMetadata": {
            "Author": "ddbgen",
            "DateCreated": "Jan 1, 2026, 12:00 AM",
            "DateLastModified": "Jan 1, 2026, 12:00 AM",
            "Description": description,
            "AWSService": "Amazon DynamoDB",
            "Version": "3.0",
        },
        "DataModel": data_model,
    });
    (model, left_out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NwModel {
    data_model: Vec<NwTable>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NwTable {
    table_name: String,
    key_attributes: NwKeys,
    #[serde(default)]
    non_key_attributes: Vec<NwAttribute>,
    #[serde(default)]
    global_secondary_indexes: Vec<NwIndex>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NwKeys {
    partition_key: NwAttribute,
    #[serde(default)]
    sort_key: Option<NwAttribute>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NwAttribute {
    attribute_name: String,
    attribute_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NwIndex {
    index_name: String,
    key_attributes: NwKeys,
    #[serde(default)]
    projection: Option<NwProjection>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct NwProjection {
    projection_type: String,
    #[serde(default)]
    non_key_attributes: Vec<String>,
}

/// The ddbgen type of a model attribute type, and a note when the model cannot say more.
fn field_type(code: &str) -> (&'static str, Option<&'static str>) {
    match code {
        "S" => ("string", None),
        "N" => (
            "decimal",
            Some("a number: exact as a decimal; an integer type is yours to choose"),
        ),
        "B" => ("bytes", None),
        "BOOL" => ("bool", None),
        "SS" => ("set<string>", None),
        "NS" => ("set<decimal>", None),
        "BS" => ("set<bytes>", None),
        "L" => ("list<string>", Some("a list: its element type is a guess")),
        "M" => (
            "map<string, string>",
            Some("a map: its value type is a guess; declare an object type for known fields"),
        ),
        _ => ("string", Some("a type ddbgen does not know: read as a string")),
    }
}

/// A schema from a NoSQL Workbench model's JSON text; `source` names it in the header.
pub fn import(text: &str, source: &str) -> Result<String, String> {
    let model: NwModel =
        serde_json::from_str(text).map_err(|e| format!("{source} is not a NoSQL Workbench model: {e}"))?;
    let mut out = format!(
        "# Imported by `ddbgen import` from {source}, a NoSQL Workbench model: keys and indexes as it\n\
         # declares them; its attribute types say less than a schema, which the comments point out.\n\
         version: 1\ntables:\n"
    );
    let name_of = |attribute: &str| {
        let name = snake(attribute);
        if escape(&name).is_some() {
            name
        } else {
            format!("{name}_field")
        }
    };
    for table in &model.data_model {
        let mut item = table.table_name.to_upper_camel_case();
        if !item.starts_with(|c: char| c.is_ascii_alphabetic()) {
            item = format!("T{item}");
        }
        out.push_str(&format!("  {}:\n", quote(&item)));
        out.push_str(&format!("    table_name: {}\n", quote(&table.table_name)));
        let keys = &table.key_attributes;
        out.push_str(&format!(
            "    hash_key: {}\n",
            name_of(&keys.partition_key.attribute_name)
        ));
        if let Some(sort) = &keys.sort_key {
            out.push_str(&format!("    range_key: {}\n", name_of(&sort.attribute_name)));
        }
        out.push_str("    audit: false\n    fields:\n");
        // Key attributes of the table and its indexes, then the rest; each once.
        let index_keys = table
            .global_secondary_indexes
            .iter()
            .flat_map(|i| std::iter::once(&i.key_attributes.partition_key).chain(&i.key_attributes.sort_key));
        let table_keys: Vec<&str> = std::iter::once(keys.partition_key.attribute_name.as_str())
            .chain(keys.sort_key.as_ref().map(|k| k.attribute_name.as_str()))
            .collect();
        let mut seen = BTreeSet::new();
        let attributes = std::iter::once(&keys.partition_key)
            .chain(&keys.sort_key)
            .chain(index_keys)
            .chain(&table.non_key_attributes);
        for attribute in attributes {
            if !seen.insert(attribute.attribute_name.as_str()) {
                continue;
            }
            let (ty, note) = field_type(&attribute.attribute_type);
            let name = name_of(&attribute.attribute_name);
            let mut props = vec![format!("type: {}", quote(ty))];
            if !table_keys.contains(&attribute.attribute_name.as_str()) {
                props.push("optional: true".to_owned());
            }
            if name != attribute.attribute_name {
                props.push(format!("attribute: {}", quote(&attribute.attribute_name)));
            }
            if let Some(note) = note {
                out.push_str(&format!("      # {}: {note}\n", attribute.attribute_name));
            }
            out.push_str(&format!("      {}: {{ {} }}\n", quote(&name), props.join(", ")));
        }
        if !table.global_secondary_indexes.is_empty() {
            out.push_str("    indexes:\n");
            for index in &table.global_secondary_indexes {
                let mut props = vec![
                    "kind: global".to_owned(),
                    format!(
                        "hash_key: {}",
                        name_of(&index.key_attributes.partition_key.attribute_name)
                    ),
                ];
                if let Some(sort) = &index.key_attributes.sort_key {
                    props.push(format!("range_key: {}", name_of(&sort.attribute_name)));
                }
                match index.projection.as_ref().map(|p| p.projection_type.as_str()) {
                    Some("KEYS_ONLY") => props.push("projection: keys_only".to_owned()),
                    Some("INCLUDE") => {
                        props.push("projection: include".to_owned());
                        let names: Vec<String> = index
                            .projection
                            .iter()
                            .flat_map(|p| &p.non_key_attributes)
                            .map(|n| name_of(n))
                            .collect();
                        props.push(format!("include: [{}]", names.join(", ")));
                    }
                    _ => {}
                }
                out.push_str(&format!(
                    "      {}: {{ {} }}\n",
                    quote(&index.index_name),
                    props.join(", ")
                ));
            }
        }
    }
    Ok(out)
}
