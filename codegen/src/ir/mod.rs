//! The checked, emit-ready model: what the emitters read, and all they read.
//!
//! Lowering ([`lower()`]) decides everything here once: every generated Rust name (registered per
//! scope in [`names`], so a clash is a schema error and never broken Rust), how each field is
//! stored ([`Codec`], [`KeyType`]), what a type refers to ([`FieldType::Enum`],
//! [`FieldType::Object`], and where recursion needs a `Box`), exact rule bounds
//! ([`Literal`]), which update operations each field allows ([`UpdateOp`]), which fields each
//! index holds ([`Projection`]) and how each query narrows ([`QueryPlan`]). Emitters only print
//! it: they never look a name up again, never choose an encoding, never re-check a rule.
//!
//! Every node a later check may complain about carries a [`Span`] into its YAML file. The IR
//! does no I/O, and can be built by hand for emitter tests.

pub mod layout;
pub mod lower;
mod methods;
pub mod names;
pub mod types;

pub use lower::lower;
pub use types::{Codec, FieldType, IntType, KeyType, Literal, Scalar};

pub use crate::diagnostic::Pos as Span;
pub use crate::schema::model::{DateTimeFormat, IndexKind, ProjectionKind};

/// Everything generated from one schema file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    /// Tables, in schema order.
    pub tables: Vec<Table>,
    /// Named types (enums and nested objects), in schema order.
    pub types: Vec<NamedType>,
    /// Tables that hold several entities; their entities are in `tables`.
    pub single_tables: Vec<SingleTable>,
    /// The physical tables, one per DynamoDB table (`layout::layouts`): what every back end
    /// (the Rust emitter, docs, export, diff, plan) reads of keys, indexes and TTL.
    pub layouts: Vec<layout::TableLayout>,
}

impl Model {
    /// The physical layout of DynamoDB table `table_name`.
    pub fn layout(&self, table_name: &str) -> Option<&layout::TableLayout> {
        self.layouts.iter().find(|l| l.name == table_name)
    }
}

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

/// One table and its generated module.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Generated Rust names.
    pub names: TableNames,
    /// DynamoDB table name (`books`).
    pub table_name: String,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// All fields, including managed ones (generated id, audit columns, version).
    pub fields: Vec<Field>,
    /// The hash key.
    pub hash_key: KeyAttr,
    /// The sort key, if any.
    pub range_key: Option<KeyAttr>,
    /// Secondary indexes.
    pub indexes: Vec<Index>,
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
}

impl KeyAttr {
    /// The stored attribute.
    pub fn attribute<'a>(&'a self, fields: &'a [Field]) -> &'a str {
        match self {
            KeyAttr::Field(i) => &fields[*i].attribute,
            KeyAttr::Composite(c) => &c.attribute,
        }
    }

    /// The fields the value is made of, in order (indexes into the table's fields).
    pub fn fields(&self) -> Vec<usize> {
        match self {
            KeyAttr::Field(i) => vec![*i],
            KeyAttr::Composite(c) => c.parts(),
        }
    }

    /// How the schema describes it: `` `publisher` `` for a field, `` `sk` = `ORDER#{id}` `` for a
    /// composite.
    pub fn describe(&self, fields: &[Field]) -> String {
        match self {
            KeyAttr::Field(i) => format!("`{}`", fields[*i].name),
            KeyAttr::Composite(c) => format!("`{}` = `{}`", c.attribute, c.template(fields)),
        }
    }

    /// The composite, if the attribute is one.
    pub fn composite(&self) -> Option<&CompositeKey> {
        match self {
            KeyAttr::Field(_) => None,
            KeyAttr::Composite(c) => Some(c),
        }
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
    /// Hash key attribute.
    pub hash_key: String,
    /// Sort key attribute.
    pub range_key: Option<String>,
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
    /// The partition's hash-key template, as the first member stores it (its field indexes
    /// are the first member's): the method's parameters are its fields. Every member's
    /// template is the same.
    pub hash: CompositeKey,
    /// Where the collection is declared.
    pub span: Span,
}

/// Where a field comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldOrigin {
    /// Declared under `fields:`.
    Declared,
    /// The default `id: uuid` hash key, generated on create.
    GeneratedId,
    /// The `created` audit column.
    Created,
    /// The `updated` audit column.
    Updated,
    /// The optimistic-locking counter.
    Version,
    /// Not a field of the item: the stored composite sort key, read by projection types.
    CompositeKey,
}

