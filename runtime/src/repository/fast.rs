//! The fast read path: a read's items go from the response body straight into the generated
//! types, without the SDK's `HashMap<String, AttributeValue>` in between.
//!
//! The SDK still signs, resolves the endpoint and credentials, retries, times out and turns
//! error responses into errors. One interceptor per request ([`FastRead`]) wraps the
//! operation's response deserializer. On a successful response it reads the items' array
//! (`Items`, `Item`, or the table's `Responses`) with the generated decoders, and hands the
//! SDK's deserializer the same body with that value emptied, so the SDK still parses
//! `LastEvaluatedKey`, the counts, consumed capacity and unprocessed keys. When the body is
//! not in the form DynamoDB writes, nothing is taken and the SDK reads it all, so both paths
//! give the same result or the same error (`docs/design.md`, "Reads at wire speed").

use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItem;
use aws_sdk_dynamodb::operation::get_item::GetItem;
use aws_sdk_dynamodb::operation::query::Query;
use aws_sdk_dynamodb::operation::scan::Scan;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{BeforeSerializationInterceptorContextRef, Error, Output};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
use aws_smithy_runtime_api::client::ser_de::{DeserializeResponse, SharedResponseDeserializer};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::{ConfigBag, FrozenLayer};

use crate::codec::{AttributeMap, Reader, WireMap, read_map};
use crate::error::Error as DdbError;
use crate::item::FromItem;

/// The read operation, which says where its response keeps the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Query: the top-level `Items` array.
    Query,
    /// Scan: the top-level `Items` array.
    Scan,
    /// GetItem: the top-level `Item` object.
    GetItem,
    /// BatchGetItem: the array of this table in the top-level `Responses` object.
    BatchGetItem(String),
}

/// The SDK's own configuration of each operation, which holds its response deserializer (the
/// one the SDK would use; a `SharedResponseDeserializer` cannot be copied out of a request's bag).
static LAYERS: LazyLock<[Option<FrozenLayer>; 4]> = LazyLock::new(|| {
    [
        RuntimePlugin::config(&Query::new()),
        RuntimePlugin::config(&Scan::new()),
        RuntimePlugin::config(&GetItem::new()),
        RuntimePlugin::config(&BatchGetItem::new()),
    ]
});

impl Target {
    /// The top-level member, and what replaces its value in the body the SDK reads.
    fn member(&self) -> (&'static str, &'static [u8]) {
        match self {
            Target::Query | Target::Scan => ("Items", b"[]"),
            Target::GetItem => ("Item", b"{}"),
            Target::BatchGetItem(_) => ("Responses", b"{}"),
        }
    }

    /// The SDK's response deserializer of the operation.
    fn deserializer(&self) -> Option<&'static SharedResponseDeserializer> {
        let index = match self {
            Target::Query => 0,
            Target::Scan => 1,
            Target::GetItem => 2,
            Target::BatchGetItem(_) => 3,
        };
        LAYERS[index].as_ref()?.load::<SharedResponseDeserializer>()
    }
}

/// How one stored item becomes a row of the result: the generated decoder, and the item's byte
/// range in the body (to read its key again later).
pub(crate) type Decode<R> = fn(WireMap<'_>, Range<usize>) -> R;

/// The decoder of a read that takes every item as it is (GetItem): `T::from_wire`.
pub(crate) fn decode_item<T: FromItem>(item: WireMap<'_>, _: Range<usize>) -> Result<T, DdbError> {
    T::from_wire(item)
}

/// The rows one response decoded into, and its body.
pub(crate) struct Decoded<R> {
    /// One row per stored item, in the body's order.
    pub(crate) rows: Vec<R>,
    /// The response body, to read an item again.
    pub(crate) body: Body,
}

/// A response body (shared with the response, not copied).
pub(crate) struct Body(SdkBody);

impl Body {
    /// The stored item at `range` of the body, as the SDK would have read it (for a key, or
    /// for an item a batch hands out twice); the item was read from there once already.
    pub(crate) fn stored(
        &self,
        range: Range<usize>,
        operation: &'static str,
        table: &str,
    ) -> Result<AttributeMap, DdbError> {
        self.0
            .bytes()
            .and_then(|body| body.get(range))
            .and_then(read_map)
            .ok_or_else(|| {
                let why = "an item decoded from the response body could not be read again";
                DdbError::sdk(operation, table, std::io::Error::other(why))
            })
    }
}

/// An interceptor that may be absent, so that a request takes one either way
/// (`customize().interceptor(Optional(fast))`).
#[derive(Debug)]
pub(crate) struct Optional<I>(pub(crate) Option<I>);

impl<I: Intercept> Intercept for Optional<I> {
    fn name(&self) -> &'static str {
        self.0.as_ref().map_or("ddbgen::Optional", Intercept::name)
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match &self.0 {
            Some(interceptor) => interceptor.read_before_execution(context, cfg),
            None => Ok(()),
        }
    }
}

