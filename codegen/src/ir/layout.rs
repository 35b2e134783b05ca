//! The physical table, described once: what DynamoDB needs to know of each table (its name, key
//! schema with the stored type of every key attribute, secondary indexes with their projections,
//! and TTL). Lowering builds one [`TableLayout`] per table and single table (`Table::layout`,
//! `SingleTable::layout`); the Rust emitter prints it as the runtime's `TableSpec`, `export`
//! as CloudFormation or Terraform, and `plan` and `apply` compare it with live tables.

use super::{Index, IndexKind, KeyAttr, KeyType, Model, ProjectionKind, SingleTable, Table};

/// A key attribute: its stored name and DynamoDB type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttribute {
    /// Stored attribute name.
    pub name: String,
    /// `S`, `N` or `B`.
    pub key_type: KeyType,
}

/// What an index holds besides the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexProjection {
    /// Every attribute.
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes.
    Include(Vec<String>),
}

/// A secondary index as DynamoDB declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLayout {
    /// Index name.
    pub name: String,
    /// Partition key (for a local index: the table's).
    pub hash: KeyAttribute,
    /// Sort key.
    pub range: Option<KeyAttribute>,
    /// Projection.
    pub projection: IndexProjection,
}

/// A table as DynamoDB declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableLayout {
    /// The schema's name of the table (`Book`).
    pub item: String,
    /// DynamoDB table name, before any prefix.
    pub name: String,
    /// Partition key.
    pub hash: KeyAttribute,
    /// Sort key.
    pub range: Option<KeyAttribute>,
    /// Global secondary indexes, in schema order.
    pub global: Vec<IndexLayout>,
    /// Local secondary indexes, in schema order.
    pub local: Vec<IndexLayout>,
    /// The TTL attribute.
    pub ttl: Option<String>,
}

impl TableLayout {
    /// Every key attribute of the table and its indexes, each once, in order of first use:
    /// DynamoDB's `AttributeDefinitions`.
    pub fn attributes(&self) -> Vec<&KeyAttribute> {
        let mut out: Vec<&KeyAttribute> = Vec::new();
        let keys = std::iter::once(&self.hash).chain(&self.range).chain(
            self.global
                .iter()
                .chain(&self.local)
                .flat_map(|i| std::iter::once(&i.hash).chain(&i.range)),
        );
        for key in keys {
            if !out.iter().any(|k| k.name == key.name) {
                out.push(key);
            }
        }
        out
    }
}

fn key(table: &Table, key: &KeyAttr) -> KeyAttribute {
    match key {
        KeyAttr::Field(i) => {
            let f = &table.fields[*i];
            KeyAttribute {
                name: f.attribute.clone(),
                // Lowering refused any key field without a key type.
                key_type: f.key_type.unwrap_or(KeyType::S),
            }
        }
        KeyAttr::Composite(c) => string_key(&c.attribute),
    }
}

/// A key attribute that holds encoded text.
fn string_key(name: &str) -> KeyAttribute {
    KeyAttribute {
        name: name.to_owned(),
        key_type: KeyType::S,
    }
}

/// The layout of a single table: generic string keys, indexes of whole items.
fn of_single_table(t: &SingleTable) -> TableLayout {
    let hash = string_key(&t.hash_key);
    let index = |i: &crate::ir::GenericIndex| IndexLayout {
        name: i.name.clone(),
        hash: match i.kind {
            IndexKind::Global => string_key(&i.hash_key),
            IndexKind::Local => hash.clone(),
        },
        range: i.range_key.as_deref().map(string_key),
        projection: IndexProjection::All,
    };
    let of = |kind: IndexKind| t.indexes.iter().filter(|i| i.kind == kind).map(index).collect();
    TableLayout {
        item: t.name.clone(),
        name: t.table_name.clone(),
        hash: hash.clone(),
        range: t.range_key.as_deref().map(string_key),
        global: of(IndexKind::Global),
        local: of(IndexKind::Local),
        ttl: t.ttl.clone(),
    }
}

/// The layout of a table, from its key attributes, indexes and TTL.
fn of_table(t: &Table) -> TableLayout {
    let hash = key(t, &t.hash_key);
    let range = t.range_key.as_ref().map(|r| key(t, r));
    let index = |i: &Index| IndexLayout {
        name: i.name.clone(),
        hash: match i.kind {
            IndexKind::Global => key(t, &i.hash_key),
            IndexKind::Local => hash.clone(),
        },
        range: i.range_key.as_ref().map(|r| key(t, r)),
        projection: match i.projection {
            ProjectionKind::All => IndexProjection::All,
            ProjectionKind::KeysOnly => IndexProjection::KeysOnly,
            ProjectionKind::Include => {
                IndexProjection::Include(i.include.iter().map(|f| t.fields[*f].attribute.clone()).collect())
            }
        },
    };
    TableLayout {
        item: t.names.item.clone(),
        name: t.table_name.clone(),
        hash: hash.clone(),
        range,
        global: t
            .indexes
            .iter()
            .filter(|i| i.kind == IndexKind::Global)
            .map(index)
            .collect(),
        local: t
            .indexes
            .iter()
            .filter(|i| i.kind == IndexKind::Local)
            .map(index)
            .collect(),
        ttl: t.ttl_attribute(),
    }
}

/// One layout per DynamoDB table of `model`: its plain tables', then its single tables', in
/// schema order (entities share their single table's).
pub fn layouts(model: &Model) -> Vec<TableLayout> {
    let plain = model.tables.iter().filter(|t| t.entity.is_none()).map(of_table);
    plain.chain(model.single_tables.iter().map(of_single_table)).collect()
}
