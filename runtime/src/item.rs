//! What a generated item type tells about its table.

use crate::codec::{AttributeMap, DecodeError, StoredMap, WireMap};
use crate::error::Error;
use aws_sdk_dynamodb::types::AttributeValue;

/// The DynamoDB type of a key attribute.
///
/// ```
/// use ddbgen_runtime::{AttributeType, KeyAttribute};
///
/// let key = KeyAttribute { name: "publisher", attribute_type: AttributeType::S };
/// assert_eq!(key.attribute_type, AttributeType::S);
/// ```
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
///
/// ```
/// use ddbgen_runtime::{AttributeType, KeyAttribute};
///
/// let hash = KeyAttribute { name: "id", attribute_type: AttributeType::S };
/// assert_eq!(hash.name, "id");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyAttribute {
    /// Stored attribute name.
    pub name: &'static str,
    /// DynamoDB type.
    pub attribute_type: AttributeType,
}

impl KeyAttribute {
    /// A string key attribute.
    pub const fn s(name: &'static str) -> Self {
        Self {
            name,
            attribute_type: AttributeType::S,
        }
    }

    /// A number key attribute.
    pub const fn n(name: &'static str) -> Self {
        Self {
            name,
            attribute_type: AttributeType::N,
        }
    }

    /// A binary key attribute.
    pub const fn b(name: &'static str) -> Self {
        Self {
            name,
            attribute_type: AttributeType::B,
        }
    }
}

/// Which attributes a secondary index holds.
///
/// ```
/// use ddbgen_runtime::Projection;
///
/// let projection = Projection::Include(&["title", "price"]);
/// assert_ne!(projection, Projection::All);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projection {
    /// Every attribute.
    All,
    /// The keys only.
    KeysOnly,
    /// The keys and these attributes.
    Include(&'static [&'static str]),
}

/// A secondary index of a table. A global index's partition and sort keys may each be made
/// of up to four attributes (a multi-attribute key), each of its own type.
///
/// ```
/// use ddbgen_runtime::{AttributeType, IndexSpec, KeyAttribute, Projection};
///
/// let by_title = IndexSpec {
///     name: "by_title",
///     global: true,
///     hash_key: &[KeyAttribute { name: "title", attribute_type: AttributeType::S }],
///     range_key: &[],
///     projection: Projection::KeysOnly,
/// };
/// const BY_REGION: IndexSpec = IndexSpec {
///     name: "by_region",
///     global: true,
///     hash_key: &[KeyAttribute::s("tenant"), KeyAttribute::s("region")],
///     range_key: &[KeyAttribute::s("status"), KeyAttribute::n("placed_at")],
///     projection: Projection::All,
/// };
/// assert!(by_title.global && BY_REGION.hash_key.len() == 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexSpec {
    /// Index name.
    pub name: &'static str,
    /// Global (`true`) or local.
    pub global: bool,
    /// Partition key attributes, most significant first (one, or up to four).
    pub hash_key: &'static [KeyAttribute],
    /// Sort key attributes, most significant first (none, one, or up to four).
    pub range_key: &'static [KeyAttribute],
    /// Projected attributes.
    pub projection: Projection,
}

/// Keys, indexes and TTL of a table, as the schema declares them.
///
/// ```
/// use ddbgen_runtime::{AttributeType, KeyAttribute, TableSpec};
///
/// const BOOKS: TableSpec = TableSpec {
///     range_key: Some(KeyAttribute { name: "year_isbn", attribute_type: AttributeType::S }),
///     ..TableSpec::new("books", KeyAttribute::s("publisher"))
/// };
/// assert_eq!((BOOKS.table_name, BOOKS.ttl_attribute), ("books", None));
/// ```
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
    /// Fields whose values are kept unique across the table, with sentinel items.
    pub unique: &'static [UniqueValue],
    /// Vector indexes, searched with `SearchVectors`.
    pub vector_indexes: &'static [VectorIndexSpec],
}

impl TableSpec {
    /// A table keyed by `hash_key` alone, with no index, TTL or unique value; generated code
    /// sets the rest with struct update syntax.
    pub const fn new(table_name: &'static str, hash_key: KeyAttribute) -> Self {
        Self {
            table_name,
            hash_key,
            range_key: None,
            indexes: &[],
            ttl_attribute: None,
            unique: &[],
            vector_indexes: &[],
        }
    }
}

