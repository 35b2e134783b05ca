//! `ddbgen diff OLD NEW`: every change between two versions of a schema file, classified by
//! what it does to a table that already holds data.
//!
//! - **breaking**: stored items or keys no longer read back, or the change cannot be deployed
//!   (a key's attribute, type, parts, order, separator or encoding; a stored attribute's type,
//!   encoding or name; a field removed; a required field added; an LSI added, removed or
//!   changed; TTL moved to another attribute; an enum value removed);
//! - **risky**: it deploys, but stored items may no longer validate, or an index is rebuilt
//!   (a tightened rule, a GSI's key or projection changed, a GSI removed, TTL turned on);
//! - **safe**: an optional field, a new GSI or table, a new enum value, a loosened rule, docs.
//!
//! Both files are compiled first, so the comparison is between two checked [`Model`]s: the
//! codecs, key types and index fields the generator itself uses.

use std::fmt::Write as _;

mod fields;
mod keys;

use crate::diagnostic::Pos;
use crate::ir::{Field, KeyAttr, Model, Table};
use crate::{Diagnostics, SchemaSource};

pub use crate::ir::layout::Severity;

/// A place in one of the two files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    /// The file's name.
    pub file: String,
    /// Line, from 1.
    pub line: u64,
    /// Column, from 1.
    pub column: u64,
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// Breaking, risky or safe.
    pub severity: Severity,
    /// The schema path (`tables.Book.fields.price`).
    pub path: String,
    /// What changed.
    pub message: String,
    /// Why it matters (empty for safe changes).
    pub why: String,
    /// What to do instead (empty when nothing is needed).
    pub instead: String,
    /// Where it is in the old file (absent for additions).
    pub old: Option<Place>,
    /// Where it is in the new file (absent for removals).
    pub new: Option<Place>,
}

/// Every change between two schema files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// The findings, in schema order, most severe first within each place.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }

    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.count(Severity::Breaking) > 0
    }

    /// The report for people: one block per finding, and a summary line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for f in &self.findings {
            let _ = writeln!(out, "{}: {}: {}", f.severity.word(), f.path, f.message);
            for (label, place) in [("old", &f.old), ("new", &f.new)] {
                if let Some(p) = place {
                    let _ = writeln!(out, "  {label}: {}:{}:{}", p.file, p.line, p.column);
                }
            }
            if !f.why.is_empty() {
                let _ = writeln!(out, "  why: {}", f.why);
            }
            if !f.instead.is_empty() {
                let _ = writeln!(out, "  instead: {}", f.instead);
            }
        }
        let _ = writeln!(
            out,
            "{} breaking, {} risky, {} safe",
            self.count(Severity::Breaking),
            self.count(Severity::Risky),
            self.count(Severity::Safe)
        );
        out
    }

    /// The report for tools: `{"findings": [...], "breaking": n, "risky": n, "safe": n}`.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "findings": self.findings,
            "breaking": self.count(Severity::Breaking),
            "risky": self.count(Severity::Risky),
            "safe": self.count(Severity::Safe),
        })
        .to_string()
    }
}

/// Compiles both files and classifies every change from `old` to `new`.
pub fn diff(old: &SchemaSource, new: &SchemaSource) -> Result<Report, Diagnostics> {
    let old_model = compile_one(old);
    let new_model = compile_one(new);
    let (old_model, new_model) = match (old_model, new_model) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(a), Err(b)) => return Err(Diagnostics(a.0.into_iter().chain(b.0).collect())),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let mut differ = Differ {
        old_file: &old.name,
        new_file: &new.name,
        findings: Vec::new(),
    };
    differ.models(&old_model, &new_model);
    Ok(Report {
        findings: differ.findings,
    })
}

fn compile_one(source: &SchemaSource) -> Result<Model, Diagnostics> {
    crate::compile(std::slice::from_ref(source)).map(|mut modules| modules.remove(0).2)
}

struct Differ<'a> {
    old_file: &'a str,
    new_file: &'a str,
    findings: Vec<Finding>,
}

/// What a finding says: severity, message, why, instead.
struct Say<'s> {
    severity: Severity,
    message: String,
    why: &'s str,
    instead: &'s str,
}

