//! Everything generated code uses, in one place. Not for hand-written code: its contents
//! follow the generator, not semver of their own.

pub use std::collections::{BTreeMap, BTreeSet};
pub use std::sync::LazyLock;

pub use chrono::{DateTime, NaiveDate, Utc};
pub use regex::Regex;
pub use rust_decimal::Decimal;
pub use serde;
pub use uuid::Uuid;

pub use crate::codec::{AttributeCodec, AttributeMap, Bytes, DecodeError, epoch_millis, epoch_seconds};
pub use crate::error::Error;
pub use crate::item::{AttributeType, FromItem, IndexSpec, Item, KeyAttribute, Projection, TableSpec};
pub use crate::key::{CompositeKey, KeyPart, KeyPartError};
pub use crate::repository::{
    Clock, Cursor, CursorKey, KeyCondition, Page, ParallelScan, Query, Scan, SortCondition, Table, UpdateExpression,
};
pub use crate::validate::{FieldPath, Validate, ValidationErrors, rules};
pub use aws_sdk_dynamodb::Client;
pub use aws_sdk_dynamodb::types::AttributeValue;
pub use futures_util::Stream;

/// Generated code refers to this constant, so that code generated for another version of the
/// runtime's generated-code API fails to compile with its name in the message. Regenerate the
/// code with the `ddbgen` that matches this runtime.
pub const RUNTIME_API_V1: () = ();

/// Decodes the stored value of field `name` (`None`: the item has no such attribute, which
/// means [`AttributeCodec::decode_missing`]). Generated decoders sort an item's attributes
/// into one slot per field, then call this for each slot in field order.
pub fn decode_field<T: AttributeCodec>(stored: Option<AttributeValue>, name: &str) -> Result<T, DecodeError> {
    match stored {
        Some(value) => T::decode(value).map_err(|e| e.at_field(name)),
        None => T::decode_missing().ok_or_else(|| DecodeError {
            path: name.to_owned(),
            expected: T::EXPECTED.to_owned(),
            found: "no attribute".to_owned(),
        }),
    }
}

/// Decodes a required field with a custom decoder (such as [`epoch_seconds::decode`]).
pub fn decode_field_with<T>(
    stored: Option<AttributeValue>,
    name: &str,
    decode: fn(AttributeValue) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    match stored {
        Some(value) => decode(value).map_err(|e| e.at_field(name)),
        None => Err(DecodeError {
            path: name.to_owned(),
            expected: "a value".to_owned(),
            found: "no attribute".to_owned(),
        }),
    }
}

/// Decodes an optional field with a custom decoder: absent or NULL is `None`.
pub fn decode_optional_field_with<T>(
    stored: Option<AttributeValue>,
    name: &str,
    decode: fn(AttributeValue) -> Result<T, DecodeError>,
) -> Result<Option<T>, DecodeError> {
    match stored {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(value) => decode(value).map(Some).map_err(|e| e.at_field(name)),
    }
}

/// Stores `value` under `name`, unless it stores nothing (`None`, an empty set).
pub fn write<T: AttributeCodec>(map: &mut AttributeMap, name: &str, value: &T) {
    if let Some(value) = value.encode() {
        map.insert(name.to_owned(), value);
    }
}

/// Stores `value` under `name`, or NULL when it stores nothing (`nullable: true` fields).
pub fn write_nullable<T: AttributeCodec>(map: &mut AttributeMap, name: &str, value: &T) {
    map.insert(name.to_owned(), value.encode().unwrap_or(AttributeValue::Null(true)));
}

/// The map inside an `M` value, for decoding nested types.
pub fn into_map(value: AttributeValue, type_name: &str) -> Result<AttributeMap, DecodeError> {
    match value {
        AttributeValue::M(map) => Ok(map),
        other => Err(DecodeError::new(format!("M (a {type_name})"), &other)),
    }
}

/// The stored value of a key field. Key types always store a value.
pub fn key_value<T: AttributeCodec>(value: &T) -> AttributeValue {
    value.encode().unwrap_or(AttributeValue::Null(true))
}

/// Reads a string enum by its stored name.
pub fn decode_enum<T>(
    value: AttributeValue,
    type_name: &str,
    from_name: fn(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    match &value {
        AttributeValue::S(name) => {
            from_name(name).ok_or_else(|| DecodeError::new(format!("S (a value of enum {type_name})"), &value))
        }
        other => Err(DecodeError::new(format!("S (a value of enum {type_name})"), other)),
    }
}
