//! The `ddbgen` command.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = ddbgen::cli::Cli::parse();
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    ddbgen::cli::run_coloured(
        cli,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
        colour,
    )
}
