//! What every lowering pass shares: the file it reads, and reporting a problem at a place of
//! it. Each pass owns its own state and its diagnostics, and implements [`Report`] to reach
//! them; these provided methods are the only way a pass reports.

use indexmap::IndexMap;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::ir::names::Clash;
use crate::ir::{Field, FieldOrigin, Span, Table};
use crate::schema::model::{AccessPatternDef, FieldDef};
use crate::schema::{SchemaFile, YamlPath};

/// Where a table of the IR is declared: its entry under `tables:`, or for an entity its entry
/// under its single table's `entities:`; with what both kinds declare alike.
pub(super) struct Declared<'a> {
    /// The declared fields, by name.
    pub(super) fields: &'a IndexMap<String, FieldDef>,
    /// `projections:`.
    pub(super) projections: &'a IndexMap<String, Vec<String>>,
    /// `access_patterns:`.
    pub(super) access_patterns: &'a IndexMap<String, AccessPatternDef>,
    /// The path of the entry.
    pub(super) path: YamlPath,
}

/// A lowering pass: it reads `file` and collects its own diagnostics.
pub(super) trait Report<'a> {
    /// The file the pass reads.
    fn file(&self) -> &'a SchemaFile;

    /// The pass's diagnostics so far.
    fn errors(&mut self) -> &mut Vec<Diagnostic>;

    /// An error at the value of the entry at `path`.
    fn error(&mut self, path: &YamlPath, message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = self.file().error_at(path, message).with_help(help);
        self.errors().push(diagnostic);
    }

    /// An error at the key of the entry at `path`.
    fn error_key(&mut self, path: &YamlPath, message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = self.file().error_at_key(path, message).with_help(help);
        self.errors().push(diagnostic);
    }

    /// An error at a span already in the IR.
    fn error_span(&mut self, span: Span, message: impl Into<String>, help: impl Into<String>) {
        let diagnostic = Diagnostic::new(&self.file().name, span, message).with_help(help);
        self.errors().push(diagnostic);
    }

    /// A name generated twice: the error at `span`, with the first claim's place as related.
    fn clash(&mut self, span: Span, clash: &Clash, help: &str) {
        let file = self.file();
        let mut diagnostic = Diagnostic::new(&file.name, span, clash.message()).with_help(help);
        if let Some(first) = clash.first_span {
            diagnostic = diagnostic.with_related(&file.name, first, "generated here first");
        }
        self.errors().push(diagnostic);
    }

    /// Where the key of the entry at `path` stands.
    fn span(&self, path: &YamlPath) -> Span {
        self.file().positions.key(path)
    }

    /// The declaration of `table` (an entity's is the one its span points at).
    fn declared(&self, table: &Table) -> Option<Declared<'a>> {
        let file: &'a SchemaFile = self.file();
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

    /// The field called `name`, or a reported error with a did-you-mean.
    fn find_field(&mut self, name: &str, fields: &[Field], names: &[String], path: &YamlPath) -> Option<usize> {
        if let Some(i) = fields
            .iter()
            .position(|f| f.name == name && f.origin != FieldOrigin::GeneratedId)
        {
            return Some(i);
        }
        if names.iter().any(|n| n == name) {
            return None; // declared but invalid: already reported
        }
        let help = match did_you_mean(name, names.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("declare `{name}` under `fields:`"),
        };
        self.error(path, format!("no field named `{name}`"), help);
        None
    }
}
