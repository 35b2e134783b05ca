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

mod field;
pub mod layout;
pub mod lower;
mod methods;
pub mod names;
mod query;
mod table;
pub mod types;

pub use field::{Field, FieldOrigin, Rules, UpdateMethod, UpdateOp};
pub use lower::lower;
pub use query::{AccessPattern, Comparison, PatternComparison, Projection, QueryLevel, QueryPlan, SortPlan};
pub use table::{
    Collection, CompositeKey, EntityOf, GenericIndex, Index, KeyAttr, Segment, SingleTable, Table, TableNames,
    TypedKey, VectorIndex,
};
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
