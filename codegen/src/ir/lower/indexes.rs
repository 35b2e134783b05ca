//! Secondary indexes: names DynamoDB accepts, keys of key types, DynamoDB's limits, and
//! projections.

use super::report::Report;
use super::{Structure, check_dynamo_name};
use crate::ir::{Index, IndexKind, KeyAttr, ProjectionKind, Table};
use crate::schema::YamlPath;
use crate::schema::model::{IndexKeyDef, TableDef};

/// DynamoDB's limit on global secondary indexes per table.
const MAX_GLOBAL_INDEXES: usize = 20;
/// DynamoDB's limit on local secondary indexes per table.
const MAX_LOCAL_INDEXES: usize = 5;
/// DynamoDB's limit on the attributes of a multi-attribute partition or sort key.
const MAX_KEY_ATTRIBUTES: usize = 4;

impl Structure<'_> {
    /// Reports an index name DynamoDB refuses (secondary and vector indexes alike), at the
    /// index's key `path`.
    pub(super) fn index_name(&mut self, name: &str, path: &YamlPath) {
        if let Err(why) = check_dynamo_name(name) {
            self.error_key(
                path,
                format!("index name `{name}` {why}"),
                "DynamoDB index names are 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`",
            );
        }
    }

    pub(super) fn indexes(&mut self, def: &TableDef, table: &Table, names: &[String], path: &YamlPath) -> Vec<Index> {
        let mut out = Vec::new();
        let (mut global, mut local) = (0, 0);
        for (name, index) in &def.indexes {
            let path = path.child(name);
            self.index_name(name, &path);
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
                    self.index_key(key, table, names, &path.child("hash_key"), "hash")
                }
                (IndexKind::Global, None) => {
                    self.error(
                        &path.child("kind"),
                        format!("global index `{name}` has no `hash_key`"),
                        "name the field the index is partitioned by (or up to 4: `hash_key: [tenant, region]`)",
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
                    let table_hash = table.hash_key.attribute(&table.fields);
                    if key.as_ref().is_some_and(|k| k.single() != table_hash) {
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
                    if let Some(IndexKeyDef::Several(list)) = &index.range_key
                        && list.len() > 1
                    {
                        self.error(
                            &path.child("range_key"),
                            format!("local index `{name}` has a multi-attribute sort key"),
                            "only global indexes have multi-attribute keys: name one field, or make the index `kind: global`",
                        );
                    }
                    Some(table.hash_key.clone())
                }
            };
            let range_key = match &index.range_key {
                Some(key) => self.index_key(key, table, names, &path.child("range_key"), "sort"),
                None => None,
            };
            // No attribute twice in one index key (DynamoDB refuses the index).
            if let (Some(hash), range) = (&hash_key, &range_key) {
                let mut seen: Vec<usize> = Vec::new();
                for (k, f) in hash
                    .fields()
                    .into_iter()
                    .chain(range.iter().flat_map(KeyAttr::fields))
                    .enumerate()
                {
                    if seen.contains(&f) && index.kind == IndexKind::Global {
                        let (what, at) = if k < hash.fields().len() {
                            ("hash_key", k)
                        } else {
                            ("range_key", k - hash.fields().len())
                        };
                        let at = match index
                            .hash_key
                            .as_ref()
                            .filter(|_| what == "hash_key")
                            .or(index.range_key.as_ref())
                        {
                            Some(IndexKeyDef::Several(_)) => path.child(what).child(at),
                            _ => path.child(what),
                        };
                        self.error(
                            &at,
                            format!("field `{}` is in index `{name}`'s key twice", table.fields[f].name),
                            "an index key names each attribute once: remove one of them",
                        );
                    }
                    seen.push(f);
                }
            }
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

impl Structure<'_> {
    /// The key of an index (`which` is `hash` or `sort`): one field, or a list of 1 to 4,
    /// each a key type (S, N or B). A one-field list is that field's plain key.
    fn index_key(
        &mut self,
        key: &IndexKeyDef,
        table: &Table,
        names: &[String],
        path: &YamlPath,
        which: &str,
    ) -> Option<KeyAttr> {
        let what = format!("index {which} key");
        match key {
            IndexKeyDef::One(field) => self
                .key_field(field, &table.fields, names, path, &what)
                .map(KeyAttr::Field),
            IndexKeyDef::Several(list) => {
                if list.is_empty() {
                    self.error(
                        path,
                        format!("the {what} lists no field"),
                        "name 1 to 4 fields, most significant first",
                    );
                    return None;
                }
                if list.len() > MAX_KEY_ATTRIBUTES {
                    self.error(
                        &path.child(MAX_KEY_ATTRIBUTES),
                        format!("the {what} lists {} fields", list.len()),
                        format!("DynamoDB allows up to {MAX_KEY_ATTRIBUTES} attributes per partition or sort key: remove the last {}", list.len() - MAX_KEY_ATTRIBUTES),
                    );
                    return None;
                }
                let fields: Vec<Option<usize>> = list
                    .iter()
                    .enumerate()
                    .map(|(i, field)| self.key_field(field, &table.fields, names, &path.child(i), &what))
                    .collect();
                let fields: Vec<usize> = fields.into_iter().collect::<Option<_>>()?;
                match fields.as_slice() {
                    [one] => Some(KeyAttr::Field(*one)),
                    _ => Some(KeyAttr::Fields(fields)),
                }
            }
        }
    }
}
