//! What a generated item type tells about its table.

use crate::codec::AttributeMap;
use crate::error::Error;

/// The DynamoDB type of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    /// String.
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

/// A key attribute: its stored name and type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAttribute {
    /// Stored attribute name.
    pub name: &'static str,
    /// DynamoDB type.
    pub attribute_type: AttributeType,
}

/// Which attributes a secondary index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    /// Every attribute.
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes.
    Include(&'static [&'static str]),
}

/// A secondary index of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpec {
    /// Index name.
    pub name: &'static str,
    /// Global (`true`) or local.
    pub global: bool,
    /// Partition key.
    pub hash_key: KeyAttribute,
    /// Sort key.
    pub range_key: Option<KeyAttribute>,
    /// Projected attributes.
    pub projection: Projection,
}

/// Keys, indexes and TTL of a table, as the schema declares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableSpec {
    /// DynamoDB table name, before any environment prefix.
    pub table_name: &'static str,
    /// Partition key.
    pub hash_key: KeyAttribute,
    /// Sort key.
    pub range_key: Option<KeyAttribute>,
    /// Secondary indexes.
    pub indexes: &'static [IndexSpec],
    /// Attribute that holds the expiry time, if TTL is on.
    pub ttl_attribute: Option<&'static str>,
}

/// A type read from stored items: an item type, or the projection type of an index.
pub trait FromItem: Sized {
    /// Reads a stored item; a mismatch is [`Error::Conversion`] naming the attribute.
    ///
    /// Takes the item by value, as the SDK hands it over, so that strings, lists and maps move
    /// into the result instead of being copied (clone a borrowed item first).
    fn from_item(item: AttributeMap) -> Result<Self, Error>;
}

/// An item type generated for a table.
pub trait Item: FromItem {
    /// The table's keys and indexes.
    const TABLE: &'static TableSpec;

    /// The stored attributes of this item, keys included.
    fn to_item(&self) -> AttributeMap;
}
