//! The serde model of the YAML format, version 1.
//!
//! These structs mirror the YAML one to one and carry no meaning of their own: the checks that
//! turn them into something emit-ready live in [`crate::ir`]. The same structs derive
//! [`schemars::JsonSchema`], so `ddbgen schema` prints a JSON Schema whose descriptions are the
//! doc comments below.

use indexmap::IndexMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A ddbgen schema file: the DynamoDB tables of one application and the types they share.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "ddbgen schema")]
pub struct Document {
    /// Version of the YAML format. Only `1` exists.
    pub version: u32,
    /// The tables, by Rust type name (`Book` generates module `book`).
    #[serde(default)]
    pub tables: IndexMap<String, TableDef>,
    /// Named types shared by tables: nested objects (stored as maps) and string enums.
    #[serde(default)]
    pub types: IndexMap<String, TypeDef>,
}

/// One DynamoDB table.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    /// DynamoDB table name. Default: the snake_case of the type name.
    #[serde(default)]
    pub table_name: Option<String>,
    /// Documentation, copied onto the generated item type.
    #[serde(default)]
    pub doc: Option<String>,
    /// The field that is the partition (hash) key. Omitted: a field `id` of type `uuid`,
    /// generated on create.
    #[serde(default)]
    pub hash_key: Option<String>,
    /// The sort (range) key: one field, or a composite of parts. Only when one hash key holds
    /// many items.
    #[serde(default)]
    pub range_key: Option<RangeKeyDef>,
    /// The attributes of an item, by Rust field name. A table with `entities:` declares its
    /// fields per entity instead.
    #[serde(default)]
    pub fields: IndexMap<String, FieldDef>,
    /// Secondary indexes, by name.
    #[serde(default)]
    pub indexes: IndexMap<String, IndexDef>,
    /// Vector indexes, by name (at most 5): similarity search over a `vector<N>` field.
    #[serde(default)]
    pub vector_indexes: IndexMap<String, VectorIndexDef>,
    /// Audit columns `created` and `updated`: `true` (default), `false`, or their names.
    #[serde(default)]
    pub audit: Option<AuditDef>,
    /// Name of an optional optimistic-locking counter field (u64, managed by ddbgen).
    #[serde(default)]
    pub version: Option<String>,
    /// Field holding the item's expiry time (DynamoDB TTL); a `datetime` with
    /// `format: epoch_seconds`.
    #[serde(default)]
    pub ttl: Option<String>,
    /// The reads the application makes, by method name: each is proven to be served by the
    /// table's key or an index (or declared a scan), and becomes a repository method.
    #[serde(default)]
    pub access_patterns: IndexMap<String, AccessPatternDef>,
    /// Also generate `BookPatch`, a partial change as an HTTP `PATCH` body carries it (JSON Merge
    /// Patch, RFC 7396), applied with `BookUpdate::apply`. Default `false`: only services that
    /// take such bodies need it, and its serde derives cost every build compile time.
    #[serde(default)]
    pub patch: bool,
    /// Partial types, by type name: the fields a read selects
    /// (`query(..).select::<BookSummary>()` reads only these attributes).
    #[serde(default)]
    pub projections: IndexMap<String, Vec<String>>,
    /// Single-table design: the entities stored in this table, by Rust type name. With
    /// entities, `hash_key`, `range_key` and the indexes' keys name generic string attributes
    /// (`pk`, `sk`, `gsi1pk`) that each entity fills from its `keys:` templates.
    #[serde(default)]
    pub entities: IndexMap<String, EntityDef>,
    /// With `entities:`, the attribute that stores each item's entity name, so that a read
    /// never takes one entity for another. Default `entity`.
    #[serde(default)]
    pub discriminator: Option<String>,
    /// With `entities:`, queries that read several entities of one partition at once, by the
    /// name of the generated enum.
    #[serde(default)]
    pub collections: IndexMap<String, CollectionDef>,
}

