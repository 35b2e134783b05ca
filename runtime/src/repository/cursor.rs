//! Opaque, tamper-evident pagination cursors.
//!
//! A cursor is `base64url(version ‖ last-evaluated-key ‖ tag)`, where the tag is an
//! HMAC-SHA256 over the version, the key and the *binding* (table, index and key condition of
//! the query it came from), truncated to 16 bytes. A cursor that was edited, or that belongs to
//! another table, index or query, fails verification: [`Error::InvalidCursor`].

use std::fmt;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::codec::AttributeMap;
use crate::error::Error;

const VERSION: u8 = 1;
const TAG_LEN: usize = 16;

/// Where a paginated read stopped, to resume it later. Opaque: pass it back to `page()`.
///
/// ```
/// use ddbgen_runtime::Cursor;
///
/// // A cursor travels as text (a query parameter) and comes back the same way.
/// let cursor = Cursor::from_text("AQ…");
/// assert_eq!(cursor.as_str(), "AQ…");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cursor(String);

impl Cursor {
    /// The text form, safe in URLs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A cursor received as text (from a URL, say). It is verified when used.
    pub fn from_text(text: impl Into<String>) -> Self {
        Cursor(text.into())
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({})", self.0)
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The secret that signs cursors. Give every instance of an application the same key, so a
/// cursor from one is accepted by another.
///
/// ```
/// use ddbgen_runtime::CursorKey;
///
/// // The same secret on every instance, so that any of them accepts any cursor.
/// let key = CursorKey::new(b"a secret of at least 32 bytes, from your vault".to_vec());
/// assert_eq!(format!("{key:?}"), "CursorKey(..)");
/// ```
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl CursorKey {
    /// A key from secret bytes (at least 16 are recommended).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        CursorKey(secret.into())
    }

    /// A random key for this process only: its cursors are refused after a restart.
    pub fn random() -> Self {
        let mut bytes = Vec::with_capacity(32);
        bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        CursorKey(bytes)
    }

    fn tag(&self, binding: &str, payload: &[u8]) -> Vec<u8> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!());
        mac.update(&(binding.len() as u64).to_be_bytes());
        mac.update(binding.as_bytes());
        mac.update(payload);
        mac.finalize().into_bytes()[..TAG_LEN].to_vec()
    }

    /// Signs a last-evaluated key for the query described by `binding`.
    pub(crate) fn seal(&self, binding: &str, key: &AttributeMap) -> Cursor {
        let mut payload = vec![VERSION];
        encode_key(key, &mut payload);
        let tag = self.tag(binding, &payload);
        payload.extend_from_slice(&tag);
        Cursor(URL_SAFE_NO_PAD.encode(payload))
    }

    /// Verifies a cursor for the query described by `binding` and returns its key.
    pub(crate) fn open(&self, binding: &str, cursor: &Cursor) -> Result<AttributeMap, Error> {
        let invalid = |reason: &str| Error::InvalidCursor {
            reason: reason.to_owned(),
        };
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor.0.as_bytes())
            .map_err(|_| invalid("not a cursor"))?;
        if bytes.len() < 1 + TAG_LEN {
            return Err(invalid("too short"));
        }
        let (payload, tag) = bytes.split_at(bytes.len() - TAG_LEN);
        let expected = self.tag(binding, payload);
        // Constant-time comparison, so timing says nothing about the tag.
        if expected.iter().zip(tag).fold(0u8, |diff, (a, b)| diff | (a ^ b)) != 0 {
            return Err(invalid(
                "signature does not match: edited, or from another table, index or query",
            ));
        }
        if payload[0] != VERSION {
            return Err(invalid("from another version of ddbgen"));
        }
        decode_key(&payload[1..]).ok_or_else(|| invalid("malformed key"))
    }
}

impl fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

/// Keys hold only S, N and B values: `count, (name, tag, value)*`, lengths as u32.
fn encode_key(key: &AttributeMap, out: &mut Vec<u8>) {
    let mut entries: Vec<(&String, &AttributeValue)> = key.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
    for (name, value) in entries {
        let (tag, bytes): (u8, &[u8]) = match value {
            AttributeValue::S(s) => (b'S', s.as_bytes()),
            AttributeValue::N(n) => (b'N', n.as_bytes()),
            AttributeValue::B(b) => (b'B', b.as_ref()),
            // Not a key type: DynamoDB never returns one in LastEvaluatedKey.
            _ => (b'?', &[]),
        };
        out.extend_from_slice(&(name.len() as u32).to_be_bytes());
        out.extend_from_slice(name.as_bytes());
        out.push(tag);
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
}

fn decode_key(mut input: &[u8]) -> Option<AttributeMap> {
    fn take<'a>(input: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        if input.len() < n {
            return None;
        }
        let (head, tail) = input.split_at(n);
        *input = tail;
        Some(head)
    }
    fn length(input: &mut &[u8]) -> Option<usize> {
        let bytes: [u8; 4] = take(input, 4)?.try_into().ok()?;
        Some(u32::from_be_bytes(bytes) as usize)
    }
    let count = length(&mut input)?;
    let mut key = AttributeMap::new();
    for _ in 0..count {
        let len = length(&mut input)?;
        let name = String::from_utf8(take(&mut input, len)?.to_vec()).ok()?;
        let tag = take(&mut input, 1)?[0];
        let len = length(&mut input)?;
        let bytes = take(&mut input, len)?;
        let value = match tag {
            b'S' => AttributeValue::S(String::from_utf8(bytes.to_vec()).ok()?),
            b'N' => AttributeValue::N(String::from_utf8(bytes.to_vec()).ok()?),
            b'B' => AttributeValue::B(Blob::new(bytes.to_vec())),
            _ => return None,
        };
        key.insert(name, value);
    }
    input.is_empty().then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> AttributeMap {
        AttributeMap::from([
            ("publisher".to_owned(), AttributeValue::S("HarperBusiness".into())),
            ("year_isbn".to_owned(), AttributeValue::S("01995#95".into())),
            ("n".to_owned(), AttributeValue::N("7".into())),
            ("b".to_owned(), AttributeValue::B(Blob::new(vec![0, 1]))),
        ])
    }

    #[test]
    fn round_trips_for_the_same_binding() {
        let k = CursorKey::new(b"0123456789abcdef".to_vec());
        let cursor = k.seal("books||q", &key());
        assert_eq!(k.open("books||q", &cursor).expect("valid"), key());
    }

    #[test]
    fn refuses_foreign_tampered_and_garbage_cursors() {
        let k = CursorKey::new(b"0123456789abcdef".to_vec());
        let cursor = k.seal("books||q", &key());
        assert!(matches!(
            k.open("authors||q", &cursor),
            Err(Error::InvalidCursor { .. })
        ));
        assert!(matches!(
            CursorKey::random().open("books||q", &cursor),
            Err(Error::InvalidCursor { .. })
        ));
        let mut bytes = URL_SAFE_NO_PAD.decode(cursor.as_str()).expect("base64");
        bytes[6] ^= 1;
        let tampered = Cursor(URL_SAFE_NO_PAD.encode(bytes));
        assert!(matches!(
            k.open("books||q", &tampered),
            Err(Error::InvalidCursor { .. })
        ));
        assert!(matches!(
            k.open("books||q", &Cursor::from_text("%%%")),
            Err(Error::InvalidCursor { .. })
        ));
        assert!(matches!(
            k.open("books||q", &Cursor::from_text("")),
            Err(Error::InvalidCursor { .. })
        ));
    }
}
