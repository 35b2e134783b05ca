//! BatchGetItem and BatchWriteItem that lose nothing: requests chunked by DynamoDB's limits,
//! duplicate keys merged or refused, chunks run with bounded concurrency, unprocessed keys and
//! items retried with exponential backoff and full jitter, and whatever is still unprocessed
//! returned to the caller, typed.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, KeysAndAttributes, PutRequest, WriteRequest};
use futures_util::stream::{self, StreamExt};

use super::fast::{Body, Decoded, FastRead, Optional, Target};
use super::table::Table;
use super::telemetry;
use crate::codec::{AttributeMap, StoredMap, WireMap};
use crate::error::{Error, ErrorKind};
use crate::item::{FromItem, Item};
use crate::limits;

/// Keys per BatchGetItem request (DynamoDB's limit).
pub const BATCH_GET_KEYS: usize = 100;
/// Requests per BatchWriteItem request (DynamoDB's limit).
pub const BATCH_WRITE_REQUESTS: usize = 25;
/// Bytes per BatchWriteItem request (DynamoDB's limit).
pub const BATCH_WRITE_BYTES: usize = 16 * 1024 * 1024;

/// What a batch read found for one requested key.
#[derive(Debug)]
pub enum Fetched<T> {
    /// The item.
    Found(T),
    /// DynamoDB answered: there is no item with this key.
    Missing,
    /// DynamoDB left the key unprocessed after every retry (or the request failed: see
    /// [`BatchGet::error`]); ask again.
    Unprocessed,
    /// The stored item does not match the schema.
    Invalid(Error),
}

/// The result of a batch read: one entry per requested key, in request order.
#[derive(Debug)]
pub struct BatchGet<K, T> {
    /// Each requested key and what was found for it.
    pub entries: Vec<(K, Fetched<T>)>,
    /// The first error that stopped a request, when one did (its keys are `Unprocessed`).
    pub error: Option<Error>,
}

impl<K, T> BatchGet<K, T> {
    /// Whether every key was answered (found or missing, even if invalid).
    pub fn is_complete(&self) -> bool {
        !self.entries.iter().any(|(_, f)| matches!(f, Fetched::Unprocessed))
    }

    /// The items found, in request order.
    pub fn found(&self) -> impl Iterator<Item = &T> {
        self.entries.iter().filter_map(|(_, f)| match f {
            Fetched::Found(item) => Some(item),
            _ => None,
        })
    }

    /// The keys with no item.
    pub fn missing(&self) -> impl Iterator<Item = &K> {
        self.entries
            .iter()
            .filter_map(|(k, f)| matches!(f, Fetched::Missing).then_some(k))
    }

    /// The keys left unprocessed, to ask again.
    pub fn unprocessed(&self) -> impl Iterator<Item = &K> {
        self.entries
            .iter()
            .filter_map(|(k, f)| matches!(f, Fetched::Unprocessed).then_some(k))
    }
}

/// The result of a batch write.
#[derive(Debug)]
pub struct BatchWrite<I> {
    /// Requests DynamoDB applied.
    pub written: usize,
    /// Items or keys not written after every retry (or whose request failed: see
    /// [`BatchWrite::error`]): never dropped, write them again.
    pub unprocessed: Vec<I>,
    /// The first error that stopped a request, when one did.
    pub error: Option<Error>,
}

impl<I> BatchWrite<I> {
    /// Whether everything was written.
    pub fn is_complete(&self) -> bool {
        self.unprocessed.is_empty() && self.error.is_none()
    }
}

/// A key's identity, for merging duplicates and matching DynamoDB's unprocessed requests back
/// to the caller's: the attributes in name order, each with its type and bytes.
pub(crate) fn key_identity(key: &AttributeMap) -> Vec<u8> {
    let mut names: Vec<&String> = key.keys().collect();
    names.sort_unstable();
    let mut out = Vec::new();
    for name in names {
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        match &key[name] {
            AttributeValue::S(s) => {
                out.push(b'S');
                out.extend_from_slice(s.as_bytes());
            }
            AttributeValue::N(n) => {
                out.push(b'N');
                out.extend_from_slice(n.as_bytes());
            }
            AttributeValue::B(b) => {
                out.push(b'B');
                out.extend_from_slice(b.as_ref());
            }
            other => {
                out.push(b'?');
                out.extend_from_slice(format!("{other:?}").as_bytes());
            }
        }
        out.push(0xff);
    }
    out
}

/// What a chunk left behind: identities not done, and the error that stopped it.
struct Leftover {
    pending: Vec<Vec<u8>>,
    done: usize,
    error: Option<Error>,
}

