use super::*;

#[tokio::test]
async fn batches_chunk_merge_refuse_and_keep_request_order() {
    let env = Env::new();
    // Books without a version: BatchWriteItem cannot check one, so only such tables have
    // `batch_put` (a versioned table's is a compile error).
    let books = bulk_books(&env).await.with_retry_policy(RetryPolicy {
        concurrency: 3,
        ..RetryPolicy::default()
    });
    env.clock.set(time(1_700_000_500));
    let items: Vec<bulk::book::Book> = (0..60)
        .map(|i| bulk::book::Book {
            publisher: "B".into(),
            published_year: 2000,
            isbn: format!("{i:07}"),
            title: format!("Batch {i}"),
            subtitle: None,
            price: Some(Decimal::new(1999, 2)),
            status: bulk::types::BookStatus::Draft,
            authors: Vec::new(),
            copies_sold: i,
            created: time(1_600_000_000),
            updated: time(1_600_000_000),
        })
        .collect();
    let written = books.batch_put(&items).await.expect("batch put");
    assert!(written.is_complete(), "{written:?}");
    assert_eq!(written.written, 60);
    assert_eq!(books.query("B").count().await.expect("count"), 60);
    let stored = books.get(&items[7].key()).await.expect("get").expect("stored");
    assert_eq!(
        (stored.created, stored.updated),
        (time(1_600_000_000), time(1_700_000_500)),
        "batch_put sets `updated` as upsert does"
    );

    // Request order, duplicates read once, missing keys told apart.
    let missing = bulk::book::BookKey {
        isbn: "nope".into(),
        ..items[0].key()
    };
    let mut keys: Vec<bulk::book::BookKey> = (0..120).rev().map(|i| items[i % 60].key()).collect();
    keys.insert(5, missing.clone());
    let read = books.batch_get(&keys).await.expect("batch get");
    assert!(read.is_complete() && read.error.is_none());
    assert_eq!(read.entries.len(), 121);
    for (key, fetched) in &read.entries {
        match fetched {
            Fetched::Found(book) => assert_eq!(&book.key(), key),
            Fetched::Missing => assert_eq!(key, &missing),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(read.missing().collect::<Vec<_>>(), [&missing]);

    // Two items with one key, an item over 400 KB, or a rule broken: refused before sending.
    let mut twice = vec![items[0].clone(), items[1].clone(), items[0].clone()];
    twice[2].title = "other".into();
    match books.batch_put(&twice).await.map_err(Error::into_kind) {
        Err(ErrorKind::DuplicateKey { positions: (0, 2), .. }) => {}
        other => panic!("expected DuplicateKey, got {other:?}"),
    }
    let mut huge = items[0].clone();
    huge.isbn = "9999999".into();
    huge.subtitle = Some("x".repeat(410 * 1024));
    match books
        .batch_put(&[items[1].clone(), huge.clone()])
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::TooLarge { what: "item", .. }) => {}
        other => panic!("expected TooLarge, got {other:?}"),
    }
    assert!(!books.exists(&huge.key()).await.expect("exists"));
    let mut broken = items[2].clone();
    broken.title = String::new();
    match books
        .batch_put(&[items[1].clone(), broken])
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::Validation(errors)) => assert!(errors.to_string().contains("[1].title"), "{errors}"),
        other => panic!("expected a validation error, got {other:?}"),
    }

    // Deletes: duplicates merged, missing keys not an error.
    let mut doomed: Vec<bulk::book::BookKey> = items[..30].iter().map(bulk::book::Book::key).collect();
    doomed.push(items[0].key());
    doomed.push(missing);
    let deleted = books.batch_delete(&doomed).await.expect("batch delete");
    assert!(deleted.is_complete());
    assert_eq!(deleted.written, 31);
    assert_eq!(books.query("B").count().await.expect("count"), 30);
}

