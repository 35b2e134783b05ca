//! `ddbgen diff OLD NEW`: every change between two versions of a schema file, classified by
//! what it does to a table that already holds data.
//!
//! - **breaking**: stored items or keys no longer read back, or the change cannot be deployed
//!   (a key's attribute, type, parts, order, separator or encoding; a stored attribute's type,
//!   encoding or name; a field removed; a required field added; an LSI added, removed or
//!   changed; an enum value removed);
//! - **risky**: it deploys, but stored items may no longer validate, or an index is rebuilt
//!   (a tightened rule, a GSI's key or projection changed, a GSI removed, TTL changed);
//! - **safe**: an optional field, a new GSI or table, a new enum value, a loosened rule, docs.
//!
//! Both files are compiled first, so the comparison is between two checked [`Model`]s: the
//! codecs, key types and index fields the generator itself uses.

use std::cmp::Ordering;
use std::fmt::Write as _;

use crate::diagnostic::Pos;
use crate::docs::type_text;
use crate::ir::{
    Field, FieldOrigin, IndexKind, KeyAttr, Literal, Model, NamedKind, NamedType, ProjectionKind, Rules, Table,
};
use crate::{Diagnostics, SchemaSource};

/// How much a change matters to a deployed table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Stored data no longer reads back, or the change cannot be deployed in place.
    Breaking,
    /// Deployable, but stored items may no longer validate, or an index is rebuilt.
    Risky,
    /// Nothing stored is affected.
    Safe,
}

