//! Changes of keys, indexes and TTL: what stored items are found by.

use super::{Differ, Say, Severity};
use crate::diagnostic::Pos;
use crate::docs::type_text;
use crate::ir::layout::LayoutChange;
use crate::ir::{Codec, FieldType, IndexKind, KeyAttr, KeyType, ProjectionKind, Segment, Table};

impl Differ<'_> {
    /// A table's TTL attribute turned on, off, or moved; for an entity, whether its items
    /// expire. Judged by the IR's rule table, as `plan` judges it.
    pub(super) fn ttl(&mut self, path: &str, old: Option<String>, new: Option<String>, old_span: Pos, new_span: Pos) {
        let (change, message, why, instead) = match (old, new) {
            (a, b) if a == b => return,
            (None, Some(b)) => (
                LayoutChange::TtlOn(b.clone()),
                format!("TTL turned on, on attribute `{b}`"),
                "stored items whose attribute holds a past time will be deleted by DynamoDB",
                "check the stored values of the attribute before turning TTL on",
            ),
            (Some(a), None) => (
                LayoutChange::TtlOff(a.clone()),
                format!("TTL on attribute `{a}` turned off"),
                "",
                "",
            ),
            (a, b) => {
                let (from, to) = (a.unwrap_or_default(), b.unwrap_or_default());
                (
                    LayoutChange::TtlMoved {
                        from: from.clone(),
                        to: to.clone(),
                    },
                    format!("TTL moved from attribute `{from}` to `{to}`"),
                    "items expire by the new attribute, and `apply` cannot make the move in one step",
                    "DynamoDB moves TTL in two steps an hour apart: turn it off, deploy, wait an hour, then turn it on for the new attribute",
                )
            }
        };
        let old_place = (!matches!(change, LayoutChange::TtlOn(_))).then_some(old_span);
        self.add(
            path.to_owned(),
            old_place,
            Some(new_span),
            Say {
                severity: change.severity(),
                message,
                why,
                instead,
            },
        );
    }

    /// Vector indexes added, removed or changed, judged by the IR's rule table (as `plan`
    /// judges them) on the tables' layouts.
    pub(super) fn vector_indexes(&mut self, path: &str, old: &Table, new: &Table) {
        let (from, to) = (crate::ir::layout::of_table(old), crate::ir::layout::of_table(new));
        for change in crate::ir::layout::changes(&from, &to) {
            let (name, message, why, instead) = match &change {
                LayoutChange::VectorIndexAdded(name) => (
                    name,
                    format!("vector index `{name}` added"),
                    "DynamoDB builds it from the stored items before searches can use it",
                    "",
                ),
                LayoutChange::VectorIndexRemoved(name) => (
                    name,
                    format!("vector index `{name}` removed"),
                    "searches through it fail once it is deleted",
                    "deploy code that no longer searches it first",
                ),
                LayoutChange::VectorIndexChanged(name) => (
                    name,
                    format!("vector index `{name}` changed (vector, dimensions, distance or search schema)"),
                    "DynamoDB cannot change a vector index: `apply` deletes and rebuilds it, and searches fail meanwhile",
                    "add a vector index under a new name, move searches to it, then remove the old one",
                ),
                _ => continue,
            };
            let span = |t: &Table| t.vector_indexes.iter().find(|v| v.name == *name).map(|v| v.span);
            self.add(
                format!("{path}.vector_indexes.{name}"),
                span(old),
                span(new),
                Say {
                    severity: change.severity(),
                    message,
                    why,
                    instead,
                },
            );
        }
    }

    pub(super) fn hash_key(&mut self, path: &str, old: &Table, new: &Table) {
        let (a, b) = (&old.hash_key, &new.hash_key);
        let change = (StoredKey::of(old, a) != StoredKey::of(new, b))
            .then(|| format!("{} → {}", describe_key(old, a), describe_key(new, b)));
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

    pub(super) fn range_key(&mut self, path: &str, old: &Table, new: &Table) {
        let describe = |t: &Table| {
            t.range_key
                .as_ref()
                .map_or_else(|| "none".to_owned(), |k| describe_key(t, k))
        };
        let span = |t: &Table| t.range_key.as_ref().map_or(t.span, |k| key_span(t, k));
        let stored = |t| StoredKey::range(t);
        if stored(old) != stored(new) {
            let (a, b) = (describe(old), describe(new));
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

    /// Indexes added, removed or changed; their severity is the IR's rule table's (what `plan`
    /// refuses is breaking).
    pub(super) fn indexes(&mut self, path: &str, old: &Table, new: &Table) {
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
                            severity: LayoutChange::LocalIndexes.severity(),
                            message: format!("local index `{}` removed", a.name),
                            why: "a local secondary index can be neither added nor removed once the table exists",
                            instead: "keep the index, or create a new table and copy the items",
                        }
                    } else {
                        Say {
                            severity: LayoutChange::GlobalIndexRemoved(a.name.clone()).severity(),
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
                                severity: LayoutChange::LocalIndexes.severity(),
                                message: format!("index `{}` changed between local and global", a.name),
                                why: "a local secondary index can be neither added nor removed once the table exists",
                                instead: "give the new index another name",
                            },
                        );
                    } else if StoredKey::index(old, a) != StoredKey::index(new, b) {
                        self.add(
                            index_path,
                            Some(a.span),
                            Some(b.span),
                            if local {
                                Say {
                                    severity: LayoutChange::LocalIndexes.severity(),
                                    message: format!("local index `{}` changed: {da} → {db}", a.name),
                                    why: "a local secondary index cannot change once the table exists",
                                    instead: "create a new table with the new index and copy the items",
                                }
                            } else {
                                Say {
                                    severity: LayoutChange::GlobalIndexChanged(a.name.clone()).severity(),
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
                    severity: LayoutChange::LocalIndexes.severity(),
                    message: format!("local index `{}` added", b.name),
                    why: "a local secondary index can only be created with its table",
                    instead: "add a global index instead, or create a new table and copy the items",
                }
            } else {
                Say {
                    severity: LayoutChange::GlobalIndexAdded(b.name.clone()).severity(),
                    message: format!("global index `{}` added", b.name),
                    why: "",
                    instead: "",
                }
            };
            self.add(format!("{path}.indexes.{}", b.name), None, Some(b.span), say);
        }
    }
}

