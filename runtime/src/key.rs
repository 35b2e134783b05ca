//! Composite sort keys whose string order equals the natural order of their parts.
//!
//! Each part type has one fixed encoding ([`KeyPart`]): unsigned integers zero-padded to their
//! type's width, signed integers offset by their type's minimum and then padded (so `-1` sorts
//! before `0`), dates and times in fixed-width UTC, UUIDs lowercase hyphenated, enums by name.
//! Parts are joined by the separator.
//!
//! Text parts (strings and enum names, [`KeyPart::TEXT`]) vary in length, so a value must sort
//! before every longer value that starts with it whatever character follows: `good` before
//! `good first issue`, although a space sorts below `#`. In a composite key every character of
//! a text part at or below the escape character (the separator's first character plus one: `$`
//! for `#`) is written after an escape character, so every character of a text part sorts
//! above the separator, and the separator ends the part as the lowest character would. The
//! code is prefix-free and keeps order, so keys sort exactly as their parts' tuples do, and a
//! value with no such character (most values) is stored as it is: `good$ first$ issue#…`.

use std::fmt;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// A composite key part that cannot be read back.
///
/// ```
/// use ddbgen_runtime::KeyPart;
///
/// let error = u16::read_key_part("1995").unwrap_err();   // five digits expected
/// assert_eq!(error.to_string(), "key part \"1995\" is not 5 digits");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPartError {
    /// The text of the part.
    pub text: String,
    /// What was expected.
    pub expected: &'static str,
}

impl fmt::Display for KeyPartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "key part {:?} is not {}", self.text, self.expected)
    }
}

impl std::error::Error for KeyPartError {}

/// A value that can be one part of a composite sort key.
///
/// ```
/// use ddbgen_runtime::KeyPart;
///
/// let mut key = String::new();
/// (-1i8).write_key_part(&mut key);
/// assert_eq!(key, "127"); // -1 sorts just below 0 ("128")
/// assert_eq!(i8::read_key_part("127"), Ok(-1));
/// ```
pub trait KeyPart {
    /// Whether the encoding is text of varying length (strings, enum names): a composite key
    /// escapes such a part so that it sorts exactly (see the module's documentation). Parts of
    /// fixed width (numbers, dates, times, UUIDs, booleans) are written as they are.
    const TEXT: bool = false;

    /// Appends the order-preserving encoding of `self`.
    fn write_key_part(&self, out: &mut String);
    /// Reads a part back.
    fn read_key_part(text: &str) -> Result<Self, KeyPartError>
    where
        Self: Sized;
}

macro_rules! unsigned_part {
    ($($ty:ty => $width:literal),*) => {$(
        impl KeyPart for $ty {
            fn write_key_part(&self, out: &mut String) {
                let _ = write!(out, "{:0width$}", self, width = $width);
            }
            fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
                if text.len() != $width || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(KeyPartError { text: text.to_owned(), expected: concat!($width, " digits") });
                }
                text.parse().map_err(|_| KeyPartError { text: text.to_owned(), expected: stringify!($ty) })
            }
        }
    )*};
}

unsigned_part!(u8 => 3, u16 => 5, u32 => 10, u64 => 20);

macro_rules! signed_part {
    ($($ty:ty as $unsigned:ty),*) => {$(
        impl KeyPart for $ty {
            fn write_key_part(&self, out: &mut String) {
                // Shift into the unsigned range: MIN becomes 0, so order is kept.
                let shifted = (*self as $unsigned) ^ (1 << (<$unsigned>::BITS - 1));
                shifted.write_key_part(out);
            }
            fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
                let shifted = <$unsigned>::read_key_part(text)?;
                Ok((shifted ^ (1 << (<$unsigned>::BITS - 1))) as $ty)
            }
        }
    )*};
}

signed_part!(i8 as u8, i16 as u16, i32 as u32, i64 as u64);

impl KeyPart for String {
    const TEXT: bool = true;

    fn write_key_part(&self, out: &mut String) {
        out.push_str(self);
    }
    fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
        Ok(text.to_owned())
    }
}

/// A string part as a query takes it (`&str`): the same encoding as `String`.
impl KeyPart for str {
    const TEXT: bool = true;

    fn write_key_part(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl KeyPart for bool {
    fn write_key_part(&self, out: &mut String) {
        out.push(if *self { '1' } else { '0' });
    }
    fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
        match text {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(KeyPartError {
                text: text.to_owned(),
                expected: "0 or 1",
            }),
        }
    }
}

impl KeyPart for Uuid {
    fn write_key_part(&self, out: &mut String) {
        out.push_str(self.hyphenated().encode_lower(&mut Uuid::encode_buffer()));
    }
    fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
        Uuid::try_parse(text).map_err(|_| KeyPartError {
            text: text.to_owned(),
            expected: "a UUID",
        })
    }
}

