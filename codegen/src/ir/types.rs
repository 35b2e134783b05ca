//! Field types, codecs, key types and literals: the parsed and resolved form of a `type:`
//! string such as `list<Author>`, and of the values a schema writes.

use std::cmp::Ordering;

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
    /// An entry of `types:` as written, before lowering resolves it to `Enum` or `Object`.
    Named(String),
    /// A string enum of `types:`, by name.
    Enum(String),
    /// A nested object of `types:`, by name.
    Object(String),
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
    /// A UTC time (stored as its field's [`Codec`] says).
    DateTime,
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

    /// Whether the type holds negative values.
    pub fn signed(self) -> bool {
        matches!(self, IntType::I8 | IntType::I16 | IntType::I32 | IntType::I64)
    }

    /// Digits of its composite-key part: the unsigned type of its width, zero-padded
    /// (`ddbgen_runtime::KeyPart`; docs/encoding.md).
    pub fn key_part_digits(self) -> usize {
        match self {
            IntType::I8 | IntType::U8 => 3,
            IntType::I16 | IntType::U16 => 5,
            IntType::I32 | IntType::U32 => 10,
            IntType::I64 | IntType::U64 => 20,
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

/// How a field's value is stored: decided once in lowering, printed by every emitter as a
/// runtime codec type (`rt::Native`, `rt::EpochSeconds`, `rt::EpochMillis`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// The type's own encoding (`AttributeCodec`; `docs/encoding.md`).
    Native,
    /// A `datetime` as whole seconds since the epoch (N).
    EpochSeconds,
    /// A `datetime` as whole milliseconds since the epoch (N).
    EpochMillis,
}

impl Codec {
    /// The codec of a `datetime` stored in `format`.
    pub fn for_datetime(format: DateTimeFormat) -> Self {
        match format {
            DateTimeFormat::Rfc3339 => Codec::Native,
            DateTimeFormat::EpochSeconds => Codec::EpochSeconds,
            DateTimeFormat::EpochMillis => Codec::EpochMillis,
        }
    }

    /// The runtime type's name (`EpochSeconds`).
    pub fn runtime_name(self) -> &'static str {
        match self {
            Codec::Native => "Native",
            Codec::EpochSeconds => "EpochSeconds",
            Codec::EpochMillis => "EpochMillis",
        }
    }
}

/// The DynamoDB type of a key attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// String.
    S,
    /// Number.
    N,
    /// Binary.
    B,
}

impl KeyType {
    /// The key type of a stored value of `ty` with `codec`, or `None` for a type that cannot
    /// be a key (`BOOL`, collections, objects).
    pub fn of(ty: &FieldType, codec: Codec) -> Option<Self> {
        match (ty, codec) {
            (FieldType::Scalar(Scalar::DateTime), Codec::EpochSeconds | Codec::EpochMillis) => Some(KeyType::N),
            (FieldType::Scalar(Scalar::String | Scalar::Uuid | Scalar::Date | Scalar::DateTime), _) => Some(KeyType::S),
            (FieldType::Scalar(Scalar::Int(_) | Scalar::F64 | Scalar::Decimal), _) => Some(KeyType::N),
            (FieldType::Scalar(Scalar::Bytes), _) => Some(KeyType::B),
            (FieldType::Enum(_), _) => Some(KeyType::S),
            _ => None,
        }
    }

    /// `S`, `N` or `B`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::S => "S",
            KeyType::N => "N",
            KeyType::B => "B",
        }
    }
}

/// A literal of a schema (a default, a `one_of` value, a `min`/`max` bound), exact and
/// checked against its field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string.
    String(String),
    /// A boolean.
    Bool(bool),
    /// An integer, within its type's range (i128 holds every i64 and u64).
    Int(i128),
    /// A finite float.
    Float(f64),
    /// An exact decimal: `mantissa × 10^-scale` (`"0.10"` is 10, 2).
    Decimal {
        /// The digits, with the sign.
        mantissa: i128,
        /// Digits after the point.
        scale: u32,
    },
    /// A value of a string enum: its stored value and Rust variant.
    Enum {
        /// The stored value.
        value: String,
        /// The Rust variant.
        variant: String,
    },
}

