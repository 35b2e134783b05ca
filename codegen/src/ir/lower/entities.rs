//! Single-table design: a table that declares `entities:`. Each entity is lowered into an IR
//! [`Table`] of its own (fields, audit, version, repository), whose key attributes are
//! composites built from its `keys:` templates; the table itself becomes a [`SingleTable`].
//!
//! Checked here, before anything runs: every placeholder is a field of its entity and a valid
//! key part; every entity fills every key attribute of the table, and both keys of each index
//! it is in; the discriminator is no field's attribute; no two entities can produce the same
//! primary key (proved segment by segment from the constants, see `collisions.rs`); and the
//! entities of a collection share their partition's template.

use super::report::Report;
use super::{Structure, check_dynamo_name};
use crate::ir::names::snake;
use crate::ir::{Field, GenericIndex, IndexKind, KeyType, ProjectionKind, SingleTable, Table, TypedKey};
use crate::schema::YamlPath;
use crate::schema::model::{IndexKeyDef, RangeKeyDef, TableDef};

/// The separator of key templates.
pub(crate) const TEMPLATE_SEPARATOR: &str = "#";

impl Structure<'_> {
    /// Lowers a table with `entities:`: its entities into `tables`, and the table itself.
    pub(super) fn single_table(
        &mut self,
        name: &str,
        def: &TableDef,
        path: &YamlPath,
        tables: &mut Vec<Table>,
    ) -> Option<SingleTable> {
        let table_name = self.table_name(name, def, path)?;
        self.per_entity_keys(def, path);
        if let Some(index) = def.vector_indexes.keys().next() {
            self.error_key(
                &path.child("vector_indexes").child(index),
                "a table of entities has no vector indexes yet",
                "keep the vectors in a plain table, keyed like the entity",
            );
        }
        let Some(hash_key) = def.hash_key.clone() else {
            self.error_key(
                path,
                format!("table `{name}` has entities but no `hash_key`"),
                "name the generic hash key attribute that entities fill: `hash_key: pk`",
            );
            return None;
        };
        let range_key = match &def.range_key {
            None => None,
            Some(RangeKeyDef::Field(key)) => Some(key.clone()),
            Some(RangeKeyDef::Composite(_)) => {
                self.error(
                    &path.child("range_key"),
                    "with entities, the range key is a generic attribute, not a composite",
                    "write `range_key: sk`, and build it per entity under `keys:` (`sk: \"ORDER#{order_id}\"`)",
                );
                return None;
            }
        };
        let discriminator = def.discriminator.clone().unwrap_or_else(|| "entity".to_owned());
        let indexes = self.generic_indexes(def, &hash_key, path);
        let mut key_attributes = vec![hash_key.clone()];
        key_attributes.extend(range_key.clone());
        let mut typed_attributes: Vec<String> = Vec::new();
        for index in &indexes {
            if let Some(typed) = &index.typed {
                typed_attributes.extend(typed.hash.iter().chain(&typed.range).cloned());
                continue;
            }
            for attribute in std::iter::once(&index.hash_key).chain(&index.range_key) {
                if !key_attributes.contains(attribute) {
                    key_attributes.push(attribute.clone());
                }
            }
        }
        if let Some(clash) = typed_attributes.iter().find(|a| key_attributes.contains(a)) {
            self.error_key(
                path,
                format!("attribute `{clash}` is both a template key attribute and a multi-attribute index key"),
                "give the multi-attribute index attributes names no template key uses",
            );
        }
        // Each key attribute's encoder is a function of every entity's key type.
        let mut encoders = crate::ir::names::Scope::with_fixed(
            format!("the key types of table `{name}`"),
            &[("to_key", "the key types' `to_key`")],
        );
        for attribute in &key_attributes {
            if let Err(clash) = encoders.claim(&encoder_name(attribute), format!("key attribute `{attribute}`"), None) {
                self.error_key(
                    path,
                    clash.message(),
                    "give the key attributes names that differ in more than case and punctuation",
                );
            }
        }
        if key_attributes.contains(&discriminator) {
            self.error(
                &path.child("discriminator"),
                format!("the discriminator `{discriminator}` is also a key attribute"),
                "name the discriminator `entity`, or another attribute no key uses",
            );
        }
        let shape = Shape {
            table_name: &table_name,
            hash_key: &hash_key,
            range_key: range_key.as_deref(),
            indexes: &indexes,
            key_attributes: &key_attributes,
            typed_attributes: &typed_attributes,
            discriminator: &discriminator,
        };
        let mut entities: Vec<Table> = Vec::new();
        let mut entity_names = Vec::new();
        for (entity, edef) in &def.entities {
            let epath = path.child("entities").child(entity);
            if let Some(table) = self.entity(entity, edef, &shape, &epath) {
                let collisions = super::collisions::check_distinct(self.file, &entities, &table, path);
                self.errors.extend(collisions);
                entity_names.push(entity.clone());
                entities.push(table);
            }
        }
        let mut indexes = indexes;
        self.typed_key_types(&mut indexes, &entities, path);
        let collections = self.collections(def, &entities, path);
        let ttl = self.single_ttl(&entities, path);
        tables.extend(entities);
        Some(SingleTable {
            name: name.to_owned(),
            module: String::new(),
            repository: String::new(),
            item: String::new(),
            change: String::new(),
            table_name,
            doc: def.doc.clone(),
            hash_key,
            range_key,
            indexes,
            discriminator,
            entities: Vec::new(),
            entity_names,
            collections,
            ttl,
            span: self.span(path),
        })
    }

    /// The table's one TTL attribute: where every entity that declares `ttl:` stores its TTL
    /// field. No two of them may differ, and no other entity may store that attribute, or
    /// DynamoDB would expire its items by a field that was never meant as an expiry.
    fn single_ttl(&mut self, entities: &[Table], path: &YamlPath) -> Option<String> {
        let expiring = || entities.iter().filter_map(|e| e.ttl.map(|i| (e, &e.fields[i])));
        let (first, first_field) = expiring().next()?;
        let attribute = first_field.attribute.clone();
        let entity_path = |entity: &Table| path.child("entities").child(&entity.names.item);
        for (entity, field) in expiring().skip(1) {
            if field.attribute != attribute {
                self.error(
                    &entity_path(entity).child("ttl"),
                    format!(
                        "entities `{}` and `{}` expire by different attributes, `{attribute}` and `{}`, but a DynamoDB table has one TTL attribute",
                        first.names.item, entity.names.item, field.attribute
                    ),
                    format!("store `{}` under the same attribute: `attribute: {attribute}`", field.name),
                );
            }
        }
        for entity in entities.iter().filter(|e| e.ttl.is_none()) {
            if let Some(field) = entity.fields.iter().find(|f| f.attribute == attribute) {
                self.error_key(
                    &entity_path(entity).child("fields").child(&field.name),
                    format!(
                        "entity `{}` stores `{attribute}`, the table's TTL attribute (`{}.ttl`), without declaring `ttl:`; DynamoDB expires every item by that attribute",
                        entity.names.item, first.names.item
                    ),
                    format!(
                        "add `ttl: {}` to `{}`, or store the field under another `attribute:`",
                        field.name, entity.names.item
                    ),
                );
            }
        }
        Some(attribute)
    }

    /// Table keys that belong to each entity instead.
    fn per_entity_keys(&mut self, def: &TableDef, path: &YamlPath) {
        let misplaced = [
            ("fields", !def.fields.is_empty()),
            ("audit", def.audit.is_some()),
            ("version", def.version.is_some()),
            ("ttl", def.ttl.is_some()),
            ("projections", !def.projections.is_empty()),
            ("access_patterns", !def.access_patterns.is_empty()),
            ("patch", def.patch),
        ];
        for (key, present) in misplaced {
            if present {
                self.error_key(
                    &path.child(key),
                    format!("a table with entities declares `{key}` per entity"),
                    format!("move `{key}:` under each entity of `entities:`"),
                );
            }
        }
    }

    /// The indexes of a single table: generic attributes, whole items.
    fn generic_indexes(&mut self, def: &TableDef, hash_key: &str, path: &YamlPath) -> Vec<GenericIndex> {
        let mut out = Vec::new();
        for (name, index) in &def.indexes {
            let ipath = path.child("indexes").child(name);
            if let Err(why) = check_dynamo_name(name) {
                self.error_key(
                    &ipath,
                    format!("index name `{name}` {why}"),
                    "DynamoDB index names are 3 to 255 of a-z, A-Z, 0-9, `_`, `-` and `.`",
                );
            }
            if index.projection.is_some_and(|p| p != ProjectionKind::All) || !index.include.is_empty() {
                self.error(
                    &ipath.child("projection"),
                    "an index of a table with entities holds whole items",
                    "remove `projection:` and `include:`: every entity reads its whole items from the index",
                );
            }
            // A list is a multi-attribute key: attributes the entities store as typed fields.
            if let (IndexKind::Global, Some(IndexKeyDef::Several(hash))) = (index.kind, &index.hash_key) {
                let range: Vec<String> = index.range_key.as_ref().map(|r| r.names().to_vec()).unwrap_or_default();
                if let Some(typed) = self.typed_key(name, hash, &range, &ipath) {
                    out.push(GenericIndex {
                        name: name.clone(),
                        kind: index.kind,
                        hash_key: typed.hash[0].clone(),
                        range_key: typed.range.first().cloned(),
                        typed: Some(typed),
                    });
                }
                continue;
            }
            let mut single = |key: &Option<IndexKeyDef>, what: &str| match key {
                Some(IndexKeyDef::Several(_)) => {
                    self.error(
                        &ipath.child(what),
                        "a multi-attribute sort key needs a multi-attribute partition key here",
                        format!("write `hash_key` as a list too (`hash_key: [tenant]`), or name one generic attribute in `{what}`"),
                    );
                    Err(())
                }
                Some(IndexKeyDef::One(name)) => Ok(Some(name.clone())),
                None => Ok(None),
            };
            let (Ok(index_hash), Ok(index_range)) = (
                single(&index.hash_key, "hash_key"),
                single(&index.range_key, "range_key"),
            ) else {
                continue;
            };
            let hash = match (index.kind, &index_hash) {
                (IndexKind::Global, Some(key)) => key.clone(),
                (IndexKind::Global, None) => {
                    self.error(
                        &ipath.child("kind"),
                        format!("global index `{name}` has no `hash_key`"),
                        "name the generic attribute the index is partitioned by: `hash_key: gsi1pk`",
                    );
                    continue;
                }
                (IndexKind::Local, key) => {
                    if key.as_deref().is_some_and(|k| k != hash_key) {
                        self.error(
                            &ipath.child("hash_key"),
                            "a local index shares the table's hash key",
                            "remove `hash_key`, or make the index `kind: global`",
                        );
                    }
                    if index_range.is_none() {
                        self.error(
                            &ipath.child("kind"),
                            format!("local index `{name}` has no `range_key`"),
                            "name the generic attribute it sorts by: `range_key: lsi1sk`",
                        );
                        continue;
                    }
                    hash_key.to_owned()
                }
            };
            out.push(GenericIndex {
                name: name.clone(),
                kind: index.kind,
                hash_key: hash,
                range_key: index_range,
                typed: None,
            });
        }
        out
    }

    /// The attributes of a multi-attribute index key of a single table: 1 to 4 partition and 0
    /// to 4 sort attributes, none twice. Their types come from the entities' fields.
    fn typed_key(&mut self, index: &str, hash: &[String], range: &[String], path: &YamlPath) -> Option<TypedKey> {
        for (what, list) in [("hash_key", hash), ("range_key", range)] {
            if list.len() > 4 {
                self.error(
                    &path.child(what).child(4),
                    format!("the index {what} lists {} attributes", list.len()),
                    "DynamoDB allows up to 4 attributes per partition or sort key",
                );
                return None;
            }
        }
        if hash.is_empty() {
            self.error(
                &path.child("hash_key"),
                "the index hash key lists no attribute",
                "name 1 to 4 attributes",
            );
            return None;
        }
        let all: Vec<&String> = hash.iter().chain(range).collect();
        if let Some(twice) = all
            .iter()
            .enumerate()
            .find(|(i, a)| all[..*i].contains(a))
            .map(|(_, a)| a)
        {
            self.error(
                path,
                format!("attribute `{twice}` is in index `{index}`'s key twice"),
                "an index key names each attribute once: remove one of them",
            );
            return None;
        }
        Some(TypedKey {
            hash: hash.to_vec(),
            range: range.to_vec(),
            types: Vec::new(),
        })
    }

    /// The key type of each attribute of the multi-attribute index keys: every entity that
    /// stores the attribute stores it with one type (DynamoDB declares one per attribute).
    fn typed_key_types(&mut self, indexes: &mut [GenericIndex], entities: &[Table], path: &YamlPath) {
        for index in indexes {
            let Some(typed) = &mut index.typed else { continue };
            let mut types = Vec::new();
            for attribute in typed.hash.iter().chain(&typed.range) {
                let stored: Vec<(&Table, &Field)> = entities
                    .iter()
                    .flat_map(|e| {
                        e.fields
                            .iter()
                            .filter(|f| &f.attribute == attribute)
                            .map(move |f| (e, f))
                    })
                    .collect();
                let first = stored.iter().find_map(|(_, f)| f.key_type);
                for (entity, field) in &stored {
                    if field.key_type.is_some() && field.key_type != first {
                        self.error_key(
                            &path
                                .child("entities")
                                .child(&entity.names.item)
                                .child("fields")
                                .child(&field.name),
                            format!(
                                "attribute `{attribute}` (a key of index `{}`) is {} here but {} in another entity",
                                index.name,
                                field.key_type.map_or("?", KeyType::as_str),
                                first.map_or("?", KeyType::as_str)
                            ),
                            "DynamoDB gives an index key attribute one type: store it as one type in every entity",
                        );
                    }
                }
                types.push(first.unwrap_or(KeyType::S));
            }
            typed.types = types;
        }
    }
}

/// What every entity of a single table is checked against.
pub(super) struct Shape<'a> {
    pub(super) table_name: &'a str,
    pub(super) hash_key: &'a str,
    pub(super) range_key: Option<&'a str>,
    pub(super) indexes: &'a [GenericIndex],
    pub(super) key_attributes: &'a [String],
    /// The attributes of multi-attribute index keys: entities store them as their own fields.
    pub(super) typed_attributes: &'a [String],
    pub(super) discriminator: &'a str,
}

/// The key types' function that encodes key attribute `attribute` (`encode_gsi1pk`).
pub(super) fn encoder_name(attribute: &str) -> String {
    format!("encode_{}", snake(attribute))
}

pub(super) fn list(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}
