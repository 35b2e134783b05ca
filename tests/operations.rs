//! Production operations against a real DynamoDB-compatible server (the embedded one, or
//! `DDBGEN_TEST_ENDPOINT`): versions on every write, typed conditions and filters, counts,
//! projections, batches and transactions. dynalite has no transactions: those tests say so and
//! return early there.

use ddbgen_runtime::codegen::Decimal;
use ddbgen_runtime::{Cursor, Error, ErrorKind, Fetched, QueryBuilder, RetryPolicy, StopReason};
use ddbgen_tests::bulk;
use ddbgen_tests::library::book::{Book, BookFields, BookKey, BookSummary};
use ddbgen_tests::library::customer::CustomerFields;
use ddbgen_tests::library::types::BookStatus;
use futures_util::TryStreamExt;

mod support;

use support::{Env, books, bulk_books, customers, new_book, new_customer, time, transactions_supported};

#[tokio::test]
async fn update_and_delete_check_the_version_and_report_the_current_item() {
    let env = Env::new();
    let books = books(&env).await;
    let book = books.create(new_book("V", 2001, "0000001")).await.expect("create");

    let updated = books
        .update(&book.key())
        .set_title("Second")
        .expect_version(1)
        .send()
        .await
        .expect("update at the expected version");
    assert_eq!((updated.version, updated.title.as_str()), (2, "Second"));

    let stale = books
        .update(&book.key())
        .set_title("Lost")
        .expect_version(1)
        .send()
        .await
        .expect_err("the item moved on");
    match stale.kind() {
        ErrorKind::VersionConflict {
            expected: 1,
            current: Some(_),
            ..
        } => {}
        other => panic!("expected a version conflict, got {other:?}"),
    }
    let current: Book = stale.current().expect("carries the item").expect("decodes");
    assert_eq!((current.version, current.title.as_str()), (2, "Second"));

    match books.delete_item(&book).await.map_err(Error::into_kind) {
        Err(ErrorKind::VersionConflict { expected: 1, .. }) => {}
        other => panic!("a stale delete is a version conflict, got {other:?}"),
    }
    assert!(books.exists(&book.key()).await.expect("exists"), "nothing was deleted");
    let deleted = books
        .delete_item(&current)
        .await
        .expect("delete at the current version");
    assert_eq!(deleted, current);
    assert!(!books.exists(&book.key()).await.expect("exists"));
    match books.delete_item(&current).await.map_err(Error::into_kind) {
        Err(ErrorKind::NotFound { .. }) => {}
        other => panic!("deleting a deleted item is NotFound, got {other:?}"),
    }
    match books
        .update(&book.key())
        .set_title("x")
        .expect_version(2)
        .send()
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::NotFound { .. }) => {}
        other => panic!("updating a deleted item is NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn conditions_add_to_the_safe_write_conditions() {
    let env = Env::new();
    let books = books(&env).await;
    let book = books.create(new_book("C", 2001, "0000001")).await.expect("create");

    // A false condition on update, replace and delete: ConditionFailed with the stored item.
    let published = BookFields::status().eq(BookStatus::Published);
    match books
        .update(&book.key())
        .set_title("x")
        .only_if(published.clone())
        .send()
        .await
        .map_err(Error::into_kind)
    {
        Err(e @ ErrorKind::ConditionFailed { .. }) => {
            assert_eq!(e.current::<Book>().expect("item").expect("decodes"), book);
        }
        other => panic!("expected ConditionFailed, got {other:?}"),
    }
    match books
        .replace_if(&book, published.clone())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::ConditionFailed { current: Some(_), .. }) => {}
        other => panic!("expected ConditionFailed, got {other:?}"),
    }
    match books
        .delete_if(&book.key(), published.clone())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::ConditionFailed { .. }) => {}
        other => panic!("expected ConditionFailed, got {other:?}"),
    }

    // True conditions of every kind let the write through.
    let draft = BookFields::status().eq(BookStatus::Draft)
        & BookFields::title().begins_with("Book")
        & BookFields::title().contains("0001")
        & BookFields::price().not_exists()
        & BookFields::copies_sold().between(0u64, 10u64)
        & BookFields::status().is_in([BookStatus::Draft, BookStatus::Published])
        & BookFields::authors().size_eq(1)
        & !(BookFields::tags().exists() | BookFields::version().gt(1u64));
    let replaced = books.replace_if(&book, draft.clone()).await.expect("conditions hold");
    assert_eq!(replaced.version, 2);

    // The safe-write condition still holds with an extra one: a replace never creates, and a
    // stale version is still a version conflict.
    let mut moved = replaced.clone();
    moved.isbn = "0000002".into();
    match books
        .replace_if(&moved, BookFields::title().exists())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::NotFound { .. }) => {}
        other => panic!("a changed key is NotFound, got {other:?}"),
    }
    match books
        .replace_if(&book, BookFields::title().exists())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::VersionConflict { .. }) => {}
        other => panic!("a stale replace is a version conflict, got {other:?}"),
    }
    // create_if never overwrites, whatever the condition.
    match books
        .create_if(new_book("C", 2001, "0000001"), BookFields::title().not_exists())
        .await
        .map_err(Error::into_kind)
    {
        Err(ErrorKind::AlreadyExists { .. }) => {}
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    let deleted = books
        .delete_if(&book.key(), BookFields::version().eq(2u64))
        .await
        .expect("delete when the condition holds");
    assert_eq!(deleted.version, 2);
}

