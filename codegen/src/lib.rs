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

    /// A schema file, or with `REV:path` (and no such file), the file as git holds it at
    /// revision `REV` (`v1:schemas/library.yaml`): what `diff` compares, and the old schema a
    /// migration reads with (`docs/migrations.md`).
    pub fn read_spec(spec: &str) -> Result<Self, String> {
        let path = Path::new(spec);
        if path.exists() {
            return Self::read(path).map_err(|e| format!("cannot read {spec}: {e}"));
        }
        let Some((revision, file)) = revision_of(spec) else {
            return Err(format!(
                "cannot read {spec}: no such file (use `REV:path` for a file in git)"
            ));
        };
        let output = std::process::Command::new("git")
            .args(["show", &format!("{revision}:{file}")])
            .output()
            .map_err(|e| format!("cannot run git to read {spec}: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cannot read {spec} from git: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let text = String::from_utf8(output.stdout).map_err(|_| format!("{spec} is not UTF-8"))?;
        Ok(Self {
            name: spec.to_owned(),
            text,
        })
    }

    /// The Rust module the file generates: the snake_case of its file stem, and for a file
    /// read from git (`v1:schemas/library.yaml`), of its stem and revision (`library_v1`), so
    /// that the old and the new schema generate side by side.
    pub fn module_name(&self) -> String {
        let (revision, file) = match revision_of(&self.name) {
            Some((revision, file)) if !Path::new(&self.name).exists() => (Some(revision), file),
            _ => (None, self.name.as_str()),
        };
        let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("schema");
        match revision {
            Some(revision) => format!("{stem} {revision}").to_snake_case(),
            None => stem.to_snake_case(),
        }
    }
}

/// The revision and path of a `REV:path` spec; `None` for other names (a Windows drive letter
/// is not a revision).
fn revision_of(spec: &str) -> Option<(&str, &str)> {
    let (revision, file) = spec.split_once(':')?;
    let drive = revision.len() == 1 && (file.starts_with('\\') || file.starts_with('/'));
    (!revision.is_empty() && !file.is_empty() && !drive).then_some((revision, file))
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

/// What the schemas ask for that the generation options rule out: a patch type
/// (`patch: true`) is a serde type, so it needs serde derives.
fn check_options(
    modules: &[(String, String, ir::Model)],
    options: &emit::Options,
    sources: &[SchemaSource],
) -> Result<(), Diagnostics> {
    if options.serde {
        return Ok(());
    }
    let errors: Vec<Diagnostic> = modules
        .iter()
        .flat_map(|(_, source, model)| {
            model.tables.iter().filter(|t| t.patch).map(move |table| {
                Diagnostic::new(
                    source,
                    table.span,
                    format!(
                        "`{}` asks for a patch type (`patch: true`), which is a serde type, but serde derives are off",
                        table.names.item
                    ),
                )
                .with_help("generate with serde derives (without `--no-serde` or `Builder::serde(false)`), or remove `patch: true`")
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Diagnostics(errors).sorted().with_sources(sources))
    }
}

/// One Rust file per schema (`library.yaml` → `library.rs`), as `build.rs` includes them.
pub fn generate_modules(sources: &[SchemaSource]) -> Result<Output, Diagnostics> {
    generate_modules_with(sources, &emit::Options::default())
}

/// [`generate_modules`] with generation [`Options`](emit::Options) other than the defaults.
pub fn generate_modules_with(sources: &[SchemaSource], options: &emit::Options) -> Result<Output, Diagnostics> {
    let modules = compile(sources)?;
    check_options(&modules, options, sources)?;
    let mut output = Output::default();
    for (module, source, model) in modules {
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
    check_options(&modules, &settings.options, sources)?;
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

#[cfg(test)]
mod source_tests {
    use super::*;

    #[test]
    fn a_schema_at_a_revision_generates_its_own_module() {
        let at = |name: &str| SchemaSource {
            name: name.to_owned(),
            text: String::new(),
        };
        assert_eq!(at("schemas/library.yaml").module_name(), "library");
        assert_eq!(at("v1:schemas/library.yaml").module_name(), "library_v1");
        assert_eq!(at("HEAD~3:schemas/Order Book.yaml").module_name(), "order_book_head_3");
        // A Windows drive letter is not a revision.
        assert_eq!(revision_of("C:/schemas/library.yaml"), None);
        assert_eq!(revision_of("C:\\schemas\\library.yaml"), None);
        // Read from git: this repository's own example schema, at this commit.
        let source = SchemaSource::read_spec("HEAD:schemas/library.yaml").expect("git show");
        assert!(source.text.contains("tables:"));
        assert_eq!(source.module_name(), "library_head");
        let error = SchemaSource::read_spec("HEAD:no/such.yaml").expect_err("no such file");
        assert!(error.starts_with("cannot read HEAD:no/such.yaml from git"), "{error}");
    }
}

#[cfg(test)]
mod patch_tests {
    use super::*;

    const SCHEMA: &str = "version: 1\ntables:\n  Note:\n    fields:\n      body: { type: string }\n    patch: true\n  Tag:\n    fields:\n      label: { type: string }\n";

    fn source() -> SchemaSource {
        SchemaSource {
            name: "notes.yaml".to_owned(),
            text: SCHEMA.to_owned(),
        }
    }

    #[test]
    fn a_patch_type_is_generated_only_for_a_table_that_asks_for_it() {
        let output = generate_modules(&[source()]).expect("valid");
        let code = &output.files[&PathBuf::from("notes.rs")];
        assert!(code.contains("pub struct NotePatch {"), "{code}");
        assert!(
            code.contains("pub fn apply(mut self, patch: NotePatch) -> Self"),
            "{code}"
        );
        assert!(!code.contains("TagPatch"), "no `patch: true`, no patch type");
    }

    #[test]
    fn a_patch_type_without_serde_derives_is_refused_at_its_table() {
        let options = emit::Options {
            serde: false,
            ..emit::Options::default()
        };
        let errors = generate_modules_with(&[source()], &options).expect_err("a patch needs serde");
        assert_eq!(errors.0.len(), 1, "{errors:?}");
        let error = &errors.0[0];
        assert_eq!((error.file.as_str(), error.pos.line), ("notes.yaml", 3));
        assert!(
            error.message.contains("`Note` asks for a patch type"),
            "{}",
            error.message
        );
        assert!(
            error
                .help
                .as_deref()
                .is_some_and(|help| help.contains("remove `patch: true`"))
        );
    }
}
