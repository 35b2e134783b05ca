//! The fast read path against the reference path: random items of every field type, valid and
//! corrupt, read once from the SDK's `AttributeMap` (`from_item`) and once from DynamoDB's JSON
//! wire format (`from_wire`) must give the same value or the same error. Then the same through
//! a real server, with the fast path on and off, for Query, Scan, GetItem and BatchGetItem.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use base64::Engine;
use ddbgen_runtime::aws_sdk_dynamodb::primitives::Blob;
use ddbgen_runtime::codegen::{Bytes, DateTime, Decimal, NaiveDate, Uuid};
use ddbgen_runtime::{AttributeMap, AttributeValue, Error, FromItem, Item, QueryBuilder, WireMap};
use ddbgen_tests::keywords::event::Event;
use ddbgen_tests::keywords::reading::Reading;
use ddbgen_tests::keywords::types::{Level, Note};
use ddbgen_tests::library::book::Book;
use ddbgen_tests::library::types::{Author, BookStatus};
use ddbgen_tests::shop::order::{Order, OrderSummary};
use ddbgen_tests::shop::shop::ShopItem;
use ddbgen_tests::shop::types::OrderStatus;
use proptest::prelude::*;
use support::time;

/// A value in DynamoDB's JSON wire format, as the service writes it.
fn wire(value: &AttributeValue) -> serde_json::Value {
    use serde_json::json;
    let b64 = |b: &Blob| base64::engine::general_purpose::STANDARD.encode(b.as_ref());
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b64(b) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(b) => json!({ "NULL": b }),
        AttributeValue::Ss(items) => json!({ "SS": items }),
        AttributeValue::Ns(items) => json!({ "NS": items }),
        AttributeValue::Bs(items) => json!({ "BS": items.iter().map(b64).collect::<Vec<_>>() }),
        AttributeValue::L(items) => json!({ "L": items.iter().map(wire).collect::<Vec<_>>() }),
        AttributeValue::M(map) => json!({ "M": wire_map(map) }),
        other => panic!("the tests make no such value: {other:?}"),
    }
}

/// A map's entries in the map's own iteration order, which the SDK path also decodes in.
fn wire_map(map: &AttributeMap) -> serde_json::Value {
    serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), wire(v))).collect())
}

fn book() -> Book {
    Book {
        publisher: "Chilton \"Books\"\n".into(),
        published_year: 1965,
        isbn: "0-441-17271-7".into(),
        title: "Dune \u{1F3DC} \\ é".into(),
        subtitle: Some("".into()),
        price: Some(Decimal::new(-1999, 2)),
        tags: Some(BTreeSet::from(["a".into(), "sci-fi".into()])),
        status: BookStatus::Published,
        authors: vec![
            Author {
                name: "Frank Herbert".into(),
                born: NaiveDate::from_ymd_opt(1920, 10, 8),
            },
            Author {
                name: "x".into(),
                born: None,
            },
        ],
        extra: Some(BTreeMap::from([("k\u{0}".into(), "v".into())])),
        cover: Some(Bytes(vec![0, 0xff, 0x89])),
        copies_sold: u64::MAX,
        expires_at: DateTime::from_timestamp(1_700_000_000, 0),
        created: time(1),
        updated: time(2),
        version: 3,
    }
}

fn event() -> Event {
    Event {
        r#type: "click".into(),
        at: i64::MIN,
        r#match: true,
        from: Some("a@b.c".into()),
        size: -10,
        ratio: Some(-0.1),
        when: DateTime::from_timestamp_millis(1_700_000_000_123).expect("time"),
        labels: BTreeSet::from([-1, 7]),
        blobs: Some(BTreeSet::from([Bytes(vec![1]), Bytes(vec![])])),
        notes: Some(BTreeMap::from([(
            "k".to_owned(),
            vec![Note {
                text: "hi".into(),
                score: Some(5),
            }],
        )])),
        first_seen: time(1),
        last_seen: time(2),
    }
}

fn reading() -> Reading {
    Reading {
        sensor: Uuid::from_u128(7),
        day: NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"),
        offset: -3,
        level: Level::High,
        value: Decimal::new(10005, 1),
    }
}

