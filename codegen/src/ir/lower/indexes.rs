//! Secondary indexes: names DynamoDB accepts, keys of key types, DynamoDB's limits, and
//! projections.

use super::report::Report;
use super::{Structure, check_dynamo_name};
use crate::ir::{Index, IndexKind, KeyAttr, ProjectionKind, Table};
use crate::schema::YamlPath;
use crate::schema::model::TableDef;

/// DynamoDB's limit on global secondary indexes per table.
const MAX_GLOBAL_INDEXES: usize = 20;
/// DynamoDB's limit on local secondary indexes per table.
const MAX_LOCAL_INDEXES: usize = 5;

impl Structure<'_> {
    pub(super) fn indexes(&mut self, def: &TableDef, table: &Table, names: &[String], path: &YamlPath) -> Vec<Index> {
        let mut out = Vec::new();
        let (mut global, mut local) = (0, 0);
        for (name, index) in &def.indexes {
            let path = path.child(name);
            if let Err(why) = check_dynamo_name(name) {
                self.error_key(
                    &path,
                    format!("index name `{name}` {why}"),
                    "DynamoDB index names are 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`",
                );
            }
            let hash_key = match (index.kind, &index.hash_key) {
                (IndexKind::Global, Some(key)) => {
                    global += 1;
                    if global == MAX_GLOBAL_INDEXES + 1 {
                        self.error_key(
                            &path,
                            format!("more than {MAX_GLOBAL_INDEXES} global secondary indexes"),
                            "DynamoDB allows 20 per table: remove one, or overload an index with a composite key",
                        );
                    }
                    self.key_field(key, &table.fields, names, &path.child("hash_key"), "index hash key")
                        .map(KeyAttr::Field)
                }
                (IndexKind::Global, None) => {
                    self.error(
                        &path.child("kind"),
                        format!("global index `{name}` has no `hash_key`"),
                        "name the field the index is partitioned by",
                    );
                    None
                }
                (IndexKind::Local, key) => {
                    local += 1;
                    if local == MAX_LOCAL_INDEXES + 1 {
                        self.error_key(
                            &path,
                            format!("more than {MAX_LOCAL_INDEXES} local secondary indexes"),
                            "DynamoDB allows 5 per table: remove one, or use a global index",
                        );
                    }
                    if key
                        .as_deref()
                        .is_some_and(|k| k != table.hash_key.attribute(&table.fields))
                    {
                        self.error(
                            &path.child("hash_key"),
                            "a local index shares the table's hash key",
                            "remove `hash_key`, or make the index `kind: global`",
                        );
                    }
                    if index.range_key.is_none() {
                        self.error(
                            &path.child("kind"),
                            format!("local index `{name}` has no `range_key`"),
                            "a local index sorts by another field: name it in `range_key`",
                        );
                    }
                    Some(table.hash_key.clone())
                }
            };
            let range_key = match &index.range_key {
                Some(key) => self
                    .key_field(key, &table.fields, names, &path.child("range_key"), "index range key")
                    .map(KeyAttr::Field),
                None => None,
            };
            let projection = index.projection.unwrap_or(ProjectionKind::All);
            let mut include = Vec::new();
            if projection != ProjectionKind::Include && !index.include.is_empty() {
                self.error(
                    &path.child("include"),
                    "`include` lists fields only with `projection: include`",
                    "set `projection: include`, or remove `include`",
                );
            }
            for (i, field) in index.include.iter().enumerate() {
                if let Some(f) = self.find_field(field, &table.fields, names, &path.child("include").child(i)) {
                    include.push(f);
                }
            }
            if let Some(hash_key) = hash_key {
                out.push(Index {
                    name: name.clone(),
                    kind: index.kind,
                    hash_key,
                    range_key,
                    projection,
                    include,
                    projection_type: None,
                    span: self.span(&path),
                });
            }
        }
        out
    }
}
