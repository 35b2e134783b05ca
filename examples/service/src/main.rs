//! `library-service`: the library API on `127.0.0.1:3000`, on an embedded DynamoDB-compatible
//! server by default or on a real one with `--endpoint`.

use std::process::ExitCode;

use clap::Parser;
use ddbgen_runtime::CursorKey;
use library_service::{Library, router};
use library_tables::local::LocalDynamo;

/// The library API (schemas/library.yaml) over HTTP.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:3000")]
    listen: String,
    /// A DynamoDB endpoint (`https://dynamodb.eu-west-1.amazonaws.com`, or a local server);
    /// credentials and region come from the environment. Without it, an embedded server
    /// keeps the tables in memory.
    #[arg(long)]
    endpoint: Option<String>,
    /// Creates the tables first (always done on the embedded server).
    #[arg(long)]
    create_tables: bool,
    /// A prefix for the tables' names (`dev-` makes `dev-books`).
    #[arg(long, default_value = "")]
    table_prefix: String,
}

/// The secret list cursors are sealed with: `LIBRARY_CURSOR_SECRET` (at least 32 bytes; keep it
/// the same across restarts and instances), or a random one that lives as long as the process.
fn cursor_key() -> Result<CursorKey, String> {
    match std::env::var("LIBRARY_CURSOR_SECRET") {
        Ok(secret) => CursorKey::new(secret).map_err(|e| format!("LIBRARY_CURSOR_SECRET: {e}")),
        Err(_) => Ok(CursorKey::random()),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("library-service: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    // The embedded server lives as long as `_server`.
    let (client, _server, create) = match &args.endpoint {
        Some(endpoint) => (ddbgen_runtime::client_for(endpoint), None, args.create_tables),
        None => {
            let server = LocalDynamo::start().map_err(|e| e.to_string())?;
            (server.client(), Some(server), true)
        }
    };
    let library = Library::new(client, &args.table_prefix, cursor_key()?);
    if create {
        library
            .create_tables()
            .await
            .map_err(|e| format!("creating the tables: {e}"))?;
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    eprintln!(
        "library-service: listening on http://{} (tables on {})",
        args.listen,
        args.endpoint.as_deref().unwrap_or("an embedded server, in memory")
    );
    axum::serve(listener, router(library))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
}