/// One field of a table, nested type or projection.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name in the schema, also the serde name.
    pub name: String,
    /// Rust identifier (`r#type` for keywords).
    pub ident: String,
    /// Stored attribute name.
    pub attribute: String,
    /// The type, without optionality.
    pub ty: FieldType,
    /// How the value is stored, used by items, keys, queries and updates alike.
    pub codec: Codec,
    /// The DynamoDB key type of this field's stored value, `None` for types that cannot be keys.
    pub key_type: Option<KeyType>,
    /// The value is held in a `Box`: its type contains the type that holds it (recursion).
    pub boxed: bool,
    /// The value holds a nested object (in a list or map, perhaps) whose rules can fail, so
    /// checking the field descends into the object's `Validate`. Lowering starts from "holds
    /// an object" and clears it where no object type reachable from the field has a rule.
    pub nested_checks: bool,
    /// Absent attribute is `None`.
    pub optional: bool,
    /// `None` is stored as NULL rather than left out.
    pub nullable: bool,
    /// Value of `New…::default()`.
    pub default: Option<Literal>,
    /// Validation rules.
    pub rules: Rules,
    /// Name of the private function that checks `rules` for a table field
    /// (`check_title`), when the field has rules.
    pub check_fn: Option<String>,
    /// The update builder's operations on this field, with their method names (empty for key
    /// and managed fields).
    pub updates: Vec<UpdateMethod>,
    /// Documentation.
    pub doc: Option<String>,
    /// Declared or managed.
    pub origin: FieldOrigin,
    /// Where the field is declared (for managed fields: the table key that asks for them).
    pub span: Span,
}

impl Field {
    /// A required field with no rules, default or doc, stored under its own name, its
    /// identifier escaped as lowering escapes it (`None` where Rust allows no identifier, such
    /// as `self`). Lowering and hand-built IR (emitter tests) start from this.
    pub fn new(name: &str, ty: FieldType, codec: Codec, origin: FieldOrigin, span: Span) -> Option<Self> {
        Some(Field {
            name: name.to_owned(),
            ident: names::escape(&names::snake(name))?,
            attribute: name.to_owned(),
            key_type: KeyType::of(&ty, codec),
            nested_checks: ty.contains_object(),
            ty,
            codec,
            boxed: false,
            optional: false,
            nullable: false,
            default: None,
            rules: Rules::default(),
            check_fn: None,
            updates: Vec::new(),
            doc: None,
            origin,
            span,
        })
    }

    /// The identifier without `r#`, for building other names (`set_type`).
    pub fn bare_ident(&self) -> &str {
        self.ident.trim_start_matches("r#")
    }

    /// The stem of names built from the field (`set_{stem}`, `{stem}_between`): the bare
    /// identifier without leading or trailing underscores, which would make `set__private`
    /// and `crate__between`.
    pub fn method_stem(&self) -> &str {
        self.bare_ident().trim_matches('_')
    }

    /// Whether the field has any rule to check (validation rules, or a descent into a nested
    /// object that may have its own).
    pub fn has_checks(&self) -> bool {
        self.has_own_checks() || self.nested_checks
    }

    /// Whether the field's own value has a rule to check (its declared rules; an `f64` must
    /// also be finite), leaving nested objects aside.
    pub fn has_own_checks(&self) -> bool {
        !self.rules.is_empty() || self.ty == FieldType::Scalar(Scalar::F64)
    }
}

/// An operation of the update builder on one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateOp {
    /// `SET f = :v`, checked against the field's rules.
    Set,
    /// `REMOVE f` (optional fields).
    Remove,
    /// `SET f = NULL` (optional, nullable fields).
    SetNull,
    /// `ADD f :n` on a number: only when no rule could be broken by the sum.
    Add,
    /// `ADD f :set` on a set: only without `max_length` or `custom`.
    AddToSet,
    /// `DELETE f :set` on a set: only without `min_length`, `non_empty` or `custom`.
    DeleteFromSet,
    /// `SET f = list_append(f, :l)`: only without `max_length` or `custom`.
    Append,
}

/// An update operation and the name of its method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateMethod {
    /// What it does.
    pub op: UpdateOp,
    /// The setter's name (`set_title`, `add_copies_sold`).
    pub method: String,
    /// The composite attributes (an entity's index templates) the setter re-encodes from the
    /// new value and the key's fields, so that they never go stale.
    pub rewrites: Vec<CompositeKey>,
}

/// Validation rules of a field, checked against its type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    /// Smallest allowed value: a literal of the field's number type, exact.
    pub min: Option<Literal>,
    /// Largest allowed value.
    pub max: Option<Literal>,
    /// Smallest allowed length.
    pub min_length: Option<u64>,
    /// Largest allowed length.
    pub max_length: Option<u64>,
    /// Regular expression the string must match.
    pub pattern: Option<String>,
    /// The only allowed values.
    pub one_of: Vec<Literal>,
    /// Must not be empty.
    pub non_empty: bool,
    /// Path of a user function.
    pub custom: Option<String>,
    /// A date or time composite key part must have a four-digit year to sort correctly.
    pub four_digit_year: bool,
}