#[tokio::test]
async fn transactions_apply_all_or_nothing_and_say_why() {
    let env = Env::new();
    if !transactions_supported(&env, "transactions_apply_all_or_nothing_and_say_why") {
        return;
    }
    let (books, customers) = (books(&env).await, customers(&env).await);
    let book = books.create(new_book("T", 2001, "0000001")).await.expect("create");
    let grace = customers
        .create(new_customer("grace@example.com"))
        .await
        .expect("create");

    // Create in one table, update and check in another, all at once.
    let mut tx = books.transaction();
    let ada = customers
        .transact_create(&mut tx, new_customer("ada@example.com"))
        .expect("add create");
    let created = books
        .transact_create(&mut tx, new_book("T", 2002, "0000002"))
        .expect("add create");
    books
        .update(&book.key())
        .set_title("In a transaction")
        .expect_version(1)
        .transact(&mut tx)
        .expect("add update");
    tx.send().await.expect("transaction");
    assert_eq!(customers.get(&ada.key()).await.expect("get"), Some(ada.clone()));
    assert_eq!(books.get(&created.key()).await.expect("get"), Some(created.clone()));
    let book = books.get(&book.key()).await.expect("get").expect("stored");
    assert_eq!((book.title.as_str(), book.version), ("In a transaction", 2));

    // One failing operation cancels all; each failure is typed, with its position.
    let mut tx = books.transaction();
    customers
        .transact_check(&mut tx, &ada.key(), CustomerFields::name().eq("Ada"))
        .expect("add check");
    books
        .transact_create(&mut tx, new_book("T", 2003, "0000003"))
        .expect("add create");
    books
        .transact_create(&mut tx, new_book("T", 2002, "0000002"))
        .expect("add create");
    let mut stale = book.clone();
    stale.version = 1;
    books.transact_replace(&mut tx, &stale).expect("add replace");
    customers
        .transact_check(&mut tx, &grace.key(), CustomerFields::name().eq("Bob"))
        .expect("add check");
    match tx.send().await.map_err(Error::into_kind) {
        Err(ErrorKind::TransactionCanceled { failures }) => {
            let kinds: Vec<(usize, &str)> = failures
                .iter()
                .map(|f| {
                    let kind = match f.error.kind() {
                        ErrorKind::AlreadyExists { current: Some(_), .. } => "already exists",
                        ErrorKind::VersionConflict { current: Some(_), .. } => "version conflict",
                        ErrorKind::ConditionFailed { current: Some(_), .. } => "condition failed",
                        other => panic!("unexpected failure {other:?}"),
                    };
                    (f.index, kind)
                })
                .collect();
            assert_eq!(
                kinds,
                [(2, "already exists"), (3, "version conflict"), (4, "condition failed")]
            );
            let conflict = &failures[1].error;
            assert_eq!(conflict.current::<Book>().expect("item").expect("decodes"), book);
        }
        other => panic!("expected a cancellation, got {other:?}"),
    }
    assert!(
        !books
            .exists(&BookKey {
                published_year: 2003,
                isbn: "0000003".into(),
                publisher: "T".into()
            })
            .await
            .expect("exists"),
        "nothing of a cancelled transaction is written"
    );

    // Delete at a version, and a typed read of several items in order.
    let mut tx = books.transaction();
    assert_eq!(created.version, 1);
    books.transact_delete_item(&mut tx, &created).expect("add delete");
    customers.transact_delete(&mut tx, &ada.key()).expect("add delete");
    tx.send().await.expect("delete both");
    let read = books
        .transact_get(&[created.key(), book.key(), created.key().clone()])
        .await;
    match read {
        Ok(items) => assert_eq!(items, [None, Some(book.clone()), None]),
        Err(e) => panic!("transact_get: {e}"),
    }
}

