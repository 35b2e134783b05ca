//! A whole generated crate (`Cargo.toml`, `README.md`, `src/`), rendered from the minijinja
//! templates in the repository's `templates/crate/`.

use std::path::PathBuf;

use minijinja::{Value, context};

use crate::emit::GENERATED_MARKER;
use crate::ir::Model;

/// Settings of a generated crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateSettings {
    /// The crate's package name.
    pub name: String,
    /// A path dependency on `ddbgen-runtime` (relative to the crate), instead of the version.
    pub runtime_path: Option<String>,
    /// The output directory as the user named it, for the regenerate command in the README.
    pub out_dir: String,
    /// Generation options (serde derives).
    pub options: crate::emit::Options,
}

/// The crate's non-Rust files and `src/lib.rs`. `modules` are (module name, source, model).
pub(crate) fn crate_files(settings: &CrateSettings, modules: &[(String, String, Model)]) -> Vec<(PathBuf, String)> {
    let env = crate::templates::environment();
    let templates = [
        ("Cargo.toml", include_str!("../templates/crate/Cargo.toml.j2")),
        ("README.md", include_str!("../templates/crate/README.md.j2")),
        ("src/lib.rs", include_str!("../templates/crate/lib.rs.j2")),
    ];
    let sources: Vec<String> = modules.iter().map(|(_, source, _)| source.clone()).collect();
    let template_modules: Vec<Value> = modules
        .iter()
        .map(|(name, source, _)| context! { name => name.clone(), source => source.clone() })
        .collect();
    let tables: Vec<Value> = modules
        .iter()
        .flat_map(|(module, _, model)| {
            model.tables.iter().map(move |t| {
                context! {
                    module_path => format!("{module}::{}", t.names.module),
                    table_name => t.table_name.clone(),
                    item => t.names.item.clone(),
                    key => key_description(t),
                    change => t.names.change.clone(),
                }
            })
        })
        .collect();
    let ctx = context! {
        marker => GENERATED_MARKER,
        crate_name => settings.name.clone(),
        crate_ident => settings.name.replace('-', "_"),
        runtime_path => settings.runtime_path.clone(),
        runtime_version => env!("CARGO_PKG_VERSION"),
        out_dir => settings.out_dir.clone(),
        sources => sources,
        modules => template_modules,
        tables => tables,
    };
    templates
        .into_iter()
        .map(|(path, source)| (PathBuf::from(path), crate::templates::render(&env, path, source, &ctx)))
        .collect()
}

/// The key of a table for the README's table (`|` escaped: it would end the cell).
fn key_description(table: &crate::ir::Table) -> String {
    key_text(table).replace('|', "\\|")
}

fn key_text(table: &crate::ir::Table) -> String {
    let hash = table.hash_key.describe(&table.fields);
    match &table.range_key {
        None => hash,
        Some(range) => format!("{hash}, {}", range.describe(&table.fields)),
    }
}
