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
}

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
/// let options = LocalOptions { port: 8000, data: Some("dev.db".into()) };
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
        let database = match &options.data {
            None => dynoxide::Database::memory(),
            Some(path) => {
                let path = path
                    .to_str()
                    .ok_or_else(|| StartError(format!("the data file {} is not a UTF-8 path", path.display())))?;
                dynoxide::Database::new(path)
            }
        }
        .map_err(|e| StartError(e.to_string()))?;
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
                    let _ = dynoxide::server::serve_with_shutdown(listener, database, async {
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
        })
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
