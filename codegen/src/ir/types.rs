//! Field types: the parsed form of a `type:` string such as `list<Author>`.

use crate::schema::model::DateTimeFormat;

/// The type of a field, without optionality.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldType {
    /// A scalar.
    Scalar(Scalar),
    /// `set<T>`: string, integer, decimal or bytes elements.
    Set(Scalar),
    /// `list<T>`.
    List(Box<FieldType>),
    /// `map<string, T>`.
    Map(Box<FieldType>),
    /// An entry of `types:`.
    Named(String),
}

/// A scalar type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    /// UTF-8 text (S).
    String,
    /// A boolean (BOOL).
    Bool,
    /// An integer (N).
    Int(IntType),
    /// A binary float (N), inexact.
    F64,
    /// An exact decimal (N).
    Decimal,
    /// A UUID (S, lowercase hyphenated).
    Uuid,
    /// A UTC time, in the given format.
    DateTime(DateTimeFormat),
    /// A calendar date (S, `YYYY-MM-DD`).
    Date,
    /// Bytes (B).
    Bytes,
}

/// An integer type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntType {
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
}

impl IntType {
    /// The Rust type name.
    pub fn rust_name(self) -> &'static str {
        match self {
            IntType::I8 => "i8",
            IntType::I16 => "i16",
            IntType::I32 => "i32",
            IntType::I64 => "i64",
            IntType::U8 => "u8",
            IntType::U16 => "u16",
            IntType::U32 => "u32",
            IntType::U64 => "u64",
        }
    }

    /// Smallest and largest value.
    pub fn range(self) -> (i128, i128) {
        match self {
            IntType::I8 => (i8::MIN.into(), i8::MAX.into()),
            IntType::I16 => (i16::MIN.into(), i16::MAX.into()),
            IntType::I32 => (i32::MIN.into(), i32::MAX.into()),
            IntType::I64 => (i64::MIN.into(), i64::MAX.into()),
            IntType::U8 => (0, u8::MAX.into()),
            IntType::U16 => (0, u16::MAX.into()),
            IntType::U32 => (0, u32::MAX.into()),
            IntType::U64 => (0, u64::MAX.into()),
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "i8" => IntType::I8,
            "i16" => IntType::I16,
            "i32" => IntType::I32,
            "i64" | "integer" => IntType::I64,
            "u8" => IntType::U8,
            "u16" => IntType::U16,
            "u32" => IntType::U32,
            "u64" => IntType::U64,
            _ => return None,
        })
    }
}

impl Scalar {
    /// The DynamoDB attribute type of this scalar, as a key (`S`, `N`, `B`), or `None` for a
    /// type that cannot be a key (`BOOL`).
    pub fn key_type(self) -> Option<&'static str> {
        match self {
            Scalar::String | Scalar::Uuid | Scalar::Date => Some("S"),
            Scalar::DateTime(DateTimeFormat::Rfc3339) => Some("S"),
            Scalar::DateTime(_) | Scalar::Int(_) | Scalar::F64 | Scalar::Decimal => Some("N"),
            Scalar::Bytes => Some("B"),
            Scalar::Bool => None,
        }
    }
}

impl FieldType {
    /// Parses a `type:` string. Names that are not built-in types are taken as named types;
    /// the caller checks that they exist.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(inner) = generic_argument(text, "list")? {
            return Ok(FieldType::List(Box::new(FieldType::parse(inner)?)));
        }
        if let Some(inner) = generic_argument(text, "map")? {
            let (key, value) = inner
                .split_once(',')
                .ok_or_else(|| format!("`{text}` needs a key and a value type: `map<string, T>`"))?;
            if key.trim() != "string" {
                return Err(format!(
                    "map keys are strings in DynamoDB: write `map<string, {}>`",
                    value.trim()
                ));
            }
            return Ok(FieldType::Map(Box::new(FieldType::parse(value)?)));
        }
        if let Some(inner) = generic_argument(text, "set")? {
            return match FieldType::parse(inner)? {
                FieldType::Scalar(s @ (Scalar::String | Scalar::Int(_) | Scalar::Decimal | Scalar::Bytes)) => {
                    Ok(FieldType::Set(s))
                }
                _ => Err(format!(
                    "`{text}`: DynamoDB sets hold strings, numbers or bytes: use set<string>, set<integer>, set<decimal> or set<bytes>, or a list"
                )),
            };
        }
        if let Some(int) = IntType::parse(text) {
            return Ok(FieldType::Scalar(Scalar::Int(int)));
        }
        Ok(FieldType::Scalar(match text {
            "string" => Scalar::String,
            "bool" => Scalar::Bool,
            "f64" => Scalar::F64,
            "decimal" => Scalar::Decimal,
            "uuid" => Scalar::Uuid,
            "datetime" => Scalar::DateTime(DateTimeFormat::Rfc3339),
            "date" => Scalar::Date,
            "bytes" => Scalar::Bytes,
            _ if is_type_name(text) => return Ok(FieldType::Named(text.to_owned())),
            _ => return Err(format!("`{text}` is not a type")),
        }))
    }

    /// The named types this type refers to.
    pub fn named(&self) -> Option<&str> {
        match self {
            FieldType::Named(n) => Some(n),
            FieldType::List(inner) | FieldType::Map(inner) => inner.named(),
            FieldType::Scalar(_) | FieldType::Set(_) => None,
        }
    }
}

/// `inner` of `name<inner>`, when `text` has that form.
fn generic_argument<'a>(text: &'a str, name: &str) -> Result<Option<&'a str>, String> {
    let Some(rest) = text.strip_prefix(name).map(str::trim_start) else {
        return Ok(None);
    };
    let Some(rest) = rest.strip_prefix('<') else {
        return Ok(None);
    };
    match rest.strip_suffix('>') {
        Some(inner) => Ok(Some(inner)),
        None => Err(format!("`{text}` is missing its closing `>`")),
    }
}

fn is_type_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_generic_types() {
        assert_eq!(
            FieldType::parse("map<string, list<Author>>"),
            Ok(FieldType::Map(Box::new(FieldType::List(Box::new(FieldType::Named(
                "Author".into()
            ))))))
        );
        assert_eq!(
            FieldType::parse("set<integer>"),
            Ok(FieldType::Set(Scalar::Int(IntType::I64)))
        );
        assert!(FieldType::parse("set<bool>").is_err());
        assert!(FieldType::parse("map<u8, string>").is_err());
        assert!(FieldType::parse("list<string").is_err());
        assert!(FieldType::parse("strng").is_err());
    }
}