/// A vector index: similarity search over a vector attribute (a list of numbers), holding
/// every attribute of the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VectorIndexSpec {
    /// Index name.
    pub name: &'static str,
    /// The vector attribute.
    pub attribute: &'static str,
    /// How many numbers each vector holds.
    pub dimensions: u32,
    /// How similarity is measured.
    pub distance: VectorDistance,
    /// The attribute every search names a value of (`SearchSchema` `HASH`), if any.
    pub hash_key: Option<KeyAttribute>,
    /// The attributes a search may filter on (`SearchSchema` `INLINE_FILTER`).
    pub filters: &'static [KeyAttribute],
}

/// The distance function of a vector index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorDistance {
    /// `COSINE`.
    Cosine,
    /// `EUCLIDEAN`.
    Euclidean,
    /// `DOT_PRODUCT`.
    DotProduct,
}

impl VectorDistance {
    /// DynamoDB's name (`COSINE`).
    pub fn as_str(self) -> &'static str {
        match self {
            VectorDistance::Cosine => "COSINE",
            VectorDistance::Euclidean => "EUCLIDEAN",
            VectorDistance::DotProduct => "DOT_PRODUCT",
        }
    }
}

/// A field whose value is unique across its table: every write that sets, changes or
/// removes it also writes, moves or deletes a sentinel item keyed by the value, in the same
/// transaction (see `docs/failure-semantics.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueValue {
    /// The field, as the schema names it (what [`ErrorKind::UniqueViolation`](crate::ErrorKind::UniqueViolation) reports).
    pub field: &'static str,
    /// The stored attribute.
    pub attribute: &'static str,
}

/// A type read from stored items: an item type, or the projection type of an index.
/// Generated types get it from [`Decode`]; a hand-written type can implement either.
///
/// ```
/// use ddbgen_runtime::{AttributeMap, Error, FromItem};
///
/// /// A hand-written reader.
/// struct Title(String);
///
/// impl FromItem for Title {
///     fn from_item(mut item: AttributeMap) -> Result<Self, Error> {
///         let value = item.remove("title");
///         ddbgen_runtime::Native.field(value, "title").map(Title).map_err(|e| e.in_table("books"))
///     }
/// }
///
/// let mut item = AttributeMap::new();
/// item.insert("title".into(), ddbgen_runtime::AttributeValue::S("Dune".into()));
/// assert_eq!(Title::from_item(item).unwrap().0, "Dune");
/// ```
pub trait FromItem: Sized {
    /// Reads a stored item; a mismatch is [`ErrorKind::Conversion`](crate::ErrorKind::Conversion) naming the attribute.
    ///
    /// Takes the item by value, as the SDK hands it over, so that strings, lists and maps move
    /// into the result instead of being copied (clone a borrowed item first).
    fn from_item(item: AttributeMap) -> Result<Self, Error>;

    /// Reads an item straight from a response's body (the fast read path): the same result,
    /// or the same error, as [`from_item`](Self::from_item) of the SDK's item. Generated types
    /// decode the borrowed values directly; this default goes through the SDK's item.
    fn from_wire(item: WireMap<'_>) -> Result<Self, Error> {
        Self::from_item(item.into_attribute_map())
    }

    /// In a table of several entities, the entities this type reads: queries and scans ask
    /// the server for these items only (a filter on the discriminator, so that `count` is
    /// exact too), and skip any other. `None` (the default) reads every item.
    const ENTITIES: Option<Entities> = None;

    /// Whether a stored item is one of this type's at all: `false` for another entity's item
    /// in a single table (its discriminator names another entity), which reads skip. Only
    /// items this accepts are decoded.
    fn accepts(item: &AttributeMap) -> bool {
        Self::ENTITIES.is_none_or(|entities| entities.accepts(item))
    }
}

/// The entities a type reads from a table of several: the discriminator attribute and the
/// names it may hold.
///
/// ```
/// use ddbgen_runtime::{AttributeMap, AttributeValue, Entities};
///
/// let orders = Entities { attribute: "entity", names: &["Order"] };
/// let item = AttributeMap::from([("entity".to_owned(), AttributeValue::S("Customer".into()))]);
/// assert!(!orders.accepts(&item));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entities {
    /// The discriminator attribute (`entity`).
    pub attribute: &'static str,
    /// The entity names read (`["Customer", "Order"]`).
    pub names: &'static [&'static str],
}

impl Entities {
    /// Whether `item`'s discriminator names one of the entities (an SDK item, or one read
    /// from the response body).
    pub fn accepts<M: StoredMap>(&self, item: &M) -> bool {
        item.string(self.attribute)
            .is_some_and(|name| self.names.contains(&name))
    }
}

