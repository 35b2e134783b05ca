//! The generated code, compiled by `build.rs`, does what the schema says: exact round trips
//! through `AttributeValue`, composite sort keys in value order, every rule failure at once,
//! and corrupt items reported with table, attribute and expected type.

use std::collections::{BTreeMap, BTreeSet};

use ddbgen_runtime::codegen::{Bytes, DateTime, Decimal, NaiveDate, Utc, Uuid};
use ddbgen_runtime::{AttributeValue, Error, ErrorKind, FromItem, Item};
use ddbgen_tests::keywords::event::Event;
use ddbgen_tests::keywords::reading::{Reading, ReadingKey};
use ddbgen_tests::keywords::types::{Level, Note};
use ddbgen_tests::library::book::{Book, BookKey, NewBook, TABLE};
use ddbgen_tests::library::types::{Author, BookStatus};
use proptest::prelude::*;

fn time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("valid time")
}

fn book() -> Book {
    Book {
        publisher: "HarperBusiness".into(),
        published_year: 1995,
        isbn: "9512512".into(),
        title: "Built to Last".into(),
        subtitle: Some("Successful Habits of Visionary Companies".into()),
        price: Some(Decimal::from_i128_with_scale(1999, 2)),
        tags: Some(BTreeSet::from(["business".to_owned(), "classic".to_owned()])),
        status: BookStatus::OutOfPrint,
        authors: vec![Author {
            name: "Jim Collins".into(),
            born: NaiveDate::from_ymd_opt(1958, 1, 25),
        }],
        extra: Some(BTreeMap::from([("edition".to_owned(), "first".to_owned())])),
        cover: Some(Bytes(vec![0, 159, 255])),
        copies_sold: u64::MAX,
        expires_at: Some(time(1_900_000_000)),
        created: time(1_700_000_000),
        updated: time(1_700_000_001),
        version: 3,
    }
}

#[test]
fn a_book_round_trips_exactly_with_documented_encodings() {
    let book = book();
    let item = book.to_item();
    assert_eq!(item["publisher"], AttributeValue::S("HarperBusiness".into()));
    assert_eq!(item["published_year"], AttributeValue::N("1995".into()));
    assert_eq!(
        item["year_isbn"],
        AttributeValue::S("01995#9512512".into()),
        "composite key stored"
    );
    assert_eq!(item["price"], AttributeValue::N("19.99".into()));
    assert_eq!(item["status"], AttributeValue::S("out_of_print".into()));
    assert_eq!(item["copies_sold"], AttributeValue::N("18446744073709551615".into()));
    assert_eq!(
        item["expires_at"],
        AttributeValue::N("1900000000".into()),
        "TTL as epoch seconds"
    );
    assert_eq!(
        item["created"],
        AttributeValue::S("2023-11-14T22:13:20.000000000Z".into())
    );
    assert!(matches!(&item["authors"], AttributeValue::L(list) if matches!(&list[0], AttributeValue::M(_))));
    assert_eq!(Book::from_item(item).expect("decodes"), book);
}

#[test]
fn absent_optionals_and_empty_sets_are_not_stored() {
    let mut book = book();
    book.subtitle = None;
    book.tags = Some(BTreeSet::new());
    let item = book.to_item();
    assert!(!item.contains_key("subtitle"), "None is omitted, never NULL");
    assert!(!item.contains_key("tags"), "DynamoDB refuses empty sets");
    let back = Book::from_item(item).expect("decodes");
    assert_eq!(back.subtitle, None);
    assert_eq!(back.tags, None);
}

#[test]
fn key_has_the_key_fields_and_encodes_the_sort_key() {
    let key = book().key();
    assert_eq!(
        key,
        BookKey {
            publisher: "HarperBusiness".into(),
            published_year: 1995,
            isbn: "9512512".into()
        }
    );
    let stored = key.to_key();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored["year_isbn"], AttributeValue::S("01995#9512512".into()));
    assert_eq!(TABLE.table_name, "books");
    assert_eq!(<Book as Item>::TABLE.ttl_attribute, Some("expires_at"));
    assert_eq!(TABLE.indexes[0].name, "by_title");
}

