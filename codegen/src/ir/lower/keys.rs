//! Primary keys: the hash key (declared, or the generated `id: uuid`), and the range key as one
//! field or a composite of parts whose encoding sorts in value order.

use super::Structure;
use super::report::Report;
use crate::ir::{Codec, CompositeKey, Field, FieldOrigin, FieldType, KeyAttr, Scalar, Segment, Span};
use crate::schema::YamlPath;
use crate::schema::model::{RangeKeyDef, TableDef};

impl Structure<'_> {
    /// The hash key field's index into `fields`; adds the generated `id` when `hash_key` is
    /// omitted.
    pub(super) fn hash_key(
        &mut self,
        def: &TableDef,
        fields: &mut Vec<Field>,
        names: &[String],
        path: &YamlPath,
    ) -> Option<usize> {
        match &def.hash_key {
            Some(key) => self.key_field(key, fields, names, &path.child("hash_key"), "hash key"),
            None if names.iter().any(|f| f == "id") => {
                self.error_key(
                    &path.child("fields").child("id"),
                    "a field `id` is declared but `hash_key` is omitted, which generates `id: uuid`",
                    "set `hash_key: id` to key the table by this field, or rename it",
                );
                None
            }
            None => {
                let id = managed_field(
                    "id",
                    FieldType::Scalar(Scalar::Uuid),
                    FieldOrigin::GeneratedId,
                    "Unique id of the item, generated on create.",
                    self.span(path),
                )?;
                fields.insert(0, id);
                Some(0)
            }
        }
    }

    /// The range key, if any (`Some(None)` for none); `None` stops the table (already reported).
    pub(super) fn range_key(
        &mut self,
        def: &TableDef,
        fields: &mut [Field],
        names: &[String],
        hash_key: usize,
        path: &YamlPath,
    ) -> Option<Option<KeyAttr>> {
        let rk_path = path.child("range_key");
        let composite = match &def.range_key {
            None => return Some(None),
            Some(RangeKeyDef::Field(key)) => {
                let i = self.key_field(key, fields, names, &rk_path, "range key")?;
                if i == hash_key {
                    self.error(
                        &rk_path,
                        format!("`{key}` is already the hash key"),
                        "a range key is a different field; omit it when one hash key holds one item",
                    );
                }
                return Some(Some(KeyAttr::Field(i)));
            }
            Some(RangeKeyDef::Composite(composite)) => composite,
        };
        let separator = composite.separator.clone().unwrap_or_else(|| "#".to_owned());
        match separator.bytes().next() {
            None => self.error(
                &rk_path.child("separator"),
                "the separator is empty",
                "use a character such as `#`",
            ),
            // Text parts escape every character up to the one after the separator's first
            // (docs/encoding.md): that must be an ASCII character.
            Some(first) if first >= b'~' => self.error(
                &rk_path.child("separator"),
                format!("the separator {separator:?} does not start with an ASCII character below `~`"),
                "use `#` (the default, which keeps text parts readable) or another ASCII punctuation character",
            ),
            Some(_) => {}
        }
        if composite.parts.is_empty() {
            self.error(
                &rk_path.child("parts"),
                "a composite range key needs at least one part",
                "list the fields it is built from: `parts: [year, isbn]`",
            );
        }
        if fields.iter().any(|f| f.attribute == composite.attribute) {
            self.error(
                &rk_path.child("attribute"),
                format!("attribute `{}` is already a field's attribute", composite.attribute),
                "the composite key is stored in an attribute of its own: choose another name, such as `year_isbn`",
            );
        }
        let mut parts = Vec::new();
        for (n, part) in composite.parts.iter().enumerate() {
            let part_path = rk_path.child("parts").child(n);
            let Some(i) = self.find_field(part, fields, names, &part_path) else {
                continue;
            };
            if parts.contains(&i) || i == hash_key {
                self.error(
                    &part_path,
                    format!("`{part}` is used twice in the primary key"),
                    "each key field appears once",
                );
                continue;
            }
            self.check_part(&fields[i], &part_path);
            mark_part(&mut fields[i]);
            parts.push(i);
        }
        Some(Some(KeyAttr::Composite(CompositeKey {
            attribute: composite.attribute.clone(),
            segments: parts.into_iter().map(Segment::Field).collect(),
            separator,
            encoder: "encode_sort_key".to_owned(),
            template: false,
            span: self.span(&rk_path),
        })))
    }

    /// A field used as a table or index key: it must store S, N or B.
    pub(super) fn key_field(
        &mut self,
        name: &str,
        fields: &[Field],
        names: &[String],
        path: &YamlPath,
        what: &str,
    ) -> Option<usize> {
        let i = self.find_field(name, fields, names, path)?;
        let field = &fields[i];
        if field.key_type.is_none() {
            self.error(
                path,
                format!("{what} `{name}` is not a string, number or bytes field"),
                "DynamoDB keys are S, N or B: key by a string, integer, uuid, date, enum or bytes field",
            );
            return None;
        }
        // Index keys may be optional: items without them are left out of the index (a sparse
        // index). The table's own keys are in every item.
        if field.optional && !what.starts_with("index") {
            self.error(
                path,
                format!("{what} `{name}` is optional"),
                format!("every item has a {what}: remove `optional: true` from `{name}`"),
            );
        }
        Some(i)
    }

    pub(super) fn check_part(&mut self, field: &Field, path: &YamlPath) {
        let sortable = matches!(
            &field.ty,
            FieldType::Scalar(
                Scalar::String | Scalar::Int(_) | Scalar::Uuid | Scalar::Date | Scalar::DateTime | Scalar::Bool
            ) | FieldType::Enum(_)
        );
        if !sortable {
            self.error(
                path,
                format!(
                    "`{}` cannot be part of a composite range key: its encoding would not sort in value order",
                    field.name
                ),
                "use string, integer, uuid, date, datetime, bool or enum fields as parts",
            );
        }
        if field.optional {
            self.error(
                path,
                format!("key part `{}` is optional", field.name),
                format!("remove `optional: true` from `{}`", field.name),
            );
        }
    }
}

/// Adds the rules a composite key part needs to keep its order: a date or time needs a
/// four-digit year. (Text parts need none: the runtime escapes them, so any string sorts
/// exactly; see `docs/encoding.md`.)
pub(super) fn mark_part(field: &mut Field) {
    if let FieldType::Scalar(Scalar::Date | Scalar::DateTime) = field.ty {
        field.rules.four_digit_year = true;
    }
}

/// A field that ddbgen manages (generated id, audit columns, version); `None` when its name
/// makes no Rust identifier.
pub(super) fn managed_field(name: &str, ty: FieldType, origin: FieldOrigin, doc: &str, span: Span) -> Option<Field> {
    let mut field = Field::new(name, ty, Codec::Native, origin, span)?;
    field.doc = Some(doc.to_owned());
    Some(field)
}