impl Literal {
    /// Parses exact decimal text (`-12.50`) that `rust_decimal` can hold (at most 28 digits
    /// after the point, a mantissa below 2^96).
    pub fn decimal(text: &str) -> Option<Self> {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !all_digits(whole)
            || !all_digits(fraction)
            || (digits.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let scale = u32::try_from(fraction.len()).ok().filter(|s| *s <= 28)?;
        let magnitude: i128 = format!("{whole}{fraction}").parse().ok()?;
        if magnitude >= 1i128 << 96 {
            return None;
        }
        Some(Literal::Decimal {
            mantissa: if negative { -magnitude } else { magnitude },
            scale,
        })
    }

    /// Orders two number literals of the same type exactly (no `f64` for integers or
    /// decimals); `None` for literals that are not comparable numbers.
    pub fn compare(&self, other: &Literal) -> Option<Ordering> {
        match (self, other) {
            (Literal::Int(a), Literal::Int(b)) => Some(a.cmp(b)),
            (Literal::Float(a), Literal::Float(b)) => a.partial_cmp(b),
            (Literal::Decimal { mantissa: a, scale: sa }, Literal::Decimal { mantissa: b, scale: sb }) => {
                // Bring both to the larger scale; mantissas are below 2^96 and scales at most
                // 28, so compare digit strings when the product would overflow.
                let scale = (*sa).max(*sb);
                let widen = |m: i128, s: u32| m.checked_mul(10i128.checked_pow(scale - s)?);
                match (widen(*a, *sa), widen(*b, *sb)) {
                    (Some(x), Some(y)) => Some(x.cmp(&y)),
                    _ => Some(decimal_key(*a, *sa).cmp(&decimal_key(*b, *sb))),
                }
            }
            _ => None,
        }
    }

    /// The literal as the schema would write it (`"0.10"`, `draft`, `42`).
    pub fn display(&self) -> String {
        match self {
            Literal::String(s) => format!("{s:?}"),
            Literal::Enum { value, .. } => value.clone(),
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => i.to_string(),
            Literal::Float(f) => format!("{f:?}"),
            Literal::Decimal { mantissa, scale } => decimal_text(*mantissa, *scale),
        }
    }
}

/// `mantissa × 10^-scale` as text (`-0.50`).
pub fn decimal_text(mantissa: i128, scale: u32) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let sign = if mantissa < 0 { "-" } else { "" };
    if scale == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

/// A sort key for decimals too wide to scale in i128: sign, then integer digits by length
/// and value, then fraction digits (negated for negative numbers).
fn decimal_key(mantissa: i128, scale: u32) -> (bool, i128, String) {
    let text = decimal_text(mantissa.abs(), scale);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: i128 = whole.parse().unwrap_or_default();
    let fraction = fraction.trim_end_matches('0').to_owned();
    if mantissa < 0 {
        // Larger magnitude sorts lower: invert by mapping digits 0..9 to 9..0.
        let inverted: String = fraction.bytes().map(|b| char::from(b'9' - (b - b'0'))).collect();
        (false, -whole, inverted + "9")
    } else {
        (true, whole, fraction)
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
            "datetime" => Scalar::DateTime,
            "date" => Scalar::Date,
            "bytes" => Scalar::Bytes,
            _ if is_type_name(text) => return Ok(FieldType::Named(text.to_owned())),
            _ => return Err(format!("`{text}` is not a type")),
        }))
    }

    /// The named type this type refers to, as written or resolved.
    pub fn named(&self) -> Option<&str> {
        match self {
            FieldType::Named(n) | FieldType::Enum(n) | FieldType::Object(n) => Some(n),
            FieldType::List(inner) | FieldType::Map(inner) => inner.named(),
            FieldType::Scalar(_) | FieldType::Set(_) => None,
        }
    }

    /// This type with its named type resolved by `resolve` (`Named` into `Enum` or `Object`).
    pub fn resolved(self, resolve: &dyn Fn(&str) -> FieldType) -> FieldType {
        match self {
            FieldType::Named(n) => resolve(&n),
            FieldType::List(inner) => FieldType::List(Box::new(inner.resolved(resolve))),
            FieldType::Map(inner) => FieldType::Map(Box::new(inner.resolved(resolve))),
            other => other,
        }
    }

    /// Whether a value of this type holds a nested object (whose rules are checked by its own
    /// `Validate`).
    pub fn contains_object(&self) -> bool {
        self.object().is_some()
    }

    /// The object type a value of this type holds (itself, or in a list or map).
    pub fn object(&self) -> Option<&str> {
        match self {
            FieldType::Object(name) => Some(name),
            FieldType::List(inner) | FieldType::Map(inner) => inner.object(),
            _ => None,
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

    #[test]
    fn decimals_compare_exactly() {
        let d = |t: &str| Literal::decimal(t).unwrap();
        assert_eq!(d("0.10"), Literal::Decimal { mantissa: 10, scale: 2 });
        assert_eq!(d("0.1").compare(&d("0.10")), Some(Ordering::Equal));
        assert_eq!(d("-1000.5").compare(&d("-1000.49")), Some(Ordering::Less));
        // Too wide to scale in i128: still exact.
        let big = d("79228162514264337593543950335");
        let small = d("0.0000000000000000000000000001");
        assert_eq!(small.compare(&big), Some(Ordering::Less));
        assert_eq!(
            d("-0.0000000000000000000000000002").compare(&d("-0.0000000000000000000000000001")),
            Some(Ordering::Less)
        );
        assert_eq!(Literal::decimal("1e5"), None);
        assert_eq!(Literal::decimal("1."), None);
        assert_eq!(decimal_text(-5, 2), "-0.05");
        assert_eq!(
            Literal::Int(u64::MAX.into()).compare(&Literal::Int(i64::MAX.into())),
            Some(Ordering::Greater)
        );
    }
}
