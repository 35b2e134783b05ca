//! `tracing` spans and metric events of repository operations, named by OpenTelemetry's
//! semantic conventions: one span per DynamoDB request (`db.system.name`, `db.operation.name`,
//! `aws.dynamodb.table_names`, `aws.dynamodb.index_name`, counts and, when asked, consumed
//! capacity), duration and capacity metrics in `tracing-opentelemetry`'s field convention, and
//! never an attribute value.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ddbgen_runtime::QueryBuilder;
use ddbgen_tests::library::book::{BookFields, BookRepository, NewBook};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

mod support;

use support::Env;

/// A span's name, target and fields as recorded.
#[derive(Debug, Clone)]
struct Captured {
    name: String,
    target: String,
    fields: Vec<(String, String)>,
}

/// A subscriber that keeps every span and event.
#[derive(Default, Clone)]
struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        attributes.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().expect("lock");
        spans.push(Captured {
            name: attributes.metadata().name().to_owned(),
            target: attributes.metadata().target().to_owned(),
            fields,
        });
        self.next.store(spans.len() as u64, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().expect("lock");
        if let Some(captured) = spans.get_mut(span.into_u64() as usize - 1) {
            values.record(&mut Fields(&mut captured.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.spans.lock().expect("lock").push(Captured {
            name: event.metadata().name().to_owned(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Capture {
    /// What the runtime recorded: its spans and its metric events.
    fn ours(&self) -> Vec<Captured> {
        let spans = self.spans.lock().expect("lock").clone();
        spans
            .into_iter()
            .filter(|s| s.target.starts_with("ddbgen_runtime"))
            .collect()
    }
}

/// The spans of `operation`.
fn spans<'a>(ours: &'a [Captured], operation: &str) -> Vec<&'a Captured> {
    let quoted = format!("{operation:?}");
    ours.iter()
        .filter(|s| s.name == "dynamodb" && s.field("db.operation.name") == Some(quoted.as_str()))
        .collect()
}

/// The metric events of `operation` that carry `metric` (`histogram.db.client.operation.duration`).
fn metrics<'a>(ours: &'a [Captured], operation: &str, metric: &str) -> Vec<&'a Captured> {
    let quoted = format!("{operation:?}");
    ours.iter()
        .filter(|s| {
            s.target == ddbgen_runtime::METRICS_TARGET
                && s.field("db.operation.name") == Some(quoted.as_str())
                && s.field(metric).is_some()
        })
        .collect()
}

/// No span or event shows a stored value (the items hold `secret` and `Traced`).
fn assert_no_values(ours: &[Captured]) {
    for span in ours {
        for (name, value) in &span.fields {
            assert!(
                !value.contains("secret") && !value.contains("Traced"),
                "`{}` field `{name}` shows an attribute value: {value}",
                span.name
            );
        }
    }
}

#[tokio::test]
async fn a_query_has_a_span_by_the_conventions_with_counts_metrics_and_no_values() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let env = Env::new();
    let books = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone())
        .with_consumed_capacity(true);
    env.table_created(books.create_table().await);
    for i in 0..3 {
        books
            .create(NewBook {
                publisher: "Traced".into(),
                published_year: 2001,
                isbn: format!("{i:07}"),
                title: "A secret title".into(),
                ..NewBook::default()
            })
            .await
            .expect("create");
    }
    let found = books
        .query("Traced")
        .filter(BookFields::title().begins_with("A secret"))
        .all()
        .await
        .expect("query");
    assert_eq!(found.len(), 3);
    let by_title = books.query_by_title("A secret title").all().await.expect("index query");
    assert_eq!(by_title.len(), 3);
    assert_eq!(books.query("Traced").count().await.expect("count"), 3);

    let ours = capture.ours();
    let table = format!("{}books", env.prefix);
    let puts = spans(&ours, "PutItem");
    assert_eq!(puts.len(), 3, "one span per PutItem: {ours:#?}");
    for put in &puts {
        assert_eq!(put.field("db.system.name"), Some("\"aws.dynamodb\""));
        assert_eq!(put.field("aws.dynamodb.table_names"), Some(table.as_str()));
        assert_eq!(put.field("otel.name"), Some(format!("PutItem {table}").as_str()));
        assert_eq!(put.field("otel.kind"), Some("\"client\""));
        assert_eq!(
            put.field("aws.dynamodb.index_name"),
            None,
            "no index: the field is left out"
        );
    }
    let queries = spans(&ours, "Query");
    let query = queries.first().expect("a Query span");
    assert_eq!(query.field("aws.dynamodb.count"), Some("3"), "{query:?}");
    assert!(query.field("aws.dynamodb.scanned_count").is_some());
    assert!(
        queries
            .iter()
            .any(|q| q.field("aws.dynamodb.index_name") == Some("\"by_title\"")),
        "the index query names its index: {queries:#?}"
    );
    // Items come from the response body (the fast path), unless the repository asks otherwise.
    assert_eq!(query.field("ddbgen.read_path"), Some("\"wire\""), "{query:?}");
    let slow = books.clone().with_fast_reads(false);
    assert_eq!(slow.query("Traced").all().await.expect("query").len(), 3);
    let key = found[0].key();
    assert!(books.get(&key).await.expect("get").is_some());
    assert!(slow.get(&key).await.expect("get").is_some());
    let ours = capture.ours();
    let paths = |operation: &str| -> Vec<Option<String>> {
        spans(&ours, operation)
            .iter()
            .map(|s| s.field("ddbgen.read_path").map(str::to_owned))
            .collect()
    };
    let queries = paths("Query");
    assert_eq!(queries.last(), Some(&Some("\"sdk\"".to_owned())), "{queries:?}");
    assert_eq!(
        paths("GetItem"),
        [Some("\"wire\"".to_owned()), Some("\"sdk\"".to_owned())]
    );
    assert!(
        ours.iter()
            .any(|s| s.name == "dynamodb.count" && s.field("pages") == Some("1"))
    );
    // Every request's duration is a metric with the same attributes as its span.
    let durations = metrics(&ours, "PutItem", "histogram.db.client.operation.duration");
    assert_eq!(durations.len(), 3, "{ours:#?}");
    assert!(durations.iter().all(|m| {
        m.field("aws.dynamodb.table_names") == Some(table.as_str())
            && m.field("histogram.db.client.operation.duration")
                .and_then(|d| d.parse::<f64>().ok())
                .is_some_and(|d| d >= 0.0)
    }));
    assert_eq!(
        metrics(&ours, "Query", "histogram.db.client.operation.duration").len(),
        queries.len()
    );
    if !env.external() {
        assert!(
            puts.iter().all(|s| s.field("aws.dynamodb.consumed_capacity").is_some()),
            "consumed capacity is recorded when asked for: {puts:#?}"
        );
        assert_eq!(
            metrics(&ours, "PutItem", "monotonic_counter.aws.dynamodb.consumed_capacity").len(),
            3
        );
    }
    // A refused write carries DynamoDB's error code as `error.type`, on the span and the metric.
    let again = NewBook {
        publisher: "Traced".into(),
        published_year: 2001,
        isbn: "0000000".into(),
        title: "A secret title".into(),
        ..NewBook::default()
    };
    books.create(again).await.expect_err("the key is taken");
    let ours = capture.ours();
    let failed = spans(&ours, "PutItem")
        .into_iter()
        .find(|s| s.field("error.type").is_some())
        .expect("failed put");
    assert_eq!(failed.field("error.type"), Some("\"ConditionalCheckFailedException\""));
    assert!(
        metrics(&ours, "PutItem", "error.type")
            .iter()
            .any(|m| m.field("error.type") == failed.field("error.type"))
    );
    assert_no_values(&ours);
}

#[tokio::test]
async fn a_batch_has_a_span_per_request_its_retries_counted_and_capacity_summed() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let env = Env::new();
    let books = support::bulk_books(&env).await.with_consumed_capacity(true);
    let items: Vec<_> = (0..30)
        .map(|i| ddbgen_tests::bulk::book::Book {
            publisher: "Traced".into(),
            published_year: 2001,
            isbn: format!("{i:07}"),
            title: "A secret title".into(),
            ..support::bulk_book()
        })
        .collect();
    let written = books.batch_put(&items).await.expect("batch");
    assert!(written.unprocessed.is_empty());
    let ours = capture.ours();
    let table = format!("{}bulk_books", env.prefix);
    let requests = spans(&ours, "BatchWriteItem");
    assert_eq!(requests.len(), 2, "30 items are two requests of at most 25: {ours:#?}");
    assert!(
        requests
            .iter()
            .all(|s| s.field("aws.dynamodb.table_names") == Some(table.as_str()))
    );
    assert_eq!(
        metrics(&ours, "BatchWriteItem", "histogram.db.client.operation.duration").len(),
        2
    );
    assert!(
        metrics(&ours, "BatchWriteItem", "monotonic_counter.ddbgen.batch.retries").is_empty(),
        "nothing was left unprocessed, so nothing was retried"
    );
    if !env.external() {
        let units: f64 = requests
            .iter()
            .filter_map(|s| s.field("aws.dynamodb.consumed_capacity")?.parse::<f64>().ok())
            .sum();
        assert!(units >= 30.0, "each item costs at least one write unit: {units}");
    }
    assert_no_values(&ours);
}

