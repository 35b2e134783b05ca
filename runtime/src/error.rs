//! The one error type of generated code.

use std::fmt;

use crate::codec::AttributeMap;
use crate::validate::ValidationErrors;

/// Everything a generated repository or conversion can fail with: one pointer wide, so a
/// `Result<T, Error>` costs no more than `T` plus a pointer (as serde_dynamo's error does).
/// What went wrong is its [`ErrorKind`]; match on [`kind`](Error::kind).
///
/// ```
/// use ddbgen_runtime::{Error, ErrorKind};
///
/// fn describe(error: &Error) -> &'static str {
///     match error.kind() {
///         ErrorKind::AlreadyExists { .. } => "taken",
///         ErrorKind::NotFound { .. } => "gone",
///         ErrorKind::VersionConflict { .. } => "changed meanwhile: read again and retry",
///         ErrorKind::TransactionConflict { .. } => "another transaction holds the item: retry",
///         ErrorKind::Validation(_) => "refused before sending",
///         _ => "other",
///     }
/// }
/// assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
/// ```
pub struct Error(Box<ErrorKind>);

/// What went wrong: the variants of an [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The item breaks its schema's rules; every failing field is listed.
    Validation(ValidationErrors),
    /// A stored item does not match the schema.
    Conversion {
        /// The DynamoDB table the item came from.
        table: String,
        /// The entity the item was read as, in a table of several entities (single-table
        /// design).
        entity: Option<&'static str>,
        /// Path of the attribute (`authors[2].name`).
        attribute: String,
        /// What the schema expects there.
        expected: String,
        /// What was found, with a clipped copy of a scalar's value, for your code.
        found: Box<str>,
        /// What was found, without its value: what `Display` shows.
        shape: Box<str>,
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
    /// The write's extra condition (a typed [`Condition`](crate::Condition)) was false, or a
    /// transaction's condition check failed; nothing was written.
    ConditionFailed {
        /// The DynamoDB table.
        table: String,
        /// The key's stored attributes, for your code (never in `Display`).
        key: AttributeMap,
        /// The stored item, when there is one (decode it with [`Error::current`]).
        current: Option<AttributeMap>,
    },
    /// A unique field's value is held by another item (`unique: true` in the schema); nothing
    /// was written.
    UniqueViolation {
        /// The DynamoDB table.
        table: String,
        /// The field, as the schema names it.
        field: String,
        /// The key attributes of the item that holds the value, when its sentinel could be read
        /// (for your code: `Display` names the field, never the value or the holder).
        holder: Option<AttributeMap>,
    },
    /// DynamoDB kept throttling the request after the SDK's retries (or, for a batch, after
    /// the batch retry policy); nothing of this request was written. Back off and retry, or
    /// raise the table's capacity.
    Throttled {
        /// The operation, such as `PutItem`.
        operation: &'static str,
        /// The DynamoDB table.
        table: String,
        /// DynamoDB's error code (`ProvisionedThroughputExceededException`, `ThrottlingException`).
        code: String,
    },
    /// The request timed out (the SDK client's timeout settings). For a write the outcome is
    /// unknown: it may or may not have been applied.
    Timeout {
        /// The operation, such as `PutItem`.
        operation: &'static str,
        /// The DynamoDB table.
        table: String,
    },
    /// A batch or transaction names the same item twice; nothing was sent.
    DuplicateKey {
        /// The DynamoDB table.
        table: String,
        /// The key's stored attributes, for your code (never in `Display`).
        key: AttributeMap,
        /// Positions of the two requests in the call.
        positions: (usize, usize),
    },
    /// The item is part of another transaction that is still in flight, so DynamoDB refused
    /// this write (`TransactionConflictException`) or cancelled this transaction's operation on
    /// it (reason `TransactionConflict`); nothing of it was written. Retrying shortly succeeds
    /// once the other transaction ends.
    TransactionConflict {
        /// The operation, such as `PutItem` or `TransactWriteItems`.
        operation: &'static str,
        /// The DynamoDB table.
        table: String,
    },
    /// A transaction is over one of DynamoDB's limits (100 operations, 4 MB); nothing was sent.
    TransactionTooLarge {
        /// What is over: `operations` or `bytes`.
        what: &'static str,
        /// How many.
        size: usize,
        /// DynamoDB's limit.
        limit: usize,
    },
    /// DynamoDB cancelled the transaction; nothing of it was written. Every operation that
    /// caused it is listed with its position and what went wrong.
    TransactionCanceled {
        /// The failed operations, in order; each `error` is `AlreadyExists`, `NotFound`,
        /// `VersionConflict`, `ConditionFailed`, `Throttled`, `TransactionConflict`, or `Sdk`
        /// for other reasons.
        failures: Vec<TransactionFailure>,
    },
    /// A stream record cannot be decoded: no images, or an unknown event.
    InvalidStreamRecord {
        /// Why.
        reason: String,
    },
    /// A pagination cursor was tampered with, or belongs to another table or query.
    InvalidCursor {
        /// Why it was refused.
        reason: String,
    },
    /// A migration's checkpoint file could not be read or written, or belongs to another
    /// table or split of segments.
    Checkpoint {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
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

impl Error {
    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// What went wrong, by value: to take the stored item or the key out of it.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }
}

impl ErrorKind {
    /// The stored item carried by `AlreadyExists`, `VersionConflict` or `ConditionFailed`,
    /// decoded as `T`; `None` when the kind carries none.
    pub fn current<T: crate::FromItem>(&self) -> Option<Result<T, Error>> {
        match self {
            ErrorKind::AlreadyExists { current, .. }
            | ErrorKind::VersionConflict { current, .. }
            | ErrorKind::ConditionFailed { current, .. } => current.clone().map(T::from_item),
            _ => None,
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind as Error;
        match self {
            Error::Validation(errors) => write!(f, "validation failed: {errors}"),
            Error::Conversion {
                table,
                entity,
                attribute,
                expected,
                shape,
                ..
            } => {
                let entity = entity.map(|e| format!(" (entity `{e}`)")).unwrap_or_default();
                write!(
                    f,
                    "item of table `{table}`{entity} does not match its schema: attribute `{attribute}`: expected {expected}, found {shape}"
                )
            }
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
            Error::ConditionFailed { table, key, .. } => write!(
                f,
                "the condition on the item ({}) of table `{table}` was false; nothing was written",
                key_names(key)
            ),
            Error::UniqueViolation { table, field, .. } => write!(
                f,
                "another item of table `{table}` holds this value of the unique field `{field}`; nothing was written"
            ),
            Error::Throttled { operation, table, code } => write!(
                f,
                "{operation} on table `{table}` was throttled ({code}) after every retry; nothing of it was written"
            ),
            Error::Checkpoint { path, reason } => {
                write!(f, "migration checkpoint {}: {reason}", path.display())
            }
            Error::Timeout { operation, table } => write!(
                f,
                "{operation} on table `{table}` timed out; a write may or may not have been applied"
            ),
            Error::DuplicateKey { table, key, positions } => write!(
                f,
                "requests {} and {} name the same item ({}) of table `{table}`; nothing was sent",
                positions.0,
                positions.1,
                key_names(key)
            ),
            Error::TransactionConflict { operation, table } => write!(
                f,
                "{operation} on table `{table}` met another transaction in flight on the same item; nothing of it was written: retry"
            ),
            Error::TransactionTooLarge { what, size, limit } => write!(
                f,
                "the transaction has {size} {what}, over DynamoDB's limit of {limit}; nothing was sent"
            ),
            Error::TransactionCanceled { failures } => {
                write!(f, "the transaction was cancelled; nothing was written:")?;
                for failure in failures {
                    write!(f, " [operation {}: {}]", failure.index, failure.error)?;
                }
                Ok(())
            }
            Error::InvalidStreamRecord { reason } => write!(f, "invalid stream record: {reason}"),
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

/// One operation of a cancelled transaction and why it failed.
#[derive(Debug)]
pub struct TransactionFailure {
    /// The operation's position in the transaction, from 0.
    pub index: usize,
    /// What went wrong with it.
    pub error: Error,
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
        std::error::Error::source(&*self.0)
    }
}

impl std::error::Error for ErrorKind {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ErrorKind::Validation(errors) => Some(errors),
            ErrorKind::Sdk { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl Error {
    /// The stored item carried by `AlreadyExists`, `VersionConflict` or `ConditionFailed`,
    /// decoded as `T`; `None` when the error carries none.
    ///
    /// ```
    /// use ddbgen_runtime::{Error, FromItem};
    ///
    /// // After a version conflict: the item as it is now, to merge and retry.
    /// fn latest<T: FromItem>(error: &Error) -> Option<T> {
    ///     error.current::<T>().and_then(Result::ok)
    /// }
    /// ```
    pub fn current<T: crate::FromItem>(&self) -> Option<Result<T, Error>> {
        self.kind().current()
    }

    /// Whether retrying later may succeed: throttling, timeouts and a transaction in flight
    /// on the same item.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::Throttled { .. } | ErrorKind::Timeout { .. } | ErrorKind::TransactionConflict { .. }
        )
    }

    /// A failed SDK call of `operation` on `table`: throttling and timeouts get their own
    /// variants, everything else is [`ErrorKind::Sdk`].
    pub(crate) fn call<E, R>(
        operation: &'static str,
        table: &str,
        error: aws_sdk_dynamodb::error::SdkError<E, R>,
    ) -> Self
    where
        E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        use aws_sdk_dynamodb::error::SdkError;
        match &error {
            SdkError::TimeoutError(_) => {
                return ErrorKind::Timeout {
                    operation,
                    table: table.to_owned(),
                }
                .into();
            }
            SdkError::DispatchFailure(failure) if failure.is_timeout() => {
                return ErrorKind::Timeout {
                    operation,
                    table: table.to_owned(),
                }
                .into();
            }
            SdkError::ServiceError(service) => match service.err().code() {
                Some(code) if is_throttling(code) => {
                    return ErrorKind::Throttled {
                        operation,
                        table: table.to_owned(),
                        code: code.to_owned(),
                    }
                    .into();
                }
                Some("TransactionConflictException") => {
                    return ErrorKind::TransactionConflict {
                        operation,
                        table: table.to_owned(),
                    }
                    .into();
                }
                _ => {}
            },
            _ => {}
        }
        Error::sdk(operation, table, error)
    }

    /// An SDK failure of `operation` on `table`.
    pub(crate) fn sdk(
        operation: &'static str,
        table: &str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        ErrorKind::Sdk {
            operation,
            table: table.to_owned(),
            source: Box::new(source),
        }
        .into()
    }
}

impl From<ValidationErrors> for Error {
    fn from(errors: ValidationErrors) -> Self {
        ErrorKind::Validation(errors).into()
    }
}

/// DynamoDB's error codes for throttling.
pub(crate) fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ProvisionedThroughputExceededException"
            | "ThrottlingException"
            | "RequestLimitExceeded"
            | "Throttling"
            | "ThrottlingError"
            | "ProvisionedThroughputExceeded"
    )
}