/// One entity of a single table: its own fields, validation, audit and version, and the
/// templates that build the table's key attributes.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntityDef {
    /// Documentation, copied onto the generated item type.
    #[serde(default)]
    pub doc: Option<String>,
    /// The templates of the key attributes, by attribute: every key attribute of the table,
    /// and both keys of each index the entity is in. Segments are separated by `#`; each is a
    /// constant (`CUSTOMER`) or one field in braces (`{customer_id}`), encoded in the order-
    /// preserving part encoding of composite keys: `ORDER#{placed_on}#{order_id}`.
    pub keys: IndexMap<String, String>,
    /// The attributes of the entity, by Rust field name.
    pub fields: IndexMap<String, FieldDef>,
    /// Audit columns `created` and `updated`: `true` (default), `false`, or their names.
    #[serde(default)]
    pub audit: Option<AuditDef>,
    /// Name of an optional optimistic-locking counter field (u64, managed by ddbgen).
    #[serde(default)]
    pub version: Option<String>,
    /// Field holding the entity's expiry time (DynamoDB TTL); a `datetime` with
    /// `format: epoch_seconds`. A table has one TTL attribute: every entity that expires
    /// stores its TTL field under that attribute, and no other entity may store it.
    #[serde(default)]
    pub ttl: Option<String>,
    /// Partial types of the entity, by type name: each lists the fields it reads
    /// (`query(..).select::<OrderSummary>()` reads only these attributes, its keys and the
    /// discriminator).
    #[serde(default)]
    pub projections: IndexMap<String, Vec<String>>,
    /// The reads the application makes of this entity, by method name: each is proven to be
    /// served by the table's key or an index the entity fills, and becomes a method of the
    /// entity's repository.
    #[serde(default)]
    pub access_patterns: IndexMap<String, AccessPatternDef>,
    /// Also generate `OrderPatch`, a partial change as an HTTP `PATCH` body carries it (JSON Merge
    /// Patch, RFC 7396), applied with `OrderUpdate::apply`. Default `false`: only services that
    /// take such bodies need it, and its serde derives cost every build compile time.
    #[serde(default)]
    pub patch: bool,
}

/// A query over one partition that returns the items of several entities as one enum.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectionDef {
    /// Documentation, copied onto the generated enum and method.
    #[serde(default)]
    pub doc: Option<String>,
    /// The entities returned, each a variant. They share the partition: the same hash-key
    /// template on the key read.
    pub entities: Vec<String>,
    /// The index read; omitted, the table.
    #[serde(default)]
    pub index: Option<String>,
}

/// One read the application makes: which key fields it is given, how it narrows the sort key,
/// and in which order it reads.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessPatternDef {
    /// Documentation, copied onto the generated method.
    #[serde(default)]
    pub doc: Option<String>,
    /// The fields the read is given, each compared for equality: a hash key, then (in any
    /// order) leading parts of the sort key.
    #[serde(default)]
    pub given: Vec<String>,
    /// A range condition on the sort-key field after the given ones.
    #[serde(default)]
    pub sort: Option<PatternSortDef>,
    /// `asc` (default) or `desc` sort-key order.
    #[serde(default)]
    pub order: Option<PatternOrder>,
    /// The read is a scan of the whole table; it is given nothing.
    #[serde(default)]
    pub scan: bool,
}

/// A range condition of an access pattern.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternSortDef {
    /// The sort-key field.
    pub field: String,
    /// `between`, `gt`, `ge`, `lt`, `le` or `begins_with` (string sort keys).
    pub condition: PatternCondition,
}

/// The range conditions an access pattern may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatternCondition {
    /// From a low to a high value, both included.
    Between,
    /// Greater than.
    Gt,
    /// At least.
    Ge,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// Starts with.
    BeginsWith,
}

/// Sort-key order of an access pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PatternOrder {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// The sort key: a field name, or a composite of parts.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RangeKeyDef {
    /// One field is the sort key.
    Field(String),
    /// A composite key stored in its own attribute, encoded so that string order equals the
    /// natural order of the parts.
    Composite(CompositeRangeKeyDef),
}

/// A composite sort key, such as `published_year#isbn`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompositeRangeKeyDef {
    /// Name of the stored sort-key attribute.
    pub attribute: String,
    /// The fields it is built from, most significant first. `begins_with` finds any prefix.
    pub parts: Vec<String>,
    /// Separator between encoded parts. Default `#`.
    #[serde(default)]
    pub separator: Option<String>,
}

