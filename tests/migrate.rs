//! Typed migrations on the embedded server: `migrate_v1.yaml`'s books become
//! `migrate_v2.yaml`'s (a required `title_lower`, backfilled) while other writers write, across
//! a killed and resumed run, with corrupt items reported and the rest migrated.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ddbgen_runtime::aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use ddbgen_runtime::migrate::{Migration, Report, Step};
use ddbgen_runtime::{AttributeMap, AttributeValue, FromItem, Item};
use ddbgen_tests::{migrate_v1 as v1, migrate_v2 as v2};
use futures_util::{StreamExt, stream};
use support::{Env, time};

/// The migration: `title_lower` from `title`, everything else as it was.
fn to_v2(old: v1::book::Book) -> Step<v2::book::Book> {
    Step::Write(v2::book::Book {
        id: old.id,
        title_lower: old.title.to_lowercase(),
        title: old.title,
        sales: old.sales,
        version: old.version,
        created: old.created,
        updated: old.updated,
    })
}

fn old_book(n: usize) -> AttributeMap {
    v1::book::Book {
        id: format!("book-{n:05}"),
        title: format!("Title Number {n}"),
        sales: n as u32,
        version: 1,
        created: time(1),
        updated: time(1),
    }
    .to_item()
}

/// A table of `count` v1 books (written 25 at a time, 8 requests at once).
async fn table_of(env: &Env, count: usize) -> String {
    let repo = v1::book::BookRepository::new(env.client.clone()).with_table_prefix(&env.prefix);
    env.table_created(repo.create_table().await);
    let table = repo.table().name().to_owned();
    let chunks: Vec<Vec<usize>> = (0..count)
        .collect::<Vec<_>>()
        .chunks(25)
        .map(<[usize]>::to_vec)
        .collect();
    stream::iter(chunks)
        .for_each_concurrent(8, |chunk| {
            let (client, table) = (env.client.clone(), table.clone());
            async move {
                let requests: Vec<WriteRequest> = chunk
                    .into_iter()
                    .map(|n| {
                        let put = PutRequest::builder().set_item(Some(old_book(n))).build().expect("put");
                        WriteRequest::builder().put_request(put).build()
                    })
                    .collect();
                let output = client
                    .batch_write_item()
                    .request_items(&table, requests)
                    .send()
                    .await
                    .expect("batch write");
                assert!(output.unprocessed_items.unwrap_or_default().is_empty());
            }
        })
        .await;
    table
}

/// Every stored item, as stored.
async fn stored(env: &Env, table: &str) -> Vec<AttributeMap> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let output = env
            .client
            .scan()
            .table_name(table)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("scan");
        items.extend(output.items.unwrap_or_default());
        match output.last_evaluated_key.filter(|k| !k.is_empty()) {
            Some(key) => start = Some(key),
            None => return items,
        }
    }
}

fn text<'a>(item: &'a AttributeMap, name: &str) -> &'a str {
    match item.get(name) {
        Some(AttributeValue::S(s)) => s,
        other => panic!("{name} is not a string: {other:?}"),
    }
}

fn migration(env: &Env) -> Migration<v1::book::Book, v2::book::Book> {
    Migration::new(env.client.clone()).with_table_prefix(&env.prefix)
}

/// 50,000 books migrate in 4 segments while a writer renames books (setting `title_lower`
/// as new code does): every book ends migrated, and no rename is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_items_migrate_while_a_writer_writes() {
    let env = Env::new();
    let table = table_of(&env, 50_000).await;
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (client, table, done) = (env.client.clone(), table.clone(), done.clone());
        tokio::spawn(async move {
            let mut last: HashMap<String, String> = HashMap::new();
            let mut n = 0usize;
            // Bounded: at most 5,000 renames, over the first 2,000 books.
            while !done.load(Ordering::Relaxed) && n < 5_000 {
                let id = format!("book-{:05}", (n * 7919) % 2_000);
                let title = format!("Renamed {n}");
                client
                    .update_item()
                    .table_name(&table)
                    .key("id", AttributeValue::S(id.clone()))
                    .update_expression("SET title = :t, title_lower = :l, version = version + :one")
                    .expression_attribute_values(":t", AttributeValue::S(title.clone()))
                    .expression_attribute_values(":l", AttributeValue::S(title.to_lowercase()))
                    .expression_attribute_values(":one", AttributeValue::N("1".into()))
                    .send()
                    .await
                    .expect("rename");
                last.insert(id, title);
                n += 1;
            }
            last
        })
    };
    let report = migration(&env).segments(4).run(to_v2).await.expect("migration");
    done.store(true, Ordering::Relaxed);
    let renamed = writer.await.expect("writer");
    assert!(!renamed.is_empty(), "the writer wrote during the migration");
    assert_eq!(report.scanned, 50_000, "{report}");
    assert_eq!(report.changed + report.unchanged, 50_000, "{report}");
    assert!(report.failed.is_empty(), "{report}");
    let items = stored(&env, &table).await;
    assert_eq!(items.len(), 50_000);
    for item in items {
        let book = v2::book::Book::from_item(item.clone()).expect("every book reads as the new type");
        assert_eq!(book.title_lower, book.title.to_lowercase(), "{book:?}");
        if let Some(title) = renamed.get(&book.id) {
            assert_eq!(&book.title, title, "the writer's last rename of {} is kept", book.id);
        }
    }
    assert_eq!(report.segments, vec![0, 1, 2, 3]);
}

