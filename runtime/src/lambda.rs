//! A DynamoDB stream consumer on AWS Lambda, record by record: each record of an invocation is
//! decoded into a typed [`Change`] and handed to the handler, in order; a record that does not
//! decode, or whose handler fails, is reported as a batch item failure, and its neighbours are
//! still processed (feature `lambda-events`).
//!
//! With `FunctionResponseTypes: ReportBatchItemFailures` on the event source mapping, Lambda
//! retries a stream batch from the lowest sequence number reported, in order. Records after
//! a failure are therefore delivered again: the handler must be idempotent (a replayed record
//! changes nothing), which a write conditional on the item's version gives. A record that can
//! never succeed (a corrupt image) is retried until the mapping's `MaximumRetryAttempts` or
//! the record's age runs out, then goes to its on-failure destination: set both.

use std::future::Future;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};

use crate::change::Change;
use crate::item::FromItem;

/// One record that was not processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFailure {
    /// The record's `dynamodb.SequenceNumber`: what Lambda retries from. `None` for a record
    /// without one, which makes Lambda retry the whole batch (nothing is skipped).
    pub sequence_number: Option<String>,
    /// The record's `eventID`, for logs.
    pub event_id: String,
    /// Why: the decode error (naming the table and attribute, never a value) or the
    /// handler's error.
    pub reason: String,
}

/// What an invocation did with its records: how many were processed, and which were not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Records decoded and handled.
    pub processed: usize,
    /// Records not processed, in the order they came.
    pub failures: Vec<RecordFailure>,
    /// Records of the sentinel items of unique values (`unique: true`), which are not items
    /// of the table: skipped, and not failures.
    pub skipped: usize,
}

impl BatchReport {
    /// Records `record` as not processed, for `reason`.
    pub fn fail(&mut self, record: &EventRecord, reason: impl std::fmt::Display) {
        self.failures.push(RecordFailure {
            sequence_number: record.change.sequence_number.clone(),
            event_id: record.event_id.clone(),
            reason: reason.to_string(),
        });
    }

    /// The answer Lambda expects with `ReportBatchItemFailures`: the sequence number of every
    /// failed record (an empty list: the whole batch succeeded).
    ///
    /// ```
    /// use ddbgen_runtime::lambda::{BatchReport, RecordFailure};
    ///
    /// let report = BatchReport {
    ///     processed: 2,
    ///     failures: vec![RecordFailure {
    ///         sequence_number: Some("200".into()),
    ///         event_id: "e2".into(),
    ///         reason: "attribute `price`: expected N".into(),
    ///     }],
    ///     ..BatchReport::default()
    /// };
    /// let response = report.into_response();
    /// assert_eq!(response.batch_item_failures[0].item_identifier.as_deref(), Some("200"));
    /// ```
    pub fn into_response(self) -> DynamoDbEventResponse {
        let mut response = DynamoDbEventResponse::default();
        response.batch_item_failures = self
            .failures
            .into_iter()
            .map(|failure| {
                let mut item = DynamoDbBatchItemFailure::default();
                // An empty identifier makes Lambda retry the whole batch, as a missing one should.
                item.item_identifier = Some(failure.sequence_number.unwrap_or_default());
                item
            })
            .collect();
        response
    }
}

/// Decodes each record of `event` as a [`Change<T>`] and runs `handle` on it, one at a time and
/// in order. A record that does not decode, or whose `handle` returns an error, is reported in
/// the [`BatchReport`]; the records after it are still handled. A record of a unique value's
/// sentinel item is skipped (`skipped`). Answer Lambda with [`BatchReport::into_response`].
///
/// ```
/// use ddbgen_runtime::aws_lambda_events::event::dynamodb::Event;
/// use ddbgen_runtime::lambda::for_each_change;
/// use ddbgen_runtime::{AttributeMap, Change, Error, FromItem, Native};
///
/// #[derive(Debug)]
/// struct Note(String);
/// impl FromItem for Note {
///     fn from_item(mut item: AttributeMap) -> Result<Self, Error> {
///         Native.field(item.remove("text"), "text").map(Note).map_err(|e| e.in_table("notes"))
///     }
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let event: Event = serde_json::from_str(r#"{"Records": [
///   {"eventID": "1", "eventName": "INSERT", "awsRegion": "eu-west-1",
///    "dynamodb": {"SequenceNumber": "100", "SizeBytes": 10, "StreamViewType": "NEW_IMAGE",
///                 "NewImage": {"text": {"S": "hi"}}}},
///   {"eventID": "2", "eventName": "INSERT", "awsRegion": "eu-west-1",
///    "dynamodb": {"SequenceNumber": "200", "SizeBytes": 10, "StreamViewType": "NEW_IMAGE",
///                 "NewImage": {"text": {"N": "7"}}}},
///   {"eventID": "3", "eventName": "INSERT", "awsRegion": "eu-west-1",
///    "dynamodb": {"SequenceNumber": "300", "SizeBytes": 10, "StreamViewType": "NEW_IMAGE",
///                 "NewImage": {"id": {"S": "ddbgen#unique#email#a@b.c"}, "ddbgen_unique": {"S": "email"}}}}
/// ]}"#).unwrap();
/// let mut seen = Vec::new();
/// let report = for_each_change(&event, |change: Change<Note>| {
///     seen.push(format!("{change:?}"));
///     async { Ok::<(), Error>(()) }
/// })
/// .await;
/// assert_eq!((report.processed, report.skipped, seen.len()), (1, 1, 1));
/// assert_eq!(report.failures[0].sequence_number.as_deref(), Some("200"));
/// assert!(report.failures[0].reason.contains("`text`"));
/// # });
/// ```
pub async fn for_each_change<T, F, Fut, E>(event: &Event, mut handle: F) -> BatchReport
where
    T: FromItem,
    F: FnMut(Change<T>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut report = BatchReport::default();
    for record in &event.records {
        let images = [&record.change.old_image, &record.change.new_image];
        if images
            .iter()
            .any(|image| image.inner().contains_key(crate::repository::UNIQUE_MARKER))
        {
            report.skipped += 1;
            continue;
        }
        match Change::<T>::from_lambda_record(record) {
            Err(error) => report.fail(record, error),
            Ok(change) => match handle(change).await {
                Ok(()) => report.processed += 1,
                Err(error) => report.fail(record, error),
            },
        }
    }
    report
}
