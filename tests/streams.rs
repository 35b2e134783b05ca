//! Typed change streams: the AWS Lambda documentation's sample DynamoDB event decoded into the
//! generated item type, and, live on the embedded server, a write, an update and a delete read
//! back from the table's stream shard with the DynamoDB Streams SDK and decoded the same way.

use ddbgen_runtime::aws_lambda_events::event::dynamodb::{Event, EventRecord};
use ddbgen_runtime::aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use ddbgen_runtime::aws_sdk_dynamodbstreams::types::ShardIteratorType;
use ddbgen_runtime::codegen::{Decimal, NaiveDate, Uuid};
use ddbgen_runtime::local::{LocalDynamo, LocalOptions};
use ddbgen_runtime::{Change, Error, ErrorKind, FromItem, QueryBuilder};
use ddbgen_tests::library::book::{Book, BookChange, BookFields, BookRepository, NewBook};
use ddbgen_tests::shop::customer::{CustomerRepository, NewCustomer};
use ddbgen_tests::shop::order::{NewOrder, OrderRepository};
use ddbgen_tests::shop::shop::{ShopChange, ShopItem, ShopRepository};
use ddbgen_tests::shop::types::OrderStatus;
use ddbgen_tests::streams::test_item::{TestItem, TestItemChange};

mod support;

use support::{Env, time};

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
    match TestItemChange::from_lambda_record(&keys_only).map_err(Error::into_kind) {
        Err(ErrorKind::InvalidStreamRecord { reason }) => assert!(reason.contains("NEW_AND_OLD_IMAGES"), "{reason}"),
        other => panic!("expected InvalidStreamRecord, got {other:?}"),
    }
    let record = &mut event.records[0];
    record
        .change
        .new_image
        .insert("Id".to_owned(), serde_dynamo::AttributeValue::S("not a number".into()));
    match TestItemChange::from_lambda_record(record).map_err(Error::into_kind) {
        Err(ErrorKind::Conversion { table, attribute, .. }) => {
            assert_eq!((table.as_str(), attribute.as_str()), ("TestTable", "Id"))
        }
        other => panic!("expected a conversion error naming the attribute, got {other:?}"),
    }
}

/// Turns on the table's stream with both images.
async fn enable_stream(env: &Env, table: &str) {
    env.client
        .update_table()
        .table_name(table)
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
}

/// The Streams SDK client of the embedded server, and an iterator from the start of each shard
/// of the table's stream.
async fn shard_iterators(env: &Env, table: &str) -> (ddbgen_runtime::aws_sdk_dynamodbstreams::Client, Vec<String>) {
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
        .table_name(table)
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
    let mut iterators = Vec::new();
    for shard in description.stream_description().map(|d| d.shards()).unwrap_or_default() {
        let iterator = streams
            .get_shard_iterator()
            .stream_arn(&arn)
            .shard_id(shard.shard_id().expect("shard id"))
            .shard_iterator_type(ShardIteratorType::TrimHorizon)
            .send()
            .await
            .expect("shard iterator")
            .shard_iterator;
        iterators.extend(iterator);
    }
    (streams, iterators)
}