/// The interceptor of one read request (`customize().interceptor(..)`): it wraps the
/// operation's response deserializer and keeps what it decodes until the caller takes it.
pub(crate) struct FastRead<R> {
    target: Target,
    decode: Decode<R>,
    slot: Arc<Mutex<Option<Decoded<R>>>>,
}

impl<R> Clone for FastRead<R> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
            decode: self.decode,
            slot: self.slot.clone(),
        }
    }
}

impl<R> std::fmt::Debug for FastRead<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastRead")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static> FastRead<R> {
    pub(crate) fn new(target: Target, decode: Decode<R>) -> Self {
        Self {
            target,
            decode,
            slot: Arc::new(Mutex::new(None)),
        }
    }

    /// What the successful response decoded into; `None` when the SDK read it instead.
    pub(crate) fn take(&self) -> Option<Decoded<R>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl<R: Send + 'static> Intercept for FastRead<R> {
    fn name(&self) -> &'static str {
        "ddbgen::FastRead"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Ours, stored on top of the operation's, wraps it.
        if let Some(inner) = self.target.deserializer() {
            cfg.interceptor_state()
                .store_put(SharedResponseDeserializer::new(FastDeserializer {
                    inner,
                    read: self.clone(),
                }));
        }
        Ok(())
    }
}

/// The operation's deserializer, with the items taken out first.
struct FastDeserializer<R> {
    inner: &'static SharedResponseDeserializer,
    read: FastRead<R>,
}

impl<R> std::fmt::Debug for FastDeserializer<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastDeserializer")
            .field("read", &self.read)
            .finish_non_exhaustive()
    }
}

impl<R: Send + 'static> DeserializeResponse for FastDeserializer<R> {
    fn deserialize_streaming_with_config(
        &self,
        response: &mut HttpResponse,
        cfg: &ConfigBag,
    ) -> Option<Result<Output, OrchestratorError<Error>>> {
        self.inner.deserialize_streaming_with_config(response, cfg)
    }

    fn deserialize_nonstreaming_with_config(
        &self,
        response: &HttpResponse,
        cfg: &ConfigBag,
    ) -> Result<Output, OrchestratorError<Error>> {
        let body = response.body().bytes();
        let split = body
            .filter(|_| response.status().is_success())
            .and_then(|body| split(body, &self.read.target, self.read.decode).map(|split| (body, split)));
        let Some((body, (rows, span))) = split else {
            return self.inner.deserialize_nonstreaming_with_config(response, cfg);
        };
        let output = match span {
            Some(span) => {
                let (_, empty) = self.read.target.member();
                let mut rest = Vec::with_capacity(body.len() - span.len() + empty.len());
                rest.extend_from_slice(&body[..span.start]);
                rest.extend_from_slice(empty);
                rest.extend_from_slice(&body[span.end..]);
                let mut stripped = HttpResponse::new(response.status(), SdkBody::from(rest));
                *stripped.headers_mut() = response.headers().clone();
                self.inner.deserialize_nonstreaming_with_config(&stripped, cfg)
            }
            None => self.inner.deserialize_nonstreaming_with_config(response, cfg),
        };
        if output.is_ok()
            && let Some(body) = response.body().try_clone()
        {
            *self.read.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(Decoded { rows, body: Body(body) });
        }
        output
    }
}

/// Decodes the target's items of a successful response body, and the byte range of the value
/// that held them (`None` when the body has no such member: no items). `None` when the body
/// is not in the form DynamoDB writes.
fn split<R>(body: &[u8], target: &Target, decode: Decode<R>) -> Option<(Vec<R>, Option<Range<usize>>)> {
    let mut reader = Reader::new(body)?;
    reader.eat(b'{')?;
    let (member, _) = target.member();
    let mut found: Option<(Vec<R>, Range<usize>)> = None;
    let mut first = true;
    while let Some(key) = reader.member(&mut first)? {
        if key != member {
            reader.skip()?;
            continue;
        }
        if found.is_some() {
            // Named twice: the SDK's rules decide.
            return None;
        }
        found = Some(match target {
            Target::Query | Target::Scan => items(&mut reader, decode)?,
            Target::GetItem => {
                let (map, range) = reader.map(0)?;
                (vec![decode(map, range.clone())], range)
            }
            Target::BatchGetItem(table) => responses(&mut reader, table, decode)?,
        });
    }
    // Nothing may follow the body's object.
    if !reader.at_end() {
        return None;
    }
    Some(match found {
        Some((rows, span)) => (rows, Some(span)),
        None => (Vec::new(), None),
    })
}

/// An array of items whose `[` is next: each decoded, and the array's range.
fn items<R>(reader: &mut Reader<'_>, decode: Decode<R>) -> Option<(Vec<R>, Range<usize>)> {
    let start = reader.position();
    reader.eat(b'[')?;
    let mut rows = Vec::new();
    let mut first = true;
    while reader.element(&mut first)? {
        let (map, range) = reader.map(0)?;
        rows.push(decode(map, range));
    }
    Some((rows, start..reader.position()))
}