/// A write that lands between the migration's read and its write makes its condition fail:
/// the item is read again and migrated from the new value, never overwritten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_write_is_read_again_not_overwritten() {
    let env = Env::new();
    let table = table_of(&env, 10).await;
    let calls = AtomicUsize::new(0);
    let (client, target) = (env.client.clone(), table.clone());
    let report = migration(&env)
        .run(|old: v1::book::Book| {
            if old.id == "book-00003" && calls.fetch_add(1, Ordering::Relaxed) == 0 {
                // Another writer renames the book after the migration read it.
                let (client, table) = (client.clone(), target.clone());
                std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("rt");
                    runtime.block_on(async {
                        client
                            .update_item()
                            .table_name(&table)
                            .key("id", AttributeValue::S("book-00003".into()))
                            .update_expression("SET title = :t, version = version + :one")
                            .expression_attribute_values(":t", AttributeValue::S("Changed Meanwhile".into()))
                            .expression_attribute_values(":one", AttributeValue::N("1".into()))
                            .send()
                            .await
                            .expect("concurrent write")
                    })
                })
                .join()
                .expect("writer thread");
            }
            to_v2(old)
        })
        .await
        .expect("migration");
    assert_eq!(
        calls.load(Ordering::Relaxed),
        2,
        "the item was migrated again after the conflict"
    );
    assert_eq!(report.changed, 10, "{report}");
    let item = stored(&env, &table)
        .await
        .into_iter()
        .find(|i| text(i, "id") == "book-00003")
        .expect("the book");
    assert_eq!(text(&item, "title"), "Changed Meanwhile");
    assert_eq!(text(&item, "title_lower"), "changed meanwhile");
    assert_eq!(
        item["version"],
        AttributeValue::N("3".into()),
        "the writer's and the migration's"
    );
}

/// A run killed after about a third of the items resumes from its checkpoints: every item is
/// migrated once (each write raises the version by one, so a second write would show), and the
/// counts add up over both runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_migration_resumes_and_writes_nothing_twice() {
    let env = Env::new();
    let table = table_of(&env, 5_000).await;
    let dir = std::env::temp_dir().join(format!("ddbgen-migrate-{}", env.prefix));
    let seen = AtomicUsize::new(0);
    let kill = tokio::sync::Notify::new();
    let first = migration(&env).segments(2).page_size(100).checkpoints(&dir).run(|old| {
        if seen.fetch_add(1, Ordering::Relaxed) == 1_700 {
            kill.notify_one();
        }
        to_v2(old)
    });
    tokio::select! {
        result = first => panic!("the run was to be killed, but finished: {result:?}"),
        () = kill.notified() => {}
    }
    // The killed run's future is dropped mid-page, as a killed process stops.
    let migrated = |items: &[AttributeMap]| items.iter().filter(|i| i.contains_key("title_lower")).count();
    let halfway = migrated(&stored(&env, &table).await);
    assert!(halfway > 0 && halfway < 5_000, "{halfway} migrated when killed");
    let checkpoints = std::fs::read_dir(&dir).expect("checkpoints").count();
    assert_eq!(checkpoints, 2, "one checkpoint per segment");

    let report: Report = migration(&env)
        .with_args(["--segments", "2", "--page-size", "100"].map(String::from))
        .expect("arguments")
        .checkpoints(&dir)
        .run(to_v2)
        .await
        .expect("resumed");
    assert_eq!(report.scanned, 5_000, "{report}");
    assert_eq!(report.changed + report.unchanged, 5_000, "{report}");
    let items = stored(&env, &table).await;
    assert_eq!(migrated(&items), 5_000);
    for item in &items {
        assert_eq!(item["version"], AttributeValue::N("2".into()), "written once: {item:?}");
    }
    // A third run finds everything done and writes nothing.
    let again = migration(&env)
        .segments(2)
        .checkpoints(&dir)
        .run(to_v2)
        .await
        .expect("again");
    assert_eq!(again, report);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// A corrupt item and one the function refuses are reported with their keys; the others are