/// The items a batch read found, by the identity of their keys.
type Hits<T> = HashMap<Vec<u8>, Hit<T>>;

/// An item a batch read found: the SDK's, or decoded from the response body.
enum Hit<T> {
    Sdk(AttributeMap),
    Wire {
        /// The decoded item, until the first key asking for it takes it.
        item: Option<Result<T, Error>>,
        range: Range<usize>,
        body: Arc<Body>,
    },
}

impl<T: FromItem> Hit<T> {
    /// The item for one key that asked for it (a key asked twice decodes it twice).
    fn take(&mut self, table: &str) -> Result<T, Error> {
        match self {
            Hit::Sdk(item) => T::from_item(item.clone()),
            Hit::Wire { item, range, body } => item
                .take()
                .unwrap_or_else(|| body.stored(range.clone(), "BatchGetItem", table).and_then(T::from_item)),
        }
    }
}

/// The fast path's decoder of a batch read's items: the key's identity (`None` without the
/// hash key, as in a projection), the item, and its range in the body.
fn decode_hit<T: Item>(item: WireMap<'_>, range: Range<usize>) -> (Option<Vec<u8>>, Result<T, Error>, Range<usize>) {
    let spec = T::TABLE;
    let identity = item.get(spec.hash_key.name).is_some().then(|| {
        let key: AttributeMap = std::iter::once(spec.hash_key.name)
            .chain(spec.range_key.map(|k| k.name))
            .filter_map(|name| item.value_of(name).map(|value| (name.to_owned(), value)))
            .collect();
        key_identity(&key)
    });
    (identity, T::from_wire(item), range)
}

impl<T: Item> Table<T> {
    /// BatchGetItem of `keys` (any number), in chunks of 100; duplicate keys are read once.
    /// Every key gets an entry, in request order: found, missing, unprocessed after the retry
    /// policy, or invalid. Only an oversized key fails the whole call, before anything is sent.
    pub async fn batch_get<K>(
        &self,
        keys: Vec<K>,
        to_key: impl Fn(&K) -> AttributeMap,
        consistent: bool,
    ) -> Result<BatchGet<K, T>, Error> {
        let mut unique: Vec<(Vec<u8>, AttributeMap)> = Vec::new();
        let mut positions = Vec::with_capacity(keys.len());
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for key in &keys {
            let map = to_key(key);
            self.check_limits(&map, false)?;
            let identity = key_identity(&map);
            let slot = *seen.entry(identity.clone()).or_insert_with(|| {
                unique.push((identity, map));
                unique.len() - 1
            });
            positions.push(slot);
        }
        let chunks: Vec<Vec<(Vec<u8>, AttributeMap)>> = unique.chunks(BATCH_GET_KEYS).map(<[_]>::to_vec).collect();
        let results: Vec<(Hits<T>, Leftover)> = stream::iter(chunks)
            .map(|chunk| self.get_chunk(chunk, consistent))
            .buffer_unordered(self.retry.concurrency.max(1))
            .collect()
            .await;
        let mut found: Hits<T> = HashMap::new();
        let mut unprocessed: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
        let mut error = None;
        for (items, leftover) in results {
            found.extend(items);
            unprocessed.extend(leftover.pending);
            error = error.or(leftover.error);
        }
        let entries = keys
            .into_iter()
            .zip(positions)
            .map(|(key, slot)| {
                let identity = &unique[slot].0;
                let fetched = match found.get_mut(identity) {
                    Some(hit) => match hit.take(&self.name) {
                        Ok(item) => Fetched::Found(item),
                        Err(e) => Fetched::Invalid(e),
                    },
                    None if unprocessed.contains(identity) => Fetched::Unprocessed,
                    None => Fetched::Missing,
                };
                (key, fetched)
            })
            .collect();
        Ok(BatchGet { entries, error })
    }

