//! Opaque, confidential, tamper-evident pagination cursors.
//!
//! A cursor is `base64url(version ‖ nonce ‖ ciphertext)`: the time it was issued and the
//! last-evaluated key, sealed with XChaCha20-Poly1305 under a key derived from the
//! application's secret, with the *binding* (table, index, key condition and its values, and
//! the read's direction) as associated data. Decoding a cursor shows no key value; a cursor that
//! was edited, made with another secret, or that belongs to another table, index, query or
//! direction fails to open: [`ErrorKind::InvalidCursor`] with the reason. Cursors of format 1
//! (signed, not encrypted) are refused. See `docs/security.md`.

use std::fmt;
use std::time::Duration;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305, XNonce};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::codec::AttributeMap;
use crate::error::{Error, ErrorKind};

/// The format of cursors this runtime writes.
const VERSION: u8 = 2;
/// The format before it: signed but not encrypted, so its key values were readable.
const SIGNED_ONLY: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// Where a paginated read stopped, to resume it later. Opaque: pass it back to `page()`.
///
/// It travels as its text: `Display` and `FromStr` give and take it, and serde writes and
/// reads it as a string, so it drops into a web framework's query extractor
/// (`#[derive(Deserialize)] struct Params { cursor: Option<Cursor> }`). Any text parses; it
/// is opened, and refused if tampered with or foreign, when a read uses it.
///
/// ```
/// use ddbgen_runtime::Cursor;
///
/// // A cursor travels as text (a query parameter) and comes back the same way.
/// let cursor: Cursor = "AQ…".parse().expect("any text is a cursor until it is used");
/// assert_eq!(cursor, Cursor::from_text("AQ…"));
/// assert_eq!(cursor.to_string(), "AQ…");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
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

impl std::str::FromStr for Cursor {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Cursor::from_text(text))
    }
}

/// A cursor secret that is too short to protect anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorKeyError {
    /// How many bytes were given.
    pub len: usize,
}

impl fmt::Display for CursorKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a cursor key needs at least {} bytes of secret, got {}: generate one with `openssl rand -base64 48`",
            CursorKey::MIN_SECRET_LEN,
            self.len
        )
    }
}

impl std::error::Error for CursorKeyError {}

/// The secret that seals cursors. Give every instance of an application the same key, so a
/// cursor from one is accepted by another; add the previous key with
/// [`with_previous`](CursorKey::with_previous) while rotating. Its `Debug` shows nothing of it.
///
/// ```
/// use std::time::Duration;
/// use ddbgen_runtime::CursorKey;
///
/// let current = CursorKey::new(b"the new secret, 32 bytes or more, from a vault".as_slice())?;
/// let previous = CursorKey::new(b"the old secret, still accepted while rotating..".as_slice())?;
/// let key = current.with_previous(previous).with_max_age(Duration::from_secs(3600));
/// assert_eq!(format!("{key:?}"), "CursorKey(..)");
/// assert!(CursorKey::new(b"too short".as_slice()).is_err());
/// # Ok::<(), ddbgen_runtime::CursorKeyError>(())
/// ```
#[derive(Clone)]
pub struct CursorKey {
    /// Derived encryption keys: the first seals, any opens.
    keys: Vec<[u8; 32]>,
    max_age: Option<Duration>,
}

impl CursorKey {
    /// The shortest secret accepted, in bytes.
    pub const MIN_SECRET_LEN: usize = 32;

    /// A key from secret bytes, at least [`MIN_SECRET_LEN`](Self::MIN_SECRET_LEN) of them.
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, CursorKeyError> {
        let secret = secret.as_ref();
        if secret.len() < Self::MIN_SECRET_LEN {
            return Err(CursorKeyError { len: secret.len() });
        }
        Ok(CursorKey {
            keys: vec![derive(secret)],
            max_age: None,
        })
    }

    /// A random key for this process only: its cursors are refused after a restart.
    pub fn random() -> Self {
        let secret: [u8; 32] = random_bytes();
        CursorKey {
            keys: vec![derive(&secret)],
            max_age: None,
        }
    }

