//! An embedded DynamoDB-compatible server for tests and demos: nothing to install, no Docker,
//! no JVM. [`LocalDynamo::start`] serves `dynoxide` (SQLite in memory) on `127.0.0.1` in a
//! thread of its own, so it outlives any one `#[tokio::test]` runtime, and stops when dropped.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let server = ddbgen_runtime::local::LocalDynamo::start()?;
//! let client = server.client();
//! # Ok(()) }
//! ```

use std::fmt;
use std::thread::JoinHandle;

use aws_sdk_dynamodb::Client;

/// The environment variable that points tests at another server (dynalite, or real AWS).
pub const TEST_ENDPOINT_VAR: &str = "DDBGEN_TEST_ENDPOINT";

/// A running embedded server. Dropping it stops the server.
///
/// ```
/// use ddbgen_runtime::local::LocalDynamo;
///
/// let server = LocalDynamo::start().expect("starts in a few milliseconds");
/// let client = server.client(); // static test credentials, pointed at 127.0.0.1
/// assert!(server.endpoint().starts_with("http://127.0.0.1:"));
/// # drop(client);
/// ```
pub struct LocalDynamo {
    endpoint: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    /// The database the server serves, for what the wire protocol cannot ask (a TTL sweep).
    database: dynoxide::Database,
    /// The clock TTL reads, when the server was started with one.
    clock: Option<LocalClock>,
}

/// The time an embedded server's TTL reads, set by the test that started it
/// ([`LocalOptions::clock`]): items whose TTL attribute is before it are due, and
/// [`LocalDynamo::expire_now`] deletes them.
#[derive(Debug, Clone)]
pub struct LocalClock(dynoxide::storage_backend::ManualClock);

impl LocalClock {
    /// Sets the time (whole seconds are what TTL compares).
    pub fn set(&self, now: chrono::DateTime<chrono::Utc>) {
        self.0.set(u64::try_from(now.timestamp()).unwrap_or_default());
    }

    /// Moves the time on by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        self.0.tick(by);
    }
}

/// The embedded server could not expire what is due.
#[derive(Debug)]
pub struct ExpireError(String);

impl fmt::Display for ExpireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the embedded DynamoDB server could not expire items: {}", self.0)
    }
}

impl std::error::Error for ExpireError {}

/// The server could not start.
///
/// ```
/// use ddbgen_runtime::local::LocalDynamo;
///
/// match LocalDynamo::start() {
///     Ok(server) => println!("serving on {}", server.endpoint()),
///     Err(error) => eprintln!("{error}"),
/// }
/// ```
#[derive(Debug)]
pub struct StartError(String);

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot start the embedded DynamoDB server: {}", self.0)
    }
}

impl std::error::Error for StartError {}

/// Where [`LocalDynamo::start_with`] serves, and what it keeps.
///
/// ```no_run
/// use ddbgen_runtime::local::{LocalDynamo, LocalOptions};
///
/// // Port 8000, tables kept in a file across restarts (`ddbgen serve --port 8000 --data dev.db`).
/// let options = LocalOptions { port: 8000, data: Some("dev.db".into()), clock: None };
/// let server = LocalDynamo::start_with(&options).expect("port 8000 is free");
/// assert_eq!(server.endpoint(), "http://127.0.0.1:8000");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalOptions {
    /// The port on `127.0.0.1`; 0 (the default) takes a free one.
    pub port: u16,
    /// A SQLite file that keeps the tables across restarts (created when missing); `None`
    /// (the default) keeps them in memory, gone when the server stops.
    pub data: Option<std::path::PathBuf>,
    /// A clock for TTL that the test sets ([`LocalDynamo::clock`]), starting at this time; in
    /// memory only. `None` (the default): the system clock.
    pub clock: Option<chrono::DateTime<chrono::Utc>>,
}

impl LocalDynamo {
    /// Starts a server with an empty in-memory database on a free port of `127.0.0.1`.
    pub fn start() -> Result<Self, StartError> {
        Self::start_with(&LocalOptions::default())
    }

