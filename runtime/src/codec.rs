//! Exact conversion between Rust values and DynamoDB `AttributeValue`s.
//!
//! One impl of [`AttributeCodec`] per type of the schema format. Numbers are parsed as the
//! declared type and never rounded, wrapped or clamped: a value that does not fit is a
//! [`DecodeError`]. The stored encodings are listed in `docs/encoding.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

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
        crate::Error::Conversion {
            table: table.to_owned(),
            entity: None,
            attribute: self.path,
            expected: self.expected,
            found: self.found.into_boxed_str(),
            shape: self.shape.into_boxed_str(),
        }
    }
}

impl DecodeError {
    /// Into the crate's [`Error`](crate::Error), naming the table and the entity of a single
    /// table the item was read as.
    pub fn in_entity(self, table: &str, entity: &'static str) -> crate::Error {
        crate::Error::Conversion {
            table: table.to_owned(),
            entity: Some(entity),
            attribute: self.path,
            expected: self.expected,
            found: self.found.into_boxed_str(),
            shape: self.shape.into_boxed_str(),
        }
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

    /// The value of an absent attribute, for types where absence means something (`None`, an
    /// empty set); `None` when absence is an error.
    fn decode_missing() -> Option<Self> {
        None
    }
}

impl AttributeCodec for String {
    const EXPECTED: &'static str = "S (string)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::S(self.clone()))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::S(s) => Ok(s),
            other => Err(DecodeError::new(Self::EXPECTED, &other)),
        }
    }
}

impl AttributeCodec for bool {
    const EXPECTED: &'static str = "BOOL";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::Bool(*self))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Bool(b) => Ok(b),
            other => Err(DecodeError::new(Self::EXPECTED, &other)),
        }
    }
}

macro_rules! integer_codec {
    ($($ty:ty => $expected:literal),* $(,)?) => {$(
        impl AttributeCodec for $ty {
            const EXPECTED: &'static str = $expected;
            fn encode(&self) -> Option<AttributeValue> {
                Some(AttributeValue::N(self.to_string()))
            }
            fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
                match &value {
                    AttributeValue::N(n) => n.parse().map_err(|_| DecodeError::new(Self::EXPECTED, &value)),
                    other => Err(DecodeError::new(Self::EXPECTED, other)),
                }
            }
        }
    )*};
}

integer_codec! {
    i8 => "N (a whole number that fits in i8)",
    i16 => "N (a whole number that fits in i16)",
    i32 => "N (a whole number that fits in i32)",
    i64 => "N (a whole number that fits in i64)",
    u8 => "N (a whole number that fits in u8)",
    u16 => "N (a whole number that fits in u16)",
    u32 => "N (a whole number that fits in u32)",
    u64 => "N (a whole number that fits in u64)",
}

impl AttributeCodec for f64 {
    const EXPECTED: &'static str = "N (f64)";
    fn encode(&self) -> Option<AttributeValue> {
        // `{:?}` prints the shortest text that reads back to the same f64.
        Some(AttributeValue::N(format!("{self:?}")))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match &value {
            AttributeValue::N(n) => n.parse().map_err(|_| DecodeError::new(Self::EXPECTED, &value)),
            other => Err(DecodeError::new(Self::EXPECTED, other)),
        }
    }
}

impl AttributeCodec for Decimal {
    const EXPECTED: &'static str = "N (a decimal of at most 28 significant digits)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::N(self.to_string()))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match &value {
            // `from_str_exact` refuses what it would have to round.
            AttributeValue::N(n) => Decimal::from_str_exact(n).map_err(|_| DecodeError::new(Self::EXPECTED, &value)),
            other => Err(DecodeError::new(Self::EXPECTED, other)),
        }
    }
}

impl AttributeCodec for Uuid {
    const EXPECTED: &'static str = "S (a UUID)";
    fn encode(&self) -> Option<AttributeValue> {
        let mut buffer = Uuid::encode_buffer();
        Some(AttributeValue::S(
            self.hyphenated().encode_lower(&mut buffer).to_owned(),
        ))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match &value {
            AttributeValue::S(s) => Uuid::try_parse(s).map_err(|_| DecodeError::new(Self::EXPECTED, &value)),
            other => Err(DecodeError::new(Self::EXPECTED, other)),
        }
    }
}

