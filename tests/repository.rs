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

/// Reserved words, keywords, the documented encoding, and what errors and cursors reveal.
#[path = "repository/names_and_encoding.rs"]
mod names_and_encoding;

#[path = "repository/patches.rs"]
mod patches;