    /// Also opens cursors sealed with `previous` (and the keys it accepts): new cursors use
    /// this key, cursors issued before a rotation keep working.
    pub fn with_previous(mut self, previous: CursorKey) -> Self {
        self.keys.extend(previous.keys);
        self
    }

    /// Refuses cursors issued longer than `age` ago (by the repository's clock).
    pub fn with_max_age(mut self, age: Duration) -> Self {
        self.max_age = Some(age);
        self
    }

    /// Seals a last-evaluated key for the read described by `binding`, issued `now`.
    pub(crate) fn seal(&self, binding: &str, forward: bool, now: DateTime<Utc>, key: &AttributeMap) -> Cursor {
        let mut plaintext = now.timestamp().to_be_bytes().to_vec();
        encode_key(key, &mut plaintext);
        let nonce: [u8; NONCE_LEN] = random_bytes();
        let aad = associated_data(binding, forward);
        let cipher = XChaCha20Poly1305::new(&self.keys[0].into());
        // Encryption of an in-memory buffer with a valid key and nonce does not fail.
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .unwrap_or_default();
        let mut bytes = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
        bytes.push(VERSION);
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Cursor(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Opens a cursor for the read described by `binding` and returns its key.
    pub(crate) fn open(
        &self,
        binding: &str,
        forward: bool,
        now: DateTime<Utc>,
        cursor: &Cursor,
    ) -> Result<AttributeMap, Error> {
        let invalid = |reason: String| Error::from(ErrorKind::InvalidCursor { reason });
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor.0.as_bytes())
            .map_err(|_| invalid("not a cursor (not base64url)".to_owned()))?;
        match bytes.first() {
            None => return Err(invalid("empty".to_owned())),
            Some(&SIGNED_ONLY) => {
                return Err(invalid(
                    "from an earlier ddbgen (format 1, signed but not encrypted), which is no longer accepted: read from the start".to_owned(),
                ));
            }
            Some(&VERSION) => {}
            Some(other) => return Err(invalid(format!("of unknown format {other}"))),
        }
        if bytes.len() < 1 + NONCE_LEN + TAG_LEN {
            return Err(invalid("too short".to_owned()));
        }
        let (nonce, sealed) = bytes[1..].split_at(NONCE_LEN);
        let aad = associated_data(binding, forward);
        let plaintext = self
            .keys
            .iter()
            .find_map(|key| {
                XChaCha20Poly1305::new(&(*key).into())
                    .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: &aad })
                    .ok()
            })
            .ok_or_else(|| {
                invalid(
                    "does not open: edited, sealed with another key, or from another table, index, query or direction"
                        .to_owned(),
                )
            })?;
        let (issued, key) = plaintext
            .split_at_checked(8)
            .ok_or_else(|| invalid("malformed".to_owned()))?;
        let issued = i64::from_be_bytes(issued.try_into().map_err(|_| invalid("malformed".to_owned()))?);
        if let Some(max_age) = self.max_age {
            let age = now.timestamp().saturating_sub(issued);
            if age > i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX) {
                return Err(invalid(format!(
                    "expired: issued {age} s ago, more than the {} s allowed",
                    max_age.as_secs()
                )));
            }
        }
        decode_key(key).ok_or_else(|| invalid("malformed key".to_owned()))
    }
}

/// Bytes from the operating system's random source. Without one, no key or nonce here would be
/// safe, and the process cannot go on sealing cursors (generated ids, from `uuid`, would fail
/// the same way).
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if let Err(error) = getrandom::fill(&mut bytes) {
        panic!("ddbgen cannot seal cursors: the operating system's random source failed: {error}");
    }
    bytes
}

/// The encryption key of a secret: HMAC-SHA256(secret, purpose), so the secret itself is never
/// the cipher's key and a secret shared with something else yields an unrelated key.
fn derive(secret: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(secret).unwrap_or_else(|_| unreachable!());
    mac.update(b"ddbgen cursor key, format 2");
    mac.finalize().into_bytes().into()
}

