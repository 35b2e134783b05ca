//! Talking to DynamoDB: what every generated repository shares.
//!
//! A generated `BookRepository` is [`Repository<Book>`]: the logic of safe writes, batches,
//! transactions, pagination, cursors and table creation lives here once, over the [`Record`]
//! trait the generated item implements, and the repository dereferences to the table's
//! generated typed reads.

mod batch;
mod clock;
mod condition;
mod cursor;
pub(crate) mod expression;
mod fast;
mod generic;
mod key_condition;
mod methods;
mod narrow;
mod patch;
mod query;
mod read;
mod record;
mod retry;
mod search;
mod stream;
mod table;
mod telemetry;
mod transaction;
mod unique;
mod update;

pub use batch::{BATCH_GET_KEYS, BATCH_WRITE_BYTES, BATCH_WRITE_REQUESTS, BatchGet, BatchWrite, Fetched};
pub use clock::{Clock, FixedClock, SystemClock};
pub use condition::{Attr, Condition, IntoValue, Ordered};
pub use cursor::{Cursor, CursorKey, CursorKeyError};
pub use generic::Repository;
pub use key_condition::{KeyCondition, SortCondition};
pub use methods::{REPOSITORY_METHODS, UPDATE_METHODS};
pub use narrow::KeyQuery;
pub use patch::Patch;
pub use query::{ParallelScan, Query, QueryBuilder, Scan};
pub use read::{Page, StopReason};
pub use record::{PlainWrites, Record, RecordKey, TableReads, Unversioned};
pub use retry::RetryPolicy;
pub use search::{DEFAULT_TOP_K, MAX_TOP_K, Scored, VectorSearch};
pub use stream::ItemStream;
pub use table::Table;
pub(crate) use table::{key_of, stored_version};
pub use telemetry::METRICS_TARGET;
pub use transaction::{CancellationReason, TRANSACTION_BYTES, TRANSACTION_OPERATIONS, Transaction};
#[cfg(feature = "lambda-events")]
pub(crate) use unique::MARKER as UNIQUE_MARKER;
pub use unique::{SENTINEL_PREFIX, is_sentinel};
pub use update::{Update, UpdateExpression};
