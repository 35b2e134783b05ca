//! The consumer on recorded Lambda events, against the embedded server.
//!
//! `events/book_changes.json` was recorded from the embedded server's stream of the `books`
//! table (`record_events` below, run with `cargo test -p stream-consumer -- --ignored`):
//! two books created, one changed (an author replaced, a new title), one deleted.
//! `events/corrupt_batch.json` is the same batch with one image damaged, as a writer that
//! bypassed the schema would leave it.

use std::path::{Path, PathBuf};

use ddbgen_runtime::aws_lambda_events::event::dynamodb::Event;
use ddbgen_runtime::local::LocalDynamo;
use library_tables::library::book::{BookRepository, NewBook};
use library_tables::library::types::Author;
use stream_consumer::shelves::shelf::{Shelf, ShelfRepository};

fn events(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/events").join(name)
}

fn load(name: &str) -> Event {
    let text = std::fs::read_to_string(events(name)).expect("recorded event");
    serde_json::from_str(&text).expect("a Lambda DynamoDB event")
}

async fn shelves(server: &LocalDynamo) -> ShelfRepository {
    let shelves = ShelfRepository::new(server.client());
    shelves.create_table().await.expect("create the shelves");
    shelves
}

/// Every shelf entry, as (author, title, book version), sorted.
async fn contents(shelves: &ShelfRepository) -> Vec<(String, String, u64)> {
    let mut all: Vec<(String, String, u64)> = shelves
        .scan()
        .all()
        .await
        .expect("scan")
        .into_iter()
        .map(|s: Shelf| (s.author, s.title, s.book_version))
        .collect();
    all.sort();
    all
}

fn entry(author: &str, title: &str, version: u64) -> (String, String, u64) {
    (author.to_owned(), title.to_owned(), version)
}

#[tokio::test]
async fn recorded_changes_build_every_authors_shelf_and_a_replay_changes_nothing() {
    let server = LocalDynamo::start().expect("server");
    let shelves = shelves(&server).await;
    let event = load("book_changes.json");
    assert_eq!(event.records.len(), 4, "insert, insert, modify, remove");

    let report = stream_consumer::handle(&shelves, &event).await;
    assert_eq!(report.failures, vec![], "every record applied");
    assert_eq!(report.processed, 4);
    let expected = vec![
        entry("Grace Hopper", "Compilers, revised", 2),
        entry("Linus Torvalds", "Compilers, revised", 2),
    ];
    assert_eq!(
        contents(&shelves).await,
        expected,
        "Ada left both books; the second was deleted"
    );
    assert!(report.into_response().batch_item_failures.is_empty());

    // Lambda delivers the batch again (a retry after a later failure): nothing moves.
    let again = stream_consumer::handle(&shelves, &event).await;
    assert_eq!((again.processed, again.failures.len()), (4, 0));
    assert_eq!(contents(&shelves).await, expected);

    // An older record after a newer one (the first insert again, at version 1) leaves the
    // entry at version 2.
    let mut older = load("book_changes.json");
    older.records.truncate(1);
    let report = stream_consumer::handle(&shelves, &older).await;
    assert_eq!(report.failures, vec![]);
    let grace = contents(&shelves).await;
    assert!(
        grace.contains(&entry("Grace Hopper", "Compilers, revised", 2)),
        "{grace:?}"
    );
    assert!(
        grace.contains(&entry("Ada Lovelace", "Compilers", 1)),
        "the insert re-adds what its own version said: Lambda replays in order, so the modify that removed Ada follows it"
    );
}

#[tokio::test]
async fn a_corrupt_record_is_reported_by_sequence_number_and_its_neighbours_are_applied() {
    let server = LocalDynamo::start().expect("server");
    let shelves = shelves(&server).await;
    let event = load("corrupt_batch.json");
    let corrupt = event.records[1]
        .change
        .sequence_number
        .clone()
        .expect("a sequence number");

    let report = stream_consumer::handle(&shelves, &event).await;
    assert_eq!(report.processed, 3, "the records before and after it are applied");
    assert_eq!(report.failures.len(), 1);
    let failure = &report.failures[0];
    assert_eq!(failure.sequence_number.as_deref(), Some(corrupt.as_str()));
    assert!(
        failure.reason.contains("books") && failure.reason.contains("published_year"),
        "names the table and the attribute: {}",
        failure.reason
    );
    assert!(
        !failure.reason.contains("MCMXCV"),
        "never the stored value: {}",
        failure.reason
    );
    // The second book's insert was the corrupt record: only the first book's authors are
    // shelved (its later change applied), and the second book's removal found nothing.
    assert_eq!(
        contents(&shelves).await,
        vec![
            entry("Grace Hopper", "Compilers, revised", 2),
            entry("Linus Torvalds", "Compilers, revised", 2),
        ]
    );
    let response = report.into_response();
    assert_eq!(response.batch_item_failures.len(), 1);
    assert_eq!(
        response.batch_item_failures[0].item_identifier.as_deref(),
        Some(corrupt.as_str())
    );
}