impl Severity {
    fn word(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Risky => "risky",
            Severity::Safe => "safe",
        }
    }
}

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
        let keys_old: Vec<&str> = old.key_fields().iter().map(|f| f.name.as_str()).collect();
        let keys_new: Vec<&str> = new.key_fields().iter().map(|f| f.name.as_str()).collect();
        let old_fields: Vec<&Field> = old
            .fields
            .iter()
            .filter(|f| !keys_old.contains(&f.name.as_str()))
            .collect();
        let new_fields: Vec<&Field> = new
            .fields
            .iter()
            .filter(|f| !keys_new.contains(&f.name.as_str()))
            .collect();
        self.fields(&format!("{path}.fields"), &old_fields, &new_fields, Some(new.span));
        self.indexes(path, old, new);
        let at = format!("{path}.ttl");
        self.ttl(&at, old.ttl_attribute(), new.ttl_attribute(), old.span, new.span);
    }

    /// A table's TTL attribute turned on, off, or moved; for an entity, whether its items
    /// expire.
    fn ttl(&mut self, path: &str, old: Option<String>, new: Option<String>, old_span: Pos, new_span: Pos) {
        match (old, new) {
            (a, b) if a == b => {}
            (None, Some(b)) => self.add(
                path.to_owned(),
                None,
                Some(new_span),
                Say {
                    severity: Severity::Risky,
                    message: format!("TTL turned on, on attribute `{b}`"),
                    why: "stored items whose attribute holds a past time will be deleted by DynamoDB",
                    instead: "check the stored values of the attribute before turning TTL on",
                },
            ),
            (Some(a), None) => self.add(
                path.to_owned(),
                Some(old_span),
                Some(new_span),
                Say {
                    severity: Severity::Safe,
                    message: format!("TTL on attribute `{a}` turned off"),
                    why: "",
                    instead: "",
                },
            ),
            (a, b) => self.add(
                path.to_owned(),
                Some(old_span),
                Some(new_span),
                Say {
                    severity: Severity::Risky,
                    message: format!(
                        "TTL moved from attribute `{}` to `{}`",
                        a.unwrap_or_default(),
                        b.unwrap_or_default()
                    ),
                    why: "items expire by the new attribute; DynamoDB takes up to an hour to switch TTL off and on",
                    instead: "",
                },
            ),
        }
    }

    fn hash_key(&mut self, path: &str, old: &Table, new: &Table) {
        let change = match (&old.hash_key, &new.hash_key) {
            (KeyAttr::Field(a), KeyAttr::Field(b)) => key_field_change(&old.fields[*a], &new.fields[*b]),
            (a, b) => {
                let (a, b) = (describe_key(old, a), describe_key(new, b));
                (a != b).then(|| format!("{a} → {b}"))
            }
        };
        if let Some(change) = change {
            self.add(
                format!("{path}.hash_key"),
                Some(key_span(old, &old.hash_key)),
                Some(key_span(new, &new.hash_key)),
                Say {
                    severity: Severity::Breaking,
                    message: format!("the partition key changed: {change}"),
                    why: KEY_WHY,
                    instead: KEY_INSTEAD,
                },
            );
        }
    }

    fn range_key(&mut self, path: &str, old: &Table, new: &Table) {
        let describe = |t: &Table| {
            t.range_key
                .as_ref()
                .map_or_else(|| "none".to_owned(), |k| describe_key(t, k))
        };
        let span = |t: &Table| t.range_key.as_ref().map_or(t.span, |k| key_span(t, k));
        let (a, b) = (describe(old), describe(new));
        if a != b {
            self.add(
                format!("{path}.range_key"),
                Some(span(old)),
                Some(span(new)),
                Say {
                    severity: Severity::Breaking,
                    message: format!("the sort key changed: {a} → {b}"),
                    why: KEY_WHY,
                    instead: KEY_INSTEAD,
                },
            );
        }
    }

    fn fields(&mut self, path: &str, old: &[&Field], new: &[&Field], parent: Option<Pos>) {
        for a in old {
            let field_path = format!("{path}.{}", a.name);
            match new.iter().find(|b| b.name == a.name) {
                Some(b) => self.field(&field_path, a, b),
                None => self.add(
                    field_path,
                    Some(a.span),
                    parent,
                    Say {
                        severity: Severity::Breaking,
                        message: format!("field `{}` (attribute `{}`) removed", a.name, a.attribute),
                        why: "stored items still hold the attribute; a replace or upsert now writes them back without it, losing it silently",
                        instead: "keep the field, as `optional: true`, until the stored data no longer holds it",
                    },
                ),
            }
        }
        for b in new {
            if old.iter().any(|a| a.name == b.name) {
                continue;
            }
            let say = if b.optional {
                Say {
                    severity: Severity::Safe,
                    message: format!("optional field `{}` added", b.name),
                    why: "",
                    instead: "",
                }
            } else if b.origin != FieldOrigin::Declared {
                Say {
                    severity: Severity::Breaking,
                    message: format!("managed attribute `{}` added (`audit:` or `version:`)", b.attribute),
                    why: "stored items do not have the attribute, and reading an item without it is an error",
                    instead: "backfill the attribute on every stored item (audit times, or version 1) before deploying",
                }
            } else {
                Say {
                    severity: Severity::Breaking,
                    message: format!("required field `{}` added", b.name),
                    why: "stored items do not have the attribute, and reading an item without a required attribute is an error (a default applies to new items only)",
                    instead: "add it with `optional: true`, backfill the stored items, then make it required",
                }
            };
            self.add(format!("{path}.{}", b.name), None, Some(b.span), say);
        }
    }

    fn field(&mut self, path: &str, a: &Field, b: &Field) {
        let (old, new) = (Some(a.span), Some(b.span));
        if a.attribute != b.attribute {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: format!("stored attribute renamed from `{}` to `{}`", a.attribute, b.attribute),
                    why: "stored items hold the old attribute; reads look for the new one",
                    instead: "keep `attribute:` at the old name (the Rust name may change freely)",
                },
            );
        }
        let (ta, tb) = (type_text(&a.ty, a.codec), type_text(&b.ty, b.codec));
        if ta != tb {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: format!("type changed from {ta} to {tb}"),
                    why: "stored values keep the old type and encoding, and no longer read back",
                    instead: "add a new field with the new type, backfill it, and remove the old one later",
                },
            );
        }
        match (a.optional, b.optional) {
            (true, false) => self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Breaking,
                    message: "an optional field became required".to_owned(),
                    why: "stored items without the attribute no longer read back",
                    instead: "backfill every stored item first, then make it required",
                },
            ),
            (false, true) => self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Safe,
                    message: "a required field became optional".to_owned(),
                    why: "",
                    instead: "",
                },
            ),
            _ => {}
        }
        if a.nullable != b.nullable {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Risky,
                    message: format!("`nullable` changed from {} to {}", a.nullable, b.nullable),
                    why: "items written before store absence differently (NULL or no attribute)",
                    instead: "",
                },
            );
        }
        self.rules(path, a, b);
        if a.doc != b.doc || a.default != b.default {
            self.add(
                path.to_owned(),
                old,
                new,
                Say {
                    severity: Severity::Safe,
                    message: if a.doc != b.doc {
                        "documentation changed".to_owned()
                    } else {
                        "default changed (for new items only)".to_owned()
                    },
                    why: "",
                    instead: "",
                },
            );
        }
    }

    fn rules(&mut self, path: &str, a: &Field, b: &Field) {
        let changes = rule_changes(&a.rules, &b.rules);
        for (tightened, what) in changes {
            let say = if tightened {
                Say {
                    severity: Severity::Risky,
                    message: format!("rule tightened: {what}"),
                    why: "stored items may no longer validate: a replace of such an item fails until it is fixed",
                    instead: "check the stored items against the new rule first (a scan with a filter), or fix them",
                }
            } else {
                Say {
                    severity: Severity::Safe,
                    message: format!("rule loosened: {what}"),
                    why: "",
                    instead: "",
                }
            };
            self.add(path.to_owned(), Some(a.span), Some(b.span), say);
        }
    }

    fn indexes(&mut self, path: &str, old: &Table, new: &Table) {
        let describe = |t: &Table, i: &crate::ir::Index| -> String {
            let range = i
                .range_key
                .as_ref()
                .map_or_else(|| "none".to_owned(), |r| describe_key(t, r));
            let include: Vec<&str> = i.include.iter().map(|f| t.fields[*f].attribute.as_str()).collect();
            let projection = match i.projection {
                ProjectionKind::All => "all",
                ProjectionKind::KeysOnly => "keys_only",
                ProjectionKind::Include => "include",
            };
            format!(
                "partition key {}, sort key {range}, projection {projection}{}",
                describe_key(t, &i.hash_key),
                if include.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", include.join(", "))
                }
            )
        };
        for a in &old.indexes {
            let index_path = format!("{path}.indexes.{}", a.name);
            let local = a.kind == IndexKind::Local;
            match new.indexes.iter().find(|b| b.name == a.name) {
                None => self.add(
                    index_path,
                    Some(a.span),
                    Some(new.span),
                    if local {
                        Say {
                            severity: Severity::Breaking,
                            message: format!("local index `{}` removed", a.name),
                            why: "a local secondary index can be neither added nor removed once the table exists",
                            instead: "keep the index, or create a new table and copy the items",
                        }
                    } else {
                        Say {
                            severity: Severity::Risky,
                            message: format!("global index `{}` removed", a.name),
                            why: "deploying deletes the index; its query method disappears from the generated code",
                            instead: "",
                        }
                    },
                ),
                Some(b) => {
                    let (da, db) = (describe(old, a), describe(new, b));
                    if a.kind != b.kind {
                        self.add(
                            index_path,
                            Some(a.span),
                            Some(b.span),
                            Say {
                                severity: Severity::Breaking,
                                message: format!("index `{}` changed between local and global", a.name),
                                why: "a local secondary index can be neither added nor removed once the table exists",
                                instead: "give the new index another name",
                            },
                        );
                    } else if da != db {
                        self.add(
                            index_path,
                            Some(a.span),
                            Some(b.span),
                            if local {
                                Say {
                                    severity: Severity::Breaking,
                                    message: format!("local index `{}` changed: {da} → {db}", a.name),
                                    why: "a local secondary index cannot change once the table exists",
                                    instead: "create a new table with the new index and copy the items",
                                }
                            } else {
                                Say {
                                    severity: Severity::Risky,
                                    message: format!("global index `{}` changed: {da} → {db}", a.name),
                                    why: "the index is deleted and created again: queries by it fail until it is backfilled",
                                    instead: "add a global index under a new name, switch the queries, then remove the old one",
                                }
                            },
                        );
                    }
                }
            }
        }
        for b in &new.indexes {
            if old.indexes.iter().any(|a| a.name == b.name) {
                continue;
            }
            let say = if b.kind == IndexKind::Local {
                Say {
                    severity: Severity::Breaking,
                    message: format!("local index `{}` added", b.name),
                    why: "a local secondary index can only be created with its table",
                    instead: "add a global index instead, or create a new table and copy the items",
                }
            } else {
                Say {
                    severity: Severity::Safe,
                    message: format!("global index `{}` added", b.name),
                    why: "",
                    instead: "",
                }
            };
            self.add(format!("{path}.indexes.{}", b.name), None, Some(b.span), say);
        }
    }

    fn named_type(&mut self, path: &str, old: &NamedType, new: &NamedType) {
        match (&old.kind, &new.kind) {
            (NamedKind::Enum(a), NamedKind::Enum(b)) => {
                for variant in a {
                    if !b.iter().any(|v| v.value == variant.value) {
                        self.add(
                            format!("{path}.enum"),
                            Some(variant.span),
                            Some(new.span),
                            Say {
                                severity: Severity::Breaking,
                                message: format!("enum value `{}` removed", variant.value),
                                why: "stored items holding the value no longer read back",
                                instead: "keep the value until no stored item holds it (a scan with a filter finds them)",
                            },
                        );
                    }
                }
                for variant in b {
                    if !a.iter().any(|v| v.value == variant.value) {
                        self.add(
                            format!("{path}.enum"),
                            None,
                            Some(variant.span),
                            Say {
                                severity: Severity::Safe,
                                message: format!("enum value `{}` added", variant.value),
                                why: "",
                                instead: "",
                            },
                        );
                    }
                }
            }
            (NamedKind::Object(a), NamedKind::Object(b)) => {
                let (a, b): (Vec<&Field>, Vec<&Field>) = (a.iter().collect(), b.iter().collect());
                self.fields(&format!("{path}.fields"), &a, &b, Some(new.span));
            }
            _ => self.add(
                path.to_owned(),
                Some(old.span),
                Some(new.span),
                Say {
                    severity: Severity::Breaking,
                    message: "changed between an enum and an object".to_owned(),
                    why: "stored values keep the old shape",
                    instead: "declare a new type under another name",
                },
            ),
        }
    }
}

