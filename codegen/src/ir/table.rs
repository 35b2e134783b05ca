//! Tables: their names, keys (a field, or a composite of constants and fields), indexes,
//! entities of single tables, and collections.

use super::{
    AccessPattern, Field, FieldOrigin, FieldType, IndexKind, KeyType, Projection, ProjectionKind, QueryPlan, Scalar,
    Span,
};

/// The Rust names generated for one table, all registered in the table module's scope.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableNames {
    /// Module (`book`, `r#type` for a keyword).
    pub module: String,
    /// Item type (`Book`).
    pub item: String,
    /// Creation input (`NewBook`).
    pub new_item: String,
    /// Primary key type (`BookKey`).
    pub key: String,
    /// Repository (`BookRepository`, an alias of `ddbgen_runtime::Repository<Book>`).
    pub repository: String,
    /// The typed reads the repository dereferences to (`BookReads`): queries and access
    /// patterns.
    pub reads: String,
    /// Update builder (`BookUpdate`).
    pub update: String,
    /// A partial change as a request body carries it (`BookPatch`), applied by the update
    /// builder: only when the schema asks for it (`patch: true`), emitted with serde derives.
    pub patch: Option<String>,
    /// Field handles for typed conditions and filters (`BookFields`).
    pub fields: String,
    /// The decoded stream record (`BookChange`).
    pub change: String,
}

impl TableNames {
    /// The module as a segment of an intra-doc link: rustdoc resolves `super::match::Match`,
    /// but not the raw identifier `r#match` that Rust code uses.
    pub fn doc_module(&self) -> &str {
        self.module.trim_start_matches("r#")
    }
}

/// A vector index of a plain table: DynamoDB's `VectorIndex` (projection `ALL`), searched
/// with `SearchVectors` through the generated `search_<index>` method.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorIndex {
    /// Index name, as in DynamoDB.
    pub name: String,
    /// The `vector<N>` field searched (an index into the table's fields).
    pub field: usize,
    /// N.
    pub dimensions: u32,
    /// The distance function.
    pub distance: crate::schema::model::VectorDistance,
    /// The field every search names a value of (`SearchSchema` `HASH`).
    pub hash: Option<usize>,
    /// The fields a search may filter on (`SearchSchema` `INLINE_FILTER`).
    pub filters: Vec<usize>,
    /// The generated method (`search_by_blurb`), given by planning.
    pub method: String,
    /// What a search returns of an item (`PassageByMeaningHit`: every field but the vector,
    /// which DynamoDB leaves out of search results), given by planning.
    pub hit: Option<super::Projection>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where the index is declared.
    pub span: Span,
}

/// One table and its generated module.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Generated Rust names.
    pub names: TableNames,
    /// DynamoDB table name (`books`).
    pub table_name: String,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// Whether the schema asks for a patch type (`patch: true`).
    pub patch: bool,
    /// All fields, including managed ones (generated id, audit columns, version).
    pub fields: Vec<Field>,
    /// The hash key.
    pub hash_key: KeyAttr,
    /// The sort key, if any.
    pub range_key: Option<KeyAttr>,
    /// Secondary indexes.
    pub indexes: Vec<Index>,
    /// Vector indexes.
    pub vector_indexes: Vec<VectorIndex>,
    /// Index into `fields` of the TTL field.
    pub ttl: Option<usize>,
    /// The repository's queries: the table's own first, then one per index, in order.
    pub queries: Vec<QueryPlan>,
    /// Partial types declared under `projections:`, read with `select::<T>()`.
    pub projections: Vec<Projection>,
    /// The schema's access patterns, each proven served by a query (or declared a scan).
    pub access_patterns: Vec<AccessPattern>,
    /// Fields that conditions and filters can test (indexes into `fields`): every stored
    /// field but the primary key's attributes, each a method of the field handles type.
    pub condition_fields: Vec<usize>,
    /// Set for an entity of a single table: what marks its items, and its table's module.
    pub entity: Option<EntityOf>,
    /// Where the table is declared (its key under `tables:`, or under `entities:`).
    pub span: Span,
}