/// Appends `value` as exactly `width` decimal digits (`value` < 10^width).
fn push_digits(out: &mut String, value: u32, width: u32) {
    for position in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(position) % 10) as u8));
    }
}

/// Appends `YYYY-MM-DD`, digit by digit (chrono's `format` parses its pattern on every call).
/// Years outside 0..=9999 take chrono's longer form (and do not sort).
pub(crate) fn push_date(out: &mut String, date: &NaiveDate) {
    use chrono::Datelike;
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => {
            push_digits(out, year, 4);
            out.push('-');
            push_digits(out, date.month(), 2);
            out.push('-');
            push_digits(out, date.day(), 2);
        }
        _ => out.push_str(&date.format("%Y-%m-%d").to_string()),
    }
}

/// Reads `YYYY-MM-DD`. The fixed-width form every stored date has is read digit by digit;
/// anything else goes to chrono's parser, which decides (chrono's `parse_from_str` interprets
/// its pattern on every call, a third of the time of decoding a date-heavy item).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    fn digits(bytes: &[u8]) -> Option<u32> {
        bytes
            .iter()
            .try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    }
    let bytes = text.as_bytes();
    if let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *bytes
        && let (Some(year), Some(month), Some(day)) = (digits(&[y0, y1, y2, y3]), digits(&[m0, m1]), digits(&[d0, d1]))
    {
        // A four-digit year always fits in i32.
        return NaiveDate::from_ymd_opt(year as i32, month, day);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// The fixed-width, sortable RFC 3339 text of a UTC time (nanosecond precision):
/// `2023-11-14T22:13:20.000000123Z`. (chrono's own formatter; a hand-rolled one measured no
/// faster, see BENCHMARKS.md.)
pub(crate) fn rfc3339(time: &DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// Reads an RFC 3339 time. The UTC form ddbgen stores (`2023-11-14T22:13:20.000000123Z`, any
/// number of fraction digits up to nine, or none) is read digit by digit; anything else (an
/// offset, a leap second, lower-case separators) goes to chrono's parser, which decides.
pub(crate) fn parse_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    fast_rfc3339(text.as_bytes()).or_else(|| DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc)))
}

fn fast_rfc3339(bytes: &[u8]) -> Option<DateTime<Utc>> {
    fn digits(bytes: &[u8]) -> Option<u32> {
        bytes
            .iter()
            .try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
    }
    let (head, rest) = bytes.split_at_checked(19)?;
    let [
        y0,
        y1,
        y2,
        y3,
        b'-',
        m0,
        m1,
        b'-',
        d0,
        d1,
        b'T',
        h0,
        h1,
        b':',
        i0,
        i1,
        b':',
        s0,
        s1,
    ] = *head
    else {
        return None;
    };
    let nanos = match rest {
        [b'Z'] => 0,
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            digits(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        digits(&[y0, y1, y2, y3])? as i32,
        digits(&[m0, m1])?,
        digits(&[d0, d1])?,
    )?;
    // A leap second (`:60`) is left to chrono.
    let time = chrono::NaiveTime::from_hms_nano_opt(digits(&[h0, h1])?, digits(&[i0, i1])?, digits(&[s0, s1])?, nanos)?;
    Some(date.and_time(time).and_utc())
}

impl AttributeCodec for DateTime<Utc> {
    const EXPECTED: &'static str = "S (an RFC 3339 time)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::S(rfc3339(self)))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match &value {
            AttributeValue::S(s) => parse_rfc3339(s).ok_or_else(|| DecodeError::new(Self::EXPECTED, &value)),
            other => Err(DecodeError::new(Self::EXPECTED, other)),
        }
    }
}

