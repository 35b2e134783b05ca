//! The checked, emit-ready model: what the emitters read.
//!
//! Everything here has passed every rule of the generator ([`lower`]): names are valid Rust
//! and DynamoDB names, key fields have key types, defaults satisfy their rules. The IR does no
//! I/O; it can be built by hand for emitter tests.

pub mod lower;
pub mod types;

pub use lower::lower;
pub use types::{FieldType, IntType, Scalar};

pub use crate::schema::model::{DateTimeFormat, IndexKind, ProjectionKind};

/// Everything generated from a set of schema files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Model {
    /// Tables, in schema order.
    pub tables: Vec<Table>,
    /// Named types (enums and nested objects), in schema order.
    pub types: Vec<NamedType>,
}

impl Model {
    /// The named type called `name`.
    pub fn named(&self, name: &str) -> Option<&NamedType> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// One table and its generated module.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Rust type name of an item (`Book`).
    pub name: String,
    /// Module name (`book`).
    pub module: String,
    /// DynamoDB table name (`books`).
    pub table_name: String,
    /// Documentation from the schema.
    pub doc: Option<String>,
    /// All fields, including managed ones (generated id, audit columns, version).
    pub fields: Vec<Field>,
    /// Index into `fields` of the hash key.
    pub hash_key: usize,
    /// The sort key, if any.
    pub range_key: Option<RangeKey>,
    /// Secondary indexes.
    pub indexes: Vec<Index>,
    /// Index into `fields` of the TTL field.
    pub ttl: Option<usize>,
}

impl Table {
    /// The hash key field.
    pub fn hash_field(&self) -> &Field {
        &self.fields[self.hash_key]
    }

    /// The fields that make up the primary key, in order (hash key, then range key fields).
    pub fn key_fields(&self) -> Vec<&Field> {
        let mut fields = vec![self.hash_field()];
        match &self.range_key {
            Some(RangeKey::Field(i)) => fields.push(&self.fields[*i]),
            Some(RangeKey::Composite(c)) => fields.extend(c.parts.iter().map(|i| &self.fields[*i])),
            None => {}
        }
        fields
    }

    /// The field with the given role.
    pub fn managed(&self, origin: FieldOrigin) -> Option<&Field> {
        self.fields.iter().find(|f| f.origin == origin)
    }
}

/// The sort key of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum RangeKey {
    /// One field (index into the table's fields) is the sort key.
    Field(usize),
    /// A composite sort key.
    Composite(CompositeKey),
}

/// A sort key encoded from several fields.
#[derive(Debug, Clone, PartialEq)]
pub struct CompositeKey {
    /// The stored attribute.
    pub attribute: String,
    /// Indexes into the table's fields, most significant first.
    pub parts: Vec<usize>,
    /// Separator between encoded parts.
    pub separator: String,
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
}

/// One field of a table or nested type.
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
    /// Absent attribute is `None`.
    pub optional: bool,
    /// `None` is stored as NULL rather than left out.
    pub nullable: bool,
    /// Value of `New…::default()`.
    pub default: Option<DefaultValue>,
    /// Validation rules.
    pub rules: Rules,
    /// Documentation.
    pub doc: Option<String>,
    /// Declared or managed.
    pub origin: FieldOrigin,
}

/// A literal default, checked against the field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    /// A string literal.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An integer, within its type's range.
    Int(i128),
    /// A float.
    Float(f64),
    /// A decimal as exact text (`"0.10"`).
    Decimal(String),
    /// A variant of an enum, by stored name.
    EnumVariant(String),
}

/// Validation rules of a field, checked against its type.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    /// Smallest allowed value, as exact number text.
    pub min: Option<String>,
    /// Largest allowed value, as exact number text.
    pub max: Option<String>,
    /// Smallest allowed length.
    pub min_length: Option<u64>,
    /// Largest allowed length.
    pub max_length: Option<u64>,
    /// Regular expression the string must match.
    pub pattern: Option<String>,
    /// The only allowed values.
    pub one_of: Vec<DefaultValue>,
    /// Must not be empty.
    pub non_empty: bool,
    /// Path of a user function.
    pub custom: Option<String>,
    /// A composite key part may not contain this separator.
    pub forbid_separator: Option<String>,
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
    /// Hash key field (index into the table's fields).
    pub hash_key: usize,
    /// Sort key field.
    pub range_key: Option<usize>,
    /// Projection.
    pub projection: ProjectionKind,
    /// With `include`: the non-key fields projected.
    pub include: Vec<usize>,
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
}

/// What a named type is.
#[derive(Debug, Clone, PartialEq)]
pub enum NamedKind {
    /// A string enum: stored names, in order.
    Enum(Vec<String>),
    /// A nested object, stored as a map.
    Object(Vec<Field>),
}
