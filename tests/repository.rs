//! Generated repositories against a real DynamoDB-compatible server: the embedded one by
//! default, or the one named by `DDBGEN_TEST_ENDPOINT` (dynalite in CI, or real AWS). Every test
//! uses tables of its own (a unique prefix), so tests run in parallel.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use ddbgen_runtime::codegen::{Bytes, DateTime, NaiveDate};
use ddbgen_runtime::{AttributeValue, Cursor, CursorKey, Error, ErrorKind, FromItem, QueryBuilder, StopReason};
use ddbgen_tests::keywords::event::{EventRepository, NewEvent};
use ddbgen_tests::library::book::{Book, BookKey, BookRepository};
use ddbgen_tests::library::customer::{CustomerRepository, NewCustomer};
use ddbgen_tests::library::types::{Author, BookStatus};
use futures_util::TryStreamExt;

mod support;

use support::{Env, books, new_book, time};

#[tokio::test]
async fn create_sets_audit_columns_and_never_overwrites() {
    let env = Env::new();
    let books = books(&env).await;
    assert_eq!(books.table().name(), format!("{}books", env.prefix));
    let book = books
        .create(new_book("HarperBusiness", 1995, "9512512"))
        .await
        .expect("create");
    assert_eq!(
        (book.created, book.updated, book.version),
        (time(1_700_000_000), time(1_700_000_000), 1)
    );
    assert_eq!(books.get(&book.key()).await.expect("get"), Some(book.clone()));

    env.clock.set(time(1_700_000_100));
    let mut again = new_book("HarperBusiness", 1995, "9512512");
    again.title = "Another title".into();
    match books.create(again).await.map_err(Error::into_kind) {
        Err(ErrorKind::AlreadyExists {
            current: Some(current), ..
        }) => {
            assert_eq!(
                Book::from_item(current).expect("decodes"),
                book,
                "the stored item, untouched"
            );
        }
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(books.get_consistent(&book.key()).await.expect("get"), Some(book));
}

#[tokio::test]
async fn create_table_enables_ttl() {
    let env = Env::new();
    let books = BookRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    let result = books.create_table().await;
    if env.external()
        && matches!(
            result.as_ref().map_err(Error::kind),
            Err(ErrorKind::Sdk {
                operation: "UpdateTimeToLive",
                ..
            })
        )
    {
        eprintln!("skipped create_table_enables_ttl: this server does not implement UpdateTimeToLive (dynalite)");
        return;
    }
    result.expect("create table");
    let ttl = env
        .client
        .describe_time_to_live()
        .table_name(books.table().name())
        .send()
        .await
        .expect("describe TTL");
    let description = ttl.time_to_live_description().expect("a TTL description");
    assert_eq!(description.attribute_name(), Some("expires_at"));
    let tables = env.client.list_tables().send().await.expect("list tables");
    assert!(tables.table_names().iter().any(|t| t == books.table().name()));
    books.delete_table().await.expect("delete table");
    let tables = env.client.list_tables().send().await.expect("list tables");
    assert!(!tables.table_names().iter().any(|t| t == books.table().name()));
}

#[tokio::test]
async fn create_validates_before_writing() {
    let env = Env::new();
    let books = books(&env).await;
    let result = books
        .create(new_book("HarperBusiness", 1200, "12#3"))
        .await
        .map_err(Error::into_kind);
    let Err(ErrorKind::Validation(errors)) = result else {
        panic!("expected a validation error, got {result:?}")
    };
    // The year's range and the ISBN's pattern (a key part may hold the separator: it is
    // escaped in the key).
    assert_eq!(errors.errors().len(), 2, "{errors}");
    assert!(
        books.scan().all().await.expect("scan").is_empty(),
        "nothing was written"
    );
}

#[tokio::test]
async fn replace_with_a_changed_key_fails_and_leaves_one_item() {
    let env = Env::new();
    let books = books(&env).await;
    let book = books
        .create(new_book("HarperBusiness", 1995, "9512512"))
        .await
        .expect("create");
    let mut moved = book.clone();
    moved.isbn = "9512513".into();
    assert!(matches!(
        books.replace(&moved).await.as_ref().map_err(Error::kind),
        Err(ErrorKind::NotFound { .. })
    ));
    let all = books.scan().all().await.expect("scan");
    assert_eq!(all, vec![book], "exactly the original item, never a second one");
}

#[tokio::test]
async fn replace_checks_the_version_and_keeps_created() {
    let env = Env::new();
    let books = books(&env).await;
    let book = books
        .create(new_book("HarperBusiness", 1995, "9512512"))
        .await
        .expect("create");
    env.clock.set(time(1_700_000_500));
    let mut edited = book.clone();
    edited.title = "Built to Last".into();
    let stored = books.replace(&edited).await.expect("replace");
    assert_eq!(
        (stored.version, stored.created, stored.updated),
        (2, book.created, time(1_700_000_500))
    );
    assert_eq!(books.get(&book.key()).await.expect("get"), Some(stored.clone()));

    // `edited` is still at version 1: a second writer holding it loses.
    match books.replace(&edited).await.map_err(Error::into_kind) {
        Err(ErrorKind::VersionConflict {
            expected: 1,
            current: Some(current),
            ..
        }) => {
            assert_eq!(Book::from_item(current).expect("decodes"), stored);
        }
        other => panic!("expected VersionConflict, got {other:?}"),
    }
}

#[tokio::test]
async fn upsert_creates_and_overwrites() {
    let env = Env::new();
    let books = books(&env).await;
    let book = books
        .create(new_book("HarperBusiness", 1995, "1000001"))
        .await
        .expect("create");
    let mut other = book.clone();
    other.isbn = "2000002".into();
    let created = books.upsert(&other).await.expect("upsert creates");
    assert_eq!(
        (created.created, created.updated, created.version),
        (book.created, book.updated, 1),
        "a new key starts at version 1, whatever the copy held"
    );
    env.clock.set(time(1_700_000_700));
    let mut changed = book.clone();
    changed.title = "Changed".into();
    let overwritten = books.upsert(&changed).await.expect("upsert overwrites");
    assert_eq!(books.get(&created.key()).await.expect("get"), Some(created));
    assert_eq!(
        books.get(&book.key()).await.expect("get").map(|b| b.title),
        Some(overwritten.title)
    );
}

#[tokio::test]
async fn upsert_of_a_stale_copy_stores_the_stored_version_plus_one() {
    let env = Env::new();
    let books = books(&env).await;
    let stale = books
        .create(new_book("HarperBusiness", 1995, "1000003"))
        .await
        .expect("create");
    // Other writers move the stored item to version 4.
    let mut current = stale.clone();
    for title in ["two", "three", "four"] {
        current.title = title.into();
        current = books.replace(&current).await.expect("replace");
    }
    assert_eq!(current.version, 4);
    let mut overwrite = stale.clone();
    overwrite.title = "from a stale copy".into();
    let stored = books.upsert(&overwrite).await.expect("upsert");
    assert_eq!(stored.version, 5, "never lower than what other writers stored");
    let read = books.get_consistent(&stale.key()).await.expect("get").expect("stored");
    assert_eq!(read, stored);
    // A holder of version 4 now conflicts instead of writing over the upsert.
    match books.replace(&current).await.map_err(Error::into_kind) {
        Err(ErrorKind::VersionConflict { expected: 4, .. }) => {}
        other => panic!("expected VersionConflict, got {other:?}"),
    }
}

#[tokio::test]
async fn update_sets_adds_removes_and_appends_with_validation() {
    let env = Env::new();
    let books = books(&env).await;
    let mut new = new_book("HarperBusiness", 1995, "9512512");
    new.subtitle = Some("Successful Habits".into());
    let book = books.create(new).await.expect("create");
    env.clock.set(time(1_700_000_900));
    let updated = books
        .update(&book.key())
        .set_title("Built to Last")
        .set_status(BookStatus::Published)
        .add_copies_sold(3)
        .remove_subtitle()
        .add_to_tags(BTreeSet::from(["classic".to_owned(), "business".to_owned()]))
        .append_to_authors(vec![Author {
            name: "Jerry Porras".into(),
            born: None,
        }])
        .set_extra(BTreeMap::from([("edition".to_owned(), "1st".to_owned())]))
        .set_cover(Bytes(vec![1, 2, 3]))
        .send()
        .await
        .expect("update");
    assert_eq!(updated.title, "Built to Last");
    assert_eq!(updated.status, BookStatus::Published);
    assert_eq!(updated.copies_sold, 3);
    assert_eq!(updated.subtitle, None);
    assert_eq!(
        updated.tags,
        Some(BTreeSet::from(["business".to_owned(), "classic".to_owned()]))
    );
    assert_eq!(updated.authors.len(), 2);
    assert_eq!(
        (updated.created, updated.updated, updated.version),
        (book.created, time(1_700_000_900), 2)
    );
    let again = books
        .update(&book.key())
        .add_copies_sold(4)
        .delete_from_tags(BTreeSet::from(["classic".to_owned()]))
        .send()
        .await;
    let again = again.expect("second update");
    assert_eq!((again.copies_sold, again.version), (7, 3));
    assert_eq!(again.tags, Some(BTreeSet::from(["business".to_owned()])));

    let invalid = books.update(&book.key()).set_title("").append_to_authors(vec![Author {
        name: String::new(),
        born: None,
    }]);
    match invalid.send().await.map_err(Error::into_kind) {
        Err(ErrorKind::Validation(errors)) => assert_eq!(
            errors.to_string(),
            "title: is empty; authors[0].name: length 0 is below min_length 1"
        ),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn update_of_a_missing_item_creates_nothing() {
    let env = Env::new();
    let books = books(&env).await;
    let key = BookKey {
        publisher: "Nobody".into(),
        published_year: 2000,
        isbn: "1000001".into(),
    };
    assert!(matches!(
        books
            .update(&key)
            .set_title("x")
            .send()
            .await
            .as_ref()
            .map_err(Error::kind),
        Err(ErrorKind::NotFound { .. })
    ));
    assert_eq!(books.get_consistent(&key).await.expect("get"), None);
    assert!(books.scan().all().await.expect("scan").is_empty());
}

#[tokio::test]
async fn delete_returns_the_old_item() {
    let env = Env::new();
    let books = books(&env).await;
    let book = books
        .create(new_book("HarperBusiness", 1995, "9512512"))
        .await
        .expect("create");
    assert_eq!(books.delete(&book.key()).await.expect("delete"), Some(book.clone()));
    assert_eq!(books.get(&book.key()).await.expect("get"), None);
    assert_eq!(books.delete(&book.key()).await.expect("delete again"), None);
}

#[tokio::test]
async fn begins_with_finds_one_publishers_books_of_one_year() {
    let env = Env::new();
    let books = books(&env).await;
    for (publisher, year, isbn) in [
        ("HarperBusiness", 1995, "9512512"),
        ("HarperBusiness", 1995, "9512513"),
        ("HarperBusiness", 1996, "1000001"),
        ("HarperBusiness", 1994, "2000002"),
        ("Penguin", 1995, "3000003"),
    ] {
        books.create(new_book(publisher, year, isbn)).await.expect("create");
    }
    let isbns = |items: Vec<Book>| items.into_iter().map(|b| b.isbn).collect::<Vec<_>>();
    let of_1995 = books
        .query("HarperBusiness")
        .published_year(1995)
        .all()
        .await
        .expect("query");
    assert_eq!(isbns(of_1995), ["9512512", "9512513"]);
    let one = books
        .query("HarperBusiness")
        .published_year(1995)
        .isbn("9512513")
        .all()
        .await
        .expect("query");
    assert_eq!(isbns(one), ["9512513"]);
    let between = books
        .query("HarperBusiness")
        .published_year_between(1995, 1996)
        .all()
        .await
        .expect("query");
    assert_eq!(isbns(between), ["9512512", "9512513", "1000001"]);
    let after = books
        .query("HarperBusiness")
        .published_year_gt(1995)
        .all()
        .await
        .expect("query");
    assert_eq!(isbns(after), ["1000001"]);
    let up_to = books
        .query("HarperBusiness")
        .published_year_le(1995)
        .reverse()
        .all()
        .await
        .expect("query");
    assert_eq!(isbns(up_to), ["9512513", "9512512", "2000002"]);
    let by_title = books.query_by_title("Book 3000003").all().await.expect("index query");
    assert_eq!(isbns(by_title), ["3000003"]);
}

/// Books of about 10 KB, so a 1 MB response holds about 100 of them.
async fn fill(books: &BookRepository, count: usize) -> HashSet<String> {
    let cover = Bytes(vec![7; 10_000]);
    let mut isbns = HashSet::new();
    for i in 0..count {
        let isbn = format!("{i:07}");
        let mut new = new_book("Big", 2000, &isbn);
        new.cover = Some(cover.clone());
        books.create(new).await.expect("create");
        isbns.insert(isbn);
    }
    isbns
}

#[tokio::test]
async fn query_and_scan_read_every_item_of_several_1mb_pages_exactly_once() {
    let env = Env::new();
    let books = books(&env).await;
    let expected = fill(&books, 330).await;

    let streamed: Vec<String> = books
        .query("Big")
        .stream()
        .map_ok(|b| b.isbn)
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(streamed.len(), expected.len(), "no item twice, none lost");
    assert_eq!(streamed.iter().cloned().collect::<HashSet<_>>(), expected);

    // Without a limit, a page is one response: 1 MB, so several pages with cursors.
    let (mut pages, mut seen, mut cursor) = (0, Vec::new(), None::<Cursor>);
    loop {
        let page = books.query("Big").page(cursor.as_ref()).await.expect("page");
        pages += 1;
        seen.extend(page.items.into_iter().map(|b| b.isbn));
        match page.next {
            Some(next) => {
                assert_eq!(page.stop, StopReason::ResponseEnd);
                cursor = Some(next);
            }
            None => break,
        }
    }
    assert!(pages >= 3, "3.3 MB arrive in at least 3 responses, got {pages}");
    assert_eq!(seen, streamed, "pages and stream agree, in order");

    let scanned: Vec<String> = books
        .scan()
        .stream()
        .map_ok(|b| b.isbn)
        .try_collect()
        .await
        .expect("scan");
    assert_eq!(scanned.len(), expected.len());
    assert_eq!(scanned.into_iter().collect::<HashSet<_>>(), expected);
    let parallel: Vec<String> = books
        .scan()
        .segments(4)
        .stream()
        .map_ok(|b| b.isbn)
        .try_collect()
        .await
        .expect("scan");
    assert_eq!(parallel.len(), expected.len(), "every segment's items exactly once");
    assert_eq!(parallel.into_iter().collect::<HashSet<_>>(), expected);
}

#[tokio::test]
async fn limit_page_size_and_cursors_resume_exactly() {
    let env = Env::new();
    let books = books(&env)
        .await
        .with_cursor_key(CursorKey::new(b"a secret of thirty-two bytes or more".as_slice()).expect("long enough"));
    for i in 0..23 {
        books
            .create(new_book("Paged", 2001, &format!("{i:07}")))
            .await
            .expect("create");
    }
    let all: Vec<Book> = books.query("Paged").all().await.expect("all");
    let (mut collected, mut cursor, mut pages) = (Vec::new(), None::<Cursor>, 0);
    loop {
        let page = books
            .query("Paged")
            .limit(5)
            .page_size(3)
            .page(cursor.as_ref())
            .await
            .expect("page");
        pages += 1;
        assert!(page.items.len() <= 5);
        collected.extend(page.items);
        match (page.next, page.stop) {
            // The cursor travels as text: through a URL (`Display`/`FromStr`) on even pages, as a
            // JSON string (serde, as a web framework's extractor reads it) on odd ones.
            (Some(next), StopReason::Limit) if pages % 2 == 0 => {
                cursor = Some(next.to_string().parse().expect("any text parses"));
            }
            (Some(next), StopReason::Limit) => {
                let json = serde_json::to_string(&next).expect("serialize");
                assert_eq!(json, format!("\"{next}\""), "a plain JSON string");
                cursor = Some(serde_json::from_str(&json).expect("deserialize"));
            }
            (None, StopReason::Exhausted) => break,
            (next, stop) => panic!("unexpected page end {stop:?} with next {next:?}"),
        }
    }
    assert_eq!(
        collected, all,
        "limit + page_size + cursor give the same items as one read"
    );
    assert_eq!(pages, 5, "23 items in pages of 5");
    let first_seven: Vec<Book> = books
        .query("Paged")
        .limit(7)
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(first_seven, all[..7]);
}

#[tokio::test]
async fn tampered_and_foreign_cursors_are_refused() {
    let env = Env::new();
    let books = books(&env).await;
    for i in 0..4 {
        books
            .create(new_book("A", 2001, &format!("{i:07}")))
            .await
            .expect("create");
        books
            .create(new_book("B", 2001, &format!("{i:07}")))
            .await
            .expect("create");
    }
    let page = books.query("A").limit(2).page(None).await.expect("page");
    let cursor = page.next.expect("more items");
    let mut text = cursor.as_str().to_owned();
    let last = text.pop().expect("non-empty");
    text.push(if last == 'A' { 'B' } else { 'A' });
    assert!(matches!(
        books
            .query("A")
            .page(Some(&Cursor::from_text(text)))
            .await
            .map_err(Error::into_kind),
        Err(ErrorKind::InvalidCursor { .. })
    ));
    assert!(
        matches!(
            books.query("B").page(Some(&cursor)).await.as_ref().map_err(Error::kind),
            Err(ErrorKind::InvalidCursor { .. })
        ),
        "another query's cursor"
    );
    let other = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_cursor_key(CursorKey::new([7u8; 32]).expect("long enough"));
    assert!(
        matches!(
            other.query("A").page(Some(&cursor)).await.as_ref().map_err(Error::kind),
            Err(ErrorKind::InvalidCursor { .. })
        ),
        "another key's cursor"
    );
    assert!(
        matches!(
            books
                .query("A")
                .reverse()
                .page(Some(&cursor))
                .await
                .as_ref()
                .map_err(Error::kind),
            Err(ErrorKind::InvalidCursor { .. })
        ),
        "a forward read's cursor, given to a reverse read"
    );
    // The cursor a client sees reveals no key value: not the hash key, not the sort key.
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.as_str())
        .expect("base64url");
    for value in ["A", "02001", "0000001", "year_isbn", "publisher"] {
        let needle = value.as_bytes();
        let shown = value.len() > 1 && bytes.windows(needle.len()).any(|w| w == needle);
        assert!(!shown, "the cursor shows {value:?}");
    }
    assert_eq!(
        books
            .query("A")
            .page(Some(&cursor))
            .await
            .expect("valid cursor")
            .items
            .len(),
        2
    );
}

#[tokio::test]
async fn generated_uuid_keys_and_keys_only_index_projection() {
    let env = Env::new();
    let customers = CustomerRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    customers.create_table().await.expect("create customers");
    let new = NewCustomer {
        email: "ada@example.com".into(),
        name: "Ada".into(),
        member_since: NaiveDate::from_ymd_opt(2020, 5, 1).expect("date"),
        ..NewCustomer::default()
    };
    let first = customers.create(new.clone()).await.expect("create");
    let second = customers.create(new).await.expect("a second customer, with its own id");
    assert_ne!(first.id, second.id);
    let found = customers
        .query_by_email("ada@example.com")
        .all()
        .await
        .expect("index query");
    let ids: HashSet<_> = found.iter().map(|p| p.id).collect();
    assert_eq!(ids, HashSet::from([first.id, second.id]));
    assert!(found.iter().all(|p| p.email == "ada@example.com"));
    assert_eq!(customers.query(first.id).all().await.expect("query").len(), 1);
}

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
