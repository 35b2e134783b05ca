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
    /// Partition key attributes, most significant first: one, or up to four for a global
    /// index's multi-attribute key (for a local index: the table's).
    pub hash: Vec<KeyAttribute>,
    /// Sort key attributes, most significant first: none, one, or up to four for a global
    /// index's multi-attribute key.
    pub range: Vec<KeyAttribute>,
    /// Projection.
    pub projection: IndexProjection,
}

/// A vector index as DynamoDB declares it (projection `ALL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorIndexLayout {
    /// Index name.
    pub name: String,
    /// The vector attribute.
    pub attribute: String,
    /// Numbers per vector.
    pub dimensions: u32,
    /// The distance function.
    pub distance: crate::schema::model::VectorDistance,
    /// The `SearchSchema` `HASH` attribute.
    pub hash: Option<KeyAttribute>,
    /// The `SearchSchema` `INLINE_FILTER` attributes.
    pub filters: Vec<KeyAttribute>,
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
    /// Vector indexes, in schema order.
    pub vector: Vec<VectorIndexLayout>,
}

impl TableLayout {
    /// The same table under `prefix` + its name (`dev-books`), as repositories'
    /// `with_table_prefix` name it.
    pub fn with_prefix(mut self, prefix: &str) -> Self {
        self.name = format!("{prefix}{}", self.name);
        self
    }

    /// Every key attribute of the table and its indexes, each once, in order of first use:
    /// DynamoDB's `AttributeDefinitions`.
    pub fn attributes(&self) -> Vec<&KeyAttribute> {
        let mut out: Vec<&KeyAttribute> = Vec::new();
        // A vector index's SearchSchema attributes are declared too.
        let keys = std::iter::once(&self.hash)
            .chain(&self.range)
            .chain(
                self.global
                    .iter()
                    .chain(&self.local)
                    .flat_map(|i| i.hash.iter().chain(&i.range)),
            )
            .chain(self.vector.iter().flat_map(|v| v.hash.iter().chain(&v.filters)));
        for key in keys {
            if !out.iter().any(|k| k.name == key.name) {
                out.push(key);
            }
        }
        out
    }
}

/// The stored attributes of a key: one, or each of a multi-attribute key's.
fn key(table: &Table, key: &KeyAttr) -> Vec<KeyAttribute> {
    let field = |i: usize| {
        let f = &table.fields[i];
        KeyAttribute {
            name: f.attribute.clone(),
            // Lowering refused any key field without a key type.
            key_type: f.key_type.unwrap_or(KeyType::S),
        }
    };
    match key {
        KeyAttr::Field(i) => vec![field(*i)],
        KeyAttr::Fields(parts) => parts.iter().map(|i| field(*i)).collect(),
        KeyAttr::Composite(c) => vec![string_key(&c.attribute)],
    }
}

/// The one attribute of a table's own key (never a multi-attribute key).
fn table_key(table: &Table, attr: &KeyAttr) -> KeyAttribute {
    key(table, attr).swap_remove(0)
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
    let index = |i: &crate::ir::GenericIndex| match &i.typed {
        // A multi-attribute key: the attributes the entities store as typed fields.
        Some(typed) => {
            let mut types = typed.types.iter().copied();
            let mut typed_keys = |names: &[String]| -> Vec<KeyAttribute> {
                names
                    .iter()
                    .map(|name| KeyAttribute {
                        name: name.clone(),
                        key_type: types.next().unwrap_or(KeyType::S),
                    })
                    .collect()
            };
            let hash = typed_keys(&typed.hash);
            IndexLayout {
                name: i.name.clone(),
                hash,
                range: typed_keys(&typed.range),
                projection: IndexProjection::All,
            }
        }
        None => IndexLayout {
            name: i.name.clone(),
            hash: match i.kind {
                IndexKind::Global => vec![string_key(&i.hash_key)],
                IndexKind::Local => vec![hash.clone()],
            },
            range: i.range_key.as_deref().map(string_key).into_iter().collect(),
            projection: IndexProjection::All,
        },
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
        vector: Vec::new(),
    }
}

/// The layout of a plain table, from its key attributes, indexes, vector indexes and TTL.
pub fn of_table(t: &Table) -> TableLayout {
    let hash = table_key(t, &t.hash_key);
    let range = t.range_key.as_ref().map(|r| table_key(t, r));
    let index = |i: &Index| IndexLayout {
        name: i.name.clone(),
        hash: match i.kind {
            IndexKind::Global => key(t, &i.hash_key),
            IndexKind::Local => vec![hash.clone()],
        },
        range: i.range_key.as_ref().map(|r| key(t, r)).unwrap_or_default(),
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
        vector: t
            .vector_indexes
            .iter()
            .map(|v| {
                let field = |i: usize| KeyAttribute {
                    name: t.fields[i].attribute.clone(),
                    // Lowering refused any search schema field without a key type.
                    key_type: t.fields[i].key_type.unwrap_or(KeyType::S),
                };
                VectorIndexLayout {
                    name: v.name.clone(),
                    attribute: t.fields[v.field].attribute.clone(),
                    dimensions: v.dimensions,
                    distance: v.distance,
                    hash: v.hash.map(field),
                    filters: v.filters.iter().copied().map(field).collect(),
                }
            })
            .collect(),
    }
}

