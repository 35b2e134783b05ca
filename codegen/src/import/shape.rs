//! What a sample of items says about one attribute's type: the shape its values have in
//! common (strings of one form, the range of its numbers, element shapes of sets, lists and
//! maps), merged value by value.

use std::collections::{BTreeMap, BTreeSet};

use ddbgen_runtime::AttributeValue;
use ddbgen_runtime::codegen::{DateTime, NaiveDate, Uuid};

/// What the sampled values of one attribute have in common.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    /// Strings, all of one form.
    Text(TextForm),
    /// Numbers: the smallest and largest integers seen, or a fraction among them.
    Number(Numbers),
    Bool,
    Bytes,
    TextSet,
    NumberSet(Numbers),
    BytesSet,
    /// A list, its elements' shape (`None`: only empty lists seen).
    List(Option<Box<Shape>>),
    /// A map: each key seen, with the shape of its values and how many maps held it; and how
    /// many maps there were.
    Map(BTreeMap<String, (Shape, usize)>, usize),
    /// NULL only.
    Null,
    /// Values no one type holds (the kinds seen).
    Mixed(BTreeSet<&'static str>),
}

/// The form every sampled string of an attribute has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TextForm {
    /// A UUID.
    Uuid,
    /// An RFC 3339 time.
    DateTime,
    /// A `YYYY-MM-DD` date.
    Date,
    /// Anything else.
    Text,
}

/// The range of the sampled numbers of an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Numbers {
    /// The smallest integer seen.
    pub(super) min: i128,
    /// The largest integer seen.
    pub(super) max: i128,
    /// Whether a number with a fraction (or beyond `i128`) was seen.
    pub(super) fraction: bool,
}

impl Numbers {
    pub(super) fn of(text: &str) -> Numbers {
        match text.parse::<i128>() {
            Ok(n) => Numbers {
                min: n,
                max: n,
                fraction: false,
            },
            Err(_) => Numbers {
                min: 0,
                max: 0,
                fraction: true,
            },
        }
    }

    pub(super) fn merge(self, other: Numbers) -> Numbers {
        Numbers {
            min: self.min.min(other.min),
            max: self.max.max(other.max),
            fraction: self.fraction || other.fraction,
        }
    }

    /// The ddbgen type that holds every number seen.
    pub(super) fn type_name(self) -> &'static str {
        // A fraction, or integers beyond 64 bits: exact as a decimal.
        if self.fraction || self.min < i128::from(i64::MIN) || self.max > i128::from(u64::MAX) {
            "decimal"
        } else if self.max > i128::from(i64::MAX) {
            "u64"
        } else {
            "i64"
        }
    }
}

fn text_form(text: &str) -> TextForm {
    if text.len() == 36 && Uuid::try_parse(text).is_ok() {
        TextForm::Uuid
    } else if text.len() >= 20 && DateTime::parse_from_rfc3339(text).is_ok() {
        TextForm::DateTime
    } else if text.len() == 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() {
        TextForm::Date
    } else {
        TextForm::Text
    }
}

fn kind(shape: &Shape) -> &'static str {
    match shape {
        Shape::Text(_) => "S",
        Shape::Number(_) => "N",
        Shape::Bool => "BOOL",
        Shape::Bytes => "B",
        Shape::TextSet => "SS",
        Shape::NumberSet(_) => "NS",
        Shape::BytesSet => "BS",
        Shape::List(_) => "L",
        Shape::Map(..) => "M",
        Shape::Null => "NULL",
        Shape::Mixed(_) => "mixed",
    }
}

pub(super) fn shape(value: &AttributeValue) -> Shape {
    match value {
        AttributeValue::S(s) => Shape::Text(text_form(s)),
        AttributeValue::N(n) => Shape::Number(Numbers::of(n)),
        AttributeValue::Bool(_) => Shape::Bool,
        AttributeValue::B(_) => Shape::Bytes,
        AttributeValue::Ss(_) => Shape::TextSet,
        AttributeValue::Ns(items) => Shape::NumberSet(
            items
                .iter()
                .map(|n| Numbers::of(n))
                .reduce(Numbers::merge)
                .unwrap_or(Numbers {
                    min: 0,
                    max: 0,
                    fraction: false,
                }),
        ),
        AttributeValue::Bs(_) => Shape::BytesSet,
        AttributeValue::L(items) => Shape::List(items.iter().map(shape).reduce(merge).map(Box::new)),
        AttributeValue::M(map) => Shape::Map(map.iter().map(|(k, v)| (k.clone(), (shape(v), 1))).collect(), 1),
        AttributeValue::Null(_) => Shape::Null,
        _ => Shape::Mixed(BTreeSet::from(["an unknown kind"])),
    }
}

/// The shape that holds both; `Mixed` when none does. NULL merges into anything (the field is
/// then nullable, which the caller tracks).
pub(super) fn merge(a: Shape, b: Shape) -> Shape {
    match (a, b) {
        (Shape::Null, other) | (other, Shape::Null) => other,
        (Shape::Text(x), Shape::Text(y)) => Shape::Text(if x == y { x } else { TextForm::Text }),
        (Shape::Number(x), Shape::Number(y)) => Shape::Number(x.merge(y)),
        (Shape::NumberSet(x), Shape::NumberSet(y)) => Shape::NumberSet(x.merge(y)),
        (Shape::List(x), Shape::List(y)) => Shape::List(match (x, y) {
            (Some(x), Some(y)) => Some(Box::new(merge(*x, *y))),
            (x, None) | (None, x) => x,
        }),
        (Shape::Map(mut x, n), Shape::Map(y, m)) => {
            for (key, (value, count)) in y {
                let merged = match x.remove(&key) {
                    Some((old, seen)) => (merge(old, value), seen + count),
                    None => (value, count),
                };
                x.insert(key, merged);
            }
            Shape::Map(x, n + m)
        }
        (Shape::Mixed(mut x), Shape::Mixed(y)) => {
            x.extend(y);
            Shape::Mixed(x)
        }
        (Shape::Mixed(mut x), other) | (other, Shape::Mixed(mut x)) => {
            x.insert(kind(&other));
            Shape::Mixed(x)
        }
        (a, b) if a == b => a,
        (a, b) => Shape::Mixed(BTreeSet::from([kind(&a), kind(&b)])),
    }
}