fn order() -> Order {
    Order {
        customer_id: Uuid::from_u128(1),
        order_id: Uuid::from_u128(2),
        placed_on: NaiveDate::from_ymd_opt(2025, 1, 31).expect("date"),
        status: OrderStatus::Shipped,
        total: Decimal::new(12345, 2),
        note: Some("leave at the door".into()),
        created: time(3),
        updated: time(4),
    }
}

/// Text that needs escaping in JSON, or sits around what the codecs parse.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{0,6}",
        "[ -~]{0,8}",
        "\\PC{0,6}",
        Just("\"\\\u{8}\u{c}\n\r\t\u{1}\u{7f}".to_owned()),
        Just("published".to_owned()),
        Just("2024-02-29".to_owned()),
        Just("2023-11-14T22:13:20.000000123Z".to_owned()),
        Just("00000000-0000-0000-0000-000000000007".to_owned()),
        Just("Order".to_owned()),
        Just("Customer".to_owned()),
    ]
}

/// Number text: in and out of every integer type's range, fractions, exponents, not numbers.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        Just("300".to_owned()),
        Just("-0".to_owned()),
        Just("1e5".to_owned()),
        Just("1.50".to_owned()),
        Just("123456789012345678901234567890.5".to_owned()),
        Just("1700000000123".to_owned()),
        Just("abc".to_owned()),
    ]
}

/// Any stored value, nested up to three levels.
fn value() -> impl Strategy<Value = AttributeValue> {
    let leaf = prop_oneof![
        text().prop_map(AttributeValue::S),
        number().prop_map(AttributeValue::N),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(|b| AttributeValue::B(Blob::new(b))),
        any::<bool>().prop_map(AttributeValue::Bool),
        Just(AttributeValue::Null(true)),
        prop::collection::btree_set(text(), 1..3).prop_map(|s| AttributeValue::Ss(s.into_iter().collect())),
        prop::collection::btree_set(number(), 1..3).prop_map(|s| AttributeValue::Ns(s.into_iter().collect())),
        prop::collection::btree_set(prop::collection::vec(any::<u8>(), 0..3), 1..3)
            .prop_map(|b| AttributeValue::Bs(b.into_iter().map(Blob::new).collect())),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(AttributeValue::L),
            prop::collection::hash_map(text(), inner, 0..3).prop_map(AttributeValue::M),
        ]
    })
}

/// What happens to one attribute of a valid item.
#[derive(Debug, Clone)]
enum Change {
    Keep,
    Remove,
    Replace(AttributeValue),
    /// Keeps the value, nested one level deeper where it is a list or map (what a corrupt
    /// element inside a collection looks like).
    Corrupt(AttributeValue),
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        30 => Just(Change::Keep),
        1 => Just(Change::Remove),
        2 => value().prop_map(Change::Replace),
        1 => value().prop_map(Change::Corrupt),
    ]
}

/// `item` with `changes` applied in attribute-name order, and extra attributes added.
fn mutate(mut item: AttributeMap, changes: &[Change], extra: &[(String, AttributeValue)]) -> AttributeMap {
    let mut names: Vec<String> = item.keys().cloned().collect();
    names.sort();
    for (name, change) in names.iter().zip(changes) {
        match change {
            Change::Keep => {}
            Change::Remove => {
                item.remove(name);
            }
            Change::Replace(value) => {
                item.insert(name.clone(), value.clone());
            }
            Change::Corrupt(bad) => match item.get_mut(name) {
                Some(AttributeValue::L(items)) if !items.is_empty() => items[0] = bad.clone(),
                Some(AttributeValue::M(map)) => {
                    if let Some(first) = map.values_mut().next() {
                        *first = bad.clone();
                    }
                }
                _ => {}
            },
        }
    }
    for (name, value) in extra {
        item.entry(name.clone()).or_insert_with(|| value.clone());
    }
    item
}

