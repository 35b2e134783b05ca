//! Typed change streams: DynamoDB stream records decoded into the same typed items the
//! repositories read — `Insert(new)`, `Modify { old, new }`, `Remove(old)`, and `Expire(old)`
//! for an item DynamoDB's TTL deleted — from the records
//! AWS Lambda delivers (feature `lambda-events`) or those read with the DynamoDB Streams SDK
//! (feature `streams`). The table's stream must carry images (`NEW_AND_OLD_IMAGES`).

use crate::codec::AttributeMap;
use crate::error::{Error, ErrorKind};
use crate::item::FromItem;

/// One change of an item, decoded.
///
/// ```
/// use ddbgen_runtime::{AttributeMap, AttributeValue, Change, Error, FromItem};
///
/// #[derive(Debug, PartialEq)]
/// struct Note(String);
/// impl FromItem for Note {
///     fn from_item(mut item: AttributeMap) -> Result<Self, Error> {
///         ddbgen_runtime::Native.field(item.remove("text"), "text").map(Note).map_err(|e| e.in_table("notes"))
///     }
/// }
///
/// let image = AttributeMap::from([("text".to_owned(), AttributeValue::S("hi".into()))]);
/// let change = Change::<Note>::from_images("INSERT", None, Some(image)).unwrap();
/// assert_eq!(change, Change::Insert(Note("hi".into())));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    /// A new item.
    Insert(T),
    /// An item changed: as it was, and as it is.
    Modify {
        /// Before the change.
        old: T,
        /// After the change.
        new: T,
    },
    /// An item was deleted by a request: as it was.
    Remove(T),
    /// DynamoDB deleted the item because its TTL time had passed (the record's `userIdentity`
    /// is the service principal `dynamodb.amazonaws.com`): as it was.
    Expire(T),
}

/// The `userIdentity.principalId` of a stream record that DynamoDB's TTL wrote.
pub const TTL_PRINCIPAL: &str = "dynamodb.amazonaws.com";

impl<T> Change<T> {
    /// The item after the change (`None` for a removal).
    pub fn new_item(&self) -> Option<&T> {
        match self {
            Change::Insert(new) | Change::Modify { new, .. } => Some(new),
            Change::Remove(_) | Change::Expire(_) => None,
        }
    }

    /// The item before the change (`None` for an insertion).
    pub fn old_item(&self) -> Option<&T> {
        match self {
            Change::Modify { old, .. } | Change::Remove(old) | Change::Expire(old) => Some(old),
            Change::Insert(_) => None,
        }
    }
}

fn missing(event: &str, image: &str) -> Error {
    Error::from(ErrorKind::InvalidStreamRecord {
        reason: format!(
            "a {event} record without {image}: the table's stream must carry images (StreamViewType NEW_AND_OLD_IMAGES)"
        ),
    })
}

impl<T: FromItem> Change<T> {
    /// Decodes a record from its event name (`INSERT`, `MODIFY`, `REMOVE`) and images. A
    /// stored item that does not match the schema is [`ErrorKind::Conversion`] naming the
    /// attribute.
    pub fn from_images(event: &str, old: Option<AttributeMap>, new: Option<AttributeMap>) -> Result<Self, Error> {
        Self::from_images_by(event, None, old, new)
    }

    /// [`from_images`](Self::from_images) for a record written by `principal` (its
    /// `userIdentity.principalId`): a `REMOVE` by [`TTL_PRINCIPAL`] is an [`Change::Expire`].
    ///
    /// ```
    /// use ddbgen_runtime::{AttributeMap, AttributeValue, Change, Error, FromItem, TTL_PRINCIPAL};
    ///
    /// #[derive(Debug, PartialEq)]
    /// struct Session(String);
    /// impl FromItem for Session {
    ///     fn from_item(mut item: AttributeMap) -> Result<Self, Error> {
    ///         ddbgen_runtime::Native.field(item.remove("id"), "id").map(Session).map_err(|e| e.in_table("sessions"))
    ///     }
    /// }
    ///
    /// let old = || Some(AttributeMap::from([("id".to_owned(), AttributeValue::S("a".into()))]));
    /// let expired = Change::<Session>::from_images_by("REMOVE", Some(TTL_PRINCIPAL), old(), None);
    /// assert_eq!(expired.unwrap(), Change::Expire(Session("a".into())));
    /// let deleted = Change::<Session>::from_images_by("REMOVE", None, old(), None);
    /// assert_eq!(deleted.unwrap(), Change::Remove(Session("a".into())));
    /// ```
    pub fn from_images_by(
        event: &str,
        principal: Option<&str>,
        old: Option<AttributeMap>,
        new: Option<AttributeMap>,
    ) -> Result<Self, Error> {
        if [&old, &new].into_iter().flatten().any(crate::repository::is_sentinel) {
            return Err(Error::from(ErrorKind::InvalidStreamRecord {
                reason: "the record is of a unique value's sentinel item, not of an item: skip it (`is_sentinel`)"
                    .to_owned(),
            }));
        }
        let image = |image: Option<AttributeMap>, which: &str| {
            image
                .filter(|i| !i.is_empty())
                .ok_or_else(|| missing(event, which))
                .and_then(T::from_item)
        };
        match event {
            "INSERT" => Ok(Change::Insert(image(new, "NewImage")?)),
            "MODIFY" => Ok(Change::Modify {
                old: image(old, "OldImage")?,
                new: image(new, "NewImage")?,
            }),
            "REMOVE" if principal == Some(TTL_PRINCIPAL) => Ok(Change::Expire(image(old, "OldImage")?)),
            "REMOVE" => Ok(Change::Remove(image(old, "OldImage")?)),
            other => Err(Error::from(ErrorKind::InvalidStreamRecord {
                reason: format!("unknown event name `{other}` (INSERT, MODIFY or REMOVE)"),
            })),
        }
    }
}

