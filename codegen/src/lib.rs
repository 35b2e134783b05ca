//! ddbgen: YAML table definitions into typed Rust repositories for Amazon DynamoDB.
//!
//! The pipeline: YAML → [`schema`] (serde model, positions) → [`ir`] (checked model) →
//! [`emit`] (Rust tokens, formatted) → [`Output`] (written or checked). Three front doors use
#![cfg_attr(
    feature = "cli",
    doc = "it: the `ddbgen` CLI ([`cli`], feature `cli`), [`Builder`] for `build.rs`, and [`generate_crate`] for"
)]
#![cfg_attr(
    not(feature = "cli"),
    doc = "it: the `ddbgen` CLI (`cli`, feature `cli`), [`Builder`] for `build.rs`, and [`generate_crate`] for"
)]
//! committed crates.

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod builder;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod export;
pub mod import;
pub mod infra;
pub mod init;
pub mod ir;
mod krate;
pub mod nosql_workbench;
pub mod output;
pub mod schema;
mod templates;

use std::path::{Path, PathBuf};

pub use builder::Builder;
pub use diagnostic::{Diagnostic, Diagnostics};
pub use krate::CrateSettings;
pub use output::{Output, Staleness};

use heck::ToSnakeCase;

/// The text of one schema file and the name diagnostics call it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaSource {
    /// The file's name as the user gave it (`schemas/library.yaml`).
    pub name: String,
    /// Its contents.
    pub text: String,
}

impl SchemaSource {
    /// Reads a schema file.
    pub fn read(path: &Path) -> std::io::Result<Self> {
        Ok(Self {
            name: path.display().to_string(),
            text: std::fs::read_to_string(path)?,
        })
    }