/// The same result from both paths: equal values, or errors that print the same.
fn same<T: PartialEq + Debug>(slow: Result<T, Error>, fast: Result<T, Error>) -> Result<(), TestCaseError> {
    match (slow, fast) {
        (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
        (Err(a), Err(b)) => {
            prop_assert_eq!(format!("{a}"), format!("{b}"));
            prop_assert_eq!(format!("{:?}", a.kind()), format!("{:?}", b.kind()));
        }
        (a, b) => prop_assert!(false, "the paths differ: SDK path {a:?}, wire path {b:?}"),
    }
    Ok(())
}

/// Both paths on one stored item, after checking that the wire form reads back to it.
fn both_paths<T: FromItem + PartialEq + Debug>(item: &AttributeMap) -> Result<(), TestCaseError> {
    let bytes = serde_json::to_vec(&wire_map(item)).expect("json");
    let read = WireMap::read(&bytes);
    prop_assert!(
        read.is_some(),
        "the wire reader refused what DynamoDB writes: {}",
        String::from_utf8_lossy(&bytes)
    );
    let read = read.expect("checked");
    prop_assert_eq!(&read.clone().into_attribute_map(), item);
    same(T::from_item(item.clone()), T::from_wire(read))
}

fn mutation() -> impl Strategy<Value = (Vec<Change>, Vec<(String, AttributeValue)>)> {
    (
        prop::collection::vec(change(), 24),
        prop::collection::vec(("[a-z_]{1,8}", value()), 0..2),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn books_read_the_same_on_both_paths((changes, extra) in mutation()) {
        let item = mutate(book().to_item(), &changes, &extra);
        both_paths::<Book>(&item)?;
    }

    #[test]
    fn events_read_the_same_on_both_paths((changes, extra) in mutation()) {
        let item = mutate(event().to_item(), &changes, &extra);
        both_paths::<Event>(&item)?;
    }

    #[test]
    fn readings_read_the_same_on_both_paths((changes, extra) in mutation()) {
        let item = mutate(reading().to_item(), &changes, &extra);
        both_paths::<Reading>(&item)?;
    }

    /// An entity, the table's enum of entities and a projection: discriminators included.
    #[test]
    fn entities_and_projections_read_the_same_on_both_paths((changes, extra) in mutation()) {
        let item = mutate(order().to_item(), &changes, &extra);
        both_paths::<Order>(&item)?;
        both_paths::<ShopItem>(&item)?;
        both_paths::<OrderSummary>(&item)?;
    }
}

#[test]
fn valid_items_decode_on_the_wire_path() {
    let read = |item: AttributeMap| serde_json::to_vec(&wire_map(&item)).expect("json");
    let bytes = read(book().to_item());
    assert_eq!(
        Book::from_wire(WireMap::read(&bytes).expect("reads")).expect("decodes"),
        book()
    );
    let bytes = read(event().to_item());
    assert_eq!(
        Event::from_wire(WireMap::read(&bytes).expect("reads")).expect("decodes"),
        event()
    );
    let bytes = read(order().to_item());
    let item = ShopItem::from_wire(WireMap::read(&bytes).expect("reads")).expect("decodes");
    assert_eq!(item, ShopItem::Order(order()));
}

#[test]
fn the_wire_reader_leaves_what_dynamodb_does_not_write_to_the_sdk() {
    for text in [
        r#"{"a": {"S": null}}"#,
        r#"{"a": {"S": "x", "N": "1"}}"#,
        r#"{"a": {"X": "1"}}"#,
        r#"{"a": {"N": 1}}"#,
        r#"{"a": {"B": "not base64!"}}"#,
        r#"{"a": {}}"#,
        r#"{"a": null}"#,
        r#"{"a": {"S": "x"}} trailing"#,
        r#"{"a": {"L": [{"S": "x"}, null]}}"#,
        r#"{"a": {"SS": ["x", 1]}}"#,
        r#"{"a": {"S": "x"}"#,
    ] {
        assert!(WireMap::read(text.as_bytes()).is_none(), "{text}");
    }
}

/// Stored items, valid and corrupt, read through a real server with the fast path on and off:
/// Query (streamed and paged, so that a page ends inside a response), Scan, GetItem and
/// BatchGetItem give the same items and the same errors, in the same order.
#[tokio::test]
async fn both_paths_agree_through_a_server() {
    use futures_util::StreamExt;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let env = support::Env::new();
    let fast = support::books(&env).await;
    let slow = fast.clone().with_fast_reads(false);
    let table = fast.table().name().to_owned();
    // Forty books of one publisher, each with its own key, most of them mutated.
    let mut runner = TestRunner::deterministic();
    let mut keys = Vec::new();
    let mut written = 0;
    for n in 0..40u16 {
        let (changes, extra) = mutation().new_tree(&mut runner).expect("a mutation").current();
        let base = Book {
            publisher: "P".into(),
            published_year: 1900 + n,
            isbn: format!("isbn-{n}"),
            ..book()
        };
        keys.push(base.key());
        let clean = base.to_item();
        let mut item = mutate(clean.clone(), &changes, &extra);
        // The key attributes, the indexes' included, stay valid, or the server refuses the
        // write.
        let spec = Book::TABLE;
        let indexes = spec
            .indexes
            .iter()
            .flat_map(|i| i.hash_key.iter().chain(i.range_key.iter()));
        for key in [spec.hash_key].iter().chain(spec.range_key.iter()).chain(indexes) {
            match clean.get(key.name) {
                Some(value) => item.insert(key.name.to_owned(), value.clone()),
                None => item.remove(key.name),
            };
        }
        // A value the server refuses (a number out of DynamoDB's range, say) is no stored
        // item: left out.
        if env.put_raw(&table, item).await.is_ok() {
            written += 1;
        }
    }
    assert!(written >= 20, "only {written} of 40 items were stored");
    let debug =
        |results: Vec<Result<Book, Error>>| -> Vec<String> { results.into_iter().map(|r| format!("{r:?}")).collect() };
    // Query and Scan, every item in order, corrupt ones as errors in their place.
    let query = |repo: &ddbgen_tests::library::book::BookRepository| repo.query("P").stream().collect::<Vec<_>>();
    let (a, b) = (query(&slow).await, query(&fast).await);
    assert_eq!(a.len(), written);
    assert!(
        a.iter().any(Result::is_ok) && a.iter().any(Result::is_err),
        "the mix is valid and corrupt"
    );
    assert_eq!(debug(a), debug(b));
    let (a, b) = (
        slow.scan().stream().collect::<Vec<_>>().await,
        fast.scan().stream().collect::<Vec<_>>().await,
    );
    assert_eq!(debug(a), debug(b));
    // Pages of 3 on a query whose responses hold 7 items: pages end inside responses, and the
    // fast path reads the key to resume from in the body. Both paths page alike over the
    // mixed items (a corrupt item fails its page), and the clean publisher's pages hold every
    // item once.
    for _ in 0..10 {
        let mut book = book();
        book.publisher = "Q".into();
        book.isbn = Uuid::new_v4().to_string();
        env.put_raw(&table, book.to_item()).await.expect("put");
    }
    let pages = |repo: ddbgen_tests::library::book::BookRepository, publisher: &'static str| async move {
        let mut transcript = Vec::new();
        let mut cursor = None;
        loop {
            match repo.query(publisher).page_size(7).limit(3).page(cursor.as_ref()).await {
                Ok(page) => {
                    transcript.extend(page.items.iter().map(|b| b.isbn.clone()));
                    match page.next {
                        Some(next) => cursor = Some(next),
                        None => return transcript,
                    }
                }
                Err(e) => {
                    transcript.push(format!("{e:?}"));
                    return transcript;
                }
            }
        }
    };
    assert_eq!(pages(slow.clone(), "P").await, pages(fast.clone(), "P").await);
    let clean = pages(fast.clone(), "Q").await;
    assert_eq!(clean.len(), 10);
    assert_eq!(clean, pages(slow.clone(), "Q").await);
    // GetItem, one key at a time, and an absent key.
    for key in keys.iter().chain([&Book {
        isbn: "absent".into(),
        ..book()
    }
    .key()])
    {
        let (a, b) = (slow.get(key).await, fast.get(key).await);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
    // BatchGetItem, a key asked twice included.
    let mut asked = keys.clone();
    asked.push(keys[0].clone());
    let (a, b) = (
        slow.batch_get(&asked).await.expect("batch"),
        fast.batch_get(&asked).await.expect("batch"),
    );
    assert_eq!(a.entries.len(), 41);
    assert_eq!(format!("{:?}", a.entries), format!("{:?}", b.entries));
}

/// A single table through a server, fast path on and off: the table's scan into its enum of
/// entities, a collection query (two entities), an entity's query, a projection, and a corrupt
/// item in the middle, which each read reports alike.
#[tokio::test]
async fn single_tables_read_the_same_on_both_paths() {
    use ddbgen_tests::shop::customer::{CustomerRepository, NewCustomer};
    use ddbgen_tests::shop::order::{NewOrder, OrderRepository};
    use ddbgen_tests::shop::order_line::{NewOrderLine, OrderLineRepository};
    use ddbgen_tests::shop::shop::ShopRepository;
    use futures_util::StreamExt;

    fn debug<T: Debug>(results: Vec<Result<T, Error>>) -> Vec<String> {
        results.iter().map(|r| format!("{r:?}")).collect()
    }
    let env = support::Env::new();
    let fast = ShopRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(fast.create_table().await);
    let slow = ShopRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_fast_reads(false);
    let customers = CustomerRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let orders = OrderRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let lines = OrderLineRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let customer = customers
        .create(NewCustomer {
            customer_id: Uuid::new_v4(),
            name: "Ada".into(),
            email: "ada@example.com".into(),
        })
        .await
        .expect("customer");
    let mut order_ids = Vec::new();
    for day in 1..=5 {
        let order = orders
            .create(NewOrder {
                customer_id: customer.customer_id,
                order_id: Uuid::new_v4(),
                placed_on: NaiveDate::from_ymd_opt(2024, 3, day).expect("date"),
                status: OrderStatus::Placed,
                total: Decimal::new(1999, 2),
                note: (day % 2 == 0).then(|| "a \"quoted\" note".into()),
            })
            .await
            .expect("order");
        lines
            .create(NewOrderLine {
                order_id: order.order_id,
                line_no: 1,
                sku: "SKU-1".into(),
                quantity: 2,
                price: Decimal::new(499, 2),
            })
            .await
            .expect("line");
        order_ids.push(order);
    }
    // One order's total overwritten with a value that is not a number of its type.
    let mut corrupt = order_ids[2].to_item();
    corrupt.insert("total".into(), AttributeValue::S("lots".into()));
    let table = fast.table().name().to_owned();
    env.put_raw(&table, corrupt).await.expect("put");

    let scan = |repo: &ShopRepository| repo.scan().stream().collect::<Vec<_>>();
    let (a, b) = (scan(&slow).await, scan(&fast).await);
    assert_eq!(a.len(), 11);
    assert_eq!(a.iter().filter(|r| r.is_err()).count(), 1);
    assert_eq!(debug(a), debug(b));
    let collection = |repo: &ShopRepository| {
        repo.customer_with_orders(customer.customer_id)
            .stream()
            .collect::<Vec<_>>()
    };
    let (a, b) = (collection(&slow).await, collection(&fast).await);
    assert_eq!(a.len(), 6, "the customer and five orders, lines skipped");
    assert_eq!(debug(a), debug(b));
    let slow_orders = orders.clone().with_fast_reads(false);
    let of = |repo: &OrderRepository| repo.query(customer.customer_id).stream().collect::<Vec<_>>();
    let (a, b) = (of(&slow_orders).await, of(&orders).await);
    assert_eq!(a.len(), 5);
    assert_eq!(debug(a), debug(b));
    let summaries = |repo: &OrderRepository| {
        repo.query(customer.customer_id)
            .select::<ddbgen_tests::shop::order::OrderSummary>()
            .stream()
            .collect::<Vec<_>>()
    };
    let (a, b) = (summaries(&slow_orders).await, summaries(&orders).await);
    assert_eq!(a.len(), 5);
    assert_eq!(debug(a), debug(b));
}