/// One layout per DynamoDB table of `model`: its plain tables', then its single tables', in
/// schema order (entities share their single table's).
pub fn layouts(model: &Model) -> Vec<TableLayout> {
    let plain = model.tables.iter().filter(|t| t.entity.is_none()).map(of_table);
    plain.chain(model.single_tables.iter().map(of_single_table)).collect()
}

/// How much a change matters to a deployed table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stored data no longer reads back, or the change cannot be deployed in place.
    Breaking,
    /// Deployable, but stored items may no longer validate, or an index is rebuilt.
    Risky,
    /// Nothing stored is affected.
    Safe,
}

impl Severity {
    /// The word reports print (`breaking`, `risky`, `safe`).
    pub fn word(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Risky => "risky",
            Severity::Safe => "safe",
        }
    }
}

/// One difference between two layouts of a table. `diff` (between two schemas) and `plan`
/// (between the live table and the schema) both find differences with [`changes`] and judge
/// them by [`LayoutChange::severity`] and [`LayoutChange::refusal`], so they cannot disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutChange {
    /// The primary key (attribute names or types) differs.
    Key,
    /// The local secondary indexes differ.
    LocalIndexes,
    /// A global index was added.
    GlobalIndexAdded(String),
    /// A global index was removed.
    GlobalIndexRemoved(String),
    /// A global index keeps its name but not its keys or projection.
    GlobalIndexChanged(String),
    /// TTL turned on, on this attribute.
    TtlOn(String),
    /// TTL turned off (it was on this attribute).
    TtlOff(String),
    /// A vector index was added.
    VectorIndexAdded(String),
    /// A vector index was removed.
    VectorIndexRemoved(String),
    /// A vector index keeps its name but not its vector, distance or search schema.
    VectorIndexChanged(String),
    /// TTL moved from one attribute to another.
    TtlMoved {
        /// The attribute it was on.
        from: String,
        /// The attribute it is on now.
        to: String,
    },
}

impl LayoutChange {
    /// What the change is to a table that holds data.
    pub fn severity(&self) -> Severity {
        match self {
            // Stored items are not found, or `apply` cannot make the change in place.
            LayoutChange::Key | LayoutChange::LocalIndexes | LayoutChange::TtlMoved { .. } => Severity::Breaking,
            // An index is deleted or rebuilt; items whose new TTL attribute holds a past time expire.
            LayoutChange::GlobalIndexRemoved(_)
            | LayoutChange::GlobalIndexChanged(_)
            | LayoutChange::VectorIndexRemoved(_)
            | LayoutChange::VectorIndexChanged(_)
            | LayoutChange::TtlOn(_) => Severity::Risky,
            LayoutChange::GlobalIndexAdded(_) | LayoutChange::VectorIndexAdded(_) | LayoutChange::TtlOff(_) => {
                Severity::Safe
            }
        }
    }

    /// Why `apply` will not make the change, or `None` when it will.
    pub fn refusal(&self) -> Option<&'static str> {
        match self {
            LayoutChange::Key => {
                Some("a key cannot change once the table exists (create a new table and copy the items)")
            }
            LayoutChange::LocalIndexes => Some("local secondary indexes can only be set when a table is created"),
            LayoutChange::TtlMoved { .. } => Some(
                "DynamoDB moves TTL in two steps an hour apart: turn it off, wait an hour (DynamoDB's rule), and apply again",
            ),
            _ => None,
        }
    }
}

/// The attribute names and types of a key, for comparing keys.
fn key_of(layout: &TableLayout) -> (&KeyAttribute, Option<&KeyAttribute>) {
    (&layout.hash, layout.range.as_ref())
}

/// Whether two indexes have the same keys and projection (included attributes in any order).
fn same_index(a: &IndexLayout, b: &IndexLayout) -> bool {
    let projection = |p: &IndexProjection| match p {
        IndexProjection::Include(names) => {
            let mut names = names.clone();
            names.sort();
            IndexProjection::Include(names)
        }
        other => other.clone(),
    };
    a.hash == b.hash && a.range == b.range && projection(&a.projection) == projection(&b.projection)
}

