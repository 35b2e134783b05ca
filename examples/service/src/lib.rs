//! An HTTP API for the library schema (`schemas/library.yaml`), built on the committed
//! generated crate `library-tables` and axum.
//!
//! - `POST /books` creates a book from a [`NewBook`] body; `PUT /books/{publisher}/{year}/{isbn}`
//!   creates it there, or replaces it when `If-Match` names its version.
//! - `GET`, `PATCH` (a [`BookPatch`]: JSON Merge Patch) and `DELETE` on the same path read,
//!   update and delete it. The version is the `ETag`; `If-Match` is checked by DynamoDB in the
//!   same write, and a stale one gets `412` with the current item.
//! - `GET /books?publisher=…&year=…&limit=…&cursor=…` lists a page: a publisher's books (of one
//!   year), or every book. `next` is a sealed cursor: opaque, tamper-evident, bound to its query.
//! - `/customers` and `/customers/{id}` do the same for customers (no version, so no `ETag`).
//!
//! Bodies are read into the generated types only, so an unknown field is refused; every error
//! is an RFC 9457 problem (`application/problem+json`), mapped in [`problem`].

pub mod problem;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ddbgen_runtime::aws_sdk_dynamodb::Client;
use ddbgen_runtime::{Cursor, CursorKey, Error, Page, QueryBuilder, Record};
use library_tables::library::book::{Book, BookFields, BookKey, BookPatch, BookRepository, NewBook};
use library_tables::library::customer::{Customer, CustomerKey, CustomerPatch, CustomerRepository, NewCustomer};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;

use problem::{FieldProblem, Problem};

/// The most items one list page returns; `?limit=` may ask for fewer.
pub const MAX_PAGE: usize = 100;
/// Items per list page when `?limit=` is not given.
pub const DEFAULT_PAGE: usize = 25;

/// The service's state: one repository per table, sharing one SDK client and one cursor key.
#[derive(Clone, Debug)]
pub struct Library {
    /// The `books` table.
    pub books: BookRepository,
    /// The `customers` table.
    pub customers: CustomerRepository,
}

impl Library {
    /// Repositories on `client` whose tables' names start with `prefix` (`""` for none), sealing
    /// list cursors with `cursor_key`: keep it stable across restarts and instances, or cursors
    /// handed out before stop working (they are refused, never misread).
    pub fn new(client: Client, prefix: &str, cursor_key: CursorKey) -> Self {
        Library {
            books: BookRepository::new(client.clone())
                .with_table_prefix(prefix)
                .with_cursor_key(cursor_key.clone()),
            customers: CustomerRepository::new(client)
                .with_table_prefix(prefix)
                .with_cursor_key(cursor_key),
        }
    }

    /// Creates both tables (for the embedded server, or a fresh account).
    pub async fn create_tables(&self) -> Result<(), Error> {
        self.books.create_table().await?;
        self.customers.create_table().await
    }
}

/// The API's routes on `library`.
pub fn router(library: Library) -> Router {
    Router::new()
        .route("/books", get(list_books).post(create_book))
        .route(
            "/books/{publisher}/{year}/{isbn}",
            get(get_book).put(put_book).patch(patch_book).delete(delete_book),
        )
        .route("/customers", axum::routing::post(create_customer))
        .route(
            "/customers/{id}",
            get(get_customer).patch(patch_customer).delete(delete_customer),
        )
        .with_state(library)
}

type Reply = Result<Response, Problem>;

/// The query string of a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only this publisher's books.
    pub publisher: Option<String>,
    /// Only this year's books (with `publisher`).
    pub year: Option<u16>,
    /// At most this many items (1 to [`MAX_PAGE`]).
    pub limit: Option<usize>,
    /// Where the previous page stopped.
    pub cursor: Option<Cursor>,
}

async fn list_books(State(library): State<Library>, params: Result<Query<ListParams>, QueryRejection>) -> Reply {
    let Query(params) = params.map_err(|rejection| Problem::bad_request(rejection.body_text()))?;
    let limit = match params.limit.unwrap_or(DEFAULT_PAGE) {
        n @ 1..=MAX_PAGE => n,
        _ => return Err(Problem::bad_request(format!("limit must be from 1 to {MAX_PAGE}"))),
    };
    let query = match (&params.publisher, params.year) {
        (Some(publisher), Some(year)) => library.books.query(publisher).published_year(year).limit(limit),
        (Some(publisher), None) => library.books.query(publisher).limit(limit),
        (None, None) => {
            let Page { items, next, .. } = library
                .books
                .scan()
                .limit(limit)
                .page(params.cursor.as_ref())
                .await
                .map_err(Problem::of::<Book>)?;
            return Ok(list(items, next));
        }
        (None, Some(_)) => return Err(Problem::bad_request("year needs publisher".to_owned())),
    };
    let Page { items, next, .. } = query.page(params.cursor.as_ref()).await.map_err(Problem::of::<Book>)?;
    Ok(list(items, next))
}

/// A list page: `{"items": [...], "next": "…" | null}`.
fn list(items: Vec<Book>, next: Option<Cursor>) -> Response {
    axum::Json(serde_json::json!({ "items": items, "next": next })).into_response()
}

async fn create_book(State(library): State<Library>, headers: HeaderMap, body: Bytes) -> Reply {
    let new: NewBook = problem::json_body(&headers, &body)?;
    let book = library.books.create(new).await.map_err(Problem::of::<Book>)?;
    Ok(book_reply(StatusCode::CREATED, &book))
}

