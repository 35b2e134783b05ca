use super::*;

#[tokio::test]
async fn reserved_words_and_keywords_work_end_to_end() {
    let env = Env::new();
    let events = EventRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    events.create_table().await.expect("create events");
    for at in [-5i64, 0, 7, 12] {
        let new = NewEvent {
            r#type: "click".into(),
            at,
            from: Some("a@b.c".into()),
            size: 3,
            when: time(at + 100),
            ..NewEvent::default()
        };
        events.create(new).await.expect("create");
    }
    let hits = events.query("click").at_between(-5, 7).all().await.expect("query");
    assert_eq!(hits.iter().map(|e| e.at).collect::<Vec<_>>(), [-5, 0, 7]);
    let hits = events.query("click").at_gt(0).all().await.expect("query");
    assert_eq!(hits.iter().map(|e| e.at).collect::<Vec<_>>(), [7, 12]);
    let updated = events
        .update(&hits[0].key())
        .set_match(false)
        .set_size(-2)
        .send()
        .await
        .expect("update");
    assert!(!updated.r#match);
    assert_eq!(updated.last_seen, ddbgen_runtime::Clock::now(&env.clock));
    let raw = ddbgen_runtime::Item::to_item(&updated);
    assert_eq!(raw["from-address"], AttributeValue::S("a@b.c".into()));
    let all = events.scan().all().await.expect("scan");
    assert_eq!(all.len(), 4);
}

#[tokio::test]
async fn a_table_of_reserved_words_works_end_to_end() {
    use ddbgen_tests::keywords::reserved::{NewReserved, ReservedRepository};
    use ddbgen_tests::keywords::types::Marker;
    let env = Env::new();
    let table = ReservedRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    table
        .create_table()
        .await
        .expect("create table with reserved-word keys and indexes");
    for (year, tally, day) in [(1999u16, 5u32, 3u32), (2000, 7, 1), (2001, 9, 2)] {
        let new = NewReserved {
            name: "x".into(),
            year,
            status: "open".into(),
            date: NaiveDate::from_ymd_opt(2020, 1, day).expect("date"),
            tally,
            size: Some(-1),
            value: Some(0.5),
            first_name: Some("Ada".into()),
            marker: (year == 1999).then_some(Marker {}),
        };
        table.create(new).await.expect("create");
    }
    let markers: Vec<bool> = table
        .query("x")
        .all()
        .await
        .expect("query")
        .iter()
        .map(|r| r.marker.is_some())
        .collect();
    assert_eq!(
        markers,
        [true, false, false],
        "a type without fields is stored as an empty map"
    );
    let raw = table
        .table()
        .client()
        .scan()
        .table_name(table.table().name())
        .send()
        .await
        .expect("raw scan");
    let first = &raw.items()[0];
    assert!(
        first.contains_key("first-name"),
        "odd names are stored as written: {:?}",
        first.keys()
    );

    let years: Vec<u16> = table
        .query("x")
        .year_between(2000, 2001)
        .all()
        .await
        .expect("query")
        .iter()
        .map(|r| r.year)
        .collect();
    assert_eq!(years, [2000, 2001]);
    let by_status = table
        .query_by_status("open")
        .tally_ge(7)
        .all()
        .await
        .expect("GSI query with include projection");
    assert_eq!(
        by_status.iter().map(|r| (r.year, r.tally)).collect::<Vec<_>>(),
        [(2000, 7), (2001, 9)]
    );
    let by_date = table
        .query_by_date("x")
        .date_lt(NaiveDate::from_ymd_opt(2020, 1, 3).expect("date"))
        .all()
        .await;
    assert_eq!(
        by_date.expect("LSI query").iter().map(|r| r.year).collect::<Vec<_>>(),
        [2000, 2001]
    );

    let key = ddbgen_tests::keywords::reserved::ReservedKey {
        name: "x".into(),
        year: 1999,
    };
    let updated = table
        .update(&key)
        .set_status("closed")
        .set_tally(1)
        .remove_size()
        .send()
        .await
        .expect("update");
    assert_eq!(
        (updated.status.as_str(), updated.tally, updated.size),
        ("closed", 1, None)
    );
    let stored = table
        .table()
        .client()
        .get_item()
        .table_name(table.table().name())
        .set_key(Some(key.to_key()))
        .send()
        .await;
    let stored = stored.expect("raw get").item.expect("item");
    assert_eq!(
        stored.get("size"),
        Some(&AttributeValue::Null(true)),
        "nullable: None is stored as NULL"
    );

    let nan = table.update(&key).set_value(f64::NAN).send().await;
    assert!(
        matches!(nan.as_ref().map_err(Error::kind), Err(ErrorKind::Validation(_))),
        "NaN cannot be stored: {nan:?}"
    );
}

/// Items written by another tool in the documented encoding (`docs/encoding.md`) read back as
/// the generated types, and generated writes are what that table says.
#[tokio::test]
async fn interop_with_the_documented_encoding() {
    use ddbgen_runtime::aws_sdk_dynamodb::primitives::Blob;
    let env = Env::new();
    let books = books(&env).await;
    let s = |v: &str| AttributeValue::S(v.to_owned());
    let n = |v: &str| AttributeValue::N(v.to_owned());
    let raw: std::collections::HashMap<String, AttributeValue> = [
        ("publisher", s("HarperBusiness")),
        ("published_year", n("1995")),
        ("isbn", s("9512512")),
        ("year_isbn", s("01995#9512512")),
        ("title", s("Built to Last")),
        ("status", s("out_of_print")),
        (
            "authors",
            AttributeValue::L(vec![AttributeValue::M(
                [
                    ("name".to_owned(), s("Jim Collins")),
                    ("born".to_owned(), s("1958-01-25")),
                ]
                .into(),
            )]),
        ),
        ("price", n("19.99")),
        ("tags", AttributeValue::Ss(vec!["classic".into()])),
        ("extra", AttributeValue::M([("edition".to_owned(), s("1st"))].into())),
        ("cover", AttributeValue::B(Blob::new(vec![1, 2]))),
        ("copies_sold", n("18446744073709551615")),
        ("expires_at", n("1900000000")),
        ("created", s("2023-11-14T22:13:20Z")),
        ("updated", s("2023-11-14T22:13:20.5+00:00")),
        ("version", n("3")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let client = books.table().client();
    client
        .put_item()
        .table_name(books.table().name())
        .set_item(Some(raw))
        .send()
        .await
        .expect("raw put");
    let key = BookKey {
        publisher: "HarperBusiness".into(),
        published_year: 1995,
        isbn: "9512512".into(),
    };
    let book = books.get(&key).await.expect("decodes").expect("found");
    assert_eq!(book.status, BookStatus::OutOfPrint);
    assert_eq!(book.price.map(|p| p.to_string()), Some("19.99".to_owned()));
    assert_eq!(book.copies_sold, u64::MAX);
    assert_eq!(book.expires_at, Some(time(1_900_000_000)));
    assert_eq!(book.created, time(1_700_000_000));
    assert_eq!(
        book.updated,
        DateTime::from_timestamp(1_700_000_000, 500_000_000).expect("time")
    );
    assert_eq!(book.authors[0].born, NaiveDate::from_ymd_opt(1958, 1, 25));
    assert_eq!(book.cover, Some(Bytes(vec![1, 2])));
    assert_eq!(book.subtitle, None);

    // And back: what ddbgen writes, read raw.
    let stored = books.replace(&book).await.expect("replace");
    let raw = client
        .get_item()
        .table_name(books.table().name())
        .set_key(Some(key.to_key()))
        .send()
        .await;
    let raw = raw.expect("raw get").item.expect("item");
    assert_eq!(
        raw["updated"],
        s("2023-11-14T22:13:20.000000000Z"),
        "fixed-width RFC 3339, nanoseconds"
    );
    assert_eq!(raw["version"], n("4"));
    assert_eq!(raw["status"], s("out_of_print"));
    assert_eq!(raw["expires_at"], n("1900000000"));
    assert!(!raw.contains_key("subtitle"), "None is not stored");
    assert_eq!(stored.version, 4);
}

/// An error about a key names the key's attributes, never their values (which may be an
/// email address or a customer id): errors can go to logs as they are. The values stay
/// available to the caller's code.
#[tokio::test]
async fn key_errors_name_attributes_not_values() {
    let env = Env::new();
    let books = books(&env).await;
    books
        .create(new_book("HarperBusiness", 1995, "9512512"))
        .await
        .expect("create");
    let error = books
        .create(new_book("HarperBusiness", 1995, "9512512"))
        .await
        .expect_err("exists");
    let text = error.to_string();
    assert_eq!(
        text,
        format!(
            "an item with the same key (publisher, year_isbn) already exists in table `{}books`",
            env.prefix
        )
    );
    assert!(!text.contains("HarperBusiness") && !text.contains("9512512"), "{text}");
    let ErrorKind::AlreadyExists { key, .. } = error.into_kind() else {
        panic!("expected AlreadyExists")
    };
    assert_eq!(key["publisher"], AttributeValue::S("HarperBusiness".into()));
    let missing = BookKey {
        publisher: "Nobody".into(),
        published_year: 1995,
        isbn: "0000000".into(),
    };
    let error = books.update(&missing).set_title("x").send().await.expect_err("missing");
    assert!(!error.to_string().contains("Nobody"), "{error}");
}

/// The demo's paging (`generated-example/examples/demo.rs`: 45 "Bulk" books of 2001, pages of
/// 20): every cursor it hands out, base64-decoded, contains no key value.
#[tokio::test]
async fn the_demos_cursors_reveal_no_key_value() {
    use base64::Engine as _;
    let env = Env::new();
    let books = books(&env).await;
    for i in 0..45 {
        books
            .create(new_book("Bulk", 2001, &format!("{i:07}")))
            .await
            .expect("create");
    }
    let (mut cursor, mut cursors) = (None::<Cursor>, 0);
    loop {
        let page = books.query("Bulk").limit(20).page(cursor.as_ref()).await.expect("page");
        let Some(next) = page.next else { break };
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(next.as_str())
            .expect("base64url");
        for value in ["Bulk", "02001", "00000", "publisher", "year_isbn"] {
            let shown = bytes.windows(value.len()).any(|w| w == value.as_bytes());
            assert!(!shown, "cursor {cursors} shows {value:?}");
        }
        cursors += 1;
        cursor = Some(next);
    }
    assert_eq!(cursors, 2, "45 books in pages of 20 hand out two cursors");
}