    /// The Rust module the file generates: the snake_case of its file stem.
    pub fn module_name(&self) -> String {
        let stem = Path::new(&self.name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("schema");
        stem.to_snake_case()
    }
}

/// Where diagnostics about a whole file point.
const FILE_START: diagnostic::Pos = diagnostic::Pos { line: 1, column: 1 };

/// Parses and checks schema files; every problem of every file comes back at once.
/// Returns (module name, source name, model) per file.
pub fn compile(sources: &[SchemaSource]) -> Result<Vec<(String, String, ir::Model)>, Diagnostics> {
    let mut modules = Vec::new();
    let mut errors = Vec::new();
    for source in sources {
        let module = source.module_name();
        if syn::parse_str::<syn::Ident>(&module).is_err() {
            errors.push(
                Diagnostic::new(
                    &source.name,
                    FILE_START,
                    format!("file name gives module `{module}`, which is not a Rust identifier"),
                )
                .with_help("rename the file, such as `library.yaml`"),
            );
            continue;
        }
        if modules.iter().any(|(m, _, _)| *m == module) {
            errors.push(
                Diagnostic::new(
                    &source.name,
                    FILE_START,
                    format!("another schema file also generates module `{module}`"),
                )
                .with_help("give schema files different names"),
            );
            continue;
        }
        match schema::parse(&source.name, &source.text).and_then(|file| ir::lower(&file)) {
            Ok(model) => modules.push((module, source.name.clone(), model)),
            Err(diagnostics) => errors.extend(diagnostics.0),
        }
    }
    errors.extend(duplicate_table_names(&modules));
    if errors.is_empty() {
        Ok(modules)
    } else {
        Err(Diagnostics(errors).sorted().with_sources(sources))
    }
}

/// Two tables, in one file or in two, that name the same DynamoDB table: their items would
/// collide in it.
fn duplicate_table_names(modules: &[(String, String, ir::Model)]) -> Vec<Diagnostic> {
    // Entities share their single table's name; the single table stands for them.
    // (file, type name, DynamoDB name, span, has entities)
    let mut declared: Vec<(&str, &str, &str, ir::Span, bool)> = Vec::new();
    for (_, source, model) in modules {
        let plain = model.tables.iter().filter(|t| t.entity.is_none()).map(|t| {
            (
                source.as_str(),
                t.names.item.as_str(),
                t.table_name.as_str(),
                t.span,
                false,
            )
        });
        let single = model
            .single_tables
            .iter()
            .map(|t| (source.as_str(), t.name.as_str(), t.table_name.as_str(), t.span, true));
        let mut file: Vec<_> = plain.chain(single).collect();
        // In the order the file declares them, whichever kind of table they are.
        file.sort_by_key(|(_, _, _, span, _)| (span.line, span.column));
        declared.extend(file);
    }
    let mut first: std::collections::BTreeMap<&str, (&str, &str, ir::Span, bool)> = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for (source, item, table_name, span, single) in declared {
        let help = |first_item: &str, first_single: bool| {
            match (first_single, single) {
            (true, _) => format!(
                "give `{item}` its own `table_name:`, or make it an entity of `{first_item}`: move it under `{first_item}`'s `entities:` with its `keys:` templates (docs/single-table.md)"
            ),
            (false, true) => format!(
                "give `{first_item}` its own `table_name:`, or make it an entity of `{item}`: move it under `{item}`'s `entities:` with its `keys:` templates (docs/single-table.md)"
            ),
            (false, false) => "give each table its own `table_name:`; several item kinds in one table are single-table entities, not two tables: declare them under one table's `entities:` (docs/single-table.md)".to_owned(),
        }
        };
        match first.get(table_name) {
            Some((first_source, first_item, first_span, first_single)) => errors.push(
                Diagnostic::new(
                    source,
                    span,
                    format!("table `{item}` stores its items in DynamoDB table `{table_name}`, which table `{first_item}` uses too"),
                )
                .with_related(*first_source, *first_span, format!("table `{first_item}` is declared here"))
                .with_help(help(first_item, *first_single)),
            ),
            None => {
                first.insert(table_name, (source, item, span, single));
            }
        }
    }
    errors
}

/// One Rust file per schema (`library.yaml` → `library.rs`), as `build.rs` includes them.
pub fn generate_modules(sources: &[SchemaSource]) -> Result<Output, Diagnostics> {
    generate_modules_with(sources, &emit::Options::default())
}

/// [`generate_modules`] with generation [`Options`](emit::Options) other than the defaults.
pub fn generate_modules_with(sources: &[SchemaSource], options: &emit::Options) -> Result<Output, Diagnostics> {
    let mut output = Output::default();
    for (module, source, model) in compile(sources)? {
        output.files.insert(
            PathBuf::from(format!("{module}.rs")),
            emit::emit_module(&model, &source, options),
        );
    }
    Ok(output)
}

/// The Markdown reference of each schema (`library.yaml` → `library.md`): tables, keys and
/// their encodings, fields, rules, indexes and a Mermaid diagram.
pub fn generate_docs(sources: &[SchemaSource]) -> Result<Output, Diagnostics> {
    let mut output = Output::default();
    for (module, source, model) in compile(sources)? {
        output.files.insert(
            PathBuf::from(format!("{module}.md")),
            docs::schema_markdown(&module, &source, &model),
        );
    }
    Ok(output)
}

/// A whole crate: `Cargo.toml`, `README.md`, `src/lib.rs`, one `src/<module>.rs` and one
/// `docs/<module>.md` per schema.
pub fn generate_crate(sources: &[SchemaSource], settings: &CrateSettings) -> Result<Output, Diagnostics> {
    let modules = compile(sources)?;
    let mut output = Output::default();
    for (path, text) in krate::crate_files(settings, &modules) {
        output.files.insert(path, text);
    }
    for (module, source, model) in &modules {
        output.files.insert(
            PathBuf::from(format!("src/{module}.rs")),
            emit::emit_module(model, source, &settings.options),
        );
        output.files.insert(
            PathBuf::from(format!("docs/{module}.md")),
            docs::schema_markdown(module, source, model),
        );
    }
    Ok(output)
}

/// The JSON Schema (draft-07) of the YAML format.
pub fn format_schema() -> schemars::Schema {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    generator.into_root_schema_for::<schema::Document>()
}

/// The JSON Schema of the YAML format, pretty-printed, with a trailing newline.
pub fn json_schema() -> String {
    let mut text = serde_json::to_string_pretty(&format_schema()).unwrap_or_default();
    text.push('\n');
    text
}