impl Table {
    /// The attribute DynamoDB expires items by, when the table (or entity) has a TTL field.
    pub fn ttl_attribute(&self) -> Option<String> {
        self.ttl.map(|i| self.fields[i].attribute.clone())
    }

    /// The attributes a partial read of `fields` requests (`Selection::ATTRIBUTES`): theirs,
    /// and an entity's discriminator, which its decoder checks first.
    pub fn selection_attributes<'a>(&'a self, fields: impl IntoIterator<Item = &'a Field>) -> Vec<&'a str> {
        let discriminator = self.entity.as_ref().map(|e| e.discriminator.as_str());
        fields
            .into_iter()
            .map(|f| f.attribute.as_str())
            .chain(discriminator)
            .collect()
    }

    /// Indexes into `fields` of the primary key, in order (hash key, then range key fields),
    /// each once.
    pub fn key_field_indexes(&self) -> Vec<usize> {
        let mut fields = self.hash_key.fields();
        for i in self.range_key.iter().flat_map(KeyAttr::fields) {
            if !fields.contains(&i) {
                fields.push(i);
            }
        }
        fields
    }

    /// Every composite attribute the item stores: the sort key's, and for an entity its key
    /// and index templates, each once.
    pub fn composites(&self) -> Vec<&CompositeKey> {
        let keys = [Some(&self.hash_key), self.range_key.as_ref()];
        let indexes = self
            .indexes
            .iter()
            .flat_map(|i| [Some(&i.hash_key), i.range_key.as_ref()]);
        let mut out: Vec<&CompositeKey> = Vec::new();
        for c in keys.into_iter().chain(indexes).flatten().filter_map(KeyAttr::composite) {
            if !out.iter().any(|o| o.attribute == c.attribute) {
                out.push(c);
            }
        }
        out
    }

    /// The fields that make up the primary key, in order (hash key, then range key fields).
    pub fn key_fields(&self) -> Vec<&Field> {
        self.key_field_indexes().into_iter().map(|i| &self.fields[i]).collect()
    }

    /// Whether the key type derives `Eq` and `Hash` (into a `HashSet`, as a `HashMap` key): every
    /// key field but a float can. A table keyed by an `f64` keeps `PartialEq` only.
    pub fn key_hashable(&self) -> bool {
        self.key_fields().iter().all(|f| f.ty != FieldType::Scalar(Scalar::F64))
    }

    /// The field with the given role.
    pub fn managed(&self, origin: FieldOrigin) -> Option<&Field> {
        self.fields.iter().find(|f| f.origin == origin)
    }
}

/// How a stored key attribute (of the table or an index) gets its value.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyAttr {
    /// One field (index into the table's fields), stored under its own attribute.
    Field(usize),
    /// An attribute of its own, encoded from constants and fields: a composite sort key, or
    /// an entity's key template.
    Composite(CompositeKey),
    /// Two to four fields, most significant first, each stored under its own attribute with
    /// its own type: a global index's multi-attribute key (DynamoDB, November 2025).
    Fields(Vec<usize>),
}

impl KeyAttr {
    /// The stored attributes, most significant first: one, except for a multi-attribute key.
    pub fn attributes<'a>(&'a self, fields: &'a [Field]) -> Vec<&'a str> {
        match self {
            KeyAttr::Field(i) => vec![fields[*i].attribute.as_str()],
            KeyAttr::Composite(c) => vec![c.attribute.as_str()],
            KeyAttr::Fields(parts) => parts.iter().map(|i| fields[*i].attribute.as_str()).collect(),
        }
    }

    /// The stored attribute of a single-attribute key; `None` for a multi-attribute key.
    pub fn attribute<'a>(&'a self, fields: &'a [Field]) -> Option<&'a str> {
        match self {
            KeyAttr::Field(i) => Some(&fields[*i].attribute),
            KeyAttr::Composite(c) => Some(&c.attribute),
            KeyAttr::Fields(_) => None,
        }
    }