/// Decoding sorts attributes into fields in the map's (random) order, but reports errors in
/// field order: with two bad attributes, the first field's is the one named, every time.
#[test]
fn with_several_bad_attributes_the_first_field_in_schema_order_is_reported() {
    for _ in 0..32 {
        let mut item = book().to_item();
        item.insert("copies_sold".into(), AttributeValue::S("many".into()));
        item.insert("title".into(), AttributeValue::N("1".into()));
        match Book::from_item(item).map_err(Error::into_kind) {
            Err(ErrorKind::Conversion { attribute, .. }) => assert_eq!(attribute, "title"),
            other => panic!("expected a conversion error, got {other:?}"),
        }
    }
}

#[test]
fn corrupt_items_name_table_attribute_and_expected_type() {
    let mut item = book().to_item();
    item.insert("published_year".into(), AttributeValue::N("70000".into()));
    match Book::from_item(item).map_err(Error::into_kind) {
        Err(ErrorKind::Conversion {
            table,
            entity,
            attribute,
            expected,
            found,
            shape,
        }) => {
            assert_eq!((table.as_str(), attribute.as_str()), ("books", "published_year"));
            assert_eq!(entity, None, "a table of one item type names no entity");
            assert!(expected.contains("u16"), "{expected}");
            assert_eq!(&*found, "N 70000");
            assert_eq!(&*shape, "N (5 digits)");
        }
        other => panic!("expected a conversion error, got {other:?}"),
    }
    let mut item = book().to_item();
    item.insert(
        "authors".into(),
        AttributeValue::L(vec![AttributeValue::M(
            [("name".to_owned(), AttributeValue::N("1".into()))].into(),
        )]),
    );
    let error = Book::from_item(item).expect_err("corrupt nested item");
    assert!(
        error
            .to_string()
            .contains("attribute `authors[0].name`: expected S (string), found N (1 digit)"),
        "{error}"
    );
    let mut item = book().to_item();
    item.insert("status".into(), AttributeValue::S("lost".into()));
    let error = Book::from_item(item).expect_err("unknown enum value");
    // Messages show the stored value's type and size, never the value.
    assert!(error.to_string().contains("found S (4 characters)"), "{error}");
    assert!(!error.to_string().contains("lost"), "{error}");
    let mut item = book().to_item();
    item.remove("title");
    let error = Book::from_item(item).expect_err("missing attribute");
    assert!(
        error
            .to_string()
            .contains("attribute `title`: expected S (string), found no attribute"),
        "{error}"
    );
}

#[test]
fn validation_reports_every_failing_field_with_its_path() {
    let new = NewBook {
        publisher: String::new(),
        published_year: 1200,
        isbn: "12#34567".into(),
        title: String::new(),
        price: Some(Decimal::from_i128_with_scale(-1, 0)),
        authors: vec![
            Author {
                name: "A".into(),
                born: None,
            },
            Author {
                name: String::new(),
                born: None,
            },
        ],
        ..NewBook::default()
    };
    let errors = new.validate().expect_err("invalid");
    let paths: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "publisher",
            "published_year",
            "isbn",
            "title",
            "price",
            "authors[1].name"
        ],
        "{errors}"
    );
    // A key part may hold the separator (it is escaped in the key); the pattern refuses it.
    assert!(errors.to_string().contains("isbn: does not match pattern"), "{errors}");
    assert!(
        errors
            .to_string()
            .contains("authors[1].name: length 0 is below min_length 1"),
        "{errors}"
    );
}

