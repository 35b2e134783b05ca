//! The `ddbgen` command line, as a library type: `main` only parses and calls [`run`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[cfg(feature = "live")]
mod live;
#[cfg(feature = "live")]
mod serve;

#[cfg(feature = "live")]
use live::live;
#[cfg(feature = "live")]
pub use serve::serve;

use crate::{CrateSettings, Output, SchemaSource};

/// What `ddbgen --version` prints after the name: the generator's version and the runtime API
/// its code needs (`ddbgen-runtime` with `RUNTIME_API_V9`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (generates code for ddbgen-runtime ",
    env!("CARGO_PKG_VERSION"),
    ", runtime API v9)"
);

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: `check` found stale output.
pub const EXIT_STALE: u8 = 1;
/// Exit code: a schema or usage error.
pub const EXIT_ERROR: u8 = 2;
/// Exit code: `diff` found a breaking change.
pub const EXIT_BREAKING: u8 = 1;

/// ddbgen: typed Rust for Amazon DynamoDB, generated from YAML table definitions.
#[derive(Debug, Parser)]
#[command(name = "ddbgen", version = VERSION, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a project in an empty folder: Cargo.toml, an example schema, build.rs, src/lib.rs
    /// and a test on the embedded server that passes on the first `cargo test`.
    Init {
        /// The folder (created when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The package name; the folder's name by default.
        #[arg(long)]
        name: Option<String>,
        /// A clone of the ddbgen repository to depend on by path (default: the clone this
        /// ddbgen was built from, when it is still there; else the published crates).
        #[arg(long)]
        ddbgen_path: Option<PathBuf>,
    },
    /// Generate Rust modules (or, with --crate, a whole crate) from schema files.
    Generate(GenerateArgs),
    /// Exit 1 with a diff when the files in --out differ from what the schemas generate.
    Check(GenerateArgs),
    /// Check schema files and report every error with file:line:column.
    Validate {
        /// Schema files.
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
        /// `text` (the source line and a caret, on stderr) or `json` (an array of diagnostics
        /// `[{file, line, column, end_column, message, help, related}]` on stdout, `[]` when
        /// there are none, for editors and CI annotations).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the JSON Schema of the YAML format (for editors' YAML language server).
    Schema,
    /// Classify every change from OLD to NEW as breaking, risky or safe for a table that
    /// already holds data. Exit 0 when nothing is breaking, 1 when something is, 2 on a
    /// usage or schema error. OLD and NEW are files, or `REV:path` read from git
    /// (`main:schemas/library.yaml`).
    Diff {
        /// The schema as deployed.
        old: String,
        /// The schema as changed.
        new: String,
        /// `text` for people, or `json` for CI tools: an object
        /// `{findings: [{severity, path, message, why, instead, old, new}], breaking, risky, safe}`.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the schemas' tables as infrastructure code: CloudFormation `AWS::DynamoDB::Table`
    /// resources (JSON or YAML) or Terraform `aws_dynamodb_table` resources (`.tf.json`).
    Export(ExportArgs),
    /// Compare the schemas' tables with the live ones (DescribeTable, DescribeTimeToLive) and
    /// print the difference. Exit 0 when they match, 1 when they differ, 2 on an error.
    Plan(LiveArgs),
    /// Bring the live tables to the schemas: create missing tables, add and remove global
    /// indexes one at a time (waiting for each), set TTL. Never deletes a table or changes a
    /// key: a plan with such a difference is refused whole, with the reason (exit 2).
    Apply(LiveArgs),
    /// Run the embedded DynamoDB-compatible server on 127.0.0.1 until Ctrl-C: for `plan` and
    /// `apply`, manual poking, and other languages' tools. Prints the endpoint and the
    /// credentials to use.
    Serve(ServeArgs),
    /// Write a schema from what exists: a live table (`--endpoint`, `--table`: keys, indexes
    /// and TTL from DescribeTable, fields inferred from a sample of its items, every guess the
    /// sample cannot settle marked in a comment), or a design of AWS's DynamoDB data-modeling
    /// MCP server (`--mcp schema.json`). Review it, then `ddbgen validate` and `generate`.
    Import(ImportArgs),
    /// Write a Markdown reference of each schema (`<file stem>.md`): tables, keys and how they
    /// are stored, fields, rules, indexes and a Mermaid diagram.
    Docs {
        /// Schema files.
        #[arg(required = true)]
        schemas: Vec<PathBuf>,
        /// Output directory; without it, the pages are printed to standard output, one after
        /// the other.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Arguments of `plan` and `apply`.
#[derive(Debug, Args)]
pub struct LiveArgs {
    /// Schema files.
    #[arg(required = true)]
    pub schemas: Vec<PathBuf>,
    /// The DynamoDB endpoint (`http://127.0.0.1:8000`, or `https://dynamodb.eu-west-1.amazonaws.com`
    /// with credentials in `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` and `AWS_REGION`).
    #[arg(long, value_parser = parse_endpoint)]
    pub endpoint: String,
    /// Prefix of every table name (`dev-`), as repositories' `with_table_prefix`.
    #[arg(long, default_value = "")]
    pub table_prefix: String,
    /// `apply` only: delete or rebuild global indexes without asking (they are unavailable
    /// until rebuilt). Without it, `apply` asks on a terminal and refuses elsewhere.
    #[arg(long)]
    pub yes: bool,
}

/// An endpoint is a URL with its scheme: `127.0.0.1:8000` alone is refused with the fix.
fn parse_endpoint(text: &str) -> Result<String, String> {
    match text.split_once("://") {
        Some(("http" | "https", rest)) if !rest.is_empty() => Ok(text.to_owned()),
        Some((scheme, _)) => Err(format!(
            "`{scheme}` is not a scheme DynamoDB speaks: use http:// or https://"
        )),
        None => Err(format!("`{text}` has no scheme: write `http://{text}` (or https://)")),
    }
}

/// Arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The DynamoDB endpoint of the live table, as for `plan` (with `--table`; needs
    /// `--features live`).
    #[arg(long, value_parser = parse_endpoint, requires = "table", conflicts_with = "mcp")]
    pub endpoint: Option<String>,
    /// The live table to read.
    #[arg(long, requires = "endpoint")]
    pub table: Option<String>,
    /// Instead of a live table: the `schema.json` of AWS's DynamoDB data-modeling MCP server.
    #[arg(long, required_unless_present_any = ["endpoint", "nosql_workbench"], conflicts_with = "nosql_workbench")]
    pub mcp: Option<PathBuf>,
    /// Instead of a live table: a NoSQL Workbench data model (JSON).
    #[arg(long, conflicts_with = "endpoint")]
    pub nosql_workbench: Option<PathBuf>,
    /// How many items to sample (a Scan, page by page, stopped there).
    #[arg(long, default_value_t = 500)]
    pub sample: usize,
    /// Write the schema here; without it, to standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (0: a free one, printed).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Keep the tables in this SQLite file across restarts (created when missing); in memory
    /// without it.
    #[arg(long)]
    pub data: Option<PathBuf>,
}

/// Arguments of `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// `cloudformation` or `terraform`.
    #[arg(value_enum)]
    pub target: ExportTarget,
    /// Schema files.
    #[arg(required = true)]
    pub schemas: Vec<PathBuf>,
    /// CloudFormation's format: `json` or `yaml` (Terraform is always JSON).
    #[arg(long, value_enum, default_value_t = TemplateFormat::Json)]
    pub format: TemplateFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Prefix of every table name (`dev-`), as `plan`/`apply` and repositories'
    /// `with_table_prefix` take it.
    #[arg(long, default_value = "")]
    pub table_prefix: String,
    /// Provisioned capacity (read units) for tables and global indexes; on-demand without it.
    #[arg(long, requires = "write")]
    pub read: Option<u64>,
    /// Provisioned capacity (write units).
    #[arg(long, requires = "read")]
    pub write: Option<u64>,
    /// Turn point-in-time recovery off (on by default).
    #[arg(long)]
    pub no_point_in_time_recovery: bool,
    /// Turn deletion protection off (on by default).
    #[arg(long)]
    pub no_deletion_protection: bool,
    /// A stream of changes: `new-image`, `old-image`, `new-and-old-images`, `keys-only`.
    #[arg(long, value_enum)]
    pub stream: Option<StreamView>,
    /// A tag on every table, `KEY=VALUE` (repeat for more).
    #[arg(long = "tag", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportTarget {
    /// An AWS CloudFormation template.
    Cloudformation,
    /// A Terraform JSON configuration.
    Terraform,
    /// A NoSQL Workbench data model (JSON), to look at the schema in the tool.
    NosqlWorkbench,
}

/// CloudFormation's template format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateFormat {
    /// JSON.
    Json,
    /// YAML.
    Yaml,
}