/// What a cursor is bound to: format, binding (table, index, condition, values), direction.
fn associated_data(binding: &str, forward: bool) -> Vec<u8> {
    let mut aad = Vec::with_capacity(binding.len() + 10);
    aad.push(VERSION);
    aad.extend_from_slice(&(binding.len() as u64).to_be_bytes());
    aad.extend_from_slice(binding.as_bytes());
    aad.push(u8::from(forward));
    aad
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

    fn secret(byte: u8) -> CursorKey {
        CursorKey::new([byte; 32]).expect("32 bytes")
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(seconds, 0).expect("time")
    }

    #[test]
    fn round_trips_and_reveals_no_key_value() {
        let k = secret(1);
        let cursor = k.seal("books||q", true, at(0), &key());
        assert_eq!(k.open("books||q", true, at(0), &cursor).expect("valid"), key());
        let bytes = URL_SAFE_NO_PAD.decode(cursor.as_str()).expect("base64");
        for value in [b"HarperBusiness".as_slice(), b"01995", b"publisher"] {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value),
                "cursor shows {value:?}"
            );
        }
        // The same key sealed twice gives different cursors (random nonces).
        assert_ne!(cursor, k.seal("books||q", true, at(0), &key()));
    }

    #[test]
    fn refuses_foreign_tampered_reversed_expired_and_old_cursors() {
        let k = secret(1);
        let cursor = k.seal("books||q", true, at(0), &key());
        let reason = |result: Result<AttributeMap, Error>| match result.map_err(Error::into_kind) {
            Err(ErrorKind::InvalidCursor { reason }) => reason,
            other => panic!("expected an invalid cursor, got {other:?}"),
        };
        assert!(reason(k.open("authors||q", true, at(0), &cursor)).starts_with("does not open"));
        assert!(reason(k.open("books||q", false, at(0), &cursor)).starts_with("does not open"));
        assert!(reason(secret(2).open("books||q", true, at(0), &cursor)).starts_with("does not open"));
        let mut bytes = URL_SAFE_NO_PAD.decode(cursor.as_str()).expect("base64");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let edited = Cursor(URL_SAFE_NO_PAD.encode(&bytes));
        assert!(reason(k.open("books||q", true, at(0), &edited)).starts_with("does not open"));
        bytes[0] = SIGNED_ONLY;
        let old = Cursor(URL_SAFE_NO_PAD.encode(&bytes));
        assert!(reason(k.open("books||q", true, at(0), &old)).contains("format 1"));
        assert_eq!(
            reason(k.open("b", true, at(0), &Cursor::from_text("%%"))),
            "not a cursor (not base64url)"
        );
        let aging = secret(1).with_max_age(Duration::from_secs(60));
        assert!(aging.open("books||q", true, at(60), &cursor).is_ok());
        assert!(reason(aging.open("books||q", true, at(61), &cursor)).starts_with("expired"));
    }

    #[test]
    fn rotation_opens_old_cursors_and_seals_with_the_new_key() {
        let old = secret(1);
        let old_cursor = old.seal("q", true, at(0), &key());
        let rotated = secret(2).with_previous(secret(1));
        assert_eq!(rotated.open("q", true, at(0), &old_cursor).expect("old cursor"), key());
        let new_cursor = rotated.seal("q", true, at(0), &key());
        assert!(
            old.open("q", true, at(0), &new_cursor).is_err(),
            "sealed with the new key"
        );
        assert!(secret(2).open("q", true, at(0), &new_cursor).is_ok());
        assert_eq!(CursorKey::new([0u8; 31]).map(|_| ()), Err(CursorKeyError { len: 31 }));
    }

    proptest::proptest! {
        /// Any text or bytes given as a cursor are refused with a reason, never a panic.
        #[test]
        fn arbitrary_input_is_refused_cleanly(text in ".{0,200}", bytes in proptest::collection::vec(0u8..=255, 0..200)) {
            let k = secret(1);
            proptest::prop_assert!(k.open("q", true, at(0), &Cursor::from_text(text)).is_err());
            let encoded = Cursor(URL_SAFE_NO_PAD.encode(&bytes));
            proptest::prop_assert!(k.open("q", true, at(0), &encoded).is_err());
        }
    }
}