impl KeyPart for NaiveDate {
    fn write_key_part(&self, out: &mut String) {
        crate::codec::push_date(out, self);
    }
    fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
        crate::codec::parse_date(text).ok_or_else(|| KeyPartError {
            text: text.to_owned(),
            expected: "a date YYYY-MM-DD",
        })
    }
}

impl KeyPart for DateTime<Utc> {
    fn write_key_part(&self, out: &mut String) {
        out.push_str(&crate::codec::rfc3339(self));
    }
    fn read_key_part(text: &str) -> Result<Self, KeyPartError> {
        crate::codec::parse_rfc3339(text).ok_or_else(|| KeyPartError {
            text: text.to_owned(),
            expected: "an RFC 3339 time",
        })
    }
}

/// Builds the stored text of a composite key, part by part.
///
/// ```
/// use ddbgen_runtime::CompositeKey;
///
/// let key = CompositeKey::new("#").part(&1995u16).part("9512512").finish();
/// assert_eq!(key, "01995#9512512");
/// assert_eq!(CompositeKey::new("#").part(&1995u16).prefix(), "01995#"); // never matches 019950#…
/// ```
#[derive(Debug, Clone)]
pub struct CompositeKey<'a> {
    separator: &'a str,
    text: String,
    empty: bool,
}

/// The escape character of text parts in keys joined by `separator`: the character after the
/// separator's first one. `None` when that is not an ASCII character below `~` (the generator
/// refuses such separators), and for an empty separator: nothing is escaped then.
fn escape_char(separator: &str) -> Option<u8> {
    match separator.as_bytes().first() {
        Some(&first) if first < b'~' => Some(first + 1),
        _ => None,
    }
}