    /// Starts a server as `options` say: on a fixed port, or keeping its tables in a file.
    pub fn start_with(options: &LocalOptions) -> Result<Self, StartError> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", options.port))
            .map_err(|e| StartError(format!("cannot listen on 127.0.0.1:{}: {e}", options.port)))?;
        listener.set_nonblocking(true).map_err(|e| StartError(e.to_string()))?;
        let endpoint = format!(
            "http://{}",
            listener.local_addr().map_err(|e| StartError(e.to_string()))?
        );
        let clock = options.clock.map(|now| {
            let clock = LocalClock(dynoxide::storage_backend::ManualClock::new(0));
            clock.set(now);
            clock
        });
        let database = match (&options.data, &clock) {
            (None, None) => dynoxide::Database::memory(),
            (None, Some(clock)) => dynoxide::Database::memory_with_clock(clock.0.arc()),
            (Some(_), Some(_)) => {
                return Err(StartError(
                    "a clock of its own needs an in-memory server: leave `data` out".to_owned(),
                ));
            }
            (Some(path), None) => {
                let path = path
                    .to_str()
                    .ok_or_else(|| StartError(format!("the data file {} is not a UTF-8 path", path.display())))?;
                dynoxide::Database::new(path)
            }
        }
        .map_err(|e| StartError(e.to_string()))?;
        let served = database.clone();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| StartError(e.to_string()))?;
        let thread = std::thread::Builder::new()
            .name("ddbgen-local-dynamo".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    // `from_std` needs the runtime, so the listener is converted here.
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let _ = dynoxide::server::serve_with_shutdown(listener, served, async {
                        let _ = stop.await;
                    })
                    .await;
                });
            })
            .map_err(|e| StartError(e.to_string()))?;
        Ok(Self {
            endpoint,
            shutdown: Some(shutdown),
            thread: Some(thread),
            database,
            clock,
        })
    }

    /// The clock TTL reads, when the server was started with one ([`LocalOptions::clock`]).
    pub fn clock(&self) -> Option<&LocalClock> {
        self.clock.as_ref()
    }

    /// Deletes now every item whose TTL time is past (by the server's clock), as DynamoDB's
    /// TTL does some time after it: each deletion is on the table's stream as a `REMOVE` by
    /// the service principal ([`crate::Change::Expire`]). Returns how many were deleted.
    ///
    /// ```
    /// use ddbgen_runtime::local::{LocalDynamo, LocalOptions};
    ///
    /// let start = ddbgen_runtime::codegen::DateTime::from_timestamp(1_700_000_000, 0).expect("time");
    /// let server = LocalDynamo::start_with(&LocalOptions { clock: Some(start), ..LocalOptions::default() }).unwrap();
    /// server.clock().expect("started with one").advance(std::time::Duration::from_secs(3600));
    /// assert_eq!(server.expire_now().unwrap(), 0, "no table holds anything yet");
    /// ```
    pub fn expire_now(&self) -> Result<usize, ExpireError> {
        self.database.sweep_ttl().map_err(|e| ExpireError(e.to_string()))
    }

    /// The server's URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// An SDK client for this server.
    pub fn client(&self) -> Client {
        client_for(&self.endpoint)
    }
}

impl Drop for LocalDynamo {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for LocalDynamo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalDynamo").field("endpoint", &self.endpoint).finish()
    }
}

pub use crate::client::client_for;

/// A server for one test: the one named by [`TEST_ENDPOINT_VAR`] when set, an embedded one
/// otherwise. Keep the returned guard alive as long as the client is used.
pub fn test_server() -> Result<(Client, Option<LocalDynamo>), StartError> {
    match std::env::var(TEST_ENDPOINT_VAR).ok().filter(|v| !v.is_empty()) {
        Some(endpoint) => Ok((client_for(&endpoint), None)),
        None => {
            let server = LocalDynamo::start()?;
            Ok((server.client(), Some(server)))
        }
    }
}