impl AttributeCodec for NaiveDate {
    const EXPECTED: &'static str = "S (a date YYYY-MM-DD)";
    fn encode(&self) -> Option<AttributeValue> {
        let mut text = String::with_capacity(10);
        push_date(&mut text, self);
        Some(AttributeValue::S(text))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match &value {
            AttributeValue::S(s) => parse_date(s).ok_or_else(|| DecodeError::new(Self::EXPECTED, &value)),
            other => Err(DecodeError::new(Self::EXPECTED, other)),
        }
    }
}

/// The value of a `bytes` field, stored as B.
///
/// A newtype rather than `Vec<u8>`, so that `list<u8>` (a list of numbers) and `bytes` (one
/// binary value) stay different types.
///
/// ```
/// use ddbgen_runtime::{AttributeCodec, Bytes};
///
/// let cover = Bytes::from(vec![0x89, 0x50]);
/// assert_eq!(Bytes::decode(cover.encode().unwrap()), Ok(cover));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Bytes(pub Vec<u8>);

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes(bytes)
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Self {
        Bytes(bytes.to_vec())
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AttributeCodec for Bytes {
    const EXPECTED: &'static str = "B (bytes)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::B(Blob::new(self.0.clone())))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::B(b) => Ok(Bytes(b.into_inner())),
            other => Err(DecodeError::new(Self::EXPECTED, &other)),
        }
    }
}