/// Appends `text` with every character at or below `escape` written after `escape`.
fn push_escaped(out: &mut String, text: &str, escape: u8) {
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b <= escape) {
        out.push_str(&rest[..at]);
        out.push(char::from(escape));
        // A byte at or below `escape` (< 0x80) is a whole ASCII character.
        out.push(char::from(rest.as_bytes()[at]));
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

impl<'a> CompositeKey<'a> {
    /// An empty key whose parts are joined by `separator`.
    pub fn new(separator: &'a str) -> Self {
        Self {
            separator,
            text: String::new(),
            empty: true,
        }
    }

    /// Appends one part (`&str` for a string part: nothing is copied first). A text part is
    /// escaped (see the module's documentation).
    pub fn part<P: KeyPart + ?Sized>(mut self, part: &P) -> Self {
        if !self.empty {
            self.text.push_str(self.separator);
        }
        let start = self.text.len();
        part.write_key_part(&mut self.text);
        // Most text needs no escape: it is rewritten (and copied) only when it does.
        if let Some(escape) = escape_char(self.separator).filter(|_| P::TEXT)
            && self.text.as_bytes()[start..].iter().any(|&b| b <= escape)
        {
            let raw = self.text.split_off(start);
            push_escaped(&mut self.text, &raw, escape);
        }
        self.empty = false;
        self
    }

    /// The text of a text part as `part` wrote it into a key joined by `separator`, its escapes
    /// removed: `good first issue` for `good$ first$ issue`.
    ///
    /// ```
    /// use ddbgen_runtime::CompositeKey;
    ///
    /// let key = CompositeKey::new("#").part("a#b c").part(&7u8).finish();
    /// assert_eq!(key, "a$#b$ c#007");
    /// assert_eq!(CompositeKey::unescape("a$#b$ c", "#"), "a#b c");
    /// ```
    pub fn unescape(part: &str, separator: &str) -> String {
        let Some(escape) = escape_char(separator) else {
            return part.to_owned();
        };
        let escape = char::from(escape);
        let mut out = String::with_capacity(part.len());
        let mut chars = part.chars();
        while let Some(c) = chars.next() {
            // The escaped character follows; a trailing escape (never written by `part`) stays.
            out.push(if c == escape { chars.next().unwrap_or(escape) } else { c });
        }
        out
    }

    /// The smallest text above every key that starts with this text and the separator: the
    /// key text followed by the separator's successor (`01995$` for `01995` and `#`). Keys of
    /// the parts so far sort below it; keys of greater parts, above.
    pub fn after(mut self) -> String {
        let mut chars: Vec<char> = self.separator.chars().collect();
        if let Some(last) = chars.last_mut() {
            *last = char::from_u32(u32::from(*last) + 1).unwrap_or(char::MAX);
        }
        self.text.extend(chars);
        self.text
    }

    /// Whether no part was added yet.
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// The key text.
    pub fn finish(self) -> String {
        self.text
    }

    /// The key text followed by the separator: the `begins_with` prefix that matches exactly
    /// the keys whose leading parts are these (`2021#` never matches `20210#…`).
    pub fn prefix(mut self) -> String {
        self.text.push_str(self.separator);
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repository::SortCondition;
    use aws_sdk_dynamodb::types::AttributeValue;
    use proptest::prelude::*;

    fn encode<P: KeyPart>(p: &P) -> String {
        let mut s = String::new();
        p.write_key_part(&mut s);
        s
    }

    proptest! {
        #[test]
        fn signed_order_is_kept(a: i64, b: i64) {
            prop_assert_eq!(a.cmp(&b), encode(&a).cmp(&encode(&b)));
            prop_assert_eq!(i64::read_key_part(&encode(&a)), Ok(a));
        }

        #[test]
        fn unsigned_order_is_kept(a: u16, b: u16) {
            prop_assert_eq!(a.cmp(&b), encode(&a).cmp(&encode(&b)));
            prop_assert_eq!(u16::read_key_part(&encode(&a)), Ok(a));
        }

        #[test]
        fn small_signed_order_is_kept(a: i8, b: i8) {
            prop_assert_eq!(a.cmp(&b), encode(&a).cmp(&encode(&b)));
            prop_assert_eq!(i8::read_key_part(&encode(&a)), Ok(a));
        }

        #[test]
        fn dates_and_times_keep_order_for_years_0_to_9999(
            a in 0i64..253_402_300_799, b in 0i64..253_402_300_799, na in 0u32..1_000_000_000, nb in 0u32..1_000_000_000,
        ) {
            // Seconds from 0000-01-01 (as offsets from the Unix epoch) through 9999-12-31.
            let epoch_of_year_0 = -62_167_219_200i64;
            let ta = DateTime::from_timestamp(epoch_of_year_0 + a, na).unwrap();
            let tb = DateTime::from_timestamp(epoch_of_year_0 + b, nb).unwrap();
            prop_assert_eq!(ta.cmp(&tb), encode(&ta).cmp(&encode(&tb)));
            prop_assert_eq!(DateTime::<Utc>::read_key_part(&encode(&ta)), Ok(ta));
            let (da, db) = (ta.date_naive(), tb.date_naive());
            prop_assert_eq!(da.cmp(&db), encode(&da).cmp(&encode(&db)));
            prop_assert_eq!(NaiveDate::read_key_part(&encode(&da)), Ok(da));
        }

        #[test]
        fn uuids_and_bools_keep_order(a: u128, b: u128, x: bool, y: bool) {
            let (ua, ub) = (Uuid::from_u128(a), Uuid::from_u128(b));
            prop_assert_eq!(ua.cmp(&ub), encode(&ua).cmp(&encode(&ub)));
            prop_assert_eq!(Uuid::read_key_part(&encode(&ua)), Ok(ua));
            prop_assert_eq!(x.cmp(&y), encode(&x).cmp(&encode(&y)));
            prop_assert_eq!(bool::read_key_part(&encode(&x)), Ok(x));
        }

        #[test]
        fn composite_order_is_tuple_order(a in (0u16..3000, "[0-9]{1,4}"), b in (0u16..3000, "[0-9]{1,4}")) {
            let ka = CompositeKey::new("#").part(&a.0).part(&a.1).finish();
            let kb = CompositeKey::new("#").part(&b.0).part(&b.1).finish();
            prop_assert_eq!(a.cmp(&b), ka.cmp(&kb));
            prop_assert!(ka.starts_with(&encode(&a.0)));
        }

        /// Any two strings, with characters around every separator, sort in keys as their
        /// tuples do; `begins_with` on a first part matches exactly the keys with that part;
        /// escaping is undone exactly.
        #[test]
        fn text_parts_keep_tuple_order_for_any_string(
            sep in separator(), a in (text(), text()), b in (text(), text()),
        ) {
            let key = |p: &(String, String)| CompositeKey::new(sep).part(&p.0).part(&p.1).finish();
            prop_assert_eq!(a.cmp(&b), key(&a).cmp(&key(&b)), "{:?} {:?}", key(&a), key(&b));
            let prefix = CompositeKey::new(sep).part(a.0.as_str()).prefix();
            prop_assert_eq!(key(&b).starts_with(&prefix), b.0 == a.0);
            let first = CompositeKey::new(sep).part(a.0.as_str()).finish();
            prop_assert_eq!(CompositeKey::unescape(&first, sep), a.0.clone());
        }

        /// Every range condition on a text part, after constants or not, selects exactly the
        /// keys whose part satisfies it, whatever the strings (a sorted model decides).
        #[test]
        fn range_bounds_on_a_text_part_select_exactly(
            sep in separator(),
            stored in prop::collection::vec((prop::sample::select(CONSTANTS), text(), 0u8..3), 1..16),
            v in text(), w in text(),
            with_constants: bool,
        ) {
            let start = || if with_constants { CompositeKey::new(sep).part("ORDER") } else { CompositeKey::new(sep) };
            let key = |(constant, part, n): &(&str, String, u8)| {
                let key = if with_constants { CompositeKey::new(sep).part(*constant) } else { CompositeKey::new(sep) };
                key.part(part.as_str()).part(n).finish()
            };
            let (low, high) = if v <= w { (&v, &w) } else { (&w, &v) };
            let cases: [(SortCondition, Box<Holds<'_>>); 5] = [
                (SortCondition::part_between(start(), low.as_str(), high.as_str()), Box::new(|p| low <= p && p <= high)),
                (SortCondition::part_gt(start(), v.as_str()), Box::new(|p| p > &v)),
                (SortCondition::part_ge(start(), v.as_str()), Box::new(|p| p >= &v)),
                (SortCondition::part_lt(start(), v.as_str()), Box::new(|p| p < &v)),
                (SortCondition::part_le(start(), v.as_str()), Box::new(|p| p <= &v)),
            ];
            for (condition, model) in &cases {
                for item in &stored {
                    let in_scope = !with_constants || item.0 == "ORDER";
                    prop_assert_eq!(
                        matches(condition, &key(item)),
                        in_scope && model(&item.1),
                        "{:?} on {:?}", condition, key(item)
                    );
                }
            }
        }
    }

    /// Whether a part's value satisfies a comparison, in the model.
    type Holds<'a> = dyn Fn(&String) -> bool + 'a;

    /// Constants of other entities' templates around `ORDER`, each sorting near it.
    const CONSTANTS: &[&str] = &["ORDER", "ORDER X", "ORDERS", "ORDEQ", "ORDER#", "ORDER$", "ORDE"];

    /// Separators the generator accepts, low and high.
    fn separator() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["#", "|", "::", " ", "!", "-"])
    }

    /// Strings of characters around every separator above, escape characters, the lowest and
    /// highest characters, and any other.
    fn text() -> impl Strategy<Value = String> {
        let near = prop::sample::select(vec![
            '\u{0}',
            '\u{1f}',
            ' ',
            '!',
            '"',
            '#',
            '$',
            '%',
            ',',
            '-',
            '.',
            ':',
            ';',
            '|',
            '}',
            '~',
            'a',
            'b',
            'é',
            '\u{10FFFF}',
        ]);
        prop::collection::vec(prop_oneof![4 => near, 1 => any::<char>()], 0..6).prop_map(|c| c.into_iter().collect())
    }

    /// Whether DynamoDB's key condition holds for stored key `key` (S values compare as UTF-8
    /// bytes, as Rust strings do).
    fn matches(condition: &SortCondition, key: &str) -> bool {
        let s = |v: &AttributeValue| match v {
            AttributeValue::S(s) => s.clone(),
            other => panic!("not a string bound: {other:?}"),
        };
        match condition {
            SortCondition::Eq(v) => key == s(v),
            SortCondition::BeginsWith(p) => key.starts_with(p.as_str()),
            SortCondition::Between(lo, hi) => s(lo).as_str() <= key && key <= s(hi).as_str(),
            SortCondition::Lt(v) => key < s(v).as_str(),
            SortCondition::Le(v) => key <= s(v).as_str(),
            SortCondition::Gt(v) => key > s(v).as_str(),
            SortCondition::Ge(v) => key >= s(v).as_str(),
        }
    }

    #[test]
    fn prefix_does_not_match_longer_siblings() {
        let prefix = CompositeKey::new("#").part(&"2021".to_owned()).prefix();
        assert!(
            CompositeKey::new("#")
                .part(&"2021".to_owned())
                .part(&"97".to_owned())
                .finish()
                .starts_with(&prefix)
        );
        assert!(!"20210#97".starts_with(&prefix));
        assert_eq!(encode(&1995u16), "01995");
        assert_eq!(encode(&-1i8), "127");
        assert_eq!(encode(&0i8), "128");
    }
}