async fn get_book(State(library): State<Library>, Path(path): Path<(String, String, String)>) -> Reply {
    let key = book_key(path)?;
    match library.books.get(&key).await.map_err(Problem::of::<Book>)? {
        Some(book) => Ok(book_reply(StatusCode::OK, &book)),
        None => Err(Problem::not_found()),
    }
}

/// `PUT`: without `If-Match`, creates the book at this path (`409` when it exists: a put
/// never overwrites unless asked); with `If-Match`, replaces it at that version.
async fn put_book(
    State(library): State<Library>,
    Path(path): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let key = book_key(path)?;
    let new: NewBook = problem::json_body(&headers, &body)?;
    let moved: Vec<FieldProblem> = [
        ("publisher", new.publisher == key.publisher),
        ("published_year", new.published_year == key.published_year),
        ("isbn", new.isbn == key.isbn),
    ]
    .into_iter()
    .filter(|(_, same)| !same)
    .map(|(field, _)| FieldProblem::new(field, "must match the URL: a key never changes"))
    .collect();
    if !moved.is_empty() {
        return Err(Problem::invalid(moved));
    }
    let expected = match problem::if_match(&headers)? {
        None => {
            let book = library.books.create(new).await.map_err(Problem::of::<Book>)?;
            return Ok(book_reply(StatusCode::CREATED, &book));
        }
        Some(expected) => expected,
    };
    let current = library
        .books
        .get(&key)
        .await
        .map_err(Problem::of::<Book>)?
        .ok_or_else(|| Problem::precondition_failed(None))?;
    let mut book = Book::from_new(new, current.updated);
    book.created = current.created;
    book.version = expected.unwrap_or(current.version);
    let stored = library.books.replace(&book).await.map_err(Problem::of::<Book>)?;
    Ok(book_reply(StatusCode::OK, &stored))
}

async fn patch_book(
    State(library): State<Library>,
    Path(path): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let key = book_key(path)?;
    let patch: BookPatch = problem::json_body(&headers, &body)?;
    let mut update = library.books.update(&key).apply(patch);
    if let Some(Some(version)) = problem::if_match(&headers)? {
        update = update.expect_version(version);
    }
    let book = update.send().await.map_err(Problem::of::<Book>)?;
    Ok(book_reply(StatusCode::OK, &book))
}

async fn delete_book(
    State(library): State<Library>,
    Path(path): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Reply {
    let key = book_key(path)?;
    match problem::if_match(&headers)? {
        Some(Some(version)) => {
            library
                .books
                .delete_if(&key, BookFields::version().eq(version))
                .await
                .map_err(Problem::of::<Book>)?;
        }
        Some(None) | None => {
            library
                .books
                .delete(&key)
                .await
                .map_err(Problem::of::<Book>)?
                .ok_or_else(Problem::not_found)?;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The key a book path names; a year that is not a year names no book.
fn book_key((publisher, year, isbn): (String, String, String)) -> Result<BookKey, Problem> {
    let published_year = year.parse().map_err(|_| Problem::not_found())?;
    Ok(BookKey {
        publisher,
        published_year,
        isbn,
    })
}

/// The book as JSON, its version as the `ETag`, and where it lives.
fn book_reply(status: StatusCode, book: &Book) -> Response {
    let segment = |text: &str| utf8_percent_encode(text, NON_ALPHANUMERIC).to_string();
    let location = format!(
        "/books/{}/{}/{}",
        segment(&book.publisher),
        book.published_year,
        segment(&book.isbn)
    );
    let mut response = (status, axum::Json(book)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::ETAG, problem::etag(book.version));
    if let Ok(location) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, location);
    }
    response
}

async fn create_customer(State(library): State<Library>, headers: HeaderMap, body: Bytes) -> Reply {
    let new: NewCustomer = problem::json_body(&headers, &body)?;
    let customer = library.customers.create(new).await.map_err(Problem::of::<Customer>)?;
    Ok(customer_reply(StatusCode::CREATED, &customer))
}

async fn get_customer(State(library): State<Library>, Path(id): Path<String>) -> Reply {
    match library
        .customers
        .get(&customer_key(&id)?)
        .await
        .map_err(Problem::of::<Customer>)?
    {
        Some(customer) => Ok(customer_reply(StatusCode::OK, &customer)),
        None => Err(Problem::not_found()),
    }
}

async fn patch_customer(
    State(library): State<Library>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let key = customer_key(&id)?;
    let patch: CustomerPatch = problem::json_body(&headers, &body)?;
    let customer = library
        .customers
        .update(&key)
        .apply(patch)
        .send()
        .await
        .map_err(Problem::of::<Customer>)?;
    Ok(customer_reply(StatusCode::OK, &customer))
}

async fn delete_customer(State(library): State<Library>, Path(id): Path<String>) -> Reply {
    let key = customer_key(&id)?;
    library
        .customers
        .delete(&key)
        .await
        .map_err(Problem::of::<Customer>)?
        .ok_or_else(Problem::not_found)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The key a customer path names; an id that is not a UUID names no customer.
fn customer_key(id: &str) -> Result<CustomerKey, Problem> {
    Ok(CustomerKey {
        id: id.parse().map_err(|_| Problem::not_found())?,
    })
}

fn customer_reply(status: StatusCode, customer: &Customer) -> Response {
    let mut response = (status, axum::Json(customer)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/customers/{}", customer.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}