/// migrated. A dry run before writes nothing and shows samples.
#[tokio::test]
async fn failures_are_reported_with_their_keys_and_the_rest_migrate() {
    let env = Env::new();
    let table = table_of(&env, 200).await;
    let mut corrupt = old_book(7);
    corrupt.insert("sales".into(), AttributeValue::S("lots".into()));
    env.put_raw(&table, corrupt).await.expect("put");
    let refuse = |old: v1::book::Book| {
        if old.id == "book-00011" {
            Step::Fail("no title for this one".into())
        } else {
            to_v2(old)
        }
    };

    let dir = std::env::temp_dir().join(format!("ddbgen-dry-run-{}", env.prefix));
    let dry = migration(&env)
        .with_args(["--dry-run=3".to_owned()])
        .expect("args")
        .checkpoints(&dir)
        .run(refuse)
        .await
        .expect("dry run");
    assert!(!dir.exists(), "a dry run records no checkpoint");
    assert!(dry.dry_run);
    assert_eq!((dry.changed, dry.failed.len(), dry.samples.len()), (198, 2, 3), "{dry}");
    let sample = &dry.samples[0];
    assert!(!sample.before.contains_key("title_lower") && sample.after.contains_key("title_lower"));
    assert!(
        stored(&env, &table)
            .await
            .iter()
            .all(|i| !i.contains_key("title_lower")),
        "a dry run writes nothing"
    );

    let report = migration(&env).checkpoints(&dir).run(refuse).await.expect("migration");
    assert_eq!(
        (report.scanned, report.changed, report.failed.len()),
        (200, 198, 2),
        "{report}"
    );
    let mut failed: Vec<(String, String)> = report
        .failed
        .iter()
        .map(|f| (text(&f.key, "id").to_owned(), f.reason.clone()))
        .collect();
    failed.sort();
    assert_eq!(failed[0].0, "book-00007");
    assert!(failed[0].1.contains("sales"), "{}", failed[0].1);
    assert_eq!(failed[1], ("book-00011".to_owned(), "no title for this one".to_owned()));
    let text = report.to_string();
    assert!(
        text.starts_with("200 scanned, 198 changed, 0 unchanged, 0 skipped, 2 failed"),
        "{text}"
    );
    assert!(text.contains("failed id=S(\"book-00007\")"), "{text}");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// Command-line arguments: each flag, and a clear message for a bad one.
#[test]
fn arguments_are_read_or_refused_with_a_reason() {
    let client = ddbgen_runtime::client_for("http://127.0.0.1:9");
    let args = |list: &[&str]| {
        Migration::<v1::book::Book, v2::book::Book>::new(client.clone()).with_args(list.iter().map(|s| (*s).to_owned()))
    };
    let parsed = args(&[
        "--segments",
        "1/4",
        "--rate=50",
        "--dry-run",
        "--checkpoints",
        "dir",
        "--table-prefix",
        "dev-",
    ])
    .expect("valid");
    let text = format!("{parsed:?}");
    for part in [
        "\"dev-migrated_books\"",
        "total_segments: 4",
        "only: Some(1)",
        "rate: Some(50.0)",
        "dry_run: Some(10)",
        "\"dir\"",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    for (list, message) in [
        (
            &["--segments", "4/4"][..],
            "--segments 4/4: the segment must be below the total",
        ),
        (&["--segments", "x"][..], "--segments x: not I/N or N"),
        (&["--rate"][..], "--rate needs capacity units per second"),
        (&["--dry-run=many"][..], "--dry-run=many: not a count"),
        (&["--force"][..], "unknown argument --force"),
    ] {
        assert_eq!(args(list).expect_err("refused"), message);
    }
}