#[tokio::test]
async fn a_transaction_span_names_every_table_and_reports_its_capacity() {
    let env = Env::new();
    if !support::transactions_supported(&env, "a_transaction_span_names_every_table_and_reports_its_capacity") {
        return;
    }
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let books = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone())
        .with_consumed_capacity(true);
    env.table_created(books.create_table().await);
    let customers = support::customers(&env).await;
    let mut tx = books.transaction();
    books
        .transact_create(
            &mut tx,
            NewBook {
                publisher: "Traced".into(),
                published_year: 2001,
                isbn: "0000001".into(),
                title: "A secret title".into(),
                ..NewBook::default()
            },
        )
        .expect("add a book");
    customers
        .transact_create(&mut tx, support::new_customer("secret@example.com"))
        .expect("add a customer");
    tx.send().await.expect("transaction");

    let ours = capture.ours();
    let sent = spans(&ours, "TransactWriteItems");
    let span = sent.first().expect("a TransactWriteItems span");
    let mut tables = [format!("{}books", env.prefix), format!("{}customers", env.prefix)];
    tables.sort();
    assert_eq!(span.field("aws.dynamodb.table_names"), Some(tables.join(",").as_str()));
    let units: f64 = span
        .field("aws.dynamodb.consumed_capacity")
        .and_then(|u| u.parse().ok())
        .expect("a transaction reports its capacity");
    assert!(
        units >= 4.0,
        "a transactional write of two items costs at least 4 units: {units}"
    );
    assert_eq!(
        metrics(
            &ours,
            "TransactWriteItems",
            "monotonic_counter.aws.dynamodb.consumed_capacity"
        )
        .len(),
        1
    );
    assert_eq!(
        metrics(&ours, "TransactWriteItems", "histogram.db.client.operation.duration").len(),
        1
    );
    assert_no_values(&ours);
}
