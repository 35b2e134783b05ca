//! [`Codec`]: how a field is stored, chosen per field by the generator: [`Native`] (the
//! type's own encoding) or a `datetime` as epoch seconds or milliseconds.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};

use super::{AttributeCodec, AttributeMap, DecodeError, Stored, Text, Wire, decode_text};

/// Reads a whole number of epoch units as a time, refusing fractions and out-of-range values.
fn decode_epoch<V: Stored>(
    value: &V,
    expected: &str,
    from_units: fn(i64) -> Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, DecodeError> {
    decode_text(value, Text::N, expected, |n| n.parse::<i64>().ok().and_then(from_units))
}

/// How a field's value is stored: the generator picks one codec per field and every path
/// (items, keys, queries, updates) uses it, so a field cannot be written one way and looked
/// up another. Called as `rt::Native.write(&mut map, "title", &self.title)`.
///
/// ```
/// use ddbgen_runtime::codegen::{DateTime, Utc};
/// use ddbgen_runtime::{AttributeMap, AttributeValue, EpochSeconds, Native};
///
/// let at: DateTime<Utc> = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
/// let mut item = AttributeMap::new();
/// EpochSeconds.write(&mut item, "expires_at", &at);
/// Native.write(&mut item, "title", &"Dune".to_owned());
/// assert_eq!(item["expires_at"], AttributeValue::N("1700000000".into()));
/// let read: DateTime<Utc> = EpochSeconds.field(item.remove("expires_at"), "expires_at").unwrap();
/// assert_eq!(read, at);
/// ```
pub trait Codec<T> {
    /// What the encoding looks like, for error messages.
    fn expected(&self) -> &'static str;

    /// The stored value, or `None` when nothing is stored (`None`, an empty set).
    fn encode(&self, value: &T) -> Option<AttributeValue>;

    /// Reads a stored value, exactly, taking it by value.
    fn decode(&self, value: AttributeValue) -> Result<T, DecodeError>;

    /// Reads a stored value from the response body: the same result or error as
    /// [`decode`](Codec::decode) of the SDK's value.
    fn decode_wire(&self, value: Wire<'_>) -> Result<T, DecodeError> {
        self.decode(value.into_attribute_value())
    }

    /// The value of an absent attribute, where absence means something (`None`, an empty set).
    fn decode_missing(&self) -> Option<T> {
        None
    }

    /// Stores `value` under `name`, unless it stores nothing.
    fn write(&self, map: &mut AttributeMap, name: &str, value: &T) {
        if let Some(value) = self.encode(value) {
            map.insert(name.to_owned(), value);
        }
    }

    /// Stores `value` under `name`, or NULL when it stores nothing (`nullable: true` fields).
    fn write_nullable(&self, map: &mut AttributeMap, name: &str, value: &T) {
        map.insert(
            name.to_owned(),
            self.encode(value).unwrap_or(AttributeValue::Null(true)),
        );
    }

    /// Decodes the stored value of field `name` (`None`: the item has no such attribute), an
    /// SDK value or one read from the response body. Errors name the attribute's path.
    fn field<V: Stored>(&self, stored: Option<V>, name: &str) -> Result<T, DecodeError> {
        match stored {
            Some(value) => value.decode_with(self).map_err(|e| e.at_field(name)),
            None => self.decode_missing().ok_or_else(|| DecodeError {
                path: name.to_owned(),
                expected: self.expected().to_owned(),
                found: "no attribute".to_owned(),
                shape: "no attribute".to_owned(),
            }),
        }
    }

    /// The stored value of a key field (key types always store a value).
    fn key_value(&self, value: &T) -> AttributeValue {
        self.encode(value).unwrap_or(AttributeValue::Null(true))
    }
}

/// The type's own encoding ([`AttributeCodec`]; `docs/encoding.md`).
///
/// ```
/// use ddbgen_runtime::{AttributeValue, Native};
///
/// assert_eq!(Native.key_value(&7u32), AttributeValue::N("7".into()));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Native;

impl<T: AttributeCodec> Codec<T> for Native {
    fn expected(&self) -> &'static str {
        T::EXPECTED
    }
    fn encode(&self, value: &T) -> Option<AttributeValue> {
        value.encode()
    }
    fn decode(&self, value: AttributeValue) -> Result<T, DecodeError> {
        T::decode(value)
    }
    fn decode_wire(&self, value: Wire<'_>) -> Result<T, DecodeError> {
        T::decode_wire(value)
    }
    fn decode_missing(&self) -> Option<T> {
        T::decode_missing()
    }
}