/// Every record of the table's stream, read with the DynamoDB Streams SDK from the start of
/// each shard and decoded as `T`.
async fn read_stream<T: FromItem>(env: &Env, table: &str) -> Vec<Change<T>> {
    let (streams, iterators) = shard_iterators(env, table).await;
    let mut changes: Vec<Change<T>> = Vec::new();
    for first in iterators {
        let mut iterator = Some(first);
        // Read until a call returns no records (bounded: the shards hold a few).
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
    changes
}

/// Every record of the table's stream as the server writes it (GetRecords over plain HTTP; the
/// server wants an `Authorization` header but checks no signature), each read as AWS Lambda
/// delivers a record. dynoxide writes `userIdentity` with the member
/// names of Lambda's records (`principalId`), where the Streams API has `PrincipalId`, so the
/// Streams SDK reads no identity from it; a Lambda consumer, the common case, sees it.
async fn read_stream_as_lambda(env: &Env, table: &str) -> Vec<EventRecord> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = env
        .endpoint()
        .and_then(|e| e.strip_prefix("http://"))
        .expect("the embedded server's address")
        .to_owned();
    let (_, iterators) = shard_iterators(env, table).await;
    let mut records = Vec::new();
    for iterator in iterators {
        let body = serde_json::json!({ "ShardIterator": iterator }).to_string();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.0\r\n\
             X-Amz-Target: DynamoDBStreams_20120810.GetRecords\r\n\
             X-Amz-Date: 20240101T000000Z\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=ddbgen/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(&address).await.expect("connect");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut response = String::new();
        stream.read_to_string(&mut response).await.expect("read");
        let (head, json) = response.split_once("\r\n\r\n").expect("an HTTP answer");
        assert!(head.starts_with("HTTP/1.1 200"), "{head}\n{json}");
        let answer: serde_json::Value = serde_json::from_str(json).expect("JSON, not chunked");
        for record in answer["Records"].as_array().expect("records") {
            records.push(serde_json::from_value::<EventRecord>(record.clone()).expect("a Lambda record"));
        }
    }
    records
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
    enable_stream(&env, &table).await;

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

    let changes: Vec<BookChange> = read_stream(&env, &table).await;
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

/// A single table's stream: each record decodes into the entity its discriminator names.
#[tokio::test]
async fn a_single_tables_stream_decodes_each_entity() {
    let env = Env::new();
    if env.external() {
        println!("SKIPPED a_single_tables_stream_decodes_each_entity: streams are tested on the embedded server");
        return;
    }
    let table = ShopRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(table.create_table().await);
    let name = table.table().name().to_owned();
    enable_stream(&env, &name).await;
    let customers = CustomerRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    let orders = OrderRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    let customer = customers
        .create(NewCustomer {
            customer_id: Uuid::new_v4(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
        })
        .await
        .expect("customer");
    let order = orders
        .create(NewOrder {
            customer_id: customer.customer_id,
            order_id: Uuid::new_v4(),
            placed_on: NaiveDate::from_ymd_opt(2024, 5, 1).expect("date"),
            status: OrderStatus::Placed,
            total: Decimal::new(4200, 2),
            note: None,
        })
        .await
        .expect("order");
    let shipped = orders
        .update(&order.key())
        .set_status(OrderStatus::Shipped)
        .send()
        .await
        .expect("ship");
    orders.delete(&order.key()).await.expect("delete");

    let changes: Vec<ShopChange> = read_stream(&env, &name).await;
    assert_eq!(
        changes,
        vec![
            Change::Insert(ShopItem::Customer(customer)),
            Change::Insert(ShopItem::Order(order.clone())),
            Change::Modify {
                old: ShopItem::Order(order),
                new: ShopItem::Order(shipped.clone()),
            },
            Change::Remove(ShopItem::Order(shipped)),
        ]
    );
}

/// A Lambda event of a single table, as AWS delivers it: the variant follows the discriminator,
/// and an unknown entity is an error naming the attribute.
#[test]
fn a_lambda_event_of_a_single_table_decodes_by_discriminator() {
    // The AWS sample's first record, with images of the shop's items in it.
    let sample: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/streams/aws-docs-sample-event.json")).expect("sample");
    let record = |event: &str, image: &str, item: serde_json::Value| {
        let mut record = sample["Records"][0].clone();
        record["eventName"] = event.into();
        let dynamodb = record["dynamodb"].as_object_mut().expect("a dynamodb object");
        dynamodb.remove("NewImage");
        dynamodb.insert(image.to_owned(), item);
        record
    };
    let line = serde_json::json!({
        "pk": {"S": "ORDER#00000000-0000-0000-0000-000000000001"}, "sk": {"S": "LINE#00003"},
        "entity": {"S": "OrderLine"}, "order_id": {"S": "00000000-0000-0000-0000-000000000001"},
        "line_no": {"N": "3"}, "sku": {"S": "BOOK-9"}, "quantity": {"N": "2"}, "price": {"N": "12.50"},
        "created": {"S": "2024-05-01T10:00:00.000000Z"}, "updated": {"S": "2024-05-01T10:00:00.000000Z"}
    });
    let refund = serde_json::json!({"pk": {"S": "X"}, "sk": {"S": "Y"}, "entity": {"S": "Refund"}});
    let event = serde_json::json!({
        "Records": [record("INSERT", "NewImage", line), record("REMOVE", "OldImage", refund)]
    });
    let event: Event = serde_json::from_value(event).expect("a Lambda DynamoDB event");
    match ShopChange::from_lambda_record(&event.records[0]).expect("decodes") {
        Change::Insert(ShopItem::OrderLine(line)) => {
            assert_eq!((line.line_no, line.quantity, line.sku.as_str()), (3, 2, "BOOK-9"));
            assert_eq!(line.price, Decimal::new(1250, 2));
        }
        other => panic!("expected an inserted order line, got {other:?}"),
    }
    let error = ShopChange::from_lambda_record(&event.records[1]).expect_err("unknown entity");
    assert!(error.to_string().contains("attribute `entity`"), "{error}");
}

/// TTL, testable. With a clock of its own, the embedded server deletes what is due when told
/// (`expire_now`, as DynamoDB's TTL does some time after the item's time): the expired item
/// leaves reads and arrives on the stream as an expiry, its old image typed; an item not yet
/// due, and one without a TTL time, stay. Before the sweep, a typed filter hides what is due
/// but not yet deleted.
#[tokio::test]
async fn an_expired_item_leaves_reads_and_arrives_on_the_stream_as_an_expiry() {
    if Env::new().external() {
        println!(
            "SKIPPED an_expired_item_leaves_reads_and_arrives_on_the_stream_as_an_expiry: TTL sweeps are tested on the embedded server"
        );
        return;
    }
    let start = time(1_700_000_000);
    let server = LocalDynamo::start_with(&LocalOptions {
        clock: Some(start),
        ..LocalOptions::default()
    })
    .expect("server");
    let env = Env::on(server);
    let server = env.server().expect("embedded");
    let books = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    books.create_table().await.expect("create table, TTL on expires_at");
    let table = books.table().name().to_owned();
    enable_stream(&env, &table).await;

    let book = |isbn: &str, expires_at| NewBook {
        publisher: "Expiring".into(),
        published_year: 2001,
        isbn: isbn.into(),
        title: format!("Book {isbn}"),
        expires_at,
        ..NewBook::default()
    };
    let hours = |n: i64| time(1_700_000_000 + n * 3600);
    let soon = books.create(book("0000001", Some(hours(1)))).await.expect("create");
    let later = books.create(book("0000002", Some(hours(48)))).await.expect("create");
    let never = books.create(book("0000003", None)).await.expect("create");
    assert_eq!(server.expire_now().expect("sweep"), 0, "nothing is due yet");

    let clock = server.clock().expect("started with one");
    clock.advance(std::time::Duration::from_secs(2 * 3600));
    let now = hours(2);
    // Due but not yet deleted: reads still see it, unless they leave out what is due.
    assert_eq!(books.query("Expiring").count().await.expect("count"), 3);
    let live = BookFields::expires_at().not_exists() | BookFields::expires_at().gt(now);
    let unexpired = books.query("Expiring").filter(live).all().await.expect("query");
    assert_eq!(unexpired, vec![later.clone(), never.clone()]);

    assert_eq!(server.expire_now().expect("sweep"), 1, "one item was due");
    assert_eq!(books.get_consistent(&soon.key()).await.expect("get"), None);
    let left = books.query("Expiring").all().await.expect("query");
    assert_eq!(left, vec![later, never]);

    // The stream as a Lambda function receives it: three inserts, then the expiry, typed.
    let records = read_stream_as_lambda(&env, &table).await;
    let changes: Vec<BookChange> = records
        .iter()
        .map(|r| BookChange::from_lambda_record(r).expect("decodes"))
        .collect();
    assert_eq!(changes.len(), 4, "{changes:?}");
    assert_eq!(
        changes[3],
        Change::Expire(soon.clone()),
        "an expiry, not a user's delete"
    );
    assert_eq!(changes[3].old_item(), Some(&soon));
    assert!(
        changes[..3].iter().all(|c| matches!(c, Change::Insert(_))),
        "{changes:?}"
    );
}

/// A record the Streams SDK reads with the TTL service principal as its `userIdentity` is an
/// expiry; the same record without it is a user's delete.
#[test]
fn a_stream_record_by_the_ttl_principal_is_an_expiry() {
    use ddbgen_runtime::aws_sdk_dynamodbstreams::types::{
        AttributeValue as StreamValue, Identity, OperationType, Record, StreamRecord,
    };
    let image = std::collections::HashMap::from([
        ("Id".to_owned(), StreamValue::N("7".into())),
        ("Message".to_owned(), StreamValue::S("gone".into())),
    ]);
    let record = |identity: Option<Identity>| {
        Record::builder()
            .event_name(OperationType::Remove)
            .dynamodb(StreamRecord::builder().set_old_image(Some(image.clone())).build())
            .set_user_identity(identity)
            .build()
    };
    let ttl = Identity::builder()
        .principal_id(ddbgen_runtime::TTL_PRINCIPAL)
        .r#type("Service")
        .build();
    let expired = TestItemChange::from_stream_record(&record(Some(ttl))).expect("decodes");
    let deleted = TestItemChange::from_stream_record(&record(None)).expect("decodes");
    let item = TestItem {
        id: 7,
        message: "gone".into(),
    };
    assert_eq!(expired, Change::Expire(item.clone()));
    assert_eq!(deleted, Change::Remove(item));
}
