//! `tracing` spans of repository operations: one per DynamoDB request, with operation, table,
//! index, item counts and (when asked) consumed capacity, and never an attribute value.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use ddbgen_runtime::QueryBuilder;
use ddbgen_tests::library::book::{BookFields, BookRepository, NewBook};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

mod support;

use support::Env;

/// A span's name, target and fields as recorded.
#[derive(Debug, Clone)]
struct Captured {
    name: String,
    target: String,
    fields: Vec<(String, String)>,
}

/// A subscriber that keeps every span and event.
#[derive(Default, Clone)]
struct Capture {
    spans: Arc<Mutex<Vec<Captured>>>,
    next: Arc<AtomicU64>,
}

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let mut fields = Vec::new();
        attributes.record(&mut Fields(&mut fields));
        let mut spans = self.spans.lock().expect("lock");
        spans.push(Captured {
            name: attributes.metadata().name().to_owned(),
            target: attributes.metadata().target().to_owned(),
            fields,
        });
        self.next.store(spans.len() as u64, Ordering::SeqCst);
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().expect("lock");
        if let Some(captured) = spans.get_mut(span.into_u64() as usize - 1) {
            values.record(&mut Fields(&mut captured.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.spans.lock().expect("lock").push(Captured {
            name: event.metadata().name().to_owned(),
            target: event.metadata().target().to_owned(),
            fields,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

impl Captured {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[tokio::test]
async fn every_request_has_a_span_with_counts_and_no_values() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let env = Env::new();
    let books = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone())
        .with_consumed_capacity(true);
    env.table_created(books.create_table().await);
    for i in 0..3 {
        books
            .create(NewBook {
                publisher: "Traced".into(),
                published_year: 2001,
                isbn: format!("{i:07}"),
                title: "A secret title".into(),
                ..NewBook::default()
            })
            .await
            .expect("create");
    }
    let found = books
        .query("Traced")
        .filter(BookFields::title().begins_with("A secret"))
        .all()
        .await
        .expect("query");
    assert_eq!(found.len(), 3);
    assert_eq!(books.query("Traced").count().await.expect("count"), 3);

    let spans = capture.spans.lock().expect("lock").clone();
    let ours: Vec<&Captured> = spans
        .iter()
        .filter(|s| s.target.starts_with("ddbgen_runtime"))
        .collect();
    let puts: Vec<&&Captured> = ours
        .iter()
        .filter(|s| s.field("operation") == Some("\"PutItem\""))
        .collect();
    assert_eq!(puts.len(), 3, "one span per PutItem: {ours:#?}");
    let table = format!("{}books", env.prefix);
    assert!(puts.iter().all(|s| s.field("table") == Some(table.as_str())));
    let query = ours
        .iter()
        .find(|s| s.field("operation") == Some("\"Query\""))
        .expect("a Query span");
    assert_eq!(query.field("items"), Some("3"), "{query:?}");
    assert!(query.field("scanned").is_some());
    assert!(
        ours.iter()
            .any(|s| s.name == "dynamodb.count" && s.field("pages") == Some("1"))
    );
    if !env.external() {
        assert!(
            puts.iter().all(|s| s.field("consumed_capacity").is_some()),
            "consumed capacity is recorded when asked for: {puts:#?}"
        );
    }
    for span in &ours {
        for (name, value) in &span.fields {
            assert!(
                !value.contains("secret") && !value.contains("Traced"),
                "span `{}` field `{name}` shows an attribute value: {value}",
                span.name
            );
        }
    }
}