/// A type generated code reads from stored items (an item, key or projection type): the
/// generated part is one decoder, generic over the input, so the SDK's items and the fast read
/// path's borrowed ones go through the same checks. [`FromItem`] comes with it: errors name the
/// table (and the entity), and an entity's type reads its own entity's items only.
///
/// ```
/// use ddbgen_runtime::codegen::{Decode, DecodeError, FromItem, Native, StoredMap};
/// use ddbgen_runtime::{AttributeMap, AttributeValue};
///
/// struct Title(String);
///
/// impl Decode for Title {
///     const TABLE: &'static str = "books";
///     fn decode_map<M: StoredMap>(map: M) -> Result<Self, DecodeError> {
///         let title = map.into_entries().find(|(name, _)| name.as_ref() == "title").map(|(_, v)| v);
///         Native.field(title, "title").map(Title)
///     }
/// }
///
/// let error = Title::from_item(AttributeMap::new()).err().unwrap();
/// assert!(error.to_string().contains("books"));
/// let item = AttributeMap::from([("title".to_owned(), AttributeValue::S("Dune".into()))]);
/// assert_eq!(Title::from_item(item).unwrap().0, "Dune");
/// ```
pub trait Decode: Sized {
    /// The table the items are read from, named in errors.
    const TABLE: &'static str;

    /// For an entity's types in a table of several: the discriminator and the entity's name
    /// (one name). An item naming another entity is then an error naming the entity.
    const ENTITIES: Option<Entities> = None;

    /// Reads the stored attributes (the SDK's item, or one read from the response body);
    /// errors name the attribute's path.
    fn decode_map<M: StoredMap>(map: M) -> Result<Self, DecodeError>;
}

impl<T: Decode> FromItem for T {
    fn from_item(item: AttributeMap) -> Result<Self, Error> {
        decode_stored(item)
    }

    fn from_wire(item: WireMap<'_>) -> Result<Self, Error> {
        decode_stored(item)
    }

    const ENTITIES: Option<Entities> = <T as Decode>::ENTITIES;
}

/// [`Decode::decode_map`], with the entity checked first and the table named in errors.
fn decode_stored<T: Decode, M: StoredMap>(map: M) -> Result<T, Error> {
    match <T as Decode>::ENTITIES {
        Some(Entities {
            attribute,
            names: [entity, ..],
        }) => check_entity(&map, attribute, entity)
            .and_then(|()| T::decode_map(map))
            .map_err(|error| error.in_entity(T::TABLE, entity)),
        _ => T::decode_map(map).map_err(|error| error.in_table(T::TABLE)),
    }
}

/// Checks that an item's discriminator `attribute` names `entity`: a read never takes one
/// entity's item for another's.
fn check_entity<M: StoredMap>(item: &M, attribute: &str, entity: &str) -> Result<(), DecodeError> {
    if item.string(attribute) == Some(entity) {
        return Ok(());
    }
    let found = item.value_of(attribute).unwrap_or(AttributeValue::Null(true));
    Err(DecodeError::new(format!("S \"{entity}\" (the discriminator)"), &found).at_field(attribute))
}

/// An item type generated for a table.
///
/// ```
/// use ddbgen_runtime::Item;
///
/// /// Every generated item type is an `Item`: its table's spec, and its stored attributes.
/// fn table_of<T: Item>(item: &T) -> (&'static str, usize) {
///     (T::TABLE.table_name, item.to_item().len())
/// }
/// ```
pub trait Item: FromItem + Send + 'static {
    /// The table's keys and indexes.
    const TABLE: &'static TableSpec;

    /// The stored attributes of this item, keys included.
    fn to_item(&self) -> AttributeMap;
}

/// What a read can return for the items of table `Table`: the item type itself, its key type,
/// or a generated partial type. Filters of a read are conditions on `Table`.
///
/// ```
/// use ddbgen_runtime::{Item, Selection};
///
/// // Every item type selects all of its attributes.
/// fn reads_everything<T: Item>() -> bool {
///     <T as Selection>::ATTRIBUTES.is_empty()
/// }
/// ```
pub trait Selection: FromItem {
    /// The item type of the table read.
    type Table: Item;

    /// The attributes to request; empty for all of them.
    const ATTRIBUTES: &'static [&'static str];
}

impl<T: Item> Selection for T {
    type Table = T;
    const ATTRIBUTES: &'static [&'static str] = &[];
}