const KEY_WHY: &str = "keys never change once items exist: stored items keep the old key, so gets and queries by the new one find nothing, and a put creates a second item";
const KEY_INSTEAD: &str =
    "create a new table with the new key and copy the items, or add a global index with the new key";

/// What changed between two key fields: stored name, type, or encoding.
/// A key attribute as a change names it: `` `isbn` (string) ``, `` `year_isbn` = [year (u16),
/// isbn (string)] joined by "#" ``, or an entity's `` `sk` = `ORDER#{id}` ``.
fn describe_key(t: &Table, key: &KeyAttr) -> String {
    match key {
        KeyAttr::Field(i) => {
            let f = &t.fields[*i];
            format!("`{}` ({})", f.attribute, type_text(&f.ty, f.codec))
        }
        KeyAttr::Composite(c) if !c.template => {
            let parts: Vec<String> = c
                .parts()
                .iter()
                .map(|i| {
                    let f = &t.fields[*i];
                    format!("{} ({})", f.name, type_text(&f.ty, f.codec))
                })
                .collect();
            format!("`{}` = [{}] joined by {:?}", c.attribute, parts.join(", "), c.separator)
        }
        KeyAttr::Composite(c) => {
            let parts: Vec<String> = c
                .parts()
                .iter()
                .map(|i| {
                    format!(
                        "{} ({})",
                        t.fields[*i].name,
                        type_text(&t.fields[*i].ty, t.fields[*i].codec)
                    )
                })
                .collect();
            format!("`{}` = `{}` [{}]", c.attribute, c.template(&t.fields), parts.join(", "))
        }
    }
}

