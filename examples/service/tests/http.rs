//! The service driven through a real HTTP client (hyper) on loopback, on the embedded server
//! (or the one `DDBGEN_TEST_ENDPOINT` names): paging, conflicts, bad bodies, tampered cursors,
//! patches and throttling.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request};
use ddbgen_runtime::aws_sdk_dynamodb::Client as DynamoClient;
use ddbgen_runtime::aws_sdk_dynamodb::config::retry::RetryConfig;
use ddbgen_runtime::local::{LocalDynamo, test_server};
use ddbgen_runtime::{CursorKey, Error, ErrorKind};
use futures_util::{StreamExt, TryStreamExt};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use library_service::{Library, router};
use library_tables::library::book::NewBook;
use library_tables::library::types::Author;
use serde_json::{Value, json};

/// The fault-injecting proxy of `ddbgen-tests`, shared: this test only throttles.
#[path = "../../../tests/proxy/mod.rs"]
#[allow(dead_code)]
mod proxy;

/// The service on a free loopback port, on its own tables.
struct Api {
    base: String,
    http: Client<HttpConnector, Full<Bytes>>,
    library: Library,
    prefix: String,
    upstream: String,
    _server: Option<LocalDynamo>,
}

/// One answer: status, headers and the body as JSON (`Null` when empty).
struct Answer {
    status: u16,
    headers: HeaderMap,
    text: String,
    json: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn prefix() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("svc{}-{}-", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

impl Api {
    async fn start() -> Api {
        let (client, server) = test_server().expect("a DynamoDB-compatible server");
        let upstream = match &server {
            Some(server) => server.endpoint().to_owned(),
            None => std::env::var("DDBGEN_TEST_ENDPOINT").expect("test_server read it"),
        };
        Api::serve(client, prefix(), upstream, server, true).await
    }

    /// The service on `client`, its tables' names starting with `prefix`.
    async fn serve(
        client: DynamoClient,
        prefix: String,
        upstream: String,
        server: Option<LocalDynamo>,
        create: bool,
    ) -> Api {
        let library = Library::new(client, &prefix, CursorKey::random());
        if create {
            // dynalite (CI's second server) has no UpdateTimeToLive: there, that one failure,
            // after the table itself was created, is accepted.
            match library.books.create_table().await.map_err(Error::into_kind) {
                Ok(()) => {}
                Err(ErrorKind::Sdk {
                    operation: "UpdateTimeToLive",
                    ..
                }) if server.is_none() => {}
                Err(e) => panic!("create the books table: {e}"),
            }
            library
                .customers
                .create_table()
                .await
                .expect("create the customers table");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let app = router(library.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Api {
            base,
            http: Client::builder(TokioExecutor::new()).build_http(),
            library,
            prefix,
            upstream,
            _server: server,
        }
    }

    async fn send(&self, method: Method, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Answer {
        let mut request = Request::builder().method(method).uri(format!("{}{path}", self.base));
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = Full::new(Bytes::from(body.unwrap_or_default().to_owned()));
        let response = self
            .http
            .request(request.body(body).expect("request"))
            .await
            .expect("an answer");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("the body").to_bytes();
        let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            json: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, &[], None).await
    }
}

fn book_body(publisher: &str, year: u16, isbn: &str) -> Value {
    json!({
        "publisher": publisher, "published_year": year, "isbn": isbn, "title": format!("Book {isbn}"),
        "authors": [{"name": "Jim Collins"}]
    })
}

#[tokio::test]
async fn paging_through_a_thousand_books_loses_and_repeats_none() {
    let api = Api::start().await;
    // Two publishers, so that the publisher's list is a real query among other items.
    let created: HashSet<String> = futures_util::stream::iter(0..1000u32)
        .map(|i| {
            let books = api.library.books.clone();
            async move {
                let new = NewBook {
                    publisher: if i.is_multiple_of(4) { "Other" } else { "Ace" }.into(),
                    published_year: 1950 + (i % 60) as u16,
                    isbn: format!("{i:07}"),
                    title: format!("Title {i}"),
                    authors: vec![Author {
                        name: "A".into(),
                        born: None,
                    }],
                    ..NewBook::default()
                };
                books.create(new).await.map(|book| book.isbn)
            }
        })
        .buffer_unordered(16)
        .try_collect()
        .await
        .expect("create 1,000 books");

    let ace = |i: &u32| !i.is_multiple_of(4);
    for (list, expected) in [
        ("/books?limit=37", created.len()),
        ("/books?publisher=Ace&limit=37", (0..1000).filter(ace).count()),
        (
            "/books?publisher=Ace&year=1951&limit=3",
            (0..1000).filter(|i| ace(i) && i % 60 == 1).count(),
        ),
    ] {
        let (mut seen, mut pages, mut next): (Vec<String>, usize, Option<String>) = (Vec::new(), 0, None);
        loop {
            let path = match &next {
                Some(cursor) => format!("{list}&cursor={cursor}"),
                None => list.to_owned(),
            };
            let page = api.get(&path).await;
            assert_eq!(page.status, 200, "{list}: {}", page.text);
            let items = page.json["items"].as_array().expect("items");
            assert!(items.len() <= 37, "a page holds at most `limit` items");
            seen.extend(items.iter().map(|b| b["isbn"].as_str().expect("isbn").to_owned()));
            pages += 1;
            match page.json["next"].as_str() {
                Some(cursor) => next = Some(cursor.to_owned()),
                None => break,
            }
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{list}: no book twice");
        assert_eq!(seen.len(), expected, "{list}: every book, in {pages} pages");
        assert!(unique.iter().all(|isbn| created.contains(*isbn)));
    }
}

#[tokio::test]
async fn versions_are_etags_and_a_stale_if_match_gets_412_with_the_current_book() {
    let api = Api::start().await;
    let body = book_body("Ace", 1965, "0441013597").to_string();
    let created = api.send(Method::POST, "/books", &[], Some(&body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.header("etag"), Some("\"1\""));
    let location = created.header("location").expect("location").to_owned();
    assert_eq!(location, "/books/Ace/1965/0441013597");

    let again = api.send(Method::POST, "/books", &[], Some(&body)).await;
    assert_eq!(again.status, 409, "a create never overwrites: {}", again.text);
    assert_eq!(again.header("content-type"), Some("application/problem+json"));
    assert_eq!(again.json["current"]["version"], 1);
    let put_new = api.send(Method::PUT, &location, &[], Some(&body)).await;
    assert_eq!(put_new.status, 409, "PUT without If-Match creates only");

    let patched = api
        .send(
            Method::PATCH,
            &location,
            &[("if-match", "\"1\"")],
            Some(r#"{"title": "Dune"}"#),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(
        (patched.header("etag"), &patched.json["title"]),
        (Some("\"2\""), &json!("Dune"))
    );

    // A writer still holding version 1 is refused, and told what is stored now.
    let stale = api
        .send(
            Method::PATCH,
            &location,
            &[("if-match", "\"1\"")],
            Some(r#"{"title": "Lost"}"#),
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.text);
    assert_eq!(stale.header("etag"), Some("\"2\""));
    assert_eq!(stale.json["current"]["title"], "Dune");
    let mut replacement = book_body("Ace", 1965, "0441013597");
    replacement["title"] = json!("Dune (replaced)");
    let stale_put = api
        .send(
            Method::PUT,
            &location,
            &[("if-match", "\"1\"")],
            Some(&replacement.to_string()),
        )
        .await;
    assert_eq!(
        (stale_put.status, stale_put.json["current"]["version"].clone()),
        (412, json!(2))
    );
    let put = api
        .send(
            Method::PUT,
            &location,
            &[("if-match", "\"2\"")],
            Some(&replacement.to_string()),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.text);
    assert_eq!(
        (put.header("etag"), &put.json["title"]),
        (Some("\"3\""), &json!("Dune (replaced)"))
    );
    assert_eq!(
        put.json["created"], created.json["created"],
        "a replace keeps `created`"
    );

    let stale_delete = api
        .send(Method::DELETE, &location, &[("if-match", "\"2\"")], None)
        .await;
    assert_eq!(
        (stale_delete.status, stale_delete.json["current"]["version"].clone()),
        (412, json!(3))
    );
    let deleted = api
        .send(Method::DELETE, &location, &[("if-match", "\"3\"")], None)
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    assert_eq!(api.get(&location).await.status, 404);
    let gone = api.send(Method::PATCH, &location, &[], Some(r#"{"title": "x"}"#)).await;
    assert_eq!(gone.status, 404, "a patch never creates");
}

#[tokio::test]
async fn bad_bodies_are_problems_naming_every_failing_field() {
    let api = Api::start().await;
    let mut unknown = book_body("Ace", 1965, "0000001");
    unknown["colour"] = json!("red");
    let answer = api.send(Method::POST, "/books", &[], Some(&unknown.to_string())).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.json["type"], "/problems/invalid-body");
    assert!(answer.text.contains("unknown field `colour`"), "{}", answer.text);

    let mut managed = book_body("Ace", 1965, "0000001");
    managed["version"] = json!(9);
    assert_eq!(
        api.send(Method::POST, "/books", &[], Some(&managed.to_string()))
            .await
            .status,
        422
    );

    let broken = api.send(Method::POST, "/books", &[], Some(r#"{"publisher": "#)).await;
    assert_eq!(
        (broken.status, broken.json["type"].clone()),
        (400, json!("/problems/malformed-body"))
    );

    let invalid = json!({
        "publisher": "", "published_year": 1200, "isbn": "not an isbn", "title": "",
        "authors": [{"name": "ok"}, {"name": ""}]
    });
    let answer = api.send(Method::POST, "/books", &[], Some(&invalid.to_string())).await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(answer.header("content-type"), Some("application/problem+json"));
    let fields: Vec<&str> = answer.json["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(
        fields,
        ["publisher", "published_year", "isbn", "title", "authors[1].name"]
    );

    // A patch: `null` for a required field and a broken rule, both reported; nothing written.
    let created = api
        .send(
            Method::POST,
            "/books",
            &[],
            Some(&book_body("Ace", 1965, "0000002").to_string()),
        )
        .await;
    let location = created.header("location").expect("location").to_owned();
    let answer = api
        .send(Method::PATCH, &location, &[], Some(r#"{"title": null, "price": "-1"}"#))
        .await;
    assert_eq!(answer.status, 422, "{}", answer.text);
    assert_eq!(
        answer.json["errors"].as_array().map(Vec::len),
        Some(2),
        "{}",
        answer.text
    );
    let key_change = api
        .send(Method::PATCH, &location, &[], Some(r#"{"isbn": "0000003"}"#))
        .await;
    assert_eq!(
        key_change.status, 422,
        "a key is not a patchable field: {}",
        key_change.text
    );
    let moved = book_body("Ace", 1965, "0000003").to_string();
    let answer = api
        .send(Method::PUT, &location, &[("if-match", "\"1\"")], Some(&moved))
        .await;
    assert_eq!(
        (answer.status, answer.json["errors"][0]["field"].clone()),
        (422, json!("isbn"))
    );
    assert_eq!(
        api.get(&location).await.header("etag"),
        Some("\"1\""),
        "nothing was written"
    );

    let answer = api
        .send(
            Method::PATCH,
            &location,
            &[],
            Some(r#"{"subtitle": "Two", "price": "9.5"}"#),
        )
        .await;
    assert_eq!((answer.status, answer.json["subtitle"].clone()), (200, json!("Two")));
    let answer = api
        .send(Method::PATCH, &location, &[], Some(r#"{"subtitle": null}"#))
        .await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        (answer.json.get("subtitle"), answer.json["price"].clone()),
        (Some(&Value::Null), json!("9.5"))
    );
}

#[tokio::test]
async fn a_tampered_cursor_is_a_400_that_never_echoes_it() {
    let api = Api::start().await;
    for i in 0..5 {
        let body = book_body("Ace", 1990, &format!("{i:07}")).to_string();
        assert_eq!(api.send(Method::POST, "/books", &[], Some(&body)).await.status, 201);
    }
    let first = api.get("/books?publisher=Ace&limit=2").await;
    let cursor = first.json["next"].as_str().expect("a next page").to_owned();
    let mut tampered = cursor.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("base64url");
    for (list, cursor) in [
        ("/books?publisher=Ace&limit=2", tampered.as_str()),
        ("/books?publisher=Other&limit=2", cursor.as_str()),
        ("/books?limit=2", cursor.as_str()),
    ] {
        let answer = api.get(&format!("{list}&cursor={cursor}")).await;
        assert_eq!(answer.status, 400, "{list}: {}", answer.text);
        assert_eq!(answer.json["type"], "/problems/bad-request");
        assert!(
            !answer.text.contains(cursor),
            "the cursor is never echoed: {}",
            answer.text
        );
    }
    let bad_limit = api.get("/books?limit=1000").await;
    assert_eq!(bad_limit.status, 400);
    let ok = api.get(&format!("/books?publisher=Ace&limit=2&cursor={cursor}")).await;
    assert_eq!(ok.json["items"].as_array().map(Vec::len), Some(2), "{}", ok.text);
}

#[tokio::test]
async fn customers_are_created_read_patched_and_deleted() {
    let api = Api::start().await;
    let body = r#"{"email": "ann@example.com", "name": "Ann", "member_since": "2020-01-02"}"#;
    let created = api.send(Method::POST, "/customers", &[], Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        (created.json["tier"].clone(), created.json["balance"].clone()),
        (json!("standard"), json!("0.00"))
    );
    let location = created.header("location").expect("location").to_owned();
    let patched = api
        .send(Method::PATCH, &location, &[], Some(r#"{"tier": "gold"}"#))
        .await;
    assert_eq!((patched.status, patched.json["tier"].clone()), (200, json!("gold")));
    assert_eq!(api.get(&location).await.json["tier"], "gold");
    assert_eq!(api.send(Method::DELETE, &location, &[], None).await.status, 204);
    assert_eq!(api.get(&location).await.status, 404);
    assert_eq!(api.get("/customers/not-a-uuid").await.status, 404);
}

#[tokio::test]
async fn throttling_that_outlasts_the_retries_is_a_503_with_retry_after() {
    let healthy = Api::start().await;
    let created = healthy
        .send(
            Method::POST,
            "/books",
            &[],
            Some(&book_body("Ace", 1965, "0000001").to_string()),
        )
        .await;
    let location = created.header("location").expect("location").to_owned();
    // The same tables, through a proxy that throttles every read: the SDK retries three
    // times (quickly here), then the service answers 503.
    let proxy = proxy::Proxy::start(&healthy.upstream, |operation, _| match operation {
        "GetItem" => proxy::Fault::Reject("ThrottlingException"),
        _ => proxy::Fault::Pass,
    })
    .await;
    let config = healthy
        .library
        .books
        .table()
        .client()
        .config()
        .to_builder()
        .endpoint_url(&proxy.endpoint)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(2))
                .with_max_backoff(Duration::from_millis(20)),
        )
        .build();
    let throttled = Api::serve(
        DynamoClient::from_conf(config),
        healthy.prefix.clone(),
        proxy.endpoint.clone(),
        None,
        false,
    )
    .await;
    let answer = throttled.get(&location).await;
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert_eq!(answer.header("retry-after"), Some("1"));
    assert_eq!(answer.json["type"], "/problems/throttled");
    assert_eq!(proxy.count("GetItem"), 3, "the SDK's three attempts, then the answer");
    assert_eq!(healthy.get(&location).await.status, 200, "the table itself is fine");
}
