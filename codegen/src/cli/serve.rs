//! `ddbgen serve`: the embedded DynamoDB-compatible server on the command line.

use std::future::Future;
use std::io::Write;

use ddbgen_runtime::local::{LocalDynamo, LocalOptions};

use super::{EXIT_OK, ServeArgs};

/// Serves until `stop` completes (`ddbgen serve` waits for Ctrl-C), after printing the endpoint,
/// where the tables live and the credentials to use.
pub fn serve(args: &ServeArgs, out: &mut dyn Write, stop: impl Future<Output = ()>) -> Result<u8, String> {
    let options = LocalOptions {
        port: args.port,
        data: args.data.clone(),
        clock: None,
    };
    let server = LocalDynamo::start_with(&options).map_err(|e| e.to_string())?;
    let endpoint = server.endpoint().to_owned();
    let kept = match &args.data {
        Some(path) => format!("tables kept in {}", path.display()),
        None => "tables in memory, gone when it stops".to_owned(),
    };
    let write = |out: &mut dyn Write, text: String| writeln!(out, "{text}").map_err(|e| e.to_string());
    write(out, format!("DynamoDB (embedded) at {endpoint}, {kept}"))?;
    write(
        out,
        "credentials: any; for example AWS_ACCESS_KEY_ID=ddbgen AWS_SECRET_ACCESS_KEY=ddbgen AWS_REGION=us-east-1"
            .to_owned(),
    )?;
    write(out, format!("try: ddbgen plan schemas/*.yaml --endpoint {endpoint}"))?;
    write(out, "Ctrl-C stops it.".to_owned())?;
    out.flush().map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(stop);
    drop(server);
    write(out, "stopped".to_owned())?;
    Ok(EXIT_OK)
}
