//! The codecs of scalars: strings, booleans, numbers, UUIDs, dates, times and bytes.

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{AttributeCodec, DecodeError, Stored, Text, Wire, decode_text};

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
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        match value {
            Wire::S(s) => Ok(s.into_owned()),
            other => Err(other.mismatch(Self::EXPECTED)),
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
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        match value {
            Wire::Bool(b) => Ok(b),
            other => Err(other.mismatch(Self::EXPECTED)),
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
                decode_text(&value, Text::N, Self::EXPECTED, |n| n.parse().ok())
            }
            fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
                decode_text(&value, Text::N, Self::EXPECTED, |n| n.parse().ok())
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
        decode_text(&value, Text::N, Self::EXPECTED, |n| n.parse().ok())
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        decode_text(&value, Text::N, Self::EXPECTED, |n| n.parse().ok())
    }
}

impl AttributeCodec for Decimal {
    const EXPECTED: &'static str = "N (a decimal of at most 28 significant digits)";
    fn encode(&self) -> Option<AttributeValue> {
        Some(AttributeValue::N(self.to_string()))
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        // `from_str_exact` refuses what it would have to round.
        decode_text(&value, Text::N, Self::EXPECTED, |n| Decimal::from_str_exact(n).ok())
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        decode_text(&value, Text::N, Self::EXPECTED, |n| Decimal::from_str_exact(n).ok())
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
        decode_text(&value, Text::S, Self::EXPECTED, |s| Uuid::try_parse(s).ok())
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        decode_text(&value, Text::S, Self::EXPECTED, |s| Uuid::try_parse(s).ok())
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
        decode_text(&value, Text::S, Self::EXPECTED, parse_rfc3339)
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        decode_text(&value, Text::S, Self::EXPECTED, parse_rfc3339)
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
        decode_text(&value, Text::S, Self::EXPECTED, parse_date)
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        decode_text(&value, Text::S, Self::EXPECTED, parse_date)
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
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        match value {
            Wire::B(b) => Ok(Bytes(b)),
            other => Err(other.mismatch(Self::EXPECTED)),
        }
    }
}
