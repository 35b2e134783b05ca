//! Fields: how each is stored, who sets it, which rules it checks and which update operations
//! it allows.

use super::{Codec, CompositeKey, FieldType, KeyType, Literal, Scalar, Span, names};

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
    /// The default as the schema declares it (docs and `diff` show it).
    pub default: Option<Literal>,
    /// The declared default is what `Default::default()` gives for a required field's type
    /// (`0` for an integer, `false`, an empty string), so `Default` can still be derived; see
    /// [`Field::own_default`].
    pub type_default: bool,
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
    /// Whether the value is kept unique across the table, with sentinel items.
    pub unique: bool,
    /// For a `vector<N>` field (a `Vec<f64>` stored as a list of numbers): N.
    pub vector: Option<u32>,
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
            type_default: false,
            rules: Rules::default(),
            check_fn: None,
            updates: Vec::new(),
            doc: None,
            unique: false,
            vector: None,
            origin,
            span,
        })
    }

    /// The value of `New…::default()` when it is not the type's own (`None`: the type's).
    pub fn own_default(&self) -> Option<&Literal> {
        self.default.as_ref().filter(|_| !self.type_default)
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
    /// A vector of exactly this many finite numbers, each within `f32`'s range (how a vector
    /// index stores them).
    pub vector: Option<u32>,
}

impl Rules {
    /// Whether no rule is set.
    pub fn is_empty(&self) -> bool {
        self == &Rules::default()
    }
}