#[tokio::test]
async fn filters_keep_limits_and_cursors_exact() {
    let env = Env::new();
    let books = books(&env).await;
    for i in 0..30u64 {
        let mut new = new_book("F", 2001, &format!("{i:07}"));
        new.copies_sold = i;
        books.create(new).await.expect("create");
    }
    let expensive = || BookFields::copies_sold().ge(20u64) | BookFields::copies_sold().lt(3u64);
    let expected: Vec<u64> = (0..3).chain(20..30).collect();

    // limit(n) counts matching items; pages resume exactly.
    let (mut seen, mut cursor) = (Vec::new(), None::<Cursor>);
    loop {
        let page = books
            .query("F")
            .filter(expensive())
            .page_size(4)
            .limit(4)
            .page(cursor.as_ref())
            .await
            .expect("page");
        seen.extend(page.items.iter().map(|b| b.copies_sold));
        match page.next {
            Some(next) => {
                assert_eq!(page.items.len(), 4, "a limited page holds `limit` matching items");
                cursor = Some(next);
            }
            None => break,
        }
    }
    assert_eq!(seen, expected);

    // Without a limit, a page is one response; one the filter emptied still has its cursor.
    let page = books
        .query("F")
        .filter(BookFields::copies_sold().ge(25u64))
        .page_size(5)
        .page(None)
        .await
        .expect("page");
    assert!(page.items.is_empty(), "the first five items are filtered out");
    assert_eq!(page.stop, StopReason::ResponseEnd);
    let next = page.next.expect("an emptied page still carries its cursor");
    let rest: Vec<u64> = books
        .query("F")
        .filter(BookFields::copies_sold().ge(25u64))
        .page_size(5)
        .page(Some(&next))
        .await
        .expect("next page")
        .items
        .iter()
        .map(|b| b.copies_sold)
        .collect();
    assert!(rest.is_empty(), "items 5..10 are filtered out too");

    // Streams, scans and counts filter the same way.
    let streamed: Vec<u64> = books
        .query("F")
        .filter(expensive())
        .page_size(3)
        .stream()
        .map_ok(|b| b.copies_sold)
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(streamed, expected);
    assert_eq!(
        books
            .query("F")
            .filter(expensive())
            .page_size(7)
            .count()
            .await
            .expect("count"),
        13
    );
    assert_eq!(
        books
            .scan()
            .filter(expensive())
            .page_size(7)
            .count()
            .await
            .expect("count"),
        13
    );
    assert_eq!(books.query("F").count().await.expect("count"), 30);
    let many = BookFields::copies_sold().is_in((0..150u64).filter(|n| n % 2 == 0));
    assert_eq!(
        books.query("F").filter(many).count().await.expect("count"),
        15,
        "75 values: one IN; DynamoDB takes 100 at most"
    );
    let more = BookFields::copies_sold().is_in((0..250u64).filter(|n| n % 2 == 1));
    assert_eq!(
        books.query("F").filter(more).count().await.expect("count"),
        15,
        "125 values: two INs joined by OR"
    );
    assert_eq!(
        books
            .query("F")
            .published_year(2001)
            .count()
            .await
            .expect("narrowed count"),
        30
    );
}

