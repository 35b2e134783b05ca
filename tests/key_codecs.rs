//! A round trip by key for every key codec, against a real DynamoDB-compatible server: put,
//! get, query (equality and a range on the sort key, and an index where the table has one),
//! update and delete, for tables keyed by epoch seconds, epoch milliseconds, RFC 3339 times,
//! bytes, decimals and floats, enums and dates, UUIDs and integers, and a composite of
//! keyword-named parts (`tests/fixtures/good/key_types.yaml` and `keyword_parts.yaml`). A key
//! written one way and looked up another (the bug of an epoch-datetime key written as N and
//! queried as S) fails here.

use ddbgen_runtime::codegen::{Bytes, Decimal, NaiveDate, Uuid};
use ddbgen_runtime::{AttributeValue, QueryBuilder};
use ddbgen_tests::index_limits::indexed::{IndexedRepository, NewIndexed};
use ddbgen_tests::key_types::blob::{BlobRepository, NewBlob};
use ddbgen_tests::key_types::millis::{MillisRepository, NewMillis};
use ddbgen_tests::key_types::moment::{MomentRepository, NewMoment};
use ddbgen_tests::key_types::price::{NewPrice, PriceRepository};
use ddbgen_tests::key_types::release::{NewRelease, ReleaseRepository};
use ddbgen_tests::key_types::seconds::{NewSeconds, SecondsRepository};
use ddbgen_tests::keyword_parts::keyword::{KeywordRepository, NewKeyword};
use ddbgen_tests::keyword_parts::types::{Comment, Edition};

mod support;

use support::{Env, time};

/// Creates a repository's table under the test's prefix, with the test's clock.
macro_rules! repository {
    ($env:expr, $repo:ty) => {{
        let repo = <$repo>::new($env.client.clone())
            .with_table_prefix(&$env.prefix)
            .with_clock($env.clock.clone());
        $env.table_created(repo.create_table().await);
        repo
    }};
}

/// The raw stored attribute of an item, read with the SDK.
async fn stored(
    env: &Env,
    table: &str,
    key: std::collections::HashMap<String, AttributeValue>,
    attribute: &str,
) -> AttributeValue {
    let output = env
        .client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .consistent_read(true)
        .send()
        .await
        .expect("raw get");
    output
        .item
        .expect("stored")
        .remove(attribute)
        .expect("attribute stored")
}

#[tokio::test]
async fn epoch_seconds_hash_key_round_trips() {
    let env = Env::new();
    let repo = repository!(env, SecondsRepository);
    let at = time(1_600_000_000);
    let mut items = Vec::new();
    for seq in [3, 1, 2] {
        let item = repo.create(NewSeconds { at, seq, note: None }).await.expect("create");
        items.push(item);
    }
    items.sort_by_key(|i| i.seq);
    // The key is stored as N, and looked up the same way.
    let raw = stored(&env, repo.table().name(), items[0].key().to_key(), "at").await;
    assert_eq!(raw, AttributeValue::N("1600000000".into()));
    assert_eq!(repo.get(&items[0].key()).await.expect("get"), Some(items[0].clone()));
    assert_eq!(repo.query(at).all().await.expect("query"), items);
    assert_eq!(repo.query(at).seq(2).all().await.expect("eq"), vec![items[1].clone()]);
    assert_eq!(repo.query(at).seq_gt(1).all().await.expect("gt"), items[1..].to_vec());
    assert!(
        repo.query(time(1_600_000_001))
            .all()
            .await
            .expect("other key")
            .is_empty()
    );
    let updated = repo
        .update(&items[0].key())
        .set_note("changed")
        .send()
        .await
        .expect("update by key");
    assert_eq!(updated.note.as_deref(), Some("changed"));
    assert_eq!(repo.delete(&items[0].key()).await.expect("delete"), Some(updated));
    assert_eq!(repo.get(&items[0].key()).await.expect("get"), None);
}