#[test]
fn defaults_come_from_the_schema() {
    let new = NewBook::default();
    assert_eq!(new.status, BookStatus::Draft);
    assert_eq!(new.copies_sold, 0);
    let event = ddbgen_tests::keywords::event::NewEvent::default();
    assert!(event.r#match);
}

#[test]
fn keyword_fields_renamed_attributes_and_epoch_millis() {
    let event = Event {
        r#type: "click".into(),
        at: -5,
        r#match: false,
        from: Some("a@b.c".into()),
        size: -10,
        ratio: Some(0.1),
        when: DateTime::from_timestamp_millis(1_700_000_000_123).expect("time"),
        labels: BTreeSet::from([-1, 7]),
        blobs: None,
        notes: Some(BTreeMap::from([(
            "k".to_owned(),
            vec![Note {
                text: "hi".into(),
                score: Some(5),
            }],
        )])),
        first_seen: time(1),
        last_seen: time(2),
    };
    let item = event.to_item();
    assert_eq!(item["from-address"], AttributeValue::S("a@b.c".into()));
    assert_eq!(item["when"], AttributeValue::N("1700000000123".into()));
    assert_eq!(item["ratio"], AttributeValue::N("0.1".into()));
    assert!(item.contains_key("first_seen") && !item.contains_key("created"));
    assert_eq!(Event::from_item(item).expect("decodes"), event);
    let bad = Event {
        r#type: "scroll".into(),
        size: 11,
        ..event
    };
    assert_eq!(bad.validate().expect_err("invalid").errors().len(), 2);
}

fn reading_key(day: NaiveDate, offset: i16, level: Level) -> String {
    let key = ReadingKey {
        sensor: Uuid::nil(),
        day,
        offset,
        level,
    };
    let text = key.sort_key();
    let reading = Reading {
        sensor: Uuid::nil(),
        day,
        offset,
        level,
        value: Decimal::ZERO,
    };
    assert_eq!(reading.to_item()["sk"], AttributeValue::S(text.clone()));
    text
}

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(Level::ALL.to_vec())
}

/// Days from year 1 to 9999, bunched so that equal days (and so later parts) are common.
fn day() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![730_000i32..730_003, 1i32..3_652_000]
        .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).expect("in range"))
}

fn offset() -> impl Strategy<Value = i16> {
    prop_oneof![-2i16..2, any::<i16>()]
}

proptest! {
    /// String order of encoded composite keys equals the order of the (day, offset, level)
    /// tuples, negative offsets included; enums order by stored name, as DynamoDB does.
    #[test]
    fn composite_key_order_is_value_order(a in (day(), offset(), level()), b in (day(), offset(), level())) {
        let (ka, kb) = (reading_key(a.0, a.1, a.2), reading_key(b.0, b.1, b.2));
        prop_assert_eq!(a.cmp(&b), ka.cmp(&kb), "{} vs {}", ka, kb);
    }

    #[test]
    fn books_round_trip(year in 1450u16..=2100, copies in any::<u64>(), cents in any::<i64>(), title in "\\PC{1,40}",
                        tags in prop::collection::btree_set("[a-z]{1,8}", 0..4)) {
        let mut book = book();
        book.published_year = year;
        book.copies_sold = copies;
        book.price = Some(Decimal::from_i128_with_scale(cents.into(), 2));
        book.title = title;
        book.tags = if tags.is_empty() { None } else { Some(tags) };
        prop_assert_eq!(Book::from_item(book.to_item()).expect("decodes"), book);
    }
}