/// Every difference from layout `from` to layout `to`, compared as typed values: the key,
/// the local indexes, each global index by name (removals before additions), and TTL.
pub fn changes(from: &TableLayout, to: &TableLayout) -> Vec<LayoutChange> {
    let mut out = Vec::new();
    if key_of(from) != key_of(to) {
        out.push(LayoutChange::Key);
    }
    let local_same = from.local.len() == to.local.len()
        && to
            .local
            .iter()
            .all(|t| from.local.iter().any(|f| f.name == t.name && same_index(f, t)));
    if !local_same {
        out.push(LayoutChange::LocalIndexes);
    }
    for index in &from.global {
        match to.global.iter().find(|i| i.name == index.name) {
            None => out.push(LayoutChange::GlobalIndexRemoved(index.name.clone())),
            Some(other) if !same_index(index, other) => out.push(LayoutChange::GlobalIndexChanged(index.name.clone())),
            Some(_) => {}
        }
    }
    for index in &to.global {
        if !from.global.iter().any(|i| i.name == index.name) {
            out.push(LayoutChange::GlobalIndexAdded(index.name.clone()));
        }
    }
    let same_vector = |a: &VectorIndexLayout, b: &VectorIndexLayout| {
        fn sorted(v: &VectorIndexLayout) -> Vec<(&str, KeyType)> {
            let mut filters: Vec<(&str, KeyType)> = v.filters.iter().map(|k| (k.name.as_str(), k.key_type)).collect();
            filters.sort_unstable_by_key(|(name, _)| *name);
            filters
        }
        a.attribute == b.attribute
            && a.dimensions == b.dimensions
            && a.distance == b.distance
            && a.hash == b.hash
            && sorted(a) == sorted(b)
    };
    for index in &from.vector {
        match to.vector.iter().find(|i| i.name == index.name) {
            None => out.push(LayoutChange::VectorIndexRemoved(index.name.clone())),
            Some(other) if !same_vector(index, other) => out.push(LayoutChange::VectorIndexChanged(index.name.clone())),
            Some(_) => {}
        }
    }
    for index in &to.vector {
        if !from.vector.iter().any(|i| i.name == index.name) {
            out.push(LayoutChange::VectorIndexAdded(index.name.clone()));
        }
    }
    match (&from.ttl, &to.ttl) {
        (None, Some(b)) => out.push(LayoutChange::TtlOn(b.clone())),
        (Some(a), None) => out.push(LayoutChange::TtlOff(a.clone())),
        (Some(a), Some(b)) if a != b => out.push(LayoutChange::TtlMoved {
            from: a.clone(),
            to: b.clone(),
        }),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> KeyAttribute {
        KeyAttribute {
            name: name.to_owned(),
            key_type: KeyType::S,
        }
    }

    fn index(name: &str, hash: &str) -> IndexLayout {
        IndexLayout {
            name: name.to_owned(),
            hash: vec![key(hash)],
            range: Vec::new(),
            projection: IndexProjection::Include(vec!["b".into(), "a".into()]),
        }
    }

    fn layout() -> TableLayout {
        TableLayout {
            item: "T".into(),
            name: "t".into(),
            hash: key("id"),
            range: None,
            global: vec![index("by_a", "a")],
            local: Vec::new(),
            ttl: None,
            vector: Vec::new(),
        }
    }

    #[test]
    fn changes_are_found_as_typed_values_and_judged_by_one_rule() {
        let live = layout();
        assert_eq!(changes(&live, &live), []);
        let mut desired = layout();
        desired.global = vec![
            IndexLayout {
                projection: IndexProjection::Include(vec!["a".into(), "b".into()]),
                ..index("by_a", "a")
            },
            index("by_c", "c"),
        ];
        desired.ttl = Some("expires".into());
        assert_eq!(
            changes(&live, &desired),
            [
                LayoutChange::GlobalIndexAdded("by_c".into()),
                LayoutChange::TtlOn("expires".into())
            ],
            "include lists compare as sets"
        );
        desired.global = vec![index("by_a", "z")];
        assert_eq!(
            changes(&live, &desired)[0],
            LayoutChange::GlobalIndexChanged("by_a".into())
        );
        desired.hash = key("other");
        desired.ttl = None;
        let mut moved = layout();
        moved.ttl = Some("old".into());
        let mut to = moved.clone();
        to.ttl = Some("new".into());
        let ttl = changes(&moved, &to);
        assert_eq!(
            ttl,
            [LayoutChange::TtlMoved {
                from: "old".into(),
                to: "new".into()
            }]
        );
        // What `plan` refuses, `diff` calls breaking; what `plan` does, it does not.
        for change in changes(&live, &desired).iter().chain(&ttl) {
            assert_eq!(
                change.refusal().is_some(),
                change.severity() == Severity::Breaking,
                "{change:?}"
            );
        }
        assert_eq!(changes(&live, &desired)[0], LayoutChange::Key);
    }
}