/// Reads a whole number of epoch units as a time, refusing fractions and out-of-range values.
fn decode_epoch(
    value: &AttributeValue,
    expected: &str,
    from_units: fn(i64) -> Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, DecodeError> {
    match value {
        AttributeValue::N(n) => n
            .parse::<i64>()
            .ok()
            .and_then(from_units)
            .ok_or_else(|| DecodeError::new(expected, value)),
        other => Err(DecodeError::new(expected, other)),
    }
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

    /// Decodes the stored value of field `name` (`None`: the item has no such attribute).
    /// Errors name the attribute's path.
    fn field(&self, stored: Option<AttributeValue>, name: &str) -> Result<T, DecodeError> {
        match stored {
            Some(value) => self.decode(value).map_err(|e| e.at_field(name)),
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
            pub fn field<T>(self, stored: Option<AttributeValue>, name: &str) -> Result<T, DecodeError> where Self: Codec<T> {
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

impl<T: AttributeCodec> AttributeCodec for Box<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn encode(&self) -> Option<AttributeValue> {
        (**self).encode()
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        T::decode(value).map(Box::new)
    }
    fn decode_missing() -> Option<Self> {
        T::decode_missing().map(Box::new)
    }
}

/// Element types of DynamoDB sets.
trait SetElement: AttributeCodec + Ord {
    const SET_EXPECTED: &'static str;
    fn encode_set(set: &BTreeSet<Self>) -> AttributeValue;
    /// Reads the set; anything but this element type's set is an error.
    fn decode_set(value: AttributeValue) -> Result<BTreeSet<Self>, DecodeError>;
}

impl SetElement for String {
    const SET_EXPECTED: &'static str = "SS (a string set)";
    fn encode_set(set: &BTreeSet<Self>) -> AttributeValue {
        AttributeValue::Ss(set.iter().cloned().collect())
    }
    fn decode_set(value: AttributeValue) -> Result<BTreeSet<Self>, DecodeError> {
        match value {
            AttributeValue::Ss(items) => Ok(items.into_iter().collect()),
            other => Err(DecodeError::new(Self::SET_EXPECTED, &other)),
        }
    }
}

impl SetElement for Bytes {
    const SET_EXPECTED: &'static str = "BS (a binary set)";
    fn encode_set(set: &BTreeSet<Self>) -> AttributeValue {
        AttributeValue::Bs(set.iter().map(|b| Blob::new(b.0.clone())).collect())
    }
    fn decode_set(value: AttributeValue) -> Result<BTreeSet<Self>, DecodeError> {
        match value {
            AttributeValue::Bs(items) => Ok(items.into_iter().map(|b| Bytes(b.into_inner())).collect()),
            other => Err(DecodeError::new(Self::SET_EXPECTED, &other)),
        }
    }
}

macro_rules! number_set {
    ($($ty:ty),*) => {$(
        impl SetElement for $ty {
            const SET_EXPECTED: &'static str = "NS (a number set)";
            fn encode_set(set: &BTreeSet<Self>) -> AttributeValue {
                AttributeValue::Ns(set.iter().map(|n| n.to_string()).collect())
            }
            fn decode_set(value: AttributeValue) -> Result<BTreeSet<Self>, DecodeError> {
                match value {
                    AttributeValue::Ns(items) => items
                        .into_iter()
                        .enumerate()
                        .map(|(i, n)| <$ty as AttributeCodec>::decode(AttributeValue::N(n)).map_err(|e| e.at_index(i)))
                        .collect(),
                    other => Err(DecodeError::new(Self::SET_EXPECTED, &other)),
                }
            }
        }
    )*};
}

number_set!(i8, i16, i32, i64, u8, u16, u32, u64, Decimal);

/// Sets are SS, NS or BS. DynamoDB refuses empty sets, so an empty set is not stored, and an
/// absent attribute reads back as an empty set.
#[allow(private_bounds)]
impl<T: SetElement> AttributeCodec for BTreeSet<T> {
    const EXPECTED: &'static str = T::SET_EXPECTED;
    fn encode(&self) -> Option<AttributeValue> {
        (!self.is_empty()).then(|| T::encode_set(self))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        T::decode_set(value)
    }
    fn decode_missing() -> Option<Self> {
        Some(BTreeSet::new())
    }
}

/// A value inside a list or map: what is not stored on its own (an empty set) is NULL there.
fn encode_element<T: AttributeCodec>(value: &T) -> AttributeValue {
    value.encode().unwrap_or(AttributeValue::Null(true))
}

fn decode_element<T: AttributeCodec>(value: AttributeValue) -> Result<T, DecodeError> {
    if let AttributeValue::Null(_) = value
        && let Some(missing) = T::decode_missing()
    {
        return Ok(missing);
    }
    T::decode(value)
}

impl<T: AttributeCodec> AttributeCodec for Vec<T> {
    const EXPECTED: &'static str = "L (a list)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::L(self.iter().map(encode_element).collect()))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::L(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| decode_element(v).map_err(|e| e.at_index(i)))
                .collect(),
            other => Err(DecodeError::new(Self::EXPECTED, &other)),
        }
    }
}

impl<T: AttributeCodec> AttributeCodec for BTreeMap<String, T> {
    const EXPECTED: &'static str = "M (a map)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::M(
            self.iter().map(|(k, v)| (k.clone(), encode_element(v))).collect(),
        ))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::M(entries) => entries
                .into_iter()
                .map(|(k, v)| match decode_element(v) {
                    Ok(v) => Ok((k, v)),
                    Err(e) => Err(e.at_field(&map_key(&k))),
                })
                .collect(),
            other => Err(DecodeError::new(Self::EXPECTED, &other)),
        }
    }
}

/// A map key as it appears in an error path.
fn map_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let _ = write!(out, "[{key:?}]");
    out
}