/// One field of a table or a nested type.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// The type: `string`, `bool`, `i8`…`i64`, `u8`…`u64`, `f64`, `decimal`, `uuid`,
    /// `datetime`, `date`, `bytes`, `set<string|integer|decimal|bytes>`, `list<T>`,
    /// `map<string, T>`, `vector<N>` (N numbers, 1 to 4096, for a vector index), or the name of
    /// an entry of `types:`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Documentation, copied onto the generated field.
    #[serde(default)]
    pub doc: Option<String>,
    /// An absent attribute is `None` (never stored as NULL, unless `nullable`).
    #[serde(default)]
    pub optional: bool,
    /// With `optional: true`: store `None` as NULL instead of leaving the attribute out (for
    /// tables shared with tools that expect NULL).
    #[serde(default)]
    pub nullable: bool,
    /// Value used by `New…::default()`. Decimals are written as strings, to stay exact.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_json::Value>,
    /// Validation rules, checked before every write.
    #[serde(default)]
    pub validate: Option<RulesDef>,
    /// Stored attribute name, when it differs from the field name.
    #[serde(default)]
    pub attribute: Option<String>,
    /// Encoding of a `datetime`: `rfc3339` (default), `epoch_seconds` or `epoch_millis`.
    #[serde(default)]
    pub format: Option<DateTimeFormat>,
    /// Keeps the value unique across the table (a field of a plain table that is not part of
    /// its key: string, uuid, integer, date or enum), with a sentinel item written in the same
    /// transaction as every write that sets, changes or removes it. An optional field's absent
    /// value is exempt.
    #[serde(default)]
    pub unique: bool,
}

/// How a `datetime` is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateTimeFormat {
    /// A fixed-width RFC 3339 string in UTC (`2024-01-31T09:30:00.000000Z`), sortable.
    Rfc3339,
    /// Whole seconds since the Unix epoch, as a number.
    EpochSeconds,
    /// Milliseconds since the Unix epoch, as a number.
    EpochMillis,
}

/// Validation rules of a field.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesDef {
    /// Smallest allowed number.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Number>")]
    pub min: Option<serde_json::Value>,
    /// Largest allowed number.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Number>")]
    pub max: Option<serde_json::Value>,
    /// Shortest allowed length (characters of a string, elements of a collection).
    #[serde(default)]
    pub min_length: Option<u64>,
    /// Longest allowed length (characters of a string, elements of a collection).
    #[serde(default)]
    pub max_length: Option<u64>,
    /// A regular expression (Rust `regex` syntax) the string must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// The only allowed values.
    #[serde(default)]
    pub one_of: Option<Vec<serde_json::Value>>,
    /// The string or collection may not be empty.
    #[serde(default)]
    pub non_empty: bool,
    /// Path of a user function `fn(&T) -> Result<(), String>`.
    #[serde(default)]
    pub custom: Option<String>,
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexDef {
    /// `global` (own hash key) or `local` (the table's hash key, another sort key).
    pub kind: IndexKind,
    /// Hash key of a global index: a field, or a list of 1 to 4 fields for a multi-attribute
    /// key (each stored under its own attribute, with its own type).
    #[serde(default)]
    pub hash_key: Option<IndexKeyDef>,
    /// Sort key of the index: a field, or for a global index a list of 1 to 4 fields for a
    /// multi-attribute key.
    #[serde(default)]
    pub range_key: Option<IndexKeyDef>,
    /// Which attributes the index holds: `all` (default), `keys_only`, or `include`.
    #[serde(default)]
    pub projection: Option<ProjectionKind>,
    /// With `projection: include`, the non-key fields the index holds.
    #[serde(default)]
    pub include: Vec<String>,
}

/// The key of an index: one field (`hash_key: title`), or several, each stored as its own
/// attribute (`hash_key: [tenant, region]`): a multi-attribute key, global indexes only.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum IndexKeyDef {
    /// One field.
    One(String),
    /// 1 to 4 fields, most significant first.
    Several(Vec<String>),
}

