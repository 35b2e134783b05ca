//! Lowering: the serde model of one file into the checked [`Model`], with every rule of the
//! generator. It runs as three passes, each with its own state, each returning its
//! diagnostics; all problems of a file are reported together.
//!
//! 1. `Structure` builds the tables and types: named types, enum variants and recursion
//!    (`types`), fields with their types, codecs and literals (`fields`), validation rules with
//!    exact bounds (`rules`), hash, range and composite keys (`keys`), audit columns, version
//!    and TTL (`managed`), indexes (`indexes`), and single tables (`entities`), with their
//!    collision proof (`collisions`) and collections (`collections`).
//! 2. `Naming` runs once every table is known: it gives every generated item its Rust name
//!    through the registries of [`super::names`], plans queries and update operations (`plan`),
//!    and proves access patterns against the keys (`patterns`).
//! 3. [`super::layout::layouts`] derives the physical table every back end reads.
//!
//! What passes share is `Report`: the file, and reporting a problem at a place of it.

mod collections;
mod collisions;
mod entities;
mod entity;
mod fields;
mod indexes;
mod keys;
mod managed;
mod patterns;
mod plan;
mod queries;
mod report;
mod rules;
mod types;
mod unique;
mod vectors;

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;

use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics};

use crate::schema::model::TableDef;
use crate::schema::{SchemaFile, YamlPath};
use report::Report;

/// Checks one parsed file and lowers it into the IR.
pub fn lower(file: &SchemaFile) -> Result<Model, Diagnostics> {
    let (mut model, mut errors) = Structure::run(file);
    errors.extend(Naming::run(file, &mut model));
    model.layouts = crate::ir::layout::layouts(&model);
    if errors.is_empty() {
        Ok(model)
    } else {
        Err(Diagnostics(errors).sorted())
    }
}

/// Pass 1: the tables and types of one file, checked. Its state: the errors so far, and the
/// enums already lowered (literals of enum type need their variants).
pub(crate) struct Structure<'a> {
    file: &'a SchemaFile,
    errors: Vec<Diagnostic>,
    enums: BTreeMap<String, Vec<EnumVariant>>,
}

impl<'a> Report<'a> for Structure<'a> {
    fn file(&self) -> &'a SchemaFile {
        self.file
    }

    fn errors(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.errors
    }
}

/// Pass 2: names, query plans and access patterns, once every table is known. Its state is its
/// errors; the names it gives are claimed in registries it makes as it goes.
pub(crate) struct Naming<'a> {
    file: &'a SchemaFile,
    errors: Vec<Diagnostic>,
}

impl<'a> Report<'a> for Naming<'a> {
    fn file(&self) -> &'a SchemaFile {
        self.file
    }

    fn errors(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.errors
    }
}

impl Naming<'_> {
    /// Names and plans every table of `model`, dropping those whose names cannot be given.
    fn run(file: &SchemaFile, model: &mut Model) -> Vec<Diagnostic> {
        let mut pass = Naming {
            file,
            errors: Vec::new(),
        };
        pass.plan(model);
        pass.errors
    }
}

