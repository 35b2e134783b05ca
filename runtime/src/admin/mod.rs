//! Tables as DynamoDB holds them: create one from its layout, read a live one back
//! (DescribeTable, DescribeTimeToLive), and apply the steps that bring it to another layout.
//! Which steps a difference needs, and which differences are refused, is decided by the
//! generator's one rule table (`ddbgen`'s `ir::layout::changes`, which `diff` uses too); keys are
//! never changed and tables never deleted. `Table::create_table` and `ddbgen plan`/`apply`
//! share this code.

mod live;

pub use live::{apply, create, delete, describe};

use crate::item::{AttributeType, Projection, TableSpec, VectorDistance};

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
    /// Partition key attributes, most significant first: one, or up to four for a global
    /// index's multi-attribute key (for a local index, the table's).
    pub hash: Vec<KeyLayout>,
    /// Sort key attributes, most significant first: none, one, or up to four.
    pub range: Vec<KeyLayout>,
    /// What it holds.
    pub projection: ProjectionLayout,
}

/// A vector index (it holds every attribute).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VectorIndexLayout {
    /// Index name.
    pub name: String,
    /// The vector attribute.
    pub attribute: String,
    /// Numbers per vector.
    pub dimensions: u32,
    /// The distance function.
    pub distance: VectorDistance,
    /// The `SearchSchema` `HASH` attribute, if any.
    pub hash: Option<KeyLayout>,
    /// The `SearchSchema` `INLINE_FILTER` attributes (compared as a set).
    pub filters: Vec<KeyLayout>,
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
///     unique: &[],
///     vector_indexes: &[],
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
    /// Vector indexes.
    pub vector: Vec<VectorIndexLayout>,
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
            hash: i.hash_key.iter().copied().map(key).collect(),
            range: i.range_key.iter().copied().map(key).collect(),
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
                    hash: vec![key(spec.hash_key)],
                    ..index(i)
                })
                .collect(),
            ttl: spec.ttl_attribute.map(str::to_owned),
            vector: spec
                .vector_indexes
                .iter()
                .map(|v| VectorIndexLayout {
                    name: v.name.to_owned(),
                    attribute: v.attribute.to_owned(),
                    dimensions: v.dimensions,
                    distance: v.distance,
                    hash: v.hash_key.map(key),
                    filters: v.filters.iter().copied().map(key).collect(),
                })
                .collect(),
        }
    }

    /// Every key attribute of the table and its indexes, each once.
    fn attributes(&self) -> Vec<&KeyLayout> {
        let mut out: Vec<&KeyLayout> = Vec::new();
        // A vector index's SearchSchema attributes are declared too (DynamoDB wants them).
        let all = std::iter::once(&self.hash)
            .chain(&self.range)
            .chain(
                self.global
                    .iter()
                    .chain(&self.local)
                    .flat_map(|i| i.hash.iter().chain(&i.range)),
            )
            .chain(self.vector.iter().flat_map(|v| v.hash.iter().chain(&v.filters)));
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

    fn vector_index(&self, name: &str) -> Option<&VectorIndexLayout> {
        self.vector.iter().find(|i| i.name == name)
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
    /// Delete this global index (its keys or projection changed), wait until it is gone, then
    /// create it as the schema declares it and wait until it is built: queries through it fail
    /// meanwhile, which is why `ddbgen apply` asks first.
    RecreateIndex(String),
    /// Create this vector index and wait until it is active (built from the stored items).
    AddVectorIndex(String),
    /// Delete this vector index and wait until it is gone.
    RemoveVectorIndex(String),
    /// Delete this vector index (its attribute, dimensions, distance or search schema
    /// changed), then create it as the schema declares it: searches through it fail meanwhile.
    RecreateVectorIndex(String),
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
            Change::RecreateIndex(name) => write!(
                f,
                "recreate global index `{name}` (its keys or projection changed; it is unavailable until rebuilt)"
            ),
            Change::AddVectorIndex(name) => write!(f, "add vector index `{name}`"),
            Change::RemoveVectorIndex(name) => write!(f, "remove vector index `{name}`"),
            Change::RecreateVectorIndex(name) => write!(
                f,
                "recreate vector index `{name}` (its vector, distance or search schema changed; it is unavailable until rebuilt)"
            ),
            Change::EnableTtl(attribute) => write!(f, "turn TTL on, on attribute `{attribute}`"),
            Change::DisableTtl(attribute) => write!(f, "turn TTL off (attribute `{attribute}`)"),
            Change::Refused(why) => write!(f, "refused: {why}"),
        }
    }
}