#[tokio::test]
async fn counts_exists_projections_and_consistent_queries() {
    let env = Env::new();
    let books = books(&env).await;
    let mut keys = Vec::new();
    for i in 0..5 {
        keys.push(
            books
                .create(new_book("P", 1990 + i, &format!("{i:07}")))
                .await
                .expect("create")
                .key(),
        );
    }
    assert!(books.exists(&keys[0]).await.expect("exists"));
    assert!(
        !books
            .exists(&BookKey {
                isbn: "9".into(),
                ..keys[0].clone()
            })
            .await
            .expect("exists")
    );

    let selected: Vec<BookKey> = books
        .query("P")
        .select::<BookKey>()
        .page_size(2)
        .all()
        .await
        .expect("keys only");
    assert_eq!(selected, keys, "keys read through a projection, in order");
    let by_title = books
        .query("P")
        .limit(2)
        .select::<BookKey>()
        .page(None)
        .await
        .expect("page of keys");
    assert_eq!(by_title.items, keys[..2]);
    let rest = books
        .query("P")
        .select::<BookKey>()
        .page(by_title.next.as_ref())
        .await
        .expect("resumes from a projected page");
    assert_eq!(rest.items, keys[2..]);

    // A partial type declared under `projections:` reads only its attributes.
    let summaries: Vec<BookSummary> = books
        .query("P")
        .select::<BookSummary>()
        .page_size(2)
        .all()
        .await
        .expect("partial reads");
    assert_eq!(summaries.len(), 5);
    assert_eq!(summaries[0].title, "Book 0000000");
    assert_eq!(summaries[0].status, BookStatus::Draft);
    // Only the selected attributes are read: an item whose `authors` is corrupt fails to
    // decode as a Book, and reads fine as a summary.
    let mut corrupt = ddbgen_runtime::Item::to_item(&books.get(&keys[0]).await.expect("get").expect("stored"));
    corrupt.insert(
        "authors".to_owned(),
        ddbgen_runtime::AttributeValue::S("not a list".into()),
    );
    env.client
        .put_item()
        .table_name(books.table().name())
        .set_item(Some(corrupt))
        .send()
        .await
        .expect("raw put");
    assert!(books.query("P").all().await.is_err(), "the whole item does not decode");
    let summaries: Vec<BookSummary> = books
        .query("P")
        .select::<BookSummary>()
        .all()
        .await
        .expect("partial reads");
    assert_eq!(summaries.len(), 5);
    // A count of a selected query sends no projection (DynamoDB refuses one with COUNT).
    assert_eq!(
        books.query("P").select::<BookSummary>().count().await.expect("count"),
        5
    );

    // A consistent query sees a write made just before.
    books.create(new_book("P", 2020, "0000099")).await.expect("create");
    let latest = books
        .query("P")
        .consistent_read()
        .reverse()
        .limit(1)
        .all()
        .await
        .expect("query");
    assert_eq!(latest[0].isbn, "0000099");
    assert_eq!(books.scan().count().await.expect("count"), 6);
}

#[tokio::test]
async fn limit_zero_reads_nothing_in_page_and_stream_and_cursors_keep_their_direction() {
    let env = Env::new();
    let books = books(&env).await;
    for i in 0..6 {
        books
            .create(new_book("Z", 2001, &format!("{i:07}")))
            .await
            .expect("create");
    }
    let streamed: Vec<Book> = books.query("Z").limit(0).stream().try_collect().await.expect("stream");
    assert!(streamed.is_empty());
    let empty = books.query("Z").limit(0).page(None).await.expect("page");
    assert!(empty.items.is_empty());
    assert_eq!(empty.stop, StopReason::Limit);
    let start = empty.next.expect("a limit(0) page resumes where it started");
    let first = books.query("Z").limit(2).page(Some(&start)).await.expect("resume");
    assert_eq!(
        first.items.iter().map(|b| b.isbn.as_str()).collect::<Vec<_>>(),
        ["0000000", "0000001"]
    );
    let middle = first.next.expect("more");
    let again = books.query("Z").limit(0).page(Some(&middle)).await.expect("page");
    let resumed = books
        .query("Z")
        .limit(1)
        .page(again.next.as_ref())
        .await
        .expect("resume");
    assert_eq!(
        resumed.items[0].isbn, "0000002",
        "limit(0) hands its cursor back unchanged"
    );

    let reversed = books
        .query("Z")
        .reverse()
        .limit(2)
        .page(None)
        .await
        .expect("reverse page");
    let cursor = reversed.next.expect("more");
    match books.query("Z").page(Some(&cursor)).await.map_err(Error::into_kind) {
        Err(ErrorKind::InvalidCursor { .. }) => {}
        other => panic!("a reverse read's cursor opened on a forward read: {other:?}"),
    }
}

/// Batches, transactions and access patterns.
#[path = "operations/batches_transactions_patterns.rs"]
mod batches_transactions_patterns;