#[tokio::test]
async fn a_write_that_fails_is_reported_and_lambda_retries_from_it() {
    let server = LocalDynamo::start().expect("server");
    // The shelves table does not exist: every write fails, and every record is reported.
    let shelves = ShelfRepository::new(server.client());
    let event = load("book_changes.json");
    let report = stream_consumer::handle(&shelves, &event).await;
    assert_eq!(report.processed, 0);
    let reported: Vec<Option<String>> = report.failures.iter().map(|f| f.sequence_number.clone()).collect();
    let sent: Vec<Option<String>> = event.records.iter().map(|r| r.change.sequence_number.clone()).collect();
    assert_eq!(reported, sent);
    assert!(
        report.failures[0].reason.contains("author_shelves"),
        "{}",
        report.failures[0].reason
    );
}

/// Records `events/book_changes.json` and `events/corrupt_batch.json` from the embedded
/// server's stream. Run by hand: `cargo test -p stream-consumer -- --ignored record_events`.
#[tokio::test]
#[ignore = "writes the recorded events; run by hand after a change to the books table"]
async fn record_events() {
    use ddbgen_runtime::aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
    use ddbgen_runtime::codegen::NaiveDate;

    let server = LocalDynamo::start().expect("server");
    let books = BookRepository::new(server.client());
    books.create_table().await.expect("create");
    server
        .client()
        .update_table()
        .table_name(books.table().name())
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("specification"),
        )
        .send()
        .await
        .expect("stream on");
    let author = |name: &str, year: i32| Author {
        name: name.to_owned(),
        born: NaiveDate::from_ymd_opt(year, 1, 1),
    };
    let first = books
        .create(NewBook {
            publisher: "Recorded".into(),
            published_year: 1952,
            isbn: "0000001".into(),
            title: "Compilers".into(),
            authors: vec![author("Ada Lovelace", 1815), author("Grace Hopper", 1906)],
            ..NewBook::default()
        })
        .await
        .expect("create");
    let second = books
        .create(NewBook {
            publisher: "Recorded".into(),
            published_year: 1843,
            isbn: "0000002".into(),
            title: "Notes".into(),
            authors: vec![author("Ada Lovelace", 1815)],
            ..NewBook::default()
        })
        .await
        .expect("create");
    books
        .update(&first.key())
        .set_title("Compilers, revised")
        .set_authors(vec![author("Grace Hopper", 1906), author("Linus Torvalds", 1969)])
        .send()
        .await
        .expect("update");
    books.delete(&second.key()).await.expect("delete");

    let records = stream_records(&server, books.table().name()).await;
    let event = serde_json::json!({ "Records": records });
    let text = serde_json::to_string_pretty(&event).expect("json") + "\n";
    std::fs::write(events("book_changes.json"), text).expect("write");
    let mut corrupt = event;
    corrupt["Records"][1]["dynamodb"]["NewImage"]["published_year"] = serde_json::json!({"S": "MCMXCV"});
    let text = serde_json::to_string_pretty(&corrupt).expect("json") + "\n";
    std::fs::write(events("corrupt_batch.json"), text).expect("write");
}

/// Every record of the table's stream as the server writes it, in the Lambda event format:
/// DescribeTable, DescribeStream, GetShardIterator and GetRecords over plain HTTP (the server
/// wants an `Authorization` header but checks no signature).
async fn stream_records(server: &LocalDynamo, table: &str) -> Vec<serde_json::Value> {
    let address = server.endpoint().trim_start_matches("http://").to_owned();
    let described = call(
        &address,
        "DynamoDB_20120810.DescribeTable",
        serde_json::json!({ "TableName": table }),
    )
    .await;
    let arn = described["Table"]["LatestStreamArn"]
        .as_str()
        .expect("a stream")
        .to_owned();
    let stream = call(
        &address,
        "DynamoDBStreams_20120810.DescribeStream",
        serde_json::json!({ "StreamArn": arn }),
    )
    .await;
    let mut records = Vec::new();
    for shard in stream["StreamDescription"]["Shards"].as_array().expect("shards") {
        let iterator = call(
            &address,
            "DynamoDBStreams_20120810.GetShardIterator",
            serde_json::json!({ "StreamArn": arn, "ShardId": shard["ShardId"], "ShardIteratorType": "TRIM_HORIZON" }),
        )
        .await;
        let got = call(
            &address,
            "DynamoDBStreams_20120810.GetRecords",
            serde_json::json!({ "ShardIterator": iterator["ShardIterator"] }),
        )
        .await;
        records.extend(
            got["Records"]
                .as_array()
                .expect("records")
                .iter()
                .cloned()
                .map(|mut record| {
                    // As Lambda delivers a record: with the source's ARN and the record format.
                    record["eventSourceARN"] = serde_json::Value::String(arn.clone());
                    record
                }),
        );
    }
    records
}

async fn call(address: &str, target: &str, body: serde_json::Value) -> serde_json::Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = body.to_string();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.0\r\n\
         X-Amz-Target: {target}\r\nX-Amz-Date: 20240101T000000Z\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=ddbgen/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    let (head, json) = response.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{target}: {head}\n{json}");
    serde_json::from_str(json).expect("JSON, not chunked")
}