    /// The fields the value is made of, in order (indexes into the table's fields).
    pub fn fields(&self) -> Vec<usize> {
        match self {
            KeyAttr::Field(i) => vec![*i],
            KeyAttr::Composite(c) => c.parts(),
            KeyAttr::Fields(parts) => parts.clone(),
        }
    }

    /// How the schema describes it: `` `publisher` `` for a field, `` `sk` = `ORDER#{id}` `` for a
    /// composite, `` [`tenant`, `region`] `` for a multi-attribute key.
    pub fn describe(&self, fields: &[Field]) -> String {
        match self {
            KeyAttr::Field(i) => format!("`{}`", fields[*i].name),
            KeyAttr::Composite(c) => format!("`{}` = `{}`", c.attribute, c.template(fields)),
            KeyAttr::Fields(parts) => {
                let names: Vec<String> = parts.iter().map(|i| format!("`{}`", fields[*i].name)).collect();
                format!("[{}]", names.join(", "))
            }
        }
    }

    /// The composite, if the attribute is one.
    pub fn composite(&self) -> Option<&CompositeKey> {
        match self {
            KeyAttr::Composite(c) => Some(c),
            KeyAttr::Field(_) | KeyAttr::Fields(_) => None,
        }
    }

    /// Whether it is a multi-attribute key.
    pub fn is_multi_attribute(&self) -> bool {
        matches!(self, KeyAttr::Fields(_))
    }
}

/// A key attribute encoded from segments joined by a separator, so that string order equals
/// the order of its parts: `published_year#isbn`, or an entity's `ORDER#{placed_on}#{order_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompositeKey {
    /// The stored attribute.
    pub attribute: String,
    /// Constants and fields, most significant first.
    pub segments: Vec<Segment>,
    /// Separator between encoded segments.
    pub separator: String,
    /// The key type's associated function that encodes it from its parts (`encode_sort_key`).
    pub encoder: String,
    /// Written as an entity's template (`{field}` placeholders), not as a list of parts.
    pub template: bool,
    /// Where the key is declared.
    pub span: Span,
}

impl CompositeKey {
    /// The fields among the segments, in order (indexes into the table's fields).
    pub fn parts(&self) -> Vec<usize> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Field(i) => Some(*i),
                Segment::Const(_) => None,
            })
            .collect()
    }

    /// The constants before the first field.
    pub fn leading(&self) -> Vec<String> {
        self.segments
            .iter()
            .map_while(|s| match s {
                Segment::Const(c) => Some(c.clone()),
                Segment::Field(_) => None,
            })
            .collect()
    }

    /// The constants right after the `k`-th field, up to the next field.
    pub fn after_part(&self, k: usize) -> Vec<String> {
        let Some(start) = self
            .segments
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s, Segment::Field(_)))
            .nth(k)
            .map(|(n, _)| n + 1)
        else {
            return Vec::new();
        };
        self.segments[start..]
            .iter()
            .map_while(|s| match s {
                Segment::Const(c) => Some(c.clone()),
                Segment::Field(_) => None,
            })
            .collect()
    }

    /// The template as the schema writes it, for messages and docs: `ORDER#{placed_on}` for
    /// an entity's, `published_year#isbn` for a composite of fields only.
    pub fn template(&self, fields: &[Field]) -> String {
        let braces = self.template;
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Const(c) => c.clone(),
                Segment::Field(i) if braces => format!("{{{}}}", fields[*i].name),
                Segment::Field(i) => fields[*i].name.clone(),
            })
            .collect::<Vec<_>>()
            .join(&self.separator)
    }
}

/// One segment of a composite key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A constant, stored as it is.
    Const(String),
    /// A field (index into the table's fields), in its order-preserving encoding.
    Field(usize),
}

