//! DynamoDB's JSON wire format (`{"S": "Dune"}`, `{"N": "1995"}`, …) read straight from a
//! response body into values that borrow it: the fast read path's input (`docs/design.md`,
//! "Reads at wire speed").
//!
//! The reader takes only the form DynamoDB writes: each value an object with exactly one type
//! key (`S`, `N`, `B`, `BOOL`, `NULL`, `SS`, `NS`, `BS`, `L`, `M`) and a value of that type's
//! JSON kind. Anything else (a `null`, a second key, an unknown type, bad base64, nesting
//! deeper than DynamoDB allows) makes it give up, and the SDK's own parser, which has rules
//! for those, reads the response instead. So both paths see the same values whenever the
//! fast one answers: [`Wire::into_attribute_value`] is what the SDK would have built.

use std::borrow::Cow;
use std::collections::HashMap;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::json::Reader;
use super::{AttributeMap, Codec, DecodeError};
use crate::error::Error;
use crate::item::FromItem;

/// One stored value as the response body holds it, strings borrowed where they have no
/// escapes.
#[derive(Debug, Clone, PartialEq)]
pub enum Wire<'a> {
    /// A string (`S`).
    S(Cow<'a, str>),
    /// A number's text (`N`).
    N(Cow<'a, str>),
    /// Binary (`B`), decoded from base64.
    B(Vec<u8>),
    /// A boolean (`BOOL`).
    Bool(bool),
    /// `NULL`.
    Null(bool),
    /// A string set (`SS`).
    Ss(Vec<Cow<'a, str>>),
    /// A number set (`NS`).
    Ns(Vec<Cow<'a, str>>),
    /// A binary set (`BS`).
    Bs(Vec<Vec<u8>>),
    /// A list (`L`).
    L(Vec<Wire<'a>>),
    /// A map (`M`).
    M(WireMap<'a>),
}

/// A stored item or map as the response body holds it: its entries in body order. A name
/// given twice keeps its last value, as the SDK's map does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WireMap<'a>(pub Vec<(Cow<'a, str>, Wire<'a>)>);

impl Wire<'_> {
    /// The SDK's value for this one.
    pub fn into_attribute_value(self) -> AttributeValue {
        fn owned(items: Vec<Cow<'_, str>>) -> Vec<String> {
            items.into_iter().map(Cow::into_owned).collect()
        }
        match self {
            Wire::S(s) => AttributeValue::S(s.into_owned()),
            Wire::N(n) => AttributeValue::N(n.into_owned()),
            Wire::B(b) => AttributeValue::B(Blob::new(b)),
            Wire::Bool(b) => AttributeValue::Bool(b),
            Wire::Null(b) => AttributeValue::Null(b),
            Wire::Ss(items) => AttributeValue::Ss(owned(items)),
            Wire::Ns(items) => AttributeValue::Ns(owned(items)),
            Wire::Bs(items) => AttributeValue::Bs(items.into_iter().map(Blob::new).collect()),
            Wire::L(items) => AttributeValue::L(items.into_iter().map(Wire::into_attribute_value).collect()),
            Wire::M(map) => AttributeValue::M(map.into_attribute_map()),
        }
    }

    /// A copy as the SDK's value, for error messages (which describe the stored value).
    pub fn to_attribute_value(&self) -> AttributeValue {
        self.clone().into_attribute_value()
    }
}

impl<'a> WireMap<'a> {
    /// Reads one item in DynamoDB's JSON wire format (`{"title": {"S": "Dune"}}`), borrowing
    /// its strings; `None` when the text is not in the form DynamoDB writes (module docs).
    ///
    /// ```
    /// use ddbgen_runtime::{AttributeValue, WireMap};
    ///
    /// let item = WireMap::read(br#"{"title": {"S": "Dune"}, "year": {"N": "1965"}}"#).unwrap();
    /// let map = item.into_attribute_map();
    /// assert_eq!(map["year"], AttributeValue::N("1965".into()));
    /// assert!(WireMap::read(br#"{"title": {"S": null}}"#).is_none());
    /// ```
    pub fn read(bytes: &'a [u8]) -> Option<Self> {
        let mut reader = Reader::new(bytes)?;
        let (map, _) = reader.map(0)?;
        reader.at_end().then_some(map)
    }

    /// The SDK's map for this one.
    pub fn into_attribute_map(self) -> AttributeMap {
        let mut map = HashMap::with_capacity(self.0.len());
        for (name, value) in self.0 {
            map.insert(name.into_owned(), value.into_attribute_value());
        }
        map
    }

    /// The value stored under `name` (the last one, should the body name it twice).
    pub fn get(&self, name: &str) -> Option<&Wire<'a>> {
        self.0.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// A stored value either path reads: the SDK's [`AttributeValue`] or a [`Wire`] value. What
/// [`Codec::field`] takes, so that one generated decoder serves both paths.
pub trait Stored: Sized {
    /// Decodes the value with `codec`.
    fn decode_with<T, C: Codec<T> + ?Sized>(self, codec: &C) -> Result<T, DecodeError>;

    /// The text of an `S` or `N` value (`kind`); `None` for any other.
    fn text(&self, kind: Text) -> Option<&str>;

    /// The error of this value where `expected` was expected.
    fn mismatch(&self, expected: &str) -> DecodeError;
}

/// Which scalar's text [`Stored::text`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// `S`.
    S,
    /// `N`.
    N,
}

/// Reads the text of an `S` or `N` value with `parse`; anything else, or text `parse` refuses,
/// is the error of `expected`. Both paths of every text-backed codec in one place.
pub(crate) fn decode_text<T, V: Stored>(
    value: &V,
    kind: Text,
    expected: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, DecodeError> {
    value.text(kind).and_then(parse).ok_or_else(|| value.mismatch(expected))
}

impl Stored for AttributeValue {
    fn decode_with<T, C: Codec<T> + ?Sized>(self, codec: &C) -> Result<T, DecodeError> {
        codec.decode(self)
    }
    fn text(&self, kind: Text) -> Option<&str> {
        match (kind, self) {
            (Text::S, AttributeValue::S(text)) | (Text::N, AttributeValue::N(text)) => Some(text),
            _ => None,
        }
    }
    fn mismatch(&self, expected: &str) -> DecodeError {
        DecodeError::new(expected, self)
    }
}

impl Stored for Wire<'_> {
    fn decode_with<T, C: Codec<T> + ?Sized>(self, codec: &C) -> Result<T, DecodeError> {
        codec.decode_wire(self)
    }
    fn text(&self, kind: Text) -> Option<&str> {
        match (kind, self) {
            (Text::S, Wire::S(text)) | (Text::N, Wire::N(text)) => Some(text),
            _ => None,
        }
    }
    fn mismatch(&self, expected: &str) -> DecodeError {
        DecodeError::new(expected, &self.to_attribute_value())
    }
}

/// A stored item either path reads: the SDK's [`AttributeMap`] or a [`WireMap`]. Generated
/// decoders are generic over it.
pub trait StoredMap: Sized {
    /// An attribute's name.
    type Name: AsRef<str>;
    /// An attribute's value.
    type Value: Stored;
    /// The entries, consumed.
    fn into_entries(self) -> impl Iterator<Item = (Self::Name, Self::Value)>;
    /// The string stored under `attribute`, if it is a string (a discriminator).
    fn string(&self, attribute: &str) -> Option<&str>;
    /// A copy of the value under `attribute`, for error messages.
    fn value_of(&self, attribute: &str) -> Option<AttributeValue>;
    /// Reads the item as `T` (`from_item` or `from_wire`).
    fn read_as<T: FromItem>(self) -> Result<T, Error>;
}

impl StoredMap for AttributeMap {
    type Name = String;
    type Value = AttributeValue;
    fn into_entries(self) -> impl Iterator<Item = (String, AttributeValue)> {
        self.into_iter()
    }
    fn string(&self, attribute: &str) -> Option<&str> {
        match self.get(attribute) {
            Some(AttributeValue::S(s)) => Some(s),
            _ => None,
        }
    }
    fn value_of(&self, attribute: &str) -> Option<AttributeValue> {
        self.get(attribute).cloned()
    }
    fn read_as<T: FromItem>(self) -> Result<T, Error> {
        T::from_item(self)
    }
}

impl<'a> StoredMap for WireMap<'a> {
    type Name = Cow<'a, str>;
    type Value = Wire<'a>;
    fn into_entries(self) -> impl Iterator<Item = (Cow<'a, str>, Wire<'a>)> {
        self.0.into_iter()
    }
    fn string(&self, attribute: &str) -> Option<&str> {
        match self.get(attribute) {
            Some(Wire::S(s)) => Some(s),
            _ => None,
        }
    }
    fn value_of(&self, attribute: &str) -> Option<AttributeValue> {
        self.get(attribute).map(Wire::to_attribute_value)
    }
    fn read_as<T: FromItem>(self) -> Result<T, Error> {
        T::from_wire(self)
    }
}

/// Reads one item or map from its bytes (`{…}`), as the SDK would.
pub(crate) fn read_map(bytes: &[u8]) -> Option<AttributeMap> {
    WireMap::read(bytes).map(WireMap::into_attribute_map)
}
