//! Collections of a single table: entities read together from one partition, as an enum. Their
//! entities must share the partition's template, on the table's key or on one index.

use heck::ToUpperCamelCase;

use super::entities::list;
use super::report::Report;
use super::{RESERVED_TYPE_NAMES, Structure, is_upper_camel};
use crate::diagnostic::did_you_mean;
use crate::ir::names::{escape, snake};
use crate::ir::{Collection, CompositeKey, KeyAttr, Segment, Table};
use crate::schema::YamlPath;
use crate::schema::model::TableDef;

impl Structure<'_> {
    /// The collections: member entities that share the partition they are read by.
    pub(super) fn collections(&mut self, def: &TableDef, entities: &[Table], path: &YamlPath) -> Vec<Collection> {
        let mut out = Vec::new();
        for (name, cdef) in &def.collections {
            let cpath = path.child("collections").child(name);
            if !is_upper_camel(name) {
                self.error_key(
                    &cpath,
                    format!("collection name `{name}` is not UpperCamelCase"),
                    format!("write `{}`", name.to_upper_camel_case()),
                );
                continue;
            }
            if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
                self.error_key(
                    &cpath,
                    format!("collection name `{name}` would clash with a name in generated code"),
                    format!("choose another name, such as `{name}Items`"),
                );
                continue;
            }
            if cdef.entities.is_empty() {
                self.error(
                    &cpath.child("entities"),
                    "a collection lists at least one entity",
                    "list the entities it returns: `entities: [Customer, Order]`",
                );
                continue;
            }
            let mut members: Vec<usize> = Vec::new();
            let mut keys: Vec<(usize, CompositeKey)> = Vec::new();
            let mut first_typed: Option<KeyAttr> = None;
            for (n, member) in cdef.entities.iter().enumerate() {
                let mpath = cpath.child("entities").child(n);
                let Some(position) = entities.iter().position(|e| e.names.item == *member) else {
                    if def.entities.contains_key(member) {
                        continue; // invalid entity: already reported
                    }
                    let help = match did_you_mean(member, def.entities.keys().map(String::as_str)) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!(
                            "the entities are {}",
                            list(&def.entities.keys().cloned().collect::<Vec<_>>())
                        ),
                    };
                    self.error(&mpath, format!("no entity named `{member}`"), help);
                    continue;
                };
                if members.contains(&position) {
                    self.error(&mpath, format!("`{member}` is listed twice"), "list each entity once");
                    continue;
                }
                let entity = &entities[position];
                let typed = cdef
                    .index
                    .as_ref()
                    .and_then(|i| def.indexes.get(i))
                    .is_some_and(|i| matches!(i.hash_key, Some(crate::schema::model::IndexKeyDef::Several(_))));
                if typed {
                    // A multi-attribute key: every member in the index stores its attributes
                    // with one type (checked with the entities), so they share its partitions.
                    let index = cdef.index.as_deref().unwrap_or_default();
                    match entity.indexes.iter().find(|i| i.name == index) {
                        Some(found) => {
                            if first_typed.is_none() {
                                first_typed = Some(found.hash_key.clone());
                            }
                            members.push(position);
                        }
                        None => self.error(
                            &mpath,
                            format!("entity `{member}` is not in index `{index}`"),
                            format!("give `{member}` a field for every attribute of `{index}`'s key, or leave it out of the collection"),
                        ),
                    }
                    continue;
                }
                let hash = match &cdef.index {
                    None => Some(&entity.hash_key),
                    Some(index) => entity.indexes.iter().find(|i| i.name == *index).map(|i| &i.hash_key),
                };
                let Some(KeyAttr::Composite(hash)) = hash else {
                    let index = cdef.index.as_deref().unwrap_or_default();
                    if def.indexes.contains_key(index) {
                        self.error(
                            &mpath,
                            format!("entity `{member}` is not in index `{index}`"),
                            format!(
                                "give `{member}` templates for the keys of `{index}`, or leave it out of the collection"
                            ),
                        );
                    } else {
                        let help = match did_you_mean(index, def.indexes.keys().map(String::as_str)) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => "name an index of the table, or omit `index:` to read the table".to_owned(),
                        };
                        self.error(&cpath.child("index"), format!("no index named `{index}`"), help);
                        return out;
                    }
                    continue;
                };
                if let Some((first, key)) = keys.first() {
                    let same = same_template(&entities[*first], key, entity, hash);
                    if !same {
                        let (a, b) = (&entities[*first], entity);
                        self.error(
                            &mpath,
                            format!(
                                "`{}` and `{}` do not share a partition: `{}` is `{}` for one and `{}` for the other",
                                a.names.item,
                                b.names.item,
                                key.attribute,
                                key.template(&a.fields),
                                hash.template(&b.fields)
                            ),
                            "members of a collection have the same hash-key template (same constants, fields of the same name and type)",
                        );
                        continue;
                    }
                }
                keys.push((position, hash.clone()));
                members.push(position);
            }
            let Some(method) = escape(&snake(name)) else { continue };
            let hash = first_typed.or_else(|| keys.into_iter().next().map(|(_, hash)| KeyAttr::Composite(hash)));
            if let Some(hash) = hash {
                out.push(Collection {
                    name: name.clone(),
                    method,
                    doc: cdef.doc.clone(),
                    index: cdef.index.clone(),
                    members,
                    hash,
                    span: self.span(&cpath),
                });
            }
        }
        out
    }
}

/// Two hash-key templates of a collection's members are the same: the same constants, and
/// fields of the same name and type at the same places.
fn same_template(a: &Table, ka: &CompositeKey, b: &Table, kb: &CompositeKey) -> bool {
    ka.segments.len() == kb.segments.len()
        && ka.segments.iter().zip(&kb.segments).all(|pair| match pair {
            (Segment::Const(x), Segment::Const(y)) => x == y,
            (Segment::Field(i), Segment::Field(j)) => {
                let (fa, fb) = (&a.fields[*i], &b.fields[*j]);
                fa.name == fb.name && fa.ty == fb.ty && fa.codec == fb.codec
            }
            _ => false,
        })
}