#[cfg(feature = "lambda-events")]
mod lambda {
    use aws_lambda_events::event::dynamodb::EventRecord;
    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::AttributeValue;
    use serde_dynamo::AttributeValue as LambdaValue;

    use super::Change;
    use crate::codec::AttributeMap;
    use crate::error::Error;
    use crate::item::FromItem;

    fn value(v: &LambdaValue) -> AttributeValue {
        match v {
            LambdaValue::N(n) => AttributeValue::N(n.clone()),
            LambdaValue::S(s) => AttributeValue::S(s.clone()),
            LambdaValue::Bool(b) => AttributeValue::Bool(*b),
            LambdaValue::B(b) => AttributeValue::B(Blob::new(b.clone())),
            LambdaValue::Null(n) => AttributeValue::Null(*n),
            LambdaValue::M(m) => AttributeValue::M(map(m)),
            LambdaValue::L(l) => AttributeValue::L(l.iter().map(value).collect()),
            LambdaValue::Ss(s) => AttributeValue::Ss(s.clone()),
            LambdaValue::Ns(n) => AttributeValue::Ns(n.clone()),
            LambdaValue::Bs(b) => AttributeValue::Bs(b.iter().map(|b| Blob::new(b.clone())).collect()),
        }
    }

    fn map(m: &std::collections::HashMap<String, LambdaValue>) -> AttributeMap {
        m.iter().map(|(k, v)| (k.clone(), value(v))).collect()
    }

    impl<T: FromItem> Change<T> {
        /// Decodes a DynamoDB stream record as AWS Lambda delivers it
        /// (`aws_lambda_events::event::dynamodb::EventRecord`).
        pub fn from_lambda_record(record: &EventRecord) -> Result<Self, Error> {
            let old = map(record.change.old_image.inner());
            let new = map(record.change.new_image.inner());
            let principal = record.user_identity.as_ref().map(|u| u.principal_id.as_str());
            Change::from_images_by(&record.event_name, principal, Some(old), Some(new))
        }
    }
}

#[cfg(feature = "streams")]
mod streams {
    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::AttributeValue;
    use aws_sdk_dynamodbstreams::types::{AttributeValue as StreamValue, OperationType, Record};

    use super::Change;
    use crate::codec::AttributeMap;
    use crate::error::{Error, ErrorKind};
    use crate::item::FromItem;

    fn value(v: &StreamValue) -> Result<AttributeValue, Error> {
        Ok(match v {
            StreamValue::N(n) => AttributeValue::N(n.clone()),
            StreamValue::S(s) => AttributeValue::S(s.clone()),
            StreamValue::Bool(b) => AttributeValue::Bool(*b),
            StreamValue::B(b) => AttributeValue::B(Blob::new(b.as_ref())),
            StreamValue::Null(n) => AttributeValue::Null(*n),
            StreamValue::M(m) => AttributeValue::M(map(m)?),
            StreamValue::L(l) => AttributeValue::L(l.iter().map(value).collect::<Result<_, _>>()?),
            StreamValue::Ss(s) => AttributeValue::Ss(s.clone()),
            StreamValue::Ns(n) => AttributeValue::Ns(n.clone()),
            StreamValue::Bs(b) => AttributeValue::Bs(b.iter().map(|b| Blob::new(b.as_ref())).collect()),
            other => {
                return Err(Error::from(ErrorKind::InvalidStreamRecord {
                    reason: format!("an attribute value of a type this SDK does not know: {other:?}"),
                }));
            }
        })
    }

    fn map(m: &std::collections::HashMap<String, StreamValue>) -> Result<AttributeMap, Error> {
        m.iter().map(|(k, v)| Ok((k.clone(), value(v)?))).collect()
    }

    impl<T: FromItem> Change<T> {
        /// Decodes a record read with the DynamoDB Streams SDK (`GetRecords`).
        pub fn from_stream_record(record: &Record) -> Result<Self, Error> {
            let event = match record.event_name() {
                Some(OperationType::Insert) => "INSERT",
                Some(OperationType::Modify) => "MODIFY",
                Some(OperationType::Remove) => "REMOVE",
                other => {
                    return Err(Error::from(ErrorKind::InvalidStreamRecord {
                        reason: format!("unknown event name {other:?}"),
                    }));
                }
            };
            let stream = record.dynamodb();
            let old = stream.and_then(|s| s.old_image()).map(map).transpose()?;
            let new = stream.and_then(|s| s.new_image()).map(map).transpose()?;
            let principal = record.user_identity().and_then(|u| u.principal_id());
            Change::from_images_by(event, principal, old, new)
        }
    }
}
