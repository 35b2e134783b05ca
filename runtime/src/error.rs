//! The one error type of generated code.

use std::fmt;

use crate::codec::AttributeMap;
use crate::validate::ValidationErrors;

/// Everything a generated repository or conversion can fail with.
///
/// ```
/// use ddbgen_runtime::Error;
///
/// fn describe(error: &Error) -> &'static str {
///     match error {
///         Error::AlreadyExists { .. } => "taken",
///         Error::NotFound { .. } => "gone",
///         Error::VersionConflict { .. } => "changed meanwhile: read again and retry",
///         Error::Validation(_) => "refused before sending",
///         _ => "other",
///     }
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The item breaks its schema's rules; every failing field is listed.
    Validation(ValidationErrors),
    /// A stored item does not match the schema.
    Conversion {
        /// The DynamoDB table the item came from.
        table: String,
        /// Path of the attribute (`authors[2].name`).
        attribute: String,
        /// What the schema expects there.
        expected: String,
        /// What was found, with a clipped copy of a scalar's value, for your code.
        found: String,
        /// What was found, without its value: what `Display` shows.
        shape: String,
    },
    /// `create` found an item with the same key; nothing was written.
    AlreadyExists {
        /// The DynamoDB table.
        table: String,
        /// The key's stored attributes, for your code: `Display` names the attributes only,
        /// never their values, so the error can be logged.
        key: AttributeMap,
        /// The stored item, when it could be read (decode it with `FromItem::from_item`).
        current: Option<AttributeMap>,
    },
    /// The item to replace, update or delete does not exist; nothing was written.
    NotFound {
        /// The DynamoDB table.
        table: String,
        /// The key's stored attributes, for your code (never in `Display`).
        key: AttributeMap,
    },
    /// The item's `version` changed since it was read; nothing was written.
    VersionConflict {
        /// The DynamoDB table.
        table: String,
        /// The version the write expected.
        expected: u64,
        /// The stored item, when it could be read (decode it with `FromItem::from_item`).
        current: Option<AttributeMap>,
    },
    /// A key or item is over one of DynamoDB's size limits; nothing was sent.
    TooLarge {
        /// The DynamoDB table.
        table: String,
        /// The attribute over the limit (for a whole item: its largest attribute).
        attribute: String,
        /// `partition key`, `sort key` or `item`.
        what: &'static str,
        /// Its size in bytes, by DynamoDB's formula.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// A pagination cursor was tampered with, or belongs to another table or query.
    InvalidCursor {
        /// Why it was refused.
        reason: String,
    },
    /// The DynamoDB call failed.
    Sdk {
        /// The operation, such as `PutItem`.
        operation: &'static str,
        /// The DynamoDB table.
        table: String,
        /// The SDK's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(errors) => write!(f, "validation failed: {errors}"),
            Error::Conversion {
                table,
                attribute,
                expected,
                shape,
                ..
            } => write!(
                f,
                "item of table `{table}` does not match its schema: attribute `{attribute}`: expected {expected}, found {shape}"
            ),
            Error::AlreadyExists { table, key, .. } => write!(
                f,
                "an item with the same key ({}) already exists in table `{table}`",
                key_names(key)
            ),
            Error::NotFound { table, key } => {
                write!(f, "no item with that key ({}) in table `{table}`", key_names(key))
            }
            Error::VersionConflict { table, expected, .. } => {
                write!(
                    f,
                    "item of table `{table}` is no longer at version {expected}: read it again"
                )
            }
            Error::TooLarge {
                table,
                attribute,
                what: "item",
                size,
                limit,
            } => write!(
                f,
                "item of table `{table}` is {size} bytes, over DynamoDB's {limit}-byte limit (its largest attribute is `{attribute}`); nothing was sent"
            ),
            Error::TooLarge {
                table,
                attribute,
                what,
                size,
                limit,
            } => write!(
                f,
                "{what} `{attribute}` of table `{table}` is {size} bytes, over DynamoDB's {limit}-byte limit; nothing was sent"
            ),
            Error::InvalidCursor { reason } => write!(f, "invalid cursor: {reason}"),
            Error::Sdk {
                operation,
                table,
                source,
            } => write!(
                f,
                "{operation} on table `{table}` failed: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(source.as_ref())
            ),
        }
    }
}

/// The attribute names of a key, sorted (`publisher, year_isbn`): what an error about a key
/// prints, without its values.
fn key_names(key: &AttributeMap) -> String {
    let mut names: Vec<&str> = key.keys().map(String::as_str).collect();
    names.sort_unstable();
    names.join(", ")
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(errors) => Some(errors),
            Error::Sdk { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl Error {
    /// An SDK failure of `operation` on `table`.
    pub(crate) fn sdk(
        operation: &'static str,
        table: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Sdk {
            operation,
            table: table.to_owned(),
            source: Box::new(source),
        }
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        Error::Validation(errors)
    }
}
