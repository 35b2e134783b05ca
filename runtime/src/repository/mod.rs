//! Talking to DynamoDB: what every generated repository shares.
//!
//! A generated `BookRepository` wraps a [`Table<Book>`] and adds typed methods; the logic of
//! safe writes, pagination, cursors and table creation lives here once.

mod batch;
mod clock;
mod condition;
mod cursor;
mod expression;
mod query;
mod table;
mod transaction;
mod update;

pub use batch::{BATCH_GET_KEYS, BATCH_WRITE_BYTES, BATCH_WRITE_REQUESTS, BatchGet, BatchWrite, Fetched, RetryPolicy};
pub use clock::{Clock, FixedClock, SystemClock};
pub use condition::{Attr, Condition, Ordered};
pub use cursor::{Cursor, CursorKey, CursorKeyError};
pub use query::{KeyCondition, Page, ParallelScan, Query, QueryBuilder, Scan, SortCondition, StopReason};
pub use table::Table;
pub use transaction::{CancellationReason, TRANSACTION_BYTES, TRANSACTION_OPERATIONS, Transaction};
pub use update::UpdateExpression;