    /// One chunk of a batch read, retried under the policy: the items found by identity.
    async fn get_chunk(&self, chunk: Vec<(Vec<u8>, AttributeMap)>, consistent: bool) -> (Hits<T>, Leftover) {
        let mut found = HashMap::new();
        let mut pending: Vec<AttributeMap> = chunk.into_iter().map(|(_, key)| key).collect();
        let mut error = None;
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.retry.delay(attempt - 1)).await;
                telemetry::batch_retry("BatchGetItem", &self.name);
            }
            let call = self.call("BatchGetItem");
            let request = KeysAndAttributes::builder()
                .set_keys(Some(pending.clone()))
                .consistent_read(consistent)
                .build();
            let request = match request {
                Ok(request) => request,
                Err(e) => {
                    error = Some(Error::sdk("BatchGetItem", &self.name, e));
                    break;
                }
            };
            let fast = self
                .fast_reads
                .then(|| FastRead::new(Target::BatchGetItem(self.name.clone()), decode_hit::<T>));
            let result = call
                .send(
                    self.client
                        .batch_get_item()
                        .request_items(&self.name, request)
                        .set_return_consumed_capacity(self.capacity())
                        .customize()
                        .interceptor(Optional(fast.clone()))
                        .send(),
                )
                .await;
            match result {
                Ok(mut output) => {
                    call.capacity(output.consumed_capacity.iter().flatten());
                    let hash = T::TABLE.hash_key.name;
                    let decoded = fast.and_then(|read| read.take());
                    call.read_path(decoded.is_some());
                    match decoded {
                        Some(Decoded { rows, body }) => {
                            let body = Arc::new(body);
                            for (identity, item, range) in rows {
                                if let Some(identity) = identity {
                                    let body = body.clone();
                                    found.insert(
                                        identity,
                                        Hit::Wire {
                                            item: Some(item),
                                            range,
                                            body,
                                        },
                                    );
                                }
                            }
                        }
                        None => {
                            for item in output
                                .responses
                                .as_mut()
                                .and_then(|r| r.remove(&self.name))
                                .unwrap_or_default()
                            {
                                if item.contains_key(hash) {
                                    found.insert(key_identity(&self.key_of(&item)), Hit::Sdk(item));
                                }
                            }
                        }
                    }
                    pending = output
                        .unprocessed_keys
                        .as_mut()
                        .and_then(|u| u.remove(&self.name))
                        .map(|k| k.keys)
                        .unwrap_or_default();
                    error = None;
                    if pending.is_empty() {
                        break;
                    }
                    tracing::debug!(table = %self.name, unprocessed = pending.len(), attempt, "BatchGetItem left keys unprocessed");
                }
                Err(e) => {
                    let e = Error::call("BatchGetItem", &self.name, e);
                    let transient = e.is_transient();
                    error = Some(e);
                    if !transient {
                        break;
                    }
                }
            }
        }
        let pending = pending.iter().map(key_identity).collect();
        (
            found,
            Leftover {
                pending,
                done: 0,
                error,
            },
        )
    }

    /// BatchWriteItem puts of `items` (any number), in chunks of 25: the explicit overwrite
    /// of `put`, for many items. An item over 400 KB or two items with the same key fail the
    /// whole call before anything is sent; what stays unprocessed after the retry policy is
    /// returned.
    pub async fn batch_put(&self, items: Vec<T>) -> Result<BatchWrite<T>, Error> {
        let mut requests = Vec::with_capacity(items.len());
        let mut seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for (position, item) in items.iter().enumerate() {
            let map = item.to_item();
            self.check_limits(&map, true)?;
            let key = self.key_of(&map);
            let identity = key_identity(&key);
            if let Some(first) = seen.insert(identity.clone(), position) {
                return Err(Error::from(ErrorKind::DuplicateKey {
                    table: self.name.clone(),
                    key,
                    positions: (first, position),
                }));
            }
            let size = limits::item_size(&map);
            let put = PutRequest::builder()
                .set_item(Some(map))
                .build()
                .map_err(|e| Error::sdk("BatchWriteItem", &self.name, e))?;
            requests.push((identity, WriteRequest::builder().put_request(put).build(), size));
        }
        Ok(self.batch_write(items, requests).await)
    }

    /// BatchWriteItem deletes of `keys` (any number), in chunks of 25; duplicate keys are
    /// deleted once (and reported once if unprocessed). Deleting a key with no item is not an
    /// error. What stays unprocessed after the retry policy is returned.
    pub async fn batch_delete<K>(
        &self,
        keys: Vec<K>,
        to_key: impl Fn(&K) -> AttributeMap,
    ) -> Result<BatchWrite<K>, Error> {
        let mut requests = Vec::with_capacity(keys.len());
        let mut kept = Vec::with_capacity(keys.len());
        let mut seen = std::collections::HashSet::new();
        for key in keys {
            let map = to_key(&key);
            self.check_limits(&map, false)?;
            let identity = key_identity(&map);
            if !seen.insert(identity.clone()) {
                continue;
            }
            let size = limits::item_size(&map);
            let delete = DeleteRequest::builder()
                .set_key(Some(map))
                .build()
                .map_err(|e| Error::sdk("BatchWriteItem", &self.name, e))?;
            requests.push((identity, WriteRequest::builder().delete_request(delete).build(), size));
            kept.push(key);
        }
        Ok(self.batch_write(kept, requests).await)
    }

    /// Runs write requests (each with its identity and size) in chunks under the policy;
    /// `values[i]` is what request `i` is reported as when unprocessed.
    async fn batch_write<I>(&self, values: Vec<I>, requests: Vec<(Vec<u8>, WriteRequest, usize)>) -> BatchWrite<I> {
        let mut chunks: Vec<Vec<(Vec<u8>, WriteRequest)>> = Vec::new();
        let mut bytes = 0;
        for (identity, request, size) in requests.iter().cloned() {
            let full = chunks
                .last()
                .is_none_or(|c| c.len() == BATCH_WRITE_REQUESTS || bytes + size > BATCH_WRITE_BYTES);
            if full {
                chunks.push(Vec::new());
                bytes = 0;
            }
            bytes += size;
            if let Some(chunk) = chunks.last_mut() {
                chunk.push((identity, request));
            }
        }
        let leftovers: Vec<Leftover> = stream::iter(chunks)
            .map(|chunk| self.write_chunk(chunk))
            .buffer_unordered(self.retry.concurrency.max(1))
            .collect()
            .await;
        let mut written = 0;
        let mut pending = std::collections::HashSet::new();
        let mut error = None;
        for leftover in leftovers {
            written += leftover.done;
            pending.extend(leftover.pending);
            error = error.or(leftover.error);
        }
        let unprocessed = values
            .into_iter()
            .zip(&requests)
            .filter(|(_, (identity, _, _))| pending.contains(identity))
            .map(|(value, _)| value)
            .collect();
        BatchWrite {
            written,
            unprocessed,
            error,
        }
    }

    /// One chunk of a batch write, retried under the policy.
    async fn write_chunk(&self, chunk: Vec<(Vec<u8>, WriteRequest)>) -> Leftover {
        let total = chunk.len();
        let mut pending: Vec<(Vec<u8>, WriteRequest)> = chunk;
        let mut error = None;
        for attempt in 0..self.retry.attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(self.retry.delay(attempt - 1)).await;
                telemetry::batch_retry("BatchWriteItem", &self.name);
            }
            let call = self.call("BatchWriteItem");
            let result = call
                .send(
                    self.client
                        .batch_write_item()
                        .request_items(&self.name, pending.iter().map(|(_, r)| r.clone()).collect())
                        .set_return_consumed_capacity(self.capacity())
                        .send(),
                )
                .await;
            match result {
                Ok(mut output) => {
                    call.capacity(output.consumed_capacity.iter().flatten());
                    let left = output
                        .unprocessed_items
                        .as_mut()
                        .and_then(|u| u.remove(&self.name))
                        .unwrap_or_default();
                    let left: std::collections::HashSet<Vec<u8>> =
                        left.iter().filter_map(|r| self.request_identity(r)).collect();
                    pending.retain(|(identity, _)| left.contains(identity));
                    error = None;
                    if pending.is_empty() {
                        break;
                    }
                    tracing::debug!(table = %self.name, unprocessed = pending.len(), attempt, "BatchWriteItem left requests unprocessed");
                }
                Err(e) => {
                    let e = Error::call("BatchWriteItem", &self.name, e);
                    let transient = e.is_transient();
                    error = Some(e);
                    if !transient {
                        break;
                    }
                }
            }
        }
        Leftover {
            done: total - pending.len(),
            pending: pending.into_iter().map(|(identity, _)| identity).collect(),
            error,
        }
    }

    /// The key identity of a write request DynamoDB returned unprocessed.
    fn request_identity(&self, request: &WriteRequest) -> Option<Vec<u8>> {
        if let Some(put) = &request.put_request {
            return Some(key_identity(&self.key_of(&put.item)));
        }
        request.delete_request.as_ref().map(|d| key_identity(&d.key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_identity_tells_types_and_attributes_apart() {
        let key = |name: &str, value: AttributeValue| AttributeMap::from([(name.to_owned(), value)]);
        let s = key_identity(&key("id", AttributeValue::S("1".into())));
        let n = key_identity(&key("id", AttributeValue::N("1".into())));
        let other = key_identity(&key("ids", AttributeValue::S("1".into())));
        assert_ne!(s, n);
        assert_ne!(s, other);
        let mut two = key("a", AttributeValue::S("x".into()));
        two.insert("b".into(), AttributeValue::S("y".into()));
        let mut same = key("b", AttributeValue::S("y".into()));
        same.insert("a".into(), AttributeValue::S("x".into()));
        assert_eq!(key_identity(&two), key_identity(&same));
    }
}