/// BatchGetItem's `Responses` object whose `{` is next: the items of `table`, and the object's
/// range. Another table's items are not this read's: the SDK reads such a body.
fn responses<R>(reader: &mut Reader<'_>, table: &str, decode: Decode<R>) -> Option<(Vec<R>, Range<usize>)> {
    let start = reader.position();
    reader.eat(b'{')?;
    let mut rows = None;
    let mut first = true;
    while let Some(key) = reader.member(&mut first)? {
        if rows.is_some() || key != table {
            return None;
        }
        rows = Some(items(reader, decode)?.0);
    }
    Some((rows.unwrap_or_default(), start..reader.position()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AttributeValue;

    fn decode(map: WireMap<'_>, range: Range<usize>) -> (AttributeMap, Range<usize>) {
        (map.into_attribute_map(), range)
    }

    /// What the SDK reads: the body with the span's value replaced.
    fn rest(body: &str, target: &Target, span: Range<usize>) -> String {
        let (_, empty) = target.member();
        format!(
            "{}{}{}",
            &body[..span.start],
            String::from_utf8_lossy(empty),
            &body[span.end..]
        )
    }

    #[test]
    fn a_query_body_gives_its_items_and_keeps_the_rest_for_the_sdk() {
        let body = "{\"ConsumedCapacity\": {\"TableName\": \"t\", \"CapacityUnits\": 0.5e0},\n \
                    \"Count\": 2, \"Items\": [ {\"id\": {\"S\": \"a\\\"b\"}, \"n\": {\"N\": \"-1.5\"}},\n\
                    {\"id\": {\"S\": \"c\"}, \"l\": {\"L\": [{\"NULL\": true}, {\"BOOL\": false}]}} ] ,\
                    \"LastEvaluatedKey\": {\"id\": {\"S\": \"c\"}}, \"ScannedCount\": 3}";
        let (rows, span) = split(body.as_bytes(), &Target::Query, decode).expect("read");
        let span = span.expect("the items' span");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0["id"], AttributeValue::S("a\"b".into()));
        assert_eq!(rows[0].0["n"], AttributeValue::N("-1.5".into()));
        assert_eq!(
            rows[1].0["l"],
            AttributeValue::L(vec![AttributeValue::Null(true), AttributeValue::Bool(false)])
        );
        // Each item's range is the item itself, to be read again for its key.
        assert_eq!(read_map(&body.as_bytes()[rows[1].1.clone()]).expect("again"), rows[1].0);
        let rest = rest(body, &Target::Query, span);
        assert!(rest.contains("\"Items\": []"), "{rest}");
        assert!(
            rest.contains("\"LastEvaluatedKey\": {\"id\": {\"S\": \"c\"}}"),
            "{rest}"
        );
    }

    #[test]
    fn bodies_without_items_have_no_rows() {
        let count = split(br#"{"Count": 7, "ScannedCount": 9}"#, &Target::Scan, decode).expect("read");
        assert!(count.0.is_empty() && count.1.is_none());
        let missing = split(b"{}", &Target::GetItem, decode).expect("read");
        assert!(missing.0.is_empty() && missing.1.is_none());
        let found = split(br#"{"Item": {"id": {"S": "a"}}}"#, &Target::GetItem, decode).expect("read");
        assert_eq!(found.0.len(), 1);
    }

    #[test]
    fn a_batch_body_gives_its_tables_items() {
        let target = Target::BatchGetItem("books".into());
        let body = r#"{"Responses": {"books": [{"id": {"S": "a"}}]}, "UnprocessedKeys": {}}"#;
        let (rows, span) = split(body.as_bytes(), &target, decode).expect("read");
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rest(body, &target, span.expect("span")),
            r#"{"Responses": {}, "UnprocessedKeys": {}}"#
        );
        // Another table's items are not this read's: the SDK reads the body.
        let other = r#"{"Responses": {"books": [], "films": [{"id": {"S": "a"}}]}}"#;
        assert!(split(other.as_bytes(), &target, decode).is_none());
    }

    #[test]
    fn what_dynamodb_does_not_write_is_left_to_the_sdk() {
        for body in [
            &br#"{"Items": []} {}"#[..],
            br#"{"Items": [], "Items": []}"#,
            br#"{"Items": [{"id": {"S": "a"}},]}"#,
            br#"{"Items": [{"id": {"S": "a"}}], "Count": 1.}"#,
            br#"{"Items": [{"id": {"S": "a"}}] "Count": 1}"#,
            br#"{"Items": [{"id": {"S": "a	b"}}]}"#,
            b"{\"Items\": [{\"id\": {\"S\": \"\xff\"}}]}",
            br#"{"Items": [{"id": {"S": "a"}}]"#,
            br#"[]"#,
        ] {
            assert!(
                split(body, &Target::Query, decode).is_none(),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