impl IndexKeyDef {
    /// The field names, most significant first.
    pub fn names(&self) -> &[String] {
        match self {
            IndexKeyDef::One(name) => std::slice::from_ref(name),
            IndexKeyDef::Several(names) => names,
        }
    }

    /// The one field of a single-attribute key, or `None` for a list.
    pub fn single(&self) -> Option<&str> {
        match self {
            IndexKeyDef::One(name) => Some(name),
            IndexKeyDef::Several(_) => None,
        }
    }
}

/// The kind of a secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndexKind {
    /// A global secondary index.
    Global,
    /// A local secondary index.
    Local,
}

/// A vector index: DynamoDB's `VectorIndex`, searched with `SearchVectors`. It holds every
/// attribute of the items (projection `ALL`).
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VectorIndexDef {
    /// The `vector<N>` field searched; its dimensions are the index's.
    pub attribute: String,
    /// How similarity is measured: `cosine`, `euclidean` or `dot_product`.
    pub distance: VectorDistance,
    /// A field whose value every search names (`SearchSchema` `HASH`): searches stay within one
    /// value, as a query stays within one partition. A string, number or bytes field.
    #[serde(default)]
    pub hash_key: Option<String>,
    /// Fields a search may filter on with typed conditions (`SearchSchema` `INLINE_FILTER`):
    /// string, number or bytes fields.
    #[serde(default)]
    pub filters: Vec<String>,
    /// Documentation, copied onto the generated search method.
    #[serde(default)]
    pub doc: Option<String>,
}

/// The distance function of a vector index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VectorDistance {
    /// Cosine similarity (`COSINE`).
    Cosine,
    /// Euclidean distance (`EUCLIDEAN`).
    Euclidean,
    /// Dot product (`DOT_PRODUCT`).
    DotProduct,
}

impl VectorDistance {
    /// DynamoDB's name (`COSINE`).
    pub fn dynamo_name(self) -> &'static str {
        match self {
            VectorDistance::Cosine => "COSINE",
            VectorDistance::Euclidean => "EUCLIDEAN",
            VectorDistance::DotProduct => "DOT_PRODUCT",
        }
    }
}

/// The projection of a secondary index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionKind {
    /// Every attribute.
    All,
    /// Only the key attributes of the table and the index.
    KeysOnly,
    /// The keys and the fields listed under `include`.
    Include,
}

/// Audit columns: on or off, or their names.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AuditDef {
    /// `true` for `created` and `updated`, `false` for none.
    Enabled(bool),
    /// Custom names of the two columns.
    Named(AuditNamesDef),
}

/// Custom names of the audit columns.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditNamesDef {
    /// Name of the creation-time field. Default `created`.
    #[serde(default)]
    pub created: Option<String>,
    /// Name of the last-write-time field. Default `updated`.
    #[serde(default)]
    pub updated: Option<String>,
}

/// A named type: a nested object (`fields:`) or a string enum (`enum:`), exactly one of them.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// The stored values of a string enum, in order. Each is a string (its Rust variant is
    /// derived: `out_of_print` → `OutOfPrint`, `2nd-edition` → `V2ndEdition`) or
    /// `{ value, name }` to name the variant.
    #[serde(default, rename = "enum")]
    pub variants: Option<Vec<EnumValueDef>>,
    /// The fields of a nested object, by Rust field name.
    #[serde(default)]
    pub fields: Option<IndexMap<String, FieldDef>>,
    /// Documentation, copied onto the generated type.
    #[serde(default)]
    pub doc: Option<String>,
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnumValueDef {
    /// The stored string; the Rust variant is derived from it.
    Value(String),
    /// The stored string with the Rust variant's name.
    Named(NamedEnumValueDef),
}

impl EnumValueDef {
    /// The stored string.
    pub fn value(&self) -> &str {
        match self {
            EnumValueDef::Value(value) => value,
            EnumValueDef::Named(named) => &named.value,
        }
    }
}

/// An enum value with the name of its Rust variant.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedEnumValueDef {
    /// The stored string: any string DynamoDB can store.
    pub value: String,
    /// The Rust variant, UpperCamelCase (`SecondEdition`).
    pub name: String,
}