/// A DynamoDB stream view type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StreamView {
    /// `NEW_IMAGE`.
    NewImage,
    /// `OLD_IMAGE`.
    OldImage,
    /// `NEW_AND_OLD_IMAGES`.
    NewAndOldImages,
    /// `KEYS_ONLY`.
    KeysOnly,
}

fn parse_tag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}

/// How `validate` and `diff` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For tools (each command's `--format` help says the shape).
    Json,
}

/// Arguments of `generate` and `check`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Schema files; each becomes a module named after its file stem.
    #[arg(required = true)]
    pub schemas: Vec<PathBuf>,
    /// Output directory.
    #[arg(long)]
    pub out: PathBuf,
    /// Generate a whole crate with this package name (Cargo.toml, README.md, src/).
    #[arg(long = "crate", value_name = "NAME")]
    pub crate_name: Option<String>,
    /// With --crate: depend on ddbgen-runtime by this path (relative to the crate).
    #[arg(long, requires = "crate_name")]
    pub runtime_path: Option<String>,
    /// Do not derive serde's Serialize and Deserialize on generated types (faster to compile).
    #[arg(long)]
    pub no_serde: bool,
}

/// What `plan`, `apply` and `serve` say in a build without the `live` feature.
#[cfg(not(feature = "live"))]
const WITHOUT_LIVE: &str = "this ddbgen was built without `plan`, `apply` and `serve`, which talk to DynamoDB (and bring the AWS SDK): install it with `cargo install --locked --path codegen --features live`";

