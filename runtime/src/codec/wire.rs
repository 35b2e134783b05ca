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
use std::ops::Range;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_json::deserialize::{JsonTokenIterator, Token, json_token_iter};

use super::{AttributeMap, Codec, DecodeError};
use crate::error::Error;
use crate::item::FromItem;

/// Deeper than DynamoDB's own limit of 32 levels of nesting: the reader gives up there.
const MAX_DEPTH: u32 = 64;

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
        let mut reader = Reader::new(bytes);
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

/// The reader of one response body: a token stream, and where the last token was.
pub(crate) struct Reader<'a> {
    tokens: JsonTokenIterator<'a>,
    /// The byte offset of the last token read.
    pub(crate) at: usize,
    /// How many attributes the last item had: the next item's entries are allocated once at
    /// that size, since the items of one response mostly have the same attributes.
    hint: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(body: &'a [u8]) -> Self {
        Self {
            tokens: json_token_iter(body),
            at: 0,
            hint: 0,
        }
    }

    /// The next token; `None` at the end or on malformed JSON.
    pub(crate) fn next(&mut self) -> Option<Token<'a>> {
        let token = self.tokens.next()?.ok()?;
        self.at = token.offset().0;
        Some(token)
    }

    /// Whether the body ends here, with nothing but white space left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.tokens.next().is_none()
    }

    /// Skips one whole value (`None` on malformed JSON).
    pub(crate) fn skip(&mut self) -> Option<()> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Token::StartArray { .. } | Token::StartObject { .. } => depth += 1,
                Token::EndArray { .. } | Token::EndObject { .. } => depth = depth.checked_sub(1)?,
                Token::ObjectKey { .. } => continue,
                _ => {}
            }
            if depth == 0 {
                return Some(());
            }
        }
    }

    /// An item or map whose `{` is the next token, and its byte range.
    pub(crate) fn map(&mut self, depth: u32) -> Option<(WireMap<'a>, Range<usize>)> {
        let Token::StartObject { offset } = self.next()? else {
            return None;
        };
        self.map_after(offset.0, depth)
    }

    /// An item or map whose `{` at `start` has been read.
    pub(crate) fn map_after(&mut self, start: usize, depth: u32) -> Option<(WireMap<'a>, Range<usize>)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut entries = Vec::with_capacity(if depth == 0 { self.hint } else { 0 });
        loop {
            match self.next()? {
                Token::EndObject { offset } => {
                    if depth == 0 {
                        self.hint = entries.len();
                    }
                    return Some((WireMap(entries), start..offset.0 + 1));
                }
                Token::ObjectKey { key, .. } => {
                    let name = key.to_unescaped().ok()?;
                    let Token::StartObject { .. } = self.next()? else {
                        return None;
                    };
                    entries.push((name, self.value_after(depth + 1)?));
                }
                _ => return None,
            }
        }
    }

    /// A value whose `{` has been read: one type key, its value, `}`.
    fn value_after(&mut self, depth: u32) -> Option<Wire<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let Token::ObjectKey { key, .. } = self.next()? else {
            return None;
        };
        let value = match key.to_unescaped().ok()?.as_ref() {
            "S" => Wire::S(self.string()?),
            "N" => Wire::N(self.string()?),
            "B" => Wire::B(self.binary()?),
            "BOOL" => Wire::Bool(self.boolean()?),
            "NULL" => Wire::Null(self.boolean()?),
            "SS" => Wire::Ss(self.array(|_, token| Self::string_of(token))?),
            "NS" => Wire::Ns(self.array(|_, token| Self::string_of(token))?),
            "BS" => Wire::Bs(self.array(|_, token| Self::binary_of(token))?),
            "L" => Wire::L(self.array(|reader, token| match token {
                Token::StartObject { .. } => reader.value_after(depth + 1),
                _ => None,
            })?),
            "M" => Wire::M(self.map(depth + 1)?.0),
            _ => return None,
        };
        match self.next()? {
            Token::EndObject { .. } => Some(value),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<Cow<'a, str>> {
        let token = self.next()?;
        Self::string_of(token)
    }

    fn string_of(token: Token<'a>) -> Option<Cow<'a, str>> {
        match token {
            Token::ValueString { value, .. } => value.to_unescaped().ok(),
            _ => None,
        }
    }

    fn binary(&mut self) -> Option<Vec<u8>> {
        let token = self.next()?;
        Self::binary_of(token)
    }

    fn binary_of(token: Token<'a>) -> Option<Vec<u8>> {
        aws_smithy_types::base64::decode(Self::string_of(token)?.as_ref()).ok()
    }

    fn boolean(&mut self) -> Option<bool> {
        match self.next()? {
            Token::ValueBool { value, .. } => Some(value),
            _ => None,
        }
    }

    /// `[` element* `]`, where `element` reads the rest of an element from its first token.
    fn array<T>(&mut self, mut element: impl FnMut(&mut Self, Token<'a>) -> Option<T>) -> Option<Vec<T>> {
        let Token::StartArray { .. } = self.next()? else {
            return None;
        };
        let mut items = Vec::new();
        loop {
            match self.next()? {
                Token::EndArray { .. } => return Some(items),
                token => items.push(element(self, token)?),
            }
        }
    }
}

/// Reads one item or map from its bytes (`{…}`), as the SDK would.
pub(crate) fn read_map(bytes: &[u8]) -> Option<AttributeMap> {
    WireMap::read(bytes).map(WireMap::into_attribute_map)
}
