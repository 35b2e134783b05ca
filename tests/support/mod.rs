//! What the integration tests share: a server per test (or the one named by
//! `DDBGEN_TEST_ENDPOINT`), a frozen clock, table names no other test uses, the example's book
//! repository, and the command line run in-process. Each test binary uses part of it.
#![allow(dead_code)]

use ddbgen_runtime::codegen::NaiveDate;
use ddbgen_runtime::codegen::{DateTime, Utc, Uuid};
use ddbgen_runtime::local::{LocalDynamo, test_server};
use ddbgen_runtime::{Error, ErrorKind, FixedClock};
use ddbgen_tests::library::book::{BookRepository, NewBook};
use ddbgen_tests::library::customer::{CustomerRepository, NewCustomer};
use ddbgen_tests::library::types::Author;

/// A whole-second UTC time.
pub fn time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("valid time")
}

/// A server (kept alive by the guard), a frozen clock, and a prefix no other test uses.
pub struct Env {
    pub client: ddbgen_runtime::aws_sdk_dynamodb::Client,
    pub clock: FixedClock,
    pub prefix: String,
    server: Option<LocalDynamo>,
}

impl Env {
    pub fn new() -> Self {
        let (client, server) = test_server().expect("a DynamoDB-compatible server");
        let prefix = format!("t{}-", &Uuid::new_v4().simple().to_string()[..12]);
        Env {
            client,
            clock: FixedClock::new(time(1_700_000_000)),
            prefix,
            server,
        }
    }

    /// An environment on `server`, an embedded server the test started itself (with a clock of
    /// its own, say).
    pub fn on(server: LocalDynamo) -> Self {
        Env {
            client: server.client(),
            clock: FixedClock::new(time(1_700_000_000)),
            prefix: format!("t{}-", &Uuid::new_v4().simple().to_string()[..12]),
            server: Some(server),
        }
    }

    /// The embedded server (`None` with DDBGEN_TEST_ENDPOINT).
    pub fn server(&self) -> Option<&LocalDynamo> {
        self.server.as_ref()
    }

    /// The embedded server's endpoint (`None` with DDBGEN_TEST_ENDPOINT).
    pub fn endpoint(&self) -> Option<&str> {
        self.server.as_ref().map(LocalDynamo::endpoint)
    }

    /// Stores `item` in `table` as it is, past every check of ddbgen (corrupt items, say).
    pub async fn put_raw(
        &self,
        table: &str,
        item: ddbgen_runtime::AttributeMap,
    ) -> Result<(), ddbgen_runtime::aws_sdk_dynamodb::Error> {
        let put = self.client.put_item().table_name(table).set_item(Some(item));
        put.send().await.map(drop).map_err(Into::into)
    }

    /// Whether the tests run against a server named by DDBGEN_TEST_ENDPOINT.
    pub fn external(&self) -> bool {
        self.server.is_none()
    }

    /// Checks the result of `create_table`. dynalite has no UpdateTimeToLive: there, that one
    /// failure (after the table itself was created) is accepted.
    pub fn table_created(&self, result: Result<(), Error>) {
        match result.map_err(Error::into_kind) {
            Ok(()) => {}
            Err(ErrorKind::Sdk {
                operation: "UpdateTimeToLive",
                ..
            }) if self.external() => {}
            Err(e) => panic!("create table: {e}"),
        }
    }
}

/// The example's book repository on this test's own table, created.
pub async fn books(env: &Env) -> BookRepository {
    let repo = BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    env.table_created(repo.create_table().await);
    repo
}

/// The example's customer repository on this test's own table, created.
pub async fn customers(env: &Env) -> CustomerRepository {
    let repo = CustomerRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    repo.create_table().await.expect("create customers");
    repo
}

/// A valid new customer with this email.
pub fn new_customer(email: &str) -> NewCustomer {
    NewCustomer {
        email: email.into(),
        name: "Ada".into(),
        member_since: NaiveDate::from_ymd_opt(2020, 5, 1).expect("date"),
        ..NewCustomer::default()
    }
}

/// Whether the server has transactions; dynalite has none, and the test says so.
pub fn transactions_supported(env: &Env, test: &str) -> bool {
    if env.external() && std::env::var("DDBGEN_TEST_NO_TRANSACTIONS").is_ok() {
        println!("SKIPPED {test}: the server under test has no transactions (DDBGEN_TEST_NO_TRANSACTIONS)");
        return false;
    }
    true
}

/// A book of the bulk schema (no version) with every field set; tests change what they need.
pub fn bulk_book() -> ddbgen_tests::bulk::book::Book {
    ddbgen_tests::bulk::book::Book {
        publisher: "B".into(),
        published_year: 2000,
        isbn: "0000000".into(),
        title: "Batch".into(),
        subtitle: None,
        price: None,
        status: ddbgen_tests::bulk::types::BookStatus::Draft,
        authors: Vec::new(),
        copies_sold: 0,
        created: time(1_600_000_000),
        updated: time(1_600_000_000),
    }
}

/// The books without a version (`tests/fixtures/good/bulk.yaml`), which `batch_put` writes, on
/// this test's own table, created.
pub async fn bulk_books(env: &Env) -> ddbgen_tests::bulk::book::BookRepository {
    let repo = ddbgen_tests::bulk::book::BookRepository::new(env.client.clone())
        .with_table_prefix(&env.prefix)
        .with_clock(env.clock.clone());
    env.table_created(repo.create_table().await);
    repo
}

/// A valid new book with one author.
pub fn new_book(publisher: &str, year: u16, isbn: &str) -> NewBook {
    NewBook {
        publisher: publisher.into(),
        published_year: year,
        isbn: isbn.into(),
        title: format!("Book {isbn}"),
        authors: vec![Author {
            name: "Jim Collins".into(),
            born: NaiveDate::from_ymd_opt(1958, 1, 25),
        }],
        ..NewBook::default()
    }
}

/// Runs the `ddbgen` command line in-process: its exit code, standard output and standard
/// error (both UTF-8).
pub fn run_cli(args: &[&str]) -> (std::process::ExitCode, String, String) {
    use clap::Parser;
    let cli =
        ddbgen::cli::Cli::try_parse_from(std::iter::once("ddbgen").chain(args.iter().copied())).expect("arguments");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = ddbgen::cli::run(cli, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("utf-8"),
        String::from_utf8(err).expect("utf-8"),
    )
}
