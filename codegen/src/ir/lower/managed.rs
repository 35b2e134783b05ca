//! Columns ddbgen manages: `created` and `updated` (audit), the version counter, and TTL.

use super::Structure;
use super::fields::is_field_name;
use super::keys::managed_field;
use super::report::Report;
use crate::ir::{Codec, Field, FieldOrigin, FieldType, IntType, Scalar};
use crate::schema::YamlPath;
use crate::schema::model::AuditDef;

impl Structure<'_> {
    /// Appends the audit columns and the version counter the table asks for.
    pub(super) fn managed_columns(
        &mut self,
        audit: Option<&AuditDef>,
        version: Option<&String>,
        fields: &mut Vec<Field>,
        path: &YamlPath,
    ) {
        let (created, updated) = match audit {
            None | Some(AuditDef::Enabled(true)) => (Some("created".to_owned()), Some("updated".to_owned())),
            Some(AuditDef::Enabled(false)) => (None, None),
            Some(AuditDef::Named(names)) => (
                Some(names.created.clone().unwrap_or_else(|| "created".to_owned())),
                Some(names.updated.clone().unwrap_or_else(|| "updated".to_owned())),
            ),
        };
        for (column, origin, doc, yaml_key) in [
            (
                created,
                FieldOrigin::Created,
                "When the item was created (UTC); set once by ddbgen.",
                "audit",
            ),
            (
                updated,
                FieldOrigin::Updated,
                "When the item was last written (UTC); set on every write by ddbgen.",
                "audit",
            ),
            (
                version.cloned(),
                FieldOrigin::Version,
                "Optimistic-locking counter; starts at 1 and grows by one on every write.",
                "version",
            ),
        ] {
            let Some(column) = column else { continue };
            let ty = if origin == FieldOrigin::Version {
                FieldType::Scalar(Scalar::Int(IntType::U64))
            } else {
                FieldType::Scalar(Scalar::DateTime)
            };
            let key_path = path.child(yaml_key);
            let span = self.span(&key_path);
            let field = managed_field(&column, ty, origin, doc, span).filter(|_| is_field_name(&column));
            match field {
                None => self.error(
                    &key_path,
                    format!("`{column}` is not a valid field name"),
                    "use snake_case letters, digits and `_`",
                ),
                Some(field)
                    if fields
                        .iter()
                        .any(|f| f.name == column || f.attribute == column || f.bare_ident() == field.bare_ident()) =>
                {
                    self.error(
                        &key_path,
                        format!("`{column}` is managed by ddbgen but is also declared under `fields:`"),
                        format!("remove `{column}` from `fields:`, or give the {yaml_key} column another name"),
                    );
                }
                Some(field) => fields.push(field),
            }
        }
    }

    /// The TTL field: a `datetime` stored as epoch seconds.
    pub(super) fn ttl(
        &mut self,
        ttl: Option<&String>,
        fields: &[Field],
        names: &[String],
        path: &YamlPath,
    ) -> Option<Option<usize>> {
        let Some(ttl) = ttl else { return Some(None) };
        let ttl_path = path.child("ttl");
        let i = self.find_field(ttl, fields, names, &ttl_path)?;
        if fields[i].codec != Codec::EpochSeconds {
            self.error(
                &ttl_path,
                format!("TTL field `{ttl}` is not a `datetime` with `format: epoch_seconds`"),
                "DynamoDB expires items by a number of seconds since the epoch: declare the field `{ type: datetime, format: epoch_seconds, optional: true }`",
            );
        }
        Some(Some(i))
    }
}