#[tokio::test]
async fn epoch_millis_range_key_and_index_keys_round_trip() {
    let env = Env::new();
    let repo = repository!(env, MillisRepository);
    let ms = |n: i64| ddbgen_runtime::codegen::DateTime::from_timestamp_millis(n).expect("time");
    let mut items = Vec::new();
    for n in [1_000_000_000_123, 1_000_000_000_456, 1_000_000_000_789] {
        let item = repo
            .create(NewMillis {
                bucket: "b".into(),
                at: ms(n),
                other: ms(n + 5),
            })
            .await
            .expect("create");
        items.push(item);
    }
    let raw = stored(&env, repo.table().name(), items[1].key().to_key(), "at").await;
    assert_eq!(raw, AttributeValue::N("1000000000456".into()));
    assert_eq!(repo.get(&items[1].key()).await.expect("get"), Some(items[1].clone()));
    assert_eq!(
        repo.query("b").at(ms(1_000_000_000_456)).all().await.expect("eq"),
        vec![items[1].clone()]
    );
    assert_eq!(
        repo.query("b")
            .at_between(ms(1_000_000_000_200), ms(1_000_000_000_800))
            .all()
            .await
            .expect("between"),
        items[1..].to_vec()
    );
    // The global (keys only) and local indexes are keyed by the same codec.
    let by_other = repo
        .query_by_other("b")
        .other_ge(ms(1_000_000_000_461))
        .all()
        .await
        .expect("gsi");
    assert_eq!(
        by_other.iter().map(|p| p.at).collect::<Vec<_>>(),
        vec![items[1].at, items[2].at]
    );
    let by_at = repo
        .query_by_at("b")
        .other_lt(ms(1_000_000_000_461))
        .all()
        .await
        .expect("lsi");
    assert_eq!(by_at, items[..1].to_vec());
    let updated = repo
        .update(&items[2].key())
        .set_other(ms(5))
        .send()
        .await
        .expect("update");
    assert_eq!(updated.other, ms(5));
    assert_eq!(repo.delete(&items[2].key()).await.expect("delete"), Some(updated));
}

#[tokio::test]
async fn rfc3339_bytes_decimal_and_float_keys_round_trip() {
    let env = Env::new();

    let moments = repository!(env, MomentRepository);
    let at = ddbgen_runtime::codegen::DateTime::from_timestamp(1_700_000_000, 123).expect("time");
    let low = moments
        .create(NewMoment {
            at,
            level: -5,
            label: None,
        })
        .await
        .expect("create");
    let high = moments
        .create(NewMoment {
            at,
            level: 7,
            label: None,
        })
        .await
        .expect("create");
    assert_eq!(moments.get(&low.key()).await.expect("get"), Some(low.clone()));
    assert_eq!(
        moments.query(at).level_lt(0).all().await.expect("lt"),
        vec![low.clone()]
    );
    assert_eq!(
        moments.query(at).all().await.expect("all"),
        vec![low.clone(), high.clone()]
    );
    let updated = moments.update(&high.key()).set_label("x").send().await.expect("update");
    assert_eq!(moments.delete(&high.key()).await.expect("delete"), Some(updated));

    let blobs = repository!(env, BlobRepository);
    let blob = Bytes(vec![0, 255, 7]);
    let item = blobs
        .create(NewBlob {
            blob: blob.clone(),
            num: -3,
            label: None,
        })
        .await
        .expect("create");
    assert_eq!(blobs.get(&item.key()).await.expect("get"), Some(item.clone()));
    assert_eq!(
        blobs.query(blob.clone()).num_le(-3).all().await.expect("le"),
        vec![item.clone()]
    );
    let updated = blobs.update(&item.key()).set_label("b").send().await.expect("update");
    assert_eq!(blobs.delete(&item.key()).await.expect("delete"), Some(updated));

    let prices = repository!(env, PriceRepository);
    let price = Decimal::from_i128_with_scale(1999, 2);
    let item = prices
        .create(NewPrice {
            price,
            ratio: 0.1,
            label: None,
        })
        .await
        .expect("create");
    assert_eq!(prices.get(&item.key()).await.expect("get"), Some(item.clone()));
    assert_eq!(
        prices.query(price).ratio(0.1).all().await.expect("eq"),
        vec![item.clone()]
    );
    let updated = prices.update(&item.key()).set_label("p").send().await.expect("update");
    assert_eq!(prices.delete(&item.key()).await.expect("delete"), Some(updated));
}