impl Differ<'_> {
    fn place(file: &str, pos: Option<Pos>) -> Option<Place> {
        pos.map(|p| Place {
            file: file.to_owned(),
            line: p.line,
            column: p.column,
        })
    }

    fn add(&mut self, path: String, old: Option<Pos>, new: Option<Pos>, say: Say<'_>) {
        self.findings.push(Finding {
            severity: say.severity,
            path,
            message: say.message,
            why: say.why.to_owned(),
            instead: say.instead.to_owned(),
            old: Self::place(self.old_file, old),
            new: Self::place(self.new_file, new),
        });
    }

    fn models(&mut self, old: &Model, new: &Model) {
        // A table is known by its DynamoDB name; an entity by its table's name and the name its
        // discriminator stores.
        let identity = |t: &Table| (t.table_name.clone(), t.entity.as_ref().map(|e| e.value.clone()));
        let path = |model: &Model, t: &Table| match &t.entity {
            Some(entity) => {
                let single = model
                    .single_tables
                    .iter()
                    .find(|s| s.table_name == t.table_name)
                    .map_or(t.table_name.as_str(), |s| s.name.as_str());
                format!("tables.{single}.entities.{}", entity.value)
            }
            None => format!("tables.{}", t.names.item),
        };
        // The same table or entity of the schema under another DynamoDB table name: its items
        // are not in the new table.
        let renamed = |table: &Table| {
            new.tables.iter().find(|t| {
                path(new, t) == path(old, table)
                    && identity(t) != identity(table)
                    && !old.tables.iter().any(|o| identity(o) == identity(t))
            })
        };
        for table in &old.tables {
            let at = path(old, table);
            match new.tables.iter().find(|t| identity(t) == identity(table)) {
                Some(other) => self.table(&at, table, other),
                None if let Some(other) = renamed(table) => {
                    self.add(
                        at.clone(),
                        Some(table.span),
                        Some(other.span),
                        Say {
                            severity: Severity::Breaking,
                            message: format!(
                                "the DynamoDB table changed: `{}` → `{}`",
                                table.table_name, other.table_name
                            ),
                            why: "the stored items stay in the old table: reads of the new one find none of them",
                            instead: "keep `table_name:` and rename only the schema, or copy the items to the new table first",
                        },
                    );
                    self.table(&at, table, other);
                }
                None if table.entity.is_some() => self.add(
                    at,
                    Some(table.span),
                    None,
                    Say {
                        severity: Severity::Breaking,
                        message: format!(
                            "entity `{}` removed from table `{}`",
                            table.names.item, table.table_name
                        ),
                        why: "its items stay in the table under their discriminator, and a scan or stream of the whole table now meets items of an entity it does not know: an error (renaming an entity is removing it and adding another)",
                        instead: "delete or migrate the entity's items first, or keep the entity",
                    },
                ),
                None => self.add(
                    at,
                    Some(table.span),
                    None,
                    Say {
                        severity: Severity::Risky,
                        message: format!("table `{}` removed from the schema", table.table_name),
                        why: "ddbgen never deletes a table: its items stay in DynamoDB, and nothing generated reads them any more",
                        instead: "delete the table deliberately once its data is migrated or no longer needed",
                    },
                ),
            }
        }
        for table in &new.tables {
            let was_renamed = old
                .tables
                .iter()
                .any(|o| renamed(o).is_some_and(|r| identity(r) == identity(table)));
            if !was_renamed && !old.tables.iter().any(|t| identity(t) == identity(table)) {
                let message = match &table.entity {
                    Some(_) => format!("entity `{}` added to table `{}`", table.names.item, table.table_name),
                    None => format!("table `{}` added", table.table_name),
                };
                self.add(
                    path(new, table),
                    None,
                    Some(table.span),
                    Say {
                        severity: Severity::Safe,
                        message,
                        why: "",
                        instead: "",
                    },
                );
            }
        }
        // A single table has one TTL attribute. A change of it that no kept entity explains
        // (an entity that expires was added or removed) is reported on the table.
        for single in &old.single_tables {
            let Some(other) = new.single_tables.iter().find(|s| s.table_name == single.table_name) else {
                continue;
            };
            let explained = old
                .tables
                .iter()
                .filter(|t| t.entity.is_some() && t.table_name == single.table_name)
                .any(|t| {
                    new.tables
                        .iter()
                        .find(|n| identity(n) == identity(t))
                        .is_some_and(|n| n.ttl_attribute() != t.ttl_attribute())
                });
            if !explained {
                let at = format!("tables.{}.ttl", other.name);
                self.ttl(&at, single.ttl.clone(), other.ttl.clone(), single.span, other.span);
            }
        }
        for ty in &old.types {
            let path = format!("types.{}", ty.name);
            if let Some(other) = new.types.iter().find(|t| t.name == ty.name) {
                self.named_type(&path, ty, other);
            }
        }
    }

    fn table(&mut self, path: &str, old: &Table, new: &Table) {
        self.hash_key(path, old, new);
        self.range_key(path, old, new);
        // Every field is compared, key fields too (their rules and docs); what a key stores
        // (attribute, type, encoding) is the key diff's above, so it is not reported twice.
        let key_attributes: Vec<&str> = [Some(&old.hash_key), old.range_key.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|k| match k {
                KeyAttr::Field(i) => Some(old.fields[*i].attribute.as_str()),
                KeyAttr::Composite(_) | KeyAttr::Fields(_) => None,
            })
            .collect();
        let old_fields: Vec<&Field> = old.fields.iter().collect();
        let new_fields: Vec<&Field> = new.fields.iter().collect();
        self.fields(
            &format!("{path}.fields"),
            &old_fields,
            &new_fields,
            Some(new.span),
            &key_attributes,
        );
        self.indexes(path, old, new);
        self.vector_indexes(path, old, new);
        let at = format!("{path}.ttl");
        self.ttl(&at, old.ttl_attribute(), new.ttl_attribute(), old.span, new.span);
    }
}