impl Rules {
    /// Whether no rule is set.
    pub fn is_empty(&self) -> bool {
        self == &Rules::default()
    }
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

/// A declared read of the application, and the query that serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessPattern {
    /// The repository method (the pattern's name).
    pub method: String,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// The query serving it (index into the table's queries); `None` for a declared scan.
    pub query: Option<usize>,
    /// The given fields in the order the query takes them (hash key, then sort-key parts),
    /// each with its parameter name.
    pub given: Vec<(usize, String)>,
    /// How many of `given` the query method takes (the hash key's fields: one, or an entity
    /// template's, none for a constant partition); the rest narrow its levels.
    pub hash_params: usize,
    /// The range condition: its kind, the level method that applies it, and its parameter
    /// names (`low`/`high` for between, one otherwise).
    pub comparison: Option<PatternComparison>,
    /// Reads in descending sort-key order.
    pub reverse: bool,
    /// Where the pattern is declared.
    pub span: Span,
}

/// The range condition of an access pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct PatternComparison {
    /// The condition.
    pub kind: Comparison,
    /// The sort-key part it applies to (index into the table's fields).
    pub part: usize,
    /// The query level method (`published_year_between`).
    pub method: String,
    /// The parameter names (two for between).
    pub params: Vec<String>,
}

/// The generated type of what a `keys_only` or `include` index holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Type name (`BookByEmail`).
    pub name: String,
    /// The table's key attributes, the index's keys and the included fields, each once.
    pub fields: Vec<Field>,
}

/// One query method of a repository: which key it takes and how its sort key narrows.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryPlan {
    /// The repository method (`query`, `query_by_title`).
    pub method: String,
    /// The index read, as an index into the table's indexes; `None` for the table.
    pub index: Option<usize>,
    /// The hash key, whose fields are the method's parameters.
    pub hash: KeyAttr,
    /// The type items are read as: the table's item type or the index's projection type.
    pub item: String,
    /// How the sort key narrows; `None` when there is no sort key (the method returns a query).
    pub sort: Option<SortPlan>,
}

/// The sort key of a query and its levels of narrowing.
#[derive(Debug, Clone, PartialEq)]
pub struct SortPlan {
    /// The stored sort-key attribute.
    pub attribute: String,
    /// The composite separator; `None` for a single-field sort key.
    pub separator: Option<String>,
    /// The constants of a composite before its first field: every key of the query starts
    /// with them (an entity's `ORDER`).
    pub leading: Vec<String>,
    /// One level per part (one for a single field): level `k` has parts `..k` fixed.
    pub levels: Vec<QueryLevel>,
}

/// One level of narrowing: a generated struct with a method per way to narrow further.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryLevel {
    /// The struct (`BookQuery`, `BookQueryPublishedYear`).
    pub type_name: String,
    /// The part narrowed at this level (index into the table's fields).
    pub part: usize,
    /// The equality method (`published_year`).
    pub eq_method: String,
    /// Range methods on the part, with their names; empty past the first composite part.
    pub comparisons: Vec<(Comparison, String)>,
    /// The constants of a composite right after this part.
    pub trailing: Vec<String>,
    /// The field whose `ne` filter an `lt` on this part adds (`Some(part)`), when the key
    /// condition's upper bound includes one key too many: that of a template with leading
    /// constants that ends with this part, whose `lt` reads from the constants up to and
    /// including the key of `value` itself.
    pub lt_filter: Option<usize>,
}

/// A range condition on a sort-key part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// From `low` to `high`, both included.
    Between,
    /// Greater than.
    Gt,
    /// At least.
    Ge,
    /// Less than.
    Lt,
    /// At most.
    Le,
    /// Starts with (string sort keys).
    BeginsWith,
}

impl Comparison {
    /// The method-name suffix (`between`).
    pub fn suffix(self) -> &'static str {
        match self {
            Comparison::Between => "between",
            Comparison::Gt => "gt",
            Comparison::Ge => "ge",
            Comparison::Lt => "lt",
            Comparison::Le => "le",
            Comparison::BeginsWith => "begins_with",
        }
    }
}

/// A named type shared by tables.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedType {
    /// Rust type name.
    pub name: String,
    /// Documentation.
    pub doc: Option<String>,
    /// Enum or object.
    pub kind: NamedKind,
    /// Where the type is declared.
    pub span: Span,
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum NamedKind {
    /// A string enum: its values, in order.
    Enum(Vec<EnumVariant>),
    /// A nested object, stored as a map.
    Object(Vec<Field>),
}

/// One value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The stored string.
    pub value: String,
    /// The Rust variant (given in the schema, or derived from the value).
    pub ident: String,
    /// Where the value is declared.
    pub span: Span,
}