#[tokio::test]
async fn enum_date_uuid_and_integer_keys_round_trip() {
    let env = Env::new();
    use ddbgen_tests::key_types::types::Edition;
    let releases = repository!(env, ReleaseRepository);
    let day = |d: u32| NaiveDate::from_ymd_opt(2024, 2, d).expect("date");
    for edition in Edition::ALL {
        for d in [2, 1] {
            releases
                .create(NewRelease {
                    edition: *edition,
                    day: day(d),
                    when: None,
                })
                .await
                .expect("create");
        }
    }
    let second = releases.query(Edition::V2ndEdition).all().await.expect("query");
    assert_eq!(second.iter().map(|r| r.day).collect::<Vec<_>>(), vec![day(1), day(2)]);
    let unicode = releases.query(Edition::Unicode).day(day(2)).all().await.expect("eq");
    assert_eq!(unicode.len(), 1);
    let raw = stored(&env, releases.table().name(), unicode[0].key().to_key(), "edition").await;
    assert_eq!(raw, AttributeValue::S("ünïcode".into()));
    let updated = releases
        .update(&unicode[0].key())
        .set_when(time(5))
        .send()
        .await
        .expect("update");
    assert_eq!(releases.delete(&unicode[0].key()).await.expect("delete"), Some(updated));
    assert_eq!(releases.get(&unicode[0].key()).await.expect("get"), None);

    let indexed = repository!(env, IndexedRepository);
    let id = Uuid::new_v4();
    let item = indexed
        .create(NewIndexed {
            id,
            n1: 4,
            f01: Some("one".into()),
            ..NewIndexed::default()
        })
        .await
        .expect("create");
    assert_eq!(indexed.get(&item.key()).await.expect("get"), Some(item.clone()));
    assert_eq!(indexed.query(id).n1_ge(4).all().await.expect("ge"), vec![item.clone()]);
    let by_g01 = indexed.query_g01("one").all().await.expect("gsi keys only");
    assert_eq!(by_g01.len(), 1);
    assert_eq!((by_g01[0].id, by_g01[0].n1), (id, 4));
    assert_eq!(indexed.delete(&item.key()).await.expect("delete"), Some(item));
}

#[tokio::test]
async fn composite_key_of_keyword_parts_round_trips() {
    let env = Env::new();
    let repo = repository!(env, KeywordRepository);
    let new = |r#ref: &str, r#fn: u8, r#loop: bool, r#await: Edition| NewKeyword {
        r#type: "t".into(),
        r#ref: r#ref.into(),
        r#fn,
        r#loop,
        r#await,
        thread: Some(Comment {
            text: "root".into(),
            parent: Some(Box::new(Comment {
                text: "parent".into(),
                ..Comment::default()
            })),
            replies: vec![Comment {
                text: "reply".into(),
                ..Comment::default()
            }],
            thread: None,
        }),
        ..NewKeyword::default()
    };
    let a = repo
        .create(new("a", 1, false, Edition::FirstEdition))
        .await
        .expect("create");
    let b = repo
        .create(new("a", 2, true, Edition::V2ndEdition))
        .await
        .expect("create");
    let c = repo.create(new("b", 1, false, Edition::Unicode)).await.expect("create");
    assert_eq!(repo.get(&b.key()).await.expect("get"), Some(b.clone()));
    assert_eq!(
        repo.query("t").r#ref("a").all().await.expect("prefix"),
        vec![a.clone(), b.clone()]
    );
    assert_eq!(
        repo.query("t").r#ref("a").r#fn(2).all().await.expect("two parts"),
        vec![b.clone()]
    );
    assert_eq!(
        repo.query("t")
            .r#ref("a")
            .r#fn(1)
            .r#loop(false)
            .r#await(Edition::FirstEdition)
            .all()
            .await
            .expect("whole key"),
        vec![a.clone()]
    );
    assert_eq!(repo.query("t").ref_gt("a").all().await.expect("gt"), vec![c.clone()]);
    let by_title = repo.query_by_title("a").all().await.expect("index named by-title");
    assert_eq!(by_title.len(), 2);
    let updated = repo.update(&c.key()).set_limit(9).send().await.expect("update");
    assert_eq!(updated.limit, 9);
    assert_eq!(repo.delete(&c.key()).await.expect("delete"), Some(updated));
}

