//! Failure semantics under injected faults: a proxy on 127.0.0.1 between the SDK client and the
//! embedded server answers with throttling, 500s, dropped connections, delays, partial batch
//! results and cancelled transactions. Each test is bounded: a fixed number of requests, short
//! SDK backoffs, and a time limit on the whole test.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use ddbgen_runtime::aws_sdk_dynamodb::Client;
use ddbgen_runtime::aws_sdk_dynamodb::config::retry::RetryConfig;
use ddbgen_runtime::aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use ddbgen_runtime::local::LocalDynamo;
use ddbgen_runtime::{Error, ErrorKind, Fetched, FixedClock, QueryBuilder, Record, Repository, RetryPolicy};
use ddbgen_tests::bulk::{book as bulk, types as bulk_types};
use ddbgen_tests::library::book::{Book, BookRepository, NewBook};
use ddbgen_tests::library::types::{Author, BookStatus};
use futures_util::StreamExt;

mod proxy;

use proxy::{Fault, Proxy};

/// No test here may run longer than this.
const BOUND: Duration = Duration::from_secs(120);

/// The embedded server, a proxy before it with `plan`, and a repository whose client talks to
/// the proxy with the SDK's standard retries (3 attempts) and millisecond backoffs.
async fn setup(plan: impl Fn(&str, u64) -> Fault + Send + Sync + 'static) -> (LocalDynamo, Proxy, BookRepository) {
    setup_for::<Book>(plan).await
}

/// [`setup`] for the books without a version, which `batch_put` writes.
async fn bulk_setup(
    plan: impl Fn(&str, u64) -> Fault + Send + Sync + 'static,
) -> (LocalDynamo, Proxy, Repository<bulk::Book>) {
    setup_for::<bulk::Book>(plan).await
}

async fn setup_for<T: Record>(
    plan: impl Fn(&str, u64) -> Fault + Send + Sync + 'static,
) -> (LocalDynamo, Proxy, Repository<T>) {
    let server = LocalDynamo::start().expect("embedded server");
    let proxy = Proxy::start(server.endpoint(), plan).await;
    let books = Repository::<T>::new(client(&server, &proxy, None))
        .with_clock(FixedClock::new(
            ddbgen_runtime::codegen::DateTime::from_timestamp(1_700_000_000, 0).expect("time"),
        ))
        .with_retry_policy(RetryPolicy {
            attempts: 12,
            base: Duration::from_millis(1),
            cap: Duration::from_millis(20),
            concurrency: 4,
        });
    // The table is created directly on the server, not through the faults.
    Repository::<T>::new(server.client())
        .create_table()
        .await
        .expect("create table");
    (server, proxy, books)
}

fn client(server: &LocalDynamo, proxy: &Proxy, attempt_timeout: Option<Duration>) -> Client {
    let mut timeouts = TimeoutConfig::builder();
    if let Some(timeout) = attempt_timeout {
        timeouts = timeouts.operation_attempt_timeout(timeout);
    }
    let config = server
        .client()
        .config()
        .to_builder()
        .endpoint_url(&proxy.endpoint)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .timeout_config(timeouts.build())
        .build();
    Client::from_conf(config)
}

fn book(i: u64) -> Book {
    Book {
        publisher: "F".into(),
        published_year: 2000,
        isbn: format!("{i:07}"),
        title: format!("Title {i}"),
        subtitle: None,
        price: None,
        tags: None,
        status: BookStatus::Draft,
        authors: vec![Author {
            name: "A".into(),
            born: None,
        }],
        extra: None,
        cover: None,
        copies_sold: 0,
        expires_at: None,
        created: ddbgen_runtime::codegen::DateTime::from_timestamp(1_600_000_000, 0).expect("time"),
        updated: ddbgen_runtime::codegen::DateTime::from_timestamp(1_600_000_000, 0).expect("time"),
        version: 1,
    }
}

/// A book without a version, as [`book`] makes it.
fn bulk_book(i: u64) -> bulk::Book {
    let book = book(i);
    bulk::Book {
        publisher: book.publisher,
        published_year: book.published_year,
        isbn: book.isbn,
        title: book.title,
        subtitle: None,
        price: None,
        status: bulk_types::BookStatus::Draft,
        authors: vec![bulk_types::Author {
            name: "A".into(),
            born: None,
        }],
        copies_sold: 0,
        created: book.created,
        updated: book.updated,
    }
}

/// Stores `n` items straight on the server, as given (the runtime's `Table::batch_put`, which
/// the versioned repository does not offer).
async fn fill(server: &LocalDynamo, n: u64) {
    let direct = BookRepository::new(server.client());
    let items: Vec<Book> = (0..n).map(book).collect();
    let written = direct.table().batch_put(items).await.expect("fill");
    assert!(written.is_complete());
}