/// What makes a table an entity of a single table.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityOf {
    /// The module of the single table (`shop`), which holds its `TABLE` spec.
    pub table_module: String,
    /// The discriminator attribute (`entity`).
    pub discriminator: String,
    /// The value stored in it for this entity (`Customer`).
    pub value: String,
}

/// A DynamoDB table that holds several entities, each an IR [`Table`] of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct SingleTable {
    /// The type name in the schema (`Shop`).
    pub name: String,
    /// The generated module (`shop`).
    pub module: String,
    /// The repository of whole-table reads: collections, scan, create (`ShopRepository`).
    pub repository: String,
    /// The enum of every entity (`ShopItem`), read by scans and change streams.
    pub item: String,
    /// The decoded stream record (`ShopChange`).
    pub change: String,
    /// DynamoDB table name.
    pub table_name: String,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// The hash key attribute (`pk`).
    pub hash_key: String,
    /// The sort key attribute (`sk`).
    pub range_key: Option<String>,
    /// Secondary indexes: name, kind, hash and sort key attributes.
    pub indexes: Vec<GenericIndex>,
    /// The discriminator attribute.
    pub discriminator: String,
    /// The entities (indexes into the model's tables), in schema order.
    pub entities: Vec<usize>,
    /// The entities' type names, in the same order.
    pub entity_names: Vec<String>,
    /// Queries that read several entities of one partition at once.
    pub collections: Vec<Collection>,
    /// TTL attribute, when an entity declares one.
    pub ttl: Option<String>,
    /// Where the table is declared.
    pub span: Span,
}

/// A secondary index of a single table: generic attributes that entities fill from templates.
#[derive(Debug, Clone, PartialEq)]
pub struct GenericIndex {
    /// Index name.
    pub name: String,
    /// Global or local.
    pub kind: IndexKind,
    /// Hash key attribute (the first, for a multi-attribute key).
    pub hash_key: String,
    /// Sort key attribute (the first, for a multi-attribute key).
    pub range_key: Option<String>,
    /// A multi-attribute key (`hash_key: [tenant, region]`): attributes the entities store as
    /// their own typed fields, with no template; `None` for generic template attributes.
    pub typed: Option<TypedKey>,
}

/// The attributes of a single table's multi-attribute index key, each stored by the entities
/// in the index as a field of that attribute, all of one key type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedKey {
    /// Partition attributes, most significant first.
    pub hash: Vec<String>,
    /// Sort attributes, most significant first.
    pub range: Vec<String>,
    /// The key type of each attribute (hash, then range), as the entities' fields store it.
    pub types: Vec<KeyType>,
}

/// A query over one partition that returns every entity of a set, as an enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// The enum (`CustomerWithOrders`).
    pub name: String,
    /// The repository method (`customer_with_orders`).
    pub method: String,
    /// Documentation.
    pub doc: Option<String>,
    /// The index read; `None` for the table.
    pub index: Option<String>,
    /// The member entities (positions in the single table's `entities`).
    pub members: Vec<usize>,
    /// The partition's hash key as the first member stores it (its field indexes are the first
    /// member's): a template every member shares (`Composite`), or the fields of a
    /// multi-attribute index key (`Field`/`Fields`), which every member stores with one type.
    /// The method's parameters are its fields.
    pub hash: KeyAttr,
    /// Where the collection is declared.
    pub span: Span,
}

/// A secondary index.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Index name, as in DynamoDB.
    pub name: String,
    /// Global or local.
    pub kind: IndexKind,
    /// The index's hash key.
    pub hash_key: KeyAttr,
    /// The index's sort key.
    pub range_key: Option<KeyAttr>,
    /// Projection.
    pub projection: ProjectionKind,
    /// With `include`: the non-key fields projected.
    pub include: Vec<usize>,
    /// The type read from an index that does not hold whole items.
    pub projection_type: Option<Projection>,
    /// Where the index is declared.
    pub span: Span,
}