/// Where a key attribute is declared: its field, or its composite's first part.
fn key_span(t: &Table, key: &KeyAttr) -> crate::ir::Span {
    match key {
        KeyAttr::Field(i) => t.fields[*i].span,
        KeyAttr::Composite(c) if c.template => c.span,
        KeyAttr::Composite(c) => c.parts().first().map_or(c.span, |i| t.fields[*i].span),
    }
}

fn key_field_change(a: &Field, b: &Field) -> Option<String> {
    let (ta, tb) = (type_text(&a.ty, a.codec), type_text(&b.ty, b.codec));
    (a.attribute != b.attribute || ta != tb || a.key_type != b.key_type)
        .then(|| format!("`{}` ({ta}) → `{}` ({tb})", a.attribute, b.attribute))
}

/// Compares two literals of one type; `None` when they do not order (strings, mixed kinds).
fn compare(a: &Literal, b: &Literal) -> Option<Ordering> {
    match (a, b) {
        (Literal::Int(a), Literal::Int(b)) => Some(a.cmp(b)),
        (Literal::Float(a), Literal::Float(b)) => a.partial_cmp(b),
        (
            Literal::Decimal {
                mantissa: ma,
                scale: sa,
            },
            Literal::Decimal {
                mantissa: mb,
                scale: sb,
            },
        ) => {
            // Bring both to the larger scale; 28 digits fit an i128 with room to spare.
            let scale = (*sa).max(*sb);
            let widen = |m: i128, s: u32| m.checked_mul(10i128.checked_pow(scale - s)?);
            Some(widen(*ma, *sa)?.cmp(&widen(*mb, *sb)?))
        }
        _ => None,
    }
}

