//! Typed change streams: the AWS Lambda documentation's sample DynamoDB event decoded into the
//! generated item type, and, live on the embedded server, a write, an update and a delete read
//! back from the table's stream shard with the DynamoDB Streams SDK and decoded the same way.

use ddbgen_runtime::aws_lambda_events::event::dynamodb::Event;
use ddbgen_runtime::aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use ddbgen_runtime::aws_sdk_dynamodbstreams::types::ShardIteratorType;
use ddbgen_runtime::codegen::{Decimal, NaiveDate, Uuid};
use ddbgen_runtime::{Change, Error, ErrorKind, FromItem};
use ddbgen_tests::library::book::{Book, BookChange, BookRepository, NewBook};
use ddbgen_tests::shop::customer::{CustomerRepository, NewCustomer};
use ddbgen_tests::shop::order::{NewOrder, OrderRepository};
use ddbgen_tests::shop::shop::{ShopChange, ShopItem, ShopRepository};
use ddbgen_tests::shop::types::OrderStatus;
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

/// Every record of the table's stream, read with the DynamoDB Streams SDK from the start of
/// each shard and decoded as `T`.
async fn read_stream<T: FromItem>(env: &Env, table: &str) -> Vec<Change<T>> {
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
    let mut changes: Vec<Change<T>> = Vec::new();
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
    changes
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
