//! Spans and metrics of DynamoDB requests, named by OpenTelemetry's semantic conventions for
//! databases and for DynamoDB, on `tracing` (already a dependency): no telemetry crate is
//! linked, and an application exports them with the layers it chooses.
//!
//! - **Spans** (`tracing` level DEBUG, name `dynamodb`): one per request, with `otel.name`
//!   (`PutItem books`), `otel.kind = "client"`, `db.system.name = "aws.dynamodb"`,
//!   `db.operation.name`, `aws.dynamodb.table_names`, `aws.dynamodb.index_name`, and once
//!   answered `aws.dynamodb.count` / `aws.dynamodb.scanned_count` (reads),
//!   `aws.dynamodb.consumed_capacity` (capacity units, when the repository asks for them) and
//!   `error.type` (DynamoDB's error code) on failure. `tracing-opentelemetry` turns the
//!   `otel.*` fields into the span's name and kind.
//! - **Metrics** (events of target [`METRICS_TARGET`], level DEBUG), in the field-prefix
//!   convention of `tracing-opentelemetry`'s `MetricsLayer` (`histogram.`,
//!   `monotonic_counter.`), each with the request's `db.*` and `aws.dynamodb.*` attributes:
//!   `db.client.operation.duration` (seconds, a histogram), `aws.dynamodb.consumed_capacity`
//!   (capacity units, a counter) and `ddbgen.batch.retries` (a batch's retries of unprocessed
//!   items, a counter). The SDK's own retries are counted by the SDK's observability.
//! - Never an attribute value: no key, no condition value, no item.

use std::future::Future;
use std::time::Instant;

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::ConsumedCapacity;
use tracing::Instrument;

/// The `tracing` target of the metric events, to route them to a metrics layer alone
/// (`Targets::new().with_target("ddbgen_runtime::metrics", Level::DEBUG)`).
pub const METRICS_TARGET: &str = "ddbgen_runtime::metrics";

/// `db.system.name` of every span and metric.
const SYSTEM: &str = "aws.dynamodb";

/// One DynamoDB request being observed: its span, and the attributes its metrics repeat.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    span: tracing::Span,
    operation: &'static str,
    tables: &'a str,
}

impl<'a> Call<'a> {
    /// The span of `operation` on `tables` (several, comma-separated, for a transaction),
    /// through `index` when it reads one.
    pub(crate) fn new(operation: &'static str, tables: &'a str, index: Option<&'static str>) -> Call<'a> {
        let span = tracing::debug_span!(
            "dynamodb",
            otel.name = %format_args!("{operation} {tables}"),
            otel.kind = "client",
            db.system.name = SYSTEM,
            db.operation.name = operation,
            aws.dynamodb.table_names = %tables,
            aws.dynamodb.index_name = index,
            aws.dynamodb.count = tracing::field::Empty,
            aws.dynamodb.scanned_count = tracing::field::Empty,
            aws.dynamodb.consumed_capacity = tracing::field::Empty,
            error.type = tracing::field::Empty,
            ddbgen.read_path = tracing::field::Empty,
        );
        Call {
            span,
            operation,
            tables,
        }
    }

    /// Sends `request` inside the span, then records its duration (metric
    /// `db.client.operation.duration`) and, on failure, DynamoDB's error code as `error.type`.
    pub(crate) async fn send<O, E, R>(
        &self,
        request: impl Future<Output = Result<O, SdkError<E, R>>>,
    ) -> Result<O, SdkError<E, R>>
    where
        E: ProvideErrorMetadata,
    {
        let started = Instant::now();
        let result = request.instrument(self.span.clone()).await;
        let error = result.as_ref().err().map(|e| e.code().unwrap_or("_OTHER"));
        if let Some(code) = error {
            self.span.record("error.type", code);
        }
        tracing::event!(
            target: METRICS_TARGET,
            tracing::Level::DEBUG,
            histogram.db.client.operation.duration = started.elapsed().as_secs_f64(),
            db.system.name = SYSTEM,
            db.operation.name = self.operation,
            aws.dynamodb.table_names = %self.tables,
            error.type = error,
        );
        result
    }

    /// Records how a read's items were decoded: `wire` (from the response body, the fast path)
    /// or `sdk` (from the SDK's items).
    pub(crate) fn read_path(&self, wire: bool) {
        self.span.record("ddbgen.read_path", if wire { "wire" } else { "sdk" });
    }

    /// Records the items a read returned and evaluated.
    pub(crate) fn counts(&self, count: i32, scanned: i32) {
        self.span.record("aws.dynamodb.count", count);
        self.span.record("aws.dynamodb.scanned_count", scanned);
    }

    /// Records the capacity the request consumed, summed over `consumed` (one entry per table),
    /// on the span and as metric `aws.dynamodb.consumed_capacity`; nothing when DynamoDB
    /// reported none (the repository did not ask).
    pub(crate) fn capacity<'c>(&self, consumed: impl IntoIterator<Item = &'c ConsumedCapacity>) {
        let units: Option<f64> = consumed
            .into_iter()
            .filter_map(ConsumedCapacity::capacity_units)
            .fold(None, |sum, units| Some(sum.unwrap_or(0.0) + units));
        if let Some(units) = units {
            self.span.record("aws.dynamodb.consumed_capacity", units);
            tracing::event!(
                target: METRICS_TARGET,
                tracing::Level::DEBUG,
                monotonic_counter.aws.dynamodb.consumed_capacity = units,
                db.system.name = SYSTEM,
                db.operation.name = self.operation,
                aws.dynamodb.table_names = %self.tables,
            );
        }
    }
}

/// Counts one retry of a batch's unprocessed items (metric `ddbgen.batch.retries`).
pub(crate) fn batch_retry(operation: &'static str, table: &str) {
    tracing::event!(
        target: METRICS_TARGET,
        tracing::Level::DEBUG,
        monotonic_counter.ddbgen.batch.retries = 1u64,
        db.system.name = SYSTEM,
        db.operation.name = operation,
        aws.dynamodb.table_names = %table,
    );
}