/// Each rule that changed: (tightened?, what).
fn rule_changes(a: &Rules, b: &Rules) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let show = |l: &Option<Literal>| l.as_ref().map_or("none".to_owned(), Literal::display);
    // A lower bound tightens when it rises (or appears); an upper one when it falls.
    let mut bound = |name: &str, old: &Option<Literal>, new: &Option<Literal>, rising_tightens: bool| {
        let tightened = match (old, new) {
            (None, None) => return,
            (None, Some(_)) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => match compare(x, y) {
                Some(Ordering::Equal) => return,
                Some(Ordering::Less) => rising_tightens,
                Some(Ordering::Greater) => !rising_tightens,
                None if x == y => return,
                None => true,
            },
        };
        out.push((tightened, format!("{name} {} → {}", show(old), show(new))));
    };
    bound("min", &a.min, &b.min, true);
    bound("max", &a.max, &b.max, false);
    let int = |v: Option<u64>| v.map(|n| Literal::Int(i128::from(n)));
    bound("min_length", &int(a.min_length), &int(b.min_length), true);
    bound("max_length", &int(a.max_length), &int(b.max_length), false);
    if a.pattern != b.pattern {
        let tightened = b.pattern.is_some();
        out.push((
            tightened,
            format!(
                "pattern {} → {}",
                a.pattern.as_deref().unwrap_or("none"),
                b.pattern.as_deref().unwrap_or("none")
            ),
        ));
    }
    if a.one_of != b.one_of {
        let widened = !a.one_of.is_empty() && a.one_of.iter().all(|v| b.one_of.contains(v)) || b.one_of.is_empty();
        let list = |l: &[Literal]| l.iter().map(Literal::display).collect::<Vec<_>>().join(", ");
        out.push((
            !widened,
            format!("one_of [{}] → [{}]", list(&a.one_of), list(&b.one_of)),
        ));
    }
    if a.non_empty != b.non_empty {
        out.push((b.non_empty, format!("non_empty {} → {}", a.non_empty, b.non_empty)));
    }
    if a.custom != b.custom {
        out.push((
            b.custom.is_some(),
            format!(
                "custom {} → {}",
                a.custom.as_deref().unwrap_or("none"),
                b.custom.as_deref().unwrap_or("none")
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_tighten_in_their_own_direction() {
        let rules = |min: Option<i128>, max: Option<i128>| Rules {
            min: min.map(Literal::Int),
            max: max.map(Literal::Int),
            ..Rules::default()
        };
        let changes = rule_changes(&rules(Some(1), Some(10)), &rules(Some(2), Some(20)));
        assert_eq!(
            changes,
            [(true, "min 1 → 2".to_owned()), (false, "max 10 → 20".to_owned())]
        );
        let decimal = |m, s| Literal::Decimal { mantissa: m, scale: s };
        assert_eq!(compare(&decimal(150, 2), &decimal(15, 1)), Some(Ordering::Equal));
        assert_eq!(compare(&decimal(151, 2), &decimal(15, 1)), Some(Ordering::Greater));
    }
}
