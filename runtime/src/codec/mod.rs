//! Exact conversion between Rust values and DynamoDB `AttributeValue`s.
//!
//! One impl of [`AttributeCodec`] per type of the schema format. Numbers are parsed as the
//! declared type and never rounded, wrapped or clamped: a value that does not fit is a
//! [`DecodeError`]. The stored encodings are listed in `docs/encoding.md`.

mod collections;
mod field;
mod json;
mod scalar;
#[cfg(test)]
mod tests;
mod wire;

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

pub use field::{Codec, EpochMillis, EpochSeconds, Native};
pub(crate) use json::{Reader, write_json};
pub use scalar::Bytes;
pub(crate) use scalar::{parse_date, parse_rfc3339, push_date, rfc3339};
pub use wire::{Stored, StoredMap, Text, Wire, WireMap};
pub(crate) use wire::{decode_text, read_map};

/// A DynamoDB item or map: attribute name to value.
pub type AttributeMap = HashMap<String, AttributeValue>;

/// A value that does not match the type the schema expects.
///
/// ```
/// use ddbgen_runtime::{AttributeCodec, AttributeValue};
///
/// let error = u8::decode(AttributeValue::N("300".into())).unwrap_err().at_field("stock");
/// assert_eq!(error.path, "stock");
/// assert_eq!(error.found, "N 300");
/// assert_eq!(error.shape, "N (3 digits)"); // what messages show: no stored value
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Path below the attribute being decoded (`[2].name`), empty at the attribute itself.
    pub path: String,
    /// What the schema expects.
    pub expected: String,
    /// What was found, with a clipped copy of a scalar's value (`N 300`), for your code.
    pub found: String,
    /// What was found without its value (`N (3 digits)`): what error messages show.
    pub shape: String,
}

impl DecodeError {
    /// An error at the value being decoded.
    pub fn new(expected: impl Into<String>, value: &AttributeValue) -> Self {
        Self {
            path: String::new(),
            expected: expected.into(),
            found: describe(value),
            shape: shape(value),
        }
    }

    /// The same error seen from the map that holds it under `name`.
    pub fn at_field(mut self, name: &str) -> Self {
        self.path = if self.path.is_empty() || self.path.starts_with('[') {
            format!("{name}{}", self.path)
        } else {
            format!("{name}.{}", self.path)
        };
        self
    }

    /// The same error seen from the list that holds it at `index`.
    pub fn at_index(mut self, index: usize) -> Self {
        self.path = if self.path.is_empty() || self.path.starts_with('[') {
            format!("[{index}]{}", self.path)
        } else {
            format!("[{index}].{}", self.path)
        };
        self
    }

    /// Into the crate's [`Error`](crate::Error), naming the table the item came from.
    pub fn in_table(self, table: &str) -> crate::Error {
        crate::Error::from(crate::ErrorKind::Conversion {
            table: table.to_owned(),
            entity: None,
            attribute: self.path,
            expected: self.expected,
            found: self.found.into_boxed_str(),
            shape: self.shape.into_boxed_str(),
        })
    }
}

impl DecodeError {
    /// Into the crate's [`Error`](crate::Error), naming the table and the entity of a single
    /// table the item was read as.
    pub fn in_entity(self, table: &str, entity: &'static str) -> crate::Error {
        crate::Error::from(crate::ErrorKind::Conversion {
            table: table.to_owned(),
            entity: Some(entity),
            attribute: self.path,
            expected: self.expected,
            found: self.found.into_boxed_str(),
            shape: self.shape.into_boxed_str(),
        })
    }
}

/// A stored value's type and size, without its value (`S (12 characters)`): what error
/// messages show, since a stored value may be anything, an email address or a balance.
pub fn shape(value: &AttributeValue) -> String {
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match value {
        AttributeValue::S(s) => format!("S ({})", plural(s.chars().count(), "character")),
        AttributeValue::N(n) => format!(
            "N ({})",
            plural(n.chars().filter(char::is_ascii_digit).count(), "digit")
        ),
        AttributeValue::Bool(_) => "BOOL".to_owned(),
        AttributeValue::Null(_) => "NULL".to_owned(),
        AttributeValue::B(b) => format!("B ({})", plural(b.as_ref().len(), "byte")),
        AttributeValue::Ss(items) => format!("SS ({})", plural(items.len(), "element")),
        AttributeValue::Ns(items) => format!("NS ({})", plural(items.len(), "element")),
        AttributeValue::Bs(items) => format!("BS ({})", plural(items.len(), "element")),
        AttributeValue::L(items) => format!("L ({})", plural(items.len(), "element")),
        AttributeValue::M(map) => format!("M ({})", plural(map.len(), "entry").replace("entrys", "entries")),
        _ => "an unknown attribute type".to_owned(),
    }
}

/// A short description of a stored value for your code: its type, and scalars' text.
pub fn describe(value: &AttributeValue) -> String {
    fn clip(text: &str) -> String {
        let mut out: String = text.chars().take(40).collect();
        if out.len() < text.len() {
            out.push('…');
        }
        out
    }
    match value {
        AttributeValue::S(s) => format!("S {:?}", clip(s)),
        AttributeValue::N(n) => format!("N {}", clip(n)),
        AttributeValue::Bool(b) => format!("BOOL {b}"),
        AttributeValue::Null(_) => "NULL".to_owned(),
        AttributeValue::B(b) => format!("B ({} bytes)", b.as_ref().len()),
        AttributeValue::Ss(_) => "SS".to_owned(),
        AttributeValue::Ns(_) => "NS".to_owned(),
        AttributeValue::Bs(_) => "BS".to_owned(),
        AttributeValue::L(_) => "L".to_owned(),
        AttributeValue::M(_) => "M".to_owned(),
        _ => "an unknown attribute type".to_owned(),
    }
}

/// A Rust value with one stored DynamoDB encoding.
///
/// ```
/// use ddbgen_runtime::{AttributeCodec, AttributeValue};
///
/// assert_eq!(1995u16.encode(), Some(AttributeValue::N("1995".into())));
/// assert_eq!(u16::decode(AttributeValue::N("1995".into())), Ok(1995));
/// assert!(u8::decode(AttributeValue::N("1995".into())).is_err()); // never wrapped
/// ```
pub trait AttributeCodec: Sized {
    /// What the encoding looks like, for error messages (`N (u16)`).
    const EXPECTED: &'static str;

    /// The stored value, or `None` when nothing is stored (`None`, an empty set).
    fn encode(&self) -> Option<AttributeValue>;

    /// Reads a stored value, exactly. Takes the value by value, so that strings, lists and maps
    /// move into the result instead of being copied: the SDK hands over pages it owns.
    fn decode(value: AttributeValue) -> Result<Self, DecodeError>;

    /// Reads a stored value from the response body ([`Wire`]), exactly as [`decode`](Self::decode)
    /// reads the SDK's: the same result, the same error. The default goes through the SDK's
    /// value; the scalars read the borrowed text directly.
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        Self::decode(value.into_attribute_value())
    }

    /// The value of an absent attribute, for types where absence means something (`None`, an
    /// empty set); `None` when absence is an error.
    fn decode_missing() -> Option<Self> {
        None
    }
}