/// DynamoDB's size limits, checked before sending: a partition key of 2,048 bytes, a sort key
/// of 1,024 bytes and an item of 400 KB are stored; one byte more is `ErrorKind::TooLarge`,
/// naming the attribute (never its value), and nothing is sent.
#[tokio::test]
async fn key_and_item_size_limits_are_checked_before_sending() {
    use ddbgen_runtime::limits::{MAX_ITEM_BYTES, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES};
    use ddbgen_runtime::{Error, ErrorKind};
    use ddbgen_tests::key_types::long::{LongKey, LongRepository, NewLong};

    let env = Env::new();
    let repo = repository!(env, LongRepository);
    let at_limit = repo
        .create(NewLong {
            pk: "p".repeat(MAX_PARTITION_KEY_BYTES),
            sk: "s".repeat(MAX_SORT_KEY_BYTES),
            blob: None,
        })
        .await
        .expect("keys at the limits are stored");
    assert_eq!(repo.get(&at_limit.key()).await.expect("get"), Some(at_limit.clone()));

    let over = |error: Error| match error.into_kind() {
        ErrorKind::TooLarge {
            attribute,
            what,
            size,
            limit,
            ..
        } => (attribute, what, size, limit),
        other => panic!("expected TooLarge, got {other}"),
    };
    let long_pk = NewLong {
        pk: "p".repeat(MAX_PARTITION_KEY_BYTES + 1),
        sk: "s".into(),
        blob: None,
    };
    let error = repo.create(long_pk).await.expect_err("over");
    assert!(!error.to_string().contains("ppp"), "{error}");
    assert_eq!(over(error), ("pk".to_owned(), "partition key", 2049, 2048));
    let key = LongKey {
        pk: "p".into(),
        sk: "s".repeat(MAX_SORT_KEY_BYTES + 1),
    };
    assert_eq!(
        over(repo.get(&key).await.expect_err("over")),
        ("sk".to_owned(), "sort key", 1025, 1024)
    );
    assert_eq!(over(repo.delete(&key).await.expect_err("over")).1, "sort key");

    // An item of exactly 400 KB by DynamoDB's formula is stored; one byte more is refused.
    let fixed = "pk".len() + 1 + "sk".len() + 1 + "blob".len() + "created".len() + "updated".len() + 2 * 30;
    let blob = Bytes(vec![7; MAX_ITEM_BYTES - fixed]);
    let item = repo
        .create(NewLong {
            pk: "a".into(),
            sk: "b".into(),
            blob: Some(blob.clone()),
        })
        .await
        .expect("an item at the limit is stored");
    assert_eq!(
        repo.get(&item.key()).await.expect("get").and_then(|i| i.blob),
        Some(blob)
    );
    let error = repo
        .create(NewLong {
            pk: "a".into(),
            sk: "c".into(),
            blob: Some(Bytes(vec![7; MAX_ITEM_BYTES - fixed + 1])),
        })
        .await
        .expect_err("over");
    assert_eq!(
        over(error),
        ("blob".to_owned(), "item", MAX_ITEM_BYTES + 1, MAX_ITEM_BYTES)
    );
}
