//! Lowering: the serde model of one file into the checked [`Model`], with every rule of the
//! generator. All problems of a file are collected and returned together.
//!
//! One file per seam: `types` (named types, enum variants, recursion), `fields` (a field,
//! its type, codec and literals), `rules` (validation rules with exact bounds), `keys`
//! (hash, range and composite keys), `managed` (audit columns, version, TTL), `indexes`,
//! and `plan`, which gives every generated item its Rust name through the registries of
//! [`super::names`] once the structure is known.

mod collections;
mod collisions;
mod entities;
mod fields;
mod indexes;
mod keys;
mod managed;
mod patterns;
mod plan;
mod rules;
mod types;

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;

use super::*;
use crate::diagnostic::{Diagnostic, Diagnostics};
use indexmap::IndexMap;

use crate::schema::model::{AccessPatternDef, FieldDef, TableDef};
use crate::schema::{SchemaFile, YamlPath};

/// Checks one parsed file and lowers it into the IR.
pub fn lower(file: &SchemaFile) -> Result<Model, Diagnostics> {
    let mut cx = Lowering {
        file,
        errors: Vec::new(),
        enums: BTreeMap::new(),
    };
    let model = cx.model();
    if cx.errors.is_empty() {
        Ok(model)
    } else {
        Err(Diagnostics(cx.errors).sorted())
    }
}

/// The state of lowering one file: the file, the errors so far, and the enums already lowered
/// (literals of enum type need their variants).
pub(crate) struct Lowering<'a> {
    file: &'a SchemaFile,
    errors: Vec<Diagnostic>,
    enums: BTreeMap<String, Vec<EnumVariant>>,
}

/// Where a table of the IR is declared: its entry under `tables:`, or for an entity its entry
/// under its single table's `entities:`; with what both kinds declare alike.
pub(super) struct Declared<'a> {
    /// The declared fields, by name.
    fields: &'a IndexMap<String, FieldDef>,
    /// `projections:`.
    projections: &'a IndexMap<String, Vec<String>>,
    /// `access_patterns:`.
    access_patterns: &'a IndexMap<String, AccessPatternDef>,
    /// The path of the entry.
    path: YamlPath,
}

impl<'a> Lowering<'a> {
    /// The declaration of `table` (an entity's is the one its span points at).
    fn declared(&self, table: &Table) -> Option<Declared<'a>> {
        let file: &'a SchemaFile = self.file;
        let tables = YamlPath::root().child("tables");
        match &table.entity {
            None => file.document.tables.get(&table.names.item).map(|def| Declared {
                fields: &def.fields,
                projections: &def.projections,
                access_patterns: &def.access_patterns,
                path: tables.child(&table.names.item),
            }),
            Some(_) => file.document.tables.iter().find_map(|(single, def)| {
                let path = tables.child(single).child("entities").child(&table.names.item);
                let entity = def.entities.get(&table.names.item)?;
                (self.span(&path) == table.span).then_some(Declared {
                    fields: &entity.fields,
                    projections: &entity.projections,
                    access_patterns: &entity.access_patterns,
                    path,
                })
            }),
        }
    }
}

impl Lowering<'_> {
    fn error(&mut self, path: &YamlPath, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(self.file.error_at(path, message).with_help(help));
    }

    fn error_key(&mut self, path: &YamlPath, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(self.file.error_at_key(path, message).with_help(help));
    }

    /// An error at a span already in the IR.
    fn error_span(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        self.errors
            .push(Diagnostic::new(&self.file.name, span, message).with_help(help));
    }

    /// A name generated twice: the error at `span`, with the first claim's place as related.
    fn clash(&mut self, span: Span, clash: &super::names::Clash, help: &str) {
        let mut diagnostic = Diagnostic::new(&self.file.name, span, clash.message()).with_help(help);
        if let Some(first) = clash.first_span {
            diagnostic = diagnostic.with_related(&self.file.name, first, "generated here first");
        }
        self.errors.push(diagnostic);
    }

    /// Where the key of the entry at `path` stands.
    fn span(&self, path: &YamlPath) -> Span {
        self.file.positions.key(path)
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
        self.plan(&mut model);
        model.layouts = crate::ir::layout::layouts(&model);
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
            fields,
            hash_key: KeyAttr::Field(hash_key),
            range_key,
            indexes: Vec::new(),
            ttl,
            queries: Vec::new(),
            projections: Vec::new(),
            access_patterns: Vec::new(),
            condition_fields: Vec::new(),
            entity: None,
            span: self.span(path),
        };
        table.indexes = self.indexes(def, &table, &field_names, &path.child("indexes"));
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
