//! Typed change streams: the AWS Lambda documentation's sample DynamoDB event decoded into the
//! generated item type, and, live on the embedded server, a write, an update and a delete read
//! back from the table's stream shard with the DynamoDB Streams SDK and decoded the same way.

use ddbgen_runtime::aws_lambda_events::event::dynamodb::Event;
use ddbgen_runtime::aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use ddbgen_runtime::aws_sdk_dynamodbstreams::types::ShardIteratorType;
use ddbgen_runtime::{Change, Error};
use ddbgen_tests::library::book::{Book, BookChange, BookRepository, NewBook};
use ddbgen_tests::streams::test_item::{TestItem, TestItemChange};

mod support;

use support::Env;

#[test]
fn the_aws_documentation_sample_event_decodes_into_typed_changes() {
    let text = include_str!("fixtures/streams/aws-docs-sample-event.json");
    let event: Event = serde_json::from_str(text).expect("the sample event parses");
    let changes: Vec<TestItemChange> = event
        .records
        .iter()
        .map(Change::from_lambda_record)
        .collect::<Result<_, _>>()
        .expect("every record decodes");
    let item = |message: &str| TestItem {
        id: 101,
        message: message.to_owned(),
    };
    assert_eq!(
        changes,
        [
            Change::Insert(item("New item!")),
            Change::Modify {
                old: item("New item!"),
                new: item("This item has changed"),
            },
            Change::Remove(item("This item has changed")),
        ]
    );
    assert_eq!(changes[1].new_item(), Some(&item("This item has changed")));
    assert_eq!(changes[2].new_item(), None);
}

#[test]
fn a_record_without_images_or_with_a_bad_attribute_is_a_clear_error() {
    let text = include_str!("fixtures/streams/aws-docs-sample-event.json");
    let mut event: Event = serde_json::from_str(text).expect("parses");
    let mut keys_only = event.records[0].clone();
    keys_only.change.new_image = Default::default();
    match TestItemChange::from_lambda_record(&keys_only) {
        Err(Error::InvalidStreamRecord { reason }) => assert!(reason.contains("NEW_AND_OLD_IMAGES"), "{reason}"),
        other => panic!("expected InvalidStreamRecord, got {other:?}"),
    }
    let record = &mut event.records[0];
    record
        .change
        .new_image
        .insert("Id".to_owned(), serde_dynamo::AttributeValue::S("not a number".into()));
    match TestItemChange::from_lambda_record(record) {
        Err(Error::Conversion { table, attribute, .. }) => {
            assert_eq!((table.as_str(), attribute.as_str()), ("TestTable", "Id"))
        }
        other => panic!("expected a conversion error naming the attribute, got {other:?}"),
    }
}

#[tokio::test]
async fn writes_read_back_from_the_live_stream_as_typed_changes() {
    let env = Env::new();
    if env.external() {
        println!(
            "SKIPPED writes_read_back_from_the_live_stream_as_typed_changes: streams are tested on the embedded server"
        );
        return;
    }
    let books = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    env.table_created(books.create_table().await);
    let table = books.table().name().to_owned();
    env.client
        .update_table()
        .table_name(&table)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()
                .expect("specification"),
        )
        .send()
        .await
        .expect("enable the stream");

    let created = books
        .create(NewBook {
            publisher: "Streamed".into(),
            published_year: 2001,
            isbn: "0000001".into(),
            title: "First".into(),
            ..NewBook::default()
        })
        .await
        .expect("create");
    let updated = books
        .update(&created.key())
        .set_title("Second")
        .send()
        .await
        .expect("update");
    let deleted = books.delete(&created.key()).await.expect("delete").expect("was there");

    let endpoint = env.endpoint().expect("the embedded server's endpoint");
    let streams = ddbgen_runtime::aws_sdk_dynamodbstreams::Client::from_conf(
        ddbgen_runtime::aws_sdk_dynamodbstreams::Config::builder()
            .behavior_version(ddbgen_runtime::aws_sdk_dynamodbstreams::config::BehaviorVersion::latest())
            .endpoint_url(endpoint)
            .region(ddbgen_runtime::aws_sdk_dynamodbstreams::config::Region::new(
                "us-east-1",
            ))
            .credentials_provider(ddbgen_runtime::aws_sdk_dynamodbstreams::config::Credentials::new(
                "ddbgen", "ddbgen", None, None, "test",
            ))
            .build(),
    );
    let arn = streams
        .list_streams()
        .table_name(&table)
        .send()
        .await
        .expect("list streams")
        .streams()
        .first()
        .and_then(|s| s.stream_arn().map(str::to_owned))
        .expect("the table has a stream");
    let description = streams
        .describe_stream()
        .stream_arn(&arn)
        .send()
        .await
        .expect("describe stream");
    let mut changes: Vec<BookChange> = Vec::new();
    for shard in description.stream_description().map(|d| d.shards()).unwrap_or_default() {
        let mut iterator = streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(shard.shard_id().expect("shard id"))
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("shard iterator")
            .shard_iterator;
        // Read until a call returns no records (bounded: the shard holds three).
        for _ in 0..10 {
            let Some(current) = iterator.take() else { break };
            let output = streams
                .get_records()
                .shard_iterator(current)
                .send()
                .await
                .expect("get records");
            if output.records().is_empty() {
                break;
            }
            for record in output.records() {
                changes.push(Change::from_stream_record(record).expect("decodes"));
            }
            iterator = output.next_shard_iterator;
        }
    }
    let expected: Vec<Change<Book>> = vec![
        Change::Insert(created.clone()),
        Change::Modify {
            old: created,
            new: updated.clone(),
        },
        Change::Remove(deleted),
    ];
    assert_eq!(changes, expected);
}
