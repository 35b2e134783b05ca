//! Everything generated code uses, in one place. Not for hand-written code: its contents
//! follow the generator, not semver of their own.

pub use std::collections::{BTreeMap, BTreeSet};
pub use std::sync::LazyLock;

pub use chrono::{DateTime, NaiveDate, Utc};
pub use regex::Regex;
pub use rust_decimal::Decimal;
pub use serde;
pub use uuid::Uuid;

pub use crate::change::Change;
pub use crate::codec::{
    AttributeCodec, AttributeMap, Bytes, Codec, DecodeError, EpochMillis, EpochSeconds, Native, Stored, StoredMap,
    Wire, WireMap,
};
pub use crate::error::{Error, ErrorKind};
pub use crate::item::{
    AttributeType, Decode, Entities, FromItem, IndexSpec, Item, KeyAttribute, Projection, Selection, TableSpec,
    UniqueValue, VectorDistance, VectorIndexSpec,
};
pub use crate::key::{CompositeKey, KeyPart, KeyPartError};
pub use crate::repository::{
    Attr, BatchGet, BatchWrite, Clock, Condition, Cursor, CursorKey, KeyCondition, KeyQuery, Page, ParallelScan, Patch,
    PlainWrites, Query, QueryBuilder, Record, RecordKey, Repository, RetryPolicy, Scan, SortCondition, Table,
    TableReads, Transaction, Unversioned, Update, UpdateExpression, VectorSearch,
};
pub use crate::validate::{FieldPath, Validate, ValidationErrors, rules};
pub use aws_sdk_dynamodb::Client;
pub use aws_sdk_dynamodb::types::AttributeValue;
pub use futures_util::Stream;

/// Generated code refers to this constant, so that code generated for another version of the
/// runtime's generated-code API fails to compile with its name in the message. Regenerate the
/// code with the `ddbgen` that matches this runtime.
pub const RUNTIME_API_V9: () = ();

/// The map inside an `M` value, for decoding nested types.
pub fn into_map(value: AttributeValue, type_name: &str) -> Result<AttributeMap, DecodeError> {
    match value {
        AttributeValue::M(map) => Ok(map),
        other => Err(DecodeError::new(format!("M (a {type_name})"), &other)),
    }
}

/// The map inside an `M` value read from the response body, for decoding nested types.
pub fn into_wire_map<'a>(value: Wire<'a>, type_name: &str) -> Result<WireMap<'a>, DecodeError> {
    match value {
        Wire::M(map) => Ok(map),
        other => Err(other.mismatch(&format!("M (a {type_name})"))),
    }
}

/// Reads a string enum by its stored name, from either path.
pub fn decode_enum<T, V: Stored>(
    value: V,
    type_name: &str,
    from_name: fn(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    match value.text(crate::codec::Text::S).map(from_name) {
        Some(Some(value)) => Ok(value),
        _ => Err(value.mismatch(&format!("S (a value of enum {type_name})"))),
    }
}

/// The entity name stored in an item's discriminator `attribute`, if it holds a string.
pub fn entity_of<'a, M: StoredMap>(item: &'a M, attribute: &str) -> Option<&'a str> {
    item.string(attribute)
}

/// The error of an item whose discriminator names none of `entities`.
pub fn unknown_entity<M: StoredMap>(item: &M, table: &str, attribute: &str, entities: &[&str]) -> Error {
    let expected = format!(
        "S, one of {} (the discriminator)",
        entities
            .iter()
            .map(|e| format!("\"{e}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let found = item.value_of(attribute).unwrap_or(AttributeValue::Null(true));
    DecodeError::new(expected, &found).at_field(attribute).in_table(table)
}