/// Runs a parsed command line, writing to the given streams, without colour.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    run_coloured(cli, out, err, false)
}

/// Runs a parsed command line; with `colour`, errors are coloured for a terminal (`main` asks
/// for it when stderr is one and `NO_COLOR` is not set).
pub fn run_coloured(cli: Cli, out: &mut dyn Write, err: &mut dyn Write, colour: bool) -> ExitCode {
    match execute(cli, out) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            let message = if colour {
                crate::diagnostic::colorize(&message)
            } else {
                message
            };
            let _ = writeln!(err, "{message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn execute(cli: Cli, out: &mut dyn Write) -> Result<u8, String> {
    match cli.command {
        Command::Init { dir, name, ddbgen_path } => {
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            use crate::init::{InitSettings, package_name};
            let settings = InitSettings {
                name: match name {
                    Some(name) => package_name(&name)?,
                    None => InitSettings::folder_package_name(&dir)?,
                },
                ddbgen_repository: ddbgen_path.or_else(InitSettings::own_repository),
            };
            let output = crate::init::init(&dir, &settings)?;
            for path in output.files.keys() {
                writeln!(out, "created {}", dir.join(path).display()).map_err(|e| e.to_string())?;
            }
            writeln!(
                out,
                "next: cd {} && cargo test   (the schema is schemas/links.yaml; build.rs regenerates on change)",
                dir.display()
            )
            .map_err(|e| e.to_string())?;
            Ok(EXIT_OK)
        }
        Command::Schema => {
            out.write_all(crate::json_schema().as_bytes())
                .map_err(|e| e.to_string())?;
            Ok(EXIT_OK)
        }
        Command::Docs { schemas, out: dir } => {
            let sources = read_all(&schemas)?;
            let output = crate::generate_docs(&sources).map_err(|d| d.to_string())?;
            let Some(dir) = dir else {
                for text in output.files.values() {
                    out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
                }
                return Ok(EXIT_OK);
            };
            let written = output
                .write(&dir)
                .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
            writeln!(
                out,
                "{} files written in {}, {} changed",
                output.files.len(),
                dir.display(),
                written.len()
            )
            .map_err(|e| e.to_string())?;
            Ok(EXIT_OK)
        }
        Command::Diff { old, new, format } => {
            let (old, new) = (SchemaSource::read_spec(&old)?, SchemaSource::read_spec(&new)?);
            let report = crate::diff::diff(&old, &new).map_err(|d| d.to_string())?;
            let text = match format {
                Format::Text => report.to_text(),
                Format::Json => format!("{}\n", report.to_json()),
            };
            out.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
            Ok(if report.is_breaking() { EXIT_BREAKING } else { EXIT_OK })
        }
        Command::Export(args) => {
            let sources = read_all(&args.schemas)?;
            let modules = crate::compile(&sources).map_err(|d| d.to_string())?;
            let tables: Vec<crate::infra::TableLayout> = modules
                .iter()
                .flat_map(|(_, _, model)| crate::infra::tables(model))
                .map(|table| table.with_prefix(&args.table_prefix))
                .collect();
            let settings = crate::export::Settings {
                billing: match (args.read, args.write) {
                    (Some(read), Some(write)) => crate::export::Billing::Provisioned { read, write },
                    _ => crate::export::Billing::OnDemand,
                },
                point_in_time_recovery: !args.no_point_in_time_recovery,
                deletion_protection: !args.no_deletion_protection,
                stream: args.stream.map(|s| {
                    match s {
                        StreamView::NewImage => "NEW_IMAGE",
                        StreamView::OldImage => "OLD_IMAGE",
                        StreamView::NewAndOldImages => "NEW_AND_OLD_IMAGES",
                        StreamView::KeysOnly => "KEYS_ONLY",
                    }
                    .to_owned()
                }),
                tags: args.tags,
            };
            let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
            let terraform = matches!(args.target, ExportTarget::Terraform);
            if !matches!(args.target, ExportTarget::NosqlWorkbench)
                && let Some(why) = crate::export::refusal(&tables, &settings, terraform)
            {
                return Err(why);
            }
            let text = match (args.target, args.format) {
                (ExportTarget::Cloudformation, format) => {
                    let description = format!("DynamoDB tables of {}, exported by ddbgen", names.join(", "));
                    let template = crate::export::cloudformation(&tables, &settings, &description);
                    match format {
                        TemplateFormat::Json => pretty(&template)?,
                        TemplateFormat::Yaml => crate::export::to_yaml(&template),
                    }
                }
                (ExportTarget::Terraform, _) => pretty(&crate::export::terraform(&tables, &settings))?,
                (ExportTarget::NosqlWorkbench, _) => {
                    let models: Vec<&crate::ir::Model> = modules.iter().map(|(_, _, model)| model).collect();
                    let name = match sources.as_slice() {
                        [one] => std::path::Path::new(&one.name)
                            .file_stem()
                            .map_or_else(|| one.name.clone(), |s| s.to_string_lossy().into_owned()),
                        _ => "ddbgen".to_owned(),
                    };
                    let description = format!("Exported by ddbgen from {}", names.join(", "));
                    let (model, left_out) = crate::nosql_workbench::export(&models, &tables, &name, &description);
                    for note in left_out {
                        eprintln!("note: left out of the model: {note}");
                    }
                    pretty(&model)?
                }
            };
            write_out(args.out.as_deref(), &text, out)?;
            Ok(EXIT_OK)
        }
        #[cfg(feature = "live")]
        Command::Plan(args) => live(&args, false, out),
        #[cfg(feature = "live")]
        Command::Apply(args) => live(&args, true, out),
        #[cfg(feature = "live")]
        Command::Serve(args) => serve(&args, out, async {
            let _ = tokio::signal::ctrl_c().await;
        }),
        Command::Import(args) => match (&args.mcp, &args.nosql_workbench) {
            (Some(path), _) | (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let source = path.display().to_string();
                let schema = match &args.mcp {
                    Some(_) => crate::import::mcp::schema(&text, &source)?,
                    None => crate::nosql_workbench::import(&text, &source)?,
                };
                write_out(args.out.as_deref(), &schema, out)?;
                Ok(EXIT_OK)
            }
            #[cfg(feature = "live")]
            (None, None) => live::import(&args, out),
            #[cfg(not(feature = "live"))]
            (None, None) => Err(WITHOUT_LIVE.to_owned()),
        },
        #[cfg(not(feature = "live"))]
        Command::Plan(_) | Command::Apply(_) | Command::Serve(_) => Err(WITHOUT_LIVE.to_owned()),
        Command::Validate { schemas, format } => {
            let sources = read_all(&schemas)?;
            if format == Format::Json {
                let (json, code) = match crate::compile(&sources) {
                    Ok(_) => ("[]".to_owned(), EXIT_OK),
                    Err(diagnostics) => (diagnostics.to_json(), EXIT_ERROR),
                };
                writeln!(out, "{json}").map_err(|e| e.to_string())?;
                return Ok(code);
            }
            crate::compile(&sources).map_err(|d| d.to_string())?;
            for source in &sources {
                writeln!(out, "ok: {}", source.name).map_err(|e| e.to_string())?;
            }
            Ok(EXIT_OK)
        }
        Command::Generate(args) => {
            let output = generate(&args)?;
            let written = output
                .write(&args.out)
                .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
            writeln!(
                out,
                "{} files generated in {}, {} changed",
                output.files.len(),
                args.out.display(),
                written.len()
            )
            .map_err(|e| e.to_string())?;
            Ok(EXIT_OK)
        }
        Command::Check(args) => {
            let output = generate(&args)?;
            let staleness = output
                .check(&args.out)
                .map_err(|e| format!("cannot read {}: {e}", args.out.display()))?;
            if staleness.is_clean() {
                writeln!(out, "up to date: {}", args.out.display()).map_err(|e| e.to_string())?;
                return Ok(EXIT_OK);
            }
            write!(out, "{}", staleness.report(&args.out)).map_err(|e| e.to_string())?;
            writeln!(
                out,
                "{} is stale: run `ddbgen generate` with the same arguments",
                args.out.display()
            )
            .map_err(|e| e.to_string())?;
            Ok(EXIT_STALE)
        }
    }
}

/// `text` into the file `path` (`--out`), or to standard output without one.
fn write_out(path: Option<&std::path::Path>, text: &str, out: &mut dyn Write) -> Result<(), String> {
    match path {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => out.write_all(text.as_bytes()).map_err(|e| e.to_string()),
    }
}

fn pretty(value: &serde_json::Value) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|text| text + "\n")
        .map_err(|e| e.to_string())
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<SchemaSource>, String> {
    paths
        .iter()
        .map(|p| SchemaSource::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())))
        .collect()
}

fn generate(args: &GenerateArgs) -> Result<Output, String> {
    let sources = read_all(&args.schemas)?;
    let options = crate::emit::Options {
        serde: !args.no_serde,
        ..Default::default()
    };
    let result = match &args.crate_name {
        Some(name) => crate::generate_crate(
            &sources,
            &CrateSettings {
                name: name.clone(),
                runtime_path: args.runtime_path.clone(),
                out_dir: args.out.display().to_string(),
                options,
            },
        ),
        None => crate::generate_modules_with(&sources, &options),
    };
    result.map_err(|d| d.to_string())
}

#[cfg(test)]
mod version_tests {
    use clap::Parser;

    #[test]
    fn version_names_the_generator_and_the_runtime_api() {
        let error = super::Cli::try_parse_from(["ddbgen", "--version"]).expect_err("prints the version");
        let text = error.render().to_string();
        assert_eq!(
            text.trim(),
            format!(
                "ddbgen {0} (generates code for ddbgen-runtime {0}, runtime API v{1})",
                env!("CARGO_PKG_VERSION"),
                crate::emit::RUNTIME_API
            )
        );
    }
}