#[tokio::test]
async fn transactions_check_limits_before_sending() {
    let env = Env::new();
    let books = books(&env).await;
    let mut tx = books.transaction();
    books
        .transact_create(&mut tx, new_book("L", 2001, "0000001"))
        .expect("add");
    match books
        .transact_create(&mut tx, new_book("L", 2001, "0000001"))
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::DuplicateKey { positions: (0, 1), .. }) => {}
        other => panic!("one operation per item, got {other:?}"),
    }
    for i in 2..=100 {
        books
            .transact_create(&mut tx, new_book("L", 2001, &format!("{i:07}")))
            .expect("add");
    }
    assert_eq!(tx.len(), 100);
    match books
        .transact_create(&mut tx, new_book("L", 2001, "0000101"))
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::TransactionTooLarge {
            what: "operations",
            limit: 100,
            ..
        }) => {}
        other => panic!("101 operations, got {other:?}"),
    }
    let mut big = books.transaction();
    let mut refused = None;
    for i in 0..20 {
        let mut new = new_book("L", 2002, &format!("{i:07}"));
        new.subtitle = Some("x".repeat(300 * 1024));
        if let Err(e) = books.transact_create(&mut big, new) {
            refused = Some((i, e.into_kind()));
            break;
        }
    }
    match refused {
        Some((13, ErrorKind::TransactionTooLarge { what: "bytes", .. })) => {}
        other => panic!("4 MB holds 13 items of 300 KB, got {other:?}"),
    }
    let keys: Vec<BookKey> = (0..101)
        .map(|i| BookKey {
            publisher: "L".into(),
            published_year: 2001,
            isbn: format!("{i:07}"),
        })
        .collect();
    match books.transact_get(&keys).await.map_err(Error::into_kind) {
        Err(ErrorKind::TransactionTooLarge { .. }) => {}
        other => panic!("101 reads, got {other:?}"),
    }
}

#[tokio::test]
async fn a_resent_transaction_with_its_token_applies_once() {
    let env = Env::new();
    if !transactions_supported(&env, "a_resent_transaction_with_its_token_applies_once") {
        return;
    }
    let books = books(&env).await;
    let book = books.create(new_book("I", 2001, "0000001")).await.expect("create");
    let mut tx = books.transaction().with_client_request_token("increment-once");
    books
        .update(&book.key())
        .add_copies_sold(1)
        .transact(&mut tx)
        .expect("add");
    tx.send().await.expect("first send");
    tx.send().await.expect("the same token again: idempotent");
    let stored = books.get(&book.key()).await.expect("get").expect("stored");
    assert_eq!(stored.copies_sold, 1, "applied once");
    assert_eq!(tx.client_request_token(), "increment-once");
}

#[tokio::test]
async fn empty_batches_and_transactions_send_nothing() {
    let env = Env::new();
    let books = books(&env).await;
    let empty = books.batch_get(&[]).await.expect("empty batch");
    assert!(empty.entries.is_empty() && empty.is_complete());
    let none = bulk_books(&env).await.batch_put(&[]).await.expect("empty batch");
    assert_eq!(none.written, 0);
    assert!(
        books.transaction().send().await.is_ok(),
        "an empty transaction sends nothing"
    );
}

#[tokio::test]
async fn access_patterns_read_through_the_key_or_index_that_serves_them() {
    let env = Env::new();
    let (books, customers) = (books(&env).await, customers(&env).await);
    for (year, isbn, title) in [
        (1994, "0000001", "Dune"),
        (1995, "0000002", "Emma"),
        (1995, "0000003", "Dune"),
        (2001, "0000004", "Ulysses"),
    ] {
        let mut new = new_book("AP", year, isbn);
        new.title = title.into();
        books.create(new).await.expect("create");
    }
    books.create(new_book("Other", 1995, "0000009")).await.expect("create");
    let isbns = |items: Vec<Book>| items.into_iter().map(|b| b.isbn).collect::<Vec<_>>();

    let of_1995 = books.books_of_publisher_in_year("AP", 1995).all().await.expect("query");
    assert_eq!(isbns(of_1995), ["0000002", "0000003"]);
    let newest_first = books
        .books_of_publisher_between("AP", 1994, 1995)
        .all()
        .await
        .expect("query");
    assert_eq!(
        isbns(newest_first),
        ["0000003", "0000002", "0000001"],
        "descending, as declared"
    );
    let dunes = books.books_titled("Dune").all().await.expect("index query");
    assert_eq!(isbns(dunes), ["0000001", "0000003"]);
    assert_eq!(books.every_book().count().await.expect("scan"), 5);

    let ada = customers.create(new_customer("ada@example.com")).await.expect("create");
    let found = customers
        .customers_with_email("ada@example.com")
        .all()
        .await
        .expect("index query");
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), [ada.id]);
}