impl Structure<'_> {
    /// The file's model before naming, and the problems found.
    fn run(file: &SchemaFile) -> (Model, Vec<Diagnostic>) {
        let mut pass = Structure {
            file,
            errors: Vec::new(),
            enums: BTreeMap::new(),
        };
        let model = pass.model();
        (model, pass.errors)
    }

    fn model(&mut self) -> Model {
        let doc = &self.file.document;
        let root = YamlPath::root();
        if doc.version != 1 {
            self.error(
                &root.child("version"),
                format!("unsupported version {}", doc.version),
                "this ddbgen reads version 1: write `version: 1`",
            );
        }
        let types = self.named_types(&root.child("types"));
        let mut model = Model {
            tables: Vec::new(),
            types,
            single_tables: Vec::new(),
            layouts: Vec::new(),
        };
        for (name, def) in &doc.tables {
            let path = root.child("tables").child(name);
            if model.types.iter().any(|t| t.name == *name) {
                self.error_key(
                    &path,
                    format!("`{name}` is both a table and an entry of `types:`"),
                    "rename one of them",
                );
            }
            if !def.entities.is_empty() || !def.collections.is_empty() || def.discriminator.is_some() {
                if def.entities.is_empty() {
                    self.error_key(
                        &path,
                        format!("table `{name}` has `collections:` or `discriminator:` but no `entities:`"),
                        "declare the entities the table holds under `entities:`",
                    );
                } else if let Some(single) = self.single_table(name, def, &path, &mut model.tables) {
                    model.single_tables.push(single);
                }
            } else if let Some(table) = self.table(name, def, &path) {
                model.tables.push(table);
            }
        }
        model
    }

    /// The DynamoDB name of the table `name` (checked, like the type name, for either kind of
    /// table); `None` when the type name is unusable (reported).
    fn table_name(&mut self, name: &str, def: &TableDef, path: &YamlPath) -> Option<String> {
        if !is_upper_camel(name) {
            self.error_key(
                path,
                format!("table type name `{name}` is not UpperCamelCase"),
                format!("write `{}`", name.to_upper_camel_case()),
            );
            return None;
        }
        let table_name = def.table_name.clone().unwrap_or_else(|| super::names::snake(name));
        if let Err(why) = check_dynamo_name(&table_name) {
            const RULE: &str = "DynamoDB table names are 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`";
            match def.table_name {
                Some(_) => self.error(
                    &path.child("table_name"),
                    format!("table name `{table_name}` {why}"),
                    RULE,
                ),
                // Derived from the key: point at it, and say how to name the table instead.
                None => self.error_key(
                    path,
                    format!("table name `{table_name}` (from `{name}`) {why}"),
                    format!("{RULE}: name it with `table_name:`"),
                ),
            }
        }
        Some(table_name)
    }

    fn table(&mut self, name: &str, def: &TableDef, path: &YamlPath) -> Option<Table> {
        let table_name = self.table_name(name, def, path)?;
        if RESERVED_TYPE_NAMES.contains(&name) {
            self.error_key(
                path,
                format!("table type name `{name}` would clash with a name in generated code"),
                format!("choose another name, such as `{name}Item`, and keep the DynamoDB name with `table_name:`"),
            );
            return None;
        }
        let mut fields = self.field_list(&def.fields, &path.child("fields"), &format!("table `{name}`"));
        let field_names: Vec<String> = def.fields.keys().cloned().collect();
        let hash_key = self.hash_key(def, &mut fields, &field_names, path)?;
        let range_key = self.range_key(def, &mut fields, &field_names, hash_key, path)?;
        self.managed_columns(def.audit.as_ref(), def.version.as_ref(), &mut fields, path);
        let ttl = self.ttl(def.ttl.as_ref(), &fields, &field_names, path)?;
        // Every name but the item's is given by `plan`, once all tables are known.
        let mut table = Table {
            names: TableNames {
                item: name.to_owned(),
                ..TableNames::default()
            },
            table_name,
            doc: def.doc.clone(),
            patch: def.patch,
            fields,
            hash_key: KeyAttr::Field(hash_key),
            range_key,
            indexes: Vec::new(),
            vector_indexes: Vec::new(),
            ttl,
            queries: Vec::new(),
            projections: Vec::new(),
            access_patterns: Vec::new(),
            condition_fields: Vec::new(),
            entity: None,
            span: self.span(path),
        };
        table.indexes = self.indexes(def, &table, &field_names, &path.child("indexes"));
        table.vector_indexes = self.vector_indexes(def, &table, &path.child("vector_indexes"));
        self.unique_fields(&table, path);
        Some(table)
    }
}

/// Names generated code uses unqualified, which a schema's types may not shadow.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "String", "Option", "Result", "Vec", "Default", "Some", "None", "Ok", "Err", "Box", "Self",
];

fn is_upper_camel(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && name.to_upper_camel_case() == name
}

fn check_dynamo_name(name: &str) -> Result<(), &'static str> {
    if name.len() < 3 || name.len() > 255 {
        return Err("must be 3 to 255 characters long");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err("has characters DynamoDB refuses");
    }
    Ok(())
}