const KEY_WHY: &str = "keys never change once items exist: stored items keep the old key, so gets and queries by the new one find nothing, and a put creates a second item";
pub(super) const KEY_INSTEAD: &str =
    "create a new table with the new key and copy the items, or add a global index with the new key";

/// What changed between two key fields: stored name, type, or encoding.
/// A key attribute as a change names it: `` `isbn` (string) ``, `` `year_isbn` = [year (u16),
/// isbn (string)] joined by "#" ``, or an entity's `` `sk` = `ORDER#{id}` ``.
pub(super) fn describe_key(t: &Table, key: &KeyAttr) -> String {
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
        KeyAttr::Fields(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|i| {
                    let f = &t.fields[*i];
                    format!("`{}` ({})", f.attribute, type_text(&f.ty, f.codec))
                })
                .collect();
            format!("[{}]", parts.join(", "))
        }
    }
}

/// Where a key attribute is declared: its field, or its composite's first part.
pub(super) fn key_span(t: &Table, key: &KeyAttr) -> crate::ir::Span {
    match key {
        KeyAttr::Field(i) => t.fields[*i].span,
        KeyAttr::Fields(parts) => t.fields[parts[0]].span,
        KeyAttr::Composite(c) if c.template => c.span,
        KeyAttr::Composite(c) => c.parts().first().map_or(c.span, |i| t.fields[*i].span),
    }
}

/// What a key attribute stores, as typed values: two keys that compare equal store the same
/// bytes under the same attribute for the same item. The names of the fields a composite is
/// made of are not part of it (renaming a field's Rust name moves nothing); their stored types
/// and encodings are. Changes are found by comparing these; `describe_key` only words them.
#[derive(Debug, PartialEq)]
enum StoredKey<'a> {
    /// One field's own attribute.
    Field {
        attribute: &'a str,
        ty: &'a FieldType,
        codec: Codec,
        key_type: Option<KeyType>,
    },
    /// An attribute of its own, encoded from constants and fields.
    Composite {
        attribute: &'a str,
        separator: &'a str,
        segments: Vec<StoredSegment<'a>>,
    },
    /// A multi-attribute key: each field's own attribute, in order.
    Fields(Vec<StoredKey<'a>>),
}

/// One segment of a stored composite key.
#[derive(Debug, PartialEq)]
enum StoredSegment<'a> {
    Const(&'a str),
    Part { ty: &'a FieldType, codec: Codec },
}

/// What an index stores: its keys, its projection and the attributes it includes.
type StoredIndex<'a> = (StoredKey<'a>, Option<StoredKey<'a>>, &'a ProjectionKind, Vec<&'a str>);

impl<'a> StoredKey<'a> {
    /// A table's sort key, if any.
    fn range(t: &'a Table) -> Option<Self> {
        t.range_key.as_ref().map(|k| StoredKey::of(t, k))
    }

    /// An index of `t`, as typed values.
    fn index(t: &'a Table, i: &'a crate::ir::Index) -> StoredIndex<'a> {
        (
            StoredKey::of(t, &i.hash_key),
            i.range_key.as_ref().map(|r| StoredKey::of(t, r)),
            &i.projection,
            i.include.iter().map(|f| t.fields[*f].attribute.as_str()).collect(),
        )
    }

    fn of(t: &'a Table, key: &'a KeyAttr) -> Self {
        let field = |i: usize| {
            let f = &t.fields[i];
            StoredKey::Field {
                attribute: &f.attribute,
                ty: &f.ty,
                codec: f.codec,
                key_type: f.key_type,
            }
        };
        match key {
            KeyAttr::Field(i) => field(*i),
            KeyAttr::Fields(parts) => StoredKey::Fields(parts.iter().map(|i| field(*i)).collect()),
            KeyAttr::Composite(c) => StoredKey::Composite {
                attribute: &c.attribute,
                separator: &c.separator,
                segments: c
                    .segments
                    .iter()
                    .map(|s| match s {
                        Segment::Const(text) => StoredSegment::Const(text),
                        Segment::Field(i) => StoredSegment::Part {
                            ty: &t.fields[*i].ty,
                            codec: t.fields[*i].codec,
                        },
                    })
                    .collect(),
            },
        }
    }
}