macro_rules! epoch_codec {
    ($(#[$doc:meta])* $name:ident, $expected:literal, $to_units:expr, $from_units:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;

        impl Codec<DateTime<Utc>> for $name {
            fn expected(&self) -> &'static str {
                $expected
            }
            fn encode(&self, value: &DateTime<Utc>) -> Option<AttributeValue> {
                let to_units: fn(&DateTime<Utc>) -> i64 = $to_units;
                Some(AttributeValue::N(to_units(value).to_string()))
            }
            fn decode(&self, value: AttributeValue) -> Result<DateTime<Utc>, DecodeError> {
                decode_epoch(&value, $expected, $from_units)
            }
            fn decode_wire(&self, value: Wire<'_>) -> Result<DateTime<Utc>, DecodeError> {
                decode_epoch(&value, $expected, $from_units)
            }
        }

        /// Optional fields: `None` stores nothing; absent or NULL reads as `None`.
        impl Codec<Option<DateTime<Utc>>> for $name {
            fn expected(&self) -> &'static str {
                $expected
            }
            fn encode(&self, value: &Option<DateTime<Utc>>) -> Option<AttributeValue> {
                value.as_ref().and_then(|v| self.encode(v))
            }
            fn decode(&self, value: AttributeValue) -> Result<Option<DateTime<Utc>>, DecodeError> {
                match value {
                    AttributeValue::Null(_) => Ok(None),
                    value => self.decode(value).map(Some),
                }
            }
            fn decode_wire(&self, value: Wire<'_>) -> Result<Option<DateTime<Utc>>, DecodeError> {
                match value {
                    Wire::Null(_) => Ok(None),
                    value => self.decode_wire(value).map(Some),
                }
            }
            fn decode_missing(&self) -> Option<Option<DateTime<Utc>>> {
                Some(None)
            }
        }
    };
}

epoch_codec!(
    /// A `datetime` stored as whole seconds since the Unix epoch (N), as DynamoDB TTL wants it
    /// (`format: epoch_seconds`). Sub-second precision is not stored.
    EpochSeconds,
    "N (whole seconds since the Unix epoch)",
    |time| time.timestamp(),
    |seconds| DateTime::from_timestamp(seconds, 0)
);

epoch_codec!(
    /// A `datetime` stored as whole milliseconds since the Unix epoch (N)
    /// (`format: epoch_millis`). Sub-millisecond precision is not stored.
    EpochMillis,
    "N (whole milliseconds since the Unix epoch)",
    |time| time.timestamp_millis(),
    DateTime::from_timestamp_millis
);

/// The codecs' methods as generated code calls them (`rt::EpochSeconds.write(..)`), without
/// bringing [`Codec`] into scope.
macro_rules! inherent_codec_methods {
    ($($codec:ident),*) => {$(
        impl $codec {
            /// [`Codec::encode`].
            pub fn encode<T>(self, value: &T) -> Option<AttributeValue> where Self: Codec<T> {
                Codec::encode(&self, value)
            }
            /// [`Codec::write`].
            pub fn write<T>(self, map: &mut AttributeMap, name: &str, value: &T) where Self: Codec<T> {
                Codec::write(&self, map, name, value)
            }
            /// [`Codec::write_nullable`].
            pub fn write_nullable<T>(self, map: &mut AttributeMap, name: &str, value: &T) where Self: Codec<T> {
                Codec::write_nullable(&self, map, name, value)
            }
            /// [`Codec::field`].
            pub fn field<T, V: Stored>(self, stored: Option<V>, name: &str) -> Result<T, DecodeError> where Self: Codec<T> {
                Codec::field(&self, stored, name)
            }
            /// [`Codec::key_value`].
            pub fn key_value<T>(self, value: &T) -> AttributeValue where Self: Codec<T> {
                Codec::key_value(&self, value)
            }
        }
    )*};
}

inherent_codec_methods!(Native, EpochSeconds, EpochMillis);
