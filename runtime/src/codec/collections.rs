//! The codecs of containers: boxes, sets, lists, maps and options.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use rust_decimal::Decimal;

use super::{AttributeCodec, Bytes, DecodeError, Stored, Wire};

impl<T: AttributeCodec> AttributeCodec for Box<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    fn encode(&self) -> Option<AttributeValue> {
        (**self).encode()
    }
    fn decode(value: AttributeValue) -> Result<Self, DecodeError> {
        T::decode(value).map(Box::new)
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        T::decode_wire(value).map(Box::new)
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

fn decode_wire_element<T: AttributeCodec>(value: Wire<'_>) -> Result<T, DecodeError> {
    if let Wire::Null(_) = value
        && let Some(missing) = T::decode_missing()
    {
        return Ok(missing);
    }
    T::decode_wire(value)
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
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        match value {
            Wire::L(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| decode_wire_element(v).map_err(|e| e.at_index(i)))
                .collect(),
            other => Err(other.mismatch(Self::EXPECTED)),
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
            AttributeValue::M(entries) => decode_entries(entries.into_iter().map(|(k, v)| (k, decode_element(v)))),
            other => Err(DecodeError::new(Self::EXPECTED, &other)),
        }
    }
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        match value {
            Wire::M(entries) => decode_entries(
                entries
                    .0
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), decode_wire_element(v))),
            ),
            other => Err(other.mismatch(Self::EXPECTED)),
        }
    }
}

/// A map's decoded entries. Of several bad entries, the error is that of the least key, so that
/// it does not depend on the order entries arrive in (a `HashMap`'s, or the response body's).
/// A key given twice keeps its last value, as the SDK's map does.
fn decode_entries<T>(
    entries: impl Iterator<Item = (String, Result<T, DecodeError>)>,
) -> Result<BTreeMap<String, T>, DecodeError> {
    let mut map = BTreeMap::new();
    let mut first: Option<(String, DecodeError)> = None;
    for (key, value) in entries {
        match value {
            Ok(value) if first.is_none() => {
                map.insert(key, value);
            }
            Ok(_) => {}
            Err(e) => {
                if first.as_ref().is_none_or(|(least, _)| key < *least) {
                    first = Some((key, e));
                }
            }
        }
    }
    match first {
        Some((key, e)) => Err(e.at_field(&map_key(&key))),
        None => Ok(map),
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
    fn decode_wire(value: Wire<'_>) -> Result<Self, DecodeError> {
        match value {
            Wire::Null(_) => Ok(None),
            other => T::decode_wire(other).map(Some),
        }
    }
    fn decode_missing() -> Option<Self> {
        Some(None)
    }
}