/// Every third request of `operation` fails in one of six ways; never three in a row, so the
/// SDK's three attempts always get through.
fn every_third(operation: &'static str) -> impl Fn(&str, u64) -> Fault + Send + Sync {
    move |op, n| {
        if op != operation || n % 3 != 1 {
            return Fault::Pass;
        }
        match (n / 3) % 6 {
            0 => Fault::Reject("ProvisionedThroughputExceededException"),
            1 => Fault::ServerError,
            2 => Fault::DropMidResponse,
            3 => Fault::Reject("ThrottlingException"),
            4 => Fault::Drop,
            _ => Fault::Delay(Duration::from_millis(15)),
        }
    }
}

#[tokio::test]
async fn a_stream_under_faults_yields_every_item_exactly_once() {
    tokio::time::timeout(BOUND, async {
        let (server, proxy, books) = setup(every_third("Query")).await;
        fill(&server, 300).await;
        let mut seen = HashSet::new();
        let mut stream = books.query("F").page_size(10).stream();
        while let Some(item) = stream.next().await {
            let item = item.expect("faults the SDK retries never end the stream");
            assert!(seen.insert(item.isbn.clone()), "{} came twice", item.isbn);
        }
        assert_eq!(seen.len(), 300, "every item, none dropped");
        assert!(proxy.faults() >= 10, "faults were injected: {}", proxy.faults());
        assert!(proxy.count("Query") >= 31, "31 pages and the retries");
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn a_stream_that_stays_throttled_ends_with_an_error_never_short() {
    tokio::time::timeout(BOUND, async {
        let (server, _proxy, books) = setup(|op, n| {
            if op == "Query" && n >= 4 {
                Fault::Reject("ProvisionedThroughputExceededException")
            } else {
                Fault::Pass
            }
        })
        .await;
        fill(&server, 100).await;
        let mut seen = HashSet::new();
        let mut stream = books.query("F").page_size(10).stream();
        let mut ended = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(item) => assert!(seen.insert(item.isbn), "no duplicates"),
                Err(e) => {
                    ended = Some(e);
                    break;
                }
            }
        }
        assert_eq!(seen.len(), 40, "four pages came through");
        match ended.map(Error::into_kind) {
            Some(ErrorKind::Throttled {
                operation: "Query",
                table,
                code,
            }) => {
                assert_eq!(table, "books");
                assert_eq!(code, "ProvisionedThroughputExceededException");
            }
            other => panic!("a short stream must end with the throttling error, got {other:?}"),
        }
        // A page read fails the same way rather than returning fewer items.
        match books
            .query("F")
            .page_size(10)
            .limit(50)
            .page(None)
            .await
            .map_err(Error::into_kind)
        {
            Err(ErrorKind::Throttled { .. }) => {}
            other => panic!("expected Throttled, got {other:?}"),
        }
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn a_slow_server_is_a_timeout() {
    tokio::time::timeout(BOUND, async {
        let server = LocalDynamo::start().expect("embedded server");
        let proxy = Proxy::start(server.endpoint(), |op, _| {
            if op == "GetItem" {
                Fault::Delay(Duration::from_millis(400))
            } else {
                Fault::Pass
            }
        })
        .await;
        BookRepository::new(server.client())
            .create_table()
            .await
            .expect("table");
        let books = BookRepository::new(client(&server, &proxy, Some(Duration::from_millis(100))));
        match books.get(&book(1).key()).await.map_err(Error::into_kind) {
            Err(ErrorKind::Timeout {
                operation: "GetItem", ..
            }) => {}
            other => panic!("expected a timeout, got {other:?}"),
        }
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn ten_thousand_batch_puts_under_30_percent_unprocessed_are_all_stored() {
    tokio::time::timeout(BOUND, async {
        let (server, proxy, books) = bulk_setup(|op, _| {
            if op == "BatchWriteItem" || op == "BatchGetItem" {
                Fault::Partial(3)
            } else {
                Fault::Pass
            }
        })
        .await;
        let items: Vec<bulk::Book> = (0..10_000).map(bulk_book).collect();
        let written = books.batch_put(&items).await.expect("batch put");
        assert!(written.is_complete(), "left: {}", written.unprocessed.len());
        assert_eq!(written.written, 10_000);
        assert!(proxy.count("BatchWriteItem") > 400, "unprocessed items were retried");
        let direct = bulk::BookRepository::new(server.client());
        assert_eq!(direct.query("F").count().await.expect("count"), 10_000);

        // Batch reads under the same faults find every item.
        let keys: Vec<bulk::BookKey> = items.iter().take(1_000).map(bulk::Book::key).collect();
        let read = books.batch_get(&keys).await.expect("batch get");
        assert!(read.is_complete());
        assert_eq!(read.found().count(), 1_000);
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn batch_leftovers_are_returned_typed_never_dropped() {
    tokio::time::timeout(BOUND, async {
        let (server, _proxy, books) = bulk_setup(|op, _| {
            if op == "BatchWriteItem" || op == "BatchGetItem" {
                Fault::Partial(3)
            } else {
                Fault::Pass
            }
        })
        .await;
        let books = books.with_retry_policy(RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        });
        let items: Vec<bulk::Book> = (0..500).map(bulk_book).collect();
        let written = books.batch_put(&items).await.expect("batch put");
        assert!(!written.unprocessed.is_empty(), "one attempt leaves items behind");
        assert_eq!(written.written + written.unprocessed.len(), 500);
        let left: HashSet<String> = written.unprocessed.iter().map(|b| b.isbn.clone()).collect();
        let direct = bulk::BookRepository::new(server.client());
        let keys: Vec<bulk::BookKey> = items.iter().map(bulk::Book::key).collect();
        let stored = direct.batch_get(&keys).await.expect("batch get");
        for (key, fetched) in &stored.entries {
            match fetched {
                Fetched::Found(_) => assert!(!left.contains(&key.isbn), "{} is stored", key.isbn),
                Fetched::Missing => assert!(left.contains(&key.isbn), "{} was reported", key.isbn),
                other => panic!("unexpected {other:?}"),
            }
        }
        let read = books.batch_get(&keys).await.expect("batch get");
        assert_eq!(
            read.found().count() + read.missing().count() + read.unprocessed().count(),
            500
        );
        assert!(
            read.unprocessed().count() > 0,
            "unprocessed keys are told apart from missing ones"
        );
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn eight_concurrent_versioned_writers_count_exactly() {
    tokio::time::timeout(BOUND, async {
        // Throttling and 500s answered before the server sees the write, and delays that
        // interleave the writers: every failure is a write that did not happen.
        let (_server, proxy, books) = setup(|op, n| match (op, n % 4) {
            ("UpdateItem", 1) => Fault::Reject("ThrottlingException"),
            ("UpdateItem", 2) => Fault::Delay(Duration::from_millis(3)),
            ("GetItem", 3) => Fault::ServerError,
            _ => Fault::Pass,
        })
        .await;
        let counter = books
            .create(NewBook {
                publisher: "F".into(),
                published_year: 2000,
                isbn: "0000000".into(),
                title: "Counter".into(),
                ..NewBook::default()
            })
            .await
            .expect("create");
        let key = counter.key();
        let successes = Arc::new(AtomicU64::new(0));
        let conflicts = Arc::new(AtomicU64::new(0));
        let mut writers = Vec::new();
        for _ in 0..8 {
            let (books, key, successes, conflicts) = (books.clone(), key.clone(), successes.clone(), conflicts.clone());
            writers.push(tokio::spawn(async move {
                let mut mine = 0;
                while mine < 10 {
                    let current = match books.get_consistent(&key).await.map_err(Error::into_kind) {
                        Ok(Some(current)) => current,
                        Ok(None) => panic!("the counter exists"),
                        // A read changes nothing: after throttling or a 500 that outlived the
                        // SDK's retries, read again.
                        Err(e @ (ErrorKind::Throttled { .. } | ErrorKind::Sdk { .. })) => {
                            eprintln!("read failed, reading again: {e}");
                            continue;
                        }
                        Err(e) => panic!("read: {e}"),
                    };
                    let result = books
                        .update(&key)
                        .set_copies_sold(current.copies_sold + 1)
                        .expect_version(current.version)
                        .send()
                        .await;
                    match result {
                        Ok(_) => {
                            mine += 1;
                            successes.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) if matches!(e.kind(), ErrorKind::VersionConflict { .. }) => {
                            conflicts.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(e) if e.is_transient() => {}
                        Err(e) => panic!("write: {e}"),
                    }
                }
            }));
        }
        for writer in writers {
            writer.await.expect("writer");
        }
        let stored = books.get_consistent(&key).await.expect("get").expect("stored");
        let successes = successes.load(Ordering::SeqCst);
        assert_eq!(successes, 80);
        assert_eq!(
            stored.copies_sold, successes,
            "exactly the writes that reported success"
        );
        assert_eq!(stored.version, successes + 1);
        assert!(conflicts.load(Ordering::SeqCst) > 0, "the writers did collide");
        assert!(proxy.faults() > 0);
    })
    .await
    .expect("bounded");
}

#[tokio::test]
async fn a_transaction_is_all_or_nothing_under_injected_cancellation() {
    tokio::time::timeout(BOUND, async {
        let (server, proxy, books) = setup(|op, n| match (op, n) {
            ("TransactWriteItems", 0) => Fault::Cancel(vec!["None", "ThrottlingError"]),
            ("TransactWriteItems", 2) => Fault::DropMidResponse,
            _ => Fault::Pass,
        })
        .await;
        let direct = BookRepository::new(server.client());
        let mut tx = books.transaction();
        let first = books
            .transact_create(
                &mut tx,
                NewBook {
                    publisher: "F".into(),
                    published_year: 2000,
                    isbn: "0000001".into(),
                    title: "One".into(),
                    ..NewBook::default()
                },
            )
            .expect("add");
        let second = books
            .transact_create(
                &mut tx,
                NewBook {
                    publisher: "F".into(),
                    published_year: 2000,
                    isbn: "0000002".into(),
                    title: "Two".into(),
                    ..NewBook::default()
                },
            )
            .expect("add");
        match tx.send().await.map_err(Error::into_kind) {
            Err(ErrorKind::TransactionCanceled { failures }) => {
                assert_eq!(failures.len(), 1);
                assert_eq!(failures[0].index, 1);
                assert!(
                    matches!(failures[0].error.kind(), ErrorKind::Throttled { .. }),
                    "{:?}",
                    failures[0].error
                );
            }
            other => panic!("expected the injected cancellation, got {other:?}"),
        }
        assert_eq!(direct.scan().count().await.expect("count"), 0, "nothing was written");
        tx.send().await.expect("sent again, it applies");
        assert_eq!(direct.get(&first.key()).await.expect("get"), Some(first.clone()));
        assert_eq!(direct.get(&second.key()).await.expect("get"), Some(second));

        // The answer to an applied transaction is lost; the SDK retries with the same client
        // request token, and the increment is applied once.
        let mut tx = books.transaction();
        books
            .update(&first.key())
            .add_copies_sold(1)
            .transact(&mut tx)
            .expect("add");
        tx.send().await.expect("retried after the dropped answer");
        assert!(proxy.count("TransactWriteItems") >= 4, "the dropped answer was retried");
        let stored = direct.get(&first.key()).await.expect("get").expect("stored");
        assert_eq!(stored.copies_sold, 1, "applied once");
    })
    .await
    .expect("bounded");
}

/// Another transaction in flight on the same item: a single write answered with
/// `TransactionConflictException`, and a transaction cancelled with reason
/// `TransactionConflict`, are both `ErrorKind::TransactionConflict` (transient), never `Sdk`;
/// nothing was written, and the same call succeeds once the other transaction is over.
#[tokio::test]
async fn a_transaction_conflict_is_its_own_transient_error() {
    tokio::time::timeout(BOUND, async {
        let (server, proxy, books) = setup(|op, n| match (op, n) {
            ("PutItem", 0) => Fault::Reject("TransactionConflictException"),
            ("TransactWriteItems", 0) => Fault::Cancel(vec!["TransactionConflict"]),
            _ => Fault::Pass,
        })
        .await;
        let direct = BookRepository::new(server.client());
        let new = NewBook {
            publisher: "F".into(),
            published_year: 2000,
            isbn: "0000001".into(),
            title: "One".into(),
            ..NewBook::default()
        };

        let error = books.create(new.clone()).await.expect_err("the conflict is injected");
        assert!(error.is_transient(), "{error}");
        match error.kind() {
            ErrorKind::TransactionConflict {
                operation: "PutItem",
                table,
            } => assert_eq!(table, "books"),
            other => panic!("expected TransactionConflict, got {other:?}"),
        }
        assert_eq!(direct.scan().count().await.expect("count"), 0, "nothing was written");
        let created = books.create(new).await.expect("retried, it is written");

        let mut tx = books.transaction();
        books
            .update(&created.key())
            .add_copies_sold(1)
            .transact(&mut tx)
            .expect("add");
        match tx.send().await.map_err(Error::into_kind) {
            Err(ErrorKind::TransactionCanceled { failures }) => {
                assert_eq!(failures.len(), 1);
                assert_eq!(failures[0].index, 0);
                assert!(failures[0].error.is_transient());
                assert!(
                    matches!(failures[0].error.kind(), ErrorKind::TransactionConflict { .. }),
                    "{:?}",
                    failures[0].error
                );
            }
            other => panic!("expected the injected cancellation, got {other:?}"),
        }
        let stored = direct.get(&created.key()).await.expect("get").expect("stored");
        assert_eq!(stored.copies_sold, 0, "the cancelled transaction wrote nothing");
        tx.send().await.expect("sent again, it applies");
        let stored = direct.get(&created.key()).await.expect("get").expect("stored");
        assert_eq!(stored.copies_sold, 1);
        assert_eq!(proxy.faults(), 2);
    })
    .await
    .expect("bounded");
}
