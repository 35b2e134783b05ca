//! `unique: true`: which fields may keep their value unique across a table. The runtime keeps
//! one sentinel item per value in the same table (its hash key is a reserved string built from
//! the attribute and the value), so the table's keys must be able to hold one, and nothing
//! may read sentinels as items.

use super::Structure;
use super::report::Report;
use crate::ir::{Field, FieldType, KeyType, Scalar, Table};
use crate::schema::YamlPath;

/// What to write instead, for a field that cannot be unique where it is.
const FIX: &str = "remove `unique: true`";

impl Structure<'_> {
    /// Checks every `unique` field of the plain table `table`, declared at `path`.
    pub(super) fn unique_fields(&mut self, table: &Table, path: &YamlPath) {
        let keys = table.key_field_indexes();
        let fields = path.child("fields");
        let mut any = false;
        for (i, field) in table.fields.iter().enumerate().filter(|(_, f)| f.unique) {
            any = true;
            let at = fields.child(&field.name).child("unique");
            if keys.contains(&i) {
                self.error(
                    &at,
                    format!("`{}` is part of the table's key, which is unique already", field.name),
                    FIX,
                );
            } else if !unique_type(&field.ty) {
                self.error(
                    &at,
                    format!(
                        "`{}` cannot be unique: only a string, uuid, integer, date or enum value names one sentinel exactly",
                        field.name
                    ),
                    "remove `unique: true`, or keep the value in a field of one of those types",
                );
            }
        }
        if !any {
            return;
        }
        let hash = table.hash_key.fields();
        let stored_as_string = |i: &usize| table.fields[*i].key_type == Some(KeyType::S);
        if !hash.iter().all(stored_as_string) {
            self.error(
                &path.child("hash_key"),
                "a table with unique fields needs a string hash key, to store the sentinel items that hold the values",
                "make the hash key a string or uuid field, or remove `unique: true`",
            );
        }
        if let Some(range) = &table.range_key
            && !range.fields().iter().all(stored_as_string)
            && !matches!(range, crate::ir::KeyAttr::Composite(_))
        {
            self.error(
                &path.child("range_key"),
                "a table with unique fields needs a string range key (or none), to store the sentinel items",
                "make the range key a string, uuid or composite key, or remove `unique: true`",
            );
        }
        // Sentinels hold the table's key attributes and nothing else: an index keyed on the
        // range key would hold every sentinel, under one constant value.
        if let Some(range) = table.range_key.as_ref().and_then(|r| r.attribute(&table.fields)) {
            for index in &table.indexes {
                let keyed = [Some(&index.hash_key), index.range_key.as_ref()]
                    .into_iter()
                    .flatten()
                    .any(|k| k.attributes(&table.fields).contains(&range));
                if keyed {
                    self.error(
                        &path.child("indexes").child(&index.name),
                        format!(
                            "index `{}` is keyed on the range key `{range}`, which every sentinel item of the unique fields holds",
                            index.name
                        ),
                        "key the index on other attributes, or remove `unique: true`",
                    );
                }
            }
        }
    }

    /// Refuses `unique` on the fields of `owner` (a single table's entity, a nested type).
    pub(super) fn refuse_unique(&mut self, fields: &[Field], path: &YamlPath, why: &str) {
        for field in fields.iter().filter(|f| f.unique) {
            self.error(
                &path.child(&field.name).child("unique"),
                format!("`{}` cannot be unique: {why}", field.name),
                FIX,
            );
        }
    }
}

/// Whether a value of `ty` can name its sentinel: a scalar stored as one S or N that equal
/// values always store alike.
fn unique_type(ty: &FieldType) -> bool {
    matches!(
        ty,
        FieldType::Scalar(Scalar::String | Scalar::Uuid | Scalar::Int(_) | Scalar::Date) | FieldType::Enum(_)
    )
}
