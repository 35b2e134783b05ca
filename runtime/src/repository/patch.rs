//! One field of a partial change as a request body carries it (JSON Merge Patch, RFC 7396):
//! left out, `null`, or a new value. Generated patch types (`BookPatch`) hold one per field
//! their update builder can set, and the builder's `apply` turns them into setter calls.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of a patch: left out ([`Keep`](Patch::Keep), the default), `null`
/// ([`Remove`](Patch::Remove)) or a new value ([`Set`](Patch::Set)).
///
/// ```
/// use ddbgen_runtime::Patch;
///
/// #[derive(serde::Deserialize, Default)]
/// #[serde(default)]
/// struct Body {
///     subtitle: Patch<String>,
///     price: Patch<u32>,
///     title: Patch<String>,
/// }
/// let body: Body = serde_json::from_str(r#"{"subtitle": null, "price": 12}"#).unwrap();
/// assert_eq!(body.subtitle, Patch::Remove);
/// assert_eq!(body.price, Patch::Set(12));
/// assert_eq!(body.title, Patch::Keep);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Left out of the body: the stored value stays.
    #[default]
    Keep,
    /// `null`: the stored value is removed (refused for a field that is not optional).
    Remove,
    /// A new value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether the field was left out: patches skip such fields when serialized.
    pub fn is_keep(&self) -> bool {
        matches!(self, Patch::Keep)
    }

    /// Calls `set` with a new value or `remove` for `null` on `builder`; returns it unchanged
    /// for a field left out.
    pub fn apply<B>(self, builder: B, set: impl FnOnce(B, T) -> B, remove: impl FnOnce(B) -> B) -> B {
        match self {
            Patch::Keep => builder,
            Patch::Remove => remove(builder),
            Patch::Set(value) => set(builder, value),
        }
    }

    /// Calls `set` with a new value on `builder`; returns it unchanged otherwise. For a field
    /// that cannot be removed, whose `null` the builder refuses first
    /// ([`UpdateExpression::refuse_removal`](crate::codegen::UpdateExpression::refuse_removal)).
    pub fn apply_value<B>(self, builder: B, set: impl FnOnce(B, T) -> B) -> B {
        match self {
            Patch::Set(value) => set(builder, value),
            Patch::Keep | Patch::Remove => builder,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(value) => serializer.serialize_some(value),
            Patch::Keep | Patch::Remove => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Patch::Set(value),
            None => Patch::Remove,
        })
    }
}
