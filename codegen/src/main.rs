//! The `ddbgen` command.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ddbgen::cli::Cli::parse();
    ddbgen::cli::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock())
}