/// `None` is not stored (never NULL); NULL and absence both read back as `None`.
impl<T: AttributeCodec> AttributeCodec for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn encode(&self) -> Option<AttributeValue> {
        self.as_ref().and_then(T::encode)
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        match value {
            AttributeValue::Null(_) => Ok(None),
            other => T::decode(other).map(Some),
        }
    }
    fn decode_missing() -> Option<Self> {
        Some(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_exact_and_never_wrap() {
        assert_eq!(u16::decode(AttributeValue::N("65535".into())), Ok(65535));
        let err = u16::decode(AttributeValue::N("65536".into())).unwrap_err();
        assert_eq!(err.found, "N 65536");
        assert!(u8::decode(AttributeValue::N("1.5".into())).is_err());
        assert!(i64::decode(AttributeValue::S("1".into())).is_err());
    }

    #[test]
    fn decimals_are_never_rounded() {
        let d = Decimal::decode(AttributeValue::N("12345.678900".into())).unwrap();
        assert_eq!(d.encode(), Some(AttributeValue::N("12345.678900".into())));
        assert!(Decimal::decode(AttributeValue::N("1.00000000000000000000000000000001".into())).is_err());
    }

    #[test]
    fn empty_sets_are_not_stored_and_read_back_empty() {
        assert_eq!(BTreeSet::<String>::new().encode(), None);
        assert_eq!(BTreeSet::<String>::decode_missing(), Some(BTreeSet::new()));
    }

    #[test]
    fn nested_errors_carry_their_path() {
        let value = AttributeValue::L(vec![
            AttributeValue::M([("n".to_owned(), AttributeValue::N("1".into()))].into()),
            AttributeValue::M([("n".to_owned(), AttributeValue::S("x".into()))].into()),
        ]);
        let err = Vec::<BTreeMap<String, u8>>::decode(value)
            .unwrap_err()
            .at_field("items");
        assert_eq!(err.path, "items[1][\"n\"]");
        assert_eq!(err.found, "S \"x\"");
    }

    proptest::proptest! {
        /// The digit-by-digit date writer writes exactly what chrono's formatter writes.
        #[test]
        fn fast_date_matches_chrono(seconds in -62_167_219_200i64..253_402_300_799) {
            let time = DateTime::from_timestamp(seconds, 0).unwrap();
            let mut date = String::new();
            push_date(&mut date, &time.date_naive());
            proptest::prop_assert_eq!(date, time.date_naive().format("%Y-%m-%d").to_string());
        }
    }

    proptest::proptest! {
        /// The digit-by-digit date reader reads what chrono's parser reads, and refuses what it
        /// refuses, for every stored date and for near misses (bad digits, days, separators).
        #[test]
        fn fast_date_parse_matches_chrono(
            seconds in -62_167_219_200i64..253_402_300_799,
            text in "[0-9+-]{0,5}-[0-9]{1,3}-[0-9]{1,3}|[0-9]{4}.[0-9]{2}.[0-9]{2}",
        ) {
            let date = DateTime::from_timestamp(seconds, 0).unwrap().date_naive();
            let stored = date.format("%Y-%m-%d").to_string();
            proptest::prop_assert_eq!(parse_date(&stored), Some(date));
            proptest::prop_assert_eq!(parse_date(&text), NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok());
        }
    }

    proptest::proptest! {
        /// The digit-by-digit reader agrees with chrono on every stored time, and on text of
        /// nearly the stored form (other widths, offsets, out-of-range fields).
        #[test]
        fn fast_rfc3339_matches_chrono(
            seconds in -62_167_219_200i64..253_402_300_799,
            nanos in 0u32..1_000_000_000,
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,11})?([Zz]|[+-][0-9]{2}:[0-9]{2})",
        ) {
            let time = DateTime::from_timestamp(seconds, nanos).unwrap();
            let chrono = |t: &str| DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc));
            proptest::prop_assert_eq!(parse_rfc3339(&rfc3339(&time)), Some(time));
            let short = time.to_rfc3339_opts(SecondsFormat::Millis, true);
            proptest::prop_assert_eq!(parse_rfc3339(&short), chrono(&short));
            proptest::prop_assert_eq!(parse_rfc3339(&text), chrono(&text));
        }
    }

    #[test]
    fn datetimes_are_fixed_width_and_lossless() {
        let t = DateTime::from_timestamp(1_700_000_000, 123).unwrap();
        let stored = t.encode().unwrap();
        assert_eq!(stored, AttributeValue::S("2023-11-14T22:13:20.000000123Z".into()));
        assert_eq!(DateTime::<Utc>::decode(stored), Ok(t));
        assert_eq!(
            EpochSeconds.decode(EpochSeconds.encode(&t).unwrap()),
            Ok(DateTime::from_timestamp(1_700_000_000, 0).unwrap())
        );
    }
}
