//! The codecs of containers: boxes, sets, lists, maps and options.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use rust_decimal::Decimal;

use super::{AttributeCodec, Bytes, DecodeError};

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
