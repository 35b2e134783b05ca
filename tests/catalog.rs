//! The committed example crate's catalog schema, which uses every type and rule of the format,
//! round-trips through a real server, and its rules report every failing field with its path.

use std::collections::{BTreeMap, BTreeSet};

use ddbgen_runtime::codegen::{Bytes, DateTime, Decimal, NaiveDate, Utc, Uuid};
use ddbgen_runtime::{AttributeValue, Item, QueryBuilder};
use library_tables::catalog::product::{NewProduct, ProductRepository};
use library_tables::catalog::types::{Contact, PriceChange, Region, Supplier};

mod support;

fn time(seconds: i64, nanos: u32) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, nanos).expect("valid time")
}

fn full_product() -> NewProduct {
    NewProduct {
        sku: Uuid::from_u128(0x67e5_5044_10b1_426f_9247_bb68_0e5f_e0c8),
        region: Region::Apac,
        released: NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"),
        tier: -2,
        size_code: "XL".into(),
        name: "Kettle".into(),
        stock: -5,
        pack: Some(4),
        views: Some(i64::MIN),
        serial: Some(u64::MAX),
        rank: Some(u16::MAX),
        shelf: Some(u32::MAX),
        delta: Some(i16::MIN),
        weight: Some(0.1),
        price: Decimal::from_i128_with_scale(123_456_789, 4),
        launched_at: time(1_700_000_000, 123_456_789),
        synced_at: Some(time(1_700_000_000, 123_000_000)),
        expires: Some(time(1_900_000_000, 0)),
        thumbnail: Some(Bytes(vec![0, 255, 128])),
        owner: Some(Uuid::from_u128(7)),
        labels: BTreeSet::from(["steel".to_owned(), "kitchen".to_owned()]),
        sizes: Some(BTreeSet::from([-1, 0, i64::MAX])),
        discounts: Some(BTreeSet::from([Decimal::new(5, 2), Decimal::new(-1, 0)])),
        checksums: Some(BTreeSet::from([Bytes(vec![1]), Bytes(vec![2, 3])])),
        dimensions: Some(vec![1.5, 2.25, 1e-7]),
        matrix: Some(vec![vec![1, -2], vec![], vec![i16::MAX]]),
        attributes: Some(BTreeMap::from([("colour".to_owned(), "red".to_owned())])),
        suppliers: Some(BTreeMap::from([(
            "acme".to_owned(),
            Supplier {
                name: "ACME".into(),
                contact: Some(Contact {
                    email: "a@acme.test".into(),
                    phone: None,
                }),
            },
        )])),
        history: Some(vec![PriceChange {
            at: time(1_600_000_000, 0),
            price: Decimal::new(999, 2),
        }]),
        note: None,
        legacy_code: Some("L-1".into()),
        ..NewProduct::default()
    }
}

#[tokio::test]
async fn every_type_round_trips_through_the_server() {
    let env = support::Env::new();
    let products = ProductRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    env.table_created(products.create_table().await);
    let created = products.create(full_product()).await.expect("create");
    assert!(created.active && created.kind == "physical", "schema defaults");
    let read = products
        .get_consistent(&created.key())
        .await
        .expect("get")
        .expect("found");
    assert_eq!(read, created, "every type reads back exactly");

    let stored = created.to_item();
    assert_eq!(
        stored["variant_key"],
        AttributeValue::S("apac#2024-02-29#126#XL".into())
    );
    assert_eq!(stored["lc"], AttributeValue::S("L-1".into()), "`attribute:` renames");
    assert_eq!(stored["note"], AttributeValue::Null(true), "nullable None is NULL");
    assert_eq!(stored["synced_at"], AttributeValue::N("1700000000123".into()));
    assert_eq!(stored["price"], AttributeValue::N("12345.6789".into()));

    let by_name = products
        .query_by_name("Kettle")
        .all()
        .await
        .expect("GSI with include projection");
    assert_eq!(by_name.len(), 1);
    assert_eq!((by_name[0].price, by_name[0].stock), (created.price, created.stock));
    let variants = products
        .query(created.sku)
        .region(Region::Apac)
        .all()
        .await
        .expect("query by first part");
    assert_eq!(variants, vec![created]);
}

#[test]
fn every_rule_reports_its_field() {
    let mut bad = full_product();
    bad.released = NaiveDate::from_ymd_opt(10_000, 1, 1).expect("date"); // a key part: four-digit year
    bad.tier = 4; // max 3
    bad.size_code = "xl".into(); // pattern
    bad.name = String::new(); // non_empty
    bad.stock = -1001; // min
    bad.pack = Some(3); // one_of
    bad.weight = Some(f64::INFINITY); // finite
    bad.price = Decimal::ZERO; // min 0.01
    bad.kind = "other".into(); // one_of
    bad.labels = (0..11).map(|i| i.to_string()).collect(); // max_length 10
    bad.dimensions = Some(vec![1.0; 4]); // max_length 3
    bad.attributes = Some(BTreeMap::new()); // non_empty
    bad.suppliers = Some(BTreeMap::from([(
        "x".to_owned(),
        Supplier {
            name: String::new(),
            contact: Some(Contact {
                email: "nope".into(),
                phone: None,
            }),
        },
    )]));
    bad.history = Some(vec![PriceChange {
        at: time(0, 0),
        price: Decimal::new(-1, 0),
    }]);
    let errors = bad.validate().expect_err("invalid");
    let paths: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "released",
            "tier",
            "size_code",
            "name",
            "stock",
            "pack",
            "weight",
            "price",
            "kind",
            "labels",
            "dimensions",
            "attributes",
            "suppliers[\"x\"].name",
            "suppliers[\"x\"].contact.email",
            "history[0].price",
        ],
        "{errors}"
    );
}
