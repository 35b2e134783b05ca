//! Talking to DynamoDB: what every generated repository shares.
//!
//! A generated `BookRepository` wraps a [`Table<Book>`] and adds typed methods; the logic of
//! safe writes, pagination, cursors and table creation lives here once.

mod clock;
mod cursor;
mod expression;
mod query;
mod table;
mod update;

pub use clock::{Clock, FixedClock, SystemClock};
pub use cursor::{Cursor, CursorKey, CursorKeyError};
pub use query::{KeyCondition, Page, ParallelScan, Query, QueryBuilder, Scan, SortCondition, StopReason};
pub use table::Table;
pub use update::UpdateExpression;