/// Any DynamoDB value, nested a few levels: numbers include malformed, huge and fractional
/// texts, strings any Unicode.
fn attribute_value() -> impl Strategy<Value = AttributeValue> {
    use ddbgen_runtime::aws_sdk_dynamodb::primitives::Blob;
    let number = prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "[-+]?[0-9]{0,45}(\\.[0-9]{0,12})?([eE][-+]?[0-9]{1,3})?",
    ];
    let leaf = prop_oneof![
        any::<String>().prop_map(AttributeValue::S),
        "[0-9a-f-]{0,40}".prop_map(AttributeValue::S),
        number.clone().prop_map(AttributeValue::N),
        any::<bool>().prop_map(AttributeValue::Bool),
        Just(AttributeValue::Null(true)),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| AttributeValue::B(Blob::new(b))),
        prop::collection::vec(any::<String>(), 0..3).prop_map(AttributeValue::Ss),
        prop::collection::vec(number, 0..3).prop_map(AttributeValue::Ns),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(AttributeValue::L),
            prop::collection::hash_map("[a-z]{1,6}", inner, 0..4).prop_map(AttributeValue::M),
        ]
    })
}

const BOOK_ATTRIBUTES: &[&str] = &[
    "publisher",
    "published_year",
    "isbn",
    "title",
    "subtitle",
    "price",
    "tags",
    "status",
    "authors",
    "extra",
    "cover",
    "copies_sold",
    "expires_at",
    "created",
    "updated",
    "version",
    "year_isbn",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Decoding never panics, whatever the map holds.
    #[test]
    fn decoding_any_map_returns_a_result(entries in prop::collection::hash_map(
        prop_oneof![prop::sample::select(BOOK_ATTRIBUTES.to_vec()).prop_map(str::to_owned), "[a-z]{1,8}"],
        attribute_value(),
        0..20,
    )) {
        let _ = Book::from_item(entries.clone());
        let _ = Event::from_item(entries.clone());
        let _ = Reading::from_item(entries);
    }

    /// One corrupted attribute of a valid item is reported under that attribute's name (or is
    /// accepted, when the value happens to fit), never elsewhere and never with a panic.
    #[test]
    fn a_corrupt_attribute_is_named_in_the_error(name in prop::sample::select(BOOK_ATTRIBUTES.to_vec()), value in attribute_value()) {
        let mut item = book().to_item();
        item.insert(name.to_owned(), value);
        if let Err(ErrorKind::Conversion { table, attribute, .. }) = Book::from_item(item).map_err(Error::into_kind) {
            prop_assert_eq!(table, "books");
            prop_assert!(attribute.starts_with(name), "{} does not start with {}", attribute, name);
        }
    }
}

#[test]
fn custom_rules_run_with_the_others() {
    let note = |text: &str| Note {
        text: text.into(),
        score: Some(6),
    };
    let errors = note("HELLO").validate_all();
    assert_eq!(errors, ["text: is all capitals", "score: 6 is above max 5"]);
    assert_eq!(note("Hello").validate_all(), ["score: 6 is above max 5"]);
}

/// Runs the rules of a nested type as its table would.
trait ValidateAll {
    fn validate_all(&self) -> Vec<String>;
}

impl<T: ddbgen_runtime::Validate> ValidateAll for T {
    fn validate_all(&self) -> Vec<String> {
        let mut errors = ddbgen_runtime::ValidationErrors::new();
        self.validate_at(&ddbgen_runtime::FieldPath::Root, &mut errors);
        errors
            .errors()
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect()
    }
}

/// Key types derive `Eq` and `Hash` (a key of no float): keys go into hash sets, and two books
/// with one key are one entry. `build.rs` adds `#[derive(PartialOrd)]` to `BookKey`
/// (`Builder::type_attribute`), which orders keys field by field.
#[test]
fn keys_hash_and_type_attributes_reach_the_generated_type() {
    let mut keys = std::collections::HashSet::new();
    let first = book();
    let mut same_key = book();
    same_key.title = "Another title".into();
    keys.insert(first.key());
    keys.insert(same_key.key());
    let mut other = book();
    other.isbn = "0000000".into();
    keys.insert(other.key());
    assert_eq!(keys.len(), 2);
    assert!(keys.contains(&BookKey {
        publisher: "HarperBusiness".into(),
        published_year: 1995,
        isbn: "9512512".into(),
    }));
    assert!(other.key() < first.key(), "isbn 0000000 before 9512512, the rest equal");
}
